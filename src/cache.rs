//! A small in-memory cache with a time to live: hot listing pages and counts are computed once
//! per TTL instead of once per request.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Values by key, each valid for `ttl`. A TTL of zero disables the cache.
pub struct TtlCache<K, V> {
    ttl: Duration,
    max_entries: usize,
    map: Mutex<HashMap<K, (V, Instant)>>,
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

impl<K: Eq + Hash, V: Clone> TtlCache<K, V> {
    /// A cache keeping at most `max_entries` (all are dropped when full: simple and bounded).
    pub fn new(ttl: Duration, max_entries: usize) -> Self {
        Self { ttl, max_entries, map: Mutex::new(HashMap::new()) }
    }

    /// A fresh value, if any.
    pub fn get(&self, key: &K) -> Option<V> {
        if self.ttl.is_zero() {
            return None;
        }
        let map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        map.get(key).filter(|(_, at)| at.elapsed() < self.ttl).map(|(v, _)| v.clone())
    }

    /// Like `get`, but an expired value is still served: the first caller after expiry is told
    /// to refresh, and for a moment everyone else keeps the old value (no stampede).
    pub fn lookup(&self, key: &K) -> Lookup<V>
    where
        K: Clone,
    {
        if self.ttl.is_zero() {
            return Lookup::Miss;
        }
        let mut map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        match map.get_mut(key) {
            Some((v, at)) if at.elapsed() < self.ttl => Lookup::Fresh(v.clone()),
            Some((v, at)) if at.elapsed() < self.ttl * 10 => {
                // whoever refreshes has one more TTL before another caller is asked to
                *at = Instant::now();
                Lookup::Refresh(v.clone())
            }
            _ => Lookup::Miss,
        }
    }

    /// Stores a value.
    pub fn put(&self, key: K, value: V) {
        if self.ttl.is_zero() {
            return;
        }
        let mut map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= self.max_entries {
            let ttl = self.ttl;
            map.retain(|_, (_, at)| at.elapsed() < ttl);
            if map.len() >= self.max_entries {
                map.clear();
            }
        }
        map.insert(key, (value, Instant::now()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_expire_and_zero_ttl_disables() {
        let c = TtlCache::new(Duration::from_millis(30), 2);
        c.put("a", 1);
        assert_eq!(c.get(&"a"), Some(1));
        c.put("b", 2);
        c.put("c", 3);
        assert_eq!(c.get(&"c"), Some(3), "bounded: older entries made room");
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(c.get(&"c"), None);
        c.put("d", 4);
        std::thread::sleep(Duration::from_millis(40));
        assert!(matches!(c.lookup(&"d"), Lookup::Refresh(4)), "first after expiry refreshes");
        assert!(matches!(c.lookup(&"d"), Lookup::Fresh(4)), "others keep the old value meanwhile");
        let off = TtlCache::new(Duration::ZERO, 10);
        off.put("a", 1);
        assert_eq!(off.get(&"a"), None);
    }
}
