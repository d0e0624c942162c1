//! The `Telegram` job: takes the channel outbox's due rows and posts, edits or deletes the ad's
//! message over the Bot API (HTTPS, a blocking client with a timeout). A failure is recorded on
//! its row and tried again after a backoff; nobody waiting on a page ever sees it.

use std::time::Duration;

use rusqlite::Connection;
use serde_json::{Value, json};

use super::Settings;
use super::worker::JobError;
use crate::domain::ads::{AdDetail, repo};
use crate::domain::telegram::{self as outbox, Delivery, MAX_ATTEMPTS, Op, Posted};
use crate::i18n::Lang;

/// Rows read per query.
const BATCH: u32 = 20;
/// Most rows one run delivers: a long queue is spread over ticks, not held in one job.
const MOST_PER_RUN: usize = 100;
/// How long a claimed row is not due (longer than any call takes).
const LEASE_SECONDS: i64 = 600;
/// One Bot API call, connect to last byte.
const TIMEOUT: Duration = Duration::from_secs(20);
/// The first retry waits a minute, each next one twice as long, up to six hours.
const BACKOFF_BASE_SECONDS: i64 = 60;
const BACKOFF_MAX_SECONDS: i64 = 6 * 3600;

/// Delivers what is due; waiting rows are dropped when the channel is turned off. An error
/// means some delivery failed (each is logged and left for its retry).
pub(super) fn deliver_due(conn: &mut Connection, settings: &Settings) -> Result<(), JobError> {
    let cfg = &settings.telegram;
    if !cfg.enabled {
        let dropped = outbox::drop_unsent(conn)?;
        if dropped > 0 {
            tracing::debug!(dropped, "telegram is off: waiting channel posts dropped");
        }
        return Ok(());
    }
    let api = Api::new(settings);
    let (mut taken, mut failed) = (0, 0);
    while taken < MOST_PER_RUN {
        let now = crate::db::now();
        let due = outbox::due(conn, now, BATCH)?;
        if due.is_empty() {
            break;
        }
        for d in due {
            if !outbox::claim(conn, d.id, now, now + LEASE_SECONDS)? {
                continue;
            }
            taken += 1;
            if let Err(f) = deliver(conn, &api, settings, &d)? {
                failed += 1;
                let attempts = d.attempts + 1;
                let wait = backoff(attempts).max(f.retry_after.unwrap_or(0));
                let now = crate::db::now();
                outbox::mark_failed(conn, d.id, &f.text, now + wait)?;
                let (ad_id, op) = (d.ad_id, d.op.code());
                if attempts >= MAX_ATTEMPTS {
                    tracing::error!(%ad_id, op, attempts, error = %f.text, "telegram delivery given up");
                } else {
                    tracing::warn!(%ad_id, op, attempts, retry_in_s = wait, error = %f.text, "telegram delivery failed; will retry");
                }
            }
        }
    }
    if failed > 0 {
        Err(JobError::Telegram(format!("{failed} delivery(ies) failed")))
    } else {
        Ok(())
    }
}

/// Seconds to wait after the `attempts`-th failure.
fn backoff(attempts: u32) -> i64 {
    (BACKOFF_BASE_SECONDS << attempts.saturating_sub(1).min(16)).min(BACKOFF_MAX_SECONDS)
}

/// Does one row: the outer error is the database's, the inner one the Bot API's.
fn deliver(
    conn: &mut Connection,
    api: &Api<'_>,
    settings: &Settings,
    d: &Delivery,
) -> rusqlite::Result<Result<(), Failure>> {
    let now = crate::db::now();
    let posted = outbox::posted(conn, d.ad_id)?;
    // read when sent, not when queued: a post carries the ad's latest text
    let live = repo::get_detail(conn, d.ad_id, now)?.filter(|ad| ad.card.is_active);
    match (d.op, posted, live) {
        (Op::Post, None, Some(ad)) => {
            let text = caption(&ad, &settings.public_url);
            let photo = ad.photos.first().and_then(|p| {
                std::fs::read(settings.uploads_dir.join(&p.path))
                    .inspect_err(|e| tracing::warn!(ad_id = %d.ad_id, path = %p.path, error = %e, "photo unreadable: posting text only"))
                    .ok()
            });
            let with_photo = photo.is_some();
            match api.post(&text, photo) {
                Ok(message_id) => {
                    let post = Posted { message_id, with_photo };
                    outbox::record_post(conn, d.id, d.ad_id, post, now)?;
                    tracing::info!(ad_id = %d.ad_id, message_id, "ad posted to telegram");
                    Ok(Ok(()))
                }
                Err(f) => Ok(Err(f)),
            }
        }
        (Op::Edit, Some(post), Some(ad)) => {
            match api.edit(post, &caption(&ad, &settings.public_url)) {
                Ok(()) => outbox::mark_sent(conn, d.id, now).map(Ok),
                Err(f) => Ok(Err(f)),
            }
        }
        (Op::Delete, Some(post), _) => match api.delete(post.message_id) {
            Ok(()) => {
                outbox::forget_post(conn, d.id, d.ad_id, now)?;
                tracing::info!(ad_id = %d.ad_id, message_id = post.message_id, "telegram post deleted");
                Ok(Ok(()))
            }
            Err(f) => Ok(Err(f)),
        },
        // already posted, gone or unpublished before its turn (a delete row follows), or
        // nothing in the channel to edit or delete: nothing to send
        _ => outbox::mark_sent(conn, d.id, now).map(Ok),
    }
}

/// The message: the title in bold, the price, the city and the ad's address, every part
/// escaped for Telegram's HTML.
fn caption(ad: &AdDetail, public_url: &str) -> String {
    let card = &ad.card;
    let url = format!("{}{}", public_url.trim_end_matches('/'), card.path());
    format!(
        "<b>{}</b>\n{}\n{}\n{}",
        escape(&card.title),
        escape(&Lang::Ru.price(&card.price)),
        escape(&card.city),
        escape(&url)
    )
}

/// Telegram's HTML knows these three entities (and `&quot;`, for attributes we do not write).
fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Why a call failed: shown in the log and on the row, the token never in it.
struct Failure {
    text: String,
    /// The API's `retry_after` on a 429, in seconds.
    retry_after: Option<i64>,
}

/// A client with a timeout that hands back error answers for their description.
fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(TIMEOUT))
        .http_status_as_error(false)
        .build()
        .into()
}

/// The Bot API for one channel.
struct Api<'a> {
    agent: ureq::Agent,
    /// `{api_base}/bot{token}`.
    base: String,
    token: &'a str,
    chat: &'a str,
}

impl<'a> Api<'a> {
    fn new(settings: &'a Settings) -> Self {
        let cfg = &settings.telegram;
        let agent = agent();
        let base = format!("{}/bot{}", cfg.api_base.trim_end_matches('/'), cfg.bot_token.0);
        Self { agent, base, token: &cfg.bot_token.0, chat: &cfg.channel_id }
    }

    /// sendPhoto (a multipart upload) or, without a photo, sendMessage; the new message's id.
    fn post(&self, text: &str, photo: Option<Vec<u8>>) -> Result<i64, Failure> {
        let result = match photo {
            Some(jpeg) => {
                let boundary = format!("uzmat-{:016x}", fastrand::u64(..));
                let mut body = Vec::with_capacity(jpeg.len() + text.len() + 512);
                for (name, value) in
                    [("chat_id", self.chat), ("caption", text), ("parse_mode", "HTML")]
                {
                    body.extend_from_slice(
                        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                            .as_bytes(),
                    );
                }
                body.extend_from_slice(
                    format!("--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"photo.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n")
                        .as_bytes(),
                );
                body.extend_from_slice(&jpeg);
                body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
                let content_type = format!("multipart/form-data; boundary={boundary}");
                self.call("sendPhoto", &content_type, &body)?
            }
            None => self.call_json(
                "sendMessage",
                &json!({ "chat_id": self.chat, "text": text, "parse_mode": "HTML" }),
            )?,
        };
        result["message_id"].as_i64().ok_or_else(|| Failure {
            text: "the answer has no message_id".into(),
            retry_after: None,
        })
    }

    /// editMessageCaption (a photo post) or editMessageText; "not modified" is done too.
    fn edit(&self, post: Posted, text: &str) -> Result<(), Failure> {
        let (method, field) = if post.with_photo {
            ("editMessageCaption", "caption")
        } else {
            ("editMessageText", "text")
        };
        let body = json!({
            "chat_id": self.chat, "message_id": post.message_id, field: text, "parse_mode": "HTML",
        });
        match self.call_json(method, &body) {
            Err(f) if f.text.contains("message is not modified") => Ok(()),
            other => other.map(drop),
        }
    }

    /// deleteMessage; a message already gone is done too.
    fn delete(&self, message_id: i64) -> Result<(), Failure> {
        let body = json!({ "chat_id": self.chat, "message_id": message_id });
        match self.call_json("deleteMessage", &body) {
            Err(f) if f.text.contains("message to delete not found") => Ok(()),
            other => other.map(drop),
        }
    }

    fn call_json(&self, method: &str, body: &Value) -> Result<Value, Failure> {
        self.call(method, "application/json", body.to_string().as_bytes())
    }

    /// One call; `result` of an `ok` answer, else the status and the API's description.
    fn call(&self, method: &str, content_type: &str, body: &[u8]) -> Result<Value, Failure> {
        let sent = self
            .agent
            .post(&format!("{}/{method}", self.base))
            .header("content-type", content_type)
            .send(body);
        let mut resp = sent.map_err(|e| self.failure(format!("{method}: {e}"), None))?;
        let status = resp.status().as_u16();
        let text = resp.body_mut().read_to_string().unwrap_or_default();
        let answer: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if status == 200 && answer["ok"] == Value::Bool(true) {
            return Ok(answer["result"].clone());
        }
        let description = answer["description"].as_str().unwrap_or("no description");
        let retry_after = answer["parameters"]["retry_after"].as_i64();
        Err(self.failure(format!("{method}: {status} {description}"), retry_after))
    }

    fn failure(&self, text: String, retry_after: Option<i64>) -> Failure {
        // the token is part of every URL: an error that quotes one must not leak it
        let text = if self.token.is_empty() { text } else { text.replace(self.token, "***") };
        Failure { text, retry_after }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ads::{AdCard, Kind, Price};
    use crate::domain::geo::{Country, Currency};
    use crate::domain::ids::{AdId, UserId};

    #[test]
    fn the_caption_escapes_every_part_and_links_the_ad() {
        let card = AdCard {
            id: AdId(7),
            slug: "kran-b-7".into(),
            kind: Kind::Sale,
            title: "Кран <b>&</b> \"Ивеко\"".into(),
            country: Country::Kz,
            city: "Алматы <i>".into(),
            price: Price {
                minor: Some(125_000_000),
                currency: Currency::Kzt,
                unit: None,
                usd_cents: None,
            },
            photo: None,
            plan: None,
            views: 0,
            bumped_at: 0,
            seller_verified: false,
            is_active: true,
        };
        let ad = AdDetail {
            card,
            owner_id: UserId(1),
            description: String::new(),
            phone: None,
            equipment_type: None,
            brand: None,
            model: None,
            year: None,
            with_operator: None,
            min_order: None,
            power_hp: None,
            weight_t: None,
            condition: None,
            engine_hours: None,
            service_name: None,
            part_name: None,
            created_at: 0,
            photos: Vec::new(),
            seller: None,
            hidden_reason: None,
            held: false,
            awaiting_email: false,
            photos_elsewhere: None,
        };
        let text = caption(&ad, "https://uzmat.kz/");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "<b>Кран &lt;b&gt;&amp;&lt;/b&gt; \"Ивеко\"</b>");
        assert!(lines[1].starts_with("1\u{2009}250\u{2009}000 "), "{}", lines[1]);
        assert_eq!(lines[2], "Алматы &lt;i&gt;");
        assert_eq!(lines[3], "https://uzmat.kz/ad/7-kran-b-7");
    }

    #[test]
    fn https_is_built_in() {
        // a peer that drops the connection: the TLS handshake starts, then fails
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let peer = std::thread::spawn(move || drop(listener.accept()));
        let err =
            agent().post(&format!("https://{addr}/x")).send(&b""[..]).expect_err("no TLS peer");
        let _ = peer.join();
        // an I/O error of the handshake, not "no TLS built in"
        assert!(matches!(err, ureq::Error::Io(_)), "{err:?}");
    }

    #[test]
    fn backoff_doubles_from_a_minute_up_to_six_hours() {
        let waits: Vec<i64> = (1..=MAX_ATTEMPTS).map(backoff).collect();
        assert_eq!(&waits[..4], [60, 120, 240, 480]);
        assert_eq!(waits.last(), Some(&BACKOFF_MAX_SECONDS));
        assert!(waits.windows(2).all(|w| w[0] <= w[1]));
    }
}
