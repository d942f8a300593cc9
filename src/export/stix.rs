//! STIX 2.1 export: a bundle for threat-intelligence platforms.
//!
//! The bundle holds, in this order:
//!
//! 1. the TLP 2.0 `marking-definition` of the record's TLP label, exactly as
//!    OASIS publishes it (fixed id, `created` 2022-10-01, the extension
//!    `extension-definition--60a3c5c5-…` with `tlp_2_0`);
//! 2. when there are events, the OASIS identity and the OASIS Incident Core
//!    event `extension-definition` it created, as OASIS publishes them;
//! 3. an `identity` for the reviewing organisation, which creates every
//!    other object (`created_by_ref`);
//! 4. the `incident` (record title and summary; the STIX 2.1 incident is a
//!    stub, so only core properties are used);
//! 5. one Incident Core `event` per included event, with its time at its
//!    fidelity (`start_time_fidelity`, `end_time_fidelity`) and its
//!    citations as external references;
//! 6. one `note` per finding. Its `object_refs` name the report first:
//!    misp-stix attaches a note only to an object it converts, and the
//!    report is the one that becomes the MISP event. Its content opens with
//!    the finding's portion mark and states likelihood and confidence in
//!    separate sentences (ICD 203); `confidence` carries the analytic
//!    confidence on the STIX "None/Low/Med/High" scale (Low 15, Moderate 50,
//!    High 85);
//! 7. one `course-of-action` per recommendation;
//! 8. one `relationship` per recommendation: the course of action is
//!    `related-to` the incident (the STIX relationship table has no
//!    course-of-action → incident type; `related-to` is allowed everywhere);
//! 9. one `course-of-action` labelled `control` per control the record
//!    cites (its catalogue id as an external reference, what it expects as
//!    the description), and one `note` labelled `claim` (and its status) per
//!    claim, so that `hotwash import stix` gives them back;
//! 10. a `report` that references every object hotwash makes; its
//!     description carries, in the order of every export, the classification
//!     banner at top and bottom, the TLP label, the title and summary, what
//!     was withheld, the sign-off state, the key judgements (root cause
//!     first) and the recommendations, then the timeline and the sources, in
//!     words; its `external_references` list the cited sources.
//!
//! Every object hotwash makes carries `object_marking_refs` to the TLP
//! marking. No custom properties are used, so the bundle passes
//! `stix2_validator --strict` with only check 302 (a hash beside every URL)
//! disabled: hotwash never fetches the pages it cites, so it has no hash.
//!
//! The output is deterministic and independent of the export time: ids are
//! SHA-256 of (record id, object type, local id) shaped as version-4 UUIDs
//! (the validator rejects other versions for these objects); `created` is
//! the latest time the object rests on in the record, and `modified` the
//! later of `created` and the sign-off with a content digest in its
//! microseconds (docs/REPORT-JSON.md, "Ids, created and modified"). Keys
//! come out in the order of the structs below.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::ExportError;
use super::json::{Document, Pretty, json_error};
use crate::model::time::{Fidelity, Timestamp};
use crate::model::{Confidence, Tlp};
use crate::report::{
    Report, ReportClaim, ReportControl, ReportEvent, ReportFinding, ReportRecommendation,
};

/// The OASIS TLP 2.0 marking-definition extension.
pub const TLP2_EXTENSION: &str = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

/// When OASIS created the TLP 2.0 marking definitions (part of the objects).
const TLP2_CREATED: &str = "2022-10-01T00:00:00.000Z";

/// The OASIS Incident Core "Event" extension: a new SDO, `event`, with
/// `start_time_fidelity` and `end_time_fidelity`. Its definition goes into
/// the bundle as OASIS publishes it (oasis-open/cti-stix-common-objects,
/// `objects/extension-definition/`), with the OASIS identity that created it,
/// so every reference in the bundle resolves inside it.
pub const EVENT_EXTENSION: &str = "extension-definition--4ca6de00-5b0d-45ef-a1dc-ea7279ea910e";
const EVENT_EXTENSION_CREATED: &str = "2023-05-16T20:47:23.388576Z";
const EVENT_EXTENSION_SCHEMA: &str = "https://github.com/oasis-open/cti-stix-common-objects/tree/main/extension-definition-specifications/incident-core/event";
const EVENT_EXTENSION_DESCRIPTION: &str = "Events store high level events that are not necessarily system level (these should be captured as separate SCOs) that can become tied to incidents.  Events can cause or alter impacts, and often exist prior to incidents being declared or officially tracked.";
const OASIS_IDENTITY: &str = "identity--8ce3f695-d5a4-4dc8-9e93-a65af453a31a";
const OASIS_IDENTITY_CREATED: &str = "2021-03-13T20:09:20.8889Z";
const OASIS_IDENTITY_MODIFIED: &str = "2021-12-01T16:19:51.601791Z";
const OASIS_IDENTITY_DESCRIPTION: &str = "OASIS is a global community of experts who drive the creation and adoption of open standards promoting interoperability, innovation, and freedom of choice.";

/// A STIX timestamp: UTC with milliseconds, as the strict validator wants.
fn stix_time(t: DateTime<Utc>) -> String {
    utc_text(t, Digits::Milli)
}

/// How many digits of a second [`utc_text`] writes.
#[derive(Clone, Copy)]
enum Digits {
    Milli,
    Micro,
}

/// `t` as chrono's `%Y-%m-%dT%H:%M:%S%.3fZ` (or `%.6f`) writes it, digit by
/// digit: a bundle has several per object, and chrono's formatter reads its
/// pattern each time. A year outside 0–9999 or a leap second goes to chrono.
fn utc_text(t: DateTime<Utc>, digits: Digits) -> String {
    use chrono::{Datelike, Timelike};
    let year = t.year();
    let nanos = t.nanosecond();
    if !(0..=9999).contains(&year) || nanos >= 1_000_000_000 {
        let pattern = match digits {
            Digits::Milli => "%Y-%m-%dT%H:%M:%S%.3fZ",
            Digits::Micro => "%Y-%m-%dT%H:%M:%S%.6fZ",
        };
        return t.format(pattern).to_string();
    }
    let (fraction, width) = match digits {
        Digits::Milli => (nanos / 1_000_000, 3),
        Digits::Micro => (nanos / 1_000, 6),
    };
    let mut text = String::with_capacity(27);
    push_digits(&mut text, year.unsigned_abs(), 4);
    for (separator, n, width) in [
        ('-', t.month(), 2),
        ('-', t.day(), 2),
        ('T', t.hour(), 2),
        (':', t.minute(), 2),
        (':', t.second(), 2),
        ('.', fraction, width),
    ] {
        text.push(separator);
        push_digits(&mut text, n, width);
    }
    text.push('Z');
    text
}

/// `n`'s last `width` decimal digits, zero-padded.
fn push_digits(text: &mut String, n: u32, width: u32) {
    for place in (0..width).rev() {
        let digit = (n / 10u32.pow(place)) % 10;
        text.push(char::from(b'0' + digit as u8));
    }
}

/// A time as the record writes it, as a STIX timestamp at `fidelity` where
/// that is coarser than it is written. A time of day is the first instant of
/// its period in UTC. A day, month or year is its calendar date as written,
/// at 00:00Z: Incident Core readers cut a timestamp to its fidelity, and so
/// read the record's own date, as every other export shows it. `None` if it
/// does not parse (it always does: the report wrote it from a timestamp).
fn period_start(written: &str, fidelity: Option<Fidelity>) -> Option<DateTime<Utc>> {
    let t: Timestamp = written.parse().ok()?;
    let precision = fidelity.map_or(t.precision(), |f| f.min(t.precision()));
    let offset = if precision.has_time_of_day() {
        t.offset()
    } else {
        None
    };
    Some(Timestamp::new(t.local(), offset, precision).earliest())
}

/// The fixed id of the OASIS TLP 2.0 marking definition for `tlp`.
pub fn tlp_marking_id(tlp: Tlp) -> &'static str {
    match tlp {
        Tlp::Clear => "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
        Tlp::Green => "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
        Tlp::Amber => "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
        Tlp::AmberStrict => "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
        Tlp::Red => "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
    }
}

/// The `tlp_2_0` value of the extension: the label in lower case.
fn tlp_value(tlp: Tlp) -> &'static str {
    match tlp {
        Tlp::Clear => "clear",
        Tlp::Green => "green",
        Tlp::Amber => "amber",
        Tlp::AmberStrict => "amber+strict",
        Tlp::Red => "red",
    }
}

/// ICD 203 confidence on the STIX 2.1 "None/Low/Med/High" confidence scale.
fn stix_confidence(confidence: Confidence) -> u8 {
    match confidence {
        Confidence::Low => 15,
        Confidence::Moderate => 50,
        Confidence::High => 85,
    }
}

/// A stable STIX id: SHA-256 of the parts (each length-prefixed, so that no
/// two different part lists hash the same bytes), shaped as a version-4,
/// RFC 4122-variant UUID.
pub fn stix_id(record: &str, kind: &str, local: &str) -> String {
    let mut hasher = Sha256::new();
    for part in ["hotwash-stix-2.1", record, kind, local] {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    let digest = hasher.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0f) | 0x40; // version 4
    b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
    // `kind--xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, written digit by digit:
    // there is one per object and per reference.
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut id = String::with_capacity(kind.len() + 38);
    id.push_str(kind);
    id.push_str("--");
    for (i, x) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            id.push('-');
        }
        id.push(char::from(HEX[usize::from(x >> 4)]));
        id.push(char::from(HEX[usize::from(x & 0x0f)]));
    }
    id
}

/// One STIX object. The union of the properties this exporter writes, in
/// the order they are written; absent ones are left out. What the record
/// or the builder already holds is borrowed, not copied per object.
#[derive(Serialize, Default)]
struct Object<'b> {
    #[serde(rename = "type")]
    kind: &'static str,
    spec_version: &'static str,
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    created_by_ref: Option<&'b str>,
    created: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    modified: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<Cow<'b, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<Cow<'b, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    identity_class: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    report_types: Option<&'static [&'static str]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    published: Option<String>,
    #[serde(rename = "abstract", skip_serializing_if = "Option::is_none")]
    abstract_: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_time_fidelity: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_time_fidelity: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    schema: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    extension_types: Option<&'static [&'static str]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    relationship_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_ref: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    target_ref: Option<&'b str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    object_refs: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    labels: Option<Vec<Cow<'static, str>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    confidence: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    external_references: Option<Vec<ExternalReference<'b>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    object_marking_refs: Option<&'b [&'static str]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    extensions: Option<Extensions>,
}

/// An external reference with a `url` and the source id as `external_id`:
/// OpenCTI's client gives an id only to references with a `url` (or a
/// `source_name` with an `external_id`) and drops the rest.
#[derive(Serialize)]
struct ExternalReference<'b> {
    source_name: &'b str,
    description: Cow<'b, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'b str>,
    external_id: &'b str,
}

/// A source's address as STIX wants a `url`: an RFC 3986 URI, so non-ASCII
/// characters percent-encoded (`Abhörfall` → `Abh%C3%B6rfall`). An address
/// the exports would not link gets none; the `external_id` still names it.
fn stix_url(address: &str) -> Option<String> {
    if !crate::model::web_address::is_linkable(address) {
        return None;
    }
    url::Url::parse(address).ok().map(String::from)
}

/// The value of one entry of `extensions`.
#[derive(Serialize)]
struct Extension {
    extension_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    tlp_2_0: Option<&'static str>,
}

/// `extensions`: the one extension an object uses, by its id.
struct Extensions(&'static str, Extension);

impl Serialize for Extensions {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(self.0, &self.1)?;
        map.end()
    }
}

/// Lower case with hyphens, as STIX labels are written: "root cause" → "root-cause".
fn label(words: &str) -> String {
    words.to_lowercase().replace([' ', '_'], "-")
}

/// Builds the objects of one report; ids are shared.
struct Builder<'a> {
    report: &'a Report<'a>,
    /// The first finding of each id, and each finding's recommendations in
    /// report order (the few lookups a note and a course of action need).
    findings: HashMap<&'a str, &'a ReportFinding<'a>>,
    recommendations: HashMap<&'a str, Vec<&'a ReportRecommendation<'a>>>,
    /// `created` of the objects that rest on the whole report: the latest
    /// time the included record states (see [`Builder::anchor`]).
    anchor: DateTime<Utc>,
    /// The times of each included event, by its place in the report.
    event_times: Vec<EventTimes>,
    /// `created` of each included event, by event id.
    event_created: HashMap<&'a str, DateTime<Utc>>,
    /// Each source with its address as a STIX `url`, worked out once
    /// rather than once per citation.
    sources: HashMap<&'a str, (&'a crate::report::ReportSource<'a>, Option<String>)>,
    /// The TLP marking, as `object_marking_refs` lists it.
    marking: [&'static str; 1],
    identity: String,
    incident: String,
    report_id: String,
}

/// An event's id and times as its STIX object states them, worked out
/// once: the report object lists the ids again.
struct EventTimes {
    id: String,
    /// See [`Builder::event_time`]; `None` if the event's times do not parse.
    created: Option<DateTime<Utc>>,
    start: Option<DateTime<Utc>>,
    /// Only an end after the start.
    end: Option<DateTime<Utc>>,
}

impl<'a> Builder<'a> {
    fn new(report: &'a Report) -> Self {
        use rayon::prelude::*;
        let record = report.record.id;
        // An id hashed and three timestamps parsed per event: on every core.
        let event_times: Vec<EventTimes> = report
            .events
            .par_iter()
            .map(|e| {
                let start = period_start(&e.at, Some(e.fidelity));
                // STIX wants end_time later than start_time: an end inside
                // the start's own period adds nothing and is left out.
                let end = e
                    .end
                    .as_deref()
                    .and_then(|t| period_start(t, Some(e.fidelity)))
                    .filter(|end| start.is_some_and(|s| *end > s));
                EventTimes {
                    id: stix_id(record, "event", e.id),
                    created: Self::event_time(e),
                    start,
                    end,
                }
            })
            .collect();
        let event_created: HashMap<&str, DateTime<Utc>> = report
            .events
            .iter()
            .zip(&event_times)
            .filter_map(|(e, t)| Some((e.id, t.created?)))
            .collect();
        let mut findings = HashMap::with_capacity(report.findings.len());
        for f in &report.findings {
            findings.entry(f.id).or_insert(f);
        }
        let mut recommendations: HashMap<&str, Vec<&ReportRecommendation>> = HashMap::new();
        for r in &report.recommendations {
            recommendations.entry(r.finding).or_default().push(r);
        }
        let mut builder = Builder {
            report,
            findings,
            recommendations,
            anchor: DateTime::UNIX_EPOCH,
            event_times,
            event_created,
            sources: report
                .sources
                .iter()
                .map(|s| (s.id, (s, stix_url(s.url))))
                .collect(),
            marking: [tlp_marking_id(report.tlp)],
            identity: stix_id(record, "identity", "reviewing-organisation"),
            incident: stix_id(record, "incident", "incident"),
            report_id: String::new(),
        };
        builder.anchor = builder.anchor();
        builder.report_id = builder.id("report", &builder.edition());
        builder
    }

    /// The latest time an event states: its end where it has one, else its
    /// start, each at the first instant of its period. Nothing about an
    /// event can be written before then.
    fn event_time(e: &ReportEvent) -> Option<DateTime<Utc>> {
        let start = period_start(&e.at, Some(e.fidelity));
        let end = e.end.as_deref().and_then(|t| period_start(t, None));
        start.max(end)
    }

    /// The latest time the included record states: every included event's
    /// and every cited source's date. A review of the record cannot have
    /// been written before it, and it never depends on when the export runs.
    /// Withheld portions do not count, so their dates cannot leak.
    fn anchor(&self) -> DateTime<Utc> {
        let sources = self
            .report
            .sources
            .iter()
            .filter_map(|s| period_start(s.date.as_deref()?, None));
        self.event_created
            .values()
            .copied()
            .chain(sources)
            .max()
            .unwrap_or(DateTime::UNIX_EPOCH)
    }

    /// `created` of a finding's note (and of the courses of action and
    /// relationships that answer it): the latest of the events it rests on,
    /// else the report's anchor.
    fn finding_created(&self, finding: Option<&ReportFinding>) -> DateTime<Utc> {
        finding
            .and_then(|f| {
                f.events
                    .iter()
                    .filter_map(|e| self.event_created.get(e).copied())
                    .max()
            })
            .unwrap_or(self.anchor)
    }

    fn finding(&self, id: &str) -> Option<&'a ReportFinding<'a>> {
        self.findings.get(id).copied()
    }

    fn id(&self, kind: &str, local: &str) -> String {
        stix_id(self.report.record.id, kind, local)
    }

    /// The properties every object this exporter creates shares; `created`
    /// is the report's anchor unless the object sets its own, and
    /// `modified` is stamped once the object is complete ([`stamp`]).
    fn common(&self, kind: &'static str, id: String) -> Object<'_> {
        Object {
            kind,
            spec_version: "2.1",
            id,
            created_by_ref: Some(self.identity.as_str()),
            created: stix_time(self.anchor),
            object_marking_refs: Some(self.marking.as_slice()),
            ..Object::default()
        }
    }

    /// The definition of the OASIS Incident Core event extension, and the
    /// OASIS identity that created it, exactly as OASIS publishes them.
    fn event_extension(&self) -> [Object<'static>; 2] {
        let identity = Object {
            kind: "identity",
            spec_version: "2.1",
            id: OASIS_IDENTITY.to_string(),
            created: OASIS_IDENTITY_CREATED.to_string(),
            modified: Some(OASIS_IDENTITY_MODIFIED.to_string()),
            name: Some("OASIS".into()),
            description: Some(OASIS_IDENTITY_DESCRIPTION.into()),
            identity_class: Some("organization"),
            ..Object::default()
        };
        let definition = Object {
            kind: "extension-definition",
            spec_version: "2.1",
            id: EVENT_EXTENSION.to_string(),
            created_by_ref: Some(OASIS_IDENTITY),
            created: EVENT_EXTENSION_CREATED.to_string(),
            modified: Some(EVENT_EXTENSION_CREATED.to_string()),
            name: Some("Event Extension".into()),
            description: Some(EVENT_EXTENSION_DESCRIPTION.into()),
            schema: Some(EVENT_EXTENSION_SCHEMA),
            version: Some("1.0.0"),
            extension_types: Some(&["new-sdo"]),
            ..Object::default()
        };
        [identity, definition]
    }

    /// An external reference to one of the record's sources.
    fn source_reference<'b>(
        &'b self,
        id: &str,
        description: String,
    ) -> Option<ExternalReference<'b>> {
        // Sources are few next to events: a scan per citation would not be,
        // so the lookup goes through a map built once.
        let (s, url) = self.sources.get(id)?;
        Some(ExternalReference {
            source_name: s.publisher,
            description: description.into(),
            url: url.as_deref(),
            external_id: s.id,
        })
    }

    /// The external references of `citations`, each described by `cited`
    /// (which writes the sentence before the citation's note).
    fn citations<'b>(
        &'b self,
        citations: &[crate::report::ReportCitation],
        cited: impl Fn(&mut String, &crate::report::ReportCitation),
    ) -> Option<Vec<ExternalReference<'b>>> {
        let references: Vec<ExternalReference> = citations
            .iter()
            .filter_map(|c| {
                let mut description = String::new();
                cited(&mut description, c);
                if let Some(note) = c.note {
                    description.push(' ');
                    description.push_str(note);
                }
                self.source_reference(c.source, description)
            })
            .collect();
        (!references.is_empty()).then_some(references)
    }

    /// One included event (the `i`th of the report) as an Incident Core
    /// `event`: its time at its fidelity, its narrative, its place, actors
    /// and control links, and its sources as external references with their
    /// Admiralty codes.
    fn event<'b>(&'b self, i: usize, e: &'b ReportEvent<'a>) -> Object<'b> {
        let mark = e.portion.portion;
        let times = &self.event_times[i];
        // Written straight into the one string: a hundred thousand events
        // make no temporary strings.
        let mut description = String::with_capacity(e.narrative.len() + 160);
        let d = &mut description;
        for part in [
            "(",
            mark,
            ") ",
            e.narrative,
            "\n\nWhen (UTC): ",
            e.when_utc.as_str(),
            ".\n",
        ] {
            d.push_str(part);
        }
        if let Some(local) = &e.when_local {
            for part in ["Local time: ", local.as_str(), ".\n"] {
                d.push_str(part);
            }
        }
        if let Some(known) = &e.times.known {
            let _ = writeln!(d, "Known: {known}.");
        }
        if let Some(place) = e.place {
            for part in ["Place: ", place, ".\n"] {
                d.push_str(part);
            }
        }
        if let Some(zone) = e.zone {
            for part in ["Time zone: ", zone, ".\n"] {
                d.push_str(part);
            }
        }
        if !e.actors.is_empty() {
            d.push_str("Actors: ");
            join(d, &e.actors, |d, a| d.push_str(a));
            d.push_str(".\n");
        }
        if !e.controls.is_empty() {
            d.push_str("Controls: ");
            join(d, &e.controls, |d, l| {
                for part in [l.control, " ", l.effect.name()] {
                    d.push_str(part);
                }
            });
            d.push_str(".\n");
        }
        if !e.sources.is_empty() {
            d.push_str("Sources: ");
            join(d, &e.sources, |d, c| {
                for part in [c.source, " (", c.admiralty.as_str(), ")"] {
                    d.push_str(part);
                }
            });
            d.push_str(".\n");
        }
        for part in ["Portion: ", e.portion.banner, "."] {
            d.push_str(part);
        }
        let references = self.citations(&e.sources, |d, c| {
            for part in [
                "Cited for event ",
                e.id,
                " with Admiralty code ",
                c.admiralty.as_str(),
                ".",
            ] {
                d.push_str(part);
            }
        });
        let mut labels = vec![Cow::Borrowed("timeline-event")];
        if e.flagged {
            labels.push("flagged".into());
        }
        let mut name = String::with_capacity(mark.len() + e.id.len() + e.title.len() + 5);
        for part in ["(", mark, ") ", e.id, ": ", e.title] {
            name.push_str(part);
        }
        Object {
            created: stix_time(times.created.unwrap_or(self.anchor)),
            name: Some(name.into()),
            description: Some(description.into()),
            status: Some("occurred"),
            start_time: times.start.map(stix_time),
            start_time_fidelity: times.start.map(|_| e.fidelity.name()),
            end_time: times.end.map(stix_time),
            end_time_fidelity: times.end.map(|_| e.fidelity.name()),
            labels: Some(labels),
            external_references: references,
            extensions: Some(Extensions(
                EVENT_EXTENSION,
                Extension {
                    extension_type: "new-sdo",
                    tlp_2_0: None,
                },
            )),
            ..self.common("event", times.id.clone())
        }
    }

    fn marking_definition(&self) -> Object<'_> {
        let tlp = self.report.tlp;
        Object {
            kind: "marking-definition",
            spec_version: "2.1",
            id: self.marking[0].to_string(),
            created: TLP2_CREATED.to_string(),
            name: Some(tlp.label().into()),
            extensions: Some(Extensions(
                TLP2_EXTENSION,
                Extension {
                    extension_type: "property-extension",
                    tlp_2_0: Some(tlp_value(tlp)),
                },
            )),
            ..Object::default()
        }
    }

    fn identity(&self) -> Object<'_> {
        let record = &self.report.record.id;
        Object {
            created_by_ref: None,
            name: Some(format!("Reviewing organisation of {record}").into()),
            description: Some(
                format!(
                    "The organisation that reviewed incident record {record} with hotwash. \
                     The record does not name it."
                )
                .into(),
            ),
            identity_class: Some("organization"),
            ..self.common("identity", self.identity.clone())
        }
    }

    fn incident(&self) -> Object<'_> {
        let record = &self.report.record;
        Object {
            name: Some(Cow::Borrowed(&record.title)),
            description: Some(record.summary.into()),
            ..self.common("incident", self.incident.clone())
        }
    }

    fn course_of_action_id(&self, r: &ReportRecommendation) -> String {
        self.id("course-of-action", r.id)
    }

    fn event_id(&self, event: &str) -> String {
        self.id("event", event)
    }

    fn note_id(&self, f: &ReportFinding) -> String {
        self.id("note", f.id)
    }

    fn relationship_id(&self, r: &ReportRecommendation) -> String {
        self.id("relationship", &format!("{}>related-to>incident", r.id))
    }

    fn control_id(&self, c: &ReportControl) -> String {
        self.id("course-of-action", &format!("control {}", c.id))
    }

    fn claim_id(&self, c: &ReportClaim) -> String {
        self.id("note", &format!("claim {}", c.id))
    }

    /// The ids of every object the report references, in bundle order:
    /// the identity, the incident, then each run of objects.
    fn object_refs(&self) -> Vec<String> {
        use rayon::prelude::*;
        let r = self.report;
        let mut refs = Vec::with_capacity(
            2 + r.events.len()
                + r.findings.len()
                + 2 * r.recommendations.len()
                + r.controls.len()
                + r.claims.len(),
        );
        refs.push(self.identity.clone());
        refs.push(self.incident.clone());
        refs.extend(self.event_times.iter().map(|t| t.id.clone()));
        refs.extend(r.findings.iter().map(|f| self.note_id(f)));
        refs.extend(
            r.recommendations
                .iter()
                .map(|x| self.course_of_action_id(x)),
        );
        refs.extend(r.recommendations.iter().map(|x| self.relationship_id(x)));
        refs.extend(r.controls.iter().map(|c| self.control_id(c)));
        refs.par_extend(r.claims.par_iter().map(|c| self.claim_id(c)));
        refs
    }

    fn note(&self, f: &ReportFinding) -> Object<'_> {
        let mark = &f.portion.portion;
        let (low, high) = f.likelihood.range();
        let mut content = format!("({mark}) {}\n\n", f.statement);
        content.push_str(&format!(
            "Likelihood: {} ({low}–{high} %).\n",
            f.likelihood_term
        ));
        content.push_str(&format!(
            "Analytic confidence: {}.\n\n",
            f.confidence.name()
        ));
        content.push_str(&format!(
            "Kind: {}. Severity: {}.\n",
            f.kind.name(),
            f.severity.name()
        ));
        if !f.events.is_empty() {
            content.push_str(&format!("Events: {}.\n", f.events.join(", ")));
        }
        if !f.controls.is_empty() {
            content.push_str(&format!("Controls: {}.\n", f.controls.join(", ")));
        }
        content.push_str(&format!("Portion: {}.", f.portion.banner));

        // The report comes first: misp-stix attaches a note to what its
        // object_refs name, and of these only the report becomes part of the
        // MISP event (it imports no incident, and courses of action become
        // galaxy clusters).
        let mut object_refs = vec![self.report_id.clone(), self.incident.clone()];
        object_refs.extend(f.events.iter().map(|e| self.event_id(e)));
        object_refs.extend(
            self.recommendations
                .get(f.id)
                .into_iter()
                .flatten()
                .map(|r| self.course_of_action_id(r)),
        );
        Object {
            created: stix_time(self.finding_created(Some(f))),
            abstract_: Some(format!("({mark}) {}: {}", f.id, f.title)),
            content: Some(content),
            object_refs: Some(object_refs),
            labels: Some(vec![
                "finding".into(),
                label(f.kind.name()).into(),
                format!("severity-{}", label(f.severity.name())).into(),
            ]),
            confidence: Some(stix_confidence(f.confidence)),
            ..self.common("note", self.note_id(f))
        }
    }

    fn course_of_action(&self, r: &ReportRecommendation) -> Object<'_> {
        let finding = self.finding(r.finding);
        // A recommendation goes with its finding, so it carries its portion.
        let mark =
            finding.map_or_else(|| self.report.classification.portion, |f| f.portion.portion);
        let about = finding.map_or_else(String::new, |f| format!(" ({})", f.title));
        let mut description = format!(
            "({mark}) Recommendation {} answers finding {}{about}.\nOwner: {}.\n",
            r.id, r.finding, r.owner
        );
        if let Some(due) = r.due {
            description.push_str(&format!("Due: {due}.\n"));
        }
        description.push_str(&format!("Status: {}.", r.status.name()));
        Object {
            created: stix_time(self.finding_created(finding)),
            name: Some(format!("({mark}) {}", r.action).into()),
            description: Some(description.into()),
            labels: Some(vec![
                "recommendation".into(),
                format!("status-{}", label(r.status.name())).into(),
            ]),
            ..self.common("course-of-action", self.course_of_action_id(r))
        }
    }

    /// One control the record cites as a `course-of-action` labelled
    /// `control`: its catalogue id as an external reference, its title in the
    /// name and what it expects in this incident as the description. The
    /// effect at each event is in that event's description.
    fn control<'b>(&'b self, c: &'b ReportControl<'a>) -> Object<'b> {
        Object {
            name: Some(format!("{}: {}", c.id, c.title).into()),
            description: Some(c.expects.into()),
            labels: Some(vec!["control".into()]),
            external_references: Some(vec![ExternalReference {
                source_name: c.catalogue,
                description: c.title.into(),
                url: None,
                external_id: c.id,
            }]),
            ..self.common("course-of-action", self.control_id(c))
        }
    }

    /// One claim as a `note` labelled `claim` and with its status: the
    /// statement after its portion mark, the events it is about, the claims
    /// it conflicts with and its citations as external references.
    fn claim<'b>(&'b self, c: &'b ReportClaim<'a>) -> Object<'b> {
        let mark = &c.portion.portion;
        let mut content = format!("({mark}) {}\n\n", c.statement);
        content.push_str(&format!("Status: {}.\n", c.status.name()));
        if !c.events.is_empty() {
            content.push_str(&format!("Events: {}.\n", c.events.join(", ")));
        }
        if !c.sources.is_empty() {
            let cited: Vec<String> = c
                .sources
                .iter()
                .map(|s| format!("{} ({})", s.source, s.admiralty))
                .collect();
            content.push_str(&format!("Sources: {}.\n", cited.join(", ")));
        }
        if !c.conflicts_with.is_empty() {
            content.push_str(&format!(
                "Conflicts with: {}.\n",
                c.conflicts_with.join(", ")
            ));
        }
        content.push_str(&format!("Portion: {}.", c.portion.banner));
        let references = self.citations(&c.sources, |d, s| {
            let _ = write!(
                d,
                "Cited for claim {} with Admiralty code {}.",
                c.id, s.admiralty
            );
        });
        let mut object_refs = vec![self.report_id.clone(), self.incident.clone()];
        object_refs.extend(c.events.iter().map(|e| self.event_id(e)));
        let created = c
            .events
            .iter()
            .filter_map(|e| self.event_created.get(*e).copied())
            .max()
            .unwrap_or(self.anchor);
        Object {
            created: stix_time(created),
            abstract_: Some(format!("({mark}) Claim {}", c.id)),
            content: Some(content),
            object_refs: Some(object_refs),
            labels: Some(vec![
                "claim".into(),
                format!("status-{}", label(c.status.name())).into(),
            ]),
            external_references: references,
            ..self.common("note", self.claim_id(c))
        }
    }

    fn relationship(&self, r: &ReportRecommendation) -> Object<'_> {
        Object {
            created: stix_time(self.finding_created(self.finding(r.finding))),
            relationship_type: Some("related-to"),
            description: Some(
                format!(
                    "Recommendation {} answers finding {} about this incident.",
                    r.id, r.finding
                )
                .into(),
            ),
            source_ref: Some(self.course_of_action_id(r)),
            target_ref: Some(self.incident.as_str()),
            ..self.common("relationship", self.relationship_id(r))
        }
    }

    /// The report's and the bundle's local id: a report cut at a ceiling is
    /// a different report of the same record.
    fn edition(&self) -> String {
        match &self.report.ceiling {
            None => "full".to_string(),
            Some(c) => format!("max-{}", c.level.name()),
        }
    }

    fn report_object(&self, object_refs: Vec<String>) -> Object<'_> {
        let r = self.report;
        let banner = &r.classification.banner;
        let plural = |n: usize, one: &str, many: &str| {
            if n == 1 {
                format!("1 {one}")
            } else {
                format!("{n} {many}")
            }
        };
        let mut description = format!("{banner}\n{}\n\n", r.tlp.label());
        // What happened first (misp-stix keeps no incident), then the review.
        description.push_str(&format!("{}\n\n{}\n\n", r.record.title, r.record.summary));
        description.push_str(&format!(
            "Review of incident record {} ({}): {} of {} included, {}, {}, {}.\n",
            r.record.id,
            r.record.period,
            plural(r.events.len(), "event", "events"),
            r.record.events_total,
            plural(r.findings.len(), "finding", "findings"),
            plural(r.recommendations.len(), "recommendation", "recommendations"),
            plural(r.claims.len(), "claim", "claims"),
        ));
        description.push_str(&r.withheld_line());
        description.push('\n');
        description.push_str(&format!("Review: {}.\n", r.signoff.describe()));
        description.push_str(&format!(
            "Generated by {}. Events are Incident Core events, findings are notes and \
             recommendations are courses of action; each opens with its portion mark, and the \
             banner is the highest portion included. Controls are courses of action labelled \
             control and claims are notes labelled claim; the control-by-event matrix is in the \
             JSON, HTML and Markdown exports.\n",
            r.generator
        ));
        // The judgements and what to do about them first, as every export
        // reads; likelihood and confidence in separate sentences (ICD 203).
        if !r.findings.is_empty() {
            description.push_str("\nKey judgements:\n");
            for f in &r.findings {
                let (low, high) = f.likelihood.range();
                description.push_str(&format!(
                    "- {} ({}, {}): ({}) {} Likelihood: {} ({low}–{high} %). Confidence: {}.\n",
                    f.id,
                    f.kind.name(),
                    f.severity.name(),
                    f.portion.portion,
                    sentence(f.title),
                    f.likelihood_term,
                    f.confidence.name(),
                ));
            }
        }
        if !r.recommendations.is_empty() {
            description.push_str("\nRecommendations:\n");
            for x in &r.recommendations {
                // Marked as the finding it answers.
                let mark = self
                    .finding(x.finding)
                    .map_or_else(String::new, |f| format!("({}) ", f.portion.portion));
                let due = x
                    .due
                    .map_or_else(|| "no due date".to_string(), |d| format!("due {d}"));
                description.push_str(&format!(
                    "- {} (for {}): {mark}{} Owner: {}; {due}; {}.\n",
                    x.id,
                    x.finding,
                    sentence(x.action),
                    x.owner,
                    x.status.name()
                ));
            }
        }
        // The timeline and the sources again, in words: platforms that import
        // the report's description but neither Incident Core events nor
        // external references (misp-stix) keep them.
        if !r.events.is_empty() {
            description.push_str("\nTimeline (UTC):\n");
            // A line per event, pushed in place: no temporary strings.
            description.reserve(r.events.iter().map(|e| e.title.len() + 40).sum());
            for e in &r.events {
                for part in [
                    "- ",
                    e.id,
                    " ",
                    e.when_utc.as_str(),
                    ": (",
                    e.portion.portion,
                    ") ",
                    e.title,
                    "\n",
                ] {
                    description.push_str(part);
                }
            }
        }
        if !r.sources.is_empty() {
            description.push_str("\nSources:\n");
            for s in &r.sources {
                let date = s
                    .date
                    .as_deref()
                    .map_or_else(String::new, |d| format!(", {d}"));
                description.push_str(&format!(
                    "- {}: {}, {}{date}. Reliability {}. {}\n",
                    s.id,
                    s.title,
                    s.publisher,
                    s.reliability.letter(),
                    s.url
                ));
            }
        }
        description.push('\n');
        description.push_str(banner);

        let external_references: Vec<ExternalReference> = r
            .sources
            .iter()
            .filter_map(|s| {
                let date = s
                    .date
                    .as_deref()
                    .map_or_else(String::new, |d| format!(", {d}"));
                self.source_reference(
                    s.id,
                    format!(
                        "{} (source {}{date}). Source reliability {}: {}.",
                        s.title,
                        s.id,
                        s.reliability.letter(),
                        s.reliability.meaning(),
                    ),
                )
            })
            .collect();

        Object {
            name: Some(format!("Incident review: {}", r.record.title).into()),
            description: Some(description.into()),
            report_types: Some(&["threat-report"]),
            object_refs: Some(object_refs),
            external_references: (!external_references.is_empty()).then_some(external_references),
            ..self.common("report", self.report_id.clone())
        }
    }

    /// Sets `modified` (and a report's `published`) on a finished object:
    /// the later of its `created` and the sign-off, with the sub-second part
    /// taken from a digest of the object's content. The same content gives
    /// the same `modified`; changed content moves it (but for one chance in
    /// a million), and a new sign-off moves it forward.
    ///
    /// The compact text is hashed in the end of `scratch` (left as it was),
    /// or, without one, streamed into the digest: a report object with a
    /// hundred thousand references is not copied to be hashed.
    fn stamp(
        &self,
        object: &mut Object<'_>,
        scratch: Option<&mut Vec<u8>>,
    ) -> Result<(), serde_json::Error> {
        object.modified = None;
        object.published = None;
        let digest = match scratch {
            Some(scratch) => {
                let mark = scratch.len();
                serde_json::to_writer(&mut *scratch, object)?;
                let digest = Sha256::digest(&scratch[mark..]);
                scratch.truncate(mark);
                digest
            }
            None => {
                // Buffered: the serialiser writes a few bytes at a time.
                let mut hashing =
                    std::io::BufWriter::with_capacity(1 << 16, Hashing(Sha256::new()));
                serde_json::to_writer(&mut hashing, object)?;
                let hashing = hashing
                    .into_inner()
                    .map_err(|e| serde_json::Error::io(e.into_error()))?;
                hashing.0.finalize()
            }
        };
        let micros = u32::from_be_bytes([0, digest[0], digest[1], digest[2]]) % 1_000_000;
        let created = DateTime::parse_from_rfc3339(&object.created)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or(self.anchor);
        let signed = self.report.signoff.at.unwrap_or(DateTime::UNIX_EPOCH);
        let base = chrono::SubsecRound::trunc_subsecs(created.max(signed), 0);
        let at = base + chrono::Duration::microseconds(i64::from(micros));
        // Never before `created`, which may carry its own fraction.
        let at = at.max(created);
        let text = utc_text(at, Digits::Micro);
        if object.kind == "report" {
            object.published = Some(text.clone());
        }
        object.modified = Some(text);
        Ok(())
    }
}

/// A writer that only hashes what it is given.
struct Hashing(Sha256);

impl std::io::Write for Hashing {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The bundle, written as it is made: each object is built, stamped and
/// written in turn, the long runs (events, findings, claims…) a chunk at a
/// time on every core, never all of them held at once. The order is the one
/// the module's documentation gives; the report, last, refers to the ids of
/// the objects before it. The bytes are those of serde_json's pretty printer
/// over the whole bundle.
fn write_bundle(b: &Builder, doc: &mut Document, per_chunk: usize) -> Result<(), ExportError> {
    let r = b.report;
    doc.open(b"{")?;
    doc.field("type", "bundle")?;
    doc.field("id", &b.id("bundle", &b.edition()))?;
    doc.key("objects")?;
    doc.open(b"[")?;
    doc.element()?;
    doc.value(&b.marking_definition())?;
    if !r.events.is_empty() {
        for object in b.event_extension() {
            doc.element()?;
            doc.value(&object)?;
        }
    }
    let one = |doc: &mut Document, mut object: Object| -> Result<(), ExportError> {
        b.stamp(&mut object, None)
            .map_err(|e| json_error(FORMAT, e))?;
        doc.element()?;
        doc.value(&object)
    };
    one(doc, b.identity())?;
    one(doc, b.incident())?;
    let stamped = |mut object: Object, out: &mut Vec<u8>, depth: usize| {
        b.stamp(&mut object, Some(&mut *out))?;
        object.serialize(&mut serde_json::Serializer::with_formatter(
            out,
            Pretty::at(depth),
        ))
    };
    doc.elements(&r.events, per_chunk, |i, e, out, depth| {
        stamped(b.event(i, e), out, depth)
    })?;
    doc.elements(&r.findings, per_chunk, |_, f, out, depth| {
        stamped(b.note(f), out, depth)
    })?;
    doc.elements(&r.recommendations, per_chunk, |_, x, out, depth| {
        stamped(b.course_of_action(x), out, depth)
    })?;
    doc.elements(&r.recommendations, per_chunk, |_, x, out, depth| {
        stamped(b.relationship(x), out, depth)
    })?;
    doc.elements(&r.controls, per_chunk, |_, c, out, depth| {
        stamped(b.control(c), out, depth)
    })?;
    doc.elements(&r.claims, per_chunk, |_, c, out, depth| {
        stamped(b.claim(c), out, depth)
    })?;
    one(doc, b.report_object(b.object_refs()))?;
    doc.close(b"]")?;
    doc.close(b"}")
}

/// Objects a worker renders at a time: a few hundred kilobytes of text.
const OBJECTS_PER_CHUNK: usize = 128;

const FORMAT: &str = "STIX 2.1";

/// `items` written into `out` by `write`, separated by commas.
fn join<T>(out: &mut String, items: &[T], write: impl Fn(&mut String, &T)) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write(out, item);
    }
}

/// `text` as a sentence: ended with a full stop unless it ends already.
fn sentence(text: &str) -> String {
    let text = text.trim_end();
    if text.ends_with(['.', '!', '?']) {
        text.to_string()
    } else {
        format!("{text}.")
    }
}

pub fn render(report: &Report) -> Result<String, ExportError> {
    let mut bytes = Vec::new();
    write(report, &mut bytes)?;
    String::from_utf8(bytes).map_err(|e| ExportError::Render {
        format: "STIX 2.1",
        message: e.to_string(),
    })
}

/// Writes the bundle to `out` as its objects are made.
pub fn write(report: &Report, out: &mut dyn std::io::Write) -> Result<(), ExportError> {
    let builder = Builder::new(report);
    write_bundle(
        &builder,
        &mut Document::new(&mut *out, FORMAT),
        OBJECTS_PER_CHUNK,
    )?;
    out.write_all(b"\n").map_err(ExportError::Output)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Record, Review};
    use crate::report::{ReportOptions, build};
    use serde_json::Value;

    const RECORD: &str = r#"(schema: 1, id: "r", title: "T", summary: "S",
        classification: (scheme: Nato, level: Restricted), tlp: "AMBER",
        sources: [(id: "s", title: "t", publisher: "p", url: "https://example.org", reliability: B)],
        controls: [(catalogue: NistSp80053r5, id: "SC-8", title: "Transmission Confidentiality and Integrity", expects: "x")],
        events: [(id: "E1", at: "2024-01-01", fidelity: Day, title: "t", narrative: "n",
                  sources: [(source: "s", credibility: 2)],
                  controls: [(control: "SC-8", effect: Failed)], portion: Unclassified)],
    )"#;

    const REVIEW: &str = r#"(schema: 1, record: "r",
        findings: [(id: "F1", title: "f", statement: "The statement.", kind: RootCause, severity: High,
                    likelihood: VeryLikely, confidence: Moderate, events: ["E1"], controls: ["SC-8"],
                    portion: Restricted)],
        recommendations: [(id: "R1", finding: "F1", action: "Do it.", owner: "o", status: InProgress)],
    )"#;

    /// The report borrows its record: a test's record lives as long as the test run.
    fn leak<T>(value: T) -> &'static T {
        Box::leak(Box::new(value))
    }

    fn report() -> Report<'static> {
        let record: &Record = leak(crate::load::parse(RECORD).expect("record"));
        let review: &Review = leak(crate::load::parse(REVIEW).expect("review"));
        let generated = chrono::DateTime::from_timestamp(1_709_251_200, 0);
        build(
            record,
            review,
            &ReportOptions {
                generated,
                ..ReportOptions::default()
            },
        )
    }

    fn bundle() -> Value {
        serde_json::from_str(&render(&report()).expect("render")).expect("JSON")
    }

    #[test]
    fn ids_are_stable_version_4_uuids() {
        let id = stix_id("r", "note", "F1");
        // As every export so far has written it.
        assert_eq!(id, "note--38434b53-f690-4164-b0c6-0fdb764c1d04");
        assert_eq!(id, stix_id("r", "note", "F1"));
        assert_ne!(id, stix_id("r", "note", "F2"));
        assert_ne!(stix_id("ab", "note", "c"), stix_id("a", "note", "bc"));
        let uuid = id.strip_prefix("note--").expect("type prefix");
        let groups: Vec<&str> = uuid.split('-').collect();
        assert_eq!(
            groups.iter().map(|g| g.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(groups[2].starts_with('4'), "version 4: {uuid}");
        assert!(
            matches!(groups[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b'),
            "RFC 4122 variant: {uuid}"
        );
    }

    #[test]
    fn the_bundle_is_the_same_whatever_the_chunks() {
        let record: &Record = leak(
            crate::load::parse(&crate::export::json::tests::record_of(3_000)).expect("record"),
        );
        let review: &Review = leak(crate::load::parse(REVIEW).expect("review"));
        let report = build(record, review, &ReportOptions::default());
        let bundle = |per_chunk: usize| {
            let mut out = Vec::new();
            write_bundle(
                &Builder::new(&report),
                &mut Document::new(&mut out, FORMAT),
                per_chunk,
            )
            .expect("bundle");
            out
        };
        // One chunk for everything is the serial rendering.
        let serial = bundle(usize::MAX);
        for per_chunk in [1, 7, OBJECTS_PER_CHUNK] {
            assert!(bundle(per_chunk) == serial, "chunks of {per_chunk}");
        }
        let value: Value = serde_json::from_slice(&serial).expect("JSON");
        let objects = value["objects"].as_array().expect("objects");
        assert_eq!(
            objects.iter().filter(|o| o["type"] == "event").count(),
            3_000
        );
        assert_eq!(objects[5 + 2_999]["name"], "(NU) E2999: t2999 \"q\" \u{7}");
    }

    #[test]
    fn timestamps_are_written_as_chrono_writes_them() {
        use chrono::{NaiveDate, TimeZone};
        let mut times: Vec<DateTime<Utc>> = vec![
            DateTime::UNIX_EPOCH,
            Utc.with_ymd_and_hms(2024, 2, 19, 23, 10, 5)
                .single()
                .expect("time"),
            Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59)
                .single()
                .expect("time"),
            Utc.with_ymd_and_hms(10_000, 1, 1, 0, 0, 0)
                .single()
                .expect("time"),
            Utc.with_ymd_and_hms(-1, 1, 1, 0, 0, 0)
                .single()
                .expect("time"),
            Utc.with_ymd_and_hms(0, 1, 1, 0, 0, 0)
                .single()
                .expect("time"),
        ];
        // A leap second, as chrono holds it.
        let leap = NaiveDate::from_ymd_opt(2016, 12, 31)
            .and_then(|d| d.and_hms_nano_opt(23, 59, 59, 1_234_567_890))
            .expect("leap second");
        times.push(leap.and_utc());
        for n in 0..2_000i64 {
            let secs = n * 7_919_993 % 4_000_000_000;
            let nanos = (n * 987_654_321 % 1_000_000_000) as u32;
            times.push(DateTime::from_timestamp(secs, nanos).expect("time"));
        }
        for t in times {
            assert_eq!(stix_time(t), t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string());
            assert_eq!(
                utc_text(t, Digits::Micro),
                t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
            );
        }
    }

    #[test]
    fn the_same_report_gives_the_same_bytes() {
        let r = report();
        assert_eq!(render(&r).expect("a"), render(&r).expect("b"));
    }

    #[test]
    fn every_object_but_the_marking_is_marked_and_the_bundle_has_no_spec_version() {
        let b = bundle();
        assert!(b.get("spec_version").is_none());
        let objects = b["objects"].as_array().expect("objects");
        let types: Vec<&str> = objects
            .iter()
            .map(|o| o["type"].as_str().expect("type"))
            .collect();
        assert_eq!(
            types,
            [
                "marking-definition",
                "identity",
                "extension-definition",
                "identity",
                "incident",
                "event",
                "note",
                "course-of-action",
                "relationship",
                "course-of-action",
                "report"
            ]
        );
        let amber = tlp_marking_id(Tlp::Amber);
        assert_eq!(objects[0]["id"], amber);
        assert_eq!(objects[0]["extensions"][TLP2_EXTENSION]["tlp_2_0"], "amber");
        // The OASIS identity and extension definition are published objects:
        // hotwash does not mark them.
        assert_eq!(objects[1]["id"], OASIS_IDENTITY);
        assert_eq!(objects[2]["id"], EVENT_EXTENSION);
        assert_eq!(objects[2]["created_by_ref"], OASIS_IDENTITY);
        for o in &objects[3..] {
            assert_eq!(o["spec_version"], "2.1");
            assert_eq!(o["object_marking_refs"], serde_json::json!([amber]), "{o}");
        }
    }

    #[test]
    fn a_note_states_likelihood_and_confidence_in_separate_sentences() {
        let b = bundle();
        let note = &b["objects"][6];
        let content = note["content"].as_str().expect("content");
        assert!(content.starts_with("(NR) The statement."), "{content}");
        let sentences: Vec<&str> = content.split(['.', '\n']).collect();
        assert!(
            sentences
                .iter()
                .all(|s| !(s.contains("very likely") && s.contains("moderate"))),
            "{content}"
        );
        assert!(content.contains("Likelihood: very likely (80–95 %)."));
        assert!(content.contains("Analytic confidence: moderate."));
        assert_eq!(note["confidence"], 50);
        let coa = &b["objects"][7];
        let report = b["objects"]
            .as_array()
            .and_then(|o| o.last())
            .expect("report");
        let event = &b["objects"][5];
        // The report first, so that misp-stix attaches the note to the MISP
        // event; then the incident, the events it rests on and its answers.
        assert_eq!(
            note["object_refs"],
            serde_json::json!([report["id"], b["objects"][4]["id"], event["id"], coa["id"]])
        );
    }

    #[test]
    fn the_report_references_everything_and_carries_the_banner() {
        let b = bundle();
        let objects = b["objects"].as_array().expect("objects");
        let report = objects.last().expect("report");
        let refs: Vec<&Value> = report["object_refs"]
            .as_array()
            .expect("refs")
            .iter()
            .collect();
        // Every object of the review; not the published OASIS objects.
        let ids: Vec<&Value> = objects[3..objects.len() - 1]
            .iter()
            .map(|o| &o["id"])
            .collect();
        assert_eq!(refs, ids);
        let description = report["description"].as_str().expect("description");
        assert!(description.starts_with("NATO RESTRICTED\nTLP:AMBER\n"));
        assert!(description.ends_with("\nNATO RESTRICTED"));
    }

    #[test]
    fn a_ceiling_makes_a_different_report_of_the_same_incident() {
        let full = bundle();
        let record: Record = crate::load::parse(RECORD).expect("record");
        let review: Review = crate::load::parse(REVIEW).expect("review");
        let cut = build(
            &record,
            &review,
            &ReportOptions {
                max_classification: Some(crate::model::Level::Unclassified),
                generated: chrono::DateTime::from_timestamp(1_709_251_200, 0),
            },
        );
        let cut: Value = serde_json::from_str(&render(&cut).expect("render")).expect("JSON");
        assert_eq!(cut["objects"][4]["type"], "incident");
        assert_eq!(
            full["objects"][4]["id"], cut["objects"][4]["id"],
            "incident"
        );
        assert_ne!(full["id"], cut["id"]);
        let last = |b: &Value| b["objects"].as_array().expect("objects").last().cloned();
        assert_ne!(
            last(&full).map(|o| o["id"].clone()),
            last(&cut).map(|o| o["id"].clone())
        );
    }
    fn object<'v>(b: &'v Value, kind: &str) -> &'v Value {
        b["objects"]
            .as_array()
            .and_then(|o| o.iter().find(|o| o["type"] == kind))
            .unwrap_or_else(|| panic!("no {kind} in the bundle"))
    }

    fn with_generated(secs: i64) -> String {
        let mut r = report();
        r.generated = chrono::DateTime::from_timestamp(secs, 0).expect("a time");
        render(&r).expect("render")
    }

    #[test]
    fn timestamps_come_from_the_record_never_from_the_export_time() {
        assert_eq!(with_generated(1_709_251_200), with_generated(1_900_000_000));
        let b = bundle();
        // E1 is a day: its event and the finding that rests on it start then;
        // the incident and the report rest on the whole record.
        assert_eq!(object(&b, "event")["created"], "2024-01-01T00:00:00.000Z");
        assert_eq!(object(&b, "note")["created"], "2024-01-01T00:00:00.000Z");
        assert_eq!(
            object(&b, "incident")["created"],
            "2024-01-01T00:00:00.000Z"
        );
        for o in b["objects"].as_array().expect("objects") {
            if let Some(modified) = o["modified"].as_str() {
                let created = o["created"].as_str().expect("created");
                let parse = |t: &str| DateTime::parse_from_rfc3339(t).expect(t).to_utc();
                assert!(parse(modified) >= parse(created), "{o}");
            }
        }
        let report = object(&b, "report");
        assert_eq!(report["published"], report["modified"]);
    }

    #[test]
    fn modified_moves_when_the_content_changes_and_created_stays() {
        let a = bundle();
        let mut changed = report();
        changed.findings[0].statement = "Another statement.";
        let b: Value = serde_json::from_str(&render(&changed).expect("render")).expect("JSON");
        let (na, nb) = (object(&a, "note"), object(&b, "note"));
        assert_eq!(na["id"], nb["id"]);
        assert_eq!(na["created"], nb["created"]);
        assert_ne!(na["modified"], nb["modified"]);
        // What did not change keeps its version.
        assert_eq!(
            object(&a, "event")["modified"],
            object(&b, "event")["modified"]
        );

        // A sign-off after the record's dates moves every version forward.
        let mut signed = report();
        signed.signoff.at = chrono::DateTime::from_timestamp(1_720_000_000, 0);
        let s: Value = serde_json::from_str(&render(&signed).expect("render")).expect("JSON");
        let modified = object(&s, "event")["modified"].as_str().expect("modified");
        assert!(modified.starts_with("2024-07-03T09:46:40."), "{modified}");
        assert_eq!(
            object(&s, "event")["created"],
            object(&a, "event")["created"]
        );
    }

    #[test]
    fn an_event_keeps_its_time_at_its_fidelity() {
        let b = bundle();
        let e = object(&b, "event");
        assert_eq!(e["start_time"], "2024-01-01T00:00:00.000Z");
        assert_eq!(e["start_time_fidelity"], "day");
        assert!(e.get("end_time").is_none());
        assert_eq!(e["status"], "occurred");
        assert_eq!(
            e["extensions"][EVENT_EXTENSION]["extension_type"],
            "new-sdo"
        );
        assert!(e["name"].as_str().expect("name").starts_with("(NU) E1: "));
        let refs = &e["external_references"][0];
        assert_eq!(refs["url"], "https://example.org/");
        assert_eq!(refs["external_id"], "s");
        assert!(
            refs["description"]
                .as_str()
                .expect("description")
                .contains("B2")
        );

        // A time of day is its first instant in UTC; a time known only to
        // the day or month keeps the date the record gives.
        let utc = |t: &str| DateTime::parse_from_rfc3339(t).ok().map(|t| t.to_utc());
        assert_eq!(
            period_start("2024-02-19T23:10+08:00", Some(Fidelity::Hour)),
            utc("2024-02-19T15:00:00Z")
        );
        assert_eq!(
            period_start("2024-02-20T01:10+08:00", Some(Fidelity::Day)),
            utc("2024-02-20T00:00:00Z")
        );
        assert_eq!(
            period_start("2024-03-01+08:00", Some(Fidelity::Month)),
            utc("2024-03-01T00:00:00Z")
        );
    }

    #[test]
    fn every_external_reference_has_a_uri_and_the_source_id() {
        assert_eq!(
            stix_url("https://de.wikipedia.org/wiki/Taurus-Abhörfall").as_deref(),
            Some("https://de.wikipedia.org/wiki/Taurus-Abh%C3%B6rfall")
        );
        assert_eq!(stix_url("https://example.org/a\"b"), None);
        let b = bundle();
        let report = object(&b, "report");
        let refs = report["external_references"].as_array().expect("refs");
        assert_eq!(refs.len(), 1);
        assert_eq!(refs[0]["url"], "https://example.org/");
        assert_eq!(refs[0]["external_id"], "s");
        assert_eq!(refs[0]["source_name"], "p");
        let description = report["description"].as_str().expect("description");
        assert!(description.contains("\n- s: t, p. Reliability B. https://example.org\n"));
        assert!(description.contains("\n- E1 2024-01-01: (NU) t\n"));
    }
}
