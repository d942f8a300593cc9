//! A generator of synthetic, valid incident records, shared by
//! `examples/synth.rs` and `benches/load.rs` (each includes this file with
//! `#[path = ...] mod synth;`), so there is one generator.
//!
//! The output depends only on the number of events and the seed: a small
//! SplitMix64 generator replaces a random crate. Every actor, source and
//! control defined is used by some event, every control exists in the
//! bundled NIST SP 800-53 Rev. 5 catalogue under its exact title, and every
//! fidelity is within the precision of its times, so `hotwash validate`
//! reports nothing.

use std::io;

use chrono::{Datelike, Duration, FixedOffset, NaiveDate, NaiveDateTime, Timelike};
use hotwash::model::{
    Actor, Catalog, Catalogue, Citation, Claim, ClaimStatus, Classification, Confidence, Control,
    ControlLink, Credibility, Effect, Event, EventMark, Fidelity, Finding, FindingKind, Level,
    Likelihood, Place, RECORD_SCHEMA, Recommendation, RecommendationStatus, Record, Reliability,
    Review, Scheme, Severity, Side, Source, Timestamp, TitleKind, Tlp,
};

/// Real controls of NIST SP 800-53 Rev. 5; their titles come from the
/// bundled catalogue, so they are exact.
const CONTROLS: [&str; 20] = [
    "AC-2", "AC-3", "AC-6", "AC-17", "AT-2", "AT-3", "AU-2", "AU-6", "CA-7", "IA-2", "IA-5",
    "IR-4", "IR-6", "MP-6", "PE-3", "PM-12", "PS-3", "SC-7", "SC-8", "SI-4",
];

/// `id|name|side|role`, one actor a line.
const ACTORS: &str = "\
duty-officer|Hanna Weiss|Own|Duty officer, operations centre
sysadmin|Tomasz Nowak|Own|System administrator, field office network
liaison|Claire Dubois|Own|Liaison officer to the partner service
courier|Jonas Berg|Own|Courier for the regional document pouch
security-officer|Amira Haddad|Own|Facility security officer
contractor|Lee Min-jun|ThirdParty|Contractor maintaining the VPN gateway
journalist|Sofia Marin|ThirdParty|Reporter who first published the story
hotel-staff|Ravi Menon|ThirdParty|Night manager at the conference hotel
handler|unknown handler|Adversary|Case officer running the approach
operator|unknown operator|Adversary|Signals operator on the intercept
recruit|Pavel Sorokin|Adversary|Cultivated contact posing as a consultant
front-company|Nordlys Consulting|Adversary|Front company used for payments";

/// `id|title|publisher|date|reliability`, one source a line.
const SOURCES: &str = "\
ir-log|Incident response log|Own CERT|2024-03|A
vpn-audit|VPN gateway audit export|Own IT security|2024-02-28|A
interview|Interview notes, duty officer|Own counterintelligence|2024-03-04|B
partner-note|Partner service liaison note|Partner service|2024-03-06|B
press|Leaked call transcript published|Regional daily|2024-03-01|C
wire|Wire report on the leak|News agency|2024-03-02|C
forum|Anonymous forum post|Public forum|2024|E
vendor|Vendor advisory for the gateway|Gateway vendor|2023-11-14|B
badge-log|Badge reader export|Facility security|2024-02-20|A
hotel-cctv|Hotel CCTV summary|Hotel management|2024-02-21|D";

const PLACES: [(&str, &str); 10] = [
    ("Singapore", "Asia/Singapore"),
    ("Berlin", "Europe/Berlin"),
    ("Vilnius", "Europe/Vilnius"),
    ("Warsaw", "Europe/Warsaw"),
    ("London", "Europe/London"),
    ("Washington", "America/New_York"),
    ("Tallinn", "Europe/Tallinn"),
    ("Tokyo", "Asia/Tokyo"),
    ("Helsinki", "Europe/Helsinki"),
    ("Brussels", "Europe/Brussels"),
];

/// UTC offsets written with times of day, in minutes east of UTC.
const OFFSETS: [i32; 6] = [0, 60, 120, 480, -300, 330];

const SUBJECTS: [&str; 12] = [
    "The duty officer",
    "The contractor",
    "An unknown caller",
    "The gateway",
    "The liaison officer",
    "A participant",
    "The courier",
    "The night manager",
    "The monitoring system",
    "The handler",
    "The administrator",
    "A reporter",
];

const VERBS: [&str; 12] = [
    "logged",
    "reported",
    "forwarded",
    "ignored",
    "approved",
    "copied",
    "discussed",
    "disabled",
    "noticed",
    "requested",
    "photographed",
    "escalated",
];

const OBJECTS: [&str; 12] = [
    "the dial-in details",
    "a second login from an unmanaged device",
    "the meeting agenda",
    "an unencrypted copy of the briefing",
    "the visitor list",
    "an alert about an unusual session",
    "the badge records for the night",
    "a request for the travel plans",
    "the shared mailbox",
    "the outdated firmware notice",
    "the sealed pouch",
    "the hotel Wi-Fi credentials",
];

const CLAUSES: [&str; 12] = [
    "before the call began",
    "without telling the security officer",
    "while travelling",
    "from the hotel lobby",
    "over an open line",
    "after the partner service warned of interest",
    "although policy required a second check",
    "late in the evening",
    "during the handover between shifts",
    "as the logs later confirmed",
    "according to a single source",
    "two days before the leak",
];

const TITLE_WORDS: [&str; 16] = [
    "Login", "Call", "Alert", "Meeting", "Handover", "Leak", "Approach", "Transfer", "Badge",
    "Report", "Update", "Contact", "Travel", "Review", "Backup", "Warning",
];

/// SplitMix64: small, fast and good enough for varied test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// Whether an event of the given percentage happens.
    fn percent(&mut self, p: u64) -> bool {
        self.next() % 100 < p
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// A synthetic record of `events` events, the same for the same arguments.
pub fn record(events: usize, seed: u64) -> Record {
    let mut rng = Rng(seed);
    // Define no more actors, sources and controls than the events can use,
    // so that each is used (event `i` starts with number `i % n` of each).
    let actors: Vec<Actor> = ACTORS
        .lines()
        .take(events)
        .map(|line| match fields(line) {
            [id, name, side, role] => Actor {
                id: id.into(),
                name: name.into(),
                side: match side {
                    "Own" => Side::Own,
                    "Adversary" => Side::Adversary,
                    _ => Side::ThirdParty,
                },
                role: role.into(),
            },
        })
        .collect();
    let sources: Vec<Source> = SOURCES
        .lines()
        .take(events)
        .enumerate()
        .map(|(i, line)| match fields(line) {
            [id, title, publisher, date, reliability] => Source {
                id: id.into(),
                title: title.into(),
                title_is: TitleKind::Title,
                publisher: publisher.into(),
                date: Some(timestamp(date)),
                url: format!("https://example.org/sources/{i:02}/{id}"),
                reliability: match reliability {
                    "A" => Reliability::A,
                    "B" => Reliability::B,
                    "C" => Reliability::C,
                    "D" => Reliability::D,
                    _ => Reliability::E,
                },
            },
        })
        .collect();
    let controls: Vec<Control> = CONTROLS
        .iter()
        .take(events)
        .map(|&id| {
            let title = Catalog::nist()
                .get(id)
                .unwrap_or_else(|| panic!("{id} is not in the bundled catalogue"))
                .title;
            Control {
                catalogue: Catalogue::NistSp80053r5,
                id: id.into(),
                title: title.into(),
                expects: format!("{title} is in place and followed for every system in scope."),
            }
        })
        .collect();

    let start = NaiveDate::from_ymd_opt(2023, 6, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or_default();
    let mut now = start;
    let events: Vec<Event> = (0..events)
        .map(|i| {
            now += Duration::seconds(60 + rng.below(9 * 60) as i64);
            event(&mut rng, i, now, &actors, &sources, &controls)
        })
        .collect();

    let claims = (0..events.len().div_ceil(500))
        .map(|k| {
            let about = &events[rng.below(events.len())];
            let source = &sources[rng.below(sources.len())];
            let next = (k + 1) % events.len().div_ceil(500);
            Claim {
                id: format!("C{k:04}").into(),
                statement: format!(
                    "{} is reported only by {}; other sources place it differently.",
                    about.title, source.title
                ),
                status: rng.pick(&[
                    ClaimStatus::Reported,
                    ClaimStatus::Uncorroborated,
                    ClaimStatus::Disputed,
                ]),
                events: vec![about.id.clone()],
                sources: vec![Citation {
                    source: source.id.clone(),
                    credibility: Credibility(3 + rng.below(4) as u8),
                    note: None,
                }],
                conflicts_with: if next == k {
                    Vec::new()
                } else {
                    vec![format!("C{next:04}").into()]
                },
                portion: Level::Unclassified,
            }
        })
        .collect();

    Record {
        schema: RECORD_SCHEMA,
        id: format!("synth-{seed}-{}", events.len()),
        title: format!("Synthetic incident with {} events", events.len()),
        summary: "A generated record for load tests: an approach through a contractor, \
                  an intercepted call and a leak, told in many small events."
            .into(),
        classification: Classification {
            scheme: Scheme::Nato,
            level: Level::Unclassified,
        },
        portion: None,
        tlp: Tlp::Green,
        actors,
        sources,
        controls,
        events,
        claims,
        origin: None,
    }
}

/// Replaces the narrative of the event at timeline position `position`
/// (0: the one selected when the record opens) with prose of at least
/// `bytes` bytes in one paragraph: the hardest case for a pane that wraps
/// text, with no line break to split at. Returns the event's index.
pub fn long_narrative(record: &mut Record, position: usize, bytes: usize, seed: u64) -> usize {
    let mut rng = Rng(seed ^ 0x5EED);
    let index = hotwash::timeline::Timeline::new(record)
        .event_at(position)
        .unwrap_or(0);
    let Some(event) = record.events.get_mut(index) else {
        return index;
    };
    let mut text = String::with_capacity(bytes + 128);
    while text.len() < bytes {
        if !text.is_empty() {
            text.push(' ');
        }
        for part in [
            rng.pick(&SUBJECTS),
            " ",
            rng.pick(&VERBS),
            " ",
            rng.pick(&OBJECTS),
            " ",
            rng.pick(&CLAUSES),
            ".",
        ] {
            text.push_str(part);
        }
    }
    event.narrative = text;
    index
}

/// A review of `record` with `findings` findings and `recommendations`
/// recommendations: finding `k` rests on event `k` (modulo the events) and
/// its controls, recommendation `j` answers finding `j` (modulo the
/// findings), and every event a finding rests on is marked reviewed.
pub fn review(record: &Record, findings: usize, recommendations: usize) -> Review {
    let mut rng = Rng((findings as u64) ^ ((recommendations as u64) << 32));
    let mut review = Review::new(record.id.clone());
    let events = record.events.len().max(1);
    for k in 0..findings {
        let e = &record.events[k % events];
        if k < events {
            let mut mark = EventMark::new(e.id.to_string());
            mark.reviewed = true;
            mark.flagged = k % 3 == 0;
            mark.note = (k % 2 == 0).then(|| format!("checked against the sources ({k})"));
            review.marks.push(mark);
        }
        review.findings.push(Finding {
            id: format!("F{k:06}"),
            title: format!("Finding about {}", e.title),
            statement: "Evidence first, then judgement.".into(),
            kind: rng.pick(&FindingKind::ALL),
            severity: rng.pick(&Severity::ALL),
            likelihood: rng.pick(&Likelihood::ALL),
            confidence: rng.pick(&Confidence::ALL),
            events: vec![e.id.to_string()],
            controls: e.controls.iter().map(|c| c.control.to_string()).collect(),
            portion: Level::Unclassified,
        });
    }
    // A recommendation needs a finding to answer.
    let recommendations = if findings == 0 { 0 } else { recommendations };
    for j in 0..recommendations {
        review.recommendations.push(Recommendation {
            id: format!("R{j:06}"),
            finding: format!("F{:06}", j % findings),
            action: "Fix the control.".into(),
            owner: "Security office".into(),
            due: None,
            status: rng.pick(&RecommendationStatus::ALL),
        });
    }
    review
}

/// Writes `record` as RON in the record dialect: pretty, as people write
/// records, or without any layout (`pretty: false`) to compare densities.
pub fn write(out: impl io::Write, record: &Record, pretty: bool) -> ron::Result<()> {
    let options = hotwash::load::ron_options();
    if pretty {
        options.to_io_writer_pretty(out, record, ron::ser::PrettyConfig::new())
    } else {
        options.to_io_writer(out, record)
    }
}

/// Writes `review` as hotwash saves it.
pub fn write_review(mut out: impl io::Write, review: &Review) -> Result<(), String> {
    let text = hotwash::review::store::serialise(review).map_err(|e| e.to_string())?;
    out.write_all(text.as_bytes()).map_err(|e| e.to_string())
}

fn event(
    rng: &mut Rng,
    i: usize,
    now: NaiveDateTime,
    actors: &[Actor],
    sources: &[Source],
    controls: &[Control],
) -> Event {
    let precision = match rng.below(100) {
        0..2 => Fidelity::Year,
        2..5 => Fidelity::Month,
        5..20 => Fidelity::Day,
        20..40 => Fidelity::Hour,
        40..80 => Fidelity::Minute,
        _ => Fidelity::Second,
    };
    let offset = rng.pick(&OFFSETS);
    let at = timestamp(&written(now, precision, offset, rng.percent(30)));
    // Sometimes known less precisely than written.
    let fidelity = match precision {
        Fidelity::Minute if rng.percent(30) => Fidelity::Hour,
        Fidelity::Second if rng.percent(30) => Fidelity::Minute,
        p => p,
    };
    let end = rng.percent(20).then(|| {
        let later = now + Duration::minutes(5 + rng.below(6 * 60) as i64);
        timestamp(&written(later, precision, offset, true))
    });
    let known = rng.percent(25).then(|| {
        let later = now + Duration::days(1 + rng.below(30) as i64);
        timestamp(&written(later, Fidelity::Day, 0, false))
    });
    let place = rng.percent(85).then(|| {
        let (name, zone) = rng.pick(&PLACES);
        Place {
            name: name.into(),
            zone: rng.percent(90).then(|| zone.into()),
        }
    });
    let title = format!(
        "{} {} {}",
        rng.pick(&TITLE_WORDS),
        rng.pick(&["at", "before", "after", "during"]),
        rng.pick(&PLACES).0
    );

    let mut narrative = String::new();
    let length = 180 + rng.below(120);
    while narrative.len() < length {
        if !narrative.is_empty() {
            narrative.push(' ');
        }
        narrative.push_str(&format!(
            "{} {} {} {}.",
            rng.pick(&SUBJECTS),
            rng.pick(&VERBS),
            rng.pick(&OBJECTS),
            rng.pick(&CLAUSES)
        ));
    }

    let event_actors = distinct(rng, i, actors.len(), 3)
        .into_iter()
        .map(|k| actors[k].id.clone())
        .collect();
    let citations = distinct(rng, i, sources.len(), 3)
        .into_iter()
        .map(|k| Citation {
            source: sources[k].id.clone(),
            credibility: Credibility(1 + rng.below(6) as u8),
            note: rng
                .percent(30)
                .then(|| format!("paragraph {} of the source", 1 + rng.below(40))),
        })
        .collect();
    let links = distinct(rng, i, controls.len(), 4)
        .into_iter()
        .map(|k| ControlLink {
            control: controls[k].id.clone(),
            effect: rng.pick(&Effect::ALL),
            note: rng
                .percent(40)
                .then(|| format!("{} {}", rng.pick(&OBJECTS), rng.pick(&CLAUSES))),
        })
        .collect();

    Event {
        id: format!("E{i:06}").into(),
        at,
        fidelity,
        end,
        known,
        place,
        title,
        narrative,
        actors: event_actors,
        sources: citations,
        controls: links,
        candidates: Vec::new(),
        portion: Level::Unclassified,
    }
}

/// One to `most` distinct indices below `n`, the first being `i % n`.
fn distinct(rng: &mut Rng, i: usize, n: usize, most: usize) -> Vec<usize> {
    let count = 1 + rng.below(most);
    let mut picked = vec![i % n];
    while picked.len() < count.min(n) {
        let k = rng.below(n);
        if !picked.contains(&k) {
            picked.push(k);
        }
    }
    picked
}

/// The instant `t` (UTC) written at `precision`; a date carries the offset
/// only if `dated_offset`. A time with an offset is written in local time,
/// so that the events stay in time order as well as in list order (validate
/// warns where the two disagree).
fn written(
    t: NaiveDateTime,
    precision: Fidelity,
    offset_minutes: i32,
    dated_offset: bool,
) -> String {
    let offset = match FixedOffset::east_opt(offset_minutes * 60) {
        Some(o) => hotwash::model::time::format_offset(o),
        None => "Z".into(),
    };
    let local = match precision {
        Fidelity::Year | Fidelity::Month => false,
        Fidelity::Day => dated_offset,
        _ => true,
    };
    let t = if local {
        t + Duration::minutes(i64::from(offset_minutes))
    } else {
        t
    };
    let (y, mo, d) = (t.year(), t.month(), t.day());
    let (h, mi, s) = (t.hour(), t.minute(), t.second());
    match precision {
        Fidelity::Year => format!("{y:04}"),
        Fidelity::Month => format!("{y:04}-{mo:02}"),
        Fidelity::Day if dated_offset => format!("{y:04}-{mo:02}-{d:02}{offset}"),
        Fidelity::Day => format!("{y:04}-{mo:02}-{d:02}"),
        Fidelity::Hour => format!("{y:04}-{mo:02}-{d:02}T{h:02}{offset}"),
        Fidelity::Minute => format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}{offset}"),
        Fidelity::Second => format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{offset}"),
    }
}

/// The `N` fields of a `|`-separated table line.
fn fields<const N: usize>(line: &str) -> [&str; N] {
    let mut parts = line.split('|');
    let fields = std::array::from_fn(|_| parts.next().unwrap_or_default());
    assert!(parts.next().is_none(), "too many fields in {line:?}");
    fields
}

fn timestamp(text: &str) -> Timestamp {
    text.parse()
        .unwrap_or_else(|e| panic!("the generator wrote a bad timestamp: {e}"))
}
