//! The library holds summaries, not records: a summary equals what a full
//! load of the record computes, the loader shows rows as they come in (in
//! the folder's order, a broken record as an error row), a record is read
//! in full when it is opened, and `validate` on every core reports exactly
//! what a serial run does.

use std::path::{Path, PathBuf};
use std::sync::mpsc;

use hotwash::library::{self, RecordSummary, ReviewProgress};
use hotwash::load::{self, LoadOptions};
use hotwash::model::{Candidate, Catalogue, Decision, Review, Verdict};
use hotwash::timeline::Timeline;
use hotwash::tui::app::{App, EntryState, Screen, load_entry, open_record};
use hotwash::tui::runtime::{OPEN_IN_BACKGROUND, dispatch, dispatch_with};
use hotwash::tui::update::{Effect, Msg, update};
use hotwash::tui::view::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

fn render(app: &App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(app.width, app.height)).expect("terminal");
    terminal.draw(|f| view(app, f)).expect("draw");
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        let line: String = (0..buffer.area.width)
            .map(|x| buffer[(x, y)].symbol().to_string())
            .collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn enter(app: &mut App) -> Vec<Effect> {
    let key = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
    dispatch(app, Msg::Input(Event::Key(key)), &LoadOptions::default())
}

/// Every record file of the folders the tests and the program ship.
fn record_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for folder in [
        "incidents",
        "tests/fixtures/valid",
        "tests/fixtures/stats",
        "tests/fixtures/tui",
        "tests/fixtures/invalid",
    ] {
        files.extend(load::records_in(Path::new(folder)).expect("records"));
    }
    files
}

#[test]
fn a_summary_equals_what_a_full_load_computes() {
    let options = LoadOptions::default();
    let mut compared = 0;
    for path in record_files() {
        let summary = library::summarise(&path, &options);
        match open_record(&path, &options, false) {
            Ok(opened) => {
                let review = &opened.review.expect("a review").review;
                let mut full = opened.bundle.summary(review);
                full.size = std::fs::metadata(&path).expect("stat").len();
                let summary = summary.unwrap_or_else(|r| panic!("{}: {r:?}", path.display()));
                assert_eq!(summary, full, "{}", path.display());
                // What the view across incidents counts is the record's.
                let stats = hotwash::stats::Summary::of(&opened.bundle.record);
                assert_eq!(summary.stats, stats, "{}", path.display());
                compared += 1;
            }
            Err(report) => {
                let failed = summary.expect_err("a record that does not load has no summary");
                assert_eq!(failed.path, report.path);
                assert_eq!(failed.diagnostics, report.diagnostics, "{}", path.display());
            }
        }
    }
    // The five incidents and the valid fixtures.
    assert!(compared >= 11, "only {compared} records compared");
}

#[test]
fn the_bundled_records_summarise_as_they_open() {
    let options = LoadOptions::default();
    let mut n = 0;
    for file in hotwash::bundled::records() {
        let path = hotwash::bundled::path_of(file.name);
        let summary = library::summarise_bundled(file, &options).expect("a bundled record loads");
        let opened = open_record(&path, &options, false).expect("opens");
        let state = opened.review.expect("its review");
        assert!(matches!(state.access, hotwash::tui::app::Access::Bundled));
        let mut full = opened.bundle.summary(&state.review);
        full.size = file.text.len() as u64;
        assert_eq!(summary, full, "{}", file.name);
        // The bundled reviews mark events reviewed: the progress is theirs.
        assert_eq!(summary.review.reviewed, state.reviewed(), "{}", file.name);
        n += 1;
    }
    assert!(n >= 5);
}

#[test]
fn a_summary_survives_a_serde_round_trip() {
    let summary = library::summarise(
        Path::new("incidents/taurus-webex-2024.ron"),
        &LoadOptions::default(),
    )
    .expect("taurus loads");
    let json = serde_json::to_string(&summary).expect("serialise");
    let back: RecordSummary = serde_json::from_str(&json).expect("deserialise");
    assert_eq!(back, summary);
    assert!(summary.stats.lag.is_some(), "the lag travels too");
}

#[test]
fn candidates_without_a_decision_are_counted() {
    let text = std::fs::read_to_string("tests/fixtures/tui/demo.ron").expect("demo");
    let mut record: hotwash::model::Record = load::parse(&text).expect("parses");
    let candidate = |control: &str| Candidate {
        control: control.into(),
        catalogue: Catalogue::NistSp80053r5,
        chains: Vec::new(),
    };
    record.events[0].candidates = vec![candidate("AC-2"), candidate("IA-2")];
    record.events[1].candidates = vec![candidate("AC-2")];
    let (e0, e1) = (record.events[0].id.clone(), record.events[1].id.clone());
    let mut review = Review::new(record.id.clone());
    let progress = |review: &Review| ReviewProgress::of(&record, review).awaiting_decision;
    assert_eq!(progress(&review), 3);
    // Decided for E0 only: the same control on another event still waits.
    review.decisions.push(Decision {
        event: e0.to_string(),
        control: "AC-2".into(),
        verdict: Verdict::Dismissed,
        note: None,
    });
    assert_eq!(progress(&review), 2);
    review.decisions.push(Decision {
        event: e1.to_string(),
        control: "AC-2".into(),
        verdict: Verdict::Linked(hotwash::model::Effect::Failed),
        note: None,
    });
    assert_eq!(progress(&review), 1);
    let summary = RecordSummary::of(&record, &Timeline::new(&record), &review);
    assert_eq!(summary.review.awaiting_decision, 1);
    assert_eq!(summary.origin, None, "written by hand");
}

/// A folder of the stats fixtures (three records and a broken one).
fn folder_messages() -> Vec<Msg> {
    let (tx, rx) = mpsc::channel();
    hotwash::tui::load_source(
        hotwash::tui::Source::Path(PathBuf::from("tests/fixtures/stats")),
        &LoadOptions::default(),
        &tx,
    );
    drop(tx);
    rx.into_iter().collect()
}

#[test]
fn the_library_shows_rows_as_they_load_in_the_folders_order() {
    let messages = folder_messages();
    let loaded: Vec<PathBuf> = messages
        .iter()
        .filter_map(|m| match m {
            Msg::Loaded(e) => Some(e.path.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        loaded,
        load::records_in(Path::new("tests/fixtures/stats")).expect("records"),
        "entries come in the folder's order, whichever thread finished first"
    );
    assert!(matches!(messages.last(), Some(Msg::LoadFinished)));

    let mut app = App::new(120, 24);
    app.library.folder = Some(PathBuf::from("tests/fixtures/stats"));
    // Which file a worker started last depends on the threads: the
    // entries are what is compared, with the progress given here.
    let mut entries = messages.into_iter().filter(|m| matches!(m, Msg::Loaded(_)));
    let started = |name: &str, done| Msg::LoadStarted {
        path: PathBuf::from("tests/fixtures/stats").join(name),
        size: 1_234_567,
        done,
        total: 4,
    };
    update(&mut app, started("alpha.ron", 0));
    // Two rows in, the third loading.
    for msg in entries.by_ref().take(2) {
        update(&mut app, msg);
    }
    update(&mut app, started("broken.ron", 0));
    let partial = render(&app);
    assert!(partial.contains("Loading "), "{partial}");
    insta::assert_snapshot!("library_while_loading", partial);
    for msg in entries {
        update(&mut app, msg);
    }
    update(&mut app, Msg::LoadFinished);
    let done = render(&app);
    assert!(!done.contains("Loading "), "{done}");
    // The broken record is a row of its own, with its error.
    assert!(done.contains("✗ broken.ron:"), "{done}");
    insta::assert_snapshot!("library_loaded", done);
    assert!(
        app.library.entries.iter().all(|e| e.review.is_none()
            && matches!(e.state, EntryState::Summarised(_) | EntryState::Failed(_))),
        "the library holds summaries and reports, nothing opened"
    );
}

#[test]
fn opening_reads_the_whole_record_and_closing_lets_it_go() {
    let mut app = App::new(120, 40);
    let path = PathBuf::from("incidents/taurus-webex-2024.ron");
    update(
        &mut app,
        Msg::Loaded(load_entry(path.clone(), &LoadOptions::default())),
    );
    update(&mut app, Msg::LoadFinished);
    let summary = app.library.entries[0]
        .summary()
        .expect("summarised")
        .clone();
    enter(&mut app);
    let Screen::Review(r) = &app.screen else {
        panic!("the record opens:\n{}", render(&app));
    };
    assert_eq!(r.bundle.record.events.len(), summary.events());
    assert_eq!(r.bundle.record.title, summary.title());
    assert_eq!(r.state.reviewed(), summary.review.reviewed);
    assert!(app.opening.is_none());
    let screen = render(&app);
    assert!(screen.contains("Timeline ("), "{screen}");
    // Back in the library, the entry keeps its review (undo, unsaved
    // changes) but no record; the row shows the same.
    let key = KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE);
    dispatch(
        &mut app,
        Msg::Input(Event::Key(key)),
        &LoadOptions::default(),
    );
    assert!(matches!(app.screen, Screen::Library));
    assert!(app.library.entries[0].review.is_some());
    assert_eq!(app.library.entries[0].summary(), Some(&summary));
    // Opened again, with the review it kept.
    enter(&mut app);
    assert!(matches!(app.screen, Screen::Review(_)));
}

#[test]
fn a_big_record_opens_off_the_main_thread_saying_so() {
    let mut app = App::new(120, 40);
    let path = PathBuf::from("incidents/taurus-webex-2024.ron");
    let mut entry = load_entry(path.clone(), &LoadOptions::default());
    // Made to look big: the threshold is what decides, not the bytes.
    if let EntryState::Summarised(s) = &mut entry.state {
        std::sync::Arc::make_mut(s).size = OPEN_IN_BACKGROUND;
    }
    update(&mut app, Msg::Loaded(entry));
    update(&mut app, Msg::LoadFinished);
    let (tx, rx) = mpsc::channel();
    let key = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
    dispatch_with(
        &mut app,
        Msg::Input(Event::Key(key)),
        &LoadOptions::default(),
        Some(&tx),
    );
    assert!(matches!(app.screen, Screen::Library), "not open yet");
    let screen = render(&app);
    assert!(
        screen.contains("Opening taurus-webex-2024.ron (2.0 MB)… Esc: cancel"),
        "{screen}"
    );
    let answer = rx
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("the thread answers");
    assert!(matches!(answer, Msg::Opened { entry: 0, .. }));
    dispatch(&mut app, answer, &LoadOptions::default());
    assert!(matches!(app.screen, Screen::Review(_)), "{}", render(&app));
}

#[test]
fn esc_while_opening_cancels_and_the_late_answer_is_dropped() {
    let mut app = App::new(120, 40);
    let path = PathBuf::from("incidents/taurus-webex-2024.ron");
    update(
        &mut app,
        Msg::Loaded(load_entry(path.clone(), &LoadOptions::default())),
    );
    let effects = update(
        &mut app,
        Msg::Input(Event::Key(KeyEvent::new(
            KeyCode::Enter,
            KeyModifiers::NONE,
        ))),
    );
    assert!(matches!(
        effects.as_slice(),
        [Effect::OpenRecord { entry: 0, .. }]
    ));
    assert!(app.opening.is_some());
    update(
        &mut app,
        Msg::Input(Event::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE))),
    );
    assert!(app.opening.is_none());
    let result = open_record(&path, &LoadOptions::default(), false);
    update(
        &mut app,
        Msg::Opened {
            entry: 0,
            path,
            result,
        },
    );
    assert!(
        matches!(app.screen, Screen::Library),
        "cancelled stays cancelled"
    );
}

#[test]
fn a_record_broken_since_it_was_listed_shows_its_error_when_opened() {
    let dir = std::env::temp_dir().join(format!("hotwash-library-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("demo.ron");
    std::fs::copy("tests/fixtures/tui/demo.ron", &path).expect("copy");
    let mut app = App::new(120, 40);
    update(
        &mut app,
        Msg::Loaded(load_entry(path.clone(), &LoadOptions::default())),
    );
    std::fs::write(&path, "(schema: 1, id: \"x\",\n  titel: \"typo\")\n").expect("break it");
    enter(&mut app);
    assert!(matches!(app.screen, Screen::Library));
    assert!(matches!(
        app.overlay,
        Some(hotwash::tui::app::Overlay::Diagnostics(0))
    ));
    assert!(matches!(
        app.library.entries[0].state,
        EntryState::Failed(_)
    ));
    let key = KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE);
    dispatch(
        &mut app,
        Msg::Input(Event::Key(key)),
        &LoadOptions::default(),
    );
    let screen = render(&app);
    assert!(
        screen.contains("✗ demo.ron: 2:3: Unexpected field named `titel`"),
        "{screen}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn parallel_validate_reports_exactly_what_a_serial_run_does() {
    let paths: Vec<PathBuf> = [
        "incidents",
        "tests/fixtures/valid",
        "tests/fixtures/invalid",
        "tests/fixtures/stats",
        // Named twice: checked once, where it first comes.
        "incidents/taurus-webex-2024.ron",
        "tests/fixtures/invalid/unknown-finding.review.ron",
        "no/such/folder",
    ]
    .iter()
    .map(PathBuf::from)
    .collect();
    let options = LoadOptions::default();
    let rendered = |jobs: usize| -> Vec<(PathBuf, String)> {
        load::validate_paths_with(&paths, &options, jobs)
            .iter()
            .map(|r| (r.path.clone(), r.render(false, 100)))
            .collect()
    };
    let serial = rendered(1);
    assert!(serial.len() > 40, "{} reports", serial.len());
    assert_eq!(rendered(4), serial);
    assert_eq!(rendered(2), serial);
}

#[test]
fn a_record_changed_while_open_is_summarised_again() {
    let dir = std::env::temp_dir().join(format!("hotwash-library-watch-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("demo.ron");
    let text = std::fs::read_to_string("tests/fixtures/tui/demo.ron").expect("demo");
    std::fs::write(&path, &text).expect("copy");
    let mut app = App::new(120, 40);
    update(
        &mut app,
        Msg::Loaded(load_entry(path.clone(), &LoadOptions::default())),
    );
    enter(&mut app);
    assert!(matches!(app.screen, Screen::Review(_)));
    std::fs::write(
        &path,
        text.replacen("Demo: a call joined", "Renamed: a call joined", 1),
    )
    .expect("edit");
    // What the watcher says when the file's content changed.
    dispatch(&mut app, Msg::RecordChanged, &LoadOptions::default());
    let key = KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE);
    dispatch(
        &mut app,
        Msg::Input(Event::Key(key)),
        &LoadOptions::default(),
    );
    assert!(matches!(app.screen, Screen::Library));
    let summary = app.library.entries[0].summary().expect("summarised");
    assert!(
        summary.title().starts_with("Renamed: "),
        "{}",
        summary.title()
    );
    assert!(render(&app).contains("Renamed: a call joined"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_period_runs_to_the_latest_end_not_the_last_start() {
    let path = Path::new("incidents/taurus-webex-2024.ron");
    let loaded = load::load_record(path, &LoadOptions::default());
    let mut record = loaded.value.expect("taurus loads");
    let timeline = Timeline::new(&record);
    let before = library::period(&record, &timeline);
    let (_, last_day) = before.split_once(" – ").expect("a span of days");
    // An event known to the day now runs to a day after every other event.
    let end: hotwash::model::time::Timestamp = "2030-01-02".parse().expect("a day");
    let to_the_day = record
        .events
        .iter()
        .position(|e| e.fidelity >= hotwash::model::time::Fidelity::Day)
        .expect("an event known to the day");
    record.events[to_the_day].end = Some(end);
    let after = library::period(&record, &Timeline::new(&record));
    assert!(after.ends_with("– 2030-01-02"), "{after} (was {before})");
    assert!(!after.contains(last_day), "{after}");
}
