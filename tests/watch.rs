//! The file watcher with a real notify watcher on a real folder: reading
//! the open record or its review (cat, grep, `hotwash validate`, another
//! hotwash reloading) must not make hotwash reload; changing them must.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use hotwash::load::{DEFAULT_MAX_SIZE, LoadOptions};
use hotwash::tui::app::{App, load_entry};
use hotwash::tui::runtime::dispatch;
use hotwash::tui::update::{Msg, update};
use hotwash::tui::watch::Watch;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

struct Folder(PathBuf);

impl Folder {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("hotwash-watch-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        for file in ["demo.ron", "demo.review.ron"] {
            std::fs::copy(Path::new("tests/fixtures/tui").join(file), dir.join(file))
                .expect("copy fixture");
        }
        // Canonical, as the watcher reports paths.
        Folder(std::fs::canonicalize(&dir).expect("canonical"))
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Long enough for a debounced event to arrive on a loaded machine.
const PATIENCE: Duration = Duration::from_secs(10);
/// How long to listen for an event that must not come: well past the
/// watcher's debounce.
const SILENCE: Duration = Duration::from_secs(2);

fn touched(rx: &Receiver<Msg>, path: &Path) {
    loop {
        match rx.recv_timeout(PATIENCE) {
            Ok(Msg::FileTouched(p)) if p == path => return,
            Ok(_) => {}
            Err(e) => panic!("no event for {}: {e}", path.display()),
        }
    }
}

fn silent(rx: &Receiver<Msg>, after: &str) {
    if let Ok(msg) = rx.recv_timeout(SILENCE) {
        panic!("{after} made hotwash look again: {msg:?}");
    }
}

/// Reads the record and its review as other programs do: plain reads,
/// and `hotwash validate` (which reads both).
fn read_like_others(record: &Path) {
    for _ in 0..3 {
        std::fs::read(record).expect("read");
        std::fs::read(hotwash::load::review_path(record)).expect("read");
    }
    let validate = std::process::Command::new(env!("CARGO_BIN_EXE_hotwash"))
        .env(
            "XDG_CACHE_HOME",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/xdg-cache"),
        )
        .arg("validate")
        .arg(record)
        .output()
        .expect("hotwash validate runs");
    assert!(validate.status.success(), "{validate:?}");
}

#[test]
fn reading_the_record_is_no_change_and_writing_new_content_is() {
    let dir = Folder::new("record");
    let record = dir.0.join("demo.ron");
    let (tx, rx) = mpsc::channel();
    let mut watch = Watch::start(&record, DEFAULT_MAX_SIZE, tx).expect("watching");

    read_like_others(&record);
    silent(&rx, "reading the record and its review");

    // Written again with the same bytes: looked at, found unchanged.
    let text = std::fs::read_to_string(&record).expect("read");
    std::fs::write(&record, &text).expect("write");
    touched(&rx, &record);
    assert!(!watch.record_changed(), "the same content is no change");

    let amended = text.replace("The call is recorded", "The call is recorded (amended)");
    assert_ne!(amended, text);
    std::fs::write(&record, &amended).expect("write");
    touched(&rx, &record);
    assert!(watch.record_changed(), "new content is a change");
    assert!(!watch.record_changed(), "and is seen once");
}

fn key(app: &mut App, code: KeyCode) {
    dispatch(
        app,
        Msg::Input(Event::Key(KeyEvent::new(code, KeyModifiers::NONE))),
        &LoadOptions::default(),
    );
}

#[test]
fn reading_the_review_or_saving_it_ourselves_is_no_change_and_another_writer_is() {
    let dir = Folder::new("review");
    let record = dir.0.join("demo.ron");
    let review = dir.0.join("demo.review.ron");
    let mut app = App::new(120, 40);
    update(
        &mut app,
        Msg::Loaded(load_entry(record.clone(), &LoadOptions::default())),
    );
    update(&mut app, Msg::LoadFinished);
    key(&mut app, KeyCode::Enter);
    let (tx, rx) = mpsc::channel();
    let mut watch = Watch::start(&record, DEFAULT_MAX_SIZE, tx).expect("watching");

    read_like_others(&record);
    silent(&rx, "reading the record and its review");

    // Written again with the same bytes, by a `git checkout` say.
    std::fs::write(&review, std::fs::read(&review).expect("read")).expect("write");
    touched(&rx, &review);
    assert!(watch.triage(&app, &review).is_none(), "the same content");

    // Our own save: the file changes, but to what we wrote.
    key(&mut app, KeyCode::Char(' '));
    assert!(
        app.message
            .as_deref()
            .is_some_and(|m| m.starts_with("saved:")),
        "{:?}",
        app.message
    );
    touched(&rx, &review);
    assert!(watch.triage(&app, &review).is_none(), "our own save");

    // Another analyst's save.
    let theirs =
        "(schema: 1, record: \"demo-hotel-call\", marks: [(event: \"E2\", flagged: true)])\n";
    std::fs::write(&review, theirs).expect("write");
    touched(&rx, &review);
    assert!(matches!(
        watch.triage(&app, &review),
        Some(Msg::ReviewChangedOnDisk)
    ));
}

#[test]
fn a_review_that_is_a_link_is_watched_where_it_leads() {
    let dir = Folder::new("linked");
    let shared = dir.0.join("shared");
    std::fs::create_dir(&shared).expect("shared folder");
    let target = shared.join("team.review.ron");
    let review = dir.0.join("demo.review.ron");
    std::fs::rename(&review, &target).expect("move the review");
    std::os::unix::fs::symlink("shared/team.review.ron", &review).expect("link");
    let record = dir.0.join("demo.ron");
    let mut app = App::new(120, 40);
    update(
        &mut app,
        Msg::Loaded(load_entry(record.clone(), &LoadOptions::default())),
    );
    update(&mut app, Msg::LoadFinished);
    key(&mut app, KeyCode::Enter);
    let (tx, rx) = mpsc::channel();
    let mut watch = Watch::start(&record, DEFAULT_MAX_SIZE, tx).expect("watching");

    // Another analyst's save replaces the target as hotwash would: a new
    // file renamed over it in the target's folder. The link itself is untouched.
    let theirs =
        "(schema: 1, record: \"demo-hotel-call\", marks: [(event: \"E2\", flagged: true)])\n";
    let temporary = shared.join(".team.review.ron.tmp");
    std::fs::write(&temporary, theirs).expect("write");
    std::fs::rename(&temporary, &target).expect("rename");
    touched(&rx, &review);
    assert!(matches!(
        watch.triage(&app, &review),
        Some(Msg::ReviewChangedOnDisk)
    ));
}
