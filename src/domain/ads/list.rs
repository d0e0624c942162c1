//! Listing queries for `/catalog`, `/parts`, `/repair` and seller pages: filters, sort, pages.

use rusqlite::{Connection, ToSql};

use super::AdCard;
pub use super::filter::{Filter, ListParams, Sort};
use super::repo::{CARD_COLUMNS, card_from_row};
use crate::domain::ids::PageNo;

/// Cards per page.
pub const PAGE_SIZE: i64 = 12;

/// One page of results.
#[derive(Debug)]
pub struct Page {
    /// Cards on this page.
    pub cards: Vec<AdCard>,
    /// Matching ads in all.
    pub total: i64,
    /// 1-based page shown.
    pub page: i64,
    /// Pages in all.
    pub pages: i64,
    /// Promoted ads matching the filter, shown first on the first page (VIP, PREMIUM, GOLD).
    pub promoted: Vec<AdCard>,
}

/// Promoted ads shown above a listing's first page.
pub const PROMOTED_SHOWN: i64 = 4;

/// The SQL of the promoted ads above a listing: its filter, and a running promotion.
pub fn promoted_sql(f: &Filter, now: i64) -> (String, Vec<Box<dyn ToSql>>) {
    let (cond, params) = where_clause(f, now);
    let sql = format!(
        "SELECT {CARD_COLUMNS} FROM ads a JOIN users u ON u.id = a.owner_id \
         WHERE {cond} AND a.plan IS NOT NULL AND a.plan_until > ?1 \
         ORDER BY a.plan_rank DESC, a.plan_started_at DESC, a.id DESC LIMIT {PROMOTED_SHOWN}"
    );
    (sql, params)
}

/// Quotes user text for an FTS5 query: a phrase per word, all required.
fn fts_query(text: &str) -> String {
    text.split_whitespace()
        .filter(|w| w.chars().count() >= 3)
        .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Builds the WHERE clause and its parameters (`?1` is reserved for "now").
pub fn where_clause(f: &Filter, now: i64) -> (String, Vec<Box<dyn ToSql>>) {
    let mut sql = String::from("a.is_active = 1");
    let mut params: Vec<Box<dyn ToSql>> = vec![Box::new(now)];
    let mut push = |sql: &mut String, clause: &str, p: Box<dyn ToSql>| {
        params.push(p);
        sql.push_str(&clause.replace('?', &format!("?{}", params.len())));
    };
    if let Some(section) = f.section {
        push(&mut sql, " AND a.section = ?", Box::new(section.code()));
    }
    if let Some(kind) = f.kind {
        push(&mut sql, " AND a.kind = ?", Box::new(kind.code()));
    }
    if let Some(owner) = f.owner_id {
        push(&mut sql, " AND a.owner_id = ?", Box::new(owner));
    }
    if let Some(country) = f.country {
        push(&mut sql, " AND a.country = ?", Box::new(country.code()));
        if let Some(city) = &f.city {
            push(&mut sql, " AND a.city = ?", Box::new(city.clone()));
        }
    }
    if let Some(t) = &f.equipment_type {
        push(&mut sql, " AND a.equipment_type = ?", Box::new(t.clone()));
    }
    if let Some(b) = &f.brand {
        push(&mut sql, " AND a.brand = ? COLLATE NOCASE", Box::new(b.clone()));
    }
    if let Some(p) = f.price_from_usd_cents {
        push(&mut sql, " AND a.price_usd_cents >= ?", Box::new(p));
    }
    if let Some(p) = f.price_to_usd_cents {
        push(&mut sql, " AND a.price_usd_cents <= ?", Box::new(p));
    }
    if matches!(f.sort, Sort::PriceAsc | Sort::PriceDesc) {
        sql.push_str(" AND a.price_usd_cents IS NOT NULL");
    }
    if let Some(text) = &f.text {
        let q = fts_query(text);
        if !q.is_empty() {
            push(
                &mut sql,
                " AND a.id IN (SELECT rowid FROM ads_fts WHERE ads_fts MATCH ?)",
                Box::new(q),
            );
        }
    }
    (sql, params)
}

fn order_clause(sort: Sort) -> &'static str {
    match sort {
        Sort::Fresh => "a.bumped_at DESC, a.id DESC",
        Sort::PriceAsc => "a.price_usd_cents ASC, a.id DESC",
        Sort::PriceDesc => "a.price_usd_cents DESC, a.id DESC",
        Sort::Views => "a.views_count DESC, a.id DESC",
    }
}

/// The SQL of a listing page and of its count, for running and for `EXPLAIN QUERY PLAN`.
pub fn sql(f: &Filter, now: i64) -> (String, String, Vec<Box<dyn ToSql>>) {
    let (cond, params) = where_clause(f, now);
    let offset = f.page.offset(PAGE_SIZE);
    let select = format!(
        "SELECT {CARD_COLUMNS} FROM ads a JOIN users u ON u.id = a.owner_id WHERE {cond} \
         ORDER BY {} LIMIT {PAGE_SIZE} OFFSET {offset}",
        order_clause(f.sort)
    );
    let count = format!("SELECT count(*) FROM ads a WHERE {cond}");
    (select, count, params)
}

/// Runs a listing query; counts come from `counts` when it holds them (a count walks every
/// matching row: the one cost that grows with the catalog).
pub fn list(
    conn: &Connection,
    f: &Filter,
    now: i64,
    counts: Option<&crate::cache::TtlCache<String, i64>>,
) -> rusqlite::Result<Page> {
    let (select, count, params) = sql(f, now);
    let refs: Vec<&dyn ToSql> = params.iter().map(|p| p.as_ref()).collect();
    let count_key = format!("{:?}", Filter { page: PageNo::FIRST, ..f.clone() });
    let total = match counts.and_then(|c| c.get(&count_key)) {
        Some(total) => total,
        None => {
            let mut count_stmt = conn.prepare_cached(&count)?;
            // the count has no card columns: it binds ?1 (now) only when a later parameter exists
            let n = count_stmt.parameter_count();
            let total: i64 = count_stmt.query_row(&refs[..n], |r| r.get(0))?;
            if let Some(c) = counts {
                c.put(count_key, total);
            }
            total
        }
    };
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let cards = conn
        .prepare_cached(&select)?
        .query_map(refs.as_slice(), card_from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    // promoted ads lead the first page of a section (a seller's own page lists them in place)
    let promoted = if f.page == PageNo::FIRST && f.owner_id.is_none() {
        let (sql, params) = promoted_sql(f, now);
        let refs: Vec<&dyn ToSql> = params.iter().map(|p| p.as_ref()).collect();
        conn.prepare_cached(&sql)?
            .query_map(refs.as_slice(), card_from_row)?
            .collect::<Result<Vec<_>, _>>()?
    } else {
        Vec::new()
    };
    Ok(Page { cards, total, page: f.page.get(), pages, promoted })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fts_query_quotes_words_and_skips_short_ones() {
        assert_eq!(fts_query("кран  25 т"), "\"кран\"");
        assert_eq!(fts_query("a\"b\"c JCB"), "\"a\"\"b\"\"c\" \"JCB\"");
        assert_eq!(fts_query("ab"), "");
    }
}
