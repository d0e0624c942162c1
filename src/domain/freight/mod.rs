//! Freight ("Logistics"): cargo to move and trucks available, with a route, a date, weight,
//! volume, body type and price.

pub use filter::{FreightFilter, FreightParams};

pub mod actions;
mod filter;
mod write;

pub use write::{my_freight, my_freight_sql, release_awaiting_email};

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, ToSql, params};

use crate::domain::Denied;
use crate::domain::accounts::{FieldErrors, parse_phone};
use crate::domain::ads::Price;
use crate::domain::geo::{Country, Currency};
use crate::domain::ids::{FreightId, UserId};
use crate::domain::rates::Rates;
use crate::domain::users::SessionUser;

/// Cards per page.
pub const PAGE_SIZE: i64 = 12;

/// Truck body types.
pub const BODY_TYPES: &[&str] = &[
    "тент",
    "рефрижератор",
    "борт",
    "самосвал",
    "трал",
    "контейнер",
    "цистерна",
    "изотерм",
    "другое",
];

/// Cargo or truck.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FreightKind {
    /// "I have cargo from A to B".
    Cargo,
    /// "I have a truck".
    Truck,
}

impl FreightKind {
    /// Parses the code.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "cargo" => Some(Self::Cargo),
            "truck" => Some(Self::Truck),
            _ => None,
        }
    }

    /// The code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Cargo => "cargo",
            Self::Truck => "truck",
        }
    }
}

/// A freight listing as pages show it.
#[derive(Debug, Clone)]
pub struct Freight {
    /// Id.
    pub id: FreightId,
    /// Owner.
    pub owner_id: UserId,
    /// Cargo or truck.
    pub kind: FreightKind,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// From.
    pub from: (Country, String),
    /// To.
    pub to: (Country, String),
    /// YYYY-MM-DD.
    pub ship_date: String,
    /// Tonnes.
    pub weight_t: Option<f64>,
    /// Cubic metres.
    pub volume_m3: Option<f64>,
    /// Body type.
    pub body_type: String,
    /// Price.
    pub price: Price,
    /// Phone.
    pub phone: String,
    /// Published.
    pub is_active: bool,
    /// Waiting for its owner to confirm their e-mail (published then).
    pub awaiting_email: bool,
}

impl Freight {
    /// Whether `user` may see it: published, theirs, or staff. To anyone else an unpublished
    /// listing answers like a missing one.
    pub fn visible_to(&self, user: Option<&SessionUser>) -> bool {
        self.is_active || user.is_some_and(|u| u.id == self.owner_id || u.is_staff)
    }

    /// Whether `user` may change it (edit, publish, unpublish): its owner only. Someone else
    /// is told it is missing when they may not see it, forbidden when they may.
    pub fn may_change(&self, user: &SessionUser) -> Result<(), Denied> {
        if !self.visible_to(Some(user)) {
            Err(Denied::NotFound)
        } else if self.owner_id != user.id {
            Err(Denied::Forbidden)
        } else {
            Ok(())
        }
    }
}

/// A valid new listing.
#[derive(Debug, Clone)]
pub struct NewFreight {
    kind: FreightKind,
    title: String,
    description: String,
    from: (Country, String),
    to: (Country, String),
    ship_date: String,
    weight_t: Option<f64>,
    volume_m3: Option<f64>,
    body_type: String,
    price_minor: Option<i64>,
    currency: Currency,
    price_usd_cents: Option<i64>,
    phone: String,
}

/// Parses `YYYY-MM-DD` into a real date.
pub fn parse_date(s: &str) -> Option<String> {
    let mut it = s.trim().splitn(3, '-');
    let (y, m, d) = (
        it.next()?.parse::<i32>().ok()?,
        it.next()?.parse::<u8>().ok()?,
        it.next()?.parse::<u8>().ok()?,
    );
    let month = time::Month::try_from(m).ok()?;
    let date = time::Date::from_calendar_date(y, month, d).ok()?;
    (2000..=2100)
        .contains(&y)
        .then(|| format!("{:04}-{:02}-{:02}", date.year(), u8::from(date.month()), date.day()))
}

fn place(
    form: &HashMap<String, String>,
    prefix: &'static str,
    errors: &mut FieldErrors,
) -> Option<(Country, String)> {
    let (ck, tk): (&'static str, &'static str) =
        if prefix == "from" { ("from_country", "from_city") } else { ("to_country", "to_city") };
    let country = form.get(ck).map(|s| s.trim()).and_then(Country::parse);
    if country.is_none() {
        errors.add(ck, "form.bad_country");
    }
    let city = form.get(tk).map(|s| s.trim().to_owned()).unwrap_or_default();
    if city.is_empty() {
        errors.add(tk, "form.required");
    } else if city.chars().count() > 60 {
        errors.add(tk, "form.too_long");
    }
    Some((country?, city)).filter(|(_, c)| !c.is_empty() && c.chars().count() <= 60)
}

fn decimal(
    form: &HashMap<String, String>,
    key: &'static str,
    max: f64,
    errors: &mut FieldErrors,
) -> Option<f64> {
    let raw = form.get(key).map(|s| s.trim().replace(',', ".")).unwrap_or_default();
    if raw.is_empty() {
        return None;
    }
    match raw.parse::<f64>() {
        Ok(v) if v > 0.0 && v <= max => Some((v * 100.0).round() / 100.0),
        _ => {
            errors.add(key, "form.bad_number");
            None
        }
    }
}

/// Parses the freight form.
pub fn parse(form: &HashMap<String, String>, rates: &Rates) -> Result<NewFreight, FieldErrors> {
    let mut errors = FieldErrors::default();
    let get = |k: &str| form.get(k).map(|s| s.trim().to_owned()).unwrap_or_default();
    let kind = FreightKind::parse(&get("kind"));
    if kind.is_none() {
        errors.add("kind", "form.bad_choice");
    }
    let title = get("title");
    match title.chars().count() {
        0 => errors.add("title", "form.required"),
        1..=4 => errors.add("title", "form.too_short"),
        121.. => errors.add("title", "form.too_long"),
        _ => {}
    }
    let description = get("description");
    if description.chars().count() > 3000 {
        errors.add("description", "form.too_long");
    }
    let from = place(form, "from", &mut errors);
    let to = place(form, "to", &mut errors);
    let ship_date = parse_date(&get("ship_date"));
    if ship_date.is_none() {
        errors.add("ship_date", "form.bad_date");
    }
    let weight_t = decimal(form, "weight_t", 200.0, &mut errors);
    let volume_m3 = decimal(form, "volume_m3", 200.0, &mut errors);
    let body_type = get("body_type");
    if !BODY_TYPES.contains(&body_type.as_str()) {
        errors.add("body_type", "form.bad_choice");
    }
    let price: Option<i64> = match get("price").replace(' ', "") {
        p if p.is_empty() => None,
        p => match p.parse::<i64>() {
            Ok(v) if (0..=10_000_000_000_000).contains(&v) => Some(v),
            _ => {
                errors.add("price", "form.bad_price");
                None
            }
        },
    };
    let currency = Currency::parse(&get("currency"))
        .or_else(|| from.as_ref().map(|(c, _)| c.currency()))
        .unwrap_or(Currency::Usd);
    let phone = parse_phone(&get("phone"));
    if phone.is_none() {
        errors.add("phone", "form.bad_phone");
    }
    match (kind, from, to, ship_date, phone) {
        (Some(kind), Some(from), Some(to), Some(ship_date), Some(phone)) if errors.is_empty() => {
            let price_minor = price.map(|p| p * 100);
            Ok(NewFreight {
                kind,
                title,
                description,
                from,
                to,
                ship_date,
                weight_t,
                volume_m3,
                body_type,
                price_minor,
                currency,
                price_usd_cents: price_minor.map(|m| currency.to_usd_cents(m, rates)),
                phone,
            })
        }
        _ => Err(errors),
    }
}

/// Stores a listing; returns its id.
pub fn insert(
    conn: &Connection,
    owner: UserId,
    f: &NewFreight,
    now: i64,
) -> rusqlite::Result<FreightId> {
    conn.execute(
        "INSERT INTO freight_ads (owner_id, kind, title, description, from_country, from_city, to_country, to_city,
            ship_date, weight_t, volume_m3, body_type, price_minor, currency, price_usd_cents, phone, created_at,
            from_city_key, to_city_key)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
        params![
            owner, f.kind.code(), f.title, f.description, f.from.0.code(), f.from.1, f.to.0.code(), f.to.1, f.ship_date,
            f.weight_t, f.volume_m3, f.body_type, f.price_minor, f.currency.code(), f.price_usd_cents, f.phone, now,
            f.from.1.to_lowercase(), f.to.1.to_lowercase()
        ],
    )?;
    Ok(FreightId(conn.last_insert_rowid()))
}

const COLUMNS: &str = "id, owner_id, kind, title, description, from_country, from_city, to_country, to_city, ship_date, \
     weight_t, volume_m3, body_type, price_minor, currency, price_usd_cents, phone, is_active, awaiting_email";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Freight> {
    let country = |s: String| Country::parse(&s).unwrap_or(Country::Kz);
    Ok(Freight {
        id: r.get(0)?,
        owner_id: r.get(1)?,
        kind: FreightKind::parse(&r.get::<_, String>(2)?).unwrap_or(FreightKind::Cargo),
        title: r.get(3)?,
        description: r.get(4)?,
        from: (country(r.get(5)?), r.get(6)?),
        to: (country(r.get(7)?), r.get(8)?),
        ship_date: r.get(9)?,
        weight_t: r.get(10)?,
        volume_m3: r.get(11)?,
        body_type: r.get(12)?,
        price: Price {
            minor: r.get(13)?,
            currency: Currency::parse(&r.get::<_, String>(14)?).unwrap_or(Currency::Usd),
            unit: None,
            usd_cents: r.get(15)?,
        },
        phone: r.get(16)?,
        is_active: r.get(17)?,
        awaiting_email: r.get(18)?,
    })
}

/// One listing unless deleted.
pub fn get(conn: &Connection, id: FreightId) -> rusqlite::Result<Option<Freight>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM freight_ads WHERE id = ?1 AND deleted_at IS NULL"),
        [id],
        from_row,
    )
    .optional()
}

/// Removes a listing from view.
pub fn delete(conn: &Connection, id: FreightId, now: i64) -> rusqlite::Result<()> {
    conn.execute("UPDATE freight_ads SET is_active = 0, deleted_at = ?2 WHERE id = ?1", (id, now))?;
    Ok(())
}

/// The SQL of a page and its count, for running and for `EXPLAIN QUERY PLAN`.
pub fn sql(f: &FreightFilter) -> (String, String, Vec<Box<dyn ToSql>>) {
    let mut cond = String::from("is_active = 1");
    let mut params: Vec<Box<dyn ToSql>> = Vec::new();
    let mut push = |cond: &mut String, clause: &str, p: Box<dyn ToSql>| {
        params.push(p);
        cond.push_str(&clause.replace('?', &format!("?{}", params.len())));
    };
    if let Some(c) = f.from_country {
        push(&mut cond, " AND from_country = ?", Box::new(c.code()));
    }
    if let Some(c) = f.to_country {
        push(&mut cond, " AND to_country = ?", Box::new(c.code()));
    }
    if let Some(c) = &f.from_city {
        push(&mut cond, " AND from_city_key = ?", Box::new(c.to_lowercase()));
    }
    if let Some(c) = &f.to_city {
        push(&mut cond, " AND to_city_key = ?", Box::new(c.to_lowercase()));
    }
    if let Some(k) = f.kind {
        push(&mut cond, " AND kind = ?", Box::new(k.code()));
    }
    if let Some(d) = &f.date_from {
        push(&mut cond, " AND ship_date >= ?", Box::new(d.clone()));
    }
    if let Some(d) = &f.date_to {
        push(&mut cond, " AND ship_date <= ?", Box::new(d.clone()));
    }
    let offset = f.page.offset(PAGE_SIZE);
    (
        format!(
            "SELECT {COLUMNS} FROM freight_ads WHERE {cond} ORDER BY ship_date, id LIMIT {PAGE_SIZE} OFFSET {offset}"
        ),
        format!("SELECT count(*) FROM freight_ads WHERE {cond}"),
        params,
    )
}

/// A page of listings (nearest date first) and the total.
pub fn list(conn: &Connection, f: &FreightFilter) -> rusqlite::Result<(Vec<Freight>, i64)> {
    let (select, count, params) = sql(f);
    let refs: Vec<&dyn ToSql> = params.iter().map(|p| p.as_ref()).collect();
    let total = conn.prepare_cached(&count)?.query_row(refs.as_slice(), |r| r.get(0))?;
    let rows = conn
        .prepare_cached(&select)?
        .query_map(refs.as_slice(), from_row)?
        .collect::<Result<_, _>>()?;
    Ok((rows, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_must_be_real() {
        assert_eq!(parse_date("2026-12-01").as_deref(), Some("2026-12-01"));
        assert_eq!(parse_date("2026-02-30"), None);
        assert_eq!(parse_date("01.12.2026"), None);
        assert_eq!(parse_date("1999-01-01"), None);
    }
}
