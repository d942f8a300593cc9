//! Text fields of the forms. The field with the focus is the editor itself
//! (ratatui-textarea, wrapped to the field's width where the field holds
//! more than a row); a field without it is drawn here from its lines, from
//! its start, so that a reopened form shows what each field begins with.
//! Drawn here, a field's text goes through the sanitiser like any other
//! text from a file, and only the rows shown are wrapped.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui_textarea::{TextArea, WrapMode};

use super::review::owned;
use super::{safe, safe_cut, safe_elide, width};
use crate::tui::wrap::{At, Document, Pos, row, rows, slice};

/// The lines of a field as a document, one item a line, lent not copied.
struct FieldLines<'a>(&'a [String]);

impl Document for FieldLines<'_> {
    fn items(&self) -> usize {
        self.0.len()
    }

    fn item(&self, k: usize) -> Option<Vec<Span<'_>>> {
        self.0.get(k).map(|l| vec![Span::raw(l.as_str())])
    }
}

/// Whether the field is laid out over rows (its editor wraps).
fn wraps(t: &TextArea) -> bool {
    t.wrap_mode() != WrapMode::None
}

/// How many rows of `width` cells the field's text takes, counted up to
/// `most`: what a form gives a field that grows with its text.
pub fn rows_needed(t: &TextArea, width: u16, most: usize) -> usize {
    if !wraps(t) {
        return 1;
    }
    let mut n = 0;
    rows(
        &FieldLines(t.lines()),
        Pos::default(),
        usize::from(width).max(1),
        most,
        |_, _| n += 1,
    );
    n.clamp(1, most.max(1))
}

/// Draws a text field, the editor with its cursor when it has the focus.
pub fn draw(frame: &mut Frame, area: Rect, t: &TextArea<'static>, focused: bool) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    if focused {
        // The editor itself, not a copy: it remembers where it scrolled,
        // and the width it was drawn at, by which Up and Down move.
        frame.render_widget(t, area);
        if wraps(t) {
            // Its own wrapping starts rows with a space or a comma; the
            // text is drawn again here, wrapped as the rest of hotwash is.
            frame.render_widget(Clear, area);
            draw_wrapped_editor(frame, area, t);
        }
        return;
    }
    let style = Style::new().add_modifier(Modifier::DIM | Modifier::UNDERLINED);
    let w = usize::from(area.width);
    if t.is_empty() {
        // A field's hint is short: shown whole, wrapped where the field
        // wraps, else ending in … where it is cut.
        let hint = Style::new().add_modifier(Modifier::DIM);
        let p = if wraps(t) && area.height > 1 {
            Paragraph::new(safe(t.placeholder_text())).wrap(Wrap { trim: true })
        } else {
            Paragraph::new(safe_elide(t.placeholder_text(), w))
        };
        frame.render_widget(p.style(hint), area);
        return;
    }
    let lines = t.lines();
    if !wraps(t) || area.height == 1 {
        // One row: the start of the text, "…" where the rest is cut off.
        let first = lines.first().map_or("", String::as_str);
        let mut shown = safe_cut(first, w + 1);
        if width(&shown) > w || lines.len() > 1 {
            shown = format!("{}…", safe_cut(first, w.saturating_sub(1)));
        }
        frame.render_widget(Paragraph::new(shown).style(style), area);
        return;
    }
    let mut shown: Vec<Line> = Vec::with_capacity(usize::from(area.height));
    let more = rows(
        &FieldLines(lines),
        Pos::default(),
        w,
        usize::from(area.height),
        |_, line| shown.push(owned(line)),
    );
    frame.render_widget(Paragraph::new(shown).style(style), area);
    if more.is_some() {
        // The field holds more than it shows: say so in its last cell.
        let corner = (area.right() - 1, area.bottom() - 1);
        if let Some(cell) = frame.buffer_mut().cell_mut(corner) {
            cell.set_symbol("…");
        }
    }
}

/// Where the rows of line `k` of the field start, up to the row holding
/// byte `upto` (all of them when `None`).
fn row_starts(lines: &[String], k: usize, width: usize, upto: Option<usize>) -> Vec<At> {
    let spans = [Span::raw(lines.get(k).map_or("", String::as_str))];
    let mut starts = vec![At::default()];
    let mut at = At::default();
    loop {
        let r = row(&spans, at, width);
        match r.next {
            Some(next) if upto.is_none_or(|b| next.byte <= b) && next > at => {
                starts.push(next);
                at = next;
            }
            _ => return starts,
        }
    }
}

/// A wrapped field with the focus: its rows, the cursor's row in view
/// (rows above it shown as far as they fit), and the cursor.
fn draw_wrapped_editor(frame: &mut Frame, area: Rect, t: &TextArea<'static>) {
    let width = usize::from(area.width);
    let height = usize::from(area.height);
    let style = Style::new().add_modifier(Modifier::UNDERLINED);
    let cursor_style = Style::new().add_modifier(Modifier::REVERSED);
    if t.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(" ", cursor_style),
                Span::styled(
                    safe(t.placeholder_text()),
                    Style::new().add_modifier(Modifier::DIM),
                ),
            ]))
            .wrap(Wrap { trim: true }),
            area,
        );
        return;
    }
    let lines = t.lines();
    let cursor = t.cursor();
    let crow = cursor.0.min(lines.len().saturating_sub(1));
    let line = lines.get(crow).map_or("", String::as_str);
    let cbyte = line
        .char_indices()
        .nth(cursor.1)
        .map_or(line.len(), |(b, _)| b);
    let cursor_starts = row_starts(lines, crow, width, Some(cbyte));
    let cursor_start = cursor_starts.last().copied().unwrap_or_default();
    // The first row shown: up to height - 1 rows above the cursor's.
    let mut need = height.saturating_sub(1);
    let mut top = Pos::default();
    let before = cursor_starts.len() - 1;
    if before >= need {
        top = Pos {
            item: crow,
            at: cursor_starts[before - need],
        };
    } else {
        need -= before;
        let mut k = crow;
        while k > 0 && need > 0 {
            k -= 1;
            let starts = row_starts(lines, k, width, None);
            if starts.len() >= need {
                top = Pos {
                    item: k,
                    at: starts[starts.len() - need],
                };
                need = 0;
            } else {
                need -= starts.len();
            }
        }
    }
    let mut shown: Vec<Line> = Vec::with_capacity(height);
    let mut cursor_at = None;
    let here = Pos {
        item: crow,
        at: cursor_start,
    };
    rows(&FieldLines(lines), top, width, height, |pos, l| {
        if pos == here {
            cursor_at = Some(shown.len());
        }
        shown.push(owned(l));
    });
    frame.render_widget(Paragraph::new(shown).style(style), area);
    if let Some(y) = cursor_at {
        let spans = [Span::raw(line)];
        let col = slice(
            &spans,
            cursor_start,
            At {
                span: 0,
                byte: cbyte,
            },
        )
        .width();
        let x = col.min(width.saturating_sub(1));
        let at = (area.x + x as u16, area.y + y as u16);
        if let Some(cell) = frame.buffer_mut().cell_mut(at) {
            cell.set_style(cursor_style);
        }
    }
}

/// The error under a field: as many rows of `width` as its message takes.
pub fn error_rows(message: &str, width: u16) -> u16 {
    let p = error_paragraph(message);
    u16::try_from(p.line_count(width.max(1))).unwrap_or(u16::MAX)
}

fn error_paragraph(message: &str) -> Paragraph<'static> {
    Paragraph::new(Line::from(Span::styled(
        format!("✗ {}", super::safe(message)),
        Style::new().add_modifier(Modifier::BOLD),
    )))
    .wrap(ratatui::widgets::Wrap { trim: true })
}

/// Draws the error of a field in `area`, just under it.
pub fn draw_error(frame: &mut Frame, area: Rect, message: &str) {
    frame.render_widget(error_paragraph(message), area);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::form::{text_block, text_field};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn drawn(t: &TextArea<'static>, focused: bool, w: u16, h: u16) -> Vec<String> {
        let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("a test terminal");
        terminal
            .draw(|f| draw(f, f.area(), t, focused))
            .expect("draw");
        let buf = terminal.backend().buffer();
        (0..h)
            .map(|y| {
                (0..w)
                    .map(|x| buf[(x, y)].symbol().to_string())
                    .collect::<String>()
                    .trim_end()
                    .to_string()
            })
            .collect()
    }

    #[test]
    fn a_field_keeps_its_lines_and_shows_controls_as_escapes() {
        let t = text_block("one \u{1b}]0;x\u{7} two\nthree four five", "");
        // From the start, "…" in the last cell for the row left out.
        assert_eq!(
            drawn(&t, false, 12, 4),
            ["one", "\\u{1b}]0;x", "\\u{7} two", "three four …"]
        );
        // With the focus, the rows up to the cursor at the end.
        assert_eq!(
            drawn(&t, true, 12, 4),
            ["\\u{1b}]0;x", "\\u{7} two", "three four", "five"]
        );
    }

    /// The editor draws a focused one-line field itself; the terminal must
    /// still get no control or bidirectional override from it (a reopened
    /// finding's title comes from a file). The buffer leaves them out.
    #[test]
    fn a_focused_one_line_field_sends_no_control_or_bidi_override() {
        let t = text_field("a\u{202e}b\u{1b}c\u{2066}d", "");
        let row = drawn(&t, true, 20, 1).remove(0);
        assert!(!row.chars().any(crate::text_safety::is_unsafe), "{row:?}");
        assert_eq!(row, "abcd");
        assert_eq!(t.lines()[0], "a\u{202e}b\u{1b}c\u{2066}d", "kept as typed");
    }

    #[test]
    fn a_one_line_field_without_the_focus_shows_its_start() {
        let t = text_field("Issue travel kits to every officer", "");
        assert_eq!(drawn(&t, false, 12, 1), ["Issue trave…"]);
    }
}
