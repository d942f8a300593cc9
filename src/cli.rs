//! The command line: what `hotwash --help` promises.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use serde::Serialize;

use crate::load::{self, Diagnostic, FileReport, LoadOptions};
use crate::text_safety;

#[derive(Debug, Parser)]
#[command(
    name = "hotwash",
    version,
    about = "A terminal workbench for counterintelligence and OPSEC incident reviews",
    long_about = "A terminal workbench for counterintelligence and OPSEC incident reviews.\n\n\
        With no command, hotwash opens PATH: a folder of incident records (default: ./incidents \
        if it exists, else the incidents bundled with hotwash) or one record file.",
    after_help = "Exit status: 0 on success, 1 when a file is invalid, 2 on a usage error."
)]
pub struct Cli {
    /// A folder of incident records, or one record file, to open.
    pub path: Option<PathBuf>,

    /// Who signs reviews off (default: $HOTWASH_REVIEWER, else the login name).
    #[arg(long, global = true, value_name = "NAME")]
    pub reviewer: Option<String>,

    /// Refuse files larger than this many bytes.
    #[arg(long, global = true, value_name = "BYTES", default_value_t = load::DEFAULT_MAX_SIZE)]
    pub max_size: u64,

    /// Refuse text fields (a narrative, a statement, a note) larger than this many bytes.
    #[arg(long, global = true, value_name = "BYTES", default_value_t = load::size::MAX_FIELD_BYTES)]
    pub max_field_size: usize,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check records and reviews: syntax, references, grades, times, markings.
    ///
    /// A record is checked together with the review beside it
    /// (`NAME.review.ron`); a folder with every record in it.
    Validate {
        /// Record files, review files or folders.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,

        /// How to print the diagnostics.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Export a record's review as a report to share.
    ///
    /// The report holds the record and the review beside it
    /// (`NAME.review.ron`). Events the analyst left out are not in it, and
    /// with --max-classification neither is any portion above that level;
    /// the banner is always the highest portion included. The generation time
    /// is SOURCE_DATE_EPOCH when set, so the same inputs give the same bytes.
    Export {
        /// The record file.
        #[arg(value_name = "FILE")]
        record: PathBuf,

        /// The format of the report.
        #[arg(long, value_enum)]
        format: crate::export::Format,

        /// Write to this file (atomically) instead of standard output. A
        /// folder (an existing one, or any PATH ending in `/`) gets
        /// `<record id>.<extension>` inside it. A symbolic link is written
        /// through to its target.
        #[arg(long, value_name = "PATH")]
        out: Option<PathBuf>,

        /// Overwrite the --out file if it exists (only ever a regular file:
        /// never a folder, device, FIFO or socket).
        #[arg(long)]
        force: bool,

        /// Leave out every portion above this level (such as Restricted,
        /// Secret, "VS-NfD" or "NATO SECRET").
        #[arg(long, value_name = "LEVEL")]
        max_classification: Option<crate::model::Level>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Source snippets with a caret under each problem, on stderr.
    Human,
    /// One JSON document on stdout, for CI pipelines.
    Json,
}

pub fn run(cli: Cli) -> ExitCode {
    let options = LoadOptions {
        max_size: cli.max_size,
        max_field: cli.max_field_size,
    };
    match cli.command {
        Some(Command::Validate { paths, format }) => validate(&paths, format, &options),
        Some(Command::Export {
            record,
            format,
            out,
            force,
            max_classification,
        }) => export(
            &record,
            format,
            out.as_deref(),
            force,
            max_classification,
            &options,
        ),
        None => open(cli.path, &options, cli.reviewer.as_deref()),
    }
}

fn validate(paths: &[PathBuf], format: Format, options: &LoadOptions) -> ExitCode {
    let reports = load::validate_paths(paths, options);
    let invalid = reports.iter().filter(|r| !r.is_valid()).count();
    let written = match format {
        Format::Human => print_human(&reports),
        Format::Json => print_json(&reports),
    };
    if let Err(e) = written {
        // A closed pipe is not worth a panic; say so once and fail.
        let e = e.to_string();
        let _ = writeln!(
            std::io::stderr(),
            "hotwash: cannot write the report: {}",
            text_safety::one_line(&e)
        );
        return ExitCode::FAILURE;
    }
    if invalid == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn color_on(stream: &impl IsTerminal) -> bool {
    stream.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn print_human(reports: &[FileReport]) -> std::io::Result<()> {
    let stderr = std::io::stderr();
    let color = color_on(&stderr);
    let mut err = stderr.lock();
    for report in reports {
        if !report.diagnostics.is_empty() {
            write!(err, "{}", report.render(color, 100))?;
        }
    }
    let files = reports.len();
    let invalid = reports.iter().filter(|r| !r.is_valid()).count();
    let errors: usize = reports.iter().map(FileReport::errors).sum();
    let warnings: usize = reports.iter().map(FileReport::warnings).sum();
    writeln!(
        err,
        "checked {files} file{}: {} valid, {invalid} invalid ({errors} error{}, {warnings} warning{})",
        plural(files),
        files - invalid,
        plural(errors),
        plural(warnings),
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    format: &'static str,
    valid: bool,
    files: Vec<JsonFile<'a>>,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    path: String,
    valid: bool,
    errors: usize,
    warnings: usize,
    diagnostics: &'a [Diagnostic],
}

fn print_json(reports: &[FileReport]) -> std::io::Result<()> {
    let doc = JsonReport {
        format: "hotwash-diagnostics/1",
        valid: reports.iter().all(FileReport::is_valid),
        files: reports
            .iter()
            .map(|r| JsonFile {
                path: r.path.display().to_string(),
                valid: r.is_valid(),
                errors: r.errors(),
                warnings: r.warnings(),
                diagnostics: &r.diagnostics,
            })
            .collect(),
    };
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, &doc)?;
    writeln!(out)
}

/// Where hotwash looks when no path is given: `./incidents` if it exists,
/// else the incidents shipped with the program.
pub fn default_library() -> PathBuf {
    let local = PathBuf::from("incidents");
    if local.is_dir() {
        return local;
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("incidents")
}

/// Opens the workbench on a terminal; prints a summary when output is not
/// a terminal (a pipe, a script).
fn open(path: Option<PathBuf>, options: &LoadOptions, reviewer: Option<&str>) -> ExitCode {
    let path = path.unwrap_or_else(default_library);
    if !path.exists() {
        let d = Diagnostic::error("io.missing", "no such file or folder");
        return fail_on(&path, d);
    }
    if std::io::stdout().is_terminal() && std::io::stdin().is_terminal() {
        return match crate::tui::run(path, *options, crate::tui::runtime::reviewer_name(reviewer)) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                let e = e.to_string();
                let _ = writeln!(
                    std::io::stderr(),
                    "hotwash: terminal error: {}",
                    text_safety::one_line(&e)
                );
                ExitCode::FAILURE
            }
        };
    }
    summary(path, options)
}

/// A plain summary of the library, one line per record. Each line is made
/// safe for a terminal: output that is not a terminal often ends up on one.
fn summary(path: PathBuf, options: &LoadOptions) -> ExitCode {
    let records = if path.is_dir() {
        match load::records_in(&path) {
            Ok(r) => r,
            Err(d) => return fail_on(&path, d),
        }
    } else {
        vec![path.clone()]
    };
    let mut out = std::io::stdout().lock();
    let mut ok = true;
    for record_path in records {
        let checked = load::check_record_file(&record_path, options);
        let line = match &checked.record.value {
            Some(r) => {
                // Worded as the library says it: controls, not events.
                let failed = crate::timeline::Timeline::new(r).failed_controls();
                let events = match r.events.len() {
                    1 => "1 event".to_string(),
                    n => format!("{n} events"),
                };
                format!(
                    "{}  {}  [{} · {}]  {events}, {}",
                    record_path.display(),
                    r.title,
                    r.classification.banner(),
                    r.tlp,
                    crate::timeline::failed_controls_phrase(failed, r.controls.len())
                )
            }
            None => {
                ok = false;
                let first = checked.record.report.first_error();
                first.map_or_else(String::new, |d| checked.record.report.one_line(d))
            }
        };
        if writeln!(out, "{}", text_safety::one_line(&line)).is_err() {
            return ExitCode::FAILURE;
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn fail_on(path: &Path, d: Diagnostic) -> ExitCode {
    let report = FileReport {
        path: path.to_path_buf(),
        text: None,
        diagnostics: vec![d],
    };
    let _ = write!(
        std::io::stderr(),
        "{}",
        report.render(color_on(&std::io::stderr()), 100)
    );
    ExitCode::from(1)
}

/// Loads a record and its review for a report, or explains why not.
pub fn load_for_report(
    path: &Path,
    options: &LoadOptions,
) -> Result<(crate::model::Record, crate::model::Review), Vec<FileReport>> {
    let checked = load::check_record_file(path, options);
    let mut problems = Vec::new();
    if !checked.record.report.is_valid() {
        problems.push(checked.record.report.clone());
    }
    let review = match checked.review {
        Some(r) if r.value.is_some() => r.value,
        Some(r) => {
            problems.push(r.report);
            None
        }
        None => None,
    };
    match checked.record.value {
        Some(record) if problems.is_empty() => {
            let review = review.unwrap_or_else(|| crate::model::Review::new(record.id.clone()));
            Ok((record, review))
        }
        _ => Err(problems),
    }
}

fn export(
    path: &Path,
    format: crate::export::Format,
    out: Option<&Path>,
    force: bool,
    max_classification: Option<crate::model::Level>,
    options: &LoadOptions,
) -> ExitCode {
    let stderr = std::io::stderr();
    let color = color_on(&stderr);
    // Messages name files and quote errors that may hold record text.
    let fail = |message: String| {
        let _ = writeln!(
            std::io::stderr(),
            "hotwash: {}",
            text_safety::one_line(&message)
        );
        ExitCode::from(1)
    };
    let (record, review) = match load_for_report(path, options) {
        Ok(loaded) => loaded,
        Err(reports) => {
            for r in &reports {
                let _ = write!(stderr.lock(), "{}", r.render(color, 100));
            }
            return fail(format!(
                "cannot export {}: fix the problems above",
                path.display()
            ));
        }
    };
    // A folder gets the default file name inside it.
    let out = out.map(|out| crate::export::out_path(out, &record.id, format));
    // Refuse before rendering if the answer will be no.
    if let Some(out) = &out {
        match crate::files::write_target(out) {
            Ok(target) if target.existing.is_some() && !force => {
                return fail(crate::export::ExportError::Exists(out.clone()).to_string());
            }
            Ok(_) => {}
            Err(e) => return fail(e.to_string()),
        }
    }
    let generated = match crate::report::generation_time() {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let report = crate::report::build(
        &record,
        &review,
        &crate::report::ReportOptions {
            max_classification,
            generated: Some(generated),
        },
    );
    let text = match crate::export::render(&report, format) {
        Ok(t) => t,
        Err(e) => return fail(e.to_string()),
    };
    match out {
        Some(out) => match crate::export::write_file(&out, &text, force) {
            Ok(()) => {
                let wrote = format!(
                    "wrote {} ({}, {}; {})",
                    out.display(),
                    format.name(),
                    report.classification.banner,
                    report.withheld_line()
                );
                let _ = writeln!(std::io::stderr(), "{}", text_safety::one_line(&wrote));
                ExitCode::SUCCESS
            }
            Err(e) => fail(e.to_string()),
        },
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
            {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(format!("cannot write the report: {e}")),
            }
        }
    }
}
