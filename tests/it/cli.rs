//! The command line: config errors name the key; check; deterministic seed.

use std::process::Command;

fn uzmat(dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_uzmat"));
    cmd.current_dir(dir).args(args).env("UZMAT_SERVER__DATA_DIR", dir.join("data"));
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run uzmat")
}

#[test]
fn bad_config_stops_startup_naming_the_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("uzmat.toml"), "[jobs]\nworkerz = 2\n").expect("write");
    let out = uzmat(dir.path(), &["check"], &[]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("workerz"));

    std::fs::write(dir.path().join("uzmat.toml"), "").expect("write");
    let out = uzmat(dir.path(), &["check"], &[("UZMAT_JOBS__QUEUE_CAPACITY", "0")]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("jobs.queue_capacity"));

    let out = uzmat(dir.path(), &["check"], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn check_finds_skewed_seller_counts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = uzmat(dir.path(), &["seed", "--users", "5", "--ads", "40", "--seed", "3"], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = uzmat(dir.path(), &["check"], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let db = rusqlite::Connection::open(dir.path().join("data/uzmat.db")).expect("db");
    db.execute("UPDATE users SET active_ads = active_ads + 1 WHERE id = 1", []).expect("skew");
    drop(db);
    let out = uzmat(dir.path(), &["check"], &[]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("stored ad counts of 1 sellers differ"));
    // the listing's copy of the ads' keys, seeded in bulk and kept by triggers after
    let db = rusqlite::Connection::open(dir.path().join("data/uzmat.db")).expect("db");
    db.execute("UPDATE users SET active_ads = active_ads - 1 WHERE id = 1", []).expect("mend");
    db.execute("UPDATE ads SET views_count = views_count + 3, bumped_at = bumped_at + 1", [])
        .expect("through the triggers");
    drop(db);
    let out = uzmat(dir.path(), &["check"], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let db = rusqlite::Connection::open(dir.path().join("data/uzmat.db")).expect("db");
    db.execute("UPDATE ad_sort_keys SET views_count = 0 WHERE id <= 2", []).expect("skew");
    drop(db);
    let out = uzmat(dir.path(), &["check"], &[]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("listing keys of 2 ads differ"));
}

#[test]
fn seed_is_deterministic() {
    let titles = |seed: &str| -> Vec<String> {
        let dir = tempfile::tempdir().expect("tempdir");
        let out =
            uzmat(dir.path(), &["seed", "--users", "10", "--ads", "200", "--seed", seed], &[]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let db = rusqlite::Connection::open(dir.path().join("data/uzmat.db")).expect("db");
        let mut stmt = db
            .prepare("SELECT title || '|' || coalesce(price_minor, 0) FROM ads ORDER BY id")
            .expect("q");
        stmt.query_map([], |r| r.get(0)).expect("rows").collect::<Result<_, _>>().expect("titles")
    };
    let a = titles("7");
    assert_eq!(a.len(), 200);
    assert_eq!(a, titles("7"));
    assert_ne!(a, titles("8"));
}

#[test]
fn rotating_the_chat_key_appends_one_and_keeps_the_old() {
    let dir = tempfile::tempdir().expect("tempdir");
    for expected in ["chat key 2 added", "chat key 3 added"] {
        let out = uzmat(dir.path(), &["admin", "rotate-chat-key"], &[]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stdout).contains(expected));
    }
    let keys = std::fs::read_to_string(dir.path().join("data/chat-keys.txt")).expect("key file");
    let ids: Vec<&str> = keys.lines().filter_map(|l| l.split(' ').next()).collect();
    assert_eq!(ids, ["1", "2", "3"], "the first key was made, then two added; none replaced");
}

#[test]
fn staff_grant_a_badge_and_a_plan_from_the_command_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = uzmat(dir.path(), &["seed", "--users", "3", "--ads", "5", "--seed", "9"], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let db = rusqlite::Connection::open(dir.path().join("data/uzmat.db")).expect("db");
    let (email, ad): (String, i64) = db
        .query_row("SELECT u.email, a.id FROM ads a JOIN users u ON u.id = a.owner_id WHERE a.plan IS NULL LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("an ad without a plan");
    drop(db);
    let out = uzmat(dir.path(), &["admin", "grant-badge", "--email", &email, "--days", "30"], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("badge until"));
    let out = uzmat(
        dir.path(),
        &["admin", "grant-plan", "--ad", &ad.to_string(), "--plan", "premium"],
        &[],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("PREMIUM from"));
    let db = rusqlite::Connection::open(dir.path().join("data/uzmat.db")).expect("db");
    let (plan, days): (String, i64) = db
        .query_row(
            "SELECT plan, (plan_until - plan_started_at) / 86400 FROM ads WHERE id = ?1",
            [ad],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("plan");
    assert_eq!((plan.as_str(), days), ("premium", 14));
    // bad input is refused with the reason, changing nothing
    let out = uzmat(
        dir.path(),
        &["admin", "grant-plan", "--ad", &ad.to_string(), "--plan", "platinum"],
        &[],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("gold, premium or vip"));
    let out = uzmat(dir.path(), &["admin", "grant-badge", "--email", "nobody@example.kz"], &[]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no account"));
}

#[test]
fn backup_and_restore_from_the_command_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = uzmat(dir.path(), &["seed", "--users", "3", "--ads", "20", "--seed", "4"], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // the chat keys exist once a server has started; a backup carries them
    std::fs::write(
        dir.path().join("data/chat-keys.txt"),
        "1 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
    )
    .expect("keys");
    let out = uzmat(dir.path(), &["backup", "saved/one.db", "--with-uploads"], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("integrity_check ok"));
    assert!(dir.path().join("saved/one.db.files/chat-keys.txt").exists());
    let out = uzmat(dir.path(), &["backup", "saved/one.db"], &[]);
    assert!(!out.status.success(), "a backup never overwrites");
    // restore refuses the live folder, and fills an empty one
    let out = uzmat(dir.path(), &["restore", "saved/one.db"], &[]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("restore only into an empty data folder")
    );
    let fresh = dir.path().join("fresh");
    let out = uzmat(
        dir.path(),
        &["restore", "saved/one.db"],
        &[("UZMAT_SERVER__DATA_DIR", fresh.to_str().expect("path"))],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let ads = |db: &std::path::Path| -> i64 {
        rusqlite::Connection::open(db)
            .expect("db")
            .query_row("SELECT count(*) FROM ads", [], |r| r.get(0))
            .expect("n")
    };
    assert_eq!(ads(&fresh.join("uzmat.db")), ads(&dir.path().join("data/uzmat.db")));
    assert!(fresh.join("chat-keys.txt").exists());
    let out =
        uzmat(dir.path(), &["check"], &[("UZMAT_SERVER__DATA_DIR", fresh.to_str().expect("path"))]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("free pages"));
}

#[test]
fn the_server_runs_sqlite_on_the_programs_own_allocator() {
    let server = crate::support::server::Server::start(&[("UZMAT_LOG", "info,uzmat=debug")]);
    // a search: SQLite allocates its page cache, statements and the index's word list
    let page = server
        .raw(
            "GET /catalog?q=%D0%BA%D1%80%D0%B0%D0%BD HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            &[],
        )
        .expect("search");
    assert!(page.starts_with("HTTP/1.1 200"), "{}", &page[..page.len().min(200)]);
    let log = server.log();
    assert!(log.contains("SQLite allocates from mimalloc"), "{log}");
    assert!(!log.contains("SQLite keeps its own allocator"), "{log}");
}
