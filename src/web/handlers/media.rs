//! `GET /media/{path}`: files under the uploads folder, with their real type, to those who may
//! see them (a published ad's photo to anyone; a hidden ad's to its owner and staff; an unsaved
//! upload to its uploader).

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::domain::media::{self, Audience};
use crate::domain::sessions;
use crate::web::AppState;
use crate::web::error::Error;
use crate::web::extract::SessionToken;

/// Serves a stored photo. Only our own generated names pass: no `..`, no odd characters.
pub async fn serve(
    State(state): State<AppState>,
    SessionToken(session): SessionToken,
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
    let rel = path.clone();
    let now = crate::db::now();
    let (audience, viewer) = state
        .db
        .run_here(move |conn| {
            let audience = media::audience(conn, &rel)?;
            // the session is read only when the file is not public
            let viewer = match (audience, session) {
                (Audience::Only { .. }, Some(token)) => {
                    sessions::lookup(conn, &token, now)?.map(|(u, _)| (u.id, u.is_staff))
                }
                _ => None,
            };
            Ok((audience, viewer))
        })
        .await?;
    // a hidden file answers like a missing one: its existence is not told
    if !audience.admits(viewer) {
        return Err(Error::NotFound);
    }
    let full = state.config.server.data_dir.join("uploads").join(&path);
    let bytes = tokio::fs::read(&full).await.map_err(|_| Error::NotFound)?;
    let cache = if audience == Audience::Public {
        "public, max-age=31536000, immutable"
    } else {
        "private, no-store"
    };
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(mime)),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
        ],
        bytes,
    )
        .into_response())
}

/// Writes a re-encoded upload under the uploads folder at `rel` (its folder made if needed).
pub async fn store(state: &AppState, rel: &str, bytes: Vec<u8>) -> Result<(), Error> {
    let full = state.config.server.data_dir.join("uploads").join(rel);
    tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        if let Some(dir) = full.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&full, bytes)
    })
    .await??;
    Ok(())
}

/// A JPEG under the uploads folder for one viewer the caller has checked: never cached by
/// anyone else (`cache` says how long the viewer's own browser may keep it).
pub async fn private_jpeg(
    state: &AppState,
    rel: &str,
    cache: &'static str,
) -> Result<Response, Error> {
    let full = state.config.server.data_dir.join("uploads").join(rel);
    let bytes = match tokio::fs::read(&full).await {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Error::NotFound),
        Err(e) => return Err(e.into()),
    };
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg")),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
        ],
        bytes,
    )
        .into_response())
}
