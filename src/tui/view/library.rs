//! The library screen: one row per record.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::{fit, safe, safe_column, safe_elide, status, style, truncate, width};
use crate::library::RecordSummary;
use crate::model::Classification;
use crate::tui::action::Context;
use crate::tui::app::{
    App, Entry, EntryState, InputPurpose, library_areas, library_offset, library_rows,
};

/// The marking of a record with its review, as the review screen's banner
/// shows it (kept in the summary, not computed here).
fn shown_banner(_: &Entry, s: &RecordSummary) -> Classification {
    s.review.banner
}

/// Where the record came from, with its candidates awaiting a decision,
/// for the wide library's column: short, so that titles keep their room
/// ("hand" for hand-written; the narrow library writes it out).
fn from(b: &RecordSummary) -> String {
    let origin = b.provenance().origin.map_or("hand", |f| f.name());
    match b.provenance().awaiting {
        0 => origin.to_string(),
        n => format!("{origin}, {n} to decide"),
    }
}

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let (title, list, bar) = library_areas(area);
    let lib = &app.library;
    let folder = lib
        .folder
        .as_ref()
        .map(|f| safe(&f.display().to_string()))
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

    // Only the rows that fit are built. Columns are laid out by hand so
    // that a broken record's error can run across the whole row.
    let layout = library_rows(list);
    let offset = library_offset(lib.selected, layout.capacity);
    let visible: Vec<(usize, &crate::tui::app::Entry)> = lib
        .shown
        .iter()
        .enumerate()
        .skip(offset)
        .take(layout.capacity)
        .map(|(n, &i)| (n, &lib.entries[i]))
        .collect();
    let width_of = |f: &dyn Fn(&Entry, &RecordSummary) -> usize, min: usize| {
        visible
            .iter()
            .filter_map(|(_, e)| match &e.state {
                EntryState::Summarised(s) => Some(f(e, s)),
                EntryState::Failed(_) => None,
            })
            .max()
            .unwrap_or(0)
            .max(min)
    };
    // Columns are measured in cells, as the terminal draws them: a title of
    // wide or combining characters must not push the columns after it.
    let class_w = width_of(&|e, b| width(shown_banner(e, b).banner()), 14);
    let tlp_w = width_of(&|_, b| width(&b.stats.tlp.label()), 3);
    let period_w = width_of(&|_, b| width(&b.period), 6);
    let failed_w = width("Controls failed");
    // Where it came from, and the candidates awaiting a decision apart
    // from the controls' effects: "VERIS, 5 to decide". Only when a row
    // shown was imported: among hand-written records alone it would tell
    // nothing apart, and titles keep the room (the narrow layout always
    // writes it).
    let imported = visible.iter().any(|(_, e)| match &e.state {
        EntryState::Summarised(b) => b.provenance() != Default::default(),
        EntryState::Failed(_) => false,
    });
    let from_w = if imported {
        width_of(&|_, b| width(&from(b)), 4)
    } else {
        0
    };
    let fixed = period_w + class_w + tlp_w + 6 + failed_w + 8 + from_w + 7 + usize::from(imported);
    let title_w = usize::from(list.width.saturating_sub(2))
        .saturating_sub(fixed)
        .max(10);
    let cell = |text: &str, w: usize| format!("{} ", fit(text, w));
    let header = Line::from(format!(
        "{}{}{}{}{}{}{}{}",
        cell("Record", title_w),
        cell("Period", period_w),
        cell("Classification", class_w),
        cell("TLP", tlp_w),
        cell("Events", 6),
        cell("Controls failed", failed_w),
        cell("Reviewed", 8),
        if imported {
            cell("From", from_w)
        } else {
            String::new()
        },
    ))
    .style(Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED));
    let mut lines = if layout.header > 0 {
        vec![header]
    } else {
        Vec::new()
    };
    let inner_w = usize::from(list.width.saturating_sub(2));
    for (n, e) in visible {
        let is_selected = n == lib.selected;
        let line = match &e.state {
            EntryState::Summarised(b) if layout.row_height > 1 => {
                // Narrow: the title on its own line, the facts under it.
                let r = &b.stats;
                let reviewed = b.review.reviewed;
                // Only what fits is made safe: a title can be long.
                let title = Line::from(vec![
                    Span::raw(if is_selected { "▸ " } else { "  " }),
                    Span::raw(safe_elide(&r.title, inner_w.saturating_sub(2))),
                ]);
                lines.push(if is_selected {
                    title.style(app.theme.selected())
                } else {
                    title
                });
                let shown = shown_banner(e, b);
                // Whole facts only, in order, as many as fit: never a
                // number cut from its words.
                // (separator, fact): the separator takes no style.
                let when = [
                    ("   ", Span::raw(b.period.clone())),
                    (
                        "  ",
                        Span::styled(shown.banner(), app.theme.banner(shown.level)),
                    ),
                    (" ", Span::styled(r.tlp.label(), style::tlp_style(r.tlp))),
                    ("  ", Span::raw(b.provenance().origin_name())),
                ];
                let counts = [
                    (
                        "   ",
                        Span::raw(crate::wording::count(r.events, "event", "events")),
                    ),
                    (
                        ", ",
                        Span::raw(crate::timeline::failed_controls_phrase(
                            b.failed_controls,
                            r.controls.len(),
                        )),
                    ),
                    (", ", Span::raw(format!("reviewed {reviewed}/{}", r.events))),
                    (
                        ", ",
                        Span::raw(match b.provenance().awaiting {
                            0 => String::new(),
                            n => format!("{n} to decide"),
                        }),
                    ),
                ];
                let fitting = |facts: [(&'static str, Span<'static>); 4]| {
                    let mut used = 0;
                    let mut spans = Vec::new();
                    for (sep, fact) in facts {
                        if fact.content.is_empty() {
                            continue;
                        }
                        used += width(sep) + width(&fact.content);
                        if used > inner_w {
                            break;
                        }
                        spans.push(Span::raw(sep));
                        spans.push(fact);
                    }
                    Line::from(spans)
                };
                lines.push(fitting(when));
                fitting(counts)
            }
            EntryState::Summarised(b) => {
                let r = &b.stats;
                let reviewed = b.review.reviewed;
                Line::from(vec![
                    Span::raw(format!("{} ", safe_column(&r.title, title_w))),
                    Span::raw(cell(&b.period, period_w)),
                    Span::styled(
                        cell(shown_banner(e, b).banner(), class_w),
                        app.theme.banner(shown_banner(e, b).level),
                    ),
                    Span::styled(cell(&r.tlp.label(), tlp_w), style::tlp_style(r.tlp)),
                    Span::raw(cell(&r.events.to_string(), 6)),
                    Span::raw(cell(
                        &format!("{} of {}", b.failed_controls, r.controls.len()),
                        failed_w,
                    )),
                    Span::raw(cell(&format!("{reviewed}/{}", r.events), 8)),
                    Span::raw(if imported {
                        cell(&from(b), from_w)
                    } else {
                        String::new()
                    }),
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
                let open = app.key_label(crate::tui::action::Action::Open);
                let text = safe(&format!("✗ {name}: {first} (invalid: {open} shows why)"));
                if layout.row_height > 1 {
                    // Break the message over the record's lines; the last
                    // one ends in … if even they cannot hold it.
                    let bold = Style::new().add_modifier(Modifier::BOLD);
                    let mut rest = text.as_str();
                    for row in 0..layout.row_height - 1 {
                        let head = truncate(rest, inner_w);
                        rest = &rest[head.len()..];
                        let l = Line::from(head.to_string()).style(bold);
                        lines.push(if is_selected && row == 0 {
                            l.style(app.theme.selected())
                        } else {
                            l
                        });
                    }
                    Line::from(safe_elide(rest, inner_w)).style(bold)
                } else {
                    Line::from(text).style(Style::new().add_modifier(Modifier::BOLD))
                }
            }
        };
        let highlight = is_selected && layout.row_height == 1;
        lines.push(if highlight {
            line.style(app.theme.selected())
        } else {
            line
        });
    }
    let mut block = Block::bordered().title(format!(" Records ({}) ", lib.shown.len()));
    if !lib.filter.is_empty() {
        block = block.title_bottom(format!(" filter: {} ", safe(&lib.filter)));
    }
    // Rows appear as they load: the progress goes under them once there
    // are some, so that it hides none.
    let progress = lib.loading.as_ref().map(loading_text);
    if let Some(text) = progress.as_ref().filter(|_| !lib.shown.is_empty()) {
        block = block.title_bottom(Line::from(text.clone()).right_aligned());
    }
    frame.render_widget(Paragraph::new(lines).block(block), list);

    if let Some(text) = progress.filter(|_| lib.shown.is_empty()) {
        let rect = super::centered(list, width(&text) as u16 + 2, 3);
        frame.render_widget(ratatui::widgets::Clear, rect);
        frame.render_widget(Paragraph::new(text).block(Block::bordered()), rect);
    } else if let Some(error) = &lib.error {
        let rect = super::centered(list, list.width.saturating_sub(4), 4);
        frame.render_widget(ratatui::widgets::Clear, rect);
        frame.render_widget(
            Paragraph::new(safe(error))
                .wrap(ratatui::widgets::Wrap { trim: true })
                .block(Block::bordered()),
            rect,
        );
    }

    match &app.input {
        Some(input) if input.purpose == InputPurpose::Filter => {
            frame.render_widget(Paragraph::new(format!("/{}▏", safe(&input.text))), bar);
        }
        _ => status(
            frame,
            bar,
            &app.keymap,
            Context::Library,
            app.message.as_deref(),
            &[(
                crate::wording::count(lib.entries.len(), "record", "records"),
                0,
            )],
        ),
    }
}

/// What the loader is at: the file it started last (files load several at
/// a time) and how many of how many are done.
fn loading_text(loading: &crate::tui::app::Loading) -> String {
    let name = loading
        .current
        .as_ref()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned());
    format!(
        " Loading {} ({:.1} MB) — {} of {} ",
        safe(&name.unwrap_or_default()),
        loading.size as f64 / 1_048_576.0,
        (loading.done + 1).min(loading.total),
        crate::wording::count(loading.total, "record", "records")
    )
}

/// The record being read in full to be opened, over the screen it is
/// opened from.
pub fn opening(app: &App, opening: &crate::tui::app::Opening, frame: &mut Frame, area: Rect) {
    let name = opening
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let back = app.key_label(crate::tui::action::Action::Back);
    let text = format!(
        " Opening {} ({:.1} MB)… {back}: cancel ",
        safe(&name),
        opening.size as f64 / 1_048_576.0,
    );
    let w = (width(&text) as u16 + 2).min(area.width);
    let rect = super::centered(area, w, 3);
    frame.render_widget(ratatui::widgets::Clear, rect);
    frame.render_widget(Paragraph::new(text).block(Block::bordered()), rect);
}
