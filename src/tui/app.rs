//! The state of the terminal interface. Everything the view draws is here;
//! nothing here touches the terminal.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use ratatui::layout::{Constraint, Layout, Rect};

use super::columns::Columns;
use super::form::{ExportForm, ExportRequest, FindingForm, NoteForm};
use super::review_index::ReviewIndex;
use crate::library::{self, RecordSummary};
use crate::load::{self, FileReport, LoadOptions};
use crate::model::time::ZoneChoice;
use crate::model::{Id, Record, Review};
use crate::review::store::{self, Opened};
use crate::review::{Edit, LazyHasher, RecordHasher, ReviewStore, SignOffState, signoff_state};
use crate::timeline::Timeline;

/// Smallest terminal the interface draws in; below it says so instead.
pub const MIN_WIDTH: u16 = 64;
pub const MIN_HEIGHT: u16 = 18;

/// A record with everything derived from it once, at load time, so that a
/// frame never has to walk the whole record. Only the open record is held
/// so; the library keeps [`RecordSummary`]s.
#[derive(Debug)]
pub struct Bundle {
    pub path: PathBuf,
    /// The record with the review's decisions on candidate controls
    /// applied: what every pane shows and counts. Never hashed.
    pub record: Record,
    /// The record as written, kept when it has candidates so that a changed
    /// decision can be applied to it again; `None`: `record` is it.
    pub written: Option<Arc<Record>>,
    /// The decisions `record` was made with.
    pub decisions: Vec<crate::model::Decision>,
    /// By event index: candidates still awaiting a decision.
    pub awaiting: Vec<usize>,
    /// Where the record came from and how many candidates await a
    /// decision, for the library.
    pub provenance: crate::review::decide::Provenance,
    /// The record's sign-off hasher (see [`LazyHasher`]): made the first
    /// time a sign-off needs it, by the review's check or [`Bundle::hasher`];
    /// shared with the bundle a new decision makes.
    hasher: Arc<LazyHasher>,
    pub timeline: Timeline,
    /// By timeline position: does the event have a control failure?
    pub has_failure: Vec<bool>,
    pub actors: HashMap<Id, usize>,
    pub sources: HashMap<Id, usize>,
    /// Claims about each event, by event index.
    pub claims: HashMap<usize, Vec<usize>>,
    /// Each event's searchable text: built the first time the record is
    /// searched (not at load, which many records never need), then kept.
    pub search: std::sync::OnceLock<super::search::SearchIndex>,
    /// The Timeline's and Controls' column widths.
    pub columns: Columns,
}

impl Bundle {
    /// A record with no decisions on its candidates.
    pub fn new(path: PathBuf, record: Record) -> Self {
        Bundle::decided(path, record, &[], Arc::default())
    }

    /// A record (as written) with `decisions` applied, and its hasher
    /// (made already if the review's sign-off was checked with it).
    pub fn decided(
        path: PathBuf,
        record: Record,
        decisions: &[crate::model::Decision],
        hasher: Arc<LazyHasher>,
    ) -> Self {
        Bundle::build(path, Arc::new(record), decisions, hasher)
    }

    /// The record as written: what the sign-off hash and validation see.
    pub fn written(&self) -> &Record {
        self.written.as_deref().unwrap_or(&self.record)
    }

    /// This record with `decisions` applied instead, or `None` when they
    /// are those it has (or it has no candidates to decide on).
    pub fn redecided(&self, decisions: &[crate::model::Decision]) -> Option<Bundle> {
        let written = self.written.as_ref()?;
        if self.decisions == decisions {
            return None;
        }
        Some(Bundle::build(
            self.path.clone(),
            Arc::clone(written),
            decisions,
            Arc::clone(&self.hasher),
        ))
    }

    fn build(
        path: PathBuf,
        written: Arc<Record>,
        decisions: &[crate::model::Decision],
        hasher: Arc<LazyHasher>,
    ) -> Self {
        let has_candidates = written.events.iter().any(|e| !e.candidates.is_empty());
        let (record, written, decisions) = if has_candidates {
            let mut record = Record::clone(&written);
            crate::review::decide::apply(&mut record, decisions);
            (record, Some(written), decisions.to_vec())
        } else {
            // Nothing to decide on: no copy is kept (records without
            // candidates can be very large).
            let record = Arc::try_unwrap(written).unwrap_or_else(|shared| (*shared).clone());
            (record, None, Vec::new())
        };
        let awaiting = record
            .events
            .iter()
            .map(|e| crate::review::decide::awaiting(e, &decisions))
            .collect();
        let provenance = crate::review::decide::Provenance::with(&record, &decisions);
        let timeline = Timeline::new(&record);
        let has_failure = (0..timeline.len())
            .map(|pos| {
                timeline
                    .event_at(pos)
                    .is_some_and(|i| record.events[i].has_failure())
            })
            .collect();
        let actors = record
            .actors
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id.clone(), i))
            .collect();
        let sources = record
            .sources
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.clone(), i))
            .collect();
        let event_index = crate::model::index_by_id(&record.events, |e| e.id.as_str());
        let mut claims: HashMap<usize, Vec<usize>> = HashMap::new();
        for (c, claim) in record.claims.iter().enumerate() {
            for e in &claim.events {
                if let Some(&i) = event_index.get(e.as_str()) {
                    claims.entry(i).or_default().push(c);
                }
            }
        }
        let columns = Columns::new(&record, &timeline);
        Bundle {
            path,
            record,
            written,
            decisions,
            awaiting,
            provenance,
            hasher,
            timeline,
            has_failure,
            actors,
            sources,
            claims,
            search: std::sync::OnceLock::new(),
            columns,
        }
    }

    /// The library's summary of this record shown with `review`.
    pub fn summary(&self, review: &Review) -> RecordSummary {
        RecordSummary::of(&self.record, &self.timeline, review)
    }
}

impl Bundle {
    /// The record's sign-off hasher, made at the first call: only signing
    /// off and a review that has a sign-off need it.
    pub fn hasher(&self) -> &RecordHasher {
        self.hasher.of(self.written())
    }

    /// The hasher to make (or take) the record's hasher with, for those
    /// that check a sign-off against the record as written.
    pub fn lazy_hasher(&self) -> &LazyHasher {
        &self.hasher
    }

    /// Whether the hasher has been made (tests: opening an unsigned review
    /// must not make it).
    pub fn hashed(&self) -> bool {
        self.hasher.is_made()
    }
}

/// The library entry of a record file: its summary with the review beside
/// it (the record itself is not kept), or why it does not load.
pub fn load_entry(path: PathBuf, options: &LoadOptions) -> Entry {
    let summary = library::summarise(&path, options);
    Entry::of(path, summary)
}

/// The library entry of a record bundled with hotwash and its bundled review.
pub fn load_bundled_entry(file: &crate::bundled::BundledFile, options: &LoadOptions) -> Entry {
    let path = crate::bundled::path_of(file.name);
    let summary = library::summarise_bundled(file, options);
    Entry::of(path, summary)
}

/// A record read in full to be opened, with its review (`None` when the
/// library entry kept the review it was closed with).
#[derive(Debug)]
pub struct OpenedRecord {
    pub bundle: Arc<Bundle>,
    pub review: Option<ReviewState>,
}

/// Reads the record at `path` in full (a bundled one from inside hotwash)
/// and, unless `kept_review`, the review beside it.
pub fn open_record(
    path: &std::path::Path,
    options: &LoadOptions,
    kept_review: bool,
) -> Result<OpenedRecord, FileReport> {
    let bundled = crate::bundled::is_bundled(path)
        .then(|| crate::bundled::file(path))
        .flatten();
    let loaded = match bundled {
        Some(file) => load::record_from_text_with(path, file.text.into(), options),
        None => load::load_record(path, options),
    };
    let record = loaded.value.ok_or(loaded.report)?;
    // Made once, if the review's sign-off is checked: the review screen's
    // sign-off state takes it again.
    let hasher = Arc::new(LazyHasher::default());
    let review = (!kept_review).then(|| match bundled {
        Some(_) => ReviewState::bundled(path, &record, options),
        None => ReviewState::open(path, &record, &hasher, options),
    });
    // A kept review's decisions are applied by the review screen when it
    // takes the review up again (`review_changed`).
    let decisions = review.as_ref().map_or(&[][..], |r| &r.review.decisions[..]);
    let bundle = Arc::new(Bundle::decided(
        path.to_path_buf(),
        record,
        decisions,
        hasher,
    ));
    let review = review.map(|mut r| {
        r.refresh(&bundle);
        r
    });
    Ok(OpenedRecord { bundle, review })
}

/// How the review file may be used.
#[derive(Debug, Clone)]
pub enum Access {
    Writable(ReviewStore),
    /// The file could not be used; it is never written. Why:
    ReadOnly(FileReport),
    /// A record shipped inside hotwash: there is no file to write.
    Bundled,
}

/// The analyst's review of the open record, as it is being edited.
#[derive(Debug, Clone)]
pub struct ReviewState {
    /// Change it only through `review_changed` after it (or make a new
    /// state): `index` must describe it.
    pub review: Review,
    /// What frames look up in `review`, built again at each change.
    pub index: ReviewIndex,
    pub access: Access,
    /// Snapshots before each change, for `u`.
    pub undo: Vec<Review>,
    /// The changes made since the last successful save, oldest first: what
    /// the disk does not have yet. After a reload they are made again, in
    /// order, on top of what is on disk.
    pub pending: Vec<Pending>,
    /// Why the pending changes are not on disk (their save failed).
    pub unsaved: Option<String>,
    /// What a reload did, to be said with the outcome of the save after it.
    pub reloaded: Option<String>,
    /// Warnings about the review file as loaded (a stale sign-off...).
    pub notice: Option<FileReport>,
    /// Where the sign-off stands; refreshed after every change, not per frame.
    pub signoff: SignStatus,
    /// The banner over the record and the review together (a VS-NfD
    /// finding raises an OFFEN record's); refreshed after every change.
    pub banner: crate::model::Classification,
}

/// A change the disk does not have yet.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    /// The edit, to be made again after a reload. `None` for an undo: it
    /// puts back a snapshot, which cannot be made again on another version
    /// of the file.
    pub edit: Option<Edit>,
    /// What it did, with the ids as applied ("added finding F12").
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignStatus {
    NotSigned,
    Current(String),
    Stale(String),
}

/// How many changes `u` can take back.
pub const UNDO_DEPTH: usize = 200;

impl ReviewState {
    /// The review beside `record_path`, its sign-off checked with `hasher`
    /// (`record`'s, as written).
    pub fn open(
        record_path: &std::path::Path,
        record: &Record,
        hasher: &LazyHasher,
        options: &LoadOptions,
    ) -> Self {
        match store::open(record_path, record, hasher, options) {
            Opened::Writable {
                review,
                store,
                report,
            } => ReviewState::new(record, review, Access::Writable(store), report),
            Opened::ReadOnly(report) => ReviewState::new(
                record,
                Review::new(record.id.clone()),
                Access::ReadOnly(report),
                None,
            ),
        }
    }

    /// A review as loaded, with nothing undone or pending. The sign-off is
    /// worked out by `refresh`, which needs the record's hash.
    pub fn new(
        record: &Record,
        review: Review,
        access: Access,
        notice: Option<FileReport>,
    ) -> Self {
        let index = ReviewIndex::new(&review);
        ReviewState {
            banner: crate::report::shown_classification(record, &review),
            review,
            index,
            access,
            undo: Vec::new(),
            pending: Vec::new(),
            unsaved: None,
            reloaded: None,
            notice,
            signoff: SignStatus::NotSigned,
        }
    }

    /// The one thing to do after changing `review` (an edit, an undo, a
    /// reload): the index, the sign-off and the banner are worked out again.
    pub fn refresh(&mut self, bundle: &Bundle) {
        self.index = ReviewIndex::new(&self.review);
        self.refresh_signoff(bundle);
        self.banner = crate::report::shown_classification(&bundle.record, &self.review);
    }

    /// Recomputes where the sign-off stands. Without a sign-off there is
    /// nothing to hash.
    pub fn refresh_signoff(&mut self, bundle: &Bundle) {
        if self.review.signoff.is_none() {
            self.signoff = SignStatus::NotSigned;
            return;
        }
        self.signoff = match signoff_state(bundle.hasher(), &self.review) {
            SignOffState::NotSigned => SignStatus::NotSigned,
            SignOffState::Current(s) => SignStatus::Current(s.reviewer.clone()),
            SignOffState::Stale(s) => SignStatus::Stale(s.reviewer.clone()),
        };
    }

    pub fn read_only(&self) -> bool {
        matches!(self.access, Access::ReadOnly(_) | Access::Bundled)
    }

    /// The review shipped with a bundled record (an empty one if none
    /// was), read-only.
    pub fn bundled(record_path: &std::path::Path, record: &Record, options: &LoadOptions) -> Self {
        let review = library::bundled_review(record_path, record, options);
        ReviewState::new(record, review, Access::Bundled, None)
    }

    pub fn reviewed(&self) -> usize {
        self.index.reviewed()
    }

    /// Event `event`'s mark, looked up.
    pub fn mark(&self, event: &str) -> Option<&crate::model::EventMark> {
        self.index.mark(&self.review, event)
    }
}

#[derive(Debug, Clone)]
pub enum EntryState {
    /// The record loads; what the library shows and counts of it.
    Summarised(Arc<RecordSummary>),
    Failed(FileReport),
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub path: PathBuf,
    pub state: EntryState,
    /// The review the record was last closed with (its undo history and
    /// any changes not yet saved), taken up again when it is opened again;
    /// `None` until it is first opened (the review screen holds it while
    /// it is open).
    pub review: Option<ReviewState>,
}

impl Entry {
    /// The entry of a record that summarised, or did not load.
    pub fn of(path: PathBuf, summary: Result<RecordSummary, FileReport>) -> Entry {
        Entry {
            path,
            state: match summary {
                Ok(s) => EntryState::Summarised(Arc::new(s)),
                Err(report) => EntryState::Failed(report),
            },
            review: None,
        }
    }

    /// The text the library filter searches.
    pub fn matches(&self, needle: &str) -> bool {
        let hay = match &self.state {
            EntryState::Summarised(s) => format!("{} {}", s.title(), s.id()),
            EntryState::Failed(_) => self.path.display().to_string(),
        };
        hay.to_lowercase().contains(needle)
    }

    pub fn summary(&self) -> Option<&RecordSummary> {
        match &self.state {
            EntryState::Summarised(s) => Some(s),
            EntryState::Failed(_) => None,
        }
    }
}

#[derive(Debug, Default)]
pub struct Library {
    pub folder: Option<PathBuf>,
    pub entries: Vec<Entry>,
    /// Indices into `entries` that pass the filter.
    pub shown: Vec<usize>,
    pub selected: usize,
    pub filter: String,
    /// The file being loaded and how many are done of how many.
    pub loading: Option<Loading>,
    /// A folder-level problem (no records, unreadable).
    pub error: Option<String>,
}

/// A library entry whose record is being read in full, to be opened.
#[derive(Debug, Clone)]
pub struct Opening {
    pub entry: usize,
    pub path: PathBuf,
    /// The file's size in bytes, to say.
    pub size: u64,
    /// Whether Esc in the record goes back to the library.
    pub from_library: bool,
    /// Opened from the view across incidents: the event (index in the
    /// record) and the control (its id) to select.
    pub at: Option<(usize, String)>,
}

#[derive(Debug, Clone)]
pub struct Loading {
    pub current: Option<PathBuf>,
    pub size: u64,
    pub done: usize,
    pub total: usize,
}

impl Library {
    /// Adds an entry after the others, shown if it passes the filter: the
    /// loader's entries come one by one, and the filter is not run again
    /// over those already there.
    pub fn push(&mut self, entry: Entry) {
        let needle = self.filter.to_lowercase();
        if needle.is_empty() || entry.matches(&needle) {
            self.shown.push(self.entries.len());
        }
        self.entries.push(entry);
    }

    pub fn refilter(&mut self) {
        let needle = self.filter.to_lowercase();
        self.shown = (0..self.entries.len())
            .filter(|&i| needle.is_empty() || self.entries[i].matches(&needle))
            .collect();
        self.selected = self.selected.min(self.shown.len().saturating_sub(1));
    }

    pub fn selected_entry(&self) -> Option<&Entry> {
        self.shown.get(self.selected).map(|&i| &self.entries[i])
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Timeline,
    Controls,
    Findings,
}

/// The rows of the timeline: every event, or those touching one control.
#[derive(Debug, Clone)]
pub enum Rows {
    All(usize),
    Control {
        control: usize,
        positions: Vec<usize>,
    },
}

impl Rows {
    pub fn len(&self) -> usize {
        match self {
            Rows::All(n) => *n,
            Rows::Control { positions, .. } => positions.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The timeline position shown in `row`.
    pub fn position(&self, row: usize) -> Option<usize> {
        match self {
            Rows::All(n) => (row < *n).then_some(row),
            Rows::Control { positions, .. } => positions.get(row).copied(),
        }
    }

    /// The row showing timeline position `pos`, if it is shown.
    pub fn row_of(&self, pos: usize) -> Option<usize> {
        match self {
            Rows::All(n) => (pos < *n).then_some(pos),
            Rows::Control { positions, .. } => positions.binary_search(&pos).ok(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Search {
    pub query: String,
    /// Matching timeline positions, ascending.
    pub matches: Vec<usize>,
}

#[derive(Debug)]
pub struct ReviewScreen {
    pub bundle: Arc<Bundle>,
    /// The library entry the record came from.
    pub entry: usize,
    pub state: ReviewState,
    /// Whether the Findings pane replaces the detail pane.
    pub findings_open: bool,
    pub finding: usize,
    /// The first finding shown in the list.
    pub finding_offset: usize,
    pub rows: Rows,
    pub selected: usize,
    pub offset: usize,
    pub focus: Pane,
    pub control: usize,
    pub control_offset: usize,
    pub zone: ZoneChoice,
    pub search: Option<Search>,
    /// Whether Esc goes back to the library.
    pub from_library: bool,
    /// Each control's state as of the selected event, and how many had
    /// failed by then: computed when the selection moves, so drawing a
    /// frame does not search the controls' histories.
    pub replay: Replay,
    /// How far the detail pane is scrolled, with the rows found so far.
    pub detail: super::detail::DetailScroll,
    /// How far the selected finding's text is scrolled, and its recommendations.
    pub finding_text: super::finding_text::FindingScroll,
}

impl ReviewScreen {
    pub fn new(bundle: Arc<Bundle>, entry: usize, state: ReviewState, from_library: bool) -> Self {
        let rows = Rows::All(bundle.timeline.len());
        let mut screen = ReviewScreen {
            bundle,
            entry,
            state,
            findings_open: false,
            finding: 0,
            finding_offset: 0,
            rows,
            selected: 0,
            offset: 0,
            focus: Pane::Timeline,
            control: 0,
            control_offset: 0,
            zone: ZoneChoice::Utc,
            search: None,
            from_library,
            detail: Default::default(),
            finding_text: Default::default(),
            replay: Replay::default(),
        };
        screen.refresh_replay();
        screen
    }

    /// Recomputes the controls' replayed states if the selection moved.
    pub fn refresh_replay(&mut self) {
        let pos = self.position().unwrap_or(0);
        let timeline = &self.bundle.timeline;
        let count = self.bundle.record.controls.len();
        if self.replay.position == Some(pos) && self.replay.states.len() == count {
            return;
        }
        self.replay = Replay {
            position: Some(pos),
            states: (0..count).map(|c| timeline.control_state(c, pos)).collect(),
            failed: timeline.failed_controls_through(pos),
        };
    }

    /// The review changed (an edit, an undo, a reload): everything worked
    /// out from it is worked out again, and the rows of the text it gives
    /// are forgotten. The one place that follows a change.
    pub fn review_changed(&mut self) {
        // A changed decision on a candidate changes what the panes show.
        if let Some(bundle) = self.bundle.redecided(&self.state.review.decisions) {
            self.bundle = Arc::new(bundle);
            self.replay = Replay::default();
            self.detail = Default::default();
            self.refresh_replay();
        }
        self.state.refresh(&self.bundle);
        self.detail.review_changed();
        self.finding_text.review_changed();
    }

    /// The regions of the review screen in `area`, for this record.
    pub fn areas(&self, area: Rect) -> ReviewAreas {
        let lists = self
            .bundle
            .timeline
            .len()
            .max(self.bundle.record.controls.len());
        review_areas(area, lists)
    }

    /// Timeline position of the selected row.
    pub fn position(&self) -> Option<usize> {
        self.rows.position(self.selected)
    }

    /// Index into `record.events` of the selected event.
    pub fn event_index(&self) -> Option<usize> {
        self.position()
            .and_then(|p| self.bundle.timeline.event_at(p))
    }

    /// The id of the selected event.
    pub fn event_id(&self) -> Option<&str> {
        self.event_index()
            .map(|i| self.bundle.record.events[i].id.as_str())
    }
}

/// The controls' states as of one timeline position.
#[derive(Debug, Clone, Default)]
pub struct Replay {
    pub position: Option<usize>,
    pub states: Vec<crate::timeline::ControlState>,
    pub failed: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputPurpose {
    Search,
    Filter,
}

#[derive(Debug, Clone)]
pub struct Input {
    pub purpose: InputPurpose,
    pub text: String,
}

#[derive(Debug, Clone)]
pub enum Overlay {
    Help,
    /// The diagnostics of a library entry.
    Diagnostics(usize),
    /// Why the open record's review is read-only, or what was wrong with it.
    Report(FileReport),
    Finding(Box<FindingForm>),
    Note(Box<NoteForm>),
    Confirm(Confirm),
    /// Pick the findings to link the selected event or control to.
    Link {
        target: LinkTarget,
        selected: usize,
    },
    /// The review file changed on disk under changes not yet saved (they
    /// are the review state's `pending`).
    Conflict,
    Export(Box<ExportForm>),
    /// The session's messages, newest first.
    Messages,
    /// The review's merge conflicts, each with both versions, to resolve.
    MergeConflicts(Box<super::merge_conflicts::ConflictsOverlay>),
    /// The selected event's candidate controls, to decide on.
    Candidates(Box<super::candidates::CandidatesOverlay>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    Event(String),
    Control(String),
}

/// A question answered with y or n.
#[derive(Debug, Clone)]
pub struct Confirm {
    pub question: String,
    pub action: ConfirmAction,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ConfirmAction {
    DeleteFinding(String),
    SignOff,
    QuitUnsaved,
    /// Write the export over the existing file.
    Overwrite(ExportRequest),
}

#[derive(Debug)]
pub enum Screen {
    Library,
    Review(Box<ReviewScreen>),
    /// Controls across the library's incidents.
    Cross(Box<super::cross::CrossScreen>),
}

#[derive(Debug)]
pub struct App {
    pub screen: Screen,
    pub library: Library,
    pub overlay: Option<Overlay>,
    pub input: Option<Input>,
    pub width: u16,
    pub height: u16,
    pub quit: bool,
    /// Set when a record file was named on the command line: open it once loaded.
    pub open_on_load: bool,
    /// The record being read in full to be opened ("opening…").
    pub opening: Option<Opening>,
    /// A one-line message for the status bar.
    pub message: Option<String>,
    /// Whether the last messages changed anything worth drawing.
    pub dirty: bool,
    /// Who signs reviews off.
    pub reviewer: String,
    /// How far the help overlay is scrolled.
    pub help_scroll: usize,
    /// The export waiting for an answer about overwriting.
    pub pending_export: Option<ExportRequest>,
    /// Every status message of the session, oldest first, for the log (`M`).
    pub messages: Vec<String>,
    /// How far the message log or the diagnostics overlay is scrolled.
    pub overlay_scroll: usize,
    /// The diagnostics on screen, rendered for the terminal's size.
    pub report_view: Option<super::reports::ReportView>,
    /// Draw without colour (`NO_COLOR`): what colour shows is carried by
    /// reverse video, bold and glyphs alone.
    pub no_color: bool,
    /// The controls-across-incidents view a record was opened from: Esc in
    /// the record goes back to it.
    pub cross_return: Option<Box<super::cross::CrossScreen>>,
    /// The keys in force: the defaults with the configuration's rebindings.
    /// Keys, the help and the status-bar hints all read it.
    pub keymap: super::action::Keymap,
    pub theme: super::theme::Theme,
    /// Where the export form proposes to write.
    pub export_folder: PathBuf,
    /// The zone a record's times are shown in when it opens.
    pub zone: ZoneChoice,
    /// The paper printable exports are laid out for.
    pub paper: crate::export::Paper,
}

impl App {
    pub fn new(width: u16, height: u16) -> Self {
        App {
            screen: Screen::Library,
            library: Library::default(),
            overlay: None,
            input: None,
            width,
            height,
            quit: false,
            open_on_load: false,
            opening: None,
            message: None,
            dirty: true,
            reviewer: String::new(),
            help_scroll: 0,
            pending_export: None,
            messages: Vec::new(),
            overlay_scroll: 0,
            report_view: None,
            no_color: false,
            cross_return: None,
            keymap: Default::default(),
            theme: Default::default(),
            export_folder: PathBuf::from(crate::config::DEFAULT_EXPORT_FOLDER),
            zone: ZoneChoice::default(),
            paper: crate::export::Paper::default(),
        }
    }

    pub fn too_small(&self) -> bool {
        self.width < MIN_WIDTH || self.height < MIN_HEIGHT
    }

    pub fn area(&self) -> Rect {
        Rect::new(0, 0, self.width, self.height)
    }

    /// The screen keys are read for.
    pub fn context(&self) -> super::action::Context {
        match self.screen {
            Screen::Library => super::action::Context::Library,
            Screen::Review(_) => super::action::Context::Review,
            Screen::Cross(_) => super::action::Context::Cross,
        }
    }

    /// How hints write the first key of `action` on this screen.
    pub fn key_label(&self, action: super::action::Action) -> String {
        self.keymap
            .label(action, self.context())
            .unwrap_or_else(|| match action {
                // Always there, whatever the keymap says.
                super::action::Action::Quit => "Ctrl-C".to_string(),
                _ => "(no key)".to_string(),
            })
    }

    /// Takes the configuration's keys, theme and defaults.
    pub fn configure(&mut self, config: &crate::config::Config) {
        self.keymap = config.keymap.clone();
        self.theme = config.theme;
        self.export_folder = config.export_folder.clone();
        self.zone = config.zone;
        self.paper = config.paper;
    }
}

/// Says that the configuration file could not be used, and shows why.
pub fn config_failed(app: &mut App, report: FileReport) {
    app.message = Some(format!(
        "{} has errors: hotwash started with the built-in defaults",
        report.path.display()
    ));
    app.overlay = Some(Overlay::Report(report));
}

/// The regions of the review screen. Shared by the view (to draw) and by
/// update (to page and to map mouse clicks), so they always agree.
#[derive(Debug, Clone, Copy)]
pub struct ReviewAreas {
    pub banner_top: Rect,
    pub timeline: Rect,
    pub controls: Rect,
    pub detail: Rect,
    pub status: Rect,
    pub banner_bottom: Rect,
}

/// `lists` is how many rows the longer of the Timeline and the Controls
/// has (the whole timeline, not a filtered one, so that the panes keep
/// their size while the analyst filters and steps). The two lists get up
/// to 58% of the height, but no rows they would leave blank: those go to
/// the detail (or Findings) pane below, whose text is what overflows. The
/// split never depends on the selected event, so panes do not jump while
/// stepping through the timeline.
pub fn review_areas(area: Rect, lists: usize) -> ReviewAreas {
    let split = |main: Constraint| {
        Layout::vertical([
            Constraint::Length(1),
            main,
            Constraint::Fill(1),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas::<5>(area)
    };
    let share = split(Constraint::Percentage(58))[1].height;
    let wanted = u16::try_from(lists.max(1).saturating_add(2)).unwrap_or(u16::MAX);
    let [banner_top, main, detail, status, banner_bottom] =
        split(Constraint::Length(share.min(wanted)));
    let [timeline, controls] =
        Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(main);
    ReviewAreas {
        banner_top,
        timeline,
        controls,
        detail,
        status,
        banner_bottom,
    }
}

/// The regions of the library screen.
pub fn library_areas(area: Rect) -> (Rect, Rect, Rect) {
    let [title, list, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    (title, list, status)
}

/// Rows of a bordered pane.
pub fn inner_height(r: Rect) -> usize {
    usize::from(r.height.saturating_sub(2))
}

/// How the library list is laid out in its pane: one row per record with a
/// header when the terminal is wide, three lines per record without one when
/// it is narrow (the title, its period and markings, its counts), so that
/// titles stay readable and no count is dropped at 80 columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LibraryRows {
    pub header: usize,
    pub row_height: usize,
    /// How many records fit.
    pub capacity: usize,
}

pub const WIDE_LIBRARY: u16 = 110;

/// Lines a record takes in the narrow library.
pub const NARROW_ROWS: usize = 3;

pub fn library_rows(list: Rect) -> LibraryRows {
    let (header, row_height) = if list.width >= WIDE_LIBRARY {
        (1, 1)
    } else {
        (0, NARROW_ROWS)
    };
    let capacity = (inner_height(list).saturating_sub(header) / row_height).max(1);
    LibraryRows {
        header,
        row_height,
        capacity,
    }
}

/// The first library row shown, keeping the selection on screen.
pub fn library_offset(selected: usize, capacity: usize) -> usize {
    selected.saturating_sub(capacity.max(1) - 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::hash::{hashers_made, tests::signed_files};

    #[test]
    fn opening_a_signed_review_hashes_the_record_once() {
        for stale in [false, true] {
            let (_dir, path) = signed_files(stale);
            let before = hashers_made();
            let opened = open_record(&path, &LoadOptions::default(), false)
                .unwrap_or_else(|r| panic!("opens: {r:#?}"));
            let review = opened.review.expect("a review");
            // The review's check and the screen's sign-off state.
            assert_eq!(
                matches!(review.signoff, SignStatus::Stale(_)),
                stale,
                "{:?}",
                review.signoff
            );
            assert!(opened.bundle.hashed());
            // And the report of an export from the workbench.
            let report = crate::report::build_decided(
                opened.bundle.written(),
                &opened.bundle.record,
                &review.review,
                opened.bundle.lazy_hasher(),
                &Default::default(),
            );
            assert_eq!(
                report.signoff.status == crate::report::SignOffStatus::Stale,
                stale
            );
            assert_eq!(hashers_made() - before, 1, "stale: {stale}");
        }
    }
}
