//! The review screen: Timeline and Controls side by side, the detail of the
//! selected event under them, banners at top and bottom.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::style::effect_glyph;
use super::{banner, safe, safe_column, safe_elide, status};
use crate::model::time::display;
use crate::tui::action::Context;
use crate::tui::app::{App, InputPurpose, Pane, ReviewScreen, Rows, SignStatus, inner_height};
use crate::tui::detail::pane;
use crate::tui::theme::Theme;
use crate::tui::wrap::{first_row, rows};

pub fn draw(app: &App, r: &ReviewScreen, frame: &mut Frame, area: Rect) {
    let areas = r.areas(area);
    let record = &r.bundle.record;
    // The review's portions count too: computed when it changes, not here.
    let theme = &app.theme;
    banner(frame, areas.banner_top, r.state.banner, record.tlp, theme);
    banner(
        frame,
        areas.banner_bottom,
        r.state.banner,
        record.tlp,
        theme,
    );
    draw_timeline(r, app, frame, areas.timeline);
    // Candidates are never effects: only their count, apart, until decided.
    let candidates = r
        .event_index()
        .and_then(|i| r.bundle.awaiting.get(i).copied())
        .filter(|&n| n > 0)
        .map(|n| {
            format!(
                "{} ({}) ",
                crate::wording::count(n, "candidate", "candidates"),
                app.key_label(crate::tui::action::Action::Candidates)
            )
        });
    draw_controls(r, theme, candidates, frame, areas.controls);
    if r.findings_open {
        super::findings::draw(r, app, frame, areas.detail);
    } else {
        draw_detail(r, app, frame, areas.detail);
    }

    match &app.input {
        Some(input) if input.purpose == InputPurpose::Search => {
            frame.render_widget(
                Paragraph::new(format!("/{}▏", safe(&input.text))),
                areas.status,
            );
        }
        _ => {
            let n_means = match &r.search {
                Some(s) => format!(
                    "n/N: {} of {:?}",
                    crate::wording::count(s.matches.len(), "match", "matches"),
                    s.query
                ),
                None => "n/N: failures".to_string(),
            };
            let signoff = match &r.state.signoff {
                // Says whose sign-off a merge dropped, lest it pass for never given.
                SignStatus::NotSigned => match r.state.review.dropped_signoffs.last() {
                    Some(d) => format!("not signed off (a merge dropped {}'s)", d.reviewer),
                    None => "not signed off".to_string(),
                },
                SignStatus::Current(who) => format!("signed off ✓ {who}"),
                SignStatus::Stale(who) => format!("sign-off STALE ({who})"),
            };
            let mut right = Vec::new();
            // Ranked: that nothing is being saved matters most.
            if r.state.read_only() {
                right.push(("READ-ONLY".to_string(), 0));
            } else if r.state.unsaved.is_some() {
                right.push(("UNSAVED".to_string(), 0));
            }
            // Left by a git merge: the review is not finished until they go.
            // Named with the key that lists them, as it is in force.
            match r.state.review.conflicts.len() {
                0 => {}
                n => right.push((
                    format!(
                        "{n} {} ({})",
                        if n == 1 { "CONFLICT" } else { "CONFLICTS" },
                        app.key_label(crate::tui::action::Action::Conflicts)
                    ),
                    0,
                )),
            }
            right.extend([
                (n_means, 3),
                (
                    format!("reviewed {}/{}", r.state.reviewed(), record.events.len()),
                    2,
                ),
                (signoff, 1),
            ]);
            status(
                frame,
                areas.status,
                &app.keymap,
                Context::Review,
                app.message.as_deref(),
                &right,
            );
        }
    }
}

/// Effect glyphs shown per timeline row.
const GLYPHS: usize = 6;

/// The fewest cells a control's title is shown in.
const MIN_TITLE: usize = 4;

fn draw_timeline(r: &ReviewScreen, app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.theme;
    let b = &r.bundle;
    let record = &b.record;
    let height = inner_height(area);
    let width = usize::from(area.width.saturating_sub(2));
    let search = r.search.as_ref();
    // Fixed for the record and zone, not measured on the rows shown: the
    // glyphs and titles stay in their columns as rows scroll away.
    let when_width = b.columns.when(r.zone);
    let title_at = 4 + when_width + 1 + GLYPHS + 1;
    // Only the visible rows are formatted: the cost of a frame does not grow
    // with the record.
    let lines: Vec<Line> = (r.offset..r.rows.len().min(r.offset + height))
        .filter_map(|row| {
            let pos = r.rows.position(row)?;
            let e = &record.events[b.timeline.event_at(pos)?];
            let zone = e.place.as_ref().and_then(|p| p.zone.as_deref());
            let when = display(&e.at, e.fidelity, r.zone, zone);
            // The pane's title names UTC once instead of every row.
            let when = when.strip_suffix(" UTC").unwrap_or(&when);
            let mark = r.state.mark(&e.id);
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
                Span::raw(safe_column(when, when_width)),
                Span::raw(" "),
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
                    .map(|c| Span::styled(effect_glyph(c.effect), theme.effect(c.effect))),
            );
            if e.controls.len() > GLYPHS {
                spans.push(Span::raw("…"));
            }
            let pad = GLYPHS - shown.min(GLYPHS) - usize::from(e.controls.len() > GLYPHS);
            spans.push(Span::raw(" ".repeat(pad + 1)));
            let title = safe_elide(&e.title, width.saturating_sub(title_at));
            let rest = width.saturating_sub(title_at + super::width(&title));
            spans.push(Span::raw(title));
            Some(if row == r.selected {
                // Reversed across the whole row, not to the end of its text.
                spans.push(Span::raw(" ".repeat(rest)));
                Line::from(spans).style(theme.selected())
            } else {
                Line::from(spans)
            })
        })
        .collect();
    let title = match &r.rows {
        Rows::All(n) => format!(" Timeline ({n}) · {} ", r.zone.name()),
        Rows::Control { control, positions } => {
            let id = record.controls.get(*control).map_or("?", |c| c.id.as_str());
            format!(
                " Timeline: {} touching {id} ({} clears) · {} ",
                crate::wording::count(positions.len(), "event", "events"),
                app.key_label(crate::tui::action::Action::Back),
                r.zone.name()
            )
        }
    };
    let position = format!(" {}/{} ", r.selected + 1, r.rows.len());
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .title(Line::styled(
                    title,
                    theme.focused_title(r.focus == Pane::Timeline),
                ))
                .title_bottom(Line::from(position).right_aligned())
                .border_style(theme.focused_border(r.focus == Pane::Timeline)),
        ),
        area,
    );
}

fn draw_controls(
    r: &ReviewScreen,
    theme: &Theme,
    candidates: Option<String>,
    frame: &mut Frame,
    area: Rect,
) {
    let b = &r.bundle;
    let pos = r.position().unwrap_or(0);
    let height = inner_height(area);
    let width = usize::from(area.width.saturating_sub(2));
    // Columns sized for the record: the glyph, the id, the state's words
    // (as wide as the widest this record can show), then the title.
    let id_width = b.columns.control_id.min(width.saturating_sub(2));
    let words_width = b
        .columns
        .state_words
        .min(width.saturating_sub(2 + id_width + 1));
    let title_at = 2 + id_width + 1 + words_width + 2;
    let title_width = width.saturating_sub(title_at);
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
            let (glyph, words, style) = theme.state_look(state);
            // A title with room for no more than a letter or two is left out.
            let title = if title_width >= MIN_TITLE {
                safe_elide(&c.title, title_width)
            } else {
                String::new()
            };
            let rest = width.saturating_sub(title_at + super::width(&title));
            let mut spans = vec![
                Span::styled(format!("{glyph} "), style),
                Span::styled(
                    format!("{} ", safe_column(&c.id, id_width)),
                    Style::new().add_modifier(Modifier::BOLD),
                ),
                Span::styled(safe_column(&words, words_width), style),
                Span::raw("  "),
                Span::raw(title),
            ];
            if r.focus == Pane::Controls && i == r.control {
                // Reversed across the whole row, not to the end of its text.
                spans.push(Span::raw(" ".repeat(rest)));
                Line::from(spans).style(theme.selected())
            } else {
                Line::from(spans)
            }
        })
        .collect();
    let failed = if r.replay.position == Some(pos) {
        r.replay.failed
    } else {
        b.timeline.failed_controls_through(pos)
    };
    let mut block = Block::bordered().title(Line::styled(
        " Controls ",
        theme.focused_title(r.focus == Pane::Controls),
    ));
    if let Some(candidates) = candidates {
        block = block.title(Line::from(candidates).right_aligned());
    }
    frame.render_widget(
        Paragraph::new(lines).block(
            block
                // Controls, as the library counts them: "3 of 20 failed".
                .title_bottom(
                    Line::from(format!(
                        " {failed} of {} failed so far ",
                        b.record.controls.len()
                    ))
                    .right_aligned(),
                )
                .border_style(theme.focused_border(r.focus == Pane::Controls)),
        ),
        area,
    );
}

fn draw_detail(r: &ReviewScreen, app: &App, frame: &mut Frame, area: Rect) {
    let Some((doc, key)) = r.detail_doc(area, &app.theme) else {
        frame.render_widget(
            Paragraph::new("No events.").block(Block::bordered().title(" Detail ")),
            area,
        );
        return;
    };
    let (width, height) = pane(area);
    // Rows are wrapped from the first one shown, and only as many as fit:
    // the text above the pane and below it is never laid out.
    let from = match r.detail.top(key) {
        Some((_, pos)) => pos,
        None => first_row(&doc).unwrap_or_default(),
    };
    let mut lines: Vec<Line> = Vec::with_capacity(height);
    let below = rows(&doc, from, width, height, |_, line| lines.push(owned(line)));
    let more = if below.is_some() {
        more_below(area.width, &app.keymap)
    } else {
        String::new()
    };
    let id = r.event_id().unwrap_or_default();
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .title(format!(" {id} "))
                .title_bottom(Line::from(more).right_aligned()),
        ),
        area,
    );
}

/// Said under a text pane `width` cells wide that has more below its last
/// row: with the keys in force that scroll it, when they fit.
pub(crate) fn more_below(width: u16, keymap: &crate::tui::action::Keymap) -> String {
    use crate::tui::action::Action;
    let rows = keymap.labels(&[Action::DetailDown, Action::DetailUp], Context::Review);
    let pages = keymap.labels(
        &[Action::DetailPageDown, Action::DetailPageUp],
        Context::Review,
    );
    let ways: Vec<&str> = [rows.as_str(), pages.as_str(), "wheel"]
        .into_iter()
        .filter(|w| !w.is_empty())
        .collect();
    let long = format!(" more below: {} ", ways.join(", "));
    if usize::from(width) >= long.chars().count() + 4 {
        long
    } else if rows.is_empty() {
        " more below ".to_string()
    } else {
        format!(" more below: {rows} ")
    }
}

/// A row's text, copied: a screenful at most.
pub(crate) fn owned(line: Line<'_>) -> Line<'static> {
    Line::from(
        line.spans
            .into_iter()
            .map(|s| Span::styled(s.content.into_owned(), s.style))
            .collect::<Vec<_>>(),
    )
}
