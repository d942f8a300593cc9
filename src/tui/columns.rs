//! Column widths of the Timeline and Controls panes, fixed per record (and
//! per zone choice) when the record is loaded, so that every row's columns
//! start where every other row's do, whichever rows are on screen.

use crate::model::time::ZoneChoice;
use crate::model::{Fidelity, Record};
use crate::timeline::Timeline;

use super::view::style::state_words;
use super::view::width;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Columns {
    /// The finest precision a timeline row shows (a time is shown at its
    /// fidelity or its written precision, the coarser).
    finest: Option<Fidelity>,
    /// The widest control id.
    pub control_id: usize,
    /// The widest words a control's replayed state can have in this record.
    pub state_words: usize,
}

impl Columns {
    pub fn new(record: &Record, timeline: &Timeline) -> Self {
        let finest = record
            .events
            .iter()
            .map(|e| e.fidelity.min(e.at.precision()))
            .max();
        let control_id = record
            .controls
            .iter()
            .map(|c| width(&c.id))
            .max()
            .unwrap_or(0);
        let state_words = timeline
            .widest_states()
            .into_iter()
            .map(|s| width(&state_words(s).1))
            .max()
            .unwrap_or(0);
        Columns {
            finest,
            control_id,
            state_words,
        }
    }

    /// The width of the time column in zone `zone`: the widest time
    /// `display` writes at the record's finest precision. In UTC the
    /// pane's title names the zone; otherwise a zone follows the time: an
    /// IANA abbreviation has 3 to 6 characters (tzfile(5)), an offset such
    /// as `+05:30` 6.
    pub fn when(&self, zone: ZoneChoice) -> usize {
        let Some(finest) = self.finest else {
            return 0;
        };
        let date = match finest {
            Fidelity::Year => 4,
            Fidelity::Month => 7,
            Fidelity::Day => 10,
            Fidelity::Hour => 14,
            Fidelity::Minute => 16,
            Fidelity::Second => 19,
        };
        match zone {
            _ if !finest.has_time_of_day() => date,
            ZoneChoice::Utc => date,
            ZoneChoice::Event | ZoneChoice::Local => date + 7,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::time::display;

    #[test]
    fn no_time_is_wider_than_its_column() {
        let text = std::fs::read_to_string("incidents/taurus-webex-2024.ron").expect("the record");
        let mut record: Record = crate::load::parse(&text).expect("parses");
        // Every precision, in a zone with a six-letter offset abbreviation
        // and without a zone (an offset then follows the time).
        let mut events = Vec::new();
        for (k, at) in [
            "2024",
            "2024-02",
            "2024-02-19",
            "2024-02-19T23+05:30",
            "2024-02-19T23:40-03:30",
            "2024-02-19T23:40:05+05:45",
        ]
        .iter()
        .enumerate()
        {
            let mut e = record.events[0].clone();
            e.at = at.parse().expect("a timestamp");
            e.fidelity = e.at.precision();
            if let Some(p) = e.place.as_mut() {
                p.zone = (k % 2 == 0).then(|| "Asia/Kathmandu".into());
            }
            events.push(e);
        }
        record.events.extend(events);
        let timeline = Timeline::new(&record);
        let columns = Columns::new(&record, &timeline);
        for zone in [ZoneChoice::Utc, ZoneChoice::Event, ZoneChoice::Local] {
            for e in &record.events {
                let z = e.place.as_ref().and_then(|p| p.zone.as_deref());
                let when = display(&e.at, e.fidelity, zone, z);
                let when = when.strip_suffix(" UTC").unwrap_or(&when);
                assert!(
                    width(when) <= columns.when(zone),
                    "{when:?} in {zone:?} is wider than {}",
                    columns.when(zone)
                );
            }
        }
        assert_eq!(columns.when(ZoneChoice::Utc), 19);
    }
}
