//! One-time messages after a POST (PRG): a cookie naming a catalog key, shown once, then cleared.

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;

/// The cookie's name.
pub const COOKIE: &str = "flash";

/// Leaves a message (a `flash.*` catalog key) for the next page.
pub fn set(headers: &mut HeaderMap, key: &'static str) {
    let c = cookie::Cookie::build((COOKIE, key))
        .path("/")
        .same_site(cookie::SameSite::Lax)
        .http_only(true)
        .build();
    if let Ok(v) = HeaderValue::from_str(&c.to_string()) {
        headers.append(header::SET_COOKIE, v);
    }
}

/// Clears the cookie once a page has shown the message.
pub fn clear_if_shown(shown: bool, mut resp: Response) -> Response {
    let is_page = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if shown && is_page && resp.status().is_success() {
        let mut c = cookie::Cookie::build((COOKIE, "")).path("/").build();
        c.make_removal();
        if let Ok(v) = HeaderValue::from_str(&c.to_string()) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    resp
}
