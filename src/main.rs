use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    hotwash::cli::run(hotwash::cli::Cli::parse())
}
