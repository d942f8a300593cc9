//! `hotwash import veris`: each VCDB sample in tests/fixtures/vcdb/ (CC BY-SA
//! 4.0, see the README there) becomes the record it should, every record
//! validates, a re-import gives the same bytes, and broken or foreign files
//! get located errors while the others still import.

// As in the library: a Diagnostic only travels on the error path.
#![allow(clippy::result_large_err)]

use std::path::{Path, PathBuf};

use proptest::prelude::*;

use hotwash::import::{self, Outcome, veris};
use hotwash::load::{self, LoadOptions};
use hotwash::model::{Basis, ClaimStatus, Fidelity, Record, Reliability, Side};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vcdb")
}

fn settings() -> veris::Settings {
    veris::Settings {
        marking: import::Marking::default(),
        max_field: load::size::MAX_FIELD_BYTES,
    }
}

fn convert(name: &str, text: &str) -> Result<Record, load::Diagnostic> {
    let id = import::record_id(name).expect("an id");
    veris::convert(name, &id, text, &settings())
}

fn sample(name: &str) -> Record {
    let text = std::fs::read_to_string(fixtures().join(name)).expect("the sample");
    convert(name, &text).unwrap_or_else(|d| panic!("{name}: {d:?}"))
}

/// A unique, empty scratch folder, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!(
            "hotwash-import-veris-{}-{name}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create the scratch folder");
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn import_into(inputs: &[PathBuf], out: &Path, force: bool) -> Vec<import::Imported> {
    let settings = settings();
    import::import_all(
        import::inputs(inputs, "json"),
        out,
        force,
        &LoadOptions::default(),
        &|name, id, text| veris::convert(name, id, text, &settings),
    )
}

struct Expect {
    file: &'static str,
    /// Each event's fidelity, in order.
    fidelities: &'static [Fidelity],
    sides: &'static [Side],
    /// Sources: the references' web addresses, and the VCDB file where
    /// `source_id` is vcdb.
    sources: usize,
    /// (event index, candidate count) for each event with candidates.
    candidates: &'static [(usize, usize)],
}

use Fidelity::{Day, Month, Year};
use Side::{Adversary, Own, ThirdParty};

const SAMPLES: [Expect; 16] = [
    // Misuse (privilege abuse): hotwash's table only, AC-6 AU-6 PS-6.
    Expect {
        file: "0001AA7F-C601-424A-B2B8-BE6C9F5164E7.json",
        fidelities: &[Day],
        sides: &[Own],
        sources: 2,
        candidates: &[(0, 3)],
    },
    // Year only; one event chain step (error: misconfiguration).
    Expect {
        file: "00088c89-7f61-40c9-ab3a-f725e33c1176.json",
        fidelities: &[Year, Year],
        sides: &[Own],
        sources: 2,
        candidates: &[(1, 3)],
    },
    // Misuse and physical (theft), each on its own chain step.
    Expect {
        file: "00286a56-178d-410d-98f0-d4e7fbe407d8.json",
        fidelities: &[Day, Day, Day],
        sides: &[Adversary, ThirdParty],
        sources: 4,
        candidates: &[(1, 3), (2, 3)],
    },
    // Error (gaffe): AT-2, AC-21.
    Expect {
        file: "004a9681-f5bb-4c26-9972-97969fcdf2b0.json",
        fidelities: &[Month, Month],
        sides: &[Own],
        sources: 2,
        candidates: &[(1, 2)],
    },
    Expect {
        file: "0068196B-AE14-4568-B7ED-6AB008B5906A.json",
        fidelities: &[Day],
        sides: &[Adversary, Own],
        sources: 3,
        candidates: &[(0, 14)],
    },
    // Four chain steps; malware's candidates go to the first malware step.
    Expect {
        file: "00e94a74-582a-4b95-a458-7197f140ddb0.json",
        fidelities: &[Day, Day, Day, Day, Day],
        sides: &[Adversary],
        sources: 2,
        candidates: &[(2, 14)],
    },
    Expect {
        file: "00f9b215-9058-483b-a226-56be3ce77b49.json",
        fidelities: &[Month, Month],
        sides: &[Own],
        sources: 6,
        candidates: &[(1, 3)],
    },
    Expect {
        file: "00fd327e-6929-4b23-9c52-763bdee14080.json",
        fidelities: &[Day, Day, Day],
        sides: &[Adversary],
        sources: 4,
        candidates: &[(1, 32), (2, 39)],
    },
    Expect {
        file: "010DF8F5-3FAC-4C67-B220-A814CCE64D2F.json",
        fidelities: &[Day],
        sides: &[Own],
        sources: 2,
        candidates: &[(0, 3)],
    },
    // Operation Aurora: the issue's 79 controls.
    Expect {
        file: "011E42B7-DF7F-4D2E-BB85-24A0DD159C64.json",
        fidelities: &[Month],
        sides: &[Adversary],
        sources: 5,
        candidates: &[(0, 79)],
    },
    Expect {
        file: "0135822E-3438-4DCD-BA27-99D252E8DBD6.json",
        fidelities: &[Day],
        sides: &[Adversary],
        sources: 5,
        candidates: &[(0, 32)],
    },
    Expect {
        file: "014ee3c9-8760-4482-83e1-c9f1ca26239b.JSON",
        fidelities: &[Day, Day, Day],
        sides: &[Adversary],
        sources: 2,
        candidates: &[(1, 3)],
    },
    Expect {
        file: "0166176d-0eac-4d2e-98ea-e4db9c5d52c0.json",
        fidelities: &[Year, Year, Year, Year],
        sides: &[Adversary],
        sources: 2,
        candidates: &[(1, 26), (3, 65)],
    },
    // No reference and no source_id: no source at all.
    Expect {
        file: "024775f8-d5f9-4f9d-98b7-8de93177f3de.json",
        fidelities: &[Month],
        sides: &[Adversary],
        sources: 0,
        candidates: &[(0, 59)],
    },
    Expect {
        file: "025967ff-63cd-47bd-96d7-c602c0747479.JSON",
        fidelities: &[Year, Year, Year],
        sides: &[Adversary],
        sources: 2,
        candidates: &[(2, 32)],
    },
    // Action unknown: no candidates.
    Expect {
        file: "08BB91E9-69B8-426E-98CF-19F5537718F4.json",
        fidelities: &[Month],
        sides: &[Adversary],
        sources: 3,
        candidates: &[],
    },
];

#[test]
fn each_sample_becomes_the_record_it_should_and_validates_cleanly() {
    for x in &SAMPLES {
        let r = sample(x.file);
        let name = x.file;
        let stem = name.rsplit_once('.').map(|(s, _)| s).unwrap_or(name);
        assert_eq!(r.id, stem, "{name}: keyed on the file name");
        let origin = r.origin.as_ref().expect("an origin");
        assert_eq!(origin.file, name);
        let fidelities: Vec<Fidelity> = r.events.iter().map(|e| e.fidelity).collect();
        assert_eq!(fidelities, x.fidelities, "{name}");
        for e in &r.events {
            assert!(
                e.at.precision() <= Day,
                "{name}: no time of day is invented"
            );
            assert!(e.controls.is_empty(), "{name}: no effect is invented");
        }
        let sides: Vec<Side> = r.actors.iter().map(|a| a.side).collect();
        assert_eq!(sides, x.sides, "{name}");
        assert_eq!(r.sources.len(), x.sources, "{name}");
        assert!(r.sources.iter().all(|s| s.reliability == Reliability::F));
        let with: Vec<(usize, usize)> = r
            .events
            .iter()
            .enumerate()
            .filter(|(_, e)| !e.candidates.is_empty())
            .map(|(i, e)| (i, e.candidates.len()))
            .collect();
        assert_eq!(with, x.candidates, "{name}");
        for c in r.events.iter().flat_map(|e| &e.candidates) {
            for chain in &c.chains {
                let category = chain.action.split('.').nth(1).unwrap_or("");
                let own = matches!(category, "error" | "misuse" | "physical");
                assert_eq!(
                    chain.basis == Basis::Hotwash,
                    own,
                    "{name}: {} by {:?}",
                    chain.action,
                    chain.basis
                );
                assert_eq!(chain.technique.is_some(), !own, "{name}");
            }
        }
        let text = import::canonical(&r).expect("RON");
        let loaded = load::record_from_text(Path::new(name), text);
        assert!(
            loaded.report.diagnostics.is_empty(),
            "{name}: {:#?}",
            loaded.report.diagnostics
        );
        assert_eq!(
            loaded.value.as_ref(),
            Some(&r),
            "{name}: reads back the same"
        );
    }
}

#[test]
fn samples_keep_what_veris_says_and_say_what_it_does_not() {
    // The id VERIS gives differs from the file name: kept in the origin.
    let pdq = sample("014ee3c9-8760-4482-83e1-c9f1ca26239b.JSON");
    let origin = pdq.origin.as_ref().expect("origin");
    assert_eq!(
        origin.id.as_deref(),
        Some("c0e45760-11bb-11ed-8840-3b46b22bfe48")
    );
    assert_eq!(origin.version.as_deref(), Some("1.3.7"));
    assert_eq!(origin.confidence.as_deref(), Some("High"));
    assert_eq!(
        pdq.events[0].place.as_ref().map(|p| p.name.as_str()),
        Some("US")
    );
    // Notification is when it became known.
    let kansas = sample("00e94a74-582a-4b95-a458-7197f140ddb0.json");
    assert_eq!(
        kansas.events[0].known.map(|k| k.to_string()),
        Some("2020-01-09".into())
    );
    // Phases with a unit only carry no time: the narrative says so.
    let ecuador = sample("00f9b215-9058-483b-a226-56be3ce77b49.json");
    let n = &ecuador.events[0].narrative;
    assert!(n.contains("Compromise: Hours after the first action (VERIS gives the unit but no number, so no time is derived)."), "{n}");
    assert!(n.contains("Discovery: Weeks after the compromise"), "{n}");
    // Dates in free-text notes stay prose; a control character in them is replaced and said.
    let quebec = sample("0135822E-3438-4DCD-BA27-99D252E8DBD6.json");
    let n = &quebec.events[0].narrative;
    assert!(
        n.contains("Notification: 2015-01-23  Discovery: 2015-01-22"),
        "{n}"
    );
    assert!(
        n.contains("ideology\u{fffd}") && !n.contains('\u{7f}'),
        "{n}"
    );
    assert!(n.contains("replaced 1 control character"), "{n}");
    assert!(n.contains("Discovery notes: Bourdeau said"), "{n}");
    // References split on ";" (with spaces around), the VCDB file last.
    let aurora = sample("011E42B7-DF7F-4D2E-BB85-24A0DD159C64.json");
    let urls: Vec<&str> = aurora.sources.iter().map(|s| s.url.as_str()).collect();
    assert_eq!(urls[0], "http://en.wikipedia.org/wiki/Operation_Aurora");
    assert_eq!(
        urls[4],
        "https://github.com/vz-risk/VCDB/blob/HEAD/data/json/validated/011E42B7-DF7F-4D2E-BB85-24A0DD159C64.json"
    );
    let ecuador_urls: Vec<&str> = ecuador.sources.iter().map(|s| s.url.as_str()).collect();
    assert_eq!(ecuador_urls.len(), 6, "five split on commas, and the file");
    assert!(
        ecuador_urls[2].ends_with("#5aad04393705"),
        "{ecuador_urls:?}"
    );
    // The event chain in order, its steps between the start and the coding.
    let step = &kansas.events[2];
    assert_eq!(step.title, "ransomware was installed");
    assert_eq!(
        (step.at.to_string(), step.end.map(|e| e.to_string())),
        ("2019-11-11".into(), Some("2020-10-12".into()))
    );
    assert!(step.narrative.contains("step 2 of 4"), "{}", step.narrative);
}

const MINIMAL: &str = r#"{
  "schema_version": "1.4.0",
  "incident_id": "x",
  "security_incident": "Suspected",
  "summary": "A test incident.",
  "action": {"hacking": {"variety": ["Use of stolen creds"]}},
  "actor": {"external": {"variety": ["Unaffiliated"], "motive": ["Financial"]}},
  "timeline": {
    "incident": {"year": 2015, "month": 1, "day": 22, "time": "05:45:00 PM"},
    "compromise": {"unit": "Hours", "value": 3},
    "exfiltration": {"unit": "Never"},
    "discovery": {"unit": "Weeks", "value": 2},
    "containment": {"unit": "Days", "value": 1}
  },
  "reference": "not a web address; https://example.org/a"
}"#;

#[test]
fn phases_get_a_time_no_finer_than_their_anchor_and_unit() {
    let r = convert("minimal.json", MINIMAL).expect("imports");
    let titles: Vec<&str> = r.events.iter().map(|e| e.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "The incident (hacking)",
            "First compromise",
            "Discovered by the victim",
            "Contained"
        ]
    );
    let at = |i: usize| {
        let e = &r.events[i];
        (e.at.to_string(), e.end.map(|t| t.to_string()), e.fidelity)
    };
    // The time of day has no zone: the date only, and the narrative says so.
    assert_eq!(at(0), ("2015-01-22".into(), None, Day));
    assert!(
        r.events[0]
            .narrative
            .contains("\"05:45:00 PM\" in no time zone")
    );
    // Three hours after some moment of the 22nd: the 22nd or the 23rd.
    assert_eq!(at(1), ("2015-01-22".into(), Some("2015-01-23".into()), Day));
    // Weeks are known to the month at best.
    assert_eq!(at(2), ("2015-02".into(), None, Month));
    assert_eq!(at(3), ("2015-02".into(), None, Month));
    assert!(
        r.events[0]
            .narrative
            .contains("Exfiltration: never (VERIS: Never).")
    );
    // Suspected: an uncorroborated claim.
    assert_eq!(r.claims.len(), 1);
    assert_eq!(r.claims[0].status, ClaimStatus::Uncorroborated);
    // A reference that is not a web address stays in the narrative.
    assert_eq!(r.sources.len(), 1);
    assert!(
        r.events[0]
            .narrative
            .contains("References that are not web addresses: not a web address.")
    );
    let loaded = load::record_from_text(Path::new("m.ron"), import::canonical(&r).expect("RON"));
    assert!(
        loaded.report.diagnostics.is_empty(),
        "{:#?}",
        loaded.report.diagnostics
    );
}

fn error_of(name: &str, text: &str) -> load::Diagnostic {
    match convert(name, text) {
        Ok(_) => panic!("{name} was imported"),
        Err(d) => d,
    }
}

#[test]
fn broken_and_foreign_files_get_located_errors() {
    let at = |d: &load::Diagnostic| d.start.map(|s| (s.line, s.column));
    let truncated = &MINIMAL[..MINIMAL.len() / 2];
    let d = error_of("cut.json", truncated);
    assert_eq!(d.code, "import.json");
    assert!(d.message.contains("not complete JSON"), "{}", d.message);
    assert!(at(&d).is_some_and(|(line, _)| line >= 8), "{d:?}");

    let wrong = MINIMAL.replace("\"year\": 2015", "\"year\": \"2015\"");
    let d = error_of("wrong.json", &wrong);
    assert_eq!(d.code, "import.veris-type");
    assert!(
        d.message.contains("timeline.incident.year"),
        "{}",
        d.message
    );
    assert_eq!(at(&d).map(|(line, _)| line), Some(9), "the year's line");

    let d = error_of("stix.json", "{\"type\": \"bundle\", \"objects\": []}");
    assert_eq!(d.code, "import.not-veris", "{d:?}");
    assert_eq!(at(&d), Some((1, 1)));
    let d = error_of("list.json", "[1, 2]");
    assert_eq!(d.code, "import.not-veris");

    let old = MINIMAL.replace("1.4.0", "1.2.1");
    let d = error_of("old.json", &old);
    assert_eq!(
        (d.code, at(&d).map(|a| a.0)),
        ("import.veris-version", Some(2))
    );

    let no_date = MINIMAL.replace("\"day\": 22", "\"day\": 32");
    let d = error_of("date.json", &no_date);
    assert_eq!(
        (d.code, at(&d).map(|a| a.0)),
        ("import.veris-time", Some(9))
    );

    // A summary of 2 MiB is over the field limit: placed at the summary.
    let huge = MINIMAL.replace("A test incident.", &"x".repeat(2 * 1024 * 1024));
    let d = error_of("huge.json", &huge);
    assert_eq!((d.code, at(&d)), ("field.too-large", Some((5, 3))));
    // 10 KB of scraped page, lines and quotes and all, is a summary like any other.
    let page = "Breaking: \\\"quoted\\\" text\\nnext line\\t".repeat(300);
    let ok = convert("page.json", &MINIMAL.replace("A test incident.", &page)).expect("imports");
    assert!(ok.summary.len() > 9_000);
    let loaded = load::record_from_text(Path::new("p.ron"), import::canonical(&ok).expect("RON"));
    assert!(
        loaded.report.diagnostics.is_empty(),
        "{:#?}",
        loaded.report.diagnostics
    );
}

#[test]
fn reimport_is_byte_identical_and_other_content_is_not_clobbered() {
    let scratch = Scratch::new("reimport");
    let out = scratch.0.join("out");
    std::fs::create_dir_all(&out).expect("out");
    let first = import_into(&[fixtures()], &out, false);
    assert_eq!(first.len(), 16);
    assert!(
        first
            .iter()
            .all(|r| matches!(r.outcome, Outcome::Written(_))),
        "{first:#?}"
    );
    let path = out.join("0001AA7F-C601-424A-B2B8-BE6C9F5164E7.ron");
    let bytes = std::fs::read(&path).expect("written");
    let again = import_into(&[fixtures()], &out, false);
    assert!(
        again
            .iter()
            .all(|r| matches!(r.outcome, Outcome::Unchanged(_))),
        "{again:#?}"
    );
    assert_eq!(std::fs::read(&path).expect("still there"), bytes);
    // Edited by hand: left alone without --force, replaced with it.
    std::fs::write(&path, b"// edited\n").expect("edit");
    let input = fixtures().join("0001AA7F-C601-424A-B2B8-BE6C9F5164E7.json");
    let refused = import_into(std::slice::from_ref(&input), &out, false);
    match &refused[0].outcome {
        Outcome::Failed(report) => assert_eq!(report.diagnostics[0].code, "import.exists"),
        other => panic!("{other:?}"),
    }
    assert_eq!(std::fs::read(&path).expect("kept"), b"// edited\n");
    let forced = import_into(std::slice::from_ref(&input), &out, true);
    assert!(matches!(forced[0].outcome, Outcome::Replaced(_)));
    assert_eq!(std::fs::read(&path).expect("replaced"), bytes);
}

#[test]
fn one_broken_file_does_not_stop_the_others_and_names_collide_loudly() {
    let scratch = Scratch::new("mixed");
    let input = scratch.0.join("in");
    let out = scratch.0.join("out");
    std::fs::create_dir_all(&input).expect("in");
    std::fs::create_dir_all(&out).expect("out");
    std::fs::write(input.join("a.json"), MINIMAL).expect("a");
    std::fs::write(input.join("b.JSON"), "{\"schema_version\": ").expect("b");
    std::fs::write(input.join("notes.txt"), "not imported").expect("txt");
    let other = scratch.0.join("other");
    std::fs::create_dir_all(&other).expect("other");
    std::fs::write(other.join("a.json"), MINIMAL).expect("a again");
    let results = import_into(&[input.clone(), other.join("a.json")], &out, true);
    assert_eq!(results.len(), 3, "a.json, b.JSON, then the other a.json");
    assert!(matches!(results[0].outcome, Outcome::Written(_)));
    match &results[1].outcome {
        Outcome::Failed(report) => {
            assert_eq!(report.path, input.join("b.JSON"));
            assert_eq!(report.diagnostics[0].code, "import.json");
            let line = report.one_line(&report.diagnostics[0]);
            assert!(line.contains("b.JSON:1:"), "{line}");
        }
        other => panic!("{other:?}"),
    }
    match &results[2].outcome {
        Outcome::Failed(report) => assert_eq!(report.diagnostics[0].code, "import.same-name"),
        other => panic!("{other:?}"),
    }
    let names: Vec<String> = std::fs::read_dir(&out)
        .expect("out")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    assert_eq!(names, ["a.ron"]);
}

#[test]
fn the_command_imports_reports_and_exits_1_when_a_file_failed() {
    let scratch = Scratch::new("cli");
    let input = scratch.0.join("in");
    std::fs::create_dir_all(&input).expect("in");
    for x in &SAMPLES[..3] {
        std::fs::copy(fixtures().join(x.file), input.join(x.file)).expect("copy");
    }
    std::fs::write(
        input.join("zz-broken.json"),
        "{\n  \"schema_version\": \"1.3.7\",\n  \"timeline\": 5\n}\n",
    )
    .expect("broken");
    let out = scratch.0.join("records");
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_hotwash"))
            .env(
                "XDG_CACHE_HOME",
                concat!(env!("CARGO_TARGET_TMPDIR"), "/xdg-cache"),
            )
            .args(["--color", "never", "import", "veris"])
            .arg(&input)
            .arg("--out")
            .arg(&out)
            .output()
            .expect("hotwash runs")
    };
    let first = run();
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert_eq!(first.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("zz-broken.json:3:"), "{stderr}");
    assert!(stderr.contains("timeline has the wrong type"), "{stderr}");
    assert!(
        stderr.contains("3 written, 0 unchanged, 0 replaced, 1 failed"),
        "{stderr}"
    );
    std::fs::remove_file(input.join("zz-broken.json")).expect("rm");
    let second = run();
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("0 written, 3 unchanged"), "{stderr}");
    let validate = std::process::Command::new(env!("CARGO_BIN_EXE_hotwash"))
        .env(
            "XDG_CACHE_HOME",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/xdg-cache"),
        )
        .args(["validate"])
        .arg(&out)
        .output()
        .expect("hotwash runs");
    let stderr = String::from_utf8_lossy(&validate.stderr);
    assert!(validate.status.success(), "{stderr}");
    assert!(
        stderr.contains("3 valid, 0 invalid (0 errors, 0 warnings)"),
        "{stderr}"
    );
}

/// Any JSON at all.
fn json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|n| serde_json::json!(n)),
        any::<f64>().prop_map(|n| serde_json::json!(n)),
        ".{0,12}".prop_map(serde_json::Value::String),
        prop_oneof![
            Just("Unknown"),
            Just("NA"),
            Just("Never"),
            Just("Days"),
            Just("Weeks"),
            Just("Years"),
            Just("ext"),
            Just("mal"),
            Just("vcdb"),
            Just("1.3.7"),
            Just("http://a.example/x;https://b.example,c")
        ]
        .prop_map(|s| serde_json::Value::String(s.to_string())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            proptest::collection::vec(
                (
                    prop_oneof![
                        Just("year".to_string()),
                        Just("month".to_string()),
                        Just("day".to_string()),
                        Just("unit".to_string()),
                        Just("value".to_string()),
                        Just("variety".to_string()),
                        Just("country".to_string()),
                        Just("summary".to_string()),
                        "[a-z_]{1,8}"
                    ],
                    inner
                ),
                0..5
            )
            .prop_map(|kv| serde_json::Value::Object(kv.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn import_never_panics_on_arbitrary_json(value in json()) {
        let _ = convert("any.json", &value.to_string());
    }

    /// A real incident with one part replaced by anything: the importer
    /// either refuses it with a located error or makes a record that validates.
    #[test]
    fn import_of_a_damaged_sample_validates_or_is_refused(
        key in prop_oneof![Just("timeline"), Just("actor"), Just("action"), Just("victim"), Just("plus"), Just("reference"), Just("summary")],
        value in json(),
    ) {
        let text = std::fs::read_to_string(fixtures().join(SAMPLES[5].file)).expect("sample");
        let mut doc: serde_json::Value = serde_json::from_str(&text).expect("json");
        doc[key] = value;
        let text = serde_json::to_string_pretty(&doc).expect("json");
        match convert("d.json", &text) {
            Err(d) => prop_assert!(d.start.is_some(), "{:?}", d),
            Ok(record) => {
                let loaded = load::record_from_text(Path::new("d.ron"), import::canonical(&record).expect("RON"));
                prop_assert!(loaded.report.is_valid(), "{:#?}", loaded.report.diagnostics);
            }
        }
    }
}

#[test]
fn sources_of_one_site_are_told_apart_and_an_actor_id_is_no_name() {
    let aurora = sample("011E42B7-DF7F-4D2E-BB85-24A0DD159C64.json");
    let titles: Vec<&str> = aurora.sources.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(
        titles[1],
        "Web page at www.darkreading.com/attacks-breaches/attackers-employed-ie-zero-day-against-google-others/d/d-id/11…"
    );
    assert_ne!(titles[1], titles[3], "two pages of darkreading.com");
    let actor = &aurora.actors[0];
    assert_eq!(actor.name, "External actor (State-affiliated)");
    assert!(
        actor
            .role
            .contains("VERIS name (an id) 6A323CB8-6DC7-433C-A0F7-3D4850194425"),
        "{}",
        actor.role
    );
    let shaggy = sample("024775f8-d5f9-4f9d-98b7-8de93177f3de.json");
    assert_eq!(shaggy.actors[0].name, "ShaggyPanther");
}
