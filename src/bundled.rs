//! The incident records and reviews shipped inside the binary (from
//! `incidents/` at build time; see build.rs). hotwash opens them when there
//! is no `./incidents`, read-only: they are not the analyst's files.
//! `hotwash init` writes an editable copy.

use std::path::{Path, PathBuf};

use crate::files::{self, Replace, WriteError};
use crate::load;

/// One embedded file.
#[derive(Debug)]
pub struct BundledFile {
    /// Its name in `incidents/`.
    pub name: &'static str,
    pub text: &'static str,
}

/// Every embedded file, sorted by name.
pub static FILES: &[BundledFile] = include!(concat!(env!("OUT_DIR"), "/bundled.rs"));

/// Where bundled records appear to be: shown in the library and in
/// messages. No file exists there, and hotwash never writes there.
pub const PLACE: &str = "(bundled)";

/// The path a bundled file is shown under.
pub fn path_of(name: &str) -> PathBuf {
    Path::new(PLACE).join(name)
}

/// Whether a path names a bundled file rather than one on disk.
pub fn is_bundled(path: &Path) -> bool {
    path.starts_with(PLACE) && !path.exists()
}

/// The bundled records (not reviews), by name.
pub fn records() -> impl Iterator<Item = &'static BundledFile> {
    FILES
        .iter()
        .filter(|f| !load::is_review_file(Path::new(f.name)))
}

/// A bundled file by the path [`path_of`] gave it.
pub fn file(path: &Path) -> Option<&'static BundledFile> {
    let name = path.strip_prefix(PLACE).ok()?.to_str()?;
    FILES.iter().find(|f| f.name == name)
}

/// The review shipped beside a bundled record, if any.
pub fn review_of(record: &Path) -> Option<&'static BundledFile> {
    file(&load::review_path(record))
}

/// Why `hotwash init` wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error(
        "{} already holds {}; nothing was written (hotwash never replaces an analyst's files)",
        .folder.display(),
        .existing.join(", ")
    )]
    Exists {
        folder: PathBuf,
        existing: Vec<String>,
    },
    #[error("cannot create {}: {source}", .folder.display())]
    Folder {
        folder: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// Writes every bundled file into `folder` (made if missing), where the
/// analyst can edit them. Refuses before writing anything if any of the
/// names is taken; each file is written as hotwash writes (atomically,
/// 0644 less the umask, never over a file that appears meanwhile).
pub fn init(folder: &Path) -> Result<Vec<PathBuf>, InitError> {
    std::fs::create_dir_all(folder).map_err(|source| InitError::Folder {
        folder: folder.to_path_buf(),
        source,
    })?;
    let existing: Vec<String> = FILES
        .iter()
        .filter(|f| std::fs::symlink_metadata(folder.join(f.name)).is_ok())
        .map(|f| f.name.to_string())
        .collect();
    if !existing.is_empty() {
        return Err(InitError::Exists {
            folder: folder.to_path_buf(),
            existing,
        });
    }
    FILES
        .iter()
        .map(|f| {
            Ok(files::write_atomic(
                &folder.join(f.name),
                f.text.as_bytes(),
                Replace::Never,
            )?)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{LoadOptions, record_from_text_with, review_from_text_with};
    use crate::scratch::Dir;

    #[test]
    fn every_file_in_incidents_is_embedded_as_it_is_on_disk() {
        let mut on_disk: Vec<String> = std::fs::read_dir("incidents")
            .expect("incidents/")
            .filter_map(|e| e.ok())
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n.ends_with(".ron"))
            .collect();
        on_disk.sort();
        let embedded: Vec<&str> = FILES.iter().map(|f| f.name).collect();
        assert_eq!(embedded, on_disk);
        for f in FILES {
            let disk = std::fs::read_to_string(Path::new("incidents").join(f.name)).expect("read");
            assert_eq!(f.text, disk, "{}", f.name);
        }
    }

    #[test]
    fn the_bundled_records_and_reviews_are_valid() {
        let options = LoadOptions::default();
        let mut count = 0;
        for f in records() {
            let path = path_of(f.name);
            let record = record_from_text_with(&path, f.text.into(), &options);
            assert!(record.report.is_valid(), "{:?}", record.report.diagnostics);
            let record = record.value.expect("a record");
            if let Some(review) = review_of(&path) {
                let loaded = review_from_text_with(
                    &path_of(review.name),
                    review.text.into(),
                    &record,
                    Some(&crate::review::LazyHasher::default()),
                    &options,
                );
                assert!(loaded.report.is_valid(), "{:?}", loaded.report.diagnostics);
            }
            count += 1;
        }
        assert!(count >= 1);
    }

    #[test]
    fn init_writes_every_file_once_and_never_over_anything() {
        let dir = Dir::new("bundled", "init");
        let folder = dir.0.join("cases");
        let written = init(&folder).expect("written");
        assert_eq!(written.len(), FILES.len());
        for f in FILES {
            assert_eq!(
                std::fs::read_to_string(folder.join(f.name)).expect("read"),
                f.text
            );
        }
        // An analyst's edit survives a second init, which writes nothing.
        let first = folder.join(FILES[0].name);
        std::fs::write(&first, "edited").expect("edit");
        match init(&folder) {
            Err(InitError::Exists { existing, .. }) => assert_eq!(existing.len(), FILES.len()),
            other => panic!("{other:?}"),
        }
        assert_eq!(std::fs::read_to_string(&first).expect("read"), "edited");
    }

    #[test]
    fn bundled_paths_name_bundled_files_only() {
        let f = records().next().expect("a bundled record");
        let path = path_of(f.name);
        assert!(is_bundled(&path));
        assert_eq!(file(&path).map(|f| f.name), Some(f.name));
        assert!(!is_bundled(Path::new("incidents").join(f.name).as_path()));
    }
}
