//! STIX 2.1 import: a bundle becomes a record, and a review where the bundle
//! carries hotwash's own findings. docs/STIX-IMPORT.md has the mapping and
//! what STIX cannot carry.
//!
//! Two readings share one pass over the objects:
//!
//! - A bundle hotwash exported (its reviewing-organisation identity names
//!   the record) is read back by the conventions of [`crate::export::stix`]:
//!   portion marks before names, the event's description lines (`When`,
//!   `Known`, `Place`, `Time zone`, `Controls`), controls as courses of action
//!   labelled `control`, claims and findings as labelled notes,
//!   recommendations as labelled courses of action, the banner at the top of
//!   the report's description and the Admiralty codes in the external
//!   references.
//! - Any other producer's bundle (MISP through misp-stix, OpenCTI, the OASIS
//!   examples) is read by STIX alone: the incident's name and description,
//!   Incident Core events and tasks as events, notes as reported claims,
//!   identities and threat actors as actors, external references with an
//!   address as sources that cannot be judged (F, credibility 6), the
//!   highest TLP marking, and everything the record has no place for in the
//!   summary under "Also in the bundle", so nothing is lost without a word.
//!
//! Objects of other types are skipped and listed in [`Imported::skipped`].
//! Times keep their Incident Core fidelity; fractional seconds are cut off
//! (a record's finest fidelity is the second).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, FixedOffset, SubsecRound, Utc};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::output::{Imported, Skipped, record_name};
use crate::export::stix::{TLP2_EXTENSION, tlp_marking_id};
use crate::load::Diagnostic;
use crate::model::time::{Fidelity, Timestamp};
use crate::model::{
    Actor, Catalog, Catalogue, Citation, Claim, ClaimStatus, Classification, Confidence, Control,
    ControlLink, Credibility, Effect, Event, EventMark, Finding, FindingKind, Level, Likelihood,
    Origin, OriginFormat, Place, Recommendation, RecommendationStatus, Record, Reliability, Review,
    Scheme, Severity, Side, Source, TitleKind, Tlp,
};

/// The marking of a bundle that carries none: public data, shared without
/// limit. The analyst re-marks the record where that is wrong.
pub const DEFAULT_CLASSIFICATION: Classification = Classification {
    scheme: Scheme::Us,
    level: Level::Unclassified,
};
pub const DEFAULT_TLP: Tlp = Tlp::Clear;

/// The object types the importer reads; every other one is skipped and
/// reported. Extension definitions describe the others and carry nothing
/// of the incident, so they are read (and left) quietly.
const KNOWN_TYPES: [&str; 12] = [
    "incident",
    "event",
    "task",
    "note",
    "course-of-action",
    "identity",
    "threat-actor",
    "intrusion-set",
    "report",
    "relationship",
    "marking-definition",
    "extension-definition",
];

/// Where in the text a problem lies: a byte range.
type Span = std::ops::Range<usize>;

#[derive(Deserialize)]
struct RawBundle<'a> {
    #[serde(rename = "type")]
    kind: String,
    #[serde(borrow)]
    objects: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
struct Head {
    #[serde(rename = "type")]
    kind: String,
    id: String,
}

/// The properties of the object types the importer reads. Unknown
/// properties are ignored (they are the producer's own: `x_opencti_…`), but
/// a known one of the wrong type is a located error.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Obj {
    #[serde(rename = "type")]
    kind: String,
    id: String,
    spec_version: Option<String>,
    created_by_ref: Option<String>,
    created: Option<String>,
    name: Option<String>,
    description: Option<String>,
    #[serde(rename = "abstract")]
    abstract_: Option<String>,
    content: Option<String>,
    authors: Option<Vec<String>>,
    labels: Option<Vec<String>>,
    confidence: Option<u64>,
    external_references: Option<Vec<ExtRef>>,
    object_refs: Option<Vec<String>>,
    object_marking_refs: Option<Vec<String>>,
    relationship_type: Option<String>,
    source_ref: Option<String>,
    target_ref: Option<String>,
    first_seen: Option<String>,
    last_seen: Option<String>,
    /// OpenCTI's incident properties, kept in words whatever their shape.
    incident_type: Option<serde_json::Value>,
    severity: Option<serde_json::Value>,
    source: Option<serde_json::Value>,
    start_time: Option<String>,
    start_time_fidelity: Option<String>,
    end_time: Option<String>,
    end_time_fidelity: Option<String>,
    status: Option<String>,
    outcome: Option<String>,
    identity_class: Option<String>,
    roles: Option<Vec<String>>,
    definition_type: Option<String>,
    definition: Option<serde_json::Value>,
    extensions: Option<BTreeMap<String, serde_json::Value>>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct ExtRef {
    source_name: Option<String>,
    description: Option<String>,
    url: Option<String>,
    external_id: Option<String>,
}

/// One read object with where it starts in the text.
struct Placed {
    obj: Obj,
    at: Span,
    /// The object's own text, to place a problem at one of its properties.
    text_start: usize,
    text: String,
}

impl Placed {
    /// The span of `"key"` inside the object, else the object's start.
    fn span_of(&self, key: &str) -> Span {
        let quoted = format!("\"{key}\"");
        match self.text.find(&quoted) {
            Some(i) => self.text_start + i..self.text_start + i + quoted.len(),
            None => self.at.clone(),
        }
    }
}

/// The byte offset of serde_json's 1-based line and (byte) column.
fn json_offset(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for _ in 1..line {
        match text[offset..].find('\n') {
            Some(i) => offset += i + 1,
            None => return text.len(),
        }
    }
    let mut at = (offset + column.saturating_sub(1)).min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn located(text: &str, code: &'static str, message: String, span: Span) -> Diagnostic {
    Diagnostic::error(code, message).at(text, span)
}

/// A serde_json error as a diagnostic at its place; `base` is where the
/// parsed slice starts in `text`.
fn json_error(text: &str, base: usize, slice: &str, e: &serde_json::Error) -> Diagnostic {
    let at = base + json_offset(slice, e.line(), e.column());
    let (code, what) = match e.classify() {
        serde_json::error::Category::Data => ("stix.type", "not a STIX 2.1 bundle as expected"),
        serde_json::error::Category::Eof => ("stix.json", "the JSON ends too early"),
        _ => ("stix.json", "not valid JSON"),
    };
    // serde_json appends "at line L column C"; the diagnostic places it.
    let message = e.to_string();
    let message = message
        .rfind(" at line ")
        .map_or(message.as_str(), |i| &message[..i]);
    located(text, code, format!("{what}: {message}"), at..at + 1)
}

/// A STIX timestamp as UTC, fractional seconds cut off.
fn instant(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc).trunc_subsecs(0))
        .map_err(|e| format!("{text:?} is not a STIX timestamp ({e})"))
}

/// An Incident Core fidelity word.
fn fidelity(word: &str) -> Option<Fidelity> {
    [
        Fidelity::Year,
        Fidelity::Month,
        Fidelity::Day,
        Fidelity::Hour,
        Fidelity::Minute,
        Fidelity::Second,
    ]
    .into_iter()
    .find(|f| f.name().eq_ignore_ascii_case(word.trim()))
}

/// A time at `fidelity`: a date (year, month, day) as its UTC date, without
/// an offset, as hotwash's export writes it; a time of day in the offset of
/// `zone` where the event names one, else UTC.
fn timestamp(t: DateTime<Utc>, fidelity: Fidelity, zone: Option<&str>) -> Timestamp {
    if !fidelity.has_time_of_day() {
        return Timestamp::new(t.naive_utc(), None, fidelity);
    }
    let offset: FixedOffset = zone
        .and_then(|z| z.parse::<chrono_tz::Tz>().ok())
        .map(|tz| {
            use chrono::Offset as _;
            t.with_timezone(&tz).offset().fix()
        })
        .unwrap_or_else(|| {
            use chrono::Offset as _;
            Utc.fix()
        });
    let local = t.with_timezone(&offset).naive_local();
    Timestamp::new(local, Some(offset), fidelity)
}

/// A TLP 2.0 (or 1.0: WHITE is CLEAR) label of a marking id or object.
fn tlp_of_id(id: &str) -> Option<Tlp> {
    if let Some(t) = Tlp::ALL.into_iter().find(|&t| tlp_marking_id(t) == id) {
        return Some(t);
    }
    // The TLP 1.0 marking definitions of STIX 2.1 (section 7.2.1.4).
    match id {
        "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9" => Some(Tlp::Clear),
        "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da" => Some(Tlp::Green),
        "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82" => Some(Tlp::Amber),
        "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed" => Some(Tlp::Red),
        _ => None,
    }
}

fn tlp_word(word: &str) -> Option<Tlp> {
    let w = word.trim().to_ascii_uppercase();
    let w = w.trim_start_matches("TLP:").trim();
    if w == "WHITE" {
        return Some(Tlp::Clear);
    }
    Tlp::ALL.into_iter().find(|t| t.word() == w)
}

fn tlp_of_marking(o: &Obj) -> Option<Tlp> {
    if let Some(t) = tlp_of_id(&o.id) {
        return Some(t);
    }
    if let Some(ext) = o.extensions.as_ref().and_then(|e| e.get(TLP2_EXTENSION))
        && let Some(t) = ext
            .get("tlp_2_0")
            .and_then(|v| v.as_str())
            .and_then(tlp_word)
    {
        return Some(t);
    }
    let kind = o.definition_type.as_deref().unwrap_or("");
    if kind.eq_ignore_ascii_case("tlp") {
        // STIX 2.1 writes {"tlp": "amber"}; OpenCTI {"TLP": "TLP:AMBER"}.
        if let Some(t) = o
            .definition
            .as_ref()
            .and_then(|d| d.as_object())
            .and_then(|d| d.values().find_map(|v| v.as_str().and_then(tlp_word)))
        {
            return Some(t);
        }
        return o.name.as_deref().and_then(tlp_word);
    }
    None
}

/// A classification banner (or portion mark) of any scheme, exactly.
fn classification_of(words: &str) -> Option<Classification> {
    let words = words.trim();
    for scheme in Scheme::ALL {
        for level in Level::ALL {
            if scheme.banner(level) == Some(words) {
                return Some(Classification { scheme, level });
            }
        }
    }
    None
}

/// `(mark) rest` → the level of `mark` and `rest`.
fn portion_prefix(text: &str) -> Option<(Level, &str)> {
    let rest = text.strip_prefix('(')?;
    let close = rest.find(") ").or_else(|| rest.find(')'))?;
    let level: Level = rest[..close].parse().ok()?;
    let after = rest[close + 1..]
        .strip_prefix(' ')
        .unwrap_or(&rest[close + 1..]);
    Some((level, after))
}

/// The value of a `Key: value.` line of `block`, without the full stop.
fn line_value<'t>(block: &'t str, key: &str) -> Option<&'t str> {
    block.lines().find_map(|l| {
        let v = l.strip_prefix(key)?.strip_prefix(": ")?;
        Some(v.strip_suffix('.').unwrap_or(v))
    })
}

fn list(value: Option<&str>) -> Vec<String> {
    value
        .map(|v| {
            v.split(", ")
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

fn has_label(o: &Obj, label: &str) -> bool {
    o.labels
        .as_ref()
        .is_some_and(|l| l.iter().any(|x| x == label))
}

/// `"Cited for event E1 with Admiralty code B2. A note"` → credibility 2
/// and the note.
fn citation_of(description: &str) -> Option<(Credibility, Option<String>)> {
    let rest = &description[description.find(" with Admiralty code ")? + 21..];
    let mut chars = rest.chars();
    chars.next()?; // the source's reliability, which the source carries
    let digit = chars.next()?.to_digit(10)?;
    let after = chars.as_str();
    // The export puts one space before the note: the note keeps its own.
    let after = after.strip_prefix('.').unwrap_or(after);
    let after = after.strip_prefix(' ').unwrap_or(after);
    let note = (!after.is_empty()).then(|| after.to_string());
    Some((Credibility(u8::try_from(digit).ok()?), note))
}

fn effect_named(name: &str) -> Option<Effect> {
    Effect::ALL.into_iter().find(|e| e.name() == name)
}

/// Imports one bundle. `file` is its file name (the record keeps it as its
/// origin; its stem names the record unless the bundle is hotwash's own).
pub fn import(file: &str, text: &str) -> Result<Imported, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bundle: RawBundle =
        serde_json::from_str(text).map_err(|e| json_error(text, 0, text, &e))?;
    if bundle.kind != "bundle" {
        let at = text.find("\"type\"").unwrap_or(0);
        return Err(located(
            text,
            "stix.bundle",
            format!(
                "the top-level object is of type {:?}, not a STIX bundle",
                bundle.kind
            ),
            at..at + 6,
        )
        .with_help(
            "hotwash imports STIX 2.1 bundles: {\"type\": \"bundle\", \"objects\": [...]}",
        ));
    }
    let mut objects = Vec::with_capacity(bundle.objects.len());
    let mut skipped = Vec::new();
    for raw in &bundle.objects {
        let slice = raw.get();
        // The raw value borrows from `text`: its offset is where it lies.
        let base = (slice.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
        let base = if base <= text.len() { base } else { 0 };
        let head: Head =
            serde_json::from_str(slice).map_err(|e| json_error(text, base, slice, &e))?;
        if !KNOWN_TYPES.contains(&head.kind.as_str()) {
            skipped.push(Skipped {
                id: head.id,
                kind: head.kind,
            });
            continue;
        }
        let obj: Obj =
            serde_json::from_str(slice).map_err(|e| json_error(text, base, slice, &e))?;
        objects.push(Placed {
            obj,
            at: base..base + 1,
            text_start: base,
            text: slice.to_string(),
        });
    }
    let stem = file
        .strip_suffix(".json")
        .or_else(|| file.strip_suffix(".JSON"))
        .unwrap_or(file);
    let stem = stem.strip_suffix(".stix").unwrap_or(stem);
    Reader::new(file, stem, text, objects, skipped).read()
}

/// What the importer gathers while reading the objects.
struct Reader<'t> {
    file: String,
    stem: String,
    text: &'t str,
    objects: Vec<Placed>,
    skipped: Vec<Skipped>,
    /// The record id of a bundle hotwash exported.
    own: Option<String>,
    notes: Vec<String>,
    /// "Also in the bundle": what the record has no structure for.
    also: Vec<String>,
    sources: Vec<Source>,
    /// Foreign sources by address, to cite one source once.
    source_by_url: HashMap<String, usize>,
}

impl<'t> Reader<'t> {
    fn new(
        file: &str,
        stem: &str,
        text: &'t str,
        objects: Vec<Placed>,
        skipped: Vec<Skipped>,
    ) -> Self {
        // hotwash's export names the record in its reviewing organisation.
        let own = objects.iter().find_map(|p| {
            let o = &p.obj;
            (o.kind == "identity").then_some(())?;
            let record = o
                .name
                .as_deref()?
                .strip_prefix("Reviewing organisation of ")?;
            let description = o.description.as_deref()?;
            description
                .contains(&format!("incident record {record} with hotwash"))
                .then(|| record.to_string())
        });
        Reader {
            file: file.to_string(),
            stem: stem.to_string(),
            text,
            objects,
            skipped,
            own,
            notes: Vec::new(),
            also: Vec::new(),
            sources: Vec::new(),
            source_by_url: HashMap::new(),
        }
    }

    fn error(&self, p: &Placed, key: &str, code: &'static str, message: String) -> Diagnostic {
        located(self.text, code, message, p.span_of(key))
            .with_help(format!("in the {} {}", p.obj.kind, p.obj.id))
    }

    fn of_type<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Placed> + 'a {
        self.objects.iter().filter(move |p| p.obj.kind == kind)
    }

    fn read(mut self) -> Result<Imported, Diagnostic> {
        let incidents: Vec<usize> = (0..self.objects.len())
            .filter(|&i| self.objects[i].obj.kind == "incident")
            .collect();
        let reports: Vec<usize> = (0..self.objects.len())
            .filter(|&i| self.objects[i].obj.kind == "report")
            .collect();
        let Some(&main) = incidents.first().or(reports.first()) else {
            return Err(located(
                self.text,
                "stix.incident",
                "the bundle holds neither an incident nor a report: nothing to make a record of"
                    .to_string(),
                0..1,
            ));
        };
        let own = self.own.is_some();
        let (classification, tlp) = self.markings(main);

        // Sources first: events, claims and the summary cite them.
        if own {
            self.own_sources(&reports)?;
        }
        let controls = self.controls();
        let mut dated = self.events(classification.level)?;
        if !own {
            dated.extend(self.incident_events(main, classification.level)?);
        }
        // hotwash's events in the record's order, as exported; any other
        // producer's in time order (a stable sort keeps the bundle's order
        // of equals).
        if !own {
            dated.sort_by_key(|(at, _, _)| *at);
        }
        let mut event_ids: HashMap<String, String> = HashMap::new();
        let mut events = Vec::with_capacity(dated.len());
        for (i, (_, stix, mut e)) in dated.into_iter().enumerate() {
            if !own {
                e.id = format!("E{}", i + 1).into();
            }
            event_ids.insert(stix, e.id.to_string());
            events.push(e);
        }
        let claims = self.claims(classification.level, &event_ids);
        let actors = self.actors(main);
        if !own {
            // The incident's own times rest on the incident's references and
            // involve what it targets and is attributed to.
            let refs = self.objects[main]
                .obj
                .external_references
                .clone()
                .unwrap_or_default();
            let (cited, _) = self.foreign_citations(&refs);
            let related: Vec<crate::model::Id> = actors
                .iter()
                .filter(|a| a.side != Side::ThirdParty)
                .map(|a| a.id.clone())
                .collect();
            let prefix = format!("{}#", self.objects[main].obj.id);
            for e in &mut events {
                if event_ids
                    .iter()
                    .any(|(stix, id)| stix.starts_with(&prefix) && *id == e.id)
                {
                    e.sources = cited.clone();
                    e.actors = related.clone();
                }
            }
        }
        let review = if own { self.review(&events)? } else { None };

        let main_obj = &self.objects[main].obj;
        let (title, mut summary) = self.title_and_summary(main, &reports);
        let incident_id = main_obj.id.clone();
        let version = main_obj.spec_version.clone().or(Some("2.1".into()));
        let confidence = main_obj.confidence.map(|c| c.to_string());
        for &other in incidents.iter().skip(1) {
            let o = &self.objects[other].obj;
            self.also.push(format!(
                "Another incident, {}: {}",
                o.name.as_deref().unwrap_or(&o.id),
                o.description.as_deref().unwrap_or("no description")
            ));
            self.notes.push(format!(
                "{} is a second incident; the record is made of the first, {}",
                o.id, incident_id
            ));
        }
        if !own {
            self.foreign_leftovers(main);
            if !self.also.is_empty() {
                summary.push_str("\n\nAlso in the bundle:\n");
                for line in &self.also {
                    summary.push_str(&format!("- {line}\n"));
                }
                summary.truncate(summary.trim_end().len());
            }
        }
        let id = self.own.clone().unwrap_or_else(|| record_name(&self.stem));
        let review = review.map(|mut r: Review| {
            r.record = id.clone();
            r
        });
        let record = Record {
            schema: crate::model::RECORD_SCHEMA,
            id: id.clone(),
            title,
            summary,
            classification,
            portion: None,
            tlp,
            actors,
            sources: std::mem::take(&mut self.sources),
            controls,
            events,
            claims,
            origin: Some(Origin {
                format: OriginFormat::Stix,
                file: self.file.clone(),
                id: Some(incident_id),
                version,
                confidence,
            }),
        };
        Ok(Imported {
            name: if own { id } else { record_name(&self.stem) },
            record,
            review,
            skipped: self.skipped,
            notes: self.notes,
        })
    }

    /// The classification and TLP. hotwash's own export writes the banner
    /// as the report description's first line; a statement marking whose
    /// text is a banner counts too. The TLP is the highest of the TLP
    /// markings on the incident (else on any object).
    fn markings(&mut self, main: usize) -> (Classification, Tlp) {
        let mut classification = None;
        if self.own.is_some() {
            classification = self.of_type("report").find_map(|p| {
                let first = p.obj.description.as_deref()?.lines().next()?;
                classification_of(first)
            });
        }
        let markings: HashMap<&str, &Obj> = self
            .of_type("marking-definition")
            .map(|p| (p.obj.id.as_str(), &p.obj))
            .collect();
        if classification.is_none() {
            classification = markings.values().find_map(|m| {
                let statement = m.definition.as_ref()?.get("statement")?.as_str()?;
                classification_of(statement)
            });
        }
        let tlp_of =
            |id: &str| tlp_of_id(id).or_else(|| markings.get(id).and_then(|m| tlp_of_marking(m)));
        let on_main: Vec<Tlp> = self.objects[main]
            .obj
            .object_marking_refs
            .iter()
            .flatten()
            .filter_map(|id| tlp_of(id))
            .collect();
        let tlp = if on_main.is_empty() {
            self.objects
                .iter()
                .flat_map(|p| p.obj.object_marking_refs.iter().flatten())
                .filter_map(|id| tlp_of(id))
                .max()
        } else {
            on_main.into_iter().max()
        };
        let classification = classification.unwrap_or_else(|| {
            self.notes.push(format!(
                "the bundle carries no classification: marked {} by default",
                DEFAULT_CLASSIFICATION.banner()
            ));
            DEFAULT_CLASSIFICATION
        });
        let tlp = tlp.unwrap_or_else(|| {
            self.notes.push(format!(
                "the bundle carries no TLP marking: marked {} by default",
                DEFAULT_TLP.label()
            ));
            DEFAULT_TLP
        });
        (classification, tlp)
    }

    /// hotwash's sources, from its report's external references:
    /// `TITLE (source ID, DATE). Source reliability R: meaning.`
    fn own_sources(&mut self, reports: &[usize]) -> Result<(), Diagnostic> {
        let mut sources = Vec::new();
        for &r in reports {
            let p = &self.objects[r];
            for x in p.obj.external_references.iter().flatten() {
                let (Some(id), Some(description)) = (&x.external_id, &x.description) else {
                    continue;
                };
                let marker = format!(" (source {id}");
                let Some(cut) = description.rfind(&marker) else {
                    continue;
                };
                let title = &description[..cut];
                let rest = &description[cut + marker.len()..];
                let (date, rest) = match rest.strip_prefix(", ") {
                    Some(r) => match r.find(')') {
                        Some(close) => (Some(&r[..close]), &r[close..]),
                        None => (None, r),
                    },
                    None => (None, rest),
                };
                let date = match date {
                    Some(d) => Some(d.parse::<Timestamp>().map_err(|e| {
                        self.error(p, "external_references", "stix.value", e.to_string())
                    })?),
                    None => None,
                };
                let letter = rest
                    .find("Source reliability ")
                    .and_then(|i| rest[i + 19..].chars().next());
                let reliability = match letter {
                    Some('A') => Reliability::A,
                    Some('B') => Reliability::B,
                    Some('C') => Reliability::C,
                    Some('D') => Reliability::D,
                    Some('E') => Reliability::E,
                    _ => Reliability::F,
                };
                let (title, title_is) =
                    match title.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
                        Some(t) => (t.to_string(), TitleKind::Description),
                        None => (title.to_string(), TitleKind::Title),
                    };
                if sources.iter().any(|s: &Source| s.id == id.as_str()) {
                    continue;
                }
                sources.push(Source {
                    id: id.as_str().into(),
                    title,
                    title_is,
                    publisher: x.source_name.clone().unwrap_or_default(),
                    date,
                    url: x.url.clone().unwrap_or_default(),
                    reliability,
                });
            }
        }
        // The report's description lists each source with its address as
        // the record wrote it (`- ID: …. Reliability R. ADDRESS`): the
        // external reference's URL is percent-encoded.
        let listed: Vec<&str> = reports
            .iter()
            .filter_map(|&r| self.objects[r].obj.description.as_deref())
            .filter_map(|d| d.rfind("\nSources:\n").map(|i| &d[i + 9..]))
            .collect();
        let listed: HashMap<String, String> = sources
            .iter()
            .filter_map(|s| {
                let marker = format!("\n- {}: ", s.id);
                let section = listed.iter().find(|l| l.contains(&marker))?;
                let entry = &section[section.find(&marker)? + marker.len()..];
                let at = entry.find(". Reliability ")?;
                let (_, address) = entry[at + 14..].split_once(". ")?;
                let address = address.split('\n').next()?;
                Some((s.id.to_string(), address.to_string()))
            })
            .collect();
        for s in &mut sources {
            if let Some(address) = listed.get(s.id.as_str()) {
                s.url = address.clone();
            }
        }
        self.sources = sources;
        Ok(())
    }

    /// A foreign external reference as a source of its own (reliability F:
    /// nobody graded it), by its address. `None` without an address the
    /// record can cite: the caller keeps the reference in the text.
    fn foreign_source(&mut self, x: &ExtRef) -> Option<String> {
        let url = x.url.as_deref()?.trim();
        crate::model::web_address::check(url).ok()?;
        if let Some(&i) = self.source_by_url.get(url) {
            return Some(self.sources[i].id.to_string());
        }
        let id = format!("S{}", self.sources.len() + 1);
        let publisher = x.source_name.clone().unwrap_or_default();
        let title = match (&x.description, &x.external_id) {
            (Some(d), _) if !d.trim().is_empty() => d.clone(),
            (_, Some(e)) => format!("{publisher} {e}"),
            _ => publisher.clone(),
        };
        let title = if title.trim().is_empty() {
            url.to_string()
        } else {
            title
        };
        self.source_by_url
            .insert(url.to_string(), self.sources.len());
        self.sources.push(Source {
            id: id.as_str().into(),
            title,
            title_is: TitleKind::Description,
            publisher,
            date: None,
            url: url.to_string(),
            reliability: Reliability::F,
        });
        Some(id)
    }

    /// The citations of a foreign object's external references, and the
    /// references without an address, in words.
    fn foreign_citations(&mut self, refs: &[ExtRef]) -> (Vec<Citation>, Vec<String>) {
        let mut cited = Vec::new();
        let mut words = Vec::new();
        for x in refs {
            match self.foreign_source(x) {
                Some(id) => {
                    if !cited.iter().any(|c: &Citation| c.source == id.as_str()) {
                        cited.push(Citation {
                            source: id.into(),
                            credibility: Credibility(6),
                            note: None,
                        });
                    }
                }
                None => words.push(reference_words(x)),
            }
        }
        (cited, words)
    }

    /// Controls: hotwash's courses of action labelled `control`, and any
    /// course of action that names a control of NIST SP 800-53 Rev. 5 in an
    /// external reference.
    fn controls(&mut self) -> Vec<Control> {
        let catalog = Catalog::nist();
        let mut controls: Vec<Control> = Vec::new();
        let mut others = Vec::new();
        for p in self.of_type("course-of-action") {
            let o = &p.obj;
            if self.own.is_some() && has_label(o, "recommendation") {
                continue;
            }
            if self.own.is_some()
                && has_label(o, "control")
                && let Some(id) = o
                    .external_references
                    .iter()
                    .flatten()
                    .find_map(|x| x.external_id.as_deref())
            {
                if !controls.iter().any(|c| c.id == id) {
                    controls.push(Control {
                        catalogue: Catalogue::NistSp80053r5,
                        id: id.into(),
                        title: o
                            .name
                            .as_deref()
                            .and_then(|n| n.strip_prefix(&format!("{id}: ")))
                            .unwrap_or_default()
                            .to_string(),
                        expects: o.description.clone().unwrap_or_default(),
                    });
                }
                continue;
            }
            let named = o.external_references.iter().flatten().find_map(|x| {
                let source = x.source_name.as_deref().unwrap_or("");
                let id = x.external_id.as_deref()?;
                let entry = catalog.get(id.trim())?;
                (source.contains("800-53") || has_label(o, "control")).then_some(entry)
            });
            match named {
                Some(entry) if !controls.iter().any(|c| c.id == entry.id) => {
                    let title = entry.title.to_string();
                    let expects = o
                        .description
                        .clone()
                        .filter(|d| !d.trim().is_empty())
                        .or_else(|| o.name.clone())
                        .unwrap_or_else(|| entry.title.to_string());
                    controls.push(Control {
                        catalogue: Catalogue::NistSp80053r5,
                        id: entry.id.into(),
                        title,
                        expects,
                    });
                }
                Some(_) => {}
                None => others.push(format!(
                    "Course of action {}{}",
                    o.name.as_deref().unwrap_or(&o.id),
                    o.description
                        .as_deref()
                        .map_or_else(String::new, |d| format!(": {d}"))
                )),
            }
        }
        self.also.extend(others);
        controls
    }

    /// Events from Incident Core events and tasks, each with the instant
    /// it sorts by.
    fn events(&mut self, level: Level) -> Result<Vec<(DateTime<Utc>, String, Event)>, Diagnostic> {
        let own = self.own.is_some();
        let mut out = Vec::new();
        for i in 0..self.objects.len() {
            let kind = self.objects[i].obj.kind.clone();
            if kind != "event" && kind != "task" {
                continue;
            }
            let p = &self.objects[i];
            let o = &p.obj;
            let Some(start) = o.start_time.as_deref() else {
                self.also.push(format!(
                    "Undated {kind} {}{}",
                    o.name.as_deref().unwrap_or(&o.id),
                    o.description
                        .as_deref()
                        .map_or_else(String::new, |d| format!(": {d}"))
                ));
                self.notes.push(format!(
                    "{} has no start_time: kept in the summary, not the timeline",
                    o.id
                ));
                continue;
            };
            let start = instant(start).map_err(|m| self.error(p, "start_time", "stix.time", m))?;
            let fid = match o.start_time_fidelity.as_deref() {
                None => Fidelity::Second,
                Some(w) => fidelity(w).ok_or_else(|| {
                    self.error(
                        p,
                        "start_time_fidelity",
                        "stix.value",
                        format!("unknown fidelity {w:?}; expected year, month, day, hour, minute or second"),
                    )
                })?,
            };
            let end = match o.end_time.as_deref() {
                Some(t) => Some(instant(t).map_err(|m| self.error(p, "end_time", "stix.time", m))?),
                None => None,
            };
            let description = o.description.clone().unwrap_or_default();
            let event = if own && kind == "event" {
                own_event(o, &description, start, fid, end)
            } else {
                None
            };
            let event = match event {
                Some(e) => e,
                None => {
                    let refs = o.external_references.clone().unwrap_or_default();
                    let (sources, words) = self.foreign_citations(&refs);
                    let o = &self.objects[i].obj;
                    let title = o
                        .name
                        .clone()
                        .filter(|n| !n.trim().is_empty())
                        .unwrap_or_else(|| {
                            format!("{} {}", if kind == "task" { "Task" } else { "Event" }, o.id)
                        });
                    let title = if kind == "task" && o.name.is_some() {
                        format!("Task: {title}")
                    } else {
                        title
                    };
                    let mut narrative = if description.trim().is_empty() {
                        title.clone()
                    } else {
                        description
                    };
                    let mut lines = Vec::new();
                    if let Some(s) = &o.status {
                        lines.push(format!("Status in STIX: {s}."));
                    }
                    if let Some(s) = &o.outcome {
                        lines.push(format!("Outcome in STIX: {s}."));
                    }
                    lines.extend(words.into_iter().map(|w| format!("Reference: {w}.")));
                    if !lines.is_empty() {
                        narrative.push_str("\n\n");
                        narrative.push_str(&lines.join("\n"));
                    }
                    let end_fid = o
                        .end_time_fidelity
                        .as_deref()
                        .and_then(fidelity)
                        .unwrap_or(fid);
                    Event {
                        id: o.id.as_str().into(),
                        at: timestamp(start, fid, None),
                        fidelity: fid,
                        end: end
                            .filter(|e| *e > start)
                            .map(|e| timestamp(e, fid.min(end_fid), None)),
                        known: None,
                        place: None,
                        title,
                        narrative,
                        actors: Vec::new(),
                        sources,
                        controls: Vec::new(),
                        candidates: Vec::new(),
                        portion: level,
                    }
                }
            };
            out.push((start, self.objects[i].obj.id.clone(), event));
        }
        Ok(out)
    }

    /// A foreign incident's own times (`first_seen`, `last_seen`, as OpenCTI
    /// writes them) and the Incident Core extension's attacker and defender
    /// activities, as events; an activity without a time, and the other
    /// properties of the extension, go to the summary.
    fn incident_events(
        &mut self,
        main: usize,
        level: Level,
    ) -> Result<Vec<(DateTime<Utc>, String, Event)>, Diagnostic> {
        let p = &self.objects[main];
        let o = &p.obj;
        let name = o.name.clone().unwrap_or_else(|| o.id.clone());
        let mut out = Vec::new();
        for (key, value, what) in [
            ("first_seen", &o.first_seen, "first seen"),
            ("last_seen", &o.last_seen, "last seen"),
        ] {
            let Some(value) = value else { continue };
            let at = instant(value).map_err(|m| self.error(p, key, "stix.time", m))?;
            let title = format!("Incident {what}");
            let narrative = format!("{name}: {what} ({key} of the STIX incident).");
            out.push((
                at,
                format!("{}#{key}", o.id),
                plain_event(title, narrative, at, level),
            ));
        }
        let mut also = Vec::new();
        for (key, value) in [
            ("incident_type", &o.incident_type),
            ("severity", &o.severity),
            ("source", &o.source),
        ] {
            if let Some(v) = value {
                also.push(format!("Incident {key}: {}", json_words(v)));
            }
        }
        let core = o
            .extensions
            .as_ref()
            .and_then(|e| e.get(INCIDENT_CORE_EXTENSION))
            .and_then(|v| v.as_object());
        for (key, value) in core.into_iter().flatten() {
            match (key.as_str(), value.as_array()) {
                ("extension_type", _) => {}
                ("attacker_activities" | "defender_activities", Some(list)) => {
                    let side = if key == "attacker_activities" {
                        "Attacker"
                    } else {
                        "Defender"
                    };
                    for (n, activity) in list.iter().enumerate() {
                        let text = activity
                            .get("description")
                            .and_then(|d| d.as_str())
                            .unwrap_or("(no description)");
                        let time = ["time", "start_time", "end_time"]
                            .into_iter()
                            .find_map(|k| activity.get(k).and_then(|t| t.as_str()));
                        match time {
                            Some(t) => {
                                let at =
                                    instant(t).map_err(|m| self.error(p, key, "stix.time", m))?;
                                let kind = activity
                                    .get("type")
                                    .and_then(|t| t.as_str())
                                    .map_or_else(String::new, |t| format!(" ({t})"));
                                out.push((
                                    at,
                                    format!("{}#{key}/{n}", o.id),
                                    plain_event(
                                        format!("{side} activity{kind}"),
                                        text.to_string(),
                                        at,
                                        level,
                                    ),
                                ));
                            }
                            None => also.push(format!("{side} activity, undated: {text}")),
                        }
                    }
                }
                _ => also.push(format!("Incident Core {key}: {}", json_words(value))),
            }
        }
        self.also.extend(also);
        Ok(out)
    }

    /// Claims: hotwash's notes labelled `claim`; any other producer's notes
    /// (but hotwash's findings) as reported claims.
    fn claims(&mut self, level: Level, events: &HashMap<String, String>) -> Vec<Claim> {
        let own = self.own.is_some();
        let mut claims = Vec::new();
        for i in 0..self.objects.len() {
            let o = &self.objects[i].obj;
            if o.kind != "note" || (own && has_label(o, "finding")) {
                continue;
            }
            if own
                && has_label(o, "claim")
                && let Some(c) = own_claim(o)
            {
                claims.push(c);
                continue;
            }
            let refs = o.external_references.clone().unwrap_or_default();
            let (sources, words) = self.foreign_citations(&refs);
            let o = &self.objects[i].obj;
            let mut statement = String::new();
            if let Some(a) = o.abstract_.as_deref().filter(|a| !a.trim().is_empty()) {
                statement.push_str(a);
                statement.push_str("\n\n");
            }
            statement.push_str(o.content.as_deref().unwrap_or(""));
            let mut lines = Vec::new();
            if let Some(a) = &o.authors {
                lines.push(format!("Authors: {}.", a.join(", ")));
            }
            lines.extend(words.into_iter().map(|w| format!("Reference: {w}.")));
            if !lines.is_empty() {
                statement.push_str("\n\n");
                statement.push_str(&lines.join("\n"));
            }
            let about: Vec<crate::model::Id> = o
                .object_refs
                .iter()
                .flatten()
                .filter_map(|r| events.get(r).map(|e| e.as_str().into()))
                .collect();
            claims.push(Claim {
                id: format!("C{}", claims.len() + 1).into(),
                statement: statement.trim().to_string(),
                status: ClaimStatus::Reported,
                events: about,
                sources,
                conflicts_with: Vec::new(),
                portion: level,
            });
        }
        claims
    }

    /// Actors: identities (but the producer's and hotwash's reviewing
    /// organisation), threat actors and intrusion sets. A threat actor or
    /// intrusion set, or what the incident is `attributed-to`, is the
    /// adversary; what it `targets` or `impacts` is the own side; any other
    /// identity a third party.
    fn actors(&self, main: usize) -> Vec<Actor> {
        if self.own.is_some() {
            return Vec::new();
        }
        let main_id = self.objects[main].obj.id.clone();
        let creators: BTreeSet<&str> = self
            .objects
            .iter()
            .filter_map(|p| p.obj.created_by_ref.as_deref())
            .collect();
        let mut sides: HashMap<&str, (Side, &str)> = HashMap::new();
        for p in self.of_type("relationship") {
            let o = &p.obj;
            let (Some(s), Some(t), Some(kind)) = (
                o.source_ref.as_deref(),
                o.target_ref.as_deref(),
                o.relationship_type.as_deref(),
            ) else {
                continue;
            };
            if s != main_id {
                continue;
            }
            match kind {
                "attributed-to" => {
                    sides.insert(t, (Side::Adversary, kind));
                }
                "targets" | "impacts" => {
                    sides.insert(t, (Side::Own, kind));
                }
                _ => {}
            }
        }
        let mut actors = Vec::new();
        let mut used_ids = BTreeSet::new();
        for p in &self.objects {
            let o = &p.obj;
            let adversary_type = matches!(o.kind.as_str(), "threat-actor" | "intrusion-set");
            if o.kind != "identity" && !adversary_type {
                continue;
            }
            let relation = sides.get(o.id.as_str()).copied();
            if o.kind == "identity" && relation.is_none() && creators.contains(o.id.as_str()) {
                continue; // the producer: it publishes, it does not take part
            }
            let side = match relation {
                Some((side, _)) => side,
                None if adversary_type => Side::Adversary,
                None => Side::ThirdParty,
            };
            let name = o.name.clone().unwrap_or_else(|| o.id.clone());
            let mut id = record_name(&name.to_lowercase());
            while !used_ids.insert(id.clone()) {
                id.push('_');
            }
            let mut role = Vec::new();
            if let Some(class) = &o.identity_class {
                role.push(format!("Identity class {class}."));
            }
            if let Some(roles) = &o.roles {
                role.push(format!("Roles: {}.", roles.join(", ")));
            }
            if let Some((_, kind)) = relation {
                role.push(format!("The incident {kind} it."));
            }
            if let Some(d) = &o.description {
                role.push(d.clone());
            }
            actors.push(Actor {
                id: id.into(),
                name,
                side,
                role: if role.is_empty() {
                    format!("A {} in the STIX bundle.", o.kind)
                } else {
                    role.join(" ")
                },
            });
        }
        actors
    }

    fn title_and_summary(&self, main: usize, reports: &[usize]) -> (String, String) {
        let o = &self.objects[main].obj;
        let report = reports.first().map(|&r| &self.objects[r].obj);
        let title = o
            .name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .or_else(|| report.and_then(|r| r.name.clone()))
            .unwrap_or_else(|| self.stem.clone());
        let summary = o
            .description
            .clone()
            .filter(|d| !d.trim().is_empty())
            .or_else(|| report.and_then(|r| r.description.clone()))
            .filter(|d| !d.trim().is_empty())
            .unwrap_or_else(|| {
                format!(
                    "{title} (imported from {}; it has no description)",
                    self.file
                )
            });
        (title, summary)
    }

    /// What a foreign bundle holds that the record has no structure for:
    /// relationships that set no actor's side, the reports' texts and
    /// references (but the one that gave the summary).
    fn foreign_leftovers(&mut self, main: usize) {
        let names: HashMap<&str, &str> = self
            .objects
            .iter()
            .map(|p| {
                (
                    p.obj.id.as_str(),
                    p.obj.name.as_deref().unwrap_or(p.obj.id.as_str()),
                )
            })
            .collect();
        let main_id = self.objects[main].obj.id.as_str();
        let mut also = Vec::new();
        for p in self.of_type("relationship") {
            let o = &p.obj;
            let (s, t) = (
                o.source_ref.as_deref().unwrap_or("?"),
                o.target_ref.as_deref().unwrap_or("?"),
            );
            let kind = o.relationship_type.as_deref().unwrap_or("related-to");
            if s == main_id && matches!(kind, "attributed-to" | "targets" | "impacts") {
                continue;
            }
            let name = |id: &str| names.get(id).map_or(id.to_string(), |n| n.to_string());
            also.push(format!(
                "Relationship: {} {kind} {}{}",
                name(s),
                name(t),
                o.description
                    .as_deref()
                    .map_or_else(String::new, |d| format!(" ({d})"))
            ));
        }
        let mut refs = Vec::new();
        for p in &self.objects {
            if !matches!(p.obj.kind.as_str(), "incident" | "report") {
                continue;
            }
            if p.obj.kind == "report" && p.obj.id != main_id {
                also.push(format!(
                    "Report {}{}",
                    p.obj.name.as_deref().unwrap_or(&p.obj.id),
                    p.obj
                        .description
                        .as_deref()
                        .filter(|_| self.objects[main].obj.kind == "incident"
                            && self.objects[main].obj.description.is_some())
                        .map_or_else(String::new, |d| format!(": {d}"))
                ));
            }
            refs.extend(p.obj.external_references.clone().unwrap_or_default());
        }
        let (_, words) = self.foreign_citations(&refs);
        also.extend(words.into_iter().map(|w| format!("Reference: {w}")));
        // Cited nowhere else: the summary names the sources it rests on.
        let cited: BTreeSet<String> = self.sources.iter().map(|s| s.id.to_string()).collect();
        if !cited.is_empty() {
            also.push(format!(
                "Sources of the incident and its reports: {}",
                cited.into_iter().collect::<Vec<_>>().join(", ")
            ));
        }
        self.also.extend(also);
    }

    /// hotwash's review: findings (notes labelled `finding`),
    /// recommendations (courses of action labelled `recommendation`) and
    /// the flags on events. `None` when there is none of them.
    fn review(&self, events: &[Event]) -> Result<Option<Review>, Diagnostic> {
        let mut review = Review {
            schema: crate::model::REVIEW_SCHEMA,
            ..Review::default()
        };
        for p in self.of_type("note") {
            if !has_label(&p.obj, "finding") {
                continue;
            }
            let f = own_finding(&p.obj).ok_or_else(|| {
                self.error(
                    p,
                    "content",
                    "stix.finding",
                    "a note labelled finding that is not written as hotwash writes findings"
                        .to_string(),
                )
            })?;
            review.findings.push(f);
        }
        for p in self.of_type("course-of-action") {
            if !has_label(&p.obj, "recommendation") {
                continue;
            }
            let r = own_recommendation(&p.obj).ok_or_else(|| {
                self.error(
                    p,
                    "description",
                    "stix.recommendation",
                    "a course of action labelled recommendation that is not written as hotwash \
                     writes recommendations"
                        .to_string(),
                )
            })?;
            review.recommendations.push(r);
        }
        for p in self.of_type("event") {
            if has_label(&p.obj, "flagged")
                && let Some((_, rest)) = p.obj.name.as_deref().and_then(portion_prefix)
                && let Some((id, _)) = rest.split_once(": ")
                && events.iter().any(|e| e.id == id)
            {
                let mut mark = EventMark::new(id);
                mark.flagged = true;
                review.marks.push(mark);
            }
        }
        let empty = review.findings.is_empty()
            && review.recommendations.is_empty()
            && review.marks.is_empty();
        Ok((!empty).then_some(review))
    }
}

/// The OASIS Incident Core extension of the incident (a property extension).
const INCIDENT_CORE_EXTENSION: &str = "extension-definition--ef765651-680c-498d-9894-99799f2fa126";

/// A JSON value in words: a string as it is, anything else as JSON.
fn json_words(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => {
            items.iter().map(json_words).collect::<Vec<_>>().join(", ")
        }
        other => other.to_string(),
    }
}

/// An event known to the second: a STIX timestamp as such.
fn plain_event(title: String, narrative: String, at: DateTime<Utc>, level: Level) -> Event {
    Event {
        id: "E".into(),
        at: timestamp(at, Fidelity::Second, None),
        fidelity: Fidelity::Second,
        end: None,
        known: None,
        place: None,
        title,
        narrative,
        actors: Vec::new(),
        sources: Vec::new(),
        controls: Vec::new(),
        candidates: Vec::new(),
        portion: level,
    }
}

/// An external reference in words, for a reference the record cannot cite.
fn reference_words(x: &ExtRef) -> String {
    let parts: Vec<&str> = [
        x.source_name.as_deref(),
        x.external_id.as_deref(),
        x.description.as_deref(),
        x.url.as_deref(),
    ]
    .into_iter()
    .flatten()
    .filter(|s| !s.trim().is_empty())
    .collect();
    parts.join(", ")
}

/// An event as hotwash's export writes it: name `(MARK) ID: TITLE`, the
/// narrative after the mark, then `When (UTC):`… lines. `None` where it is
/// not written so: the caller reads it as any producer's.
fn own_event(
    o: &Obj,
    description: &str,
    start: DateTime<Utc>,
    fid: Fidelity,
    end: Option<DateTime<Utc>>,
) -> Option<Event> {
    let (portion, rest) = portion_prefix(o.name.as_deref()?)?;
    let (id, title) = rest.split_once(": ")?;
    let (_, body) = portion_prefix(description)?;
    let cut = body.rfind("\n\nWhen (UTC): ")?;
    let narrative = &body[..cut];
    let meta = &body[cut + 2..];
    let zone = line_value(meta, "Time zone");
    let known = line_value(meta, "Known").and_then(|k| k.parse::<Timestamp>().ok());
    let place = line_value(meta, "Place").map(|name| Place {
        name: name.into(),
        zone: zone.map(Into::into),
    });
    let controls = list(line_value(meta, "Controls"))
        .into_iter()
        .filter_map(|link| {
            let (control, effect) = link.split_once(' ')?;
            Some(ControlLink {
                control: control.into(),
                effect: effect_named(effect)?,
                note: None,
            })
        })
        .collect();
    let sources = own_citations(o);
    let end_fid = o
        .end_time_fidelity
        .as_deref()
        .and_then(fidelity)
        .unwrap_or(fid);
    Some(Event {
        id: id.into(),
        at: timestamp(start, fid, zone),
        fidelity: fid,
        end: end.map(|e| timestamp(e, end_fid, zone)),
        known,
        place,
        title: title.to_string(),
        narrative: narrative.to_string(),
        actors: Vec::new(),
        sources,
        controls,
        candidates: Vec::new(),
        portion,
    })
}

/// The citations hotwash's export writes into an object's external
/// references (the source's id, the grade and note in the description).
fn own_citations(o: &Obj) -> Vec<Citation> {
    o.external_references
        .iter()
        .flatten()
        .filter_map(|x| {
            let (credibility, note) = citation_of(x.description.as_deref()?)?;
            Some(Citation {
                source: x.external_id.as_deref()?.into(),
                credibility,
                note,
            })
        })
        .collect()
}

/// A claim as hotwash's export writes it.
fn own_claim(o: &Obj) -> Option<Claim> {
    let (portion, rest) = portion_prefix(o.abstract_.as_deref()?)?;
    let id = rest.strip_prefix("Claim ")?;
    let (_, body) = portion_prefix(o.content.as_deref()?)?;
    let cut = body.rfind("\n\nStatus: ")?;
    let meta = &body[cut + 2..];
    let status_word = line_value(meta, "Status")?;
    let status = [
        ClaimStatus::Reported,
        ClaimStatus::Uncorroborated,
        ClaimStatus::Disputed,
        ClaimStatus::Superseded,
        ClaimStatus::Refuted,
    ]
    .into_iter()
    .find(|s| s.name() == status_word)?;
    let sources = own_citations(o);
    Some(Claim {
        id: id.into(),
        statement: body[..cut].to_string(),
        status,
        events: list(line_value(meta, "Events"))
            .into_iter()
            .map(Into::into)
            .collect(),
        sources,
        conflicts_with: list(line_value(meta, "Conflicts with"))
            .into_iter()
            .map(Into::into)
            .collect(),
        portion,
    })
}

/// A finding as hotwash's export writes it.
fn own_finding(o: &Obj) -> Option<Finding> {
    let (portion, rest) = portion_prefix(o.abstract_.as_deref()?)?;
    let (id, title) = rest.split_once(": ")?;
    let (_, body) = portion_prefix(o.content.as_deref()?)?;
    let cut = body.rfind("\n\nLikelihood: ")?;
    let meta = &body[cut + 2..];
    let term = line_value(meta, "Likelihood")?;
    let term = term.rsplit_once(" (").map_or(term, |(t, _)| t);
    let likelihood = Likelihood::ALL.into_iter().find(|l| l.term() == term)?;
    let confidence = line_value(meta, "Analytic confidence")?;
    let confidence = Confidence::ALL
        .into_iter()
        .find(|c| c.name() == confidence)?;
    let kind_line = meta.lines().find(|l| l.starts_with("Kind: "))?;
    let (kind, severity) = kind_line
        .strip_prefix("Kind: ")?
        .strip_suffix('.')?
        .split_once(". Severity: ")?;
    Some(Finding {
        id: id.to_string(),
        title: title.to_string(),
        statement: body[..cut].to_string(),
        kind: FindingKind::ALL.into_iter().find(|k| k.name() == kind)?,
        severity: Severity::ALL.into_iter().find(|s| s.name() == severity)?,
        likelihood,
        confidence,
        events: list(line_value(meta, "Events")),
        controls: list(line_value(meta, "Controls")),
        portion,
    })
}

/// A recommendation as hotwash's export writes it: name `(MARK) ACTION`,
/// description `(MARK) Recommendation ID answers finding F (…).` and the
/// `Owner`, `Due` and `Status` lines.
fn own_recommendation(o: &Obj) -> Option<Recommendation> {
    let (_, action) = portion_prefix(o.name.as_deref()?)?;
    let (_, body) = portion_prefix(o.description.as_deref()?)?;
    let first = body.lines().next()?;
    let rest = first.strip_prefix("Recommendation ")?;
    let (id, rest) = rest.split_once(" answers finding ")?;
    let finding = rest
        .split_once(" (")
        .map_or(rest.strip_suffix('.').unwrap_or(rest), |(f, _)| f);
    let status = line_value(body, "Status")?;
    let status = RecommendationStatus::ALL
        .into_iter()
        .find(|s| s.name() == status)?;
    let due = match line_value(body, "Due") {
        Some(d) => Some(d.parse().ok()?),
        None => None,
    };
    Some(Recommendation {
        id: id.to_string(),
        finding: finding.to_string(),
        action: action.to_string(),
        owner: line_value(body, "Owner")?.to_string(),
        due,
        status,
    })
}
