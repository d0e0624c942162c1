//! Middleware: request metrics, security headers, and rendering error responses as pages.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::Instrument;

use super::AppState;
use super::cookies::RequestCookies;
use super::error::ErrorPage;
use super::extract::PageCtx;
use super::flash;
use crate::views;

/// A request's id: in every log line of its span, and on its error page for the visitor to
/// quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestId(pub u64);

impl std::fmt::Display for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:012x}", self.0 & 0xffff_ffff_ffff)
    }
}

/// Runs each request in a tracing span (its id, method and matched route) and counts requests
/// and their latency by method and route pattern.
pub async fn track(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let route = req.extensions().get::<MatchedPath>().cloned();
    let route = route.as_ref().map_or("unmatched", MatchedPath::as_str);
    let id = RequestId(fastrand::u64(..));
    req.extensions_mut().insert(id);
    let span = tracing::info_span!("request", %id, %method, route = %route);
    let resp = next.run(req).instrument(span).await;
    state.metrics.observe_request(
        method.as_str(),
        route,
        resp.status().as_u16(),
        started.elapsed(),
    );
    resp
}

// names the http crate has no constants for, checked once at compile time
const PERMISSIONS_POLICY: header::HeaderName =
    header::HeaderName::from_static("permissions-policy");
const CROSS_ORIGIN_OPENER_POLICY: header::HeaderName =
    header::HeaderName::from_static("cross-origin-opener-policy");

/// Headers every response carries.
/// On a read-only replica, every write is answered here: 503 with `Retry-After` and a page
/// that says why (the replica's database cannot change; the primary takes writes). GET pages
/// that write on the way (confirming an e-mail) are writes too.
pub async fn read_only(State(state): State<AppState>, req: Request, next: Next) -> Response {
    use axum::http::Method;
    let writes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || req.uri().path().starts_with("/verify-email/");
    if !state.config.database.read_only || !writes {
        return next.run(req).await;
    }
    let mut resp =
        (axum::http::StatusCode::SERVICE_UNAVAILABLE, "read-only replica").into_response();
    resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("120"));
    resp.extensions_mut().insert(ErrorPage { message: Some("error.read_only".into()) });
    resp
}

pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    // the seven below at most (HSTS only over HTTPS, Cache-Control only on pages)
    h.reserve(7);
    if state.config.server.https {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    // `data:` images: the icons are data-URI masks in the stylesheet; `blob:`: the ad form's
    // previews of photos chosen but not yet sent (object URLs of the visitor's own files)
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data: blob:; script-src 'self'; style-src 'self'; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    h.insert(
        PERMISSIONS_POLICY,
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    h.insert(CROSS_ORIGIN_OPENER_POLICY, HeaderValue::from_static("same-origin"));
    // every page carries form tokens (the header's language and theme forms at least) and may
    // carry a signed-in user's data: no cache, shared or private, may keep or replay it
    let is_html =
        h.get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if is_html && !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    }
    resp
}

/// Turns error responses (which carry an [`ErrorPage`]) into full pages in the visitor's
/// language, writes a [`flash::Flash`] a handler answered with, and clears one a page showed.
pub async fn error_pages(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let jar = req.extensions().get::<Arc<RequestCookies>>().cloned();
    let jar = jar.unwrap_or_else(|| Arc::new(RequestCookies::parse(req.headers())));
    // only what the error page needs is kept (most responses need nothing): the languages,
    // whose values share the request's buffer
    let languages: Vec<HeaderValue> =
        req.headers().get_all(header::ACCEPT_LANGUAGE).iter().cloned().collect();
    let user_agent = req.headers().get(header::USER_AGENT).cloned();
    let url_lang = req.extensions().get::<super::languages::UrlLang>().copied();
    let uri = req.uri().clone();
    let issued = req.extensions().get::<super::csrf::IssuedAnon>().cloned();
    let request_id = req.extensions().get::<RequestId>().copied();
    let slow_body = req.extensions().get::<super::serve::SlowBody>().cloned();
    let https = state.config.server.https;
    let mut resp = next.run(req).await;
    flash::write(&mut resp, https);
    // a body cut for arriving too slowly fails whichever extractor read it: say what happened
    if slow_body.is_some_and(|s| s.cut()) {
        *resp.status_mut() = axum::http::StatusCode::REQUEST_TIMEOUT;
        resp.extensions_mut().insert(ErrorPage { message: Some("error.too_slow".into()) });
    }
    let status = resp.status();
    let is_error_page = resp.extensions().get::<ErrorPage>().is_some();
    let framework_error =
        (status.is_client_error() || status.is_server_error()) && is_plain_text(&resp);
    if !is_error_page && !framework_error && jar.flash.is_none() {
        return resp;
    }
    let mut builder = Request::builder().uri(uri);
    if let Some(h) = builder.headers_mut() {
        for v in languages {
            h.append(header::ACCEPT_LANGUAGE, v);
        }
        if let Some(ua) = user_agent {
            h.insert(header::USER_AGENT, ua);
        }
    }
    let (mut parts, ()) = match builder.body(()) {
        Ok(r) => r.into_parts(),
        Err(_) => return resp,
    };
    parts.extensions.insert(jar);
    if let Some(l) = url_lang {
        parts.extensions.insert(l);
    }
    if let Some(a) = issued {
        parts.extensions.insert(a);
    }
    let ctx = PageCtx::from_headers(&parts, &state);
    let message = match resp.extensions().get::<ErrorPage>() {
        // a message is a catalog key (shown translated) or text already in the visitor's terms
        Some(page) => page.message.as_deref().map(|m| ctx.lang.lookup(m).unwrap_or(m).to_owned()),
        // the framework's own refusals (body too large, wrong method, bad form) arrive as plain
        // text: they get the same readable page
        None if framework_error => framework_message(&ctx, status),
        None => return flash::clear_if_shown(ctx.flash.is_some(), resp, https),
    };
    let id = request_id.filter(|_| status.is_server_error()).map(|id| id.to_string());
    let page = views::pages::error::page(&ctx, status.as_u16(), message.as_deref(), id.as_deref());
    let mut out = (status, page).into_response();
    out.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    // when to come back (a read-only replica, a busy chat hub) survives the page
    if let Some(v) = resp.headers().get(header::RETRY_AFTER) {
        out.headers_mut().insert(header::RETRY_AFTER, v.clone());
    }
    out
}

/// Parses the request's cookies once (every extractor reads them from here), and gives
/// visitors without a session an anonymous id cookie, so their forms (sign-in, sign-up,
/// preferences) carry a CSRF token bound to something.
pub async fn cookies(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let skip = ["/assets/", "/media/", "/healthz", "/metrics"].iter().any(|p| path.starts_with(p));
    let jar = RequestCookies::parse(req.headers());
    let has_id = jar.session.is_some() || jar.anon.is_some();
    req.extensions_mut().insert(Arc::new(jar));
    if skip || has_id {
        return next.run(req).await;
    }
    let id = crate::domain::secrets::new_token();
    req.extensions_mut().insert(super::csrf::IssuedAnon(id.clone()));
    let mut resp = next.run(req).await;
    let c = super::cookies::build(super::cookies::ANON, id, state.config.server.https, 365);
    if let Ok(v) = HeaderValue::from_str(&c.to_string()) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

fn is_plain_text(resp: &Response) -> bool {
    resp.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("text/plain"))
}

fn framework_message(ctx: &PageCtx, status: axum::http::StatusCode) -> Option<String> {
    let key = match status.as_u16() {
        405 => "error.method",
        413 => "error.too_large",
        415 | 422 => "error.bad_form",
        _ => return None,
    };
    Some(ctx.lang.t(key).to_owned())
}
