//! `GET /admin`: the staff overview of the job pool (the same numbers as `/metrics`).

use axum::extract::State;
use maud::Markup;

use crate::views::pages::admin as view;
use crate::web::AppState;
use crate::web::extract::RequireStaff;

/// The staff dashboard.
pub async fn show(State(state): State<AppState>, RequireStaff(ctx, _): RequireStaff) -> Markup {
    let (queue, overflow) = state.jobs.depth();
    let workers = state.metrics.workers.load(std::sync::atomic::Ordering::Relaxed);
    view::page(&ctx, &state.metrics.job_snapshots(), workers, queue, overflow)
}
