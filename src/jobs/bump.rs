//! The `Bump` job: raise every active ad whose last bump is old enough, longest-waiting first,
//! at most a batch per run, so that all ads take turns at the top.

use rusqlite::Connection;

/// Raises up to `batch` due ads; returns how many.
pub(crate) fn run(
    conn: &mut Connection,
    interval_minutes: u64,
    batch: u32,
) -> rusqlite::Result<usize> {
    let now = crate::db::now();
    let cutoff = now - (interval_minutes as i64) * 60;
    crate::db::write_tx(conn, |tx| {
        tx.execute(
            "UPDATE ads SET bumped_at = ?1
             WHERE id IN (SELECT id FROM ads WHERE is_active = 1 AND bumped_at <= ?2
                          ORDER BY bumped_at, id LIMIT ?3)",
            (now, cutoff, batch),
        )
    })
}
