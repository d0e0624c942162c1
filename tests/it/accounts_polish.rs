//! Issue 17, "posting and accounts": what a new user tripped over. Links in mails start with
//! the address the server listens on unless `server.public_url` says otherwise.

use std::process::Command;

use crate::support::client::Client;
use crate::support::server::Server;
use crate::support::spawn_app;

const PW: &str = "ковш и стрела 2024";

/// The bodies of the mails to `to`, oldest first.
pub fn outbox(app: &crate::support::TestApp, to: &str) -> Vec<String> {
    let db = app.db();
    let mut stmt = db.prepare("SELECT body FROM outbox WHERE to_addr = ?1 ORDER BY id").expect("q");
    stmt.query_map([to], |r| r.get(0)).expect("rows").collect::<Result<_, _>>().expect("bodies")
}

#[test]
fn without_a_public_url_mail_links_point_at_the_bound_address() {
    let app = spawn_app();
    assert_eq!(app.state.config.server.public_url, app.url(""), "port 0: the port chosen");
    let c = Client::new(&app);
    c.sign_up_unverified("Азамат", "azamat@example.kz", PW);
    let mail = outbox(&app, "azamat@example.kz");
    let link = mail[0].split_whitespace().find(|w| w.contains("/verify-email/")).expect("link");
    assert!(link.starts_with(&app.url("/verify-email/")), "{link}");
    // the link opens on this very server
    let r =
        crate::support::read(crate::support::agent().get(link).call().expect("the link answers"));
    assert_eq!(r.status, 303, "{}", r.body);
}

#[test]
fn a_loopback_public_url_on_a_public_bind_is_warned_about_once_at_start_and_by_check() {
    // the real binary on every interface with the old default left in place
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let bind = format!("0.0.0.0:{port}");
    let server = Server::start(&[
        ("UZMAT_SERVER__BIND", bind.as_str()),
        ("UZMAT_SERVER__PUBLIC_URL", "http://127.0.0.1:8080"),
    ]);
    let log = server.log();
    let warned = log.lines().filter(|l| l.contains("WARN") && l.contains("public_url")).count();
    assert_eq!(warned, 1, "{log}");
    drop(server);

    let check = |env: &[(&str, &str)]| {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_uzmat"));
        cmd.current_dir(dir.path())
            .arg("check")
            .env("UZMAT_SERVER__DATA_DIR", dir.path().join("data"));
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("run");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let out = check(&[
        ("UZMAT_SERVER__BIND", "0.0.0.0:8080"),
        ("UZMAT_SERVER__PUBLIC_URL", "http://localhost:8080"),
    ]);
    assert!(out.contains("warning: server.public_url is http://localhost:8080"), "{out}");
    let out = check(&[("UZMAT_SERVER__BIND", "0.0.0.0:8080")]);
    assert!(out.contains("warning: server.public_url is not set"), "{out}");
    let out = check(&[
        ("UZMAT_SERVER__BIND", "0.0.0.0:8080"),
        ("UZMAT_SERVER__PUBLIC_URL", "https://uzmat.kz"),
    ]);
    assert!(!out.contains("warning"), "{out}");
    assert!(!check(&[]).contains("warning"), "the defaults are coherent");
}

/// The path of the newest mailed link containing `marker` (`/verify-email/`, `/password/reset/`).
fn newest_link(app: &crate::support::TestApp, to: &str, marker: &str) -> String {
    let mail = outbox(app, to);
    let body = mail.iter().rev().find(|b| b.contains(marker)).expect("a mail with the link");
    let at = body.find(marker).expect("link");
    body[at..].split_whitespace().next().expect("link").to_owned()
}

fn verify_mails(app: &crate::support::TestApp, to: &str) -> usize {
    outbox(app, to).iter().filter(|b| b.contains("/verify-email/")).count()
}

/// A real page of the site: its header, footer and the dead link's explanation.
fn is_dead_link_page(r: &crate::support::Resp, title: &str) {
    assert_eq!(r.count("header.site-header"), 1, "the site's layout");
    assert_eq!(r.count("footer.site-footer"), 1, "the site's layout");
    assert!(r.one("h1#dead-link").text.contains(title), "{}", r.body);
}

#[test]
fn a_used_verification_link_explains_itself_and_offers_a_new_mail_to_the_signed_in_user() {
    let app = spawn_app();
    let c = Client::new(&app);
    c.sign_up_unverified("Азамат", "azamat@example.kz", PW);
    let first = newest_link(&app, "azamat@example.kz", "/verify-email/");
    // the link expires unused
    app.db().execute("UPDATE auth_tokens SET expires_at = 0", []).expect("expire");
    let r = c.get(&first);
    assert_eq!(r.status, 410);
    is_dead_link_page(&r, "Ссылка уже использована или устарела");
    assert!(r.one("#error-message").text.contains("истёк"));
    // signed in: one button, the address is the account's
    assert_eq!(r.count("#resend-form button[type=submit]"), 1);
    assert_eq!(r.count("#resend-form input[name=email]"), 0);
    let before = verify_mails(&app, "azamat@example.kz");
    let sent = c.post("/verify-email/resend", &[("back", "/account")]);
    assert_eq!(sent.status, 303);
    assert_eq!(sent.header("location"), Some("/account"));
    assert!(c.get("/account").one(".flash").text.contains("отправили новое письмо"));
    assert_eq!(verify_mails(&app, "azamat@example.kz"), before + 1);
    let second = newest_link(&app, "azamat@example.kz", "/verify-email/");
    assert_eq!(c.get(&second).status, 303, "the new link confirms");
    assert!(c.get("/account").body.contains("e-mail подтверждён"));

    // used again: the page says the address is confirmed, and offers nothing to send
    let r = c.get(&second);
    assert_eq!(r.status, 410);
    is_dead_link_page(&r, "Ссылка уже использована или устарела");
    assert!(r.one("#error-message").text.contains("уже использована"));
    assert_eq!(r.count("#already-verified"), 1);
    assert_eq!(r.count("#resend-form"), 0);
    // a confirmed user asking anyway is told so, and no mail goes
    let mails = verify_mails(&app, "azamat@example.kz");
    c.get("/verify-email/resend");
    let r = c.post("/verify-email/resend", &[("back", "https://evil.example/")]);
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/account"), "no open redirect");
    assert!(c.get("/account").one(".flash").text.contains("уже подтверждён"));
    assert_eq!(verify_mails(&app, "azamat@example.kz"), mails);

    // a link that never was: 400, the same kind of page
    let r = c.get("/verify-email/not-a-token");
    assert_eq!(r.status, 400);
    is_dead_link_page(&r, "Ссылка не работает");
}

#[test]
fn signed_out_a_new_confirmation_mail_is_asked_for_by_address_without_telling_who_has_an_account() {
    let app = spawn_app();
    let owner = Client::new(&app);
    owner.sign_up_unverified("Азамат", "azamat@example.kz", PW);
    Client::new(&app).sign_up("Борис", "boris@example.kz", PW);
    let link = newest_link(&app, "azamat@example.kz", "/verify-email/");
    assert_eq!(owner.get(&link).status, 303);
    app.db().execute("UPDATE users SET email_verified_at = NULL", []).expect("unconfirm");

    // the link opened again, signed out (another browser): the e-mail field
    let stranger = Client::from_ip(&app, "198.51.100.7");
    let r = stranger.get(&link);
    assert_eq!(r.status, 410);
    is_dead_link_page(&r, "Ссылка уже использована или устарела");
    assert_eq!(r.count("#resend-form input[name=email]"), 1);
    let answer = |email: &str| {
        let r = stranger.post("/verify-email/resend", &[("email", email)]);
        assert_eq!(r.status, 200, "{}", r.body);
        r.one("main").text
    };
    let before = (verify_mails(&app, "azamat@example.kz"), verify_mails(&app, "boris@example.kz"));
    let known = answer("Azamat@Example.kz");
    let unknown = answer("nobody@example.kz");
    app.db()
        .execute("UPDATE users SET email_verified_at = 1 WHERE email = 'boris@example.kz'", [])
        .expect("boris confirmed");
    let confirmed = answer("boris@example.kz");
    assert!(known.contains("Если этот e-mail зарегистрирован"), "{known}");
    assert_eq!(known, unknown, "no enumeration");
    assert_eq!(known, confirmed, "no enumeration");
    assert_eq!(verify_mails(&app, "azamat@example.kz"), before.0 + 1);
    assert_eq!(verify_mails(&app, "boris@example.kz"), before.1, "confirmed: nothing sent");
    assert!(outbox(&app, "nobody@example.kz").is_empty());
    let fresh = newest_link(&app, "azamat@example.kz", "/verify-email/");
    assert_eq!(stranger.get(&fresh).status, 303, "the new link confirms");

    // a bad address: the form again, with the error
    let r = stranger.post("/verify-email/resend", &[("email", "not an address")]);
    assert_eq!(r.status, 422);
    assert_eq!(r.count(".field-error[data-field=email]"), 1);
    // limited like password resets: auth.resets_per_ip_per_hour (5) per IP, then 429
    let limited = Client::from_ip(&app, "198.51.100.8");
    limited.get("/verify-email/resend");
    for _ in 0..5 {
        assert_eq!(
            limited.post("/verify-email/resend", &[("email", "nobody@example.kz")]).status,
            200
        );
    }
    let r = limited.post("/verify-email/resend", &[("email", "azamat@example.kz")]);
    assert_eq!(r.status, 429);
    assert!(r.one(".form-error[role=alert]").text.contains("Слишком много"));
}

#[test]
fn a_used_reset_link_explains_itself_and_offers_the_reset_form() {
    let app = spawn_app();
    Client::new(&app).sign_up("Иван", "ivan@example.kz", PW);
    let c = Client::from_ip(&app, "198.51.100.9");
    c.get("/password/forgot");
    assert_eq!(c.post("/password/forgot", &[("email", "ivan@example.kz")]).status, 200);
    let link = newest_link(&app, "ivan@example.kz", "/password/reset/");
    assert_eq!(c.get(&link).status, 200);
    assert_eq!(c.post(&link, &[("password", "новый пароль для крана")]).status, 303);
    let other = Client::from_ip(&app, "198.51.100.10");
    for (path, status, title) in [
        (link.as_str(), 410, "Ссылка уже использована или устарела"),
        ("/password/reset/bogus", 400, "Ссылка не работает"),
    ] {
        let r = other.get(path);
        assert_eq!(r.status, status, "{path}");
        is_dead_link_page(&r, title);
        assert_eq!(r.html().attrs("#forgot-form", "action"), ["/password/forgot"]);
        assert_eq!(r.count("#forgot-form input[name=email]"), 1);
    }
    // posting to a used link: the same page, the password unchanged
    let r = other.post(&link, &[("password", "ещё один новый пароль")]);
    assert_eq!(r.status, 410);
    is_dead_link_page(&r, "Ссылка уже использована или устарела");
    assert_eq!(Client::new(&app).sign_in("ivan@example.kz", "новый пароль для крана").status, 303);
    // the page's form asks for a new link
    let r = other.post("/password/forgot", &[("email", "ivan@example.kz")]);
    assert_eq!(r.status, 200);
    assert_eq!(r.count("#reset-sent"), 1);
}

/// Where the public could meet an ad or a listing: (what, found).
fn public_sightings(
    app: &crate::support::TestApp,
    ad: i64,
    slug: &str,
    freight: i64,
    seller: i64,
) -> Vec<(&'static str, bool)> {
    let v = Client::new(app);
    let has_ad = |path: &str| v.get(path).ad_ids().contains(&ad);
    let sitemap = v.get("/sitemap.xml").body;
    vec![
        ("home", has_ad("/")),
        ("catalog", has_ad("/catalog")),
        (
            "search",
            has_ad("/catalog?q=%D0%BF%D0%BE%D0%B3%D1%80%D1%83%D0%B7%D1%87%D0%B8%D0%BA%D0%B0"),
        ),
        ("seller page", has_ad(&format!("/seller/{seller}"))),
        ("sitemap", sitemap.contains(&format!("/ad/{ad}-"))),
        ("ad page", v.get(&format!("/ad/{ad}-{slug}")).status == 200),
        (
            "logistics",
            v.get("/logistics")
                .html()
                .attrs("[data-freight-id]", "data-freight-id")
                .contains(&freight.to_string()),
        ),
        ("freight page", v.get(&format!("/freight/{freight}")).status == 200),
    ]
}

#[test]
fn an_unconfirmed_account_posts_and_its_listings_show_once_the_email_is_confirmed() {
    let app = spawn_app();
    let owner = Client::new(&app);
    owner.sign_up_unverified("Новичок", "novice@example.kz", PW);
    let seller: i64 = app
        .db()
        .query_row("SELECT id FROM users WHERE email = 'novice@example.kz'", [], |r| r.get(0))
        .expect("id");
    owner.get("/ads/new?kind=rent");
    let r = owner.post_multipart("/ads/new?kind=rent", &crate::ads_posting::rent_fields(), &[]);
    assert_eq!(r.status, 303, "an unconfirmed account may post");
    let location = r.header("location").expect("to the ad").to_owned();
    let (ad, slug) = location.trim_start_matches("/ad/").split_once('-').expect("id-slug");
    let (ad, slug): (i64, String) = (ad.parse().expect("id"), slug.to_owned());
    let page = owner.get(&location);
    assert_eq!(page.status, 200, "the owner sees it");
    assert!(page.one(".flash").text.contains("как только вы подтвердите e-mail"), "{}", page.body);
    owner.get("/logistics/new");
    let cargo = crate::freight::cargo(
        "Металлоконструкции 20 т",
        ("kz", "Алматы"),
        ("uz", "Ташкент"),
        "2026-12-05",
    );
    let r = owner.post("/logistics/new", &cargo);
    assert_eq!(r.status, 303);
    let freight: i64 =
        r.header("location").and_then(|l| l.rsplit('/').next()?.parse().ok()).expect("id");
    let page = owner.get(&format!("/freight/{freight}"));
    assert_eq!(page.status, 200);
    assert!(page.one("#freight-status").text.contains("Покажем после подтверждения e-mail"));
    // the ad page tells its owner the same, with the way to a new mail
    let own = owner.get(&location);
    assert!(own.one("#awaiting-email").text.contains("Покажем после подтверждения e-mail"));
    assert_eq!(own.html().attrs("#awaiting-email a", "href"), ["/verify-email/resend"]);
    assert_eq!(own.count("form[action$=\"/deactivate\"] #toggle-active"), 1);
    app.drain();

    // nobody else meets either, anywhere; another signed-in user gets 404s too
    let seen = public_sightings(&app, ad, &slug, freight, seller);
    assert!(seen.iter().all(|(_, found)| !found), "shown before the confirmation: {seen:?}");
    let other = Client::new(&app);
    other.sign_up("Другой", "other@example.kz", PW);
    assert_eq!(other.get(&location).status, 404);
    assert_eq!(other.get(&format!("/freight/{freight}")).status, 404);

    // the owner's list says why, and offers a new mail that comes back to it
    let mine = owner.get("/my/ads");
    for row in [format!("[data-ad-id=\"{ad}\"]"), format!("[data-freight-id=\"{freight}\"]")] {
        let status = mine.one(&format!("{row} .awaiting-email")).text;
        assert_eq!(status, "Покажем после подтверждения e-mail", "{row}");
        let resend = mine.html().attrs(&format!("{row} a.resend-link"), "href");
        assert_eq!(resend, ["/verify-email/resend?back=/my/ads"], "{row}");
        // waiting counts as published to its owner: the button takes it down
        assert_eq!(mine.count(&format!("{row} form[action$=\"/deactivate\"]")), 1, "{row}");
    }
    let form = owner.get("/verify-email/resend?back=/my/ads");
    assert_eq!(form.html().attrs("#resend-form input[name=back]", "value"), ["/my/ads"]);
    let r = owner.post("/verify-email/resend", &[("back", "/my/ads")]);
    assert_eq!(r.header("location"), Some("/my/ads"));
    owner.get("/my/ads");

    // the newest link confirms: both are public at once, in the same step
    let link = newest_link(&app, "novice@example.kz", "/verify-email/");
    assert_eq!(owner.get(&link).status, 303);
    app.drain();
    let seen = public_sightings(&app, ad, &slug, freight, seller);
    assert!(seen.iter().all(|(_, found)| *found), "not shown after the confirmation: {seen:?}");
    let mine = owner.get("/my/ads");
    assert_eq!(mine.count(".awaiting-email"), 0);
    assert_eq!(mine.one(&format!("[data-ad-id=\"{ad}\"] .status")).text, "Опубликовано");

    // confirmed now: the next ad is public at once
    owner.get("/ads/new?kind=rent");
    let r = owner.post_multipart("/ads/new?kind=rent", &crate::ads_posting::rent_fields(), &[]);
    let next = owner.get(r.header("location").expect("ad"));
    assert!(next.one(".flash").text.contains("опубликовано"), "{}", next.one(".flash").text);
}

#[test]
fn unpublished_while_waiting_an_ad_stays_down_and_republishing_waits_again() {
    let app = spawn_app();
    let owner = Client::new(&app);
    owner.sign_up_unverified("Новичок", "novice@example.kz", PW);
    owner.get("/ads/new?kind=rent");
    let r = owner.post_multipart("/ads/new?kind=rent", &crate::ads_posting::rent_fields(), &[]);
    let ad: i64 = r
        .header("location")
        .and_then(|l| l.trim_start_matches("/ad/").split('-').next()?.parse().ok())
        .expect("id");
    owner.get("/my/ads");
    assert_eq!(owner.post(&format!("/ad/{ad}/deactivate"), &[]).status, 303);
    let mine = owner.get("/my/ads");
    assert_eq!(mine.count(".awaiting-email"), 0);
    assert_eq!(mine.one(&format!("[data-ad-id=\"{ad}\"] .status")).text, "Снято с публикации");
    // published again before the confirmation: it waits again, and says so
    let r = owner.post(&format!("/ad/{ad}/activate"), &[]);
    assert_eq!(r.status, 303);
    let mine = owner.get("/my/ads");
    assert!(mine.one(".flash").text.contains("как только вы подтвердите e-mail"));
    assert_eq!(mine.count(&format!("[data-ad-id=\"{ad}\"] .awaiting-email")), 1);
    let active: bool = app
        .db()
        .query_row("SELECT is_active FROM ads WHERE id = ?1", [ad], |r| r.get(0))
        .expect("ad");
    assert!(!active);
}

#[test]
fn with_require_verified_email_off_an_unconfirmed_accounts_ads_are_public_at_once() {
    let app = crate::support::spawn_with(|c| c.moderation.require_verified_email = false);
    let owner = Client::new(&app);
    owner.sign_up_unverified("Новичок", "novice@example.kz", PW);
    owner.get("/ads/new?kind=rent");
    let r = owner.post_multipart("/ads/new?kind=rent", &crate::ads_posting::rent_fields(), &[]);
    let location = r.header("location").expect("ad").to_owned();
    assert_eq!(app.get(&location).status, 200);
}
