//! The selected finding's text in the Findings pane (its heading, what it
//! rests on, its statement and its recommendations) as a document wrapped
//! only as far as the pane shows it, and the pane's scroll position.

use std::borrow::Cow;

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Span;

use super::app::{ReviewScreen, inner_height};
use super::scroll::{ScrollKey, TextScroll};
use super::wrap::Document;
use crate::model::{Review, Scheme};

/// Items before the recommendations: heading, judgement, links, statement.
const HEAD: usize = 4;

/// The Findings pane's two halves: the list, and the selected finding's text.
pub fn split(area: Rect) -> [Rect; 2] {
    Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area)
}

/// How many findings the list shows (two rows each) in the Findings pane `area`.
pub fn list_capacity(area: Rect) -> usize {
    (inner_height(split(area)[0]) / 2).max(1)
}

/// Finding `finding` of `review`, with the indices of its recommendations.
pub struct FindingText<'a> {
    review: &'a Review,
    scheme: Scheme,
    finding: usize,
    recs: Cow<'a, [usize]>,
}

impl Document for FindingText<'_> {
    fn items(&self) -> usize {
        if self.review.findings.get(self.finding).is_none() {
            return 0;
        }
        HEAD + self.recs.len()
    }

    fn item(&self, k: usize) -> Option<Vec<Span<'_>>> {
        let f = self.review.findings.get(self.finding)?;
        let bold = Style::new().add_modifier(Modifier::BOLD);
        Some(match k {
            0 => {
                let portion = self
                    .scheme
                    .portion_mark(f.portion)
                    .unwrap_or(f.portion.name());
                vec![
                    Span::styled(format!("({portion}) "), bold),
                    Span::styled(f.title.as_str(), bold),
                ]
            }
            1 => vec![Span::raw(format!(
                "{} · severity {} · likelihood: {} · confidence: {}",
                f.kind.name(),
                f.severity.name(),
                f.likelihood.term(),
                f.confidence.name()
            ))],
            2 => vec![Span::raw(format!(
                "rests on events {} · controls {}",
                join_or_none(&f.events),
                join_or_none(&f.controls)
            ))],
            // One item: the wrapper breaks rows at its line breaks.
            3 => vec![Span::raw(f.statement.as_str())],
            k => {
                let rec = self.review.recommendations.get(*self.recs.get(k - HEAD)?)?;
                let due = rec
                    .due
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "no date".into());
                vec![
                    Span::styled(format!("{} [{}] ", rec.id, rec.status.name()), bold),
                    Span::raw(rec.action.as_str()),
                    Span::raw(" — "),
                    Span::raw(rec.owner.as_str()),
                    Span::raw(format!(" by {due}")),
                ]
            }
        })
    }
}

fn join_or_none(ids: &[String]) -> String {
    if ids.is_empty() {
        "none".into()
    } else {
        ids.join(", ")
    }
}

/// What the finding text's rows were wrapped for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FindingKey {
    finding: usize,
    width: usize,
}

impl ScrollKey for FindingKey {
    fn same_text(&self, other: &Self) -> bool {
        self.finding == other.finding
    }

    fn width(&self) -> usize {
        self.width
    }
}

/// The finding text's scroll position, and the selected finding's
/// recommendations, found when the selection or the review changes rather
/// than in every frame.
#[derive(Debug, Clone, Default)]
pub struct FindingScroll {
    pub text: TextScroll<FindingKey>,
    /// Indices into the review's recommendations of finding `recs_of`'s.
    recs: Vec<usize>,
    recs_of: Option<usize>,
}

impl FindingScroll {
    /// The review changed: the text and the recommendations may have.
    pub fn review_changed(&mut self) {
        self.text.review_changed();
        self.recs_of = None;
    }
}

/// The inner width and height of the finding text, in the Findings pane `area`.
pub fn pane(area: Rect) -> (usize, usize) {
    let [_, text] = split(area);
    (
        usize::from(text.width.saturating_sub(2)).max(1),
        inner_height(text),
    )
}

impl ReviewScreen {
    /// The selected finding's text, and the key its rows are kept under;
    /// `area` is the Findings pane's.
    pub fn finding_doc(&self, area: Rect) -> (FindingText<'_>, FindingKey) {
        let review = &self.state.review;
        let recs = if self.finding_text.recs_of == Some(self.finding) {
            Cow::Borrowed(self.finding_text.recs.as_slice())
        } else {
            Cow::Owned(recommendations_of(review, self.finding))
        };
        let (width, _) = pane(area);
        (
            FindingText {
                review,
                scheme: self.bundle.record.classification.scheme,
                finding: self.finding,
                recs,
            },
            FindingKey {
                finding: self.finding,
                width,
            },
        )
    }

    /// Makes the finding text's scroll position fit the selection and the
    /// Findings pane `area`.
    pub fn settle_finding(&mut self, area: Rect) {
        self.scroll_finding(area, 0);
    }

    /// Scrolls the finding text by `rows` (down when positive).
    pub fn scroll_finding(&mut self, area: Rect, rows: isize) {
        if self.finding_text.recs_of != Some(self.finding) {
            self.finding_text.recs = recommendations_of(&self.state.review, self.finding);
            self.finding_text.recs_of = Some(self.finding);
        }
        let (_, height) = pane(area);
        let mut scroll = std::mem::take(&mut self.finding_text.text);
        let (doc, key) = self.finding_doc(area);
        if rows == 0 {
            scroll.settle(&doc, key, height, 0);
        } else {
            scroll.scroll(&doc, key, height, 0, rows);
        }
        self.finding_text.text = scroll;
    }
}

fn recommendations_of(review: &Review, finding: usize) -> Vec<usize> {
    let Some(f) = review.findings.get(finding) else {
        return Vec::new();
    };
    review
        .recommendations
        .iter()
        .enumerate()
        .filter(|(_, r)| r.finding == f.id)
        .map(|(i, _)| i)
        .collect()
}
