//! Request handlers, one file per area: GET renders a page, POST answers with 303.

pub mod account;
pub mod ad;
pub mod ad_form;
pub mod ad_manage;
pub mod admin;
pub mod auth;
pub mod badge;
pub mod chats;
pub mod freight;
pub mod home;
pub mod listing;
pub mod media;
pub mod pages;
pub mod payments;
pub mod prefs;
pub mod reports;
pub mod requests;
pub mod searches;
pub mod seller;
pub mod seo;
pub mod stats;
pub mod system;

use std::collections::HashSet;

use crate::domain::ids::AdId;
use crate::web::AppState;
use crate::web::error::Result;
use crate::web::extract::PageCtx;

/// The signed-in viewer's favorites among `ids` (None for anonymous visitors).
pub async fn favorites_of(
    state: &AppState,
    ctx: &PageCtx,
    ids: Vec<AdId>,
) -> Result<Option<HashSet<AdId>>> {
    let Some(user) = ctx.user.as_ref().map(|u| u.id) else { return Ok(None) };
    let set = state
        .db
        // one indexed lookup of at most a page's ids: here, not on the blocking pool
        .run_here(move |conn| Ok(crate::domain::ads::favorites::favorite_ids(conn, user, &ids)?))
        .await?;
    Ok(Some(set))
}
