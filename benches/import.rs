//! `hotwash import veris` benchmarks:
//!
//! - `parse_mappings`: parsing the compiled-in candidate tables, once per run;
//! - `convert_sample`: one VCDB sample's text to a record (parse, map, candidates);
//! - `import_folder`: the whole import of a folder of 1,000 or 10,000 small
//!   VERIS files (`examples/veris_corpus.rs` makes them from the samples):
//!   read, convert, write canonical RON, validate, on every core (rayon).
//!   Each run writes into a fresh output folder.
//!
//! ```text
//! cargo bench --bench import
//! ```

// As in the library: a Diagnostic only travels on the error path.
#![allow(clippy::result_large_err)]

use std::path::{Path, PathBuf};

use divan::{Bencher, black_box};
use hotwash::import::{self, veris};
use hotwash::load::LoadOptions;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "common/veris_corpus.rs"]
mod veris_corpus;

fn scratch() -> PathBuf {
    std::env::temp_dir().join(format!("hotwash-bench-import-{}", std::process::id()))
}

fn main() {
    divan::main();
    std::fs::remove_dir_all(scratch()).ok();
}

fn settings() -> veris::Settings {
    veris::Settings {
        marking: import::Marking::default(),
        max_field: hotwash::load::size::MAX_FIELD_BYTES,
    }
}

/// What the first import of a run pays to parse the compiled-in mapping tables.
#[divan::bench]
fn parse_mappings() -> import::candidates::Mappings {
    import::candidates::Mappings::parse()
}

#[divan::bench(args = [0, 9, 15])]
fn convert_sample(bencher: Bencher, sample: usize) {
    let samples = veris_corpus::samples();
    let (name, text) = &samples[sample];
    let id = import::record_id(name).expect("an id");
    let settings = settings();
    bencher.bench(|| veris::convert(black_box(name), &id, black_box(text), &settings));
}

fn corpus(count: usize) -> PathBuf {
    let folder = scratch().join(format!("in-{count}"));
    if !folder.exists() {
        std::fs::create_dir_all(&folder).expect("scratch folder");
        veris_corpus::write(&folder, count).expect("corpus");
    }
    folder
}

#[divan::bench(args = [1_000, 10_000], sample_count = 5, sample_size = 1)]
fn import_folder(bencher: Bencher, count: usize) {
    let input = corpus(count);
    let settings = settings();
    let options = LoadOptions::default();
    let run = std::sync::atomic::AtomicUsize::new(0);
    bencher
        .with_inputs(|| {
            let n = run.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let out = scratch().join(format!("out-{count}-{n}"));
            std::fs::remove_dir_all(&out).ok();
            std::fs::create_dir_all(&out).expect("out folder");
            out
        })
        .bench_values(|out: PathBuf| {
            let results = import::import_all(
                import::inputs(std::slice::from_ref(&input), "json"),
                Path::new(&out),
                false,
                &options,
                &|name, id, text| veris::convert(name, id, text, &settings),
            );
            assert!(
                results
                    .iter()
                    .all(|r| !matches!(r.outcome, import::Outcome::Failed(_)))
            );
            std::fs::remove_dir_all(&out).ok();
        });
}
