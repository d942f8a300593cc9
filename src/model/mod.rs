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

/// A map keyed by ids from a file. foldhash, seeded per process, instead of
/// SipHash: a large record's report and checks build maps of 100,000 ids.
pub type IdMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
/// A set of ids from a file; see [`IdMap`].
pub type IdSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;
