//! `NO_COLOR`: every state colour shows is shown by reverse video, bold or
//! a glyph too. The screen is drawn through the real terminal back end
//! (crossterm, writing into memory, with its colour switch off as
//! `NO_COLOR` sets it), and the bytes are played back on a small model of a
//! terminal that keeps, for every cell, its character and whether it is
//! bold and reversed. In a file of its own: crossterm's switch is global.

use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use hotwash::load::LoadOptions;
use hotwash::tui::app::{App, Screen, load_entry};
use hotwash::tui::runtime::dispatch;
use hotwash::tui::update::{Msg, update};
use hotwash::tui::view::view;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::crossterm::style::Colored;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Look {
    bold: bool,
    reversed: bool,
    coloured: bool,
}

#[derive(Debug, Clone)]
struct Screenful {
    width: usize,
    cells: Vec<(String, Look)>,
}

impl Screenful {
    fn at(&self, x: u16, y: u16) -> &(String, Look) {
        &self.cells[usize::from(y) * self.width + usize::from(x)]
    }

    fn row(&self, y: u16) -> String {
        (0..self.width as u16)
            .map(|x| self.at(x, y).0.as_str())
            .collect()
    }
}

/// Plays back what the back end wrote: cursor moves, SGR attributes
/// (0 or none resets all, as a terminal does) and printed characters.
fn play(bytes: &[u8], width: u16, height: u16) -> Screenful {
    let text = String::from_utf8_lossy(bytes);
    let mut screen = Screenful {
        width: usize::from(width),
        cells: vec![(" ".to_string(), Look::default()); usize::from(width) * usize::from(height)],
    };
    let (mut x, mut y) = (0usize, 0usize);
    let mut look = Look::default();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.peek() != Some(&'[') {
                chars.next();
                continue;
            }
            chars.next();
            let mut params = String::new();
            let mut last = ' ';
            for d in chars.by_ref() {
                if ('\u{40}'..='\u{7e}').contains(&d) {
                    last = d;
                    break;
                }
                params.push(d);
            }
            match last {
                'H' => {
                    let mut p = params.split(';').map(|n| n.parse::<usize>().unwrap_or(1));
                    y = p.next().unwrap_or(1).saturating_sub(1);
                    x = p.next().unwrap_or(1).saturating_sub(1);
                }
                'm' => {
                    let codes: Vec<&str> = params.split(';').collect();
                    let mut k = 0;
                    while k < codes.len() {
                        match codes[k] {
                            "" | "0" => look = Look::default(),
                            "1" => look.bold = true,
                            "22" => look.bold = false,
                            "7" => look.reversed = true,
                            "27" => look.reversed = false,
                            "39" | "49" => {}
                            "38" | "48" => {
                                look.coloured = true;
                                // 5;n or 2;r;g;b
                                k += if codes.get(k + 1) == Some(&"5") { 2 } else { 4 };
                            }
                            n if n.parse::<u8>().is_ok_and(|n| (30..=47).contains(&n)) => {
                                look.coloured = true
                            }
                            _ => {}
                        }
                        k += 1;
                    }
                }
                _ => {}
            }
            continue;
        }
        if y < usize::from(height) && x < usize::from(width) {
            screen.cells[y * usize::from(width) + x] = (c.to_string(), look);
        }
        x += 1;
    }
    screen
}

/// A scratch folder, removed however the test ends.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The Taurus record open at 120×40, as the runtime would have it.
fn taurus() -> (Scratch, App) {
    let dir = std::env::temp_dir().join(format!("hotwash-no-color-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    let record = dir.join("taurus.ron");
    std::fs::copy("incidents/taurus-webex-2024.ron", &record).expect("copy the record");
    let mut app = App::new(120, 40);
    app.no_color = true;
    update(
        &mut app,
        Msg::Loaded(load_entry(record, &LoadOptions::default())),
    );
    update(&mut app, Msg::LoadFinished);
    press(&mut app, KeyCode::Enter);
    (Scratch(dir), app)
}

fn press(app: &mut App, code: KeyCode) {
    dispatch(
        app,
        Msg::Input(Event::Key(KeyEvent::new(code, KeyModifiers::NONE))),
        &LoadOptions::default(),
    );
}

/// What the back end writes, kept to be read after the draw.
#[derive(Clone, Default)]
struct Written(Arc<Mutex<Vec<u8>>>);

impl Write for Written {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("not poisoned").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn draw(app: &App) -> Screenful {
    let area = Rect::new(0, 0, app.width, app.height);
    let written = Written::default();
    let backend = CrosstermBackend::new(written.clone());
    let mut terminal = Terminal::with_options(
        backend,
        TerminalOptions {
            viewport: Viewport::Fixed(area),
        },
    )
    .expect("terminal");
    terminal.draw(|f| view(app, f)).expect("draw");
    let bytes = written.0.lock().expect("not poisoned").clone();
    play(&bytes, app.width, app.height)
}

#[test]
fn without_colour_the_banner_here_states_and_selection_keep_their_emphasis() {
    // What crossterm does when NO_COLOR is set.
    Colored::set_ansi_color_disabled(true);
    let (_dir, mut app) = taurus();
    // The first event with a failure, and the Controls pane focused.
    press(&mut app, KeyCode::Char('n'));
    press(&mut app, KeyCode::Tab);
    let screen = draw(&app);
    let Screen::Review(r) = &app.screen else {
        panic!("the review screen");
    };
    let areas = r.areas(app.area());

    for banner in [areas.banner_top, areas.banner_bottom] {
        for x in banner.x..banner.x + banner.width {
            let (c, look) = screen.at(x, banner.y);
            assert!(
                look.reversed && look.bold && !look.coloured,
                "banner cell {x} {c:?}: {look:?} in {:?}",
                screen.row(banner.y)
            );
        }
    }

    let controls = areas.controls;
    let mut here = 0;
    for row in 0..r
        .bundle
        .record
        .controls
        .len()
        .min(usize::from(controls.height - 2))
    {
        let y = controls.y + 1 + row as u16;
        let text = screen.row(y);
        let inner = controls.x + 1..controls.x + controls.width - 1;
        if row == r.control - r.control_offset {
            for x in inner.clone() {
                let (c, look) = screen.at(x, y);
                assert!(look.reversed, "selected control, cell {x} {c:?}: {text}");
            }
        } else if text.contains("HERE") {
            here += 1;
            let start = inner
                .clone()
                .find(|&x| {
                    screen.at(x, y).0 == "H"
                        && screen.at(x + 1, y).0 == "E"
                        && screen.at(x + 2, y).0 == "R"
                })
                .expect("HERE is on the row");
            for x in start..start + 4 {
                let (c, look) = screen.at(x, y);
                assert!(
                    look.reversed && look.bold,
                    "HERE cell {c:?}: {look:?} in {text}"
                );
            }
            let (_, glyph) = screen.at(controls.x + 1, y);
            assert!(glyph.reversed, "the HERE glyph is reversed too: {text}");
        }
    }
    assert!(here > 0, "a control is engaged at this event");

    // The selected event's row, across the pane.
    let timeline = areas.timeline;
    let y = timeline.y + 1 + (r.selected - r.offset) as u16;
    for x in timeline.x + 1..timeline.x + timeline.width - 1 {
        let (c, look) = screen.at(x, y);
        assert!(
            look.reversed,
            "selected event, cell {x} {c:?}: {}",
            screen.row(y)
        );
    }
    for y in 0..app.height {
        for x in 0..app.width {
            assert!(!screen.at(x, y).1.coloured, "no colour at {x},{y}");
        }
    }
}
