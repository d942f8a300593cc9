//! Records through the cache: a record file whose exact bytes this build
//! already parsed and checked (with the same limits) is decoded from its
//! entry, with the warnings validation found then, instead of parsed again.
//!
//! Only records that loaded are stored (a file with errors is being fixed,
//! and its next version has another key). The warnings keep their places
//! (byte spans, lines and columns), so a cached open shows the same
//! diagnostics with the same snippets.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use super::{Cache, Key};
use crate::load::{self, Diagnostic, FileReport, LineCol, LoadOptions, Loaded, Severity};
use crate::model::Record;

/// The kind of the entries of records.
pub const KIND: &str = "record";

/// An entry, as written: borrowed from what was just loaded.
#[derive(Serialize)]
struct StoredRef<'a> {
    record: &'a Record,
    diagnostics: Vec<StoredDiagnostic>,
}

/// An entry, as read back.
#[derive(Deserialize)]
struct Stored {
    record: Record,
    diagnostics: Vec<StoredDiagnostic>,
}

/// A diagnostic with everything it holds: [`Diagnostic`]'s own serde form
/// is the JSON output's, which leaves the byte span out.
#[derive(Serialize, Deserialize)]
struct StoredDiagnostic {
    severity: Severity,
    code: String,
    message: String,
    help: Option<String>,
    span: Option<(usize, usize)>,
    start: Option<LineCol>,
    end: Option<LineCol>,
}

impl From<&Diagnostic> for StoredDiagnostic {
    fn from(d: &Diagnostic) -> Self {
        StoredDiagnostic {
            severity: d.severity,
            code: d.code.to_string(),
            message: d.message.clone(),
            help: d.help.clone(),
            span: d.span.as_ref().map(|s| (s.start, s.end)),
            start: d.start,
            end: d.end,
        }
    }
}

impl StoredDiagnostic {
    /// The diagnostic, if its span lies within a text of `len` bytes.
    fn into_diagnostic(self, len: usize) -> Option<Diagnostic> {
        let span: Option<Range<usize>> = self.span.map(|(a, b)| a..b);
        if span
            .as_ref()
            .is_some_and(|s| s.start > s.end || s.end > len)
        {
            return None;
        }
        Some(Diagnostic {
            severity: self.severity,
            code: intern(&self.code),
            message: self.message,
            help: self.help,
            span,
            start: self.start,
            end: self.end,
        })
    }
}

/// A diagnostic's code as the `&'static str` [`Diagnostic`] holds. Codes
/// are a short, fixed vocabulary and only codes read from verified entries
/// of this build come here, so each distinct one is leaked once.
fn intern(code: &str) -> &'static str {
    static CODES: Mutex<Option<HashMap<String, &'static str>>> = Mutex::new(None);
    let mut codes = CODES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let codes = codes.get_or_insert_with(HashMap::new);
    if let Some(code) = codes.get(code) {
        return code;
    }
    let leaked: &'static str = Box::leak(code.to_string().into_boxed_str());
    codes.insert(code.to_string(), leaked);
    leaked
}

/// The key of a record file's entry, from the digest of its bytes.
fn key(digest: &blake3::Hash, options: &LoadOptions) -> Key {
    Key::new(KIND)
        .digest(digest)
        // The field limit decides which warnings and errors there are; the
        // size limit is applied to the file before any lookup.
        .param("max-field", options.max_field)
}

/// Loads and validates a record file as [`load::load_record`] does, through
/// `cache`.
pub fn load(cache: &Cache, path: &Path, options: &LoadOptions) -> Loaded<Record> {
    // The file is hashed in pieces first: a hit never holds its text.
    // Anything wrong with the file (missing, a FIFO, too big) is said by
    // the uncached load, which reads it as it always has.
    let Ok(digest) = super::hash_file(path, options.max_size) else {
        return load::load_record_uncached(path, options);
    };
    if let Some(loaded) = hit(cache, path, &digest, options) {
        return loaded;
    }
    // A miss: the key is taken from the bytes that are parsed, so a file
    // that changed since it was hashed is stored under its new content.
    let bytes = match load::text::read_bytes(path, options.max_size) {
        Ok(bytes) => bytes,
        Err(d) => return failed(path, d),
    };
    let key = key(&super::digest_of(&bytes), options);
    let text = match load::text::decode(bytes) {
        Ok(text) => text,
        Err(d) => return failed(path, d),
    };
    let loaded = load::record_from_file_text(path, text, options);
    if let Some(record) = &loaded.value
        && loaded.report.is_valid()
    {
        let stored = StoredRef {
            record,
            diagnostics: loaded
                .report
                .diagnostics
                .iter()
                .map(StoredDiagnostic::from)
                .collect(),
        };
        cache.put(&key, &stored);
    }
    loaded
}

/// The record from its entry, or `None` to load it from the file.
fn hit(
    cache: &Cache,
    path: &Path,
    digest: &blake3::Hash,
    options: &LoadOptions,
) -> Option<Loaded<Record>> {
    let stored: Stored = cache.get(&key(digest, options))?;
    if stored.diagnostics.is_empty() {
        return Some(Loaded {
            value: Some(stored.record),
            report: FileReport::new(path),
        });
    }
    // Warnings are shown with a snippet of the text: read it, and use the
    // entry only if the text is still what was hashed.
    let bytes = load::text::read_bytes(path, options.max_size).ok()?;
    if super::digest_of(&bytes) != *digest {
        return None;
    }
    let text = load::text::decode(bytes).ok()?;
    let diagnostics = stored
        .diagnostics
        .into_iter()
        .map(|d| d.into_diagnostic(text.len()))
        .collect::<Option<Vec<_>>>()?;
    Some(Loaded {
        value: Some(stored.record),
        report: FileReport {
            path: path.to_path_buf(),
            text: Some(Arc::from(text)),
            diagnostics,
        },
    })
}

fn failed(path: &Path, diagnostic: Diagnostic) -> Loaded<Record> {
    Loaded {
        value: None,
        report: FileReport {
            path: path.to_path_buf(),
            text: None,
            diagnostics: vec![diagnostic],
        },
    }
}
