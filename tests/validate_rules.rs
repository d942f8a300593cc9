//! The loader's rules, file by file: every fixture in tests/fixtures/invalid/
//! carries one defect, and the loader must name it with the right code, at the
//! right line and column, in the right words.

use std::path::{Path, PathBuf};

use hotwash::load::{self, Diagnostic, FileReport, LineCol, LoadOptions, Severity};
use hotwash::model::{Level, Record, Review, Tlp};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(fixture(rel)).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
}

/// The valid fixture record, loaded.
fn minimal() -> Record {
    let loaded = load::load_record(&fixture("valid/minimal.ron"), &LoadOptions::default());
    assert!(
        loaded.report.diagnostics.is_empty(),
        "{:#?}",
        loaded.report.diagnostics
    );
    loaded.value.expect("the minimal record loads")
}

/// A unique, empty scratch folder, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!(
            "hotwash-validate-rules-{}-{name}",
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

enum Msg<'a> {
    Exact(&'a str),
    /// For messages worded by ron rather than by hotwash.
    Contains(&'a str),
}

fn at(line: usize, column: usize) -> Option<LineCol> {
    Some(LineCol { line, column })
}

/// The text a diagnostic underlines.
fn underlined<'r>(report: &'r FileReport, d: &Diagnostic) -> &'r str {
    let text = report.text.as_deref().expect("the report keeps the text");
    let span = d.span.clone().expect("the diagnostic has a span");
    &text[span]
}

/// Asserts that the report's first error has this code, position and message,
/// and returns it for further checks.
fn first_error<'r>(
    report: &'r FileReport,
    code: &str,
    start: Option<LineCol>,
    message: Msg<'_>,
) -> &'r Diagnostic {
    assert!(!report.is_valid(), "{} was accepted", report.path.display());
    let d = report.first_error().expect("an error");
    assert_eq!(d.code, code, "{}: {d:#?}", report.path.display());
    assert_eq!(d.start, start, "{}: {d:#?}", report.path.display());
    match message {
        Msg::Exact(m) => assert_eq!(d.message, m),
        Msg::Contains(m) => assert!(d.message.contains(m), "{:?} lacks {m:?}", d.message),
    }
    d
}

/// Loads `invalid/<name>` and asserts it fails with exactly one diagnostic.
fn only_error(name: &str, code: &str, start: Option<LineCol>, message: Msg<'_>) -> FileReport {
    let loaded = load::load_record(
        &fixture(&format!("invalid/{name}")),
        &LoadOptions::default(),
    );
    assert!(
        loaded.value.is_none(),
        "{name}: an invalid record has no value"
    );
    let report = loaded.report;
    first_error(&report, code, start, message);
    assert_eq!(
        report.diagnostics.len(),
        1,
        "{name}: {:#?}",
        report.diagnostics
    );
    report
}

fn help(report: &FileReport) -> &str {
    report.diagnostics[0].help.as_deref().expect("a help text")
}

// --- valid files -----------------------------------------------------------

#[test]
fn the_minimal_record_and_review_load_without_any_diagnostic() {
    let record = minimal();
    assert_eq!(record.id, "fixture-dial-in");
    assert_eq!(
        (
            record.actors.len(),
            record.sources.len(),
            record.controls.len()
        ),
        (2, 2, 3)
    );
    assert_eq!((record.events.len(), record.claims.len()), (3, 1));
    assert_eq!(record.tlp, Tlp::Amber);
    assert_eq!(record.highest_portion(), Level::Restricted);
    // Implicit `Some`: optional fields are written bare and still arrive.
    assert_eq!(
        record.events[0]
            .place
            .as_ref()
            .and_then(|p| p.zone.as_deref()),
        Some("Europe/Berlin")
    );
    assert_eq!(
        record.events[1].end.map(|t| t.to_string()).as_deref(),
        Some("2024-03-01T14:40+01:00")
    );
    assert!(record.sources[1].date.is_none());

    let path = fixture("valid/minimal.review.ron");
    let review = load::review_from_text(&path, read("valid/minimal.review.ron"), &record);
    assert!(
        review.report.diagnostics.is_empty(),
        "{:#?}",
        review.report.diagnostics
    );
    let review: Review = review.value.expect("the review loads");
    assert_eq!(
        (review.findings.len(), review.recommendations.len()),
        (2, 2)
    );
    let mark = review.mark("E3").expect("E3 is marked");
    assert!(mark.reviewed && !mark.flagged && !mark.included);
    assert!(review.mark("E2").is_some_and(|m| m.flagged && m.included));
}

#[test]
fn the_control_titles_are_the_catalogue_titles() {
    let catalog = hotwash::model::Catalog::nist();
    for control in minimal().controls {
        let entry = catalog.get(&control.id).expect("a catalogue id");
        assert_eq!(control.title, entry.title);
        assert!(!entry.withdrawn);
    }
}

#[test]
fn a_byte_order_mark_and_crlf_line_endings_are_accepted() {
    let bytes = std::fs::read(fixture("valid/crlf-bom.ron")).expect("read");
    // Guard against the fixture losing its bytes to a line-ending conversion.
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "the fixture has lost its BOM"
    );
    assert!(
        bytes.windows(2).any(|w| w == b"\r\n"),
        "the fixture has lost its CRLFs"
    );

    let loaded = load::load_record(&fixture("valid/crlf-bom.ron"), &LoadOptions::default());
    assert!(
        loaded.report.diagnostics.is_empty(),
        "{:#?}",
        loaded.report.diagnostics
    );
    let record = loaded.value.expect("loads");
    let lf = minimal();
    assert_eq!(record.id, "fixture-crlf-bom");
    assert_eq!(
        record.events, lf.events,
        "no carriage return leaks into the values"
    );
    assert_eq!(record.summary, lf.summary);
}

#[test]
fn positions_in_a_crlf_file_with_a_bom_match_the_lf_file() {
    let crlf = std::fs::read(fixture("valid/crlf-bom.ron")).expect("read");
    let crlf = String::from_utf8(crlf).expect("UTF-8");
    let broken = crlf.replacen("actors: [\"caller\"]", "actors: [\"callr\"]", 1);
    assert_ne!(broken, crlf);
    let text = load::text::decode(broken.into_bytes()).expect("decodes");
    let report = load::record_from_text(Path::new("crlf.ron"), text).report;
    let lf = read("valid/minimal.ron").replacen("actors: [\"caller\"]", "actors: [\"callr\"]", 1);
    let lf_report = load::record_from_text(Path::new("lf.ron"), lf).report;
    let d = first_error(
        &report,
        "ref.actor",
        at(73, 22),
        Msg::Exact("unknown actor \"callr\""),
    );
    assert_eq!(d.start, lf_report.first_error().and_then(|d| d.start));
    assert_eq!(underlined(&report, d), "\"callr\"");
}

// --- syntax and types ------------------------------------------------------

#[test]
fn a_misspelt_field_is_named_with_the_fields_expected() {
    let r = only_error(
        "unknown-field.ron",
        "parse.syntax",
        at(82, 13),
        Msg::Contains("Unexpected field named `narative` in `Event`"),
    );
    let d = &r.diagnostics[0];
    assert!(d.message.contains("`narrative`"), "{}", d.message);
    assert_eq!(underlined(&r, d), "narative");
}

#[test]
fn a_missing_field_is_reported_at_the_end_of_its_struct() {
    let r = only_error(
        "missing-field.ron",
        "parse.syntax",
        at(62, 9),
        Msg::Contains("missing field named `fidelity` in `Event`"),
    );
    assert_eq!(underlined(&r, &r.diagnostics[0]), ")");
}

#[test]
fn reliability_outside_a_to_f_is_a_parse_error_listing_the_grades() {
    let r = only_error(
        "reliability-g.ron",
        "parse.syntax",
        at(28, 26),
        Msg::Contains("Unexpected variant named `G` in enum `Reliability`"),
    );
    assert!(
        r.diagnostics[0]
            .message
            .contains("`A`, `B`, `C`, `D`, `E`, or `F`")
    );
    assert_eq!(underlined(&r, &r.diagnostics[0]), "G");
}

// ron places an error raised by a string's deserialiser one character after
// the opening quote (the span runs `2024-…15"`): see the report to the lead.
#[test]
fn a_time_of_day_without_an_offset_is_refused() {
    only_error(
        "time-without-offset.ron",
        "parse.syntax",
        at(54, 17),
        Msg::Exact(
            "invalid timestamp \"2024-02-26T09:15\": a time of day needs its UTC offset \
             (Z or ±hh:mm); expected ISO 8601 such as \"2024-02-19\", \"2024-02-19T23+08:00\" \
             or \"2024-03-01T12:31:00+01:00\"",
        ),
    );
}

#[test]
fn tlp_white_is_refused_with_a_pointer_to_clear() {
    only_error(
        "tlp-white.ron",
        "parse.syntax",
        at(9, 10),
        Msg::Exact(
            "unknown TLP label \"WHITE\" (TLP 2.0 replaced WHITE with CLEAR); expected exactly \
             one of \"CLEAR\", \"GREEN\", \"AMBER\", \"AMBER+STRICT\", \"RED\"",
        ),
    );
}

#[test]
fn a_truncated_file_is_recognised_as_truncated() {
    let r = only_error(
        "truncated.ron",
        "parse.eof",
        at(68, 43),
        Msg::Exact("the file ends too early"),
    );
    assert!(help(&r).contains("truncated"), "{}", help(&r));
    let text = r.text.as_deref().expect("text");
    assert_eq!(r.diagnostics[0].span, Some(text.len() - 1..text.len()));
}

#[test]
fn thousands_of_nested_lists_give_an_error_not_a_crash() {
    // 5000 `[` where a string belongs. The parser stops at the first one, so
    // the nesting limit is never reached; what matters is a placed error.
    // The error stands at the first `[`, after the white space.
    let r = only_error(
        "deeply-nested.ron",
        "parse.syntax",
        at(82, 24),
        Msg::Exact("Expected string"),
    );
    // The snippet of a 5000-character line is left out, not printed.
    let shown = r.render(false, 100);
    assert!(shown.contains("deeply-nested.ron:82:24"), "{shown}");
    assert!(shown.len() < 2_000, "{} bytes rendered", shown.len());
}

#[test]
fn nesting_beyond_the_limit_is_an_error_of_its_own() {
    // No record type recurses, so exercise the limit through a value that
    // does: the parser must refuse it instead of overflowing the stack.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let d = load::parse::<ron::Value>(&deep).expect_err("too deep");
    assert_eq!(d.code, "parse.nesting");
    assert_eq!(
        d.message,
        "the file nests values deeper than any record needs"
    );
    assert_eq!(d.start.map(|s| s.line), Some(1));
    // Modest nesting is fine. (ron counts a list and its element as two
    // steps, so the limit is reached at about half of MAX_NESTING lists.)
    let ok = format!("{}{}", "[".repeat(16), "]".repeat(16));
    load::parse::<ron::Value>(&ok).expect("within the limit");
}

// --- text -------------------------------------------------------------------

#[test]
fn an_empty_or_blank_file_is_empty() {
    for name in ["empty.ron", "whitespace.ron"] {
        let r = only_error(name, "text.empty", None, Msg::Exact("the file is empty"));
        assert!(help(&r).contains("(schema: 1"), "{}", help(&r));
    }
}

#[test]
fn invalid_utf8_is_refused_with_its_position() {
    let bytes = std::fs::read(fixture("invalid/not-utf8.ron")).expect("read");
    assert!(
        String::from_utf8(bytes).is_err(),
        "the fixture must not be UTF-8"
    );
    let r = only_error(
        "not-utf8.ron",
        "text.utf8",
        at(6, 32),
        Msg::Exact("the file is not valid UTF-8"),
    );
    assert_eq!(help(&r), "save the file as UTF-8");
}

#[test]
fn a_file_with_nul_bytes_is_binary() {
    let r = only_error(
        "binary.ron",
        "text.binary",
        at(7, 25),
        Msg::Exact("this looks like a binary file (it holds a NUL byte), not a RON record"),
    );
    assert!(r.text.is_none(), "binary text is not kept for snippets");
}

#[test]
fn the_size_limit_is_inclusive() {
    let path = fixture("valid/minimal.ron");
    let size = std::fs::metadata(&path).expect("metadata").len();
    let at_limit = load::load_record(
        &path,
        &LoadOptions {
            max_size: size,
            ..LoadOptions::default()
        },
    );
    assert!(
        at_limit.value.is_some(),
        "{:#?}",
        at_limit.report.diagnostics
    );

    let over = load::load_record(
        &path,
        &LoadOptions {
            max_size: size - 1,
            ..LoadOptions::default()
        },
    );
    assert!(over.value.is_none());
    let d = first_error(
        &over.report,
        "io.too-large",
        None,
        Msg::Exact(&format!(
            "the file is {size} bytes, over the limit of {} bytes",
            size - 1
        )),
    );
    assert!(d.help.as_deref().is_some_and(|h| h.contains("--max-size")));

    // The review beside a record that is too large is not checked either.
    let reports = load::validate_paths(
        &[path],
        &LoadOptions {
            max_size: 10,
            ..LoadOptions::default()
        },
    );
    let codes: Vec<&str> = reports.iter().map(|r| r.diagnostics[0].code).collect();
    assert_eq!(codes, ["io.too-large", "review.unchecked"]);
    // The review itself is not invalid: only the record is counted.
    assert_eq!(reports[1].diagnostics[0].severity, Severity::Warning);
    assert!(reports[1].is_valid());
}

#[test]
fn a_file_cut_mid_word_is_reported_as_truncated() {
    let text = read("valid/minimal.ron");
    for cut in [
        "classification: (scheme: Na",
        "    actors: [\n        (id: \"lead\", na",
    ] {
        let end = text.find(cut).expect("cut point") + cut.len();
        let r = load::record_from_text(Path::new("cut.ron"), text[..end].to_string()).report;
        let d = r.first_error().expect("an error");
        assert_eq!(d.code, "parse.eof", "{cut:?}: {d:#?}");
        assert!(d.help.as_deref().is_some_and(|h| h.contains("truncated")));
    }
}

#[test]
fn quoted_enum_values_get_a_hint() {
    let text = read("valid/minimal.ron").replacen("fidelity: Day", "fidelity: \"Day\"", 1);
    let r = load::record_from_text(Path::new("quoted.ron"), text).report;
    let d = r.first_error().expect("an error");
    assert_eq!(d.message, "Expected identifier");
    assert!(
        d.help
            .as_deref()
            .is_some_and(|h| h.contains("without quotes")),
        "{d:#?}"
    );
}

#[test]
fn equally_close_ids_are_all_suggested() {
    let text = read("valid/minimal.review.ron");
    let record: Record =
        load::parse(&read("valid/minimal.ron")).expect("the minimal record parses");
    let mut review: Review = load::parse(&text).expect("the minimal review parses");
    review.findings.push(review.findings[0].clone());
    review.findings[0].id = "F1".into();
    review.findings[1].id = "F2".into();
    review.findings.last_mut().expect("a finding").id = "F4".into();
    review.recommendations[0].finding = "F3".into();
    let problems = hotwash::load::check::check_review(&review, &record, None);
    let p = problems
        .iter()
        .find(|p| p.code == "ref.finding")
        .expect("a bad reference");
    assert_eq!(
        p.help.as_deref(),
        Some("did you mean \"F1\" or \"F2\" or \"F4\"?")
    );
}

// --- versions ---------------------------------------------------------------

#[test]
fn an_unsupported_schema_version_is_named() {
    only_error(
        "schema-2.ron",
        "schema.version",
        at(4, 13),
        Msg::Exact("record format version 2 is not supported; this hotwash reads version 1"),
    );
}

#[test]
fn a_newer_file_that_does_not_parse_is_reported_as_newer_not_as_unknown_field() {
    let r = only_error(
        "schema-2-new-field.ron",
        "schema.version",
        at(4, 13),
        Msg::Exact("record format version 2 is not supported; this hotwash reads version 1"),
    );
    assert!(help(&r).contains("newer hotwash"), "{}", help(&r));
}

// --- references and ids ----------------------------------------------------

#[test]
fn an_unknown_actor_is_placed_and_the_nearest_suggested() {
    let r = only_error(
        "unknown-actor.ron",
        "ref.actor",
        at(83, 22),
        Msg::Exact("unknown actor \"laed\""),
    );
    assert_eq!(help(&r), "did you mean \"lead\"?");
    assert_eq!(underlined(&r, &r.diagnostics[0]), "\"laed\"");
}

#[test]
fn an_unknown_source_is_placed_and_the_nearest_suggested() {
    let r = only_error(
        "unknown-source.ron",
        "ref.source",
        at(73, 32),
        Msg::Exact("unknown source \"logs\""),
    );
    assert_eq!(help(&r), "did you mean \"log\"?");
    assert_eq!(underlined(&r, &r.diagnostics[0]), "\"logs\"");
}

#[test]
fn an_event_linking_an_undefined_control_is_an_error() {
    let loaded = load::load_record(
        &fixture("invalid/unknown-control-ref.ron"),
        &LoadOptions::default(),
    );
    let r = loaded.report;
    let d = first_error(
        &r,
        "ref.control",
        at(85, 34),
        Msg::Exact("unknown control \"AU-7\""),
    );
    assert_eq!(d.help.as_deref(), Some("did you mean \"AU-6\"?"));
    assert_eq!(underlined(&r, d), "\"AU-7\"");
    // AU-6 is now linked to nothing: a warning, listed first by position.
    assert_eq!((r.errors(), r.warnings()), (1, 1));
    assert_eq!(r.diagnostics[0].code, "unused.control");
    assert_eq!(r.diagnostics[0].start, at(46, 17));
}

#[test]
fn a_control_id_not_in_the_catalogue_suggests_the_catalogue_spelling() {
    let r = only_error(
        "control-not-in-catalogue.ron",
        "control.unknown",
        at(34, 17),
        Msg::Exact("\"SC-08\" is not a control of NIST SP 800-53 Rev. 5"),
    );
    assert_eq!(help(&r), "did you mean \"SC-8\"?");
}

#[test]
fn a_withdrawn_control_is_refused() {
    let r = only_error(
        "withdrawn-control.ron",
        "control.withdrawn",
        at(46, 17),
        Msg::Exact(
            "AC-13 (Supervision and Review — Access Control) is withdrawn from NIST SP 800-53 Rev. 5",
        ),
    );
    assert_eq!(underlined(&r, &r.diagnostics[0]), "\"AC-13\"");
}

#[test]
fn duplicate_ids_point_at_the_second_use() {
    let r = only_error(
        "duplicate-event-id.ron",
        "id.duplicate",
        at(78, 17),
        Msg::Exact("duplicate event id \"E2\"; it is first used by event number 2"),
    );
    assert_eq!(underlined(&r, &r.diagnostics[0]), "\"E2\"");
    only_error(
        "duplicate-actor-id.ron",
        "id.duplicate",
        at(12, 14),
        Msg::Exact("duplicate actor id \"lead\"; it is first used by actor number 1"),
    );
}

// --- grades, times, markings -------------------------------------------------

#[test]
fn credibility_seven_is_out_of_range() {
    let r = only_error(
        "credibility-7.ron",
        "grade.credibility",
        at(73, 52),
        Msg::Exact("credibility 7 is out of range"),
    );
    assert!(help(&r).contains("1 (confirmed) to 6"), "{}", help(&r));
    assert_eq!(underlined(&r, &r.diagnostics[0]), "7");
}

#[test]
fn an_end_before_the_start_is_refused() {
    let r = only_error(
        "end-before-start.ron",
        "time.end-before-start",
        at(68, 18),
        Msg::Exact(
            "the event ends (2024-03-01T13:40+01:00) before it starts (2024-03-01T14:02+01:00)",
        ),
    );
    assert_eq!(
        underlined(&r, &r.diagnostics[0]),
        "\"2024-03-01T13:40+01:00\""
    );
}

#[test]
fn a_fidelity_finer_than_the_timestamp_is_refused() {
    let r = only_error(
        "fidelity-finer.ron",
        "time.fidelity",
        at(80, 23),
        Msg::Exact("fidelity hour is finer than the time 2024-03-02 carries (day)"),
    );
    assert_eq!(underlined(&r, &r.diagnostics[0]), "Hour");
}

#[test]
fn an_unknown_time_zone_suggests_the_iana_name() {
    let r = only_error(
        "unknown-zone.ron",
        "time.zone",
        at(56, 50),
        Msg::Exact("unknown time zone \"Europe/Berln\""),
    );
    assert_eq!(
        help(&r),
        "did you mean \"Europe/Berlin\"? Zones are IANA names"
    );
}

#[test]
fn a_portion_above_the_overall_marking_is_refused() {
    let r = only_error(
        "portion-above-overall.ron",
        "marking.above-overall",
        at(75, 22),
        Msg::Exact("this event is marked Secret but the record as a whole only Restricted"),
    );
    assert_eq!(underlined(&r, &r.diagnostics[0]), "Secret");
}

#[test]
fn the_us_scheme_has_no_restricted_level_anywhere_in_the_record() {
    let loaded = load::load_record(
        &fixture("invalid/us-restricted.ron"),
        &LoadOptions::default(),
    );
    let r = loaded.report;
    let message = "the Us scheme has no Restricted level";
    first_error(&r, "marking.scheme", at(8, 41), Msg::Exact(message));
    // The overall level, and the one event marked Restricted.
    let found: Vec<(&str, Option<LineCol>)> =
        r.diagnostics.iter().map(|d| (d.code, d.start)).collect();
    assert_eq!(
        found,
        [
            ("marking.scheme", at(8, 41)),
            ("marking.scheme", at(75, 22))
        ]
    );
    assert!(r.diagnostics.iter().all(|d| d.message == message));
}

// --- several problems at once -------------------------------------------------

#[test]
fn one_file_with_several_semantic_defects_reports_all_of_them_in_order() {
    let loaded = load::load_record(
        &fixture("invalid/many-defects.ron"),
        &LoadOptions::default(),
    );
    assert!(loaded.value.is_none());
    let r = loaded.report;
    let found: Vec<(Severity, &str, Option<LineCol>)> = r
        .diagnostics
        .iter()
        .map(|d| (d.severity, d.code, d.start))
        .collect();
    assert_eq!(
        found,
        [
            // The misspelt "callr" leaves the actor "caller" unused.
            (Severity::Warning, "unused.actor", at(12, 14)),
            (Severity::Error, "control.unknown", at(46, 17)),
            (Severity::Error, "time.zone", at(56, 50)),
            (Severity::Error, "time.end-before-start", at(68, 18)),
            (Severity::Error, "ref.actor", at(72, 22)),
            (Severity::Error, "grade.credibility", at(73, 52)),
            (Severity::Error, "marking.above-overall", at(75, 22)),
        ]
    );
    assert_eq!((r.errors(), r.warnings()), (6, 1));
    assert_eq!(
        r.diagnostics[1].help.as_deref(),
        Some("did you mean \"AU-6\"?")
    );
}

// --- reviews ------------------------------------------------------------------

fn review_report(name: &str) -> FileReport {
    let path = fixture(&format!("invalid/{name}"));
    let loaded = load::review_from_text(&path, read(&format!("invalid/{name}")), &minimal());
    assert!(
        loaded.value.is_none(),
        "{name}: an invalid review has no value"
    );
    assert_eq!(
        loaded.report.diagnostics.len(),
        1,
        "{:#?}",
        loaded.report.diagnostics
    );
    loaded.report
}

#[test]
fn a_recommendation_for_an_unknown_finding_is_refused() {
    let r = review_report("unknown-finding.review.ron");
    first_error(
        &r,
        "ref.finding",
        at(43, 22),
        Msg::Exact("unknown finding \"F3\""),
    );
    assert_eq!(underlined(&r, &r.diagnostics[0]), "\"F3\"");
}

#[test]
fn a_mark_on_an_event_the_record_lacks_is_refused() {
    let r = review_report("unknown-mark-event.review.ron");
    first_error(
        &r,
        "ref.event",
        at(51, 17),
        Msg::Exact("unknown event \"E4\""),
    );
    assert_eq!(underlined(&r, &r.diagnostics[0]), "\"E4\"");
}

#[test]
fn a_sign_off_hash_must_be_sha256() {
    let r = review_report("bad-hash.review.ron");
    first_error(
        &r,
        "signoff.hash",
        at(56, 15),
        Msg::Exact("\"md5:9f86d081884c7d659a2feaa0c55ad015\" is not a content hash"),
    );
    assert!(help(&r).contains("64 hexadecimal digits"), "{}", help(&r));
}

/// The minimal review with `conflicts` holding `entries` (RON).
fn with_conflicts(entries: &str) -> load::Loaded<Review> {
    let text = read("valid/minimal.review.ron");
    // A merge with conflicts drops the sign-off: this one would be stale.
    let end = text.find("    signoff:").expect("the review's sign-off");
    let text = format!("{}    conflicts: [\n{entries}    ],\n)\n", &text[..end]);
    load::review_from_text(&fixture("valid/minimal.review.ron"), text, &minimal())
}

#[test]
fn an_unresolved_merge_conflict_is_an_error_that_still_loads_the_review() {
    let loaded = with_conflicts(
        "        (item: Finding(\"F1\"), field: Statement, base: Text(\"b\"), ours: Text(\"o\"), theirs: Text(\"t\")),\n",
    );
    let r = &loaded.report;
    assert_eq!((r.errors(), r.warnings()), (1, 0), "{:#?}", r.diagnostics);
    let d = &r.diagnostics[0];
    assert_eq!(d.code, "merge.conflict");
    assert_eq!(
        d.message,
        "unresolved merge conflict on finding F1 statement: ours and theirs changed it differently"
    );
    assert!(d.start.is_some_and(|s| s.column == 9), "{:?}", d.start);
    assert!(!r.is_valid(), "validate fails");
    // ...but the workbench can open it to resolve it.
    let review = loaded.value.expect("loaded all the same");
    assert_eq!(review.conflicts.len(), 1);
}

#[test]
fn a_malformed_conflict_entry_is_refused() {
    let loaded = with_conflicts(concat!(
        "        (item: Finding(\"F9\"), field: Title, base: Text(\"b\"), ours: Text(\"o\"), theirs: Text(\"t\")),\n",
        "        (item: Mark(\"E2\"), field: Status, base: Unset, ours: Unset, theirs: Unset),\n",
        "        (item: Recommendation(\"R1\"), field: Status, base: Status(Planned), ours: Severity(High), theirs: Status(Done)),\n",
        "        (item: Recommendation(\"R1\"), field: Status, base: Status(Planned), ours: Status(Done), theirs: Status(Declined)),\n",
    ));
    let codes: Vec<&str> = loaded.report.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(
        codes,
        [
            "merge.conflict",
            "ref.finding",
            "merge.conflict",
            "conflict.field",
            "merge.conflict",
            "conflict.value",
            "conflict.duplicate",
        ]
    );
    assert!(
        loaded.value.is_none(),
        "a broken entry makes the review unusable"
    );
    let help = loaded.report.diagnostics[5].help.as_deref().unwrap_or("");
    assert!(help.contains("Status(...)"), "{help}");
}

#[test]
fn a_review_of_another_record_is_refused() {
    let r = review_report("record-mismatch.review.ron");
    first_error(
        &r,
        "review.record",
        at(5, 13),
        Msg::Exact(
            "this review is of record \"fixture-dial-up\", but the record beside it is \"fixture-dial-in\"",
        ),
    );
}

#[test]
fn a_review_file_is_checked_against_the_record_beside_it() {
    let scratch = Scratch::new("review-beside");
    let record = scratch.0.join("case.ron");
    let review = scratch.0.join("case.review.ron");
    std::fs::write(&record, read("valid/minimal.ron")).expect("write");
    std::fs::write(&review, read("invalid/unknown-finding.review.ron")).expect("write");
    // Naming the review checks its record too, once.
    let reports = load::validate_paths(&[review.clone(), record.clone()], &LoadOptions::default());
    let paths: Vec<&Path> = reports.iter().map(|r| r.path.as_path()).collect();
    assert_eq!(paths, [record.as_path(), review.as_path()]);
    assert!(reports[0].is_valid());
    assert_eq!(
        reports[1].first_error().map(|d| d.code),
        Some("ref.finding")
    );

    std::fs::remove_file(&record).expect("remove");
    let reports = load::validate_paths(&[review], &LoadOptions::default());
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].diagnostics[0].code, "review.no-record");
}

// --- folders ----------------------------------------------------------------

#[test]
fn a_folder_without_records_is_an_empty_library() {
    let scratch = Scratch::new("empty-library");
    let err = load::records_in(&scratch.0).expect_err("nothing in it");
    assert_eq!(err.code, "library.empty");
    assert_eq!(
        err.message,
        "the folder holds no incident records (*.ron files)"
    );

    // A review alone, or other files, do not make a library.
    std::fs::write(
        scratch.0.join("x.review.ron"),
        read("valid/minimal.review.ron"),
    )
    .expect("w");
    std::fs::write(scratch.0.join("notes.txt"), "not a record").expect("write");
    std::fs::create_dir(scratch.0.join("folder.ron")).expect("mkdir");
    let err = load::records_in(&scratch.0).expect_err("still no record");
    assert_eq!(err.code, "library.empty");

    let reports = load::validate_paths(std::slice::from_ref(&scratch.0), &LoadOptions::default());
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].diagnostics[0].code, "library.empty");
}

#[test]
fn a_folder_lists_its_records_sorted_without_reviews() {
    let records = load::records_in(&fixture("valid")).expect("records");
    let names: Vec<String> = records
        .iter()
        .map(|p| p.file_name().expect("name").to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["crlf-bom.ron", "minimal.ron"]);
}

#[test]
fn every_invalid_fixture_is_rejected_and_every_valid_one_accepted() {
    let record = minimal();
    let mut checked = 0;
    for entry in std::fs::read_dir(fixture("invalid")).expect("read the folder") {
        let path = entry.expect("entry").path();
        let report = if load::is_review_file(&path) {
            let text = std::fs::read_to_string(&path).expect("a review fixture is text");
            load::review_from_text(&path, text, &record).report
        } else {
            load::load_record(&path, &LoadOptions::default()).report
        };
        assert!(report.errors() > 0, "{} was accepted", path.display());
        checked += 1;
    }
    assert!(checked >= 30, "only {checked} invalid fixtures");
    let reports = load::validate_paths(&[fixture("valid")], &LoadOptions::default());
    assert_eq!(reports.len(), 3, "two records and one review");
    for report in &reports {
        assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
    }
}

mod robustness {
    use super::*;
    use proptest::prelude::*;

    /// One edit of the minimal record: cut a range, or splice text in.
    #[derive(Debug, Clone)]
    enum Edit {
        Cut(usize, usize),
        Insert(usize, String),
        Truncate(usize),
    }

    /// Edits include arbitrary Unicode: multi-byte text must never panic.
    fn splice_text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[ -~\n\t]{0,8}",
            any::<String>(),
            "[\\[\\](){}\"',:/*#r0-9a-zA-Z \n\\\\]{1,8}",
            Just("\"".to_string()),
            Just("/*".to_string()),
            Just("Some(".to_string()),
            Just("+01:00".to_string()),
        ]
    }

    fn edit() -> impl Strategy<Value = Edit> {
        prop_oneof![
            (any::<usize>(), 0usize..40).prop_map(|(at, len)| Edit::Cut(at, len)),
            (any::<usize>(), splice_text()).prop_map(|(at, s)| Edit::Insert(at, s)),
            any::<usize>().prop_map(Edit::Truncate),
        ]
    }

    fn boundary(text: &str, at: usize) -> usize {
        let mut at = at % (text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    }

    fn apply(mut text: String, edits: &[Edit]) -> String {
        for e in edits {
            match e {
                Edit::Cut(at, len) => {
                    let start = boundary(&text, *at);
                    let end = boundary(&text, (start + len).min(text.len()));
                    text.replace_range(start..end.max(start), "");
                }
                Edit::Insert(at, s) => {
                    let at = boundary(&text, *at);
                    text.insert_str(at, s);
                }
                Edit::Truncate(at) => {
                    let at = boundary(&text, *at);
                    text.truncate(at);
                }
            }
        }
        text
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            failure_persistence: None,
            ..ProptestConfig::with_cases(256)
        })]

        /// Damaged records are reported, never a panic, and every
        /// position lies inside the text.
        #[test]
        fn a_damaged_record_gives_placed_diagnostics_not_a_panic(
            edits in proptest::collection::vec(edit(), 1..4)
        ) {
            let text = apply(read("valid/minimal.ron"), &edits);
            let Ok(text) = load::text::decode(text.into_bytes()) else {
                return Ok(());
            };
            let len = text.len();
            let loaded = load::record_from_text(Path::new("damaged.ron"), text);
            let report = &loaded.report;
            prop_assert_eq!(loaded.value.is_some(), report.is_valid());
            for d in &report.diagnostics {
                if let Some(span) = &d.span {
                    prop_assert!(span.start <= span.end && span.end <= len, "{:?}", d);
                    prop_assert!(d.start.is_some() && d.start <= d.end, "{:?}", d);
                }
            }
            // Rendering never fails either.
            let shown = report.render(false, 100);
            prop_assert_eq!(shown.is_empty(), report.diagnostics.is_empty());
        }
    }
}

/// BUG (reported to the lead): `split_offset` in src/model/time.rs slices
/// `&text[len - 6..]` without checking for a character boundary, so a
/// timestamp such as "€12:00" panics instead of being refused. Un-ignore
/// once fixed.
#[test]
fn a_timestamp_with_multibyte_text_is_an_error_not_a_panic() {
    for bad in ["€12:00", "é2:00x", "2024-02-19T€:00"] {
        let parsed = std::panic::catch_unwind(|| bad.parse::<hotwash::model::Timestamp>());
        assert!(
            parsed.is_ok_and(|r| r.is_err()),
            "{bad:?} panicked or was accepted"
        );
    }
    let text = read("valid/minimal.ron").replacen("at: \"2024-03-02\",", "at: \"€12:00\",", 1);
    let report = load::record_from_text(Path::new("euro.ron"), text).report;
    first_error(
        &report,
        "parse.syntax",
        at(80, 17),
        Msg::Contains("invalid timestamp \"€12:00\""),
    );
}

#[test]
fn a_sign_off_goes_stale_when_the_review_changes_and_validate_says_so() {
    let record = minimal();
    let path = fixture("valid/minimal.review.ron");
    let fresh = load::review_from_text(&path, read("valid/minimal.review.ron"), &record);
    assert!(
        fresh.report.diagnostics.is_empty(),
        "{:#?}",
        fresh.report.diagnostics
    );

    let edited = read("valid/minimal.review.ron").replacen("reviewed: true", "reviewed: false", 1);
    let stale = load::review_from_text(&path, edited, &record);
    assert!(
        stale.value.is_some(),
        "a stale sign-off is a warning, not an error"
    );
    let d = &stale.report.diagnostics[0];
    assert_eq!(d.code, "signoff.stale");
    assert_eq!(d.severity, Severity::Warning);
    assert!(d.message.contains("is stale"), "{}", d.message);
    assert_eq!(underlined(&stale.report, d).chars().next(), Some('"'));
}

#[test]
fn events_listed_against_their_times_are_warned_about_but_overlaps_are_not() {
    let text = read("valid/minimal.ron");
    let path = fixture("valid/minimal.ron");
    // E3 (a day) moved to before E2 (a minute on 1 March): out of order.
    let moved = text.replacen("at: \"2024-03-02\"", "at: \"2024-02-27\"", 1);
    assert_ne!(moved, text, "the fixture still has E3 on 2 March");
    let loaded = load::record_from_text(&path, moved.clone());
    assert!(loaded.value.is_some(), "an order warning is not an error");
    let d: Vec<_> = loaded
        .report
        .diagnostics
        .iter()
        .filter(|d| d.code == "time.order")
        .collect();
    assert_eq!(d.len(), 1, "{:#?}", loaded.report.diagnostics);
    assert_eq!(d[0].severity, Severity::Warning);
    assert!(
        d[0].message.contains("\"E3\"") && d[0].message.contains("\"E2\""),
        "{}",
        d[0].message
    );
    assert_eq!(underlined(&loaded.report, d[0]), "\"2024-02-27\"");
    // A day that contains the minute before it overlaps it: the author's
    // order stands and nothing is said.
    let same_day = text.replacen("at: \"2024-03-02\"", "at: \"2024-03-01\"", 1);
    let loaded = load::record_from_text(&path, same_day);
    assert!(
        loaded
            .report
            .diagnostics
            .iter()
            .all(|d| d.code != "time.order"),
        "{:#?}",
        loaded.report.diagnostics
    );
}

// --- field sizes -----------------------------------------------------------

const SHORT_NARRATIVE: &str =
    "A caller from an unknown number joined with the PIN and stayed until the end.";

/// The minimal record with event E2's narrative `bytes` long.
fn with_narrative(bytes: usize) -> String {
    let text = read("valid/minimal.ron");
    assert!(text.contains(SHORT_NARRATIVE));
    text.replace(SHORT_NARRATIVE, &"w".repeat(bytes))
}

#[test]
fn a_text_field_over_one_mib_is_an_error_placed_at_the_field() {
    let most = load::size::MAX_FIELD_BYTES;
    assert_eq!(most, 1024 * 1024);
    let at_limit = load::record_from_text(Path::new("big.ron"), with_narrative(most));
    assert!(
        at_limit.report.diagnostics.is_empty(),
        "{:#?}",
        at_limit.report.diagnostics
    );

    let over = load::record_from_text(Path::new("big.ron"), with_narrative(most + 1));
    assert!(
        over.value.is_none(),
        "a record with a field over the limit has no value"
    );
    let d = first_error(
        &over.report,
        "field.too-large",
        at(72, 24),
        Msg::Exact(
            "the event's narrative is 1048577 bytes; a text field holds at most 1048576 bytes",
        ),
    );
    assert!(
        d.help
            .as_deref()
            .is_some_and(|h| h.contains("--max-field-size"))
    );
    // The snippet shows where the field starts, not its megabyte of text.
    let rendered = over.report.render(false, 100);
    assert!(rendered.contains("big.ron:72:24"), "{rendered}");
    assert!(rendered.len() < 2_000, "{} bytes", rendered.len());

    // The limit can be raised for a genuine text.
    let raised = LoadOptions {
        max_field: most + 1,
        ..LoadOptions::default()
    };
    let allowed =
        load::record_from_text_with(Path::new("big.ron"), with_narrative(most + 1), &raised);
    assert!(allowed.value.is_some(), "{:#?}", allowed.report.diagnostics);
}

#[test]
fn a_review_note_over_the_limit_is_an_error_too() {
    let record = minimal();
    let note = "The caller stayed for 38 minutes.";
    let text = read("valid/minimal.review.ron");
    assert!(text.contains(note));
    let big = text.replace(note, &"n".repeat(load::size::MAX_FIELD_BYTES + 5));
    let loaded = load::review_from_text(Path::new("big.review.ron"), big, &record);
    assert!(loaded.value.is_none());
    let d = loaded
        .report
        .diagnostics
        .iter()
        .find(|d| d.code == "field.too-large")
        .expect("a field.too-large error");
    assert_eq!(d.severity, Severity::Error);
    assert_eq!(
        d.message,
        "the analyst's note is 1048581 bytes; a text field holds at most 1048576 bytes"
    );
    assert_eq!(d.start.map(|s| s.line), Some(49));
}

// --- candidate controls ----------------------------------------------------

#[test]
fn candidates_must_be_catalogue_controls_with_a_chain_proposed_once() {
    let text = read("valid/minimal.ron").replace(
        "            controls: [(control: \"AU-6\", effect: Held)],\n",
        "            controls: [(control: \"AU-6\", effect: Held)],\n            candidates: [\n                (control: \"AC-02\", catalogue: NistSp80053r5, chains: [(action: \"action.misuse.variety.Privilege abuse\", basis: Hotwash)]),\n                (control: \"AC-6\", catalogue: NistSp80053r5, chains: []),\n                (control: \"AU-6\", catalogue: NistSp80053r5, chains: [(action: \"action.hacking.variety.Use of stolen creds\", technique: \"T1078\", basis: Ctid)]),\n                (control: \"AU-6\", catalogue: NistSp80053r5, chains: [(action: \"action.misuse.variety.Privilege abuse\", basis: Hotwash)]),\n            ],\n",
    );
    let line = |needle: &str| {
        text.lines()
            .position(|l| l.contains(needle))
            .map(|i| i + 1)
            .expect("the line")
    };
    let loaded = load::record_from_text(Path::new("candidates.ron"), text.clone());
    assert!(loaded.value.is_none(), "errors make the record invalid");
    let d = &loaded.report.diagnostics;
    let codes: Vec<&str> = d.iter().map(|d| d.code).collect();
    assert_eq!(
        codes,
        [
            "candidate.unknown",
            "candidate.no-chain",
            "candidate.duplicate"
        ],
        "{d:#?}"
    );
    assert_eq!(d[0].start.map(|s| s.line), Some(line("\"AC-02\"")));
    assert_eq!(
        d[0].message,
        "\"AC-02\" is not a control of NIST SP 800-53 Rev. 5"
    );
    assert_eq!(
        d[0].help.as_deref(),
        Some("write it as the catalogue does: \"AC-2\"")
    );
    assert_eq!(d[1].start.map(|s| s.line), Some(line("chains: []")));
    let lines: Vec<&str> = text.lines().collect();
    let last_au6 = lines
        .iter()
        .rposition(|l| l.contains("(control: \"AU-6\", catalogue"))
        .map(|i| i + 1);
    assert_eq!(d[2].start.map(|s| s.line), last_au6);
    assert_eq!(
        d[2].message,
        "control \"AU-6\" is proposed twice for this event"
    );
}
