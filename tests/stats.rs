//! `hotwash stats` as a user runs it, on a fixture of three records counted
//! by hand (tests/fixtures/stats: alpha, bravo, charlie, and a broken file).
//!
//! Hand count, any failure (every effect but held):
//! - SC-8: alpha failed at E1 and E2, bravo absent at B1: 2 incidents, 3 events.
//! - AC-17: alpha not followed at E1, bravo bypassed at B2: 2 incidents, 2 events.
//! - AT-2: bravo failed at B1: 1 incident, 1 event.
//! - IR-4: bravo failed at B3 (alpha's IR-4 held): 1 incident, 1 event.
//! - IA-2 held in alpha and charlie: not listed.
//!
//! Lag: alpha E1 (2030-01-10) to E2's known 2030-01-20: 10 days; bravo B1
//! (March 2030) to B2's known 2030-05-01: 30 to 61 days; charlie: no failure.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn stats(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hotwash"))
        .env(
            "XDG_CACHE_HOME",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/xdg-cache"),
        )
        .arg("stats")
        .args(args)
        .env("NO_COLOR", "1")
        .current_dir(root())
        .output()
        .expect("run hotwash")
}

const FIXTURE: &str = "tests/fixtures/stats";

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("UTF-8")
}

fn json(args: &[&str]) -> Value {
    let o = stats(&[&[FIXTURE, "--format", "json"], args].concat());
    serde_json::from_str(&stdout(&o)).expect("JSON")
}

/// (id, incidents, events, [(incident, failed, not followed, bypassed, absent, held, first)])
type Row<'a> = (&'a str, u64, u64, Vec<(&'a str, [u64; 5], &'a str)>);

fn rows(doc: &Value) -> Vec<Row<'_>> {
    doc["controls"]
        .as_array()
        .expect("controls")
        .iter()
        .map(|c| {
            let cells = c["cells"]
                .as_array()
                .expect("cells")
                .iter()
                .map(|cell| {
                    let n = |k: &str| cell[k].as_u64().expect("a count");
                    (
                        cell["incident"].as_str().expect("incident"),
                        [
                            n("failed"),
                            n("not_followed"),
                            n("bypassed"),
                            n("absent"),
                            n("held"),
                        ],
                        cell["first_event"].as_str().unwrap_or(""),
                    )
                })
                .collect();
            (
                c["id"].as_str().expect("id"),
                c["incidents"].as_u64().expect("incidents"),
                c["events"].as_u64().expect("events"),
                cells,
            )
        })
        .collect()
}

#[test]
fn the_counts_match_the_hand_count() {
    let doc = json(&[]);
    assert_eq!(doc["format"], "hotwash-stats/1");
    assert_eq!(
        rows(&doc),
        vec![
            (
                "SC-8",
                2,
                3,
                vec![
                    ("alpha", [2, 0, 0, 0, 0], "E1"),
                    ("bravo", [0, 0, 0, 1, 0], "B1")
                ]
            ),
            (
                "AC-17",
                2,
                2,
                vec![
                    ("alpha", [0, 1, 0, 0, 0], "E1"),
                    ("bravo", [0, 0, 1, 0, 0], "B2")
                ]
            ),
            ("AT-2", 1, 1, vec![("bravo", [1, 0, 0, 0, 0], "B1")]),
            ("IR-4", 1, 1, vec![("bravo", [1, 0, 0, 0, 0], "B3")]),
        ]
    );
    let lags: Vec<(String, Value)> = doc["incidents"]
        .as_array()
        .expect("incidents")
        .iter()
        .map(|i| (i["id"].as_str().expect("id").to_string(), i["lag"].clone()))
        .collect();
    assert_eq!(lags[0].0, "alpha");
    assert_eq!(lags[0].1["first_failure"], "E1");
    assert_eq!(lags[0].1["known_by"], "E2");
    assert_eq!(
        (
            lags[0].1["min_days"].as_i64(),
            lags[0].1["max_days"].as_i64()
        ),
        (Some(10), Some(10))
    );
    assert_eq!(lags[1].0, "bravo");
    assert_eq!(lags[1].1["failed_at"], "2030-03");
    assert_eq!(
        (
            lags[1].1["min_days"].as_i64(),
            lags[1].1["max_days"].as_i64()
        ),
        (Some(30), Some(61))
    );
    assert_eq!(lags[2].0, "charlie");
    assert!(lags[2].1.is_null());
    // The marking: the highest level per scheme, the most restrictive TLP.
    assert_eq!(doc["banner"], "OFFEN · NATO RESTRICTED");
    assert_eq!(doc["tlp"], "TLP:AMBER+STRICT");
}

#[test]
fn filters_by_effect_and_family() {
    let doc = json(&["--effect", "held"]);
    let held = rows(&doc);
    let ids: Vec<(&str, u64)> = held.iter().map(|r| (r.0, r.1)).collect();
    assert_eq!(ids, vec![("IA-2", 2), ("IR-4", 1)]);
    let doc = json(&["--family", "AC"]);
    let ac = rows(&doc);
    assert_eq!(ac.len(), 1);
    assert_eq!(ac[0].0, "AC-17");
    let doc = json(&["--effect", "bypassed"]);
    let bypassed = rows(&doc);
    assert_eq!(bypassed.len(), 1);
    assert_eq!(bypassed[0].3, vec![("bravo", [0, 0, 1, 0, 0], "B2")]);

    let o = stats(&[FIXTURE, "--family", "ZZ"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("no control of family \"ZZ\"") && err.contains("AC, AT, IA, IR, SC"),
        "{err}"
    );
}

#[test]
fn a_broken_record_is_named_not_counted_and_fails_the_run() {
    let o = stats(&[FIXTURE]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("not counted: tests/fixtures/stats/broken.ron: 5:21: Expected comma"),
        "{err}"
    );
    let md = stdout(&o);
    assert!(md.contains("## Not counted"), "{md}");
    assert!(md.contains("broken.ron: 5:21"), "{md}");
    let doc = json(&[]);
    assert_eq!(doc["unreadable"][0]["error"], "5:21: Expected comma");
    // Only the valid records are counted.
    assert_eq!(doc["incidents"].as_array().map(Vec::len), Some(3));
    // A folder of valid records succeeds.
    let o = stats(&["incidents"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn the_json_follows_its_schema_and_the_rules_across_fields() {
    let text = std::fs::read_to_string(root().join("assets/hotwash-stats-1.schema.json"))
        .expect("the schema");
    let schema: Value = serde_json::from_str(&text).expect("JSON");
    jsonschema::meta::validate(&schema).expect("a valid schema");
    let validator = jsonschema::draft202012::options()
        .build(&schema)
        .expect("it compiles");
    for args in [
        vec![],
        vec!["--effect", "held"],
        vec!["--family", "SC"],
        vec!["--effect", "absent"],
    ] {
        let doc = json(&args);
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{args:?}: {errors:?}");
        // Rules the schema cannot say (docs/STATS-JSON.md).
        let ids: Vec<&str> = doc["incidents"]
            .as_array()
            .expect("incidents")
            .iter()
            .map(|i| i["id"].as_str().expect("id"))
            .collect();
        let filter = doc["effect"].as_str().expect("effect");
        let mut last: Option<(u64, u64, String)> = None;
        for c in doc["controls"].as_array().expect("controls") {
            let cells = c["cells"].as_array().expect("cells");
            assert_eq!(c["incidents"].as_u64(), Some(cells.len() as u64));
            let counted: u64 = cells
                .iter()
                .map(|cell| {
                    assert!(ids.contains(&cell["incident"].as_str().expect("incident")));
                    let keys: Vec<&str> = match filter {
                        "any-failure" => vec!["failed", "not_followed", "bypassed", "absent"],
                        "not-followed" => vec!["not_followed"],
                        other => vec![other],
                    };
                    keys.iter()
                        .map(|k| cell[*k].as_u64().expect("count"))
                        .sum::<u64>()
                })
                .sum();
            assert_eq!(c["events"].as_u64(), Some(counted));
            let key = (
                c["incidents"].as_u64().expect("n"),
                c["events"].as_u64().expect("n"),
                c["id"].as_str().expect("id").to_string(),
            );
            if let Some(prev) = &last {
                assert!(
                    (prev.0, prev.1) > (key.0, key.1)
                        || ((prev.0, prev.1) == (key.0, key.1) && prev.2 < key.2),
                    "{prev:?} before {key:?}"
                );
            }
            last = Some(key);
        }
        for i in doc["incidents"].as_array().expect("incidents") {
            if i["has_failure"] == false {
                assert!(i["lag"].is_null());
            }
        }
    }
}

#[test]
fn csv_holds_the_same_counts_and_defuses_formulas() {
    let o = stats(&[FIXTURE, "--format", "csv"]);
    let text = stdout(&o);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().expect("a header").clone();
    assert_eq!(&header[1], "control");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a row")).collect();
    let pairs: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| {
            let counts: Vec<&str> = (5..10).map(|i| &r[i]).collect();
            (r[1].to_string(), r[4].to_string(), counts.join(" "))
        })
        .collect();
    assert_eq!(
        pairs,
        [
            ("SC-8", "alpha", "2 0 0 0 0"),
            ("SC-8", "bravo", "0 0 0 1 0"),
            ("AC-17", "alpha", "0 1 0 0 0"),
            ("AC-17", "bravo", "0 0 1 0 0"),
            ("AT-2", "bravo", "1 0 0 0 0"),
            ("IR-4", "bravo", "1 0 0 0 0"),
        ]
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    );
    let o = stats(&[FIXTURE, "--format", "csv", "--table", "lag"]);
    let text = stdout(&o);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let lag: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a row")).collect();
    assert_eq!(&lag[1][0], "bravo");
    // The title with a pipe and a comma comes back whole.
    assert_eq!(
        &lag[1][1],
        "Bravo: a | pipe, *stars* and =formula in a title"
    );
    assert_eq!((&lag[1][6], &lag[1][7]), ("30", "61"));
    assert_eq!(&lag[2][8], "no failure");

    // A title that a spreadsheet would run as a formula gets a quote.
    let dir = std::env::temp_dir().join(format!("hotwash-stats-csv-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let alpha = std::fs::read_to_string(root().join(FIXTURE).join("alpha.ron")).expect("alpha");
    let evil = alpha.replace(
        "title: \"Alpha: a call joined from a hotel network\"",
        "title: \"=HYPERLINK(\\\"https://example.org\\\")\"",
    );
    assert_ne!(evil, alpha);
    std::fs::write(dir.join("evil.ron"), evil).expect("write");
    let o = stats(&[
        dir.to_str().expect("utf-8"),
        "--format",
        "csv",
        "--table",
        "lag",
    ]);
    let text = stdout(&o);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let row = reader.records().next().expect("a row").expect("a row");
    assert_eq!(&row[1], "'=HYPERLINK(\"https://example.org\")");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn markdown_escapes_record_text_and_carries_the_banner() {
    let o = stats(&[FIXTURE]);
    let md = stdout(&o);
    let lines: Vec<&str> = md.lines().collect();
    assert_eq!(lines[0], "# Controls across incidents");
    let banner = "**OFFEN · NATO RESTRICTED** · TLP:AMBER+STRICT";
    assert_eq!(lines[2], banner);
    assert_eq!(lines.last().copied(), Some(banner));
    // Read as one line per item: wrapping is markdownlint's business.
    let flat = md.replace("\n  ", " ");
    assert!(
        flat.contains("- **SC-8** Transmission Confidentiality and Integrity: in 2 of 3. alpha: failed 2 (from E1); bravo: absent 1 (from B1)."),
        "{md}"
    );
    assert!(
        flat.contains("- **bravo** Bravo: a \\| pipe, \\*stars\\* and =formula in a title: 30–61 days, from B1 (2030-03) to B2 known 2030-05-01."),
        "{md}"
    );
    assert!(
        flat.contains("- **charlie** Charlie: a call where every control held: no failure."),
        "{md}"
    );
    assert!(md.lines().all(|l| l.chars().count() <= 80), "{md}");
}

#[test]
fn out_writes_a_file_and_refuses_to_overwrite_it() {
    let dir = std::env::temp_dir().join(format!("hotwash-stats-out-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let out = dir.join("stats.json");
    let out_s = out.to_str().expect("utf-8");
    let o = stats(&["incidents", "--format", "json", "--out", out_s]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("wrote "), "{}", stderr(&o));
    let first = std::fs::read(&out).expect("written");
    let o = stats(&["incidents", "--format", "markdown", "--out", out_s]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(std::fs::read(&out).expect("kept"), first, "not clobbered");
    let o = stats(&[
        "incidents",
        "--format",
        "markdown",
        "--out",
        out_s,
        "--force",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_markdown_passes_markdownlint() {
    let lint = root().join(".ci/node/node_modules/.bin/markdownlint-cli2");
    if !lint.exists() {
        let message = "missing markdownlint-cli2 (run `npm ci --prefix .ci/node --ignore-scripts`)";
        if std::env::var("HOTWASH_REQUIRE_VALIDATORS").is_ok_and(|v| v == "1") {
            panic!("HOTWASH_REQUIRE_VALIDATORS=1 but {message}");
        }
        eprintln!("skipping markdownlint: {message}");
        return;
    }
    // Outside the repository, so that markdownlint-cli2 runs its default rules.
    let dir = std::env::temp_dir().join(format!("hotwash-stats-lint-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    for (name, args) in [
        ("fixture.md", vec![FIXTURE]),
        ("held.md", vec![FIXTURE, "--effect", "held"]),
        ("bundled.md", vec!["incidents"]),
    ] {
        std::fs::write(dir.join(name), stdout(&stats(&args))).expect("write");
    }
    let o = Command::new(&lint)
        .args(["fixture.md", "held.md", "bundled.md"])
        .current_dir(&dir)
        .output()
        .expect("run markdownlint-cli2");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}
