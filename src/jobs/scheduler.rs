//! The scheduler thread: derives periodic work from the clock and submits it as jobs.

use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError};

use super::{Job, Jobs};

/// Ticks until told to stop: a bump run every `bump_check_seconds`, a view fold every
/// `view_fold_seconds`, dedupe sweeps, hourly sweeps (sessions, uploads, views per day out of
/// the statistics window), an hourly `PRAGMA optimize`, and a rates fetch when the stored
/// ones are older than `currency.refresh_hours` (a failed fetch is tried again an hour later).
pub(super) fn run(jobs: &Jobs, stop: &Receiver<()>) {
    let bump_every = Duration::from_secs(jobs.shared.cfg.bump_check_seconds);
    let fold_every = Duration::from_secs(jobs.shared.cfg.view_fold_seconds);
    let mut last_bump = Instant::now();
    let mut last_fold = Instant::now();
    // the dashboard's charts: a sample a minute
    let sample_every = Duration::from_secs(60);
    let mut last_sample = Instant::now();
    // scheduled backups (0: off); the first one an interval after the start
    let backup_every =
        Duration::from_secs(jobs.shared.settings.backup.every_hours.saturating_mul(3600));
    let mut last_backup = Instant::now();
    let mut last_optimize = Instant::now();
    let mut last_sweep = Instant::now();
    let mut last_rates: Option<Instant> = None;
    // first runs right away: a server that was down for hours catches up at once
    jobs.enqueue(Job::Bump);
    jobs.enqueue(Job::SweepSessions);
    jobs.enqueue(Job::PruneViewDays);
    jobs.enqueue(Job::DeliverMail);
    // channel posts that waited while the server was down go out now
    jobs.enqueue(Job::Telegram);
    // queued before the recompute, whose submission `tests/support` takes as the sign that
    // every first run is queued
    refresh_rates_if_due(jobs, &mut last_rates);
    jobs.enqueue(Job::RecomputeUsd);
    // promotions that ended while the server was down end now; a broadcast cut short goes on
    jobs.enqueue(Job::Promotions);
    jobs.enqueue(Job::Broadcast);
    // alerts and request notices that fell due while the server was down go out now
    jobs.enqueue(Job::Alerts);
    jobs.enqueue(Job::RentalRequests);
    requeue_missing_photo_sizes(jobs);
    loop {
        let next =
            (last_bump + bump_every).min(last_fold + fold_every).min(last_sample + sample_every);
        match stop.recv_deadline(next) {
            Err(RecvTimeoutError::Timeout) => {}
            _ => return,
        }
        refresh_rates_if_due(jobs, &mut last_rates);
        if !backup_every.is_zero() && last_backup.elapsed() >= backup_every {
            last_backup = Instant::now();
            jobs.enqueue(Job::Backup);
        }
        if last_sample.elapsed() >= sample_every {
            last_sample = Instant::now();
            let (queue, overflow) = jobs.depth();
            jobs.enqueue(Job::SampleMetrics { queue: queue + overflow });
        }
        if last_fold.elapsed() >= fold_every {
            last_fold = Instant::now();
            jobs.enqueue(Job::FoldViews);
        }
        if last_bump.elapsed() < bump_every {
            continue;
        }
        last_bump = Instant::now();
        jobs.enqueue(Job::Bump);
        // mail that failed to go out is retried
        jobs.enqueue(Job::DeliverMail);
        // new channel posts, and failed ones whose backoff ran out
        jobs.enqueue(Job::Telegram);
        jobs.enqueue(Job::ChatMail);
        jobs.enqueue(Job::Promotions);
        jobs.enqueue(Job::Broadcast);
        // each search decides for itself whether its interval (15 minutes, a day) has passed
        jobs.enqueue(Job::Alerts);
        jobs.enqueue(Job::RentalRequests);
        jobs.shared.dedupe.sweep(crate::db::now());
        if last_sweep.elapsed() > Duration::from_secs(3600) {
            last_sweep = Instant::now();
            jobs.enqueue(Job::SweepSessions);
            jobs.enqueue(Job::SweepUploads);
            jobs.enqueue(Job::PruneViewDays);
            requeue_missing_photo_sizes(jobs);
        }
        if last_optimize.elapsed() > Duration::from_secs(3600) {
            last_optimize = Instant::now();
            if let Ok(conn) = jobs.shared.db.get()
                && let Err(e) = conn.execute_batch("PRAGMA optimize")
            {
                tracing::warn!(error = %e, "PRAGMA optimize failed");
            }
        }
    }
}

/// Queues `RefreshRates` when the stored rates are due for a fetch and none was tried within
/// the hour (the scheduler wakes at least once a minute, so this asks the database that often).
fn refresh_rates_if_due(jobs: &Jobs, last: &mut Option<Instant>) {
    if last.is_some_and(|at| at.elapsed() < RATES_RETRY) {
        return;
    }
    let due = jobs.shared.db.get().map_err(|e| e.to_string()).and_then(|conn| {
        super::rates::due(&conn, &jobs.shared, crate::db::now()).map_err(|e| e.to_string())
    });
    match due {
        Ok(true) => {
            *last = Some(Instant::now());
            jobs.enqueue(Job::RefreshRates);
        }
        Ok(false) => {}
        Err(e) => tracing::warn!(error = %e, "could not tell whether the rates are due"),
    }
}

/// How long after a fetch the next may be tried, however it went.
const RATES_RETRY: Duration = Duration::from_secs(3600);

/// Queues the resize of every ad whose photos lack their sizes: the job queued when they were
/// saved is lost if the process dies before it runs.
fn requeue_missing_photo_sizes(jobs: &Jobs) {
    let found = jobs.shared.db.get().map_err(|e| e.to_string()).and_then(|conn| {
        crate::domain::ads::photos::ads_missing_photo_sizes(&conn, 10_000)
            .map_err(|e| e.to_string())
    });
    match found {
        Ok(ads) => {
            if !ads.is_empty() {
                tracing::info!(ads = ads.len(), "photos without their sizes: resizing again");
            }
            for ad_id in ads {
                jobs.enqueue(Job::ResizePhotos { ad_id });
            }
        }
        Err(e) => tracing::warn!(error = %e, "could not look for photos without their sizes"),
    }
}
