//! In-memory rate limits keyed on the real client IP and the account: login lockout, sign-up
//! and password-reset limits. One process serves the site, so memory is the right place.

use std::collections::HashMap;
use std::sync::Mutex;

/// Timestamps of recent events per key.
#[derive(Default)]
pub struct Throttle {
    events: Mutex<HashMap<String, Vec<i64>>>,
}

impl Throttle {
    /// Events of `key` within the last `window` seconds.
    pub fn count(&self, key: &str, now: i64, window: i64) -> usize {
        let events = self.events.lock().unwrap_or_else(|p| p.into_inner());
        events.get(key).map(|v| v.iter().filter(|t| now - **t < window).count()).unwrap_or(0)
    }

    /// Seconds until the oldest counted event leaves the window (how long to wait).
    pub fn wait(&self, key: &str, now: i64, window: i64) -> i64 {
        let events = self.events.lock().unwrap_or_else(|p| p.into_inner());
        events
            .get(key)
            .and_then(|v| v.iter().filter(|t| now - **t < window).max())
            .map(|last| window - (now - last))
            .unwrap_or(0)
            .max(1)
    }

    /// Records an event, dropping ones older than `window`.
    pub fn record(&self, key: &str, now: i64, window: i64) {
        let mut events = self.events.lock().unwrap_or_else(|p| p.into_inner());
        if events.len() > 100_000 {
            // the longest window in use is an hour: prune by that, not by this caller's window
            events.retain(|_, v| v.iter().any(|t| now - *t < 3600));
        }
        let v = events.entry(key.to_owned()).or_default();
        v.retain(|t| now - *t < window);
        v.push(now);
    }

    /// Forgets a key (after a successful login).
    pub fn clear(&self, key: &str) {
        self.events.lock().unwrap_or_else(|p| p.into_inner()).remove(key);
    }

    /// Records an event if fewer than `max` happened in the window; false when over the limit.
    pub fn allow(&self, key: &str, now: i64, window: i64, max: u32) -> bool {
        if self.count(key, now, window) >= max as usize {
            return false;
        }
        self.record(key, now, window);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_within_the_window() {
        let t = Throttle::default();
        for _ in 0..3 {
            assert!(t.allow("k", 100, 60, 3));
        }
        assert!(!t.allow("k", 110, 60, 3));
        assert_eq!(t.wait("k", 110, 60), 50);
        assert!(t.allow("k", 161, 60, 3), "the window moved on");
        t.clear("k");
        assert_eq!(t.count("k", 161, 60), 0);
    }
}
