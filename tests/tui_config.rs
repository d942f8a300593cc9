//! The configuration inside the workbench: rebound keys do their new
//! work and the help and hints show them; a theme colours the frame (and
//! NO_COLOR still takes the colours out); a broken file opens the
//! workbench with the defaults and its diagnostics.

use std::path::{Path, PathBuf};

use hotwash::config::{Config, from_text};
use hotwash::load::LoadOptions;
use hotwash::model::Level;
use hotwash::tui::app::{App, Overlay, Screen, config_failed, load_entry};
use hotwash::tui::runtime::dispatch;
use hotwash::tui::theme::Theme;
use hotwash::tui::update::{Msg, update};
use hotwash::tui::view::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::{Color, Modifier};

/// A private copy of the demo record and its review.
struct Workspace(PathBuf);

impl Workspace {
    fn new() -> Self {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("hotwash-tui-config-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        for name in ["demo.ron", "demo.review.ron"] {
            std::fs::copy(Path::new("tests/fixtures/tui").join(name), dir.join(name))
                .expect("copy fixture");
        }
        Workspace(dir)
    }

    fn saved_review(&self) -> hotwash::model::Review {
        let text = std::fs::read_to_string(self.0.join("demo.review.ron")).expect("review");
        hotwash::load::parse(&text).expect("the saved review parses")
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn config(text: &str) -> Config {
    let loaded = from_text(Path::new("config.ron"), text.to_string());
    assert!(loaded.report.is_none(), "{:?}", loaded.report);
    loaded.config
}

/// The library with the demo record, configured by `config`.
fn app(width: u16, height: u16, config: &Config) -> (Workspace, App) {
    let ws = Workspace::new();
    let mut app = App::new(width, height);
    app.reviewer = "test analyst".into();
    app.configure(config);
    let entry = load_entry(ws.0.join("demo.ron"), &LoadOptions::default());
    update(&mut app, Msg::Loaded(entry));
    update(&mut app, Msg::LoadFinished);
    (ws, app)
}

fn press(app: &mut App, code: KeyCode) {
    let modifiers = match code {
        KeyCode::Char(c) if c.is_ascii_uppercase() || "?!".contains(c) => KeyModifiers::SHIFT,
        _ => KeyModifiers::NONE,
    };
    let key = Msg::Input(Event::Key(KeyEvent::new(code, modifiers)));
    dispatch(app, key, &LoadOptions::default());
}

fn keys(app: &mut App, keys: &str) {
    for c in keys.chars() {
        press(app, KeyCode::Char(c));
    }
}

fn buffer(app: &App) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(app.width, app.height)).expect("terminal");
    terminal.draw(|f| view(app, f)).expect("draw");
    terminal.backend().buffer().clone()
}

fn render(app: &App) -> String {
    let b = buffer(app);
    (0..b.area.height)
        .map(|y| {
            let row: String = (0..b.area.width).map(|x| b[(x, y)].symbol()).collect();
            row.trim_end().to_string() + "\n"
        })
        .collect()
}

fn reviewed(ws: &Workspace, event: &str) -> bool {
    ws.saved_review().mark(event).is_some_and(|m| m.reviewed)
}

const REBOUND: &str = r#"(keys: (
    review: {ToggleReviewed: ["r"], Findings: "Ctrl-F"},
    everywhere: {Help: ["H", "F1"]},
))"#;

#[test]
fn a_rebound_key_does_the_action_and_the_old_one_no_longer_does() {
    let (ws, mut app) = app(120, 40, &config(REBOUND));
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "jj"); // E2: not reviewed in the fixture
    assert!(!reviewed(&ws, "E2"));
    keys(&mut app, " ");
    assert!(!reviewed(&ws, "E2"), "Space is no longer the key");
    keys(&mut app, "r");
    assert!(reviewed(&ws, "E2"), "r marks it reviewed");
    keys(&mut app, "?");
    assert!(app.overlay.is_none(), "? no longer opens the help");
    keys(&mut app, "H");
    assert!(matches!(app.overlay, Some(Overlay::Help)));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::F(1));
    assert!(matches!(app.overlay, Some(Overlay::Help)));
}

#[test]
fn the_help_and_the_hints_show_the_keys_in_force() {
    let (_ws, mut app) = app(120, 40, &config(REBOUND));
    press(&mut app, KeyCode::Enter);
    let screen = render(&app);
    let bar = screen.lines().nth(38).unwrap_or_default().to_string();
    assert!(bar.contains("H help"), "{bar}");
    assert!(bar.contains("r reviewed"), "{bar}");
    assert!(
        !bar.contains("Space reviewed") && !bar.contains("? help"),
        "{bar}"
    );
    keys(&mut app, "H");
    insta::assert_snapshot!(render(&app));
}

#[test]
fn the_theme_colours_the_banners_the_selection_and_the_effects() {
    let (_ws, mut app) = app(
        120,
        40,
        &config(r#"(theme: (name: HighContrast, selection: (fg: "Black", bg: "LightCyan")))"#),
    );
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "j"); // E1: SC-8 fails here
    let hc = Theme::HIGH_CONTRAST;
    let b = buffer(&app);
    // The top banner: NATO RESTRICTED.
    let banner = hc.banner_colours(Level::Restricted);
    assert_eq!((b[(1, 0)].fg, b[(1, 0)].bg), (banner.fg, banner.bg));
    // The selected timeline row (the second, under the banner and the
    // pane's border), in the selection's colours.
    let Screen::Review(r) = &app.screen else {
        panic!("the review");
    };
    let row = 2 + u16::try_from(r.selected).expect("a small row");
    assert_eq!(b[(2, row)].bg, Color::LightCyan, "{:?}", b[(2, row)]);
    // The failed control's state in the Controls pane, in the failure colour.
    let glyph = (0..b.area.width)
        .flat_map(|x| (0..b.area.height).map(move |y| (x, y)))
        .find(|&(x, y)| {
            b[(x, y)].symbol() == "✗" && b[(x, y)].modifier.contains(Modifier::REVERSED)
        });
    let (x, y) = glyph.expect("a failed control HERE");
    assert_eq!(b[(x, y)].fg, Color::LightRed);

    // NO_COLOR wins over any theme: no colour is left, emphasis is.
    app.no_color = true;
    let b = buffer(&app);
    assert!(
        b.content
            .iter()
            .all(|c| c.fg == Color::Reset && c.bg == Color::Reset)
    );
    assert!(
        b[(1, 0)].modifier.contains(Modifier::REVERSED),
        "the banner"
    );
    assert!(
        b[(2, row)].modifier.contains(Modifier::REVERSED),
        "the selection"
    );
}

#[test]
fn a_broken_configuration_opens_the_workbench_with_the_defaults_and_says_why() {
    let loaded = from_text(
        Path::new("/home/a/.config/hotwash/config.ron"),
        "(\n  keys: (review: {Export: \"j\"}),\n)\n".to_string(),
    );
    let report = loaded.report.expect("a clash");
    assert_eq!(loaded.config, Config::default());
    let (_ws, mut app) = app(120, 40, &loaded.config);
    config_failed(&mut app, report);
    update(&mut app, Msg::Said(String::new())); // any message: the overlay settles
    let screen = render(&app);
    assert!(
        screen.contains("Diagnostics: /home/a/.config/hotwash/config.ron"),
        "{screen}"
    );
    assert!(screen.contains("config.ron:2:27"), "{screen}");
    assert!(
        screen.contains("is bound to both Down and Export"),
        "{screen}"
    );
    // The defaults are in force: Esc closes, Enter opens, j moves.
    press(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.screen, Screen::Review(_)));
    keys(&mut app, "j");
    let Screen::Review(r) = &app.screen else {
        panic!("the review");
    };
    assert_eq!(r.selected, 1, "j moves down, as by default");
}

#[test]
fn the_configured_zone_and_export_folder_are_where_a_review_starts() {
    let (_ws, mut app) = app(
        120,
        40,
        &config(r#"(zone: Event, export_folder: "/srv/reports")"#),
    );
    press(&mut app, KeyCode::Enter);
    let Screen::Review(r) = &app.screen else {
        panic!("the review");
    };
    assert_eq!(r.zone, hotwash::model::time::ZoneChoice::Event);
    keys(&mut app, "x");
    let Some(Overlay::Export(form)) = &app.overlay else {
        panic!("the export form");
    };
    assert_eq!(form.folder, "/srv/reports");
    assert!(
        render(&app).contains("/srv/reports/demo-hotel-call.md"),
        "{}",
        render(&app)
    );
}

#[test]
fn the_configured_paper_lays_out_the_workbenchs_html_export() {
    let ws = Workspace::new();
    let folder = ws.0.join("out");
    let text = format!(
        "(paper: Letter, export_folder: {:?})",
        folder.display().to_string()
    );
    let (_ws, mut app) = app(120, 40, &config(&text));
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "x");
    // Markdown, then HTML.
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none(), "{:?}", app.message);
    let html = std::fs::read_to_string(folder.join("demo-hotel-call.html")).expect("the export");
    assert!(
        html.contains("@page {\n  size: letter;"),
        "the configured paper"
    );
    assert!(html.contains("<svg"), "the timeline figure");
}
