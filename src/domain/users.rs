//! Users as the public pages show them, and the session lookup that signs a visitor in.

use rusqlite::{Connection, OptionalExtension};

/// A seller as the ad page and the seller page show them.
#[derive(Debug, Clone)]
pub struct Seller {
    /// Id.
    pub id: i64,
    /// Person's or company's display name.
    pub name: String,
    /// Company account.
    pub is_company: bool,
    /// Valid badge.
    pub verified: bool,
    /// Member since, unix seconds.
    pub created_at: i64,
    /// Active ads.
    pub active_ads: i64,
    /// City, if given.
    pub city: Option<String>,
}

/// The signed-in user a page is rendered for.
#[derive(Debug, Clone)]
pub struct SessionUser {
    /// Id.
    pub id: i64,
    /// Display name.
    pub name: String,
    /// Staff member.
    pub is_staff: bool,
    /// Confirmed the e-mail address.
    pub email_verified: bool,
    /// Avatar path under the uploads folder.
    pub avatar: Option<String>,
    /// The hash of the session this request came with.
    pub session_hash: String,
}

/// A seller, unless deleted.
pub fn seller(conn: &Connection, id: i64, now: i64) -> rusqlite::Result<Option<Seller>> {
    conn.prepare_cached(
        "SELECT u.id, coalesce(u.company_name, u.name), u.account_type = 'company',
                coalesce(u.badge_until > ?2, 0), u.created_at, u.city,
                (SELECT count(*) FROM ads a WHERE a.owner_id = u.id AND a.is_active = 1)
         FROM users u WHERE u.id = ?1 AND u.deleted_at IS NULL",
    )?
    .query_row((id, now), |r| {
        Ok(Seller {
            id: r.get(0)?,
            name: r.get(1)?,
            is_company: r.get(2)?,
            verified: r.get(3)?,
            created_at: r.get(4)?,
            city: r.get(5)?,
            active_ads: r.get(6)?,
        })
    })
    .optional()
}
