//! Keys as people write them: `q`, `G`, `?`, `Space`, `Enter`, `PgDn`,
//! `Ctrl-D`, `Alt-x`, `F5`. The help overlay and the status bar show a key
//! as [`Key::label`] writes it, and the configuration reads the same words
//! back with [`Key::parse`].

use std::fmt;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A key with the modifiers that must be held with it. Shift is never one:
/// it is in the character itself (`G`, `?`), or the key is Shift-Tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

/// Named keys: what `parse` reads (any case) and the first is what
/// `label` writes.
const NAMED: &[(KeyCode, &[&str])] = &[
    (KeyCode::Esc, &["Esc", "Escape"]),
    (KeyCode::Enter, &["Enter", "Return"]),
    (KeyCode::Tab, &["Tab"]),
    (KeyCode::BackTab, &["Shift-Tab", "BackTab"]),
    (KeyCode::Char(' '), &["Space"]),
    (KeyCode::Backspace, &["Backspace"]),
    (KeyCode::Delete, &["Delete", "Del"]),
    (KeyCode::Insert, &["Insert", "Ins"]),
    (KeyCode::Home, &["Home"]),
    (KeyCode::End, &["End"]),
    (KeyCode::PageUp, &["PgUp", "PageUp"]),
    (KeyCode::PageDown, &["PgDn", "PageDown"]),
    (KeyCode::Up, &["↑", "Up"]),
    (KeyCode::Down, &["↓", "Down"]),
    (KeyCode::Left, &["←", "Left"]),
    (KeyCode::Right, &["→", "Right"]),
];

/// Why a key's name could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyError {
    pub message: String,
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for KeyError {}

fn error(message: impl Into<String>) -> KeyError {
    KeyError {
        message: message.into(),
    }
}

impl Key {
    pub const fn new(code: KeyCode) -> Self {
        Key {
            code,
            modifiers: KeyModifiers::NONE,
        }
    }

    pub const fn ctrl(c: char) -> Self {
        Key {
            code: KeyCode::Char(c),
            modifiers: KeyModifiers::CONTROL,
        }
    }

    /// Whether a key press is this key.
    pub fn matches(&self, event: &KeyEvent) -> bool {
        // Shift is implied by the character itself ('G', '?') and by
        // BackTab, so it is not compared.
        let mods = event.modifiers - KeyModifiers::SHIFT;
        let code = match (event.code, mods.contains(KeyModifiers::CONTROL)) {
            // Terminals send Ctrl-D as 'd' with Control; some as 'D'.
            (KeyCode::Char(c), true) => KeyCode::Char(c.to_ascii_lowercase()),
            (code, _) => code,
        };
        code == self.code && mods == self.modifiers
    }

    /// How the help and the status bar write the key, and the
    /// configuration reads it: `q`, `Space`, `Ctrl-D`, `PgDn`.
    pub fn label(&self) -> String {
        let mut out = String::new();
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            out.push_str("Ctrl-");
        }
        if self.modifiers.contains(KeyModifiers::ALT) {
            out.push_str("Alt-");
        }
        match self.code {
            // Ctrl-d is written as people say it, Ctrl-D.
            KeyCode::Char(c)
                if c.is_ascii_alphabetic() && self.modifiers.contains(KeyModifiers::CONTROL) =>
            {
                out.push(c.to_ascii_uppercase())
            }
            KeyCode::F(n) => out.push_str(&format!("F{n}")),
            code => match NAMED.iter().find(|(c, _)| *c == code) {
                Some((_, names)) => out.push_str(names[0]),
                None => match code {
                    KeyCode::Char(c) => out.push(c),
                    other => out.push_str(&format!("{other:?}")),
                },
            },
        }
        out
    }

    /// Reads a key as the configuration writes it. A single character is
    /// itself (`G` is Shift and g); `Ctrl-` and `Alt-` may come before a
    /// key; names of keys are read in any case.
    pub fn parse(text: &str) -> Result<Key, KeyError> {
        let mut rest = text;
        let mut modifiers = KeyModifiers::NONE;
        while let Some((prefix, after)) = rest.split_once('-') {
            // `-` itself, and `Ctrl--`.
            if after.is_empty() {
                break;
            }
            let flag = match prefix.to_ascii_lowercase().as_str() {
                "ctrl" | "control" => KeyModifiers::CONTROL,
                "alt" | "meta" => KeyModifiers::ALT,
                "shift" => {
                    if after.eq_ignore_ascii_case("tab") {
                        break;
                    }
                    return Err(error(format!(
                        "{text:?}: Shift is written in the key itself: `G` rather than \
                         `Shift-g`, `?` rather than `Shift-/`; Shift-Tab is a key of its own"
                    )));
                }
                _ => break,
            };
            modifiers |= flag;
            rest = after;
        }
        let code = parse_code(rest).ok_or_else(|| {
            let help = nearest_name(rest)
                .map(|n| format!("; did you mean {n:?}?"))
                .unwrap_or_else(|| {
                    "; keys are single characters (`q`, `G`, `?`) or names such as Space, \
                     Enter, Esc, Tab, PgUp, F5, with Ctrl- or Alt- before them"
                        .to_string()
                });
            error(format!("{text:?} is not a key{help}"))
        })?;
        let code = match code {
            // Terminals cannot tell Ctrl-d from Ctrl-D.
            KeyCode::Char(c) if modifiers.contains(KeyModifiers::CONTROL) => {
                KeyCode::Char(c.to_ascii_lowercase())
            }
            code => code,
        };
        let key = Key { code, modifiers };
        if key == Key::ctrl('c') {
            return Err(error("Ctrl-C always quits hotwash; it cannot be bound"));
        }
        if let KeyCode::Char(c) = code
            && (c.is_control() || crate::text_safety::one_line(&c.to_string()) != c.to_string())
        {
            return Err(error(format!("{text:?} is not a key one can press")));
        }
        Ok(key)
    }
}

fn parse_code(name: &str) -> Option<KeyCode> {
    // Names first: `↑` is the Up key, not a character to type.
    if let Some((code, _)) = NAMED
        .iter()
        .find(|(_, names)| names.iter().any(|n| n.eq_ignore_ascii_case(name)))
    {
        return Some(*code);
    }
    let mut chars = name.chars();
    if let (Some(c), None) = (chars.next(), chars.clone().next()) {
        return Some(KeyCode::Char(c));
    }
    if let Some(n) = name
        .strip_prefix(['F', 'f'])
        .and_then(|n| n.parse::<u8>().ok())
        .filter(|n| (1..=24).contains(n))
    {
        return Some(KeyCode::F(n));
    }
    None
}

/// The key name closest to a misspelt one (`Escpae`), if one is close.
fn nearest_name(name: &str) -> Option<&'static str> {
    let lower = name.to_lowercase();
    NAMED
        .iter()
        .flat_map(|(_, names)| names.iter().copied())
        .map(|n| (strsim::levenshtein(&n.to_lowercase(), &lower), n))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, n)| n)
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Key {
        Key::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn labels_read_back_as_the_same_key() {
        let keys = [
            Key::new(KeyCode::Char('q')),
            Key::new(KeyCode::Char('G')),
            Key::new(KeyCode::Char('?')),
            Key::new(KeyCode::Char('-')),
            Key::new(KeyCode::Char(' ')),
            Key::new(KeyCode::Up),
            Key::new(KeyCode::PageDown),
            Key::new(KeyCode::BackTab),
            Key::new(KeyCode::F(5)),
            Key::ctrl('d'),
            Key::ctrl('-'),
            Key {
                code: KeyCode::Char('x'),
                modifiers: KeyModifiers::ALT,
            },
        ];
        for key in keys {
            assert_eq!(parse(&key.label()), key, "{}", key.label());
        }
        assert_eq!(Key::ctrl('d').label(), "Ctrl-D");
        assert_eq!(Key::new(KeyCode::Char(' ')).label(), "Space");
    }

    #[test]
    fn names_are_read_in_any_case_and_ctrl_letters_in_either() {
        assert_eq!(parse("escape"), Key::new(KeyCode::Esc));
        assert_eq!(parse("PAGEDOWN"), Key::new(KeyCode::PageDown));
        assert_eq!(parse("Down"), Key::new(KeyCode::Down));
        assert_eq!(parse("ctrl-D"), Key::ctrl('d'));
        assert_eq!(parse("Ctrl-d"), Key::ctrl('d'));
        assert_eq!(parse("Shift-Tab"), Key::new(KeyCode::BackTab));
    }

    #[test]
    fn bad_keys_say_why() {
        let e = |s: &str| Key::parse(s).expect_err(s).message;
        assert!(
            e("Escpae").contains("did you mean \"Escape\"?"),
            "{}",
            e("Escpae")
        );
        assert!(e("Ctrl-c").contains("always quits"));
        assert!(e("Shift-g").contains("`G` rather than"));
        assert!(e("jj").contains("not a key"));
        assert!(e("\u{7}").contains("not a key one can press"));
        assert!(e("").contains("not a key"));
    }

    #[test]
    fn ctrl_letters_match_whatever_case_the_terminal_sends() {
        let key = Key::ctrl('d');
        for c in ['d', 'D'] {
            let event = KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
            assert!(key.matches(&event), "{c}");
        }
        let shifted_g = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert!(Key::new(KeyCode::Char('G')).matches(&shifted_g));
        assert!(!Key::new(KeyCode::Char('g')).matches(&shifted_g));
    }
}
