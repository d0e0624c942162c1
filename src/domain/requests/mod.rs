//! Rental requests (issue 16): a buyer's "need an excavator in Tashkent, 3 days from 5 May",
//! open until its author accepts a quote or closes it, or its start date passes; owners of
//! matching active rent ads (same equipment type and country, the same city first) answer with
//! one quote each, posted into a chat thread about their ad. Types, form parsing and reads.

pub mod actions;
pub mod notify;
mod quotes;

pub use quotes::{NewQuote, QUOTE_UNITS, Quote, QuoteStatus, parse_quote, quotes};

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, ToSql};

use crate::domain::accounts::{FieldErrors, parse_phone};
use crate::domain::geo::{Country, Currency, EQUIPMENT_TYPES};
use crate::domain::ids::{AdId, PageNo, RequestId, UserId, page_of};

/// Open requests a user may have at once.
pub const MAX_OPEN: i64 = 5;
/// Longest request text and quote note.
pub const MAX_TEXT: usize = 1000;
/// Requests per page of `/requests`.
pub const PAGE_SIZE: i64 = 20;

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Taking quotes (until its start date).
    Open,
    /// Its author accepted a quote.
    Accepted,
    /// Closed by its author, or expired.
    Closed,
}

impl Status {
    fn parse(s: &str) -> Self {
        match s {
            "open" => Self::Open,
            "accepted" => Self::Accepted,
            _ => Self::Closed,
        }
    }
}

/// A rental request as pages show it.
#[derive(Debug, Clone)]
pub struct Request {
    /// Id.
    pub id: RequestId,
    /// Its author.
    pub user_id: UserId,
    /// The author's name.
    pub author: String,
    /// Equipment type (one of `EQUIPMENT_TYPES`).
    pub equipment_type: String,
    /// Country.
    pub country: Country,
    /// City.
    pub city: String,
    /// First day, `YYYY-MM-DD`.
    pub start_date: String,
    /// For how many days.
    pub days: i64,
    /// Budget in minor units and its currency.
    pub budget: Option<(i64, Currency)>,
    /// What is needed, in the author's words.
    pub body: String,
    /// A phone to call, if given.
    pub phone: Option<String>,
    /// Where it stands.
    pub status: Status,
    /// Posted.
    pub created_at: i64,
    /// Quotes received.
    pub quotes: i64,
}

impl Request {
    /// Open and not past its start date.
    pub fn is_open(&self, today: &str) -> bool {
        self.status == Status::Open && self.start_date.as_str() >= today
    }
}

/// A valid new request.
#[derive(Debug, Clone)]
pub struct NewRequest {
    equipment_type: String,
    country: Country,
    city: String,
    start_date: String,
    days: i64,
    budget: Option<(i64, Currency)>,
    body: String,
    phone: Option<String>,
}

/// The date of a unix time, `YYYY-MM-DD` (UTC).
pub fn day_of(unix: i64) -> String {
    let d = time::OffsetDateTime::from_unix_timestamp(unix)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

fn whole(raw: &str) -> Option<i64> {
    let cleaned: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    cleaned.parse::<i64>().ok().filter(|v| (0..=10_000_000_000).contains(v))
}

/// Parses the request form; `today` bounds the start date.
pub fn parse(form: &HashMap<String, String>, today: &str) -> Result<NewRequest, FieldErrors> {
    let mut errors = FieldErrors::default();
    let get = |k: &str| form.get(k).map(|s| s.trim().to_owned()).unwrap_or_default();
    let equipment_type = get("equipment_type").to_lowercase();
    if !EQUIPMENT_TYPES.contains(&equipment_type.as_str()) {
        errors.add("equipment_type", "form.bad_choice");
    }
    let country = Country::parse(&get("country"));
    if country.is_none() {
        errors.add("country", "form.bad_country");
    }
    let city = get("city");
    match city.chars().count() {
        0 => errors.add("city", "form.required"),
        61.. => errors.add("city", "form.too_long"),
        _ => {}
    }
    let start_date = crate::domain::freight::parse_date(&get("start_date"));
    match &start_date {
        None => errors.add("start_date", "form.bad_date"),
        Some(d) if d.as_str() < today => errors.add("start_date", "requests.date_past"),
        _ => {}
    }
    let days = get("days").parse::<i64>().ok().filter(|d| (1..=365).contains(d));
    if days.is_none() {
        errors.add("days", "requests.bad_days");
    }
    let budget = match get("budget").as_str() {
        "" => None,
        raw => match (whole(raw), Currency::parse(&get("currency").to_uppercase())) {
            (Some(v), Some(c)) => Some((v * 100, c)),
            (None, _) => {
                errors.add("budget", "requests.bad_amount");
                None
            }
            (_, None) => {
                errors.add("currency", "form.bad_choice");
                None
            }
        },
    };
    let body = get("body");
    match body.chars().count() {
        0 => errors.add("body", "form.required"),
        n if n > MAX_TEXT => errors.add("body", "form.too_long"),
        _ => {}
    }
    let phone = match get("phone").as_str() {
        "" => None,
        raw => {
            let p = parse_phone(raw);
            if p.is_none() {
                errors.add("phone", "form.bad_phone");
            }
            p
        }
    };
    match (country, start_date, days) {
        (Some(country), Some(start_date), Some(days)) if errors.0.is_empty() => {
            Ok(NewRequest { equipment_type, country, city, start_date, days, budget, body, phone })
        }
        _ => Err(errors),
    }
}

/// The filter of `/requests`.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct RequestParams {
    /// Equipment type.
    #[serde(rename = "type")]
    pub equipment_type: Option<String>,
    /// Country code.
    pub country: Option<String>,
    /// Page.
    pub page: Option<String>,
}

/// A parsed `/requests` filter.
#[derive(Debug, Clone, Default)]
pub struct RequestFilter {
    /// Equipment type.
    pub equipment_type: Option<String>,
    /// Country.
    pub country: Option<Country>,
    /// Page.
    pub page: PageNo,
}

impl RequestFilter {
    /// Parses the query; an error is the message key of what is wrong.
    pub fn parse(p: &RequestParams) -> Result<Self, &'static str> {
        let t = p.equipment_type.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let equipment_type = match t {
            None => None,
            Some(t) => Some(
                EQUIPMENT_TYPES
                    .iter()
                    .find(|e| **e == t.to_lowercase())
                    .ok_or("error.bad_type")?
                    .to_string(),
            ),
        };
        let country = match p.country.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None | Some("all") => None,
            Some(c) => Some(Country::parse(c).ok_or("error.bad_country")?),
        };
        Ok(Self { equipment_type, country, page: page_of(p.page.as_deref())? })
    }

    /// The query string of page `page`.
    pub fn to_query(&self, page: i64) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        pairs.extend(self.equipment_type.clone().map(|t| ("type", t)));
        pairs.extend(self.country.map(|c| ("country", c.code().to_owned())));
        if page > 1 {
            pairs.push(("page", page.to_string()));
        }
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    }
}

const COLUMNS: &str = "r.id, r.user_id, u.name, r.equipment_type, r.country, r.city, r.start_date, \
     r.days, r.budget_minor, r.currency, r.body, r.phone, r.status, r.created_at, \
     (SELECT count(*) FROM rental_quotes q WHERE q.request_id = r.id)";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Request> {
    let country: String = r.get(4)?;
    let budget: Option<i64> = r.get(8)?;
    let currency: Option<String> = r.get(9)?;
    let status: String = r.get(12)?;
    Ok(Request {
        id: r.get(0)?,
        user_id: r.get(1)?,
        author: r.get(2)?,
        equipment_type: r.get(3)?,
        country: Country::parse(&country).unwrap_or(Country::Kz),
        city: r.get(5)?,
        start_date: r.get(6)?,
        days: r.get(7)?,
        budget: budget.zip(currency.as_deref().and_then(Currency::parse)),
        body: r.get(10)?,
        phone: r.get(11)?,
        status: Status::parse(&status),
        created_at: r.get(13)?,
        quotes: r.get(14)?,
    })
}

/// One request.
pub fn get(conn: &Connection, id: RequestId) -> rusqlite::Result<Option<Request>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM rental_requests r JOIN users u ON u.id = r.user_id WHERE r.id = ?1"
    ))?
    .query_row([id], from_row)
    .optional()
}

/// The SQL of a page of open requests and of their count (`?1`: today).
pub fn list_sql(f: &RequestFilter, today: &str) -> (String, String, Vec<Box<dyn ToSql>>) {
    // open, and its author still here (a banned or deleted user's requests leave the list)
    let mut cond = String::from(
        "r.status = 'open' AND r.start_date >= ?1 \
         AND u.deleted_at IS NULL AND u.banned_at IS NULL",
    );
    let mut params: Vec<Box<dyn ToSql>> = vec![Box::new(today.to_owned())];
    if let Some(c) = f.country {
        params.push(Box::new(c.code()));
        cond.push_str(&format!(" AND r.country = ?{}", params.len()));
    }
    if let Some(t) = &f.equipment_type {
        params.push(Box::new(t.clone()));
        cond.push_str(&format!(" AND r.equipment_type = ?{}", params.len()));
    }
    let select = format!(
        "SELECT {COLUMNS} FROM rental_requests r JOIN users u ON u.id = r.user_id WHERE {cond} \
         ORDER BY r.id DESC LIMIT {PAGE_SIZE} OFFSET {}",
        f.page.offset(PAGE_SIZE)
    );
    let count = format!(
        "SELECT count(*) FROM rental_requests r JOIN users u ON u.id = r.user_id WHERE {cond}"
    );
    (select, count, params)
}

/// A page of open requests, newest first, and how many there are.
pub fn list(
    conn: &Connection,
    f: &RequestFilter,
    today: &str,
) -> rusqlite::Result<(Vec<Request>, i64)> {
    let (select, count, params) = list_sql(f, today);
    let refs: Vec<&dyn ToSql> = params.iter().map(|p| p.as_ref()).collect();
    let rows = conn
        .prepare_cached(&select)?
        .query_map(refs.as_slice(), from_row)?
        .collect::<rusqlite::Result<_>>()?;
    let total = conn.prepare_cached(&count)?.query_row(refs.as_slice(), |r| r.get(0))?;
    Ok((rows, total))
}

/// A user's own requests, newest first.
pub fn of_user(conn: &Connection, user: UserId) -> rusqlite::Result<Vec<Request>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM rental_requests r JOIN users u ON u.id = r.user_id \
         WHERE r.user_id = ?1 ORDER BY r.id DESC LIMIT 50"
    ))?
    .query_map([user], from_row)?
    .collect()
}

/// The owner's active rent ad that matches a request: same type and country, the same city
/// first, then the newest.
pub fn matching_ad(
    conn: &Connection,
    owner: UserId,
    r: &Request,
) -> rusqlite::Result<Option<(AdId, String)>> {
    conn.prepare_cached(
        "SELECT id, title FROM ads
         WHERE owner_id = ?1 AND kind = 'rent' AND is_active = 1 AND deleted_at IS NULL
           AND equipment_type = ?2 AND country = ?3
         ORDER BY city = ?4 DESC, id DESC LIMIT 1",
    )?
    .query_row((owner, &r.equipment_type, r.country.code(), &r.city), |row| {
        Ok((row.get(0)?, row.get(1)?))
    })
    .optional()
}

/// "Запросы для вас": open requests of others that one of the owner's active rent ads
/// matches, the same city first, newest first.
pub fn for_owner(conn: &Connection, owner: UserId, today: &str) -> rusqlite::Result<Vec<Request>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM rental_requests r JOIN users u ON u.id = r.user_id
         WHERE r.status = 'open' AND r.start_date >= ?2 AND r.user_id <> ?1
           AND EXISTS (SELECT 1 FROM ads a WHERE a.owner_id = ?1 AND a.kind = 'rent'
                 AND a.is_active = 1 AND a.deleted_at IS NULL
                 AND a.equipment_type = r.equipment_type AND a.country = r.country)
         ORDER BY r.id DESC LIMIT 100"
    ))?
    .query_map((owner, today), from_row)?
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn a_request_form_parses_or_names_each_bad_field() {
        let ok = parse(
            &form(&[
                ("equipment_type", "Экскаватор"),
                ("country", "uz"),
                ("city", "Ташкент"),
                ("start_date", "2030-05-05"),
                ("days", "3"),
                ("budget", "1 500 000"),
                ("currency", "uzs"),
                ("body", "Нужен экскаватор на 3 дня"),
            ]),
            "2030-01-01",
        )
        .expect("valid");
        assert_eq!(ok.budget, Some((150_000_000, Currency::Uzs)));
        assert_eq!(ok.equipment_type, "экскаватор");
        let bad = parse(
            &form(&[
                ("equipment_type", "луноход"),
                ("country", "fr"),
                ("start_date", "2029-12-31"),
                ("days", "0"),
                ("budget", "много"),
                ("body", &"я".repeat(1001)),
                ("phone", "позвоните"),
            ]),
            "2030-01-01",
        )
        .expect_err("invalid");
        let fields: Vec<&str> = bad.0.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            ["equipment_type", "country", "city", "start_date", "days", "budget", "body", "phone"]
        );
        assert_eq!(day_of(0), "1970-01-01");
    }
}
