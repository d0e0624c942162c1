//! The page and count caches: a value is fresh for a TTL, then served stale while one caller
//! recomputes it, and gone ten TTLs after it was stored.

use std::hash::Hash;
use std::time::Duration;

use super::{Cache, Millis, millis, now};

/// How many TTLs a value may be served stale before it is gone.
const STALE_TTLS: u32 = 10;

/// Values by key, each fresh for `ttl`. A TTL of zero disables the cache.
pub struct TtlCache<K, V> {
    ttl: Millis,
    cache: Cache<K, Stamped<V>>,
}

struct Stamped<V> {
    value: V,
    // stored, or handed to a refresher: fresh for a TTL from then
    checked: Millis,
}

/// What [`TtlCache::lookup`] found.
pub enum Lookup<V> {
    /// A fresh value.
    Fresh(V),
    /// An expired value, to serve while the caller (the only one told so) recomputes it.
    Refresh(V),
    /// Nothing: compute.
    Miss,
}

impl<K: Eq + Hash + Clone, V: Clone> TtlCache<K, V> {
    /// A cache of at most `max_entries`; when full, the entry stored longest ago makes room.
    pub fn new(ttl: Duration, max_entries: usize) -> Self {
        Self { ttl: millis(ttl), cache: Cache::new(ttl.saturating_mul(STALE_TTLS), max_entries) }
    }

    /// A fresh value, if any.
    pub fn get(&self, key: &K) -> Option<V> {
        self.get_at(key, now())
    }

    fn get_at(&self, key: &K, now: Millis) -> Option<V> {
        if self.ttl == 0 {
            return None;
        }
        self.cache.with(key, now, |e| {
            e.get().filter(|s| now.saturating_sub(s.checked) < self.ttl).map(|s| s.value.clone())
        })
    }

    /// Like `get`, but an expired value is still served: the first caller after expiry is told
    /// to refresh, and for a moment everyone else keeps the old value (no stampede).
    pub fn lookup(&self, key: &K) -> Lookup<V> {
        self.lookup_at(key, now())
    }

    fn lookup_at(&self, key: &K, now: Millis) -> Lookup<V> {
        if self.ttl == 0 {
            return Lookup::Miss;
        }
        self.cache.with(key, now, |e| match e.get_mut() {
            Some(s) if now.saturating_sub(s.checked) < self.ttl => Lookup::Fresh(s.value.clone()),
            Some(s) => {
                // whoever refreshes has one more TTL before another caller is asked to; the
                // entry's own lifetime goes on, so a value nobody manages to refresh still ends
                s.checked = now;
                Lookup::Refresh(s.value.clone())
            }
            None => Lookup::Miss,
        })
    }

    /// The value of `key`, loaded when missing and loaded again when expired; a failed
    /// reload keeps serving the old value (and says so in the log), a failed first load fails.
    pub fn get_or_load<E: std::fmt::Display>(
        &self,
        key: &K,
        load: impl FnOnce() -> Result<V, E>,
    ) -> Result<V, E> {
        match self.lookup(key) {
            Lookup::Fresh(v) => Ok(v),
            Lookup::Refresh(old) => match load() {
                Ok(v) => {
                    self.put(key.clone(), v.clone());
                    Ok(v)
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cache refresh failed; keeping the old value");
                    Ok(old)
                }
            },
            Lookup::Miss => {
                let v = load()?;
                self.put(key.clone(), v.clone());
                Ok(v)
            }
        }
    }

    /// Stores a value.
    pub fn put(&self, key: K, value: V) {
        self.put_at(key, value, now());
    }

    fn put_at(&self, key: K, value: V, now: Millis) {
        if self.ttl == 0 {
            return;
        }
        self.cache.insert(key, Stamped { value, checked: now }, now);
    }

    /// Entries held.
    pub fn len(&self) -> usize {
        self.cache.len()
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.cache.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_expire_and_zero_ttl_disables() {
        let c = TtlCache::new(Duration::from_millis(30), 2);
        c.put_at("a", 1, 0);
        assert_eq!(c.get_at(&"a", 29), Some(1));
        c.put_at("b", 2, 1);
        c.put_at("c", 3, 2);
        assert_eq!(c.get_at(&"a", 2), None, "bounded: the oldest entry made room");
        assert_eq!((c.get_at(&"b", 2), c.get_at(&"c", 2)), (Some(2), Some(3)));
        assert_eq!(c.get_at(&"c", 32), None);
        c.put_at("d", 4, 100);
        assert!(matches!(c.lookup_at(&"d", 130), Lookup::Refresh(4)), "first after expiry");
        assert!(matches!(c.lookup_at(&"d", 131), Lookup::Fresh(4)), "others keep the old value");
        assert!(matches!(c.lookup_at(&"d", 161), Lookup::Refresh(4)), "then the next one is told");
        let off = TtlCache::new(Duration::ZERO, 10);
        off.put("a", 1);
        assert_eq!(off.get(&"a"), None);
        assert!(off.is_empty());
        assert!(matches!(off.lookup(&"a"), Lookup::Miss));
    }

    #[test]
    fn a_value_never_refreshed_ends_ten_ttls_after_it_was_stored() {
        let c = TtlCache::new(Duration::from_millis(5), 10);
        c.put_at("a", 1, 1000);
        for t in 1005..1050 {
            // claimed again and again, never stored anew: served stale, but not forever
            assert!(!matches!(c.lookup_at(&"a", t), Lookup::Miss), "at {t}");
        }
        assert!(matches!(c.lookup_at(&"a", 1050), Lookup::Miss));
        assert!(c.is_empty(), "and its memory is gone");
        c.put("b", 2);
        assert_eq!(c.get(&"b"), Some(2), "the real clock");
    }
}
