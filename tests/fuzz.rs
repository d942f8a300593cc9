//! A fuzz pass over the loader and the review parser that runs on stable
//! Rust, inside `cargo test`: the records and reviews in `incidents/` and
//! `tests/fixtures/` are mutated (bytes flipped, deleted, inserted — hostile
//! bytes and UTF-8 among them —, spliced between files, truncated) and fed
//! to the same functions that `hotwash validate` and the TUI use.
//!
//! What must hold for every input: no panic, and every diagnostic that has
//! a position names a line and column inside the file, consistent with its
//! byte span; the diagnostics render.
//!
//! Deterministic: the same seed and count give the same inputs.
//! `HOTWASH_FUZZ_ITERS` sets the count (default 1000), `HOTWASH_FUZZ_SEED`
//! the seed. An input that fails is written to `target/fuzz-failures/`.

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};

use hotwash::load::diagnostic::line_col;
use hotwash::load::{self, Diagnostic, FileReport, LineCol};
use hotwash::model::Record;

const DEFAULT_ITERATIONS: usize = 1000;
const DEFAULT_SEED: u64 = 0x686f_7477_6173_6821;

/// SplitMix64: small, fast, and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A position in `0..=len`.
    fn position(&mut self, len: usize) -> usize {
        self.below(len + 1)
    }
}

/// Bytes and text that parsers and terminals trip on.
const HOSTILE: &[&[u8]] = &[
    b"\0",
    b"\xff",
    b"\xc3",
    b"\xe2\x80",
    b"\xef\xbb\xbf",
    "\u{202e}".as_bytes(),
    "\u{2066}".as_bytes(),
    "\u{200b}".as_bytes(),
    "\u{0301}".as_bytes(),
    "é".as_bytes(),
    "日本語".as_bytes(),
    "𝔘".as_bytes(),
    b"\x1b]52;c;aGk=\x07",
    b"\x1b[2J",
    b"\r\n",
    b"\r",
    b"\n",
    b"\t",
    b"(",
    b")",
    b"[",
    b"]",
    b"{",
    b"}",
    b",",
    b":",
    b"\"",
    b"\\",
    b"\\u{",
    b"'",
    b"r#\"",
    b"\"#",
    b"/*",
    b"*/",
    b"//",
    b"Some(",
    b"None",
    b"true",
    b"18446744073709551616",
    b"-1",
    b"1e309",
    b"NaN",
    b"0x",
    b"b\"",
    b"#![enable(implicit_some)]\n",
    b"schema: 2,",
    b"id: \"E1\",",
    b"((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((",
    b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
];

fn mutate(input: &mut Vec<u8>, seeds: &[Vec<u8>], rng: &mut Rng) {
    match rng.below(8) {
        // Flip a bit.
        0 if !input.is_empty() => {
            let i = rng.below(input.len());
            input[i] ^= 1 << rng.below(8);
        }
        // Replace a byte with any byte.
        1 if !input.is_empty() => {
            let i = rng.below(input.len());
            input[i] = rng.below(256) as u8;
        }
        // Delete a run, usually short.
        2 if !input.is_empty() => {
            let start = rng.below(input.len());
            let max = if rng.below(8) == 0 { 4096 } else { 16 };
            let end = (start + 1 + rng.below(max)).min(input.len());
            input.drain(start..end);
        }
        // Insert something hostile, anywhere (also inside a UTF-8 sequence).
        3 | 4 => {
            let token = HOSTILE[rng.below(HOSTILE.len())];
            let at = rng.position(input.len());
            input.splice(at..at, token.iter().copied());
        }
        // Splice in a piece of another file.
        5 => {
            let other = &seeds[rng.below(seeds.len())];
            if !other.is_empty() {
                let start = rng.below(other.len());
                let end = (start + 1 + rng.below(512)).min(other.len());
                let at = rng.position(input.len());
                let cut = (at + rng.below(64)).min(input.len());
                input.splice(at..cut, other[start..end].iter().copied());
            }
        }
        // Repeat a run.
        6 if !input.is_empty() => {
            let start = rng.below(input.len());
            let end = (start + 1 + rng.below(256)).min(input.len());
            let piece = input[start..end].to_vec();
            let at = rng.position(input.len());
            input.splice(at..at, piece);
        }
        // Cut the file short.
        _ => {
            let at = rng.position(input.len());
            input.truncate(at);
        }
    }
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.ron` file under `incidents/` and `tests/fixtures/`, sorted.
fn seed_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|x| x == "ron") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(&root().join("incidents"), &mut files);
    walk(&root().join("tests/fixtures"), &mut files);
    files.sort();
    files
}

fn env_number(name: &str) -> Option<u64> {
    let value = std::env::var(name).ok()?;
    let value = value.trim();
    match value.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => value.parse().ok(),
    }
}

/// The number of lines of `text`, and the characters on each.
fn line_lengths(text: &str) -> Vec<usize> {
    text.split('\n').map(|l| l.chars().count()).collect()
}

fn assert_inside(at: LineCol, lines: &[usize], d: &Diagnostic) {
    assert!(
        at.line >= 1 && at.line <= lines.len(),
        "{} line {} outside the file's {} lines: {d:?}",
        d.code,
        at.line,
        lines.len()
    );
    assert!(
        at.column >= 1 && at.column <= lines[at.line - 1] + 1,
        "{} column {} outside line {} ({} characters): {d:?}",
        d.code,
        at.column,
        at.line,
        lines[at.line - 1]
    );
}

/// What a pass saw, so that it cannot pass by testing nothing.
#[derive(Debug, Default)]
struct Seen {
    /// Diagnostics whose position was checked.
    placed: usize,
    /// Inputs that loaded as a valid record or review.
    loaded: usize,
    /// Inputs refused before parsing (not UTF-8, binary, empty).
    undecodable: usize,
}

/// The positions of a report's diagnostics against the text they refer to.
fn check_positions(report: &FileReport, text: &str, seen: &mut Seen) {
    let lines = line_lengths(text);
    for d in &report.diagnostics {
        seen.placed += usize::from(d.start.is_some());
        if let Some(span) = &d.span {
            assert!(
                span.start <= span.end && span.end <= text.len(),
                "{} span {span:?} outside {} bytes",
                d.code,
                text.len()
            );
            assert!(
                text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
                "{} span {span:?} splits a character",
                d.code
            );
            assert_eq!(d.start, Some(line_col(text, span.start)), "{}", d.code);
            assert_eq!(d.end, Some(line_col(text, span.end)), "{}", d.code);
        }
        for at in [d.start, d.end].into_iter().flatten() {
            assert_inside(at, &lines, d);
        }
    }
    // Rendering draws snippets from the positions: it must cope too.
    let _ = report.render(false, 100);
    if let Some(first) = report.first_error() {
        let _ = report.one_line(first);
    }
}

/// Feeds one input to the loader as a record and as a review.
fn exercise(input: &[u8], records: &[Record], seen: &mut Seen) {
    let path = Path::new("fuzz.ron");
    let text = match load::text::decode(input.to_vec()) {
        Ok(text) => text,
        Err(d) => {
            seen.undecodable += 1;
            // Placed in the raw bytes, which are not text: check against
            // what a person would see of them.
            let shown = String::from_utf8_lossy(input);
            let lines = line_lengths(&shown);
            if let Some(at) = d.start {
                assert_inside(at, &lines, &d);
            }
            return;
        }
    };
    let loaded = load::record_from_text(path, text.clone());
    seen.loaded += usize::from(loaded.value.is_some());
    check_positions(&loaded.report, &text, seen);
    // Against each record a seed review belongs to, so the checks of
    // references run, not only the parse.
    let review_path = Path::new("fuzz.review.ron");
    for record in records {
        let loaded = load::review_from_text(review_path, text.clone(), record);
        seen.loaded += usize::from(loaded.value.is_some());
        check_positions(&loaded.report, &text, seen);
    }
}

#[test]
fn mutated_records_and_reviews_never_panic_and_are_placed_inside_the_file() {
    let iterations = env_number("HOTWASH_FUZZ_ITERS").map_or(DEFAULT_ITERATIONS, |n| n as usize);
    let seed = env_number("HOTWASH_FUZZ_SEED").unwrap_or(DEFAULT_SEED);
    let files = seed_files();
    assert!(files.len() > 10, "seeds found: {files:?}");
    let seeds: Vec<Vec<u8>> = files
        .iter()
        .map(|p| std::fs::read(p).expect("read seed"))
        .collect();
    // The seeds themselves first: each one loads or is reported, placed.
    let records: Vec<Record> = [
        "incidents/taurus-webex-2024.ron",
        "tests/fixtures/valid/minimal.ron",
        "tests/fixtures/tui/demo.ron",
    ]
    .iter()
    .map(|p| {
        load::load_record(&root().join(p), &load::LoadOptions::default())
            .value
            .unwrap_or_else(|| panic!("{p} loads"))
    })
    .collect();
    let mut seen = Seen::default();
    for bytes in &seeds {
        exercise(bytes, &records, &mut seen);
    }
    let mut rng = Rng(seed);
    for iteration in 0..iterations {
        let mut input = seeds[rng.below(seeds.len())].clone();
        for _ in 0..1 + rng.below(4) {
            mutate(&mut input, &seeds, &mut rng);
        }
        let outcome =
            std::panic::catch_unwind(AssertUnwindSafe(|| exercise(&input, &records, &mut seen)));
        if let Err(panic) = outcome {
            let dir = root().join("target/fuzz-failures");
            let _ = std::fs::create_dir_all(&dir);
            let saved = dir.join(format!("{seed:x}-{iteration}.ron"));
            let _ = std::fs::write(&saved, &input);
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            panic!(
                "iteration {iteration} (HOTWASH_FUZZ_SEED={seed:#x}): {message}\n\
                 the input is in {}",
                saved.display()
            );
        }
    }
    eprintln!("fuzz: {iterations} inputs from seed {seed:#x}: {seen:?}");
    // Most mutants are still text that fails to parse or check somewhere.
    assert!(
        seen.placed >= iterations / 2,
        "too few placed diagnostics: {seen:?}"
    );
}
