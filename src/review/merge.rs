//! Merging two analysts' versions of a review by identity, not by line:
//! findings and recommendations by id, marks and notes by event, links as
//! sets. What only one side changed is taken; what both changed the same
//! way is taken once; what both changed differently is a [`Conflict`]: the
//! body keeps our version and the conflict entry keeps all three, for the
//! analyst to choose (`Edit::ResolveConflict`). Nothing here reads a file
//! or a clock: `hotwash merge-review` (in `crate::git`) does that.

use std::collections::{HashMap, HashSet};

use crate::model::{
    Conflict, ConflictField, ConflictItem, ConflictValue, Decision, DroppedSignOff, EventMark,
    Finding, MergeSide, Recommendation, Review, SignOff,
};

use super::edit::next_id;

/// The outcome of a merge.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    /// The merged review, its conflicts and dropped sign-offs included.
    pub review: Review,
    /// The conflicts this merge found (they are in `review.conflicts` too).
    pub conflicts: Vec<Conflict>,
    /// Their new ids that we had given new items too, and what they became.
    pub renumbered: Vec<Renumbered>,
    /// The sign-offs this merge dropped (in `review.dropped_signoffs` too).
    pub dropped: Vec<DroppedSignOff>,
}

impl Merged {
    fn whole(review: &Review) -> Self {
        Merged {
            review: review.clone(),
            conflicts: Vec::new(),
            renumbered: Vec::new(),
            dropped: Vec::new(),
        }
    }
}

/// One of their new items, given a new id because we had used theirs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renumbered {
    /// "finding" or "recommendation".
    pub what: &'static str,
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    #[error(
        "{first} is a review of record {first_record:?} but {second} of record {second_record:?}: \
         reviews of different records are not merged"
    )]
    DifferentRecords {
        first: &'static str,
        first_record: String,
        second: &'static str,
        second_record: String,
    },
    #[error("the versions have different format versions ({ours} and {theirs})")]
    DifferentSchemas { ours: u32, theirs: u32 },
}

/// Merges `ours` and `theirs`, both changed from `base`.
///
/// Their new findings and recommendations whose ids we gave to new ones of
/// our own are renumbered (every reference to them follows). A sign-off
/// survives only on a side whose content the merge leaves as it was; any
/// other is dropped and listed in `dropped_signoffs`.
pub fn merge(base: &Review, ours: &Review, theirs: &Review) -> Result<Merged, MergeError> {
    for (first, a, second, b) in [
        ("ours", ours, "theirs", theirs),
        ("the common version", base, "ours", ours),
    ] {
        if a.record != b.record {
            return Err(MergeError::DifferentRecords {
                first,
                first_record: a.record.clone(),
                second,
                second_record: b.record.clone(),
            });
        }
    }
    if ours.schema != theirs.schema {
        return Err(MergeError::DifferentSchemas {
            ours: ours.schema,
            theirs: theirs.schema,
        });
    }
    // A side that changed nothing is the other side, whole.
    if ours == theirs || theirs == base {
        return Ok(Merged::whole(ours));
    }
    if ours == base {
        return Ok(Merged::whole(theirs));
    }
    let (renamed, renumbered) = renumber(base, ours, theirs);
    let mut conflicts = Vec::new();

    let findings = merge_keyed(
        &base.findings,
        &ours.findings,
        &renamed.findings,
        |f| f.id.as_str(),
        |b, o, t| merge_finding(b, o, t, &mut conflicts),
        |_, unchanged| !unchanged,
    );
    // Who kept a finding the other deleted: that side's version is in the
    // body, and the conflict says so.
    let mut findings = findings;
    let mut contested: HashSet<String> = HashSet::new();
    for f in &findings {
        let (b, o, t) = (
            base.findings.iter().any(|x| x.id == f.id),
            ours.findings.iter().any(|x| x.id == f.id),
            renamed.findings.iter().any(|x| x.id == f.id),
        );
        if b && o != t {
            contested.insert(f.id.clone());
            conflicts.push(presence(ConflictItem::Finding(f.id.clone()), b, o, t));
        }
    }

    // A recommendation goes with its finding: one the deleting side took
    // away with a contested finding stays while the finding does.
    let recommendations = merge_keyed(
        &base.recommendations,
        &ours.recommendations,
        &renamed.recommendations,
        |r| r.id.as_str(),
        |b, o, t| merge_recommendation(b, o, t, &mut conflicts),
        |kept, unchanged| !unchanged || contested.contains(&kept.finding),
    );
    for r in &recommendations {
        let (b, o, t) = (
            base.recommendations.iter().any(|x| x.id == r.id),
            ours.recommendations.iter().any(|x| x.id == r.id),
            renamed.recommendations.iter().any(|x| x.id == r.id),
        );
        if b && o != t && !contested.contains(&r.finding) {
            conflicts.push(presence(
                ConflictItem::Recommendation(r.id.clone()),
                b,
                o,
                t,
            ));
        }
    }
    // A recommendation kept (changed on one side) whose finding the other
    // side deleted brings the finding back, contested: it is never left
    // pointing at nothing.
    for r in &recommendations {
        if findings.iter().any(|f| f.id == r.finding) {
            continue;
        }
        let find = |list: &[Finding]| list.iter().find(|f| f.id == r.finding).cloned();
        let Some(restored) = find(&ours.findings)
            .or_else(|| find(&renamed.findings))
            .or_else(|| find(&base.findings))
        else {
            continue;
        };
        let (b, o, t) = (
            base.findings.iter().any(|x| x.id == restored.id),
            ours.findings.iter().any(|x| x.id == restored.id),
            renamed.findings.iter().any(|x| x.id == restored.id),
        );
        conflicts.push(presence(
            ConflictItem::Finding(restored.id.clone()),
            b,
            o,
            t,
        ));
        findings.push(restored);
    }

    let marks = merge_marks(&base.marks, &ours.marks, &renamed.marks, &mut conflicts);
    let decisions = merge_decisions(
        &base.decisions,
        &ours.decisions,
        &renamed.decisions,
        &mut conflicts,
    );

    // Conflicts left from earlier merges: one resolved on either side is
    // resolved; one this merge found again is replaced by the new one; one
    // about an item that is gone has nothing left to decide.
    let mut all_conflicts = merge_set(&base.conflicts, &ours.conflicts, &renamed.conflicts);
    all_conflicts.retain(|c| {
        !conflicts
            .iter()
            .any(|n| n.item == c.item && n.field == c.field)
    });
    all_conflicts.extend(conflicts.iter().cloned());
    all_conflicts.retain(|c| match &c.item {
        ConflictItem::Finding(id) => findings.iter().any(|f| &f.id == id),
        ConflictItem::Recommendation(id) => recommendations.iter().any(|r| &r.id == id),
        ConflictItem::Mark(_) | ConflictItem::Decision { .. } => true,
    });

    let mut merged = Review {
        schema: ours.schema,
        record: ours.record.clone(),
        findings,
        recommendations,
        marks,
        decisions,
        signoff: None,
        conflicts: all_conflicts,
        dropped_signoffs: merge_set(
            &base.dropped_signoffs,
            &ours.dropped_signoffs,
            &renamed.dropped_signoffs,
        ),
    };
    let dropped = settle_signoff(&mut merged, base, ours, theirs);
    Ok(Merged {
        review: merged,
        conflicts,
        renumbered,
        dropped,
    })
}

/// The review without its sign-off and the record of dropped ones: what
/// a sign-off seals (see [`super::hash`]).
fn content(review: &Review) -> Review {
    Review {
        signoff: None,
        dropped_signoffs: Vec::new(),
        ..review.clone()
    }
}

/// Decides the merged review's sign-off and returns the ones dropped.
///
/// The sign-off is merged as a value first (the side that changed it
/// wins; both changed it differently: both are candidates). A candidate
/// is kept only when the merged content is what a side carrying it holds;
/// otherwise the merge changed what it sealed, and it is dropped.
fn settle_signoff(
    merged: &mut Review,
    base: &Review,
    ours: &Review,
    theirs: &Review,
) -> Vec<DroppedSignOff> {
    let now = content(merged);
    let (so, st, sb) = (&ours.signoff, &theirs.signoff, &base.signoff);
    // Each candidate with the sides that carry it.
    let candidates: Vec<(&SignOff, Vec<(MergeSide, &Review)>)> = if so == st {
        so.iter()
            .map(|s| {
                (
                    s,
                    vec![(MergeSide::Ours, ours), (MergeSide::Theirs, theirs)],
                )
            })
            .collect()
    } else if st == sb {
        so.iter()
            .map(|s| (s, vec![(MergeSide::Ours, ours)]))
            .collect()
    } else if so == sb {
        st.iter()
            .map(|s| (s, vec![(MergeSide::Theirs, theirs)]))
            .collect()
    } else {
        let mut both = Vec::new();
        both.extend(so.iter().map(|s| (s, vec![(MergeSide::Ours, ours)])));
        both.extend(st.iter().map(|s| (s, vec![(MergeSide::Theirs, theirs)])));
        both
    };
    let mut dropped = Vec::new();
    for (signoff, sides) in candidates {
        let unchanged = sides.iter().any(|(_, r)| content(r) == now);
        if unchanged && merged.signoff.is_none() {
            merged.signoff = Some(signoff.clone());
            continue;
        }
        let side = sides[0].0;
        let entry = DroppedSignOff {
            reviewer: signoff.reviewer.clone(),
            at: signoff.at,
            hash: signoff.hash.clone(),
            side,
        };
        if !merged.dropped_signoffs.contains(&entry) {
            merged.dropped_signoffs.push(entry.clone());
        }
        dropped.push(entry);
    }
    dropped
}

/// A copy of `theirs` in which every new finding or recommendation whose
/// id we gave to a different new one of ours has the next free id, and
/// every reference to it (a recommendation's finding, a conflict's item)
/// follows. New items equal on both sides keep their id: they are one.
fn renumber(base: &Review, ours: &Review, theirs: &Review) -> (Review, Vec<Renumbered>) {
    let mut renamed = theirs.clone();
    let mut done = Vec::new();

    let base_ids: HashSet<&str> = base.findings.iter().map(|f| f.id.as_str()).collect();
    let ours_new: HashMap<&str, &Finding> = ours
        .findings
        .iter()
        .filter(|f| !base_ids.contains(f.id.as_str()))
        .map(|f| (f.id.as_str(), f))
        .collect();
    let mut taken: Vec<String> = base
        .findings
        .iter()
        .chain(&ours.findings)
        .chain(&theirs.findings)
        .map(|f| f.id.clone())
        .collect();
    for i in 0..renamed.findings.len() {
        let id = renamed.findings[i].id.clone();
        let collides = ours_new
            .get(id.as_str())
            .is_some_and(|o| **o != renamed.findings[i]);
        if !collides {
            continue;
        }
        let to = next_id("F", taken.iter().map(String::as_str));
        taken.push(to.clone());
        renamed.findings[i].id = to.clone();
        for r in &mut renamed.recommendations {
            if r.finding == id {
                r.finding = to.clone();
            }
        }
        for c in &mut renamed.conflicts {
            if c.item == ConflictItem::Finding(id.clone()) {
                c.item = ConflictItem::Finding(to.clone());
            }
        }
        done.push(Renumbered {
            what: "finding",
            from: id,
            to,
        });
    }

    let base_ids: HashSet<&str> = base.recommendations.iter().map(|r| r.id.as_str()).collect();
    let ours_new: HashMap<&str, &Recommendation> = ours
        .recommendations
        .iter()
        .filter(|r| !base_ids.contains(r.id.as_str()))
        .map(|r| (r.id.as_str(), r))
        .collect();
    let mut taken: Vec<String> = base
        .recommendations
        .iter()
        .chain(&ours.recommendations)
        .chain(&theirs.recommendations)
        .map(|r| r.id.clone())
        .collect();
    for i in 0..renamed.recommendations.len() {
        let id = renamed.recommendations[i].id.clone();
        let collides = ours_new
            .get(id.as_str())
            .is_some_and(|o| **o != renamed.recommendations[i]);
        if !collides {
            continue;
        }
        let to = next_id("R", taken.iter().map(String::as_str));
        taken.push(to.clone());
        renamed.recommendations[i].id = to.clone();
        for c in &mut renamed.conflicts {
            if c.item == ConflictItem::Recommendation(id.clone()) {
                c.item = ConflictItem::Recommendation(to.clone());
            }
        }
        done.push(Renumbered {
            what: "recommendation",
            from: id,
            to,
        });
    }
    (renamed, done)
}

/// The value both sides agree on, or the one side's change; `None` when
/// both changed it differently.
fn pick<T: PartialEq + Clone>(b: &T, o: &T, t: &T) -> Option<T> {
    if o == t || t == b {
        Some(o.clone())
    } else if o == b {
        Some(t.clone())
    } else {
        None
    }
}

/// Merges one field: the agreed value, or ours with a conflict recorded.
fn field<T: PartialEq + Clone>(
    conflicts: &mut Vec<Conflict>,
    item: &ConflictItem,
    field: ConflictField,
    (b, o, t): (&T, &T, &T),
    value: impl Fn(&T) -> ConflictValue,
) -> T {
    pick(b, o, t).unwrap_or_else(|| {
        conflicts.push(Conflict {
            item: item.clone(),
            field,
            base: value(b),
            ours: value(o),
            theirs: value(t),
        });
        o.clone()
    })
}

#[allow(clippy::ptr_arg)] // Called as `field`'s value of a `String` field.
fn text(s: &String) -> ConflictValue {
    ConflictValue::Text(s.to_string())
}

fn merge_finding(b: &Finding, o: &Finding, t: &Finding, c: &mut Vec<Conflict>) -> Finding {
    use ConflictField as F;
    use ConflictValue as V;
    let item = ConflictItem::Finding(o.id.clone());
    Finding {
        id: o.id.clone(),
        title: field(c, &item, F::Title, (&b.title, &o.title, &t.title), text),
        statement: field(
            c,
            &item,
            F::Statement,
            (&b.statement, &o.statement, &t.statement),
            text,
        ),
        kind: field(c, &item, F::Kind, (&b.kind, &o.kind, &t.kind), |v| {
            V::Kind(*v)
        }),
        severity: field(
            c,
            &item,
            F::Severity,
            (&b.severity, &o.severity, &t.severity),
            |v| V::Severity(*v),
        ),
        likelihood: field(
            c,
            &item,
            F::Likelihood,
            (&b.likelihood, &o.likelihood, &t.likelihood),
            |v| V::Likelihood(*v),
        ),
        confidence: field(
            c,
            &item,
            F::Confidence,
            (&b.confidence, &o.confidence, &t.confidence),
            |v| V::Confidence(*v),
        ),
        events: merge_set(&b.events, &o.events, &t.events),
        controls: merge_set(&b.controls, &o.controls, &t.controls),
        portion: field(
            c,
            &item,
            F::Portion,
            (&b.portion, &o.portion, &t.portion),
            |v| V::Portion(*v),
        ),
    }
}

fn merge_recommendation(
    b: &Recommendation,
    o: &Recommendation,
    t: &Recommendation,
    c: &mut Vec<Conflict>,
) -> Recommendation {
    use ConflictField as F;
    use ConflictValue as V;
    let item = ConflictItem::Recommendation(o.id.clone());
    Recommendation {
        id: o.id.clone(),
        finding: field(
            c,
            &item,
            F::Finding,
            (&b.finding, &o.finding, &t.finding),
            text,
        ),
        action: field(c, &item, F::Action, (&b.action, &o.action, &t.action), text),
        owner: field(c, &item, F::Owner, (&b.owner, &o.owner, &t.owner), text),
        due: field(c, &item, F::Due, (&b.due, &o.due, &t.due), |d| match d {
            Some(d) => V::Due(*d),
            None => V::Unset,
        }),
        status: field(
            c,
            &item,
            F::Status,
            (&b.status, &o.status, &t.status),
            |v| V::Status(*v),
        ),
    }
}

/// A conflict about whether an item is there: one side deleted it, the
/// other changed it.
fn presence(item: ConflictItem, base: bool, ours: bool, theirs: bool) -> Conflict {
    let value = |there: bool| match there {
        true => ConflictValue::Kept,
        false => ConflictValue::Deleted,
    };
    Conflict {
        item,
        field: ConflictField::Presence,
        base: value(base),
        ours: value(ours),
        theirs: value(theirs),
    }
}

/// Merges lists of items with ids. An item deleted on one side and
/// unchanged on the other is gone; deleted on one side and changed on the
/// other it stays (as changed), unless `keep_deleted(item, false)` says
/// otherwise; deleted on one side and unchanged on the other it stays only
/// if `keep_deleted(item, true)` says so. The order is ours, then their
/// additions in their order; an item only they kept goes back after the
/// item it followed.
fn merge_keyed<T: Clone + PartialEq>(
    base: &[T],
    ours: &[T],
    theirs: &[T],
    key: impl Fn(&T) -> &str,
    mut fields: impl FnMut(&T, &T, &T) -> T,
    keep_deleted: impl Fn(&T, bool) -> bool,
) -> Vec<T> {
    // Only this shortcut: with one side as the common version, a deletion
    // on the other may still be undone by `keep_deleted`.
    if ours == theirs {
        return ours.to_vec();
    }
    let index = |list: &[T]| -> HashMap<String, usize> {
        list.iter()
            .enumerate()
            .map(|(i, x)| (key(x).to_string(), i))
            .collect()
    };
    let (b_at, o_at, t_at) = (index(base), index(ours), index(theirs));
    let mut out: Vec<T> = Vec::with_capacity(ours.len().max(theirs.len()));
    for o in ours {
        let k = key(o);
        let b = b_at.get(k).map(|&i| &base[i]);
        let t = t_at.get(k).map(|&i| &theirs[i]);
        match (b, t) {
            (Some(b), Some(t)) => out.push(if o == t {
                o.clone()
            } else if o == b {
                t.clone()
            } else if t == b {
                o.clone()
            } else {
                fields(b, o, t)
            }),
            // They deleted it.
            (Some(b), None) => {
                if keep_deleted(o, o == b) {
                    out.push(o.clone());
                }
            }
            (None, _) => out.push(o.clone()),
        }
    }
    let mut placed: HashSet<String> = out.iter().map(|x| key(x).to_string()).collect();
    for (i, t) in theirs.iter().enumerate() {
        let k = key(t);
        if o_at.contains_key(k) || placed.contains(k) {
            continue;
        }
        match b_at.get(k).map(|&j| &base[j]) {
            // We deleted it.
            Some(b) => {
                if keep_deleted(t, t == b) {
                    let after = theirs[..i]
                        .iter()
                        .rev()
                        .find_map(|p| out.iter().position(|x| key(x) == key(p)));
                    let at = after.map_or(out.len(), |a| a + 1);
                    out.insert(at, t.clone());
                    placed.insert(k.to_string());
                }
            }
            None => {
                out.push(t.clone());
                placed.insert(k.to_string());
            }
        }
    }
    out
}

/// Merges the decisions on candidates by identity (event, control): the
/// verdict and the note each as a field, a missing decision being
/// undecided (`Unset`). Both sides deciding differently, or one taking a
/// decision back that the other changed, is a conflict; the body keeps
/// ours (no decision, if ours took it back).
fn merge_decisions(
    base: &[Decision],
    ours: &[Decision],
    theirs: &[Decision],
    conflicts: &mut Vec<Conflict>,
) -> Vec<Decision> {
    if ours == theirs || theirs == base {
        return ours.to_vec();
    }
    if ours == base {
        return theirs.to_vec();
    }
    let find = |list: &[Decision], event: &str, control: &str| {
        list.iter()
            .find(|d| d.event == event && d.control == control)
            .cloned()
    };
    let mut keys: Vec<(&str, &str)> = Vec::new();
    for d in ours.iter().chain(theirs).chain(base) {
        let key = (d.event.as_str(), d.control.as_str());
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    let mut out = Vec::new();
    for (event, control) in keys {
        let (b, o, t) = (
            find(base, event, control),
            find(ours, event, control),
            find(theirs, event, control),
        );
        let item = ConflictItem::Decision {
            event: event.to_string(),
            control: control.to_string(),
        };
        let verdict = |d: &Option<Decision>| d.as_ref().map(|d| d.verdict);
        let verdict = field(
            conflicts,
            &item,
            ConflictField::Verdict,
            (&verdict(&b), &verdict(&o), &verdict(&t)),
            |v| v.map_or(ConflictValue::Unset, ConflictValue::Verdict),
        );
        let Some(verdict) = verdict else {
            continue;
        };
        let note = |d: &Option<Decision>| d.as_ref().and_then(|d| d.note.clone());
        let note = field(
            conflicts,
            &item,
            ConflictField::Note,
            (&note(&b), &note(&o), &note(&t)),
            |n| n.clone().map_or(ConflictValue::Unset, ConflictValue::Text),
        );
        out.push(Decision {
            event: event.to_string(),
            control: control.to_string(),
            verdict,
            note,
        });
    }
    out
}

/// Merges the marks per event and per flag; a missing mark is the default
/// one (not reviewed, not flagged, included, no note). Only the note can
/// conflict: two sides that both changed a yes/no from the common version
/// agree on it.
fn merge_marks(
    base: &[EventMark],
    ours: &[EventMark],
    theirs: &[EventMark],
    conflicts: &mut Vec<Conflict>,
) -> Vec<EventMark> {
    if ours == theirs || theirs == base {
        return ours.to_vec();
    }
    if ours == base {
        return theirs.to_vec();
    }
    let find = |list: &[EventMark], event: &str| {
        list.iter()
            .find(|m| m.event == event)
            .cloned()
            .unwrap_or_else(|| EventMark::new(event))
    };
    let mut events: Vec<&str> = ours.iter().map(|m| m.event.as_str()).collect();
    for m in theirs.iter().chain(base) {
        if !events.contains(&m.event.as_str()) {
            events.push(&m.event);
        }
    }
    let mut out = Vec::new();
    for event in events {
        let (b, o, t) = (find(base, event), find(ours, event), find(theirs, event));
        let item = ConflictItem::Mark(event.to_string());
        let flag = |b: bool, o: bool, t: bool| pick(&b, &o, &t).unwrap_or(o);
        let mark = EventMark {
            event: event.to_string(),
            reviewed: flag(b.reviewed, o.reviewed, t.reviewed),
            flagged: flag(b.flagged, o.flagged, t.flagged),
            included: flag(b.included, o.included, t.included),
            note: field(
                conflicts,
                &item,
                ConflictField::Note,
                (&b.note, &o.note, &t.note),
                |n| match n {
                    Some(n) => ConflictValue::Text(n.clone()),
                    None => ConflictValue::Unset,
                },
            ),
        };
        if mark != EventMark::new(event) {
            out.push(mark);
        }
    }
    out
}

/// Merges sets kept as lists (a finding's events and controls, the open
/// conflicts): what either side added is in, what either side took out
/// of the common version is out. Ours' order, then their additions.
fn merge_set<T: Clone + PartialEq>(base: &[T], ours: &[T], theirs: &[T]) -> Vec<T> {
    if ours == theirs || theirs == base {
        return ours.to_vec();
    }
    if ours == base {
        return theirs.to_vec();
    }
    let mut out: Vec<T> = ours
        .iter()
        .filter(|x| !base.contains(x) || theirs.contains(x))
        .cloned()
        .collect();
    for x in theirs {
        if !base.contains(x) && !out.contains(x) {
            out.push(x.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        Confidence, FindingKind, Level, Likelihood, RecommendationStatus, Severity,
    };

    fn finding(id: &str, title: &str) -> Finding {
        Finding {
            id: id.into(),
            title: title.into(),
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
            action: "act".into(),
            owner: "o".into(),
            due: None,
            status: RecommendationStatus::Recommended,
        }
    }

    fn base() -> Review {
        let mut r = Review::new("r");
        r.findings = vec![finding("F01", "one"), finding("F02", "two")];
        r.recommendations = vec![rec("R01", "F01"), rec("R02", "F02")];
        r
    }

    fn signoff(who: &str) -> SignOff {
        SignOff {
            reviewer: who.into(),
            at: chrono::DateTime::UNIX_EPOCH,
            hash: format!("sha256:{}", "0".repeat(64)),
        }
    }

    #[test]
    fn changes_to_different_fields_and_items_all_arrive() {
        let b = base();
        let mut o = b.clone();
        o.findings[0].severity = Severity::Critical;
        o.findings[0].events.push("E2".into());
        o.marks.push(EventMark {
            reviewed: true,
            ..EventMark::new("E1")
        });
        let mut t = b.clone();
        t.findings[0].title = "one, retitled".into();
        t.findings[0].events.push("E3".into());
        t.recommendations[1].status = RecommendationStatus::Done;
        t.marks.push(EventMark {
            flagged: true,
            ..EventMark::new("E1")
        });
        let m = merge(&b, &o, &t).expect("merges");
        assert!(m.conflicts.is_empty(), "{:?}", m.conflicts);
        let f = &m.review.findings[0];
        assert_eq!(
            (f.title.as_str(), f.severity),
            ("one, retitled", Severity::Critical)
        );
        assert_eq!(f.events, ["E1", "E2", "E3"]);
        assert_eq!(
            m.review.recommendations[1].status,
            RecommendationStatus::Done
        );
        assert_eq!(m.review.marks.len(), 1);
        assert!(m.review.marks[0].reviewed && m.review.marks[0].flagged);
    }

    #[test]
    fn the_same_field_changed_differently_is_a_conflict_with_ours_in_the_body() {
        let b = base();
        let mut o = b.clone();
        o.findings[1].statement = "ours".into();
        o.recommendations[0].status = RecommendationStatus::Planned;
        let mut t = b.clone();
        t.findings[1].statement = "theirs".into();
        t.recommendations[0].status = RecommendationStatus::Declined;
        let m = merge(&b, &o, &t).expect("merges");
        assert_eq!(m.conflicts.len(), 2, "{:?}", m.conflicts);
        assert_eq!(m.review.conflicts, m.conflicts);
        let c = &m.conflicts[0];
        assert_eq!(c.item, ConflictItem::Finding("F02".into()));
        assert_eq!(c.field, ConflictField::Statement);
        assert_eq!(
            (&c.base, &c.ours, &c.theirs),
            (
                &ConflictValue::Text("s".into()),
                &ConflictValue::Text("ours".into()),
                &ConflictValue::Text("theirs".into())
            )
        );
        assert_eq!(m.review.findings[1].statement, "ours");
        assert_eq!(m.conflicts[1].field, ConflictField::Status);
    }

    #[test]
    fn colliding_new_ids_are_renumbered_on_their_side_with_every_reference() {
        let b = base();
        let mut o = b.clone();
        o.findings.push(finding("F03", "ours"));
        o.recommendations.push(rec("R03", "F03"));
        let mut t = b.clone();
        t.findings.push(finding("F03", "theirs"));
        t.recommendations.push(rec("R03", "F03"));
        let m = merge(&b, &o, &t).expect("merges");
        let ids: Vec<_> = m
            .review
            .findings
            .iter()
            .map(|f| (f.id.as_str(), f.title.as_str()))
            .collect();
        assert_eq!(
            ids,
            [
                ("F01", "one"),
                ("F02", "two"),
                ("F03", "ours"),
                ("F04", "theirs")
            ]
        );
        let recs: Vec<_> = m
            .review
            .recommendations
            .iter()
            .map(|r| (r.id.as_str(), r.finding.as_str()))
            .collect();
        assert_eq!(
            recs,
            [
                ("R01", "F01"),
                ("R02", "F02"),
                ("R03", "F03"),
                ("R04", "F04")
            ]
        );
        assert_eq!(
            m.renumbered,
            [
                Renumbered {
                    what: "finding",
                    from: "F03".into(),
                    to: "F04".into()
                },
                Renumbered {
                    what: "recommendation",
                    from: "R03".into(),
                    to: "R04".into()
                }
            ]
        );
    }

    #[test]
    fn the_same_new_finding_on_both_sides_is_kept_once() {
        let b = base();
        let mut o = b.clone();
        o.findings.push(finding("F03", "same"));
        o.marks.push(EventMark {
            reviewed: true,
            ..EventMark::new("E9")
        });
        let mut t = b.clone();
        t.findings.push(finding("F03", "same"));
        let m = merge(&b, &o, &t).expect("merges");
        assert_eq!(m.review.findings.len(), 3);
        assert!(m.renumbered.is_empty());
    }

    #[test]
    fn a_deletion_against_a_change_is_a_conflict_that_keeps_the_item_and_its_recommendations() {
        let b = base();
        let mut o = b.clone();
        o.findings.remove(1);
        o.recommendations.remove(1);
        let mut t = b.clone();
        t.findings[1].title = "two, changed".into();
        let m = merge(&b, &o, &t).expect("merges");
        assert_eq!(m.review.findings[1].title, "two, changed");
        assert_eq!(m.review.recommendations.len(), 2, "R02 goes with F02");
        assert_eq!(
            m.conflicts,
            [Conflict {
                item: ConflictItem::Finding("F02".into()),
                field: ConflictField::Presence,
                base: ConflictValue::Kept,
                ours: ConflictValue::Deleted,
                theirs: ConflictValue::Kept,
            }]
        );
        // Taking ours deletes it, and its recommendation with it.
        let mut resolved = m.review.clone();
        crate::review::Edit::ResolveConflict {
            item: ConflictItem::Finding("F02".into()),
            field: ConflictField::Presence,
            value: ConflictValue::Deleted,
        }
        .apply(&mut resolved)
        .expect("applies");
        assert_eq!(resolved.findings.len(), 1);
        assert_eq!(resolved.recommendations.len(), 1);
        assert!(resolved.conflicts.is_empty());
    }

    #[test]
    fn a_changed_recommendation_brings_back_the_finding_the_other_side_deleted() {
        let b = base();
        let mut o = b.clone();
        o.findings.remove(1);
        o.recommendations.remove(1);
        let mut t = b.clone();
        t.recommendations[1].status = RecommendationStatus::Done;
        let m = merge(&b, &o, &t).expect("merges");
        assert!(m.review.findings.iter().any(|f| f.id == "F02"));
        assert!(
            m.conflicts
                .iter()
                .any(|c| c.item == ConflictItem::Finding("F02".into())
                    && c.field == ConflictField::Presence)
        );
    }

    #[test]
    fn a_deletion_on_one_side_of_an_unchanged_item_deletes_it() {
        let b = base();
        let mut o = b.clone();
        o.findings.remove(1);
        o.recommendations.remove(1);
        let mut t = b.clone();
        t.findings[0].title = "one, changed".into();
        let m = merge(&b, &o, &t).expect("merges");
        assert_eq!(m.review.findings.len(), 1);
        assert_eq!(m.review.recommendations.len(), 1);
        assert!(m.conflicts.is_empty());
    }

    #[test]
    fn a_sign_off_is_dropped_when_the_merge_changes_what_it_sealed() {
        let b = base();
        let mut o = b.clone();
        o.signoff = Some(signoff("ana"));
        let mut t = b.clone();
        t.findings[0].title = "changed".into();
        let m = merge(&b, &o, &t).expect("merges");
        assert_eq!(m.review.signoff, None);
        assert_eq!(
            m.review.dropped_signoffs,
            [DroppedSignOff {
                reviewer: "ana".into(),
                at: chrono::DateTime::UNIX_EPOCH,
                hash: format!("sha256:{}", "0".repeat(64)),
                side: MergeSide::Ours,
            }]
        );
        assert_eq!(m.dropped, m.review.dropped_signoffs);
        // Merged again (say, into a third branch), the record stays once.
        let again = merge(&o, &m.review, &m.review).expect("merges");
        assert_eq!(again.review.dropped_signoffs.len(), 1);
    }

    #[test]
    fn a_sign_off_survives_a_merge_that_leaves_its_side_as_it_was() {
        let b = base();
        let mut o = b.clone();
        o.findings[0].title = "changed".into();
        o.signoff = Some(signoff("ana"));
        let mut t = b.clone();
        t.findings[0].title = "changed".into();
        let m = merge(&b, &o, &t).expect("merges");
        assert_eq!(m.review.signoff, Some(signoff("ana")));
        assert!(m.review.dropped_signoffs.is_empty());
    }

    #[test]
    fn a_conflict_resolved_on_one_side_stays_resolved() {
        let b0 = base();
        let mut o = b0.clone();
        o.findings[0].title = "ours".into();
        let mut t = b0.clone();
        t.findings[0].title = "theirs".into();
        let merged = merge(&b0, &o, &t).expect("merges").review;
        let mut resolved = merged.clone();
        crate::review::Edit::ResolveConflict {
            item: ConflictItem::Finding("F01".into()),
            field: ConflictField::Title,
            value: ConflictValue::Text("theirs".into()),
        }
        .apply(&mut resolved)
        .expect("applies");
        let mut other = merged.clone();
        other.marks.push(EventMark {
            reviewed: true,
            ..EventMark::new("E1")
        });
        let m = merge(&merged, &resolved, &other).expect("merges");
        assert!(m.review.conflicts.is_empty());
        assert_eq!(m.review.findings[0].title, "theirs");
        assert_eq!(m.review.marks.len(), 1);
    }

    #[test]
    fn reviews_of_different_records_are_refused() {
        let b = base();
        let mut t = b.clone();
        t.record = "other".into();
        let mut o = b.clone();
        o.findings[0].title = "x".into();
        assert!(matches!(
            merge(&b, &o, &t),
            Err(MergeError::DifferentRecords { .. })
        ));
    }
}
