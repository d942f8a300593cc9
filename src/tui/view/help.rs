//! The help overlay, generated from the keymap in force.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::centered;
use super::style::effect_glyph;
use crate::model::Effect;
use crate::tui::action::{Action, Context, Keymap};
use crate::tui::app::App;

/// The help's lines for `context`: one per action, or per pair of actions
/// that share a hint (previous/next, first/last...), then the legend.
pub(crate) fn lines(keymap: &Keymap, context: Context) -> Vec<Line<'static>> {
    let mut rows: Vec<(&'static str, Vec<Action>, Vec<String>)> = Vec::new();
    for b in keymap.bindings(context) {
        let hint = b.action.hint();
        match rows.iter_mut().find(|(h, _, _)| *h == hint) {
            Some((_, actions, keys)) => {
                if !actions.contains(&b.action) {
                    actions.push(b.action);
                }
                keys.push(b.key.label());
            }
            None => rows.push((hint, vec![b.action], vec![b.key.label()])),
        }
    }
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let mut lines: Vec<Line> = rows
        .into_iter()
        .map(|(_, actions, keys)| {
            let text = match actions.as_slice() {
                // Enter and Esc do other things in the view across incidents.
                [Action::Open] if context == Context::Cross => {
                    "open the incident at the first event the cell counts".to_string()
                }
                [Action::Back] if context == Context::Cross => {
                    "close an overlay, or go back to the library".to_string()
                }
                [one] => one.describe().to_string(),
                [first, ..] => pair_text(*first).to_string(),
                [] => String::new(),
            };
            Line::from(vec![
                Span::styled(pad(&keys.join(" "), 16), bold),
                Span::raw(text),
            ])
        })
        .collect();
    if context == Context::Cross {
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
            "A cell counts the incident's events by effect; · in the record, not counted.",
        ));
    }
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
            "● reviewed   ⚑ flagged   ⊖ left out of the report",
        ));
        let step = keymap.labels(&[Action::Next, Action::Previous], context);
        let back = keymap.labels(&[Action::Back], context);
        if !step.is_empty() {
            let ends = if back.is_empty() {
                String::new()
            } else {
                format!("; {back} ends it")
            };
            lines.push(Line::from(format!(
                "{step} follow the search while one is active{ends}."
            )));
        }
        lines.push(Line::from(
            "The mouse wheel scrolls the pane under the pointer.",
        ));
    }
    lines
}

/// `keys` padded with spaces to `w` cells (at least one space after it).
fn pad(keys: &str, w: usize) -> String {
    let gap = w.saturating_sub(super::width(keys)).max(1);
    format!("{keys}{}", " ".repeat(gap))
}

/// One description for a pair of opposite actions.
fn pair_text(first: Action) -> &'static str {
    match first {
        Action::Up | Action::Down => "previous / next row",
        Action::Top | Action::Bottom => "first / last row",
        Action::PageUp | Action::PageDown => "page up / down in the focused list",
        Action::Next | Action::Previous => {
            "next / previous search match, else event with a failed control"
        }
        Action::DetailDown | Action::DetailUp => "scroll the detail or the finding's text a row",
        Action::DetailPageDown | Action::DetailPageUp => {
            "scroll the detail or the finding's text half a pane"
        }
        Action::Left | Action::Right => "previous / next incident",
        other => other.describe(),
    }
}

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let context = app.context();
    let lines = lines(&app.keymap, context);
    let height = (lines.len() as u16 + 2).min(area.height);
    let rect = centered(area, 100, height);
    let visible = usize::from(rect.height.saturating_sub(2));
    let scroll = app.help_scroll.min(lines.len().saturating_sub(visible));
    let keys = &app.keymap;
    let close = [Action::Help, Action::Back]
        .iter()
        .filter_map(|&a| keys.label(a, context))
        .collect::<Vec<_>>()
        .join(" or ");
    let scroll_keys = keys.labels(&[Action::Down, Action::Up], context);
    let footer = if lines.len() > visible && !scroll_keys.is_empty() {
        format!(" {scroll_keys} scroll · {close} to close ")
    } else {
        format!(" {close} to close ")
    };
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0))
            .block(
                Block::bordered()
                    .title(" Help ")
                    .title_bottom(Line::from(footer).alignment(Alignment::Right)),
            ),
        rect,
    );
}
