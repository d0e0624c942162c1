//! Issue 17, "posting and accounts": what a new user tripped over. Links in mails start with
//! the address the server listens on unless `server.public_url` says otherwise.

use std::process::Command;

use crate::support::client::Client;
use crate::support::server::Server;
use crate::support::spawn_app;

const PW: &str = "ковш и стрела 2024";

/// The bodies of the mails to `to`, oldest first.
pub fn outbox(app: &crate::support::TestApp, to: &str) -> Vec<String> {
    let db = app.db();
    let mut stmt = db.prepare("SELECT body FROM outbox WHERE to_addr = ?1 ORDER BY id").expect("q");
    stmt.query_map([to], |r| r.get(0)).expect("rows").collect::<Result<_, _>>().expect("bodies")
}

#[test]
fn without_a_public_url_mail_links_point_at_the_bound_address() {
    let app = spawn_app();
    assert_eq!(app.state.config.server.public_url, app.url(""), "port 0: the port chosen");
    let c = Client::new(&app);
    c.sign_up_unverified("Азамат", "azamat@example.kz", PW);
    let mail = outbox(&app, "azamat@example.kz");
    let link = mail[0].split_whitespace().find(|w| w.contains("/verify-email/")).expect("link");
    assert!(link.starts_with(&app.url("/verify-email/")), "{link}");
    // the link opens on this very server
    let r =
        crate::support::read(crate::support::agent().get(link).call().expect("the link answers"));
    assert_eq!(r.status, 303, "{}", r.body);
}

#[test]
fn a_loopback_public_url_on_a_public_bind_is_warned_about_once_at_start_and_by_check() {
    // the real binary on every interface with the old default left in place
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let bind = format!("0.0.0.0:{port}");
    let server = Server::start(&[
        ("UZMAT_SERVER__BIND", bind.as_str()),
        ("UZMAT_SERVER__PUBLIC_URL", "http://127.0.0.1:8080"),
    ]);
    let log = server.log();
    let warned = log.lines().filter(|l| l.contains("WARN") && l.contains("public_url")).count();
    assert_eq!(warned, 1, "{log}");
    drop(server);

    let check = |env: &[(&str, &str)]| {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_uzmat"));
        cmd.current_dir(dir.path())
            .arg("check")
            .env("UZMAT_SERVER__DATA_DIR", dir.path().join("data"));
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("run");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let out = check(&[
        ("UZMAT_SERVER__BIND", "0.0.0.0:8080"),
        ("UZMAT_SERVER__PUBLIC_URL", "http://localhost:8080"),
    ]);
    assert!(out.contains("warning: server.public_url is http://localhost:8080"), "{out}");
    let out = check(&[("UZMAT_SERVER__BIND", "0.0.0.0:8080")]);
    assert!(out.contains("warning: server.public_url is not set"), "{out}");
    let out = check(&[
        ("UZMAT_SERVER__BIND", "0.0.0.0:8080"),
        ("UZMAT_SERVER__PUBLIC_URL", "https://uzmat.kz"),
    ]);
    assert!(!out.contains("warning"), "{out}");
    assert!(!check(&[]).contains("warning"), "the defaults are coherent");
}
