#!/usr/bin/env bash
# Compares src/cache.rs with moka on the page cache's hot path and on a million distinct keys:
# builds a throwaway crate (in target/cache-bench) from a copy of src/cache*, prints ns per call.
# Uzmat itself does not depend on moka; this is how the choice was measured (see src/cache.rs).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${CARGO_TARGET_DIR:-$root/target}/cache-bench"
mkdir -p "$dir/src"
rm -rf "$dir/src/cache" && cp -r "$root/src/cache.rs" "$root/src/cache" "$dir/src/"
cat > "$dir/Cargo.toml" <<'TOML'
[package]
name = "cache-bench"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
hashbrown = { version = "0.17", default-features = false }
moka = { version = "0.12", features = ["sync"] }

[profile.release]
codegen-units = 16
lto = "thin"
TOML
cat > "$dir/src/main.rs" <<'RUST'
#![allow(dead_code)]
mod cache;

use std::sync::Arc;
use std::time::{Duration, Instant};

const KEYS: usize = 1_000;
const CALLS: usize = 2_000_000;

fn keys() -> Vec<String> {
    (0..KEYS).map(|i| format!("Filter {{ section: Some(Catalog), kind: None, page: {i} }}")).collect()
}

/// ns per call of `f(thread, i)`, `CALLS` calls on each of `threads` threads.
fn per_call(threads: usize, f: impl Fn(usize, usize) + Sync) -> f64 {
    let started = Instant::now();
    std::thread::scope(|s| {
        for t in 0..threads {
            let f = &f;
            s.spawn(move || (0..CALLS).for_each(|i| f(t, i)));
        }
    });
    started.elapsed().as_nanos() as f64 / (CALLS * threads) as f64
}

fn main() {
    let keys = keys();
    let page: Arc<str> = Arc::from("<html>");
    let ours = cache::TtlCache::new(Duration::from_secs(20), 10_000);
    let moka = moka::sync::Cache::builder()
        .max_capacity(10_000)
        .time_to_live(Duration::from_secs(200))
        .build();
    for k in &keys {
        ours.put(k.clone(), page.clone());
        moka.insert(k.clone(), page.clone());
    }
    let key = |t: usize, i: usize| &keys[(i * 7 + t) % KEYS];
    for threads in [1, 2] {
        let a = per_call(threads, |t, i| {
            assert!(matches!(ours.lookup(key(t, i)), cache::Lookup::Fresh(_)))
        });
        let b = per_call(threads, |t, i| assert!(moka.get(key(t, i)).is_some()));
        println!("page hit, {threads} thread(s): ours {a:.0} ns, moka {b:.0} ns");
    }

    let bound = 100_000;
    let started = Instant::now();
    let ours = cache::Cache::new(Duration::from_secs(3600), bound);
    let mut peak = 0;
    for i in 0..1_000_000_u64 {
        ours.insert(i, i, 0);
        peak = peak.max(ours.len());
    }
    println!(
        "1,000,000 keys, bound {bound}: ours {:.0} ns per insert, peak {peak} entries, {} MB",
        started.elapsed().as_nanos() as f64 / 1e6,
        ours.allocated_bytes() >> 20
    );
    let started = Instant::now();
    let moka = moka::sync::Cache::builder().max_capacity(bound as u64).build();
    let (mut peak, mut held) = (0, 0);
    for i in 0..1_000_000_u64 {
        moka.insert(i, i);
        if i % 1_000 == 0 {
            peak = peak.max(moka.entry_count());
        }
        if i % 100_000 == 99_999 {
            // entries actually in its map (entry_count is what housekeeping last counted)
            held = held.max(moka.iter().count());
        }
    }
    let elapsed = started.elapsed();
    println!(
        "1,000,000 keys, bound {bound}: moka {:.0} ns per insert, entry_count peak {peak}, map peak {held} (sampled)",
        elapsed.as_nanos() as f64 / 1e6,
    );
    // the same from 2 threads at once
    let moka = moka::sync::Cache::builder().max_capacity(bound as u64).build();
    let held = std::sync::atomic::AtomicU64::new(0);
    std::thread::scope(|s| {
        for t in 0..2_u64 {
            let (moka, held) = (&moka, &held);
            s.spawn(move || {
                for i in 0..500_000_u64 {
                    moka.insert(i * 2 + t, i);
                    if t == 0 && i % 50_000 == 49_999 {
                        held.fetch_max(moka.iter().count() as u64, std::sync::atomic::Ordering::Relaxed);
                    }
                }
            });
        }
    });
    println!("the same from 2 threads: moka map peak {} (sampled)", held.into_inner());
}
RUST
cd "$dir"
echo "# moka's own dependency tree: $(cargo tree -e normal -p moka --prefix none | sort -u | wc -l) crates"
cargo run --release --quiet
