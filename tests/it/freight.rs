//! Logistics: cargo and trucks posted, listed by route and date, validated, removed.

use crate::support::client::Client;
use crate::support::spawn_app;

fn post(c: &Client<'_>, pairs: &[(&str, &str)]) -> crate::support::Resp {
    c.get("/logistics/new");
    c.post("/logistics/new", pairs)
}

pub(crate) fn cargo<'a>(
    title: &'a str,
    from: (&'a str, &'a str),
    to: (&'a str, &'a str),
    date: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("kind", "cargo"),
        ("title", title),
        ("from_country", from.0),
        ("from_city", from.1),
        ("to_country", to.0),
        ("to_city", to.1),
        ("ship_date", date),
        ("weight_t", "20"),
        ("volume_m3", "82"),
        ("body_type", "тент"),
        ("price", "1200"),
        ("currency", "USD"),
        ("phone", "+7 701 111 22 33"),
    ]
}

fn ids(page: &crate::support::Resp) -> Vec<i64> {
    let ids = page.html().attrs("[data-freight-id]", "data-freight-id");
    ids.iter().map(|id| id.parse().expect("a number")).collect()
}

#[test]
fn freight_is_posted_listed_by_route_and_date_and_removed() {
    let app = spawn_app();
    let c = Client::new(&app);
    c.sign_up("Логист", "logist@example.kz", "ковш и стрела 2024");
    let r = post(
        &c,
        &cargo("Металлоконструкции 20 т", ("kz", "Алматы"), ("uz", "Ташкент"), "2026-12-05"),
    );
    assert_eq!(r.status, 303, "{}", r.body.chars().take(2000).collect::<String>());
    let first: i64 =
        r.header("location").and_then(|l| l.rsplit('/').next()?.parse().ok()).expect("id");
    let mut truck = cargo("Тент 20 т, свободен", ("ru", "Москва"), ("kz", "Астана"), "2026-12-01");
    truck[0] = ("kind", "truck");
    let second: i64 = post(&c, &truck)
        .header("location")
        .and_then(|l| l.rsplit('/').next()?.parse().ok())
        .expect("id");
    let third: i64 = post(&c, &cargo("Трубы", ("kz", "Шымкент"), ("uz", "Ташкент"), "2026-12-20"))
        .header("location")
        .and_then(|l| l.rsplit('/').next()?.parse().ok())
        .expect("id");

    assert_eq!(ids(&app.get("/logistics")), vec![second, first, third], "nearest date first");
    assert_eq!(ids(&app.get("/logistics?kind=truck")), vec![second]);
    assert_eq!(ids(&app.get("/logistics?from_country=kz&to_country=uz")), vec![first, third]);
    assert_eq!(
        ids(&app.get("/logistics?from_city=%D0%B0%D0%BB%D0%BC%D0%B0%D1%82%D1%8B")),
        vec![first],
        "city, any case"
    );
    assert_eq!(ids(&app.get("/logistics?date_from=2026-12-02&date_to=2026-12-10")), vec![first]);
    let page = app.get(&format!("/freight/{first}"));
    for text in [
        "Алматы, Казахстан → Ташкент, Узбекистан",
        "5 декабря 2026",
        "тент",
        "82 м³",
        "1\u{2009}200 $",
    ] {
        assert!(page.body.contains(text), "no «{text}»");
    }
    c.get(&format!("/freight/{first}"));
    assert_eq!(c.post(&format!("/freight/{first}/delete"), &[]).status, 303);
    assert_eq!(app.get(&format!("/freight/{first}")).status, 404);
    let locs: Vec<String> =
        app.get("/sitemap.xml").select("url > loc").into_iter().map(|l| l.text).collect();
    assert!(locs.iter().any(|l| l.ends_with("/logistics")), "{locs:?}");
}

#[test]
fn bad_freight_input_is_refused_and_changes_nothing() {
    let app = spawn_app();
    let c = Client::new(&app);
    c.sign_up("Логист", "logist@example.kz", "ковш и стрела 2024");
    let mut bad = cargo("Груз", ("us", ""), ("kz", "Алматы"), "2026-02-30");
    bad.retain(|(k, _)| *k != "weight_t");
    bad.push(("weight_t", "тяжёлый"));
    let r = post(&c, &bad);
    assert_eq!(r.status, 422);
    for (field, msg) in [
        ("title", "Слишком короткое"),
        ("from_country", "Выберите страну"),
        ("from_city", "Заполните это поле"),
        ("ship_date", "ГГГГ-ММ-ДД"),
        ("weight_t", "Положительное число"),
    ] {
        let error = r.one(&format!(".field-error[data-field={field}]")).text;
        assert!(error.contains(msg), "{field}: no «{msg}» in «{error}»");
    }
    let n: i64 =
        app.db().query_row("SELECT count(*) FROM freight_ads", [], |r| r.get(0)).expect("n");
    assert_eq!(n, 0);
    for path in [
        "/logistics?date_from=tomorrow",
        "/logistics?from_country=xx",
        "/logistics?page=0",
        "/logistics?kind=boat",
    ] {
        assert_eq!(app.get(path).status, 400, "{path}");
    }
    // who may post and remove listings: tests/it/access.rs
}
