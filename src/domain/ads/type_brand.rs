//! A listing of a type and a brand (most viewed, or by price without a range: newest first
//! and a price order's range have an index that holds both, `list::filter_index`) reads its
//! page from the type's index in the listing's order, each entry's brand, kind, country and
//! price checked there (migration 28): the page's twelfth match is found after a few hundred
//! or thousand entries. Through the two's tags every ad of both was read and sorted: 5,134
//! XCMG bulldozers at a million ads, 7 ms for page 15, where the walk read 1,430 entries in
//! 0.14 ms. The walk stops after [`MOST_WALKED`] entries: a brand rare in its type fills no
//! page in it, and is read by its tags as before.

use super::list::{
    Filter, PAGE_SIZE, Query, asks_empty_value, bind, filter_clause, filter_index, order_clause,
    order_key, page_start, range_order,
};
use super::repo::CARD_COLUMNS;

/// The most entries of the type's index a page reads (about 0.1 µs each): a page not full
/// by then is read by the tags.
pub const MOST_WALKED: i64 = 5_000;

/// The query of `f`'s page walked through its type's index, for a type and a brand without a
/// city, a seller or text, most viewed or by price without a range; `None` otherwise. Only a
/// full page of it is the page: a shorter one may have stopped at [`MOST_WALKED`].
pub fn page_sql(f: &Filter, now: i64) -> Option<Query> {
    let wanted = f.text.is_none() && f.owner_id.is_none() && !f.has_city();
    let (section, equipment_type) = (f.section.filter(|_| wanted)?, f.equipment_type.as_ref()?);
    // newest first, and a price order's range, an index holds both (`filter_index`)
    if f.brand.is_none() || asks_empty_value(f) || filter_index(f, f.sort).is_some() {
        return None;
    }
    let walked = Filter {
        section: Some(section),
        equipment_type: Some(equipment_type.clone()),
        sort: f.sort,
        ..Filter::default()
    };
    let index = filter_index(&walked, f.sort)?;
    let (cond, mut params) = filter_clause(f, now, false);
    params.push(Box::new(section.code()));
    let section_param = params.len();
    params.push(Box::new(equipment_type.clone()));
    let type_param = params.len();
    let (key, _) = order_key(f.sort);
    let (range_key, _) = order_key(range_order(f.sort));
    let (after, offset) = page_start(f, &mut params);
    // a page past the walk's bound is never filled by it
    if offset + PAGE_SIZE > MOST_WALKED {
        return None;
    }
    let offset = bind(&mut params, offset);
    // the entry's columns the filters and the order read: all in each of the type's indexes
    let price = if range_key == key { String::new() } else { format!(", a.{range_key}") };
    let order = order_clause(f.sort);
    let sql = format!(
        "SELECT {CARD_COLUMNS} FROM (SELECT a.id FROM (\
         SELECT a.id, a.is_active, a.section, a.equipment_type, a.brand, a.kind, a.country, \
         a.{key}{price} FROM ads a INDEXED BY {index} WHERE a.section = ?{section_param} \
         AND a.is_active = 1 AND a.equipment_type = ?{type_param}{after} \
         ORDER BY {order} LIMIT {MOST_WALKED}) a \
         WHERE {cond} ORDER BY {order} LIMIT {PAGE_SIZE} OFFSET {offset}) p \
         CROSS JOIN ads a ON a.id = p.id CROSS JOIN users u ON u.id = a.owner_id ORDER BY {order}"
    );
    Some((sql, params))
}
