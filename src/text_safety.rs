//! Text on its way to a terminal. Records come from outside: a title holding
//! `ESC ] 52 ; c ; … BEL` sets the clipboard of the terminal that prints it,
//! `ESC ] 0 ; … BEL` its title, a right-to-left override reorders what the
//! reader sees. Every text from a record, a review or a file name passes
//! through [`for_terminal`] before it is written to a terminal (the command
//! line and the TUI alike), which shows such characters as visible escapes
//! (`\u{1b}`). Machine formats (JSON, the exports) keep the exact text.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::ops::Range;

/// Whether `c` must never reach a terminal as it is: C0 controls (newline
/// and tab included: callers say where they are wanted), DEL, C1 controls,
/// and the bidirectional controls that reorder text (embeddings, overrides,
/// isolates and the implicit marks).
pub fn is_unsafe(c: char) -> bool {
    matches!(
        c,
        '\0'..='\x1f'
            | '\x7f'..='\u{9f}'
            | '\u{61c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
    )
}

/// Whether `c` is one of the bidirectional controls.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}

/// Which layout characters a text may keep because its destination gives
/// them their meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// One line: newlines and tabs are escaped too.
    Nothing,
    /// Lines of text: newlines stay, tabs are escaped.
    LineBreaks,
    /// Source code whose renderer expands tabs itself (miette's snippets).
    LineBreaksAndTabs,
}

impl Keep {
    fn keeps(self, c: char) -> bool {
        match self {
            Keep::Nothing => false,
            Keep::LineBreaks => c == '\n',
            Keep::LineBreaksAndTabs => c == '\n' || c == '\t',
        }
    }
}

/// Bytes that may start an unsafe character in UTF-8: ASCII controls, DEL,
/// and the lead bytes of U+0080–U+009F (C2), U+061C (D8) and U+200E–U+2069
/// (E2). Scanning bytes against this table keeps the common case, text with
/// nothing to escape, a fast pass without decoding.
const MAY_START: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    table[0x7f] = true;
    table[0xc2] = true;
    table[0xd8] = true;
    table[0xe2] = true;
    table
};

/// The byte offset of the first character of `text` that `keep` does not
/// allow, if any.
pub fn first_unsafe(text: &str, keep: Keep) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(k) = bytes[i..].iter().position(|&b| MAY_START[usize::from(b)]) {
        let at = i + k;
        // `at` is a lead byte or an ASCII byte, so a character starts there.
        let c = text[at..].chars().next()?;
        if is_unsafe(c) && !keep.keeps(c) {
            return Some(at);
        }
        i = at + c.len_utf8();
    }
    None
}

/// `text` with every character that [`is_unsafe`] and `keep` does not allow
/// replaced by a visible escape. Borrowed when there is nothing to escape.
/// This is the one function through which record text reaches a terminal.
pub fn for_terminal(text: &str, keep: Keep) -> Cow<'_, str> {
    for_terminal_mapped(text, keep, |_, _| {})
}

/// [`for_terminal`], telling `escaped` where each replaced character stood
/// in `text` and where its escape stands in the result, in order: for
/// callers that must move offsets (a caret under a snippet).
pub fn for_terminal_mapped(
    text: &str,
    keep: Keep,
    mut escaped: impl FnMut(Range<usize>, Range<usize>),
) -> Cow<'_, str> {
    let Some(first) = first_unsafe(text, keep) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 8);
    out.push_str(&text[..first]);
    for (i, c) in text[first..].char_indices() {
        if is_unsafe(c) && !keep.keeps(c) {
            let at = out.len();
            push_escape(c, &mut out);
            let i = first + i;
            escaped(i..i + c.len_utf8(), at..out.len());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// One line of text for a terminal: [`for_terminal`] with nothing kept.
pub fn one_line(text: &str) -> Cow<'_, str> {
    for_terminal(text, Keep::Nothing)
}

/// Appends the visible escape of `c`: `\n`, `\t`, `\r`, else `\u{hex}`.
/// Escapes are plain ASCII, one column per byte.
fn push_escape(c: char, out: &mut String) {
    match c {
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        c => {
            // Writing into a String cannot fail.
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
    }
}

/// A short name for an unsafe character, for messages: `U+001B (escape)`.
pub fn describe(c: char) -> String {
    let name = match c {
        '\0' => "null",
        '\x07' => "bell",
        '\x08' => "backspace",
        '\t' => "tab",
        '\n' => "line break",
        '\r' => "carriage return",
        '\x1b' => "escape",
        '\x7f' => "delete",
        '\u{9b}' => "control sequence introducer",
        '\u{9d}' => "operating system command",
        '\u{61c}' => "Arabic letter mark",
        '\u{200e}' => "left-to-right mark",
        '\u{200f}' => "right-to-left mark",
        '\u{202a}' => "left-to-right embedding",
        '\u{202b}' => "right-to-left embedding",
        '\u{202c}' => "pop directional formatting",
        '\u{202d}' => "left-to-right override",
        '\u{202e}' => "right-to-left override",
        '\u{2066}' => "left-to-right isolate",
        '\u{2067}' => "right-to-left isolate",
        '\u{2068}' => "first strong isolate",
        '\u{2069}' => "pop directional isolate",
        c if is_bidi_control(c) => "bidirectional control",
        _ => "control character",
    };
    format!("U+{:04X} ({name})", u32::from(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed() {
        let text = "Webex call — Singapore 新加坡 ✓";
        assert!(matches!(one_line(text), Cow::Borrowed(t) if t == text));
    }

    #[test]
    fn escapes_osc_sequences_c1_del_and_bidi() {
        let text = "a\x1b]52;c;aGk=\x07b\u{9b}31m\x7f\u{202e}cba\u{2066}\u{200f}\u{61c}";
        let shown = one_line(text);
        assert_eq!(
            shown,
            "a\\u{1b}]52;c;aGk=\\u{7}b\\u{9b}31m\\u{7f}\\u{202e}cba\\u{2066}\\u{200f}\\u{61c}"
        );
        assert!(!shown.chars().any(is_unsafe), "{shown}");
    }

    #[test]
    fn keeps_only_what_the_destination_lays_out() {
        let text = "one\ttwo\nthree\rfour";
        assert_eq!(one_line(text), "one\\ttwo\\nthree\\rfour");
        assert_eq!(
            for_terminal(text, Keep::LineBreaks),
            "one\\ttwo\nthree\\rfour"
        );
        assert_eq!(
            for_terminal(text, Keep::LineBreaksAndTabs),
            "one\ttwo\nthree\\rfour"
        );
    }

    #[test]
    fn every_unsafe_character_is_caught_by_the_byte_scan() {
        // The fast scan must not skip a character the rule names.
        for c in (0u32..0x3000).filter_map(char::from_u32) {
            let text = format!("x{c}y");
            assert_eq!(
                first_unsafe(&text, Keep::Nothing).is_some(),
                is_unsafe(c),
                "U+{:04X}",
                u32::from(c)
            );
        }
    }

    #[test]
    fn reports_where_each_escape_went() {
        let text = "é\x1bx\u{202e}";
        let mut seen = Vec::new();
        let shown = for_terminal_mapped(text, Keep::Nothing, |from, to| seen.push((from, to)));
        assert_eq!(shown, "é\\u{1b}x\\u{202e}");
        assert_eq!(seen, vec![(2..3, 2..8), (4..7, 9..17)]);
    }

    #[test]
    fn describes_characters_for_messages() {
        assert_eq!(describe('\x1b'), "U+001B (escape)");
        assert_eq!(describe('\u{202e}'), "U+202E (right-to-left override)");
        assert_eq!(describe('\u{85}'), "U+0085 (control character)");
    }
}
