//! A listing whose count and page read the same rows reads them once. A search sorted by price
//! or views counted its matches to the cap, then read its newest matches to the cap and sorted
//! them; a few tagged ads (`by_tags`) checked for a kind or a price were counted through
//! `ad_sort_keys`, then read there again and sorted (6 ms each for type, brand and a price
//! range at a million ads). Here the matches are read once with their order's key: their
//! number is the count, and the page is sorted from them here, its twelve cards read by id.
//!
//! A search in its ranked order reads its matches' ids once too, oldest first as FTS5 reads
//! fastest, to the cap and one more: within the cap they are every match, so their number is
//! the count, the newest of them say which are promoted above the first page, and with the
//! first tier's ids (every word in the title) as far as the page they are the ranked order.
//! Its count, its tiers and its promoted strip each walked the index's matches again: a first
//! page read the newest 500 a second time for the strip, a deep one the tiers to their offset
//! (at a million ads 5.6 ms for "самосвал" in Belarus's sales, 3 of them the strip's). Past
//! the cap the count is the cap's, and the tiers and the strip are read as before.

use std::collections::HashSet;

use rusqlite::{Connection, ToSql};

use super::AdCard;
use super::by_tags::Tagged;
use super::list::{
    Filter, PAGE_SIZE, PROMOTED_WINDOW, Query, Reading, Sort, TextSearch, order_key, promoted_among,
};
use super::repo::{card_from_row, json_ids};
use crate::domain::ids::{AdId, PageNo};

/// How `f` is read once, when its count and page would read the same rows.
pub(super) struct ReadOnce {
    /// The matches, an id and the order's key each (a ranked search's, the id alone, oldest
    /// first).
    query: Query,
    /// A search's cap: its newest matches to it are sorted, one more only says there are more.
    window: Option<i64>,
    /// A search in its ranked order: its matches with every word in the title, the first tier.
    titled: Option<Query>,
    /// A search: its promoted strip is read from its newest matches.
    search: bool,
}

/// What a [`ReadOnce`] read.
pub(super) struct Read {
    /// How many matched, to the cap and one more.
    pub n: i64,
    /// The page; `None` for a ranked search past its cap, which read its oldest matches.
    pub cards: Option<Vec<AdCard>>,
    /// A search's promoted strip (empty but on its first page); `None` for the rest, and for
    /// a search past a cap its matches read do not hold the newest 500 of.
    pub promoted: Option<Vec<AdCard>>,
}

/// The most matches a search holds here to sort: a cap raised past it (`server.count_cap`)
/// is sorted in SQL instead, which keeps only the page's rows.
const MOST_HELD: i64 = 10_000;

impl ReadOnce {
    /// `f`'s single read: a search with a capped count, or few tagged ads with a kind or price
    /// range to check; `None` for the rest.
    pub(super) fn of(
        f: &Filter,
        now: i64,
        reading: Reading<'_>,
        search: Option<&TextSearch>,
        tags: Option<&Tagged>,
    ) -> Option<ReadOnce> {
        let (column, _) = order_key(f.sort);
        match (search, tags) {
            (Some(s), _) => {
                let cap = reading.cap.filter(|cap| *cap <= MOST_HELD)?;
                let limit = cap.saturating_add(1);
                let (query, titled) = match f.sort {
                    // the first tier as far as the page: where it ends, or the page
                    Sort::Fresh => (
                        s.oldest_ids_sql(f, now, limit),
                        Some(s.page_ids_sql(f, now, &s.in_title, page_end(f))),
                    ),
                    _ => (s.keyed_ids_sql(f, now, column, limit), None),
                };
                Some(ReadOnce { query, window: Some(cap), titled, search: true })
            }
            (None, Some(t)) if t.few() && !t.read.covered => Some(ReadOnce {
                query: t.read.keyed_ids_sql(f, now, column),
                window: None,
                titled: None,
                search: false,
            }),
            _ => None,
        }
    }

    /// Reads the matches: how many, the cards of `f`'s page in its order, and a search's
    /// promoted strip.
    pub(super) fn read(&self, conn: &Connection, f: &Filter, now: i64) -> rusqlite::Result<Read> {
        // the ids and their cards in one read: an ad gone or hidden between them would leave
        // a short page or show
        let read = conn.unchecked_transaction()?;
        let mut matches: Vec<(i64, Option<i64>)> = {
            let mut stmt = conn.prepare_cached(&self.query.0)?;
            let keyed = stmt.column_count() > 1;
            let rows = stmt.query_map(refs(&self.query.1).as_slice(), |r| {
                Ok((r.get(0)?, if keyed { r.get(1)? } else { None }))
            })?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let n = matches.len() as i64;
        let past_cap = self.window.is_some_and(|cap| n > cap);
        if past_cap && self.titled.is_some() {
            read.commit()?;
            return Ok(Read { n, cards: None, promoted: None });
        }
        // newest first: the window's, the strip's and each tier's order
        matches.sort_unstable_by_key(|m| std::cmp::Reverse(m.0));
        let strip = self.search && n > 0 && f.page == PageNo::FIRST && f.owner_id.is_none();
        // the strip looks among the newest 500 matches: a window narrower (a cap under 499)
        // past its cap does not hold them all, and the strip reads the index instead
        let holds_strip = !past_cap || matches.len() >= PROMOTED_WINDOW as usize;
        let newest: Vec<AdId> = match strip && holds_strip {
            true => matches.iter().take(PROMOTED_WINDOW as usize).map(|m| AdId(m.0)).collect(),
            false => Vec::new(),
        };
        if let Some(cap) = self.window.filter(|_| past_cap) {
            matches.truncate(usize::try_from(cap).unwrap_or(0));
        }
        let order = match &self.titled {
            None => sorted(matches, f),
            // nothing matches as far as the page: no tier to read
            Some(_) if n <= f.page.offset(PAGE_SIZE) => Ordered { ids: Vec::new(), start: None },
            Some(titled) => ranked(conn, titled, matches, f)?,
        };
        let cards = cards_in_order(conn, now, order.page(f))?;
        let promoted = match newest.is_empty() {
            true => Vec::new(),
            false => {
                let sql = promoted_among("json_each(?2) j", "j.value");
                let mut stmt = conn.prepare_cached(&sql)?;
                stmt.query_map((now, json_ids(&newest)), card_from_row)?
                    .collect::<rusqlite::Result<_>>()?
            }
        };
        read.commit()?;
        let promoted = self.search.then_some(promoted).filter(|_| holds_strip);
        Ok(Read { n, cards: Some(cards), promoted })
    }
}

/// The matches in `f`'s order by their keys, and where its page starts among them.
fn sorted(mut matches: Vec<(i64, Option<i64>)>, f: &Filter) -> Ordered {
    let (_, ascending) = order_key(f.sort);
    // as SQLite orders: NULL lowest, so first ascending and last descending (Option's order)
    matches.sort_by(|a, b| {
        let by_key = if ascending { a.1.cmp(&b.1) } else { b.1.cmp(&a.1) };
        by_key.then(b.0.cmp(&a.0))
    });
    let start = f.after.filter(|_| f.sort == Sort::Fresh).map(|after| {
        // a cursor's page starts after it (the default order: bump time, then id)
        matches
            .iter()
            .position(|(id, key)| (key.unwrap_or(i64::MIN), *id) < (after.bumped_at, after.id))
            .unwrap_or(matches.len())
    });
    Ordered { ids: matches.into_iter().map(|m| m.0).collect(), start }
}

/// Ids in a listing's order, and where a cursor's page starts among them (else its number
/// says).
struct Ordered {
    ids: Vec<i64>,
    start: Option<usize>,
}

impl Ordered {
    /// The ids of `f`'s page.
    fn page(&self, f: &Filter) -> Vec<AdId> {
        let offset = usize::try_from(f.page.offset(PAGE_SIZE)).unwrap_or(usize::MAX);
        let start = self.start.unwrap_or(offset);
        self.ids.iter().skip(start).take(PAGE_SIZE as usize).map(|id| AdId(*id)).collect()
    }
}

/// Where `f`'s page ends among its matches.
fn page_end(f: &Filter) -> i64 {
    f.page.offset(PAGE_SIZE) + PAGE_SIZE
}

/// A search's `matches` (newest first, every one of them) in its ranked order as far as `f`'s
/// page: those `titled` reads (the first tier, newest first, as far as the page) first, then
/// the rest, newest first.
fn ranked(
    conn: &Connection,
    (sql, params): &Query,
    matches: Vec<(i64, Option<i64>)>,
    f: &Filter,
) -> rusqlite::Result<Ordered> {
    let titled: Vec<i64> = conn
        .prepare_cached(sql)?
        .query_map(refs(params).as_slice(), |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if titled.len() as i64 >= page_end(f) {
        // the page lies in the first tier
        return Ok(Ordered { ids: titled, start: None });
    }
    let first: HashSet<i64> = titled.iter().copied().collect();
    let rest = matches.into_iter().map(|m| m.0).filter(|id| !first.contains(id));
    Ok(Ordered { ids: titled.into_iter().chain(rest).collect(), start: None })
}

/// The cards of `ids`, in their order (an ad gone since its id was read is left out).
fn cards_in_order(conn: &Connection, now: i64, ids: Vec<AdId>) -> rusqlite::Result<Vec<AdCard>> {
    let mut cards = super::repo::cards_by_id(conn, now, &ids)?;
    Ok(ids.iter().filter_map(|id| cards.remove(id)).collect())
}

fn refs(params: &[Box<dyn ToSql>]) -> Vec<&dyn ToSql> {
    params.iter().map(|p| p.as_ref()).collect()
}
