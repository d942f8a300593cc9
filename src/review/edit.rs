//! The changes an analyst makes to a review, as values. Being values, they
//! can be applied, undone by snapshot, and re-applied to a newer version of
//! the file after a concurrent change. So that an edit means the same when
//! made again on another analyst's version, it says what to set, not what
//! to flip, and ids of new things are chosen when it is applied, against
//! the review it is applied to: a new finding takes the next free id
//! instead of replacing theirs.

use chrono::NaiveDate;

use crate::model::{
    ConflictField, ConflictItem, ConflictValue, Decision, EventMark, Finding, Recommendation,
    RecommendationStatus, Review, SignOff, Verdict,
};

#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    SetReviewed {
        event: String,
        reviewed: bool,
    },
    SetFlagged {
        event: String,
        flagged: bool,
    },
    SetIncluded {
        event: String,
        included: bool,
    },
    SetNote {
        event: String,
        note: Option<String>,
    },
    /// Adds a new finding with its recommendations. The finding's id is
    /// the next free one when the edit is applied; whatever `finding.id`
    /// holds is ignored.
    AddFinding {
        finding: Finding,
        recommendations: Vec<RecommendationDraft>,
    },
    /// Replaces the finding with id `finding.id` (adding it back if it is
    /// gone), together with its recommendations, which replace its old ones.
    SaveFinding {
        finding: Finding,
        recommendations: Vec<RecommendationDraft>,
    },
    /// Deletes the finding and its recommendations.
    DeleteFinding(String),
    SetEventLink {
        finding: String,
        event: String,
        linked: bool,
    },
    SetControlLink {
        finding: String,
        control: String,
        linked: bool,
    },
    SignOff(SignOff),
    /// Decides on candidate `control` at `event`, replacing any earlier
    /// decision on it; `verdict: None` takes the decision back.
    Decide {
        event: String,
        control: String,
        verdict: Option<Verdict>,
        note: Option<String>,
    },
    /// Settles a merge conflict: gives `field` of `item` the value chosen
    /// (ours, theirs, or the analyst's combination) and takes the conflict
    /// off the list. `Deleted` for a conflict about presence deletes the
    /// item (a finding with its recommendations), `Kept` keeps it.
    ResolveConflict {
        item: ConflictItem,
        field: ConflictField,
        value: ConflictValue,
    },
}

/// A recommendation as a finding edit carries it, without the finding it
/// belongs to (the edit says) and, for a new one, without an id.
#[derive(Debug, Clone, PartialEq)]
pub struct RecommendationDraft {
    /// `None` for a new recommendation: it gets the next free id when the
    /// edit is applied. A kept id that another finding's recommendation
    /// took meanwhile is replaced the same way.
    pub id: Option<String>,
    pub action: String,
    pub owner: String,
    pub due: Option<NaiveDate>,
    pub status: RecommendationStatus,
}

/// What applying an edit did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// For the analyst, with the ids as applied: "added finding F12".
    pub summary: String,
    /// The finding the edit added or changed, by its id as applied.
    pub finding: Option<String>,
}

impl Applied {
    fn said(summary: String) -> Self {
        Applied {
            summary,
            finding: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("there is no finding {0:?}")]
    NoSuchFinding(String),
    #[error("there is no recommendation {0:?}")]
    NoSuchRecommendation(String),
    #[error("there is no {0}")]
    NoSuchDecision(String),
    #[error("{} has no {} {value}", item.describe(), field.name())]
    WrongValue {
        item: ConflictItem,
        field: ConflictField,
        value: String,
    },
}

impl Edit {
    /// Applies the edit. On error the review is unchanged.
    pub fn apply(&self, review: &mut Review) -> Result<Applied, EditError> {
        Ok(match self {
            Edit::SetReviewed { event, reviewed } => {
                mark(review, event, |m| m.reviewed = *reviewed);
                Applied::said(match reviewed {
                    true => format!("marked {event} reviewed"),
                    false => format!("marked {event} not reviewed"),
                })
            }
            Edit::SetFlagged { event, flagged } => {
                mark(review, event, |m| m.flagged = *flagged);
                Applied::said(match flagged {
                    true => format!("flagged {event}"),
                    false => format!("took the flag off {event}"),
                })
            }
            Edit::SetIncluded { event, included } => {
                mark(review, event, |m| m.included = *included);
                Applied::said(match included {
                    true => format!("put {event} back in the report"),
                    false => format!("left {event} out of the report"),
                })
            }
            Edit::SetNote { event, note } => {
                let note = note
                    .as_ref()
                    .map(|n| n.trim().to_string())
                    .filter(|n| !n.is_empty());
                let summary = match note {
                    Some(_) => format!("wrote the note on {event}"),
                    None => format!("removed the note on {event}"),
                };
                mark(review, event, |m| m.note = note);
                Applied::said(summary)
            }
            Edit::AddFinding {
                finding,
                recommendations,
            } => {
                let id = next_id("F", review.findings.iter().map(|f| f.id.as_str()));
                let mut finding = finding.clone();
                finding.id = id.clone();
                review.findings.push(finding);
                attach(review, &id, recommendations);
                Applied {
                    summary: format!("added finding {id}"),
                    finding: Some(id),
                }
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
                attach(review, &finding.id, recommendations);
                Applied {
                    summary: format!("changed finding {}", finding.id),
                    finding: Some(finding.id.clone()),
                }
            }
            Edit::DeleteFinding(id) => {
                let before = review.findings.len();
                review.findings.retain(|f| &f.id != id);
                if review.findings.len() == before {
                    return Err(EditError::NoSuchFinding(id.clone()));
                }
                let gone: Vec<String> = review
                    .recommendations
                    .iter()
                    .filter(|r| &r.finding == id)
                    .map(|r| r.id.clone())
                    .collect();
                review.recommendations.retain(|r| &r.finding != id);
                // What was undecided about them no longer needs deciding.
                review.conflicts.retain(|c| match &c.item {
                    ConflictItem::Finding(f) => f != id,
                    ConflictItem::Recommendation(r) => !gone.contains(r),
                    ConflictItem::Mark(_) | ConflictItem::Decision { .. } => true,
                });
                Applied::said(format!("deleted finding {id}"))
            }
            Edit::SetEventLink {
                finding,
                event,
                linked,
            } => {
                let f = finding_mut(review, finding)?;
                set_link(&mut f.events, event, *linked);
                Applied {
                    summary: link_summary(event, finding, *linked),
                    finding: Some(finding.clone()),
                }
            }
            Edit::SetControlLink {
                finding,
                control,
                linked,
            } => {
                let f = finding_mut(review, finding)?;
                set_link(&mut f.controls, control, *linked);
                Applied {
                    summary: link_summary(control, finding, *linked),
                    finding: Some(finding.clone()),
                }
            }
            Edit::SignOff(s) => {
                review.signoff = Some(s.clone());
                Applied::said(format!("signed off as {}", s.reviewer))
            }
            Edit::Decide {
                event,
                control,
                verdict,
                note,
            } => {
                let at = review
                    .decisions
                    .iter()
                    .position(|d| &d.event == event && &d.control == control);
                let note = note
                    .as_ref()
                    .map(|n| n.trim().to_string())
                    .filter(|n| !n.is_empty());
                match (verdict, at) {
                    (None, Some(at)) => {
                        review.decisions.remove(at);
                    }
                    (None, None) => {}
                    (Some(v), Some(at)) => {
                        review.decisions[at].verdict = *v;
                        review.decisions[at].note = note;
                    }
                    (Some(v), None) => review.decisions.push(Decision {
                        event: event.clone(),
                        control: control.clone(),
                        verdict: *v,
                        note,
                    }),
                }
                Applied::said(match verdict {
                    Some(Verdict::Linked(e)) => {
                        format!("linked {control} at {event}: {}", e.name())
                    }
                    Some(Verdict::Dismissed) => format!("dismissed {control} at {event}"),
                    None => format!("took back the decision on {control} at {event}"),
                })
            }
            Edit::ResolveConflict { item, field, value } => resolve(review, item, *field, value)?,
        })
    }
}

/// [`Edit::ResolveConflict`]. Checks everything before changing anything,
/// so that on error the review is unchanged.
fn resolve(
    review: &mut Review,
    item: &ConflictItem,
    field: ConflictField,
    value: &ConflictValue,
) -> Result<Applied, EditError> {
    let wrong = || EditError::WrongValue {
        item: item.clone(),
        field,
        value: value.describe(),
    };
    if !field.belongs_to(item) || !field.accepts(value) {
        return Err(wrong());
    }
    let how = match review
        .conflicts
        .iter()
        .find(|c| &c.item == item && c.field == field)
    {
        Some(c) if &c.ours == value => "kept ours",
        Some(c) if &c.theirs == value => "took theirs",
        Some(_) => "combined the two",
        None => "set it",
    };
    let described = format!("{} {}", item.describe(), field.name());
    let text = |v: &ConflictValue| match v {
        ConflictValue::Text(t) => Some(t.clone()),
        _ => None,
    };
    let mut finding = None;
    match item {
        ConflictItem::Finding(id) if *value == ConflictValue::Deleted => {
            Edit::DeleteFinding(id.clone()).apply(review)?;
        }
        ConflictItem::Finding(id) => {
            let f = finding_mut(review, id)?;
            match value {
                ConflictValue::Kept => {}
                ConflictValue::Kind(v) => f.kind = *v,
                ConflictValue::Severity(v) => f.severity = *v,
                ConflictValue::Likelihood(v) => f.likelihood = *v,
                ConflictValue::Confidence(v) => f.confidence = *v,
                ConflictValue::Portion(v) => f.portion = *v,
                ConflictValue::Text(t) if field == ConflictField::Title => f.title = t.clone(),
                ConflictValue::Text(t) => f.statement = t.clone(),
                _ => return Err(wrong()),
            }
            finding = Some(id.clone());
        }
        ConflictItem::Recommendation(id) => {
            let at = review
                .recommendations
                .iter()
                .position(|r| &r.id == id)
                .ok_or_else(|| EditError::NoSuchRecommendation(id.clone()))?;
            if *value == ConflictValue::Deleted {
                let gone = review.recommendations.remove(at);
                finding = Some(gone.finding);
                review.conflicts.retain(|c| &c.item != item);
            } else {
                if let (ConflictField::Finding, Some(to)) = (field, text(value))
                    && !review.findings.iter().any(|f| f.id == to)
                {
                    return Err(EditError::NoSuchFinding(to));
                }
                let r = &mut review.recommendations[at];
                match (field, value) {
                    (_, ConflictValue::Kept) => {}
                    (ConflictField::Finding, ConflictValue::Text(t)) => r.finding = t.clone(),
                    (ConflictField::Action, ConflictValue::Text(t)) => r.action = t.clone(),
                    (ConflictField::Owner, ConflictValue::Text(t)) => r.owner = t.clone(),
                    (ConflictField::Due, ConflictValue::Due(d)) => r.due = Some(*d),
                    (ConflictField::Due, ConflictValue::Unset) => r.due = None,
                    (ConflictField::Status, ConflictValue::Status(s)) => r.status = *s,
                    _ => return Err(wrong()),
                }
                finding = Some(r.finding.clone());
            }
        }
        ConflictItem::Mark(event) => {
            // Trimmed and dropped when blank, as a note written in the form.
            let note = text(value)
                .map(|n| n.trim().to_string())
                .filter(|n| !n.is_empty());
            mark(review, event, |m| m.note = note);
        }
        ConflictItem::Decision { event, control } => {
            let at = review
                .decisions
                .iter()
                .position(|d| &d.event == event && &d.control == control);
            match (field, value, at) {
                (ConflictField::Verdict, ConflictValue::Verdict(v), Some(at)) => {
                    review.decisions[at].verdict = *v;
                }
                (ConflictField::Verdict, ConflictValue::Verdict(v), None) => {
                    review.decisions.push(Decision {
                        event: event.clone(),
                        control: control.clone(),
                        verdict: *v,
                        note: None,
                    });
                }
                // Undecided: the decision goes, and what was left to
                // settle about its note with it.
                (ConflictField::Verdict, ConflictValue::Unset, at) => {
                    if let Some(at) = at {
                        review.decisions.remove(at);
                    }
                    review.conflicts.retain(|c| &c.item != item);
                }
                (ConflictField::Note, _, Some(at)) => {
                    review.decisions[at].note = text(value)
                        .map(|n| n.trim().to_string())
                        .filter(|n| !n.is_empty());
                }
                (ConflictField::Note, _, None) => {
                    return Err(EditError::NoSuchDecision(item.describe()));
                }
                _ => return Err(wrong()),
            }
        }
    }
    review
        .conflicts
        .retain(|c| !(&c.item == item && c.field == field));
    Ok(Applied {
        summary: format!("resolved the conflict on {described}: {how}"),
        finding: finding.filter(|id| review.findings.iter().any(|f| &f.id == id)),
    })
}

/// Gives finding `finding` the recommendations `drafts`, choosing ids for
/// the new ones (and for kept ones whose id is now used elsewhere).
fn attach(review: &mut Review, finding: &str, drafts: &[RecommendationDraft]) {
    for d in drafts {
        let id = match &d.id {
            Some(id) if !review.recommendations.iter().any(|r| &r.id == id) => id.clone(),
            _ => next_id("R", review.recommendations.iter().map(|r| r.id.as_str())),
        };
        review.recommendations.push(Recommendation {
            id,
            finding: finding.to_string(),
            action: d.action.clone(),
            owner: d.owner.clone(),
            due: d.due,
            status: d.status,
        });
    }
}

fn finding_mut<'r>(review: &'r mut Review, id: &str) -> Result<&'r mut Finding, EditError> {
    review
        .findings
        .iter_mut()
        .find(|f| f.id == id)
        .ok_or_else(|| EditError::NoSuchFinding(id.to_string()))
}

fn set_link(list: &mut Vec<String>, id: &str, linked: bool) {
    let at = list.iter().position(|x| x == id);
    match (at, linked) {
        (Some(i), false) => {
            list.remove(i);
        }
        (None, true) => list.push(id.to_string()),
        _ => {}
    }
}

fn link_summary(what: &str, finding: &str, linked: bool) -> String {
    match linked {
        true => format!("linked {what} to {finding}"),
        false => format!("unlinked {what} from {finding}"),
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
    use crate::model::{Confidence, FindingKind, Level, Likelihood, Severity};

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

    fn rec(id: Option<&str>, action: &str) -> RecommendationDraft {
        RecommendationDraft {
            id: id.map(str::to_string),
            action: action.into(),
            owner: "o".into(),
            due: None,
            status: RecommendationStatus::Recommended,
        }
    }

    fn add(r: &mut Review, title: &str, recs: Vec<RecommendationDraft>) -> Applied {
        let mut f = finding("");
        f.title = title.into();
        Edit::AddFinding {
            finding: f,
            recommendations: recs,
        }
        .apply(r)
        .expect("applies")
    }

    #[test]
    fn marks_are_set_and_vanish_when_back_to_defaults() {
        let mut r = Review::new("x");
        let reviewed = |reviewed| Edit::SetReviewed {
            event: "E1".into(),
            reviewed,
        };
        let included = |included| Edit::SetIncluded {
            event: "E1".into(),
            included,
        };
        reviewed(true).apply(&mut r).expect("applies");
        assert!(r.mark("E1").is_some_and(|m| m.reviewed));
        // Made again (after a reload), the edit means the same: no flip.
        reviewed(true).apply(&mut r).expect("applies");
        assert!(r.mark("E1").is_some_and(|m| m.reviewed));
        included(false).apply(&mut r).expect("applies");
        assert!(r.mark("E1").is_some_and(|m| !m.included));
        reviewed(false).apply(&mut r).expect("applies");
        included(true).apply(&mut r).expect("applies");
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
        let applied = set("   ").apply(&mut r).expect("applies");
        assert!(r.mark("E2").is_none());
        assert_eq!(applied.summary, "removed the note on E2");
    }

    #[test]
    fn a_new_finding_takes_the_next_free_ids_of_the_review_it_is_applied_to() {
        let edit = Edit::AddFinding {
            finding: finding("ignored"),
            recommendations: vec![rec(None, "a"), rec(None, "b")],
        };
        let mut mine = Review::new("x");
        let applied = edit.apply(&mut mine).expect("applies");
        assert_eq!(applied.finding.as_deref(), Some("F01"));
        assert_eq!(applied.summary, "added finding F01");
        // Another analyst saved their F01 (with R01) first: applied to their
        // version, the same edit adds F02 beside it instead of replacing it.
        let mut theirs = Review::new("x");
        add(&mut theirs, "theirs", vec![rec(None, "their rec")]);
        let applied = edit.apply(&mut theirs).expect("applies");
        assert_eq!(applied.finding.as_deref(), Some("F02"));
        let ids: Vec<_> = theirs.findings.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids, ["F01", "F02"]);
        assert_eq!(theirs.findings[0].title, "theirs");
        let recs: Vec<_> = theirs
            .recommendations
            .iter()
            .map(|r| (r.id.as_str(), r.finding.as_str(), r.action.as_str()))
            .collect();
        assert_eq!(
            recs,
            [
                ("R01", "F01", "their rec"),
                ("R02", "F02", "a"),
                ("R03", "F02", "b")
            ]
        );
    }

    #[test]
    fn saving_a_finding_replaces_it_and_its_recommendations() {
        let mut r = Review::new("x");
        add(&mut r, "old", vec![rec(None, "a"), rec(None, "b")]);
        let mut changed = finding("F01");
        changed.title = "new".into();
        let applied = Edit::SaveFinding {
            finding: changed,
            recommendations: vec![rec(Some("R02"), "b, revised"), rec(None, "c")],
        }
        .apply(&mut r)
        .expect("applies");
        assert_eq!(applied.summary, "changed finding F01");
        assert_eq!(r.findings.len(), 1);
        assert_eq!(r.findings[0].title, "new");
        let recs: Vec<_> = r
            .recommendations
            .iter()
            .map(|r| (r.id.as_str(), r.action.as_str()))
            .collect();
        assert_eq!(recs, [("R02", "b, revised"), ("R03", "c")]);
    }

    #[test]
    fn a_kept_recommendation_id_taken_meanwhile_by_another_finding_is_replaced() {
        let mut r = Review::new("x");
        add(&mut r, "one", vec![]);
        add(&mut r, "two", vec![rec(None, "theirs")]); // R01, on F02
        Edit::SaveFinding {
            finding: finding("F01"),
            recommendations: vec![rec(Some("R01"), "mine")],
        }
        .apply(&mut r)
        .expect("applies");
        let recs: Vec<_> = r
            .recommendations
            .iter()
            .map(|r| (r.id.as_str(), r.finding.as_str()))
            .collect();
        assert_eq!(recs, [("R01", "F02"), ("R02", "F01")]);
    }

    #[test]
    fn deleting_a_finding_takes_its_recommendations() {
        let mut r = Review::new("x");
        add(&mut r, "one", vec![rec(None, "a")]);
        add(&mut r, "two", vec![rec(None, "b")]);
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
    fn links_are_set_and_cleared() {
        let mut r = Review::new("x");
        add(&mut r, "one", vec![]);
        let link = |linked| Edit::SetEventLink {
            finding: "F01".into(),
            event: "E2".into(),
            linked,
        };
        let applied = link(true).apply(&mut r).expect("applies");
        assert_eq!(applied.summary, "linked E2 to F01");
        assert_eq!(r.findings[0].events, ["E1", "E2"]);
        link(true).apply(&mut r).expect("applies");
        assert_eq!(r.findings[0].events, ["E1", "E2"], "made again: no flip");
        link(false).apply(&mut r).expect("applies");
        assert_eq!(r.findings[0].events, ["E1"]);
        let control = Edit::SetControlLink {
            finding: "F01".into(),
            control: "SC-8".into(),
            linked: true,
        };
        control.apply(&mut r).expect("applies");
        assert_eq!(r.findings[0].controls, ["SC-8"]);
        assert_eq!(
            Edit::SetEventLink {
                finding: "F09".into(),
                event: "E1".into(),
                linked: true
            }
            .apply(&mut r),
            Err(EditError::NoSuchFinding("F09".into()))
        );
    }

    #[test]
    fn next_id_follows_the_highest() {
        assert_eq!(next_id("F", std::iter::empty()), "F01");
        assert_eq!(next_id("F", ["F01", "F07", "X99", "Fz"].into_iter()), "F08");
    }
}
