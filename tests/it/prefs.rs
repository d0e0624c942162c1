//! Preferences kept in cookies: country, language, theme; flash messages; no open redirect.

use crate::support::client::Client;
use crate::support::spawn_app;

#[test]
fn choosing_a_country_sets_the_cookie_and_flashes_once() {
    let app = spawn_app();
    let c = Client::new(&app);
    c.get("/");
    let r = c.post("/prefs", &[("country", "uz"), ("back", "/catalog?city=x")]);
    assert_eq!(r.status, 303);
    assert_eq!(
        r.header("location"),
        Some("/catalog"),
        "city filter dropped with the country change"
    );
    let cookies = r.header_all("set-cookie");
    assert!(cookies.iter().any(|c| c.starts_with("country=uz")), "{cookies:?}");
    assert!(cookies.iter().any(|c| c.starts_with("flash=flash.country_saved")), "{cookies:?}");

    let page = c.get("/catalog");
    assert!(page.one(".flash[role=status]").text.contains("Страна выбрана"));
    let chosen = page.html().attrs("#f-country option[selected]", "value");
    assert_eq!(chosen, ["uz"], "the filter shows the chosen country");
    assert!(
        page.header_all("set-cookie").iter().any(|c| c.starts_with("flash=;")),
        "flash cleared"
    );
    // a forged flash cookie cannot inject text
    let forged = app.get_with("/", &[("cookie", "flash=<script>alert(1)</script>")]);
    assert!(!forged.body.contains("alert(1)"));
}

#[test]
fn language_and_theme_are_remembered_and_back_is_same_site_only() {
    let app = spawn_app();
    let c = Client::new(&app);
    c.get("/");
    let r = c.post("/prefs", &[("lang", "en"), ("back", "//evil.example/")]);
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/en/"), "no open redirect: the home page, in English");
    let en = c.get("/");
    assert_eq!(en.one("html").attr("lang"), Some("en"));
    assert!(en.body.contains("Heavy machinery for hire and sale"));
    let uz = app.get_with("/", &[("cookie", "lang=uz")]);
    assert!(uz.body.contains("Qaynoq takliflar"), "Uzbek where translated");
    assert!(
        uz.body.contains("Сначала") || uz.body.contains("Свежие") || uz.body.contains("Yangi"),
        "falls back to Russian"
    );

    c.cookies.borrow_mut().insert("theme".into(), "dark".into());
    let r = c.post("/prefs", &[("theme", "toggle"), ("back", "/about")]);
    assert!(r.header_all("set-cookie").iter().any(|c| c.starts_with("theme=light")));
    let light = app.get_with("/about", &[("cookie", "theme=light")]);
    assert_eq!(
        light.one("html").attr("data-theme"),
        Some("light"),
        "rendered by the server: no flash of the wrong theme"
    );
}

#[test]
fn static_pages_and_security_headers() {
    let app = spawn_app();
    for (path, title) in [
        ("/about", "О сервисе"),
        ("/help", "Помощь"),
        ("/rules", "Правила"),
        ("/safety", "Безопасная сделка"),
        ("/privacy", "Конфиденциальность"),
        ("/terms", "Условия"),
    ] {
        let r = app.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert!(r.body.contains(title), "{path}");
    }
    for path in ["/", "/nope", "/healthz"] {
        let r = app.get(path);
        let csp = r.header("content-security-policy").expect("csp");
        assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"), "{path}");
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"), "{path}");
    }
    let link = app.get("/").one("link[rel=stylesheet]");
    let css_url = link.attr("href").expect("css link");
    assert!(css_url.starts_with("/assets/app."), "{css_url}");
    let css = app.get(css_url);
    assert_eq!(css.status, 200);
    assert!(css.header("cache-control").unwrap_or("").contains("immutable"));
}

#[test]
fn preference_posts_need_the_csrf_token() {
    let app = spawn_app();
    let r = app.post_form("/prefs", &[("lang", "en"), ("back", "/")], &[]);
    assert_eq!(r.status, 403);
    assert!(r.header_all("set-cookie").iter().all(|c| !c.starts_with("lang=")), "nothing changed");
}

#[test]
fn a_cookie_value_naming_the_session_cookie_does_not_stop_the_anonymous_id() {
    let app = spawn_app();
    let c = Client::new(&app);
    c.cookies.borrow_mut().insert("note".into(), "uzmat_session".into());
    let page = c.get("/login");
    assert!(
        page.header_all("set-cookie").iter().any(|s| s.starts_with("uzmat_anon=")),
        "the anonymous id is issued: {:?}",
        page.header_all("set-cookie")
    );
    let r = c.post("/prefs", &[("lang", "en"), ("back", "/")]);
    assert_eq!(r.status, 303, "the form's token is bound to that id and accepted");
}

#[test]
fn every_cookie_is_secure_behind_https() {
    let app = crate::support::spawn_with(|c| c.server.https = true);
    let c = Client::new(&app);
    c.get("/");
    let r = c.post("/prefs", &[("lang", "en"), ("theme", "light"), ("country", "kz")]);
    assert_eq!(r.status, 303);
    let set = r.header_all("set-cookie");
    for name in ["flash=", "lang=", "theme=", "country="] {
        let cookie = set.iter().find(|s| s.starts_with(name)).expect(name);
        assert!(cookie.contains("Secure"), "{cookie}");
    }
    let page = c.get("/");
    let cleared = page.header_all("set-cookie");
    let cleared = cleared.iter().find(|s| s.starts_with("flash=")).expect("flash cleared");
    assert!(cleared.contains("Secure"), "{cleared}");
}
