//! The cache is never trusted over the file: every way an entry can be
//! wrong is a miss, and the record still loads with its right content.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::*;
use crate::load::{self, LoadOptions};
use crate::model::Record;
use crate::scratch::Dir;

/// A record file, with the cache in a folder of its own beside (not in)
/// the record's folder.
struct Setup {
    _dir: Dir,
    records: PathBuf,
    cache_dir: PathBuf,
}

impl Setup {
    fn new(name: &str) -> Self {
        let dir = Dir::new("cache", name);
        let records = dir.0.join("incidents");
        std::fs::create_dir_all(&records).expect("records folder");
        let cache_dir = dir.0.join("xdg-cache").join("hotwash");
        Setup {
            _dir: dir,
            records,
            cache_dir,
        }
    }

    fn cache(&self) -> Arc<Cache> {
        Arc::new(Cache::at(self.cache_dir.clone()))
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.records.join(name);
        std::fs::write(&path, text).expect("write the record");
        path
    }

    fn entries(&self) -> Vec<PathBuf> {
        let mut found: Vec<PathBuf> = std::fs::read_dir(&self.cache_dir)
            .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default();
        found.sort();
        found
    }

    /// The one entry in the cache.
    fn entry(&self) -> PathBuf {
        let entries = self.entries();
        assert_eq!(entries.len(), 1, "{entries:?}");
        entries[0].clone()
    }
}

fn options(cache: &Arc<Cache>) -> LoadOptions {
    LoadOptions {
        cache: Some(Arc::clone(cache)),
        ..LoadOptions::default()
    }
}

/// The Taurus record: every kind of field the model has.
fn taurus() -> &'static str {
    include_str!("../../incidents/taurus-webex-2024.ron")
}

/// A record with a warning (a classified marking shared as TLP:CLEAR).
const WARNED: &str = r#"(schema: 1, id: "w", title: "T", summary: "S",
    classification: (scheme: De, level: Restricted), tlp: "CLEAR")"#;

fn uncached(path: &Path) -> load::Loaded<Record> {
    load::load_record(path, &LoadOptions::default())
}

#[test]
fn every_bundled_record_round_trips_through_messagepack() {
    for file in crate::bundled::records() {
        let record: Record = load::parse(file.text).expect("a bundled record parses");
        let bytes = rmp_serde::to_vec_named(&record).expect("encodes");
        let back: Record = rmp_serde::from_slice(&bytes).expect("decodes");
        assert_eq!(back, record, "{}", file.name);
    }
}

#[test]
fn a_second_load_comes_from_the_cache_with_the_same_content() {
    let s = Setup::new("hit");
    let path = s.write("taurus.ron", taurus());
    let cache = s.cache();
    let first = load::load_record(&path, &options(&cache));
    assert_eq!(cache.counts().misses, 1);
    assert_eq!(cache.counts().written, 1);
    let second = load::load_record(&path, &options(&cache));
    assert_eq!(cache.counts().hits, 1);
    let expected = uncached(&path);
    assert_eq!(second.value, expected.value);
    assert_eq!(first.value, expected.value);
    assert!(second.value.is_some() && second.report.diagnostics.is_empty());
}

#[test]
fn a_cached_open_reports_the_same_warnings_in_the_same_places() {
    let s = Setup::new("warnings");
    let path = s.write("w.ron", WARNED);
    let cache = s.cache();
    let expected = uncached(&path);
    assert!(expected.report.warnings() > 0, "{:?}", expected.report);
    load::load_record(&path, &options(&cache));
    let cached = load::load_record(&path, &options(&cache));
    assert_eq!(cache.counts().hits, 1);
    assert_eq!(cached.value, expected.value);
    assert_eq!(cached.report.diagnostics, expected.report.diagnostics);
    assert_eq!(cached.report.text, expected.report.text);
    assert_eq!(
        cached.report.render(false, 100),
        expected.report.render(false, 100)
    );
}

#[test]
fn a_record_with_errors_is_not_stored() {
    let s = Setup::new("errors");
    let path = s.write("bad.ron", "(schema: 1, id: \"x\"");
    let cache = s.cache();
    let loaded = load::load_record(&path, &options(&cache));
    assert!(loaded.value.is_none());
    assert_eq!(
        loaded.report.diagnostics,
        uncached(&path).report.diagnostics
    );
    assert_eq!(cache.counts().written, 0);
    assert!(s.entries().is_empty());
}

/// Damages the one entry with `damage`, then checks that the next load
/// rejects it, loads the file's right content and stores a good entry again.
fn damaged_entry_is_ignored(name: &str, damage: impl FnOnce(&Path)) {
    let s = Setup::new(name);
    let path = s.write("taurus.ron", taurus());
    let cache = s.cache();
    load::load_record(&path, &options(&cache));
    damage(&s.entry());
    let loaded = load::load_record(&path, &options(&cache));
    assert_eq!(cache.counts().rejected, 1, "{name}: {:?}", cache.counts());
    assert_eq!(cache.counts().hits, 0);
    assert_eq!(loaded.value, uncached(&path).value, "{name}");
    assert!(
        loaded.report.diagnostics.is_empty(),
        "{name}: {:?}",
        loaded.report
    );
    // Rebuilt: the next load is a hit again.
    assert_eq!(cache.counts().written, 2, "{name}");
    let again = load::load_record(&path, &options(&cache));
    assert_eq!(cache.counts().hits, 1, "{name}");
    assert_eq!(again.value, loaded.value);
}

#[test]
fn a_corrupt_entry_is_ignored() {
    // One byte of the payload flipped: it may still decode, into other
    // content; the payload's hash catches it.
    damaged_entry_is_ignored("corrupt", |entry| {
        let mut bytes = std::fs::read(entry).expect("read the entry");
        let middle = HEADER_LEN + (bytes.len() - HEADER_LEN) / 2;
        bytes[middle] ^= 0x20;
        std::fs::write(entry, bytes).expect("write the entry");
    });
}

#[test]
fn a_truncated_entry_is_ignored() {
    damaged_entry_is_ignored("truncated", |entry| {
        let bytes = std::fs::read(entry).expect("read the entry");
        std::fs::write(entry, &bytes[..bytes.len() - 100]).expect("write the entry");
    });
    damaged_entry_is_ignored("header-only", |entry| {
        let bytes = std::fs::read(entry).expect("read the entry");
        std::fs::write(entry, &bytes[..HEADER_LEN - 3]).expect("write the entry");
    });
    damaged_entry_is_ignored("empty", |entry| {
        std::fs::write(entry, b"").expect("write the entry");
    });
}

#[test]
fn garbage_with_a_right_header_is_ignored() {
    // A header that names the key and hashes its payload, over a payload
    // that is not a record: the decode error is a miss, not an error.
    damaged_entry_is_ignored("garbage", |entry| {
        let bytes = std::fs::read(entry).expect("read the entry");
        let payload = b"\xc1\xc1 not messagepack";
        let mut damaged = bytes[..8 + 32].to_vec();
        damaged.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        damaged.extend_from_slice(blake3::hash(payload).as_bytes());
        damaged.extend_from_slice(payload);
        std::fs::write(entry, damaged).expect("write the entry");
    });
}

#[test]
fn an_entry_of_another_build_is_ignored() {
    let s = Setup::new("other-build");
    let path = s.write("taurus.ron", taurus());
    // Another version's entry for the same file, and the same record with
    // a changed title under it: were it trusted, the title would show.
    let other = Cache::at(s.cache_dir.clone()).with_build("hotwash 0.0.9 source 0");
    let mut changed = uncached(&path).value.expect("loads");
    changed.title = "Not what the file says".into();
    let digest = hash_file(&path, u64::MAX).expect("hash");
    let key = Key::new(record::KIND)
        .digest(&digest)
        .param("max-field", LoadOptions::default().max_field);
    other.put(
        &key,
        &serde_json::json!({ "record": changed, "diagnostics": [] }),
    );
    assert_eq!(other.counts().written, 1);
    let cache = s.cache();
    // Under its own name it is simply not this build's entry...
    let loaded = load::load_record(&path, &options(&cache));
    assert_eq!(cache.counts().misses, 1);
    assert_eq!(cache.counts().rejected, 0);
    assert_eq!(loaded.value, uncached(&path).value);
    // ...and moved to this build's name, its header gives it away.
    let ours = cache.entry_path(&key);
    std::fs::rename(other.entry_path(&key), &ours).expect("rename");
    let loaded = load::load_record(&path, &options(&cache));
    assert_eq!(cache.counts().rejected, 1);
    assert_eq!(loaded.value, uncached(&path).value);
    assert_ne!(
        loaded.value.map(|r| r.title),
        Some("Not what the file says".to_string())
    );
}

#[test]
fn a_changed_file_with_the_same_size_and_time_is_not_served_stale() {
    let s = Setup::new("stale");
    let path = s.write("taurus.ron", taurus());
    let cache = s.cache();
    load::load_record(&path, &options(&cache));
    let meta = std::fs::metadata(&path).expect("metadata");
    // The same length, the same modification time, one letter changed.
    let title = "title: \"Luftwaffe 'Taurus'";
    let changed = taurus().replacen(title, "title: \"Luftwaffe 'Tauros'", 1);
    assert_ne!(changed, taurus());
    assert_eq!(changed.len(), taurus().len());
    std::fs::write(&path, &changed).expect("rewrite");
    std::fs::File::options()
        .write(true)
        .open(&path)
        .and_then(|f| f.set_modified(meta.modified()?))
        .expect("set the time back");
    assert_eq!(
        std::fs::metadata(&path).expect("metadata").len(),
        meta.len()
    );
    let loaded = load::load_record(&path, &options(&cache));
    assert_eq!(cache.counts().hits, 0, "the key hashes the content");
    let record = loaded.value.expect("loads");
    assert!(
        record.title.starts_with("Luftwaffe 'Tauros'"),
        "{}",
        record.title
    );
    assert_eq!(Some(record), uncached(&path).value);
}

#[test]
fn other_limits_are_other_entries() {
    let s = Setup::new("limits");
    let path = s.write("taurus.ron", taurus());
    let cache = s.cache();
    load::load_record(&path, &options(&cache));
    // A field limit the record breaks: the entry checked under the default
    // limit must not answer for it.
    let strict = LoadOptions {
        max_field: 10,
        ..options(&cache)
    };
    let loaded = load::load_record(&path, &strict);
    assert_eq!(cache.counts().hits, 0);
    assert!(loaded.value.is_none(), "the field limit is applied");
    assert_eq!(
        loaded.report.diagnostics,
        load::load_record(
            &path,
            &LoadOptions {
                max_field: 10,
                ..LoadOptions::default()
            }
        )
        .report
        .diagnostics
    );
}

#[test]
fn files_that_cannot_be_read_are_reported_as_without_a_cache() {
    let s = Setup::new("unreadable");
    let cache = s.cache();
    let missing = s.records.join("missing.ron");
    let too_big = s.write("big.ron", taurus());
    let small = LoadOptions {
        max_size: 100,
        ..options(&cache)
    };
    for (path, options) in [(&missing, options(&cache)), (&too_big, small.clone())] {
        let cached = load::load_record(path, &options);
        let plain = load::load_record(
            path,
            &LoadOptions {
                cache: None,
                ..options.clone()
            },
        );
        assert!(cached.value.is_none());
        assert_eq!(cached.report.diagnostics, plain.report.diagnostics);
    }
    assert!(s.entries().is_empty());
}

#[cfg(unix)]
#[test]
fn the_folder_is_private_and_nothing_is_written_beside_the_record() {
    use std::os::unix::fs::PermissionsExt;
    let s = Setup::new("private");
    let path = s.write("taurus.ron", taurus());
    let before: Vec<_> = std::fs::read_dir(&s.records)
        .expect("list")
        .filter_map(|e| e.ok().map(|e| e.file_name()))
        .collect();
    load::load_record(&path, &options(&s.cache()));
    let mode = |p: &Path| std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777;
    assert_eq!(mode(&s.cache_dir), 0o700);
    assert_eq!(mode(&s.entry()), 0o600);
    let after: Vec<_> = std::fs::read_dir(&s.records)
        .expect("list")
        .filter_map(|e| e.ok().map(|e| e.file_name()))
        .collect();
    assert_eq!(before, after);
    // A folder left open to others is closed at the next write.
    std::fs::set_permissions(&s.cache_dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let other = s.write("w.ron", WARNED);
    load::load_record(&other, &options(&s.cache()));
    assert_eq!(mode(&s.cache_dir), 0o700);
}

#[test]
fn the_least_recently_used_entries_go_past_the_cap() {
    let s = Setup::new("evict");
    let cache = Cache::at(s.cache_dir.clone()).with_max_bytes(3_000);
    let value = "x".repeat(900);
    let key = |n: u32| Key::new("test").param("n", n);
    for n in 0..3 {
        cache.put(&key(n), &value);
        // Modification times must differ for the order to be seen.
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(cache.counts().written, 3);
    // Using 0 makes 1 the oldest.
    assert_eq!(
        cache.get::<String>(&key(0)).as_deref(),
        Some(value.as_str())
    );
    std::thread::sleep(Duration::from_millis(20));
    cache.put(&key(3), &value);
    assert!(cache.get::<String>(&key(1)).is_none(), "the oldest went");
    for n in [0, 2, 3] {
        assert!(cache.get::<String>(&key(n)).is_some(), "{n} stays");
    }
    // A value larger than the whole cache is not written at all.
    cache.put(&key(4), &"y".repeat(4_000));
    assert!(cache.get::<String>(&key(4)).is_none());
    assert_eq!(s.entries().len(), 3);
}

#[test]
fn many_writes_list_the_folder_a_few_times_not_once_each() {
    let s = Setup::new("listings");
    let cache = Cache::at(s.cache_dir.clone()).with_max_bytes(1 << 20);
    for n in 0..500u32 {
        cache.put(&Key::new("test").param("n", n), &"x".repeat(100));
    }
    let counts = cache.counts();
    assert_eq!(counts.written, 500);
    // The first write, then one in every 64: 8 in all, not 500.
    assert_eq!(counts.listings, 8, "{counts:?}");
    assert_eq!(s.entries().len(), 500);
}

#[test]
fn the_cap_holds_between_listings() {
    let s = Setup::new("cap-between");
    let cache = Cache::at(s.cache_dir.clone()).with_max_bytes(10_000);
    for n in 0..40u32 {
        cache.put(&Key::new("test").param("n", n), &"x".repeat(900));
        let held: u64 = s
            .entries()
            .iter()
            .map(|e| std::fs::metadata(e).expect("entry").len())
            .sum();
        assert!(held <= 10_000, "after {n}: {held} bytes");
    }
}

#[test]
fn clear_removes_the_entries_and_only_them() {
    let s = Setup::new("clear");
    let path = s.write("taurus.ron", taurus());
    let cache = s.cache();
    load::load_record(&path, &options(&cache));
    let size = std::fs::metadata(s.entry()).expect("entry").len();
    let cleared = cache.clear().expect("clears");
    assert_eq!(
        cleared,
        Cleared {
            entries: 1,
            bytes: size
        }
    );
    assert!(!s.cache_dir.exists(), "the empty folder goes too");
    // Something that is not ours stays, and so does the folder.
    load::load_record(&path, &options(&cache));
    std::fs::write(s.cache_dir.join("notes.txt"), "mine").expect("write");
    assert_eq!(cache.clear().expect("clears").entries, 1);
    assert!(s.cache_dir.join("notes.txt").exists());
    // Nothing there: nothing to do, no error.
    let empty = Cache::at(s.cache_dir.join("never-made"));
    assert_eq!(empty.clear().expect("clears"), Cleared::default());
}

#[test]
fn get_or_insert_with_builds_once_per_content() {
    let s = Setup::new("generic");
    let record = s.write("w.ron", WARNED);
    let review = s.records.join("w.review.ron");
    let cache = s.cache();
    let mut builds = 0;
    let mut summary = |cache: &Cache| {
        cache
            .get_or_insert_with(&[&record, &review], &Key::new("summary"), || {
                builds += 1;
                let text = std::fs::read_to_string(&record)?;
                Ok::<_, io::Error>((text.len(), review.exists()))
            })
            .expect("builds")
    };
    assert_eq!(summary(&cache), (WARNED.len(), false));
    assert_eq!(summary(&cache), (WARNED.len(), false));
    assert_eq!(cache.counts().hits, 1);
    // A review appearing is a change of input.
    std::fs::write(&review, "(schema: 1, record: \"w\")").expect("write");
    assert_eq!(summary(&cache), (WARNED.len(), true));
    assert_eq!(cache.counts().hits, 1);
    assert_eq!(builds, 2);
    // An error from the build is returned, and nothing stored.
    let failed: Result<u8, &str> =
        cache.get_or_insert_with(&[&record], &Key::new("other"), || Err("no"));
    assert_eq!(failed, Err("no"));
}

#[test]
fn a_file_changed_while_it_is_built_is_not_stored() {
    let s = Setup::new("changing");
    let record = s.write("w.ron", WARNED);
    let cache = s.cache();
    let built: Result<String, io::Error> =
        cache.get_or_insert_with(&[&record], &Key::new("summary"), || {
            let text = std::fs::read_to_string(&record)?;
            std::fs::write(&record, format!("{WARNED} "))?;
            Ok(text)
        });
    assert_eq!(built.expect("builds"), WARNED);
    assert_eq!(cache.counts().written, 0);
}

#[test]
fn concurrent_writers_and_readers_never_see_a_partial_entry() {
    let s = Setup::new("concurrent");
    // Large enough that a write takes many system calls.
    let value: Vec<String> = (0..20_000)
        .map(|i| format!("line {i} of the value"))
        .collect();
    let key = Key::new("test").param("n", 1);
    std::thread::scope(|scope| {
        for writer in [true, true, true, false, false, false] {
            let (value, key) = (&value, &key);
            // A cache of its own each, as separate processes have.
            let cache = Cache::at(s.cache_dir.clone());
            scope.spawn(move || {
                for _ in 0..15 {
                    if writer {
                        cache.put(key, value);
                    } else if let Some(read) = cache.get::<Vec<String>>(key) {
                        assert_eq!(&read, value);
                    }
                }
                let counts = cache.counts();
                assert_eq!(counts.rejected, 0, "{counts:?}");
                assert_eq!(counts.write_failures, 0, "{counts:?}");
            });
        }
    });
    let entries = s.entries();
    assert_eq!(entries.len(), 1, "no temporary file is left: {entries:?}");
    // And records loaded by several at once are all whole.
    let path = s.write("taurus.ron", taurus());
    let expected = uncached(&path).value;
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                let cache = s.cache();
                for _ in 0..3 {
                    assert_eq!(load::load_record(&path, &options(&cache)).value, expected);
                }
                assert_eq!(cache.counts().rejected, 0);
            });
        }
    });
}

#[test]
fn a_summary_comes_from_the_cache_until_the_record_or_its_review_changes() {
    let s = Setup::new("summary");
    let path = s.write("taurus.ron", taurus());
    let cache = s.cache();
    let opts = options(&cache);
    let uncached = || crate::library::summarise(&path, &LoadOptions::default()).expect("loads");
    let first = crate::library::summarise(&path, &opts).expect("loads");
    assert_eq!(first, uncached());
    // The record and its summary were written.
    assert_eq!(cache.counts().written, 2, "{:?}", cache.counts());
    let again = crate::library::summarise(&path, &opts).expect("loads");
    assert_eq!(again, first);
    assert_eq!(cache.counts().hits, 1, "only the summary was read");

    // A review written beside it is another summary: reviewed counts.
    let record: Record = load::parse(taurus()).expect("parses");
    let mut review = crate::model::Review::new(record.id.clone());
    let mut mark = crate::model::EventMark::new(record.events[0].id.to_string());
    mark.reviewed = true;
    review.marks.push(mark);
    let review_text =
        ron::ser::to_string_pretty(&review, ron::ser::PrettyConfig::default()).expect("serialises");
    std::fs::write(load::review_path(&path), review_text).expect("write the review");
    let reviewed = crate::library::summarise(&path, &opts).expect("loads");
    assert_eq!(reviewed.review.reviewed, 1);
    assert_eq!(reviewed, uncached());

    // A broken review: said in the summary, from the cache as fresh.
    std::fs::write(load::review_path(&path), "(schema: 1, record: ").expect("break it");
    let broken = crate::library::summarise(&path, &opts).expect("loads");
    assert_eq!(broken.review.reviewed, 0);
    assert!(broken.review.unusable.is_some(), "{broken:?}");
    assert_eq!(
        crate::library::summarise(&path, &opts).expect("loads"),
        broken
    );
    assert_eq!(broken, uncached());

    // The record changed: its new title, not the stored summary.
    std::fs::write(&path, WARNED).expect("rewrite");
    let changed = crate::library::summarise(&path, &opts).expect("loads");
    assert_eq!(changed.title(), "T");
}

#[test]
fn a_record_that_does_not_load_gets_no_summary_entry() {
    let s = Setup::new("summary-broken");
    let path = s.write("broken.ron", "(schema: 1, id: ");
    let cache = s.cache();
    for _ in 0..2 {
        let report = crate::library::summarise(&path, &options(&cache)).expect_err("broken");
        assert!(report.first_error().is_some(), "{report:?}");
    }
    assert_eq!(cache.counts().written, 0);
    assert!(s.entries().is_empty());
}

/// Bytes that differ from one piece of a large file to the next.
fn varied(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 + i / 4096) as u8).collect()
}

#[test]
fn a_large_file_is_hashed_on_every_core_to_blake3s_own_digest() {
    let dir = Dir::new("cache", "large-hash");
    // Under the threshold, at it, and over it by whole and partial pieces.
    for len in [0, 1000, (1 << 20) - 1, 1 << 20, (9 << 20) + 123] {
        let bytes = varied(len);
        let path = dir.0.join(format!("{len}.ron"));
        std::fs::write(&path, &bytes).expect("write");
        let expected = blake3::hash(&bytes);
        assert_eq!(
            hash_file(&path, u64::MAX).expect("hash"),
            expected,
            "{len} bytes"
        );
        assert_eq!(digest_of(&bytes), expected, "{len} bytes in memory");
    }
}

#[test]
fn a_large_file_over_the_limit_is_refused_while_hashed() {
    let dir = Dir::new("cache", "large-limit");
    let path = dir.0.join("big.ron");
    std::fs::write(&path, varied((5 << 20) + 7)).expect("write");
    let refused = hash_file(&path, 5 << 20).expect_err("over the limit");
    assert_eq!(refused.kind(), io::ErrorKind::InvalidData);
    assert!(hash_file(&path, (5 << 20) + 7).is_ok(), "at the limit");
}
