//! `S`: what the analyst is asked before signing the review off. The
//! question says what is not done (events not reviewed, events flagged,
//! findings without a recommendation), or that everything is, so nobody
//! signs 7 of 28 events off without seeing it.

use std::collections::{HashMap, HashSet};

use super::app::{Confirm, ConfirmAction};
use crate::model::{EventMark, Record, Review};
use crate::timeline::Timeline;

/// How many ids a list names before it says "and n more".
const NAMED: usize = 4;

/// What a review has not covered yet. Ids are in timeline (events) and
/// review (findings) order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    pub events: usize,
    pub unreviewed: Vec<String>,
    pub flagged: Vec<String>,
    pub findings: usize,
    pub unanswered: Vec<String>,
}

impl Coverage {
    /// One pass over the events, the marks, the findings and the
    /// recommendations: run once when `S` is pressed.
    pub fn of(record: &Record, timeline: &Timeline, review: &Review) -> Self {
        let marks: HashMap<&str, &EventMark> =
            review.marks.iter().map(|m| (m.event.as_str(), m)).collect();
        let mut unreviewed = Vec::new();
        let mut flagged = Vec::new();
        for pos in 0..timeline.len() {
            let Some(e) = timeline.event_at(pos).and_then(|i| record.events.get(i)) else {
                continue;
            };
            let mark = marks.get(e.id.as_str());
            if !mark.is_some_and(|m| m.reviewed) {
                unreviewed.push(e.id.to_string());
            }
            if mark.is_some_and(|m| m.flagged) {
                flagged.push(e.id.to_string());
            }
        }
        let answered: HashSet<&str> = review
            .recommendations
            .iter()
            .map(|r| r.finding.as_str())
            .collect();
        let unanswered = review
            .findings
            .iter()
            .filter(|f| !answered.contains(f.id.as_str()))
            .map(|f| f.id.clone())
            .collect();
        Coverage {
            events: timeline.len(),
            unreviewed,
            flagged,
            findings: review.findings.len(),
            unanswered,
        }
    }

    pub fn is_complete(&self) -> bool {
        self.unreviewed.is_empty() && self.flagged.is_empty() && self.unanswered.is_empty()
    }

    /// The lines of the confirmation that say what is not done, or that
    /// everything is.
    pub fn lines(&self) -> Vec<String> {
        let events = plural(self.events, "event", "events");
        if self.is_complete() {
            let findings = match self.findings {
                0 => "there are no findings".to_string(),
                1 => "the finding has a recommendation".to_string(),
                _ => "every finding has a recommendation".to_string(),
            };
            return vec![format!(
                "Everything is done: all {events} reviewed, none flagged, {findings}."
            )];
        }
        let mut lines = vec!["Not done yet:".to_string()];
        if !self.unreviewed.is_empty() {
            lines.push(format!(
                "  · {} of {events} not reviewed: {}",
                self.unreviewed.len(),
                named(&self.unreviewed)
            ));
        }
        if !self.flagged.is_empty() {
            lines.push(format!(
                "  · {} flagged: {}",
                plural(self.flagged.len(), "event", "events"),
                named(&self.flagged)
            ));
        }
        if !self.unanswered.is_empty() {
            let of = plural(self.findings, "finding", "findings");
            lines.push(format!(
                "  · {} of {of} without a recommendation: {}",
                self.unanswered.len(),
                named(&self.unanswered)
            ));
        }
        lines
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// "E02, E03, E05, E06 and 17 more".
fn named(ids: &[String]) -> String {
    let shown = ids[..ids.len().min(NAMED)].join(", ");
    match ids.len().saturating_sub(NAMED) {
        0 => shown,
        more => format!("{shown} and {more} more"),
    }
}

/// The confirmation `S` opens, one line per line break.
pub fn confirm(reviewer: &str, coverage: &Coverage) -> Confirm {
    let mut lines = vec![format!("Sign the review off as {reviewer}?")];
    lines.extend(coverage.lines());
    lines.push(
        "Signing seals the record and the review with a SHA-256 hash; any later change \
         makes the sign-off stale. y/n"
            .to_string(),
    );
    Confirm {
        question: lines.join("\n"),
        action: ConfirmAction::SignOff,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coverage(
        events: usize,
        unreviewed: &[&str],
        flagged: &[&str],
        unanswered: &[&str],
    ) -> Coverage {
        let ids = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
        Coverage {
            events,
            unreviewed: ids(unreviewed),
            flagged: ids(flagged),
            findings: 10,
            unanswered: ids(unanswered),
        }
    }

    #[test]
    fn says_what_is_not_done_naming_a_few_ids() {
        let unreviewed: Vec<String> = (2..=22).map(|n| format!("E{n:02}")).collect();
        let unreviewed: Vec<&str> = unreviewed.iter().map(String::as_str).collect();
        let c = coverage(28, &unreviewed, &["E01"], &["F04", "F07"]);
        assert_eq!(
            c.lines(),
            [
                "Not done yet:",
                "  · 21 of 28 events not reviewed: E02, E03, E04, E05 and 17 more",
                "  · 1 event flagged: E01",
                "  · 2 of 10 findings without a recommendation: F04, F07",
            ]
        );
    }

    #[test]
    fn says_so_when_everything_is_done() {
        let c = coverage(28, &[], &[], &[]);
        assert!(c.is_complete());
        assert_eq!(
            c.lines(),
            [
                "Everything is done: all 28 events reviewed, none flagged, every finding has a recommendation."
            ]
        );
    }
}
