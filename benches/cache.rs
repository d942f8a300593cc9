//! The cache against the parse it saves, on synthetic records of 10k and
//! 100k events from the generator shared with `examples/synth.rs`, the
//! record file in the page cache:
//!
//! - `open_uncached`: `hotwash::load::load_record` without a cache: read,
//!   check the text, parse the RON, validate (what every open cost before);
//! - `open_cache_hit`: the same call through a cache holding the entry: hash
//!   the file (BLAKE3), read and verify the entry, decode the MessagePack;
//! - `open_cache_miss`: through a cache without the entry: the uncached open
//!   plus hashing, encoding and writing the entry (a first open);
//! - `hash_sha256`, `hash_blake3`: the content hash of the file's bytes, the
//!   two candidates for the key; `hash_blake3_all_cores`: BLAKE3 as the
//!   cache takes it of a large file or entry, on every core;
//! - `decode_messagepack`, `decode_json`: the record from each candidate
//!   format for entries (named fields both).
//!
//! ```text
//! cargo bench --bench cache
//! ```

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use divan::{Bencher, black_box};
use hotwash::cache::Cache;
use hotwash::load::{LoadOptions, load_record};
use hotwash::model::Record;

// The allocator the hotwash binary uses, so the figures are the program's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[allow(dead_code)]
#[path = "common/synth.rs"]
mod synth;

/// `examples/synth.rs --seed 7`, the record of issue 14's measurements.
const SEED: u64 = 7;

const SIZES: [usize; 2] = [10_000, 100_000];

fn main() {
    divan::main();
    let _ = std::fs::remove_dir_all(scratch());
}

fn scratch() -> PathBuf {
    std::env::temp_dir().join(format!("hotwash-bench-cache-{}", std::process::id()))
}

fn slot(events: usize) -> usize {
    SIZES
        .iter()
        .position(|&n| n == events)
        .unwrap_or_else(|| panic!("no record prepared for {events} events"))
}

/// The pretty RON file of a synthetic record, written once per size.
fn file(events: usize) -> &'static Path {
    static FILES: [OnceLock<PathBuf>; SIZES.len()] = [const { OnceLock::new() }; SIZES.len()];
    FILES[slot(events)].get_or_init(|| {
        let dir = scratch().join("incidents");
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("scratch folder: {e}"));
        let path = dir.join(format!("synth-{events}.ron"));
        let mut out = Vec::new();
        synth::write(&mut out, &synth::record(events, SEED), true)
            .unwrap_or_else(|e| panic!("cannot write the synthetic record: {e}"));
        std::fs::write(&path, out).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        path
    })
}

fn record(events: usize) -> &'static Record {
    static RECORDS: [OnceLock<Record>; SIZES.len()] = [const { OnceLock::new() }; SIZES.len()];
    RECORDS[slot(events)].get_or_init(|| {
        load_record(file(events), &LoadOptions::default())
            .value
            .unwrap_or_else(|| panic!("the synthetic record loads"))
    })
}

fn cached(name: &str) -> LoadOptions {
    LoadOptions {
        cache: Some(Arc::new(Cache::at(scratch().join(name)))),
        ..LoadOptions::default()
    }
}

fn bytes(events: usize) -> u64 {
    std::fs::metadata(file(events)).map_or(0, |m| m.len())
}

fn open(path: &Path, options: &LoadOptions) -> Option<Record> {
    let loaded = load_record(black_box(path), options);
    assert!(loaded.report.diagnostics.is_empty(), "the record is valid");
    loaded.value
}

#[divan::bench(args = SIZES, sample_count = 20, max_time = 30)]
fn open_uncached(bencher: Bencher, events: usize) {
    let path = file(events);
    let options = LoadOptions::default();
    bencher
        .counter(divan::counter::BytesCount::new(bytes(events)))
        .bench(|| open(path, &options));
}

#[divan::bench(args = SIZES, sample_count = 20, max_time = 30)]
fn open_cache_hit(bencher: Bencher, events: usize) {
    let path = file(events);
    let options = cached("hit");
    open(path, &options);
    bencher
        .counter(divan::counter::BytesCount::new(bytes(events)))
        .bench(|| open(path, &options));
    let cache = options.cache.as_ref().map(|c| c.counts());
    assert!(
        cache.is_some_and(|c| c.hits > 0 && c.rejected == 0),
        "{cache:?}"
    );
}

#[divan::bench(args = SIZES, sample_count = 10, max_time = 30)]
fn open_cache_miss(bencher: Bencher, events: usize) {
    let path = file(events);
    let options = cached("miss");
    let dir = scratch().join("miss");
    bencher
        .counter(divan::counter::BytesCount::new(bytes(events)))
        .with_inputs(|| {
            let _ = std::fs::remove_dir_all(&dir);
        })
        .bench_values(|()| open(path, &options));
}

#[divan::bench(args = SIZES, sample_count = 20, max_time = 30)]
fn hash_sha256(bencher: Bencher, events: usize) {
    use sha2::Digest as _;
    let data = std::fs::read(file(events)).unwrap_or_default();
    bencher
        .counter(divan::counter::BytesCount::of_slice(&data))
        .bench(|| sha2::Sha256::digest(black_box(&data)));
}

#[divan::bench(args = SIZES, sample_count = 20, max_time = 30)]
fn hash_blake3(bencher: Bencher, events: usize) {
    let data = std::fs::read(file(events)).unwrap_or_default();
    bencher
        .counter(divan::counter::BytesCount::of_slice(&data))
        .bench(|| blake3::hash(black_box(&data)));
}

#[divan::bench(args = SIZES, sample_count = 20, max_time = 30)]
fn hash_blake3_all_cores(bencher: Bencher, events: usize) {
    let data = std::fs::read(file(events)).unwrap_or_default();
    bencher
        .counter(divan::counter::BytesCount::of_slice(&data))
        .bench(|| hotwash::cache::digest_of(black_box(&data)));
}

#[divan::bench(args = SIZES, sample_count = 20, max_time = 30)]
fn decode_messagepack(bencher: Bencher, events: usize) {
    let encoded = rmp_serde::to_vec_named(record(events)).unwrap_or_default();
    bencher
        .counter(divan::counter::BytesCount::of_slice(&encoded))
        .bench(|| rmp_serde::from_slice::<Record>(black_box(&encoded)).ok());
}

#[divan::bench(args = SIZES, sample_count = 20, max_time = 30)]
fn decode_json(bencher: Bencher, events: usize) {
    let encoded = serde_json::to_vec(record(events)).unwrap_or_default();
    bencher
        .counter(divan::counter::BytesCount::of_slice(&encoded))
        .bench(|| serde_json::from_slice::<Record>(black_box(&encoded)).ok());
}
