//! Account SQL: create, find for login, profile, password, verification, deletion, export.

use rusqlite::{Connection, ErrorCode, OptionalExtension, params};
use serde_json::{Value, json};

use super::{AccountType, Company, Email, Profile};
use crate::domain::geo::Country;
use crate::domain::ids::UserId;

/// Why a user could not be created.
#[derive(Debug)]
pub enum CreateError {
    /// The e-mail is taken (the UNIQUE constraint said so).
    EmailTaken,
    /// Anything else.
    Db(rusqlite::Error),
}

impl From<rusqlite::Error> for CreateError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(ErrorCode::ConstraintViolation) if e.to_string().contains("users.email") => {
                CreateError::EmailTaken
            }
            _ => CreateError::Db(e),
        }
    }
}

fn company_params(c: Option<&Company>) -> [Option<String>; 8] {
    match c {
        Some(c) => [
            Some(c.company_name.clone()),
            Some(c.tax_id.clone()),
            Some(c.director.clone()),
            Some(c.company_phone.clone()),
            Some(c.company_email.clone()),
            Some(c.address.clone()),
            Some(c.legal_address.clone()),
            c.website.clone(),
        ],
        None => Default::default(),
    }
}

/// Inserts a user with their language; the e-mail's uniqueness is the database's job.
pub fn create(
    conn: &Connection,
    email: &Email,
    password_hash: &str,
    account_type: AccountType,
    p: &Profile,
    lang: crate::i18n::Lang,
    now: i64,
) -> Result<UserId, CreateError> {
    let [cn, tax, dir, cp, ce, addr, legal, web] = company_params(p.company.as_ref());
    conn.execute(
        "INSERT INTO users (email, password_hash, name, account_type, phone, country, city, company_name, tax_id,
            director, company_phone, company_email, address, legal_address, website, created_at, password_changed_at, lang)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16, ?17)",
        params![
            email.as_str(), password_hash, p.name, account_type.code(), p.phone, p.country.map(Country::code), p.city,
            cn, tax, dir, cp, ce, addr, legal, web, now, lang.code()
        ],
    )?;
    Ok(UserId(conn.last_insert_rowid()))
}

/// A user for login: id and password hash, if the e-mail belongs to a live account.
pub fn login_info(
    conn: &Connection,
    email: &str,
) -> rusqlite::Result<Option<(UserId, Option<String>)>> {
    conn.query_row(
        "SELECT id, password_hash FROM users WHERE email = ?1 AND deleted_at IS NULL",
        [email.trim()],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
}

/// Everything the settings page shows.
#[derive(Debug, Clone)]
pub struct Account {
    /// Id.
    pub id: UserId,
    /// E-mail.
    pub email: String,
    /// Individual or company.
    pub account_type: AccountType,
    /// Profile.
    pub profile: Profile,
    /// Avatar path under uploads.
    pub avatar: Option<String>,
    /// Confirmed e-mail.
    pub email_verified: bool,
    /// Password hash (for the change-password check).
    pub password_hash: Option<String>,
    /// Wants mail about chat messages left unread.
    pub chat_mail: bool,
}

/// Loads an account.
pub fn get(conn: &Connection, id: UserId) -> rusqlite::Result<Option<Account>> {
    conn.query_row(
        "SELECT id, email, account_type, name, phone, country, city, company_name, tax_id, director, company_phone,
                company_email, address, legal_address, website, avatar_path, email_verified_at IS NOT NULL, password_hash,
                chat_mail
         FROM users WHERE id = ?1 AND deleted_at IS NULL",
        [id],
        |r| {
            let account_type =
                if r.get::<_, String>(2)? == "company" { AccountType::Company } else { AccountType::Individual };
            let country: Option<String> = r.get(5)?;
            let company = (account_type == AccountType::Company).then(|| -> rusqlite::Result<Company> {
                Ok(Company {
                    company_name: r.get::<_, Option<String>>(7)?.unwrap_or_default(),
                    tax_id: r.get::<_, Option<String>>(8)?.unwrap_or_default(),
                    director: r.get::<_, Option<String>>(9)?.unwrap_or_default(),
                    company_phone: r.get::<_, Option<String>>(10)?.unwrap_or_default(),
                    company_email: r.get::<_, Option<String>>(11)?.unwrap_or_default(),
                    address: r.get::<_, Option<String>>(12)?.unwrap_or_default(),
                    legal_address: r.get::<_, Option<String>>(13)?.unwrap_or_default(),
                    website: r.get(14)?,
                })
            });
            Ok(Account {
                id: r.get(0)?,
                email: r.get(1)?,
                account_type,
                profile: Profile {
                    name: r.get(3)?,
                    phone: r.get(4)?,
                    country: country.as_deref().and_then(Country::parse),
                    city: r.get(6)?,
                    company: company.transpose()?,
                },
                avatar: r.get(15)?,
                email_verified: r.get(16)?,
                password_hash: r.get(17)?,
                chat_mail: r.get(18)?,
            })
        },
    )
    .optional()
}

/// Saves profile fields.
pub fn update_profile(conn: &Connection, id: UserId, p: &Profile) -> rusqlite::Result<()> {
    let [cn, tax, dir, cp, ce, addr, legal, web] = company_params(p.company.as_ref());
    conn.execute(
        "UPDATE users SET name = ?2, phone = ?3, country = ?4, city = ?5, company_name = coalesce(?6, company_name),
            tax_id = coalesce(?7, tax_id), director = coalesce(?8, director), company_phone = coalesce(?9, company_phone),
            company_email = coalesce(?10, company_email), address = coalesce(?11, address),
            legal_address = coalesce(?12, legal_address), website = ?13
         WHERE id = ?1",
        params![id, p.name, p.phone, p.country.map(Country::code), p.city, cn, tax, dir, cp, ce, addr, legal, web],
    )?;
    Ok(())
}

/// Replaces the avatar; returns the old path (for the caller to delete the file).
pub fn set_avatar(conn: &Connection, id: UserId, path: &str) -> rusqlite::Result<Option<String>> {
    let old: Option<String> = conn
        .query_row("SELECT avatar_path FROM users WHERE id = ?1", [id], |r| r.get(0))
        .optional()?
        .flatten();
    conn.execute("UPDATE users SET avatar_path = ?2 WHERE id = ?1", (id, path))?;
    Ok(old)
}

/// Stores a new password hash.
pub fn set_password(conn: &Connection, id: UserId, hash: &str, now: i64) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE users SET password_hash = ?2, password_changed_at = ?3 WHERE id = ?1",
        (id, hash, now),
    )?;
    Ok(())
}

/// A live account's id, e-mail, name and whether the e-mail is confirmed, found by id or by
/// address.
pub fn verification_of(
    conn: &Connection,
    who: super::actions::Resend<'_>,
) -> rusqlite::Result<Option<(UserId, String, String, bool)>> {
    use super::actions::Resend;
    let (column, key): (&str, Box<dyn rusqlite::ToSql>) = match who {
        Resend::User(id) => ("id", Box::new(id)),
        Resend::Email(email) => ("email", Box::new(email.as_str().to_owned())),
    };
    conn.query_row(
        &format!(
            "SELECT id, email, name, email_verified_at IS NOT NULL FROM users
             WHERE {column} = ?1 AND deleted_at IS NULL"
        ),
        [key.as_ref()],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )
    .optional()
}

/// Marks the e-mail confirmed, and publishes the ads and freight listings that waited for it
/// (the Telegram channel gets the ads). Call in the transaction that confirms it.
pub fn mark_verified(conn: &Connection, id: UserId, now: i64) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE users SET email_verified_at = coalesce(email_verified_at, ?2) WHERE id = ?1",
        (id, now),
    )?;
    for ad in crate::domain::ads::write::release_awaiting_email(conn, id, now)? {
        crate::domain::telegram::queue(conn, ad, crate::domain::telegram::Op::Post, now)?;
    }
    crate::domain::freight::release_awaiting_email(conn, id)?;
    Ok(())
}

/// Deletes an account: ads and freight leave public view, photos and personal data are erased,
/// sessions end; chats stay readable for the other side, who sees the user as deleted.
/// Returns the files to remove (avatar, ad photos, pending uploads).
pub fn delete(conn: &Connection, id: UserId, now: i64) -> rusqlite::Result<Vec<String>> {
    let mut files: Vec<String> = Vec::new();
    {
        let mut stmt = conn.prepare(
            "SELECT avatar_path FROM users WHERE id = ?1
             UNION ALL SELECT p.path FROM ad_photos p JOIN ads a ON a.id = p.ad_id WHERE a.owner_id = ?1
             UNION ALL SELECT p.card_path FROM ad_photos p JOIN ads a ON a.id = p.ad_id WHERE a.owner_id = ?1
             UNION ALL SELECT p.detail_path FROM ad_photos p JOIN ads a ON a.id = p.ad_id WHERE a.owner_id = ?1
             UNION ALL SELECT path FROM photo_uploads WHERE owner_id = ?1",
        )?;
        for f in stmt.query_map([id], |r| r.get::<_, Option<String>>(0))? {
            files.extend(f?);
        }
    }
    conn.execute(
        "DELETE FROM ad_photos WHERE ad_id IN (SELECT id FROM ads WHERE owner_id = ?1)",
        [id],
    )?;
    conn.execute("DELETE FROM photo_uploads WHERE owner_id = ?1", [id])?;
    conn.execute(
        "UPDATE ads SET is_active = 0, deleted_at = coalesce(deleted_at, ?2) WHERE owner_id = ?1",
        (id, now),
    )?;
    conn.execute(
        "UPDATE freight_ads SET is_active = 0, deleted_at = coalesce(deleted_at, ?2) WHERE owner_id = ?1",
        (id, now),
    )?;
    conn.execute(
        "UPDATE users SET email = 'deleted-' || id || '@deleted.invalid', password_hash = NULL, name = '',
            phone = NULL, city = NULL, avatar_path = NULL, company_name = NULL, tax_id = NULL, director = NULL,
            company_phone = NULL, company_email = NULL, address = NULL, legal_address = NULL, website = NULL,
            badge_granted_at = NULL, badge_until = NULL, deleted_at = ?2
         WHERE id = ?1",
        (id, now),
    )?;
    conn.execute("DELETE FROM sessions WHERE user_id = ?1", [id])?;
    conn.execute("DELETE FROM auth_tokens WHERE user_id = ?1", [id])?;
    conn.execute("DELETE FROM favorites WHERE user_id = ?1", [id])?;
    Ok(files)
}

fn rows(conn: &Connection, sql: &str, id: UserId) -> rusqlite::Result<Value> {
    let mut stmt = conn.prepare(sql)?;
    let names: Vec<String> = stmt.column_names().iter().map(|s| s.to_string()).collect();
    let list = stmt
        .query_map([id], |r| {
            let mut obj = serde_json::Map::new();
            for (i, name) in names.iter().enumerate() {
                let v = match r.get_ref(i)? {
                    rusqlite::types::ValueRef::Null => Value::Null,
                    rusqlite::types::ValueRef::Integer(n) => json!(n),
                    rusqlite::types::ValueRef::Real(f) => json!(f),
                    rusqlite::types::ValueRef::Text(t) => json!(String::from_utf8_lossy(t)),
                    rusqlite::types::ValueRef::Blob(_) => Value::Null,
                };
                obj.insert(name.clone(), v);
            }
            Ok(Value::Object(obj))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Value::Array(list))
}

/// Everything held about a user, as JSON (the password hash and session ids excluded).
pub fn export(
    conn: &Connection,
    ring: &crate::domain::chats::seal::Keyring,
    id: UserId,
) -> rusqlite::Result<Value> {
    let user = rows(
        conn,
        "SELECT id, email, name, account_type, phone, country, city, avatar_path, company_name, tax_id, director,
                company_phone, company_email, address, legal_address, website, is_staff, badge_granted_at, badge_until,
                email_verified_at, created_at, password_changed_at FROM users WHERE id = ?1",
        id,
    )?;
    Ok(json!({
        "user": user.get(0).cloned().unwrap_or(Value::Null),
        "ads": rows(conn, "SELECT * FROM ads WHERE owner_id = ?1 ORDER BY id", id)?,
        "ad_photos": rows(conn, "SELECT p.* FROM ad_photos p JOIN ads a ON a.id = p.ad_id WHERE a.owner_id = ?1 ORDER BY p.id", id)?,
        "favorites": rows(conn, "SELECT ad_id, created_at FROM favorites WHERE user_id = ?1", id)?,
        "chat_threads": rows(conn, "SELECT * FROM chat_threads WHERE buyer_id = ?1 OR seller_id = ?1 ORDER BY id", id)?,
        "chat_messages": crate::domain::chats::repo::export_messages(conn, ring, id)?,
        "sessions": rows(conn, "SELECT created_at, last_seen_at, expires_at FROM sessions WHERE user_id = ?1", id)?,
    }))
}

/// Makes the user with this e-mail staff, creating a password-less account if needed; returns its id.
pub fn create_or_promote_staff(
    conn: &Connection,
    email: &Email,
    now: i64,
) -> rusqlite::Result<UserId> {
    conn.execute(
        "INSERT INTO users (email, name, is_staff, created_at) VALUES (?1, ?2, 1, ?3)
         ON CONFLICT (email) DO UPDATE SET is_staff = 1",
        (email.as_str(), "Модератор", now),
    )?;
    conn.query_row("SELECT id FROM users WHERE email = ?1", [email.as_str()], |r| r.get(0))
}

/// Whether any staff account exists.
pub fn any_staff(conn: &Connection) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM users WHERE is_staff = 1 AND deleted_at IS NULL)",
        [],
        |r| r.get(0),
    )
}
