//! `hotwash config --print-default`: the built-in configuration as a
//! commented file that reads back as the defaults. It is written from the
//! keymap and the themes themselves, so it cannot fall behind them.

use std::fmt::Write as _;

use ratatui::style::Color;

use super::DEFAULT_EXPORT_FOLDER;
use crate::export::Paper;
use crate::model::time::ZoneChoice;
use crate::model::{Effect, Level};
use crate::tui::action::{Action, DEFAULTS, Scope};
use crate::tui::theme::{Pair, Theme, ThemeName};

/// A RON string (quotes and escapes as RON reads them).
fn quoted(text: &str) -> String {
    ron::to_string(text).unwrap_or_else(|_| format!("{text:?}"))
}

fn colour(c: Color) -> String {
    quoted(&c.to_string())
}

fn pair(p: Pair) -> String {
    format!("(fg: {}, bg: {})", colour(p.fg), colour(p.bg))
}

/// The config file's name for a level's banner and an effect.
fn level_key(level: Level) -> &'static str {
    match level {
        Level::Unclassified => "unclassified",
        Level::Restricted => "restricted",
        Level::Confidential => "confidential",
        Level::Secret => "secret",
        Level::TopSecret => "top_secret",
    }
}

fn effect_key(effect: Effect) -> &'static str {
    match effect {
        Effect::Failed => "failed",
        Effect::NotFollowed => "not_followed",
        Effect::Bypassed => "bypassed",
        Effect::Absent => "absent",
        Effect::Held => "held",
    }
}

fn enum_names<T: Copy>(all: &[T], name: impl Fn(T) -> String) -> String {
    let names: Vec<String> = all.iter().map(|&v| name(v)).collect();
    match names.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

fn ron_name<T: serde::Serialize>(value: &T) -> String {
    ron::to_string(value).unwrap_or_default()
}

/// The commented default configuration.
pub fn default_text() -> String {
    let mut out = String::new();
    let theme = Theme::STANDARD;
    let zones = enum_names(
        &[ZoneChoice::Utc, ZoneChoice::Event, ZoneChoice::Local],
        |z| ron_name(&z),
    );
    let papers = enum_names(&Paper::ALL, |p| ron_name(&p));
    let themes = enum_names(&ThemeName::ALL, |t| ron_name(&t));
    let _ = write!(
        out,
        r##"// hotwash configuration. Every setting is optional: leave one out (or
// the whole file) and its built-in default is used. This file shows them
// all; docs/CONFIG.md describes each. hotwash reads this file and never
// writes it.
(
    // Who signs reviews off. --reviewer and $HOTWASH_REVIEWER come before
    // it, the login name after it. For example: reviewer: "A. Analyst",

    // The folder the export form proposes (relative to where hotwash starts).
    export_folder: {export_folder},

    // The zone times are shown in when a record opens: {zones}.
    // `t` cycles through them.
    zone: {zone},

    // The paper size of printable reports: {papers}.
    paper: {paper},

    theme: (
        // The built-in theme to start from: {themes}.
        name: {theme_name},
        // Colours that replace the theme's, each when uncommented. A
        // colour is a name (Red, LightRed, DarkGray, Reset for the
        // terminal's own...), "#RRGGBB" or a 256-colour index ("208").
        // These are the Standard theme's.
        // Banners by classification level: text (fg) on ground (bg).
        banners: (
"##,
        export_folder = quoted(DEFAULT_EXPORT_FOLDER),
        zone = ron_name(&ZoneChoice::default()),
        paper = ron_name(&Paper::default()),
        theme_name = ron_name(&ThemeName::default()),
    );
    for level in Level::ALL {
        let _ = writeln!(
            out,
            "            // {}: {},",
            level_key(level),
            pair(theme.banner_colours(level))
        );
    }
    out.push_str(
        "        ),\n        // The glyphs and words of control effects.\n        effects: (\n",
    );
    for effect in Effect::ALL {
        let _ = writeln!(
            out,
            "            // {}: {},",
            effect_key(effect),
            colour(theme.effect_colour(effect))
        );
    }
    let _ = write!(
        out,
        r##"        ),
        // The selected row; Reset on Reset is reverse video.
        // selection: {selection},
        // The focused pane's border and title; Reset keeps the terminal's.
        // focus: {focus},
    ),

    // Keys, by action. `everywhere` binds on every screen, `library`,
    // `review` and `cross` (controls across incidents) on one (and win
    // there over `everywhere`). An action given
    // here loses its default keys in that section's screens; [] leaves it
    // without one. A key is a character ("q", "G", "?") or a name (Space,
    // Enter, Esc, Tab, Shift-Tab, Backspace, Up, Down, Left, Right, Home,
    // End, PgUp, PgDn, F1...F24), with Ctrl- or Alt- before it. One key
    // does one thing per screen: a clash is an error naming both actions.
    // Ctrl-C always quits. These are the defaults.
    keys: (
"##,
        selection = pair(theme.selection),
        focus = colour(theme.focus),
    );
    for scope in Scope::ALL {
        let mut actions: Vec<Action> = Vec::new();
        for d in DEFAULTS.iter().filter(|d| d.scope == scope) {
            if !actions.contains(&d.action) {
                actions.push(d.action);
            }
        }
        if actions.is_empty() {
            let _ = writeln!(out, "        {}: {{}},", scope.name());
            continue;
        }
        let _ = writeln!(out, "        {}: {{", scope.name());
        for action in actions {
            let keys: Vec<String> = DEFAULTS
                .iter()
                .filter(|d| d.scope == scope && d.action == action)
                .map(|d| quoted(&d.key.label()))
                .collect();
            let _ = writeln!(
                out,
                "            {}: [{}], // {}",
                action.name(),
                keys.join(", "),
                action.describe()
            );
        }
        out.push_str("        },\n");
    }
    out.push_str("    ),\n)\n");
    out
}
