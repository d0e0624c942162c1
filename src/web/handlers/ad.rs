//! `GET /ad/{id}-{slug}`: the ad page; counts the view through a job.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use crate::domain::ads::{favorites, repo};
use crate::domain::ids::{AdId, ParseId};
use crate::jobs::{Job, View, is_bot};
use crate::views;
use crate::web::AppState;
use crate::web::error::{Error, Result};
use crate::web::extract::{ClientIp, PageCtx, UserAgent};

/// Splits `123-some-slug` (or `123`) into the id and the slug.
fn parse_id_slug(s: &str) -> Option<(AdId, &str)> {
    let (id, slug) = s.split_once('-').unwrap_or((s, ""));
    Some((AdId::parse_id(id)?, slug))
}

/// The ad page. Inactive ads are shown to their owner only; other URLs redirect to the
/// canonical one.
pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    ClientIp(ip): ClientIp,
    UserAgent(ua): UserAgent,
    Path(id_slug): Path<String>,
) -> Result<Response> {
    let (id, slug) = parse_id_slug(&id_slug).ok_or(Error::NotFound)?;
    let now = ctx.now;
    let viewer = ctx.user.as_ref().map(|u| u.id);
    // the signed-in viewer's favorite mark comes in the same trip to the database
    let found = state
        .db
        .run_here(move |conn| {
            let Some(ad) = repo::get_detail(conn, id, now)? else { return Ok(None) };
            let favorite = match viewer {
                Some(user) => Some(favorites::favorite_ids(conn, user, &[id])?.contains(&id)),
                None => None,
            };
            Ok(Some((ad, favorite)))
        })
        .await?;
    let Some((ad, favorite)) = found else { return Err(Error::NotFound) };
    let is_owner = viewer == Some(ad.owner_id);
    // an unpublished ad is its owner's, and staff's to moderate; for anyone else it is gone
    let is_staff = ctx.user.as_ref().is_some_and(|u| u.is_staff);
    if !ad.card.is_active && !is_owner && !is_staff {
        return Err(Error::NotFound);
    }
    if slug != ad.card.slug {
        return Ok(Redirect::permanent(&ad.card.path()).into_response());
    }
    if ad.card.is_active && !is_owner && !is_bot(ua.as_deref()) {
        state.jobs.submit(Job::View(View { ad_id: id, client: ip, at: now })).await;
    }
    let base = state.config.server.public_url.trim_end_matches('/');
    Ok(views::pages::ad::page(&ctx, &ad, is_owner, favorite, base).into_response())
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
