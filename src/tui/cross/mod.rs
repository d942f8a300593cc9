//! The controls-across-incidents screen: one row per control of any record
//! in the library, one column per incident, each cell the effects that
//! incident's events gave the control; beside it, each incident's
//! detection lag. Built from the records' summaries when it opens (and
//! again when it is come back to), never per frame.

pub mod update;

use crate::stats::{EffectFilter, Table};
use crate::tui::app::{EntryState, Library};

#[derive(Debug)]
pub struct CrossScreen {
    pub table: Table,
    /// The library entry of each incident column.
    pub entries: Vec<usize>,
    pub families: Vec<String>,
    /// `None`: every family.
    pub family: Option<usize>,
    pub filter: EffectFilter,
    /// The rows shown, as indices into `table.rows`, in their order.
    pub rows: Vec<usize>,
    /// In how many incidents each shown row counts an event: worked out
    /// with the rows, so that a frame does not walk a row's cells.
    pub incidents_with: Vec<usize>,
    /// The selected row (into `rows`) and incident column.
    pub row: usize,
    pub col: usize,
    /// The first row and column on screen.
    pub row_offset: usize,
    pub col_offset: usize,
    /// The longest lag, in days, which the bars are scaled to.
    pub longest_lag: i64,
    /// How many records of the library could not be counted.
    pub not_counted: usize,
    /// The banner words, its level (for colour) and the TLP: worked out
    /// once, not per frame.
    pub marking: (String, crate::model::Level, crate::model::Tlp),
}

impl CrossScreen {
    /// The view of every loaded record of `library`, in the library's order.
    pub fn new(library: &Library) -> Self {
        let mut entries = Vec::new();
        let mut summaries = Vec::new();
        let mut not_counted = 0;
        for (i, e) in library.entries.iter().enumerate() {
            match &e.state {
                EntryState::Summarised(s) => {
                    entries.push(i);
                    summaries.push(s.stats.clone());
                }
                EntryState::Failed(_) => not_counted += 1,
            }
        }
        let table = Table::new(summaries);
        let families = table.families();
        let longest_lag = table
            .incidents
            .iter()
            .filter_map(|i| i.lag.as_ref().map(|l| l.mid_days()))
            .max()
            .unwrap_or(0);
        let (words, tlp) = table.marking();
        let level =
            crate::model::marking::highest(table.incidents.iter().map(|i| i.classification.level));
        let mut screen = CrossScreen {
            marking: (words, level, tlp),
            table,
            entries,
            families,
            family: None,
            filter: EffectFilter::default(),
            rows: Vec::new(),
            incidents_with: Vec::new(),
            row: 0,
            col: 0,
            row_offset: 0,
            col_offset: 0,
            longest_lag,
            not_counted,
        };
        screen.refilter();
        screen
    }

    /// Built again from `library`, keeping the filters and, where they are
    /// still there, the selected control and incident.
    pub fn rebuilt(&self, library: &Library) -> Self {
        let mut next = CrossScreen::new(library);
        next.family = self
            .family_name()
            .and_then(|f| next.families.iter().position(|x| x == f));
        next.filter = self.filter;
        next.refilter();
        if let Some(id) = self.selected_row().map(|r| r.id.clone()) {
            next.row = next
                .rows
                .iter()
                .position(|&r| next.table.rows[r].id == id)
                .unwrap_or(0);
        }
        if let Some(entry) = self.entries.get(self.col) {
            next.col = next.entries.iter().position(|e| e == entry).unwrap_or(0);
        }
        next
    }

    pub fn family_name(&self) -> Option<&str> {
        self.family
            .and_then(|f| self.families.get(f))
            .map(String::as_str)
    }

    /// Works the shown rows out again after a filter changed.
    pub fn refilter(&mut self) {
        let family = self.family_name().map(str::to_string);
        self.rows = self.table.view(family.as_deref(), self.filter);
        self.incidents_with = self
            .rows
            .iter()
            .map(|&r| self.table.rows[r].incidents_with(self.filter))
            .collect();
        self.row = self.row.min(self.rows.len().saturating_sub(1));
    }

    pub fn selected_row(&self) -> Option<&crate::stats::Row> {
        self.rows.get(self.row).map(|&r| &self.table.rows[r])
    }

    /// The selected cell's tally, if the control is in that incident.
    pub fn selected_cell(&self) -> Option<&crate::stats::Cell> {
        self.selected_row().and_then(|r| r.cell(self.col))
    }
}
