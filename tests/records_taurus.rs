//! The bundled Taurus record against the research it is taken from
//! (`research/incidents.md`, part 1 and its addendum): the corrections of
//! issue 12 §2 stay made. The tables here are written from the research, not
//! from the record.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use hotwash::load::{self, LoadOptions};
use hotwash::model::{
    ClaimStatus, Effect, Event, Fidelity, FindingKind, RecommendationStatus, Record, Review,
    TitleKind,
};

fn path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("incidents/taurus-webex-2024.ron")
}

fn record() -> Record {
    let loaded = load::load_record(&path(), &LoadOptions::default());
    loaded
        .value
        .unwrap_or_else(|| panic!("the record loads: {:#?}", loaded.report.diagnostics))
}

fn review(record: &Record) -> Review {
    let loaded = load::load_review(
        &load::review_path(&path()),
        record,
        Some(&Default::default()),
        &LoadOptions::default(),
    );
    loaded
        .value
        .unwrap_or_else(|| panic!("the review loads: {:#?}", loaded.report.diagnostics))
}

fn event<'a>(record: &'a Record, id: &str) -> &'a Event {
    record
        .event(id)
        .unwrap_or_else(|| panic!("event {id} is in the record"))
}

/// The effect of `control` at `event`, if the event links it.
fn effect(record: &Record, event_id: &str, control: &str) -> Option<Effect> {
    event(record, event_id)
        .controls
        .iter()
        .find(|c| c.control == control)
        .map(|c| c.effect)
}

/// The research's chronology (§1.3, rows 0–28, and the addendum), in the
/// record's order: the event, its time as the record may show it, and its
/// fidelity. "Before 6 June, exact date not found" and "by 3 March" are
/// year fidelity with the date they were known by; "Mar 2024 (date not
/// pinned)" is a month.
const CHRONOLOGY: &[(&str, &str, Fidelity, Option<&str>)] = &[
    // The pre-travel step: no date in the sources, before the call of 2024.
    ("E00", "2024", Fidelity::Year, None),
    ("E01", "2024-02-19T23", Fidelity::Hour, Some("2024-03-01")), // row 1, "nearly midnight" SGT
    ("E02", "2024-02-20", Fidelity::Day, None),                   // row 2
    ("E03", "2024-02-26", Fidelity::Day, None),                   // row 0, out of order
    ("E04", "2024-03-01", Fidelity::Day, None),                   // row 3
    ("E05", "2024-03-01", Fidelity::Day, None),                   // row 4
    ("E06", "2024-03-01", Fidelity::Day, None),                   // row 5
    ("E07", "2024-03-01", Fidelity::Day, None),                   // row 6
    ("E08", "2024-03-01", Fidelity::Day, None),                   // row 7
    ("E09", "2024-03-01", Fidelity::Day, None),                   // row 8, 1–2 Mar
    ("E10", "2024-03-02", Fidelity::Day, None),                   // row 9
    ("E11", "2024-03-02", Fidelity::Day, None),                   // row 10
    ("E12", "2024-03-02", Fidelity::Day, None),                   // row 11
    ("E13", "2024-03-03", Fidelity::Day, None),                   // row 12
    ("E14", "2024-03-03", Fidelity::Day, None),                   // row 13
    ("E14a", "2024", Fidelity::Year, Some("2024-03-03")),         // row 14, "by 3 Mar"
    ("E15", "2024-03-03", Fidelity::Day, None),                   // row 15
    ("E16", "2024-03-04", Fidelity::Day, None),                   // row 16
    ("E17", "2024-03-04", Fidelity::Day, None),                   // row 17
    ("E18", "2024-03-05", Fidelity::Day, None),                   // row 18
    ("E19", "2024-03-05", Fidelity::Day, None),                   // row 19
    ("E20", "2024-03-06", Fidelity::Day, None),                   // row 20, ~6–7 Mar
    ("E21", "2024-03-11", Fidelity::Day, None),                   // row 21
    ("E22", "2024-03-20", Fidelity::Day, None),                   // row 22
    ("E22a", "2024-03", Fidelity::Month, None),                   // row 23, "date not pinned"
    ("E23", "2024-04-02", Fidelity::Day, None),                   // addendum
    ("E24", "2024-05-03", Fidelity::Day, None),                   // row 24, 3–4 May
    ("E25", "2024", Fidelity::Year, Some("2024-06-06")),          // row 25, "before 6 Jun"
    ("E26", "2024-06-06", Fidelity::Day, None),                   // row 26
    ("E27", "2024-10", Fidelity::Month, None),                    // row 27
    ("E28", "2025-05-27", Fidelity::Day, None),                   // row 28
];

#[test]
fn every_row_of_the_chronology_is_there_in_order_at_its_fidelity() {
    let record = record();
    let ids: Vec<&str> = record.events.iter().map(|e| e.id.as_str()).collect();
    let expected: Vec<&str> = CHRONOLOGY.iter().map(|row| row.0).collect();
    assert_eq!(ids, expected, "the record's events and their order");
    for &(id, at, fidelity, known) in CHRONOLOGY {
        let e = event(&record, id);
        assert_eq!(e.fidelity, fidelity, "{id}'s fidelity");
        let shown = e.at.format_at(e.fidelity);
        assert!(shown.starts_with(at), "{id} is shown as {shown}, not {at}");
        // Never more precision than the fidelity: a year is a bare year.
        if fidelity == Fidelity::Year {
            assert_eq!(shown, at, "{id} shows a year and nothing finer");
        }
        let known_shown = e.known.map(|k| k.to_string());
        assert_eq!(known_shown.as_deref(), known, "{id}'s known date");
    }
}

#[test]
fn e25_is_coarse_and_known_by_6_june_2024() {
    let record = record();
    let e25 = event(&record, "E25");
    assert!(
        e25.fidelity < Fidelity::Day && e25.at.precision() < Fidelity::Day,
        "the research has no day for the decision: {} at {} fidelity",
        e25.at,
        e25.fidelity
    );
    assert_eq!(
        e25.known.map(|k| k.to_string()).as_deref(),
        Some("2024-06-06")
    );
    assert!(e25.title.contains("prosecutor") && e25.narrative.contains("not found"));
}

#[test]
fn c02_and_c03_conflict_one_insecure_dial_in_against_two() {
    let record = record();
    let claim = |id: &str| {
        record
            .claims
            .iter()
            .find(|c| c.id == id)
            .unwrap_or_else(|| panic!("claim {id}"))
    };
    let (c02, c03) = (claim("C02"), claim("C03"));
    assert!(
        c02.statement.starts_with("Only one participant"),
        "{}",
        c02.statement
    );
    assert!(
        c03.statement.starts_with("Two participants"),
        "{}",
        c03.statement
    );
    assert!(c02.conflicts_with.iter().any(|c| c == "C03"));
    assert!(c03.conflicts_with.iter().any(|c| c == "C02"));
    // The 5 March account was superseded by the 11 March disclosure.
    assert_eq!(c02.status, ClaimStatus::Superseded);
    assert_eq!(c03.status, ClaimStatus::Reported);
    assert!(
        c03.events.iter().any(|e| e == "E21"),
        "C03 rests on 11 March"
    );
}

/// Rows 14 and 23 with the addresses and grades the research gives them:
/// grade A is credibility 1, grade B credibility 2.
#[test]
fn rows_14_and_23_are_there_with_their_sources_and_grades() {
    let record = record();
    let rows: [(&str, &[&str], u8, &[&str]); 2] = [
        (
            "E14a",
            &["preparing for war against Russia", "absurd"],
            1,
            &[
                "https://www.strackzimmermann.de/deutsche-verteidigungspolitiker-warnen-vor-russischem-informationskrieg",
                "https://caliber.az/en/post/uk-pushes-germany-to-deliver-long-range-missiles-to-kyiv",
            ],
        ),
        (
            "E22a",
            &["Committee session of 11 March", "105"],
            2,
            &[
                "https://www.wnoz.de/nachrichten/deutschland-und-die-welt/politik/deutschland/strack-zimmermann-will-geheime-ausschuesse-verkleinern-410854.html",
                "https://www.gedankenhintermberg.de/?p=17853",
            ],
        ),
    ];
    for (id, words, credibility, urls) in rows {
        let e = event(&record, id);
        for w in words {
            assert!(e.narrative.contains(w), "{id} says {w:?}: {}", e.narrative);
        }
        let cited: BTreeSet<&str> = e
            .sources
            .iter()
            .map(|c| {
                assert_eq!(c.credibility.0, credibility, "{id} cites {}", c.source);
                record
                    .source(&c.source)
                    .expect("a cited source")
                    .url
                    .as_str()
            })
            .collect();
        assert_eq!(cited, urls.iter().copied().collect(), "{id}'s sources");
    }
}

/// The failures span the steps where they happened (research §1.7 and its
/// addendum), not one event.
#[test]
fn failures_sit_at_the_pre_travel_platform_detection_and_aftermath_steps() {
    let record = record();
    // Pre-travel: threat briefing and travel kit, before the call.
    let first = &record.events[0];
    assert_eq!(first.id, "E00");
    for control in ["AT-2", "PM-16", "AC-19", "RA-3"] {
        let e = effect(&record, "E00", control);
        assert!(e.is_some_and(Effect::is_failure), "{control} at E00: {e:?}");
    }
    // The platform let the insecure dial-in happen: absent, not "not followed".
    for control in ["AC-17(2)", "SC-8(1)"] {
        assert_eq!(
            effect(&record, "E01", control),
            Some(Effect::Absent),
            "{control}"
        );
    }
    assert_eq!(effect(&record, "E01", "AC-17"), Some(Effect::NotFollowed));
    // Detection: learned from the adversary, so monitoring is absent and the
    // step is no success of incident handling.
    assert_eq!(effect(&record, "E08", "SI-4"), Some(Effect::Absent));
    assert_eq!(effect(&record, "E08", "IR-4"), None);
    // The aftermath: the spill from the secret committee session.
    assert_eq!(effect(&record, "E22a", "AC-6"), Some(Effect::Failed));

    let failing: Vec<&str> = record
        .events
        .iter()
        .filter(|e| e.has_failure())
        .map(|e| e.id.as_str())
        .collect();
    assert_eq!(failing, ["E00", "E01", "E08", "E22a", "E24"]);
}

#[test]
fn every_control_is_in_the_bundled_catalogue_with_its_title() {
    let record = record();
    let tsv = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/nist-sp800-53r5-controls.tsv"),
    )
    .expect("the catalogue");
    let catalogue: HashSet<(&str, &str)> = tsv
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut f = l.split('\t');
            Some((f.next()?, f.next()?))
        })
        .collect();
    for c in &record.controls {
        assert!(
            catalogue.contains(&(c.id.as_str(), c.title.as_str())),
            "{} {:?} is not in the catalogue",
            c.id,
            c.title
        );
    }
}

#[test]
fn nothing_the_research_does_not_support() {
    let text = std::fs::read_to_string(path()).expect("the record");
    for phrase in [
        "looking for a successor",
        "has been published",
        "publicly named",
        "unidentified",
    ] {
        assert!(!text.contains(phrase), "the record says {phrase:?}");
    }
    let record = record();
    assert!(!event(&record, "E27").narrative.contains("successor"));
    // The research gives addresses, not titles: every title is the record's
    // description but the Wikipedia article's, whose name is its address.
    for s in &record.sources {
        let expected = if s.id == "wiki-de" {
            TitleKind::Title
        } else {
            TitleKind::Description
        };
        assert_eq!(s.title_is, expected, "source {}", s.id);
    }
    assert_eq!(
        record.source("wiki-de").map(|s| s.title.as_str()),
        Some("Taurus-Abhörfall")
    );
}

/// Roles the sources name (as the record's actors call them), or nobody yet.
const OWNERS: &[&str] = &[
    "Federal Ministry of Defence (BMVg)",
    "MAD (military counter-intelligence)",
    "CIR (Bundeswehr cyber command)",
    "Bundestag Defence Committee",
    "to be assigned",
];

#[test]
fn recommendation_owners_are_roles_the_sources_name() {
    let record = record();
    let review = review(&record);
    assert!(!review.recommendations.is_empty());
    for r in &review.recommendations {
        assert!(
            OWNERS.contains(&r.owner.as_str()),
            "{}: owner {:?}",
            r.id,
            r.owner
        );
    }
}

#[test]
fn the_review_names_the_systemic_root_cause_and_the_detection_failure() {
    let record = record();
    let review = review(&record);
    let finding = |id: &str| review.finding(id).unwrap_or_else(|| panic!("finding {id}"));
    let roots: Vec<&str> = review
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::RootCause)
        .map(|f| f.id.as_str())
        .collect();
    assert_eq!(roots, ["F05"], "one root cause: the systemic one");
    assert_eq!(finding("F01").kind, FindingKind::ContributingFactor);
    assert!(
        finding("F05")
            .statement
            .contains("not the Singapore leg (F01)"),
        "F05 says why it, not the trigger, is the root cause"
    );
    let detection = review
        .findings
        .iter()
        .find(|f| f.controls.iter().any(|c| c == "SI-4"))
        .expect("a finding on detection");
    assert!(detection.events.iter().any(|e| e == "E08"));
}

/// The review cites events of May 2025, so it is written after them: what
/// is still open falls due after the last event, and what fell due before
/// it is done.
#[test]
fn due_dates_and_statuses_fit_a_review_written_after_the_last_event() {
    let record = record();
    let review = review(&record);
    let last = record
        .events
        .iter()
        .map(|e| e.at.local().date())
        .max()
        .expect("events");
    assert_eq!(last.to_string(), "2025-05-27");
    for r in &review.recommendations {
        let due = r.due.unwrap_or_else(|| panic!("{} has a due date", r.id));
        let open = !matches!(
            r.status,
            RecommendationStatus::Done | RecommendationStatus::Declined
        );
        assert!(
            !open || due > last,
            "{} is {} but fell due on {due}, before {last}",
            r.id,
            r.status.name()
        );
    }
}
