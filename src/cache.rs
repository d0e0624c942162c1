//! Expiring, size-bounded in-memory maps: the page and count caches, unread counts, view
//! dedupe and rate limits are each a [`Cache`], so none grows past its bound and no entry
//! outlives its lifetime.
//!
//! Ours rather than `moka` (`bench/cache.sh` measures both): on the 2-core box a page-cache
//! hit took 66-122 ns against moka's 137-278, an insert 100-330 ns against 2,100-3,600, and
//! the bound is exact where moka's map ran past it between its housekeeping runs. The
//! stale-while-revalidate lookup and the throttles' check-and-record are each one closure
//! under one lock, and no crate is added (hashbrown is already built for rusqlite).

use std::borrow::Borrow;
use std::collections::VecDeque;
use std::hash::{BuildHasher, Hash, RandomState};
use std::sync::{Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use hashbrown::HashTable;

mod ttl;

pub use ttl::{Lookup, TtlCache};

/// A time in milliseconds. A cache reads one clock: [`now`], or [`unix_ms`] for callers that
/// keep Unix time (views, rate limits).
pub type Millis = u64;

/// Milliseconds on a monotonic process clock.
pub fn now() -> Millis {
    static START: OnceLock<Instant> = OnceLock::new();
    millis(START.get_or_init(Instant::now).elapsed())
}

/// Unix seconds as [`Millis`].
pub fn unix_ms(secs: i64) -> Millis {
    u64::try_from(secs).unwrap_or(0).saturating_mul(1000)
}

fn millis(d: Duration) -> Millis {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// At most `bound` values by key, each gone `lifetime` after it was stored or renewed; when
/// full, storing a new key evicts the one stored longest ago.
///
/// Memory: a full cache whose keys keep changing settles at 2^k table slots for the smallest
/// 2^k >= 16/7 of the bound (hashbrown doubles a table that its removals left over half full,
/// rather than clean it in place), plus a queue of up to twice the bound 16-byte records.
pub struct Cache<K, V> {
    lifetime: Millis,
    bound: usize,
    // SipHash with a per-cache key: the keys (IPs, e-mails, query strings) come from clients
    hasher: RandomState,
    inner: Mutex<Inner<K, V>>,
}

struct Slot<K, V> {
    key: K,
    value: V,
    born: Millis,
    // unique per storing: tells a slot's current queue record from the ones it left behind
    seq: u64,
}

struct Inner<K, V> {
    table: HashTable<Slot<K, V>>,
    // (hash, seq) of every storing, oldest first: eviction and expiry pop the front, so each
    // costs O(1) instead of a scan; a record whose seq no longer matches is skipped
    order: VecDeque<(u64, u64)>,
    next_seq: u64,
}

/// One key inside [`Cache::with`]: read, change, store or remove its value under the lock.
pub struct Entry<'a, K, V> {
    slot: Option<&'a mut Slot<K, V>>,
    added: Option<V>,
    now: Millis,
    seq: u64,
    renewed: bool,
    removed: bool,
}

impl<K, V> Entry<'_, K, V> {
    /// The live value, if any.
    pub fn get(&self) -> Option<&V> {
        match (&self.slot, self.removed) {
            (_, true) => None,
            (Some(s), _) => Some(&s.value),
            (None, _) => self.added.as_ref(),
        }
    }

    /// The live value, to change in place (its lifetime goes on; see [`Entry::renew`]).
    pub fn get_mut(&mut self) -> Option<&mut V> {
        match (&mut self.slot, self.removed) {
            (_, true) => None,
            (Some(s), _) => Some(&mut s.value),
            (None, _) => self.added.as_mut(),
        }
    }

    /// Time since the value was stored or renewed.
    pub fn age(&self) -> Option<Duration> {
        let born = self.slot.as_ref().map_or(self.now, |s| s.born);
        self.get().map(|_| Duration::from_millis(self.now.saturating_sub(born)))
    }

    /// Stores a value; its lifetime starts now.
    pub fn set(&mut self, value: V) {
        self.removed = false;
        match &mut self.slot {
            Some(s) => s.value = value,
            None => self.added = Some(value),
        }
        self.renew();
    }

    /// Starts the value's lifetime again, as if stored now.
    pub fn renew(&mut self) {
        if let (Some(s), false) = (&mut self.slot, self.removed) {
            s.born = self.now;
            s.seq = self.seq;
            self.renewed = true;
        }
    }

    /// Forgets the key.
    pub fn remove(&mut self) {
        self.removed = true;
        self.added = None;
    }
}

impl<K: Eq + Hash, V> Cache<K, V> {
    /// An empty cache (a bound of 0 is taken as 1).
    pub fn new(lifetime: Duration, bound: usize) -> Self {
        let inner = Inner { table: HashTable::new(), order: VecDeque::new(), next_seq: 0 };
        Self {
            lifetime: millis(lifetime),
            bound: bound.max(1),
            hasher: RandomState::new(),
            inner: Mutex::new(inner),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner<K, V>> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` on the key's entry under the cache's one lock, then applies what it changed:
    /// a check and the record it decides on cannot be split by another caller. `f` must not
    /// use this cache (the lock is not reentrant).
    pub fn with<Q, R>(&self, key: &Q, now: Millis, f: impl FnOnce(&mut Entry<'_, K, V>) -> R) -> R
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        // hashed before locking: the lock is held only for the probe
        let hash = self.hasher.hash_one(key);
        let mut guard = self.lock();
        let inner = &mut *guard;
        let seq = inner.next_seq;
        let slot = match inner.table.find_entry(hash, |s| s.key.borrow() == key) {
            Ok(found) if now.saturating_sub(found.get().born) < self.lifetime => {
                Some(found.into_mut())
            }
            // past its lifetime: gone, whether or not the queue has reached it yet
            Ok(found) => {
                found.remove();
                None
            }
            Err(_) => None,
        };
        let mut entry = Entry { slot, added: None, now, seq, renewed: false, removed: false };
        let out = f(&mut entry);
        let Entry { slot, added, renewed, removed, .. } = entry;
        let stored = slot.is_some();
        if removed {
            if stored && let Ok(found) = inner.table.find_entry(hash, |s| s.key.borrow() == key) {
                found.remove();
            }
        } else if let Some(value) = added {
            inner.make_room(self.bound);
            let slot = Slot { key: key.to_owned(), value, born: now, seq };
            inner.table.insert_unique(hash, slot, |s| self.hasher.hash_one(&s.key));
            inner.queue(hash, seq, now, self);
        } else if renewed {
            inner.queue(hash, seq, now, self);
        }
        out
    }

    /// The live value of a key.
    pub fn get<Q>(&self, key: &Q, now: Millis) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
        V: Clone,
    {
        self.with(key, now, |e| e.get().cloned())
    }

    /// Stores a value, evicting the oldest entry if the cache is full.
    pub fn insert(&self, key: K, value: V, now: Millis)
    where
        K: Clone,
    {
        self.with(&key, now, |e| e.set(value));
    }

    /// Forgets a key.
    pub fn remove<Q>(&self, key: &Q)
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let hash = self.hasher.hash_one(key);
        if let Ok(found) = self.lock().table.find_entry(hash, |s| s.key.borrow() == key) {
            found.remove();
        }
    }

    /// Forgets everything.
    pub fn clear(&self) {
        let mut inner = self.lock();
        inner.table.clear();
        inner.order.clear();
    }

    /// Drops the entries past their lifetime now (every store does this too).
    pub fn sweep(&self, now: Millis) {
        self.lock().expire(now, self.lifetime);
    }

    /// Entries held, the expired ones not yet swept included: never more than the bound.
    pub fn len(&self) -> usize {
        self.lock().table.len()
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes the cache itself has allocated (the keys' and values' own heap not included).
    pub fn allocated_bytes(&self) -> usize {
        let inner = self.lock();
        inner.table.allocation_size() + inner.order.capacity() * size_of::<(u64, u64)>()
    }
}

impl<K, V> Inner<K, V> {
    fn queue(&mut self, hash: u64, seq: u64, now: Millis, cache: &Cache<K, V>) {
        self.order.push_back((hash, seq));
        self.next_seq += 1;
        self.expire(now, cache.lifetime);
        // records left behind by renewed and removed keys: dropped once they outnumber the
        // bound, so the queue stays within twice the bound at an amortised O(1) per store
        if self.order.len() > cache.bound.saturating_mul(2).max(64) {
            let table = &self.table;
            self.order.retain(|&(hash, seq)| table.find(hash, |s| s.seq == seq).is_some());
        }
    }

    fn make_room(&mut self, bound: usize) {
        while self.table.len() >= bound {
            let Some((hash, seq)) = self.order.pop_front() else { return };
            if let Ok(found) = self.table.find_entry(hash, |s| s.seq == seq) {
                found.remove();
            }
        }
    }

    fn expire(&mut self, now: Millis, lifetime: Millis) {
        while let Some(&(hash, seq)) = self.order.front() {
            if let Ok(found) = self.table.find_entry(hash, |s| s.seq == seq) {
                if now.saturating_sub(found.get().born) < lifetime {
                    return;
                }
                found.remove();
            }
            self.order.pop_front();
        }
    }
}

#[cfg(test)]
mod tests;
