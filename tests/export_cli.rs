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
    Command::new(env!("CARGO_BIN_EXE_hotwash"))
        .arg("export")
        .args(args)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .env("NO_COLOR", "1")
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
    for (format, golden) in [
        ("markdown", "taurus.md"),
        ("html", "taurus.html"),
        ("json", "taurus.json"),
        ("stix", "taurus.stix.json"),
    ] {
        let out = export(&["incidents/taurus-webex-2024.ron", "--format", format]);
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
