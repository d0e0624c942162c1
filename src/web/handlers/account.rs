//! The signed-in user's own pages: profile and avatar, password, export, deletion.

use std::collections::HashMap;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::domain::accounts::repo::{self, Account};
use crate::domain::accounts::{FieldErrors, actions, parse_profile, password};
use crate::domain::ids::UserId;
use crate::domain::photos;
use crate::views::forms::FormState;
use crate::views::pages::account as view;
use crate::web::AppState;
use crate::web::cookies;
use crate::web::csrf::CsrfForm;
use crate::web::error::{Error, Result};
use crate::web::extract::{RequireUser, SESSION_COOKIE};
use crate::web::flash::Flash;
use crate::web::multipart::{self, FileRules};

/// Largest avatar upload.
pub const AVATAR_MAX_BYTES: usize = 5 * 1024 * 1024;
/// Side of the stored (square) avatar.
const AVATAR_SIDE: u32 = 256;

fn values_of(a: &Account) -> HashMap<String, String> {
    let p = &a.profile;
    let mut v = HashMap::new();
    let mut put = |k: &str, val: Option<&str>| {
        if let Some(val) = val {
            v.insert(k.to_owned(), val.to_owned());
        }
    };
    put("name", Some(&p.name));
    put("phone", p.phone.as_deref());
    put("country", p.country.map(|c| c.code()));
    put("city", p.city.as_deref());
    if let Some(c) = &p.company {
        put("company_name", Some(&c.company_name));
        put("tax_id", Some(&c.tax_id));
        put("director", Some(&c.director));
        put("company_phone", Some(&c.company_phone));
        put("company_email", Some(&c.company_email));
        put("address", Some(&c.address));
        put("legal_address", Some(&c.legal_address));
        put("website", c.website.as_deref());
    }
    v
}

async fn load(state: &AppState, id: UserId) -> Result<Account> {
    state.db.run(move |conn| Ok(repo::get(conn, id)?)).await?.ok_or(Error::NotFound)
}

fn redirect_with(flash_key: &'static str, to: &str) -> Response {
    (Flash(flash_key), Redirect::to(to)).into_response()
}

/// `GET /account`.
pub async fn show(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
) -> Result<Response> {
    let account = load(&state, user.id).await?;
    let form = FormState { values: values_of(&account), ..FormState::default() };
    Ok(view::settings(&ctx, &account, &form).into_response())
}

/// `POST /account`: saves the profile.
pub async fn update(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    form: CsrfForm,
) -> Result<Response> {
    let account = load(&state, user.id).await?;
    let mut errors = FieldErrors::default();
    let profile = parse_profile(&form.0, account.account_type, &mut errors);
    if !errors.is_empty() {
        let fs = FormState { values: form.0.clone(), errors, general: None };
        return Ok(
            (StatusCode::UNPROCESSABLE_ENTITY, view::settings(&ctx, &account, &fs)).into_response()
        );
    }
    let chat_mail = form.0.contains_key("notifications").then(|| form.0.contains_key("chat_mail"));
    state
        .db
        .run(move |conn| {
            actions::update_profile(conn, user.id, &profile)?;
            if let Some(on) = chat_mail {
                crate::domain::chats::actions::set_mail(conn, user.id, on)?;
            }
            Ok(())
        })
        .await?;
    // the header shows the name
    state.caches.forget_sessions();
    Ok(redirect_with("flash.profile_saved", "/account"))
}

/// `POST /account/avatar` (multipart: `csrf_token`, `avatar`).
pub async fn avatar(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    req: Request,
) -> Result<Response> {
    let rules = FileRules { field: "avatar", max_bytes: AVATAR_MAX_BYTES, max_files: 1 };
    let form = multipart::read(&state, req, rules).await?;
    let account = load(&state, user.id).await?;
    let fail = |status: StatusCode, key: &'static str| {
        let fs = FormState {
            values: values_of(&account),
            errors: FieldErrors::default(),
            general: Some(key),
        };
        (status, view::settings(&ctx, &account, &fs)).into_response()
    };
    let bytes = match form.files.into_iter().next() {
        None => return Ok(fail(StatusCode::UNPROCESSABLE_ENTITY, "account.avatar_missing")),
        Some((_, None)) => {
            return Ok(fail(StatusCode::PAYLOAD_TOO_LARGE, "account.avatar_too_big"));
        }
        Some((_, Some(bytes))) => bytes,
    };
    // decoded whatever its name or declared type says, re-encoded as a square JPEG: EXIF and
    // anything else hidden in the file is gone
    let info = match photos::inspect(&bytes) {
        Ok(info) => info,
        Err(e) => return Ok(fail(StatusCode::UNPROCESSABLE_ENTITY, e.key())),
    };
    let square = move || photos::process_square(&bytes, &info, AVATAR_SIDE);
    let jpeg = match state.decoding(info.cost_mib(), square).await? {
        Ok(jpeg) => jpeg,
        Err(e) => return Ok(fail(StatusCode::UNPROCESSABLE_ENTITY, e.key())),
    };
    let uploads = state.config.server.data_dir.join("uploads");
    let name =
        format!("avatars/{}.jpg", crate::domain::secrets::new_token().replace(['-', '_'], "x"));
    let path = uploads.join(&name);
    if let Some(dir) = path.parent() {
        tokio::fs::create_dir_all(dir).await.map_err(Error::internal)?;
    }
    tokio::fs::write(&path, jpeg).await.map_err(Error::internal)?;
    let stored = name.clone();
    let old = state.db.run(move |conn| Ok(actions::set_avatar(conn, user.id, &stored)?)).await?;
    if let Some(old) = old {
        state.jobs.submit(crate::jobs::Job::DeleteFiles { paths: vec![old] }).await;
    }
    // the header shows the avatar
    state.caches.forget_sessions();
    Ok(redirect_with("flash.avatar_saved", "/account"))
}

/// The change-password form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PasswordForm {
    current_password: String,
    password: String,
}

/// The account-deletion form: the password again.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DeleteForm {
    password: String,
}

/// `GET /account/password`.
pub async fn password_form(RequireUser(ctx, _): RequireUser) -> Response {
    view::password(&ctx, &FormState::default()).into_response()
}

async fn check_current(state: &AppState, account: &Account, given: &str) -> Result<bool> {
    let Some(stored) = account.password_hash.clone() else { return Ok(false) };
    let given: String = given.chars().take(password::MAX_LEN).collect();
    state.hashing(move |h| h.verify(&given, &stored)).await
}

/// `POST /account/password`: ends every other session.
pub async fn change_password(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> Result<Response> {
    let account = load(&state, user.id).await?;
    let mut errors = FieldErrors::default();
    if !check_current(&state, &account, &form.current_password).await? {
        errors.add("current_password", "form.wrong_password");
    }
    let new = form.password;
    if let Err(key) = password::check_strength(&new, state.config.auth.password_min_length) {
        errors.add("password", key);
    }
    if !errors.is_empty() {
        let fs = FormState { values: HashMap::new(), errors, general: None };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, view::password(&ctx, &fs)).into_response());
    }
    let hash = state.hashing(move |h| h.hash(&new)).await?.map_err(Error::internal)?;
    let now = ctx.now;
    let keep = user.session_hash.clone();
    state
        .db
        .run(move |conn| Ok(actions::change_password(conn, user.id, &hash, &keep, now)?))
        .await?;
    // the other sessions ended with the change
    state.caches.forget_sessions();
    Ok(redirect_with("flash.password_changed", "/account"))
}

/// `POST /account/delete` (asks for the password).
pub async fn delete(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    CsrfForm(form): CsrfForm<DeleteForm>,
) -> Result<Response> {
    let account = load(&state, user.id).await?;
    if !check_current(&state, &account, &form.password).await? {
        let fs = FormState {
            values: values_of(&account),
            errors: FieldErrors::default(),
            general: Some("account.delete_wrong_password"),
        };
        return Ok(
            (StatusCode::UNPROCESSABLE_ENTITY, view::settings(&ctx, &account, &fs)).into_response()
        );
    }
    let now = ctx.now;
    let jobs = state.jobs.clone();
    state
        .db
        .run(move |conn| {
            let files = actions::delete_account(conn, user.id, now)?;
            // queued here, right after the commit, even if the visitor has gone meanwhile
            if !files.is_empty() {
                jobs.enqueue(crate::jobs::Job::DeleteFiles { paths: files });
            }
            Ok(())
        })
        .await?;
    let mut headers = HeaderMap::new();
    cookies::remove(&mut headers, SESSION_COOKIE);
    state.caches.forget_sessions();
    Ok((headers, Flash("flash.account_deleted"), Redirect::to("/")).into_response())
}

/// `GET /account/export`: everything we hold about the user, as a JSON download.
pub async fn export(
    State(state): State<AppState>,
    RequireUser(_, user): RequireUser,
) -> Result<Response> {
    let ring = state.chat_keys.clone();
    let data = state.db.run(move |conn| Ok(repo::export(conn, &ring, user.id)?)).await?;
    let body = serde_json::to_string_pretty(&data).map_err(Error::internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8")),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"uzmat-export.json\""),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("private, no-store")),
        ],
        body,
    )
        .into_response())
}
