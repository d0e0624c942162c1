//! Users as the public pages show them, and the session lookup that signs a visitor in.

use crate::domain::ids::UserId;
use rusqlite::{Connection, OptionalExtension};

/// A seller as the ad page and the seller page show them.
#[derive(Debug, Clone)]
pub struct Seller {
    /// Id.
    pub id: UserId,
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
    pub id: UserId,
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

/// Columns of a [`Seller`], `u` being `users`; `?1` must be "now". The last one says whether
/// the account still exists.
pub const SELLER_COLUMNS: &str = "u.id, coalesce(u.company_name, u.name), u.account_type = 'company', \
     coalesce(u.badge_until > ?1, 0), u.created_at, u.city, \
     u.active_ads, \
     u.deleted_at IS NULL";

/// Maps the [`SELLER_COLUMNS`] starting at column `at`: None for a deleted account.
pub fn seller_from_row(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Option<Seller>> {
    if !r.get::<_, bool>(at + 7)? {
        return Ok(None);
    }
    Ok(Some(Seller {
        id: r.get(at)?,
        name: r.get(at + 1)?,
        is_company: r.get(at + 2)?,
        verified: r.get(at + 3)?,
        created_at: r.get(at + 4)?,
        city: r.get(at + 5)?,
        active_ads: r.get(at + 6)?,
    }))
}

/// A seller, unless deleted.
pub fn seller(conn: &Connection, id: UserId, now: i64) -> rusqlite::Result<Option<Seller>> {
    // built once: the statement cache is keyed by this text
    static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        format!("SELECT {SELLER_COLUMNS} FROM users u WHERE u.id = ?2")
    });
    Ok(conn
        .prepare_cached(&SQL)?
        .query_row((now, id), |r| seller_from_row(r, 0))
        .optional()?
        .flatten())
}

/// A user's language: the one text written while they are away (mail, system messages in
/// their chats) is in. Russian for an unknown or deleted user.
pub fn lang_of(conn: &Connection, id: UserId) -> rusqlite::Result<crate::i18n::Lang> {
    let code: Option<String> =
        conn.query_row("SELECT lang FROM users WHERE id = ?1", [id], |r| r.get(0)).optional()?;
    Ok(code.as_deref().and_then(crate::i18n::Lang::parse).unwrap_or_default())
}

/// A `users.lang` column of a row, as a language (Russian for anything unknown).
pub fn lang_column(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<crate::i18n::Lang> {
    let code: String = r.get(at)?;
    Ok(crate::i18n::Lang::parse(&code).unwrap_or_default())
}

/// Stores the language a signed-in user chose (`POST /prefs`).
pub fn set_lang(
    conn: &mut Connection,
    id: UserId,
    lang: crate::i18n::Lang,
) -> rusqlite::Result<()> {
    crate::db::write_tx(conn, |tx| {
        tx.execute("UPDATE users SET lang = ?2 WHERE id = ?1", (id, lang.code()))?;
        Ok(())
    })
}
