//! Diagnostics: what is wrong with a file, where, and how to fix it.
//! Rendered for people with miette (snippet and caret) and for pipelines as JSON.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
use serde::{Deserialize, Serialize};

use crate::text_safety::{self, Keep};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// A line and column, both 1-based; the column counts characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for LineCol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// One problem in one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable, dotted identifier for scripts, such as `ref.actor`.
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Byte range in the file's text (after a byte-order mark is removed).
    #[serde(skip)]
    pub span: Option<Range<usize>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<LineCol>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<LineCol>,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            help: None,
            span: None,
            start: None,
            end: None,
        }
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Places the diagnostic at a line and column where no text can be
    /// shown (a file that is not valid text).
    pub fn at_line_col(mut self, at: LineCol) -> Self {
        self.start = Some(at);
        self
    }

    /// Places the diagnostic at a byte range whose start and end are
    /// already known as lines and columns (see [`line_cols`]).
    pub fn at_placed(mut self, span: Range<usize>, start: LineCol, end: LineCol) -> Self {
        self.start = Some(start);
        self.end = Some(end);
        self.span = Some(span);
        self
    }

    /// Places the diagnostic at a byte range of `text`.
    pub fn at(mut self, text: &str, span: Range<usize>) -> Self {
        let start = span.start.min(text.len());
        let end = span.end.clamp(start, text.len());
        self.start = Some(line_col(text, start));
        self.end = Some(line_col(text, end));
        self.span = Some(start..end);
        self
    }
}

/// The diagnostics of one file, with its text kept for snippets.
#[derive(Debug, Clone, Default)]
pub struct FileReport {
    pub path: PathBuf,
    /// The text, kept only when there is something to show in it.
    pub text: Option<Arc<str>>,
    pub diagnostics: Vec<Diagnostic>,
}

impl FileReport {
    pub fn new(path: &Path) -> Self {
        FileReport {
            path: path.to_path_buf(),
            text: None,
            diagnostics: Vec::new(),
        }
    }

    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    pub fn is_valid(&self) -> bool {
        self.errors() == 0
    }

    pub fn first_error(&self) -> Option<&Diagnostic> {
        self.diagnostics
            .iter()
            .find(|d| d.severity == Severity::Error)
    }

    /// The first error as `line:col: message` (for a line that names the
    /// file beside it), on one line, or `fallback` when there is none.
    pub fn first_error_line(&self, fallback: &str) -> String {
        self.first_error().map_or_else(
            || fallback.to_string(),
            |d| match d.start {
                Some(at) => format!("{at}: {}", text_safety::one_line(&d.message)),
                None => text_safety::one_line(&d.message).into_owned(),
            },
        )
    }

    /// `path:line:col: severity: message` for one diagnostic: the form
    /// editors and `grep` understand, used in lists and status lines. It is
    /// meant for a terminal, so the path and the message are made safe.
    pub fn one_line(&self, d: &Diagnostic) -> String {
        let path = self.path.display().to_string();
        let path = text_safety::one_line(&path);
        let message = text_safety::one_line(&d.message);
        match d.start {
            Some(at) => format!("{path}:{at}: {}[{}]: {message}", d.severity, d.code),
            None => format!("{path}: {}[{}]: {message}", d.severity, d.code),
        }
    }

    /// Every diagnostic with a snippet of the source and a caret under the
    /// offending text. Everything in it that came from the file (its name,
    /// the messages quoting it, the snippet) is made safe for a terminal.
    pub fn render(&self, color: bool, width: usize) -> String {
        self.render_lines(color, width, usize::MAX)
    }

    /// [`render`](Self::render), stopping once `most` lines are written:
    /// a pane that shows 40 lines need not render 70,000 diagnostics a frame.
    pub fn render_lines(&self, color: bool, width: usize, most: usize) -> String {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_width(width)
            .with_context_lines(CONTEXT_LINES);
        let path = self.path.display().to_string();
        let name = text_safety::one_line(&path);
        let mut out = String::new();
        let mut lines = 0;
        for d in &self.diagnostics {
            if lines >= most {
                break;
            }
            let before = out.len();
            // A snippet of a huge line (a minified file) would flood the
            // terminal; the headline's line:col still says where.
            let source = match (self.text.as_deref(), &d.span) {
                (Some(text), Some(span)) if snippet_fits(text, span) => {
                    let line = d
                        .start
                        .map_or_else(|| line_col(text, span.start).line, |at| at.line);
                    Some(Snippet::new(&name, text, span.clone(), line))
                }
                _ => None,
            };
            let help = d
                .help
                .as_deref()
                .map(|h| text_safety::for_terminal(h, Keep::LineBreaks).into_owned());
            let shown = Shown {
                d,
                source,
                headline: self.one_line(d),
                help,
            };
            if handler.render_report(&mut out, &shown).is_err() {
                // Rendering into a String cannot fail in practice; fall back to
                // the plain line rather than lose the diagnostic.
                out.push_str(&shown.headline);
                out.push('\n');
            }
            lines += out[before..].matches('\n').count();
        }
        out
    }
}

/// Lines longer than this are not shown in snippets.
const MAX_SNIPPET_LINE: usize = 400;

/// Lines of context shown around a snippet.
const CONTEXT_LINES: usize = 1;

/// Whether every line a snippet of `span` shows (the span's lines and
/// `CONTEXT_LINES` on each side) is at most `MAX_SNIPPET_LINE` long. It
/// looks no further than those lines would reach if they were short, so it
/// costs the same for a 50 MB line (the diagnostics overlay renders every
/// frame), and a short line next to a huge one shows no snippet either.
fn snippet_fits(text: &str, span: &Range<usize>) -> bool {
    let bytes = text.as_bytes();
    let start = span.start.min(bytes.len());
    let end = span.end.clamp(start, bytes.len());
    let lines = CONTEXT_LINES + 1;
    let reach = lines * (MAX_SNIPPET_LINE + 1);
    if end - start > 64 * reach {
        return false;
    }
    // Back to the start of the first context line before the span.
    let from = start.saturating_sub(reach);
    let mut lo = start;
    let mut breaks = 0;
    while lo > from && breaks < lines {
        if bytes[lo - 1] == b'\n' {
            breaks += 1;
            if breaks == lines {
                break;
            }
        }
        lo -= 1;
    }
    if breaks < lines && lo > 0 {
        return false;
    }
    // On to the end of the last context line after it.
    let to = bytes.len().min(end + reach);
    let mut hi = end;
    let mut breaks = 0;
    while hi < to && breaks < lines {
        if bytes[hi] == b'\n' {
            breaks += 1;
            if breaks == lines {
                break;
            }
        }
        hi += 1;
    }
    if breaks < lines && hi < bytes.len() {
        return false;
    }
    bytes[lo..hi]
        .split(|&b| b == b'\n')
        .all(|line| line.len() <= MAX_SNIPPET_LINE)
}

/// The lines of a file that a diagnostic's snippet shows (its span and the
/// context around it), made safe for a terminal. miette is given only this
/// window, escaped, with the span moved to where it stands after escaping,
/// so the caret still stands under the offending text; line numbers and the
/// column in the snippet's header are those of the file.
struct Snippet<'a> {
    name: &'a str,
    /// The window as it stands in the file.
    original: &'a str,
    /// The window, escaped (newlines and tabs kept: miette lays them out).
    safe: Cow<'a, str>,
    /// The 0-based line number of the window's first line.
    first_line: usize,
    /// The escaped characters, in order.
    shifts: Vec<Escaped>,
    /// The diagnostic's span in `safe`.
    span: Range<usize>,
}

impl<'a> Snippet<'a> {
    /// The snippet of `span` in `text`, whose start is on (1-based) `line`.
    fn new(name: &'a str, text: &'a str, span: Range<usize>, line: usize) -> Self {
        let start = span.start.min(text.len());
        let end = span.end.clamp(start, text.len());
        let mut from = line_start(text, start);
        for _ in 0..CONTEXT_LINES {
            if from > 0 {
                from = line_start(text, from - 1);
            }
        }
        let mut to = line_end(text, end);
        for _ in 0..CONTEXT_LINES {
            if to < text.len() {
                to = line_end(text, to + 1);
            }
        }
        let original = &text[from..to];
        let lines_before = original.as_bytes()[..start - from]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        let first_line = line.saturating_sub(1 + lines_before);
        let mut shifts = Vec::new();
        let safe = text_safety::for_terminal_mapped(original, Keep::LineBreaksAndTabs, |o, s| {
            shifts.push(Escaped {
                original: o,
                safe: s,
            })
        });
        let mut snippet = Snippet {
            name,
            original,
            safe,
            first_line,
            shifts,
            span: 0..0,
        };
        snippet.span = snippet.to_safe(start - from)..snippet.to_safe(end - from);
        snippet
    }

    /// Where an offset of `original` stands in `safe`.
    fn to_safe(&self, offset: usize) -> usize {
        let k = self.shifts.partition_point(|e| e.original.end <= offset);
        match k.checked_sub(1).map(|k| &self.shifts[k]) {
            Some(e) => e.safe.end + (offset - e.original.end),
            None => offset,
        }
    }

    /// Where an offset of `safe` stands in `original`: inside an escape,
    /// the start of the escaped character.
    fn to_original(&self, offset: usize) -> usize {
        let k = self.shifts.partition_point(|e| e.safe.start <= offset);
        let mapped = match k.checked_sub(1).map(|k| &self.shifts[k]) {
            Some(e) if offset < e.safe.end => e.original.start,
            Some(e) => e.original.end + (offset - e.safe.end),
            None => offset,
        };
        mapped.min(self.original.len())
    }
}

/// One character of the window replaced by its escape.
struct Escaped {
    original: Range<usize>,
    safe: Range<usize>,
}

fn line_start(text: &str, byte: usize) -> usize {
    text[..byte].rfind('\n').map_or(0, |i| i + 1)
}

fn line_end(text: &str, byte: usize) -> usize {
    text[byte..].find('\n').map_or(text.len(), |i| byte + i)
}

impl SourceCode for Snippet<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.safe.as_ref().read_span(span, before, after)?;
        // miette counts the column in bytes of what it was given; the
        // header should name the column of the file, in characters.
        let at = self.to_original(span.offset().min(self.safe.len()));
        let column = self.original[line_start(self.original, at)..at]
            .chars()
            .count();
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_string(),
            inner.data(),
            *inner.span(),
            self.first_line + inner.line(),
            column,
            inner.line_count(),
        )))
    }
}

struct Shown<'a> {
    d: &'a Diagnostic,
    source: Option<Snippet<'a>>,
    headline: String,
    /// The help, made safe for a terminal.
    help: Option<String>,
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.headline)
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.headline)
    }
}

impl std::error::Error for Shown<'_> {}

impl miette::Diagnostic for Shown<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.source.as_ref()?.span.clone();
        let label = LabeledSpan::new_primary_with_span(Some("here".to_string()), span);
        Some(Box::new(std::iter::once(label)))
    }
}

/// The line and column of each of `offsets` in `text`, in one pass over
/// it: a big file with thousands of diagnostics must not be counted from
/// its start for each of them (that made validating it quadratic).
pub fn line_cols(text: &str, offsets: &[usize]) -> Vec<LineCol> {
    let mut order: Vec<usize> = (0..offsets.len()).collect();
    order.sort_by_key(|&i| offsets[i]);
    let bytes = text.as_bytes();
    let mut out = vec![LineCol { line: 1, column: 1 }; offsets.len()];
    let (mut at, mut line, mut column) = (0, 1, 1);
    for i in order {
        let mut byte = offsets[i].min(text.len());
        while !text.is_char_boundary(byte) {
            byte -= 1;
        }
        let read = &bytes[at..byte];
        match read.iter().rposition(|&b| b == b'\n') {
            Some(last) => {
                line += read.iter().filter(|&&b| b == b'\n').count();
                column = 1 + text[at + last + 1..byte].chars().count();
            }
            None => column += text[at..byte].chars().count(),
        }
        at = byte;
        out[i] = LineCol { line, column };
    }
    out
}

/// The 1-based line and character column of a byte offset.
pub fn line_col(text: &str, byte: usize) -> LineCol {
    let mut byte = byte.min(text.len());
    while !text.is_char_boundary(byte) {
        byte -= 1;
    }
    let before = &text.as_bytes()[..byte];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let column = 1 + text[line_start..byte].chars().count();
    LineCol { line, column }
}

/// The byte offset of a 1-based line and character column, clamped to the text.
pub fn offset_of(text: &str, at: LineCol) -> usize {
    let mut offset = 0;
    for _ in 1..at.line {
        match text[offset..].find('\n') {
            Some(i) => offset += i + 1,
            None => return text.len(),
        }
    }
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    text[offset..line_end]
        .char_indices()
        .nth(at.column.saturating_sub(1))
        .map_or(line_end, |(i, _)| offset + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_cols_in_one_pass_agree_with_line_col_in_any_order() {
        let text = "ab\nÄöü x\n\nlast line é";
        let offsets: Vec<usize> = vec![20, 0, 7, 3, 99, 8, 8, 12, 5];
        let placed = line_cols(text, &offsets);
        for (&o, p) in offsets.iter().zip(&placed) {
            assert_eq!(*p, line_col(text, o), "offset {o}");
        }
    }

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let text = "ab\nÄöü x\n";
        assert_eq!(line_col(text, 0), LineCol { line: 1, column: 1 });
        let x = text.find('x').unwrap_or_default();
        assert_eq!(line_col(text, x), LineCol { line: 2, column: 5 });
        assert_eq!(offset_of(text, LineCol { line: 2, column: 5 }), x);
    }

    #[test]
    fn offset_of_clamps_past_the_end() {
        assert_eq!(offset_of("abc", LineCol { line: 9, column: 1 }), 3);
        assert_eq!(
            offset_of(
                "abc\n",
                LineCol {
                    line: 1,
                    column: 99
                }
            ),
            3
        );
    }

    #[test]
    fn render_leaves_out_snippets_of_huge_lines() {
        let text = format!("({}x)", " ".repeat(10_000));
        let x = text.find('x').unwrap_or_default();
        let report = FileReport {
            path: PathBuf::from("big.ron"),
            text: Some(Arc::from(text.as_str())),
            diagnostics: vec![Diagnostic::error("parse.syntax", "bad").at(&text, x..x + 1)],
        };
        let out = report.render(false, 100);
        assert!(out.contains("big.ron:1:10002"), "{out}");
        assert!(out.len() < 1_000, "{} bytes", out.len());
    }

    #[test]
    fn render_lines_stops_once_the_pane_is_full() {
        let text = "(\n".to_string() + &"  x: 1,\n".repeat(1_000) + ")";
        let diagnostics = (0..1_000)
            .map(|i| {
                let at = 2 + i * 8 + 2;
                Diagnostic::warning("test.many", format!("number {i}")).at(&text, at..at + 1)
            })
            .collect();
        let report = FileReport {
            path: PathBuf::from("many.ron"),
            text: Some(Arc::from(text.as_str())),
            diagnostics,
        };
        let all = report.render(false, 100);
        let first = report.render_lines(false, 100, 30);
        assert!(
            all.starts_with(&first),
            "the first diagnostics, as rendered in full"
        );
        assert!(first.contains("number 0"));
        assert!(!first.contains("number 20"), "{first}");
        assert!(all.contains("number 999"));
    }

    #[test]
    fn render_leaves_out_snippets_next_to_huge_lines() {
        // The error is on a short line; the line after it is huge, and a
        // snippet shows one line of context on each side.
        let text = format!("(\n  narrative: \"\n{}\n\")", "word ".repeat(100_000));
        let at = text.find("narrative").unwrap_or_default();
        let report = FileReport {
            path: PathBuf::from("big.ron"),
            text: Some(Arc::from(text.as_str())),
            diagnostics: vec![Diagnostic::error("field.too-large", "big").at(&text, at..at + 1)],
        };
        let out = report.render(false, 100);
        assert!(out.contains("big.ron:2:3"), "{out}");
        assert!(out.len() < 1_000, "{} bytes", out.len());
    }

    #[test]
    fn render_shows_path_line_col_snippet_and_help() {
        let text = "(\n  id: \"x y\",\n)\n";
        let start = text.find("\"x y\"").unwrap_or_default();
        let report = FileReport {
            path: PathBuf::from("incidents/bad.ron"),
            text: Some(Arc::from(text)),
            diagnostics: vec![
                Diagnostic::error("id.invalid", "id \"x y\" contains a space")
                    .with_help("use letters, digits, '-', '_' or '.'")
                    .at(text, start..start + 5),
            ],
        };
        let out = report.render(false, 100);
        assert!(out.contains("incidents/bad.ron:2:7"), "{out}");
        assert!(out.contains("id: \"x y\""), "{out}");
        assert!(out.contains("──┬──") && out.contains("╰── here"), "{out}");
        assert!(out.contains("use letters"), "{out}");
    }

    /// The column (in characters) at which `needle` starts on the snippet
    /// line holding it, and the column of the caret's `┬` on the line after.
    fn caret_and_text(out: &str, needle: &str) -> (usize, usize) {
        let lines: Vec<&str> = out.lines().collect();
        let at = lines
            .iter()
            .position(|l| l.contains(needle) && l.contains('│'))
            .unwrap_or_else(|| panic!("{needle:?} not in a snippet line:\n{out}"));
        let col = |line: &str, pat: &str| {
            let byte = line
                .find(pat)
                .unwrap_or_else(|| panic!("{pat:?} in {line:?}"));
            line[..byte].chars().count()
        };
        let caret = lines[at + 1];
        let start = caret
            .char_indices()
            .find(|&(_, c)| c == '─' || c == '┬')
            .map_or(usize::MAX, |(i, _)| caret[..i].chars().count());
        (col(lines[at], needle), start)
    }

    #[test]
    fn snippets_show_escapes_and_keep_the_caret_under_the_text() {
        let text = "(\n  // \x1b]0;title\x07 \u{9b}31m\n  title: \"\x1b]52;c;aGk=\x07\u{202e}é\t\r陶\", bad: 1,\n)\n";
        let start = text.find("bad").unwrap_or_default();
        let report = FileReport {
            path: PathBuf::from("evil\x1b]0;name\x07.ron"),
            text: Some(Arc::from(text)),
            diagnostics: vec![
                Diagnostic::error("parse.syntax", "unexpected \x1b[2Jfield")
                    .with_help("remove \x1b]52;c;eA==\x07 it")
                    .at(text, start..start + 3),
            ],
        };
        let out = report.render(false, 200);
        for bad in ['\x1b', '\x07', '\r', '\u{9b}', '\u{202e}'] {
            assert!(!out.contains(bad), "{bad:?} in\n{out}");
        }
        assert!(out.contains("\\u{1b}]52;c;aGk=\\u{7}\\u{202e}é"), "{out}");
        assert!(out.contains("// \\u{1b}]0;title\\u{7} \\u{9b}31m"), "{out}");
        assert!(out.contains("evil\\u{1b}]0;name\\u{7}.ron:3:31"), "{out}");
        assert!(out.contains("[evil\\u{1b}]0;name\\u{7}.ron:3:31]"), "{out}");
        assert!(out.contains("unexpected \\u{1b}[2Jfield"), "{out}");
        assert!(out.contains("remove \\u{1b}]52;c;eA==\\u{7} it"), "{out}");
        // The snippet's lines keep their numbers, and the caret stands under
        // `bad` although escapes, a tab and a wide character come before it.
        assert!(out.contains(" 3 │   title:"), "{out}");
        let (text_col, caret_col) = caret_and_text(&out, "bad: 1");
        let wide = 1; // 陶 takes two columns for one character
        assert_eq!(caret_col, text_col + wide, "{out}");
    }
}
