//! HTTP: the application state, the one routing table, and the middleware around it.

pub mod assets;
pub mod error;
pub mod extract;
pub mod flash;
pub mod handlers;
mod middleware;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};

use crate::config::Config;
use crate::db::Db;
use crate::jobs::{Jobs, UnreadCache};
use crate::metrics::Metrics;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The store.
    pub db: Db,
    /// The job pool.
    pub jobs: Jobs,
    /// Counters.
    pub metrics: Arc<Metrics>,
    /// Unread-message counts.
    pub unread: Arc<UnreadCache>,
    /// The configuration.
    pub config: Arc<Config>,
}

/// Every route of the site.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(handlers::home::show))
        .route("/catalog", get(handlers::listing::catalog))
        .route("/parts", get(handlers::listing::parts))
        .route("/repair", get(handlers::listing::repair))
        .route("/ad/{id_slug}", get(handlers::ad::show))
        .route("/seller/{id}", get(handlers::seller::show))
        .route("/about", get(handlers::pages::about))
        .route("/help", get(handlers::pages::help))
        .route("/rules", get(handlers::pages::rules))
        .route("/safety", get(handlers::pages::safety))
        .route("/privacy", get(handlers::pages::privacy))
        .route("/terms", get(handlers::pages::terms))
        .route("/prefs", post(handlers::prefs::update))
        .route("/healthz", get(handlers::system::healthz))
        .route("/metrics", get(handlers::system::metrics))
        .route("/assets/{file}", get(assets::serve))
        .route("/media/{*path}", get(handlers::media::serve))
        .fallback(handlers::pages::not_found)
        .layer(axum::middleware::from_fn(middleware::error_pages))
        .layer(axum::middleware::from_fn(middleware::security_headers))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::track))
        .with_state(state)
}
