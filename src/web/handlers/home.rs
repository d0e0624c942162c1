//! `GET /`: hot offers, popular and fresh ads for the visitor's country and city.

use axum::extract::State;
use maud::Markup;
use serde::Deserialize;

use crate::domain::ads::home::{self, Place};
use crate::jobs::Job;
use crate::views;
use crate::web::AppState;
use crate::web::error::Result;
use crate::web::extract::{PageCtx, Q};
use crate::web::handlers::listing::parse_place;

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
    let (country, city) = parse_place(&ctx, q.country.as_deref(), q.city.as_deref())?;
    let place = Place { country, city };
    if state.jobs.take_bump_nudge() {
        state.jobs.submit(Job::Bump).await;
    }
    let now = ctx.now;
    let key = format!("{place:?}");
    let blocks = match state.caches.home.get(&key) {
        Some(blocks) => blocks,
        None => {
            let place = place.clone();
            let blocks = std::sync::Arc::new(
                state.db.run(move |conn| Ok(home::load(conn, now, &place)?)).await?,
            );
            state.caches.home.put(key, blocks.clone());
            blocks
        }
    };
    Ok(views::pages::home::page(&ctx, &place, &blocks))
}
