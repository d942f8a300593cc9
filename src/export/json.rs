//! JSON export: the report model as a versioned document.
//!
//! The document *is* the [`Report`] serialised as it stands, pretty-printed
//! with a trailing newline. Its first field is `"format": "hotwash-report/1"`;
//! `assets/hotwash-report-1.schema.json` (JSON Schema 2020-12) describes every
//! field and `docs/REPORT-JSON.md` explains them and the versioning policy.
//! A change to the report model that changes this document must change the
//! schema in the same commit; the tests validate fresh exports against it.
//!
//! The bytes are those of `serde_json::to_writer_pretty(report)` (a test
//! holds them to it), but the long arrays (events, matrix rows) are
//! rendered a chunk at a time on every core ([`super::chunks`]) and spliced
//! in at their depth by [`Pretty`].

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::Formatter;

use super::ExportError;
use super::chunks::{ChunkError, write_in_order};
use crate::report::Report;

pub fn render(report: &Report) -> Result<String, ExportError> {
    let mut bytes = Vec::new();
    write(report, &mut bytes)?;
    String::from_utf8(bytes).map_err(|e| ExportError::Render {
        format: "JSON",
        message: e.to_string(),
    })
}

/// Writes the document to `out` as it is serialised.
pub fn write(report: &Report, out: &mut dyn Write) -> Result<(), ExportError> {
    // Every field, in the struct's order (which the derive writes): a field
    // added to the report without a line here does not compile.
    let Report {
        format,
        generator,
        generated,
        classification,
        tlp,
        ceiling,
        withheld,
        record,
        signoff,
        findings,
        recommendations,
        events,
        controls,
        matrix,
        claims,
        sources,
    } = report;
    let mut doc = Document::new(out, "JSON");
    doc.open(b"{")?;
    doc.field("format", format)?;
    doc.field("generator", generator)?;
    doc.field("generated", generated)?;
    doc.field("classification", classification)?;
    doc.field("tlp", tlp)?;
    doc.field("ceiling", ceiling)?;
    doc.field("withheld", withheld)?;
    doc.field("record", record)?;
    doc.field("signoff", signoff)?;
    doc.array("findings", findings, 64)?;
    doc.array("recommendations", recommendations, 64)?;
    doc.array("events", events, EVENTS_PER_CHUNK)?;
    doc.array("controls", controls, 64)?;
    // A row holds a cell per event: one row is a chunk.
    doc.array("matrix", matrix, 1)?;
    doc.array("claims", claims, 64)?;
    doc.array("sources", sources, 64)?;
    doc.close(b"}")?;
    out.write_all(b"\n").map_err(ExportError::Output)
}

/// Events a worker renders at a time: a few hundred kilobytes of text.
const EVENTS_PER_CHUNK: usize = 256;

/// A pretty-printed JSON object or array written by hand at the top, with
/// its values serialised by [`Pretty`] at their depth: the same bytes as
/// `serde_json::to_writer_pretty` of the whole.
pub(super) struct Document<'w> {
    out: &'w mut dyn Write,
    format: &'static str,
    /// Nesting of the container being written (1 inside the outermost).
    depth: usize,
    /// Whether the container being written has a value yet.
    has_value: bool,
}

impl<'w> Document<'w> {
    pub(super) fn new(out: &'w mut dyn Write, format: &'static str) -> Self {
        Document {
            out,
            format,
            depth: 0,
            has_value: false,
        }
    }

    fn raw(&mut self, bytes: &[u8]) -> Result<(), ExportError> {
        self.out.write_all(bytes).map_err(ExportError::Output)
    }

    /// Opens an object (`{`) or an array (`[`), inside which the next
    /// values go.
    pub(super) fn open(&mut self, bracket: &[u8]) -> Result<(), ExportError> {
        self.depth += 1;
        self.has_value = false;
        self.raw(bracket)
    }

    /// Closes what [`Document::open`] opened, after what was written in it.
    /// Only the outermost container or one that is not empty closes here
    /// (its parent is taken to hold a value).
    pub(super) fn close(&mut self, bracket: &[u8]) -> Result<(), ExportError> {
        self.depth -= 1;
        if self.has_value {
            self.raw(b"\n")?;
            indent(self.out, self.depth).map_err(ExportError::Output)?;
        }
        self.has_value = true;
        self.raw(bracket)
    }

    /// Starts the next entry of the container: its separator and indent.
    fn next(&mut self) -> Result<(), ExportError> {
        let separator: &[u8] = if self.has_value { b",\n" } else { b"\n" };
        self.raw(separator)?;
        indent(self.out, self.depth).map_err(ExportError::Output)
    }

    /// Starts the entry `name` of an object, up to its value.
    pub(super) fn key(&mut self, name: &str) -> Result<(), ExportError> {
        self.next()?;
        let format = self.format;
        name.serialize(&mut serde_json::Serializer::new(&mut *self.out))
            .map_err(|e| json_error(format, e))?;
        self.raw(b": ")
    }

    /// The entry `name: value` of an object.
    pub(super) fn field<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), ExportError> {
        self.key(name)?;
        self.value(value)
    }

    /// A value at the current depth, after its key (or as the next
    /// element of an array, after [`Document::element`]).
    pub(super) fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ExportError> {
        let format = self.format;
        let mut ser =
            serde_json::Serializer::with_formatter(&mut *self.out, Pretty::at(self.depth));
        value
            .serialize(&mut ser)
            .map_err(|e| json_error(format, e))?;
        self.has_value = true;
        Ok(())
    }

    /// Starts the next element of an array.
    pub(super) fn element(&mut self) -> Result<(), ExportError> {
        self.next()
    }

    /// The entry `name: [items…]` of an object, its items rendered in
    /// chunks of `per_chunk` on every core.
    pub(super) fn array<T: Serialize + Sync>(
        &mut self,
        name: &str,
        items: &[T],
        per_chunk: usize,
    ) -> Result<(), ExportError> {
        self.key(name)?;
        self.open(b"[")?;
        self.elements(items, per_chunk, |_, item, out, depth| {
            item.serialize(&mut serde_json::Serializer::with_formatter(
                out,
                Pretty::at(depth),
            ))
        })?;
        self.close(b"]")
    }

    /// The next elements of the open array, one per item, each written by
    /// `render` (given the item's index in `items`, and the depth to
    /// serialise at) in chunks of `per_chunk` on every core.
    pub(super) fn elements<T: Sync>(
        &mut self,
        items: &[T],
        per_chunk: usize,
        render: impl Fn(usize, &T, &mut Vec<u8>, usize) -> Result<(), serde_json::Error> + Sync,
    ) -> Result<(), ExportError> {
        if items.is_empty() {
            return Ok(());
        }
        let depth = self.depth;
        let follows = self.has_value;
        let format = self.format;
        write_in_order(
            items,
            per_chunk,
            &mut *self.out,
            |chunk, first, buffer: &mut Vec<u8>| {
                for (i, item) in chunk.iter().enumerate() {
                    let separator: &[u8] = if first + i == 0 && !follows {
                        b"\n"
                    } else {
                        b",\n"
                    };
                    buffer.extend_from_slice(separator);
                    push_indent(buffer, depth);
                    render(first + i, item, buffer, depth)?;
                }
                Ok(())
            },
        )
        .map_err(|e| match e {
            ChunkError::Render(e) => json_error(format, e),
            ChunkError::Write(e) => ExportError::Output(e),
        })?;
        self.has_value = true;
        Ok(())
    }
}

/// Two spaces per level, as serde_json's pretty printer indents.
fn indent(out: &mut dyn Write, depth: usize) -> io::Result<()> {
    for _ in 0..depth {
        out.write_all(b"  ")?;
    }
    Ok(())
}

fn push_indent(buffer: &mut Vec<u8>, depth: usize) {
    for _ in 0..depth {
        buffer.extend_from_slice(b"  ");
    }
}

/// serde_json's `PrettyFormatter` (two spaces) starting `depth` levels in,
/// so that a value serialised alone can be spliced into a pretty document
/// where it stands. The layout is serde_json's, method for method.
pub(super) struct Pretty {
    depth: usize,
    has_value: bool,
}

impl Pretty {
    pub(super) fn at(depth: usize) -> Self {
        Pretty {
            depth,
            has_value: false,
        }
    }

    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            w.write_all(b"\n")?;
            for _ in 0..self.depth {
                w.write_all(b"  ")?;
            }
        }
        w.write_all(bracket)
    }

    fn next<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        for _ in 0..self.depth {
            w.write_all(b"  ")?;
        }
        Ok(())
    }
}

impl Formatter for Pretty {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.next(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.next(w, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// A serialiser's error: the writer's (told as such), or its own.
pub(super) fn json_error(format: &'static str, e: serde_json::Error) -> ExportError {
    if e.is_io() {
        ExportError::Output(e.into())
    } else {
        ExportError::Render {
            format,
            message: e.to_string(),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::{Record, Review};
    use crate::report::{REPORT_FORMAT, ReportOptions, build};

    const RECORD: &str = r#"(schema: 1, id: "r", title: "T", summary: "S",
        classification: (scheme: Nato, level: Restricted), tlp: "AMBER",
        events: [(id: "E1", at: "2024-01-01", fidelity: Day, title: "t", narrative: "n", portion: Unclassified)],
    )"#;

    /// The report borrows its record: a test's record lives as long as the test run.
    fn leak<T>(value: T) -> &'static T {
        Box::leak(Box::new(value))
    }

    fn report() -> Report<'static> {
        let record: &Record = leak(crate::load::parse(RECORD).expect("record"));
        build(record, leak(Review::new("r")), &ReportOptions::default())
    }

    #[test]
    fn the_document_opens_with_its_format_and_ends_with_a_newline() {
        let text = render(&report()).expect("render");
        assert!(text.ends_with("}\n"), "{text}");
        let first = text.lines().nth(1).expect("a second line");
        assert_eq!(first.trim(), format!("\"format\": \"{REPORT_FORMAT}\","));
        let value: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(value["tlp"], "AMBER");
        // The title and summary carry no portion mark, so they count at the
        // overall level and set the banner.
        assert_eq!(value["classification"]["banner"], "NATO RESTRICTED");
    }

    #[test]
    fn the_keys_read_from_the_judgement_down() {
        let text = render(&report()).expect("render");
        let keys: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("  \"")?.split('"').next())
            .collect();
        assert_eq!(
            keys,
            [
                "format",
                "generator",
                "generated",
                "classification",
                "tlp",
                "ceiling",
                "withheld",
                "record",
                "signoff",
                "findings",
                "recommendations",
                "events",
                "controls",
                "matrix",
                "claims",
                "sources"
            ]
        );
    }

    /// A record of `n` events that cite its source and link its control,
    /// with text that needs escaping.
    pub(crate) fn record_of(n: usize) -> String {
        let mut events = String::new();
        for i in 0..n {
            events.push_str(&format!(
                r#"(id: "E{i}", at: "2024-01-01T{:02}:{:02}:00Z", fidelity: Minute,
                    title: "t{i} \"q\" \u{{7}}", narrative: "n\nl\u{{e9}}\\",
                    place: (name: "p"), actors: ["a", "b"],
                    sources: [(source: "s", credibility: 2)],
                    controls: [(control: "SC-8", effect: Failed)], portion: Unclassified),"#,
                (i / 60) % 24,
                i % 60
            ));
        }
        format!(
            r#"(schema: 1, id: "r", title: "T", summary: "S",
            classification: (scheme: Nato, level: Restricted), tlp: "AMBER",
            sources: [(id: "s", title: "t", publisher: "p", url: "https://example.org/\u{{f6}}", reliability: B)],
            controls: [(catalogue: NistSp80053r5, id: "SC-8", title: "Transmission", expects: "x")],
            events: [{events}])"#
        )
    }

    #[test]
    fn the_document_is_serde_jsons_pretty_print_of_the_report_at_any_size() {
        // Enough events for several windows of chunks on any machine.
        for n in [0, 1, 20_000] {
            let record: &Record = leak(crate::load::parse(&record_of(n)).expect("record"));
            let report = build(record, leak(Review::new("r")), &ReportOptions::default());
            assert_eq!(report.events.len(), n);
            let mut expected = serde_json::to_vec_pretty(&report).expect("serde_json");
            expected.push(b'\n');
            let text = render(&report).expect("render");
            assert!(text.as_bytes() == expected, "{n} events: the bytes differ");
        }
    }

    #[test]
    fn the_same_report_gives_the_same_bytes() {
        let r = report();
        assert_eq!(render(&r).expect("a"), render(&r).expect("b"));
    }
}
