//! Server-side sessions: the cookie holds a random token, the database its hash.

use rusqlite::{Connection, OptionalExtension};

use super::secrets::{hash_token, new_token};
use super::users::SessionUser;
use crate::domain::ids::UserId;

/// Opens a session; returns the token for the cookie.
pub fn create(conn: &Connection, user_id: UserId, now: i64, days: u32) -> rusqlite::Result<String> {
    let token = new_token();
    conn.execute(
        "INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at) VALUES (?1, ?2, ?3, ?3, ?4)",
        (hash_token(&token), user_id, now, now + i64::from(days) * 86_400),
    )?;
    Ok(token)
}

/// A live session's user, and whether its lifetime is due for extension (last extended over an
/// hour ago).
pub fn lookup(
    conn: &Connection,
    token: &str,
    now: i64,
) -> rusqlite::Result<Option<(SessionUser, bool)>> {
    conn.prepare_cached(
        "SELECT u.id, u.name, u.is_staff, u.email_verified_at IS NOT NULL, u.avatar_path, s.last_seen_at
         FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.id = ?1 AND s.expires_at > ?2 AND u.deleted_at IS NULL AND u.banned_at IS NULL",
    )?
    .query_row((hash_token(token), now), |r| {
        let last_seen: i64 = r.get(5)?;
        Ok((
            SessionUser {
                id: r.get(0)?,
                name: r.get(1)?,
                is_staff: r.get(2)?,
                email_verified: r.get(3)?,
                avatar: r.get(4)?,
                session_hash: hash_token(token),
            },
            now - last_seen >= 3600,
        ))
    })
    .optional()
}

/// Slides a session's expiry (run by a job, at most hourly per session).
pub fn touch(conn: &Connection, session_hash: &str, now: i64, days: u32) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE sessions SET last_seen_at = ?2, expires_at = ?3 WHERE id = ?1 AND expires_at > ?2",
        (session_hash, now, now + i64::from(days) * 86_400),
    )?;
    Ok(())
}

/// Ends one session.
pub fn delete(conn: &Connection, session_hash: &str) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM sessions WHERE id = ?1", [session_hash])?;
    Ok(())
}

/// Ends every session of a user except `keep` (after a password change or reset).
pub fn delete_others(
    conn: &Connection,
    user_id: UserId,
    keep: Option<&str>,
) -> rusqlite::Result<usize> {
    conn.execute("DELETE FROM sessions WHERE user_id = ?1 AND id IS NOT ?2", (user_id, keep))
}

/// Removes expired sessions; returns how many.
pub fn sweep(conn: &Connection, now: i64) -> rusqlite::Result<usize> {
    conn.execute("DELETE FROM sessions WHERE expires_at <= ?1", [now])
}
