//! Broadcasts: a message from staff to all users or a filtered set, delivered in batches into
//! their support threads (and by mail) by a job; where it got to is stored after each batch,
//! so a restart resumes it and nobody gets it twice.

use rusqlite::{Connection, OptionalExtension};

use crate::db::write_tx;
use crate::domain::audit;
use crate::domain::chats::actions::post_system;
use crate::domain::chats::seal::Keyring;
use crate::domain::ids::UserId;

/// Users per batch (one transaction each).
pub const BATCH: i64 = 200;

/// Who gets a broadcast.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// Every user.
    All,
    /// Users with a published ad.
    Sellers,
    /// Holders of a valid badge.
    Verified,
    /// Users of a country ("kz", "uz", "ru", "by").
    Country(String),
}

impl Audience {
    /// Parses the form's and the table's code.
    pub fn parse(s: &str) -> Option<Audience> {
        match s {
            "all" => Some(Audience::All),
            "sellers" => Some(Audience::Sellers),
            "verified" => Some(Audience::Verified),
            _ => {
                let c = s.strip_prefix("country:")?;
                crate::domain::geo::Country::parse(c)
                    .map(|c| Audience::Country(c.code().to_owned()))
            }
        }
    }

    /// The code.
    pub fn code(&self) -> String {
        match self {
            Audience::All => "all".into(),
            Audience::Sellers => "sellers".into(),
            Audience::Verified => "verified".into(),
            Audience::Country(c) => format!("country:{c}"),
        }
    }

    /// The condition on `u` (users) and its parameter (`?2` is "now", `?3` the country).
    fn condition(&self) -> &'static str {
        match self {
            Audience::All => "1 = 1",
            Audience::Sellers => {
                "EXISTS (SELECT 1 FROM ads a WHERE a.owner_id = u.id AND a.is_active = 1)"
            }
            Audience::Verified => "u.badge_until > ?2",
            Audience::Country(_) => "u.country = ?3",
        }
    }

    fn country(&self) -> &str {
        match self {
            Audience::Country(c) => c,
            _ => "",
        }
    }
}

/// How many users an audience has now.
pub fn count(conn: &Connection, a: &Audience, now: i64) -> rusqlite::Result<i64> {
    conn.query_row(
        &format!(
            "SELECT count(*) FROM users u WHERE u.deleted_at IS NULL AND u.banned_at IS NULL AND ?1 = ?1 AND {}",
            a.condition()
        ),
        (0, now, a.country()),
        |r| r.get(0),
    )
}

/// Starts a broadcast; the job delivers it. Returns its id.
pub fn create(
    conn: &mut Connection,
    staff: UserId,
    text: &str,
    audience: &Audience,
    by_mail: bool,
    now: i64,
) -> rusqlite::Result<i64> {
    write_tx(conn, |tx| {
        let total = count(tx, audience, now)?;
        tx.execute(
            "INSERT INTO broadcasts (staff_id, text, audience, by_mail, total, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            (staff, text, audience.code(), by_mail, total, now),
        )?;
        let id = tx.last_insert_rowid();
        audit::record(tx, staff, "broadcast", "broadcast", id, &audience.code(), now)?;
        Ok(id)
    })
}

/// A broadcast's progress.
#[derive(Debug, Clone)]
pub struct Progress {
    /// Id.
    pub id: i64,
    /// Its text.
    pub text: String,
    /// Who gets it.
    pub audience: String,
    /// Users it is for (when started).
    pub total: i64,
    /// Delivered so far.
    pub sent: i64,
    /// Started.
    pub created_at: i64,
    /// Done.
    pub finished_at: Option<i64>,
}

/// The latest broadcasts, newest first.
pub fn recent(conn: &Connection, limit: i64) -> rusqlite::Result<Vec<Progress>> {
    conn.prepare_cached(
        "SELECT id, text, audience, total, sent, created_at, finished_at FROM broadcasts ORDER BY id DESC LIMIT ?1",
    )?
    .query_map([limit], |r| {
        Ok(Progress {
            id: r.get(0)?,
            text: r.get(1)?,
            audience: r.get(2)?,
            total: r.get(3)?,
            sent: r.get(4)?,
            created_at: r.get(5)?,
            finished_at: r.get(6)?,
        })
    })?
    .collect()
}

/// Delivers the next batch of the oldest open broadcast, in one transaction: each user's
/// support thread gets the message (and the outbox its mail), the broadcast its new place.
/// Returns who got it (their unread counts changed) and whether more remain.
pub fn deliver_batch(
    conn: &mut Connection,
    ring: &Keyring,
    now: i64,
) -> rusqlite::Result<(Vec<UserId>, bool)> {
    write_tx(conn, |tx| {
        let open: Option<(i64, UserId, String, String, bool, i64)> = tx
            .query_row(
                "SELECT id, staff_id, text, audience, by_mail, last_user_id FROM broadcasts
                 WHERE finished_at IS NULL ORDER BY id LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
            )
            .optional()?;
        let Some((id, staff, text, audience, by_mail, last)) = open else {
            return Ok((Vec::new(), false));
        };
        let audience = Audience::parse(&audience).unwrap_or(Audience::All);
        let users: Vec<(UserId, String, crate::i18n::Lang)> = tx
            .prepare(&format!(
                "SELECT u.id, u.email, u.lang FROM users u WHERE u.id > ?1 AND u.deleted_at IS NULL AND u.banned_at IS NULL
                   AND {} ORDER BY u.id LIMIT {BATCH}",
                audience.condition()
            ))?
            .query_map((last, now, audience.country()), |r| {
                Ok((r.get(0)?, r.get(1)?, crate::domain::users::lang_column(r, 2)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut reached = Vec::with_capacity(users.len());
        // the text is staff's own; the subject is in each reader's language
        for (user, email, lang) in &users {
            if post_system(tx, ring, staff, *user, &text, now)?.is_ok() {
                reached.push(*user);
            }
            if by_mail {
                crate::domain::mail::enqueue(
                    tx,
                    email,
                    lang.t("broadcast.mail_subject"),
                    &text,
                    now,
                )?;
            }
        }
        let done = (users.len() as i64) < BATCH;
        let new_last = users.last().map_or(last, |(u, _, _)| u.get());
        tx.execute(
            "UPDATE broadcasts SET sent = sent + ?2, last_user_id = ?3, finished_at = CASE WHEN ?4 THEN ?5 END WHERE id = ?1",
            (id, users.len() as i64, new_last, done, now),
        )?;
        let more: bool = done
            && tx
                .query_row("SELECT 1 FROM broadcasts WHERE finished_at IS NULL LIMIT 1", [], |_| {
                    Ok(())
                })
                .optional()?
                .is_some();
        Ok((reached, !done || more))
    })
}
