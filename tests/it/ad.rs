//! The ad page: canonical URLs, what it shows, what the owner of an inactive ad is told.

use crate::support::build::{Ad, session, user};
use crate::support::spawn_app;

#[test]
fn redirects_to_canonical_url_and_shows_specs() {
    let app = spawn_app();
    let db = app.db();
    let now = uzmat::db::now();
    let u = user(&db, "Иван", Some(now + 86400));
    let id = Ad::new(u, "Экскаватор Hitachi ZX200", 10).insert(&db);
    let r = app.get(&format!("/ad/{id}"));
    assert_eq!(r.status, 308);
    assert_eq!(r.header("location"), Some(format!("/ad/{id}-ad-{id}").as_str()));
    let r = app.get(&format!("/ad/{id}-old-title"));
    assert_eq!(r.status, 308);
    let page = app.get(&format!("/ad/{id}-ad-{id}"));
    assert_eq!(page.status, 200);
    assert_eq!(page.one("h1.ad-title").text, "Экскаватор Hitachi ZX200");
    assert_eq!(page.one("#ad-price").text, "100\u{2009}000 ₸", "price with thin-space thousands");
    assert!(page.one("#ad-price + .usd").text.contains("≈ $200"), "approximate USD price");
    assert!(page.body.contains("Проверен"), "seller badge");
    assert!(page.body.contains("Показать телефон"));
    assert!(page.body.contains("Hitachi"));
    // absolute, as search engines want it (the hreflang alternates beside it are too)
    let canonical = app.url(&format!("/ad/{id}-ad-{id}"));
    assert_eq!(page.one("link[rel=canonical]").attr("href"), Some(canonical.as_str()));
    // signing in from here comes back here; from the home page it needs no way back
    let back = format!("/login?next=%2Fad%2F{id}-ad-{id}");
    assert_eq!(page.one("#login-link").attr("href"), Some(back.as_str()));
    assert_eq!(app.get("/").one("#login-link").attr("href"), Some("/login"));
}

#[test]
fn the_seller_card_counts_the_sellers_active_ads() {
    let app = spawn_app();
    let db = app.db();
    let u = user(&db, "Иван", None);
    let id = Ad::new(u, "Кран", 10).insert(&db);
    let card = |app: &crate::support::TestApp| {
        app.get(&format!("/ad/{id}-ad-{id}")).one(".seller-card").text
    };
    assert!(card(&app).contains("1 объявление"), "{}", card(&app));
    let second = Ad::new(u, "Погрузчик", 10).insert(&db);
    let mut hidden = Ad::new(u, "Снятое", 10);
    hidden.active = false;
    hidden.insert(&db);
    assert!(card(&app).contains("2 объявления"), "inactive ads not counted: {}", card(&app));
    db.execute("UPDATE ads SET is_active = 0 WHERE id = ?1", [second]).expect("deactivate");
    assert!(card(&app).contains("1 объявление"), "{}", card(&app));
}

/// Who may see an inactive ad is a row of the access table; here, what its owner is told.
#[test]
fn an_inactive_ad_tells_its_owner_that_only_they_see_it() {
    let app = spawn_app();
    let db = app.db();
    let owner = user(&db, "Owner", None);
    let mut ad = Ad::new(owner, "Снято с публикации", 10);
    ad.active = false;
    let id = ad.insert(&db);
    let path = format!("/ad/{id}-ad-{id}");
    let own = app.get_with(&path, &[("cookie", &session(&db, owner))]);
    assert_eq!(own.status, 200, "owner");
    assert!(own.body.contains("его видите только вы"));
}

#[test]
fn every_text_on_the_ad_page_is_escaped() {
    let app = spawn_app();
    let db = app.db();
    let evil = "\"><script>alert(1)</script>&";
    let u = user(&db, evil, None);
    let id = Ad::new(u, evil, 10).insert(&db);
    db.execute(
        "UPDATE ads SET description = ?1, city = ?1, phone = ?1, brand = ?1, model = ?1, \
         equipment_type = ?1 WHERE id = ?2",
        (evil, id),
    )
    .expect("hostile fields");
    let page = app.get(&format!("/ad/{id}-ad-{id}"));
    assert_eq!(page.status, 200);
    let page = page.html();
    // markup in the text would have made elements: no script but the site's and the JSON-LD
    let scripts = page.select("script");
    for s in &scripts {
        let ours = s.attr("src").is_some_and(|src| src.starts_with("/assets/"))
            || s.attr("type") == Some("application/ld+json");
        assert!(ours, "raw markup reached the page: {}", s.html);
    }
    let ld = page.one("script[type=\"application/ld+json\"]").text;
    assert!(ld.contains("\\u003cscript"), "the JSON-LD keeps its script element closed: {ld}");
    // title, breadcrumb, heading, photo alt texts, description, city, seller, phone and the
    // three specs all show the text, whole
    let (texts, attrs) = page.occurrences(evil);
    assert!(
        texts + attrs >= 10 && attrs >= 1,
        "shown {texts} times as text, {attrs} in attributes"
    );
}

#[test]
fn the_phone_is_not_in_the_page_until_asked_and_each_reveal_is_counted() {
    use crate::support::client::Client;
    let app = crate::support::spawn_app();
    let db = app.db();
    let owner = crate::support::build::user(&db, "Продавец", None);
    let id = crate::support::build::Ad::new(owner, "Экскаватор JCB JS220", 10).insert(&db);
    let page = format!("/ad/{id}-ad-{id}");
    let digits = "7010000000";
    let visitor = Client::new(&app);
    let html = visitor.get(&page).body;
    assert!(!html.replace(' ', "").contains(digits), "the number is not in the page");
    assert!(html.contains(&format!("action=\"/ad/{id}/phone\"")), "a button asks for it");
    // without JavaScript: the page comes back with the number
    let r = visitor.post(&format!("/ad/{id}/phone"), &[]);
    assert_eq!(r.status, 200);
    assert!(r.body.contains("href=\"tel:+77010000000\""), "the number is shown");
    // a script's way: JSON
    let token = visitor.csrf();
    let r = visitor.post_raw(
        &format!("/ad/{id}/phone"),
        &[("csrf_token", &token)],
        &[("accept", "application/json")],
    );
    assert_eq!(r.status, 200);
    let json: serde_json::Value = serde_json::from_str(&r.body).expect("json");
    assert_eq!(json["phone"], "+7 701 000 00 00");
    assert_eq!(json["tel"], "+77010000000");
    // a forged token changes nothing
    assert_eq!(
        visitor.post_raw(&format!("/ad/{id}/phone"), &[("csrf_token", "x")], &[]).status,
        403
    );
    app.drain();
    let reveals = |db: &rusqlite::Connection| -> i64 {
        db.query_row("SELECT phone_reveals FROM ads WHERE id = ?1", [id], |r| r.get(0)).expect("n")
    };
    assert_eq!(reveals(&db), 2, "two reveals, each counted by a job");
    // the owner sees the number in the page, and does not count
    let seller = Client::new(&app);
    seller.cookies.borrow_mut().insert(
        "uzmat_session".into(),
        crate::support::build::session(&db, owner).trim_start_matches("uzmat_session=").into(),
    );
    assert!(seller.get(&page).body.contains("href=\"tel:+77010000000\""));
    seller.post(&format!("/ad/{id}/phone"), &[]);
    app.drain();
    assert_eq!(reveals(&db), 2);
    // a hidden ad's number is nobody else's
    db.execute("UPDATE ads SET is_active = 0 WHERE id = ?1", [id]).expect("hide");
    assert_eq!(visitor.post(&format!("/ad/{id}/phone"), &[]).status, 404);
}

#[test]
fn similar_ads_share_type_country_and_price_band_and_share_links_carry_the_address() {
    let app = spawn_app();
    let db = app.db();
    let u = user(&db, "Иван", None);
    let other = user(&db, "Пётр", None);
    // the ad: an excavator in Kazakhstan for $200
    let id = Ad::new(u, "Экскаватор Hitachi ZX200", 10).insert(&db);
    let near = Ad::new(other, "Экскаватор JCB", 20).insert(&db);
    let mut dear = Ad::new(other, "Экскаватор дорогой", 5);
    dear.price_usd_cents = Some(2_000_000);
    let dear = dear.insert(&db);
    let mut abroad = Ad::new(other, "Экскаватор в Ташкенте", 1);
    (abroad.country, abroad.city, abroad.currency) = ("uz", "Ташкент", "UZS");
    let abroad = abroad.insert(&db);
    let mut crane = Ad::new(other, "Кран", 1);
    crane.equipment_type = Some("кран");
    let crane = crane.insert(&db);
    let mut hidden = Ad::new(other, "Экскаватор снят", 1);
    hidden.active = false;
    let hidden = hidden.insert(&db);
    let mut part = Ad::new(other, "Ковш для экскаватора", 1);
    part.kind = "parts";
    let part = part.insert(&db);

    let page = app.get(&format!("/ad/{id}-ad-{id}"));
    assert_eq!(page.status, 200);
    // the price band first, then the same country at any price, then anywhere; never itself,
    // another type, another section or an unpublished ad
    assert_eq!(page.ad_ids_in("#similar"), vec![near, dear, abroad]);
    for not in [id, crane, hidden, part] {
        assert!(!page.ad_ids_in("#similar").contains(&not), "{not} is not similar");
    }
    let address = format!("{}/ad/{id}-ad-{id}", app.state.config.server.public_url);
    let encoded: String = form_urlencoded::byte_serialize(address.as_bytes()).collect();
    let telegram = page.one("#share-telegram").attr("href").expect("href").to_owned();
    assert!(telegram.starts_with("https://t.me/share/url?url=") && telegram.contains(&encoded));
    let whatsapp = page.one("#share-whatsapp").attr("href").expect("href").to_owned();
    assert!(whatsapp.starts_with("https://wa.me/?text=") && whatsapp.contains(&encoded));
    assert_eq!(page.one("button.copy-link").attr("data-url"), Some(address.as_str()));
    // no third-party script on the page
    assert!(
        page.select("script[src]")
            .iter()
            .all(|s| s.attr("src").is_some_and(|u| u.starts_with('/')))
    );
}
