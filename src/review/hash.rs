//! The content hash a sign-off seals: SHA-256 over the canonical content of
//! the record and the review (without its sign-off, and without the list of
//! sign-offs a merge dropped: history about sign-offs, not content a
//! sign-off vouches for). Canonical means the
//! parsed values, serialised in a fixed order, so reformatting a file or
//! editing its comments does not break a sign-off, but changing content does.

use sha2::{Digest, Sha256};

use crate::model::{Record, Review, SignOff};

const DOMAIN: &[u8] = b"hotwash-signoff/1\n";

/// A hasher that has already taken in the record, so that re-hashing after
/// each review change costs only the review.
#[derive(Clone)]
pub struct RecordHasher(Sha256);

impl std::fmt::Debug for RecordHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecordHasher")
    }
}

impl RecordHasher {
    pub fn new(record: &Record) -> Self {
        #[cfg(test)]
        MADE.with(|made| made.set(made.get() + 1));
        let mut h = Sha256::new();
        h.update(DOMAIN);
        // Streamed into the hash: a record with a 50 MB narrative is not
        // copied again. Serialising plain data structs cannot fail.
        let _ = serde_json::to_writer(Feed(&mut h), record);
        h.update(b"\n");
        RecordHasher(h)
    }

    /// `sha256:` and the hex digest of the record and `review`.
    pub fn hash(&self, review: &Review) -> String {
        let mut h = self.0.clone();
        let mut unsigned = review.clone();
        unsigned.signoff = None;
        unsigned.dropped_signoffs.clear();
        let _ = serde_json::to_writer(Feed(&mut h), &unsigned);
        format!("sha256:{}", hex(&h.finalize()))
    }
}

/// A record's hasher, made the first time a sign-off needs it and then
/// shared by all that check one: the review's validation, the report and
/// the workbench. Making it serialises and hashes the whole record (about
/// 0.2 s at 100k events), which a signed review would otherwise pay once
/// for each of them.
#[derive(Debug, Default)]
pub struct LazyHasher(std::sync::OnceLock<RecordHasher>);

impl LazyHasher {
    /// The hasher of `record`, made at the first call. Every call passes
    /// the same record, as written (before any decision is applied): the
    /// one the sign-off seals.
    pub fn of(&self, record: &Record) -> &RecordHasher {
        self.0.get_or_init(|| RecordHasher::new(record))
    }

    /// Whether it has been made.
    pub fn is_made(&self) -> bool {
        self.0.get().is_some()
    }
}

#[cfg(test)]
thread_local! {
    /// How many hashers this thread has made (tests of who shares one).
    static MADE: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// How many [`RecordHasher`]s this thread has made so far.
#[cfg(test)]
pub(crate) fn hashers_made() -> usize {
    MADE.with(std::cell::Cell::get)
}

/// Writes into a hash, so JSON can be hashed as it is written.
struct Feed<'h>(&'h mut Sha256);

impl std::io::Write for Feed<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// Where a review stands with its sign-off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignOffState<'r> {
    NotSigned,
    Current(&'r SignOff),
    /// Signed off, but the record or the review changed since.
    Stale(&'r SignOff),
}

pub fn signoff_state<'r>(hasher: &RecordHasher, review: &'r Review) -> SignOffState<'r> {
    match &review.signoff {
        None => SignOffState::NotSigned,
        Some(s) if s.hash == hasher.hash(review) => SignOffState::Current(s),
        Some(s) => SignOffState::Stale(s),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::review::edit::Edit;

    const RECORD: &str = r#"(schema: 1, id: "r", title: "T", summary: "S",
        classification: (scheme: Us, level: Unclassified), tlp: "CLEAR")"#;

    fn signed(hasher: &RecordHasher, review: &mut Review) {
        let s = SignOff {
            reviewer: "ana".into(),
            at: chrono::DateTime::UNIX_EPOCH,
            hash: hasher.hash(review),
        };
        Edit::SignOff(s).apply(review).expect("applies");
    }

    #[test]
    fn a_sign_off_is_current_until_anything_changes() {
        let record: Record = crate::load::parse(RECORD).expect("parses");
        let hasher = RecordHasher::new(&record);
        let mut review = Review::new("r");
        assert_eq!(signoff_state(&hasher, &review), SignOffState::NotSigned);
        signed(&hasher, &mut review);
        assert!(matches!(
            signoff_state(&hasher, &review),
            SignOffState::Current(_)
        ));

        let mut changed = review.clone();
        Edit::SetReviewed {
            event: "E1".into(),
            reviewed: true,
        }
        .apply(&mut changed)
        .expect("applies");
        assert!(matches!(
            signoff_state(&hasher, &changed),
            SignOffState::Stale(_)
        ));

        let mut other = record.clone();
        other.summary = "Changed".into();
        assert!(matches!(
            signoff_state(&RecordHasher::new(&other), &review),
            SignOffState::Stale(_)
        ));
    }

    /// A record and a review signed off over it, in a fresh folder, and
    /// the record's path.
    pub(crate) fn signed_files(stale: bool) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().expect("a scratch folder");
        let path = dir.path().join("r.ron");
        std::fs::write(&path, RECORD).expect("written");
        let record: Record = crate::load::parse(RECORD).expect("parses");
        let mut review = Review::new("r");
        signed(&RecordHasher::new(&record), &mut review);
        if stale {
            review.signoff.as_mut().expect("signed").hash = format!("sha256:{}", "0".repeat(64));
        }
        let text = crate::review::store::serialise(&review).expect("serialises");
        std::fs::write(crate::load::review_path(&path), text).expect("written");
        (dir, path)
    }

    #[test]
    fn a_signed_review_is_hashed_once_for_its_check_and_its_report() {
        for stale in [false, true] {
            let (_dir, path) = signed_files(stale);
            let before = hashers_made();
            let (record, review, hasher) =
                crate::cli::load_for_report(&path, &crate::load::LoadOptions::default())
                    .unwrap_or_else(|r| panic!("loads: {r:#?}"));
            let report = crate::report::build_decided(
                &record,
                &record,
                &review,
                &hasher,
                &Default::default(),
            );
            let want = if stale {
                crate::report::SignOffStatus::Stale
            } else {
                crate::report::SignOffStatus::Current
            };
            assert_eq!(report.signoff.status, want);
            assert_eq!(hashers_made() - before, 1, "stale: {stale}");
        }
    }

    #[test]
    fn a_stale_sign_off_is_still_warned_of_and_an_unsigned_review_not_hashed() {
        let (_dir, path) = signed_files(true);
        let before = hashers_made();
        let checked = crate::load::check_record_file(&path, &Default::default());
        let review = checked.review.expect("a review");
        assert!(
            review
                .report
                .diagnostics
                .iter()
                .any(|d| d.code == "signoff.stale"),
            "{:#?}",
            review.report.diagnostics
        );
        assert!(checked.hasher.is_made());
        assert_eq!(hashers_made() - before, 1);

        // The library's summary needs no sign-off state, so no hash.
        let before = hashers_made();
        crate::library::summarise(&path, &Default::default()).expect("summarised");
        assert_eq!(hashers_made() - before, 0);

        std::fs::remove_file(crate::load::review_path(&path)).expect("removed");
        let before = hashers_made();
        let checked = crate::load::check_record_file(&path, &Default::default());
        assert!(!checked.hasher.is_made());
        assert_eq!(hashers_made() - before, 0);
    }

    #[test]
    fn formatting_does_not_change_the_hash() {
        let a: Record = crate::load::parse(RECORD).expect("parses");
        let spaced = RECORD.replace(", ", ",\n    // a comment\n    ");
        let b: Record = crate::load::parse(&spaced).expect("parses");
        let review = Review::new("r");
        assert_eq!(
            RecordHasher::new(&a).hash(&review),
            RecordHasher::new(&b).hash(&review)
        );
        let h = RecordHasher::new(&a).hash(&review);
        assert!(h.starts_with("sha256:") && h.len() == 7 + 64, "{h}");
    }
}
