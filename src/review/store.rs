//! Where a review lives on disk, and the rules for writing it:
//! atomically (temporary file in the same folder, fsync, rename, fsync of
//! the folder), never over a file hotwash could not read, and never over a
//! file that changed on disk since hotwash last read or wrote it. How the
//! bytes reach the disk (links, modes, odd files) is [`crate::files`]'s job.
//!
//! Two hotwash processes saving the same review at once must not both pass
//! the "unchanged on disk" check before either renames: the check and the
//! write happen under an exclusive advisory lock on a lock file beside the
//! review (`.NAME.review.ron.lock`). Other writers (git, editors) do not take
//! the lock; for them the content comparison is what protects the file.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::files::{self, OpenError, Replace};
use crate::load::{self, FileReport, LoadOptions};
use crate::model::{Record, Review};

/// A handle on a writable review file: its path, and a fingerprint of what
/// hotwash last saw there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewStore {
    pub path: PathBuf,
    /// SHA-256 of the bytes last read or written; `None` if there was no file.
    seen: Option<[u8; 32]>,
    /// How long a save waits for another hotwash's save to finish.
    lock_wait: Duration,
}

/// A save holds the lock for the few milliseconds of a read, a compare and
/// a write. The lock dies with its holder, so a crashed hotwash never leaves
/// it taken; but a holder that is stopped (Ctrl-Z at the wrong moment) or
/// stuck on a dead network share keeps it, and a save must not wait for
/// that forever: after this long it gives up and says so, nothing written.
pub const LOCK_WAIT: Duration = Duration::from_secs(10);

/// The review of a record as opened.
// Built once per opened record and immediately taken apart: size is no concern.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Opened {
    /// The review (new and empty when there was no file) and where to save it.
    Writable {
        review: Review,
        store: ReviewStore,
        /// Warnings about the file, if any.
        report: Option<FileReport>,
    },
    /// The file exists but hotwash cannot use it (corrupt, or written by a
    /// newer version). It is never written; the record opens read-only.
    ReadOnly(FileReport),
}

#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error(
        "{} changed on disk since hotwash read it (another analyst, or a git pull); nothing was written",
        .0.display()
    )]
    ChangedOnDisk(PathBuf),
    #[error(
        "another hotwash has been saving {} for {}s (it holds {}); nothing was written",
        .review.display(), .waited.as_secs(), .lock.display()
    )]
    Locked {
        review: PathBuf,
        lock: PathBuf,
        waited: Duration,
    },
    #[error("cannot write {}: {source}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read {}: {source}", .path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: OpenError,
    },
    #[error(transparent)]
    Write(#[from] files::WriteError),
    #[error("cannot serialise the review: {0}")]
    Serialise(String),
}

fn digest(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// What is on disk at `path` now: `Ok(None)` if there is no file.
fn on_disk(path: &Path) -> Result<Option<Vec<u8>>, SaveError> {
    match files::read_regular(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(OpenError::Missing(_)) => Ok(None),
        Err(source) => Err(SaveError::Read {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Opens the review beside `record_path` for `record`; a sign-off is
/// checked with `hasher` (`record`'s, as written).
///
/// First removes what interrupted saves of this review left behind
/// (temporary files untouched for [`files::STALE_AFTER`]). They never hold
/// acknowledged work: hotwash says "saved" only after the rename.
pub fn open(
    record_path: &Path,
    record: &Record,
    hasher: &crate::review::LazyHasher,
    options: &LoadOptions,
) -> Opened {
    let path = load::review_path(record_path);
    // A failed clean-up loses nothing and must not stop the review opening.
    let _ = files::remove_stale_temporaries(&path, files::STALE_AFTER);
    // Anything at the name (a broken link, a FIFO) is read, and refused
    // with a reason; only nothing at all makes a new review.
    if std::fs::symlink_metadata(&path).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound) {
        return Opened::Writable {
            review: Review::new(record.id.clone()),
            store: ReviewStore::new(path, None),
            report: None,
        };
    }
    let bytes = match load::text::read_bytes(&path, options.max_size) {
        Ok(bytes) => bytes,
        Err(d) => {
            return Opened::ReadOnly(FileReport {
                path,
                text: None,
                diagnostics: vec![d],
            });
        }
    };
    let seen = Some(digest(&bytes));
    let loaded = match load::text::decode(bytes) {
        Ok(text) => load::review_from_text_with(&path, text, record, Some(hasher), options),
        Err(d) => {
            return Opened::ReadOnly(FileReport {
                path,
                text: None,
                diagnostics: vec![d],
            });
        }
    };
    match loaded.value {
        Some(review) => Opened::Writable {
            review,
            store: ReviewStore::new(path, seen),
            report: (!loaded.report.diagnostics.is_empty()).then_some(loaded.report),
        },
        None => Opened::ReadOnly(loaded.report),
    }
}

/// The review as hotwash writes it: RON, `Option`s without `Some(..)`.
pub fn serialise(review: &Review) -> Result<String, SaveError> {
    let pretty = ron::ser::PrettyConfig::default()
        .indentor("    ".to_string())
        .struct_names(false);
    let body = load::ron_options()
        .to_string_pretty(review, pretty)
        .map_err(|e| SaveError::Serialise(e.to_string()))?;
    let body = unescape_apostrophes(&body);
    Ok(format!(
        "// The analyst's review of record {:?}. Written by hotwash; edit it with hotwash.\n{body}\n",
        review.record
    ))
}

/// ron escapes every `'` in a string as `\'` (it escapes strings char by
/// char); RON reads a bare `'` inside `"..."` just as well. Undoing it keeps
/// the file as the analyst wrote the text, so a change is a small git diff.
/// Every `\` in ron's output starts an escape pair, so a scan by pairs is
/// exact: `\\'` (a backslash, then an apostrophe) stays a backslash pair.
pub(crate) fn unescape_apostrophes(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("\\'") {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\'') => out.push('\''),
            Some(next) => {
                out.push('\\');
                out.push(next);
            }
            None => out.push('\\'),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The lock file of the review at `review`: `.NAME.review.ron.lock` beside
/// it (beside its target when it is a symbolic link, so that every way to
/// the same file shares one lock). Its name does not end in `.ron`, so it is
/// never taken for a record or a review. It is never deleted: removing a
/// lock file another process has open would let a third lock a new one.
pub fn lock_path(review: &Path) -> PathBuf {
    let is_link = std::fs::symlink_metadata(review).is_ok_and(|m| m.file_type().is_symlink());
    let file = if is_link {
        std::fs::canonicalize(review).unwrap_or_else(|_| review.to_path_buf())
    } else {
        review.to_path_buf()
    };
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    file.with_file_name(format!(".{name}.lock"))
}

/// Opens the lock file, creating it (0644 less the umask) if need be. Read
/// access is enough to lock, so an analyst who cannot write another's lock
/// file can still share it. Only a regular file will do: a FIFO planted at
/// the lock's name would block the open, and so every save, forever.
fn open_lock_file(path: &Path) -> std::io::Result<File> {
    match files::open_regular(path) {
        Ok(file) => return Ok(file),
        Err(OpenError::Missing(_)) => {}
        Err(OpenError::Io(e)) => return Err(e),
        Err(e) => return Err(std::io::Error::other(e)),
    }
    let mut create = OpenOptions::new();
    create.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Non-blocking, in case a FIFO appeared since: the open fails at once.
        create
            .mode(0o644)
            .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = create.open(path)?;
    let kind = files::Kind::of(file.metadata()?.file_type());
    if kind != files::Kind::Regular {
        return Err(std::io::Error::other(OpenError::NotRegular(kind)));
    }
    Ok(file)
}

impl ReviewStore {
    fn new(path: PathBuf, seen: Option<[u8; 32]>) -> Self {
        ReviewStore {
            path,
            seen,
            lock_wait: LOCK_WAIT,
        }
    }

    /// Whether the file on disk is still what hotwash last read or wrote.
    pub fn unchanged_on_disk(&self) -> Result<bool, SaveError> {
        let now = on_disk(&self.path)?;
        Ok(now.as_deref().map(digest) == self.seen)
    }

    /// Takes the review's lock, waiting at most `lock_wait` for another
    /// hotwash to finish its save. Released when the file is dropped.
    fn lock(&self) -> Result<File, SaveError> {
        let lock = lock_path(&self.path);
        let io = |source| SaveError::Io {
            path: lock.clone(),
            source,
        };
        let file = open_lock_file(&lock).map_err(io)?;
        let started = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(file),
                Err(TryLockError::WouldBlock) if started.elapsed() < self.lock_wait => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(TryLockError::WouldBlock) => {
                    return Err(SaveError::Locked {
                        review: self.path.clone(),
                        lock,
                        waited: started.elapsed(),
                    });
                }
                Err(TryLockError::Error(e)) => return Err(io(e)),
            }
        }
    }

    /// Writes `review` atomically, unless the file changed on disk since it
    /// was last read or written. No other hotwash writes the file between
    /// the check and the write.
    pub fn save(&mut self, review: &Review) -> Result<(), SaveError> {
        let text = serialise(review)?;
        let _lock = self.lock()?;
        if !self.unchanged_on_disk()? {
            return Err(SaveError::ChangedOnDisk(self.path.clone()));
        }
        self.write(text.as_bytes())?;
        self.seen = Some(digest(text.as_bytes()));
        Ok(())
    }

    /// The atomic replacement of the review file by `bytes`, by
    /// [`crate::files`]' rules (through a link to its target; only a
    /// regular file is replaced; its mode and owner kept).
    fn write(&self, bytes: &[u8]) -> Result<(), SaveError> {
        files::write_atomic(&self.path, bytes, Replace::Allowed)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECORD: &str = r#"(schema: 1, id: "r", title: "T", summary: "S",
        classification: (scheme: Us, level: Unclassified), tlp: "CLEAR",
        events: [(id: "E1", at: "2024-01-01", fidelity: Day, title: "e", narrative: "n",
                  portion: Unclassified)])"#;

    use crate::scratch::Dir;

    fn setup(name: &str) -> (Dir, PathBuf, Record) {
        let dir = Dir::new("store", name);
        let path = dir.0.join("r.ron");
        std::fs::write(&path, RECORD).expect("write record");
        let record = load::parse(RECORD).expect("parses");
        (dir, path, record)
    }

    fn writable(opened: Opened) -> (Review, ReviewStore) {
        match opened {
            Opened::Writable { review, store, .. } => (review, store),
            Opened::ReadOnly(r) => panic!("read-only: {:?}", r.diagnostics),
        }
    }

    #[test]
    fn saves_and_reopens_the_same_review() {
        let (_dir, path, record) = setup("roundtrip");
        let (mut review, mut store) = writable(open(
            &path,
            &record,
            &Default::default(),
            &LoadOptions::default(),
        ));
        crate::review::edit::Edit::SetReviewed {
            event: "E1".into(),
            reviewed: true,
        }
        .apply(&mut review)
        .expect("applies");
        store.save(&review).expect("saved");
        let (again, _) = writable(open(
            &path,
            &record,
            &Default::default(),
            &LoadOptions::default(),
        ));
        assert_eq!(again, review);
        // No temporary files are left behind; the lock file stays (see lock_path).
        let mut names: Vec<_> = std::fs::read_dir(&_dir.0)
            .expect("dir")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [".r.review.ron.lock", "r.review.ron", "r.ron"],
            "{names:?}"
        );
    }

    #[test]
    fn a_corrupt_review_opens_read_only_and_is_never_written() {
        let (_dir, path, record) = setup("corrupt");
        let review_path = load::review_path(&path);
        std::fs::write(&review_path, "(schema: 1, record: \"r\", findings: [").expect("write");
        match open(&path, &record, &Default::default(), &LoadOptions::default()) {
            Opened::ReadOnly(report) => assert_eq!(report.diagnostics[0].code, "parse.eof"),
            Opened::Writable { .. } => panic!("a corrupt review must not be writable"),
        }
        std::fs::write(&review_path, "(schema: 9, record: \"r\", future: true)").expect("write");
        match open(&path, &record, &Default::default(), &LoadOptions::default()) {
            Opened::ReadOnly(report) => assert_eq!(report.diagnostics[0].code, "schema.version"),
            Opened::Writable { .. } => panic!("a newer review must not be writable"),
        }
        let bytes = std::fs::read(&review_path).expect("read");
        assert_eq!(bytes, b"(schema: 9, record: \"r\", future: true)");
    }

    #[test]
    fn a_change_on_disk_is_detected_and_not_clobbered() {
        let (_dir, path, record) = setup("conflict");
        let (mut review, mut store) = writable(open(
            &path,
            &record,
            &Default::default(),
            &LoadOptions::default(),
        ));
        store.save(&review).expect("first save");
        // Someone else writes the file.
        let theirs = "(schema: 1, record: \"r\", marks: [(event: \"E1\", flagged: true)])\n";
        std::fs::write(&store.path, theirs).expect("write");
        crate::review::edit::Edit::SetReviewed {
            event: "E1".into(),
            reviewed: true,
        }
        .apply(&mut review)
        .expect("applies");
        assert!(matches!(
            store.save(&review),
            Err(SaveError::ChangedOnDisk(_))
        ));
        assert_eq!(std::fs::read_to_string(&store.path).expect("read"), theirs);
        // A file created by someone else where there was none also counts.
        let (_dir2, path2, record2) = setup("conflict-new");
        let (review2, mut store2) = writable(open(
            &path2,
            &record2,
            &Default::default(),
            &LoadOptions::default(),
        ));
        std::fs::write(load::review_path(&path2), theirs).expect("write");
        assert!(matches!(
            store2.save(&review2),
            Err(SaveError::ChangedOnDisk(_))
        ));
    }

    #[test]
    fn apostrophes_are_written_bare_and_read_back_exactly() {
        let mut review = Review::new("r");
        for (event, note) in [
            ("E1", "Simonyan's post; the \\' pair and a \\\\' mix"),
            ("E2", "it's \"quoted\"\nover two lines"),
        ] {
            crate::review::edit::Edit::SetNote {
                event: event.into(),
                note: Some(note.into()),
            }
            .apply(&mut review)
            .expect("applies");
        }
        let text = serialise(&review).expect("serialises");
        assert!(!text.contains("n\\'s"), "{text}");
        assert!(text.contains("Simonyan's post"), "{text}");
        let back: Review = load::parse(&text).expect("parses");
        assert_eq!(back, review);
    }

    #[test]
    fn one_changed_mark_is_a_one_line_change_of_the_file() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/incidents/taurus-webex-2024.review.ron"
        ))
        .expect("the bundled review");
        let mut review: Review = load::parse(&text).expect("parses");
        // As the analyst's git holds it: written by hotwash before.
        let before = text.clone();
        assert_eq!(
            serialise(&review).expect("serialises"),
            before,
            "rewriting an unchanged review changes nothing"
        );
        let event = review.marks[0].event.clone();
        crate::review::edit::Edit::SetFlagged {
            event,
            flagged: false,
        }
        .apply(&mut review)
        .expect("applies");
        let after = serialise(&review).expect("serialises");
        let (old, new): (Vec<&str>, Vec<&str>) =
            (before.lines().collect(), after.lines().collect());
        let prefix = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
        let suffix = old
            .iter()
            .rev()
            .zip(new.iter().rev())
            .take_while(|(a, b)| a == b)
            .count();
        let changed_old = old.len().saturating_sub(prefix + suffix);
        let changed_new = new.len().saturating_sub(prefix + suffix);
        assert!(
            changed_old + changed_new == 1 || (changed_old == 1 && changed_new == 1),
            "a one-mark change touched {changed_old} old and {changed_new} new lines:\n{after}"
        );
    }

    #[test]
    fn the_written_file_validates_and_omits_defaults() {
        let (_dir, path, record) = setup("format");
        let (mut review, mut store) = writable(open(
            &path,
            &record,
            &Default::default(),
            &LoadOptions::default(),
        ));
        crate::review::edit::Edit::SetNote {
            event: "E1".into(),
            note: Some("a \"quoted\" note\nover two lines".into()),
        }
        .apply(&mut review)
        .expect("applies");
        store.save(&review).expect("saved");
        let text = std::fs::read_to_string(&store.path).expect("read");
        assert!(!text.contains("Some("), "{text}");
        assert!(!text.contains("included"), "defaults are left out: {text}");
        let reports = load::validate_paths(&[path], &LoadOptions::default());
        assert!(
            reports.iter().all(|r| r.diagnostics.is_empty()),
            "{reports:?}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_review_is_saved_through_the_link() {
        use std::os::unix::fs::PermissionsExt;
        let (dir, path, record) = setup("link");
        std::fs::create_dir(dir.0.join("shared")).expect("mkdir");
        let team = dir.0.join("shared/team.review.ron");
        std::fs::write(&team, "(schema: 1, record: \"r\")\n").expect("write");
        std::fs::set_permissions(&team, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        let link = load::review_path(&path);
        std::os::unix::fs::symlink("shared/team.review.ron", &link).expect("symlink");
        let (mut review, mut store) = writable(open(
            &path,
            &record,
            &Default::default(),
            &LoadOptions::default(),
        ));
        crate::review::edit::Edit::SetReviewed {
            event: "E1".into(),
            reviewed: true,
        }
        .apply(&mut review)
        .expect("applies");
        store.save(&review).expect("saved");
        assert!(
            std::fs::symlink_metadata(&link)
                .expect("link")
                .file_type()
                .is_symlink()
        );
        let (again, _) = writable(open(
            &path,
            &record,
            &Default::default(),
            &LoadOptions::default(),
        ));
        assert_eq!(again, review, "the target holds the save");
        let meta = std::fs::metadata(&team).expect("team");
        assert_eq!(meta.permissions().mode() & 0o7777, 0o600);
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_or_a_broken_link_as_review_opens_read_only_at_once() {
        let (dir, path, record) = setup("fifo");
        let review = load::review_path(&path);
        let status = std::process::Command::new("mkfifo")
            .arg(&review)
            .status()
            .expect("mkfifo");
        assert!(status.success());
        // Were the FIFO opened for reading, this would block for ever.
        let (p, r) = (path.clone(), record.clone());
        match crate::files::without_hanging(move || {
            open(&p, &r, &Default::default(), &LoadOptions::default())
        }) {
            Opened::ReadOnly(report) => {
                assert_eq!(report.diagnostics[0].code, "io.not-regular");
                assert!(report.diagnostics[0].message.contains("FIFO"));
            }
            Opened::Writable { .. } => panic!("a FIFO is no review"),
        }
        std::fs::remove_file(&review).expect("rm");
        std::os::unix::fs::symlink("gone/team.review.ron", &review).expect("symlink");
        match open(&path, &record, &Default::default(), &LoadOptions::default()) {
            Opened::ReadOnly(report) => {
                assert_eq!(report.diagnostics[0].code, "io.dangling-link");
            }
            Opened::Writable { .. } => panic!("a broken link is not a new review"),
        }
        assert!(!dir.0.join("gone").exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_at_the_locks_name_fails_the_save_instead_of_hanging_it() {
        let (_dir, path, record) = setup("lock-fifo");
        let (review, store) = writable(open(
            &path,
            &record,
            &Default::default(),
            &LoadOptions::default(),
        ));
        let status = std::process::Command::new("mkfifo")
            .arg(lock_path(&store.path))
            .status()
            .expect("mkfifo");
        assert!(status.success());
        let mut store = store;
        let saved = crate::files::without_hanging(move || store.save(&review));
        let err = saved.expect_err("no lock, no save");
        assert!(err.to_string().contains("FIFO"), "{err}");
        assert!(!load::review_path(&path).exists(), "nothing was written");
    }

    #[test]
    fn opening_removes_what_an_interrupted_save_left() {
        let (dir, path, record) = setup("leftovers");
        let (review, mut store) = writable(open(
            &path,
            &record,
            &Default::default(),
            &LoadOptions::default(),
        ));
        store.save(&review).expect("saved");
        let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        let leftover = dir.0.join(".r.review.ron.Qx7Lm2");
        let file = std::fs::File::create(&leftover).expect("create");
        file.set_modified(hour_ago).expect("mtime");
        // A save under way in another hotwash: fresh, so it stays.
        let live = dir.0.join(".r.review.ron.Ab12Cd");
        std::fs::write(&live, "partial").expect("write");
        let _ = writable(open(
            &path,
            &record,
            &Default::default(),
            &LoadOptions::default(),
        ));
        assert!(!leftover.exists());
        assert!(live.exists());
        assert_eq!(load::records_in(&dir.0).expect("records"), vec![path]);
    }

    fn titled(title: String) -> crate::model::Finding {
        use crate::model::{Confidence, FindingKind, Level, Likelihood, Severity};
        crate::model::Finding {
            id: String::new(),
            title,
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

    /// Two writers with stores of their own, each adding findings one by
    /// one as the interface does: apply, save; when the file changed on
    /// disk, reload it, apply every unsaved edit again, save again. Every
    /// save that reported success must be on disk, with distinct ids.
    #[test]
    fn two_writers_saving_at_once_lose_no_acknowledged_finding() {
        use crate::review::edit::{Edit, RecommendationDraft};
        const N: usize = 20;
        let (_dir, path, record) = setup("race");
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
        let writers: Vec<_> = (0..2)
            .map(|w| {
                let (path, record, barrier) = (path.clone(), record.clone(), barrier.clone());
                std::thread::spawn(move || {
                    let options = LoadOptions::default();
                    let (mut review, mut store) =
                        writable(open(&path, &record, &Default::default(), &options));
                    let mut acknowledged = Vec::new();
                    let mut unsaved: Vec<(String, Edit)> = Vec::new();
                    let mut conflicts = 0;
                    barrier.wait();
                    for i in 0..N {
                        let title = format!("writer {w} finding {i}");
                        let edit = Edit::AddFinding {
                            finding: titled(title.clone()),
                            recommendations: vec![RecommendationDraft {
                                id: None,
                                action: format!("act on {title}"),
                                owner: "o".into(),
                                due: None,
                                status: crate::model::RecommendationStatus::Recommended,
                            }],
                        };
                        edit.apply(&mut review).expect("applies");
                        unsaved.push((title, edit));
                        loop {
                            match store.save(&review) {
                                Ok(()) => {
                                    acknowledged.extend(unsaved.drain(..).map(|(t, _)| t));
                                    break;
                                }
                                Err(SaveError::ChangedOnDisk(_)) => {
                                    conflicts += 1;
                                    (review, store) = writable(open(
                                        &path,
                                        &record,
                                        &Default::default(),
                                        &options,
                                    ));
                                    for (_, edit) in &unsaved {
                                        edit.apply(&mut review).expect("re-applies");
                                    }
                                }
                                Err(e) => panic!("save failed: {e}"),
                            }
                        }
                    }
                    (acknowledged, conflicts)
                })
            })
            .collect();
        let mut acknowledged = Vec::new();
        for writer in writers {
            let (titles, _conflicts) = writer.join().expect("the writer finishes");
            acknowledged.extend(titles);
        }
        assert_eq!(acknowledged.len(), 2 * N);
        let (on_disk, _) = writable(open(
            &path,
            &record,
            &Default::default(),
            &LoadOptions::default(),
        ));
        let mut titles: Vec<_> = on_disk.findings.iter().map(|f| f.title.clone()).collect();
        titles.sort();
        acknowledged.sort();
        assert_eq!(
            titles, acknowledged,
            "every acknowledged finding is on disk"
        );
        let ids: std::collections::HashSet<_> = on_disk.findings.iter().map(|f| &f.id).collect();
        assert_eq!(ids.len(), 2 * N, "finding ids are distinct");
        let recs: std::collections::HashSet<_> =
            on_disk.recommendations.iter().map(|r| &r.id).collect();
        assert_eq!(recs.len(), 2 * N, "recommendation ids are distinct");
        for f in &on_disk.findings {
            let mine: Vec<_> = on_disk
                .recommendations
                .iter()
                .filter(|r| r.finding == f.id)
                .map(|r| r.action.as_str())
                .collect();
            assert_eq!(mine, [format!("act on {}", f.title)], "{}", f.id);
        }
    }

    #[test]
    fn a_save_gives_up_on_a_lock_held_too_long_and_writes_nothing() {
        let (_dir, path, record) = setup("locked");
        let (review, mut store) = writable(open(
            &path,
            &record,
            &Default::default(),
            &LoadOptions::default(),
        ));
        let holder = open_lock_file(&lock_path(&store.path)).expect("lock file");
        holder.lock().expect("locked by the test");
        store.lock_wait = Duration::from_millis(50);
        let err = store.save(&review).expect_err("the lock is held");
        assert!(matches!(err, SaveError::Locked { .. }), "{err}");
        assert!(err.to_string().contains("another hotwash"), "{err}");
        assert!(!store.path.exists(), "nothing was written");
        drop(holder);
        store.save(&review).expect("saves once the lock is free");
    }

    #[test]
    fn the_lock_file_is_hidden_not_a_record_and_not_writable_by_others() {
        let (_dir, path, record) = setup("lockfile");
        let (review, mut store) = writable(open(
            &path,
            &record,
            &Default::default(),
            &LoadOptions::default(),
        ));
        store.save(&review).expect("saved");
        let lock = lock_path(&store.path);
        assert_eq!(
            lock.file_name().and_then(|n| n.to_str()),
            Some(".r.review.ron.lock")
        );
        assert_eq!(
            load::records_in(&_dir.0).expect("records"),
            std::slice::from_ref(&path),
            "only the record is listed"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&lock)
                .expect("lock file")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777 & !0o644, 0, "mode {mode:o}");
        }
    }
}
