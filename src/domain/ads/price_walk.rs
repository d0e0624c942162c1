//! A narrow price range in the newest or most viewed order, without a type, brand, city,
//! seller or text, reads its page walking that order's index (the section's, or its
//! country's), each entry's kind and day's price checked there (migration 25 put them in).
//! Through the price index every ad in the range had its row read for its sort key and was
//! sorted: services at $50-100 a day in the repair section, 2,678 ads at a million, 5 ms for
//! any page, where the walk read 600 entries for the first page (0.03 ms) and 18,000 for
//! page 41 (1 ms). The walk stops after [`WALKED_PER_MATCH`] entries for each ad in the range
//! (an entry costs about 0.06-0.1 µs, a row about 2 µs): a page not full by then is read
//! through the price index as before.
use super::list::{
    Filter, PAGE_SIZE, Query, Sort, bind, filter_clause, order_clause, order_key, page_start,
};
use super::repo::CARD_COLUMNS;

/// The most entries of the order's index a page walks for each ad of the section in the price
/// range: a walk that fills no page then costs about what the price index does after it. (The
/// range is counted in the whole section, so with a kind or a country whose ads are few in it,
/// a walk may read up to 80,000 entries in vain, 5-8 ms at a million ads. A bound of 20,000
/// entries made page 45 of parts at 25,000-30,000 KZT a day 4.2 -> 8.6 ms: the walk reads
/// past that, and the price index read 3,000 rows.)
pub const WALKED_PER_MATCH: i64 = 16;

/// The query of `f`'s page walked through its order's index, for a price range holding
/// `in_range` ads of the section (counted to [`super::list::WIDE_PRICE_RANGE`]) in the newest or
/// most viewed order, without a type, brand, city, seller or text; `None` otherwise. Only a
/// full page of it is the page: a shorter one may have stopped at the walk's bound.
pub fn page_sql(f: &Filter, now: i64, in_range: i64) -> Option<Query> {
    let plain = f.text.is_none()
        && f.owner_id.is_none()
        && f.equipment_type.is_none()
        && f.brand.is_none()
        && !f.has_city();
    let section = f.section.filter(|_| plain && f.has_price_range())?;
    // each holds the kind and the day's price after its order key and the id; the country's
    // the country before them
    let index = match (f.country.is_some(), f.sort) {
        (false, Sort::Fresh) => "ads_fresh",
        (false, Sort::Views) => "ads_views",
        (true, Sort::Fresh) => "ads_country_fresh",
        (true, Sort::Views) => "ads_country_views",
        (_, Sort::PriceAsc | Sort::PriceDesc) => return None,
    };
    let (cond, mut params) = filter_clause(f, now, false);
    params.push(Box::new(section.code()));
    let section_param = params.len();
    // the country's column only from the country's index: the section's has none
    let (country, country_column) = match f.country {
        Some(c) => {
            params.push(Box::new(c.code()));
            (format!(" AND a.country = ?{}", params.len()), ", a.country")
        }
        None => (String::new(), ""),
    };
    let (after, offset) = page_start(f, &mut params);
    let budget = in_range.saturating_mul(WALKED_PER_MATCH);
    // a page past the walk's bound is never filled by it
    if offset + PAGE_SIZE > budget {
        return None;
    }
    let budget = bind(&mut params, budget);
    let offset = bind(&mut params, offset);
    let (key, _) = order_key(f.sort);
    let order = order_clause(f.sort);
    let sql = format!(
        "SELECT {CARD_COLUMNS} FROM (SELECT a.id FROM (\
         SELECT a.id, a.is_active, a.section, a.kind{country_column}, a.price_day_usd_cents, \
         a.{key} FROM ads a INDEXED BY {index} WHERE a.section = ?{section_param} \
         AND a.is_active = 1{country}{after} ORDER BY {order} LIMIT {budget}) a \
         WHERE {cond} ORDER BY {order} LIMIT {PAGE_SIZE} OFFSET {offset}) p \
         CROSS JOIN ads a ON a.id = p.id CROSS JOIN users u ON u.id = a.owner_id ORDER BY {order}"
    );
    Some((sql, params))
}
