//! One report model, built from a record and its review, that every export
//! format renders. Building it is where the sharing rules live: events the
//! analyst left out, portions above the classification ceiling, and the
//! banner, which is the highest portion included and never lower.
//!
//! The report borrows its text from the record and the review (`'a`): an
//! export of a large record never copies its events' titles and narratives
//! before writing them. Only what the report works out (times shown at
//! their fidelity, counts, the withheld notice) is its own.

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use rayon::prelude::*;
use serde::Serialize;

use crate::model::time::{ZoneChoice, display_into};
use crate::model::{
    Classification, Effect, IdMap, IdSet, Level, RecommendationStatus, Record, Review, Timestamp,
    Tlp,
};
use crate::review::{LazyHasher, SignOffState, signoff_state};

/// What a report works out for each event (a time as shown, an Admiralty
/// code): short, so kept inline up to 24 bytes, not one allocation each.
pub type ShortText = compact_str::CompactString;

/// The version of the report model (and of the JSON export).
pub const REPORT_FORMAT: &str = "hotwash-report/1";

/// How to build a report.
#[derive(Debug, Clone, Default)]
pub struct ReportOptions {
    /// Leave out every portion above this level.
    pub max_classification: Option<Level>,
    /// When the report is generated (from `SOURCE_DATE_EPOCH` for reproducible builds).
    pub generated: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report<'a> {
    pub format: &'static str,
    pub generator: String,
    pub generated: DateTime<Utc>,
    /// The banner: the highest portion included, in the record's scheme.
    pub classification: Marking,
    pub tlp: Tlp,
    /// The ceiling asked for, if any.
    pub ceiling: Option<Marking>,
    pub withheld: Withheld,
    // The fields are in the order every export reads: the summary (record
    // and sign-off), the judgements and what to do about them, then what
    // they rest on. The JSON's keys follow it.
    pub record: RecordMeta<'a>,
    pub signoff: SignOffReport<'a>,
    /// The key judgements: root causes first, then contributing factors,
    /// then observations, each kind in review order.
    pub findings: Vec<ReportFinding<'a>>,
    /// The included findings' recommendations, in the order of `findings`.
    pub recommendations: Vec<ReportRecommendation<'a>>,
    pub events: Vec<ReportEvent<'a>>,
    pub controls: Vec<ReportControl<'a>>,
    /// Control-by-event matrix: one row per control, one cell per included event.
    pub matrix: Vec<MatrixRow<'a>>,
    pub claims: Vec<ReportClaim<'a>>,
    pub sources: Vec<ReportSource<'a>>,
}

/// A level with its words in the record's scheme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Marking {
    pub level: Level,
    /// The banner words, such as `NATO RESTRICTED`.
    pub banner: &'static str,
    /// The portion mark, such as `NR`.
    pub portion: &'static str,
}

impl Marking {
    pub fn new(classification: Classification, level: Level) -> Self {
        let scheme = classification.scheme;
        Marking {
            level,
            banner: scheme.banner(level).unwrap_or(level.name()),
            portion: scheme.portion_mark(level).unwrap_or(level.name()),
        }
    }
}

/// What was left out of the report, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Withheld {
    /// Every portion above the ceiling, of whatever kind: the sum of `kinds`.
    pub portions: usize,
    /// Events the analyst excluded from the report.
    pub excluded_events: usize,
    /// The withheld portions by kind. Not in the JSON (its shape is fixed
    /// within `hotwash-report/1`); the sentence of `withheld_line` says it.
    #[serde(skip)]
    pub kinds: WithheldKinds,
}

/// Withheld portions by kind. A recommendation, a note and a claim about
/// withheld events go with what they belong to, and each counts as one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WithheldKinds {
    pub events: usize,
    pub claims: usize,
    pub findings: usize,
    pub recommendations: usize,
    /// The analyst's notes on withheld events.
    pub notes: usize,
    /// Whether the record's title and summary were withheld.
    pub title: bool,
}

impl WithheldKinds {
    pub fn total(&self) -> usize {
        self.events
            + self.claims
            + self.findings
            + self.recommendations
            + self.notes
            + usize::from(self.title)
    }

    /// "1 event, 1 finding, 2 recommendations", in a fixed order; empty
    /// when nothing was withheld.
    pub fn describe(&self) -> String {
        let count = |n: usize, one: &str, many: &str| match n {
            0 => None,
            1 => Some(format!("1 {one}")),
            n => Some(format!("{n} {many}")),
        };
        [
            count(self.events, "event", "events"),
            count(self.claims, "claim", "claims"),
            count(self.findings, "finding", "findings"),
            count(self.recommendations, "recommendation", "recommendations"),
            count(self.notes, "note", "notes"),
            self.title.then(|| "the title and summary".to_string()),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordMeta<'a> {
    pub id: &'a str,
    /// The title, or the record id when the title is withheld.
    pub title: Cow<'a, str>,
    /// The summary, or a note that it is withheld.
    pub summary: &'a str,
    /// The portion marking of the title and summary.
    pub portion: Marking,
    /// Whether the title and summary were withheld (above the ceiling).
    pub withheld: bool,
    pub period: String,
    pub scheme: crate::model::Scheme,
    pub events_total: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SignOffStatus {
    NotSignedOff,
    Current,
    Stale,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SignOffReport<'a> {
    pub status: SignOffStatus,
    pub reviewer: Option<&'a str>,
    pub at: Option<DateTime<Utc>>,
    pub hash: Option<&'a str>,
}

impl SignOffReport<'_> {
    /// "signed off by X on DATE (sha256:...)", "not signed off", or "stale".
    pub fn describe(&self) -> String {
        match (self.status, &self.reviewer, &self.at) {
            (SignOffStatus::NotSignedOff, _, _) => "not signed off".into(),
            (SignOffStatus::Current, Some(r), Some(at)) => {
                format!("signed off by {r} on {}", at.format("%Y-%m-%d %H:%M UTC"))
            }
            (SignOffStatus::Stale, Some(r), Some(at)) => format!(
                "stale: signed off by {r} on {}, but the record or the review changed since",
                at.format("%Y-%m-%d %H:%M UTC")
            ),
            _ => "not signed off".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportCitation<'a> {
    pub source: &'a str,
    pub publisher: &'a str,
    /// The Admiralty code, such as `B2`.
    pub admiralty: ShortText,
    pub note: Option<&'a str>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportLink<'a> {
    pub control: &'a str,
    pub effect: Effect,
    pub note: Option<&'a str>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportEvent<'a> {
    pub id: &'a str,
    /// As written in the record (ISO 8601 at its precision).
    pub at: ShortText,
    pub end: Option<ShortText>,
    pub fidelity: crate::model::Fidelity,
    /// Shown in UTC at its fidelity (a bare date stays a date).
    pub when_utc: ShortText,
    /// Shown in the event's own zone, where it has one.
    pub when_local: Option<ShortText>,
    pub place: Option<&'a str>,
    pub zone: Option<&'a str>,
    pub title: &'a str,
    pub narrative: &'a str,
    pub actors: Vec<&'a str>,
    pub sources: Vec<ReportCitation<'a>>,
    pub controls: Vec<ReportLink<'a>>,
    pub portion: Marking,
    pub flagged: bool,
    pub reviewed: bool,
    pub note: Option<&'a str>,
    /// The times as values, for drawing (the timeline figure). Not in the
    /// JSON: `at`, `end` and `fidelity` say the same there, and the shape
    /// of `hotwash-report/1` has no `known`.
    #[serde(skip)]
    pub times: EventTimes,
}

/// An event's times as the record gives them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventTimes {
    pub at: Timestamp,
    pub end: Option<Timestamp>,
    /// When it became known to the own side, where the record says.
    pub known: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportControl<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub catalogue: &'static str,
    pub expects: &'a str,
    /// Included events at which it failed, was not followed, bypassed or absent.
    pub failures: usize,
    pub held: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatrixRow<'a> {
    pub control: &'a str,
    /// One cell per included event, in the order of `Report::events`.
    pub cells: Vec<Option<Effect>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportFinding<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub statement: &'a str,
    pub kind: crate::model::FindingKind,
    pub severity: crate::model::Severity,
    pub likelihood: crate::model::Likelihood,
    /// The ICD 203 term, such as "very likely".
    pub likelihood_term: &'static str,
    pub confidence: crate::model::Confidence,
    /// Included events it rests on.
    pub events: Vec<&'a str>,
    pub controls: Vec<&'a str>,
    pub portion: Marking,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportRecommendation<'a> {
    pub id: &'a str,
    pub finding: &'a str,
    pub action: &'a str,
    pub owner: &'a str,
    pub due: Option<chrono::NaiveDate>,
    pub status: RecommendationStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportClaim<'a> {
    pub id: &'a str,
    pub statement: &'a str,
    pub status: crate::model::ClaimStatus,
    pub events: Vec<&'a str>,
    pub sources: Vec<ReportCitation<'a>>,
    pub conflicts_with: Vec<&'a str>,
    pub portion: Marking,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportSource<'a> {
    pub id: &'a str,
    pub title: Cow<'a, str>,
    pub publisher: &'a str,
    pub date: Option<String>,
    pub url: &'a str,
    pub reliability: crate::model::Reliability,
}

/// The generation time: `SOURCE_DATE_EPOCH` when set (reproducible
/// builds), else now. An unusable value is an error, not a silent fallback.
pub fn generation_time() -> Result<DateTime<Utc>, String> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) => v
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|secs| DateTime::from_timestamp(secs, 0))
            .ok_or_else(|| {
                format!("SOURCE_DATE_EPOCH={v:?} is not a number of seconds since 1970")
            }),
        Err(_) => Ok(chrono::SubsecRound::trunc_subsecs(Utc::now(), 0)),
    }
}

/// Builds the report of `record` and `review`, for a review that decides
/// no candidate control (a `Linked` decision would not be shown: use
/// [`build_decided`], which borrows the record with them applied).
pub fn build<'a>(record: &'a Record, review: &'a Review, options: &ReportOptions) -> Report<'a> {
    debug_assert!(
        matches!(
            crate::review::decide::effective(record, review),
            std::borrow::Cow::Borrowed(_)
        ),
        "the review decides candidates: build_decided shows them"
    );
    build_decided(record, record, review, &LazyHasher::default(), options)
}

/// Builds the report of `written` (the record as written) and `review`,
/// showing `shown`: the record with the review's decisions on candidate
/// controls applied ([`crate::review::decide::effective`]), which the
/// report borrows from. The sign-off is checked against `written`, with
/// `hasher` (`written`'s, made here if no one has yet).
pub fn build_decided<'a>(
    written: &Record,
    shown: &'a Record,
    review: &'a Review,
    hasher: &LazyHasher,
    options: &ReportOptions,
) -> Report<'a> {
    let record = shown;
    let ceiling = options.max_classification;
    let allowed = |level: Level| ceiling.is_none_or(|c| level <= c);
    let overall = record.classification;
    let mut withheld = Withheld::default();

    // Events in the order the timeline shows them.
    let marks: IdMap<&str, &crate::model::EventMark> =
        review.marks.iter().map(|m| (m.event.as_str(), m)).collect();
    let mut included_events = Vec::new();
    let mut withheld_ids = IdSet::default();
    for i in crate::timeline::Timeline::order_of(record) {
        let e = &record.events[i];
        let mark = marks.get(e.id.as_str()).copied();
        if mark.is_some_and(|m| !m.included) {
            withheld.excluded_events += 1;
        } else if !allowed(e.portion) {
            withheld.kinds.events += 1;
            // The analyst's note on it is a portion of the review that goes with it.
            if mark.is_some_and(|m| m.note.as_deref().is_some_and(|n| !n.is_empty())) {
                withheld.kinds.notes += 1;
            }
            withheld_ids.insert(e.id.as_str());
        } else {
            included_events.push((i, mark));
        }
    }
    let included_ids: IdSet<&str> = included_events
        .iter()
        .map(|&(i, _)| record.events[i].id.as_str())
        .collect();

    let source_index: IdMap<&str, &crate::model::Source> =
        record.sources.iter().map(|s| (s.id.as_str(), s)).collect();
    let actor_index: IdMap<&str, &crate::model::Actor> =
        record.actors.iter().map(|a| (a.id.as_str(), a)).collect();
    let cite = |c: &'a crate::model::Citation| {
        let source = source_index.get(c.source.as_str()).copied();
        ReportCitation {
            source: c.source.as_str(),
            publisher: source.map_or("", |s| s.publisher.as_str()),
            admiralty: match source {
                Some(s) => compact_str::format_compact!("{}", c.admiralty(s)),
                None => compact_str::format_compact!("?{}", c.credibility.0),
            },
            note: c.note.as_deref(),
        }
    };

    let report_event = |&(i, mark): &(usize, Option<&'a crate::model::EventMark>)| {
        let e = &record.events[i];
        let zone = e.place.as_ref().and_then(|p| p.zone.as_deref());
        // Inline strings (up to 24 bytes): most of these cost no allocation.
        let written = |t: &Timestamp| {
            let mut s = ShortText::default();
            t.write_at(&mut s, t.precision());
            s
        };
        let shown = |zone: ZoneChoice, place: Option<&str>| {
            let mut s = ShortText::default();
            display_into(&mut s, &e.at, e.fidelity, zone, place);
            s
        };
        ReportEvent {
            id: e.id.as_str(),
            at: written(&e.at),
            end: e.end.as_ref().map(written),
            fidelity: e.fidelity,
            when_utc: shown(ZoneChoice::Utc, None),
            when_local: zone.map(|z| shown(ZoneChoice::Event, Some(z))),
            place: e.place.as_ref().map(|p| p.name.as_str()),
            zone,
            title: e.title.as_str(),
            narrative: e.narrative.as_str(),
            actors: e
                .actors
                .iter()
                .map(|a| {
                    actor_index
                        .get(a.as_str())
                        .map_or(a.as_str(), |x| x.name.as_str())
                })
                .collect(),
            sources: e.sources.iter().map(cite).collect(),
            controls: e
                .controls
                .iter()
                .map(|l| ReportLink {
                    control: l.control.as_str(),
                    effect: l.effect,
                    note: l.note.as_deref(),
                })
                .collect(),
            portion: Marking::new(overall, e.portion),
            flagged: mark.is_some_and(|m| m.flagged),
            reviewed: mark.is_some_and(|m| m.reviewed),
            note: mark.and_then(|m| m.note.as_deref()),
            times: EventTimes {
                at: e.at,
                end: e.end,
                known: e.known,
            },
        }
    };
    // Formatting times and names is most of building a large report: on
    // every core, each writing its part of the one list in place (a list
    // joined from halves was copied into fresh memory).
    let events: Vec<ReportEvent> = included_events
        .par_iter()
        .with_min_len(1024)
        .map(report_event)
        .collect();

    // One pass over the included links fills both the per-control counts
    // and the control-by-event matrix.
    let control_index = crate::model::index_by_id(&record.controls, |c| c.id.as_str());
    let mut counts = vec![(0usize, 0usize); record.controls.len()];
    let mut cells = vec![vec![None; events.len()]; record.controls.len()];
    for (column, e) in events.iter().enumerate() {
        for link in &e.controls {
            let Some(&row) = control_index.get(link.control) else {
                continue;
            };
            if link.effect.is_failure() {
                counts[row].0 += 1;
            } else {
                counts[row].1 += 1;
            }
            // The first link of a control to an event is the one shown.
            cells[row][column].get_or_insert(link.effect);
        }
    }
    let controls: Vec<ReportControl> = record
        .controls
        .iter()
        .zip(&counts)
        .map(|(c, &(failures, held))| ReportControl {
            id: c.id.as_str(),
            title: c.title.as_str(),
            catalogue: c.catalogue.name(),
            expects: c.expects.as_str(),
            failures,
            held,
        })
        .collect();
    let matrix = record
        .controls
        .iter()
        .zip(cells)
        .map(|(c, cells)| MatrixRow {
            control: c.id.as_str(),
            cells,
        })
        .collect();

    // Each finding's recommendations, in review order, gathered in one pass
    // rather than one scan of every recommendation per finding.
    let mut recs_of: IdMap<&str, Vec<&crate::model::Recommendation>> = IdMap::default();
    for r in &review.recommendations {
        recs_of.entry(r.finding.as_str()).or_default().push(r);
    }
    let mut findings = Vec::new();
    let mut recommendations = Vec::new();
    // Root cause first: the report reads from the judgement down. A stable
    // sort keeps the analyst's order within a kind.
    let mut in_order: Vec<&crate::model::Finding> = review.findings.iter().collect();
    in_order.sort_by_key(|f| kind_rank(f.kind));
    for f in in_order {
        let recs = recs_of
            .get(f.id.as_str())
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter();
        if !allowed(f.portion) {
            withheld.kinds.findings += 1;
            withheld.kinds.recommendations += recs.len();
            continue;
        }
        findings.push(ReportFinding {
            id: f.id.as_str(),
            title: f.title.as_str(),
            statement: f.statement.as_str(),
            kind: f.kind,
            severity: f.severity,
            likelihood: f.likelihood,
            likelihood_term: f.likelihood.term(),
            confidence: f.confidence,
            events: f
                .events
                .iter()
                .map(String::as_str)
                .filter(|e| included_ids.contains(e))
                .collect(),
            controls: f.controls.iter().map(String::as_str).collect(),
            portion: Marking::new(overall, f.portion),
        });
        recommendations.extend(recs.map(|r| ReportRecommendation {
            id: r.id.as_str(),
            finding: r.finding.as_str(),
            action: r.action.as_str(),
            owner: r.owner.as_str(),
            due: r.due,
            status: r.status,
        }));
    }

    let mut claims = Vec::new();
    for c in &record.claims {
        // A claim about events that are all left out goes with them.
        let about_included =
            c.events.is_empty() || c.events.iter().any(|e| included_ids.contains(e.as_str()));
        if !about_included {
            // It goes with its events; if they were withheld, so is it.
            if c.events.iter().any(|e| withheld_ids.contains(e.as_str())) {
                withheld.kinds.claims += 1;
            }
            continue;
        }
        if !allowed(c.portion) {
            withheld.kinds.claims += 1;
            continue;
        }
        claims.push(ReportClaim {
            id: c.id.as_str(),
            statement: c.statement.as_str(),
            status: c.status,
            events: c
                .events
                .iter()
                .map(|e| e.as_str())
                .filter(|e| included_ids.contains(e))
                .collect(),
            sources: c.sources.iter().map(cite).collect(),
            conflicts_with: c.conflicts_with.iter().map(|x| x.as_str()).collect(),
            // Filtered below, once every included claim is known.
            portion: Marking::new(overall, c.portion),
        });
    }

    // A withheld claim is not even named by the ones that conflict with it.
    let included_claims: IdSet<&str> = claims.iter().map(|c| c.id).collect();
    for c in &mut claims {
        c.conflicts_with
            .retain(|other| included_claims.contains(other));
    }

    // Only the sources the included portions cite.
    let cited: IdSet<&str> = events
        .iter()
        .flat_map(|e| e.sources.iter())
        .chain(claims.iter().flat_map(|c| c.sources.iter()))
        .map(|c| c.source)
        .collect();
    let sources = record
        .sources
        .iter()
        .filter(|s| cited.contains(s.id.as_str()))
        .map(|s| ReportSource {
            id: s.id.as_str(),
            // A description is bracketed here, so every export marks it alike.
            title: s.shown_title(),
            publisher: s.publisher.as_str(),
            date: s.date.map(|d| d.to_string()),
            url: s.url.as_str(),
            reliability: s.reliability,
        })
        .collect();

    // The title and summary are a portion too.
    let title_portion = record.title_portion();
    let title_withheld = !allowed(title_portion);
    withheld.kinds.title = title_withheld;
    withheld.portions = withheld.kinds.total();

    // The banner is the highest portion included: never lower.
    let highest = crate::model::marking::highest(
        events
            .iter()
            .map(|e| e.portion.level)
            .chain((!title_withheld).then_some(title_portion))
            .chain(findings.iter().map(|f| f.portion.level))
            .chain(claims.iter().map(|c| c.portion.level)),
    );

    // Hashing the record costs a full serialisation: only a sign-off needs it.
    let signoff = match &review.signoff {
        None => SignOffReport {
            status: SignOffStatus::NotSignedOff,
            reviewer: None,
            at: None,
            hash: None,
        },
        Some(s) => {
            let status = match signoff_state(hasher.of(written), review) {
                SignOffState::Current(_) => SignOffStatus::Current,
                _ => SignOffStatus::Stale,
            };
            SignOffReport {
                status,
                reviewer: Some(s.reviewer.as_str()),
                at: Some(s.at),
                hash: Some(s.hash.as_str()),
            }
        }
    };

    let period = match (events.first(), events.last()) {
        (Some(a), Some(b)) => {
            let day = |e: &ReportEvent| e.when_utc.chars().take(10).collect::<String>();
            if day(a) == day(b) {
                day(a)
            } else {
                format!("{} – {}", day(a), day(b))
            }
        }
        _ => "no events".into(),
    };

    Report {
        format: REPORT_FORMAT,
        generator: format!("hotwash {}", env!("CARGO_PKG_VERSION")),
        generated: options.generated.unwrap_or(DateTime::UNIX_EPOCH),
        classification: Marking::new(overall, highest),
        tlp: record.tlp,
        ceiling: ceiling.map(|c| Marking::new(overall, c)),
        withheld,
        record: RecordMeta {
            id: record.id.as_str(),
            title: if title_withheld {
                Cow::Owned(format!("Record {}", record.id))
            } else {
                Cow::Borrowed(record.title.as_str())
            },
            summary: if title_withheld {
                "The title and summary are withheld: they are marked above the ceiling of this report."
            } else {
                record.summary.as_str()
            },
            portion: Marking::new(overall, title_portion),
            withheld: title_withheld,
            period,
            scheme: overall.scheme,
            events_total: record.events.len(),
        },
        signoff,
        findings,
        recommendations,
        events,
        controls,
        matrix,
        claims,
        sources,
    }
}

/// Where a finding of `kind` stands among the key judgements.
fn kind_rank(kind: crate::model::FindingKind) -> usize {
    use crate::model::FindingKind;
    match kind {
        FindingKind::RootCause => 0,
        FindingKind::ContributingFactor => 1,
        FindingKind::Observation => 2,
    }
}

/// The banner of a view that shows the whole record and the whole review,
/// nothing withheld (the workbench): the rule of `build`'s banner applied to
/// everything, and never lower than the record's own marking.
pub fn shown_classification(record: &Record, review: &Review) -> Classification {
    let level = crate::model::marking::highest([
        record.classification.level,
        record.highest_portion(),
        review.highest_portion(),
    ]);
    record.classification.at(level)
}

/// Lookups by id into a report, built once per rendering, so that a
/// renderer never scans the findings once per recommendation (or the
/// recommendations once per finding): exports stay linear in their size.
#[derive(Debug)]
pub struct ReportIndex<'a> {
    report: &'a Report<'a>,
    /// The first finding of each id, as a scan would find it.
    findings: IdMap<&'a str, &'a ReportFinding<'a>>,
    /// Each finding's recommendations, in report order.
    recommendations: IdMap<&'a str, Vec<&'a ReportRecommendation<'a>>>,
    claims: IdSet<&'a str>,
    /// The first event of each id.
    events: IdMap<&'a str, &'a ReportEvent<'a>>,
    /// The first control of each id, with what happened to it at each
    /// included event that links it, worked out once: a large review's
    /// findings name controls hundreds of thousands of times.
    controls: IdMap<&'a str, (&'a ReportControl<'a>, EffectsByEvent<'a>)>,
}

/// What happened to a control at each event that links it, in event order.
type EffectsByEvent<'a> = Vec<(&'a str, Effect)>;

impl<'a> ReportIndex<'a> {
    pub fn new(report: &'a Report<'a>) -> Self {
        let mut findings =
            IdMap::with_capacity_and_hasher(report.findings.len(), Default::default());
        for f in &report.findings {
            findings.entry(f.id).or_insert(f);
        }
        let mut recommendations: IdMap<&str, Vec<&ReportRecommendation>> = IdMap::default();
        for r in &report.recommendations {
            recommendations.entry(r.finding).or_default().push(r);
        }
        let mut events = IdMap::with_capacity_and_hasher(report.events.len(), Default::default());
        for e in &report.events {
            events.entry(e.id).or_insert(e);
        }
        let mut controls =
            IdMap::with_capacity_and_hasher(report.controls.len(), Default::default());
        for (i, c) in report.controls.iter().enumerate() {
            if controls.contains_key(c.id) {
                continue;
            }
            // The matrix has a row per control, in the same order.
            let effects = report
                .matrix
                .get(i)
                .filter(|row| row.control == c.id)
                .map(|row| {
                    row.cells
                        .iter()
                        .zip(&report.events)
                        .filter_map(|(cell, e)| cell.map(|effect| (e.id, effect)))
                        .collect()
                })
                .unwrap_or_default();
            controls.insert(c.id, (c, effects));
        }
        ReportIndex {
            report,
            findings,
            recommendations,
            claims: report.claims.iter().map(|c| c.id).collect(),
            events,
            controls,
        }
    }

    pub fn event(&self, id: &str) -> Option<&'a ReportEvent<'a>> {
        self.events.get(id).copied()
    }

    pub fn control(&self, id: &str) -> Option<&'a ReportControl<'a>> {
        self.controls.get(id).map(|(c, _)| *c)
    }

    /// What happened to control `id` at each included event that links
    /// it, in the order of the events: `[("E03", Failed), ("E07", Absent)]`.
    pub fn effects_of(&self, id: &str) -> &[(&'a str, Effect)] {
        self.controls
            .get(id)
            .map(|(_, effects)| effects.as_slice())
            .unwrap_or_default()
    }

    /// What happened to control `id` at the events finding `f` rests on,
    /// in the finding's order, and how many other included events link it.
    /// Bounded by the finding, not by the record: a large review names a
    /// control linked to thousands of events from thousands of findings.
    pub fn effects_for(
        &self,
        f: &'a ReportFinding<'a>,
        id: &str,
    ) -> (Vec<(&'a str, Effect)>, usize) {
        let shown: Vec<(&str, Effect)> = f
            .events
            .iter()
            .filter_map(|e| {
                let event = self.event(e)?;
                let link = event.controls.iter().find(|l| l.control == id)?;
                Some((event.id, link.effect))
            })
            .collect();
        let linked = self.effects_of(id).len();
        let others = linked.saturating_sub(shown.len());
        (shown, others)
    }

    /// The ids of the sources the key judgements cite: those of the events
    /// the findings rest on. A brief lists only these.
    pub fn judgement_sources(&self) -> std::collections::HashSet<&'a str> {
        self.report
            .findings
            .iter()
            .flat_map(|f| f.events.iter())
            .filter_map(|id| self.event(id))
            .flat_map(|e| e.sources.iter())
            .map(|c| c.source)
            .collect()
    }

    pub fn finding(&self, id: &str) -> Option<&'a ReportFinding<'a>> {
        self.findings.get(id).copied()
    }

    /// The recommendations answering finding `id`, in report order.
    pub fn recommendations_of(&self, id: &str) -> &[&'a ReportRecommendation<'a>] {
        self.recommendations
            .get(id)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    pub fn has_claim(&self, id: &str) -> bool {
        self.claims.contains(id)
    }
}

impl Report<'_> {
    /// The warning that a classified banner goes with TLP:CLEAR (see
    /// [`crate::model::marking::clear_but_classified`]), if it does.
    pub fn sharing_warning(&self) -> Option<String> {
        crate::model::marking::clear_but_classified(
            Classification {
                scheme: self.record.scheme,
                level: self.classification.level,
            },
            self.tlp,
        )
    }

    /// "10 findings (1 root cause, 4 contributing factors, 5 observations)
    /// and 9 recommendations (1 done, 8 recommended)", for the summary.
    pub fn judgements_line(&self) -> String {
        use crate::model::FindingKind;
        use crate::wording::count;
        let kinds: Vec<String> = FindingKind::ALL
            .into_iter()
            .filter_map(|kind| {
                let n = self.findings.iter().filter(|f| f.kind == kind).count();
                let (one, many) = match kind {
                    FindingKind::RootCause => ("root cause", "root causes"),
                    FindingKind::ContributingFactor => {
                        ("contributing factor", "contributing factors")
                    }
                    FindingKind::Observation => ("observation", "observations"),
                };
                (n > 0).then(|| count(n, one, many))
            })
            .collect();
        let statuses: Vec<String> = RecommendationStatus::ALL
            .into_iter()
            .filter_map(|status| {
                let n = self
                    .recommendations
                    .iter()
                    .filter(|r| r.status == status)
                    .count();
                (n > 0).then(|| format!("{n} {}", status.name()))
            })
            .collect();
        let mut line = count(self.findings.len(), "finding", "findings");
        if !kinds.is_empty() {
            line.push_str(&format!(" ({})", kinds.join(", ")));
        }
        line.push_str(" and ");
        line.push_str(&count(
            self.recommendations.len(),
            "recommendation",
            "recommendations",
        ));
        if !statuses.is_empty() {
            line.push_str(&format!(" ({})", statuses.join(", ")));
        }
        line
    }

    /// "3 portions above OFFEN were withheld: 1 event, 1 finding, 1
    /// recommendation." or "No portions were withheld."
    pub fn withheld_line(&self) -> String {
        let mut parts = Vec::new();
        let kinds = self.withheld.kinds.describe();
        match (self.withheld.portions, &self.ceiling) {
            (0, _) => parts.push("No portions were withheld.".to_string()),
            (1, Some(c)) => parts.push(format!(
                "1 portion above {} was withheld: {kinds}.",
                c.banner
            )),
            (n, Some(c)) => parts.push(format!(
                "{n} portions above {} were withheld: {kinds}.",
                c.banner
            )),
            (n, None) => parts.push(format!("{n} portions were withheld: {kinds}.")),
        }
        match self.withheld.excluded_events {
            0 => {}
            1 => parts.push("1 event was left out by the analyst.".into()),
            n => parts.push(format!("{n} events were left out by the analyst.")),
        }
        parts.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECORD: &str = r#"(schema: 1, id: "r", title: "T", summary: "S",
        classification: (scheme: Nato, level: Secret), portion: Unclassified, tlp: "AMBER",
        sources: [(id: "s", title: "t", publisher: "p", url: "https://example.org", reliability: B)],
        controls: [(catalogue: NistSp80053r5, id: "SC-8", title: "Transmission Confidentiality and Integrity", expects: "x")],
        events: [
            (id: "E1", at: "2024-01-01", fidelity: Day, title: "open", narrative: "n",
             sources: [(source: "s", credibility: 2)],
             controls: [(control: "SC-8", effect: Failed)], portion: Unclassified),
            (id: "E2", at: "2024-01-02", fidelity: Day, title: "secret", narrative: "n",
             controls: [(control: "SC-8", effect: Held)], portion: Secret),
            (id: "E3", at: "2024-01-03", fidelity: Day, title: "excluded", narrative: "n", portion: Restricted),
        ],
        claims: [(id: "C1", statement: "c", status: Disputed, events: ["E2"], portion: Secret)],
    )"#;

    const REVIEW: &str = r#"(schema: 1, record: "r",
        findings: [
            (id: "F1", title: "f", statement: "s", kind: RootCause, severity: High, likelihood: Likely,
             confidence: High, events: ["E1", "E2"], controls: ["SC-8"], portion: Restricted),
            (id: "F2", title: "g", statement: "s", kind: Observation, severity: Low, likelihood: Unlikely,
             confidence: Low, portion: TopSecret),
        ],
        recommendations: [
            (id: "R1", finding: "F1", action: "a", owner: "o", status: Planned),
            (id: "R2", finding: "F2", action: "b", owner: "o", status: Done),
        ],
        marks: [(event: "E3", included: false), (event: "E2", note: "about the secret event")],
    )"#;

    fn inputs() -> (Record, Review) {
        (
            crate::load::parse(RECORD).expect("record"),
            crate::load::parse(REVIEW).expect("review"),
        )
    }

    #[test]
    fn a_described_source_is_bracketed_and_a_titled_one_is_not() {
        let record: Record = crate::load::parse(&RECORD.replace(
            r#"sources: [(id: "s", title: "t","#,
            r#"sources: [(id: "s", title: "Report on the call", title_is: Description,"#,
        ))
        .expect("record");
        let empty = Review::new("r");
        let report = build(&record, &empty, &ReportOptions::default());
        assert_eq!(report.sources[0].title, "[Report on the call]");
        let (record, review) = inputs();
        let report = build(&record, &review, &ReportOptions::default());
        assert_eq!(
            report.sources[0].title, "t",
            "a title is shown as it stands"
        );
    }

    #[test]
    fn without_a_ceiling_the_banner_is_the_highest_included_portion() {
        let (record, review) = inputs();
        let report = build(&record, &review, &ReportOptions::default());
        assert_eq!(
            report.classification.banner, "COSMIC TOP SECRET",
            "F2 is TopSecret"
        );
        assert_eq!(report.events.len(), 2, "E3 was left out by the analyst");
        assert_eq!(
            report.withheld,
            Withheld {
                portions: 0,
                excluded_events: 1,
                kinds: WithheldKinds::default(),
            }
        );
        assert_eq!(report.recommendations.len(), 2);
    }

    #[test]
    fn a_ceiling_withholds_portions_and_lowers_the_banner_to_what_remains() {
        let (record, review) = inputs();
        let options = ReportOptions {
            max_classification: Some(Level::Restricted),
            ..ReportOptions::default()
        };
        let report = build(&record, &review, &options);
        let ids: Vec<&str> = report.events.iter().map(|e| e.id).collect();
        assert_eq!(ids, ["E1"]);
        assert_eq!(report.findings.len(), 1);
        assert_eq!(
            report.findings[0].events,
            ["E1"],
            "the withheld event is not named"
        );
        assert_eq!(report.recommendations.len(), 1, "R2 goes with F2");
        assert!(report.claims.is_empty(), "C1 is about a withheld event");
        // E2 with its note, C1 (which goes with its event), F2 and R2
        // (which goes with its finding): every portion counts, by kind.
        assert_eq!(
            report.withheld.kinds,
            WithheldKinds {
                events: 1,
                claims: 1,
                findings: 1,
                recommendations: 1,
                notes: 1,
                title: false,
            }
        );
        assert_eq!(report.withheld.portions, 5);
        assert_eq!(
            report.classification.banner, "NATO RESTRICTED",
            "F1 is Restricted"
        );
        assert_eq!(
            report.withheld_line(),
            "5 portions above NATO RESTRICTED were withheld: 1 event, 1 claim, 1 finding, \
             1 recommendation, 1 note. 1 event was left out by the analyst."
        );
        assert_eq!(report.matrix[0].cells, [Some(Effect::Failed)]);
        assert_eq!(report.controls[0].failures, 1);
        assert_eq!(report.controls[0].held, 0);
    }

    #[test]
    fn an_unmarked_title_counts_at_the_overall_level_and_is_withheld_under_a_lower_ceiling() {
        let (mut record, review) = inputs();
        record.portion = None;
        let options = ReportOptions {
            max_classification: Some(Level::Restricted),
            ..ReportOptions::default()
        };
        let report = build(&record, &review, &options);
        assert!(report.record.withheld);
        assert_eq!(report.record.title, "Record r");
        assert!(!report.record.summary.contains('S') || report.record.summary.contains("withheld"));
        assert_eq!(
            report.withheld.portions, 6,
            "E2, its note, F2, R2, C1 and the title"
        );
        assert!(
            report
                .withheld_line()
                .ends_with("1 note, the title and summary. 1 event was left out by the analyst."),
            "{}",
            report.withheld_line()
        );
        let full = build(&record, &review, &ReportOptions::default());
        assert!(!full.record.withheld);
        assert_eq!(full.record.title, "T");
    }

    #[test]
    fn the_shown_banner_counts_the_review_and_never_goes_below_the_record() {
        let (record, mut review) = inputs();
        assert_eq!(
            shown_classification(&record, &review).banner(),
            "COSMIC TOP SECRET",
            "F2 is TopSecret, above the record's Secret"
        );
        review.findings.clear();
        assert_eq!(
            shown_classification(&record, &review).banner(),
            "NATO SECRET",
            "the record's own marking"
        );
    }

    #[test]
    fn key_judgements_put_root_causes_first_and_keep_the_review_order_within_a_kind() {
        let (record, mut review) = inputs();
        let f = |id: &str, kind| {
            let mut x = review.findings[0].clone();
            x.id = id.into();
            x.kind = kind;
            x
        };
        use crate::model::FindingKind::*;
        let findings = vec![
            f("O1", Observation),
            f("C1", ContributingFactor),
            f("R1", RootCause),
            f("O2", Observation),
            f("R2", RootCause),
        ];
        review.findings = findings;
        review.recommendations[0].finding = "O2".into();
        review.recommendations[1].finding = "R2".into();
        let report = build(&record, &review, &ReportOptions::default());
        let ids: Vec<&str> = report.findings.iter().map(|f| f.id).collect();
        assert_eq!(ids, ["R1", "R2", "C1", "O1", "O2"]);
        let recs: Vec<&str> = report.recommendations.iter().map(|r| r.finding).collect();
        assert_eq!(recs, ["R2", "O2"], "recommendations follow their findings");
        assert_eq!(
            report.judgements_line(),
            "5 findings (2 root causes, 1 contributing factor, 2 observations) and 2 \
             recommendations (1 planned, 1 done)"
        );
    }

    #[test]
    fn the_index_tells_a_controls_effects_and_the_sources_of_the_judgements() {
        let (record, review) = inputs();
        let report = build(&record, &review, &ReportOptions::default());
        let index = ReportIndex::new(&report);
        assert_eq!(
            index.effects_of("SC-8"),
            [("E1", Effect::Failed), ("E2", Effect::Held)]
        );
        assert_eq!(index.effects_of("AC-1"), [], "not a control of the record");
        let f1 = &report.findings[0];
        assert_eq!(f1.events, ["E1", "E2"]);
        assert_eq!(
            index.effects_for(f1, "SC-8"),
            (vec![("E1", Effect::Failed), ("E2", Effect::Held)], 0)
        );
        let mut narrow = f1.clone();
        narrow.events = vec!["E2"];
        assert_eq!(
            index.effects_for(&narrow, "SC-8"),
            (vec![("E2", Effect::Held)], 1),
            "one other event links SC-8"
        );
        assert_eq!(index.effects_for(&narrow, "AC-1"), (vec![], 0));
        assert_eq!(index.control("SC-8").map(|c| c.failures), Some(1));
        assert_eq!(
            index.judgement_sources(),
            std::collections::HashSet::from(["s"]),
            "F1 rests on E1, which cites s"
        );
    }

    #[test]
    fn a_classified_banner_with_tlp_clear_is_warned_of_unless_withheld_down() {
        let (mut record, review) = inputs();
        let report = build(&record, &review, &ReportOptions::default());
        assert_eq!(report.sharing_warning(), None, "TLP:AMBER");
        record.tlp = Tlp::Clear;
        let report = build(&record, &review, &ReportOptions::default());
        let warning = report.sharing_warning().expect("a warning");
        assert!(warning.contains("COSMIC TOP SECRET"), "{warning}");
        let options = ReportOptions {
            max_classification: Some(Level::Unclassified),
            ..ReportOptions::default()
        };
        let empty = Review::new("r");
        let report = build(&record, &empty, &options);
        assert_eq!(report.classification.level, Level::Unclassified);
        assert_eq!(report.sharing_warning(), None, "nothing classified is left");
    }

    #[test]
    fn nothing_included_is_unclassified() {
        let (record, _) = inputs();
        let options = ReportOptions {
            max_classification: Some(Level::Unclassified),
            ..ReportOptions::default()
        };
        let empty = Review::new("r");
        let report = build(&record, &empty, &options);
        assert_eq!(report.classification.level, Level::Unclassified);
        assert_eq!(report.classification.banner, "NATO UNCLASSIFIED");
    }
}
