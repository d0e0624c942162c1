//! A price range as words of the search index (migration 26): each priced ad's tags say where
//! its day's price in US cents lies, `pd<n>` for its number of digits and `pd<n>f<d>` for
//! those and its first digit. A range asks for the few bands that hold it, so FTS5 intersects
//! them with the other words and only the ads in them have their price checked.

/// The most bands a range is asked as: each is one more list for FTS5 to merge.
const MOST_BANDS: usize = 4;

/// A band: the prices of `digits` digits, those that start with `first` when given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Band {
    digits: usize,
    first: Option<u8>,
}

impl Band {
    /// The index's word of the band (as the view `ads_find_rows` writes it).
    fn word(self) -> String {
        match self.first {
            Some(d) => format!("pd{}f{d}", self.digits),
            None => format!("pd{}", self.digits),
        }
    }
}

fn price_first_digit(text: &str) -> Option<u8> {
    text.bytes().next().filter(u8::is_ascii_digit).map(|b| b - b'0')
}

/// The bands that hold every price from `from` to `to` (US cents), at most [`MOST_BANDS`]:
/// each decade the range spans as one band, its end decades as their first digits' bands when
/// the count allows, finer. `None` when more bands would be needed (a wide range, which the
/// bands would not narrow), or the range is not of prices.
pub fn cover(from: i64, to: i64) -> Option<Vec<String>> {
    if from < 0 || to < from {
        return None;
    }
    let (low, high) = (from.to_string(), to.to_string());
    let (low_digits, high_digits) = (low.len(), high.len());
    let decades = high_digits - low_digits + 1;
    if decades > MOST_BANDS {
        return None;
    }
    let (low_first, high_first) = (price_first_digit(&low)?, price_first_digit(&high)?);
    let digit_bands = |digits: usize, firsts: std::ops::RangeInclusive<u8>| {
        firsts.map(move |d| Band { digits, first: Some(d) }).collect::<Vec<_>>()
    };
    // a decade's first digits run from 1 to 9 (0 alone in the one-digit decade)
    let lowest_first = |digits: usize| u8::from(digits > 1);
    let bands: Vec<Band> = if decades == 1 {
        let fine = digit_bands(low_digits, low_first..=high_first);
        if fine.len() <= MOST_BANDS { fine } else { vec![Band { digits: low_digits, first: None }] }
    } else {
        let low_fine = digit_bands(low_digits, low_first..=9);
        let high_fine = digit_bands(high_digits, lowest_first(high_digits)..=high_first);
        let middle = (low_digits + 1..high_digits).map(|digits| Band { digits, first: None });
        let mut ends = [
            (low_fine, Band { digits: low_digits, first: None }),
            (high_fine, Band { digits: high_digits, first: None }),
        ];
        // the end with fewer bands first: the finer it is, the fewer prices outside the range
        ends.sort_by_key(|(fine, _)| fine.len());
        let mut count = decades;
        let mut chosen = Vec::new();
        for (fine, whole) in ends {
            if count - 1 + fine.len() <= MOST_BANDS {
                count += fine.len() - 1;
                chosen.extend(fine);
            } else {
                chosen.push(whole);
            }
        }
        chosen.extend(middle);
        chosen
    };
    Some(bands.into_iter().map(Band::word).collect())
}

/// The bands of `f`'s price range (see [`cover`]); `None` without both ends (an open range is
/// wide) or when they would not narrow it.
pub fn of_filter(f: &super::list::Filter) -> Option<Vec<String>> {
    cover(f.price_from_usd_cents.unwrap_or(0), f.price_to_usd_cents?)
}

/// The search index's condition of `bands`: any of them.
pub fn condition(bands: &[String]) -> String {
    let words: Vec<String> = bands.iter().map(|w| format!("\"{w}\"")).collect();
    format!("tags : ({})", words.join(" OR "))
}

/// Whether every band of `words` is a first digit's, a ninth of a decade or less: narrow
/// enough to be worth intersecting with few tagged ads (a whole decade holds a third of them).
pub fn narrow(words: &[String]) -> bool {
    words.iter().all(|w| w.contains('f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bands of one price, its decade's and its first digit's: what the view
    /// `ads_find_rows` writes, said again here to check `cover` against.
    fn words_of(price: i64) -> Option<[String; 2]> {
        let text = price.to_string();
        let first = price_first_digit(&text)?;
        let digits = text.len();
        Some([Band { digits, first: None }.word(), Band { digits, first: Some(first) }.word()])
    }

    fn holds(words: &[String], price: i64) -> bool {
        words_of(price).is_some_and(|own| own.iter().any(|w| words.contains(w)))
    }

    #[test]
    fn a_narrow_range_is_its_first_digits_and_a_wide_one_its_decades() {
        // $5,000-6,000
        assert_eq!(cover(500_000, 600_000), Some(vec!["pd6f5".to_owned(), "pd6f6".to_owned()]));
        // $100-3,000: the upper decade's first digits, the lower decade whole
        assert_eq!(
            cover(10_000, 300_000),
            Some(vec!["pd6f1".into(), "pd6f2".into(), "pd6f3".into(), "pd5".into()])
        );
        // $1-9,999: four decades, each whole
        assert_eq!(
            cover(100, 999_999),
            Some(vec!["pd3".into(), "pd6".into(), "pd4".into(), "pd5".into()])
        );
        // five decades: no narrower than every price
        assert_eq!(cover(100, 9_999_999), None);
        assert_eq!(cover(0, 5), Some(vec!["pd1".into()]));
        assert_eq!(
            cover(0, 3),
            Some(vec!["pd1f0".into(), "pd1f1".into(), "pd1f2".into(), "pd1f3".into()])
        );
        assert_eq!(cover(-1, 5), None);
        assert_eq!(cover(9, 5), None);
        assert!(narrow(&cover(500_000, 600_000).unwrap_or_default()));
        assert!(!narrow(&cover(10_000, 300_000).unwrap_or_default()));
    }

    #[test]
    fn every_price_in_a_range_is_in_a_band_it_asks_and_few_outside_are() {
        let edges: Vec<i64> = (0..19)
            .flat_map(|e| {
                let p = 10_i64.pow(e);
                [(1, -1), (1, 0), (1, 1), (2, -1), (2, 0), (5, 0), (9, 0), (9, p / 2)]
                    .map(|(times, plus)| p.checked_mul(times).and_then(|n| n.checked_add(plus)))
            })
            .flatten()
            .chain([i64::MAX])
            .collect();
        for &from in &edges {
            for &to in edges.iter().filter(|t| **t >= from) {
                let Some(words) = cover(from, to) else { continue };
                assert!(words.len() <= MOST_BANDS, "{from}-{to}: {words:?}");
                for &p in edges.iter().filter(|p| (from..=to).contains(*p)) {
                    assert!(holds(&words, p), "{p} in {from}-{to}, not in {words:?}");
                }
                // nothing a decade away from the range
                if from > 0 {
                    assert!(!holds(&words, from / 10 - 1), "{from}-{to}: {words:?}");
                }
                if let Some(above) = to.checked_mul(10).and_then(|n| n.checked_add(10)) {
                    assert!(!holds(&words, above), "{from}-{to}: {words:?}");
                }
            }
        }
    }

    #[test]
    fn the_search_index_holds_each_ad_under_its_price_bands_as_its_price_changes() {
        let mut conn = rusqlite::Connection::open_in_memory().expect("db");
        crate::db::migrate(&mut conn).expect("migrate");
        conn.execute(
            "INSERT INTO users (id, email, name, created_at) VALUES (1, 'a@b.c', 'A', 0)",
            [],
        )
        .expect("user");
        let found = |words: &[String]| -> Vec<i64> {
            let query = format!("tags : ({})", words.join(" OR "));
            let mut stmt = conn
                .prepare("SELECT rowid FROM ads_find_catalog WHERE ads_find_catalog MATCH ?1")
                .expect("prepare");
            stmt.query_map([query], |r| r.get(0)).expect("query").map(|r| r.expect("id")).collect()
        };
        let prices = [0_i64, 7, 10, 99, 100, 123_456, 999_999_999, i64::MAX];
        for (id, p) in (1_i64..).zip(prices) {
            conn.execute(
                "INSERT INTO ads (id, owner_id, kind, title, slug, country, city, currency, \
                 price_minor, price_usd_cents, created_at, updated_at, bumped_at) \
                 VALUES (?1, 1, 'sale', 'Кран', ?1, 'kz', 'Алматы', 'USD', ?2, ?2, 0, 0, 0)",
                (id, p),
            )
            .expect("ad");
        }
        for (id, p) in (1_i64..).zip(prices) {
            for word in words_of(p).expect("bands") {
                assert!(found(std::slice::from_ref(&word)).contains(&id), "{p}: {word}");
            }
        }
        // a new price in another band moves the ad; a month's rent is a thirtieth a day
        conn.execute("UPDATE ads SET price_usd_cents = 5000 WHERE id = 6", []).expect("price");
        assert_eq!(found(&["pd4f5".to_owned()]), vec![6]);
        assert!(!found(&["pd6f1".to_owned()]).contains(&6));
        conn.execute(
            "UPDATE ads SET kind = 'rent', price_unit = 'month', price_usd_cents = 90000 \
             WHERE id = 6",
            [],
        )
        .expect("month");
        assert_eq!(found(&["pd4f3".to_owned()]), vec![6]);
    }
}
