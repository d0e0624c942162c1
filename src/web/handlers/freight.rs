//! `/logistics`: freight listings by route and date; posting and removing them.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use crate::domain::freight::{self, FreightFilter, FreightParams};
use crate::domain::ids::FreightId;
use crate::views::forms::FormState;
use crate::views::pages::freight as view;
use crate::web::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::error::{Error, Result};
use crate::web::extract::{IdPath, PageCtx, Q, RequireUser};
use crate::web::flash::Flash;

/// `GET /logistics`.
pub async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    Q(q): Q<FreightParams>,
) -> Result<Response> {
    let filter = FreightFilter::parse(&q).map_err(|key| Error::BadRequest(key.into()))?;
    let f = filter.clone();
    let (rows, total) = state.db.run(move |conn| Ok(freight::list(conn, &f)?)).await?;
    Ok(view::list(&ctx, &filter, &rows, total).into_response())
}

/// `GET /logistics/new`.
pub async fn new_form(RequireUser(ctx, _): RequireUser) -> Response {
    view::form(&ctx, &FormState::default()).into_response()
}

/// `POST /logistics/new`.
pub async fn create(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    form: CsrfForm,
) -> Result<Response> {
    let parsed = freight::parse(&form.0, &state.config.currency);
    let new = match parsed {
        Ok(f) => f,
        Err(errors) => {
            let fs = FormState { values: form.0.clone(), errors, general: Some("form.fix_errors") };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, view::form(&ctx, &fs)).into_response());
        }
    };
    let now = ctx.now;
    let id =
        state.db.run(move |conn| Ok(freight::actions::post(conn, user.id, &new, now)?)).await?;
    Ok((Flash("flash.ad_published"), Redirect::to(&format!("/freight/{id}"))).into_response())
}

/// `GET /freight/{id}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    IdPath(id): IdPath<FreightId>,
) -> Result<Response> {
    let f = state.db.run(move |conn| Ok(freight::get(conn, id)?)).await?.ok_or(Error::NotFound)?;
    let is_owner = ctx.user.as_ref().map(|u| u.id) == Some(f.owner_id);
    Ok(view::show(&ctx, &f, is_owner).into_response())
}

/// `POST /freight/{id}/delete` (owner or staff).
pub async fn delete(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    IdPath(id): IdPath<FreightId>,
    _form: CsrfForm,
) -> Result<Response> {
    let now = ctx.now;
    state.db.run(move |conn| Ok(freight::actions::remove(conn, &user, id, now)?)).await??;
    Ok((Flash("flash.ad_deleted"), Redirect::to("/logistics")).into_response())
}
