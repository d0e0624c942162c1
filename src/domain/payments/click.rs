//! Click's SHOP API (docs.click.uz, "Click-API"): Click calls our `prepare` (action 0) and
//! `complete` (action 1) with a signed form, and we answer JSON with one of its error codes.
//! Replays are idempotent (the same `click_trans_id` gets the same answer and grants nothing
//! twice); a `complete` carrying `error < 0` cancels and never grants.

use std::collections::HashMap;

use md5::{Digest, Md5};
use rusqlite::Connection;

use super::ledger;
use super::{Checkout, Payment, PaymentProvider, ProviderId, State};
use crate::config::PlansConfig;
use crate::db::write_tx;
use crate::domain::geo::Currency;

/// Click's error codes, as its documentation lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClickError {
    /// 0.
    Success,
    /// −1: the signature does not check.
    SignCheckFailed,
    /// −2: the amount is not the payment's.
    IncorrectAmount,
    /// −3: an action this endpoint does not take.
    ActionNotFound,
    /// −4: the payment was paid already.
    AlreadyPaid,
    /// −5: no such order (`merchant_trans_id`).
    UserDoesNotExist,
    /// −6: no such transaction (`merchant_prepare_id`, or a complete without prepare).
    TransactionDoesNotExist,
    /// −7: granting what was paid for failed.
    FailedToUpdateUser,
    /// −8: parameters missing or malformed.
    ErrorInRequest,
    /// −9: the payment was cancelled.
    TransactionCancelled,
}

impl ClickError {
    /// The code.
    pub fn code(self) -> i32 {
        match self {
            ClickError::Success => 0,
            ClickError::SignCheckFailed => -1,
            ClickError::IncorrectAmount => -2,
            ClickError::ActionNotFound => -3,
            ClickError::AlreadyPaid => -4,
            ClickError::UserDoesNotExist => -5,
            ClickError::TransactionDoesNotExist => -6,
            ClickError::FailedToUpdateUser => -7,
            ClickError::ErrorInRequest => -8,
            ClickError::TransactionCancelled => -9,
        }
    }

    /// The note Click's documentation gives with it.
    pub fn note(self) -> &'static str {
        match self {
            ClickError::Success => "Success",
            ClickError::SignCheckFailed => "SIGN CHECK FAILED!",
            ClickError::IncorrectAmount => "Incorrect parameter amount",
            ClickError::ActionNotFound => "Action not found",
            ClickError::AlreadyPaid => "Already paid",
            ClickError::UserDoesNotExist => "User does not exist",
            ClickError::TransactionDoesNotExist => "Transaction does not exist",
            ClickError::FailedToUpdateUser => "Failed to update user",
            ClickError::ErrorInRequest => "Error in request from click",
            ClickError::TransactionCancelled => "Transaction cancelled",
        }
    }
}

/// Which call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// 0.
    Prepare,
    /// 1.
    Complete,
}

/// What we answer Click.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// The error.
    pub error: ClickError,
    /// Echoed.
    pub click_trans_id: String,
    /// Echoed.
    pub merchant_trans_id: String,
    /// Our payment's id (`merchant_prepare_id` for prepare, `merchant_confirm_id` for complete).
    pub merchant_id: Option<i64>,
}

impl Reply {
    /// The JSON body Click expects.
    pub fn json(&self, action: Action) -> serde_json::Value {
        let mut v = serde_json::json!({
            "click_trans_id": self.click_trans_id,
            "merchant_trans_id": self.merchant_trans_id,
            "error": self.error.code(),
            "error_note": self.error.note(),
        });
        let key =
            if action == Action::Prepare { "merchant_prepare_id" } else { "merchant_confirm_id" };
        v[key] = self.merchant_id.map_or(serde_json::Value::Null, serde_json::Value::from);
        v
    }
}

/// Click's credentials.
#[derive(Clone)]
pub struct Credentials {
    /// `service_id`.
    pub service_id: u64,
    /// `merchant_id` (for the payment link).
    pub merchant_id: u64,
    /// The secret key.
    pub secret_key: String,
}

/// The signature Click puts in `sign_string`: MD5 hex of `click_trans_id service_id
/// SECRET_KEY merchant_trans_id [merchant_prepare_id] amount action sign_time`, concatenated.
pub fn sign(secret: &str, f: &HashMap<String, String>, action: Action) -> String {
    let get = |k: &str| f.get(k).map(String::as_str).unwrap_or("");
    let mut h = Md5::new();
    h.update(get("click_trans_id"));
    h.update(get("service_id"));
    h.update(secret);
    h.update(get("merchant_trans_id"));
    if action == Action::Complete {
        h.update(get("merchant_prepare_id"));
    }
    h.update(get("amount"));
    h.update(get("action"));
    h.update(get("sign_time"));
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares in time independent of where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Answers one call of Click's on `endpoint` with the form it posted. Every state change
/// happens in one transaction with its effect.
pub fn handle(
    conn: &mut Connection,
    creds: &Credentials,
    plans: &PlansConfig,
    endpoint: Action,
    form: &HashMap<String, String>,
    now: i64,
) -> rusqlite::Result<Reply> {
    let get = |k: &str| form.get(k).map(|s| s.trim().to_owned()).unwrap_or_default();
    let reply = Reply {
        error: ClickError::Success,
        click_trans_id: get("click_trans_id"),
        merchant_trans_id: get("merchant_trans_id"),
        merchant_id: None,
    };
    let fail = |mut r: Reply, e: ClickError| {
        r.error = e;
        Ok(r)
    };
    let mut required = vec![
        "click_trans_id",
        "service_id",
        "merchant_trans_id",
        "amount",
        "action",
        "sign_time",
        "sign_string",
    ];
    if endpoint == Action::Complete {
        required.extend(["merchant_prepare_id", "error"]);
    }
    let amount: Option<f64> =
        get("amount").parse().ok().filter(|a: &f64| a.is_finite() && *a > 0.0);
    if required.iter().any(|k| get(k).is_empty())
        || get("click_trans_id").parse::<i64>().is_err()
        || amount.is_none()
    {
        return fail(reply, ClickError::ErrorInRequest);
    }
    let action = match get("action").as_str() {
        "0" => Action::Prepare,
        "1" => Action::Complete,
        _ => return fail(reply, ClickError::ActionNotFound),
    };
    if !same(&sign(&creds.secret_key, form, action), &get("sign_string").to_ascii_lowercase())
        || get("service_id") != creds.service_id.to_string()
    {
        tracing::warn!(click_trans_id = %reply.click_trans_id, "Click call with a bad signature");
        return fail(reply, ClickError::SignCheckFailed);
    }
    if action != endpoint {
        return fail(reply, ClickError::ActionNotFound);
    }
    let amount_minor = (amount.unwrap_or(0.0) * 100.0).round() as i64;
    let trans = reply.click_trans_id.clone();
    let click_error: i64 = get("error").parse().unwrap_or(0);
    let prepare_id: Option<i64> = get("merchant_prepare_id").parse().ok();
    let actor = format!("click:{trans}");
    write_tx(conn, |tx| {
        let mut r = reply.clone();
        let Some(p) = ledger::by_public_id(tx, &r.merchant_trans_id)? else {
            return fail(r, ClickError::UserDoesNotExist);
        };
        let same_trans = p.provider_trans_id.as_deref() == Some(trans.as_str());
        if p.provider != ProviderId::Click {
            return fail(r, ClickError::UserDoesNotExist);
        }
        if p.currency != Currency::Uzs || p.amount_minor != amount_minor {
            return fail(r, ClickError::IncorrectAmount);
        }
        match action {
            Action::Prepare => match p.state {
                State::Paid => fail(r, ClickError::AlreadyPaid),
                State::Cancelled | State::Failed => fail(r, ClickError::TransactionCancelled),
                // a replay, or a new attempt after one that never completed
                State::Prepared | State::Pending => {
                    if !same_trans {
                        ledger::set_provider_trans(tx, &p, &trans)?;
                    }
                    if p.state == State::Pending {
                        ledger::transition(tx, &p, State::Prepared, &actor, "prepared", now)?;
                    }
                    r.merchant_id = Some(p.id);
                    Ok(r)
                }
            },
            Action::Complete => {
                if prepare_id != Some(p.id) {
                    return fail(r, ClickError::TransactionDoesNotExist);
                }
                match p.state {
                    // the same completion again: the same answer, nothing granted twice
                    State::Paid if same_trans => {
                        r.merchant_id = Some(p.id);
                        Ok(r)
                    }
                    State::Paid => fail(r, ClickError::AlreadyPaid),
                    State::Cancelled | State::Failed => fail(r, ClickError::TransactionCancelled),
                    State::Pending => fail(r, ClickError::TransactionDoesNotExist),
                    State::Prepared if !same_trans => fail(r, ClickError::TransactionDoesNotExist),
                    State::Prepared if click_error < 0 => {
                        // Click says the money did not move: cancel, grant nothing
                        let note = format!("Click reported error {click_error}: {}", get("error_note"));
                        ledger::transition(tx, &p, State::Cancelled, &actor, &note, now)?;
                        if let super::Item::Badge { request } = p.item {
                            tx.execute(
                                "UPDATE badge_requests SET state = 'cancelled' WHERE id = ?1 AND state = 'unpaid'",
                                [request],
                            )?;
                        }
                        fail(r, ClickError::TransactionCancelled)
                    }
                    State::Prepared => {
                        if !ledger::settle(tx, &p, &actor, "paid through Click", plans, now)? {
                            return fail(r, ClickError::FailedToUpdateUser);
                        }
                        r.merchant_id = Some(p.id);
                        Ok(r)
                    }
                }
            }
        }
    })
    .or_else(|e| {
        // our store failed: Click is told the grant did not happen (it retries or cancels)
        tracing::error!(error = %e, "Click call could not be recorded");
        fail(reply_with(form), ClickError::FailedToUpdateUser)
    })
}

fn reply_with(form: &HashMap<String, String>) -> Reply {
    let get = |k: &str| form.get(k).map(|s| s.trim().to_owned()).unwrap_or_default();
    Reply {
        error: ClickError::FailedToUpdateUser,
        click_trans_id: get("click_trans_id"),
        merchant_trans_id: get("merchant_trans_id"),
        merchant_id: None,
    }
}

/// Click as a provider: the buyer goes to Click's payment page with our payment's id.
pub struct Click {
    /// Credentials.
    pub creds: Credentials,
}

impl PaymentProvider for Click {
    fn id(&self) -> ProviderId {
        ProviderId::Click
    }

    fn checkout(&self, p: &Payment, return_url: &str) -> Checkout {
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("service_id", &self.creds.service_id.to_string())
            .append_pair("merchant_id", &self.creds.merchant_id.to_string())
            .append_pair("amount", &super::format_minor(p.amount_minor, p.currency))
            .append_pair("transaction_param", &p.public_id)
            .append_pair("return_url", return_url)
            .finish();
        Checkout::Redirect(format!("https://my.click.uz/services/pay?{query}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_documented_md5() {
        let f: HashMap<String, String> = [
            ("click_trans_id", "123"),
            ("service_id", "77"),
            ("merchant_trans_id", "abc"),
            ("merchant_prepare_id", "5"),
            ("amount", "30000"),
            ("action", "1"),
            ("sign_time", "2026-11-29 10:00:00"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        // the fields in the documented order, concatenated by hand
        let expected: String = Md5::digest(b"12377secretabc53000012026-11-29 10:00:00")
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(sign("secret", &f, Action::Complete), expected);
        let prepare: String = Md5::digest(b"12377secretabc3000012026-11-29 10:00:00")
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            sign("secret", &f, Action::Prepare),
            prepare,
            "prepare signs without merchant_prepare_id"
        );
        assert!(same("ab", "ab") && !same("ab", "ac") && !same("ab", "abc"));
    }
}
