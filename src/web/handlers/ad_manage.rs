//! An ad's life after posting: publish, unpublish, delete; favorites; the owner's list.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::domain::ads::actions;
use crate::domain::ads::{favorites, write};
use crate::domain::ids::AdId;
use crate::domain::users::SessionUser;
use crate::jobs::Job;
use crate::views::pages::my_ads as view;
use crate::web::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::error::Result;
use crate::web::extract::{IdPath, PageCtx, RequireUser, WantsJson};
use crate::web::flash::Flash;
use crate::web::handlers::prefs::safe_back;

/// The forms of buttons that act and come back: where to come back to.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct BackForm {
    back: String,
}

/// Back where the form says (same site only), else to `default`, with a flash.
pub fn back_to(form: &BackForm, default: &str, flash_key: &'static str) -> Response {
    let back = Some(form.back.as_str()).filter(|b| !b.is_empty()).unwrap_or(default);
    (Flash(flash_key), Redirect::to(safe_back(Some(back)))).into_response()
}

/// Publishes or unpublishes (the rule of who may is the domain's).
async fn set_active(
    state: AppState,
    ctx: PageCtx,
    user: SessionUser,
    id: AdId,
    active: bool,
    form: BackForm,
) -> Result<Response> {
    let now = ctx.now;
    let verified_email = state.config.moderation.require_verified_email;
    let done = state
        .db
        .run(move |conn| Ok(actions::set_active(conn, &user, id, active, verified_email, now)?))
        .await??;
    let flash = match (active, done) {
        (true, actions::Publication::AwaitingEmail) => "flash.ad_awaiting_email",
        (true, actions::Publication::Done) => "flash.ad_activated",
        (false, _) => "flash.ad_deactivated",
    };
    Ok(back_to(&form, "/my/ads", flash))
}

/// `POST /ad/{id}/activate` (owner).
pub async fn activate(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    IdPath(id): IdPath<AdId>,
    CsrfForm(form): CsrfForm<BackForm>,
) -> Result<Response> {
    set_active(state, ctx, user, id, true, form).await
}

/// `POST /ad/{id}/deactivate` (owner or staff).
pub async fn deactivate(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    IdPath(id): IdPath<AdId>,
    CsrfForm(form): CsrfForm<BackForm>,
) -> Result<Response> {
    set_active(state, ctx, user, id, false, form).await
}

/// `POST /ad/{id}/delete` (owner or staff): gone from public view, photos erased by a job,
/// buyers' chats kept.
pub async fn delete(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    IdPath(id): IdPath<AdId>,
    _csrf: CsrfForm, // the token check is the point: the form has no fields
) -> Result<Response> {
    let now = ctx.now;
    let jobs = state.jobs.clone();
    state
        .db
        .run(move |conn| {
            let deleted = actions::delete(conn, &user, id, now)?;
            // queued here, right after the commit, even if the visitor has gone meanwhile
            if let Ok(files) = &deleted
                && !files.is_empty()
            {
                jobs.enqueue(Job::DeleteFiles { paths: files.clone() });
            }
            Ok(deleted)
        })
        .await??;
    Ok((Flash("flash.ad_deleted"), Redirect::to("/my/ads")).into_response())
}

/// `POST /ad/{id}/favorite`: toggles. Scripts ask for JSON and stay on the page; forms come back.
pub async fn favorite(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    IdPath(id): IdPath<AdId>,
    WantsJson(wants_json): WantsJson,
    CsrfForm(form): CsrfForm<BackForm>,
) -> Result<Response> {
    let now = ctx.now;
    let is_favorite =
        state.db.run(move |conn| Ok(actions::toggle_favorite(conn, user.id, id, now)?)).await??;
    if wants_json {
        return Ok((
            [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))],
            format!("{{\"favorite\":{is_favorite}}}"),
        )
            .into_response());
    }
    Ok(back_to(
        &form,
        "/favorites",
        if is_favorite { "flash.favorite_added" } else { "flash.favorite_removed" },
    ))
}

/// `GET /favorites`.
pub async fn favorites(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
) -> Result<Response> {
    let now = ctx.now;
    let cards = state.db.run(move |conn| Ok(favorites::favorites(conn, user.id, now)?)).await?;
    Ok(view::favorites(&ctx, &cards).into_response())
}

/// `GET /my/ads`.
pub async fn my_ads(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
) -> Result<Response> {
    let now = ctx.now;
    let (ads, freight) = state
        .db
        .run(move |conn| {
            Ok((
                write::my_ads(conn, user.id, now)?,
                crate::domain::freight::my_freight(conn, user.id)?,
            ))
        })
        .await?;
    Ok(view::my_ads(&ctx, &ads, &freight).into_response())
}
