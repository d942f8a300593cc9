//! The PDF export as a user and the tools that receive it see it: the real
//! binary writes it, and tools that did not write it read it back: qpdf
//! (structure), pdffonts (every font embedded), pdfinfo (pages, paper size,
//! tagging) and pdftotext (the banner on the first and last line of every
//! page, "Page N of M", every finding title, repeated table headers, record
//! text shown as text). A golden file holds the Taurus PDF's extracted text,
//! not its bytes.
//!
//! The poppler and qpdf checks skip when the tools are missing, unless
//! HOTWASH_REQUIRE_VALIDATORS=1 (as in .ci/run). Set HOTWASH_UPDATE_GOLDEN=1
//! to rewrite tests/golden/taurus.pdf.txt, then review the diff.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::{TimeZone, Utc};
use hotwash::export::{Paper, pdf};
use hotwash::load::LoadOptions;
use hotwash::report::{self, Report, ReportOptions};

const EPOCH: &str = "1717689600"; // 2024-06-06T16:00:00Z
const TAURUS: &str = "incidents/taurus-webex-2024.ron";
const SIGNAL: &str = "incidents/signal-houthi-2025.ron";
const STRAVA: &str = "incidents/strava-heatmap-2018.ron";
const DISCORD: &str = "incidents/discord-teixeira-2023.ron";
const SNOWDEN: &str = "incidents/snowden-nsa-2013.ron";
const DEMO: &str = "tests/fixtures/tui/demo.ron";
const HOSTILE: &str = "tests/fixtures/export/hostile.ron";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A scratch folder, removed however the test ends.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("hotwash-export-pdf-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch folder");
        Scratch(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A configuration file of no settings, so that the machine's own (a
/// developer's `paper: Letter`) never changes what the tests see.
fn empty_config() -> PathBuf {
    root().join("tests/fixtures/config/empty.ron")
}

/// `hotwash export ARGS` in the crate root, with the built-in defaults
/// unless ARGS name a configuration file.
fn export(args: &[&str], epoch: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hotwash"))
        .env(
            "XDG_CACHE_HOME",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/xdg-cache"),
        )
        .arg("export")
        .args(args)
        .env("SOURCE_DATE_EPOCH", epoch)
        .env("NO_COLOR", "1")
        .env("HOTWASH_CONFIG", empty_config())
        .current_dir(root())
        .output()
        .expect("run hotwash")
}

fn export_ok(args: &[&str]) -> Output {
    let out = export(args, EPOCH);
    assert!(
        out.status.success(),
        "hotwash export {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
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
            generated: Some(Utc.with_ymd_and_hms(2030, 2, 1, 12, 0, 0).unwrap()),
        },
    )
}

/// Text with its line breaks read as spaces.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text without its whitespace and hyphens, to find a phrase however it
/// was broken into lines: pdftotext drops the hyphen where a line ends
/// in one (`dial-` / `in` reads `dialin`), and table cells interleave.
fn squashed(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn a_pdf_goes_to_a_file_or_down_a_pipe_and_is_the_same_either_way() {
    let dir = Scratch::new("out");
    let file = dir.path("taurus.pdf");
    let wrote = export_ok(&[
        TAURUS,
        "--format",
        "pdf",
        "--out",
        file.to_str().expect("utf-8"),
    ]);
    let said = String::from_utf8_lossy(&wrote.stderr);
    assert!(said.contains("(PDF, OFFEN;"), "{said}");
    let bytes = std::fs::read(&file).expect("the PDF");
    assert!(bytes.starts_with(b"%PDF-1.7"), "a PDF 1.7 file");
    assert!(bytes.trim_ascii_end().ends_with(b"%%EOF"));
    let piped = export_ok(&[TAURUS, "--format", "pdf"]);
    assert!(
        piped.stdout == bytes,
        "standard output holds the same bytes"
    );
    // A folder gets <record id>.pdf.
    let folder = format!("{}/", dir.0.display());
    export_ok(&[DEMO, "--format", "pdf", "--out", &folder]);
    assert!(dir.path("demo-hotel-call.pdf").is_file());
}

#[test]
fn the_same_inputs_and_source_date_epoch_give_the_same_bytes() {
    let a = export_ok(&[TAURUS, "--format", "pdf"]).stdout;
    let b = export_ok(&[TAURUS, "--format", "pdf"]).stdout;
    assert!(a == b, "two exports differ");
    assert!(
        contains(&a, b"2024-06-06T16:00:00"),
        "the XMP creation date"
    );
    // The date is the report's generation time, nothing else's.
    let demo = export_ok(&[DEMO, "--format", "pdf"]).stdout;
    let later = export(&[DEMO, "--format", "pdf"], "1717693200");
    assert!(later.status.success());
    assert!(later.stdout != demo, "SOURCE_DATE_EPOCH is the PDF's date");
    assert!(contains(&later.stdout, b"2024-06-06T17:00:00"));
}

#[test]
fn the_paper_comes_from_the_flag_then_the_configuration_then_a4() {
    const A4: &[u8] = b"/MediaBox[0 0 595.2756 841.8898]";
    const LETTER: &[u8] = b"/MediaBox[0 0 612 792]";
    let a4 = export_ok(&[DEMO, "--format", "pdf"]).stdout;
    assert!(contains(&a4, A4), "A4 by default");
    let letter = export_ok(&[DEMO, "--format", "pdf", "--paper", "letter"]).stdout;
    assert!(contains(&letter, LETTER) && !contains(&letter, A4));
    let dir = Scratch::new("config");
    let config = dir.path("config.ron");
    std::fs::write(&config, "(paper: Letter)\n").expect("write the configuration");
    let config = config.to_str().expect("utf-8");
    let configured = export_ok(&["--config", config, DEMO, "--format", "pdf"]).stdout;
    assert!(contains(&configured, LETTER), "the configuration's paper");
    let flag = export_ok(&["--config", config, DEMO, "--format", "pdf", "--paper", "a4"]).stdout;
    assert!(
        contains(&flag, A4),
        "the flag comes before the configuration"
    );
}

#[test]
fn a_brief_is_not_written_as_a_pdf() {
    let out = export(&[TAURUS, "--format", "pdf", "--brief"], EPOCH);
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("--brief is for --format markdown or html"),
        "{said}"
    );
    assert!(out.stdout.is_empty());
}

/// A terminal would take the PDF's bytes as control sequences: `export`
/// refuses to write one there (`script` gives it a terminal).
#[test]
fn a_pdf_is_not_written_to_a_terminal() {
    let command = format!(
        "{} export {DEMO} --format pdf; echo \"status $?\"",
        env!("CARGO_BIN_EXE_hotwash")
    );
    let Ok(out) = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env(
            "XDG_CACHE_HOME",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/xdg-cache"),
        )
        .current_dir(root())
        .env("HOTWASH_CONFIG", empty_config())
        .output()
    else {
        eprintln!("skipping: no script(1) to give hotwash a terminal");
        return;
    };
    let seen = String::from_utf8_lossy(&out.stdout);
    assert!(
        seen.contains("the PDF is a binary file: write it with --out FILE")
            && seen.contains("status 2")
            && !seen.contains("%PDF"),
        "{seen}"
    );
}

/// Record text that Typst markup would act on: code, a panic, a file read,
/// a label, a reference, math, emphasis, a heading, raw text, escapes.
const TYPST_HOSTILE: [&str; 6] = [
    "#panic(\"typst evaluated record text\")",
    "#read(\"/etc/passwd\") #json(\"/report.json\") #import \"@preview/x:0.1.0\"",
    "= Heading *bold* _emph_ `raw` $x^2$ @ref <label> // comment",
    "\\ backslash #{1 + 1} [brackets] ]unbalanced[ #let x = 1 ~ -- ---",
    "/* open comment #set page(paper: \"a0\")",
    "Größe Прослушка ✗ ≠ ↷ ∅ ✓ ·",
];

fn hostile_report() -> Report<'static> {
    let mut r = report(DEMO);
    r.record.title = TYPST_HOSTILE[0].into();
    r.findings[0].title = TYPST_HOSTILE[1];
    r.findings[0].statement = TYPST_HOSTILE[2];
    r.events[0].title = TYPST_HOSTILE[3];
    r.events[0].narrative = TYPST_HOSTILE[4];
    r.record.summary = TYPST_HOSTILE[5];
    r
}

#[test]
fn record_text_is_laid_out_as_text_never_run_as_typst() {
    // Were any of it evaluated, `#panic` would fail the export and the
    // `/* ` would swallow the rest of the template.
    let bytes = pdf::render(&hostile_report(), Paper::A4).expect("the PDF renders");
    assert!(bytes.starts_with(b"%PDF-"));
    let Some(_) = tools() else {
        return;
    };
    let dir = Scratch::new("hostile");
    let file = dir.path("hostile.pdf");
    std::fs::write(&file, &bytes).expect("write");
    let text = pdftotext(&file, None);
    for s in TYPST_HOSTILE {
        assert!(
            squashed(&text).contains(&squashed(s)),
            "{s:?} is not in the PDF's text:\n{text}"
        );
    }
    // A line of its own, as the summary's paragraph.
    assert!(text.lines().any(|l| flat(l) == TYPST_HOSTILE[5]), "{text}");
}

/// qpdf and poppler's tools, when installed (Debian's qpdf and poppler-utils).
fn tools() -> Option<()> {
    let missing: Vec<&str> = [
        ("qpdf", "--version"),
        ("pdftotext", "-v"),
        ("pdffonts", "-v"),
        ("pdfinfo", "-v"),
    ]
    .into_iter()
    .filter(|(tool, flag)| {
        !Command::new(tool)
            .arg(flag)
            .output()
            .is_ok_and(|o| o.status.success())
    })
    .map(|(tool, _)| tool)
    .collect();
    if missing.is_empty() {
        return Some(());
    }
    let message = format!(
        "missing {} (apt-get install qpdf poppler-utils)",
        missing.join(", ")
    );
    if std::env::var("HOTWASH_REQUIRE_VALIDATORS").is_ok_and(|v| v == "1") {
        panic!("HOTWASH_REQUIRE_VALIDATORS=1 but {message}");
    }
    eprintln!("skipping the PDF checks: {message}");
    None
}

fn run(tool: &str, args: &[&str], file: &Path) -> String {
    let out = Command::new(tool)
        .args(args)
        .arg(file)
        .args(if tool == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|e| panic!("run {tool}: {e}"));
    assert!(
        out.status.success(),
        "{tool} {args:?} {} failed:\n{}{}",
        file.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 from the tool")
}

/// The text of the PDF, or of one page of it, laid out as on the page
/// (`-layout`: what is on one line of the page is on one line of text).
fn pdftotext(file: &Path, page: Option<usize>) -> String {
    match page {
        None => run("pdftotext", &["-layout", "-enc", "UTF-8"], file),
        Some(n) => {
            let n = n.to_string();
            run(
                "pdftotext",
                &["-layout", "-enc", "UTF-8", "-f", &n, "-l", &n],
                file,
            )
        }
    }
}

/// pdfinfo's `Key: value` lines.
fn pdfinfo(file: &Path) -> std::collections::HashMap<String, String> {
    run("pdfinfo", &[], file)
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

#[test]
fn every_page_carries_the_banner_first_and_last_and_the_tools_agree() {
    let Some(_) = tools() else {
        return;
    };
    let dir = Scratch::new("checks");
    // Every bundled record, as each reaches a reader as a report.
    let cases = [
        ("taurus", TAURUS, "a4", "OFFEN", "TLP:CLEAR"),
        ("taurus-letter", TAURUS, "letter", "OFFEN", "TLP:CLEAR"),
        ("signal", SIGNAL, "a4", "UNCLASSIFIED", "TLP:CLEAR"),
        ("strava", STRAVA, "a4", "UNCLASSIFIED", "TLP:CLEAR"),
        ("discord", DISCORD, "a4", "UNCLASSIFIED", "TLP:CLEAR"),
        ("snowden", SNOWDEN, "a4", "UNCLASSIFIED", "TLP:CLEAR"),
        ("hostile", HOSTILE, "a4", "NATO SECRET", "TLP:RED"),
    ];
    for (name, record, paper, banner, tlp) in cases {
        let file = dir.path(&format!("{name}.pdf"));
        let path = file.to_str().expect("utf-8");
        export_ok(&[record, "--format", "pdf", "--paper", paper, "--out", path]);

        run("qpdf", &["--check"], &file);

        let fonts = run("pdffonts", &[], &file);
        let rows: Vec<&str> = fonts.lines().skip(2).collect();
        assert!(!rows.is_empty(), "{name}: no fonts?\n{fonts}");
        for row in rows {
            // name, type, encoding, then emb sub uni: each "yes".
            let cols: Vec<&str> = row.split_whitespace().collect();
            let n = cols.len();
            assert!(n >= 7, "{name}: {row}");
            assert_eq!(
                cols[n - 5..n - 2],
                ["yes", "yes", "yes"],
                "{name}: a font not embedded, subset and mapped to Unicode: {row}"
            );
        }

        let info = pdfinfo(&file);
        let pages: usize = info["Pages"].parse().expect("a page count");
        let size = &info["Page size"];
        match paper {
            "a4" => assert!(size.ends_with("(A4)"), "{name}: {size}"),
            _ => assert!(size.starts_with("612 x 792"), "{name}: {size}"),
        }
        assert_eq!(info["Tagged"], "yes", "{name}");
        assert!(info["Title"].contains(banner), "{name}: the document title");
        let bytes = std::fs::read(&file).expect("the PDF");
        assert!(
            contains(&bytes, b"<pdfaid:part>2</pdfaid:part>")
                && contains(&bytes, b"<pdfaid:conformance>A</pdfaid:conformance>"),
            "{name}: the file says it is PDF/A-2a"
        );

        for page in 1..=pages {
            let text = pdftotext(&file, Some(page));
            let lines: Vec<&str> = text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect();
            let (first, last) = (lines[0], lines[lines.len() - 1]);
            for (which, line) in [("first", first), ("last", last)] {
                assert!(
                    flat(line) == format!("{banner} {tlp}"),
                    "{name}: page {page}'s {which} line is {line:?}, not the banner"
                );
            }
            // Above the bottom banner, after the record id.
            let page_line = format!("Page {page} of {pages}");
            let above = flat(lines[lines.len() - 2]);
            assert!(
                above.ends_with(&page_line),
                "{name}: page {page} does not say {page_line:?} above its banner:\n{text}"
            );
        }

        let text = squashed(&pdftotext(&file, None));
        for f in &report(record).findings {
            assert!(
                text.contains(&squashed(f.title)),
                "{name}: finding {} ({:?}) not found",
                f.id,
                f.title
            );
        }
    }
}

#[test]
fn long_tables_repeat_their_header_on_every_page() {
    let Some(_) = tools() else {
        return;
    };
    let dir = Scratch::new("headers");
    let file = dir.path("taurus.pdf");
    export_ok(&[
        TAURUS,
        "--format",
        "pdf",
        "--out",
        file.to_str().expect("utf-8"),
    ]);
    let pages: usize = pdfinfo(&file)["Pages"].parse().expect("pages");
    let texts: Vec<String> = (1..=pages).map(|p| pdftotext(&file, Some(p))).collect();
    let has_line = |text: &str, line: &str| text.lines().any(|l| flat(l) == line);
    // A table runs from its section's heading to the next section's, over
    // more than one page; each of those pages has the table's header row.
    for (heading, next, header) in [
        (
            "Timeline",
            "Control effects by event",
            "Event Time Title Actors Sources Control effects",
        ),
        (
            "Recommendations",
            "Timeline",
            "Id Finding Action Owner Due Status",
        ),
    ] {
        let start = texts
            .iter()
            .position(|t| has_line(t, heading))
            .expect(heading);
        let end = texts.iter().position(|t| has_line(t, next)).expect(next);
        assert!(end > start, "{heading}: the table fills more than a page");
        // The page of the next heading holds the table's end, unless that
        // heading starts the page (the line after the banner).
        let starts_page = texts[end]
            .lines()
            .map(flat)
            .filter(|l| !l.is_empty())
            .nth(1)
            .is_some_and(|l| l == next);
        let last = if starts_page { end - 1 } else { end };
        for (i, text) in texts.iter().enumerate().take(last + 1).skip(start) {
            assert!(
                has_line(text, header),
                "page {}: no {heading} header row:\n{text}",
                i + 1
            );
        }
    }
}

#[test]
fn the_taurus_pdf_text_matches_its_golden_file() {
    let Some(_) = tools() else {
        return;
    };
    let dir = Scratch::new("golden");
    let file = dir.path("taurus.pdf");
    export_ok(&[
        TAURUS,
        "--format",
        "pdf",
        "--out",
        file.to_str().expect("utf-8"),
    ]);
    let text = pdftotext(&file, None);
    let golden = root().join("tests/golden/taurus.pdf.txt");
    if std::env::var_os("HOTWASH_UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden, &text).expect("write the golden file");
        return;
    }
    let expected = std::fs::read_to_string(&golden).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with HOTWASH_UPDATE_GOLDEN=1 to create it)",
            golden.display()
        )
    });
    assert!(
        text == expected,
        "the Taurus PDF's text differs from {}; if the change is intended, rerun with \
         HOTWASH_UPDATE_GOLDEN=1 and review the diff",
        golden.display()
    );
}

#[test]
fn characters_the_fonts_lack_are_warned_of_and_the_pdf_is_still_written() {
    let dir = Scratch::new("glyphs");
    let record = std::fs::read_to_string(root().join(DEMO)).expect("the demo record");
    let (start, end) = {
        let start = record.find("title: \"").expect("a title") + "title: \"".len();
        (start, start + record[start..].find('"').expect("its end"))
    };
    let record = format!("{}泄密 {}", &record[..start], &record[end..]);
    let path = dir.path("cjk.ron");
    std::fs::write(&path, record).expect("write the record");
    let out_file = dir.path("cjk.pdf");
    let out = export_ok(&[
        path.to_str().expect("utf-8"),
        "--format",
        "pdf",
        "--out",
        out_file.to_str().expect("utf-8"),
    ]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains(
            "warning: the PDF's fonts (DejaVu) have no glyph for 2 of the report's characters \
             (U+5BC6, U+6CC4): the PDF shows each as an empty box that text search does not \
             find, and is not PDF/A"
        ),
        "{said}"
    );
    let bytes = std::fs::read(&out_file).expect("the PDF is written all the same");
    assert!(bytes.starts_with(b"%PDF-") && !contains(&bytes, b"pdfaid:part"));
    let demo = export_ok(&[DEMO, "--format", "pdf"]);
    assert!(
        !String::from_utf8_lossy(&demo.stderr).contains("glyph"),
        "no warning without a missing glyph"
    );
    assert!(contains(&demo.stdout, b"<pdfaid:part>2</pdfaid:part>"));
}
