//! Bad input on every route of the real binary: a corpus of broken paths, queries, bodies and
//! uploads (bad UTF-8, overlong and repeated fields, wrong content types, broken multipart, a
//! decompression-bomb PNG, a truncated JPEG, SVG and HTML dressed as images, 100 files, huge
//! and negative numbers), sent anonymously, as a user and as staff. None may answer 5xx, the
//! server must stay up within twice its idle memory, and nothing may change in the database.

use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

use crate::ads_posting::jpeg;
use crate::support::server::Server;

/// Values put where a route takes a parameter.
fn params() -> Vec<String> {
    vec![
        "0".into(),
        "-1".into(),
        "99999999999999999999999".into(),
        "abc".into(),
        "%FF%FE".into(),
        "1%00".into(),
        "..%2F..%2Fetc%2Fpasswd".into(),
        "x".repeat(3000),
        "1.5".into(),
        "+7".into(),
        "%E2%80%AE1".into(),
        "1%3BDROP%20TABLE%20ads".into(),
    ]
}

/// Query strings for GET routes.
fn queries() -> Vec<String> {
    vec![
        String::new(),
        "?page=-1".into(),
        "?page=99999999999".into(),
        "?page=abc&page=2".into(),
        "?q=%FF%FE%FD".into(),
        format!("?q={}", "%D0%AF".repeat(4000)),
        "?%00=%00".into(),
        "?before=-5&after=abc&support=%C3%28".into(),
        "?state=%C3%28&provider=x&item=&price_from=-9e99".into(),
    ]
}

/// A PNG header claiming 30,000 × 30,000 pixels: a decompression bomb if anyone decoded it.
fn bomb_png() -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    png.extend_from_slice(&30_000u32.to_be_bytes());
    png.extend_from_slice(&30_000u32.to_be_bytes());
    png.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
    png.extend_from_slice(b"\x00\x00\x00\x00IDAT\x78\x9c");
    png
}

fn multipart(boundary: &str, parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, file, bytes) in parts {
        out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file {
            Some(f) => out.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: image/jpeg\r\n\r\n").as_bytes(),
            ),
            None => out.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes()),
        }
        out.extend_from_slice(bytes);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    out
}

/// POST bodies: (content type, body). `TOKEN` is replaced by the actor's form token.
fn bodies() -> Vec<(String, Vec<u8>)> {
    let b = "corpus-boundary";
    let form = "application/x-www-form-urlencoded".to_owned();
    let mp = format!("multipart/form-data; boundary={b}");
    let tok = b"TOKEN" as &[u8];
    let photo = jpeg(32, 24, 7);
    let truncated = photo[..photo.len() / 2].to_vec();
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"></svg>".to_vec();
    let html = b"<html><script>alert(1)</script></html>".to_vec();
    let many: Vec<(&str, Option<&str>, &[u8])> = (0..100)
        .map(|_| ("photos", Some("p.jpg"), &photo[..]))
        .chain([("csrf_token", None, tok)])
        .collect();
    vec![
        (form.clone(), b"text=%C3%28%FF&name=%C3&csrf_token=TOKEN".to_vec()),
        (form.clone(), format!("text={}&csrf_token=TOKEN", "a".repeat(200_000)).into_bytes()),
        (form.clone(), b"plan=gold&plan=vip&reason=spam&reason=x&id=1&id=-1&kind=ad&kind=bogus&csrf_token=TOKEN".to_vec()),
        (form.clone(), b"text=%00%01%02&comment=%7F&csrf_token=TOKEN".to_vec()),
        (form.clone(), b"text=hello".to_vec()),
        ("application/json".into(), b"{\"text\": \"hello\", \"csrf_token\": \"TOKEN\"}".to_vec()),
        ("text/plain".into(), b"csrf_token=TOKEN".to_vec()),
        (format!("multipart/form-data; boundary={b}-other"), multipart(b, &[("csrf_token", None, tok)])),
        (mp.clone(), multipart(b, &[("csrf_token", None, tok)])[..40].to_vec()),
        (mp.clone(), multipart(b, &[("csrf_token", None, tok), ("images", Some("bomb.png"), &bomb_png()), ("photos", Some("bomb.png"), &bomb_png()), ("document", Some("bomb.png"), &bomb_png())])),
        (mp.clone(), multipart(b, &[("csrf_token", None, tok), ("images", Some("cut.jpg"), &truncated), ("photos", Some("cut.jpg"), &truncated), ("avatar", Some("cut.jpg"), &truncated)])),
        (mp.clone(), multipart(b, &[("csrf_token", None, tok), ("images", Some("x.jpg"), &svg), ("photos", Some("x.jpg"), &svg), ("document", Some("x.jpg"), &svg)])),
        (mp.clone(), multipart(b, &[("csrf_token", None, tok), ("images", Some("x.jpg"), &html), ("avatar", Some("x.jpg"), &html)])),
        (mp, multipart(b, &many)),
    ]
}

/// One request of the corpus: method, path, (content type, body) for a POST, and the actor.
type Request = (&'static str, String, Option<(String, Vec<u8>)>, usize);

/// Counts of what bad input must not change.
fn fingerprint(db: &std::path::Path) -> Vec<i64> {
    let db = rusqlite::Connection::open(db).expect("db");
    db.busy_timeout(Duration::from_secs(5)).expect("busy");
    [
        "users",
        "ads",
        "ad_photos",
        "favorites",
        "freight_ads",
        "chat_messages",
        "chat_images",
        "reports",
        "payments",
        "badge_requests",
        "flags",
        "audit_log",
        "broadcasts",
        "user_blocks",
        "photo_uploads",
    ]
    .iter()
    .map(|t| db.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0)).expect("count"))
    .collect()
}

fn vm_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

#[test]
fn twenty_thousand_bad_requests_over_every_route_answer_no_5xx_and_change_nothing() {
    // the routes, read from the router itself (an in-process app only lends its router)
    let routes = {
        let app = crate::support::spawn_app();
        crate::access::routes::routes_of(&uzmat::web::router(app.state.clone())).expect("routes")
    };
    let server = Server::start(&[("UZMAT_AUTH__SIGNUPS_PER_IP_PER_HOUR", "1000000")]);
    let base = format!("http://{}", server.addr);
    let user_cookie = server.session("Пользователь");
    let staff_cookie = {
        let c = server.session("Модератор");
        let db = rusqlite::Connection::open(server.dir.path().join("data/uzmat.db")).expect("db");
        db.busy_timeout(Duration::from_secs(5)).expect("busy");
        db.execute("UPDATE users SET is_staff = 1 WHERE id = (SELECT max(id) FROM users)", [])
            .expect("staff");
        c
    };
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into();
    // each actor's form token, from a page
    let token_of = |cookie: &str| -> (String, String) {
        let mut r =
            agent.get(&format!("{base}/about")).header("cookie", cookie).call().expect("about");
        let mut cookies: Vec<String> = vec![cookie.to_owned()];
        for v in r.headers().get_all("set-cookie") {
            if let Some(kv) = v.to_str().unwrap_or("").split(';').next() {
                cookies.push(kv.to_owned());
            }
        }
        let body = r.body_mut().read_to_string().unwrap_or_default();
        let needle = "name=\"csrf_token\" value=\"";
        let at = body.find(needle).expect("a form token") + needle.len();
        (cookies.join("; "), body[at..at + body[at..].find('"').expect("end")].to_owned())
    };
    let actors: Vec<(String, String)> =
        ["", user_cookie.as_str(), staff_cookie.as_str()].iter().map(|c| token_of(c)).collect();
    let db_path = server.dir.path().join("data/uzmat.db");
    for _ in 0..20 {
        let _ = agent.get(&format!("{base}/")).call();
    }
    let idle_kib = vm_rss_kib(server.child.id());
    let before = fingerprint(&db_path);

    // the requests: every route × every parameter value × every query or body × every actor
    let mut requests: Vec<Request> = Vec::new();
    let bodies = bodies();
    for route in &routes {
        if route.pattern == "/chats/live" {
            continue; // a WebSocket: tests/it/chats.rs
        }
        let filled: Vec<String> = if route.pattern.contains('{') {
            params()
                .into_iter()
                .map(|v| {
                    let mut p = route.pattern.clone();
                    while let (Some(a), Some(b)) = (p.find('{'), p.find('}')) {
                        p.replace_range(a..=b, &v);
                    }
                    p
                })
                .collect()
        } else {
            vec![route.pattern.clone()]
        };
        for path in &filled {
            for actor in 0..actors.len() {
                if route.methods.contains(&"GET") {
                    for q in queries() {
                        requests.push(("GET", format!("{path}{q}"), None, actor));
                    }
                }
                if route.methods.contains(&"POST") {
                    for (ct, body) in &bodies {
                        requests.push((
                            "POST",
                            path.clone(),
                            Some((ct.clone(), body.clone())),
                            actor,
                        ));
                    }
                }
            }
        }
    }
    let total = requests.len();
    assert!(total >= 20_000, "the corpus is {total} requests");

    let requests = Arc::new(requests);
    let actors = Arc::new(actors);
    let threads = 4;
    let failures: Vec<String> = (0..threads)
        .map(|t| {
            let (requests, actors, base, agent) =
                (requests.clone(), actors.clone(), base.clone(), agent.clone());
            std::thread::spawn(move || {
                let mut bad = Vec::new();
                for (method, path, body, actor) in requests.iter().skip(t).step_by(threads) {
                    let (cookie, token) = &actors[*actor];
                    let url = format!("{base}{path}");
                    let result = match body {
                        None => agent
                            .get(&url)
                            .header("cookie", cookie)
                            .header("user-agent", "corpus/1")
                            .call(),
                        Some((ct, bytes)) => {
                            let bytes =
                                String::from_utf8_lossy(bytes).replace("TOKEN", token).into_bytes();
                            agent
                                .post(&url)
                                .header("cookie", cookie)
                                .header("user-agent", "corpus/1")
                                .header("content-type", ct)
                                .send(&bytes[..])
                        }
                    };
                    match result {
                        Ok(mut r) => {
                            let status = r.status().as_u16();
                            let _ = r.body_mut().as_reader().read_to_end(&mut Vec::new());
                            if status >= 500 {
                                bad.push(format!(
                                    "{method} {} as actor {actor}: {status}",
                                    &path[..path.len().min(120)]
                                ));
                            }
                        }
                        // a connection the server closed after a refused oversized body is fine
                        Err(ureq::Error::Io(_)) | Err(ureq::Error::ConnectionFailed) => {}
                        Err(e) => {
                            bad.push(format!("{method} {}: {e}", &path[..path.len().min(120)]))
                        }
                    }
                }
                bad
            })
        })
        .flat_map(|t| t.join().expect("client"))
        .collect();
    let peak_kib = vm_rss_kib(server.child.id());
    let health = agent.get(&format!("{base}/healthz")).call().expect("healthz").status().as_u16();
    let after = fingerprint(&db_path);
    eprintln!(
        "corpus: {total} requests, {} failures; VmRSS idle {idle_kib} KiB, after {peak_kib} KiB",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} bad answers, the first:\n{}",
        failures.len(),
        failures[..failures.len().min(20)].join("\n")
    );
    assert_eq!(health, 200, "the server is up");
    assert!(
        peak_kib < 2 * idle_kib.max(1),
        "RSS {peak_kib} KiB, over twice the idle {idle_kib} KiB"
    );
    assert_eq!(after, before, "bad input changed the database");
    assert!(!server.log().contains("panicked"), "a panic in the server log");
}
