//! What people do with rental requests, each in one write transaction: post (at most
//! [`MAX_OPEN`] open), quote (an owner with a matching active rent ad, once, never on their own
//! request: the quote opens the chat thread about that ad and is its message), accept a quote
//! (the request closes; every quoting owner is told in their thread and by mail), close or
//! delete (the author).

use rusqlite::{Connection, OptionalExtension, Transaction};

use super::{MAX_OPEN, NewQuote, NewRequest, Request, get, matching_ad, quotes};
use crate::db::write_tx;
use crate::domain::chats::actions::{ad_thread_in, post_in};
use crate::domain::chats::repo::is_blocked;
use crate::domain::chats::seal::Keyring;
use crate::domain::ids::{QuoteId, RequestId, ThreadId, UserId};
use crate::i18n::Lang;

/// Why an action on a request was refused: the message key (shown with a 422), or not there
/// for this user (404) / not theirs (403).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No such request (or quote) for this user.
    NotFound,
    /// Not theirs to do.
    Forbidden,
    /// A rule says no; the message key says which.
    Rule(&'static str),
}

/// A result of these actions.
pub type Outcome<T> = rusqlite::Result<Result<T, Refusal>>;

/// Posts a request; refused past [`MAX_OPEN`] open ones.
pub fn post(conn: &mut Connection, user: UserId, r: &NewRequest, now: i64) -> Outcome<RequestId> {
    let today = super::day_of(now);
    write_tx(conn, |tx| {
        let open: i64 = tx.query_row(
            "SELECT count(*) FROM rental_requests WHERE user_id = ?1 AND status = 'open' AND start_date >= ?2",
            (user, &today),
            |row| row.get(0),
        )?;
        if open >= MAX_OPEN {
            return Ok(Err(Refusal::Rule("requests.too_many")));
        }
        tx.execute(
            "INSERT INTO rental_requests (user_id, equipment_type, country, city, start_date, days,
                budget_minor, currency, body, phone, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            rusqlite::params![
                user,
                r.equipment_type,
                r.country.code(),
                r.city,
                r.start_date,
                r.days,
                r.budget.map(|b| b.0),
                r.budget.map(|b| b.1.code()),
                r.body,
                r.phone,
                now
            ],
        )?;
        Ok(Ok(RequestId(tx.last_insert_rowid())))
    })
}

/// The text of a quote as its chat message.
fn quote_text(lang: Lang, r: &Request, q: &NewQuote) -> String {
    let price = crate::domain::ads::Price {
        minor: Some(q.price_minor),
        currency: q.currency,
        unit: None,
        usd_cents: None,
    };
    let unit = match q.unit {
        "hour" => lang.t("requests.unit.hour"),
        "day" => lang.t("requests.unit.day"),
        "month" => lang.t("requests.unit.month"),
        _ => lang.t("requests.unit.total"),
    };
    let mut text = lang.tf(
        "requests.quote_message",
        &[
            ("type", &r.equipment_type),
            ("city", &r.city),
            ("price", &format!("{} {unit}", lang.price(&price))),
            ("available", &q.available),
        ],
    );
    if !q.note.is_empty() {
        text.push_str("\n\n");
        text.push_str(&q.note);
    }
    text
}

/// What a quote did: its id, the thread it opened, and the users whose unread counts changed.
#[derive(Debug, Clone)]
pub struct Quoted {
    /// The quote.
    pub id: QuoteId,
    /// The thread with the requester.
    pub thread: ThreadId,
    /// The requester (their unread count changed).
    pub requester: UserId,
}

/// An owner's quote on a request: through their matching active rent ad's thread with the
/// requester, as its message; one per owner and request.
pub fn quote(
    conn: &mut Connection,
    ring: &Keyring,
    owner: UserId,
    id: RequestId,
    q: &NewQuote,
    now: i64,
) -> Outcome<Quoted> {
    let today = super::day_of(now);
    write_tx(conn, |tx| {
        let Some(r) = get(tx, id)? else { return Ok(Err(Refusal::NotFound)) };
        if r.user_id == owner {
            return Ok(Err(Refusal::Rule("requests.own")));
        }
        if !r.is_open(&today) {
            return Ok(Err(Refusal::Rule("requests.not_open")));
        }
        let quoted: Option<i64> = tx
            .query_row(
                "SELECT id FROM rental_quotes WHERE request_id = ?1 AND owner_id = ?2",
                (id, owner),
                |row| row.get(0),
            )
            .optional()?;
        if quoted.is_some() {
            return Ok(Err(Refusal::Rule("requests.already_quoted")));
        }
        let Some((ad, _)) = matching_ad(tx, owner, &r)? else {
            return Ok(Err(Refusal::Rule("requests.no_matching_ad")));
        };
        if is_blocked(tx, r.user_id, owner)? || is_blocked(tx, owner, r.user_id)? {
            return Ok(Err(Refusal::Rule("chat.blocked_by_them")));
        }
        let thread = ad_thread_in(tx, ad, r.user_id, owner, now)?;
        // the requester reads it: in their language
        let text = quote_text(crate::domain::users::lang_of(tx, r.user_id)?, &r, q);
        if post_in(tx, ring, thread, owner, "text", &text, now)?.is_err() {
            return Ok(Err(Refusal::Forbidden));
        }
        tx.execute(
            "INSERT INTO rental_quotes (request_id, owner_id, ad_id, thread_id, price_minor, currency,
                 unit, available, note, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            rusqlite::params![
                id,
                owner,
                ad,
                thread,
                q.price_minor,
                q.currency.code(),
                q.unit,
                q.available,
                q.note,
                now
            ],
        )?;
        Ok(Ok(Quoted { id: QuoteId(tx.last_insert_rowid()), thread, requester: r.user_id }))
    })
}

/// Tells each quoting owner the request's outcome: a notice in their thread (from the
/// requester) and a mail; marks the quotes. `accepted` is the chosen quote, if any.
fn tell_quoters(
    tx: &Transaction<'_>,
    ring: &Keyring,
    r: &Request,
    accepted: Option<QuoteId>,
    public_url: &str,
    now: i64,
) -> rusqlite::Result<Vec<UserId>> {
    let base = public_url.trim_end_matches('/');
    let mut told = Vec::new();
    for q in quotes(tx, r.id)? {
        if q.status != super::QuoteStatus::Open {
            continue;
        }
        // the owner reads the notice and the mail: in their language
        let lang = crate::domain::users::lang_of(tx, q.owner_id)?;
        let chosen = accepted == Some(q.id);
        let (notice, subject) = if chosen {
            ("requests.notice_accepted", "mail.request_accepted_subject")
        } else {
            ("requests.notice_declined", "mail.request_declined_subject")
        };
        let args = [("type", r.equipment_type.as_str()), ("city", r.city.as_str())];
        let text = lang.tf(notice, &args);
        // a thread the owner or requester has left is still told by mail
        let _ = post_in(tx, ring, q.thread_id, r.user_id, "system", &text, now)?;
        tx.execute(
            "UPDATE rental_quotes SET status = ?2 WHERE id = ?1",
            (q.id, if chosen { "accepted" } else { "declined" }),
        )?;
        let to: Option<(String, String)> = tx
            .query_row(
                "SELECT email, name FROM users WHERE id = ?1 AND deleted_at IS NULL",
                [q.owner_id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        if let Some((email, name)) = to {
            let body = lang.tf(
                "mail.request_outcome_body",
                &[
                    ("name", &name),
                    ("text", &text),
                    ("link", &format!("{base}{}", lang.href(&format!("/chats/{}", q.thread_id)))),
                ],
            );
            crate::domain::mail::enqueue(tx, &email, &lang.tf(subject, &args), &body, now)?;
        }
        told.push(q.owner_id);
    }
    Ok(told)
}

/// The requester accepts a quote: the request closes as accepted, every quoting owner is told.
/// Returns the owners told (their unread counts changed).
pub fn accept(
    conn: &mut Connection,
    ring: &Keyring,
    requester: UserId,
    quote: QuoteId,
    public_url: &str,
    now: i64,
) -> Outcome<(RequestId, Vec<UserId>)> {
    let today = super::day_of(now);
    write_tx(conn, |tx| {
        let request: Option<RequestId> = tx
            .query_row("SELECT request_id FROM rental_quotes WHERE id = ?1", [quote], |row| {
                row.get(0)
            })
            .optional()?;
        let Some(r) = request.map(|id| get(tx, id)).transpose()?.flatten() else {
            return Ok(Err(Refusal::NotFound));
        };
        if r.user_id != requester {
            return Ok(Err(Refusal::NotFound));
        }
        if !r.is_open(&today) {
            return Ok(Err(Refusal::Rule("requests.not_open")));
        }
        tx.execute(
            "UPDATE rental_requests SET status = 'accepted', closed_at = ?2 WHERE id = ?1",
            (r.id, now),
        )?;
        let told = tell_quoters(tx, ring, &r, Some(quote), public_url, now)?;
        Ok(Ok((r.id, told)))
    })
}

/// The author closes (or deletes) a request; open quotes are declined and their owners told.
/// Returns the owners told.
pub fn close(
    conn: &mut Connection,
    ring: &Keyring,
    requester: UserId,
    id: RequestId,
    delete: bool,
    public_url: &str,
    now: i64,
) -> Outcome<Vec<UserId>> {
    write_tx(conn, |tx| {
        let Some(r) = get(tx, id)? else { return Ok(Err(Refusal::NotFound)) };
        if r.user_id != requester {
            return Ok(Err(Refusal::Forbidden));
        }
        let told = if r.status == super::Status::Open {
            tell_quoters(tx, ring, &r, None, public_url, now)?
        } else {
            Vec::new()
        };
        if delete {
            // the quotes go with it; the chat threads stay, with the notices in them
            tx.execute("DELETE FROM rental_requests WHERE id = ?1", [id])?;
        } else {
            tx.execute(
                "UPDATE rental_requests SET status = 'closed', closed_at = ?2 WHERE id = ?1 AND status = 'open'",
                (id, now),
            )?;
        }
        Ok(Ok(told))
    })
}
