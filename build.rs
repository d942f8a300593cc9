//! Embeds the bundled incident records and their reviews (`incidents/`) in
//! the binary, so an installed hotwash opens them wherever it runs, and
//! fingerprints the source for the cache (see `source_fingerprint`).

use std::fmt::Write as _;
use std::hash::Hasher as _;
use std::path::{Path, PathBuf};

fn main() {
    bundle();
    source_fingerprint();
}

/// A fingerprint of everything that decides what a cached value holds: the
/// source (the model's serde attributes, the parser, the checks), the
/// assets it includes (the control catalogue) and the dependencies' versions
/// (ron, serde). The cache keys its entries on it with the version, so a
/// build whose code differs never reads another build's entries, even when
/// both say 0.1.0. It tells builds apart; it is no security measure, so
/// the standard library's hasher is enough (`DefaultHasher::new` always
/// starts from the same keys).
fn source_fingerprint() {
    for watched in ["src", "assets", "Cargo.lock"] {
        println!("cargo::rerun-if-changed={watched}");
    }
    let mut files = Vec::new();
    for folder in ["src", "assets"] {
        collect(Path::new(folder), &mut files);
    }
    files.push(PathBuf::from("Cargo.lock"));
    // The same fingerprint whatever order the file system lists.
    files.sort();
    let mut hasher = std::hash::DefaultHasher::new();
    for file in &files {
        let bytes = std::fs::read(file).expect("a source file is readable");
        hasher.write(file.to_string_lossy().as_bytes());
        hasher.write_u64(bytes.len() as u64);
        hasher.write(&bytes);
    }
    println!(
        "cargo::rustc-env=HOTWASH_SOURCE_FINGERPRINT={:016x}",
        hasher.finish()
    );
}

fn collect(folder: &Path, files: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(folder).expect("a source folder is readable");
    for entry in entries.filter_map(|e| e.ok()) {
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => collect(&path, files),
            Ok(t) if t.is_file() => files.push(path),
            _ => {}
        }
    }
}

fn bundle() {
    // A folder here makes Cargo look at every file in it: a record added
    // to incidents/ is embedded at the next build.
    println!("cargo::rerun-if-changed=incidents");
    let folder = Path::new("incidents");
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .expect("incidents/ is part of the package")
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|entry| entry.file_name().into_string().ok())
        .filter(|name| name.ends_with(".ron") && !name.starts_with('.'))
        .collect();
    // The same binary for the same files, whatever order the folder lists.
    names.sort();
    let mut list = String::from("&[\n");
    for name in &names {
        let path = std::fs::canonicalize(folder.join(name)).expect("a bundled file");
        writeln!(
            list,
            "    BundledFile {{ name: {name:?}, text: include_str!({:?}) }},",
            path.display().to_string()
        )
        .expect("writing to a String");
    }
    list.push(']');
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(Path::new(&out).join("bundled.rs"), list).expect("writing OUT_DIR/bundled.rs");
}
