//! The PDF export, laid out by Typst as a library (see docs/PDF.md for why).
//!
//! Record text never becomes Typst markup: this module writes the report as
//! JSON (one view per part, as [`super::html`] prepares its page), and the
//! template (`assets/templates/report.typ`) reads it with `json()` and shows
//! every string as text. A title such as `#panic()` or `*bold*` is printed
//! as those characters.
//!
//! Every page has the classification banner and the TLP at its top and
//! bottom and says "Page N of M"; table headers repeat on every page a
//! table runs to; the fonts (DejaVu, bundled) are embedded and subset; the
//! file is PDF/A-2a (archival, tagged, every glyph mapped to Unicode). The
//! creation date is the report's generation time, so the same inputs and
//! `SOURCE_DATE_EPOCH` give the same bytes.

mod world;

use chrono::{Datelike, SecondsFormat, Timelike};
use serde::Serialize;
use typst::foundations::{Datetime, Smart};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use super::markdown::{effect_code, likelihood_words, one_line, rested_effects, when};
// The banner's colour classes and a text's paragraphs, as the HTML has them.
use super::html::{Paragraph, level_class, paragraphs, tlp_class};
use super::{ExportError, Paper};
use crate::model::{Effect, web_address};
use crate::report::{
    Marking, Report, ReportCitation, ReportClaim, ReportEvent, ReportFinding, ReportIndex,
};

/// The most events one table of the control-by-event matrix shows: wider
/// matrices are split into several tables of event columns, each with the
/// control column, so that a cell stays wide enough to read.
const MATRIX_COLUMNS: usize = 24;

/// The most report data (the JSON the template reads) the PDF export lays
/// out: 2 MiB, about 1,100 events of the benchmarks' synthetic records and
/// 350 pages, which Typst lays out in about 2 GB of memory and 10 s of CPU.
/// Layout memory grows with the report (8 GB at 5,000 events), so a larger
/// report is refused with what to do instead, never left to exhaust the
/// machine. The Taurus report is 7 % of it.
pub const MAX_DATA_BYTES: usize = 2 * 1024 * 1024;

/// The PDF of `report` on `paper`.
pub fn render(report: &Report, paper: Paper) -> Result<Vec<u8>, ExportError> {
    let (document, today, _warnings) = layout(report, paper)?;
    // PDF/A forbids text drawn without a glyph: a report with characters
    // the fonts lack is written as a plain (still tagged) PDF 1.7, and
    // [`missing_glyphs_warning`] says so.
    let standards = if missing_glyphs(report).is_empty() {
        PdfStandards::new(&[PdfStandard::A_2a]).map_err(|e| fail(e.message().to_string()))?
    } else {
        PdfStandards::default()
    };
    let options = PdfOptions {
        // A stable document id: the record's, never a random one.
        ident: Smart::Custom(format!("hotwash/{}", report.record.id)),
        creator: Smart::Custom(Some(report.generator.clone())),
        timestamp: Some(Timestamp::new_utc(today)),
        standards,
        tagged: true,
        ..PdfOptions::default()
    };
    let bytes =
        typst_pdf::pdf(&document, &options).map_err(|errors| fail(diagnostics(&errors[..])))?;
    // Typst memoises layout across compilations; a workbench that exports
    // again and again would keep every report's layout otherwise.
    typst::comemo::evict(0);
    Ok(bytes)
}

fn fail(message: String) -> ExportError {
    ExportError::Render {
        format: "PDF",
        message,
    }
}

/// The report laid out in pages, the generation time as Typst's, and
/// Typst's warnings (none, for the template as it is: a test holds it).
fn layout(
    report: &Report,
    paper: Paper,
) -> Result<(PagedDocument, Datetime, Vec<String>), ExportError> {
    let data = serde_json::to_vec(&Doc::new(report, paper)).map_err(|e| fail(e.to_string()))?;
    if data.len() > MAX_DATA_BYTES {
        return Err(fail(format!(
            "the report is too large for a PDF ({:.1} MiB of text; the PDF export lays out at \
             most {} MiB, about 350 pages): leave events out of it, lower \
             --max-classification, or export HTML, which has no such limit",
            data.len() as f64 / (1024.0 * 1024.0),
            MAX_DATA_BYTES / (1024 * 1024)
        )));
    }
    let generated = report.generated;
    let today = Datetime::from_ymd_hms(
        generated.year(),
        generated.month() as u8,
        generated.day() as u8,
        generated.hour() as u8,
        generated.minute() as u8,
        generated.second() as u8,
    )
    .ok_or_else(|| fail(format!("the generation time {generated} is out of range")))?;
    let world = world::ReportWorld::new(data, today);
    let compiled = typst::compile::<PagedDocument>(&world);
    let document = compiled
        .output
        .map_err(|errors| fail(diagnostics(&errors[..])))?;
    let warnings = compiled
        .warnings
        .iter()
        .map(|w| w.message.to_string())
        .collect();
    Ok((document, today, warnings))
}

/// Typst's errors in a sentence. They can only come from the template or
/// from a report Typst cannot lay out, never from markup in record text.
fn diagnostics(errors: &[typst::diag::SourceDiagnostic]) -> String {
    let said: Vec<String> = errors
        .iter()
        .map(|e| {
            let mut line = e.message.to_string();
            for hint in &e.hints {
                line.push_str(&format!(" (hint: {})", hint.v));
            }
            line
        })
        .collect();
    said.join("; ")
}

/// The characters of the report's text that none of the embedded fonts
/// can draw (Chinese, say): the PDF shows each as an empty box. Sorted,
/// each once. Whitespace and the report's own words are always covered.
pub fn missing_glyphs(report: &Report) -> Vec<char> {
    let Ok(data) = serde_json::to_string(&Doc::new(report, Paper::default())) else {
        return Vec::new();
    };
    let fonts = world::fonts();
    let mut missing: Vec<char> = data
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .filter(|&c| !fonts.iter().any(|f| f.info().coverage.contains(c as u32)))
        .collect();
    missing.sort_unstable();
    missing.dedup();
    missing
}

/// The warning that goes with [`missing_glyphs`], if any: the characters
/// by code point (a terminal may not show them either), at most eight.
pub fn missing_glyphs_warning(report: &Report) -> Option<String> {
    let missing = missing_glyphs(report);
    if missing.is_empty() {
        return None;
    }
    let mut codes: Vec<String> = missing
        .iter()
        .take(8)
        .map(|c| format!("U+{:04X}", u32::from(*c)))
        .collect();
    if missing.len() > 8 {
        codes.push(format!("and {} more", missing.len() - 8));
    }
    Some(format!(
        "the PDF's fonts (DejaVu) have no glyph for {} of the report's characters ({}): \
         the PDF shows {} as an empty box that text search does not find, and is not \
         PDF/A, which forbids that",
        missing.len(),
        codes.join(", "),
        if missing.len() == 1 { "it" } else { "each" }
    ))
}

/// What the template reads: the report as the PDF shows it, in its order.
#[derive(Serialize)]
struct Doc {
    /// Typst's paper name.
    paper: &'static str,
    banner: Banner,
    /// The document title in the PDF's metadata.
    document_title: String,
    title: String,
    record_id: String,
    generator: String,
    generated: String,
    summary: Vec<Paragraph>,
    period: String,
    signoff: Signoff,
    facts: Vec<Fact>,
    withheld: String,
    /// The timeline figure as an SVG document (vector in the PDF).
    figure: Option<FigureView>,
    findings: Vec<FindingView>,
    recommendations: Vec<RecView>,
    events: Vec<EventView>,
    legend: Vec<Cell>,
    matrix: Vec<MatrixTable>,
    controls: Vec<ControlView>,
    claims: Vec<ClaimView>,
    sources: Vec<SourceView>,
}

#[derive(Serialize)]
struct FigureView {
    svg: String,
    /// The caption, and the image's alternative text.
    description: String,
    /// Taller than a page's width allows at full width: drawn to a height.
    tall: bool,
}

#[derive(Serialize)]
struct Banner {
    words: String,
    /// For the colours: `unclassified` … `top-secret`, as in the HTML.
    level: &'static str,
    tlp: String,
    /// `clear`, `green`, `amber`, `red`.
    tlp_class: &'static str,
}

#[derive(Serialize)]
struct Fact {
    label: &'static str,
    value: String,
}

#[derive(Serialize)]
struct Signoff {
    status: String,
    /// Whether the status needs the reader's attention (not signed off, stale).
    warn: bool,
    hash: Option<String>,
}

/// A reference to another part of the report: `target` is the label to
/// link to when that part is in the PDF.
#[derive(Serialize)]
struct Ref {
    text: String,
    target: Option<String>,
}

#[derive(Serialize)]
struct Cite {
    source: Ref,
    publisher: String,
    admiralty: String,
    note: Option<String>,
}

#[derive(Serialize)]
struct FindingView {
    target: String,
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

#[derive(Serialize)]
struct RestedEvent {
    event: Ref,
    when: String,
    portion: String,
    title: String,
    sources: Vec<(Ref, String)>,
}

#[derive(Serialize)]
struct RestedControl {
    control: Ref,
    title: String,
    effects: String,
}

#[derive(Serialize)]
struct RecView {
    target: String,
    id: String,
    finding: Ref,
    portion: String,
    action: String,
    owner: String,
    due: String,
    status: &'static str,
}

#[derive(Serialize)]
struct EffectView {
    control: Ref,
    effect: &'static str,
    failure: bool,
    note: Option<String>,
}

#[derive(Serialize)]
struct EventView {
    target: String,
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
    analyst: Option<&'static str>,
    note: Vec<Paragraph>,
}

#[derive(Serialize, Clone)]
struct Cell {
    code: &'static str,
    name: &'static str,
    failure: bool,
}

/// One table of the matrix: a run of events and every control's cells at them.
#[derive(Serialize)]
struct MatrixTable {
    events: Vec<Ref>,
    rows: Vec<MatrixRow>,
}

#[derive(Serialize)]
struct MatrixRow {
    control: Ref,
    cells: Vec<Option<Cell>>,
}

#[derive(Serialize)]
struct ControlView {
    target: String,
    id: String,
    title: String,
    catalogue: String,
    expects: String,
    counts: String,
}

#[derive(Serialize)]
struct ClaimView {
    target: String,
    id: String,
    portion: String,
    statement: Vec<Paragraph>,
    status: &'static str,
    events: Vec<Ref>,
    sources: Vec<Cite>,
    conflicts: Vec<Ref>,
}

#[derive(Serialize)]
struct SourceView {
    target: String,
    id: String,
    title: String,
    publisher: String,
    date: Option<String>,
    url: String,
    /// Only a plain http(s) address becomes a link.
    link: bool,
    reliability: String,
}

impl Doc {
    fn new(report: &Report, paper: Paper) -> Self {
        let index = Index {
            report: ReportIndex::new(report),
            sources: report.sources.iter().map(|s| s.id).collect(),
        };
        let banner = Banner {
            words: report.classification.banner.to_string(),
            level: level_class(report.classification.level),
            tlp: report.tlp.label(),
            tlp_class: tlp_class(report.tlp),
        };
        let title = one_line(&report.record.title);
        Doc {
            paper: match paper {
                Paper::A4 => "a4",
                Paper::Letter => "us-letter",
            },
            document_title: format!("{} · {} · {title}", banner.words, banner.tlp),
            title,
            record_id: one_line(report.record.id),
            generator: report.generator.clone(),
            generated: report.generated.to_rfc3339_opts(SecondsFormat::Secs, true),
            summary: paragraphs(report.record.summary),
            period: one_line(&report.record.period),
            signoff: Signoff {
                status: one_line(&report.signoff.describe()),
                warn: report.signoff.status != crate::report::SignOffStatus::Current,
                hash: report.signoff.hash.map(one_line),
            },
            facts: facts(report),
            withheld: report.withheld_line(),
            figure: figure(report),
            findings: report.findings.iter().map(|f| finding(&index, f)).collect(),
            recommendations: report
                .recommendations
                .iter()
                .map(|r| RecView {
                    target: target("recommendation", r.id),
                    id: one_line(r.id),
                    finding: reference("finding", r.finding, index.finding(r.finding).is_some()),
                    portion: index
                        .finding(r.finding)
                        .map(|f| portion(&f.portion))
                        .unwrap_or_default(),
                    action: one_line(r.action),
                    owner: one_line(r.owner),
                    due: r.due.map_or_else(|| "none".into(), |d| d.to_string()),
                    status: r.status.name(),
                })
                .collect(),
            events: report.events.iter().map(|e| event(&index, e)).collect(),
            legend: Effect::ALL.into_iter().map(cell).collect(),
            matrix: matrix(report, &index),
            controls: report
                .controls
                .iter()
                .map(|c| ControlView {
                    target: target("control", c.id),
                    id: one_line(c.id),
                    title: one_line(c.title),
                    catalogue: c.catalogue.to_string(),
                    expects: one_line(c.expects),
                    counts: format!(
                        "failed, not followed, bypassed or absent at {}; held at {}",
                        crate::wording::count(c.failures, "event", "events"),
                        crate::wording::count(c.held, "event", "events"),
                    ),
                })
                .collect(),
            claims: report.claims.iter().map(|c| claim(&index, c)).collect(),
            sources: report
                .sources
                .iter()
                .map(|s| SourceView {
                    target: target("source", s.id),
                    id: one_line(s.id),
                    title: one_line(&s.title),
                    publisher: one_line(s.publisher),
                    date: s.date.as_deref().map(one_line),
                    url: one_line(s.url),
                    link: web_address::is_linkable(s.url),
                    reliability: format!(
                        "{} ({})",
                        s.reliability.letter(),
                        s.reliability.meaning()
                    ),
                })
                .collect(),
            banner,
        }
    }
}

/// The HTML's timeline figure, drawn as an SVG document. Its text is
/// escaped by the figure's own template; Typst reads it as an image, never
/// as markup.
fn figure(report: &Report) -> Option<FigureView> {
    let figure = super::figure::Figure::new(report)?;
    // An error here would be the figure template's; the PDF goes without it.
    let svg = figure.svg().ok()?;
    Some(FigureView {
        // At the text width of A4 (182 mm), higher than 220 mm.
        tall: figure.height / figure.width > 220.0 / 182.0,
        description: one_line(&figure.description),
        svg,
    })
}

/// The facts of the summary after the period and the sign-off, as the
/// HTML lists them.
fn facts(report: &Report) -> Vec<Fact> {
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
    vec![
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
    ]
}

/// The control-by-event matrix in tables of at most [`MATRIX_COLUMNS`]
/// events, split evenly (31 events make tables of 16 and 15).
fn matrix(report: &Report, index: &Index) -> Vec<MatrixTable> {
    let events = report.events.len();
    if events == 0 || report.matrix.is_empty() {
        return Vec::new();
    }
    let tables = events.div_ceil(MATRIX_COLUMNS);
    let per_table = events.div_ceil(tables);
    (0..events)
        .step_by(per_table)
        .map(|start| {
            let end = (start + per_table).min(events);
            MatrixTable {
                events: report.events[start..end]
                    .iter()
                    .map(|e| reference("event", e.id, true))
                    .collect(),
                rows: report
                    .matrix
                    .iter()
                    .map(|row| MatrixRow {
                        control: reference(
                            "control",
                            row.control,
                            index.control(row.control).is_some(),
                        ),
                        cells: row
                            .cells
                            .get(start..end)
                            .unwrap_or_default()
                            .iter()
                            .map(|c| c.map(cell))
                            .collect(),
                    })
                    .collect(),
            }
        })
        .collect()
}

fn event(index: &Index, e: &ReportEvent) -> EventView {
    EventView {
        target: target("event", e.id),
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
                control: reference("control", l.control, index.control(l.control).is_some()),
                effect: l.effect.name(),
                failure: l.effect.is_failure(),
                note: l.note.map(one_line),
            })
            .collect(),
        analyst: match (e.flagged, e.reviewed) {
            (true, true) => Some("flagged, reviewed"),
            (true, false) => Some("flagged"),
            (false, true) => Some("reviewed"),
            (false, false) => None,
        },
        note: e.note.map(paragraphs).unwrap_or_default(),
    }
}

fn claim(index: &Index, c: &ReportClaim) -> ClaimView {
    ClaimView {
        target: target("claim", c.id),
        id: one_line(c.id),
        portion: portion(&c.portion),
        statement: paragraphs(c.statement),
        status: c.status.name(),
        events: c
            .events
            .iter()
            .map(|id| reference("event", id, index.event(id).is_some()))
            .collect(),
        sources: c.sources.iter().map(|s| cite(index, s)).collect(),
        conflicts: c
            .conflicts_with
            .iter()
            .map(|id| reference("claim", id, index.has_claim(id)))
            .collect(),
    }
}

fn finding(index: &Index, f: &ReportFinding) -> FindingView {
    FindingView {
        target: target("finding", f.id),
        id: one_line(f.id),
        portion: portion(&f.portion),
        title: one_line(f.title),
        statement: paragraphs(f.statement),
        kind: f.kind.name(),
        severity: f.severity.name(),
        likelihood: likelihood_words(f.likelihood_term, f.likelihood),
        confidence: f.confidence.name(),
        events: f
            .events
            .iter()
            .map(|id| {
                let e = index.event(id);
                RestedEvent {
                    event: reference("event", id, e.is_some()),
                    when: e.map(|e| one_line(&e.when_utc)).unwrap_or_default(),
                    portion: e.map(|e| portion(&e.portion)).unwrap_or_default(),
                    title: e.map(|e| one_line(e.title)).unwrap_or_default(),
                    sources: e
                        .map(|e| {
                            e.sources
                                .iter()
                                .map(|c| (source_ref(index, c.source), one_line(&c.admiralty)))
                                .collect()
                        })
                        .unwrap_or_default(),
                }
            })
            .collect(),
        controls: f
            .controls
            .iter()
            .map(|id| RestedControl {
                control: reference("control", id, index.control(id).is_some()),
                title: index
                    .control(id)
                    .map(|c| one_line(c.title))
                    .unwrap_or_default(),
                effects: one_line(&rested_effects(&index.report, f, id)),
            })
            .collect(),
        recommendations: index
            .recommendations_of(f.id)
            .iter()
            .map(|r| reference("recommendation", r.id, true))
            .collect(),
    }
}

fn cite(index: &Index, c: &ReportCitation) -> Cite {
    Cite {
        source: source_ref(index, c.source),
        publisher: one_line(c.publisher),
        admiralty: one_line(&c.admiralty),
        note: c.note.map(one_line),
    }
}

fn source_ref(index: &Index, id: &str) -> Ref {
    reference("source", id, index.sources.contains(id))
}

/// The report's index, with the sources it lists.
struct Index<'a> {
    report: ReportIndex<'a>,
    sources: std::collections::HashSet<&'a str>,
}

impl<'a> std::ops::Deref for Index<'a> {
    type Target = ReportIndex<'a>;

    fn deref(&self) -> &ReportIndex<'a> {
        &self.report
    }
}

fn cell(effect: Effect) -> Cell {
    Cell {
        code: effect_code(effect),
        name: effect.name(),
        failure: effect.is_failure(),
    }
}

/// The label of a part of the report. Typst takes any string as a label,
/// and the kind keeps an event and a claim of the same id apart.
fn target(kind: &str, id: &str) -> String {
    format!("{kind}-{}", one_line(id))
}

fn reference(kind: &str, id: &str, present: bool) -> Ref {
    Ref {
        text: one_line(id),
        target: present.then(|| target(kind, id)),
    }
}

fn portion(marking: &Marking) -> String {
    format!("({})", marking.portion)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The report borrows its record: a test's record lives as long as the test run.
    fn leak<T>(value: T) -> &'static T {
        Box::leak(Box::new(value))
    }

    fn taurus() -> Report<'static> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("incidents/taurus-webex-2024.ron");
        let (record, review, _) =
            crate::cli::load_for_report(&path, &crate::load::LoadOptions::default())
                .unwrap_or_else(|_| panic!("the Taurus record loads"));
        crate::report::build(
            leak(record),
            leak(review),
            &crate::report::ReportOptions::default(),
        )
    }

    #[test]
    fn the_template_lays_out_without_warnings() {
        let report = taurus();
        for paper in Paper::ALL {
            let (document, _, warnings) = layout(&report, paper).expect("laid out");
            assert_eq!(warnings, Vec::<String>::new(), "{paper:?}");
            assert!(document.pages().len() > 10, "{paper:?}");
        }
    }

    #[test]
    fn a_wide_matrix_is_split_evenly_into_tables_of_at_most_24_events() {
        let report = taurus();
        let index = Index {
            report: ReportIndex::new(&report),
            sources: Default::default(),
        };
        let tables = matrix(&report, &index);
        let widths: Vec<usize> = tables.iter().map(|t| t.events.len()).collect();
        assert_eq!(widths.iter().sum::<usize>(), report.events.len());
        assert!(widths.iter().all(|&w| w <= MATRIX_COLUMNS), "{widths:?}");
        assert!(
            widths.iter().max().unwrap_or(&0) - widths.iter().min().unwrap_or(&0) <= 1,
            "{widths:?}"
        );
        let rows = &tables[1].rows[0];
        assert_eq!(
            rows.cells.len(),
            widths[1],
            "each row has a cell per event of its table"
        );
    }

    #[test]
    fn a_report_too_large_to_lay_out_is_refused_with_what_to_do() {
        let mut report = taurus();
        // Just over the limit, in one narrative.
        report.events[0].narrative = leak("word ".repeat(MAX_DATA_BYTES / 5));
        let message = render(&report, Paper::A4).expect_err("refused").to_string();
        assert!(
            message
                .starts_with("cannot render the PDF export: the report is too large for a PDF (2.")
                && message.contains("export HTML"),
            "{message}"
        );
    }

    #[test]
    fn the_fonts_cover_german_cyrillic_and_the_workbench_marks() {
        let mut report = taurus();
        assert_eq!(
            missing_glyphs(&report),
            Vec::<char>::new(),
            "Taurus needs no other font"
        );
        report.record.title = "Größe Прослушка ✗ ≠ ↷ ∅ ✓ · – — … →".into();
        assert_eq!(missing_glyphs(&report), Vec::<char>::new());
        assert_eq!(missing_glyphs_warning(&report), None);
        report.record.title = "泄密事件 陶鲁斯".into();
        let warning = missing_glyphs_warning(&report).expect("a warning");
        assert!(warning.contains("U+6CC4"), "{warning}");
        assert!(
            warning.contains("7 of the report's characters"),
            "{warning}"
        );
    }
}
