//! The HTML report on every screen and on paper: the responsive screen
//! layout, the print layout (paper size, page numbers, repeated headers,
//! dates that never wrap) and the timeline figure; then the page in a real
//! browser, headless Chromium, at a phone's width and printed to PDF.
//!
//! The browser checks run when `chromium` is installed (and `pdfinfo` for
//! the paper size) and are required with HOTWASH_REQUIRE_VALIDATORS=1, as
//! in `.ci/run`.

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{TimeZone, Utc};
use hotwash::export::figure::Figure;
use hotwash::export::{Format, Layout, Paper, Variant, render_with};
use hotwash::load::LoadOptions;
use hotwash::report::{self, Report, ReportOptions};

const RECORDS: [&str; 4] = [
    "incidents/taurus-webex-2024.ron",
    "incidents/signal-houthi-2025.ron",
    "incidents/strava-heatmap-2018.ron",
    "tests/fixtures/export/hostile.ron",
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The report borrows its record and review: a test's live as long as the run.
fn report(path: &str) -> Report<'static> {
    let (record, review, _) =
        hotwash::cli::load_for_report(&root().join(path), &LoadOptions::default())
            .unwrap_or_else(|problems| panic!("{path} does not load: {problems:#?}"));
    report::build(
        Box::leak(Box::new(record)),
        Box::leak(Box::new(review)),
        &ReportOptions {
            max_classification: None,
            generated: Utc.with_ymd_and_hms(2030, 2, 1, 12, 0, 0).single(),
        },
    )
}

fn page(report: &Report, variant: Variant, paper: Paper) -> String {
    render_with(report, Format::Html, Layout { variant, paper }).expect("the page renders")
}

fn taurus() -> String {
    page(&report(RECORDS[0]), Variant::Full, Paper::A4)
}

/// The text of `section` (its id) in the page.
fn section<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page
        .find(&format!("<section id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no section {id}"));
    let end = page[start..].find("</section>").expect("the section ends") + start;
    &page[start..end]
}

#[test]
fn on_screen_the_print_frame_is_blocks_and_wide_parts_scroll_in_their_box() {
    let page = taurus();
    // The frame table, which grew the page to its widest content, is laid
    // out as blocks on screen and is a table for print only.
    assert!(page.contains(
        "@media screen {\n  .frame, .frame > tbody, .frame > tbody > tr, .frame > tbody > tr > td { display: block; }\n}"
    ));
    assert!(page.contains(".scroll { overflow-x: auto; max-width: 100%; }"));
    assert!(page.contains("grid-template-columns: max-content minmax(0, 1fr)"));
    assert!(page.contains("@media (max-width: 40rem)"));
    // The wide tables, and the figure, each scroll inside a box of their own.
    for (id, table) in [
        ("timeline", "<table class=\"data timeline\">"),
        ("matrix", "<table class=\"data matrix\">"),
        ("recommendations", "<table class=\"data\">"),
    ] {
        let s = section(&page, id);
        assert!(
            s.contains(&format!("<div class=\"scroll\">\n{table}")),
            "{id}: the table is not in its own scrolling box"
        );
    }
    assert!(section(&page, "timeline").contains("<div class=\"scroll figure-box\">\n<svg"));
}

#[test]
fn due_dates_never_wrap() {
    let page = taurus();
    assert!(page.contains("td.date { white-space: nowrap; }"));
    let recs = section(&page, "recommendations");
    let rows = recs.matches("<tr id=\"recommendation-").count();
    assert!(rows > 0);
    assert_eq!(
        recs.matches("<td class=\"date\">").count(),
        rows,
        "every due date is a date cell"
    );
    assert!(recs.contains("<td class=\"date\">2025-09-30</td>"));
}

#[test]
fn print_is_a4_unless_letter_is_asked_for_numbered_with_headers_repeated() {
    let report = report(RECORDS[0]);
    let a4 = page(&report, Variant::Full, Paper::A4);
    let letter = page(&report, Variant::Full, Paper::Letter);
    assert!(a4.contains("@page {\n  size: A4;\n  margin: 12mm;"));
    assert!(letter.contains("@page {\n  size: letter;\n  margin: 12mm;"));
    assert_eq!(
        a4.replace("size: A4;", "size: letter;"),
        letter,
        "the paper changes nothing else"
    );
    // The brief is printed on the same paper.
    assert!(page(&report, Variant::Brief, Paper::Letter).contains("size: letter;"));
    for part in [
        "@bottom-right {\n    content: \"page \" counter(page) \" of \" counter(pages);",
        "  thead { display: table-header-group; }",
        // Banners on every page: the frame's rows keep room for them.
        "  .frame > thead { display: table-header-group; }",
        "  .frame > tfoot { display: table-footer-group; }",
        "  .banner { position: fixed;",
        // The figure is never cut across two pages, nor wider than one.
        "figure.timeline-figure { break-inside: avoid; }",
        "  .figure-box svg { min-width: 0; }",
    ] {
        assert!(a4.contains(part), "missing {part:?}");
    }
}

#[test]
fn the_timeline_figure_opens_the_timeline() {
    let page = taurus();
    assert_eq!(page.matches("<svg").count(), 1, "one figure");
    let timeline = section(&page, "timeline");
    let svg = timeline.find("<svg").expect("the figure");
    let table = timeline
        .find("<table class=\"data timeline\">")
        .expect("the table");
    assert!(svg < table, "the figure comes before the table");
    for part in [
        "role=\"img\" aria-labelledby=\"timeline-figure-title timeline-figure-desc\"",
        "<title id=\"timeline-figure-title\">Timeline: events, control effects and when it became known (UTC)</title>",
        // Each row links to its event, the lag is said, and so are the gaps.
        "<a href=\"#event-E01\"><text",
        "<a href=\"#event-E14a\"><text",
        ">lag</text>",
        "0–60 days: from the first failure (E00) to when it became known (2024-03-01, E01)",
        "font-style=\"italic\">50 d gap</text>",
        // The caption says it in words for those who do not see it.
        "<figcaption>30 events in the record&#39;s order, from 2024 to 2025-05-27; 5 where a control failed",
        "Detection lag: 0–60 days, from the first failure (E00) to when it became known (2024-03-01, E01).</figcaption>",
    ] {
        assert!(timeline.contains(part), "missing {part:?}");
    }
    // No script, nothing fetched, no colour that carries meaning alone:
    // the shapes are ink on white.
    let figure = &timeline[svg..timeline.find("</svg>").expect("the end")];
    assert!(!figure.contains("<script") && !figure.contains("<image"));
    assert!(!figure.contains("http") || figure.matches("http").count() == 1);
    // A brief has no timeline, so no figure.
    let brief = page_of_brief();
    assert!(!brief.contains("<svg"));
}

fn page_of_brief() -> String {
    page(&report(RECORDS[0]), Variant::Brief, Paper::A4)
}

#[test]
fn record_text_in_the_figure_is_escaped() {
    let report = report(RECORDS[3]);
    let page = page(&report, Variant::Full, Paper::A4);
    let timeline = section(&page, "timeline");
    assert!(timeline.contains(
        "<title>E1, 2024-02-19 15:40 UTC (minute): &#60;script&#62;alert(1)&#60;/script&#62; &#34;&#62;&#60;img src=x onerror=alert(1)&#62;"
    ));
    let svg = Figure::new(&report).expect("a figure").svg().expect("svg");
    assert!(!svg.contains("<script") && !svg.contains("<img"));
}

/// The validators of `tests/export_markdown_html.rs`: vnu, run by Java.
fn vnu() -> Option<PathBuf> {
    let jar = root().join(".ci/node/node_modules/vnu-jar/build/dist/vnu.jar");
    let java = Command::new("java")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    if jar.exists() && java {
        return Some(jar);
    }
    required_or_skip("vnu.jar and java (npm install --prefix .ci/node)");
    None
}

fn required_or_skip(missing: &str) {
    if std::env::var("HOTWASH_REQUIRE_VALIDATORS").is_ok_and(|v| v == "1") {
        panic!("HOTWASH_REQUIRE_VALIDATORS=1 but {missing} is missing");
    }
    eprintln!("skipping: {missing} is missing");
}

/// A scratch folder, removed however the test ends.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("hotwash-html-layout-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch folder");
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn the_standalone_figure_is_valid_svg() {
    let Some(jar) = vnu() else {
        return;
    };
    let dir = Scratch::new("svg");
    let mut files = Vec::new();
    for path in RECORDS {
        let svg = Figure::new(&report(path))
            .expect("a figure")
            .svg()
            .expect("svg");
        let name = Path::new(path)
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("a name");
        let file = dir.0.join(format!("{name}.svg"));
        std::fs::write(&file, svg).expect("write");
        files.push(file);
    }
    let out = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--svg", "--errors-only"])
        .args(&files)
        .output()
        .expect("run vnu");
    assert!(
        out.status.success(),
        "vnu --svg failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn chromium() -> Option<&'static str> {
    let found = Command::new("chromium")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        return Some("chromium");
    }
    required_or_skip("chromium");
    None
}

fn headless(chromium: &str) -> Command {
    let mut c = Command::new(chromium);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-extensions",
    ]);
    c
}

/// The page's layout as the browser sees it in a frame `width` pixels
/// wide: `clientWidth scrollWidth`, then the elements outside any
/// scrolling box that reach past the window's right edge.
fn measure(chromium: &str, dir: &Path, page: &Path, width: u32) -> String {
    let name = page.file_name().and_then(|n| n.to_str()).expect("name");
    // The report itself has no script; this frame around it measures it.
    let probe = format!(
        r#"<!DOCTYPE html><html><body style="margin:0">
<iframe id="f" src="{name}" style="width:{width}px;height:900px;border:0"></iframe>
<pre id="out">not measured</pre>
<script>
document.getElementById('f').addEventListener('load', () => {{
  const d = document.getElementById('f').contentDocument;
  const w = d.documentElement.clientWidth;
  const wide = [];
  for (const el of d.body.querySelectorAll('*')) {{
    if (el.getBoundingClientRect().right <= w + 0.5) continue;
    let p = el.parentElement, boxed = false;
    for (; p; p = p.parentElement) if (getComputedStyle(p).overflowX === 'auto') {{ boxed = true; break; }}
    if (!boxed) wide.push(el.tagName.toLowerCase());
  }}
  document.getElementById('out').textContent = 'measured ' + w + ' ' + d.documentElement.scrollWidth + ' ' + wide.slice(0, 5).join(' ');
}});
</script></body></html>"#
    );
    let probe_path = dir.join(format!("probe-{width}-{name}"));
    std::fs::write(&probe_path, probe).expect("write the probe");
    let out = headless(chromium)
        .args([
            "--allow-file-access-from-files",
            "--virtual-time-budget=10000",
            "--dump-dom",
        ])
        .arg(format!("file://{}", probe_path.display()))
        .output()
        .expect("run chromium");
    let dom = String::from_utf8_lossy(&out.stdout);
    dom.split("<pre id=\"out\">")
        .nth(1)
        .and_then(|rest| rest.split("</pre>").next())
        .unwrap_or_default()
        .to_string()
}

#[test]
fn at_a_phones_width_the_page_never_scrolls_sideways() {
    let Some(chromium) = chromium() else {
        return;
    };
    let dir = Scratch::new("phone");
    for path in RECORDS {
        let report = report(path);
        for (variant, suffix) in [(Variant::Full, ""), (Variant::Brief, ".brief")] {
            let stem = Path::new(path)
                .file_stem()
                .and_then(|s| s.to_str())
                .expect("a name");
            let file = dir.0.join(format!("{stem}{suffix}.html"));
            std::fs::write(&file, page(&report, variant, Paper::A4)).expect("write");
            for width in [390, 1280] {
                let seen = measure(chromium, &dir.0, &file, width);
                let numbers: Vec<&str> = seen.split(' ').collect();
                assert!(
                    numbers.len() >= 3 && numbers[0] == "measured",
                    "{path}{suffix} at {width} px: not measured ({seen:?})"
                );
                assert_eq!(
                    numbers[1], numbers[2],
                    "{path}{suffix} at {width} px: the page is wider than the window \
                     (clientWidth scrollWidth, then what sticks out): {seen}"
                );
            }
        }
    }
}

#[test]
fn printed_the_page_has_the_paper_asked_for() {
    let Some(chromium) = chromium() else {
        return;
    };
    let pdfinfo = Command::new("pdfinfo").arg("-v").output().is_ok();
    if !pdfinfo {
        required_or_skip("pdfinfo (poppler-utils)");
        return;
    }
    let dir = Scratch::new("print");
    let report = report(RECORDS[0]);
    for (paper, size) in [
        (Paper::A4, "594.96 x 841.92 pts (A4)"),
        (Paper::Letter, "612 x 792 pts (letter)"),
    ] {
        let html = dir.0.join(format!("{}.html", paper.name()));
        let pdf = dir.0.join(format!("{}.pdf", paper.name()));
        std::fs::write(&html, page(&report, Variant::Full, paper)).expect("write");
        let out = headless(chromium)
            .arg("--no-pdf-header-footer")
            .arg(format!("--print-to-pdf={}", pdf.display()))
            .arg(format!("file://{}", html.display()))
            .output()
            .expect("run chromium");
        assert!(pdf.is_file(), "{}", String::from_utf8_lossy(&out.stderr));
        let info = Command::new("pdfinfo").arg(&pdf).output().expect("pdfinfo");
        let info = String::from_utf8_lossy(&info.stdout);
        let pages: usize = info
            .lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .and_then(|n| n.trim().parse().ok())
            .expect("a page count");
        assert!(
            info.lines()
                .any(|l| l.starts_with("Page size:") && l.ends_with(size)),
            "{}: {info}",
            paper.name()
        );
        // Every page is numbered "page N of M" in its bottom margin, under
        // the banner, and opens with the banner.
        let mut all = String::new();
        for n in 1..=pages {
            let text = Command::new("pdftotext")
                .args(["-layout", "-f", &n.to_string(), "-l", &n.to_string()])
                .arg(&pdf)
                .arg("-")
                .output()
                .expect("pdftotext");
            let text = String::from_utf8_lossy(&text.stdout).into_owned();
            let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
            let banner = |line: &str| line.contains("OFFEN") && line.contains("TLP:CLEAR");
            let name = paper.name();
            assert!(
                lines.first().is_some_and(|l| banner(l)),
                "{name} page {n}: {lines:?}"
            );
            let last = lines.len() - 1;
            assert_eq!(
                lines[last].trim(),
                format!("page {n} of {pages}"),
                "{name} page {n}"
            );
            assert!(banner(lines[last - 1]), "{name} page {n}: {lines:?}");
            all.push_str(&text);
        }
        let text = all;
        // Due dates whole on one line.
        assert!(text.contains("2025-09-30"), "{}", paper.name());
    }
}
