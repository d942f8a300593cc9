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
        if it exists, else the incidents bundled inside hotwash, read-only; `hotwash init` writes \
        an editable copy) or one record file.",
    after_help = "Exit status: 0 on success, 1 when a file is invalid, 2 on a usage error."
)]
pub struct Cli {
    /// A folder of incident records, or one record file, to open.
    pub path: Option<PathBuf>,

    /// Who signs reviews off (default: $HOTWASH_REVIEWER, else the configuration's
    /// reviewer, else the login name).
    #[arg(long, global = true, value_name = "NAME")]
    pub reviewer: Option<String>,

    /// Refuse files larger than this many bytes.
    #[arg(long, global = true, value_name = "BYTES", default_value_t = load::DEFAULT_MAX_SIZE)]
    pub max_size: u64,

    /// Refuse text fields (a narrative, a statement, a note) larger than this many bytes.
    #[arg(long, global = true, value_name = "BYTES", default_value_t = load::size::MAX_FIELD_BYTES)]
    pub max_field_size: usize,

    /// When to use colour: auto (on a terminal, unless NO_COLOR is set; CLICOLOR_FORCE
    /// forces it), always or never. For messages and for the workbench.
    #[arg(long, global = true, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Read the configuration (keys, theme, defaults) from this file (default:
    /// $HOTWASH_CONFIG, else hotwash/config.ron in the configuration folder, such as
    /// ~/.config). See docs/CONFIG.md; `hotwash config` checks it.
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Neither read nor write the cache of parsed records: parse every file
    /// (also HOTWASH_NO_CACHE=1). See `hotwash cache`.
    #[arg(long, global = true)]
    pub no_cache: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check records and reviews: syntax, references, grades, times, markings.
    ///
    /// A record is checked together with the review beside it
    /// (`NAME.review.ron`); a folder with every record in it, on every core
    /// the process may use (`taskset -c 0` gives one), reported in order.
    Validate {
        /// Record files, review files or folders; `-` reads one record from
        /// standard input (no review is looked up for it).
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,

        /// How to print the diagnostics.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Export a record's review as a report to share.
    ///
    /// The report holds the record and the review beside it
    /// (`NAME.review.ron`). It reads from the judgement down: the banner, the
    /// title, a summary, the key judgements (root cause first), the
    /// recommendations, then the timeline, the control effects by event, the
    /// claims and the sources. Events the analyst left out are not in it, and
    /// with --max-classification neither is any portion above that level;
    /// the banner is always the highest portion included. A classified banner
    /// with TLP:CLEAR is warned of on standard error. The generation time is
    /// SOURCE_DATE_EPOCH when set, so the same inputs give the same bytes.
    Export {
        /// The record file; `-` reads it from standard input (then no review
        /// is looked up: the report has the record and an empty review).
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

        /// Write a brief to paste into a ticket or a comment: the summary,
        /// the key judgements, the recommendations and only the sources the
        /// judgements cite (Markdown and HTML; a folder --out gets
        /// `<record id>.brief.<extension>`).
        #[arg(long)]
        brief: bool,

        /// The paper a printable format is laid out for: the HTML when
        /// printed, the PDF's pages (default: the configuration's `paper`,
        /// else A4).
        #[arg(long, value_enum, value_name = "PAPER")]
        paper: Option<crate::export::Paper>,
    },
    /// Tally the controls across the incidents of a folder: in how many
    /// records each control failed, how often and from which event, and
    /// each incident's detection lag (first failure to when it became known).
    ///
    /// Each record is summarised and dropped as it is read, so a folder of
    /// thousands of records takes little memory. A file that is not a valid
    /// record is named on stderr and in the output's "not counted" list, and
    /// the exit status is then 1.
    ///
    /// A record counts with the analyst's decisions on its candidate controls,
    /// from the review beside it: a linked candidate counts with its effect,
    /// an undecided or dismissed one not at all. A review that does not load
    /// is named on stderr and its decisions are left out.
    Stats {
        /// Folders of records, or record files.
        #[arg(required = true, value_name = "FOLDER")]
        paths: Vec<PathBuf>,

        /// The format of the table.
        #[arg(long, value_enum, default_value_t = StatsFormat::Markdown)]
        format: StatsFormat,

        /// Only controls of this family (the id before its dash: AC, SC, ...).
        #[arg(long, value_name = "FAMILY")]
        family: Option<String>,

        /// Count only this effect (default: any failure, i.e. every effect but held).
        #[arg(long, value_enum, default_value_t = StatsEffect::AnyFailure)]
        effect: StatsEffect,

        /// For CSV, which table: one row per control and incident, or one
        /// row per incident with its detection lag.
        #[arg(long, value_enum, default_value_t = crate::stats::render::CsvTable::Controls)]
        table: crate::stats::render::CsvTable,

        /// Write to this file (atomically) instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,

        /// Overwrite the --out file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Import incidents coded elsewhere as hotwash records: one record per
    /// file, and a review beside it only where a STIX bundle carries
    /// hotwash's own findings.
    ///
    /// Each file is imported on its own: a file that is not the format, or
    /// is broken, is named with its line and column and the others still
    /// import (the exit status is then 1). Nothing is replaced without
    /// --force, and importing the same file again gives the same bytes.
    /// Every record written passes `hotwash validate`. See docs/IMPORT.md
    /// (VERIS) and docs/STIX-IMPORT.md (STIX).
    Import {
        #[command(subcommand)]
        format: ImportFormat,
    },
    /// Write the incident records bundled with hotwash into FOLDER, to edit
    /// and review them (nothing is written if any of the files is there).
    Init {
        /// Where to write them.
        #[arg(value_name = "FOLDER", default_value = "incidents")]
        folder: PathBuf,
    },
    /// Merge two analysts' versions of a review (git's merge driver).
    ///
    /// Merges by identity, not by line: findings and recommendations by id,
    /// marks and notes by event, a finding's events and controls as sets.
    /// Their new ids that ours used too are renumbered, with every reference.
    /// A field both sides changed differently becomes a conflict entry in the
    /// review (it keeps ours until you choose in the workbench: C lists them)
    /// and the exit status is 1, so git reports the file as conflicted; no
    /// text conflict markers are ever written. A sign-off is dropped when the
    /// merge changes what it sealed, and the review lists it under
    /// dropped_signoffs. The result is written over OURS as hotwash writes
    /// reviews, then validated against the record beside NAME. `hotwash
    /// git-setup` tells git to run this for *.review.ron files.
    #[command(name = "merge-review")]
    MergeReview {
        /// The common version (git's %O); an empty file when both branches added the review.
        #[arg(value_name = "BASE")]
        base: PathBuf,
        /// Our version (git's %A); the merged review is written here.
        #[arg(value_name = "OURS")]
        ours: PathBuf,
        /// Their version (git's %B).
        #[arg(value_name = "THEIRS")]
        theirs: PathBuf,
        /// The review's path in the repository (git's %P): named in messages,
        /// and the record beside it is what the result is validated against.
        #[arg(long, value_name = "NAME")]
        path: Option<PathBuf>,
    },
    /// Show what changed between two reviews, or two records, item by item.
    ///
    /// Findings, recommendations, events, sources... added, removed and
    /// changed field by field (`F01 severity: High → Critical`), marks and
    /// notes, recommendation status moves, and the sign-off (current or
    /// stale when the record is beside the review). Given OLD alone, prints it
    /// as lines that name what they hold (`finding F01 severity: High`): git's
    /// textconv. `hotwash git-setup` configures both for git diff and git
    /// difftool --tool=hotwash. Exit status 0 with or without differences,
    /// 1 when a file cannot be read.
    Diff {
        /// The older file, or the one file to print as lines.
        #[arg(value_name = "OLD")]
        old: PathBuf,
        /// The newer file.
        #[arg(value_name = "NEW")]
        new: Option<PathBuf>,
        /// How to print the differences.
        #[arg(long, value_enum, default_value_t = crate::git::DiffFormat::Text)]
        format: crate::git::DiffFormat,
    },
    /// Tell git to merge and diff reviews with hotwash, in this repository.
    ///
    /// Sets merge.hotwash.driver (`hotwash merge-review %O %A %B --path %P`),
    /// diff.hotwash.textconv (`hotwash diff`) and difftool.hotwash.cmd in the
    /// repository's git config; adds `*.ron diff=hotwash` and
    /// `*.review.ron merge=hotwash` to .gitattributes at its top, and the
    /// lock files of saves (`.*.review.ron.lock`) to .gitignore, unless they
    /// are there. Says what it did; run again, it changes nothing.
    #[command(name = "git-setup")]
    GitSetup {
        /// The hotwash git should run (default: this one, by its full path).
        #[arg(long, value_name = "PROGRAM")]
        program: Option<PathBuf>,
    },
    /// Print a shell completion script to standard output.
    ///
    /// bash: `hotwash completions bash > ~/.local/share/bash-completion/completions/hotwash`;
    /// zsh: into a folder on $fpath as `_hotwash`; fish:
    /// `~/.config/fish/completions/hotwash.fish`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Check the configuration file and say where it is, or print the default one.
    ///
    /// The file is read from --config, else $HOTWASH_CONFIG, else
    /// hotwash/config.ron in the configuration folder ($XDG_CONFIG_HOME or
    /// ~/.config; %APPDATA% on Windows). hotwash never writes it: start one
    /// with `hotwash config --print-default > FILE`.
    Config {
        /// Print a commented configuration holding every default.
        #[arg(long, conflicts_with = "path")]
        print_default: bool,

        /// Print only where the configuration file is read from.
        #[arg(long)]
        path: bool,
    },
    /// Say where the cache of parsed records is, or empty it.
    ///
    /// Opening a record (the workbench, validate, export, stats,
    /// merge-review) keeps its parsed and checked content in the cache folder
    /// ($XDG_CACHE_HOME/hotwash, else ~/.cache/hotwash), so that opening the
    /// same bytes again skips the parse. An entry is used only for the exact same content, checked by
    /// this same build with the same limits; anything else is ignored and
    /// rebuilt. The cache holds the records' text, as sensitive as they are:
    /// the folder is 0700, its files 0600, and it is never written beside a
    /// record. It keeps at most 1 GiB, evicting the least recently used.
    /// --no-cache (or HOTWASH_NO_CACHE=1) neither reads nor writes it. See
    /// docs/CACHE.md.
    Cache {
        #[command(subcommand)]
        action: CacheAction,
    },
    /// Print the manual page (roff), or write every page into a folder.
    ///
    /// `hotwash man --dir ~/.local/share/man/man1` writes hotwash.1 and a page
    /// per command (hotwash-validate.1, ...); then `man hotwash`.
    Man {
        /// Write hotwash.1 and one page per command here (replacing older
        /// pages) instead of printing hotwash.1.
        #[arg(long, value_name = "FOLDER")]
        dir: Option<PathBuf>,
    },
}

/// The formats `hotwash import` reads.
#[derive(Debug, Subcommand)]
pub enum ImportFormat {
    /// VERIS 1.3.x-1.4.x incident JSON, such as VERIS Community Database
    /// (VCDB) files.
    ///
    /// The record's id and file name come from the input's file name (not
    /// incident_id). Events: the incident (at the date VERIS gives, never
    /// finer; a time of day has no zone in VERIS and is kept only in the
    /// narrative), the steps of plus.event_chain in order, and the timeline
    /// phases whose time can be derived. Candidate controls come from the
    /// CTID mappings (VERIS → ATT&CK → NIST SP 800-53) and, for error,
    /// misuse and physical actions, hotwash's own table: proposals for the
    /// analyst, never effects.
    Veris(crate::import::ImportArgs),
    /// STIX 2.1 bundles (JSON): an incident with its Incident Core events and
    /// tasks, notes, courses of action, identities, reports, relationships and
    /// TLP markings. A bundle hotwash exported comes back with its events (at
    /// their fidelity), sources, controls, claims and review; see
    /// docs/STIX-IMPORT.md for the mapping and what STIX cannot carry. Objects
    /// of other types are reported and skipped; fractional seconds are cut off.
    Stix {
        /// Bundle files, or folders whose `.json` files are bundles.
        #[arg(required = true, value_name = "BUNDLE")]
        bundles: Vec<PathBuf>,
        #[command(flatten)]
        out: ImportOut,
    },
}

/// What `hotwash cache` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Subcommand)]
pub enum CacheAction {
    /// Print the cache folder.
    Path,
    /// Remove every entry, and the folder if nothing else is in it.
    Clear,
}

/// The formats of `hotwash stats`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatsFormat {
    Markdown,
    Json,
    Csv,
}

/// The effects `hotwash stats --effect` can count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatsEffect {
    AnyFailure,
    Failed,
    NotFollowed,
    Bypassed,
    Absent,
    Held,
}

impl StatsEffect {
    fn filter(self) -> crate::stats::EffectFilter {
        use crate::model::Effect;
        use crate::stats::EffectFilter::{Failures, Only};
        match self {
            StatsEffect::AnyFailure => Failures,
            StatsEffect::Failed => Only(Effect::Failed),
            StatsEffect::NotFollowed => Only(Effect::NotFollowed),
            StatsEffect::Bypassed => Only(Effect::Bypassed),
            StatsEffect::Absent => Only(Effect::Absent),
            StatsEffect::Held => Only(Effect::Held),
        }
    }
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl std::fmt::Display for ColorChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ColorChoice::Auto => "auto",
            ColorChoice::Always => "always",
            ColorChoice::Never => "never",
        })
    }
}

impl ColorChoice {
    /// Whether output to `stream` gets colour. `auto` follows the
    /// conventions of no-color.org and bixense.com/clicolors: a non-empty
    /// NO_COLOR turns it off, a CLICOLOR_FORCE other than 0 turns it on
    /// even when the output is not a terminal.
    pub fn on(self, stream: &impl IsTerminal) -> bool {
        let set = |name| std::env::var_os(name).filter(|v| !v.is_empty());
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto if set("NO_COLOR").is_some() => false,
            ColorChoice::Auto if set("CLICOLOR_FORCE").is_some_and(|v| v != "0") => true,
            ColorChoice::Auto => stream.is_terminal(),
        }
    }
}

/// Parses the command line as `main` gets it. A first argument that is
/// neither a path nor a command, but close to a command's name, is a typo:
/// say which command was probably meant instead of reading it as a path.
pub fn parse() -> Result<Cli, ExitCode> {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if let Some(first) = args.get(1).and_then(|a| a.to_str())
        && let Some(meant) = mistyped_command(first)
    {
        let _ = writeln!(
            std::io::stderr(),
            "hotwash: '{}' is not a command, a file or a folder; did you mean '{meant}'?",
            text_safety::one_line(first)
        );
        return Err(ExitCode::from(2));
    }
    // clap writes its own help and errors before `--color` is parsed: give
    // it the choice from the arguments first.
    let choice = args
        .iter()
        .zip(args.iter().skip(1).map(Some).chain([None]))
        .find_map(|(arg, next)| {
            let arg = arg.to_str()?;
            let value = match arg.strip_prefix("--color") {
                Some("") => next?.to_str()?,
                Some(rest) => rest.strip_prefix('=')?,
                None => return None,
            };
            ColorChoice::from_str(value, false).ok()
        });
    let mut command = <Cli as clap::CommandFactory>::command();
    if let Some(choice) = choice {
        command = command.color(match choice {
            ColorChoice::Auto => clap::ColorChoice::Auto,
            ColorChoice::Always => clap::ColorChoice::Always,
            ColorChoice::Never => clap::ColorChoice::Never,
        });
    }
    let matches = command.get_matches_from(args);
    match <Cli as clap::FromArgMatches>::from_arg_matches(&matches) {
        Ok(cli) => Ok(cli),
        Err(e) => e.exit(),
    }
}

/// The command `arg` is probably a misspelling of, if it is not a path.
pub fn mistyped_command(arg: &str) -> Option<String> {
    use clap::CommandFactory as _;
    if arg.starts_with('-') || Path::new(arg).exists() {
        return None;
    }
    let command = Cli::command();
    let names: Vec<&str> = command
        .get_subcommands()
        .map(|c| c.get_name())
        .chain(["help"])
        .collect();
    if names.contains(&arg) {
        return None;
    }
    names
        .into_iter()
        .map(|name| (strsim::damerau_levenshtein(arg, name), name))
        .filter(|&(distance, name)| distance <= 2 && distance < name.len() / 2 + 1)
        .min()
        .map(|(_, name)| name.to_string())
}

/// Where `hotwash import` writes, for every format.
#[derive(Debug, clap::Args)]
pub struct ImportOut {
    /// The folder to write the records into (created if missing), as for
    /// every import format.
    #[arg(long, value_name = "FOLDER", default_value = "incidents")]
    pub out: PathBuf,

    /// Replace records (and reviews) that exist (only ever regular files).
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Source snippets with a caret under each problem, on stderr.
    Human,
    /// One JSON document on stdout, for CI pipelines.
    Json,
}

pub fn run(cli: Cli) -> ExitCode {
    let cache = if cli.no_cache || crate::cache::disabled_by_env() {
        None
    } else {
        crate::cache::Cache::open_default().map(std::sync::Arc::new)
    };
    let options = LoadOptions {
        max_size: cli.max_size,
        max_field: cli.max_field_size,
        cache,
    };
    let color = cli.color;
    match cli.command {
        Some(Command::Validate { paths, format }) => validate(&paths, format, &options, color),
        Some(Command::Export {
            record,
            format,
            out,
            force,
            max_classification,
            brief,
            paper,
        }) => export(
            &record,
            ExportChoice {
                format,
                variant: if brief {
                    crate::export::Variant::Brief
                } else {
                    crate::export::Variant::Full
                },
                max_classification,
                paper,
                config: cli.config.clone(),
            },
            out.as_deref(),
            force,
            &options,
            color,
        ),
        Some(Command::Stats {
            paths,
            format,
            family,
            effect,
            table,
            out,
            force,
        }) => stats(
            &paths,
            &StatsRequest {
                format,
                family: family.as_deref(),
                filter: effect.filter(),
                table,
                out: out.as_deref(),
                force,
            },
            &options,
        ),
        Some(Command::Init { folder }) => init(&folder),
        Some(Command::Import { format }) => import(format, &options, color),
        Some(Command::MergeReview {
            base,
            ours,
            theirs,
            path,
        }) => crate::git::merge_review(&base, &ours, &theirs, path.as_deref(), &options, color),
        Some(Command::Diff { old, new, format }) => {
            crate::git::diff(&old, new.as_deref(), format, &options, color)
        }
        Some(Command::GitSetup { program }) => crate::git::git_setup(program.as_deref()),
        Some(Command::Completions { shell }) => {
            use clap::CommandFactory as _;
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "hotwash", &mut out);
            write_stdout(&out)
        }
        Some(Command::Man { dir }) => man(dir.as_deref()),
        Some(Command::Cache { action }) => cache_command(action),
        Some(Command::Config {
            print_default,
            path,
        }) => config(cli.config.as_deref(), print_default, path, &options, color),
        None => {
            let config = load_config(cli.config.as_deref(), &options, color);
            open(cli.path, &options, cli.reviewer.as_deref(), config, color)
        }
    }
}

/// `hotwash cache path` and `hotwash cache clear`. They name the folder
/// whatever --no-cache says: clearing is how to be rid of it.
fn cache_command(action: CacheAction) -> ExitCode {
    let fail = |message: String| {
        let _ = writeln!(
            std::io::stderr(),
            "hotwash: {}",
            text_safety::one_line(&message)
        );
        ExitCode::from(1)
    };
    let Some(cache) = crate::cache::Cache::open_default() else {
        return fail("no cache folder: neither XDG_CACHE_HOME nor a home folder is known".into());
    };
    let dir = cache.dir().display().to_string();
    match action {
        CacheAction::Path => write_stdout(format!("{dir}\n").as_bytes()),
        CacheAction::Clear => match cache.clear() {
            Ok(cleared) => {
                let said = format!(
                    "removed {} from {dir} ({})",
                    crate::wording::count(cleared.entries, "entry", "entries"),
                    bytes_phrase(cleared.bytes)
                );
                let _ = writeln!(std::io::stderr(), "{}", text_safety::one_line(&said));
                ExitCode::SUCCESS
            }
            Err(e) => fail(format!("cannot clear the cache {dir}: {e}")),
        },
    }
}

/// `123 bytes`, `4.5 MiB`.
fn bytes_phrase(bytes: u64) -> String {
    const MIB: u64 = 1 << 20;
    if bytes < MIB {
        crate::wording::count(bytes as usize, "byte", "bytes")
    } else {
        format!("{:.1} MiB", bytes as f64 / MIB as f64)
    }
}

/// `hotwash import stix`: every bundle on its own, so one broken file stops
/// none of the others; a summary line at the end.
fn import_stix(
    paths: &[PathBuf],
    out: &ImportOut,
    options: &LoadOptions,
    color: ColorChoice,
) -> ExitCode {
    let folder = out.out.clone();
    if let Err(e) = std::fs::create_dir_all(&folder) {
        return fail_with(format!("cannot create {}: {e}", folder.display()));
    }
    let use_color = color.on(&std::io::stderr());
    let mut stderr = std::io::stderr().lock();
    let (mut records, mut reviews, mut failed, mut skipped) = (0usize, 0usize, 0usize, 0usize);
    // The same list of inputs as the VERIS importer's, with `.json` files.
    for input in crate::import::inputs(paths, "json") {
        let path = match input {
            Ok(path) => path,
            Err(report) => {
                failed += 1;
                let _ = write!(stderr, "{}", report.render(use_color, 100));
                continue;
            }
        };
        let mut report = FileReport::new(&path);
        let text = match read_import(&path, options) {
            Ok(text) => text,
            Err(message) => {
                failed += 1;
                let _ = writeln!(
                    stderr,
                    "hotwash: {}: {}",
                    text_safety::one_line(&path.display().to_string()),
                    text_safety::one_line(&message)
                );
                continue;
            }
        };
        let file = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let imported = match crate::import::stix::import(&file, &text) {
            Ok(imported) => imported,
            Err(diagnostic) => {
                failed += 1;
                report.text = Some(text.into());
                report.diagnostics.push(diagnostic);
                let _ = write!(stderr, "{}", report.render(use_color, 100));
                continue;
            }
        };
        let shown = |s: &str| text_safety::one_line(s).into_owned();
        for s in &imported.skipped {
            let _ = writeln!(
                stderr,
                "hotwash: {}: skipped {} (type {}: not imported)",
                shown(&file),
                shown(&s.id),
                shown(&s.kind)
            );
        }
        for note in &imported.notes {
            let _ = writeln!(stderr, "hotwash: {}: {}", shown(&file), shown(note));
        }
        skipped += imported.skipped.len();
        let written =
            crate::import::output::record_text(&imported, &format!("STIX 2.1 bundle {file}"))
                .and_then(|record| {
                    let review = imported
                        .review
                        .as_ref()
                        .map(crate::import::output::review_text)
                        .transpose()?;
                    crate::import::output::write(
                        &folder,
                        &imported.name,
                        &record,
                        review.as_deref(),
                        out.force,
                    )
                    .map_err(|e| e.to_string())
                });
        match written {
            Ok(files) => {
                records += 1;
                reviews += usize::from(files.len() > 1);
                for f in files {
                    let _ = writeln!(stderr, "hotwash: wrote {}", shown(&f.display().to_string()));
                }
            }
            Err(message) => {
                failed += 1;
                let _ = writeln!(stderr, "hotwash: {}: {}", shown(&file), shown(&message));
            }
        }
    }
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let _ = writeln!(
        stderr,
        "hotwash: imported {}, {}; {} failed; {} of unknown types skipped",
        plural(records, "record", "records"),
        plural(reviews, "review", "reviews"),
        failed,
        plural(skipped, "object", "objects"),
    );
    if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// An input's text: a regular file no larger than --max-size, as UTF-8.
fn read_import(path: &Path, options: &LoadOptions) -> Result<String, String> {
    let bytes = crate::files::read_regular(path).map_err(|e| e.to_string())?;
    if bytes.len() as u64 > options.max_size {
        return Err(format!(
            "{} bytes is more than --max-size {}",
            bytes.len(),
            options.max_size
        ));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = crate::load::diagnostic::line_col(
            &String::from_utf8_lossy(e.as_bytes()),
            e.utf8_error().valid_up_to(),
        );
        format!("{at}: not UTF-8 text (STIX is JSON, which is UTF-8)")
    })?;
    // Diagnostics count from after a byte-order mark, as the loader's do.
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

/// Whether an error only says that the reader went away (`| head`): that
/// ends the output, as ripgrep and fd end, quietly and successfully.
fn closed_pipe(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::BrokenPipe
}

/// Writes `bytes` to standard output; a closed pipe ends it quietly.
pub(crate) fn write_stdout(bytes: &[u8]) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if closed_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => fail_with(format!("cannot write to standard output: {e}")),
    }
}

/// Says `message` (made safe for a terminal) and fails.
fn fail_with(message: String) -> ExitCode {
    let _ = writeln!(
        std::io::stderr(),
        "hotwash: {}",
        text_safety::one_line(&message)
    );
    ExitCode::from(1)
}

/// The manual pages: hotwash.1, then one per command, named as the
/// SUBCOMMANDS section of hotwash.1 refers to them.
fn man_pages() -> std::io::Result<Vec<(String, Vec<u8>)>> {
    use clap::CommandFactory as _;
    let mut command = Cli::command();
    command.build();
    let render = |command: clap::Command| -> std::io::Result<(String, Vec<u8>)> {
        let man = clap_mangen::Man::new(command);
        let mut page = Vec::new();
        man.render(&mut page)?;
        Ok((man.get_filename(), page))
    };
    let mut pages = vec![render(command.clone())?];
    for sub in command.get_subcommands() {
        let name = format!("hotwash-{}", sub.get_name());
        pages.push(render(sub.clone().name(name))?);
    }
    Ok(pages)
}

fn man(dir: Option<&Path>) -> ExitCode {
    let pages = match man_pages() {
        Ok(pages) => pages,
        Err(e) => return fail_with(format!("cannot render the manual page: {e}")),
    };
    let Some(dir) = dir else {
        return write_stdout(&pages[0].1);
    };
    if let Err(e) = std::fs::create_dir_all(dir) {
        return fail_with(format!("cannot create {}: {e}", dir.display()));
    }
    for (name, page) in &pages {
        let path = dir.join(name);
        if let Err(e) = crate::files::write_atomic(&path, page, crate::files::Replace::Allowed) {
            return fail_with(e.to_string());
        }
    }
    let _ = writeln!(
        std::io::stderr(),
        "wrote {} manual pages into {}; `man hotwash` shows the first if that folder is on \
         the manual path",
        pages.len(),
        text_safety::one_line(&dir.display().to_string())
    );
    ExitCode::SUCCESS
}

/// Reads the configuration; a file with problems is reported on standard
/// error (the workbench says it again on screen) and the defaults are used.
fn load_config(
    flag: Option<&Path>,
    options: &LoadOptions,
    color: ColorChoice,
) -> crate::config::Loaded {
    let location = crate::config::locate(flag);
    let loaded = crate::config::load(&location, options.max_size);
    if let Some(report) = &loaded.report {
        let stderr = std::io::stderr();
        let rendered = report.render(color.on(&stderr), 100);
        let _ = write!(stderr.lock(), "{rendered}");
        let _ = writeln!(
            stderr.lock(),
            "hotwash: the configuration has errors; starting with the built-in defaults"
        );
    }
    loaded
}

/// `hotwash config`: checks the file, says where it is, or prints the defaults.
fn config(
    flag: Option<&Path>,
    print_default: bool,
    path_only: bool,
    options: &LoadOptions,
    color: ColorChoice,
) -> ExitCode {
    if print_default {
        return write_stdout(crate::config::default_text().as_bytes());
    }
    let location = crate::config::locate(flag);
    if path_only {
        return match &location.path {
            Some(path) => write_stdout(format!("{}\n", path.display()).as_bytes()),
            None => {
                fail_with("no configuration folder: set $HOTWASH_CONFIG or pass --config".into())
            }
        };
    }
    let loaded = crate::config::load(&location, options.max_size);
    let place = text_safety::one_line(&location.describe()).into_owned();
    if let Some(report) = &loaded.report {
        let stderr = std::io::stderr();
        let rendered = report.render(color.on(&stderr), 100);
        let _ = write!(stderr.lock(), "{rendered}");
        let _ = writeln!(
            stderr.lock(),
            "hotwash: {place}: the configuration has errors; hotwash uses the built-in defaults \
             until they are fixed"
        );
        return ExitCode::from(1);
    }
    let said = if loaded.read {
        format!("{place}: valid")
    } else {
        format!("{place}: no configuration file; the built-in defaults are used")
    };
    write_stdout(format!("{said}\n").as_bytes())
}

fn import(format: ImportFormat, options: &LoadOptions, color: ColorChoice) -> ExitCode {
    match format {
        ImportFormat::Veris(args) => {
            let settings = crate::import::veris::Settings {
                marking: args.marking(),
                max_field: options.max_field,
            };
            run_import(&args, "json", options, color, &|name, id, text| {
                crate::import::veris::convert(name, id, text, &settings)
            })
        }
        ImportFormat::Stix { bundles, out } => import_stix(&bundles, &out, options, color),
    }
}

/// Runs an importer over its inputs and says what became of them: every
/// failure with its place, then one line of counts.
fn run_import(
    args: &crate::import::ImportArgs,
    extension: &str,
    options: &LoadOptions,
    color: ColorChoice,
    convert: &crate::import::Convert<'_>,
) -> ExitCode {
    use crate::import::Outcome;
    if let Err(e) = std::fs::create_dir_all(&args.out) {
        return fail_with(format!("cannot create {}: {e}", args.out.display()));
    }
    let inputs = crate::import::inputs(&args.paths, extension);
    let results = crate::import::import_all(inputs, &args.out, args.force, options, convert);
    let stderr = std::io::stderr();
    let colour = color.on(&stderr);
    let mut err = stderr.lock();
    let (mut written, mut unchanged, mut replaced, mut failed) = (0, 0, 0, 0);
    for r in &results {
        match &r.outcome {
            Outcome::Written(_) => written += 1,
            Outcome::Unchanged(_) => unchanged += 1,
            Outcome::Replaced(_) => replaced += 1,
            Outcome::Failed(report) => {
                failed += 1;
                let _ = write!(err, "{}", report.render(colour, 100));
            }
        }
    }
    let files = results.len();
    let _ = writeln!(
        err,
        "imported {files} file{} into {}: {written} written, {unchanged} unchanged, \
         {replaced} replaced, {failed} failed",
        plural(files),
        text_safety::one_line(&args.out.display().to_string()),
    );
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn init(folder: &Path) -> ExitCode {
    match crate::bundled::init(folder) {
        Ok(written) => {
            let mut err = std::io::stderr().lock();
            for path in &written {
                let _ = writeln!(
                    err,
                    "wrote {}",
                    text_safety::one_line(&path.display().to_string())
                );
            }
            let open = if folder == Path::new("incidents") {
                "hotwash".to_string()
            } else {
                format!("hotwash {}", folder.display())
            };
            let _ = writeln!(
                err,
                "{} file{} written; `{}` opens them for review",
                written.len(),
                plural(written.len()),
                text_safety::one_line(&open)
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail_with(e.to_string()),
    }
}

fn validate(
    paths: &[PathBuf],
    format: Format,
    options: &LoadOptions,
    color: ColorChoice,
) -> ExitCode {
    let reports = load::validate_paths(paths, options);
    let invalid = reports.iter().filter(|r| !r.is_valid()).count();
    let written = match format {
        Format::Human => print_human(&reports, color),
        Format::Json => print_json(&reports),
    };
    if let Err(e) = written {
        if closed_pipe(&e) {
            return ExitCode::SUCCESS;
        }
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

fn print_human(reports: &[FileReport], color: ColorChoice) -> std::io::Result<()> {
    let stderr = std::io::stderr();
    let color = color.on(&stderr);
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

/// What hotwash opens when no path is given: `./incidents` if it exists,
/// else the incidents bundled inside the program.
pub fn default_library() -> crate::tui::Source {
    let local = PathBuf::from("incidents");
    if local.is_dir() {
        crate::tui::Source::Path(local)
    } else {
        crate::tui::Source::Bundled
    }
}

/// Opens the workbench on a terminal; prints a summary when output is not
/// a terminal (a pipe, a script).
fn open(
    path: Option<PathBuf>,
    options: &LoadOptions,
    reviewer: Option<&str>,
    config: crate::config::Loaded,
    color: ColorChoice,
) -> ExitCode {
    let source = match path {
        Some(path) if !path.exists() => {
            let d = Diagnostic::error("io.missing", "no such file or folder").with_help(
                "hotwash opens a folder of records or a record file; its commands are \
                 validate, export, stats, import, init, config, diff, merge-review, git-setup, \
                 cache, completions and man (hotwash --help)",
            );
            return fail_on(&path, d, color);
        }
        Some(path) => crate::tui::Source::Path(path),
        None => default_library(),
    };
    if std::io::stdout().is_terminal() && std::io::stdin().is_terminal() {
        // crossterm reads NO_COLOR itself; an explicit choice overrides it.
        match color {
            ColorChoice::Always => ratatui::crossterm::style::force_color_output(true),
            ColorChoice::Never => ratatui::crossterm::style::force_color_output(false),
            ColorChoice::Auto => {}
        }
        let start = crate::tui::Start {
            reviewer: crate::tui::runtime::reviewer_name(
                reviewer,
                config.config.reviewer.as_deref(),
            ),
            no_color: !color.on(&std::io::stdout()),
            config: config.config,
            config_report: config.report,
        };
        return match crate::tui::run(source, options.clone(), start) {
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
    summary(source, options, color)
}

/// A plain summary of the library, one line per record. Each line is made
/// safe for a terminal: output that is not a terminal often ends up on one.
fn summary(source: crate::tui::Source, options: &LoadOptions, color: ColorChoice) -> ExitCode {
    // Each record with the review beside it: the banner is the highest
    // portion of both, as the workbench shows it.
    type Loaded = (
        PathBuf,
        load::Loaded<crate::model::Record>,
        Option<crate::model::Review>,
    );
    let loaded: Vec<Loaded> = match source {
        crate::tui::Source::Bundled => crate::bundled::records()
            .map(|f| {
                let path = crate::bundled::path_of(f.name);
                let record = load::record_from_text_with(&path, f.text.into(), options);
                let review = record.value.as_ref().and_then(|r| {
                    let file = crate::bundled::review_of(&path)?;
                    let review_path = crate::bundled::path_of(file.name);
                    load::review_from_text_with(&review_path, file.text.into(), r, None, options)
                        .value
                });
                (path, record, review)
            })
            .collect(),
        crate::tui::Source::Path(path) => {
            let records = if path.is_dir() {
                match load::records_in(&path) {
                    Ok(r) => r,
                    Err(d) => return fail_on(&path, d, color),
                }
            } else {
                vec![path.clone()]
            };
            records
                .into_iter()
                .map(|p| {
                    let checked = load::check_record_file(&p, options);
                    let review = checked.review.and_then(|r| r.value);
                    (p, checked.record, review)
                })
                .collect()
        }
    };
    let mut out = std::io::stdout().lock();
    let mut ok = true;
    for (record_path, record, review) in loaded {
        let line = match &record.value {
            Some(r) => {
                let banner = match &review {
                    Some(review) => crate::report::shown_classification(r, review),
                    None => crate::report::shown_classification(
                        r,
                        &crate::model::Review::new(r.id.clone()),
                    ),
                };
                // Worded as the library says it: controls, not events.
                let failed = crate::timeline::Timeline::new(r).failed_controls();
                let events = crate::wording::count(r.events.len(), "event", "events");
                format!(
                    "{}  {}  [{} · {}]  {events}, {}",
                    record_path.display(),
                    r.title,
                    banner.banner(),
                    r.tlp,
                    crate::timeline::failed_controls_phrase(failed, r.controls.len())
                )
            }
            None => {
                ok = false;
                let first = record.report.first_error();
                first.map_or_else(String::new, |d| record.report.one_line(d))
            }
        };
        match writeln!(out, "{}", text_safety::one_line(&line)) {
            Ok(()) => {}
            Err(e) if closed_pipe(&e) => return ExitCode::SUCCESS,
            Err(_) => return ExitCode::FAILURE,
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn fail_on(path: &Path, d: Diagnostic, color: ColorChoice) -> ExitCode {
    let report = FileReport {
        path: path.to_path_buf(),
        text: None,
        diagnostics: vec![d],
    };
    let _ = write!(
        std::io::stderr(),
        "{}",
        report.render(color.on(&std::io::stderr()), 100)
    );
    ExitCode::from(1)
}

/// Loads a record and its review for a report, or explains why not. The
/// third is the record's sign-off hasher, made if the review's sign-off
/// was checked, for the report to check it with again.
pub fn load_for_report(
    path: &Path,
    options: &LoadOptions,
) -> Result<
    (
        crate::model::Record,
        crate::model::Review,
        crate::review::LazyHasher,
    ),
    Vec<FileReport>,
> {
    let checked = if load::is_stdin(path) {
        load::Checked {
            record: load::load_record_stdin(options),
            review: None,
            hasher: crate::review::LazyHasher::default(),
        }
    } else {
        load::check_record_file(path, options)
    };
    let mut problems = Vec::new();
    if !checked.record.report.is_valid() {
        problems.push(checked.record.report.clone());
    }
    let review = match checked.review {
        // Loaded is not enough: a review with unresolved merge conflicts
        // opens in the workbench but is not fit to share.
        Some(r) if r.report.is_valid() => r.value,
        Some(r) => {
            problems.push(r.report);
            None
        }
        None => None,
    };
    match checked.record.value {
        Some(record) if problems.is_empty() => {
            let review = review.unwrap_or_else(|| crate::model::Review::new(record.id.clone()));
            Ok((record, review, checked.hasher))
        }
        _ => Err(problems),
    }
}

/// What `hotwash export` is asked to write.
struct ExportChoice {
    format: crate::export::Format,
    variant: crate::export::Variant,
    max_classification: Option<crate::model::Level>,
    /// `--paper`; else the configuration's, for a printable format.
    paper: Option<crate::export::Paper>,
    /// `--config`.
    config: Option<PathBuf>,
}

/// The paper of a printable export: `--paper`, else the configuration's.
/// A configuration with errors is reported and the default paper used, as
/// the workbench does.
fn export_paper(
    choice: &ExportChoice,
    options: &LoadOptions,
    color: ColorChoice,
) -> crate::export::Paper {
    if let Some(paper) = choice.paper {
        return paper;
    }
    if !choice.format.is_printable() {
        return crate::export::Paper::default();
    }
    let location = crate::config::locate(choice.config.as_deref());
    let loaded = crate::config::load(&location, options.max_size);
    if let Some(report) = &loaded.report {
        let stderr = std::io::stderr();
        let rendered = report.render(color.on(&stderr), 100);
        let _ = write!(stderr.lock(), "{rendered}");
        let _ = writeln!(
            stderr.lock(),
            "hotwash: the configuration has errors; the export is laid out for {} paper",
            loaded.config.paper.name()
        );
    }
    loaded.config.paper(None)
}

fn export(
    path: &Path,
    choice: ExportChoice,
    out: Option<&Path>,
    force: bool,
    options: &LoadOptions,
    color: ColorChoice,
) -> ExitCode {
    let ExportChoice {
        format,
        variant,
        max_classification,
        ..
    } = choice;
    // Usage errors, said before any file is read.
    if variant == crate::export::Variant::Brief && !format.has_brief() {
        let _ = writeln!(
            std::io::stderr(),
            "hotwash: --brief is for --format markdown or html: the {} export always holds \
             the whole report",
            format.name()
        );
        return ExitCode::from(2);
    }
    // A PDF is bytes that a terminal would take as control sequences.
    if format == crate::export::Format::Pdf && out.is_none() && std::io::stdout().is_terminal() {
        let _ = writeln!(
            std::io::stderr(),
            "hotwash: the PDF is a binary file: write it with --out FILE, or redirect standard \
             output to a file"
        );
        return ExitCode::from(2);
    }
    if choice.paper.is_some() && !format.is_printable() {
        let _ = writeln!(
            std::io::stderr(),
            "hotwash: --paper is for --format html or pdf: the {} export has no pages",
            format.name()
        );
        return ExitCode::from(2);
    }
    // The record's text is freed once parsed: given back at once, the
    // report is not built on top of it (the export's peak is the load's).
    crate::alloc::give_back_freed_memory_at_once();
    let paper = export_paper(&choice, options, color);
    let stderr = std::io::stderr();
    let color = color.on(&stderr);
    // Messages name files and quote errors that may hold record text.
    let fail = |message: String| {
        let _ = writeln!(
            std::io::stderr(),
            "hotwash: {}",
            text_safety::one_line(&message)
        );
        ExitCode::from(1)
    };
    let (record, review, hasher) = match load_for_report(path, options) {
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
    let out = out.map(|out| crate::export::out_path(out, &record.id, format, variant));
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
    // Shown with the analyst's decisions on candidate controls applied;
    // the sign-off is checked against the record as written.
    let shown = crate::review::decide::effective(&record, &review);
    let report = crate::report::build_decided(
        &record,
        &shown,
        &review,
        &hasher,
        &crate::report::ReportOptions {
            max_classification,
            generated: Some(generated),
        },
    );
    let layout = crate::export::Layout { variant, paper };
    {
        // Said, not refused: the report is still worth having.
        if format == crate::export::Format::Pdf
            && let Some(warning) = crate::export::pdf::missing_glyphs_warning(&report)
        {
            let _ = writeln!(std::io::stderr(), "hotwash: warning: {warning}");
        }
        // Said, not refused: the analyst may mean it, and the file is theirs.
        if let Some(warning) = report.sharing_warning() {
            let _ = writeln!(
                std::io::stderr(),
                "hotwash: warning: {}",
                text_safety::one_line(&warning)
            );
        }
    }
    // The export is written as it renders, into the file (whole or not at
    // all) or onto standard output.
    let code = match out {
        Some(out) => match crate::export::export_file(&report, format, layout, &out, force) {
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
            let mut stdout =
                std::io::BufWriter::with_capacity(256 * 1024, std::io::stdout().lock());
            let written = crate::export::write_to(&report, format, layout, &mut stdout)
                .and_then(|()| stdout.flush().map_err(crate::export::ExportError::Output));
            match written {
                Ok(()) => ExitCode::SUCCESS,
                Err(crate::export::ExportError::Output(e)) if closed_pipe(&e) => ExitCode::SUCCESS,
                Err(e) => fail(e.to_string()),
            }
        }
    };
    // The process ends here: freeing a large record and its report piece
    // by piece (a million strings at 100,000 events) would only delay the
    // exit, and the system takes the memory back whole.
    std::mem::forget(report);
    std::mem::forget(shown);
    std::mem::forget(review);
    std::mem::forget(record);
    code
}

struct StatsRequest<'a> {
    format: StatsFormat,
    family: Option<&'a str>,
    filter: crate::stats::EffectFilter,
    table: crate::stats::render::CsvTable,
    out: Option<&'a Path>,
    force: bool,
}

/// `hotwash stats`: summarise each record (on every core, through the
/// cache when there is one), then tally. A record is counted with the
/// analyst's decisions on candidate controls in the review beside it; a
/// review that does not load is said on stderr, and the record is counted
/// as written.
fn stats(paths: &[PathBuf], req: &StatsRequest, options: &LoadOptions) -> ExitCode {
    use crate::stats::render::{self, Shown, Unreadable};
    let fail = |message: String| {
        let _ = writeln!(
            std::io::stderr(),
            "hotwash: {}",
            text_safety::one_line(&message)
        );
        ExitCode::from(1)
    };
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            match load::records_in(path) {
                Ok(found) => files.extend(found),
                Err(d) => return fail(format!("{}: {}", path.display(), d.message)),
            }
        } else {
            files.push(path.clone());
        }
    }
    // Only what the tally needs crosses back: a record that does not load
    // gives its first error, not its report (which holds its text).
    let results =
        crate::library::map_in_order(&files, crate::library::parallel::jobs(), |_, file| {
            crate::library::summarise(file, options)
                .map_err(|report| report.first_error_line("not a record"))
        });
    let mut unreadable = Vec::new();
    let mut summaries = Vec::with_capacity(files.len());
    for (file, result) in files.iter().zip(results) {
        match result {
            Ok(summary) => {
                if let Some(error) = &summary.review.unusable {
                    let review_file = load::review_path(file);
                    let _ = writeln!(
                        std::io::stderr(),
                        "hotwash: review not used (its decisions on candidate controls are not counted): {}: {error}",
                        text_safety::one_line(&review_file.display().to_string())
                    );
                }
                summaries.push(summary.stats);
            }
            Err(error) => {
                // `line:col: message`: the file is named beside it.
                let _ = writeln!(
                    std::io::stderr(),
                    "hotwash: not counted: {}: {error}",
                    text_safety::one_line(&file.display().to_string())
                );
                unreadable.push(Unreadable {
                    file: file.display().to_string(),
                    error,
                });
            }
        }
    }
    let table = crate::stats::Table::new(summaries);
    if let Some(family) = req.family
        && !table.families().iter().any(|f| f == family)
    {
        return fail(format!(
            "no control of family {family:?} in these records; families: {}",
            table.families().join(", ")
        ));
    }
    let shown = Shown::new(&table, req.family, req.filter, &unreadable);
    let text = match req.format {
        StatsFormat::Markdown => render::markdown(&shown),
        StatsFormat::Json => render::json(&shown),
        StatsFormat::Csv => match render::csv(&shown, req.table) {
            Ok(t) => t,
            Err(e) => return fail(format!("cannot write the CSV: {e}")),
        },
    };
    let code = if unreadable.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    };
    match req.out {
        Some(out) => match crate::export::write_file(out, text.as_bytes(), req.force) {
            Ok(()) => {
                let wrote = format!(
                    "wrote {} ({} incidents, {} controls)",
                    out.display(),
                    table.incidents.len(),
                    shown.rows.len()
                );
                let _ = writeln!(std::io::stderr(), "{}", text_safety::one_line(&wrote));
                code
            }
            Err(e) => fail(e.to_string()),
        },
        None => match write_stdout(text.as_bytes()) {
            c if c == ExitCode::SUCCESS => code,
            c => c,
        },
    }
}
