//! Cookies Uzmat sets: HttpOnly, SameSite=Lax, Secure behind https.

use axum::http::{HeaderMap, HeaderValue, header};
use cookie::{Cookie, SameSite};

/// A site-wide, HttpOnly cookie living `days`.
pub fn build(name: &'static str, value: String, https: bool, days: i64) -> Cookie<'static> {
    Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .secure(https)
        .same_site(SameSite::Lax)
        .max_age(cookie::time::Duration::days(days))
        .build()
}

/// Appends a cookie to response headers.
pub fn append(headers: &mut HeaderMap, c: &Cookie<'_>) {
    if let Ok(v) = HeaderValue::from_str(&c.to_string()) {
        headers.append(header::SET_COOKIE, v);
    }
}

/// Appends the removal of a cookie.
pub fn remove(headers: &mut HeaderMap, name: &'static str) {
    let mut c = Cookie::build((name, "")).path("/").build();
    c.make_removal();
    append(headers, &c);
}
