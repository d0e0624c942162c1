//! `/logistics`: freight listings by route and date; posting and removing them.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::domain::freight::{self, FreightFilter, FreightKind, parse_date};
use crate::domain::geo::Country;
use crate::views::forms::FormState;
use crate::views::pages::freight as view;
use crate::web::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::error::{Error, Result};
use crate::web::extract::{PageCtx, Q, RequireUser};
use crate::web::flash;

/// The listing's query.
#[derive(Debug, Deserialize, Default, Clone)]
pub struct FreightQuery {
    /// cargo / truck.
    pub kind: Option<String>,
    /// From country.
    pub from_country: Option<String>,
    /// From city.
    pub from_city: Option<String>,
    /// To country.
    pub to_country: Option<String>,
    /// To city.
    pub to_city: Option<String>,
    /// Earliest date.
    pub date_from: Option<String>,
    /// Latest date.
    pub date_to: Option<String>,
    /// Page.
    pub page: Option<String>,
}

fn some(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty() && *s != "all")
}

fn parse_filter(ctx: &PageCtx, q: &FreightQuery) -> Result<FreightFilter> {
    let bad = |key: &'static str| Error::BadRequest(ctx.lang.t(key).to_owned());
    let country = |v: &Option<String>| -> Result<Option<Country>> {
        some(v).map(|c| Country::parse(c).ok_or_else(|| bad("error.bad_country"))).transpose()
    };
    let city = |v: &Option<String>| -> Result<Option<String>> {
        match some(v) {
            Some(c) if c.chars().count() > 60 => Err(bad("error.bad_city")),
            c => Ok(c.map(str::to_owned)),
        }
    };
    let date = |v: &Option<String>| -> Result<Option<String>> {
        some(v).map(|d| parse_date(d).ok_or_else(|| bad("error.bad_date"))).transpose()
    };
    Ok(FreightFilter {
        kind: some(&q.kind)
            .map(|k| FreightKind::parse(k).ok_or_else(|| bad("error.bad_kind")))
            .transpose()?,
        from_country: country(&q.from_country)?,
        from_city: city(&q.from_city)?,
        to_country: country(&q.to_country)?,
        to_city: city(&q.to_city)?,
        date_from: date(&q.date_from)?,
        date_to: date(&q.date_to)?,
        page: match some(&q.page) {
            None => 1,
            Some(p) => p
                .parse::<i64>()
                .ok()
                .filter(|p| (1..=10_000).contains(p))
                .ok_or_else(|| bad("error.bad_page"))?,
        },
    })
}

/// `GET /logistics`.
pub async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    Q(q): Q<FreightQuery>,
) -> Result<Response> {
    let filter = parse_filter(&ctx, &q)?;
    let f = filter.clone();
    let (rows, total) = state.db.run(move |conn| Ok(freight::list(conn, &f)?)).await?;
    Ok(view::list(&ctx, &q, &filter, &rows, total).into_response())
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
    let id = state.db.run(move |conn| Ok(freight::insert(conn, user.id, &new, now)?)).await?;
    let mut headers = HeaderMap::new();
    flash::set(&mut headers, "flash.ad_published");
    Ok((headers, Redirect::to(&format!("/freight/{id}"))).into_response())
}

/// `GET /freight/{id}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> Result<Response> {
    let id: i64 = id.parse().map_err(|_| Error::NotFound)?;
    let f = state.db.run(move |conn| Ok(freight::get(conn, id)?)).await?.ok_or(Error::NotFound)?;
    let is_owner = ctx.user.as_ref().map(|u| u.id) == Some(f.owner_id);
    Ok(view::show(&ctx, &f, is_owner).into_response())
}

/// `POST /freight/{id}/delete` (owner or staff).
pub async fn delete(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    Path(id): Path<String>,
    _form: CsrfForm,
) -> Result<Response> {
    let id: i64 = id.parse().map_err(|_| Error::NotFound)?;
    let f = state.db.run(move |conn| Ok(freight::get(conn, id)?)).await?.ok_or(Error::NotFound)?;
    if f.owner_id != user.id && !user.is_staff {
        return Err(Error::Forbidden);
    }
    let now = ctx.now;
    state.db.run(move |conn| Ok(freight::delete(conn, id, now)?)).await?;
    let mut headers = HeaderMap::new();
    flash::set(&mut headers, "flash.ad_deleted");
    Ok((headers, Redirect::to("/logistics")).into_response())
}
