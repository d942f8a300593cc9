//! What a frame shows of the review, looked up rather than searched: each
//! finding's recommendations and how many are done, the findings resting on
//! each event, each event's mark and how many events are reviewed. Built
//! when the review changes (`ReviewState::review_changed`), so a frame costs
//! what its visible rows cost however large the review is.

use std::collections::HashMap;

use crate::model::{EventMark, RecommendationStatus, Review};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReviewIndex {
    /// By finding index: its recommendations' indices, in review order.
    recommendations: Vec<Vec<usize>>,
    /// By finding index: how many of its recommendations are done.
    done: Vec<usize>,
    /// By event id: the indices of the findings resting on it, in order.
    resting: HashMap<String, Vec<usize>>,
    /// By event id: the index of its mark.
    marks: HashMap<String, usize>,
    reviewed: usize,
    /// By conflict index: the finding or recommendation it is about.
    conflicted: Vec<Option<Titled>>,
}

/// An item with a title to show beside its conflicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Titled {
    Finding(usize),
    Recommendation(usize),
}

impl ReviewIndex {
    pub fn new(review: &Review) -> Self {
        let by_id = crate::model::index_by_id(&review.findings, |f| f.id.as_str());
        let mut recommendations = vec![Vec::new(); review.findings.len()];
        let mut done = vec![0; review.findings.len()];
        for (k, rec) in review.recommendations.iter().enumerate() {
            if let Some(&f) = by_id.get(rec.finding.as_str()) {
                recommendations[f].push(k);
                done[f] += usize::from(rec.status == RecommendationStatus::Done);
            }
        }
        let mut resting: HashMap<String, Vec<usize>> = HashMap::new();
        for (f, finding) in review.findings.iter().enumerate() {
            for e in &finding.events {
                let list = resting.entry(e.clone()).or_default();
                // An event named twice by one finding is one finding resting on it.
                if list.last() != Some(&f) {
                    list.push(f);
                }
            }
        }
        let mut marks = HashMap::with_capacity(review.marks.len());
        for (k, m) in review.marks.iter().enumerate() {
            // The first mark of an event is the one `Review::mark` finds.
            marks.entry(m.event.clone()).or_insert(k);
        }
        let reviewed = review.marks.iter().filter(|m| m.reviewed).count();
        let conflicted = if review.conflicts.is_empty() {
            Vec::new()
        } else {
            use crate::model::ConflictItem;
            let recs = crate::model::index_by_id(&review.recommendations, |r| r.id.as_str());
            review
                .conflicts
                .iter()
                .map(|c| match &c.item {
                    ConflictItem::Finding(id) => {
                        by_id.get(id.as_str()).map(|&i| Titled::Finding(i))
                    }
                    ConflictItem::Recommendation(id) => {
                        recs.get(id.as_str()).map(|&i| Titled::Recommendation(i))
                    }
                    ConflictItem::Mark(_) | ConflictItem::Decision { .. } => None,
                })
                .collect()
        };
        ReviewIndex {
            recommendations,
            done,
            resting,
            marks,
            reviewed,
            conflicted,
        }
    }

    /// The title of what conflict `k` of `review` is about (a finding's
    /// title, a recommendation's action), to recognise it by.
    pub fn conflict_title<'a>(&self, review: &'a Review, k: usize) -> Option<&'a str> {
        match self.conflicted.get(k).copied().flatten()? {
            Titled::Finding(i) => review.findings.get(i).map(|f| f.title.as_str()),
            Titled::Recommendation(i) => review.recommendations.get(i).map(|r| r.action.as_str()),
        }
    }

    /// The indices of finding `finding`'s recommendations.
    pub fn recommendations(&self, finding: usize) -> &[usize] {
        self.recommendations
            .get(finding)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// How many of finding `finding`'s recommendations are done.
    pub fn done(&self, finding: usize) -> usize {
        self.done.get(finding).copied().unwrap_or(0)
    }

    /// The indices of the findings resting on event `event`.
    pub fn resting_on(&self, event: &str) -> &[usize] {
        self.resting
            .get(event)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// Event `event`'s mark in `review` (the review this index was built for).
    pub fn mark<'a>(&self, review: &'a Review, event: &str) -> Option<&'a EventMark> {
        self.marks.get(event).and_then(|&k| review.marks.get(k))
    }

    /// How many events are marked reviewed.
    pub fn reviewed(&self) -> usize {
        self.reviewed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        Confidence, Finding, FindingKind, Level, Likelihood, Recommendation, Severity,
    };

    fn finding(id: &str, events: &[&str]) -> Finding {
        Finding {
            id: id.into(),
            title: "t".into(),
            statement: "s".into(),
            kind: FindingKind::ALL[0],
            severity: Severity::ALL[0],
            likelihood: Likelihood::ALL[0],
            confidence: Confidence::ALL[0],
            events: events.iter().map(|e| e.to_string()).collect(),
            controls: Vec::new(),
            portion: Level::Unclassified,
        }
    }

    fn rec(id: &str, finding: &str, status: RecommendationStatus) -> Recommendation {
        Recommendation {
            id: id.into(),
            finding: finding.into(),
            action: "a".into(),
            owner: "o".into(),
            due: None,
            status,
        }
    }

    #[test]
    fn answers_as_the_scans_it_replaces() {
        let mut review = Review::new("r");
        review.findings = vec![
            finding("F01", &["E1", "E2"]),
            finding("F02", &["E2", "E2"]),
            finding("F03", &[]),
        ];
        review.recommendations = vec![
            rec("R01", "F02", RecommendationStatus::Done),
            rec("R02", "F01", RecommendationStatus::Recommended),
            rec("R03", "F02", RecommendationStatus::Recommended),
            rec("R04", "F99", RecommendationStatus::Done),
        ];
        let mut m = EventMark::new("E2");
        m.reviewed = true;
        review.marks = vec![EventMark::new("E1"), m];
        let index = ReviewIndex::new(&review);
        for (f, finding) in review.findings.iter().enumerate() {
            let scan: Vec<usize> = (0..review.recommendations.len())
                .filter(|&k| review.recommendations[k].finding == finding.id)
                .collect();
            assert_eq!(index.recommendations(f), scan.as_slice());
        }
        assert_eq!((index.done(0), index.done(1), index.done(2)), (0, 1, 0));
        assert_eq!(index.resting_on("E2"), &[0, 1]);
        assert_eq!(index.resting_on("E3"), &[] as &[usize]);
        assert_eq!(index.mark(&review, "E2"), review.mark("E2"));
        assert_eq!(index.mark(&review, "E9"), None);
        assert_eq!(index.reviewed(), 1);
    }
}
