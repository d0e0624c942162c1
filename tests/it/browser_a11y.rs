//! Accessibility: axe-core (a local copy of the npm package, `tests/support/axe/`) run in
//! headless Chromium over every kind of page, anonymous, signed in and staff, in both themes
//! and at desktop and phone widths. No serious or critical WCAG 2.2 A/AA violation may remain.

use crate::support::browser::{Browser, should_run};
use crate::support::pages::{signed_in, staff};
use crate::support::{TestApp, seeded_app};

/// axe-core 4.14.1 (MPL-2.0, its licence beside it), unchanged.
const AXE: &str = include_str!("../support/axe/axe.min.js");

/// The serious and critical violations on the open page, one line each with where.
fn violations(b: &Browser) -> Vec<String> {
    let loaded = b.eval("return typeof window.axe === 'object';").expect("axe?");
    if loaded != serde_json::Value::Bool(true) {
        // the script is the body of the WebDriver's function: it defines window.axe
        b.eval(&format!("{AXE}\n;return typeof window.axe === 'object';")).expect("load axe");
    }
    let found = b
        .eval_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, {
                 runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
                 resultTypes: ['violations'],
             }).then(r => done(r.violations
                 .filter(v => v.impact === 'serious' || v.impact === 'critical')
                 .map(v => v.impact + ' ' + v.id + ': ' + v.help + ' at '
                     + v.nodes.slice(0, 4).map(n => n.target.join(' ')).join(' | '))))
               .catch(e => done(['axe failed: ' + e]));",
        )
        .expect("axe.run");
    found
        .as_array()
        .expect("a list")
        .iter()
        .map(|v| v.as_str().unwrap_or_default().to_owned())
        .collect()
}

fn set_theme(b: &Browser, theme: &str) {
    b.set_cookie("theme", theme, false).expect("theme cookie");
}

/// Opens each path in each theme and collects what axe finds.
fn check(b: &Browser, app: &TestApp, who: &str, paths: &[String], found: &mut Vec<String>) {
    for theme in ["dark", "light"] {
        set_theme(b, theme);
        for path in paths {
            b.goto(&app.url(path)).expect(path);
            let status = b.response_status().expect("status");
            let expected = if path.starts_with("/no-such") { 404 } else { 200 };
            assert_eq!(status, Some(expected), "{who} {path}");
            for v in violations(b) {
                found.push(format!("{who} {theme} {path}: {v}"));
            }
        }
    }
}

#[test]
fn every_page_has_no_serious_or_critical_axe_violation_in_either_theme() {
    if !should_run() {
        return;
    }
    let app = seeded_app(12, 60, 7);
    let db = app.db();
    let one = |sql: &str| -> i64 { db.query_row(sql, [], |r| r.get(0)).expect(sql) };
    let ad = one("SELECT id FROM ads WHERE is_active = 1 AND section = 'catalog' LIMIT 1");
    let part = one("SELECT id FROM ads WHERE is_active = 1 AND section = 'parts' LIMIT 1");
    let seller = one("SELECT owner_id FROM ads WHERE id = (SELECT min(id) FROM ads)");
    let carrier = crate::support::client::Client::new(&app);
    carrier.sign_up("Перевозчик", "carrier@kovsh.kz", "длинный пароль 1");
    carrier.get("/logistics/new");
    let cargo =
        crate::freight::cargo("Тент 20 т", ("kz", "Алматы"), ("uz", "Ташкент"), "2027-01-15");
    assert_eq!(carrier.post("/logistics/new", &cargo).status, 303, "freight posted");
    let freight = one("SELECT max(id) FROM freight_ads");
    // the pages added lately: a saved search and a rental request with a quote (the carrier's),
    // whose quoting owner has a matching rent ad
    let r = carrier.post(
        "/searches",
        &[("section", "catalog"), ("query", "q=экскаватор&country=kz"), ("frequency", "daily")],
    );
    assert_eq!(r.status, 303, "search saved: {}", r.body);
    let r = crate::requests::post_request(
        &carrier,
        &crate::requests::request_form(&crate::requests::day_in(10)),
    );
    assert_eq!(r.status, 303, "request posted: {}", r.body);
    let request = one("SELECT max(id) FROM rental_requests");
    let owner = crate::support::client::Client::new(&app);
    owner.sign_up("Владелец", "owner@kovsh.uz", "длинный пароль 2");
    let owner_id = one("SELECT id FROM users WHERE email = 'owner@kovsh.uz'");
    let mut rent = crate::support::build::Ad::new(owner_id, "Экскаватор в Ташкенте", 10);
    (rent.kind, rent.country, rent.city) = ("rent", "uz", "Ташкент");
    rent.insert(&db);
    owner.get(&format!("/requests/{request}"));
    let r = owner.post(&format!("/requests/{request}/quote"), &crate::requests::quote_form());
    assert_eq!(r.status, 303, "quoted: {}", r.body);
    let carrier_id = one("SELECT id FROM users WHERE email = 'carrier@kovsh.kz'");
    let (buyer, thread) = db
        .query_row("SELECT buyer_id, id FROM chat_threads WHERE kind = 'ad' LIMIT 1", [], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
        })
        .expect("a seeded chat");
    let own: Option<i64> = db
        .query_row(
            "SELECT id FROM ads WHERE owner_id = ?1 AND is_active = 1 LIMIT 1",
            [buyer],
            |r| r.get(0),
        )
        .ok();
    let boss = staff(&app, "Модератор");
    drop(db);

    let public: Vec<String> = [
        "/".to_owned(),
        "/catalog".to_owned(),
        "/catalog?q=экскаватор&sort=price_asc".to_owned(),
        "/parts".to_owned(),
        "/repair".to_owned(),
        "/search?q=фильтр".to_owned(),
        format!("/ad/{ad}"),
        format!("/ad/{part}"),
        format!("/seller/{seller}"),
        "/logistics".to_owned(),
        format!("/freight/{freight}"),
        "/about".to_owned(),
        "/help".to_owned(),
        "/login".to_owned(),
        "/signup".to_owned(),
        "/password/forgot".to_owned(),
        "/no-such-page".to_owned(),
    ]
    .into();
    let mine: Vec<String> = [
        "/ads/new".to_owned(),
        "/ads/new?kind=rent".to_owned(),
        "/my/ads".to_owned(),
        "/favorites".to_owned(),
        "/account".to_owned(),
        "/account/password".to_owned(),
        "/account/payments".to_owned(),
        "/badge".to_owned(),
        "/chats".to_owned(),
        format!("/chats/{thread}"),
        "/logistics/new".to_owned(),
    ]
    .into_iter()
    .chain(own.map(|id| format!("/ad/{id}/promote")))
    .collect();
    let console: Vec<String> = [
        "/admin",
        "/admin/reports",
        "/admin/review",
        "/admin/ads",
        "/admin/users",
        "/admin/audit",
        "/admin/payments",
        "/admin/badges",
    ]
    .map(str::to_owned)
    .into();

    // new pages: at 1366 px only, in both themes (the phone layouts are the same components)
    let recent_public: Vec<String> = [
        "/requests".to_owned(),
        format!("/requests/{request}"),
        "/search?q=экскаватор".to_owned(),
        "/en/".to_owned(),
        "/en/catalog?q=excavator".to_owned(),
        format!("/en/ad/{ad}"),
        "/en/requests".to_owned(),
        "/kk/".to_owned(),
        "/kk/parts".to_owned(),
        format!("/kk/ad/{part}"),
        "/kk/login".to_owned(),
        "/verify-email/resend".to_owned(),
    ]
    .into();
    let recent_buyer: Vec<String> = [
        "/my/stats".to_owned(),
        "/my/searches".to_owned(),
        "/my/requests".to_owned(),
        "/requests/new".to_owned(),
        format!("/requests/{request}"),
        "/verify-email/resend".to_owned(),
        "/en/my/stats".to_owned(),
        "/kk/my/ads".to_owned(),
    ]
    .into();
    let recent_carrier: Vec<String> = [
        "/my/searches".to_owned(),
        format!("/requests/{request}"),
        "/my/requests".to_owned(),
        "/en/my/searches".to_owned(),
    ]
    .into();

    let mut found = Vec::new();
    let [b, staff_b, carrier_b] = signed_in(&app, [buyer, boss, carrier_id], 1366, 900);
    // anonymous: the same browser before it is given a session
    let anon = Browser::start(1366, 900).expect("browser");
    anon.goto(&app.url("/robots.txt")).expect("site");
    anon.set_cookie("lang", "ru", false).expect("lang");
    for (w, h) in [(1366, 900), (390, 844)] {
        for x in [&anon, &b, &staff_b] {
            x.set_window_size(w, h).expect("size");
        }
        check(&anon, &app, &format!("anonymous {w}px"), &public, &mut found);
        check(&b, &app, &format!("signed in {w}px"), &mine, &mut found);
        check(&staff_b, &app, &format!("staff {w}px"), &console, &mut found);
    }
    for x in [&anon, &b, &staff_b] {
        x.set_window_size(1366, 900).expect("size");
    }
    check(&anon, &app, "anonymous 1366px", &recent_public, &mut found);
    check(&b, &app, "signed in 1366px", &recent_buyer, &mut found);
    check(&carrier_b, &app, "requester 1366px", &recent_carrier, &mut found);
    found.dedup();
    assert!(found.is_empty(), "{} axe violations:\n{}", found.len(), found.join("\n"));
}
