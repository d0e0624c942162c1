//! What people do to freight listings, each in one write transaction (`db::write_tx`):
//! post and edit, publish and unpublish (its owner), and remove (its owner or staff).

use rusqlite::Connection;

use super::{NewFreight, write};
use crate::db::write_tx;
use crate::domain::Denied;
use crate::domain::ads::actions::Publication;
use crate::domain::ads::write::waits_for_email;
use crate::domain::ids::{FreightId, UserId};
use crate::domain::users::SessionUser;

/// Publishes a listing; returns its id and whether it waits for the owner to confirm their
/// e-mail (`verified_email`: `moderation.require_verified_email`).
pub fn post(
    conn: &mut Connection,
    owner: UserId,
    f: &NewFreight,
    verified_email: bool,
    now: i64,
) -> rusqlite::Result<(FreightId, Publication)> {
    write_tx(conn, |tx| {
        let id = super::insert(tx, owner, f, now)?;
        if waits_for_email(tx, owner, verified_email)? {
            write::set_active(tx, id, true, true)?;
            return Ok((id, Publication::AwaitingEmail));
        }
        Ok((id, Publication::Done))
    })
}

/// Saves an edit by the listing's owner.
pub fn edit(
    conn: &mut Connection,
    actor: &SessionUser,
    id: FreightId,
    f: &NewFreight,
) -> rusqlite::Result<Result<(), Denied>> {
    write_tx(conn, |tx| {
        let Some(found) = super::get(tx, id)? else { return Ok(Err(Denied::NotFound)) };
        if let Err(denied) = found.may_change(actor) {
            return Ok(Err(denied));
        }
        write::update(tx, id, f)?;
        Ok(Ok(()))
    })
}

/// Publishes or unpublishes (its owner). Publishing a listing of an owner whose e-mail is not
/// confirmed (with `verified_email`) makes it wait for the confirmation instead.
pub fn set_active(
    conn: &mut Connection,
    actor: &SessionUser,
    id: FreightId,
    active: bool,
    verified_email: bool,
) -> rusqlite::Result<Result<Publication, Denied>> {
    write_tx(conn, |tx| {
        let Some(found) = super::get(tx, id)? else { return Ok(Err(Denied::NotFound)) };
        if let Err(denied) = found.may_change(actor) {
            return Ok(Err(denied));
        }
        let waits = active && waits_for_email(tx, found.owner_id, verified_email)?;
        write::set_active(tx, id, active, waits)?;
        Ok(Ok(if waits { Publication::AwaitingEmail } else { Publication::Done }))
    })
}

/// Takes a listing down for good: its owner or staff (someone else's unpublished listing
/// answers like a missing one).
pub fn remove(
    conn: &mut Connection,
    actor: &SessionUser,
    id: FreightId,
    now: i64,
) -> rusqlite::Result<Result<(), Denied>> {
    write_tx(conn, |tx| {
        let Some(f) = super::get(tx, id)? else { return Ok(Err(Denied::NotFound)) };
        if !f.visible_to(Some(actor)) {
            return Ok(Err(Denied::NotFound));
        }
        if f.owner_id != actor.id && !actor.is_staff {
            return Ok(Err(Denied::Forbidden));
        }
        super::delete(tx, id, now)?;
        Ok(Ok(()))
    })
}
