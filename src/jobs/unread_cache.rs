//! The unread-message count shown in every page's header: served from memory, refreshed by
//! `UnreadCache` jobs, invalidated when a user reads a thread or is sent a message.

use std::time::Duration;

use rusqlite::Connection;

use crate::cache::{self, Cache};
use crate::domain::ids::UserId;

/// Users whose counts are kept: past it the count stored longest ago goes, and that user's next
/// page computes it again.
const USERS: usize = 100_000;

/// How many TTLs a stale count may still be shown: past that the next page computes it, so an
/// entry whose refresh never came does not live on.
const STALE_TTLS: u32 = 10;

/// Per-user unread counts with a time to live.
pub struct UnreadCache {
    ttl: Duration,
    counts: Cache<UserId, u32>,
}

/// What the cache knows about a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cached {
    /// Within the TTL.
    Fresh(u32),
    /// Past the TTL: shown, and a refresh job should be queued.
    Stale(u32),
    /// Never computed, invalidated, evicted or long expired: compute it now.
    Missing,
}

impl UnreadCache {
    /// An empty cache.
    pub fn new(ttl_seconds: u64) -> Self {
        let ttl = Duration::from_secs(ttl_seconds);
        Self { ttl, counts: Cache::new(ttl.saturating_mul(STALE_TTLS), USERS) }
    }

    /// Looks a user up.
    pub fn get(&self, user_id: UserId) -> Cached {
        self.get_at(user_id, cache::now())
    }

    fn get_at(&self, user_id: UserId, now: cache::Millis) -> Cached {
        self.counts.with(&user_id, now, |e| match (e.get().copied(), e.age()) {
            (Some(n), Some(age)) if age < self.ttl => Cached::Fresh(n),
            (Some(n), _) => {
                // only the first page after expiry queues the refresh: the count counts as
                // fresh for the pages that follow while the job runs
                e.renew();
                Cached::Stale(n)
            }
            (None, _) => Cached::Missing,
        })
    }

    /// Stores a freshly computed count.
    pub fn set(&self, user_id: UserId, n: u32) {
        self.counts.insert(user_id, n, cache::now());
    }

    /// Forgets a user's count so the next page computes it exactly.
    pub fn invalidate(&self, user_id: UserId) {
        self.counts.remove(&user_id);
    }
}

/// The user's unread total: the counter chat writes keep in the same transaction as each
/// send, read and delete (`domain::chats::actions`).
pub fn count(conn: &Connection, user_id: UserId) -> rusqlite::Result<u32> {
    crate::domain::chats::repo::unread_total(conn, user_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_then_stale_then_missing() {
        let c = UnreadCache::new(0);
        c.set(UserId(1), 3);
        assert_eq!(c.get(UserId(1)), Cached::Missing, "a zero TTL keeps nothing");
        let c = UnreadCache::new(60);
        assert_eq!(c.get(UserId(1)), Cached::Missing);
        c.set(UserId(1), 3);
        assert_eq!(c.get(UserId(1)), Cached::Fresh(3));
        c.invalidate(UserId(1));
        assert_eq!(c.get(UserId(1)), Cached::Missing);
        c.counts.insert(UserId(2), 7, 0);
        assert_eq!(c.get_at(UserId(2), 59_999), Cached::Fresh(7));
        assert_eq!(
            c.get_at(UserId(2), 60_000),
            Cached::Stale(7),
            "the first after expiry refreshes"
        );
        assert_eq!(c.get_at(UserId(2), 60_001), Cached::Fresh(7), "the next ones do not");
        assert_eq!(c.get_at(UserId(2), 120_001), Cached::Stale(7), "until the refresh is overdue");
        c.counts.insert(UserId(3), 1, 0);
        assert_eq!(c.get_at(UserId(3), 600_000), Cached::Missing, "ten TTLs on, a count is gone");
    }
}
