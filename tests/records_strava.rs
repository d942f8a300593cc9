//! The bundled Strava record (`incidents/strava-heatmap-2018.ron`) against its
//! research, incidents.md §3.2. The table below is written from the research's
//! chronology, not from the record: a date, fidelity or grade changed in the
//! record without the research behind it fails here.

mod record_check;

use chrono::NaiveDate;
use hotwash::model::{ClaimStatus, Effect, Fidelity};
use record_check::{Row, check_addresses, check_as_of, check_findings, check_owners, check_rows};

const NAME: &str = "strava-heatmap-2018";

/// §3.2's table. It gives no times of day and no zones, so no offsets.
const ROWS: &[Row] = &[
    Row {
        event: "E01",
        row: "1",
        research: "2015",
        at: "2015",
        end: None,
        known: None,
        fidelity: Fidelity::Year,
        grade: "A",
    },
    Row {
        event: "E02",
        row: "2",
        research: "Nov 2017",
        at: "2017-11",
        end: None,
        // Row 4: on 28 Jan 2018 CENTCOM is "looking into the implications".
        known: Some("2018-01-28"),
        fidelity: Fidelity::Month,
        grade: "A",
    },
    Row {
        event: "E03",
        row: "3",
        research: "27–28 Jan 2018 (weekend)",
        at: "2018-01-27",
        end: Some("2018-01-28"),
        known: None,
        fidelity: Fidelity::Day,
        grade: "A",
    },
    Row {
        event: "E04",
        row: "4",
        research: "28 Jan 2018 (Sun)",
        at: "2018-01-28",
        end: None,
        known: None,
        fidelity: Fidelity::Day,
        grade: "A",
    },
    Row {
        event: "E05",
        row: "5",
        research: "29 Jan 2018",
        at: "2018-01-29",
        end: None,
        known: None,
        fidelity: Fidelity::Day,
        grade: "A",
    },
    Row {
        event: "E06",
        row: "6",
        research: "~29–30 Jan 2018",
        at: "2018-01-29",
        end: Some("2018-01-30"),
        known: None,
        fidelity: Fidelity::Day,
        grade: "A/B",
    },
    Row {
        event: "E07",
        row: "7",
        research: "early Feb 2018",
        at: "2018-02",
        end: None,
        known: None,
        fidelity: Fidelity::Month,
        grade: "B",
    },
    Row {
        event: "E08",
        row: "8",
        research: "Mar 2018",
        at: "2018-03",
        end: None,
        known: None,
        fidelity: Fidelity::Month,
        grade: "B",
    },
    Row {
        event: "E09",
        row: "9",
        research: "3 Aug 2018",
        at: "2018-08-03",
        end: None,
        known: None,
        fidelity: Fidelity::Day,
        grade: "A",
    },
    Row {
        event: "E10",
        row: "10",
        research: "6 Aug 2018",
        at: "2018-08-06",
        end: None,
        known: None,
        fidelity: Fidelity::Day,
        grade: "A",
    },
    Row {
        event: "E11",
        row: "11",
        research: "27–29 Oct 2024 (recurrence)",
        at: "2024-10-27",
        end: Some("2024-10-29"),
        known: None,
        fidelity: Fidelity::Day,
        grade: "A",
    },
];

/// Every address §3.2 gives in full (it abbreviates repeats as "(above)" or
/// with "..."; row 6's abc.net.au "related story" it never gives in full).
const RESEARCH_ADDRESSES: &[&str] = &[
    "https://road.cc./content/news/231618-strava-launches-new-global-heatmap-based-1-billion-activities",
    "https://www.sportsbusinessjournal.com/Daily/Issues/2018/02/05/Technology/strava-reviews-privacy-policy-after-heat-maps-expose-sensitive-locations.aspx",
    "https://www.wareable.com/sport/strava-heat-maps-military-bases-5682",
    "https://www.abc.net.au/news/2018-01-30/strava-heatmap-shows-someone-is-cutting-laps-around-pyongyang/9370778",
    "https://www.joe.co.uk/news/data-released-by-fitness-app-accidentally-reveals-outlines-of-secret-us-military-bases-159907",
    "https://www.bostonglobe.com/news/world/2018/01/28/soldiers-are-revealing-sensitive-and-dangerous-information-jogging/bcpm5Im2KwKhyLEKqoPlkN/story.html",
    "https://blog.strava.com/press/a-letter-to-the-strava-community/",
    "https://www.fastcompany.com/40523788/stravas-ceo-responds-to-military-bases-heat-map-controversy",
    "https://www.cagnazzo.de/using-stravas-heatmap-to-identify-and-track-military-personnel/",
    "https://www.theguardian.com/media/2018/jun/16/james-quarles-strava-fitness-app-social-network-interview",
    "https://omgnews.today/exclusive-fitness-app-strava-overhauls-map-revealed-military-positions/",
    "https://executivegov.com/2018/08/dod-prohibits-department-personnel-from-using-geolocation-tools-in-operational-areas",
    "https://americanmilitarynews.com/2018/08/pentagon-bans-use-of-fitness-trackers-other-devices-from-areas-deemed-sensitive/",
    "https://www.engadget.com/2018/08/06/pentagon-soldiers-fitness-trackers-security/",
    "https://unn.ua/en/news/putins-movements-tracked-using-his-bodyguards-sports-app-le-monde",
    "https://www.dagsavisen.no/nyheter/verden/2024/10/29/strava-kan-avslore-hvor-biden-trump-og-andre-politikere-befinner-seg/",
    "https://www.ilpost.it/2024/10/30/strava-leaks-le-monde-macron-trump-biden-putin/",
];

/// Roles the sources name, and "to be assigned" where they name none.
const OWNERS: &[&str] = &[
    "to be assigned",
    // Row 9: the Deputy SecDef's memo; "Components must give OPSEC training".
    "Deputy Secretary of Defense",
    "DoD components",
    // Row 8: Strava relaunches the heatmap with changes.
    "Strava",
    // Row 11: "The Élysée told guards to stop using the app".
    "Élysée",
];

#[test]
fn dates_fidelities_and_grades_are_the_researchs() {
    let (record, _) = record_check::load_clean(NAME);
    check_rows(&record, ROWS);
    // No zone is invented: the research gives none.
    for e in &record.events {
        assert!(e.at.offset().is_none() && e.place.is_none(), "{}", e.id);
    }
}

#[test]
fn sources_are_the_researchs_and_none_is_cut_short() {
    let (record, _) = record_check::load_clean(NAME);
    check_addresses(&record, RESEARCH_ADDRESSES, &[]);
}

#[test]
fn the_researchs_own_inference_is_a_claim_not_a_fact() {
    let (record, _) = record_check::load_clean(NAME);
    // Row 2: "public activities were included unless users opted out
    // (derived from the opt-out model)".
    let derived = record
        .claims
        .iter()
        .find(|c| c.statement.contains("opted out"))
        .expect("the derived inclusion by default");
    assert_eq!(derived.status, ClaimStatus::Uncorroborated);
    assert!(derived.events.iter().any(|e| e == "E02"));
    assert!(
        !record
            .event("E02")
            .expect("E02")
            .narrative
            .contains("unless")
    );
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
    // The publication: no rule on geolocation or app sharing, no assessment.
    assert_eq!(effect("E02", "CM-7"), Some(Effect::Absent));
    assert_eq!(effect("E02", "PL-4(1)"), Some(Effect::Absent));
    assert_eq!(effect("E02", "RA-3"), Some(Effect::Failed));
    // Detection by a student, not by a threat awareness program.
    assert_eq!(effect("E03", "PM-16"), Some(Effect::Absent));
    // The fix of August 2018.
    assert_eq!(effect("E09", "CM-7"), Some(Effect::Held));
    assert_eq!(effect("E09", "PL-4"), Some(Effect::Held));
    // Scoped to operational areas, not protective duties: the recurrence.
    assert_eq!(effect("E11", "PL-4(1)"), Some(Effect::Absent));
}

#[test]
fn the_review_validates_and_its_owners_and_dates_hold() {
    let (record, review) = record_check::load_clean(NAME);
    check_findings(&record, &review);
    check_owners(&review, OWNERS);
    check_as_of(
        &record,
        &review,
        NaiveDate::from_ymd_opt(2024, 11, 1).expect("a date"),
        "written as of 1 November 2024",
    );
}
