//! The diagnostics overlay (a broken record, a review that cannot be used)
//! and the live reload of the open record that raises and clears it.
//!
//! The report is rendered once, when it is shown or the terminal is
//! resized, not per frame: miette's snippets are not free, and a report can
//! hold many diagnostics. The overlay then scrolls through all of it.

use std::sync::Arc;

use ratatui::layout::Rect;

use super::action::Action;
use super::app::{App, Bundle, EntryState, Overlay, Rows, Screen};
use crate::load::FileReport;

/// A report rendered for one overlay size.
#[derive(Debug, Clone)]
pub struct ReportView {
    /// Which report this is (see [`identity`]).
    pub identity: String,
    pub width: usize,
    pub lines: Vec<String>,
}

/// Where the diagnostics overlay is drawn in `area`.
pub fn rect(area: Rect) -> Rect {
    crate::tui::view::centered(
        area,
        area.width.saturating_sub(4),
        area.height.saturating_sub(4),
    )
}

/// The width the report is rendered at inside `rect`: the border and a
/// column of margin on each side.
fn text_width(rect: Rect) -> usize {
    usize::from(rect.width.saturating_sub(4)).max(20)
}

/// Rows of text the overlay shows at once.
pub fn visible(area: Rect) -> usize {
    usize::from(rect(area).height.saturating_sub(2)).max(1)
}

/// Tells one report from another without comparing their diagnostics:
/// the file, how many diagnostics, the text they point into and the first.
fn identity(report: &FileReport) -> String {
    let text = report
        .text
        .as_ref()
        .map_or(0, |t| Arc::as_ptr(t).cast::<u8>() as usize);
    let first = report
        .diagnostics
        .first()
        .map(|d| format!("{}:{}", d.code, d.message));
    format!(
        "{}\u{0}{}\u{0}{text}\u{0}{first:?}",
        report.path.display(),
        report.diagnostics.len()
    )
}

/// The report shown by the open overlay, if it shows one.
pub fn shown(app: &App) -> Option<&FileReport> {
    match &app.overlay {
        Some(Overlay::Report(report)) => Some(report),
        Some(Overlay::Diagnostics(i)) => match app.library.entries.get(*i).map(|e| &e.state) {
            Some(EntryState::Failed(report)) => Some(report),
            _ => None,
        },
        _ => None,
    }
}

/// Keeps the rendered report in step with the overlay and the terminal:
/// rendered again when either changed, dropped when the overlay closed.
/// A different report starts at its top.
pub fn settle(app: &mut App) {
    let width = text_width(rect(app.area()));
    let Some(report) = shown(app) else {
        app.report_view = None;
        return;
    };
    let id = identity(report);
    let same = app.report_view.as_ref().map(|v| v.identity == id);
    if same == Some(true) && app.report_view.as_ref().is_some_and(|v| v.width == width) {
        return;
    }
    let lines = report
        .render(false, width)
        .lines()
        .map(str::to_string)
        .collect();
    if same != Some(true) {
        app.overlay_scroll = 0;
    }
    app.report_view = Some(ReportView {
        identity: id,
        width,
        lines,
    });
    clamp(app);
}

/// A scrolling key on the diagnostics overlay.
pub fn scroll(app: &mut App, action: Action) {
    let visible = visible(app.area());
    let last = app
        .report_view
        .as_ref()
        .map_or(0, |v| v.lines.len().saturating_sub(visible));
    app.overlay_scroll = super::messages::step(app.overlay_scroll, action, visible, last);
}

fn clamp(app: &mut App) {
    scroll(app, Action::Back);
}

/// Whether an overlay is one the analyst is typing in or answering; a
/// reload must not replace it (the text would be lost).
fn busy(overlay: &Option<Overlay>) -> bool {
    matches!(
        overlay,
        Some(
            Overlay::Finding(_)
                | Overlay::Note(_)
                | Overlay::Confirm(_)
                | Overlay::Link { .. }
                | Overlay::Export(_)
                | Overlay::Conflict
                | Overlay::Candidates(_)
        )
    )
}

/// Closes the diagnostics of the open record's file, now out of date.
fn close_record_report(app: &mut App, record: &std::path::Path) {
    if matches!(&app.overlay, Some(Overlay::Report(r)) if r.path == record) {
        app.overlay = None;
    }
}

/// A new version of the open record: take it if the review still fits it,
/// keeping the selected event; otherwise keep the last good version. The
/// diagnostics overlay follows the file: shown (or refreshed) while it is
/// broken, closed once it is valid again.
pub fn record_reloaded(app: &mut App, result: Result<Arc<Bundle>, FileReport>) {
    let Screen::Review(r) = &mut app.screen else {
        return;
    };
    let bundle = match result {
        Ok(bundle) => bundle,
        Err(report) => {
            let what = report
                .first_error()
                .map(|d| match d.start {
                    Some(at) => format!(" (line {}: {})", at.line, d.message),
                    None => format!(" ({})", d.message),
                })
                .unwrap_or_default();
            app.message = Some(format!(
                "the record on disk is now invalid{what}; still showing the last good version"
            ));
            if !busy(&app.overlay) {
                app.overlay = Some(Overlay::Report(report));
            }
            return;
        }
    };
    let path = bundle.path.clone();
    // Only errors count here: no hash for the sign-off's staleness.
    let misfit = crate::load::check::check_review(&r.state.review, bundle.written(), None)
        .into_iter()
        .find(|p| p.severity == crate::load::Severity::Error);
    if let Some(problem) = misfit {
        app.message = Some(format!(
            "the record changed on disk but the review no longer fits it ({}); still showing the last good version",
            problem.message
        ));
        close_record_report(app, &path);
        return;
    }
    // The new version with the review's decisions on its candidates.
    let bundle = match bundle.redecided(&r.state.review.decisions) {
        Some(decided) => Arc::new(decided),
        None => bundle,
    };
    let keep = r.event_id().map(str::to_string);
    r.bundle = Arc::clone(&bundle);
    // The replayed states and the detail's rows belong to the old record.
    r.replay = Default::default();
    r.detail = Default::default();
    r.state.refresh(&bundle);
    r.rows = Rows::All(bundle.timeline.len());
    r.search = None;
    r.control = r
        .control
        .min(bundle.record.controls.len().saturating_sub(1));
    r.selected = keep
        .and_then(|id| bundle.record.events.iter().position(|e| e.id == id))
        .and_then(|i| bundle.timeline.position_of(i))
        .unwrap_or(0);
    if let Some(entry) = app.library.entries.get_mut(r.entry) {
        let mut summary = bundle.summary(&r.state.review);
        summary.size = entry.summary().map_or(0, |s| s.size);
        entry.state = EntryState::Summarised(Arc::new(summary));
    }
    close_record_report(app, &path);
    app.message = Some("the record changed on disk: reloaded".into());
}
