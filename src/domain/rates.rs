//! Currency rates: US dollars per unit of each currency, stored in `currency_rates`, held in
//! memory ([`Live`]) for every conversion (a listing's price range, an ad's USD estimate, a
//! price shown in another currency), and checked ([`parse_document`], [`check_band`]) before a
//! fetched set may replace them.

use std::sync::RwLock;

use rusqlite::{Connection, OptionalExtension};

use crate::config::CurrencyConfig;
use crate::domain::geo::Currency;

/// The currencies with a rate (the dollar is 1), in the order they are stored and shown.
pub const RATED: [Currency; 4] = [Currency::Kzt, Currency::Uzs, Currency::Rub, Currency::Byn];

/// How far one fetch may move a rate: a new rate more than this many times above or below the
/// current one is a broken feed (a wrong base, a missing decimal point), not a market.
pub const BAND: f64 = 5.0;

/// A move above this share (0.5 %) makes the stored USD estimates be recomputed.
pub const RECOMPUTE_ABOVE: f64 = 0.005;

/// US dollars per unit of each currency.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rates {
    /// Kazakh tenge.
    pub kzt_usd: f64,
    /// Uzbek sum.
    pub uzs_usd: f64,
    /// Russian rouble.
    pub rub_usd: f64,
    /// Belarusian rouble.
    pub byn_usd: f64,
}

impl Default for Rates {
    /// The built-in `[currency]` rates.
    fn default() -> Self {
        Self::from_config(&CurrencyConfig::default())
    }
}

impl Rates {
    /// The rates written in `[currency]`.
    pub fn from_config(c: &CurrencyConfig) -> Self {
        Self { kzt_usd: c.kzt_usd, uzs_usd: c.uzs_usd, rub_usd: c.rub_usd, byn_usd: c.byn_usd }
    }

    /// US dollars per unit of `c` (1 for the dollar).
    pub fn of(&self, c: Currency) -> f64 {
        match c {
            Currency::Kzt => self.kzt_usd,
            Currency::Uzs => self.uzs_usd,
            Currency::Rub => self.rub_usd,
            Currency::Byn => self.byn_usd,
            Currency::Usd => 1.0,
        }
    }

    fn with(mut self, c: Currency, usd_per_unit: f64) -> Self {
        match c {
            Currency::Kzt => self.kzt_usd = usd_per_unit,
            Currency::Uzs => self.uzs_usd = usd_per_unit,
            Currency::Rub => self.rub_usd = usd_per_unit,
            Currency::Byn => self.byn_usd = usd_per_unit,
            Currency::Usd => {}
        }
        self
    }

    /// How the rates the USD estimates were computed with are recorded in `meta.usd_rates`.
    pub fn key(&self) -> String {
        format!("{}|{}|{}|{}", self.kzt_usd, self.uzs_usd, self.rub_usd, self.byn_usd)
    }

    /// The largest relative move of any rate from `self` to `new` (0.01 is 1 %).
    pub fn largest_move(&self, new: &Rates) -> f64 {
        RATED.iter().map(|c| ((new.of(*c) - self.of(*c)) / self.of(*c)).abs()).fold(0.0, f64::max)
    }
}

/// The rates in use, shared by the web handlers and the jobs: read on every conversion (a
/// copy of four numbers under a read lock), replaced by the refresh job.
#[derive(Debug)]
pub struct Live(RwLock<Rates>);

impl Live {
    /// Holds `rates`.
    pub fn new(rates: Rates) -> Self {
        Self(RwLock::new(rates))
    }

    /// The rates now.
    pub fn get(&self) -> Rates {
        *self.0.read().unwrap_or_else(|p| p.into_inner())
    }

    /// Replaces them.
    pub fn set(&self, rates: Rates) {
        *self.0.write().unwrap_or_else(|p| p.into_inner()) = rates;
    }
}

/// Why a fetched document was refused (the rates in use stay).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Refused {
    /// Not JSON, or not an object with `rates`.
    #[error("not a rates document: {0}")]
    NotRates(String),
    /// Rates against another currency than the dollar.
    #[error("the base is {0}, not USD")]
    Base(String),
    /// A currency is missing or not a number.
    #[error("no rate for {0}")]
    Missing(&'static str),
    /// Zero, negative, infinite or NaN.
    #[error("{0} is not a positive number: {1}")]
    NotPositive(&'static str, f64),
    /// Too far from the rate in use.
    #[error("{currency} moved from {from} to {to} per USD, more than {BAND}x")]
    OutOfBand {
        /// The currency.
        currency: &'static str,
        /// Units per dollar now.
        from: f64,
        /// Units per dollar fetched.
        to: f64,
    },
}

/// Reads `{"base":"USD","rates":{"KZT":480.5,"UZS":12650,"RUB":92.1,"BYN":3.27}}` (units per
/// dollar; `base_code` is read as `base`; other currencies are ignored) into dollars per unit.
/// A document without a base, or with another one, is refused: its numbers mean something else.
pub fn parse_document(text: &str) -> Result<Rates, Refused> {
    let doc: serde_json::Value =
        serde_json::from_str(text).map_err(|e| Refused::NotRates(e.to_string()))?;
    let base = doc.get("base").or_else(|| doc.get("base_code")).and_then(|b| b.as_str());
    match base {
        Some(b) if b.eq_ignore_ascii_case("USD") => {}
        Some(b) => return Err(Refused::Base(b.chars().take(10).collect())),
        None => return Err(Refused::NotRates("no \"base\"".into())),
    }
    let Some(rates) = doc.get("rates").and_then(|r| r.as_object()) else {
        return Err(Refused::NotRates("no \"rates\" object".into()));
    };
    let mut out = Rates::default();
    for c in RATED {
        let per_usd =
            rates.get(c.code()).and_then(|v| v.as_f64()).ok_or(Refused::Missing(c.code()))?;
        if !(per_usd.is_finite() && per_usd > 0.0) {
            return Err(Refused::NotPositive(c.code(), per_usd));
        }
        let usd_per_unit = 1.0 / per_usd;
        if !(usd_per_unit.is_finite() && usd_per_unit > 0.0) {
            return Err(Refused::NotPositive(c.code(), per_usd));
        }
        out = out.with(c, usd_per_unit);
    }
    Ok(out)
}

/// Refuses `new` when any rate is more than [`BAND`] times above or below the one in use.
pub fn check_band(current: &Rates, new: &Rates) -> Result<(), Refused> {
    for c in RATED {
        let ratio = new.of(c) / current.of(c);
        if !(ratio.is_finite() && (1.0 / BAND..=BAND).contains(&ratio)) {
            return Err(Refused::OutOfBand {
                currency: c.code(),
                from: 1.0 / current.of(c),
                to: 1.0 / new.of(c),
            });
        }
    }
    Ok(())
}

/// What `currency_rates.source` says of a fetched address: scheme, host and path, never its
/// query (a feed's key often rides there) or credentials.
pub fn source_of(url: &str) -> String {
    let no_query = url.split(['?', '#']).next().unwrap_or("");
    match no_query.split_once("://") {
        Some((scheme, rest)) => {
            let rest = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
            format!("{scheme}://{rest}")
        }
        None => no_query.to_owned(),
    }
}

/// The `source` of rates written from `[currency]`.
pub const FROM_CONFIG: &str = "config";

/// One stored rate, as the dashboard shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    /// The currency.
    pub currency: Currency,
    /// US dollars per unit.
    pub usd_per_unit: f64,
    /// [`FROM_CONFIG`], or the address it was fetched from.
    pub source: String,
    /// Unix seconds of the last write or fetch that confirmed it.
    pub updated_at: i64,
}

/// The stored rates, in [`RATED`] order.
pub fn load(conn: &Connection) -> rusqlite::Result<Vec<Stored>> {
    let mut stmt = conn
        .prepare_cached("SELECT currency, usd_per_unit, source, updated_at FROM currency_rates")?;
    let mut rows: Vec<Stored> = stmt
        .query_map([], |r| {
            let code: String = r.get(0)?;
            Ok((code, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .filter_map(|row| match row {
            Ok((code, usd_per_unit, source, updated_at)) => Currency::parse(&code)
                .map(|currency| Ok(Stored { currency, usd_per_unit, source, updated_at })),
            Err(e) => Some(Err(e)),
        })
        .collect::<rusqlite::Result<_>>()?;
    rows.sort_by_key(|s| RATED.iter().position(|c| *c == s.currency));
    Ok(rows)
}

/// The stored rates over `fallback` (a currency without a row keeps its fallback rate).
pub fn current(conn: &Connection, fallback: Rates) -> rusqlite::Result<Rates> {
    Ok(load(conn)?.into_iter().fold(fallback, |r, s| r.with(s.currency, s.usd_per_unit)))
}

/// At start: writes `[currency]`'s rates over rows that came from it and over missing ones.
/// Fetched rows are kept while a feed is configured (`keep_fetched`; they are newer than the
/// file) and overwritten once it is not (the file is the only source then). Returns the rates
/// now in use.
pub fn seed(
    conn: &mut Connection,
    cfg: &CurrencyConfig,
    keep_fetched: bool,
    now: i64,
) -> rusqlite::Result<Rates> {
    let from_config = Rates::from_config(cfg);
    crate::db::write_tx(conn, |tx| {
        for c in RATED {
            let stored: Option<(f64, String)> = tx
                .query_row(
                    "SELECT usd_per_unit, source FROM currency_rates WHERE currency = ?1",
                    [c.code()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let write = match &stored {
                None => true,
                Some((_, source)) if source != FROM_CONFIG && keep_fetched => false,
                Some((rate, source)) => *rate != from_config.of(c) || source != FROM_CONFIG,
            };
            if write {
                upsert(tx, c, from_config.of(c), FROM_CONFIG, now)?;
            }
        }
        current(tx, from_config)
    })
}

/// The rates at start: `[currency]` seeded into the table ([`seed`]; the fetched ones kept while
/// a feed is configured), or on a read-only replica, whose primary writes, only read.
pub fn at_start(
    conn: &mut Connection,
    cfg: &CurrencyConfig,
    read_only: bool,
) -> rusqlite::Result<Rates> {
    if read_only {
        return current(conn, Rates::from_config(cfg));
    }
    seed(conn, cfg, !cfg.rates_url.trim().is_empty(), crate::db::now())
}

/// Writes a whole set fetched from `source`; the caller holds the transaction.
pub fn store(conn: &Connection, rates: &Rates, source: &str, now: i64) -> rusqlite::Result<()> {
    for c in RATED {
        upsert(conn, c, rates.of(c), source, now)?;
    }
    Ok(())
}

fn upsert(
    conn: &Connection,
    c: Currency,
    usd_per_unit: f64,
    source: &str,
    now: i64,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO currency_rates (currency, usd_per_unit, source, updated_at) \
         VALUES (?1, ?2, ?3, ?4) ON CONFLICT (currency) DO UPDATE SET \
         usd_per_unit = excluded.usd_per_unit, source = excluded.source, \
         updated_at = excluded.updated_at",
    )?
    .execute((c.code(), usd_per_unit, source, now))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str =
        r#"{"base":"USD","rates":{"KZT":480.5,"UZS":12650,"RUB":92.1,"BYN":3.27,"EUR":0.92}}"#;

    #[test]
    fn the_common_document_reads_as_dollars_per_unit() {
        let r = parse_document(GOOD).expect("valid");
        assert!((r.kzt_usd - 1.0 / 480.5).abs() < 1e-12);
        assert!((r.uzs_usd - 1.0 / 12650.0).abs() < 1e-15);
        assert!((r.rub_usd - 1.0 / 92.1).abs() < 1e-12);
        assert!((r.byn_usd - 1.0 / 3.27).abs() < 1e-12);
        let coded = r#"{"result":"success","base_code":"USD","rates":{"KZT":480.5,"UZS":12650,"RUB":92.1,"BYN":3.27}}"#;
        assert_eq!(parse_document(coded), Ok(r));
    }

    #[test]
    fn a_broken_document_says_why() {
        let bad = |text: &str| parse_document(text).expect_err("refused");
        assert!(matches!(bad("<html>502 Bad Gateway</html>"), Refused::NotRates(_)));
        assert!(matches!(bad("[]"), Refused::NotRates(_)));
        assert!(matches!(bad(r#"{"base":"USD"}"#), Refused::NotRates(_)));
        assert!(matches!(bad(r#"{"rates":{"KZT":480.5}}"#), Refused::NotRates(_)));
        assert_eq!(
            bad(r#"{"base":"EUR","rates":{"KZT":520,"UZS":13700,"RUB":99,"BYN":3.5}}"#),
            Refused::Base("EUR".into())
        );
        assert_eq!(
            bad(r#"{"base":"USD","rates":{"KZT":480.5,"UZS":12650,"RUB":92.1}}"#),
            Refused::Missing("BYN")
        );
        assert_eq!(
            bad(r#"{"base":"USD","rates":{"KZT":"480.5","UZS":12650,"RUB":92.1,"BYN":3.27}}"#),
            Refused::Missing("KZT")
        );
        assert_eq!(
            bad(r#"{"base":"USD","rates":{"KZT":480.5,"UZS":-12650,"RUB":92.1,"BYN":3.27}}"#),
            Refused::NotPositive("UZS", -12650.0)
        );
        assert_eq!(
            bad(r#"{"base":"USD","rates":{"KZT":480.5,"UZS":12650,"RUB":0,"BYN":3.27}}"#),
            Refused::NotPositive("RUB", 0.0)
        );
        // 1e-320 per dollar: a dollar per unit that overflows
        assert!(matches!(
            bad(r#"{"base":"USD","rates":{"KZT":1e-320,"UZS":12650,"RUB":92.1,"BYN":3.27}}"#),
            Refused::NotPositive("KZT", _)
        ));
    }

    #[test]
    fn the_band_allows_a_market_and_refuses_a_broken_feed() {
        let now = parse_document(GOOD).expect("valid");
        assert_eq!(check_band(&now, &now), Ok(()));
        // a hard devaluation (4x) passes
        let devalued = Rates { uzs_usd: now.uzs_usd / 4.0, ..now };
        assert_eq!(check_band(&now, &devalued), Ok(()));
        // 100x: a lost decimal point, either way
        for factor in [100.0, 0.01, 5.01, 1.0 / 5.01] {
            let broken = Rates { rub_usd: now.rub_usd * factor, ..now };
            assert!(
                matches!(
                    check_band(&now, &broken),
                    Err(Refused::OutOfBand { currency: "RUB", .. })
                ),
                "{factor}x passed"
            );
        }
    }

    #[test]
    fn the_largest_move_is_relative() {
        let a = Rates { kzt_usd: 0.002, uzs_usd: 0.00008, rub_usd: 0.01, byn_usd: 0.3 };
        assert_eq!(a.largest_move(&a), 0.0);
        let b = Rates { rub_usd: 0.0101, ..a };
        assert!((a.largest_move(&b) - 0.01).abs() < 1e-9);
    }

    #[test]
    fn a_source_never_keeps_the_query_or_credentials() {
        assert_eq!(
            source_of("https://openexchangerates.org/api/latest.json?app_id=SECRET"),
            "https://openexchangerates.org/api/latest.json"
        );
        assert_eq!(source_of("https://user:pw@feed.example/r#x"), "https://feed.example/r");
    }

    fn db() -> Connection {
        let mut conn = Connection::open_in_memory().expect("db");
        crate::db::migrate(&mut conn).expect("migrate");
        conn
    }

    #[test]
    fn the_config_seeds_and_a_feed_keeps_its_rates_only_while_configured() {
        let mut conn = db();
        let cfg = CurrencyConfig::default();
        assert_eq!(seed(&mut conn, &cfg, false, 100).expect("seed"), Rates::default());
        let rows = load(&conn).expect("load");
        assert_eq!(rows.iter().map(|s| s.currency).collect::<Vec<_>>(), RATED);
        assert!(rows.iter().all(|s| s.source == FROM_CONFIG && s.updated_at == 100));
        // unchanged config: nothing rewritten
        seed(&mut conn, &cfg, false, 200).expect("seed");
        assert!(load(&conn).expect("load").iter().all(|s| s.updated_at == 100));
        let fetched = parse_document(GOOD).expect("valid");
        store(&conn, &fetched, "https://feed.example/r", 300).expect("store");
        assert_eq!(seed(&mut conn, &cfg, true, 400).expect("seed"), fetched);
        // the feed turned off: the file is the source again
        assert_eq!(seed(&mut conn, &cfg, false, 500).expect("seed"), Rates::default());
        let changed = CurrencyConfig { kzt_usd: 0.0025, ..cfg };
        assert_eq!(seed(&mut conn, &changed, false, 600).expect("seed").kzt_usd, 0.0025);
    }

    #[test]
    fn live_rates_are_swapped_whole() {
        let live = Live::new(Rates::default());
        let new = parse_document(GOOD).expect("valid");
        live.set(new);
        assert_eq!(live.get(), new);
    }
}
