//! `GET /my/stats`: the signed-in seller's statistics, of all their ads or of one
//! (`?ad=ID`; someone else's ad is not there: 404).

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::domain::ids::AdId;
use crate::domain::stats;
use crate::views::pages::stats as view;
use crate::web::AppState;
use crate::web::error::{Error, Result};
use crate::web::extract::{Q, RequireUser};

/// `?ad=ID`: one ad's statistics.
#[derive(Debug, Deserialize)]
pub struct StatsQuery {
    ad: Option<AdId>,
}

/// `GET /my/stats`.
pub async fn show(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    Q(q): Q<StatsQuery>,
) -> Result<Response> {
    let (now, only) = (ctx.now, q.ad);
    let found =
        state.db.run(move |conn| Ok(stats::seller_stats(conn, user.id, only, now)?)).await?;
    let Some(found) = found else { return Err(Error::NotFound) };
    Ok(view::page(&ctx, &found, only.is_some()).into_response())
}
