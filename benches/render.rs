//! Frame rendering and stepping on synthetic records of 1,000 and 1,000,000
//! events. The target: a frame of the 1M record within 1.2x the time of the
//! 1k record, because only the visible rows reach the widgets.
//!
//! ```text
//! cargo bench --bench render
//! ```

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use divan::{Bencher, black_box};
use hotwash::tui::app::{App, Bundle, ReviewScreen, ReviewState, Screen};
use hotwash::tui::update::{Msg, update};
use hotwash::tui::view::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

// The allocator the hotwash binary uses, so the figures are the program's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

// Shared with examples/synth.rs and the load benchmark; this one only generates.
#[allow(dead_code)]
#[path = "common/synth.rs"]
mod synth;

const SIZES: [usize; 2] = [1_000, 1_000_000];

fn main() {
    divan::main();
}

/// A review screen on a synthetic record, built once per size; the
/// selection sits in the middle of the timeline.
fn bundle(events: usize) -> Arc<Bundle> {
    static BUNDLES: [OnceLock<Arc<Bundle>>; SIZES.len()] = [const { OnceLock::new() }; SIZES.len()];
    let slot = SIZES
        .iter()
        .position(|&s| s == events)
        .expect("a benchmarked size");
    Arc::clone(BUNDLES[slot].get_or_init(|| {
        let record = synth::record(events, 1);
        Arc::new(Bundle::new(PathBuf::from("synthetic.ron"), record))
    }))
}

fn app(events: usize) -> App {
    let bundle = bundle(events);
    let review = hotwash::model::Review::new(bundle.record.id.clone());
    let state = ReviewState {
        review,
        access: hotwash::tui::app::Access::ReadOnly(hotwash::load::FileReport::default()),
        undo: Vec::new(),
        pending: Vec::new(),
        unsaved: None,
        reloaded: None,
        notice: None,
        signoff: hotwash::tui::app::SignStatus::NotSigned,
    };
    let mut app = App::new(120, 40);
    let mut screen = ReviewScreen::new(bundle, 0, state, false);
    screen.selected = events / 2;
    app.screen = Screen::Review(Box::new(screen));
    // One resize message scrolls the selection into view, as at start-up.
    update(&mut app, Msg::Input(Event::Resize(120, 40)));
    app
}

#[divan::bench(args = SIZES, sample_count = 200)]
fn frame(bencher: Bencher, events: usize) {
    let app = app(events);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test terminal");
    bencher.bench_local(|| {
        terminal.draw(|f| view(black_box(&app), f)).expect("draw");
    });
}

#[divan::bench(args = SIZES, sample_count = 200)]
fn step_and_frame(bencher: Bencher, events: usize) {
    let mut app = app(events);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test terminal");
    let mut down = true;
    bencher.bench_local(|| {
        let code = if down {
            KeyCode::Char('n')
        } else {
            KeyCode::Char('N')
        };
        down = !down;
        update(
            &mut app,
            Msg::Input(Event::Key(KeyEvent::new(code, KeyModifiers::NONE))),
        );
        terminal.draw(|f| view(black_box(&app), f)).expect("draw");
    });
}
