//! Changing freight listings: an edit, the publish state, the wait for the owner's e-mail;
//! the owner's list for "my ads".

use rusqlite::{Connection, params};

use super::{COLUMNS, Freight, NewFreight, from_row};
use crate::domain::ids::{FreightId, UserId};

/// Saves an edit (the owner's: checked by the caller).
pub fn update(conn: &Connection, id: FreightId, f: &NewFreight) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE freight_ads SET kind = ?2, title = ?3, description = ?4, from_country = ?5, from_city = ?6,
            to_country = ?7, to_city = ?8, ship_date = ?9, weight_t = ?10, volume_m3 = ?11, body_type = ?12,
            price_minor = ?13, currency = ?14, price_usd_cents = ?15, phone = ?16, from_city_key = ?17,
            to_city_key = ?18
         WHERE id = ?1 AND deleted_at IS NULL",
        params![
            id, f.kind.code(), f.title, f.description, f.from.0.code(), f.from.1, f.to.0.code(), f.to.1, f.ship_date,
            f.weight_t, f.volume_m3, f.body_type, f.price_minor, f.currency.code(), f.price_usd_cents, f.phone,
            f.from.1.to_lowercase(), f.to.1.to_lowercase()
        ],
    )?;
    Ok(())
}

/// Publishes or unpublishes; `awaiting_email` instead of publishing holds it until its owner
/// confirms their e-mail. Unpublishing ends such a wait.
pub fn set_active(
    conn: &Connection,
    id: FreightId,
    active: bool,
    awaiting_email: bool,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE freight_ads SET is_active = ?2, awaiting_email = ?3 WHERE id = ?1",
        (id, active && !awaiting_email, active && awaiting_email),
    )?;
    Ok(())
}

/// Publishes the listings that waited for `owner`'s e-mail (a banned owner's stay
/// unpublished, as a ban leaves them). Call in the transaction that confirms the e-mail.
pub fn release_awaiting_email(conn: &Connection, owner: UserId) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE freight_ads SET awaiting_email = 0,
                is_active = (SELECT banned_at IS NULL FROM users WHERE id = ?1)
         WHERE owner_id = ?1 AND awaiting_email = 1 AND deleted_at IS NULL",
        [owner],
    )
}

/// The SQL of a user's listings for "my ads" (all but deleted ones, newest first), for
/// running and for `EXPLAIN QUERY PLAN`.
pub fn my_freight_sql() -> String {
    format!(
        "SELECT {COLUMNS} FROM freight_ads WHERE owner_id = ?1 AND deleted_at IS NULL
         ORDER BY created_at DESC, id DESC LIMIT 1000"
    )
}

/// A user's listings: published, unpublished and waiting, newest first.
pub fn my_freight(conn: &Connection, owner: UserId) -> rusqlite::Result<Vec<Freight>> {
    conn.prepare_cached(&my_freight_sql())?.query_map([owner], from_row)?.collect()
}
