//! The one place hotwash opens and writes files: reviews (the store) and
//! exports (the command line and the TUI) go through here.
//!
//! Rules, and why:
//! - **Only regular files are read.** A FIFO named like a record would block
//!   `read` forever, and a device may act on `open`. The type is checked
//!   before opening, and again on the open handle, which is opened
//!   non-blocking so that a file swapped for a FIFO in between cannot hang.
//! - **Writes are atomic**: a temporary file in the same folder, fsync,
//!   rename, fsync of the folder (atomic-write-file).
//! - **A symbolic link is written through**: its target is replaced
//!   atomically, with the temporary file in the target's folder, and the link
//!   stays a link (a review shared as `r.review.ron -> shared/team.review.ron`
//!   keeps being shared). A link whose target does not exist is refused:
//!   hotwash never creates a file at a place a link names, which could be
//!   anywhere.
//! - **Only regular files are replaced**, with or without `--force`: never a
//!   folder, a device, a FIFO or a socket. Without `--force` an existing file
//!   is never replaced, even one created while hotwash writes: the new file is
//!   hard-linked into place, which fails if the name is taken.
//! - **Hard links are not kept**: the rename gives the name a new file.
//! - **Modes**: a new file gets 0644 less the umask. A replaced file keeps its
//!   owner (where the system allows) and its read and write permissions, but
//!   hotwash never leaves a file writable by everyone or executable.

use std::fmt;
use std::fs::{File, FileType, Metadata};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// The buffer between a streamed write and its file: large enough that a
/// 100 MB export is a few thousand system calls, small beside it.
const WRITE_BUFFER: usize = 256 * 1024;

/// The mode of a file hotwash creates, before the umask.
pub const NEW_FILE_MODE: u32 = 0o644;

/// The permission bits hotwash keeps when it replaces a file: read and write
/// for owner and group, read for others. No execute, set-id or sticky bits,
/// and never write for others.
pub const KEPT_MODE_BITS: u32 = 0o664;

/// What a path names, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Regular,
    Folder,
    Fifo,
    Socket,
    CharDevice,
    BlockDevice,
    Symlink,
    Other,
}

impl Kind {
    pub fn of(file_type: FileType) -> Kind {
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if file_type.is_fifo() {
                return Kind::Fifo;
            }
            if file_type.is_socket() {
                return Kind::Socket;
            }
            if file_type.is_char_device() {
                return Kind::CharDevice;
            }
            if file_type.is_block_device() {
                return Kind::BlockDevice;
            }
        }
        if file_type.is_file() {
            Kind::Regular
        } else if file_type.is_dir() {
            Kind::Folder
        } else if file_type.is_symlink() {
            Kind::Symlink
        } else {
            Kind::Other
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Regular => "a regular file",
            Kind::Folder => "a folder",
            Kind::Fifo => "a FIFO (named pipe)",
            Kind::Socket => "a socket",
            Kind::CharDevice => "a character device",
            Kind::BlockDevice => "a block device",
            Kind::Symlink => "a symbolic link",
            Kind::Other => "not a regular file",
        })
    }
}

/// Why a file could not be opened for reading. The messages do not name the
/// file: the caller's report does.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("no such file")]
    Missing(#[source] io::Error),
    #[error("not a regular file: {0}; hotwash reads only regular files")]
    NotRegular(Kind),
    #[error("a symbolic link to {}, which does not exist", .0.display())]
    DanglingLink(PathBuf),
    #[error("{0}")]
    Io(#[source] io::Error),
}

impl OpenError {
    fn from_io(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::NotFound {
            OpenError::Missing(e)
        } else {
            OpenError::Io(e)
        }
    }
}

/// Opens `path` (following links) for reading, if it is a regular file.
pub fn open_regular(path: &Path) -> Result<File, OpenError> {
    // Looking first gives a clear answer where `open` would give a puzzling
    // one (a socket: "no such device or address") or block (a FIFO).
    match std::fs::metadata(path) {
        Ok(meta) if !meta.is_file() => {
            return Err(OpenError::NotRegular(Kind::of(meta.file_type())));
        }
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(match std::fs::read_link(path) {
                Ok(target) => OpenError::DanglingLink(target),
                Err(_) => OpenError::Missing(e),
            });
        }
        Err(e) => return Err(OpenError::Io(e)),
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    // The file may have been swapped since: non-blocking, an open of a FIFO
    // returns at once (and the type check below refuses it) instead of
    // waiting for a writer; O_NOCTTY keeps a terminal device from becoming
    // ours. Neither changes how a regular file reads.
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = options.open(path).map_err(OpenError::from_io)?;
    let meta = file.metadata().map_err(OpenError::Io)?;
    if !meta.is_file() {
        return Err(OpenError::NotRegular(Kind::of(meta.file_type())));
    }
    Ok(file)
}

/// All the bytes of the regular file at `path`.
pub fn read_regular(path: &Path) -> Result<Vec<u8>, OpenError> {
    let mut file = open_regular(path)?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).map_err(OpenError::Io)?;
    Ok(bytes)
}

/// Why a file could not be written. The messages name the file.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{} exists", .0.display())]
    Exists(PathBuf),
    #[error(
        "{} is {kind}{}, not a regular file; hotwash only replaces regular files",
        .path.display(),
        .target.as_ref().map(|t| format!(" (through the link to {})", t.display())).unwrap_or_default()
    )]
    NotRegular {
        path: PathBuf,
        /// Where a link at `path` leads.
        target: Option<PathBuf>,
        kind: Kind,
    },
    #[error(
        "{} is a symbolic link to {}, which does not exist; hotwash writes through links \
         but does not create their targets",
        .path.display(),
        .target.display()
    )]
    DanglingLink { path: PathBuf, target: PathBuf },
    #[error("cannot write {}: {source}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// Where a write to a path lands.
#[derive(Debug, Clone)]
pub struct Target {
    /// The file whose content is replaced: the path itself, or the file a
    /// link at the path leads to.
    pub path: PathBuf,
    /// What is there now; `None` for a new file.
    pub existing: Option<Metadata>,
}

/// Where a write to `path` would land, or why hotwash will not write there.
pub fn write_target(path: &Path) -> Result<Target, WriteError> {
    let io = |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Ok(Target {
                path: path.to_path_buf(),
                existing: None,
            });
        }
        Err(e) => return Err(io(e)),
    };
    if meta.file_type().is_symlink() {
        let real = match std::fs::canonicalize(path) {
            Ok(real) => real,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(WriteError::DanglingLink {
                    path: path.to_path_buf(),
                    target: std::fs::read_link(path).map_err(io)?,
                });
            }
            Err(e) => return Err(io(e)),
        };
        let meta = std::fs::metadata(&real).map_err(io)?;
        if !meta.is_file() {
            return Err(WriteError::NotRegular {
                path: path.to_path_buf(),
                target: Some(real),
                kind: Kind::of(meta.file_type()),
            });
        }
        return Ok(Target {
            path: real,
            existing: Some(meta),
        });
    }
    if !meta.is_file() {
        return Err(WriteError::NotRegular {
            path: path.to_path_buf(),
            target: None,
            kind: Kind::of(meta.file_type()),
        });
    }
    Ok(Target {
        path: path.to_path_buf(),
        existing: Some(meta),
    })
}

/// Whether [`write_atomic`] may replace an existing file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replace {
    Never,
    Allowed,
}

/// Writes `bytes` to `path` atomically, by the rules at the top of this
/// module, and returns where they went (the target of a link at `path`).
/// The folder must exist.
pub fn write_atomic(path: &Path, bytes: &[u8], replace: Replace) -> Result<PathBuf, WriteError> {
    write_atomic_with(path, replace, |w| w.write_all(bytes))
}

/// [`write_atomic`], with the content written by `write` as it is made
/// (an export of a large record is written as it renders, never held
/// whole in memory). `write` gets a buffered writer to the temporary file;
/// if it fails, or anything after it does, the temporary file is removed
/// and nothing appears at `path`: the error names `path`.
pub fn write_atomic_with(
    path: &Path,
    replace: Replace,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<PathBuf, WriteError> {
    let target = write_target(path)?;
    if target.existing.is_some() && replace == Replace::Never {
        return Err(WriteError::Exists(path.to_path_buf()));
    }
    let io = |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    };
    if replace == Replace::Never {
        // The check above and a rename would be two steps: a file created
        // between them (another export, another analyst) would be replaced.
        write_new(&target.path, write).map_err(|e| match e.kind() {
            io::ErrorKind::AlreadyExists => WriteError::Exists(path.to_path_buf()),
            _ => io(e),
        })?;
        return Ok(target.path);
    }
    let mut options = atomic_write_file::OpenOptions::new();
    #[cfg(unix)]
    {
        use atomic_write_file::unix::OpenOptionsExt as _;
        use std::os::unix::fs::OpenOptionsExt as _;
        // atomic-write-file would copy the mode of whatever is at the name
        // without following links (a link's 0777); the mode is set here instead.
        options.preserve_mode(false).preserve_owner(false);
        options.mode(target.existing.as_ref().map_or(NEW_FILE_MODE, kept_mode));
    }
    let mut file = options.open(&target.path).map_err(io)?;
    #[cfg(unix)]
    if let Some(existing) = &target.existing {
        // Before any byte is written, so the content is never more exposed
        // than the file it replaces.
        keep_owner_and_mode(file.as_file(), existing).map_err(io)?;
    }
    {
        // Dropping `file` without commit() removes the temporary file.
        let mut buffered = io::BufWriter::with_capacity(WRITE_BUFFER, &mut file);
        write(&mut buffered).map_err(io)?;
        buffered.flush().map_err(io)?;
    }
    // commit() fsyncs the file, renames it over the old one and fsyncs the folder.
    file.commit().map_err(io)?;
    Ok(target.path)
}

/// Writes a new file at `path` and fails with `AlreadyExists`, writing
/// nothing there, if a file appears at `path` first. The content goes to a
/// temporary file beside it (named as [`is_temporary_of`] expects, so an
/// interrupted write is cleaned up like any other), is synced, and is then
/// hard-linked to `path`: `link` never replaces an existing name, so the
/// check and the commit are one step. Where the file system has no hard
/// links (FAT), the temporary file is renamed instead, after a last check.
fn write_new(path: &Path, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    use std::hash::{BuildHasher, RandomState};
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no file name"))?;
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let (temporary, mut file) = loop {
        // RandomState is seeded randomly per process and per instance.
        let mut n = RandomState::new().hash_one(std::process::id());
        let suffix: String = (0..6)
            .map(|_| {
                let c = b"abcdefghijklmnopqrstuvwxyz0123456789"[(n % 36) as usize];
                n /= 36;
                char::from(c)
            })
            .collect();
        let temporary = folder.join(format!(".{name}.{suffix}"));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(NEW_FILE_MODE);
        }
        match options.open(&temporary) {
            Ok(file) => break (temporary, file),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    };
    let written = {
        let mut buffered = io::BufWriter::with_capacity(WRITE_BUFFER, &mut file);
        write(&mut buffered).and_then(|()| buffered.flush())
    }
    .and_then(|()| file.sync_all());
    drop(file);
    let committed = written.and_then(|()| match std::fs::hard_link(&temporary, path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(e),
        Err(_) if std::fs::symlink_metadata(path).is_err() => std::fs::rename(&temporary, path),
        Err(e) => Err(e),
    });
    // After a link the temporary is a second name; after a failure, litter.
    let _ = std::fs::remove_file(&temporary);
    committed?;
    // The new name lives in the folder's entries: sync them too.
    #[cfg(unix)]
    File::open(folder)?.sync_all()?;
    Ok(())
}

#[cfg(unix)]
fn kept_mode(existing: &Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    existing.permissions().mode() & KEPT_MODE_BITS
}

/// Gives the temporary file the owner and mode of the file it replaces: the
/// owner where the system allows (only root may give a file away; a member
/// of the group may still keep the group), the mode as [`kept_mode`] says.
#[cfg(unix)]
fn keep_owner_and_mode(file: &File, existing: &Metadata) -> io::Result<()> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt, fchown};
    let now = file.metadata()?;
    if (now.uid(), now.gid()) != (existing.uid(), existing.gid())
        && fchown(file, Some(existing.uid()), Some(existing.gid())).is_err()
    {
        // Not permitted: the file stays ours, with the group if we may.
        let _ = fchown(file, None, Some(existing.gid()));
    }
    file.set_permissions(std::fs::Permissions::from_mode(kept_mode(existing)))
}

/// How old a temporary file must be before it counts as left by an
/// interrupted save. A save writes and renames its temporary file within
/// seconds, and the file's modification time moves with every write, so one
/// untouched for a minute belongs to no running save.
pub const STALE_AFTER: Duration = Duration::from_secs(60);

/// Whether `name` is a temporary file that atomic-write-file makes for
/// `file_name`: `.NAME.` and six ASCII letters or digits.
pub fn is_temporary_of(name: &str, file_name: &str) -> bool {
    name.strip_prefix('.')
        .and_then(|rest| rest.strip_prefix(file_name))
        .and_then(|rest| rest.strip_prefix('.'))
        .is_some_and(|suffix| {
            suffix.len() == 6 && suffix.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

/// Removes the temporary files that interrupted saves of `path` left beside
/// it (beside its target, for a link), if untouched for `older_than`.
/// Returns how many were removed. Only regular files matching the exact
/// pattern are touched, never through a link.
pub fn remove_stale_temporaries(path: &Path, older_than: Duration) -> io::Result<usize> {
    let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let Some(name) = target.file_name().and_then(|n| n.to_str()) else {
        return Ok(0);
    };
    let folder = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let now = SystemTime::now();
    let mut removed = 0;
    for entry in std::fs::read_dir(folder)? {
        let entry = entry?;
        let Some(entry_name) = entry.file_name().to_str().map(str::to_string) else {
            continue;
        };
        if !is_temporary_of(&entry_name, name) {
            continue;
        }
        // symlink_metadata: a link with a temporary's name is not ours.
        let Ok(meta) = std::fs::symlink_metadata(entry.path()) else {
            continue;
        };
        let age = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok());
        if meta.is_file() && age.is_some_and(|age| age >= older_than) {
            match std::fs::remove_file(entry.path()) {
                Ok(()) => removed += 1,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(removed)
}

/// Runs `f` on a thread of its own and returns its answer, failing the test
/// if none comes within a generous deadline: a regression that blocks on a
/// FIFO fails instead of hanging the test run. (A guard, not a timing.)
#[cfg(test)]
pub(crate) fn without_hanging<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(20))
        .expect("blocked: a file was opened that should not have been")
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    use crate::scratch::Dir;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path)
            .expect("metadata")
            .permissions()
            .mode()
            & 0o7777
    }

    /// The process's umask, read without changing it (umask(2) would, for
    /// every thread of the test run).
    fn umask() -> u32 {
        let status = std::fs::read_to_string("/proc/self/status").expect("proc status");
        let line = status
            .lines()
            .find_map(|l| l.strip_prefix("Umask:"))
            .expect("a Umask line");
        u32::from_str_radix(line.trim(), 8).expect("octal")
    }

    fn mkfifo(path: &Path) {
        let status = std::process::Command::new("mkfifo")
            .arg(path)
            .status()
            .expect("run mkfifo");
        assert!(status.success());
    }

    /// The names in `dir`, temporaries included.
    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("read dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_streamed_write_that_fails_midway_leaves_no_file_and_names_the_path() {
        let dir = Dir::new("files", "stream-fail");
        let path = dir.0.join("report.html");
        // More than the write buffer, so some of it reached the temporary file.
        let failing = |w: &mut dyn Write| {
            w.write_all(&vec![b'x'; 3 * WRITE_BUFFER])?;
            Err(io::Error::other("the renderer gave up"))
        };
        let err = write_atomic_with(&path, Replace::Never, failing).expect_err("fails");
        let message = err.to_string();
        assert!(message.contains("report.html"), "{message}");
        assert!(message.contains("the renderer gave up"), "{message}");
        assert_eq!(names(&dir.0), Vec::<String>::new(), "no file, no temporary");

        // Replacing: the old file stays as it was.
        std::fs::write(&path, b"old").expect("write");
        let err = write_atomic_with(&path, Replace::Allowed, failing).expect_err("fails");
        assert!(err.to_string().contains("report.html"), "{err}");
        assert_eq!(std::fs::read(&path).expect("read"), b"old");
        assert_eq!(names(&dir.0), ["report.html"], "no temporary left");
    }

    #[test]
    fn a_streamed_write_lands_whole() {
        let dir = Dir::new("files", "stream");
        let path = dir.0.join("big.md");
        let wrote = write_atomic_with(&path, Replace::Never, |w| {
            for i in 0..100_000u32 {
                writeln!(w, "line {i}")?;
            }
            Ok(())
        })
        .expect("written");
        assert_eq!(wrote, path);
        let text = std::fs::read_to_string(&path).expect("read");
        assert_eq!(text.lines().count(), 100_000);
        assert!(text.ends_with("line 99999\n"));
        assert_eq!(names(&dir.0), ["big.md"]);
    }

    #[test]
    fn a_new_file_gets_0644_less_the_umask() {
        let dir = Dir::new("files", "new");
        let path = dir.0.join("a.md");
        write_atomic(&path, b"x", Replace::Never).expect("written");
        assert_eq!(mode(&path), NEW_FILE_MODE & !umask());
        assert_eq!(std::fs::read(&path).expect("read"), b"x");
    }

    #[test]
    fn without_replace_exactly_one_of_racing_writers_wins_and_its_bytes_stay() {
        let dir = Dir::new("files", "race");
        let path = dir.0.join("report.md");
        for round in 0..20 {
            let _ = std::fs::remove_file(&path);
            let barrier = std::sync::Arc::new(std::sync::Barrier::new(8));
            let writers: Vec<_> = (0..8u8)
                .map(|i| {
                    let (path, barrier) = (path.clone(), barrier.clone());
                    std::thread::spawn(move || {
                        let bytes = vec![b'a' + i; 64 * 1024];
                        barrier.wait();
                        write_atomic(&path, &bytes, Replace::Never).map(|_| bytes)
                    })
                })
                .collect();
            let results: Vec<_> = writers
                .into_iter()
                .map(|w| w.join().expect("writer"))
                .collect();
            let won: Vec<_> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
            assert_eq!(
                won.len(),
                1,
                "round {round}: {} writers were told they wrote",
                won.len()
            );
            assert!(
                results
                    .iter()
                    .filter_map(|r| r.as_ref().err())
                    .all(|e| matches!(e, WriteError::Exists(_))),
                "round {round}: {results:?}"
            );
            assert_eq!(
                &std::fs::read(&path).expect("read"),
                won[0],
                "round {round}"
            );
            assert_eq!(mode(&path), NEW_FILE_MODE & !umask());
        }
        // No temporary file is left behind.
        let left: Vec<_> = std::fs::read_dir(&dir.0)
            .expect("list")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name())
            .filter(|n| n != "report.md")
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn a_replaced_file_keeps_its_mode_but_never_world_write_or_execute() {
        let dir = Dir::new("files", "modes");
        let path = dir.0.join("r.review.ron");
        for (before, after) in [
            (0o600, 0o600),
            (0o640, 0o640),
            (0o666, 0o664),
            (0o777, 0o664),
        ] {
            std::fs::write(&path, b"old").expect("write");
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(before))
                .expect("chmod");
            write_atomic(&path, b"new", Replace::Allowed).expect("written");
            assert_eq!(mode(&path), after, "a {before:o} file");
            assert_eq!(std::fs::read(&path).expect("read"), b"new");
        }
        assert!(matches!(
            write_atomic(&path, b"x", Replace::Never),
            Err(WriteError::Exists(_))
        ));
    }

    #[test]
    fn a_link_is_written_through_and_stays_a_link() {
        let dir = Dir::new("files", "link");
        std::fs::create_dir(dir.0.join("shared")).expect("mkdir");
        let target = dir.0.join("shared/team.review.ron");
        std::fs::write(&target, b"old").expect("write");
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        let link = dir.0.join("r.review.ron");
        std::os::unix::fs::symlink("shared/team.review.ron", &link).expect("symlink");
        let wrote = write_atomic(&link, b"new", Replace::Allowed).expect("written");
        assert_eq!(wrote, std::fs::canonicalize(&target).expect("canonical"));
        let meta = std::fs::symlink_metadata(&link).expect("link");
        assert!(meta.file_type().is_symlink(), "the link is still a link");
        assert_eq!(std::fs::read(&target).expect("read"), b"new");
        assert_eq!(mode(&target), 0o600);
        // No temporary file left in either folder.
        let count = |d: &Path| std::fs::read_dir(d).expect("dir").count();
        assert_eq!((count(&dir.0), count(&dir.0.join("shared"))), (2, 1));
    }

    #[test]
    fn a_dangling_link_is_refused_and_left_alone() {
        let dir = Dir::new("files", "dangling");
        let link = dir.0.join("r.review.ron");
        std::os::unix::fs::symlink("nowhere/team.review.ron", &link).expect("symlink");
        let err = write_atomic(&link, b"new", Replace::Allowed).expect_err("refused");
        assert!(matches!(err, WriteError::DanglingLink { .. }), "{err}");
        assert!(err.to_string().contains("nowhere/team.review.ron"), "{err}");
        assert!(
            std::fs::symlink_metadata(&link)
                .expect("link")
                .file_type()
                .is_symlink()
        );
        assert!(!dir.0.join("nowhere").exists());
    }

    #[test]
    fn anything_but_a_regular_file_is_never_replaced() {
        let dir = Dir::new("files", "special");
        let fifo = dir.0.join("f.md");
        mkfifo(&fifo);
        let folder = dir.0.join("d.md");
        std::fs::create_dir(&folder).expect("mkdir");
        let to_null = dir.0.join("null.md");
        std::os::unix::fs::symlink("/dev/null", &to_null).expect("symlink");
        for (path, kind) in [
            (&fifo, Kind::Fifo),
            (&folder, Kind::Folder),
            (&to_null, Kind::CharDevice),
            (&PathBuf::from("/dev/null"), Kind::CharDevice),
        ] {
            match write_atomic(path, b"x", Replace::Allowed) {
                Err(WriteError::NotRegular { kind: k, .. }) => assert_eq!(k, kind),
                other => panic!("{}: {other:?}", path.display()),
            }
        }
        let meta = std::fs::symlink_metadata(&fifo).expect("fifo");
        assert_eq!(Kind::of(meta.file_type()), Kind::Fifo);
        assert!(folder.is_dir());
        assert!(
            std::fs::symlink_metadata(&to_null)
                .expect("link")
                .file_type()
                .is_symlink()
        );
        assert_eq!(
            Kind::of(std::fs::metadata("/dev/null").expect("null").file_type()),
            Kind::CharDevice
        );
    }

    #[test]
    fn reading_refuses_fifos_folders_and_devices_without_blocking() {
        let dir = Dir::new("files", "read");
        let fifo = dir.0.join("f.ron");
        mkfifo(&fifo);
        let read = without_hanging(move || read_regular(&fifo));
        assert!(matches!(read, Err(OpenError::NotRegular(Kind::Fifo))));
        assert!(matches!(
            read_regular(&dir.0),
            Err(OpenError::NotRegular(Kind::Folder))
        ));
        assert!(matches!(
            read_regular(Path::new("/dev/null")),
            Err(OpenError::NotRegular(Kind::CharDevice))
        ));
        let link = dir.0.join("l.ron");
        std::os::unix::fs::symlink("gone.ron", &link).expect("symlink");
        assert!(matches!(
            read_regular(&link),
            Err(OpenError::DanglingLink(_))
        ));
        assert!(matches!(
            read_regular(&dir.0.join("none.ron")),
            Err(OpenError::Missing(_))
        ));
    }

    #[test]
    fn only_stale_temporaries_of_that_file_are_removed() {
        let dir = Dir::new("files", "temps");
        let review = dir.0.join("r.review.ron");
        std::fs::write(&review, b"review").expect("write");
        let old = SystemTime::now() - Duration::from_secs(3600);
        let make = |name: &str, age: Option<SystemTime>| {
            let p = dir.0.join(name);
            let f = File::create(&p).expect("create");
            if let Some(t) = age {
                f.set_modified(t).expect("mtime");
            }
            p
        };
        let stale = make(".r.review.ron.aB3dE9", Some(old));
        let live = make(".r.review.ron.Zz0000", None);
        let others = [
            make(".other.review.ron.aB3dE9", Some(old)),
            make(".r.review.ron.aB3dE", Some(old)),
            make(".r.review.ron.aB3dE9x", Some(old)),
            make("r.review.ron.aB3dE9", Some(old)),
        ];
        assert_eq!(
            remove_stale_temporaries(&review, STALE_AFTER).expect("cleaned"),
            1
        );
        assert!(!stale.exists());
        assert!(live.exists(), "a temporary in use by a running save stays");
        assert!(
            others.iter().all(|p| p.exists()),
            "only that file's temporaries"
        );
        assert!(review.exists());
    }

    #[test]
    fn the_temporary_pattern_is_atomic_write_files() {
        // A save cut short between write and rename leaves exactly this name.
        let dir = Dir::new("files", "pattern");
        let path = dir.0.join("r.review.ron");
        let mut file = atomic_write_file::AtomicWriteFile::open(&path).expect("open");
        file.write_all(b"x").expect("write");
        let names: Vec<String> = std::fs::read_dir(&dir.0)
            .expect("dir")
            .flatten()
            .filter_map(|e| e.file_name().into_string().ok())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        assert!(is_temporary_of(&names[0], "r.review.ron"), "{names:?}");
        file.discard().expect("discard");
    }
}
