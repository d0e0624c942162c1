//! `GET /assets/{file}`: the embedded assets (see `views::assets`) with immutable caching.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// `GET /assets/{file}`.
pub async fn serve(Path(file): Path<String>) -> Response {
    match crate::views::assets::file(&file) {
        Some((body, mime)) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(mime)),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=31536000, immutable"),
                ),
            ],
            body,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "no such asset").into_response(),
    }
}
