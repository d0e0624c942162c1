//! The staff dashboard: per job kind counts and latency, queue depth, workers.
use maud::{Markup, html};

use crate::metrics::JobSnapshot;
use crate::views::ctx::PageCtx;
use crate::views::layout::{self, Head};

fn ms(q: Option<f64>) -> String {
    match q {
        Some(s) if s.is_finite() => format!("≤ {} ms", s * 1000.0),
        Some(_) => "> 2500 ms".into(),
        None => "—".into(),
    }
}

/// The staff console's sections.
pub fn nav(l: crate::i18n::Lang) -> Markup {
    html! {
        nav.admin-nav aria-label=(l.t("admin.title")) {
            a href="/admin" { (l.t("admin.jobs")) }
            a href="/admin/payments" { (l.t("admin.payments")) }
            a href="/admin/badges" { (l.t("admin.badges")) }
            a href="/chats?support=1" { (l.t("chat.support_inbox")) }
        }
    }
}

/// Renders the dashboard: the job pool's queue, workers and per-kind counters.
pub fn page(
    ctx: &PageCtx,
    jobs: &[JobSnapshot],
    workers: u64,
    queue: usize,
    overflow: usize,
) -> Markup {
    let t = |k| ctx.lang.t(k);
    let body = html! {
        h1 { (t("admin.title")) }
        (nav(ctx.lang))
        p #job-summary { (t("admin.queue")) ": " strong { (queue) } " · " (t("admin.overflow")) ": " strong { (overflow) }
          " · " (t("admin.workers")) ": " strong { (workers) } }
        div.table-wrap {
            table.jobs {
                thead { tr {
                    th { (t("admin.kind")) } th { "submitted" } th { "completed" } th { "failed" } th { "retried" }
                    th { "overflowed" } th { "coalesced" } th { "dropped" } th { "p50" } th { "p99" }
                } }
                tbody {
                    @for s in jobs {
                        tr data-kind=(s.kind) {
                            td { (s.kind) }
                            @for n in s.counts { td { (n) } }
                            td { (ms(s.p50)) }
                            td { (ms(s.p99)) }
                        }
                    }
                }
            }
        }
    };
    layout::page(ctx, Head { title: t("admin.title"), ..Head::default() }, body)
}
