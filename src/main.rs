use std::process::ExitCode;

use clap::Parser;

// Reports of large records make millions of small strings; mimalloc makes
// that markedly cheaper than the system allocator (see BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    hotwash::cli::run(hotwash::cli::Cli::parse())
}
