//! The scroll position of a pane of wrapped text (the event detail, the
//! selected finding), with where each row down to it starts, so that neither
//! drawing nor scrolling wraps the text above the pane: a text of 50 MB costs
//! a frame what its visible rows cost, and scrolling down a row wraps one
//! more row, once.

use super::wrap::{Document, Pos, first_row, next_row};

/// What a pane's remembered rows were wrapped for.
pub trait ScrollKey: Copy + PartialEq {
    /// Whether `other` shows the same text (perhaps at another width): it
    /// then keeps its row number; another text starts at its top.
    fn same_text(&self, other: &Self) -> bool;
    /// The width the rows were wrapped to.
    fn width(&self) -> usize;
}

/// How far a pane is scrolled, and where each row down to it starts.
#[derive(Debug, Clone)]
pub struct TextScroll<K> {
    key: Option<K>,
    /// The first row shown.
    top: usize,
    /// Where rows `0..starts.len()` start.
    starts: Vec<Pos>,
    /// Whether `starts` holds every row of the text.
    complete: bool,
    /// The items before this one do not change when the review does.
    keep: usize,
}

impl<K> Default for TextScroll<K> {
    fn default() -> Self {
        TextScroll {
            key: None,
            top: 0,
            starts: Vec::new(),
            complete: false,
            keep: 0,
        }
    }
}

impl<K: ScrollKey> TextScroll<K> {
    /// The first row shown and where it starts, if the rows were found for `key`.
    pub fn top(&self, key: K) -> Option<(usize, Pos)> {
        (self.key == Some(key))
            .then(|| self.starts.get(self.top).map(|&p| (self.top, p)))
            .flatten()
    }

    /// Makes the remembered rows fit `doc` and `key`: another text starts at
    /// the top; a new width keeps the row number. Then keeps the pane full
    /// when it grew (no scrolling past the last row). Items before `keep`
    /// survive a change of the review.
    pub fn settle(&mut self, doc: &impl Document, key: K, height: usize, keep: usize) {
        if self.key != Some(key) {
            if !self.key.is_some_and(|k| k.same_text(&key)) {
                self.top = 0;
            }
            self.key = Some(key);
            self.starts.clear();
            self.complete = false;
        }
        self.keep = keep;
        if self.starts.is_empty() {
            self.starts.push(first_row(doc).unwrap_or_default());
        }
        self.extend(doc, key.width(), self.top + height.max(1));
        let last = self.starts.len().saturating_sub(1);
        if self.complete {
            self.top = self
                .top
                .min(self.starts.len().saturating_sub(height.max(1)));
        }
        self.top = self.top.min(last);
    }

    /// Scrolls by `rows` (down when positive), never past the last row.
    pub fn scroll(&mut self, doc: &impl Document, key: K, height: usize, keep: usize, rows: isize) {
        self.settle(doc, key, height, keep);
        let height = height.max(1);
        let wanted = self.top.saturating_add_signed(rows);
        if rows > 0 {
            // The row after the pane must exist for the pane to move down.
            self.extend(doc, key.width(), wanted + height);
            let most = self.starts.len().saturating_sub(height);
            self.top = wanted.min(most.max(self.top));
        } else {
            self.top = wanted;
        }
    }

    /// The review changed: forget the rows of the items it gives; the
    /// others stay.
    pub fn review_changed(&mut self) {
        let keep = self.keep;
        self.starts.retain(|p| p.item < keep);
        self.complete = false;
    }

    /// Finds row starts until `rows` are known or the text ends.
    fn extend(&mut self, doc: &impl Document, width: usize, rows: usize) {
        while self.starts.len() < rows && !self.complete {
            let Some(&last) = self.starts.last() else {
                self.starts.push(first_row(doc).unwrap_or_default());
                continue;
            };
            match next_row(doc, last, width) {
                Some(p) => self.starts.push(p),
                None => self.complete = true,
            }
        }
    }
}

/// Rows one key of page scrolling moves: half the pane, as Ctrl-D and
/// Ctrl-U do in vim and less, so that each page keeps half of the last in view.
pub fn half_page(height: usize) -> isize {
    isize::try_from((height / 2).max(1)).unwrap_or(isize::MAX)
}
