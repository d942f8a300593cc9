//! The overlays that ask for text or a decision: the finding form, the note
//! editor, questions, the link picker, the conflict prompt, and reports.

use super::field;
use super::{centered, safe, safe_cut, status, width};
use crate::load::FileReport;
use crate::model::{Confidence, FindingKind, Likelihood, RecommendationStatus, Severity};
use crate::tui::action::Action;
use crate::tui::app::{App, Confirm, LinkTarget, Screen};
use crate::tui::form::{
    ExportField, ExportForm, Field, FindingForm, NoteForm, RecField, has_neighbours, label_style,
};
use crate::tui::reports;
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

/// The keys that close an overlay that `own` opens: `M or Esc`, or
/// `Esc` alone when `own` is [`Action::Back`], as the keymap has them.
pub(super) fn close_keys(app: &App, own: Action) -> String {
    let context = app.context();
    let mut keys: Vec<String> = Vec::new();
    for action in [own, Action::Back] {
        if let Some(label) = app.keymap.label(action, context)
            && !keys.contains(&label)
        {
            keys.push(label);
        }
    }
    keys.join(" or ")
}

/// `j/k PgUp/PgDn scroll · M or Esc`, from the keymap.
pub(super) fn scroll_and_close(app: &App, own: Action) -> String {
    let context = app.context();
    let rows = app.keymap.labels(&[Action::Down, Action::Up], context);
    let pages = app
        .keymap
        .labels(&[Action::PageUp, Action::PageDown], context);
    let scroll: Vec<&str> = [rows.as_str(), pages.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    match scroll.as_slice() {
        [] => close_keys(app, own),
        keys => format!("{} scroll · {}", keys.join(" "), close_keys(app, own)),
    }
}

/// The first hints of a form's border, shown at every width.
const SAVE_OR_CANCEL: [&str; 2] = ["Ctrl-S save", "Esc cancel"];

pub(crate) fn frame_box(frame: &mut Frame, rect: Rect, title: String, footer: &str) -> Rect {
    frame.render_widget(Clear, rect);
    let block = Block::bordered()
        .title(title)
        .title_bottom(Line::from(footer.to_string()).alignment(Alignment::Right));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    inner
}

/// A file's diagnostics in full, scrolled to `app.overlay_scroll`. The
/// text was rendered when the report was shown (see `tui::reports`); a
/// frame only copies the rows it shows.
pub fn report(report: &FileReport, app: &App, frame: &mut Frame, area: Rect) {
    let rect = reports::rect(area);
    let visible = reports::visible(area);
    let fallback;
    let lines: Vec<&str> = match &app.report_view {
        Some(view) => view.lines.iter().map(String::as_str).collect(),
        // Not rendered yet (drawn before any update): what fits, from the top.
        None => {
            fallback =
                report.render_lines(false, usize::from(rect.width.saturating_sub(4)), visible);
            fallback.lines().collect()
        }
    };
    let scroll = app.overlay_scroll.min(lines.len().saturating_sub(visible));
    let shown: Vec<Line> = lines
        .iter()
        .skip(scroll)
        .take(visible)
        .map(|l| Line::from(l.to_string()))
        .collect();
    let footer = if lines.len() > visible {
        format!(
            " rows {}–{} of {} · {} close ",
            scroll + 1,
            (scroll + visible).min(lines.len()),
            lines.len(),
            scroll_and_close(app, Action::Back),
        )
    } else {
        format!(" {} to close ", close_keys(app, Action::Back))
    };
    let inner = frame_box(
        frame,
        rect,
        format!(
            " Diagnostics: {} ",
            safe(&report.path.display().to_string())
        ),
        &footer,
    );
    frame.render_widget(Paragraph::new(shown), inner);
}

pub fn confirm(c: &Confirm, frame: &mut Frame, area: Rect) {
    // The box grows to its text (a line break in the question starts a
    // row), up to the screen; only the rows that fit are wrapped. The
    // wrapper shows control characters as escapes.
    let inner_w = usize::from(area.width.min(70).saturating_sub(2));
    let most = usize::from(area.height.saturating_sub(4)).max(1);
    let doc = crate::tui::wrap::Lines(c.question.split('\n').map(Line::from).collect());
    let mut rows = Vec::new();
    if let Some(start) = crate::tui::wrap::first_row(&doc) {
        crate::tui::wrap::rows(&doc, start, inner_w, most, |_, line| {
            rows.push(Line::from(
                line.spans
                    .iter()
                    .map(|s| Span::styled(s.content.to_string(), s.style))
                    .collect::<Vec<_>>(),
            ));
        });
    }
    let height = u16::try_from(rows.len().max(4) + 2).unwrap_or(u16::MAX);
    let rect = centered(area, 70, height);
    let inner = frame_box(frame, rect, " Confirm ".into(), " y yes · n no ");
    frame.render_widget(Paragraph::new(rows), inner);
}

/// What happened to the analyst's unsaved changes, and what each key does.
pub fn conflict(app: &App, frame: &mut Frame, area: Rect) {
    let Screen::Review(r) = &app.screen else {
        return;
    };
    let pending = &r.state.pending;
    let edits = pending.iter().filter(|p| p.edit.is_some()).count();
    let undos = pending.len() - edits;
    let changes = |n: usize| match n {
        1 => "your change".to_string(),
        n => format!("your {n} changes"),
    };
    let key = |k: &str| Span::styled(format!("{k:<4}"), Style::new().add_modifier(Modifier::BOLD));
    let mut lines = vec![
        Line::from(
            "Someone else wrote the review file since hotwash read it (another analyst, \
             or a git pull). hotwash did not write over it.",
        ),
        Line::from(""),
        Line::from(format!(
            "Not saved yet: {}.",
            pending
                .iter()
                .map(|p| safe(&p.summary))
                .collect::<Vec<_>>()
                .join("; ")
        )),
        Line::from(""),
    ];
    if edits > 0 {
        let mut text = format!(
            " reload their version and make {} again on top of it (a new finding takes the next free id)",
            changes(edits)
        );
        if undos > 0 {
            text.push_str("; an undo cannot be made again on their version and is left out");
        }
        lines.push(Line::from(vec![key("r"), Span::raw(text)]));
    }
    lines.push(Line::from(vec![
        key("d"),
        Span::raw(format!(
            " reload their version and drop {}",
            changes(pending.len())
        )),
    ]));
    lines.push(Line::from(vec![
        key("Esc"),
        Span::raw(" keep them unsaved for now (UNSAVED); the next change asks again"),
    ]));
    let width = area.width.saturating_sub(4).min(80);
    let paragraph = Paragraph::new(lines).wrap(Wrap { trim: false });
    let height = paragraph.line_count(width.saturating_sub(2)) as u16 + 2;
    let rect = centered(area, width, height);
    let inner = frame_box(
        frame,
        rect,
        " The review changed on disk: your changes are NOT SAVED ".into(),
        "",
    );
    frame.render_widget(paragraph, inner);
}

pub fn link(app: &App, target: &LinkTarget, selected_row: usize, frame: &mut Frame, area: Rect) {
    let Screen::Review(r) = &app.screen else {
        return;
    };
    let findings = &r.state.review.findings;
    let (what, id) = match target {
        LinkTarget::Event(e) => ("event", e),
        LinkTarget::Control(c) => ("control", c),
    };
    let height = (findings.len() as u16 + 2)
        .min(area.height.saturating_sub(4))
        .max(4);
    let rect = centered(area, 80, height);
    let inner = frame_box(
        frame,
        rect,
        format!(" Link {what} {id} to findings "),
        " Enter/Space toggle · Esc done ",
    );
    let rows = usize::from(inner.height);
    let offset = selected_row.saturating_sub(rows.saturating_sub(1));
    let lines: Vec<Line> = findings
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows)
        .map(|(i, f)| {
            let linked = match target {
                LinkTarget::Event(e) => f.events.contains(e),
                LinkTarget::Control(c) => f.controls.contains(c),
            };
            let line = Line::from(vec![
                Span::raw(format!("[{}] {} ", if linked { "x" } else { " " }, f.id)),
                Span::raw(safe_cut(&f.title, usize::from(inner.width))),
            ]);
            if i == selected_row {
                line.style(app.theme.selected())
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

pub fn note(n: &NoteForm, frame: &mut Frame, area: Rect) {
    // The box grows with the note, up to the screen less the banners.
    let most = usize::from(area.height.saturating_sub(6)).max(8);
    let rows = field::rows_needed(&n.text, 74, most).max(8);
    let rect = centered(
        area,
        76,
        u16::try_from(rows).unwrap_or(u16::MAX).saturating_add(2),
    );
    let footer = if n.confirm_discard {
        " discard your edits? y discards · any other key keeps editing ".to_string()
    } else {
        let hints = status::footer(
            &[SAVE_OR_CANCEL[0], SAVE_OR_CANCEL[1], "Enter new line"],
            usize::from(rect.width.saturating_sub(2)),
        );
        match &n.error {
            // The error, cut to what the save hints leave of the border.
            Some(e) => {
                let room = usize::from(rect.width).saturating_sub(width(&hints) + 7);
                format!(" ✗ {} ·{hints}", status::elide(&safe(e), room))
            }
            None => hints,
        }
    };
    let inner = frame_box(
        frame,
        rect,
        format!(" Note on {} ", safe(&n.event)),
        &footer,
    );
    field::draw(frame, inner, &n.text, true);
}

/// A picker's label and value, with ◂ and ▸ only where a key moves it:
/// at either end the arrow is gone, so the end is seen, not wrapped past.
fn picker(name: &str, value: &str, focused: bool, moves: (bool, bool)) -> Vec<Span<'static>> {
    vec![
        Span::styled(format!("{name} "), label_style(focused)),
        Span::raw(arrows(value, moves)),
        Span::raw("  "),
    ]
}

fn arrows(value: &str, (back, on): (bool, bool)) -> String {
    format!(
        "{} {value} {}",
        if back { "◂" } else { " " },
        if on { "▸" } else { " " }
    )
}

pub fn finding(f: &FindingForm, app: &App, frame: &mut Frame, area: Rect) {
    let rect = centered(
        area,
        area.width.saturating_sub(2).min(110),
        area.height.saturating_sub(2),
    );
    let footer = if f.confirm_discard {
        " discard your edits? y discards · any other key keeps editing ".to_string()
    } else {
        // Save and cancel first: they are shown at every width.
        status::footer(
            &[
                "Ctrl-S save",
                "Esc cancel",
                "Tab next",
                "←/→ choose",
                "Enter add rec",
                "Ctrl-D remove rec",
            ],
            usize::from(rect.width.saturating_sub(2)),
        )
    };
    // A new finding has no id until it is saved: another analyst may take
    // the next one first.
    let title = match &f.id {
        Some(id) => format!(" Edit finding {id} "),
        None => " New finding ".to_string(),
    };
    let inner = frame_box(frame, rect, title, &footer);
    let scheme = match &app.screen {
        Screen::Review(r) => Some(r.bundle.record.classification.scheme),
        Screen::Library | Screen::Cross(_) => None,
    };
    let warnings = f.icd203_warnings();
    let label_w = 11;
    let value_w = inner.width.saturating_sub(label_w);
    // An error stands just under the field it is about.
    let error_of = |field: Field| {
        f.error
            .as_ref()
            .filter(|e| e.field == field)
            .map(|e| e.message.as_str())
    };
    let error_h = |field: Field| error_of(field).map_or(0, |m| field::error_rows(m, value_w));
    let (title_err, statement_err) = (error_h(Field::Title), error_h(Field::Statement));
    // An error under a recommendation needs its rows too.
    let rec_err = match &f.error {
        Some(e) if matches!(e.field, Field::Rec(..)) => {
            field::error_rows(&e.message, inner.width.saturating_sub(5))
        }
        _ => 0,
    };
    // The statement grows with its text, leaving the rows the rest needs:
    // title, pickers, links, the recommendations' header, a row of each
    // (up to three) and the add button, and the ICD 203 note.
    let rests_text = rests_on(f, inner.width);
    let rests_h = rests_text.line_count(inner.width.max(1)) as u16;
    let rest = 1
        + title_err
        + statement_err
        + 2
        + rests_h
        + 2
        + (f.recs.len().min(3) as u16)
        + rec_err
        + 2;
    let most = inner.height.saturating_sub(rest).max(3);
    let statement_h = u16::try_from(field::rows_needed(&f.statement, value_w, usize::from(most)))
        .unwrap_or(most)
        .clamp(3, most);
    let [
        title_row,
        title_error,
        statement_row,
        statement_error,
        pick1,
        pick2,
        rests,
        recs_area,
        notes,
    ] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(title_err),
        Constraint::Length(statement_h),
        Constraint::Length(statement_err),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(rests_h),
        Constraint::Fill(1),
        Constraint::Length(2),
    ])
    .areas(inner);
    let split = |row: Rect| {
        Layout::horizontal([Constraint::Length(label_w), Constraint::Fill(1)]).areas::<2>(row)
    };
    let [l, v] = split(title_row);
    frame.render_widget(
        Span::styled("Title", label_style(f.focus == Field::Title)),
        l,
    );
    field::draw(frame, v, &f.title, f.focus == Field::Title);
    if let Some(m) = error_of(Field::Title) {
        field::draw_error(frame, split(title_error)[1], m);
    }
    let [l, v] = split(statement_row);
    frame.render_widget(
        Span::styled("Statement", label_style(f.focus == Field::Statement)),
        l,
    );
    field::draw(frame, v, &f.statement, f.focus == Field::Statement);
    if let Some(m) = error_of(Field::Statement) {
        field::draw_error(frame, split(statement_error)[1], m);
    }

    let mut p1 = picker(
        "Kind",
        f.kind.name(),
        f.focus == Field::Kind,
        has_neighbours(&FindingKind::ALL, &f.kind),
    );
    p1.extend(picker(
        "Severity",
        f.severity.name(),
        f.focus == Field::Severity,
        has_neighbours(&Severity::ALL, &f.severity),
    ));
    frame.render_widget(Line::from(p1), pick1);
    let portion = scheme
        .and_then(|s| s.banner(f.portion))
        .unwrap_or(f.portion.name())
        .to_string();
    let mut p2 = picker(
        "Likelihood",
        f.likelihood.term(),
        f.focus == Field::Likelihood,
        has_neighbours(&Likelihood::ALL, &f.likelihood),
    );
    p2.extend(picker(
        "Confidence",
        f.confidence.name(),
        f.focus == Field::Confidence,
        has_neighbours(&Confidence::ALL, &f.confidence),
    ));
    p2.extend(picker(
        "Portion",
        &portion,
        f.focus == Field::Portion,
        has_neighbours(&f.levels, &f.portion),
    ));
    frame.render_widget(Line::from(p2), pick2);
    frame.render_widget(rests_text, rests);

    recommendations(f, frame, recs_area);

    let mut note_lines = Vec::new();
    if let Some(w) = warnings.first() {
        note_lines.push(Line::from(format!(
            "⚠ ICD 203: a sentence states {:?} and {:?} together; keep confidence and likelihood apart",
            w.confidence, w.likelihood
        )));
    }
    frame.render_widget(Paragraph::new(note_lines).wrap(Wrap { trim: true }), notes);
}

/// Most rows the "Rests on" line may take before it gives counts instead.
const RESTS_ROWS: usize = 3;

/// What the finding rests on, wrapped to the form: every id while they fit
/// in [`RESTS_ROWS`] rows, else the counts, so that no id is cut unseen.
fn rests_on(f: &FindingForm, width: u16) -> Paragraph<'static> {
    let list = |ids: &[String]| {
        if ids.is_empty() {
            "none".to_string()
        } else {
            ids.join(", ")
        }
    };
    let wrapped = |text: String| Paragraph::new(safe(&text)).wrap(Wrap { trim: true });
    let full = wrapped(format!(
        "Rests on events {} · controls {} (l links more)",
        list(&f.events),
        list(&f.controls)
    ));
    if full.line_count(width.max(1)) <= RESTS_ROWS {
        return full;
    }
    wrapped(format!(
        "Rests on {} · {} (the Finding pane lists them; l links more)",
        crate::wording::count(f.events.len(), "event", "events"),
        crate::wording::count(f.controls.len(), "control", "controls"),
    ))
}

/// The recommendations: a header, a row each (the focused action wrapped
/// over up to three, an error under the one at fault), around the focused
/// one, and the add button.
fn recommendations(f: &FindingForm, frame: &mut Frame, area: Rect) {
    let columns = |row: Rect| {
        Layout::horizontal([
            Constraint::Length(4),
            Constraint::Fill(3),
            Constraint::Fill(1),
            Constraint::Length(11),
            Constraint::Length(17),
        ])
        .spacing(1)
        .areas::<5>(row)
    };
    let action_w = columns(Rect::new(area.x, area.y, area.width, 1))[1].width;
    let error_w = area.width.saturating_sub(5);
    let focus_rec = match f.focus {
        Field::Rec(i, _) => Some(i),
        _ => None,
    };
    let error_of = |i: usize| {
        f.error
            .as_ref()
            .filter(|e| matches!(e.field, Field::Rec(j, _) if j == i))
            .map(|e| e.message.as_str())
    };
    // Each recommendation's rows: its action's, and its error's.
    let heights: Vec<(u16, u16)> = (0..f.recs.len())
        .map(|i| {
            let action = if f.focus == Field::Rec(i, RecField::Action) {
                field::rows_needed(&f.recs[i].action, action_w, 3) as u16
            } else {
                1
            };
            (
                action,
                error_of(i).map_or(0, |m| field::error_rows(m, error_w)),
            )
        })
        .collect();
    let room = area.height.saturating_sub(2);
    // The first one shown: as late as needed for the focused one to fit.
    let mut offset = 0;
    if let Some(focus) = focus_rec {
        let total = |from: usize| {
            heights[from..=focus.min(heights.len().saturating_sub(1))]
                .iter()
                .map(|(a, e)| a + e)
                .sum::<u16>()
        };
        while offset < focus && total(offset) > room {
            offset += 1;
        }
    }
    let mut y = area.y;
    frame.render_widget(
        Line::from(Span::styled(
            "Recommendations",
            Style::new().add_modifier(Modifier::BOLD),
        )),
        Rect::new(area.x, y, area.width, 1),
    );
    y += 1;
    let bottom = area.y + area.height;
    // The add button's row.
    let last = bottom.saturating_sub(1);
    for (i, rec) in f.recs.iter().enumerate().skip(offset) {
        if y >= last {
            break;
        }
        let (action_h, error_h) = heights[i];
        let action_h = action_h.min(last - y);
        let [n, _, owner, due, status] = columns(Rect::new(area.x, y, area.width, 1));
        let action = columns(Rect::new(area.x, y, area.width, action_h))[1];
        frame.render_widget(Span::raw(format!("{:>3}", i + 1)), n);
        field::draw(
            frame,
            action,
            &rec.action,
            f.focus == Field::Rec(i, RecField::Action),
        );
        field::draw(
            frame,
            owner,
            &rec.owner,
            f.focus == Field::Rec(i, RecField::Owner),
        );
        field::draw(
            frame,
            due,
            &rec.due,
            f.focus == Field::Rec(i, RecField::Due),
        );
        let focused = f.focus == Field::Rec(i, RecField::Status);
        frame.render_widget(
            Span::styled(
                arrows(
                    rec.status.name(),
                    has_neighbours(&RecommendationStatus::ALL, &rec.status),
                ),
                label_style(focused),
            ),
            status,
        );
        y += action_h;
        if let Some(m) = error_of(i) {
            let h = error_h.min(last.saturating_sub(y));
            field::draw_error(frame, Rect::new(n.right() + 1, y, error_w, h), m);
            y += h;
        }
    }
    if y < bottom {
        frame.render_widget(
            Span::styled(
                "[+ add a recommendation]",
                label_style(f.focus == Field::AddRec),
            ),
            Rect::new(area.x, y, area.width, 1),
        );
    }
}

pub fn export(f: &ExportForm, app: &App, frame: &mut Frame, area: Rect) {
    let rect = centered(area, 80, 8);
    let inner = frame_box(
        frame,
        rect,
        " Export the review ".into(),
        &status::footer(
            &[
                "Ctrl-S/Enter export",
                "Esc cancel",
                "Tab next",
                "←/→ choose",
            ],
            usize::from(rect.width.saturating_sub(2)),
        ),
    );
    let scheme = match &app.screen {
        Screen::Review(r) => Some(r.bundle.record.classification.scheme),
        Screen::Library | Screen::Cross(_) => None,
    };
    let ceiling = match f.ceiling {
        None => "everything".to_string(),
        Some(level) => format!(
            "up to {}",
            scheme.and_then(|s| s.banner(level)).unwrap_or(level.name())
        ),
    };
    let [format_row, ceiling_row, path_row, note] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
    ])
    .areas(inner);
    frame.render_widget(
        Line::from(picker(
            "Format  ",
            f.format.name(),
            f.focus == ExportField::Format,
            has_neighbours(&crate::export::Format::ALL, &f.format),
        )),
        format_row,
    );
    frame.render_widget(
        Line::from(picker(
            "Include ",
            &ceiling,
            f.focus == ExportField::Ceiling,
            has_neighbours(&f.ceilings(), &f.ceiling),
        )),
        ceiling_row,
    );
    // The path's text starts where the pickers' values do: after the
    // 8-cell label, its space and the picker's arrow and space.
    let [l, v] = Layout::horizontal([Constraint::Length(11), Constraint::Fill(1)]).areas(path_row);
    frame.render_widget(
        Span::styled("Path", label_style(f.focus == ExportField::Path)),
        l,
    );
    field::draw(frame, v, &f.path, f.focus == ExportField::Path);
    frame.render_widget(
        Paragraph::new(
            "Events you left out are not exported; the banner is the highest portion included.",
        )
        .wrap(Wrap { trim: true }),
        note,
    );
}
