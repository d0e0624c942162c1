//! One-time messages after a POST (PRG): a cookie naming a catalog key, shown once, then cleared.
//! Handlers answer with [`Flash`]; the middleware writes the cookie (Secure behind https).

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponseParts, Response, ResponseParts};

use super::cookies::FLASH;

/// A message (a `flash.*` catalog key) for the next page, as part of a response.
#[derive(Debug, Clone, Copy)]
pub struct Flash(pub &'static str);

impl IntoResponseParts for Flash {
    type Error = std::convert::Infallible;

    fn into_response_parts(self, mut res: ResponseParts) -> Result<ResponseParts, Self::Error> {
        res.extensions_mut().insert(self);
        Ok(res)
    }
}

fn cookie(value: &str, https: bool) -> cookie::Cookie<'_> {
    cookie::Cookie::build((FLASH, value))
        .path("/")
        .same_site(cookie::SameSite::Lax)
        .http_only(true)
        .secure(https)
        .build()
}

fn append(resp: &mut Response, c: &cookie::Cookie<'_>) {
    if let Ok(v) = HeaderValue::from_str(&c.to_string()) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
}

/// Writes the cookie of a [`Flash`] the response carries.
pub fn write(resp: &mut Response, https: bool) {
    if let Some(Flash(key)) = resp.extensions_mut().remove::<Flash>() {
        append(resp, &cookie(key, https));
    }
}

/// Clears the cookie once a page has shown the message.
pub fn clear_if_shown(shown: bool, mut resp: Response, https: bool) -> Response {
    let is_page = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if shown && is_page && resp.status().is_success() {
        let mut c = cookie("", https);
        c.make_removal();
        append(&mut resp, &c);
    }
    resp
}
