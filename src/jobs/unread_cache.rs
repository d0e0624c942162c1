//! The unread-message count shown in every page's header: served from memory, refreshed by
//! `UnreadCache` jobs, invalidated when a user reads a thread or is sent a message.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rusqlite::Connection;

/// Per-user unread counts with a time to live.
pub struct UnreadCache {
    ttl: Duration,
    entries: Mutex<HashMap<i64, (u32, Instant)>>,
}

/// What the cache knows about a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cached {
    /// Within the TTL.
    Fresh(u32),
    /// Past the TTL: shown, and a refresh job should be queued.
    Stale(u32),
    /// Never computed or invalidated: compute it now.
    Missing,
}

impl UnreadCache {
    /// An empty cache.
    pub fn new(ttl_seconds: u64) -> Self {
        Self { ttl: Duration::from_secs(ttl_seconds), entries: Mutex::new(HashMap::new()) }
    }

    /// Looks a user up.
    pub fn get(&self, user_id: i64) -> Cached {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        match entries.get(&user_id) {
            Some((n, at)) if at.elapsed() < self.ttl => Cached::Fresh(*n),
            Some((n, _)) => Cached::Stale(*n),
            None => Cached::Missing,
        }
    }

    /// Stores a freshly computed count.
    pub fn set(&self, user_id: i64, n: u32) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.insert(user_id, (n, Instant::now()));
    }

    /// Forgets a user's count so the next page computes it exactly.
    pub fn invalidate(&self, user_id: i64) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.remove(&user_id);
    }
}

/// Messages sent to `user_id` by others after what the user has read, over all threads.
pub fn count(conn: &Connection, user_id: i64) -> rusqlite::Result<u32> {
    conn.prepare_cached(
        "SELECT count(*) FROM chat_threads t
         JOIN chat_messages m ON m.thread_id = t.id
         LEFT JOIN chat_reads r ON r.thread_id = t.id AND r.user_id = ?1
         WHERE (t.buyer_id = ?1 OR t.seller_id = ?1)
           AND m.sender_id <> ?1 AND m.id > coalesce(r.last_read_id, 0)",
    )?
    .query_row([user_id], |r| r.get(0))
}
