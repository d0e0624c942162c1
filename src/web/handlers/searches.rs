//! Saved searches: `POST /searches` from a listing, `/my/searches` and its changes (owner
//! only, PRG with a flash), and the one-click unsubscribe of an alert mail's link.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::domain::alerts::actions::{self, Change, Saved};
use crate::domain::alerts::{self, Frequency};
use crate::domain::ids::SearchId;
use crate::views::pages::searches as view;
use crate::web::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::error::{Error, Result};
use crate::web::extract::{IdPath, PageCtx, Q, RequireUser};
use crate::web::flash::Flash;

/// The save form a listing shows.
#[derive(Debug, Deserialize)]
pub struct SaveForm {
    section: String,
    #[serde(default)]
    query: String,
    #[serde(default)]
    frequency: String,
    #[serde(default)]
    name: String,
}

fn frequency(raw: &str) -> Result<Frequency> {
    Frequency::parse(raw).ok_or_else(|| Error::BadRequest("alerts.bad_frequency".into()))
}

/// `POST /searches`: saves the listing's filter (normalized), named by its summary unless a
/// name is given.
pub async fn save(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    CsrfForm(form): CsrfForm<SaveForm>,
) -> Result<Response> {
    let section = alerts::section_of(&form.section)
        .ok_or_else(|| Error::BadRequest("alerts.bad_section".into()))?;
    // the query carries the country the listing showed (chosen or asked): no default here
    let (filter, query) = alerts::normalize(section, &form.query, None, &state.rates.get())
        .map_err(|key| Error::BadRequest(key.into()))?;
    let frequency = frequency(if form.frequency.is_empty() { "daily" } else { &form.frequency })?;
    let name = if form.name.trim().is_empty() {
        alerts::summary(ctx.lang, section, &filter)
    } else {
        alerts::clean_name(&form.name).map_err(Error::Refused)?
    };
    let now = ctx.now;
    let saved = state
        .db
        .run(move |conn| Ok(actions::save(conn, user.id, section, &query, &name, frequency, now)?))
        .await?
        .map_err(Error::Refused)?;
    let flash = match saved {
        Saved::New(_) => "flash.search_saved",
        Saved::Existing(_) => "flash.search_exists",
    };
    Ok((Flash(flash), Redirect::to("/my/searches")).into_response())
}

/// `GET /my/searches`: each search with its link and its count of new ads.
pub async fn mine(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
) -> Result<Response> {
    let (now, rates) = (ctx.now, state.rates.get());
    let rows = state
        .db
        .run(move |conn| {
            let searches = alerts::list_of(conn, user.id)?;
            let mut rows = Vec::with_capacity(searches.len());
            for s in searches {
                let n = alerts::new_count(conn, &s, &rates, now)?;
                rows.push((s, n));
            }
            Ok(rows)
        })
        .await?;
    Ok(view::mine(&ctx, &rows).into_response())
}

async fn change(
    state: &AppState,
    user: crate::domain::ids::UserId,
    id: SearchId,
    change: Change,
    flash: &'static str,
) -> Result<Response> {
    state.db.run(move |conn| Ok(actions::change(conn, user, id, &change)?)).await??;
    Ok((Flash(flash), Redirect::to("/my/searches")).into_response())
}

/// The rename form.
#[derive(Debug, Deserialize)]
pub struct NameForm {
    #[serde(default)]
    name: String,
}

/// `POST /my/searches/{id}/rename`.
pub async fn rename(
    State(state): State<AppState>,
    RequireUser(_, user): RequireUser,
    IdPath(id): IdPath<SearchId>,
    CsrfForm(form): CsrfForm<NameForm>,
) -> Result<Response> {
    let name = alerts::clean_name(&form.name).map_err(Error::Refused)?;
    change(&state, user.id, id, Change::Rename(name), "flash.search_renamed").await
}

/// The frequency form.
#[derive(Debug, Deserialize)]
pub struct FrequencyForm {
    #[serde(default)]
    frequency: String,
}

/// `POST /my/searches/{id}/frequency`.
pub async fn set_frequency(
    State(state): State<AppState>,
    RequireUser(_, user): RequireUser,
    IdPath(id): IdPath<SearchId>,
    CsrfForm(form): CsrfForm<FrequencyForm>,
) -> Result<Response> {
    let f = frequency(&form.frequency)?;
    change(&state, user.id, id, Change::Frequency(f), "flash.search_frequency").await
}

/// `POST /my/searches/{id}/pause`.
pub async fn pause(
    State(state): State<AppState>,
    RequireUser(_, user): RequireUser,
    IdPath(id): IdPath<SearchId>,
    _form: CsrfForm,
) -> Result<Response> {
    change(&state, user.id, id, Change::Pause, "flash.search_paused").await
}

/// `POST /my/searches/{id}/resume`.
pub async fn resume(
    State(state): State<AppState>,
    RequireUser(_, user): RequireUser,
    IdPath(id): IdPath<SearchId>,
    _form: CsrfForm,
) -> Result<Response> {
    change(&state, user.id, id, Change::Resume, "flash.search_resumed").await
}

/// `POST /my/searches/{id}/delete`.
pub async fn delete(
    State(state): State<AppState>,
    RequireUser(_, user): RequireUser,
    IdPath(id): IdPath<SearchId>,
    _form: CsrfForm,
) -> Result<Response> {
    change(&state, user.id, id, Change::Delete, "flash.search_deleted").await
}

/// The unsubscribe link's query.
#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    t: String,
}

/// `GET /searches/{id}/unsubscribe?t=…`: the mail's link shows what it stops and asks for a
/// click (a GET changes nothing: mail scanners follow links).
pub async fn unsubscribe_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    IdPath(id): IdPath<SearchId>,
    Q(q): Q<TokenQuery>,
) -> Result<Response> {
    let key = state.key.clone();
    let token = q.t.clone();
    let found = state
        .db
        .run(move |conn| Ok(alerts::get(conn, id)?.filter(|s| alerts::token_ok(&key, s, &token))))
        .await?
        .ok_or_else(|| Error::BadRequest("alerts.bad_link".into()))?;
    Ok(view::unsubscribe(&ctx, &found, &q.t).into_response())
}

/// The unsubscribe form.
#[derive(Debug, Deserialize)]
pub struct UnsubscribeForm {
    #[serde(default)]
    t: String,
    #[serde(default)]
    action: String,
}

/// `POST /searches/{id}/unsubscribe`: pauses (or deletes) the search, no sign-in needed.
pub async fn unsubscribe(
    State(state): State<AppState>,
    IdPath(id): IdPath<SearchId>,
    CsrfForm(form): CsrfForm<UnsubscribeForm>,
) -> Result<Response> {
    let delete = match form.action.as_str() {
        "pause" | "" => false,
        "delete" => true,
        _ => return Err(Error::BadRequest("error.bad_form".into())),
    };
    let key = state.key.clone();
    state
        .db
        .run(move |conn| Ok(actions::unsubscribe(conn, &key, id, &form.t, delete)?))
        .await?
        .ok_or_else(|| Error::BadRequest("alerts.bad_link".into()))?;
    let flash = if delete { "flash.search_deleted" } else { "flash.unsubscribed" };
    Ok((Flash(flash), Redirect::to("/")).into_response())
}
