//! Click's SHOP API driven by a local simulator of Click's calls: signed `prepare` and
//! `complete` posts, every error code, replays, a wrong signature or amount, a failed grant,
//! and a restart between prepare and complete.

use md5::{Digest, Md5};
use serde_json::Value;

use crate::support::build::{Ad, user};
use crate::support::client::Client;
use crate::support::{TestApp, spawn_with};

const SERVICE: u64 = 77;
const MERCHANT: u64 = 88;
const SECRET: &str = "s3cret-click-key";

fn app() -> TestApp {
    spawn_with(|c| {
        c.payments.provider = "click".into();
        c.payments.click_service_id = SERVICE;
        c.payments.click_merchant_id = MERCHANT;
        c.payments.click_secret_key = uzmat::config::Secret(SECRET.into());
        c.server.page_cache_ms = 0;
    })
}

/// What Click's servers would post: the fields, signed as its documentation says.
struct Call {
    fields: Vec<(&'static str, String)>,
}

impl Call {
    fn prepare(trans: i64, order: &str, amount: &str) -> Call {
        Call {
            fields: vec![
                ("click_trans_id", trans.to_string()),
                ("service_id", SERVICE.to_string()),
                ("click_paydoc_id", (trans + 1000).to_string()),
                ("merchant_trans_id", order.to_owned()),
                ("amount", amount.to_owned()),
                ("action", "0".into()),
                ("error", "0".into()),
                ("error_note", "Success".into()),
                ("sign_time", "2026-11-29 10:00:00".into()),
            ],
        }
    }

    fn complete(trans: i64, order: &str, prepare_id: i64, amount: &str, error: i64) -> Call {
        let mut c = Call::prepare(trans, order, amount);
        c.set("action", "1");
        c.set("error", &error.to_string());
        c.fields.push(("merchant_prepare_id", prepare_id.to_string()));
        c
    }

    fn set(&mut self, key: &'static str, value: &str) {
        self.fields.retain(|(k, _)| *k != key);
        self.fields.push((key, value.to_owned()));
    }

    fn get(&self, key: &str) -> &str {
        self.fields.iter().find(|(k, _)| *k == key).map_or("", |(_, v)| v.as_str())
    }

    /// md5(click_trans_id + service_id + SECRET_KEY + merchant_trans_id
    ///     [+ merchant_prepare_id] + amount + action + sign_time)
    fn signed(mut self) -> Call {
        let mut s = format!(
            "{}{}{SECRET}{}",
            self.get("click_trans_id"),
            self.get("service_id"),
            self.get("merchant_trans_id")
        );
        if self.get("action") == "1" {
            s.push_str(self.get("merchant_prepare_id"));
        }
        s.push_str(&format!(
            "{}{}{}",
            self.get("amount"),
            self.get("action"),
            self.get("sign_time")
        ));
        let sign: String = Md5::digest(s.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
        self.set("sign_string", &sign);
        self
    }

    fn post(&self, app: &TestApp, endpoint: &str) -> Value {
        let form: Vec<(&str, &str)> = self.fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = app.post_form(&format!("/payments/click/{endpoint}"), &form, &[]);
        assert_eq!(r.status, 200, "{endpoint}: {}", r.body);
        serde_json::from_str(&r.body).expect("json")
    }
}

/// An owner's ad in Uzbekistan and a pending Click payment for GOLD on it: (ad, order id).
fn order(app: &TestApp) -> (i64, String) {
    let db = app.db();
    let owner = user(&db, "Владелец", None);
    let ad = Ad::new(owner, "Экскаватор Hyundai R210", 4).insert(&db);
    let c = Client::signed_in(app, owner);
    c.get(&format!("/ad/{ad}/promote"));
    let r = c.post(&format!("/ad/{ad}/promote"), &[("plan", "gold")]);
    assert_eq!(r.status, 303, "{}", r.body);
    let id = r.header("location").expect("payment").trim_start_matches("/payments/").to_owned();
    // the buyer's page sends them to Click with this order's id and amount
    let page = c.get(&format!("/payments/{id}"));
    let pay = page.html().first("#pay").expect("a Click button");
    let href = pay.attr("href").expect("href");
    assert!(href.starts_with("https://my.click.uz/services/pay?"), "{href}");
    for part in [
        format!("service_id={SERVICE}"),
        format!("merchant_id={MERCHANT}"),
        "amount=30000".into(),
        format!("transaction_param={id}"),
    ] {
        assert!(href.contains(&part), "{part} in {href}");
    }
    (ad, id)
}

fn state(app: &TestApp, order: &str) -> String {
    app.db()
        .query_row("SELECT state FROM payments WHERE public_id = ?1", [order], |r| r.get(0))
        .expect("state")
}

fn plan_until(app: &TestApp, ad: i64) -> Option<i64> {
    app.db().query_row("SELECT plan_until FROM ads WHERE id = ?1", [ad], |r| r.get(0)).expect("ad")
}

#[test]
fn prepare_then_complete_pays_once_and_replays_answer_the_same() {
    let app = app();
    let (ad, id) = order(&app);
    let prep = Call::prepare(5001, &id, "30000").signed().post(&app, "prepare");
    assert_eq!(prep["error"], 0, "{prep}");
    assert_eq!(prep["error_note"], "Success");
    assert_eq!(prep["click_trans_id"], "5001");
    assert_eq!(prep["merchant_trans_id"], id.as_str());
    let prepare_id = prep["merchant_prepare_id"].as_i64().expect("prepare id");
    assert_eq!(state(&app, &id), "prepared");
    assert_eq!(plan_until(&app, ad), None, "nothing granted before complete");
    // Click retries a prepare: the same answer
    assert_eq!(Call::prepare(5001, &id, "30000").signed().post(&app, "prepare"), prep);

    let done = Call::complete(5001, &id, prepare_id, "30000", 0).signed().post(&app, "complete");
    assert_eq!(done["error"], 0, "{done}");
    assert_eq!(done["merchant_confirm_id"], prepare_id);
    assert_eq!(state(&app, &id), "paid");
    let until = plan_until(&app, ad).expect("GOLD granted with the payment");
    assert!((until - uzmat::db::now() - 3 * 86_400).abs() < 60, "three days");
    // a replayed complete: the same answer, nothing granted twice
    let again = Call::complete(5001, &id, prepare_id, "30000", 0).signed().post(&app, "complete");
    assert_eq!(again, done);
    assert_eq!(plan_until(&app, ad), Some(until));
    // a second payment attempt on the paid order is "already paid"
    let other = Call::prepare(5002, &id, "30000").signed().post(&app, "prepare");
    assert_eq!(other["error"], -4);
    let other = Call::complete(5002, &id, prepare_id, "30000", 0).signed().post(&app, "complete");
    assert_eq!(other["error"], -4);
    let events: i64 = app
        .db()
        .query_row("SELECT count(*) FROM payment_events e JOIN payments p ON p.id = e.payment_id WHERE p.public_id = ?1", [&id], |r| r.get(0))
        .expect("events");
    assert_eq!(events, 3, "new → pending, pending → prepared, prepared → paid");
    // the promoted ad leads its listing
    let page = app.get("/catalog");
    assert!(
        page.html().first(&format!("#promoted [data-ad-id='{ad}']")).is_some(),
        "in the promoted strip"
    );
}

#[test]
fn every_error_code_of_the_shop_api() {
    let app = app();
    let (ad, id) = order(&app);
    let err = |v: Value| v["error"].as_i64().expect("error code");

    // −8: fields missing or malformed
    let mut c = Call::prepare(6001, &id, "30000");
    c.fields.retain(|(k, _)| *k != "sign_time");
    assert_eq!(err(c.signed().post(&app, "prepare")), -8);
    let mut c = Call::prepare(6001, &id, "30000");
    c.set("click_trans_id", "abc");
    assert_eq!(err(c.signed().post(&app, "prepare")), -8);
    let mut c = Call::prepare(6001, &id, "30000");
    c.set("amount", "lots");
    assert_eq!(err(c.signed().post(&app, "prepare")), -8);
    // −1: a wrong signature, or another service's
    let mut c = Call::prepare(6001, &id, "30000").signed();
    c.set("sign_string", "0123456789abcdef0123456789abcdef");
    assert_eq!(err(c.post(&app, "prepare")), -1);
    let mut c = Call::prepare(6001, &id, "30000");
    c.set("service_id", "78");
    assert_eq!(err(c.signed().post(&app, "prepare")), -1);
    // −3: an action this endpoint does not take
    let mut c = Call::prepare(6001, &id, "30000");
    c.set("action", "2");
    assert_eq!(err(c.signed().post(&app, "prepare")), -3);
    assert_eq!(err(Call::complete(6001, &id, 1, "30000", 0).signed().post(&app, "prepare")), -3);
    // −5: no such order
    assert_eq!(err(Call::prepare(6001, "nosuchorder", "30000").signed().post(&app, "prepare")), -5);
    // −2: the amount is not the order's
    assert_eq!(err(Call::prepare(6001, &id, "29999").signed().post(&app, "prepare")), -2);
    assert_eq!(state(&app, &id), "pending", "nothing of the above changed the payment");
    // −6: completing what was not prepared, or naming another prepare id
    let prepare_id = app
        .db()
        .query_row("SELECT id FROM payments WHERE public_id = ?1", [&id], |r| r.get::<_, i64>(0))
        .expect("id");
    assert_eq!(
        err(Call::complete(6001, &id, prepare_id, "30000", 0).signed().post(&app, "complete")),
        -6
    );
    assert_eq!(err(Call::prepare(6001, &id, "30000").signed().post(&app, "prepare")), 0);
    assert_eq!(
        err(Call::complete(6001, &id, prepare_id + 7, "30000", 0).signed().post(&app, "complete")),
        -6
    );
    assert_eq!(
        err(Call::complete(6099, &id, prepare_id, "30000", 0).signed().post(&app, "complete")),
        -6
    );
    // −9: Click reports the payment failed: cancelled, never granted, and stays cancelled
    let cancelled =
        Call::complete(6001, &id, prepare_id, "30000", -5017).signed().post(&app, "complete");
    assert_eq!(err(cancelled), -9);
    assert_eq!(state(&app, &id), "cancelled");
    assert_eq!(plan_until(&app, ad), None, "a complete with error < 0 grants nothing");
    assert_eq!(
        err(Call::complete(6001, &id, prepare_id, "30000", 0).signed().post(&app, "complete")),
        -9
    );
    assert_eq!(err(Call::prepare(6002, &id, "30000").signed().post(&app, "prepare")), -9);

    // −7: the grant fails (the ad is gone from under the payment): the payment stays prepared
    let (ad2, id2) = order(&app);
    let prep = Call::prepare(7001, &id2, "30000").signed().post(&app, "prepare");
    let prepare_id = prep["merchant_prepare_id"].as_i64().expect("id");
    let db = app.db();
    db.execute_batch("PRAGMA foreign_keys = OFF").expect("fk off");
    db.execute("DELETE FROM ads WHERE id = ?1", [ad2]).expect("ad gone");
    let r = Call::complete(7001, &id2, prepare_id, "30000", 0).signed().post(&app, "complete");
    assert_eq!(err(r), -7);
    assert_eq!(state(&app, &id2), "prepared", "rolled back with the failed grant");
    // −4 is covered by the replay test; 0 by both
}

#[test]
fn a_restart_between_prepare_and_complete_loses_nothing() {
    let app = app();
    let (ad, id) = order(&app);
    let prep = Call::prepare(8001, &id, "30000").signed().post(&app, "prepare");
    assert_eq!(prep["error"], 0);
    let app = app.restart();
    assert_eq!(state(&app, &id), "prepared");
    let done =
        Call::complete(8001, &id, prep["merchant_prepare_id"].as_i64().expect("id"), "30000", 0)
            .signed()
            .post(&app, "complete");
    assert_eq!(done["error"], 0, "{done}");
    assert!(plan_until(&app, ad).is_some());
}

#[test]
fn the_secret_key_never_shows_in_debug_output() {
    let app = app();
    let shown = format!("{:?}", app.state.config);
    assert!(!shown.contains(SECRET), "the key is in the config's debug output");
    assert!(shown.contains("click_secret_key: ***"));
}
