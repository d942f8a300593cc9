//! The colours of the workbench: banners by level, control effects, the
//! selection and the focused pane. Two are built in, `Standard` and
//! `HighContrast`; the configuration starts from one and may replace any
//! colour. Meaning never rests on colour alone (glyphs, bold and reverse
//! video carry it too), and `NO_COLOR` or `--color never` take every
//! colour out of the frame whatever the theme says.

use ratatui::style::{Color, Modifier, Style};
use serde::{Deserialize, Serialize};

use crate::model::{Effect, Level};
use crate::timeline::ControlState;

/// A text colour on a ground colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pair {
    pub fg: Color,
    pub bg: Color,
}

const fn pair(fg: Color, bg: Color) -> Pair {
    Pair { fg, bg }
}

/// The built-in themes, by the names the configuration uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ThemeName {
    #[default]
    Standard,
    /// Black on bright grounds, bright effects and a yellow focus: for
    /// low-contrast screens, projectors and tired eyes. The selection stays
    /// reverse video, which keeps every effect's colour readable on it.
    HighContrast,
}

impl ThemeName {
    pub const ALL: [ThemeName; 2] = [ThemeName::Standard, ThemeName::HighContrast];

    pub fn theme(self) -> Theme {
        match self {
            ThemeName::Standard => Theme::STANDARD,
            ThemeName::HighContrast => Theme::HIGH_CONTRAST,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ThemeName::Standard => "Standard",
            ThemeName::HighContrast => "HighContrast",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// By level, in [`Level::ALL`]'s order.
    pub banners: [Pair; 5],
    /// By effect, in [`Effect::ALL`]'s order.
    pub effects: [Color; 5],
    /// `Reset` on `Reset` is reverse video; otherwise these colours, bold.
    pub selection: Pair,
    /// The focused pane's border and title; `Reset` keeps the terminal's.
    pub focus: Color,
}

impl Default for Theme {
    fn default() -> Self {
        Theme::STANDARD
    }
}

fn level_index(level: Level) -> usize {
    Level::ALL.iter().position(|l| *l == level).unwrap_or(0)
}

fn effect_index(effect: Effect) -> usize {
    Effect::ALL.iter().position(|e| *e == effect).unwrap_or(0)
}

impl Theme {
    /// Banners after the US convention (green, blue, red, orange), effects
    /// red but for held (green) and absent (magenta), selection and focus
    /// by reverse video and bold.
    pub const STANDARD: Theme = Theme {
        banners: [
            pair(Color::Black, Color::Green),
            pair(Color::Black, Color::Cyan),
            pair(Color::White, Color::Blue),
            pair(Color::White, Color::Red),
            pair(Color::Black, Color::Yellow),
        ],
        effects: [
            Color::Red,
            Color::Red,
            Color::Red,
            Color::Magenta,
            Color::Green,
        ],
        selection: pair(Color::Reset, Color::Reset),
        focus: Color::Reset,
    };

    pub const HIGH_CONTRAST: Theme = Theme {
        banners: [
            pair(Color::Black, Color::LightGreen),
            pair(Color::Black, Color::LightCyan),
            pair(Color::Black, Color::LightBlue),
            pair(Color::Black, Color::LightRed),
            pair(Color::Black, Color::LightYellow),
        ],
        effects: [
            Color::LightRed,
            Color::LightYellow,
            Color::LightMagenta,
            Color::LightMagenta,
            Color::LightGreen,
        ],
        selection: pair(Color::Reset, Color::Reset),
        focus: Color::LightYellow,
    };

    pub fn banner_colours(&self, level: Level) -> Pair {
        self.banners[level_index(level)]
    }

    pub fn set_banner(&mut self, level: Level, colours: Pair) {
        self.banners[level_index(level)] = colours;
    }

    pub fn effect_colour(&self, effect: Effect) -> Color {
        self.effects[effect_index(effect)]
    }

    pub fn set_effect(&mut self, effect: Effect, colour: Color) {
        self.effects[effect_index(effect)] = colour;
    }

    /// A banner, bold so that the level stands out without colour too.
    pub fn banner(&self, level: Level) -> Style {
        let Pair { fg, bg } = self.banner_colours(level);
        Style::new().bg(bg).fg(fg).add_modifier(Modifier::BOLD)
    }

    pub fn effect(&self, effect: Effect) -> Style {
        Style::new().fg(self.effect_colour(effect))
    }

    /// A control's replayed state: glyph, words and style.
    pub fn state_look(&self, state: ControlState) -> (&'static str, String, Style) {
        let (glyph, words) = super::view::style::state_words(state);
        let style = match state {
            ControlState::NotYetInvolved => Style::new().add_modifier(Modifier::DIM),
            ControlState::Held => self.effect(Effect::Held),
            ControlState::FailedEarlier { .. } => self.effect(Effect::Failed),
            ControlState::Now { effect, .. } => self
                .effect(effect)
                .add_modifier(Modifier::BOLD | Modifier::REVERSED),
        };
        (glyph, words, style)
    }

    /// The selected row.
    pub fn selected(&self) -> Style {
        match self.selection {
            Pair {
                fg: Color::Reset,
                bg: Color::Reset,
            } => Style::new().add_modifier(Modifier::REVERSED),
            Pair { fg, bg } => Style::new().fg(fg).bg(bg).add_modifier(Modifier::BOLD),
        }
    }

    pub fn focused_border(&self, focused: bool) -> Style {
        if focused {
            Style::new().fg(self.focus).add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }

    /// A pane's title: reversed when the pane has the focus, so that focus
    /// is seen without colour (NO_COLOR) and on terminals that draw bold
    /// dimly.
    pub fn focused_title(&self, focused: bool) -> Style {
        if focused {
            Style::new()
                .fg(self.focus)
                .add_modifier(Modifier::REVERSED | Modifier::BOLD)
        } else {
            Style::new()
        }
    }
}
