//! Writes a valid synthetic incident record as pretty RON to stdout, for
//! load tests and benchmarks:
//!
//! ```text
//! cargo run --release --example synth -- --events 100000 > big.ron
//! ```
//!
//! The output depends only on `--events` (default 1000) and `--seed`
//! (default 1). `--compact` writes the same record without layout.
//! `--long-narrative BYTES` gives the first event a narrative of that many
//! bytes in one paragraph (the detail pane's worst case).
//! `--review FINDINGS,RECOMMENDATIONS` writes a review of the record
//! instead, with that many findings and recommendations:
//!
//! ```text
//! cargo run --release --example synth -- --events 1000 --long-narrative 50000000 > long.ron
//! cargo run --release --example synth -- --events 1000 --review 100000,100000 > long.review.ron
//! ```
//!
//! The generator is shared with the benchmarks.

use std::io::{BufWriter, Write};
use std::process::ExitCode;

#[path = "../benches/common/synth.rs"]
mod synth;

const USAGE: &str = "usage: synth [--events N] [--seed S] [--compact] [--long-narrative BYTES] \
                     [--review FINDINGS,RECOMMENDATIONS] > record.ron";

struct Args {
    events: usize,
    seed: u64,
    pretty: bool,
    long_narrative: Option<usize>,
    review: Option<(usize, usize)>,
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("synth: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mut record = synth::record(args.events, args.seed);
    if let Some(bytes) = args.long_narrative {
        synth::long_narrative(&mut record, 0, bytes, args.seed);
    }
    let mut out = BufWriter::new(std::io::stdout().lock());
    let written = match args.review {
        Some((findings, recommendations)) => {
            let review = synth::review(&record, findings, recommendations);
            synth::write_review(&mut out, &review)
        }
        None => synth::write(&mut out, &record, args.pretty).map_err(|e| e.to_string()),
    };
    let written = written.and_then(|()| {
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
        long_narrative: None,
        review: None,
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--events" => parsed.events = number(&arg, args.next())?,
            "--seed" => parsed.seed = number(&arg, args.next())?,
            "--compact" => parsed.pretty = false,
            "--long-narrative" => parsed.long_narrative = Some(number(&arg, args.next())?),
            "--review" => {
                let value = args
                    .next()
                    .ok_or("--review needs FINDINGS,RECOMMENDATIONS")?;
                let (f, r) = value.split_once(',').ok_or_else(|| {
                    format!("--review needs FINDINGS,RECOMMENDATIONS, not {value:?}")
                })?;
                parsed.review = Some((
                    number(&arg, Some(f.to_string()))?,
                    number(&arg, Some(r.to_string()))?,
                ));
            }
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
