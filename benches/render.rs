//! Frame rendering and stepping on synthetic records of 1,000 and 1,000,000
//! events. The target: a frame of the 1M record within 1.2x the time of the
//! 1k record, because only the visible rows reach the widgets.
//!
//! `frame_taurus` draws the worked example, and `frame_long_narrative` a
//! record whose selected event has a 50 MB narrative in one paragraph, at
//! the top of the detail and scrolled 200,000 rows into it. The target: the
//! long narrative within 2x the Taurus frame, because only the rows shown
//! are wrapped.
//!
//! `frame_large_review` draws a record of as many events as the review has
//! findings, with a review of 10k and 100k findings, as many
//! recommendations and a mark on every event, the selection in the middle:
//! with the detail pane, and with the Findings pane open on the middle
//! finding. The target: within 2x the Taurus frame, because what a frame
//! shows of the review is looked up in indices built when the review changes.
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
    let mut app = app_on(bundle(events));
    if let Screen::Review(r) = &mut app.screen {
        r.selected = events / 2;
    }
    // One resize message scrolls the selection into view, as at start-up.
    update(&mut app, Msg::Input(Event::Resize(120, 40)));
    app
}

/// A review screen at 120x40 on `bundle`, with an empty read-only review.
fn app_on(bundle: Arc<Bundle>) -> App {
    let review = hotwash::model::Review::new(bundle.record.id.clone());
    app_with(bundle, review)
}

/// A review screen at 120x40 on `bundle` with `review`, read-only.
fn app_with(bundle: Arc<Bundle>, review: hotwash::model::Review) -> App {
    let state = ReviewState::new(
        &bundle.record,
        review,
        hotwash::tui::app::Access::ReadOnly(hotwash::load::FileReport::default()),
        None,
    );
    let mut app = App::new(120, 40);
    let screen = ReviewScreen::new(bundle, 0, state, false);
    app.screen = Screen::Review(Box::new(screen));
    update(&mut app, Msg::Input(Event::Resize(120, 40)));
    app
}

fn draw_each_time(bencher: Bencher, app: &App) {
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test terminal");
    bencher.bench_local(|| {
        terminal.draw(|f| view(black_box(app), f)).expect("draw");
    });
}

#[divan::bench(sample_count = 200)]
fn frame_taurus(bencher: Bencher) {
    let path = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/incidents/taurus-webex-2024.ron"
    ));
    let loaded = hotwash::load::load_record(&path, &hotwash::load::LoadOptions::default());
    let record = loaded.value.expect("the Taurus record loads");
    let app = app_on(Arc::new(Bundle::new(path, record)));
    draw_each_time(bencher, &app);
}

/// Where the detail of the long narrative is scrolled to.
const LONG_AT: [usize; 2] = [0, 200_000];

#[divan::bench(args = LONG_AT, sample_count = 200)]
fn frame_long_narrative(bencher: Bencher, rows_down: usize) {
    static LONG: OnceLock<Arc<Bundle>> = OnceLock::new();
    let bundle = LONG.get_or_init(|| {
        let mut record = synth::record(1_000, 1);
        // The first event on the timeline: the one selected at start-up.
        synth::long_narrative(&mut record, 0, 50_000_000, 1);
        Arc::new(Bundle::new(PathBuf::from("long.ron"), record))
    });
    let mut app = app_on(Arc::clone(bundle));
    let area = app.area();
    if let Screen::Review(r) = &mut app.screen {
        let detail = r.areas(area).detail;
        r.scroll_detail(detail, isize::try_from(rows_down).expect("a row count"));
    }
    draw_each_time(bencher, &app);
}

const REVIEWS: [usize; 2] = [10_000, 100_000];

/// A record of `n` events with a review of `n` findings, `n`
/// recommendations and `n` marks, the middle event selected; with the
/// Findings pane open on the middle finding when `findings_open`.
fn large_review(n: usize, findings_open: bool) -> App {
    static BUNDLES: [OnceLock<Arc<Bundle>>; REVIEWS.len()] =
        [const { OnceLock::new() }; REVIEWS.len()];
    let slot = REVIEWS
        .iter()
        .position(|&s| s == n)
        .expect("a benchmarked size");
    let bundle = Arc::clone(BUNDLES[slot].get_or_init(|| {
        Arc::new(Bundle::new(
            PathBuf::from("synthetic.ron"),
            synth::record(n, 1),
        ))
    }));
    let review = synth::review(&bundle.record, n, n);
    let mut app = app_with(bundle, review);
    if let Screen::Review(r) = &mut app.screen {
        r.selected = n / 2;
        r.findings_open = findings_open;
        r.finding = n / 2;
        if findings_open {
            r.focus = hotwash::tui::app::Pane::Findings;
        }
    }
    update(&mut app, Msg::Input(Event::Resize(120, 40)));
    app
}

#[divan::bench(args = REVIEWS, sample_count = 100)]
fn frame_large_review(bencher: Bencher, n: usize) {
    let app = large_review(n, false);
    draw_each_time(bencher, &app);
}

#[divan::bench(args = REVIEWS, sample_count = 100)]
fn frame_large_review_findings(bencher: Bencher, n: usize) {
    let app = large_review(n, true);
    draw_each_time(bencher, &app);
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
