//! Languages in the URL, at the edge: `/kk/…`, `/uz/…` and `/en/…` are every route of the root
//! in that language. [`app`] strips a known prefix before routing (a `Router::layer` runs after
//! matching, so this one wraps the router from outside) and leaves [`UrlLang`] in the request
//! for `PageCtx`; [`redirects`], inside the router, sends `/ru/…` to the root for good and keeps
//! the prefix on a prefixed request's redirects to our own paths (`/ad/12` → `/ad/12-slug`,
//! the sign-in page), so a visitor stays in the language of the URL they came by.

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header, uri::PathAndQuery};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;
use crate::i18n::{Lang, url};

/// The language a request's URL named with its prefix (`/en/catalog` → English), which wins
/// over the cookie and `Accept-Language`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UrlLang(pub Lang);

/// The site: [`super::router`] behind the edge that strips language prefixes.
pub fn app(state: AppState) -> Router {
    Router::new()
        .fallback_service(super::router(state))
        .layer(axum::middleware::from_fn(strip_prefix))
}

/// `/en/catalog?x` is routed as `/catalog?x` with `UrlLang(En)`; an unknown first segment is
/// left alone (an ordinary 404, or a route of its own).
async fn strip_prefix(mut req: Request, next: Next) -> Response {
    if let Some((lang, rest)) = url::split(req.uri().path()) {
        let stripped = match req.uri().query() {
            Some(q) => format!("{rest}?{q}"),
            None => rest.to_owned(),
        };
        let mut parts = req.uri().clone().into_parts();
        parts.path_and_query = PathAndQuery::from_maybe_shared(stripped).ok();
        if let Ok(uri) = Uri::from_parts(parts) {
            *req.uri_mut() = uri;
            req.extensions_mut().insert(UrlLang(lang));
        }
    }
    next.run(req).await
}

/// `/ru/…` answers 301 to the same path at the root (Russian has no prefix); a prefixed
/// request's redirects to our own unprefixed paths get its prefix.
pub async fn redirects(req: Request, next: Next) -> Response {
    let Some(UrlLang(lang)) = req.extensions().get::<UrlLang>().copied() else {
        return next.run(req).await;
    };
    if lang == Lang::Ru && matches!(*req.method(), Method::GET | Method::HEAD) {
        // 301, the status search engines know best for "moved for good" (axum's permanent
        // redirect is a 308)
        let to = req.uri().path_and_query().map_or("/", PathAndQuery::as_str);
        return match HeaderValue::from_str(to) {
            Ok(to) => (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, to)]).into_response(),
            Err(_) => StatusCode::NOT_FOUND.into_response(),
        };
    }
    let mut resp = next.run(req).await;
    if lang != Lang::Ru && resp.status().is_redirection() {
        let location = resp.headers().get(header::LOCATION).and_then(|v| v.to_str().ok());
        let prefixed = location.and_then(|to| {
            let own_path = to.starts_with('/') && !to.starts_with("//");
            let path = to.split('?').next().unwrap_or(to);
            (own_path && url::split(path).is_none()).then(|| lang.href(to))
        });
        if let Some(v) = prefixed.and_then(|to| HeaderValue::from_str(&to).ok()) {
            resp.headers_mut().insert(header::LOCATION, v);
        }
    }
    resp
}
