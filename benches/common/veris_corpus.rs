//! A folder of many small VERIS files, made from the VCDB samples in
//! `tests/fixtures/vcdb/` (CC BY-SA 4.0): file `i` is sample `i % 16` with
//! its `incident_id` and `plus.master_id` renumbered. Shared by
//! `benches/import.rs` and `examples/veris_corpus.rs`; the files go to a
//! scratch folder (never into the repository).

use std::path::Path;

/// The VCDB samples, by file name, in name order.
pub fn samples() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vcdb");
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/vcdb")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("json"))
        })
        .map(|p| {
            let name = p
                .file_name()
                .expect("a name")
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read_to_string(&p).expect("a sample"))
        })
        .collect();
    out.sort();
    out
}

/// Writes `count` VERIS files into `folder` (which must exist).
pub fn write(folder: &Path, count: usize) -> std::io::Result<()> {
    let samples = samples();
    for i in 0..count {
        let (_, text) = &samples[i % samples.len()];
        let mut value: serde_json::Value =
            serde_json::from_str(text).map_err(std::io::Error::other)?;
        let id = format!("{i:08X}-0000-4000-8000-{:012X}", i % samples.len());
        value["incident_id"] = serde_json::Value::String(id.clone());
        if value["plus"].is_object() {
            value["plus"]["master_id"] = serde_json::Value::String(id.clone());
        }
        let bytes = serde_json::to_vec_pretty(&value).map_err(std::io::Error::other)?;
        std::fs::write(folder.join(format!("{id}.json")), bytes)?;
    }
    Ok(())
}
