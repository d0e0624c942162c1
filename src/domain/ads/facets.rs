//! How many listed ads a section holds in a place, of a type, a brand and a kind: sums of
//! `ad_facets` (migration 33), which triggers keep as ads come, change and go. A listing by its
//! tags ([`by_tags`](super::by_tags)) is counted here, not by intersecting the tags' lists.

use rusqlite::{Connection, ToSql};

use super::list::{Filter, Query, asks_empty_value};

/// The listed ads of `f`'s section in its country (and city), of its type and brand, and of its
/// kind when `with_kind`; its price range, text and seller are not looked at. `None` without a
/// section, or for an empty type, brand or city (checked in rows: `ad_facets` keeps a missing
/// type or brand as '').
pub fn listed(conn: &Connection, f: &Filter, with_kind: bool) -> rusqlite::Result<Option<i64>> {
    let Some((sql, params)) = listed_sql(f, with_kind) else { return Ok(None) };
    let refs: Vec<&dyn ToSql> = params.iter().map(|p| p.as_ref()).collect();
    conn.prepare_cached(&sql)?.query_row(refs.as_slice(), |r| r.get(0)).map(Some)
}

/// The SQL of [`listed`], for running and for `EXPLAIN QUERY PLAN`.
pub fn listed_sql(f: &Filter, with_kind: bool) -> Option<Query> {
    let section = f.section.filter(|_| !asks_empty_value(f))?;
    let mut params: Vec<Box<dyn ToSql>> = vec![Box::new(section.code())];
    let mut cond = String::from("section = ?1");
    let mut push = |column: &str, value: Box<dyn ToSql>| {
        params.push(value);
        cond.push_str(&format!(" AND {column} = ?{}", params.len()));
    };
    // a city is a filter only with its country, as in the listing's WHERE
    let city = f.country.and(f.city.as_ref());
    if let Some(country) = f.country {
        push("country", Box::new(country.code()));
    }
    if let Some(city) = city {
        push("city", Box::new(city.clone()));
    }
    if let Some(t) = &f.equipment_type {
        push("equipment_type", Box::new(t.clone()));
    }
    if let Some(b) = &f.brand {
        // kept lowered as SQLite's lower() lowers: ASCII letters only
        push("brand", Box::new(b.to_ascii_lowercase()));
    }
    if let Some(kind) = f.kind.filter(|_| with_kind) {
        push("kind", Box::new(kind.code()));
    }
    // a city's rows lead the table's key; without one, a type's lead its index
    let index = match (city, &f.equipment_type) {
        (None, Some(_)) => " INDEXED BY ad_facets_type",
        _ => "",
    };
    Some((format!("SELECT coalesce(sum(n), 0) FROM ad_facets{index} WHERE {cond}"), params))
}
