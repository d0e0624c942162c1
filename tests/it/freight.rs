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

fn freight_id(r: &crate::support::Resp) -> i64 {
    r.header("location").and_then(|l| l.rsplit('/').next()?.parse().ok()).expect("id")
}

fn row(id: i64) -> String {
    format!("[data-freight-id=\"{id}\"]")
}

#[test]
fn the_freight_form_takes_the_phone_from_the_profile() {
    let app = spawn_app();
    let c = Client::new(&app);
    c.sign_up("Логист", "logist@example.kz", "ковш и стрела 2024");
    let form = c.get("/logistics/new");
    assert_eq!(form.html().attrs("#freight-form input[name=phone]", "value"), [""]);
    c.get("/account");
    let r = c.post(
        "/account",
        &[("name", "Логист"), ("phone", "+7 701 555 44 33"), ("country", "kz"), ("city", "Алматы")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let form = c.get("/logistics/new").html();
    assert_eq!(form.attrs("#freight-form input[name=phone]", "value"), ["+7 701 555 44 33"]);
    assert_eq!(form.attrs("#freight-form input[name=from_city]", "value"), ["Алматы"]);
    assert_eq!(form.attrs("#f-from_country option[selected]", "value"), ["kz"]);
}

#[test]
fn freight_is_managed_from_my_ads_by_its_owner_only() {
    let app = spawn_app();
    let owner = Client::new(&app);
    owner.sign_up("Логист", "logist@example.kz", "ковш и стрела 2024");
    let other = Client::new(&app);
    other.sign_up("Другой", "other@example.kz", "ковш и стрела 2024");
    let id = freight_id(&post(
        &owner,
        &cargo("Металлоконструкции 20 т", ("kz", "Алматы"), ("uz", "Ташкент"), "2026-12-05"),
    ));
    let title = |id: i64| -> String {
        app.db()
            .query_row("SELECT title FROM freight_ads WHERE id = ?1", [id], |r| r.get(0))
            .expect("title")
    };

    // listed in "my ads" with its route, status and buttons
    let mine = owner.get("/my/ads");
    let r = row(id);
    assert!(mine.one(&r).text.contains("Алматы, Казахстан → Ташкент, Узбекистан"));
    assert_eq!(mine.one(&format!("{r} .status")).text, "Опубликовано");
    assert_eq!(
        mine.html().attrs(&format!("{r} a[href$=\"/edit\"]"), "href"),
        [format!("/freight/{id}/edit")]
    );
    for action in ["deactivate", "delete"] {
        assert_eq!(
            mine.count(&format!("{r} form[action=\"/freight/{id}/{action}\"]")),
            1,
            "{action}"
        );
    }

    // edited: the form shows the listing, a bad value changes nothing, a good one saves
    let form = owner.get(&format!("/freight/{id}/edit"));
    assert_eq!(form.status, 200);
    let values = form.html();
    assert_eq!(values.attrs("#freight-form", "action"), [format!("/freight/{id}/edit")]);
    assert_eq!(values.attrs("input[name=title]", "value"), ["Металлоконструкции 20 т"]);
    assert_eq!(values.attrs("input[name=price]", "value"), ["1200"]);
    assert_eq!(values.attrs("input[name=weight_t]", "value"), ["20"]);
    let changed =
        cargo("Металлоконструкции 18 т", ("kz", "Алматы"), ("uz", "Самарканд"), "2026-12-07");
    let mut bad = changed.clone();
    bad.retain(|(k, _)| *k != "ship_date");
    bad.push(("ship_date", "завтра"));
    let r = owner.post(&format!("/freight/{id}/edit"), &bad);
    assert_eq!(r.status, 422);
    assert_eq!(r.count(".field-error[data-field=ship_date]"), 1);
    assert_eq!(title(id), "Металлоконструкции 20 т");
    // someone else: refused, nothing changes (whatever the form says)
    other.get("/logistics");
    assert_eq!(other.post(&format!("/freight/{id}/edit"), &changed).status, 403);
    assert_eq!(other.post(&format!("/freight/{id}/deactivate"), &[]).status, 403);
    assert_eq!(other.post(&format!("/freight/{id}/delete"), &[]).status, 403);
    assert_eq!(other.get(&format!("/freight/{id}/edit")).status, 403);
    assert_eq!(title(id), "Металлоконструкции 20 т");
    // without the form's token: refused
    let r = owner.post_raw(&format!("/freight/{id}/edit"), &changed, &[]);
    assert_eq!(r.status, 403);
    owner.get(&format!("/freight/{id}/edit"));
    let r = owner.post(&format!("/freight/{id}/edit"), &changed);
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some(format!("/freight/{id}").as_str()));
    let page = owner.get(&format!("/freight/{id}"));
    assert!(page.one(".flash").text.contains("Изменения сохранены"));
    assert!(page.body.contains("Самарканд") && page.body.contains("7 декабря 2026"));
    assert_eq!(
        ids(&app.get("/logistics?to_city=%D1%81%D0%B0%D0%BC%D0%B0%D1%80%D0%BA%D0%B0%D0%BD%D0%B4")),
        vec![id],
        "the new city is searchable"
    );

    // unpublished: gone for others (404, not 403: its existence is not told), kept for its owner
    owner.get("/my/ads");
    let r = owner.post(&format!("/freight/{id}/deactivate"), &[("back", "/my/ads")]);
    assert_eq!((r.status, r.header("location")), (303, Some("/my/ads")));
    let mine = owner.get("/my/ads");
    assert!(mine.one(".flash").text.contains("снято с публикации"));
    assert_eq!(mine.one(&format!("{} .status", row(id))).text, "Снято с публикации");
    assert_eq!(mine.count(&format!("form[action=\"/freight/{id}/activate\"]")), 1);
    assert!(ids(&app.get("/logistics")).is_empty());
    assert_eq!(app.get(&format!("/freight/{id}")).status, 404);
    assert_eq!(other.get(&format!("/freight/{id}")).status, 404);
    assert_eq!(owner.get(&format!("/freight/{id}")).status, 200);
    other.get("/logistics");
    assert_eq!(other.post(&format!("/freight/{id}/activate"), &[]).status, 404);
    assert_eq!(other.post(&format!("/freight/{id}/delete"), &[]).status, 404);

    // published again
    owner.get("/my/ads");
    assert_eq!(owner.post(&format!("/freight/{id}/activate"), &[("back", "/my/ads")]).status, 303);
    assert!(owner.get("/my/ads").one(".flash").text.contains("снова опубликовано"));
    assert_eq!(ids(&app.get("/logistics")), vec![id]);

    // deleted from "my ads": back there, gone everywhere
    let r = owner.post(&format!("/freight/{id}/delete"), &[("back", "/my/ads")]);
    assert_eq!((r.status, r.header("location")), (303, Some("/my/ads")));
    let mine = owner.get("/my/ads");
    assert!(mine.one(".flash").text.contains("удалено"));
    assert_eq!(mine.count("[data-freight-id]"), 0);
    assert_eq!(owner.get(&format!("/freight/{id}")).status, 404);
    assert_eq!(owner.post(&format!("/freight/{id}/activate"), &[]).status, 404);
}
