//! Embeds the bundled incident records and their reviews (`incidents/`) in
//! the binary, so an installed hotwash opens them wherever it runs.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
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
