//! Markdown export (GitHub-flavoured).
//!
//! The output passes `markdownlint-cli2` with its default rules, which shapes
//! it in a few ways:
//!
//! - The banner comes first and the record's title is the one `#` heading.
//!   MD041 wants a file to open with that heading, so an HTML comment that
//!   GitHub does not show tells markdownlint about the banner line (the only
//!   HTML the file holds; another one lets a title past 80 columns). The
//!   banner at the top and the bottom is a bold line.
//! - The order is the one every export follows: summary, key judgements
//!   (each with the events and controls it rests on, told in a line each),
//!   recommendations, then the timeline, the control effects by event (one
//!   row per control listing the events that link it, not a column per
//!   event), the controls, the events, the claims and the sources. A brief
//!   stops after the recommendations and lists only the sources the
//!   judgements cite.
//! - Lines stay within 80 columns (MD013): prose is wrapped. A table row
//!   cannot wrap, so every wide row carries a link (its id, pointing at the
//!   section that tells its whole story, or the events of a control), which
//!   markdownlint exempts.
//! - No inline HTML (MD033): a single line break in a text that holds
//!   paragraphs (summary, narratives, statements, notes) is a hard break,
//!   written as a backslash at the end of the line (visible, unlike two
//!   trailing spaces, and kept by editors); a blank line starts a paragraph.
//!   Elsewhere (titles, table cells) newlines become spaces.
//!
//! Record text is escaped so that it can neither break a table nor become
//! markup: it always reads back as the text it was.

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::SecondsFormat;

use super::{Variant, paragraph_lines};
use crate::model::{Effect, Likelihood, web_address};
use crate::report::{
    Marking, Report, ReportCitation, ReportClaim, ReportEvent, ReportFinding, ReportIndex,
    ReportLink,
};

/// markdownlint's default line length (MD013).
const WIDTH: usize = 80;

pub fn render(report: &Report) -> String {
    render_as(report, Variant::Full)
}

/// The report, whole or as a brief, in the order every export follows:
/// banner, title, summary, key judgements, recommendations, then what
/// they rest on (timeline, control effects, controls, events, claims) and
/// the sources.
pub fn render_as(report: &Report, variant: Variant) -> String {
    let anchors = Doc::anchors(report);
    let mut doc = Doc::new(&anchors, 4096);
    document(&mut doc, report, variant);
    doc.out
}

/// [`render_as`], written into `out` a few blocks at a time as it is made.
pub fn write_as(
    report: &Report,
    variant: Variant,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let anchors = Doc::anchors(report);
    let mut doc = Doc::new(&anchors, 2 * FLUSH_AT);
    doc.sink = Some(out);
    document(&mut doc, report, variant);
    doc.finish()
}

fn document(doc: &mut Doc, report: &Report, variant: Variant) {
    let index = ReportIndex::new(report);
    title(doc, report);
    summary(doc, report, variant);
    judgements(doc, report, &index, variant);
    recommendations(doc, report, &index);
    if variant == Variant::Full {
        timeline(doc, report);
        matrix(doc, report, &index);
        controls(doc, report);
        events(doc, report);
        claims(doc, report, &index);
    }
    sources(doc, report, &index, variant);
    doc.para(banner_line(report));
}

/// The short code of an effect in the control-by-event matrix.
pub(super) fn effect_code(effect: Effect) -> &'static str {
    match effect {
        Effect::Failed => "F",
        Effect::NotFollowed => "NF",
        Effect::Bypassed => "B",
        Effect::Absent => "A",
        Effect::Held => "H",
    }
}

/// "very likely (80–95 %)".
pub(super) fn likelihood_words(term: &str, likelihood: Likelihood) -> String {
    let (low, high) = likelihood.range();
    format!("{term} ({low}–{high} %)")
}

/// `**OFFEN** · TLP:CLEAR`, at the top and the bottom.
fn banner_line(report: &Report) -> Inline {
    Inline::default()
        .strong(report.classification.banner)
        .raw("·")
        .text(&report.tlp.label())
}

/// The banner, then the title as the one top-level heading. markdownlint
/// wants a file to open with that heading (MD041): the banner comes first
/// all the same, as on every page of a marked document, and a directive
/// that GitHub does not show tells markdownlint so.
fn title(doc: &mut Doc, report: &Report) {
    doc.directive("MD041", |d| d.para(banner_line(report)));
    let heading = escape_text(&report.record.title);
    // A heading cannot wrap: a long title is let past the line length.
    if width(&heading) + 2 > WIDTH {
        doc.directive("MD013", |d| d.heading(1, &heading));
    } else {
        doc.heading(1, &heading);
    }
}

/// What happened, when, and where the review stands.
fn summary(doc: &mut Doc, report: &Report, variant: Variant) {
    let meta = &report.record;
    doc.heading(2, "Summary");
    let summary = paragraph_lines(meta.summary);
    if summary.is_empty() {
        doc.para(Inline::default().text("The record has no summary."));
    }
    for paragraph in &summary {
        doc.para(Inline::default().lines(paragraph));
    }
    let s = &report.signoff;
    let mut items = vec![
        Inline::label("Period:").text(&meta.period),
        Inline::label("Sign-off:").text(&s.describe()),
    ];
    if let Some(hash) = &s.hash {
        items.push(Inline::label("Content hash:").token(code_span(hash)));
    }
    items.push(Inline::label("Judgements:").text(&report.judgements_line()));
    let mut classification = format!(
        "{} (the highest portion included); {}",
        report.classification.banner,
        report.tlp.label()
    );
    if let Some(ceiling) = &report.ceiling {
        classification.push_str(&format!(
            "; ceiling {} (portions above it are withheld)",
            ceiling.banner
        ));
    }
    items.push(Inline::label("Classification:").text(&classification));
    items.push(Inline::label("Withheld:").text(&report.withheld_line()));
    let included = report.events.len();
    items.push(Inline::label("Record:").text(&format!(
        "{}; {included} of its {} {} in this report",
        meta.id,
        crate::wording::count(meta.events_total, "event", "events"),
        crate::wording::is_are(included)
    )));
    if variant == Variant::Brief {
        items.push(Inline::label("Brief:").text(&format!(
            "the key judgements and recommendations with the sources the judgements cite; \
             the full report adds the timeline, the control effects by event, the claims \
             and all {} cited",
            crate::wording::count(report.sources.len(), "source", "sources")
        )));
    }
    items.push(Inline::label("Generated:").text(&format!(
        "{} by {}",
        report.generated.to_rfc3339_opts(SecondsFormat::Secs, true),
        report.generator
    )));
    doc.list(items);
}

/// The findings, root cause first, each with what it rests on.
fn judgements(doc: &mut Doc, report: &Report, index: &ReportIndex, variant: Variant) {
    doc.heading(2, "Key judgements");
    if report.findings.is_empty() {
        doc.para(Inline::default().text("No findings are in this report."));
        return;
    }
    for f in &report.findings {
        finding(doc, index, f, variant);
    }
}

fn finding(doc: &mut Doc, index: &ReportIndex, f: &ReportFinding, variant: Variant) {
    doc.anchored_heading(3, "Finding", f.id);
    doc.para(Inline::default().raw(&portion(&f.portion)).strong(f.title));
    for paragraph in &paragraph_lines(f.statement) {
        doc.para(Inline::default().raw(&portion(&f.portion)).lines(paragraph));
    }
    // ICD 203: likelihood and confidence are stated apart, never in one sentence.
    let mut items: Vec<(Inline, Vec<Inline>)> = vec![
        (Inline::label("Kind:").text(f.kind.name()), Vec::new()),
        (
            Inline::label("Severity:").text(f.severity.name()),
            Vec::new(),
        ),
        (
            Inline::label("Likelihood (ICD 203):")
                .text(&likelihood_words(f.likelihood_term, f.likelihood)),
            Vec::new(),
        ),
        (
            Inline::label("Confidence (ICD 203):").text(f.confidence.name()),
            Vec::new(),
        ),
    ];
    // The events are told here in a line each, so that a reader (of a
    // brief, which has no timeline) sees what the judgement rests on.
    let events: Vec<Inline> = f
        .events
        .iter()
        .map(|id| rested_on_event(doc, index, id, variant))
        .collect();
    if events.is_empty() {
        items.push((
            Inline::label("Rests on events:").text("none in this report"),
            Vec::new(),
        ));
    } else {
        items.push((Inline::label("Rests on events:"), events));
    }
    if !f.controls.is_empty() {
        let controls = f
            .controls
            .iter()
            .map(|id| rested_on_control(index, f, id))
            .collect();
        items.push((Inline::label("Rests on controls:"), controls));
    }
    let recs: Vec<&str> = index
        .recommendations_of(f.id)
        .iter()
        .map(|r| r.id)
        .collect();
    if !recs.is_empty() {
        items.push((
            Inline::label("Recommendations:").text(&recs.join(", ")),
            Vec::new(),
        ));
    }
    doc.nested_list(items);
}

/// "[E01](#event-e01) 2024-02-19 15h UTC: (offen) Title. Sources: s1 B2."
/// A brief has no events section to link to.
fn rested_on_event(doc: &Doc, index: &ReportIndex, id: &str, variant: Variant) -> Inline {
    let head = match variant {
        Variant::Full => Inline::default().raw(&doc.link("Event", id)),
        Variant::Brief => Inline::default().text(id),
    };
    let Some(e) = index.event(id) else {
        return head;
    };
    let mut line = head
        .text(&format!("{}:", e.when_utc))
        .raw(&portion(&e.portion))
        .text(&format!("{}.", one_line(e.title)));
    if !e.sources.is_empty() {
        line = line.label_text("Sources:", &format!("{}.", citations(&e.sources)));
    }
    line
}

/// "SC-8 Transmission Confidentiality and Integrity: E01 failed."
fn rested_on_control(index: &ReportIndex, f: &ReportFinding, id: &str) -> Inline {
    let title = index
        .control(id)
        .map(|c| format!(" {}", one_line(c.title)))
        .unwrap_or_default();
    Inline::default()
        .strong(id)
        .text(&format!("{title}: {}.", rested_effects(index, f, id)))
}

/// What happened to a control at the events a finding rests on ("E01
/// failed, E05 held"), and how many other events link it.
pub(super) fn rested_effects(index: &ReportIndex, f: &ReportFinding, id: &str) -> String {
    let (shown, others) = index.effects_for(f, id);
    let words: Vec<String> = shown
        .iter()
        .map(|(event, effect)| format!("{event} {}", effect.name()))
        .collect();
    use crate::wording::count;
    let link = |n: usize| if n == 1 { "links" } else { "link" };
    match (words.is_empty(), others) {
        (true, 0) => "not linked to an event in this report".into(),
        (true, n) => format!(
            "not linked to these events; {} in this report {} it",
            count(n, "event", "events"),
            link(n)
        ),
        (false, 0) => words.join(", "),
        (false, n) => format!(
            "{}; {} in this report {} it",
            words.join(", "),
            count(n, "other event", "other events"),
            link(n)
        ),
    }
}

fn timeline(doc: &mut Doc, report: &Report) {
    doc.heading(2, "Timeline");
    if report.events.is_empty() {
        doc.para(Inline::default().text("No events are in this report."));
        return;
    }
    doc.table_head(&[
        "Event",
        "Time",
        "Title",
        "Actors",
        "Sources",
        "Control effects",
    ]);
    doc.run(&report.events, TIMELINE_ROWS_PER_CHUNK, timeline_row);
}

/// Timeline rows rendered together on one core (about 200 bytes each).
const TIMELINE_ROWS_PER_CHUNK: usize = 512;

/// A timeline row, written straight into the document: a table of 100,000
/// rows makes no string per cell.
fn timeline_row(doc: &mut Doc, e: &ReportEvent) {
    let anchors = doc.anchors;
    let Doc { out, scratch, .. } = doc;
    out.push('|');
    cell_into(out, |o| link_into(anchors, o, "Event", e.id));
    scratch.clear();
    when_into(scratch, e);
    cell_into(out, |o| escape_text_into(scratch, o));
    cell_into(out, |o| {
        portion_into(o, &e.portion);
        o.push(' ');
        escape_text_into(e.title, o);
    });
    scratch.clear();
    join_into(scratch, ", ", &e.actors, |s, a| s.push_str(a));
    cell_into(out, |o| escape_text_into(scratch, o));
    scratch.clear();
    citations_into(scratch, &e.sources);
    cell_into(out, |o| escape_text_into(scratch, o));
    scratch.clear();
    effects_into(scratch, &e.controls);
    cell_into(out, |o| escape_text_into(scratch, o));
    out.push('\n');
    doc.flush_if_full();
}

/// The control-by-event matrix as a page reads it: one row per control
/// with the events that touch it, rather than a column per event (a table
/// as wide as the record is long, of mostly empty cells). The HTML keeps
/// the full matrix.
fn matrix(doc: &mut Doc, report: &Report, index: &ReportIndex) {
    doc.heading(2, "Control effects by event");
    // Every row links its events, which lets it run past 80 columns
    // (MD013); the controls that no included event links are named after.
    let (linked, unlinked): (Vec<&str>, Vec<&str>) = report
        .matrix
        .iter()
        .map(|row| row.control)
        .partition(|control| !index.effects_of(control).is_empty());
    if linked.is_empty() {
        doc.para(Inline::default().text("No control is linked to an event in this report."));
        return;
    }
    let legend: Vec<String> = Effect::ALL
        .iter()
        .map(|&e| format!("{}: {}", e.name(), e.meaning()))
        .collect();
    doc.para(Inline::label("Key:").text(&format!(
        "the events that link each control, in time order, and what happened to it \
         there ({}).",
        legend.join("; ")
    )));
    doc.table_head(&["Control", "Title", "Effects by event"]);
    // A row lists every event that links its control (thousands, in a
    // large record): written straight into the document, a row per chunk.
    doc.run(&linked, 1, |doc, control| {
        let anchors = doc.anchors;
        let out = &mut doc.out;
        out.push('|');
        cell_into(out, |o| escape_text_into(control, o));
        let title = index.control(control).map_or("", |c| c.title);
        cell_into(out, |o| escape_text_into(title, o));
        cell_into(out, |o| {
            for (i, (event, effect)) in index.effects_of(control).iter().enumerate() {
                if i > 0 {
                    o.push_str(", ");
                }
                link_into(anchors, o, "Event", event);
                o.push(' ');
                o.push_str(effect.name());
            }
        });
        out.push('\n');
        doc.flush_if_full();
    });
    if !unlinked.is_empty() {
        doc.para(
            Inline::label("Linked to no event in this report:")
                .text(&format!("{}.", unlinked.join(", "))),
        );
    }
}

fn controls(doc: &mut Doc, report: &Report) {
    doc.heading(2, "Controls");
    if report.controls.is_empty() {
        doc.para(Inline::default().text("The record names no controls."));
        return;
    }
    let items = report
        .controls
        .iter()
        .map(|c| {
            Inline::default()
                .strong(c.id)
                .text(&format!("{} ({}).", c.title, c.catalogue))
                .label_text("Expects:", c.expects)
                .label_text(
                    "In this report:",
                    &format!(
                        "failed, not followed, bypassed or absent at {}; held at {}.",
                        count(c.failures, "event"),
                        count(c.held, "event")
                    ),
                )
        })
        .collect();
    doc.list(items);
}

fn events(doc: &mut Doc, report: &Report) {
    doc.heading(2, "Events");
    if report.events.is_empty() {
        doc.para(Inline::default().text("No events are in this report."));
        return;
    }
    doc.run(&report.events, EVENTS_PER_CHUNK, event);
}

/// Events rendered together on one core (about a kilobyte each).
const EVENTS_PER_CHUNK: usize = 128;

/// An event's heading, title, narrative and facts. The words are put
/// together in the document's reused buffers: a report of 100,000 events
/// would otherwise make millions of small strings.
fn event(doc: &mut Doc, e: &ReportEvent) {
    doc.anchored_heading(3, "Event", e.id);
    let title = doc.inline().portion(&e.portion).strong(e.title);
    doc.para(title);
    // Most narratives are one line: no paragraphs to split out.
    if !e.narrative.contains(['\n', '\r']) {
        let line = e.narrative.trim();
        if !line.is_empty() {
            let paragraph = doc.inline().portion(&e.portion).text(line);
            doc.para(paragraph);
        }
    } else {
        for paragraph in &paragraph_lines(e.narrative) {
            let paragraph = doc.inline().portion(&e.portion).lines(paragraph);
            doc.para(paragraph);
        }
    }
    let mut items = doc.items();
    let mut text = std::mem::take(&mut doc.scratch);
    text.clear();
    when_into(&mut text, e);
    items.push(doc.labelled("When:").text(&text));
    if let Some(end) = &e.end {
        items.push(doc.labelled("Until:").text(end));
    }
    if let Some(place) = &e.place {
        items.push(doc.labelled("Place:").text(place));
    }
    if !e.actors.is_empty() {
        text.clear();
        join_into(&mut text, ", ", &e.actors, |s, a| s.push_str(a));
        items.push(doc.labelled("Actors:").text(&text));
    }
    if !e.sources.is_empty() {
        text.clear();
        citations_with_notes_into(&mut text, &e.sources);
        items.push(doc.labelled("Sources:").text(&text));
    }
    if !e.controls.is_empty() {
        text.clear();
        effects_with_notes_into(&mut text, &e.controls);
        items.push(doc.labelled("Controls:").text(&text));
    }
    doc.scratch = text;
    let marks = match (e.flagged, e.reviewed) {
        (true, true) => Some("flagged, reviewed."),
        (true, false) => Some("flagged."),
        (false, true) => Some("reviewed."),
        (false, false) => None,
    };
    if let Some(marks) = marks {
        items.push(doc.labelled("Analyst:").text(marks));
    }
    if let Some(note) = &e.note {
        items.push(
            doc.labelled("Analyst's note:")
                .paragraphs(&paragraph_lines(note)),
        );
    }
    doc.list(items);
}

fn claims(doc: &mut Doc, report: &Report, index: &ReportIndex) {
    doc.heading(2, "Claims");
    if report.claims.is_empty() {
        doc.para(Inline::default().text("No claims are in this report."));
        return;
    }
    for c in &report.claims {
        doc.anchored_heading(3, "Claim", c.id);
        for paragraph in &paragraph_lines(c.statement) {
            doc.para(Inline::default().raw(&portion(&c.portion)).lines(paragraph));
        }
        let mut items = vec![Inline::label("Status:").text(c.status.name())];
        if !c.events.is_empty() {
            items.push(Inline::label("About:").links(doc, "Event", &c.events));
        }
        if !c.sources.is_empty() {
            items.push(Inline::label("Sources:").text(&citations_with_notes(&c.sources)));
        }
        if !c.conflicts_with.is_empty() {
            items.push(conflicts(doc, index, c));
        }
        doc.list(items);
    }
}

/// Claims it conflicts with: linked when in the report, named otherwise.
fn conflicts(doc: &Doc, index: &ReportIndex, claim: &ReportClaim) -> Inline {
    let mut item = Inline::label("Conflicts with:");
    let last = claim.conflicts_with.len() - 1;
    for (i, id) in claim.conflicts_with.iter().enumerate() {
        let sep = if i < last { "," } else { "" };
        item = if index.has_claim(id) {
            item.raw(&format!("{}{sep}", doc.link("Claim", id)))
        } else {
            item.text(&format!("{id} (not in this report){sep}"))
        };
    }
    item
}

fn recommendations(doc: &mut Doc, report: &Report, index: &ReportIndex) {
    doc.heading(2, "Recommendations");
    if report.recommendations.is_empty() {
        doc.para(Inline::default().text("No recommendations are in this report."));
        return;
    }
    doc.table_head(&["Id", "Finding", "Action", "Owner", "Due", "Status"]);
    for r in &report.recommendations {
        // A recommendation is marked as the finding it answers.
        let mark = index
            .finding(r.finding)
            .map(|f| format!("{} ", portion(&f.portion)))
            .unwrap_or_default();
        let row = [
            cell(r.id),
            doc.link("Finding", r.finding),
            format!("{mark}{}", cell(r.action)),
            cell(r.owner),
            r.due
                .map(|d| d.to_string())
                .unwrap_or_else(|| "none".into()),
            cell(r.status.name()),
        ];
        doc.table_row(&row);
    }
}

/// The sources cited, or in a brief those the judgements cite.
fn sources(doc: &mut Doc, report: &Report, index: &ReportIndex, variant: Variant) {
    doc.heading(2, "Sources");
    let cited = (variant == Variant::Brief).then(|| index.judgement_sources());
    let listed: Vec<_> = report
        .sources
        .iter()
        .filter(|s| cited.as_ref().is_none_or(|c| c.contains(s.id)))
        .collect();
    if listed.is_empty() {
        let none = match variant {
            Variant::Full => "No sources are cited in this report.",
            Variant::Brief => "The judgements cite no sources.",
        };
        doc.para(Inline::default().text(none));
        return;
    }
    let items = listed
        .into_iter()
        .map(|s| {
            let mut item = Inline::default()
                .strong(s.id)
                .text(&format!("{}.", s.title));
            item = item.text(&match &s.date {
                Some(date) => format!("{}, {date}.", s.publisher),
                None => format!("{}.", s.publisher),
            });
            item = item.text(&format!(
                "Source reliability {} ({}).",
                s.reliability.letter(),
                s.reliability.meaning()
            ));
            // An address that is not a plain web address is shown, not linked.
            if web_address::is_linkable(s.url) {
                item.raw(&format!("<{}>", s.url))
            } else {
                item.token(code_span(&visible(s.url)))
            }
        })
        .collect();
    doc.list(items);
}

fn portion(marking: &Marking) -> String {
    escape_text(&format!("({})", marking.portion))
}

/// [`portion`], appended to `out`: a mark of letters and digits (all of
/// them, in the schemes hotwash knows) needs no escaping.
fn portion_into(out: &mut String, marking: &Marking) {
    if marking.portion.bytes().all(|b| b.is_ascii_alphanumeric()) {
        out.push('(');
        out.push_str(marking.portion);
        out.push(')');
    } else {
        out.push_str(&portion(marking));
    }
}

/// One cell of a table row being written into `out`: what `write` appends,
/// then the separator, as [`Doc::table_row`] writes a cell.
fn cell_into(out: &mut String, write: impl FnOnce(&mut String)) {
    out.push(' ');
    let start = out.len();
    write(out);
    if out.len() > start {
        out.push(' ');
    }
    out.push('|');
}

/// "2030-01-10 15h UTC (hour); 2030-01-10 23h +08 in Asia/Singapore".
pub(super) fn when(e: &ReportEvent) -> String {
    let mut text = String::new();
    when_into(&mut text, e);
    text
}

/// [`when`], appended to `out`.
fn when_into(out: &mut String, e: &ReportEvent) {
    out.push_str(&e.when_utc);
    out.push_str(" (");
    out.push_str(e.fidelity.name());
    out.push(')');
    // A bare date reads the same in every zone.
    if let Some(local) = e.when_local.as_ref().filter(|l| **l != e.when_utc) {
        out.push_str("; ");
        out.push_str(local);
        if let Some(zone) = &e.zone {
            out.push_str(" in ");
            out.push_str(zone);
        }
    }
}

/// `items`, each written by `write`, with `sep` between them.
fn join_into<T>(out: &mut String, sep: &str, items: &[T], write: impl Fn(&mut String, &T)) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        write(out, item);
    }
}

fn citations(cites: &[ReportCitation]) -> String {
    let mut text = String::new();
    citations_into(&mut text, cites);
    text
}

fn citations_with_notes(cites: &[ReportCitation]) -> String {
    let mut text = String::new();
    citations_with_notes_into(&mut text, cites);
    text
}

/// "s1 B2, s2 C3".
fn citations_into(out: &mut String, cites: &[ReportCitation]) {
    join_into(out, ", ", cites, |out, c| {
        out.push_str(c.source);
        out.push(' ');
        out.push_str(&c.admiralty);
    });
}

/// "s1 (Publisher) B2: note; s2 (Other) C3".
fn citations_with_notes_into(out: &mut String, cites: &[ReportCitation]) {
    join_into(out, "; ", cites, |out, c| {
        out.push_str(c.source);
        out.push_str(" (");
        out.push_str(c.publisher);
        out.push_str(") ");
        out.push_str(&c.admiralty);
        if let Some(note) = &c.note {
            out.push_str(": ");
            out.push_str(note);
        }
    });
}

/// "SC-8 failed, AC-1 held".
fn effects_into(out: &mut String, links: &[ReportLink]) {
    join_into(out, ", ", links, |out, l| {
        out.push_str(l.control);
        out.push(' ');
        out.push_str(l.effect.name());
    });
}

/// "SC-8 failed (note); AC-1 held".
fn effects_with_notes_into(out: &mut String, links: &[ReportLink]) {
    join_into(out, "; ", links, |out, l| {
        out.push_str(l.control);
        out.push(' ');
        out.push_str(l.effect.name());
        if let Some(note) = &l.note {
            out.push_str(" (");
            out.push_str(note);
            out.push(')');
        }
    });
}

fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Record text as one table cell: one line, escaped.
pub(crate) fn cell(text: &str) -> String {
    escape_text(text)
}

/// Record text on one line: whitespace runs (newlines too) become one space.
pub(super) fn one_line(text: &str) -> String {
    // Most record text is one line already: copied as it is, without
    // splitting it into words and joining them again.
    if is_one_line(text) {
        return text.to_string();
    }
    words(text).collect::<Vec<_>>().join(" ")
}

/// Whether [`one_line`] leaves `text` as it is: single spaces between
/// words, none at either end, no other whitespace and nothing to replace.
fn is_one_line(text: &str) -> bool {
    let mut after_space = true;
    for c in text.chars() {
        if c == ' ' {
            if after_space {
                return false;
            }
            after_space = true;
        } else if c.is_whitespace() || needs_replacing(c) {
            return false;
        } else {
            after_space = false;
        }
    }
    !after_space || text.is_empty()
}

/// Escaped record text as one line (for headings and cells).
fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_text_into(text, &mut out);
    out
}

/// [`escape_text`], appended to `out`.
fn escape_text_into(text: &str, out: &mut String) {
    for (i, w) in words(text).enumerate() {
        if i > 0 {
            out.push(' ');
        }
        escape_word_into(&w, out);
    }
}

/// Words of record text, with characters that have no business in a report
/// (controls, non-characters) shown as U+FFFD. Borrowed unless a word needs
/// a replacement: a large report has millions of words.
fn words(text: &str) -> Words<'_> {
    // Most record text is ASCII with nothing to replace: split it byte by
    // byte, with one check of the whole text instead of one per character.
    let clean_ascii = text
        .bytes()
        .all(|b| b.is_ascii() && !ascii_needs_replacing(b));
    if clean_ascii {
        Words::Ascii(text)
    } else {
        Words::Any(text.split(char::is_whitespace as fn(char) -> bool))
    }
}

/// An iterator of [`words`].
enum Words<'a> {
    /// ASCII text with no control characters but white space: what is left.
    Ascii(&'a str),
    Any(std::str::Split<'a, fn(char) -> bool>),
}

impl<'a> Iterator for Words<'a> {
    type Item = Cow<'a, str>;

    fn next(&mut self) -> Option<Cow<'a, str>> {
        match self {
            Words::Ascii(rest) => {
                let bytes = rest.as_bytes();
                let start = bytes.iter().position(|&b| !ascii_white_space(b))?;
                let len = bytes[start..]
                    .iter()
                    .position(|&b| ascii_white_space(b))
                    .unwrap_or(bytes.len() - start);
                let word = &rest[start..start + len];
                *rest = &rest[start + len..];
                Some(Cow::Borrowed(word))
            }
            Words::Any(split) => split.find(|w| !w.is_empty()).map(|w| {
                if w.chars().any(needs_replacing) {
                    Cow::Owned(visible(w))
                } else {
                    Cow::Borrowed(w)
                }
            }),
        }
    }
}

/// The ASCII characters `char::is_whitespace` takes for white space.
fn ascii_white_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ')
}

/// [`needs_replacing`] for an ASCII character.
fn ascii_needs_replacing(b: u8) -> bool {
    (b < 0x20 && !ascii_white_space(b)) || b == 0x7f
}

fn needs_replacing(c: char) -> bool {
    let nonchar = matches!(c as u32, 0xFDD0..=0xFDEF) || (c as u32 & 0xFFFE) == 0xFFFE;
    (c.is_control() && !c.is_whitespace()) || nonchar
}

/// Replaces control characters and non-characters by U+FFFD.
pub(super) fn visible(text: &str) -> String {
    text.chars()
        .map(|c| {
            let nonchar = matches!(c as u32, 0xFDD0..=0xFDEF) || (c as u32 & 0xFFFE) == 0xFFFE;
            if (c.is_control() && !c.is_whitespace()) || nonchar {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect()
}

/// Escapes one word of record text so that it reads back as itself: no
/// emphasis, code, links, HTML, table cells, entities, autolinks or math.
/// The bytes that may need escaping in a word (see [`escape_word_into`]).
const SPECIAL: [bool; 256] = {
    let mut table = [false; 256];
    let special = b"\\`*_[]<>|~$@&:.";
    let mut i = 0;
    while i < special.len() {
        table[special[i] as usize] = true;
        i += 1;
    }
    table
};

#[cfg(test)]
fn escape_word(word: &str) -> String {
    let mut out = String::new();
    escape_word_into(word, &mut out);
    out
}

/// [`escape_word`], appending to `out`: a large report escapes millions of
/// words, so no word gets an allocation of its own. Every byte that may
/// need a backslash is ASCII, so the word is walked byte by byte and the
/// runs between escapes are copied whole.
fn escape_word_into(word: &str, out: &mut String) {
    let bytes = word.as_bytes();
    let mut copied = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if !SPECIAL[usize::from(b)] {
            continue;
        }
        let escape = match b {
            // Entity and character references: `&amp;`, `&#60;`.
            b'&' => bytes
                .get(i + 1)
                .is_some_and(|&n| n == b'#' || n.is_ascii_alphanumeric()),
            // Autolink literals: `https://…`, `www.…`.
            b':' => bytes[i + 1..].starts_with(b"//"),
            b'.' => {
                i >= 3
                    && bytes[i - 3..i].eq_ignore_ascii_case(b"www")
                    && !word[..i - 3]
                        .chars()
                        .next_back()
                        .is_some_and(char::is_alphanumeric)
            }
            _ => true,
        };
        if escape {
            out.push_str(&word[copied..i]);
            out.push('\\');
            copied = i;
        }
    }
    out.push_str(&word[copied..]);
}

/// Guards a word that starts a line of a paragraph or list item, where `#`,
/// `-`, `+`, `=` or `1.` would start a heading, list or rule.
fn guard_line_start(word: &str) -> Cow<'_, str> {
    if word.starts_with(['#', '-', '+', '=']) {
        return Cow::Owned(format!("\\{word}"));
    }
    let digits = word.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && word[digits..].starts_with(['.', ')']) {
        return Cow::Owned(format!("{}\\{}", &word[..digits], &word[digits..]));
    }
    Cow::Borrowed(word)
}

/// A code span that holds `text` whatever backticks it contains.
fn code_span(text: &str) -> String {
    if text.trim().is_empty() {
        return "(empty)".into();
    }
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let text: String = text
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    if text.starts_with('`') || text.ends_with('`') || text.starts_with(' ') {
        format!("{fence} {text} {fence}")
    } else {
        format!("{fence}{text}{fence}")
    }
}

/// The anchor GitHub (and markdownlint's MD051) give a heading: lower case,
/// letters, digits, `-` and `_` kept, spaces turned into `-`.
fn slug(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter(|&c| c.is_alphanumeric() || c == '-' || c == '_' || c == ' ')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The slug of the heading `kind id`, appended to `out`; an ASCII id (the
/// usual kind) byte by byte, without making the heading first.
fn slug_into(out: &mut String, kind: &str, id: &str) {
    if !(kind.is_ascii() && id.is_ascii()) {
        out.push_str(&slug(&format!("{kind} {id}")));
        return;
    }
    for b in kind.bytes().chain([b' ']).chain(id.bytes()) {
        match b {
            b' ' => out.push('-'),
            b'-' | b'_' => out.push(char::from(b)),
            b if b.is_ascii_alphanumeric() => out.push(char::from(b.to_ascii_lowercase())),
            _ => {}
        }
    }
}

/// A word of [`Inline`] that ends its line with a hard break. Record text
/// is split at whitespace, so no word of it is this.
const LINE_BREAK: &str = "\n";
/// A word of [`Inline`] that ends its paragraph (inside a list item).
const PARAGRAPH_BREAK: &str = "\n\n";

/// Inline Markdown as words that wrapping keeps whole. Words that come from
/// record text are escaped; a word may still start a line, so wrapping
/// guards it (see [`guard_line_start`]).
#[derive(Default)]
struct Inline {
    /// The words, back to back.
    buf: String,
    /// Where each word ends in `buf`.
    ends: Vec<usize>,
}

impl Inline {
    /// Ends the word written into `buf` since the last one.
    fn end_word(&mut self) {
        if self.ends.last().is_none_or(|&e| e < self.buf.len()) {
            self.ends.push(self.buf.len());
        }
    }

    fn push_word(&mut self, word: &str) {
        self.buf.push_str(word);
        self.end_word();
    }

    /// The words, in order.
    fn words(&self) -> impl Iterator<Item = &str> + '_ {
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let word = &self.buf[start..end];
            start = end;
            word
        })
    }

    /// A bold label such as `**Title:**`.
    fn label(label: &str) -> Self {
        let mut inline = Inline::default();
        inline.push_label(label);
        inline
    }

    /// `**label**` as one word.
    fn push_label(&mut self, label: &str) {
        self.buf.push_str("**");
        self.buf.push_str(label);
        self.buf.push_str("**");
        self.end_word();
    }

    /// A portion mark, `(NR)`, as [`Inline::raw`] writes [`portion`].
    fn portion(mut self, marking: &Marking) -> Self {
        let start = self.buf.len();
        portion_into(&mut self.buf, marking);
        if self.buf[start..].contains(' ') {
            let md = self.buf.split_off(start);
            return self.raw(&md);
        }
        self.end_word();
        self
    }

    /// Empties it for another use, keeping its memory.
    fn clear(&mut self) {
        self.buf.clear();
        self.ends.clear();
    }

    /// Markdown written here, split at spaces.
    fn raw(mut self, md: &str) -> Self {
        for w in md.split(' ').filter(|w| !w.is_empty()) {
            self.push_word(w);
        }
        self
    }

    /// Markdown written here that wrapping must not break (a code span,
    /// whose fence could otherwise start a line on its own).
    fn token(mut self, md: String) -> Self {
        self.push_word(&md);
        self
    }

    /// Record text, escaped.
    fn text(mut self, text: &str) -> Self {
        for w in words(text) {
            escape_word_into(&w, &mut self.buf);
            self.end_word();
        }
        self
    }

    /// Lines of record text, escaped, with a hard break between them.
    fn lines(mut self, lines: &[&str]) -> Self {
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                self.push_word(LINE_BREAK);
            }
            self = self.text(line);
        }
        self
    }

    /// Paragraphs of record text (see [`paragraph_lines`]) inside one
    /// block, such as a list item: a blank line between them.
    fn paragraphs(mut self, paragraphs: &[Vec<&str>]) -> Self {
        for (i, lines) in paragraphs.iter().enumerate() {
            if i > 0 {
                self.push_word(PARAGRAPH_BREAK);
            }
            self = self.lines(lines);
        }
        self
    }

    /// Record text in bold.
    fn strong(mut self, text: &str) -> Self {
        let mut any = false;
        for w in words(text) {
            if !any {
                self.buf.push_str("**");
                any = true;
            }
            escape_word_into(&w, &mut self.buf);
            self.end_word();
        }
        if any {
            // Close the bold on the last word.
            self.ends.pop();
            self.buf.push_str("**");
            self.end_word();
        }
        self
    }

    fn label_text(self, label: &str, text: &str) -> Self {
        self.raw(&format!("**{label}**")).text(text)
    }

    /// Links to the headings of `kind` (`Event E1`), comma-separated.
    fn links(mut self, doc: &Doc, kind: &'static str, ids: &[&str]) -> Self {
        let last = ids.len().saturating_sub(1);
        for (i, id) in ids.iter().enumerate() {
            let sep = if i < last { "," } else { "" };
            self.push_word(&format!("{}{sep}", doc.link(kind, id)));
        }
        self
    }
}

/// The document being written: blocks separated by one blank line. With a
/// sink, the text goes out there whenever [`FLUSH_AT`] bytes are waiting,
/// so that `out` is a buffer reused, not the document.
struct Doc<'a> {
    out: String,
    anchors: &'a Anchors<'a>,
    sink: Option<&'a mut dyn std::io::Write>,
    /// Whether any block has gone out to the sink already.
    flushed: bool,
    /// The sink's first error; nothing more is written after it.
    error: Option<std::io::Error>,
    /// Text put together before it is escaped (a list item's words), kept
    /// from one use to the next.
    scratch: String,
    /// Inlines written out, kept for the next blocks: the events section of
    /// a large report writes millions of them.
    spare: Vec<Inline>,
    /// A list's items, kept likewise.
    spare_items: Vec<Inline>,
}

/// How much text a [`Doc`] with a sink holds before it writes it out.
const FLUSH_AT: usize = 64 * 1024;

/// The anchors of the `Kind id` headings, numbered as GitHub numbers repeats
/// (`event-e1`, `event-e1-1`), known before the headings are written so
/// that the timeline can link to them. Only the anchors that are not the
/// slug of their heading are kept: a link to any other works its anchor
/// out ([`link_into`]), and a report of 100,000 events keeps no string per
/// event for it.
struct Anchors<'r> {
    numbered: HashMap<(&'static str, &'r str), String>,
}

/// A link to the heading `kind id`, appended to `out`.
fn link_into(anchors: &Anchors, out: &mut String, kind: &'static str, id: &str) {
    out.push('[');
    escape_text_into(id, out);
    out.push_str("](#");
    match (!anchors.numbered.is_empty())
        .then(|| anchors.numbered.get(&(kind, id)))
        .flatten()
    {
        Some(anchor) => out.push_str(anchor),
        None => slug_into(out, kind, id),
    }
    out.push(')');
}

impl<'a> Doc<'a> {
    fn new(anchors: &'a Anchors<'a>, capacity: usize) -> Self {
        Doc {
            out: String::with_capacity(capacity),
            anchors,
            sink: None,
            flushed: false,
            error: None,
            scratch: String::new(),
            spare: Vec::new(),
            spare_items: Vec::new(),
        }
    }

    /// Renders `items` in order, each by `render`. With a sink the items
    /// are rendered `per_chunk` at a time on every core and written out in
    /// order ([`super::chunks::write_in_order`]); the text is the same.
    fn run<T: Sync>(
        &mut self,
        items: &[T],
        per_chunk: usize,
        render: impl Fn(&mut Doc, &T) + Sync,
    ) {
        if self.sink.is_none() || items.len() <= per_chunk {
            for item in items {
                render(self, item);
            }
            return;
        }
        self.flush();
        if self.error.is_some() {
            return;
        }
        let anchors = self.anchors;
        let Some(sink) = self.sink.as_mut() else {
            return;
        };
        let written = super::chunks::write_in_order(
            items,
            per_chunk,
            &mut **sink,
            |chunk, _, buffer: &mut String| {
                let mut doc = Doc::new(anchors, 0);
                doc.out = std::mem::take(buffer);
                // Every item follows a block (the section's heading).
                doc.flushed = true;
                for item in chunk {
                    render(&mut doc, item);
                }
                *buffer = doc.out;
                Ok::<(), std::convert::Infallible>(())
            },
        );
        match written {
            Ok(()) => {}
            Err(super::chunks::ChunkError::Write(e)) => self.error = Some(e),
            Err(super::chunks::ChunkError::Render(never)) => match never {},
        }
        self.flushed = true;
    }

    /// An inline to build, from the spare ones.
    fn inline(&mut self) -> Inline {
        self.spare.pop().unwrap_or_default()
    }

    /// [`Inline::label`], from the spare ones.
    fn labelled(&mut self, label: &str) -> Inline {
        let mut inline = self.inline();
        inline.push_label(label);
        inline
    }

    /// A list of items to fill, from the spare one.
    fn items(&mut self) -> Vec<Inline> {
        std::mem::take(&mut self.spare_items)
    }

    /// Keeps a written inline for the next.
    fn recycle(&mut self, mut inline: Inline) {
        // A few dozen are all a block uses at once.
        if self.spare.len() < 64 {
            inline.clear();
            self.spare.push(inline);
        }
    }
}

impl Doc<'_> {
    fn anchors<'r>(report: &'r Report) -> Anchors<'r> {
        let headings = report
            .events
            .iter()
            .map(|e| ("Event", e.id))
            .chain(report.claims.iter().map(|c| ("Claim", c.id)))
            .chain(report.findings.iter().map(|f| ("Finding", f.id)));
        // The title is the first heading: one that reads "Finding F1"
        // takes that anchor, and the finding's heading gets the next.
        let mut seen: HashMap<String, usize> =
            HashMap::from([(slug(&one_line(&report.record.title)), 1)]);
        // The first heading of a kind and id is the one its links point at.
        let mut assigned = std::collections::HashSet::with_capacity(report.events.len());
        let mut numbered = HashMap::new();
        let mut base = String::new();
        for (kind, id) in headings {
            base.clear();
            slug_into(&mut base, kind, id);
            let count = seen.get(base.as_str()).copied().unwrap_or(0);
            let first = assigned.insert((kind, id));
            if count > 0 {
                let anchor = format!("{base}-{count}");
                seen.entry(anchor.clone()).or_insert(0);
                if first {
                    numbered.insert((kind, id), anchor);
                }
            }
            seen.insert(base.clone(), count + 1);
        }
        Anchors { numbered }
    }

    fn block(&mut self) {
        if self.out.len() >= FLUSH_AT {
            self.flush();
        }
        if self.flushed || !self.out.is_empty() {
            self.out.push('\n');
        }
    }

    /// Writes what is waiting to the sink, if there is one.
    fn flush(&mut self) {
        let Some(sink) = self.sink.as_mut() else {
            return;
        };
        if self.error.is_none()
            && let Err(e) = sink.write_all(self.out.as_bytes())
        {
            self.error = Some(e);
        }
        self.flushed |= !self.out.is_empty();
        self.out.clear();
    }

    /// Writes the rest to the sink and says whether all of it went out.
    fn finish(mut self) -> std::io::Result<()> {
        self.flush();
        match self.error.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    fn heading(&mut self, level: usize, md: &str) {
        self.heading_start(level);
        self.out.push_str(md);
        self.out.push('\n');
    }

    fn heading_start(&mut self, level: usize) {
        self.block();
        for _ in 0..level {
            self.out.push('#');
        }
        self.out.push(' ');
    }

    /// `### Event E1`, whose anchor [`Doc::link`] points at.
    fn anchored_heading(&mut self, level: usize, kind: &'static str, id: &str) {
        self.heading_start(level);
        self.out.push_str(kind);
        self.out.push(' ');
        escape_text_into(id, &mut self.out);
        self.out.push('\n');
    }

    /// A link to the heading `kind id`.
    fn link(&self, kind: &'static str, id: &str) -> String {
        let mut text = String::new();
        self.link_into(&mut text, kind, id);
        text
    }

    /// [`Doc::link`], appended to `out`.
    fn link_into(&self, out: &mut String, kind: &'static str, id: &str) {
        link_into(self.anchors, out, kind, id);
    }

    /// A directive to markdownlint about the next line, in an HTML comment
    /// (which GitHub does not show), with the next block right under it.
    fn directive(&mut self, rule: &str, next: impl FnOnce(&mut Self)) {
        let mut part = Doc::new(self.anchors, 128);
        next(&mut part);
        self.block();
        self.out
            .push_str(&format!("<!-- markdownlint-disable-next-line {rule} -->\n"));
        self.out.push_str(&part.out);
    }

    fn para(&mut self, inline: Inline) {
        self.block();
        wrap(&mut self.out, "", "", inline.words());
        self.recycle(inline);
    }

    fn list(&mut self, mut items: Vec<Inline>) {
        self.block();
        for item in items.drain(..) {
            wrap(&mut self.out, "- ", "  ", item.words());
            self.recycle(item);
        }
        if items.capacity() > self.spare_items.capacity() {
            self.spare_items = items;
        }
    }

    /// A list whose items may hold a list of their own.
    fn nested_list(&mut self, items: Vec<(Inline, Vec<Inline>)>) {
        self.block();
        for (item, sub) in items {
            wrap(&mut self.out, "- ", "  ", item.words());
            for sub in sub {
                wrap(&mut self.out, "  - ", "    ", sub.words());
            }
        }
    }

    /// A table's header; its rows follow with [`Doc::table_row`].
    fn table_head(&mut self, header: &[&str]) {
        self.block();
        self.table_line(header.iter().copied());
        self.table_line(header.iter().map(|_| "---"));
    }

    fn table_row(&mut self, cells: &[String]) {
        self.table_line(cells.iter().map(String::as_str));
        self.flush_if_full();
    }

    /// A table of 100,000 rows is one block: it goes out as it grows.
    fn flush_if_full(&mut self) {
        if self.out.len() >= FLUSH_AT {
            self.flush();
        }
    }

    fn table_line<'c>(&mut self, cells: impl Iterator<Item = &'c str>) {
        self.out.push('|');
        for cell in cells {
            self.out.push(' ');
            if !cell.is_empty() {
                self.out.push_str(cell);
                self.out.push(' ');
            }
            self.out.push('|');
        }
        self.out.push('\n');
    }
}

/// Columns as markdownlint counts them (UTF-16 units); ASCII needs no
/// re-encoding.
fn width(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.encode_utf16().count()
    }
}

/// Writes `words` as lines of at most [`WIDTH`] columns (counted as
/// markdownlint counts them, in UTF-16 units); a word longer than a line
/// gets a line of its own, which MD013 allows.
pub(crate) fn wrap<'w>(
    out: &mut String,
    first: &str,
    rest: &str,
    words: impl Iterator<Item = &'w str>,
) {
    let line_start = out.len();
    out.push_str(first);
    // Written straight into `out`, the line's width kept as it grows.
    let mut line_width = width(first);
    let mut empty = true;
    let mut words = words.peekable();
    while let Some(word) = words.next() {
        if word == LINE_BREAK || word == PARAGRAPH_BREAK {
            if empty {
                continue;
            }
            if word == LINE_BREAK {
                out.push('\\');
            } else {
                // The blank line holds nothing, not even the indent.
                out.push('\n');
            }
            out.push('\n');
            out.push_str(rest);
            line_width = width(rest);
            empty = true;
            continue;
        }
        let word_width = width(word);
        // A hard break after this word puts its backslash on this line.
        let tail = usize::from(words.peek() == Some(&LINE_BREAK));
        if empty {
            let guarded = guard_line_start(word);
            line_width += width(&guarded);
            out.push_str(&guarded);
            empty = false;
        } else if line_width + 1 + word_width + tail <= WIDTH {
            out.push(' ');
            out.push_str(word);
            line_width += 1 + word_width;
        } else {
            out.push('\n');
            out.push_str(rest);
            let guarded = guard_line_start(word);
            out.push_str(&guarded);
            line_width = width(rest) + width(&guarded);
        }
    }
    // A line with no words keeps no trailing space ("- " alone is "-").
    while out.len() > line_start && out.ends_with(' ') {
        out.pop();
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `words` gives, the slow way: split at every white space
    /// character, replace controls and non-characters in each word.
    fn words_the_slow_way(text: &str) -> Vec<String> {
        text.split(char::is_whitespace)
            .filter(|w| !w.is_empty())
            .map(visible)
            .collect()
    }

    #[test]
    fn words_split_ascii_and_any_text_at_the_same_places() {
        for text in [
            "",
            "   ",
            "plain words, two  spaces\tand a tab\n",
            "vertical\x0btab and form\x0cfeed\r\nend",
            "a control\x01inside and \x1f and \x7f",
            "no-break\u{a0}space, em\u{2003}space, next\u{85}line",
            "caf\u{e9} \u{fdd0} \u{fffe}x",
            " leading and trailing ",
        ] {
            let fast: Vec<String> = words(text).map(Cow::into_owned).collect();
            assert_eq!(fast, words_the_slow_way(text), "{text:?}");
        }
    }

    /// The escaper as it was first written, character by character: the
    /// byte-wise one must agree with it.
    fn escape_word_the_slow_way(word: &str) -> String {
        let mut out = String::new();
        let chars: Vec<char> = word.chars().collect();
        for (i, &c) in chars.iter().enumerate() {
            let next = chars.get(i + 1).copied();
            let escape = match c {
                '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '$' | '@' => true,
                '&' => next.is_some_and(|n| n == '#' || n.is_ascii_alphanumeric()),
                ':' => chars[i + 1..].starts_with(&['/', '/']),
                '.' => {
                    i >= 3
                        && chars[i - 3..i]
                            .iter()
                            .collect::<String>()
                            .eq_ignore_ascii_case("www")
                        && (i == 3 || !chars[i - 4].is_alphanumeric())
                }
                _ => false,
            };
            if escape {
                out.push('\\');
            }
            out.push(c);
        }
        out
    }

    #[test]
    fn words_are_escaped_as_the_slow_way_escapes_them() {
        for word in [
            "",
            "www.",
            "WwW.x",
            "xwww.y",
            "éwww.x",
            "-www.x",
            "ww.",
            "a.www.b",
            "https://x",
            "a:/",
            "a:",
            "&",
            "&a",
            "&#",
            "&é",
            "&&a",
            "\\*_[]<>|~$@",
            "Größe.",
            "日本www.x",
            "1www.x",
            "ⅷwww.x",
        ] {
            assert_eq!(
                escape_word(word),
                escape_word_the_slow_way(word),
                "{word:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn escaping_is_the_slow_ways(word in "[a-zA-Z0-9wW.:/&#*_é日ⅷ\\\\`<>|~$@-]{0,24}") {
            proptest::prop_assert_eq!(escape_word(&word), escape_word_the_slow_way(&word));
        }
    }

    proptest::proptest! {
        #[test]
        fn words_are_the_slow_ways_words(text in "[ -~\t\n\x0b\x0c\r\x00-\x1f\x7f\u{a0}\u{2003}é]{0,40}") {
            let fast: Vec<String> = words(&text).map(Cow::into_owned).collect();
            proptest::prop_assert_eq!(fast, words_the_slow_way(&text));
        }
    }

    #[test]
    fn one_line_copies_clean_text_and_rewrites_the_rest_the_same_way() {
        for text in [
            "",
            " ",
            "a",
            "a b",
            " a",
            "a ",
            "a  b",
            "a\nb",
            "a\tb",
            "a\u{1b}b",
            "a\u{a0}b",
            "\u{FFFE}",
            "Größe Прослушка",
            "a b c",
        ] {
            let slow = words(text).collect::<Vec<_>>().join(" ");
            assert_eq!(one_line(text), slow, "{text:?}");
        }
        assert!(is_one_line("a b") && is_one_line(""));
        assert!(!is_one_line("a  b") && !is_one_line(" a") && !is_one_line("a\nb"));
    }

    #[test]
    fn record_text_cannot_become_markup() {
        assert_eq!(escape_word("*bold*"), r"\*bold\*");
        assert_eq!(escape_word("a|b"), r"a\|b");
        assert_eq!(escape_word("<script>"), r"\<script\>");
        assert_eq!(escape_word("[x](y)"), r"\[x\](y)");
        assert_eq!(escape_word("https://x.org"), r"https\://x.org");
        assert_eq!(escape_word("www.x.org"), r"www\.x.org");
        assert_eq!(escape_word("&amp;"), r"\&amp;");
        assert_eq!(escape_word("&"), "&");
        assert_eq!(escape_word("Wi-Fi"), "Wi-Fi");
    }

    #[test]
    fn words_that_start_a_line_cannot_start_a_block() {
        assert_eq!(guard_line_start("#"), r"\#");
        assert_eq!(guard_line_start("-"), r"\-");
        assert_eq!(guard_line_start("1."), r"1\.");
        assert_eq!(guard_line_start("12)"), r"12\)");
        assert_eq!(guard_line_start("2024-02-19"), "2024-02-19");
    }

    #[test]
    fn wrapping_keeps_lines_within_eighty_columns() {
        let words: Vec<String> = "word ".repeat(40).split(' ').map(String::from).collect();
        let mut out = String::new();
        wrap(
            &mut out,
            "- ",
            "  ",
            words.iter().map(String::as_str).filter(|w| !w.is_empty()),
        );
        assert!(out.lines().all(|l| l.len() <= WIDTH), "{out}");
        assert!(out.lines().skip(1).all(|l| l.starts_with("  word")));
    }

    #[test]
    fn code_spans_hold_backticks() {
        assert_eq!(code_span("sha256:ab"), "`sha256:ab`");
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`a"), "`` `a ``");
    }

    #[test]
    fn only_plain_web_addresses_are_linked() {
        let linkable = web_address::is_linkable;
        assert!(linkable("https://de.wikipedia.org/wiki/Taurus-Abhörfall"));
        assert!(linkable(
            "https://gopherproxy.meulie.net/taz.de/1/%215996669"
        ));
        assert!(!linkable("https://x.org/\"><script>"));
        assert!(!linkable("javascript:alert(1)"));
        assert!(!linkable("https://"));
        assert!(!linkable("https://bank.example@evil.example/"));
        assert!(!linkable("https://exаmple.org/"));
    }

    #[test]
    fn a_title_that_reads_like_a_heading_takes_its_anchor_first() {
        let record: crate::model::Record = crate::load::parse(
            r#"(schema: 1, id: "r", title: "Finding F1", summary: "S",
            classification: (scheme: Nato, level: Unclassified), tlp: "GREEN",
            events: [(id: "E1", at: "2024-01-01", fidelity: Day, title: "t", narrative: "n",
                portion: Unclassified)])"#,
        )
        .expect("record");
        let review: crate::model::Review = crate::load::parse(
            r#"(schema: 1, record: "r",
            findings: [(id: "F1", title: "f", statement: "s", kind: RootCause, severity: Low,
                likelihood: Likely, confidence: Low, events: ["E1"], portion: Unclassified)],
            recommendations: [(id: "R1", finding: "F1", action: "a", owner: "o", status: Planned)])"#,
        )
        .expect("review");
        let report = crate::report::build(&record, &review, &Default::default());
        let text = render(&report);
        assert!(text.contains("\n# Finding F1\n"), "{text}");
        assert!(
            text.contains("[F1](#finding-f1-1)"),
            "the recommendation links the finding, not the title:\n{text}"
        );
    }

    #[test]
    fn slugs_follow_github() {
        assert_eq!(slug("Event E1"), "event-e1");
        assert_eq!(slug("Event SC-8(1).x_y"), "event-sc-81x_y");
        for id in [
            "E1",
            "SC-8(1).x_y",
            "A b\tc",
            "Größe",
            "ΟΔΟΣ",
            "x\u{1b}y",
            "",
        ] {
            let mut fast = String::new();
            slug_into(&mut fast, "Event", id);
            assert_eq!(fast, slug(&format!("Event {id}")), "{id:?}");
        }
    }

    #[test]
    fn a_heading_the_title_took_links_to_its_numbered_anchor() {
        let record: crate::model::Record = crate::load::parse(
            r#"(schema: 1, id: "r", title: "Event E1", summary: "S",
            classification: (scheme: Nato, level: Unclassified), tlp: "GREEN",
            events: [
                (id: "E1", at: "2024-01-01", fidelity: Day, title: "t", narrative: "n",
                 portion: Unclassified),
                (id: "E2", at: "2024-01-02", fidelity: Day, title: "u", narrative: "n",
                 portion: Unclassified),
            ])"#,
        )
        .expect("record");
        let review = crate::model::Review::new("r");
        let report = crate::report::build(&record, &review, &Default::default());
        let text = render(&report);
        // The title took `event-e1`: E1 is numbered, E2 keeps its slug.
        assert!(text.contains("[E1](#event-e1-1)"), "{text}");
        assert!(text.contains("[E2](#event-e2)"), "{text}");
    }

    /// The writer renders long runs in chunks on every core; the text must
    /// be the serial rendering's, byte for byte, whole and as a brief, with
    /// events enough for many chunks and an id whose anchor is numbered.
    #[test]
    fn the_chunked_writer_writes_the_serial_text() {
        let mut text = crate::export::json::tests::record_of(3_000);
        // A title that takes event E7's anchor: E7's links must follow it.
        text = text.replacen(r#"title: "T""#, r#"title: "Event E7""#, 1);
        let record: crate::model::Record = crate::load::parse(&text).expect("record");
        let review: crate::model::Review = crate::load::parse(
            r#"(schema: 1, record: "r",
            findings: [(id: "F1", title: "f", kind: RootCause, severity: High, statement: "s",
                likelihood: Likely, confidence: Low, events: ["E1", "E2999"], portion: Unclassified)],
            recommendations: [(id: "R1", finding: "F1", action: "a", owner: "o", status: Planned)])"#,
        )
        .expect("review");
        let report = crate::report::build(&record, &review, &Default::default());
        assert_eq!(report.events.len(), 3_000);
        for variant in [Variant::Full, Variant::Brief] {
            let serial = render_as(&report, variant);
            let mut written = Vec::new();
            write_as(&report, variant, &mut written).expect("write");
            assert!(
                written == serial.as_bytes(),
                "{variant:?}: the chunked text differs from the serial text"
            );
        }
        let full = render_as(&report, Variant::Full);
        assert!(
            full.contains("[E7](#event-e7-1)"),
            "E7 links to its numbered anchor"
        );
        assert!(full.contains("### Event E2999\n"));
    }
}
