//! Loads one record file and prints nothing, so that the peak memory of
//! loading can be measured from outside:
//!
//! ```text
//! cargo build --release --example load_peak
//! /usr/bin/time -v target/release/examples/load_peak big.ron          # load and validate
//! /usr/bin/time -v target/release/examples/load_peak --bare big.ron   # read, ron::from_str only
//! /usr/bin/time -v target/release/examples/load_peak                  # baseline of the process
//! ```
//!
//! The default is `hotwash::load::load_record`: reading, checking the text,
//! parsing and validating. `--bare` reads the file with
//! `std::fs::read_to_string` and only parses it (`hotwash::load::parse`), for
//! comparison. The exit status is 0 only for a file that loads without errors.

use std::path::Path;
use std::process::ExitCode;

use hotwash::load::{LoadOptions, load_record, parse};
use hotwash::model::Record;

// The allocator the hotwash binary uses, so the figures are the program's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let record = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        [] => return ExitCode::SUCCESS,
        ["--bare", path] => std::fs::read_to_string(path)
            .ok()
            .and_then(|text| parse::<Record>(&text).ok()),
        [path] => load_record(Path::new(path), &LoadOptions::default()).value,
        _ => {
            eprintln!("usage: load_peak [--bare] [record.ron]");
            return ExitCode::from(2);
        }
    };
    match record {
        Some(record) => {
            std::hint::black_box(&record);
            ExitCode::SUCCESS
        }
        None => ExitCode::FAILURE,
    }
}
