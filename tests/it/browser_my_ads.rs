//! Headless Chromium: a carrier posts freight (the phone comes from their profile), then
//! unpublishes, publishes again, edits and deletes it from "Мои объявления".

use crate::support::browser::{Browser, should_run};
use crate::support::build;
use crate::support::pages::{full_page_shot, no_console_errors, shots_dir, signed_in, wait_text};
use crate::support::spawn_app;

fn set_value(b: &Browser, css: &str, value: &str) {
    b.eval_with(
        "const s = document.querySelector(arguments[0]); s.value = arguments[1]; return s.value;",
        &[serde_json::json!(css), serde_json::json!(value)],
    )
    .expect(css);
}

const ROW: &str = "article[data-freight-id]";

#[test]
fn freight_is_posted_and_managed_from_my_ads() {
    if !should_run() {
        return;
    }
    let app = spawn_app();
    let user = build::user(&app.db(), "Логист", None);
    app.db()
        .execute("UPDATE users SET phone = '+7 701 555 44 33' WHERE id = ?1", [user])
        .expect("phone");
    let [b] = signed_in(&app, [user], 1280, 900);

    b.goto(&app.url("/logistics/new")).expect("form");
    let phone = b.prop("#f-phone", "value").expect("phone");
    assert_eq!(phone.as_str(), Some("+7 701 555 44 33"), "the profile's phone");
    set_value(&b, "#f-kind", "cargo");
    b.type_into("#f-title", "Металлоконструкции 20 т").expect("title");
    set_value(&b, "#f-from_country", "kz");
    b.type_into("#f-from_city", "Алматы").expect("from");
    set_value(&b, "#f-to_country", "uz");
    b.type_into("#f-to_city", "Ташкент").expect("to");
    set_value(&b, "#f-ship_date", "2026-12-05");
    set_value(&b, "#f-body_type", "тент");
    b.type_into("#f-price", "1200").expect("price");
    set_value(&b, "#f-currency", "USD");
    b.click("#freight-form button[type=submit]").expect("post");
    wait_text(&b, ".flash", "опубликовано");

    b.goto(&app.url("/my/ads")).expect("my ads");
    wait_text(&b, &format!("{ROW} .status"), "Опубликовано");
    wait_text(&b, ROW, "Алматы, Казахстан → Ташкент, Узбекистан");
    let dir = shots_dir();
    std::fs::create_dir_all(&dir).expect("shots dir");
    full_page_shot(&b, &dir.join("my-ads-freight.png"), (1280, 900));

    b.click(&format!("{ROW} form[action$='/deactivate'] button")).expect("unpublish");
    wait_text(&b, ".flash", "снято с публикации");
    wait_text(&b, &format!("{ROW} .status"), "Снято с публикации");
    assert_eq!(app.get("/logistics").count("[data-freight-id]"), 0, "gone from the listing");

    b.click(&format!("{ROW} form[action$='/activate'] button")).expect("publish");
    wait_text(&b, ".flash", "снова опубликовано");
    wait_text(&b, &format!("{ROW} .status"), "Опубликовано");
    assert_eq!(app.get("/logistics").count("[data-freight-id]"), 1);

    b.click(&format!("{ROW} a[href$='/edit']")).expect("edit");
    wait_text(&b, "h1", "Изменить заявку");
    b.clear("#f-title").expect("clear");
    b.type_into("#f-title", "Металлоконструкции 18 т").expect("title");
    b.click("#freight-form button[type=submit]").expect("save");
    wait_text(&b, ".flash", "Изменения сохранены");
    b.goto(&app.url("/my/ads")).expect("my ads");
    wait_text(&b, &format!("{ROW} h2"), "Металлоконструкции 18 т");

    // the delete button asks first (app.js): yes
    b.eval("window.confirm = () => true; return true;").expect("confirm: yes");
    b.click(&format!("{ROW} form[action$='/delete'] button")).expect("delete");
    wait_text(&b, ".flash", "удалено");
    assert_eq!(b.count_now(ROW).expect("rows"), 0);
    no_console_errors(&b, "carrier");
}
