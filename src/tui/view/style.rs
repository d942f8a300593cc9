//! Colours and glyphs. Meaning is always carried by a glyph or a modifier as
//! well, so nothing is lost when `NO_COLOR` strips the colours.

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier, Style};

use crate::model::{Effect, Level, Tlp};
use crate::timeline::ControlState;

pub fn effect_glyph(effect: Effect) -> &'static str {
    match effect {
        Effect::Failed => "✗",
        Effect::NotFollowed => "≠",
        Effect::Bypassed => "↷",
        Effect::Absent => "∅",
        Effect::Held => "✓",
    }
}

pub fn effect_style(effect: Effect) -> Style {
    match effect {
        Effect::Held => Style::new().fg(Color::Green),
        Effect::Absent => Style::new().fg(Color::Magenta),
        _ => Style::new().fg(Color::Red),
    }
}

/// A control's replayed state: glyph, words and style.
pub fn state_look(state: ControlState) -> (&'static str, String, Style) {
    match state {
        ControlState::NotYetInvolved => (
            "·",
            "not yet involved".into(),
            Style::new().add_modifier(Modifier::DIM),
        ),
        ControlState::Held => ("✓", "held so far".into(), Style::new().fg(Color::Green)),
        ControlState::FailedEarlier { last, failures } => (
            effect_glyph(last),
            format!("{} earlier ({failures}×)", last.name()),
            Style::new().fg(Color::Red),
        ),
        ControlState::Now { effect, .. } => (
            effect_glyph(effect),
            format!("{} HERE", effect.name()),
            effect_style(effect).add_modifier(Modifier::BOLD | Modifier::REVERSED),
        ),
    }
}

/// Banner colours after the US convention (green, blue, red, orange), with
/// bold text so the level still stands out without colour.
pub fn banner_style(level: Level) -> Style {
    let (bg, fg) = match level {
        Level::Unclassified => (Color::Green, Color::Black),
        Level::Restricted => (Color::Cyan, Color::Black),
        Level::Confidential => (Color::Blue, Color::White),
        Level::Secret => (Color::Red, Color::White),
        Level::TopSecret => (Color::Yellow, Color::Black),
    };
    Style::new().bg(bg).fg(fg).add_modifier(Modifier::BOLD)
}

/// TLP colours from FIRST's label on a black ground.
pub fn tlp_style(tlp: Tlp) -> Style {
    let fg = match tlp {
        Tlp::Red => Color::Red,
        Tlp::Amber | Tlp::AmberStrict => Color::Rgb(0xFF, 0xC0, 0x00),
        Tlp::Green => Color::Rgb(0x33, 0xFF, 0x00),
        Tlp::Clear => Color::White,
    };
    Style::new()
        .bg(Color::Black)
        .fg(fg)
        .add_modifier(Modifier::BOLD)
}

pub fn selected() -> Style {
    Style::new().add_modifier(Modifier::REVERSED)
}

pub fn focused_border(focused: bool) -> Style {
    if focused {
        Style::new().add_modifier(Modifier::BOLD)
    } else {
        Style::new().add_modifier(Modifier::DIM)
    }
}

/// A pane's title: reversed when the pane has the focus, so that focus is
/// seen without colour (NO_COLOR) and on terminals that draw bold dimly.
pub fn focused_title(focused: bool) -> Style {
    if focused {
        Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
    } else {
        Style::new()
    }
}

/// Takes the colours out of a drawn frame, for `NO_COLOR`. Left to the
/// terminal library, a colour change under `NO_COLOR` is written as an
/// empty `ESC [ m`, which resets bold and reverse video too: the banner,
/// the HERE states and the selection lost their emphasis. Without colours
/// none is written. A coloured ground (the banners, the TLP label) becomes
/// reverse video, so a banner still stands out as one.
pub fn without_colour(buffer: &mut Buffer) {
    for cell in &mut buffer.content {
        if cell.bg != Color::Reset {
            cell.modifier |= Modifier::REVERSED;
        }
        cell.fg = Color::Reset;
        cell.bg = Color::Reset;
    }
}
