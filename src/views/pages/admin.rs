//! The staff dashboard: per job kind counts and latency, queue depth, workers.

use std::sync::atomic::Ordering;

use maud::{Markup, html};

use crate::jobs::JobKind;
use crate::metrics::Metrics;
use crate::views::layout::{self, Head};
use crate::web::extract::PageCtx;

fn ms(q: Option<f64>) -> String {
    match q {
        Some(s) if s.is_finite() => format!("≤ {} ms", s * 1000.0),
        Some(_) => "> 2500 ms".into(),
        None => "—".into(),
    }
}

/// Renders the dashboard.
pub fn page(ctx: &PageCtx, m: &Metrics, queue: usize, overflow: usize) -> Markup {
    let t = |k| ctx.lang.t(k);
    let body = html! {
        h1 { (t("admin.title")) }
        p #job-summary { (t("admin.queue")) ": " strong { (queue) } " · " (t("admin.overflow")) ": " strong { (overflow) }
          " · " (t("admin.workers")) ": " strong { (m.workers.load(Ordering::Relaxed)) } }
        div.table-wrap {
            table.jobs {
                thead { tr {
                    th { (t("admin.kind")) } th { "submitted" } th { "completed" } th { "failed" } th { "retried" }
                    th { "overflowed" } th { "coalesced" } th { "dropped" } th { "p50" } th { "p99" }
                } }
                tbody {
                    @for kind in JobKind::ALL {
                        @let s = m.job(kind);
                        tr data-kind=(kind.label()) {
                            td { (kind.label()) }
                            td { (s.submitted.load(Ordering::Relaxed)) }
                            td { (s.completed.load(Ordering::Relaxed)) }
                            td { (s.failed.load(Ordering::Relaxed)) }
                            td { (s.retried.load(Ordering::Relaxed)) }
                            td { (s.overflowed.load(Ordering::Relaxed)) }
                            td { (s.coalesced.load(Ordering::Relaxed)) }
                            td { (s.dropped.load(Ordering::Relaxed)) }
                            td { (ms(s.duration.quantile(0.5))) }
                            td { (ms(s.duration.quantile(0.99))) }
                        }
                    }
                }
            }
        }
    };
    layout::page(ctx, Head { title: t("admin.title"), ..Head::default() }, body)
}
