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
    /// The analyst's decisions on the record's candidate controls.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decisions: Vec<Decision>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signoff: Option<SignOff>,
    /// What a merge of two analysts' versions could not decide: the same
    /// field changed differently on both sides. The body holds our
    /// version until the analyst chooses; written by `hotwash merge-review`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<Conflict>,
    /// The sign-offs a merge dropped because it changed what they sealed:
    /// who had signed what, on which side.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dropped_signoffs: Vec<DroppedSignOff>,
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

/// The analyst's decision on one candidate control of one event: it becomes
/// a control link with an effect there, or is dismissed. Kept in the review
/// (not the record) so a re-import leaves it alone and the sign-off seals it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    pub event: String,
    pub control: String,
    pub verdict: Verdict,
    /// Why, in the analyst's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// What the analyst decided about a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Verdict {
    /// The control was engaged here, with this effect.
    Linked(crate::model::Effect),
    /// Not relevant to this event.
    Dismissed,
}

impl Verdict {
    /// Every verdict, in the order the workbench offers them.
    pub const ALL: [Verdict; 6] = [
        Verdict::Linked(crate::model::Effect::Failed),
        Verdict::Linked(crate::model::Effect::NotFollowed),
        Verdict::Linked(crate::model::Effect::Bypassed),
        Verdict::Linked(crate::model::Effect::Absent),
        Verdict::Linked(crate::model::Effect::Held),
        Verdict::Dismissed,
    ];

    /// "failed", "held", "dismissed": for people.
    pub fn describe(self) -> String {
        match self {
            Verdict::Linked(e) => e.name().to_string(),
            Verdict::Dismissed => "dismissed".to_string(),
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

/// What a merge conflict is about: an item of the review, by its id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ConflictItem {
    Finding(String),
    Recommendation(String),
    /// The marks on an event, by the event's id.
    Mark(String),
    /// The decision on candidate `control` at `event`.
    Decision {
        event: String,
        control: String,
    },
}

impl ConflictItem {
    pub fn id(&self) -> &str {
        match self {
            ConflictItem::Finding(id)
            | ConflictItem::Recommendation(id)
            | ConflictItem::Mark(id) => id,
            ConflictItem::Decision { event, .. } => event,
        }
    }

    /// "finding F03", "the marks on E05": for people.
    pub fn describe(&self) -> String {
        match self {
            ConflictItem::Finding(id) => format!("finding {id}"),
            ConflictItem::Recommendation(id) => format!("recommendation {id}"),
            ConflictItem::Mark(id) => format!("event {id}"),
            ConflictItem::Decision { event, control } => {
                format!("the decision on {control} at {event}")
            }
        }
    }
}

/// The field of an item two sides changed differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ConflictField {
    /// One side deleted the item, the other changed it.
    Presence,
    Title,
    Statement,
    Kind,
    Severity,
    Likelihood,
    Confidence,
    Portion,
    /// The finding a recommendation answers.
    Finding,
    Action,
    Owner,
    Due,
    Status,
    /// The analyst's note on an event or on a decision.
    Note,
    /// What the analyst decided about a candidate (`Unset`: undecided).
    Verdict,
}

impl ConflictField {
    /// The field's name as the review file writes it (`Presence`: whether
    /// the item is there at all).
    pub fn name(self) -> &'static str {
        match self {
            ConflictField::Presence => "presence",
            ConflictField::Title => "title",
            ConflictField::Statement => "statement",
            ConflictField::Kind => "kind",
            ConflictField::Severity => "severity",
            ConflictField::Likelihood => "likelihood",
            ConflictField::Confidence => "confidence",
            ConflictField::Portion => "portion",
            ConflictField::Finding => "finding",
            ConflictField::Action => "action",
            ConflictField::Owner => "owner",
            ConflictField::Due => "due",
            ConflictField::Status => "status",
            ConflictField::Note => "note",
            ConflictField::Verdict => "verdict",
        }
    }

    /// Whether `item` has this field.
    pub fn belongs_to(self, item: &ConflictItem) -> bool {
        use ConflictField as F;
        match item {
            ConflictItem::Finding(_) => matches!(
                self,
                F::Presence
                    | F::Title
                    | F::Statement
                    | F::Kind
                    | F::Severity
                    | F::Likelihood
                    | F::Confidence
                    | F::Portion
            ),
            ConflictItem::Recommendation(_) => matches!(
                self,
                F::Presence | F::Finding | F::Action | F::Owner | F::Due | F::Status
            ),
            ConflictItem::Mark(_) => self == F::Note,
            ConflictItem::Decision { .. } => matches!(self, F::Verdict | F::Note),
        }
    }

    /// Whether `value` is a value of this field.
    pub fn accepts(self, value: &ConflictValue) -> bool {
        use ConflictField as F;
        use ConflictValue as V;
        matches!(
            (self, value),
            (F::Presence, V::Kept | V::Deleted)
                | (
                    F::Title | F::Statement | F::Finding | F::Action | F::Owner,
                    V::Text(_)
                )
                | (F::Kind, V::Kind(_))
                | (F::Severity, V::Severity(_))
                | (F::Likelihood, V::Likelihood(_))
                | (F::Confidence, V::Confidence(_))
                | (F::Portion, V::Portion(_))
                | (F::Due, V::Due(_) | V::Unset)
                | (F::Status, V::Status(_))
                | (F::Note, V::Text(_) | V::Unset)
                | (F::Verdict, V::Verdict(_) | V::Unset)
        )
    }

    /// Whether the field holds free text (which the analyst can combine).
    pub fn is_text(self) -> bool {
        matches!(
            self,
            ConflictField::Title
                | ConflictField::Statement
                | ConflictField::Finding
                | ConflictField::Action
                | ConflictField::Owner
                | ConflictField::Due
                | ConflictField::Note
        )
    }
}

/// One version of a conflicting field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ConflictValue {
    Text(String),
    Kind(FindingKind),
    Severity(Severity),
    Likelihood(Likelihood),
    Confidence(Confidence),
    Portion(Level),
    Status(RecommendationStatus),
    Due(NaiveDate),
    /// An optional field left empty: no note, no due date, no decision.
    Unset,
    /// A decision on a candidate.
    Verdict(Verdict),
    /// The item is there.
    Kept,
    /// The item was deleted.
    Deleted,
}

impl ConflictValue {
    /// The value for people, as the workbench shows it.
    pub fn describe(&self) -> String {
        match self {
            ConflictValue::Text(t) => t.clone(),
            ConflictValue::Kind(k) => k.name().to_string(),
            ConflictValue::Severity(s) => s.name().to_string(),
            ConflictValue::Likelihood(l) => l.term().to_string(),
            ConflictValue::Confidence(c) => c.name().to_string(),
            ConflictValue::Portion(l) => l.name().to_string(),
            ConflictValue::Status(s) => s.name().to_string(),
            ConflictValue::Due(d) => d.format("%Y-%m-%d").to_string(),
            ConflictValue::Unset => "(none)".to_string(),
            ConflictValue::Verdict(v) => v.describe(),
            ConflictValue::Kept => "kept".to_string(),
            ConflictValue::Deleted => "deleted".to_string(),
        }
    }
}

/// A field two analysts changed differently, with the three versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conflict {
    pub item: ConflictItem,
    pub field: ConflictField,
    /// The version both started from.
    pub base: ConflictValue,
    /// The version of the branch merged into (git's "ours"); the review's
    /// body holds it until the conflict is resolved.
    pub ours: ConflictValue,
    /// The version of the branch merged in (git's "theirs").
    pub theirs: ConflictValue,
}

impl Conflict {
    /// "finding F03 statement".
    pub fn describe(&self) -> String {
        format!("{} {}", self.item.describe(), self.field.name())
    }
}

/// The side of a merge a version came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MergeSide {
    /// The branch merged into.
    Ours,
    /// The branch merged in.
    Theirs,
}

impl MergeSide {
    pub fn name(self) -> &'static str {
        match self {
            MergeSide::Ours => "ours",
            MergeSide::Theirs => "theirs",
        }
    }
}

/// A sign-off a merge dropped: the reviewer had signed `hash` (that
/// side's version of the record and review) at `at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DroppedSignOff {
    pub reviewer: String,
    pub at: DateTime<Utc>,
    pub hash: String,
    pub side: MergeSide,
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
