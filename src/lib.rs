//! Uzmat: a marketplace for heavy machinery in one binary with an embedded SQLite database.
//!
//! [`App::build`] wires the store, the job pool and the HTTP router from a [`Config`];
//! `main` and the integration tests both start the site through it.

pub mod cache;
pub mod config;
pub mod db;
pub mod domain;
pub mod i18n;
pub mod jobs;
pub mod metrics;
pub mod seed;
pub mod views;
pub mod web;

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;

pub use config::Config;
use db::Db;
use jobs::{Jobs, UnreadCache};
use metrics::Metrics;
use web::AppState;

/// A built application: listening, not yet serving.
pub struct App {
    listener: TcpListener,
    state: AppState,
}

impl App {
    /// Opens the database (running migrations), starts the job pool and binds the listener.
    pub async fn build(config: Config) -> anyhow_like::Result<Self> {
        let config_copy = config.server.clone();
        let config = Arc::new(config);
        let db_path = config.database_path();
        let db = {
            let cfg = config.database.clone();
            tokio::task::spawn_blocking(move || Db::open(&db_path, &cfg)).await??
        };
        let metrics = Arc::new(Metrics::default());
        let unread = Arc::new(UnreadCache::new(config.jobs.unread_cache_seconds));
        let settings = jobs::Settings {
            session_days: config.auth.session_days,
            mail: config.mail.clone(),
            mail_dir: config.server.data_dir.join("mail"),
            uploads_dir: config.server.data_dir.join("uploads"),
            rates: config.currency.clone(),
        };
        let jobs = Jobs::start(
            db.clone(),
            config.jobs.clone(),
            settings,
            metrics.clone(),
            unread.clone(),
        )?;
        let key = Arc::new(domain::secrets::load_or_create_key(
            &config.server.data_dir.join("secret.key"),
        )?);
        let hasher = domain::accounts::password::Hasher::new(
            config.auth.argon2_memory_kib,
            config.auth.argon2_iterations,
        )
        .map_err(|e| format!("auth.argon2_*: {e}"))?;
        let hash_permits = Arc::new(tokio::sync::Semaphore::new(config.auth.hash_concurrency));
        let listener = TcpListener::bind(config.server.bind).await?;
        {
            let db = db.clone();
            let no_staff = tokio::task::spawn_blocking(move || -> Result<bool, db::DbError> {
                let conn = db.get()?;
                Ok(!domain::accounts::repo::any_staff(&conn)?)
            })
            .await??;
            if no_staff {
                tracing::info!(
                    "no staff account yet: create one with `uzmat admin create-staff --email you@example.com`"
                );
            }
        }
        let decode_budget = Arc::new(tokio::sync::Semaphore::new(config.uploads.decode_budget_mib));
        let throttle = Arc::new(web::throttle::Throttles::new(&config.auth));
        let state = AppState::new(web::Shared {
            db,
            jobs,
            metrics,
            unread,
            config,
            key,
            hasher,
            hash_permits,
            decode_budget,
            throttle,
            caches: Arc::new(web::Caches::new(&config_copy)),
        });
        Ok(Self { listener, state })
    }

    /// The address actually bound (port 0 resolved).
    pub fn addr(&self) -> SocketAddr {
        self.listener.local_addr().unwrap_or(self.state.config.server.bind)
    }

    /// The shared state (tests reach the job pool and the database through it).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` resolves, then stops accepting, finishes in-flight requests,
    /// drains the job queue and joins the workers.
    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let jobs = self.state.jobs.clone();
        let app = web::router(self.state);
        let result =
            axum::serve(self.listener, app.into_make_service_with_connect_info::<SocketAddr>())
                .with_graceful_shutdown(shutdown)
                .await;
        tokio::task::spawn_blocking(move || jobs.shutdown())
            .await
            .map_err(std::io::Error::other)?;
        result
    }
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutdown signal received: draining");
}

/// A boxed error for start-up paths, where any failure ends the program with its message.
pub mod anyhow_like {
    /// Start-up result.
    pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;
}
