//! Listing queries for `/catalog`, `/parts`, `/repair` and seller pages: filters, sort, pages.

use rusqlite::{Connection, ToSql};

use super::AdCard;
pub use super::filter::{After, Filter, KEYSET_FROM_PAGE, ListParams, Sort};
use super::repo::{CARD_COLUMNS, card_from_row};
use crate::domain::ids::PageNo;

/// Cards per page.
pub const PAGE_SIZE: i64 = 12;

/// One page of results.
#[derive(Debug)]
pub struct Page {
    /// Cards on this page.
    pub cards: Vec<AdCard>,
    /// Matching ads in all, or the cap when `capped`.
    pub total: i64,
    /// More than `total` ads match: counting stopped at the cap ([`Counting::cap`]).
    pub capped: bool,
    /// Where the next page starts, when this one is a full page of the default order.
    pub next_after: Option<After>,
    /// 1-based page shown.
    pub page: i64,
    /// Pages in all.
    pub pages: i64,
    /// Promoted ads matching the filter, shown first on the first page (VIP, PREMIUM, GOLD).
    pub promoted: Vec<AdCard>,
    /// The search text these results are for, when the one asked found nothing and its
    /// nearest spelling did (`search::list_forgiving`).
    pub corrected: Option<String>,
    /// For a search, how many ads each section holds for its text and place (the section
    /// tabs); empty otherwise.
    pub sections: Vec<(super::Section, Count)>,
}

impl Page {
    /// The count shown: `total`, and whether more match.
    pub fn count(&self) -> Count {
        Count { shown: self.total, capped: self.capped }
    }

    /// Whether a page follows this one: within the counted pages, or past the cap while this
    /// page is full.
    pub fn has_next(&self) -> bool {
        self.page < self.pages || (self.capped && self.cards.len() as i64 == PAGE_SIZE)
    }
}

/// How a listing's count is had: from `cache` when it holds it, else counted, stopping once
/// more than `cap` rows match (an exact count walks every matching row: the one cost of a
/// listing that grows with the catalog).
#[derive(Clone, Copy, Default)]
pub struct Counting<'a> {
    /// Counts by filter, reused for a while.
    pub cache: Option<&'a crate::cache::TtlCache<String, i64>>,
    /// The highest count made exactly; `None`: no cap.
    pub cap: Option<i64>,
}

/// A count: exact, or more than `cap` (held as `cap + 1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    /// Matching rows, at most the cap.
    pub shown: i64,
    /// More rows match than `shown`.
    pub capped: bool,
}

impl Count {
    fn of(n: i64, cap: Option<i64>) -> Count {
        match cap {
            Some(cap) if n > cap => Count { shown: cap, capped: true },
            _ => Count { shown: n, capped: false },
        }
    }
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

/// Short words a query may hold without meaning to narrow it: prepositions and conjunctions.
/// They are dropped (and the page says so) when the query has other words.
const STOP_WORDS: &[&str] = &[
    "в", "во", "на", "с", "со", "и", "к", "ко", "по", "из", "от", "до", "за", "у", "о", "об", "а",
    "но", "не", "да", "же", "ли",
];

/// A search text split the way the indexes can read it.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Terms {
    /// Words of 3+ characters: substrings through the trigram index (`ads_fts`).
    pub long: Vec<String>,
    /// Words of 1-2 characters: word prefixes through the word index (`ads_words`).
    pub short: Vec<String>,
    /// Words not searched: single letters and prepositions beside other words, punctuation.
    pub ignored: Vec<String>,
}

impl Terms {
    /// Splits `text` into words and sorts each into the index that can find it.
    pub fn of(text: &str) -> Terms {
        let mut t = Terms::default();
        let words: Vec<&str> = text.split_whitespace().collect();
        let meaningful = |w: &str| w.chars().any(char::is_alphanumeric);
        let is_long = |w: &str| w.chars().count() >= 3;
        // a short word narrows only when the query has nothing better, or when it is not filler
        let has_long = words.iter().any(|w| meaningful(w) && is_long(w));
        for w in &words {
            let lower = w.to_lowercase();
            if !meaningful(w) {
                t.ignored.push((*w).to_owned());
            } else if is_long(w) {
                t.long.push((*w).to_owned());
            } else if has_long && (w.chars().count() == 1 || STOP_WORDS.contains(&lower.as_str())) {
                t.ignored.push((*w).to_owned());
            } else {
                t.short.push((*w).to_owned());
            }
        }
        t
    }
}

fn quoted(w: &str) -> String {
    format!("\"{}\"", w.replace('"', "\"\""))
}

/// The trigram FTS5 query of the long words: a phrase per word, all required.
fn fts_query(terms: &Terms) -> String {
    terms.long.iter().map(|w| quoted(w)).collect::<Vec<_>>().join(" ")
}

/// The word-index FTS5 query of the short words: a prefix per word, all required.
fn prefix_query(terms: &Terms) -> String {
    terms.short.iter().map(|w| format!("{}*", quoted(w))).collect::<Vec<_>>().join(" ")
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
    // a rent price is compared per day (see `price_day_usd_cents` in migration 14)
    if let Some(p) = f.price_from_usd_cents {
        push(&mut sql, " AND a.price_day_usd_cents >= ?", Box::new(p));
    }
    if let Some(p) = f.price_to_usd_cents {
        push(&mut sql, " AND a.price_day_usd_cents <= ?", Box::new(p));
    }
    if let Some(text) = &f.text {
        let terms = Terms::of(text);
        let (long, short) = (fts_query(&terms), prefix_query(&terms));
        if !long.is_empty() {
            push(
                &mut sql,
                " AND a.id IN (SELECT rowid FROM ads_fts WHERE ads_fts MATCH ?)",
                Box::new(long),
            );
        }
        if !short.is_empty() {
            push(
                &mut sql,
                " AND a.id IN (SELECT rowid FROM ads_words WHERE ads_words MATCH ?)",
                Box::new(short),
            );
        }
    }
    (sql, params)
}

fn order_clause(sort: Sort) -> &'static str {
    match sort {
        Sort::Fresh => "a.bumped_at DESC, a.id DESC",
        // negotiable ads (no price) come after the priced ones both ways: the ascending key
        // reads them as the dearest, and a descending sort puts NULL last
        Sort::PriceAsc => "a.price_day_asc ASC, a.id DESC",
        Sort::PriceDesc => "a.price_day_usd_cents DESC, a.id DESC",
        Sort::Views => "a.views_count DESC, a.id DESC",
    }
}

/// The SQL of a listing page and of its count, for running and for `EXPLAIN QUERY PLAN`. A
/// page of the default order with a cursor (`after`) starts at it instead of skipping rows;
/// its two parameters come last, after the count's.
pub fn sql(f: &Filter, now: i64) -> (String, String, Vec<Box<dyn ToSql>>) {
    let (cond, mut params) = where_clause(f, now);
    let count = format!("SELECT count(*) FROM ads a WHERE {cond}");
    let (cond, offset) = match f.after.filter(|_| f.sort == Sort::Fresh) {
        Some(after) => {
            params.push(Box::new(after.bumped_at));
            params.push(Box::new(after.id));
            let n = params.len();
            (format!("{cond} AND (a.bumped_at, a.id) < (?{}, ?{n})", n - 1), 0)
        }
        None => (cond, f.page.offset(PAGE_SIZE)),
    };
    let select = format!(
        "SELECT {CARD_COLUMNS} FROM ads a JOIN users u ON u.id = a.owner_id WHERE {cond} \
         ORDER BY {} LIMIT {PAGE_SIZE} OFFSET {offset}",
        order_clause(f.sort)
    );
    (select, count, params)
}

/// The count of `sql`'s count query stopped after `cap + 1` rows.
pub fn capped_count_sql(f: &Filter, now: i64, cap: i64) -> (String, Vec<Box<dyn ToSql>>) {
    let (cond, params) = where_clause(f, now);
    let limit = cap.saturating_add(1);
    (format!("SELECT count(*) FROM (SELECT 1 FROM ads a WHERE {cond} LIMIT {limit})"), params)
}

/// Runs a listing query, its count made as `counts` says.
pub fn list(
    conn: &Connection,
    f: &Filter,
    now: i64,
    counts: Counting<'_>,
) -> rusqlite::Result<Page> {
    let (select, _, params) = sql(f, now);
    let refs: Vec<&dyn ToSql> = params.iter().map(|p| p.as_ref()).collect();
    let Count { shown: total, capped } = count(conn, f, now, counts)?;
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
    let next_after = match cards.last() {
        Some(last) if f.sort == Sort::Fresh && cards.len() as i64 == PAGE_SIZE => {
            Some(After { bumped_at: last.bumped_at, id: last.id.0 })
        }
        _ => None,
    };
    Ok(Page {
        cards,
        total,
        capped,
        next_after,
        page: f.page.get(),
        pages,
        promoted,
        corrected: None,
        sections: Vec::new(),
    })
}

/// How many ads match `f` (its page aside), from the cache when it holds the number, counted
/// up to the cap otherwise.
pub fn count(
    conn: &Connection,
    f: &Filter,
    now: i64,
    counts: Counting<'_>,
) -> rusqlite::Result<Count> {
    let (count, params) = match counts.cap {
        Some(cap) => capped_count_sql(f, now, cap),
        None => {
            let (_, count, params) = sql(f, now);
            (count, params)
        }
    };
    let refs: Vec<&dyn ToSql> = params.iter().map(|p| p.as_ref()).collect();
    let whole = Filter { page: PageNo::FIRST, after: None, ..f.clone() };
    let count_key = format!("{:?}{whole:?}", counts.cap);
    if let Some(total) = counts.cache.and_then(|c| c.get(&count_key)) {
        return Ok(Count::of(total, counts.cap));
    }
    let mut count_stmt = conn.prepare_cached(&count)?;
    // the count has no card columns: it binds ?1 (now) only when a later parameter exists
    let n = count_stmt.parameter_count();
    let total: i64 = count_stmt.query_row(&refs[..n], |r| r.get(0))?;
    if let Some(c) = counts.cache {
        c.put(count_key, total);
    }
    Ok(Count::of(total, counts.cap))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_words_are_phrases_short_ones_prefixes_and_filler_is_named() {
        let t = Terms::of("кран  25 т в JC");
        assert_eq!(t.long, ["кран"]);
        assert_eq!(t.short, ["25", "JC"]);
        assert_eq!(t.ignored, ["т", "в"]);
        assert_eq!(fts_query(&t), "\"кран\"");
        assert_eq!(prefix_query(&t), "\"25\"* \"JC\"*");
        let quotes = Terms::of("a\"b\"c J\"");
        assert_eq!(fts_query(&quotes), "\"a\"\"b\"\"c\"");
        assert_eq!(prefix_query(&quotes), "\"J\"\"\"*");
        // alone, a short word is what the visitor wants found, even a single letter
        assert_eq!(Terms::of("ab").short, ["ab"]);
        assert_eq!(Terms::of("в").short, ["в"]);
        assert_eq!(Terms::of("-- !!").ignored, ["--", "!!"]);
    }
}
