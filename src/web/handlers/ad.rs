//! `GET /ad/{id}-{slug}`: the ad page; counts the view through a job.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};

use std::collections::HashSet;
use std::sync::Arc;

use crate::domain::ads::{AdCard, AdDetail};
use crate::domain::ads::{favorites, repo};
use crate::domain::geo::Currency;
use crate::domain::ids::{AdId, ParseId};
use crate::jobs::{Job, View, is_bot};
use crate::views;
use crate::views::components::AlsoIn;
use crate::web::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::error::{Error, Result};
use crate::web::extract::{ClientIp, IdPath, PageCtx, Q, UserAgent, WantsJson};

/// The ad page's query: the currency the visitor filtered in (a listing's card carries it),
/// which the price is shown in too.
#[derive(Debug, Default, serde::Deserialize)]
pub struct AdQuery {
    /// A currency code (`UZS`), any case.
    pub currency: Option<String>,
}

impl AdQuery {
    /// The currency asked for, or the message key of what is wrong.
    fn currency(&self) -> Result<Option<Currency>> {
        match self.currency.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            None => Ok(None),
            Some(c) => Currency::parse(&c.to_uppercase())
                .map(Some)
                .ok_or_else(|| Error::BadRequest("error.bad_currency".into())),
        }
    }
}

/// Splits `123-some-slug` (or `123`) into the id and the slug.
fn parse_id_slug(s: &str) -> Option<(AdId, &str)> {
    let (id, slug) = s.split_once('-').unwrap_or((s, ""));
    Some((AdId::parse_id(id)?, slug))
}

/// An ad as this visitor may see it: the ad, the similar ads under it, the viewer's favorites
/// among them (None: anonymous), and whether it is theirs. An unpublished ad is its owner's,
/// and staff's to moderate; for anyone else it is gone.
struct Visible {
    ad: AdDetail,
    similar: Vec<AdCard>,
    favorites: Option<HashSet<AdId>>,
    is_owner: bool,
}

async fn visible(state: &AppState, ctx: &PageCtx, id: AdId) -> Result<Visible> {
    let now = ctx.now;
    let viewer = ctx.user.as_ref().map(|u| u.id);
    // the ad, its similar ads when cached and the viewer's favorite marks in one trip: small
    // indexed reads, on this thread
    let shared = state.clone();
    let found = state
        .db
        .run_here(move |conn| {
            let Some(ad) = repo::get_detail(conn, id, now)? else { return Ok(None) };
            // ads of one type, country and price band share their list: cached by that key
            let key = repo::SimilarKey::of(&ad);
            let cached = if ad.card.is_active { shared.caches.similar.get(&key) } else { None };
            let favorites = match viewer {
                Some(user) => {
                    let ids: Vec<AdId> = std::iter::once(id)
                        .chain(cached.iter().flat_map(|l| l.iter().map(|c| c.id)))
                        .collect();
                    Some(favorites::favorite_ids(conn, user, &ids)?)
                }
                None => None,
            };
            Ok(Some((ad, key, cached, favorites)))
        })
        .await?;
    let Some((ad, key, cached, mut favorites)) = found else { return Err(Error::NotFound) };
    let is_owner = viewer == Some(ad.owner_id);
    let is_staff = ctx.user.as_ref().is_some_and(|u| u.is_staff);
    if !ad.card.is_active && !is_owner && !is_staff {
        return Err(Error::NotFound);
    }
    let list: Arc<[AdCard]> = match cached {
        Some(list) => list,
        None if ad.card.is_active => {
            // a miss walks up to three index ranges: a request thread's work, not this thread's
            let list: Arc<[AdCard]> = {
                let key = key.clone();
                state.db.run(move |conn| Ok(repo::similar(conn, &key, now)?)).await?.into()
            };
            state.caches.similar.put(key, list.clone());
            if let Some(marks) = favorites.as_mut() {
                let ids = list.iter().map(|c| c.id).collect();
                marks.extend(super::favorites_of(state, ctx, ids).await?.unwrap_or_default());
            }
            list
        }
        None => Arc::from([]),
    };
    let similar: Vec<AdCard> =
        list.iter().filter(|c| c.id != id).take(repo::SIMILAR_SHOWN).cloned().collect();
    Ok(Visible { ad, similar, favorites, is_owner })
}

/// The ad page; other URLs of the ad redirect to the canonical one.
pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    ClientIp(ip): ClientIp,
    UserAgent(ua): UserAgent,
    Path(id_slug): Path<String>,
    Q(q): Q<AdQuery>,
) -> Result<Response> {
    let (id, slug) = parse_id_slug(&id_slug).ok_or(Error::NotFound)?;
    let currency = q.currency()?;
    let Visible { ad, similar, favorites, is_owner } = visible(&state, &ctx, id).await?;
    let now = ctx.now;
    if slug != ad.card.slug {
        let to = match currency {
            Some(c) => format!("{}?currency={}", ad.card.path(), c.code()),
            None => ad.card.path(),
        };
        return Ok(Redirect::permanent(&to).into_response());
    }
    if ad.card.is_active && !is_owner && !is_bot(ua.as_deref()) {
        state.jobs.submit(Job::View(View { ad_id: id, client: ip, at: now })).await;
    }
    let base = state.config.server.public_url.trim_end_matches('/');
    let also = currency.and_then(|c| AlsoIn::new(c, state.rates.get()));
    let page = views::pages::ad::AdPage {
        ad: &ad,
        similar: &similar,
        favorites: favorites.as_ref(),
        also,
    };
    Ok(views::pages::ad::page(&ctx, &page, is_owner, false, base).into_response())
}

/// `POST /ad/{id}/phone`: the seller's number, asked for (it is not in the page, so a scraper
/// must hold a form token for each); each reveal is counted by a job. Scripts get JSON and
/// show it in place; without them the ad page comes back with the number in it.
pub async fn phone(
    State(state): State<AppState>,
    ctx: PageCtx,
    IdPath(id): IdPath<AdId>,
    WantsJson(wants_json): WantsJson,
    _csrf: CsrfForm,
) -> Result<Response> {
    let Visible { ad, similar, favorites, is_owner } = visible(&state, &ctx, id).await?;
    let Some(number) = ad.phone.clone() else { return Err(Error::NotFound) };
    if !is_owner {
        state.jobs.submit(Job::PhoneReveal { ad_id: id }).await;
    }
    if wants_json {
        let body = serde_json::json!({ "phone": number, "tel": number.replace(' ', "") });
        return Ok((
            [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))],
            body.to_string(),
        )
            .into_response());
    }
    let base = state.config.server.public_url.trim_end_matches('/');
    let page = views::pages::ad::AdPage {
        ad: &ad,
        similar: &similar,
        favorites: favorites.as_ref(),
        also: None,
    };
    Ok(views::pages::ad::page(&ctx, &page, is_owner, true, base).into_response())
}

#[cfg(test)]
mod tests {
    use super::parse_id_slug;
    use crate::domain::ids::AdId;

    #[test]
    fn id_and_slug() {
        assert_eq!(parse_id_slug("12-ekskavator-12"), Some((AdId(12), "ekskavator-12")));
        assert_eq!(parse_id_slug("12"), Some((AdId(12), "")));
        assert_eq!(parse_id_slug("abc"), None);
        assert_eq!(parse_id_slug("-5"), None);
        assert_eq!(parse_id_slug("0-x"), None);
    }
}
