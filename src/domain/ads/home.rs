//! The home page's blocks, with the exact ordering rules of DESIGN §6.

use rusqlite::{Connection, ToSql};

use super::{AdCard, Plan};
use crate::domain::geo::Country;
use crate::domain::ids::AdId;
use crate::domain::promotions;

/// Hot offers shown at most.
pub const HOT_LIMIT: usize = 16;
/// Popular ads shown at most (three rows of four).
pub const POPULAR_LIMIT: usize = 12;
/// Fresh GOLD ads held at the top of popular.
pub const POPULAR_FRESH_GOLD: usize = 4;
/// How long a GOLD promotion counts as fresh.
pub const FRESH_GOLD_SECONDS: i64 = 12 * 3600;
/// Fresh ads on the home page.
pub const FRESH_LIMIT: usize = 20;
/// Hot offers when nobody is promoted or verified (two rows of four).
pub const HOT_FALLBACK: usize = 8;
/// Cards in a home row on a wide screen (`.block .grid` in app.css); a phone shows two, so a
/// block of a multiple of this never leaves a lone card on its last row.
pub const ROW: usize = 4;

/// The visitor's place filter.
#[derive(Debug, Clone, Default)]
pub struct Place {
    /// Country.
    pub country: Option<Country>,
    /// City within the country.
    pub city: Option<String>,
}

/// The three blocks of the home page.
#[derive(Debug, Default)]
pub struct Home {
    /// Hot offers.
    pub hot: Vec<AdCard>,
    /// Popular.
    pub popular: Vec<AdCard>,
    /// Fresh.
    pub fresh: Vec<AdCard>,
}

/// Home shows sale and rent only, active, in the visitor's place. With `by_section` false the
/// section and status columns are written `+a.…`, so the planner cannot drive the query by a
/// listing index (tens of thousands of rows) and takes the small promoted or badge index.
fn base_where(place: &Place, params: &mut Vec<Box<dyn ToSql>>, by_section: bool) -> String {
    let mut sql = String::from(if by_section {
        "a.is_active = 1 AND a.section = 'catalog'"
    } else {
        "+a.is_active = 1 AND +a.section = 'catalog'"
    });
    let plus = if by_section { "" } else { "+" };
    if let Some(c) = place.country {
        params.push(Box::new(c.code()));
        sql.push_str(&format!(" AND {plus}a.country = ?{}", params.len()));
        if let Some(city) = &place.city {
            params.push(Box::new(city.clone()));
            sql.push_str(&format!(" AND {plus}a.city = ?{}", params.len()));
        }
    }
    sql
}

/// The SQL of one block's ids and its parameters (`?1` is "now"), also for `EXPLAIN QUERY
/// PLAN`.
pub fn block_sql(
    now: i64,
    place: &Place,
    (extra, order): (&str, &str),
    limit: usize,
    extra_params: Vec<Box<dyn ToSql>>,
) -> (String, Vec<Box<dyn ToSql>>) {
    let mut params: Vec<Box<dyn ToSql>> = vec![Box::new(now)];
    let base = base_where(place, &mut params, extra == FRESH.0 || extra == BADGE.0);
    // badge holders are few: CROSS JOIN makes SQLite start from them (users_badge), each
    // one's ads in the place one seek of `ads_owner_place` (migration 34); promoted ads are
    // read in plan order from their ordered index (see `list::promoted_sql`); the other
    // blocks start from the ads too (see `list::sql`)
    let from = if extra == BADGE.0 {
        "users u CROSS JOIN ads a INDEXED BY ads_owner_place ON a.owner_id = u.id"
    } else if extra == PROMOTED.0 || extra == FRESH_GOLD.0 {
        "ads a INDEXED BY ads_promoted_order CROSS JOIN users u ON u.id = a.owner_id"
    } else {
        "ads a CROSS JOIN users u ON u.id = a.owner_id"
    };
    let mut extra = extra.to_owned();
    for p in extra_params {
        params.push(p);
        extra = extra.replacen("?x", &format!("?{}", params.len()), 1);
    }
    let sql =
        format!("SELECT a.id FROM {from} WHERE {base} AND {extra} ORDER BY {order} LIMIT {limit}");
    (sql, params)
}

fn query(
    conn: &Connection,
    now: i64,
    place: &Place,
    (extra, order): (&str, &str),
    limit: usize,
    extra_params: Vec<Box<dyn ToSql>>,
) -> rusqlite::Result<Vec<AdId>> {
    let (sql, params) = block_sql(now, place, (extra, order), limit, extra_params);
    let mut stmt = conn.prepare_cached(&sql)?;
    // an ids query names `?1` (now) only when its block's condition does
    let refs: Vec<&dyn ToSql> =
        params.iter().take(stmt.parameter_count()).map(|p| p.as_ref()).collect();
    stmt.query_map(refs.as_slice(), |r| Ok(AdId(r.get(0)?)))?.collect()
}

/// The SQL fragments of each block, named for `EXPLAIN QUERY PLAN` tests.
pub const PROMOTED: (&str, &str) = (
    "a.plan IS NOT NULL AND a.plan_until > ?1",
    "a.plan_rank DESC, a.plan_started_at DESC, a.id DESC",
);
/// Ads of sellers with a valid badge: latest badge expiry first, then bump time.
pub const BADGE: (&str, &str) =
    ("u.badge_until > ?1", "u.badge_until DESC, a.bumped_at DESC, a.id DESC");
/// GOLD promoted within the last 12 hours.
pub const FRESH_GOLD: (&str, &str) = (
    // GOLD's rank first (`?x`): the ordered index reads GOLD's part in start order, where
    // through every promotion it read and sorted them all (6.5 ms to 0.02 at a million ads)
    "a.plan_rank = ?x AND a.plan = 'gold' AND a.plan_until > ?1 AND a.plan_started_at >= ?x",
    "a.plan_started_at DESC, a.id DESC",
);
/// Fresh ads.
pub const FRESH: (&str, &str) = ("1", "a.bumped_at DESC, a.id DESC");
/// Most viewed ads: what fills popular's rows after the promoted and verified.
pub const MOST_VIEWED: (&str, &str) = ("1", "a.views_count DESC, a.id DESC");

fn push_unique(into: &mut Vec<AdId>, from: Vec<AdId>, limit: usize, skip: &[AdId]) {
    for id in from {
        if into.len() >= limit {
            break;
        }
        if !into.iter().chain(skip).any(|c| *c == id) {
            into.push(id);
        }
    }
}

/// Whole rows: a block of four or more is cut to a multiple of [`ROW`], so it does not end on
/// a lone card (fewer than four make one row, short but not ragged).
fn whole_rows<T>(block: &mut Vec<T>) {
    if block.len() >= ROW {
        block.truncate(block.len() - block.len() % ROW);
    }
}

/// Loads the three blocks. Hot and popular never show the same ad. Each block's candidates
/// are read as ids (up to 28 a block, five blocks) and the cards of the 48 shown at most
/// after, in one read transaction: a card's photo, views and seller were read for every
/// candidate.
pub fn load(conn: &Connection, now: i64, place: &Place) -> rusqlite::Result<Home> {
    let read = conn.unchecked_transaction()?;
    let (hot, popular, fresh) = load_ids(conn, now, place)?;
    let shown: Vec<AdId> = hot.iter().chain(&popular).chain(&fresh).copied().collect();
    let cards = super::repo::cards_by_id(conn, now, &shown)?;
    read.commit()?;
    let of = |ids: Vec<AdId>| ids.iter().filter_map(|id| cards.get(id).cloned()).collect();
    Ok(Home { hot: of(hot), popular: of(popular), fresh: of(fresh) })
}

/// The ids of the three blocks, in order.
fn load_ids(
    conn: &Connection,
    now: i64,
    place: &Place,
) -> rusqlite::Result<(Vec<AdId>, Vec<AdId>, Vec<AdId>)> {
    let promoted = query(conn, now, place, PROMOTED, HOT_LIMIT + POPULAR_LIMIT, vec![])?;
    let badge = query(conn, now, place, BADGE, HOT_LIMIT + POPULAR_LIMIT, vec![])?;
    let fresh = query(conn, now, place, FRESH, FRESH_LIMIT, vec![])?;

    // hot: promoted in plan order, then verified sellers, else the freshest few; a part row
    // is filled with fresh ads (a paid ad is never cut to square a row)
    let mut hot = Vec::new();
    push_unique(&mut hot, promoted.clone(), HOT_LIMIT, &[]);
    push_unique(&mut hot, badge.clone(), HOT_LIMIT, &[]);
    if hot.is_empty() {
        push_unique(&mut hot, fresh.clone(), HOT_FALLBACK, &[]);
    } else if !hot.len().is_multiple_of(ROW) {
        let full = hot.len().next_multiple_of(ROW).min(HOT_LIMIT);
        push_unique(&mut hot, fresh.clone(), full, &[]);
    }
    whole_rows(&mut hot);

    // popular: up to 4 GOLD promoted in the last 12 h, then other promoted, then verified,
    // then the most viewed: none of them already hot
    let fresh_gold = query(
        conn,
        now,
        place,
        FRESH_GOLD,
        POPULAR_FRESH_GOLD,
        vec![Box::new(promotions::rank(Plan::Gold)), Box::new(now - FRESH_GOLD_SECONDS)],
    )?;
    let mut popular = Vec::new();
    push_unique(&mut popular, fresh_gold, POPULAR_FRESH_GOLD, &hot);
    push_unique(&mut popular, promoted, POPULAR_LIMIT, &hot);
    push_unique(&mut popular, badge, POPULAR_LIMIT, &hot);
    if popular.len() < POPULAR_LIMIT {
        let viewed = query(conn, now, place, MOST_VIEWED, HOT_LIMIT + POPULAR_LIMIT, vec![])?;
        push_unique(&mut popular, viewed, POPULAR_LIMIT, &hot);
    }
    whole_rows(&mut popular);

    // fresh is the newest FRESH_LIMIT (whole rows when the catalog has that many)
    Ok((hot, popular, fresh))
}
