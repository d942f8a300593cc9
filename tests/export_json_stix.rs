//! The JSON and STIX 2.1 exports, checked by the tools their readers use.
//!
//! JSON: fresh exports validate against `assets/hotwash-report-1.schema.json`
//! (JSON Schema 2020-12), and broken documents do not.
//!
//! STIX: fresh bundles pass the OASIS validator in strict mode with the TLP
//! 2.0 extension schema and parse with the OASIS `stix2` library with
//! `allow_custom=False`. Both live in a virtual environment at `.ci/venv`
//! (see `.ci/run`); the scripts come from `<repo>/../shared/tools/stix`, or
//! from `$HOTWASH_SHARED/tools/stix`. Without them the STIX tests say so and
//! pass, so that `cargo test` works on a fresh machine; CI sets
//! HOTWASH_REQUIRE_VALIDATORS=1 to make a missing validator a failure.

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

fn report_with(record: &str, max_classification: Option<Level>) -> Report {
    let path = root().join(record);
    let (record, review) = hotwash::cli::load_for_report(&path, &LoadOptions::default())
        .unwrap_or_else(|_| panic!("{} loads", path.display()));
    build(
        &record,
        &review,
        &ReportOptions {
            max_classification,
            generated: Some(generated()),
        },
    )
}

fn report(record: &str) -> Report {
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

#[test]
fn fresh_json_exports_match_the_schema() {
    let v = validator();
    for record in [TAURUS, DEMO] {
        let doc = json_export(&report(record));
        assert_eq!(doc["format"], "hotwash-report/1");
        assert_valid(&v, &doc, record);
    }
}

#[test]
fn json_exports_with_a_ceiling_and_a_sign_off_match_the_schema() {
    let v = validator();
    // Withheld portions and a ceiling.
    let cut = report_with(DEMO, Some(Level::Unclassified));
    assert!(cut.ceiling.is_some() && cut.withheld.portions > 0);
    assert_valid(&v, &json_export(&cut), "the demo cut at Unclassified");

    // A signed-off review, current and stale.
    let mut signed = report(DEMO);
    signed.signoff.reviewer = Some("A. Analyst".into());
    signed.signoff.at = Some(generated());
    signed.signoff.hash = Some(format!("sha256:{}", "0".repeat(64)));
    for status in [SignOffStatus::Current, SignOffStatus::Stale] {
        signed.signoff.status = status;
        assert_valid(&v, &json_export(&signed), "a signed-off demo");
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

/// The OASIS validator and the `stix2` parse check, if installed.
struct StixTools {
    validator: PathBuf,
    python: PathBuf,
    scripts: PathBuf,
}

impl StixTools {
    /// The tools, or `None` (after saying so) when they are not installed
    /// and HOTWASH_REQUIRE_VALIDATORS is not set.
    fn find() -> Option<StixTools> {
        let bin = root().join(".ci/venv/bin");
        let shared = std::env::var_os("HOTWASH_SHARED")
            .map(PathBuf::from)
            .unwrap_or_else(|| root().join("../shared"));
        let tools = StixTools {
            validator: bin.join("stix2_validator"),
            python: bin.join("python"),
            scripts: shared.join("tools/stix"),
        };
        let missing: Vec<String> = [
            &tools.validator,
            &tools.python,
            &tools.scripts.join("make_tlp2_schema.py"),
            &tools.scripts.join("parse_with_stix2.py"),
        ]
        .into_iter()
        .filter(|p| !p.exists())
        .map(|p| p.display().to_string())
        .collect();
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
            "skipping the STIX validator checks: missing {} (see .ci/run)",
            missing.join(", ")
        );
        None
    }

    /// Writes the offline TLP 2.0 extension schema into `dir`.
    fn tlp2_schemas(&self, dir: &Path) -> PathBuf {
        let out = dir.join("tlp2-schemas");
        let run = Command::new(&self.python)
            .arg(self.scripts.join("make_tlp2_schema.py"))
            .arg(&out)
            .output()
            .expect("run make_tlp2_schema.py");
        assert!(
            run.status.success(),
            "make_tlp2_schema.py failed:\n{}",
            String::from_utf8_lossy(&run.stderr)
        );
        out
    }

    /// `stix2_validator --version 2.1 --strict --enforce-refs --schemas …`
    /// over `files`: success and its output.
    fn validate(&self, schemas: &Path, files: &[PathBuf]) -> (bool, String) {
        let run = Command::new(&self.validator)
            .args([
                "--version",
                "2.1",
                "--strict",
                "--enforce-refs",
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
        let run = Command::new(&self.python)
            .arg(self.scripts.join("parse_with_stix2.py"))
            .arg(file)
            .output()
            .expect("run parse_with_stix2.py");
        let output = format!(
            "{}{}",
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr)
        );
        (run.status.success(), output)
    }
}

fn write_bundle(dir: &Path, name: &str, report: &Report) -> PathBuf {
    let path = dir.join(format!("{name}.stix.json"));
    let text = render(report, Format::Stix).expect("render STIX");
    std::fs::write(&path, text).expect("write the bundle");
    path
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
        let objects = bundle["objects"].as_array().expect("objects");
        let marking = objects[0]["id"].clone();
        for o in objects {
            let created = o["created"].as_str().expect("created");
            assert_eq!(created.len(), "2024-06-01T00:00:00.000Z".len(), "{created}");
            if o["type"] != "marking-definition" {
                assert_eq!(o["object_marking_refs"], serde_json::json!([marking]));
            }
        }
    }
}

#[test]
fn stix_bundles_pass_the_oasis_validator_and_the_stix2_parse() {
    let Some(tools) = StixTools::find() else {
        return;
    };
    let dir = scratch("valid");
    let schemas = tools.tlp2_schemas(&dir);

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
fn the_validator_rejects_a_bundle_with_the_wrong_tlp_marking() {
    // Guards the check above: with the extension schema in place, a
    // marking definition whose tlp_2_0 does not match its id must fail.
    let Some(tools) = StixTools::find() else {
        return;
    };
    let dir = scratch("invalid");
    let schemas = tools.tlp2_schemas(&dir);
    let text = render(&report(DEMO), Format::Stix).expect("render");
    let mut bundle: Value = serde_json::from_str(&text).expect("JSON");
    let ext = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";
    bundle["objects"][0]["extensions"][ext]["tlp_2_0"] = "green".into();
    let path = dir.join("wrong-tlp.stix.json");
    std::fs::write(&path, serde_json::to_string_pretty(&bundle).expect("JSON")).expect("write");
    let (ok, output) = tools.validate(&schemas, &[path]);
    assert!(
        !ok,
        "the validator accepts a mismatched TLP marking:\n{output}"
    );
}

// ---------------------------------------------------------- line breaks

/// The demo record with a review whose finding statement has three lines
/// (a blank line before the third) and whose note on E1 has two.
fn multi_line_report() -> Report {
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
