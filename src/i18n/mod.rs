//! The message catalog: every UI string by language. Russian is the reference; Kazakh, Uzbek and
//! English hold every key of it too (the tests below check), and a key one of them lacked would
//! fall back to Russian. Also number, price and date formatting per language, and where each
//! language's URLs live (`url`). Text written while its reader is away (mail, system messages
//! in chats) is in the reader's stored language (`users.lang`).

pub mod url;

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::domain::ads::Price;
use crate::domain::geo::Currency;

/// A UI language. The discriminant is the index of its catalog in `SOURCES`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Русский (default).
    #[default]
    Ru,
    /// O‘zbekcha (Latin script).
    Uz,
    /// English.
    En,
    /// Қазақша (Cyrillic script).
    Kk,
}

impl Lang {
    /// Every language, in menu order.
    pub const ALL: [Lang; 4] = [Lang::Ru, Lang::Kk, Lang::Uz, Lang::En];

    /// Parses a code (`ru`, `kk`, `uz`, `en`, also `en-US` and the like).
    pub fn parse(code: &str) -> Option<Self> {
        let primary = code.split(['-', '_']).next().unwrap_or("").trim().to_ascii_lowercase();
        match primary.as_str() {
            "ru" => Some(Self::Ru),
            "kk" => Some(Self::Kk),
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
            Self::Kk => "kk",
            Self::Uz => "uz",
            Self::En => "en",
        }
    }

    /// The language's own name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Ru => "Русский",
            Self::Kk => "Қазақша",
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

    /// A count with the plural form of `key`: Russian has three (`key.one`, `key.few`,
    /// `key.many`), English two (`key.one`, `key.many`), and Kazakh and Uzbek put the noun in the
    /// singular after any number, so they have one, kept as `key.many`.
    pub fn plural(self, key: &'static str, n: i64) -> String {
        let form = self.plural_form(n);
        let full = format!("{key}.{form}");
        let cats = catalogs();
        let text = cats[self as usize]
            .get(full.as_str())
            .or_else(|| cats[Lang::Ru as usize].get(full.as_str()))
            .map(String::as_str)
            .unwrap_or(key);
        format!("{} {text}", self.number(n))
    }

    /// The plural form `n` takes: `"one"`, `"few"` or `"many"`.
    fn plural_form(self, n: i64) -> &'static str {
        match self {
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
            Lang::En if n == 1 => "one",
            Lang::En | Lang::Kk | Lang::Uz => "many",
        }
    }

    /// The plural forms the language uses, as its catalog names them.
    pub fn plural_forms(self) -> &'static [&'static str] {
        match self {
            Lang::Ru => &["one", "few", "many"],
            Lang::En => &["one", "many"],
            Lang::Kk | Lang::Uz => &["many"],
        }
    }

    /// A whole number with its thousands grouped: `1 250 000` with thin spaces in Russian,
    /// Kazakh and Uzbek, `1,250,000` in English.
    pub fn number(self, n: i64) -> String {
        match self {
            Lang::En => group_with(n, ','),
            Lang::Ru | Lang::Kk | Lang::Uz => group_thousands(n),
        }
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

/// The catalogs' text, indexed by `Lang as usize`.
const SOURCES: [&str; 4] = [
    include_str!("ru.txt"),
    include_str!("uz.txt"),
    include_str!("en.txt"),
    include_str!("kk.txt"),
];

fn catalogs() -> &'static [Catalog; 4] {
    static CATALOGS: OnceLock<[Catalog; 4]> = OnceLock::new();
    CATALOGS.get_or_init(|| SOURCES.map(parse_catalog))
}

/// `1250000` → `1 250 000` (thin spaces, as DESIGN §6 asks): Russian, Kazakh and Uzbek grouping.
/// [`Lang::number`] groups for a given language.
pub fn group_thousands(n: i64) -> String {
    group_with(n, '\u{2009}')
}

fn group_with(n: i64, separator: char) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
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
        let mut s = format!("{} {}", self.number(whole), self.currency(p.currency));
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
        if p.currency == Currency::Usd {
            return None;
        }
        let cents = p.usd_cents?;
        Some(format!("≈ ${}", self.number((cents + 50) / 100)))
    }

    /// "≈ 1 200 000 сум": the price in `target`, converted from its USD estimate at `rates` and
    /// rounded to three significant digits (two conversions make no more exact); None when
    /// `target` is the price's own currency or the dollar ([`Lang::price_usd`] shows that).
    pub fn price_in(
        self,
        p: &Price,
        target: Currency,
        rates: &crate::domain::rates::Rates,
    ) -> Option<String> {
        if target == p.currency || target == Currency::Usd || p.minor.is_none() {
            return None;
        }
        let (cents, rate) = (p.usd_cents?, rates.of(target));
        let whole = cents as f64 / 100.0 / rate;
        // under one unit (a free item, a price of 0) there is nothing to convert: and the
        // logarithm of 0 would be -inf
        if !(whole.is_finite() && whole >= 1.0) {
            return None;
        }
        let step = 10f64.powi((whole.log10().floor() as i32).saturating_sub(2).max(0));
        let rounded = ((whole / step).round() * step) as i64;
        Some(format!("≈ {} {}", self.number(rounded), self.currency(target)))
    }

    /// A currency as a price shows it: its symbol (`₸`, `₽`, `$`, `BYN`), but the Uzbek sum has
    /// no symbol, so its name in the language ("сум", "so‘m", "UZS").
    pub fn currency(self, c: Currency) -> &'static str {
        match c {
            Currency::Uzs => self.t("currency.uzs"),
            _ => c.symbol(),
        }
    }

    /// "12 марта 2024", "12 March 2024", "12-mart, 2024", "2024 ж. 12 наурыз": `date.format`
    /// with the month of `month.gen.N`, the form a date takes in the language.
    pub fn date(self, unix: i64) -> String {
        let Ok(dt) = time::OffsetDateTime::from_unix_timestamp(unix) else { return String::new() };
        let month = self.t(MONTHS[usize::from(u8::from(dt.month())) - 1]);
        let (day, year) = (dt.day().to_string(), dt.year().to_string());
        self.tf("date.format", &[("day", &day), ("month", month), ("year", &year)])
    }

    /// The time since which, after `seller.since`: "марта 2024" ("На Uzmat с марта 2024"),
    /// "March 2024" ("On Uzmat since March 2024"), "2024-yil martdan beri" ("Uzmatda 2024-yil
    /// martdan beri"), "2024 жылғы наурыз айынан бері" ("Uzmat-та 2024 жылғы наурыз айынан бері").
    pub fn month_year_since(self, unix: i64) -> String {
        let Ok(dt) = time::OffsetDateTime::from_unix_timestamp(unix) else { return String::new() };
        let month = self.t(MONTHS[usize::from(u8::from(dt.month())) - 1]);
        self.tf("date.since", &[("month", month), ("year", &dt.year().to_string())])
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
    use std::collections::BTreeSet;

    use crate::domain::rates::Rates;

    use super::*;

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
        assert_eq!(Lang::Ru.price_in(&none, Currency::Kzt, &Rates::default()), None);
        assert_eq!(Lang::Ru.price(&none), "Договорная");
    }

    /// The catalogs that translate `ru.txt`.
    const TRANSLATIONS: [Lang; 3] = [Lang::Kk, Lang::Uz, Lang::En];

    /// A catalog's entries in file order (text with `\n` unescaped), and its lines that are
    /// neither an entry nor a comment (`parse_catalog` would drop them silently).
    fn entries(lang: Lang) -> (Vec<(&'static str, String)>, Vec<&'static str>) {
        let (mut entries, mut bad) = (Vec::new(), Vec::new());
        for line in SOURCES[lang as usize].lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            match line.split_once(" = ") {
                Some((k, v)) => entries.push((k.trim(), v.trim().replace("\\n", "\n"))),
                None => bad.push(line),
            }
        }
        (entries, bad)
    }

    /// The form of a Russian plural key (`count.ads.few` → `few`): its stem has all three forms.
    fn plural_form_of(key: &str) -> Option<&str> {
        let (stem, form) = key.rsplit_once('.')?;
        let ru = &catalogs()[Lang::Ru as usize];
        let forms = Lang::Ru.plural_forms();
        (forms.contains(&form)
            && forms.iter().all(|f| ru.contains_key(format!("{stem}.{f}").as_str())))
        .then_some(form)
    }

    /// The keys `lang`'s catalog must hold, in the order of `ru.txt`: every Russian key, a plural
    /// one only in the forms the language uses.
    fn expected_keys(lang: Lang) -> Vec<&'static str> {
        entries(Lang::Ru)
            .0
            .into_iter()
            .map(|(k, _)| k)
            .filter(|k| plural_form_of(k).is_none_or(|form| lang.plural_forms().contains(&form)))
            .collect()
    }

    fn placeholders(text: &str) -> BTreeSet<&str> {
        text.split('{').skip(1).filter_map(|s| s.split_once('}')).map(|(name, _)| name).collect()
    }

    #[test]
    fn every_catalog_has_the_russian_keys_and_no_other() {
        let mut offenders = Vec::new();
        for lang in TRANSLATIONS {
            let (file, expected) = (format!("{}.txt", lang.code()), expected_keys(lang));
            let catalog = &catalogs()[lang as usize];
            for key in expected.iter().filter(|k| !catalog.contains_key(*k)) {
                offenders.push(format!("{file}: missing {key}"));
            }
            for key in catalog.keys().filter(|k| !expected.contains(k)) {
                offenders.push(match plural_form_of(key) {
                    Some(form) => format!("{file}: {key}: {lang:?} has no plural form \"{form}\""),
                    None => format!("{file}: {key} is not in ru.txt"),
                });
            }
        }
        offenders.sort();
        assert!(
            offenders.is_empty(),
            "catalogs out of step with ru.txt:\n{}",
            offenders.join("\n")
        );
    }

    #[test]
    fn catalogs_are_well_formed_and_follow_the_russian_order() {
        let mut offenders = Vec::new();
        for lang in Lang::ALL {
            let file = format!("{}.txt", lang.code());
            let (entries, bad) = entries(lang);
            offenders.extend(bad.iter().map(|l| format!("{file}: not `key = text`: {l}")));
            let mut seen = BTreeSet::new();
            for (key, _) in &entries {
                if !seen.insert(*key) {
                    offenders.push(format!("{file}: {key} twice"));
                }
            }
            if lang == Lang::Ru {
                continue;
            }
            let keys: Vec<&str> = entries.iter().map(|(k, _)| *k).collect();
            let order: Vec<&str> =
                expected_keys(lang).into_iter().filter(|k| seen.contains(k)).collect();
            if let Some(i) = (0..keys.len().min(order.len())).find(|&i| keys[i] != order[i]) {
                offenders
                    .push(format!("{file}: {} where ru.txt's order has {}", keys[i], order[i]));
            }
        }
        assert!(offenders.is_empty(), "malformed catalogs:\n{}", offenders.join("\n"));
    }

    #[test]
    fn translations_keep_the_placeholders_paragraphs_and_lines_of_russian() {
        let ru = &catalogs()[Lang::Ru as usize];
        let mut offenders = Vec::new();
        for lang in TRANSLATIONS {
            for (key, text) in entries(lang).0 {
                let Some(original) = ru.get(key) else { continue };
                let file = lang.code();
                if placeholders(&text) != placeholders(original) {
                    offenders.push(format!(
                        "{file}: {key}: placeholders {:?}, ru has {:?}",
                        placeholders(&text),
                        placeholders(original)
                    ));
                }
                let count = |s: &str, pat: &str| s.matches(pat).count();
                if count(&text, " | ") != count(original, " | ") {
                    offenders.push(format!(
                        "{file}: {key}: {} paragraphs, ru has {}",
                        count(&text, " | ") + 1,
                        count(original, " | ") + 1
                    ));
                }
                if count(&text, "\n") != count(original, "\n") {
                    offenders.push(format!("{file}: {key}: line breaks differ from ru"));
                }
            }
        }
        assert!(offenders.is_empty(), "translations out of shape:\n{}", offenders.join("\n"));
    }

    #[test]
    fn no_word_mixes_latin_and_cyrillic_letters() {
        // a Latin "а" or "о" typed inside a Kazakh word reads the same and breaks search
        let cyrillic = |c: char| ('\u{400}'..='\u{4ff}').contains(&c);
        let mut offenders = Vec::new();
        for lang in Lang::ALL {
            for (key, text) in entries(lang).0 {
                for word in text.split(|c: char| !c.is_alphanumeric()) {
                    if word.chars().any(cyrillic) && word.chars().any(|c| c.is_ascii_alphabetic()) {
                        offenders.push(format!("{}: {key}: {word}", lang.code()));
                    }
                }
            }
        }
        assert!(offenders.is_empty(), "words in two scripts:\n{}", offenders.join("\n"));
    }

    #[test]
    fn uzbek_writes_o_and_g_with_the_turned_comma_and_the_glottal_stop_with_the_apostrophe() {
        let mut offenders = Vec::new();
        for (key, text) in entries(Lang::Uz).0 {
            let chars: Vec<char> = text.chars().collect();
            for (i, &c) in chars.iter().enumerate() {
                let after_o_or_g = i > 0 && matches!(chars[i - 1], 'o' | 'O' | 'g' | 'G');
                let wrong = match c {
                    '\'' | '`' | 'ʻ' | 'ʼ' => true,
                    '‘' => !after_o_or_g,
                    '’' => after_o_or_g,
                    _ => false,
                };
                if wrong {
                    offenders.push(format!("{key}: {text}"));
                    break;
                }
            }
        }
        assert!(
            offenders.is_empty(),
            "o‘ g‘ and e’lon, written otherwise:\n{}",
            offenders.join("\n")
        );
    }

    #[test]
    fn every_language_has_a_code_a_name_and_a_catalog() {
        let mut indexes: Vec<usize> = Lang::ALL.iter().map(|l| *l as usize).collect();
        indexes.sort_unstable();
        assert_eq!(indexes, [0, 1, 2, 3], "Lang::ALL names each catalog once");
        for lang in Lang::ALL {
            assert_eq!(Lang::parse(lang.code()), Some(lang));
            assert!(!lang.name().is_empty());
            assert!(catalogs()[lang as usize].len() > 600, "{lang:?} catalog looks cut short");
        }
        assert_eq!(Lang::ALL, [Lang::Ru, Lang::Kk, Lang::Uz, Lang::En]);
        assert_eq!(Lang::parse("kk-KZ"), Some(Lang::Kk));
        assert_eq!(Lang::parse("kz"), None, "kz is a country, not a language");
        assert_eq!(Lang::from_accept_language("kk-KZ,kk;q=0.9,ru;q=0.8"), Some(Lang::Kk));
        assert_eq!(Lang::from_accept_language("uz-Latn-UZ,ru;q=0.5"), Some(Lang::Uz));
        assert_eq!(Lang::Kk.name(), "Қазақша");
    }

    fn sum_per_hour() -> Price {
        Price {
            minor: Some(125_000_000),
            currency: Currency::Uzs,
            unit: Some("hour"),
            usd_cents: Some(9875),
        }
    }

    #[test]
    fn a_price_in_another_currency_comes_from_its_dollar_estimate() {
        // a tenge ad worth $12 400, seen by a visitor filtering in sum at 12 650 sum a dollar
        let rates = Rates { uzs_usd: 1.0 / 12_650.0, ..Rates::default() };
        let tenge = Price {
            minor: Some(595_200_000),
            currency: Currency::Kzt,
            unit: None,
            usd_cents: Some(1_240_000),
        };
        // 156 860 000 sum, to three digits
        assert_eq!(
            Lang::Ru.price_in(&tenge, Currency::Uzs, &rates).as_deref(),
            Some("≈ 157\u{2009}000\u{2009}000 сум")
        );
        assert_eq!(
            Lang::En.price_in(&tenge, Currency::Uzs, &rates).as_deref(),
            Some("≈ 157,000,000 UZS")
        );
        // $12 400 at 0.011 dollars a rouble: 1 127 272 → 1 130 000
        assert_eq!(
            Lang::Ru.price_in(&tenge, Currency::Rub, &rates).as_deref(),
            Some("≈ 1\u{2009}130\u{2009}000 ₽")
        );
        // small amounts keep their units: $3 is 9 BYN at 0.31 (9.68 → 10)
        let cheap = Price { usd_cents: Some(300), ..tenge };
        assert_eq!(Lang::Ru.price_in(&cheap, Currency::Byn, &rates).as_deref(), Some("≈ 10 BYN"));
        // its own currency and the dollar are shown already
        assert_eq!(Lang::Ru.price_in(&tenge, Currency::Kzt, &rates), None);
        // a price of 0 (the form allows it): nothing to convert, and no overflow on the way
        let free = Price { minor: Some(0), usd_cents: Some(0), ..tenge };
        assert_eq!(Lang::Ru.price_in(&free, Currency::Uzs, &rates), None);
        assert_eq!(Lang::Ru.price_in(&tenge, Currency::Usd, &rates), None);
    }

    #[test]
    fn english_plurals_numbers_and_prices() {
        assert_eq!(Lang::En.plural("count.ads", 1), "1 ad");
        assert_eq!(Lang::En.plural("count.ads", 0), "0 ads");
        assert_eq!(Lang::En.plural("count.ads", 21), "21 ads");
        assert_eq!(Lang::En.plural("count.ads", 1250), "1,250 ads");
        assert_eq!(Lang::En.plural("count.days", 30), "30 days");
        assert_eq!(Lang::En.plural("count.reports", 1), "1 report");
        assert_eq!(Lang::En.number(999), "999");
        assert_eq!(Lang::En.number(-1_250_000), "-1,250,000");
        let p = sum_per_hour();
        assert_eq!(Lang::En.price(&p), "1,250,000 UZS/hour");
        assert_eq!(Lang::En.price_usd(&p).as_deref(), Some("≈ $99"));
        let tenge = Price {
            minor: Some(150_000_000),
            currency: Currency::Kzt,
            unit: Some("day"),
            usd_cents: Some(30_000_000),
        };
        assert_eq!(Lang::En.price(&tenge), "1,500,000 ₸/day");
        assert_eq!(Lang::En.price_usd(&tenge).as_deref(), Some("≈ $300,000"));
        assert_eq!(Lang::En.price(&Price { minor: None, ..p }), "Negotiable");
    }

    #[test]
    fn kazakh_and_uzbek_keep_the_noun_singular_after_numbers() {
        for n in [1, 3, 5, 11, 21] {
            assert_eq!(Lang::Kk.plural("count.ads", n), format!("{n} хабарландыру"));
            assert_eq!(Lang::Uz.plural("count.ads", n), format!("{n} ta e’lon"));
        }
        assert_eq!(Lang::Kk.plural("count.ads", 1250), "1\u{2009}250 хабарландыру");
        assert_eq!(Lang::Kk.plural("count.days", 30), "30 күн");
        assert_eq!(Lang::Uz.plural("count.days", 180), "180 kun");
        assert_eq!(Lang::Uz.plural("count.reports", 2), "2 ta shikoyat");
        assert_eq!(Lang::Kk.number(1_250_000), group_thousands(1_250_000));
        let p = sum_per_hour();
        assert_eq!(Lang::Kk.price(&p), "1\u{2009}250\u{2009}000 сум/сағ");
        assert_eq!(Lang::Uz.price(&p), "1\u{2009}250\u{2009}000 so‘m/soat");
        assert_eq!(Lang::Uz.price_usd(&p).as_deref(), Some("≈ $99"));
        let rub =
            Price { minor: Some(500_000), currency: Currency::Rub, unit: None, usd_cents: None };
        assert_eq!(Lang::Kk.price(&rub), "5\u{2009}000 ₽");
        assert_eq!(Lang::Kk.price(&Price { minor: None, ..p }), "Келісім бойынша");
        assert_eq!(Lang::Uz.price(&Price { minor: None, ..p }), "Kelishiladi");
    }

    #[test]
    fn dates_per_language() {
        let march_12 = 1_710_235_800; // 2024-03-12 09:30 UTC
        assert_eq!(Lang::Ru.date(march_12), "12 марта 2024");
        assert_eq!(Lang::En.date(march_12), "12 March 2024");
        assert_eq!(Lang::Uz.date(march_12), "12-mart, 2024");
        assert_eq!(Lang::Kk.date(march_12), "2024 ж. 12 наурыз");
        assert_eq!(Lang::Ru.month_year_since(march_12), "марта 2024");
        assert_eq!(Lang::En.month_year_since(march_12), "March 2024");
        assert_eq!(Lang::Uz.month_year_since(march_12), "2024-yil martdan beri");
        assert_eq!(Lang::Kk.month_year_since(march_12), "2024 жылғы наурыз айынан бері");
        let may_1 = 1_714_521_600; // 2024-05-01 00:00 UTC
        assert_eq!(Lang::Uz.date(may_1), "1-may, 2024");
        assert_eq!(Lang::Uz.month_year_since(may_1), "2024-yil maydan beri");
        assert_eq!(Lang::Kk.date(may_1), "2024 ж. 1 мамыр");
        // the sentence the seller page builds: `seller.since` + " " + month_year_since
        let since = |l: Lang| format!("{} {}", l.t("seller.since"), l.month_year_since(may_1));
        assert_eq!(since(Lang::Ru), "На Uzmat с мая 2024");
        assert_eq!(since(Lang::En), "On Uzmat since May 2024");
        assert_eq!(since(Lang::Uz), "Uzmatda 2024-yil maydan beri");
        assert_eq!(since(Lang::Kk), "Uzmat-та 2024 жылғы мамыр айынан бері");
        // older than a day, `ago` is the date; sooner, its own words
        assert_eq!(Lang::Kk.ago(march_12, march_12 + 3 * 86_400), "2024 ж. 12 наурыз");
        assert_eq!(Lang::Kk.ago(march_12, march_12 + 300), "5 мин бұрын");
        assert_eq!(Lang::Uz.ago(march_12, march_12 + 7200), "2 soat oldin");
        assert_eq!(Lang::En.ago(march_12, march_12 + 10), "just now");
    }
}
