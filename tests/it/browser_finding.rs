//! Headless Chromium, finding things (issue 17): a typo in the home search offers the right
//! word and runs it; a price sort lists priced ads, then negotiable ones; the city list and
//! the price currency follow the country in place (listing, ad form, freight form).

use serde_json::json;

use crate::support::browser::{Browser, should_run};
use crate::support::build::{Ad, user};
use crate::support::pages::{
    SLOW, full_page_shot, no_console_errors, shots_dir, text, wait_for, wait_text,
};
use crate::support::{TestApp, spawn_app};

fn shot(name: &str) -> std::path::PathBuf {
    let dir = shots_dir();
    std::fs::create_dir_all(&dir).expect("shots dir");
    dir.join(format!("finding-{name}.png"))
}

/// Sets a select's value and tells the page, as a person choosing from it would.
fn choose(b: &Browser, css: &str, value: &str) {
    b.eval_with(
        "const s = document.querySelector(arguments[0]); s.value = arguments[1]; \
         s.dispatchEvent(new Event('change', { bubbles: true })); return s.value;",
        &[json!(css), json!(value)],
    )
    .unwrap_or_else(|e| panic!("{css}: {e}"));
}

fn options(b: &Browser, css: &str) -> Vec<String> {
    let v = b
        .eval_with(
            "return Array.from(document.querySelectorAll(arguments[0])).map(o => o.value);",
            &[json!(css)],
        )
        .expect("options");
    v.as_array()
        .map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

fn card_ids(b: &Browser) -> Vec<i64> {
    let v = b
        .eval("return Array.from(document.querySelectorAll('.results [data-ad-id]')).map(e => Number(e.dataset.adId));")
        .expect("cards");
    v.as_array()
        .map(|a| a.iter().filter_map(serde_json::Value::as_i64).collect())
        .unwrap_or_default()
}

fn wait_url(b: &Browser, part: &str) {
    assert!(
        wait_for(SLOW, || b.current_url().is_ok_and(|u| u.contains(part))),
        "never reached a URL with {part:?}: {:?}",
        b.current_url()
    );
}

fn russian(app: &TestApp, w: u32, h: u32) -> Browser {
    let b = Browser::start(w, h).expect("browser");
    b.goto(&app.url("/robots.txt")).expect("open the site");
    b.set_cookie("lang", "ru", false).expect("language cookie");
    b
}

#[test]
fn a_typo_in_the_home_search_offers_the_right_word_and_runs_it() {
    if !should_run() {
        return;
    }
    let app = spawn_app();
    let db = app.db();
    let u = user(&db, "Seller", None);
    let digger = Ad::new(u, "Гусеничный экскаватор Hitachi ZX200", 10).insert(&db);
    let mut filter = Ad::new(u, "Фильтр гидравлический для экскаватора", 20);
    filter.kind = "parts";
    let filter = filter.insert(&db);

    let b = russian(&app, 1366, 900);
    b.goto(&app.url("/")).expect("home");
    b.type_into("#home-q", "эксковатор").expect("type");
    b.click("form.search-form button[type=submit]").expect("search");
    wait_text(&b, "#did-you-mean", "Возможно, вы искали: экскаватор");
    assert!(b.current_url().expect("url").contains("/search?q="));
    assert!(text(&b, "#corrected-note").contains("«эксковатор»"));
    assert_eq!(text(&b, "#section-tabs"), "Техника 1 Запчасти 1 Ремонт 0");
    assert!(b.is_displayed("#did-you-mean a").expect("shown"));
    full_page_shot(&b, &shot("typo-1366"), (1366, 900));

    b.click("#did-you-mean a").expect("run the suggestion");
    wait_url(&b, "%D1%8D%D0%BA%D1%81%D0%BA%D0%B0%D0%B2%D0%B0%D1%82%D0%BE%D1%80");
    assert!(wait_for(SLOW, || b.count_now("#did-you-mean").unwrap_or(1) == 0), "found as typed");
    assert_eq!(b.prop("#search-q", "value").expect("value"), json!("экскаватор"));
    let ids = {
        let v = b
            .eval("return Array.from(document.querySelectorAll('[data-ad-id]')).map(e => Number(e.dataset.adId));")
            .expect("cards");
        v.as_array()
            .map(|a| a.iter().filter_map(serde_json::Value::as_i64).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    assert_eq!(ids, vec![digger, filter], "machinery first, then parts");
    // a tab leads into the section's own listing with the text
    b.click("#section-tabs a[data-section=parts]").expect("parts tab");
    wait_url(&b, "/parts?q=");
    assert_eq!(card_ids(&b), vec![filter]);
    no_console_errors(&b, "visitor");
}

/// A phone folds the listing's filters under their button: unfold them when folded.
fn unfold_filters(b: &Browser) {
    if !b.is_displayed("#f-sort").expect("filters shown?") {
        b.click("label.filters-btn").expect("unfold the filters");
    }
}

#[test]
fn sorting_by_price_lists_priced_ads_first_then_negotiable_ones() {
    if !should_run() {
        return;
    }
    let app = spawn_app();
    let db = app.db();
    let u = user(&db, "Seller", None);
    let ad = |title: &str, cents: Option<i64>, unit: Option<&str>| {
        let mut a = Ad::new(u, title, 10);
        a.kind = if unit.is_some() { "rent" } else { "sale" };
        a.price_usd_cents = cents;
        a.price_minor = cents.map(|c| c * 500);
        let id = a.insert(&db);
        db.execute("UPDATE ads SET price_unit = ?1 WHERE id = ?2", (unit, id)).expect("unit");
        id
    };
    let negotiable = ad("Экскаватор JCB, цена договорная", None, None);
    let hourly = ad("Аренда автокрана, почасово", Some(4_000), Some("hour"));
    let daily = ad("Аренда бульдозера на сутки", Some(25_000), Some("day"));
    let sale = ad("Продам погрузчик Komatsu", Some(3_500_000), None);

    for (w, h) in [(1366, 900), (390, 844)] {
        let b = russian(&app, w, h);
        b.goto(&app.url("/catalog?country=kz")).expect("catalog");
        unfold_filters(&b);
        choose(&b, "#f-sort", "price_asc");
        b.click("form.filters button[type=submit]").expect("apply");
        wait_url(&b, "sort=price_asc");
        // $40 x 8 = $320 a day, $250 a day, $35,000: cheapest per day first, negotiable last
        assert_eq!(card_ids(&b), vec![daily, hourly, sale, negotiable], "{w}px");
        let prices = b
            .eval("return Array.from(document.querySelectorAll('.results .card-price')).map(e => e.textContent);")
            .expect("prices");
        let prices: Vec<String> = prices
            .as_array()
            .map(|a| {
                a.iter().filter_map(|s| s.as_str().map(crate::support::pages::plain)).collect()
            })
            .unwrap_or_default();
        assert!(prices[0].contains("/день"), "{prices:?}");
        assert!(prices[1].contains("/час"), "{prices:?}");
        assert!(prices[3].contains("Договорная"), "{prices:?}");
        assert!(!b.has_horizontal_overflow().expect("overflow"), "{w}px overflows");
        full_page_shot(&b, &shot(&format!("price-asc-{w}")), (w, h));
        unfold_filters(&b);
        choose(&b, "#f-sort", "price_desc");
        b.click("form.filters button[type=submit]").expect("apply");
        wait_url(&b, "sort=price_desc");
        assert_eq!(card_ids(&b), vec![sale, hourly, daily, negotiable], "{w}px");
        no_console_errors(&b, "visitor");
    }
}

#[test]
fn the_city_list_and_the_currency_follow_the_country_in_place() {
    if !should_run() {
        return;
    }
    let app = spawn_app();
    let db = app.db();
    let u = user(&db, "Seller", None);
    let mut samarkand = Ad::new(u, "Экскаватор в Самарканде", 10);
    samarkand.country = "uz";
    samarkand.city = "Самарканд";
    samarkand.currency = "UZS";
    let samarkand = samarkand.insert(&db);
    Ad::new(u, "Экскаватор в Алматы", 20).insert(&db);

    let b = russian(&app, 1366, 900);
    b.goto(&app.url("/catalog")).expect("catalog");
    assert!(!b.is_displayed("#city-field").expect("city field"), "no country, no city list");
    assert_eq!(b.prop("#f-currency", "value").expect("currency"), json!("USD"));
    choose(&b, "#f-country", "uz");
    assert!(b.is_displayed("#f-city").expect("city"), "the list appears in place");
    let cities = options(&b, "#f-city option");
    assert_eq!(cities.len(), 21, "{cities:?}");
    assert!(cities.contains(&"Самарканд".to_owned()) && !cities.contains(&"Алматы".to_owned()));
    assert_eq!(b.prop("#f-currency", "value").expect("currency"), json!("UZS"));
    assert_eq!(text(&b, "#price-currency-code"), "UZS");
    assert_eq!(b.current_url().expect("url"), app.url("/catalog"), "no reload");
    full_page_shot(&b, &shot("cities-1366"), (1366, 900));
    choose(&b, "#f-city", "Самарканд");
    b.click("form.filters button[type=submit]").expect("apply");
    wait_url(&b, "city=");
    assert_eq!(card_ids(&b), vec![samarkand]);
    assert_eq!(b.prop("#f-city", "value").expect("city"), json!("Самарканд"));
    // another country: its cities, the city reset; a currency the visitor picked stays
    choose(&b, "#f-country", "kz");
    assert_eq!(b.prop("#f-city", "value").expect("city"), json!(""));
    assert!(options(&b, "#f-city option").contains(&"Алматы".to_owned()));
    assert_eq!(b.prop("#f-currency", "value").expect("currency"), json!("KZT"));
    choose(&b, "#f-currency", "USD");
    choose(&b, "#f-country", "ru");
    assert_eq!(b.prop("#f-currency", "value").expect("currency"), json!("USD"));
    choose(&b, "#f-country", "all");
    assert!(!b.is_displayed("#city-field").expect("city field"));
    assert_eq!(b.prop("#f-city", "disabled").expect("disabled"), json!(true));
    b.set_window_size(390, 844).expect("phone");
    unfold_filters(&b);
    choose(&b, "#f-country", "by");
    full_page_shot(&b, &shot("cities-390"), (390, 844));
    assert!(!b.has_horizontal_overflow().expect("overflow"));
    no_console_errors(&b, "visitor");

    // the ad form: only the chosen country's cities, "other" kept
    b.set_window_size(1366, 900).expect("desktop");
    b.set_cookie("uzmat_session", &crate::support::pages::token(&app, u), true).expect("session");
    b.goto(&app.url("/ads/new?kind=rent")).expect("ad form");
    choose(&b, "#f-country", "by");
    let cities = options(&b, "#f-city option");
    assert!(cities.contains(&"Минск".to_owned()), "{cities:?}");
    assert!(!cities.contains(&"Алматы".to_owned()), "{cities:?}");
    assert_eq!(cities.first().map(String::as_str), Some(""));
    assert_eq!(cities.last().map(String::as_str), Some("other"));
    assert_eq!(cities.len(), 22);
    // the freight form offers the country's cities for a free-text city
    b.goto(&app.url("/logistics/new")).expect("freight form");
    choose(&b, "#f-from_country", "ru");
    let offered = options(&b, "#f-from_city-list option");
    assert_eq!(offered.len(), 20);
    assert_eq!(offered[0], "Москва");
    no_console_errors(&b, "seller");
}

/// Shows the page in `theme` (the header's toggle), at the browser's current width.
fn theme(b: &Browser, theme: &str) {
    if b.attr("html", "data-theme").expect("attr").as_deref() != Some(theme) {
        crate::support::click_in_header(b, "#theme-toggle");
        assert!(
            wait_for(SLOW, || b.attr("html", "data-theme").ok().flatten().as_deref()
                == Some(theme)),
            "theme {theme}"
        );
    }
}

#[test]
fn a_capped_count_and_a_deep_page_reached_by_its_cursor() {
    if !should_run() {
        return;
    }
    let app = crate::support::spawn_with(|c| c.server.count_cap = 20);
    let db = app.db();
    let u = user(&db, "Seller", None);
    let ids: Vec<i64> =
        (0..80).map(|i| Ad::new(u, &format!("Погрузчик {i}"), 1000 - i).insert(&db)).collect();
    let newest_first: Vec<i64> = ids.iter().rev().copied().collect();
    for (w, h) in [(1366, 900), (390, 844)] {
        let b = russian(&app, w, h);
        for th in ["dark", "light"] {
            b.goto(&app.url("/catalog?page=5")).expect("page 5");
            theme(&b, th);
            assert_eq!(text(&b, "#result-count"), "20+ объявлений", "{w}px");
            b.click(".pagination a[rel=next]").expect("next");
            wait_url(&b, "after=");
            assert_eq!(text(&b, ".pagination .current"), "6", "{w}px {th}");
            assert_eq!(card_ids(&b), newest_first[60..72].to_vec(), "{w}px {th}");
            full_page_shot(&b, &shot(&format!("deep-page-{w}-{th}")), (w, h));
        }
        no_console_errors(&b, "visitor");
    }
}
