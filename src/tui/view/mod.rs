//! `view`: draws the state. Pure: it reads the state, never changes it, and
//! reads no clock.

mod findings;
pub(crate) mod help;
mod library;
mod overlays;
pub(crate) mod review;
pub mod style;

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::app::{App, EntryState, MIN_HEIGHT, MIN_WIDTH, Overlay, Screen};
use crate::model::{Classification, Tlp};

pub fn view(app: &App, frame: &mut Frame) {
    let area = frame.area();
    if app.too_small() {
        let text = vec![
            Line::from("The terminal is too small."),
            Line::from(format!(
                "hotwash needs {MIN_WIDTH}×{MIN_HEIGHT}; this is {}×{}.",
                area.width, area.height
            )),
            Line::from("Enlarge the window, or press q to quit."),
        ];
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
        return;
    }
    match &app.screen {
        Screen::Library => library::draw(app, frame, area),
        Screen::Review(r) => review::draw(app, r, frame, area),
    }
    match &app.overlay {
        Some(Overlay::Help) => help::draw(app, frame, area),
        Some(Overlay::Diagnostics(i)) => draw_diagnostics(app, *i, frame, area),
        Some(Overlay::Report(report)) => overlays::report(report, frame, area),
        Some(Overlay::Finding(form)) => overlays::finding(form, app, frame, area),
        Some(Overlay::Note(form)) => overlays::note(form, frame, area),
        Some(Overlay::Confirm(c)) => overlays::confirm(c, frame, area),
        Some(Overlay::Link { target, selected }) => {
            overlays::link(app, target, *selected, frame, area)
        }
        Some(Overlay::Conflict) => overlays::conflict(app, frame, area),
        Some(Overlay::Export(form)) => overlays::export(form, app, frame, area),
        None => {}
    }
}

/// A classification banner across `area`, with the TLP label right-justified.
pub(crate) fn banner(frame: &mut Frame, area: Rect, classification: Classification, tlp: Tlp) {
    let label = tlp.label();
    let [left, right] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Length(label.chars().count() as u16 + 2),
    ])
    .areas(area);
    let style = style::banner_style(classification.level);
    frame.render_widget(
        Paragraph::new(classification.banner())
            .alignment(Alignment::Center)
            .style(style),
        left,
    );
    frame.render_widget(
        Paragraph::new(format!(" {label} "))
            .alignment(Alignment::Right)
            .style(style::tlp_style(tlp)),
        right,
    );
}

/// A centred rectangle of at most `w`×`h` inside `area`.
pub(crate) fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

fn draw_diagnostics(app: &App, index: usize, frame: &mut Frame, area: Rect) {
    if let Some(EntryState::Failed(report)) = app.library.entries.get(index).map(|e| &e.state) {
        overlays::report(report, frame, area);
    }
}

/// The status bar: key hints on the left, `right` on the right.
pub(crate) fn status(frame: &mut Frame, area: Rect, hints: Vec<Span<'static>>, right: String) {
    let [left, r] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Length(right.chars().count() as u16 + 1),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(Line::from(hints)), left);
    frame.render_widget(
        Paragraph::new(right)
            .alignment(Alignment::Right)
            .style(Style::new().add_modifier(Modifier::BOLD)),
        r,
    );
}

/// Hint spans: `key` bold, then its word.
pub(crate) fn hint_spans(context: super::action::Context) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    let mut seen = Vec::new();
    for b in super::action::bindings(context).filter(|b| b.hint) {
        if seen.contains(&b.action.hint()) {
            continue;
        }
        seen.push(b.action.hint());
        spans.push(Span::styled(
            b.label,
            Style::new().add_modifier(Modifier::BOLD),
        ));
        spans.push(Span::raw(format!(" {}  ", b.action.hint())));
    }
    spans
}
