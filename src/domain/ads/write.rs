//! Changing ads: insert, update, publish state, delete, photos, favorites, the owner's list.

use std::collections::HashSet;

use rusqlite::{Connection, OptionalExtension, params};

use super::AdCard;
use super::form::NewAd;
use super::repo::{CARD_COLUMNS, card_from_row};
use crate::domain::ids::{AdId, UserId};
use crate::domain::slug::slugify;

/// Who owns an ad and its state (deleted ads are gone for everyone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ownership {
    /// Owner.
    pub owner_id: UserId,
    /// Published.
    pub is_active: bool,
    /// Unpublished by staff: only staff may publish it again.
    pub blocked: bool,
}

/// The owner of a live (not deleted) ad.
pub fn ownership(conn: &Connection, id: AdId) -> rusqlite::Result<Option<Ownership>> {
    conn.query_row(
        "SELECT owner_id, is_active, blocked_at IS NOT NULL FROM ads WHERE id = ?1 AND deleted_at IS NULL",
        [id],
        |r| Ok(Ownership { owner_id: r.get(0)?, is_active: r.get(1)?, blocked: r.get(2)? }),
    )
    .optional()
}

fn slug_for(title: &str, id: AdId) -> String {
    format!("{}-{id}", slugify(title))
}

/// Stores a new, published ad; returns its id.
pub fn insert(conn: &Connection, owner: UserId, ad: &NewAd, now: i64) -> rusqlite::Result<AdId> {
    conn.execute(
        "INSERT INTO ads (owner_id, kind, title, slug, description, country, city, phone, price_minor, price_unit,
            currency, price_usd_cents, equipment_type, brand, model, year, with_operator, min_order, power_hp,
            weight_t, condition, engine_hours, service_name, part_name, created_at, updated_at, bumped_at)
         VALUES (?1, ?2, ?3, 'new-' || hex(randomblob(8)), ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,
            ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?24, ?24)",
        params![
            owner, ad.kind.code(), ad.title, ad.description, ad.country.code(), ad.city, ad.phone, ad.price_minor,
            ad.price_unit, ad.currency.code(), ad.price_usd_cents, ad.equipment_type, ad.brand, ad.model, ad.year,
            ad.with_operator, ad.min_order, ad.power_hp, ad.weight_t, ad.condition, ad.engine_hours, ad.service_name,
            ad.part_name, now
        ],
    )?;
    let id = AdId(conn.last_insert_rowid());
    conn.execute("UPDATE ads SET slug = ?2 WHERE id = ?1", (id, slug_for(&ad.title, id)))?;
    Ok(id)
}

/// Saves an edit; the slug follows the title (old links redirect: the id is in every URL).
/// Returns false when the ad was deleted meanwhile (nothing is written).
pub fn update(conn: &Connection, id: AdId, ad: &NewAd, now: i64) -> rusqlite::Result<bool> {
    let changed = conn.execute(
        "UPDATE ads SET title = ?2, slug = ?3, description = ?4, country = ?5, city = ?6, phone = ?7, price_minor = ?8,
            price_unit = ?9, currency = ?10, price_usd_cents = ?11, equipment_type = ?12, brand = ?13, model = ?14,
            year = ?15, with_operator = ?16, min_order = ?17, power_hp = ?18, weight_t = ?19, condition = ?20,
            engine_hours = ?21, service_name = ?22, part_name = ?23, updated_at = ?24
         WHERE id = ?1 AND deleted_at IS NULL",
        params![
            id, ad.title, slug_for(&ad.title, id), ad.description, ad.country.code(), ad.city, ad.phone,
            ad.price_minor, ad.price_unit, ad.currency.code(), ad.price_usd_cents, ad.equipment_type, ad.brand,
            ad.model, ad.year, ad.with_operator, ad.min_order, ad.power_hp, ad.weight_t, ad.condition, ad.engine_hours,
            ad.service_name, ad.part_name, now
        ],
    )?;
    Ok(changed == 1)
}

/// Publishes or unpublishes; unpublishing `by_staff` blocks the ad, publishing unblocks it.
pub fn set_active(
    conn: &Connection,
    id: AdId,
    active: bool,
    by_staff: bool,
    now: i64,
) -> rusqlite::Result<()> {
    let blocked_at = match (active, by_staff) {
        (false, true) => "?3",
        (true, _) => "NULL",
        (false, false) => "blocked_at",
    };
    conn.execute(
        &format!("UPDATE ads SET is_active = ?2, updated_at = ?3, blocked_at = {blocked_at} WHERE id = ?1"),
        (id, active, now),
    )?;
    Ok(())
}

/// Removes an ad from public view for good: its photos go (paths returned for the file job);
/// the row stays so buyers' chats can say "ad removed".
pub fn delete(conn: &Connection, id: AdId, now: i64) -> rusqlite::Result<Vec<String>> {
    let paths = photo_files(conn, id)?;
    conn.execute("DELETE FROM ad_photos WHERE ad_id = ?1", [id])?;
    conn.execute("DELETE FROM favorites WHERE ad_id = ?1", [id])?;
    conn.execute(
        "UPDATE ads SET is_active = 0, deleted_at = ?2, updated_at = ?2 WHERE id = ?1",
        (id, now),
    )?;
    Ok(paths)
}

fn photo_files(conn: &Connection, ad: AdId) -> rusqlite::Result<Vec<String>> {
    let mut stmt =
        conn.prepare("SELECT path, card_path, detail_path FROM ad_photos WHERE ad_id = ?1")?;
    let rows =
        stmt.query_map([ad], |r| Ok([r.get::<_, Option<String>>(0)?, r.get(1)?, r.get(2)?]))?;
    let mut out = Vec::new();
    for row in rows {
        out.extend(row?.into_iter().flatten());
    }
    Ok(out)
}

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

/// Records a photo's sizes.
pub fn set_variants(
    conn: &Connection,
    photo: i64,
    card: &str,
    detail: &str,
) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE ad_photos SET card_path = ?2, detail_path = ?3 WHERE id = ?1",
        (photo, card, detail),
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
    // one query for the whole page: the ids are integers of ours, bound through json_each
    let ids = serde_json::to_string(ads).unwrap_or_else(|_| "[]".into());
    let mut stmt = conn.prepare_cached(
        "SELECT f.ad_id FROM favorites f JOIN json_each(?2) j ON j.value = f.ad_id WHERE f.user_id = ?1",
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

/// A row of "my ads".
#[derive(Debug, Clone)]
pub struct MyAd {
    /// The card.
    pub card: AdCard,
    /// How many users favorited it.
    pub favorites: i64,
    /// The promotion's end, if one is valid.
    pub plan_until: Option<i64>,
}

/// All of a user's ads (active and inactive), newest first.
pub fn my_ads(conn: &Connection, owner: UserId, now: i64) -> rusqlite::Result<Vec<MyAd>> {
    let sql = format!(
        "SELECT {CARD_COLUMNS}, (SELECT count(*) FROM favorites f WHERE f.ad_id = a.id),
                CASE WHEN a.plan_until > ?1 THEN a.plan_until END
         FROM ads a JOIN users u ON u.id = a.owner_id
         WHERE a.owner_id = ?2 AND a.deleted_at IS NULL ORDER BY a.created_at DESC, a.id DESC LIMIT 1000"
    );
    conn.prepare(&sql)?
        .query_map((now, owner), |r| {
            Ok(MyAd { card: card_from_row(r)?, favorites: r.get(16)?, plan_until: r.get(17)? })
        })?
        .collect()
}

/// Active ads for the sitemap: (path, last modified), at most `limit` from `after_id`.
pub fn sitemap_ads(
    conn: &Connection,
    after_id: i64,
    limit: i64,
) -> rusqlite::Result<Vec<(i64, String, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, slug, updated_at FROM ads WHERE is_active = 1 AND id > ?1 ORDER BY id LIMIT ?2",
    )?;
    stmt.query_map((after_id, limit), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect()
}

/// Recomputes every approximate USD price from the current rates.
pub fn recompute_usd(
    conn: &Connection,
    rates: &crate::config::CurrencyConfig,
) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE ads SET price_usd_cents = CASE currency
            WHEN 'KZT' THEN CAST(round(price_minor * ?1) AS INTEGER)
            WHEN 'UZS' THEN CAST(round(price_minor * ?2) AS INTEGER)
            WHEN 'RUB' THEN CAST(round(price_minor * ?3) AS INTEGER)
            WHEN 'BYN' THEN CAST(round(price_minor * ?4) AS INTEGER)
            ELSE price_minor END
         WHERE price_minor IS NOT NULL",
        (rates.kzt_usd, rates.uzs_usd, rates.rub_usd, rates.byn_usd),
    )
}
