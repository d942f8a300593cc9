//! `/` on the review screen: which events match a query.
//!
//! An event matches when the query (case-insensitive) occurs in its id,
//! title, narrative or place, in the id or name of an actor, in the id,
//! title, publisher or address of a source it cites, or in the id or title
//! of a control it links. Each event's text is gathered once per loaded
//! record, the first time the analyst searches it, so a search is one pass
//! of substring tests and typing the query scans nothing.

use std::collections::HashMap;

use super::app::{App, Bundle, Screen, Search};
use crate::model::Record;

/// Each event's searchable text, lowercased, by timeline position.
#[derive(Debug, Default)]
pub struct SearchIndex {
    texts: Vec<String>,
}

impl SearchIndex {
    pub fn new(record: &Record, timeline: &crate::timeline::Timeline) -> Self {
        let actors: HashMap<&str, &crate::model::Actor> =
            record.actors.iter().map(|a| (a.id.as_str(), a)).collect();
        let sources: HashMap<&str, &crate::model::Source> =
            record.sources.iter().map(|s| (s.id.as_str(), s)).collect();
        let controls: HashMap<&str, &crate::model::Control> =
            record.controls.iter().map(|c| (c.id.as_str(), c)).collect();
        let texts = (0..timeline.len())
            .map(|pos| {
                let Some(e) = timeline.event_at(pos).and_then(|i| record.events.get(i)) else {
                    return String::new();
                };
                // Fields are joined by a line break, which a typed query
                // cannot hold, so a match never spans two fields.
                let mut parts: Vec<&str> = vec![e.id.as_str(), &e.title, &e.narrative];
                if let Some(place) = &e.place {
                    parts.push(place.name.as_str());
                }
                for a in &e.actors {
                    parts.push(a.as_str());
                    if let Some(actor) = actors.get(a.as_str()) {
                        parts.push(&actor.name);
                    }
                }
                for c in &e.sources {
                    parts.push(c.source.as_str());
                    if let Some(s) = sources.get(c.source.as_str()) {
                        parts.extend([s.title.as_str(), &s.publisher, &s.url]);
                    }
                }
                for l in &e.controls {
                    parts.push(l.control.as_str());
                    if let Some(c) = controls.get(l.control.as_str()) {
                        parts.push(&c.title);
                    }
                }
                parts.join("\n").to_lowercase()
            })
            .collect();
        SearchIndex { texts }
    }

    /// Timeline positions of the events whose text holds `needle`
    /// (already lowercased), ascending.
    pub fn matches(&self, needle: &str) -> Vec<usize> {
        self.texts
            .iter()
            .enumerate()
            .filter(|(_, t)| t.contains(needle))
            .map(|(pos, _)| pos)
            .collect()
    }
}

impl Bundle {
    /// The search index, built on first use.
    pub fn search_index(&self) -> &SearchIndex {
        self.search
            .get_or_init(|| SearchIndex::new(&self.record, &self.timeline))
    }
}

/// Runs `query` (Enter in the `/` prompt): selects the first match at or
/// after the selection, wrapping, and says how many events match. An empty
/// query ends the search.
pub fn run(app: &mut App, query: String) {
    use super::action::{Action, Context};
    let step = app
        .keymap
        .labels(&[Action::Next, Action::Previous], Context::Review);
    let back = app.keymap.labels(&[Action::Back], Context::Review);
    let Screen::Review(r) = &mut app.screen else {
        return;
    };
    let needle = query.trim().to_lowercase();
    if needle.is_empty() {
        r.search = None;
        return;
    }
    let matches = r.bundle.search_index().matches(&needle);
    let count = matches.len();
    // Land on the first match at or after the selection, wrapping around.
    let here = r.position().unwrap_or(0);
    let first = matches
        .iter()
        .find(|&&p| p >= here && r.rows.row_of(p).is_some())
        .or_else(|| matches.iter().find(|&&p| r.rows.row_of(p).is_some()))
        .and_then(|&p| r.rows.row_of(p));
    if let Some(row) = first {
        r.selected = row;
    }
    app.message = Some(match count {
        0 => format!("no event matches {query:?}"),
        1 => format!("1 event matches {query:?}"),
        n if step.is_empty() => format!("{n} events match {query:?}"),
        n if back.is_empty() => format!("{n} events match {query:?}; {step} step through them"),
        n => {
            format!("{n} events match {query:?}; {step} step through them, {back} ends the search")
        }
    });
    r.search = Some(Search { query, matches });
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECORD: &str = r#"(schema: 1, id: "r", title: "T", summary: "S",
        classification: (scheme: Nato, level: Unclassified), portion: Unclassified, tlp: "CLEAR",
        actors: [(id: "gerhartz", name: "Ingo Gerhartz", side: Own, role: "chief")],
        sources: [(id: "zeit", title: "Webex-Sicherheitslücke", publisher: "ZEIT ONLINE",
                   url: "https://www.zeit.de/webex", reliability: B)],
        controls: [(catalogue: NistSp80053r5, id: "SC-8", title: "Transmission Confidentiality and Integrity", expects: "x")],
        events: [
            (id: "E01", at: "2024-02-19", fidelity: Day, place: (name: "Singapore"), title: "Call",
             narrative: "n", actors: ["gerhartz"], controls: [(control: "SC-8", effect: Failed)],
             portion: Unclassified),
            (id: "E02", at: "2024-05-03", fidelity: Day, title: "Rooms open", narrative: "m",
             sources: [(source: "zeit", credibility: 2)], portion: Unclassified),
        ],
    )"#;

    fn matching(query: &str) -> Vec<usize> {
        let record: Record = crate::load::parse(RECORD).expect("record");
        let timeline = crate::timeline::Timeline::new(&record);
        SearchIndex::new(&record, &timeline).matches(&query.to_lowercase())
    }

    #[test]
    fn ids_titles_actors_places_sources_and_controls_are_searched() {
        assert_eq!(matching("SC-8"), [0], "a control id");
        assert_eq!(
            matching("transmission confidentiality"),
            [0],
            "a control title"
        );
        assert_eq!(matching("e02"), [1], "an event id");
        assert_eq!(matching("singapore"), [0], "a place");
        assert_eq!(matching("Ingo"), [0], "an actor's name");
        assert_eq!(matching("gerhartz"), [0], "an actor's id");
        assert_eq!(matching("ZEIT ONLINE"), [1], "a source's publisher");
        assert_eq!(matching("sicherheitslücke"), [1], "a source's title");
        assert_eq!(matching("zeit.de/webex"), [1], "a source's address");
        assert_eq!(matching("rooms"), [1], "an event title");
        assert!(matching("nothing like this").is_empty());
    }

    #[test]
    fn a_match_never_spans_two_fields() {
        // "Call" (title) is followed by "n" (narrative): not "calln".
        assert!(matching("calln").is_empty());
    }
}
