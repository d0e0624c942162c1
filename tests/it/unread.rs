//! The unread badge in the header: from the in-memory cache, refreshed by jobs.

use std::time::Duration;

use crate::support::build::{Ad, chat_send, chat_thread, session, user};
use crate::support::{TestApp, spawn_with};

fn thread_with_messages(app: &TestApp, ad: i64, buyer: i64, n: usize) -> i64 {
    let mut db = app.db();
    let t = chat_thread(&mut db, ad, buyer);
    for i in 0..n {
        chat_send(&mut db, &app.state.chat_keys, t, buyer, &format!("Здравствуйте! Вопрос {i}"));
    }
    t
}

fn badge(page: &crate::support::Resp) -> Option<u32> {
    // the badge is always in the page for the live socket, hidden at zero
    let badge = page.html().first("#unread-badge:not([hidden])")?;
    Some(badge.text.parse().unwrap_or_else(|_| panic!("badge {:?} is not a number", badge.text)))
}

#[test]
fn badge_shows_the_count_and_follows_the_cache_rules() {
    let app = spawn_with(|c| c.jobs.unread_cache_seconds = 1);
    let db = app.db();
    let seller = user(&db, "Seller", None);
    let buyer = user(&db, "Buyer", None);
    let ad = Ad::new(seller, "Кран", 1).insert(&db);
    let thread = thread_with_messages(&app, ad, buyer, 3);
    let cookie = session(&db, seller);
    let page = app.get_with("/", &[("cookie", &cookie)]);
    assert_eq!(badge(&page), Some(3), "first page computes the count");
    assert!(page.body.contains("Seller"));

    // within the TTL the cached number is served
    chat_send(&mut app.db(), &app.state.chat_keys, thread, buyer, "Ещё вопрос");
    assert_eq!(badge(&app.get_with("/catalog", &[("cookie", &cookie)])), Some(3));

    // past the TTL: the stale number is shown once while a job refreshes it
    std::thread::sleep(Duration::from_millis(1100));
    let stale = app.get_with("/catalog", &[("cookie", &cookie)]);
    assert_eq!(badge(&stale), Some(3));
    app.drain();
    assert_eq!(badge(&app.get_with("/catalog", &[("cookie", &cookie)])), Some(4));

    // an event for this user (read a thread, sent a message) invalidates: exact next time
    uzmat::domain::chats::actions::mark_read(
        &mut app.db(),
        &crate::support::build::as_user(seller),
        uzmat::domain::ids::ThreadId(thread),
        None,
        uzmat::db::now(),
    )
    .expect("db")
    .expect("read");
    app.state.unread.invalidate(uzmat::domain::ids::UserId(seller));
    assert_eq!(
        badge(&app.get_with("/catalog", &[("cookie", &cookie)])),
        None,
        "all read: no badge"
    );

    // the buyer's own messages never count for the buyer
    let buyer_cookie = session(&db, buyer);
    assert_eq!(badge(&app.get_with("/", &[("cookie", &buyer_cookie)])), None);
    // anonymous visitors have no badge
    assert_eq!(badge(&app.get("/")), None);
}

#[test]
fn with_the_page_cache_on_each_signed_in_page_shows_only_its_own_marks_and_badge() {
    let app = spawn_with(|c| {
        c.server.page_cache_ms = 60_000;
        c.server.count_cache_seconds = 60;
    });
    let db = app.db();
    let seller = user(&db, "Seller", None);
    let (a, b) = (user(&db, "Alima", None), user(&db, "Bakhyt", None));
    let ads: Vec<i64> =
        (0..4).map(|i| Ad::new(seller, &format!("Кран {i}"), 10 + i).insert(&db)).collect();
    for (who, ad) in [(a, ads[0]), (a, ads[1]), (b, ads[2])] {
        db.execute(
            "INSERT INTO favorites (user_id, ad_id, created_at) VALUES (?1, ?2, 0)",
            (who, ad),
        )
        .expect("favorite");
    }
    // Alima has 2 unread messages from Bakhyt about ad 3; Bakhyt has none
    // (the seller of ad 3 is Alima here)
    db.execute("UPDATE ads SET owner_id = ?1 WHERE id = ?2", (a, ads[3])).expect("owner");
    thread_with_messages(&app, ads[3], b, 2);
    let (ca, cb) = (session(&db, a), session(&db, b));
    let marked = |page: &crate::support::Resp| -> Vec<i64> {
        let html = page.html();
        let mut ids: Vec<i64> = html
            .select("article.card:has(.fav-btn[aria-pressed=true])")
            .iter()
            .filter_map(|el| el.attr("data-ad-id").and_then(|v| v.parse().ok()))
            .collect();
        ids.sort();
        ids.dedup();
        ids
    };
    for round in 0..2 {
        // the second round is served from the caches the first filled
        for path in ["/", "/catalog"] {
            let pa = app.get_with(path, &[("cookie", &ca)]);
            let pb = app.get_with(path, &[("cookie", &cb)]);
            let anon = app.get(path);
            assert_eq!(marked(&pa), vec![ads[0], ads[1]], "{path} round {round}: Alima's marks");
            assert_eq!(marked(&pb), vec![ads[2]], "{path} round {round}: Bakhyt's marks");
            assert!(marked(&anon).is_empty(), "{path}: nobody's marks for the anonymous");
            assert_eq!(badge(&pa), Some(2), "{path}: Alima's badge");
            assert_eq!(badge(&pb), None, "{path}: Bakhyt has no badge");
            assert!(pa.body.contains("Alima") && !pa.body.contains("Bakhyt"), "{path}: her name");
            assert!(pb.body.contains("Bakhyt") && !pb.body.contains("Alima"), "{path}: his name");
            let token = |p: &crate::support::Resp| {
                p.html()
                    .first("input[name=csrf_token]")
                    .and_then(|e| e.attr("value").map(str::to_owned))
            };
            assert_ne!(token(&pa), token(&pb), "{path}: each page its own form token");
        }
    }
}

#[test]
fn with_the_session_cache_on_a_sign_out_or_a_ban_ends_the_session_at_once() {
    let app = spawn_with(|c| c.server.session_cache_ms = 60_000);
    let c = crate::support::client::Client::new(&app);
    c.sign_up("Кэш", "cache@example.kz", "ковш и стрела 2024");
    assert_eq!(c.get("/account").status, 200);
    assert_eq!(c.get("/account").status, 200, "served from the cache");
    let cookie = format!("uzmat_session={}", c.session().expect("session"));
    c.post("/logout", &[]);
    // the old cookie, replayed: the session is gone, not cached
    assert_eq!(app.get_with("/account", &[("cookie", &cookie)]).status, 303);

    // a ban: the cached session of the banned user ends too
    let b = crate::support::client::Client::new(&app);
    b.sign_up("Бан", "ban@example.kz", "ковш и стрела 2024");
    assert_eq!(b.get("/account").status, 200);
    let db = app.db();
    let staff = user(&db, "Модератор", None);
    db.execute("UPDATE users SET is_staff = 1 WHERE id = ?1", [staff]).expect("staff");
    let banned: i64 = db
        .query_row("SELECT id FROM users WHERE email = 'ban@example.kz'", [], |r| r.get(0))
        .expect("id");
    let st = crate::support::client::Client::new(&app);
    let cookie = session(&db, staff);
    let (k, v) = cookie.split_once('=').expect("cookie");
    st.cookies.borrow_mut().insert(k.to_owned(), v.to_owned());
    st.get("/admin");
    assert_eq!(st.post(&format!("/admin/users/{banned}/ban"), &[("text", "спам")]).status, 303);
    assert_eq!(b.get("/account").status, 303, "signed out by the ban at once");
}
