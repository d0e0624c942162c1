//! Moderation and the staff console against the real app: reports, hiding and review, bans,
//! pre-moderation, stop words, the append-only audit log, broadcasts and the dashboard.

use crate::ads_posting::rent_fields;
use crate::support::build::{Ad, user};
use crate::support::client::Client;
use crate::support::{TestApp, spawn_app, spawn_with};

const PW: &str = "ковш и стрела 2024";

fn staff(app: &TestApp) -> (i64, Client<'_>) {
    let db = app.db();
    let id = user(&db, "Модератор", None);
    db.execute("UPDATE users SET is_staff = 1 WHERE id = ?1", [id]).expect("staff");
    let c = Client::signed_in(app, id);
    c.get("/admin");
    (id, c)
}

fn rent_ad(app: &TestApp, owner: i64, title: &str) -> i64 {
    let mut ad = Ad::new(owner, title, 2);
    ad.kind = "rent";
    ad.insert(&app.db())
}

fn count(app: &TestApp, sql: &str) -> i64 {
    app.db().query_row(sql, [], |r| r.get(0)).expect("count")
}

#[test]
fn a_reported_ad_is_hidden_its_owner_told_why_and_it_returns_after_an_edit_and_review() {
    let app = spawn_app();
    let db = app.db();
    let owner = user(&db, "Владелец", None);
    let buyer = user(&db, "Покупатель", None);
    let ad = rent_ad(&app, owner, "Экскаватор за полцены, предоплата");
    let b = Client::signed_in(&app, buyer);
    b.get("/about");
    let r = b.post(
        &format!("/ad/{ad}/report"),
        &[("reason", "fraud"), ("comment", "просит предоплату на карту")],
    );
    assert_eq!(r.status, 303);
    assert_eq!(
        b.post(&format!("/ad/{ad}/report"), &[("reason", "fraud")]).status,
        303,
        "a second one is told, not filed"
    );
    assert_eq!(count(&app, "SELECT count(*) FROM reports"), 1);

    // staff see it in the queue, in place, and hide it with a reason
    let (staff_id, st) = staff(&app);
    let queue = st.get("/admin/reports");
    let item = queue.html().first(&format!("[data-target='ad:{ad}']")).expect("in the queue");
    assert!(
        item.text.contains("Экскаватор за полцены") && item.text.contains("просит предоплату"),
        "{}",
        item.text
    );
    let r = st.post(
        &format!("/admin/ads/{ad}/hide"),
        &[("text", "Мошенничество: предоплата на карту"), ("kind", "ad"), ("id", &ad.to_string())],
    );
    assert_eq!(r.status, 303);
    assert_eq!(
        count(&app, "SELECT count(*) FROM reports WHERE resolved_at IS NULL"),
        0,
        "resolved"
    );
    assert!(
        app.get("/catalog").html().first(&format!("[data-ad-id='{ad}']")).is_none(),
        "gone from the listing"
    );

    // the owner reads why, on the ad and in the support thread, and cannot publish it again
    let o = Client::signed_in(&app, owner);
    let page = o.get(&format!("/ad/{ad}"));
    let page = if page.status == 301 || page.status == 308 {
        o.get(page.header("location").expect("slug"))
    } else {
        page
    };
    assert!(
        page.html().first("#hidden-reason").is_some_and(|e| e.text.contains("предоплата на карту")),
        "the reason on the ad"
    );
    assert!(o.get("/my/ads").body.contains("скрыто модератором"));
    let support: i64 = count(
        &app,
        &format!("SELECT id FROM chat_threads WHERE kind = 'support' AND buyer_id = {owner}"),
    );
    assert!(
        o.get(&format!("/chats/{support}")).body.contains("Мошенничество: предоплата на карту")
    );
    o.get("/my/ads");
    assert_eq!(
        o.post(&format!("/ad/{ad}/activate"), &[]).status,
        403,
        "hidden by staff: not the owner's to publish"
    );

    // the owner fixes it: it goes to review; staff approve; it is public again
    o.get(&format!("/ad/{ad}/edit"));
    let r = o.post_multipart(&format!("/ad/{ad}/edit"), &rent_fields(), &[]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        count(&app, &format!("SELECT review_state = 'pending' FROM ads WHERE id = {ad}")),
        1
    );
    let review = st.get("/admin/review");
    assert!(review.html().first(&format!("[data-ad-id='{ad}']")).is_some(), "in the review queue");
    st.get("/admin/review");
    assert_eq!(st.post(&format!("/admin/ads/{ad}/approve"), &[]).status, 303);
    assert_eq!(count(&app, &format!("SELECT is_active FROM ads WHERE id = {ad}")), 1);
    // every step is in the audit log, which nobody can change
    let actions: Vec<String> = db
        .prepare("SELECT action FROM audit_log WHERE staff_id = ?1 ORDER BY id")
        .expect("sql")
        .query_map([staff_id], |r| r.get(0))
        .expect("rows")
        .map(Result::unwrap)
        .collect();
    assert_eq!(actions, ["ad:hide", "ad:approve"]);
    assert!(db.execute("UPDATE audit_log SET comment = 'x'", []).is_err(), "no updates");
    assert!(db.execute("DELETE FROM audit_log", []).is_err(), "no deletes");
    let log = st.get("/admin/audit?action=ad:hide");
    assert_eq!(log.html().select("tr[data-action='ad:hide']").len(), 1);
    assert!(log.html().first("tr[data-action='ad:approve']").is_none(), "filtered");
}

#[test]
fn a_banned_user_cannot_sign_in_is_told_why_and_their_ads_leave_every_list_until_unbanned() {
    let app = spawn_app();
    let seller = Client::new(&app);
    seller.sign_up("Жулик", "crook@example.kz", PW);
    let id = count(&app, "SELECT id FROM users WHERE email = 'crook@example.kz'");
    let ad = rent_ad(&app, id, "Погрузчик Caterpillar 950");
    let slug: String =
        app.db().query_row("SELECT slug FROM ads WHERE id = ?1", [ad], |r| r.get(0)).expect("slug");
    assert!(app.get("/sitemap.xml").body.contains(&format!("/ad/{ad}-{slug}")));
    assert!(seller.get("/account").status == 200, "signed in");

    let (_, st) = staff(&app);
    let r = st.post(&format!("/admin/users/{id}/ban"), &[("text", "мошенничество с предоплатой")]);
    assert_eq!(r.status, 303);
    // the session is gone; a new sign-in is refused with the reason
    assert_eq!(seller.get("/account").status, 303, "signed out by the ban");
    let again = Client::new(&app);
    again.get("/login");
    let r = again.post("/login", &[("email", "crook@example.kz"), ("password", PW)]);
    assert_eq!(r.status, 403);
    assert!(
        r.body.contains("заблокирован") && r.body.contains("мошенничество с предоплатой"),
        "{}",
        r.body
    );
    assert!(again.session().is_none(), "no session");
    // the ad is gone from the listing, the sitemap, search and the seller page
    assert!(app.get("/catalog").html().first(&format!("[data-ad-id='{ad}']")).is_none());
    assert!(!app.get("/sitemap.xml").body.contains(&format!("/ad/{ad}-")));
    assert!(
        app.get("/catalog?q=Caterpillar").html().first(&format!("[data-ad-id='{ad}']")).is_none()
    );
    assert!(
        app.get(&format!("/seller/{id}")).html().first(&format!("[data-ad-id='{ad}']")).is_none()
    );
    assert_eq!(app.get(&format!("/ad/{ad}-{slug}")).status, 404);
    // staff cannot be banned
    let (other_staff, _) = staff(&app);
    st.get("/admin");
    assert_eq!(
        st.post(&format!("/admin/users/{other_staff}/ban"), &[("text", "просто так")]).status,
        403
    );

    // unbanned: the ad comes back, sign-in works
    st.get("/admin");
    assert_eq!(st.post(&format!("/admin/users/{id}/unban"), &[]).status, 303);
    assert!(app.get("/catalog").html().first(&format!("[data-ad-id='{ad}']")).is_some());
    let back = Client::new(&app);
    back.get("/login");
    assert_eq!(back.post("/login", &[("email", "crook@example.kz"), ("password", PW)]).status, 303);
}

#[test]
fn with_pre_moderation_a_new_sellers_first_ad_waits_for_staff() {
    let app = spawn_with(|c| {
        c.moderation.first_ads_review = true;
        c.moderation.first_ads_count = 1;
    });
    let owner = user(&app.db(), "Новичок", None);
    let o = Client::signed_in(&app, owner);
    o.get("/ads/new?kind=rent");
    let post = |o: &Client<'_>| {
        let r = o.post_multipart("/ads/new?kind=rent", &rent_fields(), &[]);
        assert_eq!(r.status, 303, "{}", r.body);
        count(&app, "SELECT max(id) FROM ads")
    };
    let first = post(&o);
    assert_eq!(count(&app, &format!("SELECT is_active FROM ads WHERE id = {first}")), 0, "held");
    assert!(o.get("/my/ads").body.contains("на проверке"));
    assert!(app.get("/catalog").html().first(&format!("[data-ad-id='{first}']")).is_none());
    o.get("/my/ads");
    assert_eq!(
        o.post(&format!("/ad/{first}/activate"), &[]).status,
        403,
        "not the owner's to publish while held"
    );
    let second = post(&o);
    assert_eq!(
        count(&app, &format!("SELECT is_active FROM ads WHERE id = {second}")),
        1,
        "only the first is held"
    );
    let (_, st) = staff(&app);
    st.get("/admin/review");
    assert_eq!(st.post(&format!("/admin/ads/{first}/approve"), &[]).status, 303);
    assert!(app.get("/catalog").html().first(&format!("[data-ad-id='{first}']")).is_some());
}

#[test]
fn stop_words_flag_ads_and_messages_for_staff_and_the_list_is_read_again_when_changed() {
    let app = spawn_app();
    std::fs::write(app.dir.path().join("stopwords.txt"), "# обход сайта\nпишите в whatsapp\n")
        .expect("list");
    let owner = user(&app.db(), "Продавец", None);
    let o = Client::signed_in(&app, owner);
    o.get("/ads/new?kind=rent");
    let mut fields = rent_fields();
    fields.retain(|(k, _)| *k != "description");
    fields.push(("description", "Кран в отличном состоянии. Пишите в WhatsApp, торг."));
    let r = o.post_multipart("/ads/new?kind=rent", &fields, &[]);
    assert_eq!(r.status, 303, "{}", r.body);
    app.drain();
    let ad = count(&app, "SELECT max(id) FROM ads");
    assert_eq!(
        count(&app, &format!("SELECT count(*) FROM ads WHERE id = {ad} AND is_active = 1")),
        1,
        "flagged, not refused"
    );
    let (_, st) = staff(&app);
    let queue = st.get("/admin/reports");
    let item =
        queue.html().first(&format!("[data-target='ad:{ad}']")).expect("flagged in the queue");
    assert!(item.text.contains("пишите в whatsapp"), "the word is shown: {}", item.text);
    // a changed list is used from then on: a chat message with the new word is flagged
    std::fs::write(app.dir.path().join("stopwords.txt"), "перевод на карту\n").expect("list");
    let future = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
    std::fs::File::options()
        .write(true)
        .open(app.dir.path().join("stopwords.txt"))
        .and_then(|f| f.set_modified(future))
        .expect("touch");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let buyer = user(&app.db(), "Покупатель", None);
    let t2 = {
        let b = Client::signed_in(&app, buyer);
        let t = crate::support::build::chat_thread(&mut app.db(), ad, buyer);
        b.get(&format!("/chats/{t}"));
        let r = b.post_multipart(
            &format!("/chats/{t}/messages"),
            &[("text", "Оплата только перевод на карту")],
            &[],
        );
        assert_eq!(r.status, 303);
        t
    };
    app.drain();
    let msg = count(&app, &format!("SELECT max(id) FROM chat_messages WHERE thread_id = {t2}"));
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT count(*) FROM flags WHERE target_kind = 'message' AND target_id = {msg}"
            )
        ),
        1
    );
    assert_eq!(
        count(&app, "SELECT count(*) FROM flags WHERE word = 'пишите в whatsapp'"),
        1,
        "the old word matched the ad only"
    );
    // dismissed: gone from the queue, logged
    st.get("/admin/reports");
    assert_eq!(
        st.post("/admin/reports/dismiss", &[("kind", "message"), ("id", &msg.to_string())]).status,
        303
    );
    assert!(
        st.get("/admin/reports").html().first(&format!("[data-target='message:{msg}']")).is_none()
    );
}

#[test]
fn a_broadcast_reaches_its_audience_in_batches_and_resumes_after_a_restart() {
    let app = spawn_app();
    let db = app.db();
    db.execute_batch("BEGIN").expect("begin");
    for i in 0..250 {
        db.execute(
            "INSERT INTO users (email, name, country, created_at) VALUES (?1, ?2, 'kz', 0)",
            (format!("kz{i}@example.kz"), format!("Пользователь {i}")),
        )
        .expect("user");
    }
    db.execute("INSERT INTO users (email, name, country, created_at) VALUES ('uz@example.uz', 'Из Ташкента', 'uz', 0)", []).expect("uz");
    db.execute_batch("COMMIT").expect("commit");
    let (staff_id, _) = staff(&app);
    // started through the domain and one batch delivered, as if the server then stopped
    let mut conn = app.db();
    let audience = uzmat::domain::broadcast::Audience::parse("country:kz").expect("audience");
    uzmat::domain::broadcast::create(
        &mut conn,
        uzmat::domain::ids::UserId(staff_id),
        "Плановые работы в субботу",
        &audience,
        true,
        uzmat::db::now(),
    )
    .expect("create");
    let (reached, more) =
        uzmat::domain::broadcast::deliver_batch(&mut conn, &app.state.chat_keys, uzmat::db::now())
            .expect("batch");
    assert_eq!((reached.len(), more), (200, true));
    drop(conn);
    let app = app.restart();
    app.drain();
    let (total, sent, done): (i64, i64, bool) = app
        .db()
        .query_row("SELECT total, sent, finished_at IS NOT NULL FROM broadcasts", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .expect("progress");
    assert_eq!((total, sent, done), (250, 250, true), "resumed where it stopped, nobody twice");
    assert_eq!(count(&app, "SELECT count(*) FROM chat_messages WHERE kind = 'system'"), 250);
    assert_eq!(
        count(&app, "SELECT count(*) FROM outbox WHERE subject LIKE 'Сообщение от администрации%'"),
        250
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM chat_threads t JOIN users u ON u.id = t.buyer_id WHERE u.country = 'uz'"
        ),
        0,
        "not the audience"
    );
    let page = Client::signed_in(&app, staff_id).get("/admin/broadcast");
    assert!(page.body.contains("250 / 250"));
}

#[test]
fn the_dashboard_counts_and_draws_the_last_day_from_minute_samples() {
    let app = spawn_app();
    let (_, st) = staff(&app);
    for _ in 0..5 {
        app.get("/catalog");
    }
    // two minutes' samples, as the scheduler queues them
    app.state.jobs.enqueue(uzmat::jobs::Job::SampleMetrics { queue: 0 });
    app.drain();
    for _ in 0..7 {
        app.get("/");
    }
    let now = uzmat::db::now();
    app.db()
        .execute("UPDATE metric_samples SET at = ?1, slot = ((?1 / 60) % 1440)", [now - 120])
        .expect("move the first sample back");
    app.state.jobs.enqueue(uzmat::jobs::Job::SampleMetrics { queue: 3 });
    app.drain();
    let rows: Vec<(i64, i64)> = app
        .db()
        .prepare("SELECT requests, queue FROM metric_samples ORDER BY at")
        .expect("sql")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("rows")
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), 2);
    assert!(rows[1].0 >= 7, "the second minute counts the requests since the first: {rows:?}");
    assert_eq!(rows[1].1, 3);
    let page = st.get("/admin");
    assert_eq!(page.status, 200);
    let html = page.html();
    assert!(html.first("#chart-requests svg polyline.series").is_some(), "a drawn series");
    assert!(html.first("#stats").is_some_and(|s| s.text.contains("Пользователи")));
    assert!(
        page.body.contains("uzmat_jobs") || html.first("tr[data-kind='metrics_sample']").is_some()
    );
}

#[test]
fn the_console_finds_ads_by_title_words_in_every_section_hidden_ones_too() {
    let app = spawn_app();
    let owner = user(&app.db(), "Продавец", None);
    let digger = rent_ad(&app, owner, "Экскаватор Volvo EC210");
    let part =
        Ad {
            kind: "parts", equipment_type: None, ..Ad::new(owner, "Ковш экскаваторный", 3)
        };
    let part = part.insert(&app.db());
    let crane = Ad {
        kind: "rent",
        equipment_type: Some("автокран"),
        ..Ad::new(owner, "Автокран Ивановец", 4)
    };
    let crane = crane.insert(&app.db());
    app.db().execute("UPDATE ads SET is_active = 0 WHERE id = ?1", [digger]).expect("hide");
    let (_, st) = staff(&app);
    let found = st.get("/admin/ads?q=%D1%8D%D0%BA%D1%81%D0%BA%D0%B0%D0%B2");
    assert_eq!(found.status, 200);
    // "экскав": a word's start, in a catalog title and a parts title; the hidden one too
    assert!(found.body.contains("Экскаватор Volvo EC210"), "{}", found.body);
    assert!(found.body.contains("Ковш экскаваторный"));
    assert!(!found.body.contains("Автокран Ивановец"));
    let by_model = st.get("/admin/ads?q=EC210");
    assert!(by_model.body.contains("Экскаватор Volvo EC210") && !by_model.body.contains("Ковш"));
    let _ = (part, crane);
}
