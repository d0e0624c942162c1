//! Sign-up, sign-in, sign-out, e-mail verification and password reset.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::domain::accounts::actions::{self, MailCtx};
use crate::domain::accounts::{self, AccountType, FieldErrors, password, repo};
use crate::domain::tokens::{self, Purpose, TokenError};
use crate::jobs::Job;
use crate::views::forms::FormState;
use crate::views::pages::auth::{self as view, LinkKind};
use crate::web::AppState;
use crate::web::cookies;
use crate::web::csrf::{ANON_COOKIE, CsrfForm};
use crate::web::error::{Error, Result};
use crate::web::extract::{ClientIp, PageCtx, Q, SESSION_COOKIE, SessionToken};
use crate::web::flash::Flash;
use crate::web::handlers::prefs::safe_back;
use crate::web::throttle::Attempt;

/// Query of the sign-up and sign-in pages.
#[derive(Debug, Deserialize, Default)]
pub struct AuthQuery {
    #[serde(rename = "type")]
    account_type: Option<String>,
    next: Option<String>,
}

/// The sign-in form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LoginForm {
    email: String,
    password: String,
    next: String,
}

/// The forgotten-password form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ForgotForm {
    email: String,
}

/// The new-password form of a reset link.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ResetForm {
    password: String,
}

/// Answers with the session cookie set and a redirect (a new session id on every sign-in).
pub fn signed_in(state: &AppState, token: String, to: &str, flash_key: &'static str) -> Response {
    let mut headers = HeaderMap::new();
    let c = cookies::build(
        SESSION_COOKIE,
        token,
        state.config.server.https,
        i64::from(state.config.auth.session_days),
    );
    cookies::append(&mut headers, &c);
    cookies::remove(&mut headers, ANON_COOKIE);
    (headers, Flash(flash_key), Redirect::to(safe_back(Some(to)))).into_response()
}

fn form_state(form: &CsrfForm, errors: FieldErrors, general: Option<&'static str>) -> FormState {
    FormState { values: form.0.clone(), errors, general }
}

/// `GET /signup`.
pub async fn signup_form(ctx: PageCtx, Q(q): Q<AuthQuery>) -> Response {
    if ctx.user.is_some() {
        return Redirect::to("/account").into_response();
    }
    let kind = if q.account_type.as_deref() == Some("company") {
        AccountType::Company
    } else {
        AccountType::Individual
    };
    let next = safe_back(q.next.as_deref()).to_owned();
    view::signup(&ctx, &FormState::default(), kind, &next).into_response()
}

/// `POST /signup`: creates the account, signs in at once, and mails a confirmation link.
pub async fn signup(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: PageCtx,
    form: CsrfForm,
) -> Result<Response> {
    // a second account is not made from inside the first one
    if ctx.user.is_some() {
        return Ok(Redirect::to("/account").into_response());
    }
    let kind = if form.get("account_type") == "company" {
        AccountType::Company
    } else {
        AccountType::Individual
    };
    let next = safe_back(Some(form.get("next"))).to_owned();
    let rerender = |errors, general, status| {
        (status, view::signup(&ctx, &form_state(&form, errors, general), kind, &next))
            .into_response()
    };
    let now = ctx.now;
    if !state.throttle.signups.allow(
        &ip.to_string(),
        now,
        state.config.auth.signups_per_ip_per_hour,
    ) {
        return Ok(rerender(
            FieldErrors::default(),
            Some("auth.too_many_signups"),
            StatusCode::TOO_MANY_REQUESTS,
        ));
    }
    let signup = match accounts::parse_signup(&form.0, state.config.auth.password_min_length) {
        Ok(s) => s,
        Err(errors) => return Ok(rerender(errors, None, StatusCode::UNPROCESSABLE_ENTITY)),
    };
    let pw = signup.password.clone();
    let hash = state.hashing(move |h| h.hash(&pw)).await?.map_err(Error::internal)?;
    let base = state.config.server.public_url.trim_end_matches('/').to_owned();
    let days = state.config.auth.session_days;
    let lang = ctx.lang;
    let created = state
        .db
        .run(move |conn| {
            let mail_ctx = MailCtx { base_url: &base, lang };
            Ok(actions::sign_up(conn, &signup, &hash, mail_ctx, now, days)?.ok())
        })
        .await?;
    let Some(session) = created else {
        let mut errors = FieldErrors::default();
        errors.add("email", "form.email_taken");
        return Ok(rerender(errors, None, StatusCode::UNPROCESSABLE_ENTITY));
    };
    state.jobs.submit(Job::DeliverMail).await;
    Ok(signed_in(&state, session, if next == "/" { "/account" } else { &next }, "flash.signed_up"))
}

/// `GET /login`.
pub async fn login_form(ctx: PageCtx, Q(q): Q<AuthQuery>) -> Response {
    let next = safe_back(q.next.as_deref()).to_owned();
    if ctx.user.is_some() {
        return Redirect::to(&next).into_response();
    }
    view::login(&ctx, &FormState::default(), &next).into_response()
}

/// `POST /login`: the same answer for an unknown e-mail and a wrong password; 5 failures of one
/// account from one IP in 5 minutes make it wait 5 minutes.
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: PageCtx,
    SessionToken(old_session): SessionToken,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Result<Response> {
    let next = safe_back(Some(&form.next)).to_owned();
    let email = form.email.trim().to_lowercase();
    let now = ctx.now;
    let auth = &state.config.auth;
    let key = format!("{email}:{ip}");
    // the password is never sent back
    let values = HashMap::from([("email".to_owned(), form.email.clone())]);
    let rerender = |general: &'static str, status: StatusCode| {
        let state = FormState {
            values: values.clone(),
            errors: FieldErrors::default(),
            general: Some(general),
        };
        (status, view::login(&ctx, &state, &next)).into_response()
    };
    // checked and counted in one step, before the slow password check (see `attempt`)
    match state.throttle.login.attempt(&key, now, auth.login_max_failures) {
        Attempt::Allowed => {}
        Attempt::LockedNow => {
            tracing::warn!(%ip, "login locked after repeated failures");
            return Ok(rerender("auth.locked", StatusCode::TOO_MANY_REQUESTS));
        }
        Attempt::Locked => return Ok(rerender("auth.locked", StatusCode::TOO_MANY_REQUESTS)),
    }
    let info = {
        let email = email.clone();
        state.db.run(move |conn| Ok(repo::login_info(conn, &email)?)).await?
    };
    let password = form.password.chars().take(password::MAX_LEN).collect::<String>();
    let (user_id, stored) = match info {
        Some((id, Some(hash))) => (Some(id), hash),
        // unknown e-mail or no password yet: verify against a dummy so timing says nothing
        _ => (None, String::new()),
    };
    state.metrics.password_checks.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let ok = state
        .hashing(move |h| {
            let stored = if stored.is_empty() { h.dummy_hash() } else { stored };
            h.verify(&password, &stored)
        })
        .await?;
    let Some(user_id) = user_id.filter(|_| ok) else {
        return Ok(rerender("auth.bad_credentials", StatusCode::UNPROCESSABLE_ENTITY));
    };
    state.throttle.login.clear(&key);
    // a banned account is told why, and gets no session
    let ban =
        state.db.run(move |conn| Ok(crate::domain::moderation::ban_of(conn, user_id)?)).await?;
    if let Some(reason) = ban {
        return Err(Error::ForbiddenBecause(ctx.lang.tf("auth.banned", &[("reason", &reason)])));
    }
    let days = auth.session_days;
    let token = state
        .db
        .run(move |conn| Ok(actions::sign_in(conn, user_id, old_session.as_deref(), now, days)?))
        .await?;
    Ok(signed_in(&state, token, &next, "flash.signed_in"))
}

/// `POST /logout`.
pub async fn logout(
    State(state): State<AppState>,
    ctx: PageCtx,
    SessionToken(session): SessionToken,
    _form: CsrfForm,
) -> Result<Response> {
    if let Some(token) = session {
        state.db.run(move |conn| Ok(actions::sign_out(conn, &token)?)).await?;
    }
    state.caches.forget_sessions();
    // the user's live chat sockets end; those of their other signed-in devices reconnect
    if let Some(user) = &ctx.user {
        state.hub.drop_user(user.id);
    }
    let mut out = HeaderMap::new();
    cookies::remove(&mut out, SESSION_COOKIE);
    Ok((out, Flash("flash.signed_out"), Redirect::to("/")).into_response())
}

/// `GET /password/forgot`.
pub async fn forgot_form(ctx: PageCtx) -> Response {
    view::forgot(&ctx, &FormState::default(), false).into_response()
}

/// `POST /password/forgot`: mails a reset link if the account exists; the page says the same
/// either way.
pub async fn forgot(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: PageCtx,
    CsrfForm(form): CsrfForm<ForgotForm>,
) -> Result<Response> {
    let now = ctx.now;
    let values = HashMap::from([("email".to_owned(), form.email.clone())]);
    let form_state = |errors, general| FormState { values: values.clone(), errors, general };
    if !state.throttle.resets.allow(&ip.to_string(), now, state.config.auth.resets_per_ip_per_hour)
    {
        let fs = form_state(FieldErrors::default(), Some("auth.too_many_resets"));
        return Ok((StatusCode::TOO_MANY_REQUESTS, view::forgot(&ctx, &fs, false)).into_response());
    }
    let Some(email) = accounts::Email::parse(&form.email) else {
        let mut errors = FieldErrors::default();
        errors.add("email", "form.bad_email");
        let fs = form_state(errors, None);
        return Ok(
            (StatusCode::UNPROCESSABLE_ENTITY, view::forgot(&ctx, &fs, false)).into_response()
        );
    };
    let base = state.config.server.public_url.trim_end_matches('/').to_owned();
    let queued =
        state.db.run(move |conn| Ok(actions::request_reset(conn, &email, &base, now)?)).await?;
    if queued {
        state.jobs.submit(Job::DeliverMail).await;
    }
    Ok(view::forgot(&ctx, &FormState::default(), true).into_response())
}

/// A link that no longer works: a page that says why and offers a new one; 410 Gone for a
/// used or expired link, 400 for one that never was.
fn dead_link(ctx: &PageCtx, kind: LinkKind, e: TokenError) -> Response {
    let (status, key) = match e {
        TokenError::Invalid => (StatusCode::BAD_REQUEST, "auth.token_invalid"),
        TokenError::Expired => (StatusCode::GONE, "auth.token_expired"),
        TokenError::Used => (StatusCode::GONE, "auth.token_used"),
    };
    (status, view::dead_link(ctx, kind, key, &FormState::default())).into_response()
}

/// `GET /password/reset/{token}`.
pub async fn reset_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(token): Path<String>,
) -> Result<Response> {
    let now = ctx.now;
    let t = token.clone();
    let checked =
        state.db.run(move |conn| Ok(tokens::check(conn, &t, Purpose::ResetPassword, now)?)).await?;
    if let Err(e) = checked {
        return Ok(dead_link(&ctx, LinkKind::Reset, e));
    }
    Ok(view::reset(&ctx, &FormState::default(), &token).into_response())
}

/// `POST /password/reset/{token}`: sets the password, ends every session, signs in anew.
pub async fn reset(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(token): Path<String>,
    CsrfForm(form): CsrfForm<ResetForm>,
) -> Result<Response> {
    let password = form.password;
    if let Err(key) = password::check_strength(&password, state.config.auth.password_min_length) {
        let mut errors = FieldErrors::default();
        errors.add("password", key);
        let fs = FormState { values: HashMap::new(), errors, general: None };
        return Ok(
            (StatusCode::UNPROCESSABLE_ENTITY, view::reset(&ctx, &fs, &token)).into_response()
        );
    }
    let hash = state.hashing(move |h| h.hash(&password)).await?.map_err(Error::internal)?;
    let now = ctx.now;
    let days = state.config.auth.session_days;
    let result = state
        .db
        .run(move |conn| Ok(actions::reset_password(conn, &token, &hash, now, days)?))
        .await?;
    let session = match result {
        Ok(session) => session,
        Err(e) => return Ok(dead_link(&ctx, LinkKind::Reset, e)),
    };
    // every other session ended with the reset
    state.caches.forget_sessions();
    Ok(signed_in(&state, session, "/account", "flash.password_set"))
}

/// `GET /verify-email/{token}`: confirms the address (the link in the sign-up mail).
pub async fn verify_email(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(token): Path<String>,
) -> Result<Response> {
    let now = ctx.now;
    let result = state.db.run(move |conn| Ok(actions::verify_email(conn, &token, now)?)).await?;
    if let Err(e) = result {
        return Ok(dead_link(&ctx, LinkKind::Verify, e));
    }
    // the header's banner and "my ads" change: the cached session goes
    state.caches.forget_sessions();
    let to = if ctx.user.is_some() { "/account" } else { "/login" };
    Ok((Flash("flash.email_verified"), Redirect::to(to)).into_response())
}

/// The new-confirmation-mail form: where a signed-in user comes back to, or the address of a
/// visitor who is not signed in.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ResendForm {
    email: String,
    back: String,
}

/// Query of the new-confirmation-mail page.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ResendQuery {
    back: Option<String>,
}

/// `GET /verify-email/resend`: a new confirmation mail (the banner's and "my ads"' link).
pub async fn resend_form(ctx: PageCtx, Q(q): Q<ResendQuery>) -> Response {
    let back = safe_back(q.back.as_deref()).to_owned();
    view::resend(&ctx, &FormState::default(), false, &back).into_response()
}

/// `POST /verify-email/resend`: mails a new confirmation link, limited like password resets
/// (`auth.resets_per_ip_per_hour`). Signed in: to the user's own address, back where they
/// were; signed out: to the typed address if it has an unconfirmed account, with the same page
/// either way.
pub async fn resend(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: PageCtx,
    CsrfForm(form): CsrfForm<ResendForm>,
) -> Result<Response> {
    let now = ctx.now;
    let back = safe_back(Some(&form.back)).to_owned();
    let back = if back == "/" { "/account".to_owned() } else { back };
    let values = HashMap::from([("email".to_owned(), form.email.clone())]);
    let rerender = |errors, general, status: StatusCode| {
        let fs = FormState { values: values.clone(), errors, general };
        (status, view::resend(&ctx, &fs, false, &back)).into_response()
    };
    let limit = state.config.auth.resets_per_ip_per_hour;
    if !state.throttle.resets.allow(&format!("verify:{ip}"), now, limit) {
        return Ok(rerender(
            FieldErrors::default(),
            Some("auth.too_many_resends"),
            StatusCode::TOO_MANY_REQUESTS,
        ));
    }
    let email = match &ctx.user {
        Some(_) => None,
        None => match accounts::Email::parse(&form.email) {
            Some(e) => Some(e),
            None => {
                let mut errors = FieldErrors::default();
                errors.add("email", "form.bad_email");
                return Ok(rerender(errors, None, StatusCode::UNPROCESSABLE_ENTITY));
            }
        },
    };
    let user = ctx.user.as_ref().map(|u| u.id);
    let base = state.config.server.public_url.trim_end_matches('/').to_owned();
    let lang = ctx.lang;
    let resent = state
        .db
        .run(move |conn| {
            let who = match (&email, user) {
                (Some(e), _) => actions::Resend::Email(e),
                (None, Some(id)) => actions::Resend::User(id),
                (None, None) => return Ok(actions::Resent::NoAccount),
            };
            let mail_ctx = MailCtx { base_url: &base, lang };
            Ok(actions::resend_verification(conn, who, mail_ctx, now)?)
        })
        .await?;
    if resent == actions::Resent::Sent {
        state.jobs.submit(Job::DeliverMail).await;
    }
    if ctx.user.is_none() {
        return Ok(view::resend(&ctx, &FormState::default(), true, &back).into_response());
    }
    let flash = match resent {
        actions::Resent::AlreadyVerified => "flash.already_verified",
        _ => "flash.verify_sent",
    };
    Ok((Flash(flash), Redirect::to(&back)).into_response())
}
