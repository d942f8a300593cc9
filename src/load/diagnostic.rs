//! Diagnostics: what is wrong with a file, where, and how to fix it.
//! Rendered for people with miette (snippet and caret) and for pipelines as JSON.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
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

    /// `path:line:col: severity: message` for one diagnostic: the form
    /// editors and `grep` understand, used in lists and status lines.
    pub fn one_line(&self, d: &Diagnostic) -> String {
        match d.start {
            Some(at) => format!(
                "{}:{at}: {}[{}]: {}",
                self.path.display(),
                d.severity,
                d.code,
                d.message
            ),
            None => format!(
                "{}: {}[{}]: {}",
                self.path.display(),
                d.severity,
                d.code,
                d.message
            ),
        }
    }

    /// Every diagnostic with a snippet of the source and a caret under the
    /// offending text.
    pub fn render(&self, color: bool, width: usize) -> String {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_width(width)
            .with_context_lines(1);
        let name = self.path.display().to_string();
        let mut out = String::new();
        for d in &self.diagnostics {
            // A snippet of a huge line (a minified file) would flood the
            // terminal; the headline's line:col still says where.
            let source = self
                .text
                .as_deref()
                .filter(|text| d.span.as_ref().is_some_and(|s| snippet_fits(text, s)))
                .map(|text| Named { name: &name, text });
            let shown = Shown {
                d,
                source,
                headline: self.one_line(d),
            };
            if handler.render_report(&mut out, &shown).is_err() {
                // Rendering into a String cannot fail in practice; fall back to
                // the plain line rather than lose the diagnostic.
                out.push_str(&shown.headline);
                out.push('\n');
            }
        }
        out
    }
}

/// Lines longer than this are not shown in snippets.
const MAX_SNIPPET_LINE: usize = 400;

/// Whether every line a snippet of `span` shows (the span's lines and
/// one line of context on each side) is at most `MAX_SNIPPET_LINE` long.
/// It looks no further than those lines would reach if they were short, so
/// it costs the same for a 50 MB line (the diagnostics overlay renders
/// every frame).
fn snippet_fits(text: &str, span: &Range<usize>) -> bool {
    let bytes = text.as_bytes();
    let start = span.start.min(bytes.len());
    let end = span.end.clamp(start, bytes.len());
    let reach = 2 * (MAX_SNIPPET_LINE + 1);
    if end - start > 64 * reach {
        return false;
    }
    // Back to the start of the line before the span's first.
    let from = start.saturating_sub(reach);
    let mut lo = start;
    let mut breaks = 0;
    while lo > from && breaks < 2 {
        if bytes[lo - 1] == b'\n' {
            breaks += 1;
            if breaks == 2 {
                break;
            }
        }
        lo -= 1;
    }
    if breaks < 2 && lo > 0 {
        return false;
    }
    // On to the end of the line after the span's last.
    let to = bytes.len().min(end + reach);
    let mut hi = end;
    let mut breaks = 0;
    while hi < to && breaks < 2 {
        if bytes[hi] == b'\n' {
            breaks += 1;
            if breaks == 2 {
                break;
            }
        }
        hi += 1;
    }
    if breaks < 2 && hi < bytes.len() {
        return false;
    }
    bytes[lo..hi]
        .split(|&b| b == b'\n')
        .all(|line| line.len() <= MAX_SNIPPET_LINE)
}

/// The file's text under its path, for miette, without copying the text.
struct Named<'a> {
    name: &'a str,
    text: &'a str,
}

impl SourceCode for Named<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.read_span(span, before, after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_string(),
            inner.data(),
            *inner.span(),
            inner.line(),
            inner.column(),
            inner.line_count(),
        )))
    }
}

struct Shown<'a> {
    d: &'a Diagnostic,
    source: Option<Named<'a>>,
    headline: String,
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
        self.d
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        match (&self.source, &self.d.span) {
            (Some(s), Some(_)) => Some(s),
            _ => None,
        }
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.d.span.clone()?;
        self.source.as_ref()?;
        let label = LabeledSpan::new_primary_with_span(Some("here".to_string()), span);
        Some(Box::new(std::iter::once(label)))
    }
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
}
