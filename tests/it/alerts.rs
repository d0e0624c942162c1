//! Saved searches with alerts, end to end over HTTP: save from a listing, new matching ads, the
//! alert job, the `.eml` it writes, the one-click unsubscribe link; daily digests; limits, bad
//! input and other users' searches.

use base64::Engine;
use uzmat::jobs::Job;

use crate::support::build::{Ad, user};
use crate::support::client::Client;
use crate::support::{TestApp, spawn_app};

const PW: &str = "ковш и стрела 2024";

/// A signed-up buyer.
fn buyer<'a>(app: &'a TestApp, email: &str) -> Client<'a> {
    let c = Client::new(app);
    c.sign_up("Бекзод", email, PW);
    c
}

/// A rent excavator in Tashkent by `owner`; its id.
fn excavator(app: &TestApp, owner: i64, title: &str) -> i64 {
    let mut ad = Ad::new(owner, title, 0);
    ad.kind = "rent";
    ad.country = "uz";
    ad.city = "Ташкент";
    ad.currency = "UZS";
    ad.price_minor = Some(150_000_000);
    ad.insert(&app.db())
}

/// Runs the alert job and waits for it (and the mail it delivers).
fn run_alerts(app: &TestApp) {
    app.drain();
    app.state.jobs.enqueue(Job::Alerts);
    app.drain();
}

fn outbox(app: &TestApp, to: &str) -> Vec<(String, String)> {
    let db = app.db();
    let mut stmt =
        db.prepare("SELECT subject, body FROM outbox WHERE to_addr = ?1 ORDER BY id").expect("q");
    stmt.query_map([to], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("mails")
}

/// The decoded text of every `.eml` the app wrote, oldest first.
fn eml_texts(app: &TestApp) -> Vec<String> {
    let dir = app.dir.path().join("mail");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.map(|e| e.expect("entry").path()).collect())
        .unwrap_or_default();
    files.sort();
    files.iter().map(|p| decode_eml(&std::fs::read_to_string(p).expect("eml"))).collect()
}

/// An `.eml`'s headers and its body decoded (base64 or quoted-printable, as lettre chose).
fn decode_eml(raw: &str) -> String {
    let raw = raw.replace("\r\n", "\n");
    let (head, body) = raw.split_once("\n\n").expect("headers and body");
    let lower = head.to_lowercase();
    let text = if lower.contains("content-transfer-encoding: base64") {
        let joined: String = body.split_whitespace().collect();
        String::from_utf8(
            base64::engine::general_purpose::STANDARD.decode(joined).expect("base64 body"),
        )
        .expect("utf-8")
    } else if lower.contains("content-transfer-encoding: quoted-printable") {
        let soft = body.replace("=\n", "");
        let bytes = soft.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'=' && i + 2 < bytes.len() {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("hex");
                out.push(u8::from_str_radix(hex, 16).expect("qp byte"));
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).expect("utf-8")
    } else {
        body.to_owned()
    };
    format!("{head}\n\n{text}")
}

/// The path of the first link in `text` that contains `marker`.
fn link_path(text: &str, marker: &str) -> String {
    let start = text.find(marker).unwrap_or_else(|| panic!("no {marker} in:\n{text}"));
    let begin = text[..start].rfind("http").expect("link start");
    let link = text[begin..].split_whitespace().next().expect("link");
    let path_at = link.find("://").map(|i| i + 3).expect("scheme");
    link[path_at..].find('/').map(|i| link[path_at + i..].to_owned()).expect("path")
}

fn searches(app: &TestApp) -> Vec<(i64, String, String, bool)> {
    let db = app.db();
    let mut stmt =
        db.prepare("SELECT id, query, name, paused FROM saved_searches ORDER BY id").expect("q");
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("searches")
}

/// Saves the search a listing page offers; returns the response.
fn save_from(c: &Client<'_>, listing: &str, frequency: &str) -> crate::support::Resp {
    let page = c.get(listing);
    assert_eq!(page.status, 200);
    let form = page.html();
    let field = |name: &str| {
        form.attrs(&format!("#save-search input[name={name}]"), "value")
            .pop()
            .unwrap_or_else(|| panic!("the save form has no {name}"))
    };
    let (section, query) = (field("section"), field("query"));
    c.post("/searches", &[("section", &section), ("query", &query), ("frequency", frequency)])
}

#[test]
fn a_new_matching_ad_is_mailed_and_the_mails_link_pauses_the_search() {
    let app = spawn_app();
    let c = buyer(&app, "bekzod@example.uz");
    let seller = user(&app.db(), "Продавец", None);
    let before = excavator(&app, seller, "Экскаватор JCB JS220, был до сохранения");

    let r =
        save_from(&c, "/catalog?kind=rent&type=экскаватор&country=uz&sort=price_asc", "instant");
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.header("location"), Some("/my/searches"));
    let saved = searches(&app);
    assert_eq!(saved.len(), 1);
    assert_eq!(
        saved[0].1,
        "kind=rent&country=uz&type=%D1%8D%D0%BA%D1%81%D0%BA%D0%B0%D0%B2%D0%B0%D1%82%D0%BE%D1%80"
    );
    assert_eq!(saved[0].2, "Аренда · экскаватор · Узбекистан", "named by its summary");
    let mine = c.get("/my/searches");
    assert!(mine.body.contains("Поиск сохранён"), "the flash says so");
    assert_eq!(mine.select(".saved-search").len(), 1);
    assert!(mine.one(".new-count").text.contains("Новых: 0"), "{}", mine.one(".new-count").text);

    // a new match, one elsewhere, and the buyer's own ad: only the first is news
    let me: i64 = app
        .db()
        .query_row("SELECT id FROM users WHERE email = 'bekzod@example.uz'", [], |r| r.get(0))
        .expect("me");
    let fresh = excavator(&app, seller, "Экскаватор Hitachi ZX200 с оператором");
    let mut elsewhere = Ad::new(seller, "Экскаватор в Алматы", 0);
    elsewhere.kind = "rent";
    elsewhere.insert(&app.db());
    excavator(&app, me, "Мой собственный экскаватор");
    let mine = c.get("/my/searches");
    assert!(mine.one(".new-count").text.contains("Новых: 1 объявление"));
    assert_eq!(
        mine.one("a.search-run").attr("href"),
        Some(format!("/catalog?{}", saved[0].1).as_str())
    );

    run_alerts(&app);
    let mails = outbox(&app, "bekzod@example.uz");
    let alerts: Vec<_> = mails.iter().filter(|(s, _)| s.starts_with("Новые объявления")).collect();
    assert_eq!(alerts.len(), 1, "{mails:?}");
    let emls: Vec<String> =
        eml_texts(&app).into_iter().filter(|t| t.contains("Hitachi ZX200")).collect();
    assert_eq!(emls.len(), 1, "one .eml with the ad");
    let eml = &emls[0];
    assert!(eml.contains(&format!("/ad/{fresh}-")), "links the ad:\n{eml}");
    assert!(eml.contains("500\u{2009}000 сум"), "shows the price:\n{eml}");
    for absent in ["был до сохранения", "в Алматы", "Мой собственный"]
    {
        assert!(!eml.contains(absent), "«{absent}» is no news to this search:\n{eml}");
    }
    assert!(!eml.contains(&format!("/ad/{before}-")));
    assert_eq!(app.metric("uzmat_alerts_sent_total{frequency=\"instant\"}"), 1.0);

    // at most one mail per 15 minutes: the next ad waits for the interval
    run_alerts(&app);
    let newer = excavator(&app, seller, "Экскаватор Komatsu PC210");
    run_alerts(&app);
    assert_eq!(
        outbox(&app, "bekzod@example.uz").len(),
        mails.len(),
        "no second mail within 15 minutes"
    );
    app.db()
        .execute("UPDATE saved_searches SET last_sent_at = last_sent_at - 16 * 60", [])
        .expect("age");
    run_alerts(&app);
    let later = outbox(&app, "bekzod@example.uz");
    assert_eq!(later.len(), mails.len() + 1);
    let (_, body) = later.last().expect("second alert");
    assert!(
        body.contains(&format!("/ad/{newer}-")) && !body.contains("Hitachi"),
        "only the new ad:\n{body}"
    );

    // the unsubscribe link needs no sign-in: a GET shows, a POST pauses
    let unsubscribe = link_path(eml, "/unsubscribe?t=");
    let stranger = Client::new(&app);
    let page = stranger.get(&unsubscribe);
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Аренда · экскаватор · Узбекистан"));
    assert!(!searches(&app)[0].3, "a GET changes nothing");
    let (path, token) = unsubscribe.split_once("?t=").expect("token");
    let r = stranger.post(path, &[("t", token), ("action", "pause")]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(searches(&app)[0].3, "paused");
    assert!(c.get("/my/searches").one(".saved-search .status").text.contains("На паузе"));
    excavator(&app, seller, "Экскаватор Volvo EC210");
    app.db()
        .execute("UPDATE saved_searches SET last_sent_at = last_sent_at - 16 * 60", [])
        .expect("age");
    run_alerts(&app);
    assert_eq!(
        outbox(&app, "bekzod@example.uz").len(),
        later.len(),
        "a paused search mails nothing"
    );

    // a link altered or for another search is refused, and changes nothing
    let bad = format!("{path}?t={}x", &token[..token.len() - 1]);
    assert_eq!(stranger.get(&bad).status, 400);
    assert_eq!(stranger.post(path, &[("t", "forged"), ("action", "delete")]).status, 400);
    assert_eq!(stranger.get(&format!("/searches/999999/unsubscribe?t={token}")).status, 400);
    assert_eq!(searches(&app).len(), 1);
    // resumed, it mails what appears from then on, not what appeared while paused
    let id = searches(&app)[0].0;
    assert_eq!(c.post(&format!("/my/searches/{id}/resume"), &[]).status, 303);
    assert!(c.get("/my/searches").one(".new-count").text.contains("Новых: 0"));
}

#[test]
fn a_daily_digest_lists_twenty_ads_and_links_the_rest() {
    let app = spawn_app();
    let c = buyer(&app, "digest@example.uz");
    let seller = user(&app.db(), "Продавец", None);
    let r = save_from(&c, "/catalog?type=экскаватор&country=uz&q=экскаватор", "daily");
    assert_eq!(r.status, 303);
    for i in 1..=25 {
        excavator(&app, seller, &format!("Экскаватор номер {i:02}"));
    }
    run_alerts(&app);
    assert!(
        outbox(&app, "digest@example.uz").iter().all(|(s, _)| !s.contains("Подборка")),
        "a daily search waits a day after it was saved"
    );
    app.db().execute("UPDATE saved_searches SET created_at = created_at - 86401", []).expect("age");
    run_alerts(&app);
    let digests: Vec<_> = outbox(&app, "digest@example.uz")
        .into_iter()
        .filter(|(s, _)| s.starts_with("Подборка за день"))
        .collect();
    assert_eq!(digests.len(), 1);
    let body = &digests[0].1;
    let listed = body.lines().filter(|l| l.starts_with("• ")).count();
    assert_eq!(listed, 20, "{body}");
    assert!(body.contains("25 объявлений"), "counts them all:\n{body}");
    assert!(
        body.contains("Экскаватор номер 25") && !body.contains("Экскаватор номер 05"),
        "newest first"
    );
    let more = body.lines().find(|l| l.starts_with("…и ещё 5")).expect("and 5 more");
    assert!(more.contains("/catalog?country=uz&type="), "links the search: {more}");
    assert_eq!(app.metric("uzmat_alerts_sent_total{frequency=\"daily\"}"), 1.0);
    // once a day
    excavator(&app, seller, "Экскаватор номер 26");
    run_alerts(&app);
    assert_eq!(
        outbox(&app, "digest@example.uz").iter().filter(|(s, _)| s.starts_with("Подборка")).count(),
        1
    );
}

#[test]
fn limits_and_bad_input_are_clear_and_write_nothing() {
    let app = spawn_app();
    let c = buyer(&app, "limits@example.kz");
    c.get("/catalog");
    let save = |query: &str| {
        c.post("/searches", &[("section", "catalog"), ("query", query), ("frequency", "daily")])
    };
    assert_eq!(save("type=кран&q=25 т").status, 303);
    // the same search asked another way is the one already saved
    let again = save("q=25 т&type=Кран&sort=views&page=2");
    assert_eq!(again.status, 303);
    assert!(c.get("/my/searches").body.contains("Такой поиск уже сохранён"));
    assert_eq!(searches(&app).len(), 1);

    for (form, status, says) in [
        (
            vec![("section", "garage"), ("query", ""), ("frequency", "daily")],
            400,
            "Неизвестный раздел",
        ),
        (
            vec![("section", "parts"), ("query", "kind=rent"), ("frequency", "daily")],
            400,
            "Неизвестный тип объявления",
        ),
        (
            vec![("section", "catalog"), ("query", "price_from=abc"), ("frequency", "daily")],
            400,
            "целым неотрицательным",
        ),
        (
            vec![("section", "catalog"), ("query", "country=fr"), ("frequency", "daily")],
            400,
            "Неизвестная страна",
        ),
        (
            vec![("section", "catalog"), ("query", "q=x"), ("frequency", "weekly")],
            400,
            "сразу или раз в день",
        ),
        (
            vec![
                ("section", "catalog"),
                ("query", "q=y"),
                ("frequency", "daily"),
                ("name", &"я".repeat(101)),
            ],
            422,
            "не длиннее 100",
        ),
    ] {
        let r = c.post("/searches", &form);
        assert_eq!(r.status, status, "{form:?}: {}", r.body);
        assert!(r.body.contains(says), "{form:?} says «{says}»");
    }
    assert_eq!(searches(&app).len(), 1, "bad input writes nothing");

    let id = searches(&app)[0].0;
    c.get("/my/searches");
    let r = c.post(&format!("/my/searches/{id}/rename"), &[("name", "   ")]);
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Введите название поиска"));
    assert_eq!(
        c.post(&format!("/my/searches/{id}/frequency"), &[("frequency", "hourly")]).status,
        400
    );
    assert_eq!(searches(&app)[0].2, "Техника · кран · «25 т»", "unchanged");
    let r = c.post(&format!("/my/searches/{id}/rename"), &[("name", "  Краны  25 т ")]);
    assert_eq!(r.status, 303);
    assert_eq!(searches(&app)[0].2, "Краны 25 т");

    // twenty at most, with a clear message beyond
    for i in 2..=20 {
        assert_eq!(save(&format!("q=слово{i}")).status, 303, "search {i}");
    }
    assert_eq!(searches(&app).len(), 20);
    let r = save("q=двадцать первый");
    assert_eq!(r.status, 422);
    assert!(r.body.contains("не больше 20 поисков"), "{}", r.body);
    assert_eq!(searches(&app).len(), 20);
    assert!(c.get("/my/searches").body.contains("Сохранено 20 из 20"));

    // anonymous visitors are offered a sign-in that comes back, and may not post
    let anon = Client::new(&app);
    let page = anon.get("/catalog?type=%D0%BA%D1%80%D0%B0%D0%BD");
    assert_eq!(page.count("#save-search"), 0);
    assert_eq!(
        page.one("#save-search-login").attr("href"),
        Some("/login?next=%2Fcatalog%3Ftype%3D%25D0%25BA%25D1%2580%25D0%25B0%25D0%25BD")
    );
    assert_eq!(anon.post("/searches", &[("section", "catalog"), ("query", "")]).status, 403);
    assert_eq!(searches(&app).len(), 20);
}

#[test]
fn another_users_search_is_not_there_for_them() {
    let app = spawn_app();
    let owner = buyer(&app, "owner@example.kz");
    assert_eq!(save_from(&owner, "/parts?q=фильтр", "instant").status, 303);
    let id = searches(&app)[0].0;
    let other = buyer(&app, "other@example.kz");
    assert!(other.get("/my/searches").select(".saved-search").is_empty());
    other.get("/my/searches");
    for (action, form) in [
        ("rename", vec![("name", "Моё")]),
        ("frequency", vec![("frequency", "instant")]),
        ("pause", vec![]),
        ("resume", vec![]),
        ("delete", vec![]),
    ] {
        let r = other.post(&format!("/my/searches/{id}/{action}"), &form);
        assert_eq!(r.status, 404, "{action}");
        assert_eq!(owner.post("/my/searches/999999/pause", &[]).status, 404);
    }
    let s = searches(&app);
    assert_eq!((s.len(), s[0].2.as_str(), s[0].3), (1, "Запчасти · «фильтр»", false), "unchanged");
    // its owner manages it
    owner.get("/my/searches");
    assert_eq!(owner.post(&format!("/my/searches/{id}/pause"), &[]).status, 303);
    assert!(searches(&app)[0].3);
    assert_eq!(
        owner.post(&format!("/my/searches/{id}/frequency"), &[("frequency", "daily")]).status,
        303
    );
    assert_eq!(owner.post(&format!("/my/searches/{id}/delete"), &[]).status, 303);
    assert!(searches(&app).is_empty());
}

#[test]
fn unconfirmed_addresses_get_no_alerts_and_every_due_search_is_looked_at() {
    let app = spawn_app();
    let c = buyer(&app, "aziz@example.uz");
    let seller = user(&app.db(), "Продавец", None);
    assert_eq!(
        save_from(&c, "/catalog?kind=rent&type=экскаватор&country=uz", "instant").status,
        303
    );
    // six hundred other due searches with nothing new, all saved before this one's owner: a
    // sweep that looked only at the first five hundred by id would never reach it
    {
        let db = app.db();
        let me: i64 = db
            .query_row("SELECT id FROM users WHERE email = 'aziz@example.uz'", [], |r| r.get(0))
            .expect("me");
        for i in 0..600 {
            let other = user(&db, &format!("Другой {i}"), None);
            db.execute(
                "INSERT INTO saved_searches (user_id, section, query, name, frequency, created_at)
                 VALUES (?1, 'parts', 'q=%D0%BD%D0%B8%D1%87%D0%B5%D0%B3%D0%BE', 'ничего', 'instant', 0)",
                [other],
            )
            .expect("other search");
        }
        // this search after them by id
        db.execute("UPDATE saved_searches SET id = 100000 WHERE user_id = ?1", [me]).expect("id");
    }
    excavator(&app, seller, "Экскаватор Doosan DX225");
    run_alerts(&app);
    let alerts = |app: &TestApp| {
        outbox(app, "aziz@example.uz")
            .iter()
            .filter(|(s, _)| s.starts_with("Новые объявления"))
            .count()
    };
    assert_eq!(alerts(&app), 1, "reached past the first batches");
    // the others saw nothing new: their marks moved past the ads they read
    let behind: i64 = app
        .db()
        .query_row(
            "SELECT count(*) FROM saved_searches WHERE id < 100000 AND last_seen_ad_id < (SELECT max(id) FROM ads)",
            [],
            |r| r.get(0),
        )
        .expect("marks");
    assert_eq!(behind, 0);

    // an address nobody confirmed gets nothing, however many searches
    app.db()
        .execute("UPDATE users SET email_verified_at = NULL WHERE email = 'aziz@example.uz'", [])
        .expect("unconfirm");
    app.db()
        .execute("UPDATE saved_searches SET last_sent_at = last_sent_at - 16 * 60", [])
        .expect("a quarter hour later");
    excavator(&app, seller, "Экскаватор Volvo EC210");
    run_alerts(&app);
    assert_eq!(alerts(&app), 1, "no mail to an unconfirmed address");
}
