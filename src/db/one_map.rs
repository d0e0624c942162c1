//! One read-only mapping of each database file for the whole process.
//!
//! SQLite's own unix VFS maps the database once per connection, and Linux counts a page in a
//! process's RSS once for every mapping that touched it: with the whole of a 2.4 GB database
//! mapped, four pooled connections showed 3.0 GB of RSS. This VFS is the default one with one
//! change: a main database file's pages are fetched from a single mapping per file (found by
//! device and inode) that every connection of the process shares, so the mapping can cover
//! the whole file and RSS stays within the file's size. Reads, writes, locks and the WAL's
//! shared memory all go to the default VFS unchanged; it is only never told a main database's
//! mapping size, so it never maps one itself.
//!
//! It keeps the rules SQLite's own mapping keeps. SQLite fetches a page only for a reader
//! whose snapshot holds it in the file, and a checkpoint never truncates a page some reader
//! still needs. A fetch past the file's known end reads the size again, and past the real end
//! hands SQLite nothing, so it reads the page with `xRead`. The mapping covers at least 256
//! bytes past a fetched page (SQLite may over-read a corrupt page by a few bytes). The mapping
//! is `MAP_SHARED` and read-only: a checkpoint's `pwrite` shows through it at once, one page
//! cache under both. A file renamed over since it was opened is never mapped.
//!
//! The mapping is made from a descriptor of our own, and POSIX drops every lock a process holds
//! on a file when it closes any descriptor of it: ours stays open while any connection of ours
//! has the file open (as SQLite's own VFS keeps its closed ones). Connections opened before
//! `install` go around this VFS, so `Db::open` installs it before its first.

use std::ffi::{CStr, c_char, c_int, c_void};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::ptr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};

use rusqlite::ffi;

/// The VFS's name (`PRAGMA`s and URIs never name it: it is made the default).
const NAME: &CStr = c"uzmat-one-map";

/// Bytes past a fetched page that must be mapped too, as SQLite's unix VFS asks.
const EOF_BUFFER: u64 = 256;

/// The default VFS this one forwards to (a `*mut sqlite3_vfs`, stored once).
static DEFAULT: AtomicUsize = AtomicUsize::new(0);

/// The database files (inodes) this VFS has open.
static INODES: Mutex<Vec<Inode>> = Mutex::new(Vec::new());

/// Makes this VFS SQLite's default for every connection opened afterwards. Idempotent; false
/// when SQLite has no default VFS to wrap (connections then read without a mapping).
pub fn install() -> bool {
    static INSTALLED: OnceLock<bool> = OnceLock::new();
    *INSTALLED.get_or_init(|| {
        // SAFETY: sqlite3_vfs_find and sqlite3_vfs_register take SQLite's own mutex; the
        // registered struct is leaked, so it outlives every connection
        unsafe {
            let default = ffi::sqlite3_vfs_find(ptr::null());
            if default.is_null() {
                return false;
            }
            DEFAULT.store(default as usize, Ordering::Release);
            let mut vfs = *default;
            vfs.pNext = ptr::null_mut();
            vfs.zName = NAME.as_ptr();
            vfs.szOsFile = (size_of::<File>() + (*default).szOsFile as usize) as c_int;
            vfs.xOpen = Some(open);
            ffi::sqlite3_vfs_register(Box::leak(Box::new(vfs)), 1) == ffi::SQLITE_OK
        }
    })
}

/// A main database file that connections of this process have open through this VFS.
struct Inode {
    id: (u64, u64),
    /// Our files open on it. Our own descriptor of it, for `mmap`, is closed only when none
    /// is: closing any descriptor of a file drops every POSIX lock the process holds on it,
    /// the locks SQLite's connections hold (SQLite's own VFS defers its closes for this).
    files: usize,
    descriptor: Option<std::fs::File>,
    /// The largest mapping made, while a connection reads through it.
    map: Weak<Mapping>,
}

/// A file name SQLite gives, as a path.
fn path_of(name: &CStr) -> &std::path::Path {
    std::path::Path::new(std::ffi::OsStr::from_bytes(name.to_bytes()))
}

/// The (device, inode) of the file at `path`.
fn file_id(path: &CStr) -> Option<(u64, u64)> {
    let meta = std::fs::metadata(path_of(path)).ok()?;
    Some((meta.dev(), meta.ino()))
}

/// One mapping of a file, shared by every connection to it that reads this far; unmapped
/// when the last of them closes or moves to a larger one.
struct Mapping {
    base: *mut u8,
    len: u64,
    /// The file's size when last read: a fetch below it needs no `fstat`.
    size: AtomicU64,
}

// SAFETY: the mapping is read-only and lives until the last Arc is dropped
unsafe impl Send for Mapping {}
unsafe impl Sync for Mapping {}

impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: base and len are the values mmap returned and was given; no connection
        // holds a page of it any more (each held an Arc until it had none out)
        unsafe {
            libc::munmap(self.base.cast(), self.len as usize);
        }
    }
}

impl Mapping {
    /// A mapping of at least `len` bytes of the file `id` at `path`: the live one, or a new
    /// one. None when the file is not registered or not at the path any more, or mmap fails.
    fn of(id: (u64, u64), path: &CStr, len: u64) -> Option<Arc<Mapping>> {
        let mut inodes = INODES.lock().ok()?;
        let inode = inodes.iter_mut().find(|i| i.id == id)?;
        if let Some(live) = inode.map.upgrade().filter(|m| m.len >= len) {
            return Some(live);
        }
        if inode.descriptor.is_none() {
            let file = std::fs::File::open(path_of(path)).ok()?;
            let meta = file.metadata().ok()?;
            if (meta.dev(), meta.ino()) != id {
                // another file took the path: never mapped, and never closed (closing it
                // would drop this process's locks on that file, if it has any)
                std::mem::forget(file);
                return None;
            }
            inode.descriptor = Some(file);
        }
        let fd = std::os::fd::AsRawFd::as_raw_fd(inode.descriptor.as_ref()?);
        let size = inode.descriptor.as_ref()?.metadata().ok()?.len();
        // SAFETY: a fresh read-only shared mapping of an open file; the kernel picks the
        // address. Pages past the file's end are never handed out (see `page`).
        let base = unsafe {
            libc::mmap(
                ptr::null_mut(),
                usize::try_from(len).ok()?,
                libc::PROT_READ,
                libc::MAP_SHARED,
                fd,
                0,
            )
        };
        if base == libc::MAP_FAILED {
            tracing::warn!(
                error = %std::io::Error::last_os_error(),
                "could not map the database file; its pages are read with read()"
            );
            return None;
        }
        let mapping = Arc::new(Mapping { base: base.cast(), len, size: AtomicU64::new(size) });
        inode.map = Arc::downgrade(&mapping);
        Some(mapping)
    }

    /// The address of `amt` bytes at `offset`, when they and the 256 bytes after them lie in
    /// the file and in the first `limit` bytes of the mapping. `file_size` reads the file's
    /// size when the one known is too small.
    fn page(
        &self,
        offset: i64,
        amt: c_int,
        limit: u64,
        file_size: impl FnOnce() -> Option<u64>,
    ) -> Option<*mut c_void> {
        let offset = u64::try_from(offset).ok()?;
        let end = offset + u64::try_from(amt).ok()? + EOF_BUFFER;
        if end > self.len.min(limit) {
            return None;
        }
        if end > self.size.load(Ordering::Acquire) {
            let size = file_size()?;
            self.size.store(size, Ordering::Release);
            if end > size {
                return None;
            }
        }
        // SAFETY: offset + amt lies inside the mapping (checked against len above)
        Some(unsafe { self.base.add(offset as usize) }.cast())
    }
}

/// A file as SQLite holds it: the default VFS's own file follows this header in the same
/// allocation (`szOsFile` covers both).
#[repr(C)]
struct File {
    base: ffi::sqlite3_file,
    real: *mut ffi::sqlite3_file,
    /// A main database's name (valid until close) and file, or null for every other file.
    name: *const c_char,
    id: (u64, u64),
    /// The connection's `PRAGMA mmap_size`, as SQLite passes it on (`SQLITE_FCNTL_MMAP_SIZE`):
    /// how much of the shared mapping this connection reads through.
    limit: u64,
    /// The shared mapping, made at the first fetch (again when the limit grows past it).
    map: Option<Arc<Mapping>>,
    mapping_tried: bool,
    /// Pages of `map` SQLite holds now: the mapping is not swapped while any are out.
    pages_out: u32,
}

fn default_vfs() -> *mut ffi::sqlite3_vfs {
    DEFAULT.load(Ordering::Acquire) as *mut ffi::sqlite3_vfs
}

/// The default VFS's file behind one of ours.
///
/// # Safety
/// `file` must be a file this VFS opened.
unsafe fn real(
    file: *mut ffi::sqlite3_file,
) -> (*mut ffi::sqlite3_file, &'static ffi::sqlite3_io_methods) {
    // SAFETY: per the contract, and the default VFS set pMethods (else ours is null and
    // SQLite calls nothing)
    unsafe {
        let real = (*file.cast::<File>()).real;
        (real, &*(*real).pMethods)
    }
}

/// Forwards a method to the default VFS's file; `$missing` when it lacks the method.
macro_rules! forward {
    ($file:expr, $method:ident, $missing:expr $(, $arg:expr)*) => {{
        let (real, methods) = real($file);
        match methods.$method {
            Some(f) => f(real $(, $arg)*),
            None => $missing,
        }
    }};
}

unsafe extern "C" fn open(
    _vfs: *mut ffi::sqlite3_vfs,
    name: ffi::sqlite3_filename,
    file: *mut ffi::sqlite3_file,
    flags: c_int,
    out_flags: *mut c_int,
) -> c_int {
    // SAFETY: SQLite gives `file` szOsFile bytes, aligned for any type; the default VFS's
    // file goes after our header, and is opened by the default VFS itself
    unsafe {
        let ours = file.cast::<File>();
        let real = file.cast::<u8>().add(size_of::<File>()).cast::<ffi::sqlite3_file>();
        ptr::write(
            ours,
            File {
                base: ffi::sqlite3_file { pMethods: ptr::null() },
                real,
                name: ptr::null(),
                id: (0, 0),
                limit: 0,
                map: None,
                mapping_tried: false,
                pages_out: 0,
            },
        );
        let default = default_vfs();
        let Some(default_open) = (*default).xOpen else {
            return ffi::SQLITE_CANTOPEN;
        };
        (*real).pMethods = ptr::null();
        let rc = default_open(default, name, real, flags, out_flags);
        if (*real).pMethods.is_null() {
            return rc;
        }
        // SQLite calls xClose whenever pMethods is set, even after a failed open
        (*ours).base.pMethods = &METHODS;
        if rc == ffi::SQLITE_OK
            && flags & ffi::SQLITE_OPEN_MAIN_DB != 0
            && !name.is_null()
            && let Some(id) = file_id(CStr::from_ptr(name))
            && let Ok(mut inodes) = INODES.lock()
        {
            match inodes.iter_mut().find(|i| i.id == id) {
                Some(inode) => inode.files += 1,
                None => inodes.push(Inode { id, files: 1, descriptor: None, map: Weak::new() }),
            }
            (*ours).name = name;
            (*ours).id = id;
            // the default VFS maps nothing itself, whatever its compiled-in default
            let mut none: i64 = 0;
            forward!(
                file,
                xFileControl,
                ffi::SQLITE_NOTFOUND,
                ffi::SQLITE_FCNTL_MMAP_SIZE,
                (&raw mut none).cast()
            );
        }
        rc
    }
}

unsafe extern "C" fn close(file: *mut ffi::sqlite3_file) -> c_int {
    // SAFETY: SQLite closes a file once; our header was written by `open`
    unsafe {
        let rc = forward!(file, xClose, ffi::SQLITE_OK);
        let ours = &mut *file.cast::<File>();
        ours.map = None;
        if !ours.name.is_null()
            && let Ok(mut inodes) = INODES.lock()
            && let Some(at) = inodes.iter().position(|i| i.id == ours.id)
        {
            inodes[at].files -= 1;
            if inodes[at].files == 0 {
                // no connection of ours has the file open: no lock of ours to drop
                inodes.swap_remove(at);
            }
        }
        rc
    }
}

unsafe extern "C" fn read(
    f: *mut ffi::sqlite3_file,
    buf: *mut c_void,
    amt: c_int,
    off: i64,
) -> c_int {
    unsafe { forward!(f, xRead, ffi::SQLITE_IOERR_READ, buf, amt, off) }
}

unsafe extern "C" fn write(
    f: *mut ffi::sqlite3_file,
    buf: *const c_void,
    amt: c_int,
    off: i64,
) -> c_int {
    unsafe { forward!(f, xWrite, ffi::SQLITE_IOERR_WRITE, buf, amt, off) }
}

unsafe extern "C" fn truncate(f: *mut ffi::sqlite3_file, size: i64) -> c_int {
    unsafe {
        let rc = forward!(f, xTruncate, ffi::SQLITE_IOERR_TRUNCATE, size);
        // the new last page must not be handed out without the 256 bytes after it
        if rc == ffi::SQLITE_OK
            && let Some(map) = &(*f.cast::<File>()).map
        {
            map.size.fetch_min(u64::try_from(size).unwrap_or(0), Ordering::AcqRel);
        }
        rc
    }
}

unsafe extern "C" fn sync(f: *mut ffi::sqlite3_file, flags: c_int) -> c_int {
    unsafe { forward!(f, xSync, ffi::SQLITE_IOERR_FSYNC, flags) }
}

unsafe extern "C" fn file_size(f: *mut ffi::sqlite3_file, size: *mut i64) -> c_int {
    unsafe { forward!(f, xFileSize, ffi::SQLITE_IOERR_FSTAT, size) }
}

unsafe extern "C" fn lock(f: *mut ffi::sqlite3_file, level: c_int) -> c_int {
    unsafe { forward!(f, xLock, ffi::SQLITE_IOERR_LOCK, level) }
}

unsafe extern "C" fn unlock(f: *mut ffi::sqlite3_file, level: c_int) -> c_int {
    unsafe { forward!(f, xUnlock, ffi::SQLITE_IOERR_UNLOCK, level) }
}

unsafe extern "C" fn check_reserved_lock(f: *mut ffi::sqlite3_file, out: *mut c_int) -> c_int {
    unsafe { forward!(f, xCheckReservedLock, ffi::SQLITE_IOERR_CHECKRESERVEDLOCK, out) }
}

unsafe extern "C" fn file_control(f: *mut ffi::sqlite3_file, op: c_int, arg: *mut c_void) -> c_int {
    // SAFETY: SQLITE_FCNTL_MMAP_SIZE's argument is an i64: the new limit in (negative: a
    // query), the old one out
    unsafe {
        let ours = &mut *f.cast::<File>();
        if op == ffi::SQLITE_FCNTL_MMAP_SIZE && !ours.name.is_null() {
            // kept from the default VFS, which would map the file for this connection alone
            // (on a size hint too, not only on a fetch)
            let asked = *arg.cast::<i64>();
            *arg.cast::<i64>() = ours.limit as i64;
            if let Ok(limit) = u64::try_from(asked)
                && limit != ours.limit
            {
                ours.limit = limit;
                ours.mapping_tried = false;
            }
            return ffi::SQLITE_OK;
        }
        forward!(f, xFileControl, ffi::SQLITE_NOTFOUND, op, arg)
    }
}

unsafe extern "C" fn sector_size(f: *mut ffi::sqlite3_file) -> c_int {
    unsafe { forward!(f, xSectorSize, 4096) }
}

unsafe extern "C" fn device_characteristics(f: *mut ffi::sqlite3_file) -> c_int {
    unsafe { forward!(f, xDeviceCharacteristics, 0) }
}

unsafe extern "C" fn shm_map(
    f: *mut ffi::sqlite3_file,
    region: c_int,
    size: c_int,
    extend: c_int,
    out: *mut *mut c_void,
) -> c_int {
    unsafe { forward!(f, xShmMap, ffi::SQLITE_IOERR_SHMMAP, region, size, extend, out) }
}

unsafe extern "C" fn shm_lock(
    f: *mut ffi::sqlite3_file,
    offset: c_int,
    n: c_int,
    flags: c_int,
) -> c_int {
    unsafe { forward!(f, xShmLock, ffi::SQLITE_IOERR_SHMLOCK, offset, n, flags) }
}

unsafe extern "C" fn shm_barrier(f: *mut ffi::sqlite3_file) {
    unsafe { forward!(f, xShmBarrier, ()) }
}

unsafe extern "C" fn shm_unmap(f: *mut ffi::sqlite3_file, delete: c_int) -> c_int {
    unsafe { forward!(f, xShmUnmap, ffi::SQLITE_OK, delete) }
}

unsafe extern "C" fn fetch(
    f: *mut ffi::sqlite3_file,
    off: i64,
    amt: c_int,
    pp: *mut *mut c_void,
) -> c_int {
    // SAFETY: SQLite calls a file's methods from one thread at a time (one connection), and
    // a main database's name stays valid until it is closed
    unsafe {
        let ours = f.cast::<File>();
        let ours = &mut *ours;
        *pp = ptr::null_mut();
        if ours.name.is_null() {
            // not a main database: the default VFS's own
            return forward!(f, xFetch, ffi::SQLITE_OK, off, amt, pp);
        }
        if !ours.mapping_tried && ours.limit > 0 && ours.pages_out == 0 {
            // the first fetch, or the first since `PRAGMA mmap_size` changed; never from a
            // file that was renamed over since it was opened (the pages would be another's)
            ours.mapping_tried = true;
            let mut moved: c_int = 1;
            let asked = forward!(
                f,
                xFileControl,
                ffi::SQLITE_NOTFOUND,
                ffi::SQLITE_FCNTL_HAS_MOVED,
                (&raw mut moved).cast()
            );
            if asked == ffi::SQLITE_OK
                && moved == 0
                && ours.map.as_ref().is_none_or(|m| m.len < ours.limit)
                && let Some(map) = Mapping::of(ours.id, CStr::from_ptr(ours.name), ours.limit)
            {
                ours.map = Some(map);
            }
        }
        let file_size = || {
            let mut size: i64 = 0;
            let rc = forward!(f, xFileSize, ffi::SQLITE_IOERR_FSTAT, &raw mut size);
            (rc == ffi::SQLITE_OK).then(|| u64::try_from(size).ok()).flatten()
        };
        if let Some(page) = ours.map.as_ref().and_then(|m| m.page(off, amt, ours.limit, file_size))
        {
            *pp = page;
            ours.pages_out += 1;
        }
        // else SQLite reads the page with xRead
        ffi::SQLITE_OK
    }
}

unsafe extern "C" fn unfetch(f: *mut ffi::sqlite3_file, off: i64, p: *mut c_void) -> c_int {
    // SAFETY: as in `fetch`
    unsafe {
        let ours = &mut *f.cast::<File>();
        if ours.name.is_null() {
            return forward!(f, xUnfetch, ffi::SQLITE_OK, off, p);
        }
        if !p.is_null() {
            ours.pages_out = ours.pages_out.saturating_sub(1);
        } else if let Some(map) = &ours.map {
            // "the mapping may be stale" (another process may have truncated the file): its
            // size is read again at the next fetch
            map.size.store(0, Ordering::Release);
        }
        ffi::SQLITE_OK
    }
}

static METHODS: ffi::sqlite3_io_methods = ffi::sqlite3_io_methods {
    iVersion: 3,
    xClose: Some(close),
    xRead: Some(read),
    xWrite: Some(write),
    xTruncate: Some(truncate),
    xSync: Some(sync),
    xFileSize: Some(file_size),
    xLock: Some(lock),
    xUnlock: Some(unlock),
    xCheckReservedLock: Some(check_reserved_lock),
    xFileControl: Some(file_control),
    xSectorSize: Some(sector_size),
    xDeviceCharacteristics: Some(device_characteristics),
    xShmMap: Some(shm_map),
    xShmLock: Some(shm_lock),
    xShmBarrier: Some(shm_barrier),
    xShmUnmap: Some(shm_unmap),
    xFetch: Some(fetch),
    xUnfetch: Some(unfetch),
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::DatabaseConfig;
    use crate::db::Db;
    use rusqlite::Connection;

    /// The mappings of exactly `path` in /proc/self/smaps, with each one's resident KiB.
    fn maps_of(path: &std::path::Path) -> Vec<u64> {
        let smaps = std::fs::read_to_string("/proc/self/smaps").expect("smaps");
        let path = path.to_string_lossy();
        let mut found = Vec::new();
        let mut ours = false;
        for line in smaps.lines() {
            if let Some(kib) = line.strip_prefix("Rss:") {
                if ours {
                    let kib = kib.trim().trim_end_matches("kB").trim();
                    found.push(kib.parse().expect("kib"));
                }
            } else if line.split_whitespace().next().is_some_and(|range| {
                range.contains('-') && range.chars().all(|c| c == '-' || c.is_ascii_hexdigit())
            }) {
                ours = line.ends_with(&*path);
            }
        }
        found
    }

    fn fill(conn: &Connection, rows: u32, bytes: u32) {
        conn.execute_batch(&format!(
            "CREATE TABLE IF NOT EXISTS t (b BLOB);
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {rows})
             INSERT INTO t SELECT randomblob({bytes}) FROM n;
             PRAGMA wal_checkpoint(TRUNCATE);"
        ))
        .expect("fill");
    }

    #[test]
    fn every_pooled_connection_reads_the_file_through_one_mapping() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("one.db");
        let cfg = DatabaseConfig { pool_size: 4, ..DatabaseConfig::default() };
        let db = Db::open(&path, &cfg).expect("open");
        fill(&db.get().expect("conn"), 2000, 2000);
        // all four at once, each reading every page of the table from the file
        let conns: Vec<_> = (0..4).map(|_| db.get().expect("conn")).collect();
        for conn in &conns {
            let total: i64 =
                conn.query_row("SELECT sum(length(b)) FROM t", [], |r| r.get(0)).expect("sum");
            assert_eq!(total, 4_000_000);
        }
        let maps = maps_of(&path);
        assert_eq!(maps.len(), 1, "one mapping of the file for four connections: {maps:?}");
        assert!(maps[0] >= 3_900, "the pages were read through it: {maps:?} KiB");
        drop(conns);
        drop(db);
        assert_eq!(maps_of(&path).len(), 0, "unmapped when the last connection closes");
    }

    #[test]
    fn a_connection_closing_leaves_the_locks_the_others_hold_on_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("locks.db");
        let db = Db::open(&path, &DatabaseConfig { pool_size: 1, ..DatabaseConfig::default() })
            .expect("open");
        let holder = db.get().expect("conn");
        fill(&holder, 200, 2000);
        let count = |c: &Connection| -> i64 {
            c.query_row("SELECT count(*) FROM t WHERE length(b) = 2000", [], |r| r.get(0))
                .expect("count")
        };
        assert_eq!(count(&holder), 200);
        // another connection of the process maps, reads and closes, twice
        for _ in 0..2 {
            let other = Connection::open(&path).expect("other");
            other.pragma_update(None, "mmap_size", 1_i64 << 30).expect("mmap");
            assert_eq!(count(&other), 200);
        }
        assert_eq!(count(&holder), 200);
        // in WAL mode a connection holds a shared lock on the file while it is open (another
        // process that saw none would take the file as unused and delete its WAL). An
        // open-file-description lock meets this process's own locks, so it can see it.
        let probe = std::fs::File::open(&path).expect("probe");
        let mut lock = libc::flock {
            l_type: libc::F_WRLCK as i16,
            l_whence: libc::SEEK_SET as i16,
            l_start: 0x4000_0002, // SQLite's SHARED_FIRST
            l_len: 510,
            l_pid: 0,
        };
        // SAFETY: F_OFD_GETLK fills the flock it is given
        let rc = unsafe {
            libc::fcntl(std::os::fd::AsRawFd::as_raw_fd(&probe), libc::F_OFD_GETLK, &mut lock)
        };
        assert_eq!(rc, 0, "{}", std::io::Error::last_os_error());
        assert_eq!(lock.l_type, libc::F_RDLCK as i16, "the holder's shared lock is still there");
        std::mem::forget(probe); // its close would drop the locks it just saw
    }

    #[test]
    fn a_page_is_handed_out_only_inside_the_file_the_mapping_and_the_limit() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("pages");
        std::fs::write(&path, vec![7u8; 8192]).expect("write");
        let name = std::ffi::CString::new(path.to_string_lossy().as_bytes()).expect("name");
        let id = file_id(&name).expect("id");
        INODES.lock().expect("inodes").push(Inode {
            id,
            files: 1,
            descriptor: None,
            map: Weak::new(),
        });
        let size = || std::fs::metadata(&path).ok().map(|m| m.len());
        let len = 3 * 4096;
        let map = Mapping::of(id, &name, len).expect("map");
        assert!(map.page(0, 4096, len, size).is_some());
        // the last page lacks the 256 bytes after it that SQLite may over-read
        assert!(map.page(4096, 4096, len, size).is_none());
        assert!(map.page(0, 4096, 4096, size).is_none(), "past this connection's limit");
        assert!(map.page(-4096, 4096, len, size).is_none());
        // the file grows: its size is read again when a page lies past the one known
        let mut grown = std::fs::OpenOptions::new().append(true).open(&path).expect("open");
        std::io::Write::write_all(&mut grown, &[9u8; 8192]).expect("append");
        assert!(map.page(4096, 4096, len, size).is_some());
        let page = map.page(8192, 2048, len, size).expect("a page of the grown file");
        // SAFETY: page() vouched for 2048 bytes there
        let bytes = unsafe { std::slice::from_raw_parts(page.cast::<u8>(), 2048) };
        assert!(bytes.iter().all(|&b| b == 9));
        assert!(map.page(8192, 4096, len, size).is_none(), "in the file, past the mapping");
        let again = Mapping::of(id, &name, len).expect("map");
        assert!(Arc::ptr_eq(&map, &again), "the same file shares its mapping");
        let bigger = Mapping::of(id, &name, 2 * len).expect("map");
        assert!(!Arc::ptr_eq(&map, &bigger), "a longer reach gets its own");
        INODES.lock().expect("inodes").retain(|i| i.id != id);
    }

    #[test]
    fn reads_stay_right_while_the_file_grows_and_shrinks_under_open_connections() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("size.db");
        let db = Db::open(&path, &DatabaseConfig::default()).expect("open");
        let writer = db.get().expect("writer");
        let reader = db.get().expect("reader");
        let sum = |c: &Connection| -> (i64, i64) {
            c.query_row("SELECT count(*), coalesce(sum(length(b)), 0) FROM t", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .expect("sum")
        };
        for round in 1..=3_i64 {
            fill(&writer, 500, 3000);
            assert_eq!(sum(&reader), (500 * round, 1_500_000 * round));
        }
        let grown = std::fs::metadata(&path).expect("meta").len();
        writer
            .execute_batch(
                "DELETE FROM t WHERE rowid > 100; VACUUM; PRAGMA wal_checkpoint(TRUNCATE);",
            )
            .expect("shrink");
        let shrunk = std::fs::metadata(&path).expect("meta").len();
        assert!(shrunk + 1_000_000 < grown, "the file shrank: {grown} -> {shrunk}");
        assert_eq!(sum(&reader), (100, 300_000));
        fill(&writer, 300, 3000);
        assert_eq!(sum(&reader), (400, 1_200_000));
        let ok: String =
            reader.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("check");
        assert_eq!(ok, "ok");
    }
}
