//! Users report ads and sellers to staff (chat messages: `chats::report`).

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::domain::ids::{AdId, UserId};
use crate::domain::moderation::{self, ReportRefusal, Target};
use crate::web::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::error::{Error, Result};
use crate::web::extract::{IdPath, PageCtx, RequireUser};
use crate::web::flash::Flash;
use crate::web::handlers::prefs::safe_back;

/// A report.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReportForm {
    reason: String,
    comment: String,
    back: String,
}

async fn file(
    state: AppState,
    ctx: PageCtx,
    user: crate::domain::users::SessionUser,
    target: Target,
    form: ReportForm,
    default_back: String,
) -> Result<Response> {
    let back =
        safe_back(Some(if form.back.is_empty() { &default_back } else { &form.back })).to_owned();
    let max = state.config.moderation.reports_per_hour;
    if !state.throttle.reports.allow(&user.id.to_string(), ctx.now, max) {
        return Ok((Flash("flash.report_too_many"), Redirect::to(&back)).into_response());
    }
    let now = ctx.now;
    let filed = state
        .db
        .run(move |conn| {
            Ok(moderation::report(conn, &user, target, &form.reason, &form.comment, now)?)
        })
        .await?;
    let flash = match filed {
        Ok(()) => "flash.reported",
        Err(ReportRefusal::Denied(d)) => return Err(d.into()),
        Err(ReportRefusal::BadReason) => {
            return Err(Error::BadRequest(ctx.lang.t("chat.bad_reason").into()));
        }
        Err(ReportRefusal::Already) => "flash.report_already",
        Err(ReportRefusal::Own) => return Err(Error::Refused("report.own")),
    };
    Ok((Flash(flash), Redirect::to(&back)).into_response())
}

/// `POST /ad/{id}/report`.
pub async fn ad(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    IdPath(id): IdPath<AdId>,
    CsrfForm(form): CsrfForm<ReportForm>,
) -> Result<Response> {
    file(state, ctx, user, Target::Ad(id), form, format!("/ad/{id}")).await
}

/// `POST /users/{id}/report`.
pub async fn user(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    IdPath(id): IdPath<UserId>,
    CsrfForm(form): CsrfForm<ReportForm>,
) -> Result<Response> {
    file(state, ctx, user, Target::User(id), form, format!("/seller/{id}")).await
}
