//! The timeline figure: the report's events on a time axis, one row each
//! in the record's order, drawn as SVG with no script.
//!
//! - Each event is a bar as wide as its time is known: a day-fidelity event
//!   spans its day, a month-fidelity one its month, a period its start to
//!   its end. Bars of events where a control failed are filled.
//! - The effects at an event follow its bar as shapes that read in black
//!   and white (a cross for failed, a triangle for not followed, a diamond
//!   for bypassed, a slashed circle for absent, a tick for held).
//! - When an event became known to the own side is a flag on its row.
//! - The detection lag, from the first failure to when it became known
//!   (see [`lag`]), is a row of its own.
//! - Long quiet gaps are shortened to a fixed-width break that says how
//!   long the gap is; the rest of the axis keeps one scale, so a day is
//!   as wide everywhere.
//!
//! [`Figure::new`] lays the figure out (pure geometry and text); the
//! askama partial `assets/templates/timeline-figure.svg` draws it, escaping
//! every text, for the HTML page (which includes the partial) and as a
//! standalone SVG document ([`Figure::svg`]) for any other renderer. Every
//! style is a presentation attribute, so the SVG looks the same without
//! the page's stylesheet.

use askama::Template;
use chrono::{DateTime, Datelike, Months, NaiveDate, TimeZone, Utc};

use super::markdown::one_line;
use crate::model::time::{ZoneChoice, display};
use crate::model::{Effect, Fidelity, Timestamp};
use crate::report::{Report, ReportEvent};

/// The width of the figure, in SVG user units (about pixels).
pub const WIDTH: f64 = 760.0;
/// At most this many events get a row; the figure says when there are more.
pub const MAX_ROWS: usize = 100;

const MARGIN: f64 = 8.0;
const ROW_H: f64 = 16.0;
const BAR_H: f64 = 8.0;
/// A bar is never narrower than this, so a minute is still seen.
const MIN_BAR_W: f64 = 3.0;
/// The width a shortened gap is drawn with.
const BREAK_W: f64 = 24.0;
/// At most this many gaps are shortened: the longest ones.
const MAX_BREAKS: usize = 10;
/// A stretch of the axis between breaks is never narrower than this.
const MIN_PIECE_W: f64 = 6.0;
const MARKER_STEP: f64 = 11.0;
/// Room right of the time area for the effects after a bar.
const RIGHT_ROOM: f64 = 5.0 * MARKER_STEP + 4.0;
/// Spans up to a month long keep their inside on the axis (a month bar is
/// a month wide); longer ones (a year) only their ends.
const WHOLE_SPAN_SECS: i64 = 31 * DAY;
const DAY: i64 = 86_400;
/// Average width of a character of the figure's text, per unit of font size.
const CHAR_W: f64 = 0.58;
const FONT: f64 = 11.0;
const SMALL: f64 = 9.5;
/// Row labels longer than this are cut (the row's tooltip has the whole id).
const MAX_LABEL_CHARS: usize = 12;

/// The figure, laid out. Coordinates are in SVG user units, rounded to a
/// tenth; the template only places what is here.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub width: f64,
    pub height: f64,
    /// The figure's title, drawn at the top and given to assistive technology.
    pub title: Text,
    /// What it shows, in words: the SVG's `<desc>` and the page's caption.
    pub description: String,
    /// Said under the title when not every event has a row.
    pub note: Option<Text>,
    /// Every other row shaded, to follow a row from its label to its bar.
    pub stripes: Vec<Shape>,
    pub grid: Vec<Shape>,
    pub rows: Vec<Row>,
    pub lag: Option<LagRow>,
    pub breaks: Vec<Break>,
    pub axis: Vec<Shape>,
    /// Tick and break labels under the axis, read bottom to top.
    pub labels: Vec<Label>,
    pub legend: Vec<LegendItem>,
}

/// A line of text.
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    pub x: f64,
    pub y: f64,
    /// `start`, `middle` or `end`.
    pub anchor: &'static str,
    pub text: String,
}

/// A path with its style.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    pub d: String,
    pub fill: &'static str,
    pub stroke: &'static str,
    pub stroke_width: f64,
    pub dash: Option<&'static str>,
}

/// One event's row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub event: String,
    /// The row's label: the event id, cut if long.
    pub label: Text,
    /// The event in a line (id, time, title, effects): the row's tooltip.
    pub tooltip: String,
    /// Where the event is described, when the figure is in a page with it.
    pub href: Option<String>,
    pub bar: Shape,
    pub failing: bool,
    /// The effects at the event, one shape per effect, in [`Effect::ALL`] order.
    pub markers: Vec<Marker>,
    /// A white ground under the effects when they sit on a long bar.
    pub chip: Option<Shape>,
    /// When the event became known, where the record says.
    pub known: Vec<Shape>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    pub effect: Effect,
    pub shape: Shape,
}

/// The detection lag's row.
#[derive(Debug, Clone, PartialEq)]
pub struct LagRow {
    pub label: Text,
    pub shapes: Vec<Shape>,
    pub text: Text,
    pub lag: Lag,
}

/// A shortened gap.
#[derive(Debug, Clone, PartialEq)]
pub struct Break {
    /// How long the gap is, in words (`4 mo`).
    pub length: String,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub x: f64,
    pub width: f64,
    pub shapes: Vec<Shape>,
}

/// A label under the axis, rotated to read bottom to top.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub x: f64,
    pub y: f64,
    pub text: String,
    /// A break's length rather than a time.
    pub gap: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LegendItem {
    pub symbol: Vec<Shape>,
    pub text: Text,
}

pub use crate::stats::Lag;
use crate::stats::coarsened;

/// The detection lag of `events` (see [`crate::stats::lag`]).
pub fn lag(events: &[ReportEvent]) -> Option<Lag> {
    crate::stats::lag(events.iter().map(|e| crate::stats::LagEvent {
        id: e.id,
        at: &e.times.at,
        fidelity: e.fidelity,
        known: e.times.known.as_ref(),
        failing: e.controls.iter().any(|l| l.effect.is_failure()),
    }))
}

/// A stretch of time in seconds since 1970, `start` inclusive, `end`
/// exclusive and after `start`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
struct Span {
    start: i64,
    end: i64,
}

impl Span {
    /// The period `from` starts and `to` (or `from`) ends, at `fidelity`.
    fn of(from: &Timestamp, to: Option<&Timestamp>, fidelity: Fidelity) -> Span {
        let start = coarsened(from, fidelity).earliest().timestamp();
        let end = coarsened(to.unwrap_or(from), fidelity)
            .after_end()
            .timestamp();
        // An end before the start is a validation error; draw the start.
        let start_end = coarsened(from, fidelity).after_end().timestamp();
        Span {
            start,
            end: end.max(start_end).max(start + 1),
        }
    }

    fn len(self) -> i64 {
        self.end - self.start
    }

    /// What the axis must show of the span: all of it when it is up to a
    /// month long, else its two ends.
    fn anchors(self) -> [Option<Span>; 2] {
        if self.len() <= WHOLE_SPAN_SECS {
            [Some(self), None]
        } else {
            [
                Some(Span {
                    start: self.start,
                    end: self.start + 1,
                }),
                // The instant it ends, named by its own date (not the
                // last second before).
                Some(Span {
                    start: self.end,
                    end: self.end + 1,
                }),
            ]
        }
    }
}

/// A stretch of the axis: drawn to scale, or a shortened gap.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Piece {
    from: i64,
    to: i64,
    x0: f64,
    x1: f64,
    broken: bool,
}

/// Where times go across the figure.
#[derive(Debug, Clone, PartialEq)]
struct Scale {
    pieces: Vec<Piece>,
}

impl Scale {
    /// Lays `anchors` (what must be seen) out between `x0` and `x1`,
    /// shortening the long quiet gaps between them.
    fn new(mut anchors: Vec<Span>, x0: f64, x1: f64) -> Scale {
        anchors.sort();
        let Some(first) = anchors.first().copied() else {
            return Scale {
                pieces: vec![Piece {
                    from: 0,
                    to: 1,
                    x0,
                    x1,
                    broken: false,
                }],
            };
        };
        // What must be seen, merged where it touches.
        let mut clusters: Vec<Span> = vec![first];
        for a in &anchors[1..] {
            match clusters.last_mut() {
                Some(last) if a.start <= last.end => last.end = last.end.max(a.end),
                _ => clusters.push(*a),
            }
        }
        let range = clusters.last().map_or(1, |c| c.end) - first.start;
        // How far apart things usually are: a gap is long beside that.
        let mut steps: Vec<i64> = anchors
            .windows(2)
            .map(|w| w[1].start - w[0].start)
            .filter(|&d| d > 0)
            .collect();
        steps.sort_unstable();
        let typical = steps.get(steps.len() / 2).copied().unwrap_or(0);
        let gaps: Vec<i64> = clusters.windows(2).map(|w| w[1].start - w[0].end).collect();
        // A gap is shortened when it is a twentieth of the whole or more
        // and three times the usual spacing or more; only the longest few.
        let mut long: Vec<usize> = (0..gaps.len())
            .filter(|&i| gaps[i] * 20 >= range && gaps[i] >= 3 * typical)
            .collect();
        long.sort_by_key(|&i| std::cmp::Reverse(gaps[i]));
        long.truncate(MAX_BREAKS);
        long.sort_unstable();

        // Stretches drawn to scale, with the shortened gaps between them.
        let mut stretches: Vec<Span> = Vec::new();
        let mut start = first.start;
        for &i in &long {
            stretches.push(Span {
                start,
                end: clusters[i].end,
            });
            start = clusters[i + 1].start;
        }
        stretches.push(Span {
            start,
            end: clusters.last().map_or(start + 1, |c| c.end),
        });
        let available = (x1 - x0) - BREAK_W * long.len() as f64;
        let widths = fit(
            &stretches.iter().map(|s| s.len()).collect::<Vec<_>>(),
            available,
        );
        let mut pieces = Vec::new();
        let mut x = x0;
        for (i, (s, w)) in stretches.iter().zip(&widths).enumerate() {
            pieces.push(Piece {
                from: s.start,
                to: s.end,
                x0: x,
                x1: x + w,
                broken: false,
            });
            x += w;
            if let Some(next) = stretches.get(i + 1) {
                pieces.push(Piece {
                    from: s.end,
                    to: next.start,
                    x0: x,
                    x1: x + BREAK_W,
                    broken: true,
                });
                x += BREAK_W;
            }
        }
        Scale { pieces }
    }

    /// Where time `t` (seconds since 1970) is across the figure.
    fn x(&self, t: i64) -> f64 {
        let i = self
            .pieces
            .partition_point(|p| p.to < t)
            .min(self.pieces.len().saturating_sub(1));
        let Some(p) = self.pieces.get(i) else {
            return 0.0;
        };
        let frac = (t - p.from) as f64 / (p.to - p.from).max(1) as f64;
        p.x0 + frac.clamp(0.0, 1.0) * (p.x1 - p.x0)
    }

    fn drawn(&self) -> impl Iterator<Item = &Piece> {
        self.pieces.iter().filter(|p| !p.broken)
    }

    fn breaks(&self) -> impl Iterator<Item = &Piece> {
        self.pieces.iter().filter(|p| p.broken)
    }
}

/// Widths for stretches of `durations` seconds that fill `available` at
/// one scale, none narrower than [`MIN_PIECE_W`].
fn fit(durations: &[i64], available: f64) -> Vec<f64> {
    let n = durations.len();
    let available = available.max(MIN_PIECE_W * n as f64);
    let mut at_minimum = vec![false; n];
    loop {
        let fixed = at_minimum.iter().filter(|m| **m).count();
        let free = available - MIN_PIECE_W * fixed as f64;
        let total: i64 = (0..n)
            .filter(|&i| !at_minimum[i])
            .map(|i| durations[i].max(1))
            .sum();
        if total == 0 {
            // Every stretch is at its minimum: share the room out.
            return vec![available / n.max(1) as f64; n];
        }
        let scale = free / total as f64;
        let mut changed = false;
        for i in 0..n {
            if !at_minimum[i] && durations[i].max(1) as f64 * scale < MIN_PIECE_W {
                at_minimum[i] = true;
                changed = true;
            }
        }
        if !changed {
            return (0..n)
                .map(|i| {
                    if at_minimum[i] {
                        MIN_PIECE_W
                    } else {
                        durations[i].max(1) as f64 * scale
                    }
                })
                .collect();
        }
    }
}

/// Calendar steps for the ticks of the axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Hours(u32),
    Days(u32),
    Months(u32),
    Years(i32),
}

const STEPS: [Step; 18] = [
    Step::Hours(1),
    Step::Hours(3),
    Step::Hours(6),
    Step::Hours(12),
    Step::Days(1),
    Step::Days(2),
    Step::Days(7),
    Step::Days(14),
    Step::Months(1),
    Step::Months(3),
    Step::Months(6),
    Step::Years(1),
    Step::Years(2),
    Step::Years(5),
    Step::Years(10),
    Step::Years(20),
    Step::Years(50),
    Step::Years(100),
];

/// Ticks are at least this far apart.
const TICK_SPACING: f64 = 40.0;

impl Step {
    /// About how long a step is.
    fn seconds(self) -> i64 {
        match self {
            Step::Hours(n) => i64::from(n) * 3600,
            Step::Days(n) => i64::from(n) * DAY,
            Step::Months(n) => i64::from(n) * 30 * DAY,
            Step::Years(n) => i64::from(n) * 365 * DAY,
        }
    }

    /// The ticks from `from` to `to` (seconds since 1970), in UTC.
    fn ticks(self, from: i64, to: i64) -> Vec<i64> {
        let Some(start) = DateTime::from_timestamp(from, 0) else {
            return Vec::new();
        };
        let date = start.date_naive();
        // Walk whole hours, days, months or years from before `from`,
        // keeping the aligned ones.
        let mut t = match self {
            Step::Hours(_) => start
                .date_naive()
                .and_hms_opt(chrono::Timelike::hour(&start), 0, 0),
            Step::Days(_) => date.and_hms_opt(0, 0, 0),
            Step::Months(_) => NaiveDate::from_ymd_opt(date.year(), date.month(), 1)
                .and_then(|d| d.and_hms_opt(0, 0, 0)),
            Step::Years(_) => {
                NaiveDate::from_ymd_opt(date.year(), 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0))
            }
        };
        let mut ticks = Vec::new();
        // Bounded: a step is chosen so that few ticks fit the figure.
        for _ in 0..5000 {
            let Some(now) = t else { break };
            let secs = Utc.from_utc_datetime(&now).timestamp();
            if secs > to {
                break;
            }
            let aligned = match self {
                Step::Hours(n) => chrono::Timelike::hour(&now) % n == 0,
                // Restarted each month, without a tick a day or two
                // before the next month's first.
                Step::Days(n) => (now.day() - 1) % n == 0 && (n == 1 || now.day() + n <= 30),
                Step::Months(n) => (now.month() - 1) % n == 0,
                Step::Years(n) => now.year().rem_euclid(n) == 0,
            };
            if secs >= from && aligned {
                ticks.push(secs);
            }
            t = match self {
                Step::Hours(_) => now.checked_add_signed(chrono::Duration::hours(1)),
                Step::Days(_) => now.checked_add_signed(chrono::Duration::days(1)),
                Step::Months(_) => now.checked_add_months(Months::new(1)),
                Step::Years(_) => now.checked_add_months(Months::new(12)),
            };
        }
        ticks
    }

    fn label(self, t: i64) -> String {
        let Some(t) = DateTime::from_timestamp(t, 0) else {
            return String::new();
        };
        let pattern = match self {
            Step::Hours(_) => "%Y-%m-%d %H:%M",
            Step::Days(_) => "%Y-%m-%d",
            Step::Months(_) => "%Y-%m",
            Step::Years(_) => "%Y",
        };
        t.format(pattern).to_string()
    }
}

/// A gap's length in a few characters: `9 h`, `49 d`, `4 mo`, `6 y`.
fn gap_words(secs: i64) -> String {
    let days = secs as f64 / DAY as f64;
    if secs < 2 * DAY {
        format!("{} h", (secs as f64 / 3600.0).round())
    } else if days < 60.0 {
        format!("{} d", days.round())
    } else if days < 730.0 {
        format!("{} mo", (days / 30.44).round())
    } else {
        format!("{} y", (days / 365.25).round())
    }
}

/// Rounded to a tenth, which prints without noise (`12.3`, not `12.299…`).
fn r(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn rect(x: f64, y: f64, w: f64, h: f64) -> String {
    format!("M{} {}h{}v{}h{}Z", r(x), r(y), r(w), r(h), r(-w))
}

fn shape(d: String, fill: &'static str, stroke: &'static str, stroke_width: f64) -> Shape {
    Shape {
        d,
        fill,
        stroke,
        stroke_width,
        dash: None,
    }
}

const INK: &str = "#111";
const NONE: &str = "none";
const WHITE: &str = "#fff";

/// The shape of `effect` centred on (`x`, `y`): distinct without colour.
pub fn marker(effect: Effect, x: f64, y: f64) -> Shape {
    let (x, y) = (r(x), r(y));
    let p = |dx: f64, dy: f64| format!("{} {}", r(x + dx), r(y + dy));
    match effect {
        // ✗
        Effect::Failed => shape(
            format!(
                "M{}L{}M{}L{}",
                p(-3.5, -3.5),
                p(3.5, 3.5),
                p(-3.5, 3.5),
                p(3.5, -3.5)
            ),
            NONE,
            INK,
            2.0,
        ),
        Effect::NotFollowed => shape(
            format!("M{}L{}L{}Z", p(0.0, -4.5), p(4.5, 3.5), p(-4.5, 3.5)),
            INK,
            INK,
            1.0,
        ),
        Effect::Bypassed => shape(
            format!(
                "M{}L{}L{}L{}Z",
                p(0.0, -4.5),
                p(4.5, 0.0),
                p(0.0, 4.5),
                p(-4.5, 0.0)
            ),
            WHITE,
            INK,
            1.5,
        ),
        // ∅
        Effect::Absent => shape(
            format!(
                "M{}A3.8 3.8 0 1 0 {}A3.8 3.8 0 1 0 {}M{}L{}",
                p(-3.8, 0.0),
                p(3.8, 0.0),
                p(-3.8, 0.0),
                p(-4.5, 4.5),
                p(4.5, -4.5)
            ),
            WHITE,
            INK,
            1.3,
        ),
        // ✓
        Effect::Held => shape(
            format!("M{}L{}L{}", p(-4.0, 0.0), p(-1.0, 3.5), p(4.5, -4.0)),
            NONE,
            INK,
            1.5,
        ),
    }
}

/// The bar of an event from `x0` to `x1` on a row centred on `y`.
fn bar(x0: f64, x1: f64, y: f64, failing: bool) -> Shape {
    let (mut x0, mut w) = (x0, x1 - x0);
    if w < MIN_BAR_W {
        x0 -= (MIN_BAR_W - w) / 2.0;
        w = MIN_BAR_W;
    }
    let d = rect(x0, y - BAR_H / 2.0, w, BAR_H);
    if failing {
        shape(d, "#444", INK, 1.0)
    } else {
        shape(d, WHITE, INK, 1.0)
    }
}

/// A flag at `x` on a row centred on `y`: when the event became known.
fn flag(x: f64, y: f64) -> Vec<Shape> {
    let (x, y) = (r(x), r(y));
    vec![
        shape(
            format!("M{x} {}V{}", r(y - 7.0), r(y + 7.0)),
            NONE,
            INK,
            1.3,
        ),
        shape(
            format!(
                "M{x} {}L{} {}L{x} {}Z",
                r(y - 7.0),
                r(x + 6.0),
                r(y - 4.5),
                r(y - 2.0)
            ),
            INK,
            INK,
            1.0,
        ),
    ]
}

fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * CHAR_W
}

/// `text` cut to `max` characters, with an ellipsis when cut.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn utc_date(t: i64, pattern: &str) -> String {
    DateTime::from_timestamp(t, 0)
        .map(|t| t.format(pattern).to_string())
        .unwrap_or_default()
}

impl Figure {
    /// The figure of `report`'s events; `None` when it has none.
    pub fn new(report: &Report) -> Option<Figure> {
        let events = &report.events;
        if events.is_empty() {
            return None;
        }
        let shown = &events[..events.len().min(MAX_ROWS)];
        let lag = lag(events);
        let spans: Vec<Span> = shown
            .iter()
            .map(|e| Span::of(&e.times.at, e.times.end.as_ref(), e.fidelity))
            .collect();
        let known_span = |k: &Timestamp| Span::of(k, None, k.precision());
        let known: Vec<Option<Span>> = shown
            .iter()
            .map(|e| e.times.known.as_ref().map(known_span))
            .collect();
        let lag_spans = lag.as_ref().map(|l| {
            (
                Span::of(&l.failed_at, None, l.failed_at.precision()),
                known_span(&l.known_at),
            )
        });
        let mut anchors: Vec<Span> = spans
            .iter()
            .chain(known.iter().flatten())
            .chain(lag_spans.iter().flat_map(|(a, b)| [a, b]))
            .flat_map(|s| s.anchors())
            .flatten()
            .collect();
        anchors.dedup();

        let label_chars = shown
            .iter()
            .map(|e| one_line(e.id).chars().count().min(MAX_LABEL_CHARS))
            .chain(std::iter::once(3))
            .max()
            .unwrap_or(3);
        let plot_left = r(MARGIN + text_width("M", FONT) * label_chars as f64 + 8.0);
        let plot_right = WIDTH - MARGIN - RIGHT_ROOM;
        let scale = Scale::new(anchors, plot_left, plot_right);

        let title_y = MARGIN + 13.0;
        let title = Text {
            x: MARGIN,
            y: title_y,
            anchor: "start",
            text: "Timeline: events, control effects and when it became known (UTC)".into(),
        };
        let mut top = title_y + 10.0;
        let note = (shown.len() < events.len()).then(|| {
            top += 14.0;
            Text {
                x: MARGIN,
                y: top - 2.0,
                anchor: "start",
                text: format!(
                    "The first {} of {} events; the timeline table lists every event.",
                    shown.len(),
                    events.len()
                ),
            }
        });
        let rows_top = top + 4.0;
        let row_y = |i: usize| rows_top + ROW_H * i as f64 + ROW_H / 2.0;

        let rows: Vec<Row> = shown
            .iter()
            .zip(&spans)
            .zip(&known)
            .enumerate()
            .map(|(i, ((e, span), known))| {
                let y = row_y(i);
                let failing = e.controls.iter().any(|l| l.effect.is_failure());
                let (x0, x1) = (scale.x(span.start), scale.x(span.end));
                let bar = bar(x0, x1, y, failing);
                let bar_end = x1.max(x0 + MIN_BAR_W / 2.0);
                let effects: Vec<Effect> = Effect::ALL
                    .into_iter()
                    .filter(|effect| e.controls.iter().any(|l| l.effect == *effect))
                    .collect();
                // After the bar; on a long bar (a year) at its start, on a
                // white chip, rather than a year later.
                let chip_w = MARKER_STEP * effects.len() as f64 + 3.0;
                let on_bar = !effects.is_empty() && x1 - x0 > chip_w + 40.0;
                // A flag where the effects would go moves them past it.
                let after = match known {
                    Some(k) => {
                        let kx = scale.x(k.start);
                        let crowded = kx >= bar_end && kx < bar_end + 7.0 + chip_w;
                        if crowded { kx + 14.0 } else { bar_end + 7.0 }
                    }
                    None => bar_end + 7.0,
                };
                let first_x = if on_bar {
                    x0 + 4.0 + MARKER_STEP / 2.0
                } else {
                    after
                };
                let chip = on_bar.then(|| {
                    shape(
                        rect(x0 + 2.5, y - BAR_H / 2.0 - 1.5, chip_w, BAR_H + 3.0),
                        WHITE,
                        INK,
                        0.8,
                    )
                });
                let markers: Vec<Marker> = effects
                    .into_iter()
                    .enumerate()
                    .map(|(n, effect)| Marker {
                        effect,
                        shape: marker(effect, first_x + MARKER_STEP * n as f64, y),
                    })
                    .collect();
                let mut known_shapes = Vec::new();
                if let Some(k) = known {
                    let kx = scale.x(k.start);
                    let kw = scale.x(k.end) - kx;
                    if kx > bar_end + 1.0 {
                        known_shapes.push(Shape {
                            d: format!("M{} {}H{}", r(bar_end + 1.0), r(y), r(kx)),
                            fill: NONE,
                            stroke: INK,
                            stroke_width: 1.0,
                            dash: Some("1.5 2"),
                        });
                    }
                    // A known time coarser than a flag: its period, underlined.
                    if kw > MIN_BAR_W {
                        known_shapes.push(shape(rect(kx, y + 5.0, kw, 2.0), INK, NONE, 0.0));
                    }
                    known_shapes.extend(flag(kx, y));
                }
                let id = one_line(e.id);
                Row {
                    label: Text {
                        x: plot_left - 6.0,
                        y: r(y + 4.0),
                        anchor: "end",
                        text: cut(&id, MAX_LABEL_CHARS),
                    },
                    tooltip: tooltip(e),
                    href: None,
                    event: e.id.to_string(),
                    bar,
                    failing,
                    markers,
                    chip,
                    known: known_shapes,
                }
            })
            .collect();
        let mut rows_bottom = rows_top + ROW_H * rows.len() as f64;

        let lag_row = lag.map(|lag| {
            let y = rows_bottom + ROW_H / 2.0 + 2.0;
            rows_bottom += ROW_H * 2.0;
            let (failed, known) = lag_spans.unwrap_or_default();
            let (x0, x1) = (scale.x(failed.start), scale.x(known.start));
            let mut shapes = vec![
                shape(format!("M{} {}H{}", r(x0), r(y), r(x1)), NONE, INK, 1.5),
                shape(
                    format!(
                        "M{} {}V{}M{} {}V{}",
                        r(x0),
                        r(y - 5.0),
                        r(y + 5.0),
                        r(x1),
                        r(y - 5.0),
                        r(y + 5.0)
                    ),
                    NONE,
                    INK,
                    1.5,
                ),
            ];
            if x1 - x0 > 8.0 {
                shapes.push(shape(
                    format!(
                        "M{} {}L{} {}L{} {}Z",
                        r(x1),
                        r(y),
                        r(x1 - 6.0),
                        r(y - 3.5),
                        r(x1 - 6.0),
                        r(y + 3.5)
                    ),
                    INK,
                    INK,
                    1.0,
                ));
            }
            let words = format!(
                "{}: from the first failure ({}) to when it became known ({}, {})",
                lag.words(),
                one_line(&lag.first_failure),
                display(
                    &lag.known_at,
                    lag.known_at.precision(),
                    ZoneChoice::Utc,
                    None
                ),
                one_line(&lag.known_by),
            );
            let width = text_width(&words, SMALL);
            // Under the line, from its start, kept inside the figure.
            let tx = r(x0.min(WIDTH - MARGIN - width).max(plot_left));
            LagRow {
                label: Text {
                    x: plot_left - 6.0,
                    y: r(y + 4.0),
                    anchor: "end",
                    text: "lag".into(),
                },
                shapes,
                text: Text {
                    x: tx,
                    y: r(y + 15.0),
                    anchor: "start",
                    text: words,
                },
                lag,
            }
        });

        let axis_y = r(rows_bottom + 6.0);
        let stripes = (0..rows.len())
            .filter(|i| i % 2 == 1)
            .map(|i| {
                shape(
                    rect(
                        MARGIN,
                        rows_top + ROW_H * i as f64,
                        WIDTH - 2.0 * MARGIN,
                        ROW_H,
                    ),
                    "#f0f0f0",
                    NONE,
                    0.0,
                )
            })
            .collect();

        // Ticks: per stretch, the finest calendar step that leaves room.
        let mut labels: Vec<(u8, Label)> = Vec::new();
        let mut grid = Vec::new();
        let range = scale.pieces.last().map_or(0, |p| p.to) - scale.pieces[0].from;
        let label_y = axis_y + 6.0;
        for p in scale.drawn() {
            let per_sec = (p.x1 - p.x0) / (p.to - p.from).max(1) as f64;
            // A stretch too short for two ticks is named by its middle.
            let step = STEPS
                .into_iter()
                .find(|s| s.seconds() as f64 * per_sec >= TICK_SPACING)
                .filter(|_| p.x1 - p.x0 >= 2.0 * TICK_SPACING);
            let ticks = step.map(|s| s.ticks(p.from, p.to)).unwrap_or_default();
            for &t in &ticks {
                let x = r(scale.x(t));
                grid.push(Shape {
                    d: format!("M{x} {}V{axis_y}", r(rows_top)),
                    fill: NONE,
                    stroke: "#bbb",
                    stroke_width: 0.5,
                    dash: None,
                });
                if let Some(step) = step {
                    labels.push((
                        2,
                        Label {
                            x,
                            y: label_y,
                            text: step.label(t),
                            gap: false,
                        },
                    ));
                }
            }
            if ticks.is_empty() {
                // A short stretch: named by the day in its middle.
                let mid = p.from + (p.to - p.from) / 2;
                let pattern = if range < 2 * DAY {
                    "%Y-%m-%d %H:%M"
                } else {
                    "%Y-%m-%d"
                };
                labels.push((
                    1,
                    Label {
                        x: r((p.x0 + p.x1) / 2.0),
                        y: label_y,
                        text: utc_date(mid, pattern),
                        gap: false,
                    },
                ));
            }
        }
        let axis: Vec<Shape> = scale
            .drawn()
            .map(|p| shape(format!("M{} {axis_y}H{}", r(p.x0), r(p.x1)), NONE, INK, 1.0))
            .collect();
        let breaks: Vec<Break> = scale
            .breaks()
            .map(|p| {
                let length = gap_words(p.to - p.from);
                labels.push((
                    0,
                    Label {
                        x: r((p.x0 + p.x1) / 2.0),
                        y: label_y,
                        text: format!("{length} gap"),
                        gap: true,
                    },
                ));
                let (x0, x1) = (r(p.x0 + 2.0), r(p.x1 - 2.0));
                Break {
                    length,
                    from: DateTime::from_timestamp(p.from, 0).unwrap_or_default(),
                    to: DateTime::from_timestamp(p.to, 0).unwrap_or_default(),
                    x: r(p.x0),
                    width: r(p.x1 - p.x0),
                    shapes: vec![
                        // White over the rows: a bar through the gap is cut.
                        shape(
                            rect(x0, rows_top, x1 - x0, axis_y - rows_top),
                            WHITE,
                            NONE,
                            0.0,
                        ),
                        Shape {
                            d: format!(
                                "M{x0} {}V{axis_y}M{x1} {}V{axis_y}",
                                r(rows_top),
                                r(rows_top)
                            ),
                            fill: NONE,
                            stroke: "#888",
                            stroke_width: 0.8,
                            dash: Some("2 2"),
                        },
                        // The break on the axis: two slashes.
                        shape(
                            format!(
                                "M{} {}L{} {}M{} {}L{} {}",
                                r(x0 - 3.0),
                                r(axis_y + 4.0),
                                r(x0 + 3.0),
                                r(axis_y - 4.0),
                                r(x1 - 3.0),
                                r(axis_y + 4.0),
                                r(x1 + 3.0),
                                r(axis_y - 4.0)
                            ),
                            NONE,
                            INK,
                            1.2,
                        ),
                    ],
                }
            })
            .collect();

        // Labels that would overlap give way: breaks first, then the
        // stretches' names, then ticks.
        labels.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.x.total_cmp(&b.1.x)));
        let mut kept: Vec<Label> = Vec::new();
        for (_, label) in labels {
            if kept.iter().all(|k| (k.x - label.x).abs() >= SMALL + 2.0) {
                kept.push(label);
            }
        }
        kept.sort_by(|a, b| a.x.total_cmp(&b.x));
        let label_h = kept
            .iter()
            .map(|l| text_width(&l.text, SMALL))
            .fold(0.0, f64::max);

        let legend_top = axis_y + 6.0 + label_h + 14.0;
        let (legend, legend_bottom) = legend(legend_top);
        let height = r(legend_bottom + MARGIN);

        let description = description(report, shown.len(), &rows, &scale, lag_row.as_ref());
        Some(Figure {
            width: WIDTH,
            height,
            title,
            description,
            note,
            stripes,
            grid,
            rows,
            lag: lag_row,
            breaks,
            axis,
            labels: kept,
            legend,
        })
    }

    /// Links each row to its event's place in the page: `href` of an id.
    pub fn link_events(&mut self, href: impl Fn(&str) -> String) {
        for row in &mut self.rows {
            row.href = Some(href(&row.event));
        }
    }

    /// The figure as a standalone SVG document.
    pub fn svg(&self) -> Result<String, askama::Error> {
        Standalone { figure: self }.render()
    }
}

#[derive(Template)]
#[template(path = "timeline-figure.svg")]
struct Standalone<'a> {
    figure: &'a Figure,
}

/// The event in a line, for the row's tooltip.
fn tooltip(e: &ReportEvent) -> String {
    let mut text = format!(
        "{}, {} ({}): {}",
        one_line(e.id),
        one_line(&e.when_utc),
        e.fidelity.name(),
        one_line(e.title)
    );
    if let Some(k) = &e.times.known {
        text.push_str(&format!(
            "; known {}",
            display(k, k.precision(), ZoneChoice::Utc, None)
        ));
    }
    for effect in Effect::ALL {
        let controls: Vec<String> = e
            .controls
            .iter()
            .filter(|l| l.effect == effect)
            .map(|l| one_line(l.control))
            .collect();
        if !controls.is_empty() {
            text.push_str(&format!("; {}: {}", effect.name(), controls.join(", ")));
        }
    }
    text
}

/// The key: bars, effects, the known flag and a break.
fn legend(top: f64) -> (Vec<LegendItem>, f64) {
    let mut items = Vec::new();
    let (mut x, mut y) = (MARGIN, top);
    let mut place = |symbol: &dyn Fn(f64, f64) -> Vec<Shape>, words: &str, symbol_w: f64| {
        let w = symbol_w + 5.0 + text_width(words, SMALL) + 14.0;
        if x + w > WIDTH - MARGIN && x > MARGIN {
            x = MARGIN;
            y += 16.0;
        }
        items.push(LegendItem {
            symbol: symbol(x, y),
            text: Text {
                x: r(x + symbol_w + 5.0),
                y: r(y + 3.5),
                anchor: "start",
                text: words.to_string(),
            },
        });
        x += w;
    };
    place(
        &|x, y| vec![bar(x, x + 18.0, y, true)],
        "event where a control failed",
        18.0,
    );
    place(
        &|x, y| vec![bar(x, x + 18.0, y, false)],
        "no failure (bar: the period the time is known to)",
        18.0,
    );
    for effect in Effect::ALL {
        place(
            &|x, y| vec![marker(effect, x + 5.0, y)],
            effect.name(),
            10.0,
        );
    }
    place(&|x, y| flag(x + 1.0, y), "became known", 8.0);
    place(
        &|x, y| {
            vec![shape(
                format!(
                    "M{} {}L{} {}M{} {}L{} {}",
                    r(x),
                    r(y + 4.0),
                    r(x + 6.0),
                    r(y - 4.0),
                    r(x + 6.0),
                    r(y + 4.0),
                    r(x + 12.0),
                    r(y - 4.0)
                ),
                NONE,
                INK,
                1.2,
            )]
        },
        "long gap, shortened",
        12.0,
    );
    (items, y + 8.0)
}

/// What the figure shows, in words.
fn description(
    report: &Report,
    shown: usize,
    rows: &[Row],
    scale: &Scale,
    lag: Option<&LagRow>,
) -> String {
    let events = &report.events;
    let first = events.first().map(|e| one_line(&e.when_utc));
    let last = events[..shown].last().map(|e| one_line(&e.when_utc));
    let mut text = format!(
        "{} in the record's order",
        crate::wording::count(shown, "event", "events")
    );
    if shown < events.len() {
        text.push_str(&format!(" (the first {shown} of {})", events.len()));
    }
    if let (Some(first), Some(last)) = (first, last) {
        text.push_str(&format!(", from {first} to {last}"));
    }
    let failing = rows.iter().filter(|r| r.failing).count();
    text.push_str(&format!(
        "; {} where a control failed, was not followed, was bypassed or was absent.",
        failing
    ));
    let breaks: Vec<&Piece> = scale.breaks().collect();
    if !breaks.is_empty() {
        let lengths: Vec<String> = breaks.iter().map(|p| gap_words(p.to - p.from)).collect();
        text.push_str(&format!(
            " {} drawn shortened ({}).",
            crate::wording::count(breaks.len(), "long quiet gap is", "long quiet gaps are"),
            lengths.join(", ")
        ));
    }
    match lag {
        Some(l) => text.push_str(&format!(
            " Detection lag: {}, from the first failure ({}) to when it became known ({}, {}).",
            l.lag.words(),
            one_line(&l.lag.first_failure),
            display(
                &l.lag.known_at,
                l.lag.known_at.precision(),
                ZoneChoice::Utc,
                None
            ),
            one_line(&l.lag.known_by),
        )),
        None if failing > 0 => {
            text.push_str(" No failing event says when it became known: the lag is not drawn.")
        }
        None => {}
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Record, Review};
    use crate::report::{ReportOptions, build};

    /// The report borrows its record: a test's record lives as long as the test run.
    fn leak<T>(value: T) -> &'static T {
        Box::leak(Box::new(value))
    }

    fn report(events: &str) -> Report<'static> {
        let text = format!(
            r#"(schema: 1, id: "r", title: "T", summary: "S",
            classification: (scheme: Nato, level: Restricted), tlp: "AMBER",
            controls: [(catalogue: NistSp80053r5, id: "AC-1", title: "Policy", expects: "x")],
            events: [{events}],
            )"#
        );
        let record: &Record = leak(crate::load::parse(&text).expect("record"));
        build(record, leak(Review::new("r")), &ReportOptions::default())
    }

    fn event(id: &str, at: &str, fidelity: &str, extra: &str) -> String {
        format!(
            r#"(id: "{id}", at: "{at}", fidelity: {fidelity}, title: "t {id}", narrative: "n", portion: Unclassified, {extra}),"#
        )
    }

    fn failed() -> &'static str {
        r#"controls: [(control: "AC-1", effect: Failed)]"#
    }

    fn figure(events: &[String]) -> Figure {
        Figure::new(&report(&events.concat())).expect("a figure")
    }

    /// The bar's left edge and width, read back from its path.
    fn bar_box(row: &Row) -> (f64, f64) {
        let d = row.bar.d.trim_start_matches('M');
        let (x, rest) = d.split_once(' ').expect("M x y");
        let w = rest
            .split_once('h')
            .and_then(|(_, r)| r.split_once('v'))
            .map(|(w, _)| w)
            .expect("h w");
        (x.parse().expect("x"), w.parse().expect("w"))
    }

    #[test]
    fn a_long_quiet_gap_is_shortened_and_said() {
        let f = figure(&[
            event("E1", "2024-02-19", "Day", failed()),
            event("E2", "2024-02-20", "Day", ""),
            event("E3", "2024-02-22", "Day", ""),
            event("E4", "2025-06-01", "Day", ""),
        ]);
        assert_eq!(f.breaks.len(), 1, "{:?}", f.breaks);
        let b = &f.breaks[0];
        assert_eq!(b.width, BREAK_W);
        assert_eq!(b.length, "15 mo");
        assert!(f.labels.iter().any(|l| l.gap && l.text == "15 mo gap"));
        // Drawn to scale, the days of February would be a sliver: shortened,
        // the four days before the break have most of the width.
        let (x1, _) = bar_box(&f.rows[0]);
        let (x3, w3) = bar_box(&f.rows[2]);
        assert!(x3 + w3 - x1 > 300.0, "{x1} {x3} {w3}");
        assert!(
            f.description
                .contains("1 long quiet gap is drawn shortened (15 mo)")
        );
    }

    #[test]
    fn evenly_spaced_events_keep_one_scale() {
        let weekly: Vec<String> = (1..=4)
            .map(|i| {
                event(
                    &format!("E{i}"),
                    &format!("2024-03-{:02}", i * 7),
                    "Day",
                    "",
                )
            })
            .collect();
        let f = figure(&weekly);
        assert!(f.breaks.is_empty(), "{:?}", f.breaks);
        let xs: Vec<f64> = f.rows.iter().map(|r| bar_box(r).0).collect();
        let steps: Vec<f64> = xs.windows(2).map(|w| w[1] - w[0]).collect();
        assert!(
            steps.iter().all(|s| (s - steps[0]).abs() < 0.3),
            "{steps:?}"
        );
    }

    #[test]
    fn a_bar_is_as_wide_as_the_fidelity() {
        let f = figure(&[
            event("D", "2024-03-10", "Day", ""),
            event("M", "2024-03", "Month", ""),
            event("H", "2024-03-20T10:15Z", "Minute", ""),
            event("P", "2024-03-02", "Day", r#"end: "2024-03-04""#),
        ]);
        let (_, day) = bar_box(&f.rows[0]);
        let (_, month) = bar_box(&f.rows[1]);
        let (_, minute) = bar_box(&f.rows[2]);
        let (_, period) = bar_box(&f.rows[3]);
        assert!(f.breaks.is_empty());
        // March has 31 days; the period runs from the 2nd to the end of the 4th.
        assert!((month / day - 31.0).abs() < 0.5, "{month} {day}");
        assert!((period / day - 3.0).abs() < 0.1, "{period} {day}");
        assert_eq!(minute, MIN_BAR_W, "a minute is drawn, thin");
    }

    #[test]
    fn a_coarse_fidelity_covers_the_finer_time_written() {
        // Written to the minute, known to the day: drawn as the day.
        let f = figure(&[
            event("A", "2024-03-10T10:15Z", "Day", ""),
            event("B", "2024-03-11", "Day", ""),
        ]);
        let (a, wa) = bar_box(&f.rows[0]);
        let (b, wb) = bar_box(&f.rows[1]);
        assert!((wa - wb).abs() < 0.2 && (b - (a + wa)).abs() < 0.2);
    }

    #[test]
    fn a_year_bar_runs_through_a_break() {
        let f = figure(&[
            event("Y", "2024", "Year", failed()),
            event("A", "2024-03-01", "Day", ""),
            event("B", "2024-03-05", "Day", ""),
        ]);
        assert!(!f.breaks.is_empty());
        let (x, w) = bar_box(&f.rows[0]);
        let last = f.breaks.last().expect("break");
        assert!(
            x + w >= last.x + last.width,
            "the year ends after the break"
        );
        assert!(f.rows[0].failing && !f.rows[1].failing);
        assert_eq!(f.rows[0].bar.fill, "#444");
    }

    #[test]
    fn effects_have_distinct_shapes_in_a_fixed_order() {
        let f = figure(&[event(
            "E1",
            "2024-03-01",
            "Day",
            r#"controls: [(control: "AC-1", effect: Held), (control: "AC-1", effect: Absent), (control: "AC-1", effect: Failed)]"#,
        )]);
        let effects: Vec<Effect> = f.rows[0].markers.iter().map(|m| m.effect).collect();
        assert_eq!(effects, vec![Effect::Failed, Effect::Absent, Effect::Held]);
        let shapes: std::collections::HashSet<String> = Effect::ALL
            .into_iter()
            .map(|e| marker(e, 0.0, 0.0).d)
            .collect();
        assert_eq!(shapes.len(), Effect::ALL.len());
        assert_eq!(f.legend.len(), 2 + Effect::ALL.len() + 2);
    }

    #[test]
    fn the_lag_runs_from_the_first_failure_to_the_earliest_known() {
        let events = [
            event("E0", "2024-02-01", "Day", ""),
            event(
                "E1",
                "2024-02-19T23+08:00",
                "Hour",
                &format!(r#"known: "2024-03-01", {}"#, failed()),
            ),
            event(
                "E2",
                "2024-02-20",
                "Day",
                &format!(r#"known: "2024-03-05", {}"#, failed()),
            ),
        ];
        let f = figure(&events);
        let lag = &f.lag.as_ref().expect("a lag").lag;
        assert_eq!(lag.first_failure, "E1");
        assert_eq!(lag.known_by, "E1");
        assert_eq!(lag.words(), "11 days");
        assert!(f.description.contains("Detection lag: 11 days"));
        assert_eq!(
            f.rows[1].known.len(),
            4,
            "the dotted line, the known day underlined and the flag (pole and pennant)"
        );
        // A year-fidelity failure gives a range.
        let f = figure(&[event(
            "Y",
            "2024",
            "Year",
            &format!(r#"known: "2024-03-01", {}"#, failed()),
        )]);
        assert_eq!(f.lag.expect("lag").lag.words(), "0–60 days");
        // No known time: no lag, and the description says why.
        let f = figure(&[event("A", "2024-03-01", "Day", failed())]);
        assert!(f.lag.is_none());
        assert!(f.description.contains("the lag is not drawn"));
    }

    #[test]
    fn record_text_is_escaped_in_the_svg() {
        let f = figure(&[event("E1", "2024-03-01", "Day", "")
            .replace("t E1", "<script>alert(1)</script> & \\\"q\\\" 'a'")]);
        let svg = f.svg().expect("svg");
        assert!(!svg.contains("<script"), "{svg}");
        assert!(
            svg.contains("&#60;script&#62;alert(1)&#60;/script&#62; &#38; &#34;q&#34; &#39;a&#39;"),
            "{svg}"
        );
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        // Well-formed: every element closed (a cheap check; vnu checks the page).
        assert_eq!(svg.matches("<g").count(), svg.matches("</g>").count());
        assert!(svg.trim_end().ends_with("</svg>"));
    }

    #[test]
    fn a_large_report_draws_a_bounded_figure_and_says_so() {
        let many: Vec<String> = (0..MAX_ROWS + 5)
            .map(|i| event(&format!("E{i}"), "2024-03-01", "Day", ""))
            .collect();
        let f = figure(&many);
        assert_eq!(f.rows.len(), MAX_ROWS);
        let note = f.note.expect("a note");
        assert!(
            note.text
                .contains(&format!("first {MAX_ROWS} of {}", MAX_ROWS + 5))
        );
    }

    #[test]
    fn the_ends_of_the_calendar_and_an_end_before_the_start_are_drawn() {
        let f = figure(&[
            event("A", "0001", "Year", failed()),
            event("B", "9999-12-31T23:59:59+14:00", "Second", ""),
            event(
                "C",
                "9999-12-31T23:59:59-12:00",
                "Second",
                r#"known: "9999-12-31""#,
            ),
            event("D", "5000-06-01", "Day", r#"end: "5000-05-01""#),
        ]);
        assert_eq!(f.rows.len(), 4);
        let inside = |x: f64| (0.0..=WIDTH).contains(&x);
        for row in &f.rows {
            let (x, w) = bar_box(row);
            assert!(inside(x) && inside(x + w) && w >= MIN_BAR_W, "{row:?}");
        }
        assert!(f.height.is_finite() && f.height > 0.0);
        f.svg().expect("svg");
    }

    #[test]
    fn no_events_no_figure() {
        assert!(Figure::new(&report("")).is_none());
    }

    #[test]
    fn gap_lengths_read_in_a_few_characters() {
        assert_eq!(gap_words(9 * 3600), "9 h");
        assert_eq!(gap_words(49 * DAY), "49 d");
        assert_eq!(gap_words(117 * DAY), "4 mo");
        assert_eq!(gap_words(2274 * DAY), "6 y");
    }

    #[test]
    fn fit_keeps_one_scale_above_the_minimum() {
        let w = fit(&[100, 1, 300], 406.0);
        assert_eq!(w[1], MIN_PIECE_W);
        assert!((w[2] / w[0] - 3.0).abs() < 1e-9);
        assert!((w.iter().sum::<f64>() - 406.0).abs() < 1e-9);
    }
}
