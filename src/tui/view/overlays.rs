//! The overlays that ask for text or a decision: the finding form, the note
//! editor, questions, the link picker, the conflict prompt, and reports.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui_textarea::TextArea;

use super::style::selected;
use super::{centered, safe, safe_cut, status, width};
use crate::load::FileReport;
use crate::tui::app::{App, Confirm, LinkTarget, Screen};
use crate::tui::form::{
    ExportField, ExportForm, Field, FindingForm, NoteForm, RecField, label_style,
};
use crate::tui::reports;

/// The first hints of a form's border, shown at every width.
const SAVE_OR_CANCEL: [&str; 2] = ["Ctrl-S save", "Esc cancel"];

fn frame_box(frame: &mut Frame, rect: Rect, title: String, footer: &str) -> Rect {
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
            " rows {}–{} of {} · j/k PgUp/PgDn scroll · Esc close ",
            scroll + 1,
            (scroll + visible).min(lines.len()),
            lines.len()
        )
    } else {
        " Esc to close ".to_string()
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
                line.style(selected())
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

pub fn note(n: &NoteForm, frame: &mut Frame, area: Rect) {
    let rect = centered(area, 76, 10);
    let footer = if n.confirm_discard {
        " discard your edits? y discards · any other key keeps editing ".to_string()
    } else {
        let hints = status::footer(&SAVE_OR_CANCEL, usize::from(rect.width.saturating_sub(2)));
        match &n.error {
            // The error, cut to what the save hints leave of the border.
            Some(e) => {
                let room = usize::from(rect.width).saturating_sub(width(&hints) + 7);
                format!(" ✗ {} ·{hints}", status::elide(&safe(e), room))
            }
            None => hints,
        }
    };
    let inner = frame_box(frame, rect, format!(" Note on {} ", n.event), &footer);
    frame.render_widget(&n.text, inner);
}

/// Draws a text field, with a cursor only when it has the focus.
fn field(frame: &mut Frame, area: Rect, t: &TextArea<'static>, focused: bool) {
    let mut t = t.clone();
    if focused {
        t.set_cursor_style(Style::new().add_modifier(Modifier::REVERSED));
        t.set_style(Style::new().add_modifier(Modifier::UNDERLINED));
    } else {
        t.set_cursor_style(Style::new());
        t.set_style(Style::new().add_modifier(Modifier::DIM | Modifier::UNDERLINED));
    }
    frame.render_widget(&t, area);
}

fn picker(name: &str, value: &str, focused: bool) -> Vec<Span<'static>> {
    vec![
        Span::styled(format!("{name} "), label_style(focused)),
        Span::raw(format!("◂ {value} ▸  ")),
    ]
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
        Screen::Library => None,
    };
    let warnings = f.icd203_warnings();
    let [
        title_row,
        statement_row,
        pick1,
        pick2,
        rests,
        recs_area,
        notes,
    ] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(5),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(2),
    ])
    .areas(inner);
    let label_w = 11;
    let split = |row: Rect| {
        Layout::horizontal([Constraint::Length(label_w), Constraint::Fill(1)]).areas::<2>(row)
    };
    let [l, v] = split(title_row);
    frame.render_widget(
        Span::styled("Title", label_style(f.focus == Field::Title)),
        l,
    );
    field(frame, v, &f.title, f.focus == Field::Title);
    let [l, v] = split(statement_row);
    frame.render_widget(
        Span::styled("Statement", label_style(f.focus == Field::Statement)),
        l,
    );
    field(frame, v, &f.statement, f.focus == Field::Statement);

    let mut p1 = picker("Kind", f.kind.name(), f.focus == Field::Kind);
    p1.extend(picker(
        "Severity",
        f.severity.name(),
        f.focus == Field::Severity,
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
    );
    p2.extend(picker(
        "Confidence",
        f.confidence.name(),
        f.focus == Field::Confidence,
    ));
    p2.extend(picker("Portion", &portion, f.focus == Field::Portion));
    frame.render_widget(Line::from(p2), pick2);
    let events = if f.events.is_empty() {
        "none".into()
    } else {
        f.events.join(", ")
    };
    let controls = if f.controls.is_empty() {
        "none".into()
    } else {
        f.controls.join(", ")
    };
    frame.render_widget(
        Paragraph::new(format!(
            "Rests on events {events} · controls {controls} (l links more)"
        )),
        rests,
    );

    // Recommendations: a header, one row each (around the focused one), and the add button.
    let rows = usize::from(recs_area.height).saturating_sub(2);
    let focus_rec = match f.focus {
        Field::Rec(i, _) => i,
        _ => 0,
    };
    let offset = focus_rec.saturating_sub(rows.saturating_sub(1));
    let mut y = recs_area.y;
    frame.render_widget(
        Line::from(Span::styled(
            "Recommendations",
            Style::new().add_modifier(Modifier::BOLD),
        )),
        Rect::new(recs_area.x, y, recs_area.width, 1),
    );
    y += 1;
    for (i, rec) in f.recs.iter().enumerate().skip(offset).take(rows) {
        let row = Rect::new(recs_area.x, y, recs_area.width, 1);
        let [n, action, owner, due, status] = Layout::horizontal([
            Constraint::Length(4),
            Constraint::Fill(3),
            Constraint::Fill(1),
            Constraint::Length(11),
            Constraint::Length(17),
        ])
        .spacing(1)
        .areas(row);
        frame.render_widget(Span::raw(format!("{:>3}", i + 1)), n);
        field(
            frame,
            action,
            &rec.action,
            f.focus == Field::Rec(i, RecField::Action),
        );
        field(
            frame,
            owner,
            &rec.owner,
            f.focus == Field::Rec(i, RecField::Owner),
        );
        field(
            frame,
            due,
            &rec.due,
            f.focus == Field::Rec(i, RecField::Due),
        );
        let focused = f.focus == Field::Rec(i, RecField::Status);
        frame.render_widget(
            Span::styled(format!("◂ {} ▸", rec.status.name()), label_style(focused)),
            status,
        );
        y += 1;
    }
    if y < recs_area.y + recs_area.height {
        frame.render_widget(
            Span::styled(
                "[+ add a recommendation]",
                label_style(f.focus == Field::AddRec),
            ),
            Rect::new(recs_area.x, y, recs_area.width, 1),
        );
    }

    let mut note_lines = Vec::new();
    if let Some(e) = &f.error {
        note_lines.push(Line::from(Span::styled(
            format!("✗ {}", safe(e)),
            Style::new().add_modifier(Modifier::BOLD),
        )));
    }
    if let Some(w) = warnings.first() {
        note_lines.push(Line::from(format!(
            "⚠ ICD 203: a sentence states {:?} and {:?} together; keep confidence and likelihood apart",
            w.confidence, w.likelihood
        )));
    }
    frame.render_widget(Paragraph::new(note_lines).wrap(Wrap { trim: true }), notes);
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
        Screen::Library => None,
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
        )),
        format_row,
    );
    frame.render_widget(
        Line::from(picker(
            "Include ",
            &ceiling,
            f.focus == ExportField::Ceiling,
        )),
        ceiling_row,
    );
    let [l, v] = Layout::horizontal([Constraint::Length(9), Constraint::Fill(1)]).areas(path_row);
    frame.render_widget(
        Span::styled("Path", label_style(f.focus == ExportField::Path)),
        l,
    );
    field(frame, v, &f.path, f.focus == ExportField::Path);
    frame.render_widget(
        Paragraph::new(
            "Events you left out are not exported; the banner is the highest portion included.",
        )
        .wrap(Wrap { trim: true }),
        note,
    );
}
