//! `view`: draws the state. Pure: it reads the state, never changes it, and
//! reads no clock.

pub(crate) mod cross;
pub(crate) mod field;
mod findings;
pub(crate) mod help;
mod library;
mod messages;
pub(crate) mod overlays;
pub(crate) mod review;
pub(crate) mod status;
pub mod style;

pub(crate) use status::status;

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use ratatui::buffer::CellWidth;
use unicode_segmentation::UnicodeSegmentation;

use super::app::{App, MIN_HEIGHT, MIN_WIDTH, Overlay, Screen};
use crate::model::{Classification, Tlp};
use crate::text_safety;

pub fn view(app: &App, frame: &mut Frame) {
    let area = frame.area();
    if app.too_small() {
        let text = vec![
            Line::from("The terminal is too small."),
            Line::from(format!(
                "hotwash needs {MIN_WIDTH}×{MIN_HEIGHT}; this is {}×{}.",
                area.width, area.height
            )),
            Line::from(format!(
                "Enlarge the window, or press {} to quit.",
                app.key_label(crate::tui::action::Action::Quit)
            )),
        ];
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
        return;
    }
    match &app.screen {
        Screen::Library => library::draw(app, frame, area),
        Screen::Review(r) => review::draw(app, r, frame, area),
        Screen::Cross(c) => cross::draw(app, c, frame, area),
    }
    if let (Some(opening), Screen::Library | Screen::Cross(_)) = (&app.opening, &app.screen) {
        library::opening(app, opening, frame, area);
    }
    match &app.overlay {
        Some(Overlay::Help) => help::draw(app, frame, area),
        Some(Overlay::Diagnostics(_) | Overlay::Report(_)) => {
            if let Some(report) = crate::tui::reports::shown(app) {
                overlays::report(report, app, frame, area);
            }
        }
        Some(Overlay::Messages) => messages::draw(app, frame, area),
        Some(Overlay::Finding(form)) => overlays::finding(form, app, frame, area),
        Some(Overlay::Note(form)) => overlays::note(form, frame, area),
        Some(Overlay::Confirm(c)) => overlays::confirm(c, frame, area),
        Some(Overlay::Link { target, selected }) => {
            overlays::link(app, target, *selected, frame, area)
        }
        Some(Overlay::Conflict) => overlays::conflict(app, frame, area),
        Some(Overlay::Export(form)) => overlays::export(form, app, frame, area),
        Some(Overlay::MergeConflicts(state)) => {
            crate::tui::merge_conflicts::draw(app, state, frame, area)
        }
        Some(Overlay::Candidates(state)) => crate::tui::candidates::draw(app, state, frame, area),
        None => {}
    }
    if app.no_color {
        style::without_colour(frame.buffer_mut());
    }
    split_flags(frame.buffer_mut());
}

/// Whether `c` is a regional indicator, the letters flags are made of.
fn regional(c: char) -> bool {
    ('\u{1F1E6}'..='\u{1F1FF}').contains(&c)
}

/// Puts each regional indicator of a flag in a cell of its own.
///
/// ratatui keeps a flag (two regional indicators) in one wide cell and
/// blanks the cell after it; tmux keeps each indicator in a cell of its
/// own. When the flag is drawn over, ratatui sends only the first cell
/// (the second was blank and stays blank), so tmux keeps the second
/// indicator on screen: `No findings🇪yet`. Split, the terminal still
/// receives the two side by side (a flag, where it draws flags), and every
/// later frame that changes either cell rewrites it. Costs one look at each
/// cell of the screen.
fn split_flags(buf: &mut ratatui::buffer::Buffer) {
    let area = buf.area;
    for y in area.top()..area.bottom() {
        let mut x = area.left();
        while x + 1 < area.right() {
            let mut chars = buf[(x, y)].symbol().chars();
            let (Some(a), Some(b), None) = (chars.next(), chars.next(), chars.next()) else {
                x += 1;
                continue;
            };
            if !(regional(a) && regional(b)) {
                x += 1;
                continue;
            }
            let style = buf[(x, y)].style();
            buf[(x, y)].set_char(a);
            buf[(x + 1, y)].set_char(b).set_style(style);
            x += 2;
        }
    }
}

/// A classification banner across `area`, with the TLP label right-justified.
pub(crate) fn banner(
    frame: &mut Frame,
    area: Rect,
    classification: Classification,
    tlp: Tlp,
    theme: &crate::tui::theme::Theme,
) {
    banner_words(
        frame,
        area,
        classification.banner(),
        classification.level,
        tlp,
        theme,
    );
}

/// A banner of `words` in the colours of `level`, with the TLP label
/// right-justified: for a view over records of several schemes.
pub(crate) fn banner_words(
    frame: &mut Frame,
    area: Rect,
    words: &str,
    level: crate::model::Level,
    tlp: Tlp,
    theme: &crate::tui::theme::Theme,
) {
    let label = tlp.label();
    let [left, right] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Length(width(&label) as u16 + 2),
    ])
    .areas(area);
    let style = theme.banner(level);
    frame.render_widget(
        Paragraph::new(words.to_string())
            .alignment(Alignment::Center)
            .style(style),
        left,
    );
    frame.render_widget(
        Paragraph::new(format!(" {label} "))
            .alignment(Alignment::Right)
            .style(style::tlp_style(tlp)),
        right,
    );
}

/// A centred rectangle of at most `w`×`h` inside `area`.
pub(crate) fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// Text from a record, a review or a file name, made safe to draw: the same
/// escaping as the command line uses ([`text_safety::for_terminal`]). ratatui
/// would drop control characters silently; shown escaped, the reader sees
/// that they are there.
pub(crate) fn safe(text: &str) -> String {
    text_safety::one_line(text).into_owned()
}

/// The graphemes of `text` that ratatui draws, with their widths in cells.
fn drawn(text: &str) -> impl Iterator<Item = (usize, &str, usize)> {
    text.grapheme_indices(true)
        .filter(|(_, g)| !g.contains(char::is_control))
        .map(|(i, g)| (i, g, usize::from(g.cell_width())))
}

/// The width of `text` in terminal cells, as ratatui draws it: wide CJK
/// counts two, combining marks and zero-width characters none.
pub(crate) fn width(text: &str) -> usize {
    drawn(text).map(|(_, _, w)| w).sum()
}

/// The longest start of `text` that fits in `w` cells.
pub(crate) fn truncate(text: &str, w: usize) -> &str {
    let mut used = 0;
    for (i, _, gw) in drawn(text) {
        if used + gw > w {
            return &text[..i];
        }
        used += gw;
    }
    text
}

/// `text` made safe and cut to `w` cells, reading no more of it than `w`
/// cells can show: a frame must not copy a megabyte title to draw 40
/// columns of it. (A cell holds a few bytes of text at most; an emoji
/// sequence about 12, an escape such as `\u{1b}` takes six cells for one.)
pub(crate) fn safe_cut(text: &str, w: usize) -> String {
    let mut end = text.len().min(w.saturating_mul(32).saturating_add(64));
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    truncate(&safe(&text[..end]), w).to_string()
}

/// `text` made safe and cut to `w` cells, ending in `…` where it was cut,
/// so that a cut title does not pass for a whole one. Like [`safe_cut`],
/// it reads no more of `text` than `w` cells can show.
pub(crate) fn safe_elide(text: &str, w: usize) -> String {
    let mut end = text.len().min(w.saturating_mul(32).saturating_add(64));
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let shown = safe(&text[..end]);
    if end == text.len() && width(&shown) <= w {
        return shown;
    }
    match w.checked_sub(1) {
        Some(room) => format!("{}…", truncate(&shown, room)),
        None => String::new(),
    }
}

/// [`safe_elide`], padded with spaces to exactly `w` cells: a column.
pub(crate) fn safe_column(text: &str, w: usize) -> String {
    let cut = safe_elide(text, w);
    let pad = w.saturating_sub(width(&cut));
    format!("{cut}{}", " ".repeat(pad))
}

/// `text` cut to `w` cells and padded with spaces to exactly `w`, so that
/// the columns after it line up whatever the text holds.
pub(crate) fn fit(text: &str, w: usize) -> String {
    let cut = truncate(text, w);
    let pad = w.saturating_sub(width(cut));
    format!("{cut}{}", " ".repeat(pad))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::{Modifier, Style};

    #[test]
    fn a_flag_is_drawn_as_one_indicator_a_cell() {
        let area = Rect::new(0, 0, 12, 1);
        let mut buf = ratatui::buffer::Buffer::empty(area);
        let bold = Style::new().add_modifier(Modifier::BOLD);
        buf.set_string(0, 0, "a🇩🇪🇸🇬陶b🇪", bold);
        split_flags(&mut buf);
        let cells: Vec<&str> = (0..9).map(|x| buf[(x, 0)].symbol()).collect();
        // The wide CJK character keeps its blank second cell; the lone
        // indicator is one cell wide already.
        assert_eq!(cells, ["a", "🇩", "🇪", "🇸", "🇬", "陶", " ", "b", "🇪"]);
        assert_eq!(
            buf[(2, 0)].style(),
            buf[(1, 0)].style(),
            "the second half keeps the style"
        );
        assert!(buf[(2, 0)].modifier.contains(Modifier::BOLD));
    }

    #[test]
    fn fit_pads_by_cells_not_characters() {
        for title in [
            "Taurus",
            "陶鲁斯导弹泄密事件",
            "Abho\u{308}raffa\u{308}re",
            "zero\u{200b}width\u{200d}joiners",
            "Flags 🇩🇪🇸🇬 and 👩‍💻",
        ] {
            for w in [0, 1, 5, 9, 30] {
                let cell = fit(title, w);
                assert_eq!(width(&cell), w, "{title:?} in {w}: {cell:?}");
                assert!(title.starts_with(cell.trim_end()), "{title:?} in {w}");
            }
        }
        assert_eq!(fit("陶鲁斯", 5), "陶鲁 ");
    }

    #[test]
    fn elide_marks_a_cut_with_an_ellipsis_by_cells() {
        assert_eq!(safe_elide("Taurus", 6), "Taurus");
        assert_eq!(safe_elide("Taurus", 5), "Taur…");
        assert_eq!(safe_elide("陶鲁斯导弹", 6), "陶鲁…");
        // A wide character that does not fit leaves a cell free, not half of it.
        assert_eq!(safe_elide("陶鲁斯导弹", 5), "陶鲁…");
        assert_eq!(safe_elide("Abho\u{308}r", 5), "Abho\u{308}r");
        assert_eq!(safe_elide("x", 0), "");
        assert_eq!(safe_elide("ab\u{1b}]0;t", 4), "ab\\…");
        let long = "a".repeat(100_000);
        assert_eq!(width(&safe_elide(&long, 40)), 40);
        for title in ["Flags 🇩🇪🇸🇬 and 👩‍💻", "zero\u{200b}width"] {
            for w in [0, 1, 3, 7, 12] {
                assert_eq!(width(&safe_column(title, w)), w, "{title:?} in {w}");
            }
        }
    }
}
