//! The incident as a sequence: events in time order, and what had happened
//! to each control as of any event. Built once per record so that stepping
//! and drawing cost does not grow with the record.

use crate::model::{Effect, Record};

/// What a control had been through as of one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ControlState {
    /// No event up to this one touches the control.
    NotYetInvolved,
    /// Earlier events engaged it and it held every time.
    Held,
    /// It failed (or was not followed, bypassed, absent) at `failures`
    /// earlier events; `last` is the latest such effect.
    FailedEarlier { last: Effect, failures: usize },
    /// This event engages it, with this effect; `earlier_failures` counts
    /// the failures before it.
    Now {
        effect: Effect,
        earlier_failures: usize,
    },
}

/// "14 of 20 controls failed": how many of the record's controls failed at
/// one event or more, where failed means any effect but held (failed, not
/// followed, bypassed or absent). The one wording of that number, wherever
/// it is shown (library, plain summary); it counts controls, not links or
/// events.
pub fn failed_controls_phrase(failed: usize, total: usize) -> String {
    let noun = if total == 1 { "control" } else { "controls" };
    format!("{failed} of {total} {noun} failed")
}

#[derive(Debug, Clone, Default)]
struct ControlHistory {
    /// Timeline positions that engage the control, ascending, with the effect.
    touches: Vec<(usize, Effect)>,
    /// Timeline positions where it failed, ascending, with the effect.
    failures: Vec<(usize, Effect)>,
}

#[derive(Debug, Clone)]
pub struct Timeline {
    /// Event indices in timeline order: the record's order.
    order: Vec<usize>,
    /// Timeline position of each event index.
    position: Vec<usize>,
    histories: Vec<ControlHistory>,
}

impl Timeline {
    /// The events' indices in timeline order, without the rest of a
    /// timeline (a report needs only the order). The record's order is the
    /// timeline's: times of different fidelity (a day, a minute) do not
    /// order themselves, the author does, and `validate` warns where the
    /// order contradicts times that do not overlap (docs/FORMAT.md, "Order
    /// of events").
    pub fn order_of(record: &Record) -> std::ops::Range<usize> {
        0..record.events.len()
    }

    pub fn new(record: &Record) -> Self {
        let order: Vec<usize> = Self::order_of(record).collect();
        let mut position = vec![0; order.len()];
        for (pos, &i) in order.iter().enumerate() {
            position[i] = pos;
        }
        let control_index = crate::model::index_by_id(&record.controls, |c| c.id.as_str());
        let mut histories = vec![ControlHistory::default(); record.controls.len()];
        for (pos, &i) in order.iter().enumerate() {
            for link in &record.events[i].controls {
                if let Some(&c) = control_index.get(link.control.as_str()) {
                    histories[c].touches.push((pos, link.effect));
                    if link.effect.is_failure() {
                        histories[c].failures.push((pos, link.effect));
                    }
                }
            }
        }
        Timeline {
            order,
            position,
            histories,
        }
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The event index at a timeline position.
    pub fn event_at(&self, pos: usize) -> Option<usize> {
        self.order.get(pos).copied()
    }

    /// The timeline position of an event index.
    pub fn position_of(&self, event: usize) -> Option<usize> {
        self.position.get(event).copied()
    }

    /// The state of control `control` (its index in the record) as of the
    /// event at timeline position `pos`. Logarithmic in the control's history.
    pub fn control_state(&self, control: usize, pos: usize) -> ControlState {
        let Some(h) = self.histories.get(control) else {
            return ControlState::NotYetInvolved;
        };
        let earlier_failures = h.failures.partition_point(|&(p, _)| p < pos);
        let touched_before = h.touches.partition_point(|&(p, _)| p < pos);
        if let Some(&(p, effect)) = h.touches.get(touched_before)
            && p == pos
        {
            return ControlState::Now {
                effect,
                earlier_failures,
            };
        }
        if earlier_failures > 0 {
            let (_, last) = h.failures[earlier_failures - 1];
            return ControlState::FailedEarlier {
                last,
                failures: earlier_failures,
            };
        }
        if touched_before > 0 {
            ControlState::Held
        } else {
            ControlState::NotYetInvolved
        }
    }

    /// How many controls have failed at least once up to and including `pos`.
    pub fn failed_controls_through(&self, pos: usize) -> usize {
        self.histories
            .iter()
            .filter(|h| h.failures.first().is_some_and(|&(p, _)| p <= pos))
            .count()
    }

    /// How many controls fail anywhere in the record.
    pub fn failed_controls(&self) -> usize {
        self.histories
            .iter()
            .filter(|h| !h.failures.is_empty())
            .count()
    }

    /// The states the controls' rows can show whose words are widest: each
    /// effect "here", and each failure "earlier" with a control's whole
    /// count of failures (the largest count it reaches). Sizes the words
    /// column once per record, so the column does not move as the
    /// selection does.
    pub fn widest_states(&self) -> Vec<ControlState> {
        // By effect: does it touch any control, and the most failures of a
        // control it was the effect of.
        let mut touches = [false; Effect::ALL.len()];
        let mut failures = [0; Effect::ALL.len()];
        let slot = |e: Effect| Effect::ALL.iter().position(|&x| x == e).unwrap_or(0);
        for h in &self.histories {
            for &(_, effect) in &h.touches {
                touches[slot(effect)] = true;
            }
            for &(_, effect) in &h.failures {
                let n = &mut failures[slot(effect)];
                *n = (*n).max(h.failures.len());
            }
        }
        let mut states = vec![ControlState::NotYetInvolved, ControlState::Held];
        for (k, &effect) in Effect::ALL.iter().enumerate() {
            if touches[k] {
                states.push(ControlState::Now {
                    effect,
                    earlier_failures: 0,
                });
            }
            if failures[k] > 0 {
                states.push(ControlState::FailedEarlier {
                    last: effect,
                    failures: failures[k],
                });
            }
        }
        states
    }

    /// Timeline positions of events that engage control `control`.
    pub fn touching(&self, control: usize) -> Vec<usize> {
        self.histories
            .get(control)
            .map(|h| {
                let mut v: Vec<usize> = h.touches.iter().map(|&(p, _)| p).collect();
                v.dedup();
                v
            })
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three events in time order, touching two controls.
    const RECORD: &str = r#"(
        schema: 1, id: "t", title: "T", summary: "S",
        classification: (scheme: Us, level: Unclassified), tlp: "CLEAR",
        controls: [
            (catalogue: NistSp80053r5, id: "SC-8", title: "Transmission Confidentiality and Integrity", expects: "x"),
            (catalogue: NistSp80053r5, id: "IR-4", title: "Incident Handling", expects: "x"),
        ],
        events: [
            (id: "early", at: "2024-02-19T23+08:00", fidelity: Hour, title: "a", narrative: "n",
             controls: [(control: "SC-8", effect: Failed)], portion: Unclassified),
            (id: "middle", at: "2024-03-01", fidelity: Day, title: "b", narrative: "n",
             portion: Unclassified),
            (id: "late", at: "2024-03-05", fidelity: Day, title: "c", narrative: "n",
             controls: [(control: "SC-8", effect: NotFollowed), (control: "IR-4", effect: Held)],
             portion: Unclassified),
        ],
    )"#;

    fn record() -> Record {
        crate::load::parse(RECORD).expect("test record parses")
    }

    #[test]
    fn keeps_the_records_order_where_fidelities_differ() {
        // A day-fidelity response listed after the minute-fidelity event it
        // answers, on the same day: sorting by the start of each period put
        // the day first, so the control "held" before anything happened.
        let mut r = record();
        r.events[1].at = "2024-02-19T07:30Z".parse().expect("timestamp");
        r.events[1].fidelity = crate::model::Fidelity::Minute;
        r.events[2].at = "2024-02-19".parse().expect("timestamp");
        r.events[0].at = "2024-02-19T06Z".parse().expect("timestamp");
        let t = Timeline::new(&r);
        let ids: Vec<&str> = (0..t.len())
            .filter_map(|p| t.event_at(p))
            .map(|i| r.events[i].id.as_str())
            .collect();
        assert_eq!(ids, ["early", "middle", "late"]);
        assert_eq!(t.position_of(2), Some(2));
        assert_eq!(
            t.control_state(1, 1),
            ControlState::NotYetInvolved,
            "IR-4 is engaged only by the last event"
        );
    }

    #[test]
    fn replay_accumulates_failures_as_the_selection_moves() {
        let t = Timeline::new(&record());
        let (sc8, ir4) = (0, 1);
        assert_eq!(
            t.control_state(sc8, 0),
            ControlState::Now {
                effect: Effect::Failed,
                earlier_failures: 0
            }
        );
        assert_eq!(t.control_state(ir4, 0), ControlState::NotYetInvolved);
        assert_eq!(
            t.control_state(sc8, 1),
            ControlState::FailedEarlier {
                last: Effect::Failed,
                failures: 1
            }
        );
        assert_eq!(
            t.control_state(sc8, 2),
            ControlState::Now {
                effect: Effect::NotFollowed,
                earlier_failures: 1
            }
        );
        assert_eq!(
            t.control_state(ir4, 2),
            ControlState::Now {
                effect: Effect::Held,
                earlier_failures: 0
            }
        );
        assert_eq!(t.failed_controls_through(0), 1);
        assert_eq!(t.failed_controls(), 1);
        assert_eq!(failed_controls_phrase(1, 2), "1 of 2 controls failed");
        assert_eq!(failed_controls_phrase(0, 1), "0 of 1 control failed");
        assert_eq!(t.touching(sc8), vec![0, 2]);
    }

    #[test]
    fn a_control_that_only_held_shows_held_afterwards() {
        let mut r = record();
        r.events.push(r.events[1].clone());
        r.events[3].id = "after".into();
        r.events[3].at = "2024-04-01".parse().expect("timestamp");
        let t = Timeline::new(&r);
        assert_eq!(t.control_state(1, 3), ControlState::Held);
    }
}
