//! The `View` job: one view per (ad, client) per window, not the owner, not bots; increments
//! coalesced into one UPDATE per ad per batch.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::Mutex;

use hashbrown::HashTable;

use rusqlite::{Connection, TransactionBehavior};

use super::View;
use super::worker::JobError;
use crate::domain::ids::AdId;

/// (ad, client) pairs remembered at most (3,000 new ones a second for the 5-minute window),
/// half in each generation. Past it the older generation goes: at worst a repeat view of one
/// of its clients counts once more. Each pair is a 16-byte slot (a keyed 64-bit fingerprint
/// and its time), so two full generations take about 18 MB; a map of whole keys with an
/// eviction queue took 130 MB at this bound and grew towards it for minutes under a soak.
const DEDUPE_LIMIT: usize = 900_000;

/// Remembers when each (ad, client) last counted, in memory (a restart forgets: at worst one
/// extra view per client within the window).
///
/// Two generations of fingerprints: views are looked up in both and stored in the current
/// one, which becomes the previous one (and the previous one is dropped) when it is a window
/// old or holds half the limit. A pair is so remembered for at least the window unless the
/// limit pushed it out, and the memory is two tables that stop growing once full.
pub struct ViewDedupe {
    window: i64,
    // SipHash with a per-process key: the clients' addresses come from outside
    hasher: RandomState,
    generations: Mutex<Generations>,
}

#[derive(Default)]
struct Generations {
    current: HashTable<(u64, i64)>,
    previous: HashTable<(u64, i64)>,
    current_since: i64,
}

impl Generations {
    fn last_seen(&self, fingerprint: u64) -> Option<i64> {
        let eq = |e: &(u64, i64)| e.0 == fingerprint;
        let at = |t: &HashTable<(u64, i64)>| t.find(fingerprint, eq).map(|e| e.1);
        at(&self.current).or_else(|| at(&self.previous))
    }

    /// Starts a new generation at `now`, keeping the tables' memory for the next one.
    fn rotate(&mut self, now: i64) {
        std::mem::swap(&mut self.current, &mut self.previous);
        self.current.clear();
        self.current_since = now;
    }
}

impl ViewDedupe {
    /// A dedupe with the given window in seconds.
    pub fn new(window_seconds: u64) -> Self {
        Self {
            window: i64::try_from(window_seconds).unwrap_or(i64::MAX),
            hasher: RandomState::new(),
            generations: Mutex::new(Generations::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Generations> {
        self.generations.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether this view counts; if so, remembers it.
    pub fn admit(&self, v: &View) -> bool {
        let fingerprint = self.hasher.hash_one((v.ad_id, v.client));
        let mut g = self.lock();
        if v.at - g.current_since >= self.window || g.current.len() >= DEDUPE_LIMIT / 2 {
            g.rotate(v.at);
        }
        match g.last_seen(fingerprint) {
            Some(last) if v.at - last < self.window && v.at >= last => false,
            _ => {
                let g = &mut *g;
                match g.current.find_mut(fingerprint, |e| e.0 == fingerprint) {
                    Some(e) => e.1 = v.at,
                    None => {
                        g.current.insert_unique(fingerprint, (fingerprint, v.at), |e| e.0);
                    }
                }
                true
            }
        }
    }

    /// Forgets what is older than the window; when everything is, gives the tables' memory
    /// back (a quiet site need not hold the peak's).
    pub fn sweep(&self, now: i64) {
        let mut g = self.lock();
        if now - g.current_since >= 2 * self.window {
            *g = Generations { current_since: now, ..Generations::default() };
        } else if now - g.current_since >= self.window {
            g.rotate(now);
        }
    }

    /// Entries held (a pair seen in both generations counts twice).
    pub fn len(&self) -> usize {
        let g = self.lock();
        g.current.len() + g.previous.len()
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes the tables hold.
    pub fn allocated_bytes(&self) -> usize {
        let g = self.lock();
        g.current.allocation_size() + g.previous.allocation_size()
    }
}

/// Adds the counts per (ad, day) to the pending tally in one transaction, for active ads only.
/// A statement that fails is undone alone (SQLite rolls back the statement, not the
/// transaction), so the others still land; an error that ends the transaction itself fails the
/// whole batch. Returns the ads whose update failed.
///
/// The tally is a narrow table of a few hundred pages, where the ads table is tens of thousands
/// of wide rows plus a views index: a batch of views dirties far fewer pages here, and the
/// pages' WAL copies and checkpoints were most of a view's cost. Keeping the day adds a row
/// only for an ad seen on both sides of midnight within one fold.
pub(super) fn apply(
    conn: &mut Connection,
    per_ad: &HashMap<(AdId, i64), i64>,
) -> Result<Vec<AdId>, JobError> {
    if per_ad.is_empty() {
        return Ok(Vec::new());
    }
    let mut failed = Vec::new();
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    {
        let mut update = tx.prepare_cached(
            "INSERT INTO ad_views_pending (ad_id, day, views) \
             SELECT id, ?3, ?1 FROM ads WHERE id = ?2 AND is_active = 1 \
             ON CONFLICT (ad_id, day) DO UPDATE SET views = views + excluded.views",
        )?;
        // in key order: consecutive ads share b-tree pages, which stay hot in cache from one
        // statement to the next instead of each view touching a random page
        let mut in_order: Vec<((AdId, i64), i64)> = per_ad.iter().map(|(&k, &n)| (k, n)).collect();
        in_order.sort_unstable();
        for ((ad_id, day), n) in in_order {
            if let Err(e) = update.execute((n, ad_id, day)) {
                if tx.is_autocommit() {
                    // the transaction is gone with this error: nothing of the batch was written
                    return Err(e.into());
                }
                tracing::error!(%ad_id, error = %e, "view count update failed");
                failed.push(ad_id);
            }
        }
    }
    tx.commit()?;
    failed.dedup();
    Ok(failed)
}

/// Ads folded per transaction: each chunk holds the write lock for a few tens of milliseconds,
/// so posting, favorites and view batches never queue long behind a fold.
const FOLD_CHUNK: i64 = 2_000;

/// Moves the pending tally into `ads.views_count` and into the ads' days (`ad_views_daily`), a
/// chunk of ads (by id) per transaction; returns the ads folded. Views an ad gets behind the
/// chunk being folded wait for the next fold; none is counted twice or lost, as each chunk's
/// UPDATE, INSERT and DELETE commit together. Each statement reads the chunk's range of the
/// tally's key; the days' rows of a fold are today's (and perhaps yesterday's), at the end of
/// their table's key.
pub(super) fn fold(conn: &mut Connection) -> Result<usize, JobError> {
    let mut folded = 0;
    let mut after = 0_i64; // ad ids start at 1
    loop {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let upto: Option<i64> = tx.query_row(
            "SELECT max(ad_id) FROM \
             (SELECT ad_id FROM ad_views_pending WHERE ad_id > ?1 ORDER BY ad_id LIMIT ?2)",
            (after, FOLD_CHUNK),
            |r| r.get(0),
        )?;
        let Some(upto) = upto else { return Ok(folded) };
        folded += tx.prepare_cached(FOLD_INTO_ADS)?.execute((after, upto))?;
        tx.prepare_cached(FOLD_INTO_DAYS)?.execute((after, upto))?;
        tx.execute("DELETE FROM ad_views_pending WHERE ad_id > ?1 AND ad_id <= ?2", (after, upto))?;
        tx.commit()?;
        after = upto;
    }
}

/// The fold's write of a chunk's views (ads `?1` < id <= `?2`) into the ads' totals.
pub const FOLD_INTO_ADS: &str = "UPDATE ads SET views_count = views_count + p.views \
     FROM (SELECT ad_id, sum(views) AS views FROM ad_views_pending \
           WHERE ad_id > ?1 AND ad_id <= ?2 GROUP BY ad_id) p \
     WHERE ads.id = p.ad_id";

/// The fold's write of a chunk's views into the ads' days. Ads never leave the table (a deleted
/// ad keeps its row), so every pending row has its ad.
pub const FOLD_INTO_DAYS: &str = "INSERT INTO ad_views_daily (day, ad_id, views) \
     SELECT day, ad_id, views FROM ad_views_pending WHERE ad_id > ?1 AND ad_id <= ?2 \
     ON CONFLICT (day, ad_id) DO UPDATE SET views = views + excluded.views";

/// Obvious bots by User-Agent: crawlers announce themselves, scripts send none.
pub fn is_bot(user_agent: Option<&str>) -> bool {
    let Some(ua) = user_agent else { return true };
    let ua = ua.to_ascii_lowercase();
    ua.is_empty()
        || [
            "bot",
            "crawl",
            "spider",
            "slurp",
            "curl",
            "wget",
            "python-requests",
            "httpclient",
            "headless",
            "lighthouse",
            "facebookexternalhit",
            "preview",
        ]
        .iter()
        .any(|needle| ua.contains(needle))
}

#[cfg(test)]
mod tests {
    use std::net::IpAddr;

    use super::*;

    fn view(ad: i64, ip: u8, at: i64) -> View {
        View { ad_id: AdId(ad), client: IpAddr::from([10, 0, 0, ip]), at }
    }

    #[test]
    fn one_view_per_client_per_window() {
        let d = ViewDedupe::new(300);
        assert!(d.admit(&view(1, 1, 1000)));
        assert!(!d.admit(&view(1, 1, 1299)));
        assert!(d.admit(&view(2, 1, 1299)), "another ad counts");
        assert!(d.admit(&view(1, 2, 1299)), "another client counts");
        assert!(d.admit(&view(1, 1, 1300)), "window over");
        assert!(!d.admit(&view(1, 1, 1301)));
        d.sweep(2000);
        assert!(d.is_empty());
    }

    #[test]
    fn a_full_dedupe_forgets_its_oldest_clients_only() {
        let d = ViewDedupe::new(300);
        let client = |i: usize| IpAddr::from(u32::try_from(i).expect("ip").to_be_bytes());
        for i in 0..DEDUPE_LIMIT + 10 {
            assert!(d.admit(&View { ad_id: AdId(1), client: client(i), at: 1000 }));
        }
        assert!(d.len() <= DEDUPE_LIMIT, "{} held", d.len());
        assert!(
            d.admit(&View { ad_id: AdId(1), client: client(0), at: 1001 }),
            "evicted: counts again"
        );
        let last = View { ad_id: AdId(1), client: client(DEDUPE_LIMIT + 9), at: 1001 };
        assert!(!d.admit(&last), "a recent client is still remembered");
        assert!(d.allocated_bytes() <= 24 << 20, "{} bytes", d.allocated_bytes());
    }

    #[test]
    fn a_failing_update_is_undone_alone_and_the_fold_moves_the_rest() {
        let mut conn = Connection::open_in_memory().expect("open");
        crate::db::migrate(&mut conn).expect("migrate");
        conn.execute_batch(
            "INSERT INTO users (id, email, name, created_at) VALUES (1, 'a@b.c', 'A', 0);
             INSERT INTO ads (id, owner_id, kind, title, slug, country, city, currency, created_at,
                              updated_at, bumped_at, is_active, views_count)
             VALUES (1, 1, 'sale', 'a', 'a', 'kz', 'x', 'KZT', 0, 0, 0, 1, 10),
                    (2, 1, 'sale', 'b', 'b', 'kz', 'x', 'KZT', 0, 0, 0, 1, 0),
                    (3, 1, 'sale', 'c', 'c', 'kz', 'x', 'KZT', 0, 0, 0, 1, 0),
                    (4, 1, 'sale', 'd', 'd', 'kz', 'x', 'KZT', 0, 0, 0, 0, 0);
             CREATE TEMP TRIGGER refuse_two BEFORE INSERT ON ad_views_pending WHEN new.ad_id = 2
             BEGIN SELECT RAISE(ABORT, 'refused'); END;",
        )
        .expect("schema");
        // ad 1 seen on two days (a batch across midnight), ad 2 refused on both
        let per_ad: HashMap<(AdId, i64), i64> = [
            ((AdId(1), 100), 4),
            ((AdId(1), 101), 1),
            ((AdId(2), 100), 7),
            ((AdId(2), 101), 7),
            ((AdId(3), 101), 1),
            ((AdId(4), 101), 2),
        ]
        .into();
        let failed = apply(&mut conn, &per_ad).expect("batch");
        assert_eq!(failed, vec![AdId(2)], "once, though refused on two days");
        assert!(conn.is_autocommit(), "committed");
        apply(&mut conn, &[((AdId(1), 101), 1)].into()).expect("second batch adds up");
        let pending = |conn: &Connection| -> Vec<(i64, i64)> {
            conn.prepare(
                "SELECT ad_id, sum(views) FROM ad_views_pending GROUP BY ad_id ORDER BY ad_id",
            )
            .expect("prepare")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows")
        };
        assert_eq!(pending(&conn), vec![(1, 6), (3, 1)], "ad 2 refused, inactive ad 4 skipped");

        assert_eq!(fold(&mut conn).expect("fold"), 2);
        assert!(pending(&conn).is_empty());
        let counts: Vec<i64> = conn
            .prepare("SELECT views_count FROM ads ORDER BY id")
            .expect("prepare")
            .query_map([], |r| r.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert_eq!(counts, vec![16, 0, 1, 0]);
        let days: Vec<(i64, i64, i64)> = conn
            .prepare("SELECT day, ad_id, views FROM ad_views_daily ORDER BY day, ad_id")
            .expect("prepare")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert_eq!(days, vec![(100, 1, 4), (101, 1, 2), (101, 3, 1)], "each view on its day");
        // a later fold adds to a day already there
        apply(&mut conn, &[((AdId(1), 101), 3)].into()).expect("third batch");
        assert_eq!(fold(&mut conn).expect("fold"), 1);
        let day_101: i64 = conn
            .query_row("SELECT views FROM ad_views_daily WHERE day = 101 AND ad_id = 1", [], |r| {
                r.get(0)
            })
            .expect("day");
        assert_eq!(day_101, 5);
    }

    #[test]
    fn a_fold_larger_than_a_chunk_moves_everything_once() {
        let mut conn = Connection::open_in_memory().expect("open");
        crate::db::migrate(&mut conn).expect("migrate");
        let n = FOLD_CHUNK * 2 + 7;
        conn.execute_batch(&format!(
            "INSERT INTO users (id, email, name, created_at) VALUES (1, 'a@b.c', 'A', 0);
             WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < {n})
             INSERT INTO ads (id, owner_id, kind, title, slug, country, city, currency, created_at,
                              updated_at, bumped_at, is_active, views_count)
             SELECT i, 1, 'sale', 't', 's' || i, 'kz', 'x', 'KZT', 0, 0, 0, 1, 1 FROM k;
             INSERT INTO ad_views_pending (ad_id, day, views) SELECT id, 7, id FROM ads;"
        ))
        .expect("rows");
        assert_eq!(fold(&mut conn).expect("fold"), n as usize);
        let (pending, total): (i64, i64) = conn
            .query_row(
                "SELECT (SELECT count(*) FROM ad_views_pending), sum(views_count) FROM ads",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("sums");
        assert_eq!(pending, 0);
        assert_eq!(total, n + n * (n + 1) / 2, "each ad's own 1 plus its pending id");
        let (rows, day_total): (i64, i64) = conn
            .query_row("SELECT count(*), sum(views) FROM ad_views_daily WHERE day = 7", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .expect("days");
        assert_eq!((rows, day_total), (n, n * (n + 1) / 2), "every chunk's days written once");
    }

    #[test]
    fn bots_are_recognised() {
        assert!(is_bot(None));
        assert!(is_bot(Some("Mozilla/5.0 (compatible; Googlebot/2.1)")));
        assert!(is_bot(Some("curl/8.0")));
        assert!(!is_bot(Some("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120")));
    }
}
