//! The Telegram channel against a fake Bot API on 127.0.0.1: posts with escaped text and the
//! photo, edits and deletions follow the ad, failures are retried with backoff and counted,
//! the outbox survives a restart, and a channel turned off is sent nothing.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use uzmat::config::Secret;
use uzmat::jobs::Job;

use crate::ads_posting::{jpeg, rent_fields};
use crate::support::client::Client;
use crate::support::{TestApp, spawn_with};

const TOKEN: &str = "123456:TEST-token";
const CHANNEL: &str = "@uzmat_test";
const TITLE: &str = "Кран <b>&</b> Ивеко 25 т";

/// One request the fake received.
#[derive(Debug, Clone)]
struct Call {
    method: String,
    path: String,
    content_type: String,
    body: Vec<u8>,
}

impl Call {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }

    /// A multipart field's bytes.
    fn part(&self, name: &str) -> Option<Vec<u8>> {
        let boundary = self.content_type.split("boundary=").nth(1)?;
        let delimiter = format!("--{boundary}");
        let body = &self.body;
        let header = format!("name=\"{name}\"");
        let mut at = 0;
        while let Some(start) = find(&body[at..], delimiter.as_bytes()).map(|i| i + at) {
            let part = start + delimiter.len();
            let head_end = find(&body[part..], b"\r\n\r\n")? + part;
            let next = find(&body[head_end..], delimiter.as_bytes())? + head_end;
            if String::from_utf8_lossy(&body[part..head_end]).contains(&header) {
                return Some(body[head_end + 4..next - 2].to_vec());
            }
            at = next;
        }
        None
    }

    fn text_part(&self, name: &str) -> String {
        String::from_utf8(self.part(name).unwrap_or_else(|| panic!("no {name} part")))
            .expect("utf-8")
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A Bot API that records calls and answers them, or fails the next ones as told.
struct FakeBot {
    url: String,
    calls: Arc<Mutex<Vec<Call>>>,
    failures: Arc<Mutex<VecDeque<(u16, String)>>>,
    stop: Arc<AtomicBool>,
    addr: std::net::SocketAddr,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl FakeBot {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let calls = Arc::new(Mutex::new(Vec::new()));
        let failures = Arc::new(Mutex::new(VecDeque::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (c, f, s) = (calls.clone(), failures.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            let mut next_id = 1000;
            for stream in listener.incoming() {
                if s.load(Ordering::Acquire) {
                    return;
                }
                let Ok(stream) = stream else { continue };
                let _ = serve(stream, &c, &f, &mut next_id);
            }
        });
        FakeBot { url: format!("http://{addr}"), calls, failures, stop, addr, thread: Some(thread) }
    }

    /// The next call answers `status` with this Bot API error body.
    fn fail_next(&self, status: u16, body: &str) {
        self.failures.lock().expect("lock").push_back((status, body.to_owned()));
    }

    fn calls(&self) -> Vec<Call> {
        self.calls.lock().expect("lock").clone()
    }
}

impl Drop for FakeBot {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        // wakes the accept loop so it sees the flag
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(
    stream: TcpStream,
    calls: &Mutex<Vec<Call>>,
    failures: &Mutex<VecDeque<(u16, String)>>,
    next_id: &mut i64,
) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let path = line.split_whitespace().nth(1).unwrap_or("").to_owned();
    let (mut length, mut content_type) = (0, String::new());
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h == "\r\n" {
            break;
        }
        let (name, value) = h.split_once(':').unwrap_or(("", ""));
        match name.to_ascii_lowercase().as_str() {
            "content-length" => length = value.trim().parse().unwrap_or(0),
            "content-type" => content_type = value.trim().to_owned(),
            _ => {}
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let method = path.rsplit('/').next().unwrap_or("").to_owned();
    calls.lock().expect("lock").push(Call { method: method.clone(), path, content_type, body });
    let (status, answer) = match failures.lock().expect("lock").pop_front() {
        Some(failure) => failure,
        None if method.starts_with("send") => {
            *next_id += 1;
            (
                200,
                format!(
                    r#"{{"ok":true,"result":{{"message_id":{next_id},"chat":{{"id":-100}}}}}}"#
                ),
            )
        }
        None => (200, r#"{"ok":true,"result":true}"#.to_owned()),
    };
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
        answer.len()
    )?;
    stream.flush()
}

fn spawn(bot: &FakeBot, enabled: bool) -> TestApp {
    let url = bot.url.clone();
    spawn_with(move |c| {
        c.telegram.enabled = enabled;
        c.telegram.bot_token = Secret(TOKEN.into());
        c.telegram.channel_id = CHANNEL.into();
        c.telegram.api_base = url;
        c.server.public_url = "https://uzmat.test".into();
    })
}

/// What the scheduler does each tick.
fn deliver(app: &TestApp) {
    app.state.jobs.enqueue(Job::Telegram);
    app.drain();
}

/// Signs up a seller and posts a rent ad titled [`TITLE`] through the form (with one photo,
/// or none); returns the client and the ad's id.
fn post_ad(app: &TestApp, with_photo: bool) -> (Client<'_>, i64) {
    let c = Client::new(app);
    c.sign_up("Продавец", "seller@example.kz", "ковш и стрела 2024");
    c.get("/ads/new?kind=rent");
    let mut fields = rent_fields();
    fields.retain(|(k, _)| *k != "title");
    fields.push(("title", TITLE));
    let photo = jpeg(320, 240, 40);
    let files: &[(&str, &str, &str, &[u8])] =
        if with_photo { &[("photos", "a.jpg", "image/jpeg", &photo)] } else { &[] };
    let r = c.post_multipart("/ads/new?kind=rent", &fields, files);
    assert_eq!(r.status, 303, "the poster is answered at once: {}", r.body);
    let id = app.db().query_row("SELECT max(id) FROM ads", [], |r| r.get(0)).expect("ad");
    // photo sizes are made by their job
    app.drain();
    (c, id)
}

/// (op, attempts, sent, last_error, seconds until due) of every outbox row, oldest first.
fn outbox(app: &TestApp) -> Vec<(String, i64, bool, Option<String>, i64)> {
    let now = uzmat::db::now();
    app.db()
        .prepare(
            "SELECT op, attempts, sent_at IS NOT NULL, last_error, next_attempt_at - ?1
             FROM telegram_outbox ORDER BY id",
        )
        .expect("prepare")
        .query_map([now], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

fn message_of(app: &TestApp, ad: i64) -> Option<(i64, bool)> {
    app.db()
        .query_row(
            "SELECT message_id, with_photo FROM telegram_posts WHERE ad_id = ?1",
            [ad],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .ok()
}

#[test]
fn a_published_ad_is_posted_once_with_escaped_text_and_its_photo_and_edits_and_removals_follow() {
    let bot = FakeBot::start();
    let app = spawn(&bot, true);
    let (c, id) = post_ad(&app, true);
    assert!(bot.calls().is_empty(), "the poster's request sends nothing itself");
    deliver(&app);
    let calls = bot.calls();
    assert_eq!(calls.len(), 1, "{calls:?}");
    let post = &calls[0];
    assert_eq!(post.method, "sendPhoto");
    assert!(post.path.starts_with(&format!("/bot{TOKEN}/")), "{}", post.path);
    assert_eq!(post.text_part("chat_id"), CHANNEL);
    assert_eq!(post.text_part("parse_mode"), "HTML");
    let slug: String =
        app.db().query_row("SELECT slug FROM ads WHERE id = ?1", [id], |r| r.get(0)).expect("slug");
    assert_eq!(
        post.text_part("caption"),
        format!(
            "<b>Кран &lt;b&gt;&amp;&lt;/b&gt; Ивеко 25 т</b>\n15\u{2009}000 ₸/час\nАлматы\nhttps://uzmat.test/ad/{id}-{slug}"
        )
    );
    let photo = post.part("photo").expect("the photo is uploaded");
    assert!(photo.starts_with(&[0xFF, 0xD8]), "a JPEG");
    let message = message_of(&app, id).expect("the message is remembered");
    assert!(message.1, "sent with a photo");
    assert!(matches!(&outbox(&app)[..], [(op, 0, true, None, _)] if op == "post"));
    deliver(&app);
    assert_eq!(bot.calls().len(), 1, "posted once");

    // an edit edits the caption of that message
    c.get(&format!("/ad/{id}/edit"));
    let photo_id: i64 = app
        .db()
        .query_row("SELECT id FROM ad_photos WHERE ad_id = ?1", [id], |r| r.get(0))
        .expect("photo");
    let token = format!("p{photo_id}");
    let mut fields = rent_fields();
    fields.retain(|(k, _)| *k != "price");
    fields.push(("price", "18000"));
    fields.push(("photo", &token));
    assert_eq!(c.post_multipart(&format!("/ad/{id}/edit"), &fields, &[]).status, 303);
    deliver(&app);
    let calls = bot.calls();
    let edit = calls.last().expect("edit");
    assert_eq!(edit.method, "editMessageCaption");
    let body = edit.json();
    assert_eq!(body["message_id"], message.0);
    assert_eq!(body["chat_id"], CHANNEL);
    assert_eq!(body["parse_mode"], "HTML");
    let caption = body["caption"].as_str().expect("caption");
    assert!(
        caption.starts_with("<b>Аренда экскаватора-погрузчика JCB 3CX</b>\n18\u{2009}000 ₸/час"),
        "{caption}"
    );

    // unpublishing deletes the message, publishing again posts anew
    c.get("/my/ads");
    assert_eq!(c.post(&format!("/ad/{id}/deactivate"), &[]).status, 303);
    deliver(&app);
    let calls = bot.calls();
    let delete = calls.last().expect("delete");
    assert_eq!(delete.method, "deleteMessage");
    assert_eq!(delete.json()["message_id"], message.0);
    assert_eq!(message_of(&app, id), None);
    assert_eq!(c.post(&format!("/ad/{id}/activate"), &[]).status, 303);
    deliver(&app);
    assert_eq!(bot.calls().last().expect("post").method, "sendPhoto");
    let again = message_of(&app, id).expect("posted again");
    assert_ne!(again.0, message.0);

    // deleting the ad deletes the new message
    assert_eq!(c.post(&format!("/ad/{id}/delete"), &[]).status, 303);
    deliver(&app);
    let calls = bot.calls();
    assert_eq!(calls.last().expect("delete").method, "deleteMessage");
    assert_eq!(calls.last().expect("delete").json()["message_id"], again.0);
    let methods: Vec<&str> = calls.iter().map(|c| c.method.as_str()).collect();
    assert_eq!(
        methods,
        ["sendPhoto", "editMessageCaption", "deleteMessage", "sendPhoto", "deleteMessage"]
    );
    assert!(outbox(&app).iter().all(|row| row.2), "every row sent: {:?}", outbox(&app));
}

#[test]
fn an_ad_without_photos_is_a_text_message_and_edited_as_text() {
    let bot = FakeBot::start();
    let app = spawn(&bot, true);
    let (c, id) = post_ad(&app, false);
    deliver(&app);
    let calls = bot.calls();
    assert_eq!(calls[0].method, "sendMessage");
    let body = calls[0].json();
    assert_eq!(body["parse_mode"], "HTML");
    assert!(body["text"].as_str().expect("text").starts_with("<b>Кран &lt;b&gt;&amp;&lt;/b&gt;"));
    assert_eq!(message_of(&app, id).map(|m| m.1), Some(false));
    c.get(&format!("/ad/{id}/edit"));
    assert_eq!(c.post_multipart(&format!("/ad/{id}/edit"), &rent_fields(), &[]).status, 303);
    deliver(&app);
    assert_eq!(bot.calls().last().expect("edit").method, "editMessageText");
}

#[test]
fn api_errors_are_retried_with_backoff_and_counted_and_never_reach_the_poster() {
    let bot = FakeBot::start();
    let app = spawn(&bot, true);
    bot.fail_next(500, r#"{"ok":false,"error_code":500,"description":"Internal Server Error"}"#);
    bot.fail_next(
        429,
        r#"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 300","parameters":{"retry_after":300}}"#,
    );
    let (_c, id) = post_ad(&app, true);
    let failed = r#"uzmat_jobs_failed_total{kind="telegram"}"#;
    assert_eq!(app.metric(failed), 0.0);

    deliver(&app);
    let rows = outbox(&app);
    let (_, attempts, sent, error, due_in) = &rows[0];
    assert_eq!((*attempts, *sent), (1, false));
    let error = error.as_deref().expect("the error is kept");
    assert!(error.contains("500 Internal Server Error"), "{error}");
    assert!(!error.contains(TOKEN) && !error.contains("TEST-token"), "the token leaked: {error}");
    assert!((55..=60).contains(due_in), "a minute's backoff: {due_in}");
    assert_eq!(app.metric(failed), 1.0, "the failure is counted");
    deliver(&app);
    assert_eq!(bot.calls().len(), 1, "not tried again before its time");

    // the minute passes: the 429's retry_after (300 s) outweighs the 2 minutes' backoff
    app.db().execute("UPDATE telegram_outbox SET next_attempt_at = 0", []).expect("time passes");
    deliver(&app);
    let (_, attempts, sent, error, due_in) = outbox(&app).remove(0);
    assert_eq!((attempts, sent), (2, false));
    assert!(error.expect("error").contains("429"));
    assert!((295..=300).contains(&due_in), "retry_after honoured: {due_in}");
    assert_eq!(app.metric(failed), 2.0);

    app.db().execute("UPDATE telegram_outbox SET next_attempt_at = 0", []).expect("time passes");
    deliver(&app);
    assert_eq!(bot.calls().len(), 3);
    assert!(outbox(&app)[0].2, "sent on the third try");
    assert!(message_of(&app, id).is_some());
    assert_eq!(app.metric(failed), 2.0);
    // the site went on answering throughout
    let slug: String =
        app.db().query_row("SELECT slug FROM ads WHERE id = ?1", [id], |r| r.get(0)).expect("slug");
    assert_eq!(app.get(&format!("/ad/{id}-{slug}")).status, 200);
}

#[test]
fn a_row_is_given_up_after_ten_failures() {
    let bot = FakeBot::start();
    let app = spawn(&bot, true);
    let (_c, _id) = post_ad(&app, false);
    app.db().execute("UPDATE telegram_outbox SET attempts = 9", []).expect("nine failures");
    bot.fail_next(
        400,
        r#"{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}"#,
    );
    deliver(&app);
    let (_, attempts, sent, error, _) = outbox(&app).remove(0);
    assert_eq!((attempts, sent), (10, false));
    assert!(error.expect("error").contains("chat not found"));
    app.db().execute("UPDATE telegram_outbox SET next_attempt_at = 0", []).expect("time passes");
    deliver(&app);
    assert_eq!(bot.calls().len(), 1, "given up: not tried again");
}

#[test]
fn the_outbox_survives_a_restart() {
    let bot = FakeBot::start();
    let app = spawn(&bot, true);
    let (_c, id) = post_ad(&app, true);
    // the server stops before any job took the row: nothing was sent, the row waits
    assert!(bot.calls().is_empty());
    assert!(matches!(&outbox(&app)[..], [(op, 0, false, None, _)] if op == "post"));
    let app = app.restart();
    // the scheduler's first run after the start delivered it
    let calls = bot.calls();
    assert_eq!(calls.iter().map(|c| c.method.as_str()).collect::<Vec<_>>(), ["sendPhoto"]);
    assert!(outbox(&app)[0].2);
    assert!(message_of(&app, id).is_some());
}

#[test]
fn a_channel_turned_off_is_sent_nothing() {
    let bot = FakeBot::start();
    let app = spawn(&bot, false);
    let (c, id) = post_ad(&app, true);
    deliver(&app);
    c.get(&format!("/ad/{id}/edit"));
    assert_eq!(c.post_multipart(&format!("/ad/{id}/edit"), &rent_fields(), &[]).status, 303);
    assert_eq!(c.post(&format!("/ad/{id}/delete"), &[]).status, 303);
    deliver(&app);
    assert!(bot.calls().is_empty(), "{:?}", bot.calls());
    assert!(outbox(&app).is_empty(), "waiting rows are dropped: {:?}", outbox(&app));
}
