//! JSON export: the report model as a versioned document.
//!
//! The document *is* the [`Report`] serialised as it stands, pretty-printed
//! with a trailing newline. Its first field is `"format": "hotwash-report/1"`;
//! `assets/hotwash-report-1.schema.json` (JSON Schema 2020-12) describes every
//! field and `docs/REPORT-JSON.md` explains them and the versioning policy.
//! A change to the report model that changes this document must change the
//! schema in the same commit; the tests validate fresh exports against it.

use super::ExportError;
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
pub fn write(report: &Report, out: &mut dyn std::io::Write) -> Result<(), ExportError> {
    serde_json::to_writer_pretty(&mut *out, report).map_err(|e| json_error("JSON", e))?;
    out.write_all(b"\n").map_err(ExportError::Output)
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
mod tests {
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

    #[test]
    fn the_same_report_gives_the_same_bytes() {
        let r = report();
        assert_eq!(render(&r).expect("a"), render(&r).expect("b"));
    }
}
