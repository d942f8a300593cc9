//! A bound on the size of each text field. A record's file may be large
//! (many events), but one narrative of 50 MB is not a narrative: it is a
//! mistake or an attack, and every reader of the record (the workbench,
//! each export, a person) would pay for it. Such a field is an error,
//! placed at the field.

use super::check::Problem;
use super::diagnostic::Severity;
use super::locate::DocPath;
use crate::model::{Record, Review};

/// The most bytes one text field may hold by default: 1 MiB, about
/// 150,000 words (`--max-field-size` changes it).
pub const MAX_FIELD_BYTES: usize = 1024 * 1024;

/// The error code of a text field over `MAX_FIELD_BYTES`.
pub const CODE: &str = "field.too-large";

struct Fields {
    most: usize,
    problems: Vec<Problem>,
}

impl Fields {
    fn new(most: usize) -> Self {
        Fields {
            most,
            problems: Vec::new(),
        }
    }

    fn check(&mut self, text: &str, path: DocPath, what: &str) {
        if text.len() <= self.most {
            return;
        }
        self.problems.push(Problem {
            severity: Severity::Error,
            code: CODE,
            message: too_large(what, text.len(), self.most),
            help: Some(
                "keep long documents outside the record: cite them as a source and summarise \
                 it here (or raise the limit with --max-field-size if the text is genuine)"
                    .into(),
            ),
            path,
        });
    }
}

/// "the event's narrative is 52428800 bytes; a text field holds at most 1048576 bytes"
pub fn too_large(what: &str, bytes: usize, most: usize) -> String {
    format!("the {what} is {bytes} bytes; a text field holds at most {most} bytes")
}

/// Every text field of `record` over `most` bytes.
pub fn check_record(record: &Record, most: usize) -> Vec<Problem> {
    let mut f = Fields::new(most);
    let root = DocPath::root();
    f.check(&record.title, root.field("title"), "record's title");
    f.check(&record.summary, root.field("summary"), "record's summary");
    for (i, a) in record.actors.iter().enumerate() {
        let path = root.field("actors").index(i);
        f.check(&a.name, path.field("name"), "actor's name");
        f.check(&a.role, path.field("role"), "actor's role");
    }
    for (i, s) in record.sources.iter().enumerate() {
        let path = root.field("sources").index(i);
        f.check(&s.title, path.field("title"), "source's title");
        f.check(&s.publisher, path.field("publisher"), "source's publisher");
        f.check(&s.url, path.field("url"), "source's address");
    }
    for (i, c) in record.controls.iter().enumerate() {
        let path = root.field("controls").index(i);
        f.check(&c.title, path.field("title"), "control's title");
        f.check(&c.expects, path.field("expects"), "control's expectation");
    }
    for (i, e) in record.events.iter().enumerate() {
        let path = root.field("events").index(i);
        f.check(&e.title, path.field("title"), "event's title");
        f.check(&e.narrative, path.field("narrative"), "event's narrative");
        if let Some(place) = &e.place {
            let at = path.field("place");
            f.check(&place.name, at.field("name"), "place's name");
            if let Some(zone) = &place.zone {
                f.check(zone, at.field("zone"), "place's time zone");
            }
        }
        for (k, c) in e.sources.iter().enumerate() {
            if let Some(note) = &c.note {
                let at = path.field("sources").index(k).field("note");
                f.check(note, at, "citation's note");
            }
        }
        for (k, link) in e.controls.iter().enumerate() {
            if let Some(note) = &link.note {
                let at = path.field("controls").index(k).field("note");
                f.check(note, at, "control link's note");
            }
        }
    }
    for (i, c) in record.claims.iter().enumerate() {
        let path = root.field("claims").index(i);
        f.check(&c.statement, path.field("statement"), "claim's statement");
        for (k, s) in c.sources.iter().enumerate() {
            if let Some(note) = &s.note {
                let at = path.field("sources").index(k).field("note");
                f.check(note, at, "citation's note");
            }
        }
    }
    f.problems
}

/// Every text field of `review` over `most` bytes.
pub fn check_review(review: &Review, most: usize) -> Vec<Problem> {
    let mut f = Fields::new(most);
    let root = DocPath::root();
    for (i, x) in review.findings.iter().enumerate() {
        let path = root.field("findings").index(i);
        f.check(&x.title, path.field("title"), "finding's title");
        f.check(&x.statement, path.field("statement"), "finding's statement");
    }
    for (i, r) in review.recommendations.iter().enumerate() {
        let path = root.field("recommendations").index(i);
        f.check(&r.action, path.field("action"), "recommendation's action");
        f.check(&r.owner, path.field("owner"), "recommendation's owner");
    }
    for (i, m) in review.marks.iter().enumerate() {
        if let Some(note) = &m.note {
            let at = root.field("marks").index(i).field("note");
            f.check(note, at, "analyst's note");
        }
    }
    if let Some(s) = &review.signoff {
        f.check(
            &s.reviewer,
            root.field("signoff").field("reviewer"),
            "reviewer",
        );
    }
    for (i, c) in review.conflicts.iter().enumerate() {
        for (side, value) in [("base", &c.base), ("ours", &c.ours), ("theirs", &c.theirs)] {
            if let crate::model::ConflictValue::Text(t) = value {
                let at = root.field("conflicts").index(i).field(side);
                f.check(t, at, "conflicting version");
            }
        }
    }
    for (i, d) in review.dropped_signoffs.iter().enumerate() {
        let at = root.field("dropped_signoffs").index(i).field("reviewer");
        f.check(&d.reviewer, at, "reviewer");
    }
    f.problems
}
