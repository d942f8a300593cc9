//! The incidents shipped with hotwash are its showcase: every one must be
//! clean, without a single error or warning.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use hotwash::load::{self, LoadOptions};

fn incidents() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("incidents")
}

/// Every `*.ron` file in incidents/, records and reviews alike, sorted.
fn ron_files() -> BTreeSet<PathBuf> {
    std::fs::read_dir(incidents())
        .expect("read incidents/")
        .map(|e| e.expect("a folder entry").path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "ron"))
        .collect()
}

#[test]
fn every_incident_file_is_clean() {
    let files = ron_files();
    assert!(!files.is_empty(), "incidents/ holds no *.ron file");
    let paths: Vec<PathBuf> = files.iter().cloned().collect();
    let reports = load::validate_paths(&paths, &LoadOptions::default());

    let mut problems = String::new();
    for report in &reports {
        for d in &report.diagnostics {
            problems.push_str(&report.one_line(d));
            problems.push('\n');
        }
    }
    assert!(problems.is_empty(), "incidents/ is not clean:\n{problems}");

    // Every file was checked: none skipped, none checked from elsewhere
    // (a review without its record would show up as review.no-record above).
    let checked: BTreeSet<PathBuf> = reports.iter().map(|r| r.path.clone()).collect();
    assert_eq!(checked, files);
}

#[test]
fn the_taurus_record_is_there_and_substantial() {
    let taurus: Vec<PathBuf> = ron_files()
        .into_iter()
        .filter(|p| !load::is_review_file(p))
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().contains("taurus"))
        })
        .collect();
    assert!(!taurus.is_empty(), "no record named *taurus* in incidents/");
    let best = taurus
        .iter()
        .map(|p| {
            let loaded = load::load_record(p, &LoadOptions::default());
            let record = loaded.value.unwrap_or_else(|| {
                panic!(
                    "{} does not load: {:#?}",
                    p.display(),
                    loaded.report.diagnostics
                )
            });
            record.events.len()
        })
        .max()
        .unwrap_or_default();
    assert!(best >= 15, "the taurus record has only {best} events");
}
