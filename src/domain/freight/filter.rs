//! The freight listing's filter: parsed from the query's text fields (or the message key of
//! what is wrong), and written back as a query for pagination links.

use serde::Deserialize;

use super::{FreightKind, parse_date};
use crate::domain::geo::Country;
use crate::domain::ids::{PageNo, page_of};

/// The listing's query as it arrives: every field text.
#[derive(Debug, Deserialize, Default, Clone)]
pub struct FreightParams {
    /// cargo / truck.
    pub kind: Option<String>,
    /// From country.
    pub from_country: Option<String>,
    /// From city.
    pub from_city: Option<String>,
    /// To country.
    pub to_country: Option<String>,
    /// To city.
    pub to_city: Option<String>,
    /// Earliest date.
    pub date_from: Option<String>,
    /// Latest date.
    pub date_to: Option<String>,
    /// Page.
    pub page: Option<String>,
}

/// Listing filters.
#[derive(Debug, Clone, Default)]
pub struct FreightFilter {
    /// Cargo or truck.
    pub kind: Option<FreightKind>,
    /// From country.
    pub from_country: Option<Country>,
    /// From city (exact, case-insensitive).
    pub from_city: Option<String>,
    /// To country.
    pub to_country: Option<Country>,
    /// To city.
    pub to_city: Option<String>,
    /// Earliest date.
    pub date_from: Option<String>,
    /// Latest date.
    pub date_to: Option<String>,
    /// The page.
    pub page: PageNo,
}

fn some(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty() && *s != "all")
}

impl FreightFilter {
    /// Parses the listing's query; an error is the message key of what is wrong.
    pub fn parse(q: &FreightParams) -> Result<FreightFilter, &'static str> {
        let country = |v: &Option<String>| -> Result<Option<Country>, &'static str> {
            some(v).map(|c| Country::parse(c).ok_or("error.bad_country")).transpose()
        };
        let city = |v: &Option<String>| -> Result<Option<String>, &'static str> {
            match some(v) {
                Some(c) if c.chars().count() > 60 => Err("error.bad_city"),
                c => Ok(c.map(str::to_owned)),
            }
        };
        let date = |v: &Option<String>| -> Result<Option<String>, &'static str> {
            some(v).map(|d| parse_date(d).ok_or("error.bad_date")).transpose()
        };
        Ok(FreightFilter {
            kind: some(&q.kind)
                .map(|k| FreightKind::parse(k).ok_or("error.bad_kind"))
                .transpose()?,
            from_country: country(&q.from_country)?,
            from_city: city(&q.from_city)?,
            to_country: country(&q.to_country)?,
            to_city: city(&q.to_city)?,
            date_from: date(&q.date_from)?,
            date_to: date(&q.date_to)?,
            page: page_of(q.page.as_deref())?,
        })
    }

    /// The query string (without `?`) that asks for this filter's page `page`.
    pub fn to_query(&self, page: i64) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(k) = self.kind {
            pairs.push(("kind", k.code().to_owned()));
        }
        if let Some(c) = self.from_country {
            pairs.push(("from_country", c.code().to_owned()));
        }
        if let Some(c) = &self.from_city {
            pairs.push(("from_city", c.clone()));
        }
        if let Some(c) = self.to_country {
            pairs.push(("to_country", c.code().to_owned()));
        }
        let rest = [
            ("to_city", &self.to_city),
            ("date_from", &self.date_from),
            ("date_to", &self.date_to),
        ];
        pairs.extend(rest.into_iter().filter_map(|(k, v)| Some((k, v.clone()?))));
        if page > 1 {
            pairs.push(("page", page.to_string()));
        }
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filter_writes_back_the_query_it_came_from() {
        let q = "kind=truck&from_country=kz&from_city=%D0%90%D0%BB%D0%BC%D0%B0%D1%82%D1%8B&to_country=uz&date_from=2026-12-01&page=4";
        let p: FreightParams = serde_urlencoded::from_str(q).expect("decode");
        let f = FreightFilter::parse(&p).expect("valid");
        assert_eq!(f.to_query(4), q);
        assert_eq!(
            FreightFilter::parse(&FreightParams { page: Some("0".into()), ..p }).err(),
            Some("error.bad_page")
        );
    }
}
