//! A listing's filter: parsed from the query's text fields into domain values (or the message
//! key of what is wrong), and written back as a query for pagination links.

use serde::Deserialize;

use super::{Kind, Section};
use crate::domain::geo::{Country, Currency, EQUIPMENT_TYPES};
use crate::domain::ids::{PageNo, UserId, page_of};
use crate::domain::rates::Rates;

/// Longest search text accepted.
pub const MAX_SEARCH_CHARS: usize = 200;

/// A listing query as it arrives: every field text, so bad input gets a message of ours.
#[derive(Debug, Deserialize, Default, Clone)]
pub struct ListParams {
    /// Kind within the section.
    pub kind: Option<String>,
    /// Country code, or `all`.
    pub country: Option<String>,
    /// City.
    pub city: Option<String>,
    /// Equipment type.
    #[serde(rename = "type")]
    pub equipment_type: Option<String>,
    /// Brand.
    pub brand: Option<String>,
    /// Lowest price, in `currency`.
    pub price_from: Option<String>,
    /// Highest price, in `currency`.
    pub price_to: Option<String>,
    /// Currency of the price range.
    pub currency: Option<String>,
    /// Search text.
    pub q: Option<String>,
    /// Sort order.
    pub sort: Option<String>,
    /// Page number.
    pub page: Option<String>,
    /// Where a deep page of the default order starts: `<bumped_at>.<id>` of the ad before it.
    pub after: Option<String>,
}

fn non_empty(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

/// The country (the query's, else the visitor's chosen one; `all` for none) and a city in it.
/// Returns whether `all` was asked for, or the message key of what is wrong.
pub fn parse_place(
    chosen: Option<Country>,
    country: Option<&str>,
    city: Option<&str>,
) -> Result<(Option<Country>, Option<String>, bool), &'static str> {
    let (country, any) = match country.map(str::trim) {
        Some("all") => (None, true),
        Some(code) if !code.is_empty() => {
            (Some(Country::parse(code).ok_or("error.bad_country")?), false)
        }
        _ => (chosen, false),
    };
    let city = match (country, non_empty(city)) {
        (Some(c), Some(name)) if c.cities().contains(&name) => Some(name.to_owned()),
        (_, Some(name)) if name.chars().count() > 60 => return Err("error.bad_city"),
        // a free "other" city name is allowed when a country is chosen
        (Some(_), Some(name)) => Some(name.to_owned()),
        _ => None,
    };
    Ok((country, city, any))
}

fn parse_price(raw: Option<&str>) -> Result<Option<i64>, &'static str> {
    let Some(raw) = non_empty(raw) else { return Ok(None) };
    let cleaned: String = raw.chars().filter(|c| !c.is_whitespace() && *c != '\u{2009}').collect();
    match cleaned.parse::<i64>() {
        Ok(v) if (0..=1_000_000_000_000).contains(&v) => Ok(Some(v)),
        _ => Err("error.bad_price"),
    }
}

/// The first page (of the default order) whose link says where it starts (`?after=`) instead
/// of how many rows to skip: an OFFSET walks every row before the page.
pub const KEYSET_FROM_PAGE: i64 = 6;

/// Where a page of the default order (`bumped_at DESC, id DESC`) starts: right after the ad
/// bumped at `bumped_at` with id `id`, the last one of the page before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct After {
    /// The previous page's last ad's bump time.
    pub bumped_at: i64,
    /// The previous page's last ad's id.
    pub id: i64,
}

impl After {
    /// Parses `<bumped_at>.<id>`: a time of 0 or more and an id of 1 or more, digits only.
    pub fn parse(s: &str) -> Option<After> {
        let (b, i) = s.trim().split_once('.')?;
        let digits =
            |t: &str| !t.is_empty() && t.len() <= 18 && t.bytes().all(|c| c.is_ascii_digit());
        if !digits(b) || !digits(i) {
            return None;
        }
        let (bumped_at, id) = (b.parse().ok()?, i.parse().ok()?);
        (id >= 1).then_some(After { bumped_at, id })
    }

    /// The query value.
    pub fn code(self) -> String {
        format!("{}.{}", self.bumped_at, self.id)
    }
}

/// How a listing is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// By bump time, newest first.
    #[default]
    Fresh,
    /// Cheapest first (ads with a price).
    PriceAsc,
    /// Dearest first (ads with a price).
    PriceDesc,
    /// Most viewed first.
    Views,
}

impl Sort {
    /// Parses the `sort` query value.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "fresh" | "new" => Some(Self::Fresh),
            "price_asc" => Some(Self::PriceAsc),
            "price_desc" => Some(Self::PriceDesc),
            "views" => Some(Self::Views),
            _ => None,
        }
    }

    /// The `sort` query value.
    pub fn code(self) -> &'static str {
        match self {
            Self::Fresh => "fresh",
            Self::PriceAsc => "price_asc",
            Self::PriceDesc => "price_desc",
            Self::Views => "views",
        }
    }
    /// Cheapest or dearest first.
    pub fn by_price(self) -> bool {
        matches!(self, Self::PriceAsc | Self::PriceDesc)
    }
}

/// A parsed listing request.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Which listing (None: any, used by seller pages).
    pub section: Option<Section>,
    /// One kind within the section.
    pub kind: Option<Kind>,
    /// Country.
    pub country: Option<Country>,
    /// City (only with a country).
    pub city: Option<String>,
    /// Exact equipment type.
    pub equipment_type: Option<String>,
    /// Brand, case-insensitive.
    pub brand: Option<String>,
    /// The query asked for every country, over the visitor's chosen one.
    pub any_country: bool,
    /// The currency the price range was given in.
    pub currency: Option<Currency>,
    /// Lowest price, in whole units of `currency`, as given.
    pub price_from: Option<i64>,
    /// Highest price, in whole units of `currency`, as given.
    pub price_to: Option<i64>,
    /// Lowest price, US cents.
    pub price_from_usd_cents: Option<i64>,
    /// Highest price, US cents.
    pub price_to_usd_cents: Option<i64>,
    /// Full-text search: words of 3+ characters as substrings, shorter ones as word prefixes.
    pub text: Option<String>,
    /// Only this owner's ads.
    pub owner_id: Option<UserId>,
    /// Sort order.
    pub sort: Sort,
    /// The page.
    pub page: PageNo,
    /// Where the page starts, for deep pages of the default order (`page` is then the number
    /// shown).
    pub after: Option<After>,
}

impl Filter {
    /// Whether a price range is asked (either end).
    pub fn has_price_range(&self) -> bool {
        self.price_from_usd_cents.is_some() || self.price_to_usd_cents.is_some()
    }

    /// Whether a city is asked: only within a country does it filter.
    pub fn has_city(&self) -> bool {
        self.country.is_some() && self.city.is_some()
    }

    /// Parses a listing query of `section`; `chosen` is the visitor's country, `rates` convert
    /// the price range to US cents. An error is the message key of what is wrong.
    pub fn parse(
        section: Section,
        p: &ListParams,
        chosen: Option<Country>,
        rates: &Rates,
    ) -> Result<Filter, &'static str> {
        let kind = match non_empty(p.kind.as_deref()) {
            None | Some("all") => None,
            Some(k) => Some(
                Kind::parse(k).filter(|k| section.kinds().contains(k)).ok_or("error.bad_kind")?,
            ),
        };
        let (country, city, any_country) =
            parse_place(chosen, p.country.as_deref(), p.city.as_deref())?;
        let equipment_type = match non_empty(p.equipment_type.as_deref()) {
            None => None,
            Some(t) => {
                let t = t.to_lowercase();
                Some(EQUIPMENT_TYPES.iter().find(|e| **e == t).ok_or("error.bad_type")?.to_string())
            }
        };
        let brand = match non_empty(p.brand.as_deref()) {
            Some(b) if b.chars().count() > 60 => return Err("error.bad_brand"),
            b => b.map(str::to_owned),
        };
        let currency = match non_empty(p.currency.as_deref()) {
            None => None,
            Some(c) => Some(Currency::parse(&c.to_uppercase()).ok_or("error.bad_currency")?),
        };
        let price_currency = currency.unwrap_or_else(|| price_currency(country));
        let to_usd = |v: i64| price_currency.to_usd_cents(v.saturating_mul(100), rates);
        let price_from = parse_price(p.price_from.as_deref())?;
        let price_to = parse_price(p.price_to.as_deref())?;
        if let (Some(a), Some(b)) = (price_from, price_to)
            && a > b
        {
            return Err("error.price_range");
        }
        let text = match non_empty(p.q.as_deref()) {
            Some(t) if t.chars().count() > MAX_SEARCH_CHARS => return Err("error.search_too_long"),
            t => t.map(str::to_owned),
        };
        let sort = match non_empty(p.sort.as_deref()) {
            None => Sort::Fresh,
            Some(s) => Sort::parse(s).ok_or("error.bad_sort")?,
        };
        let page = page_of(p.page.as_deref())?;
        let after = match non_empty(p.after.as_deref()) {
            None => None,
            // only the default order has a cursor
            Some(_) if sort != Sort::Fresh => return Err("error.bad_after"),
            Some(a) => Some(After::parse(a).ok_or("error.bad_after")?),
        };
        Ok(Filter {
            section: Some(section),
            kind,
            country,
            city,
            any_country,
            currency,
            price_from,
            price_to,
            equipment_type,
            brand,
            price_from_usd_cents: price_from.map(to_usd),
            price_to_usd_cents: price_to.map(to_usd),
            text,
            owner_id: None,
            sort,
            page,
            after,
        })
    }

    /// The currency the price range is read in: as given, else the country's, else USD.
    pub fn price_currency(&self) -> Currency {
        self.currency.unwrap_or_else(|| price_currency(self.country))
    }

    /// The query string of page `page` starting after `after` (a deep page of the default
    /// order): the filter's query with `after=`.
    pub fn to_query_after(&self, page: i64, after: After) -> String {
        let q = self.to_query(page);
        let a = format!("after={}", after.code());
        if q.is_empty() { a } else { format!("{q}&{a}") }
    }

    /// The query string (without `?`) that asks for this filter's page `page`.
    pub fn to_query(&self, page: i64) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(k) = self.kind {
            pairs.push(("kind", k.code().to_owned()));
        }
        match self.country {
            Some(c) => pairs.push(("country", c.code().to_owned())),
            None if self.any_country => pairs.push(("country", "all".to_owned())),
            None => {}
        }
        let text = [("city", &self.city), ("type", &self.equipment_type), ("brand", &self.brand)];
        pairs.extend(text.into_iter().filter_map(|(k, v)| Some((k, v.clone()?))));
        if let Some(p) = self.price_from {
            pairs.push(("price_from", p.to_string()));
        }
        if let Some(p) = self.price_to {
            pairs.push(("price_to", p.to_string()));
        }
        if let Some(c) = self.currency {
            pairs.push(("currency", c.code().to_owned()));
        }
        if let Some(q) = &self.text {
            pairs.push(("q", q.clone()));
        }
        if self.sort != Sort::Fresh {
            pairs.push(("sort", self.sort.code().to_owned()));
        }
        if page > 1 {
            pairs.push(("page", page.to_string()));
        }
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    }
}

fn price_currency(country: Option<Country>) -> Currency {
    country.map(Country::currency).unwrap_or(Currency::Usd)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> ListParams {
        serde_urlencoded::from_str(&serde_urlencoded::to_string(pairs).expect("encode"))
            .expect("decode")
    }

    #[test]
    fn a_filter_writes_back_the_query_it_came_from() {
        let rates = Rates::default();
        let p = params(&[
            ("kind", "rent"),
            ("country", "kz"),
            ("city", "Алматы"),
            ("type", "экскаватор"),
            ("brand", "JCB"),
            ("price_from", "150 000"),
            ("price_to", "900000"),
            ("currency", "kzt"),
            ("q", "ковш 3 м³"),
            ("sort", "price_asc"),
            ("page", "3"),
        ]);
        let f = Filter::parse(Section::Catalog, &p, None, &rates).expect("valid");
        assert_eq!(f.price_from, Some(150_000));
        assert_eq!(f.price_currency(), Currency::Kzt);
        let again = Filter::parse(Section::Catalog, &params_of(&f.to_query(3)), None, &rates)
            .expect("its own query parses");
        assert_eq!(format!("{again:?}"), format!("{f:?}"));
        assert!(f.to_query(1).ends_with("sort=price_asc"), "page 1 has no page number");
    }

    fn params_of(query: &str) -> ListParams {
        serde_urlencoded::from_str(query).expect("decode")
    }

    #[test]
    fn every_country_overrides_the_chosen_one_on_every_page() {
        let rates = Rates::default();
        let f = Filter::parse(
            Section::Catalog,
            &params(&[("country", "all")]),
            Some(Country::Uz),
            &rates,
        )
        .expect("valid");
        assert_eq!(f.country, None);
        assert_eq!(f.to_query(2), "country=all&page=2");
        let chosen =
            Filter::parse(Section::Catalog, &ListParams::default(), Some(Country::Uz), &rates)
                .expect("valid");
        assert_eq!(chosen.to_query(2), "country=uz&page=2");
    }

    #[test]
    fn bad_fields_name_their_message() {
        let rates = Rates::default();
        let bad = |pairs: &[(&str, &str)]| {
            Filter::parse(Section::Parts, &params(pairs), None, &rates).err()
        };
        assert_eq!(bad(&[("kind", "rent")]), Some("error.bad_kind"));
        assert_eq!(bad(&[("country", "fr")]), Some("error.bad_country"));
        assert_eq!(bad(&[("price_from", "-5")]), Some("error.bad_price"));
        assert_eq!(bad(&[("price_from", "9"), ("price_to", "3")]), Some("error.price_range"));
        assert_eq!(bad(&[("page", "0")]), Some("error.bad_page"));
        assert_eq!(bad(&[("sort", "x")]), Some("error.bad_sort"));
        assert_eq!(bad(&[("currency", "eur")]), Some("error.bad_currency"));
        for after in
            ["x", "1", "1.", ".2", "1.0", "-1.2", "1.2.3", "1.2x", "99999999999999999999.1"]
        {
            assert_eq!(bad(&[("after", after)]), Some("error.bad_after"), "{after}");
        }
        assert_eq!(bad(&[("after", "5.7"), ("sort", "views")]), Some("error.bad_after"));
    }

    #[test]
    fn a_cursor_reads_back_what_it_wrote() {
        let rates = Rates::default();
        let p = params(&[("page", "7"), ("after", "1764300000.42"), ("country", "kz")]);
        let f = Filter::parse(Section::Catalog, &p, None, &rates).expect("valid");
        assert_eq!(f.after, Some(After { bumped_at: 1_764_300_000, id: 42 }));
        assert_eq!(f.page.get(), 7);
        let q = f.to_query_after(8, After { bumped_at: 1_764_299_000, id: 41 });
        assert_eq!(q, "country=kz&page=8&after=1764299000.41");
        let next = Filter::parse(Section::Catalog, &params_of(&q), None, &rates).expect("valid");
        assert_eq!(next.after, Some(After { bumped_at: 1_764_299_000, id: 41 }));
        assert_eq!(f.to_query(2), "country=kz&page=2", "page links carry no cursor");
    }
}
