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

/// Makes SQLite allocate from mimalloc, as the rest of the program does. Through glibc's
/// malloc its page caches, sorts and statements were spread over one arena per thread that
/// served them, each keeping what it freed: 40 MB of the server's anonymous memory after the
/// uncached benchmark at a million ads came back with a `malloc_trim` (measured with gdb),
/// and mimalloc hands freed pages back to the system by itself. Call before SQLite is used;
/// `false` when SQLite was already initialized (it then keeps its own allocator, which works
/// the same, only with that memory kept).
pub fn sqlite_uses_mimalloc() -> bool {
    use std::ffi::{c_int, c_void};

    use libmimalloc_sys as mi;
    use rusqlite::ffi;

    // SQLite asks for sizes as positive `int`s; 0 or less is never allocated
    unsafe extern "C" fn malloc(n: c_int) -> *mut c_void {
        match usize::try_from(n) {
            // SAFETY: mi_malloc takes any size and returns null when it has none
            Ok(n) if n > 0 => unsafe { mi::mi_malloc(n) },
            _ => std::ptr::null_mut(),
        }
    }
    unsafe extern "C" fn free(p: *mut c_void) {
        // SAFETY: SQLite frees only what `malloc`/`realloc` above gave it (or null)
        unsafe { mi::mi_free(p) }
    }
    unsafe extern "C" fn realloc(p: *mut c_void, n: c_int) -> *mut c_void {
        match usize::try_from(n) {
            // SAFETY: p came from mi_malloc/mi_realloc (SQLite's contract for xRealloc)
            Ok(n) if n > 0 => unsafe { mi::mi_realloc(p, n) },
            _ => std::ptr::null_mut(),
        }
    }
    unsafe extern "C" fn size(p: *mut c_void) -> c_int {
        // SAFETY: p came from mi_malloc/mi_realloc; SQLite's allocations are below 2 GiB
        c_int::try_from(unsafe { mi::mi_usable_size(p) }).unwrap_or(c_int::MAX)
    }
    unsafe extern "C" fn roundup(n: c_int) -> c_int {
        let n = usize::try_from(n).unwrap_or(0);
        // SAFETY: mi_good_size is a pure function of its argument
        c_int::try_from(unsafe { mi::mi_good_size(n) }).unwrap_or(c_int::MAX)
    }
    unsafe extern "C" fn init(_: *mut c_void) -> c_int {
        ffi::SQLITE_OK
    }
    unsafe extern "C" fn shutdown(_: *mut c_void) {}

    let methods = ffi::sqlite3_mem_methods {
        xMalloc: Some(malloc),
        xFree: Some(free),
        xRealloc: Some(realloc),
        xSize: Some(size),
        xRoundup: Some(roundup),
        xInit: Some(init),
        xShutdown: Some(shutdown),
        pAppData: std::ptr::null_mut(),
    };
    // SAFETY: SQLITE_CONFIG_MALLOC takes a pointer to methods SQLite copies before it
    // returns; it fails (and changes nothing) once SQLite is initialized, which the result says
    unsafe { ffi::sqlite3_config(ffi::SQLITE_CONFIG_MALLOC, &raw const methods) == ffi::SQLITE_OK }
}

/// Has mimalloc commit its arenas' memory as it is used, and give freed pages back by
/// decommitting them. By default (on Linux, where memory is overcommitted) it commits a whole
/// arena at once, and the pages its purges free are then only reset, so they stay in the
/// process's RSS: the server's anonymous memory after a listing, search and home mix at 10,000
/// ads was 68-80 MB that way and 27-38 MB this way, at the same speed. Call before the
/// first allocation (`main.rs` runs it as a constructor).
pub fn commit_on_demand() {
    // `mi_option_arena_eager_commit` in mimalloc.h's `mi_option_e` (libmimalloc-sys does not
    // name it)
    const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
    // SAFETY: mi_option_set only stores the value; the option is read when an arena is made
    unsafe { libmimalloc_sys::mi_option_set(ARENA_EAGER_COMMIT, 0) }
}
