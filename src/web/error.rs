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
    /// The body is over the route's limit.
    #[error("request too large")]
    TooLarge,
    /// Our fault; the cause is logged, never shown.
    #[error("internal: {0}")]
    Internal(String),
}

impl From<DbError> for Error {
    fn from(e: DbError) -> Self {
        Error::Internal(e.to_string())
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
        Error::Internal(e.to_string())
    }
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
            Error::Internal(cause) => {
                tracing::error!(%cause, "internal error");
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
