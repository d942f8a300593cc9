//! The cache as the command line uses it: where it is, that it changes no
//! output, that a damaged entry changes none either, that --no-cache
//! writes nothing, and that it never writes beside a record. Every run
//! points XDG_CACHE_HOME at a folder of the test's own.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

const EPOCH: &str = "1700000000";

/// A record folder and a cache home of the test's own.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("cache-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("incidents")).expect("scratch folder");
        for name in ["demo.ron", "demo.review.ron"] {
            std::fs::copy(
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("tests/fixtures/tui")
                    .join(name),
                dir.join("incidents").join(name),
            )
            .expect("copy the fixture");
        }
        Scratch(dir)
    }

    fn record(&self) -> PathBuf {
        self.0.join("incidents/demo.ron")
    }

    fn home(&self) -> PathBuf {
        self.0.join("xdg-cache")
    }

    fn cache_dir(&self) -> PathBuf {
        self.home().join("hotwash")
    }

    fn entries(&self) -> Vec<PathBuf> {
        let mut found: Vec<PathBuf> = std::fs::read_dir(self.cache_dir())
            .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default();
        found.sort();
        found
    }

    fn hotwash(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_hotwash"));
        command
            .args(args)
            .current_dir(&self.0)
            .env("XDG_CACHE_HOME", self.home())
            .env("SOURCE_DATE_EPOCH", EPOCH)
            .env("NO_COLOR", "1")
            .env_remove("CLICOLOR_FORCE")
            .env_remove("HOTWASH_NO_CACHE")
            .env_remove("HOTWASH_CONFIG");
        for (k, v) in env {
            command.env(k, v);
        }
        command.output().expect("run hotwash")
    }

    /// What a command says, all of it: status, stdout and stderr.
    fn said(&self, args: &[&str]) -> (Option<i32>, String, String) {
        let out = self.hotwash(args, &[]);
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The commands that open the record, each with what it must say.
const COMMANDS: &[&[&str]] = &[
    &["validate", "incidents/demo.ron"],
    &["validate", "--format", "json", "incidents"],
    &["export", "incidents/demo.ron", "--format", "markdown"],
    &["export", "incidents/demo.ron", "--format", "json"],
    &["stats", "incidents", "--format", "json"],
    &["incidents"],
];

#[test]
fn cached_runs_say_exactly_what_uncached_ones_say() {
    let s = Scratch::new("same");
    let uncached: Vec<_> = COMMANDS
        .iter()
        .map(|args| s.said(&[&["--no-cache"], *args].concat()))
        .collect();
    assert!(s.entries().is_empty(), "--no-cache wrote {:?}", s.entries());
    for (args, expected) in COMMANDS.iter().zip(&uncached) {
        // The first run fills the cache, the second reads it.
        for run in ["first", "second"] {
            assert_eq!(&s.said(args), expected, "{run} run of {args:?}");
        }
    }
    // One entry for the record, which every command shares, and one for
    // its summary (stats and the library's row).
    let names: Vec<String> = s
        .entries()
        .iter()
        .filter_map(|e| {
            e.file_name()?
                .to_str()
                .map(|n| n.split('-').next().unwrap_or("").to_string())
        })
        .collect();
    assert_eq!(names, ["record", "summary"], "{:?}", s.entries());
    assert!(
        uncached[0].2.contains("checked 2 files: 2 valid"),
        "{:?}",
        uncached[0]
    );
}

#[test]
fn warnings_are_reported_the_same_from_the_cache() {
    let s = Scratch::new("warnings");
    // A classified record shared as TLP:CLEAR: valid, with a warning.
    let text = std::fs::read_to_string(s.record()).expect("read");
    let warned = text.replacen("tlp: \"AMBER+STRICT\"", "tlp: \"CLEAR\"", 1);
    assert_ne!(warned, text);
    std::fs::write(s.record(), &warned).expect("write");
    let uncached = s.said(&["--no-cache", "validate", "incidents/demo.ron"]);
    assert!(uncached.2.contains("warning"), "{uncached:?}");
    assert_eq!(uncached.0, Some(0));
    for _ in 0..2 {
        assert_eq!(s.said(&["validate", "incidents/demo.ron"]), uncached);
    }
    assert_eq!(s.entries().len(), 1);
}

#[test]
fn a_damaged_entry_changes_nothing_and_is_rebuilt() {
    let s = Scratch::new("damaged");
    let expected = s.said(&[
        "--no-cache",
        "export",
        "incidents/demo.ron",
        "--format",
        "json",
    ]);
    assert_eq!(expected.0, Some(0), "{expected:?}");
    let export = ["export", "incidents/demo.ron", "--format", "json"];
    assert_eq!(s.said(&export), expected);
    let entry = s.entries().pop().expect("an entry");
    let good = std::fs::read(&entry).expect("read the entry");
    let damages: Vec<Vec<u8>> = vec![
        good[..good.len() / 2].to_vec(),
        {
            let mut flipped = good.clone();
            let last = flipped.len() - 1;
            flipped[last] ^= 1;
            flipped
        },
        b"not an entry at all".to_vec(),
        Vec::new(),
    ];
    for damaged in damages {
        std::fs::write(&entry, &damaged).expect("damage the entry");
        assert_eq!(s.said(&export), expected);
        assert_eq!(
            std::fs::read(&entry).expect("rebuilt"),
            good,
            "the entry is written again, whole"
        );
    }
}

#[test]
fn no_cache_and_the_environment_write_nothing() {
    let s = Scratch::new("none");
    for (args, env) in [
        (vec!["--no-cache", "validate", "incidents"], vec![]),
        (vec!["validate", "--no-cache", "incidents"], vec![]),
        (
            vec!["validate", "incidents"],
            vec![("HOTWASH_NO_CACHE", "1")],
        ),
    ] {
        let out = s.hotwash(&args, &env);
        assert!(out.status.success(), "{out:?}");
        assert!(!s.home().exists(), "{args:?} {env:?} made {:?}", s.home());
    }
    // HOTWASH_NO_CACHE=0 is no answer: the cache is used.
    let out = s.hotwash(&["validate", "incidents"], &[("HOTWASH_NO_CACHE", "0")]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(s.entries().len(), 1);
}

#[cfg(unix)]
#[test]
fn the_cache_is_private_and_nothing_lands_beside_the_record() {
    use std::os::unix::fs::PermissionsExt;
    let s = Scratch::new("private");
    let listing = || {
        let mut names: Vec<_> = std::fs::read_dir(s.0.join("incidents"))
            .expect("list")
            .filter_map(|e| e.ok().map(|e| e.file_name()))
            .collect();
        names.sort();
        names
    };
    let before = listing();
    let out = s.hotwash(&["validate", "incidents"], &[]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(listing(), before);
    let mode = |p: &Path| std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777;
    assert_eq!(mode(&s.cache_dir()), 0o700);
    let entries = s.entries();
    assert_eq!(entries.len(), 1);
    assert_eq!(mode(&entries[0]), 0o600);
}

#[test]
fn cache_path_and_cache_clear() {
    let s = Scratch::new("commands");
    let (code, out, _) = s.said(&["cache", "path"]);
    assert_eq!(code, Some(0));
    assert_eq!(out.trim_end(), s.cache_dir().display().to_string());
    assert!(s.said(&["validate", "incidents"]).0 == Some(0));
    assert_eq!(s.entries().len(), 1);
    let (code, _, err) = s.said(&["cache", "clear"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("removed 1 entry from"), "{err}");
    assert!(!s.cache_dir().exists());
    let (code, _, err) = s.said(&["cache", "clear"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("removed 0 entries"), "{err}");
}

#[test]
fn processes_filling_the_cache_at_once_leave_a_whole_entry() {
    let s = Scratch::new("processes");
    let expected = s.said(&["--no-cache", "validate", "incidents/demo.ron"]);
    let children: Vec<_> = (0..6)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_hotwash"))
                .args(["validate", "incidents/demo.ron"])
                .current_dir(&s.0)
                .env("XDG_CACHE_HOME", s.home())
                .env("NO_COLOR", "1")
                .env_remove("HOTWASH_NO_CACHE")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("start hotwash")
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().expect("run hotwash");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            expected.2,
            "{:?}",
            out.status
        );
    }
    // One entry, whole: this build reads it as a hit.
    assert_eq!(s.entries().len(), 1, "{:?}", s.entries());
    let cache = Arc::new(hotwash::cache::Cache::at(s.cache_dir()));
    let options = hotwash::load::LoadOptions {
        cache: Some(Arc::clone(&cache)),
        ..Default::default()
    };
    let loaded = hotwash::load::load_record(&s.record(), &options);
    assert!(loaded.value.is_some());
    assert_eq!(cache.counts().hits, 1, "{:?}", cache.counts());
}
