//! Chats in two real browsers at once, a buyer and a seller, each signed in with its own
//! session cookie: the buyer writes from the ad page, the seller's open page learns of it over
//! the live socket within a second (the header badge, the open thread), and the same
//! conversation works with JavaScript off (forms post, pages reload). A last test lays out
//! the inbox and a busy thread at desktop and phone widths in both themes.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use uzmat::domain::ids::{MessageId, UserId};

use crate::support::browser::{Browser, should_run};
use crate::support::{TestApp, build, spawn_app};

/// What "live" means here: the other browser shows it within this, without a reload.
const LIVE: Duration = Duration::from_secs(1);
/// Bound for things that are not about liveness (a form post and its reload).
const SLOW: Duration = Duration::from_secs(5);

/// The buyer's first message: dashes, an emoji, right-to-left text (Hebrew, Arabic), markup
/// and an entity that must stay text, quotes, and a line break.
// Symbols of the Basic Multilingual Plane only: ChromeDriver (Debian's 148) types no other
// characters ("only supports characters in the BMP"); `chats.rs` sends an emoji over HTTP.
const HELLO: &str = "Здравствуйте -- ещё продаёте? ⛏\n<b>שלום</b> &amp; مرحبا, \"торг\" уместен?";

/// Polls `f` every 20 ms until it holds or `limit` passes; how long it took, if it held.
fn wait_for(limit: Duration, mut f: impl FnMut() -> bool) -> Option<Duration> {
    let start = Instant::now();
    loop {
        if f() {
            return Some(start.elapsed());
        }
        if start.elapsed() >= limit {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The seller, the buyer and the seller's ad.
fn people(app: &TestApp) -> (i64, i64, i64) {
    let db = app.db();
    let seller = build::user(&db, "Ерлан Продавец", None);
    let buyer = build::user(&db, "Айгерим Покупатель", None);
    let ad = build::Ad::new(seller, "Экскаватор Hitachi ZX200, 2015", 60).insert(&db);
    (seller, buyer, ad)
}

/// Starts a browser (both of a pair at once: startup is the slow part) and signs `user` in
/// with a fresh session cookie; the site speaks Russian to it.
fn signed_in_pair(app: &TestApp, users: [i64; 2], js: bool) -> (Browser, Browser) {
    let cookies: Vec<String> = {
        let db = app.db();
        users.iter().map(|u| build::session(&db, *u)).collect()
    };
    let start = |cookie: &str| {
        let b = if js { Browser::start(1280, 900) } else { Browser::start_without_js(1280, 900) }
            .expect("start browser");
        // a cookie needs a page of its site open first
        b.goto(&app.url("/robots.txt")).expect("open the site");
        let token = cookie.strip_prefix("uzmat_session=").expect("session cookie");
        b.set_cookie("uzmat_session", token, true).expect("session cookie");
        b.set_cookie("lang", "ru", false).expect("language cookie");
        // a plain-text page has no icon link: Chromium's guess at /favicon.ico 404s
        let noise = b.console_errors().expect("console");
        assert!(noise.iter().all(|e| e.contains("/favicon.ico")), "{noise:?}");
        b
    };
    std::thread::scope(|s| {
        let first = s.spawn(|| start(&cookies[0]));
        let second = start(&cookies[1]);
        (first.join().expect("first browser"), second)
    })
}

/// The header badge: (its text, whether it is shown).
fn badge(b: &Browser) -> (String, bool) {
    let v = b
        .eval(
            "const e = document.getElementById('unread-badge');\
             if (!e) { return null; }\
             return [e.textContent.trim(), !e.hidden && getComputedStyle(e).display !== 'none'];",
        )
        .expect("read the badge");
    assert!(!v.is_null(), "a signed-in page has #unread-badge in its header");
    (v[0].as_str().unwrap_or_default().to_string(), v[1].as_bool().unwrap_or(false))
}

/// Marks the current document, to tell later whether the page was reloaded.
fn mark(b: &Browser) {
    b.eval("window.__same_page = true; return true;").expect("mark the page");
}

fn same_page(b: &Browser) -> bool {
    b.eval("return window.__same_page === true;").expect("check the mark") == Value::Bool(true)
}

/// Waits until the page open in `b` has its live socket registered with the hub: pushes a
/// harmless event to every socket of `user` until the page's badge shows it. (A socket still
/// connecting would miss a message sent now; the socket of a page left behind cannot answer.)
fn wait_live(app: &TestApp, b: &Browser, user: i64) {
    let before = badge(b).0;
    b.eval("document.getElementById('unread-badge').textContent = 'probe'; return true;")
        .expect("probe");
    let probe = json!({ "t": "unread", "total": 0, "thread": 0, "thread_unread": 0 }).to_string();
    let live = wait_for(SLOW, || {
        app.state.hub.send(UserId(user), &probe);
        std::thread::sleep(Duration::from_millis(10));
        badge(b).0 != "probe"
    });
    assert!(live.is_some(), "the page's live socket never connected");
    // the probe said 0: put the real count back, as the page had it
    b.eval_with(
        "const e = document.getElementById('unread-badge'); e.textContent = arguments[0];\
         e.hidden = arguments[0] === '0'; return true;",
        &[json!(before)],
    )
    .expect("restore the badge");
}

/// `/chats/{id}` (a fragment allowed) -> id.
fn thread_of(url: &str) -> Option<i64> {
    let rest = url.split("/chats/").nth(1)?;
    rest.split(['#', '?']).next()?.parse().ok()
}

/// The messages on the page: (id, classes, exact text of `.message-text`, its innerHTML).
fn messages(b: &Browser) -> Vec<(i64, String, String, String)> {
    let v = b
        .eval(
            "return Array.from(document.querySelectorAll('#messages li.message')).map(li => {\
               const t = li.querySelector('.message-text');\
               return [Number(li.dataset.id), li.className, t ? t.textContent : '', t ? t.innerHTML : ''];\
             });",
        )
        .expect("read the messages");
    v.as_array()
        .expect("a list")
        .iter()
        .map(|m| {
            (
                m[0].as_i64().unwrap_or(0),
                m[1].as_str().unwrap_or_default().to_string(),
                m[2].as_str().unwrap_or_default().to_string(),
                m[3].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// Unread messages of a user, from the database.
fn unread(app: &TestApp, user: i64) -> u32 {
    uzmat::domain::chats::repo::unread_total(&app.db(), UserId(user)).expect("unread total")
}

/// Checks one rendered message against what was sent: the exact text (escaped, so markup and
/// entities stay text; line breaks kept and shown as such), whose it is.
fn check_message(b: &Browser, who: &str, id: i64, text: &str, mine: bool) {
    let all = messages(b);
    let (_, class, shown, inner) = all
        .iter()
        .find(|m| m.0 == id)
        .unwrap_or_else(|| panic!("{who}: message {id} is not on the page: {all:?}"));
    assert_eq!(shown, text, "{who}: the message's text, exactly as sent");
    assert!(
        inner.contains("&lt;b&gt;") && inner.contains("&amp;amp;") || !text.contains("<b>"),
        "{who}: markup in the text is escaped, not interpreted: {inner}"
    );
    let sel = format!("#m{id} .message-text b");
    assert_eq!(b.count_now(&sel).expect("count"), 0, "{who}: no <b> element came from the text");
    assert_eq!(
        class.split_whitespace().any(|c| c == "mine"),
        mine,
        "{who}: message {id} has `mine` only on its author's page (classes: {class})"
    );
    // what the reader sees keeps the line break (white-space: pre-wrap)
    let visible = b.text(&format!("#m{id} .message-text")).expect("visible text");
    assert_eq!(visible, text, "{who}: the visible text keeps its line breaks");
    let lines = b
        .eval_with(
            "const t = document.querySelector(arguments[0]);\
             const h = parseFloat(getComputedStyle(t).lineHeight) || 20;\
             return Math.round(t.getBoundingClientRect().height / h);",
            &[json!(format!("#m{id} .message-text"))],
        )
        .expect("lines");
    let expected = text.lines().count() as i64;
    assert!(
        lines.as_i64().unwrap_or(0) >= expected,
        "{who}: {expected} lines shown on as many rows (got {lines})"
    );
}

/// Types `text` into the composer; with `shift_enter`, line breaks are Shift+Enter (the page
/// script sends on a bare Enter), otherwise plain Enter (a textarea without scripts).
fn compose(b: &Browser, text: &str, shift_enter: bool) {
    let keys = if shift_enter {
        // W3C keys: Shift is sticky until the NULL key releases it
        text.replace('\n', "\u{E008}\u{E007}\u{E000}")
    } else {
        text.replace('\n', "\u{E007}")
    };
    b.type_into("#chat-text", &keys).expect("type the message");
    assert_eq!(
        b.prop("#chat-text", "value").expect("value"),
        json!(text),
        "the composer holds the message as typed"
    );
}

fn no_console_errors(b: &Browser, who: &str) {
    let errors = b.console_errors().expect("console");
    assert!(errors.is_empty(), "{who}: console errors: {errors:?}");
}

#[test]
fn a_buyer_writes_from_the_ad_and_the_seller_sees_it_live() {
    if !should_run() {
        return;
    }
    let app = spawn_app();
    let (seller, buyer, ad) = people(&app);
    let (s, b) = signed_in_pair(&app, [seller, buyer], true);

    // the seller is on the home page, nothing unread
    s.goto(&app.url("/")).expect("seller: home");
    assert_eq!(badge(&s), ("0".into(), false), "seller: the badge is hidden at zero");
    wait_live(&app, &s, seller);
    mark(&s);

    // the buyer writes from the ad page
    b.goto(&app.url(&format!("/ad/{ad}"))).expect("buyer: the ad");
    b.click("#write-seller").expect("buyer: write to the seller");
    let mut thread = None;
    wait_for(SLOW, || {
        thread = b.current_url().ok().as_deref().and_then(thread_of);
        thread.is_some()
    });
    let thread = thread.expect("buyer: landed on the thread");
    assert!(b.is_displayed("#no-messages").expect("empty"), "buyer: a new thread says it is empty");
    compose(&b, HELLO, true);
    let sent = Instant::now();
    b.click("#chat-send").expect("buyer: send");

    // (a) the seller's header counts it, no reload
    let took = wait_for(LIVE, || badge(&s) == ("1".into(), true));
    assert!(
        took.is_some(),
        "seller: #unread-badge did not show 1 within {LIVE:?} of sending (it shows {:?})",
        badge(&s)
    );
    let badge_after = sent.elapsed();
    assert!(same_page(&s), "seller: the home page was not reloaded");
    assert!(s.is_displayed("#unread-badge").expect("badge"), "seller: the badge is visible");

    // the buyer's own message is in place, marked as theirs, the composer emptied
    assert!(
        wait_for(LIVE, || b.count_now("#messages li.message.mine").unwrap_or(0) == 1).is_some(),
        "buyer: the sent message did not appear as `mine` within {LIVE:?}"
    );
    let first = messages(&b)[0].0;
    check_message(&b, "buyer", first, HELLO, true);
    assert_eq!(b.count_now("#no-messages").expect("count"), 0, "buyer: the empty note is gone");
    assert_eq!(b.prop("#chat-text", "value").expect("value"), json!(""), "buyer: composer reset");

    // the inbox lists the thread as unread with the message's start; opening it reads it
    s.click("#chats-link").expect("seller: the header's messages link");
    let row = format!("#inbox li.inbox-row.unread[data-thread='{thread}']");
    assert_eq!(s.count(&row).expect("row"), 1, "seller: the thread is unread in the inbox");
    let preview = s.text(&format!("{row} .inbox-preview")).expect("preview");
    assert!(preview.starts_with("Здравствуйте -- ещё продаёте? ⛏"), "preview: {preview}");
    assert_eq!(s.text(&format!("{row} .thread-unread")).expect("count"), "1");
    assert_eq!(badge(&s), ("1".into(), true), "seller: the inbox alone reads nothing");
    s.click(&format!("{row} .inbox-link")).expect("seller: open the thread");
    assert!(
        wait_for(SLOW, || s.count_now(&format!("#m{first}")).unwrap_or(0) == 1).is_some(),
        "seller: the thread page opened"
    );
    assert_eq!(badge(&s), ("0".into(), false), "seller: opening the thread read it");
    check_message(&s, "seller", first, HELLO, false);
    assert_eq!(unread(&app, seller), 0);
    wait_live(&app, &s, seller);
    mark(&s);

    // (b) with the thread open, the next message comes in live and is read at once; this one
    // goes with a bare Enter
    let second_text = "И ещё: есть ли документы на технику? ✅";
    b.type_into("#chat-text", &format!("{second_text}\u{E007}")).expect("buyer: type, Enter");
    let sent = Instant::now();
    let appeared = wait_for(LIVE, || messages(&s).len() == 2);
    assert!(
        appeared.is_some(),
        "seller: the second message did not appear in the open thread within {LIVE:?}"
    );
    let thread_after = sent.elapsed();
    let second = messages(&s)[1].0;
    check_message(&s, "seller", second, second_text, false);
    assert!(same_page(&s), "seller: the thread was not reloaded");
    // the socket's own unread count may flash 1 before the read lands: it ends at 0
    let cleared = wait_for(LIVE, || badge(&s) == ("0".into(), false) && unread(&app, seller) == 0);
    assert!(
        cleared.is_some(),
        "seller: a message arriving in the open thread was not read within {LIVE:?} \
         (badge {:?}, unread in the database {})",
        badge(&s),
        unread(&app, seller)
    );
    // the buyer learns both were read
    assert!(
        wait_for(LIVE, || {
            b.count_now("#messages li.message.mine .ticks[data-read]").unwrap_or(0) == 2
        })
        .is_some(),
        "buyer: the read marks did not turn within {LIVE:?}"
    );

    // the seller answers; the buyer, with the thread open, sees it live, not as theirs
    let reply = "Да, продаю. Документы есть -- приезжайте ☺";
    s.type_into("#chat-text", reply).expect("seller: type");
    s.click("#chat-send").expect("seller: send");
    assert!(
        wait_for(LIVE, || messages(&b).len() == 3).is_some(),
        "buyer: the seller's answer did not appear within {LIVE:?}"
    );
    let third = messages(&b)[2].0;
    check_message(&b, "buyer", third, reply, false);
    assert!(
        wait_for(LIVE, || messages(&s).len() == 3).is_some(),
        "seller: the own answer stays on the page"
    );
    check_message(&s, "seller", third, reply, true);
    assert!(
        wait_for(LIVE, || unread(&app, buyer) == 0).is_some(),
        "buyer: the answer was read in the open thread"
    );
    assert_eq!(badge(&b), ("0".into(), false), "buyer: nothing left unread");
    assert_eq!(messages(&s).iter().filter(|m| m.1.contains("mine")).count(), 1);
    assert_eq!(messages(&b).iter().filter(|m| m.1.contains("mine")).count(), 2);
    no_console_errors(&s, "seller");
    no_console_errors(&b, "buyer");
    eprintln!(
        "live: badge on the home page after {badge_after:?}, message in the open thread after \
         {thread_after:?}"
    );
}

/// Submits the composer without scripts and waits for the page it redirects to (PRG): the
/// thread again, at the new message.
fn send_by_form(b: &Browser, thread: i64) -> i64 {
    mark(b);
    b.click("#chat-send").expect("send");
    let mut id = None;
    wait_for(SLOW, || {
        let url = b.current_url().unwrap_or_default();
        id = url
            .split_once(&format!("/chats/{thread}#m"))
            .and_then(|(_, m)| m.parse::<i64>().ok())
            .filter(|_| b.count_now("#composer").unwrap_or(0) == 1 && !same_page(b));
        id.is_some()
    });
    let id = id.expect("the post redirected back to the thread at the new message");
    assert_eq!(b.response_status().expect("status"), Some(200));
    id
}

#[test]
fn the_same_conversation_works_without_javascript() {
    if !should_run() {
        return;
    }
    let app = spawn_app();
    let (seller, buyer, ad) = people(&app);
    let (s, b) = signed_in_pair(&app, [seller, buyer], false);

    b.goto(&app.url(&format!("/ad/{ad}"))).expect("buyer: the ad");
    b.click("#write-seller").expect("buyer: write to the seller");
    let mut thread = None;
    wait_for(SLOW, || {
        thread = b.current_url().ok().as_deref().and_then(thread_of);
        thread.is_some() && b.count_now("#composer").unwrap_or(0) == 1
    });
    let thread = thread.expect("buyer: landed on the thread");
    // without scripts Enter is only a line break in the textarea
    compose(&b, HELLO, false);
    let first = send_by_form(&b, thread);
    check_message(&b, "buyer", first, HELLO, true);
    assert_eq!(b.prop("#chat-text", "value").expect("value"), json!(""));

    // the seller finds it on their next page view, reads it by opening the thread
    s.goto(&app.url("/")).expect("seller: home");
    assert_eq!(badge(&s), ("1".into(), true), "seller: the badge counts the new message");
    s.click("#chats-link").expect("seller: messages");
    let row = format!("#inbox li.inbox-row.unread[data-thread='{thread}'] .inbox-link");
    s.click(&row).expect("seller: open the thread");
    assert!(
        wait_for(SLOW, || s.count_now(&format!("#m{first}")).unwrap_or(0) == 1).is_some(),
        "seller: the thread shows the buyer's message"
    );
    assert_eq!(badge(&s), ("0".into(), false), "seller: opening the thread cleared the badge");
    assert_eq!(unread(&app, seller), 0);
    check_message(&s, "seller", first, HELLO, false);

    // the seller answers by the form: the page reloads and shows it
    let reply = "Да, продаю -- приезжайте.\nשבת שלום ☺";
    compose(&s, reply, false);
    let second = send_by_form(&s, thread);
    check_message(&s, "seller", second, reply, true);

    // the buyer's other pages count it; reloading the thread shows and reads it
    b.goto(&app.url("/")).expect("buyer: home");
    assert_eq!(badge(&b), ("1".into(), true), "buyer: the badge counts the answer");
    b.goto(&app.url(&format!("/chats/{thread}"))).expect("buyer: reload the thread");
    check_message(&b, "buyer", second, reply, false);
    check_message(&b, "buyer", first, HELLO, true);
    assert_eq!(badge(&b), ("0".into(), false), "buyer: opening the thread cleared the badge");
    assert_eq!(unread(&app, buyer), 0);
    // the seller read the first message: the buyer's page says so
    assert_eq!(b.count_now(&format!("#m{first} .ticks[data-read]")).expect("ticks"), 1);

    // no page ran a script: no live socket was ever opened
    assert_eq!(app.state.hub.open(), 0, "with JavaScript off, no page opens a socket");
    no_console_errors(&s, "seller");
    no_console_errors(&b, "buyer");
}

/// A small JPEG of one colour with a darker band, for the composer.
fn jpeg(dir: &std::path::Path) -> PathBuf {
    let path = dir.join("bucket.jpg");
    let img = image::RgbImage::from_fn(480, 320, |_, y| {
        if y > 200 { image::Rgb([120, 90, 40]) } else { image::Rgb([230, 170, 40]) }
    });
    img.save(&path).expect("write the jpeg");
    path
}

/// Where screenshots go: `UZMAT_SHOTS` if set, else `target/screenshots/`.
fn shots_dir() -> PathBuf {
    std::env::var_os("UZMAT_SHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/screenshots"))
}

#[test]
fn inbox_and_a_busy_thread_fit_desktop_and_phone_in_both_themes() {
    if !should_run() {
        return;
    }
    let app = spawn_app();
    let (seller, buyer, ad) = people(&app);
    let ring = app.state.chat_keys.clone();
    // a second conversation, so the inbox has a read row and an unread one
    let thread = {
        let mut db = app.db();
        let other = build::user(&db, "Бауыржан Сагинтаев-Кунаев", None);
        let ad2 = build::Ad::new(
            seller,
            "Автокран Ивановец КС-45717, 25 т, стрела 28 м, после капремонта двигателя",
            30,
        )
        .insert(&db);
        let t2 = build::chat_thread(&mut db, ad2, other);
        build::chat_send(
            &mut db,
            &ring,
            t2,
            other,
            "Добрый день! Кран ещё в аренде доступен на следующую неделю? Нужен на три смены, объект в Алматы, Бостандыкский район.",
        );
        let t = build::chat_thread(&mut db, ad, buyer);
        let lines = [
            (buyer, "Здравствуйте! Экскаватор ещё продаётся?"),
            (seller, "Да, в продаже. Можно посмотреть в Алматы, в будни после 10."),
            (buyer, "Какая наработка по моточасам? И были ли капремонты?"),
            (
                seller,
                "9 400 м/ч. Капремонта не было, ТО по регламенту, есть сервисная книжка.\nГидравлика сухая, ходовая на 70%.",
            ),
            (buyer, "Торг уместен? Готов забрать на этой неделе -- наличными 💵"),
        ];
        let mut ids = Vec::new();
        for (from, text) in lines {
            ids.push(build::chat_send(&mut db, &ring, t, from, text));
        }
        // the buyer edits one, the seller deletes one of their own
        uzmat::domain::chats::actions::edit(
            &mut db,
            &ring,
            &build::as_user(buyer),
            MessageId(ids[2]),
            "Какая наработка по моточасам? Были ли капремонты двигателя или гидравлики?",
            uzmat::db::now(),
        )
        .expect("db")
        .expect("edited");
        let oops = build::chat_send(&mut db, &ring, t, seller, "ошибся чатом");
        uzmat::domain::chats::actions::delete(
            &mut db,
            &ring,
            &build::as_user(seller),
            MessageId(oops),
            uzmat::db::now(),
        )
        .expect("db")
        .expect("deleted");
        build::chat_send(&mut db, &ring, t, seller, "Небольшой торг на месте. Вот фото ковша:");
        t
    };
    let (s, b) = signed_in_pair(&app, [seller, buyer], true);
    // the seller sends a photo through the composer, with a caption
    let dir = tempfile::tempdir().expect("tempdir");
    let photo = jpeg(dir.path());
    s.goto(&app.url(&format!("/chats/{thread}"))).expect("seller: thread");
    s.type_into("#chat-images", &photo.display().to_string()).expect("attach");
    s.type_into("#chat-text", "Ковш 1,2 м³, зубья новые").expect("caption");
    let before = messages(&s).len();
    s.click("#chat-send").expect("send the photo");
    assert!(
        wait_for(SLOW, || messages(&s).len() == before + 1).is_some(),
        "seller: the photo message appeared"
    );
    assert!(
        wait_for(SLOW, || {
            s.eval("const i = document.querySelector('#messages li.message:last-child .message-images img');\
                    return !!i && i.complete && i.naturalWidth > 0;")
                .ok()
                == Some(Value::Bool(true))
        })
        .is_some(),
        "seller: the sent photo loads from the thread's image route"
    );
    // and one more from the buyer, so the buyer has an unread thread too
    {
        let mut db = app.db();
        build::chat_send(&mut db, &ring, thread, buyer, "Отлично, спасибо! Завтра в 11 удобно?");
    }

    let dir = shots_dir();
    for (w, h) in [(1366, 900), (390, 844)] {
        s.set_window_size(w, h).expect("size");
        for theme in ["dark", "light"] {
            s.set_cookie("theme", theme, false).expect("theme");
            s.goto(&app.url("/chats")).expect("inbox");
            assert_eq!(s.attr("html", "data-theme").expect("attr").as_deref(), Some(theme));
            assert_eq!(s.count("#inbox li.inbox-row").expect("rows"), 2, "two threads");
            assert!(!s.has_horizontal_overflow().expect("overflow"), "inbox {w} px {theme}");
            s.screenshot(&dir.join(format!("chat-inbox-{w}-{theme}.png"))).expect("shot");
            s.goto(&app.url(&format!("/chats/{thread}"))).expect("thread");
            assert!(messages(&s).len() >= 8, "the thread shows its messages");
            assert_eq!(s.count_now("#messages .message.deleted").expect("deleted"), 1);
            assert_eq!(s.count_now("#messages .edited").expect("edited"), 1);
            assert!(!s.has_horizontal_overflow().expect("overflow"), "thread {w} px {theme}");
            s.screenshot(&dir.join(format!("chat-thread-{w}-{theme}.png"))).expect("shot");
            // the top of the thread too (the page opens scrolled to the end)
            s.eval("window.scrollTo(0, 0); return true;").expect("scroll");
            s.screenshot(&dir.join(format!("chat-thread-top-{w}-{theme}.png"))).expect("shot");
        }
    }
    b.goto(&app.url(&format!("/chats/{thread}"))).expect("buyer: thread");
    b.screenshot(&dir.join("chat-thread-buyer-1280-dark.png")).expect("shot");
    no_console_errors(&s, "seller");
    no_console_errors(&b, "buyer");
}
