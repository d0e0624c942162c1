//! Typed `uzmat.toml`: every key has a working default, unknown keys are refused, and any key
//! can be overridden by an environment variable `UZMAT_SECTION__KEY`.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The whole configuration.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// HTTP server settings.
    pub server: ServerConfig,
    /// SQLite store settings.
    pub database: DatabaseConfig,
    /// Background job pool settings.
    pub jobs: JobsConfig,
    /// Currency rates used for the approximate USD price.
    pub currency: CurrencyConfig,
    /// Accounts, sessions and throttling.
    pub auth: AuthConfig,
    /// Outgoing mail.
    pub mail: MailConfig,
    /// Photo uploads.
    pub uploads: UploadsConfig,
    /// Chats.
    pub chat: ChatConfig,
    /// Promotion plans and the badge: lengths and prices.
    pub plans: PlansConfig,
    /// How payments are taken.
    pub payments: PaymentsConfig,
    /// Moderation.
    pub moderation: ModerationConfig,
    /// The Telegram channel ads are posted to.
    pub telegram: TelegramConfig,
    /// Scheduled backups.
    pub backup: BackupConfig,
}

/// `[backup]`: scheduled online backups by a job (`uzmat backup FILE` takes one by hand).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BackupConfig {
    /// Hours between backups; 0 turns them off.
    pub every_hours: u64,
    /// How many to keep (older ones are removed).
    pub keep: usize,
    /// Where they go, relative to `server.data_dir`.
    pub dir: PathBuf,
}

impl Default for BackupConfig {
    fn default() -> Self {
        Self { every_hours: 0, keep: 7, dir: PathBuf::from("backups") }
    }
}

impl Config {
    /// The folder scheduled backups go to.
    pub fn backup_dir(&self) -> PathBuf {
        if self.backup.dir.is_absolute() {
            self.backup.dir.clone()
        } else {
            self.server.data_dir.join(&self.backup.dir)
        }
    }
}

/// `[moderation]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ModerationConfig {
    /// Hold a new seller's first ads for staff before they are public.
    pub first_ads_review: bool,
    /// How many of a seller's first ads are held.
    pub first_ads_count: u32,
    /// Reports one user may file per hour.
    pub reports_per_hour: u32,
    /// A new account may post before confirming its e-mail, but its ads and freight listings
    /// are shown to others only once it is confirmed.
    pub require_verified_email: bool,
}

impl Default for ModerationConfig {
    fn default() -> Self {
        Self {
            first_ads_review: false,
            first_ads_count: 3,
            reports_per_hour: 20,
            require_verified_email: true,
        }
    }
}

/// `[telegram]`: new and re-published ads are posted to a channel; edits and removals follow.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TelegramConfig {
    /// Post to the channel at all (off: nothing is sent, and waiting posts are dropped).
    pub enabled: bool,
    /// The bot's token from @BotFather (never logged).
    pub bot_token: Secret,
    /// `@channel_name` or the numeric id (`-100…`); the bot must be an admin of the channel.
    #[serde(deserialize_with = "string_or_integer")]
    pub channel_id: String,
    /// The Bot API's address (tests point it at a local fake).
    pub api_base: String,
}

impl Default for TelegramConfig {
    fn default() -> Self {
        Self {
            enabled: false,
            bot_token: Secret::default(),
            channel_id: String::new(),
            api_base: "https://api.telegram.org".into(),
        }
    }
}

/// A numeric channel id may come unquoted, from the file or from `UZMAT_TELEGRAM__CHANNEL_ID`.
fn string_or_integer<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Id {
        Text(String),
        Number(i64),
    }
    Ok(match Id::deserialize(d)? {
        Id::Text(s) => s,
        Id::Number(n) => n.to_string(),
    })
}

/// `[plans]`: prices are `[GOLD, PREMIUM, VIP]` in whole units of each currency.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PlansConfig {
    /// Days a GOLD plan runs.
    pub gold_days: u32,
    /// Days a PREMIUM plan runs.
    pub premium_days: u32,
    /// Days a VIP plan runs.
    pub vip_days: u32,
    /// Prices in Uzbek sum.
    pub uzs: [f64; 3],
    /// Prices in Kazakh tenge.
    pub kzt: [f64; 3],
    /// Prices in Russian roubles.
    pub rub: [f64; 3],
    /// Prices in Belarusian roubles.
    pub byn: [f64; 3],
    /// Prices in US dollars.
    pub usd: [f64; 3],
    /// The verification badge's price in US dollars (charged in the buyer's currency at the
    /// configured rate, rounded).
    pub badge_usd: f64,
    /// Days a badge is valid.
    pub badge_days: u32,
}

impl Default for PlansConfig {
    fn default() -> Self {
        Self {
            gold_days: 3,
            premium_days: 14,
            vip_days: 30,
            uzs: [30_000.0, 50_000.0, 100_000.0],
            kzt: [1_200.0, 2_000.0, 4_000.0],
            rub: [250.0, 400.0, 800.0],
            byn: [8.0, 13.0, 26.0],
            usd: [2.5, 4.0, 8.0],
            badge_usd: 15.0,
            badge_days: 180,
        }
    }
}

/// `[payments]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PaymentsConfig {
    /// `manual` (staff mark payments paid in /admin) or `click` (Click's SHOP API, sum only).
    pub provider: String,
    /// What a buyer paying by hand is told to do; `{id}` is the payment's number, `{amount}`
    /// the sum.
    pub manual_instructions: String,
    /// Click: the service id.
    pub click_service_id: u64,
    /// Click: the merchant id.
    pub click_merchant_id: u64,
    /// Click: the secret key (never logged).
    pub click_secret_key: Secret,
}

impl Default for PaymentsConfig {
    fn default() -> Self {
        Self {
            provider: "manual".into(),
            manual_instructions: "Переведите {amount} на счёт, указанный администратором сайта, и укажите в назначении платежа номер {id}. Когда деньги поступят, модератор отметит платёж, и услуга включится сама.".into(),
            click_service_id: 0,
            click_merchant_id: 0,
            click_secret_key: Secret::default(),
        }
    }
}

/// A secret from the configuration: shown as `***` in any debug output or log.
#[derive(Clone, Default, Deserialize)]
#[serde(transparent)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_empty() { "\"\"" } else { "***" })
    }
}

/// `[chat]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ChatConfig {
    /// Messages one user may send per minute.
    pub messages_per_minute: u32,
    /// Live sockets open at once, over all users.
    pub max_sockets: usize,
    /// Live sockets of one user (browser tabs) at once.
    pub sockets_per_user: usize,
}

impl Default for ChatConfig {
    fn default() -> Self {
        Self { messages_per_minute: 30, max_sockets: 10_000, sockets_per_user: 8 }
    }
}

/// `[uploads]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UploadsConfig {
    /// Memory all image decodes together may take, in MiB: uploads beyond it wait their turn.
    pub decode_budget_mib: usize,
}

impl Default for UploadsConfig {
    fn default() -> Self {
        Self { decode_budget_mib: 256 }
    }
}

/// `[auth]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthConfig {
    /// Days a session lives without use (sliding).
    pub session_days: u32,
    /// Failed logins of one account from one IP before it must wait.
    pub login_max_failures: u32,
    /// The window in which failures are counted, and the wait after too many.
    pub login_lock_seconds: u64,
    /// Sign-ups allowed per client IP per hour.
    pub signups_per_ip_per_hour: u32,
    /// Password-reset requests allowed per client IP per hour.
    pub resets_per_ip_per_hour: u32,
    /// Argon2id memory cost in KiB.
    pub argon2_memory_kib: u32,
    /// Argon2id passes.
    pub argon2_iterations: u32,
    /// Password hashes computed at once (each takes `argon2_memory_kib`).
    pub hash_concurrency: usize,
    /// Shortest password accepted.
    pub password_min_length: usize,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            session_days: 30,
            login_max_failures: 5,
            login_lock_seconds: 300,
            signups_per_ip_per_hour: 10,
            resets_per_ip_per_hour: 5,
            argon2_memory_kib: 19_456,
            argon2_iterations: 2,
            hash_concurrency: 2,
            password_min_length: 8,
        }
    }
}

/// `[mail]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MailConfig {
    /// `smtp://host:port` of a relay; empty: write `.eml` files under `data/mail/`.
    pub smtp_url: String,
    /// The From address.
    pub from: String,
}

impl Default for MailConfig {
    fn default() -> Self {
        Self { smtp_url: String::new(), from: "Uzmat <noreply@uzmat.localhost>".into() }
    }
}

/// `[server]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    /// Address and port to listen on.
    pub bind: SocketAddr,
    /// Peers whose `X-Forwarded-For` header is believed (a reverse proxy on this host, say).
    pub trusted_proxies: Vec<IpAddr>,
    /// Whether the site is served over https (cookies get `Secure`).
    pub https: bool,
    /// Peers allowed to read `/metrics` besides loopback.
    pub metrics_allow: Vec<IpAddr>,
    /// Folder for the database, uploads and generated secrets.
    pub data_dir: PathBuf,
    /// The site's address as visitors see it, for links in e-mails and staff pages. Empty (the
    /// default): `http://<bind>`, the address the server listens on (see [`Self::public_base`]).
    pub public_url: String,
    /// Largest request body for ordinary forms, in KiB.
    pub form_limit_kib: usize,
    /// How long public listing data (home blocks, listing pages) is reused, in ms; 0: never.
    pub page_cache_ms: u64,
    /// Milliseconds a signed-in visitor's session is served from memory before it is read
    /// again (0: every request reads it). Sign-out, bans and password changes end it at once.
    pub session_cache_ms: u64,
    /// How long a listing's result count is reused, in seconds; 0: never.
    pub count_cache_seconds: u64,
    /// A listing's count stops here: a filter matching more shows "1 000+" and its pages up
    /// to the cap with a "next" link (an exact count walks every matching row).
    pub count_cap: i64,
    /// Seconds a connection has to send a complete request head, counted from connect and again
    /// from each response (so also how long a kept-alive connection may sit idle).
    pub header_timeout_seconds: u64,
    /// Seconds a request body has to arrive, before the rate allowance below.
    pub body_timeout_seconds: u64,
    /// Each this many body bytes received extend the body's time by a second (0: no extension).
    pub body_min_bytes_per_second: u64,
    /// Connections served at once; at the cap new ones wait in the kernel's backlog.
    pub max_connections: usize,
    /// Seconds open requests may finish after SIGTERM before their connections are closed.
    pub shutdown_grace_seconds: u64,
}

impl ServerConfig {
    /// The site's address for links, without a trailing slash: `public_url` when set, else
    /// `http://<listening>` (the address the server is bound to: `bind`, or the port the
    /// system chose for a bind to port 0).
    pub fn public_base(&self, listening: SocketAddr) -> String {
        let set = self.public_url.trim().trim_end_matches('/');
        if set.is_empty() { format!("http://{listening}") } else { set.to_owned() }
    }

    /// What an operator should be told at start-up about `public_url` and `bind`, if anything:
    /// links that will not open for anyone but this machine.
    pub fn public_url_warning(&self) -> Option<String> {
        let bind = self.bind;
        if self.public_url.trim().is_empty() && bind.ip().is_unspecified() {
            return Some(format!(
                "server.public_url is not set and server.bind is {bind}, which no visitor can open: \
                 links in e-mails and staff pages will point at http://{bind}; set server.public_url \
                 to the site's address (e.g. https://uzmat.kz)"
            ));
        }
        let url = self.public_base(bind);
        if url_is_loopback(&url) && !bind.ip().is_loopback() {
            return Some(format!(
                "server.public_url is {url}, a loopback address, while the server listens on {bind}: \
                 links in e-mails and staff pages will open on no other machine; set \
                 server.public_url to the site's address (e.g. https://uzmat.kz)"
            ));
        }
        None
    }
}

/// Whether a URL's host is this machine only (`localhost`, 127.0.0.0/8, `[::1]`).
fn url_is_loopback(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    host == "localhost"
        || host.ends_with(".localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            trusted_proxies: Vec::new(),
            https: false,
            metrics_allow: Vec::new(),
            data_dir: PathBuf::from("data"),
            public_url: String::new(),
            form_limit_kib: 64,
            page_cache_ms: 2000,
            session_cache_ms: 5000,
            count_cache_seconds: 30,
            count_cap: 1_000,
            header_timeout_seconds: 10,
            body_timeout_seconds: 20,
            body_min_bytes_per_second: 1024,
            max_connections: 512,
            shutdown_grace_seconds: 5,
        }
    }
}

/// `[database]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    /// SQLite file; relative paths are inside `server.data_dir`.
    pub path: PathBuf,
    /// `PRAGMA synchronous`: "off", "normal" or "full".
    pub synchronous: Synchronous,
    /// Connections in the read/write pool; the requests' queries run on one fewer threads of
    /// their own (`db::lanes`), so one stays for the job workers' writes (at 1, the one
    /// request thread and the job workers share the one connection; at 2, one query runs at a
    /// time).
    pub pool_size: u32,
    /// `PRAGMA cache_size` of each pooled connection, in KiB: pages it keeps in its own
    /// (anonymous) memory.
    pub cache_size_kib: u32,
    /// How much of the database file is mapped into memory, in MiB (0: none; reads copy pages
    /// from the kernel's cache instead). On Unix one mapping serves every connection of the
    /// process (`db::one_map`), so RSS counts a page of the file once.
    pub mmap_size_mib: u32,
    /// Whether sorts and temporary tables too big for a statement's memory live in memory
    /// (`PRAGMA temp_store = MEMORY`) or spill to a deleted temporary file (the kernel's cache,
    /// not the process's memory).
    pub temp_in_memory: bool,
    /// Milliseconds a connection waits on a locked database before giving up.
    pub busy_timeout_ms: u32,
    /// Serve from a database opened read-only (a Litestream restore, a LiteFS replica): every
    /// write is answered with a 503 "read-only replica" page, jobs that write are paused.
    pub read_only: bool,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            path: PathBuf::from("uzmat.db"),
            synchronous: Synchronous::Normal,
            pool_size: 4,
            cache_size_kib: 4_000,
            mmap_size_mib: 16_384,
            temp_in_memory: true,
            busy_timeout_ms: 5000,
            read_only: false,
        }
    }
}

/// SQLite durability level.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Synchronous {
    /// No fsync at all.
    Off,
    /// fsync at checkpoints (safe with WAL).
    Normal,
    /// fsync at every commit.
    Full,
}

/// Where jobs run.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum JobsMode {
    /// Handlers queue jobs; worker threads write them.
    Background,
    /// Handlers run jobs themselves before answering (for the benchmark).
    Inline,
}

/// `[jobs]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct JobsConfig {
    /// "background" or "inline".
    pub mode: JobsMode,
    /// Worker threads.
    pub workers: usize,
    /// Jobs the channel holds before the overflow policy applies.
    pub queue_capacity: usize,
    /// Views kept aside when the queue is full, before further ones are dropped and counted.
    pub overflow_capacity: usize,
    /// Most jobs a worker takes into one transaction.
    pub batch_size: usize,
    /// How long a worker that woke for a view lets more views gather before writing them in
    /// one transaction (0: write at once). Fewer commits matter to readers too: after any
    /// commit, SQLite drops each reading connection's cached and mapped pages.
    pub view_linger_ms: u64,
    /// An active ad is raised once its last bump is this old.
    pub bump_interval_minutes: u64,
    /// Most ads raised in one run of the bump job.
    pub bump_batch: u32,
    /// How often the scheduler starts a bump run.
    pub bump_check_seconds: u64,
    /// Least time between two bump runs nudged by home-page visits.
    pub bump_nudge_seconds: u64,
    /// How often the pending view counts are folded into the ads (the "most viewed" order
    /// follows within this time; the counts pages show are always exact). Each fold rewrites
    /// every viewed ad's row once, however often it was viewed, so a longer interval writes less.
    pub view_fold_seconds: u64,
    /// One view per (ad, client) within this window.
    pub view_dedupe_seconds: u64,
    /// How long a user's unread-message count is served from memory.
    pub unread_cache_seconds: u64,
    /// Tries for a job that meets a busy database.
    pub busy_retries: u32,
}

impl Default for JobsConfig {
    fn default() -> Self {
        Self {
            mode: JobsMode::Background,
            workers: 2,
            queue_capacity: 50_000,
            overflow_capacity: 100_000,
            batch_size: 25_000,
            view_linger_ms: 1_000,
            bump_interval_minutes: 180,
            bump_batch: 500,
            bump_check_seconds: 60,
            bump_nudge_seconds: 300,
            view_fold_seconds: 300,
            view_dedupe_seconds: 300,
            unread_cache_seconds: 30,
            busy_retries: 5,
        }
    }
}

/// `[currency]`: how many US dollars one unit of each currency is worth (the rates seeded into
/// `currency_rates` at start), and where fresher ones are fetched from.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CurrencyConfig {
    /// Kazakh tenge.
    pub kzt_usd: f64,
    /// Uzbek sum.
    pub uzs_usd: f64,
    /// Russian rouble.
    pub rub_usd: f64,
    /// Belarusian rouble.
    pub byn_usd: f64,
    /// A JSON document of rates per US dollar (`{"base":"USD","rates":{"KZT":480.5,…}}`)
    /// fetched by the `RefreshRates` job; empty: off, the rates above are the only ones.
    pub rates_url: String,
    /// Hours between fetches of `rates_url` (a failed one is tried again within the hour).
    pub refresh_hours: u64,
    /// One fetch, connect to last byte.
    pub timeout_seconds: u64,
}

impl Default for CurrencyConfig {
    fn default() -> Self {
        Self {
            kzt_usd: 0.0020,
            uzs_usd: 0.000079,
            rub_usd: 0.011,
            byn_usd: 0.31,
            rates_url: String::new(),
            refresh_hours: 12,
            timeout_seconds: 20,
        }
    }
}

/// A configuration problem, naming the key at fault.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file or an override does not parse or names an unknown key.
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

impl Config {
    /// Loads `path` (if given; otherwise `uzmat.toml` when present, else defaults) and applies
    /// `UZMAT_SECTION__KEY` overrides from `env`.
    pub fn load(
        path: Option<&Path>,
        env: impl Iterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        let text = match path {
            Some(p) => std::fs::read_to_string(p)
                .map_err(|source| ConfigError::Read { path: p.to_path_buf(), source })?,
            None => std::fs::read_to_string("uzmat.toml").unwrap_or_default(),
        };
        let mut table: toml::Table =
            toml::from_str(&text).map_err(|e| ConfigError::Invalid(e.to_string()))?;
        for (name, value) in env {
            let Some(rest) = name.strip_prefix("UZMAT_") else { continue };
            let Some((section, key)) = rest.split_once("__") else { continue };
            let (section, key) = (section.to_lowercase(), key.to_lowercase());
            let parsed = parse_env_value(&value);
            let entry = table
                .entry(section.clone())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            let Some(t) = entry.as_table_mut() else {
                return Err(ConfigError::Invalid(format!("{section} is not a section")));
            };
            t.insert(key, parsed);
        }
        let config: Config = toml::Value::Table(table)
            .try_into()
            .map_err(|e: toml::de::Error| ConfigError::Invalid(e.to_string()))?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let bad = |key: &str, why: &str| Err(ConfigError::Invalid(format!("{key}: {why}")));
        let j = &self.jobs;
        if j.workers == 0 || j.workers > 64 {
            return bad("jobs.workers", "must be between 1 and 64");
        }
        if j.queue_capacity == 0 {
            return bad("jobs.queue_capacity", "must be at least 1");
        }
        if j.batch_size == 0 {
            return bad("jobs.batch_size", "must be at least 1");
        }
        if j.bump_interval_minutes == 0 {
            return bad("jobs.bump_interval_minutes", "must be at least 1");
        }
        if j.bump_batch == 0 {
            return bad("jobs.bump_batch", "must be at least 1");
        }
        if j.view_linger_ms > 5_000 {
            // a counted view waits this long before it is written (shutdown cuts it short)
            return bad("jobs.view_linger_ms", "must be at most 5000");
        }
        // bounded above too: the scheduler adds them to the clock
        if !(1..=86_400).contains(&j.view_fold_seconds) {
            return bad("jobs.view_fold_seconds", "must be between 1 and 86400");
        }
        if !(1..=86_400).contains(&j.bump_check_seconds) {
            return bad("jobs.bump_check_seconds", "must be between 1 and 86400");
        }
        // a decode of the largest accepted photo takes about 200 MiB; below 64 even small ones
        // would run one at a time
        if !(64..=65_536).contains(&self.uploads.decode_budget_mib) {
            return bad("uploads.decode_budget_mib", "must be between 64 and 65536");
        }
        if !(1..=10_000_000).contains(&self.server.count_cap) {
            return bad("server.count_cap", "must be between 1 and 10000000");
        }
        if self.database.pool_size == 0 {
            return bad("database.pool_size", "must be at least 1");
        }
        if !(64..=4_194_304).contains(&self.database.cache_size_kib) {
            return bad("database.cache_size_kib", "must be between 64 and 4194304");
        }
        if self.database.mmap_size_mib > 1_048_576 {
            return bad("database.mmap_size_mib", "must be at most 1048576");
        }
        let p = &self.plans;
        for (key, days) in [
            ("gold_days", p.gold_days),
            ("premium_days", p.premium_days),
            ("vip_days", p.vip_days),
            ("badge_days", p.badge_days),
        ] {
            if !(1..=3650).contains(&days) {
                return bad(&format!("plans.{key}"), "must be between 1 and 3650");
            }
        }
        for (key, prices) in
            [("uzs", p.uzs), ("kzt", p.kzt), ("rub", p.rub), ("byn", p.byn), ("usd", p.usd)]
        {
            if prices.iter().any(|v| !v.is_finite() || *v <= 0.0 || *v > 1e12) {
                return bad(&format!("plans.{key}"), "prices must be positive numbers");
            }
        }
        if !p.badge_usd.is_finite() || p.badge_usd <= 0.0 {
            return bad("plans.badge_usd", "must be a positive number");
        }
        let pay = &self.payments;
        match pay.provider.as_str() {
            "manual" => {}
            "click" => {
                if pay.click_service_id == 0
                    || pay.click_merchant_id == 0
                    || pay.click_secret_key.0.is_empty()
                {
                    return bad(
                        "payments.provider",
                        "click needs payments.click_service_id, click_merchant_id and click_secret_key",
                    );
                }
            }
            _ => return bad("payments.provider", "must be \"manual\" or \"click\""),
        }
        let tg = &self.telegram;
        if tg.enabled && (tg.bot_token.0.is_empty() || tg.channel_id.is_empty()) {
            return bad("telegram.enabled", "needs telegram.bot_token and telegram.channel_id");
        }
        if !(tg.api_base.starts_with("https://") || tg.api_base.starts_with("http://")) {
            return bad("telegram.api_base", "must start with https:// or http://");
        }
        let a = &self.auth;
        if a.session_days == 0 {
            return bad("auth.session_days", "must be at least 1");
        }
        if a.login_max_failures == 0 {
            return bad("auth.login_max_failures", "must be at least 1");
        }
        if a.argon2_memory_kib < 8 * 1024 {
            return bad("auth.argon2_memory_kib", "must be at least 8192 (8 MiB)");
        }
        if a.argon2_iterations == 0 {
            return bad("auth.argon2_iterations", "must be at least 1");
        }
        if a.hash_concurrency == 0 {
            return bad("auth.hash_concurrency", "must be at least 1");
        }
        if a.password_min_length < 6 {
            return bad("auth.password_min_length", "must be at least 6");
        }
        if !self.mail.smtp_url.is_empty() && !self.mail.smtp_url.starts_with("smtp://") {
            return bad("mail.smtp_url", "must be empty or smtp://host:port (a local relay)");
        }
        if self.mail.from.parse::<lettre::message::Mailbox>().is_err() {
            return bad("mail.from", "must be a mailbox such as \"Uzmat <noreply@example.com>\"");
        }
        let public_url = self.server.public_url.trim();
        if !(public_url.is_empty()
            || public_url.starts_with("http://")
            || public_url.starts_with("https://"))
        {
            return bad(
                "server.public_url",
                "must be empty (http://<bind>) or start with http:// or https://",
            );
        }
        let s = &self.server;
        if !(1..=300).contains(&s.header_timeout_seconds) {
            return bad("server.header_timeout_seconds", "must be between 1 and 300");
        }
        if !(1..=3600).contains(&s.body_timeout_seconds) {
            return bad("server.body_timeout_seconds", "must be between 1 and 3600");
        }
        if !(1..=100_000).contains(&s.max_connections) {
            return bad("server.max_connections", "must be between 1 and 100000");
        }
        if s.shutdown_grace_seconds > 300 {
            return bad("server.shutdown_grace_seconds", "must be at most 300");
        }
        let c = &self.currency;
        for (key, v) in [
            ("currency.kzt_usd", c.kzt_usd),
            ("currency.uzs_usd", c.uzs_usd),
            ("currency.rub_usd", c.rub_usd),
            ("currency.byn_usd", c.byn_usd),
        ] {
            if !(v.is_finite() && v > 0.0) {
                return bad(key, "must be a positive number");
            }
        }
        let url = c.rates_url.trim();
        if !(url.is_empty() || url.starts_with("http://") || url.starts_with("https://")) {
            return bad(
                "currency.rates_url",
                "must be empty (off) or start with http:// or https://",
            );
        }
        if !(1..=720).contains(&c.refresh_hours) {
            return bad("currency.refresh_hours", "must be between 1 and 720");
        }
        if !(1..=120).contains(&c.timeout_seconds) {
            return bad("currency.timeout_seconds", "must be between 1 and 120");
        }
        Ok(())
    }

    /// The database file, resolved against the data folder.
    pub fn database_path(&self) -> PathBuf {
        if self.database.path.is_absolute() {
            self.database.path.clone()
        } else {
            self.server.data_dir.join(&self.database.path)
        }
    }
}

/// Environment values are TOML when they parse as such (numbers, booleans, arrays), else strings.
fn parse_env_value(raw: &str) -> toml::Value {
    match toml::from_str::<toml::Table>(&format!("v = {raw}")) {
        Ok(mut t) => t.remove("v").unwrap_or_else(|| toml::Value::String(raw.to_owned())),
        Err(_) => toml::Value::String(raw.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str, env: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("uzmat.toml");
        std::fs::write(&path, text).expect("write");
        Config::load(Some(&path), env.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    }

    #[test]
    fn defaults_are_valid() {
        let c = load("", &[]).expect("defaults");
        assert_eq!(c.jobs.bump_interval_minutes, 180);
        assert_eq!(c.jobs.bump_batch, 500);
        assert_eq!(c.jobs.view_dedupe_seconds, 300);
        assert_eq!(c.jobs.unread_cache_seconds, 30);
        // issue 9: a header timeout of at most 30 s, a 5 s grace at shutdown
        assert!(c.server.header_timeout_seconds <= 30);
        assert_eq!(c.server.shutdown_grace_seconds, 5);
    }

    #[test]
    fn shipped_file_shows_the_defaults() {
        let shipped: Config = toml::from_str(include_str!("../uzmat.toml")).expect("uzmat.toml");
        assert_eq!(format!("{shipped:?}"), format!("{:?}", Config::default()));
    }

    #[test]
    fn telegram_channel_ids_come_quoted_or_not_and_the_token_never_prints() {
        let text =
            "[telegram]\nenabled = true\nbot_token = \"123:SECRET\"\nchannel_id = \"@uzmat_ads\"\n";
        let c = load(text, &[]).expect("quoted");
        assert_eq!(c.telegram.channel_id, "@uzmat_ads");
        assert!(!format!("{c:?}").contains("SECRET"), "the token is printed");
        let c = load(text, &[("UZMAT_TELEGRAM__CHANNEL_ID", "-1001234567890")]).expect("env");
        assert_eq!(c.telegram.channel_id, "-1001234567890");
        let err = load("[telegram]\nenabled = true\n", &[]).expect_err("no token");
        assert!(err.to_string().contains("telegram.enabled"), "{err}");
    }

    #[test]
    fn public_url_defaults_to_the_bound_address() {
        let c = load("[server]\nbind = \"192.0.2.7:9000\"\n", &[]).expect("bind only");
        assert_eq!(c.server.public_base(c.server.bind), "http://192.0.2.7:9000");
        // a bind to port 0: the port the system chose
        let listening: SocketAddr = "127.0.0.1:43210".parse().expect("addr");
        assert_eq!(ServerConfig::default().public_base(listening), "http://127.0.0.1:43210");
        let c = load("[server]\nbind = \"[::1]:8080\"\n", &[]).expect("v6");
        assert_eq!(c.server.public_base(c.server.bind), "http://[::1]:8080");
        let c = load("[server]\npublic_url = \"https://uzmat.kz/\"\n", &[]).expect("set");
        assert_eq!(c.server.public_base(c.server.bind), "https://uzmat.kz", "set: kept, no slash");
        let c = load("", &[("UZMAT_SERVER__BIND", "10.0.0.5:80")]).expect("env");
        assert_eq!(c.server.public_base(c.server.bind), "http://10.0.0.5:80");
        let err = load("[server]\npublic_url = \"uzmat.kz\"\n", &[]).expect_err("no scheme");
        assert!(err.to_string().contains("server.public_url"), "{err}");
    }

    #[test]
    fn a_loopback_public_url_behind_a_public_bind_is_warned_about() {
        let warn = |bind: &str, url: &str| {
            let server = ServerConfig {
                bind: bind.parse().expect("bind"),
                public_url: url.into(),
                ..ServerConfig::default()
            };
            server.public_url_warning()
        };
        // the old trap: bind changed, public_url left at its loopback value
        for url in [
            "http://127.0.0.1:8080",
            "http://localhost:8080/",
            "http://[::1]:8080",
            "http://127.1.2.3",
        ] {
            let w = warn("0.0.0.0:8080", url).unwrap_or_else(|| panic!("{url}: no warning"));
            assert!(w.contains("server.public_url") && w.contains("loopback"), "{w}");
            assert!(warn("192.0.2.7:8080", url).is_some(), "{url} behind a public address");
        }
        // not set, on every interface: the derived address names no host
        let w = warn("0.0.0.0:8080", "").expect("unspecified bind");
        assert!(w.contains("http://0.0.0.0:8080"), "{w}");
        assert!(warn("[::]:8080", "").is_some());
        // fine: loopback behind a reverse proxy; a real name; derived from a real address
        assert_eq!(warn("127.0.0.1:8080", ""), None);
        assert_eq!(warn("127.0.0.1:8080", "http://127.0.0.1:8080"), None);
        assert_eq!(warn("127.0.0.1:8080", "https://uzmat.kz"), None);
        assert_eq!(warn("0.0.0.0:8080", "https://uzmat.kz"), None);
        assert_eq!(warn("0.0.0.0:8080", "https://localhost.uzmat.kz"), None);
        assert_eq!(warn("192.0.2.7:8080", ""), None);
    }

    #[test]
    fn unknown_key_is_named() {
        let err = load("[jobs]\nworkerz = 3\n", &[]).expect_err("unknown key");
        assert!(err.to_string().contains("workerz"), "{err}");
    }

    #[test]
    fn bad_value_is_named() {
        let err = load("[jobs]\nworkers = 0\n", &[]).expect_err("bad value");
        assert!(err.to_string().contains("jobs.workers"), "{err}");
        let err = load("[jobs]\nview_fold_seconds = 0\n", &[]).expect_err("no fold");
        assert!(err.to_string().contains("jobs.view_fold_seconds"), "{err}");
        let err = load("[jobs]\nview_linger_ms = 60000\n", &[]).expect_err("long linger");
        assert!(err.to_string().contains("jobs.view_linger_ms"), "{err}");
        let err = load("[server]\nheader_timeout_seconds = 0\n", &[]).expect_err("no timeout");
        assert!(err.to_string().contains("server.header_timeout_seconds"), "{err}");
        let err = load("[server]\nmax_connections = 0\n", &[]).expect_err("no connections");
        assert!(err.to_string().contains("server.max_connections"), "{err}");
        let err = load("[jobs]\nmode = \"sometimes\"\n", &[]).expect_err("bad enum");
        assert!(err.to_string().contains("sometimes"), "{err}");
    }

    #[test]
    fn env_overrides_file() {
        let c = load(
            "[jobs]\nworkers = 3\n",
            &[("UZMAT_JOBS__WORKERS", "5"), ("UZMAT_JOBS__MODE", "inline")],
        )
        .expect("override");
        assert_eq!(c.jobs.workers, 5);
        assert_eq!(c.jobs.mode, JobsMode::Inline);
        let err = load("", &[("UZMAT_JOBS__BOGUS", "1")]).expect_err("unknown env key");
        assert!(err.to_string().contains("bogus"), "{err}");
    }
}
