//! Self-contained HTML export: one file with its stylesheet inline, no script,
//! nothing fetched. The page is an askama template
//! (`assets/templates/report.html`), which escapes every value it is given;
//! this module only prepares those values. Nothing here is marked safe, so
//! record text always lands in the page as text.
//!
//! Screen: one column that reflows down to a phone's width; only the wide
//! tables (the timeline, the control-by-event matrix) and the timeline
//! figure scroll, each inside its own box.
//!
//! Print: the banner is repeated at the top and bottom of every page
//! (`position: fixed` in the print stylesheet, with room kept for it by the
//! header and footer rows of a frame table, which browsers repeat on every
//! page; on screen the frame is laid out as plain blocks). The page is A4
//! or Letter ([`Paper`]), numbered "page N of M" in its bottom margin where
//! the browser draws page-margin boxes, with table headers repeated.
//!
//! The timeline figure is an inline SVG laid out by [`super::figure`] and
//! drawn by its own partial, `assets/templates/timeline-figure.svg`.
//!
//! The long runs of a large report (the timeline's rows, the matrix and the
//! events, most of a page of 100,000 events) are not left to the template:
//! [`Page::run`] writes them on every core ([`super::chunks`]), straight
//! from the report into reused buffers, escaping each value as askama does
//! ([`push_line`]), and the template marks that text safe. Their output is
//! the same bytes the template's loops wrote.

use std::collections::HashSet;
use std::convert::Infallible;
use std::{fmt, io};

use askama::Template;
use chrono::SecondsFormat;

use super::chunks::{self, Buffer};
use super::figure::Figure;
use super::markdown::{effect_code, likelihood_words, one_line, rested_effects};
use super::{ExportError, Paper};
use super::{Variant, paragraph_lines};
use crate::model::{Effect, Level, Tlp, web_address};
use crate::report::{
    Marking, Report, ReportCitation, ReportClaim, ReportEvent, ReportFinding, ReportIndex,
    SignOffStatus,
};

pub fn render(report: &Report) -> Result<String, ExportError> {
    render_as(report, Variant::Full)
}

/// The page, whole or as a brief (see [`Variant`]), for A4 paper.
pub fn render_as(report: &Report, variant: Variant) -> Result<String, ExportError> {
    render_on(report, variant, Paper::default())
}

/// The page, whole or as a brief, printed on `paper`.
pub fn render_on(report: &Report, variant: Variant, paper: Paper) -> Result<String, ExportError> {
    let mut bytes = Vec::new();
    write_on(report, variant, paper, &mut bytes)?;
    String::from_utf8(bytes).map_err(|e| ExportError::Render {
        format: "HTML",
        message: e.to_string(),
    })
}

/// Writes the page, whole or as a brief, printed on `paper`, into `out` as
/// it renders: the views of the events, the matrix rows and the rest are
/// made one at a time as the template reaches them.
pub fn write_on(
    report: &Report,
    variant: Variant,
    paper: Paper,
    out: &mut dyn std::io::Write,
) -> Result<(), ExportError> {
    // The template's text and the long runs both go to `out`, in order,
    // the runs without passing through the template's `fmt::Write`.
    let out = Out {
        writer: std::cell::RefCell::new(out),
        error: std::cell::RefCell::new(None),
    };
    let page = Page::new(report, variant, paper, &out);
    let mut text = OutText(&out);
    page.render_into(&mut text)
        .map_err(|e| match out.error.take() {
            Some(e) => ExportError::Output(e),
            // Not the writer's: the template's own.
            None => ExportError::Render {
                format: "HTML",
                message: e.to_string(),
            },
        })
}

/// Where [`write_on`] writes, shared by the template's text ([`OutText`])
/// and the long runs ([`RunWriter`]), and the first error writing it.
struct Out<'o> {
    writer: std::cell::RefCell<&'o mut dyn io::Write>,
    error: std::cell::RefCell<Option<io::Error>>,
}

impl Out<'_> {
    fn write(&self, bytes: &[u8]) -> io::Result<()> {
        self.writer.borrow_mut().write_all(bytes)
    }

    fn failed(&self, error: io::Error) {
        self.error.borrow_mut().get_or_insert(error);
    }
}

/// The template's text, on its way to [`Out`].
struct OutText<'r, 'o>(&'r Out<'o>);

impl fmt::Write for OutText<'_, '_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        self.0.write(text.as_bytes()).map_err(|e| {
            self.0.failed(e);
            fmt::Error
        })
    }
}

#[derive(Template)]
#[template(path = "report.html")]
struct Page<'a> {
    report: &'a Report<'a>,
    index: Index<'a>,
    title: String,
    record_title: String,
    banner: Banner,
    generator: String,
    generated: String,
    /// A brief: the summary, the judgements, the recommendations and the
    /// sources the judgements cite; none of the supporting sections.
    brief: bool,
    /// The CSS `@page` size: `A4` or `letter`.
    page_size: &'static str,
    /// The timeline figure, above the timeline table (none in a brief).
    figure: Option<Figure>,
    period: String,
    /// The facts of the summary after the period and the sign-off.
    facts: Vec<Fact>,
    withheld: String,
    summary: Vec<Paragraph>,
    signoff: Signoff,
    /// Said when no source is listed.
    no_sources: &'static str,
    legend: Vec<Cell>,
    /// Where [`write_on`] writes, for the long runs.
    out: &'a Out<'a>,
}

struct Banner {
    words: String,
    /// A CSS class: `unclassified`, `restricted`, `confidential`, `secret`,
    /// `top-secret`.
    level: &'static str,
    tlp: String,
    /// A CSS class: `clear`, `green`, `amber`, `red`.
    tlp_class: &'static str,
}

/// A paragraph of a text, line by line: the template puts a `<br>`
/// between lines.
pub(super) type Paragraph = Vec<String>;

/// The paragraphs of a text that holds them (see [`paragraph_lines`]),
/// each line on one line.
pub(super) fn paragraphs(text: &str) -> Vec<Paragraph> {
    paragraph_lines(text)
        .into_iter()
        .map(|lines| lines.into_iter().map(one_line).collect())
        .collect()
}

/// A label and its value in a definition list.
struct Fact {
    label: &'static str,
    value: String,
}

struct Signoff {
    status: String,
    /// A CSS class: `none`, `current`, `stale`.
    class: &'static str,
    hash: Option<String>,
}

/// A reference to another part of the report: linked when it is in it.
struct Ref {
    text: String,
    href: Option<String>,
}

struct Cite {
    source: Ref,
    publisher: String,
    admiralty: String,
    note: Option<String>,
}

/// A cell of the control-by-event matrix (or of its key).
struct Cell {
    code: &'static str,
    name: &'static str,
    class: &'static str,
}

struct ControlView {
    anchor: String,
    id: String,
    title: String,
    catalogue: String,
    expects: String,
    failures: usize,
    held: usize,
}

struct ClaimView {
    anchor: String,
    id: String,
    portion: String,
    statement: Vec<Paragraph>,
    status: &'static str,
    events: Vec<Ref>,
    sources: Vec<Cite>,
    conflicts: Vec<Ref>,
}

struct FindingView {
    anchor: String,
    id: String,
    portion: String,
    title: String,
    statement: Vec<Paragraph>,
    kind: &'static str,
    severity: &'static str,
    likelihood: String,
    confidence: &'static str,
    events: Vec<RestedEvent>,
    controls: Vec<RestedControl>,
    recommendations: Vec<Ref>,
}

/// An event a finding rests on, told in a line.
struct RestedEvent {
    event: Ref,
    when: String,
    portion: String,
    title: String,
    sources: Vec<(Ref, String)>,
}

/// A control a finding rests on, with what happened to it at each event.
struct RestedControl {
    control: Ref,
    title: String,
    effects: String,
}

struct RecView {
    anchor: String,
    id: String,
    finding: Ref,
    portion: String,
    action: String,
    owner: String,
    due: String,
    status: &'static str,
}

struct SourceView {
    anchor: String,
    id: String,
    title: String,
    publisher: String,
    date: Option<String>,
    url: String,
    /// Only a plain http(s) address becomes a link.
    href: Option<String>,
    reliability: String,
}

impl<'a> Page<'a> {
    fn new(report: &'a Report, variant: Variant, paper: Paper, out: &'a Out<'a>) -> Self {
        let brief = variant == Variant::Brief;
        let banner = Banner {
            words: report.classification.banner.to_string(),
            level: level_class(report.classification.level),
            tlp: report.tlp.label(),
            tlp_class: tlp_class(report.tlp),
        };
        let title = format!(
            "{} · {} · {}",
            banner.words,
            banner.tlp,
            one_line(&report.record.title)
        );
        let index = Index::new(report, variant);
        let figure = (!brief)
            .then(|| Figure::new(report))
            .flatten()
            .map(|mut f| {
                f.link_events(|id| format!("#{}", anchor("event", id)));
                f
            });
        Page {
            report,
            index,
            title,
            page_size: paper.css_size(),
            figure,
            record_title: one_line(&report.record.title),
            generator: report.generator.clone(),
            generated: report.generated.to_rfc3339_opts(SecondsFormat::Secs, true),
            brief,
            period: one_line(&report.record.period),
            facts: facts(report, variant),
            withheld: report.withheld_line(),
            summary: paragraphs(report.record.summary),
            signoff: signoff(report),
            no_sources: if brief {
                "The judgements cite no sources."
            } else {
                "No sources are cited in this report."
            },
            legend: Effect::ALL.into_iter().map(cell).collect(),
            banner,
            out,
        }
    }

    /// What the page holds of a supporting section: all of it, or in a
    /// brief nothing.
    fn full<'s, T>(&self, all: &'s [T]) -> &'s [T] {
        if self.brief { &[] } else { all }
    }

    fn events(&self) -> &'a [ReportEvent<'a>] {
        self.full(&self.report.events)
    }

    fn matrix(&self) -> &'a [crate::report::MatrixRow<'a>] {
        self.full(&self.report.matrix)
    }

    /// One of the long runs of the page, for the template to write.
    fn run(&self, run: Run) -> RunWriter<'_, 'a> {
        RunWriter { page: self, run }
    }

    fn controls(&self) -> &'a [crate::report::ReportControl<'a>] {
        self.full(&self.report.controls)
    }

    fn control_views(&self) -> impl Iterator<Item = ControlView> + '_ {
        self.controls().iter().map(|c| ControlView {
            anchor: anchor("control", c.id),
            id: one_line(c.id),
            title: one_line(c.title),
            catalogue: c.catalogue.to_string(),
            expects: one_line(c.expects),
            failures: c.failures,
            held: c.held,
        })
    }

    fn claims(&self) -> &'a [ReportClaim<'a>] {
        self.full(&self.report.claims)
    }

    fn claim_views(&self) -> impl Iterator<Item = ClaimView> + '_ {
        self.claims().iter().map(|c| claim(&self.index, c))
    }

    fn findings(&self) -> &'a [ReportFinding<'a>] {
        &self.report.findings
    }

    fn finding_views(&self) -> impl Iterator<Item = FindingView> + '_ {
        self.findings().iter().map(|f| finding(&self.index, f))
    }

    fn recommendations(&self) -> &'a [crate::report::ReportRecommendation<'a>] {
        &self.report.recommendations
    }

    fn recommendation_views(&self) -> impl Iterator<Item = RecView> + '_ {
        let index = &self.index;
        self.recommendations().iter().map(|r| RecView {
            anchor: anchor("recommendation", r.id),
            id: one_line(r.id),
            finding: index.finding(r.finding),
            // A recommendation is marked as the finding it answers.
            portion: index
                .report
                .finding(r.finding)
                .map(|f| portion(&f.portion))
                .unwrap_or_default(),
            action: one_line(r.action),
            owner: one_line(r.owner),
            due: r.due.map_or_else(|| "none".into(), |d| d.to_string()),
            status: r.status.name(),
        })
    }

    /// The sources listed: in a brief, those the judgements cite.
    fn sources(&self) -> impl Iterator<Item = &'a crate::report::ReportSource<'a>> + '_ {
        self.report
            .sources
            .iter()
            .filter(|s| self.index.sources.contains(s.id))
    }

    fn has_sources(&self) -> bool {
        self.sources().next().is_some()
    }

    fn source_views(&self) -> impl Iterator<Item = SourceView> + '_ {
        self.sources().map(|s| SourceView {
            anchor: anchor("source", s.id),
            id: one_line(s.id),
            title: one_line(&s.title),
            publisher: one_line(s.publisher),
            date: s.date.clone(),
            url: one_line(s.url),
            href: web_address::is_linkable(s.url).then(|| s.url.to_string()),
            reliability: format!("{} ({})", s.reliability.letter(), s.reliability.meaning()),
        })
    }
}

/// The facts of the summary that follow the period and the sign-off.
fn facts(report: &Report, variant: Variant) -> Vec<Fact> {
    let fact = |label, value: &str| Fact {
        label,
        value: one_line(value),
    };
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
    let included = report.events.len();
    let mut facts = vec![
        fact("Judgements", &report.judgements_line()),
        fact("Classification", &classification),
        fact(
            "Record",
            &format!(
                "{}; {included} of its {} {} in this report",
                report.record.id,
                crate::wording::count(report.record.events_total, "event", "events"),
                crate::wording::is_are(included)
            ),
        ),
    ];
    if variant == Variant::Brief {
        facts.push(fact(
            "Brief",
            &format!(
                "the key judgements and recommendations with the sources the judgements cite; \
                 the full report adds the timeline, the control effects by event, the claims \
                 and all {} cited",
                crate::wording::count(report.sources.len(), "source", "sources")
            ),
        ));
    }
    facts
}

fn signoff(report: &Report) -> Signoff {
    let s = &report.signoff;
    Signoff {
        status: one_line(&s.describe()),
        class: match s.status {
            SignOffStatus::NotSignedOff => "none",
            SignOffStatus::Current => "current",
            SignOffStatus::Stale => "stale",
        },
        hash: s.hash.map(one_line),
    }
}

fn claim(index: &Index, c: &ReportClaim) -> ClaimView {
    ClaimView {
        anchor: anchor("claim", c.id),
        id: one_line(c.id),
        portion: portion(&c.portion),
        statement: paragraphs(c.statement),
        status: c.status.name(),
        events: c.events.iter().map(|e| index.event(e)).collect(),
        sources: c.sources.iter().map(|s| cite(index, s)).collect(),
        conflicts: c.conflicts_with.iter().map(|id| index.claim(id)).collect(),
    }
}

fn finding(index: &Index, f: &ReportFinding) -> FindingView {
    FindingView {
        anchor: anchor("finding", f.id),
        id: one_line(f.id),
        portion: portion(&f.portion),
        title: one_line(f.title),
        statement: paragraphs(f.statement),
        kind: f.kind.name(),
        severity: f.severity.name(),
        likelihood: likelihood_words(f.likelihood_term, f.likelihood),
        confidence: f.confidence.name(),
        events: f.events.iter().map(|e| rested_event(index, e)).collect(),
        controls: f
            .controls
            .iter()
            .map(|c| rested_control(index, f, c))
            .collect(),
        recommendations: index
            .report
            .recommendations_of(f.id)
            .iter()
            .map(|r| Ref {
                text: one_line(r.id),
                href: Some(format!("#{}", anchor("recommendation", r.id))),
            })
            .collect(),
    }
}

fn rested_event(index: &Index, id: &str) -> RestedEvent {
    let e = index.report.event(id);
    RestedEvent {
        event: index.event(id),
        when: e.map(|e| one_line(&e.when_utc)).unwrap_or_default(),
        portion: e.map(|e| portion(&e.portion)).unwrap_or_default(),
        title: e.map(|e| one_line(e.title)).unwrap_or_default(),
        sources: e
            .map(|e| {
                e.sources
                    .iter()
                    .map(|c| (index.source(c.source), one_line(&c.admiralty)))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

fn rested_control(index: &Index, f: &ReportFinding, id: &str) -> RestedControl {
    RestedControl {
        control: index.control(id),
        title: index
            .report
            .control(id)
            .map(|c| one_line(c.title))
            .unwrap_or_default(),
        effects: one_line(&rested_effects(&index.report, f, id)),
    }
}

fn cite(index: &Index, c: &ReportCitation) -> Cite {
    Cite {
        source: index.source(c.source),
        publisher: one_line(c.publisher),
        admiralty: one_line(&c.admiralty),
        note: c.note.map(one_line),
    }
}

fn cell(effect: Effect) -> Cell {
    Cell {
        code: effect_code(effect),
        name: effect.name(),
        class: effect_class(effect),
    }
}

fn effect_class(effect: Effect) -> &'static str {
    if effect.is_failure() {
        "failure"
    } else {
        "held"
    }
}

fn portion(marking: &Marking) -> String {
    format!("({})", marking.portion)
}

/// The `id` of a part of the report. Record ids are plain (letters, digits,
/// `-_.()`), so they need no encoding to be an id or a fragment.
fn anchor(kind: &str, id: &str) -> String {
    format!("{kind}-{}", one_line(id).replace(' ', "_"))
}

pub(super) fn level_class(level: Level) -> &'static str {
    match level {
        Level::Unclassified => "unclassified",
        Level::Restricted => "restricted",
        Level::Confidential => "confidential",
        Level::Secret => "secret",
        Level::TopSecret => "top-secret",
    }
}

pub(super) fn tlp_class(tlp: Tlp) -> &'static str {
    match tlp {
        Tlp::Clear => "clear",
        Tlp::Green => "green",
        Tlp::Amber | Tlp::AmberStrict => "amber",
        Tlp::Red => "red",
    }
}

/// Which ids the report holds, to link only to what is there. Sets, built
/// once: a large report looks ids up hundreds of thousands of times.
struct Index<'a> {
    events: HashSet<&'a str>,
    claims: HashSet<&'a str>,
    findings: HashSet<&'a str>,
    controls: HashSet<&'a str>,
    sources: HashSet<&'a str>,
    /// Findings and recommendations by id, for the links between them.
    report: ReportIndex<'a>,
}

impl<'a> Index<'a> {
    /// What the page of `variant` holds: a brief has no events, controls
    /// or claims to link to, and only the sources the judgements cite.
    fn new(report: &'a Report, variant: Variant) -> Self {
        let index = ReportIndex::new(report);
        let (events, claims, controls, sources) = match variant {
            Variant::Full => (
                report.events.iter().map(|e| e.id).collect(),
                report.claims.iter().map(|c| c.id).collect(),
                report.controls.iter().map(|c| c.id).collect(),
                report.sources.iter().map(|s| s.id).collect(),
            ),
            Variant::Brief => (
                HashSet::new(),
                HashSet::new(),
                HashSet::new(),
                index.judgement_sources(),
            ),
        };
        Index {
            report: index,
            events,
            claims,
            findings: report.findings.iter().map(|f| f.id).collect(),
            controls,
            sources,
        }
    }

    fn reference(kind: &str, id: &str, present: bool) -> Ref {
        Ref {
            text: one_line(id),
            href: present.then(|| format!("#{}", anchor(kind, id))),
        }
    }

    fn event(&self, id: &str) -> Ref {
        Self::reference("event", id, self.events.contains(id))
    }

    fn claim(&self, id: &str) -> Ref {
        Self::reference("claim", id, self.claims.contains(id))
    }

    fn finding(&self, id: &str) -> Ref {
        Self::reference("finding", id, self.findings.contains(id))
    }

    fn control(&self, id: &str) -> Ref {
        Self::reference("control", id, self.controls.contains(id))
    }

    fn source(&self, id: &str) -> Ref {
        Self::reference("source", id, self.sources.contains(id))
    }
}

/// The long runs of the page, each written by [`RunWriter`].
#[derive(Clone, Copy)]
enum Run {
    /// The timeline table's rows.
    TimelineRows,
    /// The matrix's column heads, one per event.
    MatrixHeads,
    /// The matrix's rows, one per control, a cell per event.
    MatrixRows,
    /// The events section's articles.
    Events,
}

/// How many items one worker renders at a time: enough for a buffer of a
/// few hundred KB, so that a window of them stays small.
const EVENTS_PER_CHUNK: usize = 256;
const ROWS_PER_CHUNK: usize = 1024;
const HEADS_PER_CHUNK: usize = 4096;
const CELLS_PER_CHUNK: usize = 16_384;

/// A run of the page, written when the template reaches it.
struct RunWriter<'p, 'a> {
    page: &'p Page<'a>,
    run: Run,
}

impl askama::FastWritable for RunWriter<'_, '_> {
    fn write_into(&self, _: &mut dyn fmt::Write, _: &dyn askama::Values) -> askama::Result<()> {
        let page = self.page;
        let index = &page.index;
        let events = page.events();
        let write = |sink: &mut dyn io::Write| match self.run {
            Run::TimelineRows => write_events(events, index, ROWS_PER_CHUNK, sink, write_row),
            Run::MatrixHeads => write_events(events, index, HEADS_PER_CHUNK, sink, write_head),
            Run::Events => write_events(events, index, EVENTS_PER_CHUNK, sink, write_event),
            Run::MatrixRows => write_matrix(page, sink),
        };
        // Straight to the writer, after the template's text before it
        // (which went there too): the runs' text needs no second look.
        let out = page.out;
        let written = write(&mut **out.writer.borrow_mut());
        written.map_err(|e| {
            match e {
                chunks::ChunkError::Write(e) => out.failed(e),
                chunks::ChunkError::Render(never) => match never {},
            }
            askama::Error::Fmt
        })
    }
}

/// Each event as `write` writes it, on every core.
fn write_events(
    events: &[ReportEvent],
    index: &Index,
    per_chunk: usize,
    sink: &mut dyn io::Write,
    write: fn(&mut Chunk, &Index, &ReportEvent),
) -> Result<(), chunks::ChunkError<Infallible>> {
    chunks::write_in_order(events, per_chunk, sink, |chunk, _, out: &mut Chunk| {
        for e in chunk {
            write(out, index, e);
        }
        Ok(())
    })
}

/// The matrix's rows: each control's cells on every core, a row at a time
/// (a report has few controls and many events).
fn write_matrix(
    page: &Page,
    sink: &mut dyn io::Write,
) -> Result<(), chunks::ChunkError<Infallible>> {
    let cells = Effect::ALL.map(|effect| {
        let mut text = String::new();
        text.push_str("<td class=\"");
        push_escaped(&mut text, effect_class(effect));
        text.push_str("\"><abbr title=\"");
        push_escaped(&mut text, effect.name());
        text.push_str("\">");
        push_escaped(&mut text, effect_code(effect));
        text.push_str("</abbr></td>");
        text
    });
    let mut head = String::new();
    for row in page.matrix() {
        head.clear();
        head.push_str("\n<tr><th scope=\"row\">");
        push_ref(
            &mut head,
            "control",
            row.control,
            page.index.controls.contains(row.control),
        );
        head.push_str("</th>");
        sink.write_all(head.as_bytes())
            .map_err(chunks::ChunkError::Write)?;
        chunks::write_in_order(
            &row.cells,
            CELLS_PER_CHUNK,
            sink,
            |chunk, _, out: &mut String| {
                for cell in chunk {
                    match cell {
                        Some(effect) => out.push_str(&cells[effect.index()]),
                        None => out.push_str("<td></td>"),
                    }
                }
                Ok(())
            },
        )?;
        sink.write_all(b"</tr>")
            .map_err(chunks::ChunkError::Write)?;
    }
    Ok(())
}

/// The text of a chunk, and a scratch buffer for values that are put
/// together before they are written (an event's time, its actors).
#[derive(Default)]
struct Chunk {
    text: String,
    scratch: String,
}

impl Buffer for Chunk {
    fn bytes(&self) -> &[u8] {
        self.text.as_bytes()
    }
    fn clear(&mut self) {
        self.text.clear();
    }
}

/// A row of the timeline table.
fn write_row(out: &mut Chunk, _: &Index, e: &ReportEvent) {
    let Chunk { text: o, scratch } = out;
    o.push_str("\n<tr>\n<th scope=\"row\">");
    push_event_link(o, e.id);
    o.push_str("</th>\n<td>");
    push_when(o, scratch, e);
    o.push_str("</td>\n<td><span class=\"portion\">");
    push_portion(o, &e.portion);
    o.push_str("</span> ");
    push_line(o, e.title);
    o.push_str("</td>\n<td>");
    push_actors(o, scratch, &e.actors);
    o.push_str("</td>\n<td>");
    for (i, c) in e.sources.iter().enumerate() {
        if i > 0 {
            o.push_str(", ");
        }
        push_line(o, c.source);
        o.push(' ');
        push_line(o, &c.admiralty);
    }
    o.push_str("</td>\n<td>");
    for (i, l) in e.controls.iter().enumerate() {
        if i > 0 {
            o.push_str(", ");
        }
        push_line(o, l.control);
        push_effect(o, l.effect);
    }
    o.push_str("</td>\n</tr>");
}

/// A column head of the matrix.
fn write_head(out: &mut Chunk, _: &Index, e: &ReportEvent) {
    let o = &mut out.text;
    o.push_str("<th scope=\"col\" class=\"event\">");
    push_event_link(o, e.id);
    o.push_str("</th>");
}

/// A link to an event's article, named by the event's id.
fn push_event_link(o: &mut String, id: &str) {
    o.push_str("<a href=\"#");
    push_anchor(o, "event", id);
    o.push_str("\">");
    push_line(o, id);
    o.push_str("</a>");
}

/// An event's article in the events section.
fn write_event(out: &mut Chunk, index: &Index, e: &ReportEvent) {
    let Chunk { text: o, scratch } = out;
    o.push_str("\n<article id=\"");
    push_anchor(o, "event", e.id);
    o.push_str("\">\n<h3>Event ");
    push_line(o, e.id);
    o.push_str("</h3>\n<p><span class=\"portion\">");
    push_portion(o, &e.portion);
    o.push_str("</span> <strong>");
    push_line(o, e.title);
    o.push_str("</strong></p>");
    push_paragraphs(
        o,
        e.narrative,
        |o, _| {
            o.push_str("\n<p><span class=\"portion\">");
            push_portion(o, &e.portion);
            o.push_str("</span> ");
        },
        |o, _| o.push_str("</p>"),
    );
    o.push_str("\n<ul class=\"details\">\n<li><strong>When:</strong> ");
    push_when(o, scratch, e);
    o.push_str("</li>");
    if let Some(end) = e.end.as_deref() {
        o.push_str("\n<li><strong>Until:</strong> ");
        push_line(o, end);
        o.push_str("</li>");
    }
    if let Some(place) = e.place {
        o.push_str("\n<li><strong>Place:</strong> ");
        push_line(o, place);
        o.push_str("</li>");
    }
    // Listed when the actors come to some text at all.
    let before = o.len();
    o.push_str("\n<li><strong>Actors:</strong> ");
    let label = o.len();
    push_actors(o, scratch, &e.actors);
    if o.len() == label {
        o.truncate(before);
    } else {
        o.push_str("</li>");
    }
    if !e.sources.is_empty() {
        o.push_str("\n<li><strong>Sources:</strong><ul>");
        for c in &e.sources {
            o.push_str("<li>");
            push_ref(o, "source", c.source, index.sources.contains(c.source));
            o.push_str(" (");
            push_line(o, c.publisher);
            o.push_str(") <strong>");
            push_line(o, &c.admiralty);
            o.push_str("</strong>");
            if let Some(note) = c.note {
                o.push_str(": ");
                push_line(o, note);
            }
            o.push_str("</li>");
        }
        o.push_str("</ul></li>");
    }
    if !e.controls.is_empty() {
        o.push_str("\n<li><strong>Controls:</strong><ul>");
        for l in &e.controls {
            o.push_str("\n<li>");
            push_ref(o, "control", l.control, index.controls.contains(l.control));
            push_effect(o, l.effect);
            if let Some(note) = l.note {
                o.push_str(": ");
                push_line(o, note);
            }
            o.push_str("</li>");
        }
        o.push_str("\n</ul></li>");
    }
    if e.flagged || e.reviewed {
        o.push_str("\n<li><strong>Analyst:</strong> ");
        o.push_str(match (e.flagged, e.reviewed) {
            (true, true) => "flagged, reviewed",
            (true, false) => "flagged",
            _ => "reviewed",
        });
        o.push_str("</li>");
    }
    // The first paragraph follows the label; later ones are paragraphs of
    // the item.
    if let Some(note) = e.note {
        let paragraphs = push_paragraphs(
            o,
            note,
            |o, i| {
                o.push_str(if i == 0 {
                    "\n<li><strong>Analyst's note:</strong> "
                } else {
                    "<p>"
                })
            },
            |o, i| {
                if i > 0 {
                    o.push_str("</p>");
                }
            },
        );
        if paragraphs > 0 {
            o.push_str("</li>");
        }
    }
    o.push_str("\n</ul>\n</article>");
}

/// ` <span class="failure">failed</span>` after a control's id.
fn push_effect(o: &mut String, effect: Effect) {
    o.push_str(" <span class=\"");
    push_escaped(o, effect_class(effect));
    o.push_str("\">");
    push_escaped(o, effect.name());
    o.push_str("</span>");
}

/// A reference to a part of the report, linked when it is in it (the
/// template's `reflink` of [`Index::reference`]).
fn push_ref(o: &mut String, kind: &str, id: &str, present: bool) {
    if present {
        o.push_str("<a href=\"#");
        push_anchor(o, kind, id);
        o.push_str("\">");
        push_line(o, id);
        o.push_str("</a>");
    } else {
        push_line(o, id);
    }
}

/// [`anchor`], escaped.
fn push_anchor(o: &mut String, kind: &str, id: &str) {
    o.push_str(kind);
    o.push('-');
    let start = o.len();
    push_line(o, id);
    // Escaping neither makes nor takes spaces, so they can go after it.
    if o[start..].contains(' ') {
        let anchored = o[start..].replace(' ', "_");
        o.truncate(start);
        o.push_str(&anchored);
    }
}

/// [`portion`], escaped.
fn push_portion(o: &mut String, marking: &Marking) {
    o.push('(');
    push_escaped(o, marking.portion);
    o.push(')');
}

/// The event's time as [`super::markdown::when`] says it, on one line and
/// escaped; put together in `scratch`.
fn push_when(o: &mut String, scratch: &mut String, e: &ReportEvent) {
    scratch.clear();
    let utc: &str = &e.when_utc;
    scratch.push_str(utc);
    scratch.push_str(" (");
    scratch.push_str(e.fidelity.name());
    scratch.push(')');
    // A bare date reads the same in every zone.
    if let Some(local) = e.when_local.as_deref().filter(|l| *l != utc) {
        scratch.push_str("; ");
        scratch.push_str(local);
        if let Some(zone) = e.zone {
            scratch.push_str(" in ");
            scratch.push_str(zone);
        }
    }
    push_line(o, scratch);
}

/// The actors, comma-separated, on one line and escaped.
fn push_actors(o: &mut String, scratch: &mut String, actors: &[&str]) {
    scratch.clear();
    for (i, a) in actors.iter().enumerate() {
        if i > 0 {
            scratch.push_str(", ");
        }
        scratch.push_str(a);
    }
    push_line(o, scratch);
}

/// Writes the paragraphs of `text` as [`paragraphs`] splits them, each
/// between `open` and `close` (given the paragraph's number), its lines
/// (each as [`push_line`] writes it) separated by `<br>`. Returns how many
/// paragraphs there were.
fn push_paragraphs(
    o: &mut String,
    text: &str,
    mut open: impl FnMut(&mut String, usize),
    mut close: impl FnMut(&mut String, usize),
) -> usize {
    let mut count = 0;
    let mut in_paragraph = false;
    for line in super::text_lines(text) {
        let line = line.trim();
        if line.is_empty() {
            if in_paragraph {
                close(o, count);
                count += 1;
                in_paragraph = false;
            }
        } else {
            if in_paragraph {
                o.push_str("<br>");
            } else {
                open(o, count);
                in_paragraph = true;
            }
            push_line(o, line);
        }
    }
    if in_paragraph {
        close(o, count);
        count += 1;
    }
    count
}

/// What a byte of text asks of [`push_line`]: nothing (copied with the
/// bytes around it), an entity, a look at the space, or a closer look
/// (an ASCII control, or part of a character beyond ASCII).
const COPY: u8 = 0;
const ENTITY: u8 = 1;
const SPACE: u8 = 2;
const LOOK: u8 = 3;

const CLASS: [u8; 256] = {
    let mut table = [COPY; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = match b as u8 {
            b'"' | b'&' | b'\'' | b'<' | b'>' => ENTITY,
            b' ' => SPACE,
            0..0x20 | 0x7f.. => LOOK,
            _ => COPY,
        };
        b += 1;
    }
    table
};

/// The entity askama writes for a byte it escapes.
fn entity(b: u8) -> &'static str {
    match b {
        b'"' => "&#34;",
        b'&' => "&#38;",
        b'\'' => "&#39;",
        b'<' => "&#60;",
        _ => "&#62;",
    }
}

/// `text` escaped as askama's HTML escaper escapes a value: the runs
/// between the bytes that need an entity are copied whole.
fn push_escaped(o: &mut String, text: &str) {
    let mut start = 0;
    for (i, &b) in text.as_bytes().iter().enumerate() {
        if CLASS[b as usize] == ENTITY {
            o.push_str(&text[start..i]);
            o.push_str(entity(b));
            start = i + 1;
        }
    }
    o.push_str(&text[start..]);
}

/// Record text as the template writes `{{ one_line(text) }}`: on one
/// line, controls and non-characters shown as U+FFFD, escaped. Text that
/// is one line already (nearly all of it) is escaped in one pass, as it is
/// checked; anything else goes through [`one_line`].
fn push_line(o: &mut String, text: &str) {
    let start_len = o.len();
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    // At the start, a space would be a leading one.
    let mut after_space = true;
    while i < bytes.len() {
        let b = bytes[i];
        match CLASS[b as usize] {
            COPY => {
                after_space = false;
                i += 1;
            }
            ENTITY => {
                o.push_str(&text[start..i]);
                o.push_str(entity(b));
                after_space = false;
                i += 1;
                start = i;
            }
            SPACE if !after_space => {
                after_space = true;
                i += 1;
            }
            _ => match text[i..].chars().next() {
                Some(c) if !c.is_ascii() && !c.is_whitespace() && !shown_replaced(c) => {
                    after_space = false;
                    i += c.len_utf8();
                }
                _ => return push_line_slowly(o, start_len, text),
            },
        }
    }
    if after_space && !text.is_empty() {
        return push_line_slowly(o, start_len, text);
    }
    o.push_str(&text[start..]);
}

/// [`push_line`] of text that is not one line yet: what was written of it
/// is taken back and it is rewritten by [`one_line`].
fn push_line_slowly(o: &mut String, start_len: usize, text: &str) {
    o.truncate(start_len);
    push_escaped(o, &one_line(text));
}

/// Whether [`one_line`] shows `c` as U+FFFD: a control that is not
/// whitespace, or a non-character.
fn shown_replaced(c: char) -> bool {
    let nonchar = matches!(c as u32, 0xFDD0..=0xFDEF) || (c as u32 & 0xFFFE) == 0xFFFE;
    (c.is_control() && !c.is_whitespace()) || nonchar
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the template wrote for a value: `one_line`, then askama's
    /// escaping.
    fn template(text: &str) -> String {
        askama::filters::escape(one_line(text), askama::filters::Html)
            .expect("escapes")
            .to_string()
    }

    #[test]
    fn push_line_writes_what_the_template_wrote() {
        let texts = [
            "",
            " ",
            "  ",
            "a",
            "a b",
            " a",
            "a ",
            "a  b",
            "a\nb",
            "a\tb",
            "a\r\nb",
            "a\u{1b}b",
            "a\u{7f}b",
            "a\u{85}b",
            "a\u{a0}b",
            "a \u{a0}b",
            "a\u{2003}",
            "\u{3000}a",
            "\u{FFFE}",
            "x\u{FDD0}y",
            "\u{10FFFF}",
            "Größe Прослушка",
            "a b c",
            "<script>alert('x') & \"y\"</script>",
            "&#38; &amp;",
            "a < b > c",
            "Schöne  Grüße <&>",
            "\u{1F600} smile",
            "tab\there & \"quote\"",
            "'",
            "\"\"",
            "end <",
            "> start",
            "x\u{200b}y",
            "\u{feff}bom",
        ];
        for text in texts {
            let mut out = String::from("before|");
            push_line(&mut out, text);
            assert_eq!(out, format!("before|{}", template(text)), "{text:?}");
            let mut escaped = String::new();
            push_escaped(&mut escaped, &one_line(text));
            assert_eq!(escaped, template(text), "{text:?}");
        }
    }

    #[test]
    fn push_line_agrees_with_the_template_on_every_mix_of_tricky_characters() {
        // Every string of up to four characters from a set that holds each
        // case push_line tells apart.
        let alphabet = [
            'a', ' ', '\n', '&', '<', 'é', '\u{a0}', '\u{1}', '\u{FFFF}', '\u{85}',
        ];
        let mut text = String::new();
        fn each(alphabet: &[char], text: &mut String, depth: usize, check: &mut dyn FnMut(&str)) {
            check(text);
            if depth == 0 {
                return;
            }
            for &c in alphabet {
                text.push(c);
                each(alphabet, text, depth - 1, check);
                text.pop();
            }
        }
        each(&alphabet, &mut text, 4, &mut |t| {
            let mut out = String::new();
            push_line(&mut out, t);
            assert_eq!(out, template(t), "{t:?}");
        });
    }

    #[test]
    fn paragraphs_are_written_as_the_template_wrote_them() {
        for text in [
            "",
            "one",
            "one\ntwo",
            "one\n\n two \r\n\r\nthree<",
            " \n\n ",
            "a\rb\n\n\nc",
        ] {
            let mut out = String::new();
            let count = push_paragraphs(
                &mut out,
                text,
                |o, i| o.push_str(&format!("[{i}:")),
                |o, i| o.push_str(&format!(":{i}]")),
            );
            let expected: Vec<String> = paragraphs(text)
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let lines: Vec<String> = p
                        .iter()
                        .map(|l| {
                            askama::filters::escape(l, askama::filters::Html)
                                .expect("escapes")
                                .to_string()
                        })
                        .collect();
                    format!("[{i}:{}:{i}]", lines.join("<br>"))
                })
                .collect();
            assert_eq!(out, expected.concat(), "{text:?}");
            assert_eq!(count, expected.len(), "{text:?}");
        }
    }
}

#[cfg(test)]
mod report_tests {
    use super::*;

    #[test]
    fn an_events_time_is_the_one_the_other_exports_give() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("incidents/taurus-webex-2024.ron");
        let (record, review, _) =
            crate::cli::load_for_report(&path, &crate::load::LoadOptions::default())
                .unwrap_or_else(|_| panic!("the Taurus record loads"));
        let report =
            crate::report::build(&record, &review, &crate::report::ReportOptions::default());
        let mut zoned = 0;
        for e in &report.events {
            let (mut out, mut scratch) = (String::new(), String::new());
            push_when(&mut out, &mut scratch, e);
            let mut expected = String::new();
            push_escaped(&mut expected, &one_line(&super::super::markdown::when(e)));
            assert_eq!(out, expected, "{}", e.id);
            zoned += usize::from(e.zone.is_some() && e.when_local.is_some());
        }
        assert!(zoned > 0, "some event is told in its own zone too");
    }
}
