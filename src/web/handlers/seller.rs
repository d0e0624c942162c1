//! `GET /seller/{id}`: a seller's public page with their active ads.

use axum::extract::State;
use maud::Markup;
use serde::Deserialize;

use crate::domain::ads::list::{self, Filter};
use crate::domain::ids::{UserId, page_of};
use crate::domain::users;
use crate::views;
use crate::web::AppState;
use crate::web::error::{Error, Result};
use crate::web::extract::{IdPath, PageCtx, Q};

/// Query of the seller page.
#[derive(Debug, Deserialize)]
pub struct SellerQuery {
    page: Option<String>,
}

/// The seller page.
pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    IdPath(id): IdPath<UserId>,
    Q(q): Q<SellerQuery>,
) -> Result<Markup> {
    let page = page_of(q.page.as_deref()).map_err(|key| Error::BadRequest(key.into()))?;
    let now = ctx.now;
    let found = state
        .db
        .run(move |conn| {
            let Some(seller) = users::seller(conn, id, now)? else { return Ok(None) };
            let filter = Filter { owner_id: Some(id), page, ..Filter::default() };
            Ok(Some((seller, list::list(conn, &filter, now, list::Reading::default())?)))
        })
        .await?;
    let (seller, ads) = found.ok_or(Error::NotFound)?;
    let favs = super::favorites_of(&state, &ctx, ads.cards.iter().map(|c| c.id).collect()).await?;
    Ok(views::pages::seller::page(&ctx, &seller, &ads, favs.as_ref()))
}
