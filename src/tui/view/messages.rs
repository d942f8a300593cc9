//! The message log overlay: every status message of the session in full,
//! newest first, numbered in the order they were said.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::{centered, safe};
use crate::tui::action::Action;
use crate::tui::app::App;

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let rect = centered(
        area,
        area.width.saturating_sub(4).min(110),
        area.height.saturating_sub(4),
    );
    let total = app.messages.len();
    let rows = usize::from(rect.height.saturating_sub(2));
    let scroll = app.overlay_scroll.min(total.saturating_sub(1));
    let number = Style::new().add_modifier(Modifier::BOLD);
    // Each message takes a row at least: no more than `rows` are wrapped.
    let mut lines: Vec<Line> = app
        .messages
        .iter()
        .enumerate()
        .rev()
        .skip(scroll)
        .take(rows)
        .map(|(i, m)| {
            Line::from(vec![
                Span::styled(format!("{:>4} ", i + 1), number),
                // Messages name files and quote records.
                Span::raw(safe(m)),
            ])
        })
        .collect();
    if lines.is_empty() {
        lines.push(Line::from("No messages yet."));
    }
    let footer = if total > 1 {
        format!(
            " {} of {total} · {} close ",
            scroll + 1,
            super::overlays::scroll_and_close(app, Action::Messages)
        )
    } else {
        format!(
            " {} close ",
            super::overlays::close_keys(app, Action::Messages)
        )
    };
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::bordered()
                .title(" Messages, newest first ")
                .title_bottom(Line::from(footer).alignment(Alignment::Right)),
        ),
        rect,
    );
}
