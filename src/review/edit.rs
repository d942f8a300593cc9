//! The changes an analyst makes to a review, as values. Being values, they
//! can be applied, undone by snapshot, described in the status bar, and
//! re-applied to a newer version of the file after a concurrent change.

use crate::model::{EventMark, Finding, Recommendation, Review, SignOff};

#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    ToggleReviewed(String),
    ToggleFlagged(String),
    ToggleIncluded(String),
    SetNote {
        event: String,
        note: Option<String>,
    },
    /// Adds the finding, or replaces the one with its id, together with
    /// its recommendations (which replace the finding's old ones).
    SaveFinding {
        finding: Finding,
        recommendations: Vec<Recommendation>,
    },
    /// Deletes the finding and its recommendations.
    DeleteFinding(String),
    ToggleEventLink {
        finding: String,
        event: String,
    },
    ToggleControlLink {
        finding: String,
        control: String,
    },
    SignOff(SignOff),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("there is no finding {0:?}")]
    NoSuchFinding(String),
}

impl Edit {
    /// Applies the edit. On error the review is unchanged.
    pub fn apply(&self, review: &mut Review) -> Result<(), EditError> {
        match self {
            Edit::ToggleReviewed(e) => mark(review, e, |m| m.reviewed = !m.reviewed),
            Edit::ToggleFlagged(e) => mark(review, e, |m| m.flagged = !m.flagged),
            Edit::ToggleIncluded(e) => mark(review, e, |m| m.included = !m.included),
            Edit::SetNote { event, note } => {
                let note = note
                    .as_ref()
                    .map(|n| n.trim().to_string())
                    .filter(|n| !n.is_empty());
                mark(review, event, |m| m.note = note);
            }
            Edit::SaveFinding {
                finding,
                recommendations,
            } => {
                match review.findings.iter_mut().find(|f| f.id == finding.id) {
                    Some(existing) => *existing = finding.clone(),
                    None => review.findings.push(finding.clone()),
                }
                review.recommendations.retain(|r| r.finding != finding.id);
                review
                    .recommendations
                    .extend(recommendations.iter().cloned());
            }
            Edit::DeleteFinding(id) => {
                let before = review.findings.len();
                review.findings.retain(|f| &f.id != id);
                if review.findings.len() == before {
                    return Err(EditError::NoSuchFinding(id.clone()));
                }
                review.recommendations.retain(|r| &r.finding != id);
            }
            Edit::ToggleEventLink { finding, event } => {
                let f = finding_mut(review, finding)?;
                toggle(&mut f.events, event);
            }
            Edit::ToggleControlLink { finding, control } => {
                let f = finding_mut(review, finding)?;
                toggle(&mut f.controls, control);
            }
            Edit::SignOff(s) => review.signoff = Some(s.clone()),
        }
        Ok(())
    }

    /// What the edit did, for the status bar.
    pub fn describe(&self) -> String {
        match self {
            Edit::ToggleReviewed(e) => format!("toggled reviewed on {e}"),
            Edit::ToggleFlagged(e) => format!("toggled the flag on {e}"),
            Edit::ToggleIncluded(e) => format!("toggled report inclusion of {e}"),
            Edit::SetNote {
                event,
                note: Some(_),
            } => format!("saved the note on {event}"),
            Edit::SetNote { event, note: None } => format!("removed the note on {event}"),
            Edit::SaveFinding { finding, .. } => format!("saved finding {}", finding.id),
            Edit::DeleteFinding(id) => format!("deleted finding {id}"),
            Edit::ToggleEventLink { finding, event } => {
                format!("toggled the link {event} ↔ {finding}")
            }
            Edit::ToggleControlLink { finding, control } => {
                format!("toggled the link {control} ↔ {finding}")
            }
            Edit::SignOff(s) => format!("signed off as {}", s.reviewer),
        }
    }
}

fn finding_mut<'r>(review: &'r mut Review, id: &str) -> Result<&'r mut Finding, EditError> {
    review
        .findings
        .iter_mut()
        .find(|f| f.id == id)
        .ok_or_else(|| EditError::NoSuchFinding(id.to_string()))
}

fn toggle(list: &mut Vec<String>, id: &str) {
    match list.iter().position(|x| x == id) {
        Some(i) => {
            list.remove(i);
        }
        None => list.push(id.to_string()),
    }
}

/// Changes an event's mark, dropping it when it is back to the defaults
/// so the file keeps only what the analyst said.
fn mark(review: &mut Review, event: &str, change: impl FnOnce(&mut EventMark)) {
    let i = match review.marks.iter().position(|m| m.event == event) {
        Some(i) => i,
        None => {
            review.marks.push(EventMark::new(event));
            review.marks.len() - 1
        }
    };
    change(&mut review.marks[i]);
    if review.marks[i] == EventMark::new(event) {
        review.marks.remove(i);
    }
}

/// The next free id with `prefix`: `F01`, `F02`, ... (after the highest in use).
pub fn next_id<'a>(prefix: &str, ids: impl Iterator<Item = &'a str>) -> String {
    let highest = ids
        .filter_map(|id| id.strip_prefix(prefix)?.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    format!("{prefix}{:02}", highest + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        Confidence, FindingKind, Level, Likelihood, RecommendationStatus, Severity,
    };

    fn finding(id: &str) -> Finding {
        Finding {
            id: id.into(),
            title: "t".into(),
            statement: "s".into(),
            kind: FindingKind::RootCause,
            severity: Severity::High,
            likelihood: Likelihood::Likely,
            confidence: Confidence::Moderate,
            events: vec!["E1".into()],
            controls: vec![],
            portion: Level::Unclassified,
        }
    }

    fn rec(id: &str, finding: &str) -> Recommendation {
        Recommendation {
            id: id.into(),
            finding: finding.into(),
            action: "a".into(),
            owner: "o".into(),
            due: None,
            status: RecommendationStatus::Recommended,
        }
    }

    #[test]
    fn marks_toggle_and_vanish_when_back_to_defaults() {
        let mut r = Review::new("x");
        Edit::ToggleReviewed("E1".into())
            .apply(&mut r)
            .expect("applies");
        assert!(r.mark("E1").is_some_and(|m| m.reviewed));
        Edit::ToggleIncluded("E1".into())
            .apply(&mut r)
            .expect("applies");
        assert!(r.mark("E1").is_some_and(|m| !m.included));
        Edit::ToggleReviewed("E1".into())
            .apply(&mut r)
            .expect("applies");
        Edit::ToggleIncluded("E1".into())
            .apply(&mut r)
            .expect("applies");
        assert!(r.marks.is_empty(), "{:?}", r.marks);
    }

    #[test]
    fn notes_are_trimmed_and_blank_notes_removed() {
        let mut r = Review::new("x");
        let set = |n: &str| Edit::SetNote {
            event: "E2".into(),
            note: Some(n.into()),
        };
        set("  check the hotel  ").apply(&mut r).expect("applies");
        assert_eq!(
            r.mark("E2").and_then(|m| m.note.as_deref()),
            Some("check the hotel")
        );
        set("   ").apply(&mut r).expect("applies");
        assert!(r.mark("E2").is_none());
    }

    #[test]
    fn saving_a_finding_replaces_it_and_its_recommendations() {
        let mut r = Review::new("x");
        Edit::SaveFinding {
            finding: finding("F01"),
            recommendations: vec![rec("R01", "F01"), rec("R02", "F01")],
        }
        .apply(&mut r)
        .expect("applies");
        let mut changed = finding("F01");
        changed.title = "new".into();
        Edit::SaveFinding {
            finding: changed,
            recommendations: vec![rec("R02", "F01")],
        }
        .apply(&mut r)
        .expect("applies");
        assert_eq!(r.findings.len(), 1);
        assert_eq!(r.findings[0].title, "new");
        assert_eq!(r.recommendations.len(), 1);
        assert_eq!(r.recommendations[0].id, "R02");
    }

    #[test]
    fn deleting_a_finding_takes_its_recommendations() {
        let mut r = Review::new("x");
        for id in ["F01", "F02"] {
            Edit::SaveFinding {
                finding: finding(id),
                recommendations: vec![rec(&format!("R-{id}"), id)],
            }
            .apply(&mut r)
            .expect("applies");
        }
        Edit::DeleteFinding("F01".into())
            .apply(&mut r)
            .expect("applies");
        assert_eq!(r.findings.len(), 1);
        assert_eq!(r.recommendations.len(), 1);
        assert_eq!(
            Edit::DeleteFinding("F09".into()).apply(&mut r),
            Err(EditError::NoSuchFinding("F09".into()))
        );
    }

    #[test]
    fn links_toggle_on_and_off() {
        let mut r = Review::new("x");
        Edit::SaveFinding {
            finding: finding("F01"),
            recommendations: vec![],
        }
        .apply(&mut r)
        .expect("applies");
        let link = Edit::ToggleEventLink {
            finding: "F01".into(),
            event: "E2".into(),
        };
        link.apply(&mut r).expect("applies");
        assert_eq!(r.findings[0].events, ["E1", "E2"]);
        link.apply(&mut r).expect("applies");
        assert_eq!(r.findings[0].events, ["E1"]);
        let control = Edit::ToggleControlLink {
            finding: "F01".into(),
            control: "SC-8".into(),
        };
        control.apply(&mut r).expect("applies");
        assert_eq!(r.findings[0].controls, ["SC-8"]);
    }

    #[test]
    fn next_id_follows_the_highest() {
        assert_eq!(next_id("F", std::iter::empty()), "F01");
        assert_eq!(next_id("F", ["F01", "F07", "X99", "Fz"].into_iter()), "F08");
    }
}
