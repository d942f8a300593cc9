//! Controls across incidents on a library of 20 and of 2,000 records (20
//! events each, synthetic). The targets: a frame of the view over 2,000
//! records within 1.2x the frame over 20, because only the rows and columns
//! on screen are drawn; building the table grows with the records' controls,
//! not their events. `frame_library` is the library screen itself over the
//! same kind of summaries, 2,000 records held to the same 1.2x of 40 (the
//! fewest that fill its rows).
//!
//! ```text
//! cargo bench --bench stats
//! ```

use std::path::PathBuf;
use std::sync::OnceLock;

use divan::{Bencher, black_box};
use hotwash::library::RecordSummary;
use hotwash::model::Review;
use hotwash::stats::{Summary, Table};
use hotwash::timeline::Timeline;
use hotwash::tui::app::{App, Entry, EntryState, Screen};
use hotwash::tui::cross::CrossScreen;
use hotwash::tui::view::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[allow(dead_code)]
#[path = "common/synth.rs"]
mod synth;

// 20 records already fill the view across incidents at 120x40 (columns
// and lag rows), so the two frames draw as much and differ only in what is
// off screen.
const LIBRARIES: [usize; 2] = [20, 2_000];
// The library screen lists a record a row: 40 fill its 36 rows at 120x40
// (20 would draw half the rows, and compare less work with more).
const LIBRARY_SCREENS: [usize; 2] = [40, 2_000];
// Every size the benches build entries for.
const SIZES: [usize; 3] = [20, 40, 2_000];
const EVENTS: usize = 20;

fn main() {
    divan::main();
}

/// `n` loaded library entries of synthetic records, built once per size.
fn entries(n: usize) -> &'static [Entry] {
    static ENTRIES: [OnceLock<Vec<Entry>>; SIZES.len()] = [const { OnceLock::new() }; SIZES.len()];
    let slot = SIZES.iter().position(|&s| s == n).expect("a size");
    ENTRIES[slot].get_or_init(|| {
        (0..n)
            .map(|i| {
                let path = PathBuf::from(format!("r{i:04}.ron"));
                let record = synth::record(EVENTS, i as u64 + 1);
                let review = Review::new(record.id.clone());
                let summary = RecordSummary::of(&record, &Timeline::new(&record), &review);
                Entry::of(path, Ok(summary))
            })
            .collect()
    })
}

fn summaries(n: usize) -> Vec<Summary> {
    entries(n)
        .iter()
        .filter_map(|e| match &e.state {
            EntryState::Summarised(s) => Some(s.stats.clone()),
            EntryState::Failed(_) => None,
        })
        .collect()
}

#[divan::bench]
fn summary_of_a_record(bencher: Bencher) {
    let record = synth::record(EVENTS, 1);
    bencher.bench_local(|| Summary::of(black_box(&record)));
}

#[divan::bench(args = LIBRARIES)]
fn table(bencher: Bencher, n: usize) {
    bencher
        .with_inputs(|| summaries(n))
        .bench_local_values(|s| Table::new(black_box(s)));
}

/// The view at 120x40 over `n` records, the selection in the middle.
#[divan::bench(args = LIBRARIES, sample_count = 200)]
fn frame_cross(bencher: Bencher, n: usize) {
    let mut app = App::new(120, 40);
    app.library.entries = entries(n).to_vec();
    let mut screen = CrossScreen::new(&app.library);
    screen.row = screen.rows.len() / 2;
    screen.col = n / 2;
    screen.row_offset = screen.row.saturating_sub(5);
    screen.col_offset = screen.col.saturating_sub(3);
    app.screen = Screen::Cross(Box::new(screen));
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test terminal");
    bencher.bench_local(|| {
        terminal.draw(|f| view(black_box(&app), f)).expect("draw");
    });
}

/// The library screen at 120x40 over `n` records, the selection in the middle.
#[divan::bench(args = LIBRARY_SCREENS, sample_count = 200)]
fn frame_library(bencher: Bencher, n: usize) {
    let mut app = App::new(120, 40);
    for entry in entries(n) {
        app.library.push(entry.clone());
    }
    app.library.selected = n / 2;
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test terminal");
    bencher.bench_local(|| {
        terminal.draw(|f| view(black_box(&app), f)).expect("draw");
    });
}
