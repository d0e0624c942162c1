//! The login lockout under load: an attempt is checked and counted in one step, so guesses
//! sent together get exactly `auth.login_max_failures` password checks.

use std::sync::Barrier;
use std::time::Duration;

use crate::support::client::Client;
use crate::support::{spawn_app, spawn_with};

const PW: &str = "ковш и стрела 2024";
const EMAIL: &str = "ivan@example.kz";
const ATTACKER: &str = "203.0.113.9";

#[test]
fn thirty_wrong_passwords_at_once_get_exactly_five_checks() {
    let app = spawn_app();
    Client::new(&app).sign_up("Ivan", EMAIL, PW);
    let max = app.state.config.auth.login_max_failures as usize;
    assert_eq!(max, 5, "the default");
    let checks = || app.metric("uzmat_password_checks_total");
    let before = checks();

    let start = Barrier::new(30);
    let statuses: Vec<u16> = std::thread::scope(|s| {
        let (app, start) = (&app, &start);
        let threads: Vec<_> = (0..30)
            .map(|i| {
                s.spawn(move || {
                    // each with its own cookies and CSRF token, fetched before the start line
                    let c = Client::from_ip(app, ATTACKER);
                    c.get("/login");
                    start.wait();
                    let wrong = format!("wrong password {i}");
                    c.post("/login", &[("email", EMAIL), ("password", &wrong)]).status
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().expect("thread")).collect()
    });
    let checked = statuses.iter().filter(|s| **s == 422).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!((checked, refused), (max, 30 - max), "statuses: {statuses:?}");
    assert_eq!(checks() - before, max as f64, "password checks counted by the server");

    let r = Client::from_ip(&app, ATTACKER).sign_in(EMAIL, PW);
    assert_eq!(r.status, 429, "locked even with the right password");
    assert_eq!(checks() - before, max as f64, "a locked attempt checks nothing");
    let elsewhere = Client::from_ip(&app, "198.51.100.7");
    assert_eq!(elsewhere.sign_in(EMAIL, PW).status, 303, "another IP is not locked");
}

#[test]
fn the_lock_lasts_login_lock_seconds() {
    let app = spawn_with(|c| c.auth.login_lock_seconds = 2);
    Client::new(&app).sign_up("Ivan", EMAIL, PW);
    let attacker = Client::from_ip(&app, ATTACKER);
    for _ in 0..5 {
        assert_eq!(attacker.sign_in(EMAIL, "wrong password 1").status, 422);
    }
    assert_eq!(attacker.sign_in(EMAIL, PW).status, 429);
    assert_eq!(app.state.throttle.login.len(), 1, "one key: this account from this IP");
    std::thread::sleep(Duration::from_millis(2_100));
    assert_eq!(attacker.sign_in(EMAIL, PW).status, 303, "the lock and the failures are over");
    assert!(app.state.throttle.login.is_empty(), "a success forgets the key");
}
