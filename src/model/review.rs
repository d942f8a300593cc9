//! The analyst's review of one record: findings, recommendations, per-event
//! marks and notes, and the sign-off. Lives in `<name>.review.ron` beside the
//! record; only hotwash writes it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::marking::Level;

/// The review format version this build reads and writes.
pub const REVIEW_SCHEMA: u32 = 1;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Review {
    pub schema: u32,
    /// The id of the record under review.
    pub record: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recommendations: Vec<Recommendation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub marks: Vec<EventMark>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signoff: Option<SignOff>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FindingKind {
    RootCause,
    ContributingFactor,
    Observation,
}

impl FindingKind {
    pub const ALL: [FindingKind; 3] = [
        FindingKind::RootCause,
        FindingKind::ContributingFactor,
        FindingKind::Observation,
    ];

    pub fn name(self) -> &'static str {
        match self {
            FindingKind::RootCause => "root cause",
            FindingKind::ContributingFactor => "contributing factor",
            FindingKind::Observation => "observation",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// ICD 203 expression of likelihood: one row of terms only, never mixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Likelihood {
    AlmostNoChance,
    VeryUnlikely,
    Unlikely,
    RoughlyEvenChance,
    Likely,
    VeryLikely,
    AlmostCertain,
}

impl Likelihood {
    pub const ALL: [Likelihood; 7] = [
        Likelihood::AlmostNoChance,
        Likelihood::VeryUnlikely,
        Likelihood::Unlikely,
        Likelihood::RoughlyEvenChance,
        Likelihood::Likely,
        Likelihood::VeryLikely,
        Likelihood::AlmostCertain,
    ];

    /// The term as it is written in prose.
    pub fn term(self) -> &'static str {
        match self {
            Likelihood::AlmostNoChance => "almost no chance",
            Likelihood::VeryUnlikely => "very unlikely",
            Likelihood::Unlikely => "unlikely",
            Likelihood::RoughlyEvenChance => "roughly even chance",
            Likelihood::Likely => "likely",
            Likelihood::VeryLikely => "very likely",
            Likelihood::AlmostCertain => "almost certain",
        }
    }

    /// The probability range ICD 203 fixes for the term, in percent.
    pub fn range(self) -> (u8, u8) {
        match self {
            Likelihood::AlmostNoChance => (1, 5),
            Likelihood::VeryUnlikely => (5, 20),
            Likelihood::Unlikely => (20, 45),
            Likelihood::RoughlyEvenChance => (45, 55),
            Likelihood::Likely => (55, 80),
            Likelihood::VeryLikely => (80, 95),
            Likelihood::AlmostCertain => (95, 99),
        }
    }
}

/// ICD 203 analytic confidence, stated apart from likelihood.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Confidence {
    Low,
    Moderate,
    High,
}

impl Confidence {
    pub const ALL: [Confidence; 3] = [Confidence::Low, Confidence::Moderate, Confidence::High];

    pub fn name(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Moderate => "moderate",
            Confidence::High => "high",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    pub id: String,
    pub title: String,
    pub statement: String,
    pub kind: FindingKind,
    pub severity: Severity,
    pub likelihood: Likelihood,
    pub confidence: Confidence,
    /// The events the finding rests on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<String>,
    /// The controls the finding rests on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub controls: Vec<String>,
    pub portion: Level,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RecommendationStatus {
    Recommended,
    Planned,
    InProgress,
    Done,
    Declined,
}

impl RecommendationStatus {
    pub const ALL: [RecommendationStatus; 5] = [
        RecommendationStatus::Recommended,
        RecommendationStatus::Planned,
        RecommendationStatus::InProgress,
        RecommendationStatus::Done,
        RecommendationStatus::Declined,
    ];

    pub fn name(self) -> &'static str {
        match self {
            RecommendationStatus::Recommended => "recommended",
            RecommendationStatus::Planned => "planned",
            RecommendationStatus::InProgress => "in progress",
            RecommendationStatus::Done => "done",
            RecommendationStatus::Declined => "declined",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recommendation {
    pub id: String,
    /// The finding this recommendation answers.
    pub finding: String,
    pub action: String,
    pub owner: String,
    /// Due date, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
    pub status: RecommendationStatus,
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// The analyst's marks on one event. Absent marks mean: not reviewed, not
/// flagged, included in the report, no note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventMark {
    pub event: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub reviewed: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub flagged: bool,
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub included: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl EventMark {
    pub fn new(event: impl Into<String>) -> Self {
        EventMark {
            event: event.into(),
            reviewed: false,
            flagged: false,
            included: true,
            note: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignOff {
    pub reviewer: String,
    pub at: DateTime<Utc>,
    /// `sha256:` and the hex digest of the canonical record and review.
    pub hash: String,
}

impl Review {
    pub fn new(record: impl Into<String>) -> Self {
        Review {
            schema: REVIEW_SCHEMA,
            record: record.into(),
            ..Review::default()
        }
    }

    pub fn mark(&self, event: &str) -> Option<&EventMark> {
        self.marks.iter().find(|m| m.event == event)
    }

    /// The highest portion marking the review contains: its findings'
    /// (a recommendation or a note carries the marking of what it belongs to).
    pub fn highest_portion(&self) -> Level {
        super::marking::highest(self.findings.iter().map(|f| f.portion))
    }

    pub fn finding(&self, id: &str) -> Option<&Finding> {
        self.findings.iter().find(|f| f.id == id)
    }
}
