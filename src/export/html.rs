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

use std::collections::HashSet;

use askama::Template;
use chrono::SecondsFormat;

use super::figure::Figure;
use super::markdown::{effect_code, likelihood_words, one_line, rested_effects, when};
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
    Page::new(report, variant, paper)
        .render()
        .map_err(|e| ExportError::Render {
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
    Page::new(report, variant, paper)
        .write_into(out)
        .map_err(ExportError::Output)
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

struct EffectView {
    control: Ref,
    effect: &'static str,
    class: &'static str,
    note: Option<String>,
}

struct EventView {
    anchor: String,
    id: String,
    portion: String,
    when: String,
    end: Option<String>,
    place: Option<String>,
    title: String,
    narrative: Vec<Paragraph>,
    actors: String,
    sources: Vec<Cite>,
    effects: Vec<EffectView>,
    flagged: bool,
    reviewed: bool,
    /// The analyst's note, paragraph by paragraph.
    note: Vec<Paragraph>,
}

/// An event as a column of the control-by-event matrix.
struct EventHead {
    anchor: String,
    id: String,
}

/// A cell of the control-by-event matrix (or of its key).
struct Cell {
    code: &'static str,
    name: &'static str,
    class: &'static str,
}

struct MatrixRow {
    control: Ref,
    cells: Vec<Option<Cell>>,
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
    fn new(report: &'a Report, variant: Variant, paper: Paper) -> Self {
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

    /// The events' views, each made as the template reaches it (three
    /// times: the timeline, the matrix's columns and the events).
    fn event_views(&self) -> impl Iterator<Item = EventView> + '_ {
        self.events().iter().map(|e| event(&self.index, e))
    }

    /// The matrix's column heads: each event's id and anchor.
    fn event_heads(&self) -> impl Iterator<Item = EventHead> + '_ {
        self.events().iter().map(|e| EventHead {
            anchor: anchor("event", e.id),
            id: one_line(e.id),
        })
    }

    fn matrix(&self) -> &'a [crate::report::MatrixRow<'a>] {
        self.full(&self.report.matrix)
    }

    fn matrix_rows(&self) -> impl Iterator<Item = MatrixRow> + '_ {
        self.matrix().iter().map(|row| MatrixRow {
            control: self.index.control(row.control),
            cells: row.cells.iter().map(|c| c.map(cell)).collect(),
        })
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

fn event(index: &Index, e: &ReportEvent) -> EventView {
    EventView {
        anchor: anchor("event", e.id),
        id: one_line(e.id),
        portion: portion(&e.portion),
        when: one_line(&when(e)),
        end: e.end.as_deref().map(one_line),
        place: e.place.map(one_line),
        title: one_line(e.title),
        narrative: paragraphs(e.narrative),
        actors: one_line(&e.actors.join(", ")),
        sources: e.sources.iter().map(|c| cite(index, c)).collect(),
        effects: e
            .controls
            .iter()
            .map(|l| EffectView {
                control: index.control(l.control),
                effect: l.effect.name(),
                class: effect_class(l.effect),
                note: l.note.map(one_line),
            })
            .collect(),
        flagged: e.flagged,
        reviewed: e.reviewed,
        note: e.note.map(paragraphs).unwrap_or_default(),
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
