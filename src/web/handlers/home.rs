//! `GET /`: hot offers, popular and fresh ads for the visitor's country and city.

use std::collections::HashSet;
use std::sync::Arc;

use axum::extract::State;
use maud::{Markup, PreEscaped};
use serde::Deserialize;

use crate::cache::Lookup;
use crate::domain::ads::filter::parse_place;
use crate::domain::ads::home::{self, Home, Place};
use crate::domain::ids::AdId;
use crate::jobs::Job;
use crate::views;
use crate::web::AppState;
use crate::web::error::{Error, Result};
use crate::web::extract::{PageCtx, Q};

/// Query of the home page.
#[derive(Debug, Deserialize)]
pub struct HomeQuery {
    country: Option<String>,
    city: Option<String>,
}

/// The home page.
pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    Q(q): Q<HomeQuery>,
) -> Result<Markup> {
    let (country, city, _) = parse_place(ctx.country, q.country.as_deref(), q.city.as_deref())
        .map_err(|key| Error::BadRequest(key.into()))?;
    let place = Place { country, city };
    if state.jobs.take_bump_nudge() {
        state.jobs.submit(Job::Bump).await;
    }
    let now = ctx.now;
    if ctx.user.is_some() {
        // the blocks are everyone's, rendered once for signed-in visitors with a slot for the
        // form token and every heart off; this visitor's token and favorites go in as written
        let key = format!("{place:?}{:?}{}", ctx.lang, ctx.path);
        let (html, ids) = match state.caches.home_signed.lookup(&key) {
            Lookup::Fresh(cached) => cached,
            _ => {
                let blocks = shared_blocks(&state, &place, now).await?;
                let ids: Arc<[AdId]> = blocks
                    .hot
                    .iter()
                    .chain(&blocks.popular)
                    .chain(&blocks.fresh)
                    .map(|c| c.id)
                    .collect();
                let none = HashSet::new();
                let slot = views::components::Viewer {
                    csrf: views::components::TOKEN_SLOT,
                    favorites: &none,
                    back: ctx.here().into(),
                };
                // its slots found now, once for everyone who gets it from the cache
                let html = Arc::new(views::components::SlottedHtml::new(
                    views::pages::home::blocks(ctx.lang, now, &place, &blocks, Some(&slot))
                        .into_string(),
                ));
                state.caches.home_signed.put(key, (html.clone(), ids.clone()));
                (html, ids)
            }
        };
        let favs = super::favorites_of(&state, &ctx, ids.to_vec()).await?.unwrap_or_default();
        let html = html.fill(&ctx.csrf, &favs);
        return Ok(views::pages::home::page(&ctx, &place, PreEscaped(html)));
    }
    let key = format!("{place:?}{:?}", ctx.lang);
    if let Lookup::Fresh(html) = state.caches.home.lookup(&key) {
        return Ok(views::pages::home::page(&ctx, &place, PreEscaped(html.to_string())));
    }
    let blocks = shared_blocks(&state, &place, now).await?;
    let html: std::sync::Arc<str> =
        views::pages::home::blocks(ctx.lang, now, &place, &blocks, None).into_string().into();
    state.caches.home.put(key, html.clone());
    Ok(views::pages::home::page(&ctx, &place, PreEscaped(html.to_string())))
}

/// The home blocks of a place, shared by every visitor for `server.page_cache_ms`: a stale copy
/// is served while one request reloads it, and kept when the reload fails.
async fn shared_blocks(state: &AppState, place: &Place, now: i64) -> Result<Arc<Home>> {
    let key = format!("{place:?}");
    let cached = match state.caches.home_blocks.lookup(&key) {
        Lookup::Fresh(blocks) => return Ok(blocks),
        Lookup::Refresh(blocks) => Some(blocks),
        Lookup::Miss => None,
    };
    let loaded = {
        let place = place.clone();
        state.db.run(move |conn| Ok(home::load(conn, now, &place)?)).await
    };
    let blocks = match (loaded, cached) {
        (Ok(blocks), _) => Arc::new(blocks),
        (Err(e), Some(old)) => {
            tracing::warn!(error = %e, "home refresh failed; serving the cached blocks");
            return Ok(old);
        }
        (Err(e), None) => return Err(e.into()),
    };
    state.caches.home_blocks.put(key, blocks.clone());
    Ok(blocks)
}
