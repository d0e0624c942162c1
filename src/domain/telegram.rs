//! The Telegram channel's outbox: rows written in the transaction of an ad's change (post,
//! edit, unpublish, delete) and taken by the `Telegram` job, which posts, edits or deletes the
//! channel message and marks them sent (DESIGN §5a). What was posted is kept per ad.

use rusqlite::{Connection, OptionalExtension};

use crate::db::write_tx;
use crate::domain::ids::AdId;

/// Failed tries after which a row is given up (kept, with its last error).
pub const MAX_ATTEMPTS: u32 = 10;

/// What to do in the channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// Post the ad (a new or re-published one).
    Post,
    /// Edit its message to the ad as it is now.
    Edit,
    /// Delete its message.
    Delete,
}

impl Op {
    /// The `op` column's value.
    pub fn code(self) -> &'static str {
        match self {
            Op::Post => "post",
            Op::Edit => "edit",
            Op::Delete => "delete",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "post" => Some(Op::Post),
            "edit" => Some(Op::Edit),
            "delete" => Some(Op::Delete),
            _ => None,
        }
    }
}

/// Queues `op` for an ad; call inside the transaction that changes the ad.
pub fn queue(conn: &Connection, ad: AdId, op: Op, now: i64) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO telegram_outbox (ad_id, op, created_at, next_attempt_at) VALUES (?1, ?2, ?3, ?3)",
    )?
    .execute((ad, op.code(), now))?;
    Ok(())
}

/// Whether the channel has (or is about to have) a message of this ad: it was posted, or rows
/// for it still wait. Only then does an edit or a removal need a row.
pub fn is_followed(conn: &Connection, ad: AdId) -> rusqlite::Result<bool> {
    conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM telegram_posts WHERE ad_id = ?1)
             OR EXISTS (SELECT 1 FROM telegram_outbox WHERE ad_id = ?1 AND sent_at IS NULL)",
    )?
    .query_row([ad], |r| r.get(0))
}

/// A row due for delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delivery {
    /// Outbox id.
    pub id: i64,
    /// The ad.
    pub ad_id: AdId,
    /// What to do.
    pub op: Op,
    /// Failed tries so far.
    pub attempts: u32,
}

/// The due-rows query (`?1` now, `?2` [`MAX_ATTEMPTS`], `?3` limit): an ad's rows go out one
/// at a time, oldest first, so an edit never overtakes its post.
pub const DUE_SQL: &str = "SELECT o.id, o.ad_id, o.op, o.attempts FROM telegram_outbox o
     WHERE o.sent_at IS NULL AND o.next_attempt_at <= ?1 AND o.attempts < ?2
       AND NOT EXISTS (SELECT 1 FROM telegram_outbox e WHERE e.ad_id = o.ad_id
                       AND e.sent_at IS NULL AND e.attempts < ?2 AND e.id < o.id)
     ORDER BY o.next_attempt_at, o.id LIMIT ?3";

/// Rows due now, at most `limit`.
pub fn due(conn: &Connection, now: i64, limit: u32) -> rusqlite::Result<Vec<Delivery>> {
    conn.prepare_cached(DUE_SQL)?
        .query_map((now, MAX_ATTEMPTS, limit), |r| {
            let op: String = r.get(2)?;
            Ok(Delivery {
                id: r.get(0)?,
                ad_id: r.get(1)?,
                op: Op::parse(&op).unwrap_or(Op::Edit),
                attempts: r.get(3)?,
            })
        })?
        .collect()
}

/// Takes a due row for one worker: its due time moves to `until`, so no other run sends it
/// meanwhile, and a process that dies mid-send sends it again then (at most once more).
/// False when another run took it first.
pub fn claim(conn: &Connection, id: i64, now: i64, until: i64) -> rusqlite::Result<bool> {
    let n = conn.execute(
        "UPDATE telegram_outbox SET next_attempt_at = ?3
         WHERE id = ?1 AND sent_at IS NULL AND next_attempt_at <= ?2",
        (id, now, until),
    )?;
    Ok(n == 1)
}

/// Marks a row done (sent, or nothing was left to do).
pub fn mark_sent(conn: &Connection, id: i64, now: i64) -> rusqlite::Result<()> {
    conn.execute("UPDATE telegram_outbox SET sent_at = ?2 WHERE id = ?1", (id, now))?;
    Ok(())
}

/// Records a failed try: one more attempt, the error, and when to try again.
pub fn mark_failed(conn: &Connection, id: i64, error: &str, next_at: i64) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE telegram_outbox SET attempts = attempts + 1, last_error = ?2, next_attempt_at = ?3
         WHERE id = ?1",
        (id, error, next_at),
    )?;
    Ok(())
}

/// The channel message of a posted ad.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posted {
    /// Its id in the channel.
    pub message_id: i64,
    /// Sent with a photo (its text is a caption).
    pub with_photo: bool,
}

/// The channel message of an ad, if it was posted.
pub fn posted(conn: &Connection, ad: AdId) -> rusqlite::Result<Option<Posted>> {
    conn.prepare_cached("SELECT message_id, with_photo FROM telegram_posts WHERE ad_id = ?1")?
        .query_row([ad], |r| Ok(Posted { message_id: r.get(0)?, with_photo: r.get(1)? }))
        .optional()
}

/// Remembers a post and marks its row sent, in one transaction.
pub fn record_post(
    conn: &mut Connection,
    id: i64,
    ad: AdId,
    post: Posted,
    now: i64,
) -> rusqlite::Result<()> {
    write_tx(conn, |tx| {
        tx.execute(
            "INSERT OR REPLACE INTO telegram_posts (ad_id, message_id, with_photo, posted_at)
             VALUES (?1, ?2, ?3, ?4)",
            (ad, post.message_id, post.with_photo, now),
        )?;
        mark_sent(tx, id, now)
    })
}

/// Forgets a deleted post and marks its row sent, in one transaction.
pub fn forget_post(conn: &mut Connection, id: i64, ad: AdId, now: i64) -> rusqlite::Result<()> {
    write_tx(conn, |tx| {
        tx.execute("DELETE FROM telegram_posts WHERE ad_id = ?1", [ad])?;
        mark_sent(tx, id, now)
    })
}

/// Drops every waiting row (the channel is turned off); returns how many.
pub fn drop_unsent(conn: &Connection) -> rusqlite::Result<usize> {
    conn.execute("DELETE FROM telegram_outbox WHERE sent_at IS NULL", [])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> Connection {
        let mut conn = Connection::open_in_memory().expect("open");
        crate::db::migrate(&mut conn).expect("migrate");
        conn.execute_batch(
            "INSERT INTO users (id, email, name, created_at) VALUES (1, 'a@b.c', 'A', 0);
             INSERT INTO ads (id, owner_id, kind, title, slug, country, city, currency, created_at,
                              updated_at, bumped_at)
             VALUES (1, 1, 'sale', 'a', 'a', 'kz', 'x', 'KZT', 0, 0, 0),
                    (2, 1, 'sale', 'b', 'b', 'kz', 'x', 'KZT', 0, 0, 0);",
        )
        .expect("rows");
        conn
    }

    #[test]
    fn an_ads_rows_go_out_one_at_a_time_in_order() {
        let conn = db();
        queue(&conn, AdId(1), Op::Post, 10).expect("q");
        queue(&conn, AdId(1), Op::Edit, 11).expect("q");
        queue(&conn, AdId(2), Op::Post, 12).expect("q");
        let ops = |now| -> Vec<(i64, Op)> {
            due(&conn, now, 10).expect("due").iter().map(|d| (d.ad_id.0, d.op)).collect()
        };
        assert_eq!(ops(20), [(1, Op::Post), (2, Op::Post)], "the edit waits for its post");
        let first = due(&conn, 20, 10).expect("due")[0];
        assert!(claim(&conn, first.id, 20, 620).expect("claim"));
        assert!(!claim(&conn, first.id, 20, 620).expect("claim"), "taken once");
        assert_eq!(ops(20), [(2, Op::Post)], "a claimed post still holds back its edit");
        mark_sent(&conn, first.id, 21).expect("sent");
        assert_eq!(ops(21), [(1, Op::Edit), (2, Op::Post)]);
    }

    #[test]
    fn failures_wait_and_a_given_up_row_blocks_nothing() {
        let conn = db();
        queue(&conn, AdId(1), Op::Post, 10).expect("q");
        queue(&conn, AdId(1), Op::Delete, 11).expect("q");
        let post = due(&conn, 20, 10).expect("due")[0];
        mark_failed(&conn, post.id, "500", 80).expect("failed");
        assert!(due(&conn, 79, 10).expect("due").is_empty(), "backoff, and the delete waits");
        assert_eq!(due(&conn, 80, 10).expect("due")[0].attempts, 1);
        conn.execute(
            "UPDATE telegram_outbox SET attempts = ?1 WHERE id = ?2",
            (MAX_ATTEMPTS, post.id),
        )
        .expect("give up");
        let left = due(&conn, 80, 10).expect("due");
        assert_eq!(left.iter().map(|d| d.op).collect::<Vec<_>>(), [Op::Delete]);
        assert!(is_followed(&conn, AdId(1)).expect("followed"));
        assert!(!is_followed(&conn, AdId(2)).expect("followed"));
    }
}
