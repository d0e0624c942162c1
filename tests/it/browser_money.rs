//! Trust and money in real browsers, an owner (or seller) and a staff member each signed in
//! with a session cookie: GOLD bought through the manual provider and marked paid by staff
//! lights the ad up on the home page and at the head of its section; a badge request with a
//! document photo is paid, refused without a comment, approved with one, and the comment
//! reaches the seller's support thread while the seller page shows the check mark. A last
//! test lays out every money page at desktop and phone widths in both themes.

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::{Value, json};
use uzmat::domain::ads::Plan;
use uzmat::domain::geo::Currency;
use uzmat::domain::ids::{AdId, UserId};
use uzmat::i18n::Lang;

use crate::support::browser::{Browser, should_run};
use crate::support::pages::{
    SLOW, full_page_shot, no_console_errors, plain, shots_dir, signed_in, staff, text,
    unread_badge, wait_for, wait_text,
};
use crate::support::{TestApp, build, spawn_with};

const DAY: i64 = 86_400;

/// The app with the home page's blocks read on every view.
fn app() -> TestApp {
    spawn_with(|c| c.server.page_cache_ms = 0)
}

/// Waits for a payment page; its public id.
fn wait_payment_page(b: &Browser) -> String {
    let mut id = None;
    wait_for(SLOW, || {
        id = b.current_url().ok().and_then(|u| {
            let rest = u.split("/payments/").nth(1)?.to_owned();
            let rest = rest.split(['?', '#']).next()?.to_owned();
            (!rest.is_empty() && b.count_now("#payment-state").unwrap_or(0) == 1).then_some(rest)
        });
        id.is_some()
    });
    id.unwrap_or_else(|| panic!("no payment page: {}", b.current_url().unwrap_or_default()))
}

/// Staff marks the open payment paid: the button asks first (a "no" keeps it open), then a
/// "yes" posts it.
fn mark_paid(b: &Browser, app: &TestApp, public: &str) {
    b.goto(&app.url(&format!("/payments/{public}"))).expect("staff: the payment");
    assert_eq!(text(b, "#payment-state"), "ожидает оплаты");
    b.eval("window.__asked = []; window.confirm = m => { window.__asked.push(m); return false; }; return true;")
        .expect("confirm: no");
    b.click("#mark-paid").expect("staff: mark paid (answer no)");
    let asked = b.eval("return window.__asked;").expect("asked");
    assert_eq!(
        asked,
        json!(["Деньги действительно поступили? Услуга включится сразу."]),
        "the button asks before marking"
    );
    assert_eq!(state_of(app, public), "pending", "a «no» changes nothing");
    b.eval("window.confirm = () => true; return true;").expect("confirm: yes");
    b.click("#mark-paid").expect("staff: mark paid");
    wait_text(b, "#payment-state", "оплачен");
    assert_eq!(text(b, ".flash"), "Платёж отмечен как оплаченный, услуга включена.");
    assert_eq!(b.count_now("#mark-paid").expect("count"), 0, "a paid payment has no button");
    assert_eq!(state_of(app, public), "paid");
}

fn state_of(app: &TestApp, public: &str) -> String {
    app.db()
        .query_row("SELECT state FROM payments WHERE public_id = ?1", [public], |r| r.get(0))
        .expect("payment")
}

fn ids(b: &Browser, css: &str) -> Vec<i64> {
    let v = b
        .eval_with(
            "return Array.from(document.querySelectorAll(arguments[0])).map(e => Number(e.dataset.adId));",
            &[json!(css)],
        )
        .expect("ids");
    v.as_array().expect("list").iter().filter_map(Value::as_i64).collect()
}

#[test]
fn gold_bought_by_hand_and_marked_paid_leads_home_and_its_section() {
    if !should_run() {
        return;
    }
    let started = Instant::now();
    let app = app();
    let (owner, moderator, ad, others) = {
        let db = app.db();
        let owner = build::user(&db, "Ерлан Продавец", None);
        let other = build::user(&db, "Другой Продавец", None);
        // the owner's ad is the oldest of its section: only the plan can put it first
        let ad = build::Ad::new(owner, "Экскаватор Hitachi ZX200, 2015", 5 * DAY).insert(&db);
        let others: Vec<i64> = (0..3)
            .map(|i| build::Ad::new(other, &format!("Погрузчик SDLG {i}"), 60 + i).insert(&db))
            .collect();
        drop(db);
        (owner, staff(&app, "Модератор Айгуль"), ad, others)
    };
    let [o, s] = signed_in(&app, [owner, moderator], 1280, 900);

    // the ad page's owner panel leads to the promote page, so does /my/ads
    o.goto(&app.url(&format!("/ad/{ad}"))).expect("owner: the ad");
    o.click("#promote-ad").expect("owner: Продвинуть");
    wait_text(&o, "main h1", "Продвижение объявления");
    assert!(o.current_url().expect("url").ends_with(&format!("/ad/{ad}/promote")));
    o.goto(&app.url("/my/ads")).expect("owner: my ads");
    let link = format!("a[href='/ad/{ad}/promote']");
    assert_eq!(text(&o, &link), "Продвинуть");
    o.click(&link).expect("owner: Продвинуть in my ads");
    wait_text(&o, "#promotion-now", "Объявление не продвигается.");
    assert_eq!(o.count_now(".plan-offer").expect("offers"), 3, "GOLD, PREMIUM, VIP");
    // a Kazakh ad is priced in tenge, from the config
    let plans = app.state.config.plans.clone();
    let gold_price = uzmat::domain::payments::plan_price(Plan::Gold, Currency::Kzt, &plans);
    let shown = plain(&uzmat::views::pages::payments::money(gold_price, Currency::Kzt));
    assert_eq!(text(&o, ".plan-offer.gold .plan-price"), shown);
    assert_eq!(text(&o, ".plan-offer.gold .plan-days"), "3 дня");

    o.click("button[data-plan=gold]").expect("owner: buy GOLD");
    let public = wait_payment_page(&o);
    assert_eq!(text(&o, "#payment-state"), "ожидает оплаты");
    let how = text(&o, "#instructions");
    let amount =
        format!("{} KZT", uzmat::domain::payments::format_minor(gold_price, Currency::Kzt));
    assert!(how.contains(&public), "the instructions name the payment's number: {how}");
    assert!(how.contains(&amount), "the instructions name the amount {amount}: {how}");
    assert!(text(&o, "#payment").contains(&shown), "the facts show the amount");
    assert_eq!(o.count_now("#mark-paid").expect("count"), 0, "the buyer cannot mark it paid");
    // buying again while it is open reuses the same payment
    o.goto(&app.url(&format!("/ad/{ad}/promote"))).expect("owner: promote again");
    o.click("button[data-plan=gold]").expect("owner: buy GOLD again");
    assert_eq!(wait_payment_page(&o), public, "an open payment for the same plan is reused");

    // staff marks it paid
    let paid_at = uzmat::db::now();
    mark_paid(&s, &app, &public);

    // the owner: paid, the promote page shows GOLD for three days
    o.goto(&app.url(&format!("/payments/{public}"))).expect("owner: payment again");
    assert_eq!(text(&o, "#payment-state"), "оплачен");
    assert_eq!(text(&o, "#payment ~ p.note"), "Оплачено: продвижение включено.");
    o.goto(&app.url(&format!("/ad/{ad}/promote"))).expect("owner: promote page");
    let ends_at: i64 = app
        .db()
        .query_row("SELECT ends_at FROM ad_promotions WHERE ad_id = ?1", [ad], |r| r.get(0))
        .expect("one segment");
    assert!(
        (ends_at - (paid_at + 3 * DAY)).abs() <= 5,
        "GOLD runs 3 days from the payment ({ends_at} vs {paid_at})"
    );
    assert_eq!(o.count_now("#promotion-now .timeline li").expect("segments"), 1);
    let now_text = text(&o, "#promotion-now .timeline li");
    assert!(now_text.starts_with("GOLD"), "{now_text}");
    assert_eq!(text(&o, "#promotion-now .timeline li strong"), plain(&Lang::Ru.date(ends_at)));

    // the home page's hot block, marked GOLD
    o.goto(&app.url("/")).expect("home");
    let hot = ids(&o, "#hot article.card");
    assert_eq!(hot.first(), Some(&ad), "the ad leads the hot block: {hot:?}");
    let card = format!("#hot article.card[data-ad-id='{ad}']");
    assert_eq!(o.count_now(&format!("{card}.plan-gold")).expect("class"), 1);
    assert_eq!(text(&o, &format!("{card} .plan-tag")), "GOLD");

    // and its section's listing, in the promoted strip above the rest
    o.goto(&app.url("/catalog")).expect("catalog");
    assert_eq!(ids(&o, "#promoted article.card"), vec![ad], "the strip holds the GOLD ad");
    let all = ids(&o, ".results article.card");
    assert_eq!(all.first(), Some(&ad), "it leads the listing: {all:?}");
    assert_eq!(all.iter().filter(|i| **i == ad).count(), 1, "shown once");
    for other in &others {
        assert!(all.contains(other), "the others follow: {all:?}");
    }
    no_console_errors(&o, "owner");
    no_console_errors(&s, "staff");
    eprintln!("gold bought and shown in {:?}", started.elapsed());
}

/// A small JPEG (a document photo, as far as the site can tell).
fn jpeg(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    let img = image::RgbImage::from_fn(320, 220, |x, y| {
        if (20..60).contains(&y) || (x / 40 + y / 40) % 5 == 0 {
            image::Rgb([40, 60, 120])
        } else {
            image::Rgb([235, 232, 220])
        }
    });
    img.save(&path).expect("write the jpeg");
    path
}

fn request_state(app: &TestApp, user: i64) -> String {
    app.db()
        .query_row(
            "SELECT state FROM badge_requests WHERE user_id = ?1 ORDER BY id DESC LIMIT 1",
            [user],
            |r| r.get(0),
        )
        .expect("request")
}

fn badge_until(app: &TestApp, user: i64) -> Option<i64> {
    app.db()
        .query_row("SELECT badge_until FROM users WHERE id = ?1", [user], |r| r.get(0))
        .expect("user")
}

#[test]
fn a_badge_is_paid_decided_with_a_comment_and_shows_on_the_seller_page() {
    if !should_run() {
        return;
    }
    let started = Instant::now();
    let app = app();
    let seller = {
        let db = app.db();
        let seller = build::user(&db, "Ерлан Продавец", None);
        build::Ad::new(seller, "Автокран Ивановец КС-45717", 600).insert(&db);
        seller
    };
    let moderator = staff(&app, "Модератор Айгуль");
    let dir = tempfile::tempdir().expect("tempdir");
    let doc = jpeg(dir.path(), "passport.jpg");
    let [u, s] = signed_in(&app, [seller, moderator], 1280, 900);

    // the request: individual, full name, the document
    u.goto(&app.url("/badge")).expect("seller: /badge");
    assert_eq!(text(&u, "#badge-status"), "Значка пока нет.");
    assert_eq!(u.prop("input[name=kind][value=individual]", "checked").expect("kind"), json!(true));
    u.click("input[name=kind][value=individual]").expect("individual");
    u.type_into("#f-full_name", "Ерлан Серикович Абенов").expect("full name");
    u.type_into("#f-document", &doc.display().to_string()).expect("the document");
    u.click("#badge-form button[type=submit]").expect("send and pay");
    let public = wait_payment_page(&u);
    assert_eq!(text(&u, "#payment-state"), "ожидает оплаты");
    assert!(text(&u, "#payment").contains("Значок «Проверенный продавец»"));
    assert!(text(&u, "#instructions").contains(&public));
    assert_eq!(request_state(&app, seller), "unpaid");
    let (request, path): (i64, String) = app
        .db()
        .query_row(
            "SELECT id, document_path FROM badge_requests WHERE user_id = ?1",
            [seller],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("request");
    assert!(app.dir.path().join("uploads").join(&path).is_file(), "the document is kept");

    mark_paid(&s, &app, &public);
    assert_eq!(request_state(&app, seller), "waiting", "paid: the request goes to staff");
    u.goto(&app.url("/badge")).expect("seller: /badge again");
    assert_eq!(u.attr("#badge-request", "data-state").expect("state").as_deref(), Some("waiting"));
    assert!(text(&u, "#badge-request").contains("на проверке у модератора"));
    assert_eq!(u.count_now("#badge-form").expect("form"), 0, "no second request while waiting");

    // staff's queue: the request with its document
    s.goto(&app.url("/admin/badges")).expect("staff: queue");
    let article = format!("article.badge-request[data-request='{request}']");
    assert!(text(&s, &article).contains("Ерлан Серикович Абенов"));
    assert!(
        wait_for(SLOW, || {
            s.eval_with(
                "const i = document.querySelector(arguments[0]); return !!i && i.complete && i.naturalWidth > 0;",
                &[json!(format!("{article} img.badge-doc"))],
            )
            .ok()
                == Some(Value::Bool(true))
        }),
        "the document photo loads for staff"
    );
    let comment = format!("#c-{request}");
    let approve = format!("{article} button[formaction$='/approve']");

    // no comment: the browser does not send it ...
    s.click(&approve).expect("approve without a comment");
    assert_eq!(
        s.eval_with(
            "return document.querySelector(arguments[0]).validity.valueMissing;",
            &[json!(comment)]
        )
        .expect("validity"),
        json!(true)
    );
    assert!(s.current_url().expect("url").ends_with("/admin/badges"), "still on the queue");
    // ... and blanks get past the browser but not the server: refused, nothing changed
    s.type_into(&comment, "    ").expect("blank comment");
    s.click(&approve).expect("approve with a blank comment");
    // back on the queue (the place kept), told why
    wait_text(&s, ".flash", "Напишите комментарий к решению");
    assert!(s.current_url().expect("url").ends_with("/admin/badges"), "still on the queue");
    assert_eq!(
        text(&s, ".flash"),
        "Напишите комментарий к решению: пользователь получит его в чате поддержки."
    );
    assert_eq!(request_state(&app, seller), "waiting", "a refused decision changes nothing");
    assert_eq!(badge_until(&app, seller), None);
    let support: i64 = app
        .db()
        .query_row(
            "SELECT count(*) FROM chat_threads WHERE kind = 'support' AND buyer_id = ?1",
            [seller],
            |r| r.get(0),
        )
        .expect("threads");
    assert_eq!(support, 0, "no message went out");

    // with a comment: approved
    let said = "Документы в порядке, спасибо! Значок уже на вашей странице.";
    s.goto(&app.url("/admin/badges")).expect("staff: queue again");
    s.type_into(&comment, said).expect("comment");
    let decided_at = uzmat::db::now();
    s.click(&approve).expect("approve");
    wait_text(&s, ".flash", "Значок выдан, пользователь получил комментарий.");
    assert_eq!(s.count_now(&article).expect("gone"), 0, "decided: off the queue");
    assert_eq!(text(&s, "main .empty"), "Оплаченных заявок, ждущих решения, нет.");
    assert_eq!(request_state(&app, seller), "approved");
    let until = badge_until(&app, seller).expect("badge granted");
    assert!((until - (decided_at + 180 * DAY)).abs() <= 5, "180 days from the decision");

    // the seller: the header counts the support message, the thread shows the comment
    u.goto(&app.url("/")).expect("seller: home");
    assert_eq!(unread_badge(&u), ("1".into(), true), "the header counts the decision");
    u.click("#chats-link").expect("seller: messages");
    let thread: i64 = app
        .db()
        .query_row(
            "SELECT id FROM chat_threads WHERE kind = 'support' AND buyer_id = ?1",
            [seller],
            |r| r.get(0),
        )
        .expect("support thread");
    let row = format!("#inbox li.inbox-row.unread[data-thread='{thread}']");
    assert!(text(&u, &row).contains("Поддержка Uzmat"), "{}", text(&u, &row));
    u.click(&format!("{row} .inbox-link")).expect("seller: the support thread");
    wait_text(&u, "#messages li.message.system .system-text", said);
    let message = text(&u, "#messages li.message.system .system-text");
    assert!(message.contains(&plain(&Lang::Ru.date(until))), "{message}");
    assert_eq!(unread_badge(&u), ("0".into(), false), "reading it clears the header");

    // the seller page shows the check mark, /badge the badge's end
    u.goto(&app.url(&format!("/seller/{seller}"))).expect("seller page");
    assert_eq!(u.count_now(".seller-head h1 .verified .icon-verified").expect("mark"), 1);
    assert!(u.is_displayed(".seller-head h1 .verified").expect("shown"));
    u.goto(&app.url("/badge")).expect("seller: /badge");
    assert!(text(&u, "#badge-status .verified").contains(&plain(&Lang::Ru.date(until))));
    assert_eq!(u.attr("#badge-request", "data-state").expect("state").as_deref(), Some("approved"));
    assert!(text(&u, "#badge-request").contains(said), "the comment is on /badge too");
    no_console_errors(&u, "seller");
    no_console_errors(&s, "staff");
    eprintln!("badge requested, refused, approved and shown in {:?}", started.elapsed());
}

/// A badge request filed, with its document under uploads/, through the domain; the payment's
/// public id.
fn file_request(
    app: &TestApp,
    user: i64,
    kind: &str,
    name: &str,
    company: &str,
    tax: &str,
) -> String {
    let rel = format!("badge-docs/test-{user}.jpg");
    let full = app.dir.path().join("uploads").join(&rel);
    std::fs::create_dir_all(full.parent().expect("dir")).expect("mkdir");
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::copy(jpeg(tmp.path(), "doc.jpg"), &full).expect("copy");
    let req = uzmat::domain::badges::NewRequest::parse(kind, name, company, tax).expect("valid");
    let cfg = &app.state.config;
    uzmat::domain::badges::request(
        &mut app.db(),
        UserId(user),
        &req,
        &rel,
        Currency::Usd,
        uzmat::domain::payments::ProviderId::Manual,
        &cfg.plans,
        &app.state.rates.get(),
        uzmat::db::now(),
    )
    .expect("db")
    .expect("filed")
}

fn buy(app: &TestApp, user: i64, ad: i64, plan: Plan) -> String {
    let u = build::as_user(user);
    uzmat::domain::payments::ledger::buy_plan(
        &mut app.db(),
        &u,
        AdId(ad),
        plan,
        uzmat::domain::payments::ProviderId::Manual,
        &app.state.config.plans,
        uzmat::db::now(),
    )
    .expect("db")
    .expect("bought")
}

fn paid(app: &TestApp, moderator: i64, public: &str) {
    uzmat::domain::payments::ledger::mark_paid(
        &mut app.db(),
        UserId(moderator),
        public,
        &app.state.config.plans,
        uzmat::db::now(),
    )
    .expect("db")
    .expect("marked");
}

#[test]
fn money_pages_fit_desktop_and_phone_in_both_themes() {
    if !should_run() {
        return;
    }
    let app = app();
    let moderator = staff(&app, "Модератор Айгуль");
    let (owner, fresh, company, ad) = {
        let mut db = app.db();
        let owner = build::user(&db, "Бауыржан Сагинтаев-Кунаев", None);
        let fresh = build::user(&db, "Новый Продавец", None);
        let company = build::user(&db, "ТОО «КазСпецТехника-Строй»", None);
        let ad = build::Ad::new(
            owner,
            "Автокран Ивановец КС-45717, 25 т, стрела 28 м, после капремонта двигателя",
            600,
        )
        .insert(&db);
        // PREMIUM running, GOLD bought during it and waiting for its end
        let now = uzmat::db::now();
        let tx = db.transaction().expect("tx");
        uzmat::domain::promotions::grant(&tx, AdId(ad), Plan::Premium, 14, now - 2 * DAY)
            .expect("premium");
        uzmat::domain::promotions::grant(&tx, AdId(ad), Plan::Gold, 3, now - DAY).expect("gold");
        tx.commit().expect("commit");
        (owner, fresh, company, ad)
    };
    // the owner's payments: one paid, one pending, one cancelled; a badge request waiting
    let paid_vip = buy(&app, owner, ad, Plan::Vip);
    let pending = buy(&app, owner, ad, Plan::Gold);
    paid(&app, moderator, &paid_vip);
    let cancelled = buy(&app, owner, ad, Plan::Premium);
    uzmat::domain::payments::ledger::cancel(
        &mut app.db(),
        UserId(owner),
        &cancelled,
        uzmat::db::now(),
    )
    .expect("db")
    .expect("cancelled");
    let badge_pay =
        file_request(&app, owner, "individual", "Бауыржан Ерланович Сагинтаев-Кунаев", "", "");
    paid(&app, moderator, &badge_pay);
    let company_pay = file_request(
        &app,
        company,
        "company",
        "Асель Маратовна Жумабекова",
        "ТОО «КазСпецТехника-Строй»",
        "123456789012",
    );
    paid(&app, moderator, &company_pay);

    let [o, s, f] = signed_in(&app, [owner, moderator, fresh], 1366, 900);
    let dir = shots_dir();
    for (w, h) in [(1366, 900), (390, 844)] {
        for b in [&o, &s, &f] {
            b.set_window_size(w, h).expect("size");
        }
        for theme in ["dark", "light"] {
            for b in [&o, &s, &f] {
                b.set_cookie("theme", theme, false).expect("theme");
            }
            let shot = |b: &Browser, name: &str| {
                assert_eq!(b.attr("html", "data-theme").expect("attr").as_deref(), Some(theme));
                assert!(
                    !b.has_horizontal_overflow().expect("overflow"),
                    "{name} at {w} px, {theme}"
                );
                full_page_shot(b, &dir.join(format!("money-{name}-{w}-{theme}.png")), (w, h));
            };
            o.goto(&app.url(&format!("/ad/{ad}/promote"))).expect("promote");
            // VIP was paid: VIP now, then the rest of PREMIUM, then GOLD
            assert_eq!(o.count_now("#promotion-now .timeline li").expect("segments"), 3);
            shot(&o, "promote");
            o.goto(&app.url(&format!("/payments/{pending}"))).expect("pending");
            shot(&o, "payment-pending");
            o.goto(&app.url(&format!("/payments/{paid_vip}"))).expect("paid");
            shot(&o, "payment-paid");
            s.goto(&app.url(&format!("/payments/{pending}"))).expect("staff: pending");
            assert_eq!(s.count_now("#mark-paid").expect("button"), 1);
            shot(&s, "payment-staff");
            o.goto(&app.url("/account/payments")).expect("mine");
            shot(&o, "account-payments");
            f.goto(&app.url("/badge")).expect("badge empty");
            shot(&f, "badge-empty");
            // a company without its name or tax id, and a one-letter name: the errors
            f.click("input[name=kind][value=company]").expect("company");
            f.type_into("#f-full_name", "И").expect("name");
            let tmp = tempfile::tempdir().expect("tempdir");
            f.type_into("#f-document", &jpeg(tmp.path(), "d.jpg").display().to_string())
                .expect("doc");
            f.click("#badge-form button[type=submit]").expect("submit");
            wait_text(&f, ".field-error", "ФИО");
            assert_eq!(f.response_status().expect("status"), Some(422));
            shot(&f, "badge-errors");
            o.goto(&app.url("/badge")).expect("badge waiting");
            assert_eq!(
                o.attr("#badge-request", "data-state").expect("state").as_deref(),
                Some("waiting")
            );
            shot(&o, "badge-waiting");
            s.goto(&app.url("/admin/payments")).expect("ledger");
            shot(&s, "admin-payments");
            s.goto(&app.url("/admin/badges")).expect("queue");
            assert_eq!(s.count("article.badge-request").expect("requests"), 2);
            assert!(
                wait_for(SLOW, || {
                    s
                    .eval("return Array.from(document.querySelectorAll('img.badge-doc')).every(i => i.complete && i.naturalWidth > 0);")
                    .ok()
                    == Some(Value::Bool(true))
                }),
                "documents load"
            );
            shot(&s, "admin-badges");
        }
    }
    no_console_errors(&o, "owner");
    no_console_errors(&s, "staff");
}
