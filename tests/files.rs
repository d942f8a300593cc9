//! The files hotwash writes and reads, as a user meets them on the command
//! line: modes under a umask, links written through, devices, FIFOs and
//! folders refused, `--out dir/`. Every run of the binary has a deadline,
//! so that a regression that blocks on a FIFO fails instead of hanging.
#![cfg(unix)]

mod common;

use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const EPOCH: &str = "1717689600";
const RECORD: &str = "tests/fixtures/valid/minimal.ron";
const RECORD_ID: &str = "fixture-dial-in";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

struct Run {
    code: Option<i32>,
    stderr: String,
}

/// Runs hotwash under `umask` in `dir`, killing it if it has not finished
/// by a generous deadline (a guard against hangs, not a timing).
fn hotwash_in(dir: &Path, umask: &str, args: &[&str]) -> Run {
    let err_path = dir.join(format!(".stderr-{}", std::process::id()));
    let err = std::fs::File::create(&err_path).expect("stderr file");
    let mut child = Command::new("sh")
        .env(
            "XDG_CACHE_HOME",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/xdg-cache"),
        )
        .arg("-c")
        .arg(format!("umask {umask} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_hotwash"))
        .args(args)
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(err)
        .spawn()
        .expect("run hotwash");
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("hotwash {args:?} hung (killed after the deadline)");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stderr = std::fs::read_to_string(&err_path).expect("stderr");
    std::fs::remove_file(&err_path).ok();
    Run {
        code: status.code(),
        stderr,
    }
}

/// A fresh folder holding a copy of the minimal record.
fn workspace(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hotwash-files-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::copy(root().join(RECORD), dir.join("r.ron")).expect("copy record");
    dir
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o7777
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(status.success(), "mkfifo {}", path.display());
}

fn is_link(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

fn export_md(dir: &Path, umask: &str, out: &str, force: bool) -> Run {
    let mut args = vec!["export", "r.ron", "--format", "markdown", "--out", out];
    if force {
        args.push("--force");
    }
    hotwash_in(dir, umask, &args)
}

#[test]
fn new_exports_get_0644_less_the_umask_and_replaced_ones_keep_their_mode() {
    let dir = workspace("modes");
    assert_eq!(export_md(&dir, "022", "a.md", false).code, Some(0));
    assert_eq!(mode(&dir.join("a.md")), 0o644);
    assert_eq!(export_md(&dir, "002", "c.md", false).code, Some(0));
    assert_eq!(
        mode(&dir.join("c.md")),
        0o644,
        "0644 less the umask, not 0666"
    );
    assert_eq!(export_md(&dir, "077", "b.md", false).code, Some(0));
    assert_eq!(mode(&dir.join("b.md")), 0o600);
    // A private file stays private when replaced, whatever the umask.
    chmod(&dir.join("a.md"), 0o600);
    assert_eq!(export_md(&dir, "000", "a.md", true).code, Some(0));
    assert_eq!(mode(&dir.join("a.md")), 0o600);
    // A world-writable or executable file is not left so.
    chmod(&dir.join("b.md"), 0o777);
    assert_eq!(export_md(&dir, "000", "b.md", true).code, Some(0));
    assert_eq!(mode(&dir.join("b.md")), 0o664);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn an_export_through_a_link_updates_its_target_and_keeps_the_link() {
    let dir = workspace("link");
    std::fs::create_dir(dir.join("shared")).expect("mkdir");
    let target = dir.join("shared/team.md");
    std::fs::write(&target, "old").expect("write");
    chmod(&target, 0o640);
    let link = dir.join("out.md");
    std::os::unix::fs::symlink("shared/team.md", &link).expect("symlink");
    let run = export_md(&dir, "022", "out.md", false);
    assert_eq!(run.code, Some(1), "the target exists: --force is needed");
    assert!(run.stderr.contains("pass --force"), "{}", run.stderr);
    let run = export_md(&dir, "022", "out.md", true);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(is_link(&link), "the link is still a link");
    assert_eq!(mode(&target), 0o640);
    // No temporary file was left in either folder.
    let names = |d: &Path| std::fs::read_dir(d).expect("dir").count();
    assert_eq!(
        (names(&dir), names(&dir.join("shared"))),
        (3, 1),
        "r.ron, shared/, out.md"
    );
    // The target holds the export.
    assert_eq!(export_md(&dir, "022", "direct.md", false).code, Some(0));
    let direct = std::fs::read(dir.join("direct.md")).expect("direct");
    assert_eq!(std::fs::read(&target).expect("target"), direct);

    // A link to nothing is refused, and nothing is created where it points.
    let dangling = dir.join("gone.md");
    std::os::unix::fs::symlink("nowhere/x.md", &dangling).expect("symlink");
    let run = export_md(&dir, "022", "gone.md", true);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.contains("gone.md") && run.stderr.contains("does not exist"),
        "{}",
        run.stderr
    );
    assert!(is_link(&dangling) && !dir.join("nowhere").exists());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn devices_fifos_and_folders_are_never_replaced_even_with_force() {
    let dir = workspace("special");
    mkfifo(&dir.join("pipe.md"));
    std::fs::create_dir(dir.join("folder.md")).expect("mkdir");
    std::os::unix::fs::symlink("/dev/null", dir.join("null.md")).expect("symlink");
    let mut cases = vec![("pipe.md", "a FIFO"), ("null.md", "a character device")];
    // A private device node first (root may make one), so that a regression
    // is caught on it before the machine's /dev/null is ever at stake.
    let private = Command::new("mknod")
        .arg(dir.join("dev.md"))
        .args(["c", "1", "3"])
        .status()
        .is_ok_and(|s| s.success());
    if private {
        cases.insert(0, ("dev.md", "a character device"));
    }
    for (out, kind) in cases {
        let run = export_md(&dir, "022", out, true);
        assert_eq!(run.code, Some(1), "{out}: {}", run.stderr);
        assert!(
            run.stderr.contains(out)
                && run.stderr.contains(kind)
                && run.stderr.contains("not a regular file"),
            "{out}: {}",
            run.stderr
        );
    }
    assert!(
        std::fs::symlink_metadata(dir.join("pipe.md"))
            .expect("fifo")
            .file_type()
            .is_fifo()
    );
    assert!(is_link(&dir.join("null.md")));
    if private {
        let meta = std::fs::symlink_metadata(dir.join("dev.md")).expect("dev");
        assert!(
            meta.file_type().is_char_device(),
            "the device node is untouched"
        );
    }
    let run = export_md(&dir, "022", "/dev/null", true);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("/dev/null is a character device"),
        "{}",
        run.stderr
    );
    let null = std::fs::symlink_metadata("/dev/null").expect("/dev/null");
    assert!(null.file_type().is_char_device(), "/dev/null is untouched");
    // An existing folder is not replaced either: the file goes inside it.
    assert_eq!(export_md(&dir, "022", "folder.md", true).code, Some(0));
    assert!(dir.join(format!("folder.md/{RECORD_ID}.md")).is_file());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn out_naming_a_folder_writes_the_default_name_inside_it() {
    let dir = workspace("folder");
    let run = export_md(&dir, "022", "newdir/", false);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let inside = dir.join(format!("newdir/{RECORD_ID}.md"));
    assert!(inside.is_file(), "wrote {}", run.stderr);
    assert!(
        run.stderr.contains(&format!("newdir/{RECORD_ID}.md")),
        "{}",
        run.stderr
    );
    // Again: the file inside now exists.
    let run = export_md(&dir, "022", "newdir", false);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.contains(&format!("{RECORD_ID}.md exists")),
        "{}",
        run.stderr
    );
    let run = hotwash_in(
        &dir,
        "022",
        &["export", "r.ron", "--format", "stix", "--out", "newdir"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(dir.join(format!("newdir/{RECORD_ID}.stix.json")).is_file());
    assert!(!dir.join("newdir.md").exists());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_fifo_is_reported_never_read() {
    let dir = workspace("fifo");
    mkfifo(&dir.join("f.ron"));
    for args in [
        &["validate", "f.ron"][..],
        &["export", "f.ron", "--format", "json"],
        &["validate", "."],
    ] {
        let run = hotwash_in(&dir, "022", args);
        assert_eq!(run.code, Some(1), "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("f.ron") && run.stderr.contains("not a regular file: a FIFO"),
            "{args:?}: {}",
            run.stderr
        );
    }
    // A FIFO where the review of a valid record would be.
    mkfifo(&dir.join("r.review.ron"));
    for args in [
        &["validate", "r.ron"][..],
        &["export", "r.ron", "--format", "markdown"],
    ] {
        let run = hotwash_in(&dir, "022", args);
        assert_eq!(run.code, Some(1), "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("r.review.ron") && run.stderr.contains("a FIFO"),
            "{args:?}: {}",
            run.stderr
        );
    }
    // The summary printed when the output is not a terminal.
    let run = hotwash_in(&dir, "022", &["."]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    std::fs::remove_dir_all(&dir).ok();
}

/// In the workbench: a FIFO where a record's review would be neither hangs
/// the library's loader nor opens as a new review; the record opens
/// read-only. Needs tmux (skipped without, unless HOTWASH_REQUIRE_TMUX).
#[test]
fn the_workbench_opens_a_record_whose_review_is_a_fifo_read_only() {
    if !common::tmux_available() {
        return;
    }
    let dir = workspace("tui-fifo");
    mkfifo(&dir.join("r.review.ron"));
    let socket = format!("hotwash-files-{}", std::process::id());
    let tmux = |args: &[&str]| {
        let out = Command::new("tmux")
            .env(
                "XDG_CACHE_HOME",
                concat!(env!("CARGO_TARGET_TMPDIR"), "/xdg-cache"),
            )
            .arg("-L")
            .arg(&socket)
            .args(args)
            .output()
            .expect("tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let command = format!(
        "cd '{}' && '{}' .; sleep 5",
        dir.display(),
        env!("CARGO_BIN_EXE_hotwash")
    );
    tmux(&[
        "new-session",
        "-d",
        "-s",
        "hw",
        "-x",
        "120",
        "-y",
        "30",
        "-e",
        "NO_COLOR=1",
        &command,
    ]);
    // The deadline only bounds a hang.
    let wait_for = |what: &str, ok: &dyn Fn(&str) -> bool| {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let screen = tmux(&["capture-pane", "-p", "-t", "hw"]);
            if ok(&screen) {
                return screen;
            }
            if Instant::now() > deadline {
                tmux(&["kill-server"]);
                panic!("timed out waiting for {what}; the screen was:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    wait_for("the library to list the record", &|s| {
        s.contains("Conference dial-in")
    });
    tmux(&["send-keys", "-t", "hw", "Enter"]);
    wait_for("the record, read-only", &|s| s.contains("READ-ONLY"));
    tmux(&["send-keys", "-t", "hw", "q"]);
    tmux(&["kill-server"]);
    let fifo = std::fs::symlink_metadata(dir.join("r.review.ron")).expect("fifo");
    assert!(fifo.file_type().is_fifo(), "the FIFO is left as it was");
    std::fs::remove_dir_all(&dir).ok();
}
