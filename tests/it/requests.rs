//! Rental requests, end to end over HTTP: a buyer posts one, owners of matching rent ads hear
//! of it (the job, the outbox), quote (a chat thread about their ad opens with the quote),
//! the buyer accepts one and every quoting owner is told; limits, bad input, expiry, and who
//! may do what.

use uzmat::jobs::Job;

use crate::support::build::Ad;
use crate::support::client::Client;
use crate::support::{TestApp, spawn_app};

const PW: &str = "ковш и стрела 2024";

fn person<'a>(app: &'a TestApp, name: &str, email: &str) -> (Client<'a>, i64) {
    let c = Client::new(app);
    c.sign_up(name, email, PW);
    let id = app
        .db()
        .query_row("SELECT id FROM users WHERE email = ?1", [email], |r| r.get(0))
        .expect("user id");
    (c, id)
}

/// An active ad of `owner`: `kind` of an excavator in `country`/`city`.
fn ad(
    app: &TestApp,
    owner: i64,
    kind: &'static str,
    country: &'static str,
    city: &'static str,
) -> i64 {
    let mut a = Ad::new(owner, &format!("Экскаватор {city} {kind}"), 10);
    a.kind = kind;
    a.country = country;
    a.city = city;
    a.insert(&app.db())
}

pub(crate) fn day_in(days: i64) -> String {
    uzmat::domain::requests::day_of(uzmat::db::now() + days * 86_400)
}

pub(crate) fn request_form(start: &str) -> Vec<(&'static str, String)> {
    vec![
        ("equipment_type", "экскаватор".into()),
        ("country", "uz".into()),
        ("city", "Ташкент".into()),
        ("start_date", start.into()),
        ("days", "3".into()),
        ("budget", "1 500 000".into()),
        ("currency", "UZS".into()),
        ("body", "Нужен экскаватор на 3 дня, котлован под фундамент".into()),
        ("phone", "+998 90 123 45 67".into()),
    ]
}

pub(crate) fn post_request(
    c: &Client<'_>,
    form: &[(&'static str, String)],
) -> crate::support::Resp {
    c.get("/requests/new");
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    c.post("/requests/new", &fields)
}

pub(crate) fn quote_form() -> Vec<(&'static str, &'static str)> {
    vec![
        ("price", "450000"),
        ("currency", "UZS"),
        ("unit", "day"),
        ("available", "с 5 по 8 мая"),
        ("note", "С оператором, доставка трала включена"),
    ]
}

fn mails_to(app: &TestApp, email: &str) -> Vec<(String, String)> {
    let db = app.db();
    let mut stmt =
        db.prepare("SELECT subject, body FROM outbox WHERE to_addr = ?1 ORDER BY id").expect("q");
    stmt.query_map([email], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("mails")
}

fn count(app: &TestApp, sql: &str) -> i64 {
    app.db().query_row(sql, [], |r| r.get(0)).expect("count")
}

fn run_job(app: &TestApp) {
    app.drain();
    app.state.jobs.enqueue(Job::RentalRequests);
    app.drain();
}

#[test]
fn matching_owners_hear_of_a_request_quote_in_a_chat_and_all_are_told_of_the_choice() {
    let app = spawn_app();
    let (buyer, buyer_id) = person(&app, "Бекзод", "buyer@example.uz");
    let (near, near_id) = person(&app, "Ташкентский", "near@example.uz");
    let (far, far_id) = person(&app, "Самаркандский", "far@example.uz");
    let (kz, kz_id) = person(&app, "Алматинский", "kz@example.kz");
    let (_, seller_id) = person(&app, "Продавец", "seller@example.uz");
    let near_ad = ad(&app, near_id, "rent", "uz", "Ташкент");
    ad(&app, far_id, "rent", "uz", "Самарканд");
    ad(&app, kz_id, "rent", "kz", "Алматы");
    ad(&app, seller_id, "sale", "uz", "Ташкент");

    let r = post_request(&buyer, &request_form(&day_in(10)));
    assert_eq!(r.status, 303, "{}", r.body);
    let path = r.header("location").expect("location").to_owned();
    let id: i64 = path.trim_start_matches("/requests/").parse().expect("id");
    let page = buyer.get(&path);
    assert!(page.body.contains("Запрос опубликован"));
    assert!(page.one("h1").text.contains("Экскаватор в аренду: Ташкент"));
    assert!(page.one("#no-quotes").text.contains("Предложений пока нет"));
    // the phone is for the author and those who may answer: not for visitors, nor for an
    // owner without a matching ad
    let tel = "tel:+998901234567";
    assert!(page.body.contains(tel), "the author sees it");
    assert!(!app.get(&path).body.contains(tel), "an anonymous visitor does not");
    assert!(!kz.get(&path).body.contains(tel), "an owner in another country does not");
    assert!(near.get(&path).body.contains(tel), "an owner who may quote does");
    // listed, and filtered by type and country
    let ids = |q: &str| {
        Client::new(&app)
            .get(&format!("/requests{q}"))
            .html()
            .attrs("[data-request-id]", "data-request-id")
    };
    assert_eq!(ids(""), [id.to_string()]);
    assert_eq!(
        ids("?type=%D1%8D%D0%BA%D1%81%D0%BA%D0%B0%D0%B2%D0%B0%D1%82%D0%BE%D1%80&country=uz"),
        [id.to_string()]
    );
    assert!(ids("?type=%D0%BA%D1%80%D0%B0%D0%BD").is_empty());
    assert!(ids("?country=kz").is_empty());

    // the job mails the owners of matching rent ads, once
    run_job(&app);
    for (email, told) in [
        ("near@example.uz", true),
        ("far@example.uz", true),
        ("kz@example.kz", false),
        ("seller@example.uz", false),
        ("buyer@example.uz", false),
    ] {
        let about: Vec<_> = mails_to(&app, email)
            .into_iter()
            .filter(|(s, _)| s.starts_with("Запрос на аренду"))
            .collect();
        assert_eq!(about.len(), usize::from(told), "{email}: {about:?}");
        if told {
            assert!(about[0].1.contains(&format!("/requests/{id}")), "{}", about[0].1);
        }
    }
    run_job(&app);
    assert_eq!(
        count(&app, "SELECT count(*) FROM outbox WHERE subject LIKE 'Запрос на аренду%'"),
        2
    );
    // "Запросы для вас" lists it for matching owners only
    assert_eq!(
        near.get("/my/requests").html().attrs("#for-you [data-request-id]", "data-request-id"),
        [id.to_string()]
    );
    assert!(
        kz.get("/my/requests")
            .html()
            .attrs("#for-you [data-request-id]", "data-request-id")
            .is_empty()
    );

    // an owner with a matching ad quotes: the thread about their ad opens with the quote
    let page = near.get(&path);
    assert_eq!(page.count("#quote-form"), 1, "the quote form is offered");
    let r = near.post(&format!("{path}/quote"), &quote_form());
    assert_eq!(r.status, 303, "{}", r.body);
    let thread_path = r.header("location").expect("to the chat").to_owned();
    assert!(thread_path.starts_with("/chats/"));
    let (thread_ad, thread_buyer): (i64, i64) = app
        .db()
        .query_row(
            "SELECT ad_id, buyer_id FROM chat_threads WHERE id = ?1",
            [thread_path.trim_start_matches("/chats/").parse::<i64>().expect("thread id")],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("thread");
    assert_eq!((thread_ad, thread_buyer), (near_ad, buyer_id));
    let chat = buyer.get(&thread_path);
    assert_eq!(chat.status, 200);
    assert!(
        chat.body.contains("450\u{2009}000 сум за день") && chat.body.contains("с 5 по 8 мая"),
        "the quote is the first message"
    );
    // one quote per owner; only owners of a matching rent ad; never on one's own request
    let again = near.post(&format!("{path}/quote"), &quote_form());
    assert_eq!(again.status, 422);
    assert!(again.body.contains("уже отправили предложение"));
    kz.get(&path);
    let r = kz.post(&format!("{path}/quote"), &quote_form());
    assert_eq!(r.status, 403);
    assert!(r.body.contains("только владельцы активного объявления аренды"));
    buyer.get(&path);
    let r = buyer.post(&format!("{path}/quote"), &quote_form());
    assert_eq!(r.status, 422);
    assert!(r.body.contains("собственный запрос"));
    // a bad quote re-renders its form with the errors
    far.get(&path);
    let r = far.post(
        &format!("{path}/quote"),
        &[("price", "дёшево"), ("currency", "UZS"), ("unit", "week")],
    );
    assert_eq!(r.status, 422);
    assert_eq!(r.select("#quote-form .field-error").len(), 3);
    assert_eq!(count(&app, "SELECT count(*) FROM rental_quotes"), 1);
    let r = far.post(
        &format!("{path}/quote"),
        &[("price", "400000"), ("currency", "UZS"), ("unit", "day"), ("available", "весь май")],
    );
    assert_eq!(r.status, 303);

    // the buyer sees both quotes; each owner only their own; a visitor none
    let page = buyer.get(&path);
    assert_eq!(page.select(".quote").len(), 2);
    assert_eq!(page.select(".accept-btn").len(), 2);
    assert_eq!(near.get(&path).select(".quote").len(), 1);
    assert_eq!(Client::new(&app).get(&path).select(".quote").len(), 0);
    assert!(Client::new(&app).get(&path).body.contains("Войдите, чтобы предложить цену"));

    // only the requester accepts
    let quotes: Vec<i64> = page
        .html()
        .attrs(".quote", "data-quote-id")
        .iter()
        .map(|q| q.parse().expect("id"))
        .collect();
    near.get(&path);
    assert_eq!(near.post(&format!("/quotes/{}/accept", quotes[0]), &[]).status, 404);
    let r = buyer.post(&format!("/quotes/{}/accept", quotes[0]), &[]);
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some(path.as_str()));
    let status: String = app
        .db()
        .query_row("SELECT status FROM rental_requests WHERE id = ?1", [id], |r| r.get(0))
        .expect("status");
    assert_eq!(status, "accepted");
    let marks: Vec<String> = {
        let db = app.db();
        let mut s = db.prepare("SELECT status FROM rental_quotes ORDER BY id").expect("q");
        s.query_map([], |r| r.get(0)).expect("rows").collect::<Result<_, _>>().expect("marks")
    };
    assert_eq!(marks, ["accepted", "declined"]);
    assert!(buyer.get(&path).body.contains("Исполнитель выбран"));
    // both owners are told: a notice in their thread and a mail
    app.drain();
    assert!(near.get(&thread_path).body.contains("Заказчик принял ваше предложение"));
    assert!(
        mails_to(&app, "near@example.uz")
            .iter()
            .any(|(s, _)| s.starts_with("Ваше предложение приняли"))
    );
    assert!(mails_to(&app, "far@example.uz").iter().any(|(s, _)| s.starts_with("Запрос закрыт")));
    let far_thread: i64 = app
        .db()
        .query_row("SELECT thread_id FROM rental_quotes WHERE owner_id = ?1", [far_id], |r| {
            r.get(0)
        })
        .expect("far thread");
    assert!(far.get(&format!("/chats/{far_thread}")).body.contains("без вашего предложения"));
    // a closed request takes no more quotes, and its choice is made once
    assert_eq!(buyer.post(&format!("/quotes/{}/accept", quotes[1]), &[]).status, 422);
    let (late, late_id) = person(&app, "Опоздавший", "late@example.uz");
    ad(&app, late_id, "rent", "uz", "Ташкент");
    late.get(&path);
    let r = late.post(&format!("{path}/quote"), &quote_form());
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Запрос уже закрыт"));
    assert!(
        Client::new(&app)
            .get("/requests")
            .html()
            .attrs("[data-request-id]", "data-request-id")
            .is_empty()
    );
}

#[test]
fn limits_bad_input_expiry_and_other_users() {
    let app = spawn_app();
    let (buyer, _) = person(&app, "Бекзод", "buyer@example.uz");
    let (other, other_id) = person(&app, "Другой", "other@example.uz");
    ad(&app, other_id, "rent", "uz", "Ташкент");

    // every bad field is named and nothing is written
    let today = day_in(0);
    for (field, value, says) in [
        ("equipment_type", "луноход", "Выберите"),
        ("country", "fr", "Выберите страну"),
        ("city", "", "Заполните"),
        ("start_date", "2020-01-01", "в прошлом"),
        ("start_date", "31.12.2030", ""),
        ("days", "0", "от 1 до 365"),
        ("budget", "много", "Целое число"),
        ("body", "", "Заполните"),
        ("phone", "позвоните мне", "Телефон: цифры"),
    ] {
        let mut form = request_form(&day_in(5));
        form.iter_mut().filter(|(k, _)| *k == field).for_each(|(_, v)| *v = value.into());
        let r = post_request(&buyer, &form);
        assert_eq!(r.status, 422, "{field}={value}");
        let errors = r.select(".field-error");
        assert_eq!(errors.len(), 1, "{field}={value}: one error");
        assert_eq!(errors[0].attr("data-field"), Some(field), "{field}={value}");
        assert!(errors[0].text.contains(says), "{field}={value} says «{says}»: {}", errors[0].text);
        assert_eq!(
            r.html().attrs("input[name=city]", "value"),
            [if field == "city" { value } else { "Ташкент" }]
        );
    }
    let long = "я".repeat(1001);
    let mut form = request_form(&today);
    form.iter_mut().filter(|(k, _)| *k == "body").for_each(|(_, v)| *v = long.clone());
    assert_eq!(post_request(&buyer, &form).status, 422);
    assert_eq!(count(&app, "SELECT count(*) FROM rental_requests"), 0);

    // five open at most; closing one makes room
    let mut ids = Vec::new();
    for _ in 0..5 {
        let r = post_request(&buyer, &request_form(&today));
        assert_eq!(r.status, 303, "{}", r.body);
        ids.push(r.header("location").expect("location").to_owned());
    }
    let r = post_request(&buyer, &request_form(&today));
    assert_eq!(r.status, 422);
    assert!(r.body.contains("не больше 5 запросов"));
    assert_eq!(count(&app, "SELECT count(*) FROM rental_requests"), 5);
    // someone else's request is not theirs to close or delete
    other.get(&ids[0]);
    assert_eq!(other.post(&format!("{}/close", ids[0]), &[]).status, 403);
    assert_eq!(other.post(&format!("{}/delete", ids[0]), &[]).status, 403);
    assert_eq!(count(&app, "SELECT count(*) FROM rental_requests WHERE status = 'open'"), 5);
    buyer.get(&ids[0]);
    assert_eq!(buyer.post(&format!("{}/close", ids[0]), &[]).status, 303);
    assert!(buyer.get(&ids[0]).body.contains("Закрыт"));
    assert_eq!(post_request(&buyer, &request_form(&today)).status, 303);
    assert_eq!(buyer.post(&format!("{}/delete", ids[1]), &[]).status, 303);
    assert_eq!(buyer.get(&ids[1]).status, 404);
    assert!(buyer.get("/my/requests").body.contains("Запрос удалён"));

    // a request past its start date is no longer listed or quoted, and the job closes it
    let expired = &ids[2];
    let expired_id: i64 = expired.trim_start_matches("/requests/").parse().expect("id");
    app.db()
        .execute(
            "UPDATE rental_requests SET start_date = ?2 WHERE id = ?1",
            (expired_id, day_in(-1)),
        )
        .expect("expire");
    let listed =
        Client::new(&app).get("/requests").html().attrs("[data-request-id]", "data-request-id");
    assert!(!listed.contains(&expired_id.to_string()));
    other.get(expired);
    assert_eq!(other.post(&format!("{expired}/quote"), &quote_form()).status, 422);
    run_job(&app);
    let status: String = app
        .db()
        .query_row("SELECT status FROM rental_requests WHERE id = ?1", [expired_id], |r| r.get(0))
        .expect("status");
    assert_eq!(status, "closed");

    // anonymous visitors are sent to sign in; bad filters and ids are clear
    let anon = Client::new(&app);
    let r = anon.get("/requests/new");
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/login?next=%2Frequests%2Fnew"));
    anon.get("/requests");
    assert_eq!(anon.post("/requests/new", &[("equipment_type", "кран")]).status, 403);
    assert_eq!(anon.get("/requests?type=%D0%BB%D1%83%D0%BD%D0%BE%D1%85%D0%BE%D0%B4").status, 400);
    assert_eq!(anon.get("/requests?country=fr").status, 400);
    assert_eq!(anon.get("/requests?page=0").status, 400);
    assert_eq!(anon.get("/requests/999999").status, 404);
    assert_eq!(anon.get("/requests/abc").status, 404);
    assert_eq!(buyer.post("/quotes/999999/accept", &[]).status, 404);
}
