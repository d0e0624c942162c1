//! An ad's photos in SQL: uploads waiting for their form, the form's tokens, the ordered set an
//! ad keeps, and the sizes the resize job makes.

use std::collections::HashSet;

use rusqlite::{Connection, OptionalExtension, params};

use crate::domain::ids::{AdId, UserId};

/// A photo as the form shows it: an existing one (`p{id}`) or an upload waiting (`u{id}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormPhoto {
    /// `p12` or `u5`.
    pub token: String,
    /// Path under uploads.
    pub path: String,
    /// Pixels.
    pub width: i64,
    /// Pixels.
    pub height: i64,
}

/// An ad's photos in order.
pub fn photos(conn: &Connection, ad: AdId) -> rusqlite::Result<Vec<FormPhoto>> {
    let mut stmt = conn.prepare(
        "SELECT id, coalesce(card_path, path), width, height FROM ad_photos WHERE ad_id = ?1 ORDER BY position, id",
    )?;
    stmt.query_map([ad], |r| {
        Ok(FormPhoto {
            token: format!("p{}", r.get::<_, i64>(0)?),
            path: r.get(1)?,
            width: r.get(2)?,
            height: r.get(3)?,
        })
    })?
    .collect()
}

/// Records an upload waiting for its form; returns the form token.
pub fn add_upload(
    conn: &Connection,
    owner: UserId,
    path: &str,
    w: u32,
    h: u32,
    now: i64,
) -> rusqlite::Result<FormPhoto> {
    conn.execute(
        "INSERT INTO photo_uploads (owner_id, path, width, height, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![owner, path, w, h, now],
    )?;
    Ok(FormPhoto {
        token: format!("u{}", conn.last_insert_rowid()),
        path: path.to_owned(),
        width: w.into(),
        height: h.into(),
    })
}

/// Resolves form tokens to photos the user may use: uploads of their own, photos of this ad.
pub fn resolve(
    conn: &Connection,
    owner: UserId,
    ad: Option<AdId>,
    token: &str,
) -> rusqlite::Result<Option<FormPhoto>> {
    let (kind, id) = match (token.strip_prefix('u'), token.strip_prefix('p')) {
        (Some(id), _) => ("u", id),
        (_, Some(id)) => ("p", id),
        _ => return Ok(None),
    };
    let Ok(id) = id.parse::<i64>() else { return Ok(None) };
    let row = match kind {
        "u" => conn
            .query_row("SELECT path, width, height FROM photo_uploads WHERE id = ?1 AND owner_id = ?2", (id, owner), |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?,
        "p" => match ad {
            Some(ad) => conn
                .query_row(
                    "SELECT coalesce(card_path, path), width, height FROM ad_photos WHERE id = ?1 AND ad_id = ?2",
                    (id, ad),
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?,
            None => None,
        },
        _ => None,
    };
    Ok(row.map(|(path, width, height)| FormPhoto { token: token.to_owned(), path, width, height }))
}

/// Makes `ordered` the ad's photos (first = main): keeps listed existing ones, moves listed
/// uploads in, deletes the rest. Returns files no longer used, and whether new photos came in.
pub fn set_photos(
    conn: &Connection,
    ad: AdId,
    owner: UserId,
    ordered: &[FormPhoto],
) -> rusqlite::Result<(Vec<String>, bool)> {
    let keep: HashSet<i64> = ordered
        .iter()
        .filter_map(|p| p.token.strip_prefix('p'))
        .filter_map(|id| id.parse().ok())
        .collect();
    let mut removed = Vec::new();
    {
        let mut stmt = conn
            .prepare("SELECT id, path, card_path, detail_path FROM ad_photos WHERE ad_id = ?1")?;
        let rows = stmt.query_map([ad], |r| {
            Ok((r.get::<_, i64>(0)?, [r.get::<_, Option<String>>(1)?, r.get(2)?, r.get(3)?]))
        })?;
        for row in rows {
            let (id, files) = row?;
            if !keep.contains(&id) {
                removed.extend(files.into_iter().flatten());
                conn.execute("DELETE FROM ad_photos WHERE id = ?1", [id])?;
            }
        }
    }
    let mut added = false;
    for (position, p) in ordered.iter().enumerate() {
        if let Some(id) = p.token.strip_prefix('p').and_then(|id| id.parse::<i64>().ok()) {
            conn.execute(
                "UPDATE ad_photos SET position = ?2 WHERE id = ?1 AND ad_id = ?3",
                (id, position as i64, ad),
            )?;
        } else if let Some(id) = p.token.strip_prefix('u').and_then(|id| id.parse::<i64>().ok()) {
            let moved = conn.execute(
                "INSERT INTO ad_photos (ad_id, position, path, width, height)
                 SELECT ?1, ?2, path, width, height FROM photo_uploads WHERE id = ?3 AND owner_id = ?4",
                (ad, position as i64, id, owner),
            )?;
            conn.execute("DELETE FROM photo_uploads WHERE id = ?1 AND owner_id = ?2", (id, owner))?;
            added |= moved > 0;
        }
    }
    Ok((removed, added))
}

/// Photos still lacking their card and detail sizes.
pub fn photos_without_variants(
    conn: &Connection,
    ad: AdId,
) -> rusqlite::Result<Vec<(i64, String)>> {
    let mut stmt =
        conn.prepare("SELECT id, path FROM ad_photos WHERE ad_id = ?1 AND card_path IS NULL")?;
    stmt.query_map([ad], |r| Ok((r.get(0)?, r.get(1)?)))?.collect()
}

/// Ads with photos still lacking their sizes (a crash lost the job that was to make them),
/// at most `limit`. Demo art is shown as drawn and never gets sizes.
pub fn ads_missing_photo_sizes(conn: &Connection, limit: i64) -> rusqlite::Result<Vec<AdId>> {
    // the condition repeats the partial index's, so the query reads only that index
    let mut stmt = conn.prepare(
        "SELECT DISTINCT ad_id FROM ad_photos
         WHERE card_path IS NULL AND path NOT LIKE 'demo/%' ORDER BY ad_id LIMIT ?1",
    )?;
    stmt.query_map([limit], |r| r.get(0))?.collect()
}

/// Records a photo's sizes and its perceptual hash (stored as the signed integer with the same
/// bits).
pub fn set_variants(
    conn: &Connection,
    photo: i64,
    card: &str,
    detail: &str,
    hash: u64,
) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE ad_photos SET card_path = ?2, detail_path = ?3, phash = ?4 WHERE id = ?1",
        (photo, card, detail, hash as i64),
    )
}

/// Uploads nobody saved within a day: rows removed, files returned for deletion.
pub fn sweep_uploads(conn: &Connection, now: i64) -> rusqlite::Result<Vec<String>> {
    let cutoff = now - 86_400;
    let paths: Vec<String> = {
        let mut stmt = conn.prepare("SELECT path FROM photo_uploads WHERE created_at < ?1")?;
        stmt.query_map([cutoff], |r| r.get(0))?.collect::<Result<_, _>>()?
    };
    conn.execute("DELETE FROM photo_uploads WHERE created_at < ?1", [cutoff])?;
    Ok(paths)
}
