//! hotwash as an installed tool: wherever it runs it has its bundled
//! incidents, it follows shell and pipe conventions (completions, a man
//! page, colour choices, `-` for standard input, quiet on a closed pipe),
//! and it says which command a typo meant.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_hotwash");

fn record() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("incidents/taurus-webex-2024.ron")
}

/// An empty folder of its own, away from the checkout.
struct Empty(PathBuf);

impl Empty {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("hotwash-installed-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        Empty(dir)
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(BIN)
            .env(
                "XDG_CACHE_HOME",
                concat!(env!("CARGO_TARGET_TMPDIR"), "/xdg-cache"),
            )
            .args(args)
            .current_dir(&self.0)
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .stdin(Stdio::null())
            .output()
            .expect("run hotwash")
    }
}

impl Drop for Empty {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8")
}

/// The files shipped in the checkout's incidents/, sorted: what the binary
/// bundles. Records and reviews alike.
fn shipped() -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("incidents"))
            .expect("incidents/")
            .map(|e| e.expect("entry").file_name().into_string().expect("name"))
            .filter(|n| n.ends_with(".ron"))
            .collect();
    names.sort();
    names
}

/// The shipped records (not reviews), sorted.
fn shipped_records() -> Vec<String> {
    shipped()
        .into_iter()
        .filter(|n| !n.ends_with(".review.ron"))
        .collect()
}

#[test]
fn run_from_an_empty_folder_it_lists_the_incidents_inside_it_not_the_checkout() {
    let dir = Empty::new("list");
    let out = dir.run(&[]);
    assert!(out.status.success(), "{out:?}");
    let listed = text(&out.stdout);
    // One line per bundled record, in name order, each under "(bundled)".
    let names: Vec<&str> = listed
        .lines()
        .map(|l| l.split("  ").next().unwrap_or_default())
        .collect();
    let expected: Vec<String> = shipped_records()
        .iter()
        .map(|n| format!("(bundled)/{n}"))
        .collect();
    assert_eq!(names, expected, "{listed}");
    assert!(names.len() >= 3, "{listed}");
    assert!(
        listed.contains("(bundled)/taurus-webex-2024.ron  Luftwaffe 'Taurus' Webex call"),
        "{listed}"
    );
    assert!(!listed.contains(env!("CARGO_MANIFEST_DIR")), "{listed}");
}

#[test]
fn init_writes_an_editable_copy_once_and_never_over_the_analysts_files() {
    let dir = Empty::new("init");
    let out = dir.run(&["init"]);
    assert!(out.status.success(), "{out:?}");
    let names = shipped();
    assert!(
        text(&out.stderr).contains(&format!("{} files written", names.len())),
        "{}",
        text(&out.stderr)
    );
    // Every record and every review, as shipped, and nothing else.
    let mut written: Vec<String> = std::fs::read_dir(dir.0.join("incidents"))
        .expect("incidents written")
        .map(|e| e.expect("entry").file_name().into_string().expect("name"))
        .collect();
    written.sort();
    assert_eq!(written, names);
    for name in &names {
        let shipped = std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("incidents")
                .join(name),
        )
        .expect("shipped");
        assert_eq!(
            std::fs::read(dir.0.join("incidents").join(name)).expect("written"),
            shipped
        );
    }
    // Now ./incidents is the library, and it is the analyst's.
    let listed = text(&dir.run(&[]).stdout);
    let first = shipped_records().into_iter().next().expect("a record");
    assert!(
        listed.starts_with(&format!("incidents/{first}  ")),
        "{listed}"
    );
    assert!(
        listed.contains("incidents/taurus-webex-2024.ron  "),
        "{listed}"
    );

    let edited = dir.0.join("incidents/taurus-webex-2024.review.ron");
    std::fs::write(&edited, "my work").expect("edit");
    let again = dir.run(&["init"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        text(&again.stderr).contains("nothing was written"),
        "{}",
        text(&again.stderr)
    );
    assert_eq!(std::fs::read_to_string(&edited).expect("read"), "my work");
}

#[test]
fn completions_for_every_shell_and_bash_accepts_its_script() {
    let dir = Empty::new("completions");
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = dir.run(&["completions", shell]);
        assert!(out.status.success(), "{shell}: {out:?}");
        let script = text(&out.stdout);
        assert!(
            script.contains("validate") && script.contains("export"),
            "{shell}: {script}"
        );
    }
    let bash = dir.run(&["completions", "bash"]);
    let path = dir.0.join("hotwash.bash");
    std::fs::write(&path, &bash.stdout).expect("write");
    let checked = Command::new("bash")
        .arg("-n")
        .arg(&path)
        .output()
        .expect("bash");
    assert!(checked.status.success(), "{}", text(&checked.stderr));
}

#[test]
fn the_man_pages_render_with_man() {
    let dir = Empty::new("man");
    let page = dir.run(&["man"]);
    assert!(page.status.success(), "{page:?}");
    assert!(text(&page.stdout).starts_with(".ie"), "roff");
    let out = dir.run(&["man", "--dir", "man1"]);
    assert!(out.status.success(), "{out:?}");
    let mut pages: Vec<String> = std::fs::read_dir(dir.0.join("man1"))
        .expect("man1")
        .map(|e| e.expect("entry").file_name().into_string().expect("name"))
        .collect();
    pages.sort();
    for expected in [
        "hotwash.1",
        "hotwash-export.1",
        "hotwash-init.1",
        "hotwash-validate.1",
    ] {
        assert!(pages.iter().any(|p| p == expected), "{pages:?}");
    }
    let man = Command::new("man")
        .arg("-l")
        .arg(dir.0.join("man1/hotwash-export.1"))
        .env("MANPAGER", "cat")
        .env("MANWIDTH", "80")
        .output();
    match man {
        Ok(man) => {
            assert!(man.status.success(), "{}", text(&man.stderr));
            let shown = text(&man.stdout);
            assert!(
                shown.contains("hotwash-export - Export a record"),
                "{shown}"
            );
            assert!(shown.contains("--max-classification"), "{shown}");
        }
        Err(e) => assert!(
            std::env::var_os("HOTWASH_REQUIRE_MAN").is_none(),
            "HOTWASH_REQUIRE_MAN is set but man cannot run: {e}"
        ),
    }
}

#[test]
fn a_closed_pipe_ends_the_output_quietly_and_successfully() {
    // `hotwash export … | head -1`: the reader takes one line and goes.
    let mut child = Command::new(BIN)
        .env(
            "XDG_CACHE_HOME",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/xdg-cache"),
        )
        .args(["export", "--format", "html"])
        .arg(record())
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run hotwash");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut first)
        .expect("a line");
    assert_eq!(first, "<!DOCTYPE html>\n");
    // The reader is dropped here, with most of the report unread.
    let out = child.wait_with_output().expect("exit");
    assert_eq!(text(&out.stderr), "", "nothing on stderr");
    assert!(out.status.success(), "{out:?}");
}

fn piped(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .env(
            "XDG_CACHE_HOME",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/xdg-cache"),
        )
        .args(args)
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .current_dir(std::env::temp_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run hotwash");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .expect("write stdin");
    child.wait_with_output().expect("exit")
}

#[test]
fn a_dash_reads_the_record_from_standard_input() {
    let bytes = std::fs::read(record()).expect("record");
    let valid = piped(&["validate", "-"], &bytes);
    assert!(valid.status.success(), "{valid:?}");
    assert!(
        text(&valid.stderr).contains("checked 1 file: 1 valid"),
        "{}",
        text(&valid.stderr)
    );

    let broken = piped(
        &["validate", "-", "--format", "json"],
        b"(schema: 1, id: \"x\",\n  title: 3)",
    );
    assert_eq!(broken.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&broken.stdout).expect("JSON");
    assert_eq!(report["files"][0]["path"], "<stdin>");
    assert_eq!(report["files"][0]["diagnostics"][0]["start"]["line"], 2);

    // The same report as from the file, but without the review beside it.
    let exported = piped(&["export", "-", "--format", "json"], &bytes);
    assert!(exported.status.success(), "{}", text(&exported.stderr));
    let from_file = Command::new(BIN)
        .env(
            "XDG_CACHE_HOME",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/xdg-cache"),
        )
        .args(["export", "--format", "json"])
        .arg(record())
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .expect("run");
    let piped_report: serde_json::Value = serde_json::from_slice(&exported.stdout).expect("JSON");
    let file_report: serde_json::Value = serde_json::from_slice(&from_file.stdout).expect("JSON");
    assert_eq!(piped_report["title"], file_report["title"]);
    assert_eq!(piped_report["findings"], serde_json::json!([]));
    assert_ne!(file_report["findings"], serde_json::json!([]));
}

#[test]
fn a_mistyped_command_is_named_and_anything_else_is_a_missing_path() {
    let dir = Empty::new("typo");
    let typo = dir.run(&["valdate", "incidents"]);
    assert_eq!(typo.status.code(), Some(2));
    assert_eq!(
        text(&typo.stderr),
        "hotwash: 'valdate' is not a command, a file or a folder; did you mean 'validate'?\n"
    );
    let typo = dir.run(&["exprot"]);
    assert!(
        text(&typo.stderr).contains("did you mean 'export'?"),
        "{}",
        text(&typo.stderr)
    );

    let other = dir.run(&["frobnicate"]);
    assert_eq!(other.status.code(), Some(1));
    let said = text(&other.stderr);
    assert!(
        said.contains("no such file or folder") && said.contains("validate, export"),
        "{said}"
    );

    // A file that happens to be named like a command is opened as a file.
    std::fs::copy(record(), dir.0.join("valdate")).expect("copy");
    let file = dir.run(&["valdate"]);
    assert!(file.status.success(), "{file:?}");
}

#[test]
fn colour_follows_the_flag_then_no_color_then_clicolor_force() {
    let dir = Empty::new("colour");
    std::fs::write(dir.0.join("bad.ron"), "(schema: 1, id: 3)").expect("write");
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let mut command = Command::new(BIN);
        command
            .args(["validate", "bad.ron"])
            .args(args)
            .current_dir(&dir.0)
            .env(
                "XDG_CACHE_HOME",
                concat!(env!("CARGO_TARGET_TMPDIR"), "/xdg-cache"),
            );
        command.env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE");
        for (k, v) in env {
            command.env(k, v);
        }
        let out = command.output().expect("run");
        assert_eq!(out.status.code(), Some(1));
        out.stderr.contains(&0x1b)
    };
    assert!(!run(&[], &[]), "not a terminal: no colour");
    assert!(run(&[], &[("CLICOLOR_FORCE", "1")]));
    assert!(!run(&[], &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]));
    assert!(run(&["--color", "always"], &[("NO_COLOR", "1")]));
    assert!(run(&["--color=always"], &[]));
    assert!(!run(&["--color", "never"], &[("CLICOLOR_FORCE", "1")]));
}
