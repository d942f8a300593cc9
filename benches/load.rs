//! Loading benchmarks on synthetic records of 1k, 10k and 100k events from
//! the generator shared with `examples/synth.rs`:
//!
//! - `bare_ron_from_str`: `ron::from_str` into the record types, with the
//!   record dialect's options (`hotwash::load::parse`);
//! - `load_and_validate`: parse and semantic validation, as `hotwash` loads a
//!   file once its text is read (`hotwash::load::record_from_text`);
//! - `load_file`: the whole load of a file, reading and checking the text
//!   included (`hotwash::load::load_record`; the file is in the page cache).
//! - `summarise_file`: what the library keeps of a record file, with its
//!   review (`hotwash::library::summarise`), against `open_file`, the full
//!   load the review screen needs (`hotwash::tui::app::open_record`);
//! - `folder_validate` and `folder_summarise`: a folder of 200 records of
//!   200 events, checked as `hotwash validate` does and summarised as the
//!   library does, on one thread and on every core (`jobs`).
//!
//! ```text
//! cargo bench --bench load
//! ```

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use divan::{Bencher, black_box};
use hotwash::load::{LoadOptions, load_record, parse, record_from_text};
use hotwash::model::Record;

// The allocator the hotwash binary uses, so the figures are the program's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

// Each bench uses part of the shared generator.
#[allow(dead_code)]
#[path = "common/synth.rs"]
mod synth;

/// The seed of `examples/synth.rs`'s default output, so the texts here are
/// byte for byte the files it writes.
const SEED: u64 = 1;

const SIZES: [usize; 3] = [1_000, 10_000, 100_000];

fn main() {
    divan::main();
    for size in SIZES {
        std::fs::remove_file(file_path(size)).ok();
    }
    std::fs::remove_dir_all(folder_path()).ok();
}

/// Records in the folder benches, and their events.
const FOLDER: (usize, usize) = (200, 200);

fn folder_path() -> PathBuf {
    std::env::temp_dir().join(format!("hotwash-bench-folder-{}", std::process::id()))
}

/// A folder of `FOLDER` records, written once.
fn folder() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = folder_path();
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("cannot make the folder: {e}"));
        for i in 0..FOLDER.0 {
            let mut out = Vec::new();
            synth::write(&mut out, &synth::record(FOLDER.1, i as u64 + 1), true)
                .unwrap_or_else(|e| panic!("cannot write a synthetic record: {e}"));
            std::fs::write(dir.join(format!("r{i:04}.ron")), out)
                .unwrap_or_else(|e| panic!("cannot write a record: {e}"));
        }
        dir
    })
}

/// One thread, and every core this process may use.
fn job_counts() -> [usize; 2] {
    [1, hotwash::library::parallel::jobs()]
}

/// The pretty RON text of a synthetic record, generated once per size.
fn text(events: usize) -> &'static str {
    static TEXTS: [OnceLock<String>; SIZES.len()] = [const { OnceLock::new() }; SIZES.len()];
    TEXTS[slot(events)].get_or_init(|| {
        let mut out = Vec::new();
        synth::write(&mut out, &synth::record(events, SEED), true)
            .unwrap_or_else(|e| panic!("cannot write the synthetic record: {e}"));
        String::from_utf8(out).unwrap_or_else(|e| panic!("RON output is UTF-8: {e}"))
    })
}

/// The same text in a temporary file, written once per size.
fn file(events: usize) -> &'static Path {
    static FILES: [OnceLock<PathBuf>; SIZES.len()] = [const { OnceLock::new() }; SIZES.len()];
    FILES[slot(events)].get_or_init(|| {
        let path = file_path(events);
        std::fs::write(&path, text(events))
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        path
    })
}

fn file_path(events: usize) -> PathBuf {
    std::env::temp_dir().join(format!("hotwash-bench-{}-{events}.ron", std::process::id()))
}

fn slot(events: usize) -> usize {
    SIZES
        .iter()
        .position(|&n| n == events)
        .unwrap_or_else(|| panic!("no record prepared for {events} events"))
}

#[divan::bench(args = SIZES, sample_count = 100, max_time = 30)]
fn bare_ron_from_str(bencher: Bencher, events: usize) {
    let text = text(events);
    bencher
        .counter(divan::counter::BytesCount::of_str(text))
        .bench(|| parse::<Record>(black_box(text)).unwrap_or_else(|d| panic!("{}", d.message)));
}

/// `record_from_text` takes the text by value; it is copied outside the
/// timed region.
#[divan::bench(args = SIZES, sample_count = 100, max_time = 30)]
fn load_and_validate(bencher: Bencher, events: usize) {
    let text = text(events);
    bencher
        .counter(divan::counter::BytesCount::of_str(text))
        .with_inputs(|| text.to_owned())
        .bench_values(|owned| {
            let loaded = record_from_text(Path::new("synthetic.ron"), owned);
            assert!(
                loaded.report.diagnostics.is_empty(),
                "the synthetic record is valid"
            );
            loaded.value
        });
}

#[divan::bench(args = SIZES, sample_count = 100, max_time = 30)]
fn load_file(bencher: Bencher, events: usize) {
    let path = file(events);
    let options = LoadOptions::default();
    bencher
        .counter(divan::counter::BytesCount::of_str(text(events)))
        .bench(|| {
            let loaded = load_record(black_box(path), &options);
            assert!(
                loaded.report.diagnostics.is_empty(),
                "the synthetic record is valid"
            );
            loaded.value
        });
}

#[divan::bench(args = SIZES, sample_count = 20, max_time = 30)]
fn summarise_file(bencher: Bencher, events: usize) {
    let path = file(events);
    let options = LoadOptions::default();
    bencher.bench(|| {
        hotwash::library::summarise(black_box(path), &options)
            .unwrap_or_else(|r| panic!("the synthetic record is valid: {r:?}"))
    });
}

#[divan::bench(args = SIZES, sample_count = 20, max_time = 30)]
fn open_file(bencher: Bencher, events: usize) {
    let path = file(events);
    let options = LoadOptions::default();
    bencher.bench(|| {
        hotwash::tui::app::open_record(black_box(path), &options, false)
            .unwrap_or_else(|r| panic!("the synthetic record is valid: {r:?}"))
    });
}

#[divan::bench(args = job_counts(), sample_count = 10, max_time = 60)]
fn folder_validate(bencher: Bencher, jobs: usize) {
    let paths = [folder().to_path_buf()];
    let options = LoadOptions::default();
    bencher.bench(|| {
        let reports = hotwash::load::validate_paths_with(black_box(&paths), &options, jobs);
        assert_eq!(reports.len(), FOLDER.0);
        reports
    });
}

#[divan::bench(args = job_counts(), sample_count = 10, max_time = 60)]
fn folder_summarise(bencher: Bencher, jobs: usize) {
    let files = hotwash::load::records_in(folder()).unwrap_or_else(|d| panic!("{}", d.message));
    let options = LoadOptions::default();
    bencher.bench(|| {
        hotwash::library::map_in_order(&files, jobs, |_, path| {
            hotwash::library::summarise(path, &options)
                .unwrap_or_else(|r| panic!("the synthetic record is valid: {r:?}"))
        })
    });
}
