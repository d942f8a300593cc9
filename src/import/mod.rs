//! Importing incidents coded elsewhere (VERIS, STIX) as hotwash records.
//!
//! What every importer shares lives here: the command-line options, the
//! files an argument names, the record's id and file name (from the input
//! file's name), the marking of imported data, canonical RON, and writing
//! through the atomic, no-clobber helpers of [`crate::files`]. An importer
//! turns one file's text into a [`Record`] or a located [`Diagnostic`];
//! each file is imported on its own (on every core), so one broken file
//! never stops the others.
//!
//! An existing output file is compared first: the same bytes are left
//! alone and reported unchanged (a re-import is byte-identical); different
//! bytes are refused unless `--force` replaces them.

pub mod candidates;
pub mod output;
pub mod stix;
pub mod veris;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::files::{self, OpenError, Replace, WriteError};
use crate::load::{self, Diagnostic, FileReport, LoadOptions};
use crate::model::{Classification, Level, Record, Scheme, Tlp};

/// The options every `hotwash import FORMAT` takes.
#[derive(Debug, Clone, clap::Args)]
pub struct ImportArgs {
    /// Files to import, or folders: every `*.json` file in a folder (any
    /// case, such as `.JSON`; not its subfolders, not hidden files).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// The folder the records are written into (created if missing), one
    /// `<input file name without .json>.ron` per file.
    #[arg(long, value_name = "FOLDER", default_value = "incidents")]
    pub out: PathBuf,

    /// Replace a record that exists with different content. Without it
    /// such a file is left alone and reported (a record with the same
    /// content is always left alone: "unchanged").
    #[arg(long)]
    pub force: bool,

    /// The classification scheme whose words the records' banners use.
    #[arg(long, value_enum, value_name = "SCHEME", default_value_t = SchemeArg::Us)]
    pub scheme: SchemeArg,

    /// The records' classification level (imported public data is
    /// Unclassified); Restricted, Secret, "VS-NfD", "NATO SECRET" ... work too.
    #[arg(long, value_name = "LEVEL", default_value = "Unclassified")]
    pub classification: Level,

    /// The records' TLP 2.0 label: CLEAR, GREEN, AMBER, AMBER+STRICT or RED.
    #[arg(long, value_name = "LABEL", default_value = "CLEAR")]
    pub tlp: Tlp,
}

/// The classification schemes, as `--scheme` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SchemeArg {
    /// United States (UNCLASSIFIED, CONFIDENTIAL, SECRET, TOP SECRET).
    Us,
    /// NATO (NATO UNCLASSIFIED ... COSMIC TOP SECRET).
    Nato,
    /// German VS-Anweisung (OFFEN, VS-NfD, VS-VERTRAULICH ...).
    De,
}

impl SchemeArg {
    pub fn scheme(self) -> Scheme {
        match self {
            SchemeArg::Us => Scheme::Us,
            SchemeArg::Nato => Scheme::Nato,
            SchemeArg::De => Scheme::De,
        }
    }
}

impl std::fmt::Display for SchemeArg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SchemeArg::Us => "us",
            SchemeArg::Nato => "nato",
            SchemeArg::De => "de",
        })
    }
}

/// The marking imported records get: by default Unclassified (US scheme)
/// and TLP:CLEAR, since the sources are public; the flags override it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Marking {
    pub classification: Classification,
    pub tlp: Tlp,
}

impl Default for Marking {
    fn default() -> Self {
        Marking {
            classification: Classification {
                scheme: Scheme::Us,
                level: Level::Unclassified,
            },
            tlp: Tlp::Clear,
        }
    }
}

impl ImportArgs {
    pub fn marking(&self) -> Marking {
        Marking {
            classification: Classification {
                scheme: self.scheme.scheme(),
                level: self.classification,
            },
            tlp: self.tlp,
        }
    }
}

/// Text from an imported file, fit for a record field that may hold lines:
/// line endings become `\n`, a tab a space, and every other control
/// character U+FFFD (a terminal would act on it). Returns how many were
/// replaced, so the record can say so.
pub fn clean_text(text: &str) -> (String, usize) {
    clean(text, true)
}

/// [`clean_text`] for a one-line field (a title, a name): line breaks
/// become spaces too.
pub fn clean_line(text: &str) -> (String, usize) {
    clean(text, false)
}

fn clean(text: &str, lines: bool) -> (String, usize) {
    let text = text.trim();
    if !text.chars().any(char::is_control) {
        return (text.to_string(), 0);
    }
    let mut out = String::with_capacity(text.len());
    let mut replaced = 0;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' if lines => out.push('\n'),
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {
                out.push('\u{fffd}');
                replaced += 1;
            }
            c => out.push(c),
        }
    }
    (out, replaced)
}

/// The record id of an input file: its name without the extension, with
/// any character an id may not hold (docs/FORMAT.md) replaced by `-`.
/// `None` when nothing is left.
pub fn record_id(file_name: &str) -> Option<String> {
    let stem = match file_name.rsplit_once('.') {
        Some(("", _)) => return None,
        Some((stem, _)) => stem,
        None => file_name,
    };
    let id: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '(' | ')') {
                c
            } else {
                '-'
            }
        })
        .take(128)
        .collect();
    (!id.trim_matches('-').is_empty()).then_some(id)
}

/// The record as hotwash writes it: pretty RON in the records' dialect
/// (`load::ron_options`), with a first line that says where it came from.
pub fn canonical(record: &Record) -> Result<String, String> {
    let pretty = ron::ser::PrettyConfig::default()
        .indentor("    ".to_string())
        .struct_names(false);
    let body = load::ron_options()
        .to_string_pretty(record, pretty)
        .map_err(|e| e.to_string())?;
    let body = crate::review::store::unescape_apostrophes(&body);
    let from = record
        .origin
        .as_ref()
        .map(|o| format!(" from {} file {:?}", o.format.name(), o.file))
        .unwrap_or_default();
    Ok(format!(
        "// Imported by hotwash{from}; see docs/IMPORT.md. Candidate controls are \
         proposals, not effects.\n{body}\n"
    ))
}

/// What became of one input file.
#[derive(Debug)]
pub enum Outcome {
    /// A new record was written.
    Written(PathBuf),
    /// The record there already had these bytes.
    Unchanged(PathBuf),
    /// A record with other content was replaced (`--force`).
    Replaced(PathBuf),
    /// The file was not imported; the report says why and where.
    Failed(FileReport),
}

/// One input file's result, in the order of the inputs.
#[derive(Debug)]
pub struct Imported {
    pub input: PathBuf,
    pub outcome: Outcome,
}

/// Converts an input file's text to a record: what an importer provides.
pub type Convert<'a> = dyn Fn(&str, &str, &str) -> Result<Record, Diagnostic> + Sync + 'a;

/// The input files `paths` name: files as given, folders' `*.json` files
/// (sorted, any case of the extension, hidden files and subfolders left
/// out). A folder that cannot be read, or holds no such file, is reported.
pub fn inputs(paths: &[PathBuf], extension: &str) -> Vec<Result<PathBuf, FileReport>> {
    let mut out = Vec::new();
    for path in paths {
        if !path.is_dir() {
            out.push(Ok(path.clone()));
            continue;
        }
        let fail = |d: Diagnostic| {
            let mut report = FileReport::new(path);
            report.diagnostics.push(d);
            Err(report)
        };
        let entries = match std::fs::read_dir(path) {
            Ok(entries) => entries,
            Err(e) => {
                out.push(fail(Diagnostic::error(
                    "io.folder",
                    format!("cannot read the folder: {e}"),
                )));
                continue;
            }
        };
        let mut found: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy())
                    .unwrap_or_default();
                !name.starts_with('.')
                    && p.extension()
                        .is_some_and(|x| x.eq_ignore_ascii_case(extension))
                    && !p.is_dir()
            })
            .collect();
        found.sort();
        if found.is_empty() {
            out.push(fail(
                Diagnostic::error(
                    "import.empty-folder",
                    format!("the folder holds no *.{extension} files"),
                )
                .with_help("name the files, or the folder that holds them"),
            ));
        }
        out.extend(found.into_iter().map(Ok));
    }
    out
}

/// An input's file name and the record id it becomes.
type Plan = (String, String);

/// Imports every input into `out`, each file on its own and in parallel.
/// Results come back in the order of the inputs.
pub fn import_all(
    inputs: Vec<Result<PathBuf, FileReport>>,
    out: &Path,
    force: bool,
    options: &LoadOptions,
    convert: &Convert<'_>,
) -> Vec<Imported> {
    // Names are fixed before any file is read: two inputs that would make
    // the same record file must not overwrite each other, whatever --force says.
    let mut seen: std::collections::HashMap<String, PathBuf> = std::collections::HashMap::new();
    let planned: Vec<(PathBuf, Result<Plan, FileReport>)> = inputs
        .into_iter()
        .map(|input| match input {
            Err(report) => (report.path.clone(), Err(report)),
            Ok(path) => {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let plan = match record_id(&name) {
                    None => Err(fail(
                        &path,
                        Diagnostic::error(
                            "import.name",
                            "the file's name gives no record id (ids use letters, digits, \
                             '-', '_', '.' and parentheses)",
                        )
                        .with_help("rename the file"),
                    )),
                    Some(id) => match seen.get(&id) {
                        Some(first) => Err(fail(
                            &path,
                            Diagnostic::error(
                                "import.same-name",
                                format!(
                                    "this file would become record {id:?}, as {} does",
                                    first.display()
                                ),
                            )
                            .with_help("import one of them into another --out folder"),
                        )),
                        None => {
                            seen.insert(id.clone(), path.clone());
                            Ok((name, id))
                        }
                    },
                };
                (path, plan)
            }
        })
        .collect();
    let run = || {
        planned
            .into_par_iter()
            .map(|(input, plan)| {
                let outcome = match plan {
                    Err(report) => Outcome::Failed(report),
                    Ok((name, id)) => import_one(&input, &name, &id, out, force, options, convert),
                };
                Imported { input, outcome }
            })
            .collect()
    };
    match pool() {
        Some(pool) => pool.install(run),
        None => run(),
    }
}

/// The threads an import runs on. Each new record waits for two fsyncs
/// (the file, then its folder): with one thread per core the cores sat idle
/// most of the time (10,000 files: 56 s at 32% CPU, against 11 s with 16
/// threads; BENCHMARKS.md). So eight threads per core, at most 32, unless
/// RAYON_NUM_THREADS says otherwise. `None` (rayon's global pool) if a pool
/// cannot be made.
fn pool() -> Option<rayon::ThreadPool> {
    let threads = match std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|n| n.parse::<usize>().ok())
        .filter(|&n| n > 0)
    {
        Some(n) => n,
        None => std::thread::available_parallelism()
            .map_or(2, std::num::NonZeroUsize::get)
            .saturating_mul(8)
            .min(32),
    };
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .ok()
}

fn fail(path: &Path, d: Diagnostic) -> FileReport {
    let mut report = FileReport::new(path);
    report.diagnostics.push(d);
    report
}

fn import_one(
    input: &Path,
    name: &str,
    id: &str,
    out: &Path,
    force: bool,
    options: &LoadOptions,
    convert: &Convert<'_>,
) -> Outcome {
    let bytes = match load::text::read_bytes(input, options.max_size) {
        Ok(bytes) => bytes,
        Err(d) => return Outcome::Failed(fail(input, d)),
    };
    let text = match decode(bytes) {
        Ok(text) => text,
        Err(d) => return Outcome::Failed(fail(input, d)),
    };
    let record = match convert(name, id, &text) {
        Ok(record) => record,
        Err(d) => {
            let mut report = fail(input, d);
            // The snippet under the message shows the input's own text.
            report.text = Some(std::sync::Arc::from(text));
            return Outcome::Failed(report);
        }
    };
    let path = out.join(format!("{id}.ron"));
    let written = match canonical(&record) {
        Ok(written) => written,
        Err(e) => {
            return Outcome::Failed(fail(
                input,
                Diagnostic::error("import.write", format!("cannot write the record: {e}")),
            ));
        }
    };
    // Whatever is written must load: check it as `hotwash validate` would.
    let checked = load::record_from_text_with(&path, written.clone(), options);
    if let Some(d) = checked.report.first_error() {
        return Outcome::Failed(fail(
            input,
            Diagnostic::error(
                "import.invalid",
                format!(
                    "the record made from this file does not validate, so nothing was \
                     written: {}",
                    checked.report.one_line(d)
                ),
            )
            .with_help("this is a fault of hotwash's importer: please report it with the file"),
        ));
    }
    write(input, &path, written.as_bytes(), force)
}

/// Checks raw bytes as JSON text: UTF-8 (a byte-order mark is dropped).
fn decode(mut bytes: Vec<u8>) -> Result<String, Diagnostic> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        let prefix = String::from_utf8_lossy(&bytes[..valid]).into_owned();
        let at = load::diagnostic::line_col(&prefix, valid);
        Diagnostic::error("text.utf8", "the file is not valid UTF-8")
            .with_help("JSON is UTF-8 text")
            .at_line_col(at)
    })
}

fn write(input: &Path, path: &Path, bytes: &[u8], force: bool) -> Outcome {
    let failed = |e: WriteError| {
        Outcome::Failed(fail(
            input,
            Diagnostic::error("import.write", e.to_string()),
        ))
    };
    match files::read_regular(path) {
        Ok(existing) if existing == bytes => Outcome::Unchanged(path.to_path_buf()),
        Ok(_) if force => match files::write_atomic(path, bytes, Replace::Allowed) {
            Ok(_) => Outcome::Replaced(path.to_path_buf()),
            Err(e) => failed(e),
        },
        Ok(_) => Outcome::Failed(fail(
            input,
            Diagnostic::error(
                "import.exists",
                format!(
                    "{} exists with other content; it was left alone",
                    path.display()
                ),
            )
            .with_help("pass --force to replace it (a review beside it stays as it is)"),
        )),
        Err(OpenError::Missing(_)) => match files::write_atomic(path, bytes, Replace::Never) {
            Ok(_) => Outcome::Written(path.to_path_buf()),
            Err(e) => failed(e),
        },
        Err(e) => Outcome::Failed(fail(
            input,
            Diagnostic::error(
                "import.write",
                format!("cannot write {}: {e}", path.display()),
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_ids_come_from_file_names() {
        assert_eq!(
            record_id("0001AA7F-C601-424A-B2B8-BE6C9F5164E7.json").as_deref(),
            Some("0001AA7F-C601-424A-B2B8-BE6C9F5164E7")
        );
        assert_eq!(record_id("a b.JSON").as_deref(), Some("a-b"));
        assert_eq!(record_id("noext").as_deref(), Some("noext"));
        assert_eq!(record_id(".json").as_deref(), None);
        assert_eq!(record_id("€€.json"), None);
        assert_eq!(
            record_id(&format!("{}.json", "a".repeat(300))).map(|s| s.len()),
            Some(128)
        );
    }

    #[test]
    fn control_characters_are_replaced_and_counted() {
        assert_eq!(
            clean_text("a\r\nb\rc\td\u{7f}e\u{1b}[31m"),
            ("a\nb\nc d\u{fffd}e\u{fffd}[31m".into(), 2)
        );
        assert_eq!(clean_line(" a\nb "), ("a b".into(), 0));
        assert_eq!(
            clean_text("\u{202e}bidi"),
            ("\u{202e}bidi".into(), 0),
            "validate warns of bidi"
        );
    }
}
