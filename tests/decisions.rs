//! The analyst's decisions on candidate controls, end to end but for the
//! terminal: the workbench's candidates overlay driven by keys (with
//! snapshots), the effective record in the report and `hotwash stats`,
//! the sign-off hash over the record as written, validation and merge.
//! Fixture: tests/fixtures/candidates/candidates.ron (made up; E02 has three
//! candidates, AC-2 and IA-2 with two chains each, AC-7 with one; E03 two
//! from hotwash's own table).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use hotwash::load::{self, LoadOptions};
use hotwash::model::{
    ConflictField, ConflictItem, ConflictValue, Decision, Effect, Record, Review, Verdict,
};
use hotwash::review::{Edit, RecordHasher, merge, signoff_state};
use hotwash::tui::app::{App, Overlay, Screen, load_entry};
use hotwash::tui::runtime::dispatch;
use hotwash::tui::update::{Msg, update};
use hotwash::tui::view::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

const FIXTURE: &str = "tests/fixtures/candidates/candidates.ron";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A private folder holding a copy of the fixture, removed when dropped.
struct Workspace(PathBuf);

impl Workspace {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("hotwash-decisions-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::copy(root().join(FIXTURE), dir.join("candidates.ron")).expect("copy fixture");
        Workspace(dir)
    }

    fn record(&self) -> PathBuf {
        self.0.join("candidates.ron")
    }

    fn review_file(&self) -> PathBuf {
        self.0.join("candidates.review.ron")
    }

    fn write_review(&self, text: &str) {
        std::fs::write(self.review_file(), text).expect("write review");
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn record() -> Record {
    let loaded = load::load_record(&root().join(FIXTURE), &LoadOptions::default());
    assert!(
        loaded.report.diagnostics.is_empty(),
        "{:?}",
        loaded.report.diagnostics
    );
    loaded.value.expect("the fixture loads")
}

fn decision(event: &str, control: &str, verdict: Verdict, note: Option<&str>) -> Decision {
    Decision {
        event: event.into(),
        control: control.into(),
        verdict,
        note: note.map(Into::into),
    }
}

// ---- the workbench ----

fn app(ws: &Workspace, width: u16, height: u16) -> App {
    let mut app = App::new(width, height);
    app.reviewer = "test analyst".into();
    // Shown in the title: a fixed name, not the temporary folder.
    app.library.folder = Some(PathBuf::from("tests/fixtures/candidates"));
    update(
        &mut app,
        Msg::Loaded(load_entry(ws.record(), &LoadOptions::default())),
    );
    update(&mut app, Msg::LoadFinished);
    app
}

fn send(app: &mut App, code: KeyCode) {
    let modifiers = match code {
        KeyCode::Char(c) if c.is_ascii_uppercase() => KeyModifiers::SHIFT,
        _ => KeyModifiers::NONE,
    };
    dispatch(
        app,
        Msg::Input(Event::Key(KeyEvent::new(code, modifiers))),
        &LoadOptions::default(),
    );
}

fn keys(app: &mut App, keys: &str) {
    for c in keys.chars() {
        send(app, KeyCode::Char(c));
    }
}

fn render(app: &App) -> String {
    let backend = TestBackend::new(app.width, app.height);
    let mut terminal = Terminal::new(backend).expect("test terminal");
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

fn saved(ws: &Workspace) -> Review {
    let text = std::fs::read_to_string(ws.review_file()).expect("the review was saved");
    load::review_from_text(&ws.review_file(), text, &record())
        .value
        .expect("the saved review loads")
}

#[test]
fn the_library_says_where_a_record_came_from_and_what_awaits() {
    let ws = Workspace::new("library");
    for (w, h) in [(80, 24), (120, 40), (220, 60)] {
        let app = app(&ws, w, h);
        let screen = render(&app);
        assert!(
            screen.contains("VERIS"),
            "{w}x{h}: the origin is shown\n{screen}"
        );
        assert!(
            screen.contains("5 to decide"),
            "{w}x{h}: the candidates awaiting\n{screen}"
        );
        insta::assert_snapshot!(format!("library_{w}x{h}"), screen);
    }
}

#[test]
fn deciding_a_candidate_turns_it_into_a_failure_and_saves_it() {
    let ws = Workspace::new("decide");
    let mut app = app(&ws, 120, 40);
    send(&mut app, KeyCode::Enter);
    keys(&mut app, "j"); // E02
    let before = render(&app);
    assert!(before.contains("3 candidates (c)"), "{before}");
    assert!(
        !before.contains("AC-2"),
        "a candidate is never shown as an effect\n{before}"
    );
    keys(&mut app, "c");
    assert!(matches!(app.overlay, Some(Overlay::Candidates(_))));
    let overlay = render(&app);
    // Ranked: most reasons first, then by id.
    let at = |id: &str| overlay.find(&format!(" {id} ")).unwrap_or(usize::MAX);
    assert!(
        at("AC-2") < at("IA-2") && at("IA-2") < at("AC-7"),
        "{overlay}"
    );
    assert!(overlay.contains("Account Management"), "{overlay}");
    assert!(
        overlay.contains("action.hacking.variety.Use of stolen creds → T1078 → AC-2"),
        "{overlay}"
    );
    insta::assert_snapshot!("candidates_overlay_120x40", overlay);

    // AC-2: failed, with a note.
    send(&mut app, KeyCode::Enter);
    keys(&mut app, "never disabled");
    insta::assert_snapshot!("candidates_picker_120x40", render(&app));
    send(&mut app, KeyCode::Enter);
    // IA-2: right twice → bypassed.
    keys(&mut app, "j");
    send(&mut app, KeyCode::Enter);
    send(&mut app, KeyCode::Right);
    send(&mut app, KeyCode::Right);
    send(&mut app, KeyCode::Enter);
    // AC-7: dismissed (the last choice, left of the first).
    keys(&mut app, "j");
    send(&mut app, KeyCode::Enter);
    send(&mut app, KeyCode::Left);
    send(&mut app, KeyCode::Enter);
    send(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());

    let after = render(&app);
    assert!(after.contains("AC-2"), "{after}");
    assert!(after.contains("Account Management"), "{after}");
    assert!(
        !after.contains("candidates (c)"),
        "none await at E02\n{after}"
    );
    insta::assert_snapshot!("decided_review_120x40", after);

    let review = saved(&ws);
    assert_eq!(
        review.decisions,
        vec![
            decision(
                "E02",
                "AC-2",
                Verdict::Linked(Effect::Failed),
                Some("never disabled")
            ),
            decision("E02", "IA-2", Verdict::Linked(Effect::Bypassed), None),
            decision("E02", "AC-7", Verdict::Dismissed, None),
        ]
    );

    // Undo takes the last decision back; reopening shows the rest.
    keys(&mut app, "u");
    assert_eq!(saved(&ws).decisions.len(), 2);
    send(&mut app, KeyCode::Esc);
    let library = render(&app);
    assert!(library.contains("3 to decide"), "{library}");
    let mut again = self::app(&ws, 120, 40);
    send(&mut again, KeyCode::Enter);
    keys(&mut again, "j");
    let screen = render(&again);
    assert!(
        screen.contains("AC-2") && screen.contains("IA-2"),
        "{screen}"
    );
    assert!(screen.contains("1 candidate (c)"), "{screen}");
}

#[test]
fn backspace_takes_a_decision_back_and_an_event_without_candidates_says_so() {
    let ws = Workspace::new("undecide");
    ws.write_review(
        "(schema: 1, record: \"fixture-candidates\", decisions: [\
         (event: \"E03\", control: \"AC-6\", verdict: Linked(Absent))])",
    );
    let mut app = app(&ws, 80, 24);
    send(&mut app, KeyCode::Enter);
    keys(&mut app, "c");
    assert!(app.overlay.is_none());
    assert!(
        app.message
            .as_deref()
            .is_some_and(|m| m.contains("no candidate controls")),
        "{:?}",
        app.message
    );
    keys(&mut app, "jj"); // E03
    let Screen::Review(r) = &app.screen else {
        panic!("the review screen");
    };
    assert!(r.bundle.record.control("AC-6").is_some());
    keys(&mut app, "c");
    insta::assert_snapshot!("candidates_overlay_80x24", render(&app));
    send(&mut app, KeyCode::Backspace);
    assert!(saved(&ws).decisions.is_empty());
    let Screen::Review(r) = &app.screen else {
        panic!("the review screen");
    };
    assert!(r.bundle.record.control("AC-6").is_none());
}

// ---- the core and the command line ----

#[test]
fn the_sign_off_seals_the_record_as_written_and_the_decisions() {
    let record = record();
    let mut review = Review::new(record.id.clone());
    review.decisions.push(decision(
        "E02",
        "AC-2",
        Verdict::Linked(Effect::Failed),
        None,
    ));
    let hasher = RecordHasher::new(&record);
    let effective = hotwash::review::decide::effective(&record, &review);
    assert_ne!(*effective, record);
    let hash = hasher.hash(&review);
    assert_ne!(
        hash,
        RecordHasher::new(&effective).hash(&review),
        "the effective record is not what is hashed"
    );
    review.signoff = Some(hotwash::model::SignOff {
        reviewer: "test analyst".into(),
        at: chrono::DateTime::UNIX_EPOCH,
        hash,
    });
    assert!(matches!(
        signoff_state(&hasher, &review),
        hotwash::review::SignOffState::Current(_)
    ));
    // The report, built from the record as written, sees it current.
    let report = hotwash::report::build_decided(
        &record,
        &effective,
        &review,
        &Default::default(),
        &Default::default(),
    );
    assert_eq!(
        report.signoff.status,
        hotwash::report::SignOffStatus::Current
    );
    for change in [Verdict::Linked(Effect::Held), Verdict::Dismissed] {
        let mut changed = review.clone();
        changed.decisions[0].verdict = change;
        assert!(
            matches!(
                signoff_state(&hasher, &changed),
                hotwash::review::SignOffState::Stale(_)
            ),
            "{change:?} breaks the sign-off"
        );
    }
    let mut noted = review.clone();
    noted.decisions[0].note = Some("a note".into());
    assert!(matches!(
        signoff_state(&hasher, &noted),
        hotwash::review::SignOffState::Stale(_)
    ));
}

/// (code, message, line and column) of each diagnostic.
type Found = (String, String, Option<(usize, usize)>);

fn check(review: &str) -> Vec<Found> {
    let loaded = load::review_from_text(Path::new("r.review.ron"), review.into(), &record());
    loaded
        .report
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.code.to_string(),
                d.message.clone(),
                d.start.map(|s| (s.line, s.column)),
            )
        })
        .collect()
}

#[test]
fn decisions_are_validated_with_their_place() {
    let problems = check(
        "(\n    schema: 1,\n    record: \"fixture-candidates\",\n    decisions: [\n\
         \x20       (event: \"E09\", control: \"AC-2\", verdict: Dismissed),\n\
         \x20       (event: \"E02\", control: \"SC-7\", verdict: Linked(Failed)),\n\
         \x20       (event: \"E02\", control: \"AC-2\", verdict: Linked(Failed)),\n\
         \x20       (event: \"E02\", control: \"AC-2\", verdict: Dismissed),\n\
         \x20       (event: \"E01\", control: \"IA-2\", verdict: Dismissed),\n\
         \x20   ],\n)\n",
    );
    let find = |code: &str| {
        problems
            .iter()
            .filter(|p| p.0 == code)
            .cloned()
            .collect::<Vec<_>>()
    };
    let unknown = find("ref.event");
    assert_eq!(unknown.len(), 1, "{problems:?}");
    assert_eq!(unknown[0].1, "unknown event \"E09\"");
    assert_eq!(unknown[0].2, Some((5, 17)));
    let not = find("decision.not-candidate");
    assert_eq!(not.len(), 2, "{problems:?}");
    assert_eq!(
        not[0].1,
        "control \"SC-7\" is not a candidate of event \"E02\""
    );
    assert_eq!(not[0].2, Some((6, 33)));
    assert_eq!(
        not[1].1,
        "control \"IA-2\" is not a candidate of event \"E01\""
    );
    let twice = find("decision.duplicate");
    assert_eq!(twice.len(), 1, "{problems:?}");
    assert_eq!(
        twice[0].1,
        "control \"AC-2\" at event \"E02\" is decided twice"
    );
    assert_eq!(twice[0].2.map(|p| p.0), Some(8));
}

fn hotwash(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hotwash"))
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .env("NO_COLOR", "1")
        .env_remove("HOTWASH_CONFIG")
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("hotwash-decisions-no-config"),
        )
        .output()
        .expect("run hotwash")
}

const DECIDED: &str = "(schema: 1, record: \"fixture-candidates\", decisions: [\
    (event: \"E02\", control: \"AC-2\", verdict: Linked(Failed), note: \"The shared account was never reviewed.\"),\
    (event: \"E02\", control: \"AC-7\", verdict: Dismissed),\
])";

#[test]
fn the_report_and_stats_show_the_decisions() {
    let ws = Workspace::new("cli");
    ws.write_review(DECIDED);
    let record = ws.record();
    let record = record.to_str().expect("a UTF-8 path");
    let validated = hotwash(&["validate", record]);
    assert!(
        validated.status.success(),
        "{}",
        String::from_utf8_lossy(&validated.stderr)
    );
    let out = ws.0.join("report.md");
    let exported = hotwash(&[
        "export",
        record,
        "--format",
        "markdown",
        "--out",
        out.to_str().expect("UTF-8"),
    ]);
    assert!(
        exported.status.success(),
        "{}",
        String::from_utf8_lossy(&exported.stderr)
    );
    let md = std::fs::read_to_string(&out).expect("the report");
    let flat = md.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("| AC-2 | Account Management | [E02](#event-e02) failed |"),
        "{md}"
    );
    assert!(
        flat.contains(
            "AC-2 failed (The shared account was never reviewed. (decided from a candidate: \
             action.hacking.variety.Use of stolen creds → T1078 → AC-2; \
             action.hacking.variety.Brute force → T1110 → AC-2))"
        ),
        "{md}"
    );
    assert!(
        !flat.contains("AC-7"),
        "a dismissed candidate is not in the report\n{md}"
    );
    assert!(
        !flat.contains("IA-2 failed"),
        "an undecided candidate is not an effect"
    );

    let stats = hotwash(&["stats", record, "--format", "json"]);
    assert!(stats.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&stats.stdout).expect("JSON");
    let ids: Vec<&str> = doc["controls"]
        .as_array()
        .expect("controls")
        .iter()
        .filter_map(|c| c["id"].as_str())
        .collect();
    assert!(ids.contains(&"AC-2"), "{doc}");
    assert!(!ids.contains(&"AC-7"), "{doc}");

    // Without the review, AC-2 is only a candidate: in no count.
    std::fs::remove_file(ws.review_file()).expect("remove the review");
    let bare = hotwash(&["stats", record, "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&bare.stdout).expect("JSON");
    assert!(!doc.to_string().contains("AC-2"), "{doc}");
}

#[test]
fn a_broken_review_is_named_by_stats_and_not_used() {
    let ws = Workspace::new("stats-broken");
    ws.write_review("(schema: 1, record: \"fixture-candidates\", decisions: [(");
    let record = ws.record();
    let o = hotwash(&["stats", record.to_str().expect("UTF-8"), "--format", "json"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("review not used"), "{err}");
    assert!(err.contains("candidates.review.ron"), "{err}");
}

// ---- merge ----

fn with(decisions: Vec<Decision>) -> Review {
    let mut r = Review::new("fixture-candidates");
    r.decisions = decisions;
    r
}

#[test]
fn decisions_merge_by_event_and_control() {
    let failed = |c: &str| decision("E02", c, Verdict::Linked(Effect::Failed), None);
    let base = with(vec![failed("AC-2")]);
    // Each side decides another candidate; ours changes the note of AC-2.
    let mut ours = with(vec![failed("AC-2"), failed("IA-2")]);
    ours.decisions[0].note = Some("ours".into());
    let theirs = with(vec![
        failed("AC-2"),
        decision("E02", "AC-7", Verdict::Dismissed, None),
    ]);
    let merged = merge(&base, &ours, &theirs).expect("merges");
    assert!(merged.conflicts.is_empty(), "{:?}", merged.conflicts);
    let mut got: Vec<(String, Verdict, Option<String>)> = merged
        .review
        .decisions
        .iter()
        .map(|d| (d.control.clone(), d.verdict, d.note.clone()))
        .collect();
    got.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        got,
        vec![
            (
                "AC-2".into(),
                Verdict::Linked(Effect::Failed),
                Some("ours".into())
            ),
            ("AC-7".into(), Verdict::Dismissed, None),
            ("IA-2".into(), Verdict::Linked(Effect::Failed), None),
        ]
    );
    // Taken back on one side, unchanged on the other: gone.
    let taken_back = merge(
        &base,
        &with(vec![]),
        &with(vec![failed("AC-2"), failed("IA-2")]),
    )
    .expect("merges");
    assert_eq!(taken_back.review.decisions, vec![failed("IA-2")]);
}

#[test]
fn the_same_decision_changed_differently_is_a_conflict_to_resolve() {
    let base = with(vec![decision(
        "E02",
        "AC-2",
        Verdict::Linked(Effect::Failed),
        None,
    )]);
    let ours = with(vec![decision(
        "E02",
        "AC-2",
        Verdict::Linked(Effect::Held),
        None,
    )]);
    let theirs = with(vec![decision("E02", "AC-2", Verdict::Dismissed, None)]);
    let merged = merge(&base, &ours, &theirs).expect("merges");
    let item = ConflictItem::Decision {
        event: "E02".into(),
        control: "AC-2".into(),
    };
    assert_eq!(merged.conflicts.len(), 1, "{:?}", merged.conflicts);
    let c = &merged.conflicts[0];
    assert_eq!((&c.item, c.field), (&item, ConflictField::Verdict));
    assert_eq!(
        c.ours,
        ConflictValue::Verdict(Verdict::Linked(Effect::Held))
    );
    assert_eq!(c.theirs, ConflictValue::Verdict(Verdict::Dismissed));
    assert_eq!(c.describe(), "the decision on AC-2 at E02 verdict");
    // The body holds ours until resolved; validation says it is unresolved.
    assert_eq!(merged.review.decisions, ours.decisions);
    let text = ron::ser::to_string(&merged.review).expect("serialises");
    let loaded = load::review_from_text(Path::new("m.review.ron"), text, &record());
    assert!(
        loaded
            .report
            .diagnostics
            .iter()
            .any(|d| d.code == load::check::UNRESOLVED),
        "{:?}",
        loaded.report.diagnostics
    );
    // Taking theirs settles it.
    let mut review = merged.review.clone();
    Edit::ResolveConflict {
        item: item.clone(),
        field: ConflictField::Verdict,
        value: ConflictValue::Verdict(Verdict::Dismissed),
    }
    .apply(&mut review)
    .expect("resolves");
    assert!(review.conflicts.is_empty());
    assert_eq!(review.decisions[0].verdict, Verdict::Dismissed);

    // One side took the decision back, the other changed it: a conflict
    // whose "undecided" resolution removes the decision.
    let merged = merge(&base, &with(vec![]), &theirs).expect("merges");
    assert_eq!(merged.conflicts.len(), 1);
    assert_eq!(merged.conflicts[0].ours, ConflictValue::Unset);
    let mut review = merged.review.clone();
    Edit::ResolveConflict {
        item,
        field: ConflictField::Verdict,
        value: ConflictValue::Unset,
    }
    .apply(&mut review)
    .expect("resolves");
    assert!(review.decisions.is_empty() && review.conflicts.is_empty());
}

#[test]
fn diff_names_decision_changes() {
    let ws = Workspace::new("diff");
    let old = ws.0.join("old.review.ron");
    let new = ws.0.join("new.review.ron");
    std::fs::write(&old, DECIDED).expect("write");
    std::fs::write(&new, DECIDED.replace("Linked(Failed)", "Linked(Held)")).expect("write");
    let o = hotwash(&[
        "diff",
        old.to_str().expect("UTF-8"),
        new.to_str().expect("UTF-8"),
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("decisions"), "{text}");
    assert!(text.contains("E02 AC-2"), "{text}");
    assert!(text.contains("Held"), "{text}");
}
