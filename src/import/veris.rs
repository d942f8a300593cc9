//! VERIS incident JSON (VERIS 1.3.x to 1.4.x, as the VERIS Community
//! Database codes incidents) to a hotwash record. docs/IMPORT.md gives the
//! mapping field by field; the choices it documents are made here.
//!
//! Pure: text in, a record or a located diagnostic out. Nothing is parsed
//! out of prose (dates that exist only in notes stay in the narrative), no
//! time is finer than VERIS gives it, and nothing a reviewer decides (a
//! control's effect, a grade) is invented.

use chrono::{Datelike, Duration, Months, NaiveDate, NaiveDateTime};
use serde::Deserialize;

use super::candidates::{self, Mappings};
use super::{Marking, clean_line, clean_text};
use crate::load::Diagnostic;
use crate::model::{
    Actor, Candidate, Citation, Claim, ClaimStatus, Credibility, Event, Fidelity, Id, Origin,
    OriginFormat, Place, RECORD_SCHEMA, Record, Reliability, Side, Source, Timestamp, TitleKind,
};

/// What an import needs besides the file.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub marking: Marking,
    /// The longest text field the record may hold (the loader's limit).
    pub max_field: usize,
}

// The VERIS fields hotwash reads. Everything else in a file is left alone:
// VERIS has hundreds of fields, and a field hotwash does not use is no error.

#[derive(Debug, Default, Deserialize)]
struct Incident {
    schema_version: Option<String>,
    incident_id: Option<String>,
    security_incident: Option<String>,
    confidence: Option<String>,
    reference: Option<String>,
    summary: Option<String>,
    source_id: Option<String>,
    discovery_notes: Option<String>,
    notes: Option<String>,
    timeline: Option<Timeline>,
    victim: Option<OneOrMany<Victim>>,
    #[serde(default)]
    actor: Actors,
    #[serde(default)]
    action: Actions,
    discovery_method: Option<serde_json::Value>,
    #[serde(default)]
    plus: Plus,
}

/// A value VERIS writes either alone or in a list, depending on version.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    fn into_vec(self) -> Vec<T> {
        match self {
            OneOrMany::One(t) => vec![t],
            OneOrMany::Many(v) => v,
        }
    }
}

/// A list of enumeration values (`["Espionage"]`, or `"Espionage"` in older files).
#[derive(Debug, Default, Deserialize)]
#[serde(from = "Option<OneOrMany<String>>")]
struct Words(Vec<String>);

impl From<Option<OneOrMany<String>>> for Words {
    fn from(v: Option<OneOrMany<String>>) -> Self {
        Words(v.map(OneOrMany::into_vec).unwrap_or_default())
    }
}

impl Words {
    /// The values, trimmed, without empty ones.
    fn known(&self) -> Vec<&str> {
        self.0
            .iter()
            .map(|w| w.trim())
            .filter(|w| !w.is_empty())
            .collect()
    }
}

#[derive(Debug, Deserialize)]
struct Timeline {
    incident: Option<Date>,
    compromise: Option<Span>,
    exfiltration: Option<Span>,
    discovery: Option<Span>,
    containment: Option<Span>,
}

#[derive(Debug, Deserialize)]
struct Date {
    year: Option<i64>,
    month: Option<i64>,
    day: Option<i64>,
    time: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Span {
    unit: Option<String>,
    value: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
struct Victim {
    victim_id: Option<String>,
    #[serde(default)]
    country: Words,
    state: Option<String>,
    industry: Option<String>,
    employee_count: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct Actors {
    external: Option<ActorDetail>,
    internal: Option<ActorDetail>,
    partner: Option<ActorDetail>,
    unknown: Option<serde_json::Value>,
}

#[derive(Debug, Default, Deserialize)]
struct ActorDetail {
    #[serde(default)]
    variety: Words,
    #[serde(default)]
    motive: Words,
    #[serde(default)]
    country: Words,
    #[serde(default)]
    name: Words,
    notes: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct Actions {
    hacking: Option<ActionDetail>,
    malware: Option<ActionDetail>,
    social: Option<ActionDetail>,
    error: Option<ActionDetail>,
    misuse: Option<ActionDetail>,
    physical: Option<ActionDetail>,
    environmental: Option<ActionDetail>,
    unknown: Option<ActionDetail>,
}

#[derive(Debug, Default, Deserialize)]
struct ActionDetail {
    #[serde(default)]
    variety: Words,
    #[serde(default)]
    vector: Words,
    #[serde(default)]
    target: Words,
    #[serde(default)]
    name: Words,
    #[serde(default)]
    cve: Words,
    notes: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct Plus {
    created: Option<String>,
    modified: Option<String>,
    timeline: Option<PlusTimeline>,
    event_chain: Option<Vec<Step>>,
}

#[derive(Debug, Deserialize)]
struct PlusTimeline {
    notification: Option<Date>,
}

#[derive(Debug, Deserialize)]
struct Step {
    action: Option<String>,
    actor: Option<String>,
    asset: Option<String>,
    attribute: Option<String>,
    summary: Option<String>,
}

/// The VERIS action categories in the schema's order, with the code an
/// event chain step uses for each.
const CATEGORIES: [(&str, &str); 8] = [
    ("hacking", "hak"),
    ("malware", "mal"),
    ("social", "soc"),
    ("error", "err"),
    ("misuse", "mis"),
    ("physical", "phy"),
    ("environmental", "env"),
    ("unknown", "unk"),
];

impl Actions {
    fn by_category(&self) -> [(&'static str, Option<&ActionDetail>); 8] {
        let list = [
            &self.hacking,
            &self.malware,
            &self.social,
            &self.error,
            &self.misuse,
            &self.physical,
            &self.environmental,
            &self.unknown,
        ];
        std::array::from_fn(|i| (CATEGORIES[i].0, list[i].as_ref()))
    }
}

/// An error about the file, placed at `span` of its text.
fn located(code: &'static str, text: &str, at: usize, message: String) -> Diagnostic {
    let at = at.min(text.len());
    let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
    Diagnostic::error(code, message).at(text, at..end)
}

/// The byte offset where the value of `path` (object keys, outermost
/// first) begins, found by the keys' first occurrences in order; the start
/// of the file when a key is not there. Good enough to show where a problem
/// is; it runs only on the error path.
fn position_of(text: &str, path: &[&str]) -> usize {
    let mut at = 0;
    for key in path {
        let quoted = format!("\"{key}\"");
        match text[at..].find(&quoted) {
            Some(i) => at += i,
            None => return at,
        }
    }
    at
}

/// A serde_json error, as the file's line and column (serde_json counts the
/// column in bytes; diagnostics count characters).
fn json_error(text: &str, e: serde_path_to_error::Error<serde_json::Error>) -> Diagnostic {
    let path = e.path().to_string();
    let inner = e.inner();
    let offset = byte_offset(text, inner.line(), inner.column());
    let message = inner.to_string();
    // serde_json appends the position, which the diagnostic gives itself.
    let message = match message.rfind(" at line ") {
        Some(cut) => message[..cut].to_string(),
        None => message,
    };
    use serde_json::error::Category;
    match inner.classify() {
        Category::Eof => located(
            "import.json",
            text,
            offset,
            format!("the file is not complete JSON: {message}"),
        )
        .with_help("the file may be truncated"),
        Category::Syntax | Category::Io => located(
            "import.json",
            text,
            offset,
            format!("the file is not valid JSON: {message}"),
        ),
        Category::Data if path == "." || path.is_empty() => located(
            "import.not-veris",
            text,
            offset,
            format!("this is not a VERIS incident: {message}"),
        )
        .with_help(
            "a VERIS incident is one JSON object with schema_version, timeline, actor, action ...",
        ),
        Category::Data => located(
            "import.veris-type",
            text,
            offset,
            format!("the VERIS field {path} has the wrong type: {message}"),
        )
        .with_help("see the VERIS schema (verisc-merged.json) for the field's type"),
    }
}

fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let mut at = (start + column.saturating_sub(1)).min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// A period a time is known to lie in: from `start` up to (not including)
/// `after`, known to `fidelity`.
#[derive(Debug, Clone, Copy)]
struct Period {
    start: NaiveDateTime,
    after: NaiveDateTime,
    fidelity: Fidelity,
}

impl Period {
    fn at(&self) -> Timestamp {
        Timestamp::new(self.start, None, self.fidelity)
    }

    /// The last moment of the period, as a timestamp of its fidelity, when
    /// that is not the same as its start.
    fn end(&self) -> Option<Timestamp> {
        let last = self.after - Duration::seconds(1);
        let end = Timestamp::new(last, None, self.fidelity);
        (end != self.at()).then_some(end)
    }

    fn shown(&self) -> String {
        match self.end() {
            Some(end) => format!("between {} and {end}", self.at()),
            None => self.at().to_string(),
        }
    }

    /// This period moved on by `value` `unit`s, known no finer than both.
    fn later(&self, value: f64, unit: Unit) -> Option<Period> {
        if !(0.0..=1.0e6).contains(&value) {
            return None;
        }
        let fidelity = self.fidelity.min(unit.fidelity());
        let (start, after) = match unit {
            Unit::Months | Unit::Years if value.fract() == 0.0 => {
                let months = value as u32 * if unit == Unit::Years { 12 } else { 1 };
                (
                    self.start.checked_add_months(Months::new(months))?,
                    self.after.checked_add_months(Months::new(months))?,
                )
            }
            _ => {
                let seconds = value * unit.seconds();
                if seconds > 1.0e12 {
                    return None;
                }
                let d = Duration::seconds(seconds.round() as i64);
                (
                    self.start.checked_add_signed(d)?,
                    self.after.checked_add_signed(d)?,
                )
            }
        };
        // A timestamp writes four-digit years.
        (after.year() <= 9999).then_some(Period {
            start,
            after,
            fidelity,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Seconds,
    Minutes,
    Hours,
    Days,
    Weeks,
    Months,
    Years,
}

impl Unit {
    fn parse(word: &str) -> Option<Unit> {
        Some(match word {
            "Seconds" => Unit::Seconds,
            "Minutes" => Unit::Minutes,
            "Hours" => Unit::Hours,
            "Days" => Unit::Days,
            "Weeks" => Unit::Weeks,
            "Months" => Unit::Months,
            "Years" => Unit::Years,
            _ => return None,
        })
    }

    /// The finest fidelity a time measured in this unit has. hotwash has
    /// no week fidelity: weeks count as months, the next coarser.
    fn fidelity(self) -> Fidelity {
        match self {
            Unit::Seconds => Fidelity::Second,
            Unit::Minutes => Fidelity::Minute,
            Unit::Hours => Fidelity::Hour,
            Unit::Days => Fidelity::Day,
            Unit::Weeks | Unit::Months => Fidelity::Month,
            Unit::Years => Fidelity::Year,
        }
    }

    /// Seconds in one unit (a month and a year on average, for fractions).
    fn seconds(self) -> f64 {
        match self {
            Unit::Seconds => 1.0,
            Unit::Minutes => 60.0,
            Unit::Hours => 3600.0,
            Unit::Days => 86_400.0,
            Unit::Weeks => 7.0 * 86_400.0,
            Unit::Months => 30.436_875 * 86_400.0,
            Unit::Years => 365.242_5 * 86_400.0,
        }
    }
}

/// A VERIS date (year, optional month and day) as the period it names.
fn period_of(date: &Date) -> Result<Period, String> {
    let year = date.year.ok_or("it has no year")?;
    let year = i32::try_from(year)
        .ok()
        .filter(|y| (1..=9999).contains(y))
        .ok_or(format!("the year {year} is out of range"))?;
    let month = date.month.map(|m| {
        u32::try_from(m)
            .ok()
            .filter(|m| (1..=12).contains(m))
            .ok_or(format!("the month {m} is out of range"))
    });
    let month = month.transpose()?;
    let day = match (month, date.day) {
        (None, Some(_)) => return Err("it has a day but no month".into()),
        (_, Some(d)) => Some(u32::try_from(d).map_err(|_| format!("the day {d} is out of range"))?),
        (_, None) => None,
    };
    let (start, after, fidelity) = match (month, day) {
        (None, _) => {
            let start = NaiveDate::from_ymd_opt(year, 1, 1);
            (
                start,
                start.and_then(|s| s.checked_add_months(Months::new(12))),
                Fidelity::Year,
            )
        }
        (Some(m), None) => {
            let start = NaiveDate::from_ymd_opt(year, m, 1);
            (
                start,
                start.and_then(|s| s.checked_add_months(Months::new(1))),
                Fidelity::Month,
            )
        }
        (Some(m), Some(d)) => {
            let start = NaiveDate::from_ymd_opt(year, m, d);
            (start, start.and_then(|s| s.succ_opt()), Fidelity::Day)
        }
    };
    let start = start.ok_or_else(|| {
        format!(
            "there is no such date as {year:04}-{:02}-{:02}",
            month.unwrap_or(1),
            day.unwrap_or(1)
        )
    })?;
    let after = after.ok_or("the date is out of range")?;
    Ok(Period {
        start: start.and_time(chrono::NaiveTime::MIN),
        after: after.and_time(chrono::NaiveTime::MIN),
        fidelity,
    })
}

/// Whatever VERIS writes in an event chain step, in words.
fn step_word<'a>(field: &str, code: &'a str) -> &'a str {
    match (field, code) {
        ("action", "hak") => "hacking",
        ("action", "mal") => "malware",
        ("action", "soc") => "social",
        ("action", "err") => "error",
        ("action", "mis") => "misuse",
        ("action", "phy") => "physical",
        ("action", "env") => "environmental",
        ("action", "unk") => "unknown action",
        ("actor", "ext") => "external actor",
        ("actor", "int") => "internal actor",
        ("actor", "prt") => "partner",
        ("actor", "unk") => "unknown actor",
        ("asset", "srv") => "server",
        ("asset", "usr") => "user device",
        ("asset", "ppl") => "person",
        ("asset", "net") => "network",
        ("asset", "ter") => "terminal",
        ("asset", "med") => "media",
        ("asset", "emb") => "embedded device",
        ("asset", "unk") => "unknown asset",
        ("attribute", "cp") => "confidentiality",
        ("attribute", "ia") => "integrity",
        ("attribute", "au") => "availability",
        ("attribute", "unk") => "unknown attribute",
        (_, code) => code,
    }
}

/// The web addresses of VERIS `reference`: one string that separates them
/// with `;`, `,` or ` ;`. A comma splits only where an address follows it,
/// since addresses may hold commas themselves.
pub fn split_references(reference: &str) -> Vec<String> {
    let starts_address = |s: &str| {
        let s = s.trim_start().to_ascii_lowercase();
        s.starts_with("http://") || s.starts_with("https://")
    };
    let mut out: Vec<String> = Vec::new();
    for piece in reference.split(';') {
        let mut rest = piece;
        loop {
            let cut = rest
                .match_indices(',')
                .map(|(i, _)| i)
                .find(|&i| starts_address(&rest[i + 1..]));
            let (this, next) = match cut {
                Some(i) => (&rest[..i], Some(&rest[i + 1..])),
                None => (rest, None),
            };
            let this = this.trim();
            if !this.is_empty() && !out.iter().any(|r| r == this) {
                out.push(this.to_string());
            }
            match next {
                Some(n) => rest = n,
                None => break,
            }
        }
    }
    out
}

/// "Web page at www.example.org/news/2015/story": what a reference is, where
/// its own title is not known. The path (shortened) tells two pages of one
/// site apart.
fn page_description(host: &str, path: &str) -> String {
    let path = path.trim_end_matches('/');
    let mut shown: String = path.chars().take(80).collect();
    if shown.len() < path.len() {
        shown.push('…');
    }
    format!("Web page at {host}{shown}")
}

/// Whether `s` is written as a UUID (8-4-4-4-12 hexadecimal digits).
fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Where the VCDB keeps a validated incident file on GitHub (`HEAD`: the
/// default branch, whatever it is called).
fn vcdb_address(file_name: &str) -> Option<String> {
    let mut url =
        url::Url::parse("https://github.com/vz-risk/VCDB/blob/HEAD/data/json/validated").ok()?;
    url.path_segments_mut().ok()?.push(file_name);
    Some(url.to_string())
}

/// Text from the file, made fit for a record.
struct Cleaner {
    replaced: usize,
}

impl Cleaner {
    fn text(&mut self, s: &str) -> String {
        let (text, n) = clean_text(s);
        self.replaced += n;
        text
    }

    fn line(&mut self, s: &str) -> String {
        let (text, n) = clean_line(s);
        self.replaced += n;
        text
    }
}

/// One phase of the VERIS timeline, as it is imported.
struct PhaseOutcome {
    /// The period, when one can be derived.
    period: Option<Period>,
    /// What the narrative says of it.
    said: String,
}

fn phase(
    name: &str,
    span: Option<&Span>,
    anchor: Option<Period>,
    anchor_name: &str,
) -> Option<PhaseOutcome> {
    let span = span?;
    let unit = span.unit.as_deref().unwrap_or("").trim();
    let said = |s: String| {
        Some(PhaseOutcome {
            period: None,
            said: s,
        })
    };
    match unit {
        "Unknown" | "" => return said(format!("{name}: not known (VERIS: Unknown).")),
        "NA" => return said(format!("{name}: does not apply (VERIS: NA).")),
        "Never" => return said(format!("{name}: never (VERIS: Never).")),
        _ => {}
    }
    let Some(parsed) = Unit::parse(unit) else {
        return said(format!(
            "{name}: VERIS gives the unit {unit:?}, which is not one of its units, so no time is derived."
        ));
    };
    let Some(value) = span.value else {
        return said(format!(
            "{name}: {unit} after {anchor_name} (VERIS gives the unit but no number, so no time is derived)."
        ));
    };
    let amount = format!("{value} {}", unit.to_lowercase());
    let Some(anchor) = anchor else {
        return said(format!(
            "{name}: {amount} after {anchor_name}, whose time is not known, so no time is derived."
        ));
    };
    match anchor.later(value, parsed) {
        Some(period) => Some(PhaseOutcome {
            period: Some(period),
            said: format!(
                "{name}: {amount} after {anchor_name} ({}), says VERIS. hotwash derives {}, \
                 known to the {}: no finer than {anchor_name} and the unit.",
                anchor.shown(),
                period.shown(),
                period.fidelity,
            ),
        }),
        None => said(format!(
            "{name}: {amount} after {anchor_name}, a value hotwash cannot place in time, so no time is derived."
        )),
    }
}

/// Converts the VERIS incident `text` of the file `file_name` into the
/// record `id`. Errors name where in the file they are.
pub fn convert(
    file_name: &str,
    id: &str,
    text: &str,
    settings: &Settings,
) -> Result<Record, Diagnostic> {
    // serde reads a struct from a JSON array too: refuse anything but an object first.
    let first = text.len() - text.trim_start().len();
    if !text[first..].starts_with('{') {
        return Err(located(
            "import.not-veris",
            text,
            first,
            "this is not a VERIS incident: a VERIS incident is one JSON object".into(),
        )
        .with_help("hotwash imports VERIS 1.3.x and 1.4.x incidents (such as VCDB files)"));
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let incident: Incident =
        serde_path_to_error::deserialize(&mut de).map_err(|e| json_error(text, e))?;
    de.end().map_err(|e| {
        located(
            "import.json",
            text,
            byte_offset(text, e.line(), e.column()),
            "the file holds more after the incident's closing brace".into(),
        )
    })?;
    build(file_name, id, text, incident, settings)
}

fn build(
    file_name: &str,
    id: &str,
    text: &str,
    incident: Incident,
    settings: &Settings,
) -> Result<Record, Diagnostic> {
    let Some(version) = incident.schema_version.as_deref().map(str::trim) else {
        return Err(located(
            "import.not-veris",
            text,
            0,
            "this is not a VERIS incident: it has no schema_version".into(),
        )
        .with_help("hotwash imports VERIS 1.3.x and 1.4.x incidents (such as VCDB files)"));
    };
    let supported = ["1.3.", "1.4."].iter().any(|p| version.starts_with(p)) || version == "1.4";
    if !supported {
        return Err(located(
            "import.veris-version",
            text,
            position_of(text, &["schema_version"]),
            format!("VERIS schema_version {version:?} is not supported"),
        )
        .with_help("hotwash imports VERIS 1.3.x and 1.4.x incidents"));
    }
    let timeline = incident.timeline.as_ref();
    let Some(date) = timeline.and_then(|t| t.incident.as_ref()) else {
        return Err(located(
            "import.veris-time",
            text,
            position_of(text, &["timeline"]),
            "the incident has no timeline.incident, which VERIS requires (its year at least)"
                .into(),
        ));
    };
    let anchor = period_of(date).map_err(|why| {
        located(
            "import.veris-time",
            text,
            position_of(text, &["timeline", "incident"]),
            format!("timeline.incident is not a date: {why}"),
        )
    })?;

    too_large(&incident, text, settings.max_field)?;
    let mut clean = Cleaner { replaced: 0 };
    let level = settings.marking.classification.level;
    let mut notes: Vec<String> = Vec::new();

    // Sources: each web address of `reference`, then the VCDB file itself.
    let mut sources: Vec<Source> = Vec::new();
    let mut not_addresses: Vec<String> = Vec::new();
    for reference in split_references(incident.reference.as_deref().unwrap_or("")) {
        let reference = clean.line(&reference);
        let parsed = url::Url::parse(&reference).ok();
        let host = parsed
            .as_ref()
            .and_then(|u| u.host_str().map(str::to_string));
        match (crate::model::web_address::check(&reference), host) {
            (Err(crate::model::web_address::AddressProblem::Invalid(_)), _) | (_, None) => {
                not_addresses.push(reference)
            }
            (_, Some(host)) => sources.push(Source {
                id: Id::from(format!("S{}", sources.len() + 1)),
                title: page_description(&host, parsed.as_ref().map_or("", |u| u.path())),
                title_is: TitleKind::Description,
                publisher: host,
                date: None,
                url: reference,
                reliability: Reliability::F,
            }),
        }
    }
    let vcdb = incident
        .source_id
        .as_deref()
        .is_some_and(|s| s.trim().eq_ignore_ascii_case("vcdb"));
    let file_source: Option<Id> = match vcdb.then(|| vcdb_address(file_name)).flatten() {
        Some(url) => {
            sources.push(Source {
                id: Id::from("vcdb"),
                title: format!("VCDB incident {}", clean.line(file_name)),
                title_is: TitleKind::Description,
                publisher: "VERIS Community Database (VCDB)".into(),
                date: None,
                url,
                reliability: Reliability::F,
            });
            Some(Id::from("vcdb"))
        }
        None => None,
    };
    let cite = |source: &Id| Citation {
        source: source.clone(),
        credibility: Credibility(6),
        note: None,
    };
    let all_citations: Vec<Citation> = sources.iter().map(|s| cite(&s.id)).collect();
    let file_citations: Vec<Citation> = match &file_source {
        Some(id) => vec![cite(id)],
        None => all_citations.clone(),
    };

    // Actors, by the side VERIS puts them on.
    let mut actors: Vec<Actor> = Vec::new();
    for (key, detail, side, kind) in [
        (
            "external",
            &incident.actor.external,
            Side::Adversary,
            "External actor",
        ),
        (
            "internal",
            &incident.actor.internal,
            Side::Own,
            "Internal actor",
        ),
        (
            "partner",
            &incident.actor.partner,
            Side::ThirdParty,
            "Partner",
        ),
    ] {
        let Some(d) = detail else { continue };
        // VCDB writes some names as the UUID of an actor list entry: an id, not a name.
        let (ids, names): (Vec<&str>, Vec<&str>) = d
            .name
            .known()
            .into_iter()
            .filter(|n| *n != "Unknown")
            .partition(|n| is_uuid(n));
        let mut role = vec![format!("VERIS {key} actor")];
        for (what, words) in [
            ("variety", &d.variety),
            ("motive", &d.motive),
            ("country", &d.country),
        ] {
            let words = words.known();
            if !words.is_empty() {
                role.push(format!("{what} {}", words.join(", ")));
            }
        }
        if let Some(n) = d.notes.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
            role.push(format!("notes: {n}"));
        }
        if !ids.is_empty() {
            role.push(format!("VERIS name (an id) {}", ids.join(", ")));
        }
        let name = if names.is_empty() {
            let variety: Vec<&str> = d
                .variety
                .known()
                .into_iter()
                .filter(|v| *v != "Unknown")
                .collect();
            match variety.is_empty() {
                true => kind.to_string(),
                false => format!("{kind} ({})", variety.join(", ")),
            }
        } else {
            names.join(", ")
        };
        actors.push(Actor {
            id: Id::from(key),
            name: clean.line(&name),
            side,
            role: clean.text(&role.join("; ")),
        });
    }
    if incident.actor.unknown.is_some() {
        notes.push(
            "VERIS also codes an actor of unknown kind; hotwash lists no actor for it (its side \
             is not known)."
                .into(),
        );
    }
    let actor_ids: Vec<Id> = actors.iter().map(|a| a.id.clone()).collect();

    // The victim: its name for the title, its countries for the place.
    let victims: Vec<Victim> = incident.victim.map(OneOrMany::into_vec).unwrap_or_default();
    let victim = victims.first();
    let victim_name = victim
        .and_then(|v| v.victim_id.as_deref())
        .map(str::trim)
        .filter(|n| !n.is_empty() && *n != "Unknown");
    let countries: Vec<&str> = victims
        .iter()
        .flat_map(|v| v.country.known())
        .filter(|c| *c != "Unknown")
        .collect();
    let place = (!countries.is_empty()).then(|| Place {
        name: Id::from(clean.line(&countries.join(", "))),
        zone: None,
    });
    if let Some(v) = victim {
        let mut said = vec![format!("Victim: {}", victim_name.unwrap_or("not named"))];
        if !countries.is_empty() {
            said.push(format!("country {}", countries.join(", ")));
        }
        if let Some(s) = v.state.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            said.push(format!("state {s}"));
        }
        if let Some(i) = v
            .industry
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            said.push(format!("industry (NAICS) {i}"));
        }
        if let Some(e) = v
            .employee_count
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            said.push(format!("employees {e}"));
        }
        notes.push(format!("{}.", said.join("; ")));
    }

    // The actions, in words, and the candidate controls of each category.
    let mut categories: Vec<&str> = Vec::new();
    let mut action_words: Vec<String> = Vec::new();
    let mut category_candidates: Vec<(&str, Vec<Candidate>)> = Vec::new();
    let mappings = Mappings::get();
    for (category, detail) in incident.action.by_category() {
        let Some(d) = detail else { continue };
        categories.push(category);
        let mut parts = Vec::new();
        for (what, words) in [
            ("variety", &d.variety),
            ("vector", &d.vector),
            ("target", &d.target),
            ("name", &d.name),
            ("CVE", &d.cve),
        ] {
            let words = words.known();
            if !words.is_empty() {
                parts.push(format!("{what} {}", words.join(", ")));
            }
        }
        if let Some(n) = d.notes.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
            parts.push(format!("notes: {n}"));
        }
        action_words.push(match parts.is_empty() {
            true => category.to_string(),
            false => format!("{category} ({})", parts.join("; ")),
        });
        let actions: Vec<String> = d
            .variety
            .known()
            .iter()
            .map(|v| format!("action.{category}.variety.{v}"))
            .collect();
        let found = mappings.candidates(actions.iter().map(String::as_str));
        if !found.is_empty() {
            category_candidates.push((category, found));
        }
    }

    // The incident's own event.
    let mut narrative: Vec<String> = Vec::new();
    let summary = incident
        .summary
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    narrative.push(match summary {
        Some(s) => clean.text(s),
        None => "VERIS gives no summary.".into(),
    });
    let status = incident
        .security_incident
        .as_deref()
        .map(str::trim)
        .unwrap_or("not stated");
    let mut coding = format!("VERIS {version} coding: security incident {status}");
    if let Some(c) = incident
        .confidence
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        coding.push_str(&format!(", confidence {c}"));
    }
    coding.push('.');
    narrative.push(coding);
    if !action_words.is_empty() {
        narrative.push(format!("Actions: {}.", action_words.join("; ")));
    }
    let when = match anchor.fidelity {
        Fidelity::Year => "the year only",
        Fidelity::Month => "the year and month",
        _ => "the date",
    };
    let mut time_said = format!("VERIS gives {when} of the incident ({}).", anchor.at());
    if let Some(t) = date
        .time
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        time_said.push_str(&format!(
            " It gives the time of day as {t:?} in no time zone; hotwash keeps the date only, \
             since a time without a zone is no instant."
        ));
    }
    narrative.push(clean.text(&time_said));
    narrative.extend(notes.drain(..).map(|n| clean.text(&n)));

    // The phases of the VERIS timeline, each after the one VERIS counts it from.
    let t = timeline;
    let compromise = phase(
        "Compromise",
        t.and_then(|t| t.compromise.as_ref()),
        Some(anchor),
        "the first action",
    );
    let compromise_anchor = compromise.as_ref().and_then(|p| p.period);
    let exfiltration = phase(
        "Exfiltration",
        t.and_then(|t| t.exfiltration.as_ref()),
        compromise_anchor,
        "the compromise",
    );
    let discovery = phase(
        "Discovery",
        t.and_then(|t| t.discovery.as_ref()),
        compromise_anchor,
        "the compromise",
    );
    let discovery_anchor = discovery.as_ref().and_then(|p| p.period);
    let containment = phase(
        "Containment",
        t.and_then(|t| t.containment.as_ref()),
        discovery_anchor,
        "the discovery",
    );
    let phases = [
        ("compromise", "First compromise", compromise),
        ("exfiltration", "First known exfiltration", exfiltration),
        ("discovery", "Discovered by the victim", discovery),
        ("containment", "Contained", containment),
    ];
    for (_, _, outcome) in &phases {
        if let Some(o) = outcome
            && o.period.is_none()
        {
            narrative.push(o.said.clone());
        }
    }

    let discovery_method = incident
        .discovery_method
        .as_ref()
        .map(describe_discovery)
        .filter(|d| !d.is_empty());
    let discovery_notes = incident
        .discovery_notes
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|n| clean.text(n));
    let discovery_event = phases[2].2.as_ref().is_some_and(|p| p.period.is_some());
    if !discovery_event {
        if let Some(m) = &discovery_method {
            narrative.push(clean.text(&format!("Discovery method: {m}.")));
        }
        if let Some(n) = &discovery_notes {
            narrative.push(format!("Discovery notes: {n}"));
        }
    }
    if let Some(n) = incident
        .notes
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        narrative.push(format!("Notes: {}", clean.text(n)));
    }
    if !not_addresses.is_empty() {
        narrative.push(format!(
            "References that are not web addresses: {}.",
            not_addresses.join("; ")
        ));
    }
    if let Some(source) = incident
        .source_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !vcdb && !s.is_empty())
    {
        narrative.push(clean.text(&format!("VERIS source_id: {source}.")));
    }

    let notification = incident
        .plus
        .timeline
        .as_ref()
        .and_then(|t| t.notification.as_ref());
    let known = match notification.map(period_of) {
        Some(Ok(p)) => {
            narrative.push(format!(
                "Notification (plus.timeline.notification): {}.",
                p.at()
            ));
            Some(p.at())
        }
        Some(Err(why)) => {
            narrative.push(format!(
                "VERIS gives a notification date hotwash cannot read ({why}); it is left out."
            ));
            None
        }
        None => None,
    };

    let mut events: Vec<Event> = Vec::new();
    let new_event =
        |n: usize, at: Timestamp, fidelity: Fidelity, title: String, narrative: String| Event {
            id: Id::from(format!("E{n}")),
            at,
            fidelity,
            end: None,
            known: None,
            place: place.clone(),
            title,
            narrative,
            actors: Vec::new(),
            sources: Vec::new(),
            controls: Vec::new(),
            candidates: Vec::new(),
            portion: level,
        };
    let title_actions = match categories.is_empty() {
        true => "actions not coded".to_string(),
        false => categories.join(", "),
    };
    let mut first = new_event(
        1,
        anchor.at(),
        anchor.fidelity,
        format!("The incident ({title_actions})"),
        String::new(),
    );
    first.known = known;
    first.actors = actor_ids.clone();
    first.sources = all_citations.clone();
    events.push(first);

    // The event chain, in its order. VERIS gives its steps no time: each is
    // placed from the incident's start up to when the VERIS record was last
    // changed, the latest it can have happened.
    let coded = [&incident.plus.modified, &incident.plus.created]
        .into_iter()
        .flatten()
        .find_map(|s| chrono::DateTime::parse_from_rfc3339(s.trim()).ok())
        .map(|t| t.naive_utc());
    let steps = incident.plus.event_chain.as_deref().unwrap_or(&[]);
    let mut step_of_category: Vec<(&str, usize)> = Vec::new();
    for (k, step) in steps.iter().enumerate() {
        let word = |field: &str, v: &Option<String>| -> String {
            let code = v.as_deref().map(str::trim).unwrap_or("");
            match code {
                "" => format!("no {field}"),
                c => step_word(field, c).to_string(),
            }
        };
        let action = word("action", &step.action);
        let actor = word("actor", &step.actor);
        let asset = word("asset", &step.asset);
        let attribute = word("attribute", &step.attribute);
        let mut said = vec![format!(
            "VERIS event chain, step {} of {}: {action} by the {actor}, against a {asset}, \
             affecting {attribute}.",
            k + 1,
            steps.len()
        )];
        if let Some(s) = step
            .summary
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            said.push(format!("VERIS: {}", clean.text(s)));
        }
        let mut period = Period {
            start: anchor.start,
            after: anchor.after,
            fidelity: anchor.fidelity,
        };
        match coded.filter(|c| *c >= anchor.after) {
            Some(c) => {
                period.after = c;
                said.push(format!(
                    "VERIS gives the step no time: hotwash places it {}, from the incident's start \
                     to when the VERIS record was last changed.",
                    period.shown()
                ));
            }
            None => said.push(format!(
                "VERIS gives the step no time: hotwash places it at the incident's start ({}), \
                 the earliest it can be, for its order only.",
                period.at()
            )),
        }
        let title = match step
            .summary
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(s) => clean.line(s),
            None => format!("Step {}: {action} ({actor})", k + 1),
        };
        let mut e = new_event(
            events.len() + 1,
            period.at(),
            period.fidelity,
            title,
            said.join("\n\n"),
        );
        e.end = period.end();
        let actor_key = match step.actor.as_deref().map(str::trim) {
            Some("ext") => Some("external"),
            Some("int") => Some("internal"),
            Some("prt") => Some("partner"),
            _ => None,
        };
        e.actors = actor_key
            .filter(|a| actor_ids.iter().any(|id| id == a))
            .map(Id::from)
            .into_iter()
            .collect();
        e.sources = file_citations.clone();
        if let Some((category, _)) = CATEGORIES
            .iter()
            .find(|(_, code)| step.action.as_deref().map(str::trim) == Some(*code))
            && !step_of_category.iter().any(|(c, _)| c == category)
        {
            step_of_category.push((category, events.len()));
        }
        events.push(e);
    }

    // The phases with a time of their own.
    for (key, title, outcome) in phases {
        let Some(PhaseOutcome {
            period: Some(period),
            said,
        }) = outcome
        else {
            continue;
        };
        let mut text = vec![said];
        if key == "discovery" {
            if let Some(m) = &discovery_method {
                text.push(clean.text(&format!("Discovery method: {m}.")));
            }
            if let Some(n) = &discovery_notes {
                text.push(format!("Discovery notes: {n}"));
            }
        }
        let mut e = new_event(
            events.len() + 1,
            period.at(),
            period.fidelity,
            title.to_string(),
            text.join("\n\n"),
        );
        e.end = period.end();
        e.sources = file_citations.clone();
        events.push(e);
    }

    // Candidates go to the first event chain step of their category, else
    // to the incident's event.
    for (category, found) in category_candidates {
        let at = step_of_category
            .iter()
            .find(|(c, _)| *c == category)
            .map_or(0, |(_, i)| *i);
        let list = &mut events[at].candidates;
        for c in found {
            match list.iter_mut().find(|x| x.control == c.control) {
                Some(x) => {
                    for chain in c.chains {
                        if !x.chains.contains(&chain) {
                            x.chains.push(chain);
                        }
                    }
                }
                None => list.push(c),
            }
        }
        candidates::rank(list);
    }

    let mut claims = Vec::new();
    if status.eq_ignore_ascii_case("Suspected") {
        claims.push(Claim {
            id: Id::from("C1"),
            statement: "That this was a security incident: VERIS codes it as Suspected, not \
                        Confirmed."
                .into(),
            status: ClaimStatus::Uncorroborated,
            events: vec![Id::from("E1")],
            sources: all_citations.clone(),
            conflicts_with: Vec::new(),
            portion: level,
        });
    }

    if clean.replaced > 0 {
        narrative.push(format!(
            "hotwash replaced {} control character{} of the file's text with U+FFFD.",
            clean.replaced,
            if clean.replaced == 1 { "" } else { "s" }
        ));
    }
    events[0].narrative = narrative.join("\n\n");

    let victim_title = match (victim_name, countries.is_empty()) {
        (Some(n), _) => clean.line(n),
        (None, false) => format!("A victim in {}", countries.join(", ")),
        (None, true) => "An unnamed victim".to_string(),
    };
    let record = Record {
        schema: RECORD_SCHEMA,
        id: id.to_string(),
        title: format!("{victim_title}: {title_actions} ({})", anchor.at()),
        summary: match summary {
            Some(s) => clean.text(s),
            None => "VERIS gives no summary.".into(),
        },
        classification: settings.marking.classification,
        portion: None,
        tlp: settings.marking.tlp,
        actors,
        sources,
        controls: Vec::new(),
        events,
        claims,
        origin: Some(Origin {
            format: OriginFormat::Veris,
            file: file_name.to_string(),
            id: incident
                .incident_id
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| clean.line(s)),
            version: Some(clean.line(version)),
            confidence: incident
                .confidence
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| clean.line(s)),
        }),
    };
    record_too_large(&record, text, settings.max_field)?;
    Ok(record)
}

/// A text field over the loader's limit would make a record that does not
/// load: refuse it, at the field of the file it came from where there is one.
fn too_large(incident: &Incident, text: &str, most: usize) -> Result<(), Diagnostic> {
    let fields = [
        ("summary", &incident.summary),
        ("notes", &incident.notes),
        ("discovery_notes", &incident.discovery_notes),
        ("reference", &incident.reference),
    ];
    for (key, value) in fields {
        let len = value.as_ref().map_or(0, String::len);
        if len > most {
            return Err(located(
                crate::load::size::CODE,
                text,
                position_of(text, &[key]),
                format!(
                    "{}, so the record would not load",
                    crate::load::size::too_large(&format!("VERIS {key}"), len, most)
                ),
            )
            .with_help("raise the limit with --max-field-size if the text is genuine"));
        }
    }
    Ok(())
}

/// The same limit on the record made (a narrative gathers several VERIS texts).
fn record_too_large(record: &Record, text: &str, most: usize) -> Result<(), Diagnostic> {
    match crate::load::size::check_record(record, most)
        .into_iter()
        .next()
    {
        None => Ok(()),
        Some(p) => Err(located(
            crate::load::size::CODE,
            text,
            position_of(text, &["summary"]),
            format!("in the record it makes, {}", p.message),
        )
        .with_help("raise the limit with --max-field-size if the text is genuine")),
    }
}

/// VERIS `discovery_method` in words: `external (Law enforcement)`.
fn describe_discovery(value: &serde_json::Value) -> String {
    let Some(map) = value.as_object() else {
        return value.as_str().unwrap_or("").to_string();
    };
    let mut out = Vec::new();
    for (key, v) in map {
        match v {
            serde_json::Value::Bool(true) => out.push(key.clone()),
            serde_json::Value::Object(inner) => {
                let varieties: Vec<&str> = match inner.get("variety") {
                    Some(serde_json::Value::Array(a)) => {
                        a.iter().filter_map(|x| x.as_str()).collect()
                    }
                    Some(serde_json::Value::String(s)) => vec![s.as_str()],
                    _ => Vec::new(),
                };
                match varieties.is_empty() {
                    true => out.push(key.clone()),
                    false => out.push(format!("{key} ({})", varieties.join(", "))),
                }
            }
            _ => {}
        }
    }
    out.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_split_on_semicolons_and_commas_before_addresses() {
        assert_eq!(
            split_references("http://a.example/x;http://b.example/y"),
            ["http://a.example/x", "http://b.example/y"]
        );
        assert_eq!(
            split_references("https://a.example/1 ;https://b.example/2; http://c.example"),
            [
                "https://a.example/1",
                "https://b.example/2",
                "http://c.example"
            ]
        );
        assert_eq!(
            split_references("https://a.example/q?x=1,2,https://b.example"),
            ["https://a.example/q?x=1,2", "https://b.example"]
        );
        assert_eq!(
            split_references("case 2014-11, internal; ;"),
            ["case 2014-11, internal"]
        );
        assert!(split_references("").is_empty());
        assert_eq!(split_references("http://a;http://a"), ["http://a"]);
    }

    #[test]
    fn a_phase_is_known_no_finer_than_its_anchor_and_its_unit() {
        let month = period_of(&Date {
            year: Some(2017),
            month: Some(7),
            day: None,
            time: None,
        })
        .expect("a date");
        // Two days after some day in July 2017: July or August.
        let p = month.later(2.0, Unit::Days).expect("in range");
        assert_eq!(p.fidelity, Fidelity::Month);
        assert_eq!(p.at().to_string(), "2017-07");
        assert_eq!(p.end().map(|e| e.to_string()), Some("2017-08".into()));
        let day = period_of(&Date {
            year: Some(2015),
            month: Some(1),
            day: Some(22),
            time: None,
        })
        .expect("a date");
        let p = day.later(10.0, Unit::Hours).expect("in range");
        assert_eq!(
            (p.at().to_string(), p.fidelity),
            ("2015-01-22".into(), Fidelity::Day)
        );
        assert_eq!(p.end().map(|e| e.to_string()), Some("2015-01-23".into()));
        let p = day.later(3.0, Unit::Weeks).expect("in range");
        assert_eq!(p.fidelity, Fidelity::Month, "no week fidelity: a month");
        let p = day.later(1.0, Unit::Years).expect("in range");
        assert_eq!(p.at().to_string(), "2016");
        for bad in [-1.0, f64::NAN, f64::INFINITY, 1.0e300] {
            assert!(day.later(bad, Unit::Days).is_none(), "{bad}");
        }
        assert!(
            period_of(&Date {
                year: Some(9999),
                month: None,
                day: None,
                time: None
            })
            .expect("a year")
            .later(2.0, Unit::Years)
            .is_none()
        );
    }

    #[test]
    fn impossible_dates_are_refused_with_a_reason() {
        let date = |y, m, d| Date {
            year: y,
            month: m,
            day: d,
            time: None,
        };
        assert!(period_of(&date(Some(2019), Some(2), Some(30))).is_err());
        assert!(period_of(&date(Some(2019), Some(13), None)).is_err());
        assert!(period_of(&date(None, Some(1), None)).is_err());
        assert!(period_of(&date(Some(2019), None, Some(3))).is_err());
        assert!(period_of(&date(Some(-5), None, None)).is_err());
        assert!(period_of(&date(Some(2019), Some(1), Some(-1))).is_err());
        assert!(period_of(&date(Some(2020), Some(2), Some(29))).is_ok());
    }
}
