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
