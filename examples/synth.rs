//! Writes a valid synthetic incident record as pretty RON to stdout, for
//! load tests and benchmarks:
//!
//! ```text
//! cargo run --release --example synth -- --events 100000 > big.ron
//! ```
//!
//! The output depends only on `--events` (default 1000) and `--seed`
//! (default 1). `--compact` writes the same record without layout. The
//! generator is shared with `benches/load.rs`.

use std::io::{BufWriter, Write};
use std::process::ExitCode;

#[path = "../benches/common/synth.rs"]
mod synth;

const USAGE: &str = "usage: synth [--events N] [--seed S] [--compact] > record.ron";

struct Args {
    events: usize,
    seed: u64,
    pretty: bool,
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("synth: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let record = synth::record(args.events, args.seed);
    let mut out = BufWriter::new(std::io::stdout().lock());
    let written = synth::write(&mut out, &record, args.pretty)
        .map_err(|e| e.to_string())
        .and_then(|()| {
            writeln!(out)
                .and_then(|()| out.flush())
                .map_err(|e| e.to_string())
        });
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("synth: cannot write the record: {e}");
            ExitCode::FAILURE
        }
    }
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut parsed = Args {
        events: 1000,
        seed: 1,
        pretty: true,
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--events" => parsed.events = number(&arg, args.next())?,
            "--seed" => parsed.seed = number(&arg, args.next())?,
            "--compact" => parsed.pretty = false,
            "-h" | "--help" => return Err("help requested".into()),
            other => return Err(format!("unexpected argument {other:?}")),
        }
    }
    Ok(parsed)
}

fn number<T: std::str::FromStr>(flag: &str, value: Option<String>) -> Result<T, String> {
    let value = value.ok_or_else(|| format!("{flag} needs a value"))?;
    value
        .parse()
        .map_err(|_| format!("{flag} needs a non-negative whole number, not {value:?}"))
}
