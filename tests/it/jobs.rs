//! The job pool's guarantees (DESIGN §2), each through the real app.

use std::io::{BufRead, BufReader};
use std::net::IpAddr;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use uzmat::config::JobsMode;
use uzmat::domain::ids::AdId;
use uzmat::jobs::{Job, ProbeOutcome, View};

use crate::support::build::{Ad, session, user};
use crate::support::{BROWSER_UA, spawn_app, spawn_with};

fn views(app: &crate::support::TestApp, id: i64) -> i64 {
    app.db()
        .query_row(
            "SELECT views_count + coalesce((SELECT sum(views) FROM ad_views_pending WHERE ad_id = ?1), 0) \
             FROM ads WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .expect("views")
}

#[test]
fn a_view_counts_once_per_client_per_window_never_for_owner_or_bots() {
    let app = spawn_app();
    let db = app.db();
    let owner = user(&db, "Owner", None);
    let id = Ad::new(owner, "Кран", 10).insert(&db);
    let path = format!("/ad/{id}-ad-{id}");
    for _ in 0..3 {
        assert_eq!(app.get_with(&path, &[("x-forwarded-for", "203.0.113.1")]).status, 200);
    }
    app.get_with(&path, &[("x-forwarded-for", "203.0.113.2")]);
    app.get_with(&path, &[("x-forwarded-for", "203.0.113.3"), ("cookie", &session(&db, owner))]);
    app.get_with(
        &path,
        &[
            ("x-forwarded-for", "203.0.113.4"),
            ("user-agent", "Googlebot/2.1 (+http://www.google.com/bot.html)"),
        ],
    );
    app.drain();
    assert_eq!(views(&app, id), 2, "two clients; repeats, the owner and a bot not counted");
}

#[test]
fn counted_views_show_at_once_and_reach_the_views_order_at_the_fold() {
    // no page cache: the listing must show what the database holds at each step
    let app = spawn_with(|c| c.server.page_cache_ms = 0);
    let db = app.db();
    let owner = user(&db, "Owner", None);
    let seen = Ad::new(owner, "Просмотренный", 10).insert(&db);
    let mut other = Ad::new(owner, "Другой", 10);
    other.views = 1;
    let other = other.insert(&db);
    assert_eq!(app.get("/catalog?sort=views").ad_ids(), vec![other, seen]);

    for i in 0..3 {
        let page = app.get_with(
            &format!("/ad/{seen}-ad-{seen}"),
            &[("x-forwarded-for", &format!("203.0.113.{i}"))],
        );
        assert_eq!(page.status, 200);
    }
    app.drain();
    let folded: i64 = db
        .query_row("SELECT views_count FROM ads WHERE id = ?1", [seen], |r| r.get(0))
        .expect("folded");
    assert_eq!(folded, 0, "the views wait in the tally");
    assert_eq!(views(&app, seen), 3);
    // a bot's request: it shows the page without counting
    let page = app.get_with(&format!("/ad/{seen}-ad-{seen}"), &[("user-agent", "Googlebot/2.1")]);
    let count = page.one("#view-count").text;
    assert_eq!(count, "3", "the page shows the exact count");
    assert_eq!(app.get("/catalog?sort=views").ad_ids(), vec![other, seen], "order not yet folded");

    app.state.jobs.enqueue(Job::FoldViews);
    app.drain();
    let (folded, pending): (i64, i64) = db
        .query_row(
            "SELECT views_count, (SELECT count(*) FROM ad_views_pending) FROM ads WHERE id = ?1",
            [seen],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("after fold");
    assert_eq!((folded, pending), (3, 0), "folded into the ad, tally emptied");
    assert_eq!(views(&app, seen), 3, "still counted once");
    assert_eq!(app.get("/catalog?sort=views").ad_ids(), vec![seen, other]);
}

#[test]
fn forwarded_for_is_believed_only_from_trusted_proxies() {
    let app = spawn_with(|c| c.server.trusted_proxies.clear());
    let db = app.db();
    let u = user(&db, "Owner", None);
    let id = Ad::new(u, "Кран", 10).insert(&db);
    for i in 0..5 {
        app.get_with(
            &format!("/ad/{id}-ad-{id}"),
            &[("x-forwarded-for", &format!("198.51.100.{i}"))],
        );
    }
    app.drain();
    assert_eq!(views(&app, id), 1, "spoofed X-Forwarded-For from an untrusted peer is ignored");
}

#[test]
fn a_full_queue_overflows_and_loses_no_view() {
    let app = spawn_with(|c| {
        c.jobs.queue_capacity = 2;
        c.jobs.workers = 1;
        c.jobs.batch_size = 8;
    });
    let db = app.db();
    let u = user(&db, "Owner", None);
    let ids: Vec<i64> = (0..4).map(|i| Ad::new(u, &format!("Ad {i}"), i).insert(&db)).collect();
    let now = uzmat::db::now();
    let n = 4000u32;
    for i in 0..n {
        let client = IpAddr::from((0x0a00_0000 + i).to_be_bytes());
        app.state.jobs.enqueue(Job::View(View {
            ad_id: AdId(ids[(i % 4) as usize]),
            client,
            at: now,
        }));
    }
    app.drain();
    let total: i64 = ids.iter().map(|id| views(&app, *id)).sum();
    assert_eq!(total, i64::from(n));
    assert!(app.metric("uzmat_jobs_overflowed_total{kind=\"view\"}") > 0.0, "the queue did fill");
    assert_eq!(app.metric("uzmat_jobs_dropped_total{kind=\"view\"}"), 0.0);
    assert_eq!(app.metric("uzmat_jobs_completed_total{kind=\"view\"}"), f64::from(n));
}

#[test]
fn beyond_the_overflow_buffer_views_are_dropped_and_counted() {
    let app = spawn_with(|c| {
        c.jobs.queue_capacity = 1;
        c.jobs.overflow_capacity = 5;
        c.jobs.workers = 1;
    });
    let db = app.db();
    let u = user(&db, "Owner", None);
    let id = Ad::new(u, "Ad", 1).insert(&db);
    // hold the write lock so workers stall and the queue stays full
    let mut blocker = app.db();
    let tx =
        blocker.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).expect("lock");
    let now = uzmat::db::now();
    for i in 0..200u32 {
        let client = IpAddr::from((0x0b00_0000 + i).to_be_bytes());
        app.state.jobs.enqueue(Job::View(View { ad_id: AdId(id), client, at: now }));
    }
    tx.commit().expect("release");
    app.drain();
    let dropped = app.metric("uzmat_jobs_dropped_total{kind=\"view\"}");
    assert!(dropped > 0.0, "some views found queue and overflow full");
    assert_eq!(
        views(&app, id) as f64,
        200.0 - dropped,
        "every view not counted as dropped was written"
    );
}

#[test]
fn failing_and_panicking_jobs_are_counted_and_harm_nothing_else() {
    let app = spawn_with(|c| c.jobs.workers = 1);
    let db = app.db();
    let u = user(&db, "Owner", None);
    let id = Ad::new(u, "Ad", 1).insert(&db);
    let now = uzmat::db::now();
    let jobs = &app.state.jobs;
    jobs.enqueue(Job::Probe(ProbeOutcome::Panic));
    jobs.enqueue(Job::View(View { ad_id: AdId(id), client: [10, 1, 1, 1].into(), at: now }));
    jobs.enqueue(Job::Probe(ProbeOutcome::Fail));
    jobs.enqueue(Job::Probe(ProbeOutcome::Ok));
    jobs.enqueue(Job::View(View { ad_id: AdId(id), client: [10, 1, 1, 2].into(), at: now }));
    app.drain();
    assert_eq!(views(&app, id), 2);
    assert_eq!(app.metric("uzmat_jobs_failed_total{kind=\"probe\"}"), 2.0);
    assert_eq!(app.metric("uzmat_jobs_completed_total{kind=\"probe\"}"), 1.0);
    assert_eq!(app.metric("uzmat_jobs_workers"), 1.0, "the worker survived the panic");
    assert_eq!(app.get("/").status, 200);
}

#[test]
fn bump_raises_due_ads_longest_waiting_first_at_most_a_batch() {
    let app = spawn_with(|c| c.jobs.bump_batch = 3);
    app.drain();
    let db = app.db();
    let u = user(&db, "Owner", None);
    let h = 3600;
    let due: Vec<i64> =
        (0..5).map(|i| Ad::new(u, &format!("Due {i}"), (10 - i) * h).insert(&db)).collect();
    let recent = Ad::new(u, "Recent", h).insert(&db);
    let mut inactive = Ad::new(u, "Inactive", 20 * h);
    inactive.active = false;
    let inactive = inactive.insert(&db);
    let bumped_at = |id: i64| -> i64 {
        db.query_row("SELECT bumped_at FROM ads WHERE id = ?1", [id], |r| r.get(0))
            .expect("bumped_at")
    };
    let before: Vec<i64> = due.iter().map(|id| bumped_at(*id)).collect();
    // the catalog lists by bump, freshest first (`/catalog`: a home visit would nudge a bump)
    let fresh = || app.get("/catalog").ad_ids();
    assert_eq!(fresh()[0], recent, "before the run the most recently bumped leads");
    app.state.jobs.enqueue(Job::Bump);
    app.drain();
    let now = uzmat::db::now();
    for (i, id) in due.iter().enumerate() {
        if i < 3 {
            assert!(bumped_at(*id) >= now - 5, "the three longest-waiting are raised");
        } else {
            assert_eq!(bumped_at(*id), before[i], "beyond the batch: wait for the next run");
        }
    }
    assert!(bumped_at(recent) < now - h + 5, "not yet due");
    assert!(bumped_at(inactive) < now - 19 * h, "inactive ads are not raised");
    // the raised ads lead, ahead of the ad bumped an hour ago (ties: newest id first)
    assert_eq!(fresh(), vec![due[2], due[1], due[0], recent, due[4], due[3]]);
    app.state.jobs.enqueue(Job::Bump);
    app.drain();
    assert!(bumped_at(due[4]) >= now - 5, "the next run raises the rest");
    let raised_last = vec![due[4], due[3], due[2], due[1], due[0], recent];
    assert_eq!(fresh(), raised_last);
    assert_eq!(app.get("/").ad_ids_in("#fresh"), raised_last, "the home page's fresh block too");
}

#[test]
fn home_visits_nudge_the_bump_at_most_once_per_interval() {
    let app = spawn_app();
    // the scheduler's start-up run comes first
    let deadline = Instant::now() + Duration::from_secs(10);
    while app.metric("uzmat_jobs_submitted_total{kind=\"bump\"}") < 1.0 {
        assert!(Instant::now() < deadline, "no start-up bump");
        std::thread::sleep(Duration::from_millis(5));
    }
    app.drain();
    let before = app.metric("uzmat_jobs_submitted_total{kind=\"bump\"}");
    for _ in 0..5 {
        assert_eq!(app.get("/").status, 200);
    }
    app.drain();
    assert_eq!(app.metric("uzmat_jobs_submitted_total{kind=\"bump\"}"), before + 1.0);
}

#[test]
fn inline_mode_counts_the_view_before_answering() {
    let app = spawn_with(|c| c.jobs.mode = JobsMode::Inline);
    let db = app.db();
    let u = user(&db, "Owner", None);
    let id = Ad::new(u, "Ad", 1).insert(&db);
    for i in 0..3 {
        app.get_with(&format!("/ad/{id}-ad-{id}"), &[("x-forwarded-for", &format!("192.0.2.{i}"))]);
        assert_eq!(views(&app, id), i + 1, "no drain needed: written in the request");
    }
}

#[test]
fn metrics_expose_jobs_and_http() {
    let app = spawn_app();
    app.get("/");
    app.get("/catalog");
    let m = app.get("/metrics");
    assert_eq!(m.status, 200);
    for name in [
        "uzmat_jobs_submitted_total{kind=\"view\"}",
        "uzmat_jobs_completed_total{kind=\"bump\"}",
        "uzmat_jobs_failed_total{kind=\"unread_cache\"}",
        "uzmat_jobs_queue_depth",
        "uzmat_job_duration_seconds_bucket{kind=\"view\",le=\"0.001\"}",
        "uzmat_http_requests_total{method=\"GET\",route=\"/catalog\",status=\"200\"} 1",
        "uzmat_http_request_duration_seconds_count{method=\"GET\",route=\"/\"}",
    ] {
        assert!(m.body.contains(name), "missing {name}");
    }
}

#[test]
fn shutdown_cuts_a_view_linger_short_and_keeps_the_view() {
    let app = spawn_with(|c| c.jobs.view_linger_ms = 5_000);
    let db = app.db();
    let u = user(&db, "Owner", None);
    let id = Ad::new(u, "Ad", 1).insert(&db);
    app.get_with(&format!("/ad/{id}-ad-{id}"), &[("x-forwarded-for", "192.0.2.7")]);
    // the worker has taken the view and is gathering more
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(views(&app, id), 0, "still lingering");
    let started = Instant::now();
    app.state.jobs.shutdown();
    let took = started.elapsed();
    assert!(took < Duration::from_millis(2_500), "shutdown waited out the linger: {took:?}");
    assert_eq!(views(&app, id), 1, "the lingering view was written");
}

#[test]
fn a_full_batch_ends_the_linger_early() {
    let app = spawn_with(|c| {
        c.jobs.workers = 1;
        c.jobs.view_linger_ms = 5_000;
        c.jobs.batch_size = 3;
    });
    let db = app.db();
    let u = user(&db, "Owner", None);
    let ids: Vec<i64> = (0..4).map(|i| Ad::new(u, &format!("Ad {i}"), 1).insert(&db)).collect();
    let started = Instant::now();
    // the first view starts the linger; three more fill a batch behind it
    for (i, id) in ids.iter().enumerate() {
        app.get_with(&format!("/ad/{id}-ad-{id}"), &[("x-forwarded-for", &format!("192.0.2.{i}"))]);
    }
    let total = || ids.iter().map(|id| views(&app, *id)).sum::<i64>();
    while total() < 3 {
        assert!(started.elapsed() < Duration::from_millis(2_500), "the linger ran its 5 s");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The real binary: queue views while the database is locked, SIGTERM, and find every one
/// written after a clean exit.
#[test]
fn sigterm_drains_the_queue_and_exits_zero() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("uzmat.toml");
    std::fs::write(
        &config,
        format!(
            "[server]\nbind = \"127.0.0.1:0\"\ntrusted_proxies = [\"127.0.0.1\"]\ndata_dir = \"{}\"\n[database]\nbusy_timeout_ms = 30000\n[jobs]\nworkers = 2\nview_linger_ms = 0\n",
            dir.path().display()
        ),
    )
    .expect("config");
    let bin = env!("CARGO_BIN_EXE_uzmat");
    let status = Command::new(bin)
        .args(["--config", config.to_str().expect("utf8"), "migrate"])
        .status()
        .expect("migrate");
    assert!(status.success());
    let db_path = dir.path().join("uzmat.db");
    let db = rusqlite::Connection::open(&db_path).expect("db");
    let u = user(&db, "Owner", None);
    let ids: Vec<i64> = (0..10).map(|i| Ad::new(u, &format!("Ad {i}"), i).insert(&db)).collect();

    let child = Command::new(bin)
        .args(["--config", config.to_str().expect("utf8"), "serve"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn uzmat");
    let mut child = KillOnDrop(child);
    let child_pid = child.0.id();
    let stderr = child.0.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let deadline = Instant::now() + Duration::from_secs(30);
    let addr = loop {
        assert!(Instant::now() < deadline, "server did not start");
        let line = lines.next().expect("log line").expect("read");
        if let Some(rest) = line.split("open http://").nth(1) {
            break rest.split_whitespace().next().expect("address").to_owned();
        }
    };
    // keep reading the log so the child never blocks on a full pipe
    let log = std::thread::spawn(move || lines.map_while(Result::ok).collect::<Vec<_>>());

    let mut blocker = rusqlite::Connection::open(&db_path).expect("db");
    let tx =
        blocker.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).expect("lock");
    let agent: ureq::Agent =
        ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let n = 200;
    for i in 0..n {
        let id = ids[i % ids.len()];
        let r = agent
            .get(&format!("http://{addr}/ad/{id}-ad-{id}"))
            .header("user-agent", BROWSER_UA)
            .header("x-forwarded-for", &format!("10.9.{}.{}", i / 250, i % 250))
            .call()
            .expect("request");
        assert_eq!(r.status().as_u16(), 200);
    }
    let metrics = agent
        .get(&format!("http://{addr}/metrics"))
        .call()
        .expect("metrics")
        .body_mut()
        .read_to_string()
        .expect("body");
    let queued: f64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("uzmat_jobs_queue_depth ")?.parse().ok())
        .expect("queue depth");
    assert!(queued > 0.0, "views are waiting in the queue while the database is locked");

    let kill = Command::new("kill").args(["-TERM", &child_pid.to_string()]).status().expect("kill");
    assert!(kill.success());
    std::thread::sleep(Duration::from_millis(300));
    tx.commit().expect("release the lock");
    let status = child.0.wait().expect("wait");
    let log = log.join().expect("log");
    assert!(status.success(), "exit status {status:?}; log:\n{}", log.join("\n"));
    let total: i64 =
        db.query_row("SELECT sum(views_count) FROM ads", [], |r| r.get(0)).expect("sum");
    assert_eq!(total, n as i64, "every queued view was written before exit");
}

/// Kills the server if the test fails half-way, so no process outlives the test.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
