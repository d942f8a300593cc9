//! The types of incident records and reviews. Pure data: no I/O, no terminal.

pub mod catalog;
pub mod grade;
pub mod marking;
pub mod record;
pub mod review;
pub mod time;
pub mod web_address;

pub use catalog::{Catalog, CatalogEntry};
pub use grade::{Admiralty, Credibility, Reliability};
pub use marking::{Classification, Level, Scheme, Tlp};
pub use record::*;
pub use review::*;
pub use time::{Fidelity, Timestamp};
