//! The allocator's one knob we turn: handing freed memory back to the system now.
//! (`main.rs` makes mimalloc the global allocator; in tests that start the app in-process the
//! system allocator serves instead, and this only tidies mimalloc's own empty heap.)

/// Returns the pages the calling thread's heap freed to the system at once, instead of after
/// mimalloc's purge delay. For after rare, large work (an image decode); never per request.
pub fn release_freed_memory() {
    // SAFETY: mi_collect has no preconditions: it collects the calling thread's heap (and,
    // forced, abandoned segments), whichever allocator serves the rest of the program.
    unsafe { libmimalloc_sys::mi_collect(true) }
}
