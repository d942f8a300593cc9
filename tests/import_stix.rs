//! `hotwash import stix`: hotwash's own STIX export comes back (events at
//! their fidelity, sources, controls, claims, the review), other producers'
//! bundles import, broken ones get located errors, and nothing panics.

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, Utc};
use proptest::prelude::*;

use hotwash::import::stix::import;
use hotwash::load::{self, LoadOptions};
use hotwash::model::*;
use hotwash::report::{ReportOptions, build};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_hotwash")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join(format!("hotwash-import-stix-{}", std::process::id()))
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(root().join("tests/fixtures/stix").join(name)).expect("fixture")
}

fn bundled_records() -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(root().join("incidents"))
        .expect("incidents")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron") && !load::is_review_file(p))
        .collect();
    found.sort();
    assert!(found.len() >= 5, "{found:?}");
    found
}

fn generated() -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(1_717_200_000, 0)
}

fn export(record: &Record, review: &Review) -> String {
    let report = build(
        record,
        review,
        &ReportOptions {
            max_classification: None,
            generated: generated(),
        },
    );
    hotwash::export::stix::render(&report).expect("render")
}

/// The first instant of `t`'s period at `fidelity`, as the export writes it.
fn period(t: &Timestamp, fidelity: Fidelity) -> DateTime<Utc> {
    let shown = fidelity.min(t.precision());
    let offset = if shown.has_time_of_day() {
        t.offset()
    } else {
        None
    };
    Timestamp::new(t.local(), offset, shown).earliest()
}

/// Asserts that `back` carries what hotwash's STIX export of `record` (with
/// `review`) carries: every included event with its time at its fidelity,
/// its citations, control links, place and portion; the cited sources; the
/// controls; the claims; the findings and recommendations.
fn assert_carried(record: &Record, review: &Review, back: &Record, back_review: Option<&Review>) {
    let what = &record.id;
    assert_eq!(back.id, record.id);
    assert_eq!(back.title, record.title, "{what}");
    assert_eq!(back.summary, record.summary, "{what}");
    assert_eq!(back.tlp, record.tlp, "{what}");
    assert_eq!(
        back.classification.scheme, record.classification.scheme,
        "{what}"
    );
    let excluded: Vec<&str> = review
        .marks
        .iter()
        .filter(|m| !m.included)
        .map(|m| m.event.as_str())
        .collect();
    let included: Vec<&Event> = record
        .events
        .iter()
        .filter(|e| !excluded.contains(&e.id.as_str()))
        .collect();
    assert_eq!(
        back.events
            .iter()
            .map(|e| e.id.as_str())
            .collect::<Vec<_>>(),
        included.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
        "{what}: the included events, in order"
    );
    for (b, e) in back.events.iter().zip(&included) {
        let at = format!("{what} {}", e.id);
        assert_eq!(b.fidelity, e.fidelity.min(e.at.precision()), "{at}");
        assert_eq!(b.at.earliest(), period(&e.at, e.fidelity), "{at}");
        assert_eq!(b.title, e.title, "{at}");
        assert_eq!(b.narrative, e.narrative, "{at}");
        assert_eq!(b.portion, e.portion, "{at}");
        assert_eq!(b.sources, e.sources, "{at}");
        assert_eq!(b.known, e.known, "{at}");
        assert_eq!(b.place, e.place, "{at}");
        let links = |l: &[ControlLink]| -> Vec<(String, Effect)> {
            l.iter()
                .map(|c| (c.control.to_string(), c.effect))
                .collect()
        };
        assert_eq!(links(&b.controls), links(&e.controls), "{at}");
        if let Some(zone) = e.place.as_ref().and_then(|p| p.zone.as_ref())
            && e.fidelity.has_time_of_day()
            && let Ok(tz) = zone.parse::<chrono_tz::Tz>()
        {
            use chrono::Offset as _;
            let offset = b.at.earliest().with_timezone(&tz).offset().fix();
            assert_eq!(b.at.offset(), Some(offset), "{at}: in its zone's offset");
        }
    }
    // A title the record writes in brackets reads as a description (what
    // the brackets mean): it is shown the same either way.
    let shown = |s: &Source| {
        let mut s = s.clone();
        s.title = s.shown_title().into_owned();
        s.title_is = TitleKind::Title;
        s
    };
    let mut cited: Vec<Source> = record
        .sources
        .iter()
        .filter(|s| back.sources.iter().any(|b| b.id == s.id))
        .map(shown)
        .collect();
    cited.sort_by(|a, b| a.id.cmp(&b.id));
    let mut sources: Vec<Source> = back.sources.iter().map(shown).collect();
    sources.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(sources, cited, "{what}: sources");
    for e in &included {
        for c in &e.sources {
            assert!(
                back.source(&c.source).is_some(),
                "{what}: {} is cited",
                c.source
            );
        }
    }
    assert_eq!(back.controls, record.controls, "{what}: controls");
    // A claim is about the included events only.
    let claims: Vec<Claim> = record
        .claims
        .iter()
        .map(|c| {
            let mut c = c.clone();
            c.events.retain(|e| !excluded.contains(&e.as_str()));
            c
        })
        .collect();
    assert_eq!(back.claims, claims, "{what}: claims");
    match back_review {
        None => assert!(review.findings.is_empty() && review.recommendations.is_empty()),
        Some(r) => {
            assert_eq!(r.record, record.id);
            // The report orders them root cause first: compare by id.
            let mut recommendations = r.recommendations.clone();
            recommendations.sort_by(|a, b| a.id.cmp(&b.id));
            let mut expected = review.recommendations.clone();
            expected.sort_by(|a, b| a.id.cmp(&b.id));
            assert_eq!(recommendations, expected, "{what}");
            let mut findings = r.findings.clone();
            findings.sort_by(|a, b| a.id.cmp(&b.id));
            let mut expected = review.findings.clone();
            expected.sort_by(|a, b| a.id.cmp(&b.id));
            assert_eq!(findings.len(), expected.len(), "{what}");
            for (b, f) in findings.iter().zip(&expected) {
                let mut expected = f.clone();
                expected.events.retain(|e| !excluded.contains(&e.as_str()));
                assert_eq!(*b, expected, "{what}");
            }
            let flagged = |marks: &[EventMark]| -> Vec<String> {
                marks
                    .iter()
                    .filter(|m| m.flagged && m.included)
                    .map(|m| m.event.clone())
                    .collect()
            };
            assert_eq!(flagged(&r.marks), flagged(&review.marks), "{what}");
        }
    }
    let origin = back.origin.as_ref().expect("origin");
    assert_eq!(origin.format, OriginFormat::Stix);
    assert!(
        origin
            .id
            .as_deref()
            .is_some_and(|i| i.starts_with("incident--"))
    );
}

#[test]
fn every_bundled_record_comes_back_from_its_stix_export() {
    for path in bundled_records() {
        let (record, review, _) = hotwash::cli::load_for_report(&path, &LoadOptions::default())
            .unwrap_or_else(|_| panic!("{} loads", path.display()));
        let bundle = export(&record, &review);
        let back =
            import("x.stix.json", &bundle).unwrap_or_else(|d| panic!("{}: {d:?}", path.display()));
        assert!(back.skipped.is_empty(), "{:?}", back.skipped);
        assert_eq!(back.name, record.id);
        assert_carried(&record, &review, &back.record, back.review.as_ref());
    }
}

fn run(args: &[&str], dir: &Path) -> std::process::Output {
    Command::new(bin())
        .env(
            "XDG_CACHE_HOME",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/xdg-cache"),
        )
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run hotwash")
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn the_command_writes_records_that_validate_and_reimport_to_the_same_bytes() {
    let dir = scratch("cli");
    let mut bundles = Vec::new();
    for path in bundled_records() {
        let name = path
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .into_owned();
        let file = dir.join(format!("{name}.stix.json"));
        let out = Command::new(bin())
            .env(
                "XDG_CACHE_HOME",
                concat!(env!("CARGO_TARGET_TMPDIR"), "/xdg-cache"),
            )
            .args(["export"])
            .arg(&path)
            .args(["--format", "stix", "--out"])
            .arg(&file)
            .output()
            .expect("export");
        assert!(out.status.success(), "{}", stderr(&out));
        bundles.push(file);
    }
    let import_into = |folder: &str, force: bool| {
        let mut args: Vec<String> = vec!["import".into(), "stix".into()];
        args.extend(bundles.iter().map(|b| b.to_string_lossy().into_owned()));
        args.extend(["--out".into(), folder.into()]);
        if force {
            args.push("--force".into());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run(&args, &dir)
    };
    let first = import_into("a", false);
    assert!(first.status.success(), "{}", stderr(&first));
    let n = bundles.len();
    assert!(
        stderr(&first).contains(&format!(
            "imported {n} records, {n} reviews; 0 failed; 0 objects of unknown types skipped"
        )),
        "{}",
        stderr(&first)
    );
    let validate = run(&["validate", "a"], &dir);
    assert!(validate.status.success(), "{}", stderr(&validate));
    assert!(
        stderr(&validate).contains("0 invalid (0 errors"),
        "{}",
        stderr(&validate)
    );

    // Nothing is replaced without --force, and nothing is half written.
    let again = import_into("a", false);
    assert_eq!(again.status.code(), Some(1), "{}", stderr(&again));
    assert!(stderr(&again).contains("exists"), "{}", stderr(&again));

    let second = import_into("b", false);
    assert!(second.status.success());
    let forced = import_into("a", true);
    assert!(forced.status.success(), "{}", stderr(&forced));
    let mut names: Vec<_> = std::fs::read_dir(dir.join("a"))
        .expect("a")
        .map(|e| e.expect("entry").file_name())
        .collect();
    names.sort();
    assert_eq!(names.len(), 2 * n, "{names:?}");
    for name in names {
        let a = std::fs::read(dir.join("a").join(&name)).expect("a");
        let b = std::fs::read(dir.join("b").join(&name)).expect("b");
        assert!(a == b, "{name:?} differs between two imports");
    }
}

/// A foreign bundle around `objects` (JSON text of the objects).
fn bundle_of(objects: &str) -> String {
    format!(
        "{{\n  \"type\": \"bundle\",\n  \"id\": \"bundle--0e1f2a3b-4c5d-4e6f-8a7b-8c9d0e1f2a3b\",\n  \"objects\": [\n{objects}\n  ]\n}}\n"
    )
}

const INCIDENT: &str = r#"    {"type": "incident", "spec_version": "2.1", "id": "incident--1e2f3a4b-5c6d-4e7f-8a9b-0c1d2e3f4a5b",
     "created": "2025-01-01T00:00:00Z", "modified": "2025-01-01T00:00:00Z", "name": "Test", "description": "A test."}"#;

#[test]
fn fractional_seconds_are_cut_off_not_rejected() {
    let text = bundle_of(&format!(
        "{INCIDENT},\n{}",
        r#"    {"type": "event", "spec_version": "2.1", "id": "event--2f3a4b5c-6d7e-4f8a-9b0c-1d2e3f4a5b6c",
     "created": "2025-01-01T00:00:00Z", "modified": "2025-01-01T00:00:00Z", "name": "Door opened",
     "start_time": "2025-01-01T10:20:30.987654Z", "end_time": "2025-01-01T10:25:00.5Z"}"#
    ));
    let back = import("t.json", &text).expect("imports");
    let e = &back.record.events[0];
    assert_eq!(e.at.to_string(), "2025-01-01T10:20:30Z");
    assert_eq!(e.fidelity, Fidelity::Second);
    assert_eq!(
        e.end.map(|t| t.to_string()).as_deref(),
        Some("2025-01-01T10:25:00Z")
    );
    assert_eq!(e.title, "Door opened");
}

#[test]
fn unknown_object_types_are_reported_and_counted() {
    let text = bundle_of(&format!(
        "{INCIDENT},\n{}",
        r#"    {"type": "malware", "spec_version": "2.1", "id": "malware--3a4b5c6d-7e8f-4a9b-8c0d-1e2f3a4b5c6d",
     "created": "2025-01-01T00:00:00Z", "modified": "2025-01-01T00:00:00Z", "name": 7, "is_family": false},
    {"type": "x-acme-thing", "id": "x-acme-thing--4b5c6d7e-8f9a-4b0c-9d1e-2f3a4b5c6d7e"}"#
    ));
    let back = import("t.json", &text).expect("imports");
    let skipped: Vec<(&str, &str)> = back
        .skipped
        .iter()
        .map(|s| (s.kind.as_str(), s.id.as_str()))
        .collect();
    assert_eq!(
        skipped,
        [
            ("malware", "malware--3a4b5c6d-7e8f-4a9b-8c0d-1e2f3a4b5c6d"),
            (
                "x-acme-thing",
                "x-acme-thing--4b5c6d7e-8f9a-4b0c-9d1e-2f3a4b5c6d7e"
            )
        ]
    );
    let dir = scratch("unknown");
    std::fs::write(dir.join("t.json"), &text).expect("write");
    let out = run(&["import", "stix", "t.json"], &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("t.json: skipped malware--3a4b5c6d-7e8f-4a9b-8c0d-1e2f3a4b5c6d (type malware: not imported)"),
        "{err}"
    );
    assert!(err.contains("x-acme-thing"), "{err}");
    assert!(
        err.contains("; 0 failed; 2 objects of unknown types skipped"),
        "{err}"
    );
    assert!(dir.join("incidents").join("t.ron").is_file());
}

/// The code and the line:column of the error of importing `text`.
fn error_at(text: &str) -> (&'static str, String, String) {
    let d = import("bad.json", text).expect_err("an error");
    let start = d.start.map(|s| s.to_string()).unwrap_or_default();
    (d.code, start, d.message)
}

#[test]
fn broken_bundles_get_located_errors() {
    let good = bundle_of(INCIDENT);
    // Truncated JSON: the end of the text.
    let cut = &good[..good.len() / 2];
    let (code, at, message) = error_at(cut);
    assert_eq!(code, "stix.json", "{message}");
    let lines = cut.lines().count();
    assert!(at.starts_with(&format!("{lines}:")), "{at}: {message}");

    // Not JSON at all.
    let (code, at, _) = error_at("{\n  \"type\": bundle\n}");
    assert_eq!((code, at.as_str()), ("stix.json", "2:11"));

    // JSON, but not a bundle.
    let (code, at, message) = error_at("[1, 2, 3]");
    assert_eq!(code, "stix.type", "{message}");
    assert!(at.starts_with("1:"), "{at}");
    let (code, at, message) = error_at("{\n  \"type\": \"indicator\",\n  \"objects\": []\n}");
    assert_eq!(code, "stix.bundle", "{message}");
    assert_eq!(at, "2:3");
    assert!(message.contains("\"indicator\""), "{message}");

    // The wrong type in a property, placed where it is.
    let (code, at, message) = error_at(&good.replace("\"name\": \"Test\"", "\"name\": 7"));
    assert_eq!(code, "stix.type", "{message}");
    assert!(at.starts_with("6:"), "{at}: {message}");
    assert!(message.contains("invalid type"), "{message}");
    let (code, at, message) = error_at("{\"type\": \"bundle\",\n \"objects\": 5}");
    assert_eq!(code, "stix.type", "{message}");
    assert!(at.starts_with("2:"), "{at}");

    // A timestamp that is not one.
    let bad_time = bundle_of(&format!(
        "{INCIDENT},\n{}",
        r#"    {"type": "event", "spec_version": "2.1", "id": "event--5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f",
     "created": "2025-01-01T00:00:00Z", "modified": "2025-01-01T00:00:00Z",
     "start_time": "yesterday"}"#
    ));
    let (code, at, message) = error_at(&bad_time);
    assert_eq!(code, "stix.time", "{message}");
    assert!(at.starts_with("9:"), "{at}: {message}");
    assert!(message.contains("\"yesterday\""), "{message}");

    // Nothing to make a record of.
    let (code, _, _) = error_at(&bundle_of(""));
    assert_eq!(code, "stix.incident");
}

#[test]
fn one_broken_bundle_fails_the_command_and_the_others_still_import() {
    let dir = scratch("broken");
    std::fs::write(dir.join("good.json"), bundle_of(INCIDENT)).expect("write");
    std::fs::write(
        dir.join("cut.json"),
        "{\n  \"type\": \"bundle\",\n  \"objects\": [",
    )
    .expect("write");
    std::fs::write(dir.join("not-utf8.json"), b"{\"type\": \"bund\xffle\"}").expect("write");
    let out = run(
        &[
            "import",
            "stix",
            "cut.json",
            "good.json",
            "not-utf8.json",
            "--out",
            "o",
        ],
        &dir,
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("cut.json:3:"), "{err}");
    assert!(err.contains("stix.json"), "{err}");
    assert!(err.contains("not-utf8.json: 1:15: not UTF-8"), "{err}");
    assert!(
        err.contains("imported 1 record, 0 reviews; 2 failed"),
        "{err}"
    );
    assert!(dir.join("o/good.ron").is_file());
    assert!(!dir.join("o/cut.ron").exists());
}

#[test]
fn an_opencti_incident_imports_with_its_actors_marking_and_references() {
    let back = import("opencti-incident.json", &fixture("opencti-incident.json")).expect("imports");
    let r = &back.record;
    assert_eq!(
        r.title,
        "Fictional credential phishing against a test ministry"
    );
    assert_eq!(r.tlp, Tlp::Amber);
    assert_eq!(
        r.classification,
        hotwash::import::stix::DEFAULT_CLASSIFICATION
    );
    let sides: Vec<(&str, Side)> = r.actors.iter().map(|a| (a.name.as_str(), a.side)).collect();
    assert_eq!(
        sides,
        [
            ("Test Ministry", Side::Own),
            ("Fictional Set 42", Side::Adversary)
        ]
    );
    // first_seen and last_seen, fractional seconds cut off.
    let times: Vec<String> = r.events.iter().map(|e| e.at.to_string()).collect();
    assert_eq!(times, ["2025-05-12T08:15:30Z", "2025-05-12T17:40:05Z"]);
    assert_eq!(r.sources.len(), 1);
    assert_eq!(r.sources[0].url, "https://example.org/advisories/2025-17");
    assert_eq!(r.sources[0].reliability, Reliability::F);
    assert!(
        r.events
            .iter()
            .all(|e| e.sources.len() == 1 && e.sources[0].credibility == Credibility(6))
    );
    // The reference without an address, the relationship to the skipped
    // indicator and OpenCTI's severity are in the summary.
    for words in ["TICKET-4711", "indicates", "severity: high"] {
        assert!(r.summary.contains(words), "{words}: {}", r.summary);
    }
    assert_eq!(r.claims.len(), 1);
    assert!(r.claims[0].statement.contains("Two mailboxes"));
    assert_eq!(back.skipped.len(), 1);
    assert_eq!(back.skipped[0].kind, "indicator");
    let origin = r.origin.as_ref().expect("origin");
    assert_eq!(origin.confidence.as_deref(), Some("75"));
    assert!(back.review.is_none());
}

#[test]
fn incident_core_events_and_tasks_become_events_at_their_fidelity() {
    let back = import("incident-core.json", &fixture("incident-core.json")).expect("imports");
    let r = &back.record;
    assert_eq!(r.tlp, Tlp::Green);
    let events: Vec<(String, Fidelity, &str)> = r
        .events
        .iter()
        .map(|e| (e.at.to_string(), e.fidelity, e.title.as_str()))
        .collect();
    assert_eq!(
        events,
        [
            (
                "2025-05-29".to_string(),
                Fidelity::Day,
                "Cloned badge opens the side door"
            ),
            (
                "2025-05-30T07:45Z".to_string(),
                Fidelity::Minute,
                "Badge read in the car park"
            ),
            (
                "2025-06-01T09:00:00Z".to_string(),
                Fidelity::Second,
                "Task: Revoke the visitor badge"
            ),
        ]
    );
    assert_eq!(
        r.events[0].end.map(|t| t.to_string()).as_deref(),
        Some("2025-05-31")
    );
    assert!(
        r.events[2]
            .narrative
            .contains("Outcome in STIX: successful.")
    );
    // The undated task and the extension's properties are in the summary.
    assert!(
        r.summary.contains("Undated task Replace the badge readers"),
        "{}",
        r.summary
    );
    assert!(
        r.summary.contains("determination: confirmed"),
        "{}",
        r.summary
    );
    assert!(back.notes.iter().any(|n| n.contains("has no start_time")));
}

/// misp-stix's bundle of a MISP event: a report with observed data and an
/// indicator. Made again from the MISP event when the tools are installed.
#[test]
fn a_misp_stix_bundle_imports() {
    let committed = fixture("misp-event.stix.json");
    let python = root().join(".ci/venv/bin/python");
    let has_misp_stix = Command::new(&python)
        .args(["-c", "import misp_stix_converter"])
        .output()
        .is_ok_and(|o| o.status.success());
    if has_misp_stix {
        let dir = scratch("misp");
        let out = dir.join("fresh.json");
        let made = Command::new(&python)
            .arg(root().join("tests/stix/misp_export.py"))
            .arg(root().join("tests/fixtures/stix/misp-event.json"))
            .arg(&out)
            .output()
            .expect("run misp_export.py");
        assert!(made.status.success(), "{}", stderr(&made));
        let fresh = std::fs::read_to_string(&out).expect("fresh bundle");
        assert_eq!(
            fresh, committed,
            "misp-stix now writes another bundle: update the fixture"
        );
    } else {
        let required = std::env::var("HOTWASH_REQUIRE_VALIDATORS").is_ok_and(|v| v == "1");
        assert!(
            !required,
            "HOTWASH_REQUIRE_VALIDATORS=1 but misp-stix is not in .ci/venv"
        );
        eprintln!(
            "not making the misp-stix bundle again: misp-stix is not in .ci/venv (see .ci/run)"
        );
    }
    let back = import("misp-event.stix.json", &committed).expect("imports");
    let r = &back.record;
    assert_eq!(
        r.title,
        "Fictional test event: a contractor laptop left unlocked at a trade fair"
    );
    assert_eq!(r.tlp, Tlp::Amber, "TLP 1.0 AMBER");
    let kinds: Vec<&str> = back.skipped.iter().map(|s| s.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "observed-data",
            "url",
            "observed-data",
            "domain-name",
            "indicator"
        ]
    );
    assert!(r.events.is_empty());
    let dir = scratch("misp-validate");
    let text = hotwash::import::output::record_text(&back, "test").expect("text");
    let path = dir.join("misp-event.ron");
    std::fs::write(&path, text).expect("write");
    let reports = load::validate_paths(&[path], &LoadOptions::default());
    assert!(
        reports.iter().all(|r| r.errors() == 0),
        "{:?}",
        reports[0].diagnostics
    );
}

#[test]
fn foreign_imports_validate() {
    for name in ["opencti-incident.json", "incident-core.json"] {
        let back = import(name, &fixture(name)).expect("imports");
        let dir = scratch(&format!("validate-{name}"));
        let path = dir.join(format!("{}.ron", back.name));
        std::fs::write(
            &path,
            hotwash::import::output::record_text(&back, name).expect("text"),
        )
        .expect("write");
        let reports = load::validate_paths(&[path], &LoadOptions::default());
        assert!(
            reports.iter().all(|r| r.errors() == 0),
            "{name}: {:?}",
            reports[0].diagnostics
        );
    }
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        prop_oneof![
            any::<String>(),
            Just("bundle".to_string()),
            Just("incident".to_string()),
            Just("event".to_string()),
            Just("note".to_string()),
            Just("2025-01-01T00:00:00.5Z".to_string()),
            Just("(NU) E1: x".to_string()),
            Just("day".to_string()),
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        let keys = prop_oneof![
            Just("type".to_string()),
            Just("id".to_string()),
            Just("objects".to_string()),
            Just("name".to_string()),
            Just("description".to_string()),
            Just("start_time".to_string()),
            Just("start_time_fidelity".to_string()),
            Just("labels".to_string()),
            Just("external_references".to_string()),
            Just("object_marking_refs".to_string()),
            Just("extensions".to_string()),
            Just("definition".to_string()),
            "[a-z_]{1,8}",
        ];
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            proptest::collection::btree_map(keys, inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Whatever JSON comes in, the import answers with a record or a located
    /// error: it never panics.
    #[test]
    fn import_never_panics_on_arbitrary_json(value in json_value()) {
        let text = serde_json::to_string_pretty(&value).expect("JSON");
        let _ = import("any.json", &text);
        let bundle = serde_json::json!({"type": "bundle", "objects": [value]});
        if let Err(d) = import("any.json", &bundle.to_string()) {
            prop_assert!(d.start.is_some(), "{d:?}");
        }
    }

    /// A real bundle cut or changed anywhere never panics the import either.
    #[test]
    fn import_never_panics_on_a_damaged_bundle(at in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let text = fixture("opencti-incident.json");
        let i = at.index(text.len());
        let _ = import("cut.json", &text[..text.floor_char_boundary(i)]);
        let mut bytes = text.into_bytes();
        bytes[i] = byte;
        if let Ok(changed) = String::from_utf8(bytes) {
            let _ = import("changed.json", &changed);
        }
    }
}

/// Text as analysts write it: words and punctuation, sometimes paragraphs.
fn prose() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9][A-Za-z0-9 ,.;:'()!?-]{0,30}",
        (
            "[A-Za-z0-9][A-Za-z0-9 ,.:()-]{0,20}",
            "[A-Za-z0-9][A-Za-z0-9 ,.:()-]{0,20}"
        )
            .prop_map(|(a, b)| format!("{a}\n\n{b}")),
        Just("Grüße aus Köln: 東京 (a quote \"here\").".to_string()),
    ]
}

fn moment() -> impl Strategy<Value = Timestamp> {
    (0i64..900_000_000, -11i32..13).prop_map(|(secs, hours)| {
        let offset = chrono::FixedOffset::east_opt(hours * 3600).expect("offset");
        let utc = DateTime::from_timestamp(1_000_000_000 + secs, 0).expect("time");
        Timestamp::new(
            utc.with_timezone(&offset).naive_local(),
            Some(offset),
            Fidelity::Second,
        )
    })
}

const FIDELITIES: [Fidelity; 6] = [
    Fidelity::Year,
    Fidelity::Month,
    Fidelity::Day,
    Fidelity::Hour,
    Fidelity::Minute,
    Fidelity::Second,
];
const CONTROLS: [&str; 5] = ["AC-2", "SC-8", "AT-2", "IA-2", "AU-6"];
const LEVELS: [Level; 3] = [Level::Unclassified, Level::Restricted, Level::Confidential];

/// A valid record: references resolve, portions within the banner, controls
/// from the catalogue, sources with addresses.
fn valid_record() -> impl Strategy<Value = Record> {
    let source = (prose(), prose(), proptest::option::of(moment()), 0usize..6);
    let citation = (0usize..3, 1u8..=6, proptest::option::of("[A-Za-z ]{1,20}"));
    let link = (0usize..5, proptest::sample::select(Effect::ALL.to_vec()));
    let event = (
        moment(),
        proptest::sample::select(FIDELITIES.to_vec()),
        proptest::option::of(moment()),
        proptest::option::of(proptest::sample::select(vec![
            "Asia/Singapore",
            "Europe/Berlin",
            "UTC",
        ])),
        (prose(), prose()),
        proptest::collection::vec(citation.clone(), 0..3),
        proptest::collection::vec(link, 0..3),
        proptest::sample::select(LEVELS.to_vec()),
    );
    let claim = (
        prose(),
        proptest::sample::select(vec![
            ClaimStatus::Reported,
            ClaimStatus::Uncorroborated,
            ClaimStatus::Disputed,
            ClaimStatus::Superseded,
            ClaimStatus::Refuted,
        ]),
        proptest::collection::vec(0usize..4, 0..3),
        proptest::collection::vec(citation, 0..2),
        proptest::sample::select(LEVELS.to_vec()),
    );
    (
        (
            prose(),
            prose(),
            proptest::sample::select(Tlp::ALL.to_vec()),
        ),
        proptest::collection::vec(source, 1..4),
        proptest::collection::vec(prose(), 5),
        proptest::collection::vec(event, 1..5),
        proptest::collection::vec(claim, 0..3),
    )
        .prop_map(
            |((title, summary, tlp), sources, expects, events, claims)| {
                let reliabilities = [
                    Reliability::A,
                    Reliability::B,
                    Reliability::C,
                    Reliability::D,
                    Reliability::E,
                    Reliability::F,
                ];
                let sources: Vec<Source> = sources
                    .into_iter()
                    .enumerate()
                    .map(|(i, (title, publisher, date, r))| Source {
                        id: format!("s{i}").into(),
                        title,
                        title_is: TitleKind::Title,
                        publisher,
                        date,
                        url: format!("https://example.org/source/{i}"),
                        reliability: reliabilities[r],
                    })
                    .collect();
                let cite = |(s, credibility, note): (usize, u8, Option<String>)| Citation {
                    source: sources[s % sources.len()].id.clone(),
                    credibility: Credibility(credibility),
                    note,
                };
                let controls: Vec<Control> = CONTROLS
                    .iter()
                    .zip(expects)
                    .map(|(id, expects)| Control {
                        catalogue: Catalogue::NistSp80053r5,
                        id: (*id).into(),
                        title: Catalog::nist()
                            .get(id)
                            .expect("in the catalogue")
                            .title
                            .to_string(),
                        expects,
                    })
                    .collect();
                let n = events.len();
                let events: Vec<Event> = events
                    .into_iter()
                    .enumerate()
                    .map(
                        |(
                            i,
                            (at, fidelity, known, zone, (title, narrative), cited, links, portion),
                        )| {
                            let mut controls: Vec<ControlLink> = Vec::new();
                            for (c, effect) in links {
                                if !controls.iter().any(|l| l.control == CONTROLS[c]) {
                                    controls.push(ControlLink {
                                        control: CONTROLS[c].into(),
                                        effect,
                                        note: None,
                                    });
                                }
                            }
                            let mut sources: Vec<Citation> = Vec::new();
                            for c in cited.into_iter().map(cite) {
                                if !sources.iter().any(|s| s.source == c.source) {
                                    sources.push(c);
                                }
                            }
                            Event {
                                id: format!("E{}", i + 1).into(),
                                at,
                                fidelity,
                                end: None,
                                known,
                                place: zone.map(|z| Place {
                                    name: "Somewhere".into(),
                                    zone: Some(z.into()),
                                }),
                                title,
                                narrative,
                                actors: Vec::new(),
                                sources,
                                controls,
                                candidates: Vec::new(),
                                portion,
                            }
                        },
                    )
                    .collect();
                let claims: Vec<Claim> = claims
                    .into_iter()
                    .enumerate()
                    .map(|(i, (statement, status, about, cited, portion))| {
                        let mut events: Vec<Id> = Vec::new();
                        for e in about {
                            let id: Id = format!("E{}", e % n + 1).into();
                            if !events.contains(&id) {
                                events.push(id);
                            }
                        }
                        let mut sources: Vec<Citation> = Vec::new();
                        for c in cited.into_iter().map(cite) {
                            if !sources.iter().any(|s| s.source == c.source) {
                                sources.push(c);
                            }
                        }
                        Claim {
                            id: format!("C{}", i + 1).into(),
                            statement,
                            status,
                            events,
                            sources,
                            conflicts_with: if i > 0 { vec!["C1".into()] } else { Vec::new() },
                            portion,
                        }
                    })
                    .collect();
                let level = events
                    .iter()
                    .map(|e| e.portion)
                    .chain(claims.iter().map(|c| c.portion))
                    .max()
                    .unwrap_or_default();
                Record {
                    schema: 1,
                    id: "generated".into(),
                    title,
                    summary,
                    classification: Classification {
                        scheme: Scheme::Nato,
                        level,
                    },
                    portion: None,
                    tlp,
                    actors: Vec::new(),
                    sources,
                    controls,
                    events,
                    claims,
                    origin: None,
                }
            },
        )
}

type Id = hotwash::model::Id;

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Any valid record's STIX export imports back with its events (at their
    /// fidelity), sources, controls and claims.
    #[test]
    fn a_valid_records_stix_export_comes_back(record in valid_record()) {
        let review = Review { schema: 1, record: record.id.clone(), ..Review::default() };
        let bundle = export(&record, &review);
        let back = import("generated.stix.json", &bundle).map_err(|d| TestCaseError::fail(format!("{d:?}")))?;
        prop_assert!(back.skipped.is_empty());
        assert_carried(&record, &review, &back.record, back.review.as_ref());
    }
}

#[test]
fn a_folder_is_read_as_the_veris_importer_reads_one() {
    let dir = scratch("folder");
    let bundles = dir.join("bundles");
    std::fs::create_dir_all(&bundles).expect("bundles folder");
    // A hidden file is not an input, whatever its name ends with.
    std::fs::write(bundles.join(".partial.json"), "{").expect("hidden file");
    let out = run(&["import", "stix", "bundles", "--out", "records"], &dir);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("bundles"), "{err}");
    assert!(err.contains("the folder holds no *.json files"), "{err}");
    assert!(!err.contains(".partial.json"), "{err}");
}
