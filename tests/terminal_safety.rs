//! Record text never drives the terminal: the real binary, given records,
//! reviews and file names that hold escape sequences (OSC 52 sets the
//! clipboard, OSC 0 the window title), C1 controls and bidi overrides, writes
//! none of them raw in its human formats, while JSON keeps the exact text.
//! `validate` also warns about such characters and refuses misleading
//! source addresses.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// Sets the terminal's clipboard to "hacked".
const OSC52: &str = "\x1b]52;c;aGFja2Vk\x07";
/// Sets the terminal's window title.
const OSC0: &str = "\x1b]0;PWNED\x07";
const RLO: char = '\u{202e}';

/// A scratch folder, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!(
            "hotwash-terminal-safety-{}-{name}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create the scratch folder");
        Scratch(dir)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, text).expect("write a scratch file");
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn hotwash(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hotwash"))
        .env(
            "XDG_CACHE_HOME",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/xdg-cache"),
        )
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .stdin(Stdio::null())
        .output()
        .expect("run hotwash")
}

fn minimal() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid/minimal.ron");
    std::fs::read_to_string(path).expect("read the fixture")
}

fn minimal_review() -> String {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid/minimal.review.ron");
    let text = std::fs::read_to_string(path).expect("read the fixture");
    // The sign-off would only go stale once the record changes.
    let cut = text.find("    signoff:").expect("a sign-off");
    format!("{})\n", &text[..cut])
}

fn replace(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "{from:?} is in the fixture");
    text.replacen(from, to, 1)
}

/// Whether `c` would act on a terminal or reorder what it shows. Written out
/// here rather than taken from hotwash, so the test does not share its rule.
fn acts_on_a_terminal(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(
            c,
            '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// Fails if `bytes` would drive a terminal: ESC, BEL, any other C0 control
/// but the newline, DEL, C1 controls and bidi controls. Also the raw C1
/// bytes, which some terminals read as controls outside UTF-8.
fn assert_inert(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    for (i, c) in text.char_indices() {
        assert!(
            !acts_on_a_terminal(c),
            "{what}: U+{:04X} at byte {i} reaches the terminal:\n{}",
            u32::from(c),
            text.escape_debug()
        );
    }
    assert!(
        std::str::from_utf8(bytes).is_ok(),
        "{what} is not UTF-8: {}",
        text.escape_debug()
    );
}

fn assert_all_inert(out: &Output) {
    assert_inert("stdout", &out.stdout);
    assert_inert("stderr", &out.stderr);
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", stdout(out)))
}

/// The `(code, line, column)` of every diagnostic of the file at `index`.
fn diagnostics(doc: &Value, index: usize) -> Vec<(String, u64, u64)> {
    doc["files"][index]["diagnostics"]
        .as_array()
        .expect("a diagnostics array")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_string(),
                d["start"]["line"].as_u64().unwrap_or(0),
                d["start"]["column"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

/// The 1-based line and character column of `needle` in `text`.
fn line_col(text: &str, needle: &str) -> (u64, u64) {
    let at = text.find(needle).expect("the needle is in the text");
    let line = text[..at].matches('\n').count() + 1;
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    (line as u64, text[start..at].chars().count() as u64 + 1)
}

#[test]
fn validate_escapes_an_error_on_a_line_holding_osc_sequences() {
    let dir = Scratch::new("error-line");
    let title = format!("Dial-in {OSC52} {OSC0} {RLO}lanigiro");
    let text = replace(
        &minimal(),
        "title: \"Conference dial-in shared on a public calendar\",",
        &format!("title: \"{title}\", colour: 1,"),
    );
    dir.write("r.ron", &text);
    let out = hotwash(&dir.0, &["validate", "r.ron"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_all_inert(&out);
    let (line, column) = line_col(&text, "colour");
    let err = stderr(&out);
    assert!(
        err.contains(&format!("r.ron:{line}:{column}: error[parse.syntax]")),
        "{err}"
    );
    // The snippet is there, escaped, with the caret under the field.
    assert!(
        err.contains("Dial-in \\u{1b}]52;c;aGFja2Vk\\u{7} \\u{1b}]0;PWNED\\u{7} \\u{202e}lanigiro"),
        "{err}"
    );
    let lines: Vec<&str> = err.lines().collect();
    let shown = lines
        .iter()
        .position(|l| l.contains("colour: 1"))
        .expect("the line is shown");
    let text_col = lines[shown]
        .find("colour")
        .map(|b| lines[shown][..b].chars().count());
    let caret = lines[shown + 1];
    let caret_col = caret
        .char_indices()
        .find(|&(_, c)| c == '─' || c == '┬')
        .map(|(b, _)| caret[..b].chars().count());
    assert_eq!(
        caret_col, text_col,
        "the caret stands under `colour`:\n{err}"
    );

    let out = hotwash(&dir.0, &["validate", "--format", "json", "r.ron"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        diagnostics(&json(&out), 0),
        vec![("parse.syntax".to_string(), line, column)]
    );
}

#[test]
fn validate_escapes_comments_next_to_a_syntax_error() {
    let dir = Scratch::new("comments");
    let line_comment = replace(
        &minimal(),
        "    schema: 1,\n",
        &format!("    schema: 1,\n    // {OSC0} \u{9b}31m {OSC52}\n    id: id: ,\n"),
    );
    let block_comment = replace(
        &minimal(),
        "    schema: 1,\n",
        &format!("    schema: 1,\n    /* {OSC52}\n       {OSC0} */ idd: 1,\n"),
    );
    for (name, text, near) in [
        (
            "line.ron",
            &line_comment,
            "// \\u{1b}]0;PWNED\\u{7} \\u{9b}31m",
        ),
        ("block.ron", &block_comment, "\\u{1b}]0;PWNED\\u{7} */ idd"),
    ] {
        dir.write(name, text);
        let out = hotwash(&dir.0, &["validate", name]);
        assert_eq!(out.status.code(), Some(1), "{name}: {}", stderr(&out));
        assert_all_inert(&out);
        assert!(stderr(&out).contains(near), "{name}: {}", stderr(&out));
    }
}

#[test]
fn the_summary_shows_titles_escaped() {
    let dir = Scratch::new("summary");
    let text = replace(
        &minimal(),
        "Conference dial-in shared on a public calendar",
        &format!("Dial-in {OSC52}{OSC0}{RLO}"),
    );
    dir.write("r.ron", &text);
    // Not a terminal: hotwash prints one line per record.
    let out = hotwash(&dir.0, &["r.ron"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_all_inert(&out);
    assert!(
        stdout(&out).starts_with(
            "r.ron  Dial-in \\u{1b}]52;c;aGFja2Vk\\u{7}\\u{1b}]0;PWNED\\u{7}\\u{202e}  [NATO RESTRICTED"
        ),
        "{}",
        stdout(&out)
    );
}

#[test]
fn file_names_with_control_characters_are_escaped_except_in_json() {
    let dir = Scratch::new("names");
    let name = format!("bad{OSC0}name\u{9d}.ron");
    dir.write(&name, "(schema: 1, nope");
    dir.write("good.ron", &minimal());
    for args in [&["validate", "."][..], &["."][..], &["validate", &name][..]] {
        let out = hotwash(&dir.0, args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        assert_all_inert(&out);
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert!(
            all.contains("bad\\u{1b}]0;PWNED\\u{7}name\\u{9d}.ron:1:"),
            "{args:?}: {all}"
        );
    }
    let out = hotwash(&dir.0, &["validate", "--format", "json", &name]);
    assert_eq!(json(&out)["files"][0]["path"].as_str(), Some(name.as_str()));
}

#[test]
fn export_messages_escape_file_names() {
    let dir = Scratch::new("export");
    dir.write("r.ron", &minimal());
    let out_name = format!("out{OSC52}.md");
    let args = [
        "export", "r.ron", "--format", "markdown", "--out", &out_name,
    ];
    let out = hotwash(&dir.0, &args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_all_inert(&out);
    assert!(
        stderr(&out).starts_with("wrote out\\u{1b}]52;c;aGFja2Vk\\u{7}.md (Markdown"),
        "{}",
        stderr(&out)
    );
    let out = hotwash(&dir.0, &args);
    assert_eq!(out.status.code(), Some(1));
    assert_all_inert(&out);
    assert!(
        stderr(&out).contains("exists; pass --force"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn json_exports_keep_the_exact_text() {
    let dir = Scratch::new("json-export");
    let title = format!("Dial-in {OSC52}{RLO}");
    let text = replace(
        &minimal(),
        "Conference dial-in shared on a public calendar",
        &title,
    );
    dir.write("r.ron", &text);
    let out = hotwash(&dir.0, &["export", "r.ron", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out)["record"]["title"].as_str(), Some(title.as_str()));
}

#[test]
fn validate_warns_about_controls_and_bidi_in_text_fields_where_they_stand() {
    let dir = Scratch::new("warnings");
    let record = replace(
        &minimal(),
        "title: \"Dial-in pasted into a public calendar\"",
        &format!("title: \"Dial-in{OSC0}pasted\""),
    );
    let record = replace(
        &record,
        "narrative: \"A caller from an unknown number",
        &format!("narrative: \"Line one\\nA caller {RLO}from an unknown number"),
    );
    let record = replace(
        &record,
        "name: \"Project lead\"",
        "name: \"Project\\tlead\"",
    );
    let review = replace(
        &minimal_review(),
        "title: \"Join log caught the intrusion\"",
        "title: \"Join log \\u{9b}caught the intrusion\"",
    );
    dir.write("r.ron", &record);
    dir.write("r.review.ron", &review);
    let out = hotwash(&dir.0, &["validate", "--format", "json", "r.ron"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "warnings only: {}",
        stdout(&out)
    );
    let doc = json(&out);
    let at = |text: &str, needle: &str, code: &str| {
        let (line, column) = line_col(text, needle);
        (code.to_string(), line, column)
    };
    let mut record_warnings = diagnostics(&doc, 0);
    record_warnings.sort();
    let mut expected = vec![
        at(&record, "\"Project\\tlead\"", "text.control"),
        at(&record, "\"Dial-in\x1b", "text.control"),
        at(&record, "\"Line one", "text.bidi"),
    ];
    expected.sort();
    assert_eq!(record_warnings, expected);
    assert_eq!(
        diagnostics(&doc, 1),
        vec![at(&review, "\"Join log \\u{9b}", "text.control")]
    );
    let messages: Vec<&str> = doc["files"][0]["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["message"].as_str())
        .collect();
    assert!(
        messages.contains(
            &"the event's title holds a control character, U+001B (escape), at character 8 (and 1 more)"
        ),
        "{messages:?}"
    );
    assert!(
        messages.contains(
            &"the event's narrative holds a bidirectional control, U+202E (right-to-left override), at character 19"
        ),
        "{messages:?}"
    );

    // In the human format the warnings are shown, escaped.
    let out = hotwash(&dir.0, &["validate", "r.ron"]);
    assert_all_inert(&out);
    assert!(
        stderr(&out).contains("(0 errors, 4 warnings)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn misleading_source_addresses_are_errors() {
    let dir = Scratch::new("urls");
    let good = "https://example.org/fixture/join-log";
    for (url, why) in [
        ("https://example.org/a b", "space"),
        ("https://example.org/\\u{1b}]0;x\\u{7}", "U+001B (escape)"),
        (
            "https://example.org/\\u{202e}gpj.exe",
            "right-to-left override",
        ),
        ("https://intranet.example@evil.example/", "user@host"),
        ("https://exаmple.org/", "non-ASCII"),
        ("javascript:alert(1)", "\"javascript\""),
        ("ftp://example.org/log", "\"ftp\""),
    ] {
        let text = replace(&minimal(), good, url);
        dir.write("r.ron", &text);
        let out = hotwash(&dir.0, &["validate", "--format", "json", "r.ron"]);
        assert_eq!(out.status.code(), Some(1), "{url}: {}", stdout(&out));
        let doc = json(&out);
        let (line, column) = line_col(&text, &format!("\"{url}\""));
        assert_eq!(
            diagnostics(&doc, 0),
            vec![("source.url".to_string(), line, column)],
            "{url}"
        );
        let message = doc["files"][0]["diagnostics"][0]["message"]
            .as_str()
            .unwrap_or_default();
        assert!(message.contains(why), "{url}: {message}");
    }
}
