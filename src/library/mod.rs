//! What the library keeps of each record: a small [`RecordSummary`] (the
//! row it shows and what the view across incidents counts), never the
//! parsed record, so that a library of thousands of records, or of a few
//! huge ones, holds little memory. A record is read in full only when it
//! is opened.
//!
//! [`summarise`] is the one function that turns a record file (and the
//! review beside it) into its summary; a cache can sit in front of it. The
//! summary is plain data (Serialize + Deserialize) and depends on both
//! files: the review gives the progress, the banner and the decisions.
//!
//! [`parallel`] runs a function over many files on every core, in the
//! files' order, for the workbench's library and for `hotwash validate`.

pub mod parallel;

use std::collections::HashSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::load::{self, FileReport, LoadOptions};
use crate::model::time::{ZoneChoice, display};
use crate::model::{Classification, Fidelity, OriginFormat, Record, Review};
use crate::timeline::Timeline;

pub use parallel::map_in_order;

/// One record of the library, as its row and the view across incidents
/// need it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordSummary {
    /// The id, title, markings, event count, each control's tally of
    /// effects and the detection lag (what `hotwash stats` counts).
    pub stats: crate::stats::Summary,
    /// The days of the first and last events, in UTC ("2024-02-19 –
    /// 2024-03-01"), or "no events".
    pub period: String,
    /// How many of the record's controls an event failed.
    pub failed_controls: usize,
    /// Where the record was imported from; `None`: written by hand.
    pub origin: Option<OriginFormat>,
    pub review: ReviewProgress,
    /// The record file's size in bytes (0 when not known): opening a big
    /// one is said, and done off the main thread.
    pub size: u64,
}

/// What the review beside a record adds to its summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewProgress {
    /// Events marked reviewed.
    pub reviewed: usize,
    /// The banner over the record and the review together (a VS-NfD
    /// finding raises an OFFEN record's), as the review screen shows it.
    pub banner: Classification,
    /// Candidate controls (an event's `candidates`) with no decision in the
    /// review for that event and control.
    pub awaiting_decision: usize,
    /// Why the review file beside the record was not used (it does not
    /// load): its first error as `line:col: message`. The summary is then
    /// of the record with an empty review.
    pub unusable: Option<String>,
}

impl RecordSummary {
    /// The summary of a parsed record with its review, `timeline` being
    /// the record's (built by the caller, who often has it already).
    pub fn of(record: &Record, timeline: &Timeline, review: &Review) -> RecordSummary {
        RecordSummary {
            stats: crate::stats::Summary::of(record),
            period: period(record, timeline),
            failed_controls: timeline.failed_controls(),
            origin: record.origin.as_ref().map(|o| o.format),
            review: ReviewProgress::of(record, review),
            size: 0,
        }
    }

    pub fn id(&self) -> &str {
        &self.stats.id
    }

    /// Where the record came from and its candidates awaiting a decision.
    pub fn provenance(&self) -> crate::review::decide::Provenance {
        crate::review::decide::Provenance {
            origin: self.origin,
            awaiting: self.review.awaiting_decision,
        }
    }

    pub fn title(&self) -> &str {
        &self.stats.title
    }

    /// How many controls the record declares.
    pub fn controls(&self) -> usize {
        self.stats.controls.len()
    }

    pub fn events(&self) -> usize {
        self.stats.events
    }
}

impl ReviewProgress {
    pub fn of(record: &Record, review: &Review) -> ReviewProgress {
        let decided: HashSet<(&str, &str)> = review
            .decisions
            .iter()
            .map(|d| (d.event.as_str(), d.control.as_str()))
            .collect();
        let awaiting_decision = record
            .events
            .iter()
            .flat_map(|e| e.candidates.iter().map(move |c| (e.id.as_str(), c)))
            .filter(|(event, c)| !decided.contains(&(*event, c.control.as_str())))
            .count();
        ReviewProgress {
            reviewed: review.marks.iter().filter(|m| m.reviewed).count(),
            banner: crate::report::shown_classification(record, review),
            awaiting_decision,
            unusable: None,
        }
    }
}

/// The days a record's events span, in UTC ("2024-02-19 – 2024-03-01"):
/// from the first event's start to the latest an event runs to (its end
/// where it has one, else its start), each no finer than a day nor than
/// the event is known.
pub fn period(record: &Record, timeline: &Timeline) -> String {
    let first = timeline.event_at(0).map(|i| &record.events[i]);
    let until = |e: &crate::model::Event| e.end.as_ref().unwrap_or(&e.at).earliest();
    let last = record.events.iter().max_by_key(|e| until(e));
    match (first, last) {
        (Some(f), Some(l)) => {
            let day = |e: &crate::model::Event, at: &crate::model::time::Timestamp| {
                display(at, Fidelity::Day.min(e.fidelity), ZoneChoice::Utc, None)
            };
            let (a, b) = (day(f, &f.at), day(l, l.end.as_ref().unwrap_or(&l.at)));
            if a == b { a } else { format!("{a} – {b}") }
        }
        _ => "no events".to_string(),
    }
}

/// The review a record is shown with, as the review screen would open it
/// (`review::store::open`): the file beside it, or an empty review when
/// there is none or it cannot be used (the review screen then says why,
/// read-only), with why (see [`ReviewProgress::unusable`]). Only read: the
/// store's clean-up of interrupted saves lists the whole folder, which for
/// each record of a large library would make loading it quadratic; it is
/// done when the record is opened.
fn review_beside(path: &Path, record: &Record, options: &LoadOptions) -> (Review, Option<String>) {
    let review = load::review_path(path);
    // Nothing at all at the name: a new review (a broken link is read, and
    // refused, as the store does).
    if std::fs::symlink_metadata(&review).is_err() {
        return (Review::new(record.id.clone()), None);
    }
    // The summary holds no sign-off state: a stale one is not worth a
    // hash of the whole record here.
    let loaded = load::load_review(&review, record, None, options);
    match loaded.value {
        Some(review) => (review, None),
        None => (
            Review::new(record.id.clone()),
            Some(loaded.report.first_error_line("not a review")),
        ),
    }
}

/// The kind of the cache's entries of summaries.
pub const SUMMARY_KIND: &str = "summary";

/// The summary of the record file at `path` with the review beside it, or
/// the record's report when it does not load. The parsed record is
/// dropped before this returns.
///
/// With a cache, a summary is kept for the exact bytes of the record and
/// of its review (or that there is none), so that opening a library again
/// reads a few hundred bytes per record instead of the record. A record
/// that does not load is never stored: its report is made afresh.
pub fn summarise(path: &Path, options: &LoadOptions) -> Result<RecordSummary, FileReport> {
    match &options.cache {
        Some(cache) => {
            // The field limit decides whether the record loads at all.
            let base = crate::cache::Key::new(SUMMARY_KIND).param("max-field", options.max_field);
            // Too big to read: said by the load, as without a cache.
            if std::fs::metadata(path).is_ok_and(|m| m.len() > options.max_size) {
                return summarise_file(path, options);
            }
            let review = load::review_path(path);
            cache.get_or_insert_with(&[path, &review], &base, || summarise_file(path, options))
        }
        None => summarise_file(path, options),
    }
}

/// [`summarise`] from the files themselves (the record through the cache
/// of records, when there is one).
fn summarise_file(path: &Path, options: &LoadOptions) -> Result<RecordSummary, FileReport> {
    let loaded = load::load_record(path, options);
    let record = loaded.value.ok_or(loaded.report)?;
    let (review, unusable) = review_beside(path, &record, options);
    // Counted as the workbench shows it: with the analyst's decisions on
    // candidate controls applied.
    let record = crate::review::decide::effective(&record, &review);
    let mut summary = RecordSummary::of(&record, &Timeline::new(&record), &review);
    summary.size = std::fs::metadata(path).map_or(0, |m| m.len());
    summary.review.unusable = unusable;
    Ok(summary)
}

/// The summary of a record bundled with hotwash, with its bundled review.
pub fn summarise_bundled(
    file: &crate::bundled::BundledFile,
    options: &LoadOptions,
) -> Result<RecordSummary, FileReport> {
    let path = crate::bundled::path_of(file.name);
    let loaded = load::record_from_text_with(&path, file.text.into(), options);
    let record = loaded.value.ok_or(loaded.report)?;
    let review = bundled_review(&path, &record, options);
    let record = crate::review::decide::effective(&record, &review);
    let mut summary = RecordSummary::of(&record, &Timeline::new(&record), &review);
    summary.size = file.text.len() as u64;
    Ok(summary)
}

/// The review shipped with a bundled record, or an empty one.
pub fn bundled_review(path: &Path, record: &Record, options: &LoadOptions) -> Review {
    crate::bundled::review_of(path)
        .and_then(|file| {
            let path = crate::bundled::path_of(file.name);
            load::review_from_text_with(&path, file.text.into(), record, None, options).value
        })
        .unwrap_or_else(|| Review::new(record.id.clone()))
}
