//! Controls across incidents: which controls failed in which records, how
//! often and from which event, and how long each incident took from its
//! first failure to when it became known (its detection lag).
//!
//! Built from one small [`Summary`] per record, so that a library of
//! thousands of records is tallied without holding their events: a record
//! is summarised as it is loaded and can then be dropped.

pub mod render;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::time::Fidelity;
use crate::model::{Catalogue, Classification, Effect, Id, Level, Record, Scheme, Timestamp, Tlp};

/// The stats JSON format name and version (docs/STATS-JSON.md).
pub const STATS_FORMAT: &str = "hotwash-stats/1";

/// How many events gave a control each effect, indexed as [`Effect::ALL`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts(pub [u32; 5]);

impl Counts {
    pub fn of(&self, effect: Effect) -> u32 {
        self.0[effect.index()]
    }

    /// Events at which the control failed, was not followed, was bypassed
    /// or was absent: every effect but held.
    pub fn failures(&self) -> u32 {
        Effect::ALL
            .into_iter()
            .filter(|e| e.is_failure())
            .map(|e| self.of(e))
            .sum()
    }

    /// How many events match `filter`.
    pub fn matching(&self, filter: EffectFilter) -> u32 {
        match filter {
            EffectFilter::Failures => self.failures(),
            EffectFilter::Only(effect) => self.of(effect),
        }
    }
}

/// Which effects a view counts: every failure, or one effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EffectFilter {
    #[default]
    Failures,
    Only(Effect),
}

impl EffectFilter {
    /// The filters in the order a key cycles through them.
    pub const ALL: [EffectFilter; 6] = [
        EffectFilter::Failures,
        EffectFilter::Only(Effect::Failed),
        EffectFilter::Only(Effect::NotFollowed),
        EffectFilter::Only(Effect::Bypassed),
        EffectFilter::Only(Effect::Absent),
        EffectFilter::Only(Effect::Held),
    ];

    pub fn name(self) -> &'static str {
        match self {
            EffectFilter::Failures => "any failure",
            EffectFilter::Only(e) => e.name(),
        }
    }

    pub fn matches(self, effect: Effect) -> bool {
        match self {
            EffectFilter::Failures => effect.is_failure(),
            EffectFilter::Only(e) => e == effect,
        }
    }

    pub fn next(self) -> Self {
        let i = Self::ALL.iter().position(|f| *f == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }
}

/// The first event (in the record's order) that gave a control an effect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirstEvent {
    /// The event's index in the record.
    pub index: u32,
    pub id: Id,
}

/// One control of one record: how its events treated it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    pub catalogue: Catalogue,
    pub id: Id,
    pub title: String,
    pub counts: Counts,
    /// The first event with each effect, indexed as [`Effect::ALL`].
    pub first: [Option<FirstEvent>; 5],
}

impl Tally {
    /// The first event whose effect matches `filter`.
    pub fn first_matching(&self, filter: EffectFilter) -> Option<&FirstEvent> {
        Effect::ALL
            .into_iter()
            .filter(|e| filter.matches(*e))
            .filter_map(|e| self.first[e.index()].as_ref())
            .min_by_key(|f| f.index)
    }
}

/// The time from an incident's first control failure to when it became
/// known to the own side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lag {
    /// The first event with a failure, in the record's order.
    pub first_failure: String,
    pub failed_at: Timestamp,
    /// The earliest `known` time among the failing events from that one on.
    pub known_by: String,
    pub known_at: Timestamp,
    /// Whole days, as few and as many as the two times' fidelity allows
    /// (equal when both are known to the day or finer).
    pub min_days: i64,
    pub max_days: i64,
}

impl Lag {
    /// The lag in words: `11 days`, `30–89 days`.
    pub fn words(&self) -> String {
        let unit = |n: i64| if n == 1 { "day" } else { "days" };
        if self.min_days == self.max_days {
            format!("{} {}", self.min_days, unit(self.min_days))
        } else {
            format!("{}–{} days", self.min_days, self.max_days)
        }
    }

    /// The middle of the range, for drawing.
    pub fn mid_days(&self) -> i64 {
        (self.min_days + self.max_days) / 2
    }
}

/// What the cross-incident view and `hotwash stats` need of one record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub id: String,
    pub title: String,
    pub classification: Classification,
    pub tlp: Tlp,
    pub events: usize,
    /// The record's controls in its order, each with its tally.
    pub controls: Vec<Tally>,
    /// `None` when no event fails a control, or no failing event records
    /// when it became known.
    pub lag: Option<Lag>,
    /// Whether any event fails a control (the lag may still be unknown).
    pub has_failure: bool,
}

impl Summary {
    pub fn of(record: &Record) -> Summary {
        let index: HashMap<&str, usize> = record
            .controls
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.as_str(), i))
            .collect();
        let mut controls: Vec<Tally> = record
            .controls
            .iter()
            .map(|c| Tally {
                catalogue: c.catalogue,
                id: c.id.clone(),
                title: c.title.clone(),
                counts: Counts::default(),
                first: Default::default(),
            })
            .collect();
        let mut first_failure: Option<usize> = None;
        for (e, event) in record.events.iter().enumerate() {
            for link in &event.controls {
                // A link to an undeclared control is a validation error;
                // a summary only counts what it can name.
                let Some(&c) = index.get(link.control.as_str()) else {
                    continue;
                };
                let tally = &mut controls[c];
                tally.counts.0[link.effect.index()] += 1;
                let first = &mut tally.first[link.effect.index()];
                if first.is_none() {
                    *first = Some(FirstEvent {
                        index: u32::try_from(e).unwrap_or(u32::MAX),
                        id: event.id.clone(),
                    });
                }
                if link.effect.is_failure() && first_failure.is_none() {
                    first_failure = Some(e);
                }
            }
        }
        let lag = lag(record.events.iter().map(|e| LagEvent {
            id: &e.id,
            at: &e.at,
            fidelity: e.fidelity,
            known: e.known.as_ref(),
            failing: e.has_failure(),
        }));
        Summary {
            id: record.id.clone(),
            title: record.title.clone(),
            classification: record.classification,
            tlp: record.tlp,
            events: record.events.len(),
            controls,
            lag,
            has_failure: first_failure.is_some(),
        }
    }
}

/// One event as the lag needs it: the record's or a report's.
pub struct LagEvent<'a> {
    pub id: &'a str,
    pub at: &'a Timestamp,
    pub fidelity: Fidelity,
    pub known: Option<&'a Timestamp>,
    /// Whether it gives any control a failure.
    pub failing: bool,
}

/// The detection lag of `events`, in the record's order: from the first
/// failing event to the earliest `known` time of a failing event from that
/// one on. `None` without a failure, or when no failing event says when it
/// became known. The one definition, for `hotwash stats`, the view across
/// incidents and the report's timeline figure.
pub fn lag<'a>(events: impl IntoIterator<Item = LagEvent<'a>>) -> Option<Lag> {
    let mut failing = events.into_iter().filter(|e| e.failing);
    let first = failing.next()?;
    let (known_by, known_at) = std::iter::once(&first)
        .filter_map(|e| e.known.map(|k| (e.id, *k)))
        .chain(failing.filter_map(|e| e.known.map(|k| (e.id, *k))))
        .min_by_key(|(_, k)| k.earliest())?;
    // An event is no more precise than its fidelity says.
    let failed_at = coarsened(first.at, first.fidelity);
    let (min_days, max_days) = days_between(&failed_at, &known_at);
    Some(Lag {
        first_failure: first.id.to_string(),
        failed_at,
        known_by: known_by.to_string(),
        known_at,
        min_days,
        max_days,
    })
}

pub(crate) fn coarsened(t: &Timestamp, fidelity: Fidelity) -> Timestamp {
    Timestamp::new(t.local(), t.offset(), fidelity.min(t.precision()))
}

/// Whole days from `from` to `to`: the calendar days between their dates
/// when both are known to the day or finer, else the fewest and most days
/// their periods allow.
fn days_between(from: &Timestamp, to: &Timestamp) -> (i64, i64) {
    let day_or_finer = |t: &Timestamp| t.precision() >= Fidelity::Day;
    if day_or_finer(from) && day_or_finer(to) {
        let n = (to.local().date() - from.local().date()).num_days().max(0);
        return (n, n);
    }
    let days = |a: DateTime<Utc>, b: DateTime<Utc>| (b - a).num_seconds().div_euclid(86_400);
    let min = days(from.after_end(), to.earliest()).max(0);
    // The last instant of `to` less the first of `from`, rounded up.
    let max_secs = (to.after_end() - from.earliest()).num_seconds();
    let max = ((max_secs + 86_399).div_euclid(86_400) - 1).max(min);
    (min, max)
}

/// One incident, a column of the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    pub id: String,
    pub title: String,
    pub classification: Classification,
    pub tlp: Tlp,
    pub events: usize,
    pub lag: Option<Lag>,
    pub has_failure: bool,
}

/// One control across incidents: a row of the table. Its cells are sparse,
/// sorted by incident: a control appears in few of a large library's records.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub catalogue: Catalogue,
    pub id: Id,
    /// The title in the first record that names the control.
    pub title: String,
    /// The family: the id up to its first `-` (`AC` of `AC-17(2)`).
    pub family: String,
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// The incident's column.
    pub incident: usize,
    pub tally: Tally,
}

impl Row {
    /// The cell of incident `incident`, if the control is in it.
    pub fn cell(&self, incident: usize) -> Option<&Cell> {
        self.cells
            .binary_search_by_key(&incident, |c| c.incident)
            .ok()
            .map(|i| &self.cells[i])
    }

    /// In how many incidents an event gave the control an effect `filter` counts.
    pub fn incidents_with(&self, filter: EffectFilter) -> usize {
        self.cells
            .iter()
            .filter(|c| c.tally.counts.matching(filter) > 0)
            .count()
    }

    /// How many events across incidents gave it an effect `filter` counts.
    pub fn events_with(&self, filter: EffectFilter) -> u32 {
        self.cells
            .iter()
            .map(|c| c.tally.counts.matching(filter))
            .sum()
    }
}

/// The controls of every incident, across them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub incidents: Vec<Incident>,
    pub rows: Vec<Row>,
}

impl Table {
    /// The table of `summaries`, in their order as columns.
    pub fn new(summaries: impl IntoIterator<Item = Summary>) -> Table {
        let mut table = Table::default();
        let mut rows: HashMap<(Catalogue, Id), usize> = HashMap::new();
        for s in summaries {
            table.add(s, &mut rows);
        }
        table
    }

    fn add(&mut self, s: Summary, rows: &mut HashMap<(Catalogue, Id), usize>) {
        let incident = self.incidents.len();
        self.incidents.push(Incident {
            id: s.id,
            title: s.title,
            classification: s.classification,
            tlp: s.tlp,
            events: s.events,
            lag: s.lag,
            has_failure: s.has_failure,
        });
        for tally in s.controls {
            let key = (tally.catalogue, tally.id.clone());
            let row = *rows.entry(key).or_insert_with(|| {
                self.rows.push(Row {
                    catalogue: tally.catalogue,
                    family: family(&tally.id),
                    id: tally.id.clone(),
                    title: tally.title.clone(),
                    cells: Vec::new(),
                });
                self.rows.len() - 1
            });
            // Incidents are added in column order, so cells stay sorted. A
            // record declares a control once (validate checks it); a second
            // declaration adds to the same cell rather than hide one.
            let cells = &mut self.rows[row].cells;
            match cells.last_mut() {
                Some(last) if last.incident == incident => {
                    for (a, b) in last.tally.counts.0.iter_mut().zip(tally.counts.0) {
                        *a += b;
                    }
                }
                _ => cells.push(Cell { incident, tally }),
            }
        }
    }

    /// The families of the table's controls, sorted.
    pub fn families(&self) -> Vec<String> {
        let mut f: Vec<String> = self.rows.iter().map(|r| r.family.clone()).collect();
        f.sort();
        f.dedup();
        f
    }

    /// The rows shown for `family` (all when `None`) and `filter`: those
    /// with at least one matching event, most incidents first, then most
    /// events, then by id.
    pub fn view(&self, family: Option<&str>, filter: EffectFilter) -> Vec<usize> {
        let mut shown: Vec<(usize, usize, u32)> = self
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| family.is_none_or(|f| r.family == f))
            .map(|(i, r)| (i, r.incidents_with(filter), r.events_with(filter)))
            .filter(|&(_, n, _)| n > 0)
            .collect();
        shown.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then(b.2.cmp(&a.2))
                .then_with(|| self.rows[a.0].id.cmp(&self.rows[b.0].id))
        });
        shown.into_iter().map(|(i, _, _)| i).collect()
    }

    /// The banner over the whole table: the highest classification of its
    /// incidents, per scheme (records of different schemes can meet in one
    /// library), and the most restrictive TLP.
    pub fn marking(&self) -> (String, Tlp) {
        let mut highest: Vec<(Scheme, Level)> = Vec::new();
        for i in &self.incidents {
            let c = i.classification;
            match highest.iter_mut().find(|(s, _)| *s == c.scheme) {
                Some((_, level)) => *level = (*level).max(c.level),
                None => highest.push((c.scheme, c.level)),
            }
        }
        highest.sort_by_key(|(s, _)| Scheme::ALL.iter().position(|x| x == s));
        let banner = highest
            .iter()
            .map(|&(scheme, level)| Classification { scheme, level }.banner())
            .collect::<Vec<_>>()
            .join(" · ");
        let tlp = self
            .incidents
            .iter()
            .map(|i| i.tlp)
            .max()
            .unwrap_or(Tlp::Clear);
        (banner, tlp)
    }
}

/// The family of a control id: `AC` of `AC-17(2)`.
pub fn family(id: &str) -> String {
    id.split('-').next().unwrap_or(id).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().expect("a timestamp")
    }

    #[test]
    fn days_between_dates_count_calendar_days() {
        // 19 February to 1 March 2024 (a leap year): 11 days, whatever the hour.
        assert_eq!(
            days_between(&ts("2024-02-19T23+08:00"), &ts("2024-03-01")),
            (11, 11)
        );
        assert_eq!(days_between(&ts("2024-03-01"), &ts("2024-03-01")), (0, 0));
    }

    #[test]
    fn a_month_gives_a_range_of_days() {
        // Some day in November 2017 to 27 January 2018.
        let (min, max) = days_between(&ts("2017-11"), &ts("2018-01-27"));
        assert_eq!((min, max), (57, 87));
    }

    #[test]
    fn the_family_is_the_id_before_its_dash() {
        assert_eq!(family("AC-17(2)"), "AC");
        assert_eq!(family("SC-8"), "SC");
        assert_eq!(family("odd"), "odd");
    }
}
