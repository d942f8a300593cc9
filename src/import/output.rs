//! What an importer that writes a review beside its record (STIX) shares.
//!
//! The STIX reader turns one input file into an
//! [`Imported`]: a record, a review where the input carries hotwash's own
//! findings, and what the input held that could not be carried, for the
//! summary. Writing the results is shared: the output names, the RON dialect
//! every hotwash file uses and the no-clobber atomic writes of
//! [`crate::files`].

use std::path::{Path, PathBuf};

use crate::files::{self, Replace, WriteError};
use crate::model::{Record, Review};

/// One imported file.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// The output's base name: `NAME.ron` and `NAME.review.ron`.
    pub name: String,
    pub record: Record,
    /// Only where the input carries hotwash's own review: none is invented.
    pub review: Option<Review>,
    /// Objects of types the importer does not read, by id and type: reported
    /// and counted, never dropped without a word.
    pub skipped: Vec<Skipped>,
    /// What the input holds that the record cannot carry as structure, for
    /// the analyst (it is kept in the record's text where it can be).
    pub notes: Vec<String>,
}

/// An object the importer did not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub id: String,
    pub kind: String,
}

/// A name fit for a record id and a file name: letters, digits, `-`, `_`
/// and `.` kept, anything else a `-`, at most 128 characters; `imported`
/// where nothing is left.
pub fn record_name(stem: &str) -> String {
    let mut name: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let trimmed = name.trim_matches(['-', '.']).to_string();
    name = trimmed.chars().take(128).collect();
    if name.is_empty() {
        "imported".to_string()
    } else {
        name
    }
}

/// The RON a record or review is written in: four-space indents, no struct
/// names, `Option`s without `Some(..)` (the dialect of [`crate::load`]).
pub fn to_ron<T: serde::Serialize>(value: &T) -> Result<String, String> {
    let pretty = ron::ser::PrettyConfig::default()
        .indentor("    ".to_string())
        .struct_names(false);
    crate::load::ron_options()
        .to_string_pretty(value, pretty)
        .map(|text| crate::review::store::unescape_apostrophes(&text).into_owned())
        .map_err(|e| e.to_string())
}

/// The record file's text: a comment saying where it came from, then RON.
pub fn record_text(imported: &Imported, from: &str) -> Result<String, String> {
    let body = to_ron(&imported.record)?;
    Ok(format!(
        "// Imported by hotwash from {}. Re-importing the same file gives the same text.\n{body}\n",
        crate::text_safety::one_line(from)
    ))
}

/// The review file's text, as the review store writes it.
pub fn review_text(review: &Review) -> Result<String, String> {
    crate::review::store::serialise(review).map_err(|e| e.to_string())
}

/// Writes `NAME.ron` (and `NAME.review.ron`) into `folder`, atomically.
/// Without `force` nothing is replaced, and a file in the way of either
/// stops both, so an import never leaves a record beside someone else's
/// review. Returns the files written.
pub fn write(
    folder: &Path,
    name: &str,
    record: &str,
    review: Option<&str>,
    force: bool,
) -> Result<Vec<PathBuf>, WriteError> {
    let record_path = folder.join(format!("{name}.ron"));
    let review_path = crate::load::review_path(&record_path);
    let replace = if force {
        Replace::Allowed
    } else {
        Replace::Never
    };
    let mut targets = vec![(record_path, record)];
    if let Some(review) = review {
        targets.push((review_path, review));
    }
    for (path, _) in &targets {
        let target = files::write_target(path)?;
        if target.existing.is_some() && !force {
            return Err(WriteError::Exists(path.clone()));
        }
    }
    let mut written = Vec::new();
    for (path, text) in targets {
        written.push(files::write_atomic(&path, text.as_bytes(), replace)?);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_names_keep_only_id_characters() {
        assert_eq!(record_name("taurus-webex-2024"), "taurus-webex-2024");
        assert_eq!(record_name("Incident 7 (final)"), "Incident-7--final");
        assert_eq!(record_name("../.."), "imported");
        assert_eq!(record_name(&"x".repeat(300)).len(), 128);
    }
}
