//! Listings: filters, search, sort, pagination and counts.

use crate::support::build::{Ad, user};
use crate::support::spawn_app;

#[test]
fn filters_by_kind_place_type_brand_and_price_across_currencies() {
    let app = spawn_app();
    let db = app.db();
    let u = user(&db, "Seller", None);
    let mut rent = Ad::new(u, "Аренда крана", 10);
    rent.kind = "rent";
    rent.equipment_type = Some("кран");
    rent.brand = Some("XCMG");
    let rent = rent.insert(&db);
    // 5,000,000 KZT ≈ $10,000 at the default rate
    let mut kz_sale = Ad::new(u, "Экскаватор в Алматы", 20);
    kz_sale.price_minor = Some(500_000_000);
    kz_sale.price_usd_cents = Some(1_000_000);
    let kz_sale = kz_sale.insert(&db);
    // $50,000 priced in roubles, Moscow
    let mut ru_sale = Ad::new(u, "Экскаватор в Москве", 30);
    ru_sale.country = "ru";
    ru_sale.city = "Москва";
    ru_sale.currency = "RUB";
    ru_sale.price_minor = Some(454_545_400);
    ru_sale.price_usd_cents = Some(5_000_000);
    ru_sale.brand = Some("Komatsu");
    let ru_sale = ru_sale.insert(&db);
    let mut parts = Ad::new(u, "Фильтр масляный", 5);
    parts.kind = "parts";
    let parts = parts.insert(&db);

    assert_eq!(app.get("/catalog").ad_ids(), vec![rent, kz_sale, ru_sale]);
    assert_eq!(app.get("/parts").ad_ids(), vec![parts]);
    assert_eq!(app.get("/catalog?kind=rent").ad_ids(), vec![rent]);
    assert_eq!(app.get("/catalog?country=ru").ad_ids(), vec![ru_sale]);
    assert_eq!(
        app.get("/catalog?country=kz&city=%D0%90%D0%BB%D0%BC%D0%B0%D1%82%D1%8B").ad_ids(),
        vec![rent, kz_sale]
    );
    assert_eq!(app.get("/catalog?type=%D0%BA%D1%80%D0%B0%D0%BD").ad_ids(), vec![rent]);
    assert_eq!(
        app.get("/catalog?brand=komatsu").ad_ids(),
        vec![ru_sale],
        "brand is case-insensitive"
    );
    // $20,000 .. $60,000 in USD catches the Moscow ad only
    assert_eq!(
        app.get("/catalog?price_from=20000&price_to=60000&currency=USD").ad_ids(),
        vec![ru_sale]
    );
    // the same range in tenge: 20,000 USD = 10,000,000 KZT
    assert_eq!(app.get("/catalog?price_from=10000000&currency=KZT").ad_ids(), vec![ru_sale]);
    assert_eq!(app.get("/catalog?sort=price_desc").ad_ids(), vec![ru_sale, kz_sale, rent]);
    assert_eq!(app.get("/catalog?sort=price_asc").ad_ids(), vec![rent, kz_sale, ru_sale]);
}

#[test]
fn search_is_substring_and_case_insensitive_for_cyrillic() {
    let app = spawn_app();
    let db = app.db();
    let u = user(&db, "Seller", None);
    let a = Ad::new(u, "Гусеничный ЭКСКАВАТОР Hitachi ZX200", 10).insert(&db);
    let mut b = Ad::new(u, "Автокран Ивановец 25 т", 20);
    b.equipment_type = Some("автокран");
    b.brand = Some("Ивановец");
    let b = b.insert(&db);
    assert_eq!(
        app.get("/catalog?q=%D1%8D%D0%BA%D1%81%D0%BA%D0%B0%D0%B2").ad_ids(),
        vec![a],
        "экскав"
    );
    assert_eq!(app.get("/catalog?q=hitachi").ad_ids(), vec![a]);
    assert_eq!(
        app.get("/catalog?q=%D0%B8%D0%B2%D0%B0%D0%BD%D0%BE%D0%B2%D0%B5%D1%86").ad_ids(),
        vec![b],
        "ивановец"
    );
    assert!(app.get("/catalog?q=liebherr").ad_ids().is_empty());
    let none = app.get("/catalog?q=liebherr");
    assert_eq!(none.one("#result-count").text, "0 объявлений", "result count shown");
}

#[test]
fn twelve_per_page_with_count_and_pagination() {
    let app = spawn_app();
    let db = app.db();
    let u = user(&db, "Seller", None);
    let ids: Vec<i64> =
        (0..30).map(|i| Ad::new(u, &format!("Погрузчик {i}"), 1000 - i).insert(&db)).collect();
    let newest_first: Vec<i64> = ids.iter().rev().copied().collect();
    let p1 = app.get("/catalog");
    assert_eq!(p1.ad_ids(), newest_first[..12].to_vec());
    assert_eq!(p1.one("#result-count").text, "30 объявлений");
    let next = p1.one(".pagination a[rel=next]");
    assert_eq!(next.attr("href"), Some("/catalog?page=2"));
    assert_eq!(app.get("/catalog?page=2").ad_ids(), newest_first[12..24].to_vec());
    assert_eq!(app.get("/catalog?page=3").ad_ids(), newest_first[24..].to_vec());
    assert!(app.get("/catalog?page=4").ad_ids().is_empty());
    // filters survive in page links
    let filtered = app.get("/catalog?sort=views&page=2");
    let next = filtered.one(".pagination a[rel=next]");
    assert_eq!(next.attr("href"), Some("/catalog?sort=views&page=3"));
}

#[test]
fn counts_stop_at_the_cap_and_pages_go_on_past_it() {
    let app = crate::support::spawn_with(|c| c.server.count_cap = 20);
    let db = app.db();
    let u = user(&db, "Seller", None);
    let ids: Vec<i64> =
        (0..30).map(|i| Ad::new(u, &format!("Погрузчик {i}"), 1000 - i).insert(&db)).collect();
    let newest_first: Vec<i64> = ids.iter().rev().copied().collect();
    let mut rent = Ad::new(u, "Аренда крана", 5000);
    rent.kind = "rent";
    let rent = rent.insert(&db);

    // 31 match, the count stops at 20: "20+", pages 1-2 counted, then "next" while pages fill
    let p1 = app.get("/catalog");
    assert_eq!(p1.one("#result-count").text, "20+ объявлений");
    assert_eq!(p1.ad_ids(), newest_first[..12].to_vec());
    let links: Vec<_> =
        p1.select(".pagination a.page:not([rel])").iter().map(|a| a.text.clone()).collect();
    assert_eq!(links, ["2"], "pages up to what the cap allows");
    assert_eq!(p1.one(".pagination a[rel=next]").attr("href"), Some("/catalog?page=2"));
    let p2 = app.get("/catalog?page=2");
    assert_eq!(p2.one("#result-count").text, "20+ объявлений");
    assert_eq!(p2.ad_ids().len(), 12);
    assert_eq!(
        p2.one(".pagination a[rel=next]").attr("href"),
        Some("/catalog?page=3"),
        "a full page past the counted ones has a next"
    );
    let p3 = app.get("/catalog?page=3");
    assert_eq!(p3.ad_ids().len(), 7, "31 ads: 12 + 12 + 7");
    assert_eq!(p3.one(".pagination .current").text, "3");
    assert_eq!(p3.count(".pagination a[rel=next]"), 0, "the last page has no next");
    // under the cap the count is exact
    let few = app.get("/catalog?kind=rent");
    assert_eq!(few.one("#result-count").text, "1 объявление");
    assert_eq!(few.ad_ids(), vec![rent]);
    assert_eq!(few.count(".pagination"), 0);
    // English says it too
    assert_eq!(app.get("/en/catalog").one("#result-count").text, "20+ ads");
}

#[test]
fn deep_pages_of_the_default_order_link_on_by_cursor() {
    let app = spawn_app();
    let db = app.db();
    let u = user(&db, "Seller", None);
    // 80 ads, two by two bumped at the same second: the cursor's id breaks the ties
    let ids: Vec<i64> =
        (0..80).map(|i| Ad::new(u, &format!("Погрузчик {i}"), 1000 - i / 2).insert(&db)).collect();
    let newest_first: Vec<i64> = ids.iter().rev().copied().collect();
    // up to page 5 the next link is a page number
    let p4 = app.get("/catalog?country=kz&page=4");
    assert_eq!(p4.one(".pagination a[rel=next]").attr("href"), Some("/catalog?country=kz&page=5"));
    // from page 6 on it says where the page starts, and the page number is still shown
    let p5 = app.get("/catalog?country=kz&page=5");
    let last = newest_first[59];
    let (bumped, id): (i64, i64) = db
        .query_row("SELECT bumped_at, id FROM ads WHERE id = ?1", [last], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("last ad of page 5");
    let next = p5.one(".pagination a[rel=next]").attr("href").expect("href").to_owned();
    assert_eq!(next, format!("/catalog?country=kz&page=6&after={bumped}.{id}"));
    let p6 = app.get(&next);
    assert_eq!(p6.status, 200);
    assert_eq!(p6.ad_ids(), newest_first[60..72].to_vec());
    assert_eq!(p6.one(".pagination .current").text, "6");
    assert_eq!(p6.one("#result-count").text, "80 объявлений");
    // the old link of the same page shows the same ads
    assert_eq!(app.get("/catalog?country=kz&page=6").ad_ids(), newest_first[60..72].to_vec());
    let p7 = app.get(p6.one(".pagination a[rel=next]").attr("href").expect("href"));
    assert_eq!(p7.ad_ids(), newest_first[72..].to_vec());
    assert_eq!(p7.count(".pagination a[rel=next]"), 0, "the last page has no next");
    // other orders keep page numbers
    let views = app.get("/catalog?sort=views&page=6");
    assert_eq!(
        views.one(".pagination a[rel=next]").attr("href"),
        Some("/catalog?sort=views&page=7")
    );
    // a cursor that is not one, or on another order, is a 400 with our message
    for bad in [
        "/catalog?after=abc",
        "/catalog?after=12",
        "/catalog?after=5.0",
        "/catalog?after=5.7&sort=views",
    ] {
        let r = app.get(bad);
        assert_eq!(r.status, 400, "{bad}");
        assert!(r.body.contains("Неверная ссылка на страницу"), "{bad}");
    }
}

#[test]
fn inactive_ads_are_not_listed() {
    let app = spawn_app();
    let db = app.db();
    let u = user(&db, "Seller", None);
    let mut off = Ad::new(u, "Снято", 10);
    off.active = false;
    off.insert(&db);
    let on = Ad::new(u, "Активно", 20).insert(&db);
    assert_eq!(app.get("/catalog").ad_ids(), vec![on]);
    assert_eq!(app.get("/").ad_ids_in("#fresh"), vec![on]);
    assert_eq!(app.get(&format!("/seller/{u}")).ad_ids(), vec![on]);
}

#[test]
fn public_listings_are_reused_for_the_configured_moment() {
    let app = crate::support::spawn_with(|c| {
        c.server.page_cache_ms = 60_000;
        c.server.count_cache_seconds = 60;
    });
    let db = app.db();
    let u = user(&db, "Seller", None);
    let first = Ad::new(u, "Первое", 10).insert(&db);
    assert_eq!(app.get("/catalog").ad_ids(), vec![first]);
    assert_eq!(app.get("/").ad_ids_in("#fresh"), vec![first]);
    let second = Ad::new(u, "Второе", 1).insert(&db);
    assert_eq!(app.get("/catalog").ad_ids(), vec![first], "served from the page cache");
    assert_eq!(app.get("/").ad_ids_in("#fresh"), vec![first], "home blocks too");
    // another page of the same filter reuses the count but reads its rows
    let sorted = app.get("/catalog?sort=views");
    assert_eq!(sorted.ad_ids().len(), 2, "a new filter reads the database");
    assert_eq!(app.get("/catalog?kind=sale").ad_ids(), vec![second, first]);
}

#[test]
fn a_wide_price_range_and_a_narrow_one_list_the_same_ads_as_the_filter_says() {
    // enough catalog ads that a wide range passes `WIDE_PRICE_RANGE`
    let app = crate::support::seeded_app(200, 9_000, 3);
    let db = app.db();
    let wide: i64 = db
        .query_row(
            "SELECT count(*) FROM ads WHERE section = 'catalog' AND is_active = 1 \
             AND price_day_usd_cents BETWEEN 100 AND 100000000",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert!(wide >= uzmat::domain::ads::list::WIDE_PRICE_RANGE, "{wide} in the wide range");
    let f = |from: i64, to: i64, sort: uzmat::domain::ads::list::Sort| {
        uzmat::domain::ads::list::Filter {
            section: Some(uzmat::domain::ads::Section::Catalog),
            price_from_usd_cents: Some(from),
            price_to_usd_cents: Some(to),
            sort,
            ..Default::default()
        }
    };
    use uzmat::domain::ads::list::{Sort, price_is_wide};
    assert!(price_is_wide(&db, &f(100, 100_000_000, Sort::Fresh)).expect("probe"));
    assert!(!price_is_wide(&db, &f(100, 100_000_000, Sort::PriceAsc)).expect("probe"));
    // the narrowest range holding a few ads: the dearest few percent of a cent band
    let (lo, hi): (i64, i64) = db
        .query_row(
            "SELECT min(p), max(p) FROM (SELECT price_day_usd_cents AS p FROM ads \
             WHERE section = 'catalog' AND is_active = 1 AND p IS NOT NULL ORDER BY p DESC LIMIT 30)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("band");
    // in whole dollars, as the form asks
    let (lo, hi) = (lo - lo % 100, hi + (100 - hi % 100) % 100);
    assert!(!price_is_wide(&db, &f(lo, hi, Sort::Views)).expect("probe"));
    // and a range of about a twentieth of the section, whose first pages are walked in the
    // order's index (`price_walk`) and its deep ones read through the price index
    let priced: Vec<i64> = db
        .prepare(
            "SELECT price_day_usd_cents FROM ads WHERE section = 'catalog' AND is_active = 1 \
             AND price_day_usd_cents IS NOT NULL ORDER BY price_day_usd_cents",
        )
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("prices");
    let (mid_lo, mid_hi) = (priced[priced.len() / 2], priced[priced.len() / 2 + priced.len() / 20]);
    let (mid_lo, mid_hi) = (mid_lo - mid_lo % 100, mid_hi + (100 - mid_hi % 100) % 100);
    assert!(!price_is_wide(&db, &f(mid_lo, mid_hi, Sort::Fresh)).expect("probe"));
    for (from_cents, to_cents) in [(100, 100_000_000), (lo, hi), (mid_lo, mid_hi)] {
        for (sort, order) in
            [("fresh", "bumped_at DESC, id DESC"), ("views", "views_count DESC, id DESC")]
        {
            for filters in ["", "&kind=rent", "&country=kz", "&country=uz&kind=sale"] {
                let mut sql = String::from(
                    "SELECT id FROM ads WHERE section = 'catalog' AND is_active = 1 \
                     AND price_day_usd_cents BETWEEN ?1 AND ?2",
                );
                for (k, v) in filters.split('&').filter_map(|p| p.split_once('=')) {
                    sql.push_str(&format!(" AND {k} = '{v}'"));
                }
                let expected: Vec<i64> = db
                    .prepare(&format!("{sql} ORDER BY {order}"))
                    .expect("prepare")
                    .query_map([from_cents, to_cents], |r| r.get(0))
                    .expect("query")
                    .collect::<Result<_, _>>()
                    .expect("ids");
                let country = if filters.contains("country") { "" } else { "&country=all" };
                let url = format!(
                    "/catalog?price_from={}&price_to={}&currency=USD&sort={sort}{filters}{country}",
                    from_cents / 100,
                    to_cents / 100
                );
                // the first pages, the last one, and one deep in a long list
                let pages = expected.len().div_ceil(12).max(1);
                for n in [1, 2, pages, pages.min(30)] {
                    let page = app.get(&format!("{url}&page={n}"));
                    assert_eq!(page.status, 200, "{url}&page={n}");
                    let mut want: Vec<i64> =
                        expected.iter().skip((n - 1) * 12).take(12).copied().collect();
                    let mut listed = page.ad_ids_in(".results");
                    // a first page's promoted strip leads, each of its ads a match, then the
                    // page without them
                    if n == 1 && page.count("#promoted") == 1 {
                        let promoted = page.ad_ids_in("#promoted");
                        assert!(promoted.iter().all(|id| expected.contains(id)), "{url}");
                        listed.drain(..promoted.len());
                        want.retain(|id| !promoted.contains(id));
                    }
                    assert_eq!(listed, want, "{url}&page={n}");
                }
            }
        }
    }
}

/// Every listed ad's place, type, brand and kind as `ad_facets` keeps them (migration 33): the
/// table's rows (empty ones aside) beside the same counted from the ads.
fn facets_and_ads(db: &rusqlite::Connection) -> (Vec<String>, Vec<String>) {
    let rows = |sql: &str| -> Vec<String> {
        db.prepare(sql)
            .expect("prepare")
            .query_map([], |r| {
                Ok((0..7)
                    .map(|i| r.get::<_, rusqlite::types::Value>(i).map(|v| format!("{v:?}")))
                    .collect::<Result<Vec<_>, _>>()?
                    .join(" "))
            })
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows")
    };
    (
        rows(
            "SELECT section, country, city, equipment_type, brand, kind, n FROM ad_facets \
             WHERE n != 0 ORDER BY 1, 2, 3, 4, 5, 6",
        ),
        rows(
            "SELECT section, country, city, coalesce(equipment_type, ''), \
             lower(coalesce(brand, '')), kind, count(*) FROM ads WHERE is_active = 1 \
             GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6",
        ),
    )
}

#[test]
fn place_type_and_brand_counts_follow_every_change_of_an_ad() {
    let app = spawn_app();
    let db = app.db();
    let u = user(&db, "Seller", None);
    let same = |step: &str| {
        let (facets, ads) = facets_and_ads(&db);
        assert!(!ads.is_empty(), "{step}: some listed");
        assert_eq!(facets, ads, "{step}");
    };
    let mut ids = Vec::new();
    for (i, (kind, country, city, brand)) in [
        ("sale", "kz", "Алматы", Some("Hitachi")),
        ("sale", "kz", "Алматы", Some("HITACHI")),
        ("rent", "kz", "Алматы", Some("Hitachi")),
        ("rent", "uz", "Ташкент", None),
        ("parts", "kz", "Астана", Some("JCB")),
        ("service", "ru", "Москва", None),
    ]
    .into_iter()
    .enumerate()
    {
        let mut ad = Ad::new(u, &format!("Объявление {i}"), 10 + i as i64);
        (ad.kind, ad.country, ad.city, ad.brand) = (kind, country, city, brand);
        if kind == "parts" || kind == "service" {
            ad.equipment_type = None;
        }
        ids.push(ad.insert(&db));
    }
    let mut hidden = Ad::new(u, "Снято", 5);
    hidden.active = false;
    let hidden = hidden.insert(&db);
    same("inserted");
    // the two brands written apart are one (the listing compares them without case)
    let hitachi = |db: &rusqlite::Connection| -> i64 {
        db.query_row(
            "SELECT n FROM ad_facets WHERE country = 'kz' AND brand = 'hitachi' AND kind = 'sale'",
            [],
            |r| r.get(0),
        )
        .expect("hitachi")
    };
    assert_eq!(hitachi(&db), 2);
    let change = |sql: &str, id: i64| {
        db.execute(sql, [id]).expect(sql);
        same(sql);
    };
    change("UPDATE ads SET kind = 'rent' WHERE id = ?1", ids[0]);
    change("UPDATE ads SET country = 'by', city = 'Минск' WHERE id = ?1", ids[1]);
    change("UPDATE ads SET city = 'Самарканд' WHERE id = ?1", ids[3]);
    change("UPDATE ads SET equipment_type = 'кран' WHERE id = ?1", ids[2]);
    change("UPDATE ads SET brand = 'hitachi' WHERE id = ?1", ids[2]);
    change("UPDATE ads SET brand = 'XCMG' WHERE id = ?1", ids[2]);
    change("UPDATE ads SET brand = NULL, equipment_type = NULL WHERE id = ?1", ids[2]);
    change("UPDATE ads SET is_active = 0 WHERE id = ?1", ids[4]);
    change("UPDATE ads SET city = 'Караганда' WHERE id = ?1", ids[4]);
    change("UPDATE ads SET is_active = 1 WHERE id = ?1", ids[4]);
    change("UPDATE ads SET country = 'uz', city = 'Ташкент' WHERE id = ?1", hidden);
    change("UPDATE ads SET is_active = 1 WHERE id = ?1", hidden);
    change("UPDATE ads SET kind = 'parts', equipment_type = NULL WHERE id = ?1", ids[5]);
    change("DELETE FROM ads WHERE id = ?1", ids[3]);
    change("UPDATE ads SET is_active = 0 WHERE id = ?1", ids[0]);
    change("DELETE FROM ads WHERE id = ?1", ids[0]);
    // and a seeded catalog's, bulk-inserted with the triggers away (`seed`)
    let seeded = crate::support::seeded_app(20, 400, 7);
    let (facets, ads) = facets_and_ads(&seeded.db());
    assert!(ads.len() > 20, "{} places seeded", ads.len());
    assert_eq!(facets, ads, "seeded");
}
