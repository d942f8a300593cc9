//! Writes a folder of small VERIS files for measuring `hotwash import veris`:
//!
//! ```text
//! cargo run --release --example veris_corpus -- /tmp/h13-veris/corpus 10000
//! hotwash import veris /tmp/h13-veris/corpus --out /tmp/h13-veris/out
//! ```
//!
//! File `i` is VCDB sample `i % 16` of `tests/fixtures/vcdb/` (CC BY-SA 4.0)
//! with its ids renumbered.

#[path = "../benches/common/veris_corpus.rs"]
mod veris_corpus;

fn main() -> std::process::ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(folder), count) = (args.next(), args.next()) else {
        eprintln!("usage: veris_corpus FOLDER [COUNT, default 10000]");
        return std::process::ExitCode::from(2);
    };
    let count: usize = match count.as_deref().unwrap_or("10000").parse() {
        Ok(n) => n,
        Err(e) => {
            eprintln!("veris_corpus: COUNT: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let folder = std::path::PathBuf::from(folder);
    if let Err(e) =
        std::fs::create_dir_all(&folder).and_then(|()| veris_corpus::write(&folder, count))
    {
        eprintln!("veris_corpus: {}: {e}", folder.display());
        return std::process::ExitCode::from(1);
    }
    eprintln!("wrote {count} VERIS files into {}", folder.display());
    std::process::ExitCode::SUCCESS
}
