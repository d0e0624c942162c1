//! Bad query input gets a readable 4xx, never a 500.

use crate::support::build::{Ad, user};
use crate::support::spawn_app;

#[test]
fn bad_queries_get_readable_400s() {
    let app = spawn_app();
    let db = app.db();
    let u = user(&db, "Seller", None);
    Ad::new(u, "Экскаватор", 10).insert(&db);
    let long = "я".repeat(5000); // 10 KB
    let cases: Vec<(String, &str)> = vec![
        ("/catalog?price_from=abc".into(), "Цена должна быть"),
        ("/catalog?price_to=-1".into(), "Цена должна быть"),
        ("/catalog?price_from=10&price_to=5".into(), "больше"),
        ("/catalog?page=-5".into(), "Номер страницы"),
        ("/catalog?page=abc".into(), "Номер страницы"),
        ("/catalog?page=99999999999999999999".into(), "Номер страницы"),
        (format!("/catalog?q={long}"), "слишком длинный"),
        ("/catalog?country=us".into(), "Неизвестная страна"),
        ("/?country=xx".into(), "Неизвестная страна"),
        ("/parts?kind=rent".into(), "Неизвестный тип"),
        ("/catalog?sort=random".into(), "Неизвестный порядок"),
        ("/catalog?type=spaceship".into(), "Неизвестный вид"),
        ("/catalog?currency=EUR".into(), "Неизвестная валюта"),
        ("/seller/1?page=0".into(), "Номер страницы"),
        ("/catalog?page=1&page=2".into(), "Неверные параметры"),
    ];
    for (path, message) in cases {
        let r = app.get(&path);
        assert_eq!(r.status, 400, "{path}");
        let shown = r.one("#error-message").text;
        assert!(shown.contains(message), "{path}: no «{message}» in «{shown}»");
        assert_eq!(r.count("header.site-header"), 1, "{path}: a full page with the site's frame");
    }
    // an English visitor reads English
    let en = app.get_with("/catalog?price_from=abc", &[("accept-language", "en-US,en;q=0.9")]);
    assert_eq!(en.status, 400);
    assert!(en.one("#error-message").text.contains("whole non-negative number"));
}

#[test]
fn unknown_pages_and_ads_are_404_pages() {
    let app = spawn_app();
    for path in [
        "/nope",
        "/ad/999999",
        "/ad/abc",
        "/ad/-1",
        "/seller/999",
        "/seller/abc",
        "/seller/0",
        "/seller/1e3",
        "/freight/abc",
        "/freight/-2",
        "/freight/99999999999999999999",
        "/media/../uzmat.db",
        "/assets/app.css",
    ] {
        let r = app.get(path);
        assert_eq!(r.status, 404, "{path}");
    }
    let r = app.get("/nope");
    assert_eq!(r.one("main h1").text, "Страница не найдена");
    // a bad id in a signed-in route is the same 404 (one extractor for every id)
    let c = crate::support::client::Client::new(&app);
    c.sign_up("Ids", "ids@example.kz", "ковш и стрела 2024");
    for path in ["/ad/abc/edit", "/ad/0/edit", "/ad/-5/edit"] {
        assert_eq!(c.get(path).status, 404, "{path}");
    }
    c.get("/catalog");
    for path in ["/ad/x/favorite", "/ad/0/deactivate", "/freight/x/delete"] {
        assert_eq!(c.post(path, &[]).status, 404, "{path}");
    }
}

#[test]
fn oversized_and_malformed_requests_get_readable_pages() {
    let app = spawn_app();
    let big = "x".repeat(100 * 1024);
    let r = app.post_form("/login", &[("email", &big)], &[]);
    assert_eq!(r.status, 413, "{:?}", r.html().first("#error-message"));
    assert!(r.one("#error-message").text.contains("Запрос слишком большой"));
    assert_eq!(r.count("header.site-header"), 1, "a full page with the site's frame");
    let r = app.get("/logout");
    assert_eq!(r.status, 405);
    assert!(r.one("#error-message").text.contains("не принимает такой запрос"));
    let r = app.post_form("/account/avatar", &[], &[("content-type", "text/plain")]);
    assert!(
        r.status == 403 || r.status == 400,
        "no CSRF token, no multipart: refused ({})",
        r.status
    );
}
