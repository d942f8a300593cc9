//! The review screen: Timeline and Controls side by side, the detail of the
//! selected event under them, banners at top and bottom.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::style::{effect_glyph, effect_style, focused_border, selected, state_look};
use super::{banner, hint_spans, safe, safe_lines, status, truncate};
use crate::model::time::display;
use crate::tui::action::Context;
use crate::tui::app::{
    App, InputPurpose, Pane, ReviewScreen, Rows, SignStatus, inner_height, review_areas,
};

pub fn draw(app: &App, r: &ReviewScreen, frame: &mut Frame, area: Rect) {
    let areas = review_areas(area);
    let record = &r.bundle.record;
    banner(frame, areas.banner_top, record.classification, record.tlp);
    banner(
        frame,
        areas.banner_bottom,
        record.classification,
        record.tlp,
    );
    draw_timeline(r, frame, areas.timeline);
    draw_controls(r, frame, areas.controls);
    if r.findings_open {
        super::findings::draw(r, frame, areas.detail);
    } else {
        draw_detail(r, frame, areas.detail);
    }

    match &app.input {
        Some(input) if input.purpose == InputPurpose::Search => {
            frame.render_widget(
                Paragraph::new(format!("/{}▏", safe(&input.text))),
                areas.status,
            );
        }
        _ => {
            let mut hints = hint_spans(Context::Review);
            if let Some(m) = &app.message {
                // Status messages name files and quote records.
                hints = vec![Span::raw(safe(m))];
            }
            let n_means = match &r.search {
                Some(s) => format!("n/N: {} matches of {:?}", s.matches.len(), s.query),
                None => "n/N: failures".to_string(),
            };
            let signoff = match &r.state.signoff {
                SignStatus::NotSigned => "not signed off".to_string(),
                SignStatus::Current(who) => format!("signed off ✓ {who}"),
                SignStatus::Stale(who) => format!("sign-off STALE ({who})"),
            };
            let access = if r.state.read_only() {
                "READ-ONLY │ "
            } else if r.state.unsaved.is_some() {
                "UNSAVED │ "
            } else {
                ""
            };
            let right = format!(
                "{access}{n_means} │ reviewed {}/{} │ {signoff}",
                r.state.reviewed(),
                record.events.len()
            );
            status(frame, areas.status, hints, right);
        }
    }
}

/// Effect glyphs shown per timeline row.
const GLYPHS: usize = 6;

fn draw_timeline(r: &ReviewScreen, frame: &mut Frame, area: Rect) {
    let b = &r.bundle;
    let record = &b.record;
    let height = inner_height(area);
    let width = usize::from(area.width.saturating_sub(2));
    let search = r.search.as_ref();
    // Only the visible rows are formatted: the cost of a frame does not grow
    // with the record.
    let visible: Vec<(usize, usize, String)> = (r.offset..r.rows.len().min(r.offset + height))
        .filter_map(|row| {
            let pos = r.rows.position(row)?;
            let i = b.timeline.event_at(pos)?;
            let e = &record.events[i];
            let zone = e.place.as_ref().and_then(|p| p.zone.as_deref());
            let when = display(&e.at, e.fidelity, r.zone, zone);
            // The pane's title names UTC once instead of every row.
            let when = match when.strip_suffix(" UTC") {
                Some(bare) => bare.to_string(),
                None => when,
            };
            Some((row, pos, when))
        })
        .collect();
    let when_width = visible
        .iter()
        .map(|(_, _, w)| super::width(w))
        .max()
        .unwrap_or(0);
    let lines: Vec<Line> = visible
        .into_iter()
        .filter_map(|(row, pos, when)| {
            let e = &record.events[b.timeline.event_at(pos)?];
            let mark = r.state.review.mark(&e.id);
            let marks = format!(
                "{}{}{}",
                if mark.is_some_and(|m| m.reviewed) {
                    "●"
                } else {
                    "○"
                },
                if mark.is_some_and(|m| m.flagged) {
                    "⚑"
                } else {
                    " "
                },
                if mark.is_some_and(|m| !m.included) {
                    "⊖"
                } else {
                    " "
                },
            );
            let hit = search.is_some_and(|s| s.matches.binary_search(&pos).is_ok());
            let mut spans = vec![
                Span::raw(marks),
                Span::raw(if hit { "»" } else { " " }),
                Span::raw(format!("{when:<when_width$} ")),
            ];
            // A fixed-width column of effect glyphs; "…" when there are more.
            let shown = if e.controls.len() > GLYPHS {
                GLYPHS - 1
            } else {
                e.controls.len()
            };
            spans.extend(
                e.controls
                    .iter()
                    .take(shown)
                    .map(|c| Span::styled(effect_glyph(c.effect), effect_style(c.effect))),
            );
            if e.controls.len() > GLYPHS {
                spans.push(Span::raw("…"));
            }
            let pad = GLYPHS - shown.min(GLYPHS) - usize::from(e.controls.len() > GLYPHS);
            spans.push(Span::raw(" ".repeat(pad + 1)));
            let used = 4 + when_width + 1 + GLYPHS + 1;
            let title = safe(&e.title);
            spans.push(Span::raw(
                truncate(&title, width.saturating_sub(used)).to_string(),
            ));
            let line = Line::from(spans);
            Some(if row == r.selected {
                line.style(selected())
            } else {
                line
            })
        })
        .collect();
    let title = match &r.rows {
        Rows::All(n) => format!(" Timeline ({n}) · {} ", r.zone.name()),
        Rows::Control { control, positions } => {
            let id = record.controls.get(*control).map_or("?", |c| c.id.as_str());
            format!(
                " Timeline: {} events touching {id} (Esc clears) · {} ",
                positions.len(),
                r.zone.name()
            )
        }
    };
    let position = format!(" {}/{} ", r.selected + 1, r.rows.len());
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .title(title)
                .title_bottom(Line::from(position).right_aligned())
                .border_style(focused_border(r.focus == Pane::Timeline)),
        ),
        area,
    );
}

fn draw_controls(r: &ReviewScreen, frame: &mut Frame, area: Rect) {
    let b = &r.bundle;
    let pos = r.position().unwrap_or(0);
    let height = inner_height(area);
    let lines: Vec<Line> = b
        .record
        .controls
        .iter()
        .enumerate()
        .skip(r.control_offset)
        .take(height)
        .map(|(i, c)| {
            let state = match r.replay.states.get(i) {
                Some(&state) if r.replay.position == Some(pos) => state,
                _ => b.timeline.control_state(i, pos),
            };
            let (glyph, words, style) = state_look(state);
            let line = Line::from(vec![
                Span::styled(format!("{glyph} "), style),
                Span::styled(
                    format!("{:<9}", c.id),
                    Style::new().add_modifier(Modifier::BOLD),
                ),
                Span::styled(words, style),
                Span::raw(format!("  {}", safe(&c.title))),
            ]);
            if r.focus == Pane::Controls && i == r.control {
                line.style(selected())
            } else {
                line
            }
        })
        .collect();
    let failed = if r.replay.position == Some(pos) {
        r.replay.failed
    } else {
        b.timeline.failed_controls_through(pos)
    };
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .title(" Controls ")
                .title_bottom(Line::from(format!(" {failed} failed so far ")).right_aligned())
                .border_style(focused_border(r.focus == Pane::Controls)),
        ),
        area,
    );
}

fn draw_detail(r: &ReviewScreen, frame: &mut Frame, area: Rect) {
    let Some(i) = r.event_index() else {
        frame.render_widget(
            Paragraph::new("No events.").block(Block::bordered().title(" Detail ")),
            area,
        );
        return;
    };
    let lines = detail_lines(r, i);
    let inner_width = usize::from(area.width.saturating_sub(2)).max(1);
    let overflow = wrapped_height(&lines, inner_width).saturating_sub(inner_height(area));
    let scroll = if r.detail_event == Some(i) {
        usize::from(r.detail_scroll)
    } else {
        0
    };
    let scroll = scroll.min(overflow);
    let more = if overflow > scroll {
        " more below: K/J scroll "
    } else {
        ""
    };
    let id = &r.bundle.record.events[i].id;
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0))
            .block(
                Block::bordered()
                    .title(format!(" {id} "))
                    .title_bottom(Line::from(more).right_aligned()),
            ),
        area,
    );
}

/// How many screen lines the detail takes when wrapped into `width` columns.
pub(crate) fn wrapped_height(lines: &[Line<'static>], width: usize) -> usize {
    Paragraph::new(lines.to_vec())
        .wrap(Wrap { trim: false })
        .line_count(u16::try_from(width).unwrap_or(u16::MAX))
}

/// The detail of event `i`: narrative, actors, control links, sources with
/// their Admiralty codes, claims and the analyst's note.
pub(crate) fn detail_lines(r: &ReviewScreen, i: usize) -> Vec<Line<'static>> {
    let b = &r.bundle;
    let record = &b.record;
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let e = &record.events[i];
    let zone = e.place.as_ref().and_then(|p| p.zone.as_deref());
    let portion = record
        .classification
        .scheme
        .portion_mark(e.portion)
        .unwrap_or(e.portion.name());
    let mut when = display(&e.at, e.fidelity, r.zone, zone);
    if let Some(end) = &e.end {
        when = format!("{when} – {}", display(end, e.fidelity, r.zone, zone));
    }
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("({portion}) "), bold),
        Span::styled(safe(&e.title), bold),
        Span::raw(format!("  {when} [{} fidelity]", e.fidelity)),
    ])];
    if let Some(place) = &e.place {
        lines.push(Line::from(format!(
            "Where: {}{}",
            safe(&place.name),
            zone.map(|z| format!(" ({z})")).unwrap_or_default()
        )));
    }
    lines.push(Line::from(safe_lines(&e.narrative)));
    if !e.actors.is_empty() {
        let names: Vec<String> = e
            .actors
            .iter()
            .map(|a| match b.actors.get(a) {
                Some(&k) => format!(
                    "{} ({})",
                    safe(&record.actors[k].name),
                    record.actors[k].side.name()
                ),
                None => a.to_string(),
            })
            .collect();
        lines.push(Line::from(vec![
            Span::styled("Actors: ", bold),
            Span::raw(names.join("; ")),
        ]));
    }
    for link in &e.controls {
        let title = record
            .control(&link.control)
            .map_or("", |c| c.title.as_str());
        let mut spans = vec![
            Span::styled(
                format!("{} ", effect_glyph(link.effect)),
                effect_style(link.effect),
            ),
            Span::styled(format!("{} ", link.control), bold),
            Span::styled(link.effect.name().to_string(), effect_style(link.effect)),
            Span::raw(format!(" — {}", safe(title))),
        ];
        if let Some(note) = &link.note {
            spans.push(Span::raw(format!(": {}", safe_lines(note))));
        }
        lines.push(Line::from(spans));
    }
    for c in &e.sources {
        let (code, title) = match b.sources.get(&c.source) {
            Some(&k) => {
                let s = &record.sources[k];
                (
                    c.admiralty(s).to_string(),
                    format!("{} — {}", safe(&s.publisher), safe(&s.title)),
                )
            }
            None => (format!("?{}", c.credibility.0), c.source.to_string()),
        };
        let mut spans = vec![Span::styled(format!("[{code}] "), bold), Span::raw(title)];
        if let Some(note) = &c.note {
            spans.push(Span::raw(format!(" ({})", safe_lines(note))));
        }
        lines.push(Line::from(spans));
    }
    for &k in b.claims.get(&i).map(Vec::as_slice).unwrap_or_default() {
        let claim = &record.claims[k];
        let conflicts = if claim.conflicts_with.is_empty() {
            String::new()
        } else {
            format!(" — conflicts with {}", claim.conflicts_with.join(", "))
        };
        lines.push(Line::from(vec![
            Span::styled(
                format!("Claim {} [{}]: ", claim.id, claim.status.name()),
                bold.add_modifier(Modifier::ITALIC),
            ),
            Span::raw(format!("{}{conflicts}", safe_lines(&claim.statement))),
        ]));
    }
    let resting: Vec<&str> = r
        .state
        .review
        .findings
        .iter()
        .filter(|f| f.events.iter().any(|x| *x == e.id))
        .map(|f| f.id.as_str())
        .collect();
    if !resting.is_empty() {
        lines.push(Line::from(vec![
            Span::styled("Findings resting on it: ", bold),
            Span::raw(resting.join(", ")),
        ]));
    }
    if let Some(note) = r.state.review.mark(&e.id).and_then(|m| m.note.as_ref()) {
        lines.push(Line::from(vec![
            Span::styled("Note: ", bold),
            Span::raw(safe_lines(note)),
        ]));
    }
    lines
}
