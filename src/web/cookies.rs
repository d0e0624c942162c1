//! Cookies: the request's, parsed once by name (never by searching the raw header), and the
//! ones Uzmat sets (SameSite=Lax, Secure behind https, HttpOnly unless a script reads them).

use std::sync::Arc;

use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use cookie::{Cookie, SameSite};

/// Cookie holding the session token.
pub const SESSION: &str = "uzmat_session";
/// Cookie binding the form tokens of visitors who are not signed in.
pub const ANON: &str = "uzmat_anon";
/// The one-time message's cookie.
pub const FLASH: &str = "flash";

/// The cookies of a request that Uzmat reads, by exact name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestCookies {
    /// The session token.
    pub session: Option<String>,
    /// The anonymous id.
    pub anon: Option<String>,
    /// The chosen language code.
    pub lang: Option<String>,
    /// The chosen theme.
    pub theme: Option<String>,
    /// The chosen country code.
    pub country: Option<String>,
    /// A one-time message's catalog key.
    pub flash: Option<String>,
}

impl RequestCookies {
    /// Parses every `Cookie` header; the first cookie of a name wins (browsers send the most
    /// specific first). Values are percent-decoded.
    pub fn parse(headers: &HeaderMap) -> Self {
        let mut out = Self::default();
        let all = headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(Cookie::split_parse_encoded)
            .filter_map(Result::ok);
        for c in all {
            let slot = match c.name() {
                SESSION => &mut out.session,
                ANON => &mut out.anon,
                "lang" => &mut out.lang,
                "theme" => &mut out.theme,
                "country" => &mut out.country,
                FLASH => &mut out.flash,
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(c.value().to_owned());
            }
        }
        out
    }

    /// The request's cookies: parsed by the middleware once and kept in the request's
    /// extensions, or parsed here when a request did not pass it (unit tests).
    pub fn of(parts: &Parts) -> Arc<RequestCookies> {
        parts
            .extensions
            .get::<Arc<RequestCookies>>()
            .cloned()
            .unwrap_or_else(|| Arc::new(Self::parse(&parts.headers)))
    }
}

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

/// A preference cookie (theme, language, country) living a year; scripts may read it.
pub fn preference(name: &'static str, value: String, https: bool) -> Cookie<'static> {
    Cookie::build((name, value))
        .path("/")
        .secure(https)
        .same_site(SameSite::Lax)
        .max_age(cookie::time::Duration::days(365))
        .build()
}

/// Appends the removal of a cookie.
pub fn remove(headers: &mut HeaderMap, name: &'static str) {
    let mut c = Cookie::build((name, "")).path("/").build();
    c.make_removal();
    append(headers, &c);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_read_by_name_not_by_substring() {
        let mut h = HeaderMap::new();
        h.append(header::COOKIE, HeaderValue::from_static("note=uzmat_session; theme=light"));
        h.append(header::COOKIE, HeaderValue::from_static("uzmat_anon=a1; theme=dark"));
        let c = RequestCookies::parse(&h);
        assert_eq!(c.session, None, "a value naming the session cookie is not one");
        assert_eq!(c.anon.as_deref(), Some("a1"));
        assert_eq!(c.theme.as_deref(), Some("light"), "the first of a name wins");
        let mut h = HeaderMap::new();
        h.append(header::COOKIE, HeaderValue::from_static("lang=uz; flash=flash.x%20y"));
        let c = RequestCookies::parse(&h);
        assert_eq!((c.lang.as_deref(), c.flash.as_deref()), (Some("uz"), Some("flash.x y")));
    }
}
