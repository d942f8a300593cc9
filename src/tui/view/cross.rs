//! Drawing the controls-across-incidents screen. Only the rows and columns
//! on screen are looked at: a frame costs the same for 5 records or 2,000.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::style::effect_glyph;
use super::{banner_words, safe, safe_column, safe_elide, status};
use crate::model::Effect;
use crate::stats::{Cell, EffectFilter};
use crate::tui::action::Context;
use crate::tui::app::App;
use crate::tui::cross::CrossScreen;
use crate::tui::theme::Theme;

/// Cells of an id column and of an incident column (with its gap).
const ID_W: usize = 9;
const CELL_W: usize = 10;
/// The "In" column for `n` incidents: "1905/2000" and a gap of two.
fn in_width(n: usize) -> usize {
    let digits = n.max(1).to_string().len();
    (2 * digits + 1).max(2) + 2
}

pub struct CrossAreas {
    pub title: Rect,
    pub top: Rect,
    pub table: Rect,
    pub lag: Rect,
    pub bottom: Rect,
    pub status: Rect,
}

/// The regions of the screen for a table of `incidents` columns.
pub fn areas(area: Rect, incidents: usize) -> CrossAreas {
    // The lag chart: a row per incident, up to a third of the screen.
    let lag_h = (incidents as u16 + 2).min(area.height / 3).max(3);
    // The status bar above the bottom banner, as on the review screen.
    let [title, top, table, lag, status, bottom] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(lag_h),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    CrossAreas {
        title,
        top,
        table,
        lag,
        bottom,
        status,
    }
}

/// Control rows that fit the table pane (under its header).
pub fn table_rows(table: Rect) -> usize {
    usize::from(table.height.saturating_sub(3))
}

/// The title column's width in a pane `inner` cells wide: none when narrow.
fn title_width(inner: usize) -> usize {
    if inner < 70 {
        0
    } else {
        (inner / 4).clamp(12, 32)
    }
}

/// Incident columns that fit the table pane, for `n` incidents.
pub fn table_columns(table: Rect, n: usize) -> usize {
    let inner = usize::from(table.width.saturating_sub(2));
    let title = title_width(inner);
    let fixed = ID_W + 1 + title + usize::from(title > 0) + in_width(n);
    (inner.saturating_sub(fixed) / CELL_W).max(1)
}

/// "✗2 ∅1": the effects `filter` counts, glyph and number.
fn cell_text(cell: &Cell, filter: EffectFilter) -> (String, Option<Effect>) {
    let mut text = String::new();
    let mut first = None;
    for e in Effect::ALL {
        let n = cell.tally.counts.of(e);
        if n == 0 || !filter.matches(e) {
            continue;
        }
        first.get_or_insert(e);
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(effect_glyph(e));
        text.push_str(&n.to_string());
    }
    (text, first)
}

pub fn draw(app: &App, c: &CrossScreen, frame: &mut Frame, area: Rect) {
    let a = areas(area, c.table.incidents.len());
    let folder = app
        .library
        .folder
        .as_ref()
        .map(|f| safe(&f.display().to_string()))
        .unwrap_or_default();
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(
                " hotwash ",
                Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            ),
            Span::raw(format!("  controls across incidents  {folder}")),
        ])),
        a.title,
    );
    let (words, level, tlp) = &c.marking;
    banner_words(frame, a.top, words, *level, *tlp, &app.theme);
    banner_words(frame, a.bottom, words, *level, *tlp, &app.theme);
    draw_table(c, &app.theme, frame, a.table);
    draw_lag(c, &app.theme, frame, a.lag);
    let n = c.table.incidents.len();
    let mut right = vec![(crate::wording::count(n, "incident", "incidents"), 0)];
    if c.not_counted > 0 {
        right.insert(0, (format!("{} not counted", c.not_counted), 1));
    }
    status(
        frame,
        a.status,
        &app.keymap,
        Context::Cross,
        app.message.as_deref(),
        &right,
    );
}

fn draw_table(c: &CrossScreen, theme: &Theme, frame: &mut Frame, pane: Rect) {
    let inner = usize::from(pane.width.saturating_sub(2));
    let title_w = title_width(inner);
    let n = c.table.incidents.len();
    let cols = table_columns(pane, n);
    let in_w = in_width(n);
    let shown_cols = (c.col_offset..n).take(cols);
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let mut header = vec![Span::styled(
        format!("{} ", safe_column("Control", ID_W)),
        bold,
    )];
    if title_w > 0 {
        header.push(Span::styled(
            format!("{} ", safe_column("Title", title_w)),
            bold,
        ));
    }
    header.push(Span::styled(format!("{:>w$}  ", "In", w = in_w - 2), bold));
    for i in shown_cols.clone() {
        let id = &c.table.incidents[i].id;
        let text = format!("{} ", safe_column(id, CELL_W - 1));
        header.push(if i == c.col {
            Span::styled(text, bold.patch(theme.selected()))
        } else {
            Span::styled(text, bold)
        });
    }
    let mut lines = vec![Line::from(header)];
    let rows = table_rows(pane);
    for (k, &r) in c.rows.iter().enumerate().skip(c.row_offset).take(rows) {
        let row = &c.table.rows[r];
        let is_row = k == c.row;
        let id_style = if is_row {
            bold.patch(theme.selected())
        } else {
            bold
        };
        let mut spans = vec![
            Span::styled(safe_column(&row.id, ID_W), id_style),
            Span::raw(" "),
        ];
        if title_w > 0 {
            spans.push(Span::raw(format!("{} ", safe_column(&row.title, title_w))));
        }
        spans.push(Span::raw(format!(
            "{:>w$}  ",
            format!("{}/{n}", c.incidents_with[k]),
            w = in_w - 2
        )));
        for i in shown_cols.clone() {
            let (text, first) = row
                .cell(i)
                .map(|cell| cell_text(cell, c.filter))
                .unwrap_or_default();
            let text = if text.is_empty() && row.cell(i).is_some() {
                // In the record, but not with what is counted.
                "·".to_string()
            } else {
                text
            };
            let mut style = first.map_or(Style::new(), |e| theme.effect(e));
            if is_row && i == c.col {
                style = style.patch(theme.selected());
            }
            spans.push(Span::styled(safe_column(&text, CELL_W - 1), style));
            spans.push(Span::raw(" "));
        }
        lines.push(Line::from(spans));
    }
    if c.rows.is_empty() {
        lines.push(Line::from(format!(
            "No control with {} in {}.",
            c.filter.name(),
            c.family_name()
                .map_or("any family".to_string(), |f| format!("family {}", safe(f)))
        )));
    }
    let more_cols = if c.col_offset + cols < n || c.col_offset > 0 {
        format!(
            " · incidents {}–{} of {n}",
            c.col_offset + 1,
            (c.col_offset + cols).min(n)
        )
    } else {
        String::new()
    };
    let title = format!(
        " Controls across {} · family: {} · counting: {}{more_cols} ",
        crate::wording::count(n, "incident", "incidents"),
        c.family_name().map_or("all".to_string(), safe),
        c.filter.name(),
    );
    let footer = selection_words(c);
    let block = Block::bordered()
        .title(Line::styled(safe_elide(&title, inner), bold))
        .title_bottom(Line::from(safe_elide(&footer, inner)).right_aligned());
    frame.render_widget(Paragraph::new(lines).block(block), pane);
}

/// What the selected cell holds, in words, for the table's bottom border.
fn selection_words(c: &CrossScreen) -> String {
    let (Some(row), Some(incident)) = (c.selected_row(), c.table.incidents.get(c.col)) else {
        return String::new();
    };
    match row.cell(c.col) {
        Some(cell) => {
            let words = crate::stats::render::effects_words(&cell.tally, c.filter);
            match cell.tally.first_matching(c.filter) {
                Some(first) => format!(
                    " {} in {}: {words}, first at {} · Enter opens it ",
                    row.id, incident.id, first.id
                ),
                None => format!(" {} in {}: no {} ", row.id, incident.id, c.filter.name()),
            }
        }
        None => format!(" {} is not a control of {} ", row.id, incident.id),
    }
}

fn draw_lag(c: &CrossScreen, theme: &Theme, frame: &mut Frame, pane: Rect) {
    let inner = usize::from(pane.width.saturating_sub(2));
    let rows = usize::from(pane.height.saturating_sub(2));
    let n = c.table.incidents.len();
    // The selected incident stays in view.
    let offset = c
        .col
        .saturating_sub(rows.saturating_sub(1))
        .min(n.saturating_sub(rows));
    let id_w = 20.min(inner / 3);
    let label_w = 14;
    let bar_w = inner.saturating_sub(2 + id_w + 1 + 1 + label_w);
    let longest = c.longest_lag.max(1);
    let mut lines = Vec::with_capacity(rows);
    for (i, incident) in c.table.incidents.iter().enumerate().skip(offset).take(rows) {
        let mark = if i == c.col { "▸ " } else { "  " };
        let (bar, label) = match &incident.lag {
            Some(l) => {
                let mid = l.mid_days().max(0);
                // Rounded up: a lag of a day still gets a cell.
                let cells = ((mid as u128 * bar_w as u128).div_ceil(longest as u128)) as usize;
                ("█".repeat(cells.min(bar_w)), l.words())
            }
            None => (
                String::new(),
                crate::stats::render::lag_missing(incident).to_string(),
            ),
        };
        let id = safe_column(&incident.id, id_w);
        let style = if i == c.col {
            theme.selected()
        } else {
            Style::new()
        };
        lines.push(Line::from(vec![
            Span::raw(mark),
            Span::styled(id, style),
            Span::raw(" "),
            Span::raw(format!("{bar:<bar_w$}")),
            Span::raw(" "),
            Span::raw(label),
        ]));
    }
    let block = Block::bordered().title(" Detection lag: first failure → became known ");
    frame.render_widget(Paragraph::new(lines).block(block), pane);
}
