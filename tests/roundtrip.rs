//! Whatever hotwash writes, it reads back unchanged: arbitrary records and
//! reviews survive a trip through the RON dialect of `load::ron_options`.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

use hotwash::load;
use hotwash::model::*;

/// Text that stresses the writer: anything at all, or the characters RON
/// and the record format treat specially.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-zA-Z0-9 ]{0,12}",
        "[\"\\\\\n\r\t'#/*()\\[\\]{}:,rb ]{0,16}",
        Just(String::new()),
        Just("r#\"raw\"#".to_string()),
        Just("Some(\"x\")".to_string()),
        Just("None".to_string()),
        Just("/* not a comment */ // nor this".to_string()),
        Just("Grüße, 東京, 🇩🇪, \u{200b}\u{feff}".to_string()),
        Just("\0\u{7f}\u{1b}[31m".to_string()),
    ]
}

fn ids() -> impl Strategy<Value = Vec<String>> {
    vec(text(), 0..3)
}

fn fidelity() -> impl Strategy<Value = Fidelity> {
    prop_oneof![
        Just(Fidelity::Year),
        Just(Fidelity::Month),
        Just(Fidelity::Day),
        Just(Fidelity::Hour),
        Just(Fidelity::Minute),
        Just(Fidelity::Second),
    ]
}

fn naive_datetime() -> impl Strategy<Value = NaiveDateTime> {
    // Every day of years 0000 to 9999, the range a four-digit year can write.
    let first = NaiveDate::from_ymd_opt(0, 1, 1).expect("a date");
    let last = NaiveDate::from_ymd_opt(9999, 12, 31).expect("a date");
    let days = (last - first).num_days();
    (0..=days, 0u32..24, 0u32..60, 0u32..60).prop_map(move |(d, h, m, s)| {
        let date = first + chrono::Duration::days(d);
        date.and_time(NaiveTime::from_hms_opt(h, m, s).expect("a time"))
    })
}

fn offset() -> impl Strategy<Value = FixedOffset> {
    // Whole minutes up to ±14:59, the widest the format accepts.
    let max = 14 * 60 + 59;
    (-max..=max).prop_map(|minutes| FixedOffset::east_opt(minutes * 60).expect("in range"))
}

/// Timestamps of every precision, with and without an offset (a time of day
/// always gets one).
fn timestamp() -> impl Strategy<Value = Timestamp> {
    (naive_datetime(), option::of(offset()), fidelity())
        .prop_map(|(local, offset, precision)| Timestamp::new(local, offset, precision))
}

fn level() -> impl Strategy<Value = Level> {
    proptest::sample::select(Level::ALL.to_vec())
}

fn classification() -> impl Strategy<Value = Classification> {
    (proptest::sample::select(Scheme::ALL.to_vec()), level())
        .prop_map(|(scheme, level)| Classification { scheme, level })
}

fn tlp() -> impl Strategy<Value = Tlp> {
    proptest::sample::select(Tlp::ALL.to_vec())
}

fn reliability() -> impl Strategy<Value = Reliability> {
    proptest::sample::select(vec![
        Reliability::A,
        Reliability::B,
        Reliability::C,
        Reliability::D,
        Reliability::E,
        Reliability::F,
    ])
}

fn actor() -> impl Strategy<Value = Actor> {
    let side = proptest::sample::select(vec![Side::Own, Side::Adversary, Side::ThirdParty]);
    (text(), text(), side, text()).prop_map(|(id, name, side, role)| Actor {
        id: id.into(),
        name,
        side,
        role,
    })
}

fn source() -> impl Strategy<Value = Source> {
    (
        text(),
        text(),
        text(),
        option::of(timestamp()),
        text(),
        reliability(),
        any::<bool>(),
    )
        .prop_map(
            |(id, title, publisher, date, url, reliability, described)| Source {
                id: id.into(),
                title,
                title_is: if described {
                    TitleKind::Description
                } else {
                    TitleKind::Title
                },
                publisher,
                date,
                url,
                reliability,
            },
        )
}

fn control() -> impl Strategy<Value = Control> {
    (text(), text(), text()).prop_map(|(id, title, expects)| Control {
        catalogue: Catalogue::NistSp80053r5,
        id: id.into(),
        title,
        expects,
    })
}

fn citation() -> impl Strategy<Value = Citation> {
    // Any byte: credibility is range-checked after parsing, not by it.
    (text(), any::<u8>(), option::of(text())).prop_map(|(source, credibility, note)| Citation {
        source: source.into(),
        credibility: Credibility(credibility),
        note,
    })
}

fn control_link() -> impl Strategy<Value = ControlLink> {
    let effect = proptest::sample::select(Effect::ALL.to_vec());
    (text(), effect, option::of(text())).prop_map(|(control, effect, note)| ControlLink {
        control: control.into(),
        effect,
        note,
    })
}

fn place() -> impl Strategy<Value = Place> {
    (text(), option::of(text())).prop_map(|(name, zone)| Place {
        name: name.into(),
        zone: zone.map(Into::into),
    })
}

fn chain() -> impl Strategy<Value = Chain> {
    (
        text(),
        option::of(text()),
        prop_oneof![Just(Basis::Ctid), Just(Basis::Hotwash)],
    )
        .prop_map(|(action, technique, basis)| Chain {
            action,
            technique: technique.map(Into::into),
            basis,
        })
}

fn candidate() -> impl Strategy<Value = Candidate> {
    (text(), vec(chain(), 0..3)).prop_map(|(control, chains)| Candidate {
        control: control.into(),
        catalogue: Catalogue::NistSp80053r5,
        chains,
    })
}

fn origin() -> impl Strategy<Value = Origin> {
    (
        prop_oneof![Just(OriginFormat::Veris), Just(OriginFormat::Stix)],
        text(),
        option::of(text()),
        option::of(text()),
        option::of(text()),
    )
        .prop_map(|(format, file, id, version, confidence)| Origin {
            format,
            file,
            id,
            version,
            confidence,
        })
}

fn event() -> impl Strategy<Value = Event> {
    let when = (
        timestamp(),
        fidelity(),
        option::of(timestamp()),
        option::of(timestamp()),
        option::of(place()),
    );
    let what = (
        text(),
        text(),
        text(),
        ids(),
        vec(citation(), 0..3),
        vec(control_link(), 0..3),
        vec(candidate(), 0..3),
        level(),
    );
    (when, what).prop_map(
        |(
            (at, fidelity, end, known, place),
            (id, title, narrative, actors, sources, controls, candidates, portion),
        )| Event {
            id: id.into(),
            at,
            fidelity,
            end,
            known,
            place,
            title,
            narrative,
            actors: actors.into_iter().map(Into::into).collect(),
            sources,
            controls,
            candidates,
            portion,
        },
    )
}

fn claim() -> impl Strategy<Value = Claim> {
    let status = proptest::sample::select(vec![
        ClaimStatus::Reported,
        ClaimStatus::Uncorroborated,
        ClaimStatus::Disputed,
        ClaimStatus::Superseded,
        ClaimStatus::Refuted,
    ]);
    (
        text(),
        text(),
        status,
        ids(),
        vec(citation(), 0..3),
        ids(),
        level(),
    )
        .prop_map(
            |(id, statement, status, events, sources, conflicts_with, portion)| Claim {
                id: id.into(),
                statement,
                status,
                events: events.into_iter().map(Into::into).collect(),
                sources,
                conflicts_with: conflicts_with.into_iter().map(Into::into).collect(),
                portion,
            },
        )
}

fn record() -> impl Strategy<Value = Record> {
    let head = (
        any::<u32>(),
        text(),
        text(),
        text(),
        classification(),
        tlp(),
        option::of(level()),
    );
    let body = (
        vec(actor(), 0..3),
        vec(source(), 0..3),
        vec(control(), 0..3),
        vec(event(), 0..4),
        vec(claim(), 0..3),
        option::of(origin()),
    );
    (head, body).prop_map(
        |(
            (schema, id, title, summary, classification, tlp, portion),
            (actors, sources, controls, events, claims, origin),
        )| Record {
            schema,
            id,
            title,
            summary,
            classification,
            portion,
            tlp,
            actors,
            sources,
            controls,
            events,
            claims,
            origin,
        },
    )
}

fn finding() -> impl Strategy<Value = Finding> {
    let grades = (
        proptest::sample::select(FindingKind::ALL.to_vec()),
        proptest::sample::select(Severity::ALL.to_vec()),
        proptest::sample::select(Likelihood::ALL.to_vec()),
        proptest::sample::select(Confidence::ALL.to_vec()),
    );
    (text(), text(), text(), grades, ids(), ids(), level()).prop_map(
        |(
            id,
            title,
            statement,
            (kind, severity, likelihood, confidence),
            events,
            controls,
            portion,
        )| {
            Finding {
                id,
                title,
                statement,
                kind,
                severity,
                likelihood,
                confidence,
                events,
                controls,
                portion,
            }
        },
    )
}

fn date() -> impl Strategy<Value = NaiveDate> {
    let min = NaiveDate::MIN.num_days_from_ce();
    let max = NaiveDate::MAX.num_days_from_ce();
    (min..=max).prop_map(|d| NaiveDate::from_num_days_from_ce_opt(d).expect("in range"))
}

fn recommendation() -> impl Strategy<Value = Recommendation> {
    let status = proptest::sample::select(RecommendationStatus::ALL.to_vec());
    (text(), text(), text(), text(), option::of(date()), status).prop_map(
        |(id, finding, action, owner, due, status)| Recommendation {
            id,
            finding,
            action,
            owner,
            due,
            status,
        },
    )
}

fn mark() -> impl Strategy<Value = EventMark> {
    (
        text(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        option::of(text()),
    )
        .prop_map(|(event, reviewed, flagged, included, note)| EventMark {
            event,
            reviewed,
            flagged,
            included,
            note,
        })
}

fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    // Years 0001 to 9999, with and without fractions of a second.
    let secs = -62_135_596_800i64..=253_402_300_799;
    let nanos = prop_oneof![Just(0u32), 0u32..1_000_000_000];
    (secs, nanos).prop_map(|(s, n)| DateTime::from_timestamp(s, n).expect("in range"))
}

fn signoff() -> impl Strategy<Value = SignOff> {
    (text(), instant(), text()).prop_map(|(reviewer, at, hash)| SignOff { reviewer, at, hash })
}

fn conflict_value() -> impl Strategy<Value = ConflictValue> {
    prop_oneof![
        text().prop_map(ConflictValue::Text),
        proptest::sample::select(FindingKind::ALL.to_vec()).prop_map(ConflictValue::Kind),
        proptest::sample::select(Severity::ALL.to_vec()).prop_map(ConflictValue::Severity),
        proptest::sample::select(Likelihood::ALL.to_vec()).prop_map(ConflictValue::Likelihood),
        proptest::sample::select(Confidence::ALL.to_vec()).prop_map(ConflictValue::Confidence),
        level().prop_map(ConflictValue::Portion),
        proptest::sample::select(RecommendationStatus::ALL.to_vec())
            .prop_map(ConflictValue::Status),
        date().prop_map(ConflictValue::Due),
        Just(ConflictValue::Unset),
        Just(ConflictValue::Kept),
        Just(ConflictValue::Deleted),
    ]
}

fn conflict() -> impl Strategy<Value = Conflict> {
    let item = prop_oneof![
        text().prop_map(ConflictItem::Finding),
        text().prop_map(ConflictItem::Recommendation),
        text().prop_map(ConflictItem::Mark),
    ];
    let field = proptest::sample::select(vec![
        ConflictField::Presence,
        ConflictField::Title,
        ConflictField::Statement,
        ConflictField::Due,
        ConflictField::Status,
        ConflictField::Note,
    ]);
    (
        item,
        field,
        conflict_value(),
        conflict_value(),
        conflict_value(),
    )
        .prop_map(|(item, field, base, ours, theirs)| Conflict {
            item,
            field,
            base,
            ours,
            theirs,
        })
}

fn dropped() -> impl Strategy<Value = DroppedSignOff> {
    let side = prop_oneof![Just(MergeSide::Ours), Just(MergeSide::Theirs)];
    (signoff(), side).prop_map(|(s, side)| DroppedSignOff {
        reviewer: s.reviewer,
        at: s.at,
        hash: s.hash,
        side,
    })
}

fn review() -> impl Strategy<Value = Review> {
    (
        any::<u32>(),
        text(),
        vec(finding(), 0..3),
        vec(recommendation(), 0..3),
        vec(mark(), 0..3),
        option::of(signoff()),
        vec(conflict(), 0..3),
        vec(dropped(), 0..2),
    )
        .prop_map(
            |(
                schema,
                record,
                findings,
                recommendations,
                marks,
                signoff,
                conflicts,
                dropped_signoffs,
            )| Review {
                schema,
                record,
                findings,
                recommendations,
                marks,
                decisions: Vec::new(),
                signoff,
                conflicts,
                dropped_signoffs,
            },
        )
}

fn write<T: serde::Serialize>(value: &T) -> String {
    load::ron_options()
        .to_string_pretty(value, ron::ser::PrettyConfig::default())
        .expect("every value can be written")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn records_read_back_as_written(record in record()) {
        let text = write(&record);
        let back = load::parse::<Record>(&text)
            .map_err(|d| TestCaseError::fail(format!("{d:?}\n{text}")))?;
        prop_assert_eq!(back, record, "{}", text);
    }

    #[test]
    fn reviews_read_back_as_written(review in review()) {
        let text = write(&review);
        let back = load::parse::<Review>(&text)
            .map_err(|d| TestCaseError::fail(format!("{d:?}\n{text}")))?;
        prop_assert_eq!(back, review, "{}", text);
    }

    #[test]
    fn timestamps_read_back_with_their_precision(ts in timestamp()) {
        let written = ts.to_string();
        let back: Timestamp = written.parse().map_err(|e| TestCaseError::fail(format!("{e}")))?;
        prop_assert_eq!(back, ts);
        prop_assert_eq!(back.precision(), ts.precision());
        prop_assert!(back.earliest() < back.after_end(), "{written}");
    }
}

#[test]
fn optional_fields_are_written_without_some() {
    let record = load::parse::<Record>(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/valid/minimal.ron"),
        )
        .expect("read the fixture"),
    )
    .expect("the fixture parses");
    let text = write(&record);
    assert!(!text.contains("Some("), "{text}");
    assert!(text.contains("date: \"2024-03-02\""), "{text}");
    assert_eq!(load::parse::<Record>(&text), Ok(record));
}
