//! A listing of several filters read from its section's word index by their tags, the few
//! ads that carry them sorted through `ad_sort_keys` (migration 24); see [`ByTags`].

use rusqlite::Connection;

use super::list::{
    Filter, PAGE_SIZE, Query, asks_empty_value, bind, city_tag, filter_clause, filter_index,
    find_table, hex_tag, listed_tag, order_clause, page_start, quoted, without_hidden,
};
use super::price_bands;
use super::repo::CARD_COLUMNS;

/// A listing without text of two of a type, a brand and a city (maybe a kind and a country
/// besides), no seller: read through its section's word index, whose tags intersect those
/// few filters' lists (1.7-4.4 ms at a million ads) where an ads' index walked one filter's
/// rows checking the others in each ad's row (SANY in Tashkent: 20,000 rows, 97 ms). One of
/// them alone is read from its own index, which holds the kind, country and price (migration
/// 25). When few ads carry the tags ([`FEW_BY_TAGS`]) the count and page are
/// read from them alone, each ad's kind, listing, price and order keys through
/// `ad_sort_keys` (migration 24), whatever the order and page; above, the ads' indexes read
/// the page in order, and the tags count it when they hold every filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByTags {
    /// The section's word index.
    pub table: &'static str,
    /// Its query of the filters' tags.
    pub tags: String,
    /// The tags are every filter (a country's, no kind, no price range): no ad is read to
    /// count.
    pub covered: bool,
}

/// A listing whose filters' tags match at most this many ads is read from them: an ad's keys
/// cost about 0.4 µs (92,000 sorted in 38-44 ms), so these at most 4-5 ms besides the lists.
/// (At 2,000, 48 of the bench's 1,200 listing URLs took over 15 ms at a million ads; at
/// 10,000, 34.)
pub const FEW_BY_TAGS: i64 = 10_000;

impl ByTags {
    /// How `f` is read by its tags; `None` for a listing one index reads well (text, a seller,
    /// one filter) or one the tags cannot say (an empty type, brand or city).
    pub fn of(f: &Filter) -> Option<ByTags> {
        // (a type and a brand newest first, or a price order's range: an index holds both,
        // `filter_index`)
        let by_index = filter_index(f, f.sort).is_some();
        let section =
            f.section.filter(|_| f.text.is_none() && f.owner_id.is_none() && !by_index)?;
        fn given(v: &Option<String>) -> Option<&str> {
            v.as_deref().filter(|v| !v.is_empty())
        }
        // the words of few ads: a type, a brand, a city (which names its country), and a
        // country's listed ads. The kind's and the section's listed words are each held by
        // most of the section (a list of 350,000 and 600,000 ids at a million ads, 9-15 ms to
        // read): the kind and whether the ad is listed are read with its keys instead
        let words: Vec<String> = [
            given(&f.equipment_type).map(|t| hex_tag("t", t)),
            // NOCASE folds ASCII letters only, as SQLite's lower() in the index's tags does
            given(&f.brand).map(|b| hex_tag("b", &b.to_ascii_lowercase())),
            city_tag(f),
        ]
        .into_iter()
        .flatten()
        .collect();
        // two of a type, brand and city: one alone is read in order from its own index, the
        // kind, country and price checked in its entries (a city's sales counted to 1,001 in
        // 0.16 ms at a million ads, 14 ms through each ad's row)
        if words.len() < 2 || asks_empty_value(f) {
            return None;
        }
        let listed = listed_tag(f, section);
        let quoted_words: Vec<String> = listed.iter().chain(&words).map(|t| quoted(t)).collect();
        let mut tags = format!("tags : ({})", quoted_words.join(" "));
        // without a country's listed word (a city, or no country), the section's hidden ads
        // are left out (see `listed_tag`): the tags hold the listed ads `Tagged::n` counts, so
        // a listing of few never reads the many hidden ones (deleted ads stay, hidden)
        if listed.is_none() {
            tags = without_hidden(&tags, section);
        }
        let covered = f.country.is_some() && f.kind.is_none() && !f.has_price_range();
        Some(ByTags { table: find_table(section), tags, covered })
    }

    /// The FROM and WHERE of the tagged ads listed, of `f`'s kind and in its price range, each
    /// read from `ad_sort_keys` by its id (the tags hold every other filter).
    fn matches(&self, f: &Filter, now: i64) -> Query {
        let (cond, mut params) = filter_clause(&keys_filter(f), now, false);
        // a narrow price range's bands too: a decade's holds a third of the tagged ads, so
        // intersecting it costs more than checking their prices
        let bands = price_bands::of_filter(f).filter(|b| price_bands::narrow(b));
        params.push(Box::new(match bands {
            Some(b) => format!("{} AND {}", self.tags, price_bands::condition(&b)),
            None => self.tags.clone(),
        }));
        let table = self.table;
        let sql = format!(
            "{table} f CROSS JOIN ad_sort_keys a ON a.id = f.rowid \
             WHERE {table} MATCH ?{} AND {cond}",
            params.len()
        );
        (sql, params)
    }

    /// The count of the tagged ads listed, of `f`'s kind and in its price range; stopped after
    /// `cap + 1` when there is a cap. (Without a price range `ad_facets` counts them.)
    pub fn count_sql(&self, f: &Filter, now: i64, cap: Option<i64>) -> Query {
        let (from_where, params) = self.matches(f, now);
        let limit = cap.map_or(String::new(), |cap| format!(" LIMIT {}", cap.saturating_add(1)));
        (format!("SELECT count(*) FROM (SELECT 1 FROM {from_where}{limit})"), params)
    }

    /// The ids of the tagged ads listed, of `f`'s kind and in its price range, with their
    /// `column` of `ad_sort_keys` (a [`ReadOnce`](super::read_once::ReadOnce)'s query).
    pub fn keyed_ids_sql(&self, f: &Filter, now: i64, column: &str) -> Query {
        let (from_where, params) = self.matches(f, now);
        (format!("SELECT a.id, a.{column} FROM {from_where}"), params)
    }

    /// `f`'s page: the tagged ads in its price range sorted by its order, then the cards of
    /// twelve; newest first, a page with a cursor starts at it.
    pub fn page_sql(&self, f: &Filter, now: i64) -> Query {
        let (from_where, mut params) = self.matches(f, now);
        let (after, offset) = page_start(f, &mut params);
        let offset = bind(&mut params, offset);
        let order = order_clause(f.sort);
        let sql = format!(
            "SELECT {CARD_COLUMNS} FROM (SELECT a.id FROM {from_where}{after} \
             ORDER BY {order} LIMIT {PAGE_SIZE} OFFSET {offset}) p \
             CROSS JOIN ads a ON a.id = p.id CROSS JOIN users u ON u.id = a.owner_id ORDER BY {order}"
        );
        (sql, params)
    }
}

/// A listing read by its tags (see [`ByTags`]) and how many listed ads carry them, of any kind
/// and price: with `covered`, its count.
#[derive(Debug)]
pub(super) struct Tagged {
    pub(super) read: ByTags,
    pub(super) n: i64,
}

impl Tagged {
    /// `f`'s listed ads of every kind in its place, type and brand, counted in `ad_facets`
    /// (migration 33), when it is read by its tags.
    pub(super) fn of(conn: &Connection, f: &Filter) -> rusqlite::Result<Option<Tagged>> {
        let Some(read) = ByTags::of(f) else { return Ok(None) };
        let Some(n) = super::facets::listed(conn, f, false)? else { return Ok(None) };
        Ok(Some(Tagged { read, n }))
    }

    /// Whether few enough ads carry the tags to read them all.
    pub(super) fn few(&self) -> bool {
        self.n <= FEW_BY_TAGS
    }
}

/// The part of `f` checked in `ad_sort_keys` (migration 24) when the word index's tags hold
/// the rest: its kind and price range (and the listing, as every filter's).
pub(super) fn keys_filter(f: &Filter) -> Filter {
    Filter {
        kind: f.kind,
        price_from_usd_cents: f.price_from_usd_cents,
        price_to_usd_cents: f.price_to_usd_cents,
        sort: f.sort,
        ..Filter::default()
    }
}
