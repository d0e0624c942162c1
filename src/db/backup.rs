//! Backups: an online, consistent copy of the database taken while the server serves and
//! writes (`VACUUM INTO` reads one snapshot, so writers go on), checked with `integrity_check`,
//! with the keys (and, on request, the uploads) copied beside it; and the restore of such a
//! copy into an empty data folder.
//!
//! A backup `FILE` is the database itself plus a folder `FILE.files/` holding `secret.key`,
//! `chat-keys.txt` (without them sessions end and **chat messages cannot be read**) and, with
//! uploads, `uploads/`.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use rusqlite::{Connection, OpenFlags};

/// The files of the data folder a backup carries beside the database.
pub const KEY_FILES: [&str; 2] = ["secret.key", "chat-keys.txt"];

/// Why a backup or a restore stopped.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// SQLite refused.
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A file could not be read or written.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The copy does not pass `integrity_check`.
    #[error("the copy failed its integrity check: {0}")]
    Damaged(String),
    /// There is something where the copy should go.
    #[error("{0} exists already: choose another name (a backup never overwrites)")]
    Exists(PathBuf),
    /// A restore would overwrite a live database.
    #[error(
        "{0} exists: restore only into an empty data folder (stop the server and move it away first)"
    )]
    Live(PathBuf),
    /// No such backup.
    #[error("{0} is not a backup file")]
    Missing(PathBuf),
}

/// The folder beside a backup file holding its keys and uploads.
pub fn files_dir(backup: &Path) -> PathBuf {
    let mut name = backup.as_os_str().to_owned();
    name.push(".files");
    PathBuf::from(name)
}

/// What a backup wrote.
#[derive(Debug, Clone)]
pub struct Report {
    /// Bytes of the database copy.
    pub bytes: u64,
    /// Files copied beside it (keys, uploads).
    pub files: u64,
}

/// Copies the database at `source` into `dest` while others keep writing, checks the copy,
/// and copies the keys (and the uploads with `with_uploads`) from `data_dir` beside it.
/// `progress(done, total)` is called with bytes written while the copy runs.
pub fn backup(
    source: &Path,
    data_dir: &Path,
    dest: &Path,
    with_uploads: bool,
    mut progress: impl FnMut(u64, u64),
) -> Result<Report, BackupError> {
    if dest.exists() || files_dir(dest).exists() {
        return Err(BackupError::Exists(dest.to_path_buf()));
    }
    if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let partial = dest.with_extension("partial");
    let _ = std::fs::remove_file(&partial);
    let conn = Connection::open_with_flags(
        source,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(Duration::from_secs(30))?;
    let total: u64 = conn.query_row(
        "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
        [],
        |r| r.get::<_, i64>(0),
    )? as u64;
    // the copy runs on its own thread; this one watches the file grow
    let target = partial.to_string_lossy().into_owned();
    let worker = std::thread::spawn(move || conn.execute("VACUUM INTO ?1", [target]).map(|_| ()));
    while !worker.is_finished() {
        let done = std::fs::metadata(&partial).map(|m| m.len()).unwrap_or(0);
        progress(done.min(total), total);
        std::thread::sleep(Duration::from_millis(100));
    }
    worker.join().map_err(|_| std::io::Error::other("the copy's thread panicked"))??;
    let bytes = std::fs::metadata(&partial)?.len();
    progress(bytes, bytes);
    verify(&partial)?;
    std::fs::rename(&partial, dest)?;
    let files = copy_beside(data_dir, &files_dir(dest), with_uploads)?;
    Ok(Report { bytes, files })
}

/// Runs `integrity_check` on a database file.
pub fn verify(path: &Path) -> Result<(), BackupError> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let result: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if result == "ok" { Ok(()) } else { Err(BackupError::Damaged(result)) }
}

fn copy_beside(data_dir: &Path, to: &Path, with_uploads: bool) -> std::io::Result<u64> {
    std::fs::create_dir_all(to)?;
    let mut n = 0;
    for name in KEY_FILES {
        let from = data_dir.join(name);
        if from.exists() {
            std::fs::copy(&from, to.join(name))?;
            n += 1;
        }
    }
    if with_uploads {
        n += copy_tree(&data_dir.join("uploads"), &to.join("uploads"))?;
    }
    Ok(n)
}

/// Copies a folder's files (recursively); returns how many.
fn copy_tree(from: &Path, to: &Path) -> std::io::Result<u64> {
    if !from.is_dir() {
        return Ok(0);
    }
    std::fs::create_dir_all(to)?;
    let mut n = 0;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let target = to.join(entry.file_name());
        if kind.is_dir() {
            n += copy_tree(&entry.path(), &target)?;
        } else if kind.is_file() {
            std::fs::copy(entry.path(), target)?;
            n += 1;
        }
    }
    Ok(n)
}

/// Restores `backup` into `data_dir`, where no database may exist yet: the copy is checked,
/// then the keys and uploads beside it are put back.
pub fn restore(backup: &Path, database: &Path, data_dir: &Path) -> Result<Report, BackupError> {
    if !backup.is_file() {
        return Err(BackupError::Missing(backup.to_path_buf()));
    }
    if database.exists() {
        return Err(BackupError::Live(database.to_path_buf()));
    }
    verify(backup)?;
    if let Some(dir) = database.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let partial = database.with_extension("restoring");
    std::fs::copy(backup, &partial)?;
    std::fs::rename(&partial, database)?;
    let bytes = std::fs::metadata(database)?.len();
    let beside = files_dir(backup);
    let mut files = 0;
    for name in KEY_FILES {
        let from = beside.join(name);
        if from.exists() && !data_dir.join(name).exists() {
            std::fs::copy(&from, data_dir.join(name))?;
            files += 1;
        }
    }
    files += copy_tree(&beside.join("uploads"), &data_dir.join("uploads"))?;
    Ok(Report { bytes, files })
}

/// Scheduled backups: `dir/uzmat-YYYYmmdd-HHMMSS.db`, then all but the newest `keep` removed.
pub fn scheduled(
    source: &Path,
    data_dir: &Path,
    dir: &Path,
    keep: usize,
) -> Result<PathBuf, BackupError> {
    let stamp = time::OffsetDateTime::now_utc();
    let name = format!(
        "uzmat-{:04}{:02}{:02}-{:02}{:02}{:02}.db",
        stamp.year(),
        u8::from(stamp.month()),
        stamp.day(),
        stamp.hour(),
        stamp.minute(),
        stamp.second()
    );
    let dest = dir.join(name);
    backup(source, data_dir, &dest, false, |_, _| {})?;
    for old in list(dir)?.into_iter().rev().skip(keep.max(1)) {
        let _ = std::fs::remove_file(&old);
        let _ = std::fs::remove_dir_all(files_dir(&old));
    }
    Ok(dest)
}

/// The scheduled backups in `dir`, oldest first.
pub fn list(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("uzmat-") && n.ends_with(".db"))
            })
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(e),
    };
    out.sort();
    Ok(out)
}

/// How long ago the newest scheduled backup in `dir` was written.
pub fn last_age(dir: &Path) -> Option<Duration> {
    let newest = list(dir).ok()?.pop()?;
    let modified = std::fs::metadata(newest).and_then(|m| m.modified()).ok()?;
    SystemTime::now().duration_since(modified).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_backup_taken_while_writing_restores_whole_with_its_keys() {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = dir.path().join("data");
        std::fs::create_dir_all(data.join("uploads/photos")).expect("dirs");
        std::fs::write(data.join("chat-keys.txt"), "1 a2V5\n").expect("keys");
        std::fs::write(data.join("uploads/photos/a.jpg"), b"jpeg").expect("photo");
        let db = data.join("uzmat.db");
        let conn = Connection::open(&db).expect("open");
        conn.execute_batch("PRAGMA journal_mode = WAL; CREATE TABLE t (x INTEGER);")
            .expect("schema");
        for i in 0..1000 {
            conn.execute("INSERT INTO t VALUES (?1)", [i]).expect("row");
        }
        // a writer keeps going while the copy runs
        let writer_db = db.clone();
        let writer = std::thread::spawn(move || {
            let c = Connection::open(writer_db).expect("open");
            c.busy_timeout(Duration::from_secs(5)).expect("busy");
            for i in 0..200 {
                c.execute("INSERT INTO t VALUES (?1)", [10_000 + i]).expect("row");
            }
        });
        let dest = dir.path().join("backups/one.db");
        let mut calls = 0;
        let report = backup(&db, &data, &dest, true, |_, _| calls += 1).expect("backup");
        writer.join().expect("writer");
        assert!(report.bytes > 0 && calls > 0);
        assert_eq!(report.files, 2, "the chat keys and one upload");
        assert!(
            matches!(backup(&db, &data, &dest, false, |_, _| {}), Err(BackupError::Exists(_))),
            "never overwrites"
        );
        let n: i64 = Connection::open(&dest)
            .expect("copy")
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .expect("n");
        assert!((1000..=1200).contains(&n), "a consistent snapshot: {n}");

        // restore refuses a live database, and fills an empty folder
        assert!(matches!(restore(&dest, &db, &data), Err(BackupError::Live(_))));
        let fresh = dir.path().join("fresh");
        let r = restore(&dest, &fresh.join("uzmat.db"), &fresh).expect("restore");
        assert_eq!(r.files, 2);
        assert_eq!(std::fs::read_to_string(fresh.join("chat-keys.txt")).expect("keys"), "1 a2V5\n");
        assert!(fresh.join("uploads/photos/a.jpg").exists());
        verify(&fresh.join("uzmat.db")).expect("intact");
        // a damaged copy is refused
        let bad = dir.path().join("bad.db");
        std::fs::write(&bad, b"not a database at all, just text").expect("bad");
        assert!(restore(&bad, &dir.path().join("x/uzmat.db"), &dir.path().join("x")).is_err());
    }

    #[test]
    fn scheduled_backups_keep_the_newest() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("uzmat.db");
        Connection::open(&db).expect("open").execute_batch("CREATE TABLE t (x)").expect("schema");
        let backups = dir.path().join("backups");
        for _ in 0..3 {
            scheduled(&db, dir.path(), &backups, 2).expect("backup");
            // names carry seconds
            std::thread::sleep(Duration::from_millis(1100));
        }
        assert_eq!(list(&backups).expect("list").len(), 2);
        assert!(last_age(&backups).expect("age") < Duration::from_secs(5));
    }
}
