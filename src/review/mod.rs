//! The analyst's review: the edits made to it, the content hash a sign-off
//! seals, and how it is kept on disk without ever losing work.

pub mod decide;
pub mod edit;
pub mod hash;
pub mod icd203;
pub mod merge;
pub mod store;

pub use edit::{Applied, Edit, EditError, RecommendationDraft, next_id};
pub use hash::{LazyHasher, RecordHasher, SignOffState, signoff_state};
pub use merge::{MergeError, Merged, merge};
pub use store::{Opened, ReviewStore, SaveError};
