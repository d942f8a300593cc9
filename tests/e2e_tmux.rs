//! End to end: the real binary in a real terminal (tmux), read back as a
//! person would see it.
//!
//! Needs tmux. Without it the test says so and passes, so that `cargo test`
//! works on a fresh machine; CI sets HOTWASH_REQUIRE_TMUX=1 to make a
//! missing tmux a failure.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

struct Tmux {
    socket: String,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("run tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "hw"])
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "hw"];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    /// Waits until the screen satisfies `ok`, and returns it. The deadline
    /// only bounds a hang; nothing is asserted about how long it took.
    fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; the screen was:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.run(&["kill-server"]);
    }
}

fn tmux_available() -> bool {
    let found = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("HOTWASH_REQUIRE_TMUX").is_none(),
            "HOTWASH_REQUIRE_TMUX is set but tmux is not installed"
        );
        eprintln!("tmux is not installed: skipping the end-to-end terminal test");
    }
    found
}

/// The column where `needle` starts on the first line holding it.
fn column_of(screen: &str, needle: &str) -> Option<(usize, usize)> {
    screen.lines().enumerate().find_map(|(row, line)| {
        line.find(needle)
            .map(|byte| (row, line[..byte].chars().count()))
    })
}

/// The title of the detail pane (the selected event's id), e.g. "E4".
fn detail_id(screen: &str) -> Option<String> {
    screen.lines().find_map(|line| {
        let rest = line.strip_prefix("┌ E")?;
        let id: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        Some(format!("E{id}"))
    })
}

#[test]
fn a_person_steps_through_the_demo_record_in_a_real_terminal() {
    if !tmux_available() {
        return;
    }
    let bin = env!("CARGO_BIN_EXE_hotwash");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let record = root.join("tests/fixtures/tui/demo.ron");
    let exit_file: PathBuf =
        std::env::temp_dir().join(format!("hotwash-e2e-exit-{}", std::process::id()));
    let _ = std::fs::remove_file(&exit_file);
    let tmux = Tmux {
        socket: format!("hotwash-e2e-{}", std::process::id()),
    };
    let command = format!(
        "'{}' '{}'; echo $? > '{}'; sleep 5",
        bin,
        record.display(),
        exit_file.display()
    );
    tmux.run(&[
        "new-session",
        "-d",
        "-s",
        "hw",
        "-x",
        "160",
        "-y",
        "45",
        "-e",
        "NO_COLOR=1",
        &command,
    ]);

    // The review screen opens with Timeline and Controls side by side.
    let screen = tmux.wait_for("the review screen", |s| {
        s.contains("Timeline") && s.contains("Controls")
    });
    let (t_row, t_col) = column_of(&screen, "Timeline").expect("a Timeline pane");
    let (c_row, c_col) = column_of(&screen, "Controls").expect("a Controls pane");
    assert_eq!(t_row, c_row, "the panes share a row:\n{screen}");
    assert!(t_col < c_col, "Timeline is left of Controls:\n{screen}");
    assert!(screen.contains("NATO RESTRICTED") && screen.contains("TLP:AMBER+STRICT"));
    assert_eq!(detail_id(&screen).as_deref(), Some("E4"), "{screen}");
    assert!(screen.contains("SC-8     not yet involved"), "{screen}");

    // Stepping moves the selection, changes the detail and the controls' states.
    tmux.keys(&["j"]);
    let screen = tmux.wait_for("the second event", |s| {
        detail_id(s).as_deref() == Some("E1")
    });
    assert!(screen.contains("Alpha joins the call over hotel Wi-Fi"));
    assert!(screen.contains("SC-8     failed HERE"), "{screen}");
    assert!(screen.contains("AC-17    not followed HERE"), "{screen}");
    tmux.keys(&["Down"]);
    let screen = tmux.wait_for("the third event", |s| detail_id(s).as_deref() == Some("E2"));
    assert!(
        screen.contains("AC-17    not followed earlier (1×)"),
        "{screen}"
    );

    // Help opens and closes.
    tmux.keys(&["?"]);
    let screen = tmux.wait_for("the help overlay", |s| {
        s.contains("Help") && s.contains("quit hotwash")
    });
    assert!(screen.contains("move the focus between Timeline and Controls"));
    tmux.keys(&["Escape"]);
    tmux.wait_for("help to close", |s| !s.contains("quit hotwash"));

    // q quits with status 0 and gives the terminal back.
    tmux.keys(&["q"]);
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Ok(s) = std::fs::read_to_string(&exit_file)
            && !s.trim().is_empty()
        {
            break s;
        }
        assert!(
            Instant::now() < deadline,
            "hotwash did not exit:\n{}",
            tmux.screen()
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.trim(), "0");
    let screen = tmux.screen();
    assert!(
        !screen.contains("Controls"),
        "the alternate screen is gone:\n{screen}"
    );
    let _ = std::fs::remove_file(&exit_file);
}
