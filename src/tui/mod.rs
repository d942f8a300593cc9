//! The terminal interface: a thin Elm-style shell over the core.
//! `App` is the state, `update` answers messages, `view` draws; this module
//! is the runtime that connects them to the terminal and to the loader.

pub mod action;
pub mod app;
pub mod candidates;
pub mod columns;
pub mod cross;
pub mod detail;
pub mod finding_text;
pub mod form;
pub mod keys;
pub mod merge_conflicts;
pub mod messages;
pub mod mouse;
pub mod reports;
pub mod review_index;
pub mod runtime;
pub mod scroll;
pub mod search;
pub mod signoff;
pub mod step;
pub mod theme;
pub mod update;
pub mod view;
pub mod watch;
pub mod wrap;

use std::io;
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{self, DisableMouseCapture, EnableMouseCapture};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};

use self::app::{App, Screen, load_bundled_entry, load_entry};
use self::runtime::{dispatch, dispatch_with};
use self::update::{Effect, Msg};
use self::watch::Watch;
use crate::load::{self, LoadOptions};

/// Restores the terminal however `run` ends. ratatui's own restore leaves
/// mouse capture on, so it is switched off here first.
struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = execute!(io::stdout(), DisableMouseCapture);
        ratatui::restore();
    }
}

/// Lets the main thread take the terminal's input away from the input
/// thread while another program (the editor) or a terminal query needs it.
#[derive(Default)]
struct InputGate {
    state: Mutex<GateState>,
    changed: Condvar,
}

#[derive(Default)]
struct GateState {
    paused: bool,
    /// The input thread has seen `paused` and is waiting.
    parked: bool,
}

impl InputGate {
    /// Called by the input thread between reads: waits while paused.
    fn wait_open(&self) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        while state.paused {
            state.parked = true;
            self.changed.notify_all();
            state = self.changed.wait(state).unwrap_or_else(|e| e.into_inner());
        }
        state.parked = false;
    }

    /// Stops the input thread reading, and waits until it has stopped.
    fn pause(&self) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.paused = true;
        while !state.parked {
            let (s, _) = self
                .changed
                .wait_timeout(state, Duration::from_millis(50))
                .unwrap_or_else(|e| e.into_inner());
            state = s;
        }
    }

    fn resume(&self) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.paused = false;
        self.changed.notify_all();
    }
}

/// How long the input thread waits for a key before it checks whether it
/// should step aside. Only `pause` waits on it; an idle hotwash just sleeps.
const INPUT_POLL: Duration = Duration::from_millis(200);

/// The loader's progress is drawn at most this often (about 40 frames a
/// second): more would only redraw rows that no one can read yet.
const FRAME: Duration = Duration::from_millis(25);

/// What the workbench opens.
#[derive(Debug, Clone)]
pub enum Source {
    /// A folder of records, or one record file.
    Path(PathBuf),
    /// The records shipped inside hotwash, read-only.
    Bundled,
}

/// Summarises `items` on every core, sending each entry to the interface
/// in the items' order as soon as it and those before it are done, so rows
/// appear top down while the rest load. Each worker says which file it
/// starts; `describe` names an item and gives its size.
fn load_in_order<T: Sync>(
    items: &[T],
    describe: impl Fn(&T) -> (PathBuf, u64) + Sync,
    load: impl Fn(&T) -> app::Entry + Sync,
    tx: &mpsc::Sender<Msg>,
) {
    let total = items.len();
    // The workers' own sender: mpsc senders are shared between threads.
    let started = tx.clone();
    let mut open = true;
    crate::library::parallel::for_each_in_order(
        items,
        crate::library::parallel::jobs(),
        |_, item| {
            let (path, size) = describe(item);
            let _ = started.send(Msg::LoadStarted {
                path,
                size,
                done: 0,
                total,
            });
            load(item)
        },
        |_, entry| {
            // The interface has gone (quit): stop starting files.
            open = tx.send(Msg::Loaded(entry)).is_ok();
            open
        },
    );
    if open {
        let _ = tx.send(Msg::LoadFinished);
    }
}

/// One record named on the command line: read in full at once (it is
/// opened as soon as it is there), its summary the library's one row.
fn load_one(path: PathBuf, options: &LoadOptions, tx: &mpsc::Sender<Msg>) {
    let size = std::fs::metadata(&path).map_or(0, |m| m.len());
    let _ = tx.send(Msg::LoadStarted {
        path: path.clone(),
        size,
        done: 0,
        total: 1,
    });
    let result = app::open_record(&path, options, false);
    let summary = match &result {
        Ok(opened) => {
            let review = opened.review.as_ref().map(|r| &r.review);
            let empty = crate::model::Review::new(opened.bundle.record.id.clone());
            let mut summary = opened.bundle.summary(review.unwrap_or(&empty));
            summary.size = size;
            Ok(summary)
        }
        Err(report) => Err(report.clone()),
    };
    let sent = tx.send(Msg::Loaded(app::Entry::of(path.clone(), summary)));
    if sent.is_ok() {
        let _ = tx.send(Msg::Opened {
            entry: 0,
            path,
            result,
        });
        let _ = tx.send(Msg::LoadFinished);
    }
}

/// Loads the records of `source`, on every core, as messages on `tx`: a
/// `LoadStarted` per file, its `Loaded` entry in the folder's order, then
/// `LoadFinished` (or `LibraryFailed`). One record file is read in full
/// and also sent as `Opened`. Returns when all are sent.
pub fn load_source(source: Source, options: &LoadOptions, tx: &mpsc::Sender<Msg>) {
    let path = match source {
        Source::Path(path) => path,
        Source::Bundled => {
            let files: Vec<_> = crate::bundled::records().collect();
            return load_in_order(
                &files,
                |f| (crate::bundled::path_of(f.name), f.text.len() as u64),
                |f| load_bundled_entry(f, options),
                tx,
            );
        }
    };
    if !path.is_dir() {
        return load_one(path, options, tx);
    }
    match load::records_in(&path) {
        Ok(files) => load_in_order(
            &files,
            |f| (f.clone(), std::fs::metadata(f).map_or(0, |m| m.len())),
            |f| load_entry(f.clone(), options),
            tx,
        ),
        Err(d) => {
            let _ = tx.send(Msg::LibraryFailed(format!(
                "{}: {}",
                path.display(),
                d.message
            )));
        }
    }
}

/// [`load_source`] on a thread of its own, so the screen never freezes.
fn spawn_loader(source: Source, options: LoadOptions, tx: mpsc::Sender<Msg>) {
    thread::spawn(move || load_source(source, &options, &tx));
}

/// How the workbench starts: who reviews, the configuration in force and
/// what was wrong with its file, and whether to draw without colour.
pub struct Start {
    pub reviewer: String,
    pub config: crate::config::Config,
    /// The configuration file's problems: said at once, over the library.
    pub config_report: Option<load::FileReport>,
    pub no_color: bool,
}

/// Runs the interface on `source` until the analyst quits.
pub fn run(source: Source, options: LoadOptions, start: Start) -> io::Result<()> {
    let (tx, rx) = mpsc::channel();
    let (open_file, folder) = match &source {
        Source::Path(path) if path.is_file() => (true, path.parent().map(PathBuf::from)),
        Source::Path(path) => (false, Some(path.clone())),
        Source::Bundled => (false, Some(PathBuf::from(crate::bundled::PLACE))),
    };
    let open_path = match &source {
        Source::Path(path) if open_file => Some(path.clone()),
        _ => None,
    };
    spawn_loader(source, options.clone(), tx.clone());

    let mut terminal = ratatui::try_init()?;
    let _guard = Guard;
    execute!(io::stdout(), EnableMouseCapture)?;
    let ratatui_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(io::stdout(), DisableMouseCapture);
        ratatui_hook(info);
    }));

    // One input thread feeds the same channel as the loader and the file
    // watcher; the loop below blocks on it, so an idle hotwash does no work.
    let input_tx = tx.clone();
    let gate = Arc::new(InputGate::default());
    let input_gate = Arc::clone(&gate);
    thread::spawn(move || {
        loop {
            input_gate.wait_open();
            match event::poll(INPUT_POLL) {
                Ok(false) => continue,
                Ok(true) => {}
                Err(_) => break,
            }
            let Ok(ev) = event::read() else { break };
            if input_tx.send(Msg::Input(ev)).is_err() {
                break;
            }
        }
    });

    let size = terminal.size()?;
    let mut app = App::new(size.width, size.height);
    app.library.folder = folder;
    app.reviewer = start.reviewer;
    app.no_color = start.no_color;
    app.configure(&start.config);
    if let Some(report) = start.config_report {
        app::config_failed(&mut app, report);
    }
    // Said from the first frame: a record named on the command line is
    // read in full at once.
    if let Some(path) = open_path {
        app.opening = Some(app::Opening {
            entry: 0,
            size: std::fs::metadata(&path).map_or(0, |m| m.len()),
            path,
            from_library: false,
            at: None,
        });
    }
    let mut watch: Option<Watch> = None;
    terminal.draw(|f| view::view(&app, f))?;
    let mut last_draw = Instant::now();
    // Something changed that is not drawn yet: the loader's rows are drawn
    // at most once a frame, however fast they come.
    let mut owed = false;
    loop {
        let first = if owed {
            match rx.recv_timeout(FRAME.saturating_sub(last_draw.elapsed())) {
                Ok(msg) => Some(msg),
                Err(mpsc::RecvTimeoutError::Timeout) => None,
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        } else {
            match rx.recv() {
                Ok(msg) => Some(msg),
                Err(_) => break,
            }
        };
        // Anything but the loader's progress is drawn at once: a key must
        // not wait for the next frame.
        let mut urgent = false;
        if let Some(msg) = first {
            app.dirty = false;
            let mut pending = vec![msg];
            // Drain whatever else is waiting before drawing once.
            while let Ok(msg) = rx.try_recv() {
                pending.push(msg);
            }
            for msg in pending {
                urgent |= !matches!(msg, Msg::Loaded(_) | Msg::LoadStarted { .. });
                let msg = match msg {
                    // Only a real change of content counts: not a rewrite of
                    // the same bytes, nor one of our own saves.
                    Msg::FileTouched(path) => {
                        match watch.as_mut().and_then(|w| w.triage(&app, &path)) {
                            Some(changed) => changed,
                            None => continue,
                        }
                    }
                    other => other,
                };
                for effect in dispatch_with(&mut app, msg, &options, Some(&tx)) {
                    match effect {
                        Effect::EditRecord { event } => {
                            gate.pause();
                            let edited = edit_record(&mut terminal, &app, event);
                            gate.resume();
                            // Leaving the editor without saving changes nothing.
                            let changed = watch.as_mut().is_none_or(Watch::record_changed);
                            let after = match edited? {
                                Some(problem) => Msg::Failed(problem),
                                None if changed => Msg::RecordChanged,
                                None => Msg::Said(
                                    "closed the editor; the record file is unchanged".into(),
                                ),
                            };
                            for e in dispatch_with(&mut app, after, &options, Some(&tx)) {
                                if e == Effect::Quit {
                                    return Ok(());
                                }
                            }
                        }
                        Effect::Quit => return Ok(()),
                        _ => {}
                    }
                }
            }
            if app.quit {
                break;
            }
            follow_open_record(&app, &mut watch, &options, &tx);
            // A resize just before the input thread began reading sends no
            // event: then update would page and scroll for another size than
            // the one drawn. Ask the terminal before drawing.
            if let Ok(size) = terminal.size()
                && (size.width, size.height) != (app.width, app.height)
            {
                dispatch(
                    &mut app,
                    Msg::Input(event::Event::Resize(size.width, size.height)),
                    &options,
                );
            }
            owed |= app.dirty;
        }
        if owed && (urgent || last_draw.elapsed() >= FRAME) {
            terminal.draw(|f| view::view(&app, f))?;
            last_draw = Instant::now();
            owed = false;
        }
    }
    Ok(())
}

/// Keeps the file watcher on the folder of the record being reviewed.
fn follow_open_record(
    app: &App,
    watch: &mut Option<Watch>,
    options: &LoadOptions,
    tx: &mpsc::Sender<Msg>,
) {
    let open = match &app.screen {
        Screen::Review(r) => Some(&r.bundle.path),
        Screen::Library | Screen::Cross(_) => None,
    };
    // Compared as opened, so the loop asks the file system nothing per
    // message; the watcher canonicalises once when it starts.
    if open == watch.as_ref().map(|w| &w.opened) {
        return;
    }
    *watch = open.and_then(|path| Watch::start(path, options.max_size, tx.clone()));
}

/// Hands the terminal to the analyst's editor at the selected event, and
/// takes it back when the editor exits.
/// Returns a message for the analyst when the editor could not be run.
fn edit_record(
    terminal: &mut DefaultTerminal,
    app: &App,
    event: usize,
) -> io::Result<Option<String>> {
    let Screen::Review(r) = &app.screen else {
        return Ok(None);
    };
    let path = r.bundle.path.clone();
    let line = runtime::event_line(&path, event).unwrap_or(1);
    let mut command = runtime::editor_command();
    let program = command.remove(0);
    execute!(io::stdout(), DisableMouseCapture, LeaveAlternateScreen)?;
    disable_raw_mode()?;
    let status = std::process::Command::new(&program)
        .args(&command)
        .arg(format!("+{line}"))
        .arg(&path)
        .status();
    enable_raw_mode()?;
    execute!(io::stdout(), EnterAlternateScreen, EnableMouseCapture)?;
    terminal.clear()?;
    Ok(match status {
        Ok(_) => None,
        Err(e) => Some(format!(
            "cannot run the editor {program:?}: {e} (set $EDITOR)"
        )),
    })
}
