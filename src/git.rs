//! hotwash in a git repository: the merge driver git runs for review files
//! (`hotwash merge-review`), the semantic diff (`hotwash diff`, also git's
//! textconv and a difftool), and `hotwash git-setup`, which tells git to
//! use them. The merging and comparing themselves are pure
//! ([`crate::review::merge`], [`crate::diff`]); this is their I/O.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use crate::cli::ColorChoice;
use crate::diff::{self, Document, How};
use crate::files::{self, Replace};
use crate::load::{self, Diagnostic, FileReport, LoadOptions};
use crate::model::{Record, Review};
use crate::review::{self, RecordHasher, merge::Merged};
use crate::text_safety;

/// Exit status when a merge left conflicts for the analyst (git then
/// reports the file as conflicted) or its result does not validate.
const CONFLICTED: u8 = 1;
/// Exit status when a version cannot be read, or the versions cannot be
/// merged at all: nothing is written, git keeps our version.
const CANNOT: u8 = 2;

fn say(line: &str) {
    let _ = writeln!(std::io::stderr(), "{}", text_safety::one_line(line));
}

fn shown(path: &Path) -> String {
    path.display().to_string()
}

/// Prints a file's diagnostics as `hotwash validate` does.
fn print_report(report: &FileReport, color: ColorChoice) {
    let stderr = std::io::stderr();
    let color = color.on(&stderr);
    let _ = write!(stderr.lock(), "{}", report.render(color, 100));
}

/// The text of one version, or its diagnostics printed and `None`.
fn read(path: &Path, options: &LoadOptions, color: ColorChoice) -> Option<String> {
    match load::text::read_text(path, options.max_size) {
        Ok(text) => Some(text),
        Err(d) => {
            print_report(&report_of(path, None, d), color);
            None
        }
    }
}

fn report_of(path: &Path, text: Option<String>, d: Diagnostic) -> FileReport {
    FileReport {
        path: path.to_path_buf(),
        text: text.map(std::sync::Arc::from),
        diagnostics: vec![d],
    }
}

/// One version as a review, or its diagnostic printed and `None`.
fn parse_review(path: &Path, text: String, color: ColorChoice) -> Option<Review> {
    match load::parse::<Review>(&text) {
        Ok(review) => Some(review),
        Err(d) => {
            print_report(&report_of(path, Some(text), d), color);
            None
        }
    }
}

/// The record beside the review named `name`, as the loader finds it:
/// `x.ron` beside `x.review.ron`. `Err` says why validation is skipped.
fn record_beside(name: &Path, options: &LoadOptions) -> Result<(PathBuf, Record), String> {
    let Some(path) = load::record_path_of_review(name) else {
        return Err(format!(
            "{} is not named NAME.review.ron, so there is no record to look for beside it",
            shown(name)
        ));
    };
    if std::fs::symlink_metadata(&path).is_err() {
        return Err(format!("there is no record {} beside it", shown(&path)));
    }
    let loaded = load::load_record(&path, options);
    match loaded.value {
        Some(record) => Ok((path, record)),
        None => Err(format!(
            "the record {} has errors (`hotwash validate {}` lists them)",
            shown(&path),
            shown(&path)
        )),
    }
}

/// `hotwash merge-review BASE OURS THEIRS [--path NAME]`: git's merge
/// driver for review files. Writes the merged review over OURS.
pub fn merge_review(
    base: &Path,
    ours: &Path,
    theirs: &Path,
    name: Option<&Path>,
    options: &LoadOptions,
    color: ColorChoice,
) -> ExitCode {
    let name = name.unwrap_or(ours);
    let cannot = |why: &str| {
        say(&format!(
            "hotwash merge-review: cannot merge {}: {why}; nothing was written (git keeps our \
             version: merge it in hotwash by hand, then run `hotwash validate`)",
            shown(name)
        ));
        ExitCode::from(CANNOT)
    };
    // Added on both branches: git gives an empty common version, which
    // is an empty review (the reader refuses an empty file as a record).
    let base_empty = load::text::read_bytes(base, options.max_size)
        .is_ok_and(|b| b.iter().all(u8::is_ascii_whitespace));
    let texts: Vec<Option<String>> = [ours, theirs]
        .iter()
        .chain((!base_empty).then_some(&base))
        .map(|p| read(p, options, color))
        .collect();
    if texts.iter().any(Option::is_none) {
        return cannot("a version could not be read (above)");
    }
    let mut texts = texts.into_iter().flatten();
    let (Some(ours_text), Some(theirs_text)) = (texts.next(), texts.next()) else {
        return cannot("a version could not be read (above)");
    };
    let (Some(ours_review), Some(theirs_review)) = (
        parse_review(ours, ours_text, color),
        parse_review(theirs, theirs_text, color),
    ) else {
        return cannot("a version is not a review hotwash can read (above)");
    };
    let base_review = match texts.next() {
        None => Review::new(ours_review.record.clone()),
        Some(text) => match parse_review(base, text, color) {
            Some(r) => r,
            None => return cannot("the common version is not a review hotwash can read (above)"),
        },
    };
    let merged = match review::merge(&base_review, &ours_review, &theirs_review) {
        Ok(m) => m,
        Err(e) => return cannot(&e.to_string()),
    };
    let text = match review::store::serialise(&merged.review) {
        Ok(t) => t,
        Err(e) => return cannot(&e.to_string()),
    };
    if let Err(e) = files::write_atomic(ours, text.as_bytes(), Replace::Allowed) {
        return cannot(&e.to_string());
    }

    let mut lines = vec![format!("hotwash merge-review: merged {}", shown(name))];
    lines.extend(what_came(&ours_review, &merged));
    let validation = match record_beside(name, options) {
        Ok((record_path, record)) => {
            let hasher = crate::review::LazyHasher::default();
            let loaded = load::review_from_text_with(name, text, &record, Some(&hasher), options);
            let mut report = loaded.report;
            report
                .diagnostics
                .retain(|d| d.code != load::check::UNRESOLVED);
            let errors = report.errors();
            if !report.diagnostics.is_empty() {
                print_report(&report, color);
            }
            lines.push(match errors {
                0 => format!(
                    "  validated against {}: valid{}",
                    shown(&record_path),
                    if merged.review.conflicts.is_empty() {
                        ""
                    } else {
                        " but for the conflicts"
                    }
                ),
                n => format!(
                    "  validated against {}: {n} error{} (above)",
                    shown(&record_path),
                    if n == 1 { "" } else { "s" }
                ),
            });
            errors == 0
        }
        Err(why) => {
            lines.push(format!("  validation skipped: {why}"));
            true
        }
    };
    for line in &lines {
        say(line);
    }
    if merged.review.conflicts.is_empty() && validation {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(CONFLICTED)
    }
}

/// What the merge did to our version, for the analyst who ran `git merge`.
fn what_came(ours: &Review, merged: &Merged) -> Vec<String> {
    let mut lines = Vec::new();
    let d = diff::diff(
        &Document::Review(Box::new(ours.clone())),
        &Document::Review(Box::new(merged.review.clone())),
        (None, None),
    );
    let mut counts: Vec<(String, usize, usize, usize)> = Vec::new();
    let mut seen_changed = std::collections::HashSet::new();
    for c in &d.changes {
        let list = c.list.clone().unwrap_or_else(|| "fields".into());
        if list == "conflicts" || list == "dropped_signoffs" || list == "fields" {
            continue;
        }
        let i = match counts.iter().position(|(l, ..)| *l == list) {
            Some(i) => i,
            None => {
                counts.push((list.clone(), 0, 0, 0));
                counts.len() - 1
            }
        };
        match c.change {
            How::Added => counts[i].1 += 1,
            How::Removed => counts[i].2 += 1,
            How::Changed => {
                if seen_changed.insert((list, c.id.clone())) {
                    counts[i].3 += 1
                }
            }
        }
    }
    let parts: Vec<String> = counts
        .iter()
        .flat_map(|(list, added, removed, changed)| {
            let one = list.strip_suffix('s').unwrap_or(list).replace('_', " ");
            let many = list.replace('_', " ");
            [(added, "added"), (removed, "removed"), (changed, "changed")]
                .into_iter()
                .filter(|(n, _)| **n > 0)
                .map(move |(n, how)| {
                    let noun = if *n == 1 { one.as_str() } else { many.as_str() };
                    format!("{n} {noun} {how}")
                })
                .collect::<Vec<_>>()
        })
        .collect();
    lines.push(match parts.is_empty() {
        true => "  our version already had every change".to_string(),
        false => format!("  into our version: {}", parts.join(", ")),
    });
    for r in &merged.renumbered {
        lines.push(format!(
            "  renumbered: their {} {} is now {} (ours added a {} {} too); every reference follows",
            r.what, r.from, r.to, r.what, r.from
        ));
    }
    match merged.conflicts.len() {
        0 => {}
        n => {
            lines.push(format!(
                "  {n} conflict{} (both sides changed it differently; the review keeps ours until \
                 you choose in hotwash, C lists them):",
                if n == 1 { "" } else { "s" }
            ));
            for c in &merged.conflicts {
                lines.push(format!("    {}", c.describe()));
            }
        }
    }
    for s in &merged.dropped {
        let version = match s.side {
            crate::model::MergeSide::Ours => "our",
            crate::model::MergeSide::Theirs => "their",
        };
        lines.push(format!(
            "  sign-off dropped: {} had signed {version} version at {} ({}); the merge changed \
             it, so the review is not signed off (its dropped_signoffs say who had signed what)",
            s.reviewer,
            s.at.format("%Y-%m-%d %H:%M UTC"),
            s.hash
        ));
    }
    lines
}

/// How `hotwash diff` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// One change a line, for people.
    Text,
    /// One JSON document (`"format": "hotwash-diff/1"`).
    Json,
}

/// A record or review file, read and parsed; `Err` holds its report.
/// `/dev/null` is no file at all: git's side of an added or deleted one.
fn document(path: &Path, options: &LoadOptions) -> Result<Document, FileReport> {
    if path == Path::new("/dev/null") {
        return Ok(Document::Absent);
    }
    let text =
        load::text::read_text(path, options.max_size).map_err(|d| report_of(path, None, d))?;
    let as_review = || {
        load::parse::<Review>(&text)
            .map(Box::new)
            .map(Document::Review)
    };
    let as_record = || {
        load::parse::<Record>(&text)
            .map(Box::new)
            .map(Document::Record)
    };
    // By name first; git's temporary copies keep the name's ending.
    let parsed = if load::is_review_file(path) {
        as_review()
    } else {
        as_record().or_else(|e| as_review().map_err(|_| e))
    };
    parsed.map_err(|d| report_of(path, Some(text.clone()), d))
}

/// The hasher of the record beside a review file, to tell a current
/// sign-off from a stale one, if the record is there and loads.
fn hasher_for(path: &Path, doc: &Document, options: &LoadOptions) -> Option<RecordHasher> {
    match doc {
        Document::Review(_) => record_beside(path, options)
            .ok()
            .map(|(_, r)| RecordHasher::new(&r)),
        Document::Record(_) | Document::Absent => None,
    }
}

/// `hotwash diff OLD [NEW]`.
pub fn diff(
    old: &Path,
    new: Option<&Path>,
    format: DiffFormat,
    options: &LoadOptions,
    color: ColorChoice,
) -> ExitCode {
    let Some(new) = new else {
        return textconv(old, format, options);
    };
    let (a, b) = match (document(old, options), document(new, options)) {
        (Ok(a), Ok(b)) => (a, b),
        (a, b) => {
            for report in [a.err(), b.err()].into_iter().flatten() {
                print_report(&report, color);
            }
            say(
                "hotwash diff: compares two records or two reviews; fix the problems above (as a \
                 difftool, name the files: git difftool --tool=hotwash -- '*.ron')",
            );
            return ExitCode::from(1);
        }
    };
    if let (Some(x), Some(y)) = (a.kind(), b.kind())
        && x != y
    {
        say(&format!(
            "hotwash diff: {} is a {x} but {} is a {y}: compare two reviews or two records",
            shown(old),
            shown(new),
        ));
        return ExitCode::from(1);
    }
    let (ha, hb) = (hasher_for(old, &a, options), hasher_for(new, &b, options));
    let d = diff::diff(&a, &b, (ha.as_ref(), hb.as_ref()));
    let mut text = String::new();
    match format {
        DiffFormat::Json => text.push_str(&d.to_json()),
        DiffFormat::Text => {
            let _ = writeln!(
                text,
                "{} {} → {}",
                d.kind,
                text_safety::one_line(&shown(old)),
                text_safety::one_line(&shown(new))
            );
            text.push_str(&d.to_text());
        }
    }
    crate::cli::write_stdout(text.as_bytes())
}

/// `hotwash diff FILE`: git's textconv. The file as named lines; a file
/// that is neither a record nor a review hotwash reads (another `.ron`, a
/// broken one) is printed as it is, so that `git diff` still shows it.
fn textconv(path: &Path, format: DiffFormat, options: &LoadOptions) -> ExitCode {
    if format == DiffFormat::Json {
        say("hotwash diff: --format json compares two files; give OLD and NEW");
        return ExitCode::from(2);
    }
    match document(path, options) {
        Ok(doc) => crate::cli::write_stdout(diff::to_lines(&doc).as_bytes()),
        Err(report) => match report.text {
            Some(text) => crate::cli::write_stdout(text.as_bytes()),
            None => {
                print_report(&report, ColorChoice::Never);
                ExitCode::from(1)
            }
        },
    }
}

/// The `.gitattributes` lines `hotwash git-setup` makes sure of.
pub const ATTRIBUTES: [&str; 2] = ["*.ron diff=hotwash", "*.review.ron merge=hotwash"];

/// The `.gitignore` line `hotwash git-setup` makes sure of: the lock
/// files hotwash keeps beside reviews.
pub const IGNORED: [&str; 1] = [".*.review.ron.lock"];

/// A word for the shell that runs git's drivers: single-quoted.
fn shell_word(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// The git settings that make git use hotwash, for `program`.
pub fn git_settings(program: &str) -> Vec<(&'static str, String)> {
    let exe = shell_word(program);
    vec![
        (
            "merge.hotwash.name",
            "hotwash: reviews merged by identity".to_string(),
        ),
        (
            "merge.hotwash.driver",
            format!("{exe} merge-review %O %A %B --path %P"),
        ),
        ("diff.hotwash.textconv", format!("{exe} diff")),
        (
            "difftool.hotwash.cmd",
            format!("{exe} diff \"$LOCAL\" \"$REMOTE\""),
        ),
    ]
}

fn git(args: &[&str]) -> std::io::Result<std::process::Output> {
    Command::new("git").args(args).output()
}

/// `hotwash git-setup`: sets the merge driver, the textconv and the
/// difftool in the repository's git config and adds the attributes lines
/// that are missing, saying what it did. Run again, it changes nothing.
pub fn git_setup(program: Option<&Path>) -> ExitCode {
    let fail = |why: String| {
        say(&format!("hotwash git-setup: {why}"));
        ExitCode::from(1)
    };
    let top = match git(&["rev-parse", "--show-toplevel"]) {
        Ok(out) if out.status.success() => {
            PathBuf::from(String::from_utf8_lossy(&out.stdout).trim_end_matches(['\n', '\r']))
        }
        Ok(out) => {
            return fail(format!(
                "not inside a git repository ({}); run it in the repository that holds the \
                 records",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        Err(e) => return fail(format!("cannot run git: {e}")),
    };
    let program = match program {
        Some(p) => p.to_path_buf(),
        None => match std::env::current_exe() {
            Ok(p) => p,
            Err(e) => {
                return fail(format!(
                    "cannot tell where this hotwash is ({e}); name it with --program"
                ));
            }
        },
    };
    let Some(program) = program.to_str() else {
        return fail(format!(
            "the path {} is not UTF-8; name hotwash with --program",
            program.display()
        ));
    };
    let mut said = Vec::new();
    for (key, value) in git_settings(program) {
        let now = git(&["config", "--local", "--get", key])
            .ok()
            .filter(|o| o.status.success())
            .map(|o| {
                String::from_utf8_lossy(&o.stdout)
                    .trim_end_matches(['\n', '\r'])
                    .to_string()
            });
        if now.as_deref() == Some(value.as_str()) {
            said.push(format!("git config {key}: already set"));
            continue;
        }
        match git(&["config", "--local", key, &value]) {
            Ok(out) if out.status.success() => said.push(match now {
                Some(old) => format!("git config {key} = {value} (was {old})"),
                None => format!("git config {key} = {value}"),
            }),
            Ok(out) => {
                return fail(format!(
                    "git config {key} failed: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                ));
            }
            Err(e) => return fail(format!("cannot run git: {e}")),
        }
    }
    // The lock files of saves (see `review::store::lock_path`) are no
    // one's work: kept out of commits, they never show in a merge.
    for (file, lines) in [
        (".gitattributes", &ATTRIBUTES[..]),
        (".gitignore", &IGNORED[..]),
    ] {
        let path = top.join(file);
        match add_lines(&path, lines) {
            Ok(added) if added.is_empty() => said.push(format!(
                "{}: already has {}",
                shown(&path),
                lines.join(" and ")
            )),
            Ok(added) => said.push(format!("{}: added {}", shown(&path), added.join(" and "))),
            Err(e) => return fail(e),
        }
    }
    for line in said {
        say(&line);
    }
    say(
        "git now merges review files with `hotwash merge-review` and shows their changes (and \
         records') with `hotwash diff`; `git difftool --tool=hotwash` compares two versions. \
         Commit .gitattributes and .gitignore; each analyst runs `hotwash git-setup` once in \
         their own clone (git does not share its config).",
    );
    ExitCode::SUCCESS
}

/// Appends to the file at `path` (created if missing) those of `lines`
/// it does not hold yet (compared without surrounding blanks); returns
/// them. Written atomically.
fn add_lines<'l>(path: &Path, lines: &[&'l str]) -> Result<Vec<&'l str>, String> {
    let text = match files::read_regular(path) {
        Ok(bytes) => String::from_utf8(bytes)
            .map_err(|_| format!("{} is not UTF-8 text; not changed", shown(path)))?,
        Err(files::OpenError::Missing(_)) => String::new(),
        Err(e) => return Err(format!("cannot read {}: {e}", shown(path))),
    };
    let normal = |l: &str| l.split_whitespace().collect::<Vec<_>>().join(" ");
    let have: std::collections::HashSet<String> = text.lines().map(normal).collect();
    let missing: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| !have.contains(&normal(l)))
        .collect();
    if missing.is_empty() {
        return Ok(missing);
    }
    let mut out = text;
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    for line in &missing {
        out.push_str(line);
        out.push('\n');
    }
    files::write_atomic(path, out.as_bytes(), Replace::Allowed).map_err(|e| e.to_string())?;
    Ok(missing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_driver_survives_any_path_in_the_shell() {
        assert_eq!(
            shell_word("/opt/it's here/hotwash"),
            r"'/opt/it'\''s here/hotwash'"
        );
        let settings = git_settings("/usr/bin/hotwash");
        assert!(settings.contains(&(
            "merge.hotwash.driver",
            "'/usr/bin/hotwash' merge-review %O %A %B --path %P".to_string()
        )));
    }

    #[test]
    fn attribute_lines_are_added_once() {
        let dir = crate::scratch::Dir::new("git", "attributes");
        let path = dir.0.join(".gitattributes");
        std::fs::write(&path, "*.png binary\n*.ron   diff=hotwash").expect("write");
        assert_eq!(
            add_lines(&path, &ATTRIBUTES).expect("adds"),
            ["*.review.ron merge=hotwash"]
        );
        assert!(add_lines(&path, &ATTRIBUTES).expect("adds").is_empty());
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            "*.png binary\n*.ron   diff=hotwash\n*.review.ron merge=hotwash\n"
        );
    }
}
