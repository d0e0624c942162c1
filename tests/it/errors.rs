//! Internal errors: the visitor sees a page with the request's id; the log has that id, the
//! method, the route and the whole cause chain, once.

use crate::support::html::Page;
use crate::support::server::Server;

#[test]
fn a_500_shows_the_request_id_and_the_log_has_its_cause_in_the_request_span() {
    let server = Server::start(&[]);
    let cookie = server.session("Broken");
    // a store that lost a table: the favorites page cannot be read
    let db = rusqlite::Connection::open(server.dir.path().join("data/uzmat.db")).expect("db");
    db.execute_batch("DROP TABLE favorites").expect("drop");
    let page = server
        .raw(
            &format!("GET /favorites HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n"),
            &[],
        )
        .expect("answer");
    assert!(page.starts_with("HTTP/1.1 500"), "{}", &page[..page.len().min(200)]);
    let id = Page::parse(&page).one("#request-id").text;
    assert_eq!(id.len(), 12, "{id}");
    assert!(!page.contains("no such table"), "the cause is not shown to the visitor");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let line = loop {
        let log = server.log();
        if let Some(l) = log.lines().find(|l| l.contains("internal error")) {
            break l.to_owned();
        }
        assert!(std::time::Instant::now() < deadline, "no error logged:\n{log}");
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    for part in [&format!("id={id}"), "method=GET", "route=/favorites", "no such table: favorites"]
    {
        assert!(line.contains(part), "«{part}» missing from: {line}");
    }
    assert_eq!(server.log().matches("internal error").count(), 1, "logged once");
}
