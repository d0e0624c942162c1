//! `/logistics`: freight listings by route and date; posting, editing, publishing,
//! unpublishing and removing them.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use crate::domain::accounts::FieldErrors;
use crate::domain::ads::actions::Publication;
use crate::domain::freight::{self, FreightFilter, FreightParams};
use crate::domain::ids::FreightId;
use crate::domain::users::SessionUser;
use crate::views::forms::FormState;
use crate::views::pages::freight as view;
use crate::web::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::error::{Error, Result};
use crate::web::extract::{IdPath, PageCtx, Q, RequireUser};
use crate::web::flash::Flash;
use crate::web::handlers::ad_manage::{BackForm, back_to};

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

/// `GET /logistics/new`: the phone, the country and its currency from the profile.
pub async fn new_form(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
) -> Result<Response> {
    let values =
        super::profile_defaults(&state, &ctx, user.id, ("from_country", "from_city")).await?;
    Ok(view::form(&ctx, &FormState { values, ..FormState::default() }, None).into_response())
}

/// The form's page again with its errors (422).
fn rerender(
    ctx: &PageCtx,
    form: &CsrfForm,
    errors: FieldErrors,
    editing: Option<FreightId>,
) -> Response {
    let fs = FormState { values: form.0.clone(), errors, general: Some("form.fix_errors") };
    (StatusCode::UNPROCESSABLE_ENTITY, view::form(ctx, &fs, editing)).into_response()
}

/// `POST /logistics/new`: published, or kept for the owner until their e-mail is confirmed.
pub async fn create(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    form: CsrfForm,
) -> Result<Response> {
    let new = match freight::parse(&form.0, &state.rates.get()) {
        Ok(f) => f,
        Err(errors) => return Ok(rerender(&ctx, &form, errors, None)),
    };
    let now = ctx.now;
    let verified_email = state.config.moderation.require_verified_email;
    let (id, done) = state
        .db
        .run(move |conn| Ok(freight::actions::post(conn, user.id, &new, verified_email, now)?))
        .await?;
    let flash = match done {
        Publication::AwaitingEmail => "flash.ad_awaiting_email",
        Publication::Done => "flash.ad_published",
    };
    Ok((Flash(flash), Redirect::to(&format!("/freight/{id}"))).into_response())
}

/// `GET /freight/{id}`: an unpublished listing to its owner and staff only.
pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    IdPath(id): IdPath<FreightId>,
) -> Result<Response> {
    let f = state.db.run(move |conn| Ok(freight::get(conn, id)?)).await?.ok_or(Error::NotFound)?;
    if !f.visible_to(ctx.user.as_ref()) {
        return Err(Error::NotFound);
    }
    let is_owner = ctx.user.as_ref().map(|u| u.id) == Some(f.owner_id);
    Ok(view::show(&ctx, &f, is_owner).into_response())
}

/// A listing `user` may change (its owner only).
async fn owned(state: &AppState, user: &SessionUser, id: FreightId) -> Result<freight::Freight> {
    let f = state.db.run(move |conn| Ok(freight::get(conn, id)?)).await?.ok_or(Error::NotFound)?;
    f.may_change(user)?;
    Ok(f)
}

/// `GET /freight/{id}/edit` (owner).
pub async fn edit_form(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    IdPath(id): IdPath<FreightId>,
) -> Result<Response> {
    let f = owned(&state, &user, id).await?;
    let fs = FormState { values: view::values_of(&f), ..FormState::default() };
    Ok(view::form(&ctx, &fs, Some(id)).into_response())
}

/// `POST /freight/{id}/edit` (owner).
pub async fn update(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    IdPath(id): IdPath<FreightId>,
    form: CsrfForm,
) -> Result<Response> {
    owned(&state, &user, id).await?;
    let changed = match freight::parse(&form.0, &state.rates.get()) {
        Ok(f) => f,
        Err(errors) => return Ok(rerender(&ctx, &form, errors, Some(id))),
    };
    state.db.run(move |conn| Ok(freight::actions::edit(conn, &user, id, &changed)?)).await??;
    Ok((Flash("flash.ad_saved"), Redirect::to(&format!("/freight/{id}"))).into_response())
}

async fn set_active(
    state: AppState,
    user: SessionUser,
    id: FreightId,
    active: bool,
    form: BackForm,
) -> Result<Response> {
    let verified_email = state.config.moderation.require_verified_email;
    let done = state
        .db
        .run(move |conn| Ok(freight::actions::set_active(conn, &user, id, active, verified_email)?))
        .await??;
    let flash = match (active, done) {
        (true, Publication::AwaitingEmail) => "flash.ad_awaiting_email",
        (true, Publication::Done) => "flash.ad_activated",
        (false, _) => "flash.ad_deactivated",
    };
    Ok(back_to(&form, "/my/ads", flash))
}

/// `POST /freight/{id}/activate` (owner).
pub async fn activate(
    State(state): State<AppState>,
    RequireUser(_, user): RequireUser,
    IdPath(id): IdPath<FreightId>,
    CsrfForm(form): CsrfForm<BackForm>,
) -> Result<Response> {
    set_active(state, user, id, true, form).await
}

/// `POST /freight/{id}/deactivate` (owner).
pub async fn deactivate(
    State(state): State<AppState>,
    RequireUser(_, user): RequireUser,
    IdPath(id): IdPath<FreightId>,
    CsrfForm(form): CsrfForm<BackForm>,
) -> Result<Response> {
    set_active(state, user, id, false, form).await
}

/// `POST /freight/{id}/delete` (owner or staff): back to "my ads" (the owner) or the listing.
pub async fn delete(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    IdPath(id): IdPath<FreightId>,
    CsrfForm(form): CsrfForm<BackForm>,
) -> Result<Response> {
    let now = ctx.now;
    let default = if user.is_staff { "/logistics" } else { "/my/ads" };
    state.db.run(move |conn| Ok(freight::actions::remove(conn, &user, id, now)?)).await??;
    Ok(back_to(&form, default, "flash.ad_deleted"))
}
