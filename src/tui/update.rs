//! `update`: how the state answers each message. No I/O and no clock here;
//! anything that needs the outside world is returned as an [`Effect`].

use std::path::PathBuf;
use std::sync::Arc;

use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::{Position, Rect};

use super::action::{Action, Context, action_for};
use super::app::{
    App, Entry, EntryState, Input, InputPurpose, Loading, Overlay, Pane, ReviewScreen, Rows,
    Screen, Search, inner_height, library_areas, library_offset, library_rows, review_areas,
};

/// Something that happened.
#[derive(Debug)]
pub enum Msg {
    Input(Event),
    /// The loader started on a file (path, size in bytes).
    LoadStarted {
        path: PathBuf,
        size: u64,
        done: usize,
        total: usize,
    },
    Loaded(Entry),
    LoadFinished,
    /// The library folder could not be listed.
    LibraryFailed(String),
}

/// Something for the runtime to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Quit,
}

pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    // Anything but an unbound key or a key release changes what is shown.
    let ignored = match &msg {
        Msg::Input(Event::Key(key)) => {
            key.kind == KeyEventKind::Release
                || (app.input.is_none()
                    && action_for(key, context(app)).is_none()
                    && !(key.code == KeyCode::Char('c')
                        && key.modifiers.contains(KeyModifiers::CONTROL)))
        }
        Msg::Input(Event::FocusGained | Event::FocusLost) => true,
        _ => false,
    };
    if !ignored {
        app.dirty = true;
    }
    match msg {
        Msg::Input(Event::Key(key)) if key.kind != KeyEventKind::Release => on_key(app, key),
        Msg::Input(Event::Mouse(mouse)) => {
            on_mouse(app, mouse);
            Vec::new()
        }
        Msg::Input(Event::Resize(w, h)) => {
            app.width = w;
            app.height = h;
            keep_visible(app);
            Vec::new()
        }
        Msg::Input(_) => Vec::new(),
        Msg::LoadStarted {
            path,
            size,
            done,
            total,
        } => {
            app.library.loading = Some(Loading {
                current: Some(path),
                size,
                done,
                total,
            });
            Vec::new()
        }
        Msg::Loaded(entry) => {
            app.library.entries.push(entry);
            app.library.refilter();
            if let Some(l) = &mut app.library.loading {
                l.done += 1;
            }
            Vec::new()
        }
        Msg::LoadFinished => {
            app.library.loading = None;
            if app.open_on_load {
                app.open_on_load = false;
                if let Some(EntryState::Loaded(bundle)) =
                    app.library.entries.first().map(|e| &e.state)
                {
                    app.screen =
                        Screen::Review(Box::new(ReviewScreen::new(Arc::clone(bundle), false)));
                } else if !app.library.entries.is_empty() {
                    app.overlay = Some(Overlay::Diagnostics(0));
                }
            }
            Vec::new()
        }
        Msg::LibraryFailed(message) => {
            app.library.loading = None;
            app.library.error = Some(message);
            Vec::new()
        }
    }
}

fn context(app: &App) -> Context {
    match app.screen {
        Screen::Library => Context::Library,
        Screen::Review(_) => Context::Review,
    }
}

fn on_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
        app.quit = true;
        return vec![Effect::Quit];
    }
    if app.input.is_some() {
        on_input_key(app, key);
        return Vec::new();
    }
    app.message = None;
    let Some(action) = action_for(&key, context(app)) else {
        return Vec::new();
    };
    if action == Action::Quit {
        app.quit = true;
        return vec![Effect::Quit];
    }
    if app.overlay.is_some() {
        // Overlays take Esc, their own key and scrolling; nothing else leaks through.
        match action {
            Action::Back | Action::Open => app.overlay = None,
            Action::Help if app.overlay == Some(Overlay::Help) => app.overlay = None,
            _ => {}
        }
        return Vec::new();
    }
    if action == Action::Help {
        app.overlay = Some(Overlay::Help);
        return Vec::new();
    }
    match &mut app.screen {
        Screen::Library => library_action(app, action),
        Screen::Review(_) => review_action(app, action),
    }
    Vec::new()
}

fn on_input_key(app: &mut App, key: KeyEvent) {
    let Some(input) = &mut app.input else { return };
    match key.code {
        KeyCode::Esc => {
            let purpose = input.purpose;
            app.input = None;
            if purpose == InputPurpose::Filter {
                app.library.filter.clear();
                app.library.refilter();
            }
        }
        KeyCode::Enter => {
            let Some(input) = app.input.take() else {
                return;
            };
            match input.purpose {
                InputPurpose::Filter => {}
                InputPurpose::Search => run_search(app, input.text),
            }
        }
        KeyCode::Backspace => {
            input.text.pop();
            live_filter(app);
        }
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
            input.text.push(c);
            live_filter(app);
        }
        _ => {}
    }
}

/// The library filter follows each keystroke; it is cheap (one row per file).
fn live_filter(app: &mut App) {
    if let Some(Input {
        purpose: InputPurpose::Filter,
        text,
    }) = &app.input
    {
        app.library.filter = text.clone();
        app.library.refilter();
    }
}

fn library_action(app: &mut App, action: Action) {
    let page = library_rows(library_areas(app.area()).1).capacity;
    let lib = &mut app.library;
    let last = lib.shown.len().saturating_sub(1);
    match action {
        Action::Up => lib.selected = lib.selected.saturating_sub(1),
        Action::Down => lib.selected = (lib.selected + 1).min(last),
        Action::Top => lib.selected = 0,
        Action::Bottom => lib.selected = last,
        Action::PageUp => lib.selected = lib.selected.saturating_sub(page),
        Action::PageDown => lib.selected = (lib.selected + page).min(last),
        Action::Search => {
            app.input = Some(Input {
                purpose: InputPurpose::Filter,
                text: lib.filter.clone(),
            });
        }
        Action::Back => {
            lib.filter.clear();
            lib.refilter();
        }
        Action::Open => open_selected(app),
        _ => {}
    }
}

fn open_selected(app: &mut App) {
    let Some(&index) = app.library.shown.get(app.library.selected) else {
        return;
    };
    match &app.library.entries[index].state {
        EntryState::Loaded(bundle) => {
            app.screen = Screen::Review(Box::new(ReviewScreen::new(Arc::clone(bundle), true)));
        }
        EntryState::Failed(_) => app.overlay = Some(Overlay::Diagnostics(index)),
    }
}

fn review_action(app: &mut App, action: Action) {
    let areas = review_areas(app.area());
    let Screen::Review(r) = &mut app.screen else {
        return;
    };
    let page = inner_height(areas.timeline).max(1);
    match (action, r.focus) {
        (Action::Back, _) => {
            if r.search.take().is_some() {
                return;
            }
            if matches!(r.rows, Rows::Control { .. }) {
                clear_filter(r);
                return;
            }
            if r.from_library {
                app.screen = Screen::Library;
            }
            return;
        }
        (Action::FocusNext, _) => {
            r.focus = match r.focus {
                Pane::Timeline => Pane::Controls,
                Pane::Controls => Pane::Timeline,
            }
        }
        (Action::CycleZone, _) => r.zone = r.zone.next(),
        (Action::DetailDown | Action::DetailUp, _) => {
            let Some(i) = r.event_index() else { return };
            let lines = crate::tui::view::review::detail_lines(r, i);
            let width = usize::from(areas.detail.width.saturating_sub(2));
            let overflow = crate::tui::view::review::wrapped_height(&lines, width)
                .saturating_sub(inner_height(areas.detail));
            let current = if r.detail_event == Some(i) {
                usize::from(r.detail_scroll)
            } else {
                0
            };
            let next = if action == Action::DetailDown {
                (current + 1).min(overflow)
            } else {
                current.saturating_sub(1)
            };
            r.detail_event = Some(i);
            r.detail_scroll = u16::try_from(next).unwrap_or(u16::MAX);
        }
        (Action::Search, _) => {
            let text = r
                .search
                .as_ref()
                .map(|s| s.query.clone())
                .unwrap_or_default();
            app.input = Some(Input {
                purpose: InputPurpose::Search,
                text,
            });
        }
        (Action::Next, _) => step(r, true),
        (Action::Previous, _) => step(r, false),
        (Action::Open, Pane::Controls) => filter_by_control(r),
        (Action::Open, Pane::Timeline) => {}
        (a, Pane::Timeline) => {
            let last = r.rows.len().saturating_sub(1);
            r.selected = match a {
                Action::Up => r.selected.saturating_sub(1),
                Action::Down => (r.selected + 1).min(last),
                Action::Top => 0,
                Action::Bottom => last,
                Action::PageUp => r.selected.saturating_sub(page),
                Action::PageDown => (r.selected + page).min(last),
                _ => r.selected,
            };
        }
        (a, Pane::Controls) => {
            let last = r.bundle.record.controls.len().saturating_sub(1);
            let page = inner_height(areas.controls).max(1);
            r.control = match a {
                Action::Up => r.control.saturating_sub(1),
                Action::Down => (r.control + 1).min(last),
                Action::Top => 0,
                Action::Bottom => last,
                Action::PageUp => r.control.saturating_sub(page),
                Action::PageDown => (r.control + page).min(last),
                _ => r.control,
            };
        }
    }
    keep_visible(app);
}

/// `n`/`N`: through search matches while a search is active, otherwise
/// through events with a control failure. Both stay within a control filter.
fn step(r: &mut ReviewScreen, forward: bool) {
    let rows = r.rows.len();
    if rows == 0 {
        return;
    }
    let target = match &r.search {
        Some(search) => {
            let here = r.position().unwrap_or(0);
            let shown = |p: &&usize| r.rows.row_of(**p).is_some();
            if forward {
                search.matches.iter().filter(shown).find(|&&p| p > here)
            } else {
                search
                    .matches
                    .iter()
                    .rev()
                    .filter(shown)
                    .find(|&&p| p < here)
            }
            .and_then(|&p| r.rows.row_of(p))
        }
        None => {
            let failing = |row: &usize| {
                r.rows
                    .position(*row)
                    .is_some_and(|p| r.bundle.has_failure.get(p) == Some(&true))
            };
            if forward {
                (r.selected + 1..rows).find(failing)
            } else {
                (0..r.selected).rev().find(failing)
            }
        }
    };
    if let Some(row) = target {
        r.selected = row;
    }
}

fn run_search(app: &mut App, query: String) {
    let Screen::Review(r) = &mut app.screen else {
        return;
    };
    let needle = query.trim().to_lowercase();
    if needle.is_empty() {
        r.search = None;
        return;
    }
    let b = &r.bundle;
    let matches: Vec<usize> = (0..b.timeline.len())
        .filter(|&pos| {
            let Some(i) = b.timeline.event_at(pos) else {
                return false;
            };
            let e = &b.record.events[i];
            e.title.to_lowercase().contains(&needle)
                || e.narrative.to_lowercase().contains(&needle)
                || e.actors.iter().any(|a| {
                    a.to_lowercase().contains(&needle)
                        || b.actors.get(a).is_some_and(|&k| {
                            b.record.actors[k].name.to_lowercase().contains(&needle)
                        })
                })
        })
        .collect();
    let count = matches.len();
    // Land on the first match at or after the selection, wrapping around.
    let here = r.position().unwrap_or(0);
    let first = matches
        .iter()
        .find(|&&p| p >= here && r.rows.row_of(p).is_some())
        .or_else(|| matches.iter().find(|&&p| r.rows.row_of(p).is_some()))
        .and_then(|&p| r.rows.row_of(p));
    if let Some(row) = first {
        r.selected = row;
    }
    app.message = Some(match count {
        0 => format!("no event matches {query:?}"),
        1 => format!("1 event matches {query:?}"),
        n => format!("{n} events match {query:?}; n/N step through them, Esc ends the search"),
    });
    r.search = Some(Search { query, matches });
    keep_visible(app);
}

fn filter_by_control(r: &mut ReviewScreen) {
    let positions = r.bundle.timeline.touching(r.control);
    let keep = r.position();
    r.rows = Rows::Control {
        control: r.control,
        positions,
    };
    r.selected = keep.and_then(|p| nearest_row(&r.rows, p)).unwrap_or(0);
    r.focus = Pane::Timeline;
}

fn clear_filter(r: &mut ReviewScreen) {
    let keep = r.position();
    r.rows = Rows::All(r.bundle.timeline.len());
    r.selected = keep.unwrap_or(0);
}

/// The shown row closest to timeline position `pos` (at or after it if any).
fn nearest_row(rows: &Rows, pos: usize) -> Option<usize> {
    match rows {
        Rows::All(n) => (*n > 0).then(|| pos.min(n - 1)),
        Rows::Control { positions, .. } => {
            let i = positions.partition_point(|&p| p < pos);
            (!positions.is_empty()).then(|| i.min(positions.len() - 1))
        }
    }
}

/// Scrolls so that the selection is on screen.
fn keep_visible(app: &mut App) {
    let areas = review_areas(app.area());
    let Screen::Review(r) = &mut app.screen else {
        return;
    };
    let height = inner_height(areas.timeline).max(1);
    r.selected = r.selected.min(r.rows.len().saturating_sub(1));
    if r.selected < r.offset {
        r.offset = r.selected;
    } else if r.selected >= r.offset + height {
        r.offset = r.selected + 1 - height;
    }
    let height = inner_height(areas.controls).max(1);
    if r.control < r.control_offset {
        r.control_offset = r.control;
    } else if r.control >= r.control_offset + height {
        r.control_offset = r.control + 1 - height;
    }
}

fn row_in(area: Rect, column: u16, row: u16) -> Option<usize> {
    let inner = Rect::new(
        area.x + 1,
        area.y + 1,
        area.width.saturating_sub(2),
        area.height.saturating_sub(2),
    );
    inner
        .contains(Position::new(column, row))
        .then(|| usize::from(row - inner.y))
}

fn on_mouse(app: &mut App, mouse: MouseEvent) {
    if app.overlay.is_some() || app.input.is_some() || app.too_small() {
        return;
    }
    let (col, row) = (mouse.column, mouse.row);
    match &mut app.screen {
        Screen::Library => {
            let list = library_areas(app.area()).1;
            let lib = &mut app.library;
            let last = lib.shown.len().saturating_sub(1);
            match mouse.kind {
                MouseEventKind::Down(MouseButton::Left) => {
                    let rows = library_rows(list);
                    let offset = library_offset(lib.selected, rows.capacity);
                    if let Some(r) = row_in(list, col, row).and_then(|r| r.checked_sub(rows.header))
                        && offset + r / rows.row_height < lib.shown.len()
                    {
                        lib.selected = offset + r / rows.row_height;
                    }
                }
                MouseEventKind::ScrollDown => lib.selected = (lib.selected + 1).min(last),
                MouseEventKind::ScrollUp => lib.selected = lib.selected.saturating_sub(1),
                _ => {}
            }
        }
        Screen::Review(r) => {
            let areas = review_areas(Rect::new(0, 0, app.width, app.height));
            let in_controls = areas.controls.contains(Position::new(col, row));
            match mouse.kind {
                MouseEventKind::Down(MouseButton::Left) => {
                    if let Some(i) = row_in(areas.timeline, col, row) {
                        r.focus = Pane::Timeline;
                        if r.offset + i < r.rows.len() {
                            r.selected = r.offset + i;
                        }
                    } else if let Some(i) = row_in(areas.controls, col, row) {
                        r.focus = Pane::Controls;
                        if r.control_offset + i < r.bundle.record.controls.len() {
                            r.control = r.control_offset + i;
                        }
                    }
                }
                MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                    let down = matches!(mouse.kind, MouseEventKind::ScrollDown);
                    if in_controls {
                        let last = r.bundle.record.controls.len().saturating_sub(1);
                        r.control = if down {
                            (r.control + 1).min(last)
                        } else {
                            r.control.saturating_sub(1)
                        };
                    } else {
                        let last = r.rows.len().saturating_sub(1);
                        r.selected = if down {
                            (r.selected + 1).min(last)
                        } else {
                            r.selected.saturating_sub(1)
                        };
                    }
                }
                _ => {}
            }
            keep_visible(app);
        }
    }
}
