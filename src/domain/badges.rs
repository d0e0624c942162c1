//! The verification badge: a request with the seller's details and a document photo, paid
//! through the payments ledger, then decided by staff with a comment that reaches the user in
//! their support thread and by mail. A badge lasts `plans.badge_days`; a renewal extends it
//! from its current end, never shortens it.

use rusqlite::{Connection, OptionalExtension, Transaction};

use crate::config::PlansConfig;
use crate::db::write_tx;
use crate::domain::Denied;
use crate::domain::chats::seal::Keyring;
use crate::domain::geo::Currency;
use crate::domain::ids::UserId;
use crate::domain::payments::{self, Item, ProviderId, ledger};
use crate::domain::rates::Rates;

const DAY: i64 = 86_400;

/// Individual or company.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A person.
    Individual,
    /// A company.
    Company,
}

impl Kind {
    /// The database code.
    pub fn code(self) -> &'static str {
        match self {
            Kind::Individual => "individual",
            Kind::Company => "company",
        }
    }
}

/// What a request says, checked.
#[derive(Debug, Clone)]
pub struct NewRequest {
    /// Individual or company.
    pub kind: Kind,
    /// The person's full name (the director's for a company).
    pub full_name: String,
    /// The company's name.
    pub company_name: String,
    /// Its tax id (ИНН / БИН / УНП).
    pub tax_id: String,
}

impl NewRequest {
    /// Checks a request's fields; `Err` names the field and the message key.
    pub fn parse(
        kind: &str,
        full_name: &str,
        company: &str,
        tax_id: &str,
    ) -> Result<Self, (&'static str, &'static str)> {
        let kind = match kind {
            "company" => Kind::Company,
            "individual" | "" => Kind::Individual,
            _ => return Err(("kind", "badge.bad_kind")),
        };
        let clean = |s: &str| s.trim().to_owned();
        let (full_name, company_name, tax_id) = (clean(full_name), clean(company), clean(tax_id));
        if full_name.chars().count() < 3 || full_name.chars().count() > 120 {
            return Err(("full_name", "badge.bad_name"));
        }
        if kind == Kind::Company {
            if company_name.is_empty() || company_name.chars().count() > 160 {
                return Err(("company_name", "badge.bad_company"));
            }
            if !(9..=14).contains(&tax_id.len()) || !tax_id.bytes().all(|b| b.is_ascii_digit()) {
                return Err(("tax_id", "badge.bad_tax_id"));
            }
        }
        Ok(Self { kind, full_name, company_name, tax_id })
    }
}

/// A request as its user and staff see it.
#[derive(Debug, Clone)]
pub struct Request {
    /// Id.
    pub id: i64,
    /// Who asks.
    pub user: UserId,
    /// Their account name.
    pub user_name: String,
    /// Individual or company.
    pub kind: String,
    /// Full name.
    pub full_name: String,
    /// Company.
    pub company_name: String,
    /// Tax id.
    pub tax_id: String,
    /// The document photo (under uploads; staff only).
    pub document_path: String,
    /// unpaid, waiting, approved, rejected, cancelled.
    pub state: String,
    /// Staff's comment.
    pub comment: String,
    /// Made at.
    pub created_at: i64,
}

const COLUMNS: &str = "r.id, r.user_id, u.name, r.kind, r.full_name, r.company_name, r.tax_id, r.document_path, \
     r.state, r.comment, r.created_at";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Request> {
    Ok(Request {
        id: r.get(0)?,
        user: r.get(1)?,
        user_name: r.get(2)?,
        kind: r.get(3)?,
        full_name: r.get(4)?,
        company_name: r.get(5)?,
        tax_id: r.get(6)?,
        document_path: r.get(7)?,
        state: r.get(8)?,
        comment: r.get(9)?,
        created_at: r.get(10)?,
    })
}

/// A request by id.
pub fn get(conn: &Connection, id: i64) -> rusqlite::Result<Option<Request>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM badge_requests r JOIN users u ON u.id = r.user_id WHERE r.id = ?1"
    ))?
    .query_row([id], from_row)
    .optional()
}

/// The user's latest request.
pub fn latest_of(conn: &Connection, user: UserId) -> rusqlite::Result<Option<Request>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM badge_requests r JOIN users u ON u.id = r.user_id WHERE r.user_id = ?1 ORDER BY r.id DESC LIMIT 1"
    ))?
    .query_row([user], from_row)
    .optional()
}

/// The open payment of an unpaid request, if any.
pub fn open_payment(conn: &Connection, request: &Request) -> rusqlite::Result<Option<String>> {
    if request.state != "unpaid" {
        return Ok(None);
    }
    conn.prepare_cached(
        "SELECT public_id FROM payments WHERE badge_request_id = ?1 AND state IN ('pending', 'prepared') ORDER BY id DESC LIMIT 1",
    )?
    .query_row([request.id], |r| r.get(0))
    .optional()
}

/// Paid requests waiting for staff, oldest first.
pub fn queue(conn: &Connection, limit: i64) -> rusqlite::Result<Vec<Request>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM badge_requests r JOIN users u ON u.id = r.user_id WHERE r.state = 'waiting' ORDER BY r.id LIMIT ?1"
    ))?
    .query_map([limit], from_row)?
    .collect()
}

/// The user's badge: valid until, if any.
pub fn badge_until(conn: &Connection, user: UserId) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached("SELECT badge_until FROM users WHERE id = ?1")?
        .query_row([user], |r| r.get(0))
        .map(|v: Option<i64>| v)
}

/// Files a request and its payment (in the user's currency, or sum for Click); returns the
/// payment's public id. An unpaid request of the user is replaced by the new one.
#[allow(clippy::too_many_arguments)]
pub fn request(
    conn: &mut Connection,
    user: UserId,
    req: &NewRequest,
    document_path: &str,
    currency: Currency,
    provider: ProviderId,
    plans: &PlansConfig,
    rates: &Rates,
    now: i64,
) -> rusqlite::Result<Result<String, Denied>> {
    write_tx(conn, |tx| {
        let waiting: bool = tx
            .query_row(
                "SELECT 1 FROM badge_requests WHERE user_id = ?1 AND state = 'waiting'",
                [user],
                |_| Ok(()),
            )
            .optional()?
            .is_some();
        if waiting {
            return Ok(Err(Denied::Forbidden));
        }
        // an earlier unpaid request gives way, with its open payment
        let unpaid: Vec<i64> = tx
            .prepare("SELECT id FROM badge_requests WHERE user_id = ?1 AND state = 'unpaid'")?
            .query_map([user], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for id in unpaid {
            if let Some(open) = ledger::open_for(tx, user, Item::Badge { request: id })?
                && let Some(p) = ledger::by_public_id(tx, &open)?
            {
                ledger::transition(
                    tx,
                    &p,
                    payments::State::Cancelled,
                    &format!("user:{user}"),
                    "replaced by a new request",
                    now,
                )?;
            }
            tx.execute("UPDATE badge_requests SET state = 'cancelled' WHERE id = ?1", [id])?;
        }
        tx.execute(
            "INSERT INTO badge_requests (user_id, kind, full_name, company_name, tax_id, document_path, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            (user, req.kind.code(), &req.full_name, &req.company_name, &req.tax_id, document_path, now),
        )?;
        let id = tx.last_insert_rowid();
        let currency = provider.charges_in(currency);
        let amount = payments::badge_price(currency, plans, rates);
        Ok(Ok(ledger::create(
            tx,
            user,
            Item::Badge { request: id },
            amount,
            currency,
            provider,
            now,
        )?))
    })
}

/// Extends a user's badge by `days` from its current end (or from now), in the caller's
/// transaction; returns the new end.
pub fn grant(tx: &Transaction<'_>, user: UserId, days: u32, now: i64) -> rusqlite::Result<i64> {
    let until: Option<i64> =
        tx.query_row("SELECT badge_until FROM users WHERE id = ?1", [user], |r| r.get(0))?;
    let from = until.filter(|u| *u > now).unwrap_or(now);
    let new_until = from + i64::from(days) * DAY;
    tx.execute(
        "UPDATE users SET badge_until = ?2,
             badge_granted_at = CASE WHEN badge_until > ?3 THEN badge_granted_at ELSE ?3 END
         WHERE id = ?1",
        (user, new_until, now),
    )?;
    Ok(new_until)
}

/// Staff's decision on a waiting request, with the comment posted into the user's support
/// thread and mailed, all in one transaction. Returns what to tell the user's sockets.
#[allow(clippy::too_many_arguments)]
pub fn decide(
    conn: &mut Connection,
    ring: &Keyring,
    staff: UserId,
    id: i64,
    approve: bool,
    comment: &str,
    plans: &PlansConfig,
    now: i64,
) -> rusqlite::Result<Result<crate::domain::chats::actions::Delivery, &'static str>> {
    let comment = comment.trim().to_owned();
    if comment.chars().count() < 3 {
        return Ok(Err("badge.comment_required"));
    }
    write_tx(conn, |tx| {
        let Some(r) = get(tx, id)? else { return Ok(Err("error.not_found")) };
        if r.state != "waiting" {
            return Ok(Err("badge.not_waiting"));
        }
        tx.execute(
            "UPDATE badge_requests SET state = ?2, comment = ?3, decided_by = ?4, decided_at = ?5 WHERE id = ?1",
            (id, if approve { "approved" } else { "rejected" }, &comment, staff, now),
        )?;
        let action = if approve { "badge:approve" } else { "badge:reject" };
        crate::domain::audit::record(tx, staff, action, "user", r.user.get(), &comment, now)?;
        let lang = crate::domain::users::lang_of(tx, r.user)?;
        let text = if approve {
            let until = grant(tx, r.user, plans.badge_days, now)?;
            lang.tf(
                "badge.approved_message",
                &[("until", &lang.date(until)), ("comment", &comment)],
            )
        } else {
            lang.tf("badge.rejected_message", &[("comment", &comment)])
        };
        let delivery = match crate::domain::chats::actions::post_system(
            tx, ring, staff, r.user, &text, now,
        )? {
            Ok(d) => d,
            Err(_) => return Ok(Err("error.not_found")),
        };
        let email: Option<String> = tx
            .query_row(
                "SELECT email FROM users WHERE id = ?1 AND deleted_at IS NULL",
                [r.user],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(to) = email {
            crate::domain::mail::enqueue(tx, &to, lang.t("badge.mail_subject"), &text, now)?;
        }
        Ok(Ok(delivery))
    })
}

/// Users whose badge ends within 7 days and who were not reminded for this period; marks
/// them reminded and writes the mail, in one transaction. Returns how many.
pub fn remind(conn: &mut Connection, public_url: &str, now: i64) -> rusqlite::Result<usize> {
    write_tx(conn, |tx| {
        let due: Vec<(UserId, String, String, i64, crate::i18n::Lang)> = tx
            .prepare_cached(
                "SELECT id, email, name, badge_until, lang FROM users
                 WHERE badge_until > ?1 AND badge_until <= ?1 + 7 * 86400 AND deleted_at IS NULL
                   AND (badge_reminded_at IS NULL OR badge_reminded_at < badge_until - 8 * 86400)
                 LIMIT 500",
            )?
            .query_map([now], |r| {
                let lang = crate::domain::users::lang_column(r, 4)?;
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, lang))
            })?
            .collect::<rusqlite::Result<_>>()?;
        for (user, email, name, until, lang) in &due {
            let lang = *lang;
            let body = lang.tf(
                "badge.reminder_body",
                &[
                    ("name", name),
                    ("until", &lang.date(*until)),
                    (
                        "link",
                        &format!("{}{}", public_url.trim_end_matches('/'), lang.href("/badge")),
                    ),
                ],
            );
            crate::domain::mail::enqueue(tx, email, lang.t("badge.reminder_subject"), &body, now)?;
            tx.execute("UPDATE users SET badge_reminded_at = ?2 WHERE id = ?1", (user, now))?;
        }
        Ok(due.len())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_checked_field_by_field() {
        assert!(NewRequest::parse("individual", "Иван Петров", "", "").is_ok());
        assert_eq!(
            NewRequest::parse("individual", "И", "", "").err(),
            Some(("full_name", "badge.bad_name"))
        );
        assert_eq!(
            NewRequest::parse("company", "Иван Петров", "", "").err(),
            Some(("company_name", "badge.bad_company"))
        );
        assert_eq!(
            NewRequest::parse("company", "Иван Петров", "ТОО Кран", "12ab").err(),
            Some(("tax_id", "badge.bad_tax_id"))
        );
        assert!(NewRequest::parse("company", "Иван Петров", "ТОО Кран", "123456789012").is_ok());
        assert_eq!(
            NewRequest::parse("alien", "Иван", "", "").err(),
            Some(("kind", "badge.bad_kind"))
        );
    }
}
