//! Two analysts, one review: real git repositories, two branches editing
//! the bundled Taurus review, and `git merge` through the driver that
//! `hotwash git-setup` installs (pointing at this build of hotwash). Then
//! the merged file as hotwash sees it: `validate`, the workbench's
//! conflict overlay driven by keys, and the merge's properties.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use hotwash::load::{self, LoadOptions};
use hotwash::model::{
    ConflictField, ConflictItem, ConflictValue, EventMark, MergeSide, RecommendationStatus, Review,
    Severity, SignOff,
};
use hotwash::review::{Edit, RecommendationDraft, RecordHasher, merge, store};
use hotwash::tui::app::{App, Overlay, Screen, load_entry};
use hotwash::tui::runtime::dispatch;
use hotwash::tui::update::{Msg, update};
use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

const RECORD: &str = "incidents/taurus-webex-2024.ron";
const REVIEW: &str = "incidents/taurus-webex-2024.review.ron";

/// A git repository in a folder of its own, removed when dropped.
struct Repo(PathBuf);

impl Repo {
    /// A repository holding the bundled Taurus record and review on
    /// `main`, with hotwash's merge driver and diff set up by `git-setup`;
    /// `None` (the test skips) where git is not installed.
    fn new() -> Option<Self> {
        if !common::git_available() {
            return None;
        }
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("hotwash-merge-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("incidents")).expect("temp dir");
        let repo = Repo(dir);
        for file in [RECORD, REVIEW] {
            std::fs::copy(
                Path::new(env!("CARGO_MANIFEST_DIR")).join(file),
                repo.0.join(file),
            )
            .expect("copy the Taurus files");
        }
        repo.git(&["init", "-q", "-b", "main"]);
        repo.git(&["config", "user.name", "Test Analyst"]);
        repo.git(&["config", "user.email", "analyst@example.org"]);
        let setup = repo.hotwash(&["git-setup"]);
        assert!(setup.status.success(), "{}", text(&setup.stderr));
        repo.git(&["add", "-A"]);
        repo.git(&["commit", "-q", "-m", "the Taurus review"]);
        Some(repo)
    }

    /// Runs git, isolated from the machine's and the user's settings.
    fn run_git(&self, args: &[&str]) -> Output {
        Command::new("git")
            .args(args)
            .env(
                "XDG_CACHE_HOME",
                concat!(env!("CARGO_TARGET_TMPDIR"), "/xdg-cache"),
            )
            .current_dir(&self.0)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("NO_COLOR", "1")
            .env("GIT_PAGER", "cat")
            .output()
            .expect("run git")
    }

    fn git(&self, args: &[&str]) -> Output {
        let out = self.run_git(args);
        assert!(
            out.status.success(),
            "git {args:?} failed:\n{}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        out
    }

    fn hotwash(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_hotwash"))
            .env(
                "XDG_CACHE_HOME",
                concat!(env!("CARGO_TARGET_TMPDIR"), "/xdg-cache"),
            )
            .args(args)
            .current_dir(&self.0)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("NO_COLOR", "1")
            .output()
            .expect("run hotwash")
    }

    fn review_text(&self) -> String {
        std::fs::read_to_string(self.0.join(REVIEW)).expect("read the review")
    }

    fn review(&self) -> Review {
        load::parse(&self.review_text()).expect("the review parses")
    }

    /// On a new branch from `main`: the review as `change` leaves it,
    /// written as hotwash writes it, and committed.
    fn branch(&self, name: &str, change: impl FnOnce(&mut Review)) {
        self.git(&["checkout", "-q", "main"]);
        self.git(&["checkout", "-q", "-b", name]);
        let mut review = self.review();
        change(&mut review);
        let written = store::serialise(&review).expect("serialises");
        std::fs::write(self.0.join(REVIEW), written).expect("write the review");
        self.git(&["commit", "-q", "-am", name]);
    }

    /// Checks out `into` and merges `from` into it.
    fn merge(&self, into: &str, from: &str) -> Output {
        self.git(&["checkout", "-q", into]);
        self.run_git(&["merge", "--no-edit", from])
    }
}

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn apply(review: &mut Review, edit: Edit) {
    edit.apply(review).expect("the edit applies");
}

fn new_finding(review: &mut Review, title: &str, event: &str, action: &str) {
    let mut finding = review.findings[0].clone();
    finding.title = title.into();
    finding.statement = format!("{title}: a statement.");
    finding.events = vec![event.into()];
    finding.controls = vec!["SC-8".into()];
    apply(
        review,
        Edit::AddFinding {
            finding,
            recommendations: vec![RecommendationDraft {
                id: None,
                action: action.into(),
                owner: "BMVg".into(),
                due: None,
                status: RecommendationStatus::Recommended,
            }],
        },
    );
}

fn no_markers(text: &str) {
    for marker in ["<<<<<<<", "=======", ">>>>>>>"] {
        assert!(!text.contains(marker), "a text conflict marker:\n{text}");
    }
}

/// `hotwash validate` on the repository's incidents: exit status, and the
/// codes of the review's diagnostics.
fn validate(repo: &Repo) -> (Option<i32>, Vec<String>) {
    let out = repo.hotwash(&["validate", "--format", "json", "incidents"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let codes = json["files"]
        .as_array()
        .expect("files")
        .iter()
        .flat_map(|f| f["diagnostics"].as_array().cloned().unwrap_or_default())
        .filter_map(|d| d["code"].as_str().map(str::to_string))
        .collect();
    (out.status.code(), codes)
}

#[test]
fn git_setup_says_what_it_did_and_changes_nothing_the_second_time() {
    let Some(repo) = Repo::new() else { return };
    let attributes = std::fs::read_to_string(repo.0.join(".gitattributes")).expect("written");
    assert_eq!(
        attributes,
        "*.ron diff=hotwash\n*.review.ron merge=hotwash\n"
    );
    let driver = repo.git(&["config", "--get", "merge.hotwash.driver"]);
    assert_eq!(
        text(&driver.stdout).trim(),
        format!(
            "'{}' merge-review %O %A %B --path %P",
            env!("CARGO_BIN_EXE_hotwash")
        )
    );
    let again = repo.hotwash(&["git-setup"]);
    assert!(again.status.success());
    let said = text(&again.stderr);
    assert!(said.contains("merge.hotwash.driver: already set"), "{said}");
    assert!(said.contains(".gitattributes: already has"), "{said}");
    assert!(said.contains(".gitignore: already has"), "{said}");
    assert_eq!(
        std::fs::read_to_string(repo.0.join(".gitignore")).expect("written"),
        ".*.review.ron.lock\n"
    );
    assert_eq!(
        std::fs::read_to_string(repo.0.join(".gitattributes")).expect("read"),
        attributes,
        "no line is added twice"
    );
    let check = repo.git(&["check-attr", "merge", "diff", "--", REVIEW]);
    let check = text(&check.stdout);
    assert!(
        check.contains("merge: hotwash") && check.contains("diff: hotwash"),
        "{check}"
    );
}

#[test]
fn parallel_additions_merge_cleanly_and_validate() {
    let Some(repo) = Repo::new() else { return };
    repo.branch("alice", |r| {
        for event in ["E03", "E04"] {
            apply(
                r,
                Edit::SetReviewed {
                    event: event.into(),
                    reviewed: true,
                },
            );
        }
        apply(
            r,
            Edit::SetEventLink {
                finding: "F10".into(),
                event: "E13".into(),
                linked: true,
            },
        );
    });
    repo.branch("bob", |r| {
        r.recommendations[2].status = RecommendationStatus::InProgress;
        apply(
            r,
            Edit::SetNote {
                event: "E05".into(),
                note: Some("Checked against the RT broadcast.".into()),
            },
        );
        apply(
            r,
            Edit::SetEventLink {
                finding: "F10".into(),
                event: "E12".into(),
                linked: true,
            },
        );
    });
    let out = repo.merge("alice", "bob");
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let merged_text = repo.review_text();
    no_markers(&merged_text);
    assert_eq!(
        merged_text,
        store::serialise(&repo.review()).expect("serialises"),
        "written as hotwash writes reviews"
    );
    let merged = repo.review();
    assert!(merged.conflicts.is_empty());
    for event in ["E03", "E04"] {
        assert!(merged.mark(event).is_some_and(|m| m.reviewed), "{event}");
    }
    assert_eq!(
        merged.mark("E05").and_then(|m| m.note.as_deref()),
        Some("Checked against the RT broadcast.")
    );
    assert_eq!(
        merged.recommendations[2].status,
        RecommendationStatus::InProgress
    );
    let f10 = merged.finding("F10").expect("F10");
    assert!(f10.events.iter().any(|e| e == "E12") && f10.events.iter().any(|e| e == "E13"));
    assert_eq!(validate(&repo), (Some(0), Vec::new()));
    // The merge commit is there: git saw no conflict.
    let log = repo.git(&["log", "-1", "--format=%P"]);
    assert_eq!(text(&log.stdout).split_whitespace().count(), 2);
}

#[test]
fn colliding_new_ids_are_renumbered_and_keep_their_links() {
    let Some(repo) = Repo::new() else { return };
    // Both analysts' new findings take the next free id; Bob's moves on.
    let count = repo.review().findings.len();
    let (first, second) = (format!("F{:02}", count + 1), format!("F{:02}", count + 2));
    repo.branch("alice", |r| {
        new_finding(r, "Alice's finding", "E03", "Alice's recommendation");
    });
    repo.branch("bob", |r| {
        new_finding(r, "Bob's finding", "E07", "Bob's recommendation");
        // Bob's new finding is linked to from his own edits too.
        apply(
            r,
            Edit::SetControlLink {
                finding: first.clone(),
                control: "AC-17".into(),
                linked: true,
            },
        );
    });
    assert_eq!(
        repo.review().findings.len(),
        count + 1,
        "both branches made an {first}"
    );
    let out = repo.merge("alice", "bob");
    let said = text(&out.stderr);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains(&format!("their finding {first} is now {second}")),
        "the merge says what it renumbered:\n{said}"
    );
    let merged = repo.review();
    let alice = merged.finding(&first).expect("Alice's finding");
    let bob = merged.finding(&second).expect("Bob's finding");
    assert_eq!(alice.title, "Alice's finding");
    assert_eq!(bob.title, "Bob's finding");
    assert_eq!(bob.events, ["E07"]);
    assert_eq!(bob.controls, ["SC-8", "AC-17"]);
    let recs: Vec<(&str, &str)> = merged
        .recommendations
        .iter()
        .filter(|r| r.finding == first || r.finding == second)
        .map(|r| (r.finding.as_str(), r.action.as_str()))
        .collect();
    assert_eq!(
        recs,
        [
            (first.as_str(), "Alice's recommendation"),
            (second.as_str(), "Bob's recommendation")
        ]
    );
    let ids: std::collections::HashSet<&str> = merged
        .recommendations
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(ids.len(), merged.recommendations.len(), "distinct ids");
    assert_eq!(validate(&repo), (Some(0), Vec::new()));
}

/// The merged repository of two analysts who rewrote F03's statement
/// differently, Alice on `alice`, Bob merged in.
fn conflicted() -> Option<(Repo, Output)> {
    let repo = Repo::new()?;
    repo.branch("alice", |r| {
        r.findings[2].statement = "Alice: the venue was never assessed.".into();
        r.findings[2].severity = Severity::Critical;
    });
    repo.branch("bob", |r| {
        r.findings[2].statement = "Bob: a briefing may have happened unreported.".into();
        r.findings[2].severity = Severity::Critical;
        apply(
            r,
            Edit::SetFlagged {
                event: "E02".into(),
                flagged: true,
            },
        );
    });
    let out = repo.merge("alice", "bob");
    Some((repo, out))
}

#[test]
fn a_same_field_change_is_a_conflict_entry_and_git_reports_the_file() {
    let Some((repo, out)) = conflicted() else {
        return;
    };
    assert!(!out.status.success(), "git reports the conflict");
    let said = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(said.contains("CONFLICT"), "{said}");
    assert!(said.contains("finding F03 statement"), "{said}");
    let merged_text = repo.review_text();
    no_markers(&merged_text);
    let merged = repo.review();
    assert_eq!(merged.conflicts.len(), 1, "{:?}", merged.conflicts);
    let c = &merged.conflicts[0];
    assert_eq!(
        (&c.item, c.field),
        (
            &ConflictItem::Finding("F03".into()),
            ConflictField::Statement
        )
    );
    assert_eq!(
        c.ours,
        ConflictValue::Text("Alice: the venue was never assessed.".into())
    );
    assert_eq!(
        c.theirs,
        ConflictValue::Text("Bob: a briefing may have happened unreported.".into())
    );
    // What both agreed on, and what only Bob changed, arrived.
    let f03 = merged.finding("F03").expect("F03");
    assert_eq!(f03.severity, Severity::Critical);
    assert_eq!(f03.statement, "Alice: the venue was never assessed.");
    assert!(merged.mark("E02").is_some_and(|m| m.flagged));
    let status = repo.git(&["status", "--porcelain"]);
    assert!(
        text(&status.stdout).contains(&format!("UU {REVIEW}")),
        "{}",
        text(&status.stdout)
    );
    // Unresolved, the review is invalid: CI sees it.
    assert_eq!(validate(&repo), (Some(1), vec!["merge.conflict".into()]));
    let export = repo.hotwash(&["export", RECORD, "--format", "markdown"]);
    assert_eq!(export.status.code(), Some(1), "not fit to share");
    assert!(text(&export.stderr).contains("unresolved merge conflict"));
}

fn key(app: &mut App, code: KeyCode) {
    let modifiers = match code {
        KeyCode::Char(c) if c.is_ascii_uppercase() => KeyModifiers::SHIFT,
        _ => KeyModifiers::NONE,
    };
    let key = KeyEvent::new(code, modifiers);
    dispatch(app, Msg::Input(Event::Key(key)), &LoadOptions::default());
}

fn ctrl(app: &mut App, c: char) {
    let key = KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
    dispatch(app, Msg::Input(Event::Key(key)), &LoadOptions::default());
}

fn render(app: &App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(app.width, app.height)).expect("terminal");
    terminal
        .draw(|f| hotwash::tui::view::view(app, f))
        .expect("draw");
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        let line: String = (0..buffer.area.width)
            .map(|x| buffer[(x, y)].symbol().to_string())
            .collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The workbench on the repository's Taurus record, opened.
fn workbench(repo: &Repo) -> App {
    let mut app = App::new(120, 40);
    app.reviewer = "test analyst".into();
    let entry = load_entry(repo.0.join(RECORD), &LoadOptions::default());
    update(&mut app, Msg::Loaded(entry));
    update(&mut app, Msg::LoadFinished);
    key(&mut app, KeyCode::Enter);
    app
}

fn conflicts_of(app: &App) -> usize {
    match &app.screen {
        Screen::Review(r) => r.state.review.conflicts.len(),
        Screen::Library | Screen::Cross(_) => panic!("expected the review screen"),
    }
}

#[test]
fn the_workbench_shows_the_conflict_and_takes_theirs_ours_or_a_combination() {
    let Some((repo, _)) = conflicted() else {
        return;
    };
    let mut app = workbench(&repo);
    // Opened straight onto the conflicts, both versions side by side.
    assert!(
        matches!(app.overlay, Some(Overlay::MergeConflicts(_))),
        "{:?}",
        app.overlay
    );
    let screen = render(&app);
    for shown in [
        "Merge conflicts: 1 to resolve",
        "finding F03 statement",
        "ours (in the review now): Alice: the venue was never assessed.",
        "theirs:                   Bob: a briefing may have happened unreported.",
        "o keep ours · t take theirs · e combine",
        "1 CONFLICT (C)",
    ] {
        assert!(screen.contains(shown), "{shown:?} not on screen:\n{screen}");
    }
    // Signing off waits for the conflicts.
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('S'));
    assert!(app.overlay.is_none());
    assert!(
        app.message
            .as_deref()
            .is_some_and(|m| m.contains("resolve the 1 merge conflict first")),
        "{:?}",
        app.message
    );

    // Theirs, saved at once.
    key(&mut app, KeyCode::Char('C'));
    key(&mut app, KeyCode::Char('t'));
    assert_eq!(conflicts_of(&app), 0);
    assert!(app.overlay.is_none(), "nothing left to resolve");
    let saved = repo.review();
    assert!(saved.conflicts.is_empty());
    assert_eq!(
        saved.finding("F03").expect("F03").statement,
        "Bob: a briefing may have happened unreported."
    );
    assert_eq!(validate(&repo), (Some(0), Vec::new()));
    assert!(!render(&app).contains("CONFLICT"));

    // Undone like any change: the conflict is back, on disk too.
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(conflicts_of(&app), 1);
    assert_eq!(repo.review().conflicts.len(), 1);

    // Ours.
    key(&mut app, KeyCode::Char('C'));
    key(&mut app, KeyCode::Char('o'));
    assert_eq!(
        repo.review().finding("F03").expect("F03").statement,
        "Alice: the venue was never assessed."
    );
    key(&mut app, KeyCode::Char('u'));

    // A combination: both texts to cut down to one.
    key(&mut app, KeyCode::Char('C'));
    key(&mut app, KeyCode::Char('e'));
    let screen = render(&app);
    assert!(screen.contains("Combine ours and theirs"), "{screen}");
    assert!(screen.contains("Ctrl-S saves"), "{screen}");
    for c in " Both agree it is open.".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    // Esc asks before throwing the typing away; any other key goes back.
    key(&mut app, KeyCode::Esc);
    assert!(render(&app).contains("throw your combination away? y does"));
    key(&mut app, KeyCode::Char('n'));
    ctrl(&mut app, 's');
    let statement = repo.review().finding("F03").expect("F03").statement.clone();
    assert_eq!(
        statement,
        "Alice: the venue was never assessed.\n\nBob: a briefing may have happened \
         unreported. Both agree it is open."
    );
    assert!(repo.review().conflicts.is_empty());
    // Resolved, the file is the merge result for git.
    repo.git(&["add", REVIEW]);
    repo.git(&["commit", "-q", "--no-edit"]);
}

#[test]
fn the_conflicts_key_is_the_one_the_configuration_gives() {
    let Some((repo, _)) = conflicted() else {
        return;
    };
    let loaded = hotwash::config::from_text(
        Path::new("config.ron"),
        "(keys: (review: {Conflicts: [\"X\"]}))".to_string(),
    );
    assert!(loaded.report.is_none(), "{:?}", loaded.report);
    let mut app = App::new(120, 40);
    app.configure(&loaded.config);
    app.reviewer = "test analyst".into();
    let entry = load_entry(repo.0.join(RECORD), &LoadOptions::default());
    update(&mut app, Msg::Loaded(entry));
    update(&mut app, Msg::LoadFinished);
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.overlay, Some(Overlay::MergeConflicts(_))));
    key(&mut app, KeyCode::Esc);
    assert_eq!(
        app.message.as_deref(),
        Some("1 merge conflict left; X lists them again")
    );
    let screen = render(&app);
    assert!(screen.contains("1 CONFLICT (X)"), "{screen}");
    // C no longer opens the box; X does, and the help says so.
    key(&mut app, KeyCode::Char('C'));
    assert!(app.overlay.is_none(), "{:?}", app.overlay);
    key(&mut app, KeyCode::Char('X'));
    assert!(matches!(app.overlay, Some(Overlay::MergeConflicts(_))));
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('?'));
    let help = render(&app);
    assert!(
        help.lines()
            .any(|l| l.contains("X ") && l.contains("list the merge conflicts")),
        "{help}"
    );
}

#[test]
fn a_picker_settles_a_field_of_fixed_values() {
    let Some(repo) = Repo::new() else { return };
    repo.branch("alice", |r| {
        r.recommendations[0].status = RecommendationStatus::Planned
    });
    repo.branch("bob", |r| {
        r.recommendations[0].status = RecommendationStatus::Declined
    });
    let out = repo.merge("alice", "bob");
    assert!(!out.status.success());
    let mut app = workbench(&repo);
    key(&mut app, KeyCode::Char('e'));
    let screen = render(&app);
    assert!(
        screen.contains("Choose the recommendation R01 status"),
        "{screen}"
    );
    key(&mut app, KeyCode::Right);
    key(&mut app, KeyCode::Enter);
    let saved = repo.review();
    assert!(saved.conflicts.is_empty());
    assert_eq!(
        saved.recommendations[0].status,
        RecommendationStatus::InProgress,
        "one step on from ours (planned)"
    );
}

#[test]
fn a_merged_sign_off_is_dropped_and_says_who_had_signed_what() {
    let Some(repo) = Repo::new() else { return };
    let record: hotwash::model::Record =
        load::parse(&std::fs::read_to_string(repo.0.join(RECORD)).expect("read")).expect("parses");
    let hasher = RecordHasher::new(&record);
    let signed_at = chrono::DateTime::from_timestamp(1_710_237_600, 0).expect("a time");
    let mut sealed = String::new();
    repo.branch("alice", |r| {
        let hash = hasher.hash(r);
        sealed = hash.clone();
        apply(
            r,
            Edit::SignOff(SignOff {
                reviewer: "Alice".into(),
                at: signed_at,
                hash,
            }),
        );
    });
    assert_eq!(validate(&repo), (Some(0), Vec::new()), "a current sign-off");
    repo.branch("bob", |r| {
        r.marks.push(EventMark {
            reviewed: true,
            ..EventMark::new("E09")
        });
    });
    let out = repo.merge("alice", "bob");
    let said = text(&out.stderr);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("sign-off dropped: Alice had signed our version at 2024-03-12 10:00 UTC"),
        "{said}"
    );
    let merged = repo.review();
    assert_eq!(merged.signoff, None, "the merged review is not signed off");
    assert_eq!(merged.dropped_signoffs.len(), 1);
    let dropped = &merged.dropped_signoffs[0];
    assert_eq!(
        (
            dropped.reviewer.as_str(),
            dropped.at,
            dropped.hash.as_str(),
            dropped.side
        ),
        ("Alice", signed_at, sealed.as_str(), MergeSide::Ours)
    );
    assert!(merged.mark("E09").is_some_and(|m| m.reviewed));
    assert_eq!(validate(&repo), (Some(0), Vec::new()));
    let app = workbench(&repo);
    let screen = render(&app);
    assert!(
        screen.contains("not signed off (a merge dropped Alice's)"),
        "{screen}"
    );
    // The diff says so too.
    let diff = repo.hotwash(&["diff", "--format", "json", REVIEW, REVIEW]);
    assert!(diff.status.success());
    let old = repo.git(&["show", &format!("alice~1:{REVIEW}")]);
    let before = repo.0.join("before.review.ron");
    std::fs::write(&before, &old.stdout).expect("write");
    let diff = repo.hotwash(&["diff", "before.review.ron", REVIEW]);
    let shown = text(&diff.stdout);
    assert!(
        shown.contains("sign-off: signed off by Alice at 2024-03-12 10:00:00 UTC → not signed off"),
        "{shown}"
    );
}

#[test]
fn git_diff_and_difftool_show_the_change_by_item_and_field() {
    let Some(repo) = Repo::new() else { return };
    let base = repo.review();
    assert_eq!(base.findings[0].severity, Severity::High, "F01 as bundled");
    repo.branch("bob", |r| {
        r.recommendations[2].status = RecommendationStatus::Done;
        r.findings[0].severity = Severity::Critical;
    });
    let diff = repo.git(&["diff", "main", "bob", "--", REVIEW]);
    let shown = text(&diff.stdout);
    assert!(
        shown.contains("-recommendation R03 status: Recommended")
            && shown.contains("+recommendation R03 status: Done"),
        "textconv lines:\n{shown}"
    );
    assert!(shown.contains("+finding F01 severity: Critical"), "{shown}");
    let tool = repo.git(&[
        "difftool",
        "--no-prompt",
        "--tool=hotwash",
        "main",
        "bob",
        "--",
        REVIEW,
    ]);
    let shown = text(&tool.stdout);
    assert!(
        shown.contains("  R03 status: Recommended → Done"),
        "difftool:\n{shown}"
    );
    assert!(shown.contains("  F01 severity: High → Critical"), "{shown}");
    // A review added on one side: everything in it is new. (The lock file
    // a save leaves beside it is ignored, so it is in no commit.)
    let lock = repo.0.join("incidents/.other.review.ron.lock");
    std::fs::write(&lock, "").expect("a lock file");
    let other = store::serialise(&repo.review()).expect("serialises");
    std::fs::write(repo.0.join("incidents/other.review.ron"), other).expect("write");
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "-m", "another review"]);
    let files = repo.git(&["show", "--name-only", "--format=", "HEAD"]);
    assert_eq!(text(&files.stdout), "incidents/other.review.ron\n");
    let tool = repo.git(&[
        "difftool",
        "--no-prompt",
        "--tool=hotwash",
        "HEAD~1",
        "HEAD",
    ]);
    let shown = text(&tool.stdout);
    let added = format!("added F01: {}", base.findings[0].title);
    assert!(shown.contains(&added), "{added:?} not in:\n{shown}");
    // A record diffs by event and field too.
    let out = repo.hotwash(&["diff", RECORD]);
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("event E01 fidelity: Hour"));
}

/// A review as random edits leave the Taurus one.
fn edited() -> impl Strategy<Value = (Review, Vec<u8>)> {
    let base: Review = load::parse(include_str!("../incidents/taurus-webex-2024.review.ron"))
        .expect("the bundled review parses");
    proptest::collection::vec(any::<u8>(), 0..12).prop_map(move |choices| {
        let mut r = base.clone();
        change(&mut r, &choices);
        (r, choices)
    })
}

/// Applies one edit per byte: marks, notes, links, severities, statuses,
/// new and deleted findings.
fn change(r: &mut Review, choices: &[u8]) {
    for &c in choices {
        let event = format!("E{:02}", 1 + c % 28);
        let at = usize::from(c / 7) % r.findings.len().max(1);
        let edit = match c % 7 {
            0 => Edit::SetReviewed {
                event,
                reviewed: c % 2 == 0,
            },
            1 => Edit::SetNote {
                event,
                note: Some(format!("note {c}")),
            },
            2 | 3 if !r.findings.is_empty() => Edit::SetEventLink {
                finding: r.findings[at].id.clone(),
                event,
                linked: c % 3 != 0,
            },
            4 if !r.findings.is_empty() => {
                let mut f = r.findings[at].clone();
                f.severity = Severity::ALL[usize::from(c) % 4];
                Edit::SaveFinding {
                    finding: f,
                    recommendations: Vec::new(),
                }
            }
            5 => {
                let mut f = r.findings.first().cloned().expect("a finding");
                f.title = format!("new {c}");
                Edit::AddFinding {
                    finding: f,
                    recommendations: Vec::new(),
                }
            }
            6 if r.findings.len() > 1 => Edit::DeleteFinding(r.findings[at].id.clone()),
            _ => Edit::SetFlagged {
                event,
                flagged: true,
            },
        };
        let _ = edit.apply(r);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Merging a review with itself, or with an unchanged base, gives it
    /// back unchanged.
    #[test]
    fn merging_with_itself_or_an_unchanged_base_changes_nothing((x, _) in edited()) {
        let base: Review = load::parse(include_str!("../incidents/taurus-webex-2024.review.ron"))
            .expect("parses");
        for (b, o, t) in [(&x, &x, &x), (&base, &x, &base), (&base, &base, &x), (&base, &x, &x)] {
            let m = merge(b, o, t).expect("merges");
            prop_assert_eq!(&m.review, &x);
            prop_assert!(m.conflicts.is_empty() && m.renumbered.is_empty());
        }
    }

    /// One analyst on the marks, the other on the findings: nothing
    /// conflicts, and each one's work arrives whole.
    #[test]
    fn marks_on_one_side_and_findings_on_the_other_both_arrive(
        (marked, _) in edited(),
        severities in proptest::collection::vec(0usize..4, 10),
    ) {
        let base: Review = load::parse(include_str!("../incidents/taurus-webex-2024.review.ron"))
            .expect("parses");
        let mut ours = base.clone();
        ours.marks = marked.marks.clone();
        let mut theirs = base.clone();
        for (f, s) in theirs.findings.iter_mut().zip(&severities) {
            f.severity = Severity::ALL[*s];
        }
        let m = merge(&base, &ours, &theirs).expect("merges");
        prop_assert!(m.conflicts.is_empty());
        prop_assert_eq!(&m.review.findings, &theirs.findings);
        let by_event = |r: &Review| {
            let mut marks = r.marks.clone();
            marks.sort_by(|a, b| a.event.cmp(&b.event));
            marks
        };
        prop_assert_eq!(by_event(&m.review), by_event(&ours));
    }
}

#[test]
fn snapshot_conflicts_80x24() {
    let Some((repo, _)) = conflicted() else {
        return;
    };
    let mut app = workbench(&repo);
    update(&mut app, Msg::Input(Event::Resize(80, 24)));
    insta::assert_snapshot!(render(&app));
}

/// A scratch folder for the commands run without git.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("hotwash-merge-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch folder");
        Scratch(dir)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, text).expect("write");
        path
    }

    fn hotwash(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_hotwash"))
            .env(
                "XDG_CACHE_HOME",
                concat!(env!("CARGO_TARGET_TMPDIR"), "/xdg-cache"),
            )
            .args(args)
            .current_dir(&self.0)
            .env("NO_COLOR", "1")
            .output()
            .expect("run hotwash")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn taurus_review() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(REVIEW)).expect("read")
}

#[test]
fn a_version_hotwash_cannot_read_writes_nothing_and_says_why() {
    let dir = Scratch::new("unreadable");
    let review = taurus_review();
    dir.write("base", &review);
    let broken = format!("<<<<<<< HEAD\n{review}=======\n>>>>>>> bob\n");
    dir.write("ours", &broken);
    dir.write("theirs", &review);
    let out = dir.hotwash(&["merge-review", "base", "ours", "theirs", "--path", REVIEW]);
    assert_eq!(out.status.code(), Some(2));
    let said = text(&out.stderr);
    assert!(said.contains("ours:1:1"), "placed in the file: {said}");
    assert!(
        said.contains("cannot merge incidents/taurus-webex-2024.review.ron")
            && said.contains("nothing was written"),
        "{said}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.0.join("ours")).expect("read"),
        broken
    );
    // Reviews of two different records are not merged either.
    dir.write(
        "ours",
        &review.replace("record: \"taurus-webex-2024\"", "record: \"other\""),
    );
    let out = dir.hotwash(&["merge-review", "base", "ours", "theirs"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("reviews of different records are not merged"));
}

#[test]
fn without_a_record_beside_it_the_merge_is_made_and_validation_skipped() {
    let dir = Scratch::new("no-record");
    let review = taurus_review();
    // Added on both branches: git's common version is empty.
    dir.write("base", "");
    dir.write("ours", &review);
    let mut theirs: Review = load::parse(&review).expect("parses");
    theirs.marks.push(EventMark {
        flagged: true,
        ..EventMark::new("E09")
    });
    dir.write("theirs", &store::serialise(&theirs).expect("serialises"));
    let out = dir.hotwash(&[
        "merge-review",
        "base",
        "ours",
        "theirs",
        "--path",
        "x.review.ron",
    ]);
    let said = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{said}");
    assert!(
        said.contains("validation skipped: there is no record x.ron beside it"),
        "{said}"
    );
    let merged: Review =
        load::parse(&std::fs::read_to_string(dir.0.join("ours")).expect("read")).expect("parses");
    assert!(merged.mark("E09").is_some_and(|m| m.flagged));
    // Ours whole, with their mark: no finding lost or doubled.
    assert_eq!(merged.findings, theirs.findings);
}

#[test]
fn diff_refuses_a_record_against_a_review_and_passes_other_files_through_as_textconv() {
    let dir = Scratch::new("diff");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let record = root.join(RECORD);
    let review = root.join(REVIEW);
    let out = dir.hotwash(&[
        "diff",
        record.to_str().expect("utf-8"),
        review.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("is a record but"),
        "{}",
        text(&out.stderr)
    );
    let config = dir.write("config.ron", "(theme: \"dark\")\n");
    let out = dir.hotwash(&["diff", config.to_str().expect("utf-8")]);
    assert!(out.status.success());
    assert_eq!(text(&out.stdout), "(theme: \"dark\")\n");
    let same = dir.hotwash(&[
        "diff",
        "--format",
        "json",
        review.to_str().expect("utf-8"),
        review.to_str().expect("utf-8"),
    ]);
    let json: serde_json::Value = serde_json::from_slice(&same.stdout).expect("JSON");
    assert_eq!(json["format"], "hotwash-diff/1");
    assert_eq!(json["changes"], serde_json::json!([]));
    assert_eq!(json["signoff"]["new"]["state"], "not-signed");
}
