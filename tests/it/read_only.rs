//! A read-only replica: pages from a database opened read-only, every write refused with a
//! clear 503, jobs paused, the file unchanged.

use crate::support::build::{Ad, session, user};
use crate::support::{TestApp, spawn_app};

/// A primary with some data, stopped; then the same folder served as a replica.
fn replica() -> (TestApp, i64, String) {
    let primary = spawn_app();
    let db = primary.db();
    let owner = user(&db, "Продавец", None);
    let ad = Ad::new(owner, "Бульдозер Shantui SD16", 3).insert(&db);
    let cookie = session(&db, owner);
    drop(db);
    let mut config = (*primary.state.config).clone();
    config.database.read_only = true;
    let app = primary.restart_with(config);
    (app, ad, cookie)
}

fn fingerprint(app: &TestApp) -> (i64, i64, i64) {
    let db = app.db();
    let n = |sql: &str| -> i64 { db.query_row(sql, [], |r| r.get(0)).expect("count") };
    (
        n("SELECT count(*) FROM users"),
        n("SELECT coalesce(sum(views_count), 0) FROM ads"),
        n("SELECT count(*) FROM sessions"),
    )
}

#[test]
fn a_replica_serves_pages_refuses_every_write_and_changes_nothing() {
    let (app, ad, cookie) = replica();
    let before = fingerprint(&app);
    for path in ["/", "/catalog", &format!("/ad/{ad}"), "/login", "/about"] {
        let r = app.get(path);
        assert!(r.status == 200 || r.status == 301 || r.status == 308, "{path}: {}", r.status);
    }
    // signed in, pages still show (the session is only read)
    let page = app.get_with("/chats", &[("cookie", &cookie)]);
    assert_eq!(page.status, 200);
    // every write: 503 with Retry-After and the reason, whoever sends it
    for (path, form) in [
        ("/login", vec![("email", "a@b.kz"), ("password", "x")]),
        ("/signup", vec![("email", "new@example.kz")]),
        ("/prefs", vec![("theme", "light")]),
    ] {
        let r = app.post_form(path, &form, &[("cookie", &cookie)]);
        assert_eq!(r.status, 503, "{path}");
        assert_eq!(r.header("retry-after"), Some("120"));
        assert!(r.body.contains("только для чтения"), "{path}: the reason is shown");
    }
    assert_eq!(app.get("/verify-email/sometoken").status, 503, "a GET that writes is a write");
    let health = app.get("/healthz");
    assert_eq!((health.status, health.body.as_str()), (200, "ok (read-only replica)"));
    // views and session touches were jobs: paused and counted, never run
    app.drain();
    assert!(app.metric("uzmat_jobs_paused_total") >= 1.0, "the views of the ad page were paused");
    assert_eq!(fingerprint(&app), before, "the database did not change");
}
