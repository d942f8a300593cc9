//! The configuration file as a user meets it: the real binary, where it
//! looks for the file, what it says about a broken one, and that it goes on
//! with the defaults without ever writing the file.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A scratch folder, removed however the test ends.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("hotwash-config-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch folder");
        Scratch(dir)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("folder");
        }
        std::fs::write(&path, text).expect("write");
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// hotwash in the crate root, with no configuration of the machine's:
/// the configuration folder is `home`'s.
fn hotwash(home: &Path, args: &[&str], env: &[(&str, &Path)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hotwash"));
    command
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("HOTWASH_CONFIG")
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env(
            "XDG_CACHE_HOME",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/xdg-cache"),
        )
        .env("HOME", home);
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("run hotwash")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8")
}

/// A report with miette's wrapped lines joined again: the headline's go
/// on after `  │ `, the help's after eight spaces.
fn flat(report: &str) -> String {
    let mut out = String::new();
    for line in report.lines() {
        let more = line
            .strip_prefix("  │ ")
            .or_else(|| line.strip_prefix("        "));
        match more {
            Some(more) if !out.is_empty() => {
                out.push(' ');
                out.push_str(more.trim_start());
            }
            _ => {
                out.push('\n');
                out.push_str(line);
            }
        }
    }
    out
}

const BROKEN: &str = "(\n    zone: Event,\n    theme: (nmae: HighContrast),\n)\n";

#[test]
fn the_printed_default_is_a_valid_configuration() {
    let s = Scratch::new("print");
    let out = hotwash(&s.0, &["config", "--print-default"], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let printed = text(&out.stdout);
    assert_eq!(printed, hotwash::config::default_text());
    let file = s.write("default.ron", &printed);
    let file_arg = file.to_str().expect("a UTF-8 path");
    let out = hotwash(&s.0, &["config", "--config", file_arg], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).ends_with("(from --config): valid\n"),
        "{}",
        text(&out.stdout)
    );
    // Parsed, it is the defaults.
    let loaded = hotwash::config::from_text(&file, printed);
    assert!(loaded.report.is_none());
    assert_eq!(loaded.config, hotwash::config::Config::default());
}

#[test]
fn the_file_is_looked_for_in_the_configuration_folder_then_the_variable_then_the_flag() {
    let s = Scratch::new("where");
    let out = hotwash(&s.0, &["config", "--path"], &[]);
    let folder = s.0.join("config").join("hotwash").join("config.ron");
    assert_eq!(text(&out.stdout), format!("{}\n", folder.display()));
    let out = hotwash(&s.0, &["config"], &[]);
    assert!(out.status.success());
    assert!(
        text(&out.stdout).contains("no configuration file; the built-in defaults are used"),
        "{}",
        text(&out.stdout)
    );

    s.write("config/hotwash/config.ron", "(zone: Local)");
    let out = hotwash(&s.0, &["config"], &[]);
    assert_eq!(text(&out.stdout), format!("{}: valid\n", folder.display()));

    let from_env = s.write("env.ron", "(paper: Letter)");
    let out = hotwash(&s.0, &["config"], &[("HOTWASH_CONFIG", &from_env)]);
    assert_eq!(
        text(&out.stdout),
        format!("{} (from $HOTWASH_CONFIG): valid\n", from_env.display())
    );

    let broken = s.write("broken.ron", BROKEN);
    let flag = broken.to_str().expect("UTF-8");
    let out = hotwash(
        &s.0,
        &["config", "--config", flag],
        &[("HOTWASH_CONFIG", &from_env)],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "the flag wins over the variable"
    );
}

#[test]
fn a_broken_configuration_is_reported_at_its_line_and_column() {
    let s = Scratch::new("broken");
    let broken = s.write("broken.ron", BROKEN);
    let out = hotwash(&s.0, &["config"], &[("HOTWASH_CONFIG", &broken)]);
    assert_eq!(out.status.code(), Some(1));
    let err = flat(&text(&out.stderr));
    let at = format!("{}:3:13", broken.display());
    assert!(err.contains(&at), "{err}");
    assert!(
        err.contains("Unexpected field named `nmae` in `theme`"),
        "{err}"
    );
    assert!(
        err.contains("theme: (nmae: HighContrast),"),
        "the snippet: {err}"
    );
    assert!(err.contains("╰── here"), "the caret: {err}");
    assert!(
        err.contains("did you mean `name`?"),
        "the suggestion: {err}"
    );
}

#[test]
fn hotwash_goes_on_with_the_defaults_and_never_writes_the_file() {
    let s = Scratch::new("goes-on");
    let broken = s.write("broken.ron", BROKEN);
    let before = std::fs::metadata(&broken).and_then(|m| m.modified()).ok();
    // Not a terminal: the plain summary of the library, after the report.
    let out = hotwash(
        &s.0,
        &["tests/fixtures/tui"],
        &[("HOTWASH_CONFIG", &broken)],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains(&format!("{}:3:13", broken.display())), "{err}");
    assert!(
        err.contains("hotwash: the configuration has errors; starting with the built-in defaults"),
        "{err}"
    );
    assert!(
        text(&out.stdout).contains("demo.ron"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(
        std::fs::read_to_string(&broken).ok().as_deref(),
        Some(BROKEN)
    );
    let after = std::fs::metadata(&broken).and_then(|m| m.modified()).ok();
    assert_eq!(before, after);
}

#[test]
fn a_clash_of_keys_is_reported_naming_both_actions() {
    let s = Scratch::new("clash");
    let file = s.write(
        "clash.ron",
        "(\n  keys: (\n    review: {\n      Export: \"j\",\n    },\n  ),\n)\n",
    );
    let out = hotwash(&s.0, &["config"], &[("HOTWASH_CONFIG", &file)]);
    assert_eq!(out.status.code(), Some(1));
    let err = flat(&text(&out.stderr));
    assert!(err.contains(&format!("{}:4:15", file.display())), "{err}");
    assert!(
        err.contains("\"j\" is bound to both Down and Export in the review"),
        "{err}"
    );
}

#[test]
fn a_named_file_that_is_not_there_is_an_error() {
    let s = Scratch::new("missing");
    let missing = s.0.join("nope.ron");
    let arg = missing.to_str().expect("UTF-8");
    let out = hotwash(&s.0, &["config", "--config", arg], &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = flat(&text(&out.stderr));
    assert!(err.contains("there is no configuration file here"), "{err}");
    assert!(err.contains("--config"), "{err}");
}

#[test]
fn docs_config_holds_the_default_file_and_every_action() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/CONFIG.md"))
        .expect("docs/CONFIG.md");
    let default = hotwash::config::default_text();
    assert!(
        doc.contains(&format!("```ron\n{default}```")),
        "docs/CONFIG.md shows `hotwash config --print-default` as it is"
    );
    for action in hotwash::tui::action::Action::ALL {
        assert!(
            doc.contains(&format!("| `{}` |", action.name())),
            "{} is not in the table of actions",
            action.name()
        );
    }
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    assert!(readme.contains("(docs/CONFIG.md)"), "the README links it");
}
