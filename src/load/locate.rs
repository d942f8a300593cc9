//! Finds where a value stands in RON text, given its path in the document
//! (`events[3].actors[1]`). serde gives no positions once parsing succeeded,
//! so semantic problems are placed by scanning the text again; this runs only
//! when there is a problem to report and costs nothing on a valid file.
//!
//! Each struct or list is scanned at most once and remembered by its start,
//! so placing many problems in one large file stays linear in its size.

use std::collections::HashMap;
use std::ops::Range;

/// One step of a path through the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Seg {
    Field(&'static str),
    Index(usize),
}

/// The deepest path a record or review needs (`events[3].sources[1].note`).
const MAX_DEPTH: usize = 8;

/// A path through the document, built fluently:
/// `DocPath::root().field("events").index(3)`. It lives on the stack, so the
/// rules can build one per value they check at no cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DocPath {
    segs: [Seg; MAX_DEPTH],
    len: usize,
}

impl Default for DocPath {
    fn default() -> Self {
        DocPath::root()
    }
}

impl DocPath {
    pub fn root() -> Self {
        DocPath {
            segs: [Seg::Index(0); MAX_DEPTH],
            len: 0,
        }
    }

    fn push(mut self, seg: Seg) -> Self {
        // Deeper paths do not occur; stay at the parent rather than fail.
        if self.len < MAX_DEPTH {
            self.segs[self.len] = seg;
            self.len += 1;
        }
        self
    }

    pub fn field(&self, name: &'static str) -> Self {
        self.push(Seg::Field(name))
    }

    pub fn index(&self, i: usize) -> Self {
        self.push(Seg::Index(i))
    }

    pub fn segments(&self) -> &[Seg] {
        &self.segs[..self.len]
    }
}

enum Node {
    Struct(Vec<(String, usize)>),
    List(Vec<usize>),
    Leaf,
}

pub struct Locator<'t> {
    text: &'t [u8],
    nodes: HashMap<usize, Node>,
}

impl<'t> Locator<'t> {
    pub fn new(text: &'t str) -> Self {
        Locator {
            text: text.as_bytes(),
            nodes: HashMap::new(),
        }
    }

    /// The byte range of the value at `path`, or of the deepest part of the
    /// path that exists (a missing optional field is placed at its parent).
    pub fn locate(&mut self, path: &DocPath) -> Option<Range<usize>> {
        let mut at = self.root_start()?;
        for seg in path.segments() {
            let node_start = self.unwrap_some(at);
            let next = match (self.node(node_start), seg) {
                (Node::Struct(fields), Seg::Field(name)) => fields
                    .iter()
                    .find(|(field, _)| field == name)
                    .map(|&(_, start)| start),
                (Node::List(items), Seg::Index(i)) => items.get(*i).copied(),
                _ => None,
            };
            match next {
                Some(n) => at = n,
                None => break,
            }
        }
        let end = self.skip_value(at)?;
        Some(at..end)
    }

    /// Where the top-level value starts, after comments and `#![enable(..)]`.
    fn root_start(&self) -> Option<usize> {
        let mut i = self.skip_trivia(0);
        while self.text.get(i..i + 2) == Some(b"#!") {
            let close = self.text[i..].iter().position(|&b| b == b']')?;
            i = self.skip_trivia(i + close + 1);
        }
        (i < self.text.len()).then_some(i)
    }

    /// Looks through an explicit `Some(..)` to the value inside.
    fn unwrap_some(&self, at: usize) -> usize {
        if self.text.get(at..at + 4) == Some(b"Some") {
            let open = self.skip_trivia(at + 4);
            if self.text.get(open) == Some(&b'(') {
                return self.skip_trivia(open + 1);
            }
        }
        at
    }

    fn node(&mut self, start: usize) -> &Node {
        if !self.nodes.contains_key(&start) {
            let node = self.scan_node(start);
            self.nodes.insert(start, node);
        }
        &self.nodes[&start]
    }

    fn scan_node(&self, start: usize) -> Node {
        let mut i = start;
        // A struct may be written with its name: `Place(name: ..)`.
        if self.text.get(i).is_some_and(|b| is_ident_start(*b)) {
            i = self.skip_trivia(self.skip_ident(i));
        }
        match self.text.get(i) {
            Some(b'(') => self.scan_struct(i + 1).map_or(Node::Leaf, Node::Struct),
            // A map's entries are found by their keys, as a struct's fields
            // by their names (`{NewFinding: ["a"]}`, `{"key": 1}`).
            Some(b'{') => self.scan_map(i + 1).map_or(Node::Leaf, Node::Struct),
            Some(b'[') => self.scan_list(i + 1).map_or(Node::Leaf, Node::List),
            _ => Node::Leaf,
        }
    }

    fn scan_struct(&self, mut i: usize) -> Option<Vec<(String, usize)>> {
        let mut fields = Vec::new();
        loop {
            i = self.skip_trivia(i);
            match self.text.get(i)? {
                b')' => return Some(fields),
                b if is_ident_start(*b) => {}
                _ => return None,
            }
            let name_end = self.skip_ident(i);
            let name = String::from_utf8_lossy(&self.text[i..name_end]).into_owned();
            i = self.skip_trivia(name_end);
            if self.text.get(i) != Some(&b':') {
                return None;
            }
            let value = self.skip_trivia(i + 1);
            fields.push((name, value));
            i = self.skip_trivia(self.skip_value(value)?);
            if self.text.get(i) == Some(&b',') {
                i += 1;
            }
        }
    }

    fn scan_map(&self, mut i: usize) -> Option<Vec<(String, usize)>> {
        let mut entries = Vec::new();
        loop {
            i = self.skip_trivia(i);
            if *self.text.get(i)? == b'}' {
                return Some(entries);
            }
            let key_end = self.skip_value(i)?;
            let key = &self.text[i..key_end];
            let key = key
                .strip_prefix(b"\"")
                .and_then(|k| k.strip_suffix(b"\""))
                .unwrap_or(key);
            let name = String::from_utf8_lossy(key).into_owned();
            i = self.skip_trivia(key_end);
            if self.text.get(i) != Some(&b':') {
                return None;
            }
            let value = self.skip_trivia(i + 1);
            entries.push((name, value));
            i = self.skip_trivia(self.skip_value(value)?);
            if self.text.get(i) == Some(&b',') {
                i += 1;
            }
        }
    }

    fn scan_list(&self, mut i: usize) -> Option<Vec<usize>> {
        let mut items = Vec::new();
        loop {
            i = self.skip_trivia(i);
            if *self.text.get(i)? == b']' {
                return Some(items);
            }
            items.push(i);
            i = self.skip_trivia(self.skip_value(i)?);
            if self.text.get(i) == Some(&b',') {
                i += 1;
            }
        }
    }

    /// The end of the value starting at `i`.
    fn skip_value(&self, i: usize) -> Option<usize> {
        let t = self.text;
        match *t.get(i)? {
            b'"' => self.skip_string(i),
            b'\'' => self.skip_char(i),
            b'(' | b'[' | b'{' => self.skip_group(i),
            b'r' if matches!(t.get(i + 1), Some(b'"' | b'#')) => self.skip_raw_string(i),
            b'b' if t.get(i + 1) == Some(&b'"') => self.skip_string(i + 1),
            b if is_ident_start(b) => {
                let end = self.skip_ident(i);
                let after = self.skip_trivia(end);
                if t.get(after) == Some(&b'(') {
                    self.skip_group(after)
                } else {
                    Some(end)
                }
            }
            _ => {
                let len = t[i..]
                    .iter()
                    .position(|&b| {
                        matches!(b, b',' | b')' | b']' | b'}') || b.is_ascii_whitespace()
                    })
                    .unwrap_or(t.len() - i);
                Some(i + len.max(1))
            }
        }
    }

    fn skip_group(&self, open: usize) -> Option<usize> {
        let t = self.text;
        let mut depth = 0usize;
        let mut i = open;
        while i < t.len() {
            match t[i] {
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        return Some(i + 1);
                    }
                }
                b'"' => {
                    i = self.skip_string(i)?;
                    continue;
                }
                b'\'' => {
                    i = self.skip_char(i)?;
                    continue;
                }
                b'r' if matches!(t.get(i + 1), Some(b'"' | b'#'))
                    && (i == 0 || !is_ident_char(t[i - 1])) =>
                {
                    i = self.skip_raw_string(i)?;
                    continue;
                }
                b'/' if matches!(t.get(i + 1), Some(b'/' | b'*')) => {
                    i = self.skip_trivia(i);
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
        None
    }

    fn skip_string(&self, open: usize) -> Option<usize> {
        let t = self.text;
        let mut i = open + 1;
        while i < t.len() {
            match t[i] {
                b'\\' => i += 2,
                b'"' => return Some(i + 1),
                _ => i += 1,
            }
        }
        None
    }

    fn skip_raw_string(&self, r: usize) -> Option<usize> {
        let t = self.text;
        let hashes = t[r + 1..].iter().take_while(|&&b| b == b'#').count();
        let open = r + 1 + hashes;
        if t.get(open) != Some(&b'"') {
            return Some(open);
        }
        let mut i = open + 1;
        while i < t.len() {
            if t[i] == b'"'
                && t[i + 1..]
                    .iter()
                    .take(hashes)
                    .filter(|&&b| b == b'#')
                    .count()
                    == hashes
            {
                return Some(i + 1 + hashes);
            }
            i += 1;
        }
        None
    }

    fn skip_char(&self, open: usize) -> Option<usize> {
        let t = self.text;
        let mut i = open + 1;
        while i < t.len() {
            match t[i] {
                b'\\' => i += 2,
                b'\'' => return Some(i + 1),
                _ => i += 1,
            }
        }
        None
    }

    fn skip_ident(&self, i: usize) -> usize {
        i + self.text[i..]
            .iter()
            .take_while(|&&b| is_ident_char(b))
            .count()
    }

    /// Skips white space and comments (`//` and nested `/* */`).
    fn skip_trivia(&self, mut i: usize) -> usize {
        let t = self.text;
        loop {
            while i < t.len() && t[i].is_ascii_whitespace() {
                i += 1;
            }
            match (t.get(i), t.get(i + 1)) {
                (Some(b'/'), Some(b'/')) => {
                    i += t[i..]
                        .iter()
                        .position(|&b| b == b'\n')
                        .unwrap_or(t.len() - i);
                }
                (Some(b'/'), Some(b'*')) => {
                    let mut depth = 0usize;
                    while i < t.len() {
                        if t[i..].starts_with(b"/*") {
                            depth += 1;
                            i += 2;
                        } else if t[i..].starts_with(b"*/") {
                            depth -= 1;
                            i += 2;
                            if depth == 0 {
                                break;
                            }
                        } else {
                            i += 1;
                        }
                    }
                }
                _ => return i,
            }
        }
    }
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r##"#![enable(implicit_some)]
// a comment with "quotes" and (parens
(
    schema: 1,
    id: "x",
    /* nested /* block */ comment ) */
    events: [
        (id: "E1", actors: ["a", "b"], note: r#"raw ) " string"#),
        Event(id: "E2", place: Some((name: "Berlin")), actors: ['c']),
    ],
)
"##;

    fn at(path: &DocPath) -> &'static str {
        let mut loc = Locator::new(DOC);
        let range = loc.locate(path).expect("located");
        &DOC[range]
    }

    #[test]
    fn finds_fields_and_list_items() {
        let events = DocPath::root().field("events");
        assert_eq!(at(&DocPath::root().field("id")), "\"x\"");
        assert_eq!(at(&events.index(0).field("id")), "\"E1\"");
        assert_eq!(at(&events.index(0).field("actors").index(1)), "\"b\"");
        assert_eq!(at(&events.index(1).field("id")), "\"E2\"");
        assert_eq!(
            at(&events.index(1).field("place").field("name")),
            "\"Berlin\""
        );
        assert_eq!(at(&events.index(1).field("actors").index(0)), "'c'");
    }

    #[test]
    fn finds_map_entries_by_their_keys() {
        let doc = "(keys: (review: {\n  Flag: [\"a\", \"b\"], // note\n  \"Link\": \"l\",\n}))";
        let mut loc = Locator::new(doc);
        let review = DocPath::root().field("keys").field("review");
        let got = |loc: &mut Locator, path: DocPath| loc.locate(&path).map(|r| &doc[r]);
        assert_eq!(got(&mut loc, review.field("Flag").index(1)), Some("\"b\""));
        assert_eq!(got(&mut loc, review.field("Link")), Some("\"l\""));
    }

    #[test]
    fn a_missing_step_points_at_the_deepest_existing_value() {
        let place = at(&DocPath::root().field("events").index(0).field("place"));
        assert!(place.starts_with("(id: \"E1\""), "{place}");
    }

    #[test]
    fn unbalanced_text_gives_no_position_instead_of_panicking() {
        let mut loc = Locator::new("(events: [(id: \"E1\", ");
        let got = loc.locate(&DocPath::root().field("events").index(0).field("id"));
        assert_eq!(got, None);
        let mut empty = Locator::new("");
        assert_eq!(empty.locate(&DocPath::root()), None);
    }
}
