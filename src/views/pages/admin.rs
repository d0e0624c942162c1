//! The staff console: dashboard with charts of the last day, the reports and review queues,
//! users, ads, the audit log and broadcasts.

use maud::{Markup, html};

use crate::domain::admin::{AdRow, Sample, Stats, UserRow};
use crate::domain::audit::{self, Entry};
use crate::domain::broadcast::Progress;
use crate::domain::moderation::{HeldAd, QueueItem, Subject};
use crate::domain::payments::Payment;
use crate::i18n::{Lang, group_thousands};
use crate::metrics::JobSnapshot;
use crate::views::ctx::PageCtx;
use crate::views::forms::csrf;
use crate::views::layout::{self, Head};
use crate::views::text::Text;

fn ms(q: Option<f64>) -> String {
    match q {
        Some(s) if s.is_finite() => format!("≤ {} ms", s * 1000.0),
        Some(_) => "> 2500 ms".into(),
        None => "—".into(),
    }
}

fn bytes(n: u64) -> String {
    match n {
        0..1_048_576 => format!("{} KB", n / 1024),
        1_048_576..1_073_741_824 => format!("{:.1} MB", n as f64 / 1_048_576.0),
        _ => format!("{:.2} GB", n as f64 / 1_073_741_824.0),
    }
}

/// The staff console's sections.
pub fn nav(l: Lang) -> Markup {
    html! {
        nav.admin-nav aria-label=(l.t("admin.title")) {
            a href="/admin" { (l.t("admin.dashboard")) }
            a href="/admin/reports" { (l.t("admin.reports")) }
            a href="/admin/review" { (l.t("admin.review")) }
            a href="/admin/users" { (l.t("admin.users")) }
            a href="/admin/ads" { (l.t("admin.ads")) }
            a href="/admin/payments" { (l.t("admin.payments")) }
            a href="/admin/badges" { (l.t("admin.badges")) }
            a href="/chats?support=1" { (l.t("chat.support_inbox")) }
            a href="/admin/broadcast" { (l.t("admin.broadcast")) }
            a href="/admin/audit" { (l.t("admin.audit")) }
        }
    }
}

/// What the dashboard shows.
pub struct Dashboard<'a> {
    /// Counts.
    pub stats: &'a Stats,
    /// The uploads folder's size.
    pub uploads_bytes: u64,
    /// The last day's minutes.
    pub samples: &'a [Sample],
    /// Per job kind.
    pub jobs: &'a [JobSnapshot],
    /// Worker threads alive.
    pub workers: u64,
    /// Jobs queued.
    pub queue: usize,
    /// Views in the overflow buffer.
    pub overflow: usize,
    /// Live chat sockets.
    pub sockets: usize,
    /// The currency rates in use.
    pub rates: &'a [crate::domain::rates::Stored],
    /// Where they are refreshed from.
    pub feed: super::rates::Feed<'a>,
}

/// A line chart of one series over the last 24 hours, drawn on the server (no script needed).
/// The plot is an inner SVG of fixed coordinates stretched to the chart's box (the lines keep
/// their width: `vector-effect` in the stylesheet); the labels and the lone dot live in the
/// outer SVG, placed by percentages, so they are never stretched or squashed with the plot.
fn chart(
    l: Lang,
    id: &str,
    title_key: &'static str,
    samples: &[Sample],
    now: i64,
    value: impl Fn(&Sample) -> f64,
    unit: &str,
) -> Markup {
    const W: f64 = 720.0;
    const H: f64 = 140.0;
    const PAD: f64 = 28.0;
    let max = samples.iter().map(&value).fold(0.0_f64, f64::max);
    let top = if max <= 0.0 { 1.0 } else { max * 1.1 };
    let x =
        |at: i64| PAD + (W - PAD - 6.0) * (1.0 - ((now - at).clamp(0, 86_400) as f64 / 86_400.0));
    let y = |v: f64| H - 18.0 - (H - 30.0) * (v / top);
    let points: String =
        samples.iter().map(|s| format!("{:.1},{:.1} ", x(s.at), y(value(s)))).collect();
    let last = samples.last().map(&value).unwrap_or(0.0);
    let label =
        |v: f64| if v >= 100.0 { group_thousands(v.round() as i64) } else { format!("{v:.1}") };
    let pct_x = |v: f64| format!("{:.2}%", v / W * 100.0);
    let pct_y = |v: f64| format!("{:.2}%", v / H * 100.0);
    html! {
        figure.chart #(id) {
            figcaption {
                strong { (l.t(title_key)) } " "
                span.muted { (l.t("admin.chart_now")) " " (label(last)) " " (unit) " · " (l.t("admin.chart_max")) " " (label(max)) " " (unit) }
            }
            svg.chart-svg width="100%" height="150" role="img" aria-label=(l.t(title_key)) {
                svg.chart-plot width="100%" height="100%" viewBox=(format!("0 0 {W} {H}")) preserveAspectRatio="none" aria-hidden="true" {
                    line.grid x1=(PAD) y1=(y(max)) x2=(W - 6.0) y2=(y(max)) {}
                    line.axis x1=(PAD) y1=(H - 18.0) x2=(W - 6.0) y2=(H - 18.0) {}
                    line.axis x1=(PAD) y1="10" x2=(PAD) y2=(H - 18.0) {}
                    @if samples.len() > 1 {
                        polyline.series points=(points) {}
                    }
                }
                @if samples.len() == 1 {
                    @let s = &samples[0];
                    circle.series-dot cx=(pct_x(x(s.at))) cy=(pct_y(y(value(s)))) r="3.5" {}
                }
                text.tick.tick-max x=(pct_x(PAD)) dx="5" y=(pct_y(y(max))) dy="-5" { (label(max)) }
                @for (h, t, anchor) in [(24, "−24 h", "start"), (18, "−18 h", "middle"), (12, "−12 h", "middle"), (6, "−6 h", "middle"), (0, "0", "end")] {
                    text.tick x=(pct_x(x(now - h * 3600))) y="100%" dy="-3" text-anchor=(anchor) { (t) }
                }
            }
            @if samples.is_empty() { p.muted { (l.t("admin.chart_empty")) } }
        }
    }
}

/// `GET /admin`.
pub fn dashboard(ctx: &PageCtx, d: &Dashboard<'_>) -> Markup {
    let l = ctx.lang;
    let t = |k| l.t(k);
    let s = d.stats;
    let paid = |list: &[(String, i64, i64)]| -> String {
        if list.is_empty() {
            return "0".into();
        }
        list.iter()
            .map(|(c, n, minor)| format!("{n} · {} {c}", group_thousands(minor / 100)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let body = html! {
        h1 { (t("admin.title")) }
        (nav(l))
        div.stat-grid #stats {
            div.stat { span.muted { (t("admin.users")) } strong { (group_thousands(s.users)) } span.muted { (t("admin.banned_count")) ": " (s.banned) } }
            div.stat { span.muted { (t("admin.ads")) } strong { (group_thousands(s.ads_active)) } span.muted { (t("admin.of_total")) " " (group_thousands(s.ads_total)) } }
            div.stat { span.muted { (t("admin.promotions")) } strong { (s.promotions) } }
            div.stat { span.muted { (t("admin.badges_active")) } strong { (s.badges) } }
            div.stat { span.muted { (t("admin.paid_today")) } strong { (paid(&s.paid_today)) } }
            div.stat { span.muted { (t("admin.paid_week")) } strong { (paid(&s.paid_week)) } }
            a.stat href="/admin/reports" { span.muted { (t("admin.reports")) } strong { (s.reports_waiting) } }
            a.stat href="/admin/review" { span.muted { (t("admin.review")) } strong { (s.review_waiting) } }
            a.stat href="/admin/badges" { span.muted { (t("admin.badges")) } strong { (s.badges_waiting) } }
            div.stat { span.muted { (t("admin.db_size")) } strong { (bytes(s.db_bytes as u64)) } span.muted { (t("admin.uploads_size")) ": " (bytes(d.uploads_bytes)) } }
            div.stat { span.muted { (t("admin.sockets")) } strong { (d.sockets) } }
        }
        div.charts {
            (chart(l, "chart-requests", "admin.chart_requests", d.samples, ctx.now, |s| s.requests as f64, ""))
            (chart(l, "chart-latency", "admin.chart_latency", d.samples, ctx.now, |s| s.request_p99_ms, "ms"))
            (chart(l, "chart-jobs", "admin.chart_jobs", d.samples, ctx.now, |s| s.jobs_completed as f64, ""))
            (chart(l, "chart-failed", "admin.chart_failed", d.samples, ctx.now, |s| s.jobs_failed as f64, ""))
            (chart(l, "chart-queue", "admin.chart_queue", d.samples, ctx.now, |s| s.queue as f64, ""))
            (chart(l, "chart-job-latency", "admin.chart_job_latency", d.samples, ctx.now, |s| s.job_p99_ms, "ms"))
        }
        h2 { (t("admin.jobs")) }
        p #job-summary { (t("admin.queue")) ": " strong { (d.queue) } " · " (t("admin.overflow")) ": " strong { (d.overflow) }
          " · " (t("admin.workers")) ": " strong { (d.workers) } }
        div.table-wrap tabindex="0" role="region" aria-label=(l.t("a11y.table")) {
            table.jobs {
                thead { tr {
                    th { (t("admin.kind")) } th { "submitted" } th { "completed" } th { "failed" } th { "retried" }
                    th { "overflowed" } th { "coalesced" } th { "dropped" } th { "p50" } th { "p99" }
                } }
                tbody {
                    @for j in d.jobs {
                        tr data-kind=(j.kind) {
                            td { (j.kind) }
                            @for n in j.counts { td.num { (n) } }
                            td { (ms(j.p50)) }
                            td { (ms(j.p99)) }
                        }
                    }
                }
            }
        }
        (super::rates::table(ctx, d.rates, &d.feed))
    };
    layout::page(ctx, Head { title: t("admin.title"), ..Head::default() }, body)
}

fn reason_label(l: Lang, r: &str) -> &'static str {
    match r {
        "spam" => l.t("report.spam"),
        "fraud" => l.t("report.fraud"),
        "abuse" => l.t("report.abuse"),
        "prohibited" => l.t("report.prohibited"),
        _ => l.t("report.other"),
    }
}

/// A form posting a text to `action` (hide, warn, ban), resolving the item's target.
fn text_action(
    ctx: &PageCtx,
    action: &str,
    item: Option<&QueueItem>,
    placeholder: &'static str,
    button: &'static str,
    danger: bool,
) -> Markup {
    let l = ctx.lang;
    html! {
        form.inline-action method="post" action=(action) {
            (csrf(ctx))
            @if let Some(i) = item {
                @let (kind, id) = i.target.parts();
                input type="hidden" name="kind" value=(kind);
                input type="hidden" name="id" value=(id);
                input type="hidden" name="back" value="/admin/reports";
            } @else {
                // back to the page the form is on (a user's page, a search)
                input type="hidden" name="back" value=(Text(&ctx.here()));
            }
            input type="text" name="text" required minlength="3" maxlength="2000" placeholder=(l.t(placeholder)) aria-label=(l.t(placeholder));
            button.btn.btn-small.btn-danger[danger].btn-ghost[!danger] type="submit" { (l.t(button)) }
        }
    }
}

/// `GET /admin/reports`.
pub fn reports(ctx: &PageCtx, items: &[QueueItem]) -> Markup {
    let l = ctx.lang;
    let body = html! {
        h1 { (l.t("admin.reports")) }
        (nav(l))
        @if items.is_empty() { p.empty { (l.t("admin.reports_empty")) } }
        @for i in items {
            @let (kind, id) = i.target.parts();
            article.panel.report-item data-target=(format!("{kind}:{id}")) {
                header.report-head {
                    span.chip { (l.t(match kind { "ad" => "admin.target_ad", "user" => "admin.target_user", _ => "admin.target_message" })) }
                    @if i.reports > 0 { strong { (Text(&l.plural("count.reports", i.reports))) } }
                    @for r in &i.reasons { span.chip { (reason_label(l, r)) } }
                    @if let Some(w) = &i.flagged_word { span.chip.flag { (l.t("admin.flagged")) ": «" (Text(w)) "»" } }
                    @if let Some(other) = &i.similar_photos {
                        span.chip.flag.similar-photos { (l.t("admin.similar_photos")) ": " a href=(other.path()) { (Text(&other.title)) } }
                    }
                    span.muted { (Text(&l.ago(i.last_at, ctx.now))) }
                }
                div.report-subject {
                    @match &i.subject {
                        Subject::Ad { id, title, slug, owner, owner_name, active, hidden_reason } => {
                            p { a href=(format!("/ad/{id}-{slug}")) { strong { (Text(title)) } } " — "
                                a href=(format!("/admin/users/{owner}")) { (Text(owner_name)) }
                                " · " (l.t(if *active { "my.active" } else { "my.inactive" })) }
                            @if let Some(r) = hidden_reason { p.muted { (l.t("admin.hidden_because")) ": " (Text(r)) } }
                        }
                        Subject::User { id, name, email, banned } => {
                            p { a href=(format!("/admin/users/{id}")) { strong { (Text(name)) } } " · " (Text(email))
                                @if *banned { " · " span.chip.flag { (l.t("admin.banned")) } } }
                        }
                        Subject::Message { text, author, author_name, .. } => {
                            blockquote.reported-message { (Text(text)) }
                            p.muted { (l.t("admin.author")) ": " a href=(format!("/admin/users/{author}")) { (Text(author_name)) } }
                        }
                        Subject::Gone => p.muted { (l.t("admin.gone")) },
                    }
                    @for c in &i.comments { p.report-comment { "«" (Text(c)) "»" } }
                }
                div.report-actions {
                    form.inline-action method="post" action="/admin/reports/dismiss" {
                        (csrf(ctx))
                        input type="hidden" name="kind" value=(kind);
                        input type="hidden" name="id" value=(id);
                        button.btn.btn-small.btn-ghost type="submit" { (l.t("admin.dismiss")) }
                    }
                    @if let Subject::Ad { id: ad, .. } = &i.subject {
                        (text_action(ctx, &format!("/admin/ads/{ad}/hide"), Some(i), "admin.reason", "admin.hide", true))
                    }
                    @if let Some(u) = i.subject.user() {
                        (text_action(ctx, &format!("/admin/users/{u}/warn"), Some(i), "admin.warning_text", "admin.warn", false))
                        (text_action(ctx, &format!("/admin/users/{u}/ban"), Some(i), "admin.reason", "admin.ban", true))
                    }
                }
            }
        }
    };
    layout::page(ctx, Head { title: l.t("admin.reports"), ..Head::default() }, body)
}

/// `GET /admin/review`.
pub fn review(ctx: &PageCtx, list: &[HeldAd]) -> Markup {
    let l = ctx.lang;
    let body = html! {
        h1 { (l.t("admin.review")) }
        (nav(l))
        @if list.is_empty() { p.empty { (l.t("admin.review_empty")) } }
        @for HeldAd { id, title, slug, owner_name: owner, hidden_reason: hidden } in list {
            article.panel.review-item data-ad-id=(id) {
                p { a href=(format!("/ad/{id}-{slug}")) { strong { (Text(title)) } } " — " (Text(owner)) }
                @if !hidden.is_empty() { p.muted { (l.t("admin.hidden_because")) ": " (Text(hidden)) " · " (l.t("admin.edited_since")) } }
                div.report-actions {
                    form.inline-action method="post" action=(format!("/admin/ads/{id}/approve")) {
                        (csrf(ctx))
                        button.btn.btn-small type="submit" { (l.t("admin.approve")) }
                    }
                    (text_action(ctx, &format!("/admin/ads/{id}/reject"), None, "admin.reason", "admin.reject", true))
                }
            }
        }
    };
    layout::page(ctx, Head { title: l.t("admin.review"), ..Head::default() }, body)
}

fn search_form(l: Lang, action: &str, q: &str, placeholder: &'static str) -> Markup {
    html! {
        form.filters-inline method="get" action=(action) role="search" {
            input type="search" name="q" value=(q) placeholder=(l.t(placeholder)) aria-label=(l.t(placeholder));
            button.btn.btn-small type="submit" { (l.t("admin.search")) }
        }
    }
}

/// `GET /admin/users`.
pub fn users(ctx: &PageCtx, q: &str, list: &[UserRow]) -> Markup {
    let l = ctx.lang;
    let body = html! {
        h1 { (l.t("admin.users")) }
        (nav(l))
        (search_form(l, "/admin/users", q, "admin.user_search"))
        div.table-wrap tabindex="0" role="region" aria-label=(l.t("a11y.table")) {
            table.users {
                thead { tr { th { "id" } th { (l.t("form.name")) } th { "e-mail" } th { (l.t("form.phone")) } th { (l.t("payment.state")) } th { (l.t("seller.since")) } } }
                tbody {
                    @for u in list {
                        tr {
                            td.num.row-id { (u.id) }
                            td.row-name { a href=(format!("/admin/users/{}", u.id)) { (Text(&u.name)) } }
                            td data-label="e-mail" { (Text(&u.email)) }
                            td.nowrap data-label=(l.t("form.phone")) { (Text(u.phone.as_deref().unwrap_or("—"))) }
                            td data-label=(l.t("payment.state")) {
                                @if u.is_staff { span.chip { (l.t("admin.staff")) } " " }
                                @if u.ban.is_some() { span.chip.flag { (l.t("admin.banned")) } }
                                @if !u.is_staff && u.ban.is_none() { span.muted { "—" } }
                            }
                            td.nowrap data-label=(l.t("seller.since")) { (Text(&l.date(u.created_at))) }
                        }
                    }
                }
            }
        }
    };
    layout::page(ctx, Head { title: l.t("admin.users"), ..Head::default() }, body)
}

fn ads_table(ctx: &PageCtx, list: &[AdRow]) -> Markup {
    let l = ctx.lang;
    html! {
        div.table-wrap tabindex="0" role="region" aria-label=(l.t("a11y.table")) {
            table.ads {
                thead { tr { th { "id" } th { (l.t("admin.ad")) } th { (l.t("admin.owner")) } th { (l.t("payment.state")) } th { (l.t("admin.actions")) } } }
                tbody {
                    @for a in list {
                        tr data-ad-id=(a.id) {
                            td.num.row-id { (a.id) }
                            td.row-name { a href=(format!("/ad/{}-{}", a.id, a.slug)) { (Text(&a.title)) }
                                 @if let Some(p) = &a.plan { " " span.plan-badge.(p) { (p.to_uppercase()) } } }
                            td data-label=(l.t("admin.owner")) { a href=(format!("/admin/users/{}", a.owner)) { (Text(&a.owner_name)) } }
                            td data-label=(l.t("payment.state")) {
                                @if let Some(r) = &a.hidden { span.chip.flag { (l.t("admin.hidden")) } " " span.muted { (Text(r)) } }
                                @else if a.held { span.chip { (l.t("admin.held")) } }
                                @else { (l.t(if a.active { "my.active" } else { "my.inactive" })) }
                            }
                            td.row-actions data-label=(l.t("admin.actions")) {
                                @if a.hidden.is_some() || a.held {
                                    form.inline-action method="post" action=(format!("/admin/ads/{}/unhide", a.id)) {
                                        (csrf(ctx))
                                        input type="hidden" name="back" value=(Text(&ctx.here()));
                                        button.btn.btn-small.btn-ghost type="submit" { (l.t("admin.unhide")) }
                                    }
                                } @else {
                                    (text_action(ctx, &format!("/admin/ads/{}/hide", a.id), None, "admin.reason", "admin.hide", true))
                                }
                                form.inline-action method="post" action=(format!("/admin/ads/{}/plan", a.id)) {
                                    (csrf(ctx))
                                    input type="hidden" name="back" value=(Text(&ctx.here()));
                                    select name="plan" aria-label=(l.t("payment.plan")) {
                                        option value="gold" { "GOLD" } option value="premium" { "PREMIUM" } option value="vip" { "VIP" }
                                    }
                                    button.btn.btn-small.btn-ghost type="submit" { (l.t("admin.grant_plan")) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /admin/ads`.
pub fn ads(ctx: &PageCtx, q: &str, list: &[AdRow]) -> Markup {
    let l = ctx.lang;
    let body = html! {
        h1 { (l.t("admin.ads")) }
        (nav(l))
        (search_form(l, "/admin/ads", q, "admin.ad_search"))
        (ads_table(ctx, list))
    };
    layout::page(ctx, Head { title: l.t("admin.ads"), ..Head::default() }, body)
}

/// What a user's page shows.
pub struct UserPage<'a> {
    /// The account.
    pub user: &'a UserRow,
    /// Its ads.
    pub ads: &'a [AdRow],
    /// Its payments.
    pub payments: &'a [Payment],
    /// Reports about them, and by them.
    pub reports: (i64, i64),
    /// Live sessions: (created, last seen, expires).
    pub sessions: &'a [(i64, i64, i64)],
}

/// `GET /admin/users/{id}`.
pub fn user(ctx: &PageCtx, p: &UserPage<'_>) -> Markup {
    let l = ctx.lang;
    let u = p.user;
    let post = |path: &str, key: &'static str| {
        html! {
            form.inline-action method="post" action=(format!("/admin/users/{}/{path}", u.id)) {
                (csrf(ctx))
                button.btn.btn-small.btn-ghost type="submit" { (l.t(key)) }
            }
        }
    };
    let body = html! {
        h1 { (Text(&u.name)) " " span.muted { "#" (u.id) } }
        (nav(l))
        section.panel #user-facts {
            p { (Text(&u.email)) " · " (Text(u.phone.as_deref().unwrap_or("—"))) " · " (l.t("admin.joined")) " " (Text(&l.date(u.created_at))) }
            p {
                @if u.is_staff { span.chip { (l.t("admin.staff")) } " " }
                @if u.email_verified { span.chip { (l.t("account.email_verified")) } " " } @else { span.chip { (l.t("account.email_unverified")) } " " }
                @if let Some(b) = u.badge_until.filter(|b| *b > ctx.now) { span.chip { (l.t("badge.active")) " " (Text(&l.date(b))) } " " }
                @if let Some(r) = &u.ban { span.chip.flag #banned { (l.t("admin.banned")) ": " (Text(r)) } }
            }
            p { (l.t("admin.reports_about")) ": " strong { (p.reports.0) } " · " (l.t("admin.reports_by")) ": " strong { (p.reports.1) }
                " · " (l.t("admin.sessions")) ": " strong { (p.sessions.len()) }
                " · " a href=(format!("/seller/{}", u.id)) { (l.t("admin.seller_page")) } }
        }
        section.panel.user-actions {
            h2 { (l.t("admin.actions")) }
            (text_action(ctx, &format!("/admin/users/{}/warn", u.id), None, "admin.warning_text", "admin.warn", false))
            @if u.ban.is_some() {
                (post("unban", "admin.unban"))
            } @else if !u.is_staff {
                (text_action(ctx, &format!("/admin/users/{}/ban", u.id), None, "admin.reason", "admin.ban", true))
            }
            div.report-actions {
                @if u.is_staff { (post("unstaff", "admin.unstaff")) } @else { (post("staff", "admin.make_staff")) }
                @if !u.email_verified { (post("verify-email", "admin.verify_email")) }
                (post("sign-out", "admin.sign_out"))
            }
        }
        h2 { (l.t("admin.ads")) }
        @if p.ads.is_empty() { p.muted { "—" } } @else { (ads_table(ctx, p.ads)) }
        h2 { (l.t("admin.payments")) }
        @if p.payments.is_empty() { p.muted { "—" } }
        ul {
            @for pay in p.payments {
                li { a href=(format!("/payments/{}", pay.public_id)) { code { (pay.public_id) } } " · "
                     (Text(&crate::views::pages::payments::money(pay.amount_minor, pay.currency))) " · " (pay.state.code()) }
            }
        }
    };
    layout::page(ctx, Head { title: l.t("admin.users"), ..Head::default() }, body)
}

/// `GET /admin/audit`.
pub fn audit(
    ctx: &PageCtx,
    list: &[Entry],
    f: &audit::Filter,
    page: i64,
    has_next: bool,
) -> Markup {
    let l = ctx.lang;
    let action = f.action.as_deref().unwrap_or("");
    let staff = f.staff.map(|s| s.to_string()).unwrap_or_default();
    let href = |n: i64| format!("/admin/audit?action={action}&staff={staff}&page={n}");
    let body = html! {
        h1 { (l.t("admin.audit")) }
        (nav(l))
        form.filters-inline method="get" action="/admin/audit" {
            select name="action" aria-label=(l.t("admin.action")) {
                option value="" { (l.t("admin.any_action")) }
                @for a in audit::ACTIONS { option value=(a) selected[a == action] { (a) } }
            }
            input type="text" name="staff" value=(staff) placeholder=(l.t("admin.staff_id")) aria-label=(l.t("admin.staff_id")) inputmode="numeric";
            button.btn.btn-small type="submit" { (l.t("admin.filter")) }
        }
        div.table-wrap tabindex="0" role="region" aria-label=(l.t("a11y.table")) {
            table.audit {
                thead { tr { th { (l.t("admin.when")) } th { (l.t("admin.staff")) } th { (l.t("admin.action")) } th { (l.t("admin.target")) } th { (l.t("admin.comment")) } } }
                tbody {
                    @for e in list {
                        tr data-action=(e.action) {
                            td.nowrap data-label=(l.t("admin.when")) { (Text(&l.date(e.at))) " " span.muted { (Text(&l.ago(e.at, ctx.now))) } }
                            td data-label=(l.t("admin.staff")) { a href=(format!("/admin/users/{}", e.staff)) { (Text(&e.staff_name)) } }
                            td data-label=(l.t("admin.action")) { code { (e.action) } }
                            td.nowrap data-label=(l.t("admin.target")) {
                                @match e.target_kind.as_str() {
                                    "user" => a href=(format!("/admin/users/{}", e.target_id)) { "user #" (e.target_id) },
                                    "ad" => a href=(format!("/ad/{}", e.target_id)) { "ad #" (e.target_id) },
                                    k => span { (k) " #" (e.target_id) },
                                }
                            }
                            td.audit-comment data-label=(l.t("admin.comment")) { (Text(&e.comment)) }
                        }
                    }
                }
            }
        }
        @if page > 1 || has_next {
            nav.pagination {
                @if page > 1 { a.btn.btn-ghost href=(href(page - 1)) { "←" } }
                span { (page) }
                @if has_next { a.btn.btn-ghost href=(href(page + 1)) { "→" } }
            }
        }
    };
    layout::page(ctx, Head { title: l.t("admin.audit"), ..Head::default() }, body)
}

/// A broadcast's audience as the form names it (`all`, `sellers`, `verified`, `country:kz`).
fn audience_label(l: Lang, code: &str) -> String {
    match code {
        "all" => l.t("admin.audience_all").to_owned(),
        "sellers" => l.t("admin.audience_sellers").to_owned(),
        "verified" => l.t("admin.audience_verified").to_owned(),
        c => match c.strip_prefix("country:") {
            Some(cc) => format!("{}: {}", l.t("admin.audience_country"), cc.to_uppercase()),
            None => c.to_owned(),
        },
    }
}

/// `GET /admin/broadcast`.
pub fn broadcasts(ctx: &PageCtx, list: &[Progress]) -> Markup {
    let l = ctx.lang;
    let body = html! {
        h1 { (l.t("admin.broadcast")) }
        (nav(l))
        form.form.panel #broadcast-form method="post" action="/admin/broadcast" {
            (csrf(ctx))
            label for="b-text" { (l.t("admin.broadcast_text")) }
            textarea #b-text name="text" rows="4" required minlength="3" maxlength="5000" {}
            label for="b-audience" { (l.t("admin.audience")) }
            select #b-audience name="audience" {
                option value="all" { (l.t("admin.audience_all")) }
                option value="sellers" { (l.t("admin.audience_sellers")) }
                option value="verified" { (l.t("admin.audience_verified")) }
                @for c in ["kz", "uz", "ru", "by"] {
                    option value=(format!("country:{c}")) { (l.t("admin.audience_country")) ": " (c.to_uppercase()) }
                }
            }
            label.check { input type="checkbox" name="by_mail" value="1" checked; " " (l.t("admin.broadcast_mail")) }
            button.btn type="submit" data-confirm=(l.t("admin.broadcast_confirm")) { (l.t("admin.broadcast_send")) }
        }
        @if !list.is_empty() {
            div.table-wrap tabindex="0" role="region" aria-label=(l.t("a11y.table")) {
                table.broadcasts {
                    thead { tr { th { (l.t("admin.when")) } th { (l.t("admin.audience")) } th { (l.t("admin.broadcast_text")) } th { (l.t("admin.progress")) } } }
                    tbody {
                        @for b in list {
                            tr data-broadcast=(b.id) {
                                td.nowrap data-label=(l.t("admin.when")) { (Text(&l.date(b.created_at))) }
                                td data-label=(l.t("admin.audience")) { (Text(&audience_label(l, &b.audience))) }
                                td.broadcast-text data-label=(l.t("admin.broadcast_text")) { (Text(&crate::domain::chats::shorten(&b.text, 80))) }
                                td.broadcast-progress data-label=(l.t("admin.progress")) {
                                    progress value=(b.sent) max=(b.total.max(1)) {}
                                    " " (group_thousands(b.sent)) " / " (group_thousands(b.total))
                                    @if b.finished_at.is_some() { " ✓" }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    layout::page(ctx, Head { title: l.t("admin.broadcast"), ..Head::default() }, body)
}
