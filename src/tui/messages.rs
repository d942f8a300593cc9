//! The message log: every status message of the session, kept so that one
//! cut short in the status bar can still be read in full (`M`), and the
//! scrolling shared by the read-only overlays (the log and the diagnostics).

use super::action::Action;
use super::app::{App, Overlay};

/// How many messages the log keeps; the oldest go first.
pub const LOG_SIZE: usize = 500;

/// Logs the status message if this update set a new one (`before` is the
/// message the update started with). The same message said again by the
/// next key is logged once.
pub fn record(app: &mut App, before: Option<&str>) {
    let Some(now) = app.message.as_deref() else {
        return;
    };
    if before == Some(now) {
        return;
    }
    if app.messages.len() >= LOG_SIZE {
        app.messages.remove(0);
    }
    app.messages.push(now.to_string());
}

/// Opens the log, newest message at the top.
pub fn open(app: &mut App) {
    app.overlay_scroll = 0;
    app.overlay = Some(Overlay::Messages);
}

/// A scrolling key on the log: by message, clamped to the log.
pub fn scroll(app: &mut App, action: Action) {
    let last = app.messages.len().saturating_sub(1);
    let page = usize::from(app.height / 2).max(1);
    app.overlay_scroll = step(app.overlay_scroll, action, page, last);
}

/// Where a scrolling `action` takes `at`, within `0..=last`.
pub fn step(at: usize, action: Action, page: usize, last: usize) -> usize {
    match action {
        Action::Down => at + 1,
        Action::Up => at.saturating_sub(1),
        Action::PageDown => at + page,
        Action::PageUp => at.saturating_sub(page),
        Action::Top => 0,
        Action::Bottom => last,
        _ => at,
    }
    .min(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_message_is_logged_once() {
        let mut app = App::new(80, 24);
        app.message = Some("saved".into());
        record(&mut app, None);
        // Still up at the next message: not logged again.
        record(&mut app, Some("saved"));
        assert_eq!(app.messages, ["saved"]);
        app.message = Some("nothing to undo".into());
        record(&mut app, None);
        app.message = None;
        record(&mut app, Some("nothing to undo"));
        assert_eq!(app.messages, ["saved", "nothing to undo"]);
    }

    #[test]
    fn the_log_keeps_the_newest() {
        let mut app = App::new(80, 24);
        for i in 0..LOG_SIZE + 3 {
            app.message = Some(format!("m{i}"));
            record(&mut app, None);
        }
        assert_eq!(app.messages.len(), LOG_SIZE);
        assert_eq!(app.messages[0], "m3");
    }

    #[test]
    fn scrolling_stays_within_the_log() {
        assert_eq!(step(0, Action::Up, 10, 5), 0);
        assert_eq!(step(4, Action::PageDown, 10, 5), 5);
        assert_eq!(step(4, Action::Bottom, 10, 5), 5);
        assert_eq!(step(4, Action::Top, 10, 5), 0);
    }
}
