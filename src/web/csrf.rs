//! CSRF protection for every state-changing request: a token bound to the visitor (the session,
//! or an anonymous cookie before sign-in) by an HMAC with the site key, plus an `Origin` check.

use std::collections::HashMap;

use axum::extract::{FromRequest, Request};
use axum::http::header;
use axum::http::request::Parts;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::AppState;
use super::cookies::RequestCookies;
use super::error::Error;
use crate::domain::secrets::hash_token;

/// Cookie that binds CSRF tokens of visitors who are not signed in.
pub const ANON_COOKIE: &str = super::cookies::ANON;
/// The form field carrying the token.
pub const FIELD: &str = "csrf_token";

/// The anonymous id a middleware just issued (the request has no cookie yet).
#[derive(Debug, Clone)]
pub struct IssuedAnon(pub String);

/// What a visitor's tokens are bound to: the session (hashed), else the anonymous cookie.
pub fn binding(parts: &Parts) -> Option<String> {
    let jar = RequestCookies::of(parts);
    if let Some(session) = &jar.session {
        return Some(format!("s:{}", hash_token(session)));
    }
    jar.anon
        .clone()
        .or_else(|| parts.extensions.get::<IssuedAnon>().map(|a| a.0.clone()))
        .map(|a| format!("a:{a}"))
}

fn mac(key: &[u8; 32], binding: &str) -> Hmac<Sha256> {
    // HMAC accepts keys of any length: this cannot fail
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    mac.update(b"uzmat-csrf:");
    mac.update(binding.as_bytes());
    mac
}

/// The token forms carry for this binding.
pub fn token(key: &[u8; 32], binding: &str) -> String {
    URL_SAFE_NO_PAD.encode(mac(key, binding).finalize().into_bytes())
}

/// Checks a submitted token (constant time) and the request's `Origin`.
pub fn verify(key: &[u8; 32], parts: &Parts, submitted: Option<&str>) -> Result<(), Error> {
    if let Some(origin) = parts.headers.get(header::ORIGIN) {
        let host = parts.headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
        let origin = origin.to_str().unwrap_or("");
        let origin_host = origin.split_once("://").map(|(_, h)| h).unwrap_or("");
        if origin == "null" || origin_host != host {
            tracing::warn!(%origin, %host, "cross-origin form post refused");
            return Err(Error::Forbidden);
        }
    }
    let (Some(binding), Some(submitted)) = (binding(parts), submitted) else {
        return Err(Error::Forbidden);
    };
    let Ok(bytes) = URL_SAFE_NO_PAD.decode(submitted.trim()) else { return Err(Error::Forbidden) };
    mac(key, &binding).verify_slice(&bytes).map_err(|_| Error::Forbidden)
}

/// An urlencoded form whose CSRF token and origin were checked (403 otherwise), whose text
/// has no control characters (400), read into `T`: a struct of the form's known fields, or the
/// whole map for forms that re-render every value they were given.
#[derive(Debug, Clone)]
pub struct CsrfForm<T = HashMap<String, String>>(pub T);

impl CsrfForm {
    /// A field's value, or "".
    pub fn get(&self, key: &str) -> &str {
        self.0.get(key).map(String::as_str).unwrap_or("")
    }
}

impl<T: serde::de::DeserializeOwned> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = Error;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Error> {
        let (parts, body) = req.into_parts();
        let is_form = parts
            .headers
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"application/x-www-form-urlencoded"));
        if !is_form {
            return Err(Error::BadRequest("error.bad_form".into()));
        }
        let bytes =
            axum::body::Bytes::from_request(Request::from_parts(parts.clone(), body), state)
                .await
                .map_err(|e| {
                    // the body limit shows up as a buffering failure
                    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                        Error::TooLarge
                    } else {
                        Error::BadRequest("error.bad_form".into())
                    }
                })?;
        let mut token = None;
        for (k, v) in form_urlencoded::parse(&bytes) {
            super::input::check(&k)?;
            super::input::check(&v)?;
            if k == FIELD {
                token = Some(v.into_owned());
            }
        }
        verify(&state.key, &parts, token.as_deref())?;
        let form = serde_urlencoded::from_bytes(&bytes)
            .map_err(|_| Error::BadRequest("error.bad_form".into()))?;
        Ok(CsrfForm(form))
    }
}
