//! The message catalog: every UI string by language. Russian is complete; Uzbek and English
//! fall back to Russian key by key. Also number, price and date formatting.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::domain::ads::Price;

/// A UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Русский (default).
    #[default]
    Ru,
    /// O'zbekcha.
    Uz,
    /// English.
    En,
}

impl Lang {
    /// The language of text written while its reader is away (system messages in chats,
    /// mail): users keep no language of their own, so it is the site's default.
    pub const STORED: Lang = Lang::Ru;

    /// Every language, in menu order.
    pub const ALL: [Lang; 3] = [Lang::Ru, Lang::Uz, Lang::En];

    /// Parses a code (`ru`, `uz`, `en`, also `en-US` and the like).
    pub fn parse(code: &str) -> Option<Self> {
        let primary = code.split(['-', '_']).next().unwrap_or("").trim().to_ascii_lowercase();
        match primary.as_str() {
            "ru" => Some(Self::Ru),
            "uz" => Some(Self::Uz),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    /// The first supported language of an `Accept-Language` header, by preference order.
    pub fn from_accept_language(header: &str) -> Option<Self> {
        let mut langs: Vec<(f32, Lang)> = header
            .split(',')
            .filter_map(|part| {
                let mut it = part.split(';');
                let lang = Lang::parse(it.next()?)?;
                let q = it
                    .find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse().ok()))
                    .unwrap_or(1.0);
                Some((q, lang))
            })
            .collect();
        langs.sort_by(|a, b| b.0.total_cmp(&a.0));
        langs.first().map(|(_, l)| *l)
    }

    /// The code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Ru => "ru",
            Self::Uz => "uz",
            Self::En => "en",
        }
    }

    /// The language's own name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Ru => "Русский",
            Self::Uz => "O‘zbekcha",
            Self::En => "English",
        }
    }

    /// The message for `key`, falling back to Russian, then to the key itself.
    pub fn t(self, key: &'static str) -> &'static str {
        let cats = catalogs();
        cats[self as usize]
            .get(key)
            .or_else(|| cats[Lang::Ru as usize].get(key))
            .map(String::as_str)
            .unwrap_or(key)
    }

    /// The message for a key known only at run time (e.g. from a cookie), if the catalog has it.
    pub fn lookup(self, key: &str) -> Option<&'static str> {
        let cats = catalogs();
        cats[self as usize]
            .get(key)
            .or_else(|| cats[Lang::Ru as usize].get(key))
            .map(String::as_str)
    }

    /// The message for `key` with `{name}` placeholders filled.
    pub fn tf(self, key: &'static str, args: &[(&str, &str)]) -> String {
        let mut s = self.t(key).to_owned();
        for (name, value) in args {
            s = s.replace(&format!("{{{name}}}"), value);
        }
        s
    }

    /// A count with the plural form of `key` (`key.one`, `key.few`, `key.many`).
    pub fn plural(self, key: &'static str, n: i64) -> String {
        let form = match self {
            Lang::Ru => {
                let (m10, m100) = (n % 10, n % 100);
                if m10 == 1 && m100 != 11 {
                    "one"
                } else if (2..=4).contains(&m10) && !(12..=14).contains(&m100) {
                    "few"
                } else {
                    "many"
                }
            }
            _ if n == 1 => "one",
            _ => "many",
        };
        let full = format!("{key}.{form}");
        let cats = catalogs();
        let text = cats[self as usize]
            .get(full.as_str())
            .or_else(|| cats[Lang::Ru as usize].get(full.as_str()))
            .map(String::as_str)
            .unwrap_or(key);
        format!("{} {text}", group_thousands(n))
    }
}

// foldhash: a page looks up a hundred fixed keys, and SipHash's flood resistance buys nothing here
type Catalog = HashMap<&'static str, String, foldhash::fast::RandomState>;

fn parse_catalog(text: &'static str) -> Catalog {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once(" = "))
        .map(|(k, v)| (k.trim(), v.trim().replace("\\n", "\n")))
        .collect()
}

fn catalogs() -> &'static [Catalog; 3] {
    static CATALOGS: OnceLock<[Catalog; 3]> = OnceLock::new();
    CATALOGS.get_or_init(|| {
        [
            parse_catalog(include_str!("ru.txt")),
            parse_catalog(include_str!("uz.txt")),
            parse_catalog(include_str!("en.txt")),
        ]
    })
}

/// `1250000` → `1 250 000` (thin spaces, as DESIGN §6 asks).
pub fn group_thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{2009}');
        }
        out.push(ch);
    }
    if n < 0 { format!("-{out}") } else { out }
}

impl Lang {
    /// "1 250 000 сум/час", or "Договорная" for no price.
    pub fn price(self, p: &Price) -> String {
        let Some(minor) = p.minor else { return self.t("price.negotiable").to_owned() };
        let whole = minor / 100;
        let mut s = format!("{} {}", group_thousands(whole), p.currency.symbol());
        if let Some(unit) = p.unit {
            s.push_str(match unit {
                "hour" => self.t("price.per_hour"),
                "day" => self.t("price.per_day"),
                _ => self.t("price.per_month"),
            });
        }
        s
    }

    /// "≈ $1 200", when the price is not already in dollars.
    pub fn price_usd(self, p: &Price) -> Option<String> {
        if p.currency == crate::domain::geo::Currency::Usd {
            return None;
        }
        let cents = p.usd_cents?;
        Some(format!("≈ ${}", group_thousands((cents + 50) / 100)))
    }

    /// "12 марта 2024".
    pub fn date(self, unix: i64) -> String {
        let Ok(dt) = time::OffsetDateTime::from_unix_timestamp(unix) else { return String::new() };
        let month = self.t(MONTHS[usize::from(u8::from(dt.month())) - 1]);
        format!("{} {} {}", dt.day(), month, dt.year())
    }

    /// "марта 2024": the month as it reads after "с" ("на Uzmat с марта 2024").
    pub fn month_year_since(self, unix: i64) -> String {
        let Ok(dt) = time::OffsetDateTime::from_unix_timestamp(unix) else { return String::new() };
        let month = self.t(MONTHS[usize::from(u8::from(dt.month())) - 1]);
        format!("{month} {}", dt.year())
    }

    /// "5 минут назад", "вчера", or a date for older times.
    pub fn ago(self, unix: i64, now: i64) -> String {
        let d = (now - unix).max(0);
        match d {
            0..60 => self.t("time.just_now").to_owned(),
            60..3600 => self.tf("time.minutes_ago", &[("n", &(d / 60).to_string())]),
            3600..86400 => self.tf("time.hours_ago", &[("n", &(d / 3600).to_string())]),
            _ => self.date(unix),
        }
    }
}

const MONTHS: [&str; 12] = [
    "month.gen.1",
    "month.gen.2",
    "month.gen.3",
    "month.gen.4",
    "month.gen.5",
    "month.gen.6",
    "month.gen.7",
    "month.gen.8",
    "month.gen.9",
    "month.gen.10",
    "month.gen.11",
    "month.gen.12",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::geo::Currency;

    #[test]
    fn languages_from_headers() {
        assert_eq!(Lang::from_accept_language("de-DE,en;q=0.8,ru;q=0.9"), Some(Lang::Ru));
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("de"), None);
    }

    #[test]
    fn russian_plurals_and_prices() {
        assert_eq!(Lang::Ru.plural("count.ads", 1), "1 объявление");
        assert_eq!(Lang::Ru.plural("count.ads", 3), "3 объявления");
        assert_eq!(Lang::Ru.plural("count.ads", 11), "11 объявлений");
        assert_eq!(Lang::Ru.plural("count.ads", 1250), "1\u{2009}250 объявлений");
        let p = Price {
            minor: Some(125_000_000),
            currency: Currency::Uzs,
            unit: Some("hour"),
            usd_cents: Some(9875),
        };
        assert_eq!(Lang::Ru.price(&p), "1\u{2009}250\u{2009}000 сум/час");
        assert_eq!(Lang::Ru.price_usd(&p).as_deref(), Some("≈ $99"));
        let none = Price { minor: None, ..p };
        assert_eq!(Lang::Ru.price(&none), "Договорная");
    }

    #[test]
    fn every_english_and_uzbek_key_exists_in_russian() {
        let cats = catalogs();
        for lang in [Lang::Uz, Lang::En] {
            for key in cats[lang as usize].keys() {
                assert!(cats[0].contains_key(key), "{key} of {lang:?} is missing in ru.txt");
            }
        }
    }
}
