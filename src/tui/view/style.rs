//! Colours and glyphs. Meaning is always carried by a glyph or a modifier as
//! well, so nothing is lost when `NO_COLOR` strips the colours.

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier, Style};

use crate::model::{Effect, Tlp};
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

/// A control's replayed state in a glyph and words; its style is the
/// theme's ([`Theme::state_look`](crate::tui::theme::Theme::state_look)).
pub fn state_words(state: ControlState) -> (&'static str, String) {
    match state {
        ControlState::NotYetInvolved => ("·", "not yet involved".into()),
        ControlState::Held => ("✓", "held so far".into()),
        ControlState::FailedEarlier { last, failures } => (
            effect_glyph(last),
            format!("{} earlier ({failures}×)", last.name()),
        ),
        ControlState::Now { effect, .. } => {
            (effect_glyph(effect), format!("{} HERE", effect.name()))
        }
    }
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
