//! The `uzmat` command: serve the marketplace, migrate, seed demo data, check the store.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use uzmat::{App, Config, db, seed};

#[derive(Parser)]
#[command(name = "uzmat", version, about = "A marketplace for heavy machinery in one binary")]
struct Cli {
    /// Config file (default: ./uzmat.toml when present, else built-in defaults).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the site (the default).
    Serve {
        /// Fill an empty database with demo data first.
        #[arg(long)]
        demo: bool,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Generate deterministic demo or benchmark data.
    Seed {
        /// Users to create (0: one per 20 ads).
        #[arg(long, default_value_t = 0)]
        users: u32,
        /// Ads to create.
        #[arg(long, default_value_t = 1000)]
        ads: u32,
        /// Random seed: the same seed gives the same data.
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Validate the configuration, run `PRAGMA integrity_check` and compare the stored
    /// per-seller ad counts with the ads.
    Check,
    /// An online, consistent copy of the database (while the server serves and writes),
    /// checked with `integrity_check`, with the keys beside it in FILE.files/.
    Backup {
        /// Where the copy goes (never overwritten).
        file: PathBuf,
        /// Copy the uploads (photos, avatars, chat images) too.
        #[arg(long)]
        with_uploads: bool,
    },
    /// Restores a backup into an empty data folder (refuses to overwrite a database).
    Restore {
        /// The backup file.
        file: PathBuf,
    },
    /// Administration.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Make a staff account (created if needed) and print a one-time link to set its password.
    CreateStaff {
        /// The staff member's e-mail.
        #[arg(long)]
        email: String,
    },
    /// Add a new chat key to the data folder's key file: new messages are sealed with it from
    /// the next start on, older ones still open with the keys before it.
    RotateChatKey,
    /// Grant (or extend) the verification badge by hand, without a payment.
    GrantBadge {
        /// The user's e-mail.
        #[arg(long)]
        email: String,
        /// Days to add (from the current end if the badge is valid).
        #[arg(long, default_value_t = 180)]
        days: u32,
    },
    /// Grant a promotion plan to an ad by hand, without a payment (the plan rules apply:
    /// the same plan extends, a higher one starts now, a lower one waits).
    GrantPlan {
        /// The ad's id.
        #[arg(long)]
        ad: i64,
        /// gold, premium or vip.
        #[arg(long)]
        plan: String,
        /// Days (the plan's own length by default).
        #[arg(long)]
        days: Option<u32>,
    },
}

// mimalloc: the request path allocates a few hundred small strings per page, and glibc's
// malloc/free/consolidate was a tenth of the CPU under load
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

// The allocator's setting must be in place before its first arena is made, and the Rust
// runtime allocates before `main`: so it runs as a constructor (`.init_array`, run by the
// loader before the runtime starts).
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static COMMIT_ON_DEMAND: extern "C" fn() = {
    extern "C" fn commit_on_demand() {
        uzmat::alloc::commit_on_demand();
    }
    commit_on_demand
};

fn main() -> ExitCode {
    // first, before any SQLite call (it may not change allocators once running)
    let sqlite_on_mimalloc = uzmat::alloc::sqlite_uses_mimalloc();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("UZMAT_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    if sqlite_on_mimalloc {
        tracing::debug!("SQLite allocates from mimalloc");
    } else {
        tracing::warn!("SQLite keeps its own allocator");
    }
    let cli = Cli::parse();
    let config = match Config::load(cli.config.as_deref(), std::env::vars()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("uzmat: {e}");
            return ExitCode::from(2);
        }
    };
    let result = match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::Serve { demo } => serve(config, demo),
        Command::Migrate => open(&config).map(|_| tracing::info!("database is up to date")),
        Command::Seed { users, ads, seed } => run_seed(&config, users, ads, seed, true).map(|_| ()),
        Command::Check => check(&config),
        Command::Backup { file, with_uploads } => backup(&config, &file, with_uploads),
        Command::Restore { file } => restore(&config, &file),
        Command::Admin { command: AdminCommand::CreateStaff { email } } => {
            create_staff(&config, &email)
        }
        Command::Admin { command: AdminCommand::RotateChatKey } => rotate_chat_key(&config),
        Command::Admin { command: AdminCommand::GrantBadge { email, days } } => {
            grant_badge(&config, &email, days)
        }
        Command::Admin { command: AdminCommand::GrantPlan { ad, plan, days } } => {
            grant_plan(&config, ad, &plan, days)
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // the whole chain: "opening the database data/uzmat.db: unable to open ..."
            eprintln!("uzmat: {e:#}");
            ExitCode::FAILURE
        }
    }
}

use anyhow::{Context, Result, anyhow, bail};

fn open(config: &Config) -> Result<db::Db> {
    let path = config.database_path();
    db::Db::open(&path, &config.database)
        .with_context(|| format!("opening the database {}", path.display()))
}

fn run_seed(
    config: &Config,
    users: u32,
    ads: u32,
    seed_value: u64,
    progress: bool,
) -> Result<seed::SeedReport> {
    // migrated through the pool, then seeded on a connection of its own: with no other
    // connection open, the bulk transaction can leave WAL mode (see `seed::seed`)
    drop(open(config)?);
    let path = config.database_path();
    let mut conn = rusqlite::Connection::open(&path)
        .with_context(|| format!("opening the database {}", path.display()))?;
    db::apply_pragmas(&conn, config.database.busy_timeout_ms, config.database.synchronous)?;
    let uploads = config.server.data_dir.join("uploads");
    let report = seed::seed(
        &mut conn,
        &uploads,
        &config.currency,
        &seed::SeedOptions { users, ads, seed: seed_value, progress },
    )
    .context("seeding demo data")?;
    tracing::info!(?report, "seeded");
    Ok(report)
}

fn check(config: &Config) -> Result<()> {
    // valid, and yet every link in a mail would be dead: said before the database is opened
    if let Some(warning) = config.server.public_url_warning() {
        println!("warning: {warning}");
    }
    let db = open(config)?;
    let conn = db.get()?;
    let result: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .context("running PRAGMA integrity_check")?;
    if result != "ok" {
        bail!("integrity_check: {result}");
    }
    // the stored counts the triggers keep (a REPLACE, which deletes without firing them, or a
    // hand edit of users.active_ads would skew them)
    let skewed: i64 = conn.query_row(
        "SELECT count(*) FROM users WHERE active_ads != \
         (SELECT count(*) FROM ads WHERE owner_id = users.id AND is_active = 1)",
        [],
        |r| r.get(0),
    )?;
    if skewed > 0 {
        bail!("users.active_ads: the stored ad counts of {skewed} sellers differ from their ads");
    }
    // the listing's narrow copy of each ad's keys (migration 24), kept by triggers too
    let stale: i64 = conn.query_row(
        "SELECT count(*) FROM ads a LEFT JOIN ad_sort_keys k ON k.id = a.id \
         WHERE k.id IS NULL OR k.is_active IS NOT a.is_active OR k.kind IS NOT a.kind \
         OR k.price_day_usd_cents IS NOT a.price_day_usd_cents \
         OR k.price_day_asc IS NOT a.price_day_asc OR k.bumped_at IS NOT a.bumped_at \
         OR k.views_count IS NOT a.views_count",
        [],
        |r| r.get(0),
    )?;
    if stale > 0 {
        bail!("ad_sort_keys: the listing keys of {stale} ads differ from their ads");
    }
    // what an operator watches: the WAL's size (a checkpoint that cannot keep up), pages free
    // for reuse (VACUUM would give them back), and how old the last scheduled backup is
    let wal = std::fs::metadata(format!("{}-wal", config.database_path().display()))
        .map(|m| m.len())
        .unwrap_or(0);
    let free: i64 = conn.query_row("PRAGMA freelist_count", [], |r| r.get(0))?;
    let page: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
    let backup = match db::backup::last_age(&config.backup_dir()) {
        Some(age) => format!("{} h ago", age.as_secs() / 3600),
        None => "none yet".into(),
    };
    println!(
        "wal: {wal} bytes; free pages: {free} ({} bytes); last scheduled backup: {backup}",
        free * page
    );
    tracing::info!(path = %config.database_path().display(), "configuration valid, database intact");
    Ok(())
}

fn create_staff(config: &Config, email: &str) -> Result<()> {
    use uzmat::domain::{accounts, tokens};
    let email = accounts::Email::parse(email).ok_or_else(|| anyhow!("not an e-mail address"))?;
    let db = open(config)?;
    let mut conn = db.get()?;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let now = db::now();
    let id = accounts::repo::create_or_promote_staff(&tx, &email, now)?;
    let token = tokens::issue(&tx, id, tokens::Purpose::ResetPassword, now, 86_400)?;
    tx.commit()?;
    let base = config.server.public_base(config.server.bind);
    // the CLI's answer goes to stdout, for the operator to copy
    println!(
        "{} is staff. Set the password within 24 hours at:\n{base}/password/reset/{token}",
        email.as_str()
    );
    Ok(())
}

fn backup(config: &Config, file: &std::path::Path, with_uploads: bool) -> Result<()> {
    // the migrations run first: a backup is always of a current database
    drop(open(config)?);
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let report = db::backup::backup(
        &config.database_path(),
        &config.server.data_dir,
        file,
        with_uploads,
        |done, total| {
            bar.set_length(total);
            bar.set_position(done);
        },
    )
    .with_context(|| format!("backing up into {}", file.display()))?;
    bar.finish_and_clear();
    println!(
        "{} written ({} bytes, integrity_check ok); {} files beside it in {}",
        file.display(),
        report.bytes,
        report.files,
        db::backup::files_dir(file).display()
    );
    Ok(())
}

fn restore(config: &Config, file: &std::path::Path) -> Result<()> {
    let report = db::backup::restore(file, &config.database_path(), &config.server.data_dir)
        .with_context(|| format!("restoring {}", file.display()))?;
    // the migrations bring an older backup up to date
    drop(open(config)?);
    println!(
        "restored {} ({} bytes, integrity_check ok) and {} files into {}",
        file.display(),
        report.bytes,
        report.files,
        config.server.data_dir.display()
    );
    Ok(())
}

fn grant_badge(config: &Config, email: &str, days: u32) -> Result<()> {
    if !(1..=3650).contains(&days) {
        bail!("--days must be between 1 and 3650");
    }
    let db = open(config)?;
    let mut conn = db.get()?;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let user: i64 = tx
        .query_row("SELECT id FROM users WHERE email = ?1 AND deleted_at IS NULL", [email], |r| {
            r.get(0)
        })
        .map_err(|_| anyhow!("no account with the e-mail {email}"))?;
    let until =
        uzmat::domain::badges::grant(&tx, uzmat::domain::ids::UserId(user), days, db::now())?;
    tx.commit()?;
    let until = time::OffsetDateTime::from_unix_timestamp(until)?.date();
    println!("{email} has the verified-seller badge until {until}");
    Ok(())
}

fn grant_plan(config: &Config, ad: i64, plan: &str, days: Option<u32>) -> Result<()> {
    use uzmat::domain::{ads::Plan, ids::AdId, promotions};
    let plan = Plan::parse(plan).ok_or_else(|| anyhow!("--plan must be gold, premium or vip"))?;
    let days = days.unwrap_or_else(|| promotions::days(plan, &config.plans));
    if !(1..=3650).contains(&days) {
        bail!("--days must be between 1 and 3650");
    }
    let db = open(config)?;
    let mut conn = db.get()?;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let live: bool = tx
        .query_row("SELECT deleted_at IS NULL FROM ads WHERE id = ?1", [ad], |r| r.get(0))
        .map_err(|_| anyhow!("no ad {ad}"))?;
    if !live {
        bail!("ad {ad} is deleted");
    }
    let now = db::now();
    promotions::grant(&tx, AdId(ad), plan, days, now)?;
    let timeline = promotions::timeline(&tx, AdId(ad), now)?;
    tx.commit()?;
    for s in timeline {
        let date = |t: i64| {
            time::OffsetDateTime::from_unix_timestamp(t)
                .map(|d| d.date().to_string())
                .unwrap_or_default()
        };
        println!(
            "ad {ad}: {} from {} until {}",
            s.plan.label(),
            date(s.starts_at.max(now)),
            date(s.ends_at)
        );
    }
    Ok(())
}

fn rotate_chat_key(config: &Config) -> Result<()> {
    let path = config.server.data_dir.join("chat-keys.txt");
    let id = uzmat::domain::chats::seal::Keyring::rotate(&path)
        .with_context(|| format!("adding a key to {}", path.display()))?;
    println!(
        "chat key {id} added to {}: restart the server to seal new messages with it (keep every key: \
         older messages need theirs)",
        path.display()
    );
    Ok(())
}

fn serve(config: Config, demo: bool) -> Result<()> {
    if demo {
        let db = open(&config)?;
        let empty: bool =
            db.get()?.query_row("SELECT NOT EXISTS (SELECT 1 FROM ads)", [], |r| r.get(0))?;
        if empty {
            run_seed(&config, 40, 600, 42, false)?;
        }
    }
    // blocking threads (the database's request threads are its own, `db::lanes`): the password
    // hashes, a few for decodes and files, and one per pooled connection for jobs run inline
    // (a full queue's); each thread keeps its own allocator pages, so an uncapped pool
    // (tokio's default: 512) grew to 70 threads and 200 MB under a soak
    let blocking = config.database.pool_size as usize + config.auth.hash_concurrency + 4;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(blocking)
        .build()
        .context("starting the async runtime")?;
    let result = runtime.block_on(async {
        let app = App::build(config).await?;
        tracing::info!(addr = %app.addr(), "Uzmat is listening: open http://{}", app.addr());
        app.run(uzmat::shutdown_signal()).await.context("serving")?;
        tracing::info!("stopped cleanly");
        Ok(())
    });
    // the jobs are drained by now; a blocking call an aborted request left behind (a decode)
    // must not hold the exit (a query on a request thread ends with the process: SQLite rolls
    // back what it had not committed)
    runtime.shutdown_timeout(std::time::Duration::from_secs(2));
    result
}
