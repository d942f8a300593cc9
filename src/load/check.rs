//! Semantic rules: everything a well-formed record or review can still get
//! wrong. Every rule runs over the whole file so that one run reports every
//! problem; positions are attached afterwards, and only when needed.

use crate::model::{IdMap, IdSet};

use chrono_tz::Tz;

use super::diagnostic::Severity;
use super::locate::DocPath;
use crate::model::web_address::{self, AddressProblem};
use crate::model::{
    Catalog, Citation, Classification, Fidelity, Level, RECORD_SCHEMA, REVIEW_SCHEMA, Record,
    Review, Timestamp,
};
use crate::text_safety::{self, Keep};

/// A problem found by a rule, placed by its path in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
    pub help: Option<String>,
    pub path: DocPath,
}

#[derive(Default)]
struct Problems(Vec<Problem>);

impl Problems {
    fn error(&mut self, code: &'static str, path: DocPath, message: String) -> &mut Problem {
        self.push(Severity::Error, code, path, message)
    }

    fn warning(&mut self, code: &'static str, path: DocPath, message: String) -> &mut Problem {
        self.push(Severity::Warning, code, path, message)
    }

    fn push(
        &mut self,
        severity: Severity,
        code: &'static str,
        path: DocPath,
        message: String,
    ) -> &mut Problem {
        self.0.push(Problem {
            severity,
            code,
            message,
            help: None,
            path,
        });
        let last = self.0.len() - 1;
        &mut self.0[last]
    }
}

impl Problem {
    fn help(&mut self, help: impl Into<String>) {
        self.help = Some(help.into());
    }
}

/// Ids are used in anchors and exports, so keep them plain. Parentheses
/// are allowed for control enhancements such as `SC-8(1)`.
fn id_is_valid(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '(' | ')'))
}

/// Collects a set of ids, reporting malformed and duplicate ones.
fn id_set<'a, T>(
    p: &mut Problems,
    items: &'a [T],
    list: DocPath,
    what: &str,
    id: impl Fn(&'a T) -> &'a str,
) -> IdMap<&'a str, usize> {
    let mut seen: IdMap<&str, usize> =
        IdMap::with_capacity_and_hasher(items.len(), Default::default());
    for (i, item) in items.iter().enumerate() {
        let id = id(item);
        let path = list.index(i).field("id");
        if !id_is_valid(id) {
            p.error(
                "id.invalid",
                path,
                format!("{what} id {id:?} is not a valid id"),
            )
            .help("ids use letters, digits, '-', '_', '.' and parentheses, at most 128 characters");
        }
        if let Some(first) = seen.insert(id, i) {
            seen.insert(id, first);
            p.error(
                "id.duplicate",
                path,
                format!(
                    "duplicate {what} id {id:?}; it is first used by {what} number {}",
                    first + 1
                ),
            )
            .help("every id in a list must be unique");
        }
    }
    seen
}

/// Reports a reference to an id that is not defined, suggesting the nearest one.
fn check_ref(
    p: &mut Problems,
    known: &IdMap<&str, usize>,
    id: &str,
    path: DocPath,
    code: &'static str,
    what: &str,
) {
    if known.contains_key(id) {
        return;
    }
    let problem = p.error(code, path, format!("unknown {what} {id:?}"));
    match nearest(known.keys().copied(), id) {
        Some(near) => problem.help(format!("did you mean {near}?")),
        None => problem.help(format!("define the {what} first, or correct the id")),
    }
}

/// The closest candidates to `wanted`, for "did you mean": all those at the
/// smallest distance (up to three, sorted), or none if nothing is close.
fn nearest<'a>(candidates: impl Iterator<Item = &'a str>, wanted: &str) -> Option<String> {
    let names: Vec<String> = closest(candidates, wanted)
        .iter()
        .map(|c| format!("{c:?}"))
        .collect();
    (!names.is_empty()).then(|| names.join(" or "))
}

/// The candidates closest to `wanted` (up to three, sorted), or none if
/// nothing is close.
pub(crate) fn closest<'a>(candidates: impl Iterator<Item = &'a str>, wanted: &str) -> Vec<&'a str> {
    let mut close: Vec<(usize, &str)> = candidates
        .map(|c| (strsim::levenshtein(c, wanted), c))
        .filter(|(d, c)| *d <= 2.max(wanted.len().min(c.len()) / 3))
        .collect();
    let Some(best) = close.iter().map(|(d, _)| *d).min() else {
        return Vec::new();
    };
    close.retain(|(d, _)| *d == best);
    close.sort_unstable();
    close.into_iter().take(3).map(|(_, c)| c).collect()
}

fn check_text(p: &mut Problems, text: &str, path: DocPath, what: &str) {
    if text.trim().is_empty() {
        p.error("text.missing", path, format!("the {what} is empty"));
    }
}

fn check_level(p: &mut Problems, overall: Classification, level: Level, path: DocPath) {
    if overall.scheme.banner(level).is_none() {
        p.error(
            "marking.scheme",
            path,
            format!("the {:?} scheme has no {level} level", overall.scheme),
        )
        .help("choose a level the record's scheme defines");
    }
}

fn check_citations<'a>(
    p: &mut Problems,
    sources: &IdMap<&str, usize>,
    cited: &mut IdSet<&'a str>,
    citations: &'a [Citation],
    list: DocPath,
) {
    for (k, c) in citations.iter().enumerate() {
        let path = list.index(k);
        check_ref(
            p,
            sources,
            &c.source,
            path.field("source"),
            "ref.source",
            "source",
        );
        cited.insert(c.source.as_str());
        if !c.credibility.is_valid() {
            p.error(
                "grade.credibility",
                path.field("credibility"),
                format!("credibility {} is out of range", c.credibility.0),
            )
            .help(
                "Admiralty information credibility runs from 1 (confirmed) to 6 (cannot be judged)",
            );
        }
    }
}

fn check_fidelity(p: &mut Problems, fidelity: Fidelity, ts: &Timestamp, path: DocPath, what: &str) {
    if fidelity > ts.precision() {
        p.error(
            "time.fidelity",
            path,
            format!(
                "fidelity {fidelity} is finer than the {what} {ts} carries ({})",
                ts.precision()
            ),
        )
        .help("never claim more precision than the sources give: lower the fidelity or write the time out");
    }
}

fn check_zone(p: &mut Problems, zone: &str, path: DocPath) {
    if zone.parse::<Tz>().is_ok() {
        return;
    }
    let problem = p.error("time.zone", path, format!("unknown time zone {zone:?}"));
    let names = chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name());
    match nearest(names, zone) {
        Some(near) => problem.help(format!("did you mean {near}? Zones are IANA names")),
        None => {
            problem.help("use an IANA zone name such as \"Europe/Berlin\" or \"Asia/Singapore\"")
        }
    }
}

/// What to do about an unsupported format version.
pub fn version_help(found: u32, supported: u32) -> &'static str {
    if found > supported {
        "the file was written by a newer hotwash: upgrade to read it"
    } else {
        "the version must be a positive number"
    }
}

/// All semantic problems of a record.
/// The timeline follows the record's order of events (docs/FORMAT.md says
/// why): warn where that order contradicts times that do not overlap, that
/// is where an event ends before an event listed above it begins.
fn check_event_order(p: &mut Problems, record: &Record, root: &DocPath) {
    // The event listed so far that starts latest; one pass, so a record of
    // any size is checked in linear time.
    let mut latest_start: Option<(usize, chrono::DateTime<chrono::Utc>)> = None;
    for (i, e) in record.events.iter().enumerate() {
        let start = e.at.earliest();
        let after = e.end.as_ref().unwrap_or(&e.at).after_end();
        if let Some((k, before)) = latest_start
            && after <= before
        {
            let earlier = &record.events[k];
            p.warning(
                "time.order",
                root.field("events").index(i).field("at"),
                format!(
                    "event {:?} ({}) is listed after {:?} ({}) but ends before it begins",
                    e.id, e.at, earlier.id, earlier.at
                ),
            )
            .help(
                "the timeline follows the order of the events in the record:                  move this event above the other",
            );
        }
        if latest_start.is_none_or(|(_, t)| start > t) {
            latest_start = Some((i, start));
        }
    }
}

/// What to do about a classified banner with TLP:CLEAR.
fn tlp_clear_help(banner: Classification) -> String {
    let lowest = banner.scheme.banner(banner.scheme.lowest()).unwrap_or("");
    format!(
        "give the record the TLP its readers need (tlp: \"GREEN\", \"AMBER\", \
         \"AMBER+STRICT\" or \"RED\"), or share only an export with --max-classification \
         {lowest:?}"
    )
}

pub fn check_record(record: &Record, catalog: &Catalog) -> Vec<Problem> {
    let mut p = Problems::default();
    let root = DocPath::root();

    if record.schema != RECORD_SCHEMA {
        p.error(
            "schema.version",
            root.field("schema"),
            format!(
                "record format version {} is not supported; this hotwash reads version {RECORD_SCHEMA}",
                record.schema
            ),
        )
        .help(version_help(record.schema, RECORD_SCHEMA));
    }
    if !id_is_valid(&record.id) {
        p.error(
            "id.invalid",
            root.field("id"),
            format!("record id {:?} is not a valid id", record.id),
        )
        .help("ids use letters, digits, '-', '_', '.' and parentheses, at most 128 characters");
    }
    check_text(&mut p, &record.title, root.field("title"), "title");
    check_text(&mut p, &record.summary, root.field("summary"), "summary");
    let overall = record.classification;
    check_level(
        &mut p,
        overall,
        overall.level,
        root.field("classification").field("level"),
    );
    if let Some(warning) = crate::model::marking::clear_but_classified(overall, record.tlp) {
        p.warning("marking.tlp-clear", root.field("tlp"), warning)
            .help(tlp_clear_help(overall));
    }
    if let Some(portion) = record.portion {
        check_level(&mut p, overall, portion, root.field("portion"));
        if portion > overall.level {
            p.error(
                "marking.above-overall",
                root.field("portion"),
                format!(
                    "the title and summary are marked {portion} but the record as a whole only {}",
                    overall.level
                ),
            )
            .help("the overall classification is never lower than its highest portion");
        }
    }

    let actors = id_set(&mut p, &record.actors, root.field("actors"), "actor", |a| {
        &a.id
    });
    let sources = id_set(
        &mut p,
        &record.sources,
        root.field("sources"),
        "source",
        |s| &s.id,
    );
    let controls = id_set(
        &mut p,
        &record.controls,
        root.field("controls"),
        "control",
        |c| &c.id,
    );
    let events = id_set(&mut p, &record.events, root.field("events"), "event", |e| {
        &e.id
    });
    let claims = id_set(&mut p, &record.claims, root.field("claims"), "claim", |c| {
        &c.id
    });

    for (i, a) in record.actors.iter().enumerate() {
        check_text(
            &mut p,
            &a.name,
            root.field("actors").index(i).field("name"),
            "actor's name",
        );
    }
    for (i, s) in record.sources.iter().enumerate() {
        let path = root.field("sources").index(i);
        check_text(&mut p, &s.title, path.field("title"), "source's title");
        check_url(&mut p, &s.url, path.field("url"));
    }
    for (i, c) in record.controls.iter().enumerate() {
        let path = root.field("controls").index(i);
        match catalog.get(&c.id) {
            None => {
                let problem = p.error(
                    "control.unknown",
                    path.field("id"),
                    format!("{:?} is not a control of {}", c.id, c.catalogue.name()),
                );
                match catalog.nearest(&c.id) {
                    Some(near) => problem.help(format!("did you mean {near:?}?")),
                    None => problem.help("ids look like \"SC-8\" or \"SC-15(4)\""),
                }
            }
            Some(entry) if entry.withdrawn => {
                p.error(
                    "control.withdrawn",
                    path.field("id"),
                    format!(
                        "{} ({}) is withdrawn from {}",
                        c.id,
                        entry.title,
                        c.catalogue.name()
                    ),
                )
                .help("cite the control that replaced it");
            }
            Some(entry) if !entry.title.eq_ignore_ascii_case(c.title.trim()) => {
                p.warning(
                    "control.title",
                    path.field("title"),
                    format!("the catalogue calls {} {:?}", c.id, entry.title),
                )
                .help(format!("write title: {:?}", entry.title));
            }
            Some(_) => {}
        }
        check_text(
            &mut p,
            &c.expects,
            path.field("expects"),
            "control's expectation",
        );
    }

    let mut cited_sources = IdSet::default();
    let mut used_actors = IdSet::default();
    let mut used_controls = IdSet::default();
    for (i, e) in record.events.iter().enumerate() {
        let path = root.field("events").index(i);
        check_text(&mut p, &e.title, path.field("title"), "event's title");
        check_fidelity(&mut p, e.fidelity, &e.at, path.field("fidelity"), "time");
        if let Some(end) = &e.end {
            check_fidelity(&mut p, e.fidelity, end, path.field("fidelity"), "end");
            if end.after_end() <= e.at.earliest() {
                p.error(
                    "time.end-before-start",
                    path.field("end"),
                    format!("the event ends ({end}) before it starts ({})", e.at),
                );
            }
        }
        if let Some(known) = &e.known
            && known.after_end() <= e.at.earliest()
        {
            p.warning(
                "time.known-before-start",
                path.field("known"),
                format!(
                    "the event became known ({known}) before it happened ({})",
                    e.at
                ),
            );
        }
        if let Some(zone) = e.place.as_ref().and_then(|pl| pl.zone.as_deref()) {
            check_zone(&mut p, zone, path.field("place").field("zone"));
        }
        for (k, a) in e.actors.iter().enumerate() {
            check_ref(
                &mut p,
                &actors,
                a,
                path.field("actors").index(k),
                "ref.actor",
                "actor",
            );
            used_actors.insert(a.as_str());
        }
        check_citations(
            &mut p,
            &sources,
            &mut cited_sources,
            &e.sources,
            path.field("sources"),
        );
        for (k, link) in e.controls.iter().enumerate() {
            let link_path = path.field("controls").index(k).field("control");
            check_ref(
                &mut p,
                &controls,
                &link.control,
                link_path,
                "ref.control",
                "control",
            );
            used_controls.insert(link.control.as_str());
            // Events link a handful of controls: a scan beats a set.
            if e.controls[..k].iter().any(|l| l.control == link.control) {
                p.error(
                    "control.linked-twice",
                    link_path,
                    format!("control {:?} is linked to this event twice", link.control),
                )
                .help("give one effect per control and event");
            }
        }
        check_candidates(&mut p, catalog, e, &path);
        check_level(&mut p, overall, e.portion, path.field("portion"));
        if e.portion > overall.level {
            p.error(
                "marking.above-overall",
                path.field("portion"),
                format!(
                    "this event is marked {} but the record as a whole only {}",
                    e.portion, overall.level
                ),
            )
            .help("the overall classification is never lower than its highest portion");
        }
    }

    check_event_order(&mut p, record, &root);

    for (i, c) in record.claims.iter().enumerate() {
        let path = root.field("claims").index(i);
        check_text(
            &mut p,
            &c.statement,
            path.field("statement"),
            "claim's statement",
        );
        for (k, e) in c.events.iter().enumerate() {
            check_ref(
                &mut p,
                &events,
                e,
                path.field("events").index(k),
                "ref.event",
                "event",
            );
        }
        check_citations(
            &mut p,
            &sources,
            &mut cited_sources,
            &c.sources,
            path.field("sources"),
        );
        for (k, other) in c.conflicts_with.iter().enumerate() {
            let other_path = path.field("conflicts_with").index(k);
            if *other == c.id {
                p.error(
                    "claim.self-conflict",
                    other_path,
                    "a claim cannot conflict with itself".into(),
                );
            } else {
                check_ref(&mut p, &claims, other, other_path, "ref.claim", "claim");
            }
        }
        check_level(&mut p, overall, c.portion, path.field("portion"));
        if c.portion > overall.level {
            p.error(
                "marking.above-overall",
                path.field("portion"),
                format!(
                    "this claim is marked {} but the record as a whole only {}",
                    c.portion, overall.level
                ),
            )
            .help("the overall classification is never lower than its highest portion");
        }
    }

    for (i, s) in record.sources.iter().enumerate() {
        if !cited_sources.contains(s.id.as_str()) {
            p.warning(
                "unused.source",
                root.field("sources").index(i).field("id"),
                format!("source {:?} is never cited", s.id),
            );
        }
    }
    for (i, a) in record.actors.iter().enumerate() {
        if !used_actors.contains(a.id.as_str()) {
            p.warning(
                "unused.actor",
                root.field("actors").index(i).field("id"),
                format!("actor {:?} takes part in no event", a.id),
            );
        }
    }
    for (i, c) in record.controls.iter().enumerate() {
        if !used_controls.contains(c.id.as_str()) {
            p.warning(
                "unused.control",
                root.field("controls").index(i).field("id"),
                format!("control {:?} is linked to no event", c.id),
            );
        }
    }
    check_record_text(&mut p, record);
    p.0
}

/// An event's candidate controls: each a control of the catalogue in its
/// own form, proposed for at least one reason, and proposed once.
fn check_candidates(p: &mut Problems, catalog: &Catalog, e: &crate::model::Event, path: &DocPath) {
    for (k, c) in e.candidates.iter().enumerate() {
        let at = path.field("candidates").index(k);
        match catalog.get(&c.control) {
            None => {
                let problem = p.error(
                    "candidate.unknown",
                    at.field("control"),
                    format!("{:?} is not a control of {}", c.control, c.catalogue.name()),
                );
                match catalog.nearest(&c.control) {
                    Some(near) => problem.help(format!("write it as the catalogue does: {near:?}")),
                    None => problem.help("ids look like \"AC-2\" or \"SC-15(4)\""),
                }
            }
            Some(entry) if entry.withdrawn => {
                p.error(
                    "candidate.withdrawn",
                    at.field("control"),
                    format!("{} is withdrawn from {}", c.control, c.catalogue.name()),
                )
                .help("propose the control that replaced it");
            }
            Some(_) => {}
        }
        if c.chains.is_empty() {
            p.error(
                "candidate.no-chain",
                at.field("chains"),
                format!(
                    "candidate {:?} gives no chain: no reason it is proposed",
                    c.control
                ),
            )
            .help("a candidate names at least one chain (action, technique, basis)");
        }
        // An event proposes a few dozen candidates at most: a scan will do.
        if e.candidates[..k].iter().any(|x| x.control == c.control) {
            p.error(
                "candidate.duplicate",
                at.field("control"),
                format!("control {:?} is proposed twice for this event", c.control),
            )
            .help("give one candidate per control, with every chain to it");
        }
    }
}

/// All semantic problems of a review, checked against its record. Whether
/// a sign-off is stale is checked with `hasher` (`record`'s); `None` leaves
/// that out, for those who only need the review (a stale sign-off is a
/// warning, and checking it hashes the whole record).
pub fn check_review(
    review: &Review,
    record: &Record,
    hasher: Option<&crate::review::LazyHasher>,
) -> Vec<Problem> {
    let mut p = Problems::default();
    let root = DocPath::root();
    if review.schema != REVIEW_SCHEMA {
        p.error(
            "schema.version",
            root.field("schema"),
            format!(
                "review format version {} is not supported; this hotwash reads version {REVIEW_SCHEMA}",
                review.schema
            ),
        )
        .help(version_help(review.schema, REVIEW_SCHEMA));
    }
    if review.record != record.id {
        p.error(
            "review.record",
            root.field("record"),
            format!(
                "this review is of record {:?}, but the record beside it is {:?}",
                review.record, record.id
            ),
        );
    }
    let events = crate::model::index_by_id(&record.events, |e| e.id.as_str());
    let controls = crate::model::index_by_id(&record.controls, |c| c.id.as_str());
    let findings = id_set(
        &mut p,
        &review.findings,
        root.field("findings"),
        "finding",
        |f| &f.id,
    );
    let recommendations = id_set(
        &mut p,
        &review.recommendations,
        root.field("recommendations"),
        "recommendation",
        |r| &r.id,
    );

    for (i, f) in review.findings.iter().enumerate() {
        let path = root.field("findings").index(i);
        check_text(&mut p, &f.title, path.field("title"), "finding's title");
        check_text(
            &mut p,
            &f.statement,
            path.field("statement"),
            "finding's statement",
        );
        for (k, e) in f.events.iter().enumerate() {
            check_ref(
                &mut p,
                &events,
                e,
                path.field("events").index(k),
                "ref.event",
                "event",
            );
        }
        for (k, c) in f.controls.iter().enumerate() {
            check_ref(
                &mut p,
                &controls,
                c,
                path.field("controls").index(k),
                "ref.control",
                "control",
            );
        }
        check_level(
            &mut p,
            record.classification,
            f.portion,
            path.field("portion"),
        );
    }
    // The record's own marking is warned of with the record; a finding
    // that raises an unclassified record's banner under TLP:CLEAR is
    // warned of here, once, at the first.
    let record_warned =
        crate::model::marking::clear_but_classified(record.classification, record.tlp).is_some();
    let raised = review.findings.iter().enumerate().find(|(_, f)| {
        let banner = record.classification.at(f.portion);
        crate::model::marking::clear_but_classified(banner, record.tlp).is_some()
    });
    if let (false, Some((i, f))) = (record_warned, raised) {
        let banner = record.classification.at(f.portion);
        p.warning(
            "marking.tlp-clear",
            root.field("findings").index(i).field("portion"),
            format!(
                "finding {:?} raises the banner to {}, but the TLP is CLEAR: {}",
                f.id,
                banner.banner(),
                crate::model::marking::CLEAR_BUT_CLASSIFIED
            ),
        )
        .help(tlp_clear_help(banner));
    }
    for (i, r) in review.recommendations.iter().enumerate() {
        let path = root.field("recommendations").index(i);
        check_ref(
            &mut p,
            &findings,
            &r.finding,
            path.field("finding"),
            "ref.finding",
            "finding",
        );
        check_text(
            &mut p,
            &r.action,
            path.field("action"),
            "recommendation's action",
        );
    }
    let mut marked = IdSet::default();
    for (i, m) in review.marks.iter().enumerate() {
        let path = root.field("marks").index(i).field("event");
        check_ref(&mut p, &events, &m.event, path, "ref.event", "event");
        if !marked.insert(m.event.as_str()) {
            p.error(
                "mark.duplicate",
                path,
                format!("event {:?} is marked twice", m.event),
            )
            .help("keep one mark entry per event");
        }
    }
    check_decisions(&mut p, review, record, &events);
    if let Some(s) = &review.signoff {
        check_signoff_hash(&mut p, &s.hash, root.field("signoff").field("hash"));
        check_text(
            &mut p,
            &s.reviewer,
            root.field("signoff").field("reviewer"),
            "reviewer",
        );
        if s.hash.len() == 71
            && let Some(hasher) = hasher
            && s.hash != hasher.of(record).hash(review)
        {
            p.warning(
                "signoff.stale",
                root.field("signoff").field("hash"),
                format!(
                    "the sign-off by {} is stale: the record or the review changed since {}",
                    s.reviewer,
                    s.at.format("%Y-%m-%d %H:%M UTC")
                ),
            )
            .help("review the changes and sign off again (S in the review screen)");
        }
    }
    check_conflicts(&mut p, review, &events, &findings, &recommendations);
    for (i, d) in review.dropped_signoffs.iter().enumerate() {
        let path = root.field("dropped_signoffs").index(i);
        check_signoff_hash(&mut p, &d.hash, path.field("hash"));
        check_text(&mut p, &d.reviewer, path.field("reviewer"), "reviewer");
    }
    check_review_text(&mut p, review);
    p.0
}

/// Decisions on candidate controls: each about an event of the record and
/// a control that is a candidate there, and at most one per event and
/// control (two would give the control two effects).
fn check_decisions(
    p: &mut Problems,
    review: &Review,
    record: &Record,
    events: &IdMap<&str, usize>,
) {
    let root = DocPath::root().field("decisions");
    let mut seen = IdSet::default();
    for (i, d) in review.decisions.iter().enumerate() {
        let path = root.index(i);
        let Some(&e) = events.get(d.event.as_str()) else {
            check_ref(
                p,
                events,
                &d.event,
                path.field("event"),
                "ref.event",
                "event",
            );
            continue;
        };
        let event = &record.events[e];
        if !event.candidates.iter().any(|c| c.control == d.control) {
            let problem = p.error(
                "decision.not-candidate",
                path.field("control"),
                format!(
                    "control {:?} is not a candidate of event {:?}",
                    d.control, d.event
                ),
            );
            match nearest(
                event.candidates.iter().map(|c| c.control.as_str()),
                &d.control,
            ) {
                Some(near) => problem.help(format!("did you mean {near}?")),
                None if event.candidates.is_empty() => problem.help(
                    "this event has no candidate controls: link a control in the record instead",
                ),
                None => problem.help("decide on one of the event's candidates"),
            }
        }
        if !seen.insert((d.event.as_str(), d.control.as_str())) {
            p.error(
                "decision.duplicate",
                path,
                format!(
                    "control {:?} at event {:?} is decided twice",
                    d.control, d.event
                ),
            )
            .help("keep one decision per event and control");
        }
    }
}

/// The code of an unresolved merge conflict. It is an error (the review is
/// not finished: `validate` fails, exports refuse), but the only one that
/// still lets hotwash open the review for writing, so that the analyst can
/// resolve it.
pub const UNRESOLVED: &str = "merge.conflict";

fn check_signoff_hash(p: &mut Problems, hash: &str, path: DocPath) {
    let hex = hash.strip_prefix("sha256:").unwrap_or("");
    if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        p.error(
            "signoff.hash",
            path,
            format!("{hash:?} is not a content hash"),
        )
        .help("a sign-off hash is \"sha256:\" followed by 64 hexadecimal digits");
    }
}

/// Merge conflicts: each must be about an item the review (or, for marks,
/// the record) has, name a field that item has, hold values of that field,
/// and be the only one about that field. Each is reported as unresolved.
fn check_conflicts(
    p: &mut Problems,
    review: &Review,
    events: &IdMap<&str, usize>,
    findings: &IdMap<&str, usize>,
    recommendations: &IdMap<&str, usize>,
) {
    use crate::model::ConflictItem;
    let root = DocPath::root().field("conflicts");
    let mut seen = IdSet::default();
    for (i, c) in review.conflicts.iter().enumerate() {
        let path = root.index(i);
        let item = path.field("item");
        match &c.item {
            ConflictItem::Finding(id) => {
                check_ref(p, findings, id, item, "ref.finding", "finding");
            }
            ConflictItem::Recommendation(id) => check_ref(
                p,
                recommendations,
                id,
                item,
                "ref.recommendation",
                "recommendation",
            ),
            ConflictItem::Mark(id) | ConflictItem::Decision { event: id, .. } => {
                check_ref(p, events, id, item, "ref.event", "event");
            }
        }
        if !c.field.belongs_to(&c.item) {
            p.error(
                "conflict.field",
                path.field("field"),
                format!("{} has no field {}", c.item.describe(), c.field.name()),
            )
            .help(
                "a finding's conflicts are about Presence, Title, Statement, Kind, Severity, \
                 Likelihood, Confidence or Portion; a recommendation's about Presence, Finding, \
                 Action, Owner, Due or Status; a mark's about its Note; a decision's about its \
                 Verdict or Note",
            );
        } else {
            for (side, value) in [("base", &c.base), ("ours", &c.ours), ("theirs", &c.theirs)] {
                if !c.field.accepts(value) {
                    p.error(
                        "conflict.value",
                        path.field(side),
                        format!(
                            "{value:?} is not a value of {} {}",
                            c.item.describe(),
                            c.field.name()
                        ),
                    )
                    .help(value_help(c.field));
                }
            }
        }
        if !seen.insert((&c.item, c.field)) {
            p.error(
                "conflict.duplicate",
                path,
                format!("the conflict on {} is listed twice", c.describe()),
            )
            .help("keep one entry per item and field");
            continue;
        }
        p.error(
            UNRESOLVED,
            path,
            format!(
                "unresolved merge conflict on {}: ours and theirs changed it differently",
                c.describe()
            ),
        )
        .help(
            "open the record in hotwash and choose ours, theirs or a combination \
             (C lists the conflicts)",
        );
    }
}

fn value_help(field: crate::model::ConflictField) -> &'static str {
    use crate::model::ConflictField as F;
    match field {
        F::Presence => "write Kept or Deleted",
        F::Title | F::Statement | F::Finding | F::Action | F::Owner => "write Text(\"...\")",
        F::Kind => "write Kind(RootCause), Kind(ContributingFactor) or Kind(Observation)",
        F::Severity => {
            "write Severity(Low), Severity(Medium), Severity(High) or Severity(Critical)"
        }
        F::Likelihood => "write Likelihood(...) with an ICD 203 term such as Likely",
        F::Confidence => "write Confidence(Low), Confidence(Moderate) or Confidence(High)",
        F::Portion => "write Portion(...) with a level such as Unclassified",
        F::Due => "write Due(\"YYYY-MM-DD\") or Unset",
        F::Status => "write Status(...) with a status such as Planned",
        F::Note => "write Text(\"...\") or Unset",
        F::Verdict => "write Verdict(Linked(Failed)), Verdict(Dismissed)... or Unset",
    }
}

// Hostile text. Records come from outside; a control character in a title
// drives the terminal that prints it, a bidi override makes text read
// otherwise than it is written. hotwash shows both escaped, but the author
// should know they are there.

/// Whether a text field is one line (titles, names) or may hold lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lines {
    One,
    Many,
}

/// Warns about control characters (line breaks aside, where a field may
/// hold lines) and, apart, about bidirectional controls in one text field.
fn check_hostile_text(p: &mut Problems, text: &str, path: DocPath, what: &str, lines: Lines) {
    let keep = match lines {
        Lines::One => Keep::Nothing,
        Lines::Many => Keep::LineBreaks,
    };
    // The fast scan finds nothing in almost every field.
    let Some(first) = text_safety::first_unsafe(text, keep) else {
        return;
    };
    let flagged = |c: char| text_safety::is_unsafe(c) && !(lines == Lines::Many && c == '\n');
    let control = |c: char| flagged(c) && !text_safety::is_bidi_control(c);
    let found = |kind: &dyn Fn(char) -> bool| {
        let mut hits = text[first..].chars().filter(|&c| kind(c));
        let c = hits.next()?;
        let at = first + text[first..].find(c)?;
        Some((c, text[..at].chars().count() + 1, hits.count()))
    };
    let more = |k: usize| match k {
        0 => String::new(),
        1 => " (and 1 more)".to_string(),
        k => format!(" (and {k} more)"),
    };
    if let Some((c, n, k)) = found(&control) {
        p.warning(
            "text.control",
            path,
            format!(
                "the {what} holds a control character, {}, at character {n}{}",
                text_safety::describe(c),
                more(k)
            ),
        )
        .help("terminals act on control characters (an escape sequence can set the clipboard or the window title); hotwash shows them escaped, but remove them");
    }
    if let Some((c, n, k)) = found(&text_safety::is_bidi_control) {
        p.warning(
            "text.bidi",
            path,
            format!(
                "the {what} holds a bidirectional control, {}, at character {n}{}",
                text_safety::describe(c),
                more(k)
            ),
        )
        .help("bidirectional controls make text read differently from what it holds; remove them unless the language needs them");
    }
}

/// The rule of [`web_address`] for a source's address: an error when the
/// address is not one to cite, a warning when it is shown but not linked.
fn check_url(p: &mut Problems, url: &str, path: DocPath) {
    match web_address::check(url) {
        Ok(()) => {}
        Err(AddressProblem::Invalid(why)) => {
            p.error("source.url", path, format!("the address {url:?} {why}"))
                .help("write the full address of the page, starting with https:// or http://");
        }
        Err(AddressProblem::NotLinkable(why)) => {
            p.warning(
                "source.url-text",
                path,
                format!("the address {url:?} {why}"),
            )
            .help("percent-encode the character (%22 for a quote) if the address needs it");
        }
    }
}

/// Every free text of a record, checked by [`check_hostile_text`]. Ids and
/// time zones have rules of their own; addresses are checked by [`check_url`].
fn check_record_text(p: &mut Problems, record: &Record) {
    use Lines::{Many, One};
    let root = DocPath::root();
    check_hostile_text(p, &record.title, root.field("title"), "title", One);
    check_hostile_text(p, &record.summary, root.field("summary"), "summary", Many);
    for (i, a) in record.actors.iter().enumerate() {
        let path = root.field("actors").index(i);
        check_hostile_text(p, &a.name, path.field("name"), "actor's name", One);
        check_hostile_text(p, &a.role, path.field("role"), "actor's role", Many);
    }
    for (i, s) in record.sources.iter().enumerate() {
        let path = root.field("sources").index(i);
        check_hostile_text(p, &s.title, path.field("title"), "source's title", One);
        check_hostile_text(
            p,
            &s.publisher,
            path.field("publisher"),
            "source's publisher",
            One,
        );
    }
    for (i, c) in record.controls.iter().enumerate() {
        let path = root.field("controls").index(i);
        check_hostile_text(p, &c.title, path.field("title"), "control's title", One);
        check_hostile_text(
            p,
            &c.expects,
            path.field("expects"),
            "control's expectation",
            Many,
        );
    }
    let citations = |p: &mut Problems, list: &[Citation], path: DocPath| {
        for (k, c) in list.iter().enumerate() {
            if let Some(note) = &c.note {
                let path = path.index(k).field("note");
                check_hostile_text(p, note, path, "citation's note", Many);
            }
        }
    };
    for (i, e) in record.events.iter().enumerate() {
        let path = root.field("events").index(i);
        check_hostile_text(p, &e.title, path.field("title"), "event's title", One);
        check_hostile_text(
            p,
            &e.narrative,
            path.field("narrative"),
            "event's narrative",
            Many,
        );
        if let Some(place) = &e.place {
            let name = path.field("place").field("name");
            check_hostile_text(p, &place.name, name, "place's name", One);
        }
        citations(p, &e.sources, path.field("sources"));
        for (k, link) in e.controls.iter().enumerate() {
            if let Some(note) = &link.note {
                let path = path.field("controls").index(k).field("note");
                check_hostile_text(p, note, path, "control link's note", Many);
            }
        }
        for (k, c) in e.candidates.iter().enumerate() {
            for (j, chain) in c.chains.iter().enumerate() {
                let path = path.field("candidates").index(k).field("chains").index(j);
                check_hostile_text(
                    p,
                    &chain.action,
                    path.field("action"),
                    "chain's action",
                    One,
                );
            }
        }
    }
    for (i, c) in record.claims.iter().enumerate() {
        let path = root.field("claims").index(i);
        check_hostile_text(
            p,
            &c.statement,
            path.field("statement"),
            "claim's statement",
            Many,
        );
        citations(p, &c.sources, path.field("sources"));
    }
}

/// Every free text of a review, checked by [`check_hostile_text`].
fn check_review_text(p: &mut Problems, review: &Review) {
    use Lines::{Many, One};
    let root = DocPath::root();
    for (i, f) in review.findings.iter().enumerate() {
        let path = root.field("findings").index(i);
        check_hostile_text(p, &f.title, path.field("title"), "finding's title", One);
        check_hostile_text(
            p,
            &f.statement,
            path.field("statement"),
            "finding's statement",
            Many,
        );
    }
    for (i, r) in review.recommendations.iter().enumerate() {
        let path = root.field("recommendations").index(i);
        check_hostile_text(
            p,
            &r.action,
            path.field("action"),
            "recommendation's action",
            Many,
        );
        check_hostile_text(
            p,
            &r.owner,
            path.field("owner"),
            "recommendation's owner",
            One,
        );
    }
    for (i, m) in review.marks.iter().enumerate() {
        if let Some(note) = &m.note {
            let path = root.field("marks").index(i).field("note");
            check_hostile_text(p, note, path, "note", Many);
        }
    }
    for (i, d) in review.decisions.iter().enumerate() {
        if let Some(note) = &d.note {
            let path = root.field("decisions").index(i).field("note");
            check_hostile_text(p, note, path, "decision's note", Many);
        }
    }
    if let Some(s) = &review.signoff {
        let path = root.field("signoff").field("reviewer");
        check_hostile_text(p, &s.reviewer, path, "reviewer's name", One);
    }
    for (i, d) in review.dropped_signoffs.iter().enumerate() {
        let path = root.field("dropped_signoffs").index(i).field("reviewer");
        check_hostile_text(p, &d.reviewer, path, "reviewer's name", One);
    }
    for (i, c) in review.conflicts.iter().enumerate() {
        let lines = match c.field {
            crate::model::ConflictField::Statement
            | crate::model::ConflictField::Action
            | crate::model::ConflictField::Note => Many,
            _ => One,
        };
        for (side, value) in [("base", &c.base), ("ours", &c.ours), ("theirs", &c.theirs)] {
            if let crate::model::ConflictValue::Text(t) = value {
                let path = root.field("conflicts").index(i).field(side);
                check_hostile_text(p, t, path, "conflicting version", lines);
            }
        }
    }
}
