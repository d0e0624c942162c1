//! HTTP: the application state, the one routing table, and the middleware around it.

pub mod assets;
pub mod cookies;
pub mod csrf;
pub mod error;
pub mod extract;
pub mod flash;
pub mod handlers;
pub mod input;
pub mod languages;
pub mod live;
mod middleware;
pub mod multipart;
pub mod serve;
pub mod throttle;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::config::Config;
use crate::db::Db;
use crate::jobs::{Jobs, UnreadCache};
use crate::metrics::Metrics;

/// What every handler can reach: one shared allocation, so the per-request clones that each
/// extractor and middleware makes cost one atomic increment.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl AppState {
    /// Wraps the shared parts.
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The parts of [`AppState`].
pub struct Shared {
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
    /// The site key (CSRF tokens), generated into the data folder on first run.
    pub key: Arc<[u8; 32]>,
    /// Password hashing.
    pub hasher: crate::domain::accounts::password::Hasher,
    /// Bounds how many password hashes run at once (each takes tens of MiB).
    pub hash_permits: Arc<tokio::sync::Semaphore>,
    /// The memory budget of image decoding, one permit a MiB (`uploads.decode_budget_mib`).
    pub decode_budget: Arc<tokio::sync::Semaphore>,
    /// Login, sign-up and reset limits.
    pub throttle: Arc<throttle::Throttles>,
    /// Short-lived caches of public pages' data.
    pub caches: Arc<Caches>,
    /// The open chat sockets.
    pub hub: Arc<live::Hub>,
    /// The keys chat text is sealed with.
    pub chat_keys: Arc<crate::domain::chats::seal::Keyring>,
    /// Who takes payments (`payments.provider`).
    pub payments: Arc<dyn crate::domain::payments::PaymentProvider>,
    /// Click's credentials, when Click is the provider (its callbacks check them).
    pub click: Option<crate::domain::payments::click::Credentials>,
    /// Whether the database answers (for `/healthz`).
    pub health: Health,
    /// `server.public_url` without its trailing slash: pages' absolute links (canonical,
    /// hreflang) start with it.
    pub site_url: Arc<str>,
    /// The currency rates in use (`currency_rates`, swapped by the refresh job).
    pub rates: Arc<crate::domain::rates::Live>,
}

/// Whether the database answers, asked at most once a second: `/healthz` stays the plaintext
/// ceiling under load, and a database that stops answering turns it 503 within a second.
#[derive(Default)]
pub struct Health {
    checked_ms: std::sync::atomic::AtomicI64,
    failing: std::sync::atomic::AtomicBool,
}

impl Health {
    /// The database's health, asking it again when the last answer is over a second old (one
    /// caller asks; the others take the last answer).
    pub async fn ok(&self, state: &AppState) -> bool {
        use std::sync::atomic::Ordering::{AcqRel, Acquire, Relaxed};
        let now = crate::cache::now() as i64;
        let last = self.checked_ms.load(Acquire);
        if now - last >= 1_000
            && self.checked_ms.compare_exchange(last, now, AcqRel, Acquire).is_ok()
        {
            let answered = state
                .db
                .run_here(|conn| {
                    Ok(conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
                        r.get::<_, i64>(0)
                    })?)
                })
                .await;
            if let Err(e) = &answered {
                tracing::error!(error = %e, "health check: the database does not answer");
            }
            self.failing.store(answered.is_err(), Relaxed);
        }
        !self.failing.load(Relaxed)
    }
}

/// Public pages' data, shared by all visitors for a moment (`server.page_cache_ms`), and
/// listing counts (`server.count_cache_seconds`).
pub struct Caches {
    /// The home page's rendered blocks by place and language (anonymous visitors).
    pub home: crate::cache::TtlCache<String, Arc<str>>,
    /// The home page's blocks rendered for signed-in visitors by place, language and path, with
    /// slots for the token and the favorite marks, and the ads they show.
    pub home_signed: crate::cache::TtlCache<String, SignedHome>,
    /// The home page's blocks as data by place: signed-in visitors' pages are rendered from
    /// them with their own favorite marks, and the anonymous render starts from them too.
    pub home_blocks: crate::cache::TtlCache<String, Arc<crate::domain::ads::home::Home>>,
    /// The similar ads under ad pages, by what makes them similar (type, country, price band):
    /// kept [`SIMILAR_TTL`], as a list a little old reads the same and most ads share one.
    pub similar: crate::cache::TtlCache<
        crate::domain::ads::repo::SimilarKey,
        Arc<[crate::domain::ads::AdCard]>,
    >,
    /// The sitemap's files by number (0: `/sitemap.xml`; None: past the last part).
    pub sitemap: crate::cache::TtlCache<i64, Option<Arc<str>>>,
    /// `/search` results (every section) by filter.
    pub search: crate::cache::TtlCache<String, Arc<crate::domain::ads::search::Everywhere>>,
    /// Listing pages by filter.
    pub listing: crate::cache::TtlCache<String, Arc<crate::domain::ads::list::Page>>,
    /// Listing counts by filter (without page).
    pub counts: Arc<crate::cache::TtlCache<String, i64>>,
    /// The words search corrects typos towards, read again every ten minutes.
    pub vocabulary: Arc<crate::domain::ads::spelling::VocabularyCache>,
    /// The search index's words, for a search word inside longer ones, read again every ten
    /// minutes.
    pub lexicon: Arc<crate::domain::ads::lexicon::LexiconCache>,
    /// Signed-in visitors by session token, for `server.session_cache_ms`: a page skips the
    /// session read. Cleared whenever a session may have ended or its user changed rights.
    pub sessions: crate::cache::Cache<String, crate::domain::users::SessionUser>,
}

impl Caches {
    /// Forgets every cached session (a sign-out, a ban, a password or staff change: rare, and
    /// the next page of each visitor reads its session again).
    pub fn forget_sessions(&self) {
        self.sessions.clear();
    }
}

/// The signed-in home blocks with their slots, and the ads they show (whose favorite marks
/// the viewer's lookup asks for).
pub type SignedHome = (Arc<crate::views::components::SlottedHtml>, Arc<[crate::domain::ids::AdId]>);

/// How long a sitemap file is reused (unless the page cache is off).
pub const SITEMAP_TTL: std::time::Duration = std::time::Duration::from_secs(600);

/// How long a list of similar ads is reused (unless the page cache is off).
pub const SIMILAR_TTL: std::time::Duration = std::time::Duration::from_secs(30);

impl Caches {
    /// Caches with the configured lifetimes.
    pub fn new(cfg: &crate::config::ServerConfig) -> Self {
        let page = std::time::Duration::from_millis(cfg.page_cache_ms);
        let counts = std::time::Duration::from_secs(cfg.count_cache_seconds);
        Self {
            home: crate::cache::TtlCache::new(page, 1_000),
            home_blocks: crate::cache::TtlCache::new(page, 1_000),
            home_signed: crate::cache::TtlCache::new(page, 1_000),
            listing: crate::cache::TtlCache::new(page, 10_000),
            search: crate::cache::TtlCache::new(page, 2_000),
            sitemap: crate::cache::TtlCache::new(
                if page.is_zero() { page } else { SITEMAP_TTL },
                1_000,
            ),
            similar: crate::cache::TtlCache::new(
                if page.is_zero() { page } else { SIMILAR_TTL },
                10_000,
            ),
            counts: Arc::new(crate::cache::TtlCache::new(counts, 50_000)),
            vocabulary: Arc::new(crate::cache::TtlCache::new(
                crate::domain::ads::spelling::VOCABULARY_TTL,
                1,
            )),
            lexicon: Arc::new(crate::cache::TtlCache::new(
                crate::domain::ads::lexicon::LEXICON_TTL,
                1,
            )),
            sessions: crate::cache::Cache::new(
                std::time::Duration::from_millis(cfg.session_cache_ms),
                50_000,
            ),
        }
    }
}

impl AppState {
    /// Decodes an upload on the blocking pool once `cost_mib` of the decode budget is free, so
    /// uploads arriving together wait their turn instead of adding up their peaks. A decode
    /// costing more than the whole budget runs alone.
    pub async fn decoding<T: Send + 'static>(
        &self,
        cost_mib: u32,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, error::Error> {
        let budget = u32::try_from(self.config.uploads.decode_budget_mib).unwrap_or(u32::MAX);
        let _permit = self
            .decode_budget
            .acquire_many(cost_mib.clamp(1, budget.max(1)))
            .await
            .map_err(error::Error::internal)?;
        tokio::task::spawn_blocking(move || {
            let out = f();
            // the decode's buffers (up to 160 MB) are free now: their pages go back to the
            // system at once, not after the allocator's purge delay, or decodes that follow
            // each other within it add up (308-393 MiB peaks for four 36 MP photos, 251-262
            // with the pages returned at once)
            crate::alloc::release_freed_memory();
            out
        })
        .await
        .map_err(error::Error::internal)
    }

    /// Runs a password hash or check off the async executor, at most `hash_concurrency` at once.
    pub async fn hashing<T: Send + 'static>(
        &self,
        f: impl FnOnce(&crate::domain::accounts::password::Hasher) -> T + Send + 'static,
    ) -> Result<T, error::Error> {
        let _permit = self.hash_permits.acquire().await.map_err(error::Error::internal)?;
        let hasher = self.hasher.clone();
        tokio::task::spawn_blocking(move || f(&hasher)).await.map_err(error::Error::internal)
    }
}

/// Every route of the site (behind [`languages::app`]'s edge, which strips language prefixes).
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(handlers::home::show))
        .route("/catalog", get(handlers::listing::catalog))
        .route("/parts", get(handlers::listing::parts))
        .route("/repair", get(handlers::listing::repair))
        .route("/search", get(handlers::listing::search))
        .route("/ad/{id}", get(handlers::ad::show))
        .route(
            "/ads/new",
            get(handlers::ad_form::new_form)
                .post(handlers::ad_form::create)
                .layer(DefaultBodyLimit::max(handlers::ad_form::BODY_LIMIT)),
        )
        .route(
            "/ad/{id}/edit",
            get(handlers::ad_form::edit_form)
                .post(handlers::ad_form::update)
                .layer(DefaultBodyLimit::max(handlers::ad_form::BODY_LIMIT)),
        )
        .route("/ad/{id}/activate", post(handlers::ad_manage::activate))
        .route("/ad/{id}/deactivate", post(handlers::ad_manage::deactivate))
        .route("/ad/{id}/delete", post(handlers::ad_manage::delete))
        .route("/ad/{id}/favorite", post(handlers::ad_manage::favorite))
        .route("/ad/{id}/phone", post(handlers::ad::phone))
        .route("/ad/{id}/chat", post(handlers::chats::open_for_ad))
        .route("/chats", get(handlers::chats::inbox))
        .route("/chats/live", get(live::socket))
        .route("/chats/{id}", get(handlers::chats::show))
        .route(
            "/chats/{id}/messages",
            post(handlers::chats::send).layer(DefaultBodyLimit::max(handlers::chats::BODY_LIMIT)),
        )
        .route("/chats/{id}/read", post(handlers::chats::read))
        .route("/chats/{id}/images/{name}", get(handlers::chats::image))
        .route("/messages/{id}/edit", post(handlers::chats::edit))
        .route("/messages/{id}/delete", post(handlers::chats::delete))
        .route("/messages/{id}/report", post(handlers::chats::report))
        .route("/support", post(handlers::chats::support))
        .route("/users/{id}/block", post(handlers::chats::block))
        .route("/users/{id}/unblock", post(handlers::chats::unblock))
        .route("/favorites", get(handlers::ad_manage::favorites))
        .route("/logistics", get(handlers::freight::list))
        .route("/logistics/new", get(handlers::freight::new_form).post(handlers::freight::create))
        .route("/freight/{id}", get(handlers::freight::show))
        .route(
            "/freight/{id}/edit",
            get(handlers::freight::edit_form).post(handlers::freight::update),
        )
        .route("/freight/{id}/activate", post(handlers::freight::activate))
        .route("/freight/{id}/deactivate", post(handlers::freight::deactivate))
        .route("/freight/{id}/delete", post(handlers::freight::delete))
        .route("/my/ads", get(handlers::ad_manage::my_ads))
        .route("/searches", post(handlers::searches::save))
        .route("/my/searches", get(handlers::searches::mine))
        .route("/my/searches/{id}/rename", post(handlers::searches::rename))
        .route("/my/searches/{id}/frequency", post(handlers::searches::set_frequency))
        .route("/my/searches/{id}/pause", post(handlers::searches::pause))
        .route("/my/searches/{id}/resume", post(handlers::searches::resume))
        .route("/my/searches/{id}/delete", post(handlers::searches::delete))
        .route("/requests", get(handlers::requests::list))
        .route("/requests/new", get(handlers::requests::new_form).post(handlers::requests::create))
        .route("/requests/{id}", get(handlers::requests::show))
        .route("/requests/{id}/quote", post(handlers::requests::quote))
        .route("/requests/{id}/close", post(handlers::requests::close))
        .route("/requests/{id}/delete", post(handlers::requests::delete))
        .route("/quotes/{id}/accept", post(handlers::requests::accept))
        .route("/my/requests", get(handlers::requests::mine))
        .route(
            "/searches/{id}/unsubscribe",
            get(handlers::searches::unsubscribe_page).post(handlers::searches::unsubscribe),
        )
        .route("/my/stats", get(handlers::stats::show))
        .route("/sitemap.xml", get(handlers::seo::sitemap))
        .route("/sitemaps/{file}", get(handlers::seo::sitemap_part))
        .route("/robots.txt", get(handlers::seo::robots))
        .route("/seller/{id}", get(handlers::seller::show))
        .route("/about", get(handlers::pages::about))
        .route("/help", get(handlers::pages::help))
        .route("/rules", get(handlers::pages::rules))
        .route("/safety", get(handlers::pages::safety))
        .route("/privacy", get(handlers::pages::privacy))
        .route("/terms", get(handlers::pages::terms))
        .route("/prefs", post(handlers::prefs::update))
        .route("/signup", get(handlers::auth::signup_form).post(handlers::auth::signup))
        .route("/login", get(handlers::auth::login_form).post(handlers::auth::login))
        .route("/logout", post(handlers::auth::logout))
        .route("/password/forgot", get(handlers::auth::forgot_form).post(handlers::auth::forgot))
        .route(
            "/password/reset/{token}",
            get(handlers::auth::reset_form).post(handlers::auth::reset),
        )
        .route(
            "/verify-email/resend",
            get(handlers::auth::resend_form).post(handlers::auth::resend),
        )
        .route("/verify-email/{token}", get(handlers::auth::verify_email))
        .route("/account", get(handlers::account::show).post(handlers::account::update))
        .route(
            "/account/avatar",
            post(handlers::account::avatar)
                .layer(DefaultBodyLimit::max(handlers::account::AVATAR_MAX_BYTES + 64 * 1024)),
        )
        .route(
            "/account/password",
            get(handlers::account::password_form).post(handlers::account::change_password),
        )
        .route("/account/delete", post(handlers::account::delete))
        .route("/account/export", get(handlers::account::export))
        .route("/admin", get(handlers::admin::show))
        .route(
            "/ad/{id}/promote",
            get(handlers::payments::promote_page).post(handlers::payments::buy_plan),
        )
        .route("/payments/{id}", get(handlers::payments::show))
        .route("/payments/{id}/cancel", post(handlers::payments::cancel))
        .route("/payments/click/prepare", post(handlers::payments::click_prepare))
        .route("/payments/click/complete", post(handlers::payments::click_complete))
        .route("/account/payments", get(handlers::payments::mine))
        .route(
            "/badge",
            get(handlers::badge::show)
                .post(handlers::badge::submit)
                .layer(DefaultBodyLimit::max(handlers::badge::DOCUMENT_MAX_BYTES + 64 * 1024)),
        )
        .route("/ad/{id}/report", post(handlers::reports::ad))
        .route("/users/{id}/report", post(handlers::reports::user))
        .route("/admin/reports", get(handlers::admin::reports))
        .route("/admin/reports/dismiss", post(handlers::admin::dismiss))
        .route("/admin/review", get(handlers::admin::review))
        .route("/admin/ads", get(handlers::admin::ads))
        .route("/admin/ads/{id}/hide", post(handlers::admin::hide_ad))
        .route("/admin/ads/{id}/unhide", post(handlers::admin::unhide_ad))
        .route("/admin/ads/{id}/approve", post(handlers::admin::approve_ad))
        .route("/admin/ads/{id}/reject", post(handlers::admin::reject_ad))
        .route("/admin/ads/{id}/plan", post(handlers::admin::grant_plan))
        .route("/admin/users", get(handlers::admin::users))
        .route("/admin/users/{id}", get(handlers::admin::user))
        .route("/admin/users/{id}/warn", post(handlers::admin::warn))
        .route("/admin/users/{id}/ban", post(handlers::admin::ban))
        .route("/admin/users/{id}/unban", post(handlers::admin::unban))
        .route("/admin/users/{id}/{switch}", post(handlers::admin::switch))
        .route("/admin/audit", get(handlers::admin::audit_log))
        .route(
            "/admin/broadcast",
            get(handlers::admin::broadcasts).post(handlers::admin::start_broadcast),
        )
        .route("/admin/payments", get(handlers::payments::ledger_page))
        .route("/admin/payments/{id}/paid", post(handlers::payments::mark_paid))
        .route("/admin/badges", get(handlers::badge::queue))
        .route("/admin/badges/{id}/approve", post(handlers::badge::approve))
        .route("/admin/badges/{id}/reject", post(handlers::badge::reject))
        .route("/admin/badges/{id}/document", get(handlers::badge::document))
        .route("/healthz", get(handlers::system::healthz))
        .route("/metrics", get(handlers::system::metrics))
        .route("/assets/{file}", get(assets::serve))
        .route("/media/{*path}", get(handlers::media::serve))
        .fallback(handlers::pages::not_found)
        .layer(DefaultBodyLimit::max(state.config.server.form_limit_kib * 1024))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::read_only))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::error_pages))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::cookies))
        .layer(axum::middleware::from_fn(languages::redirects))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::security_headers))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::track))
        .with_state(state)
}
