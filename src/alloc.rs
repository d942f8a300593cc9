//! Housekeeping of the binary's allocator (mimalloc, see `src/main.rs`) at
//! the few points where it matters.

/// `mi_option_purge_delay` in mimalloc's `mi_option_e` (the same in its v2
/// and v3; the Rust bindings name the options around it but not this one).
/// A test checks that its default is one of the two versions' (10 ms in
/// v2, 1000 ms in v3), so an upgrade that moved it would be caught.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// From now on, memory freed is given back to the system at once, not a
/// second later (mimalloc v3's default). For a command that loads one large
/// record and then builds and writes its report (`export`): the 140 MB
/// text, freed once parsed, would otherwise still be resident while the
/// report is built, and the export's peak would be the load's plus the
/// report. With it the peak is the load's. Call it before other threads
/// start: mimalloc's options are plain globals.
pub fn give_back_freed_memory_at_once() {
    // SAFETY: mi_option_set takes no pointers; it stores the value in
    // mimalloc's table of options, which is only read afterwards.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 0) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_option_set_is_the_purge_delay() {
        // SAFETY: reading an option takes no pointers.
        let default = unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
        assert!(
            matches!(default, 10 | 1000),
            "option {PURGE_DELAY} is {default}, not a purge delay's default"
        );
    }
}
