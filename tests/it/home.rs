//! The home page's ordering rules (DESIGN §6).

use crate::support::build::{Ad, user};
use crate::support::spawn_app;

const H: i64 = 3600;

#[test]
fn hot_orders_plans_then_newest_promotion_then_badge_holders() {
    let app = spawn_app();
    let db = app.db();
    let now = uzmat::db::now();
    let plain = user(&db, "Plain", None);
    let badge_late = user(&db, "BadgeLate", Some(now + 100 * 86400));
    let badge_soon = user(&db, "BadgeSoon", Some(now + 10 * 86400));
    let expired_badge = user(&db, "Expired", Some(now - 10));

    let mut gold_old = Ad::new(plain, "Gold old", 10);
    gold_old.plan = Some(("gold", now - 30 * H, now + 40 * H));
    let mut gold_new = Ad::new(plain, "Gold new", 10);
    gold_new.plan = Some(("gold", now - 20 * H, now + 50 * H));
    let mut premium = Ad::new(plain, "Premium", 10);
    premium.plan = Some(("premium", now - 100 * H, now + 200 * H));
    let mut vip = Ad::new(plain, "Vip", 10);
    vip.plan = Some(("vip", now - 200 * H, now + 400 * H));
    let mut vip_expired = Ad::new(plain, "Vip expired", 10);
    vip_expired.plan = Some(("vip", now - 800 * H, now - 1));
    let (gold_old, gold_new, premium, vip, vip_expired) = (
        gold_old.insert(&db),
        gold_new.insert(&db),
        premium.insert(&db),
        vip.insert(&db),
        vip_expired.insert(&db),
    );
    let late_b = Ad::new(badge_late, "Badge late, older bump", 500).insert(&db);
    let late_a = Ad::new(badge_late, "Badge late, newer bump", 100).insert(&db);
    let soon = Ad::new(badge_soon, "Badge soon", 1).insert(&db);
    let expired = Ad::new(expired_badge, "Expired badge", 1).insert(&db);
    let mut parts = Ad::new(badge_late, "Parts ad never on home", 1);
    parts.kind = "parts";
    let parts = parts.insert(&db);

    let page = app.get("/");
    assert_eq!(page.status, 200);
    let hot = page.ad_ids_in("#hot");
    assert_eq!(hot[..7], [vip, premium, gold_new, gold_old, late_a, late_b, soon]);
    // the part row is filled with the freshest ad not yet shown, never cut
    assert_eq!(hot.len(), 8, "two whole rows: {hot:?}");
    assert!(!page.ad_ids().contains(&parts), "parts never on the home page");
    assert_eq!(hot[7], expired, "the freshest other ad (an expired badge is a plain seller)");
    assert!(!hot.contains(&vip_expired));
    let popular = page.ad_ids_in("#popular");
    assert!(popular.iter().all(|id| !hot.contains(id)), "hot {hot:?} repeated in {popular:?}");
}

#[test]
fn hot_falls_back_to_eight_freshest_and_fresh_orders_by_bump() {
    let app = spawn_app();
    let db = app.db();
    let u = user(&db, "Seller", None);
    let ids: Vec<i64> =
        (0..10).map(|i| Ad::new(u, &format!("Ad {i}"), 100 * (10 - i)).insert(&db)).collect();
    let mut service = Ad::new(u, "Service", 0);
    service.kind = "service";
    let service = service.insert(&db);
    let page = app.get("/");
    let freshest: Vec<i64> = ids.iter().rev().copied().collect();
    assert_eq!(page.ad_ids_in("#hot"), freshest[..8].to_vec());
    assert_eq!(page.ad_ids_in("#fresh"), freshest);
    assert!(!page.ad_ids().contains(&service));
    // without promotions popular holds the ads hot does not: the two oldest here
    assert_eq!(page.ad_ids_in("#popular"), vec![ids[1], ids[0]]);
}

#[test]
fn popular_holds_four_fresh_gold_then_plan_order_then_badges_then_most_viewed() {
    let app = spawn_app();
    let db = app.db();
    let now = uzmat::db::now();
    let u = user(&db, "Seller", None);
    let b = user(&db, "Badge", Some(now + 86400));
    // sixteen VIP ads fill hot, so what popular takes is not shown twice
    let vips: Vec<i64> = (0..16)
        .map(|i| {
            let mut a = Ad::new(u, &format!("Vip {i}"), 10);
            a.plan = Some(("vip", now - 100 * H - i, now + 400 * H));
            a.insert(&db)
        })
        .collect();
    let mut fresh_gold = Vec::new();
    for i in 0..5 {
        let mut a = Ad::new(u, &format!("Fresh gold {i}"), 10);
        a.plan = Some(("gold", now - H * (i + 1), now + 60 * H));
        fresh_gold.push(a.insert(&db));
    }
    let mut old_gold = Ad::new(u, "Old gold", 10);
    old_gold.plan = Some(("gold", now - 13 * H, now + 50 * H));
    let old_gold = old_gold.insert(&db);
    let badge_ad = Ad::new(b, "Badge", 10).insert(&db);
    let mut viewed = Ad::new(u, "Viewed", 5000);
    viewed.views = 900;
    let viewed = viewed.insert(&db);
    let _unseen = Ad::new(u, "Unseen", 6000).insert(&db);

    let page = app.get("/");
    assert_eq!(page.ad_ids_in("#hot"), vips);
    let popular = page.ad_ids_in("#popular");
    // four fresh GOLD (newest promotion first), the other GOLD by start, the badge holder,
    // then the most viewed: eight, two whole rows (the unseen ad would start a third)
    let expected = vec![
        fresh_gold[0],
        fresh_gold[1],
        fresh_gold[2],
        fresh_gold[3],
        fresh_gold[4],
        old_gold,
        badge_ad,
        viewed,
    ];
    assert_eq!(popular, expected);
}

#[test]
fn country_and_city_filter_the_home_page() {
    let app = spawn_app();
    let db = app.db();
    let u = user(&db, "Seller", None);
    let almaty = Ad::new(u, "Almaty", 10).insert(&db);
    let mut astana = Ad::new(u, "Astana", 20);
    astana.city = "Астана";
    let astana = astana.insert(&db);
    let mut tashkent = Ad::new(u, "Tashkent", 30);
    tashkent.country = "uz";
    tashkent.city = "Ташкент";
    tashkent.currency = "UZS";
    let tashkent = tashkent.insert(&db);

    assert_eq!(app.get("/").ad_ids_in("#fresh"), vec![almaty, astana, tashkent]);
    assert_eq!(app.get("/?country=kz").ad_ids_in("#fresh"), vec![almaty, astana]);
    let city = format!("/?country=kz&city={}", "%D0%90%D1%81%D1%82%D0%B0%D0%BD%D0%B0");
    assert_eq!(app.get(&city).ad_ids_in("#fresh"), vec![astana]);
    // the header's country choice is a cookie
    let uz = app.get_with("/", &[("cookie", "country=uz")]);
    assert_eq!(uz.ad_ids_in("#fresh"), vec![tashkent]);
}
