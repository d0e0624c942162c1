//! Slow and idle clients (issue 9): header, keep-alive and body timeouts, the connection cap,
//! and a SIGTERM of the real binary with such clients open. Raw TCP, each test bounded.

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::build::{Ad, user};
use crate::support::client::Client;
use crate::support::{BROWSER_UA, TestApp, spawn_with};

/// An app whose clocks are short enough to watch.
fn app(header_timeout_seconds: u64, max_connections: usize) -> TestApp {
    spawn_with(|c| {
        c.server.header_timeout_seconds = header_timeout_seconds;
        c.server.body_timeout_seconds = 2;
        c.server.body_min_bytes_per_second = 1024;
        c.server.max_connections = max_connections;
        c.server.shutdown_grace_seconds = 1;
    })
}

fn connect(addr: SocketAddr) -> TcpStream {
    let s = TcpStream::connect(addr).expect("connect");
    s.set_nodelay(true).expect("nodelay");
    s
}

/// Reads until the server closes the connection; returns when that was and what it sent.
/// Fails if the connection is still open after `limit`.
fn wait_closed(s: &mut TcpStream, limit: Duration) -> (Duration, String) {
    let started = Instant::now();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let left = limit.saturating_sub(started.elapsed());
        assert!(
            !left.is_zero(),
            "still open after {limit:?}; got {:?}",
            String::from_utf8_lossy(&got)
        );
        s.set_read_timeout(Some(left)).expect("timeout");
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => break, // reset: closed as well
        }
    }
    (started.elapsed(), String::from_utf8_lossy(&got).into_owned())
}

/// Reads one response with a Content-Length body; returns its head and body.
fn read_response(s: &mut TcpStream) -> (String, String) {
    s.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    let mut r = BufReader::new(s);
    let mut head = String::new();
    let mut length = 0;
    loop {
        let mut line = String::new();
        r.read_line(&mut line).expect("head line");
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().expect("length");
        }
        if line == "\r\n" || line.is_empty() {
            break;
        }
        head.push_str(&line);
    }
    let mut body = vec![0; length];
    r.read_exact(&mut body).expect("body");
    (head, String::from_utf8_lossy(&body).into_owned())
}

fn assert_between(took: Duration, low: f64, high: f64, what: &str) {
    let s = took.as_secs_f64();
    assert!(low <= s && s <= high, "{what}: {s:.2} s, expected {low}..{high} s");
}

#[test]
fn half_sent_head_is_closed_at_the_header_timeout() {
    let app = app(2, 512);
    let mut s = connect(app.addr);
    s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").expect("write");
    let (took, _) = wait_closed(&mut s, Duration::from_secs(6));
    assert_between(took, 1.5, 4.0, "half-sent head");
}

#[test]
fn trickled_head_is_cut_at_the_header_timeout() {
    let app = app(2, 512);
    let mut s = connect(app.addr);
    let mut writer = s.try_clone().expect("clone");
    // a header line every 300 ms for 6 s: each line must not restart the clock
    let drip = std::thread::spawn(move || {
        writer.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")?;
        for i in 0..20 {
            std::thread::sleep(Duration::from_millis(300));
            writer.write_all(format!("X-Slow-{i}: 1\r\n").as_bytes())?;
        }
        Ok::<_, std::io::Error>(())
    });
    let (took, _) = wait_closed(&mut s, Duration::from_secs(5));
    assert_between(took, 1.5, 4.0, "trickled head");
    drop(s);
    let _ = drip.join();
}

#[test]
fn idle_keep_alive_connection_is_closed() {
    let app = app(2, 512);
    let mut s = connect(app.addr);
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").expect("write");
    let (head, _) = read_response(&mut s);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(!head.to_ascii_lowercase().contains("connection: close"), "kept alive: {head}");
    // a second request on it still works: the connection was kept alive...
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").expect("write");
    assert!(read_response(&mut s).0.starts_with("HTTP/1.1 200"));
    // ...and is closed once it has idled for the header timeout
    let (took, rest) = wait_closed(&mut s, Duration::from_secs(6));
    assert_between(took, 1.5, 4.0, "idle keep-alive");
    assert_eq!(rest, "", "closed without an answer");
}

/// A raw `POST /prefs` for `c`'s cookies and token, padded to at least `len` bytes of body.
fn prefs_post(c: &Client, len: usize) -> (Vec<u8>, Vec<u8>) {
    let cookies =
        c.cookies.borrow().iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
    let mut body = format!("csrf_token={}&lang=en&back=/about&pad=", c.csrf());
    body.push_str(&"x".repeat(len.saturating_sub(body.len())));
    let head = format!(
        "POST /prefs HTTP/1.1\r\nHost: x\r\nUser-Agent: {BROWSER_UA}\r\nCookie: {cookies}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    (head.into_bytes(), body.into_bytes())
}

#[test]
fn trickled_body_is_cut_and_steady_bodies_pass() {
    let app = app(2, 512);
    let c = Client::new(&app);
    c.get("/about");

    // a whole form at once
    let (head, body) = prefs_post(&c, 0);
    let mut s = connect(app.addr);
    s.write_all(&[head, body].concat()).expect("write");
    let (status, _) = read_response(&mut s);
    assert!(status.starts_with("HTTP/1.1 303"), "{status}");

    // 8 KiB at 2 KiB/s: 4 s, past the 2 s body timeout, but each KiB buys a second
    let (head, body) = prefs_post(&c, 8 * 1024);
    let mut s = connect(app.addr);
    s.write_all(&head).expect("write");
    for chunk in body.chunks(1024) {
        std::thread::sleep(Duration::from_millis(500));
        s.write_all(chunk).expect("write");
    }
    let (status, _) = read_response(&mut s);
    assert!(status.starts_with("HTTP/1.1 303"), "a steady body passes: {status}");

    // one byte every 500 ms: cut at about 2 s with the 408 page, and the connection closed
    let (head, body) = prefs_post(&c, 1000);
    let mut s = connect(app.addr);
    s.write_all(&head).expect("write");
    let mut writer = s.try_clone().expect("clone");
    let drip = std::thread::spawn(move || {
        for b in body.iter().take(20) {
            std::thread::sleep(Duration::from_millis(500));
            writer.write_all(&[*b])?;
        }
        Ok::<_, std::io::Error>(())
    });
    let (took, answer) = wait_closed(&mut s, Duration::from_secs(6));
    assert_between(took, 1.5, 4.5, "trickled body");
    assert!(answer.starts_with("HTTP/1.1 408"), "{}", answer.lines().next().unwrap_or(""));
    assert!(answer.to_ascii_lowercase().contains("connection: close"), "{answer}");
    drop(s);
    let _ = drip.join();
}

#[test]
fn connections_over_the_cap_wait_for_a_free_slot() {
    // idle connections that outlive the checks below
    let app = app(5, 2);
    let first = connect(app.addr);
    let _second = connect(app.addr);
    let mut third = connect(app.addr);
    third.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").expect("write");
    third.set_read_timeout(Some(Duration::from_millis(800))).expect("timeout");
    let mut byte = [0u8; 1];
    let waited = third.read(&mut byte);
    assert!(
        matches!(&waited, Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)),
        "the third connection is not served while two are open: {waited:?}"
    );
    let started = Instant::now();
    drop(first);
    let (head, _) = read_response(&mut third);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(started.elapsed() < Duration::from_secs(1), "served once a slot was free");
}

/// The real binary with default limits: SIGTERM while a half-sent head, an idle keep-alive
/// connection, an unsent connection and a request waiting for its body are open. It must exit
/// 0 within 10 s (the 5 s grace, then the drain), having written the view queued before.
#[test]
fn sigterm_with_slow_clients_open_exits_zero_within_10_s() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let bin = env!("CARGO_BIN_EXE_uzmat");
    let uzmat = |args: &[&str]| {
        let mut cmd = Command::new(bin);
        cmd.current_dir(dir.path())
            .args(args)
            .env("UZMAT_SERVER__BIND", "127.0.0.1:0")
            .env("UZMAT_SERVER__DATA_DIR", &data);
        cmd
    };
    let migrate = uzmat(&["migrate"]).output().expect("migrate");
    assert!(migrate.status.success(), "{}", String::from_utf8_lossy(&migrate.stderr));
    let db = rusqlite::Connection::open(data.join("uzmat.db")).expect("db");
    let ad = Ad::new(user(&db, "Owner", None), "Excavator", 0).insert(&db);

    let child =
        uzmat(&["serve"]).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("serve");
    let mut child = KillOnDrop(child);
    let stderr = child.0.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let addr: SocketAddr = loop {
        let line = lines.next().expect("the server logged its address").expect("read");
        if let Some(rest) = line.split("open http://").nth(1) {
            break rest.split_whitespace().next().expect("address").parse().expect("addr");
        }
    };
    let log = std::thread::spawn(move || lines.map_while(Result::ok).collect::<Vec<_>>());

    // a view: the workers let views gather for 1 s, so at the signal it is most likely unwritten
    // (written or not, it must be in the ads row after the exit: the drain folds last)
    let mut view = connect(addr);
    view.write_all(
        format!("GET /ad/{ad}-ad-{ad} HTTP/1.1\r\nHost: x\r\nUser-Agent: {BROWSER_UA}\r\n\r\n")
            .as_bytes(),
    )
    .expect("write");
    assert!(read_response(&mut view).0.starts_with("HTTP/1.1 200"));
    let mut half = connect(addr);
    half.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").expect("write");
    let mut slow_body = connect(addr);
    slow_body
        .write_all(b"POST /prefs HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nlang=")
        .expect("write");
    let _unsent = connect(addr);
    std::thread::sleep(Duration::from_millis(200));

    let started = Instant::now();
    let pid = child.0.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().expect("kill").success());
    let status = loop {
        if let Some(status) = child.0.try_wait().expect("wait") {
            break status;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "still running 10 s after SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    };
    let took = started.elapsed();
    let log = log.join().expect("log");
    assert!(status.success(), "exit status {status:?}; log:\n{}", log.join("\n"));
    // the idle keep-alive connection closed at once; the half-sent one at the end of the grace
    assert!(took >= Duration::from_secs(4), "the grace period was given: {took:?}");
    wait_closed(&mut view, Duration::from_secs(1));
    wait_closed(&mut half, Duration::from_secs(1));
    let views: i64 = db
        .query_row("SELECT views_count FROM ads WHERE id = ?1", [ad], |r| r.get(0))
        .expect("views");
    assert_eq!(views, 1, "the view queued before the signal was written");
}

/// Kills the server if the test fails half-way, so no process outlives the test.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// 500 connections trickling their headers a byte a second while a normal visitor browses:
/// the visitor's requests are not held up (p99 under 500 ms).
#[test]
fn five_hundred_trickling_clients_do_not_delay_a_normal_request() {
    let app = crate::support::spawn_app();
    let mut slow: Vec<TcpStream> = (0..500)
        .map(|_| {
            let mut s = connect(app.addr);
            s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ").expect("head start");
            s
        })
        .collect();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let trickler = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                for s in &mut slow {
                    let _ = s.write_all(b"a");
                }
                std::thread::sleep(Duration::from_secs(1));
            }
            slow.len()
        })
    };
    let c = Client::new(&app);
    let mut took: Vec<Duration> = (0..60)
        .map(|i| {
            let started = Instant::now();
            let r = c.get(if i % 2 == 0 { "/" } else { "/catalog" });
            let took = started.elapsed();
            assert_eq!(r.status, 200);
            std::thread::sleep(Duration::from_millis(20));
            took
        })
        .collect();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    assert_eq!(trickler.join().expect("trickler"), 500);
    took.sort();
    let p99 = took[took.len() * 99 / 100 - 1];
    eprintln!(
        "500 trickling clients: a normal request p50 {:?}, p99 {p99:?}",
        took[took.len() / 2]
    );
    assert!(p99 < Duration::from_millis(500), "p99 {p99:?}");
}

/// The process's threads, from /proc.
fn threads_of(pid: u32) -> usize {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

#[test]
fn many_clients_at_once_wait_for_a_connection_as_tasks_not_as_threads() {
    // two pooled connections and no page cache: 48 clients at once all want one
    let server = crate::support::server::Server::start(&[
        ("UZMAT_DATABASE__POOL_SIZE", "2"),
        ("UZMAT_SERVER__PAGE_CACHE_MS", "0"),
    ]);
    let pid = server.child.id();
    let peak = std::sync::atomic::AtomicUsize::new(0);
    let done = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|s| {
        s.spawn(|| {
            let until = Instant::now() + Duration::from_secs(150);
            while !done.load(std::sync::atomic::Ordering::Relaxed) && Instant::now() < until {
                peak.fetch_max(threads_of(pid), std::sync::atomic::Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(10));
            }
        });
        let clients: Vec<_> = (0..48)
            .map(|c| {
                let server = &server;
                s.spawn(move || {
                    for i in 0..30 {
                        let head = format!(
                            "GET /catalog?page={} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                            1 + (c * 30 + i) % 90
                        );
                        let answer = server.raw(&head, &[]).expect("answer");
                        assert!(answer.starts_with("HTTP/1.1 200"), "{}", &answer[..40]);
                    }
                })
            })
            .collect();
        let answered: Vec<_> = clients.into_iter().map(|c| c.join()).collect();
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        assert!(answered.iter().all(Result::is_ok), "a client got no 200 (see above)");
    });
    // async workers (one per core), blocking threads (pool 2 + password hashes 2 + 4), and the
    // fixed ones: main, two job workers, the scheduler, three of r2d2's; tokio's default would
    // have started a blocking thread per waiting request
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let allowed = cores + (2 + 2 + 4) + 7 + 2;
    let peak = peak.into_inner();
    assert!(peak <= allowed, "{peak} threads with 48 clients (allowed {allowed})");
}
