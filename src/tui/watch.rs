//! Watching the open record and its review for changes made by others.
//!
//! notify reports every open and close of a file on Linux, reads included:
//! reacting to those made hotwash reload whenever anyone read its files (a
//! `cat`, a `grep`, another hotwash reloading), and two idle instances on one
//! record set each other off forever. So only events that can change a
//! file's content count, and even then the file is reloaded only if what it
//! holds differs from what hotwash last loaded or wrote.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use notify::event::{AccessKind, AccessMode, EventKind, ModifyKind};
use notify::{Event, RecommendedWatcher, RecursiveMode, Watcher};

use super::app::App;
use super::runtime::review_changed_by_others;
use super::update::Msg;
use crate::load;

/// A writer's burst of events is answered once it has been quiet this long...
const QUIET: Duration = Duration::from_millis(150);
/// ...or, for a file written without pause, this long after it began.
const LONGEST: Duration = Duration::from_secs(1);

/// Whether an event can have changed a file's content. Opening, reading,
/// closing after a read and metadata changes (`touch`, `chmod`) cannot; a
/// close after writing marks the end of a write, so it counts.
pub fn may_change_content(event: &Event) -> bool {
    match event.kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(_)) => false,
        EventKind::Create(_) | EventKind::Remove(_) | EventKind::Modify(_) | EventKind::Any => true,
        // The kernel dropped events: anything may have changed.
        EventKind::Other => event.need_rescan(),
    }
}

/// What a file held when hotwash last looked at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    len: u64,
    modified: Option<SystemTime>,
    /// BLAKE3 of the content; `None` when it could not be read (too big,
    /// not a regular file, unreadable).
    digest: Option<[u8; 32]>,
}

/// Whether the file at `path` holds something other than `seen`, and
/// `seen` updated to what it holds now. The same size and modification time
/// mean the same content without reading it; otherwise its hash decides, so
/// rewriting a file with what it held is no change. Only regular files up
/// to `max_size` bytes are read: a FIFO would block the read forever.
pub fn content_changed(path: &Path, seen: &mut Option<Fingerprint>, max_size: u64) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return seen.take().is_some();
    };
    let (len, modified) = (meta.len(), meta.modified().ok());
    if let Some(s) = seen.as_ref()
        && s.len == len
        && s.modified == modified
        && modified.is_some()
    {
        return false;
    }
    // Hashed in pieces with BLAKE3, as the cache hashes it: the file is
    // never held whole, and a 140 MB record takes tens of milliseconds
    // (it was read whole and hashed with SHA-256 on every open, a fifth of
    // the time a re-open from the cache took).
    let digest = (meta.is_file() && len <= max_size)
        .then(|| crate::cache::hash_file(path, max_size).ok())
        .flatten()
        .map(|hash| *hash.as_bytes());
    let changed = match (seen.as_ref().and_then(|s| s.digest), digest) {
        (Some(before), Some(now)) => before != now,
        _ => true,
    };
    *seen = Some(Fingerprint {
        len,
        modified,
        digest,
    });
    changed
}

/// Watches the folder of the open record and reports, as
/// `Msg::FileTouched`, writes to the record and to its review file.
/// [`Watch::triage`] then tells a real change from a rewrite of the same.
pub struct Watch {
    /// The record's path as the workbench opened it.
    pub opened: PathBuf,
    /// The same, canonical: what the watcher's events name.
    pub record: PathBuf,
    pub review: PathBuf,
    /// What the record held when hotwash last loaded it.
    record_seen: Option<Fingerprint>,
    max_size: u64,
    _watcher: RecommendedWatcher,
}

impl Watch {
    pub fn start(opened: &Path, max_size: u64, tx: Sender<Msg>) -> Option<Watch> {
        let record = std::fs::canonicalize(opened).ok()?;
        let review = load::review_path(&record);
        let folder = record.parent()?.to_path_buf();
        // A review that is a link (`r.review.ron -> shared/team.review.ron`)
        // is written through, so its changes happen at the link's target,
        // in the target's folder: that is watched too.
        let review_target = std::fs::canonicalize(&review).ok().filter(|t| *t != review);
        let (raw_tx, raw_rx) = mpsc::channel::<PathBuf>();
        let (rec, rev) = (record.clone(), review.clone());
        let rev_target = review_target.clone();
        let mut watcher = notify::recommended_watcher(move |res: notify::Result<Event>| {
            let Ok(event) = res else { return };
            if !may_change_content(&event) {
                return;
            }
            let rescan = event.need_rescan();
            let names = |path: &PathBuf| event.paths.iter().any(|p| p == path);
            if rescan || names(&rec) {
                let _ = raw_tx.send(rec.clone());
            }
            // Reported under the review's own name, whichever name the event used.
            if rescan || names(&rev) || rev_target.as_ref().is_some_and(names) {
                let _ = raw_tx.send(rev.clone());
            }
        })
        .ok()?;
        watcher.watch(&folder, RecursiveMode::NonRecursive).ok()?;
        if let Some(elsewhere) = review_target
            .as_deref()
            .and_then(Path::parent)
            .filter(|p| *p != folder)
        {
            // Without it a linked review's changes would go unseen; the
            // record is still watched if this fails.
            let _ = watcher.watch(elsewhere, RecursiveMode::NonRecursive);
        }
        // Blocks while nothing happens, so an idle hotwash does no work; it
        // ends when the watcher (holding `raw_tx`) is dropped.
        thread::spawn(move || {
            while let Ok(first) = raw_rx.recv() {
                let mut touched = vec![first];
                let started = Instant::now();
                loop {
                    let left = LONGEST.saturating_sub(started.elapsed());
                    if left.is_zero() {
                        break;
                    }
                    match raw_rx.recv_timeout(QUIET.min(left)) {
                        Ok(path) if !touched.contains(&path) => touched.push(path),
                        Ok(_) => {}
                        Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => break,
                    }
                }
                for path in touched {
                    if tx.send(Msg::FileTouched(path)).is_err() {
                        return;
                    }
                }
            }
        });
        let mut record_seen = None;
        content_changed(&record, &mut record_seen, max_size);
        Some(Watch {
            opened: opened.to_path_buf(),
            record,
            review,
            record_seen,
            max_size,
            _watcher: watcher,
        })
    }

    /// Whether the record's content changed since it was last loaded; a
    /// `true` counts as seen (the caller reloads it).
    pub fn record_changed(&mut self) -> bool {
        content_changed(&self.record, &mut self.record_seen, self.max_size)
    }

    /// What a touch of `path` means: a message when the file's content
    /// changed, nothing when it holds what hotwash last loaded or wrote
    /// (our own saves included).
    pub fn triage(&mut self, app: &App, path: &Path) -> Option<Msg> {
        if path == self.record {
            self.record_changed().then_some(Msg::RecordChanged)
        } else if path == self.review {
            review_changed_by_others(app).then_some(Msg::ReviewChangedOnDisk)
        } else {
            None
        }
    }
}
