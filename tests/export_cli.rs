//! `hotwash export` as a user runs it: golden files for each format on the
//! Taurus record, byte-identical output for the same inputs, the
//! classification ceiling, and refusal to overwrite.
//!
//! Set HOTWASH_UPDATE_GOLDEN=1 to rewrite the golden files after a
//! deliberate change, then review the diff.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const EPOCH: &str = "1717689600"; // 2024-06-06T16:00:00Z

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn export(args: &[&str]) -> Output {
    export_with(&[], args)
}

/// `hotwash [before] export [args]`, with no configuration of the machine's
/// (an HTML export reads the configuration's paper size).
fn export_with(before: &[&str], args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hotwash"))
        .env(
            "XDG_CACHE_HOME",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/xdg-cache"),
        )
        .args(before)
        .arg("export")
        .args(args)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .env("NO_COLOR", "1")
        .env_remove("HOTWASH_CONFIG")
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("hotwash-export-cli-no-config"),
        )
        .current_dir(root())
        .output()
        .expect("run hotwash")
}

fn temp_dir(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("hotwash-export-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn each_format_matches_its_golden_file() {
    for (format, brief, golden) in [
        ("markdown", false, "taurus.md"),
        ("markdown", true, "taurus.brief.md"),
        ("html", false, "taurus.html"),
        ("html", true, "taurus.brief.html"),
        ("json", false, "taurus.json"),
        ("stix", false, "taurus.stix.json"),
    ] {
        let mut args = vec!["incidents/taurus-webex-2024.ron", "--format", format];
        if brief {
            args.push("--brief");
        }
        let out = export(&args);
        assert!(
            out.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let path = root().join("tests/golden").join(golden);
        if std::env::var_os("HOTWASH_UPDATE_GOLDEN").is_some() {
            std::fs::create_dir_all(path.parent().expect("folder")).expect("golden folder");
            std::fs::write(&path, &out.stdout).expect("write golden");
            continue;
        }
        let expected = std::fs::read(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (run with HOTWASH_UPDATE_GOLDEN=1 to create it)",
                path.display()
            )
        });
        assert!(
            out.stdout == expected,
            "{format} export differs from {}; if the change is intended, rerun with \
             HOTWASH_UPDATE_GOLDEN=1 and review the diff",
            path.display()
        );
    }
}

#[test]
fn the_same_inputs_give_byte_identical_files() {
    let dir = temp_dir("determinism");
    for format in ["markdown", "html", "json", "stix"] {
        let a = dir.join(format!("a.{format}"));
        let b = dir.join(format!("b.{format}"));
        for path in [&a, &b] {
            let out = export(&[
                "tests/fixtures/tui/demo.ron",
                "--format",
                format,
                "--out",
                path.to_str().expect("utf-8 path"),
            ]);
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        assert_eq!(
            std::fs::read(&a).expect("a"),
            std::fs::read(&b).expect("b"),
            "{format}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_existing_file_is_not_overwritten_without_force() {
    let dir = temp_dir("force");
    let target = dir.join("report.md");
    std::fs::write(&target, "the analyst's own notes").expect("write");
    let t = target.to_str().expect("utf-8 path");
    let out = export(&[
        "tests/fixtures/tui/demo.ron",
        "--format",
        "markdown",
        "--out",
        t,
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("exists; pass --force"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&target).expect("read"),
        "the analyst's own notes"
    );

    let out = export(&[
        "tests/fixtures/tui/demo.ron",
        "--format",
        "markdown",
        "--out",
        t,
        "--force",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&target).expect("read");
    assert!(text.contains("NATO RESTRICTED"), "{text}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("wrote") && err.contains("No portions were withheld"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_ceiling_withholds_portions_and_sets_the_banner() {
    let out = export(&[
        "tests/fixtures/tui/demo.ron",
        "--format",
        "json",
        "--max-classification",
        "NATO UNCLASSIFIED",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["classification"]["banner"], "NATO UNCLASSIFIED");
    assert_eq!(doc["ceiling"]["level"], "Unclassified");
    let ids: Vec<&str> = doc["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["id"].as_str())
        .collect();
    assert!(
        !ids.contains(&"E1"),
        "the restricted event is withheld: {ids:?}"
    );
    assert!(doc["withheld"]["portions"].as_u64().is_some_and(|n| n >= 2));
    assert!(
        doc["findings"].as_array().is_some_and(|f| f.is_empty()),
        "F1 is restricted"
    );
}

#[test]
fn a_broken_record_is_not_exported() {
    let dir = temp_dir("broken");
    let bad = dir.join("bad.ron");
    std::fs::write(&bad, "(schema: 1, id: \"x\",\n  titel: \"typo\")\n").expect("write");
    let out = export(&[bad.to_str().expect("utf-8"), "--format", "markdown"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "nothing is written on failure");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.ron:2:3"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_bad_source_date_epoch_is_an_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_hotwash"))
        .env(
            "XDG_CACHE_HOME",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/xdg-cache"),
        )
        .args(["export", "tests/fixtures/tui/demo.ron", "--format", "json"])
        .env("SOURCE_DATE_EPOCH", "yesterday")
        .current_dir(root())
        .output()
        .expect("run hotwash");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("SOURCE_DATE_EPOCH"));
}

/// The analyst's VS-NfD finding and its two recommendations are three
/// withheld portions under an OFFEN ceiling, and the message says of which
/// kinds, not "1 portion".
#[test]
fn the_ceiling_counts_every_withheld_portion_by_kind() {
    let dir = temp_dir("withheld-kinds");
    let record = dir.join("taurus.ron");
    std::fs::copy(root().join("incidents/taurus-webex-2024.ron"), &record).expect("copy");
    std::fs::write(
        dir.join("taurus.review.ron"),
        r#"(schema: 1, record: "taurus-webex-2024",
            findings: [(id: "F01", title: "Restricted finding", statement: "s", kind: Observation,
                severity: Low, likelihood: Likely, confidence: Low, events: ["E01"], portion: Restricted)],
            recommendations: [
                (id: "R01", finding: "F01", action: "a", owner: "o", status: Planned),
                (id: "R02", finding: "F01", action: "b", owner: "o", status: Planned),
            ],
        )"#,
    )
    .expect("write review");
    let out_file = dir.join("report.json");
    let out = export(&[
        record.to_str().expect("path"),
        "--format",
        "json",
        "--max-classification",
        "OFFEN",
        "--out",
        out_file.to_str().expect("path"),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("3 portions above OFFEN were withheld: 1 finding, 2 recommendations."),
        "{err}"
    );
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&out_file).expect("read")).expect("json");
    assert_eq!(
        doc["withheld"]["portions"], 3,
        "every withheld portion counts"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Text with its line breaks (where prose is wrapped) read as spaces.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The Markdown brief of the Taurus review fits in a GitHub comment
/// (65,536 characters) and holds every judgement, and nothing of the
/// supporting sections.
#[test]
fn the_taurus_brief_fits_a_github_comment_and_holds_every_finding() {
    let out = export(&[
        "incidents/taurus-webex-2024.ron",
        "--format",
        "markdown",
        "--brief",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let brief = String::from_utf8(out.stdout).expect("UTF-8");
    let chars = brief.chars().count();
    assert!(chars <= 65_536, "{chars} characters");
    let review = std::fs::read_to_string(root().join("incidents/taurus-webex-2024.review.ron"))
        .expect("the review");
    let review: hotwash::model::Review = hotwash::load::parse(&review).expect("parse");
    assert_eq!(review.findings.len(), 12);
    for f in &review.findings {
        assert!(
            flat(&brief).contains(&flat(&f.title)),
            "{}: {:?} is not in the brief",
            f.id,
            f.title
        );
    }
    let headings: Vec<&str> = brief.lines().filter(|l| l.starts_with("## ")).collect();
    assert_eq!(
        headings,
        [
            "## Summary",
            "## Key judgements",
            "## Recommendations",
            "## Sources"
        ]
    );
    assert!(
        !brief.contains("](#event-"),
        "no link to a section it does not have"
    );

    // The full report is larger: the brief leaves something out.
    let full = export(&["incidents/taurus-webex-2024.ron", "--format", "markdown"]);
    assert!(full.stdout.len() > brief.len() * 2);
}

#[test]
fn a_brief_is_markdown_or_html_only() {
    for format in ["json", "stix"] {
        let out = export(&["tests/fixtures/tui/demo.ron", "--format", format, "--brief"]);
        assert_eq!(out.status.code(), Some(2), "a usage error");
        assert!(out.stdout.is_empty());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("--brief is for --format markdown or html"),
            "{err}"
        );
    }
}

#[test]
fn a_brief_into_a_folder_takes_its_own_name() {
    let dir = temp_dir("brief-folder");
    let folder = format!("{}/", dir.display());
    for brief in [false, true] {
        let mut args = vec![
            "tests/fixtures/tui/demo.ron",
            "--format",
            "html",
            "--out",
            &folder,
        ];
        if brief {
            args.push("--brief");
        }
        let out = export(&args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let full = std::fs::read_to_string(dir.join("demo-hotel-call.html")).expect("full");
    let brief = std::fs::read_to_string(dir.join("demo-hotel-call.brief.html")).expect("brief");
    assert!(full.contains("<section id=\"timeline\">"));
    assert!(!brief.contains("<section id=\"timeline\">"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A NATO RESTRICTED report marked TLP:CLEAR is written (status 0) with a
/// warning on stderr; with the restricted portions withheld the banner is
/// NATO UNCLASSIFIED and there is nothing to warn of.
#[test]
fn a_classified_report_with_tlp_clear_is_written_with_a_warning() {
    let dir = temp_dir("tlp-clear");
    let fixtures = root().join("tests/fixtures/tui");
    let record = std::fs::read_to_string(fixtures.join("demo.ron")).expect("record");
    let clear = record.replace("tlp: \"AMBER+STRICT\"", "tlp: \"CLEAR\"");
    assert_ne!(clear, record);
    std::fs::write(dir.join("demo.ron"), clear).expect("write");
    std::fs::copy(
        fixtures.join("demo.review.ron"),
        dir.join("demo.review.ron"),
    )
    .expect("copy");
    let path = dir.join("demo.ron");
    let path = path.to_str().expect("UTF-8 path");
    let warning = "hotwash: warning: the banner is NATO RESTRICTED but the TLP is CLEAR: a \
                   classified report marked for unlimited sharing is almost always a mistake\n";
    for format in ["markdown", "json"] {
        let out = export(&[path, "--format", format]);
        assert_eq!(out.status.code(), Some(0), "{format}");
        assert!(!out.stdout.is_empty(), "{format}: the report is written");
        assert_eq!(String::from_utf8_lossy(&out.stderr), warning, "{format}");
    }
    let to = dir.join("out.md");
    let out = export(&[
        path,
        "--format",
        "markdown",
        "--out",
        to.to_str().expect("UTF-8 path"),
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(to.is_file());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with(warning),
        "the warning, then what was written: {err}"
    );
    assert!(err.contains("wrote "), "{err}");

    let out = export(&[
        path,
        "--format",
        "markdown",
        "--max-classification",
        "NATO UNCLASSIFIED",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "",
        "nothing to warn of"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The `@page` size of an HTML export.
fn page_size(html: &[u8]) -> String {
    let html = String::from_utf8_lossy(html);
    let rule = html.split("@page {").nth(1).expect("an @page rule");
    let size = rule.split("size:").nth(1).expect("a size");
    size.split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_string()
}

#[test]
fn the_paper_is_the_flag_then_the_configuration_then_a4() {
    const TAURUS: &str = "incidents/taurus-webex-2024.ron";
    let html = ["--format", "html"];
    let out = export(&[&[TAURUS][..], &html].concat());
    assert!(out.status.success());
    assert_eq!(page_size(&out.stdout), "A4");
    let out = export(&[&[TAURUS][..], &html, &["--paper", "letter"]].concat());
    assert!(out.status.success());
    assert_eq!(page_size(&out.stdout), "letter");

    let dir = temp_dir("paper");
    let letter = dir.join("letter.ron");
    std::fs::write(&letter, "(\n    paper: Letter,\n)\n").expect("write");
    let letter = letter.to_str().expect("UTF-8 path");
    let out = export_with(&["--config", letter], &[&[TAURUS][..], &html].concat());
    assert!(out.status.success());
    assert_eq!(
        page_size(&out.stdout),
        "letter",
        "the configuration's paper"
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = export_with(
        &["--config", letter],
        &[&[TAURUS][..], &html, &["--paper", "a4"]].concat(),
    );
    assert_eq!(page_size(&out.stdout), "A4", "the flag comes first");

    // A broken configuration is shown, and the export goes on with A4.
    let broken = dir.join("broken.ron");
    std::fs::write(&broken, "(\n    paper: Legal,\n)\n").expect("write");
    let out = export_with(
        &["--config", broken.to_str().expect("UTF-8 path")],
        &[&[TAURUS][..], &html].concat(),
    );
    assert!(out.status.success());
    assert_eq!(page_size(&out.stdout), "A4");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("broken.ron:2:12"), "{err}");
    assert!(
        err.ends_with(
            "hotwash: the configuration has errors; the export is laid out for A4 paper\n"
        ),
        "{err}"
    );
    // Formats without pages never read it, and refuse the flag.
    let out = export_with(
        &["--config", broken.to_str().expect("UTF-8 path")],
        &[TAURUS, "--format", "json"],
    );
    assert!(out.status.success());
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for format in ["markdown", "json", "stix"] {
        let out = export(&[TAURUS, "--format", format, "--paper", "letter"]);
        assert_eq!(out.status.code(), Some(2), "{format}");
        assert!(out.stdout.is_empty());
        assert!(
            String::from_utf8_lossy(&out.stderr)
                .starts_with("hotwash: --paper is for --format html"),
            "{format}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_full_disk_under_standard_output_is_an_error_not_a_silent_loss() {
    // The export is written as it renders: a write that fails midway must
    // still end in an error, for every format.
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return; // No /dev/full on this system.
    };
    for format in ["markdown", "html", "json", "stix"] {
        let out = Command::new(env!("CARGO_BIN_EXE_hotwash"))
            .args([
                "export",
                "incidents/taurus-webex-2024.ron",
                "--format",
                format,
            ])
            .env("SOURCE_DATE_EPOCH", EPOCH)
            .env("NO_COLOR", "1")
            .env_remove("HOTWASH_CONFIG")
            .env(
                "XDG_CONFIG_HOME",
                std::env::temp_dir().join("hotwash-export-cli-no-config"),
            )
            .current_dir(root())
            .stdout(full.try_clone().expect("a second handle"))
            .output()
            .expect("run hotwash");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{format}: {stderr}");
        assert!(
            stderr.contains("cannot write the report") && stderr.contains("No space left"),
            "{format}: {stderr}"
        );
    }
}
