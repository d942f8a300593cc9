//! A cache of what hotwash derives from files (a parsed and validated
//! record, a library row), so that opening the same file again skips the
//! parse. See docs/CACHE.md.
//!
//! The cache is never trusted over the file:
//! - an entry is found by a key that hashes the file's whole content (BLAKE3)
//!   with the kind of value, the parameters that shaped it, the hotwash
//!   version and a fingerprint of the source it was built with;
//! - an entry repeats that key and carries its payload's length and hash, so
//!   one that is truncated, corrupt, renamed or from another build is a
//!   miss (counted, removed and rebuilt), never an error shown to the user;
//! - entries are written to a temporary file in the cache folder and renamed
//!   into place, so concurrent hotwash processes only ever see whole entries.
//!
//! The folder is the platform's cache folder (`$XDG_CACHE_HOME/hotwash`,
//! else `~/.cache/hotwash`), never a record's folder; it is made 0700 and
//! entries are 0600, since they hold the records' text. The cache keeps at
//! most [`DEFAULT_MAX_BYTES`], evicting the least recently used entries.

pub mod record;

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use serde::Serialize;
use serde::de::DeserializeOwned;

/// How much the cache folder may hold: 1 GiB. Past it, the entries used
/// least recently are removed after each write.
pub const DEFAULT_MAX_BYTES: u64 = 1 << 30;

/// `HOTWASH_NO_CACHE`, set to anything but empty or `0`, is `--no-cache`.
pub const NO_CACHE_ENV: &str = "HOTWASH_NO_CACHE";

/// The first bytes of every entry. The digit is the layout's version.
const MAGIC: &[u8; 8] = b"HWCACHE1";
/// Magic, the key's digest, the payload's length and its digest.
const HEADER_LEN: usize = 8 + 32 + 8 + 32;
/// What entry file names end with.
const ENTRY_SUFFIX: &str = ".mpk";
/// What temporary files being written start with.
const TEMP_PREFIX: &str = ".tmp-";
/// A temporary file older than this was left by an interrupted write.
const STALE_TEMP: Duration = Duration::from_secs(60);

/// What this build is: the version and a fingerprint of its source (see
/// build.rs). Part of every key.
pub fn build_id() -> String {
    format!(
        "hotwash {} source {}",
        env!("CARGO_PKG_VERSION"),
        env!("HOTWASH_SOURCE_FINGERPRINT")
    )
}

/// How often each thing happened, for tests and measurements.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Entries found whole and used.
    pub hits: usize,
    /// Lookups with no entry.
    pub misses: usize,
    /// Entries found but not used: truncated, corrupt, from another build,
    /// or undecodable. Each is also a miss for the caller.
    pub rejected: usize,
    /// Entries written.
    pub written: usize,
    /// Writes that failed (a full disk, a read-only folder); never shown,
    /// the value is still returned.
    pub write_failures: usize,
    /// Listings of the folder to enforce the cap.
    pub listings: usize,
}

#[derive(Debug, Default)]
struct Counters {
    hits: AtomicUsize,
    misses: AtomicUsize,
    rejected: AtomicUsize,
    written: AtomicUsize,
    write_failures: AtomicUsize,
    listings: AtomicUsize,
}

fn bump(counter: &AtomicUsize) {
    counter.fetch_add(1, Ordering::Relaxed);
}

/// A cache in one folder.
#[derive(Debug)]
pub struct Cache {
    dir: PathBuf,
    max_bytes: u64,
    build: String,
    counters: Counters,
    /// What this process believes the folder holds, so that a write need
    /// not list the folder: a library of thousands of records writes
    /// thousands of entries, and listing after each made that quadratic.
    held: std::sync::Mutex<Held>,
}

/// The folder's size as of its last listing, plus what was written since.
#[derive(Debug, Default)]
struct Held {
    /// `None` until the first listing.
    bytes: Option<u64>,
    /// Writes since the last listing.
    writes: u32,
}

/// Writes between listings of the folder even when the cap seems far: other
/// processes write into the same folder, and stale temporary files are
/// cleared at a listing.
const RELIST_EVERY: u32 = 64;

/// What identifies an entry: the kind of value, the content of the files
/// it came from and the parameters that shaped it, for this build.
#[derive(Clone)]
pub struct Key {
    kind: String,
    hasher: blake3::Hasher,
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Key({})", self.kind)
    }
}

impl Key {
    /// A key for a value of `kind` (such as `record` or `summary`: letters,
    /// digits and `-`; anything else is replaced in the entry's name).
    pub fn new(kind: &str) -> Self {
        let mut hasher = blake3::Hasher::new();
        part(&mut hasher, b"kind", kind.as_bytes());
        Key {
            kind: kind
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect(),
            hasher,
        }
    }

    /// Takes in content the value was built from.
    pub fn bytes(mut self, bytes: &[u8]) -> Self {
        let digest = digest_of(bytes);
        part(&mut self.hasher, b"bytes", digest.as_bytes());
        self
    }

    /// Takes in a content digest already computed (see [`hash_file`]).
    pub fn digest(mut self, digest: &blake3::Hash) -> Self {
        part(&mut self.hasher, b"bytes", digest.as_bytes());
        self
    }

    /// Takes in the content of the file at `path`, read in pieces (the file
    /// is never held in memory whole), or that there is none.
    pub fn file(self, path: &Path) -> io::Result<Self> {
        match std::fs::symlink_metadata(path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let mut key = self;
                part(&mut key.hasher, b"absent", b"");
                Ok(key)
            }
            _ => {
                let digest = hash_file(path, u64::MAX)?;
                Ok(self.digest(&digest))
            }
        }
    }

    /// Takes in a parameter that changes the value (a limit, an option).
    pub fn param(mut self, name: &str, value: impl std::fmt::Display) -> Self {
        part(
            &mut self.hasher,
            name.as_bytes(),
            value.to_string().as_bytes(),
        );
        self
    }

    /// The digest of the key for `build`.
    fn finish(&self, build: &str) -> [u8; 32] {
        let mut h = self.hasher.clone();
        part(&mut h, b"build", build.as_bytes());
        part(&mut h, b"layout", MAGIC);
        *h.finalize().as_bytes()
    }
}

/// Feeds one named part into a hash, lengths first, so that no two
/// different sequences of parts hash the same bytes.
fn part(h: &mut blake3::Hasher, name: &[u8], value: &[u8]) {
    h.update(&(name.len() as u64).to_le_bytes());
    h.update(name);
    h.update(&(value.len() as u64).to_le_bytes());
    h.update(value);
}

/// The BLAKE3 digest of the regular file at `path`, read in pieces. Refuses
/// what is not a regular file (a FIFO would block) and a file larger than
/// `max_size` (`InvalidData`).
pub fn hash_file(path: &Path, max_size: u64) -> io::Result<blake3::Hash> {
    let file = crate::files::open_regular(path).map_err(|e| io::Error::other(e.to_string()))?;
    let large = file.metadata().is_ok_and(|m| m.len() >= LARGE);
    let mut hasher = blake3::Hasher::new();
    let mut reader = file.take(max_size.saturating_add(1));
    if large {
        // Hashed a piece at a time on every core: a record of 100,000
        // events is 140 MB, and one core hashed it in a third of a hit.
        let mut piece = vec![0; PIECE];
        loop {
            let n = read_piece(&mut reader, &mut piece)?;
            if n == 0 {
                break;
            }
            hasher.update_rayon(&piece[..n]);
        }
    } else {
        // blake3's own loop reads into a buffer on the stack: a buffer made
        // per call (it was 1 MiB, zeroed) cost more than hashing a small
        // record, and a library hashes thousands.
        hasher.update_reader(&mut reader)?;
    }
    let total = hasher.count();
    if total > max_size {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "the file is over the size limit",
        ));
    }
    Ok(hasher.finalize())
}

/// From this size a file or payload is hashed on every core; blake3's
/// threads pay for themselves well below it (from about 128 KiB).
const LARGE: u64 = 1 << 20;

/// The pieces a large file is read and hashed in.
const PIECE: usize = 4 << 20;

/// Fills `piece` from `reader` as far as it goes; 0 at the end.
fn read_piece(reader: &mut impl Read, piece: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < piece.len() {
        match reader.read(&mut piece[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// BLAKE3 of `bytes`, on every core when they are large.
pub fn digest_of(bytes: &[u8]) -> blake3::Hash {
    let mut hasher = blake3::Hasher::new();
    if bytes.len() as u64 >= LARGE {
        hasher.update_rayon(bytes);
    } else {
        hasher.update(bytes);
    }
    hasher.finalize()
}

/// Whether the environment turns the cache off (`HOTWASH_NO_CACHE`).
pub fn disabled_by_env() -> bool {
    std::env::var_os(NO_CACHE_ENV).is_some_and(|v| !v.is_empty() && v != "0")
}

/// The platform's cache folder for hotwash: `$XDG_CACHE_HOME/hotwash`,
/// else `~/.cache/hotwash` (`%LOCALAPPDATA%` on Windows). `None` where no
/// home folder is known.
pub fn default_dir() -> Option<PathBuf> {
    use etcetera::BaseStrategy as _;
    etcetera::choose_base_strategy()
        .ok()
        .map(|s| s.cache_dir().join("hotwash"))
}

/// What `clear` removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Cleared {
    pub entries: usize,
    pub bytes: u64,
}

impl Cache {
    /// The cache in the platform's folder (see [`default_dir`]); nothing is
    /// created until the first entry is written.
    pub fn open_default() -> Option<Cache> {
        default_dir().map(Cache::at)
    }

    /// A cache in `dir`, created (0700) at the first write.
    pub fn at(dir: PathBuf) -> Cache {
        Cache {
            dir,
            max_bytes: DEFAULT_MAX_BYTES,
            build: build_id(),
            counters: Counters::default(),
            held: std::sync::Mutex::new(Held::default()),
        }
    }

    /// The same cache, holding at most `max_bytes`.
    pub fn with_max_bytes(mut self, max_bytes: u64) -> Cache {
        self.max_bytes = max_bytes;
        self
    }

    /// The same folder as seen by another build (tests: an entry from
    /// another version of hotwash).
    pub fn with_build(mut self, build: impl Into<String>) -> Cache {
        self.build = build.into();
        self
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn counts(&self) -> Counts {
        let c = &self.counters;
        let get = |a: &AtomicUsize| a.load(Ordering::Relaxed);
        Counts {
            hits: get(&c.hits),
            misses: get(&c.misses),
            rejected: get(&c.rejected),
            written: get(&c.written),
            write_failures: get(&c.write_failures),
            listings: get(&c.listings),
        }
    }

    /// Where the entry for `key` lives.
    pub fn entry_path(&self, key: &Key) -> PathBuf {
        let digest = key.finish(&self.build);
        self.dir.join(format!(
            "{}-{}{ENTRY_SUFFIX}",
            key.kind,
            blake3::Hash::from(digest).to_hex()
        ))
    }

    /// The value stored for `key`, if a whole entry of this build is there.
    /// Anything else is a miss; an unusable entry is also removed.
    pub fn get<T: DeserializeOwned>(&self, key: &Key) -> Option<T> {
        let path = self.entry_path(key);
        let bytes = match read_entry(&path, self.max_bytes) {
            Ok(Some(bytes)) => bytes,
            Ok(None) => {
                bump(&self.counters.misses);
                return None;
            }
            Err(_) => return self.reject(&path),
        };
        let Some(payload) = verified_payload(&bytes, &key.finish(&self.build)) else {
            return self.reject(&path);
        };
        match rmp_serde::from_slice::<T>(payload) {
            Ok(value) => {
                bump(&self.counters.hits);
                // Used now: the last to be evicted. A failure only makes it
                // look older.
                if let Ok(file) = File::open(&path) {
                    let _ = file.set_modified(SystemTime::now());
                }
                Some(value)
            }
            Err(_) => self.reject(&path),
        }
    }

    fn reject<T>(&self, path: &Path) -> Option<T> {
        bump(&self.counters.rejected);
        bump(&self.counters.misses);
        // Rewritten by the caller's rebuild; removed now in case it is not.
        let _ = std::fs::remove_file(path);
        None
    }

    /// Stores `value` for `key`. A failure is counted, never returned: the
    /// cache only ever saves time.
    pub fn put<T: Serialize + ?Sized>(&self, key: &Key, value: &T) {
        match self.write(key, value) {
            Ok(true) => bump(&self.counters.written),
            Ok(false) => {}
            Err(_) => bump(&self.counters.write_failures),
        }
    }

    /// Whether the entry was written (not when it would not fit).
    fn write<T: Serialize + ?Sized>(&self, key: &Key, value: &T) -> io::Result<bool> {
        use std::io::{Seek as _, SeekFrom};
        self.ensure_dir()?;
        // tempfile creates the file 0600 with a random name, in the cache
        // folder so that the rename stays on one file system.
        let mut temp = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .tempfile_in(&self.dir)?;
        // The payload is encoded straight into the file, hashed on the way,
        // and the header written over the placeholder after: a record of
        // 100,000 events is a 69 MB payload, which as a buffer grown from
        // empty cost a first open more than writing it. Nobody reads the
        // temporary file, so the placeholder is never seen.
        temp.write_all(&[0; HEADER_LEN])?;
        let mut out = Hashing {
            inner: io::BufWriter::with_capacity(256 * 1024, temp.as_file_mut()),
            hasher: blake3::Hasher::new(),
            len: 0,
            max: self.max_bytes.saturating_sub(HEADER_LEN as u64),
        };
        match rmp_serde::encode::write_named(&mut out, value) {
            Ok(()) => {}
            // Past the cap: not written (the temporary file goes when
            // dropped).
            Err(_) if out.len > out.max => return Ok(false),
            Err(e) => return Err(io::Error::other(e)),
        }
        out.inner.flush()?;
        let (len, digest) = (out.len, out.hasher.finalize());
        drop(out);
        let mut header = Vec::with_capacity(HEADER_LEN);
        header.extend_from_slice(MAGIC);
        header.extend_from_slice(&key.finish(&self.build));
        header.extend_from_slice(&len.to_le_bytes());
        header.extend_from_slice(digest.as_bytes());
        temp.seek(SeekFrom::Start(0))?;
        temp.write_all(&header)?;
        temp.flush()?;
        // No fsync: an entry cut short by a crash fails its length or hash
        // check and is rebuilt; waiting for the disk would cost every open.
        temp.persist(self.entry_path(key)).map_err(|e| e.error)?;
        if self.must_list(HEADER_LEN as u64 + len) {
            let total = self.evict()?;
            self.listed(total);
        }
        Ok(true)
    }

    /// The value for `key`, from the cache or built by `build` and stored.
    /// An error from `build` is returned and nothing is stored.
    pub fn get_or_build<T, E>(
        &self,
        key: &Key,
        build: impl FnOnce() -> Result<T, E>,
    ) -> Result<T, E>
    where
        T: Serialize + DeserializeOwned,
    {
        if let Some(value) = self.get(key) {
            return Ok(value);
        }
        let value = build()?;
        self.put(key, &value);
        Ok(value)
    }

    /// The value for `base` (its kind and parameters) and the files at
    /// `paths` (a record and its review, say; a missing file counts as
    /// absent), from the cache or built by `build`. The files are hashed
    /// before and after `build` reads them: if one changed meanwhile the
    /// value is returned but not stored, so an entry never pairs one content
    /// with a value built from another. A file that cannot be read is
    /// `build`'s business: nothing is cached.
    pub fn get_or_insert_with<T, E>(
        &self,
        paths: &[&Path],
        base: &Key,
        build: impl FnOnce() -> Result<T, E>,
    ) -> Result<T, E>
    where
        T: Serialize + DeserializeOwned,
    {
        let key_of = || {
            paths
                .iter()
                .try_fold(base.clone(), |key, path| key.file(path))
                .ok()
        };
        let Some(key) = key_of() else {
            return build();
        };
        if let Some(value) = self.get(&key) {
            return Ok(value);
        }
        let value = build()?;
        if key_of().is_some_and(|after| self.entry_path(&after) == self.entry_path(&key)) {
            self.put(&key, &value);
        }
        Ok(value)
    }

    /// Makes the folder (0700) if it is not there, and makes it 0700 if it
    /// is open to others. Changing the mode fails unless the folder is ours,
    /// so a folder someone else made is never written into.
    fn ensure_dir(&self) -> io::Result<()> {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt as _;
            builder.mode(0o700);
        }
        builder.create(&self.dir)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let meta = std::fs::metadata(&self.dir)?;
            if meta.permissions().mode() & 0o077 != 0 {
                std::fs::set_permissions(&self.dir, std::fs::Permissions::from_mode(0o700))?;
            }
        }
        Ok(())
    }

    /// The entries (and stale temporary files) in the folder.
    fn listing(&self) -> io::Result<Vec<Listed>> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let now = SystemTime::now();
        let mut listed = Vec::new();
        for entry in entries {
            let entry = entry?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            let is_entry = name.ends_with(ENTRY_SUFFIX) && !name.starts_with('.');
            let is_temp = name.starts_with(TEMP_PREFIX);
            if !is_entry && !is_temp {
                continue;
            }
            // Never follow a link, never remove a folder.
            let Ok(meta) = std::fs::symlink_metadata(entry.path()) else {
                continue;
            };
            if !meta.is_file() {
                continue;
            }
            let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
            let stale = now
                .duration_since(modified)
                .is_ok_and(|age| age >= STALE_TEMP);
            if is_temp && !stale {
                continue; // another process is writing it
            }
            listed.push(Listed {
                path: entry.path(),
                size: meta.len(),
                modified,
                temp: is_temp,
            });
        }
        Ok(listed)
    }

    /// Removes the least recently used entries until the folder holds at
    /// most `max_bytes`, and temporary files interrupted writes left.
    /// Counts a write of `bytes` and says whether the folder must be listed
    /// now: at the first write, every [`RELIST_EVERY`] writes, and whenever
    /// the folder may have gone past the cap.
    fn must_list(&self, bytes: u64) -> bool {
        let Ok(mut held) = self.held.lock() else {
            return true;
        };
        held.writes += 1;
        match held.bytes {
            Some(b) => {
                let b = b.saturating_add(bytes);
                held.bytes = Some(b);
                b > self.max_bytes || held.writes >= RELIST_EVERY
            }
            None => true,
        }
    }

    /// Notes what a listing (and eviction) left in the folder.
    fn listed(&self, total: u64) {
        if let Ok(mut held) = self.held.lock() {
            *held = Held {
                bytes: Some(total),
                writes: 0,
            };
        }
    }

    /// Removes stale temporary files, then the least recently used entries
    /// until the folder fits the cap; returns what the entries then take.
    fn evict(&self) -> io::Result<u64> {
        bump(&self.counters.listings);
        let mut listed = self.listing()?;
        for temp in listed.iter().filter(|l| l.temp) {
            let _ = std::fs::remove_file(&temp.path);
        }
        listed.retain(|l| !l.temp);
        let mut total: u64 = listed.iter().map(|l| l.size).sum();
        if total <= self.max_bytes {
            return Ok(total);
        }
        listed.sort_by_key(|l| l.modified);
        for oldest in listed {
            if total <= self.max_bytes {
                break;
            }
            match std::fs::remove_file(&oldest.path) {
                Ok(()) => total -= oldest.size,
                // Another process evicted it first.
                Err(e) if e.kind() == io::ErrorKind::NotFound => total -= oldest.size,
                Err(e) => return Err(e),
            }
        }
        Ok(total)
    }

    /// Removes every entry (and the folder, when nothing else is in it).
    pub fn clear(&self) -> io::Result<Cleared> {
        let mut cleared = Cleared::default();
        for listed in self.listing()? {
            match std::fs::remove_file(&listed.path) {
                Ok(()) => {
                    if !listed.temp {
                        cleared.entries += 1;
                    }
                    cleared.bytes += listed.size;
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
        // Only an empty folder goes: anything else in it is not ours.
        let _ = std::fs::remove_dir(&self.dir);
        self.listed(0);
        Ok(cleared)
    }
}

struct Listed {
    path: PathBuf,
    size: u64,
    modified: SystemTime,
    temp: bool,
}

/// The bytes of the entry at `path`; `None` when there is none. An entry
/// larger than the cache may hold is an error (it cannot be ours).
fn read_entry(path: &Path, max_bytes: u64) -> io::Result<Option<Vec<u8>>> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let meta = file.metadata()?;
    if !meta.is_file() || meta.len() > max_bytes {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "not an entry"));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max_bytes).read_to_end(&mut bytes)?;
    Ok(Some(bytes))
}

/// A writer that hashes and counts what goes through it, and refuses more
/// than `max` bytes.
struct Hashing<W> {
    inner: W,
    hasher: blake3::Hasher,
    len: u64,
    max: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.len += buf.len() as u64;
        if self.len > self.max {
            return Err(io::Error::other("the entry is larger than the cache"));
        }
        let n = self.inner.write(buf)?;
        // Only what was taken is counted and hashed.
        self.len -= (buf.len() - n) as u64;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// The payload of an entry whose header names `key` and whose payload has
/// the length and digest the header gives.
fn verified_payload<'b>(bytes: &'b [u8], key: &[u8; 32]) -> Option<&'b [u8]> {
    let (header, payload) = bytes.split_at_checked(HEADER_LEN)?;
    let (magic, rest) = header.split_at(MAGIC.len());
    let (stored_key, rest) = rest.split_at(32);
    let (length, digest) = rest.split_at(8);
    let length = u64::from_le_bytes(length.try_into().ok()?);
    let whole = magic == MAGIC
        && stored_key == key
        && length == payload.len() as u64
        && digest_of(payload).as_bytes() == digest;
    whole.then_some(payload)
}

#[cfg(test)]
mod tests;
