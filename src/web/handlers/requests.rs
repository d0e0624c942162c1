//! Rental requests: `/requests` (open ones, filtered by type and country), posting one,
//! its page with the quotes its author may accept, an owner's quote (which opens the chat
//! thread), closing and deleting; `/my/requests`: requests for the viewer's rent ads and
//! their own.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use crate::domain::ids::{QuoteId, RequestId, UserId};
use crate::domain::requests::actions::{self, Refusal};
use crate::domain::requests::{self, RequestFilter, RequestParams};
use crate::views::forms::FormState;
use crate::views::pages::requests as view;
use crate::web::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::error::{Error, Result};
use crate::web::extract::{IdPath, PageCtx, Q, RequireUser};
use crate::web::flash::Flash;

fn refused(ctx: &PageCtx, r: Refusal) -> Error {
    match r {
        Refusal::NotFound => Error::NotFound,
        Refusal::Forbidden => Error::Forbidden,
        // only owners with a matching rent ad may quote: a rule about who, so a 403 that says it
        Refusal::Rule(key @ "requests.no_matching_ad") => {
            Error::ForbiddenBecause(ctx.lang.t(key).to_owned())
        }
        Refusal::Rule(key) => Error::Refused(key),
    }
}

/// Forgets cached unread counts of users who were just sent a message.
fn touched(state: &AppState, users: &[UserId]) {
    for u in users {
        state.unread.invalidate(*u);
    }
}

/// `GET /requests`.
pub async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    Q(q): Q<RequestParams>,
) -> Result<Response> {
    let filter = RequestFilter::parse(&q).map_err(|key| Error::BadRequest(key.into()))?;
    let (f, today) = (filter.clone(), requests::day_of(ctx.now));
    let (rows, total) = state.db.run(move |conn| Ok(requests::list(conn, &f, &today)?)).await?;
    Ok(view::list(&ctx, &filter, &rows, total).into_response())
}

/// `GET /requests/new`.
pub async fn new_form(RequireUser(ctx, _): RequireUser) -> Response {
    view::form(&ctx, &FormState::default()).into_response()
}

/// `POST /requests/new`.
pub async fn create(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    form: CsrfForm,
) -> Result<Response> {
    let today = requests::day_of(ctx.now);
    let unprocessable = |errors, general| {
        let fs = FormState { values: form.0.clone(), errors, general: Some(general) };
        (StatusCode::UNPROCESSABLE_ENTITY, view::form(&ctx, &fs)).into_response()
    };
    let new = match requests::parse(&form.0, &today) {
        Ok(r) => r,
        Err(errors) => return Ok(unprocessable(errors, "form.fix_errors")),
    };
    let now = ctx.now;
    let posted = state.db.run(move |conn| Ok(actions::post(conn, user.id, &new, now)?)).await?;
    match posted {
        Ok(id) => Ok((Flash("flash.request_posted"), Redirect::to(&format!("/requests/{id}")))
            .into_response()),
        Err(Refusal::Rule(key)) => Ok(unprocessable(Default::default(), key)),
        Err(r) => Err(refused(&ctx, r)),
    }
}

/// Loads a request's page: the request, the quotes the viewer may see, and the ad the viewer
/// would quote with (an owner with a matching ad who has not quoted yet).
async fn page(
    state: &AppState,
    ctx: &PageCtx,
    id: RequestId,
    quote_form: &FormState,
    status: StatusCode,
) -> Result<Response> {
    let viewer = ctx.user.as_ref().map(|u| u.id);
    let loaded = state
        .db
        .run(move |conn| {
            let Some(r) = requests::get(conn, id)? else { return Ok(None) };
            let mut quotes = requests::quotes(conn, id)?;
            if viewer != Some(r.user_id) {
                quotes.retain(|q| Some(q.owner_id) == viewer);
            }
            let quote_with = match viewer {
                Some(v) if v != r.user_id && quotes.is_empty() => {
                    requests::matching_ad(conn, v, &r)?
                }
                _ => None,
            };
            Ok(Some((r, quotes, quote_with)))
        })
        .await?;
    let (r, quotes, quote_with) = loaded.ok_or(Error::NotFound)?;
    Ok((status, view::show(ctx, &r, &quotes, quote_with.as_ref(), quote_form)).into_response())
}

/// `GET /requests/{id}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    IdPath(id): IdPath<RequestId>,
) -> Result<Response> {
    page(&state, &ctx, id, &FormState::default(), StatusCode::OK).await
}

/// `POST /requests/{id}/quote`: an owner's quote, posted into the thread about their ad.
pub async fn quote(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    IdPath(id): IdPath<RequestId>,
    form: CsrfForm,
) -> Result<Response> {
    let q = match requests::parse_quote(&form.0) {
        Ok(q) => q,
        Err(errors) => {
            let fs = FormState { values: form.0.clone(), errors, general: Some("form.fix_errors") };
            return page(&state, &ctx, id, &fs, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let (ring, now) = (state.chat_keys.clone(), ctx.now);
    let quoted = state
        .db
        .run(move |conn| Ok(actions::quote(conn, &ring, user.id, id, &q, now)?))
        .await?
        .map_err(|r| refused(&ctx, r))?;
    touched(&state, &[quoted.requester, user.id]);
    Ok((Flash("flash.quote_sent"), Redirect::to(&format!("/chats/{}", quoted.thread)))
        .into_response())
}

/// `POST /quotes/{id}/accept`: the requester chooses a quote; the request closes.
pub async fn accept(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    IdPath(id): IdPath<QuoteId>,
    _form: CsrfForm,
) -> Result<Response> {
    let (ring, now, url) =
        (state.chat_keys.clone(), ctx.now, state.config.server.public_url.clone());
    let (request, told) = state
        .db
        .run(move |conn| Ok(actions::accept(conn, &ring, user.id, id, &url, now)?))
        .await?
        .map_err(|r| refused(&ctx, r))?;
    touched(&state, &told);
    state.jobs.submit(crate::jobs::Job::DeliverMail).await;
    Ok((Flash("flash.quote_accepted"), Redirect::to(&format!("/requests/{request}")))
        .into_response())
}

async fn close_or_delete(
    state: AppState,
    ctx: PageCtx,
    user: UserId,
    id: RequestId,
    delete: bool,
) -> Result<Response> {
    let (ring, now, url) =
        (state.chat_keys.clone(), ctx.now, state.config.server.public_url.clone());
    let told = state
        .db
        .run(move |conn| Ok(actions::close(conn, &ring, user, id, delete, &url, now)?))
        .await?
        .map_err(|r| refused(&ctx, r))?;
    touched(&state, &told);
    state.jobs.submit(crate::jobs::Job::DeliverMail).await;
    Ok(if delete {
        (Flash("flash.request_deleted"), Redirect::to("/my/requests")).into_response()
    } else {
        (Flash("flash.request_closed"), Redirect::to(&format!("/requests/{id}"))).into_response()
    })
}

/// `POST /requests/{id}/close` (its author).
pub async fn close(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    IdPath(id): IdPath<RequestId>,
    _form: CsrfForm,
) -> Result<Response> {
    close_or_delete(state, ctx, user.id, id, false).await
}

/// `POST /requests/{id}/delete` (its author).
pub async fn delete(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    IdPath(id): IdPath<RequestId>,
    _form: CsrfForm,
) -> Result<Response> {
    close_or_delete(state, ctx, user.id, id, true).await
}

/// `GET /my/requests`: "Запросы для вас" (open requests a rent ad of the viewer's matches)
/// and the viewer's own requests.
pub async fn mine(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
) -> Result<Response> {
    let today = requests::day_of(ctx.now);
    let (for_you, own) = state
        .db
        .run(move |conn| {
            Ok((requests::for_owner(conn, user.id, &today)?, requests::of_user(conn, user.id)?))
        })
        .await?;
    Ok(view::mine(&ctx, &for_you, &own).into_response())
}
