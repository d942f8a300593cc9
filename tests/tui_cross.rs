//! The controls-across-incidents view, driven through `update` on the
//! hand-counted fixture of tests/stats.rs (alpha, bravo, charlie and a
//! broken file): what it counts, how it sorts and filters, the drill into
//! an incident and back, and how it looks at 80×24 and 120×40.

use std::path::Path;

use hotwash::load::LoadOptions;
use hotwash::tui::app::{App, Screen, load_entry};
use hotwash::tui::update::{Msg, update};
use hotwash::tui::view::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

const FIXTURE: &str = "tests/fixtures/stats";

fn library(width: u16, height: u16) -> App {
    let mut app = App::new(width, height);
    app.library.folder = Some(Path::new(FIXTURE).to_path_buf());
    let mut files: Vec<_> = std::fs::read_dir(FIXTURE)
        .expect("the fixture")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .collect();
    files.sort();
    for path in files {
        update(
            &mut app,
            Msg::Loaded(load_entry(path, &LoadOptions::default())),
        );
    }
    update(&mut app, Msg::LoadFinished);
    app
}

/// Presses a key and carries out what it asks for (opening a record reads
/// it), as the runtime does.
fn press(app: &mut App, code: KeyCode) {
    hotwash::tui::runtime::dispatch(
        app,
        Msg::Input(Event::Key(KeyEvent::new(code, KeyModifiers::NONE))),
        &LoadOptions::default(),
    );
}

fn keys(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

fn render(app: &App) -> String {
    let backend = TestBackend::new(app.width, app.height);
    let mut terminal = Terminal::new(backend).expect("test terminal");
    terminal.draw(|f| view(app, f)).expect("draw");
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            out.push_str(buffer[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

fn cross(app: &App) -> &hotwash::tui::cross::CrossScreen {
    match &app.screen {
        Screen::Cross(c) => c,
        _ => panic!("not the view across incidents:\n{}", render(app)),
    }
}

fn shown_ids(app: &App) -> Vec<String> {
    let c = cross(app);
    c.rows
        .iter()
        .map(|&r| c.table.rows[r].id.to_string())
        .collect()
}

#[test]
fn c_opens_the_view_sorted_by_incidents_then_events() {
    let mut app = library(120, 40);
    keys(&mut app, "C");
    assert_eq!(shown_ids(&app), ["SC-8", "AC-17", "AT-2", "IR-4"]);
    let c = cross(&app);
    let ids: Vec<&str> = c.table.incidents.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["alpha", "bravo", "charlie"]);
    assert_eq!(c.not_counted, 1);
    let screen = render(&app);
    for text in [
        "OFFEN · NATO RESTRICTED",
        "TLP:AMBER+STRICT",
        "Controls across 3 incidents · family: all · counting: any failure",
        "1 not counted",
        "SC-8 in alpha: failed 2, first at E1 · Enter opens it",
        "10 days",
        "30–61 days",
        "no failure",
    ] {
        assert!(screen.contains(text), "{text:?} missing:\n{screen}");
    }
    // The SC-8 row: alpha failed twice, bravo absent once, charlie not at all.
    let row = screen
        .lines()
        .find(|l| l.contains("SC-8 "))
        .expect("the SC-8 row");
    assert!(
        row.contains("2/3") && row.contains("✗2") && row.contains("∅1"),
        "{row}"
    );
    // Esc goes back to the library.
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.screen, Screen::Library));
}

#[test]
fn filters_by_effect_and_family() {
    let mut app = library(120, 40);
    keys(&mut app, "Ce");
    assert_eq!(shown_ids(&app), ["SC-8", "AT-2", "IR-4"], "failed only");
    assert_eq!(app.message.as_deref(), Some("counting: failed"));
    keys(&mut app, "eeee");
    assert_eq!(shown_ids(&app), ["IA-2", "IR-4"], "held");
    keys(&mut app, "e");
    assert_eq!(
        shown_ids(&app),
        ["SC-8", "AC-17", "AT-2", "IR-4"],
        "any failure again"
    );
    keys(&mut app, "f");
    assert_eq!(app.message.as_deref(), Some("family: AC"));
    assert_eq!(shown_ids(&app), ["AC-17"]);
    keys(&mut app, "ffff");
    assert_eq!(app.message.as_deref(), Some("family: SC"));
    keys(&mut app, "f");
    assert_eq!(shown_ids(&app).len(), 4, "all families again");
}

#[test]
fn enter_opens_the_incident_at_the_first_failure_and_esc_comes_back() {
    let mut app = library(120, 40);
    keys(&mut app, "C");
    // SC-8 in bravo: absent at B1.
    keys(&mut app, "l");
    press(&mut app, KeyCode::Enter);
    let Screen::Review(r) = &app.screen else {
        panic!("the review screen:\n{}", render(&app));
    };
    assert_eq!(r.bundle.record.id, "bravo");
    assert_eq!(r.event_id(), Some("B1"));
    assert_eq!(r.bundle.record.controls[r.control].id, "SC-8");
    let screen = render(&app);
    assert!(screen.contains("SC-8 first at B1 here"), "{screen}");
    press(&mut app, KeyCode::Esc);
    let c = cross(&app);
    assert_eq!((c.row, c.col), (0, 1), "the same cell is selected");

    // AC-17 in bravo: bypassed at B2, the second event.
    keys(&mut app, "j");
    press(&mut app, KeyCode::Enter);
    let Screen::Review(r) = &app.screen else {
        panic!("the review screen");
    };
    assert_eq!(r.event_id(), Some("B2"));
    press(&mut app, KeyCode::Esc);

    // IR-4 in charlie: not a control there; nothing opens.
    keys(&mut app, "jjl");
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.screen, Screen::Cross(_)));
    assert_eq!(
        app.message.as_deref(),
        Some("IR-4 is not a control of charlie")
    );
}

#[test]
fn the_help_lists_the_views_keys() {
    let mut app = library(120, 40);
    keys(&mut app, "C?");
    let screen = render(&app);
    for text in [
        "previous / next incident",
        "open the incident at the first event the cell counts",
        "show one control family",
        "count any failure",
        "∅ absent",
    ] {
        assert!(screen.contains(text), "{text:?} missing:\n{screen}");
    }
    assert!(
        !screen.contains("search by id"),
        "no search here:\n{screen}"
    );
}

#[test]
fn snapshot_cross_120x40() {
    let mut app = library(120, 40);
    keys(&mut app, "C");
    insta::assert_snapshot!(render(&app));
}

#[test]
fn snapshot_cross_80x24() {
    let mut app = library(80, 24);
    keys(&mut app, "Cl");
    insta::assert_snapshot!(render(&app));
}

#[test]
fn a_thousand_incidents_keep_the_columns_in_line() {
    // 1,000 copies of alpha: the "In" column holds "1000/1000".
    let text = std::fs::read_to_string(Path::new(FIXTURE).join("alpha.ron")).expect("alpha");
    let alpha: hotwash::model::Record = hotwash::load::parse(&text).expect("alpha parses");
    let mut app = App::new(120, 40);
    for i in 0..1000 {
        let mut record = alpha.clone();
        record.id = format!("a{i:03}");
        let path = std::path::PathBuf::from(format!("a{i:03}.ron"));
        let timeline = hotwash::timeline::Timeline::new(&record);
        let review = hotwash::model::Review::new(record.id.clone());
        let summary = hotwash::library::RecordSummary::of(&record, &timeline, &review);
        app.library
            .entries
            .push(hotwash::tui::app::Entry::of(path, Ok(summary)));
    }
    keys(&mut app, "C");
    let screen = render(&app);
    let lines: Vec<&str> = screen.lines().collect();
    let col = |line: &str, needle: &str| {
        line.find(needle)
            .map(|at| line[..at].chars().count())
            .unwrap_or_else(|| panic!("no {needle:?} in {line:?}"))
    };
    let header = lines
        .iter()
        .find(|l| l.contains("Control ") && l.contains(" In "))
        .expect("the header");
    let row = lines
        .iter()
        .find(|l| l.contains("SC-8 "))
        .expect("the SC-8 row");
    assert!(row.contains("1000/1000"), "{row}");
    // The count ends where "In" ends; the first cell starts under a000.
    assert_eq!(col(header, "In") + 2, col(row, "1000/1000") + 9, "{screen}");
    assert_eq!(col(header, "a000"), col(row, "✗2"), "{screen}");
}

#[test]
fn the_detail_says_when_an_event_became_known() {
    let mut app = library(120, 40);
    press(&mut app, KeyCode::Enter); // alpha
    keys(&mut app, "jj"); // E1, then E2 (known 2030-01-20)
    let screen = render(&app);
    assert!(screen.contains("became known 2030-01-20"), "{screen}");
    keys(&mut app, "k"); // E1 has no known time of its own
    assert!(!render(&app).contains("became known"));
}
