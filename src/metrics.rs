//! Counters and histograms for jobs and HTTP requests, rendered as Prometheus text.

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::jobs::JobKind;

/// Histogram bucket bounds, in seconds.
const BUCKETS: [f64; 12] =
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5];

/// A cumulative latency histogram with fixed buckets.
#[derive(Default)]
pub struct Histogram {
    counts: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

impl Histogram {
    /// Records one observation.
    pub fn observe(&self, d: Duration) {
        let secs = d.as_secs_f64();
        if let Some(i) = BUCKETS.iter().position(|b| secs <= *b) {
            self.counts[i].fetch_add(1, Ordering::Relaxed);
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_micros.fetch_add(d.as_micros() as u64, Ordering::Relaxed);
    }

    /// The observations per bucket so far (the last slot: over the last bound).
    pub fn buckets(&self) -> [u64; BUCKETS.len() + 1] {
        let mut out = [0; BUCKETS.len() + 1];
        for (i, c) in self.counts.iter().enumerate() {
            out[i] = c.load(Ordering::Relaxed);
        }
        out[BUCKETS.len()] = self.count().saturating_sub(out[..BUCKETS.len()].iter().sum());
        out
    }

    /// Number of observations.
    pub fn count(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }

    /// The upper bound of the bucket holding the q-quantile (0 < q ≤ 1), in seconds.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        let total = self.count();
        if total == 0 {
            return None;
        }
        let target = (total as f64 * q).ceil() as u64;
        let mut seen = 0;
        for (i, c) in self.counts.iter().enumerate() {
            seen += c.load(Ordering::Relaxed);
            if seen >= target {
                return Some(BUCKETS[i]);
            }
        }
        Some(f64::INFINITY)
    }

    fn render(&self, out: &mut String, name: &str, labels: &str) {
        let sep = if labels.is_empty() { "" } else { "," };
        let mut cumulative = 0;
        for (i, bound) in BUCKETS.iter().enumerate() {
            cumulative += self.counts[i].load(Ordering::Relaxed);
            let _ = writeln!(out, "{name}_bucket{{{labels}{sep}le=\"{bound}\"}} {cumulative}");
        }
        let count = self.count();
        let _ = writeln!(out, "{name}_bucket{{{labels}{sep}le=\"+Inf\"}} {count}");
        let sum = self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let braces = if labels.is_empty() { String::new() } else { format!("{{{labels}}}") };
        let _ = writeln!(out, "{name}_sum{braces} {sum}");
        let _ = writeln!(out, "{name}_count{braces} {count}");
    }
}

/// Counters of one job kind.
#[derive(Default)]
pub struct JobKindStats {
    /// Accepted by `submit` (queued, or run inline).
    pub submitted: AtomicU64,
    /// Finished without error.
    pub completed: AtomicU64,
    /// Failed or panicked (after retries).
    pub failed: AtomicU64,
    /// Retried because the database was busy.
    pub retried: AtomicU64,
    /// Found the queue full and were kept in the overflow buffer.
    pub overflowed: AtomicU64,
    /// Found the queue full and were merged into work already pending.
    pub coalesced: AtomicU64,
    /// Found the queue and overflow full: lost, and counted here.
    pub dropped: AtomicU64,
    /// Time from taking the job to finishing it.
    pub duration: Histogram,
}

/// One job kind's counters at a moment, as plain numbers for pages.
#[derive(Debug, Clone, PartialEq)]
pub struct JobSnapshot {
    /// The kind's label (as on `/metrics`).
    pub kind: &'static str,
    /// See [`JobKindStats`]: submitted, completed, failed, retried, overflowed, coalesced,
    /// dropped, in that order.
    pub counts: [u64; 7],
    /// Median duration, seconds (`None`: no jobs yet; infinite: over the last bucket).
    pub p50: Option<f64>,
    /// 99th percentile duration, seconds.
    pub p99: Option<f64>,
}

/// Bucket counts of a histogram ([`Histogram::buckets`], or the difference of two).
pub type Buckets = [u64; BUCKETS.len() + 1];

/// The q-quantile of bucket counts, in milliseconds (the bucket's upper bound; 0 when empty,
/// 5,000 past the last bound).
pub fn quantile_ms(b: &Buckets, q: f64) -> f64 {
    let total: u64 = b.iter().sum();
    if total == 0 {
        return 0.0;
    }
    let target = (total as f64 * q).ceil() as u64;
    let mut seen = 0;
    for (i, n) in b.iter().enumerate() {
        seen += n;
        if seen >= target {
            return BUCKETS.get(i).map_or(5_000.0, |s| s * 1000.0);
        }
    }
    5_000.0
}

/// Everything counted so far, summed over routes and job kinds: a minute's sample is the
/// difference of two.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Totals {
    /// HTTP requests answered.
    pub requests: u64,
    /// Their latencies.
    pub request_buckets: Buckets,
    /// Jobs completed.
    pub jobs_completed: u64,
    /// Jobs failed.
    pub jobs_failed: u64,
    /// Their durations.
    pub job_buckets: Buckets,
}

impl Totals {
    /// What happened between `earlier` and `self`.
    pub fn since(&self, earlier: &Totals) -> Totals {
        let diff = |a: &Buckets, b: &Buckets| {
            let mut out = [0; BUCKETS.len() + 1];
            for i in 0..out.len() {
                out[i] = a[i].saturating_sub(b[i]);
            }
            out
        };
        Totals {
            requests: self.requests.saturating_sub(earlier.requests),
            request_buckets: diff(&self.request_buckets, &earlier.request_buckets),
            jobs_completed: self.jobs_completed.saturating_sub(earlier.jobs_completed),
            jobs_failed: self.jobs_failed.saturating_sub(earlier.jobs_failed),
            job_buckets: diff(&self.job_buckets, &earlier.job_buckets),
        }
    }
}

/// All of Uzmat's metrics.
#[derive(Default)]
pub struct Metrics {
    /// Indexed by [`JobKind::index`].
    jobs: [JobKindStats; JobKind::ALL.len()],
    /// By route, then method: looked up with borrowed strings, allocated once per pair.
    http: Mutex<HashMap<String, HashMap<String, RouteStats>>>,
    /// Worker threads alive.
    pub workers: AtomicU64,
    /// Passwords checked at sign-in (attempts the login throttle let through).
    pub password_checks: AtomicU64,
    /// Jobs not run because this is a read-only replica.
    pub jobs_paused: AtomicU64,
    /// Saved-search alert mails written: instant, daily.
    pub alerts_sent: [AtomicU64; 2],
}

#[derive(Default)]
struct RouteStats {
    statuses: HashMap<u16, u64>,
    latency: Histogram,
}

impl Metrics {
    /// Every job kind's counters now, in [`JobKind::ALL`] order.
    pub fn job_snapshots(&self) -> Vec<JobSnapshot> {
        JobKind::ALL
            .iter()
            .map(|&kind| {
                let s = self.job(kind);
                let n = |c: &AtomicU64| c.load(Ordering::Relaxed);
                JobSnapshot {
                    kind: kind.label(),
                    counts: [
                        n(&s.submitted),
                        n(&s.completed),
                        n(&s.failed),
                        n(&s.retried),
                        n(&s.overflowed),
                        n(&s.coalesced),
                        n(&s.dropped),
                    ],
                    p50: s.duration.quantile(0.5),
                    p99: s.duration.quantile(0.99),
                }
            })
            .collect()
    }

    /// Everything counted so far (for the dashboard's minute samples).
    pub fn totals(&self) -> Totals {
        let mut t = Totals::default();
        let add = |into: &mut Buckets, b: Buckets| {
            for (i, n) in b.iter().enumerate() {
                into[i] += n;
            }
        };
        for s in &self.jobs {
            t.jobs_completed += s.completed.load(Ordering::Relaxed);
            t.jobs_failed += s.failed.load(Ordering::Relaxed);
            add(&mut t.job_buckets, s.duration.buckets());
        }
        let http = self.http.lock().unwrap_or_else(|p| p.into_inner());
        for stats in http.values().flat_map(|m| m.values()) {
            t.requests += stats.latency.count();
            add(&mut t.request_buckets, stats.latency.buckets());
        }
        t
    }

    /// The counters of a job kind.
    pub fn job(&self, kind: JobKind) -> &JobKindStats {
        &self.jobs[kind.index()]
    }

    /// Records one HTTP request.
    pub fn observe_request(&self, method: &str, route: &str, status: u16, d: Duration) {
        let mut http = self.http.lock().unwrap_or_else(|p| p.into_inner());
        if !http.contains_key(route) {
            http.insert(route.to_owned(), HashMap::new());
        }
        let Some(by_method) = http.get_mut(route) else { return };
        if !by_method.contains_key(method) {
            by_method.insert(method.to_owned(), RouteStats::default());
        }
        let Some(stats) = by_method.get_mut(method) else { return };
        *stats.statuses.entry(status).or_default() += 1;
        stats.latency.observe(d);
    }

    /// Prometheus text exposition.
    pub fn render(&self, queue_depth: usize, overflow_depth: usize) -> String {
        let mut out = String::with_capacity(8192);
        for (name, help, pick) in [
            ("uzmat_jobs_submitted_total", "Jobs accepted.", 0),
            ("uzmat_jobs_completed_total", "Jobs finished.", 1),
            ("uzmat_jobs_failed_total", "Jobs failed or panicked.", 2),
            ("uzmat_jobs_retried_total", "Job retries on a busy database.", 3),
            ("uzmat_jobs_overflowed_total", "Jobs kept aside because the queue was full.", 4),
            ("uzmat_jobs_coalesced_total", "Jobs merged into pending work (queue full).", 5),
            ("uzmat_jobs_dropped_total", "Jobs lost because queue and overflow were full.", 6),
        ] {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
            for kind in JobKind::ALL {
                let s = self.job(kind);
                let c = [
                    &s.submitted,
                    &s.completed,
                    &s.failed,
                    &s.retried,
                    &s.overflowed,
                    &s.coalesced,
                    &s.dropped,
                ][pick];
                let (kind, n) = (kind.label(), c.load(Ordering::Relaxed));
                let _ = writeln!(out, "{name}{{kind=\"{kind}\"}} {n}");
            }
        }
        let _ = writeln!(
            out,
            "# HELP uzmat_jobs_queue_depth Jobs waiting in the channel.\n# TYPE uzmat_jobs_queue_depth gauge\nuzmat_jobs_queue_depth {queue_depth}"
        );
        let _ = writeln!(
            out,
            "# HELP uzmat_jobs_overflow_depth Jobs waiting in the overflow buffer.\n# TYPE uzmat_jobs_overflow_depth gauge\nuzmat_jobs_overflow_depth {overflow_depth}"
        );
        let _ = writeln!(
            out,
            "# HELP uzmat_jobs_workers Worker threads alive.\n# TYPE uzmat_jobs_workers gauge\nuzmat_jobs_workers {}",
            self.workers.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP uzmat_password_checks_total Passwords checked at sign-in.\n# TYPE uzmat_password_checks_total counter\nuzmat_password_checks_total {}",
            self.password_checks.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP uzmat_jobs_paused_total Jobs not run: this is a read-only replica.\n# TYPE uzmat_jobs_paused_total counter\nuzmat_jobs_paused_total {}",
            self.jobs_paused.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP uzmat_alerts_sent_total Saved-search alert mails written.\n# TYPE uzmat_alerts_sent_total counter"
        );
        for (i, frequency) in ["instant", "daily"].iter().enumerate() {
            let n = self.alerts_sent[i].load(Ordering::Relaxed);
            let _ = writeln!(out, "uzmat_alerts_sent_total{{frequency=\"{frequency}\"}} {n}");
        }
        let _ = writeln!(
            out,
            "# HELP uzmat_job_duration_seconds Time to run a job.\n# TYPE uzmat_job_duration_seconds histogram"
        );
        for kind in JobKind::ALL {
            let labels = format!("kind=\"{}\"", kind.label());
            self.job(kind).duration.render(&mut out, "uzmat_job_duration_seconds", &labels);
        }
        let http = self.http.lock().unwrap_or_else(|p| p.into_inner());
        let mut routes: Vec<_> = http
            .iter()
            .flat_map(|(route, by_method)| {
                by_method.iter().map(move |(method, s)| ((method, route), s))
            })
            .collect();
        routes.sort_by(|a, b| a.0.cmp(&b.0));
        let _ = writeln!(
            out,
            "# HELP uzmat_http_requests_total HTTP requests by route and status.\n# TYPE uzmat_http_requests_total counter"
        );
        for ((method, route), s) in &routes {
            let mut statuses: Vec<_> = s.statuses.iter().collect();
            statuses.sort();
            for (status, n) in statuses {
                let _ = writeln!(
                    out,
                    "uzmat_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {n}"
                );
            }
        }
        let _ = writeln!(
            out,
            "# HELP uzmat_http_request_duration_seconds HTTP latency by route.\n# TYPE uzmat_http_request_duration_seconds histogram"
        );
        for ((method, route), s) in &routes {
            s.latency.render(
                &mut out,
                "uzmat_http_request_duration_seconds",
                &format!("method=\"{method}\",route=\"{route}\""),
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_quantiles_and_text() {
        let h = Histogram::default();
        for ms in [1, 1, 1, 40] {
            h.observe(Duration::from_millis(ms));
        }
        assert_eq!(h.quantile(0.5), Some(0.001));
        assert_eq!(h.quantile(1.0), Some(0.05));
        let m = Metrics::default();
        m.job(JobKind::View).submitted.fetch_add(3, Ordering::Relaxed);
        m.observe_request("GET", "/", 200, Duration::from_millis(2));
        let text = m.render(7, 0);
        assert!(text.contains("uzmat_jobs_submitted_total{kind=\"view\"} 3"));
        for kind in JobKind::ALL {
            let line = format!("uzmat_jobs_failed_total{{kind=\"{}\"}} 0\n", kind.label());
            assert_eq!(text.matches(&line).count(), 1, "{line}");
        }
        assert!(text.contains("uzmat_jobs_queue_depth 7"));
        assert!(
            text.contains("uzmat_http_requests_total{method=\"GET\",route=\"/\",status=\"200\"} 1")
        );
    }
}
