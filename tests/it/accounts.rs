//! Accounts and the security baseline: sign-up, sign-in, CSRF, sessions, lockout, tokens,
//! password changes, profile, avatar, deletion, export, staff.

use std::process::Command;

use crate::support::build::{Ad, user};
use crate::support::client::Client;
use crate::support::{TestApp, spawn_app};

const PW: &str = "ковш и стрела 2024";

fn users(app: &TestApp) -> i64 {
    app.db().query_row("SELECT count(*) FROM users", [], |r| r.get(0)).expect("count")
}

fn outbox(app: &TestApp, to: &str) -> Vec<String> {
    let db = app.db();
    let mut stmt = db.prepare("SELECT body FROM outbox WHERE to_addr = ?1 ORDER BY id").expect("q");
    stmt.query_map([to], |r| r.get(0)).expect("rows").collect::<Result<_, _>>().expect("bodies")
}

fn link_path(body: &str, marker: &str) -> String {
    let start = body.find(marker).expect("link in mail");
    let link = body[start..].split_whitespace().next().expect("link");
    link.to_owned()
}

#[test]
fn individual_sign_up_signs_in_and_mails_a_verification_link() {
    let app = spawn_app();
    let c = Client::new(&app);
    c.get("/signup");
    let r = c.post(
        "/signup",
        &[
            ("account_type", "individual"),
            ("name", "Азамат"),
            ("email", "Azamat@Example.kz"),
            ("password", PW),
            ("phone", "+7 701 123 45 67"),
            ("city", "Алматы"),
        ],
    );
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/account"));
    let cookie = r
        .header_all("set-cookie")
        .into_iter()
        .find(|c| c.starts_with("uzmat_session="))
        .expect("session cookie")
        .to_owned();
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax")
            && !cookie.contains("Secure"),
        "{cookie}"
    );
    let token = c.session().expect("token");
    assert!(token.len() >= 43, "256-bit id");
    let stored: String =
        app.db().query_row("SELECT id FROM sessions", [], |r| r.get(0)).expect("session row");
    assert_ne!(stored, token, "the database holds a hash, not the cookie's token");

    let account = c.get("/account");
    assert_eq!(account.status, 200);
    assert!(account.body.contains("Азамат") && account.body.contains("Подтвердите e-mail"));
    app.drain();
    let mail = outbox(&app, "azamat@example.kz");
    assert_eq!(mail.len(), 1);
    // delivered as an .eml file, no mail server needed
    let eml = std::fs::read_dir(app.dir.path().join("mail")).expect("mail dir").count();
    assert_eq!(eml, 1);
    let verify = link_path(&mail[0], "http://");
    let path = verify.trim_start_matches(&app.url(""));
    let r = c.get(path);
    assert_eq!(r.status, 303);
    assert!(c.get("/account").body.contains("e-mail подтверждён"));
    assert_eq!(c.get(path).status, 410, "a verification link works once");
}

#[test]
fn invalid_sign_up_rerenders_with_field_errors_and_changes_nothing() {
    let app = spawn_app();
    let c = Client::new(&app);
    c.get("/signup?type=company");
    let before = users(&app);
    let r = c.post(
        "/signup",
        &[
            ("account_type", "company"),
            ("name", "Иван"),
            ("email", "not-an-email"),
            ("password", "qwerty123"),
            ("country", "kz"),
            ("tax_id", "12"),
            ("company_name", "ТОО «Ковш»"),
        ],
    );
    assert_eq!(r.status, 422);
    let errors: Vec<String> =
        r.select(".field-error, [role=alert]").into_iter().map(|e| e.text).collect();
    for expected in ["Введите e-mail", "слишком распространён", "ИНН/БИН", "Заполните это поле"]
    {
        assert!(errors.iter().any(|e| e.contains(expected)), "missing «{expected}»: {errors:?}");
    }
    let kept = r.html().attrs("input[name=company_name]", "value");
    assert_eq!(kept, ["ТОО «Ковш»"], "typed values kept");
    assert!(!r.body.contains("qwerty123"), "passwords are never echoed");
    assert_eq!(users(&app), before);
}

#[test]
fn company_sign_up_stores_its_details_and_emails_are_unique_ignoring_case() {
    let app = spawn_app();
    let c = Client::new(&app);
    c.get("/signup?type=company");
    let r = c.post(
        "/signup",
        &[
            ("account_type", "company"),
            ("name", "Ерлан"),
            ("email", "info@kovsh.kz"),
            ("password", PW),
            ("country", "kz"),
            ("company_name", "ТОО «Ковш»"),
            ("tax_id", "123456789012"),
            ("director", "Ерлан Ахметов"),
            ("company_phone", "+7 727 000 00 00"),
            ("company_email", "office@kovsh.kz"),
            ("address", "Алматы, ул. Абая 1"),
            ("legal_address", "Алматы, ул. Абая 1"),
            ("website", "https://kovsh.kz"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let (kind, tax): (String, String) = app
        .db()
        .query_row(
            "SELECT account_type, tax_id FROM users WHERE email = 'info@kovsh.kz'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("row");
    assert_eq!((kind.as_str(), tax.as_str()), ("company", "123456789012"));

    let other = Client::new(&app);
    other.get("/signup");
    let r =
        other.post("/signup", &[("name", "Другой"), ("email", "INFO@Kovsh.kz"), ("password", PW)]);
    assert_eq!(r.status, 422);
    assert!(r.one(".field-error[data-field=email]").text.contains("уже зарегистрирован"));
    // the rule lives in the database, not only in the handler
    let direct = app.db().execute(
        "INSERT INTO users (email, name, created_at) VALUES ('Info@KOVSH.kz', 'x', 0)",
        [],
    );
    assert!(direct.is_err());
}

#[test]
fn csrf_missing_wrong_or_cross_origin_is_403_and_changes_nothing() {
    let app = spawn_app();
    let c = Client::new(&app);
    c.get("/signup");
    let before = users(&app);
    let form = [("name", "Иван"), ("email", "ivan@example.kz"), ("password", PW)];
    assert_eq!(c.post_raw("/signup", &form, &[]).status, 403, "missing token");
    let mut wrong = form.to_vec();
    wrong.push(("csrf_token", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
    assert_eq!(c.post_raw("/signup", &wrong, &[]).status, 403, "wrong token");
    // a token from another visitor is worthless here
    let other = Client::new(&app);
    other.get("/signup");
    let mut foreign = form.to_vec();
    let other_token = other.csrf();
    foreign.push(("csrf_token", &other_token));
    assert_eq!(c.post_raw("/signup", &foreign, &[]).status, 403, "another visitor's token");
    let mut good = form.to_vec();
    let token = c.csrf();
    good.push(("csrf_token", &token));
    assert_eq!(
        c.post_raw("/signup", &good, &[("origin", "https://evil.example")]).status,
        403,
        "cross-origin"
    );
    assert_eq!(users(&app), before);
    assert_eq!(c.post_raw("/signup", &good, &[]).status, 303, "the right token works");
}

#[test]
fn login_issues_a_new_session_id_and_logout_is_post_only() {
    let app = spawn_app();
    let c = Client::new(&app);
    c.sign_up("Ivan", "ivan@example.kz", PW);
    let first = c.session().expect("session");
    assert_eq!(c.get("/logout").status, 405, "no sign-out by GET");
    c.get("/");
    assert_eq!(c.post("/logout", &[]).status, 303);
    assert!(c.session().is_none());
    assert!(c.get("/account").header("location").is_some_and(|l| l.starts_with("/login")));

    // fixation: a session id planted before sign-in is replaced
    let planted = Client::new(&app);
    planted.cookies.borrow_mut().insert("uzmat_session".into(), first.clone());
    let r = planted.sign_in("IVAN@example.kz", PW);
    assert_eq!(r.status, 303);
    let second = planted.session().expect("new session");
    assert_ne!(first, second);
    let live: i64 =
        app.db().query_row("SELECT count(*) FROM sessions", [], |r| r.get(0)).expect("n");
    assert_eq!(live, 1, "signed-out and planted sessions are gone");
}

#[test]
fn five_failures_lock_that_account_and_ip_for_five_minutes() {
    let app = spawn_app();
    let owner = Client::new(&app);
    owner.sign_up("Ivan", "ivan@example.kz", PW);
    let attacker = Client::from_ip(&app, "203.0.113.9");
    for _ in 0..5 {
        let r = attacker.sign_in("ivan@example.kz", "wrong password 1");
        assert_eq!(r.status, 422);
        assert!(r.one("[role=alert]").text.contains("Неверный e-mail или пароль"));
    }
    let r = attacker.sign_in("ivan@example.kz", PW);
    assert_eq!(r.status, 429, "locked even with the right password");
    assert!(r.one("[role=alert]").text.contains("Подождите 5 минут"));
    assert!(attacker.session().is_none());
    let elsewhere = Client::from_ip(&app, "198.51.100.7");
    assert_eq!(elsewhere.sign_in("ivan@example.kz", PW).status, 303, "another IP is not locked");
}

#[test]
fn unknown_email_and_wrong_password_read_the_same() {
    let app = spawn_app();
    Client::new(&app).sign_up("Ivan", "ivan@example.kz", PW);
    let a = Client::from_ip(&app, "192.0.2.1").sign_in("ivan@example.kz", "not the password");
    let b = Client::from_ip(&app, "192.0.2.2").sign_in("nobody@example.kz", "not the password");
    assert_eq!(a.status, b.status);
    let msg = |r: &crate::support::Resp| r.html().first("[role=alert]").map(|e| e.text);
    assert_eq!(msg(&a), msg(&b));
    assert!(msg(&a).is_some());
}

#[test]
fn password_reset_tokens_are_single_use_expiring_and_tamper_proof() {
    let app = spawn_app();
    let owner = Client::new(&app);
    owner.sign_up("Ivan", "ivan@example.kz", PW);
    let stranger = Client::new(&app);
    stranger.get("/password/forgot");
    let known = stranger.post("/password/forgot", &[("email", "ivan@example.kz")]);
    stranger.get("/password/forgot");
    let unknown = stranger.post("/password/forgot", &[("email", "nobody@example.kz")]);
    assert_eq!(known.status, 200);
    assert_eq!(known.count("#reset-sent"), 1);
    assert_eq!(known.one("main").text, unknown.one("main").text, "no enumeration");
    app.drain();
    assert!(outbox(&app, "nobody@example.kz").is_empty());
    let mail = outbox(&app, "ivan@example.kz");
    let link = link_path(mail.last().expect("reset mail"), "http://");
    let path = link.trim_start_matches(&app.url("")).to_owned();
    let token = path.rsplit('/').next().expect("token").to_owned();

    let mut tampered = token.clone();
    tampered.replace_range(..1, if tampered.starts_with('A') { "B" } else { "A" });
    let r = stranger.get(&format!("/password/reset/{tampered}"));
    assert!(r.one("#error-message").text.contains("недействительна"));

    assert_eq!(stranger.get(&path).status, 200);
    let r = stranger.post(&path, &[("password", "новый пароль для крана")]);
    assert_eq!(r.status, 303);
    assert!(stranger.session().is_some(), "signed in after the reset");
    assert!(
        owner.get("/account").header("location").is_some(),
        "the reset ended the other session"
    );
    let again = stranger.get(&path);
    assert_eq!(again.status, 410);
    assert!(again.one("#error-message").text.contains("уже использована"));
    assert_eq!(Client::new(&app).sign_in("ivan@example.kz", "новый пароль для крана").status, 303);

    // an expired token
    stranger.get("/password/forgot");
    stranger.post("/password/forgot", &[("email", "ivan@example.kz")]);
    app.db()
        .execute("UPDATE auth_tokens SET expires_at = 0 WHERE used_at IS NULL", [])
        .expect("expire");
    app.drain();
    let mail = outbox(&app, "ivan@example.kz");
    let expired = link_path(mail.last().expect("mail"), "http://")
        .trim_start_matches(&app.url(""))
        .to_owned();
    let r = stranger.get(&expired);
    assert_eq!(r.status, 410);
    assert!(r.one("#error-message").text.contains("истёк"));
}

#[test]
fn changing_the_password_ends_every_other_session() {
    let app = spawn_app();
    let laptop = Client::new(&app);
    laptop.sign_up("Ivan", "ivan@example.kz", PW);
    let phone = Client::new(&app);
    assert_eq!(phone.sign_in("ivan@example.kz", PW).status, 303);
    laptop.get("/account/password");
    let wrong = laptop.post(
        "/account/password",
        &[("current_password", "nope nope nope"), ("password", "another good password")],
    );
    assert_eq!(wrong.status, 422);
    let r = laptop.post(
        "/account/password",
        &[("current_password", PW), ("password", "another good password")],
    );
    assert_eq!(r.status, 303);
    assert_eq!(laptop.get("/account").status, 200, "this session stays");
    assert!(
        phone.get("/account").header("location").is_some_and(|l| l.starts_with("/login")),
        "others end"
    );
    assert_eq!(Client::new(&app).sign_in("ivan@example.kz", "another good password").status, 303);
}

#[test]
fn profile_and_avatar_are_validated_and_the_avatar_is_reencoded() {
    let app = spawn_app();
    let c = Client::new(&app);
    c.sign_up("Ivan", "ivan@example.kz", PW);
    let bad = c.post("/account", &[("name", ""), ("phone", "call me")]);
    assert_eq!(bad.status, 422);
    let error = |field: &str| bad.one(&format!(".field-error[data-field={field}]")).text;
    assert!(error("name").contains("Заполните это поле"), "{}", error("name"));
    assert!(error("phone").contains("Телефон:"), "{}", error("phone"));
    c.get("/account");
    assert_eq!(
        c.post(
            "/account",
            &[
                ("name", "Иван Петров"),
                ("phone", "+998 90 123 45 67"),
                ("country", "uz"),
                ("city", "Ташкент")
            ]
        )
        .status,
        303
    );
    assert!(c.get("/account").body.contains("Иван Петров"));

    // a JPEG with an EXIF block (camera GPS etc.)
    let img = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 3, y as u8 * 4, 120]));
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new(&mut jpeg).encode_image(&img).expect("jpeg");
    let exif = b"Exif\0\0MM\0*\0\0\0\x08\0\0GPS-SECRET-LOCATION";
    let mut with_exif = vec![0xFF, 0xD8, 0xFF, 0xE1];
    with_exif.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
    with_exif.extend_from_slice(exif);
    with_exif.extend_from_slice(&jpeg[2..]);
    c.get("/account");
    let r = c.post_file("/account/avatar", "avatar", "me.jpg", "image/jpeg", &with_exif);
    assert_eq!(r.status, 303, "{}", r.body);
    let path: String = app
        .db()
        .query_row("SELECT avatar_path FROM users WHERE email = 'ivan@example.kz'", [], |r| {
            r.get(0)
        })
        .expect("avatar");
    let stored = std::fs::read(app.dir.path().join("uploads").join(&path)).expect("file");
    assert!(!stored.windows(4).any(|w| w == b"Exif"), "EXIF stripped");
    assert!(
        !stored.windows(10).any(|w| w == b"GPS-SECRET"),
        "nothing of the original metadata left"
    );
    let served = app.get(&format!("/media/{path}"));
    assert_eq!(served.header("content-type"), Some("image/jpeg"));
    assert_eq!(served.header("x-content-type-options"), Some("nosniff"));

    for (name, ctype, bytes) in [
        ("evil.jpg", "image/jpeg", b"<html><script>alert(1)</script></html>".to_vec()),
        (
            "logo.svg",
            "image/svg+xml",
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>".to_vec(),
        ),
        ("half.jpg", "image/jpeg", jpeg[..jpeg.len() / 3].to_vec()),
    ] {
        c.get("/account");
        let r = c.post_file("/account/avatar", "avatar", name, ctype, &bytes);
        assert_eq!(r.status, 422, "{name}");
        let why = r.one("[role=alert]").text;
        assert!(why.contains("не похож на фотографию"), "{name}: {why}");
    }
    let after: String = app
        .db()
        .query_row("SELECT avatar_path FROM users WHERE email = 'ivan@example.kz'", [], |r| {
            r.get(0)
        })
        .expect("avatar");
    assert_eq!(after, path, "refused uploads change nothing");
}

#[test]
fn deleting_the_account_hides_ads_erases_data_and_keeps_chats() {
    let app = spawn_app();
    let c = Client::new(&app);
    c.sign_up("Ivan", "ivan@example.kz", PW);
    let db = app.db();
    let me: i64 = db
        .query_row("SELECT id FROM users WHERE email = 'ivan@example.kz'", [], |r| r.get(0))
        .expect("id");
    let buyer = user(&db, "Buyer", None);
    let ad = Ad::new(me, "Мой кран", 10).insert(&db);
    db.execute("INSERT INTO chat_threads (ad_id, buyer_id, seller_id, created_at, last_message_at) VALUES (?1, ?2, ?3, 0, 0)", (ad, buyer, me)).expect("thread");
    db.execute("INSERT INTO chat_messages (thread_id, sender_id, body, created_at) VALUES (last_insert_rowid(), ?1, 'Здравствуйте', 0)", [buyer]).expect("msg");
    std::fs::create_dir_all(app.dir.path().join("uploads/photos")).expect("dir");
    std::fs::write(app.dir.path().join("uploads/photos/mine.jpg"), b"x").expect("file");
    db.execute("INSERT INTO ad_photos (ad_id, position, path, width, height) VALUES (?1, 0, 'photos/mine.jpg', 1, 1)", [ad]).expect("photo");
    db.execute(
        "INSERT INTO freight_ads (owner_id, kind, title, from_country, from_city, to_country, to_city, from_city_key, to_city_key,
            ship_date, body_type, currency, phone, created_at) VALUES (?1, 'truck', 'Тент', 'kz', 'Алматы', 'uz', 'Ташкент',
            'алматы', 'ташкент', '2026-12-01', 'тент', 'KZT', '+7 701 000 00 00', 0)",
        [me],
    )
    .expect("freight");

    c.get("/account");
    assert_eq!(c.post("/account/delete", &[("password", "wrong wrong wrong")]).status, 422);
    c.get("/account");
    let export = c.get("/account/export");
    assert_eq!(export.status, 200);
    let json: serde_json::Value = serde_json::from_str(&export.body).expect("json");
    assert_eq!(json["user"]["email"], "ivan@example.kz");
    assert_eq!(json["ads"][0]["title"], "Мой кран");
    assert!(json["chat_messages"].as_array().is_some_and(|m| m.len() == 1));
    assert!(!export.body.contains("argon2"), "no password hash in the export");

    let r = c.post("/account/delete", &[("password", PW)]);
    assert_eq!(r.status, 303);
    let (email, name, deleted): (String, String, Option<i64>) = db
        .query_row("SELECT email, name, deleted_at FROM users WHERE id = ?1", [me], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .expect("row");
    assert!(!email.contains("ivan") && name.is_empty() && deleted.is_some());
    assert_eq!(app.get(&format!("/ad/{ad}-ad-{ad}")).status, 404, "ads leave public view");
    assert_eq!(app.get("/logistics").count("[data-freight-id]"), 0, "freight listings too");
    app.drain();
    assert!(!app.dir.path().join("uploads/photos/mine.jpg").exists(), "photos erased");
    let msgs: i64 =
        db.query_row("SELECT count(*) FROM chat_messages", [], |r| r.get(0)).expect("n");
    assert_eq!(msgs, 1, "the buyer keeps the conversation");
    assert_eq!(c.get("/account").status, 303, "signed out");
    assert_eq!(Client::new(&app).sign_in("ivan@example.kz", PW).status, 422);
}

#[test]
fn create_staff_prints_a_set_password_link_and_staff_see_the_dashboard() {
    let app = spawn_app();
    let config = app.dir.path().join("uzmat.toml");
    std::fs::write(&config, format!("[server]\ndata_dir = \"{}\"\n", app.dir.path().display()))
        .expect("config");
    let out = Command::new(env!("CARGO_BIN_EXE_uzmat"))
        .args([
            "--config",
            config.to_str().expect("utf8"),
            "admin",
            "create-staff",
            "--email",
            "mod@uzmat.kz",
        ])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let path = stdout.split("http://127.0.0.1:8080").nth(1).expect("link").trim().to_owned();
    let staff = Client::new(&app);
    staff.get(&path);
    assert_eq!(staff.post(&path, &[("password", "модератор на смене")]).status, 303);
    let admin = staff.get("/admin");
    assert_eq!(admin.status, 200);
    assert_eq!(admin.count("tr[data-kind=view]"), 1, "the job kinds' table");
    let plain = Client::new(&app);
    plain.sign_up("Ivan", "ivan@example.kz", PW);
    assert_eq!(plain.get("/admin").status, 404, "the console is not told to exist");
}

#[test]
fn sign_in_returns_to_the_page_the_user_came_from_same_site_only() {
    let app = spawn_app();
    Client::new(&app).sign_up("Ivan", "ivan@example.kz", PW);
    let c = Client::new(&app);
    let r = c.get("/account/export");
    assert_eq!(r.header("location"), Some("/login?next=%2Faccount%2Fexport"));
    c.get("/login?next=%2Fcatalog%3Fkind%3Drent");
    let r = c.post(
        "/login",
        &[("email", "ivan@example.kz"), ("password", PW), ("next", "/catalog?kind=rent")],
    );
    assert_eq!(r.header("location"), Some("/catalog?kind=rent"));
    let evil = Client::new(&app);
    evil.get("/login");
    let r = evil.post(
        "/login",
        &[("email", "ivan@example.kz"), ("password", PW), ("next", "//evil.example/x")],
    );
    assert_eq!(r.header("location"), Some("/"));
}

#[test]
fn sessions_slide_at_most_hourly_through_a_job_and_expire() {
    let app = spawn_app();
    let c = Client::new(&app);
    c.sign_up("Ivan", "ivan@example.kz", PW);
    let db = app.db();
    let expiry = || -> i64 {
        db.query_row("SELECT expires_at FROM sessions", [], |r| r.get(0)).expect("expiry")
    };
    let fresh = expiry();
    c.get("/");
    app.drain();
    assert_eq!(expiry(), fresh, "used within the hour: no write");
    db.execute(
        "UPDATE sessions SET last_seen_at = last_seen_at - 7200, expires_at = expires_at - 7200",
        [],
    )
    .expect("age");
    c.get("/");
    app.drain();
    assert!(expiry() >= fresh, "extended by the touch job");
    db.execute("UPDATE sessions SET expires_at = 1", []).expect("expire");
    assert!(c.get("/account").header("location").is_some(), "an expired session signs nobody in");
    app.state.jobs.enqueue(uzmat::jobs::Job::SweepSessions);
    app.drain();
    let left: i64 = db.query_row("SELECT count(*) FROM sessions", [], |r| r.get(0)).expect("n");
    assert_eq!(left, 0, "swept");
}

#[test]
fn emails_are_one_spelling_whatever_the_case_cyrillic_included() {
    let app = spawn_app();
    Client::new(&app).sign_up("Иван", "ИВАН@Почта.РФ", PW);
    assert_eq!(Client::new(&app).sign_in("иван@почта.рф", PW).status, 303);
    let other = Client::new(&app);
    other.get("/signup");
    let r =
        other.post("/signup", &[("name", "Двойник"), ("email", "Иван@почта.рф"), ("password", PW)]);
    assert_eq!(r.status, 422, "the same address in another case is taken");
}
