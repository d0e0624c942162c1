//! Every business write as a domain function on a temp database, without HTTP: what it
//! writes, and what it refuses.

use std::collections::HashMap;

use rusqlite::Connection;
use uzmat::config::DatabaseConfig;
use uzmat::db::Db;
use uzmat::domain::accounts::actions::{self as accounts, MailCtx, SignUpError};
use uzmat::domain::accounts::{Email, parse_profile, parse_signup};
use uzmat::domain::ads::actions as ads;
use uzmat::domain::ads::actions::Publication::{AwaitingEmail, Done};
use uzmat::domain::ads::{Kind, form};
use uzmat::domain::freight;
use uzmat::domain::ids::UserId;
use uzmat::domain::rates::Rates;
use uzmat::domain::tokens::{self, Purpose, TokenError};
use uzmat::domain::users::SessionUser;
use uzmat::domain::{Denied, secrets, sessions};
use uzmat::i18n::Lang;

const NOW: i64 = 1_800_000_000;
const MAIL: MailCtx<'static> = MailCtx { base_url: "https://uzmat.test", lang: Lang::Ru };

struct Store {
    _dir: tempfile::TempDir,
    db: Db,
}

impl Store {
    fn new() -> Store {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = Db::open(&dir.path().join("t.db"), &DatabaseConfig::default()).expect("open");
        Store { _dir: dir, db }
    }

    fn conn(&self) -> uzmat::db::Conn {
        self.db.get().expect("conn")
    }

    fn count(&self, sql: &str) -> i64 {
        self.conn().query_row(sql, [], |r| r.get(0)).expect("count")
    }
}

fn map(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn sign_up(conn: &mut Connection, email: &str) -> (UserId, String) {
    let form = map(&[
        ("account_type", "individual"),
        ("name", "Айдар"),
        ("email", email),
        ("password", "ковш и стрела 2024"),
    ]);
    let s = parse_signup(&form, 8).expect("valid sign-up");
    let token = accounts::sign_up(conn, &s, "hash", MAIL, NOW, 30).expect("db").expect("new");
    let (user, _) = sessions::lookup(conn, &token, NOW).expect("db").expect("signed in");
    (user.id, token)
}

fn actor(conn: &Connection, id: UserId) -> SessionUser {
    let staff: bool =
        conn.query_row("SELECT is_staff FROM users WHERE id = ?1", [id], |r| r.get(0)).expect("u");
    SessionUser {
        id,
        name: String::new(),
        is_staff: staff,
        email_verified: true,
        avatar: None,
        session_hash: String::new(),
    }
}

fn new_ad() -> form::NewAd {
    let fields = map(&[
        ("title", "Экскаватор Hitachi ZX200"),
        ("description", "Исправен, с документами."),
        ("equipment_type", "экскаватор"),
        ("brand", "Hitachi"),
        ("price", "45000000"),
        ("currency", "KZT"),
        ("country", "kz"),
        ("city", "Алматы"),
        ("phone", "+7 701 123 45 67"),
        ("condition", "used"),
    ]);
    form::parse(Kind::Sale, &fields, &Rates::default()).expect("valid ad")
}

#[test]
fn sign_up_in_and_out() {
    let store = Store::new();
    let mut conn = store.conn();
    let (id, token) = sign_up(&mut conn, "aidar@example.kz");
    assert_eq!(store.count("SELECT count(*) FROM outbox"), 1, "the confirmation mail");
    assert_eq!(store.count("SELECT count(*) FROM auth_tokens WHERE purpose = 'verify_email'"), 1);
    let again = parse_signup(
        &map(&[("name", "X"), ("email", "AIDAR@example.kz"), ("password", "ковш и стрела 2024")]),
        8,
    )
    .expect("valid");
    let taken = accounts::sign_up(&mut conn, &again, "h", MAIL, NOW, 30).expect("db");
    assert_eq!(taken, Err(SignUpError::EmailTaken));
    assert_eq!(store.count("SELECT count(*) FROM users"), 1, "nothing half-written");
    assert_eq!(store.count("SELECT count(*) FROM outbox"), 1);

    let second = accounts::sign_in(&mut conn, id, Some(&token), NOW, 30).expect("sign in");
    assert!(sessions::lookup(&conn, &token, NOW).expect("db").is_none(), "old session ended");
    assert!(sessions::lookup(&conn, &second, NOW).expect("db").is_some());
    accounts::sign_out(&mut conn, &second).expect("sign out");
    assert_eq!(store.count("SELECT count(*) FROM sessions"), 0);
}

#[test]
fn reset_verify_and_change_password() {
    let store = Store::new();
    let mut conn = store.conn();
    let (id, token) = sign_up(&mut conn, "reset@example.kz");
    let email = Email::parse("reset@example.kz").expect("email");
    assert!(accounts::request_reset(&mut conn, &email, MAIL.base_url, NOW).expect("db"));
    let nobody = Email::parse("nobody@example.kz").expect("email");
    assert!(!accounts::request_reset(&mut conn, &nobody, MAIL.base_url, NOW).expect("db"));
    assert_eq!(store.count("SELECT count(*) FROM outbox"), 2, "sign-up and one reset mail");

    let link = tokens::issue(&conn, id, Purpose::ResetPassword, NOW, 3600).expect("token");
    let fresh = accounts::reset_password(&mut conn, &link, "new-hash", NOW, 30)
        .expect("db")
        .expect("valid link");
    assert!(sessions::lookup(&conn, &token, NOW).expect("db").is_none(), "sessions ended");
    assert!(sessions::lookup(&conn, &fresh, NOW).expect("db").is_some());
    let again = accounts::reset_password(&mut conn, &link, "x", NOW, 30).expect("db");
    assert_eq!(again, Err(TokenError::Used));
    let hash: String = conn
        .query_row("SELECT password_hash FROM users WHERE id = ?1", [id], |r| r.get(0))
        .expect("hash");
    assert_eq!(hash, "new-hash");

    let verify = tokens::issue(&conn, id, Purpose::VerifyEmail, NOW, 3600).expect("token");
    assert_eq!(accounts::verify_email(&mut conn, &verify, NOW).expect("db"), Ok(id));
    assert_eq!(
        accounts::verify_email(&mut conn, "forged", NOW).expect("db"),
        Err(TokenError::Invalid)
    );

    let other = accounts::sign_in(&mut conn, id, None, NOW, 30).expect("second device");
    accounts::change_password(&mut conn, id, "third", &secrets::hash_token(&fresh), NOW)
        .expect("change");
    assert!(sessions::lookup(&conn, &fresh, NOW).expect("db").is_some(), "this one stays");
    assert!(sessions::lookup(&conn, &other, NOW).expect("db").is_none(), "others end");
}

#[test]
fn profile_avatar_and_deletion() {
    let store = Store::new();
    let mut conn = store.conn();
    let (id, _) = sign_up(&mut conn, "prof@example.kz");
    let mut errors = Default::default();
    let p = parse_profile(
        &map(&[("name", "Айдар Н."), ("phone", "+7 701 000 11 22"), ("country", "kz")]),
        uzmat::domain::accounts::AccountType::Individual,
        &mut errors,
    );
    accounts::update_profile(&mut conn, id, &p).expect("update");
    let name: String =
        conn.query_row("SELECT name FROM users WHERE id = ?1", [id], |r| r.get(0)).expect("name");
    assert_eq!(name, "Айдар Н.");
    assert_eq!(accounts::set_avatar(&mut conn, id, "avatars/a.jpg").expect("set"), None);
    assert_eq!(
        accounts::set_avatar(&mut conn, id, "avatars/b.jpg").expect("set"),
        Some("avatars/a.jpg".into()),
        "the replaced file is returned for removal"
    );
    let ad = ads::post(&mut conn, id, &new_ad(), &[], ads::Holds::default(), NOW).expect("post");
    let files = accounts::delete_account(&mut conn, id, NOW).expect("delete");
    assert!(files.contains(&"avatars/b.jpg".to_owned()), "{files:?}");
    assert_eq!(store.count("SELECT count(*) FROM sessions"), 0);
    assert_eq!(store.count(&format!("SELECT is_active FROM ads WHERE id = {}", ad.id)), 0);
}

#[test]
fn ads_are_posted_edited_published_favorited_and_deleted_by_whoever_may() {
    let store = Store::new();
    let mut conn = store.conn();
    let (owner, _) = sign_up(&mut conn, "owner@example.kz");
    let (buyer, _) = sign_up(&mut conn, "buyer@example.kz");
    let (staff, _) = sign_up(&mut conn, "staff@example.kz");
    conn.execute("UPDATE users SET is_staff = 1 WHERE id = ?1", [staff]).expect("staff");
    let (owner_u, buyer_u, staff_u) =
        (actor(&conn, owner), actor(&conn, buyer), actor(&conn, staff));

    let upload = ads::keep_upload(&mut conn, owner, "photos/x.jpg", 800, 600, NOW).expect("keep");
    let saved = ads::post(
        &mut conn,
        owner,
        &new_ad(),
        std::slice::from_ref(&upload),
        ads::Holds::default(),
        NOW,
    )
    .expect("post");
    assert!(saved.photos_added && saved.slug.ends_with(&format!("-{}", saved.id)));
    assert_eq!(store.count("SELECT count(*) FROM photo_uploads"), 0, "the upload moved in");
    let id = saved.id;

    let mut edited = new_ad();
    edited.title = "Экскаватор Hitachi ZX200-5G".into();
    assert_eq!(
        ads::edit(&mut conn, &buyer_u, id, &edited, &[], NOW).expect("db"),
        Err(Denied::Forbidden)
    );
    let s =
        ads::edit(&mut conn, &owner_u, id, &edited, &[], NOW).expect("db").expect("owner edits");
    assert_eq!(s.removed_files, vec!["photos/x.jpg".to_owned()], "the photo left the form");

    assert_eq!(ads::toggle_favorite(&mut conn, buyer, id, NOW).expect("db"), Ok(true));
    assert_eq!(
        ads::set_active(&mut conn, &buyer_u, id, false, false, NOW).expect("db"),
        Err(Denied::Forbidden)
    );
    assert_eq!(ads::set_active(&mut conn, &staff_u, id, false, false, NOW).expect("db"), Ok(Done));
    assert_eq!(
        ads::set_active(&mut conn, &owner_u, id, true, false, NOW).expect("db"),
        Err(Denied::Forbidden),
        "staff blocked it: only staff publish it again"
    );
    assert_eq!(ads::toggle_favorite(&mut conn, buyer, id, NOW).expect("db"), Err(Denied::NotFound));
    assert_eq!(ads::set_active(&mut conn, &staff_u, id, true, false, NOW).expect("db"), Ok(Done));
    assert_eq!(ads::set_active(&mut conn, &owner_u, id, false, false, NOW).expect("db"), Ok(Done));
    // with moderation.require_verified_email: the owner has not confirmed their e-mail, so
    // the ad published again waits for it (unpublished); without, it is published
    assert_eq!(ads::set_active(&mut conn, &owner_u, id, false, true, NOW).expect("db"), Ok(Done));
    assert_eq!(
        ads::set_active(&mut conn, &owner_u, id, true, true, NOW).expect("db"),
        Ok(AwaitingEmail)
    );
    assert_eq!(ads::set_active(&mut conn, &owner_u, id, true, false, NOW).expect("db"), Ok(Done));

    assert_eq!(ads::delete(&mut conn, &buyer_u, id, NOW).expect("db"), Err(Denied::Forbidden));
    assert_eq!(ads::delete(&mut conn, &owner_u, id, NOW).expect("db"), Ok(vec![]));
    assert_eq!(store.count("SELECT count(*) FROM favorites"), 0);
    assert_eq!(ads::delete(&mut conn, &staff_u, id, NOW).expect("db"), Err(Denied::NotFound));
    assert_eq!(
        ads::edit(&mut conn, &owner_u, id, &edited, &[], NOW).expect("db"),
        Err(Denied::NotFound)
    );
}

#[test]
fn freight_is_posted_and_removed_by_its_owner_or_staff() {
    let store = Store::new();
    let mut conn = store.conn();
    let (owner, _) = sign_up(&mut conn, "carrier@example.kz");
    let (other, _) = sign_up(&mut conn, "other@example.kz");
    let form = map(&crate::freight::cargo(
        "Металлоконструкции",
        ("kz", "Алматы"),
        ("uz", "Ташкент"),
        "2026-12-05",
    ));
    let new = freight::parse(&form, &Rates::default()).expect("valid");
    let (id, done) = freight::actions::post(&mut conn, owner, &new, false, NOW).expect("post");
    assert_eq!(done, Done);
    let other_u = actor(&conn, other);
    assert_eq!(
        freight::actions::remove(&mut conn, &other_u, id, NOW).expect("db"),
        Err(Denied::Forbidden)
    );
    assert_eq!(store.count("SELECT count(*) FROM freight_ads WHERE is_active = 1"), 1);
    let owner_u = actor(&conn, owner);
    assert_eq!(freight::actions::remove(&mut conn, &owner_u, id, NOW).expect("db"), Ok(()));
    assert_eq!(store.count("SELECT count(*) FROM freight_ads WHERE is_active = 1"), 0);
}

/// The confirmation link's token mailed to `email` (the newest).
fn verify_token(conn: &Connection, email: &str) -> String {
    let body: String = conn
        .query_row(
            "SELECT body FROM outbox WHERE to_addr = ?1 AND body LIKE '%/verify-email/%' ORDER BY id DESC",
            [email],
            |r| r.get(0),
        )
        .expect("mail");
    let at = body.find("/verify-email/").expect("link") + "/verify-email/".len();
    body[at..].split_whitespace().next().expect("token").to_owned()
}

#[test]
fn an_unconfirmed_owners_ads_and_freight_wait_and_the_confirmation_publishes_them() {
    let store = Store::new();
    let mut conn = store.conn();
    let (owner, _) = sign_up(&mut conn, "new@example.kz");
    let (other, _) = sign_up(&mut conn, "other@example.kz");
    let holds = ads::Holds { review_first: 0, verified_email: true };
    let telegram = || store.count("SELECT count(*) FROM telegram_outbox WHERE op = 'post'");
    let waiting = ads::post(&mut conn, owner, &new_ad(), &[], holds, NOW).expect("post");
    assert!(waiting.awaiting_email);
    let paused = ads::post(&mut conn, owner, &new_ad(), &[], holds, NOW).expect("post");
    let owner_u = actor(&conn, owner);
    // unpublished by its owner while waiting: it no longer waits
    assert_eq!(
        ads::set_active(&mut conn, &owner_u, paused.id, false, true, NOW).expect("db"),
        Ok(Done)
    );
    // with pre-moderation as well: the confirmation leaves it to staff
    let reviewed = ads::post(
        &mut conn,
        owner,
        &new_ad(),
        &[],
        ads::Holds { review_first: 5, verified_email: true },
        NOW,
    )
    .expect("post");
    let form = map(&crate::freight::cargo(
        "Металлоконструкции",
        ("kz", "Алматы"),
        ("uz", "Ташкент"),
        "2026-12-05",
    ));
    let new = freight::parse(&form, &Rates::default()).expect("valid");
    let (cargo, done) = freight::actions::post(&mut conn, owner, &new, true, NOW).expect("post");
    assert_eq!(done, AwaitingEmail);
    assert_eq!(store.count("SELECT count(*) FROM ads WHERE is_active = 1"), 0, "nothing public");
    assert_eq!(store.count("SELECT count(*) FROM freight_ads WHERE is_active = 1"), 0);
    assert_eq!(store.count("SELECT active_ads FROM users WHERE email = 'new@example.kz'"), 0);
    // someone else may not touch the waiting listing, and does not learn it exists
    let other_u = actor(&conn, other);
    assert_eq!(
        freight::actions::set_active(&mut conn, &other_u, cargo, true, true).expect("db"),
        Err(Denied::NotFound)
    );
    assert_eq!(
        freight::actions::edit(&mut conn, &other_u, cargo, &new).expect("db"),
        Err(Denied::NotFound)
    );
    let posts_before = telegram();

    // a used-up or wrong token publishes nothing
    assert_eq!(
        accounts::verify_email(&mut conn, "bogus", NOW).expect("db"),
        Err(TokenError::Invalid)
    );
    assert_eq!(store.count("SELECT count(*) FROM ads WHERE is_active = 1"), 0);
    let token = verify_token(&conn, "new@example.kz");
    assert_eq!(accounts::verify_email(&mut conn, &token, NOW + 60).expect("db"), Ok(owner));
    let active = |id: i64| store.count(&format!("SELECT is_active FROM ads WHERE id = {id}"));
    assert_eq!(active(waiting.id.get()), 1, "published with the confirmation");
    assert_eq!(active(paused.id.get()), 0, "its owner took it down: stays down");
    assert_eq!(active(reviewed.id.get()), 0, "staff's review still holds it");
    assert_eq!(
        store
            .count(&format!("SELECT review_state = 'pending' FROM ads WHERE id = {}", reviewed.id)),
        1
    );
    assert_eq!(store.count("SELECT count(*) FROM ads WHERE awaiting_email = 1"), 0);
    assert_eq!(
        store.count(&format!("SELECT bumped_at FROM ads WHERE id = {}", waiting.id)),
        NOW + 60,
        "fresh from the moment it is public"
    );
    assert_eq!(store.count("SELECT is_active FROM freight_ads"), 1);
    assert_eq!(store.count("SELECT active_ads FROM users WHERE email = 'new@example.kz'"), 1);
    assert_eq!(telegram(), posts_before + 1, "the channel gets the published ad");

    // confirmed now: a new ad is published at once
    assert!(!ads::post(&mut conn, owner, &new_ad(), &[], holds, NOW).expect("post").awaiting_email);
}

#[test]
fn staff_confirming_an_email_or_approving_a_held_ad_respects_the_wait() {
    use uzmat::domain::moderation::{self, Switch};
    let store = Store::new();
    let mut conn = store.conn();
    let (owner, _) = sign_up(&mut conn, "new@example.kz");
    let (staff, _) = sign_up(&mut conn, "staff@example.kz");
    conn.execute("UPDATE users SET is_staff = 1 WHERE id = ?1", [staff]).expect("staff");
    let holds = ads::Holds { review_first: 1, verified_email: true };
    let ad = ads::post(&mut conn, owner, &new_ad(), &[], holds, NOW).expect("post");
    // staff approve it before the e-mail is confirmed: it still waits for the e-mail
    moderation::unhide_ad(&mut conn, staff, ad.id, "ad:approve", NOW).expect("db").expect("ok");
    let active = || store.count(&format!("SELECT is_active FROM ads WHERE id = {}", ad.id));
    assert_eq!(active(), 0);
    // staff confirm the e-mail by hand: published
    moderation::switch(&mut conn, staff, owner, Switch::VerifyEmail, NOW).expect("db").expect("ok");
    assert_eq!(active(), 1);
}

#[test]
fn promotion_timelines_extend_queue_and_advance_and_reminders_go_once() {
    use uzmat::domain::ads::Plan;
    use uzmat::domain::ids::AdId;
    use uzmat::domain::promotions::{self, Segment};
    const DAY: i64 = 86_400;
    let store = Store::new();
    let mut conn = store.conn();
    let (owner, _) = sign_up(&mut conn, "promo@example.kz");
    let ad = AdId(crate::support::build::Ad::new(owner.get(), "Кран КС-45717", 1).insert(&conn));
    let grant = |conn: &mut Connection, plan: Plan, days: u32, now: i64| {
        let tx = conn.transaction().expect("tx");
        promotions::grant(&tx, ad, plan, days, now).expect("grant");
        tx.commit().expect("commit");
    };
    let ad_plan = |conn: &Connection| -> (Option<String>, Option<i64>, Option<i64>) {
        conn.query_row(
            "SELECT plan, plan_started_at, plan_until FROM ads WHERE id = ?1",
            [ad],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("ad")
    };
    grant(&mut conn, Plan::Gold, 3, NOW);
    assert_eq!(ad_plan(&conn), (Some("gold".into()), Some(NOW), Some(NOW + 3 * DAY)));
    // a VIP bought a day later starts at once; the two days of GOLD left follow it
    grant(&mut conn, Plan::Vip, 30, NOW + DAY);
    assert_eq!(ad_plan(&conn), (Some("vip".into()), Some(NOW + DAY), Some(NOW + 31 * DAY)));
    assert_eq!(
        promotions::timeline(&conn, ad, NOW + DAY).expect("timeline"),
        vec![
            Segment { plan: Plan::Vip, starts_at: NOW + DAY, ends_at: NOW + 31 * DAY },
            Segment { plan: Plan::Gold, starts_at: NOW + 31 * DAY, ends_at: NOW + 33 * DAY },
        ]
    );
    // more GOLD waits behind the VIP, which keeps its start
    grant(&mut conn, Plan::Gold, 3, NOW + 2 * DAY);
    assert_eq!(ad_plan(&conn).2, Some(NOW + 31 * DAY));
    assert_eq!(
        promotions::timeline(&conn, ad, NOW + 2 * DAY).expect("t").last().map(|s| s.ends_at),
        Some(NOW + 36 * DAY)
    );
    // the sweep after the VIP ends moves the ad onto its GOLD
    let (moved, _) =
        promotions::sweep(&mut conn, "https://uzmat.test", NOW + 31 * DAY + 5).expect("sweep");
    assert_eq!(moved, 1);
    assert_eq!(ad_plan(&conn), (Some("gold".into()), Some(NOW + 31 * DAY), Some(NOW + 36 * DAY)));
    // a day before the very end: one reminder, not two
    let mails = |store: &Store| {
        store.count("SELECT count(*) FROM outbox WHERE subject LIKE 'Продвижение%'")
    };
    promotions::sweep(&mut conn, "https://uzmat.test", NOW + 35 * DAY + 60).expect("sweep");
    promotions::sweep(&mut conn, "https://uzmat.test", NOW + 35 * DAY + 120).expect("sweep");
    assert_eq!(mails(&store), 1);
    // the end: off promotion
    promotions::sweep(&mut conn, "https://uzmat.test", NOW + 36 * DAY).expect("sweep");
    assert_eq!(ad_plan(&conn), (None, None, None));
}

#[test]
fn a_badge_extends_from_its_end_and_a_decision_needs_a_comment() {
    use uzmat::domain::badges;
    let store = Store::new();
    let mut conn = store.conn();
    let (user, _) = sign_up(&mut conn, "seller@example.kz");
    let (staff, _) = sign_up(&mut conn, "staff@example.kz");
    let ring = uzmat::domain::chats::seal::Keyring::ephemeral();
    let plans = uzmat::config::PlansConfig::default();
    let req = badges::NewRequest::parse("individual", "Алия Сериковна", "", "").expect("request");
    let public = badges::request(
        &mut conn,
        user,
        &req,
        "badge-docs/x.jpg",
        uzmat::domain::geo::Currency::Kzt,
        uzmat::domain::payments::ProviderId::Manual,
        &plans,
        &Rates::default(),
        NOW,
    )
    .expect("db")
    .expect("filed");
    // 15 USD at 0.002 USD per tenge: 7,500 tenge
    assert_eq!(store.count("SELECT amount_minor FROM payments"), 750_000);
    let id = store.count("SELECT id FROM badge_requests");
    assert_eq!(
        badges::decide(&mut conn, &ring, staff, id, true, "ок", &plans, NOW).expect("db").err(),
        Some("badge.comment_required")
    );
    assert_eq!(
        badges::decide(&mut conn, &ring, staff, id, true, "Документ совпадает", &plans, NOW)
            .expect("db")
            .err(),
        Some("badge.not_waiting"),
        "not paid yet"
    );
    uzmat::domain::payments::ledger::mark_paid(&mut conn, staff, &public, &plans, NOW)
        .expect("db")
        .expect("paid");
    let d = badges::decide(&mut conn, &ring, staff, id, true, "Документ совпадает", &plans, NOW)
        .expect("db")
        .expect("decided");
    assert!(d.message.system && d.message.text.contains("Документ совпадает"));
    assert_eq!(d.totals, vec![(user, 1)], "the comment waits unread in the support thread");
    assert_eq!(
        store.count("SELECT badge_until FROM users WHERE email = 'seller@example.kz'"),
        NOW + 180 * 86_400
    );
    // a renewal adds to the end; a lapsed badge starts again from now
    let tx = conn.transaction().expect("tx");
    assert_eq!(badges::grant(&tx, user, 180, NOW + 10).expect("grant"), NOW + 360 * 86_400);
    assert_eq!(
        badges::grant(&tx, user, 10, NOW + 400 * 86_400).expect("grant"),
        NOW + 410 * 86_400
    );
    tx.commit().expect("commit");
    // the reminder a week before the end, once
    assert_eq!(
        badges::remind(&mut conn, "https://uzmat.test", NOW + 404 * 86_400).expect("remind"),
        1
    );
    assert_eq!(
        badges::remind(&mut conn, "https://uzmat.test", NOW + 405 * 86_400).expect("remind"),
        0
    );
}
