//! The detail of the selected event, as a document built and wrapped only
//! as far as the pane shows it, and the pane's scroll position
//! ([`TextScroll`]). A narrative of 50 MB costs a frame what its visible
//! rows cost; scrolling down a row wraps one more row, once.

use std::sync::Arc;

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Span;

use super::app::{Bundle, ReviewScreen, ReviewState, inner_height};
use super::scroll::{ScrollKey, TextScroll};
use super::theme::Theme;
use super::view::style::effect_glyph;
use super::wrap::Document;
use crate::model::time::{ZoneChoice, display};

/// Items before the links, sources and claims.
const HEAD: usize = 4;
/// Items after them: the findings resting on the event, the analyst's note.
const TAIL: usize = 2;

/// Event `event`'s detail: the heading, where, narrative, actors, control
/// links, sources with their Admiralty codes, claims, the findings resting
/// on it and the analyst's note, one item each.
pub struct EventDetail<'a> {
    bundle: &'a Bundle,
    review: &'a ReviewState,
    zone: ZoneChoice,
    event: usize,
    /// Only for the effects' colours: the rows do not depend on it.
    theme: &'a Theme,
}

impl<'a> EventDetail<'a> {
    pub fn new(
        bundle: &'a Bundle,
        review: &'a ReviewState,
        zone: ZoneChoice,
        event: usize,
        theme: &'a Theme,
    ) -> Self {
        EventDetail {
            bundle,
            review,
            zone,
            event,
            theme,
        }
    }

    fn claims(&self) -> &'a [usize] {
        self.bundle
            .claims
            .get(&self.event)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// The first item that comes from the review, not the record.
    fn review_items(&self) -> usize {
        self.items() - TAIL
    }
}

impl Document for EventDetail<'_> {
    fn items(&self) -> usize {
        let e = &self.bundle.record.events[self.event];
        HEAD + e.controls.len() + e.sources.len() + self.claims().len() + TAIL
    }

    fn item(&self, k: usize) -> Option<Vec<Span<'_>>> {
        let record = &self.bundle.record;
        let e = record.events.get(self.event)?;
        let bold = Style::new().add_modifier(Modifier::BOLD);
        let zone = e.place.as_ref().and_then(|p| p.zone.as_deref());
        let links = HEAD + e.controls.len();
        let sources = links + e.sources.len();
        let claims = sources + self.claims().len();
        Some(match k {
            0 => {
                let portion = record
                    .classification
                    .scheme
                    .portion_mark(e.portion)
                    .unwrap_or(e.portion.name());
                let mut when = display(&e.at, e.fidelity, self.zone, zone);
                if let Some(end) = &e.end {
                    when = format!("{when} – {}", display(end, e.fidelity, self.zone, zone));
                }
                // When the own side learned of it, where that differs: the
                // end of the detection lag.
                let known = e.known.as_ref().map_or(String::new(), |k| {
                    format!(
                        "; became known {}",
                        display(k, k.precision(), self.zone, zone)
                    )
                });
                vec![
                    Span::styled(format!("({portion}) "), bold),
                    Span::styled(e.title.as_str(), bold),
                    Span::raw(format!("  {when} [{} fidelity]{known}", e.fidelity)),
                ]
            }
            1 => {
                let place = e.place.as_ref()?;
                let mut spans = vec![Span::raw("Where: "), Span::raw(place.name.as_str())];
                if let Some(z) = zone {
                    spans.extend([Span::raw(" ("), Span::raw(z), Span::raw(")")]);
                }
                spans
            }
            2 => vec![Span::raw(e.narrative.as_str())],
            3 => {
                if e.actors.is_empty() {
                    return None;
                }
                let mut spans = vec![Span::styled("Actors: ", bold)];
                for (n, a) in e.actors.iter().enumerate() {
                    if n > 0 {
                        spans.push(Span::raw("; "));
                    }
                    match self.bundle.actors.get(a) {
                        Some(&i) => {
                            let actor = &record.actors[i];
                            spans.extend([
                                Span::raw(actor.name.as_str()),
                                Span::raw(format!(" ({})", actor.side.name())),
                            ]);
                        }
                        None => spans.push(Span::raw(a.as_str())),
                    }
                }
                spans
            }
            k if k < links => {
                let link = &e.controls[k - HEAD];
                let title = record
                    .control(&link.control)
                    .map_or("", |c| c.title.as_str());
                let mut spans = vec![
                    Span::styled(
                        format!("{} ", effect_glyph(link.effect)),
                        self.theme.effect(link.effect),
                    ),
                    Span::styled(format!("{} ", link.control), bold),
                    Span::styled(link.effect.name(), self.theme.effect(link.effect)),
                    Span::raw(" — "),
                    Span::raw(title),
                ];
                if let Some(note) = &link.note {
                    spans.extend([Span::raw(": "), Span::raw(note.as_str())]);
                }
                spans
            }
            k if k < sources => {
                let c = &e.sources[k - links];
                let mut spans = match self.bundle.sources.get(&c.source) {
                    Some(&i) => {
                        let s = &record.sources[i];
                        vec![
                            Span::styled(format!("[{}] ", c.admiralty(s)), bold),
                            Span::raw(s.publisher.as_str()),
                            Span::raw(" — "),
                            Span::raw(s.shown_title()),
                        ]
                    }
                    None => vec![
                        Span::styled(format!("[?{}] ", c.credibility.0), bold),
                        Span::raw(c.source.as_str()),
                    ],
                };
                if let Some(note) = &c.note {
                    spans.extend([Span::raw(" ("), Span::raw(note.as_str()), Span::raw(")")]);
                }
                spans
            }
            k if k < claims => {
                let claim = &record.claims[self.claims()[k - sources]];
                let mut spans = vec![
                    Span::styled(
                        format!("Claim {} [{}]: ", claim.id, claim.status.name()),
                        bold.add_modifier(Modifier::ITALIC),
                    ),
                    Span::raw(claim.statement.as_str()),
                ];
                if !claim.conflicts_with.is_empty() {
                    spans.push(Span::raw(" — conflicts with "));
                    for (n, other) in claim.conflicts_with.iter().enumerate() {
                        if n > 0 {
                            spans.push(Span::raw(", "));
                        }
                        spans.push(Span::raw(other.as_str()));
                    }
                }
                spans
            }
            k if k == claims => {
                let mut spans = vec![Span::styled("Findings resting on it: ", bold)];
                let findings = &self.review.review.findings;
                let resting = self.review.index.resting_on(&e.id);
                for (n, f) in resting.iter().filter_map(|&f| findings.get(f)).enumerate() {
                    if n > 0 {
                        spans.push(Span::raw(", "));
                    }
                    spans.push(Span::raw(f.id.as_str()));
                }
                if spans.len() == 1 {
                    return None;
                }
                spans
            }
            k if k == claims + 1 => {
                let note = self.review.mark(&e.id)?.note.as_ref()?;
                vec![Span::styled("Note: ", bold), Span::raw(note.as_str())]
            }
            _ => return None,
        })
    }
}

/// What the remembered rows were wrapped for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DetailKey {
    /// The record (its address: a reloaded record is another bundle).
    bundle: usize,
    event: usize,
    width: usize,
    zone: ZoneChoice,
}

impl DetailKey {
    pub fn new(bundle: &Arc<Bundle>, event: usize, width: usize, zone: ZoneChoice) -> Self {
        DetailKey {
            bundle: Arc::as_ptr(bundle) as usize,
            event,
            width,
            zone,
        }
    }
}

impl ScrollKey for DetailKey {
    fn same_text(&self, other: &Self) -> bool {
        self.bundle == other.bundle && self.event == other.event
    }

    fn width(&self) -> usize {
        self.width
    }
}

/// The detail pane's scroll position: a new event starts at its top; a new
/// width or zone keeps the row number.
pub type DetailScroll = TextScroll<DetailKey>;

/// The inner width and height of the detail pane.
pub fn pane(area: Rect) -> (usize, usize) {
    (
        usize::from(area.width.saturating_sub(2)).max(1),
        inner_height(area),
    )
}

impl ReviewScreen {
    /// The detail of the selected event, and the key its rows are kept under.
    pub fn detail_doc<'a>(
        &'a self,
        area: Rect,
        theme: &'a Theme,
    ) -> Option<(EventDetail<'a>, DetailKey)> {
        let i = self.event_index()?;
        let (width, _) = pane(area);
        Some((
            EventDetail::new(&self.bundle, &self.state, self.zone, i, theme),
            DetailKey::new(&self.bundle, i, width, self.zone),
        ))
    }

    /// Makes the detail's scroll position fit the selection and the pane
    /// `area` (the detail pane's rectangle).
    pub fn settle_detail(&mut self, area: Rect) {
        let Some(i) = self.event_index() else {
            return;
        };
        let (width, height) = pane(area);
        let doc = EventDetail::new(&self.bundle, &self.state, self.zone, i, &Theme::STANDARD);
        let key = DetailKey::new(&self.bundle, i, width, self.zone);
        let keep = doc.review_items();
        self.detail.settle(&doc, key, height, keep);
    }

    /// Scrolls the detail by `rows` (down when positive).
    pub fn scroll_detail(&mut self, area: Rect, rows: isize) {
        let Some(i) = self.event_index() else {
            return;
        };
        let (width, height) = pane(area);
        let doc = EventDetail::new(&self.bundle, &self.state, self.zone, i, &Theme::STANDARD);
        let key = DetailKey::new(&self.bundle, i, width, self.zone);
        let keep = doc.review_items();
        self.detail.scroll(&doc, key, height, keep, rows);
    }
}

impl ReviewScreen {
    /// Scrolls the text shown under the lists by `rows` (down when
    /// positive): the selected finding's when the Findings pane is open,
    /// else the event's detail. `area` is the pane's rectangle.
    pub fn scroll_text(&mut self, area: Rect, rows: isize) {
        if self.findings_open {
            self.scroll_finding(area, rows);
        } else {
            self.scroll_detail(area, rows);
        }
    }

    /// Rows one page key (Ctrl-D, Ctrl-U) scrolls that text.
    pub fn text_page(&self, area: Rect) -> isize {
        let height = if self.findings_open {
            super::finding_text::pane(area).1
        } else {
            pane(area).1
        };
        super::scroll::half_page(height)
    }
}
