//! Timestamps that know how precisely they are known.
//!
//! "Around midnight on 19 February" must never be shown as 23:59:59. A
//! [`Timestamp`] keeps the precision it was written with, and an event carries
//! a [`Fidelity`] that may be coarser still; display never exceeds either.

use std::fmt;
use std::str::FromStr;

use chrono::format::{Item, StrftimeItems};
use chrono::{
    DateTime, Datelike, Duration, FixedOffset, Months, NaiveDate, NaiveDateTime, NaiveTime,
    TimeZone, Timelike, Utc,
};
use serde::{Deserialize, Serialize};

/// How precisely a time is known, from coarse to fine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Fidelity {
    Year,
    Month,
    Day,
    Hour,
    Minute,
    Second,
}

impl Fidelity {
    pub fn name(self) -> &'static str {
        match self {
            Fidelity::Year => "year",
            Fidelity::Month => "month",
            Fidelity::Day => "day",
            Fidelity::Hour => "hour",
            Fidelity::Minute => "minute",
            Fidelity::Second => "second",
        }
    }

    /// Whether a time of this fidelity has a time of day, and so can be
    /// converted between zones. A bare date is shown as written.
    pub fn has_time_of_day(self) -> bool {
        self >= Fidelity::Hour
    }
}

impl fmt::Display for Fidelity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An ISO 8601 timestamp of variable precision:
/// `2024`, `2024-02`, `2024-02-19`, `2024-02-19T23+08:00`,
/// `2024-02-19T23:40+08:00`, `2024-02-19T23:40:15Z`.
///
/// A time of day needs its UTC offset (`Z` or `±hh:mm`); a bare date may carry
/// one (`2024-03-01+03:00`, as in XML Schema) and is otherwise taken as UTC for
/// ordering only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Timestamp {
    precision: Fidelity,
    /// The wall-clock start of the period, missing parts filled with their minimum.
    local: NaiveDateTime,
    offset: Option<FixedOffset>,
}

impl Timestamp {
    /// Builds a timestamp, truncating `local` to `precision`.
    pub fn new(local: NaiveDateTime, offset: Option<FixedOffset>, precision: Fidelity) -> Self {
        let local = truncate(local, precision);
        let offset = if precision.has_time_of_day() {
            Some(offset.unwrap_or_else(utc))
        } else {
            offset
        };
        Timestamp {
            precision,
            local,
            offset,
        }
    }

    /// The precision the timestamp was written with.
    pub fn precision(&self) -> Fidelity {
        self.precision
    }

    /// The UTC offset, where one was written.
    pub fn offset(&self) -> Option<FixedOffset> {
        self.offset
    }

    /// The wall-clock start of the period in the written offset.
    pub fn local(&self) -> NaiveDateTime {
        self.local
    }

    /// The first instant of the period (a bare date without an offset counts as UTC).
    pub fn earliest(&self) -> DateTime<Utc> {
        let offset = self.offset.unwrap_or_else(utc);
        to_utc(self.local, offset)
    }

    /// The first instant after the period.
    pub fn after_end(&self) -> DateTime<Utc> {
        let offset = self.offset.unwrap_or_else(utc);
        let next = match self.precision {
            Fidelity::Year => self.local.checked_add_months(Months::new(12)),
            Fidelity::Month => self.local.checked_add_months(Months::new(1)),
            Fidelity::Day => self.local.checked_add_signed(Duration::days(1)),
            Fidelity::Hour => self.local.checked_add_signed(Duration::hours(1)),
            Fidelity::Minute => self.local.checked_add_signed(Duration::minutes(1)),
            Fidelity::Second => self.local.checked_add_signed(Duration::seconds(1)),
        };
        to_utc(next.unwrap_or(NaiveDateTime::MAX), offset)
    }

    /// The written form, coarsened to `fidelity` where that is coarser.
    pub fn format_at(&self, fidelity: Fidelity) -> String {
        let mut out = String::with_capacity(25);
        self.write_at(&mut out, fidelity);
        out
    }

    /// [`Timestamp::format_at`] written into `out`: a report writes 100,000
    /// of these, and one buffer is cheaper than five strings each.
    pub fn write_at(&self, out: &mut impl fmt::Write, fidelity: Fidelity) {
        let shown = fidelity.min(self.precision);
        let l = self.local;
        // Writing into a string cannot fail.
        let _ = match shown {
            Fidelity::Year => write!(out, "{:04}", l.year()),
            Fidelity::Month => write!(out, "{:04}-{:02}", l.year(), l.month()),
            _ => write!(out, "{:04}-{:02}-{:02}", l.year(), l.month(), l.day()),
        };
        let _ = match shown {
            Fidelity::Hour => write!(out, "T{:02}", l.hour()),
            Fidelity::Minute => write!(out, "T{:02}:{:02}", l.hour(), l.minute()),
            Fidelity::Second => {
                write!(out, "T{:02}:{:02}:{:02}", l.hour(), l.minute(), l.second())
            }
            _ => Ok(()),
        };
        if let Some(offset) = self.offset {
            let _ = write_offset(out, offset);
        }
    }
}

fn utc() -> FixedOffset {
    FixedOffset::east_opt(0).unwrap_or_else(|| unreachable!("zero is a valid offset"))
}

fn to_utc(local: NaiveDateTime, offset: FixedOffset) -> DateTime<Utc> {
    match offset.from_local_datetime(&local).single() {
        Some(t) => t.with_timezone(&Utc),
        // A fixed offset has exactly one mapping; this is unreachable in practice.
        None => Utc.from_utc_datetime(&local),
    }
}

fn truncate(t: NaiveDateTime, precision: Fidelity) -> NaiveDateTime {
    let d = t.date();
    let (year, month) = (d.year(), d.month());
    let date = match precision {
        Fidelity::Year => NaiveDate::from_ymd_opt(year, 1, 1),
        Fidelity::Month => NaiveDate::from_ymd_opt(year, month, 1),
        _ => Some(d),
    }
    .unwrap_or(d);
    let (h, m, s) = (t.hour(), t.minute(), t.second());
    let time = match precision {
        Fidelity::Year | Fidelity::Month | Fidelity::Day => NaiveTime::MIN,
        Fidelity::Hour => NaiveTime::from_hms_opt(h, 0, 0).unwrap_or(NaiveTime::MIN),
        Fidelity::Minute => NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN),
        Fidelity::Second => NaiveTime::from_hms_opt(h, m, s).unwrap_or(NaiveTime::MIN),
    };
    date.and_time(time)
}

/// `Z` for UTC, otherwise `±hh:mm`.
pub fn format_offset(offset: FixedOffset) -> String {
    let mut out = String::with_capacity(6);
    let _ = write_offset(&mut out, offset);
    out
}

fn write_offset(out: &mut impl fmt::Write, offset: FixedOffset) -> fmt::Result {
    let secs = offset.local_minus_utc();
    if secs == 0 {
        return out.write_char('Z');
    }
    let sign = if secs < 0 { '-' } else { '+' };
    let secs = secs.unsigned_abs();
    write!(out, "{sign}{:02}:{:02}", secs / 3600, (secs % 3600) / 60)
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format_at(self.precision))
    }
}

/// Why a timestamp string was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid timestamp {text:?}: {reason}; expected ISO 8601 such as \"2024-02-19\", \"2024-02-19T23+08:00\" or \"2024-03-01T12:31:00+01:00\""
)]
pub struct TimestampError {
    text: String,
    reason: String,
}

impl FromStr for Timestamp {
    type Err = TimestampError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        parse_timestamp(text).map_err(|reason| TimestampError {
            text: text.to_string(),
            reason,
        })
    }
}

fn parse_timestamp(text: &str) -> Result<Timestamp, String> {
    // Split off the offset: `Z` or a trailing `±hh:mm` (a date's own `-`s
    // are never followed by `hh:mm` at the end, so this is unambiguous).
    let (body, offset) = split_offset(text)?;
    let (date_part, time_part) = match body.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (body, None),
    };
    let mut fields = date_part.split('-');
    let year = number(fields.next(), 4, "year")?;
    let month = fields
        .next()
        .map(|m| number(Some(m), 2, "month"))
        .transpose()?;
    let day = fields
        .next()
        .map(|d| number(Some(d), 2, "day"))
        .transpose()?;
    if fields.next().is_some() {
        return Err("too many date fields".into());
    }
    let (precision, date) = match (month, day) {
        (None, _) => (Fidelity::Year, NaiveDate::from_ymd_opt(year as i32, 1, 1)),
        (Some(m), None) => (Fidelity::Month, NaiveDate::from_ymd_opt(year as i32, m, 1)),
        (Some(m), Some(d)) => (Fidelity::Day, NaiveDate::from_ymd_opt(year as i32, m, d)),
    };
    let date = date.ok_or("no such date")?;
    let Some(time_part) = time_part else {
        return Ok(Timestamp::new(
            date.and_time(NaiveTime::MIN),
            offset,
            precision,
        ));
    };
    if precision != Fidelity::Day {
        return Err("a time of day needs a full date".into());
    }
    let offset = offset.ok_or("a time of day needs its UTC offset (Z or ±hh:mm)")?;
    if time_part.contains(['.', ',']) {
        return Err("fractional seconds are not supported".into());
    }
    let mut parts = time_part.split(':');
    let hour = number(parts.next(), 2, "hour")?;
    let minute = parts
        .next()
        .map(|m| number(Some(m), 2, "minute"))
        .transpose()?;
    let second = parts
        .next()
        .map(|s| number(Some(s), 2, "second"))
        .transpose()?;
    if parts.next().is_some() {
        return Err("too many time fields".into());
    }
    let precision = match (minute, second) {
        (None, _) => Fidelity::Hour,
        (Some(_), None) => Fidelity::Minute,
        (Some(_), Some(_)) => Fidelity::Second,
    };
    let time = NaiveTime::from_hms_opt(hour, minute.unwrap_or(0), second.unwrap_or(0))
        .ok_or("no such time of day")?;
    Ok(Timestamp::new(date.and_time(time), Some(offset), precision))
}

fn split_offset(text: &str) -> Result<(&str, Option<FixedOffset>), String> {
    if let Some(body) = text.strip_suffix('Z') {
        return Ok((body, Some(utc())));
    }
    let bytes = text.as_bytes();
    if bytes.len() >= 6 && text.is_char_boundary(bytes.len() - 6) {
        let cut = bytes.len() - 6;
        let tail = &text[cut..];
        let sign = tail.as_bytes()[0];
        if (sign == b'+' || sign == b'-') && tail.as_bytes()[3] == b':' {
            let hours = number(Some(&tail[1..3]), 2, "offset hours")?;
            let minutes = number(Some(&tail[4..6]), 2, "offset minutes")?;
            if hours > 14 || minutes > 59 {
                return Err("offset out of range".into());
            }
            let secs = (hours * 3600 + minutes * 60) as i32;
            let secs = if sign == b'-' { -secs } else { secs };
            let offset = FixedOffset::east_opt(secs).ok_or("offset out of range")?;
            return Ok((&text[..cut], Some(offset)));
        }
    }
    Ok((text, None))
}

fn number(field: Option<&str>, digits: usize, what: &str) -> Result<u32, String> {
    match field {
        Some(f) if f.len() == digits && f.bytes().all(|b| b.is_ascii_digit()) => {
            f.parse().map_err(|_| format!("bad {what}"))
        }
        Some(f) => Err(format!("the {what} {f:?} must be {digits} digits")),
        None => Err(format!("missing {what}")),
    }
}

impl Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn precision_follows_the_written_form() {
        assert_eq!(ts("2024").precision(), Fidelity::Year);
        assert_eq!(ts("2024-02").precision(), Fidelity::Month);
        assert_eq!(ts("2024-02-19").precision(), Fidelity::Day);
        assert_eq!(ts("2024-02-19+08:00").precision(), Fidelity::Day);
        assert_eq!(ts("2024-02-19T23+08:00").precision(), Fidelity::Hour);
        assert_eq!(ts("2024-02-19T23:40Z").precision(), Fidelity::Minute);
        assert_eq!(
            ts("2024-02-19T23:40:15-05:00").precision(),
            Fidelity::Second
        );
    }

    #[test]
    fn written_form_round_trips() {
        for s in [
            "2024",
            "2024-02",
            "2024-02-19",
            "2024-03-01+03:00",
            "2024-02-19T23+08:00",
            "2024-02-19T23:40Z",
            "2024-02-19T23:40:15-05:30",
        ] {
            assert_eq!(ts(s).to_string(), s);
        }
    }

    #[test]
    fn instants_use_the_offset() {
        let t = ts("2024-02-19T23+08:00");
        assert_eq!(t.earliest().to_rfc3339(), "2024-02-19T15:00:00+00:00");
        assert_eq!(t.after_end().to_rfc3339(), "2024-02-19T16:00:00+00:00");
        let day = ts("2024-02-29");
        assert_eq!(day.after_end().to_rfc3339(), "2024-03-01T00:00:00+00:00");
    }

    #[test]
    fn never_shows_more_than_the_fidelity() {
        let t = ts("2024-02-19T23:40:15+08:00");
        assert_eq!(t.format_at(Fidelity::Day), "2024-02-19+08:00");
        assert_eq!(t.format_at(Fidelity::Hour), "2024-02-19T23+08:00");
        assert_eq!(ts("2024-02").format_at(Fidelity::Second), "2024-02");
    }

    #[test]
    fn rejects_malformed_and_impossible_times() {
        for bad in [
            "",
            "24-02-19",
            "2024-2-19",
            "2024-02-30",
            "2024-02-19T23:40",
            "2024-02-19T25:00Z",
            "2024-02T10Z",
            "2024-02-19T23:40:15.5Z",
            "2024-02-19T23:40+15:00",
            "2024-02-19-01",
            "yesterday",
            "€12:00",
            "é2:00x",
            "2024-02-19T23:40+0€:00",
        ] {
            assert!(bad.parse::<Timestamp>().is_err(), "{bad:?} was accepted");
        }
        let err = "2024-02-19T23:40"
            .parse::<Timestamp>()
            .unwrap_err()
            .to_string();
        assert!(err.contains("needs its UTC offset"), "{err}");
    }
}

/// Which clock times are shown in. The configuration names it (`zone: Event`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ZoneChoice {
    #[default]
    Utc,
    /// The zone of the event's place (its written offset where it has no zone).
    Event,
    /// The zone of the machine hotwash runs on.
    Local,
}

impl ZoneChoice {
    pub fn next(self) -> Self {
        match self {
            ZoneChoice::Utc => ZoneChoice::Event,
            ZoneChoice::Event => ZoneChoice::Local,
            ZoneChoice::Local => ZoneChoice::Utc,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ZoneChoice::Utc => "UTC",
            ZoneChoice::Event => "event's zone",
            ZoneChoice::Local => "local zone",
        }
    }
}

/// A timestamp shown at `fidelity` in the chosen zone, never with more
/// precision than it has: `2024-02-19`, `2024-02-19 15h UTC`,
/// `2024-02-19 23:40 +08`. A date without a time of day is shown as written,
/// since moving it to another zone would invent precision.
pub fn display(
    ts: &Timestamp,
    fidelity: Fidelity,
    zone: ZoneChoice,
    event_zone: Option<&str>,
) -> String {
    let mut out = String::with_capacity(26);
    display_into(&mut out, ts, fidelity, zone, event_zone);
    out
}

/// The patterns of [`display`], parsed once: parsing a pattern at every
/// call was a tenth of building a large report.
struct Patterns {
    /// Hour, minute and second, in that order; then the same with the offset.
    bare: [Vec<Item<'static>>; 3],
    zoned: [Vec<Item<'static>>; 3],
}

fn patterns() -> &'static Patterns {
    static PATTERNS: std::sync::OnceLock<Patterns> = std::sync::OnceLock::new();
    PATTERNS.get_or_init(|| {
        let parse = |p: &'static str| {
            StrftimeItems::new(p)
                .parse()
                .unwrap_or_else(|_| unreachable!("the patterns are valid"))
        };
        let bare = ["%Y-%m-%d %Hh", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"];
        // Offsets are written one way everywhere, `+08:00`: a zone's
        // abbreviation is sometimes a name (CET), sometimes only `+08`.
        let zoned = [
            "%Y-%m-%d %Hh %:z",
            "%Y-%m-%d %H:%M %:z",
            "%Y-%m-%d %H:%M:%S %:z",
        ];
        Patterns {
            bare: bare.map(parse),
            zoned: zoned.map(parse),
        }
    })
}

/// [`display`] written into `out`.
pub fn display_into(
    out: &mut impl fmt::Write,
    ts: &Timestamp,
    fidelity: Fidelity,
    zone: ZoneChoice,
    event_zone: Option<&str>,
) {
    let shown = fidelity.min(ts.precision());
    if !shown.has_time_of_day() {
        // The written form is ASCII; its date is the first characters.
        let mut date = ts.format_at(shown);
        date.truncate(match shown {
            Fidelity::Year => 4,
            Fidelity::Month => 7,
            _ => 10,
        });
        let _ = out.write_str(&date);
        return;
    }
    let instant = ts.earliest();
    let which = match shown {
        Fidelity::Hour => 0,
        Fidelity::Minute => 1,
        _ => 2,
    };
    let patterns = patterns();
    let (bare, zoned) = (patterns.bare[which].iter(), patterns.zoned[which].iter());
    // Writing into a string cannot fail.
    let _ = match zone {
        ZoneChoice::Utc => write!(out, "{} UTC", instant.format_with_items(bare)),
        ZoneChoice::Event => match event_zone.and_then(|z| z.parse::<chrono_tz::Tz>().ok()) {
            Some(tz) => write!(
                out,
                "{}",
                instant.with_timezone(&tz).format_with_items(zoned)
            ),
            None => {
                let offset = ts.offset().unwrap_or_else(utc);
                write!(
                    out,
                    "{}",
                    instant.with_timezone(&offset).format_with_items(zoned)
                )
            }
        },
        ZoneChoice::Local => write!(
            out,
            "{}",
            instant
                .with_timezone(&chrono::Local)
                .format_with_items(zoned)
        ),
    };
}

#[cfg(test)]
mod display_tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn day_fidelity_shows_a_day_in_every_zone() {
        let t = ts("2024-03-01+03:00");
        for zone in [ZoneChoice::Utc, ZoneChoice::Event, ZoneChoice::Local] {
            assert_eq!(
                display(&t, Fidelity::Day, zone, Some("Europe/Moscow")),
                "2024-03-01"
            );
        }
        assert_eq!(
            display(&ts("2024-02"), Fidelity::Month, ZoneChoice::Utc, None),
            "2024-02"
        );
    }

    #[test]
    fn hour_fidelity_converts_between_zones_without_inventing_minutes() {
        let t = ts("2024-02-19T23+08:00");
        assert_eq!(
            display(&t, Fidelity::Hour, ZoneChoice::Utc, None),
            "2024-02-19 15h UTC"
        );
        assert_eq!(
            display(
                &t,
                Fidelity::Hour,
                ZoneChoice::Event,
                Some("Asia/Singapore")
            ),
            "2024-02-19 23h +08:00"
        );
        assert_eq!(
            display(&t, Fidelity::Hour, ZoneChoice::Event, Some("Europe/Berlin")),
            "2024-02-19 16h +01:00"
        );
        assert_eq!(
            display(&t, Fidelity::Hour, ZoneChoice::Event, Some("Europe/London")),
            "2024-02-19 15h +00:00"
        );
        assert_eq!(
            display(&t, Fidelity::Hour, ZoneChoice::Event, None),
            "2024-02-19 23h +08:00"
        );
    }

    #[test]
    fn coarse_fidelity_hides_written_minutes() {
        let t = ts("2024-03-05T12:31+01:00");
        assert_eq!(
            display(&t, Fidelity::Day, ZoneChoice::Utc, None),
            "2024-03-05"
        );
        assert_eq!(
            display(&t, Fidelity::Minute, ZoneChoice::Utc, None),
            "2024-03-05 11:31 UTC"
        );
    }
}
