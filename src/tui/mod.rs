//! The terminal interface: a thin Elm-style shell over the core.
//! `App` is the state, `update` answers messages, `view` draws; this module
//! is the runtime that connects them to the terminal and to the loader.

pub mod action;
pub mod app;
pub mod update;
pub mod view;

use std::io;
use std::path::PathBuf;
use std::sync::mpsc;
use std::thread;

use ratatui::crossterm::event::{self, DisableMouseCapture, EnableMouseCapture};
use ratatui::crossterm::execute;

use self::app::{App, load_entry};
use self::update::{Msg, update};
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

/// Loads the records of `path` (a folder, or one file) on a thread of its
/// own, reporting progress as messages so the screen never freezes.
fn spawn_loader(path: PathBuf, options: LoadOptions, tx: mpsc::Sender<Msg>) {
    thread::spawn(move || {
        let files = if path.is_dir() {
            match load::records_in(&path) {
                Ok(files) => files,
                Err(d) => {
                    let _ = tx.send(Msg::LibraryFailed(format!(
                        "{}: {}",
                        path.display(),
                        d.message
                    )));
                    return;
                }
            }
        } else {
            vec![path]
        };
        let total = files.len();
        for (done, file) in files.into_iter().enumerate() {
            let size = std::fs::metadata(&file).map_or(0, |m| m.len());
            let started = Msg::LoadStarted {
                path: file.clone(),
                size,
                done,
                total,
            };
            if tx.send(started).is_err()
                || tx.send(Msg::Loaded(load_entry(file, &options))).is_err()
            {
                return;
            }
        }
        let _ = tx.send(Msg::LoadFinished);
    });
}

/// Runs the interface on `path` until the analyst quits.
pub fn run(path: PathBuf, options: LoadOptions) -> io::Result<()> {
    let (tx, rx) = mpsc::channel();
    let open_file = path.is_file();
    let folder = if open_file {
        path.parent().map(PathBuf::from)
    } else {
        Some(path.clone())
    };
    spawn_loader(path, options, tx.clone());

    let mut terminal = ratatui::try_init()?;
    let _guard = Guard;
    execute!(io::stdout(), EnableMouseCapture)?;
    let ratatui_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(io::stdout(), DisableMouseCapture);
        ratatui_hook(info);
    }));

    // One input thread feeds the same channel as the loader; the loop below
    // blocks on it, so an idle hotwash uses no CPU.
    let input_tx = tx;
    thread::spawn(move || {
        while let Ok(ev) = event::read() {
            if input_tx.send(Msg::Input(ev)).is_err() {
                break;
            }
        }
    });

    let size = terminal.size()?;
    let mut app = App::new(size.width, size.height);
    app.library.folder = folder;
    app.open_on_load = open_file;
    terminal.draw(|f| view::view(&app, f))?;
    while let Ok(msg) = rx.recv() {
        app.dirty = false;
        update(&mut app, msg);
        // Drain whatever else is waiting before drawing once.
        while let Ok(msg) = rx.try_recv() {
            update(&mut app, msg);
        }
        if app.quit {
            break;
        }
        if app.dirty {
            terminal.draw(|f| view::view(&app, f))?;
        }
    }
    Ok(())
}
