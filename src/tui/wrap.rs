//! Word wrapping that can start anywhere in a text and stops when the pane
//! is full. ratatui's `Paragraph` wraps a whole line before it draws the
//! first row of it, which made a 50 MB narrative cost seconds a frame;
//! here a row costs its own width, so drawing costs what is shown.
//!
//! The rules follow ratatui's word wrapper, so short texts look as before:
//! break at whitespace, drop the whitespace at a break, split a word longer
//! than the row, skip anything wider than the row. A line break in the text
//! starts a new row. Control and bidirectional characters are shown as the
//! escapes of [`text_safety`] (`\u{1b}`), measured as such: only the rows
//! drawn are escaped, never the whole text.

use std::borrow::Cow;

use ratatui::buffer::CellWidth;
use ratatui::text::{Line, Span};
use unicode_segmentation::UnicodeSegmentation;

use crate::text_safety::{self, Keep};

/// A place in a piece of styled text: a span, and a byte offset in it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct At {
    pub span: usize,
    pub byte: usize,
}

/// One screen row of a text: `start..end`, and where the next row starts
/// (`None` when the text ends with this row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub start: At,
    pub end: At,
    pub next: Option<At>,
}

/// Graphemes of zero width (combining marks, joiners) take no room, and a
/// run of them is one grapheme however long, so a row could hold any amount
/// of text: a row reads at most this many bytes per column (emoji sequences
/// take about 25 bytes for two columns), and so does a run of blanks
/// skipped at a break. Past that the row is cut.
const BYTES_PER_COLUMN: usize = 32;

/// `at`, moved onto a char boundary inside `spans` (a stale position must
/// never make slicing panic).
fn clamp(spans: &[Span], at: At) -> At {
    let Some(span) = spans.get(at.span) else {
        return At {
            span: spans.len(),
            byte: 0,
        };
    };
    let text = span.content.as_ref();
    let mut byte = at.byte.min(text.len());
    while !text.is_char_boundary(byte) {
        byte -= 1;
    }
    At {
        span: at.span,
        byte,
    }
}

/// The graphemes of `spans` from `from` on, with where each starts and
/// ends, reading at most `window` bytes (the last grapheme may be cut).
fn graphemes<'s>(
    spans: &'s [Span],
    from: At,
    window: usize,
) -> impl Iterator<Item = (At, At, &'s str)> + 's {
    let from = clamp(spans, from);
    let mut left = window;
    spans
        .iter()
        .enumerate()
        .skip(from.span)
        .map_while(move |(s, span)| {
            if left == 0 {
                return None;
            }
            let skip = if s == from.span { from.byte } else { 0 };
            let text = &span.content.as_ref()[skip..];
            let mut take = text.len().min(left);
            while !text.is_char_boundary(take) {
                take -= 1;
            }
            // A window ending inside a character reads nothing more.
            left = if take < text.len() { 0 } else { left - take };
            Some((s, skip, &text[..take]))
        })
        .flat_map(|(s, skip, text)| {
            text.grapheme_indices(true).map(move |(i, g)| {
                let start = At {
                    span: s,
                    byte: skip + i,
                };
                let end = At {
                    span: s,
                    byte: skip + i + g.len(),
                };
                (start, end, g)
            })
        })
}

/// The cells grapheme `g` takes when drawn: its escape if it is unsafe.
fn drawn_width(g: &str) -> usize {
    if g.chars().any(text_safety::is_unsafe) {
        // An escape is plain ASCII: one cell a byte.
        text_safety::one_line(g).len()
    } else {
        usize::from(g.cell_width())
    }
}

fn is_break(g: &str) -> bool {
    g == "\n" || g == "\r\n"
}

/// Whitespace as ratatui's wrapper counts it: a zero-width space is one, a
/// no-break space is not.
fn is_blank(g: &str) -> bool {
    g == "\u{200b}" || (g.chars().all(char::is_whitespace) && g != "\u{a0}")
}

/// The end of the text.
fn end_of(spans: &[Span]) -> At {
    At {
        span: spans.len(),
        byte: 0,
    }
}

/// The row of `spans` that starts at `start`, `width` columns wide.
pub fn row(spans: &[Span], start: At, width: usize) -> Row {
    let start = clamp(spans, start);
    let window = width.max(1) * BYTES_PER_COLUMN;
    let mut col = 0;
    // Where the text read so far ends.
    let mut read = start;
    // The last place the row could end: before a run of blanks, and where
    // the word after them starts.
    let mut word_break: Option<(At, At)> = None;
    let mut in_blanks = false;
    for (here, after, g) in graphemes(spans, start, window) {
        read = after;
        if is_break(g) {
            // A line break at the very end adds no empty row, as `str::lines`.
            let next = (!at_end(spans, after)).then_some(after);
            return Row {
                start,
                end: here,
                next,
            };
        }
        let w = drawn_width(g);
        if w > width {
            continue;
        }
        if is_blank(g) {
            if col + w > width {
                // The blanks run past the edge: the row ends before them.
                let end = match word_break {
                    Some((end, _)) if in_blanks => end,
                    _ => here,
                };
                return Row {
                    start,
                    end,
                    next: skip_blanks(spans, here, window),
                };
            }
            if !in_blanks {
                word_break = Some((here, after));
                in_blanks = true;
            } else if let Some((end, _)) = word_break {
                word_break = Some((end, after));
            }
            col += w;
            continue;
        }
        if col + w > width {
            return match word_break {
                // Break before the blanks; the next row starts at this word.
                Some((end, next)) if !in_blanks => Row {
                    start,
                    end,
                    next: Some(next),
                },
                Some((end, _)) => Row {
                    start,
                    end,
                    next: Some(here),
                },
                // One word longer than the row: split it here.
                None => Row {
                    start,
                    end: here,
                    next: Some(here),
                },
            };
        }
        in_blanks = false;
        col += w;
    }
    if at_end(spans, read) {
        Row {
            start,
            end: end_of(spans),
            next: None,
        }
    } else {
        // The window ran out before the row was full: cut it there.
        Row {
            start,
            end: read,
            next: Some(read),
        }
    }
}

/// Whether nothing but the end of the text is at `at`.
fn at_end(spans: &[Span], at: At) -> bool {
    let at = clamp(spans, at);
    spans
        .iter()
        .skip(at.span)
        .enumerate()
        .all(|(n, span)| span.content.len() <= if n == 0 { at.byte } else { 0 })
}

/// Where the next row starts after blanks at `from`: the first grapheme
/// that is not a blank (a line break ends the skip), or `None` at the end.
fn skip_blanks(spans: &[Span], from: At, window: usize) -> Option<At> {
    let mut read = from;
    for (here, after, g) in graphemes(spans, from, window) {
        if is_break(g) || !is_blank(g) {
            return Some(here);
        }
        read = after;
    }
    (!at_end(spans, read)).then_some(read)
}

/// The spans of `start..end`, borrowed from `spans` (copied only where a
/// character must be shown as its escape).
pub fn slice<'s>(spans: &'s [Span], start: At, end: At) -> Line<'s> {
    let start = clamp(spans, start);
    let end = clamp(spans, end);
    let mut out = Vec::new();
    for (s, span) in spans
        .iter()
        .enumerate()
        .skip(start.span)
        .take_while(|(s, _)| *s <= end.span)
    {
        let text = span.content.as_ref();
        let from = if s == start.span { start.byte } else { 0 };
        let to = if s == end.span { end.byte } else { text.len() };
        if from < to {
            let shown: Cow<'s, str> = text_safety::for_terminal(&text[from..to], Keep::Nothing);
            out.push(Span::styled(shown, span.style));
        }
    }
    Line::from(out)
}

/// A text made of items (logical lines), each built only when it is
/// reached, so that a long document costs what is shown of it.
pub trait Document {
    /// How many items there are (some may turn out to be absent).
    fn items(&self) -> usize;
    /// The spans of item `k`; `None` when the item has nothing to show
    /// (no rows at all, unlike an empty text, which is one empty row).
    fn item(&self, k: usize) -> Option<Vec<Span<'_>>>;
}

/// A place in a document: an item, and a place in its spans.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    pub item: usize,
    pub at: At,
}

/// Calls `each` with every row from `from` on (which starts a row), at
/// most `limit` rows, and returns where the row after them starts (`None`
/// when the document ends first).
pub fn rows(
    doc: &impl Document,
    from: Pos,
    width: usize,
    limit: usize,
    mut each: impl FnMut(Pos, Line<'_>),
) -> Option<Pos> {
    let mut pos = from;
    let mut shown = 0;
    loop {
        let Some(spans) = doc.item(pos.item) else {
            pos = first_present(doc, pos.item + 1)?;
            continue;
        };
        let mut at = pos.at;
        loop {
            let here = Pos { item: pos.item, at };
            if shown >= limit {
                return Some(here);
            }
            let r = row(&spans, at, width);
            each(here, slice(&spans, r.start, r.end));
            shown += 1;
            match r.next {
                Some(next) => at = next,
                None => break,
            }
        }
        pos = first_present(doc, pos.item + 1)?;
    }
}

/// Where the row after the one starting at `from` starts.
pub fn next_row(doc: &impl Document, from: Pos, width: usize) -> Option<Pos> {
    rows(doc, from, width, 1, |_, _| {})
}

/// The start of the first present item at or after `k`.
fn first_present(doc: &impl Document, k: usize) -> Option<Pos> {
    (k..doc.items())
        .find(|&i| doc.item(i).is_some())
        .map(|item| Pos {
            item,
            at: At::default(),
        })
}

/// Where the document's first row starts.
pub fn first_row(doc: &impl Document) -> Option<Pos> {
    first_present(doc, 0)
}

/// Lines of text as a document, one item a line, for panes that show a
/// few fields of free text. The spans are lent, never copied.
pub struct Lines<'a>(pub Vec<Line<'a>>);

impl Document for Lines<'_> {
    fn items(&self) -> usize {
        self.0.len()
    }

    fn item(&self, k: usize) -> Option<Vec<Span<'_>>> {
        self.0.get(k).map(|l| {
            l.spans
                .iter()
                .map(|s| Span::styled(s.content.as_ref(), s.style))
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::widgets::{Paragraph, Wrap};

    fn wrap(text: &str, width: usize) -> Vec<String> {
        let spans = vec![Span::raw(text)];
        let mut out = Vec::new();
        let mut at = Some(At::default());
        while let Some(a) = at {
            let r = row(&spans, a, width);
            out.push(slice(&spans, r.start, r.end).to_string());
            at = r.next;
            assert!(out.len() < 10_000, "no end to {text:?}");
        }
        out
    }

    /// What ratatui's own wrapper draws, row by row, trailing blanks dropped.
    fn ratatui_rows(text: &str, width: u16) -> Vec<String> {
        let paragraph = Paragraph::new(text).wrap(Wrap { trim: false });
        let height = paragraph.line_count(width) as u16;
        let area = ratatui::layout::Rect::new(0, 0, width, height.max(1));
        let mut buf = ratatui::buffer::Buffer::empty(area);
        ratatui::widgets::Widget::render(paragraph, area, &mut buf);
        (0..height)
            .map(|y| {
                let mut row = String::new();
                let mut x = 0;
                while x < width {
                    let symbol = buf[(x, y)].symbol();
                    row.push_str(symbol);
                    // A wide character's second cell holds nothing of its own.
                    x += symbol.cell_width().max(1);
                }
                row.trim_end().to_string()
            })
            .collect()
    }

    #[test]
    fn wraps_prose_as_ratatui_does() {
        let prose = "The duty officer logged the dial-in details before the call began. \
                     A participant copied an unencrypted copy of the briefing from the hotel \
                     lobby, although policy required a second check. Verylongwordthatcannotfit \
                     anywhere at all, x y z.";
        for width in [1, 2, 5, 9, 10, 17, 23, 40, 80, 200] {
            let ours: Vec<String> = wrap(prose, width)
                .into_iter()
                .map(|r| r.trim_end().to_string())
                .collect();
            assert_eq!(ours, ratatui_rows(prose, width as u16), "width {width}");
        }
    }

    #[test]
    fn wide_characters_and_marks_keep_their_width() {
        let text = "会議の記録 が 漏洩した e\u{301}te\u{301} 👩‍💻 done";
        // Where ratatui's rows fit, it agrees.
        for width in [20, 80] {
            assert_eq!(
                wrap(text, width),
                ratatui_rows(text, width as u16),
                "width {width}"
            );
        }
        // Narrower, ratatui lets a row overhang; here every row fits, and
        // no text is lost.
        for width in [2, 3, 4, 7, 10, 12, 20, 80] {
            let rows = wrap(text, width);
            for r in &rows {
                assert!(
                    r.as_str().cell_width() as usize <= width,
                    "{r:?} in {width}"
                );
            }
            let words: String = text.split_whitespace().collect();
            assert_eq!(rows.concat().replace(' ', ""), words, "width {width}");
        }
    }

    #[test]
    fn a_line_break_starts_a_row_and_keeps_indentation() {
        assert_eq!(
            wrap("one\n  two three\n\nfour\n", 9),
            ["one", "  two", "three", "", "four"]
        );
        assert_eq!(wrap("", 9), [""]);
        assert_eq!(wrap("a\r\nb", 9), ["a", "b"]);
    }

    #[test]
    fn a_run_of_zero_width_marks_is_cut_into_bounded_rows() {
        // One grapheme of 30,000 bytes: a joiner extends the one before it.
        let text = format!("a{}", "\u{200d}".repeat(10_000));
        let rows = wrap(&text, 10);
        assert!(rows.len() > 1, "the marks are spread over rows");
        assert!(
            rows.iter().all(|r| r.len() <= 10 * BYTES_PER_COLUMN),
            "bounded"
        );
        assert_eq!(rows.concat(), text, "nothing is lost");
    }

    #[test]
    fn a_long_run_of_blanks_is_skipped_in_bounded_steps() {
        let text = format!("word{}end", " ".repeat(100_000));
        let rows = wrap(&text, 10);
        assert_eq!(rows.first().map(String::as_str), Some("word"));
        assert_eq!(rows.last().map(String::as_str), Some("end"));
        assert!(rows.iter().all(|r| r.len() <= 10 * BYTES_PER_COLUMN));
    }

    #[test]
    fn rows_run_across_spans_and_items() {
        let doc = Lines(vec![
            Line::from(vec![Span::raw("Note: "), Span::raw("alpha beta gamma")]),
            Line::from("delta"),
        ]);
        let mut got = Vec::new();
        let after = rows(&doc, Pos::default(), 11, 10, |_, line| {
            got.push(line.to_string())
        });
        assert_eq!(got, ["Note: alpha", "beta gamma", "delta"]);
        assert_eq!(after, None);
        let second = next_row(&doc, Pos::default(), 11).expect("a second row");
        let mut from_second = Vec::new();
        rows(&doc, second, 11, 1, |_, line| {
            from_second.push(line.to_string())
        });
        assert_eq!(from_second, ["beta gamma"]);
    }

    #[test]
    fn control_and_bidi_characters_are_shown_as_escapes_and_measured_so() {
        let text = "title \u{1b}]0;x\u{7} and \u{202e}drow";
        let rows = wrap(text, 12);
        let joined = rows.join(" ");
        for escape in ["\\u{1b}", "\\u{7}", "\\u{202e}"] {
            assert!(joined.contains(escape), "{escape} in {rows:?}");
        }
        for r in &rows {
            assert!(!r.chars().any(text_safety::is_unsafe), "{r:?}");
            assert!(r.as_str().cell_width() as usize <= 12, "{r:?}");
        }
    }

    #[test]
    fn a_stale_position_is_clamped_not_a_panic() {
        let spans = vec![Span::raw("héllo")];
        // Byte 2 is inside "é"; byte 99 is past the end; span 5 does not exist.
        for at in [
            At { span: 0, byte: 2 },
            At { span: 0, byte: 99 },
            At { span: 5, byte: 1 },
        ] {
            let r = row(&spans, at, 3);
            let _ = slice(&spans, r.start, r.end).to_string();
        }
    }
}
