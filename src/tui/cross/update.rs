//! Keys of the controls-across-incidents screen.

use super::CrossScreen;
use crate::tui::action::Action;
use crate::tui::app::{App, Screen};

/// Rows and columns of the table that fit in the terminal, for paging and
/// for keeping the selection on screen (the view lays them out the same way).
pub fn visible(app: &App) -> (usize, usize) {
    let areas = crate::tui::view::cross::areas(app.area(), app_incidents(app));
    (
        crate::tui::view::cross::table_rows(areas.table),
        crate::tui::view::cross::table_columns(areas.table, app_incidents(app)),
    )
}

fn app_incidents(app: &App) -> usize {
    match &app.screen {
        Screen::Cross(c) => c.table.incidents.len(),
        _ => 0,
    }
}

/// Opens the view over the library's records.
pub fn open(app: &mut App) {
    let screen = CrossScreen::new(&app.library);
    if screen.table.incidents.is_empty() {
        app.message = Some("no record of the library has loaded yet: nothing to tally".into());
        return;
    }
    app.screen = Screen::Cross(Box::new(screen));
    keep_visible(app);
}

/// What the key asks for; `Some(incident entry, event index, control id)`
/// when the analyst drills into a cell.
pub fn action(app: &mut App, action: Action) -> Option<(usize, usize, String)> {
    let (page_rows, _) = visible(app);
    let Screen::Cross(c) = &mut app.screen else {
        return None;
    };
    let last_row = c.rows.len().saturating_sub(1);
    let last_col = c.table.incidents.len().saturating_sub(1);
    let mut message = None;
    let mut open = None;
    match action {
        Action::Up => c.row = c.row.saturating_sub(1),
        Action::Down => c.row = (c.row + 1).min(last_row),
        Action::Top => c.row = 0,
        Action::Bottom => c.row = last_row,
        Action::PageUp => c.row = c.row.saturating_sub(page_rows.max(1)),
        Action::PageDown => c.row = (c.row + page_rows.max(1)).min(last_row),
        Action::Left => c.col = c.col.saturating_sub(1),
        Action::Right => c.col = (c.col + 1).min(last_col),
        Action::FamilyFilter => {
            c.family = match c.family {
                None if !c.families.is_empty() => Some(0),
                Some(f) if f + 1 < c.families.len() => Some(f + 1),
                _ => None,
            };
            c.refilter();
            message = Some(format!(
                "family: {}",
                c.family_name().unwrap_or("all (f shows one)")
            ));
        }
        Action::EffectFilter => {
            c.filter = c.filter.next();
            c.refilter();
            message = Some(format!("counting: {}", c.filter.name()));
        }
        Action::Open => match (c.selected_row(), c.selected_cell()) {
            (Some(row), Some(cell)) => match cell.tally.first_matching(c.filter) {
                Some(first) => {
                    open = Some((c.entries[c.col], first.index as usize, row.id.to_string()));
                }
                None => {
                    message = Some(format!(
                        "{} has no {} in {}",
                        row.id,
                        c.filter.name(),
                        c.table.incidents[c.col].id
                    ))
                }
            },
            (Some(row), None) => {
                message = Some(format!(
                    "{} is not a control of {}",
                    row.id,
                    c.table
                        .incidents
                        .get(c.col)
                        .map_or("this incident", |i| i.id.as_str())
                ))
            }
            (None, _) => message = Some("no control matches the filters".into()),
        },
        _ => {}
    }
    if message.is_some() {
        app.message = message;
    }
    keep_visible(app);
    open
}

/// Scrolls so that the selected row and column are on screen.
pub fn keep_visible(app: &mut App) {
    let (rows, cols) = visible(app);
    let Screen::Cross(c) = &mut app.screen else {
        return;
    };
    let fit = |selected: usize, offset: &mut usize, n: usize| {
        let n = n.max(1);
        if selected < *offset {
            *offset = selected;
        } else if selected >= *offset + n {
            *offset = selected + 1 - n;
        }
    };
    fit(c.row, &mut c.row_offset, rows);
    fit(c.col, &mut c.col_offset, cols);
}
