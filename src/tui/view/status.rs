//! The status bar: a message or the key hints on the left, the state of
//! the review on the right. Nothing is cut mid-word: hints are shown whole
//! or not at all (by their rank in the keymap), and a message too long for
//! the bar ends in `…` with the key that shows it in full.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{safe, truncate, width};
use crate::tui::action::{Action, Context, Keymap};

/// Between two hints.
const GAP: &str = "  ";

/// One part of the right side of the bar, and its rank: when they do not
/// all fit, the lower ranks are kept.
pub(crate) type Part = (String, u8);

/// The status bar across `area`: `message` if there is one, else the hints
/// of `context`; on the right, the `right` parts that fit whole in half
/// the bar, in their order, apart by `│`.
pub(crate) fn status(
    frame: &mut Frame,
    area: Rect,
    keymap: &Keymap,
    context: Context,
    message: Option<&str>,
    right: &[Part],
) {
    let total = usize::from(area.width);
    let right = right_side(right, total / 2);
    let right_w = width(&right);
    // Two cells apart, as the hints are from each other.
    let left_w = total.saturating_sub(right_w + if right_w > 0 { GAP.len() } else { 0 });
    let [left, r] =
        Layout::horizontal([Constraint::Length(left_w as u16), Constraint::Fill(1)]).areas(area);
    let spans = match message {
        Some(m) => message_spans(m, &more_key(keymap, context), left_w),
        None => hint_spans(keymap, context, left_w),
    };
    frame.render_widget(Paragraph::new(Line::from(spans)), left);
    frame.render_widget(
        Paragraph::new(right)
            .alignment(Alignment::Right)
            .style(Style::new().add_modifier(Modifier::BOLD)),
        r,
    );
}

/// The parts that fit in `w` cells, best-ranked first, shown in order.
/// One part alone too wide is cut with `…`.
fn right_side(parts: &[Part], w: usize) -> String {
    const SEP: &str = " │ ";
    // The right side names the reviewer who signed off: text from a file.
    let parts: Vec<(String, u8)> = parts.iter().map(|(t, r)| (safe(t), *r)).collect();
    let mut by_rank: Vec<usize> = (0..parts.len()).collect();
    by_rank.sort_by_key(|&i| parts[i].1);
    let mut keep = vec![false; parts.len()];
    let mut used = 0;
    for i in by_rank {
        let extra = width(&parts[i].0) + if used == 0 { 0 } else { width(SEP) };
        if used + extra <= w {
            used += extra;
            keep[i] = true;
        }
    }
    if used == 0 {
        return parts
            .iter()
            .min_by_key(|(_, r)| *r)
            .map(|(t, _)| elide(t, w))
            .unwrap_or_default();
    }
    let kept: Vec<&str> = parts
        .iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|((t, _), _)| t.as_str())
        .collect();
    kept.join(SEP)
}

/// `text` cut to `w` cells, ending in `…` when something was cut.
pub(crate) fn elide(text: &str, w: usize) -> String {
    if width(text) <= w {
        return text.to_string();
    }
    if w == 0 {
        return String::new();
    }
    format!("{}…", truncate(text, w - 1).trim_end())
}

/// The key of the message log, where a long message is shown in full.
fn more_key(keymap: &Keymap, context: Context) -> String {
    keymap.label(Action::Messages, context).unwrap_or_default()
}

/// A message in `w` cells; one that does not fit is cut with `…` and
/// followed by `key`, the key of the message log, where it is shown in
/// full (just cut when the log has no key).
pub(crate) fn message_spans(message: &str, key: &str, w: usize) -> Vec<Span<'static>> {
    // Status messages name files and quote records.
    let text = safe(message);
    if width(&text) <= w {
        return vec![Span::raw(text)];
    }
    let key = key.to_string();
    let more = format!(" {key} more");
    if key.is_empty() || w < width(&more) + 8 {
        return vec![Span::raw(elide(&text, w))];
    }
    vec![
        Span::raw(elide(&text, w - width(&more))),
        Span::raw(" "),
        Span::styled(key, Style::new().add_modifier(Modifier::BOLD)),
        Span::raw(" more"),
    ]
}

/// The status-bar hints of `context` that fit in `w` cells, whole: the
/// best-ranked first, shown in keymap order.
pub(crate) fn hint_spans(keymap: &Keymap, context: Context, w: usize) -> Vec<Span<'static>> {
    let mut hints: Vec<(String, Action)> = Vec::new();
    for b in keymap.bindings(context) {
        let first = keymap.keys(b.action, context).next() == Some(b.key);
        if b.action.in_status_bar()
            && first
            && !hints.iter().any(|(_, a)| a.hint() == b.action.hint())
        {
            hints.push((b.key.label(), b.action));
        }
    }
    let cost = |(label, action): &(String, Action)| width(label) + 1 + width(action.hint());
    let mut by_rank: Vec<usize> = (0..hints.len()).collect();
    by_rank.sort_by_key(|&i| hints[i].1.hint_rank());
    let mut keep = vec![false; hints.len()];
    let mut used = 0;
    for i in by_rank {
        let extra = cost(&hints[i]) + if used == 0 { 0 } else { GAP.len() };
        if used + extra <= w {
            used += extra;
            keep[i] = true;
        }
    }
    let mut spans = Vec::new();
    for (i, (label, action)) in hints.into_iter().enumerate() {
        if !keep[i] {
            continue;
        }
        if !spans.is_empty() {
            spans.push(Span::raw(GAP));
        }
        spans.push(Span::styled(
            label,
            Style::new().add_modifier(Modifier::BOLD),
        ));
        spans.push(Span::raw(format!(" {}", action.hint())));
    }
    spans
}

/// How many of a footer's hints are shown at any width: save and cancel,
/// the ways out of a form.
const ALWAYS: usize = 2;

/// Hints for a form's bottom border, whole and in order of importance:
/// as many as fit in `w` cells, the first [`ALWAYS`] at any width.
pub(crate) fn footer(hints: &[&str], w: usize) -> String {
    let mut out = String::new();
    for (i, hint) in hints.iter().enumerate() {
        let sep = if out.is_empty() { "" } else { " · " };
        if i >= ALWAYS && width(&out) + width(sep) + width(hint) + 2 > w {
            break;
        }
        out.push_str(sep);
        out.push_str(hint);
    }
    format!(" {out} ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(spans: &[Span]) -> String {
        spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn hints_are_whole_at_every_width() {
        let keymap = Keymap::default();
        let all = text(&hint_spans(&keymap, Context::Review, 500));
        let words: Vec<&str> = all.split(GAP).collect();
        for w in 0..=all.len() + 2 {
            let shown = text(&hint_spans(&keymap, Context::Review, w));
            assert!(width(&shown) <= w, "{w}: {shown:?}");
            for hint in shown.split(GAP).filter(|h| !h.is_empty()) {
                assert!(words.contains(&hint), "{w}: cut hint {hint:?} in {shown:?}");
            }
        }
        // Help survives longest.
        assert_eq!(text(&hint_spans(&keymap, Context::Review, 7)), "? help");
    }

    #[test]
    fn a_long_message_ends_in_an_ellipsis_and_the_log_key() {
        let m = "wrote exports/taurus.md (Markdown, OFFEN; No portions were withheld.)";
        let shown = text(&message_spans(m, "M", 40));
        assert_eq!(width(&shown), 40, "{shown:?}");
        assert!(shown.ends_with("… M more"), "{shown:?}");
        assert_eq!(text(&message_spans(m, "M", 200)), m);
        let cjk = "陶鲁斯导弹泄密事件陶鲁斯导弹泄密事件陶鲁斯导弹泄密事件";
        assert!(width(&text(&message_spans(cjk, "M", 31))) <= 31);
        // Without a key for the log, the message is just cut.
        assert!(text(&message_spans(m, "", 40)).ends_with('…'));
    }

    #[test]
    fn the_right_side_drops_whole_parts_by_rank() {
        let parts = [
            ("n/N: failures".to_string(), 3),
            ("reviewed 6/28".to_string(), 2),
            ("not signed off".to_string(), 1),
        ];
        let all = "n/N: failures │ reviewed 6/28 │ not signed off";
        assert_eq!(right_side(&parts, 100), all);
        assert_eq!(right_side(&parts, 40), "reviewed 6/28 │ not signed off");
        assert_eq!(right_side(&parts, 20), "not signed off");
        assert_eq!(right_side(&parts, 8), "not sig…");
    }

    #[test]
    fn elide_counts_cells() {
        assert_eq!(elide("abcdef", 6), "abcdef");
        assert_eq!(elide("abcdef", 4), "abc…");
        assert_eq!(elide("陶鲁斯导", 5), "陶鲁…");
        assert_eq!(elide("abc", 0), "");
    }

    #[test]
    fn a_footer_keeps_its_first_hints() {
        let hints = ["Ctrl-S save", "Esc cancel", "Tab next", "←/→ choose"];
        assert_eq!(
            footer(&hints, 200),
            " Ctrl-S save · Esc cancel · Tab next · ←/→ choose "
        );
        assert_eq!(footer(&hints, 30), " Ctrl-S save · Esc cancel ");
        assert_eq!(footer(&hints, 10), " Ctrl-S save · Esc cancel ");
    }
}
