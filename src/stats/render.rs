//! `hotwash stats` output: the cross-incident table as Markdown (to read and
//! paste), JSON (versioned, docs/STATS-JSON.md) and CSV (one row per control
//! and incident, for spreadsheets; or one row per incident for the lag).

use serde::Serialize;

use super::{EffectFilter, Incident, Lag, Row, STATS_FORMAT, Table, Tally};
use crate::export::markdown::{cell, wrap};
use crate::model::Effect;

/// A record of the folder that could not be counted, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unreadable {
    pub file: String,
    pub error: String,
}

/// What a rendering shows: the table's rows for a family and effect filter.
pub struct Shown<'a> {
    pub table: &'a Table,
    pub rows: Vec<usize>,
    pub family: Option<&'a str>,
    pub filter: EffectFilter,
    pub unreadable: &'a [Unreadable],
}

impl<'a> Shown<'a> {
    pub fn new(
        table: &'a Table,
        family: Option<&'a str>,
        filter: EffectFilter,
        unreadable: &'a [Unreadable],
    ) -> Self {
        Shown {
            rows: table.view(family, filter),
            table,
            family,
            filter,
            unreadable,
        }
    }
}

/// "failed 2, absent 1": the effects `filter` counts, with their numbers.
pub fn effects_words(tally: &Tally, filter: EffectFilter) -> String {
    Effect::ALL
        .into_iter()
        .filter(|e| filter.matches(*e))
        .filter(|e| tally.counts.of(*e) > 0)
        .map(|e| format!("{} {}", e.name(), tally.counts.of(e)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn what_counts(filter: EffectFilter) -> String {
    match filter {
        EffectFilter::Failures => {
            "failed, not followed, bypassed or absent (every effect but held)".to_string()
        }
        EffectFilter::Only(e) => e.name().to_string(),
    }
}

/// Writes `text` (already escaped Markdown) as a wrapped paragraph or list
/// item: lines stay within markdownlint's 80 columns.
fn para(out: &mut String, first: &str, rest: &str, text: &str) {
    wrap(out, first, rest, text.split(' ').filter(|w| !w.is_empty()));
}

pub fn markdown(s: &Shown) -> String {
    let t = s.table;
    let (banner, tlp) = t.marking();
    let mut out = String::new();
    let n = t.incidents.len();
    // The title first (a Markdown document starts with its heading), the
    // banner right under it and again at the end. Lists, not tables: a
    // list item wraps within 80 columns and reads on a narrow page.
    let marking = format!("**{}** · {}", cell(&banner), tlp.label());
    out.push_str("# Controls across incidents\n\n");
    out.push_str(&marking);
    out.push_str("\n\n");
    para(
        &mut out,
        "",
        "",
        &format!(
            "{} {}, {} {} shown{}. A control counts in an incident when an event there \
             gave it an effect of: {}. Sorted by the number of incidents, then of events.",
            n,
            if n == 1 { "incident" } else { "incidents" },
            s.rows.len(),
            if s.rows.len() == 1 {
                "control"
            } else {
                "controls"
            },
            s.family
                .map(|f| format!(" (family {})", cell(f)))
                .unwrap_or_default(),
            what_counts(s.filter),
        ),
    );
    out.push_str("\n## Controls\n\n");
    if s.rows.is_empty() {
        out.push_str("No control matches.\n");
    }
    for &r in &s.rows {
        let row = &t.rows[r];
        let by: Vec<String> = row
            .cells
            .iter()
            .filter(|c| c.tally.counts.matching(s.filter) > 0)
            .map(|c| {
                let first = c
                    .tally
                    .first_matching(s.filter)
                    .map(|f| format!(" (from {})", cell(&f.id)))
                    .unwrap_or_default();
                format!(
                    "{}: {}{first}",
                    cell(&t.incidents[c.incident].id),
                    effects_words(&c.tally, s.filter)
                )
            })
            .collect();
        para(
            &mut out,
            "- ",
            "  ",
            &format!(
                "**{}** {}: in {} of {n}. {}.",
                cell(&row.id),
                cell(&row.title),
                row.incidents_with(s.filter),
                by.join("; ")
            ),
        );
    }
    out.push_str("\n## Detection lag\n\n");
    para(
        &mut out,
        "",
        "",
        "From the first event with a control failure to the earliest time a failing \
         event became known to the own side (its `known` time).",
    );
    out.push('\n');
    for i in &t.incidents {
        let lag = match &i.lag {
            Some(l) => format!(
                "{}, from {} ({}) to {} known {}",
                l.words(),
                cell(&l.first_failure),
                l.failed_at,
                cell(&l.known_by),
                l.known_at
            ),
            None => lag_missing(i).to_string(),
        };
        para(
            &mut out,
            "- ",
            "  ",
            &format!("**{}** {}: {lag}.", cell(&i.id), cell(&i.title)),
        );
    }
    if !s.unreadable.is_empty() {
        out.push_str("\n## Not counted\n\n");
        para(
            &mut out,
            "",
            "",
            "These files could not be read as records; `hotwash validate` says why.",
        );
        out.push('\n');
        for u in s.unreadable {
            para(
                &mut out,
                "- ",
                "  ",
                &format!("{}: {}", cell(&u.file), cell(&u.error)),
            );
        }
    }
    out.push('\n');
    out.push_str(&marking);
    out.push('\n');
    out
}

/// Why an incident shows no lag.
pub fn lag_missing(i: &Incident) -> &'static str {
    if i.has_failure {
        "not recorded"
    } else {
        "no failure"
    }
}

#[derive(Serialize)]
struct JsonStats<'a> {
    format: &'static str,
    banner: String,
    tlp: String,
    family: Option<&'a str>,
    effect: &'static str,
    incidents: Vec<JsonIncident<'a>>,
    controls: Vec<JsonControl<'a>>,
    unreadable: &'a [Unreadable],
}

#[derive(Serialize)]
struct JsonIncident<'a> {
    id: &'a str,
    title: &'a str,
    classification: &'static str,
    tlp: String,
    events: usize,
    has_failure: bool,
    lag: Option<JsonLag<'a>>,
}

#[derive(Serialize)]
struct JsonLag<'a> {
    first_failure: &'a str,
    failed_at: String,
    known_by: &'a str,
    known_at: String,
    min_days: i64,
    max_days: i64,
}

#[derive(Serialize)]
struct JsonControl<'a> {
    catalogue: &'static str,
    id: &'a str,
    title: &'a str,
    family: &'a str,
    incidents: usize,
    events: u32,
    cells: Vec<JsonCell<'a>>,
}

#[derive(Serialize)]
struct JsonCell<'a> {
    incident: &'a str,
    failed: u32,
    not_followed: u32,
    bypassed: u32,
    absent: u32,
    held: u32,
    first_event: Option<&'a str>,
}

fn effect_key(filter: EffectFilter) -> &'static str {
    match filter {
        EffectFilter::Failures => "any-failure",
        EffectFilter::Only(Effect::Failed) => "failed",
        EffectFilter::Only(Effect::NotFollowed) => "not-followed",
        EffectFilter::Only(Effect::Bypassed) => "bypassed",
        EffectFilter::Only(Effect::Absent) => "absent",
        EffectFilter::Only(Effect::Held) => "held",
    }
}

fn json_lag(l: &Lag) -> JsonLag<'_> {
    JsonLag {
        first_failure: &l.first_failure,
        failed_at: l.failed_at.to_string(),
        known_by: &l.known_by,
        known_at: l.known_at.to_string(),
        min_days: l.min_days,
        max_days: l.max_days,
    }
}

fn json_control<'a>(t: &'a Table, row: &'a Row, filter: EffectFilter) -> JsonControl<'a> {
    JsonControl {
        catalogue: row.catalogue.name(),
        id: &row.id,
        title: &row.title,
        family: &row.family,
        incidents: row.incidents_with(filter),
        events: row.events_with(filter),
        cells: row
            .cells
            .iter()
            .filter(|c| c.tally.counts.matching(filter) > 0)
            .map(|c| {
                let n = |e| c.tally.counts.of(e);
                JsonCell {
                    incident: &t.incidents[c.incident].id,
                    failed: n(Effect::Failed),
                    not_followed: n(Effect::NotFollowed),
                    bypassed: n(Effect::Bypassed),
                    absent: n(Effect::Absent),
                    held: n(Effect::Held),
                    first_event: c.tally.first_matching(filter).map(|f| f.id.as_str()),
                }
            })
            .collect(),
    }
}

pub fn json(s: &Shown) -> String {
    let t = s.table;
    let (banner, tlp) = t.marking();
    let stats = JsonStats {
        format: STATS_FORMAT,
        banner,
        tlp: tlp.label(),
        family: s.family,
        effect: effect_key(s.filter),
        incidents: t
            .incidents
            .iter()
            .map(|i| JsonIncident {
                id: &i.id,
                title: &i.title,
                classification: i.classification.banner(),
                tlp: i.tlp.label(),
                events: i.events,
                has_failure: i.has_failure,
                lag: i.lag.as_ref().map(json_lag),
            })
            .collect(),
        controls: s
            .rows
            .iter()
            .map(|&r| json_control(t, &t.rows[r], s.filter))
            .collect(),
        unreadable: s.unreadable,
    };
    // Serialising plain structs of strings and numbers cannot fail.
    let mut out = serde_json::to_string_pretty(&stats).unwrap_or_default();
    out.push('\n');
    out
}

/// Which table a CSV holds: CSV has room for one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum CsvTable {
    /// One row per control and incident in which an event gave it an effect.
    #[default]
    Controls,
    /// One row per incident: its detection lag.
    Lag,
}

/// Record text for a spreadsheet cell. A cell starting with `=`, `+`, `-`,
/// `@`, a tab or a carriage return is read as a formula by spreadsheet
/// programs (OWASP "CSV injection"): such text gets a leading `'`.
pub fn csv_text(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}").into()
    } else {
        text.into()
    }
}

fn put<const N: usize>(
    w: &mut csv::Writer<Vec<u8>>,
    fields: [std::borrow::Cow<'_, str>; N],
) -> Result<(), csv::Error> {
    w.write_record(fields.iter().map(|f| f.as_bytes()))
}

pub fn csv(s: &Shown, which: CsvTable) -> Result<String, csv::Error> {
    let t = s.table;
    let mut w = csv::Writer::from_writer(Vec::new());
    match which {
        CsvTable::Controls => {
            w.write_record([
                "catalogue",
                "control",
                "title",
                "family",
                "incident",
                "failed",
                "not_followed",
                "bypassed",
                "absent",
                "held",
                "first_event",
            ])?;
            for &r in &s.rows {
                let row = &t.rows[r];
                for c in &row.cells {
                    if c.tally.counts.matching(s.filter) == 0 {
                        continue;
                    }
                    let n = |e| std::borrow::Cow::Owned(c.tally.counts.of(e).to_string());
                    put(
                        &mut w,
                        [
                            row.catalogue.name().into(),
                            csv_text(&row.id),
                            csv_text(&row.title),
                            csv_text(&row.family),
                            csv_text(&t.incidents[c.incident].id),
                            n(Effect::Failed),
                            n(Effect::NotFollowed),
                            n(Effect::Bypassed),
                            n(Effect::Absent),
                            n(Effect::Held),
                            csv_text(
                                c.tally
                                    .first_matching(s.filter)
                                    .map_or("", |f| f.id.as_str()),
                            ),
                        ],
                    )?;
                }
            }
        }
        CsvTable::Lag => {
            w.write_record([
                "incident",
                "title",
                "first_failure",
                "failed_at",
                "known_by",
                "known_at",
                "min_days",
                "max_days",
                "note",
            ])?;
            for i in &t.incidents {
                match &i.lag {
                    Some(l) => put(
                        &mut w,
                        [
                            csv_text(&i.id),
                            csv_text(&i.title),
                            csv_text(&l.first_failure),
                            l.failed_at.to_string().into(),
                            csv_text(&l.known_by),
                            l.known_at.to_string().into(),
                            l.min_days.to_string().into(),
                            l.max_days.to_string().into(),
                            "".into(),
                        ],
                    )?,
                    None => put(
                        &mut w,
                        [
                            csv_text(&i.id),
                            csv_text(&i.title),
                            "".into(),
                            "".into(),
                            "".into(),
                            "".into(),
                            "".into(),
                            "".into(),
                            lag_missing(i).into(),
                        ],
                    )?,
                }
            }
        }
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    // Every field written was a Rust string, so the bytes are UTF-8.
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
