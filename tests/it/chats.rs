//! Chats over HTTP and WebSocket against the real app: a conversation through the pages,
//! counters exact under concurrent senders, text sealed at rest, images for participants
//! only, blocks, limits, deleted parties, support, the live socket and the unread mail.

use std::net::TcpStream;
use std::time::{Duration, Instant};

use rusqlite::Connection;

use crate::ads_posting::jpeg;
use crate::support::build::{Ad, as_user, chat_send, chat_thread, session, user};
use crate::support::client::Client;
use crate::support::{TestApp, spawn_app, spawn_with};
use uzmat::domain::chats::actions;
use uzmat::domain::ids::{MessageId, ThreadId};

/// A seller with a published ad and a buyer.
fn market(app: &TestApp) -> (i64, i64, i64) {
    let db = app.db();
    let seller = user(&db, "Продавец", None);
    let buyer = user(&db, "Покупатель", None);
    let ad = Ad::new(seller, "Автокран Ивановец 25 т", 3).insert(&db);
    (seller, buyer, ad)
}

fn badge(page: &crate::support::Resp) -> u32 {
    page.html()
        .first("#unread-badge:not([hidden])")
        .map_or(0, |b| b.text.parse().expect("a number"))
}

fn send_text(c: &Client<'_>, thread: i64, text: &str) -> crate::support::Resp {
    c.get(&format!("/chats/{thread}"));
    c.post_multipart(&format!("/chats/{thread}/messages"), &[("text", text)], &[])
}

/// Every participant's counters against the messages themselves: unread = after what they
/// read, from someone else, not deleted; a user's total = the sum over their threads.
fn assert_counters_exact(db: &Connection) {
    let wrong: Vec<(i64, i64, i64, i64)> = db
        .prepare(
            "SELECT r.thread_id, r.user_id, r.unread,
                    (SELECT count(*) FROM chat_messages m WHERE m.thread_id = r.thread_id
                       AND m.id > r.last_read_id AND m.sender_id <> r.user_id AND m.deleted_at IS NULL)
             FROM chat_reads r",
        )
        .expect("sql")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("rows")
        .map(Result::unwrap)
        .filter(|(_, _, kept, truth)| kept != truth)
        .collect();
    assert!(wrong.is_empty(), "(thread, user, kept, true) counters off: {wrong:?}");
    let totals: i64 = db
        .query_row(
            "SELECT count(*) FROM users u WHERE u.chat_unread <>
               coalesce((SELECT sum(unread) FROM chat_reads r WHERE r.user_id = u.id), 0)",
            [],
            |r| r.get(0),
        )
        .expect("totals");
    assert_eq!(totals, 0, "users whose total is not the sum of their threads");
}

#[test]
fn a_buyer_writes_the_seller_answers_and_each_reads_through_the_pages() {
    let app = spawn_app();
    let (seller, buyer, ad) = market(&app);
    let (s, b) = (Client::signed_in(&app, seller), Client::signed_in(&app, buyer));

    // the ad page offers the buyer a way to write; the seller cannot write to themself
    let page = b.get(&format!("/ad/{ad}"));
    let page = if page.status == 308 || page.status == 301 {
        b.get(page.header("location").expect("canonical"))
    } else {
        page
    };
    assert!(page.html().first("#write-seller").is_some(), "the buyer sees «Написать продавцу»");
    let opened = b.post(&format!("/ad/{ad}/chat"), &[]);
    assert_eq!(opened.status, 303);
    let location = opened.header("location").expect("to the thread").to_owned();
    let thread: i64 = location.trim_start_matches("/chats/").parse().expect("thread id");
    assert_eq!(
        b.post(&format!("/ad/{ad}/chat"), &[]).header("location"),
        Some(location.as_str()),
        "reused"
    );
    s.get("/chats");
    let own = s.post(&format!("/ad/{ad}/chat"), &[]);
    assert_eq!(own.status, 422);
    assert!(own.body.contains("самому себе"), "the owner is told why: {}", own.body);

    // any characters: dashes, emoji, right-to-left, markup (escaped, never markup)
    let text = "Здравствуйте -- кран свободен 5 мая? 🚜\nשלום <b>жирный</b>";
    let sent = send_text(&b, thread, text);
    assert_eq!(sent.status, 303, "{}", sent.body);
    assert_eq!(badge(&s.get("/")), 1, "the seller's badge counts it");
    let inbox = s.get("/chats");
    let row = inbox.html().first(".inbox-row.unread").expect("an unread row");
    assert!(
        row.text.contains("Автокран Ивановец 25 т") && row.text.contains("Покупатель"),
        "{}",
        row.text
    );
    assert!(row.text.contains("Здравствуйте -- кран свободен"), "preview: {}", row.text);

    // opening the thread reads it: the text exactly, the badge gone
    let opened = s.get(&format!("/chats/{thread}"));
    assert_eq!(badge(&opened), 0, "opening the thread clears the badge");
    assert!(opened.html().first(".message .message-text").is_some(), "the message is shown");
    // exactly as written, escaped, its line break kept (the page shows it with pre-wrap)
    let escaped = text.replace('<', "&lt;").replace('>', "&gt;");
    assert!(opened.body.contains(&escaped), "text as written");
    assert!(!opened.body.contains("<b>жирный"), "markup is escaped");
    assert_eq!(badge(&s.get("/")), 0);

    // the answer comes back to the buyer, and the buyer's first message shows it was read
    assert_eq!(send_text(&s, thread, "Да, свободен.").status, 303);
    let page = b.get(&format!("/chats/{thread}"));
    assert!(page.body.contains("Да, свободен."));
    assert!(page.html().first(".message.mine .ticks[data-read]").is_some(), "read ticks");

    // edit (marked) and delete (marked) by the author; not by the other side
    let first: i64 = app
        .db()
        .query_row("SELECT min(id) FROM chat_messages WHERE thread_id = ?1", [thread], |r| r.get(0))
        .expect("id");
    b.get(&format!("/chats/{thread}"));
    assert_eq!(b.post(&format!("/messages/{first}/edit"), &[("text", "Исправлено")]).status, 303);
    s.get(&format!("/chats/{thread}"));
    assert_eq!(s.post(&format!("/messages/{first}/edit"), &[("text", "Чужое")]).status, 403);
    assert_eq!(s.post(&format!("/messages/{first}/delete"), &[]).status, 403);
    let page = s.get(&format!("/chats/{thread}"));
    let edited = page.html().first(&format!("#m{first}")).expect("message");
    assert!(
        edited.text.contains("Исправлено") && edited.text.contains("изменено"),
        "{}",
        edited.text
    );
    b.get(&format!("/chats/{thread}"));
    assert_eq!(b.post(&format!("/messages/{first}/delete"), &[]).status, 303);
    let page = s.get(&format!("/chats/{thread}"));
    let gone = page.html().first(&format!("#m{first}")).expect("message");
    assert!(gone.text.contains("сообщение удалено") && !gone.text.contains("Исправлено"));
    assert_counters_exact(&app.db());
}

#[test]
fn counters_stay_exact_with_eight_concurrent_senders_into_fifty_threads() {
    let app = spawn_app();
    let db = app.db();
    let users: Vec<i64> = (0..10).map(|i| user(&db, &format!("U{i}"), None)).collect();
    let mut threads = Vec::new();
    for t in 0..50 {
        let seller = users[t % 10];
        let buyer = users[(t * 7 + 3) % 10];
        let buyer = if buyer == seller { users[(t + 1) % 10] } else { buyer };
        let ad = Ad::new(seller, &format!("Погрузчик {t}"), 5).insert(&db);
        let thread = chat_thread(&mut app.db(), ad, buyer);
        threads.push((thread, buyer, seller));
    }
    let ring = app.state.chat_keys.clone();
    std::thread::scope(|scope| {
        for worker in 0..8u64 {
            let (threads, ring, app) = (&threads, &ring, &app);
            scope.spawn(move || {
                let mut conn = app.db();
                let mut rng = fastrand::Rng::with_seed(worker);
                for i in 0..60 {
                    let (thread, buyer, seller) = threads[rng.usize(..threads.len())];
                    let (from, to) = if rng.bool() { (buyer, seller) } else { (seller, buyer) };
                    let id = chat_send(&mut conn, ring, thread, from, &format!("{worker}-{i}"));
                    let now = uzmat::db::now();
                    match rng.u8(..10) {
                        // the other side reads, up to this message or all
                        0..=2 => {
                            let up_to = rng.bool().then_some(MessageId(id));
                            actions::mark_read(
                                &mut conn,
                                &as_user(to),
                                ThreadId(thread),
                                up_to,
                                now,
                            )
                            .expect("db")
                            .expect("read");
                        }
                        // the author deletes it (read or not)
                        3 => {
                            actions::delete(&mut conn, ring, &as_user(from), MessageId(id), now)
                                .expect("db")
                                .expect("deleted");
                        }
                        _ => {}
                    }
                }
            });
        }
    });
    let sent: i64 =
        db.query_row("SELECT count(*) FROM chat_messages", [], |r| r.get(0)).expect("n");
    assert_eq!(sent, 8 * 60);
    assert_counters_exact(&db);
    // and the header shows the counter
    let (_, buyer, _) = threads[0];
    let total: u32 = db
        .query_row("SELECT chat_unread FROM users WHERE id = ?1", [buyer], |r| r.get(0))
        .expect("total");
    assert_eq!(badge(&Client::signed_in(&app, buyer).get("/about")), total);
}

#[test]
fn message_text_is_sealed_at_rest_and_opens_with_older_keys_after_rotation() {
    let app = spawn_app();
    let (seller, buyer, ad) = market(&app);
    let b = Client::signed_in(&app, buyer);
    let thread = chat_thread(&mut app.db(), ad, buyer);
    let phrase = "секретная-фраза-7Q2 выезд на объект в 9:00";
    assert_eq!(send_text(&b, thread, phrase).status, 303);
    // the whole database, its WAL and the folder: the phrase is nowhere
    app.db().execute_batch("PRAGMA wal_checkpoint(FULL)").expect("checkpoint");
    for entry in std::fs::read_dir(app.dir.path()).expect("dir") {
        let path = entry.expect("entry").path();
        if path.is_file() {
            let bytes = std::fs::read(&path).expect("read");
            let found = bytes.windows(phrase.len()).any(|w| w == phrase.as_bytes());
            assert!(!found, "the phrase is readable in {}", path.display());
        }
    }
    let key_file = app.dir.path().join("chat-keys.txt");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).expect("key file").permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "only the owner reads the keys");
    }
    // a new key seals from the next start on; the old message still opens
    let new = uzmat::domain::chats::seal::Keyring::rotate(&key_file).expect("rotate");
    assert_eq!(new, 2);
    let app = app.restart();
    let s = Client::signed_in(&app, seller);
    assert_eq!(send_text(&s, thread, "после смены ключа").status, 303);
    let keys: Vec<i64> = app
        .db()
        .prepare("SELECT key_id FROM chat_messages ORDER BY id")
        .expect("sql")
        .query_map([], |r| r.get(0))
        .expect("rows")
        .map(Result::unwrap)
        .collect();
    assert_eq!(keys, vec![1, 2]);
    let page = s.get(&format!("/chats/{thread}"));
    assert!(page.body.contains("секретная-фраза-7Q2") && page.body.contains("после смены ключа"));
}

#[test]
fn images_go_through_the_photo_pipeline_and_out_to_participants_only() {
    let app = spawn_app();
    let (seller, buyer, ad) = market(&app);
    let stranger = user(&app.db(), "Чужой", None);
    let b = Client::signed_in(&app, buyer);
    let thread = chat_thread(&mut app.db(), ad, buyer);
    b.get(&format!("/chats/{thread}"));
    let photo = jpeg(640, 480, 90);
    let r = b.post_multipart(
        &format!("/chats/{thread}/messages"),
        &[("text", "")],
        &[("images", "a.jpg", "image/jpeg", &photo), ("images", "b.jpg", "image/jpeg", &photo)],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let page = Client::signed_in(&app, seller).get(&format!("/chats/{thread}"));
    let srcs: Vec<String> = page
        .html()
        .select(".message-images img")
        .iter()
        .filter_map(|i| i.attr("src").map(str::to_owned))
        .collect();
    assert_eq!(srcs.len(), 2, "both images shown");
    let seller_view = Client::signed_in(&app, seller).get(&srcs[0]);
    assert_eq!(seller_view.status, 200);
    assert_eq!(seller_view.header("content-type"), Some("image/jpeg"));
    assert!(seller_view.header("cache-control").is_some_and(|c| c.starts_with("private")));
    let length: usize =
        seller_view.header("content-length").and_then(|l| l.parse().ok()).expect("length");
    assert!(length > 1_000, "a re-encoded JPEG");
    assert_eq!(Client::signed_in(&app, stranger).get(&srcs[0]).status, 404, "not a participant");
    assert_eq!(app.get(&srcs[0]).status, 303, "anonymous: to sign in");
    let name = srcs[0].rsplit('/').next().expect("name");
    assert_eq!(app.get(&format!("/media/chats/{name}")).status, 404, "never public media");

    // limits, each with a clear message and nothing stored
    let big = vec![0xFFu8; uzmat::domain::chats::MAX_IMAGE_BYTES + 1];
    let count = || -> i64 {
        app.db().query_row("SELECT count(*) FROM chat_messages", [], |r| r.get(0)).expect("n")
    };
    let before = count();
    let j = script(&app, buyer);
    j.get("/about"); // a page with a form token (the thread answers scripts in JSON)
    let to = format!("/chats/{thread}/messages");
    let r = j.post_multipart(&to, &[("text", "")], &[("images", "big.jpg", "image/jpeg", &big)]);
    assert_eq!(r.status, 422);
    assert!(r.body.contains("2 МБ"), "{}", r.body);
    let five: Vec<(&str, &str, &str, &[u8])> =
        (0..5).map(|_| ("images", "p.jpg", "image/jpeg", &photo[..])).collect();
    let r = j.post_multipart(&to, &[("text", "")], &five);
    assert_eq!(r.status, 422);
    assert!(r.body.contains("4 фото"), "{}", r.body);
    let r = j.post_multipart(
        &to,
        &[("text", "")],
        &[("images", "x.jpg", "image/jpeg", b"not a picture")],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(count(), before, "nothing was sent");
}

/// A visitor signed in as `user` whose requests ask for JSON, as the page script does.
fn script(app: &TestApp, user: i64) -> Client<'_> {
    let mut c = Client::signed_in(app, user);
    c.headers.push(("accept".into(), "application/json".into()));
    c
}

#[test]
fn a_blocked_buyer_is_told_and_nothing_is_sent() {
    let app = spawn_app();
    let (seller, buyer, ad) = market(&app);
    let (s, b) = (Client::signed_in(&app, seller), Client::signed_in(&app, buyer));
    let thread = chat_thread(&mut app.db(), ad, buyer);
    assert_eq!(send_text(&b, thread, "Первый вопрос").status, 303);
    s.get(&format!("/chats/{thread}"));
    let r = s.post(&format!("/users/{buyer}/block"), &[("back", &format!("/chats/{thread}"))]);
    assert_eq!(r.status, 303);
    let r = send_text(&b, thread, "Второй вопрос");
    assert_eq!(r.status, 303, "back to the thread with the reason");
    let page = b.get(r.header("location").expect("back"));
    assert!(page.body.contains("ограничил переписку"), "the buyer is told");
    assert!(page.html().first("#composer").is_none(), "no composer while blocked");
    let n: i64 =
        app.db().query_row("SELECT count(*) FROM chat_messages", [], |r| r.get(0)).expect("n");
    assert_eq!(n, 1);
    // the blocker sees their own block, and lifts it
    assert!(s.get(&format!("/chats/{thread}")).body.contains("Вы заблокировали"));
    assert_eq!(s.post(&format!("/users/{buyer}/unblock"), &[]).status, 303);
    assert_eq!(send_text(&b, thread, "Второй вопрос").status, 303);
    assert_eq!(badge(&s.get("/")), 1, "the first was read when the seller opened the thread");
}

#[test]
fn sending_is_rate_limited_per_user_and_text_is_bounded() {
    let app = spawn_with(|c| c.chat.messages_per_minute = 3);
    let (_, buyer, ad) = market(&app);
    let b = Client::signed_in(&app, buyer);
    let thread = chat_thread(&mut app.db(), ad, buyer);
    for i in 0..3 {
        assert_eq!(send_text(&b, thread, &format!("сообщение {i}")).status, 303);
    }
    let r = send_text(&b, thread, "четвёртое");
    let page = b.get(r.header("location").expect("back"));
    assert!(page.body.contains("слишком часто"), "the sender is told to wait");
    let app2 = spawn_app();
    let (_, buyer, ad) = market(&app2);
    let b = Client::signed_in(&app2, buyer);
    let thread = chat_thread(&mut app2.db(), ad, buyer);
    let long = "ж".repeat(5_001);
    let r = send_text(&b, thread, &long);
    assert!(b.get(r.header("location").expect("back")).body.contains("5000 символов"));
    assert_eq!(send_text(&b, thread, &"ж".repeat(5_000)).status, 303, "5,000 characters pass");
    let n: i64 =
        app2.db().query_row("SELECT count(*) FROM chat_messages", [], |r| r.get(0)).expect("n");
    assert_eq!(n, 1);
}

#[test]
fn a_deleted_account_or_ad_leaves_the_thread_readable_and_closed() {
    let app = spawn_app();
    let (seller, buyer, ad) = market(&app);
    let (s, b) = (Client::signed_in(&app, seller), Client::signed_in(&app, buyer));
    let thread = chat_thread(&mut app.db(), ad, buyer);
    assert_eq!(send_text(&b, thread, "Добрый день").status, 303);
    assert_eq!(send_text(&s, thread, "Здравствуйте").status, 303);
    // the seller deletes the ad: the buyer still reads, and cannot write on
    s.get("/my/ads");
    assert_eq!(s.post(&format!("/ad/{ad}/delete"), &[]).status, 303);
    let page = b.get(&format!("/chats/{thread}"));
    assert!(page.body.contains("объявление удалено") && page.body.contains("Здравствуйте"));
    assert!(page.html().first("#composer").is_none());
    // the buyer deletes their account: the seller reads on, the buyer shown as deleted
    let db = app.db();
    db.execute("UPDATE users SET deleted_at = 1, name = '' WHERE id = ?1", [buyer]).expect("gone");
    let page = s.get(&format!("/chats/{thread}"));
    assert!(page.body.contains("пользователь удалён") && page.body.contains("Добрый день"));
    let r = send_text(&s, thread, "Вы тут?");
    assert!(s.get(r.header("location").expect("back")).body.contains("только для чтения"));
}

#[test]
fn support_threads_reach_staff_and_their_answers_reach_the_user() {
    let app = spawn_app();
    let db = app.db();
    let u = user(&db, "Клиент", None);
    let staff = user(&db, "Модератор", None);
    db.execute("UPDATE users SET is_staff = 1 WHERE id = ?1", [staff]).expect("staff");
    let (c, st) = (Client::signed_in(&app, u), Client::signed_in(&app, staff));
    c.get("/chats");
    let r = c.post("/support", &[]);
    let thread: i64 =
        r.header("location").expect("thread").trim_start_matches("/chats/").parse().expect("id");
    assert_eq!(
        c.post("/support", &[]).header("location"),
        Some(format!("/chats/{thread}").as_str()),
        "one per user"
    );
    assert_eq!(send_text(&c, thread, "Не могу загрузить фото").status, 303);
    let queue = st.get("/chats?support=1");
    assert!(queue.body.contains("Не могу загрузить фото") && queue.body.contains("Клиент"));
    assert!(
        st.get("/chats").html().first("a[href='/chats?support=1'] .badge").is_some(),
        "waiting"
    );
    assert_eq!(send_text(&st, thread, "Пришлите, пожалуйста, файл").status, 303);
    let page = c.get("/");
    assert_eq!(badge(&page), 1);
    let page = c.get(&format!("/chats/{thread}"));
    assert!(page.body.contains("Поддержка Uzmat"), "staff answer as the support team");
    // other users do not see it
    let other = Client::signed_in(&app, user(&db, "Другой", None));
    assert_eq!(other.get(&format!("/chats/{thread}")).status, 404);
}

#[test]
fn reports_are_one_open_per_reporter_and_message() {
    let app = spawn_app();
    let (seller, buyer, ad) = market(&app);
    let thread = chat_thread(&mut app.db(), ad, buyer);
    let id = chat_send(
        &mut app.db(),
        &app.state.chat_keys,
        thread,
        seller,
        "Переведите предоплату на карту",
    );
    let b = Client::signed_in(&app, buyer);
    b.get(&format!("/chats/{thread}"));
    let r = b.post(
        &format!("/messages/{id}/report"),
        &[("reason", "fraud"), ("comment", "просит предоплату")],
    );
    assert_eq!(r.status, 303);
    let r = b.post(&format!("/messages/{id}/report"), &[("reason", "fraud")]);
    assert!(b.get(r.header("location").expect("back")).body.contains("уже пожаловались"));
    let r = b.post(&format!("/messages/{id}/report"), &[("reason", "made-up")]);
    assert!(b.get(r.header("location").expect("back")).body.contains("причину"));
    let rows: Vec<(String, i64, String, String)> = app
        .db()
        .prepare("SELECT target_kind, target_id, reason, comment FROM reports")
        .expect("sql")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("rows")
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows, vec![("message".into(), id, "fraud".into(), "просит предоплату".into())]);
}

/// Opens the live socket as `user` with this `Origin` (none: `None`).
fn socket(
    app: &TestApp,
    user: i64,
    origin: Option<&str>,
) -> Result<tungstenite::WebSocket<TcpStream>, tungstenite::Error> {
    use tungstenite::client::IntoClientRequest;
    let mut req = format!("ws://{}/chats/live", app.addr).into_client_request().expect("request");
    req.headers_mut().insert("cookie", session(&app.db(), user).parse().expect("cookie"));
    if let Some(o) = origin {
        req.headers_mut().insert("origin", o.parse().expect("origin"));
    }
    let stream = TcpStream::connect(app.addr).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(3))).expect("timeout");
    tungstenite::client(req, stream).map(|(ws, _)| ws).map_err(|e| match e {
        tungstenite::HandshakeError::Failure(e) => e,
        tungstenite::HandshakeError::Interrupted(_) => tungstenite::Error::ConnectionClosed,
    })
}

/// The next event of a type, skipping others; fails after 3 s.
fn next_event(ws: &mut tungstenite::WebSocket<TcpStream>, kind: &str) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(3);
    while Instant::now() < deadline {
        if let tungstenite::Message::Text(t) = ws.read().expect("event") {
            let v: serde_json::Value = serde_json::from_str(&t).expect("json");
            if v["t"] == kind {
                return v;
            }
        }
    }
    panic!("no {kind} event");
}

#[test]
fn the_live_socket_checks_its_origin_and_carries_messages_reads_and_counts() {
    let app = spawn_app();
    let (seller, buyer, ad) = market(&app);
    let origin = format!("http://{}", app.addr);
    for bad in [None, Some("http://evil.example"), Some("null")] {
        match socket(&app, seller, bad) {
            Err(tungstenite::Error::Http(r)) => assert_eq!(r.status(), 403, "{bad:?}"),
            other => panic!("{bad:?}: {:?}", other.map(|_| ())),
        }
    }
    let mut ws = socket(&app, seller, Some(&origin)).expect("socket");
    let hello = next_event(&mut ws, "hello");
    assert_eq!(hello["user"], seller);
    assert_eq!(hello["unread"], 0);

    let b = Client::signed_in(&app, buyer);
    let thread = chat_thread(&mut app.db(), ad, buyer);
    let started = Instant::now();
    assert_eq!(send_text(&b, thread, "Живое сообщение").status, 303);
    let msg = next_event(&mut ws, "msg");
    assert!(started.elapsed() < Duration::from_secs(1), "delivered within a second");
    assert_eq!(msg["thread"], thread);
    assert_eq!(msg["from"], buyer);
    assert!(msg["html"].as_str().expect("html").contains("Живое сообщение"));
    let unread = next_event(&mut ws, "unread");
    assert_eq!(unread["total"], 1);

    // seen live in the open thread: the socket reads it, and the buyer gets the receipt
    let mut buyer_ws = socket(&app, buyer, Some(&origin)).expect("buyer socket");
    next_event(&mut buyer_ws, "hello");
    let id = msg["id"].as_i64().expect("id");
    let read = serde_json::json!({ "t": "read", "thread": thread, "up_to": id }).to_string();
    ws.send(tungstenite::Message::text(read)).expect("send");
    let receipt = next_event(&mut buyer_ws, "read");
    assert_eq!(receipt["up_to"], id);
    assert_eq!(next_event(&mut ws, "unread")["total"], 0);
    let total: i64 = app
        .db()
        .query_row("SELECT chat_unread FROM users WHERE id = ?1", [seller], |r| r.get(0))
        .expect("total");
    assert_eq!(total, 0);

    // typing hints reach the other side only; an outsider's socket hears nothing of it
    let typing = serde_json::json!({ "t": "typing", "thread": thread }).to_string();
    buyer_ws.send(tungstenite::Message::text(typing)).expect("typing");
    assert_eq!(next_event(&mut ws, "typing")["thread"], thread);

    // catching up after a reconnect is an ordinary request
    let caught = script(&app, buyer).get(&format!("/chats/{thread}?after=0"));
    let v: serde_json::Value = serde_json::from_str(&caught.body).expect("json");
    assert_eq!(v["messages"].as_array().map(Vec::len), Some(1));
    assert_eq!(v["read_up_to"], id);
}

#[test]
fn unread_messages_are_mailed_once_per_wait_and_at_most_hourly_unless_turned_off() {
    let app = spawn_app();
    let (seller, buyer, ad) = market(&app);
    let thread = chat_thread(&mut app.db(), ad, buyer);
    chat_send(&mut app.db(), &app.state.chat_keys, thread, buyer, "Когда можно посмотреть?");
    let mut db = app.db();
    let queue = |db: &mut Connection, now: i64| {
        actions::queue_unread_mail(db, "https://uzmat.example", now).expect("queue")
    };
    let now = uzmat::db::now();
    assert_eq!(queue(&mut db, now), 0, "not before 15 minutes");
    assert_eq!(queue(&mut db, now + 16 * 60), 1, "after 15 minutes unread");
    let body: String = db
        .query_row("SELECT body FROM outbox ORDER BY id DESC LIMIT 1", [], |r| r.get(0))
        .expect("mail");
    assert!(body.contains(&format!("https://uzmat.example/chats/{thread}")), "{body}");
    assert!(!body.contains("Когда можно посмотреть"), "the text stays on the site");
    assert_eq!(queue(&mut db, now + 20 * 60), 0, "once per wait");
    // read, then a new message: a new wait, but not within the hour of the last mail
    let seller_user = as_user(seller);
    actions::mark_read(&mut db, &seller_user, ThreadId(thread), None, now + 21 * 60)
        .expect("db")
        .expect("read");
    db.execute("UPDATE chat_reads SET unread_since = NULL WHERE user_id = ?1", [seller])
        .expect("x");
    chat_send(&mut db, &app.state.chat_keys, thread, buyer, "Ещё вопрос");
    db.execute(
        "UPDATE chat_reads SET unread_since = ?2 WHERE user_id = ?1",
        (seller, now + 30 * 60),
    )
    .expect("x");
    assert_eq!(queue(&mut db, now + 50 * 60), 0, "within the hour of the last mail");
    assert_eq!(queue(&mut db, now + 80 * 60), 1, "an hour on");
    // turned off in the settings: no more
    let s = Client::signed_in(&app, seller);
    s.get("/account");
    assert_eq!(s.post("/account", &[("name", "Продавец"), ("notifications", "1")]).status, 303);
    let on: bool = db
        .query_row("SELECT chat_mail FROM users WHERE id = ?1", [seller], |r| r.get(0))
        .expect("x");
    assert!(!on, "the unticked box turned it off");
    db.execute("UPDATE chat_reads SET mailed_at = 0 WHERE user_id = ?1", [seller]).expect("x");
    assert_eq!(queue(&mut db, now + 200 * 60), 0);
}

/// The real binary: SIGTERM with a live socket open. The socket is told "going away" (1001) at
/// once, not held for the grace period, and the process exits 0.
#[test]
fn sigterm_closes_live_sockets_with_going_away_and_exits_zero() {
    use tungstenite::client::IntoClientRequest;
    let mut server = crate::support::server::Server::start(&[]);
    let cookie = server.session("Слушатель");
    let mut req =
        format!("ws://{}/chats/live", server.addr).into_client_request().expect("request");
    req.headers_mut().insert("cookie", cookie.parse().expect("cookie"));
    req.headers_mut().insert("origin", format!("http://{}", server.addr).parse().expect("origin"));
    let stream = TcpStream::connect(&server.addr).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(8))).expect("timeout");
    let (mut ws, _) = tungstenite::client(req, stream).expect("socket");
    next_event(&mut ws, "hello");
    let metrics = server.raw("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", &[]);
    assert!(metrics.expect("metrics").contains("uzmat_chat_sockets_open 1"));

    let started = Instant::now();
    let pid = server.child.id().to_string();
    assert!(
        std::process::Command::new("kill").args(["-TERM", &pid]).status().expect("kill").success()
    );
    let code = loop {
        match ws.read() {
            Ok(tungstenite::Message::Close(frame)) => break frame.map(|f| u16::from(f.code)),
            Ok(_) => {}
            Err(e) => panic!("the socket ended without a close frame: {e}"),
        }
    };
    assert_eq!(code, Some(1001), "going away");
    assert!(started.elapsed() < Duration::from_secs(2), "closed at once: {:?}", started.elapsed());
    let status = loop {
        if let Some(s) = server.child.try_wait().expect("wait") {
            break s;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "still running 10 s after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "exit {status:?}\n{}", server.log());
}

#[test]
fn a_ban_or_a_sign_out_everywhere_ends_the_users_live_sockets() {
    let app = spawn_app();
    let (seller, _, _) = market(&app);
    let staff = user(&app.db(), "Модератор", None);
    app.db().execute("UPDATE users SET is_staff = 1 WHERE id = ?1", [staff]).expect("staff");
    let origin = format!("http://{}", app.addr);
    let st = Client::signed_in(&app, staff);
    st.get("/admin");
    for (path, form) in [("sign-out", vec![]), ("ban", vec![("text", "мошенничество")])]
    {
        let mut ws = socket(&app, seller, Some(&origin)).expect("socket");
        next_event(&mut ws, "hello");
        let r = st.post(&format!("/admin/users/{seller}/{path}"), &form);
        assert_eq!(r.status, 303, "{path}");
        let closed = loop {
            match ws.read() {
                Ok(tungstenite::Message::Close(_)) | Err(_) => break true,
                Ok(_) => {}
            }
        };
        assert!(closed, "{path}: the socket ended");
        assert_eq!(app.state.hub.open(), 0, "{path}");
    }
    // and a banned user's socket cannot come back
    assert!(socket(&app, seller, Some(&origin)).is_err());
}
