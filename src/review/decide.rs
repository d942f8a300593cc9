//! The analyst's decisions on candidate controls, applied: the effective
//! record. A record's candidates are only proposals; a review's `Linked`
//! decision turns one into a control link with an effect at its event. The
//! judgement lives in the review (the record stays hand-editable and a
//! re-import must not lose it), so everything that shows or counts what
//! happened to controls (the workbench, reports, exports, stats) works on
//! the record with the review's decisions applied. The sign-off hash does
//! not: it seals the record as written plus the review, decisions included.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::model::{
    Basis, Candidate, Catalog, Catalogue, Chain, Control, ControlLink, Decision, Event, Record,
    Review, Verdict,
};

/// The record as the review's decisions make it: `record` itself when no
/// decision links a candidate, a changed copy otherwise.
pub fn effective<'r>(record: &'r Record, review: &Review) -> Cow<'r, Record> {
    if review
        .decisions
        .iter()
        .any(|d| matches!(d.verdict, Verdict::Linked(_)))
    {
        let mut changed = record.clone();
        apply(&mut changed, &review.decisions);
        Cow::Owned(changed)
    } else {
        Cow::Borrowed(record)
    }
}

/// Applies `decisions` to `record` in place: each `Linked` decision on a
/// candidate of its event becomes a control link there, and the control's
/// definition is taken from the bundled catalogue when the record has none.
/// A decision that names no candidate of its event, or a control the event
/// already links by hand, changes nothing (validation reports the first;
/// the record's own link wins over the second). Dismissals change nothing
/// here: they only stop a candidate awaiting a decision.
pub fn apply(record: &mut Record, decisions: &[Decision]) {
    let events = crate::model::index_by_id(&record.events, |e| e.id.as_str())
        .into_iter()
        .map(|(id, i)| (id.to_string(), i))
        .collect::<HashMap<String, usize>>();
    for d in decisions {
        let Verdict::Linked(effect) = d.verdict else {
            continue;
        };
        let Some(&i) = events.get(d.event.as_str()) else {
            continue;
        };
        let event = &mut record.events[i];
        let Some(candidate) = event.candidates.iter().find(|c| c.control == d.control) else {
            continue;
        };
        if event.controls.iter().any(|l| l.control == d.control) {
            continue;
        }
        let catalogue = candidate.catalogue;
        let note = link_note(d.note.as_deref(), candidate);
        event.controls.push(ControlLink {
            control: d.control.as_str().into(),
            effect,
            note: Some(note),
        });
        if record.control(&d.control).is_none() {
            record
                .controls
                .push(catalogue_control(catalogue, &d.control));
        }
    }
}

/// The note of a link made from a candidate: the analyst's note, then that
/// it was decided from a candidate and why the candidate was proposed.
fn link_note(note: Option<&str>, candidate: &Candidate) -> String {
    let reasons = candidate
        .chains
        .iter()
        .map(|c| chain_text(c, &candidate.control))
        .collect::<Vec<_>>()
        .join("; ");
    let from = format!("decided from a candidate: {reasons}");
    match note.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => format!("{n} ({from})"),
        None => from,
    }
}

/// One chain as people read it: "action.hacking.variety.Use of stolen
/// creds → T1078 → AC-2", and "(hotwash's judgement)" after a chain from
/// hotwash's own table.
pub fn chain_text(chain: &Chain, control: &str) -> String {
    let mut text = chain.action.clone();
    if let Some(t) = &chain.technique {
        text.push_str(" → ");
        text.push_str(t);
    }
    text.push_str(" → ");
    text.push_str(control);
    if chain.basis == Basis::Hotwash {
        text.push_str(" (hotwash's judgement)");
    }
    text
}

/// The definition of a control a record lacks, from the bundled catalogue.
/// What it expects in this incident is not written anywhere, so it says so
/// rather than inventing it.
fn catalogue_control(catalogue: Catalogue, id: &str) -> Control {
    let title = match catalogue {
        Catalogue::NistSp80053r5 => Catalog::nist()
            .get(id)
            .map(|e| e.title.to_string())
            .unwrap_or_else(|| format!("{id} (not in the bundled catalogue)")),
    };
    Control {
        catalogue,
        id: id.into(),
        title,
        expects: format!(
            "Not written in the record: added from the {} catalogue with the analyst's \
             decision on a candidate.",
            catalogue.name()
        ),
    }
}

/// The decision on `control` at `event`, if the analyst made one.
pub fn decision<'r>(review: &'r Review, event: &str, control: &str) -> Option<&'r Decision> {
    review
        .decisions
        .iter()
        .find(|d| d.event == event && d.control == control)
}

/// The candidates of `event` that await a decision.
pub fn awaiting(event: &Event, decisions: &[Decision]) -> usize {
    event
        .candidates
        .iter()
        .filter(|c| {
            !decisions
                .iter()
                .any(|d| d.event == event.id && d.control == c.control)
        })
        .count()
}

/// How many candidates of the whole record await a decision. Decisions are
/// grouped by event first: an imported record has a few hundred candidates
/// at most, but a review could carry many decisions.
pub fn awaiting_total(record: &Record, decisions: &[Decision]) -> usize {
    let mut by_event: HashMap<&str, Vec<&str>> = HashMap::new();
    for d in decisions {
        by_event
            .entry(d.event.as_str())
            .or_default()
            .push(d.control.as_str());
    }
    record
        .events
        .iter()
        .map(|e| {
            let decided = by_event.get(e.id.as_str());
            e.candidates
                .iter()
                .filter(|c| !decided.is_some_and(|d| d.contains(&c.control.as_str())))
                .count()
        })
        .sum()
}

/// Where a record came from and what is left to decide on it: what the
/// library shows per record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Provenance {
    /// `None`: written by hand.
    pub origin: Option<crate::model::OriginFormat>,
    /// Candidate controls without a decision.
    pub awaiting: usize,
}

impl Provenance {
    pub fn of(record: &Record, review: &Review) -> Self {
        Provenance::with(record, &review.decisions)
    }

    /// As [`Provenance::of`], given the review's decisions.
    pub fn with(record: &Record, decisions: &[Decision]) -> Self {
        Provenance {
            origin: record.origin.as_ref().map(|o| o.format),
            awaiting: awaiting_total(record, decisions),
        }
    }

    /// "VERIS", "STIX" or "hand-written".
    pub fn origin_name(&self) -> &'static str {
        self.origin.map_or("hand-written", |f| f.name())
    }
}

/// An event's candidates, most reasons first (then by control id, so the
/// order is stable): the order the workbench offers them in.
pub fn ranked(event: &Event) -> Vec<&Candidate> {
    let mut list: Vec<&Candidate> = event.candidates.iter().collect();
    list.sort_by(|a, b| {
        b.chains
            .len()
            .cmp(&a.chains.len())
            .then_with(|| a.control.cmp(&b.control))
    });
    list
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Effect;

    fn chain(action: &str, technique: Option<&str>, basis: Basis) -> Chain {
        Chain {
            action: action.into(),
            technique: technique.map(Into::into),
            basis,
        }
    }

    fn record() -> Record {
        let path = std::path::Path::new("tests/fixtures/candidates/candidates.ron");
        let text = include_str!("../../tests/fixtures/candidates/candidates.ron");
        let loaded = crate::load::record_from_text(path, text.into());
        assert!(
            loaded.report.diagnostics.is_empty(),
            "{:?}",
            loaded.report.diagnostics
        );
        loaded.value.expect("the fixture loads")
    }

    fn decided(event: &str, control: &str, verdict: Verdict, note: Option<&str>) -> Decision {
        Decision {
            event: event.into(),
            control: control.into(),
            verdict,
            note: note.map(Into::into),
        }
    }

    #[test]
    fn a_linked_decision_becomes_a_link_with_its_reason_and_the_catalogue_definition() {
        let record = record();
        assert!(record.control("AC-2").is_none(), "the fixture lacks AC-2");
        let mut review = Review::new(record.id.clone());
        review.decisions.push(decided(
            "E02",
            "AC-2",
            Verdict::Linked(Effect::Failed),
            Some("the account was never disabled"),
        ));
        let eff = effective(&record, &review);
        let e = eff.event("E02").expect("E02");
        let link = e
            .controls
            .iter()
            .find(|l| l.control == "AC-2")
            .expect("linked");
        assert_eq!(link.effect, Effect::Failed);
        let note = link.note.as_deref().unwrap_or_default();
        assert!(note.starts_with("the account was never disabled (decided from a candidate: "));
        assert!(note.contains("action.hacking.variety.Use of stolen creds → T1078 → AC-2"));
        let control = eff.control("AC-2").expect("defined from the catalogue");
        assert_eq!(control.title, "Account Management");
        assert!(e.has_failure());
        // The record as written is untouched.
        assert!(record.event("E02").is_some_and(|e| e.controls.is_empty()));
    }

    #[test]
    fn dismissals_and_stray_decisions_change_nothing() {
        let record = record();
        let mut review = Review::new(record.id.clone());
        review
            .decisions
            .push(decided("E02", "AC-2", Verdict::Dismissed, None));
        review.decisions.push(decided(
            "E02",
            "SC-7",
            Verdict::Linked(Effect::Failed),
            None,
        ));
        review.decisions.push(decided(
            "E99",
            "AC-2",
            Verdict::Linked(Effect::Failed),
            None,
        ));
        assert_eq!(*effective(&record, &review), record);
        let mut only_dismissed = review.clone();
        only_dismissed.decisions.truncate(1);
        assert!(matches!(
            effective(&record, &only_dismissed),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn an_existing_definition_and_a_hand_written_link_win() {
        let record = record();
        let mut review = Review::new(record.id.clone());
        // E03 links AU-6 by hand and has it as a candidate too.
        review.decisions.push(decided(
            "E03",
            "AU-6",
            Verdict::Linked(Effect::Failed),
            None,
        ));
        let eff = effective(&record, &review);
        assert_eq!(eff.controls, record.controls);
        assert_eq!(
            eff.event("E03").map(|e| e.controls.clone()),
            record.event("E03").map(|e| e.controls.clone())
        );
    }

    #[test]
    fn ranks_by_reasons_and_counts_what_awaits() {
        let record = record();
        let e = record.event("E02").expect("E02");
        let order: Vec<&str> = ranked(e).iter().map(|c| c.control.as_str()).collect();
        assert_eq!(order, ["AC-2", "IA-2", "AC-7"]);
        let mut review = Review::new(record.id.clone());
        let all = awaiting_total(&record, &review.decisions);
        assert_eq!(all, 5);
        review
            .decisions
            .push(decided("E02", "AC-7", Verdict::Dismissed, None));
        assert_eq!(awaiting(e, &review.decisions), 2);
        let p = Provenance::of(&record, &review);
        assert_eq!(p.awaiting, 4);
        assert_eq!(p.origin_name(), "VERIS");
    }

    #[test]
    fn chains_read_as_people_read_them() {
        assert_eq!(
            chain_text(
                &chain(
                    "action.hacking.variety.Use of stolen creds",
                    Some("T1078"),
                    Basis::Ctid
                ),
                "AC-2"
            ),
            "action.hacking.variety.Use of stolen creds → T1078 → AC-2"
        );
        assert_eq!(
            chain_text(
                &chain(
                    "action.misuse.variety.Privilege abuse",
                    None,
                    Basis::Hotwash
                ),
                "AC-6"
            ),
            "action.misuse.variety.Privilege abuse → AC-6 (hotwash's judgement)"
        );
    }
}
