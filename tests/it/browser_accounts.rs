//! Headless Chromium: a company signs up, confirms its e-mail from the outbox, signs out and in,
//! changes its password and signs in with the new one.

use crate::support::browser::{Browser, should_run};
use crate::support::spawn_app;

/// Waits (up to 5 s) until the element's text contains `needle`: clicks that submit a form
/// return before the next page is there.
fn wait_text(b: &Browser, css: &str, needle: &str) {
    for _ in 0..100 {
        if b.count_now(css).unwrap_or(0) > 0
            && b.text(css).map(|t| t.contains(needle)).unwrap_or(false)
        {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("`{css}` never contained «{needle}»");
}

fn shot(name: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target/screenshots")
        .join(format!("{name}.png"))
}

#[test]
fn company_signs_up_verifies_signs_out_in_and_changes_password() {
    if !should_run() {
        return;
    }
    let app = spawn_app();
    let b = Browser::start(1280, 900).expect("browser");
    b.goto(&app.url("/")).expect("home");
    crate::support::choose_russian(&b);
    b.click("#signup-link").expect("sign-up link");
    b.click("#company-tab").expect("company tab");
    for (field, value) in [
        ("#f-name", "Ерлан Ахметов"),
        ("#f-email", "office@kovsh.kz"),
        ("#f-password", "ковш и стрела 2024"),
        ("#f-phone", "+7 701 123 45 67"),
        ("#f-city", "Алматы"),
        ("#f-company_name", "ТОО «Ковш»"),
        ("#f-tax_id", "123456789012"),
        ("#f-director", "Ерлан Ахметов"),
        ("#f-company_phone", "+7 727 000 00 00"),
        ("#f-company_email", "info@kovsh.kz"),
        ("#f-address", "Алматы, ул. Абая 1"),
        ("#f-legal_address", "Алматы, ул. Абая 1"),
    ] {
        b.type_into(field, value).expect(field);
    }
    b.eval("document.querySelector('#f-country').value = 'kz'; return true;").expect("country");
    b.screenshot(&shot("signup-company-1280")).expect("shot");
    b.click("form[action='/signup'] button[type=submit]").expect("submit");
    wait_text(&b, ".verify-banner", "Подтвердите e-mail");
    assert!(b.current_url().expect("url").ends_with("/account"));
    assert!(b.text(".user-name").expect("menu").contains("Ерлан"));

    // the confirmation mail waits in the outbox
    app.drain();
    let body: String = app
        .db()
        .query_row("SELECT body FROM outbox WHERE to_addr = 'office@kovsh.kz'", [], |r| r.get(0))
        .expect("mail");
    let link = body.split_whitespace().find(|w| w.contains("/verify-email/")).expect("link");
    b.goto(&app.url(link.trim_start_matches(&app.url("")))).expect("verify");
    wait_text(&b, ".flash", "подтверждён");
    assert_eq!(b.count_now(".verify-banner").expect("banner"), 0);

    // sign out through the menu, sign back in
    b.click(".user-menu summary").expect("menu");
    b.click("#logout").expect("logout");
    wait_text(&b, ".flash", "вышли");
    b.click("#login-link").expect("login link");
    b.type_into("#f-email", "office@kovsh.kz").expect("email");
    b.type_into("#f-password", "ковш и стрела 2024").expect("password");
    b.click("form[action='/login'] button[type=submit]").expect("sign in");
    wait_text(&b, ".flash", "Вы вошли");

    // change the password, sign out, sign in with the new one
    b.goto(&app.url("/account/password")).expect("password page");
    b.type_into("#f-current_password", "ковш и стрела 2024").expect("current");
    b.type_into("#f-password", "новый пароль для крана").expect("new");
    b.click("form[action='/account/password'] button[type=submit]").expect("change");
    wait_text(&b, ".flash", "Пароль изменён");
    b.click(".user-menu summary").expect("menu");
    b.click("#logout").expect("logout");
    b.click("#login-link").expect("login link (signed out)");
    b.type_into("#f-email", "office@kovsh.kz").expect("email");
    b.type_into("#f-password", "ковш и стрела 2024").expect("old password");
    b.click("form[action='/login'] button[type=submit]").expect("sign in");
    assert!(
        b.text(".form-error").expect("error").contains("Неверный e-mail или пароль"),
        "old password refused"
    );
    // the browser logs the deliberate 422 as a failed load: only that may be there
    let expected = b.console_errors().expect("console");
    assert!(expected.iter().all(|e| e.contains("422")), "{expected:?}");
    b.type_into("#f-email", "").expect("keep");
    b.type_into("#f-password", "новый пароль для крана").expect("new password");
    b.click("form[action='/login'] button[type=submit]").expect("sign in");
    wait_text(&b, ".flash", "Вы вошли");
    b.goto(&app.url("/account")).expect("account");
    assert!(b.text("#profile-form").is_ok());
    let errors = b.console_errors().expect("console");
    assert!(errors.is_empty(), "console errors: {errors:?}");
    b.screenshot(&shot("account-1280")).expect("shot");
}
