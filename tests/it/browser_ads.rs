//! Headless Chromium: post a rent ad with three photos, make the third the main one, find it
//! first on its catalog card, edit the price, unpublish and publish again, favorite it as
//! another user.

use std::time::Duration;

use crate::support::browser::{Browser, should_run};
use crate::support::spawn_app;

fn wait_text(b: &Browser, css: &str, needle: &str) {
    for _ in 0..100 {
        if b.count_now(css).unwrap_or(0) > 0
            && b.text(css).map(|t| t.contains(needle)).unwrap_or(false)
        {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("`{css}` never contained «{needle}»");
}

fn set_select(b: &Browser, css: &str, value: &str) {
    b.eval_with(
        "const s = document.querySelector(arguments[0]); s.value = arguments[1]; return s.value;",
        &[serde_json::json!(css), serde_json::json!(value)],
    )
    .expect(css);
}

fn sign_up(b: &Browser, app: &crate::support::TestApp, name: &str, email: &str) {
    b.goto(&app.url("/signup")).expect("signup");
    b.type_into("#f-name", name).expect("name");
    b.type_into("#f-email", email).expect("email");
    b.type_into("#f-password", "ковш и стрела 2024").expect("password");
    b.click("form[action='/signup'] button[type=submit]").expect("submit");
    wait_text(b, ".flash", "Аккаунт создан");
    // the address confirmed through the mailed link, as a seller does: their ads are public
    let body: String = app
        .db()
        .query_row(
            "SELECT body FROM outbox WHERE to_addr = ?1 AND body LIKE '%/verify-email/%'",
            [email],
            |r| r.get(0),
        )
        .expect("confirmation mail");
    let link = body.split_whitespace().find(|w| w.contains("/verify-email/")).expect("link");
    b.goto(link).expect("confirm");
    wait_text(b, ".flash", "подтверждён");
}

#[test]
fn post_rent_ad_with_photos_choose_main_edit_toggle_and_favorite() {
    if !should_run() {
        return;
    }
    let app = spawn_app();
    let dir = tempfile::tempdir().expect("tempdir");
    let colors = [[200u8, 30, 30], [30, 160, 40], [30, 60, 210]];
    let files: Vec<String> = colors
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let path = dir.path().join(format!("photo{i}.jpg"));
            image::RgbImage::from_pixel(640, 480, image::Rgb(*c)).save(&path).expect("jpeg");
            path.display().to_string()
        })
        .collect();
    let b = Browser::start(1280, 900).expect("browser");
    b.goto(&app.url("/")).expect("home");
    crate::support::choose_russian(&b);
    sign_up(&b, &app, "Продавец", "seller@kovsh.kz");

    b.click("#post-ad-link").expect("post an ad");
    b.click("a.kind-option[data-kind=rent]").expect("rent");
    b.type_into("#f-title", "Аренда автокрана Ивановец 25 т").expect("title");
    set_select(&b, "#f-equipment_type", "автокран");
    b.type_into("#f-brand", "Ивановец").expect("brand");
    b.type_into("#f-price", "20000").expect("price");
    set_select(&b, "#f-price_unit", "hour");
    set_select(&b, "#f-currency", "KZT");
    set_select(&b, "#f-country", "kz");
    set_select(&b, "#f-city", "Алматы");
    b.type_into("#f-phone", "+7 701 555 44 33").expect("phone");
    b.type_into("#f-photos", &files.join("\n")).expect("three photos");
    // previews before anything is sent: counted, and the green one chosen as main there
    assert!(
        crate::support::pages::wait_for(Duration::from_secs(5), || {
            b.count_now("#photo-previews img").expect("previews") == 3
        }),
        "three previews"
    );
    assert_eq!(b.text("#photo-count").expect("count"), "3");
    assert!(b.is_displayed("#photo-previews").expect("shown"));
    b.click("#photo-previews input[value='new:1']").expect("green is main");
    b.screenshot(
        &std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("target/screenshots/ad-form-previews-1280.png"),
    )
    .expect("shot");
    b.click("#ad-form button[type=submit]").expect("publish");
    wait_text(&b, ".flash", "опубликовано");
    assert_eq!(b.count(".thumb").expect("thumbs"), 3);
    let green = "const i = document.getElementById('gallery-main'); if (!i.complete || !i.naturalWidth) return null; const c = document.createElement('canvas'); c.width = 4; c.height = 4; const x = c.getContext('2d'); x.drawImage(i, 0, 0, 4, 4); const d = x.getImageData(1, 1, 1, 1).data; return d[1] > 120 && d[0] < 80 && d[2] < 80;";
    assert!(
        crate::support::pages::wait_for(Duration::from_secs(5), || {
            b.eval(green).expect("pixel") == serde_json::Value::Bool(true)
        }),
        "the photo chosen in the preview leads the ad"
    );
    let (id, photo_ids): (i64, Vec<i64>) = {
        let db = app.db();
        let id: i64 = db
            .query_row("SELECT id FROM ads ORDER BY id DESC LIMIT 1", [], |r| r.get(0))
            .expect("ad");
        let mut stmt =
            db.prepare("SELECT id FROM ad_photos WHERE ad_id = ?1 ORDER BY position").expect("q");
        let ids = stmt
            .query_map([id], |r| r.get(0))
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("ids");
        (id, ids)
    };

    // make the third photo the main one
    b.click("#edit-ad").expect("edit");
    b.click(&format!("input[name=main_photo][value=p{}]", photo_ids[2])).expect("third is main");
    b.click("#ad-form button[type=submit]").expect("save");
    wait_text(&b, ".flash", "сохранены");
    app.drain();
    let card_path: String = app
        .db()
        .query_row("SELECT coalesce(card_path, path) FROM ad_photos WHERE ad_id = ?1 ORDER BY position LIMIT 1", [id], |r| r.get(0))
        .expect("main photo");
    let main_id: i64 = app
        .db()
        .query_row(
            "SELECT id FROM ad_photos WHERE ad_id = ?1 ORDER BY position LIMIT 1",
            [id],
            |r| r.get(0),
        )
        .expect("id");
    assert_eq!(main_id, photo_ids[2]);
    b.goto(&app.url("/catalog")).expect("catalog");
    let src = b
        .attr(&format!("article[data-ad-id='{id}'] .card-photo img"), "src")
        .expect("src")
        .expect("img");
    assert_eq!(src, format!("/media/{card_path}"));
    // and it really is the blue one
    let blue = b
        .eval(&format!(
            "const i = document.querySelector(\"article[data-ad-id='{id}'] .card-photo img\"); const c = document.createElement('canvas'); c.width = 4; c.height = 4; const x = c.getContext('2d'); x.drawImage(i, 0, 0, 4, 4); const d = x.getImageData(1, 1, 1, 1).data; return d[2] > 150 && d[0] < 80;"
        ))
        .expect("pixel");
    assert_eq!(blue, serde_json::Value::Bool(true), "the third (blue) photo leads the card");

    // edit the price
    b.goto(&app.url(&format!("/ad/{id}/edit"))).expect("edit");
    b.clear("#f-price").expect("clear");
    b.type_into("#f-price", "25000").expect("price");
    b.click("#ad-form button[type=submit]").expect("save");
    wait_text(&b, "#ad-price", "25\u{2009}000 ₸/час");

    // unpublish, publish again
    b.click("#toggle-active").expect("deactivate");
    wait_text(&b, ".flash", "снято с публикации");
    assert!(b.text(".note.warn").expect("owner note").contains("видите только вы"));
    b.click("#toggle-active").expect("activate");
    wait_text(&b, ".flash", "снова опубликовано");

    // another user favorites it, no reload
    b.click(".user-menu summary").expect("menu");
    b.click("#logout").expect("logout");
    wait_text(&b, ".flash", "вышли");
    sign_up(&b, &app, "Покупатель", "buyer@kovsh.kz");
    let ad_path: String = app
        .db()
        .query_row("SELECT '/ad/' || id || '-' || slug FROM ads WHERE id = ?1", [id], |r| r.get(0))
        .expect("path");
    b.goto(&app.url(&ad_path)).expect("ad page");
    assert_eq!(
        b.attr(".ad-actions .fav-btn", "aria-pressed").expect("attr").as_deref(),
        Some("false")
    );
    // the control says what it will do, and its words are part of the button
    assert_eq!(b.text(".ad-actions .fav-btn").expect("label").trim(), "В избранное");
    b.eval("window.__noReload = true; return true;").expect("marker");
    b.click(".ad-actions .fav-btn .fav-off").expect("favorite by its words");
    for _ in 0..100 {
        if b.attr(".ad-actions .fav-btn", "aria-pressed").expect("attr").as_deref() == Some("true")
        {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        b.attr(".ad-actions .fav-btn", "aria-pressed").expect("attr").as_deref(),
        Some("true")
    );
    assert_eq!(b.text(".ad-actions .fav-btn").expect("label").trim(), "В избранном");
    assert_eq!(
        b.eval("return window.__noReload === true;").expect("still here"),
        serde_json::Value::Bool(true),
        "no page reload"
    );
    b.goto(&app.url("/favorites")).expect("favorites");
    assert_eq!(b.count(&format!("article[data-ad-id='{id}']")).expect("card"), 1);
    let errors = b.console_errors().expect("console");
    assert!(errors.is_empty(), "console errors: {errors:?}");
    b.screenshot(
        &std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("target/screenshots/favorites-1280.png"),
    )
    .expect("shot");
}

#[test]
fn seller_pages_fit_a_phone() {
    if !should_run() {
        return;
    }
    let app = spawn_app();
    let b = Browser::start(375, 812).expect("browser");
    b.goto(&app.url("/")).expect("home");
    crate::support::choose_russian(&b);
    sign_up(&b, &app, "Продавец", "phone@kovsh.kz");
    for (path, name) in [
        ("/ads/new", "kinds"),
        ("/ads/new?kind=rent", "ad-form"),
        ("/my/ads", "my-ads"),
        ("/favorites", "favorites"),
        ("/account", "account"),
        ("/logistics", "logistics"),
        ("/logistics/new", "freight-form"),
    ] {
        b.goto(&app.url(path)).expect(path);
        assert_eq!(b.response_status().expect("status"), Some(200), "{path}");
        assert!(
            !b.has_horizontal_overflow().expect("overflow"),
            "{path} scrolls sideways at 375 px"
        );
        b.screenshot(
            &std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join(format!("target/screenshots/{name}-375.png")),
        )
        .expect("shot");
    }
    let errors = b.console_errors().expect("console");
    assert!(errors.is_empty(), "console errors: {errors:?}");
}

#[test]
fn an_owners_unpublished_favorite_is_marked_at_both_widths_and_themes() {
    if !should_run() {
        return;
    }
    let app = spawn_app();
    let b = Browser::start(1366, 900).expect("browser");
    b.goto(&app.url("/")).expect("home");
    crate::support::choose_russian(&b);
    sign_up(&b, &app, "Владелец", "hidden-fav@kovsh.kz");
    let db = app.db();
    let owner: i64 = db
        .query_row("SELECT id FROM users WHERE email = 'hidden-fav@kovsh.kz'", [], |r| r.get(0))
        .expect("owner");
    let mut ad = crate::support::build::Ad::new(owner, "Кран Liebherr LTM 1050, снят", 60);
    ad.active = false;
    let hidden = ad.insert(&db);
    let shown = crate::support::build::Ad::new(owner, "Кран XCMG QY25K", 30).insert(&db);
    for id in [hidden, shown] {
        db.execute(
            "INSERT INTO favorites (user_id, ad_id, created_at) VALUES (?1, ?2, 0)",
            (owner, id),
        )
        .expect("favorite");
    }
    let shots = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    for (w, h) in [(1366, 900), (390, 844)] {
        b.set_window_size(w, h).expect("size");
        for theme in ["dark", "light"] {
            b.goto(&app.url("/favorites")).expect("favorites");
            if b.attr("html", "data-theme").expect("attr").as_deref() != Some(theme) {
                crate::support::click_in_header(&b, "#theme-toggle");
            }
            assert_eq!(b.count("article.card").expect("cards"), 2);
            let tag = format!("article[data-ad-id='{hidden}'] .inactive-tag");
            assert!(b.is_displayed(&tag).expect("tag"), "the unpublished card is marked");
            assert!(b.text(&tag).expect("text").contains("Снято с публикации"), "says so");
            assert_eq!(
                b.count(&format!("article[data-ad-id='{shown}'] .inactive-tag")).expect("n"),
                0
            );
            assert!(!b.has_horizontal_overflow().expect("overflow"), "{w} px {theme}");
            b.screenshot(&shots.join(format!("favorites-hidden-{w}-{theme}.png"))).expect("shot");
        }
    }
    let errors = b.console_errors().expect("console");
    assert!(errors.is_empty(), "console errors: {errors:?}");
}
