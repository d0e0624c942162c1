//! SQL shared by the ad queries: the card columns, row mapping, and single-ad reads.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, Row};

use super::{AdCard, AdDetail, Kind, Photo, Plan, Price};
use crate::domain::geo::{Country, Currency};
use crate::domain::ids::AdId;
use crate::domain::users::{SELLER_COLUMNS, seller_from_row};

/// The card columns around the photo expression (column 10), `a` being `ads` and `u` the owner;
/// `?1` must be "now".
macro_rules! card_columns {
    ($photo:literal) => {
        concat!(
            "a.id, a.slug, a.kind, a.title, a.country, a.city, a.price_minor, \
             a.currency, a.price_unit, a.price_usd_cents, ",
            $photo,
            ", CASE WHEN a.plan_until > ?1 THEN a.plan END, \
             a.views_count + coalesce((SELECT sum(v.views) FROM ad_views_pending v WHERE v.ad_id = a.id), 0), \
             a.bumped_at, coalesce(u.badge_until > ?1, 0), a.is_active"
        )
    };
}

/// Columns every card query selects, the card photo being the first photo's small size.
pub const CARD_COLUMNS: &str = card_columns!(
    "(SELECT coalesce(p.card_path, p.path) FROM ad_photos p WHERE p.ad_id = a.id \
      ORDER BY p.position, p.id LIMIT 1)"
);

/// The card columns of the ad page, which shows its photos in full instead.
const DETAIL_CARD_COLUMNS: &str = card_columns!("NULL");

/// The cards of `ids`, by id (an ad gone since its id was read is left out): the cards of a
/// page whose ids were read first (home's blocks, `read_once`).
pub fn cards_by_id(
    conn: &Connection,
    now: i64,
    ids: &[AdId],
) -> rusqlite::Result<HashMap<AdId, AdCard>> {
    let sql = format!(
        "SELECT {CARD_COLUMNS} FROM json_each(?2) j CROSS JOIN ads a ON a.id = j.value \
         CROSS JOIN users u ON u.id = a.owner_id"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map((now, json_ids(ids)), card_from_row)?;
    rows.map(|card| card.map(|c| (c.id, c))).collect()
}

/// `ids` as a JSON array, for `json_each` (one parameter for a list of any length: one
/// statement whatever the list).
pub(super) fn json_ids(ids: &[AdId]) -> String {
    let list: Vec<String> = ids.iter().map(|id| id.0.to_string()).collect();
    format!("[{}]", list.join(","))
}

/// Maps a row selected with [`CARD_COLUMNS`] (starting at column 0).
pub fn card_from_row(r: &Row<'_>) -> rusqlite::Result<AdCard> {
    let kind: String = r.get(2)?;
    let country: String = r.get(4)?;
    let currency: String = r.get(7)?;
    let unit: Option<String> = r.get(8)?;
    let plan: Option<String> = r.get(11)?;
    Ok(AdCard {
        id: r.get(0)?,
        slug: r.get(1)?,
        kind: Kind::parse(&kind).unwrap_or(Kind::Sale),
        title: r.get(3)?,
        country: Country::parse(&country).unwrap_or(Country::Kz),
        city: r.get(5)?,
        price: Price {
            minor: r.get(6)?,
            currency: Currency::parse(&currency).unwrap_or(Currency::Usd),
            unit: match unit.as_deref() {
                Some("hour") => Some("hour"),
                Some("day") => Some("day"),
                Some("month") => Some("month"),
                _ => None,
            },
            usd_cents: r.get(9)?,
        },
        photo: r.get(10)?,
        plan: plan.as_deref().and_then(Plan::parse),
        views: r.get(12)?,
        bumped_at: r.get(13)?,
        seller_verified: r.get(14)?,
        is_active: r.get(15)?,
    })
}

/// The ad page's note "similar photos are in another ad": the nearest published ad of another
/// seller that a photo matched (`photo_matches`, written by the photo job), as a JSON object;
/// for nearly every ad one seek of that table's key that finds nothing.
pub const PHOTOS_ELSEWHERE: &str = "(SELECT json_object('id', o.id, 'slug', o.slug, 'title', o.title) \
     FROM photo_matches m JOIN ads o ON o.id = m.other_ad_id \
     WHERE m.ad_id = a.id AND o.is_active = 1 AND o.owner_id <> a.owner_id \
     ORDER BY m.distance, o.id LIMIT 1)";

/// One ad with everything its page shows, active or not (the caller decides who may see it).
///
/// One statement: the page is the hottest read of the site. Photos come as a JSON array from a
/// correlated subquery rather than a second query bound to `?`: with STAT4 statistics SQLite
/// re-plans a statement each time a parameter compared with an indexed column is bound, which
/// cost more than the rest of the read.
pub fn get_detail(conn: &Connection, id: AdId, now: i64) -> rusqlite::Result<Option<AdDetail>> {
    // built once: the statement cache is keyed by this text, and the ad page runs it per request
    static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        format!(
            "SELECT {DETAIL_CARD_COLUMNS}, a.owner_id, a.description, a.phone, a.equipment_type, a.brand, \
             a.model, a.year, a.with_operator, a.min_order, a.power_hp, a.weight_t, a.condition, \
             a.engine_hours, a.service_name, a.part_name, a.created_at, \
             (SELECT json_group_array(json_array(coalesce(p.detail_path, p.path), p.width, p.height, \
                                                 p.position, p.id)) \
              FROM ad_photos p WHERE p.ad_id = a.id), \
             {SELLER_COLUMNS}, \
             CASE WHEN a.blocked_at IS NOT NULL THEN a.hidden_reason END, a.review_state = 'pending', \
             a.awaiting_email, \
             {PHOTOS_ELSEWHERE} \
             FROM ads a JOIN users u ON u.id = a.owner_id WHERE a.id = ?2 AND a.deleted_at IS NULL"
        )
    });
    conn.prepare_cached(&SQL)?
        .query_row((now, id), |r| {
            let photos: String = r.get(32)?;
            let mut photos: Vec<(String, i64, i64, i64, i64)> = serde_json::from_str(&photos)
                .map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(
                        32,
                        rusqlite::types::Type::Text,
                        e.into(),
                    )
                })?;
            // ordered here: an ORDER BY inside the aggregate costs SQLite a temporary b-tree
            photos.sort_unstable_by_key(|p| (p.3, p.4));
            Ok(AdDetail {
                card: card_from_row(r)?,
                owner_id: r.get(16)?,
                description: r.get(17)?,
                phone: r.get(18)?,
                equipment_type: r.get(19)?,
                brand: r.get(20)?,
                model: r.get(21)?,
                year: r.get(22)?,
                with_operator: r.get(23)?,
                min_order: r.get(24)?,
                power_hp: r.get(25)?,
                weight_t: r.get(26)?,
                condition: r.get(27)?,
                engine_hours: r.get(28)?,
                service_name: r.get(29)?,
                part_name: r.get(30)?,
                created_at: r.get(31)?,
                photos: photos
                    .into_iter()
                    .map(|(path, width, height, ..)| Photo { path, width, height })
                    .collect(),
                seller: seller_from_row(r, 33)?,
                hidden_reason: r.get(41)?,
                held: r.get(42)?,
                awaiting_email: r.get(43)?,
                photos_elsewhere: match r.get::<_, Option<String>>(44)? {
                    Some(json) => serde_json::from_str(&json).map_err(|e| {
                        rusqlite::Error::FromSqlConversionFailure(
                            44,
                            rusqlite::types::Type::Text,
                            e.into(),
                        )
                    })?,
                    None => None,
                },
            })
        })
        .optional()
}

/// The slug of an ad, to redirect `/ad/{id}` and stale slugs to the canonical URL.
pub fn slug_of(conn: &Connection, id: AdId) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT slug FROM ads WHERE id = ?1 AND deleted_at IS NULL")?
        .query_row([id], |r| r.get(0))
        .optional()
}

/// Similar ads shown under an ad.
pub const SIMILAR_SHOWN: usize = 4;

/// What decides an ad's similar ads: its section, equipment type and country, and its price
/// band (a power of two in US cents: $100–200, $200–400…). Ads sharing a key share one list,
/// so the list is cached by key, not by ad.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SimilarKey {
    section: &'static str,
    equipment_type: Option<String>,
    country: Country,
    band: Option<u32>,
}

impl SimilarKey {
    /// The key of an ad.
    pub fn of(ad: &AdDetail) -> Self {
        Self {
            section: ad.card.kind.section().code(),
            equipment_type: ad.equipment_type.clone(),
            country: ad.card.country,
            band: ad.card.price.usd_cents.filter(|c| *c > 0).map(|c| 63 - c.leading_zeros()),
        }
    }
}

/// The SQL of one pass of [`similar`] (`?1` now, `?2` the section, `?3` the type, then the
/// pass's own conditions), also for `EXPLAIN QUERY PLAN`.
pub fn similar_sql(pass: SimilarPass) -> String {
    let extra = match pass {
        // `+`: the band narrows rows met on the type's index (newest first, stops at five),
        // it must not become the index itself (a wide band would be sorted in full)
        SimilarPass::SameTypeCountryPrice => {
            "AND a.country = ?4 AND +a.price_usd_cents >= ?5 AND +a.price_usd_cents < ?6"
        }
        SimilarPass::SameTypeCountry => "AND a.country = ?4",
        SimilarPass::SameType => "",
    };
    // the type's index named: since it holds the country (migration 25) SQLite weighed it
    // as the wider one and chose the country's, which passes over every other type
    format!(
        "SELECT {CARD_COLUMNS} FROM ads a INDEXED BY ads_type CROSS JOIN users u ON u.id = a.owner_id \
         WHERE a.section = ?2 AND a.is_active = 1 AND a.equipment_type IS ?3 {extra} \
         ORDER BY a.bumped_at DESC, a.id DESC LIMIT {}",
        SIMILAR_SHOWN + 1
    )
}

/// How close a pass of [`similar`] looks: the nearest first, wider ones fill what is left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimilarPass {
    /// The same equipment type (or none, for parts and services), country and price band.
    SameTypeCountryPrice,
    /// The same type and country, any price.
    SameTypeCountry,
    /// The same type anywhere.
    SameType,
}

/// Up to [`SIMILAR_SHOWN`] + 1 active ads of `key` (one more, as the ad itself may be among
/// them: the caller leaves it out): its country and price band first, freshest first.
pub fn similar(conn: &Connection, key: &SimilarKey, now: i64) -> rusqlite::Result<Vec<AdCard>> {
    let wanted = SIMILAR_SHOWN + 1;
    let mut found: Vec<AdCard> = Vec::new();
    let passes = [
        (SimilarPass::SameTypeCountryPrice, key.band.is_some()),
        (SimilarPass::SameTypeCountry, true),
        (SimilarPass::SameType, true),
    ];
    for (pass, applies) in passes {
        if !applies || found.len() >= wanted {
            continue;
        }
        let mut stmt = conn.prepare_cached(&similar_sql(pass))?;
        let (section, country) = (key.section, key.country.code());
        let (low, high) = key.band.map_or((0, 0), |b| (1_i64 << b, 1_i64 << (b + 1)));
        let rows: Vec<AdCard> = match pass {
            SimilarPass::SameTypeCountryPrice => stmt
                .query_map(
                    rusqlite::params![now, section, key.equipment_type, country, low, high],
                    card_from_row,
                )?
                .collect::<Result<_, _>>()?,
            SimilarPass::SameTypeCountry => stmt
                .query_map(
                    rusqlite::params![now, section, key.equipment_type, country],
                    card_from_row,
                )?
                .collect::<Result<_, _>>()?,
            SimilarPass::SameType => stmt
                .query_map(rusqlite::params![now, section, key.equipment_type], card_from_row)?
                .collect::<Result<_, _>>()?,
        };
        for card in rows {
            if found.len() < wanted && !found.iter().any(|c| c.id == card.id) {
                found.push(card);
            }
        }
    }
    Ok(found)
}
