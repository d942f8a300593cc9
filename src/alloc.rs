//! Housekeeping of the binary's allocator (mimalloc, see `src/main.rs`) at
//! the few points where it matters.

/// Gives the memory freed so far back to the system now. mimalloc keeps
/// freed memory for a second before it returns it (its `purge_delay`), so
/// without this the 140 MB text of a large record, freed once parsed, would
/// still be resident while its report is built and written: the export's
/// peak would be the load's peak plus the report. Where mimalloc is not the
/// global allocator (the tests) this only tidies mimalloc's own empty heap.
pub fn release_freed() {
    // SAFETY: mi_collect takes no pointers and may be called from any
    // thread at any time; it only returns free memory to the system.
    unsafe { libmimalloc_sys::mi_collect(true) }
}
