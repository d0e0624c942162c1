//! Finding (issue 17) over HTTP: short words, typos, one search across sections, prices in a
//! chosen currency with negotiable ads kept, and city lists that follow the country.

use crate::support::build::{Ad, user};
use crate::support::{TestApp, spawn_app};

fn enc(s: &str) -> String {
    serde_urlencoded::to_string([("q", s)]).expect("encode")
}

fn ad(app: &TestApp, owner: i64, kind: &'static str, title: &str, age: i64) -> Ad {
    let _ = app;
    let mut a = Ad::new(owner, title, age);
    a.kind = kind;
    if kind != "sale" && kind != "rent" {
        a.equipment_type = None;
        a.brand = None;
    }
    a
}

#[test]
fn one_and_two_letter_words_are_searched_as_word_prefixes() {
    let app = spawn_app();
    let db = app.db();
    let u = user(&db, "Seller", None);
    let mut jcb = ad(&app, u, "sale", "Экскаватор-погрузчик 3CX", 10);
    jcb.brand = Some("JCB");
    let jcb = jcb.insert(&db);
    let mut crane = ad(&app, u, "rent", "Автокран Ивановец 25 т", 20);
    crane.brand = Some("Ивановец");
    let crane = crane.insert(&db);

    assert_eq!(app.get("/catalog?q=JC").ad_ids(), vec![jcb], "JC finds the JCB");
    assert_eq!(app.get("/catalog?q=jc").ad_ids(), vec![jcb], "any case");
    assert_eq!(app.get("/catalog?q=3C").ad_ids(), vec![jcb], "a model's start");
    assert_eq!(app.get("/catalog?q=25").ad_ids(), vec![crane]);
    assert!(app.get("/catalog?q=zz").ad_ids().is_empty(), "two letters that start no word");
    // beside a real word a single letter and a preposition are not searched, and the page says so
    let page = app.get(&format!("/catalog?{}", enc("автокран на 25 т")));
    assert_eq!(page.ad_ids(), vec![crane]);
    let note = page.one("#ignored-words").text;
    assert!(note.contains("«на»") && note.contains("«т»"), "{note}");
    assert_eq!(app.get("/catalog?q=JCB").count("#ignored-words"), 0);
    // punctuation alone is no query, and odd short words are no error
    for odd in ["\"\"", "a*", "\"", "²³", "ё", "NEAR", "a OR", "(x", "^b", "c:d"] {
        let page = app.get(&format!("/catalog?{}", enc(odd)));
        assert_eq!(page.status, 200, "{odd}");
        assert_eq!(app.get(&format!("/search?{}", enc(odd))).status, 200, "{odd}");
    }
    assert_eq!(app.get("/catalog?q=-").ad_ids(), vec![jcb, crane]);
}

#[test]
fn a_typo_or_latin_spelling_finds_the_type_and_says_what_it_searched() {
    let app = spawn_app();
    let db = app.db();
    let u = user(&db, "Seller", None);
    let dig = Ad::new(u, "Гусеничный экскаватор Hitachi ZX200", 10).insert(&db);
    for typo in ["эксковатор", "екскаватор", "excavatr", "ekskavator", "excavator"]
    {
        let page = app.get(&format!("/catalog?{}", enc(typo)));
        assert_eq!(page.ad_ids(), vec![dig], "{typo}");
        let link = page.one("#did-you-mean a");
        assert_eq!(link.text, "экскаватор", "{typo}");
        assert_eq!(link.attr("href"), Some(format!("/catalog?{}", enc("экскаватор")).as_str()));
        assert!(page.one("#corrected-note").text.contains(&format!("«{typo}»")), "{typo}");
    }
    // a brand typed in Cyrillic, and a typo in a title word the vocabulary learned from ads
    assert_eq!(app.get(&format!("/catalog?{}", enc("хитачи"))).ad_ids(), vec![dig]);
    assert_eq!(app.get(&format!("/catalog?{}", enc("гусенечный"))).ad_ids(), vec![dig]);
    // found as typed: no note
    let exact = app.get(&format!("/catalog?{}", enc("экскаватор")));
    assert_eq!(exact.ad_ids(), vec![dig]);
    assert_eq!(exact.count("#did-you-mean"), 0);
    // nothing near: nothing suggested
    let none = app.get(&format!("/catalog?{}", enc("абракадабра")));
    assert!(none.ad_ids().is_empty());
    assert_eq!(none.count("#did-you-mean"), 0);
}

#[test]
fn a_section_tab_counts_to_its_own_cap_and_its_listing_counts_further() {
    let app = spawn_app();
    let db = app.db();
    let u = user(&db, "Seller", None);
    Ad::new(u, "Погрузчик с новым фильтром", 500).insert(&db);
    for i in 0..101 {
        ad(&app, u, "parts", &format!("Фильтр масляный {i}"), 400 - i).insert(&db);
    }
    let q = enc("фильтр");
    let listing = app.get(&format!("/catalog?{q}"));
    assert_eq!(listing.one("#section-tabs a[data-section=parts]").text, "Запчасти 100+");
    assert_eq!(listing.one("#section-tabs a[aria-current=page]").text, "Техника 1");
    // the tab's own listing counts them all
    let parts = app.get(&format!("/parts?{q}"));
    assert!(
        parts.one("#result-count").text.starts_with("101 "),
        "{}",
        parts.one("#result-count").text
    );
}

#[test]
fn the_home_search_covers_every_section_with_counts() {
    let app = spawn_app();
    let db = app.db();
    let u = user(&db, "Seller", None);
    let machine = Ad::new(u, "Погрузчик с новым фильтром", 5).insert(&db);
    // posted one after another: the later, the younger
    let parts: Vec<i64> = (0..13)
        .map(|i| ad(&app, u, "parts", &format!("Фильтр масляный {i}"), 113 - i).insert(&db))
        .collect();
    ad(&app, u, "service", "Ремонт гидравлики", 7).insert(&db);

    let home = app.get("/");
    assert_eq!(home.one("form.search-form").attr("action"), Some("/search"));

    let page = app.get(&format!("/search?{}", enc("фильтр")));
    assert_eq!(page.status, 200);
    let tabs: Vec<(String, String)> = page
        .select("#section-tabs a")
        .iter()
        .map(|a| (a.text.clone(), a.attr("href").unwrap_or_default().to_owned()))
        .collect();
    let q = enc("фильтр");
    assert_eq!(
        tabs,
        vec![
            ("Техника 1".to_owned(), format!("/catalog?{q}")),
            ("Запчасти 13".to_owned(), format!("/parts?{q}")),
            ("Ремонт 0".to_owned(), format!("/repair?{q}")),
        ]
    );
    assert_eq!(page.one("#result-count").text, "14 объявлений");
    assert_eq!(page.ad_ids_in(".search-section[data-section=catalog]"), vec![machine]);
    let newest: Vec<i64> = parts.iter().rev().take(8).copied().collect();
    assert_eq!(
        page.ad_ids_in(".search-section[data-section=parts]"),
        newest,
        "the first 8, newest first"
    );
    assert_eq!(
        page.one(".search-section[data-section=parts] .more a").attr("href"),
        Some(format!("/parts?{q}").as_str())
    );
    assert_eq!(
        page.count(".search-section[data-section=repair]"),
        0,
        "an empty section shows no block"
    );

    // a listing searched shows the same tabs, its own marked
    let listing = app.get(&format!("/catalog?{q}"));
    assert_eq!(listing.ad_ids(), vec![machine]);
    assert_eq!(listing.one("#section-tabs a[aria-current=page]").text, "Техника 1");
    assert_eq!(listing.one("#section-tabs a[data-section=parts]").text, "Запчасти 13");
    assert_eq!(app.get("/catalog").count("#section-tabs"), 0, "no search, no tabs");

    // the visitor's place narrows every section; a typo is forgiven across sections
    let typo = app.get(&format!("/search?{}&country=uz", enc("фильтер")));
    assert_eq!(typo.one("#section-tabs a[data-section=parts]").text, "Запчасти 0");
    let typo = app.get(&format!("/search?{}", enc("фильтер")));
    assert_eq!(typo.one("#did-you-mean a").text, "фильтр");
    assert_eq!(typo.one("#did-you-mean a").attr("href"), Some(format!("/search?{q}").as_str()));
    assert_eq!(typo.one("#section-tabs a[data-section=parts]").text, "Запчасти 13");
    // bad input is a 400 with its message
    let bad = app.get("/search?country=fr");
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("Неизвестная страна") || bad.body.contains("стран"), "{}", bad.body);
}

#[test]
fn the_price_range_states_its_currency_and_lets_the_visitor_choose() {
    let app = spawn_app();
    let db = app.db();
    let u = user(&db, "Seller", None);
    // 5,000,000 KZT ≈ $10,000
    let mut kz = Ad::new(u, "Экскаватор в Алматы", 20);
    kz.price_minor = Some(500_000_000);
    kz.price_usd_cents = Some(1_000_000);
    let kz = kz.insert(&db);
    let mut ru = Ad::new(u, "Экскаватор в Москве", 30);
    ru.country = "ru";
    ru.city = "Москва";
    ru.currency = "RUB";
    ru.price_minor = Some(454_545_400);
    ru.price_usd_cents = Some(5_000_000);
    let ru = ru.insert(&db);

    let selected = |path: &str| {
        let page = app.get(path);
        let options = page.select("#f-currency option");
        assert_eq!(options.len(), 5, "{path}");
        page.one("#f-currency option[selected]").attr("value").map(str::to_owned)
    };
    assert_eq!(selected("/catalog").as_deref(), Some("USD"), "no country: dollars");
    assert_eq!(selected("/catalog?country=kz").as_deref(), Some("KZT"), "the country's own");
    assert_eq!(selected("/catalog?country=kz&currency=rub").as_deref(), Some("RUB"), "chosen");
    let legend = app.get("/catalog?country=by").one(".price-range legend").text;
    assert!(legend.contains("BYN"), "{legend}");

    // $20,000+ in dollars, in roubles (at the default rate) and in tenge catch the Moscow ad
    assert_eq!(app.get("/catalog?price_from=20000&currency=USD").ad_ids(), vec![ru]);
    assert_eq!(app.get("/catalog?price_from=10000000&currency=KZT").ad_ids(), vec![ru]);
    assert_eq!(
        app.get("/catalog?price_to=20000&country=all&currency=USD").ad_ids(),
        vec![kz],
        "the chosen currency over the country's"
    );
    for bad in ["eur", "US", "%D1%80%D1%83%D0%B1"] {
        let page = app.get(&format!("/catalog?currency={bad}"));
        assert_eq!(page.status, 400, "{bad}");
        assert!(page.body.contains("Неизвестная валюта."), "{bad}");
    }
}

#[test]
fn price_sorts_keep_negotiable_ads_after_priced_ones_with_rent_per_day() {
    let app = spawn_app();
    let db = app.db();
    let u = user(&db, "Seller", None);
    let priced = |title: &str, age: i64, cents: Option<i64>, unit: Option<&str>| {
        let mut a = Ad::new(u, title, age);
        a.kind = if unit.is_some() { "rent" } else { "sale" };
        a.price_usd_cents = cents;
        a.price_minor = cents.map(|c| c * 5);
        let id = a.insert(&db);
        db.execute("UPDATE ads SET price_unit = ?1 WHERE id = ?2", (unit, id)).expect("unit");
        id
    };
    // per day: $100 x 8 = $800; $500; $9,000 / 30 = $300; a sale at $1,000; two negotiable
    let hourly = priced("Аренда по часам", 10, Some(10_000), Some("hour"));
    let daily = priced("Аренда посуточно", 20, Some(50_000), Some("day"));
    let monthly = priced("Аренда помесячно", 30, Some(900_000), Some("month"));
    let sale = priced("Продажа", 40, Some(100_000), None);
    // among equal prices the later listing comes first
    let free_a = priced("Договорная", 1, None, None);
    let free_b = priced("Тоже договорная", 50, None, None);

    assert_eq!(
        app.get("/catalog?sort=price_asc").ad_ids(),
        vec![monthly, daily, hourly, sale, free_b, free_a]
    );
    assert_eq!(
        app.get("/catalog?sort=price_desc").ad_ids(),
        vec![sale, hourly, daily, monthly, free_b, free_a]
    );
    // the range compares per day too, and never holds a negotiable ad
    assert_eq!(
        app.get("/catalog?sort=price_asc&price_from=400&price_to=900&currency=USD").ad_ids(),
        vec![daily, hourly]
    );
    // the card says what the price is per
    let page = app.get("/catalog?sort=price_asc");
    let text = page.body.clone();
    assert!(text.contains("/час") && text.contains("/день") && text.contains("/месяц"));
    assert!(page.one(".price-hint").text.contains("час × 8"));
}

#[test]
fn city_lists_follow_the_country_without_javascript() {
    let app = spawn_app();
    let page = app.get("/catalog?country=uz");
    let cities: Vec<String> =
        page.select("#f-city option").iter().map(|o| o.text.clone()).collect();
    assert_eq!(cities.len(), 21, "all cities and Uzbekistan's 20");
    assert!(cities.iter().any(|c| c == "Ташкент"));
    assert!(!cities.iter().any(|c| c == "Алматы"));
    assert_eq!(page.one("#city-field").attr("hidden"), None);
    // every country: the list is there for the script, hidden and not sent
    let all = app.get("/catalog");
    assert!(all.one("#city-field").attr("hidden").is_some());
    assert!(all.one("#f-city").attr("disabled").is_some());
    assert_eq!(all.one("#f-city").attr("data-city-for"), Some("f-country"));
    let data = all.one("script#city-data").text;
    let json: serde_json::Value = serde_json::from_str(&data).expect("city data is JSON");
    assert_eq!(json["ru"]["cities"][0], "Москва");
    assert_eq!(json["kz"]["currency"], "KZT");
    // a free "other" city in the query stays chosen
    let other =
        app.get("/catalog?country=kz&city=%D0%9A%D0%B0%D1%81%D0%BA%D0%B5%D0%BB%D0%B5%D0%BD");
    assert_eq!(other.one("#f-city option[selected]").text, "Каскелен");
}

#[test]
fn a_search_ranks_ads_with_its_words_in_the_title_first_then_the_newest() {
    let app = spawn_app();
    let db = app.db();
    let u = user(&db, "Seller", None);
    let titled_old = Ad::new(u, "Экскаватор Hitachi ZX200", 5000).insert(&db);
    let titled_new = Ad::new(u, "Экскаватор JCB JS220", 3000).insert(&db);
    let loader = Ad {
        equipment_type: Some("экскаватор-погрузчик"),
        ..Ad::new(u, "Погрузчик JCB 3CX", 100)
    };
    let described = loader.insert(&db);
    db.execute("UPDATE ads SET description = 'Копает и грузит.' WHERE id = ?1", [described])
        .expect("description");
    let other = Ad {
        equipment_type: Some("автокран"), ..Ad::new(u, "Автокран Ивановец", 10)
    };
    let other = other.insert(&db);

    let page = app.get(&format!("/catalog?{}", enc("экскаватор")));
    assert_eq!(page.status, 200);
    assert_eq!(
        page.ad_ids_in(".results"),
        vec![titled_new, titled_old, described],
        "the title's matches first, newest first; the description's after, however fresh"
    );
    assert!(!page.ad_ids_in(".results").contains(&other));
    assert_eq!(page.one("#f-sort option[selected]").text, "Сначала подходящие");
    // without text the same select says what the order is
    assert_eq!(app.get("/catalog").one("#f-sort option[selected]").text, "Сначала новые");

    // a page of the ranked order past the title's matches continues with the others
    for i in 0..12 {
        Ad::new(u, &format!("Экскаватор Doosan {i}"), 2000 + i).insert(&db);
    }
    let second = app.get(&format!("/catalog?{}&page=2", enc("экскаватор")));
    assert_eq!(second.ad_ids_in(".results"), vec![titled_new, titled_old, described]);
    // a title edited moves its ad between the tiers (the titles' index follows)
    db.execute("UPDATE ads SET title = 'Гусеничный экскаватор' WHERE id = ?1", [described])
        .expect("title");
    db.execute("UPDATE ads SET title = 'Hitachi ZX200' WHERE id = ?1", [titled_old])
        .expect("title");
    let second = app.get(&format!("/catalog?{}&page=2", enc("экскаватор")));
    assert_eq!(second.ad_ids_in(".results"), vec![described, titled_new, titled_old]);

    // sorted by price, every match is sorted (fewer than the cap)
    let cheap = Ad {
        price_usd_cents: Some(100), ..Ad::new(u, "Экскаватор дешёвый", 9000)
    };
    let cheap = cheap.insert(&db);
    let sorted = app.get(&format!("/catalog?{}&sort=price_asc", enc("экскаватор")));
    assert_eq!(sorted.ad_ids_in(".results").first(), Some(&cheap));
    assert_eq!(sorted.count("#sorted-window"), 0, "all matches counted: no window to mention");
}

#[test]
fn a_search_whose_words_are_split_between_title_and_description_finds_listed_ads_only() {
    let app = spawn_app();
    let db = app.db();
    let u = user(&db, "Seller", None);
    // each ad has a hidden twin with the same words (taken off sale): neither the title's
    // tier nor the rest, the count nor any order may show a twin
    let texts = [
        ("Экскаватор с гидромолотом", "Копает и дробит.", 300),
        ("Экскаватор Hitachi ZX200", "С гидромолотом, на ходу.", 200),
        ("Гидромолот Delta F-9", "Подходит на экскаватор 20 т.", 100),
    ];
    // (the type's words are searched too: none here, so only the title and description count)
    let untyped = |u, title, age| Ad { equipment_type: None, ..Ad::new(u, title, age) };
    let mut listed = Vec::new();
    for (title, description, age) in texts {
        for active in [false, true] {
            let id = Ad { active, ..untyped(u, title, age) }.insert(&db);
            db.execute("UPDATE ads SET description = ?1 WHERE id = ?2", (description, id))
                .expect("description");
            if active {
                listed.push(id);
            }
        }
    }
    // one of the two words only: no match
    untyped(u, "Экскаватор Doosan DX225", 10).insert(&db);
    untyped(u, "Гидромолот Soosan SB-81", 20).insert(&db);
    let [titled, split, split_back] = listed[..] else { panic!("three listed ads") };

    let q = enc("экскаватор гидромолот");
    let page = app.get(&format!("/catalog?{q}"));
    assert_eq!(page.status, 200);
    let count = page.one("#result-count").text;
    assert!(count.starts_with("3 "), "{count}");
    assert_eq!(
        page.ad_ids_in(".results"),
        vec![titled, split_back, split],
        "both words in the title first; then those split with the description, newest first"
    );
    for sort in ["price_asc", "price_desc", "views"] {
        let sorted = app.get(&format!("/catalog?{q}&sort={sort}"));
        let count = sorted.one("#result-count").text;
        assert!(count.starts_with("3 "), "{sort}: {count}");
        let mut ids = sorted.ad_ids_in(".results");
        ids.sort_unstable();
        assert_eq!(ids, listed, "{sort}");
    }
}

#[test]
fn a_search_sorted_by_price_past_its_capped_count_sorts_its_newest_matches_and_says_so() {
    let app = crate::support::spawn_with(|c| c.server.count_cap = 3);
    let db = app.db();
    let u = user(&db, "Seller", None);
    // promoted, and the first posted: outside the newest three, the strip still finds it
    // among the newest 500
    let now = uzmat::db::now();
    let mut promoted = Ad { price_usd_cents: Some(300), ..Ad::new(u, "Кран 0", 5000) };
    promoted.plan = Some(("gold", now - 100, now + 10_000));
    let promoted = promoted.insert(&db);
    // the oldest is the cheapest: outside the newest three, so not on the sorted page
    let priced = |title: &str, age: i64, cents: i64| {
        Ad { price_usd_cents: Some(cents), ..Ad::new(u, title, age) }.insert(&db)
    };
    let oldest_cheapest = priced("Кран 1", 4000, 100);
    let a = priced("Кран 2", 3000, 900);
    let b = priced("Кран 3", 2000, 500);
    let c = priced("Кран 4", 1000, 700);
    let page = app.get(&format!("/catalog?{}&sort=price_asc", enc("кран")));
    assert_eq!(page.status, 200);
    assert_eq!(page.ad_ids_in("#promoted"), vec![promoted]);
    assert_eq!(page.ad_ids_in(".results")[1..], [b, c, a]);
    assert!(!page.ad_ids_in(".results").contains(&oldest_cheapest));
    assert!(
        page.one("#sorted-window").text.contains("самых новых"),
        "{}",
        page.one("#sorted-window").text
    );
    // the ranked order has no window to mention
    let ranked = app.get(&format!("/catalog?{}", enc("кран")));
    assert_eq!(ranked.count("#sorted-window"), 0);
}

#[test]
fn a_ranked_search_past_its_capped_count_pages_and_promotes_as_one_within_its_cap() {
    // the same ads in two sites: one counts to 3, so its pages are read tier by tier and its
    // strip from the index; the other counts to its default cap, so its matches are read once
    let capped = crate::support::spawn_with(|c| c.server.count_cap = 3);
    let whole = spawn_app();
    let now = uzmat::db::now();
    let (mut titled, mut described) = (Vec::new(), Vec::new());
    for app in [&capped, &whole] {
        let db = app.db();
        let u = user(&db, "Seller", None);
        titled.clear();
        described.clear();
        for i in 0..30_i64 {
            // every third has the word in its title, the rest in the description only
            let in_title = i % 3 == 0;
            let title =
                if in_title { format!("Кран КС-{i}") } else { format!("Техника {i}") };
            let mut a = Ad { equipment_type: None, ..Ad::new(u, &title, 1000 - i * 10) };
            if i % 7 == 0 {
                a.plan = Some(("gold", now - 100 - i, now + 10_000));
            }
            let id = a.insert(&db);
            if in_title {
                titled.push(id);
            } else {
                db.execute("UPDATE ads SET description = 'Продаю кран' WHERE id = ?1", [id])
                    .expect("description");
                described.push(id);
            }
        }
        Ad { equipment_type: None, ..Ad::new(u, "Экскаватор", 5) }.insert(&db);
    }
    // the title's matches first, then the rest, each newest first
    let ranked: Vec<i64> = titled.iter().rev().chain(described.iter().rev()).copied().collect();
    let q = enc("кран");
    for page in 1..=3_usize {
        let url = format!("/catalog?{q}&page={page}");
        let (past, within) = (capped.get(&url), whole.get(&url));
        assert_eq!(past.ad_ids_in(".results"), within.ad_ids_in(".results"), "{url}");
        assert_eq!(past.count("#promoted"), within.count("#promoted"), "{url}");
        // the first page's promoted ads are shown once, in the strip above it
        let strip = if page == 1 { within.ad_ids_in("#promoted") } else { Vec::new() };
        assert_eq!(strip.len(), if page == 1 { 4 } else { 0 }, "four of the five promoted");
        let expected: Vec<i64> = ranked
            .iter()
            .skip((page - 1) * 12)
            .take(12)
            .filter(|id| !strip.contains(id))
            .copied()
            .collect();
        let shown = within.ad_ids_in(".results");
        assert_eq!(shown[strip.len()..], expected[..], "{url}");
    }
    assert!(whole.get(&format!("/catalog?{q}")).one("#result-count").text.starts_with("30 "));
}

#[test]
fn a_word_is_found_inside_longer_ones_and_a_word_new_to_the_index_at_once() {
    let app = spawn_app();
    let db = app.db();
    let u = user(&db, "Seller", None);
    let typed = |title: &str, t: &'static str, age: i64| {
        Ad { equipment_type: Some(t), brand: None, ..Ad::new(u, title, age) }.insert(&db)
    };
    let crane = typed("Автокран Ивановец КС-45717", "автокран", 30);
    let cranes = typed("Краны башенные", "кран", 20);
    let digger = typed("Экскаватор Hitachi", "экскаватор", 10);
    let ids = |q: &str| app.get(&format!("/catalog?{}", enc(q))).ad_ids();
    let sorted = |mut v: Vec<i64>| {
        v.sort();
        v
    };
    // "кран" inside "автокран", at the start of "краны": the index's words that hold it
    assert_eq!(sorted(ids("кран")), sorted(vec![crane, cranes]));
    assert_eq!(ids("ватор"), vec![digger], "inside a word");
    assert_eq!(ids("КС-45717"), vec![crane], "a word the index splits: its parts in a row");
    assert_eq!(ids("кс-457"), vec![crane], "the last part a prefix");
    assert_eq!(ids("45717 кс-"), vec![crane]);
    assert!(ids("ранкс").is_empty(), "never across two words");
    // the index's words were read by the first search; a word posted since is found whole
    let fresh = typed("Бетоносмеситель Liebherr", "миксер", 5);
    assert_eq!(ids("бетоносмеситель"), vec![fresh]);
    assert_eq!(ids("LIEBHERR"), vec![fresh]);
}

#[test]
fn an_ad_whose_kind_or_country_changes_moves_between_the_searches_of_each() {
    let app = spawn_app();
    let db = app.db();
    let u = user(&db, "Seller", None);
    let id = ad(&app, u, "rent", "Погрузчик фронтальный", 10).insert(&db);
    let ids = |query: &str| app.get(&format!("/catalog?{}&{query}", enc("погрузчик"))).ad_ids();
    assert_eq!(ids("kind=rent&country=kz"), vec![id]);
    assert!(ids("kind=sale&country=kz").is_empty());
    db.execute(
        "UPDATE ads SET kind = 'sale', country = 'uz', city = 'Ташкент' WHERE id = ?1",
        [id],
    )
    .expect("update");
    assert!(ids("kind=rent&country=kz").is_empty(), "the index's filters follow the ad");
    assert_eq!(ids("kind=sale&country=uz"), vec![id]);
    // moved to parts, it leaves the catalog's search for the parts' one
    db.execute("UPDATE ads SET kind = 'parts' WHERE id = ?1", [id]).expect("update");
    assert!(ids("country=uz").is_empty());
    let parts = app.get(&format!("/parts?{}&country=uz", enc("погрузчик")));
    assert_eq!(parts.ad_ids(), vec![id]);
    db.execute("DELETE FROM ads WHERE id = ?1", [id]).expect("delete");
    assert!(app.get(&format!("/parts?{}", enc("погрузчик"))).ad_ids().is_empty());
}

#[test]
fn a_search_with_filters_finds_exactly_what_the_filters_and_the_word_select() {
    let app = spawn_app();
    let db = app.db();
    let u = user(&db, "Seller", None);
    // every mix of kind, place, type, brand and listed-or-not; the word in the title or the type
    let places = [("kz", "Алматы"), ("kz", "Астана"), ("uz", "Ташкент")];
    let types = [Some("фронтальный погрузчик"), Some("экскаватор-погрузчик"), None];
    let brands = [Some("JCB"), Some("Амкодор"), None];
    let mut age = 0;
    for kind in ["rent", "sale"] {
        for (country, city) in places {
            for equipment_type in types {
                for brand in brands {
                    for (title, active) in
                        [("Погрузчик", true), ("Каток", true), ("Погрузчик", false)]
                    {
                        age += 1;
                        let base = Ad::new(u, &format!("{title} {age}"), age);
                        Ad { kind, country, city, equipment_type, brand, active, ..base }
                            .insert(&db);
                    }
                }
            }
        }
    }
    let filters = [
        "",
        "kind=rent",
        "country=kz",
        "country=kz&city=Астана",
        "type=фронтальный погрузчик",
        "type=экскаватор-погрузчик&country=uz",
        "brand=jcb",
        "brand=JCB&kind=sale&country=kz&city=Алматы",
        "brand=Амкодор",
        "kind=sale&type=фронтальный погрузчик&brand=JCB",
        // a kind with one type, brand or city: each match's kind checked, not the kind's word
        "kind=rent&country=kz&city=Алматы",
        "kind=sale&brand=Амкодор",
        "kind=rent&type=экскаватор-погрузчик",
    ];
    for query in filters {
        let params: Vec<(&str, &str)> =
            query.split('&').filter(|p| !p.is_empty()).filter_map(|p| p.split_once('=')).collect();
        let mut sql = String::from(
            "SELECT id FROM ads WHERE is_active = 1 AND section = 'catalog' \
             AND (title LIKE 'Погрузчик%' OR equipment_type LIKE '%погрузчик%')",
        );
        let mut values: Vec<String> = Vec::new();
        for (k, v) in &params {
            let column = match *k {
                "kind" => "kind",
                "country" => "country",
                "city" => "city",
                "type" => "equipment_type",
                _ => "brand",
            };
            values.push((*v).to_owned());
            sql.push_str(&format!(" AND {column} = ?{} COLLATE NOCASE", values.len()));
        }
        // the ranked order: the word in the title first, each tier newest first
        sql.push_str(" ORDER BY title LIKE 'Погрузчик%' DESC, id DESC");
        let mut expected: Vec<i64> = db
            .prepare(&sql)
            .expect("sql")
            .query_map(rusqlite::params_from_iter(values.iter()), |r| r.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("ids");
        let url = format!(
            "/catalog?{}",
            serde_urlencoded::to_string(
                std::iter::once(("q", "погрузчик"))
                    .chain(params.iter().copied())
                    .collect::<Vec<_>>()
            )
            .expect("encode")
        );
        let page = app.get(&url);
        assert_eq!(page.status, 200, "{url}");
        let count = page.one("#result-count").text;
        assert!(count.starts_with(&format!("{} ", expected.len())), "{query}: {count}");
        expected.truncate(12);
        assert_eq!(page.ad_ids_in(".results"), expected, "{query}");
        // without the word: counted from the index's filter words when two or more are given
        let listed: i64 = db
            .query_row(
                &sql.replace(
                    " AND (title LIKE 'Погрузчик%' OR equipment_type LIKE '%погрузчик%')",
                    "",
                )
                .replace("SELECT id FROM", "SELECT count(*) FROM")
                .replace(" ORDER BY title LIKE 'Погрузчик%' DESC, id DESC", ""),
                rusqlite::params_from_iter(values.iter()),
                |r| r.get(0),
            )
            .expect("count");
        let url = format!("/catalog?{}", serde_urlencoded::to_string(&params).expect("encode"));
        let count = app.get(&url).one("#result-count").text;
        assert!(count.starts_with(&format!("{listed} ")), "{query} without text: {count}");
    }
}

#[test]
fn a_listing_of_several_filters_reads_every_order_and_page_as_the_filters_select() {
    let app = spawn_app();
    let db = app.db();
    let u = user(&db, "Seller", None);
    // bump times out of id order, so a page read in index order shows it; some negotiable,
    // some not listed
    let places = [("kz", "Алматы"), ("kz", "Астана"), ("uz", "Ташкент")];
    let brands = [Some("JCB"), Some("Амкодор"), None];
    let mut n = 0_i64;
    for kind in ["rent", "sale"] {
        for (country, city) in places {
            for brand in brands {
                for _ in 0..9 {
                    n += 1;
                    let base = Ad::new(u, &format!("Погрузчик {n}"), (n * 7919) % 1000 + 1);
                    let price = (n % 5 != 0).then_some((n * 104_729) % 500_000 + 1_000);
                    Ad {
                        kind,
                        country,
                        city,
                        brand,
                        price_minor: price,
                        currency: "USD",
                        price_usd_cents: price,
                        views: (n * 31) % 17,
                        equipment_type: Some(if n % 3 == 0 {
                            "каток"
                        } else {
                            "экскаватор"
                        }),
                        active: n % 7 != 0,
                        ..base
                    }
                    .insert(&db);
                }
            }
        }
    }
    let filters = [
        "kind=rent&country=kz",
        "country=kz&city=Астана&brand=JCB",
        "kind=sale&type=экскаватор&brand=Амкодор",
        "country=uz&type=каток",
        "kind=rent&country=kz&price_from=100&price_to=3000&currency=USD",
        "brand=jcb&type=экскаватор&price_from=1500&currency=USD",
        // one type, brand or city: its index, within the kind's prices in a price order
        "kind=rent&type=экскаватор",
        "kind=sale&country=kz&city=Алматы",
        "kind=sale&brand=JCB&price_to=4000&currency=USD",
        "kind=rent&type=экскаватор&price_from=1500&currency=USD",
    ];
    let orders = [
        ("fresh", "bumped_at DESC, id DESC"),
        ("price_asc", "price_day_asc ASC, id DESC"),
        ("price_desc", "price_day_usd_cents DESC, id DESC"),
        ("views", "views_count DESC, id DESC"),
    ];
    // read as inserted, then again after their keys change (`ad_sort_keys` follows by trigger)
    for round in 0..2 {
        if round == 1 {
            db.execute_batch(
                "UPDATE ads SET views_count = views_count + id % 5, bumped_at = bumped_at - id * 3 \
                 WHERE id % 3 = 0; UPDATE ads SET price_usd_cents = price_usd_cents / 2, \
                 price_minor = price_minor / 2 WHERE id % 4 = 1; \
                 UPDATE ads SET is_active = 1 - is_active WHERE id % 11 = 0; \
                 UPDATE ads SET kind = 'sale' WHERE kind = 'rent' AND id % 6 = 0;",
            )
            .expect("update");
        }
        for query in filters {
            let params: Vec<(&str, &str)> =
                query.split('&').filter_map(|p| p.split_once('=')).collect();
            let mut sql =
                String::from("SELECT id FROM ads WHERE is_active = 1 AND section = 'catalog'");
            let mut values: Vec<String> = Vec::new();
            for (k, v) in &params {
                let (column, op, value) = match *k {
                    "price_from" => ("price_day_usd_cents", ">=", format!("{v}00")),
                    "price_to" => ("price_day_usd_cents", "<=", format!("{v}00")),
                    "currency" => continue,
                    "type" => ("equipment_type", "=", (*v).to_owned()),
                    k => (k, "=", (*v).to_owned()),
                };
                values.push(value);
                let cast = if op == "=" { " COLLATE NOCASE" } else { "" };
                sql.push_str(&format!(" AND {column} {op} ?{}{cast}", values.len()));
            }
            for (sort, order) in orders {
                let mut expected: Vec<i64> = db
                    .prepare(&format!("{sql} ORDER BY {order}"))
                    .expect("sql")
                    .query_map(rusqlite::params_from_iter(values.iter()), |r| r.get(0))
                    .expect("query")
                    .collect::<Result<_, _>>()
                    .expect("ids");
                assert!(expected.len() > 12, "{query}: two pages at least ({})", expected.len());
                let url = format!("/catalog?{query}&sort={sort}");
                // the last page (the ads without a price end the price orders) and one past it
                let pages = expected.len().div_ceil(12);
                let last = app.get(&format!("{url}&page={pages}"));
                assert_eq!(last.ad_ids_in(".results"), expected[(pages - 1) * 12..], "{url} last");
                let past = app.get(&format!("{url}&page={}", pages + 1));
                assert!(past.ad_ids_in(".results").is_empty(), "{url}: a page past the last");
                let first = app.get(&url);
                assert_eq!(first.status, 200, "{url}");
                let count = first.one("#result-count").text;
                assert!(count.starts_with(&format!("{} ", expected.len())), "{url}: {count}");
                assert_eq!(first.ad_ids_in(".results"), expected[..12], "{url}");
                let second = app.get(&format!("{url}&page=2"));
                let rest: Vec<i64> = expected.drain(12..).take(12).collect();
                assert_eq!(second.ad_ids_in(".results"), rest, "{url}&page=2");
                if sort == "fresh" {
                    // the second page starting after the first's last ad, as a deep page's link does
                    let (bumped, id): (i64, i64) = db
                        .query_row(
                            "SELECT bumped_at, id FROM ads WHERE id = ?1",
                            [expected[11]],
                            |r| Ok((r.get(0)?, r.get(1)?)),
                        )
                        .expect("last");
                    let after = app.get(&format!("{url}&page=2&after={bumped}.{id}"));
                    assert_eq!(after.ad_ids_in(".results"), rest, "{url} after {bumped}.{id}");
                }
            }
        }
    }
}

#[test]
fn a_city_named_alike_in_two_countries_lists_only_the_chosen_countrys_ads() {
    let app = spawn_app();
    let db = app.db();
    let u = user(&db, "Seller", None);
    // a city is free text: "Октябрьский" is a town of Kazakhstan and of Russia alike, and the
    // search index's word of a city names its country (migration 29)
    let town = |country: &'static str, title: &str, age: i64| Ad {
        country,
        city: "Октябрьский",
        equipment_type: Some("экскаватор"),
        brand: Some("JCB"),
        ..Ad::new(u, title, age)
    };
    let kz: Vec<i64> = (0..3)
        .map(|i| town("kz", &format!("Экскаватор-погрузчик {i}"), 10 + i).insert(&db))
        .collect();
    let ru: Vec<i64> = (0..2)
        .map(|i| town("ru", &format!("Экскаватор-погрузчик {i}"), 20 + i).insert(&db))
        .collect();
    // hidden, in each town: never listed
    for country in ["kz", "ru"] {
        Ad {
            active: false, ..town(country, "Экскаватор-погрузчик скрытый", 1)
        }
        .insert(&db);
    }
    let listed = |url: &str| {
        let page = app.get(url);
        assert_eq!(page.status, 200, "{url}");
        let mut ids = page.ad_ids_in(".results");
        ids.sort_unstable();
        let count = page.one("#result-count").text;
        (ids, count)
    };
    let check = |country: &str, want: &[i64]| {
        // two filters by their tags alone (the count too), with a kind (checked per ad), and a
        // search in the town
        for filters in ["type=экскаватор", "type=экскаватор&brand=JCB&kind=sale", "q=погрузчик"]
        {
            let url = format!("/catalog?country={country}&city=Октябрьский&{filters}");
            let (ids, count) = listed(&url);
            let mut want = want.to_vec();
            want.sort_unstable();
            assert_eq!(ids, want, "{url}");
            assert!(count.starts_with(&format!("{} ", want.len())), "{url}: {count}");
        }
    };
    check("kz", &kz);
    check("ru", &ru);
    // an ad that moves to the other country's town moves between their listings
    db.execute("UPDATE ads SET country = 'ru' WHERE id = ?1", [kz[0]]).expect("move");
    check("kz", &kz[1..]);
    check("ru", &[ru.clone(), vec![kz[0]]].concat());
}

#[test]
fn a_brand_rare_among_its_types_newest_ads_is_still_listed_whole_in_every_order() {
    let app = spawn_app();
    let db = app.db();
    let u = user(&db, "Seller", None);
    // newest first, a type and a brand read the index of both (migration 31); in another
    // order a type's page walks its index for the brand, a bounded number of entries (5,000):
    // here the brand's ads are all older than more of the type's than that, so no walk fills
    // a page and they are read by their tags; the common brand's pages are walked
    let ad = |brand: &'static str, n: i64, age: i64| Ad {
        brand: Some(brand),
        equipment_type: Some("каток"),
        price_minor: Some(1_000 + n * 37 % 900),
        currency: "USD",
        price_usd_cents: Some(1_000 + n * 37 % 900),
        views: n % 13,
        ..Ad::new(u, &format!("Каток {n}"), age)
    };
    db.execute_batch("BEGIN").expect("begin");
    for n in 0..30 {
        ad("Bomag", n, 100_000 + n).insert(&db);
    }
    for n in 0..5_020 {
        ad("Volvo", n, 1 + n).insert(&db);
    }
    db.execute_batch("COMMIT").expect("commit");
    let orders = [
        ("fresh", "bumped_at DESC, id DESC"),
        ("price_asc", "price_day_asc ASC, id DESC"),
        ("price_desc", "price_day_usd_cents DESC, id DESC"),
        ("views", "views_count DESC, id DESC"),
    ];
    for brand in ["Bomag", "Volvo"] {
        for (sort, order) in orders {
            let expected: Vec<i64> = db
                .prepare(&format!(
                    "SELECT id FROM ads WHERE brand = ?1 AND is_active = 1 ORDER BY {order}"
                ))
                .expect("sql")
                .query_map([brand], |r| r.get(0))
                .expect("query")
                .collect::<Result<_, _>>()
                .expect("ids");
            let url = format!("/catalog?type=каток&brand={brand}&sort={sort}");
            for page in [1, 2, 3] {
                let got = app.get(&format!("{url}&page={page}"));
                let want: Vec<i64> =
                    expected.iter().copied().skip((page - 1) * 12).take(12).collect();
                assert_eq!(got.ad_ids_in(".results"), want, "{url}&page={page}");
                let count = got.one("#result-count").text;
                // past the cap (1,000) the count says "1 000+"
                let capped = expected.len() > 1_000;
                let shown = if capped { "1".to_owned() } else { format!("{} ", expected.len()) };
                assert!(count.starts_with(&shown), "{url}: {count}");
                assert_eq!(count.contains('+'), capped, "{url}: {count}");
            }
        }
    }
    // the common brand's page is the walk's: with its ads gone from the keys the tags' path
    // reads (`ad_sort_keys`), its most viewed twelve are still listed from the type's index,
    // and its newest from the index of both
    let top = |order: &str| -> Vec<i64> {
        db.prepare(&format!(
            "SELECT id FROM ads WHERE brand = 'Volvo' AND is_active = 1 ORDER BY {order} LIMIT 12"
        ))
        .expect("sql")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("ids")
    };
    let (newest, most_viewed) = (top("bumped_at DESC, id DESC"), top("views_count DESC, id DESC"));
    db.execute(
        "DELETE FROM ad_sort_keys WHERE id IN (SELECT id FROM ads WHERE brand = 'Volvo')",
        [],
    )
    .expect("keys");
    let walked = app.get("/catalog?type=каток&brand=Volvo&sort=views&kind=sale");
    assert_eq!(walked.ad_ids_in(".results"), most_viewed, "the type's index walked");
    let both = app.get("/catalog?type=каток&brand=Volvo&sort=fresh&kind=sale");
    assert_eq!(both.ad_ids_in(".results"), newest, "the index of both");
}

#[test]
fn a_price_range_finds_exactly_its_ads_by_word_and_by_tags_as_prices_move_between_bands() {
    let app = spawn_app();
    let db = app.db();
    let u = user(&db, "Seller", None);
    // prices over five decades of US cents, some rents by the month (a thirtieth a day), a
    // negotiable few; the word in every title, so the ranked order is the newest first
    for n in 1..=120_i64 {
        let cents = (n % 9 != 0).then_some(10_i64.pow(2 + (n % 5) as u32) * (1 + n % 9) + n);
        let kind = if n % 2 == 0 { "rent" } else { "sale" };
        let id = Ad {
            kind,
            price_minor: cents,
            currency: "USD",
            price_usd_cents: cents,
            equipment_type: Some("экскаватор"),
            brand: Some(if n % 3 == 0 { "JCB" } else { "Volvo" }),
            active: n % 7 != 0,
            views: (n * 31) % 17,
            ..Ad::new(u, &format!("Погрузчик {n}"), 200 - n)
        }
        .insert(&db);
        if n % 4 == 0 {
            db.execute("UPDATE ads SET price_unit = 'month' WHERE id = ?1", [id]).expect("unit");
        } else if n % 10 == 2 {
            db.execute("UPDATE ads SET price_unit = 'hour' WHERE id = ?1", [id]).expect("unit");
        }
    }
    // ranges of one decade, across decades, up to a price, and past the dearest
    let ranges = [(50, 70), (30, 900), (2, 40), (0, 15), (700, 9_000), (1, 100_000)];
    for round in 0..2 {
        if round == 1 {
            // new prices move ads to other bands: the index follows
            db.execute_batch(
                "UPDATE ads SET price_usd_cents = price_usd_cents * 3, price_minor = price_minor * 3 \
                 WHERE id % 2 = 1; UPDATE ads SET price_unit = NULL WHERE id % 8 = 0;",
            )
            .expect("prices");
        }
        for (from, to) in ranges {
            let expected = |extra: &str| -> Vec<i64> {
                db.prepare(&format!(
                    "SELECT id FROM ads WHERE is_active = 1 AND section = 'catalog' \
                     AND price_day_usd_cents BETWEEN ?1 AND ?2{extra} ORDER BY id DESC"
                ))
                .expect("sql")
                .query_map([from * 100, to * 100], |r| r.get(0))
                .expect("query")
                .collect::<Result<_, _>>()
                .expect("ids")
            };
            let range = format!("price_from={from}&price_to={to}&currency=USD");
            let by_word = expected("");
            assert!(!by_word.is_empty(), "{range}: some ads");
            let page = app.get(&format!("/catalog?{}&{range}", enc("погрузчик")));
            let count = page.one("#result-count").text;
            assert!(count.starts_with(&format!("{} ", by_word.len())), "{range}: {count}");
            let first: Vec<i64> = by_word.iter().copied().take(12).collect();
            assert_eq!(page.ad_ids_in(".results"), first, "round {round}, {range}");
            // with a kind: the listing and kind are checked per match, not asked of the index
            let rents = expected(" AND kind = 'rent'");
            let page = app.get(&format!("/catalog?{}&kind=rent&{range}", enc("погрузчик")));
            let count = page.one("#result-count").text;
            assert!(count.starts_with(&format!("{} ", rents.len())), "rents {range}: {count}");
            let first: Vec<i64> = rents.iter().copied().take(12).collect();
            assert_eq!(page.ad_ids_in(".results"), first, "round {round}, rents, {range}");
            // sorted by price or views: the second page asked first, so neither page's count
            // is had from the count cache (each is read once, its count from its matches)
            for (sort, order) in [
                ("price_asc", "price_day_asc ASC, id DESC"),
                ("price_desc", "price_day_usd_cents DESC, id DESC"),
                ("views", "views_count DESC, id DESC"),
            ] {
                let sorted: Vec<i64> = db
                    .prepare(&format!(
                        "SELECT id FROM ads WHERE is_active = 1 AND section = 'catalog' \
                         AND price_day_usd_cents BETWEEN ?1 AND ?2 ORDER BY {order}"
                    ))
                    .expect("sql")
                    .query_map([from * 100, to * 100], |r| r.get(0))
                    .expect("query")
                    .collect::<Result<_, _>>()
                    .expect("ids");
                let url = format!("/catalog?{}&{range}&sort={sort}", enc("погрузчик"));
                let second = app.get(&format!("{url}&page=2"));
                let rest: Vec<i64> = sorted.iter().copied().skip(12).take(12).collect();
                assert_eq!(second.ad_ids_in(".results"), rest, "round {round}, {url}&page=2");
                let first: Vec<i64> = sorted.iter().copied().take(12).collect();
                assert_eq!(app.get(&url).ad_ids_in(".results"), first, "round {round}, {url}");
            }
            // without the word, by the tags of a type and a brand (newest first by bump time,
            // here the same order)
            let by_tags = expected(" AND brand = 'JCB'");
            let url = format!("/catalog?type=экскаватор&brand=JCB&{range}");
            let page = app.get(&url);
            let count = page.one("#result-count").text;
            assert!(count.starts_with(&format!("{} ", by_tags.len())), "{url}: {count}");
            let first: Vec<i64> = by_tags.iter().copied().take(12).collect();
            assert_eq!(page.ad_ids_in(".results"), first, "round {round}, {url}");
        }
        // the two sort keys are one price: the ascending key is the day's price where there is
        // one (by the hour, the day and the month alike), the dearest possible where there is
        // none (the orders above, and the price indexes, read one or the other)
        let apart: i64 = db
            .query_row(
                "SELECT count(*) FROM ads WHERE price_day_asc IS NOT \
                 coalesce(price_day_usd_cents, 9223372036854775807)",
                [],
                |r| r.get(0),
            )
            .expect("keys");
        assert_eq!(apart, 0, "round {round}: the ascending key strays from the day's price");
        let units: i64 = db
            .query_row(
                "SELECT count(DISTINCT price_unit) FROM ads \
                 WHERE price_day_usd_cents IS NOT NULL AND price_unit IN ('hour', 'month')",
                [],
                |r| r.get(0),
            )
            .expect("units");
        assert_eq!(units, 2, "round {round}: some priced by the hour and by the month");
    }
}

#[test]
fn a_searchs_promoted_strip_holds_its_running_promotions_in_plan_order_as_they_start_and_end() {
    let app = spawn_app();
    let db = app.db();
    let u = user(&db, "Seller", None);
    let now = uzmat::db::now();
    let plain = ad(&app, u, "sale", "Бульдозер Shantui SD16", 10).insert(&db);
    let mut gold = ad(&app, u, "sale", "Бульдозер Komatsu D65", 20);
    gold.plan = Some(("gold", now - 100, now + 10_000));
    let gold = gold.insert(&db);
    let mut ended = ad(&app, u, "sale", "Бульдозер Четра", 30);
    ended.plan = Some(("vip", now - 10_000, now - 1));
    ended.insert(&db);
    let mut crane = ad(&app, u, "rent", "Автокран Ивановец", 50);
    crane.plan = Some(("vip", now - 100, now + 10_000));
    let crane = crane.insert(&db);
    let search = format!("/catalog?{}", enc("бульдозер"));
    // through the index alone, and with a price checked in each match's row
    let priced = format!("{search}&price_from=1&currency=USD");
    for url in [&search, &priced] {
        assert_eq!(app.get(url).ad_ids_in("#promoted"), vec![gold], "{url}");
    }
    // a VIP promotion starts, as `promotions` starts one: it leads
    let promote = "UPDATE ads SET plan = 'vip', plan_rank = 3, plan_started_at = ?1, \
                   plan_until = ?2 WHERE id = ?3";
    db.execute(promote, (now - 10, now + 10_000, plain)).expect("promote");
    for url in [&search, &priced] {
        assert_eq!(app.get(url).ad_ids_in("#promoted"), vec![plain, gold], "{url}");
    }
    let cranes = app.get(&format!("/catalog?{}", enc("автокран")));
    assert_eq!(cranes.ad_ids_in("#promoted"), vec![crane], "another word, its own promoted");
    // the gold one ends, as `promotions::advance` ends it
    let end = "UPDATE ads SET plan = NULL, plan_rank = 0, plan_started_at = NULL, \
               plan_until = NULL WHERE id = ?1";
    db.execute(end, [gold]).expect("end");
    for url in [&search, &priced] {
        assert_eq!(app.get(url).ad_ids_in("#promoted"), vec![plain], "ended: {url}");
    }
}
