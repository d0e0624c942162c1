//! Headless Chromium, languages in the URL (issue 16): English chosen in a phone's folded
//! header lands on the same page under `/en/`, and a card followed from there stays English;
//! screenshots at 390 and 1366 px in both themes.

use crate::support::browser::{Browser, should_run};
use crate::support::build::{Ad, user};
use crate::support::pages::{SLOW, full_page_shot, no_console_errors, shots_dir, wait_for};
use crate::support::{click_in_header, spawn_app};

fn shot(name: &str) -> std::path::PathBuf {
    let dir = shots_dir();
    std::fs::create_dir_all(&dir).expect("shots dir");
    dir.join(format!("languages-{name}.png"))
}

fn wait_url(b: &Browser, part: &str) -> String {
    assert!(
        wait_for(SLOW, || b.current_url().is_ok_and(|u| u.contains(part))),
        "never reached a URL with {part:?}: {:?}",
        b.current_url()
    );
    b.current_url().expect("url")
}

fn lang(b: &Browser) -> Option<String> {
    b.attr("html", "lang").expect("lang")
}

#[test]
fn english_chosen_on_a_phone_keeps_english_urls_through_a_card() {
    if !should_run() {
        return;
    }
    let app = spawn_app();
    let db = app.db();
    let seller = user(&db, "Продавец", None);
    for i in 0..6 {
        let mut ad = Ad::new(seller, &format!("Экскаватор-погрузчик JCB 3CX, {i}"), 10);
        ad.kind = if i % 2 == 0 { "rent" } else { "sale" };
        ad.insert(&db);
    }
    let (w, h) = (390, 844);
    let b = Browser::start(w, h).expect("browser");
    b.goto(&app.url("/catalog?kind=rent")).expect("catalog");
    assert_eq!(lang(&b).as_deref(), Some("ru"), "the root, Russian");
    assert!(!b.is_displayed("button.lang-btn[value=en]").expect("shown"), "folded on a phone");

    click_in_header(&b, "button.lang-btn[value=en]");
    let url = wait_url(&b, "/en/catalog");
    assert!(url.ends_with("/en/catalog?kind=rent"), "the same page, in English: {url}");
    assert!(wait_for(SLOW, || lang(&b).as_deref() == Some("en")), "English");
    assert_eq!(b.text("h1").expect("h1"), "Heavy machinery for hire and sale");
    assert!(b.text(".flash").expect("flash").contains("anguage"), "told: {:?}", b.text(".flash"));
    assert!(!b.has_horizontal_overflow().expect("overflow"), "no sideways scrolling");
    full_page_shot(&b, &shot("catalog-390-dark"), (w, h));

    // a card leads to the ad in English
    let href = b.attr(".results .card a.card-link", "href").expect("card").expect("href");
    assert!(href.starts_with("/en/ad/"), "{href}");
    b.click(".results .card a.card-link").expect("follow the card");
    let url = wait_url(&b, "/en/ad/");
    assert!(url.ends_with(&href), "{url}");
    assert_eq!(lang(&b).as_deref(), Some("en"));
    assert!(b.text(".phone-form button").expect("phone").contains("Show phone"));
    let crumbs = b
        .eval("return Array.from(document.querySelectorAll('.breadcrumbs a')).map(a => a.getAttribute('href'));")
        .expect("crumbs");
    assert_eq!(crumbs, serde_json::json!(["/en/", "/en/catalog"]));
    assert!(!b.has_horizontal_overflow().expect("overflow"));
    full_page_shot(&b, &shot("ad-390-dark"), (w, h));

    // the light theme, chosen on the ad page, comes back to the same English URL
    click_in_header(&b, "#theme-toggle");
    assert!(
        wait_for(SLOW, || b.attr("html", "data-theme").ok().flatten().as_deref() == Some("light"))
    );
    assert!(b.current_url().expect("url").ends_with(&href), "still the English ad");
    full_page_shot(&b, &shot("ad-390-light"), (w, h));

    // the desktop header shows the choice; both themes
    b.set_window_size(1366, 900).expect("desktop");
    b.goto(&app.url("/en/catalog")).expect("catalog");
    assert_eq!(
        b.attr("button.lang-btn[value=en]", "aria-pressed").expect("en"),
        Some("true".into())
    );
    assert!(!b.has_horizontal_overflow().expect("overflow"));
    full_page_shot(&b, &shot("catalog-1366-light"), (1366, 900));
    click_in_header(&b, "#theme-toggle");
    assert!(
        wait_for(SLOW, || b.attr("html", "data-theme").ok().flatten().as_deref() == Some("dark"))
    );
    assert!(b.current_url().expect("url").ends_with("/en/catalog"));
    full_page_shot(&b, &shot("catalog-1366-dark"), (1366, 900));
    no_console_errors(&b, "visitor");
}
