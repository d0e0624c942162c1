//! The post/edit form of an ad: every field of its kind checked, into a valid [`NewAd`] or
//! per-field errors.

use std::collections::HashMap;

use super::Kind;
use crate::domain::accounts::{FieldErrors, parse_phone};
use crate::domain::geo::{Country, Currency, EQUIPMENT_TYPES};
use crate::domain::rates::Rates;

/// An ad ready to be stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAd {
    /// Kind.
    pub kind: Kind,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Country.
    pub country: Country,
    /// City (from the list, or a free name).
    pub city: String,
    /// Contact phone.
    pub phone: String,
    /// Price in minor units; None = negotiable.
    pub price_minor: Option<i64>,
    /// Currency.
    pub currency: Currency,
    /// Approximate US cents.
    pub price_usd_cents: Option<i64>,
    /// Rent: per hour/day/month.
    pub price_unit: Option<&'static str>,
    /// Equipment type.
    pub equipment_type: Option<String>,
    /// Brand.
    pub brand: Option<String>,
    /// Model.
    pub model: Option<String>,
    /// Year.
    pub year: Option<i64>,
    /// Rent with operator.
    pub with_operator: Option<bool>,
    /// Rent minimum order.
    pub min_order: Option<String>,
    /// Power, hp.
    pub power_hp: Option<i64>,
    /// Weight, t.
    pub weight_t: Option<f64>,
    /// new / used / refurbished.
    pub condition: Option<&'static str>,
    /// Engine hours.
    pub engine_hours: Option<i64>,
    /// Service name.
    pub service_name: Option<String>,
    /// Part name.
    pub part_name: Option<String>,
}

/// The year after this one: the newest model year accepted.
pub fn max_year() -> i64 {
    let secs = crate::db::now();
    time::OffsetDateTime::from_unix_timestamp(secs).map(|d| i64::from(d.year()) + 1).unwrap_or(2100)
}

struct Fields<'a> {
    form: &'a HashMap<String, String>,
    errors: FieldErrors,
}

impl Fields<'_> {
    fn raw(&self, key: &str) -> &str {
        self.form.get(key).map(|s| s.trim()).unwrap_or("")
    }

    fn text(
        &mut self,
        key: &'static str,
        required: bool,
        min: usize,
        max: usize,
    ) -> Option<String> {
        let v = self.raw(key).to_owned();
        let n = v.chars().count();
        if v.is_empty() {
            if required {
                self.errors.add(key, "form.required");
            }
            return None;
        }
        if n < min {
            self.errors.add(key, "form.too_short");
        } else if n > max {
            self.errors.add(key, "form.too_long");
        }
        Some(v)
    }

    fn int(
        &mut self,
        key: &'static str,
        range: std::ops::RangeInclusive<i64>,
        err: &'static str,
    ) -> Option<i64> {
        let raw: String = self.raw(key).chars().filter(|c| !c.is_whitespace()).collect();
        if raw.is_empty() {
            return None;
        }
        match raw.parse::<i64>() {
            Ok(v) if range.contains(&v) => Some(v),
            _ => {
                self.errors.add(key, err);
                None
            }
        }
    }

    fn choice(
        &mut self,
        key: &'static str,
        options: &[&'static str],
        required: bool,
    ) -> Option<&'static str> {
        let raw = self.raw(key).to_owned();
        if raw.is_empty() {
            if required {
                self.errors.add(key, "form.required");
            }
            return None;
        }
        let found = options.iter().find(|o| **o == raw).copied();
        if found.is_none() {
            self.errors.add(key, "form.bad_choice");
        }
        found
    }
}

/// Parses the form of an ad of `kind`.
pub fn parse(
    kind: Kind,
    form: &HashMap<String, String>,
    rates: &Rates,
) -> Result<NewAd, FieldErrors> {
    let mut f = Fields { form, errors: FieldErrors::default() };
    let title = f.text("title", true, 5, 120);
    let description = f.text("description", false, 0, 5000).unwrap_or_default();
    let country = match f.raw("country") {
        "" => {
            f.errors.add("country", "form.required");
            None
        }
        c => Country::parse(c).or_else(|| {
            f.errors.add("country", "form.bad_country");
            None
        }),
    };
    let city = match (country, f.raw("city").to_owned()) {
        (_, c) if c.is_empty() => {
            f.errors.add("city", "form.required");
            None
        }
        (_, c) if c == "other" => f.text("city_other", true, 2, 60).or_else(|| {
            f.errors.add("city", "form.city_other_needed");
            None
        }),
        (Some(country), c) if country.cities().contains(&c.as_str()) => Some(c),
        (Some(_), _) => {
            f.errors.add("city", "form.bad_city");
            None
        }
        (None, _) => None,
    };
    let phone = match f.raw("phone") {
        "" => {
            f.errors.add("phone", "form.required");
            None
        }
        p => parse_phone(p).or_else(|| {
            f.errors.add("phone", "form.bad_phone");
            None
        }),
    };
    let price = f.int("price", 0..=10_000_000_000_000, "form.bad_price");
    let currency = match f.raw("currency") {
        "" => country.map(Country::currency).unwrap_or(Currency::Usd),
        c => Currency::parse(c).unwrap_or_else(|| {
            f.errors.add("currency", "form.bad_choice");
            Currency::Usd
        }),
    };
    let price_unit = if kind == Kind::Rent {
        f.choice("price_unit", &["hour", "day", "month"], price.is_some())
    } else {
        None
    };
    let machinery = matches!(kind, Kind::Rent | Kind::Sale);
    let equipment_type = match f.raw("equipment_type").to_lowercase() {
        t if t.is_empty() => {
            if machinery {
                f.errors.add("equipment_type", "form.required");
            }
            None
        }
        t => EQUIPMENT_TYPES.iter().find(|e| **e == t).map(|e| e.to_string()).or_else(|| {
            f.errors.add("equipment_type", "form.bad_choice");
            None
        }),
    };
    let brand = f.text("brand", machinery, 1, 60);
    let model = f.text("model", false, 1, 60);
    let year = if kind == Kind::Service {
        None
    } else {
        f.int("year", 1950..=max_year(), "form.bad_year")
    };
    let power_hp = f.int("power_hp", 1..=5_000, "form.bad_power");
    let engine_hours = f.int("engine_hours", 0..=1_000_000, "form.bad_hours");
    let weight_t = match f.raw("weight_t").replace(',', ".") {
        w if w.is_empty() => None,
        w => match w.parse::<f64>() {
            Ok(v) if (0.01..=1000.0).contains(&v) => Some((v * 100.0).round() / 100.0),
            _ => {
                f.errors.add("weight_t", "form.bad_weight");
                None
            }
        },
    };
    let condition = match kind {
        Kind::Service => None,
        _ => f.choice(
            "condition",
            &["new", "used", "refurbished"],
            matches!(kind, Kind::Sale | Kind::Parts),
        ),
    };
    let (with_operator, min_order) = if kind == Kind::Rent {
        (Some(f.raw("with_operator") == "1"), f.text("min_order", false, 1, 60))
    } else {
        (None, None)
    };
    let service_name =
        if kind == Kind::Service { f.text("service_name", true, 3, 120) } else { None };
    let part_name = if kind == Kind::Parts { f.text("part_name", true, 2, 120) } else { None };

    match (title, country, city, phone) {
        (Some(title), Some(country), Some(city), Some(phone)) if f.errors.is_empty() => {
            let price_minor = price.map(|p| p * 100);
            Ok(NewAd {
                kind,
                title,
                description,
                country,
                city,
                phone,
                price_minor,
                currency,
                price_usd_cents: price_minor.map(|m| currency.to_usd_cents(m, rates)),
                price_unit,
                equipment_type,
                brand,
                model,
                year,
                with_operator,
                min_order,
                power_hp,
                weight_t,
                condition,
                engine_hours,
                service_name,
                part_name,
            })
        }
        _ => Err(f.errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn rent() -> Vec<(&'static str, &'static str)> {
        vec![
            ("title", "Аренда экскаватора JCB 3CX"),
            ("country", "kz"),
            ("city", "Алматы"),
            ("phone", "+7 701 123 45 67"),
            ("price", "15 000"),
            ("price_unit", "hour"),
            ("equipment_type", "экскаватор-погрузчик"),
            ("brand", "JCB"),
            ("year", "2019"),
            ("with_operator", "1"),
            ("weight_t", "8,5"),
        ]
    }

    #[test]
    fn a_valid_rent_ad() {
        let ad = parse(Kind::Rent, &form(&rent()), &Rates::default()).expect("valid");
        assert_eq!(ad.price_minor, Some(1_500_000));
        assert_eq!(ad.currency, Currency::Kzt);
        assert_eq!(ad.price_usd_cents, Some(3000));
        assert_eq!(ad.weight_t, Some(8.5));
        assert_eq!(ad.with_operator, Some(true));
    }

    #[test]
    fn every_rule_reports_its_field() {
        let cases: &[(&str, &str, &str)] = &[
            ("title", "Кран", "form.too_short"),
            ("country", "us", "form.bad_country"),
            ("city", "Ташкент", "form.bad_city"),
            ("phone", "abc", "form.bad_phone"),
            ("price", "-5", "form.bad_price"),
            ("price", "дорого", "form.bad_price"),
            ("price_unit", "week", "form.bad_choice"),
            ("equipment_type", "звездолёт", "form.bad_choice"),
            ("year", "1949", "form.bad_year"),
            ("year", "3000", "form.bad_year"),
            ("power_hp", "0", "form.bad_power"),
            ("weight_t", "ten", "form.bad_weight"),
            ("engine_hours", "-1", "form.bad_hours"),
            ("condition", "broken", "form.bad_choice"),
            ("currency", "EUR", "form.bad_choice"),
        ];
        for (field, value, key) in cases {
            let mut pairs = rent();
            pairs.retain(|(k, _)| k != field);
            pairs.push((field, value));
            let errors = parse(Kind::Rent, &form(&pairs), &Rates::default()).expect_err(field);
            assert_eq!(errors.get(field), Some(*key), "{field}={value}");
        }
        let mut other = rent();
        other.retain(|(k, _)| *k != "city");
        other.push(("city", "other"));
        other.push(("city_other", "Каскелен"));
        assert_eq!(
            parse(Kind::Rent, &form(&other), &Rates::default()).expect("other city").city,
            "Каскелен"
        );
    }

    #[test]
    fn kinds_require_their_own_fields() {
        let base = [
            ("title", "Ремонт гидравлики"),
            ("country", "uz"),
            ("city", "Ташкент"),
            ("phone", "+998 90 123 45 67"),
        ];
        let e = parse(Kind::Service, &form(&base), &Rates::default()).expect_err("service name");
        assert_eq!(e.get("service_name"), Some("form.required"));
        let e = parse(Kind::Parts, &form(&base), &Rates::default()).expect_err("part");
        assert_eq!(e.get("part_name"), Some("form.required"));
        assert_eq!(e.get("condition"), Some("form.required"));
        let e = parse(Kind::Sale, &form(&base), &Rates::default()).expect_err("sale");
        assert_eq!(e.get("equipment_type"), Some("form.required"));
        let mut ok = base.to_vec();
        ok.push(("service_name", "Ремонт гидравлики"));
        let ad = parse(Kind::Service, &form(&ok), &Rates::default()).expect("negotiable service");
        assert_eq!(ad.price_minor, None, "an empty price is negotiable");
    }
}
