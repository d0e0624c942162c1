//! Extractors: handlers never read raw cookies or headers.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;

use super::AppState;
use super::cookies::RequestCookies;
use super::error::Error;
use crate::domain::geo::Country;
use crate::domain::ids::ParseId;
use crate::domain::sessions;
use crate::domain::users::SessionUser;
use crate::i18n::Lang;
use crate::jobs::Job;
use crate::jobs::unread_cache::Cached;
pub use crate::views::ctx::{PageCtx, Theme};

/// Cookie holding the session id.
pub const SESSION_COOKIE: &str = super::cookies::SESSION;

impl PageCtx {
    /// Language, theme and form token from the request head only (no session): used for
    /// error pages, and as the start of every page's context.
    pub fn from_headers(parts: &Parts, state: &AppState) -> Self {
        let jar = RequestCookies::of(parts);
        let lang = request_lang(parts, &jar);
        let theme = match jar.theme.as_deref() {
            Some("light") => Theme::Light,
            _ => Theme::Dark,
        };
        let country = jar.country.as_deref().and_then(Country::parse);
        let path = parts.uri.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_default();
        // only catalog keys under flash.* (and chat.*: a refused message says why on the thread)
        // are shown: a cookie can't inject text
        let flash = jar
            .flash
            .as_deref()
            .filter(|k| k.starts_with("flash.") || k.starts_with("chat."))
            .and_then(|k| lang.lookup(k));
        let csrf = super::csrf::binding(parts)
            .map(|b| super::csrf::token(&state.key, &b))
            .unwrap_or_default();
        Self {
            lang,
            theme,
            country,
            user: None,
            unread: 0,
            path,
            now: crate::db::now(),
            flash,
            csrf,
            site: state.site_url.clone(),
        }
    }
}

/// The page's language: the URL's prefix (`/en/…`); else, for a robot, Russian (an
/// unprefixed URL is the Russian page for search engines, whatever they send); else the
/// visitor's choice (the `lang` cookie), else `Accept-Language`, else Russian.
fn request_lang(parts: &Parts, jar: &RequestCookies) -> Lang {
    if let Some(super::languages::UrlLang(lang)) = parts.extensions.get() {
        return *lang;
    }
    let ua = parts.headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok());
    if crate::jobs::is_bot(ua) {
        return Lang::Ru;
    }
    jar.lang
        .as_deref()
        .and_then(Lang::parse)
        .or_else(|| {
            parts
                .headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default()
}

impl FromRequestParts<AppState> for PageCtx {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        let mut ctx = PageCtx::from_headers(parts, state);
        let Some(sid) = RequestCookies::of(parts).session.clone() else { return Ok(ctx) };
        if sid.len() > 128 {
            return Ok(ctx);
        }
        let now = ctx.now;
        let cache = state.unread.clone();
        // a session seen a moment ago, with its unread count in memory: no database at all
        let recent = state.caches.sessions.get(sid.as_str(), crate::cache::now());
        if let Some(user) = recent {
            match cache.get(user.id) {
                Cached::Fresh(n) => {
                    ctx.user = Some(user);
                    ctx.unread = n;
                    return Ok(ctx);
                }
                Cached::Stale(n) => {
                    state.jobs.submit(Job::UnreadCache { user_id: user.id }).await;
                    ctx.user = Some(user);
                    ctx.unread = n;
                    return Ok(ctx);
                }
                Cached::Missing => {}
            }
        }
        let sessions_cache = state.caches.clone();
        // a point read by primary key on every signed-in page: run here when a connection is
        // free rather than paying a hand-off to a request thread
        let found = state
            .db
            .run_here(move |conn| {
                let Some((user, touch)) = sessions::lookup(conn, &sid, now)? else {
                    return Ok(None);
                };
                sessions_cache.sessions.insert(sid, user.clone(), crate::cache::now());
                let unread = match cache.get(user.id) {
                    Cached::Fresh(n) => (n, false),
                    Cached::Stale(n) => (n, true),
                    Cached::Missing => {
                        // a user who just read or was sent a message sees the exact number
                        let n = crate::jobs::unread_cache::count(conn, user.id)?;
                        cache.set(user.id, n);
                        (n, false)
                    }
                };
                Ok(Some((user, unread, touch)))
            })
            .await?;
        if let Some((user, (unread, stale), touch)) = found {
            if stale {
                state.jobs.submit(Job::UnreadCache { user_id: user.id }).await;
            }
            if touch {
                // the sliding lifetime is bookkeeping: written by a job, at most hourly
                state
                    .jobs
                    .submit(Job::TouchSession { session_hash: user.session_hash.clone() })
                    .await;
            }
            ctx.user = Some(user);
            ctx.unread = unread;
        }
        Ok(ctx)
    }
}

/// The session cookie's token, not yet looked up: for handlers that need the user only on some
/// paths (a hidden ad's photo), so the common path costs no session read.
#[derive(Debug, Clone)]
pub struct SessionToken(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for SessionToken {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Error> {
        Ok(SessionToken(RequestCookies::of(parts).session.clone().filter(|t| t.len() <= 128)))
    }
}

/// The client's real IP: the TCP peer, or the last untrusted hop of `X-Forwarded-For` when the
/// peer is a trusted proxy.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::from([127, 0, 0, 1]));
        Ok(ClientIp(client_ip(peer, parts, &state.config.server.trusted_proxies)))
    }
}

/// Walks `X-Forwarded-For` from the right while hops are trusted proxies.
pub fn client_ip(peer: IpAddr, parts: &Parts, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let hops: Vec<IpAddr> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|h| h.trim().parse().ok())
        .collect();
    let mut ip = peer;
    for hop in hops.iter().rev() {
        ip = *hop;
        if !trusted.contains(hop) {
            break;
        }
    }
    ip
}

/// The User-Agent header, if any.
#[derive(Debug, Clone)]
pub struct UserAgent(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for UserAgent {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Error> {
        Ok(UserAgent(
            parts.headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_owned),
        ))
    }
}

/// The path's `{id}` as a typed id: anything but a positive integer is a 404, the one rule for
/// every route.
#[derive(Debug, Clone, Copy)]
pub struct IdPath<T>(pub T);

impl<T: ParseId + Send, S: Send + Sync> FromRequestParts<S> for IdPath<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Error> {
        let axum::extract::Path(raw) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(|_| Error::NotFound)?;
        T::parse_id(&raw).map(IdPath).ok_or(Error::NotFound)
    }
}

/// Whether the client asked for JSON (a script) rather than a page (a form).
#[derive(Debug, Clone, Copy)]
pub struct WantsJson(pub bool);

impl<S: Send + Sync> FromRequestParts<S> for WantsJson {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Error> {
        let accept = parts.headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
        Ok(WantsJson(accept.is_some_and(|a| a.contains("application/json"))))
    }
}

/// `Query<T>` whose rejection is our 400 page instead of axum's plain text.
#[derive(Debug, Clone)]
pub struct Q<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequestParts<S> for Q<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Error> {
        super::input::check_query(parts.uri.query())?;
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(Q(v)),
            Err(e) => Err(Error::BadRequest(format!(
                "Неверные параметры запроса / bad query: {}",
                e.body_text()
            ))),
        }
    }
}

/// A signed-in visitor; anonymous ones are sent to the login page (and come back after).
pub struct RequireUser(pub PageCtx, pub SessionUser);

impl FromRequestParts<AppState> for RequireUser {
    type Rejection = axum::response::Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        use axum::response::IntoResponse;
        let ctx =
            PageCtx::from_request_parts(parts, state).await.map_err(IntoResponse::into_response)?;
        match ctx.user.clone() {
            Some(user) => Ok(RequireUser(ctx, user)),
            None if parts.method == axum::http::Method::GET => {
                let login = crate::views::text::LoginLink(&ctx.here()).to_string();
                Err(axum::response::Redirect::to(&login).into_response())
            }
            None => Err(Error::Forbidden.into_response()),
        }
    }
}

/// A signed-in staff member. Everyone else, signed in or not, gets 404: the console's pages
/// are not told to exist.
pub struct RequireStaff(pub PageCtx, pub SessionUser);

impl FromRequestParts<AppState> for RequireStaff {
    type Rejection = axum::response::Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        use axum::response::IntoResponse;
        match RequireUser::from_request_parts(parts, state).await {
            Ok(RequireUser(ctx, user)) if user.is_staff => Ok(RequireStaff(ctx, user)),
            _ => Err(Error::NotFound.into_response()),
        }
    }
}
