//! What people do to ads, each in one write transaction (`db::write_tx`, retried when the
//! database is busy), with the rule of who may do it: post and edit, publish and unpublish,
//! delete, favorite. Handlers parse; these decide and write. A change the Telegram channel
//! must follow is queued in its outbox in the same transaction (`domain::telegram`).

use rusqlite::Connection;

use super::form::NewAd;
use super::photos::{self as ad_photos, FormPhoto};
use super::{favorites, write};
use crate::db::write_tx;
use crate::domain::ids::{AdId, UserId};
use crate::domain::telegram::{self, Op};
use crate::domain::users::SessionUser;

pub use crate::domain::Denied;

/// A saved ad: where it now lives and what its photos need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    /// The ad.
    pub id: AdId,
    /// Its slug (for the redirect to its page).
    pub slug: String,
    /// Files of photos no longer used, for the file job.
    pub removed_files: Vec<String>,
    /// New photos came in: their sizes are to be made.
    pub photos_added: bool,
    /// It waits (unpublished) for its owner to confirm their e-mail.
    pub awaiting_email: bool,
}

fn saved(conn: &Connection, id: AdId, changes: (Vec<String>, bool)) -> rusqlite::Result<Saved> {
    let slug = super::repo::slug_of(conn, id)?.unwrap_or_default();
    let awaiting_email =
        conn.query_row("SELECT awaiting_email FROM ads WHERE id = ?1", [id], |r| r.get(0))?;
    Ok(Saved { id, slug, removed_files: changes.0, photos_added: changes.1, awaiting_email })
}

/// What holds a new ad back before anyone else sees it (`[moderation]`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Holds {
    /// With pre-moderation on, a seller's first that many ads wait for staff ("на проверке");
    /// 0 turns it off.
    pub review_first: u32,
    /// An owner whose e-mail is not confirmed yet: their ads wait for the confirmation.
    pub verified_email: bool,
}

/// Publishes a new ad with its photos (existing uploads of the owner, in order), unless
/// `holds` keep it back: staff's review of a new seller's first ads, the owner's unconfirmed
/// e-mail.
pub fn post(
    conn: &mut Connection,
    owner: UserId,
    ad: &NewAd,
    photos: &[FormPhoto],
    holds: Holds,
    now: i64,
) -> rusqlite::Result<Saved> {
    let review_first = holds.review_first;
    write_tx(conn, |tx| {
        let id = write::insert(tx, owner, ad, now)?;
        if write::waits_for_email(tx, owner, holds.verified_email)? {
            write::hold_for_email(tx, id)?;
        }
        if review_first > 0 {
            let posted: i64 =
                tx.query_row("SELECT count(*) FROM ads WHERE owner_id = ?1", [owner], |r| {
                    r.get(0)
                })?;
            if posted <= i64::from(review_first) {
                tx.execute(
                    "UPDATE ads SET is_active = 0, review_state = 'pending' WHERE id = ?1",
                    [id],
                )?;
            }
        }
        let changes = ad_photos::set_photos(tx, id, owner, photos)?;
        telegram::queue(tx, id, Op::Post, now)?;
        saved(tx, id, changes)
    })
}

/// Saves an edit by the ad's owner; `Denied` when the ad is gone or someone else's.
pub fn edit(
    conn: &mut Connection,
    actor: &SessionUser,
    id: AdId,
    ad: &NewAd,
    photos: &[FormPhoto],
    now: i64,
) -> rusqlite::Result<Result<Saved, Denied>> {
    write_tx(conn, |tx| {
        let Some(o) = write::ownership(tx, id)? else { return Ok(Err(Denied::NotFound)) };
        if let Err(denied) = o.may_edit(actor) {
            return Ok(Err(denied));
        }
        write::update(tx, id, ad, now)?;
        // an ad staff hid goes back to them once its owner has changed it
        tx.execute(
            "UPDATE ads SET review_state = 'pending' WHERE id = ?1 AND blocked_at IS NOT NULL",
            [id],
        )?;
        let changes = ad_photos::set_photos(tx, id, actor.id, photos)?;
        if telegram::is_followed(tx, id)? {
            telegram::queue(tx, id, Op::Edit, now)?;
        }
        Ok(Ok(saved(tx, id, changes)?))
    })
}

/// What publishing or unpublishing did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Publication {
    /// Published (or unpublished) as asked.
    Done,
    /// To be published once its owner confirms their e-mail (`Holds::verified_email`).
    AwaitingEmail,
}

/// Publishes or unpublishes. The owner may do both, unless staff unpublished the ad: then only
/// staff publish it again. Staff may do both on any ad; their unpublishing blocks it. With
/// `verified_email`, publishing an ad of an owner whose e-mail is not confirmed makes it wait
/// for the confirmation instead; unpublishing one that waits ends the wait.
pub fn set_active(
    conn: &mut Connection,
    actor: &SessionUser,
    id: AdId,
    active: bool,
    verified_email: bool,
    now: i64,
) -> rusqlite::Result<Result<Publication, Denied>> {
    write_tx(conn, |tx| {
        let Some(o) = write::ownership(tx, id)? else { return Ok(Err(Denied::NotFound)) };
        if !o.visible_to(actor) {
            return Ok(Err(Denied::NotFound));
        }
        let as_staff = o.owner_id != actor.id;
        let held: bool =
            tx.query_row("SELECT review_state = 'pending' FROM ads WHERE id = ?1", [id], |r| {
                r.get(0)
            })?;
        if (as_staff || active && (o.blocked || held)) && !actor.is_staff {
            return Ok(Err(Denied::Forbidden));
        }
        write::set_active(tx, id, active, as_staff, now)?;
        if as_staff {
            let action = if active { "ad:unhide" } else { "ad:deactivate" };
            crate::domain::audit::record(tx, actor.id, action, "ad", id.get(), "", now)?;
        }
        if !active {
            tx.execute("UPDATE ads SET awaiting_email = 0 WHERE id = ?1", [id])?;
        } else if write::waits_for_email(tx, o.owner_id, verified_email)? {
            write::hold_for_email(tx, id)?;
            return Ok(Ok(Publication::AwaitingEmail));
        }
        if active && !o.is_active {
            telegram::queue(tx, id, Op::Post, now)?;
        } else if !active && o.is_active && telegram::is_followed(tx, id)? {
            telegram::queue(tx, id, Op::Delete, now)?;
        }
        Ok(Ok(Publication::Done))
    })
}

/// Removes an ad for good (owner or staff): photos go (their files returned for the file job),
/// favorites go, buyers' chats stay.
pub fn delete(
    conn: &mut Connection,
    actor: &SessionUser,
    id: AdId,
    now: i64,
) -> rusqlite::Result<Result<Vec<String>, Denied>> {
    write_tx(conn, |tx| {
        let Some(o) = write::ownership(tx, id)? else { return Ok(Err(Denied::NotFound)) };
        if !o.visible_to(actor) {
            return Ok(Err(Denied::NotFound));
        }
        if o.owner_id != actor.id && !actor.is_staff {
            return Ok(Err(Denied::Forbidden));
        }
        if telegram::is_followed(tx, id)? {
            telegram::queue(tx, id, Op::Delete, now)?;
        }
        Ok(Ok(write::delete(tx, id, now)?))
    })
}

/// Adds or removes a favorite; returns whether it is now one. `NotFound` when the user may not
/// see the ad (hidden ads cannot be listed through favorites).
pub fn toggle_favorite(
    conn: &mut Connection,
    user: UserId,
    id: AdId,
    now: i64,
) -> rusqlite::Result<Result<bool, Denied>> {
    write_tx(conn, |tx| Ok(favorites::toggle_favorite(tx, user, id, now)?.ok_or(Denied::NotFound)))
}

/// Keeps an uploaded photo (stored, re-encoded) for its uploader until an ad takes it or the
/// daily sweep drops it; the form refers to it by its token.
pub fn keep_upload(
    conn: &mut Connection,
    owner: UserId,
    path: &str,
    width: u32,
    height: u32,
    now: i64,
) -> rusqlite::Result<FormPhoto> {
    write_tx(conn, |tx| ad_photos::add_upload(tx, owner, path, width, height, now))
}
