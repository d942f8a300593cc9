//! End to end: the real binary in a real terminal (tmux), read back as a
//! person would see it.
//!
//! Needs tmux. Without it the test says so and passes, so that `cargo test`
//! works on a fresh machine; CI sets HOTWASH_REQUIRE_TMUX=1 to make a
//! missing tmux a failure.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::process::Stdio;
use std::time::{Duration, Instant};

struct Tmux {
    socket: String,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .env(
                "XDG_CACHE_HOME",
                concat!(env!("CARGO_TARGET_TMPDIR"), "/xdg-cache"),
            )
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

    /// Runs a `/` search for `query`, typed literally.
    fn search(&self, query: &str) {
        self.keys(&["/"]);
        self.keys(&["-l", query]);
        self.keys(&["Enter"]);
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

use common::tmux_available;

/// A private copy of the demo record and its review in a fresh folder.
fn workspace(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hotwash-e2e-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tui");
    for file in ["demo.ron", "demo.review.ron"] {
        std::fs::copy(fixtures.join(file), dir.join(file)).expect("copy fixture");
    }
    dir
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
    let dir = workspace("steps");
    let record = dir.join("demo.ron");
    let exit_file = dir.join("exit-status");
    let tmux = Tmux {
        socket: format!("hotwash-e2e-steps-{}", std::process::id()),
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
    let screen = tmux.wait_for("the review screen, fully drawn", |s| {
        s.contains("Timeline")
            && s.contains("Controls")
            && s.matches("TLP:AMBER+STRICT").count() == 2
            && detail_id(s).is_some()
            && s.contains("SC-8  not yet involved")
    });
    let (t_row, t_col) = column_of(&screen, "Timeline").expect("a Timeline pane");
    let (c_row, c_col) = column_of(&screen, "Controls").expect("a Controls pane");
    assert_eq!(t_row, c_row, "the panes share a row:\n{screen}");
    assert!(t_col < c_col, "Timeline is left of Controls:\n{screen}");
    assert!(screen.contains("NATO RESTRICTED") && screen.contains("TLP:AMBER+STRICT"));
    assert_eq!(detail_id(&screen).as_deref(), Some("E4"), "{screen}");
    assert!(screen.contains("SC-8  not yet involved"), "{screen}");

    // Stepping moves the selection, changes the detail and the controls' states.
    tmux.keys(&["j"]);
    // Each wait names the whole expected frame: capture-pane can catch a
    // frame half drawn, so a partial match must not be asserted on.
    tmux.wait_for("the second event with its controls replayed", |s| {
        detail_id(s).as_deref() == Some("E1")
            && s.contains("Alpha joins the call over hotel Wi-Fi")
            && s.contains("SC-8  failed HERE")
            && s.contains("AC-17 not followed HERE")
    });
    tmux.keys(&["Down"]);
    tmux.wait_for("the third event, the failure now earlier", |s| {
        detail_id(s).as_deref() == Some("E2")
            && s.contains("AC-17 not followed earlier (1×)")
            && s.contains("SC-8  failed HERE")
    });

    // Help opens and closes.
    tmux.keys(&["?"]);
    tmux.wait_for("the help overlay", |s| {
        s.contains("Help")
            && s.contains("quit hotwash")
            && s.contains("move the focus: Timeline, Controls, Findings")
    });
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
    let _ = std::fs::remove_dir_all(&dir);
}

/// Starts hotwash on `record` in a new tmux session of the given server.
fn command_line(record: &Path) -> String {
    let bin = env!("CARGO_BIN_EXE_hotwash");
    format!(
        "'{bin}' --reviewer 'E2E Analyst' '{}'; sleep 30",
        record.display()
    )
}

/// Runs hotwash again in the pane of the session `start` made.
fn restart(tmux: &Tmux, record: &Path) {
    tmux.run(&["respawn-pane", "-k", "-t", "hw", &command_line(record)]);
}

fn start(tmux: &Tmux, record: &Path) {
    start_at(tmux, record, 120, 40);
}

fn start_at(tmux: &Tmux, record: &Path, width: u16, height: u16) {
    let command = command_line(record);
    let (width, height) = (width.to_string(), height.to_string());
    tmux.run(&[
        "new-session",
        "-d",
        "-s",
        "hw",
        "-x",
        &width,
        "-y",
        &height,
        "-e",
        "NO_COLOR=1",
        &command,
    ]);
}

/// The process id of the hotwash running in the tmux session.
fn hotwash_pid(tmux: &Tmux) -> u32 {
    let shell = tmux.run(&["display-message", "-p", "-t", "hw", "#{pane_pid}"]);
    let shell: u32 = shell.trim().parse().expect("a pane pid");
    let out = Command::new("pgrep")
        .args(["-P", &shell.to_string(), "hotwash"])
        .stderr(Stdio::null())
        .output()
        .expect("pgrep");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .next()
        .and_then(|l| l.trim().parse().ok())
        .expect("hotwash runs under the pane's shell")
}

#[test]
fn a_finding_saved_with_ctrl_s_survives_sigkill() {
    if !tmux_available() {
        return;
    }
    let dir = workspace("sigkill");
    let record = dir.join("demo.ron");
    let tmux = Tmux {
        socket: format!("hotwash-e2e-kill-{}", std::process::id()),
    };
    start(&tmux, &record);
    tmux.wait_for("the review screen", |s| {
        s.contains("Timeline") && s.contains("Controls")
    });

    // Select the call event, open a new finding, type it, save with Ctrl-S.
    tmux.keys(&["j"]);
    tmux.wait_for("E1", |s| detail_id(s).as_deref() == Some("E1"));
    tmux.keys(&["f"]);
    tmux.wait_for("the form", |s| s.contains("New finding"));
    tmux.keys(&["-l", "Traveller bypassed the secure dial-in"]);
    tmux.keys(&["Tab"]);
    tmux.keys(&["-l", "The call left the hotel over Wi-Fi."]);
    tmux.keys(&["C-s"]);
    tmux.wait_for("the saved finding", |s| {
        s.contains("saved: added finding F02")
    });

    // Kill it outright: no chance to flush anything on the way out.
    let pid = hotwash_pid(&tmux);
    let killed = Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());

    let review = std::fs::read_to_string(dir.join("demo.review.ron")).expect("the review file");
    assert!(
        review.contains("Traveller bypassed the secure dial-in"),
        "{review}"
    );
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        // The lock file stays: deleting it could let two saves race.
        .filter(|n| !n.starts_with("demo.") && n != ".demo.review.ron.lock")
        .collect();
    assert!(
        leftovers.is_empty(),
        "no temporary files left: {leftovers:?}"
    );

    // Start again in the same pane: killing the session and making a new
    // one races with the tmux server shutting down, and the new session
    // may never appear.
    restart(&tmux, &record);
    tmux.wait_for("the review screen again", |s| s.contains("Timeline"));
    tmux.keys(&["F"]);
    // Wait for the whole frame: capture-pane may catch one half drawn.
    tmux.wait_for("the saved finding after the restart", |s| {
        s.contains("Findings (2)")
            && s.contains("F02 Traveller bypassed the secure dial-in")
            && s.contains("rests on events E1")
    });
    tmux.keys(&["q"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn reading_the_open_record_leaves_the_screen_alone() {
    if !tmux_available() {
        return;
    }
    let dir = workspace("reads");
    let record = dir.join("demo.ron");
    let tmux = Tmux {
        socket: format!("hotwash-e2e-reads-{}", std::process::id()),
    };
    start(&tmux, &record);
    tmux.wait_for("the review screen", |s| s.contains("Timeline"));
    tmux.search("hotel");
    let before = tmux.wait_for("the search", |s| {
        s.contains("events match \"hotel\"") && s.contains("n/N: 2 matches")
    });
    // Others read the files: cat, and hotwash validate (record and review).
    for _ in 0..5 {
        std::fs::read(&record).expect("read");
        std::fs::read(dir.join("demo.review.ron")).expect("read");
    }
    let validate = Command::new(env!("CARGO_BIN_EXE_hotwash"))
        .env(
            "XDG_CACHE_HOME",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/xdg-cache"),
        )
        .arg("validate")
        .arg(&record)
        .output()
        .expect("validate");
    assert!(validate.status.success());
    // Past the watcher's debounce: a reload would have cleared the search
    // and said so by now.
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(tmux.screen(), before, "nothing was reloaded");
    tmux.keys(&["q"]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// At 80×24: an editor that changes nothing is not a change of the
/// record, and a record broken while open shows its diagnostics, which go
/// away when the file is put right.
#[test]
fn the_editor_and_a_live_reload_say_what_happened() {
    if !tmux_available() {
        return;
    }
    let dir = workspace("reload");
    let record = dir.join("demo.ron");
    let tmux = Tmux {
        socket: format!("hotwash-e2e-reload-{}", std::process::id()),
    };
    tmux.run(&[
        "new-session",
        "-d",
        "-s",
        "hw",
        "-x",
        "80",
        "-y",
        "24",
        "-e",
        "NO_COLOR=1",
        "-e",
        "VISUAL=true",
        "-e",
        "EDITOR=true",
        &command_line(&record),
    ]);
    tmux.wait_for("the review screen", |s| s.contains("Timeline"));
    tmux.keys(&["E"]);
    let after = tmux.wait_for("back from the editor", |s| {
        s.contains("closed the editor; the record file is unchanged")
    });
    assert!(!after.contains("changed on disk"), "{after}");

    let good = std::fs::read_to_string(&record).expect("read");
    let bad = good.replace("actors: [\"host\"]", "actors: [\"nobody\"]");
    assert_ne!(bad, good);
    std::fs::write(&record, bad).expect("break the record");
    tmux.wait_for("the diagnostics", |s| {
        s.contains("Diagnostics:") && s.contains("unknown actor \"nobody\"")
    });
    std::fs::write(&record, &good).expect("restore the record");
    let restored = tmux.wait_for("the overlay closed", |s| {
        !s.contains("Diagnostics:") && s.contains("reloaded")
    });
    assert!(restored.contains("Timeline"), "{restored}");
    tmux.keys(&["q"]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Two analysts on the same record add a finding each and press Ctrl-S at
/// the same moment: both findings reach the file, with distinct ids, and
/// each screen ends up showing both.
#[test]
fn two_instances_saving_at_once_keep_both_findings() {
    if !tmux_available() {
        return;
    }
    let dir = workspace("two");
    let record = dir.join("demo.ron");
    let analysts: Vec<(Tmux, &str)> = ["A", "B"]
        .into_iter()
        .map(|who| {
            let tmux = Tmux {
                socket: format!("hotwash-e2e-two-{who}-{}", std::process::id()),
            };
            (tmux, who)
        })
        .collect();
    for (tmux, who) in &analysts {
        start(tmux, &record);
        tmux.wait_for("the review screen", |s| s.contains("Timeline"));
        tmux.keys(&["f"]);
        tmux.wait_for("the form", |s| s.contains("New finding"));
        tmux.keys(&["-l", &format!("Finding from analyst {who}")]);
        tmux.keys(&["Tab"]);
        tmux.keys(&["-l", "A statement."]);
    }
    for (tmux, _) in &analysts {
        tmux.keys(&["C-s"]);
    }
    // The one whose save met the other's is told, and answers r; both
    // screens then show both findings, nothing unsaved.
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut told = 0;
    loop {
        let mut settled = 0;
        for (tmux, who) in &analysts {
            let screen = tmux.screen();
            if screen.contains("The review changed on disk") && screen.contains("r    reload") {
                assert!(
                    screen.contains("NOT SAVED") && !screen.contains("saved:"),
                    "analyst {who} is told, and not that it saved:\n{screen}"
                );
                told += 1;
                tmux.keys(&["r"]);
                tmux.wait_for("the box to close", |s| {
                    !s.contains("The review changed on disk")
                });
            } else if screen.contains("Findings (3)") && !screen.contains("UNSAVED") {
                settled += 1;
            }
        }
        if settled == analysts.len() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the two screens did not settle:\n{}\n{}",
            analysts[0].0.screen(),
            analysts[1].0.screen()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(told <= 1, "at most the second save meets a change");
    let review = std::fs::read_to_string(dir.join("demo.review.ron")).expect("the review");
    let review: hotwash::model::Review = hotwash::load::parse(&review).expect("parses");
    let mut mine: Vec<_> = review
        .findings
        .iter()
        .map(|f| (f.title.as_str(), f.id.as_str()))
        .filter(|(t, _)| t.starts_with("Finding from analyst"))
        .collect();
    mine.sort();
    assert_eq!(mine.len(), 2, "{mine:?}");
    assert_ne!(mine[0].1, mine[1].1, "distinct ids: {mine:?}");
    for (tmux, _) in &analysts {
        tmux.keys(&["q"]);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn from_an_empty_folder_it_opens_the_bundled_incidents_read_only() {
    if !tmux_available() {
        return;
    }
    let bin = env!("CARGO_BIN_EXE_hotwash");
    let dir = std::env::temp_dir().join(format!("hotwash-e2e-bundled-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let tmux = Tmux {
        socket: format!("hotwash-e2e-bundled-{}", std::process::id()),
    };
    let command = format!("cd '{}' && '{}'; sleep 5", dir.display(), bin);
    tmux.run(&[
        "new-session",
        "-d",
        "-s",
        "hw",
        "-x",
        "120",
        "-y",
        "40",
        "-e",
        "NO_COLOR=1",
        "-e",
        "EDITOR=touch",
        "-e",
        "VISUAL=touch",
        &command,
    ]);
    // Every bundled record is listed, in name order: Discord, Signal,
    // Snowden, Strava, Taurus.
    let shipped = shipped_record_names();
    let count = format!("Records ({})", shipped.len());
    tmux.wait_for("the library of bundled records", |s| {
        s.contains("incident library  (bundled)")
            && s.contains(&count)
            && s.contains("Discord leaks: an Air National")
            && s.contains("Houthi strike plans on a Signal")
            && s.contains("Snowden and the NSA disclosures")
            && s.contains("Strava Global Heatmap reveals")
            && s.contains("Luftwaffe 'Taurus' Webex call")
    });
    // Down to Taurus, wherever the name order puts it.
    let taurus = shipped
        .iter()
        .position(|n| n == "taurus-webex-2024.ron")
        .expect("Taurus is bundled");
    let mut keys = vec!["j"; taurus];
    keys.push("Enter");
    tmux.keys(&keys);
    tmux.wait_for("the Taurus record, read-only", |s| {
        s.contains("Timeline")
            && s.contains("READ-ONLY")
            && s.contains("hotwash init")
            && s.contains("Taurus")
    });
    // Help, opened and closed, clears the message shown on opening.
    tmux.keys(&["?"]);
    tmux.wait_for("the help overlay", |s| s.contains("quit hotwash"));
    tmux.keys(&["Escape"]);
    tmux.wait_for("help closed, the message gone", |s| {
        !s.contains("quit hotwash") && !s.contains("READ-ONLY (bundled")
    });
    // Marking an event is refused.
    tmux.keys(&["Space"]);
    tmux.wait_for("the refusal, and nothing marked", |s| {
        s.contains("READ-ONLY (bundled with hotwash)") && s.contains("reviewed 10/31")
    });
    // So is the editor (`touch`, which would leave files); help opening
    // after it shows the key was handled.
    tmux.keys(&["E", "?"]);
    tmux.wait_for("the help overlay", |s| s.contains("quit hotwash"));
    tmux.keys(&["q"]);
    let left: Vec<_> = std::fs::read_dir(&dir).expect("list").collect();
    assert!(left.is_empty(), "hotwash wrote into the folder: {left:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A search outlives a pause: after 5 s of idle the status bar still says
/// what `n` steps through, and `n`/`N` still step through the matches.
#[test]
fn a_search_survives_five_seconds_of_idle() {
    if !tmux_available() {
        return;
    }
    let dir = workspace("idle-search");
    let record = dir.join("demo.ron");
    let tmux = Tmux {
        socket: format!("hotwash-e2e-idle-search-{}", std::process::id()),
    };
    start(&tmux, &record);
    tmux.wait_for("the review screen", |s| s.contains("Timeline"));
    tmux.search("hotel");
    let found = tmux.wait_for("the search", |s| {
        s.contains("n/N: 2 matches of \"hotel\"") && detail_id(s).as_deref() == Some("E1")
    });
    // Idle: no key, no file change. The pause is the point of the test,
    // not a bound on anything.
    std::thread::sleep(Duration::from_millis(5_500));
    let idle = tmux.screen();
    assert!(
        idle.contains("n/N: 2 matches of \"hotel\""),
        "the search is still active after 5 s:\n{idle}"
    );
    assert_eq!(detail_id(&idle), detail_id(&found), "{idle}");
    tmux.keys(&["n"]);
    tmux.wait_for("n to step to the next match", |s| {
        detail_id(s).as_deref() == Some("E2") && s.contains("n/N: 2 matches of \"hotel\"")
    });
    tmux.keys(&["N"]);
    tmux.wait_for("N to step back", |s| {
        detail_id(s).as_deref() == Some("E1") && s.contains("n/N: 2 matches of \"hotel\"")
    });
    tmux.keys(&["q"]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Whether `c` is a regional indicator (half of a flag).
fn regional(c: char) -> bool {
    ('\u{1F1E6}'..='\u{1F1FF}').contains(&c)
}

/// The records shipped in the checkout's incidents/ (not reviews), in name
/// order: what the binary bundles, in the order its library lists them.
fn shipped_record_names() -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("incidents"))
            .expect("incidents/")
            .map(|e| e.expect("entry").file_name().into_string().expect("name"))
            .filter(|n| n.ends_with(".ron") && !n.ends_with(".review.ron"))
            .collect();
    names.sort();
    names
}

/// A private copy of the bundled Taurus record, with its review if `review`.
fn taurus_workspace(name: &str, review: bool) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hotwash-e2e-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let incidents = Path::new(env!("CARGO_MANIFEST_DIR")).join("incidents");
    let mut files = vec!["taurus-webex-2024.ron"];
    if review {
        files.push("taurus-webex-2024.review.ron");
    }
    for file in files {
        std::fs::copy(incidents.join(file), dir.join(file)).expect("copy the record");
    }
    dir
}

/// Flags, wide CJK and combining marks drawn over by another pane leave
/// nothing behind. tmux keeps each half of a flag in a cell of its own, and
/// used to keep the second half of each flag (`No findings🇪yet`).
#[test]
fn flags_leave_no_ghost_glyphs_when_another_pane_is_drawn_over_them() {
    if !tmux_available() {
        return;
    }
    let dir = taurus_workspace("flags", false);
    let record = dir.join("taurus-webex-2024.ron");
    let text = std::fs::read_to_string(&record).expect("the record");
    // E00, selected at start: flags at odd and even columns, on rows that
    // the Findings pane leaves blank.
    let start = "narrative: \"Gräfe, head of operations";
    assert!(text.contains(start));
    let flags = format!(
        "narrative: \"🇩🇪🇸🇬 Flags 🇩🇪, 会議の記録 Abho\u{308}raffa\u{308}re {} Gräfe, head of operations",
        "🇩🇪".repeat(30)
    );
    std::fs::write(&record, text.replacen(start, &flags, 1)).expect("write the record");
    let tmux = Tmux {
        socket: format!("hotwash-e2e-flags-{}", std::process::id()),
    };
    start_at(&tmux, &record, 80, 24);
    tmux.wait_for("the detail with its flags", |s| {
        s.contains("┌ E00")
            && s.contains("Gräfe, head of")
            && s.chars().filter(|&c| regional(c)).count() > 40
    });
    tmux.keys(&["F"]);
    tmux.wait_for("the Findings pane, and no half flag left", |s| {
        s.contains("Findings (0)") && s.contains("No findings yet.") && !s.chars().any(regional)
    });
    tmux.keys(&["q"]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// In the bundled Taurus review (twelve findings), `F` then `G` selects the
/// last finding: the list scrolls to it, shows it selected (reversed), and
/// the Finding pane shows its text.
#[test]
fn the_last_finding_is_reached_with_shift_f_then_shift_g() {
    if !tmux_available() {
        return;
    }
    let dir = taurus_workspace("last", true);
    let record = dir.join("taurus-webex-2024.ron");
    let tmux = Tmux {
        socket: format!("hotwash-e2e-last-{}", std::process::id()),
    };
    start(&tmux, &record);
    tmux.wait_for("the review screen", |s| {
        s.contains("Timeline (31)") && s.contains("Controls")
    });
    tmux.keys(&["F"]);
    tmux.wait_for("the Findings pane", |s| {
        s.contains("Findings (12)") && s.contains("F01 The trigger")
    });
    tmux.keys(&["G"]);
    let last = "F12 A secret briefing on the incident";
    let screen = tmux.wait_for("the last finding and its text", |s| {
        s.contains(last)
            && s.contains("(offen) A secret briefing on the incident leaked in turn")
            && s.contains("Evidence: details of the secret Defence Committee")
    });
    assert!(!screen.contains("F01 The trigger"), "{screen}");
    // Selected: reversed, which NO_COLOR keeps (capture-pane -e shows SGR 7).
    let styled = tmux.run(&["capture-pane", "-p", "-e", "-t", "hw"]);
    let line = styled
        .lines()
        .find(|l| l.contains("F12"))
        .expect("the list row of F12");
    assert!(
        line.contains("\u{1b}[7mF12"),
        "F12 is shown reversed: {line:?}"
    );
    // The text scrolls to its end, where the Finding pane says nothing more.
    for _ in 0..10 {
        tmux.keys(&["C-d"]);
    }
    tmux.wait_for("the end of F12's text", |s| {
        s.contains(last) && !s.contains("more below")
    });
    tmux.keys(&["q"]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Whether some row of `screen` holds `first` and the row under it `second`.
fn on_consecutive_rows(screen: &str, first: &str, second: &str) -> bool {
    let rows: Vec<&str> = screen.lines().collect();
    rows.windows(2)
        .any(|w| w[0].contains(first) && !w[0].contains(second) && w[1].contains(second))
}

#[test]
fn a_two_line_note_is_shown_as_two_lines() {
    if !tmux_available() {
        return;
    }
    let dir = workspace("note");
    let record = dir.join("demo.ron");
    let tmux = Tmux {
        socket: format!("hotwash-e2e-note-{}", std::process::id()),
    };
    start(&tmux, &record);
    tmux.wait_for("the review screen", |s| {
        s.contains("Timeline") && detail_id(s).as_deref() == Some("E4")
    });
    // Enter starts a new line in the note editor; Ctrl-S saves.
    tmux.keys(&["m"]);
    tmux.wait_for("the note editor", |s| s.contains("Note on E4"));
    tmux.keys(&["-l", "Invoice not archived."]);
    tmux.keys(&["Enter"]);
    tmux.keys(&["-l", "Check: the hotel log."]);
    tmux.wait_for("both lines in the editor", |s| {
        on_consecutive_rows(s, "Invoice not archived.", "Check: the hotel log.")
    });
    tmux.keys(&["C-s"]);
    tmux.wait_for("the note in the detail pane, one line a row", |s| {
        !s.contains("Note on E4")
            && on_consecutive_rows(s, "Note: Invoice not archived.", "│Check: the hotel log.")
    });
    let review = std::fs::read_to_string(dir.join("demo.review.ron")).expect("the review file");
    assert!(
        review.contains(r#"note: "Invoice not archived.\nCheck: the hotel log.""#),
        "{review}"
    );
    tmux.keys(&["q"]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The configuration in a real terminal: a broken file is shown at its
/// line and column over the workbench, which runs on the defaults; a good
/// one rebinds a key, and the help says so.
#[test]
fn a_broken_configuration_is_shown_and_a_good_one_rebinds_keys() {
    if !tmux_available() {
        return;
    }
    let dir = workspace("config");
    let record = dir.join("demo.ron");
    let broken = dir.join("broken.ron");
    std::fs::write(
        &broken,
        "(\n    zone: Event,\n    theme: (nmae: HighContrast),\n)\n",
    )
    .expect("write the configuration");
    let good = dir.join("good.ron");
    std::fs::write(
        &good,
        "(theme: (name: HighContrast), keys: (everywhere: {Help: [\"H\"]}))\n",
    )
    .expect("write the configuration");
    let tmux = Tmux {
        socket: format!("hotwash-e2e-config-{}", std::process::id()),
    };
    let bin = env!("CARGO_BIN_EXE_hotwash");
    let run = |config: &Path| {
        format!(
            "'{bin}' --config '{}' '{}'; sleep 30",
            config.display(),
            record.display()
        )
    };
    tmux.run(&[
        "new-session",
        "-d",
        "-s",
        "hw",
        "-x",
        "120",
        "-y",
        "40",
        &run(&broken),
    ]);
    let at = "broken.ron:3:13";
    tmux.wait_for("the configuration's diagnostics over the review", |s| {
        s.contains("Diagnostics:") && s.contains(at) && s.contains("did you mean `name`?")
    });
    tmux.keys(&["Escape"]);
    let screen = tmux.wait_for("the review with the defaults", |s| {
        !s.contains("Diagnostics:") && s.contains("? help")
    });
    assert!(screen.contains("Timeline"), "{screen}");
    tmux.keys(&["?"]);
    tmux.wait_for("the help on its default key", |s| {
        s.contains("quit hotwash")
    });

    tmux.run(&["respawn-pane", "-k", "-t", "hw", &run(&good)]);
    tmux.wait_for("the review with the rebound help key", |s| {
        s.contains("Timeline") && s.contains("H help") && !s.contains("? help")
    });
    tmux.keys(&["H"]);
    // The whole help, footer included: a frame can be caught half drawn.
    let screen = tmux.wait_for("the help opened by H", |s| {
        s.contains("quit hotwash") && s.contains("H or Esc to close")
    });
    assert!(
        screen.contains("H               show or hide this help"),
        "{screen}"
    );
    assert!(screen.contains("H or Esc to close"), "{screen}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The high-contrast theme reaches the terminal (black on light green for
/// an unclassified banner), and `--color never` takes every colour out
/// whatever the theme, as NO_COLOR does.
#[test]
fn the_theme_is_drawn_and_color_never_wins_over_it() {
    if !tmux_available() {
        return;
    }
    let dir = workspace("theme");
    let record = dir.join("demo.ron");
    let config = dir.join("config.ron");
    std::fs::write(
        &config,
        "(theme: (name: HighContrast, banners: (restricted: (bg: \"#123456\"))))\n",
    )
    .expect("write the configuration");
    let tmux = Tmux {
        socket: format!("hotwash-e2e-theme-{}", std::process::id()),
    };
    let bin = env!("CARGO_BIN_EXE_hotwash");
    let run = |color: &str| {
        format!(
            "env -u NO_COLOR '{bin}' --color {color} --config '{}' '{}'; sleep 30",
            config.display(),
            record.display()
        )
    };
    tmux.run(&[
        "new-session",
        "-d",
        "-s",
        "hw",
        "-x",
        "120",
        "-y",
        "40",
        &run("always"),
    ]);
    tmux.wait_for("the review", |s| {
        s.contains("Timeline") && s.contains("? help")
    });
    let coloured = tmux.run(&["capture-pane", "-p", "-e", "-t", "hw"]);
    // The NATO RESTRICTED banner in black on the configured ground, the
    // focused pane in yellow.
    assert!(
        coloured.contains("\u{1b}[38;5;0m\u{1b}[48;2;18;52;86m"),
        "{coloured:?}"
    );
    assert!(coloured.contains("\u{1b}[38;5;11m"), "{coloured:?}");

    tmux.run(&["respawn-pane", "-k", "-t", "hw", &run("never")]);
    tmux.wait_for("the review again", |s| {
        s.contains("Timeline") && s.contains("? help")
    });
    let plain = tmux.run(&["capture-pane", "-p", "-e", "-t", "hw"]);
    for sgr in plain.split('\u{1b}').skip(1) {
        let params = sgr.trim_start_matches('[');
        let params = &params[..params.find('m').unwrap_or(0)];
        for p in params.split(';') {
            let colour = p.len() == 2
                && (p.starts_with('3') || p.starts_with('4') || p.starts_with('9'))
                && p != "39"
                && p != "49";
            assert!(!colour, "a colour ({p}) with --color never: {sgr:?}");
        }
    }
    // The banner stands out in reverse video instead, bold kept.
    let banner = plain.lines().next().unwrap_or_default();
    let before = &banner[..banner.find("NATO RESTRICTED").unwrap_or(0)];
    assert!(
        before.contains("7m") && before.contains('1'),
        "the banner is reversed and bold: {banner:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_view_across_incidents_drills_into_an_incident_and_comes_back() {
    if !tmux_available() {
        return;
    }
    // The hand-counted stats fixture: alpha, bravo, charlie and a broken file.
    let dir = std::env::temp_dir().join(format!("hotwash-e2e-cross-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/stats");
    for file in ["alpha.ron", "bravo.ron", "charlie.ron", "broken.ron"] {
        std::fs::copy(fixtures.join(file), dir.join(file)).expect("copy fixture");
    }
    let tmux = Tmux {
        socket: format!("hotwash-e2e-cross-{}", std::process::id()),
    };
    start(&tmux, &dir);
    tmux.wait_for("the library", |s| s.contains("Records (4)"));
    tmux.keys(&["C"]);
    let screen = tmux.wait_for("the view across incidents", |s| {
        s.contains("Controls across 3 incidents") && s.contains("Detection lag")
    });
    assert!(screen.contains("1 not counted"), "{screen}");
    assert!(screen.contains("30–61 days"), "{screen}");
    // SC-8 in bravo (absent at B1), then into it.
    tmux.keys(&["l"]);
    tmux.wait_for("bravo's cell", |s| {
        s.contains("SC-8 in bravo: absent 1, first at B1")
    });
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("bravo at B1", |s| {
        s.contains("Timeline (3)") && s.contains("SC-8 first at B1 here")
    });
    assert!(screen.contains("No briefing before the trip"), "{screen}");
    tmux.keys(&["Escape"]);
    tmux.wait_for("back in the view, on the same cell", |s| {
        s.contains("Controls across 3 incidents") && s.contains("SC-8 in bravo")
    });
    tmux.keys(&["Escape"]);
    tmux.wait_for("the library again", |s| s.contains("Records (4)"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn deciding_a_candidate_shows_the_failure_in_the_controls_pane() {
    if !tmux_available() {
        return;
    }
    let bin = env!("CARGO_BIN_EXE_hotwash");
    let dir = std::env::temp_dir().join(format!("hotwash-e2e-decide-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let record = dir.join("candidates.ron");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/candidates/candidates.ron"),
        &record,
    )
    .expect("copy fixture");
    let tmux = Tmux {
        socket: format!("hotwash-e2e-decide-{}", std::process::id()),
    };
    let command = format!("'{}' '{}'; sleep 5", bin, record.display());
    tmux.run(&[
        "new-session",
        "-d",
        "-s",
        "hw",
        "-x",
        "120",
        "-y",
        "40",
        "-e",
        "NO_COLOR=1",
        &command,
    ]);
    tmux.wait_for("the review screen, fully drawn", |s| {
        s.contains("Timeline") && s.matches("TLP:CLEAR").count() == 2 && detail_id(s).is_some()
    });
    tmux.keys(&["j"]);
    let screen = tmux.wait_for("E02 with its candidates counted apart", |s| {
        detail_id(s).as_deref() == Some("E02")
            && s.contains("3 candidates (c)")
            && s.matches("TLP:CLEAR").count() == 2
    });
    assert!(
        !screen.contains("AC-2"),
        "a candidate is not an effect:\n{screen}"
    );
    tmux.keys(&["c"]);
    tmux.wait_for("the candidates, ranked, with their chains", |s| {
        s.contains("Candidates at E02")
            && s.contains("Account Management")
            && s.contains("Use of stolen creds → T1078 → AC-2")
            && s.contains("Esc close")
    });
    tmux.keys(&["Enter"]);
    tmux.wait_for("the effect picker", |s| {
        s.contains("Decide on AC-2 at E02") && s.contains("Enter saves")
    });
    tmux.keys(&["Enter"]);
    tmux.wait_for("the decision in the list", |s| {
        s.contains("linked AC-2 at E02: failed") && s.contains("Esc close")
    });
    tmux.keys(&["Escape"]);
    let screen = tmux.wait_for("the failure in the controls pane", |s| {
        s.contains("AC-2 failed HERE")
            && s.contains("2 candidates (c)")
            && !s.contains("Esc close")
            && s.matches("TLP:CLEAR").count() == 2
    });
    assert!(screen.contains("2 of 3 failed so far"), "{screen}");
    let review = std::fs::read_to_string(dir.join("candidates.review.ron")).expect("saved");
    assert!(review.contains("Linked(Failed)"), "{review}");
    tmux.keys(&["q"]);
    let _ = std::fs::remove_dir_all(&dir);
}
