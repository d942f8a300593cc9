//! The Findings pane: the list of findings beside the selected one's
//! statement and recommendations. It takes the detail pane's place (F).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::review::owned;
use super::safe_cut;
use super::style::{focused_border, selected};
use crate::tui::app::{Pane, ReviewScreen, inner_height};
use crate::tui::wrap::{Lines, Pos, rows};

pub fn draw(r: &ReviewScreen, frame: &mut Frame, area: Rect) {
    let [list, detail] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area);
    let review = &r.state.review;
    let focused = r.focus == Pane::Findings;
    // Two lines a finding: its title, then kind, severity, likelihood,
    // confidence, what it rests on and how its recommendations stand.
    let height = (inner_height(list) / 2).max(1);
    let offset = r.finding.saturating_sub(height.saturating_sub(1));
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
                    Span::raw(safe_cut(&f.title, usize::from(list.width))),
                ]);
                let facts = Line::from(format!(
                    "    {} · {} · {} / {} · {} ev, {} ctl · recs {done}/{} done",
                    f.kind.name(),
                    f.severity.name(),
                    f.likelihood.term(),
                    f.confidence.name(),
                    f.events.len(),
                    f.controls.len(),
                    recs,
                ));
                let pick = focused && i == r.finding;
                [title, facts].map(|l| if pick { l.style(selected()) } else { l })
            })
            .collect()
    };
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .title(format!(" Findings ({}) ", review.findings.len()))
                .title_bottom(Line::from(" f new · e edit · d delete · l link ").right_aligned())
                .border_style(focused_border(focused)),
        ),
        list,
    );

    let bold = Style::new().add_modifier(Modifier::BOLD);
    let mut text: Vec<Line> = Vec::new();
    if let Some(f) = review.findings.get(r.finding) {
        let scheme = r.bundle.record.classification.scheme;
        let portion = scheme.portion_mark(f.portion).unwrap_or(f.portion.name());
        text.push(Line::from(vec![
            Span::styled(format!("({portion}) "), bold),
            Span::styled(f.title.as_str(), bold),
        ]));
        text.push(Line::from(format!(
            "{} · severity {} · likelihood: {} · confidence: {}",
            f.kind.name(),
            f.severity.name(),
            f.likelihood.term(),
            f.confidence.name()
        )));
        text.push(Line::from(format!(
            "rests on events {} · controls {}",
            join_or_none(&f.events),
            join_or_none(&f.controls)
        )));
        // One item: the wrapper breaks rows at its line breaks.
        text.push(Line::from(f.statement.as_str()));
        let recs = r.state.index.recommendations(r.finding);
        for rec in recs.iter().filter_map(|&k| review.recommendations.get(k)) {
            let due = rec
                .due
                .map(|d| d.to_string())
                .unwrap_or_else(|| "no date".into());
            text.push(Line::from(vec![
                Span::styled(format!("{} [{}] ", rec.id, rec.status.name()), bold),
                Span::raw(rec.action.as_str()),
                Span::raw(" — "),
                Span::raw(rec.owner.as_str()),
                Span::raw(format!(" by {due}")),
            ]));
        }
    }
    // Only the rows that fit are wrapped: a statement can be long.
    let block = Block::bordered().title(" Finding ");
    let inner = block.inner(detail);
    let mut shown: Vec<Line> = Vec::with_capacity(usize::from(inner.height));
    rows(
        &Lines(text),
        Pos::default(),
        usize::from(inner.width).max(1),
        usize::from(inner.height),
        |_, line| shown.push(owned(line)),
    );
    frame.render_widget(Paragraph::new(shown).block(block), detail);
}

fn join_or_none(ids: &[String]) -> String {
    if ids.is_empty() {
        "none".into()
    } else {
        ids.join(", ")
    }
}
