//! Tests of [`Cache`]: expiry, eviction, the bound under a million keys, atomic updates.

use std::sync::Arc;
use std::time::Duration;

use super::*;

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

#[test]
fn entries_expire_after_their_lifetime() {
    let c = Cache::new(secs(10), 100);
    c.insert("a".into(), 1, 0);
    c.insert("b".into(), 2, 5_000);
    assert_eq!(c.get("a", 9_999), Some(1));
    assert_eq!(c.get("a", 10_000), None, "gone at its lifetime, swept or not");
    assert_eq!(c.get("b", 14_999), Some(2));
    assert_eq!(c.len(), 1, "the expired one was dropped when met");
    c.sweep(15_000);
    assert!(c.is_empty(), "a sweep drops what expired");

    // a store drops the expired entries at the old end of the queue on its way
    for i in 0..10 {
        c.insert(i.to_string(), i, 100_000 + i as u64);
    }
    c.insert("late".into(), 0, 200_000);
    assert_eq!(c.len(), 1);
}

#[test]
fn the_oldest_entry_makes_room_and_a_renewed_one_counts_as_new() {
    let c = Cache::new(secs(60), 3);
    for (i, k) in ["a", "b", "c"].into_iter().enumerate() {
        c.insert(k.to_owned(), i, i as u64);
    }
    c.with("a", 10, |e| e.renew());
    c.insert("d".into(), 3, 11);
    assert_eq!(c.get("b", 12), None, "b was stored longest ago");
    assert_eq!(c.get("a", 12), Some(0), "a was renewed after b and c");
    c.insert("e".into(), 4, 13);
    assert_eq!(c.get("c", 14), None);
    assert_eq!(c.len(), 3);
    // an in-place change keeps the entry's place and lifetime
    c.with("d", 20, |e| *e.get_mut().expect("d") += 10);
    assert_eq!(c.get("d", 20), Some(13));
    assert_eq!(c.get("d", 60_011), None);
    c.remove("e");
    assert_eq!(c.get("e", 21), None);
}

#[test]
fn with_sees_and_changes_an_entry_in_one_step() {
    let c = Cache::<String, i32>::new(secs(60), 10);
    let first = c.with("k", 0, |e| {
        assert!(e.get().is_none() && e.age().is_none());
        e.set(1);
        (e.get().copied(), e.age())
    });
    assert_eq!(first, (Some(1), Some(Duration::ZERO)));
    assert_eq!(c.with("k", 1_500, |e| e.age()), Some(Duration::from_millis(1_500)));
    c.with("k", 2_000, |e| e.remove());
    assert_eq!(c.get("k", 2_000), None);
    c.with("k", 3_000, |e| {
        e.remove();
        e.set(5);
    });
    assert_eq!(c.get("k", 3_000), Some(5), "the last word counts");

    // eight threads adding under the one lock lose no update
    let c = Arc::new(Cache::<String, i32>::new(secs(60), 10));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let c = c.clone();
            std::thread::spawn(move || {
                for _ in 0..1_000 {
                    c.with("n", 0, |e| {
                        let n = e.get().copied().unwrap_or(0);
                        e.set(n + 1);
                    });
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("thread");
    }
    assert_eq!(c.get("n", 0), Some(8_000));
}

#[test]
fn a_million_distinct_keys_stay_within_the_bound() {
    let bound = 100_000;
    let c = Cache::new(secs(3600), bound);
    let mut peak = 0;
    for i in 0..1_000_000_u64 {
        c.insert(i, i, i / 1_000);
        let n = c.len();
        assert!(n <= bound, "{n} entries after {i} keys");
        peak = peak.max(n);
        if i % 50_000 == 0 {
            // 32-byte slots, 2^18 of them once evictions churn the table (see `Cache`), and a
            // queue of at most 2^18 16-byte records
            assert!(c.allocated_bytes() <= 13 << 20, "{} bytes", c.allocated_bytes());
        }
    }
    assert_eq!(peak, bound);
    assert_eq!(c.get(&999_999, 1_000), Some(999_999));
    assert_eq!(c.get(&900_000, 1_000), Some(900_000), "the newest `bound` keys are kept");
    assert_eq!(c.get(&899_999, 1_000), None);
    assert!(c.allocated_bytes() <= 13 << 20, "{} bytes", c.allocated_bytes());
}

#[test]
fn a_key_renewed_a_million_times_keeps_the_queue_short() {
    let c = Cache::new(secs(3600), 10);
    for i in 0..1_000_000_u64 {
        c.with(&(i % 3), i / 1_000, |e| {
            let n = e.get().copied().unwrap_or(0);
            e.set(n + 1);
        });
    }
    assert_eq!(c.get(&0, 1_000), Some(333_334));
    assert_eq!(c.len(), 3);
    assert!(c.lock().order.len() <= 64, "left-behind records are dropped");
}

#[test]
fn a_full_cache_of_live_entries_expires_them_on_time() {
    let c = Cache::new(secs(1), 1_000);
    for i in 0..5_000_u64 {
        c.insert(i, (), i);
        assert!(c.len() <= 1_000);
    }
    // at 5 s only the last second's keys are alive
    c.sweep(5_000);
    assert_eq!(c.len(), 999);
    c.sweep(6_000);
    assert!(c.is_empty());
}
