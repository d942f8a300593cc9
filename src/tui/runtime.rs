//! The side of the interface that touches the world: saving and reloading
//! the review, reading the clock, reloading the record and running the
//! analyst's editor (watching files is in [`super::watch`]). `update` asks for these as effects; the
//! answers come back as messages.

use std::path::Path;
use std::sync::Arc;

use super::app::{Access, App, Bundle, ReviewState, Screen};
use super::form::ExportRequest;
use super::update::{Effect, ExportResult, Msg, SaveOutcome, update};
use crate::load::{self, LoadOptions};
use crate::review::SaveError;

/// The reviewer's name: `--reviewer`, else `$HOTWASH_REVIEWER`, else the
/// configuration's `reviewer`, else the login name.
pub fn reviewer_name(flag: Option<&str>, configured: Option<&str>) -> String {
    let from_env = |var: &str| std::env::var(var).ok().filter(|v| !v.trim().is_empty());
    let given = |v: Option<&str>| v.map(str::to_string).filter(|v| !v.trim().is_empty());
    given(flag)
        .or_else(|| from_env("HOTWASH_REVIEWER"))
        .or_else(|| given(configured))
        .or_else(|| from_env("LOGNAME"))
        .or_else(|| from_env("USER"))
        .or_else(|| from_env("USERNAME"))
        .unwrap_or_else(|| "unknown reviewer".to_string())
}

/// Records at least this big (in bytes) are opened on a thread of their
/// own; smaller ones open before the next frame.
pub const OPEN_IN_BACKGROUND: u64 = 2 * 1024 * 1024;

/// Carries out one effect that needs no terminal, and returns the message
/// that reports its outcome. With `background`, slow work (opening a big
/// record) is done on a thread that answers there instead.
pub fn perform(
    app: &mut App,
    effect: &Effect,
    options: &LoadOptions,
    background: Option<&std::sync::mpsc::Sender<Msg>>,
) -> Option<Msg> {
    match effect {
        Effect::Quit | Effect::EditRecord { .. } => None,
        Effect::Save => {
            let Screen::Review(r) = &mut app.screen else {
                return None;
            };
            let Access::Writable(store) = &mut r.state.access else {
                return None;
            };
            Some(Msg::Saved(match store.save(&r.state.review) {
                Ok(()) => SaveOutcome::Saved,
                Err(SaveError::ChangedOnDisk(_)) => SaveOutcome::ChangedOnDisk,
                Err(e) => SaveOutcome::Failed(e.to_string()),
            }))
        }
        Effect::ReloadReview { reapply, dropped } => {
            let Screen::Review(r) = &app.screen else {
                return None;
            };
            let state = ReviewState::open(
                &r.bundle.path,
                r.bundle.written(),
                r.bundle.lazy_hasher(),
                options,
            );
            Some(Msg::ReviewReloaded {
                state,
                reapply: reapply.clone(),
                dropped: *dropped,
            })
        }
        // Whole seconds: a sign-off time is read by people, not machines.
        Effect::Export { request, force } => {
            let Screen::Review(r) = &app.screen else {
                return None;
            };
            Some(Msg::Exported(export(r, request, *force, app.paper)))
        }
        Effect::SignOffNow => Some(Msg::SignOffAt(chrono::SubsecRound::trunc_subsecs(
            chrono::Utc::now(),
            0,
        ))),
        Effect::OpenRecord {
            entry,
            path,
            size,
            kept_review,
        } => {
            let (entry, path, kept) = (*entry, path.clone(), *kept_review);
            // A big record is read on a thread of its own, so the screen
            // says "opening…" and keys still work meanwhile.
            if let Some(tx) = background.filter(|_| *size >= OPEN_IN_BACKGROUND) {
                let (tx, options) = (tx.clone(), options.clone());
                std::thread::spawn(move || {
                    let result = super::app::open_record(&path, &options, kept);
                    let _ = tx.send(Msg::Opened {
                        entry,
                        path,
                        result,
                    });
                });
                return None;
            }
            let result = super::app::open_record(&path, options, kept);
            Some(Msg::Opened {
                entry,
                path,
                result,
            })
        }
        Effect::ReloadRecord => {
            let Screen::Review(r) = &app.screen else {
                return None;
            };
            let path = r.bundle.path.clone();
            let loaded = load::load_record(&path, options);
            Some(Msg::RecordReloaded(match loaded.value {
                Some(record) => Ok(Arc::new(Bundle::new(path, record))),
                None => Err(loaded.report),
            }))
        }
    }
}

/// Builds the report of the open review and writes it.
fn export(
    r: &super::app::ReviewScreen,
    request: &ExportRequest,
    force: bool,
    paper: crate::export::Paper,
) -> ExportResult {
    // A folder (`exports/`) gets the default file name inside it.
    let path = crate::export::out_path(
        &request.path,
        &r.bundle.record.id,
        request.format,
        crate::export::Variant::Full,
    );
    // Refuse before doing any work if the answer will be no.
    match crate::files::write_target(&path) {
        Ok(target) if target.existing.is_some() && !force => return ExportResult::Exists(path),
        Ok(_) => {}
        Err(e) => return ExportResult::Failed(format!("export failed: {e}")),
    }
    let generated = match crate::report::generation_time() {
        Ok(t) => t,
        Err(e) => return ExportResult::Failed(e),
    };
    let options = crate::report::ReportOptions {
        max_classification: request.ceiling,
        generated: Some(generated),
    };
    // The record shown is the bundle's, with the decisions applied; the
    // sign-off is checked against the record as written.
    let report = crate::report::build_decided(
        r.bundle.written(),
        &r.bundle.record,
        &r.state.review,
        r.bundle.lazy_hasher(),
        &options,
    );
    let layout = crate::export::Layout {
        paper,
        ..Default::default()
    };
    let written = crate::export::export_file(&report, request.format, layout, &path, force);
    match written {
        Ok(()) => {
            let mut wrote = format!(
                "wrote {} ({}, {}; {})",
                path.display(),
                request.format.name(),
                report.classification.banner,
                report.withheld_line()
            );
            // After what was written: the file is there and worth having.
            if request.format == crate::export::Format::Pdf
                && let Some(warning) = crate::export::pdf::missing_glyphs_warning(&report)
            {
                wrote.push_str(&format!(". Warning: {warning}"));
            }
            // The warning first and short, so that the status bar shows it
            // and what was written; why comes last (the log, M, shows it).
            ExportResult::Wrote(match report.sharing_warning() {
                Some(_) => {
                    let mut why = crate::model::marking::CLEAR_BUT_CLASSIFIED.to_string();
                    why[..1].make_ascii_uppercase();
                    format!(
                        "warning: {} with TLP:CLEAR; {wrote}. {why}.",
                        report.classification.banner
                    )
                }
                None => wrote,
            })
        }
        Err(crate::export::ExportError::Exists(_)) => ExportResult::Exists(path),
        Err(e) => ExportResult::Failed(format!("export failed: {e}")),
    }
}

/// Feeds `msg` to `update` and carries out what it asks for, until nothing
/// is left to do. Returns the effects that need the terminal (quit, editor).
pub fn dispatch(app: &mut App, msg: Msg, options: &LoadOptions) -> Vec<Effect> {
    dispatch_with(app, msg, options, None)
}

/// [`dispatch`], doing slow work on threads that answer on `background`.
pub fn dispatch_with(
    app: &mut App,
    msg: Msg,
    options: &LoadOptions,
    background: Option<&std::sync::mpsc::Sender<Msg>>,
) -> Vec<Effect> {
    let mut deferred = Vec::new();
    let mut queue = vec![msg];
    while let Some(msg) = queue.pop() {
        for effect in update(app, msg) {
            match perform(app, &effect, options, background) {
                Some(answer) => queue.push(answer),
                None => deferred.push(effect),
            }
        }
    }
    deferred
}

/// The line of event `event` in the record file, for the editor.
pub fn event_line(path: &Path, event: usize) -> Option<usize> {
    // Only a regular file: the record may have been swapped for a FIFO.
    let text = String::from_utf8(crate::files::read_regular(path).ok()?).ok()?;
    let mut locator = load::locate::Locator::new(&text);
    let span = locator.locate(&load::locate::DocPath::root().field("events").index(event))?;
    Some(load::diagnostic::line_col(&text, span.start).line)
}

/// The editor command: `$VISUAL`, else `$EDITOR`, else `vi`; it may carry
/// arguments ("code --wait").
pub fn editor_command() -> Vec<String> {
    let chosen = ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "vi".to_string());
    chosen.split_whitespace().map(str::to_string).collect()
}

/// Whether the open review's file was changed by someone else: it differs
/// from what hotwash last read or wrote.
pub fn review_changed_by_others(app: &App) -> bool {
    let Screen::Review(r) = &app.screen else {
        return false;
    };
    match &r.state.access {
        Access::Writable(store) => !store.unchanged_on_disk().unwrap_or(true),
        Access::ReadOnly(_) | Access::Bundled => false,
    }
}
