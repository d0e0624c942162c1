//! Test support: start the real app on port 0 with a temp data folder, talk HTTP to it, and
//! build rows directly in its SQLite file.

pub mod browser;
pub mod client;
pub mod html;
pub mod pages;
pub mod server;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use rusqlite::Connection;
use uzmat::config::Config;
use uzmat::jobs::JobKind;
use uzmat::web::AppState;

/// A running app.
pub struct TestApp {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its state (job pool, metrics, db).
    pub state: AppState,
    /// Temp data folder (deleted on drop).
    pub dir: tempfile::TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// A config for tests: temp data folder, port 0, loopback as trusted proxy.
pub fn test_config(dir: &std::path::Path) -> Config {
    let mut c = Config::default();
    c.server.bind = "127.0.0.1:0".parse().expect("addr");
    c.server.data_dir = dir.to_path_buf();
    c.server.trusted_proxies = vec!["127.0.0.1".parse().expect("ip")];
    c.jobs.bump_check_seconds = 3600;
    // folds happen when a test asks for one
    c.jobs.view_fold_seconds = 3600;
    // views are written within 20 ms, so draining after a page view is quick
    c.jobs.view_linger_ms = 20;
    // tests change rows between requests: every page reads the database
    c.server.page_cache_ms = 0;
    // tests change users in the database and expect the next page to show it
    c.server.session_cache_ms = 0;
    c.server.count_cache_seconds = 0;
    // cheap hashes keep the suite fast; production parameters are measured separately
    c.auth.argon2_memory_kib = 8192;
    c.auth.argon2_iterations = 1;
    c
}

/// Starts the app with a config tweaked by `f`.
pub fn spawn_with(f: impl FnOnce(&mut Config)) -> TestApp {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = test_config(dir.path());
    f(&mut config);
    start(dir, config)
}

fn start(dir: tempfile::TempDir, config: Config) -> TestApp {
    let (tx, rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let app = uzmat::App::build(config).await.expect("build app");
            tx.send((app.addr(), app.state().clone())).expect("send addr");
            app.run(async {
                let _ = stop_rx.await;
            })
            .await
            .expect("serve");
        });
    });
    let (addr, state) = rx.recv_timeout(Duration::from_secs(30)).expect("app started");
    // the scheduler thread queues its first runs (bump, sweeps, mail, USD) as it starts: wait
    // for them, so no test's rows meet a start-up bump it did not ask for
    let deadline = Instant::now() + Duration::from_secs(20);
    let usd = || state.metrics.job(JobKind::RecomputeUsd).submitted.load(Ordering::Acquire);
    // a read-only replica pauses them instead (counted)
    let paused = || state.metrics.jobs_paused.load(Ordering::Acquire);
    while usd() == 0 && paused() == 0 {
        assert!(Instant::now() < deadline, "the scheduler did not start in 20 s");
        std::thread::sleep(Duration::from_millis(2));
    }
    let app = TestApp { addr, state, dir, stop: Some(stop_tx), thread: Some(thread) };
    app.drain();
    app
}

/// The real app on a temporary database filled with `ads` demo ads of `users` sellers
/// (deterministic for `seed`), photos drawn and stored: pages look as a visitor sees them.
pub fn seeded_app(users: u32, ads: u32, seed: u64) -> TestApp {
    let app = spawn_app();
    let mut conn = app.db();
    uzmat::seed::seed(
        &mut conn,
        &app.dir.path().join("uploads"),
        &app.state.config.currency,
        &uzmat::seed::SeedOptions { users, ads, seed, progress: false },
    )
    .expect("seed");
    drop(conn);
    app
}

/// Starts the app with the test config.
pub fn spawn_app() -> TestApp {
    spawn_with(|_| {})
}

/// A response, read whole.
#[derive(Debug)]
pub struct Resp {
    /// Status code.
    pub status: u16,
    /// Body text.
    pub body: String,
    /// Headers as (lowercase name, value).
    pub headers: Vec<(String, String)>,
}

impl Resp {
    /// Every value of a header.
    pub fn header_all(&self, name: &str) -> Vec<&str> {
        self.headers.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect()
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

pub fn read(mut resp: ureq::http::Response<ureq::Body>) -> Resp {
    let status = resp.status().as_u16();
    let headers = resp
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
        .collect();
    let body = resp.body_mut().read_to_string().unwrap_or_default();
    Resp { status, body, headers }
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().into()
}

/// A browser-like User-Agent, so views count.
pub const BROWSER_UA: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Safari/537.36";

impl TestApp {
    /// The full URL of a path.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// GET with extra headers; redirects are not followed.
    pub fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Resp {
        let agent = agent();
        let mut req = agent.get(&self.url(path));
        if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("user-agent")) {
            req = req.header("user-agent", BROWSER_UA);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        read(req.call().expect("request"))
    }

    /// POST an urlencoded form; redirects are not followed.
    pub fn post_form(&self, path: &str, form: &[(&str, &str)], headers: &[(&str, &str)]) -> Resp {
        let agent = agent();
        let mut req = agent.post(&self.url(path)).header("user-agent", BROWSER_UA);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let body = serde_urlencoded::to_string(form).expect("form");
        read(
            req.header("content-type", "application/x-www-form-urlencoded")
                .send(body.as_bytes())
                .expect("request"),
        )
    }

    /// GET.
    pub fn get(&self, path: &str) -> Resp {
        self.get_with(path, &[])
    }

    /// A direct connection to the app's database file.
    pub fn db(&self) -> Connection {
        let path: PathBuf = self.state.config.database_path();
        let c = Connection::open(path).expect("open db");
        c.busy_timeout(Duration::from_secs(5)).expect("busy timeout");
        c
    }

    /// Waits (bounded) until every submitted job is done.
    pub fn drain(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !self.state.jobs.is_idle() {
            assert!(Instant::now() < deadline, "jobs did not drain in 20 s");
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// The number in a metrics line, e.g. `uzmat_jobs_completed_total{kind="view"}`.
    pub fn metric(&self, line_prefix: &str) -> f64 {
        let body = self.get("/metrics").body;
        body.lines()
            .find_map(|l| l.strip_prefix(line_prefix)?.trim().parse().ok())
            .unwrap_or_else(|| panic!("metric {line_prefix} not found"))
    }

    /// Stops the server and starts it again on the same data folder and config (a new port).
    pub fn restart(self) -> TestApp {
        let config = (*self.state.config).clone();
        self.restart_with(config)
    }

    /// Stops the app and starts it again on the same folder with another configuration.
    pub fn restart_with(mut self, config: Config) -> TestApp {
        self.shutdown();
        let dir = tempfile::tempdir().expect("tempdir");
        // the folder moves to the new app; this one's (empty) placeholder is dropped instead
        let dir = std::mem::replace(&mut self.dir, dir);
        start(dir, config)
    }

    fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Rows for tests, inserted straight into SQLite.
pub mod build {
    use rusqlite::Connection;

    /// Inserts a user (e-mail confirmed); returns its id.
    pub fn user(db: &Connection, name: &str, badge_until: Option<i64>) -> i64 {
        let now = uzmat::db::now();
        db.execute(
            "INSERT INTO users (email, name, badge_until, created_at, email_verified_at)
             VALUES (?1, ?2, ?3, ?4, ?4)",
            (
                format!("{}-{}@example.test", name.to_lowercase(), fastrand::u64(..)),
                name,
                badge_until,
                now - 86400 * 400,
            ),
        )
        .expect("insert user");
        db.last_insert_rowid()
    }

    /// An ad under construction.
    #[derive(Clone)]
    pub struct Ad {
        pub owner: i64,
        pub kind: &'static str,
        pub title: String,
        pub country: &'static str,
        pub city: &'static str,
        pub price_minor: Option<i64>,
        pub currency: &'static str,
        pub price_usd_cents: Option<i64>,
        pub equipment_type: Option<&'static str>,
        pub brand: Option<&'static str>,
        pub active: bool,
        pub views: i64,
        pub bumped_at: i64,
        pub created_at: i64,
        pub plan: Option<(&'static str, i64, i64)>,
    }

    impl Ad {
        /// A sale ad in Almaty, bumped `age` seconds ago.
        pub fn new(owner: i64, title: &str, age: i64) -> Self {
            let now = uzmat::db::now();
            Ad {
                owner,
                kind: "sale",
                title: title.to_owned(),
                country: "kz",
                city: "Алматы",
                price_minor: Some(10_000_000),
                currency: "KZT",
                price_usd_cents: Some(20_000),
                equipment_type: Some("экскаватор"),
                brand: Some("Hitachi"),
                active: true,
                views: 0,
                bumped_at: now - age,
                created_at: now - age - 1000,
                plan: None,
            }
        }

        /// Inserts it; returns its id.
        pub fn insert(&self, db: &Connection) -> i64 {
            let (plan, rank, started, until) = match self.plan {
                Some((p, started, until)) => {
                    let rank = match p {
                        "vip" => 3,
                        "premium" => 2,
                        _ => 1,
                    };
                    (Some(p), rank, Some(started), Some(until))
                }
                None => (None, 0, None, None),
            };
            let slug = format!("ad-{}", fastrand::u64(..));
            db.execute(
                "INSERT INTO ads (owner_id, kind, title, slug, description, country, city, phone, price_minor, currency,
                   price_usd_cents, equipment_type, brand, is_active, views_count, bumped_at, created_at, updated_at,
                   plan, plan_rank, plan_started_at, plan_until)
                 VALUES (?1, ?2, ?3, ?4, 'Описание', ?5, ?6, '+7 701 000 00 00', ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15, ?16, ?17, ?18, ?19)",
                rusqlite::params![
                    self.owner, self.kind, self.title, slug, self.country, self.city, self.price_minor, self.currency,
                    self.price_usd_cents, self.equipment_type, self.brand, self.active, self.views, self.bumped_at,
                    self.created_at, plan, rank, started, until
                ],
            )
            .expect("insert ad");
            let id = db.last_insert_rowid();
            db.execute("UPDATE ads SET slug = ?1 WHERE id = ?2", (format!("ad-{id}"), id))
                .expect("slug");
            id
        }
    }

    /// Opens a session for a user; returns the cookie header value.
    /// A signed-in user as the domain sees them (for calling domain actions directly).
    pub fn as_user(user_id: i64) -> uzmat::domain::users::SessionUser {
        uzmat::domain::users::SessionUser {
            id: uzmat::domain::ids::UserId(user_id),
            name: format!("user {user_id}"),
            is_staff: false,
            email_verified: true,
            avatar: None,
            session_hash: String::new(),
        }
    }

    /// Opens `buyer`'s thread about `ad` through the domain; returns its id.
    pub fn chat_thread(db: &mut Connection, ad: i64, buyer: i64) -> i64 {
        let ad = uzmat::domain::ids::AdId(ad);
        uzmat::domain::chats::actions::open_ad_thread(db, &as_user(buyer), ad, uzmat::db::now())
            .expect("db")
            .expect("thread opened")
            .get()
    }

    /// Sends a message through the domain (counters and sealing as the site does); its id.
    pub fn chat_send(
        db: &mut Connection,
        ring: &uzmat::domain::chats::seal::Keyring,
        thread: i64,
        from: i64,
        text: &str,
    ) -> i64 {
        let thread = uzmat::domain::ids::ThreadId(thread);
        uzmat::domain::chats::actions::send(
            db,
            ring,
            &as_user(from),
            thread,
            text,
            &[],
            uzmat::db::now(),
        )
        .expect("db")
        .expect("sent")
        .message
        .id
        .get()
    }

    pub fn session(db: &Connection, user_id: i64) -> String {
        let user = uzmat::domain::ids::UserId(user_id);
        let token = uzmat::domain::sessions::create(db, user, uzmat::db::now(), 30)
            .expect("insert session");
        format!("uzmat_session={token}")
    }
}

/// Clicks a control of the header, opening a phone's folded menu first when it hides it.
pub fn click_in_header(b: &browser::Browser, css: &str) {
    if !b.is_displayed(css).expect("displayed") {
        b.click("label.menu-btn").expect("open the menu");
    }
    b.click(css).unwrap_or_else(|e| panic!("click {css}: {e}"));
}

/// Chooses Russian in the header and waits for the page to come back in it (a click that
/// submits a form returns before the next page is there).
pub fn choose_russian(b: &browser::Browser) {
    // the page may be Russian already (Chromium headless reads as a robot, and robots get
    // Russian at the root): wait for the form's answer itself, a new document, not the language
    b.eval("window.__beforeLanguage = true; return true;").expect("mark the page");
    click_in_header(b, "button.lang-btn[value=ru]");
    for _ in 0..100 {
        let fresh = b.eval("return window.__beforeLanguage !== true;").ok()
            == Some(serde_json::Value::Bool(true));
        if fresh && b.attr("html", "lang").ok().flatten().as_deref() == Some("ru") {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the page never switched to Russian");
}
