//! A listing whose count and page read the same rows reads them once. A search sorted by price
//! or views counted its matches to the cap, then read its newest matches to the cap and sorted
//! them; a few tagged ads (`by_tags`) checked for a kind or a price were counted through
//! `ad_sort_keys`, then read there again and sorted (6 ms each for type, brand and a price
//! range at a million ads). Here the matches are read once with their order's key: their
//! number is the count, and the page is sorted from them here, its twelve cards read by id.

use rusqlite::Connection;

use super::AdCard;
use super::by_tags::Tagged;
use super::list::{Filter, PAGE_SIZE, Query, Reading, Sort, TextSearch, order_key};
use crate::domain::ids::AdId;

/// How `f` is read once, when its count and page would read the same rows.
pub(super) struct ReadOnce {
    /// The matches, an id and the order's key each.
    query: Query,
    /// A search's cap: its newest matches to it are sorted, one more only says there are more.
    window: Option<i64>,
}

/// The most matches a search holds here to sort: a cap raised past it (`server.count_cap`)
/// is sorted in SQL instead, which keeps only the page's rows.
const MOST_HELD: i64 = 10_000;

impl ReadOnce {
    /// `f`'s single read: a search sorted by price or views with a capped count, or few
    /// tagged ads with a kind or price range to check; `None` for the rest.
    pub(super) fn of(
        f: &Filter,
        now: i64,
        reading: Reading<'_>,
        search: Option<&TextSearch>,
        tags: Option<&Tagged>,
    ) -> Option<ReadOnce> {
        let (column, _) = order_key(f.sort);
        match (search, tags) {
            (Some(s), _) if f.sort != Sort::Fresh => {
                let cap = reading.cap.filter(|cap| *cap <= MOST_HELD)?;
                let query = s.keyed_ids_sql(f, now, column, cap.saturating_add(1));
                Some(ReadOnce { query, window: Some(cap) })
            }
            (None, Some(t)) if t.few() && !t.read.covered => {
                Some(ReadOnce { query: t.read.keyed_ids_sql(f, now, column), window: None })
            }
            _ => None,
        }
    }

    /// Reads the matches: how many, and the cards of `f`'s page sorted from them.
    pub(super) fn read(
        &self,
        conn: &Connection,
        f: &Filter,
        now: i64,
    ) -> rusqlite::Result<(i64, Vec<AdCard>)> {
        // the ids and their cards in one read: an ad gone or hidden between them would leave
        // a short page or show
        let read = conn.unchecked_transaction()?;
        let (sql, params) = &self.query;
        let refs: Vec<&dyn rusqlite::ToSql> = params.iter().map(|p| p.as_ref()).collect();
        let mut matches: Vec<(i64, Option<i64>)> = conn
            .prepare_cached(sql)?
            .query_map(refs.as_slice(), |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let n = matches.len() as i64;
        if let Some(cap) = self.window.filter(|cap| n > *cap) {
            // the newest to the cap
            matches.sort_unstable_by_key(|m| std::cmp::Reverse(m.0));
            matches.truncate(usize::try_from(cap).unwrap_or(0));
        }
        let (_, ascending) = order_key(f.sort);
        // as SQLite orders: NULL lowest, so first ascending and last descending (Option's order)
        matches.sort_unstable_by(|a, b| {
            let by_key = if ascending { a.1.cmp(&b.1) } else { b.1.cmp(&a.1) };
            by_key.then(b.0.cmp(&a.0))
        });
        let start = match f.after.filter(|_| f.sort == Sort::Fresh) {
            // a cursor's page starts after it (the default order: bump time, then id)
            Some(after) => matches
                .iter()
                .position(|(id, key)| (key.unwrap_or(i64::MIN), *id) < (after.bumped_at, after.id))
                .unwrap_or(matches.len()),
            None => usize::try_from(f.page.offset(PAGE_SIZE)).unwrap_or(usize::MAX),
        };
        let page: Vec<AdId> =
            matches.iter().skip(start).take(PAGE_SIZE as usize).map(|(id, _)| AdId(*id)).collect();
        let mut cards = super::repo::cards_by_id(conn, now, &page)?;
        read.commit()?;
        Ok((n, page.iter().filter_map(|id| cards.remove(id)).collect()))
    }
}
