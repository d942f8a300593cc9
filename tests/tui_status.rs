//! The status bar, the message log, form footers, pane focus and the
//! diagnostics of a live reload, driven through `update` and read off the
//! rendered screen as a person would.

use std::path::{Path, PathBuf};

use hotwash::load::LoadOptions;
use hotwash::tui::action::{Context, Keymap};
use hotwash::tui::app::{App, Overlay, Screen, load_entry};
use hotwash::tui::runtime::dispatch;
use hotwash::tui::update::{Effect as Do, Msg, update};
use hotwash::tui::view::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Modifier;

/// A private copy of the demo record and its review.
struct Workspace(PathBuf);

impl Workspace {
    fn new() -> Self {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("hotwash-status-{}-{n}", std::process::id()));
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
}

impl Drop for Workspace {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn library(width: u16, height: u16) -> (Workspace, App) {
    let ws = Workspace::new();
    let mut app = App::new(width, height);
    app.reviewer = "test analyst".into();
    let entry = load_entry(ws.record(), &LoadOptions::default());
    update(&mut app, Msg::Loaded(entry));
    update(&mut app, Msg::LoadFinished);
    (ws, app)
}

fn open(width: u16, height: u16) -> (Workspace, App) {
    let (ws, mut app) = library(width, height);
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.screen, Screen::Review(_)));
    (ws, app)
}

fn press(app: &mut App, code: KeyCode) -> Vec<Do> {
    let modifiers = match code {
        KeyCode::Char(c) if c.is_ascii_uppercase() || "?!".contains(c) => KeyModifiers::SHIFT,
        _ => KeyModifiers::NONE,
    };
    dispatch(
        app,
        Msg::Input(Event::Key(KeyEvent::new(code, modifiers))),
        &LoadOptions::default(),
    )
}

fn keys(app: &mut App, keys: &str) {
    for c in keys.chars() {
        press(app, KeyCode::Char(c));
    }
}

fn resize(app: &mut App, w: u16, h: u16) {
    update(app, Msg::Input(Event::Resize(w, h)));
}

fn buffer(app: &App) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(app.width, app.height)).expect("terminal");
    terminal.draw(|f| view(app, f)).expect("draw");
    terminal.backend().buffer().clone()
}

fn row(buffer: &Buffer, y: u16) -> String {
    (0..buffer.area.width)
        .map(|x| buffer[(x, y)].symbol().to_string())
        .collect()
}

fn screen(app: &App) -> String {
    let b = buffer(app);
    (0..b.area.height)
        .map(|y| row(&b, y).trim_end().to_string() + "\n")
        .collect()
}

/// The status bar: the row above the bottom banner on the review screen,
/// the last row on the library.
fn status_row(app: &App) -> String {
    let b = buffer(app);
    let y = match app.screen {
        Screen::Review(_) | Screen::Cross(_) => b.area.height - 2,
        Screen::Library => b.area.height - 1,
    };
    row(&b, y)
}

/// Every hint as the status bar writes it whole ("t zone").
fn whole_hints(context: Context) -> Vec<String> {
    let keymap = Keymap::default();
    keymap
        .bindings(context)
        .iter()
        .filter(|b| b.action.in_status_bar())
        .map(|b| format!("{} {}", b.key.label(), b.action.hint()))
        .collect()
}

#[test]
fn the_status_bar_shows_only_whole_hints_at_every_width() {
    for (context, open_it) in [(Context::Library, false), (Context::Review, true)] {
        let hints = whole_hints(context);
        let (_ws, mut app) = if open_it {
            open(64, 30)
        } else {
            library(64, 30)
        };
        for w in 64..=220 {
            resize(&mut app, w, 30);
            app.message = None;
            let bar = status_row(&app);
            // The hints end where the right side begins; each is one of
            // the keymap's, whole.
            let right = ["1 record", "n/N:", "reviewed 2/4", "not signed off"]
                .iter()
                .filter_map(|r| bar.find(r))
                .min()
                .unwrap_or(bar.len());
            let left = &bar[..right];
            assert!(
                left.ends_with("  "),
                "{w}: apart from the right side: {bar:?}"
            );
            for shown in left.split("  ").filter(|h| !h.trim().is_empty()) {
                assert!(
                    hints.iter().any(|h| h == shown.trim()),
                    "{w} columns: {shown:?} is not a whole hint in {bar:?}"
                );
            }
            assert!(bar.contains("? help"), "{w}: {bar:?}");
            if open_it {
                assert!(
                    bar.contains("not signed off"),
                    "{w}: the sign-off is never cut: {bar:?}"
                );
            }
        }
    }
}

#[test]
fn a_long_message_is_elided_and_the_log_shows_it_in_full_newest_first() {
    let (_ws, mut app) = open(80, 24);
    keys(&mut app, "u"); // "nothing to undo"
    let long = "wrote exports/demo-hotel-call.md (Markdown, NATO RESTRICTED; \
                No portions were withheld. 1 event was left out by the analyst.)";
    update(&mut app, Msg::Failed(long.to_string()));
    let bar = status_row(&app);
    assert!(bar.contains("… M more"), "{bar:?}");
    assert!(!bar.contains("analyst.)"), "{bar:?}");

    press(&mut app, KeyCode::Char('M'));
    assert!(matches!(app.overlay, Some(Overlay::Messages)));
    let text = screen(&app);
    assert!(text.contains("Messages, newest first"), "{text}");
    // Wrapped, but all there; the newest first.
    let flat: String = text
        .lines()
        .map(|l| l.trim_matches(|c: char| c == '│' || c.is_whitespace()))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(flat.contains("left out by the analyst.)"), "{text}");
    let newest = text.find("wrote exports").expect("the long message");
    let older = text.find("nothing to undo").expect("the older message");
    assert!(newest < older, "{text}");
    press(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());
    // In the help too.
    resize(&mut app, 120, 60);
    press(&mut app, KeyCode::Char('?'));
    assert!(screen(&app).contains("show this session's messages"));
}

#[test]
fn a_wrapped_message_in_the_log_continues_under_its_text_not_its_number() {
    let (_ws, mut app) = open(80, 24);
    let long = "first words of a message long enough to wrap over several rows of \
                the message log at eighty columns, so its later rows must start \
                under its first word and leave the number column clear";
    update(&mut app, Msg::Failed(long.to_string()));
    press(&mut app, KeyCode::Char('M'));
    let text = screen(&app);
    let rows: Vec<&str> = text.lines().collect();
    let first = rows
        .iter()
        .position(|l| l.contains("first words"))
        .expect("the message");
    // In cells (every cell of this screen is one char wide).
    let col = |row: &str, needle: &str| {
        let at = row.find(needle).expect("on the row");
        row[..at].chars().count()
    };
    let start = col(rows[first], "first words");
    let next: Vec<char> = rows[first + 1].chars().collect();
    // The row under it: blank under the number, text from the text column.
    assert!(
        next[start - 5..start].iter().all(|c| *c == ' ') && next[start] != ' ',
        "the second row does not start under the text (column {start}):\n{text}"
    );
    assert!(text.contains("clear"), "all of it is shown:\n{text}");
}

#[test]
fn every_form_shows_save_and_cancel_down_to_the_smallest_terminal() {
    for (w, h) in [(64, 18), (80, 24), (120, 40)] {
        let (_ws, mut app) = open(w, h);
        keys(&mut app, "j"); // an event with controls
        for (key, save) in [
            ('f', "Ctrl-S save"),
            ('m', "Ctrl-S save"),
            ('x', "Ctrl-S/Enter export"),
        ] {
            press(&mut app, KeyCode::Char(key));
            assert!(app.overlay.is_some(), "{key} opens a form");
            let text = screen(&app);
            assert!(text.contains(save), "{w}x{h} {key}: {text}");
            assert!(text.contains("Esc cancel"), "{w}x{h} {key}: {text}");
            press(&mut app, KeyCode::Esc);
            assert!(
                app.overlay.is_none(),
                "{key}: Esc closes the untouched form"
            );
        }
    }
}

#[test]
fn ctrl_s_exports_from_the_export_form_like_enter() {
    let (_ws, mut app) = open(120, 40);
    press(&mut app, KeyCode::Char('x'));
    let effects = update(
        &mut app,
        Msg::Input(Event::Key(KeyEvent::new(
            KeyCode::Char('s'),
            KeyModifiers::CONTROL,
        ))),
    );
    assert!(
        matches!(effects.as_slice(), [Do::Export { force: false, .. }]),
        "{effects:?}"
    );
}

/// The modifiers of the first cell of `title` on screen.
fn title_modifiers(app: &App, title: &str) -> Modifier {
    let b = buffer(app);
    for y in 0..b.area.height {
        let line = row(&b, y);
        if let Some(at) = line.find(title) {
            let x = line[..at].chars().count() as u16;
            return b[(x, y)].modifier;
        }
    }
    panic!("no {title:?} on screen");
}

#[test]
fn the_focused_pane_has_a_reversed_title() {
    let (_ws, mut app) = open(120, 40);
    assert!(title_modifiers(&app, "Timeline (4)").contains(Modifier::REVERSED));
    assert!(!title_modifiers(&app, "Controls").contains(Modifier::REVERSED));
    press(&mut app, KeyCode::Tab);
    assert!(!title_modifiers(&app, "Timeline (4)").contains(Modifier::REVERSED));
    assert!(title_modifiers(&app, "Controls").contains(Modifier::REVERSED));
    keys(&mut app, "F");
    assert!(title_modifiers(&app, "Findings (").contains(Modifier::REVERSED));
}

#[test]
fn counts_agree_with_their_nouns() {
    let (_ws, app) = library(120, 40);
    let bar = status_row(&app);
    assert!(bar.trim_end().ends_with(" 1 record"), "{bar:?}");
    let (_ws, narrow) = library(80, 24);
    let text = screen(&narrow);
    assert!(text.contains("  4 events"), "{text}");
    let (_ws, mut app) = open(200, 40);
    press(&mut app, KeyCode::Char('/'));
    keys(&mut app, "hotel wi-fi");
    press(&mut app, KeyCode::Enter);
    let bar = status_row(&app);
    assert!(bar.contains("n/N: 1 match of"), "{bar:?}");
}

#[test]
fn marks_say_whether_they_were_set_or_cleared() {
    let (_ws, mut app) = open(120, 40);
    let id = {
        let Screen::Review(r) = &app.screen else {
            unreachable!()
        };
        r.event_id().expect("selected").to_string()
    };
    let reviewed = {
        let Screen::Review(r) = &app.screen else {
            unreachable!()
        };
        r.state.review.mark(&id).is_some_and(|m| m.reviewed)
    };
    press(&mut app, KeyCode::Char(' '));
    let first = app.message.clone().unwrap_or_default();
    press(&mut app, KeyCode::Char(' '));
    let second = app.message.clone().unwrap_or_default();
    let (on, off) = (
        format!("marked {id} reviewed"),
        format!("marked {id} not reviewed"),
    );
    let (a, b) = if reviewed { (&off, &on) } else { (&on, &off) };
    assert!(first.contains(a.as_str()), "{first:?}");
    assert!(second.contains(b.as_str()), "{second:?}");
    press(&mut app, KeyCode::Char('!'));
    let flagged = app.message.clone().unwrap_or_default();
    assert!(
        flagged.contains(&format!("flagged {id}"))
            || flagged.contains(&format!("took the flag off {id}")),
        "{flagged:?}"
    );
}

#[test]
fn search_matches_wrap_around_and_say_so() {
    let (_ws, mut app) = open(120, 40);
    press(&mut app, KeyCode::Char('/'));
    keys(&mut app, "hotel wi-fi");
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "n");
    assert_eq!(app.message.as_deref(), Some("E1 is the only match"));
}

/// The demo record with three events naming an actor it does not have:
/// three diagnostics, each with a snippet.
fn break_record(ws: &Workspace) -> String {
    let good = std::fs::read_to_string(ws.record()).expect("read");
    let bad = good
        .replace("actors: [\"host\"]", "actors: [\"nobody\"]")
        .replace(
            "actors: [\"traveller\", \"host\"]",
            "actors: [\"traveller\", \"nobody\"]",
        );
    assert_ne!(bad, good);
    std::fs::write(ws.record(), bad).expect("write");
    good
}

fn reload(app: &mut App) {
    dispatch(app, Msg::RecordChanged, &LoadOptions::default());
}

#[test]
fn the_diagnostics_of_a_live_reload_are_shown_in_full_and_scroll() {
    let (ws, mut app) = open(80, 24);
    break_record(&ws);
    reload(&mut app);
    assert!(matches!(app.overlay, Some(Overlay::Report(_))));
    let top = screen(&app);
    assert!(top.contains("rows 1–"), "says there is more: {top}");
    assert!(top.contains("nobody"), "{top}");
    // Scroll to the end: the last diagnostic's snippet is there, whole.
    let mut seen = top.matches("error[").count();
    for _ in 0..200 {
        press(&mut app, KeyCode::Char('j'));
        seen = seen.max(screen(&app).matches("error[").count());
    }
    let bottom = screen(&app);
    assert!(bottom.contains("╰────"), "the last snippet ends: {bottom}");
    assert_ne!(top, bottom);
    let rendered = match &app.report_view {
        Some(v) => v.lines.join("\n"),
        None => panic!("rendered"),
    };
    assert_eq!(
        rendered.matches("error[ref.actor]").count(),
        3,
        "{rendered}"
    );
    assert!(seen >= 1);
    press(&mut app, KeyCode::Char('g'));
    let overlay = |s: &str| s.lines().take(22).collect::<Vec<_>>().join("\n");
    assert_eq!(
        overlay(&screen(&app)),
        overlay(&top),
        "g goes back to the top"
    );
    // Resizing renders it again for the new width.
    resize(&mut app, 120, 40);
    assert!(screen(&app).contains("Diagnostics:"));
}

#[test]
fn the_diagnostics_overlay_follows_the_file_and_closes_when_it_is_valid() {
    let (ws, mut app) = open(120, 40);
    let good = break_record(&ws);
    reload(&mut app);
    assert!(screen(&app).contains("nobody"));

    // Broken another way: the overlay says so, not the old error.
    std::fs::write(ws.record(), "").expect("write");
    reload(&mut app);
    let text = screen(&app);
    assert!(matches!(app.overlay, Some(Overlay::Report(_))));
    assert!(!text.contains("nobody"), "stale: {text}");
    assert!(text.contains("empty"), "{text}");

    // Valid again: the overlay closes and the status bar says reloaded.
    std::fs::write(ws.record(), &good).expect("write");
    reload(&mut app);
    assert!(app.overlay.is_none(), "{}", screen(&app));
    assert!(status_row(&app).contains("reloaded"));
}

#[test]
fn a_broken_record_on_disk_never_replaces_an_open_form() {
    let (ws, mut app) = open(120, 40);
    press(&mut app, KeyCode::Char('m'));
    keys(&mut app, "half-written note");
    break_record(&ws);
    reload(&mut app);
    assert!(
        matches!(app.overlay, Some(Overlay::Note(_))),
        "the note and its text stay"
    );
    let said = app.message.clone().unwrap_or_default();
    assert!(
        said.contains("now invalid") && said.contains("nobody"),
        "{said:?}"
    );
}
