//! What people do to freight listings, each in one write transaction (`db::write_tx`):
//! post, and remove (its owner or staff).

use rusqlite::Connection;

use super::NewFreight;
use crate::db::write_tx;
use crate::domain::Denied;
use crate::domain::ids::{FreightId, UserId};
use crate::domain::users::SessionUser;

/// Publishes a listing; returns its id.
pub fn post(
    conn: &mut Connection,
    owner: UserId,
    f: &NewFreight,
    now: i64,
) -> rusqlite::Result<FreightId> {
    write_tx(conn, |tx| super::insert(tx, owner, f, now))
}

/// Takes a listing down: its owner or staff.
pub fn remove(
    conn: &mut Connection,
    actor: &SessionUser,
    id: FreightId,
    now: i64,
) -> rusqlite::Result<Result<(), Denied>> {
    write_tx(conn, |tx| {
        let Some(f) = super::get(tx, id)? else { return Ok(Err(Denied::NotFound)) };
        if f.owner_id != actor.id && !actor.is_staff {
            return Ok(Err(Denied::Forbidden));
        }
        super::delete(tx, id, now)?;
        Ok(Ok(()))
    })
}
