//! Moderation: users report ads, sellers and chat messages; staff work the queue (dismiss,
//! hide an ad, warn, ban, unban) and review held ads. Every staff action is written to the
//! audit log in its own transaction; what the user is told goes into their support thread.

use rusqlite::{Connection, OptionalExtension, Transaction};

use crate::db::write_tx;
use crate::domain::Denied;
use crate::domain::audit;
use crate::domain::chats::actions::{Delivery, post_system};
use crate::domain::chats::seal::Keyring;
use crate::domain::ids::{AdId, UserId};
use crate::domain::users::SessionUser;

/// What a report is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// An ad.
    Ad(AdId),
    /// A seller or buyer.
    User(UserId),
    /// A chat message.
    Message(i64),
}

impl Target {
    /// The database code and id.
    pub fn parts(self) -> (&'static str, i64) {
        match self {
            Target::Ad(id) => ("ad", id.get()),
            Target::User(id) => ("user", id.get()),
            Target::Message(id) => ("message", id),
        }
    }

    /// From the database code and id.
    pub fn from_parts(kind: &str, id: i64) -> Option<Target> {
        match kind {
            "ad" => Some(Target::Ad(AdId(id))),
            "user" => Some(Target::User(UserId(id))),
            "message" => Some(Target::Message(id)),
            _ => None,
        }
    }
}

/// Why a report was not filed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportRefusal {
    /// No such thing for this user.
    Denied(Denied),
    /// Not a reason from the list.
    BadReason,
    /// One open report per reporter and target.
    Already,
    /// One's own ad or self.
    Own,
}

/// Files a report of an ad or a user (messages: `chats::actions::report_message`).
pub fn report(
    conn: &mut Connection,
    reporter: &SessionUser,
    target: Target,
    reason: &str,
    comment: &str,
    now: i64,
) -> rusqlite::Result<Result<(), ReportRefusal>> {
    if !crate::domain::chats::REPORT_REASONS.contains(&reason) {
        return Ok(Err(ReportRefusal::BadReason));
    }
    let comment: String = comment.trim().chars().take(1_000).collect();
    write_tx(conn, |tx| {
        match target {
            Target::Ad(ad) => {
                let Some(o) = crate::domain::ads::write::ownership(tx, ad)? else {
                    return Ok(Err(ReportRefusal::Denied(Denied::NotFound)));
                };
                if !o.visible_to(reporter) {
                    return Ok(Err(ReportRefusal::Denied(Denied::NotFound)));
                }
                if o.owner_id == reporter.id {
                    return Ok(Err(ReportRefusal::Own));
                }
            }
            Target::User(user) => {
                let exists: bool = tx
                    .query_row(
                        "SELECT 1 FROM users WHERE id = ?1 AND deleted_at IS NULL",
                        [user],
                        |_| Ok(()),
                    )
                    .optional()?
                    .is_some();
                if !exists {
                    return Ok(Err(ReportRefusal::Denied(Denied::NotFound)));
                }
                if user == reporter.id {
                    return Ok(Err(ReportRefusal::Own));
                }
            }
            Target::Message(_) => return Ok(Err(ReportRefusal::Denied(Denied::NotFound))),
        }
        let (kind, id) = target.parts();
        let added = tx.execute(
            "INSERT OR IGNORE INTO reports (reporter_id, target_kind, target_id, reason, comment, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            (reporter.id, kind, id, reason, &comment, now),
        )?;
        Ok(if added == 0 { Err(ReportRefusal::Already) } else { Ok(()) })
    })
}

/// What a queue entry is about, shown in place.
#[derive(Debug, Clone)]
pub enum Subject {
    /// An ad: title, link slug, owner, published, hidden reason.
    Ad {
        /// Id.
        id: AdId,
        /// Title.
        title: String,
        /// Slug.
        slug: String,
        /// Owner.
        owner: UserId,
        /// Owner's name.
        owner_name: String,
        /// Published.
        active: bool,
        /// Hidden by staff, with why.
        hidden_reason: Option<String>,
    },
    /// A user.
    User {
        /// Id.
        id: UserId,
        /// Name.
        name: String,
        /// E-mail.
        email: String,
        /// Banned.
        banned: bool,
    },
    /// A chat message (opened for staff).
    Message {
        /// Id.
        id: i64,
        /// Its text.
        text: String,
        /// Author.
        author: UserId,
        /// Author's name.
        author_name: String,
    },
    /// Gone since it was reported.
    Gone,
}

impl Subject {
    /// The user a warning or a ban would reach.
    pub fn user(&self) -> Option<UserId> {
        match self {
            Subject::Ad { owner, .. } => Some(*owner),
            Subject::User { id, .. } => Some(*id),
            Subject::Message { author, .. } => Some(*author),
            Subject::Gone => None,
        }
    }
}

/// One target in the staff queue with its open reports and flags.
#[derive(Debug, Clone)]
pub struct QueueItem {
    /// What.
    pub target: Target,
    /// Shown in place.
    pub subject: Subject,
    /// Open reports.
    pub reports: i64,
    /// Their reasons, most frequent first.
    pub reasons: Vec<String>,
    /// Reporters' comments (newest first, a few).
    pub comments: Vec<String>,
    /// A stop word the target matched, if flagged.
    pub flagged_word: Option<String>,
    /// Flagged for photos like another seller's ad: that ad (id, slug, title).
    pub similar_photos: Option<crate::domain::ads::duplicates::OtherAd>,
    /// The newest report or flag.
    pub last_at: i64,
}

/// The queue: targets with open reports or flags, newest first.
pub fn queue(conn: &Connection, ring: &Keyring, limit: i64) -> rusqlite::Result<Vec<QueueItem>> {
    let rows: Vec<(String, i64, i64, i64)> = conn
        .prepare_cached(
            "SELECT kind, id, sum(reports), max(at) FROM (
                 SELECT target_kind AS kind, target_id AS id, 1 AS reports, created_at AS at
                 FROM reports WHERE resolved_at IS NULL
                 UNION ALL
                 SELECT target_kind, target_id, 0, created_at FROM flags WHERE resolved_at IS NULL
             ) GROUP BY kind, id ORDER BY max(at) DESC, id DESC LIMIT ?1",
        )?
        .query_map([limit], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::with_capacity(rows.len());
    for (kind, id, reports, last_at) in rows {
        let Some(target) = Target::from_parts(&kind, id) else { continue };
        let reasons: Vec<String> = conn
            .prepare_cached(
                "SELECT reason FROM reports WHERE target_kind = ?1 AND target_id = ?2 AND resolved_at IS NULL
                 GROUP BY reason ORDER BY count(*) DESC, reason",
            )?
            .query_map((&kind, id), |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let comments: Vec<String> = conn
            .prepare_cached(
                "SELECT comment FROM reports WHERE target_kind = ?1 AND target_id = ?2 AND resolved_at IS NULL
                   AND comment <> '' ORDER BY id DESC LIMIT 5",
            )?
            .query_map((&kind, id), |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let flagged_word: Option<String> = conn
            .prepare_cached("SELECT word FROM flags WHERE target_kind = ?1 AND target_id = ?2 AND resolved_at IS NULL AND reason = 'word'")?
            .query_row((&kind, id), |r| r.get(0))
            .optional()?;
        let similar_photos = conn
            .prepare_cached(
                "SELECT a.id, a.slug, a.title FROM flags f JOIN ads a ON a.id = f.similar_ad_id
                 WHERE f.target_kind = ?1 AND f.target_id = ?2 AND f.resolved_at IS NULL AND f.reason = 'photos'",
            )?
            .query_row((&kind, id), |r| {
                Ok(crate::domain::ads::duplicates::OtherAd {
                    id: r.get(0)?,
                    slug: r.get(1)?,
                    title: r.get(2)?,
                })
            })
            .optional()?;
        let subject = subject(conn, ring, target)?;
        out.push(QueueItem {
            target,
            subject,
            reports,
            reasons,
            comments,
            flagged_word,
            similar_photos,
            last_at,
        });
    }
    Ok(out)
}

/// The thing a target names, as staff see it.
pub fn subject(conn: &Connection, ring: &Keyring, target: Target) -> rusqlite::Result<Subject> {
    Ok(match target {
        Target::Ad(id) => conn
            .prepare_cached(
                "SELECT a.title, a.slug, a.owner_id, u.name, a.is_active, CASE WHEN a.blocked_at IS NOT NULL THEN a.hidden_reason END
                 FROM ads a JOIN users u ON u.id = a.owner_id WHERE a.id = ?1 AND a.deleted_at IS NULL",
            )?
            .query_row([id], |r| {
                Ok(Subject::Ad {
                    id,
                    title: r.get(0)?,
                    slug: r.get(1)?,
                    owner: r.get(2)?,
                    owner_name: r.get(3)?,
                    active: r.get(4)?,
                    hidden_reason: r.get(5)?,
                })
            })
            .optional()?
            .unwrap_or(Subject::Gone),
        Target::User(id) => conn
            .prepare_cached("SELECT name, email, banned_at IS NOT NULL FROM users WHERE id = ?1 AND deleted_at IS NULL")?
            .query_row([id], |r| Ok(Subject::User { id, name: r.get(0)?, email: r.get(1)?, banned: r.get(2)? }))
            .optional()?
            .unwrap_or(Subject::Gone),
        Target::Message(id) => match crate::domain::chats::repo::message(conn, ring, crate::domain::ids::MessageId(id))? {
            Some(m) if m.deleted_at.is_none() => {
                Subject::Message { id, text: m.text, author: m.sender, author_name: m.sender_name }
            }
            _ => Subject::Gone,
        },
    })
}

/// Open reports and flags: how many targets wait (the dashboard's number).
pub fn waiting(conn: &Connection) -> rusqlite::Result<i64> {
    conn.prepare_cached(
        "SELECT count(*) FROM (SELECT target_kind, target_id FROM reports WHERE resolved_at IS NULL
          UNION SELECT target_kind, target_id FROM flags WHERE resolved_at IS NULL)",
    )?
    .query_row([], |r| r.get(0))
}

fn resolve(tx: &Transaction<'_>, target: Target, now: i64) -> rusqlite::Result<()> {
    let (kind, id) = target.parts();
    tx.execute(
        "UPDATE reports SET resolved_at = ?3 WHERE target_kind = ?1 AND target_id = ?2 AND resolved_at IS NULL",
        (kind, id, now),
    )?;
    tx.execute(
        "UPDATE flags SET resolved_at = ?3 WHERE target_kind = ?1 AND target_id = ?2 AND resolved_at IS NULL",
        (kind, id, now),
    )?;
    Ok(())
}

/// Closes a target's reports and flags without action.
pub fn dismiss(
    conn: &mut Connection,
    staff: UserId,
    target: Target,
    comment: &str,
    now: i64,
) -> rusqlite::Result<()> {
    write_tx(conn, |tx| {
        resolve(tx, target, now)?;
        let (kind, id) = target.parts();
        audit::record(tx, staff, "report:dismiss", kind, id, comment, now)
    })
}

fn notify(
    tx: &Transaction<'_>,
    ring: &Keyring,
    staff: UserId,
    user: UserId,
    text: &str,
    now: i64,
) -> rusqlite::Result<Option<Delivery>> {
    Ok(post_system(tx, ring, staff, user, text, now)?.ok())
}

/// Hides an ad with a reason its owner reads (on the ad, in their ads and in the support
/// thread); it comes back when staff unhide it, or after its owner edits it and staff approve.
pub fn hide_ad(
    conn: &mut Connection,
    ring: &Keyring,
    staff: UserId,
    ad: AdId,
    reason: &str,
    now: i64,
) -> rusqlite::Result<Result<Option<Delivery>, Denied>> {
    hide(conn, ring, staff, ad, reason, "ad:hide", now)
}

fn hide(
    conn: &mut Connection,
    ring: &Keyring,
    staff: UserId,
    ad: AdId,
    reason: &str,
    action: &str,
    now: i64,
) -> rusqlite::Result<Result<Option<Delivery>, Denied>> {
    let reason = reason.trim().to_owned();
    write_tx(conn, |tx| {
        let found: Option<(UserId, String)> = tx
            .query_row(
                "SELECT owner_id, title FROM ads WHERE id = ?1 AND deleted_at IS NULL",
                [ad],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((owner, title)) = found else { return Ok(Err(Denied::NotFound)) };
        tx.execute(
            "UPDATE ads SET is_active = 0, blocked_at = ?2, hidden_reason = ?3, review_state = 'none', updated_at = ?2 WHERE id = ?1",
            (ad, now, &reason),
        )?;
        if crate::domain::telegram::is_followed(tx, ad)? {
            crate::domain::telegram::queue(tx, ad, crate::domain::telegram::Op::Delete, now)?;
        }
        resolve(tx, Target::Ad(ad), now)?;
        audit::record(tx, staff, action, "ad", ad.get(), &reason, now)?;
        let lang = crate::domain::users::lang_of(tx, owner)?;
        let text =
            lang.tf("moderation.ad_hidden_message", &[("title", &title), ("reason", &reason)]);
        Ok(Ok(notify(tx, ring, staff, owner, &text, now)?))
    })
}

/// Publishes a hidden or held ad again (staff), clearing its reason and review; one that waits
/// for its owner's e-mail is published with the confirmation.
pub fn unhide_ad(
    conn: &mut Connection,
    staff: UserId,
    ad: AdId,
    action: &str,
    now: i64,
) -> rusqlite::Result<Result<(), Denied>> {
    write_tx(conn, |tx| {
        let changed = tx.execute(
            "UPDATE ads SET is_active = 1 - awaiting_email, blocked_at = NULL, hidden_reason = '', review_state = 'none',
                updated_at = ?2
             WHERE id = ?1 AND deleted_at IS NULL",
            (ad, now),
        )?;
        if changed == 0 {
            return Ok(Err(Denied::NotFound));
        }
        crate::domain::telegram::queue(tx, ad, crate::domain::telegram::Op::Post, now)?;
        resolve(tx, Target::Ad(ad), now)?;
        audit::record(tx, staff, action, "ad", ad.get(), "", now)?;
        Ok(Ok(()))
    })
}

/// A held ad (pre-moderation, or edited after hiding) is turned down with a reason: it stays
/// hidden and its owner is told why.
pub fn reject_ad(
    conn: &mut Connection,
    ring: &Keyring,
    staff: UserId,
    ad: AdId,
    reason: &str,
    now: i64,
) -> rusqlite::Result<Result<Option<Delivery>, Denied>> {
    hide(conn, ring, staff, ad, reason, "ad:reject", now)
}

/// An ad waiting for review.
#[derive(Debug, Clone)]
pub struct HeldAd {
    /// Id.
    pub id: AdId,
    /// Title.
    pub title: String,
    /// Slug.
    pub slug: String,
    /// The owner's name.
    pub owner_name: String,
    /// Why staff hid it before its owner edited it ('' for a new seller's first ads).
    pub hidden_reason: String,
}

/// Ads waiting for review, oldest first.
pub fn review_queue(conn: &Connection, limit: i64) -> rusqlite::Result<Vec<HeldAd>> {
    conn.prepare_cached(
        "SELECT a.id, a.title, a.slug, u.name, a.hidden_reason FROM ads a JOIN users u ON u.id = a.owner_id
         WHERE a.review_state = 'pending' AND a.deleted_at IS NULL ORDER BY a.id LIMIT ?1",
    )?
    .query_map([limit], |r| {
        Ok(HeldAd { id: r.get(0)?, title: r.get(1)?, slug: r.get(2)?, owner_name: r.get(3)?, hidden_reason: r.get(4)? })
    })?
    .collect()
}

/// A warning in the user's support thread.
pub fn warn(
    conn: &mut Connection,
    ring: &Keyring,
    staff: UserId,
    user: UserId,
    text: &str,
    resolves: Option<Target>,
    now: i64,
) -> rusqlite::Result<Result<Delivery, Denied>> {
    let text = text.trim().to_owned();
    write_tx(conn, |tx| {
        if !live_user(tx, user)? {
            return Ok(Err(Denied::NotFound));
        }
        if let Some(t) = resolves {
            resolve(tx, t, now)?;
        }
        audit::record(tx, staff, "user:warn", "user", user.get(), &text, now)?;
        let lang = crate::domain::users::lang_of(tx, user)?;
        let message = lang.tf("moderation.warning_message", &[("text", &text)]);
        Ok(notify(tx, ring, staff, user, &message, now)?.ok_or(Denied::NotFound))
    })
}

fn live_user(tx: &Transaction<'_>, user: UserId) -> rusqlite::Result<bool> {
    Ok(tx
        .query_row("SELECT 1 FROM users WHERE id = ?1 AND deleted_at IS NULL", [user], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Bans a user: their sessions end, their published ads and freight leave the site, they
/// cannot sign in and are told why. Staff cannot be banned (revoke staff first).
pub fn ban(
    conn: &mut Connection,
    staff: UserId,
    user: UserId,
    reason: &str,
    resolves: Option<Target>,
    now: i64,
) -> rusqlite::Result<Result<(), Denied>> {
    let reason = reason.trim().to_owned();
    write_tx(conn, |tx| {
        let found: Option<bool> = tx
            .query_row(
                "SELECT is_staff FROM users WHERE id = ?1 AND deleted_at IS NULL",
                [user],
                |r| r.get(0),
            )
            .optional()?;
        match found {
            None => return Ok(Err(Denied::NotFound)),
            Some(true) => return Ok(Err(Denied::Forbidden)),
            Some(false) => {}
        }
        tx.execute(
            "UPDATE users SET banned_at = ?2, ban_reason = ?3 WHERE id = ?1",
            (user, now, &reason),
        )?;
        let published: Vec<AdId> = tx
            .prepare("SELECT id FROM ads WHERE owner_id = ?1 AND is_active = 1")?
            .query_map([user], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for ad in published {
            if crate::domain::telegram::is_followed(tx, ad)? {
                crate::domain::telegram::queue(tx, ad, crate::domain::telegram::Op::Delete, now)?;
            }
        }
        tx.execute("DELETE FROM sessions WHERE user_id = ?1", [user])?;
        tx.execute(
            "UPDATE ads SET is_active = 0, hidden_by_ban = 1, updated_at = ?2 WHERE owner_id = ?1 AND is_active = 1",
            (user, now),
        )?;
        tx.execute(
            "UPDATE freight_ads SET is_active = 0 WHERE owner_id = ?1 AND is_active = 1",
            [user],
        )?;
        if let Some(t) = resolves {
            resolve(tx, t, now)?;
        }
        audit::record(tx, staff, "user:ban", "user", user.get(), &reason, now)?;
        Ok(Ok(()))
    })
}

/// Lifts a ban: the ads the ban took off come back.
pub fn unban(
    conn: &mut Connection,
    staff: UserId,
    user: UserId,
    now: i64,
) -> rusqlite::Result<Result<(), Denied>> {
    write_tx(conn, |tx| {
        let changed = tx.execute(
            "UPDATE users SET banned_at = NULL, ban_reason = '' WHERE id = ?1 AND banned_at IS NOT NULL",
            [user],
        )?;
        if changed == 0 {
            return Ok(Err(Denied::NotFound));
        }
        let returning: Vec<AdId> = tx
            .prepare("SELECT id FROM ads WHERE owner_id = ?1 AND hidden_by_ban = 1")?
            .query_map([user], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for ad in &returning {
            crate::domain::telegram::queue(tx, *ad, crate::domain::telegram::Op::Post, now)?;
        }
        tx.execute(
            "UPDATE ads SET is_active = 1, hidden_by_ban = 0, updated_at = ?2 WHERE owner_id = ?1 AND hidden_by_ban = 1",
            (user, now),
        )?;
        audit::record(tx, staff, "user:unban", "user", user.get(), "", now)?;
        Ok(Ok(()))
    })
}

/// Why a user may not sign in, if they are banned.
pub fn ban_of(conn: &Connection, user: UserId) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT ban_reason FROM users WHERE id = ?1 AND banned_at IS NOT NULL")?
        .query_row([user], |r| r.get(0))
        .optional()
}

/// Staff's account switches: staff on/off, e-mail verified, every session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Switch {
    /// Make staff.
    Staff,
    /// Revoke staff.
    Unstaff,
    /// Mark the e-mail verified.
    VerifyEmail,
    /// End every session.
    SignOut,
}

/// Applies a switch to a user's account.
pub fn switch(
    conn: &mut Connection,
    staff: UserId,
    user: UserId,
    s: Switch,
    now: i64,
) -> rusqlite::Result<Result<(), Denied>> {
    write_tx(conn, |tx| {
        if !live_user(tx, user)? {
            return Ok(Err(Denied::NotFound));
        }
        let action = match s {
            Switch::Staff => {
                tx.execute("UPDATE users SET is_staff = 1 WHERE id = ?1", [user])?;
                "user:staff"
            }
            Switch::Unstaff => {
                if user == staff {
                    // the last door out of the console stays open to someone
                    return Ok(Err(Denied::Forbidden));
                }
                tx.execute("UPDATE users SET is_staff = 0 WHERE id = ?1", [user])?;
                "user:unstaff"
            }
            Switch::VerifyEmail => {
                // what waited for the confirmation is published with it
                crate::domain::accounts::repo::mark_verified(tx, user, now)?;
                "user:verify_email"
            }
            Switch::SignOut => {
                tx.execute("DELETE FROM sessions WHERE user_id = ?1", [user])?;
                "user:sign_out"
            }
        };
        audit::record(tx, staff, action, "user", user.get(), "", now)?;
        Ok(Ok(()))
    })
}

/// Staff grant a plan without a payment (the timeline rules apply), logged.
pub fn grant_plan(
    conn: &mut Connection,
    staff: UserId,
    ad: AdId,
    plan: crate::domain::ads::Plan,
    days: u32,
    now: i64,
) -> rusqlite::Result<Result<(), Denied>> {
    write_tx(conn, |tx| {
        let live = tx
            .query_row("SELECT 1 FROM ads WHERE id = ?1 AND deleted_at IS NULL", [ad], |_| Ok(()))
            .optional()?
            .is_some();
        if !live {
            return Ok(Err(Denied::NotFound));
        }
        crate::domain::promotions::grant(tx, ad, plan, days, now)?;
        audit::record(tx, staff, "ad:plan", "ad", ad.get(), plan.label(), now)?;
        Ok(Ok(()))
    })
}
