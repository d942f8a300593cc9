//! `hotwash validate` as a user and a CI pipeline see it: the real binary,
//! its exit status, its report on stderr and its JSON on stdout.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

/// Runs hotwash in the crate root, so that paths in its output are the
/// relative paths given here.
fn hotwash(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hotwash"))
        .env(
            "XDG_CACHE_HOME",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/xdg-cache"),
        )
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .output()
        .expect("run hotwash")
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).expect("stderr is UTF-8")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8")
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", stdout(out)))
}

/// The last line of stderr: the summary.
fn summary(out: &Output) -> String {
    stderr(out).lines().last().unwrap_or_default().to_string()
}

/// `(code, line, column)` of every diagnostic of one file in the JSON report.
fn diagnostics(file: &Value) -> Vec<(String, u64, u64)> {
    file["diagnostics"]
        .as_array()
        .expect("a diagnostics array")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().expect("a code").to_string(),
                d["start"]["line"].as_u64().unwrap_or(0),
                d["start"]["column"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

fn record_fixtures_in(folder: &str) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
    std::fs::read_dir(dir)
        .expect("read the folder")
        .filter(|e| {
            let name = e.as_ref().expect("entry").file_name();
            let name = name.to_string_lossy();
            name.ends_with(".ron") && !name.ends_with(".review.ron")
        })
        .count()
}

#[test]
fn a_valid_record_and_its_review_pass() {
    let out = hotwash(&["validate", "tests/fixtures/valid/minimal.ron"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        summary(&out),
        "checked 2 files: 2 valid, 0 invalid (0 errors, 0 warnings)"
    );
    assert_eq!(stderr(&out).lines().count(), 1, "nothing but the summary");
    assert!(out.stdout.is_empty(), "the human report goes to stderr");
}

#[test]
fn an_invalid_record_fails_with_its_position_message_help_and_a_caret() {
    let out = hotwash(&["validate", "tests/fixtures/invalid/unknown-actor.ron"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(
            "tests/fixtures/invalid/unknown-actor.ron:83:22: error[ref.actor]: unknown actor \"laed\""
        ),
        "{err}"
    );
    assert!(err.contains("help: did you mean \"lead\"?"), "{err}");
    assert_eq!(
        summary(&out),
        "checked 1 file: 0 valid, 1 invalid (1 error, 0 warnings)"
    );

    // The snippet shows the line, and the underline stands under the value.
    let lines: Vec<&str> = err.lines().collect();
    let source = lines
        .iter()
        .position(|l| l.contains("│             actors: [\"laed\"],"))
        .unwrap_or_else(|| panic!("no snippet of line 83:\n{err}"));
    let value_at = lines[source]
        .chars()
        .position(|c| c == '"')
        .expect("the value in the snippet");
    let underline: Vec<char> = lines[source + 1].chars().collect();
    assert!(
        underline[value_at..value_at + 6]
            .iter()
            .all(|c| matches!(c, '─' | '┬' | '^')),
        "the underline is not under \"laed\":\n{}\n{}",
        lines[source],
        lines[source + 1]
    );
    assert!(
        underline[..value_at]
            .iter()
            .all(|c| !matches!(c, '─' | '┬' | '^')),
        "the underline starts before the value:\n{}\n{}",
        lines[source],
        lines[source + 1]
    );
}

#[test]
fn json_reports_validity_codes_and_positions_on_stdout() {
    let out = hotwash(&[
        "validate",
        "--format",
        "json",
        "tests/fixtures/invalid/many-defects.ron",
        "tests/fixtures/valid/minimal.ron",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
    let doc = json(&out);
    assert_eq!(doc["format"], "hotwash-diagnostics/1");
    assert_eq!(doc["valid"], false);
    let files = doc["files"].as_array().expect("files");
    assert_eq!(
        files.len(),
        3,
        "the bad record, the good one and its review"
    );

    let bad = &files[0];
    assert_eq!(bad["path"], "tests/fixtures/invalid/many-defects.ron");
    assert_eq!(bad["valid"], false);
    assert_eq!(
        (bad["errors"].as_u64(), bad["warnings"].as_u64()),
        (Some(6), Some(1))
    );
    let found = diagnostics(bad);
    let expected: Vec<(String, u64, u64)> = [
        ("unused.actor", 12, 14),
        ("control.unknown", 46, 17),
        ("time.zone", 56, 50),
        ("time.end-before-start", 68, 18),
        ("ref.actor", 72, 22),
        ("grade.credibility", 73, 52),
        ("marking.above-overall", 75, 22),
    ]
    .iter()
    .map(|&(c, l, col)| (c.to_string(), l, col))
    .collect();
    assert_eq!(found, expected);
    let first = &bad["diagnostics"][0];
    assert_eq!(first["severity"], "warning");
    assert_eq!(first["message"], "actor \"caller\" takes part in no event");
    let zone = &bad["diagnostics"][2];
    assert_eq!(zone["severity"], "error");
    assert_eq!(
        zone["help"],
        "did you mean \"Europe/Berlin\"? Zones are IANA names"
    );
    assert_eq!(zone["end"]["line"], 56);
    assert_eq!(
        zone["end"]["column"], 64,
        "the end is after the closing quote"
    );

    for good in &files[1..] {
        assert_eq!(good["valid"], true, "{good}");
        assert_eq!(good["errors"], 0);
        assert_eq!(good["diagnostics"].as_array().map(Vec::len), Some(0));
    }
    assert_eq!(files[2]["path"], "tests/fixtures/valid/minimal.review.ron");
}

#[test]
fn json_of_a_valid_file_says_valid_and_exits_zero() {
    let out = hotwash(&[
        "validate",
        "--format",
        "json",
        "tests/fixtures/valid/crlf-bom.ron",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let doc = json(&out);
    assert_eq!(doc["valid"], true);
    assert_eq!(doc["files"].as_array().map(Vec::len), Some(1));
}

#[test]
fn json_of_a_file_that_cannot_be_read_has_no_position() {
    let out = hotwash(&[
        "validate",
        "--format",
        "json",
        "tests/fixtures/invalid/does-not-exist.ron",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    let d = &doc["files"][0]["diagnostics"][0];
    assert_eq!(d["code"], "io.open");
    assert!(d.get("start").is_none(), "{d}");
}

#[test]
fn validate_without_a_path_is_a_usage_error() {
    let out = hotwash(&["validate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("<PATH>"), "{}", stderr(&out));
    assert!(out.stdout.is_empty());

    let out = hotwash(&[
        "validate",
        "--format",
        "xml",
        "tests/fixtures/valid/minimal.ron",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn a_folder_checks_every_record_in_it_with_its_review() {
    let out = hotwash(&["validate", "tests/fixtures/valid"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        summary(&out),
        "checked 3 files: 3 valid, 0 invalid (0 errors, 0 warnings)"
    );

    let out = hotwash(&["validate", "--format", "json", "tests/fixtures/invalid"]);
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    let files = doc["files"].as_array().expect("files");
    // Reviews without a record beside them are not records of the folder.
    assert_eq!(files.len(), record_fixtures_in("tests/fixtures/invalid"));
    for file in files {
        let path = file["path"].as_str().expect("path");
        assert!(!path.ends_with(".review.ron"), "{path}");
        assert_eq!(file["valid"], false, "{path} was accepted");
    }
    let mut paths: Vec<&str> = files.iter().filter_map(|f| f["path"].as_str()).collect();
    let listed = paths.clone();
    paths.sort_unstable();
    assert_eq!(listed, paths, "records are checked in name order");
}

#[test]
fn max_size_refuses_larger_files() {
    let path = "tests/fixtures/valid/minimal.ron";
    let size = std::fs::metadata(Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .expect("metadata")
        .len();

    let out = hotwash(&["validate", "--max-size", "10", path]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "{path}: error[io.too-large]: the file is {size} bytes"
        )),
        "{err}"
    );
    assert!(
        err.contains("help: raise the limit with --max-size"),
        "{err}"
    );

    let out = hotwash(&["validate", "--format", "json", "--max-size", "10", path]);
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    let d = &doc["files"][0]["diagnostics"][0];
    assert_eq!(d["code"], "io.too-large");
    assert_eq!(
        d["message"],
        format!("the file is {size} bytes, over the limit of 10 bytes")
    );

    // The limit is inclusive.
    let exact = size.to_string();
    let out = hotwash(&["validate", "--max-size", &exact, path]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn a_parse_error_is_shown_with_its_snippet() {
    let out = hotwash(&["validate", "tests/fixtures/invalid/reliability-g.ron"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("tests/fixtures/invalid/reliability-g.ron:28:26: error[parse.syntax]:"),
        "{err}"
    );
    assert!(err.contains("reliability: G,"), "{err}");
    assert!(err.contains('┬') || err.contains('^'), "{err}");
}

#[test]
fn an_oversized_field_is_named_briefly_and_max_field_size_raises_the_limit() {
    let dir = std::env::temp_dir().join(format!("hotwash-cli-big-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch folder");
    let path = dir.join("big.ron");
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid/minimal.ron"),
    )
    .expect("read the fixture");
    // Two megabytes of narrative, over several lines as a pasted document would be.
    let big = format!("{}\n{}", "word ".repeat(200_000), "line ".repeat(200_000));
    let text = text.replacen(
        "A caller from an unknown number joined with the PIN and stayed until the end.",
        &big,
        1,
    );
    std::fs::write(&path, text).expect("write the record");
    let file = path.to_str().expect("a UTF-8 path");

    let out = hotwash(&["validate", file]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("error[field.too-large]"), "{err}");
    assert!(err.contains("2000001 bytes"), "{err}");
    assert!(
        err.len() < 4_000,
        "the field's text is not printed: {} bytes",
        err.len()
    );

    let out = hotwash(&["validate", "--max-field-size", "3000000", file]);
    assert!(out.status.success(), "{}", stderr(&out));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The plain summary's banner is the highest portion of the record and its
/// review together, as the workbench's banner is: a review whose finding
/// is NATO CONFIDENTIAL raises a NATO RESTRICTED record's line.
#[test]
fn the_plain_summary_banner_counts_the_review() {
    let dir = std::env::temp_dir().join(format!("hotwash-cli-banner-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tui");
    std::fs::copy(fixtures.join("demo.ron"), dir.join("demo.ron")).expect("copy");
    let review = std::fs::read_to_string(fixtures.join("demo.review.ron")).expect("review");
    let line = |dir: &Path| {
        let out = Command::new(env!("CARGO_BIN_EXE_hotwash"))
            .env(
                "XDG_CACHE_HOME",
                concat!(env!("CARGO_TARGET_TMPDIR"), "/xdg-cache"),
            )
            .arg(dir)
            .env("NO_COLOR", "1")
            .output()
            .expect("run hotwash");
        assert!(out.status.success(), "{out:?}");
        stdout(&out)
    };
    std::fs::write(dir.join("demo.review.ron"), &review).expect("write");
    assert!(line(&dir).contains("[NATO RESTRICTED · "), "{}", line(&dir));
    let raised = review.replacen("portion: Restricted", "portion: Confidential", 1);
    assert_ne!(raised, review);
    std::fs::write(dir.join("demo.review.ron"), raised).expect("write");
    let shown = line(&dir);
    assert!(shown.contains("[NATO CONFIDENTIAL · "), "{shown}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A scratch folder for one test, removed when dropped.
struct Scratch(std::path::PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("hotwash-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        Scratch(dir)
    }

    fn write(&self, name: &str, text: &str) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, text).expect("write");
        path.display().to_string()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const OPEN_RECORD: &str = r#"(schema: 1, id: "r", title: "T", summary: "S",
 classification: (scheme: De, level: Unclassified), tlp: "CLEAR",
 sources: [(id: "s", title: "t", publisher: "p", url: "https://example.org", reliability: B)],
 events: [(id: "E1", at: "2024-01-01", fidelity: Day, title: "t", narrative: "n",
   sources: [(source: "s", credibility: 2)], portion: Unclassified)])
"#;

/// A VS-VERTRAULICH record marked TLP:CLEAR validates, with a warning at
/// its `tlp` that says why and what to do.
#[test]
fn a_classified_record_with_tlp_clear_is_a_warning() {
    let scratch = Scratch::new("tlp-clear");
    let classified = OPEN_RECORD.replace("level: Unclassified", "level: Confidential");
    let file = scratch.write("r.ron", &classified);
    let out = hotwash(&["validate", &file]);
    assert_eq!(out.status.code(), Some(0), "a warning, not an error");
    let err = stderr(&out);
    assert!(
        err.contains("r.ron:2:58: warning[marking.tlp-clear]"),
        "{err}"
    );
    assert!(err.contains("--max-classification \"OFFEN\""), "{err}");
    let out = hotwash(&["validate", "--format", "json", &file]);
    let doc = json(&out);
    assert_eq!(doc["valid"], true);
    assert_eq!(
        doc["files"][0]["diagnostics"][0]["message"],
        "the banner is VS-VERTRAULICH but the TLP is CLEAR: a classified report marked for \
         unlimited sharing is almost always a mistake"
    );
    assert_eq!(
        diagnostics(&doc["files"][0]),
        [("marking.tlp-clear".to_string(), 2, 58)],
        "at the record's tlp"
    );

    // The same record, OFFEN: nothing to say.
    let file = scratch.write("open.ron", OPEN_RECORD);
    let out = hotwash(&["validate", &file]);
    assert_eq!(
        summary(&out),
        "checked 1 file: 1 valid, 0 invalid (0 errors, 0 warnings)",
        "{}",
        stderr(&out)
    );
}

/// An OFFEN record with TLP:CLEAR whose review holds a VS-NfD finding:
/// the finding raises the report's banner, so the review is warned of,
/// once, at that finding's portion.
#[test]
fn a_finding_that_raises_a_tlp_clear_banner_is_a_warning() {
    let scratch = Scratch::new("tlp-clear-review");
    let file = scratch.write("r.ron", OPEN_RECORD);
    scratch.write(
        "r.review.ron",
        r#"(schema: 1, record: "r",
 findings: [
   (id: "F1", title: "f", statement: "s", kind: Observation, severity: Low, likelihood: Likely,
    confidence: Low, events: ["E1"], portion: Unclassified),
   (id: "F2", title: "g", statement: "s", kind: RootCause, severity: Low, likelihood: Likely,
    confidence: Low, events: ["E1"], portion: Restricted),
   (id: "F3", title: "h", statement: "s", kind: RootCause, severity: Low, likelihood: Likely,
    confidence: Low, events: ["E1"], portion: Restricted),
 ])
"#,
    );
    let out = hotwash(&["validate", "--format", "json", &file]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let doc = json(&out);
    assert_eq!(
        diagnostics(&doc["files"][0]),
        [],
        "the record is fine alone"
    );
    assert_eq!(
        diagnostics(&doc["files"][1]),
        [("marking.tlp-clear".to_string(), 6, 47)],
        "F2's portion, and F3 is not warned of again"
    );
    let message = doc["files"][1]["diagnostics"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(
        message.starts_with(
            "finding \"F2\" raises the banner to VS-NUR FÜR DEN DIENSTGEBRAUCH, but the TLP is CLEAR"
        ),
        "{message}"
    );
}
