//! A semantic diff of two reviews, or of two records: items matched by
//! their ids (findings, recommendations, events, sources...), marks by
//! their event, and every field compared on its own, so that a changed
//! severity reads "F01 severity: High → Critical" instead of a line of
//! RON. Also one file as lines that name what they hold
//! (`finding F01 severity: High`), which is what git's textconv diffs.
//!
//! The documents are compared as the JSON serde makes of them: the same
//! names as the files, and one generic walk for records and reviews.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::model::{Record, Review};
use crate::review::{RecordHasher, SignOffState, signoff_state};
use crate::text_safety;

/// A file to compare: a review or a record.
#[derive(Debug, Clone)]
pub enum Document {
    Review(Box<Review>),
    Record(Box<Record>),
    /// No file: the side of a file git added or deleted (`/dev/null`).
    Absent,
}

impl Document {
    /// `review`, `record`, or `None` for an absent file.
    pub fn kind(&self) -> Option<&'static str> {
        match self {
            Document::Review(_) => Some("review"),
            Document::Record(_) => Some("record"),
            Document::Absent => None,
        }
    }

    fn json(&self) -> Value {
        // Plain data structs always serialise.
        let mut value = match self {
            Document::Review(r) => serde_json::to_value(r),
            Document::Record(r) => serde_json::to_value(r),
            Document::Absent => Ok(Value::Object(Map::new())),
        }
        .unwrap_or(Value::Null);
        if let Document::Review(_) = self {
            with_mark_defaults(&mut value);
        }
        value
    }
}

/// A mark's file leaves out what is at its default; spelled out, "not
/// reviewed → reviewed" reads as such instead of "(none) → true".
fn with_mark_defaults(review: &mut Value) {
    let Some(marks) = review.get_mut("marks").and_then(Value::as_array_mut) else {
        return;
    };
    for mark in marks.iter_mut().filter_map(Value::as_object_mut) {
        for (field, default) in [
            ("reviewed", Value::Bool(false)),
            ("flagged", Value::Bool(false)),
            ("included", Value::Bool(true)),
        ] {
            mark.entry(field).or_insert(default);
        }
    }
}

/// Where a review's sign-off stands, as far as can be told: whether it
/// still seals the content needs the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignOffView {
    /// `not-signed`, `signed` (the record was not at hand to check it),
    /// `current` or `stale`.
    pub state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reviewer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
}

impl SignOffView {
    pub fn of(review: &Review, hasher: Option<&RecordHasher>) -> Self {
        let Some(s) = &review.signoff else {
            return SignOffView {
                state: "not-signed",
                reviewer: None,
                at: None,
            };
        };
        let state = match hasher.map(|h| signoff_state(h, review)) {
            Some(SignOffState::Current(_)) => "current",
            Some(SignOffState::Stale(_)) => "stale",
            Some(SignOffState::NotSigned) | None => "signed",
        };
        SignOffView {
            state,
            reviewer: Some(s.reviewer.clone()),
            at: Some(s.at.format("%Y-%m-%d %H:%M:%S UTC").to_string()),
        }
    }

    fn describe(&self) -> String {
        let who = || {
            format!(
                "{} at {}",
                self.reviewer.as_deref().unwrap_or(""),
                self.at.as_deref().unwrap_or("")
            )
        };
        match self.state {
            "not-signed" => "not signed off".to_string(),
            "current" => format!("signed off by {} (current)", who()),
            "stale" => format!(
                "signed off by {} (stale: the record or the review changed since)",
                who()
            ),
            _ => format!("signed off by {}", who()),
        }
    }
}

/// What happened to an item or a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum How {
    Added,
    Removed,
    Changed,
}

/// One difference.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// The list the item is in (`findings`, `events`); absent for a field
    /// of the file itself (`title`, `signoff`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list: Option<String>,
    /// The item's id (`F03`; a mark's event; a conflict's item and field).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub change: How,
    /// The field that changed, as a path inside the item (`severity`,
    /// `place.name`, `sources[bbc].credibility`); absent when a whole item
    /// was added or removed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
}

/// The differences between two documents of one kind.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    pub format: &'static str,
    pub kind: &'static str,
    pub changes: Vec<Change>,
    /// For reviews: the sign-off before and after.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signoff: Option<SignOffs>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SignOffs {
    pub old: SignOffView,
    pub new: SignOffView,
}

/// The format name of the JSON diff.
pub const FORMAT: &str = "hotwash-diff/1";

/// The lists whose items are matched by a key rather than by position.
fn key_of(list: &str, item: &Map<String, Value>) -> Option<String> {
    let field = |name: &str| item.get(name).and_then(Value::as_str).map(str::to_string);
    match list {
        "marks" => field("event"),
        // One decision per event and control.
        "decisions" => Some(format!(
            "{} {}",
            field("event").unwrap_or_default(),
            field("control").unwrap_or_default()
        )),
        "candidates" => field("control"),
        "conflicts" => {
            let what = item.get("item").map(compact).unwrap_or_default();
            let field = item.get("field").map(compact).unwrap_or_default();
            Some(format!("{what} {field}"))
        }
        "dropped_signoffs" => Some(format!(
            "{} at {}",
            field("reviewer").unwrap_or_default(),
            field("at").unwrap_or_default()
        )),
        // Inside events and claims: citations by source, links by control.
        "sources" => field("id").or_else(|| field("source")),
        "controls" => field("id").or_else(|| field("control")),
        _ => field("id"),
    }
}

/// Items of `list` by key, in order, if every item has a distinct key.
fn keyed<'v>(list: &str, items: &'v [Value]) -> Option<Vec<(String, &'v Value)>> {
    let mut out = Vec::with_capacity(items.len());
    let mut seen = std::collections::HashSet::new();
    for item in items {
        let key = key_of(list, item.as_object()?)?;
        if !seen.insert(key.clone()) {
            return None;
        }
        out.push((key, item));
    }
    Some(out)
}

/// Compares two documents of the same kind. The hashers (when the
/// record each was made against is at hand) tell a current sign-off from
/// a stale one.
pub fn diff(
    old: &Document,
    new: &Document,
    hashers: (Option<&RecordHasher>, Option<&RecordHasher>),
) -> Diff {
    let (a, b) = (old.json(), new.json());
    let mut changes = Vec::new();
    let empty = Map::new();
    let (a, b) = (
        a.as_object().unwrap_or(&empty),
        b.as_object().unwrap_or(&empty),
    );
    for name in field_names(a, b) {
        let (x, y) = (a.get(&name), b.get(&name));
        if x == y {
            continue;
        }
        fn list(v: Option<&Value>) -> Option<&[Value]> {
            match v {
                None => Some(&[]),
                Some(v) => v.as_array().map(Vec::as_slice),
            }
        }
        if let (Some(xs), Some(ys)) = (list(x), list(y))
            && xs.iter().chain(ys).all(Value::is_object)
            && let (Some(xs), Some(ys)) = (keyed(&name, xs), keyed(&name, ys))
        {
            diff_items(&name, &xs, &ys, &mut changes);
            continue;
        }
        let mut fields = Vec::new();
        diff_value(&name, x, y, &mut fields);
        changes.extend(fields.into_iter().map(|(field, old, new)| Change {
            list: None,
            id: None,
            change: How::Changed,
            field: Some(field),
            old,
            new,
        }));
    }
    let view = |doc: &Document, hasher| match doc {
        Document::Review(r) => SignOffView::of(r, hasher),
        _ => SignOffView::of(&Review::default(), None),
    };
    let reviews = matches!(old, Document::Review(_)) || matches!(new, Document::Review(_));
    let signoff = reviews.then(|| SignOffs {
        old: view(old, hashers.0),
        new: view(new, hashers.1),
    });
    Diff {
        format: FORMAT,
        kind: new.kind().or(old.kind()).unwrap_or("review"),
        changes,
        signoff,
    }
}

/// The field names of either object, in the order of the new one.
fn field_names(a: &Map<String, Value>, b: &Map<String, Value>) -> Vec<String> {
    let mut names: Vec<String> = b.keys().cloned().collect();
    for k in a.keys() {
        if !b.contains_key(k) {
            names.push(k.clone());
        }
    }
    // serde_json's maps are sorted; put them back in the files' order.
    names.sort_by_key(|n| order(n));
    names
}

/// Where a field stands in a record or review file, so that the diff
/// follows the file from top to bottom.
fn order(name: &str) -> usize {
    const FILE_ORDER: &[&str] = &[
        "schema",
        "id",
        "record",
        "title",
        "summary",
        "classification",
        "portion",
        "tlp",
        "actors",
        "sources",
        "controls",
        "events",
        "claims",
        "findings",
        "recommendations",
        "marks",
        "decisions",
        "signoff",
        "conflicts",
        "dropped_signoffs",
    ];
    FILE_ORDER
        .iter()
        .position(|n| *n == name)
        .unwrap_or(FILE_ORDER.len())
}

/// Where a field stands inside an item of a record or review (serde's
/// maps are sorted by name): one order that agrees with every struct.
fn item_order(name: &str) -> usize {
    const ITEM_ORDER: &[&str] = &[
        "id",
        "event",
        "item",
        "field",
        "catalogue",
        "scheme",
        "level",
        "at",
        "fidelity",
        "end",
        "known",
        "place",
        "name",
        "zone",
        "side",
        "role",
        "title",
        "publisher",
        "date",
        "url",
        "reliability",
        "expects",
        "narrative",
        "statement",
        "kind",
        "severity",
        "likelihood",
        "confidence",
        "finding",
        "action",
        "owner",
        "due",
        "status",
        "reviewed",
        "flagged",
        "included",
        "actors",
        "events",
        "sources",
        "controls",
        "conflicts_with",
        "source",
        "credibility",
        "control",
        "effect",
        "note",
        "portion",
        "base",
        "ours",
        "theirs",
        "reviewer",
        "hash",
    ];
    ITEM_ORDER
        .iter()
        .position(|n| *n == name)
        .unwrap_or(ITEM_ORDER.len())
}

fn diff_items(
    list: &str,
    old: &[(String, &Value)],
    new: &[(String, &Value)],
    out: &mut Vec<Change>,
) {
    let old_at: std::collections::HashMap<&str, &Value> =
        old.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let new_at: std::collections::HashMap<&str, &Value> =
        new.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let item = |key: &str, change, field, old: Option<&Value>, new: Option<&Value>| Change {
        list: Some(list.to_string()),
        id: Some(key.to_string()),
        change,
        field,
        old: old.cloned(),
        new: new.cloned(),
    };
    for (key, n) in new {
        match old_at.get(key.as_str()) {
            None => out.push(item(key, How::Added, None, None, Some(n))),
            Some(o) if o == n => {}
            Some(o) => {
                let mut fields = Vec::new();
                diff_fields(o, n, "", &mut fields);
                for (field, x, y) in fields {
                    out.push(Change {
                        field: Some(field),
                        old: x,
                        new: y,
                        ..item(key, How::Changed, None, None, None)
                    });
                }
            }
        }
    }
    for (key, o) in old {
        if !new_at.contains_key(key.as_str()) {
            out.push(item(key, How::Removed, None, Some(o), None));
        }
    }
}

type FieldChange = (String, Option<Value>, Option<Value>);

/// The changed fields of two objects, with `prefix` before their names.
fn diff_fields(old: &Value, new: &Value, prefix: &str, out: &mut Vec<FieldChange>) {
    let empty = Map::new();
    let (a, b) = (
        old.as_object().unwrap_or(&empty),
        new.as_object().unwrap_or(&empty),
    );
    let mut names: Vec<&String> = a.keys().collect();
    names.extend(b.keys().filter(|k| !a.contains_key(*k)));
    names.sort_by_key(|n| item_order(n));
    for name in names {
        diff_value(&format!("{prefix}{name}"), a.get(name), b.get(name), out);
    }
}

/// One field compared: objects field by field, keyed lists item by item,
/// anything else whole. A list left out of the file is an empty one.
fn diff_value(path: &str, old: Option<&Value>, new: Option<&Value>, out: &mut Vec<FieldChange>) {
    let list_or_empty = |v: Option<&Value>, other: Option<&Value>| match (v, other) {
        (None, Some(Value::Array(_))) => Some(Value::Array(Vec::new())),
        (v, _) => v.cloned(),
    };
    let (old, new) = (list_or_empty(old, new), list_or_empty(new, old));
    if old == new {
        return;
    }
    match (&old, &new) {
        (Some(Value::Object(_)), Some(Value::Object(_))) => {
            if let (Some(o), Some(n)) = (&old, &new) {
                diff_fields(o, n, &format!("{path}."), out);
            }
        }
        (Some(Value::Array(xs)), Some(Value::Array(ys))) => {
            let name = path.rsplit('.').next().unwrap_or(path);
            let both = (keyed(name, xs), keyed(name, ys));
            if let (Some(xs), Some(ys)) = both
                && xs.iter().chain(&ys).all(|(_, v)| v.is_object())
                && !(xs.is_empty() && ys.is_empty())
            {
                for (key, y) in &ys {
                    let x = xs.iter().find(|(k, _)| k == key).map(|(_, v)| *v);
                    match x {
                        Some(x) => diff_fields(x, y, &format!("{path}[{key}]."), out),
                        None => out.push((format!("{path}[{key}]"), None, Some((*y).clone()))),
                    }
                }
                for (key, x) in &xs {
                    if !ys.iter().any(|(k, _)| k == key) {
                        out.push((format!("{path}[{key}]"), Some((*x).clone()), None));
                    }
                }
            } else {
                out.push((path.to_string(), old, new));
            }
        }
        _ => out.push((path.to_string(), old, new)),
    }
}

/// A value on one line: text as it is, lists joined, objects as
/// `field: value` pairs. Not yet made safe for a terminal.
fn compact(value: &Value) -> String {
    match value {
        Value::Null => "(none)".to_string(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => items.iter().map(compact).collect::<Vec<_>>().join(", "),
        Value::Object(map) if map.len() == 1 => {
            // An enum with a value, as RON writes it: `Finding("F03")`.
            map.iter()
                .map(|(k, v)| format!("{k} {}", compact(v)))
                .collect::<Vec<_>>()
                .join("")
        }
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| format!("{k}: {}", compact(v)))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// A value for the terminal: [`compact`], with control and bidirectional
/// characters escaped (line breaks too: the caller splits lines first).
fn shown(value: Option<&Value>) -> String {
    let text = value.map_or_else(|| "(none)".to_string(), compact);
    text_safety::one_line(&text).into_owned()
}

/// Texts this long, or holding a line break, are shown as "was:" and
/// "now:" lines rather than "old → new".
const INLINE: usize = 60;

fn is_long(value: Option<&Value>) -> bool {
    match value {
        Some(Value::String(s)) => s.contains('\n') || s.chars().count() > INLINE,
        _ => false,
    }
}

/// The lines of a text value, each made safe.
fn text_lines(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::String(s)) => s
            .split('\n')
            .map(|l| text_safety::one_line(l).into_owned())
            .collect(),
        other => vec![shown(other)],
    }
}

/// The title-like field of an item, to name an added or removed one.
fn label(item: &Value) -> Option<String> {
    ["title", "name", "action", "statement", "note"]
        .iter()
        .find_map(|f| item.get(*f).and_then(Value::as_str))
        .map(|s| text_safety::one_line(s).into_owned())
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
            && self
                .signoff
                .as_ref()
                .is_none_or(|s| s.old.describe() == s.new.describe())
    }

    /// The diff for people, one change a line, grouped by list.
    pub fn to_text(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let mut current: Option<&str> = None;
        for c in &self.changes {
            let list = c.list.as_deref();
            if list != current {
                current = list;
                if let Some(list) = list {
                    let _ = writeln!(out, "{list}:");
                }
            }
            let indent = if list.is_some() { "  " } else { "" };
            let id =
                c.id.as_deref()
                    .map(|i| text_safety::one_line(i).into_owned());
            match c.change {
                How::Added | How::Removed => {
                    let (word, value) = match c.change {
                        How::Added => ("added", c.new.as_ref()),
                        _ => ("removed", c.old.as_ref()),
                    };
                    let name = id.unwrap_or_default();
                    match value.and_then(label) {
                        Some(l) => {
                            let _ = writeln!(out, "{indent}{word} {name}: {l}");
                        }
                        None => {
                            let _ = writeln!(out, "{indent}{word} {name}");
                        }
                    }
                    if c.change == How::Added
                        && let Some(value) = value
                    {
                        for (field, text) in flatten_item(value) {
                            // The id is in the line above.
                            if field == "id:" || (list == Some("marks") && field == "event:") {
                                continue;
                            }
                            let _ = writeln!(out, "{indent}    {field} {text}");
                        }
                    }
                }
                How::Changed => {
                    // A path can hold ids from the file (`sources[<id>]`).
                    let field = text_safety::one_line(c.field.as_deref().unwrap_or(""));
                    let what = match &id {
                        Some(id) => format!("{id} {field}"),
                        None => field.to_string(),
                    };
                    let (old, new) = (c.old.as_ref(), c.new.as_ref());
                    if let (Some(Value::Array(xs)), Some(Value::Array(ys))) = (old, new)
                        && xs.iter().chain(ys).all(|v| !v.is_object() && !v.is_array())
                    {
                        let added: Vec<String> = ys
                            .iter()
                            .filter(|y| !xs.contains(y))
                            .map(|y| shown(Some(y)))
                            .collect();
                        let removed: Vec<String> = xs
                            .iter()
                            .filter(|x| !ys.contains(x))
                            .map(|x| shown(Some(x)))
                            .collect();
                        let mut parts = Vec::new();
                        if !added.is_empty() {
                            parts.push(format!("added {}", added.join(", ")));
                        }
                        if !removed.is_empty() {
                            parts.push(format!("removed {}", removed.join(", ")));
                        }
                        if parts.is_empty() {
                            parts.push("reordered".to_string());
                        }
                        let _ = writeln!(out, "{indent}{what}: {}", parts.join("; "));
                    } else if is_long(old) || is_long(new) {
                        let _ = writeln!(out, "{indent}{what}:");
                        for (word, value) in [("was:", old), ("now:", new)] {
                            for (i, line) in text_lines(value).iter().enumerate() {
                                let lead = if i == 0 { word } else { "    " };
                                let _ = writeln!(out, "{indent}    {lead} {line}");
                            }
                        }
                    } else {
                        let _ = writeln!(out, "{indent}{what}: {} → {}", shown(old), shown(new));
                    }
                }
            }
        }
        if let Some(s) = &self.signoff {
            let (old, new) = (s.old.describe(), s.new.describe());
            let line = if old == new {
                format!("sign-off: {new}")
            } else {
                format!("sign-off: {old} → {new}")
            };
            let _ = writeln!(out, "{}", text_safety::one_line(&line));
        }
        if self.changes.is_empty() {
            let _ = writeln!(out, "no changes to the {}'s content", self.kind);
        }
        out
    }

    pub fn to_json(&self) -> String {
        // A tree of plain values always serialises.
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// The fields of an item as `(label, text)` lines, safe for a terminal.
/// A label is the field's path and `:`, or `|` on a text's further lines.
fn flatten_item(item: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    flatten(item, "", &mut out);
    out
}

fn flatten(value: &Value, path: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) if map.len() != 1 || path.is_empty() => {
            let mut fields: Vec<(&String, &Value)> = map.iter().collect();
            fields.sort_by_key(|(k, _)| item_order(k));
            for (k, v) in fields {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                flatten(v, &p, out);
            }
        }
        Value::Array(items) if items.iter().any(|v| v.is_object()) => {
            let name = path.rsplit('.').next().unwrap_or(path);
            match keyed(name, items) {
                Some(keyed) => {
                    for (key, v) in keyed {
                        flatten(v, &format!("{path}[{key}]"), out);
                    }
                }
                None => {
                    for (i, v) in items.iter().enumerate() {
                        flatten(v, &format!("{path}[{i}]"), out);
                    }
                }
            }
        }
        Value::String(s) if s.contains('\n') => {
            for (i, line) in s.split('\n').enumerate() {
                let sep = if i == 0 { ":" } else { "|" };
                out.push((
                    format!("{}{sep}", text_safety::one_line(path)),
                    text_safety::one_line(line).into_owned(),
                ));
            }
        }
        // A path can hold ids from the file (`sources[<id>]`).
        other => out.push((
            format!("{}:", text_safety::one_line(path)),
            shown(Some(other)),
        )),
    }
}

/// A label and its text, without a space at the end of a blank line
/// (which git would show as a whitespace error).
fn line(label: &str, text: &str) -> String {
    if text.is_empty() {
        label.to_string()
    } else {
        format!("{label} {text}")
    }
}

/// One document as lines that each say what they hold
/// (`finding F01 severity: High`), for git's textconv: git then diffs
/// these lines, and each changed line names its item and field. A text's
/// further lines continue with `|` after the field's name.
pub fn to_lines(doc: &Document) -> String {
    use std::fmt::Write;
    let value = doc.json();
    let mut out = String::new();
    let empty = Map::new();
    let map = value.as_object().unwrap_or(&empty);
    let mut names: Vec<&String> = map.keys().collect();
    names.sort_by_key(|n| order(n));
    for name in names {
        let v = &map[name];
        let items = v
            .as_array()
            .and_then(|items| keyed(name, items).filter(|_| items.iter().all(Value::is_object)));
        match items {
            Some(items) => {
                let what = name.strip_suffix('s').unwrap_or(name);
                for (key, item) in items {
                    let key = text_safety::one_line(&key).into_owned();
                    for (field, text) in flatten_item(item) {
                        // The id is the line's second word already.
                        if field == "id:" || (name == "marks" && field == "event:") {
                            continue;
                        }
                        let _ = writeln!(out, "{}", line(&format!("{what} {key} {field}"), &text));
                    }
                }
            }
            None => {
                let mut lines = Vec::new();
                flatten(v, name, &mut lines);
                for (field, text) in lines {
                    let _ = writeln!(out, "{}", line(&field, &text));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EventMark, RecommendationStatus, Severity};

    fn taurus() -> Review {
        crate::load::parse(include_str!("../incidents/taurus-webex-2024.review.ron"))
            .expect("the bundled review parses")
    }

    #[test]
    fn fields_items_marks_and_the_sign_off_are_named() {
        let old = taurus();
        // What the lines below take from the bundled review.
        assert_eq!(old.findings[0].id, "F01");
        assert_eq!(old.findings[0].severity, Severity::High);
        assert!(old.findings[0].events.iter().any(|e| e == "E02"));
        assert!(!old.findings[0].events.iter().any(|e| e == "E05"));
        assert_eq!(old.findings[3].id, "F04");
        assert!(!old.findings.iter().any(|f| f.id == "F13"));
        assert!(!old.marks.iter().any(|m| m.event == "E07"));
        let mut new = old.clone();
        new.findings[0].severity = Severity::Critical;
        new.findings[0].events.push("E05".into());
        new.findings[0].events.retain(|e| e != "E02");
        new.findings.remove(3);
        new.recommendations[2].status = RecommendationStatus::Done;
        new.marks.push(EventMark {
            reviewed: true,
            ..EventMark::new("E07")
        });
        new.marks[1].note = Some("changed\nover two lines".into());
        let noted = format!("  {} note:", new.marks[1].event);
        let mut added = new.findings[0].clone();
        added.id = "F13".into();
        added.title = "A new one".into();
        new.findings.push(added);
        let d = diff(
            &Document::Review(Box::new(old)),
            &Document::Review(Box::new(new)),
            (None, None),
        );
        let text = d.to_text();
        for line in [
            "findings:",
            "  F01 severity: High → Critical",
            "  F01 events: added E05; removed E02",
            "  added F13: A new one",
            "  removed F04: A channel cleared only to VS-NfD carried content of disputed classification",
            "recommendations:",
            "  R03 status: Recommended → Done",
            "marks:",
            &noted,
            "      now: changed",
            "           over two lines",
            "  added E07",
            "sign-off: not signed off",
        ] {
            assert!(
                text.lines().any(|l| l == line || l.starts_with(line)),
                "{line:?} missing in:\n{text}"
            );
        }
        let json: Value = serde_json::from_str(&d.to_json()).expect("JSON");
        assert_eq!(json["format"], "hotwash-diff/1");
        let status = json["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .find(|c| c["id"] == "R03")
            .expect("R03 changed");
        assert_eq!(status["field"], "status");
        assert_eq!(
            (&status["old"], &status["new"]),
            (&Value::from("Recommended"), &Value::from("Done"))
        );
    }

    #[test]
    fn the_same_review_has_no_changes() {
        let d = diff(
            &Document::Review(Box::new(taurus())),
            &Document::Review(Box::new(taurus())),
            (None, None),
        );
        assert!(d.is_empty());
        assert!(d.to_text().contains("no changes"), "{}", d.to_text());
    }

    #[test]
    fn records_are_compared_by_event_and_citation() {
        let text = include_str!("../incidents/taurus-webex-2024.ron");
        let old: Record = crate::load::parse(text).expect("parses");
        let mut new = old.clone();
        new.events[2].title = "Retitled".into();
        new.events[0].sources[0].credibility = crate::model::Credibility(5);
        let d = diff(
            &Document::Record(Box::new(old.clone())),
            &Document::Record(Box::new(new)),
            (None, None),
        );
        let text = d.to_text();
        let e3 = &old.events[2].id;
        let e1 = &old.events[0].id;
        let cited = &old.events[0].sources[0].source;
        assert!(text.contains(&format!("  {e3} title: ")), "{text}");
        assert!(
            text.contains(&format!("  {e1} sources[{cited}].credibility: ")),
            "{text}"
        );
        assert_eq!(d.signoff.map(|s| s.new.state), None);
    }

    #[test]
    fn ids_from_the_file_reach_the_terminal_escaped() {
        let text = include_str!("../incidents/taurus-webex-2024.ron");
        let old: Record = crate::load::parse(text).expect("parses");
        let mut new = old.clone();
        new.events[0].sources[0].source = "x\u{1b}[2J".into();
        new.events[0].id = "E\u{202e}1".into();
        let d = diff(
            &Document::Record(Box::new(old)),
            &Document::Record(Box::new(new.clone())),
            (None, None),
        );
        let text = d.to_text();
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{202e}'),
            "{text}"
        );
        let lines = to_lines(&Document::Record(Box::new(new)));
        assert!(!lines.contains('\u{1b}') && !lines.contains('\u{202e}'));
    }

    #[test]
    fn one_file_as_lines_names_each_item_and_field() {
        let mut review = taurus();
        review.marks[0].note = Some("line one\nline two\u{1b}[31m".into());
        let (severity, event) = (review.findings[0].severity, review.marks[0].event.clone());
        let lines = to_lines(&Document::Review(Box::new(review)));
        assert!(
            lines.contains(&format!("finding F01 severity: {severity:?}\n")),
            "{lines}"
        );
        assert!(lines.contains("recommendation R01 status: Recommended\n"));
        assert!(lines.contains(&format!(
            "mark {event} note: line one\nmark {event} note| line two\\u{{1b}}[31m\n"
        )));
        assert!(!lines.contains('\u{1b}'));
    }
}
