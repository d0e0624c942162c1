//! Background bookkeeping: the job types, the handle handlers submit through, and the
//! pool of `std::thread` workers fed by a bounded crossbeam channel (DESIGN §2).
//!
//! Full-queue policy: a `View` goes to a bounded overflow buffer that workers drain with
//! their next batch (counted as overflowed; beyond the buffer, dropped and counted); `Bump`
//! and `UnreadCache` are idempotent sweeps, so a full queue merges them into the next run
//! (counted as coalesced). Submitting never blocks.

mod bump;
mod console;
mod kind;
mod mail;
mod photos;
mod rates;
mod scheduler;
mod telegram;
pub mod unread_cache;
mod views;
mod worker;

use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use crossbeam_channel::{Receiver, Sender, TrySendError, bounded};

pub use kind::JobKind;
pub use unread_cache::UnreadCache;
pub use views::{FOLD_INTO_ADS, FOLD_INTO_DAYS, ViewDedupe, is_bot};

use crate::config::{JobsConfig, JobsMode};
use crate::db::Db;
use crate::domain::ids::{AdId, UserId};
use crate::metrics::Metrics;

/// One unit of bookkeeping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Job {
    /// Count a view of an ad by a client, subject to dedupe.
    View(View),
    /// Fold the pending view counts into the ads and their days.
    FoldViews,
    /// Remove the views per day that left the sellers' statistics window.
    PruneViewDays,
    /// Raise active ads whose last bump is old enough.
    Bump,
    /// Recompute a user's unread-message count into the cache.
    UnreadCache {
        /// Whose count.
        user_id: UserId,
    },
    /// Extend a session's sliding lifetime.
    TouchSession {
        /// The session's id (hash).
        session_hash: String,
    },
    /// Remove expired sessions.
    SweepSessions,
    /// Send what waits in the mail outbox.
    DeliverMail,
    /// Make the card and detail sizes of an ad's new photos.
    ResizePhotos {
        /// The ad.
        ad_id: AdId,
    },
    /// Remove files under the uploads folder (photos of deleted ads, replaced avatars).
    DeleteFiles {
        /// Paths relative to the uploads folder.
        paths: Vec<String>,
    },
    /// Forget photo uploads nobody saved within a day.
    SweepUploads,
    /// Count a visitor's asking for an ad's phone number.
    PhoneReveal {
        /// The ad.
        ad_id: AdId,
    },
    /// Recompute approximate USD prices after the rates changed.
    RecomputeUsd,
    /// Fetch the rates from `currency.rates_url`, check and store them, and swap them in.
    RefreshRates,
    /// Mail those whose chat messages waited unread (then deliver).
    ChatMail,
    /// Look for stop words in an ad's or a message's text; flag it for staff on a match.
    CheckWords {
        /// "ad" or "message".
        kind: &'static str,
        /// Its id.
        id: i64,
        /// The text (ad: title and description; message: its text).
        text: String,
    },
    /// Record this minute's sample for the dashboard's charts.
    SampleMetrics {
        /// Jobs waiting (queue and overflow) when the scheduler asked.
        queue: usize,
    },
    /// Deliver the next batch of open broadcasts.
    Broadcast,
    /// Move ads onto their next promotion segment; remind of promotions and badges ending.
    Promotions,
    /// Post, edit and delete what waits in the Telegram outbox.
    Telegram,
    /// Take a scheduled backup and prune the old ones.
    Backup,
    /// Mail the saved searches whose new ads are due (instant or daily), then deliver.
    Alerts,
    /// Tell owners of matching rent ads about new rental requests; close expired requests.
    RentalRequests,
    /// A diagnostic job: does nothing, fails, or panics (used by tests of the guarantees).
    Probe(ProbeOutcome),
}

/// A view of an ad.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct View {
    /// The ad.
    pub ad_id: AdId,
    /// The client's real IP (see `trusted_proxies`).
    pub client: IpAddr,
    /// When, in unix seconds.
    pub at: i64,
}

/// What a probe job does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProbeOutcome {
    /// Succeeds.
    Ok,
    /// Returns an error.
    Fail,
    /// Panics.
    Panic,
}

impl Job {
    /// What metrics count this job as.
    pub fn kind(&self) -> JobKind {
        match self {
            Job::View(_) => JobKind::View,
            Job::FoldViews => JobKind::FoldViews,
            Job::PruneViewDays => JobKind::PruneViewDays,
            Job::Bump => JobKind::Bump,
            Job::UnreadCache { .. } => JobKind::UnreadCache,
            Job::TouchSession { .. } => JobKind::TouchSession,
            Job::SweepSessions => JobKind::SweepSessions,
            Job::DeliverMail => JobKind::DeliverMail,
            Job::ResizePhotos { .. } => JobKind::ResizePhotos,
            Job::PhoneReveal { .. } => JobKind::PhoneReveal,
            Job::DeleteFiles { .. } => JobKind::DeleteFiles,
            Job::SweepUploads => JobKind::SweepUploads,
            Job::RecomputeUsd => JobKind::RecomputeUsd,
            Job::RefreshRates => JobKind::RefreshRates,
            Job::ChatMail => JobKind::ChatMail,
            Job::CheckWords { .. } => JobKind::CheckWords,
            Job::SampleMetrics { .. } => JobKind::SampleMetrics,
            Job::Broadcast => JobKind::Broadcast,
            Job::Promotions => JobKind::Promotions,
            Job::Telegram => JobKind::Telegram,
            Job::Backup => JobKind::Backup,
            Job::Alerts => JobKind::Alerts,
            Job::RentalRequests => JobKind::RentalRequests,
            Job::Probe(_) => JobKind::Probe,
        }
    }
}

enum Msg {
    Job(Job),
    Stop,
}

/// What the workers share.
pub(crate) struct Shared {
    db: Db,
    cfg: JobsConfig,
    settings: Settings,
    metrics: Arc<Metrics>,
    dedupe: ViewDedupe,
    unread: Arc<UnreadCache>,
    overflow: Mutex<Vec<View>>,
    /// A bump is queued or running: further requests are merged into it.
    bump_pending: AtomicBool,
    /// Disconnected when shutdown begins: a worker lingering over views waits on it, so the
    /// drain never waits out a linger.
    closing: Receiver<()>,
    closing_tx: Mutex<Option<Sender<()>>>,
    /// The totals at the last minute's sample (the next one records the difference).
    last_sample: Mutex<Option<crate::metrics::Totals>>,
    /// The queue, for work a job hands on (see [`Shared::follow_up`]).
    queue: Sender<Msg>,
}

impl Shared {
    /// Queues work a running job hands on (counted as submitted, like any). A full queue
    /// coalesces it, as [`Jobs::enqueue`] would; inline mode runs it here and now.
    fn follow_up(&self, job: Job) {
        let kind = job.kind();
        let stats = self.metrics.job(kind);
        stats.submitted.fetch_add(1, Ordering::Relaxed);
        if self.cfg.mode == JobsMode::Inline {
            worker::run_batch(self, vec![job]);
            return;
        }
        if self.queue.try_send(Msg::Job(job)).is_err() {
            stats.coalesced.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(kind = kind.label(), "follow-up job not queued: the queue is full");
        }
    }
}

/// What jobs need beyond `[jobs]`.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Session lifetime in days.
    pub session_days: u32,
    /// Outgoing mail settings.
    pub mail: crate::config::MailConfig,
    /// Where `.eml` files go when no SMTP relay is set.
    pub mail_dir: std::path::PathBuf,
    /// The uploads folder (photos, avatars).
    pub uploads_dir: std::path::PathBuf,
    /// The currency rates in use (the refresh job swaps them).
    pub rates: Arc<crate::domain::rates::Live>,
    /// `[currency]`: the feed, how often, its timeout.
    pub currency: crate::config::CurrencyConfig,
    /// The site's address, for links in mail.
    pub public_url: String,
    /// The stop-word list (flags ads and messages for staff).
    pub stop_words: Arc<crate::domain::stopwords::StopWords>,
    /// The chat keys (broadcasts are sealed into support threads).
    pub chat_keys: Arc<crate::domain::chats::seal::Keyring>,
    /// The Telegram channel.
    pub telegram: crate::config::TelegramConfig,
    /// The database file (backups copy it).
    pub database_path: std::path::PathBuf,
    /// The data folder (backups carry its keys).
    pub data_dir: std::path::PathBuf,
    /// Scheduled backups: where, how often, how many.
    pub backup: crate::config::BackupConfig,
    /// Where scheduled backups go.
    pub backup_dir: std::path::PathBuf,
    /// A read-only replica: jobs (they all write) are paused and counted, never run.
    pub read_only: bool,
    /// The site key (signs the unsubscribe links of search alerts).
    pub key: Arc<[u8; 32]>,
}

/// The handle handlers and the scheduler submit through. Cheap to clone.
#[derive(Clone)]
pub struct Jobs {
    tx: Sender<Msg>,
    /// The queue's far end, for what is left in it after the workers have stopped.
    leftovers: Receiver<Msg>,
    shared: Arc<Shared>,
    last_nudge: Arc<AtomicI64>,
    threads: Arc<Mutex<Vec<JoinHandle<()>>>>,
    scheduler_stop: Sender<()>,
    closed: Arc<AtomicBool>,
}

impl Jobs {
    /// Starts the workers (background mode) and the scheduler thread.
    pub fn start(
        db: Db,
        cfg: JobsConfig,
        settings: Settings,
        metrics: Arc<Metrics>,
        unread: Arc<UnreadCache>,
    ) -> std::io::Result<Self> {
        let (tx, rx) = bounded::<Msg>(cfg.queue_capacity);
        let (closing_tx, closing) = bounded::<()>(0);
        let shared = Arc::new(Shared {
            db,
            settings,
            dedupe: ViewDedupe::new(cfg.view_dedupe_seconds),
            cfg,
            metrics,
            unread,
            overflow: Mutex::new(Vec::new()),
            bump_pending: AtomicBool::new(false),
            closing,
            closing_tx: Mutex::new(Some(closing_tx)),
            last_sample: Mutex::new(None),
            queue: tx.clone(),
        });
        let mut threads = Vec::new();
        // Inline mode still needs no workers for views, but shares the scheduler.
        let workers = if shared.cfg.mode == JobsMode::Background { shared.cfg.workers } else { 0 };
        for i in 0..workers {
            let rx: Receiver<Msg> = rx.clone();
            let shared = shared.clone();
            threads.push(
                std::thread::Builder::new()
                    .name(format!("uzmat-job-{i}"))
                    .spawn(move || worker::run(&shared, &rx))?,
            );
        }
        let (stop_tx, stop_rx) = bounded::<()>(1);
        let jobs = Self {
            tx,
            leftovers: rx,
            shared,
            last_nudge: Arc::new(AtomicI64::new(0)),
            threads: Arc::new(Mutex::new(Vec::new())),
            scheduler_stop: stop_tx,
            closed: Arc::new(AtomicBool::new(false)),
        };
        let sched = jobs.clone();
        threads.push(
            std::thread::Builder::new()
                .name("uzmat-scheduler".into())
                .spawn(move || scheduler::run(&sched, &stop_rx))?,
        );
        if let Ok(mut t) = jobs.threads.lock() {
            *t = threads;
        }
        Ok(jobs)
    }

    /// Submits a job. Background mode: queued without ever blocking. Inline mode: run now on
    /// the blocking pool, and awaited. Either way the caller never sees the job's failure.
    pub async fn submit(&self, job: Job) {
        if let Some(job) = self.try_enqueue(job) {
            // inline mode, shutdown, or work that must not be lost with the queue full: it runs
            // on the blocking pool, never on the async threads
            let shared = self.shared.clone();
            let _ =
                tokio::task::spawn_blocking(move || worker::run_batch(&shared, vec![job])).await;
        }
    }

    /// Queues a job without blocking (background mode), applying the full-queue policy. Jobs
    /// that cannot be queued run on the calling thread: call this from blocking code only (the
    /// scheduler, workers, `Db::run` closures); async code uses [`Jobs::submit`].
    pub fn enqueue(&self, job: Job) {
        if let Some(job) = self.try_enqueue(job) {
            worker::run_batch(&self.shared, vec![job]);
        }
    }

    /// Counts and queues a job; returns it when the caller must run it instead.
    fn try_enqueue(&self, job: Job) -> Option<Job> {
        if self.shared.settings.read_only {
            // a replica writes nothing: the primary does this work
            self.shared.metrics.jobs_paused.fetch_add(1, Ordering::Relaxed);
            return None;
        }
        let stats = self.shared.metrics.job(job.kind());
        stats.submitted.fetch_add(1, Ordering::Relaxed);
        if self.closed.load(Ordering::Acquire) || self.shared.cfg.mode == JobsMode::Inline {
            // inline mode has no workers, and after shutdown began none may be left
            return Some(job);
        }
        if matches!(job, Job::Bump) && self.shared.bump_pending.swap(true, Ordering::AcqRel) {
            stats.coalesced.fetch_add(1, Ordering::Relaxed);
            return None;
        }
        match self.tx.try_send(Msg::Job(job)) {
            Ok(()) => None,
            Err(TrySendError::Full(Msg::Job(job)) | TrySendError::Disconnected(Msg::Job(job))) => {
                self.on_full(job)
            }
            Err(_) => None,
        }
    }

    /// The full-queue policy; returns a job the caller must run itself.
    fn on_full(&self, job: Job) -> Option<Job> {
        let stats = self.shared.metrics.job(job.kind());
        match job {
            Job::View(view) => {
                let mut overflow = self.shared.overflow.lock().unwrap_or_else(|p| p.into_inner());
                if overflow.len() < self.shared.cfg.overflow_capacity {
                    overflow.push(view);
                    stats.overflowed.fetch_add(1, Ordering::Relaxed);
                } else {
                    stats.dropped.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(ad_id = %view.ad_id, "view dropped: queue and overflow full");
                }
                None
            }
            // the scheduler's next fold takes everything pending
            Job::FoldViews => {
                stats.coalesced.fetch_add(1, Ordering::Relaxed);
                None
            }
            Job::Bump => {
                // the scheduler's next tick does the same work
                self.shared.bump_pending.store(false, Ordering::Release);
                stats.coalesced.fetch_add(1, Ordering::Relaxed);
                None
            }
            Job::UnreadCache { user_id } => {
                // the stale entry is refreshed on the user's next page
                self.shared.unread.invalidate(user_id);
                stats.coalesced.fetch_add(1, Ordering::Relaxed);
                None
            }
            // the next page touches again; the scheduler sweeps and delivers on its next tick
            Job::TouchSession { .. }
            | Job::SweepSessions
            | Job::PruneViewDays
            | Job::DeliverMail
            | Job::ChatMail
            | Job::SampleMetrics { .. }
            | Job::Broadcast
            | Job::Promotions
            | Job::Telegram
            | Job::Backup
            | Job::Alerts
            | Job::RentalRequests
            | Job::SweepUploads
            | Job::RefreshRates
            | Job::RecomputeUsd => {
                stats.coalesced.fetch_add(1, Ordering::Relaxed);
                None
            }
            // work that must not be skipped is handed back to run outside the queue
            job @ (Job::ResizePhotos { .. } | Job::DeleteFiles { .. }) => {
                stats.overflowed.fetch_add(1, Ordering::Relaxed);
                Some(job)
            }
            // a statistic: lost when the queue and its overflow are full, and counted as such
            Job::PhoneReveal { .. } | Job::CheckWords { .. } | Job::Probe(_) => {
                stats.dropped.fetch_add(1, Ordering::Relaxed);
                None
            }
        }
    }

    /// Called by home-page visits: whether this visit should start a bump run (at most once
    /// per `bump_nudge_seconds`). The caller then submits `Job::Bump`.
    pub fn take_bump_nudge(&self) -> bool {
        let now = crate::db::now();
        let last = self.last_nudge.load(Ordering::Relaxed);
        now - last >= self.shared.cfg.bump_nudge_seconds as i64
            && self
                .last_nudge
                .compare_exchange(last, now, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
    }

    /// Jobs waiting in the channel and in the overflow buffer.
    pub fn depth(&self) -> (usize, usize) {
        let overflow = self.shared.overflow.lock().map(|o| o.len()).unwrap_or(0);
        (self.tx.len(), overflow)
    }

    /// Whether every submitted job has finished (queue and overflow empty, all accounted for).
    pub fn is_idle(&self) -> bool {
        let (queue, overflow) = self.depth();
        queue == 0
            && overflow == 0
            && JobKind::ALL.into_iter().all(|k| {
                let s = self.shared.metrics.job(k);
                let load = |c: &std::sync::atomic::AtomicU64| c.load(Ordering::Acquire);
                load(&s.submitted)
                    == load(&s.completed) + load(&s.failed) + load(&s.coalesced) + load(&s.dropped)
            })
    }

    /// Stops the scheduler, lets the workers drain every queued job, and joins them.
    /// Safe to call more than once.
    pub fn shutdown(&self) {
        if self.closed.swap(true, Ordering::AcqRel) {
            return;
        }
        let _ = self.scheduler_stop.send(());
        // ends every linger at once
        drop(self.shared.closing_tx.lock().unwrap_or_else(|p| p.into_inner()).take());
        let workers =
            if self.shared.cfg.mode == JobsMode::Background { self.shared.cfg.workers } else { 0 };
        for _ in 0..workers {
            // FIFO: every job queued before this is taken before the stop
            let _ = self.tx.send(Msg::Stop);
        }
        let threads = std::mem::take(&mut *self.threads.lock().unwrap_or_else(|p| p.into_inner()));
        for t in threads {
            let name = t.thread().name().unwrap_or("?").to_owned();
            if t.join().is_err() {
                tracing::error!(thread = %name, "job thread panicked outside a job");
            }
        }
        // jobs queued behind the stops (a submit that saw the pool open just as shutdown
        // began) and views that overflowed after the last batch
        let mut rest: Vec<Job> = self
            .leftovers
            .try_iter()
            .filter_map(|m| match m {
                Msg::Job(j) => Some(j),
                Msg::Stop => None,
            })
            .collect();
        let overflow =
            std::mem::take(&mut *self.shared.overflow.lock().unwrap_or_else(|p| p.into_inner()));
        rest.extend(overflow.into_iter().map(Job::View));
        if !rest.is_empty() {
            worker::run_batch(&self.shared, rest);
        }
        // the views counted so far reach the ads before exit
        self.shared.metrics.job(JobKind::FoldViews).submitted.fetch_add(1, Ordering::Relaxed);
        worker::run_batch(&self.shared, vec![Job::FoldViews]);
        tracing::info!("job pool drained and stopped");
    }
}
