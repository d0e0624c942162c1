//! `GET /`: hot offers, popular and fresh ads for the visitor's country and city.

use axum::extract::State;
use maud::{Markup, PreEscaped};

use crate::cache::Lookup;
use serde::Deserialize;

use crate::domain::ads::filter::parse_place;
use crate::domain::ads::home::{self, Place};
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
        // signed-in pages carry the viewer's favorites and token: rendered for them alone
        let blocks = {
            let place = place.clone();
            state.db.run(move |conn| Ok(home::load(conn, now, &place)?)).await?
        };
        let ids =
            blocks.hot.iter().chain(&blocks.popular).chain(&blocks.fresh).map(|c| c.id).collect();
        let favs = super::favorites_of(&state, &ctx, ids).await?;
        let viewer = views::components::viewer(&ctx, favs.as_ref());
        let html = views::pages::home::blocks(ctx.lang, now, &place, &blocks, viewer.as_ref());
        return Ok(views::pages::home::page(&ctx, &place, html));
    }
    let key = format!("{place:?}{:?}", ctx.lang);
    let cached = match state.caches.home.lookup(&key) {
        Lookup::Fresh(html) => {
            return Ok(views::pages::home::page(&ctx, &place, PreEscaped(html.to_string())));
        }
        Lookup::Refresh(html) => Some(html),
        Lookup::Miss => None,
    };
    let loaded = {
        let place = place.clone();
        state.db.run(move |conn| Ok(home::load(conn, now, &place)?)).await
    };
    let html: std::sync::Arc<str> = match (loaded, cached) {
        (Ok(blocks), _) => {
            views::pages::home::blocks(ctx.lang, now, &place, &blocks, None).into_string().into()
        }
        // a failed refresh keeps serving what we had
        (Err(e), Some(old)) => {
            tracing::warn!(error = %e, "home refresh failed; serving the cached page");
            old
        }
        (Err(e), None) => return Err(e.into()),
    };
    state.caches.home.put(key, html.clone());
    Ok(views::pages::home::page(&ctx, &place, PreEscaped(html.to_string())))
}
