//! Uzmat: a marketplace for heavy machinery in one binary with an embedded SQLite database.
//!
//! [`App::build`] wires the store, the job pool and the HTTP router from a [`Config`];
//! `main` and the integration tests both start the site through it.

pub mod alloc;
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

use anyhow::Context;
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
    pub async fn build(mut config: Config) -> anyhow::Result<Self> {
        // bound first: links in mails and staff pages default to the address actually bound
        let listener = listen(config.server.bind)
            .with_context(|| format!("listening on {}", config.server.bind))?;
        if let Some(warning) = config.server.public_url_warning() {
            tracing::warn!("{warning}");
        }
        let bound = listener.local_addr().unwrap_or(config.server.bind);
        config.server.public_url = config.server.public_base(bound);
        let config_copy = config.server.clone();
        let config = Arc::new(config);
        let db_path = config.database_path();
        let db = {
            let cfg = config.database.clone();
            let shown = db_path.display().to_string();
            tokio::task::spawn_blocking(move || Db::open(&db_path, &cfg))
                .await?
                .with_context(|| format!("opening the database {shown}"))?
        };
        let rates = {
            let (db, cfg, read_only) =
                (db.clone(), config.currency.clone(), config.database.read_only);
            tokio::task::spawn_blocking(move || -> Result<_, db::DbError> {
                let mut conn = db.get()?;
                Ok(domain::rates::at_start(&mut conn, &cfg, read_only)?)
            })
            .await?
            .context("reading the currency rates")?
        };
        let rates = Arc::new(domain::rates::Live::new(rates));
        let metrics = Arc::new(Metrics::default());
        let unread = Arc::new(UnreadCache::new(config.jobs.unread_cache_seconds));
        let keys_path = config.server.data_dir.join("chat-keys.txt");
        let chat_keys =
            Arc::new(domain::chats::seal::Keyring::load_or_create(&keys_path).with_context(
                || format!("reading or creating the chat keys {}", keys_path.display()),
            )?);
        let key_path = config.server.data_dir.join("secret.key");
        let key =
            Arc::new(domain::secrets::load_or_create_key(&key_path).with_context(|| {
                format!("reading or creating the site key {}", key_path.display())
            })?);
        let settings = jobs::Settings {
            session_days: config.auth.session_days,
            mail: config.mail.clone(),
            mail_dir: config.server.data_dir.join("mail"),
            uploads_dir: config.server.data_dir.join("uploads"),
            rates: rates.clone(),
            currency: config.currency.clone(),
            public_url: config.server.public_url.clone(),
            stop_words: Arc::new(domain::stopwords::StopWords::new(
                config.server.data_dir.join("stopwords.txt"),
            )),
            chat_keys: chat_keys.clone(),
            telegram: config.telegram.clone(),
            database_path: config.database_path(),
            data_dir: config.server.data_dir.clone(),
            backup: config.backup.clone(),
            backup_dir: config.backup_dir(),
            read_only: config.database.read_only,
            key: key.clone(),
        };
        let jobs =
            Jobs::start(db.clone(), config.jobs.clone(), settings, metrics.clone(), unread.clone())
                .context("starting the job pool")?;
        let hasher = domain::accounts::password::Hasher::new(
            config.auth.argon2_memory_kib,
            config.auth.argon2_iterations,
        )
        .map_err(|e| anyhow::anyhow!("auth.argon2_*: {e}"))?;
        let hash_permits = Arc::new(tokio::sync::Semaphore::new(config.auth.hash_concurrency));
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
        // a replica's database is sealed by its primary
        if !config.database.read_only {
            let (db, ring) = (db.clone(), chat_keys.clone());
            let sealed = tokio::task::spawn_blocking(move || -> Result<usize, db::DbError> {
                let mut conn = db.get()?;
                let mut total = 0;
                loop {
                    let n = domain::chats::actions::seal_legacy(&mut conn, &ring, 1_000)?;
                    total += n;
                    if n == 0 {
                        return Ok(total);
                    }
                }
            })
            .await??;
            if sealed > 0 {
                tracing::info!(sealed, "sealed chat messages stored as plain text");
            }
        }
        let decode_budget = Arc::new(tokio::sync::Semaphore::new(config.uploads.decode_budget_mib));
        let throttle = Arc::new(web::throttle::Throttles::new(&config.auth));
        let click =
            (config.payments.provider == "click").then(|| domain::payments::click::Credentials {
                service_id: config.payments.click_service_id,
                merchant_id: config.payments.click_merchant_id,
                secret_key: config.payments.click_secret_key.0.clone(),
            });
        let payments: Arc<dyn domain::payments::PaymentProvider> = match &click {
            Some(creds) => Arc::new(domain::payments::click::Click { creds: creds.clone() }),
            None => Arc::new(domain::payments::Manual {
                instructions: config.payments.manual_instructions.clone(),
            }),
        };
        let hub =
            Arc::new(web::live::Hub::new(config.chat.max_sockets, config.chat.sockets_per_user));
        let site_url = Arc::from(config.server.public_url.trim_end_matches('/'));
        let state = AppState::new(web::Shared {
            site_url,
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
            hub,
            chat_keys,
            payments,
            click,
            health: web::Health::default(),
            rates,
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

    /// Serves until `shutdown` resolves, then stops accepting, gives in-flight requests
    /// `server.shutdown_grace_seconds` before closing their connections, drains the job queue
    /// and joins the workers.
    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let jobs = self.state.jobs.clone();
        let hub = self.state.hub.clone();
        let limits = web::serve::Limits::new(&self.state.config.server);
        let app = web::languages::app(self.state);
        let shutdown = async move {
            shutdown.await;
            // live sockets are not requests: they say goodbye at once, and browsers reconnect
            // to the next process
            hub.close_all();
        };
        web::serve::serve(self.listener, app, limits, shutdown).await;
        tokio::task::spawn_blocking(move || jobs.shutdown()).await.map_err(std::io::Error::other)
    }
}

/// Binds the listener with a backlog of 1,024: at `server.max_connections` the accept loop
/// pauses, and the kernel's queue (128 by default) is what holds the next ones meanwhile.
fn listen(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(1024)
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
