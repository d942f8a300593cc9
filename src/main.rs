use std::process::ExitCode;

// Reports of large records make millions of small strings; mimalloc makes
// that markedly cheaper than the system allocator (see BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match hotwash::cli::parse() {
        Ok(cli) => hotwash::cli::run(cli),
        Err(code) => code,
    }
}
