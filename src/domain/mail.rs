//! The mail outbox: messages are written in the same transaction as their cause and delivered
//! by a job, so a crash between the two loses nothing.

use rusqlite::Connection;

/// A message waiting to be sent.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// Outbox id.
    pub id: i64,
    /// Recipient.
    pub to: String,
    /// Subject.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
}

/// Queues a message.
pub fn enqueue(
    conn: &Connection,
    to: &str,
    subject: &str,
    body: &str,
    now: i64,
) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO outbox (to_addr, subject, body, created_at) VALUES (?1, ?2, ?3, ?4)",
        (to, subject, body, now),
    )?;
    Ok(conn.last_insert_rowid())
}

/// Messages not yet sent, oldest first, skipping ones that failed too often.
pub fn pending(conn: &Connection, limit: u32) -> rusqlite::Result<Vec<Outgoing>> {
    conn.prepare_cached(
        "SELECT id, to_addr, subject, body FROM outbox WHERE sent_at IS NULL AND attempts < 10 ORDER BY id LIMIT ?1",
    )?
    .query_map([limit], |r| Ok(Outgoing { id: r.get(0)?, to: r.get(1)?, subject: r.get(2)?, body: r.get(3)? }))?
    .collect()
}

/// Records a delivery.
pub fn mark_sent(conn: &Connection, id: i64, now: i64) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE outbox SET sent_at = ?2, attempts = attempts + 1 WHERE id = ?1",
        (id, now),
    )?;
    Ok(())
}

/// Records a failed attempt.
pub fn mark_failed(conn: &Connection, id: i64, error: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE outbox SET attempts = attempts + 1, last_error = ?2 WHERE id = ?1",
        (id, error),
    )?;
    Ok(())
}
