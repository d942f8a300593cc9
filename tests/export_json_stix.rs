//! The JSON and STIX 2.1 exports, checked by the tools their readers use.
//!
//! JSON: fresh exports validate against `assets/hotwash-report-1.schema.json`
//! (JSON Schema 2020-12) and keep the rules across fields that
//! docs/REPORT-JSON.md states; broken documents fail both.
//!
//! STIX: fresh bundles pass the OASIS validator in strict mode (only check
//! 302, "URL but no hash", disabled) with the TLP 2.0 and Incident Core event
//! schemas, and parse with the OASIS `stix2` library with
//! `allow_custom=False`; MISP's converter (misp-stix) brings one note per
//! finding into the MISP event, and OpenCTI's client (pycti) gives every
//! external reference an id. The tools live in virtual environments at
//! `.ci/venv` and `.ci/venv-pycti` (see `.ci/run`); the TLP schema writer
//! comes from `<repo>/../shared/tools/stix`, or from
//! `$HOTWASH_SHARED/tools/stix`, the other scripts from `tests/stix/`.
//! Without them the STIX tool tests say so and pass, so that `cargo test`
//! works on a fresh machine; CI sets HOTWASH_REQUIRE_VALIDATORS=1 to make a
//! missing tool a failure.

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, Utc};
use hotwash::export::{Format, render};
use hotwash::load::LoadOptions;
use hotwash::model::{
    Confidence, Effect, FindingKind, Level, Likelihood, RecommendationStatus, Scheme, Severity, Tlp,
};
use hotwash::report::{Report, ReportOptions, SignOffStatus, build};
use serde_json::Value;

const TAURUS: &str = "incidents/taurus-webex-2024.ron";
const DEMO: &str = "tests/fixtures/tui/demo.ron";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn generated() -> DateTime<Utc> {
    DateTime::from_timestamp(1_717_200_000, 0).expect("a time")
}

/// The report borrows its record and review: a test's live as long as the run.
fn report_with(record: &str, max_classification: Option<Level>) -> Report<'static> {
    let path = root().join(record);
    let (record, review, _) = hotwash::cli::load_for_report(&path, &LoadOptions::default())
        .unwrap_or_else(|_| panic!("{} loads", path.display()));
    build(
        Box::leak(Box::new(record)),
        Box::leak(Box::new(review)),
        &ReportOptions {
            max_classification,
            generated: Some(generated()),
        },
    )
}

fn report(record: &str) -> Report<'static> {
    report_with(record, None)
}

/// A fresh folder for one test's files.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("export_json_stix")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the scratch folder");
    dir
}

// ---------------------------------------------------------------- JSON

fn schema() -> Value {
    let path = root().join("assets/hotwash-report-1.schema.json");
    let text = std::fs::read_to_string(&path).expect("read the schema");
    serde_json::from_str(&text).expect("the schema is JSON")
}

fn validator() -> jsonschema::Validator {
    let schema = schema();
    if let Err(e) = jsonschema::meta::validate(&schema) {
        panic!("the schema is not valid JSON Schema: {e}");
    }
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the schema compiles")
}

fn json_export(report: &Report) -> Value {
    let text = render(report, Format::Json).expect("render JSON");
    assert!(text.ends_with("}\n"), "pretty JSON with a trailing newline");
    serde_json::from_str(&text).expect("the export is JSON")
}

fn schema_errors(validator: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    validator
        .iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn assert_valid(validator: &jsonschema::Validator, doc: &Value, what: &str) {
    let errors = schema_errors(validator, doc);
    assert!(
        errors.is_empty(),
        "{what} does not match the schema:\n{}",
        errors.join("\n")
    );
}

/// The rules across fields that JSON Schema cannot express, as
/// docs/REPORT-JSON.md ("Rules across fields") states them: the broken ones.
fn cross_field_errors(doc: &Value) -> Vec<String> {
    use std::collections::{HashMap, HashSet};
    let mut errors = Vec::new();
    let list = |key: &str| doc[key].as_array().cloned().unwrap_or_default();
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let ids = |key: &str, errors: &mut Vec<String>| {
        let mut seen = HashSet::new();
        for item in list(key) {
            if !seen.insert(text(&item["id"])) {
                errors.push(format!("{key}: id {} twice", item["id"]));
            }
        }
        seen
    };
    let events = ids("events", &mut errors);
    let controls = ids("controls", &mut errors);
    let findings = ids("findings", &mut errors);
    let claims = ids("claims", &mut errors);
    let sources = ids("sources", &mut errors);
    ids("recommendations", &mut errors);

    // 1. Referential integrity: every id named is in its list.
    let mut check = |what: String, id: &Value, within: &HashSet<String>| {
        if !within.contains(&text(id)) {
            errors.push(format!("{what} names {id}, which is not in the document"));
        }
    };
    let mut cited = HashSet::new();
    for e in list("events") {
        for c in e["sources"].as_array().into_iter().flatten() {
            check(format!("event {}", e["id"]), &c["source"], &sources);
            cited.insert(text(&c["source"]));
        }
        for l in e["controls"].as_array().into_iter().flatten() {
            check(format!("event {}", e["id"]), &l["control"], &controls);
        }
    }
    for f in list("findings") {
        for id in f["events"].as_array().into_iter().flatten() {
            check(format!("finding {}", f["id"]), id, &events);
        }
        for id in f["controls"].as_array().into_iter().flatten() {
            check(format!("finding {}", f["id"]), id, &controls);
        }
    }
    for r in list("recommendations") {
        check(
            format!("recommendation {}", r["id"]),
            &r["finding"],
            &findings,
        );
    }
    for c in list("claims") {
        for id in c["events"].as_array().into_iter().flatten() {
            check(format!("claim {}", c["id"]), id, &events);
        }
        for id in c["conflicts_with"].as_array().into_iter().flatten() {
            check(format!("claim {}", c["id"]), id, &claims);
        }
        for s in c["sources"].as_array().into_iter().flatten() {
            check(format!("claim {}", c["id"]), &s["source"], &sources);
            cited.insert(text(&s["source"]));
        }
    }
    // ... and the sources are exactly the cited ones.
    for s in sources.difference(&cited) {
        errors.push(format!("source {s} is cited by no included event or claim"));
    }

    // 2. The banner is the highest included portion (Unclassified if none),
    // and no portion is above the ceiling.
    let order = |m: &Value| {
        Level::ALL
            .iter()
            .position(|l| serde_json::to_value(l).ok().as_ref() == Some(&m["level"]))
    };
    let mut portions: Vec<(String, Value)> = Vec::new();
    for key in ["events", "findings", "claims"] {
        for item in list(key) {
            portions.push((format!("{key} {}", item["id"]), item["portion"].clone()));
        }
    }
    if doc["record"]["withheld"] == false {
        portions.push(("the title".into(), doc["record"]["portion"].clone()));
    }
    let highest = portions
        .iter()
        .filter_map(|(_, m)| order(m))
        .max()
        .unwrap_or(0);
    if order(&doc["classification"]) != Some(highest) {
        errors.push(format!(
            "the banner {} is not the highest included portion ({})",
            doc["classification"]["level"],
            Level::ALL[highest].name()
        ));
    }
    if doc["ceiling"].is_null() {
        if doc["withheld"]["portions"] != 0 {
            errors.push("portions are withheld without a ceiling".into());
        }
    } else {
        for (what, m) in &portions {
            if order(m) > order(&doc["ceiling"]) {
                errors.push(format!("{what} is above the ceiling"));
            }
        }
    }

    // 3. The matrix: one row per control in the order of `controls`, one
    // cell per event in the order of `events`, each the effect of the
    // event's first link to the control; the counts are over those links.
    let matrix = list("matrix");
    let control_list = list("controls");
    if matrix.len() != control_list.len() {
        errors.push(format!(
            "{} matrix rows for {} controls",
            matrix.len(),
            control_list.len()
        ));
    }
    let event_list = list("events");
    let mut links: HashMap<(String, usize), Vec<Value>> = HashMap::new();
    for (column, e) in event_list.iter().enumerate() {
        for l in e["controls"].as_array().into_iter().flatten() {
            links
                .entry((text(&l["control"]), column))
                .or_default()
                .push(l["effect"].clone());
        }
    }
    for (row, control) in matrix.iter().zip(&control_list) {
        let id = text(&control["id"]);
        if text(&row["control"]) != id {
            errors.push(format!(
                "matrix row {} is not in the order of controls ({id})",
                row["control"]
            ));
        }
        let cells = row["cells"].as_array().cloned().unwrap_or_default();
        if cells.len() != event_list.len() {
            errors.push(format!(
                "matrix row {id} has {} cells for {} events",
                cells.len(),
                event_list.len()
            ));
        }
        let (mut failures, mut held) = (0, 0);
        for (column, cell) in cells.iter().enumerate() {
            let effects = links.get(&(id.clone(), column));
            let first = effects
                .and_then(|e| e.first())
                .cloned()
                .unwrap_or(Value::Null);
            if *cell != first {
                errors.push(format!(
                    "matrix cell {id} × event {column} is {cell}, the link says {first}"
                ));
            }
            for effect in effects.into_iter().flatten() {
                if effect == "Held" {
                    held += 1
                } else {
                    failures += 1
                }
            }
        }
        if control["failures"] != failures || control["held"] != held {
            errors.push(format!("control {id}: counts do not match its links"));
        }
    }

    // 4. Counts: the record has at least the events shown and left out.
    let total = doc["record"]["events_total"].as_u64().unwrap_or(0);
    let excluded = doc["withheld"]["excluded_events"].as_u64().unwrap_or(0);
    if total < event_list.len() as u64 + excluded {
        errors.push("events_total is below the included and excluded events".into());
    }
    errors
}

/// Schema and rules across fields: what every export must satisfy.
fn assert_export_valid(validator: &jsonschema::Validator, doc: &Value, what: &str) {
    assert_valid(validator, doc, what);
    let errors = cross_field_errors(doc);
    assert!(
        errors.is_empty(),
        "{what} breaks the rules across fields:\n{}",
        errors.join("\n")
    );
}

#[test]
fn the_schema_has_an_id_that_names_its_file() {
    let id = schema()["$id"].as_str().map(str::to_string).expect("a $id");
    assert!(id.starts_with("https://"), "{id}");
    assert!(id.ends_with("/hotwash-report-1.schema.json"), "{id}");
}

#[test]
fn broken_documents_break_the_rules_across_fields() {
    let good = json_export(&report(TAURUS));
    assert!(
        cross_field_errors(&good).is_empty(),
        "{:?}",
        cross_field_errors(&good)
    );
    let mutations: Vec<(&str, Mutation)> = vec![
        (
            "a finding resting on an event not in the document",
            Box::new(|d| d["findings"][0]["events"][0] = "E999".into()),
        ),
        (
            "a recommendation answering a finding not in the document",
            Box::new(|d| d["recommendations"][0]["finding"] = "F999".into()),
        ),
        (
            "an event citing a source not in the document",
            Box::new(|d| d["events"][0]["sources"][0]["source"] = "nowhere".into()),
        ),
        (
            "a source nobody cites",
            Box::new(|d| {
                let mut extra = d["sources"][0].clone();
                extra["id"] = "uncited".into();
                d["sources"].as_array_mut().expect("sources").push(extra);
            }),
        ),
        (
            "a banner below a portion",
            Box::new(|d| {
                d["findings"][0]["portion"]["level"] = "Secret".into();
            }),
        ),
        (
            "a matrix row one cell short",
            Box::new(|d| {
                d["matrix"][0]["cells"].as_array_mut().expect("cells").pop();
            }),
        ),
        (
            "a matrix cell that contradicts the event's link",
            Box::new(|d| {
                let link = d["events"][0]["controls"][0].clone();
                let row = d["controls"]
                    .as_array()
                    .and_then(|c| c.iter().position(|c| c["id"] == link["control"]))
                    .expect("the control");
                let other = if link["effect"] == "Held" {
                    "Failed"
                } else {
                    "Held"
                };
                d["matrix"][row]["cells"][0] = other.into();
            }),
        ),
        (
            "a withheld portion without a ceiling",
            Box::new(|d| d["withheld"]["portions"] = 1.into()),
        ),
    ];
    for (what, mutate) in mutations {
        let mut doc = good.clone();
        mutate(&mut doc);
        assert!(
            !cross_field_errors(&doc).is_empty(),
            "the rules accept a document with {what}"
        );
    }
}

#[test]
fn fresh_json_exports_match_the_schema() {
    let v = validator();
    for record in [TAURUS, DEMO] {
        let doc = json_export(&report(record));
        assert_eq!(doc["format"], "hotwash-report/1");
        assert_export_valid(&v, &doc, record);
    }
}

#[test]
fn json_exports_with_a_ceiling_and_a_sign_off_match_the_schema() {
    let v = validator();
    // Withheld portions and a ceiling.
    let cut = report_with(DEMO, Some(Level::Unclassified));
    assert!(cut.ceiling.is_some() && cut.withheld.portions > 0);
    assert_export_valid(&v, &json_export(&cut), "the demo cut at Unclassified");
    for level in Level::ALL {
        let cut = report_with(TAURUS, Some(level));
        assert_export_valid(&v, &json_export(&cut), &format!("Taurus cut at {level:?}"));
    }

    // A signed-off review, current and stale.
    let mut signed = report(DEMO);
    signed.signoff.reviewer = Some("A. Analyst");
    signed.signoff.at = Some(generated());
    let hash = format!("sha256:{}", "0".repeat(64));
    signed.signoff.hash = Some(&hash);
    for status in [SignOffStatus::Current, SignOffStatus::Stale] {
        signed.signoff.status = status;
        assert_export_valid(&v, &json_export(&signed), "a signed-off demo");
    }
}

/// A change that breaks a valid document.
type Mutation = Box<dyn Fn(&mut Value)>;

#[test]
fn broken_json_documents_fail_the_schema() {
    let v = validator();
    let good = json_export(&report(DEMO));
    assert_valid(&v, &good, "the demo");

    let mutations: Vec<(&str, Mutation)> = vec![
        (
            "another format version",
            Box::new(|d| d["format"] = "hotwash-report/2".into()),
        ),
        (
            "an unknown top-level field",
            Box::new(|d| d["extra"] = true.into()),
        ),
        (
            "an unknown field in an event",
            Box::new(|d| d["events"][0]["colour"] = "red".into()),
        ),
        (
            "a missing required field",
            Box::new(|d| {
                d.as_object_mut().expect("object").remove("tlp");
            }),
        ),
        ("a TLP 1.0 label", Box::new(|d| d["tlp"] = "WHITE".into())),
        (
            "an unknown control effect",
            Box::new(|d| d["events"][1]["controls"][0]["effect"] = "Broken".into()),
        ),
        (
            "an unknown classification level",
            Box::new(|d| d["classification"]["level"] = "Secretish".into()),
        ),
        (
            "a count below zero",
            Box::new(|d| d["withheld"]["portions"] = (-1).into()),
        ),
        (
            "a generation time that is not UTC RFC 3339",
            Box::new(|d| d["generated"] = "1 June 2024".into()),
        ),
        (
            "a current sign-off without a reviewer",
            Box::new(|d| d["signoff"]["status"] = "current".into()),
        ),
    ];
    for (what, mutate) in mutations {
        let mut doc = good.clone();
        mutate(&mut doc);
        assert!(
            !schema_errors(&v, &doc).is_empty(),
            "the schema accepts a document with {what}"
        );
    }
}

/// The schema's value list at `pointer`.
fn schema_enum(schema: &Value, pointer: &str) -> Vec<String> {
    schema
        .pointer(pointer)
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("no enum at {pointer}"))
        .iter()
        .map(|v| v.as_str().expect("a string").to_string())
        .collect()
}

fn serialised<T: serde::Serialize>(values: &[T]) -> Vec<String> {
    values
        .iter()
        .map(|v| match serde_json::to_value(v).expect("serialise") {
            Value::String(s) => s,
            other => panic!("not a string: {other}"),
        })
        .collect()
}

#[test]
fn the_schema_enums_are_exactly_the_model_enums() {
    let s = schema();
    let finding = "/$defs/finding/properties";
    let cases: Vec<(String, Vec<String>)> = vec![
        ("/$defs/level/enum".to_string(), serialised(&Level::ALL)),
        ("/properties/tlp/enum".to_string(), serialised(&Tlp::ALL)),
        ("/$defs/scheme/enum".to_string(), serialised(&Scheme::ALL)),
        ("/$defs/effect/enum".to_string(), serialised(&Effect::ALL)),
        (
            format!("{finding}/kind/enum"),
            serialised(&FindingKind::ALL),
        ),
        (
            format!("{finding}/severity/enum"),
            serialised(&Severity::ALL),
        ),
        (
            format!("{finding}/likelihood/enum"),
            serialised(&Likelihood::ALL),
        ),
        (
            format!("{finding}/likelihood_term/enum"),
            Likelihood::ALL
                .iter()
                .map(|l| l.term().to_string())
                .collect(),
        ),
        (
            format!("{finding}/confidence/enum"),
            serialised(&Confidence::ALL),
        ),
        (
            "/$defs/recommendation/properties/status/enum".to_string(),
            serialised(&RecommendationStatus::ALL),
        ),
        (
            "/properties/signoff/properties/status/enum".to_string(),
            serialised(&[
                SignOffStatus::NotSignedOff,
                SignOffStatus::Current,
                SignOffStatus::Stale,
            ]),
        ),
    ];
    for (pointer, model) in cases {
        assert_eq!(schema_enum(&s, &pointer), model, "{pointer}");
    }
}

// ---------------------------------------------------------------- STIX

/// The OASIS validator, the `stix2` parse check, misp-stix and pycti, if
/// installed.
struct StixTools {
    validator: PathBuf,
    python: PathBuf,
    pycti_python: PathBuf,
    shared: PathBuf,
    scripts: PathBuf,
}

impl StixTools {
    /// The tools, or `None` (after saying so) when they are not installed
    /// and HOTWASH_REQUIRE_VALIDATORS is not set.
    fn find() -> Option<StixTools> {
        let shared = std::env::var_os("HOTWASH_SHARED")
            .map(PathBuf::from)
            .unwrap_or_else(|| root().join("../shared"));
        let tools = StixTools {
            validator: root().join(".ci/venv/bin/stix2_validator"),
            python: root().join(".ci/venv/bin/python"),
            pycti_python: root().join(".ci/venv-pycti/bin/python"),
            shared: shared.join("tools/stix"),
            scripts: root().join("tests/stix"),
        };
        let mut missing: Vec<String> = [
            &tools.validator,
            &tools.python,
            &tools.pycti_python,
            &tools.shared.join("make_tlp2_schema.py"),
        ]
        .into_iter()
        .filter(|p| !p.exists())
        .map(|p| p.display().to_string())
        .collect();
        if missing.is_empty() {
            let imports = |python: &Path, module: &str| {
                Command::new(python)
                    .args(["-c", &format!("import {module}")])
                    .output()
                    .is_ok_and(|o| o.status.success())
            };
            if !imports(&tools.python, "misp_stix_converter") {
                missing.push("misp-stix in .ci/venv".into());
            }
            if !imports(&tools.pycti_python, "pycti") {
                missing.push("pycti in .ci/venv-pycti".into());
            }
        }
        if missing.is_empty() {
            return Some(tools);
        }
        let required = std::env::var("HOTWASH_REQUIRE_VALIDATORS").is_ok_and(|v| v == "1");
        assert!(
            !required,
            "HOTWASH_REQUIRE_VALIDATORS=1 but these are missing: {}",
            missing.join(", ")
        );
        eprintln!(
            "skipping the STIX tool checks: missing {} (see .ci/run)",
            missing.join(", ")
        );
        None
    }

    /// Runs `python script args…`: success and its output.
    fn run(&self, python: &Path, script: &Path, args: &[&Path]) -> (bool, String) {
        let run = Command::new(python)
            .arg(script)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("run {}: {e}", script.display()));
        let output = format!(
            "{}{}",
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr)
        );
        (run.status.success(), output)
    }

    /// Writes the offline TLP 2.0 and Incident Core event schemas into `dir`.
    fn schemas(&self, dir: &Path) -> PathBuf {
        let out = dir.join("schemas");
        for script in [
            self.shared.join("make_tlp2_schema.py"),
            self.scripts.join("make_event_schema.py"),
        ] {
            let (ok, output) = self.run(&self.python, &script, &[&out]);
            assert!(ok, "{} failed:\n{output}", script.display());
        }
        out
    }

    /// `stix2_validator --version 2.1 --strict --enforce-refs --disable 302
    /// --schemas …` over `files`: success and its output. 302 wants a hash
    /// beside every external-reference URL: hotwash cites pages it never
    /// fetched, so it has no hash to give (docs/REPORT-JSON.md).
    fn validate(&self, schemas: &Path, files: &[PathBuf]) -> (bool, String) {
        let run = Command::new(&self.validator)
            .args([
                "--version",
                "2.1",
                "--strict",
                "--enforce-refs",
                "--disable",
                "302",
                "--schemas",
            ])
            .arg(schemas)
            .args(files)
            .env("NO_COLOR", "1")
            .output()
            .expect("run stix2_validator");
        let output = format!(
            "{}{}",
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr)
        );
        (run.status.success() && !output.contains("Invalid"), output)
    }

    /// The strict `stix2` parse and round trip of one bundle.
    fn parse(&self, file: &Path) -> (bool, String) {
        self.run(&self.python, &self.scripts.join("parse_strict.py"), &[file])
    }

    /// What misp-stix makes of one bundle (see tests/stix/misp_import.py).
    fn misp(&self, file: &Path, out: &Path) -> Value {
        let (ok, output) = self.run(
            &self.python,
            &self.scripts.join("misp_import.py"),
            &[file, out],
        );
        assert!(ok, "misp_import.py failed:\n{output}");
        serde_json::from_str(&output).unwrap_or_else(|e| panic!("{e}:\n{output}"))
    }

    /// pycti's id of every external reference of one bundle.
    fn pycti_ids(&self, file: &Path) -> Vec<Value> {
        let (ok, output) = self.run(
            &self.pycti_python,
            &self.scripts.join("pycti_ids.py"),
            &[file],
        );
        assert!(ok, "pycti_ids.py failed:\n{output}");
        output
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }
}

fn write_bundle(dir: &Path, name: &str, report: &Report) -> PathBuf {
    let path = dir.join(format!("{name}.stix.json"));
    let text = render(report, Format::Stix).expect("render STIX");
    std::fs::write(&path, text).expect("write the bundle");
    path
}

fn stix_objects(text: &str) -> Vec<Value> {
    let bundle: Value = serde_json::from_str(text).expect("JSON");
    bundle["objects"].as_array().cloned().expect("objects")
}

/// Objects that OASIS publishes and the bundle carries as they are.
fn published_by_oasis(o: &Value) -> bool {
    o["type"] == "marking-definition"
        || o["type"] == "extension-definition"
        || o["id"] == "identity--8ce3f695-d5a4-4dc8-9e93-a65af453a31a"
}

#[test]
fn stix_bundles_are_deterministic_and_carry_no_bundle_spec_version() {
    for record in [TAURUS, DEMO] {
        let a = render(&report(record), Format::Stix).expect("render");
        let b = render(&report(record), Format::Stix).expect("render");
        assert_eq!(a, b, "{record}: the same report gives the same bytes");
        let bundle: Value = serde_json::from_str(&a).expect("JSON");
        assert_eq!(bundle["type"], "bundle");
        assert!(bundle.get("spec_version").is_none());
        let objects = stix_objects(&a);
        let marking = objects[0]["id"].clone();
        for o in objects.iter().filter(|o| !published_by_oasis(o)) {
            let created = o["created"].as_str().expect("created");
            assert_eq!(created.len(), "2024-06-01T00:00:00.000Z".len(), "{created}");
            assert_eq!(o["object_marking_refs"], serde_json::json!([marking]));
        }
    }
}

#[test]
fn stix_created_and_modified_do_not_depend_on_source_date_epoch() {
    // As a user runs it: two exports at different SOURCE_DATE_EPOCH.
    let dir = scratch("epoch");
    let export = |epoch: &str| {
        let out = dir.join(format!("{epoch}.stix.json"));
        let run = Command::new(env!("CARGO_BIN_EXE_hotwash"))
            .env(
                "XDG_CACHE_HOME",
                concat!(env!("CARGO_TARGET_TMPDIR"), "/xdg-cache"),
            )
            .arg("export")
            .arg(root().join(TAURUS))
            .args(["--format", "stix", "--force", "--out"])
            .arg(&out)
            .env("SOURCE_DATE_EPOCH", epoch)
            .output()
            .expect("run hotwash export");
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        stix_objects(&std::fs::read_to_string(&out).expect("read the export"))
    };
    let (a, b) = (export("1717200000"), export("1900000000"));
    assert_eq!(a.len(), b.len());
    for (a, b) in a.iter().zip(&b) {
        assert_eq!(a["id"], b["id"]);
        assert_eq!(a["created"], b["created"], "{}", a["id"]);
        assert_eq!(a["modified"], b["modified"], "{}", a["id"]);
    }
    // And they come from the record: no object is created in 2030.
    assert!(
        a.iter()
            .all(|o| !o["created"].as_str().unwrap_or("").starts_with("2030"))
    );
}

#[test]
fn the_taurus_timeline_is_in_the_bundle_as_incident_core_events() {
    let r = report(TAURUS);
    let objects = stix_objects(&render(&r, Format::Stix).expect("render"));
    let events: Vec<&Value> = objects.iter().filter(|o| o["type"] == "event").collect();
    assert_eq!(events.len(), r.events.len());
    for (o, e) in events.iter().zip(&r.events) {
        let fidelity = serde_json::to_value(e.fidelity).expect("fidelity");
        let fidelity = fidelity.as_str().expect("a name").to_lowercase();
        assert_eq!(o["start_time_fidelity"], fidelity.as_str(), "{}", e.id);
        let name = o["name"].as_str().expect("name");
        assert!(
            name.starts_with(&format!("({}) {}: ", e.portion.portion, e.id)),
            "{name}"
        );
        if o.get("end_time").is_some() {
            assert!(
                o["end_time"].as_str() > o["start_time"].as_str(),
                "{}",
                e.id
            );
        }
    }
    assert!(
        objects
            .iter()
            .any(|o| o["id"] == "extension-definition--4ca6de00-5b0d-45ef-a1dc-ea7279ea910e")
    );
}

#[test]
fn stix_bundles_pass_the_oasis_validator_and_the_stix2_parse() {
    let Some(tools) = StixTools::find() else {
        return;
    };
    let dir = scratch("valid");
    let schemas = tools.schemas(&dir);

    let mut files = vec![
        write_bundle(&dir, "taurus", &report(TAURUS)),
        write_bundle(&dir, "demo", &report(DEMO)),
        write_bundle(
            &dir,
            "demo-cut",
            &report_with(DEMO, Some(Level::Unclassified)),
        ),
    ];
    // Every TLP 2.0 marking definition, not just the two the records use.
    for tlp in Tlp::ALL {
        let mut r = report(DEMO);
        r.tlp = tlp;
        let name = format!("demo-{}", tlp.word().to_lowercase().replace('+', "-"));
        files.push(write_bundle(&dir, &name, &r));
    }

    let (ok, output) = tools.validate(&schemas, &files);
    eprintln!("{output}");
    assert!(ok, "stix2_validator rejects an export:\n{output}");
    assert_eq!(
        output.matches("STIX JSON: Valid").count(),
        files.len(),
        "{output}"
    );

    for file in &files {
        let (ok, output) = tools.parse(file);
        eprintln!("{output}");
        assert!(ok, "stix2 cannot parse {}:\n{output}", file.display());
    }
}

#[test]
fn the_validator_and_the_parse_reject_broken_bundles() {
    // Guards the checks above: with the extension schemas in place, a TLP
    // marking whose tlp_2_0 does not match its id, and an event whose
    // fidelity is not in the Incident Core list, must fail.
    let Some(tools) = StixTools::find() else {
        return;
    };
    let dir = scratch("invalid");
    let schemas = tools.schemas(&dir);
    let text = render(&report(DEMO), Format::Stix).expect("render");
    let good: Value = serde_json::from_str(&text).expect("JSON");
    let event = good["objects"]
        .as_array()
        .and_then(|o| o.iter().position(|o| o["type"] == "event"))
        .expect("an event");
    let ext = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";
    let mutations: Vec<(&str, Mutation)> = vec![
        (
            "wrong-tlp",
            Box::new(move |b| b["objects"][0]["extensions"][ext]["tlp_2_0"] = "green".into()),
        ),
        (
            "wrong-fidelity",
            Box::new(move |b| b["objects"][event]["start_time_fidelity"] = "week".into()),
        ),
    ];
    for (name, mutate) in mutations {
        let mut bundle = good.clone();
        mutate(&mut bundle);
        let path = dir.join(format!("{name}.stix.json"));
        std::fs::write(&path, serde_json::to_string_pretty(&bundle).expect("JSON")).expect("write");
        let (ok, output) = tools.validate(&schemas, std::slice::from_ref(&path));
        assert!(!ok, "the validator accepts {name}:\n{output}");
        if name == "wrong-fidelity" {
            let (ok, output) = tools.parse(&path);
            assert!(!ok, "stix2 parses {name}:\n{output}");
        }
    }
}

#[test]
fn misp_stix_brings_every_finding_across_as_a_note_of_the_misp_event() {
    let Some(tools) = StixTools::find() else {
        return;
    };
    let dir = scratch("misp");
    let r = report(TAURUS);
    let file = write_bundle(&dir, "taurus", &r);
    let misp = tools.misp(&file, &dir.join("out"));
    let notes = misp["notes"].as_array().expect("notes");
    let comments: Vec<&str> = notes.iter().filter_map(|n| n["comment"].as_str()).collect();
    // The findings, then the claims (notes too, for `hotwash import stix`).
    let expected: Vec<String> = r
        .findings
        .iter()
        .map(|f| format!("({}) {}: {}", f.portion.portion, f.id, f.title))
        .chain(
            r.claims
                .iter()
                .map(|c| format!("({}) Claim {}", c.portion.portion, c.id)),
        )
        .collect();
    assert_eq!(
        comments, expected,
        "one note per finding and per claim, in order:\n{misp:#}"
    );
    for (note, f) in notes.iter().zip(&r.findings) {
        let text = note["note"].as_str().expect("the note's text");
        assert!(text.contains(f.likelihood_term), "{text}");
    }
    // misp-stix imports neither the incident nor Incident Core events, nor a
    // report's external references: the report's description, which becomes
    // an event report, carries the timeline and the sources in words.
    let reports = misp["event_reports"].as_array().expect("event reports");
    let description = reports
        .iter()
        .filter_map(Value::as_str)
        .find(|d| d.starts_with(r.classification.banner))
        .unwrap_or_else(|| panic!("no event report holds the description:\n{misp:#}"));
    for s in &r.sources {
        assert!(description.contains(s.url), "source {} is lost", s.id);
    }
    for e in &r.events {
        assert!(
            description.contains(&format!("- {} ", e.id)),
            "event {} is lost",
            e.id
        );
    }
    // The recommendations become galaxy clusters and keep their status; so
    // do the controls (courses of action too).
    let clusters = misp["galaxy_clusters"].as_array().expect("clusters");
    assert_eq!(clusters.len(), r.recommendations.len() + r.controls.len());
    let recommendations: Vec<&Value> = clusters
        .iter()
        .filter(|c| {
            c["description"]
                .as_str()
                .is_some_and(|d| d.contains(") Recommendation "))
        })
        .collect();
    assert_eq!(recommendations.len(), r.recommendations.len());
    for c in recommendations {
        assert!(
            c["description"]
                .as_str()
                .is_some_and(|d| d.contains("Status: ")),
            "{c}"
        );
    }
}

#[test]
fn pycti_gives_every_external_reference_an_id() {
    let Some(tools) = StixTools::find() else {
        return;
    };
    let dir = scratch("pycti");
    let r = report(TAURUS);
    let file = write_bundle(&dir, "taurus", &r);
    let objects = stix_objects(&std::fs::read_to_string(&file).expect("read"));
    let references: usize = objects
        .iter()
        .filter_map(|o| o["external_references"].as_array())
        .map(Vec::len)
        .sum();
    let ids = tools.pycti_ids(&file);
    assert_eq!(ids.len(), references);
    // Every cited source, on the report, once per citation on events and
    // claims, and each control's catalogue id.
    let citations: usize = r.events.iter().map(|e| e.sources.len()).sum::<usize>()
        + r.claims.iter().map(|c| c.sources.len()).sum::<usize>();
    assert_eq!(references, r.sources.len() + citations + r.controls.len());
    for id in &ids {
        assert!(
            id["id"]
                .as_str()
                .is_some_and(|i| i.starts_with("external-reference--")),
            "pycti gives no id to {id}"
        );
    }
}

// ---------------------------------------------------------- line breaks

/// The demo record with a review whose finding statement has three lines
/// (a blank line before the third) and whose note on E1 has two.
fn multi_line_report() -> Report<'static> {
    let dir = scratch("multi-line");
    let fixtures = root().join("tests/fixtures/tui");
    std::fs::copy(fixtures.join("demo.ron"), dir.join("demo.ron")).expect("copy the record");
    let review = std::fs::read_to_string(fixtures.join("demo.review.ron")).expect("the review");
    let review = review
        .replace(
            "The traveller bypassed the secure dial-in and joined over an untrusted network.",
            r"The traveller bypassed the secure dial-in.\nHe joined over hotel Wi-Fi.\n\nNo one checked.",
        )
        .replace("Root of the leak.", r"Root of the leak.\nCheck the invoice.");
    std::fs::write(dir.join("demo.review.ron"), review).expect("write the review");
    report_with(dir.join("demo.ron").to_str().expect("a UTF-8 path"), None)
}

#[test]
fn json_and_stix_keep_the_line_breaks_of_statements_and_notes() {
    let report = multi_line_report();
    let statement = "The traveller bypassed the secure dial-in.\nHe joined over hotel Wi-Fi.\n\nNo one checked.";
    let doc = json_export(&report);
    assert_eq!(doc["findings"][0]["statement"], statement);
    let e1 = doc["events"]
        .as_array()
        .and_then(|events| events.iter().find(|e| e["id"] == "E1"))
        .expect("E1 in the JSON");
    assert_eq!(e1["note"], "Root of the leak.\nCheck the invoice.");

    let bundle: Value =
        serde_json::from_str(&render(&report, Format::Stix).expect("render STIX")).expect("JSON");
    let note = bundle["objects"]
        .as_array()
        .and_then(|objects| objects.iter().find(|o| o["type"] == "note"))
        .expect("a note for the finding");
    let content = note["content"].as_str().expect("content");
    assert!(
        content.starts_with(&format!("(NR) {statement}\n\n")),
        "{content}"
    );
}
