//! The mouse: a click selects the row under the pointer, the wheel scrolls
//! the pane under it. In a list (library, Timeline, Controls, Findings) the
//! wheel moves the selection a row; over text (the detail, the selected
//! finding's text) it scrolls the text [`WHEEL_ROWS`] rows, as terminals
//! scroll their own history.

use ratatui::crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

use super::app::{App, Pane, ReviewScreen, Screen, library_areas, library_offset, library_rows};
use super::finding_text;

/// Rows of text one notch of the wheel scrolls.
pub const WHEEL_ROWS: isize = 3;

/// The row of `area`'s inside (within its border) at `column`, `row`.
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

/// Where on the review screen the pointer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Spot {
    Timeline,
    Controls,
    Detail,
    FindingList,
    FindingText,
    Elsewhere,
}

/// The pane at `column`, `row`, and the row inside it (when inside its border).
fn spot(r: &ReviewScreen, screen: Rect, column: u16, row: u16) -> (Spot, Option<usize>) {
    let areas = r.areas(screen);
    let at = Position::new(column, row);
    let mut panes = vec![
        (Spot::Timeline, areas.timeline),
        (Spot::Controls, areas.controls),
    ];
    if r.findings_open {
        let [list, text] = finding_text::split(areas.detail);
        panes.extend([(Spot::FindingList, list), (Spot::FindingText, text)]);
    } else {
        panes.push((Spot::Detail, areas.detail));
    }
    panes
        .into_iter()
        .find(|(_, area)| area.contains(at))
        .map_or((Spot::Elsewhere, None), |(spot, area)| {
            (spot, row_in(area, column, row))
        })
}

/// Answers a mouse event. Overlays and text input take no mouse.
pub fn on_mouse(app: &mut App, mouse: MouseEvent) {
    if app.overlay.is_some() || app.input.is_some() || app.too_small() {
        return;
    }
    let screen = app.area();
    match &mut app.screen {
        Screen::Library => library(app, mouse),
        Screen::Review(r) => review(r, screen, mouse),
        // Keys only: the table is read with j/k and h/l.
        Screen::Cross(_) => {}
    }
}

fn library(app: &mut App, mouse: MouseEvent) {
    let list = library_areas(app.area()).1;
    let lib = &mut app.library;
    let last = lib.shown.len().saturating_sub(1);
    match mouse.kind {
        MouseEventKind::Down(MouseButton::Left) => {
            let rows = library_rows(list);
            let offset = library_offset(lib.selected, rows.capacity);
            if let Some(r) =
                row_in(list, mouse.column, mouse.row).and_then(|r| r.checked_sub(rows.header))
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

/// One step of `index` within `0..len`, down or up.
fn step(index: usize, len: usize, down: bool) -> usize {
    if down {
        (index + 1).min(len.saturating_sub(1))
    } else {
        index.saturating_sub(1)
    }
}

fn review(r: &mut ReviewScreen, screen: Rect, mouse: MouseEvent) {
    let (spot, row) = spot(r, screen, mouse.column, mouse.row);
    let areas = r.areas(screen);
    match mouse.kind {
        MouseEventKind::Down(MouseButton::Left) => {
            let Some(i) = row else { return };
            match spot {
                Spot::Timeline => {
                    r.focus = Pane::Timeline;
                    if r.offset + i < r.rows.len() {
                        r.selected = r.offset + i;
                    }
                }
                Spot::Controls => {
                    r.focus = Pane::Controls;
                    if r.control_offset + i < r.bundle.record.controls.len() {
                        r.control = r.control_offset + i;
                    }
                }
                Spot::FindingList => {
                    r.focus = Pane::Findings;
                    // Two rows a finding.
                    let k = r.finding_offset + i / 2;
                    if k < r.state.review.findings.len() {
                        r.finding = k;
                    }
                }
                Spot::Detail | Spot::FindingText | Spot::Elsewhere => {}
            }
        }
        MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
            let down = mouse.kind == MouseEventKind::ScrollDown;
            let rows = if down { WHEEL_ROWS } else { -WHEEL_ROWS };
            match spot {
                Spot::Timeline => r.selected = step(r.selected, r.rows.len(), down),
                Spot::Controls => r.control = step(r.control, r.bundle.record.controls.len(), down),
                Spot::FindingList => {
                    r.finding = step(r.finding, r.state.review.findings.len(), down)
                }
                Spot::Detail => r.scroll_detail(areas.detail, rows),
                Spot::FindingText => r.scroll_finding(areas.detail, rows),
                Spot::Elsewhere => {}
            }
        }
        _ => {}
    }
}
