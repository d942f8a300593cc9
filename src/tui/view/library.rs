//! The library screen: one row per record.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table};

use super::{hint_spans, status, style};
use crate::tui::action::Context;
use crate::tui::app::{App, EntryState, InputPurpose, inner_height, library_areas, library_offset};

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let (title, list, bar) = library_areas(area);
    let lib = &app.library;
    let folder = lib
        .folder
        .as_ref()
        .map(|f| f.display().to_string())
        .unwrap_or_default();
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(
                " hotwash ",
                Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            ),
            Span::raw(format!("  incident library  {folder}")),
        ])),
        title,
    );

    let header = Row::new([
        "Record",
        "Period",
        "Classification",
        "TLP",
        "Events",
        "Failed",
        "Reviewed",
    ])
    .style(Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED));
    // Only the rows that fit are built.
    let height = inner_height(list).saturating_sub(1).max(1);
    let offset = library_offset(lib.selected, height);
    let rows: Vec<Row> = lib
        .shown
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(n, &i)| {
            let e = &lib.entries[i];
            let row = match &e.state {
                EntryState::Loaded(b) => {
                    let r = &b.record;
                    Row::new(vec![
                        Cell::from(r.title.clone()),
                        Cell::from(b.period.clone()),
                        Cell::from(r.classification.banner())
                            .style(style::banner_style(r.classification.level)),
                        Cell::from(r.tlp.label()).style(style::tlp_style(r.tlp)),
                        Cell::from(r.events.len().to_string()),
                        Cell::from(b.failed_controls.to_string()),
                        Cell::from(format!("{}/{}", b.reviewed, r.events.len())),
                    ])
                }
                EntryState::Failed(report) => {
                    let name = e
                        .path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    let first = report
                        .first_error()
                        .map(|d| match d.start {
                            Some(at) => format!("{at}: {}", d.message),
                            None => d.message.clone(),
                        })
                        .unwrap_or_default();
                    Row::new(vec![
                        Cell::from(format!("✗ {name}: {first}")),
                        Cell::from("invalid: Enter shows why"),
                    ])
                    .style(Style::new().add_modifier(Modifier::BOLD))
                }
            };
            if n == lib.selected {
                row.style(style::selected())
            } else {
                row
            }
        })
        .collect();
    let mut block = Block::bordered().title(format!(" Records ({}) ", lib.shown.len()));
    if !lib.filter.is_empty() {
        block = block.title_bottom(format!(" filter: {} ", lib.filter));
    }
    let table = Table::new(
        rows,
        [
            Constraint::Fill(3),
            Constraint::Length(25),
            Constraint::Length(14),
            Constraint::Length(16),
            Constraint::Length(6),
            Constraint::Length(6),
            Constraint::Length(8),
        ],
    )
    .header(header)
    .block(block);
    frame.render_widget(table, list);

    if let Some(loading) = &lib.loading {
        let name = loading
            .current
            .as_ref()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned());
        let text = format!(
            " Loading {} ({:.1} MB) — {} of {} records ",
            name.unwrap_or_default(),
            loading.size as f64 / 1_048_576.0,
            loading.done + 1,
            loading.total
        );
        let rect = super::centered(list, text.chars().count() as u16 + 2, 3);
        frame.render_widget(ratatui::widgets::Clear, rect);
        frame.render_widget(Paragraph::new(text).block(Block::bordered()), rect);
    } else if let Some(error) = &lib.error {
        let rect = super::centered(list, list.width.saturating_sub(4), 4);
        frame.render_widget(ratatui::widgets::Clear, rect);
        frame.render_widget(
            Paragraph::new(error.clone())
                .wrap(ratatui::widgets::Wrap { trim: true })
                .block(Block::bordered()),
            rect,
        );
    }

    match &app.input {
        Some(input) if input.purpose == InputPurpose::Filter => {
            frame.render_widget(Paragraph::new(format!("/{}▏", input.text)), bar);
        }
        _ => status(
            frame,
            bar,
            hint_spans(Context::Library),
            format!("{} records", lib.entries.len()),
        ),
    }
}
