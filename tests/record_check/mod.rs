//! Checks shared by the tests that hold a bundled record to its research
//! (`records_*.rs`): the tables of dates, fidelities and grades live in each
//! test, written from the research; this module only compares.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use hotwash::load::{self, LoadOptions};
use hotwash::model::{Fidelity, RecommendationStatus, Record, Review, Timestamp};

/// One dated row of a research chronology, as the research writes it, and
/// the event that carries it.
pub struct Row {
    /// The record's event.
    pub event: &'static str,
    /// The row's number in the research table.
    pub row: &'static str,
    /// The date exactly as the research writes it (for the failure message).
    pub research: &'static str,
    /// The timestamp that date means, at the precision the research gives.
    pub at: &'static str,
    pub end: Option<&'static str>,
    /// When it became known to the own side, where the research says so.
    pub known: Option<&'static str>,
    pub fidelity: Fidelity,
    /// The research's grade of the row: `A`, `B` or `A/B`.
    pub grade: &'static str,
}

pub fn incidents() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("incidents")
}

/// The record and its review, both loaded without a single diagnostic.
pub fn load_clean(name: &str) -> (Record, Review) {
    let options = LoadOptions::default();
    let path = incidents().join(format!("{name}.ron"));
    let loaded = load::load_record(&path, &options);
    assert!(
        loaded.report.diagnostics.is_empty(),
        "{name}: {:#?}",
        loaded.report.diagnostics
    );
    let record = loaded.value.expect("a record");
    let review_path = load::review_path(&path);
    assert!(review_path.is_file(), "no review beside {name}");
    let review = load::load_review(&review_path, &record, Some(&Default::default()), &options);
    assert!(
        review.report.diagnostics.is_empty(),
        "{name} review: {:#?}",
        review.report.diagnostics
    );
    (record, review.value.expect("a review"))
}

fn ts(text: &str) -> Timestamp {
    text.parse()
        .unwrap_or_else(|e| panic!("table timestamp {text}: {e}"))
}

/// The credibilities a research grade allows: A is 1 (confirmed by other
/// sources), B is 2 (probably true); a row graded A/B allows either.
fn credibilities(grade: &str) -> &'static [u8] {
    match grade {
        "A" => &[1],
        "B" => &[2],
        "A/B" => &[1, 2],
        other => panic!("no credibility for research grade {other}"),
    }
}

/// Every event of the record is a row of the table and every row an event;
/// each has the table's times, fidelity and grades.
pub fn check_rows(record: &Record, rows: &[Row]) {
    let in_record: BTreeSet<&str> = record.events.iter().map(|e| e.id.as_str()).collect();
    let in_table: BTreeSet<&str> = rows.iter().map(|r| r.event).collect();
    assert_eq!(
        in_record, in_table,
        "the record's events and the research table differ"
    );
    for row in rows {
        let event = record.event(row.event).expect("listed above");
        let what = format!(
            "{} (research row {}, {:?})",
            row.event, row.row, row.research
        );
        assert_eq!(event.at, ts(row.at), "{what}: at");
        assert_eq!(event.end, row.end.map(ts), "{what}: end");
        assert_eq!(event.known, row.known.map(ts), "{what}: known");
        assert_eq!(event.fidelity, row.fidelity, "{what}: fidelity");
        assert!(!event.sources.is_empty(), "{what}: no source");
        for citation in &event.sources {
            assert!(
                credibilities(row.grade).contains(&citation.credibility.0),
                "{what}: {} is cited at credibility {}, the research grades the row {}",
                citation.source,
                citation.credibility.0,
                row.grade
            );
        }
    }
}

/// Every source's address is one the research gives in full, or one recovered
/// from a stored copy for an address the research cut short; none is cut short.
pub fn check_addresses(record: &Record, research: &[&str], recovered: &[&str]) {
    for source in &record.sources {
        assert!(
            !source.url.contains("..."),
            "{}: a truncated address",
            source.id
        );
        assert!(
            research.contains(&source.url.as_str()) || recovered.contains(&source.url.as_str()),
            "{}: {} is not an address the research gives",
            source.id,
            source.url
        );
    }
}

/// Every owner is one of `allowed`: roles the sources name, or "to be assigned".
pub fn check_owners(review: &Review, allowed: &[&str]) {
    assert!(!review.recommendations.is_empty());
    for r in &review.recommendations {
        assert!(
            allowed.contains(&r.owner.as_str()),
            "{}: owner {:?} is not a role the sources name",
            r.id,
            r.owner
        );
    }
}

/// The review is written as of `as_of`, which it says, and which comes after
/// everything the record dates; what is done was due by then, what is still
/// open is due after it.
pub fn check_as_of(record: &Record, review: &Review, as_of: NaiveDate, said: &str) {
    assert!(
        review
            .marks
            .iter()
            .filter_map(|m| m.note.as_deref())
            .any(|n| n.contains(said)),
        "the review does not say it is written {said:?}"
    );
    let last = record
        .events
        .iter()
        .flat_map(|e| [Some(e.at), e.end, e.known])
        .flatten()
        .map(|t| t.earliest().date_naive())
        .max()
        .expect("events");
    assert!(
        last < as_of,
        "the review ({as_of}) predates an event ({last})"
    );
    for r in &review.recommendations {
        let Some(due) = r.due else { continue };
        match r.status {
            RecommendationStatus::Done | RecommendationStatus::Declined => {
                assert!(due <= as_of, "{}: {:?} but due {due}", r.id, r.status)
            }
            _ => assert!(due > as_of, "{}: still {:?}, due {due}", r.id, r.status),
        }
    }
}

/// One root cause at least, and every finding rests on events of the record.
pub fn check_findings(record: &Record, review: &Review) {
    assert!(
        review
            .findings
            .iter()
            .any(|f| f.kind == hotwash::model::FindingKind::RootCause),
        "no root cause"
    );
    for f in &review.findings {
        assert!(!f.events.is_empty(), "{} rests on no event", f.id);
        for e in &f.events {
            assert!(record.event(e).is_some(), "{}: no event {e}", f.id);
        }
    }
}
