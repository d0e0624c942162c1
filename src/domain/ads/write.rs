//! Changing ads: insert, update, publish state, delete; the owner's list and the sitemap.

use rusqlite::{Connection, OptionalExtension, params};

use super::AdCard;
use super::Kind;
use super::form::NewAd;
use super::repo::{CARD_COLUMNS, card_from_row};
use crate::domain::Denied;
use crate::domain::ids::{AdId, UserId};
use crate::domain::slug::slugify;
use crate::domain::users::SessionUser;

/// Who owns an ad and its state (deleted ads are gone for everyone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ownership {
    /// Owner.
    pub owner_id: UserId,
    /// Published.
    pub is_active: bool,
    /// Unpublished by staff: only staff may publish it again.
    pub blocked: bool,
    /// Its kind (which form edits it).
    pub kind: Kind,
}

impl Ownership {
    /// Whether `user` may edit the ad: its owner only. Someone else's unpublished ad answers
    /// like a missing one, unless they are staff (who see it, and may not edit it).
    pub fn may_edit(&self, user: &SessionUser) -> Result<(), Denied> {
        if !self.visible_to(user) {
            Err(Denied::NotFound)
        } else if self.owner_id != user.id {
            Err(Denied::Forbidden)
        } else {
            Ok(())
        }
    }

    /// Whether `user` may see the ad at all: published, theirs, or staff. To anyone else an
    /// unpublished ad answers like a missing one: its existence is not told.
    pub fn visible_to(&self, user: &SessionUser) -> bool {
        self.is_active || self.owner_id == user.id || user.is_staff
    }
}

/// The owner of a live (not deleted) ad.
pub fn ownership(conn: &Connection, id: AdId) -> rusqlite::Result<Option<Ownership>> {
    conn.query_row(
        "SELECT owner_id, is_active, blocked_at IS NOT NULL, kind FROM ads WHERE id = ?1 AND deleted_at IS NULL",
        [id],
        |r| {
            let kind: String = r.get(3)?;
            Ok(Ownership {
                owner_id: r.get(0)?,
                is_active: r.get(1)?,
                blocked: r.get(2)?,
                kind: Kind::parse(&kind).unwrap_or(Kind::Sale),
            })
        },
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
    // published again by staff: whatever held it is cleared
    let cleared =
        if active && by_staff { ", hidden_reason = '', review_state = 'none'" } else { "" };
    conn.execute(
        &format!("UPDATE ads SET is_active = ?2, updated_at = ?3, blocked_at = {blocked_at}{cleared} WHERE id = ?1"),
        (id, active, now),
    )?;
    Ok(())
}

/// Whether a user's new or re-published listings wait for their e-mail to be confirmed:
/// `required` (`moderation.require_verified_email`) and the address is not confirmed yet.
pub fn waits_for_email(conn: &Connection, owner: UserId, required: bool) -> rusqlite::Result<bool> {
    if !required {
        return Ok(false);
    }
    conn.prepare_cached("SELECT email_verified_at IS NULL FROM users WHERE id = ?1")?
        .query_row([owner], |r| r.get(0))
}

/// Holds an ad (unpublished) until its owner confirms their e-mail.
pub fn hold_for_email(conn: &Connection, id: AdId) -> rusqlite::Result<()> {
    conn.execute("UPDATE ads SET is_active = 0, awaiting_email = 1 WHERE id = ?1", [id])?;
    Ok(())
}

/// Publishes the ads that waited for `owner`'s e-mail, unless something else still holds them
/// (staff's review or block: they stay unpublished, no longer waiting for the e-mail; a ban:
/// they come back with the ban's lifting). Returns the ads now published, each as new (bumped
/// now). Call in the transaction that confirms the e-mail.
pub fn release_awaiting_email(
    conn: &Connection,
    owner: UserId,
    now: i64,
) -> rusqlite::Result<Vec<AdId>> {
    let banned: bool = conn
        .query_row("SELECT banned_at IS NOT NULL FROM users WHERE id = ?1", [owner], |r| r.get(0))
        .optional()?
        .unwrap_or(false);
    let free = "review_state = 'none' AND blocked_at IS NULL";
    let (active, by_ban) = if banned { ("0", free) } else { (free, "0") };
    conn.prepare(&format!(
        "UPDATE ads SET awaiting_email = 0, is_active = ({active}),
                hidden_by_ban = CASE WHEN {by_ban} THEN 1 ELSE hidden_by_ban END,
                updated_at = ?2, bumped_at = CASE WHEN {active} THEN ?2 ELSE bumped_at END
         WHERE owner_id = ?1 AND awaiting_email = 1 AND deleted_at IS NULL
         RETURNING id, is_active"
    ))?
    .query_map((owner, now), |r| Ok((r.get::<_, AdId>(0)?, r.get::<_, bool>(1)?)))?
    .filter_map(|row| row.map(|(id, published)| published.then_some(id)).transpose())
    .collect()
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

/// Counts one reveal of an ad's phone number.
pub fn count_phone_reveal(conn: &Connection, id: AdId) -> rusqlite::Result<()> {
    conn.execute("UPDATE ads SET phone_reveals = phone_reveals + 1 WHERE id = ?1", [id])?;
    Ok(())
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
    /// Hidden by staff: why.
    pub hidden_reason: Option<String>,
    /// Waiting for staff's review.
    pub held: bool,
    /// Waiting for its owner to confirm their e-mail (published then).
    pub awaiting_email: bool,
}

/// All of a user's ads (active and inactive), newest first.
pub fn my_ads(conn: &Connection, owner: UserId, now: i64) -> rusqlite::Result<Vec<MyAd>> {
    let sql = format!(
        "SELECT {CARD_COLUMNS}, (SELECT count(*) FROM favorites f WHERE f.ad_id = a.id),
                CASE WHEN a.plan_until > ?1 THEN a.plan_until END,
                CASE WHEN a.blocked_at IS NOT NULL THEN a.hidden_reason END, a.review_state = 'pending',
                a.awaiting_email
         FROM ads a JOIN users u ON u.id = a.owner_id
         WHERE a.owner_id = ?2 AND a.deleted_at IS NULL ORDER BY a.created_at DESC, a.id DESC LIMIT 1000"
    );
    conn.prepare(&sql)?
        .query_map((now, owner), |r| {
            Ok(MyAd {
                card: card_from_row(r)?,
                favorites: r.get(16)?,
                plan_until: r.get(17)?,
                hidden_reason: r.get(18)?,
                held: r.get(19)?,
                awaiting_email: r.get(20)?,
            })
        })?
        .collect()
}

/// Active ads for the sitemap: (id, slug, last modified), `limit` of them after the first
/// `offset` in id order (a sitemap file is a slice of them).
pub fn sitemap_ads(
    conn: &Connection,
    offset: i64,
    limit: i64,
) -> rusqlite::Result<Vec<(i64, String, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, slug, updated_at FROM ads WHERE is_active = 1 ORDER BY id LIMIT ?2 OFFSET ?1",
    )?;
    stmt.query_map((offset, limit), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect()
}

/// How many ads the sitemap lists.
pub fn sitemap_ad_count(conn: &Connection) -> rusqlite::Result<i64> {
    conn.prepare_cached("SELECT count(*) FROM ads WHERE is_active = 1")?.query_row([], |r| r.get(0))
}

/// Recomputes every approximate USD price from the current rates.
pub fn recompute_usd(
    conn: &Connection,
    rates: &crate::domain::rates::Rates,
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
