use std::path::Path;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Color;

use super::*;
use crate::model::{Effect, Level};
use crate::tui::action::{Action, Context};

fn read(text: &str) -> Loaded {
    from_text(Path::new("config.ron"), text.to_string())
}

fn config(text: &str) -> Config {
    let loaded = read(text);
    if let Some(report) = &loaded.report {
        panic!("{}", report.render(false, 100));
    }
    loaded.config
}

/// The file's report, rendered as `hotwash` prints it.
fn problems(text: &str) -> (FileReport, String) {
    let loaded = read(text);
    assert_eq!(loaded.config, Config::default(), "errors mean the defaults");
    let report = loaded.report.expect("a report");
    let shown = report.render(false, 100);
    (report, shown)
}

/// The default file with its commented-out settings commented in.
fn uncommented(text: &str) -> String {
    text.lines()
        .map(|line| {
            let trimmed = line.trim_start();
            let setting = trimmed
                .strip_prefix("// ")
                .and_then(|rest| rest.split_once(": "))
                .is_some_and(|(name, _)| {
                    !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                });
            if setting {
                line.replacen("// ", "", 1)
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_printed_default_reads_back_as_the_defaults_with_its_examples_too() {
    let text = default_text();
    assert_eq!(config(&text), Config::default());
    let all = uncommented(&text);
    assert_ne!(all, text, "it has commented-out settings");
    assert!(all.contains("\n        focus: \"Reset\","), "{all}");
    assert_eq!(config(&all), Config::default(), "{all}");
    // Every action is in it, by its name.
    for action in Action::ALL {
        assert!(
            text.contains(&format!(" {}: [", action.name())),
            "{action:?}"
        );
    }
}

#[test]
fn nothing_or_only_comments_is_the_defaults() {
    for text in ["", "\n  \n", "// all commented out\n/* (zone: Local) */\n"] {
        let loaded = read(text);
        assert!(loaded.report.is_none(), "{text:?}");
        assert_eq!(loaded.config, Config::default());
    }
}

#[test]
fn settings_replace_the_defaults() {
    let c = config(
        r#"(
            reviewer: "A. Analyst",
            export_folder: "/srv/reports",
            zone: Event,
            paper: Letter,
        )"#,
    );
    assert_eq!(c.reviewer.as_deref(), Some("A. Analyst"));
    assert_eq!(c.export_folder, PathBuf::from("/srv/reports"));
    assert_eq!(c.zone, ZoneChoice::Event);
    assert_eq!(c.paper, Paper::Letter);
    assert_eq!(c.paper(None), Paper::Letter);
    assert_eq!(c.paper(Some(Paper::A4)), Paper::A4, "a flag comes first");
}

#[test]
fn a_theme_by_name_with_colours_over_it() {
    let c = config(
        r##"(theme: (
            name: HighContrast,
            banners: (secret: (bg: "#AA0000")),
            effects: (held: "cyan"),
            focus: "208",
        ))"##,
    );
    assert_eq!(c.theme_name, ThemeName::HighContrast);
    let hc = Theme::HIGH_CONTRAST;
    assert_eq!(
        c.theme.banner_colours(Level::Secret),
        crate::tui::theme::Pair {
            fg: hc.banner_colours(Level::Secret).fg,
            bg: Color::Rgb(0xAA, 0, 0),
        }
    );
    assert_eq!(c.theme.effect_colour(Effect::Held), Color::Cyan);
    assert_eq!(
        c.theme.effect_colour(Effect::Failed),
        hc.effect_colour(Effect::Failed)
    );
    assert_eq!(c.theme.focus, Color::Indexed(208));
    assert_eq!(c.theme.selection, hc.selection);
}

#[test]
fn a_rebound_key_does_the_action() {
    let c = config(r#"(keys: (review: {NewFinding: ["a", "Ctrl-N"], Quit: "Q"}))"#);
    let press = |c: char, m| KeyEvent::new(KeyCode::Char(c), m);
    let keymap = &c.keymap;
    let none = KeyModifiers::NONE;
    assert_eq!(
        keymap.action_for(&press('a', none), Context::Review),
        Some(Action::NewFinding)
    );
    assert_eq!(
        keymap.action_for(&press('n', KeyModifiers::CONTROL), Context::Review),
        Some(Action::NewFinding)
    );
    assert_eq!(keymap.action_for(&press('f', none), Context::Review), None);
    assert_eq!(
        keymap.action_for(&press('Q', KeyModifiers::SHIFT), Context::Review),
        Some(Action::Quit)
    );
    // Only in the review: the library keeps q.
    assert_eq!(
        keymap.action_for(&press('q', none), Context::Library),
        Some(Action::Quit)
    );
}

#[test]
fn a_clash_names_both_actions_at_the_key() {
    let text = "(\n  keys: (\n    review: {\n      NewFinding: [\"a\", \"j\"],\n    },\n  ),\n)\n";
    let (report, shown) = problems(text);
    let d = &report.diagnostics[0];
    assert_eq!(d.code, "config.key-conflict");
    assert_eq!(
        d.message,
        "\"j\" is bound to both Down and NewFinding in the review"
    );
    assert_eq!(d.start.map(|at| at.to_string()).as_deref(), Some("4:25"));
    assert!(shown.contains("config.ron:4:25"), "{shown}");
    assert!(
        shown.contains("Down: [\\\"...\\\"]") || shown.contains("Down: [\"...\"]"),
        "{shown}"
    );
}

#[test]
fn an_unknown_key_is_placed_with_a_suggestion() {
    let (report, shown) = problems("(\n  theme: (\n    nmae: HighContrast,\n  ),\n)\n");
    let d = &report.diagnostics[0];
    assert_eq!(d.code, "parse.syntax");
    assert_eq!(d.start.map(|at| at.to_string()).as_deref(), Some("3:5"));
    assert_eq!(d.help.as_deref(), Some("did you mean `name`?"));
    assert!(shown.contains("config.ron:3:5"), "{shown}");
    assert!(shown.contains("nmae: HighContrast"), "{shown}");
    assert!(shown.contains("╰── here"), "{shown}");
}

#[test]
fn an_unknown_action_is_placed_with_a_suggestion() {
    let (report, _) = problems("(keys: (review: {NewFindng: [\"a\"]}))");
    let d = &report.diagnostics[0];
    assert!(d.message.contains("NewFindng"), "{}", d.message);
    assert_eq!(d.help.as_deref(), Some("did you mean `NewFinding`?"));
    assert_eq!(d.start.map(|at| at.to_string()).as_deref(), Some("1:18"));
}

#[test]
fn a_syntax_error_is_placed() {
    let (report, shown) = problems("(\n  zone: Utc\n  paper: A4,\n)\n");
    let d = &report.diagnostics[0];
    assert_eq!(d.code, "parse.syntax");
    assert_eq!(d.start.map(|at| at.line), Some(3));
    assert!(shown.contains("config.ron:3:"), "{shown}");
}

#[test]
fn bad_keys_and_colours_are_placed_at_their_text() {
    let (report, _) = problems("(\n  keys: (everywhere: {Quit: [\"Ctrl-Q\", \"Escpae\"]}),\n)");
    let d = &report.diagnostics[0];
    assert!(
        d.message.contains("did you mean \"Escape\"?"),
        "{}",
        d.message
    );
    assert_eq!(d.start.map(|at| at.line), Some(2));
    let (report, _) = problems("(theme: (focus: \"yelow\"))");
    let d = &report.diagnostics[0];
    assert!(
        d.message.contains("did you mean \"Yellow\"?"),
        "{}",
        d.message
    );
    let (report, _) = problems("(keys: (review: {Quit: [\"Ctrl-C\"]}))");
    assert!(report.diagnostics[0].message.contains("always quits"));
}

#[test]
fn an_action_where_it_does_nothing_is_reported() {
    let (report, _) = problems("(keys: (library: {SignOff: [\"s\"]}))");
    let d = &report.diagnostics[0];
    assert_eq!(d.code, "config.key-unused");
    assert!(
        d.message.contains("SignOff does nothing in the library"),
        "{}",
        d.message
    );
}

#[test]
fn an_action_twice_in_a_section_is_reported() {
    let (report, _) = problems("(keys: (review: {Flag: \"a\", Flag: \"b\"}))");
    assert!(
        report.diagnostics[0]
            .message
            .contains("Flag is given keys twice"),
        "{:?}",
        report.diagnostics
    );
}

#[test]
fn the_file_is_found_by_flag_then_variable_then_the_config_folder() {
    let flag = locate(Some(Path::new("/tmp/x.ron")));
    assert_eq!(flag.origin, Origin::Flag);
    assert_eq!(flag.path.as_deref(), Some(Path::new("/tmp/x.ron")));
    // The variable and the folder are read from the environment, which
    // tests share: tests/config_cli.rs runs the binary for them.
}

#[test]
fn a_missing_file_is_an_error_only_when_named() {
    let missing = PathBuf::from("/nonexistent/hotwash/config.ron");
    let default = Location {
        path: Some(missing.clone()),
        origin: Origin::Default,
    };
    let loaded = load(&default, 1 << 20);
    assert!(loaded.report.is_none() && !loaded.read);
    let named = Location {
        path: Some(missing),
        origin: Origin::Flag,
    };
    let report = load(&named, 1 << 20).report.expect("a report");
    assert_eq!(report.diagnostics[0].code, "config.missing");
}

#[test]
fn any_cut_or_damage_of_the_default_file_is_reported_in_place_never_a_panic() {
    let text = default_text();
    let mut inputs: Vec<String> = (0..text.len())
        .filter(|&i| text.is_char_boundary(i))
        .map(|i| text[..i].to_string())
        .collect();
    // A few characters swapped for ones that break RON.
    for (i, _) in text.char_indices().step_by(7) {
        for bad in ['"', ')', '{', ':', '[', '\\'] {
            let mut damaged = text.clone();
            let end = i + text[i..].chars().next().map_or(0, char::len_utf8);
            damaged.replace_range(i..end, &bad.to_string());
            inputs.push(damaged);
        }
    }
    for input in inputs {
        let loaded = read(&input);
        if let Some(report) = &loaded.report {
            assert_eq!(loaded.config, Config::default());
            for d in &report.diagnostics {
                if let Some(span) = &d.span {
                    assert!(span.end <= input.len(), "{d:?} past the end of {input:?}");
                }
            }
            let _ = report.render(false, 80);
        }
    }
}
