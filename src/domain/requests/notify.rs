//! The rental-request sweep (`Job::RentalRequests`, queued by the scheduler): owners of
//! matching active rent ads hear of each new request once (a mail through the outbox, written
//! in the transaction that marks the request notified), and open requests past their start
//! date close.

use rusqlite::Connection;

use super::get;
use crate::db::write_tx;
use crate::domain::ids::{RequestId, UserId};
use crate::domain::users::lang_column;
use crate::i18n::Lang;

/// Requests looked at in one sweep (the next sweep takes the rest).
const BATCH: u32 = 200;
/// Owners told of one request at most.
const OWNERS: u32 = 200;

/// Requests not yet announced (`?1`: how many).
pub const UNNOTIFIED_SQL: &str =
    "SELECT id FROM rental_requests WHERE notified_at IS NULL ORDER BY id LIMIT ?1";

/// The owners to tell of a request: their active rent ads match it (same type and country),
/// the requester aside.
pub const OWNERS_SQL: &str = "SELECT DISTINCT u.id, u.email, u.name, u.lang FROM ads a
     JOIN users u ON u.id = a.owner_id
     WHERE a.section = 'catalog' AND a.is_active = 1 AND a.kind = 'rent' AND a.deleted_at IS NULL
       AND a.equipment_type = ?1 AND a.country = ?2 AND a.owner_id <> ?3 AND u.deleted_at IS NULL
       AND u.banned_at IS NULL
     LIMIT ?4";

/// Tells owners about new requests and closes expired ones; returns (mails, closed).
pub fn run(conn: &mut Connection, public_url: &str, now: i64) -> rusqlite::Result<(usize, usize)> {
    let today = super::day_of(now);
    let closed = write_tx(conn, |tx| {
        tx.execute(
            "UPDATE rental_requests SET status = 'closed', closed_at = ?2
             WHERE status = 'open' AND start_date < ?1",
            (&today, now),
        )
    })?;
    let due: Vec<RequestId> = conn
        .prepare_cached(UNNOTIFIED_SQL)?
        .query_map([BATCH], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let base = public_url.trim_end_matches('/');
    let mut mailed = 0;
    for id in due {
        mailed += write_tx(conn, |tx| {
            let Some(r) = get(tx, id)? else { return Ok(0) };
            tx.execute("UPDATE rental_requests SET notified_at = ?2 WHERE id = ?1", (id, now))?;
            // a banned or deleted author's request is nobody's business any more
            let author_gone: bool = tx.query_row(
                "SELECT deleted_at IS NOT NULL OR banned_at IS NOT NULL FROM users WHERE id = ?1",
                [r.user_id],
                |row| row.get(0),
            )?;
            if !r.is_open(&today) || author_gone {
                return Ok(0);
            }
            let owners: Vec<(UserId, String, String, Lang)> = tx
                .prepare_cached(OWNERS_SQL)?
                .query_map((&r.equipment_type, r.country.code(), r.user_id, OWNERS), |row| {
                    Ok((row.get(0)?, row.get(1)?, row.get(2)?, lang_column(row, 3)?))
                })?
                .collect::<rusqlite::Result<_>>()?;
            let args = [("type", r.equipment_type.as_str()), ("city", r.city.as_str())];
            for (_, email, name, lang) in &owners {
                let body = lang.tf(
                    "mail.request_body",
                    &[
                        ("name", name),
                        ("type", &r.equipment_type),
                        ("city", &r.city),
                        ("start", &r.start_date),
                        ("days", &r.days.to_string()),
                        ("text", &r.body),
                        ("link", &format!("{base}{}", lang.href(&format!("/requests/{}", r.id)))),
                        ("mine", &format!("{base}{}", lang.href("/my/requests"))),
                    ],
                );
                let subject = lang.tf("mail.request_subject", &args);
                crate::domain::mail::enqueue(tx, email, &subject, &body, now)?;
            }
            Ok(owners.len())
        })?;
    }
    Ok((mailed, closed))
}
