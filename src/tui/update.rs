//! `update`: how the state answers each message. No I/O and no clock here;
//! anything that needs the outside world is returned as an [`Effect`].

use std::path::PathBuf;
use std::sync::Arc;

use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use chrono::{DateTime, Utc};

use super::action::Action;
use super::app::{
    Access, App, Bundle, Confirm, ConfirmAction, Entry, EntryState, Input, InputPurpose,
    LinkTarget, Loading, OpenedRecord, Opening, Overlay, Pane, Pending, ReviewScreen, ReviewState,
    Rows, Screen, UNDO_DEPTH, inner_height, library_areas, library_rows,
};
use super::form::{ExportForm, ExportOutcome, ExportRequest, FindingForm, FormOutcome, NoteForm};
use crate::load::FileReport;
use crate::model::{Level, SignOff};
use crate::review::{Applied, Edit};

/// Something that happened.
#[derive(Debug)]
pub enum Msg {
    Input(Event),
    /// The loader started on a file (path, size in bytes).
    LoadStarted {
        path: PathBuf,
        size: u64,
        done: usize,
        total: usize,
    },
    /// A record of the library, summarised; they come in the folder's order.
    Loaded(Entry),
    LoadFinished,
    /// Library entry `entry` (at `path`) read in full to be opened, or why not.
    Opened {
        entry: usize,
        path: PathBuf,
        result: Result<OpenedRecord, FileReport>,
    },
    /// The library folder could not be listed.
    LibraryFailed(String),
    /// How the last save went.
    Saved(SaveOutcome),
    /// The review was read again from disk; `reapply` are the unsaved
    /// edits to make again on top of it, `dropped` how many unsaved changes
    /// the analyst chose to drop.
    ReviewReloaded {
        state: ReviewState,
        reapply: Vec<Edit>,
        dropped: usize,
    },
    /// The clock, for a sign-off the analyst confirmed.
    SignOffAt(DateTime<Utc>),
    /// The open record's file changed on disk.
    RecordChanged,
    /// The open record's review file changed on disk, not by us.
    ReviewChangedOnDisk,
    /// A watched file was written (perhaps by hotwash itself); the runtime
    /// checks whether it really changed before saying `ReviewChangedOnDisk`.
    FileTouched(PathBuf),
    /// The open record, read again.
    RecordReloaded(Result<Arc<Bundle>, FileReport>),
    /// Something the runtime tried failed; tell the analyst.
    Failed(String),
    /// Something the runtime did that the analyst should know of.
    Said(String),
    /// How an export went.
    Exported(ExportResult),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportResult {
    /// Written; what to tell the analyst.
    Wrote(String),
    /// The file (named here) exists: ask before overwriting.
    Exists(PathBuf),
    Failed(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveOutcome {
    Saved,
    ChangedOnDisk,
    Failed(String),
}

/// Something for the runtime to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Quit,
    /// Write the open review to disk.
    Save,
    /// Read the open review again, then make the edits `reapply` again
    /// on top of it; `dropped` unsaved changes are not made again.
    ReloadReview {
        reapply: Vec<Edit>,
        dropped: usize,
    },
    /// Read the clock and answer with `Msg::SignOffAt`.
    SignOffNow,
    /// Open the record in the analyst's editor at this event (index in the record).
    EditRecord {
        event: usize,
    },
    /// Read the open record again.
    ReloadRecord,
    /// Read library entry `entry`'s record in full (and its review, unless
    /// the entry kept the one it was closed with) and answer with
    /// `Msg::Opened`; off the main thread when it is big.
    OpenRecord {
        entry: usize,
        path: PathBuf,
        size: u64,
        kept_review: bool,
    },
    /// Write a report of the open review.
    Export {
        request: ExportRequest,
        force: bool,
    },
}

pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    let before = app.message.clone();
    let effects = answer(app, msg);
    super::messages::record(app, before.as_deref());
    super::reports::settle(app);
    // Whatever moved (the selection, the pane's size, the zone), the text
    // panes' remembered rows now fit it; drawing never has to wrap above
    // the pane.
    let area = app.area();
    if let Screen::Review(r) = &mut app.screen {
        let areas = r.areas(area);
        r.settle_detail(areas.detail);
        r.settle_finding(areas.detail);
        keep_finding_visible(r, areas.detail);
    }
    effects
}

fn answer(app: &mut App, msg: Msg) -> Vec<Effect> {
    // Anything but an unbound key or a key release changes what is shown.
    let ignored = match &msg {
        Msg::Input(Event::Key(key)) => {
            key.kind == KeyEventKind::Release
                || (app.input.is_none()
                    && app.overlay.is_none()
                    && app.keymap.action_for(key, app.context()).is_none()
                    && !(key.code == KeyCode::Char('c')
                        && key.modifiers.contains(KeyModifiers::CONTROL)))
        }
        Msg::Input(Event::FocusGained | Event::FocusLost) => true,
        _ => false,
    };
    if !ignored {
        app.dirty = true;
    }
    match msg {
        Msg::Input(Event::Key(key)) if key.kind != KeyEventKind::Release => on_key(app, key),
        Msg::Input(Event::Mouse(mouse)) => {
            super::mouse::on_mouse(app, mouse);
            keep_visible(app);
            Vec::new()
        }
        Msg::Input(Event::Resize(w, h)) => {
            app.width = w;
            app.height = h;
            keep_visible(app);
            Vec::new()
        }
        Msg::Input(_) => Vec::new(),
        Msg::LoadStarted {
            path,
            size,
            done,
            total,
        } => {
            // Files load in parallel: how many are done is counted as
            // they come in, whichever file started last.
            let done = app
                .library
                .loading
                .as_ref()
                .map_or(done, |l| l.done.max(done));
            app.library.loading = Some(Loading {
                current: Some(path),
                size,
                done,
                total,
            });
            Vec::new()
        }
        Msg::Loaded(entry) => {
            app.library.push(entry);
            if let Some(l) = &mut app.library.loading {
                l.done += 1;
            }
            Vec::new()
        }
        Msg::LoadFinished => {
            app.library.loading = None;
            // A record named on the command line opens once it is there,
            // unless it is being opened already.
            if std::mem::take(&mut app.open_on_load) && app.opening.is_none() {
                return open_entry(app, 0, false);
            }
            Vec::new()
        }
        Msg::Opened {
            entry,
            path,
            result,
        } => opened(app, entry, path, result),
        Msg::LibraryFailed(message) => {
            app.library.loading = None;
            app.library.error = Some(message);
            Vec::new()
        }
        Msg::Saved(outcome) => on_saved(app, outcome),
        Msg::ReviewReloaded {
            state,
            reapply,
            dropped,
        } => on_review_reloaded(app, state, reapply, dropped),
        Msg::SignOffAt(at) => {
            let Screen::Review(r) = &app.screen else {
                return Vec::new();
            };
            let signoff = SignOff {
                reviewer: app.reviewer.clone(),
                at,
                hash: r.bundle.hasher().hash(&r.state.review),
            };
            apply_edit(app, Edit::SignOff(signoff))
        }
        Msg::RecordChanged => match app.screen {
            Screen::Review(_) => vec![Effect::ReloadRecord],
            Screen::Library | Screen::Cross(_) => Vec::new(),
        },
        Msg::ReviewChangedOnDisk => {
            let Screen::Review(r) = &mut app.screen else {
                return Vec::new();
            };
            if r.state.pending.is_empty() {
                return vec![Effect::ReloadReview {
                    reapply: Vec::new(),
                    dropped: 0,
                }];
            }
            r.state.unsaved = Some("the review file changed on disk".into());
            conflict(app);
            Vec::new()
        }
        Msg::RecordReloaded(result) => {
            super::reports::record_reloaded(app, result);
            keep_visible(app);
            Vec::new()
        }
        Msg::FileTouched(_) => Vec::new(),
        Msg::Exported(result) => {
            match result {
                ExportResult::Wrote(m) | ExportResult::Failed(m) => app.message = Some(m),
                ExportResult::Exists(path) => {
                    if let Some(request) = app.pending_export.take() {
                        app.overlay = Some(Overlay::Confirm(Confirm {
                            question: format!("{} exists. Overwrite it? y/n", path.display()),
                            action: ConfirmAction::Overwrite(request),
                        }));
                    }
                }
            }
            Vec::new()
        }
        Msg::Failed(message) | Msg::Said(message) => {
            app.message = Some(message);
            Vec::new()
        }
    }
}

fn on_saved(app: &mut App, outcome: SaveOutcome) -> Vec<Effect> {
    let Screen::Review(r) = &mut app.screen else {
        return Vec::new();
    };
    match outcome {
        SaveOutcome::Saved => {
            // Said only now that the bytes are on disk.
            let saved = match summarise(&r.state.pending) {
                Some(changes) => format!("saved: {changes}"),
                // Nothing pending: an undo of the last unsaved change, whose
                // message is already up.
                None => match app.message.take() {
                    Some(m) => format!("{m}; saved"),
                    None => "saved".into(),
                },
            };
            app.message = Some(match r.state.reloaded.take() {
                Some(reloaded) => format!("{saved} ({reloaded})"),
                None => saved,
            });
            r.state.pending.clear();
            r.state.unsaved = None;
            Vec::new()
        }
        SaveOutcome::ChangedOnDisk if r.state.pending.is_empty() => {
            // Nothing of ours to lose: take theirs.
            vec![Effect::ReloadReview {
                reapply: Vec::new(),
                dropped: 0,
            }]
        }
        SaveOutcome::ChangedOnDisk => {
            r.state.reloaded = None;
            r.state.unsaved = Some("the review file changed on disk".into());
            conflict(app);
            Vec::new()
        }
        SaveOutcome::Failed(why) => {
            r.state.reloaded = None;
            app.message = Some(format!("NOT SAVED: {why}"));
            r.state.unsaved = Some(why);
            Vec::new()
        }
    }
}

/// The pending changes in a few words, for the status line.
fn summarise(pending: &[Pending]) -> Option<String> {
    match pending {
        [] => None,
        [..] if pending.len() <= 3 => Some(
            pending
                .iter()
                .map(|p| p.summary.as_str())
                .collect::<Vec<_>>()
                .join("; "),
        ),
        [.., last] => Some(format!(
            "{} changes (the last: {})",
            pending.len(),
            last.summary
        )),
    }
}

/// The review file changed on disk under unsaved changes: say so and ask
/// what to do, unless a form is open (its text would be lost); the question
/// then comes with its save.
fn conflict(app: &mut App) {
    let busy = matches!(
        app.overlay,
        Some(
            Overlay::Finding(_)
                | Overlay::Note(_)
                | Overlay::Confirm(_)
                | Overlay::Link { .. }
                | Overlay::Export(_)
                | Overlay::MergeConflicts(_)
                | Overlay::Candidates(_)
        )
    );
    if busy {
        app.message = Some(
            "the review file changed on disk; your unsaved changes wait: you choose when you save"
                .into(),
        );
        return;
    }
    app.message = Some(
        "NOT SAVED: someone else changed the review file on disk; the box says what now".into(),
    );
    app.overlay = Some(Overlay::Conflict);
}

/// The review as it is on disk now, with the analyst's unsaved edits made
/// again on top of it, in order. New findings take the next free ids of the
/// version on disk. Their save follows; its outcome is what the status
/// line says.
fn on_review_reloaded(
    app: &mut App,
    state: ReviewState,
    reapply: Vec<Edit>,
    dropped: usize,
) -> Vec<Effect> {
    let Screen::Review(r) = &mut app.screen else {
        return Vec::new();
    };
    if matches!(app.overlay, Some(Overlay::Conflict)) {
        app.overlay = None;
    }
    if let Access::ReadOnly(report) = &state.access
        && !reapply.is_empty()
    {
        // Their version cannot be used: keep ours rather than lose it.
        app.message = Some(
            "NOT SAVED: the review file on disk cannot be used now; your changes are kept".into(),
        );
        r.state.unsaved = Some("the review file on disk cannot be used".into());
        app.overlay = Some(Overlay::Report(report.clone()));
        return Vec::new();
    }
    r.state = state;
    r.review_changed();
    r.finding = r
        .finding
        .min(r.state.review.findings.len().saturating_sub(1));
    if reapply.is_empty() && app.overlay.is_none() {
        // A merge pulled in under the open review may have left conflicts.
        super::merge_conflicts::open_if_any(app);
    }
    let wanted = reapply.len();
    let mut failed = Vec::new();
    for edit in reapply {
        match apply(app, edit) {
            Ok(applied) => select_finding(app, applied.finding.as_deref()),
            Err(why) => failed.push(why),
        }
    }
    let made = wanted - failed.len();
    let changes = |n: usize| match n {
        1 => "your change".to_string(),
        n => format!("your {n} changes"),
    };
    let mut said = if made > 0 {
        "made again on the review as changed on disk".to_string()
    } else if dropped > 0 {
        format!(
            "reloaded the review from disk and dropped {}",
            changes(dropped)
        )
    } else {
        "the review changed on disk: reloaded it".to_string()
    };
    if !failed.is_empty() {
        said.push_str(&format!(
            "; {} could not be made again: {}",
            changes(failed.len()),
            failed.join("; ")
        ));
    }
    if made > 0 && dropped > 0 {
        said.push_str(&format!("; {} left out", changes(dropped)));
    }
    if made == 0 {
        app.message = Some(said);
        return Vec::new();
    }
    if let Screen::Review(r) = &mut app.screen {
        r.state.reloaded = Some(said);
    }
    vec![Effect::Save]
}

/// Applies an analyst's change to the open review and keeps it pending
/// until the disk has it. The error is for the status line.
/// What a bundled record says when asked to change.
pub const BUNDLED_READ_ONLY: &str =
    "READ-ONLY (bundled with hotwash): `hotwash init` writes an editable copy";

pub(super) fn read_only_message(state: &ReviewState) -> &'static str {
    match state.access {
        Access::Bundled => BUNDLED_READ_ONLY,
        _ => "this review is read-only",
    }
}

pub(super) fn apply(app: &mut App, edit: Edit) -> Result<Applied, String> {
    let Screen::Review(r) = &mut app.screen else {
        return Err("no record is open".into());
    };
    if matches!(r.state.access, Access::Bundled) {
        return Err(BUNDLED_READ_ONLY.into());
    }
    if r.state.read_only() {
        return Err("this review is read-only: its file could not be used (? for help)".into());
    }
    let before = r.state.review.clone();
    let applied = edit.apply(&mut r.state.review).map_err(|e| e.to_string())?;
    r.state.undo.push(before);
    if r.state.undo.len() > UNDO_DEPTH {
        r.state.undo.remove(0);
    }
    r.review_changed();
    r.state.pending.push(Pending {
        edit: Some(edit),
        summary: applied.summary.clone(),
    });
    Ok(applied)
}

/// Shows finding `id` in the Findings pane, by the id it got when applied
/// (a new finding learns its id only then).
fn select_finding(app: &mut App, id: Option<&str>) {
    let Screen::Review(r) = &mut app.screen else {
        return;
    };
    if let Some(i) = id.and_then(|id| r.state.review.findings.iter().position(|f| f.id == id)) {
        r.findings_open = true;
        r.finding = i;
        // The finding just saved is the one the analyst reads next: J/K
        // scroll it and the pane shows it selected, not the timeline.
        r.focus = Pane::Findings;
    }
}

/// Applies an analyst's change and asks for it to be saved.
fn apply_edit(app: &mut App, edit: Edit) -> Vec<Effect> {
    match apply(app, edit) {
        Ok(_) => vec![Effect::Save],
        Err(why) => {
            app.message = Some(why);
            Vec::new()
        }
    }
}

fn on_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
        app.quit = true;
        return vec![Effect::Quit];
    }
    if app.input.is_some() {
        on_input_key(app, key);
        return Vec::new();
    }
    if let Some(effects) = modal_key(app, key) {
        return effects;
    }
    app.message = None;
    let Some(action) = app.keymap.action_for(&key, app.context()) else {
        return Vec::new();
    };
    if action == Action::Quit {
        if let Screen::Review(r) = &app.screen
            && let Some(why) = &r.state.unsaved
        {
            app.overlay = Some(Overlay::Confirm(Confirm {
                question: format!(
                    "{} not saved ({why}). Quit anyway? y/n",
                    match r.state.pending.len() {
                        1 => "Your last change is".to_string(),
                        n => format!("Your last {n} changes are"),
                    }
                ),
                action: ConfirmAction::QuitUnsaved,
            }));
            return Vec::new();
        }
        app.quit = true;
        return vec![Effect::Quit];
    }
    if app.overlay.is_some() {
        // Read-only overlays take Esc, Enter and their own key; nothing else leaks through.
        let help = matches!(app.overlay, Some(Overlay::Help));
        let log = matches!(app.overlay, Some(Overlay::Messages));
        let report = super::reports::shown(app).is_some();
        match action {
            Action::Back | Action::Open => app.overlay = None,
            Action::Help if help => app.overlay = None,
            Action::Messages if log => app.overlay = None,
            Action::Messages => super::messages::open(app),
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom
                if log || report =>
            {
                if log {
                    super::messages::scroll(app, action)
                } else {
                    super::reports::scroll(app, action)
                }
            }
            Action::Down | Action::PageDown if help => {
                let total = crate::tui::view::help::lines(&app.keymap, app.context()).len();
                let visible = usize::from(app.height).min(total + 2).saturating_sub(2);
                app.help_scroll = (app.help_scroll + 1).min(total.saturating_sub(visible));
            }
            Action::Up | Action::PageUp if help => {
                app.help_scroll = app.help_scroll.saturating_sub(1);
            }
            _ => {}
        }
        return Vec::new();
    }
    if action == Action::Help {
        app.help_scroll = 0;
        app.overlay = Some(Overlay::Help);
        return Vec::new();
    }
    if action == Action::Messages {
        super::messages::open(app);
        return Vec::new();
    }
    match &mut app.screen {
        // Esc while a record opens: it does not.
        Screen::Library | Screen::Cross(_) if action == Action::Back && app.opening.is_some() => {
            app.opening = None;
            app.message = Some("not opened".into());
            Vec::new()
        }
        Screen::Library => library_action(app, action),
        Screen::Review(_) => review_action(app, action),
        Screen::Cross(_) => cross_action(app, action),
    }
}

/// Keys for the overlays that take text or a decision: forms, the note
/// editor, questions, the link picker and the conflict prompt. `None` when
/// no such overlay is open.
fn modal_key(app: &mut App, key: KeyEvent) -> Option<Vec<Effect>> {
    let overlay = app.overlay.take()?;
    let effects = match overlay {
        Overlay::Finding(mut form) => match form.key(key) {
            FormOutcome::Continue => {
                app.overlay = Some(Overlay::Finding(form));
                Vec::new()
            }
            FormOutcome::Save(edit) => match apply(app, edit) {
                Ok(applied) => {
                    select_finding(app, applied.finding.as_deref());
                    vec![Effect::Save]
                }
                Err(why) => {
                    app.message = Some(why);
                    Vec::new()
                }
            },
            FormOutcome::Cancel => {
                app.message = Some("closed the form without saving".into());
                Vec::new()
            }
        },
        Overlay::Note(mut form) => match form.key(key) {
            FormOutcome::Continue => {
                app.overlay = Some(Overlay::Note(form));
                Vec::new()
            }
            FormOutcome::Save(edit) => apply_edit(app, edit),
            FormOutcome::Cancel => Vec::new(),
        },
        Overlay::Confirm(confirm) => match key.code {
            KeyCode::Char('y') | KeyCode::Char('Y') => confirmed(app, confirm.action),
            _ => {
                app.message = Some("cancelled".into());
                Vec::new()
            }
        },
        Overlay::Link { target, selected } => link_key(app, key, target, selected),
        Overlay::Export(mut form) => match form.key(key) {
            ExportOutcome::Continue => {
                app.overlay = Some(Overlay::Export(form));
                Vec::new()
            }
            ExportOutcome::Export(request) => {
                app.pending_export = Some(request.clone());
                vec![Effect::Export {
                    request,
                    force: false,
                }]
            }
            ExportOutcome::Cancel => Vec::new(),
        },
        Overlay::Conflict => conflict_key(app, key),
        Overlay::MergeConflicts(state) => super::merge_conflicts::key(app, state, key),
        Overlay::Candidates(state) => super::candidates::key(app, state, key),
        other => {
            app.overlay = Some(other);
            return None;
        }
    };
    Some(effects)
}

/// r makes the unsaved edits again on the version on disk, d drops them,
/// Esc keeps them unsaved; any other key leaves the question up.
fn conflict_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let Screen::Review(r) = &mut app.screen else {
        return Vec::new();
    };
    let edits: Vec<Edit> = r
        .state
        .pending
        .iter()
        .filter_map(|p| p.edit.clone())
        .collect();
    let all = r.state.pending.len();
    match key.code {
        KeyCode::Char('r') if !edits.is_empty() => {
            let dropped = all - edits.len();
            vec![Effect::ReloadReview {
                reapply: edits,
                dropped,
            }]
        }
        KeyCode::Char('d') => vec![Effect::ReloadReview {
            reapply: Vec::new(),
            dropped: all,
        }],
        KeyCode::Esc => {
            app.message = Some(format!(
                "NOT SAVED: {} kept unsaved; the next change asks again",
                match all {
                    1 => "your change is".to_string(),
                    n => format!("your {n} changes are"),
                }
            ));
            Vec::new()
        }
        _ => {
            app.overlay = Some(Overlay::Conflict);
            Vec::new()
        }
    }
}

fn confirmed(app: &mut App, action: ConfirmAction) -> Vec<Effect> {
    match action {
        ConfirmAction::DeleteFinding(id) => {
            let effects = apply_edit(app, Edit::DeleteFinding(id));
            if let Screen::Review(r) = &mut app.screen {
                r.finding = r
                    .finding
                    .min(r.state.review.findings.len().saturating_sub(1));
            }
            effects
        }
        ConfirmAction::SignOff => vec![Effect::SignOffNow],
        ConfirmAction::QuitUnsaved => {
            app.quit = true;
            vec![Effect::Quit]
        }
        ConfirmAction::Overwrite(request) => vec![Effect::Export {
            request,
            force: true,
        }],
    }
}

fn link_key(app: &mut App, key: KeyEvent, target: LinkTarget, selected: usize) -> Vec<Effect> {
    let Screen::Review(r) = &app.screen else {
        return Vec::new();
    };
    let count = r.state.review.findings.len();
    let mut selected = selected.min(count.saturating_sub(1));
    let mut effects = Vec::new();
    match key.code {
        KeyCode::Esc | KeyCode::Char('q') => return Vec::new(),
        KeyCode::Up | KeyCode::Char('k') => selected = selected.saturating_sub(1),
        KeyCode::Down | KeyCode::Char('j') => {
            selected = (selected + 1).min(count.saturating_sub(1))
        }
        KeyCode::Enter | KeyCode::Char(' ') => {
            if let Some(f) = r.state.review.findings.get(selected) {
                let finding = f.id.clone();
                let edit = match &target {
                    LinkTarget::Event(event) => Edit::SetEventLink {
                        linked: !f.events.contains(event),
                        finding,
                        event: event.clone(),
                    },
                    LinkTarget::Control(control) => Edit::SetControlLink {
                        linked: !f.controls.contains(control),
                        finding,
                        control: control.clone(),
                    },
                };
                effects = apply_edit(app, edit);
            }
        }
        _ => {}
    }
    app.overlay = Some(Overlay::Link { target, selected });
    effects
}

fn on_input_key(app: &mut App, key: KeyEvent) {
    let Some(input) = &mut app.input else { return };
    match key.code {
        KeyCode::Esc => {
            let purpose = input.purpose;
            app.input = None;
            if purpose == InputPurpose::Filter {
                app.library.filter.clear();
                app.library.refilter();
            }
        }
        KeyCode::Enter => {
            let Some(input) = app.input.take() else {
                return;
            };
            match input.purpose {
                InputPurpose::Filter => {}
                InputPurpose::Search => {
                    super::search::run(app, input.text);
                    keep_visible(app);
                }
            }
        }
        KeyCode::Backspace => {
            input.text.pop();
            live_filter(app);
        }
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
            input.text.push(c);
            live_filter(app);
        }
        _ => {}
    }
}

/// The library filter follows each keystroke; it is cheap (one row per file).
fn live_filter(app: &mut App) {
    if let Some(Input {
        purpose: InputPurpose::Filter,
        text,
    }) = &app.input
    {
        app.library.filter = text.clone();
        app.library.refilter();
    }
}

fn library_action(app: &mut App, action: Action) -> Vec<Effect> {
    let page = library_rows(library_areas(app.area()).1).capacity;
    let lib = &mut app.library;
    let last = lib.shown.len().saturating_sub(1);
    match action {
        Action::Up => lib.selected = lib.selected.saturating_sub(1),
        Action::Down => lib.selected = (lib.selected + 1).min(last),
        Action::Top => lib.selected = 0,
        Action::Bottom => lib.selected = last,
        Action::PageUp => lib.selected = lib.selected.saturating_sub(page),
        Action::PageDown => lib.selected = (lib.selected + page).min(last),
        Action::Search => {
            app.input = Some(Input {
                purpose: InputPurpose::Filter,
                text: lib.filter.clone(),
            });
        }
        Action::Back => {
            lib.filter.clear();
            lib.refilter();
        }
        Action::Open => return open_selected(app),
        Action::CrossIncidents => super::cross::update::open(app),
        _ => {}
    }
    Vec::new()
}

/// Keys of the controls-across-incidents view; Enter on a cell opens its
/// incident at the first event the cell counts, with the control selected.
fn cross_action(app: &mut App, action: Action) -> Vec<Effect> {
    if action == Action::Back {
        app.screen = Screen::Library;
        return Vec::new();
    }
    let Some((entry, event, control)) = super::cross::update::action(app, action) else {
        return Vec::new();
    };
    let effects = open_entry(app, entry, true);
    if let Some(opening) = &mut app.opening {
        opening.at = Some((event, control));
    }
    effects
}

/// Selects `event` (index in the record) and `control` (its id) in the
/// review just opened from the view across incidents.
fn select_from_cross(app: &mut App, event: usize, control: &str) {
    let Screen::Review(r) = &mut app.screen else {
        return;
    };
    if let Some(row) = (0..r.rows.len()).find(|&row| {
        r.rows
            .position(row)
            .and_then(|p| r.bundle.timeline.event_at(p))
            == Some(event)
    }) {
        r.selected = row;
    }
    if let Some(c) = r
        .bundle
        .record
        .controls
        .iter()
        .position(|c| c.id == control)
    {
        r.control = c;
    }
    let id = r.event_id().unwrap_or_default().to_string();
    app.message = Some(format!(
        "{control} first at {id} here · Esc: back to the controls across incidents"
    ));
    keep_visible(app);
}

fn open_selected(app: &mut App) -> Vec<Effect> {
    match app.library.shown.get(app.library.selected) {
        Some(&index) => open_entry(app, index, true),
        None => Vec::new(),
    }
}

/// Starts opening library entry `index`: its record is read in full (the
/// library holds only its summary), and `opened` shows it. A record that
/// did not load shows its diagnostics instead.
fn open_entry(app: &mut App, index: usize, from_library: bool) -> Vec<Effect> {
    let Some(entry) = app.library.entries.get(index) else {
        return Vec::new();
    };
    let size = match &entry.state {
        EntryState::Summarised(s) => s.size,
        EntryState::Failed(_) => {
            app.overlay = Some(Overlay::Diagnostics(index));
            return Vec::new();
        }
    };
    app.opening = Some(Opening {
        entry: index,
        path: entry.path.clone(),
        size,
        from_library,
        at: None,
    });
    vec![Effect::OpenRecord {
        entry: index,
        path: entry.path.clone(),
        size,
        kept_review: entry.review.is_some(),
    }]
}

/// A record read in full for opening: shown in the review screen with the
/// review, if it is still the one being opened. One that no longer loads
/// becomes an error row and shows why.
fn opened(
    app: &mut App,
    index: usize,
    path: PathBuf,
    result: Result<OpenedRecord, FileReport>,
) -> Vec<Effect> {
    let wanted = app
        .opening
        .as_ref()
        .is_some_and(|o| o.entry == index && o.path == path);
    let Some(entry) = app.library.entries.get_mut(index).filter(|_| wanted) else {
        return Vec::new();
    };
    let Some(opening) = app.opening.take() else {
        return Vec::new();
    };
    let OpenedRecord { bundle, review } = match result {
        Ok(opened) => opened,
        Err(report) => {
            entry.state = EntryState::Failed(report);
            entry.review = None;
            app.overlay = Some(Overlay::Diagnostics(index));
            return Vec::new();
        }
    };
    let state = match review.or_else(|| entry.review.take()) {
        Some(state) => state,
        // The kept review went (it should not): read the one on disk.
        None => {
            app.opening = Some(opening);
            return vec![Effect::OpenRecord {
                entry: index,
                path,
                size: 0,
                kept_review: false,
            }];
        }
    };
    let mut state = state;
    // A kept review was worked out against the record as it was then.
    state.refresh(&bundle);
    // What was read meanwhile (help, another record's diagnostics) belongs
    // to the screen being left.
    if matches!(
        app.overlay,
        Some(Overlay::Help | Overlay::Diagnostics(_) | Overlay::Messages)
    ) {
        app.overlay = None;
    }
    let cross = match opening.at {
        Some(_) => match std::mem::replace(&mut app.screen, Screen::Library) {
            Screen::Cross(cross) => Some(cross),
            other => {
                app.screen = other;
                None
            }
        },
        None => None,
    };
    show_review(app, bundle, index, state, opening.from_library);
    if let (Some(cross), Some((event, control))) = (cross, opening.at) {
        app.cross_return = Some(cross);
        select_from_cross(app, event, &control);
    }
    Vec::new()
}

/// Shows `bundle` with `state` in the review screen, saying at once what
/// the analyst must know of its review.
fn show_review(
    app: &mut App,
    bundle: std::sync::Arc<Bundle>,
    index: usize,
    state: ReviewState,
    from_library: bool,
) {
    let read_only = match &state.access {
        Access::ReadOnly(report) => Some(report.clone()),
        Access::Writable(_) | Access::Bundled => None,
    };
    let bundled = matches!(state.access, Access::Bundled);
    let notice = state.notice.clone();
    let mut screen = ReviewScreen::new(bundle, index, state, from_library);
    screen.zone = app.zone;
    app.screen = Screen::Review(Box::new(screen));
    // Say at once why the review cannot be written, or what is off with it.
    if bundled {
        app.message = Some(BUNDLED_READ_ONLY.into());
    } else if let Some(report) = read_only {
        app.message =
            Some("READ-ONLY: the review file could not be used and will not be written".into());
        app.overlay = Some(Overlay::Report(report));
    } else if let Some(report) = notice {
        app.message = report.diagnostics.first().map(|d| d.message.clone());
    }
    // A review fresh from a git merge: what is left to decide comes first,
    // after a warning of its marking.
    super::merge_conflicts::open_if_any(app);
    // A classified banner with TLP:CLEAR is said before anything else.
    if let Screen::Review(r) = &app.screen
        && let Some(warning) =
            crate::model::marking::clear_but_classified(r.state.banner, r.bundle.record.tlp)
    {
        app.message = Some(match app.message.take() {
            // The review's own warning of it (a finding raised the banner).
            Some(other) if other.contains(crate::model::marking::CLEAR_BUT_CLASSIFIED) => {
                format!("warning: {other}")
            }
            Some(other) => format!("warning: {warning}. {other}"),
            None => format!("warning: {warning}"),
        });
    }
}

/// Leaves the review screen, giving the review back to its library entry.
fn close_review(app: &mut App) {
    let screen = std::mem::replace(&mut app.screen, Screen::Library);
    if let Screen::Review(r) = screen
        && let Some(entry) = app.library.entries.get_mut(r.entry)
    {
        // The row shows the review as it is now, and the record as last
        // loaded; the record itself is let go.
        let mut summary = r.bundle.summary(&r.state.review);
        if let Some(before) = entry.summary() {
            summary.size = before.size;
        }
        entry.state = EntryState::Summarised(std::sync::Arc::new(summary));
        entry.review = Some(r.state);
    }
    // Opened from the view across incidents: back to it, counted afresh
    // (the record may have changed while it was open).
    if let Some(cross) = app.cross_return.take() {
        app.screen = Screen::Cross(Box::new(cross.rebuilt(&app.library)));
        super::cross::update::keep_visible(app);
    }
}

fn review_action(app: &mut App, action: Action) -> Vec<Effect> {
    if let Some(effects) = review_edit_action(app, action) {
        return effects;
    }
    let area = app.area();
    let Screen::Review(r) = &mut app.screen else {
        return Vec::new();
    };
    let areas = r.areas(area);
    let page = inner_height(areas.timeline).max(1);
    match (action, r.focus) {
        (Action::Back, _) => {
            if r.search.take().is_some() {
                return Vec::new();
            }
            if matches!(r.rows, Rows::Control { .. }) {
                clear_filter(r);
                return Vec::new();
            }
            if r.from_library {
                close_review(app);
            }
            return Vec::new();
        }
        (Action::FocusNext, _) => {
            r.focus = match r.focus {
                Pane::Timeline => Pane::Controls,
                Pane::Controls if r.findings_open => Pane::Findings,
                Pane::Controls | Pane::Findings => Pane::Timeline,
            }
        }
        (Action::CycleZone, _) => r.zone = r.zone.next(),
        (Action::DetailDown, _) => r.scroll_text(areas.detail, 1),
        (Action::DetailUp, _) => r.scroll_text(areas.detail, -1),
        (Action::DetailPageDown, _) => r.scroll_text(areas.detail, r.text_page(areas.detail)),
        (Action::DetailPageUp, _) => r.scroll_text(areas.detail, -r.text_page(areas.detail)),
        (Action::Search, _) => {
            let text = r
                .search
                .as_ref()
                .map(|s| s.query.clone())
                .unwrap_or_default();
            app.input = Some(Input {
                purpose: InputPurpose::Search,
                text,
            });
        }
        (Action::Next | Action::Previous, _) => {
            app.message = super::step::step(r, action == Action::Next);
        }
        (Action::Open, Pane::Controls) => filter_by_control(r),
        (Action::Open, Pane::Timeline) => {}
        (Action::Open, Pane::Findings) => return edit_finding(app),
        (a, Pane::Findings) => {
            let last = r.state.review.findings.len().saturating_sub(1);
            let page = super::finding_text::list_capacity(areas.detail);
            r.finding = match a {
                Action::Up => r.finding.saturating_sub(1),
                Action::Down => (r.finding + 1).min(last),
                Action::Top => 0,
                Action::Bottom => last,
                Action::PageUp => r.finding.saturating_sub(page),
                Action::PageDown => (r.finding + page).min(last),
                _ => r.finding,
            };
        }
        (a, Pane::Timeline) => {
            let last = r.rows.len().saturating_sub(1);
            r.selected = match a {
                Action::Up => r.selected.saturating_sub(1),
                Action::Down => (r.selected + 1).min(last),
                Action::Top => 0,
                Action::Bottom => last,
                Action::PageUp => r.selected.saturating_sub(page),
                Action::PageDown => (r.selected + page).min(last),
                _ => r.selected,
            };
        }
        (a, Pane::Controls) => {
            let last = r.bundle.record.controls.len().saturating_sub(1);
            let page = inner_height(areas.controls).max(1);
            r.control = match a {
                Action::Up => r.control.saturating_sub(1),
                Action::Down => (r.control + 1).min(last),
                Action::Top => 0,
                Action::Bottom => last,
                Action::PageUp => r.control.saturating_sub(page),
                Action::PageDown => (r.control + page).min(last),
                _ => r.control,
            };
        }
    }
    keep_visible(app);
    Vec::new()
}

/// The actions that change the review, or open a form to do so. `None`
/// for the others.
fn review_edit_action(app: &mut App, action: Action) -> Option<Vec<Effect>> {
    // Messages below name the keys in force.
    let new_finding_key = app.key_label(Action::NewFinding);
    let undo_key = app.key_label(Action::Undo);
    let Screen::Review(r) = &mut app.screen else {
        return None;
    };
    let event = r.event_id().map(str::to_string);
    let effects = match action {
        Action::ToggleReviewed | Action::Flag | Action::Include | Action::Note
            if event.is_none() =>
        {
            app.message = Some("no event is selected".into());
            Vec::new()
        }
        // The keys flip what is shown; the edit records the value chosen.
        Action::ToggleReviewed | Action::Flag | Action::Include => {
            let event = event.unwrap_or_default();
            let mark = r.state.review.mark(&event).cloned();
            let mark = mark.unwrap_or_else(|| crate::model::EventMark::new(event.as_str()));
            let edit = match action {
                Action::ToggleReviewed => Edit::SetReviewed {
                    event,
                    reviewed: !mark.reviewed,
                },
                Action::Flag => Edit::SetFlagged {
                    event,
                    flagged: !mark.flagged,
                },
                _ => Edit::SetIncluded {
                    event,
                    included: !mark.included,
                },
            };
            apply_edit(app, edit)
        }
        Action::Note => {
            let id = event.unwrap_or_default();
            if r.state.read_only() {
                app.message = Some(read_only_message(&r.state).into());
            } else {
                let note = r.state.review.mark(&id).and_then(|m| m.note.clone());
                app.overlay = Some(Overlay::Note(Box::new(NoteForm::new(id, note.as_deref()))));
            }
            Vec::new()
        }
        Action::NewFinding => {
            new_finding(app);
            Vec::new()
        }
        Action::Findings => {
            r.findings_open = !r.findings_open;
            r.focus = if r.findings_open {
                Pane::Findings
            } else if r.focus == Pane::Findings {
                Pane::Timeline
            } else {
                r.focus
            };
            Vec::new()
        }
        Action::EditFinding => edit_finding(app),
        Action::DeleteFinding => {
            if let Some(id) = selected_finding(app) {
                app.overlay = Some(Overlay::Confirm(Confirm {
                    question: format!(
                        "Delete finding {id} and its recommendations? ({undo_key} undoes it) y/n"
                    ),
                    action: ConfirmAction::DeleteFinding(id),
                }));
            }
            Vec::new()
        }
        Action::Link => {
            if r.state.review.findings.is_empty() {
                app.message = Some(format!(
                    "there are no findings yet: {new_finding_key} creates one"
                ));
            } else {
                let target = match r.focus {
                    Pane::Controls => r
                        .bundle
                        .record
                        .controls
                        .get(r.control)
                        .map(|c| LinkTarget::Control(c.id.to_string())),
                    _ => event.map(LinkTarget::Event),
                };
                if let Some(target) = target {
                    app.overlay = Some(Overlay::Link {
                        target,
                        selected: r.finding,
                    });
                }
            }
            Vec::new()
        }
        Action::SignOff | Action::Export if !r.state.review.conflicts.is_empty() => {
            let n = r.state.review.conflicts.len();
            app.message = Some(format!(
                "resolve the {} first: a review two analysts disagree on is not ready to {} (C lists them)",
                crate::wording::count(n, "merge conflict", "merge conflicts"),
                if action == Action::SignOff {
                    "sign off"
                } else {
                    "share"
                }
            ));
            Vec::new()
        }
        Action::Conflicts => {
            super::merge_conflicts::open(app);
            Vec::new()
        }
        Action::Candidates => {
            super::candidates::open(app);
            Vec::new()
        }
        Action::SignOff => {
            if r.state.read_only() {
                app.message = Some(read_only_message(&r.state).into());
            } else {
                let coverage = super::signoff::Coverage::of(
                    &r.bundle.record,
                    &r.bundle.timeline,
                    &r.state.review,
                );
                app.overlay = Some(Overlay::Confirm(super::signoff::confirm(
                    &app.reviewer,
                    &coverage,
                )));
            }
            Vec::new()
        }
        Action::Undo => undo(app),
        Action::Export => {
            let form =
                ExportForm::new(r.bundle.record.id.clone(), levels_of(r), &app.export_folder);
            app.overlay = Some(Overlay::Export(Box::new(form)));
            Vec::new()
        }
        Action::EditRecord if matches!(r.state.access, Access::Bundled) => {
            app.message = Some(BUNDLED_READ_ONLY.into());
            Vec::new()
        }
        Action::EditRecord => match r.event_index() {
            Some(event) => vec![Effect::EditRecord { event }],
            None => Vec::new(),
        },
        _ => return None,
    };
    Some(effects)
}

/// `u`: puts back the review as it was before the last change.
pub(super) fn undo(app: &mut App) -> Vec<Effect> {
    let Screen::Review(r) = &mut app.screen else {
        return Vec::new();
    };
    match r.state.undo.pop() {
        Some(previous) => {
            r.state.review = previous;
            // Undoing a change the disk does not have yet just takes
            // it off the pending list; undoing a saved one is a change
            // of its own, and one that cannot be made again on another
            // version of the file.
            match r.state.pending.last() {
                Some(Pending { edit: Some(_), .. }) => {
                    if let Some(undone) = r.state.pending.pop() {
                        app.message = Some(format!("undid: {}", undone.summary));
                    }
                }
                _ => r.state.pending.push(Pending {
                    edit: None,
                    summary: "undid the last change".into(),
                }),
            }
            r.review_changed();
            r.finding = r
                .finding
                .min(r.state.review.findings.len().saturating_sub(1));
            vec![Effect::Save]
        }
        None => {
            app.message = Some("nothing to undo".into());
            Vec::new()
        }
    }
}

/// The id of the finding selected in the Findings pane, opening the pane
/// (and saying so) when it is closed.
fn selected_finding(app: &mut App) -> Option<String> {
    let new_finding_key = app.key_label(Action::NewFinding);
    let Screen::Review(r) = &mut app.screen else {
        return None;
    };
    if r.state.review.findings.is_empty() {
        app.message = Some(format!(
            "there are no findings yet: {new_finding_key} creates one"
        ));
        return None;
    }
    if !r.findings_open || r.focus != Pane::Findings {
        r.findings_open = true;
        r.focus = Pane::Findings;
        app.message = Some("select a finding here, then press the key again".into());
        return None;
    }
    r.state.review.findings.get(r.finding).map(|f| f.id.clone())
}

/// The levels the record's scheme can mark, for the portion picker.
fn levels_of(r: &ReviewScreen) -> Vec<Level> {
    let scheme = r.bundle.record.classification.scheme;
    Level::ALL
        .into_iter()
        .filter(|l| scheme.banner(*l).is_some())
        .collect()
}

fn new_finding(app: &mut App) {
    let Screen::Review(r) = &mut app.screen else {
        return;
    };
    if r.state.read_only() {
        app.message = Some(read_only_message(&r.state).into());
        return;
    }
    let (events, controls, portion) = match r.event_index() {
        Some(i) => {
            let e = &r.bundle.record.events[i];
            let mut controls: Vec<String> = Vec::new();
            for c in &e.controls {
                if !controls.iter().any(|x| *x == c.control) {
                    controls.push(c.control.to_string());
                }
            }
            (vec![e.id.to_string()], controls, e.portion)
        }
        None => (Vec::new(), Vec::new(), Level::Unclassified),
    };
    let form = FindingForm::new_finding(events, controls, portion, levels_of(r));
    app.overlay = Some(Overlay::Finding(Box::new(form)));
}

fn edit_finding(app: &mut App) -> Vec<Effect> {
    let Some(id) = selected_finding(app) else {
        return Vec::new();
    };
    let Screen::Review(r) = &mut app.screen else {
        return Vec::new();
    };
    if r.state.read_only() {
        app.message = Some(read_only_message(&r.state).into());
        return Vec::new();
    }
    let review = &r.state.review;
    let Some(finding) = review.finding(&id) else {
        return Vec::new();
    };
    let form = FindingForm::edit(finding, &review.recommendations, levels_of(r));
    app.overlay = Some(Overlay::Finding(Box::new(form)));
    Vec::new()
}

fn filter_by_control(r: &mut ReviewScreen) {
    let positions = r.bundle.timeline.touching(r.control);
    let keep = r.position();
    r.rows = Rows::Control {
        control: r.control,
        positions,
    };
    r.selected = keep.and_then(|p| nearest_row(&r.rows, p)).unwrap_or(0);
    r.focus = Pane::Timeline;
}

fn clear_filter(r: &mut ReviewScreen) {
    let keep = r.position();
    r.rows = Rows::All(r.bundle.timeline.len());
    r.selected = keep.unwrap_or(0);
}

/// The shown row closest to timeline position `pos` (at or after it if any).
fn nearest_row(rows: &Rows, pos: usize) -> Option<usize> {
    match rows {
        Rows::All(n) => (*n > 0).then(|| pos.min(n - 1)),
        Rows::Control { positions, .. } => {
            let i = positions.partition_point(|&p| p < pos);
            (!positions.is_empty()).then(|| i.min(positions.len() - 1))
        }
    }
}

/// Scrolls the findings list so that the selected finding is in it.
fn keep_finding_visible(r: &mut ReviewScreen, findings: ratatui::layout::Rect) {
    let height = super::finding_text::list_capacity(findings);
    let count = r.state.review.findings.len();
    r.finding = r.finding.min(count.saturating_sub(1));
    // No rows left blank at the end while findings above are hidden.
    r.finding_offset = r.finding_offset.min(count.saturating_sub(height));
    if r.finding < r.finding_offset {
        r.finding_offset = r.finding;
    } else if r.finding >= r.finding_offset + height {
        r.finding_offset = r.finding + 1 - height;
    }
}

/// Scrolls so that the selection is on screen.
fn keep_visible(app: &mut App) {
    let area = app.area();
    let Screen::Review(r) = &mut app.screen else {
        return;
    };
    let areas = r.areas(area);
    let height = inner_height(areas.timeline).max(1);
    r.selected = r.selected.min(r.rows.len().saturating_sub(1));
    r.refresh_replay();
    if r.selected < r.offset {
        r.offset = r.selected;
    } else if r.selected >= r.offset + height {
        r.offset = r.selected + 1 - height;
    }
    let height = inner_height(areas.controls).max(1);
    if r.control < r.control_offset {
        r.control_offset = r.control;
    } else if r.control >= r.control_offset + height {
        r.control_offset = r.control + 1 - height;
    }
}
