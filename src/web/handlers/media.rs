//! `GET /media/{path}`: files under the uploads folder, with their real type and long caching.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::web::AppState;
use crate::web::error::Error;

/// Serves a stored photo. Only our own generated names pass: no `..`, no odd characters.
pub async fn serve(
    State(state): State<AppState>,
    Path(path): Path<String>,
) -> Result<Response, Error> {
    let ok_chars =
        path.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/' | '.'));
    if !ok_chars || path.contains("..") || path.starts_with('/') || path.len() > 200 {
        return Err(Error::NotFound);
    }
    let mime = match path.rsplit_once('.').map(|(_, e)| e) {
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("png") => "image/png",
        Some("webp") => "image/webp",
        _ => return Err(Error::NotFound),
    };
    let full = state.config.server.data_dir.join("uploads").join(&path);
    let bytes = tokio::fs::read(&full).await.map_err(|_| Error::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(mime)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
        ],
        bytes,
    )
        .into_response())
}
