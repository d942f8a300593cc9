//! Loading and validating records and reviews from disk.
//!
//! Every failure becomes a [`Diagnostic`] that names the file, line and
//! column; nothing here panics on bad input, and a file is either loaded
//! whole or reported, never half-loaded.

pub mod check;
pub mod diagnostic;
pub mod locate;
pub mod size;
pub mod text;

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::de::DeserializeOwned;

use self::check::Problem;
pub use self::diagnostic::{Diagnostic, FileReport, LineCol, Severity};
use self::diagnostic::{line_cols, offset_of};
use self::locate::{DocPath, Locator};
pub use self::text::DEFAULT_MAX_SIZE;
use crate::model::{Catalog, RECORD_SCHEMA, REVIEW_SCHEMA, Record, Review};

/// How deep RON may nest. Real records need about six levels; the limit
/// turns a hostile, deeply nested file into an error instead of a stack overflow.
pub const MAX_NESTING: usize = 64;

/// The file name ending of review files.
pub const REVIEW_SUFFIX: &str = ".review.ron";

#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Files larger than this many bytes are refused.
    pub max_size: u64,
    /// Text fields (a narrative, a note) larger than this many bytes are errors.
    pub max_field: usize,
    /// Where record files' parsed and checked contents are kept, to open
    /// them again without parsing them (see docs/CACHE.md). `None` (the
    /// default, and `--no-cache`): every file is parsed.
    pub cache: Option<Arc<crate::cache::Cache>>,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            max_size: DEFAULT_MAX_SIZE,
            max_field: size::MAX_FIELD_BYTES,
            cache: None,
        }
    }
}

/// The RON dialect of records: `Option` fields are written without `Some(..)`.
pub fn ron_options() -> ron::Options {
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .with_recursion_limit(MAX_NESTING)
}

/// Parses RON text into `T`, turning a failure into a placed diagnostic.
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, Diagnostic> {
    ron_options()
        .from_str(text)
        .map_err(|e| parse_diagnostic(text, e))
}

fn parse_diagnostic(text: &str, e: ron::error::SpannedError) -> Diagnostic {
    let at = |p: ron::error::Position| {
        offset_of(
            text,
            LineCol {
                line: p.line,
                column: p.col,
            },
        )
    };
    let (a, b) = (at(e.span.start), at(e.span.end));
    let (mut start, mut end) = (a.min(b), a.max(b));
    // ron places some errors where it stood before skipping white space;
    // the problem is the value after it.
    let skipped = text[start..].len() - text[start..].trim_start().len();
    if skipped > 0 && start + skipped < text.len() {
        start += skipped;
        end = end.max(start);
    }
    // Our own value checks (timestamps, TLP labels) are placed inside the
    // quotes; underline the whole string.
    if matches!(e.code, ron::Error::Message(_)) && text[..start].ends_with('"') {
        start -= 1;
    }
    if let ron::Error::UnclosedBlockComment = e.code
        && let Some(open) = text[..start.max(1)].rfind("/*")
    {
        start = open;
        end = open + 2;
    }
    // Give the caret something to stand under.
    if end <= start {
        end = text[start..]
            .chars()
            .next()
            .map_or(start, |c| start + c.len_utf8());
    }
    // Nothing but white space after the problem: the file was cut short,
    // whatever the parser made of the last, partial word.
    let at_end = text[end..].trim().is_empty()
        && !matches!(e.code, ron::Error::TrailingCharacters | ron::Error::Eof);
    let diagnostic = match &e.code {
        ron::Error::ExceededRecursionLimit => Diagnostic::error(
            "parse.nesting",
            "the file nests values deeper than any record needs",
        )
        .with_help("the file is damaged or hostile"),
        ron::Error::Eof => Diagnostic::error("parse.eof", "the file ends too early")
            .with_help("the file may be truncated: check for a missing `)` or `]`"),
        code if at_end => Diagnostic::error("parse.eof", "the file ends too early")
            .with_help(format!("the file may be truncated; at its end: {code}")),
        ron::Error::ExpectedIdentifier if text[start..].starts_with('"') => {
            Diagnostic::error("parse.syntax", e.code.to_string())
                .with_help("names such as Minute, Held or Unclassified are written without quotes")
        }
        ron::Error::NoSuchStructField {
            expected, found, ..
        }
        | ron::Error::NoSuchEnumVariant {
            expected, found, ..
        } => {
            let d = Diagnostic::error("parse.syntax", e.code.to_string());
            let near: Vec<String> = check::closest(expected.iter().copied(), found)
                .iter()
                .map(|c| format!("`{c}`"))
                .collect();
            if near.is_empty() {
                d
            } else {
                d.with_help(format!("did you mean {}?", near.join(" or ")))
            }
        }
        code => Diagnostic::error("parse.syntax", code.to_string()),
    };
    diagnostic.at(text, start..end)
}

/// Where a parse failed in a file of an unsupported version, that is the
/// real problem: say so instead of reporting an unknown field.
fn version_diagnostic(text: &str, supported: u32, what: &str) -> Option<Diagnostic> {
    let mut locator = Locator::new(text);
    let span = locator.locate(&DocPath::root().field("schema"))?;
    let version: u64 = text[span.clone()].trim().parse().ok()?;
    (version != u64::from(supported)).then(|| {
        Diagnostic::error(
            "schema.version",
            format!("{what} format version {version} is not supported; this hotwash reads version {supported}"),
        )
        .with_help(check::version_help(
            u32::try_from(version).unwrap_or(u32::MAX),
            supported,
        ))
        .at(text, span)
    })
}

/// A problem found by the semantic rules as a diagnostic not yet placed,
/// and where it is in the document.
fn diagnostic_of(p: Problem) -> (Diagnostic, DocPath) {
    let mut d = Diagnostic::error(p.code, p.message);
    d.severity = p.severity;
    d.help = p.help;
    (d, p.path)
}

/// Places problems found by the semantic rules, sorted by position.
fn place(problems: Vec<Problem>, text: &str) -> Vec<Diagnostic> {
    let mut locator = Locator::new(text);
    let mut located: Vec<(Diagnostic, Option<Range<usize>>)> = problems
        .into_iter()
        .map(|p| {
            let (d, path) = diagnostic_of(p);
            let span = locator.locate(&path).map(|span| {
                let start = span.start.min(text.len());
                // An oversized field is shown by where it starts: its
                // whole text would flood the terminal.
                let end = if d.code == size::CODE {
                    start + 1
                } else {
                    span.end
                };
                start..end.clamp(start, text.len())
            });
            (d, span)
        })
        .collect();
    located.sort_by_key(|(_, span)| span.as_ref().map_or(0, |s| s.start));
    // Lines and columns for every span at once: one pass over the text.
    let offsets: Vec<usize> = located
        .iter()
        .filter_map(|(_, span)| span.as_ref())
        .flat_map(|s| [s.start, s.end])
        .collect();
    let mut places = line_cols(text, &offsets).into_iter();
    located
        .into_iter()
        .map(|(d, span)| match span {
            Some(span) => match (places.next(), places.next()) {
                (Some(start), Some(end)) => d.at_placed(span, start, end),
                _ => d,
            },
            None => d,
        })
        .collect()
}

/// A loaded file of type `T`, or why it could not be loaded.
#[derive(Debug)]
pub struct Loaded<T> {
    /// `None` when the file has errors.
    pub value: Option<T>,
    pub report: FileReport,
}

impl<T> Loaded<T> {
    fn failed(path: &Path, text: Option<String>, diagnostic: Diagnostic) -> Self {
        Loaded {
            value: None,
            report: FileReport {
                path: path.to_path_buf(),
                text: text.map(Arc::from),
                diagnostics: vec![diagnostic],
            },
        }
    }
}

/// From this size a file's text is let go before its checks (see
/// [`load_text`]): a record of 100,000 events is 140 MB of text.
const LET_GO_FROM: usize = 16 << 20;

/// Reads a file's text again, for a text let go before its checks.
type Again<'a> = &'a dyn Fn() -> Option<String>;

/// Parses and checks a file's text. The text is kept in the report only
/// when there is something to show in it, so a valid file costs no copy.
///
/// With `again` (the text can be read again, from its file), a large text
/// is let go once parsed, before the checks: the text and the parsed value
/// together are the load's peak, and the checks' own tables came on top of
/// it. It is read again only to place problems, and used only if it is
/// still the text that was parsed.
fn load_text<T: DeserializeOwned>(
    path: &Path,
    text: String,
    supported: u32,
    what: &str,
    check: impl FnOnce(&T) -> Vec<Problem>,
    again: Option<Again>,
) -> Loaded<T> {
    let value: T = match parse(&text) {
        Ok(v) => v,
        Err(parse_error) => {
            let d = version_diagnostic(&text, supported, what).unwrap_or(parse_error);
            return Loaded::failed(path, Some(text), d);
        }
    };
    let (problems, text) = match again {
        Some(again) if text.len() >= LET_GO_FROM => {
            let parsed = crate::cache::digest_of(text.as_bytes());
            drop(text);
            let problems = check(&value);
            // Read again only when there is something to place in it.
            let text = if problems.is_empty() {
                None
            } else {
                again().filter(|t| crate::cache::digest_of(t.as_bytes()) == parsed)
            };
            (problems, text)
        }
        _ => (check(&value), Some(text)),
    };
    if problems.is_empty() {
        return Loaded {
            value: Some(value),
            report: FileReport::new(path),
        };
    }
    let report = match text {
        Some(text) => FileReport {
            path: path.to_path_buf(),
            diagnostics: place(problems, &text),
            text: Some(Arc::from(text)),
        },
        // Changed (or gone) since it was parsed: the problems are of the
        // text that was, and said without places in a text that is not.
        None => FileReport {
            path: path.to_path_buf(),
            diagnostics: unplaced(problems),
            text: None,
        },
    };
    // An unresolved merge conflict makes the file invalid but still usable:
    // hotwash must open the review to let the analyst resolve it.
    let usable = report
        .diagnostics
        .iter()
        .all(|d| d.severity != Severity::Error || d.code == check::UNRESOLVED);
    let value = usable.then_some(value);
    Loaded { value, report }
}

/// Problems of a text that changed after it was parsed, without places,
/// and a warning that says so.
fn unplaced(problems: Vec<Problem>) -> Vec<Diagnostic> {
    let mut diagnostics = vec![
        Diagnostic::warning(
            "file.changed",
            "the file changed while it was checked: the problems below are of the text \
             that was read, shown without their places",
        )
        .with_help("check the file again"),
    ];
    diagnostics.extend(problems.into_iter().map(|p| diagnostic_of(p).0));
    diagnostics
}

/// Loads and validates a record from its text, with the default limits.
pub fn record_from_text(path: &Path, text: String) -> Loaded<Record> {
    record_from_text_with(path, text, &LoadOptions::default())
}

/// Loads and validates a record from its text.
pub fn record_from_text_with(path: &Path, text: String, options: &LoadOptions) -> Loaded<Record> {
    record_from_text_again(path, text, options, None)
}

/// [`record_from_text_with`] for the text just read from the file at
/// `path`: a large one is let go before the checks and read again only to
/// place problems (see [`load_text`]).
pub fn record_from_file_text(path: &Path, text: String, options: &LoadOptions) -> Loaded<Record> {
    let (file, max_size) = (path.to_path_buf(), options.max_size);
    let again = move || text::read_text(&file, max_size).ok();
    record_from_text_again(path, text, options, Some(&again))
}

/// [`record_from_text_with`] for a text that `again` reads again.
fn record_from_text_again(
    path: &Path,
    text: String,
    options: &LoadOptions,
    again: Option<Again>,
) -> Loaded<Record> {
    load_text(
        path,
        text,
        RECORD_SCHEMA,
        "record",
        |r| {
            let mut problems = check::check_record(r, Catalog::nist());
            problems.extend(size::check_record(r, options.max_field));
            problems
        },
        again,
    )
}

/// The argument that means standard input (`hotwash validate -`).
pub const STDIN_ARG: &str = "-";

/// How standard input is named in diagnostics.
pub const STDIN_NAME: &str = "<stdin>";

/// Whether a path argument means standard input.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == STDIN_ARG
}

/// Loads and validates a record piped to standard input. It has no review:
/// there is no folder to look beside.
pub fn load_record_stdin(options: &LoadOptions) -> Loaded<Record> {
    let path = Path::new(STDIN_NAME);
    match text::read_stdin(options.max_size) {
        Ok(text) => record_from_text_with(path, text, options),
        Err(d) => Loaded::failed(path, None, d),
    }
}

/// Loads and validates a record file, through the cache when `options`
/// has one.
pub fn load_record(path: &Path, options: &LoadOptions) -> Loaded<Record> {
    match &options.cache {
        Some(cache) => crate::cache::record::load(cache, path, options),
        None => load_record_uncached(path, options),
    }
}

/// Loads and validates a record file from its text, whatever the cache holds.
pub fn load_record_uncached(path: &Path, options: &LoadOptions) -> Loaded<Record> {
    match text::read_text(path, options.max_size) {
        Ok(text) => record_from_file_text(path, text, options),
        Err(d) => Loaded::failed(path, None, d),
    }
}

/// Loads and validates a review from its text, against its record, with
/// the default limits.
pub fn review_from_text(path: &Path, text: String, record: &Record) -> Loaded<Review> {
    let hasher = crate::review::LazyHasher::default();
    review_from_text_with(path, text, record, Some(&hasher), &LoadOptions::default())
}

/// Loads and validates a review from its text, against its record. A
/// sign-off is checked with `hasher` (`record`'s), which is then made for
/// whoever checks the sign-off next; `None`: whether it is stale is not
/// checked (see [`check::check_review`]).
pub fn review_from_text_with(
    path: &Path,
    text: String,
    record: &Record,
    hasher: Option<&crate::review::LazyHasher>,
    options: &LoadOptions,
) -> Loaded<Review> {
    load_text(
        path,
        text,
        REVIEW_SCHEMA,
        "review",
        |r| {
            let mut problems = check::check_review(r, record, hasher);
            problems.extend(size::check_review(r, options.max_field));
            problems
        },
        None,
    )
}

/// Loads and validates a review file against its record (see
/// [`review_from_text_with`] for `hasher`).
pub fn load_review(
    path: &Path,
    record: &Record,
    hasher: Option<&crate::review::LazyHasher>,
    options: &LoadOptions,
) -> Loaded<Review> {
    match text::read_text(path, options.max_size) {
        Ok(text) => review_from_text_with(path, text, record, hasher, options),
        Err(d) => Loaded::failed(path, None, d),
    }
}

/// `incidents/x.ron` → `incidents/x.review.ron`.
pub fn review_path(record: &Path) -> PathBuf {
    let name = record
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name.strip_suffix(".ron").unwrap_or(&name);
    record.with_file_name(format!("{stem}{REVIEW_SUFFIX}"))
}

/// `incidents/x.review.ron` → `incidents/x.ron`, for a review file.
pub fn record_path_of_review(review: &Path) -> Option<PathBuf> {
    let name = review.file_name()?.to_str()?;
    let stem = name.strip_suffix(REVIEW_SUFFIX)?;
    Some(review.with_file_name(format!("{stem}.ron")))
}

pub fn is_review_file(path: &Path) -> bool {
    record_path_of_review(path).is_some()
}

/// The record files of a folder (`*.ron` but not `*.review.ron`), sorted by
/// name. Hidden files (a leading dot) are left out: editors' and hotwash's
/// own temporary files (`.x.review.ron.AbC123`) are named so, and so are
/// folders. Anything else named like a record is listed whatever it is (a
/// FIFO, a device, a broken link), so that loading it says what is wrong
/// instead of skipping it.
pub fn records_in(folder: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let entries = std::fs::read_dir(folder)
        .map_err(|e| Diagnostic::error("io.folder", format!("cannot read the folder: {e}")))?;
    let mut records = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| Diagnostic::error("io.folder", format!("cannot read the folder: {e}")))?
            .path();
        let hidden = path
            .file_name()
            .is_some_and(|n| n.as_encoded_bytes().starts_with(b"."));
        let is_ron = path.extension().is_some_and(|x| x == "ron");
        if is_ron && !hidden && !is_review_file(&path) && !path.is_dir() {
            records.push(path);
        }
    }
    records.sort();
    if records.is_empty() {
        return Err(Diagnostic::error(
            "library.empty",
            "the folder holds no incident records (*.ron files)",
        )
        .with_help("put records in the folder, or name a record file directly"));
    }
    Ok(records)
}

/// The outcome of checking one record and, where it has one, its review.
#[derive(Debug)]
pub struct Checked {
    pub record: Loaded<Record>,
    pub review: Option<Loaded<Review>>,
    /// The record's sign-off hasher: made if the review has a sign-off,
    /// for the report to use again.
    pub hasher: crate::review::LazyHasher,
}

impl Checked {
    pub fn reports(&self) -> impl Iterator<Item = &FileReport> {
        std::iter::once(&self.record.report).chain(self.review.as_ref().map(|r| &r.report))
    }
}

/// Checks a record file and the review beside it, if there is one.
pub fn check_record_file(path: &Path, options: &LoadOptions) -> Checked {
    let record = load_record(path, options);
    let review_file = review_path(path);
    // Anything at the review's name counts, a broken link or a FIFO too:
    // loading it says what is wrong with it, where `exists()` would hide it.
    let review_there = std::fs::symlink_metadata(&review_file).is_ok();
    let hasher = crate::review::LazyHasher::default();
    let review = review_there.then(|| match &record.value {
        Some(r) => load_review(&review_file, r, Some(&hasher), options),
        None => Loaded::failed(
            &review_file,
            None,
            Diagnostic::warning(
                "review.unchecked",
                "this review cannot be checked until its record loads",
            ),
        ),
    });
    Checked {
        record,
        review,
        hasher,
    }
}

/// Every file report for the given files and folders, in order. A review
/// file is checked with its record; a folder with all its records. Records
/// are checked on every core; the reports keep the order of a serial run.
pub fn validate_paths(paths: &[PathBuf], options: &LoadOptions) -> Vec<FileReport> {
    validate_paths_with(paths, options, crate::library::parallel::jobs())
}

/// [`validate_paths`] on up to `jobs` threads.
pub fn validate_paths_with(
    paths: &[PathBuf],
    options: &LoadOptions,
    jobs: usize,
) -> Vec<FileReport> {
    /// A report known while listing, or a record to check.
    enum Job {
        Ready(FileReport),
        Record(PathBuf),
    }
    let mut listed = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut stdin_read = false;
    for path in paths {
        if is_stdin(path) {
            // Standard input can be read once; a second `-` has nothing left.
            if !std::mem::replace(&mut stdin_read, true) {
                listed.push(Job::Ready(load_record_stdin(options).report));
            }
            continue;
        }
        let records = if path.is_dir() {
            match records_in(path) {
                Ok(r) => r,
                Err(d) => {
                    listed.push(Job::Ready(failed_report(path, d)));
                    continue;
                }
            }
        } else if let Some(record) = record_path_of_review(path) {
            if !record.exists() {
                let d = Diagnostic::error(
                    "review.no-record",
                    format!("there is no record {} beside this review", record.display()),
                );
                listed.push(Job::Ready(failed_report(path, d)));
                continue;
            }
            vec![record]
        } else {
            vec![path.clone()]
        };
        for record in records {
            if seen.insert(record.clone()) {
                listed.push(Job::Record(record));
            }
        }
    }
    let records: Vec<&Path> = listed
        .iter()
        .filter_map(|j| match j {
            Job::Record(p) => Some(p.as_path()),
            Job::Ready(_) => None,
        })
        .collect();
    // Only the reports are kept: each parsed record is dropped on its thread.
    let mut checked = crate::library::map_in_order(&records, jobs, |_, path| {
        let c = check_record_file(path, options);
        (c.record.report, c.review.map(|r| r.report))
    })
    .into_iter();
    let mut reports = Vec::new();
    for job in listed {
        match job {
            Job::Ready(report) => reports.push(report),
            Job::Record(_) => {
                if let Some((record, review)) = checked.next() {
                    reports.push(record);
                    reports.extend(review);
                }
            }
        }
    }
    reports
}

fn failed_report(path: &Path, d: Diagnostic) -> FileReport {
    FileReport {
        path: path.to_path_buf(),
        text: None,
        diagnostics: vec![d],
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn records_in_skips_hidden_files_and_reports_odd_ones() {
        let dir = std::env::temp_dir().join(format!("hotwash-records-in-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        for name in [
            "a.ron",
            "a.review.ron",
            ".a.review.ron.Xy12Zw",
            ".a.ron.Xy12Zw",
            ".hidden.ron",
            "notes.txt",
        ] {
            std::fs::write(dir.join(name), "(schema: 1)").expect("write");
        }
        std::fs::create_dir(dir.join("folder.ron")).expect("mkdir");
        let status = std::process::Command::new("mkfifo")
            .arg(dir.join("pipe.ron"))
            .status()
            .expect("mkfifo");
        assert!(status.success());
        let found = records_in(&dir).expect("records");
        assert_eq!(found, vec![dir.join("a.ron"), dir.join("pipe.ron")]);
        // The FIFO is reported, not read (which would block) nor skipped.
        let folder = dir.clone();
        let reports = crate::files::without_hanging(move || {
            validate_paths(&[folder], &LoadOptions::default())
        });
        let pipe = reports
            .iter()
            .find(|r| r.path == dir.join("pipe.ron"))
            .expect("a report for the FIFO");
        assert_eq!(pipe.diagnostics[0].code, "io.not-regular");
        assert!(pipe.diagnostics[0].message.contains("FIFO"), "{pipe:?}");
        std::fs::remove_dir_all(&dir).ok();
    }

    /// The Taurus record made larger than [`LET_GO_FROM`] by a comment on
    /// its last line, with `change` applied to its text.
    fn large_taurus(change: impl Fn(&str) -> String) -> String {
        let text = change(include_str!("../../incidents/taurus-webex-2024.ron"));
        format!("{text}\n// {}\n", "x".repeat(LET_GO_FROM))
    }

    fn unknown_source(text: &str) -> String {
        text.replacen("(source: \"saarbruecker\"", "(source: \"nowhere\"", 1)
    }

    #[test]
    fn a_large_texts_problems_are_placed_in_the_text_read_again() {
        let dir = crate::scratch::Dir::new("load", "let-go");
        let path = dir.0.join("taurus.ron");
        let text = large_taurus(unknown_source);
        std::fs::write(&path, &text).expect("write");
        let options = LoadOptions::default();
        // The same text kept through its checks, as a small one is.
        let kept = record_from_text_again(&path, text.clone(), &options, None);
        let again = load_record_uncached(&path, &options);
        assert!(again.value.is_none());
        let (kept, again) = (&kept.report, &again.report);
        assert!(
            kept.diagnostics.iter().any(|d| d.code == "ref.source"),
            "{kept:?}"
        );
        let places = |r: &FileReport| -> Vec<_> {
            r.diagnostics
                .iter()
                .map(|d| (d.code, d.message.clone(), d.span.clone(), d.start, d.end))
                .collect()
        };
        assert_eq!(places(again), places(kept));
        assert!(again.diagnostics.iter().all(|d| d.start.is_some()));
        assert_eq!(again.text.as_deref(), Some(text.as_str()));
    }

    #[test]
    fn a_large_valid_text_loads_without_being_read_again() {
        let text = large_taurus(str::to_string);
        let read = std::cell::Cell::new(0);
        let again = || {
            read.set(read.get() + 1);
            None
        };
        let loaded = record_from_text_again(
            Path::new("taurus.ron"),
            text,
            &LoadOptions::default(),
            Some(&again),
        );
        assert!(loaded.value.is_some(), "{:?}", loaded.report);
        assert!(loaded.report.diagnostics.is_empty());
        assert_eq!(read.get(), 0);
    }

    #[test]
    fn a_large_text_changed_before_its_problems_are_placed_says_so_without_places() {
        let text = large_taurus(unknown_source);
        // The file as it is now: not the text that was parsed.
        let changed = || Some(large_taurus(|t| t.replace("Taurus", "Tauros")));
        let loaded = record_from_text_again(
            Path::new("taurus.ron"),
            text,
            &LoadOptions::default(),
            Some(&changed),
        );
        assert!(loaded.value.is_none(), "an error is still an error");
        let d = &loaded.report.diagnostics;
        assert_eq!(d[0].code, "file.changed");
        assert_eq!(d[0].severity, Severity::Warning);
        assert!(d.iter().any(|d| d.code == "ref.source"), "{d:?}");
        assert!(d.iter().all(|d| d.span.is_none() && d.start.is_none()));
        assert!(loaded.report.text.is_none());
        // Gone altogether: the same.
        let gone = record_from_text_again(
            Path::new("taurus.ron"),
            large_taurus(unknown_source),
            &LoadOptions::default(),
            Some(&|| None),
        );
        assert_eq!(gone.report.diagnostics[0].code, "file.changed");
    }
}
