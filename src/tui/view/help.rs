//! The help overlay, generated from the keymap.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::centered;
use super::style::effect_glyph;
use crate::model::Effect;
use crate::tui::action::{Action, Context, bindings};
use crate::tui::app::{App, Screen};

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let context = match app.screen {
        Screen::Library => Context::Library,
        Screen::Review(_) => Context::Review,
    };
    // Group the keys of each action on one line, in keymap order.
    let mut rows: Vec<(Action, Vec<&str>)> = Vec::new();
    for b in bindings(context) {
        match rows.iter_mut().find(|(a, _)| *a == b.action) {
            Some((_, keys)) => keys.push(b.label),
            None => rows.push((b.action, vec![b.label])),
        }
    }
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let mut lines: Vec<Line> = rows
        .iter()
        .map(|(action, keys)| {
            Line::from(vec![
                Span::styled(format!("{:<14}", keys.join(" ")), bold),
                Span::raw(action.describe()),
            ])
        })
        .collect();
    if context == Context::Review {
        lines.push(Line::from(""));
        let legend: Vec<Span> = Effect::ALL
            .iter()
            .flat_map(|e| {
                [
                    Span::styled(effect_glyph(*e), bold),
                    Span::raw(format!(" {}  ", e.name())),
                ]
            })
            .collect();
        lines.push(Line::from(legend));
        lines.push(Line::from(
            "· not yet involved   reversed: engaged at the selected event",
        ));
        lines.push(Line::from(
            "n/N follow the search while one is active; Esc ends it.",
        ));
    }
    let height = lines.len() as u16 + 2;
    let rect = centered(area, 90, height);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .title(" Help ")
                .title_bottom(Line::from(" ? or Esc to close ").alignment(Alignment::Right)),
        ),
        rect,
    );
}
