//! What users do to their saved searches, each in one write transaction: save (at most
//! [`MAX_PER_USER`]; an equal search is the one already saved), rename, change the frequency,
//! pause, resume, delete (its owner only: anyone else's is not there for them), and the
//! unsubscribe of an alert mail's signed link, which needs no sign-in.

use rusqlite::{Connection, OptionalExtension};

use super::{Frequency, MAX_PER_USER, SavedSearch, get, newest_ad, token_ok};
use crate::db::write_tx;
use crate::domain::Denied;
use crate::domain::ads::Section;
use crate::domain::ids::{SearchId, UserId};

/// What a save did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    /// A new saved search.
    New(SearchId),
    /// The same search was saved before: nothing changed.
    Existing(SearchId),
}

/// Saves a normalized search (see `super::normalize`); its alerts start after the newest ad
/// now. Refused with the message key `alerts.too_many` past [`MAX_PER_USER`].
pub fn save(
    conn: &mut Connection,
    user: UserId,
    section: Section,
    query: &str,
    name: &str,
    frequency: Frequency,
    now: i64,
) -> rusqlite::Result<Result<Saved, &'static str>> {
    write_tx(conn, |tx| {
        let existing: Option<SearchId> = tx
            .query_row(
                "SELECT id FROM saved_searches WHERE user_id = ?1 AND section = ?2 AND query = ?3",
                (user, section.code(), query),
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = existing {
            return Ok(Ok(Saved::Existing(id)));
        }
        let count: i64 =
            tx.query_row("SELECT count(*) FROM saved_searches WHERE user_id = ?1", [user], |r| {
                r.get(0)
            })?;
        if count >= MAX_PER_USER {
            return Ok(Err("alerts.too_many"));
        }
        tx.execute(
            "INSERT INTO saved_searches (user_id, section, query, name, frequency, last_seen_ad_id, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            (user, section.code(), query, name, frequency.code(), newest_ad(tx)?, now),
        )?;
        Ok(Ok(Saved::New(SearchId(tx.last_insert_rowid()))))
    })
}

/// A change to a saved search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A new name (already cleaned by `super::clean_name`).
    Rename(String),
    /// Another frequency.
    Frequency(Frequency),
    /// Stop alerts.
    Pause,
    /// Alerts again, for ads from now on (what appeared while paused is not mailed).
    Resume,
    /// Forget it.
    Delete,
}

fn apply(tx: &rusqlite::Transaction<'_>, id: SearchId, change: &Change) -> rusqlite::Result<()> {
    match change {
        Change::Rename(name) => {
            tx.execute("UPDATE saved_searches SET name = ?2 WHERE id = ?1", (id, name))?;
        }
        Change::Frequency(f) => {
            tx.execute("UPDATE saved_searches SET frequency = ?2 WHERE id = ?1", (id, f.code()))?;
        }
        Change::Pause => {
            tx.execute("UPDATE saved_searches SET paused = 1 WHERE id = ?1", [id])?;
        }
        Change::Resume => {
            tx.execute(
                "UPDATE saved_searches SET paused = 0, last_seen_ad_id = max(last_seen_ad_id, ?2)
                 WHERE id = ?1 AND paused = 1",
                (id, newest_ad(tx)?),
            )?;
        }
        Change::Delete => {
            tx.execute("DELETE FROM saved_searches WHERE id = ?1", [id])?;
        }
    }
    Ok(())
}

/// Changes a saved search of `user`'s; anyone else's is [`Denied::NotFound`].
pub fn change(
    conn: &mut Connection,
    user: UserId,
    id: SearchId,
    change: &Change,
) -> rusqlite::Result<Result<(), Denied>> {
    write_tx(conn, |tx| {
        match get(tx, id)? {
            Some(s) if s.user_id == user => {}
            _ => return Ok(Err(Denied::NotFound)),
        }
        apply(tx, id, change)?;
        Ok(Ok(()))
    })
}

/// Pauses (or, with `delete`, removes) the search of an alert mail's link, if `token` is its
/// signed token; returns the search as it was, or `None` for an unknown search or a bad token.
pub fn unsubscribe(
    conn: &mut Connection,
    key: &[u8; 32],
    id: SearchId,
    token: &str,
    delete: bool,
) -> rusqlite::Result<Option<SavedSearch>> {
    write_tx(conn, |tx| {
        let Some(s) = get(tx, id)?.filter(|s| token_ok(key, s, token)) else { return Ok(None) };
        apply(tx, id, if delete { &Change::Delete } else { &Change::Pause })?;
        Ok(Some(s))
    })
}
