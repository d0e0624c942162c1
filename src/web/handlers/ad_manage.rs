//! An ad's life after posting: publish, unpublish, delete; favorites; the owner's list.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};

use crate::domain::ads::write;
use crate::domain::users::SessionUser;
use crate::jobs::Job;
use crate::views::pages::my_ads as view;
use crate::web::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::error::{Error, Result};
use crate::web::extract::{PageCtx, RequireUser, WantsJson};
use crate::web::flash::Flash;
use crate::web::handlers::prefs::safe_back;

fn parse_id(id: &str) -> Result<i64> {
    id.parse().map_err(|_| Error::NotFound)
}

/// Whether the user may change the ad: its owner, or staff when `staff_ok` (moderation).
/// Returns whether the user acts as staff on someone else's ad.
async fn may_manage(
    state: &AppState,
    user: &SessionUser,
    id: i64,
    staff_ok: bool,
) -> Result<(bool, write::Ownership)> {
    let o =
        state.db.run(move |conn| Ok(write::ownership(conn, id)?)).await?.ok_or(Error::NotFound)?;
    if o.owner_id == user.id {
        Ok((false, o))
    } else if staff_ok && user.is_staff {
        Ok((true, o))
    } else {
        Err(Error::Forbidden)
    }
}

fn back_to(form: &CsrfForm, default: &str, flash_key: &'static str) -> Response {
    let back = form.0.get("back").map(String::as_str).filter(|b| !b.is_empty()).unwrap_or(default);
    (Flash(flash_key), Redirect::to(safe_back(Some(back)))).into_response()
}

/// Publishes or unpublishes. Staff may do both on any ad; an ad staff unpublished stays so
/// until staff publish it again.
async fn set_active(
    state: AppState,
    ctx: PageCtx,
    user: SessionUser,
    id: &str,
    active: bool,
    form: CsrfForm,
) -> Result<Response> {
    let id = parse_id(id)?;
    let (as_staff, o) = may_manage(&state, &user, id, true).await?;
    if active && o.blocked && !user.is_staff {
        return Err(Error::Forbidden);
    }
    let now = ctx.now;
    state.db.run(move |conn| Ok(write::set_active(conn, id, active, as_staff, now)?)).await?;
    Ok(back_to(
        &form,
        "/my/ads",
        if active { "flash.ad_activated" } else { "flash.ad_deactivated" },
    ))
}

/// `POST /ad/{id}/activate` (owner).
pub async fn activate(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    Path(id): Path<String>,
    form: CsrfForm,
) -> Result<Response> {
    set_active(state, ctx, user, &id, true, form).await
}

/// `POST /ad/{id}/deactivate` (owner or staff).
pub async fn deactivate(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    Path(id): Path<String>,
    form: CsrfForm,
) -> Result<Response> {
    set_active(state, ctx, user, &id, false, form).await
}

/// `POST /ad/{id}/delete` (owner or staff): gone from public view, photos erased by a job,
/// buyers' chats kept.
pub async fn delete(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    Path(id): Path<String>,
    _csrf: CsrfForm, // the token check is the point: the form has no fields
) -> Result<Response> {
    let id = parse_id(&id)?;
    may_manage(&state, &user, id, true).await?;
    let now = ctx.now;
    let jobs = state.jobs.clone();
    state
        .db
        .run(move |conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let files = write::delete(&tx, id, now)?;
            tx.commit()?;
            if !files.is_empty() {
                jobs.enqueue(Job::DeleteFiles { paths: files });
            }
            Ok(())
        })
        .await?;
    Ok((Flash("flash.ad_deleted"), Redirect::to("/my/ads")).into_response())
}

/// `POST /ad/{id}/favorite`: toggles. Scripts ask for JSON and stay on the page; forms come back.
pub async fn favorite(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    Path(id): Path<String>,
    WantsJson(wants_json): WantsJson,
    form: CsrfForm,
) -> Result<Response> {
    let id = parse_id(&id)?;
    let now = ctx.now;
    let is_favorite = state
        .db
        .run(move |conn| Ok(write::toggle_favorite(conn, user.id, id, now)?))
        .await?
        .ok_or(Error::NotFound)?;
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
    let cards = state.db.run(move |conn| Ok(write::favorites(conn, user.id, now)?)).await?;
    Ok(view::favorites(&ctx, &cards).into_response())
}

/// `GET /my/ads`.
pub async fn my_ads(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
) -> Result<Response> {
    let now = ctx.now;
    let ads = state.db.run(move |conn| Ok(write::my_ads(conn, user.id, now)?)).await?;
    Ok(view::my_ads(&ctx, &ads).into_response())
}
