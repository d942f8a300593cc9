//! hotwash: a terminal workbench for counterintelligence and OPSEC incident
//! reviews. The library is the pure core (model, loading and validation);
//! the binary adds the command line and, later, the terminal interface.

// A `Diagnostic` is about 150 bytes; it only travels on the error path, where
// copying it costs nothing measurable, so boxing it would add noise, not speed.
#![allow(clippy::result_large_err)]

pub mod alloc;
pub mod bundled;
pub mod cache;
pub mod cli;
pub mod config;
pub mod diff;
pub mod export;
pub mod files;
pub mod git;
pub mod import;
pub mod library;
pub mod load;
pub mod model;
pub mod report;
pub mod review;
#[cfg(test)]
mod scratch;
pub mod stats;
pub mod text_safety;
pub mod timeline;
pub mod tui;
pub mod wording;
