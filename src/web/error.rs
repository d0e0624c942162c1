//! The one error type handlers return: it logs internals and shows users only what they may see.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::db::DbError;

/// What went wrong, as the visitor may learn it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No such page or thing (or not visible to this visitor).
    #[error("not found")]
    NotFound,
    /// The request is malformed; the message says how, in the visitor's terms.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// Not allowed.
    #[error("forbidden")]
    Forbidden,
    /// Not allowed, for a reason the visitor is told (already in their terms).
    #[error("forbidden: {0}")]
    ForbiddenBecause(String),
    /// Busy for now (e.g. every live socket taken); the message key says what.
    #[error("unavailable: {0}")]
    Unavailable(&'static str),
    /// Understood, but a rule refuses it; the message key says which.
    #[error("refused: {0}")]
    Refused(&'static str),
    /// The body is over the route's limit.
    #[error("request too large")]
    TooLarge,
    /// Our fault; the cause (with its chain) is logged once, never shown: the page shows the
    /// request's id instead, for the visitor to quote.
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl Error {
    /// Our fault, caused by `e`.
    pub fn internal(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Error::Internal(e.into())
    }
}

impl From<DbError> for Error {
    fn from(e: DbError) -> Self {
        Error::internal(e)
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::internal(e)
    }
}

impl From<tokio::task::JoinError> for Error {
    fn from(e: tokio::task::JoinError) -> Self {
        Error::internal(e)
    }
}

impl From<crate::domain::Denied> for Error {
    fn from(d: crate::domain::Denied) -> Self {
        match d {
            crate::domain::Denied::NotFound => Error::NotFound,
            crate::domain::Denied::Forbidden => Error::Forbidden,
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::internal(e)
    }
}

/// An error and its causes, outermost first: "a: b: c".
pub fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cause = c.source();
    }
    out
}

/// Attached to error responses; the error-page middleware renders it in the visitor's language.
#[derive(Debug, Clone)]
pub struct ErrorPage {
    /// Message key or literal text for the page.
    pub message: Option<String>,
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let (status, message) = match self {
            Error::NotFound => (StatusCode::NOT_FOUND, None),
            Error::BadRequest(m) => (StatusCode::BAD_REQUEST, Some(m)),
            Error::Forbidden => (StatusCode::FORBIDDEN, None),
            Error::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, None),
            Error::ForbiddenBecause(text) => (StatusCode::FORBIDDEN, Some(text)),
            Error::Unavailable(key) => (StatusCode::SERVICE_UNAVAILABLE, Some(key.to_owned())),
            Error::Refused(key) => (StatusCode::UNPROCESSABLE_ENTITY, Some(key.to_owned())),
            Error::Internal(cause) => {
                // logged here, once, inside the request's span (its id, method and route)
                tracing::error!(cause = %chain(cause.as_ref()), "internal error");
                (StatusCode::INTERNAL_SERVER_ERROR, None)
            }
        };
        let mut resp = (status, message.clone().unwrap_or_default()).into_response();
        resp.extensions_mut().insert(ErrorPage { message });
        resp
    }
}

/// Handler result.
pub type Result<T, E = Error> = std::result::Result<T, E>;
