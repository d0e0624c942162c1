//! Moderation and the staff console in real browsers: a buyer reports an ad from its page,
//! staff find the report in the queue (shown in place) and hide the ad with a reason, the
//! owner reads the reason on the ad, in their ads and in the support thread, and nobody else
//! finds the ad any more. Then the dashboard's charts, drawn on the server from a day of minute
//! samples, at desktop and phone widths in both themes; a last test lays out every console
//! page and the opened report box the same way (screenshots of those with UZMAT_SHOTS set).

use std::time::Instant;

use serde_json::json;

use crate::support::browser::{Browser, should_run};
use crate::support::pages::{
    full_page_shot, no_console_errors, shots_dir, signed_in, staff, text, token, unread_badge,
    wait_text,
};
use crate::support::{TestApp, build, spawn_app};

const DAY: i64 = 86_400;

#[test]
fn a_reported_ad_is_hidden_by_staff_and_its_owner_reads_why() {
    if !should_run() {
        return;
    }
    let started = Instant::now();
    let app = spawn_app();
    let (owner, buyer, ad, other) = {
        let db = app.db();
        let owner = build::user(&db, "Ерлан Продавец", None);
        let buyer = build::user(&db, "Айгерим Покупатель", None);
        let ad = build::Ad::new(owner, "Экскаватор Hitachi ZX200 за полцены", 600).insert(&db);
        let other = build::Ad::new(owner, "Погрузчик SDLG LG936", 700).insert(&db);
        (owner, buyer, ad, other)
    };
    let moderator = staff(&app, "Модератор Айгуль");
    let [a, s] = signed_in(&app, [buyer, moderator], 1280, 900);

    // the buyer: the folded box on the ad page, a reason, a comment, sent
    let comment = "Просит предоплату на карту, в Алматы техники нет";
    a.goto(&app.url(&format!("/ad/{ad}"))).expect("buyer: the ad");
    assert!(!a.is_displayed("details.report-box form select").expect("select"), "folded");
    a.click("details.report-box summary").expect("buyer: Пожаловаться");
    assert_eq!(text(&a, "details.report-box summary"), "Пожаловаться");
    a.click("#report-reason option[value=fraud]").expect("buyer: the reason");
    a.type_into("#report-comment", comment).expect("buyer: the comment");
    a.click("details.report-box button[type=submit]").expect("buyer: send");
    wait_text(&a, ".flash", "Жалоба отправлена модераторам. Спасибо!");
    assert!(
        a.current_url().expect("url").contains(&format!("/ad/{ad}-")),
        "back on the ad: {}",
        a.current_url().unwrap_or_default()
    );

    // staff: the item in place (title, reason, comment), hidden with a reason
    let reason = "Мошенничество: предоплата на карту";
    s.goto(&app.url("/admin/reports")).expect("staff: queue");
    let item = format!("article.report-item[data-target='ad:{ad}']");
    let shown = text(&s, &item);
    for needle in
        ["Экскаватор Hitachi ZX200 за полцены", "Ерлан Продавец", "Мошенничество", comment]
    {
        assert!(shown.contains(needle), "the queue item shows «{needle}»: {shown}");
    }
    assert_eq!(text(&s, &format!("{item} .report-head strong")), "1 жалоба");
    let hide = format!("{item} form[action='/admin/ads/{ad}/hide']");
    s.type_into(&format!("{hide} input[name=text]"), reason).expect("staff: the reason");
    assert_eq!(text(&s, &format!("{hide} button")), "Скрыть");
    s.click(&format!("{hide} button")).expect("staff: Скрыть");
    wait_text(&s, ".flash", "Объявление скрыто, владелец получил причину.");
    assert!(s.current_url().expect("url").ends_with("/admin/reports"), "back on the queue");
    assert_eq!(s.count_now(&item).expect("item"), 0, "resolved: off the queue");
    assert_eq!(text(&s, "main .empty"), "Жалоб и отметок стоп-слов нет.");

    // everyone else: gone from the listing, its page answers 404
    a.goto(&app.url("/catalog")).expect("buyer: catalog");
    assert_eq!(a.count(&format!("[data-ad-id='{other}']")).expect("other"), 1, "the other stays");
    assert_eq!(a.count_now(&format!("[data-ad-id='{ad}']")).expect("hidden"), 0, "gone");
    a.goto(&app.url(&format!("/ad/{ad}"))).expect("buyer: the ad again");
    assert_eq!(a.response_status().expect("status"), Some(404));
    let logged = a.console_errors().expect("console");
    assert!(logged.iter().all(|e| e.contains("status of 404")), "only the 404: {logged:?}");

    // the owner (the same browser, signed in as them): the header counts the message ...
    a.set_cookie("uzmat_session", &token(&app, owner), true).expect("owner's session");
    a.goto(&app.url("/")).expect("owner: home");
    assert_eq!(unread_badge(&a), ("1".into(), true), "the header counts the support message");
    // ... the ad says why, so do their ads ...
    a.goto(&app.url(&format!("/ad/{ad}"))).expect("owner: the ad");
    assert!(text(&a, "#hidden-reason").contains(reason), "{}", text(&a, "#hidden-reason"));
    assert_eq!(a.count_now("details.report-box").expect("box"), 0, "no report box on one's own");
    a.goto(&app.url("/my/ads")).expect("owner: my ads");
    assert!(text(&a, "main").contains("скрыто модератором"));
    // ... and the support thread holds the message
    a.click("#chats-link").expect("owner: messages");
    let thread: i64 = app
        .db()
        .query_row(
            "SELECT id FROM chat_threads WHERE kind = 'support' AND buyer_id = ?1",
            [owner],
            |r| r.get(0),
        )
        .expect("support thread");
    let row = format!("#inbox li.inbox-row.unread[data-thread='{thread}']");
    assert!(text(&a, &row).contains("Поддержка Uzmat"), "{}", text(&a, &row));
    a.click(&format!("{row} .inbox-link")).expect("owner: the support thread");
    wait_text(&a, "#messages li.message.system .system-text", reason);
    assert!(text(&a, "#messages li.message.system").contains("Экскаватор Hitachi ZX200"));
    assert_eq!(unread_badge(&a), ("0".into(), false), "reading it clears the header");
    no_console_errors(&a, "buyer, then owner");
    no_console_errors(&s, "staff");
    eprintln!("reported, hidden and explained in {:?}", started.elapsed());
}

/// A day of minute samples as the sampling job writes them (a row every `step` seconds,
/// newest now): traffic rising in the day and falling at night, latencies on the histogram's
/// bucket bounds with a few slow spells, a failed job now and then, a queue that mostly
/// drains.
fn seed_samples(app: &TestApp, rows: i64) -> i64 {
    let now = uzmat::db::now();
    let step = DAY / rows;
    let mut db = app.db();
    let tx = db.transaction().expect("tx");
    for i in 0..rows {
        let at = now - 30 - i * step;
        let phase = (at.rem_euclid(DAY) as f64 / DAY as f64) * std::f64::consts::TAU;
        let wave = (phase - 1.2).sin();
        let requests = (260.0 + 190.0 * wave + fastrand::f64() * 60.0).round() as i64;
        let request_p99 = match (i % 37, wave > 0.6) {
            (0, _) => 500.0,
            (_, true) => 100.0,
            _ => [25.0, 50.0, 50.0, 100.0][fastrand::usize(..4)],
        };
        let jobs = requests / 4 + fastrand::i64(0..12);
        let failed = if i % 23 == 0 { fastrand::i64(1..4) } else { 0 };
        let queue = if i % 41 == 0 { fastrand::i64(5..30) } else { fastrand::i64(0..3) };
        let job_p99 = [10.0, 25.0, 25.0, 50.0, 250.0][fastrand::usize(..5)];
        tx.execute(
            "INSERT OR REPLACE INTO metric_samples (slot, at, requests, request_p99_ms, jobs_completed, jobs_failed, queue, job_p99_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            ((at / 60).rem_euclid(1440), at, requests, request_p99, jobs, failed, queue, job_p99),
        )
        .expect("sample");
    }
    tx.commit().expect("commit");
    now
}

const CHARTS: [&str; 6] = [
    "chart-requests",
    "chart-latency",
    "chart-jobs",
    "chart-failed",
    "chart-queue",
    "chart-job-latency",
];

#[test]
fn the_dashboard_draws_a_day_of_samples_at_both_widths_in_both_themes() {
    if !should_run() {
        return;
    }
    let started = Instant::now();
    let app = spawn_app();
    let moderator = staff(&app, "Модератор Айгуль");
    {
        let db = app.db();
        let seller = build::user(&db, "Ерлан Продавец", None);
        for i in 0..3 {
            build::Ad::new(seller, &format!("Автокран Ивановец КС-4571{i}"), 600 + i).insert(&db);
        }
    }
    seed_samples(&app, 300);
    let [s] = signed_in(&app, [moderator], 1366, 900);
    s.goto(&app.url("/admin")).expect("dashboard");

    // six charts, each a line through the day's points (the sampler may have replaced one)
    for id in CHARTS {
        let css = format!("#{id} svg polyline.series");
        assert_eq!(s.count_now(&css).expect("count"), 1, "{id} has its line");
        let points = s.attr(&css, "points").expect("points").unwrap_or_default();
        let n = points.split_whitespace().count();
        assert!(n >= 290, "{id}: {n} points");
        let caption = text(&s, &format!("#{id} figcaption"));
        assert!(caption.contains("сейчас") && caption.contains("максимум"), "{caption}");
    }
    // the stat cards: a label and a number each
    let cards = s
        .eval(
            "return Array.from(document.querySelectorAll('#stats .stat')).map(c => \
             [c.querySelector('span').textContent.trim(), c.querySelector('strong').textContent.trim()]);",
        )
        .expect("cards");
    let cards = cards.as_array().expect("list");
    assert!(cards.len() >= 8, "{cards:?}");
    for card in cards {
        let (label, number) = (card[0].as_str().unwrap_or(""), card[1].as_str().unwrap_or(""));
        assert!(!label.is_empty(), "every card has a label: {card}");
        assert!(number.chars().any(|c| c.is_ascii_digit()), "every card shows a number: {card}");
    }
    assert_eq!(text(&s, "#stats .stat:first-child strong"), "2", "the seller and the moderator");

    let dir = shots_dir();
    for (w, h) in [(1366, 900), (390, 844)] {
        s.set_window_size(w, h).expect("size");
        for theme in ["dark", "light"] {
            s.set_cookie("theme", theme, false).expect("theme");
            s.goto(&app.url("/admin")).expect("dashboard");
            assert_eq!(s.attr("html", "data-theme").expect("attr").as_deref(), Some(theme));
            assert!(!s.has_horizontal_overflow().expect("overflow"), "/admin at {w} px, {theme}");
            // two columns of charts on a desktop, one on a phone; every chart drawn tall enough
            // to read, its line in the accent colour and as thin at any width
            let boxes = s
                .eval(
                    "return Array.from(document.querySelectorAll('.charts .chart')).map(f => {\
                       const r = f.querySelector('svg').getBoundingClientRect();\
                       const l = getComputedStyle(f.querySelector('polyline.series'));\
                       return [Math.round(r.left), Math.round(r.width), Math.round(r.height), \
                               l.fill, l.vectorEffect, l.stroke];\
                     });",
                )
                .expect("charts");
            let boxes = boxes.as_array().expect("list");
            assert_eq!(boxes.len(), 6);
            let lefts: std::collections::BTreeSet<i64> =
                boxes.iter().map(|b| b[0].as_i64().unwrap_or(0)).collect();
            assert_eq!(lefts.len(), if w > 720 { 2 } else { 1 }, "columns at {w} px: {boxes:?}");
            let accent = s
                .eval("return getComputedStyle(document.body).getPropertyValue('--accent').trim();")
                .expect("accent");
            assert_eq!(accent, json!("#f5b301"));
            for b in boxes {
                assert!(b[1].as_i64().unwrap_or(0) >= 300, "wide enough: {b}");
                assert!(b[2].as_i64().unwrap_or(0) >= 120, "tall enough: {b}");
                assert_eq!(b[3], json!("none"), "a line, not a filled shape: {b}");
                assert_eq!(b[4], json!("non-scaling-stroke"), "{b}");
                assert_eq!(b[5], json!("rgb(245, 179, 1)"), "the accent colour: {b}");
            }
            full_page_shot(&s, &dir.join(format!("console-admin-{w}-{theme}.png")), (w, h));
        }
    }
    no_console_errors(&s, "staff");
    eprintln!("the dashboard at two widths in two themes in {:?}", started.elapsed());
}

/// Rows for every console page: reports of an ad, a user and a message, a stop-word flag, a
/// held ad, a hidden one, a banned user, audit rows and broadcasts.
struct Busy {
    moderator: i64,
    seller: i64,
    buyer_ad: i64,
}

fn busy_console(app: &TestApp) -> Busy {
    let now = uzmat::db::now();
    let moderator = staff(app, "Модератор Айгуль");
    let mut db = app.db();
    let seller = build::user(&db, "Бауыржан Сагинтаев-Кунаев", None);
    let buyer = build::user(&db, "Айгерим Покупатель", None);
    let crook = build::user(&db, "ТОО «КазСпецТехника-Строй» (поддельный аккаунт)", None);
    db.execute("UPDATE users SET phone = '+7 701 555 12 34' WHERE id = ?1", [seller])
        .expect("phone");
    let long = "Автокран Ивановец КС-45717, 25 т, стрела 28 м, после капремонта двигателя";
    let reported = build::Ad::new(seller, long, 600).insert(&db);
    let flagged = build::Ad::new(seller, "Экскаватор-погрузчик JCB 3CX, 2019", 900).insert(&db);
    let held = build::Ad::new(crook, "Бульдозер Shantui SD16 — дёшево, срочно", 300).insert(&db);
    let hidden = build::Ad::new(crook, "Каток дорожный HAMM 3411", 1200).insert(&db);
    let buyer_ad = build::Ad::new(seller, "Погрузчик SDLG LG936, 2020", 1500).insert(&db);
    db.execute(
        "UPDATE ads SET is_active = 0, review_state = 'pending', hidden_reason = 'Цена не указана, фото с чужого сайта' WHERE id = ?1",
        [held],
    )
    .expect("held");
    db.execute(
        "UPDATE ads SET is_active = 0, blocked_at = ?2, hidden_reason = 'Объявление-приманка: техники нет' WHERE id = ?1",
        (hidden, now - 3600),
    )
    .expect("hidden");
    db.execute(
        "UPDATE users SET banned_at = ?2, ban_reason = 'мошенничество с предоплатой' WHERE id = ?1",
        (crook, now - 7200),
    )
    .expect("ban");
    // a chat whose message a buyer reported, another flagged by the stop-word list
    let thread = build::chat_thread(&mut db, buyer_ad, buyer);
    build::chat_send(
        &mut db,
        &app.state.chat_keys,
        thread,
        buyer,
        "Здравствуйте, техника на месте?",
    );
    let rude = build::chat_send(
        &mut db,
        &app.state.chat_keys,
        thread,
        seller,
        "Переведите 50 000 ₸ предоплаты на карту 4400 4301 2345 6789, иначе продам другому. И не пишите сюда больше, надоели со своими вопросами.",
    );
    let report = |who: i64, kind: &str, id: i64, reason: &str, comment: &str, ago: i64| {
        db.execute(
            "INSERT INTO reports (reporter_id, target_kind, target_id, reason, comment, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            (who, kind, id, reason, comment, now - ago),
        )
        .expect("report");
    };
    report(
        buyer,
        "ad",
        reported,
        "fraud",
        "Просит предоплату на карту, на звонки не отвечает",
        120,
    );
    report(moderator, "ad", reported, "spam", "", 300);
    report(buyer, "user", crook, "fraud", "Выдаёт себя за дилера, реквизиты чужой компании", 900);
    report(buyer, "message", rude, "abuse", "Грубит и требует предоплату", 60);
    db.execute(
        "INSERT INTO flags (target_kind, target_id, word, created_at) VALUES ('ad', ?1, 'предоплата', ?2)",
        (flagged, now - 1800),
    )
    .expect("flag");
    for (i, (action, kind, target, comment)) in [
        ("ad:hide", "ad", hidden, "Объявление-приманка: техники нет"),
        ("user:ban", "user", crook, "мошенничество с предоплатой"),
        ("user:warn", "user", seller, "Пожалуйста, не требуйте предоплату до осмотра техники."),
        ("report:dismiss", "user", buyer, ""),
        ("ad:plan", "ad", buyer_ad, "gold"),
    ]
    .into_iter()
    .enumerate()
    {
        db.execute(
            "INSERT INTO audit_log (staff_id, action, target_kind, target_id, comment, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            (moderator, action, kind, target, comment, now - 600 * (i as i64 + 1)),
        )
        .expect("audit");
    }
    for (text, audience, total, sent, done) in [
        (
            "Уважаемые продавцы! С 1 декабря объявления без фото уходят на проверку.",
            "sellers",
            1840,
            1840,
            true,
        ),
        (
            "Плановые работы: в ночь на субботу сайт будет недоступен с 02:00 до 03:00 по Алматы.",
            "all",
            12_480,
            5_200,
            false,
        ),
    ] {
        db.execute(
            "INSERT INTO broadcasts (staff_id, text, audience, by_mail, total, sent, created_at, finished_at) VALUES (?1, ?2, ?3, 1, ?4, ?5, ?6, ?7)",
            (moderator, text, audience, total, sent, now - 5000, done.then_some(now - 4000)),
        )
        .expect("broadcast");
    }
    drop(db);
    seed_samples(app, 300);
    Busy { moderator, seller, buyer_ad }
}

#[test]
fn console_pages_fit_desktop_and_phone_in_both_themes() {
    if !should_run() {
        return;
    }
    let started = Instant::now();
    let app = spawn_app();
    let busy = busy_console(&app);
    let visitor = build::user(&app.db(), "Гость Сайта", None);
    let [s, v] = signed_in(&app, [busy.moderator, visitor], 1366, 900);
    let dir = shots_dir();
    let pages = [
        ("admin", "/admin".to_owned()),
        ("reports", "/admin/reports".to_owned()),
        ("review", "/admin/review".to_owned()),
        ("users", "/admin/users".to_owned()),
        ("user", format!("/admin/users/{}", busy.seller)),
        ("ads", "/admin/ads".to_owned()),
        ("audit", "/admin/audit".to_owned()),
        ("broadcast", "/admin/broadcast".to_owned()),
    ];
    for (w, h) in [(1366, 900), (390, 844)] {
        for b in [&s, &v] {
            b.set_window_size(w, h).expect("size");
        }
        for theme in ["dark", "light"] {
            for b in [&s, &v] {
                b.set_cookie("theme", theme, false).expect("theme");
            }
            let shot = |b: &Browser, name: &str| {
                assert_eq!(b.attr("html", "data-theme").expect("attr").as_deref(), Some(theme));
                assert!(
                    !b.has_horizontal_overflow().expect("overflow"),
                    "{name} at {w} px, {theme}"
                );
                // the shots are for a person to look at: only when asked for (UZMAT_SHOTS)
                if std::env::var_os("UZMAT_SHOTS").is_some() {
                    full_page_shot(b, &dir.join(format!("console-{name}-{w}-{theme}.png")), (w, h));
                }
            };
            for (name, path) in &pages {
                s.goto(&app.url(path)).expect("page");
                assert_eq!(s.response_status().expect("status"), Some(200), "{path}");
                shot(&s, name);
            }
            v.goto(&app.url(&format!("/ad/{}", busy.buyer_ad))).expect("the ad");
            v.click("details.report-box summary").expect("open the report box");
            assert!(v.is_displayed("#report-comment").expect("shown"));
            shot(&v, "report-box");
            v.goto(&app.url(&format!("/seller/{}", busy.seller))).expect("the seller");
            v.click("details.report-box summary").expect("open the report box");
            shot(&v, "seller-report-box");
        }
    }
    no_console_errors(&s, "staff");
    no_console_errors(&v, "visitor");
    eprintln!("console pages laid out in {:?}", started.elapsed());
}
