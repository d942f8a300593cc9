//! Exporting a synthetic record of 100,000 events (with a review of a
//! thousand findings and marks) to each format. Target: under 2 seconds per
//! format, from the loaded record and review to the finished text
//! (`export`, into one string) or to the last byte written (`export_streamed`,
//! as `hotwash export` writes it). The whole commands are measured by
//! `benches/export_whole.py` (BENCHMARKS.md, issue 14).
//!
//! `report_build` builds the report model alone, the part every format
//! shares.
//!
//! `review_export` exports a review of 10,000 and of 100,000 findings with
//! as many recommendations (on a record of 1,000 events): the time must grow
//! tenfold, not a hundredfold. `review_validate` checks the same reviews
//! against their record, as `hotwash validate` does.
//!
//! `pdf` lays out and writes the PDF of synthetic records of 100 and 1,000
//! events (no review): the PDF export refuses reports much larger than
//! 1,000 events (`hotwash::export::pdf::MAX_DATA_BYTES`).
//!
//! ```text
//! cargo bench --bench export
//! ```

use std::sync::OnceLock;

use std::path::Path;

use divan::{Bencher, black_box};
use hotwash::export::{Format, Layout, render};
use hotwash::model::{
    Confidence, EventMark, Finding, FindingKind, Level, Likelihood, Recommendation,
    RecommendationStatus, Record, Review, Severity,
};
use hotwash::report::{ReportOptions, build};

// Shared with examples/synth.rs and the other benchmarks; this one only generates.
#[allow(dead_code)]
#[path = "common/synth.rs"]
mod synth;

const EVENTS: usize = 100_000;

// The allocator the hotwash binary uses, so the figures are the program's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
}

/// The record, and a review that marks every hundredth event and holds a
/// finding with a recommendation for each of those.
fn inputs() -> &'static (Record, Review) {
    static INPUTS: OnceLock<(Record, Review)> = OnceLock::new();
    INPUTS.get_or_init(|| {
        let record = synth::record(EVENTS, 1);
        let mut review = Review::new(record.id.clone());
        for (k, e) in record.events.iter().step_by(100).enumerate() {
            let mut mark = EventMark::new(e.id.to_string());
            mark.reviewed = true;
            mark.flagged = k % 3 == 0;
            mark.note = Some(format!("checked against the sources ({k})"));
            review.marks.push(mark);
            let id = format!("F{k:04}");
            review.findings.push(Finding {
                id: id.clone(),
                title: format!("Finding about {}", e.title),
                statement: "Evidence first, then judgement.".into(),
                kind: FindingKind::ContributingFactor,
                severity: Severity::Medium,
                likelihood: Likelihood::Likely,
                confidence: Confidence::Moderate,
                events: vec![e.id.to_string()],
                controls: e.controls.iter().map(|c| c.control.to_string()).collect(),
                portion: Level::Unclassified,
            });
            review.recommendations.push(Recommendation {
                id: format!("R{k:04}"),
                finding: id,
                action: "Fix the control.".into(),
                owner: "Security office".into(),
                due: None,
                status: RecommendationStatus::Recommended,
            });
        }
        (record, review)
    })
}

fn options() -> ReportOptions {
    ReportOptions {
        max_classification: None,
        generated: chrono::DateTime::from_timestamp(1_717_689_600, 0),
    }
}

#[divan::bench(args = [Format::Markdown, Format::Html, Format::Json, Format::Stix], sample_count = 5)]
fn export(bencher: Bencher, format: Format) {
    let (record, review) = inputs();
    bencher.bench(|| {
        let report = build(black_box(record), black_box(review), &options());
        render(&report, format).expect("render")
    });
}

/// The same, written as the command writes it: streamed into a buffered
/// writer (here one that throws the bytes away), never held whole.
#[divan::bench(args = [Format::Markdown, Format::Html, Format::Json, Format::Stix], sample_count = 5)]
fn export_streamed(bencher: Bencher, format: Format) {
    let (record, review) = inputs();
    bencher.bench(|| {
        let report = build(black_box(record), black_box(review), &options());
        let mut out = std::io::BufWriter::with_capacity(256 * 1024, std::io::sink());
        hotwash::export::write_to(&report, format, Layout::default(), &mut out).expect("render");
    });
}

/// The report model alone, which every format builds first (the shared part
/// of each export's time).
#[divan::bench(sample_count = 5)]
fn report_build(bencher: Bencher) {
    let (record, review) = inputs();
    bencher.bench(|| build(black_box(record), black_box(review), &options()));
}

/// The PDF: record to report to laid-out pages to bytes.
#[divan::bench(args = [100, 1_000], sample_count = 3)]
fn pdf(bencher: Bencher, events: usize) {
    let record = synth::record(events, 1);
    let review = Review::new(record.id.to_string());
    bencher.bench(|| {
        let report = build(black_box(&record), black_box(&review), &options());
        hotwash::export::pdf::render(&report, hotwash::export::Paper::A4).expect("render")
    });
}

/// Reviews with this many findings and as many recommendations.
const REVIEW_SIZES: [usize; 2] = [10_000, 100_000];

/// A record of 1,000 events and a review of `findings` findings and
/// recommendations, generated once per size.
fn big_review(findings: usize) -> &'static (Record, Review, String) {
    static REVIEWS: [OnceLock<(Record, Review, String)>; REVIEW_SIZES.len()] =
        [const { OnceLock::new() }; REVIEW_SIZES.len()];
    let slot = REVIEW_SIZES
        .iter()
        .position(|&n| n == findings)
        .expect("a benchmarked size");
    REVIEWS[slot].get_or_init(|| {
        let record = synth::record(1_000, 1);
        let review = synth::review(&record, findings, findings);
        let text = hotwash::review::store::serialise(&review).expect("serialise the review");
        (record, review, text)
    })
}

#[divan::bench(
    consts = REVIEW_SIZES,
    args = [Format::Markdown, Format::Html, Format::Json, Format::Stix],
    sample_count = 5
)]
fn review_export<const FINDINGS: usize>(bencher: Bencher, format: Format) {
    let (record, review, _) = big_review(FINDINGS);
    bencher.bench(|| {
        let report = build(black_box(record), black_box(review), &options());
        render(&report, format).expect("render")
    });
}

/// Parsing and checking the review's text against its record.
#[divan::bench(consts = REVIEW_SIZES, sample_count = 5)]
fn review_validate<const FINDINGS: usize>(bencher: Bencher) {
    let (record, _, text) = big_review(FINDINGS);
    bencher.with_inputs(|| text.clone()).bench_values(|text| {
        let loaded = hotwash::load::review_from_text(Path::new("r.review.ron"), text, record);
        assert!(loaded.report.is_valid(), "the synthetic review is valid");
        loaded.value
    });
}
