//! Quotes: an owner's answer to a rental request (price, unit, free dates, a note), parsed
//! from its form and read for the request's page.

use std::collections::HashMap;

use rusqlite::Connection;

use super::{MAX_TEXT, whole};
use crate::domain::accounts::FieldErrors;
use crate::domain::geo::Currency;
use crate::domain::ids::{AdId, QuoteId, RequestId, ThreadId, UserId};

/// Whether the quote was accepted, is waiting, or another was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuoteStatus {
    /// Waiting for the requester.
    Open,
    /// The requester chose it.
    Accepted,
    /// Another was chosen, or the request closed.
    Declined,
}

/// The unit of a quoted price.
pub const QUOTE_UNITS: [&str; 4] = ["hour", "day", "month", "total"];

/// An owner's quote as the request page shows it.
#[derive(Debug, Clone)]
pub struct Quote {
    /// Id.
    pub id: QuoteId,
    /// The request.
    pub request_id: RequestId,
    /// The quoting owner.
    pub owner_id: UserId,
    /// Their name.
    pub owner_name: String,
    /// The ad quoted with.
    pub ad_id: AdId,
    /// Its title.
    pub ad_title: String,
    /// The chat thread with the requester.
    pub thread_id: ThreadId,
    /// Price in minor units.
    pub price_minor: i64,
    /// Its currency.
    pub currency: Currency,
    /// hour, day, month or total.
    pub unit: String,
    /// Dates the machine is free, as the owner wrote them.
    pub available: String,
    /// A note.
    pub note: String,
    /// Where it stands.
    pub status: QuoteStatus,
}

/// A request's quotes, oldest first.
pub fn quotes(conn: &Connection, request: RequestId) -> rusqlite::Result<Vec<Quote>> {
    conn.prepare_cached(
        "SELECT q.id, q.request_id, q.owner_id, u.name, q.ad_id, a.title, q.thread_id,
                q.price_minor, q.currency, q.unit, q.available, q.note, q.status
         FROM rental_quotes q JOIN users u ON u.id = q.owner_id JOIN ads a ON a.id = q.ad_id
         WHERE q.request_id = ?1 ORDER BY q.id",
    )?
    .query_map([request], |r| {
        let currency: String = r.get(8)?;
        let status: String = r.get(12)?;
        Ok(Quote {
            id: r.get(0)?,
            request_id: r.get(1)?,
            owner_id: r.get(2)?,
            owner_name: r.get(3)?,
            ad_id: r.get(4)?,
            ad_title: r.get(5)?,
            thread_id: r.get(6)?,
            price_minor: r.get(7)?,
            currency: Currency::parse(&currency).unwrap_or(Currency::Usd),
            unit: r.get(9)?,
            available: r.get(10)?,
            note: r.get(11)?,
            status: match status.as_str() {
                "accepted" => QuoteStatus::Accepted,
                "declined" => QuoteStatus::Declined,
                _ => QuoteStatus::Open,
            },
        })
    })?
    .collect()
}

/// A valid quote.
#[derive(Debug, Clone)]
pub struct NewQuote {
    pub(super) price_minor: i64,
    pub(super) currency: Currency,
    pub(super) unit: &'static str,
    pub(super) available: String,
    pub(super) note: String,
}

/// Parses the quote form.
pub fn parse_quote(form: &HashMap<String, String>) -> Result<NewQuote, FieldErrors> {
    let mut errors = FieldErrors::default();
    let get = |k: &str| form.get(k).map(|s| s.trim().to_owned()).unwrap_or_default();
    let price = whole(&get("price"));
    if price.is_none() {
        errors.add("price", "requests.bad_amount");
    }
    let currency = Currency::parse(&get("currency").to_uppercase());
    if currency.is_none() {
        errors.add("currency", "form.bad_choice");
    }
    let unit = QUOTE_UNITS.iter().find(|u| **u == get("unit")).copied();
    if unit.is_none() {
        errors.add("unit", "form.bad_choice");
    }
    let available = get("available");
    match available.chars().count() {
        0 => errors.add("available", "form.required"),
        101.. => errors.add("available", "form.too_long"),
        _ => {}
    }
    let note = get("note");
    if note.chars().count() > MAX_TEXT {
        errors.add("note", "form.too_long");
    }
    match (price, currency, unit) {
        (Some(p), Some(currency), Some(unit)) if errors.0.is_empty() => {
            Ok(NewQuote { price_minor: p * 100, currency, unit, available, note })
        }
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn a_quote_form_parses_or_names_each_bad_field() {
        let q = parse_quote(&form(&[
            ("price", "250000"),
            ("currency", "UZS"),
            ("unit", "day"),
            ("available", "5–7 мая"),
        ]))
        .expect("valid");
        assert_eq!((q.price_minor, q.unit), (25_000_000, "day"));
        let bad = parse_quote(&form(&[("price", "-1"), ("unit", "week")])).expect_err("bad");
        let fields: Vec<&str> = bad.0.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["price", "currency", "unit", "available"]);
    }
}
