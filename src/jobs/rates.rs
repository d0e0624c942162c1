//! The `RefreshRates` job: GETs `currency.rates_url` (a blocking client with a timeout), checks
//! the document (`domain::rates::{parse_document, check_band}`), stores the four rates in one
//! transaction, swaps them into the live rates, and queues `RecomputeUsd` when one moved by
//! more than 0.5 %. A refused or failed fetch is logged and counted as a failed job; the rates
//! in use stay, and no visitor ever waits on it.

use std::time::Duration;

use rusqlite::{Connection, OptionalExtension};

use super::worker::JobError;
use super::{Job, Shared};
use crate::domain::rates;

/// The largest document read: a rates feed is a few kilobytes.
const MAX_BYTES: u64 = 256 * 1024;

/// Fetches, checks, stores and swaps; an error when the feed failed or was refused.
pub(super) fn refresh(conn: &mut Connection, shared: &Shared) -> Result<(), JobError> {
    let cfg = &shared.settings.currency;
    let url = cfg.rates_url.trim();
    if url.is_empty() {
        return Ok(());
    }
    let source = rates::source_of(url);
    let refused = |why: String| {
        tracing::warn!(source = %source, error = %why, "currency rates refused: the old ones stay");
        JobError::Rates(why)
    };
    let text = fetch(url, Duration::from_secs(cfg.timeout_seconds)).map_err(&refused)?;
    let new = rates::parse_document(&text).map_err(|e| refused(e.to_string()))?;
    let live = &shared.settings.rates;
    let old = live.get();
    rates::check_band(&old, &new).map_err(|e| refused(e.to_string()))?;
    let now = crate::db::now();
    crate::db::write_tx(conn, |tx| rates::store(tx, &new, &source, now))?;
    live.set(new);
    let moved = old.largest_move(&new);
    tracing::info!(source = %source, moved_pct = format!("{:.2}", moved * 100.0), "currency rates refreshed");
    if moved > rates::RECOMPUTE_ABOVE {
        shared.follow_up(Job::RecomputeUsd);
    }
    Ok(())
}

/// The body of a 200 answer, at most [`MAX_BYTES`]; anything else is the reason it failed
/// (the address is left out: its query may hold a key).
fn fetch(url: &str, timeout: Duration) -> Result<String, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .build()
        .into();
    let mut resp = agent.get(url).header("accept", "application/json").call().map_err(|e| {
        // ureq's message may repeat the address
        match e {
            ureq::Error::Timeout(_) => "timed out".to_owned(),
            ureq::Error::Io(io) => format!("i/o: {}", io.kind()),
            other => format!("request failed: {}", short(&other.to_string())),
        }
    })?;
    let status = resp.status().as_u16();
    if status != 200 {
        return Err(format!("answered {status}"));
    }
    resp.body_mut().with_config().limit(MAX_BYTES).read_to_string().map_err(|e| match e {
        ureq::Error::Timeout(_) => "timed out".to_owned(),
        other => format!("body unreadable: {}", short(&other.to_string())),
    })
}

/// The part of an error before any address.
fn short(s: &str) -> String {
    s.split("http").next().unwrap_or(s).trim().chars().take(120).collect()
}

/// Whether a fetch is due: a feed is set, and the newest fetched rate is older than
/// `refresh_hours` (or there is none yet). The scheduler asks; the database answers, so a
/// restart does not fetch again what is fresh.
pub(super) fn due(conn: &Connection, shared: &Shared, now: i64) -> rusqlite::Result<bool> {
    let cfg = &shared.settings.currency;
    if cfg.rates_url.trim().is_empty() {
        return Ok(false);
    }
    let newest: Option<i64> = conn
        .query_row(
            "SELECT max(updated_at) FROM currency_rates WHERE source != ?1",
            [rates::FROM_CONFIG],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    let every = i64::try_from(cfg.refresh_hours.saturating_mul(3600)).unwrap_or(i64::MAX);
    Ok(newest.is_none_or(|at| now - at >= every))
}
