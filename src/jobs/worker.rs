//! The worker loop: take a batch of jobs, run them in one transaction with a savepoint per
//! unit of work, and count every outcome.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError};
use rusqlite::Connection;

use super::{
    Job, JobKind, Msg, ProbeOutcome, Shared, View, bump, mail, photos, rates, telegram,
    unread_cache as unread, views,
};
use crate::db::{DbError, is_busy};
use crate::domain::ids::AdId;

/// How often a lingering worker looks at the queue.
const LINGER_CHECK: Duration = Duration::from_millis(25);

/// A worker thread's life: batches until a stop message, then one last overflow drain.
pub(super) fn run(shared: &Shared, rx: &Receiver<Msg>) {
    shared.metrics.workers.fetch_add(1, Ordering::AcqRel);
    while let Ok(first) = rx.recv() {
        let mut batch = Vec::with_capacity(shared.cfg.batch_size);
        let mut stop = false;
        match first {
            Msg::Job(j) => {
                if matches!(j, Job::View(_))
                    && shared.cfg.view_linger_ms > 0
                    && rx.len() < shared.cfg.batch_size
                {
                    // group commit: while this thread waits, submitting does not wake it, and
                    // the views of the next moment share one transaction. The wait ends early
                    // once a full batch is waiting (the queue must not fill up meanwhile) and
                    // at shutdown.
                    let deadline =
                        Instant::now() + Duration::from_millis(shared.cfg.view_linger_ms);
                    loop {
                        let left = deadline.saturating_duration_since(Instant::now());
                        if left.is_zero() || rx.len() >= shared.cfg.batch_size {
                            break;
                        }
                        match shared.closing.recv_timeout(left.min(LINGER_CHECK)) {
                            Err(RecvTimeoutError::Timeout) => {}
                            _ => break,
                        }
                    }
                }
                batch.push(j);
            }
            Msg::Stop => stop = true,
        }
        while !stop && batch.len() < shared.cfg.batch_size {
            match rx.try_recv() {
                Ok(Msg::Job(j)) => batch.push(j),
                Ok(Msg::Stop) => stop = true,
                Err(_) => break,
            }
        }
        let overflow =
            std::mem::take(&mut *shared.overflow.lock().unwrap_or_else(|p| p.into_inner()));
        batch.extend(overflow.into_iter().map(Job::View));
        if !batch.is_empty() {
            run_batch(shared, batch);
        }
        if stop {
            break;
        }
    }
    shared.metrics.workers.fetch_sub(1, Ordering::AcqRel);
}

/// Runs a batch of jobs: views coalesced into one transaction, every other job on its own.
/// Nothing escapes: errors and panics are logged and counted.
pub(super) fn run_batch(shared: &Shared, batch: Vec<Job>) {
    let started = Instant::now();
    let mut conn = match shared.db.get() {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, jobs = batch.len(), "no database connection for job batch");
            for job in &batch {
                shared.metrics.job(job.kind()).failed.fetch_add(1, Ordering::Relaxed);
                if matches!(job, Job::Bump) {
                    shared.bump_pending.store(false, Ordering::Release);
                }
            }
            return;
        }
    };
    let (views, others): (Vec<Job>, Vec<Job>) =
        batch.into_iter().partition(|j| matches!(j, Job::View(_)));
    if !views.is_empty() {
        let views: Vec<View> = views
            .into_iter()
            .filter_map(|j| if let Job::View(v) = j { Some(v) } else { None })
            .collect();
        run_views(shared, &mut conn, &views, started);
    }
    for job in others {
        let kind = job.kind();
        let t = Instant::now();
        let outcome = with_retries(shared, kind, || {
            catch_unwind(AssertUnwindSafe(|| run_one(shared, &mut conn, &job)))
                .unwrap_or_else(|panic| Err(JobError::Panic(panic_message(&panic))))
        });
        record(shared, kind, outcome, t.elapsed(), 1);
    }
}

/// Why a job failed.
#[derive(Debug, thiserror::Error)]
pub(super) enum JobError {
    #[error(transparent)]
    Db(#[from] rusqlite::Error),
    #[error(transparent)]
    Store(#[from] DbError),
    #[error("probe failure")]
    Probe,
    #[error("mail: {0}")]
    Mail(String),
    #[error("files: {0}")]
    Files(String),
    #[error("telegram: {0}")]
    Telegram(String),
    #[error("backup: {0}")]
    Backup(String),
    #[error("rates: {0}")]
    Rates(String),
    #[error("panicked: {0}")]
    Panic(String),
}

impl JobError {
    fn is_busy(&self) -> bool {
        match self {
            JobError::Db(e) => is_busy(e),
            JobError::Store(DbError::Sqlite(e)) => is_busy(e),
            _ => false,
        }
    }
}

fn run_one(shared: &Shared, conn: &mut Connection, job: &Job) -> Result<(), JobError> {
    match job {
        Job::View(_) => Ok(()),
        Job::FoldViews => {
            let started = Instant::now();
            let folded = views::fold(conn)?;
            if folded > 0 {
                let ms = started.elapsed().as_secs_f64() * 1000.0;
                tracing::info!(ads = folded, ms = format!("{ms:.0}"), "view counts folded");
            }
            Ok(())
        }
        Job::PruneViewDays => {
            let removed = crate::domain::stats::prune(conn, crate::db::now())?;
            if removed > 0 {
                tracing::info!(rows = removed, "views per day out of the window pruned");
            }
            Ok(())
        }
        Job::Bump => {
            // whatever happens (error, panic), the next bump request must be able to run
            let _pending = ClearOnDrop(&shared.bump_pending);
            let raised = bump::run(conn, shared.cfg.bump_interval_minutes, shared.cfg.bump_batch)?;
            if raised > 0 {
                tracing::info!(raised, "bumped ads");
            }
            Ok(())
        }
        Job::UnreadCache { user_id } => {
            let n = unread::count(conn, *user_id)?;
            shared.unread.set(*user_id, n);
            Ok(())
        }
        Job::TouchSession { session_hash } => {
            crate::domain::sessions::touch(
                conn,
                session_hash,
                crate::db::now(),
                shared.settings.session_days,
            )?;
            Ok(())
        }
        Job::SweepSessions => {
            let n = crate::domain::sessions::sweep(conn, crate::db::now())?;
            if n > 0 {
                tracing::info!(removed = n, "expired sessions swept");
            }
            Ok(())
        }
        Job::DeliverMail => mail::deliver_pending(conn, &shared.settings),
        Job::ResizePhotos { ad_id } => photos::resize(conn, &shared.settings, *ad_id),
        Job::DeleteFiles { paths } => photos::delete_files(&shared.settings, paths),
        Job::SweepUploads => {
            let paths = crate::domain::ads::photos::sweep_uploads(conn, crate::db::now())?;
            photos::delete_files(&shared.settings, &paths)
        }
        Job::RecomputeUsd => photos::recompute_usd(conn, &shared.settings),
        Job::RefreshRates => rates::refresh(conn, shared),
        Job::CheckWords { kind, id, text } => {
            super::console::check_words(conn, shared, kind, *id, text)
        }
        Job::SampleMetrics { queue } => super::console::sample(conn, shared, *queue),
        Job::Broadcast => super::console::broadcast(conn, shared),
        Job::Backup => {
            let st = &shared.settings;
            let dest = crate::db::backup::scheduled(
                &st.database_path,
                &st.data_dir,
                &st.backup_dir,
                st.backup.keep,
            )
            .map_err(|e| JobError::Backup(e.to_string()))?;
            tracing::info!(file = %dest.display(), "scheduled backup written and checked");
            Ok(())
        }
        Job::Promotions => {
            let (url, now) = (&shared.settings.public_url, crate::db::now());
            let (moved, mailed) = crate::domain::promotions::sweep(conn, url, now)?;
            let reminded = crate::domain::badges::remind(conn, url, now)?;
            if moved + mailed + reminded > 0 {
                tracing::info!(moved, mailed, reminded, "promotions and badges swept");
            }
            if mailed + reminded > 0 {
                mail::deliver_pending(conn, &shared.settings)?;
            }
            Ok(())
        }
        Job::ChatMail => {
            let url = &shared.settings.public_url;
            let queued =
                crate::domain::chats::actions::queue_unread_mail(conn, url, crate::db::now())?;
            if queued > 0 {
                tracing::info!(queued, "mail about unread chat messages queued");
                mail::deliver_pending(conn, &shared.settings)?;
            }
            Ok(())
        }
        Job::Telegram => telegram::deliver_due(conn, &shared.settings),
        Job::Alerts => {
            let st = &shared.settings;
            let mailer = crate::domain::alerts::sweep::Mailer {
                public_url: &st.public_url,
                key: &st.key,
                rates: &st.rates.get(),
            };
            let sent = crate::domain::alerts::sweep::run(conn, mailer, crate::db::now())?;
            shared.metrics.alerts_sent[0].fetch_add(sent.instant, Ordering::Relaxed);
            shared.metrics.alerts_sent[1].fetch_add(sent.daily, Ordering::Relaxed);
            if sent.instant + sent.daily > 0 {
                tracing::info!(instant = sent.instant, daily = sent.daily, "search alerts queued");
                mail::deliver_pending(conn, st)?;
            }
            Ok(())
        }
        Job::RentalRequests => {
            let st = &shared.settings;
            let (mailed, expired) =
                crate::domain::requests::notify::run(conn, &st.public_url, crate::db::now())?;
            if mailed + expired > 0 {
                tracing::info!(mailed, expired, "rental requests: owners told, expired closed");
            }
            if mailed > 0 {
                mail::deliver_pending(conn, st)?;
            }
            Ok(())
        }
        Job::PhoneReveal { ad_id } => {
            crate::domain::ads::write::count_phone_reveal(conn, *ad_id)?;
            Ok(())
        }
        Job::Probe(ProbeOutcome::Ok) => Ok(()),
        Job::Probe(ProbeOutcome::Fail) => Err(JobError::Probe),
        Job::Probe(ProbeOutcome::Panic) => panic!("probe job asked to panic"),
    }
}

/// Views: dedupe in memory once, then write the sums per ad and day, retrying the write if busy.
fn run_views(shared: &Shared, conn: &mut Connection, batch: &[View], started: Instant) {
    let mut per_ad: HashMap<(AdId, i64), i64> = HashMap::new();
    let mut jobs_per_ad: HashMap<AdId, u64> = HashMap::new();
    for v in batch {
        *jobs_per_ad.entry(v.ad_id).or_default() += 1;
        if shared.dedupe.admit(v) {
            *per_ad.entry((v.ad_id, crate::domain::stats::day_of(v.at))).or_default() += 1;
        }
    }
    let outcome = with_retries(shared, JobKind::View, || {
        catch_unwind(AssertUnwindSafe(|| views::apply(conn, &per_ad)))
            .unwrap_or_else(|panic| Err(JobError::Panic(panic_message(&panic))))
    });
    let elapsed = started.elapsed();
    match outcome {
        Ok(failed_ads) => {
            let failed: u64 =
                failed_ads.iter().map(|id| jobs_per_ad.get(id).copied().unwrap_or(0)).sum();
            let stats = shared.metrics.job(JobKind::View);
            stats.failed.fetch_add(failed, Ordering::Relaxed);
            stats.completed.fetch_add(batch.len() as u64 - failed, Ordering::Relaxed);
            stats.duration.observe(elapsed);
        }
        Err(e) => record(shared, JobKind::View, Err(e), elapsed, batch.len() as u64),
    }
}

fn with_retries<T>(
    shared: &Shared,
    kind: JobKind,
    mut f: impl FnMut() -> Result<T, JobError>,
) -> Result<T, JobError> {
    let mut attempt = 0;
    loop {
        match f() {
            Err(e) if e.is_busy() && attempt < shared.cfg.busy_retries => {
                attempt += 1;
                shared.metrics.job(kind).retried.fetch_add(1, Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(10 << attempt.min(6)));
            }
            other => return other,
        }
    }
}

fn record(shared: &Shared, kind: JobKind, outcome: Result<(), JobError>, d: Duration, n: u64) {
    let stats = shared.metrics.job(kind);
    stats.duration.observe(d);
    match outcome {
        Ok(()) => {
            stats.completed.fetch_add(n, Ordering::Relaxed);
        }
        Err(e) => {
            stats.failed.fetch_add(n, Ordering::Relaxed);
            tracing::error!(kind = kind.label(), error = %e, jobs = n, "job failed");
        }
    }
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned())
}

/// Clears a flag when dropped, panics included.
struct ClearOnDrop<'a>(&'a std::sync::atomic::AtomicBool);

impl Drop for ClearOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}
