//! The Markdown and HTML exports of the report model: what they contain,
//! what the classification ceiling keeps out of them, hostile record text,
//! determinism, and the external validators (`markdownlint-cli2` and the
//! W3C Nu HTML checker) run on fresh exports.

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, TimeZone, Utc};
use hotwash::export::{Variant, html, markdown};
use hotwash::load::LoadOptions;
use hotwash::model::Level;
use hotwash::report::{self, Report, ReportOptions};
use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};

const DEMO: &str = "tests/fixtures/tui/demo.ron";
const TAURUS: &str = "incidents/taurus-webex-2024.ron";
const SIGNAL: &str = "incidents/signal-houthi-2025.ron";
const STRAVA: &str = "incidents/strava-heatmap-2018.ron";
const DISCORD: &str = "incidents/discord-teixeira-2023.ron";
const SNOWDEN: &str = "incidents/snowden-nsa-2013.ron";
const HOSTILE: &str = "tests/fixtures/export/hostile.ron";
const SIGNED: &str = "tests/fixtures/valid/minimal.ron";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn generated() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2030, 2, 1, 12, 0, 0).unwrap()
}

/// The report borrows its record and review: a test's live as long as the run.
fn report(path: &str, max_classification: Option<Level>) -> Report<'static> {
    let (record, review, _) =
        hotwash::cli::load_for_report(&root().join(path), &LoadOptions::default())
            .unwrap_or_else(|problems| panic!("{path} does not load: {problems:#?}"));
    report::build(
        Box::leak(Box::new(record)),
        Box::leak(Box::new(review)),
        &ReportOptions {
            max_classification,
            generated: Some(generated()),
        },
    )
}

fn md(report: &Report) -> String {
    markdown::render(report)
}

fn page(report: &Report) -> String {
    html::render(report).expect("the HTML export renders")
}

fn md_brief(report: &Report) -> String {
    markdown::render_as(report, Variant::Brief)
}

fn page_brief(report: &Report) -> String {
    html::render_as(report, Variant::Brief).expect("the HTML brief renders")
}

/// Text with its line breaks (where prose is wrapped) read as spaces.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// GitHub-flavoured Markdown as pulldown-cmark reads it.
fn gfm(text: &str) -> Vec<Event<'_>> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_GFM
        | Options::ENABLE_MATH;
    Parser::new_ext(text, options).collect()
}

/// The text a reader sees, soft breaks read as spaces.
fn plain_text(events: &[Event<'_>]) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(_) => text.push(' '),
            _ => {}
        }
    }
    text
}

/// The one kind of HTML the Markdown holds: a comment that tells
/// markdownlint about the next line (the banner before the title).
fn is_directive(html: &str) -> bool {
    ["MD041", "MD013"]
        .iter()
        .any(|rule| html == format!("<!-- markdownlint-disable-next-line {rule} -->\n"))
}

/// Checks that the Markdown holds no HTML (but markdownlint's directives)
/// and that every table row has as many cells as its header.
fn assert_sound_markdown(text: &str) {
    let events = gfm(text);
    let mut header_cells = 0;
    let mut cells = 0;
    let mut tables = 0;
    for event in &events {
        match event {
            Event::Html(h) if is_directive(h) => {}
            Event::Html(h) | Event::InlineHtml(h) => panic!("raw HTML in the Markdown: {h:?}"),
            Event::Start(Tag::Table(_)) => tables += 1,
            Event::Start(Tag::TableHead) => cells = 0,
            Event::End(TagEnd::TableHead) => header_cells = cells,
            Event::Start(Tag::TableRow) => cells = 0,
            Event::End(TagEnd::TableRow) => {
                assert_eq!(
                    cells, header_cells,
                    "a table row has the wrong number of cells"
                );
            }
            Event::Start(Tag::TableCell) => cells += 1,
            _ => {}
        }
    }
    assert!(
        tables > 0 || !text.contains("\n| "),
        "a table did not parse"
    );
}

#[test]
fn markdown_has_every_part_of_the_report() {
    let report = report(DEMO, None);
    let text = md(&report);
    assert_sound_markdown(&text);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[..4],
        [
            "<!-- markdownlint-disable-next-line MD041 -->",
            "**NATO RESTRICTED** · TLP:AMBER+STRICT",
            "",
            "# Demo: a call joined from a hotel network",
        ],
        "banner on top, then the title as the one top-level heading"
    );
    assert_eq!(text.matches("\n# ").count(), 1, "one top-level heading");
    assert_eq!(
        lines.last().copied(),
        Some("**NATO RESTRICTED** · TLP:AMBER+STRICT"),
        "banner at the bottom"
    );
    for part in [
        "## Summary",
        "A fictional exercise incident used by the test suite.",
        "**Period:** 2030-01 – 2030-01-10",
        "**Sign-off:** not signed off",
        "**Judgements:** 1 finding (1 root cause) and 1 recommendation (1 planned)",
        "**Record:** demo-hotel-call; 3 of its 4 events are in this report",
        "**Generated:** 2030-02-01T12:00:00Z by hotwash",
        "## Key judgements",
        "(NR) **Hotel network used for a sensitive call**",
        "**Likelihood (ICD 203):** very likely (80–95 %)",
        "**Confidence (ICD 203):** moderate",
        "- **Rests on events:** - [E1](#event-e1) 2030-01-10 15h UTC: (NR) Alpha joins the \
         call over hotel Wi-Fi. **Sources:** memo B2.",
        // At the events it rests on; the control's other links are counted.
        "- **Rests on controls:** - **SC-8** Transmission Confidentiality and Integrity: E1 \
         failed; 1 other event in this report links it. - **AC-17** Remote Access: E1 not \
         followed.",
        "## Recommendations",
        "| R1 | [F1](#finding-f1) | (NR) Issue travel kits with a protected link. | Security office | 2030-03-01 | planned |",
        "## Timeline",
        "| Event | Time | Title | Actors | Sources | Control effects |",
        "2030-01-10 15h UTC (hour); 2030-01-10 23h +08:00 in Asia/Singapore",
        "(NR) Alpha joins the call over hotel Wi-Fi",
        "Officer Alpha, Officer Bravo",
        "memo B2",
        "SC-8 failed, AC-17 not followed, IA-2 held",
        "## Control effects by event",
        "| SC-8 | Transmission Confidentiality and Integrity | [E1](#event-e1) failed, [E2](#event-e2) failed |",
        "| IA-2 | Identification and Authentication (Organizational Users) | [E1](#event-e1) held |",
        "**Linked to no event in this report:** IR-4.",
        "## Claims",
        "(NU) The call was joined over a mobile phone.",
        "**Status:** disputed",
        "## Sources",
        "<https://example.org/memo>",
        "Source reliability F (reliability cannot be judged).",
        &report.withheld_line(),
    ] {
        assert!(flat(&text).contains(part), "missing {part:?} in:\n{text}");
    }
    // From the judgement down: each section after the one before it.
    let at = |heading: &str| {
        text.find(&format!("\n{heading}\n"))
            .unwrap_or_else(|| panic!("no {heading:?}"))
    };
    let order = [
        "# Demo: a call joined from a hotel network",
        "## Summary",
        "## Key judgements",
        "## Recommendations",
        "## Timeline",
        "## Control effects by event",
        "## Controls",
        "## Events",
        "## Claims",
        "## Sources",
    ];
    for pair in order.windows(2) {
        assert!(
            at(pair[0]) < at(pair[1]),
            "{} comes before {}",
            pair[0],
            pair[1]
        );
    }
    assert!(
        !text.contains("Bravo reports a suspected leak"),
        "E3 was left out by the analyst"
    );
}

#[test]
fn html_has_every_part_of_the_report() {
    let report = report(DEMO, None);
    let text = page(&report);
    assert!(text.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert_eq!(
        text.matches(r#"<span class="classification">NATO RESTRICTED</span>"#)
            .count(),
        2,
        "banner at the top and the bottom"
    );
    assert_eq!(
        text.matches(r#"<span class="tlp tlp-amber">TLP:AMBER+STRICT</span>"#)
            .count(),
        2
    );
    for part in [
        "<meta charset=\"utf-8\">",
        "<title>NATO RESTRICTED · TLP:AMBER+STRICT · Demo: a call joined from a hotel network</title>",
        "@media print",
        "<time datetime=\"2030-02-01T12:00:00Z\">",
        "not signed off",
        "<span class=\"portion\">(NR)</span> Alpha joins the call over hotel Wi-Fi",
        "<td class=\"failure\"><abbr title=\"not followed\">NF</abbr></td>",
        "<li><strong>Likelihood (ICD 203):</strong> very likely (80–95 %)</li>",
        "<li><strong>Confidence (ICD 203):</strong> moderate</li>",
        "<td>Security office</td>",
        "<a href=\"https://example.org/memo\" rel=\"noreferrer\">",
        "The call was joined over a mobile phone.",
        &report.withheld_line(),
    ] {
        assert!(text.contains(part), "missing {part:?}");
    }
    assert!(!text.contains("Bravo reports a suspected leak"));
    assert!(!text.contains("<script"), "no script");
    // Nothing is fetched: the only addresses are those of the sources.
    for url in text.split("https://").skip(1) {
        assert!(
            url.starts_with("example.org/"),
            "unexpected address {url:.40}"
        );
    }
}

/// The `id`s of the `<section>`s of an HTML report, in order.
fn html_sections(text: &str) -> Vec<&str> {
    text.split("<section id=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect()
}

#[test]
fn html_reads_from_the_judgement_down() {
    let text = page(&report(DEMO, None));
    assert_eq!(
        html_sections(&text),
        [
            "summary",
            "judgements",
            "recommendations",
            "timeline",
            "matrix",
            "controls",
            "events",
            "claims",
            "sources"
        ]
    );
    let banner = text.find("<header class=\"banner").expect("the banner");
    let title = text
        .find("<h1>Demo: a call joined from a hotel network</h1>")
        .expect("the title is the heading");
    assert!(banner < title, "the banner first");
    for part in [
        "<dt>Period</dt><dd>2030-01 – 2030-01-10</dd>",
        "<dt>Sign-off</dt><dd class=\"signoff-none\">not signed off</dd>",
        "<dt>Judgements</dt><dd>1 finding (1 root cause) and 1 recommendation (1 planned)</dd>",
        "<h2>Key judgements</h2>",
        "<li><a href=\"#event-E1\">E1</a> 2030-01-10 15h UTC: <span class=\"portion\">(NR)</span> \
         Alpha joins the call over hotel Wi-Fi. <strong>Sources:</strong> \
         <a href=\"#source-memo\">memo</a> B2.</li>",
        "<li><strong><a href=\"#control-SC-8\">SC-8</a></strong> Transmission Confidentiality and \
         Integrity: E1 failed; 1 other event in this report links it.</li>",
        // The full matrix stays in HTML.
        "<td class=\"failure\"><abbr title=\"not followed\">NF</abbr></td>",
    ] {
        assert!(text.contains(part), "missing {part:?}");
    }
}

/// A brief holds the summary, the judgements, the recommendations and
/// the sources the judgements cite, and nothing that links to a section
/// it leaves out.
#[test]
fn a_brief_holds_the_judgements_and_only_the_sources_they_cite() {
    let report = report(TAURUS, None);
    let index = hotwash::report::ReportIndex::new(&report);
    let cited = index.judgement_sources();
    assert!(!cited.is_empty() && cited.len() < report.sources.len());

    let text = md_brief(&report);
    assert_sound_markdown(&text);
    let headings: Vec<&str> = text.lines().filter(|l| l.starts_with("## ")).collect();
    assert_eq!(
        headings,
        [
            "## Summary",
            "## Key judgements",
            "## Recommendations",
            "## Sources"
        ]
    );
    assert!(flat(&text).contains("**Brief:** the key judgements and recommendations"));
    let sources_part = &text[text.find("\n## Sources\n").expect("sources")..];
    let listed: std::collections::HashSet<&str> = sources_part
        .lines()
        .filter_map(|l| l.strip_prefix("- **")?.split("**").next())
        .collect();
    let cited_ids: std::collections::HashSet<&str> = cited.iter().copied().collect();
    assert_eq!(listed, cited_ids, "exactly the sources the judgements cite");
    for f in &report.findings {
        assert!(text.contains(&format!("### Finding {}", f.id)));
    }
    assert!(!text.contains("](#event-") && !text.contains("](#claim-"));

    let html = page_brief(&report);
    assert_eq!(
        html_sections(&html),
        ["summary", "judgements", "recommendations", "sources"]
    );
    assert_eq!(html.matches("<li id=\"source-").count(), cited.len());
    for bad in ["href=\"#event-", "href=\"#claim-", "href=\"#control-"] {
        assert!(
            !html.contains(bad),
            "{bad}: a link to a section the brief leaves out"
        );
    }
}

#[test]
fn signoff_shows_its_content_hash() {
    let report = report(SIGNED, None);
    let hash = report.signoff.hash.expect("the fixture is signed off");
    let status = report.signoff.describe();
    let text = md(&report);
    assert!(text.contains(&format!("`{hash}`")), "{text}");
    assert!(flat(&text).contains(&status));
    let text = page(&report);
    assert!(text.contains(&format!("<code>{hash}</code>")));
    assert!(text.contains(&status));
}

#[test]
fn the_ceiling_keeps_restricted_portions_out_and_lowers_the_banner() {
    let report = report(DEMO, Some(Level::Unclassified));
    assert!(report.withheld.portions > 0);
    let withheld = report.withheld_line();
    assert!(withheld.contains("above NATO UNCLASSIFIED"), "{withheld}");

    let text = md(&report);
    assert_sound_markdown(&text);
    assert!(text.starts_with(
        "<!-- markdownlint-disable-next-line MD041 -->\n**NATO UNCLASSIFIED** · TLP:AMBER+STRICT\n"
    ));
    assert!(text.ends_with("**NATO UNCLASSIFIED** · TLP:AMBER+STRICT\n"));
    let html = page(&report);
    assert!(html.contains(r#"<span class="classification">NATO UNCLASSIFIED</span>"#));
    assert!(html.contains("level-unclassified"));
    for text in [&text, &html] {
        for gone in [
            "NATO RESTRICTED",
            "(NR)",
            "Alpha joins the call over hotel Wi-Fi",
            "Hotel network used for a sensitive call",
            "Issue travel kits",
            "finding-f1",
            "finding-F1",
            "Root of the leak.",
        ] {
            assert!(!text.contains(gone), "{gone:?} is above the ceiling");
        }
        assert!(
            flat(text).contains(&withheld),
            "the withheld line is missing"
        );
        assert!(text.contains("The call is recorded"), "E2 is unclassified");
    }
}

#[test]
fn hostile_markdown_stays_text() {
    let report = report(HOSTILE, None);
    let text = md(&report);
    assert_sound_markdown(&text);
    let events = gfm(&text);
    let mut headings = Vec::new();
    let mut heading = None::<String>;
    for event in &events {
        match event {
            Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
            Event::Text(t) if heading.is_some() => heading.as_mut().unwrap().push_str(t),
            Event::End(TagEnd::Heading(_)) => headings.extend(heading.take()),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) => {
                let to_heading = dest_url.starts_with('#') && *link_type == LinkType::Inline;
                let to_source = *link_type == LinkType::Autolink
                    && dest_url.as_ref() == "https://example.org/a_b*c(d)?q=1&r=2#frag";
                assert!(to_heading || to_source, "unexpected link to {dest_url:?}");
            }
            Event::Start(
                tag @ (Tag::Image { .. }
                | Tag::CodeBlock(_)
                | Tag::BlockQuote(_)
                | Tag::Emphasis
                | Tag::Strikethrough
                | Tag::FootnoteDefinition(_)),
            ) => panic!("record text became markup: {tag:?}"),
            Event::Rule | Event::InlineMath(_) | Event::DisplayMath(_) => {
                panic!("record text became markup: {event:?}")
            }
            _ => {}
        }
    }
    // The title is the one heading of record text, and it is text.
    assert_eq!(
        headings.first().map(String::as_str),
        Some(report.record.title.as_ref()),
        "the title, read back as itself"
    );
    let fixed = [
        "Summary",
        "Key judgements",
        "Finding F1",
        "Recommendations",
        "Timeline",
        "Control effects by event",
        "Controls",
        "Events",
        "Event E1",
        "Event E.1",
        "Claims",
        "Claim C1",
        "Claim C2",
        "Sources",
    ];
    assert_eq!(headings[1..], fixed, "record text made a heading");
    // The two events whose headings share an anchor link to their own.
    assert!(text.contains("[E1](#event-e1)") && text.contains("[E.1](#event-e1-1)"));

    // Read back, the text is what the record says.
    let seen = plain_text(&events);
    for hostile in [
        "<script>alert(1)</script>",
        r#""><img src=x onerror=alert(1)>"#,
        "| pipe |",
        "*bold*",
        "`tick`",
        "[link](javascript:alert(1))",
        "# heading",
        "&amp; &#60;script&#62;",
        "https://evil.example/path www.evil.example user@evil.example $x^2$ ~~strike~~",
        "- starts like a list",
        "+ plus = equals 12. twelve #hash",
        "| owner | `x` <img src=x onerror=alert(1)>",
        "do *this* then that",
        r#"https://example.org/x"><script>alert(1)</script>"#,
    ] {
        assert!(
            seen.contains(hostile),
            "{hostile:?} was not kept as text in:\n{seen}"
        );
    }
    assert!(
        seen.contains("bell\u{FFFD}here"),
        "a control character is shown as U+FFFD"
    );
    assert!(!text.contains("Left out by the analyst"));
}

#[test]
fn hostile_html_stays_inert() {
    let report = report(HOSTILE, None);
    let text = page(&report);
    assert!(!text.contains("<script"), "a script element");
    assert!(!text.contains("<img"), "an img element");
    assert!(!text.contains("<div onclick"));
    // Every tag is ours: none carries an event handler or a script address.
    for tag in text.split('<').skip(1) {
        let tag = tag
            .split('>')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        for bad in ["onerror", "onclick", "javascript:"] {
            assert!(!tag.contains(bad), "<{tag}> carries {bad}");
        }
    }
    assert!(text.contains(
        "&#60;script&#62;alert(1)&#60;/script&#62; &#34;&#62;&#60;img src=x onerror=alert(1)&#62;"
    ));
    // The address that is not a plain web address is shown, not linked.
    assert!(!text.contains("href=\"https://example.org/x"));
    assert!(text.contains("<code>https://example.org/x&#34;&#62;&#60;script&#62;"));
    assert!(text.contains("bell\u{FFFD}here"));
    assert!(!text.contains('\u{7}'));
    assert!(!text.contains("Left out by the analyst"));
}

#[test]
fn exports_are_deterministic() {
    for path in [DEMO, TAURUS, HOSTILE] {
        let (a, b) = (report(path, None), report(path, None));
        assert_eq!(md(&a), md(&b), "{path}: Markdown differs");
        assert_eq!(page(&a), page(&b), "{path}: HTML differs");
    }
}

/// The validators, installed by `npm install --prefix .ci/node` from
/// `.ci/node/package.json`, and the Java that runs vnu.
struct Validators {
    markdownlint: PathBuf,
    vnu: PathBuf,
}

fn validators() -> Option<Validators> {
    let node = root().join(".ci/node/node_modules");
    let found = Validators {
        markdownlint: node.join(".bin/markdownlint-cli2"),
        vnu: node.join("vnu-jar/build/dist/vnu.jar"),
    };
    let java = Command::new("java")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    let missing: Vec<&str> = [
        (!found.markdownlint.exists()).then_some("markdownlint-cli2"),
        (!found.vnu.exists()).then_some("vnu.jar"),
        (!java).then_some("java"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if missing.is_empty() {
        return Some(found);
    }
    let message = format!(
        "missing {} (run `npm install --prefix .ci/node` and install a Java runtime)",
        missing.join(", ")
    );
    if std::env::var("HOTWASH_REQUIRE_VALIDATORS").is_ok_and(|v| v == "1") {
        panic!("HOTWASH_REQUIRE_VALIDATORS=1 but {message}");
    }
    eprintln!("skipping the external validators: {message}");
    None
}

#[test]
fn exports_pass_markdownlint_and_the_nu_html_checker() {
    let Some(tools) = validators() else {
        return;
    };
    // Outside the repository, so that no configuration file of ours applies:
    // markdownlint-cli2 runs with its default rules.
    let dir =
        std::env::temp_dir().join(format!("hotwash-export-validators-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create the temporary folder");
    let cases = [
        ("demo", DEMO, None),
        ("demo-unclassified", DEMO, Some(Level::Unclassified)),
        ("taurus", TAURUS, None),
        // Every bundled record passes too: each reaches the analyst as a report.
        ("signal", SIGNAL, None),
        ("strava", STRAVA, None),
        ("discord", DISCORD, None),
        ("snowden", SNOWDEN, None),
        ("hostile", HOSTILE, None),
        // No findings or recommendations are left: the empty sections.
        ("hostile-unclassified", HOSTILE, Some(Level::Unclassified)),
        ("signed", SIGNED, None),
    ];
    let (mut md_files, mut html_files) = (Vec::new(), Vec::new());
    for (name, path, ceiling) in cases {
        let report = report(path, ceiling);
        for (variant, md_text, html_text) in [
            ("", md(&report), page(&report)),
            (".brief", md_brief(&report), page_brief(&report)),
        ] {
            let md_name = format!("{name}{variant}.md");
            std::fs::write(dir.join(&md_name), md_text).expect("write the Markdown");
            md_files.push(md_name);
            let html_path = dir.join(format!("{name}{variant}.html"));
            std::fs::write(&html_path, html_text).expect("write the HTML");
            html_files.push(html_path);
        }
    }

    let lint = Command::new(&tools.markdownlint)
        .args(&md_files)
        .current_dir(&dir)
        .output()
        .expect("run markdownlint-cli2");
    let vnu = Command::new("java")
        .arg("-jar")
        .arg(&tools.vnu)
        .arg("--errors-only")
        .args(&html_files)
        .output()
        .expect("run vnu");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        lint.status.success(),
        "markdownlint-cli2 failed:\n{}{}",
        String::from_utf8_lossy(&lint.stdout),
        String::from_utf8_lossy(&lint.stderr)
    );
    assert!(
        vnu.status.success(),
        "vnu --errors-only failed:\n{}{}",
        String::from_utf8_lossy(&vnu.stdout),
        String::from_utf8_lossy(&vnu.stderr)
    );
}

/// The demo report with a three-line statement (two lines, a blank line,
/// a third) on its finding and a two-line note on its event E1.
fn multi_line_report() -> Report<'static> {
    let mut r = report(DEMO, None);
    r.findings[0].statement =
        "First line of evidence.\nSecond line: the judgement.\n\nA new paragraph.";
    let e1 = r
        .events
        .iter_mut()
        .find(|e| e.id == "E1")
        .expect("E1 is in the report");
    e1.note = Some("Invoice not archived.\nCheck: the hotel log.");
    r
}

/// The paragraphs (and list items) of `text` as a GFM reader sees them, each as its lines
/// (hard breaks split lines, soft breaks read as spaces).
fn md_paragraphs(text: &str) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut current: Option<Vec<String>> = None;
    for event in gfm(text) {
        match event {
            // A tight list item holds its text without a paragraph.
            Event::Start(Tag::Paragraph | Tag::Item) => {
                out.extend(current.take().filter(|p| p != &[""]));
                current = Some(vec![String::new()]);
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item) => {
                out.extend(current.take().filter(|p| p != &[""]));
            }
            Event::HardBreak => {
                if let Some(p) = current.as_mut() {
                    p.push(String::new());
                }
            }
            Event::SoftBreak => {
                if let Some(line) = current.as_mut().and_then(|p| p.last_mut()) {
                    line.push(' ');
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(line) = current.as_mut().and_then(|p| p.last_mut()) {
                    line.push_str(&t);
                }
            }
            _ => {}
        }
    }
    out
}

#[test]
fn markdown_keeps_line_breaks_and_paragraphs_of_statements_and_notes() {
    let text = md(&multi_line_report());
    assert_sound_markdown(&text);
    let paragraphs = md_paragraphs(&text);
    assert!(
        paragraphs.contains(&vec![
            "(NR) First line of evidence.".to_string(),
            "Second line: the judgement.".to_string()
        ]),
        "two lines, one paragraph, a hard break between:\n{text}"
    );
    assert!(
        paragraphs.contains(&vec!["(NR) A new paragraph.".to_string()]),
        "the blank line starts a paragraph:\n{text}"
    );
    assert!(
        paragraphs.iter().any(|p| p
            == &vec![
                "Analyst's note: Invoice not archived.".to_string(),
                "Check: the hotel log.".to_string()
            ]),
        "the note keeps its two lines:\n{paragraphs:#?}"
    );
    // The hard break is a backslash that ends the line.
    assert!(text.contains("(NR) First line of evidence.\\\nSecond line: the judgement.\n"));
}

#[test]
fn html_keeps_line_breaks_and_paragraphs_of_statements_and_notes() {
    let text = page(&multi_line_report());
    assert!(
        text.contains(
            "<p><span class=\"portion\">(NR)</span> First line of evidence.<br>Second line: the judgement.</p>"
        ),
        "{text}"
    );
    assert!(text.contains("<p><span class=\"portion\">(NR)</span> A new paragraph.</p>"));
    assert!(
        text.contains(
            "<li><strong>Analyst's note:</strong> Invoice not archived.<br>Check: the hotel log.</li>"
        ),
        "{text}"
    );
}

#[test]
fn markdown_and_html_of_multi_line_text_pass_the_validators() {
    let Some(tools) = validators() else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("hotwash-multi-line-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create the temporary folder");
    let mut r = multi_line_report();
    // A note of two paragraphs too: a blank line inside a list item.
    r.events[0].note = Some("One line.\nAnother.\n\nA second paragraph.");
    let report = r;
    std::fs::write(dir.join("multi.md"), md(&report)).expect("write the Markdown");
    std::fs::write(dir.join("multi.html"), page(&report)).expect("write the HTML");
    let lint = Command::new(&tools.markdownlint)
        .arg("multi.md")
        .current_dir(&dir)
        .output()
        .expect("run markdownlint-cli2");
    let vnu = Command::new("java")
        .arg("-jar")
        .arg(&tools.vnu)
        .arg("--errors-only")
        .arg(dir.join("multi.html"))
        .output()
        .expect("run vnu");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        lint.status.success(),
        "markdownlint-cli2 failed:\n{}{}",
        String::from_utf8_lossy(&lint.stdout),
        String::from_utf8_lossy(&lint.stderr)
    );
    assert!(
        vnu.status.success(),
        "vnu failed:\n{}{}",
        String::from_utf8_lossy(&vnu.stdout),
        String::from_utf8_lossy(&vnu.stderr)
    );
}
