//! Middleware: request metrics, security headers, and rendering error responses as pages.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::error::ErrorPage;
use super::extract::PageCtx;
use crate::views;

/// Counts requests and their latency by method and route pattern.
pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().as_str().to_owned();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let resp = next.run(req).await;
    state.metrics.observe_request(&method, &route, resp.status().as_u16(), started.elapsed());
    resp
}

/// Headers every response carries.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    resp
}

/// Turns error responses (which carry an [`ErrorPage`]) into full pages in the visitor's language.
pub async fn error_pages(req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let ctx = PageCtx::from_headers(&parts);
    let resp = next.run(Request::from_parts(parts, body)).await;
    let Some(page) = resp.extensions().get::<ErrorPage>().cloned() else {
        return super::flash::clear_if_shown(ctx.flash.is_some(), resp);
    };
    let status = resp.status();
    let mut out =
        (status, views::pages::error::page(&ctx, status, page.message.as_deref())).into_response();
    out.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    out
}
