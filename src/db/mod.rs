//! The SQLite store: a pool of connections with Uzmat's pragmas, the embedded migrations, and
//! the one helper through which async handlers reach blocking SQLite calls.

pub mod backup;
mod lanes;
#[cfg(unix)]
pub mod one_map;

use std::path::Path;
use std::time::Duration;

use r2d2::{CustomizeConnection, Pool, PooledConnection};
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use crate::config::{DatabaseConfig, Synchronous};

/// Embedded, append-only migrations: (version, SQL). Never edit a shipped one; add a new one.
const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("migrations/0001_init.sql")),
    (2, include_str!("migrations/0002_accounts.sql")),
    (3, include_str!("migrations/0003_ads_posting.sql")),
    (4, include_str!("migrations/0004_freight.sql")),
    (5, include_str!("migrations/0005_moderation.sql")),
    (6, include_str!("migrations/0006_view_tally.sql")),
    (7, include_str!("migrations/0007_seller_counts.sql")),
    (8, include_str!("migrations/0008_media_access.sql")),
    (9, include_str!("migrations/0009_phone_reveals.sql")),
    (10, include_str!("migrations/0010_chats.sql")),
    (11, include_str!("migrations/0011_payments.sql")),
    (12, include_str!("migrations/0012_moderation.sql")),
    (13, include_str!("migrations/0013_telegram.sql")),
    (14, include_str!("migrations/0014_finding.sql")),
    (15, include_str!("migrations/0015_accounts.sql")),
    (16, include_str!("migrations/0016_user_lang.sql")),
    (17, include_str!("migrations/0017_saved_searches.sql")),
    (18, include_str!("migrations/0018_stats_photos.sql")),
    (19, include_str!("migrations/0019_rates.sql")),
    (20, include_str!("migrations/0020_scale.sql")),
    (21, include_str!("migrations/0021_word_search.sql")),
    (22, include_str!("migrations/0022_sorted_filters.sql")),
    (23, include_str!("migrations/0023_search_by_section.sql")),
    (24, include_str!("migrations/0024_sort_keys.sql")),
    (25, include_str!("migrations/0025_covering_filters.sql")),
    (26, include_str!("migrations/0026_price_bands.sql")),
    (27, include_str!("migrations/0027_title_search.sql")),
    (28, include_str!("migrations/0028_type_brand.sql")),
    (29, include_str!("migrations/0029_city_tag.sql")),
    (30, include_str!("migrations/0030_promoted_by_filter.sql")),
    (31, include_str!("migrations/0031_type_brand_fresh.sql")),
    (32, include_str!("migrations/0032_promoted_by_id.sql")),
    (33, include_str!("migrations/0033_facet_counts.sql")),
    (34, include_str!("migrations/0034_owner_place.sql")),
];

/// How long a connection is waited for before the work fails.
const CHECKOUT_TIMEOUT: Duration = Duration::from_secs(10);

/// A pooled connection.
pub type Conn = PooledConnection<SqliteConnectionManager>;

/// Store errors.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// SQLite said no.
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    /// No connection could be had from the pool in time.
    #[error("database pool: {0}")]
    Pool(#[from] r2d2::Error),
    /// A request's database work waited longer than the pool's checkout timeout to start.
    #[error("database pool: no connection free within {0:?}")]
    Busy(Duration),
    /// A request's database work panicked, or its thread is gone.
    #[error("database work failed")]
    Failed,
    /// A file or folder beside the database could not be made.
    #[error("{what}")]
    Io {
        /// What was being done, with the path.
        what: String,
        /// Why it failed.
        #[source]
        source: std::io::Error,
    },
}

/// The connection pool, cheap to clone.
#[derive(Clone)]
pub struct Db {
    pool: Pool<SqliteConnectionManager>,
    // the threads of `run`: a request waits for one as a job in their queue, not as a thread
    // parked on the pool (64 busy connections made 70 threads, each keeping its allocator's
    // pages: 200 MB)
    lanes: lanes::Lanes,
}

#[derive(Debug)]
struct Pragmas {
    busy_timeout_ms: u32,
    synchronous: Synchronous,
    read_only: bool,
    cache_size_kib: u32,
    mmap_size_mib: u32,
    temp_in_memory: bool,
}

impl Pragmas {
    /// The memory a connection may use: its page cache and its mapping of the file.
    fn memory(&self, conn: &Connection) -> Result<(), rusqlite::Error> {
        conn.pragma_update(None, "cache_size", -i64::from(self.cache_size_kib))?;
        conn.pragma_update(
            None,
            "temp_store",
            if self.temp_in_memory { "MEMORY" } else { "FILE" },
        )?;
        conn.pragma_update(None, "mmap_size", i64::from(self.mmap_size_mib) << 20)
    }
}

impl CustomizeConnection<Connection, rusqlite::Error> for Pragmas {
    fn on_acquire(&self, conn: &mut Connection) -> Result<(), rusqlite::Error> {
        if self.read_only {
            // a replica's file is written by its replicator: nothing here may change it
            conn.busy_timeout(Duration::from_millis(u64::from(self.busy_timeout_ms)))?;
            conn.pragma_update(None, "query_only", "ON")?;
            conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
            return self.memory(conn);
        }
        apply_pragmas(conn, self.busy_timeout_ms, self.synchronous)?;
        self.memory(conn)
    }
}

/// The schema version this binary's migrations end at.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |(v, _)| *v)
}

/// Prepared statements kept per connection. The listing's filters and orders make a few hundred
/// statement shapes; with 64 kept, one statement in seven was prepared again under load.
const STATEMENT_CACHE: usize = 256;

/// Pragmas every connection gets: busy_timeout first so the others wait instead of failing.
pub fn apply_pragmas(
    conn: &Connection,
    busy_timeout_ms: u32,
    synchronous: Synchronous,
) -> Result<(), rusqlite::Error> {
    conn.busy_timeout(Duration::from_millis(u64::from(busy_timeout_ms)))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    let sync = match synchronous {
        Synchronous::Off => "OFF",
        Synchronous::Normal => "NORMAL",
        Synchronous::Full => "FULL",
    };
    conn.pragma_update(None, "synchronous", sync)?;
    conn.pragma_update(None, "cache_size", -16_000)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // reads through a shared mapping instead of a read() call and a copy per page
    conn.pragma_update(None, "mmap_size", 268_435_456)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(())
}

/// Measures the indexes a migration added to a table the planner has statistics of. Without
/// their own, SQLite takes such an index for very selective and prefers it to the measured
/// ones (`PRAGMA optimize` leaves an analyzed table alone): at a million ads, after migration
/// 24, `/catalog?page=15` sorted the whole section read through a brand's index, 1.2 s, until
/// this measured them. A database never analyzed is left so: there every index is guessed
/// alike.
pub fn analyze_new_indexes(conn: &Connection) -> Result<(), DbError> {
    let measured: i64 = conn.query_row(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'sqlite_stat1'",
        [],
        |r| r.get(0),
    )?;
    if measured == 0 {
        return Ok(());
    }
    let mut stmt = conn.prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'index' \
         AND tbl_name IN (SELECT tbl FROM sqlite_stat1 WHERE CAST(stat AS INTEGER) > 0) \
         AND name NOT IN (SELECT idx FROM sqlite_stat1 WHERE idx IS NOT NULL)",
    )?;
    let unmeasured =
        stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
    for name in unmeasured {
        tracing::info!(index = %name, "measuring a new index for the query planner");
        // whole (one to two seconds at a million rows): a sample of the first thousand entries
        // said one section held a thousand ads, and that index was read for every listing
        conn.execute_batch(&format!("ANALYZE \"{}\"", name.replace('"', "\"\"")))?;
    }
    Ok(())
}

/// The options `.cargo/config.toml` compiles SQLite with (`LIBSQLITE3_FLAGS`) that this
/// build lacks: a page cache per connection and no memory counters, without which two busy
/// connections wait on each other's locks for every page read and every allocation; and no
/// sampled statistics (STAT4), with which a statement whose bound values could change its
/// plan is planned again whenever they do, every listing query. A build made outside the
/// repository's folder does not read that file.
pub fn missing_build_options(conn: &Connection) -> Result<Vec<String>, rusqlite::Error> {
    let options: Vec<String> = conn
        .prepare("PRAGMA compile_options")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut missing: Vec<String> = ["DEFAULT_MEMSTATUS=0", "OMIT_SHARED_CACHE", "USE_ALLOCA"]
        .into_iter()
        .filter(|wanted| !options.iter().any(|o| o == wanted))
        .map(str::to_owned)
        .collect();
    for unwanted in ["ENABLE_MEMORY_MANAGEMENT", "ENABLE_STAT4"] {
        if options.iter().any(|o| o == unwanted) {
            missing.push(format!("-USQLITE_{unwanted}"));
        }
    }
    Ok(missing)
}

impl Db {
    /// Opens (creating if needed) the database file and runs pending migrations; with
    /// `read_only`, opens an existing file read-only and checks it is at this binary's version.
    pub fn open(path: &Path, cfg: &DatabaseConfig) -> Result<Self, DbError> {
        // before any connection opens: each would otherwise map the file for itself
        #[cfg(unix)]
        one_map::install();
        if cfg.read_only {
            return Self::open_read_only(path, cfg);
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|source| DbError::Io {
                what: format!("cannot create {}", dir.display()),
                source,
            })?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE;
        // the schema and its statistics are made ready before the pool opens its connections:
        // a connection reads the statistics when it loads the schema, and ANALYZE does not
        // make the others reload it (with the new indexes measured on one pooled connection,
        // the three others still took them for selective: 1.3 s a plain listing)
        {
            let mut conn = Connection::open_with_flags(path, flags)?;
            apply_pragmas(&conn, cfg.busy_timeout_ms, cfg.synchronous)?;
            migrate(&mut conn)?;
            analyze_new_indexes(&conn)?;
            let missing = missing_build_options(&conn)?;
            if !missing.is_empty() {
                tracing::warn!(
                    ?missing,
                    "SQLite was built without the options of .cargo/config.toml: busy \
                     connections wait on each other's locks and listing queries are planned \
                     again on every call (about a quarter fewer listings a second)"
                );
            }
            // gathers statistics the planner lacks (cheap: limited analysis, only where needed)
            conn.execute_batch("PRAGMA optimize = 0x10002")?;
        }
        let pool = Self::pool(path, cfg, flags, false)?;
        Self::with_lanes(pool)
    }

    fn with_lanes(pool: Pool<SqliteConnectionManager>) -> Result<Self, DbError> {
        let lanes = lanes::Lanes::start(lanes::threads_for(pool.max_size())).map_err(|source| {
            DbError::Io { what: "starting the database threads".into(), source }
        })?;
        Ok(Self { pool, lanes })
    }

    /// The pool of connections to `path` opened with `flags`, each with its pragmas.
    fn pool(
        path: &Path,
        cfg: &DatabaseConfig,
        flags: OpenFlags,
        read_only: bool,
    ) -> Result<Pool<SqliteConnectionManager>, DbError> {
        let manager = SqliteConnectionManager::file(path)
            .with_flags(flags | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI);
        Ok(Pool::builder()
            .max_size(cfg.pool_size)
            .connection_timeout(CHECKOUT_TIMEOUT)
            // a local file does not go stale: no test query on every checkout
            .test_on_check_out(false)
            .connection_customizer(Box::new(Pragmas {
                busy_timeout_ms: cfg.busy_timeout_ms,
                synchronous: cfg.synchronous,
                read_only,
                cache_size_kib: cfg.cache_size_kib,
                mmap_size_mib: cfg.mmap_size_mib,
                temp_in_memory: cfg.temp_in_memory,
            }))
            .build(manager)?)
    }

    fn open_read_only(path: &Path, cfg: &DatabaseConfig) -> Result<Self, DbError> {
        if !path.exists() {
            return Err(DbError::Io {
                what: format!(
                    "{} does not exist (a read-only replica needs its database restored first)",
                    path.display()
                ),
                source: std::io::Error::from(std::io::ErrorKind::NotFound),
            });
        }
        let pool = Self::pool(path, cfg, OpenFlags::SQLITE_OPEN_READ_ONLY, true)?;
        let db = Self::with_lanes(pool)?;
        let conn = db.get()?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version != latest_version() {
            return Err(DbError::Io {
                what: format!(
                    "the replica's database is at schema version {version}, this binary needs {}: \
                     update the primary (or this binary) first",
                    latest_version()
                ),
                source: std::io::Error::other("schema version"),
            });
        }
        Ok(db)
    }

    /// A connection from the pool (blocking: call from a blocking context).
    pub fn get(&self) -> Result<Conn, DbError> {
        Ok(self.pool.get()?)
    }

    /// Runs `f` with a pooled connection on one of the request threads ([`lanes`]), re-raising
    /// nothing: a panic inside becomes an error, never a dead request task.
    pub async fn run<T, F>(&self, f: F) -> Result<T, DbError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, DbError> + Send + 'static,
    {
        let pool = self.pool.clone();
        self.lanes
            .run(CHECKOUT_TIMEOUT, move || {
                let mut conn = pool.get()?;
                f(&mut conn)
            })
            .await
    }

    /// Runs `f` on the calling thread when a pooled connection is free at once, else like
    /// [`Db::run`]. For point reads of a few indexed rows on the hottest pages: a WAL reader
    /// never waits for the writer, and the hand-off to a request thread and back (two thread
    /// wake-ups) costs more than the read. Never waiting for a connection here keeps an async
    /// thread from stalling while writers hold the pool. Anything that writes, scans or may
    /// wait belongs in [`Db::run`].
    pub async fn run_here<T, F>(&self, f: F) -> Result<T, DbError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, DbError> + Send + 'static,
    {
        match self.pool.try_get() {
            Some(mut conn) => f(&mut conn),
            None => self.run(f).await,
        }
    }
}

/// Runs `f` in a `BEGIN IMMEDIATE` transaction, retrying a few times when the database is busy.
pub fn write_tx<T>(
    conn: &mut Connection,
    mut f: impl FnMut(&rusqlite::Transaction<'_>) -> Result<T, rusqlite::Error>,
) -> Result<T, rusqlite::Error> {
    let mut attempt = 0;
    loop {
        let result =
            conn.transaction_with_behavior(TransactionBehavior::Immediate).and_then(|tx| {
                let value = f(&tx)?;
                tx.commit()?;
                Ok(value)
            });
        match result {
            Err(e) if is_busy(&e) && attempt < 5 => {
                attempt += 1;
                std::thread::sleep(Duration::from_millis(20 * attempt));
            }
            other => return other,
        }
    }
}

/// Whether an error means "another connection holds the lock; try again".
pub fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// Applies the embedded migrations not yet recorded in `PRAGMA user_version`.
pub fn migrate(conn: &mut Connection) -> Result<(), DbError> {
    let current: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
        tracing::info!(version, "applied migration");
    }
    Ok(())
}

/// The current unix time in seconds.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_is_built_with_a_page_cache_per_connection_no_memory_counters_and_no_stat4() {
        let conn = Connection::open_in_memory().expect("open");
        assert_eq!(missing_build_options(&conn).expect("options"), Vec::<String>::new());
    }

    #[test]
    fn every_pooled_connection_gets_the_configured_memory_settings() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cfg = DatabaseConfig {
            pool_size: 2,
            cache_size_kib: 1234,
            mmap_size_mib: 0,
            temp_in_memory: false,
            ..DatabaseConfig::default()
        };
        let db = Db::open(&dir.path().join("m.db"), &cfg).expect("open");
        let conns = [db.get().expect("first"), db.get().expect("second")];
        for conn in &conns {
            let get = |p: &str| -> i64 { conn.pragma_query_value(None, p, |r| r.get(0)).expect(p) };
            assert_eq!(get("cache_size"), -1234);
            assert_eq!(get("mmap_size"), 0);
            assert_eq!(get("temp_store"), 1, "FILE");
        }
        let defaults =
            Db::open(&dir.path().join("d.db"), &DatabaseConfig::default()).expect("open");
        let conn = defaults.get().expect("conn");
        let mmap: i64 = conn.pragma_query_value(None, "mmap_size", |r| r.get(0)).expect("mmap");
        assert_eq!(mmap, 16_384 << 20, "kept by db::one_map, whose mapping it sizes");
    }

    #[test]
    fn migrations_apply_once_and_fts_folds_cyrillic_case() {
        let mut conn = Connection::open_in_memory().expect("open");
        migrate(&mut conn).expect("first");
        migrate(&mut conn).expect("second is a no-op");
        let v: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).expect("v");
        // the last version, not the count: versions may be reserved by work on other branches
        assert_eq!(Some(v), MIGRATIONS.last().map(|(version, _)| *version));
        conn.execute_batch(
            "INSERT INTO users (id, email, name, created_at) VALUES (1, 'a@b.c', 'A', 0);
             INSERT INTO ads (owner_id, kind, title, slug, country, city, currency, created_at, updated_at, bumped_at)
             VALUES (1, 'rent', 'Гусеничный ЭКСКАВАТОР Hitachi', 's1', 'kz', 'Алматы', 'KZT', 0, 0, 0);",
        )
        .expect("insert");
        let n: i64 = conn
            .query_row(
                "SELECT count(*) FROM ads_find_catalog WHERE ads_find_catalog MATCH 'title : \"экскаватор\" AND tags : (scatalog krent ckz)'",
                [],
                |r| r.get(0),
            )
            .expect("match");
        assert_eq!(n, 1, "a lower-case Cyrillic word finds an upper-case title, with its filters");
        let section: String =
            conn.query_row("SELECT section FROM ads", [], |r| r.get(0)).expect("section");
        assert_eq!(section, "catalog");
    }

    #[test]
    fn a_sellers_active_ad_count_follows_every_change_to_their_ads() {
        let mut conn = Connection::open_in_memory().expect("open");
        migrate(&mut conn).expect("migrate");
        conn.execute_batch(
            "INSERT INTO users (id, email, name, created_at) VALUES (1, 'a@b.c', 'A', 0), (2, 'b@b.c', 'B', 0);",
        )
        .expect("users");
        let insert = |conn: &Connection, owner: i64, active: bool| -> i64 {
            conn.execute(
                "INSERT INTO ads (owner_id, kind, title, slug, country, city, currency, is_active, \
                 created_at, updated_at, bumped_at) \
                 VALUES (?1, 'sale', 'T', hex(randomblob(8)), 'kz', 'Алматы', 'KZT', ?2, 0, 0, 0)",
                (owner, active),
            )
            .expect("ad");
            conn.last_insert_rowid()
        };
        // the stored count against a fresh count, for both sellers
        let check = |conn: &Connection, step: &str| {
            let rows: Vec<(i64, i64)> = conn
                .prepare(
                    "SELECT active_ads, (SELECT count(*) FROM ads WHERE owner_id = users.id \
                     AND is_active = 1) FROM users ORDER BY id",
                )
                .expect("prepare")
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .expect("query")
                .collect::<Result<_, _>>()
                .expect("rows");
            for (stored, counted) in &rows {
                assert_eq!(stored, counted, "after {step}: {rows:?}");
            }
            rows.iter().map(|r| r.0).collect::<Vec<_>>()
        };
        let a = insert(&conn, 1, true);
        let b = insert(&conn, 1, true);
        insert(&conn, 1, false);
        assert_eq!(check(&conn, "inserts"), [2, 0]);
        conn.execute("UPDATE ads SET is_active = 0 WHERE id = ?1", [a]).expect("off");
        assert_eq!(check(&conn, "deactivation"), [1, 0]);
        conn.execute("UPDATE ads SET is_active = 0 WHERE id = ?1", [a]).expect("off again");
        assert_eq!(check(&conn, "a repeated deactivation"), [1, 0]);
        conn.execute("UPDATE ads SET is_active = 1, title = 'U' WHERE id = ?1", [a]).expect("on");
        assert_eq!(check(&conn, "activation"), [2, 0]);
        conn.execute("UPDATE ads SET owner_id = 2 WHERE id = ?1", [b]).expect("move");
        assert_eq!(check(&conn, "a change of owner"), [1, 1]);
        conn.execute("UPDATE ads SET bumped_at = 5, views_count = 9", []).expect("bump");
        assert_eq!(check(&conn, "bumps and views"), [1, 1]);
        conn.execute("DELETE FROM ads WHERE id = ?1", [b]).expect("delete");
        assert_eq!(check(&conn, "a delete"), [1, 0]);
        let off = insert(&conn, 1, false);
        conn.execute("UPDATE ads SET owner_id = 2 WHERE id = ?1", [off]).expect("move inactive");
        assert_eq!(check(&conn, "an inactive ad changing owner"), [1, 0]);
        conn.execute("UPDATE ads SET owner_id = 1, is_active = 1 WHERE id = ?1", [off])
            .expect("move and activate");
        assert_eq!(check(&conn, "owner and activity changed at once"), [2, 0]);
        conn.execute("UPDATE ads SET owner_id = 2, is_active = 0 WHERE id = ?1", [off])
            .expect("move and deactivate");
        assert_eq!(check(&conn, "moved away and deactivated"), [1, 0]);
        conn.execute("DELETE FROM ads WHERE id = ?1", [off]).expect("delete inactive");
        assert_eq!(check(&conn, "an inactive ad deleted"), [1, 0]);
    }

    #[test]
    fn the_count_migration_counts_the_ads_already_there() {
        let mut conn = Connection::open_in_memory().expect("open");
        let tx = conn.transaction().expect("tx");
        for (version, sql) in MIGRATIONS.iter().take_while(|(v, _)| *v < 7) {
            tx.execute_batch(sql).expect("older migration");
            tx.pragma_update(None, "user_version", version).expect("version");
        }
        tx.execute_batch(
            "INSERT INTO users (id, email, name, created_at) VALUES (1, 'a@b.c', 'A', 0);
             INSERT INTO ads (owner_id, kind, title, slug, country, city, currency, is_active, created_at, updated_at, bumped_at)
             VALUES (1, 'rent', 'A', 's1', 'kz', 'Алматы', 'KZT', 1, 0, 0, 0),
                    (1, 'rent', 'B', 's2', 'kz', 'Алматы', 'KZT', 1, 0, 0, 0),
                    (1, 'rent', 'C', 's3', 'kz', 'Алматы', 'KZT', 0, 0, 0, 0);",
        )
        .expect("rows before the migration");
        tx.commit().expect("commit");
        migrate(&mut conn).expect("the rest");
        let n: i64 = conn
            .query_row("SELECT active_ads FROM users WHERE id = 1", [], |r| r.get(0))
            .expect("n");
        assert_eq!(n, 2);
    }
}
