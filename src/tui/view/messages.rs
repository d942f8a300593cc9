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
    let block_inner = Block::bordered().inner(rect);
    // The number stands in its own column and a long message wraps beside
    // it, so that where each message starts stays plain to see.
    let text_x = block_inner.x.saturating_add(NUMBER_W);
    let text_w = block_inner.width.saturating_sub(NUMBER_W);
    let bottom = block_inner.bottom();
    let mut y = block_inner.y;
    let mut drawn = Vec::new();
    // Each message takes a row at least: no more than `rows` are wrapped.
    for (i, m) in app
        .messages
        .iter()
        .enumerate()
        .rev()
        .skip(scroll)
        .take(rows)
    {
        if y >= bottom {
            break;
        }
        // Messages name files and quote records.
        let text = Paragraph::new(safe(m)).wrap(Wrap { trim: false });
        let h = u16::try_from(text.line_count(text_w.max(1)))
            .unwrap_or(u16::MAX)
            .min(bottom - y);
        drawn.push((
            Rect::new(block_inner.x, y, NUMBER_W.min(block_inner.width), 1),
            Paragraph::new(Span::styled(format!("{:>4} ", i + 1), number)),
            Rect::new(text_x, y, text_w, h),
            text,
        ));
        y += h;
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
        Block::bordered()
            .title(" Messages, newest first ")
            .title_bottom(Line::from(footer).alignment(Alignment::Right)),
        rect,
    );
    if drawn.is_empty() {
        frame.render_widget(Paragraph::new("No messages yet."), block_inner);
    }
    for (number_area, number, text_area, text) in drawn {
        frame.render_widget(number, number_area);
        frame.render_widget(text, text_area);
    }
}

/// Cells of the message number column: four digits and a space.
const NUMBER_W: u16 = 5;
