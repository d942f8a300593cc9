//! The incident record: what happened, who was involved, what the sources
//! say and which controls were engaged at each step. Format version 1.

use serde::{Deserialize, Serialize};

use super::grade::{Admiralty, Credibility, Reliability};

/// An id or a reference to one. Ids are short and a large record holds
/// millions of them; kept inline (up to 24 bytes) they cost no allocation.
pub type Id = compact_str::CompactString;
use super::marking::{Classification, Level, Tlp};
use super::time::{Fidelity, Timestamp};

/// Deserialises a list without spare capacity. RON gives no length hint,
/// so a parsed `Vec` keeps up to half its allocation unused; across the
/// small lists of 100k events that was a quarter of a record's memory.
/// A format that knows the length (the cache's MessagePack) says it, and the
/// list is reserved whole: serde's own `Vec` reserves at most 1 MiB from a
/// hint and grows from there by copying, into fresh pages each time.
fn exact<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct Exact<T>(std::marker::PhantomData<T>);
    impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Exact<T> {
        type Value = Vec<T>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            // Serde's wording for a `Vec`, so RON's messages stay the same.
            f.write_str("a sequence")
        }

        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            // Bounded: a length is only a claim until the elements are read.
            const MOST: usize = 1 << 20;
            let mut list = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(MOST));
            while let Some(item) = seq.next_element()? {
                list.push(item);
            }
            list.shrink_to_fit();
            Ok(list)
        }
    }
    deserializer.deserialize_seq(Exact(std::marker::PhantomData))
}

/// The record format version this build reads and writes.
pub const RECORD_SCHEMA: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// Format version; see [`RECORD_SCHEMA`].
    pub schema: u32,
    pub id: String,
    pub title: String,
    pub summary: String,
    /// The overall marking. Never lower than the highest portion it contains.
    pub classification: Classification,
    /// The portion marking of the title and summary. When absent they are
    /// taken to be at the overall classification, which is the safe reading.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portion: Option<Level>,
    pub tlp: Tlp,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub actors: Vec<Actor>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub sources: Vec<Source>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub controls: Vec<Control>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub events: Vec<Event>,
    /// Claims that are uncorroborated, disputed or in conflict with each other.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub claims: Vec<Claim>,
    /// Where hotwash imported the record from. Absent: written by hand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

/// The format a record was imported from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OriginFormat {
    /// VERIS incident JSON, such as a VERIS Community Database file.
    Veris,
    /// A STIX 2.1 bundle.
    Stix,
}

impl OriginFormat {
    pub fn name(self) -> &'static str {
        match self {
            OriginFormat::Veris => "VERIS",
            OriginFormat::Stix => "STIX",
        }
    }
}

/// Where an imported record came from, so a reader can go back to it and a
/// re-import can be recognised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Origin {
    pub format: OriginFormat,
    /// The imported file's name (not its path: records move).
    pub file: String,
    /// The id the source gives the incident (VERIS `incident_id`, the STIX
    /// incident's id), which may differ from the file name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The source format's version (VERIS `schema_version`, STIX `spec_version`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The source's own confidence in the incident's coding (VERIS
    /// `confidence`: High, Medium, Low, None), kept as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Side {
    Own,
    Adversary,
    ThirdParty,
}

impl Side {
    pub fn name(self) -> &'static str {
        match self {
            Side::Own => "own side",
            Side::Adversary => "adversary",
            Side::ThirdParty => "third party",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    pub id: Id,
    pub name: String,
    pub side: Side,
    /// Rank or office at the time, and part played in the incident.
    pub role: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub id: Id,
    pub title: String,
    /// Whether `title` is the source's own title or the record author's
    /// description of it (where the title is not known).
    #[serde(default, skip_serializing_if = "TitleKind::is_title")]
    pub title_is: TitleKind,
    pub publisher: String,
    /// Publication date, at whatever precision it is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Timestamp>,
    pub url: String,
    /// Admiralty source reliability, A–F.
    pub reliability: Reliability,
}

/// What a source's `title` is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TitleKind {
    /// The source's own title, as it stands.
    #[default]
    Title,
    /// The record author's description of the source: its own title is not
    /// known, and a made-up headline would read as a quotation.
    Description,
}

impl TitleKind {
    fn is_title(&self) -> bool {
        *self == TitleKind::Title
    }
}

impl Source {
    /// The title as readers see it: the source's own title, or a
    /// description in square brackets, the way bibliographies mark a title
    /// supplied by whoever cites the work (APA, Chicago).
    pub fn shown_title(&self) -> std::borrow::Cow<'_, str> {
        match self.title_is {
            TitleKind::Title => std::borrow::Cow::Borrowed(&self.title),
            TitleKind::Description => std::borrow::Cow::Owned(format!("[{}]", self.title)),
        }
    }
}

/// The control catalogues a record may cite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Catalogue {
    /// NIST SP 800-53 Revision 5.
    NistSp80053r5,
}

impl Catalogue {
    pub fn name(self) -> &'static str {
        match self {
            Catalogue::NistSp80053r5 => "NIST SP 800-53 Rev. 5",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Control {
    pub catalogue: Catalogue,
    /// The catalogue id, such as `SC-8` or `SC-15(4)`; unique in the record.
    pub id: Id,
    pub title: String,
    /// What the control expects, in the terms of this incident.
    pub expects: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    pub id: Id,
    /// When it happened (its start, for a period).
    pub at: Timestamp,
    /// How precisely `at` (and `end`) is known; never finer than written.
    pub fidelity: Fidelity,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<Timestamp>,
    /// When it became known to the own side, where that differs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub known: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<Place>,
    pub title: String,
    pub narrative: String,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub actors: Vec<Id>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub sources: Vec<Citation>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub controls: Vec<ControlLink>,
    /// Controls that could have stopped what happened here, by published
    /// mappings: candidates for the analyst, never effects. The analyst's
    /// decision on each is kept in the review (see docs/FORMAT.md).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub candidates: Vec<Candidate>,
    /// The portion marking of this event.
    pub portion: Level,
}

impl Event {
    /// Whether any control at this event failed, was not followed, was
    /// bypassed or was absent.
    pub fn has_failure(&self) -> bool {
        self.controls.iter().any(|c| c.effect.is_failure())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Place {
    pub name: Id,
    /// IANA time zone, such as `Asia/Singapore`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<Id>,
}

/// A source cited for one event or claim, with the credibility of what it
/// says there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Citation {
    pub source: Id,
    /// Admiralty information credibility, 1–6.
    pub credibility: Credibility,
    /// What the source says, or where, when it helps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Citation {
    /// The Admiralty code of this citation, given its source.
    pub fn admiralty(&self, source: &Source) -> Admiralty {
        Admiralty {
            reliability: source.reliability,
            credibility: self.credibility,
        }
    }
}

/// What happened to a control at an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Effect {
    /// The control was in place and did not work.
    Failed,
    /// The control was in place but a person did not follow it.
    NotFollowed,
    /// The control was deliberately circumvented.
    Bypassed,
    /// There was no such control.
    Absent,
    /// The control worked.
    Held,
}

impl Effect {
    pub const ALL: [Effect; 5] = [
        Effect::Failed,
        Effect::NotFollowed,
        Effect::Bypassed,
        Effect::Absent,
        Effect::Held,
    ];

    /// The effect's place in [`Effect::ALL`], for tables kept per effect.
    pub fn index(self) -> usize {
        match self {
            Effect::Failed => 0,
            Effect::NotFollowed => 1,
            Effect::Bypassed => 2,
            Effect::Absent => 3,
            Effect::Held => 4,
        }
    }

    pub fn is_failure(self) -> bool {
        self != Effect::Held
    }

    /// What the effect means, briefly, for the key of a report.
    pub fn meaning(self) -> &'static str {
        match self {
            Effect::Failed => "in place but did not work",
            Effect::NotFollowed => "a person did not follow it",
            Effect::Bypassed => "deliberately circumvented",
            Effect::Absent => "not in place",
            Effect::Held => "worked",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Effect::Failed => "failed",
            Effect::NotFollowed => "not followed",
            Effect::Bypassed => "bypassed",
            Effect::Absent => "absent",
            Effect::Held => "held",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ControlLink {
    pub control: Id,
    pub effect: Effect,
    /// Why the analyst links the control here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A control that could have stopped an event's action, and why it is
/// proposed: every chain from the action to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Candidate {
    /// A catalogue id in the catalogue's own form (`AC-2`, not `AC-02`).
    pub control: Id,
    pub catalogue: Catalogue,
    #[serde(deserialize_with = "exact")]
    pub chains: Vec<Chain>,
}

/// One reason a control is a candidate: the VERIS action, the ATT&CK
/// technique it relates to (where the chain goes through one), and whose
/// mapping says so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Chain {
    /// The VERIS action as the mappings name it, such as
    /// `action.hacking.variety.Use of stolen creds`.
    pub action: String,
    /// The ATT&CK technique id, such as `T1078`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub technique: Option<Id>,
    pub basis: Basis,
}

/// Whose mapping a chain comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Basis {
    /// The Center for Threat-Informed Defense's Mappings Explorer tables
    /// (VERIS 1.4.0 to ATT&CK 16.1, ATT&CK 16.1 to NIST SP 800-53 Rev. 5).
    Ctid,
    /// hotwash's own table for error, misuse and physical actions, which
    /// the published mappings do not cover: hotwash's judgement.
    Hotwash,
}

/// How a claim stands against the other sources.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ClaimStatus {
    /// Reported, not yet contradicted.
    Reported,
    /// Only weak or derivative sources carry it.
    Uncorroborated,
    /// Sources disagree and neither side is settled.
    Disputed,
    /// A later, better source replaced it.
    Superseded,
    /// A better source contradicts it.
    Refuted,
}

impl ClaimStatus {
    pub fn name(self) -> &'static str {
        match self {
            ClaimStatus::Reported => "reported",
            ClaimStatus::Uncorroborated => "uncorroborated",
            ClaimStatus::Disputed => "disputed",
            ClaimStatus::Superseded => "superseded",
            ClaimStatus::Refuted => "refuted",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    pub id: Id,
    pub statement: String,
    pub status: ClaimStatus,
    /// The events the claim is about.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub events: Vec<Id>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub sources: Vec<Citation>,
    /// Other claims this one contradicts.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact"
    )]
    pub conflicts_with: Vec<Id>,
    pub portion: Level,
}

/// The position of each item by its id, for lookups that would otherwise
/// scan a list once per reference.
pub fn index_by_id<'a, T>(
    items: &'a [T],
    id: impl Fn(&'a T) -> &'a str,
) -> super::IdMap<&'a str, usize> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| (id(item), i))
        .collect()
}

impl Record {
    /// The portion marking of the title and summary.
    pub fn title_portion(&self) -> Level {
        self.portion.unwrap_or(self.classification.level)
    }

    /// The highest portion marking the record contains.
    pub fn highest_portion(&self) -> Level {
        super::marking::highest(
            self.events
                .iter()
                .map(|e| e.portion)
                .chain(std::iter::once(self.title_portion()))
                .chain(self.claims.iter().map(|c| c.portion)),
        )
    }

    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }

    pub fn actor(&self, id: &str) -> Option<&Actor> {
        self.actors.iter().find(|a| a.id == id)
    }

    pub fn control(&self, id: &str) -> Option<&Control> {
        self.controls.iter().find(|c| c.id == id)
    }

    pub fn event(&self, id: &str) -> Option<&Event> {
        self.events.iter().find(|e| e.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::Effect;

    #[test]
    fn an_effects_index_is_its_place_in_all() {
        for (i, effect) in Effect::ALL.into_iter().enumerate() {
            assert_eq!(effect.index(), i, "{effect:?}");
        }
    }
}
