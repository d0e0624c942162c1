//! Currency rates against a feed on 127.0.0.1: the job fetches, stores and swaps them in, the
//! listing's price range in sum follows the new rate, the stored USD estimates are recomputed,
//! prices are shown in the visitor's filter currency; a bad document or a feed that does not
//! answer changes nothing and counts as a failed job; `/admin` shows the rates to staff only.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use uzmat::domain::rates::Rates;
use uzmat::jobs::{Job, JobKind};

use crate::support::build::{Ad, user};
use crate::support::client::Client;
use crate::support::{TestApp, spawn_app, spawn_with};

/// Units per dollar the feed answers: the tenge as configured (500 = 0.002), the sum 27 %
/// dearer than configured, the roubles about 1 % off.
pub(crate) const GOOD: &str = r#"{"base":"USD","date":"2026-11-20","rates":{"EUR":0.92,"KZT":500,"UZS":10000,"RUB":90,"BYN":3.2}}"#;

/// What the feed answers next.
#[derive(Clone)]
pub(crate) struct Answer {
    status: u16,
    content_type: &'static str,
    body: String,
    /// Waits this long before answering.
    delay: Duration,
}

impl Answer {
    pub(crate) fn json(body: &str) -> Self {
        Answer {
            status: 200,
            content_type: "application/json",
            body: body.to_owned(),
            delay: Duration::ZERO,
        }
    }
}

/// A rates feed: answers every GET with the current [`Answer`] and counts them.
pub(crate) struct Feed {
    url: String,
    answer: Arc<Mutex<Answer>>,
    hits: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    addr: std::net::SocketAddr,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Feed {
    pub(crate) fn start(first: Answer) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let answer = Arc::new(Mutex::new(first));
        let hits = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (a, h, s) = (answer.clone(), hits.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if s.load(Ordering::Acquire) {
                    return;
                }
                let Ok(stream) = stream else { continue };
                let now = a.lock().expect("lock").clone();
                h.fetch_add(1, Ordering::AcqRel);
                // one thread each: a feed that keeps one client waiting answers the next
                std::thread::spawn(move || serve(stream, &now));
            }
        });
        // a key in the query, as real feeds take it: never stored or shown
        let url = format!("http://{addr}/latest.json?app_id=SECRET-KEY");
        Feed { url, answer, hits, stop, addr, thread: Some(thread) }
    }

    fn answer(&self, a: Answer) {
        *self.answer.lock().expect("lock") = a;
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::Acquire)
    }

    /// What `currency_rates.source` holds for it.
    fn source(&self) -> String {
        format!("http://{}/latest.json", self.addr)
    }
}

impl Drop for Feed {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(stream: TcpStream, a: &Answer) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
    }
    std::thread::sleep(a.delay);
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 {} X\r\ncontent-type: {}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{}",
        a.status,
        a.content_type,
        a.body.len(),
        a.body
    )?;
    stream.flush()
}

pub(crate) fn spawn_fed(feed: &Feed) -> TestApp {
    let url = feed.url.clone();
    spawn_with(move |c| {
        c.currency.rates_url = url;
        c.currency.timeout_seconds = 1;
    })
}

/// (currency, dollars per unit, source, updated_at), in the table's order.
fn stored(app: &TestApp) -> Vec<(String, f64, String, i64)> {
    let db = app.db();
    let mut stmt = db
        .prepare("SELECT currency, usd_per_unit, source, updated_at FROM currency_rates ORDER BY currency")
        .expect("prepare");
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

fn usd_cents(app: &TestApp, ad: i64) -> i64 {
    app.db()
        .query_row("SELECT price_usd_cents FROM ads WHERE id = ?1", [ad], |r| r.get(0))
        .expect("ad")
}

fn refresh(app: &TestApp) {
    app.state.jobs.enqueue(Job::RefreshRates);
    app.drain();
}

fn count(app: &TestApp, kind: JobKind) -> (u64, u64, u64) {
    let s = app.state.metrics.job(kind);
    let load = |c: &std::sync::atomic::AtomicU64| c.load(Ordering::Acquire);
    (load(&s.submitted), load(&s.completed), load(&s.failed))
}

/// A tenge ad worth $20 000 and a sum ad worth $7 900, at the configured rates.
fn two_ads(app: &TestApp) -> (i64, i64) {
    let db = app.db();
    let owner = user(&db, "Продавец", None);
    let mut tenge = Ad::new(owner, "Экскаватор Hitachi ZX200 в тенге", 10);
    tenge.price_minor = Some(1_000_000_000);
    tenge.price_usd_cents = Some(2_000_000);
    let mut sum = Ad::new(owner, "Погрузчик SDLG в сумах", 20);
    (sum.country, sum.city, sum.currency) = ("uz", "Ташкент", "UZS");
    sum.price_minor = Some(10_000_000_000);
    sum.price_usd_cents = Some(790_000);
    (tenge.insert(&db), sum.insert(&db))
}

/// The ads a catalog listing of every country shows for this query.
fn listed(app: &TestApp, query: &str) -> Vec<i64> {
    let r = app.get(&format!("/catalog?country=all&{query}"));
    assert_eq!(r.status, 200, "{query}: {}", r.body);
    r.html().ad_ids()
}

#[test]
fn fetched_rates_are_stored_swapped_and_every_price_follows() {
    let feed = Feed::start(Answer { status: 503, ..Answer::json("busy") });
    let app = spawn_fed(&feed);
    // the start-up fetch met a 503: counted, and the configured rates stand
    assert_eq!(feed.hits(), 1, "fetched once at start");
    assert_eq!(count(&app, JobKind::RefreshRates), (1, 0, 1));
    assert!(stored(&app).iter().all(|(_, _, source, _)| source == "config"));
    assert_eq!(app.state.rates.get(), Rates::default());
    let (tenge, sum) = two_ads(&app);
    // 210 000 000 sum is $16 590 at the configured 0.000079: the tenge ad costs more
    let from = "currency=UZS&price_from=210000000";
    let to = "currency=UZS&price_to=205000000";
    assert_eq!(listed(&app, from), vec![tenge]);
    assert_eq!(listed(&app, to), vec![sum]);
    let recomputes = count(&app, JobKind::RecomputeUsd).0;

    feed.answer(Answer::json(GOOD));
    refresh(&app);
    assert_eq!(count(&app, JobKind::RefreshRates), (2, 1, 1));
    let rows = stored(&app);
    let want = [("BYN", 1.0 / 3.2), ("KZT", 0.002), ("RUB", 1.0 / 90.0), ("UZS", 0.0001)];
    assert_eq!(rows.len(), 4);
    for ((code, rate), (c, r, source, _)) in want.iter().zip(&rows) {
        assert_eq!((c.as_str(), source.as_str()), (*code, feed.source().as_str()));
        assert!((r - rate).abs() < 1e-12, "{code}: {r}");
    }
    let live = app.state.rates.get();
    assert!((live.uzs_usd - 0.0001).abs() < 1e-15 && (live.rub_usd - 1.0 / 90.0).abs() < 1e-12);
    // the sum moved 27 %: the estimates were recomputed, the tenge one unchanged
    assert_eq!(count(&app, JobKind::RecomputeUsd).0, recomputes + 1);
    assert_eq!(usd_cents(&app, sum), 1_000_000, "100 000 000 sum at 0.0001");
    assert_eq!(usd_cents(&app, tenge), 2_000_000);
    let applied: String = app
        .db()
        .query_row("SELECT value FROM meta WHERE key = 'usd_rates'", [], |r| r.get(0))
        .expect("meta");
    assert_eq!(applied, live.key());
    // 210 000 000 sum is $21 000 now: the $20 000 ad is below it, and within 205 000 000
    assert!(listed(&app, from).is_empty());
    assert_eq!(listed(&app, to), vec![tenge, sum]);
    // sorted by price in any currency: by the dollar estimate
    for currency in ["UZS", "KZT", "USD"] {
        assert_eq!(listed(&app, &format!("currency={currency}&sort=price_asc")), vec![sum, tenge]);
    }

    // each card shows the price in the filter's currency too, and carries it to the ad page
    let page = app.get("/catalog?country=all&currency=UZS").html();
    let card = format!("article[data-ad-id=\"{tenge}\"]");
    assert_eq!(page.one(&format!("{card} .also-in")).text, "≈ 200\u{2009}000\u{2009}000 сум");
    let link = page.one(&format!("{card} a.card-link")).attr("href").expect("href").to_owned();
    assert!(link.ends_with("?currency=UZS"), "{link}");
    // the sum ad is in sum already
    assert_eq!(page.count(&format!("article[data-ad-id=\"{sum}\"] .also-in")), 0);
    let ad = app.get(&link);
    assert_eq!(ad.status, 200);
    assert_eq!(ad.html().one("#price-also").text, "≈ 200\u{2009}000\u{2009}000 сум");
    // in roubles: $20 000 at 90 a dollar
    let in_rub = app.get(&format!("/ad/{tenge}-ad-{tenge}?currency=rub")).html();
    assert_eq!(in_rub.one("#price-also").text, "≈ 1\u{2009}800\u{2009}000 ₽");
    // no currency, or the dollar: only "≈ $20 000"
    for q in ["", "?currency=USD"] {
        let plain = app.get(&format!("/ad/{tenge}-ad-{tenge}{q}")).html();
        assert_eq!(plain.count("#price-also"), 0, "{q}");
    }
    assert_eq!(app.get(&format!("/ad/{tenge}-ad-{tenge}?currency=EUR")).status, 400);
    assert_eq!(app.get(&format!("/ad/{tenge}-ad-{tenge}?currency=%01")).status, 400);
}

#[test]
fn a_bad_document_or_a_silent_feed_changes_nothing_and_counts_a_failure() {
    let feed = Feed::start(Answer::json(GOOD));
    let app = spawn_fed(&feed);
    assert_eq!(count(&app, JobKind::RefreshRates), (1, 1, 0));
    let (tenge, sum) = two_ads(&app);
    let (before, live) = (stored(&app), app.state.rates.get());
    assert!(before.iter().all(|(_, _, source, _)| *source == feed.source()));
    let recomputes = count(&app, JobKind::RecomputeUsd).0;
    let cases = [
        (
            "a currency missing",
            Answer::json(r#"{"base":"USD","rates":{"KZT":500,"UZS":10000,"RUB":90}}"#),
        ),
        (
            "a negative rate",
            Answer::json(r#"{"base":"USD","rates":{"KZT":500,"UZS":-10000,"RUB":90,"BYN":3.2}}"#),
        ),
        (
            "a 100x jump",
            Answer::json(r#"{"base":"USD","rates":{"KZT":50000,"UZS":10000,"RUB":90,"BYN":3.2}}"#),
        ),
        (
            "another base",
            Answer::json(r#"{"base":"EUR","rates":{"KZT":540,"UZS":10900,"RUB":98,"BYN":3.5}}"#),
        ),
        (
            "an HTML page",
            Answer {
                content_type: "text/html",
                ..Answer::json("<html><body>Service Unavailable</body></html>")
            },
        ),
        ("a server error", Answer { status: 500, ..Answer::json(GOOD) }),
        ("no answer in time", Answer { delay: Duration::from_secs(3), ..Answer::json(GOOD) }),
    ];
    for (n, (what, answer)) in cases.into_iter().enumerate() {
        feed.answer(answer);
        let hits = feed.hits();
        refresh(&app);
        assert_eq!(feed.hits(), hits + 1, "{what}: fetched");
        assert_eq!(count(&app, JobKind::RefreshRates).2, n as u64 + 1, "{what}: a failure");
        assert_eq!(stored(&app), before, "{what}: the table");
        assert_eq!(app.state.rates.get(), live, "{what}: the rates in use");
        assert_eq!(count(&app, JobKind::RecomputeUsd).0, recomputes, "{what}: no recompute");
        assert_eq!((usd_cents(&app, tenge), usd_cents(&app, sum)), (2_000_000, 790_000));
    }
    // failures are in /metrics as the job's
    assert_eq!(app.metric("uzmat_jobs_failed_total{kind=\"rates_refresh\"}"), 7.0);
    // the same document again moves nothing: stored (fresh), no recompute
    feed.answer(Answer::json(GOOD));
    refresh(&app);
    assert_eq!(count(&app, JobKind::RefreshRates).1, 2);
    assert_eq!(count(&app, JobKind::RecomputeUsd).0, recomputes);
    // a restart keeps the fetched rates and does not fetch what is fresh
    let hits = feed.hits();
    let app = app.restart();
    assert_eq!(app.state.rates.get(), live);
    assert_eq!(feed.hits(), hits, "fresh rates are not fetched again at start");
}

#[test]
fn the_dashboard_shows_the_rates_their_source_and_age_to_staff_only() {
    let feed = Feed::start(Answer::json(GOOD));
    let app = spawn_fed(&feed);
    let (staff, other) = {
        let db = app.db();
        let staff = user(&db, "Модератор", None);
        db.execute("UPDATE users SET is_staff = 1 WHERE id = ?1", [staff]).expect("staff");
        (staff, user(&db, "Покупатель", None))
    };
    let page = Client::signed_in(&app, staff).get("/admin");
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("SECRET-KEY"), "the feed's key is never shown");
    let html = page.html();
    let rows = html.select("#rates tbody tr");
    let codes: Vec<&str> = rows.iter().filter_map(|r| r.attr("data-currency")).collect();
    assert_eq!(codes, ["KZT", "UZS", "RUB", "BYN"]);
    let uzs = html.one("#rates tr[data-currency=\"UZS\"]").text;
    assert!(uzs.contains("10\u{2009}000") && uzs.contains(&feed.addr.to_string()), "{uzs}");
    let source = html.one("#rates tr[data-currency=\"UZS\"] td.source");
    assert_eq!(source.attr("title"), Some(feed.source().as_str()));
    assert!(html.one("#rates-feed").text.contains(&feed.source()));
    assert!(uzs.contains("только что"), "its age: {uzs}");
    assert!(html.one("#rates-feed").text.contains("каждые 12 ч"));
    for (who, c) in [("anonymous", Client::new(&app)), ("a user", Client::signed_in(&app, other))] {
        let r = c.get("/admin");
        assert_eq!(r.status, 404, "{who}");
        assert!(!r.body.contains("rates-feed"), "{who}");
    }
    // without a feed the configured rates are seeded and said to be the only ones
    let plain = spawn_app();
    assert_eq!(count(&plain, JobKind::RefreshRates).0, 0, "no feed, no fetch");
    assert!(stored(&plain).iter().all(|(_, _, source, _)| source == "config"));
    let staff = user(&plain.db(), "Модератор", None);
    plain.db().execute("UPDATE users SET is_staff = 1 WHERE id = ?1", [staff]).expect("staff");
    let html = Client::signed_in(&plain, staff).get("/admin").html();
    assert!(html.one("#rates-feed").text.contains("rates_url"));
    assert!(html.one("#rates tr[data-currency=\"KZT\"]").text.contains("500.00"));
}
