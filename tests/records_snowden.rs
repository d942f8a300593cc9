//! The bundled Snowden record (`incidents/snowden-nsa-2013.ron`) against its
//! research, incidents.md §3.4. The table below is written from the
//! research's chronology, not from the record: a date, fidelity or grade
//! changed in the record without the research behind it fails here.

mod record_check;

use chrono::NaiveDate;
use hotwash::model::{ClaimStatus, Effect, Fidelity};
use record_check::{Row, check_addresses, check_as_of, check_findings, check_owners, check_rows};

const NAME: &str = "snowden-nsa-2013";

/// §3.4's table. It gives no zones, so no offsets.
const ROWS: &[Row] = &[
    Row {
        event: "E01",
        row: "1",
        research: "1 Dec 2012",
        at: "2012-12-01",
        end: None,
        known: None,
        fidelity: Fidelity::Day,
        grade: "B",
    },
    Row {
        event: "E02",
        row: "2",
        research: "spring 2013",
        // A season: its months, never a day.
        at: "2013-03",
        end: Some("2013-05"),
        // "Mass downloads went undetected": the first publication, row 6.
        known: Some("2013-06-05"),
        fidelity: Fidelity::Month,
        // "A (HPSCI). Snowden disputes the characterisation": the dispute is
        // a claim.
        grade: "A",
    },
    Row {
        event: "E03",
        row: "3",
        research: "2013 (pre-departure)",
        at: "2013",
        end: None,
        known: None,
        fidelity: Fidelity::Year,
        // "A (NSA memo). 20–25 figure: B": the figure is a claim.
        grade: "A",
    },
    Row {
        event: "E04",
        row: "4",
        research: "20 May 2013",
        at: "2013-05-20",
        end: None,
        known: None,
        fidelity: Fidelity::Day,
        grade: "A",
    },
    Row {
        event: "E05",
        row: "5",
        research: "1 Jun 2013",
        at: "2013-06-01",
        end: None,
        known: None,
        fidelity: Fidelity::Day,
        grade: "A",
    },
    Row {
        event: "E06",
        row: "6",
        research: "5 Jun 2013",
        at: "2013-06-05",
        end: None,
        known: None,
        fidelity: Fidelity::Day,
        grade: "A",
    },
    Row {
        event: "E07",
        row: "7",
        research: "6 Jun 2013",
        at: "2013-06-06",
        end: None,
        known: None,
        fidelity: Fidelity::Day,
        grade: "A",
    },
    Row {
        event: "E08",
        row: "8",
        research: "9 Jun 2013",
        at: "2013-06-09",
        end: None,
        known: None,
        fidelity: Fidelity::Day,
        grade: "A",
    },
    Row {
        event: "E09",
        row: "9",
        research: "11 Jun 2013",
        at: "2013-06-11",
        end: None,
        known: None,
        fidelity: Fidelity::Day,
        grade: "A",
    },
    Row {
        event: "E10",
        row: "10",
        research: "21 Jun 2013",
        at: "2013-06-21",
        end: None,
        known: None,
        fidelity: Fidelity::Day,
        // "A (21 Jun). 14 Jun: unverified": 14 June is a claim.
        grade: "A",
    },
    Row {
        event: "E11",
        row: "11",
        research: "23 Jun 2013",
        at: "2013-06-23",
        end: None,
        known: None,
        fidelity: Fidelity::Day,
        grade: "A",
    },
    Row {
        event: "E12",
        row: "12",
        research: "1 Aug 2013",
        at: "2013-08-01",
        end: None,
        known: None,
        fidelity: Fidelity::Day,
        grade: "A",
    },
    Row {
        event: "E13",
        row: "13",
        research: "8 Aug 2013",
        at: "2013-08-08",
        end: None,
        known: None,
        fidelity: Fidelity::Day,
        grade: "A",
    },
    Row {
        event: "E14",
        row: "14",
        research: "10 Feb 2014",
        at: "2014-02-10",
        end: None,
        known: None,
        fidelity: Fidelity::Day,
        grade: "A",
    },
    Row {
        event: "E15",
        row: "15",
        research: "15 Sep 2016",
        at: "2016-09-15",
        end: None,
        known: None,
        fidelity: Fidelity::Day,
        grade: "A",
    },
];

/// Every address §3.4 gives (it abbreviates repeats as "Guardian timeline",
/// "same", "expatica", "TIME" and "HPSCI summary"; none is cut short).
const RESEARCH_ADDRESSES: &[&str] = &[
    "https://trantor.is/content/Gob5LhupCeiXXQps/OEBPS/Epst_9780451494573_epub3_c007_r1.xhtml",
    "https://intelligence.house.gov/news/documentsingle.aspx?DocumentID=692",
    "https://www.swlaw.com/blog/data-security/2016/09/16/congress-releases-unclassified-summary-on-snowdennsa-leak/",
    "https://swampland.time.com/2014/02/13/nsa-leaks-edward-snowden-password/print/",
    "http://america.aljazeera.com/articles/2013/11/8/snowdenpersuadednsaworkerstogiveuppasswordsanonymoussourcessay.html",
    "https://www.theguardian.com/world/2013/jun/23/edward-snowden-nsa-files-timeline",
    "https://www.thehindu.com/news/international/world/edward-snowden-and-the-nsa-files-story-so-far/article4846529.ece",
    "https://www.scmp.com/news/world/article/1267652/how-us-surveillance-secrets-were-laid-bare",
    "https://whistleblower.org/snowden-timeline/",
    "https://www.expatica.com/ru/general/chronology-of-events-in-snowden-case-73136/",
    "https://www.washingtonpost.com/news/federal-eye/wp/2013/08/13/nsa-to-cut-90-percent-of-systems-administrators/",
    "https://www.nextgov.com/digital-government/2013/08/nsa-will-replace-potential-snowdens-computers/68393/",
    "https://www.cnet.com/au/news/snowden-stole-co-workers-password-nsa-memo-alleges/",
    "https://p.pdfkul.com/ex-b-us-report-summarypdf_59cc2de91723dd63ed0aad06.html",
];

/// Roles the sources name, and "to be assigned" where they name none.
const OWNERS: &[&str] = &[
    "to be assigned",
    // Row 13: the NSA Director's measures.
    "NSA Director",
    // Row 14: the NSA memo on the revoked clearance and restricted access.
    "NSA",
];

#[test]
fn dates_fidelities_and_grades_are_the_researchs() {
    let (record, _) = record_check::load_clean(NAME);
    check_rows(&record, ROWS);
    for e in &record.events {
        for t in [Some(e.at), e.end, e.known].into_iter().flatten() {
            assert!(t.offset().is_none(), "{}: {t}", e.id);
        }
    }
}

#[test]
fn spring_2013_is_a_season_never_a_day() {
    let (record, _) = record_check::load_clean(NAME);
    let spring = record.event("E02").expect("E02");
    assert!(spring.fidelity < Fidelity::Day);
    for t in [Some(spring.at), spring.end].into_iter().flatten() {
        assert!(t.precision() < Fidelity::Day, "{t}");
    }
    assert!(spring.narrative.contains("spring 2013"));
}

#[test]
fn sources_are_the_researchs_and_none_is_cut_short() {
    let (record, _) = record_check::load_clean(NAME);
    check_addresses(&record, RESEARCH_ADDRESSES, &[]);
    // The one title the research gives: Epstein's book.
    let titled: Vec<&str> = record
        .sources
        .iter()
        .filter(|s| s.title_is == hotwash::model::TitleKind::Title)
        .map(|s| s.title.as_str())
        .collect();
    assert_eq!(titled, ["How America Lost Its Secrets"]);
}

#[test]
fn what_the_research_grades_apart_or_leaves_unverified_is_a_claim() {
    let (record, _) = record_check::load_clean(NAME);
    let about = |event: &str, needle: &str| {
        record
            .claims
            .iter()
            .find(|c| c.events.iter().any(|e| e == event) && c.statement.contains(needle))
            .unwrap_or_else(|| panic!("no claim on {event} about {needle:?}"))
    };
    // Row 2: "Snowden disputes the characterisation".
    assert_eq!(about("E02", "reprimanded").status, ClaimStatus::Disputed);
    // Row 3: "Reuters alleged 20–25 colleagues", grade B.
    let figure = about("E03", "20–25");
    assert_eq!(figure.status, ClaimStatus::Uncorroborated);
    assert!(figure.sources.iter().all(|s| s.credibility.0 == 2));
    // "Anti-leak software had not yet been installed at the Hawaii site (B)".
    assert_eq!(about("E02", "nti-leak").status, ClaimStatus::Uncorroborated);
    // Row 10: "14 Jun: unverified", and no source is given for it.
    let complaint = about("E10", "14 June");
    assert_eq!(complaint.status, ClaimStatus::Uncorroborated);
    assert!(complaint.sources.is_empty());
    // None of it is stated as fact in the events.
    for e in &record.events {
        assert!(!e.narrative.contains("20–25"), "{}", e.id);
        assert!(!e.narrative.contains("14 June"), "{}", e.id);
    }
}

#[test]
fn controls_take_effect_at_the_steps_where_they_happened() {
    let (record, _) = record_check::load_clean(NAME);
    let effect = |event: &str, control: &str| {
        record
            .event(event)
            .and_then(|e| e.controls.iter().find(|c| c.control == control))
            .map(|c| c.effect)
    };
    // The downloads: one administrator, alone, unseen.
    for control in ["AC-6", "AC-6(5)", "AC-5", "AU-6", "SI-4", "PM-12"] {
        assert_eq!(effect("E02", control), Some(Effect::Failed), "{control}");
    }
    // The captured credential.
    assert_eq!(effect("E03", "IA-5"), Some(Effect::Failed));
    assert_eq!(effect("E03", "AT-2(2)"), Some(Effect::Failed));
    // "Held: little before the fact": afterwards the compensating controls
    // and the sanctions.
    assert_eq!(effect("E13", "AC-5"), Some(Effect::Held));
    assert_eq!(effect("E13", "MP-7"), Some(Effect::Held));
    assert_eq!(effect("E14", "PS-8"), Some(Effect::Held));
    let failing: Vec<&str> = record
        .events
        .iter()
        .filter(|e| e.has_failure())
        .map(|e| e.id.as_str())
        .collect();
    assert_eq!(failing, ["E02", "E03"]);
    let holding: Vec<&str> = record
        .events
        .iter()
        .filter(|e| e.controls.iter().any(|c| c.effect == Effect::Held))
        .map(|e| e.id.as_str())
        .collect();
    assert_eq!(holding, ["E13", "E14"]);
}

#[test]
fn the_review_validates_and_its_owners_and_dates_hold() {
    let (record, review) = record_check::load_clean(NAME);
    check_findings(&record, &review);
    check_owners(&review, OWNERS);
    check_as_of(
        &record,
        &review,
        NaiveDate::from_ymd_opt(2016, 9, 16).expect("a date"),
        "written as of 16 September 2016",
    );
    let root: Vec<_> = review
        .findings
        .iter()
        .filter(|f| f.kind == hotwash::model::FindingKind::RootCause)
        .collect();
    assert_eq!(root.len(), 1);
    assert!(root[0].controls.iter().any(|c| c == "AC-5"));
    assert!(
        review
            .findings
            .iter()
            .any(|f| f.controls.iter().any(|c| c == "SI-4") && f.events.iter().any(|e| e == "E06")),
        "no detection finding"
    );
}
