//! Headless Chromium against the real app with demo data: home, a listing and an ad at desktop
//! and phone widths. Visible content, no console errors, no sideways scrolling; screenshots are
//! saved under `target/screenshots/`.

use std::path::PathBuf;

use crate::support::browser::{Browser, should_run};
use crate::support::seeded_app;

fn shot(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/screenshots").join(format!("{name}.png"))
}

fn check_page(b: &Browser, label: &str) {
    assert_eq!(b.response_status().expect("status"), Some(200), "{label}");
    assert!(!b.has_horizontal_overflow().expect("overflow"), "{label}: scrolls sideways");
    let errors = b.console_errors().expect("console");
    assert!(errors.is_empty(), "{label}: console errors: {errors:?}");
    b.screenshot(&shot(label)).expect("screenshot");
}

#[test]
fn home_listing_and_ad_render_at_desktop_and_phone_widths() {
    if !should_run() {
        return;
    }
    let app = seeded_app(20, 150, 3);
    let b = Browser::start(1280, 900).expect("browser");
    // Chromium asks for English, but headless Chromium names itself in its User-Agent: a
    // robot, which reads the root in Russian (browsers' Accept-Language is tested over HTTP in
    // languages.rs); the English URL is English
    b.goto(&app.url("/")).expect("home");
    assert!(b.text("h1").expect("h1").contains("Спецтехника"), "robots read Russian at the root");
    b.goto(&app.url("/en/")).expect("English home");
    assert!(b.text("h1").expect("h1").contains("Heavy machinery"), "the URL's language");
    crate::support::choose_russian(&b);
    for (w, h, size) in [(1280, 900, "1280"), (375, 812, "375")] {
        b.set_window_size(w, h).expect("resize");

        b.goto(&app.url("/")).expect("home");
        assert!(b.text("h1").expect("h1").contains("Спецтехника"));
        assert!(b.count("#hot .card").expect("hot") >= 7, "hot offers shown");
        assert!(b.count("#fresh .card").expect("fresh") > 0);
        // a phone folds the navigation under the menu button
        assert_eq!(b.is_displayed(".main-nav").expect("nav"), w >= 720, "nav at {w} px");
        let loaded = (0..60).any(|_| {
            let ok = b
                .eval("const i = document.querySelector('#hot .card img'); return i.complete && i.naturalWidth > 0;")
                .expect("img");
            ok == serde_json::Value::Bool(true) || {
                std::thread::sleep(std::time::Duration::from_millis(50));
                false
            }
        });
        assert!(loaded, "the first card's photo loaded");
        check_page(&b, &format!("home-{size}"));

        b.goto(&app.url("/catalog")).expect("catalog");
        assert!(b.text("#result-count").expect("count").contains("объявлен"));
        // promoted ads lead the first page in their own strip, each shown once
        let promoted = b.count_now("#promoted .card").expect("promoted");
        let main = b.count(".results > .grid .card").expect("cards");
        assert!(promoted <= 4 && main + promoted >= 12 && main <= 12, "{promoted} + {main}");
        assert!(b.count_now(".pagination a").expect("pages") > 0);
        check_page(&b, &format!("catalog-{size}"));

        let href = b.attr(".results .card a.card-link", "href").expect("href").expect("link");
        b.goto(&app.url(&href)).expect("ad");
        assert!(!b.text("h1.ad-title").expect("title").is_empty());
        assert!(!b.text("#ad-price").expect("price").is_empty());
        assert!(b.count(".specs div").expect("specs") >= 2);
        check_page(&b, &format!("ad-{size}"));
    }
}

#[test]
fn scripts_enhance_theme_phone_and_gallery() {
    if !should_run() {
        return;
    }
    let app = seeded_app(20, 150, 3);
    let b = Browser::start(1280, 900).expect("browser");
    b.goto(&app.url("/")).expect("home");
    let theme = |b: &Browser| b.attr("html", "data-theme").expect("attr").unwrap_or_default();
    assert_eq!(theme(&b), "dark");
    b.click("#theme-toggle").expect("toggle");
    assert_eq!(b.eval("return document.documentElement.dataset.theme").expect("eval"), "light");
    // the choice survives a reload: the server renders it, no flash
    b.goto(&app.url("/catalog")).expect("reload");
    assert_eq!(theme(&b), "light");

    // an ad with several photos: thumbnails swap the main photo
    let id: i64 = app
        .db()
        .query_row(
            "SELECT a.id FROM ads a WHERE a.is_active = 1 AND (SELECT count(*) FROM ad_photos p WHERE p.ad_id = a.id) >= 2 LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("ad with photos");
    b.goto(&app.url(&format!("/ad/{id}"))).expect("ad");
    let main_before = b.prop("#gallery-main", "src").expect("src");
    b.click(".thumb:nth-child(2)").expect("thumb");
    let main_after = b.prop("#gallery-main", "src").expect("src");
    assert_ne!(main_before, main_after, "thumbnail swapped the main photo");
    // the phone is not in the page until asked; the button shows it in place, no reload
    assert_eq!(b.count(".phone-number").expect("count"), 0, "not in the page");
    b.eval("window.__noReload = true; return true;").expect("marker");
    b.click(".phone-form button").expect("show phone");
    let mut shown = false;
    for _ in 0..100 {
        if b.count(".phone-number").expect("count") == 1 {
            shown = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(shown && b.is_displayed(".phone-number").expect("shown"), "the number appears");
    assert_eq!(
        b.eval("return window.__noReload === true;").expect("still here"),
        serde_json::Value::Bool(true),
        "no page reload"
    );
    let errors = b.console_errors().expect("console");
    assert!(errors.is_empty(), "console errors: {errors:?}");
}

/// The top of the first card on the page, in CSS pixels from the top of the viewport.
fn first_card_top(b: &Browser) -> f64 {
    b.eval("return document.querySelector('main .card').getBoundingClientRect().top;")
        .expect("card")
        .as_f64()
        .expect("a number")
}

#[test]
fn a_phone_sees_the_first_ad_on_the_first_screen_and_unfolds_menu_and_filters() {
    if !should_run() {
        return;
    }
    let app = seeded_app(20, 150, 3);
    let b = Browser::start(390, 844).expect("browser");
    b.goto(&app.url("/")).expect("home");
    crate::support::choose_russian(&b);
    for theme in ["dark", "light"] {
        b.goto(&app.url("/catalog?country=all")).expect("catalog");
        if b.attr("html", "data-theme").expect("attr").as_deref() != Some(theme) {
            crate::support::click_in_header(&b, "#theme-toggle");
            b.goto(&app.url("/catalog?country=all")).expect("catalog");
        }
        assert!(!b.is_displayed(".main-nav").expect("nav"), "the menu is folded");
        assert!(!b.is_displayed("#f-brand").expect("brand"), "the filters are folded");
        assert!(b.is_displayed("#f-q").expect("search"), "the search stays");
        let top = first_card_top(&b);
        // the photo of the first ad starts well inside the 844 px screen
        assert!(top + 200.0 < 844.0, "first card at {top} px");
        check_page(&b, &format!("catalog-first-screen-390-{theme}"));

        b.click("label.filters-btn").expect("filters");
        assert!(b.is_displayed("#f-brand").expect("brand"), "filters unfold");
        b.click("label.menu-btn").expect("menu");
        assert!(b.is_displayed(".main-nav").expect("nav"), "the menu unfolds");
        assert!(b.is_displayed("#country-select").expect("country"), "settings are in the menu");
        b.screenshot(&shot(&format!("catalog-unfolded-390-{theme}"))).expect("shot");

        b.goto(&app.url("/")).expect("home");
        let top = first_card_top(&b);
        assert!(top < 844.0, "home: first card at {top} px");
    }

    // a description keeps its paragraphs and line breaks; a link in it is only text
    let db = app.db();
    let id: i64 = db
        .query_row("SELECT id FROM ads WHERE is_active = 1 ORDER BY id LIMIT 1", [], |r| r.get(0))
        .expect("ad");
    db.execute(
        "UPDATE ads SET description = ?1 WHERE id = ?2",
        (
            "Кран 25 т.\r\nСтрела 31 м.\r\n\r\nЗвоните: +7 701 123 45 67\r\n\r\nhttps://pay.example/x <b>жирно</b>",
            id,
        ),
    )
    .expect("describe");
    b.goto(&app.url(&format!("/ad/{id}"))).expect("ad");
    assert_eq!(b.count(".ad-description p").expect("paragraphs"), 3);
    let first = b.eval("return document.querySelector('.ad-description p').innerText;").expect("p");
    assert_eq!(first, "Кран 25 т.\nСтрела 31 м.", "the line break shows");
    assert_eq!(b.count(".ad-description a, .ad-description b").expect("links"), 0);
    let text = b.text(".ad-description").expect("text");
    assert!(text.contains("+7 701 123 45 67") && text.contains("<b>жирно</b>"), "{text}");
    check_page(&b, "ad-description-390");
}
