//! The interface driven as a user would: key sequences through `update`,
//! and the rendered screen checked with snapshots at common sizes.

use std::path::{Path, PathBuf};

use hotwash::load::LoadOptions;
use hotwash::model::Effect;
use hotwash::timeline::ControlState;
use hotwash::tui::app::{App, Overlay, Pane, Rows, Screen, load_entry};
use hotwash::tui::runtime::dispatch;
use hotwash::tui::update::{Effect as Do, Msg, update};
use hotwash::tui::view::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

/// A private copy of the demo record and its review, so that tests which
/// change the review never touch the fixture (or each other).
struct Workspace(PathBuf);

impl Workspace {
    fn new() -> Self {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("hotwash-tui-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        for name in ["demo.ron", "demo.review.ron"] {
            std::fs::copy(Path::new("tests/fixtures/tui").join(name), dir.join(name))
                .expect("copy fixture");
        }
        Workspace(dir)
    }

    fn record(&self) -> PathBuf {
        self.0.join("demo.ron")
    }

    fn review_file(&self) -> PathBuf {
        self.0.join("demo.review.ron")
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The library holding a copy of the demo record, as the loader thread
/// would fill it. Keep the workspace alive while the app is used.
fn app(width: u16, height: u16) -> (Workspace, App) {
    let ws = Workspace::new();
    let mut app = App::new(width, height);
    app.reviewer = "test analyst".into();
    app.library.folder = Some(PathBuf::from("tests/fixtures/tui"));
    let entry = load_entry(ws.record(), &LoadOptions::default());
    update(&mut app, Msg::Loaded(entry));
    update(&mut app, Msg::LoadFinished);
    (ws, app)
}

/// Presses a key and carries out what it asks for (saving included), as
/// the runtime would; returns what needs the terminal (quit, editor).
fn press(app: &mut App, code: KeyCode) -> Vec<Do> {
    let modifiers = match code {
        KeyCode::Char(c) if c.is_ascii_uppercase() || "?!".contains(c) => KeyModifiers::SHIFT,
        _ => KeyModifiers::NONE,
    };
    send(app, KeyEvent::new(code, modifiers))
}

fn send(app: &mut App, key: KeyEvent) -> Vec<Do> {
    dispatch(app, Msg::Input(Event::Key(key)), &LoadOptions::default())
}

fn ctrl(app: &mut App, c: char) -> Vec<Do> {
    send(app, KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn keys(app: &mut App, keys: &str) {
    for c in keys.chars() {
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
        let line: String = (0..buffer.area.width)
            .map(|x| buffer[(x, y)].symbol().to_string())
            .collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn review(app: &App) -> &hotwash::tui::app::ReviewScreen {
    match &app.screen {
        Screen::Review(r) => r,
        _ => panic!("expected the review screen"),
    }
}

fn selected_id(app: &App) -> String {
    let r = review(app);
    let i = r.event_index().expect("an event is selected");
    r.bundle.record.events[i].id.to_string()
}

#[test]
fn enter_opens_the_record_and_esc_goes_back() {
    let (_ws, mut app) = app(120, 40);
    assert!(matches!(app.screen, Screen::Library));
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        selected_id(&app),
        "E4",
        "the timeline follows the record's order"
    );
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.screen, Screen::Library));
}

#[test]
fn stepping_moves_the_selection_and_replays_the_controls() {
    let (_ws, mut app) = app(120, 40);
    press(&mut app, KeyCode::Enter);
    let state = |app: &App, control: usize| {
        let r = review(app);
        r.bundle
            .timeline
            .control_state(control, r.position().unwrap_or(0))
    };
    assert_eq!(
        selected_id(&app),
        "E4",
        "the timeline follows the record's order"
    );
    assert_eq!(state(&app, 0), ControlState::NotYetInvolved);
    keys(&mut app, "j");
    assert_eq!(selected_id(&app), "E1");
    // SC-8 fails here; IR-4 is not yet involved.
    assert!(matches!(
        state(&app, 0),
        ControlState::Now {
            effect: Effect::Failed,
            ..
        }
    ));
    assert_eq!(state(&app, 3), ControlState::NotYetInvolved);
    press(&mut app, KeyCode::Down);
    assert_eq!(selected_id(&app), "E2");
    assert!(matches!(
        state(&app, 0),
        ControlState::Now {
            effect: Effect::Failed,
            earlier_failures: 1
        }
    ));
    keys(&mut app, "G");
    assert_eq!(selected_id(&app), "E3");
    assert!(matches!(
        state(&app, 3),
        ControlState::Now {
            effect: Effect::Held,
            ..
        }
    ));
    assert!(matches!(
        state(&app, 0),
        ControlState::FailedEarlier { failures: 2, .. }
    ));
    keys(&mut app, "g");
    assert_eq!(selected_id(&app), "E4");
    press(&mut app, KeyCode::Up);
    assert_eq!(
        selected_id(&app),
        "E4",
        "the selection stops at the first event"
    );
}

#[test]
fn n_and_shift_n_jump_between_events_with_failures() {
    let (_ws, mut app) = app(120, 40);
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "n");
    assert_eq!(selected_id(&app), "E1");
    keys(&mut app, "n");
    assert_eq!(selected_id(&app), "E2");
    // E3 only has a control that held, E4 none: past the last failure,
    // n wraps to the first and says so.
    keys(&mut app, "n");
    assert_eq!(selected_id(&app), "E1");
    assert_eq!(
        app.message.as_deref(),
        Some("last failure; wrapped to the first (E1)")
    );
    keys(&mut app, "N");
    assert_eq!(selected_id(&app), "E2");
    assert_eq!(
        app.message.as_deref(),
        Some("first failure; wrapped to the last (E2)")
    );
    keys(&mut app, "N");
    assert_eq!(selected_id(&app), "E1");
    assert_eq!(app.message, None, "an ordinary step says nothing");
}

#[test]
fn search_steps_through_matches_and_esc_returns_n_to_failures() {
    let (_ws, mut app) = app(120, 40);
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "/bravo");
    press(&mut app, KeyCode::Enter);
    let search = review(&app).search.clone().expect("a search is active");
    assert_eq!(search.matches.len(), 3, "E4, E1 and E3 name Officer Bravo");
    assert_eq!(selected_id(&app), "E4");
    keys(&mut app, "n");
    assert_eq!(selected_id(&app), "E1");
    keys(&mut app, "n");
    assert_eq!(
        selected_id(&app),
        "E3",
        "n follows the matches, not the failures"
    );
    press(&mut app, KeyCode::Esc);
    assert!(review(&app).search.is_none());
    assert!(
        matches!(app.screen, Screen::Review(_)),
        "Esc ended the search first"
    );
    keys(&mut app, "N");
    assert_eq!(selected_id(&app), "E2", "back to failures");
}

#[test]
fn enter_on_a_control_filters_the_timeline_and_esc_clears_it() {
    let (_ws, mut app) = app(120, 40);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Tab);
    assert_eq!(review(&app).focus, Pane::Controls);
    keys(&mut app, "jjj");
    press(&mut app, KeyCode::Enter);
    let r = review(&app);
    assert!(matches!(&r.rows, Rows::Control { control: 3, positions } if positions.len() == 1));
    assert_eq!(r.focus, Pane::Timeline);
    assert_eq!(selected_id(&app), "E3");
    press(&mut app, KeyCode::Esc);
    assert!(matches!(review(&app).rows, Rows::All(4)));
    assert_eq!(
        selected_id(&app),
        "E3",
        "the selection survives clearing the filter"
    );
}

#[test]
fn help_opens_and_closes_and_q_quits() {
    let (_ws, mut app) = app(120, 40);
    keys(&mut app, "?");
    assert!(matches!(app.overlay, Some(Overlay::Help)));
    press(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());
    keys(&mut app, "?");
    keys(&mut app, "?");
    assert!(app.overlay.is_none());
    keys(&mut app, "q");
    assert!(app.quit);
}

#[test]
fn the_time_zone_cycles_through_utc_event_and_local() {
    let (_ws, mut app) = app(120, 40);
    press(&mut app, KeyCode::Enter);
    let screen = render(&app);
    assert!(screen.contains("Timeline (4) · UTC"), "{screen}");
    assert!(screen.contains("2030-01-10 15h "), "{screen}");
    keys(&mut app, "t");
    let screen = render(&app);
    assert!(screen.contains("Timeline (4) · event's zone"), "{screen}");
    assert!(screen.contains("2030-01-10 23h +08:00"), "{screen}");
    assert!(
        screen.contains("2030-01 "),
        "a month stays a month in any zone"
    );
    keys(&mut app, "t");
    assert!(render(&app).contains("Timeline (4) · local zone"));
    keys(&mut app, "t");
    assert!(render(&app).contains("Timeline (4) · UTC"));
}

#[test]
fn a_mouse_click_selects_the_row_under_it() {
    let (_ws, mut app) = app(120, 40);
    press(&mut app, KeyCode::Enter);
    // Row 0 is the banner, row 1 the Timeline border, row 2 the first event.
    let click = MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: 10,
        row: 4,
        modifiers: KeyModifiers::NONE,
    };
    update(&mut app, Msg::Input(Event::Mouse(click)));
    assert_eq!(selected_id(&app), "E2");
    let wheel = MouseEvent {
        kind: MouseEventKind::ScrollDown,
        ..click
    };
    update(&mut app, Msg::Input(Event::Mouse(wheel)));
    assert_eq!(selected_id(&app), "E3");
}

#[test]
fn a_broken_record_is_listed_with_its_error_and_enter_shows_diagnostics() {
    let dir = std::env::temp_dir().join(format!("hotwash-tui-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let bad = dir.join("broken.ron");
    std::fs::write(&bad, "(schema: 1, id: \"x\",\n  titel: \"typo\")\n").expect("write");
    let (_ws, mut app) = app(120, 40);
    update(
        &mut app,
        Msg::Loaded(load_entry(bad, &LoadOptions::default())),
    );
    keys(&mut app, "j");
    let screen = render(&app);
    assert!(
        screen.contains("✗ broken.ron: 2:3: Unexpected field named `titel`"),
        "{screen}"
    );
    assert!(
        screen.contains("Demo: a call joined"),
        "the good record is still listed"
    );
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.overlay, Some(Overlay::Diagnostics(1))));
    assert!(render(&app).contains("Diagnostics"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn snapshot_library_120x40() {
    insta::assert_snapshot!(render(&app(120, 40).1));
}

#[test]
fn snapshot_library_80x24() {
    insta::assert_snapshot!(render(&app(80, 24).1));
}

#[test]
fn snapshot_review_120x40() {
    let (_ws, mut app) = app(120, 40);
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "jj");
    insta::assert_snapshot!(render(&app));
}

#[test]
fn snapshot_review_80x24() {
    let (_ws, mut app) = app(80, 24);
    press(&mut app, KeyCode::Enter);
    insta::assert_snapshot!(render(&app));
}

#[test]
fn snapshot_help_120x40() {
    let (_ws, mut app) = app(120, 40);
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "?");
    insta::assert_snapshot!(render(&app));
}

#[test]
fn snapshot_help_80x24() {
    let (_ws, mut app) = app(80, 24);
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "?");
    insta::assert_snapshot!(render(&app));
}

#[test]
fn snapshot_too_small() {
    let (_ws, mut app) = app(50, 12);
    press(&mut app, KeyCode::Enter);
    let screen = render(&app);
    assert!(screen.contains("too small"));
    insta::assert_snapshot!(screen);
}

// --- the analyst's review (marks, findings, sign-off, persistence) -----------

fn saved_review(ws: &Workspace) -> hotwash::model::Review {
    let text = std::fs::read_to_string(ws.review_file()).expect("review file");
    hotwash::load::parse(&text).expect("the saved review parses")
}

fn open_record(width: u16, height: u16) -> (Workspace, App) {
    let (ws, mut app) = app(width, height);
    press(&mut app, KeyCode::Enter);
    (ws, app)
}

#[test]
fn marks_toggle_and_are_saved_at_once() {
    let (ws, mut app) = open_record(120, 40);
    keys(&mut app, "j"); // E1: reviewed and flagged in the fixture
    press(&mut app, KeyCode::Char(' '));
    assert!(
        saved_review(&ws)
            .mark("E1")
            .is_some_and(|m| !m.reviewed && m.flagged)
    );
    press(&mut app, KeyCode::Char('!'));
    keys(&mut app, "i");
    let m = saved_review(&ws).mark("E1").cloned().expect("a mark");
    assert!(!m.flagged && !m.included, "{m:?}");
    assert!(
        render(&app).contains("reviewed 1/4"),
        "E3 is still reviewed"
    );
}

#[test]
fn a_note_is_written_with_m_and_saved_with_ctrl_s() {
    let (ws, mut app) = open_record(120, 40);
    keys(&mut app, "m");
    assert!(matches!(app.overlay, Some(Overlay::Note(_))));
    keys(&mut app, "check the hotel invoice");
    ctrl(&mut app, 's');
    assert!(app.overlay.is_none());
    let review = saved_review(&ws);
    assert_eq!(
        review.mark("E4").and_then(|m| m.note.as_deref()),
        Some("check the hotel invoice")
    );
}

#[test]
fn f_adds_a_finding_linked_to_the_event_and_its_controls() {
    let (ws, mut app) = open_record(120, 40);
    keys(&mut app, "j"); // E1 touches SC-8, AC-17 and IA-2
    keys(&mut app, "f");
    let Some(Overlay::Finding(form)) = &app.overlay else {
        panic!("the form is open");
    };
    assert_eq!(
        form.focus,
        hotwash::tui::form::Field::Title,
        "the cursor starts in the title"
    );
    assert_eq!(form.id, None, "a new finding gets its id when saved");
    assert!(render(&app).contains("New finding"));
    keys(&mut app, "No secure dial-in");
    press(&mut app, KeyCode::Tab);
    keys(&mut app, "Alpha used hotel Wi-Fi.");
    ctrl(&mut app, 's');
    assert!(app.overlay.is_none(), "saved and closed");
    assert_eq!(app.message.as_deref(), Some("saved: added finding F02"));
    let review = saved_review(&ws);
    let f = review.finding("F02").expect("the new finding is on disk");
    assert_eq!(f.title, "No secure dial-in");
    assert_eq!(f.events, ["E1"]);
    assert_eq!(f.controls, ["SC-8", "AC-17", "IA-2"]);
    assert!(
        render(&app).contains("Findings (2)"),
        "the Findings pane shows it"
    );
}

#[test]
fn esc_in_a_changed_form_asks_before_discarding() {
    let (ws, mut app) = open_record(120, 40);
    let before = std::fs::read_to_string(ws.review_file()).expect("read");
    keys(&mut app, "f");
    keys(&mut app, "half a title");
    press(&mut app, KeyCode::Esc);
    assert!(
        matches!(app.overlay, Some(Overlay::Finding(_))),
        "still open, asking"
    );
    assert!(render(&app).contains("discard your edits?"));
    keys(&mut app, "n");
    press(&mut app, KeyCode::Esc);
    keys(&mut app, "y");
    assert!(app.overlay.is_none());
    assert_eq!(
        std::fs::read_to_string(ws.review_file()).expect("read"),
        before
    );
}

#[test]
fn e_edits_d_deletes_after_confirmation_and_u_undoes() {
    let (ws, mut app) = open_record(120, 40);
    keys(&mut app, "F");
    keys(&mut app, "e");
    let Some(Overlay::Finding(form)) = &app.overlay else {
        panic!("the edit form is open");
    };
    assert_eq!(form.id.as_deref(), Some("F1"));
    assert_eq!(form.recs.len(), 1);
    press(&mut app, KeyCode::End);
    keys(&mut app, " (revised)");
    ctrl(&mut app, 's');
    assert_eq!(
        saved_review(&ws)
            .finding("F1")
            .map(|f| f.title.clone())
            .as_deref(),
        Some("Hotel network used for a sensitive call (revised)")
    );
    keys(&mut app, "d");
    assert!(matches!(app.overlay, Some(Overlay::Confirm(_))));
    keys(&mut app, "n");
    assert!(saved_review(&ws).finding("F1").is_some(), "n keeps it");
    keys(&mut app, "d");
    keys(&mut app, "y");
    let review = saved_review(&ws);
    assert!(review.findings.is_empty() && review.recommendations.is_empty());
    keys(&mut app, "u");
    let review = saved_review(&ws);
    assert!(review.finding("F1").is_some() && review.recommendations.len() == 1);
}

#[test]
fn l_links_the_selected_event_to_a_finding() {
    let (ws, mut app) = open_record(120, 40);
    keys(&mut app, "G"); // E3
    keys(&mut app, "l");
    assert!(matches!(app.overlay, Some(Overlay::Link { .. })));
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Esc);
    assert_eq!(
        saved_review(&ws).finding("F1").map(|f| f.events.clone()),
        Some(vec!["E1".into(), "E3".into()])
    );
    // And a control, from the Controls pane.
    press(&mut app, KeyCode::Tab);
    keys(&mut app, "jjj"); // IR-4
    keys(&mut app, "l");
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Esc);
    assert!(
        saved_review(&ws)
            .finding("F1")
            .is_some_and(|f| f.controls.contains(&"IR-4".to_string()))
    );
}

#[test]
fn sign_off_seals_the_review_and_a_later_change_makes_it_stale() {
    let (ws, mut app) = open_record(120, 40);
    assert!(render(&app).contains("not signed off"));
    keys(&mut app, "S");
    assert!(render(&app).contains("Sign the review off as test analyst?"));
    keys(&mut app, "y");
    let review = saved_review(&ws);
    let s = review.signoff.clone().expect("signed off on disk");
    assert_eq!(s.reviewer, "test analyst");
    assert!(render(&app).contains("signed off ✓ test analyst"));
    let reports = hotwash::load::validate_paths(&[ws.record()], &LoadOptions::default());
    assert!(
        reports.iter().all(|r| r.diagnostics.is_empty()),
        "{reports:#?}"
    );

    press(&mut app, KeyCode::Char(' '));
    assert!(render(&app).contains("sign-off STALE"));
    let reports = hotwash::load::validate_paths(&[ws.record()], &LoadOptions::default());
    assert_eq!(reports[1].diagnostics[0].code, "signoff.stale");
}

#[test]
fn a_corrupt_review_opens_read_only_and_is_left_alone() {
    let ws = Workspace::new();
    let broken = "(schema: 1, record: \"demo-hotel-call\", findings: [(id: \"F1\",";
    std::fs::write(ws.review_file(), broken).expect("write");
    let mut app = App::new(120, 40);
    update(
        &mut app,
        Msg::Loaded(load_entry(ws.record(), &LoadOptions::default())),
    );
    update(&mut app, Msg::LoadFinished);
    press(&mut app, KeyCode::Enter);
    assert!(
        matches!(app.overlay, Some(Overlay::Report(_))),
        "the diagnostics are shown"
    );
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char(' '));
    keys(&mut app, "f");
    assert!(app.overlay.is_none(), "no form on a read-only review");
    assert!(render(&app).contains("READ-ONLY"));
    assert_eq!(
        std::fs::read_to_string(ws.review_file()).expect("read"),
        broken
    );
}

#[test]
fn a_review_changed_on_disk_is_not_clobbered_and_the_change_can_be_reapplied() {
    let (ws, mut app) = open_record(120, 40);
    // Another analyst flags E2 and saves.
    let theirs =
        "(schema: 1, record: \"demo-hotel-call\", marks: [(event: \"E2\", flagged: true)])\n";
    std::fs::write(ws.review_file(), theirs).expect("write");
    press(&mut app, KeyCode::Char(' ')); // mark E4 reviewed
    assert!(matches!(app.overlay, Some(Overlay::Conflict)));
    assert_eq!(
        std::fs::read_to_string(ws.review_file()).expect("read"),
        theirs,
        "not clobbered"
    );
    keys(&mut app, "r");
    let review = saved_review(&ws);
    assert!(
        review.mark("E2").is_some_and(|m| m.flagged),
        "their change is kept"
    );
    assert!(
        review.mark("E4").is_some_and(|m| m.reviewed),
        "ours is re-applied"
    );
    assert!(
        review.findings.is_empty(),
        "the disk version won, not our old copy"
    );
}

/// Another analyst's version of the demo review: theirs has a finding F02.
fn their_version(ws: &Workspace, title: &str) -> String {
    let mut review = saved_review(ws);
    let mut theirs = review.findings[0].clone();
    theirs.title = title.into();
    hotwash::review::Edit::AddFinding {
        finding: theirs,
        recommendations: vec![],
    }
    .apply(&mut review)
    .expect("applies");
    hotwash::review::store::serialise(&review).expect("serialises")
}

fn add_finding(app: &mut App, title: &str) {
    keys(app, "f");
    keys(app, title);
    press(app, KeyCode::Tab);
    keys(app, "a statement");
    ctrl(app, 's');
}

#[test]
fn a_saved_finding_is_shown_selected_in_the_focused_findings_pane() {
    let (_ws, mut app) = open_record(120, 40);
    add_finding(&mut app, "Freshly saved finding");
    assert!(app.overlay.is_none(), "the form closed");
    let r = review(&app);
    assert!(r.findings_open);
    assert_eq!(
        r.state.review.findings[r.finding].title,
        "Freshly saved finding"
    );
    assert_eq!(r.focus, hotwash::tui::app::Pane::Findings);
    // The focused pane's title is marked, so the analyst sees where J/K go.
    let backend = TestBackend::new(app.width, app.height);
    let mut terminal = Terminal::new(backend).expect("test terminal");
    terminal.draw(|f| view(&app, f)).expect("draw");
    let buffer = terminal.backend().buffer();
    let title_row = (0..buffer.area.height)
        .find(|&y| cell_x(buffer, y, "Findings").is_some())
        .expect("a Findings title");
    let x = cell_x(buffer, title_row, "Findings").expect("x");
    assert!(
        buffer[(x, title_row)]
            .modifier
            .contains(ratatui::style::Modifier::REVERSED),
        "the Findings title is not marked as focused:\n{}",
        render(&app)
    );
}

#[test]
fn the_finding_form_shows_every_id_it_rests_on_or_says_how_many() {
    let (_ws, mut app) = open_record(80, 24);
    keys(&mut app, "f");
    let Some(Overlay::Finding(form)) = &mut app.overlay else {
        panic!("the finding form is open");
    };
    // More ids than one 80-column row holds: they wrap, none is cut.
    form.controls = (1..=12).map(|i| format!("SC-{i}(1)")).collect();
    let screen = render(&app);
    for id in (1..=12).map(|i| format!("SC-{i}(1)")) {
        assert!(screen.contains(&id), "{id} is not shown:\n{screen}");
    }
    // Far more than the form's rows hold: it gives the counts instead.
    let Some(Overlay::Finding(form)) = &mut app.overlay else {
        panic!("the finding form is open");
    };
    form.controls = (1..=80).map(|i| format!("SC-{i}(1)")).collect();
    let screen = render(&app);
    assert!(
        screen.contains("Rests on 1 event · 80 controls"),
        "{screen}"
    );
    // The save and cancel hints still fit.
    assert!(screen.contains("Ctrl-S"), "{screen}");
}

#[test]
fn a_save_that_meets_a_change_on_disk_says_so_and_r_gives_ours_the_next_free_id() {
    let (ws, mut app) = open_record(120, 40);
    let theirs = their_version(&ws, "their finding");
    std::fs::write(ws.review_file(), &theirs).expect("write");
    add_finding(&mut app, "our finding");

    assert!(matches!(app.overlay, Some(Overlay::Conflict)));
    let screen = render(&app);
    let message = app.message.clone().unwrap_or_default();
    assert!(message.starts_with("NOT SAVED"), "{message}");
    assert!(
        !screen.contains("saved:"),
        "nothing claims a save:\n{screen}"
    );
    assert!(screen.contains("UNSAVED"), "{screen}");
    assert!(
        screen.contains("Someone else wrote the review file"),
        "{screen}"
    );
    assert!(
        screen.contains("Not saved yet: added finding F02"),
        "{screen}"
    );
    assert!(
        screen.contains("r    reload their version and make your change again"),
        "{screen}"
    );
    assert!(
        screen.contains("d    reload their version and drop your change"),
        "{screen}"
    );
    assert!(
        screen.contains("Esc  keep them unsaved for now"),
        "{screen}"
    );
    assert_eq!(
        std::fs::read_to_string(ws.review_file()).expect("read"),
        theirs
    );

    keys(&mut app, "r");
    assert!(app.overlay.is_none());
    let on_disk = saved_review(&ws);
    let titles: Vec<_> = on_disk
        .findings
        .iter()
        .map(|f| (f.id.as_str(), f.title.as_str()))
        .collect();
    assert_eq!(
        titles[1..],
        [("F02", "their finding"), ("F03", "our finding")]
    );
    let message = app.message.clone().unwrap_or_default();
    assert!(
        message
            .starts_with("saved: added finding F03 (made again on the review as changed on disk"),
        "the status line speaks of the outcome, with the real id: {message}"
    );
    assert!(!render(&app).contains("UNSAVED"));
    let r = review(&app);
    assert_eq!(
        r.state.review.findings[r.finding].id, "F03",
        "ours is selected"
    );
}

#[test]
fn every_unsaved_change_is_kept_and_made_again_after_a_reload() {
    let (ws, mut app) = open_record(120, 40);
    let theirs =
        "(schema: 1, record: \"demo-hotel-call\", marks: [(event: \"E2\", flagged: true)])\n";
    std::fs::write(ws.review_file(), theirs).expect("write");
    press(&mut app, KeyCode::Char(' ')); // E4 reviewed
    assert!(matches!(app.overlay, Some(Overlay::Conflict)));
    press(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());
    assert!(
        render(&app).contains("UNSAVED"),
        "kept, and shown as unsaved"
    );
    let message = app.message.clone().unwrap_or_default();
    assert!(message.starts_with("NOT SAVED"), "{message}");

    keys(&mut app, "j"); // E1, flagged in our copy: unflag it
    press(&mut app, KeyCode::Char('!'));
    assert!(matches!(app.overlay, Some(Overlay::Conflict)), "asks again");
    assert!(
        render(&app).contains("Not saved yet: marked E4 reviewed; took the flag off E1"),
        "{}",
        render(&app)
    );
    assert_eq!(
        std::fs::read_to_string(ws.review_file()).expect("read"),
        theirs
    );
    keys(&mut app, "r");
    let review = saved_review(&ws);
    assert!(review.mark("E2").is_some_and(|m| m.flagged), "theirs kept");
    assert!(
        review.mark("E4").is_some_and(|m| m.reviewed),
        "the first change too"
    );
    assert!(
        review.mark("E1").is_none_or(|m| !m.flagged),
        "the flag is off, as chosen, not flipped on again"
    );
    let message = app.message.clone().unwrap_or_default();
    assert_eq!(
        message,
        "saved: marked E4 reviewed; took the flag off E1 (made again on the review as changed on disk)"
    );
}

#[test]
fn d_drops_the_unsaved_changes_for_the_version_on_disk() {
    let (ws, mut app) = open_record(120, 40);
    let theirs = their_version(&ws, "their finding");
    std::fs::write(ws.review_file(), &theirs).expect("write");
    add_finding(&mut app, "our finding");
    keys(&mut app, "d");
    assert!(app.overlay.is_none());
    assert_eq!(
        std::fs::read_to_string(ws.review_file()).expect("read"),
        theirs
    );
    let r = review(&app);
    assert!(r.state.pending.is_empty() && r.state.unsaved.is_none());
    assert_eq!(r.state.review.findings.len(), 2, "their version is shown");
    let message = app.message.clone().unwrap_or_default();
    assert!(message.contains("dropped your change"), "{message}");
}

#[test]
fn a_reload_from_outside_keeps_an_open_form_and_its_text() {
    let (ws, mut app) = open_record(120, 40);
    keys(&mut app, "f");
    keys(&mut app, "half typed");
    std::fs::write(ws.review_file(), their_version(&ws, "their finding")).expect("write");
    dispatch(&mut app, Msg::ReviewChangedOnDisk, &LoadOptions::default());
    let Some(Overlay::Finding(form)) = &app.overlay else {
        panic!("the form stays open: {:?}", app.overlay);
    };
    assert_eq!(form.title.lines(), ["half typed"]);
    press(&mut app, KeyCode::Tab);
    keys(&mut app, "a statement");
    ctrl(&mut app, 's');
    let review = saved_review(&ws);
    assert_eq!(
        review.finding("F03").map(|f| f.title.as_str()),
        Some("half typed")
    );
    assert_eq!(
        review.finding("F02").map(|f| f.title.as_str()),
        Some("their finding")
    );
}

/// Two analysts, each with their own hotwash on the same record, adding
/// findings as fast as the keys go: f, a title, Tab, a statement, Ctrl-S,
/// and r whenever the save met the other's change. Every finding the
/// status line called saved is on disk, with distinct ids.
#[test]
fn two_analysts_adding_findings_at_once_lose_none() {
    const N: usize = 12;
    let ws = Workspace::new();
    let record = ws.record();
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
    let analysts: Vec<_> = (0..2)
        .map(|w| {
            let (record, barrier) = (record.clone(), barrier.clone());
            std::thread::spawn(move || {
                let mut app = App::new(120, 40);
                update(
                    &mut app,
                    Msg::Loaded(load_entry(record, &LoadOptions::default())),
                );
                update(&mut app, Msg::LoadFinished);
                press(&mut app, KeyCode::Enter);
                let mut acknowledged = Vec::new();
                barrier.wait();
                for i in 0..N {
                    let title = format!("analyst {w} finding {i}");
                    add_finding(&mut app, &title);
                    while matches!(app.overlay, Some(Overlay::Conflict)) {
                        keys(&mut app, "r");
                    }
                    let message = app.message.clone().unwrap_or_default();
                    assert!(message.contains("saved: added finding F"), "{message}");
                    acknowledged.push(title);
                }
                acknowledged
            })
        })
        .collect();
    let mut acknowledged: Vec<String> = analysts
        .into_iter()
        .flat_map(|a| a.join().expect("the analyst finishes"))
        .collect();
    let review = saved_review(&ws);
    let mut on_disk: Vec<String> = review.findings[1..]
        .iter()
        .map(|f| f.title.clone())
        .collect();
    acknowledged.sort();
    on_disk.sort();
    assert_eq!(on_disk, acknowledged);
    let ids: std::collections::HashSet<_> = review.findings.iter().map(|f| &f.id).collect();
    assert_eq!(ids.len(), 2 * N + 1, "distinct ids");
}

#[test]
fn the_record_reloads_in_place_keeping_the_selection() {
    let (ws, mut app) = open_record(120, 40);
    keys(&mut app, "jj"); // E2
    let text = std::fs::read_to_string(ws.record()).expect("read");
    std::fs::write(
        ws.record(),
        text.replace("The call is recorded", "The call is recorded (amended)"),
    )
    .expect("write");
    dispatch(&mut app, Msg::RecordChanged, &LoadOptions::default());
    assert_eq!(selected_id(&app), "E2");
    assert!(render(&app).contains("The call is recorded (amended)"));

    // A broken record on disk keeps the last good state and shows why.
    std::fs::write(ws.record(), "(schema: 1, id: ").expect("write");
    dispatch(&mut app, Msg::RecordChanged, &LoadOptions::default());
    assert!(matches!(app.overlay, Some(Overlay::Report(_))));
    press(&mut app, KeyCode::Esc);
    assert_eq!(selected_id(&app), "E2");
    assert!(render(&app).contains("(amended)"));
}

#[test]
fn shift_e_asks_the_runtime_for_the_editor_at_the_selected_event() {
    let (_ws, mut app) = open_record(120, 40);
    keys(&mut app, "j");
    let effects = press(&mut app, KeyCode::Char('E'));
    let r = review(&app);
    let index = r.event_index().expect("selected");
    assert_eq!(effects, [Do::EditRecord { event: index }]);
    let line = hotwash::tui::runtime::event_line(&r.bundle.path, index).expect("a line");
    let text = std::fs::read_to_string(&r.bundle.path).expect("read");
    assert!(
        text.lines().nth(line - 1).is_some_and(|l| l.trim() == "("),
        "line {line}"
    );
    assert!(
        text.lines()
            .nth(line)
            .is_some_and(|l| l.contains("id: \"E1\""))
    );
}

#[test]
fn x_exports_the_review_and_asks_before_overwriting() {
    let (ws, mut app) = open_record(120, 40);
    keys(&mut app, "x");
    assert!(matches!(app.overlay, Some(Overlay::Export(_))));
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    for _ in 0.."exports/demo-hotel-call.md".len() {
        press(&mut app, KeyCode::Backspace);
    }
    let target = ws.0.join("out").join("report.md");
    keys(&mut app, &target.display().to_string());
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none(), "{:?}", app.message);
    assert!(
        target.exists(),
        "the report was written, its folder created"
    );
    let message = app.message.clone().unwrap_or_default();
    assert!(message.starts_with("wrote "), "{message}");
    assert!(message.contains("NATO RESTRICTED"), "{message}");

    std::fs::write(&target, "mine").expect("write");
    keys(&mut app, "x");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    for _ in 0.."exports/demo-hotel-call.md".len() {
        press(&mut app, KeyCode::Backspace);
    }
    keys(&mut app, &target.display().to_string());
    press(&mut app, KeyCode::Enter);
    assert!(
        matches!(app.overlay, Some(Overlay::Confirm(_))),
        "asks first"
    );
    keys(&mut app, "n");
    assert_eq!(std::fs::read_to_string(&target).expect("read"), "mine");
}

/// The export form offers the PDF after the text formats; the paper size
/// is the configuration's.
#[test]
fn x_exports_a_pdf_on_the_configured_paper() {
    let (ws, mut app) = open_record(120, 40);
    app.paper = hotwash::export::Paper::Letter;
    keys(&mut app, "x");
    for _ in 0..4 {
        press(&mut app, KeyCode::Right);
    }
    let form = render(&app);
    assert!(
        form.contains("PDF") && form.contains("exports/demo-hotel-call.pdf"),
        "{form}"
    );
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    for _ in 0.."exports/demo-hotel-call.pdf".len() {
        press(&mut app, KeyCode::Backspace);
    }
    let target = ws.0.join("report.pdf");
    keys(&mut app, &target.display().to_string());
    press(&mut app, KeyCode::Enter);
    let message = app.message.clone().unwrap_or_default();
    assert!(
        message.starts_with("wrote ") && message.contains("(PDF, NATO RESTRICTED;"),
        "{message}"
    );
    let bytes = std::fs::read(&target).expect("the PDF was written");
    assert!(bytes.starts_with(b"%PDF-"));
    let letter: &[u8] = b"/MediaBox[0 0 612 792]";
    assert!(
        bytes.windows(letter.len()).any(|w| w == letter),
        "US Letter pages"
    );
}

/// A NATO RESTRICTED review marked TLP:CLEAR (unlimited sharing) is
/// almost always a mistake: the status bar says so when it opens, and the
/// export says so again, first, and still writes the file.
#[test]
fn a_classified_review_with_tlp_clear_is_warned_of_on_opening_and_on_export() {
    let ws = Workspace::new();
    let text = std::fs::read_to_string(ws.record()).expect("read the record");
    let clear = text.replace("tlp: \"AMBER+STRICT\"", "tlp: \"CLEAR\"");
    assert_ne!(clear, text, "the fixture's TLP line");
    std::fs::write(ws.record(), clear).expect("write the record");
    let mut app = App::new(120, 40);
    app.library.folder = Some(ws.0.clone());
    update(
        &mut app,
        Msg::Loaded(load_entry(ws.record(), &LoadOptions::default())),
    );
    update(&mut app, Msg::LoadFinished);
    press(&mut app, KeyCode::Enter);
    let warning = "warning: the banner is NATO RESTRICTED but the TLP is CLEAR";
    let message = app.message.clone().unwrap_or_default();
    assert!(message.starts_with(warning), "{message}");
    assert!(
        render(&app).contains(warning),
        "in the status bar:\n{}",
        render(&app)
    );

    keys(&mut app, "x");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    for _ in 0.."exports/demo-hotel-call.md".len() {
        press(&mut app, KeyCode::Backspace);
    }
    let target = ws.0.join("report.md");
    keys(&mut app, &target.display().to_string());
    press(&mut app, KeyCode::Enter);
    assert!(target.is_file(), "written all the same: {:?}", app.message);
    let message = app.message.clone().unwrap_or_default();
    assert!(
        message.starts_with("warning: NATO RESTRICTED with TLP:CLEAR; wrote ")
            && message.ends_with(
                ". A classified report marked for unlimited sharing is almost always a mistake."
            ),
        "{message}"
    );
}

/// An OFFEN record with TLP:CLEAR whose review holds a VS-NfD finding:
/// the review's own warning is said once, not twice.
#[test]
fn a_finding_that_raises_a_tlp_clear_banner_is_warned_of_once_on_opening() {
    let ws = Workspace::new();
    let record = ws.0.join("open.ron");
    std::fs::write(
        &record,
        r#"(schema: 1, id: "open", title: "T", summary: "S",
 classification: (scheme: De, level: Unclassified), tlp: "CLEAR",
 sources: [(id: "s", title: "t", publisher: "p", url: "https://example.org", reliability: B)],
 events: [(id: "E1", at: "2024-01-01", fidelity: Day, title: "t", narrative: "n",
   sources: [(source: "s", credibility: 2)], portion: Unclassified)])
"#,
    )
    .expect("write the record");
    std::fs::write(
        ws.0.join("open.review.ron"),
        r#"(schema: 1, record: "open",
 findings: [(id: "F1", title: "f", statement: "s", kind: RootCause, severity: Low,
   likelihood: Likely, confidence: Low, events: ["E1"], portion: Restricted)])
"#,
    )
    .expect("write the review");
    let mut app = App::new(120, 40);
    update(
        &mut app,
        Msg::Loaded(load_entry(record, &LoadOptions::default())),
    );
    update(&mut app, Msg::LoadFinished);
    press(&mut app, KeyCode::Enter);
    let message = app.message.clone().unwrap_or_default();
    assert!(
        message.starts_with(
            "warning: finding \"F1\" raises the banner to VS-NUR FÜR DEN DIENSTGEBRAUCH, but \
             the TLP is CLEAR"
        ),
        "{message}"
    );
    assert_eq!(
        message.matches("almost always a mistake").count(),
        1,
        "{message}"
    );
}

/// The same record at its usual TLP says nothing of the kind.
#[test]
fn a_classified_review_with_a_limiting_tlp_is_not_warned_of() {
    let (_ws, app) = open_record(120, 40);
    let message = app.message.clone().unwrap_or_default();
    assert!(!message.contains("TLP is CLEAR"), "{message}");
}

#[test]
fn x_to_a_folder_writes_the_default_name_inside_and_never_replaces_a_device() {
    let (ws, mut app) = open_record(120, 40);
    let export_to = |app: &mut hotwash::tui::app::App, path: &str| {
        keys(app, "x");
        press(app, KeyCode::Tab);
        press(app, KeyCode::Tab);
        for _ in 0.."exports/demo-hotel-call.md".len() {
            press(app, KeyCode::Backspace);
        }
        keys(app, path);
        press(app, KeyCode::Enter);
    };
    let folder = ws.0.join("out");
    export_to(&mut app, &format!("{}/", folder.display()));
    let inside = folder.join("demo-hotel-call.md");
    assert!(inside.is_file(), "{:?}", app.message);
    let message = app.message.clone().unwrap_or_default();
    assert!(message.contains("out/demo-hotel-call.md"), "{message}");
    // The folder again, without the slash: the file inside exists, so ask.
    export_to(&mut app, &folder.display().to_string());
    match &app.overlay {
        Some(Overlay::Confirm(c)) => {
            assert!(
                c.question.contains("demo-hotel-call.md exists"),
                "{}",
                c.question
            )
        }
        other => panic!("asks first: {other:?}"),
    }
    keys(&mut app, "n");
    #[cfg(unix)]
    {
        let link = ws.0.join("null.md");
        std::os::unix::fs::symlink("/dev/null", &link).expect("symlink");
        export_to(&mut app, &link.display().to_string());
        // Overwriting is offered only for a regular file.
        assert!(app.overlay.is_none(), "{:?}", app.overlay);
        let message = app.message.clone().unwrap_or_default();
        assert!(message.contains("not a regular file"), "{message}");
        assert!(
            std::fs::symlink_metadata(&link)
                .expect("link")
                .file_type()
                .is_symlink()
        );
    }
}

/// Where `needle` (ASCII) starts in row `y` of the buffer, in cells.
fn cell_x(buffer: &ratatui::buffer::Buffer, y: u16, needle: &str) -> Option<u16> {
    let n = needle.len() as u16;
    (0..buffer.area.width.saturating_sub(n)).find(|&x| {
        needle
            .chars()
            .enumerate()
            .all(|(i, c)| buffer[(x + i as u16, y)].symbol() == c.to_string())
    })
}

#[test]
fn library_columns_line_up_whatever_the_titles_hold() {
    let dir = std::env::temp_dir().join(format!("hotwash-tui-widths-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let demo = std::fs::read_to_string("tests/fixtures/tui/demo.ron").expect("demo");
    let titles = [
        "陶鲁斯导弹泄密事件 Taurus",
        "Abho\u{308}raffa\u{308}re Taurus mit Kombinationszeichen",
        "zero\u{200b}width\u{200d}joiners\u{200b}\u{200b}\u{200b}",
        "Flags 🇩🇪🇸🇬 and a coder 👩‍💻",
        "陶鲁斯导弹泄密事件陶鲁斯导弹泄密事件陶鲁斯导弹泄密事件陶鲁斯导弹泄密事件陶鲁斯导弹泄密事件",
        "OSC \u{1b}]52;c;aGFja2Vk\u{7} and \u{202e}override",
    ];
    // Wide enough for the whole escaped title beside the other columns.
    let mut app = App::new(130, 30);
    app.library.folder = Some(dir.clone());
    for (i, title) in titles.iter().enumerate() {
        let text = demo.replace(
            "title: \"Demo: a call joined from a hotel network\"",
            &format!("title: {title:?}"),
        );
        let path = dir.join(format!("r{i}.ron"));
        std::fs::write(&path, text).expect("write record");
        update(
            &mut app,
            Msg::Loaded(load_entry(path, &LoadOptions::default())),
        );
    }
    update(&mut app, Msg::LoadFinished);
    let backend = TestBackend::new(app.width, app.height);
    let mut terminal = Terminal::new(backend).expect("test terminal");
    terminal.draw(|f| view(&app, f)).expect("draw");
    let buffer = terminal.backend().buffer();
    let header = (0..buffer.area.height)
        .find(|&y| cell_x(buffer, y, "Classification").is_some())
        .expect("a header row");
    let class_x = cell_x(buffer, header, "Classification");
    let tlp_x = cell_x(buffer, header, "TLP ");
    let rows: Vec<u16> = (header + 1..buffer.area.height)
        .filter(|&y| cell_x(buffer, y, "NATO RESTRICTED").is_some())
        .collect();
    assert_eq!(rows.len(), titles.len(), "{}", render(&app));
    for y in rows {
        assert_eq!(
            cell_x(buffer, y, "NATO RESTRICTED"),
            class_x,
            "row {y}:\n{}",
            render(&app)
        );
        assert_eq!(cell_x(buffer, y, "TLP:AMBER+STRICT"), tlp_x, "row {y}");
    }
    // The escape sequence is shown, not dropped or sent.
    let screen = render(&app);
    assert!(
        screen.contains("OSC \\u{1b}]52;c;aGFja2Vk\\u{7} and \\u{202"),
        "{screen}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_narrow_library_drops_no_count() {
    // 80 columns: every record keeps its events, failed controls and
    // review progress, which are what the library is opened for.
    let (_ws, mut app) = open_taurus(80, 24);
    press(&mut app, KeyCode::Esc); // back to the library
    assert!(matches!(app.screen, Screen::Library), "{}", render(&app));
    let screen = render(&app);
    for fact in [" events, ", " controls failed, ", "reviewed "] {
        assert!(screen.contains(fact), "{fact:?} missing:\n{screen}");
    }
}

#[test]
fn a_cut_finding_title_and_its_facts_end_in_an_ellipsis() {
    let (_ws, mut app) = open_taurus(80, 24);
    keys(&mut app, "F");
    let screen = render(&app);
    let lines: Vec<&str> = screen.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains("│F01 "))
        .unwrap_or_else(|| panic!("no F01 row:\n{screen}"));
    // F01's title row and its facts row, in the Findings pane (the left half).
    for row in [lines[at], lines[at + 1]] {
        let cell = row.split('│').nth(1).unwrap_or_default();
        assert!(
            cell.trim_end().ends_with('…'),
            "cut bare: {cell:?}\n{screen}"
        );
    }
}

#[test]
fn the_export_forms_values_start_in_one_column() {
    let (_ws, mut app) = open_record(80, 24);
    keys(&mut app, "x");
    let screen = render(&app);
    let col = |needle: &str| {
        let row = screen
            .lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no {needle:?}:\n{screen}"));
        row[..row.find(needle).expect("on the row")].chars().count()
    };
    assert_eq!(col("Markdown"), col("exports/"), "{screen}");
    assert_eq!(col("Markdown"), col("everything"), "{screen}");
}

#[test]
fn a_statement_fields_hint_is_shown_whole_at_80_columns() {
    let (_ws, mut app) = open_record(80, 24);
    keys(&mut app, "f");
    for focus in ["on the title", "on the statement"] {
        let screen = render(&app);
        assert!(
            screen.contains("confidence go in their") && screen.contains("own fields"),
            "the hint is cut with the focus {focus}:\n{screen}"
        );
        press(&mut app, KeyCode::Tab);
    }
}

#[test]
fn a_cut_library_title_ends_in_an_ellipsis() {
    let dir = std::env::temp_dir().join(format!("hotwash-tui-elide-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let demo = std::fs::read_to_string("tests/fixtures/tui/demo.ron").expect("demo");
    let title = "A very long record title that cannot fit beside the other columns of the library at any of the sizes tested here TAILWORD";
    let text = demo.replace(
        "title: \"Demo: a call joined from a hotel network\"",
        &format!("title: {title:?}"),
    );
    let path = dir.join("long.ron");
    std::fs::write(&path, text).expect("write record");
    // 120 columns lay the library out as a table, 80 as two rows a record.
    for (w, h) in [(120, 30), (80, 24)] {
        let mut app = App::new(w, h);
        app.library.folder = Some(dir.clone());
        update(
            &mut app,
            Msg::Loaded(load_entry(path.clone(), &LoadOptions::default())),
        );
        update(&mut app, Msg::LoadFinished);
        let screen = render(&app);
        let row = screen
            .lines()
            .find(|l| l.contains("A very long record"))
            .unwrap_or_else(|| panic!("no title row at {w}x{h}:\n{screen}"));
        assert!(!row.contains("TAILWORD"), "{row}");
        assert!(
            row.contains('…'),
            "a cut title without an ellipsis at {w}x{h}: {row}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn diagnostics_and_status_messages_show_escapes() {
    let dir = std::env::temp_dir().join(format!("hotwash-tui-escapes-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let demo = std::fs::read_to_string("tests/fixtures/tui/demo.ron").expect("demo");
    let broken = demo.replace(
        "title: \"Demo: a call joined from a hotel network\",",
        "title: \"Demo \u{1b}]0;PWNED\u{7}\", colour: 1,",
    );
    let path = dir.join("bad\u{1b}]52;c;eA==\u{7}.ron");
    std::fs::write(&path, broken).expect("write record");
    let mut app = App::new(120, 40);
    update(
        &mut app,
        Msg::Loaded(load_entry(path, &LoadOptions::default())),
    );
    update(&mut app, Msg::LoadFinished);
    let screen = render(&app);
    assert!(
        screen.contains("✗ bad\\u{1b}]52;c;eA==\\u{7}.ron: 6:"),
        "{screen}"
    );
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.overlay, Some(Overlay::Diagnostics(_))));
    let screen = render(&app);
    assert!(screen.contains("Diagnostics: "), "{screen}");
    assert!(
        screen.contains("title: \"Demo \\u{1b}]0;PWNED\\u{7}\", colour: 1,"),
        "{screen}"
    );

    // A status message naming a file shows it escaped too.
    let (_ws, mut app) = self::app(120, 40);
    press(&mut app, KeyCode::Enter);
    app.message = Some("wrote out\u{1b}]0;x\u{7}.md".into());
    let screen = render(&app);
    assert!(screen.contains("wrote out\\u{1b}]0;x\\u{7}.md"), "{screen}");
    let _ = std::fs::remove_dir_all(&dir);
}

// --- long texts --------------------------------------------------------------

const E4_NARRATIVE: &str = "The exercise staff review the remote-access rules for travellers.";

/// The review screen on the demo record with event E4's narrative (E4 is
/// selected when the record opens) replaced by `narrative`.
fn open_with_narrative(width: u16, height: u16, narrative: &str) -> (Workspace, App) {
    let ws = Workspace::new();
    let text = std::fs::read_to_string(ws.record()).expect("read the record");
    assert!(text.contains(E4_NARRATIVE));
    let escaped = narrative.replace('\n', "\\n");
    std::fs::write(ws.record(), text.replace(E4_NARRATIVE, &escaped)).expect("write");
    let mut app = App::new(width, height);
    let entry = load_entry(ws.record(), &LoadOptions::default());
    assert!(
        matches!(entry.state, hotwash::tui::app::EntryState::Loaded(_)),
        "the record loads"
    );
    update(&mut app, Msg::Loaded(entry));
    update(&mut app, Msg::LoadFinished);
    press(&mut app, KeyCode::Enter);
    assert_eq!(selected_id(&app), "E4");
    (ws, app)
}

/// Presses `J` until the detail stops saying there is more below; returns how often.
fn scroll_to_the_end(app: &mut App, most: usize) -> usize {
    let mut presses = 0;
    while render(app).contains("more below") {
        assert!(presses < most, "still more below after {most} presses of J");
        press(app, KeyCode::Char('J'));
        presses += 1;
    }
    presses
}

#[test]
fn j_scrolls_a_long_narrative_to_its_last_row_and_k_back_to_the_top() {
    let words: Vec<String> = (0..3_000).map(|n| format!("w{n:04}")).collect();
    let (_ws, mut app) = open_with_narrative(120, 40, &words.join(" "));
    let first = render(&app);
    assert!(
        first.contains("w0000") && !first.contains("w2999"),
        "{first}"
    );
    assert!(
        first.contains("more below: J/K, Ctrl-D/Ctrl-U, wheel"),
        "{first}"
    );

    let presses = scroll_to_the_end(&mut app, 1_000);
    let last = render(&app);
    assert!(last.contains("w2999"), "the last word is shown:\n{last}");
    assert!(!last.contains("w0000"), "{last}");
    // 19 words a row at 118 columns: 158 rows, and the pane shows 28.
    assert!(presses > 100, "{presses} presses");
    press(&mut app, KeyCode::Char('J'));
    assert_eq!(render(&app), last, "J stops at the last row");

    for _ in 0..presses {
        press(&mut app, KeyCode::Char('K'));
    }
    assert_eq!(render(&app), first, "K comes back to the top");
    press(&mut app, KeyCode::Char('K'));
    assert_eq!(render(&app), first, "and stops there");
}

#[test]
fn the_detail_scrolls_past_sixty_five_thousand_rows() {
    // One row per line: more rows than a u16 scroll offset can count.
    let narrative = format!("{}the end", "a\n".repeat(70_000));
    let (_ws, mut app) = open_with_narrative(120, 40, &narrative);
    // 69,800 rows down, "the end" is still below the pane (28 rows).
    for _ in 0..69_800 {
        press(&mut app, KeyCode::Char('J'));
    }
    let screen = render(&app);
    assert!(
        !screen.contains("the end") && screen.contains("more below"),
        "{screen}"
    );
    let presses = scroll_to_the_end(&mut app, 300);
    assert!(presses > 150, "{presses}");
    let screen = render(&app);
    assert!(screen.contains("│the end"), "{screen}");
    // Moving to another event and back starts at the top again.
    keys(&mut app, "jk");
    assert!(render(&app).contains("more below"));
}

#[test]
fn a_narrow_terminal_rewraps_and_keeps_the_scroll_row() {
    let words: Vec<String> = (0..3_000).map(|n| format!("w{n:04}")).collect();
    let (_ws, mut app) = open_with_narrative(120, 40, &words.join(" "));
    for _ in 0..40 {
        press(&mut app, KeyCode::Char('J'));
    }
    let wide = render(&app);
    update(&mut app, Msg::Input(Event::Resize(80, 30)));
    let narrow = render(&app);
    assert_ne!(wide, narrow);
    // 40 rows down at 78 columns (13 words a row), under the heading and
    // the place: the top row is well past the first words, not at the top.
    assert!(!narrow.contains("w0000 "), "{narrow}");
    assert!(narrow.contains("more below"), "{narrow}");
    // Back to the width it had: the same rows as before.
    update(&mut app, Msg::Input(Event::Resize(120, 40)));
    assert_eq!(render(&app), wide);
}

#[test]
fn escapes_in_a_narrative_are_shown_in_the_detail_not_sent() {
    let (_ws, app) = open_with_narrative(
        120,
        40,
        "Set \u{1b}]0;PWNED\u{7} the title, then \u{202e}reverse it.",
    );
    let screen = render(&app);
    assert!(
        screen.contains("Set \\u{1b}]0;PWNED\\u{7} the title, then \\u{202e}reverse it."),
        "{screen}"
    );
    assert!(!screen.contains('\u{1b}') && !screen.contains('\u{202e}'));
}

// --- the screen tells the truth: banner, sign-off, search ---------------------

/// The banner lines (top and bottom) of a rendered review screen.
fn banners(screen: &str) -> (String, String) {
    let lines: Vec<&str> = screen.lines().collect();
    let bottom = lines.iter().rev().find(|l| !l.is_empty()).copied();
    (
        lines.first().copied().unwrap_or_default().to_string(),
        bottom.unwrap_or_default().to_string(),
    )
}

#[test]
fn a_finding_above_the_record_raises_the_banner_and_undo_lowers_it() {
    let (_ws, mut app) = open_record(120, 40);
    let (top, bottom) = banners(&render(&app));
    assert!(top.contains("NATO RESTRICTED"), "{top}");
    assert!(bottom.contains("NATO RESTRICTED"), "{bottom}");

    // A NATO CONFIDENTIAL finding: the portion picker is the seventh field.
    keys(&mut app, "f");
    keys(&mut app, "Confidential finding");
    press(&mut app, KeyCode::Tab);
    keys(&mut app, "a statement");
    for _ in 0..5 {
        press(&mut app, KeyCode::Tab);
    }
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Right);
    ctrl(&mut app, 's');
    assert_eq!(app.message.as_deref(), Some("saved: added finding F02"));
    let screen = render(&app);
    assert!(screen.contains("(NC) Confidential finding"), "{screen}");
    let (top, bottom) = banners(&screen);
    assert!(top.contains("NATO CONFIDENTIAL"), "{top}");
    assert!(bottom.contains("NATO CONFIDENTIAL"), "{bottom}");

    // Back in the library the record's row says so too.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.screen, Screen::Library));
    assert!(render(&app).contains("NATO CONFIDENTIAL"));

    press(&mut app, KeyCode::Enter);
    keys(&mut app, "u");
    let (top, bottom) = banners(&render(&app));
    assert!(top.contains("NATO RESTRICTED"), "{top}");
    assert!(bottom.contains("NATO RESTRICTED"), "{bottom}");
}

/// The library (wide and narrow) and the plain summary count the same
/// thing, controls that failed, and word it the same way.
#[test]
fn the_library_and_the_plain_summary_say_the_same_about_failed_controls() {
    // Narrow (two lines a record) but wide enough for the counts.
    let (ws, app) = app(100, 30);
    let narrow = render(&app);
    assert!(
        narrow.contains("4 events, 2 of 4 controls failed"),
        "{narrow}"
    );
    let (_ws2, wide_app) = self::app(120, 40);
    let wide = render(&wide_app);
    let header = wide
        .lines()
        .find(|l| l.contains("Period"))
        .unwrap_or_default();
    assert!(header.contains("Controls failed"), "{wide}");
    assert!(wide.contains("2 of 4"), "{wide}");

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hotwash"))
        .arg(ws.record())
        .output()
        .expect("run hotwash");
    let plain = String::from_utf8_lossy(&out.stdout);
    assert!(
        plain.contains("4 events, 2 of 4 controls failed"),
        "{plain}"
    );
}

/// Runs a `/` search for `query` on the review screen.
fn search(app: &mut App, query: &str) {
    let previous = review(app)
        .search
        .as_ref()
        .map_or(0, |s| s.query.chars().count());
    keys(app, "/");
    // The prompt opens with the previous query.
    for _ in 0..previous {
        press(app, KeyCode::Backspace);
    }
    keys(app, query);
    press(app, KeyCode::Enter);
}

#[test]
fn search_finds_control_ids_and_titles_places_and_sources() {
    let (_ws, mut app) = open_record(120, 40);
    search(&mut app, "SC-8");
    assert_eq!(
        app.message.as_deref(),
        Some("2 events match \"SC-8\"; n/N step through them, Esc ends the search")
    );
    assert_eq!(selected_id(&app), "E1");
    keys(&mut app, "n");
    assert_eq!(selected_id(&app), "E2");

    search(&mut app, "incident handling"); // IR-4's title
    assert_eq!(selected_id(&app), "E3");
    search(&mut app, "harbour hotel"); // a place, in no narrative
    assert_eq!(
        review(&app).search.as_ref().map(|s| s.matches.len()),
        Some(2)
    );
    search(&mut app, "anonymous blog"); // a source's title
    assert_eq!(selected_id(&app), "E2");
    search(&mut app, "example.org/blog"); // its address
    assert_eq!(selected_id(&app), "E2");
}

#[test]
fn sign_off_shows_what_is_not_done_before_asking() {
    let (_ws, mut app) = open_record(120, 40);
    add_finding(&mut app, "Unanswered finding");
    keys(&mut app, "S");
    assert!(matches!(app.overlay, Some(Overlay::Confirm(_))));
    let screen = render(&app);
    for line in [
        "Sign the review off as test analyst?",
        "Not done yet:",
        "· 2 of 4 events not reviewed: E4, E2",
        "· 1 event flagged: E1",
        "· 1 of 2 findings without a recommendation: F02",
        "Signing seals the record and the review with a SHA-256 hash",
    ] {
        assert!(screen.contains(line), "{line:?} missing:\n{screen}");
    }
    keys(&mut app, "n");
    assert!(app.overlay.is_none());

    // Everything done: it says so, and y still signs.
    keys(&mut app, "u"); // the finding
    press(&mut app, KeyCode::Tab); // the saved finding had the focus
    assert_eq!(review(&app).focus, hotwash::tui::app::Pane::Timeline);
    keys(&mut app, "g");
    press(&mut app, KeyCode::Char(' ')); // E4 reviewed
    keys(&mut app, "j!"); // E1 no longer flagged
    keys(&mut app, "j");
    press(&mut app, KeyCode::Char(' ')); // E2 reviewed
    keys(&mut app, "S");
    let screen = render(&app);
    assert!(
        screen.contains("Everything is done: all 4 events reviewed, none flagged, the finding")
            && !screen.contains("Not done yet"),
        "{screen}"
    );
    keys(&mut app, "y");
    assert!(matches!(
        review(&app).state.signoff,
        hotwash::tui::app::SignStatus::Current(_)
    ));
}

// --- reading long things: scrolling, paging, the wheel, the layout ----------

/// `n` words `p0000 p0001 …`, each found once on screen.
fn words(prefix: char, n: usize) -> String {
    (0..n)
        .map(|i| format!("{prefix}{i:04}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The review screen on the demo record, its finding F1 stated at length
/// (600 words) and a second, short finding F2 after it.
fn open_with_long_finding(width: u16, height: u16) -> (Workspace, App) {
    let ws = Workspace::new();
    let text = std::fs::read_to_string(ws.review_file()).expect("read the review");
    let short = "The traveller bypassed the secure dial-in and joined over an untrusted network.";
    assert!(text.contains(short));
    let f2 = r#"(
            id: "F2",
            title: "Second finding",
            statement: "A short second statement.",
            kind: Observation,
            severity: Low,
            likelihood: Likely,
            confidence: Low,
            portion: Unclassified,
        ),
    ],
    recommendations: ["#;
    let text = text.replace(short, &words('s', 600)).replacen(
        "    ],\n    recommendations: [",
        &format!("        {f2}"),
        1,
    );
    std::fs::write(ws.review_file(), text).expect("write the review");
    let mut app = App::new(width, height);
    let entry = load_entry(ws.record(), &LoadOptions::default());
    update(&mut app, Msg::Loaded(entry));
    update(&mut app, Msg::LoadFinished);
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        review(&app).state.review.findings.len(),
        2,
        "the review loads"
    );
    (ws, app)
}

/// Presses `key` until nothing is said to be below; returns how often.
fn page_to_the_end(app: &mut App, most: usize, key: &dyn Fn(&mut App)) -> usize {
    let mut presses = 0;
    while render(app).contains("more below") {
        assert!(presses < most, "still more below after {most} presses");
        key(app);
        presses += 1;
    }
    presses
}

/// How many `J` presses from the top show what one press of `key` shows.
fn rows_one_press_moves(app: &mut App, key: &dyn Fn(&mut App)) -> usize {
    let top = render(app);
    key(app);
    let paged = render(app);
    assert_ne!(paged, top, "the press moved the text");
    // Back to the top, then row by row until the same text shows.
    for _ in 0..200 {
        press(app, KeyCode::Char('K'));
    }
    assert_eq!(render(app), top);
    for n in 1..200 {
        press(app, KeyCode::Char('J'));
        if render(app) == paged {
            return n;
        }
    }
    panic!("J never reached what the page key showed:\n{paged}");
}

#[test]
fn the_finding_pane_scrolls_to_its_recommendations_and_back() {
    let (_ws, mut app) = open_with_long_finding(120, 40);
    keys(&mut app, "F");
    let first = render(&app);
    assert!(first.contains("s0000"), "{first}");
    assert!(!first.contains("s0599") && !first.contains("R1 [planned]"));
    assert!(first.contains("more below"), "{first}");

    let presses = page_to_the_end(&mut app, 1_000, &|app| {
        press(app, KeyCode::Char('J'));
    });
    let last = render(&app);
    assert!(last.contains("s0599"), "the statement's end:\n{last}");
    assert!(
        last.contains("R1 [planned] Issue travel kits with a protected link."),
        "its recommendation:\n{last}"
    );
    assert!(!last.contains("s0000 "), "{last}");
    assert_eq!(review(&app).finding, 0, "J scrolled, it did not select");
    press(&mut app, KeyCode::Char('J'));
    assert_eq!(render(&app), last, "J stops at the last row");
    for _ in 0..presses {
        press(&mut app, KeyCode::Char('K'));
    }
    assert_eq!(render(&app), first, "K comes back to the top");
}

#[test]
fn ctrl_d_and_ctrl_u_page_the_finding_text_by_half_a_pane() {
    let (_ws, mut app) = open_with_long_finding(120, 40);
    keys(&mut app, "F");
    let top = render(&app);
    let half = rows_one_press_moves(&mut app, &|app| {
        ctrl(app, 'd');
    });
    let pane = pane_rows(&app, "┌ Findings");
    assert!(pane > 10, "{pane}");
    assert_eq!(half, pane / 2, "half a pane of {pane} rows");
    for _ in 0..200 {
        press(&mut app, KeyCode::Char('K'));
    }
    let pages = page_to_the_end(&mut app, 100, &|app| {
        ctrl(app, 'd');
    });
    let rows = page_to_the_end(&mut app, 0, &|_| {});
    assert_eq!(rows, 0);
    assert!(render(&app).contains("R1 [planned]"));
    for _ in 0..pages {
        ctrl(&mut app, 'u');
    }
    assert_eq!(render(&app), top, "Ctrl-U comes back to the top");
}

#[test]
fn selecting_another_finding_starts_its_text_at_the_top() {
    let (_ws, mut app) = open_with_long_finding(120, 40);
    keys(&mut app, "F");
    let top = render(&app);
    keys(&mut app, "JJJJJJJJJJ");
    assert!(!render(&app).contains("s0000"), "scrolled");
    keys(&mut app, "j");
    let second = render(&app);
    assert!(
        second.contains("(NU) Second finding") && second.contains("A short second statement."),
        "{second}"
    );
    keys(&mut app, "k");
    assert_eq!(render(&app), top, "F1 again, from its top");
}

#[test]
fn page_keys_scroll_the_detail_by_half_a_pane() {
    let (_ws, mut app) = open_with_narrative(120, 40, &words('w', 3_000));
    let top = render(&app);
    let half = rows_one_press_moves(&mut app, &|app| {
        ctrl(app, 'd');
    });
    let detail_rows = review_detail_rows(&app);
    assert_eq!(half, detail_rows / 2, "half of {detail_rows} rows");
    for _ in 0..200 {
        press(&mut app, KeyCode::Char('K'));
    }
    let presses = page_to_the_end(&mut app, 1_000, &|app| {
        ctrl(app, 'd');
    });
    assert!(render(&app).contains("w2999"));
    // 158 rows: J takes ~140 presses (the issue counted 47 on E01), Ctrl-D a tenth.
    assert!(presses <= 158 / half + 1, "{presses} presses");
    for _ in 0..presses {
        ctrl(&mut app, 'u');
    }
    assert_eq!(render(&app), top);
    assert_eq!(selected_id(&app), "E4", "paging never moves the selection");
}

/// The rows inside the detail pane, read off the screen.
fn review_detail_rows(app: &App) -> usize {
    pane_rows(app, "┌ E")
}

/// The rows inside the pane whose top border starts with `top`.
fn pane_rows(app: &App, top: &str) -> usize {
    let screen = render(app);
    let lines: Vec<&str> = screen.lines().collect();
    let top = lines
        .iter()
        .position(|l| l.starts_with(top))
        .expect("the pane");
    lines[top + 1..]
        .iter()
        .position(|l| l.starts_with('└'))
        .expect("its bottom")
}

fn wheel(app: &mut App, down: bool, column: u16, row: u16) {
    let kind = if down {
        MouseEventKind::ScrollDown
    } else {
        MouseEventKind::ScrollUp
    };
    let event = MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    };
    update(app, Msg::Input(Event::Mouse(event)));
}

/// The screen row of the first line starting with `prefix`.
fn row_of(app: &App, prefix: &str) -> u16 {
    let screen = render(app);
    let row = screen
        .lines()
        .position(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starts with {prefix:?}:\n{screen}"));
    u16::try_from(row).expect("a screen row")
}

#[test]
fn the_wheel_scrolls_the_pane_under_the_pointer() {
    let (_ws, mut app) = open_with_narrative(120, 40, &words('w', 3_000));
    let detail = row_of(&app, "┌ E4") + 3;
    let top = render(&app);
    let notch = rows_one_press_moves(&mut app, &|app| wheel(app, true, 10, detail));
    assert_eq!(notch, 3, "three rows a notch");
    assert_eq!(selected_id(&app), "E4", "the timeline stays");
    wheel(&mut app, false, 10, detail);
    assert_eq!(render(&app), top, "and back up");

    // Over the Timeline the wheel moves the selection; over the Controls, theirs.
    wheel(&mut app, true, 10, 3);
    assert_eq!(selected_id(&app), "E1");
    wheel(&mut app, true, 100, 3);
    assert_eq!(review(&app).control, 1);
    assert_eq!(selected_id(&app), "E1");
}

#[test]
fn the_wheel_scrolls_the_finding_text_or_moves_in_the_list() {
    let (_ws, mut app) = open_with_long_finding(120, 40);
    keys(&mut app, "F");
    let row = row_of(&app, "┌ Findings") + 3;
    let top = render(&app);
    // The right half: the finding's text, three rows a notch.
    wheel(&mut app, true, 100, row);
    wheel(&mut app, true, 100, row);
    assert_eq!(review(&app).finding, 0);
    assert!(!render(&app).contains("s0000"), "the text moved");
    wheel(&mut app, false, 100, row);
    wheel(&mut app, false, 100, row);
    assert_eq!(render(&app), top);
    // The left half: the list.
    wheel(&mut app, true, 10, row);
    assert_eq!(review(&app).finding, 1, "the next finding");
    assert!(render(&app).contains("A short second statement."));
    // A click on a finding's two rows selects it.
    let click = MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: 10,
        row: row_of(&app, "┌ Findings") + 2,
        modifiers: KeyModifiers::NONE,
    };
    update(&mut app, Msg::Input(Event::Mouse(click)));
    assert_eq!(review(&app).finding, 0);
}

#[test]
fn a_newly_selected_event_starts_its_detail_at_the_top() {
    let (_ws, mut app) = open_with_narrative(120, 40, &words('w', 3_000));
    let top = render(&app);
    keys(&mut app, "JJJJJJJJJJ");
    assert!(!render(&app).contains("w0000"));
    keys(&mut app, "j");
    let e1 = render(&app);
    assert!(e1.contains("Alpha joins the call over hotel Wi-Fi"), "{e1}");
    keys(&mut app, "k");
    assert_eq!(render(&app), top, "E4 from its top again");
}

/// Rows inside the Timeline pane that show nothing.
fn blank_timeline_rows(screen: &str) -> usize {
    let lines: Vec<&str> = screen.lines().collect();
    let top = lines
        .iter()
        .position(|l| l.starts_with("┌ Timeline"))
        .expect("a Timeline pane");
    lines[top + 1..]
        .iter()
        .take_while(|l| !l.starts_with('└'))
        .filter(|l| {
            l.strip_prefix('│')
                .and_then(|rest| rest.split('│').next())
                .is_some_and(|inside| inside.trim().is_empty())
        })
        .count()
}

/// A private copy of the bundled Taurus record and its review.
fn taurus_workspace() -> Workspace {
    let ws = Workspace::new();
    for name in ["taurus-webex-2024.ron", "taurus-webex-2024.review.ron"] {
        std::fs::copy(Path::new("incidents").join(name), ws.0.join(name)).expect("copy");
    }
    ws
}

fn open_taurus(width: u16, height: u16) -> (Workspace, App) {
    let ws = taurus_workspace();
    let mut app = App::new(width, height);
    let entry = load_entry(ws.0.join("taurus-webex-2024.ron"), &LoadOptions::default());
    update(&mut app, Msg::Loaded(entry));
    update(&mut app, Msg::LoadFinished);
    press(&mut app, KeyCode::Enter);
    (ws, app)
}

#[test]
fn the_lists_leave_no_blank_rows_while_the_detail_has_more() {
    // 31 events at 220×60: the Timeline needs 33 rows, the detail of E01
    // more than the rest.
    let (_ws, mut app) = open_taurus(220, 60);
    keys(&mut app, "j");
    let screen = render(&app);
    assert!(screen.contains("more below"), "{screen}");
    assert_eq!(blank_timeline_rows(&screen), 0, "{screen}");
    assert!(
        screen.contains("Change of command of the Luftwaffe"),
        "every event shows"
    );
    // 4 events and 4 controls at 120×40: the detail gets the rows.
    let (_ws, app) = open_with_narrative(120, 40, &words('w', 3_000));
    let screen = render(&app);
    assert_eq!(blank_timeline_rows(&screen), 0, "{screen}");
    assert!(review_detail_rows(&app) > 25, "{screen}");
    // Where the lists overflow, they keep their 58%.
    let (_ws, app) = open_taurus(120, 40);
    let screen = render(&app);
    assert_eq!(blank_timeline_rows(&screen), 0, "{screen}");
    assert_eq!(review_detail_rows(&app), 12, "{screen}");
}

// --- wide, combining and flag text ------------------------------------------

/// The screen as a terminal shows it: a wide character's second cell holds
/// nothing of its own and is not printed (`render` prints it as a blank).
fn render_cells(app: &App) -> String {
    let backend = TestBackend::new(app.width, app.height);
    let mut terminal = Terminal::new(backend).expect("test terminal");
    terminal.draw(|f| view(app, f)).expect("draw");
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        let mut line = String::new();
        let mut x = 0;
        while x < buffer.area.width {
            let symbol = buffer[(x, y)].symbol();
            line.push_str(symbol);
            x += symbol.cell_width().max(1);
        }
        // Every bordered row ends in its border, in the last column: wide
        // text never pushed it along or left it short.
        let last = buffer[(buffer.area.width - 1, y)].symbol();
        if line.starts_with(['│', '┌', '└']) {
            assert!(
                ["│", "┐", "┘"].contains(&last),
                "row {y} ends in {last:?}: {line}"
            );
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

use ratatui::buffer::CellWidth;

const WIDE: &str =
    "陶鲁斯 Abho\u{308}raffa\u{308}re 🇩🇪🇸🇬 e\u{301}te\u{301} 会議の記録が漏洩した 👩‍💻 a🇩🇪b";

#[test]
fn snapshot_wide_combining_and_flag_text_in_the_detail_80x24() {
    let (_ws, app) = open_with_narrative(80, 24, &[WIDE; 4].join(" "));
    let screen = render_cells(&app);
    assert!(
        screen.contains("陶鲁斯 Abho\u{308}raffa\u{308}re 🇩🇪🇸🇬"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn snapshot_wide_combining_and_flag_text_in_the_findings_120x40() {
    let (_ws, mut app) = open_record(120, 40);
    add_finding(&mut app, &format!("{WIDE} {WIDE}"));
    let screen = render_cells(&app);
    assert!(screen.contains("F02 陶鲁斯"), "{screen}");
    insta::assert_snapshot!(screen);
}

/// The row of `screen` holding `needle`, and the row under it.
fn row_and_next<'s>(screen: &'s str, needle: &str) -> (&'s str, &'s str) {
    let rows: Vec<&str> = screen.lines().collect();
    let i = rows
        .iter()
        .position(|r| r.contains(needle))
        .unwrap_or_else(|| panic!("no row holds {needle:?}:\n{screen}"));
    (rows[i], rows.get(i + 1).copied().unwrap_or(""))
}

#[test]
fn a_two_line_note_is_shown_as_two_lines_in_the_detail() {
    let (ws, mut app) = open_record(120, 40);
    keys(&mut app, "m");
    keys(&mut app, "Invoice not archived.");
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "Check: the hotel log.");
    ctrl(&mut app, 's');
    assert_eq!(
        saved_review(&ws)
            .mark("E4")
            .and_then(|m| m.note.clone())
            .as_deref(),
        Some("Invoice not archived.\nCheck: the hotel log.")
    );
    let screen = render(&app);
    let (row, next) = row_and_next(&screen, "Note: Invoice not archived.");
    assert!(!row.contains("Check"), "one line a row:\n{screen}");
    assert!(
        next.contains("│Check: the hotel log."),
        "the second line on the next row:\n{screen}"
    );
    // Reopened, the note editor shows both lines too.
    keys(&mut app, "m");
    let screen = render(&app);
    let (_, next) = row_and_next(&screen, "Invoice not archived.");
    assert!(next.contains("Check: the hotel log."), "{screen}");
}

/// Opens F1 of the demo in its edit form.
fn edit_f1(app: &mut App) {
    keys(app, "F");
    keys(app, "e");
    assert!(matches!(app.overlay, Some(Overlay::Finding(_))));
}

fn tab_to(app: &mut App, field: hotwash::tui::form::Field) {
    for _ in 0..20 {
        match &app.overlay {
            Some(Overlay::Finding(f)) if f.focus == field => return,
            _ => press(app, KeyCode::Tab),
        };
    }
    panic!("{field:?} is never focused");
}

#[test]
fn the_finding_form_wraps_the_statement_to_its_width() {
    use hotwash::tui::form::Field;
    let (_ws, mut app) = open_record(80, 24);
    edit_f1(&mut app);
    tab_to(&mut app, Field::Statement);
    press(&mut app, KeyCode::End);
    keys(
        &mut app,
        " The hotel network was shared with other guests, and nobody on the call checked \
         how the others had joined before the briefing began.",
    );
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "Second paragraph ends here.");
    for focused in [true, false] {
        if !focused {
            press(&mut app, KeyCode::Tab);
        }
        let screen = render(&app);
        for part in [
            "Statement  The traveller bypassed the secure dial-in",
            "before the briefing",
            "Second paragraph ends here.",
        ] {
            assert!(
                screen.contains(part),
                "{part:?} is on screen (focused: {focused}):\n{screen}"
            );
        }
        // Nothing runs past the form's right edge.
        assert!(screen.lines().all(|l| {
            !l.contains("hotel network was shared with other guests, and nobody on the call")
        }));
    }
}

#[test]
fn a_reopened_recommendation_shows_the_start_of_its_action() {
    use hotwash::tui::form::{Field, RecField};
    let (_ws, mut app) = open_record(80, 24);
    edit_f1(&mut app);
    tab_to(&mut app, Field::Rec(0, RecField::Action));
    press(&mut app, KeyCode::End);
    keys(
        &mut app,
        " Brief every officer who travels on hotel networks and on the secure dial-in.",
    );
    ctrl(&mut app, 's');
    assert!(app.overlay.is_none(), "saved");
    keys(&mut app, "e");
    let screen = render(&app);
    let (row, _) = row_and_next(&screen, "  1  ");
    assert!(
        row.contains("  1  Issue travel kits"),
        "the action from its start:\n{screen}"
    );
    assert!(row.contains('…'), "cut, and marked so: {row}");
    // With the focus, the action wraps over rows of its own.
    tab_to(&mut app, Field::Rec(0, RecField::Action));
    let screen = render(&app);
    let (_, next) = row_and_next(&screen, "  1  Issue travel kits");
    assert!(
        next.contains("     protected link. Brief every"),
        "the action goes on on the next row:\n{screen}"
    );
}

#[test]
fn a_form_error_stands_under_its_field_and_says_where_the_focus_went() {
    use hotwash::tui::form::{Field, RecField};
    let (_ws, mut app) = open_record(80, 24);
    edit_f1(&mut app);
    tab_to(&mut app, Field::Rec(0, RecField::Due));
    press(&mut app, KeyCode::End);
    keys(&mut app, "x");
    // Back to the title, and save from there.
    for _ in 0..9 {
        press(&mut app, KeyCode::BackTab);
    }
    ctrl(&mut app, 's');
    let Some(Overlay::Finding(form)) = &app.overlay else {
        panic!("the form stays open");
    };
    assert_eq!(form.focus, Field::Rec(0, RecField::Due));
    let screen = render(&app);
    let (row, next) = row_and_next(&screen, "  1  ");
    assert!(row.contains("Issue travel kits"), "{screen}");
    assert!(
        next.contains("✗ due date \"2030-03-01x\" is not a date"),
        "the error just under the recommendation:\n{screen}"
    );
    assert!(
        flat(&screen).contains("focus moved to the due date of recommendation 1"),
        "{screen}"
    );
}

#[test]
fn a_picker_at_its_end_shows_it_and_stays() {
    use hotwash::tui::form::Field;
    let (_ws, mut app) = open_record(120, 40);
    edit_f1(&mut app);
    tab_to(&mut app, Field::Likelihood);
    for _ in 0..10 {
        press(&mut app, KeyCode::Right);
    }
    let screen = render(&app);
    assert!(
        screen.contains("Likelihood ◂ almost certain   "),
        "{screen}"
    );
    press(&mut app, KeyCode::Right);
    assert!(
        render(&app).contains("◂ almost certain  "),
        "no wrapping to almost no chance"
    );
}

/// The screen's text inside the form's borders, rows joined by spaces, so
/// that a message wrapped over rows reads as one.
fn flat(screen: &str) -> String {
    screen
        .lines()
        .map(|l| l.trim_matches(|c: char| "│┌┐└┘─ ".contains(c)))
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn the_findings_pane_keeps_the_line_breaks_of_a_statement() {
    let (_ws, mut app) = open_record(120, 40);
    keys(&mut app, "f");
    keys(&mut app, "Hotel log never requested");
    press(&mut app, KeyCode::Tab);
    keys(&mut app, "Evidence: nobody asked for the log.");
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "Judgement: the path stays contested.");
    ctrl(&mut app, 's');
    assert!(app.overlay.is_none(), "saved");
    // Saving shows the finding in the Findings pane.
    let screen = render(&app);
    let (row, next) = row_and_next(&screen, "│Evidence: nobody asked for the log.");
    assert!(!row.contains("Judgement"), "one line a row:\n{screen}");
    assert!(
        next.contains("│Judgement: the path stays contested."),
        "{screen}"
    );
}

/// What frames look up (each finding's recommendations, the findings
/// resting on each event, the marks) is what a search of the review would
/// find, after every kind of change.
fn assert_index_current(app: &App, after: &str) {
    let r = review(app);
    assert_eq!(
        r.state.index,
        hotwash::tui::review_index::ReviewIndex::new(&r.state.review),
        "the review's index is stale after {after}"
    );
}

#[test]
fn the_review_index_follows_every_edit_undo_and_reload() {
    // Wide enough for the whole line of facts under each finding.
    let (ws, mut app) = open_record(220, 60);
    assert_index_current(&app, "opening");
    keys(&mut app, "j"); // E1: F1 rests on it
    assert!(render(&app).contains("Findings resting on it: F1"));
    add_finding(&mut app, "second");
    assert_index_current(&app, "adding a finding");
    keys(&mut app, "F"); // the detail again, in place of the Findings
    assert!(
        render(&app).contains("Findings resting on it: F1, F02"),
        "{}",
        render(&app)
    );
    keys(&mut app, "F");
    let screen = render(&app);
    assert!(
        screen.contains("2 ctl · recs 0/1 done") && screen.contains("3 ctl · recs 0/0 done"),
        "{screen}"
    );
    keys(&mut app, "e");
    press(&mut app, KeyCode::End);
    keys(&mut app, " (revised)");
    ctrl(&mut app, 's');
    assert_index_current(&app, "editing a finding");
    keys(&mut app, "dy");
    assert_index_current(&app, "deleting a finding");
    assert!(render(&app).contains("Findings (1)"));
    keys(&mut app, "u");
    assert_index_current(&app, "undoing");
    assert!(render(&app).contains("Findings (2)"));
    press(&mut app, KeyCode::Char(' '));
    assert_index_current(&app, "a mark");
    // Another analyst's version on disk: reloaded under our next change.
    std::fs::write(
        ws.review_file(),
        "(schema: 1, record: \"demo-hotel-call\", marks: [(event: \"E2\", reviewed: true)])\n",
    )
    .expect("write");
    press(&mut app, KeyCode::Char('!'));
    keys(&mut app, "d");
    assert_index_current(&app, "a reload");
    assert!(render(&app).contains("reviewed 1/4"), "{}", render(&app));
}

/// The Taurus record opened at `width`×`height`, with its review beside it
/// left alone (a copy in a scratch folder).
fn taurus(width: u16, height: u16) -> (Workspace, App) {
    let ws = Workspace::new();
    let record = ws.0.join("taurus.ron");
    std::fs::copy("incidents/taurus-webex-2024.ron", &record).expect("copy the record");
    let mut app = App::new(width, height);
    app.reviewer = "test analyst".into();
    update(
        &mut app,
        Msg::Loaded(load_entry(record, &LoadOptions::default())),
    );
    update(&mut app, Msg::LoadFinished);
    press(&mut app, KeyCode::Enter);
    (ws, app)
}

/// The drawn buffer, row by row, one string per cell (a wide character's
/// second cell is empty), so that columns are counted in cells.
fn cells(app: &App) -> ratatui::buffer::Buffer {
    let mut terminal = Terminal::new(TestBackend::new(app.width, app.height)).expect("terminal");
    terminal.draw(|f| view(app, f)).expect("draw");
    terminal.backend().buffer().clone()
}

/// The cell column where `needle` starts in row `y` between columns
/// `from` and `to`, if it does.
fn find_in_row(
    buffer: &ratatui::buffer::Buffer,
    y: u16,
    from: u16,
    to: u16,
    needle: &str,
) -> Option<u16> {
    (from..to).find(|&x| {
        let mut s = String::new();
        for k in x..to {
            s.push_str(buffer[(k, y)].symbol());
            if s.len() >= needle.len() {
                break;
            }
        }
        s.starts_with(needle)
    })
}

/// Where, in each timeline row shown, the effect glyphs and the title
/// start, and the cell before the right border.
fn timeline_columns(app: &App) -> Vec<(Option<u16>, u16, String)> {
    let r = review(app);
    let buffer = cells(app);
    let area = r.areas(app.area()).timeline;
    let (left, right) = (area.x + 1, area.x + area.width - 1);
    let mut out = Vec::new();
    for row in 0..hotwash::tui::app::inner_height(area) {
        let Some(pos) = r.rows.position(r.offset + row) else {
            break;
        };
        let e = &r.bundle.record.events[r.bundle.timeline.event_at(pos).expect("an event")];
        let y = area.y + 1 + row as u16;
        let glyphs = (left..right).find(|&x| "✗≠↷∅✓".contains(buffer[(x, y)].symbol()));
        let start: String = e.title.chars().take(6).collect();
        let title = find_in_row(&buffer, y, left + 4, right, &start)
            .unwrap_or_else(|| panic!("{:?} is on its row", e.title));
        let last = buffer[(right - 1, y)].symbol().to_string();
        out.push((glyphs.filter(|_| !e.controls.is_empty()), title, last));
    }
    out
}

#[test]
fn timeline_columns_stay_put_as_rows_scroll_and_cut_titles_end_in_an_ellipsis() {
    for (w, h) in [(80, 24), (120, 40), (220, 60)] {
        let (_ws, mut app) = taurus(w, h);
        let top = timeline_columns(&app);
        keys(&mut app, "G");
        let bottom = timeline_columns(&app);
        if h < 60 {
            assert_ne!(review(&app).offset, 0, "{w}x{h}: scrolled");
        }
        let glyphs: Vec<u16> = top.iter().chain(&bottom).filter_map(|c| c.0).collect();
        assert!(
            glyphs.windows(2).all(|p| p[0] == p[1]),
            "{w}x{h}: the glyph column moves: {glyphs:?}"
        );
        let titles: Vec<u16> = top.iter().chain(&bottom).map(|c| c.1).collect();
        assert!(
            titles.windows(2).all(|p| p[0] == p[1]),
            "{w}x{h}: titles start at different columns: {titles:?}"
        );
        if w == 80 {
            // At 80 columns every Taurus title is longer than its room.
            assert!(
                top.iter().chain(&bottom).all(|c| c.2 == "…"),
                "{w}x{h}: a cut title ends in an ellipsis: {top:?}"
            );
        }
    }
}

#[test]
fn control_titles_start_in_one_column_and_cut_ones_end_in_an_ellipsis() {
    let (_ws, mut app) = taurus(120, 40);
    // An event where controls stand in several states at once.
    for _ in 0..8 {
        keys(&mut app, "n");
    }
    let r = review(&app);
    let buffer = cells(&app);
    let area = r.areas(app.area()).controls;
    let (left, right) = (area.x + 1, area.x + area.width - 1);
    let mut starts = Vec::new();
    let mut states = Vec::new();
    let mut unmarked = Vec::new();
    for (row, c) in r
        .bundle
        .record
        .controls
        .iter()
        .enumerate()
        .take(hotwash::tui::app::inner_height(area).min(r.bundle.record.controls.len()))
    {
        let y = area.y + 1 + row as u16;
        let start: String = c.title.chars().take(4).collect();
        let x = find_in_row(&buffer, y, left + 2 + c.id.len() as u16, right, &start)
            .unwrap_or_else(|| panic!("{}'s title is on its row", c.id));
        starts.push(x);
        states.push(r.replay.states[row]);
        let room = usize::from(right - x);
        if c.title.chars().count() > room && buffer[(right - 1, y)].symbol() != "…" {
            unmarked.push(c.id.to_string());
        }
    }
    assert!(
        states.windows(2).any(|p| p[0] != p[1]),
        "rows in different states: {states:?}"
    );
    assert!(
        starts.windows(2).all(|p| p[0] == p[1]),
        "control titles start at different columns: {starts:?}"
    );
    eprintln!("DEBUG {starts:?} {states:?}\n{}", render(&app));
}
