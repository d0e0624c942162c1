//! In-memory rate limits keyed on the real client IP and the account: login lockout, sign-up
//! and password-reset limits. One process serves the site, so memory is the right place.

use std::time::Duration;

use crate::cache::{Cache, unix_ms};
use crate::config::AuthConfig;

/// Keys remembered per limit. Past it the key whose last event is oldest goes: filling a limit
/// with new keys costs the sender a request (a password check, for logins) per key, far slower
/// than a lock or a window runs out, so eviction cannot be used to lift one.
const KEYS: usize = 100_000;

/// The limits, one [`Throttle`] each, so each key lives as long as its own window.
pub struct Throttles {
    /// Failed logins per account and IP (`auth.login_lock_seconds`).
    pub login: Throttle,
    /// Sign-ups per IP per hour.
    pub signups: Throttle,
    /// Password-reset mails per IP per hour.
    pub resets: Throttle,
    /// Chat messages per user per minute (`chat.messages_per_minute`).
    pub chat: Throttle,
    /// Reports per user per hour (`moderation.reports_per_hour`).
    pub reports: Throttle,
}

impl Throttles {
    /// The limits of the configuration.
    pub fn new(auth: &AuthConfig) -> Self {
        Self {
            login: Throttle::new(auth.login_lock_seconds),
            signups: Throttle::new(3600),
            resets: Throttle::new(3600),
            chat: Throttle::new(60),
            reports: Throttle::new(3600),
        }
    }
}

/// Recent events per key within one window; a key goes a window after its last event.
pub struct Throttle {
    window: i64,
    keys: Cache<String, Events>,
}

#[derive(Clone, Default)]
struct Events {
    /// Unix seconds of the events within the window.
    times: Vec<i64>,
    /// Refused until then (a login lock).
    locked_until: i64,
}

/// What [`Throttle::attempt`] decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// Counted: go on (check the password).
    Allowed,
    /// This attempt found the limit reached and locked the key for a window.
    LockedNow,
    /// The key is locked.
    Locked,
}

impl Throttle {
    /// A limit whose window, and so each key's lifetime, is `window_seconds`.
    pub fn new(window_seconds: u64) -> Self {
        Self {
            window: i64::try_from(window_seconds).unwrap_or(i64::MAX),
            keys: Cache::new(Duration::from_secs(window_seconds), KEYS),
        }
    }

    /// Events of `key` within the window.
    pub fn count(&self, key: &str, now: i64) -> usize {
        self.keys.with(key, unix_ms(now), |e| {
            e.get().map_or(0, |ev| ev.times.iter().filter(|t| now - **t < self.window).count())
        })
    }

    /// Records an event if fewer than `max` happened in the window; false when over the limit.
    /// The count and the record are one step: concurrent callers cannot both take the last one.
    pub fn allow(&self, key: &str, now: i64, max: u32) -> bool {
        self.keys.with(key, unix_ms(now), |e| {
            let mut ev = e.get().cloned().unwrap_or_default();
            ev.times.retain(|t| now - *t < self.window);
            if ev.times.len() >= max as usize {
                return false;
            }
            ev.times.push(now);
            e.set(ev);
            true
        })
    }

    /// A login attempt, in one step: refused while the key is locked; the attempt that finds
    /// `max` already counted in the window locks the key for a whole window; any other is
    /// counted before its password is checked, so guesses sent together cannot slip past the
    /// limit while the first ones are still hashing. A success [`clear`](Self::clear)s the key.
    pub fn attempt(&self, key: &str, now: i64, max: u32) -> Attempt {
        self.keys.with(key, unix_ms(now), |e| {
            let mut ev = e.get().cloned().unwrap_or_default();
            if now < ev.locked_until {
                return Attempt::Locked;
            }
            ev.times.retain(|t| now - *t < self.window);
            let outcome = if ev.times.len() >= max as usize {
                ev.times.clear();
                ev.locked_until = now.saturating_add(self.window);
                Attempt::LockedNow
            } else {
                ev.times.push(now);
                Attempt::Allowed
            };
            // the key lives a window from now: as long as the lock, or the newest attempt
            e.set(ev);
            outcome
        })
    }

    /// Forgets a key (after a successful login).
    pub fn clear(&self, key: &str) {
        self.keys.remove(key);
    }

    /// Keys held.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether no key is held.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_within_the_window() {
        let t = Throttle::new(60);
        for _ in 0..3 {
            assert!(t.allow("k", 100, 3));
        }
        assert!(!t.allow("k", 110, 3));
        assert_eq!(t.count("k", 110), 3);
        assert!(t.allow("k", 160, 3), "the window moved on");
        t.clear("k");
        assert_eq!(t.count("k", 161), 0);
        assert!(t.allow("k", 1_000, 3));
        assert_eq!(t.len(), 1);
        assert_eq!(t.count("k", 1_060), 0, "a key goes a window after its last event");
        assert!(t.is_empty());
    }

    #[test]
    fn the_attempt_past_the_limit_locks_for_a_window() {
        let t = Throttle::new(300);
        for s in 0..5 {
            assert_eq!(t.attempt("a", 1_000 + s, 5), Attempt::Allowed);
        }
        assert_eq!(t.attempt("a", 1_010, 5), Attempt::LockedNow);
        assert_eq!(t.attempt("a", 1_309, 5), Attempt::Locked, "a window from the lock");
        assert_eq!(t.attempt("b", 1_309, 5), Attempt::Allowed, "another key is free");
        assert_eq!(t.attempt("a", 1_310, 5), Attempt::Allowed, "over: five more");
        t.clear("a");
        for _ in 0..5 {
            assert_eq!(t.attempt("a", 1_311, 5), Attempt::Allowed, "a success forgets");
        }
    }

    #[test]
    fn attempts_sent_together_pass_exactly_the_limit() {
        // the separate count-then-record this replaced let a sixth through in about 2% of
        // such rounds
        for round in 0..200 {
            let t = Throttle::new(300);
            let allowed = std::sync::atomic::AtomicUsize::new(0);
            let start = std::sync::Barrier::new(30);
            std::thread::scope(|s| {
                for _ in 0..30 {
                    s.spawn(|| {
                        start.wait();
                        if t.attempt("ivan@example.kz:203.0.113.9", 1_000, 5) == Attempt::Allowed {
                            allowed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        }
                    });
                }
            });
            assert_eq!(allowed.into_inner(), 5, "round {round}");
        }
    }
}
