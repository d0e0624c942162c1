//! Jobs behind the staff console: stop-word checks, the dashboard's minute samples and
//! broadcast batches.

use std::time::{Duration, Instant};

use rusqlite::Connection;

use super::Shared;
use super::worker::JobError;

/// Flags an ad or a message whose text holds a listed stop word.
pub(super) fn check_words(
    conn: &Connection,
    shared: &Shared,
    kind: &str,
    id: i64,
    text: &str,
) -> Result<(), JobError> {
    if let Some(word) = shared.settings.stop_words.find(text) {
        crate::domain::stopwords::flag(conn, kind, id, &word, crate::db::now())?;
        tracing::info!(kind, id, word = %word, "flagged for staff by the stop-word list");
    }
    Ok(())
}

/// Records the last minute into the dashboard's ring table (a row per minute of the day,
/// overwritten a day later): requests and their p99, jobs done and failed and their p99, the
/// queue now.
pub(super) fn sample(conn: &Connection, shared: &Shared, queue: usize) -> Result<(), JobError> {
    let now = crate::db::now();
    let totals = shared.metrics.totals();
    let mut last = shared.last_sample.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let delta = match *last {
        Some(prev) => totals.since(&prev),
        // the first minute after a start: nothing to compare with yet
        None => crate::metrics::Totals::default(),
    };
    *last = Some(totals);
    drop(last);
    conn.execute(
        "INSERT OR REPLACE INTO metric_samples (slot, at, requests, request_p99_ms, jobs_completed, jobs_failed, queue, job_p99_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        (
            (now / 60).rem_euclid(1440),
            now,
            delta.requests as i64,
            crate::metrics::quantile_ms(&delta.request_buckets, 0.99),
            delta.jobs_completed as i64,
            delta.jobs_failed as i64,
            queue as i64,
            crate::metrics::quantile_ms(&delta.job_buckets, 0.99),
        ),
    )?;
    Ok(())
}

/// Delivers broadcast batches for up to two seconds; the scheduler's next tick goes on.
pub(super) fn broadcast(conn: &mut Connection, shared: &Shared) -> Result<(), JobError> {
    let started = Instant::now();
    loop {
        let (reached, more) = crate::domain::broadcast::deliver_batch(
            conn,
            &shared.settings.chat_keys,
            crate::db::now(),
        )?;
        for user in &reached {
            shared.unread.invalidate(*user);
        }
        if !reached.is_empty() {
            tracing::info!(users = reached.len(), "broadcast batch delivered");
        }
        if !more || started.elapsed() > Duration::from_secs(2) {
            return Ok(());
        }
    }
}
