//! What the staff console reads: the dashboard's numbers and samples, user and ad searches,
//! one user's whole picture.

use rusqlite::{Connection, OptionalExtension};

use crate::domain::ids::{AdId, UserId};

/// The dashboard's counts.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// Accounts (not deleted).
    pub users: i64,
    /// Banned accounts.
    pub banned: i64,
    /// Published ads.
    pub ads_active: i64,
    /// Ads not deleted.
    pub ads_total: i64,
    /// Ads with a running promotion.
    pub promotions: i64,
    /// Users with a valid badge.
    pub badges: i64,
    /// Paid payments since midnight UTC: (currency, count, minor units).
    pub paid_today: Vec<(String, i64, i64)>,
    /// Paid in the last 7 days.
    pub paid_week: Vec<(String, i64, i64)>,
    /// Targets with open reports or flags.
    pub reports_waiting: i64,
    /// Ads waiting for review.
    pub review_waiting: i64,
    /// Paid badge requests waiting.
    pub badges_waiting: i64,
    /// The database file's size (pages × page size).
    pub db_bytes: i64,
}

/// The dashboard's counts now.
pub fn stats(conn: &Connection, now: i64) -> rusqlite::Result<Stats> {
    let one = |sql: &str| -> rusqlite::Result<i64> { conn.query_row(sql, [now], |r| r.get(0)) };
    let midnight = now - now.rem_euclid(86_400);
    Ok(Stats {
        users: one("SELECT count(*) FROM users WHERE deleted_at IS NULL AND ?1 = ?1")?,
        banned: one("SELECT count(*) FROM users WHERE banned_at IS NOT NULL AND ?1 = ?1")?,
        ads_active: one("SELECT count(*) FROM ads WHERE is_active = 1 AND ?1 = ?1")?,
        ads_total: one("SELECT count(*) FROM ads WHERE deleted_at IS NULL AND ?1 = ?1")?,
        promotions: one("SELECT count(*) FROM ads WHERE plan IS NOT NULL AND plan_until > ?1")?,
        badges: one("SELECT count(*) FROM users WHERE badge_until > ?1")?,
        paid_today: crate::domain::payments::ledger::paid_since(conn, midnight)?,
        paid_week: crate::domain::payments::ledger::paid_since(conn, now - 7 * 86_400)?,
        reports_waiting: crate::domain::moderation::waiting(conn)?,
        review_waiting: one(
            "SELECT count(*) FROM ads WHERE review_state = 'pending' AND deleted_at IS NULL AND ?1 = ?1",
        )?,
        badges_waiting: one(
            "SELECT count(*) FROM badge_requests WHERE state = 'waiting' AND ?1 = ?1",
        )?,
        db_bytes: conn.query_row(
            "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
            [],
            |r| r.get(0),
        )?,
    })
}

/// A minute of the last day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// When.
    pub at: i64,
    /// Requests that minute.
    pub requests: i64,
    /// Their 99th percentile, ms.
    pub request_p99_ms: f64,
    /// Jobs completed.
    pub jobs_completed: i64,
    /// Jobs failed.
    pub jobs_failed: i64,
    /// Jobs waiting when sampled.
    pub queue: i64,
    /// Jobs' 99th percentile, ms.
    pub job_p99_ms: f64,
}

/// The samples of the last 24 hours, oldest first.
pub fn samples(conn: &Connection, now: i64) -> rusqlite::Result<Vec<Sample>> {
    conn.prepare_cached(
        "SELECT at, requests, request_p99_ms, jobs_completed, jobs_failed, queue, job_p99_ms
         FROM metric_samples WHERE at > ?1 - 86400 ORDER BY at",
    )?
    .query_map([now], |r| {
        Ok(Sample {
            at: r.get(0)?,
            requests: r.get(1)?,
            request_p99_ms: r.get(2)?,
            jobs_completed: r.get(3)?,
            jobs_failed: r.get(4)?,
            queue: r.get(5)?,
            job_p99_ms: r.get(6)?,
        })
    })?
    .collect()
}

/// A user in staff's lists.
#[derive(Debug, Clone)]
pub struct UserRow {
    /// Id.
    pub id: UserId,
    /// Name.
    pub name: String,
    /// E-mail.
    pub email: String,
    /// Phone.
    pub phone: Option<String>,
    /// Staff.
    pub is_staff: bool,
    /// Banned, and why.
    pub ban: Option<String>,
    /// E-mail confirmed.
    pub email_verified: bool,
    /// Badge valid until.
    pub badge_until: Option<i64>,
    /// Joined.
    pub created_at: i64,
}

const USER_COLUMNS: &str = "u.id, u.name, u.email, u.phone, u.is_staff, CASE WHEN u.banned_at IS NOT NULL THEN u.ban_reason END, \
     u.email_verified_at IS NOT NULL, u.badge_until, u.created_at";

fn user_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<UserRow> {
    Ok(UserRow {
        id: r.get(0)?,
        name: r.get(1)?,
        email: r.get(2)?,
        phone: r.get(3)?,
        is_staff: r.get(4)?,
        ban: r.get(5)?,
        email_verified: r.get(6)?,
        badge_until: r.get(7)?,
        created_at: r.get(8)?,
    })
}

/// Users whose e-mail, name or phone contains `q` (all, newest first, when `q` is empty).
pub fn search_users(conn: &Connection, q: &str, limit: i64) -> rusqlite::Result<Vec<UserRow>> {
    let like = format!("%{}%", q.trim().replace(['%', '_'], ""));
    conn.prepare_cached(&format!(
        "SELECT {USER_COLUMNS} FROM users u WHERE u.deleted_at IS NULL
           AND (?1 = '%%' OR u.email LIKE ?1 OR u.name LIKE ?1 OR u.phone LIKE ?1)
         ORDER BY u.id DESC LIMIT ?2"
    ))?
    .query_map((like, limit), user_row)?
    .collect()
}

/// One user.
pub fn user(conn: &Connection, id: UserId) -> rusqlite::Result<Option<UserRow>> {
    conn.prepare_cached(&format!(
        "SELECT {USER_COLUMNS} FROM users u WHERE u.id = ?1 AND u.deleted_at IS NULL"
    ))?
    .query_row([id], user_row)
    .optional()
}

/// An ad in staff's lists.
#[derive(Debug, Clone)]
pub struct AdRow {
    /// Id.
    pub id: AdId,
    /// Title.
    pub title: String,
    /// Slug.
    pub slug: String,
    /// Owner.
    pub owner: UserId,
    /// Owner's name.
    pub owner_name: String,
    /// Published.
    pub active: bool,
    /// Hidden by staff, and why.
    pub hidden: Option<String>,
    /// Waiting for review.
    pub held: bool,
    /// Running plan.
    pub plan: Option<String>,
    /// Posted.
    pub created_at: i64,
}

const AD_COLUMNS: &str = "a.id, a.title, a.slug, a.owner_id, u.name, a.is_active, \
     CASE WHEN a.blocked_at IS NOT NULL THEN a.hidden_reason END, a.review_state = 'pending', \
     CASE WHEN a.plan_until > :now THEN a.plan END, a.created_at";

fn ad_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AdRow> {
    Ok(AdRow {
        id: r.get(0)?,
        title: r.get(1)?,
        slug: r.get(2)?,
        owner: r.get(3)?,
        owner_name: r.get(4)?,
        active: r.get(5)?,
        hidden: r.get(6)?,
        held: r.get(7)?,
        plan: r.get(8)?,
        created_at: r.get(9)?,
    })
}

/// Ads (not deleted) by id or title words (all, newest first, when `q` is empty).
pub fn search_ads(
    conn: &Connection,
    q: &str,
    limit: i64,
    now: i64,
) -> rusqlite::Result<Vec<AdRow>> {
    let q = q.trim();
    if let Ok(id) = q.parse::<i64>() {
        return conn
            .prepare_cached(&format!(
                "SELECT {AD_COLUMNS} FROM ads a JOIN users u ON u.id = a.owner_id WHERE a.id = :id AND a.deleted_at IS NULL"
            ))?
            .query_map(rusqlite::named_params! { ":id": id, ":now": now }, ad_row)?
            .collect();
    }
    let words: String = q
        .split_whitespace()
        .filter(|w| w.chars().count() >= 3)
        .map(|w| format!("\"{}\"*", w.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" ");
    if words.is_empty() {
        return conn
            .prepare_cached(&format!(
                "SELECT {AD_COLUMNS} FROM ads a JOIN users u ON u.id = a.owner_id WHERE a.deleted_at IS NULL
                 ORDER BY a.id DESC LIMIT :limit"
            ))?
            .query_map(rusqlite::named_params! { ":limit": limit, ":now": now }, ad_row)?
            .collect();
    }
    conn.prepare_cached(&format!(
        "SELECT {AD_COLUMNS} FROM ads a JOIN users u ON u.id = a.owner_id
         WHERE a.id IN (
             SELECT rowid FROM ads_find_catalog WHERE ads_find_catalog MATCH '{{title body}} : (' || :q || ')'
             UNION ALL SELECT rowid FROM ads_find_parts WHERE ads_find_parts MATCH '{{title body}} : (' || :q || ')'
             UNION ALL SELECT rowid FROM ads_find_repair WHERE ads_find_repair MATCH '{{title body}} : (' || :q || ')')
           AND a.deleted_at IS NULL
         ORDER BY a.id DESC LIMIT :limit"
    ))?
    .query_map(rusqlite::named_params! { ":q": words, ":limit": limit, ":now": now }, ad_row)?
    .collect()
}

/// A user's ads, newest first.
pub fn ads_of(
    conn: &Connection,
    user: UserId,
    limit: i64,
    now: i64,
) -> rusqlite::Result<Vec<AdRow>> {
    conn.prepare_cached(&format!(
        "SELECT {AD_COLUMNS} FROM ads a JOIN users u ON u.id = a.owner_id
         WHERE a.owner_id = :user AND a.deleted_at IS NULL ORDER BY a.id DESC LIMIT :limit"
    ))?
    .query_map(rusqlite::named_params! { ":user": user, ":limit": limit, ":now": now }, ad_row)?
    .collect()
}

/// Reports about a user and by them: (about them, filed by them).
pub fn report_counts(conn: &Connection, user: UserId) -> rusqlite::Result<(i64, i64)> {
    let about: i64 = conn.query_row(
        "SELECT count(*) FROM reports r WHERE (r.target_kind = 'user' AND r.target_id = ?1)
            OR (r.target_kind = 'ad' AND r.target_id IN (SELECT id FROM ads WHERE owner_id = ?1))
            OR (r.target_kind = 'message' AND r.target_id IN (SELECT id FROM chat_messages WHERE sender_id = ?1))",
        [user],
        |r| r.get(0),
    )?;
    let by: i64 =
        conn.query_row("SELECT count(*) FROM reports WHERE reporter_id = ?1", [user], |r| {
            r.get(0)
        })?;
    Ok((about, by))
}

/// A user's live sessions: (created, last seen, expires).
pub fn sessions_of(
    conn: &Connection,
    user: UserId,
    now: i64,
) -> rusqlite::Result<Vec<(i64, i64, i64)>> {
    conn.prepare_cached(
        "SELECT created_at, last_seen_at, expires_at FROM sessions WHERE user_id = ?1 AND expires_at > ?2 ORDER BY last_seen_at DESC",
    )?
    .query_map((user, now), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
    .collect()
}
