//! Favorites in SQL: toggled only on ads the user may see, marked on cards, listed.

use std::collections::HashSet;

use rusqlite::Connection;

use super::AdCard;
use super::repo::{CARD_COLUMNS, card_from_row};
use crate::domain::ids::{AdId, UserId};

/// Adds or removes a favorite; returns whether it is now a favorite, or `None` when the user
/// may not see the ad (hidden ads are not listed through favorites: only their owner's).
pub fn toggle_favorite(
    conn: &Connection,
    user: UserId,
    ad: AdId,
    now: i64,
) -> rusqlite::Result<Option<bool>> {
    let visible: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM ads WHERE id = ?1 AND deleted_at IS NULL
                          AND (is_active = 1 OR owner_id = ?2))",
        (ad, user),
        |r| r.get(0),
    )?;
    if !visible {
        return Ok(None);
    }
    let removed =
        conn.execute("DELETE FROM favorites WHERE user_id = ?1 AND ad_id = ?2", (user, ad))?;
    if removed > 0 {
        return Ok(Some(false));
    }
    conn.execute(
        "INSERT INTO favorites (user_id, ad_id, created_at) VALUES (?1, ?2, ?3)",
        (user, ad, now),
    )?;
    Ok(Some(true))
}

/// Which of `ads` the user has favorited.
pub fn favorite_ids(
    conn: &Connection,
    user: UserId,
    ads: &[AdId],
) -> rusqlite::Result<HashSet<AdId>> {
    if ads.is_empty() {
        return Ok(HashSet::new());
    }
    // one query for the whole page: the ids are integers of ours, bound through json_each.
    // The page's ids lead (CROSS JOIN keeps that order) and each is one probe of the primary
    // key: led by the user's favorites instead, a user with 200 of them re-read the JSON 200
    // times, and their home page ran at a sixth of a new user's speed
    let ids = serde_json::to_string(ads).unwrap_or_else(|_| "[]".into());
    let mut stmt = conn.prepare_cached(
        "SELECT f.ad_id FROM json_each(?2) j CROSS JOIN favorites f
         WHERE f.user_id = ?1 AND f.ad_id = j.value",
    )?;
    stmt.query_map((user, ids), |r| r.get(0))?.collect()
}

/// The user's favorites the user may see, newest first: published ads, and the user's own
/// unpublished ones (marked on the card). A favorite whose ad was hidden is kept, unseen, and
/// shows again if the ad is published again.
pub fn favorites(conn: &Connection, user: UserId, now: i64) -> rusqlite::Result<Vec<AdCard>> {
    let sql = format!(
        "SELECT {CARD_COLUMNS} FROM favorites f JOIN ads a ON a.id = f.ad_id JOIN users u ON u.id = a.owner_id
         WHERE f.user_id = ?2 AND a.deleted_at IS NULL AND (a.is_active = 1 OR a.owner_id = ?2) ORDER BY f.created_at DESC, a.id DESC LIMIT 500"
    );
    conn.prepare(&sql)?.query_map((now, user), card_from_row)?.collect()
}
