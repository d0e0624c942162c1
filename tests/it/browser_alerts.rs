//! Headless Chromium, issue 16: a visitor signs in from a listing's "save search" link, comes
//! back, saves the search and manages it on /my/searches (1366 px; the page also at 390 px,
//! both themes); a buyer posts a rental request, an owner quotes, the buyer accepts at 390 px.

use serde_json::json;

use crate::support::browser::{Browser, should_run};
use crate::support::build::{Ad, user};
use crate::support::client::Client;
use crate::support::pages::{SLOW, no_console_errors, shots_dir, text, wait_for, wait_text};
use crate::support::{TestApp, click_in_header, spawn_app};

const PW: &str = "ковш и стрела 2024";

fn shot(b: &Browser, name: &str) {
    let dir = shots_dir();
    std::fs::create_dir_all(&dir).expect("shots dir");
    crate::support::pages::full_page_shot(
        b,
        &dir.join(format!("alerts-{name}.png")),
        b.viewport().expect("viewport"),
    );
}

fn wait_url(b: &Browser, part: &str) {
    assert!(
        wait_for(SLOW, || b.current_url().is_ok_and(|u| u.contains(part))),
        "never reached a URL with {part:?}: {:?}",
        b.current_url()
    );
}

/// Shows the page in `theme` (the header's toggle), at the browser's current width.
fn theme(b: &Browser, theme: &str) {
    if b.attr("html", "data-theme").expect("attr").as_deref() != Some(theme) {
        click_in_header(b, "#theme-toggle");
        assert!(
            wait_for(SLOW, || b.attr("html", "data-theme").ok().flatten().as_deref()
                == Some(theme)),
            "theme {theme}"
        );
    }
}

fn russian(app: &TestApp, w: u32, h: u32) -> Browser {
    let b = Browser::start(w, h).expect("browser");
    b.goto(&app.url("/robots.txt")).expect("open the site");
    b.set_cookie("lang", "ru", false).expect("language cookie");
    b
}

#[test]
fn a_search_saved_from_the_catalog_is_managed_on_my_searches() {
    if !should_run() {
        return;
    }
    let app = spawn_app();
    Client::new(&app).sign_up("Бекзод", "bekzod@example.uz", PW);
    let db = app.db();
    let seller = user(&db, "Продавец", None);
    for title in ["Экскаватор Hitachi ZX200", "Экскаватор JCB JS220"] {
        let mut ad = Ad::new(seller, title, 10);
        ad.kind = "rent";
        ad.country = "uz";
        ad.city = "Ташкент";
        ad.currency = "UZS";
        ad.insert(&db);
    }

    let b = russian(&app, 1366, 900);
    b.goto(&app.url("/catalog?kind=rent&country=uz&type=%D1%8D%D0%BA%D1%81%D0%BA%D0%B0%D0%B2%D0%B0%D1%82%D0%BE%D1%80"))
        .expect("catalog");
    // anonymous: a sign-in link that comes back to this listing
    b.click("#save-search-login").expect("sign in to save");
    wait_url(&b, "/login?next=");
    b.type_into("#f-email", "bekzod@example.uz").expect("email");
    b.type_into("#f-password", PW).expect("password");
    b.click("form[action='/login'] button[type=submit]").expect("sign in");
    wait_url(&b, "/catalog?kind=rent");
    wait_text(&b, "#save-search-btn", "Сохранить поиск");
    shot(&b, "catalog-1366");
    b.eval_with(
        "const s = document.querySelector(arguments[0]); s.value = arguments[1]; return s.value;",
        &[json!("#save-frequency"), json!("instant")],
    )
    .expect("frequency");
    b.click("#save-search-btn").expect("save");
    wait_url(&b, "/my/searches");
    wait_text(&b, ".flash", "Поиск сохранён");
    assert_eq!(text(&b, ".saved-search h2"), "Аренда · экскаватор · Узбекистан");
    assert!(text(&b, ".saved-search .status").contains("Сразу"));
    shot(&b, "my-searches-1366-dark");
    theme(&b, "light");
    assert!(!b.has_horizontal_overflow().expect("overflow"), "1366 light");
    shot(&b, "my-searches-1366-light");

    // rename, change the frequency, pause: each a form post that comes back with a flash
    b.clear(".saved-search input[name=name]").expect("clear");
    b.type_into(".saved-search input[name=name]", "Экскаваторы в Ташкенте").expect("name");
    b.click(".saved-search form[action$='/rename'] button").expect("rename");
    wait_text(&b, ".flash", "Поиск переименован");
    assert_eq!(text(&b, ".saved-search h2"), "Экскаваторы в Ташкенте");
    b.eval("document.querySelector(\".saved-search select[name=frequency]\").value = 'daily';")
        .expect("daily");
    b.click(".saved-search form[action$='/frequency'] button").expect("frequency");
    wait_text(&b, ".flash", "Частота писем изменена");
    assert!(text(&b, ".saved-search .status").contains("Раз в день"));
    b.click(".saved-search .pause-btn").expect("pause");
    wait_text(&b, ".flash", "Поиск приостановлен");
    assert!(text(&b, ".saved-search .status").contains("На паузе"));
    assert_eq!(text(&b, ".saved-search .pause-btn"), "Возобновить");

    // the phone width, both themes: nothing wider than the screen
    b.set_window_size(390, 844).expect("phone");
    for t in ["light", "dark"] {
        theme(&b, t);
        assert!(!b.has_horizontal_overflow().expect("overflow"), "390 {t}");
        shot(&b, &format!("my-searches-390-{t}"));
    }
    // the search's link runs it
    b.click(".saved-search a.search-run").expect("run");
    wait_url(&b, "/catalog?kind=rent&country=uz");
    assert_eq!(b.count(".results [data-ad-id]").expect("cards"), 2);
    shot(&b, "catalog-390-dark");
    b.goto(&app.url("/my/searches")).expect("back");
    // deleting asks first
    b.eval("window.confirm = () => true;").expect("confirm");
    b.click(".saved-search .delete-btn").expect("delete");
    wait_text(&b, ".flash", "Поиск удалён");
    assert_eq!(b.count_now(".saved-search").expect("rows"), 0);
    assert!(text(&b, "#no-searches").contains("Сохранённых поисков пока нет"));
    no_console_errors(&b, "buyer");
}

/// Sets a form control's value as a person would (selects and date inputs).
fn set(b: &Browser, css: &str, value: &str) {
    b.eval_with(
        "const s = document.querySelector(arguments[0]); s.value = arguments[1]; \
         s.dispatchEvent(new Event('change', { bubbles: true })); return s.value;",
        &[json!(css), json!(value)],
    )
    .unwrap_or_else(|e| panic!("{css}: {e}"));
}

#[test]
fn a_request_posted_on_a_phone_is_quoted_and_accepted() {
    if !should_run() {
        return;
    }
    let app = spawn_app();
    let db = app.db();
    let buyer = user(&db, "Бекзод", None);
    let owner = Client::new(&app);
    owner.sign_up("Ташкентский", "owner@example.uz", PW);
    let owner_id: i64 = db
        .query_row("SELECT id FROM users WHERE email = 'owner@example.uz'", [], |r| r.get(0))
        .expect("owner");
    let mut ad = Ad::new(owner_id, "Экскаватор Hitachi ZX200 с оператором", 10);
    ad.kind = "rent";
    ad.country = "uz";
    ad.city = "Ташкент";
    ad.currency = "UZS";
    ad.insert(&db);

    let [b] = crate::support::pages::signed_in(&app, [buyer], 390, 844);
    b.goto(&app.url("/requests")).expect("requests");
    b.click("#new-request").expect("new request");
    wait_url(&b, "/requests/new");
    set(&b, "#f-equipment_type", "экскаватор");
    set(&b, "#f-country", "uz");
    b.type_into("#f-city", "Ташкент").expect("city");
    let start = uzmat::domain::requests::day_of(uzmat::db::now() + 7 * 86_400);
    set(&b, "#f-start_date", &start);
    b.type_into("#f-days", "3").expect("days");
    b.type_into("#f-budget", "1500000").expect("budget");
    set(&b, "#f-currency", "UZS");
    b.type_into("#f-body", "Нужен экскаватор на 3 дня: котлован под фундамент").expect("body");
    assert!(!b.has_horizontal_overflow().expect("overflow"), "the form fits 390 px");
    shot(&b, "request-form-390-dark");
    b.click("#post-request").expect("publish");
    wait_text(&b, ".flash", "Запрос опубликован");
    let path = b.current_url().expect("url");
    let path = &path[path.find("/requests/").expect("request page")..];
    assert!(text(&b, "h1").contains("Экскаватор в аренду: Ташкент"));

    // the owner hears of it and quotes over HTTP
    app.state.jobs.enqueue(uzmat::jobs::Job::RentalRequests);
    app.drain();
    owner.get(path);
    let r = owner.post(
        &format!("{path}/quote"),
        &[
            ("price", "450000"),
            ("currency", "UZS"),
            ("unit", "day"),
            ("available", "с понедельника"),
            ("note", "Оператор и доставка включены"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);

    // the buyer sees the quote on the phone, in both themes, and accepts it
    b.goto(&app.url(path)).expect("request page");
    wait_text(&b, ".quote", "450");
    for t in ["dark", "light"] {
        theme(&b, t);
        assert!(!b.has_horizontal_overflow().expect("overflow"), "390 {t}");
        shot(&b, &format!("request-390-{t}"));
    }
    b.eval("window.confirm = () => true;").expect("confirm");
    b.click(".accept-btn").expect("accept");
    wait_text(&b, ".flash", "Предложение принято");
    assert!(text(&b, ".request-status").contains("Исполнитель выбран"));
    assert!(text(&b, ".quote-status").contains("Принято"));
    shot(&b, "request-accepted-390-light");
    // the chat with the owner holds the quote and the notice
    b.click(".quote a[href^='/chats/']").expect("to the chat");
    wait_url(&b, "/chats/");
    wait_text(&b, "main", "Заказчик принял ваше предложение");
    shot(&b, "request-chat-390-light");
    no_console_errors(&b, "buyer");
}
