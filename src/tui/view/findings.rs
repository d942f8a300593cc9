//! The Findings pane: the list of findings beside the selected one's
//! statement and recommendations. It takes the detail pane's place (F).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::review::owned;
use super::{safe_elide, width};
use crate::tui::app::App;
use crate::tui::app::{Pane, ReviewScreen};
use crate::tui::finding_text::{self, list_capacity, split};
use crate::tui::wrap::{first_row, rows};

pub fn draw(r: &ReviewScreen, app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.theme;
    let [list, detail] = split(area);
    let review = &r.state.review;
    let focused = r.focus == Pane::Findings;
    // Two lines a finding: its title, then kind, severity, likelihood,
    // confidence, what it rests on and how its recommendations stand.
    let height = list_capacity(area);
    // A cut title or line of facts ends in …, so it does not pass for whole.
    let inner_w = usize::from(list.width.saturating_sub(2));
    let elide = |text: String, w: usize| safe_elide(&text, w);
    // Kept by update so that the selection stays in view.
    let offset = r.finding_offset;
    let lines: Vec<Line> = if review.findings.is_empty() {
        vec![Line::from(
            "No findings yet. f adds one for the selected event.",
        )]
    } else {
        review
            .findings
            .iter()
            .enumerate()
            .skip(offset)
            .take(height)
            .flat_map(|(i, f)| {
                // Looked up: a frame does not search the recommendations.
                let recs = r.state.index.recommendations(i).len();
                let done = r.state.index.done(i);
                let title = Line::from(vec![
                    Span::styled(
                        format!("{} ", f.id),
                        Style::new().add_modifier(Modifier::BOLD),
                    ),
                    Span::raw(safe_elide(
                        &f.title,
                        inner_w.saturating_sub(width(&f.id) + 1),
                    )),
                ]);
                let facts = Line::from(elide(
                    format!(
                        "    {} · {} · {} / {} · {} ev, {} ctl · recs {done}/{} done",
                        f.kind.name(),
                        f.severity.name(),
                        f.likelihood.term(),
                        f.confidence.name(),
                        f.events.len(),
                        f.controls.len(),
                        recs,
                    ),
                    inner_w,
                ));
                let pick = focused && i == r.finding;
                [title, facts].map(|l| if pick { l.style(theme.selected()) } else { l })
            })
            .collect()
    };
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .title(Line::styled(
                    format!(" Findings ({}) ", review.findings.len()),
                    theme.focused_title(focused),
                ))
                .title_bottom(Line::from(" f new · e edit · d delete · l link ").right_aligned())
                .border_style(theme.focused_border(focused)),
        ),
        list,
    );

    draw_text(r, app, frame, area, detail);
}

/// The selected finding's text, from the first row the pane is scrolled to.
fn draw_text(r: &ReviewScreen, app: &App, frame: &mut Frame, area: Rect, pane: Rect) {
    let (doc, key) = r.finding_doc(area);
    let (width, height) = finding_text::pane(area);
    // Only the rows that fit are wrapped: a statement can be long.
    let from = match r.finding_text.text.top(key) {
        Some((_, pos)) => pos,
        None => first_row(&doc).unwrap_or_default(),
    };
    let mut shown: Vec<Line> = Vec::with_capacity(height);
    let below = rows(&doc, from, width, height, |_, line| shown.push(owned(line)));
    let more = if below.is_some() {
        super::review::more_below(pane.width, &app.keymap)
    } else {
        String::new()
    };
    let block = Block::bordered()
        .title(" Finding ")
        .title_bottom(Line::from(more).right_aligned());
    frame.render_widget(Paragraph::new(shown).block(block), pane);
}
