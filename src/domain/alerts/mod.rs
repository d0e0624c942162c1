//! Saved searches with alerts (issue 16): a listing's filter kept by a user, normalized through
//! `Filter::parse` → `Filter::to_query` so equal searches are one row, with a name, a
//! frequency and the last ad it told about; the reads of `/my/searches` and the signed token
//! of the one-click unsubscribe link every alert mail carries.

pub mod actions;
pub mod sweep;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rusqlite::{Connection, OptionalExtension, ToSql};
use sha2::Sha256;

use crate::domain::ads::list::{Filter, ListParams, Sort, where_clause};
use crate::domain::ads::{Kind, Section};
use crate::domain::ids::{AdId, PageNo, SearchId, UserId};
use crate::domain::rates::Rates;
use crate::i18n::Lang;

/// Saved searches a user may keep.
pub const MAX_PER_USER: i64 = 20;
/// Longest name of a saved search.
pub const MAX_NAME_CHARS: usize = 100;
/// Ads an alert mail lists; the rest are "and N more", linking to the search.
pub const MAIL_ADS: usize = 20;

/// How often a search's alerts may come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frequency {
    /// As new ads appear, at most one mail every 15 minutes.
    Instant,
    /// One digest a day.
    Daily,
}

impl Frequency {
    /// Both, in the order forms offer them.
    pub const ALL: [Frequency; 2] = [Frequency::Instant, Frequency::Daily];

    /// Parses the stored / form code.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "instant" => Some(Self::Instant),
            "daily" => Some(Self::Daily),
            _ => None,
        }
    }

    /// The stored / form code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Instant => "instant",
            Self::Daily => "daily",
        }
    }

    /// The least time between two mails of one search, in seconds.
    pub fn interval(self) -> i64 {
        match self {
            Self::Instant => 15 * 60,
            Self::Daily => 24 * 3600,
        }
    }

    /// The catalog key of its name.
    pub fn label_key(self) -> &'static str {
        match self {
            Self::Instant => "alerts.freq.instant",
            Self::Daily => "alerts.freq.daily",
        }
    }
}

/// A saved search as its owner's page and the alert sweep read it.
#[derive(Debug, Clone)]
pub struct SavedSearch {
    /// Id.
    pub id: SearchId,
    /// Whose.
    pub user_id: UserId,
    /// Which listing.
    pub section: Section,
    /// The normalized query (no `?`, no sort, no page).
    pub query: String,
    /// Its owner's name for it.
    pub name: String,
    /// How often alerts come.
    pub frequency: Frequency,
    /// Alerts stopped (by its owner or by the mail's unsubscribe link).
    pub paused: bool,
    /// The newest ad an alert (or the saving) accounted for.
    pub last_seen_ad_id: AdId,
    /// When the last alert mail was written.
    pub last_sent_at: Option<i64>,
    /// When it was saved (part of the unsubscribe token).
    pub created_at: i64,
}

impl SavedSearch {
    /// The listing URL that runs it.
    pub fn path(&self) -> String {
        if self.query.is_empty() {
            self.section.path().to_owned()
        } else {
            format!("{}?{}", self.section.path(), self.query)
        }
    }

    /// Its filter, parsed again (`None` if the stored query no longer parses, e.g. a city
    /// list changed: such a search is skipped, never an error).
    pub fn filter(&self, rates: &Rates) -> Option<Filter> {
        let params: ListParams = serde_urlencoded::from_str(&self.query).ok()?;
        Filter::parse(self.section, &params, None, rates).ok()
    }
}

/// The listing of a section code.
pub fn section_of(code: &str) -> Option<Section> {
    Section::ALL.into_iter().find(|s| s.code() == code.trim())
}

/// A listing's query as it is saved: parsed like the listing parses it (the message key of
/// what is wrong otherwise), without sort and page, and written back, so two ways of asking
/// for the same ads are one search. `chosen` is the visitor's country, as the listing used it.
pub fn normalize(
    section: Section,
    raw_query: &str,
    chosen: Option<crate::domain::geo::Country>,
    rates: &Rates,
) -> Result<(Filter, String), &'static str> {
    let params: ListParams = serde_urlencoded::from_str(raw_query.trim_start_matches('?'))
        .map_err(|_| "error.bad_form")?;
    let f = Filter::parse(section, &params, chosen, rates)?;
    let f = Filter { sort: Sort::Fresh, page: PageNo::FIRST, ..f };
    let query = f.to_query(1);
    Ok((f, query))
}

/// A readable name of a search: "Аренда · экскаватор · JCB · Узбекистан, Ташкент · «ковш»".
pub fn summary(lang: Lang, section: Section, f: &Filter) -> String {
    let mut parts: Vec<String> = Vec::new();
    parts.push(
        match f.kind {
            Some(Kind::Rent) => lang.t("kind.rent"),
            Some(Kind::Sale) => lang.t("kind.sale"),
            Some(Kind::Service) => lang.t("kind.service"),
            Some(Kind::Parts) => lang.t("kind.parts"),
            None => match section {
                Section::Catalog => lang.t("search.tab.catalog"),
                Section::Parts => lang.t("search.tab.parts"),
                Section::Repair => lang.t("search.tab.repair"),
            },
        }
        .to_owned(),
    );
    parts.extend(f.equipment_type.clone());
    parts.extend(f.brand.clone());
    if let Some(c) = f.country {
        let country = lang.t(match c {
            crate::domain::geo::Country::Kz => "country.kz",
            crate::domain::geo::Country::Uz => "country.uz",
            crate::domain::geo::Country::Ru => "country.ru",
            crate::domain::geo::Country::By => "country.by",
        });
        parts.push(match &f.city {
            Some(city) => format!("{country}, {city}"),
            None => country.to_owned(),
        });
    }
    let n = crate::i18n::group_thousands;
    let range = match (f.price_from, f.price_to) {
        (Some(a), Some(b)) => Some(format!("{}–{}", n(a), n(b))),
        (Some(a), None) => Some(format!("≥ {}", n(a))),
        (None, Some(b)) => Some(format!("≤ {}", n(b))),
        (None, None) => None,
    };
    if let Some(range) = range {
        parts.push(format!("{range} {}", f.price_currency().code()));
    }
    if let Some(q) = &f.text {
        parts.push(format!("«{q}»"));
    }
    let name = parts.join(" · ");
    match name.char_indices().nth(MAX_NAME_CHARS) {
        Some((cut, _)) => name[..cut].to_owned(),
        None => name,
    }
}

/// A name as typed: trimmed, 1 to [`MAX_NAME_CHARS`] characters, else the message key.
pub fn clean_name(raw: &str) -> Result<String, &'static str> {
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    match name.chars().count() {
        0 => Err("alerts.name_required"),
        n if n > MAX_NAME_CHARS => Err("alerts.name_too_long"),
        _ => Ok(name),
    }
}

const COLUMNS: &str = "id, user_id, section, query, name, frequency, paused, last_seen_ad_id, \
                       last_sent_at, created_at";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SavedSearch> {
    let section: String = r.get(2)?;
    let frequency: String = r.get(5)?;
    let bad = |i, v: String| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            format!("unknown value {v}").into(),
        )
    };
    Ok(SavedSearch {
        id: r.get(0)?,
        user_id: r.get(1)?,
        section: section_of(&section).ok_or_else(|| bad(2, section.clone()))?,
        query: r.get(3)?,
        name: r.get(4)?,
        frequency: Frequency::parse(&frequency).ok_or_else(|| bad(5, frequency.clone()))?,
        paused: r.get(6)?,
        last_seen_ad_id: r.get(7)?,
        last_sent_at: r.get(8)?,
        created_at: r.get(9)?,
    })
}

/// One saved search.
pub fn get(conn: &Connection, id: SearchId) -> rusqlite::Result<Option<SavedSearch>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM saved_searches WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()
}

/// A user's saved searches, newest first.
pub fn list_of(conn: &Connection, user: UserId) -> rusqlite::Result<Vec<SavedSearch>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM saved_searches WHERE user_id = ?1 ORDER BY id DESC"
    ))?
    .query_map([user], from_row)?
    .collect()
}

/// The condition and parameters of the ads new to a search: its listing's filter, after the
/// last ad it accounted for, and not its owner's own.
pub fn new_ads_where(s: &SavedSearch, f: &Filter, now: i64) -> (String, Vec<Box<dyn ToSql>>) {
    let (mut cond, mut params) = where_clause(f, now);
    params.push(Box::new(s.last_seen_ad_id));
    cond.push_str(&format!(" AND a.id > ?{}", params.len()));
    params.push(Box::new(s.user_id));
    cond.push_str(&format!(" AND a.owner_id <> ?{}", params.len()));
    (cond, params)
}

/// How many ads are new to a search (0 when its query no longer parses).
pub fn new_count(
    conn: &Connection,
    s: &SavedSearch,
    rates: &Rates,
    now: i64,
) -> rusqlite::Result<i64> {
    let Some(f) = s.filter(rates) else { return Ok(0) };
    let (cond, params) = new_ads_where(s, &f, now);
    let refs: Vec<&dyn ToSql> = params.iter().map(|p| p.as_ref()).collect();
    // the last parameters are always named, so every one binds (?1, now, unused or not)
    conn.prepare_cached(&format!("SELECT count(*) FROM ads a WHERE {cond}"))?
        .query_row(refs.as_slice(), |r| r.get(0))
}

/// The newest ad id now (what a new search starts after).
pub fn newest_ad(conn: &Connection) -> rusqlite::Result<AdId> {
    conn.query_row("SELECT coalesce(max(id), 0) FROM ads", [], |r| r.get(0))
}

fn mac(key: &[u8; 32], id: SearchId, created_at: i64) -> Hmac<Sha256> {
    // HMAC accepts keys of any length: this cannot fail
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    mac.update(format!("uzmat-unsubscribe:{id}:{created_at}").as_bytes());
    mac
}

/// The token of a search's unsubscribe link: signed with the site key over its id and saving
/// time, so it needs no sign-in and no row, and a later search that reuses the id is safe.
pub fn unsubscribe_token(key: &[u8; 32], s: &SavedSearch) -> String {
    URL_SAFE_NO_PAD.encode(mac(key, s.id, s.created_at).finalize().into_bytes())
}

/// Whether `token` is the search's unsubscribe token (constant time).
pub fn token_ok(key: &[u8; 32], s: &SavedSearch, token: &str) -> bool {
    let Ok(bytes) = URL_SAFE_NO_PAD.decode(token.trim()) else { return false };
    mac(key, s.id, s.created_at).verify_slice(&bytes).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_searches_normalize_to_one_query() {
        let rates = Rates::default();
        let (_, a) = normalize(
            Section::Catalog,
            "q=ковш&type=Экскаватор&country=uz&sort=price_asc&page=3",
            None,
            &rates,
        )
        .expect("valid");
        let (_, b) =
            normalize(Section::Catalog, "?country=uz&type=экскаватор&q=ковш", None, &rates)
                .expect("valid");
        assert_eq!(a, b);
        assert!(!a.contains("sort") && !a.contains("page"), "{a}");
        // the visitor's chosen country is part of what the listing showed
        let (_, chosen) =
            normalize(Section::Catalog, "", Some(crate::domain::geo::Country::Kz), &rates)
                .expect("valid");
        assert_eq!(chosen, "country=kz");
        assert_eq!(
            normalize(Section::Parts, "kind=rent", None, &rates).err(),
            Some("error.bad_kind")
        );
    }

    #[test]
    fn a_summary_reads_the_filter() {
        let rates = Rates::default();
        let (f, _) = normalize(
            Section::Catalog,
            "kind=rent&type=экскаватор&brand=JCB&country=uz&city=Ташкент&price_to=500000&q=ковш",
            None,
            &rates,
        )
        .expect("valid");
        assert_eq!(
            summary(Lang::Ru, Section::Catalog, &f),
            "Аренда · экскаватор · JCB · Узбекистан, Ташкент · ≤ 500\u{2009}000 UZS · «ковш»"
        );
        let (all, _) = normalize(Section::Parts, "", None, &rates).expect("valid");
        assert_eq!(summary(Lang::Ru, Section::Parts, &all), "Запчасти");
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(clean_name("  Краны   в Алматы "), Ok("Краны в Алматы".to_owned()));
        assert_eq!(clean_name("   "), Err("alerts.name_required"));
        assert_eq!(clean_name(&"я".repeat(101)), Err("alerts.name_too_long"));
    }

    #[test]
    fn a_token_opens_its_own_search_only() {
        let key = [7u8; 32];
        let s = SavedSearch {
            id: SearchId(5),
            user_id: UserId(1),
            section: Section::Catalog,
            query: String::new(),
            name: "x".into(),
            frequency: Frequency::Daily,
            paused: false,
            last_seen_ad_id: AdId(0),
            last_sent_at: None,
            created_at: 1_000,
        };
        let t = unsubscribe_token(&key, &s);
        assert!(token_ok(&key, &s, &t));
        assert!(!token_ok(&key, &SavedSearch { id: SearchId(6), ..s.clone() }, &t));
        assert!(!token_ok(&key, &SavedSearch { created_at: 1_001, ..s.clone() }, &t));
        assert!(!token_ok(&[8u8; 32], &s, &t));
        assert!(!token_ok(&key, &s, "not base64 !"));
    }
}
