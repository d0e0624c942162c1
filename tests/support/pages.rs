//! Helpers of the browser tests with signed-in visitors: browsers signed in with session
//! cookies, waiting for text, the unread badge, console errors, full-page screenshots.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::TestApp;
use super::browser::Browser;
use super::build;

/// Bound for a form post and the page it redirects to.
pub const SLOW: Duration = Duration::from_secs(5);

/// Polls `f` every 20 ms until it holds or `limit` passes.
pub fn wait_for(limit: Duration, mut f: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    loop {
        if f() {
            return true;
        }
        if start.elapsed() >= limit {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A new staff member; their id.
pub fn staff(app: &TestApp, name: &str) -> i64 {
    let db = app.db();
    let id = build::user(&db, name, None);
    db.execute("UPDATE users SET is_staff = 1 WHERE id = ?1", [id]).expect("staff");
    id
}

/// Browsers signed in as `users` (started together: startup is the slow part), speaking
/// Russian.
pub fn signed_in<const N: usize>(app: &TestApp, users: [i64; N], w: u32, h: u32) -> [Browser; N] {
    let tokens: Vec<String> = users.iter().map(|u| token(app, *u)).collect();
    let start = |token: &str| {
        let b = Browser::start(w, h).expect("start browser");
        b.goto(&app.url("/robots.txt")).expect("open the site");
        b.set_cookie("uzmat_session", token, true).expect("session cookie");
        b.set_cookie("lang", "ru", false).expect("language cookie");
        let noise = b.console_errors().expect("console");
        assert!(noise.iter().all(|e| e.contains("/favicon.ico")), "{noise:?}");
        b
    };
    let browsers: Vec<Browser> = std::thread::scope(|s| {
        let handles: Vec<_> = tokens.iter().map(|t| s.spawn(move || start(t))).collect();
        handles.into_iter().map(|h| h.join().expect("browser")).collect()
    });
    browsers.try_into().unwrap_or_else(|_| panic!("{N} browsers"))
}

/// Visible text with every kind of space as one plain space.
pub fn plain(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c == '\u{2009}' || c == '\u{a0}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn text(b: &Browser, css: &str) -> String {
    plain(&b.text(css).unwrap_or_else(|e| panic!("text of {css}: {e}")))
}

/// Waits until `css` exists and its text contains `needle`.
pub fn wait_text(b: &Browser, css: &str, needle: &str) {
    let ok = wait_for(SLOW, || {
        b.count_now(css).unwrap_or(0) > 0
            && b.text(css).map(|t| plain(&t).contains(needle)).unwrap_or(false)
    });
    assert!(
        ok,
        "`{css}` never contained «{needle}» (url {}, text {:?})",
        b.current_url().unwrap_or_default(),
        b.text(css).ok()
    );
}

/// The header's unread badge: (text, shown).
pub fn unread_badge(b: &Browser) -> (String, bool) {
    let v = b
        .eval(
            "const e = document.getElementById('unread-badge');\
             return [e.textContent.trim(), !e.hidden && getComputedStyle(e).display !== 'none'];",
        )
        .expect("badge");
    (v[0].as_str().unwrap_or_default().to_owned(), v[1].as_bool().unwrap_or(false))
}

/// No console errors but the plain-text page's favicon guess.
pub fn no_console_errors(b: &Browser, who: &str) {
    let mut errors = b.console_errors().expect("console");
    errors.retain(|e| !e.contains("/favicon.ico "));
    assert!(errors.is_empty(), "{who}: console errors: {errors:?}");
}

/// Where screenshots go: `UZMAT_SHOTS` if set, else `target/screenshots/`.
pub fn shots_dir() -> PathBuf {
    std::env::var_os("UZMAT_SHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/screenshots"))
}

/// A screenshot of the whole page: the viewport stretched to the document's height (up to
/// 4,000 px), then put back.
pub fn full_page_shot(b: &Browser, path: &Path, (w, h): (u32, u32)) {
    let tall = b
        .eval("return Math.ceil(document.documentElement.scrollHeight);")
        .expect("height")
        .as_u64()
        .unwrap_or(u64::from(h));
    let tall = u32::try_from(tall).unwrap_or(h).clamp(h, 4000);
    if tall > h {
        b.set_window_size(w, tall).expect("tall");
    }
    b.screenshot(path).expect("shot");
    if tall > h {
        b.set_window_size(w, h).expect("size back");
    }
}

/// A fresh session token for `user` (the cookie's value).
pub fn token(app: &TestApp, user: i64) -> String {
    build::session(&app.db(), user).strip_prefix("uzmat_session=").expect("cookie").to_owned()
}
