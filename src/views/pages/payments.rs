//! Money pages: an ad's promotion, a payment, the user's payments and staff's ledger.

use maud::{Markup, html};

use crate::domain::ads::Plan;
use crate::domain::geo::Currency;
use crate::domain::ids::AdId;
use crate::domain::payments::{Checkout, Item, Payment, ProviderId, State, ledger};
use crate::domain::promotions::{self, Segment};
use crate::i18n::{Lang, group_thousands};
use crate::views::ctx::PageCtx;
use crate::views::forms::csrf;
use crate::views::layout::{self, Head};
use crate::views::text::Text;

/// A plan on offer.
pub struct Offer {
    /// The plan.
    pub plan: Plan,
    /// Days it runs.
    pub days: u32,
    /// Its price.
    pub amount_minor: i64,
    /// In.
    pub currency: Currency,
}

/// "30 000 сум", "2.50 $".
pub fn money(amount_minor: i64, currency: Currency) -> String {
    let cents = amount_minor % 100;
    let whole = group_thousands(amount_minor / 100);
    if cents == 0 {
        format!("{whole} {}", currency.symbol())
    } else {
        format!("{whole}.{cents:02} {}", currency.symbol())
    }
}

fn plan_text(l: Lang, plan: Plan) -> &'static str {
    match plan {
        Plan::Gold => l.t("promote.gold_text"),
        Plan::Premium => l.t("promote.premium_text"),
        Plan::Vip => l.t("promote.vip_text"),
    }
}

fn state_label(l: Lang, s: State) -> &'static str {
    match s {
        State::Pending => l.t("payment.state.pending"),
        State::Prepared => l.t("payment.state.prepared"),
        State::Paid => l.t("payment.state.paid"),
        State::Cancelled => l.t("payment.state.cancelled"),
        State::Failed => l.t("payment.state.failed"),
    }
}

fn what(l: Lang, p: &Payment) -> String {
    match p.item {
        Item::Plan { plan, .. } => {
            format!(
                "{} {} · {}",
                l.t("payment.plan"),
                plan.label(),
                p.ad_title.as_deref().unwrap_or("")
            )
        }
        Item::Badge { .. } => l.t("payment.badge").to_owned(),
    }
}

/// `GET /ad/{id}/promote`.
pub fn promote(
    ctx: &PageCtx,
    ad: AdId,
    title: &str,
    timeline: &[Segment],
    offers: &[Offer],
) -> Markup {
    let l = ctx.lang;
    let body = html! {
        nav.breadcrumbs { a href="/my/ads" { (l.t("my.title")) } " / " span { (Text(title)) } }
        h1 { (l.t("promote.title")) }
        p.muted { (Text(title)) }
        section.panel #promotion-now {
            h2 { (l.t("promote.now")) }
            @if timeline.is_empty() {
                p { (l.t("promote.none")) }
            } @else {
                ol.timeline {
                    @for s in timeline {
                        li.running[s.starts_at <= ctx.now] {
                            span.plan-badge.(promotions::code(s.plan)) { (s.plan.label()) }
                            " " (l.t("promote.from")) " " (Text(&l.date(s.starts_at.max(ctx.now))))
                            " " (l.t("promote.until")) " " strong { (Text(&l.date(s.ends_at))) }
                        }
                    }
                }
            }
        }
        div.plans {
            @for o in offers {
                article.plan-offer.(promotions::code(o.plan)) {
                    h2 { span.plan-badge.(promotions::code(o.plan)) { (o.plan.label()) } }
                    p.plan-price { (Text(&money(o.amount_minor, o.currency))) }
                    p.muted.plan-days { (Text(&l.plural("count.days", i64::from(o.days)))) }
                    p.plan-text { (plan_text(l, o.plan)) }
                    form method="post" action=(format!("/ad/{ad}/promote")) {
                        (csrf(ctx))
                        input type="hidden" name="plan" value=(promotions::code(o.plan));
                        button.btn type="submit" data-plan=(promotions::code(o.plan)) { (l.t("promote.buy")) }
                    }
                }
            }
        }
        p.muted.plan-rules { (l.t("promote.rules")) }
    };
    layout::page(ctx, Head { title: l.t("promote.title"), ..Head::default() }, body)
}

/// `GET /payments/{id}`.
pub fn payment(ctx: &PageCtx, p: &Payment, checkout: Option<&Checkout>, is_buyer: bool) -> Markup {
    let l = ctx.lang;
    let is_staff = ctx.user.as_ref().is_some_and(|u| u.is_staff);
    let body = html! {
        h1.payment-title { (l.t("payment.title")) " " code { (p.public_id) } }
        dl.payment-facts #payment data-state=(p.state.code()) {
            dt { (l.t("payment.what")) } dd { (Text(&what(l, p))) }
            dt { (l.t("payment.amount")) } dd { strong { (Text(&money(p.amount_minor, p.currency))) } }
            dt { (l.t("payment.state")) } dd { span.pay-state #payment-state data-state=(p.state.code()) { (state_label(l, p.state)) } }
            dt { (l.t("payment.created")) } dd { (Text(&l.date(p.created_at))) }
            @if let Some(at) = p.paid_at { dt { (l.t("payment.paid_at")) } dd { (Text(&l.date(at))) } }
        }
        @match checkout {
            Some(Checkout::Instructions(text)) => {
                section.panel #instructions { h2 { (l.t("payment.how")) } p { (Text(text)) } }
            }
            Some(Checkout::Redirect(url)) if is_buyer => {
                p { a.btn #pay href=(url) rel="noopener" { (l.t("payment.pay_click")) } }
            }
            _ => {}
        }
        @if p.state == State::Paid {
            p.note.payment-done { (l.t(match p.item { Item::Plan { .. } => "payment.plan_done", Item::Badge { .. } => "payment.badge_done" })) }
        }
        div.payment-actions {
            @if is_buyer && p.state == State::Pending {
                form method="post" action=(format!("/payments/{}/cancel", p.public_id)) {
                    (csrf(ctx))
                    button.btn.btn-ghost type="submit" { (l.t("payment.cancel")) }
                }
            }
            @if is_staff && p.provider == ProviderId::Manual && p.state.is_open() {
                form method="post" action=(format!("/admin/payments/{}/paid", p.public_id)) {
                    (csrf(ctx))
                    button.btn #mark-paid type="submit" data-confirm=(l.t("payment.mark_paid_confirm")) { (l.t("payment.mark_paid")) }
                }
            }
            @if is_buyer {
                @match p.item {
                    Item::Plan { ad, .. } => { a.btn.btn-ghost href=(format!("/ad/{ad}/promote")) { (l.t("promote.title")) } }
                    Item::Badge { .. } => { a.btn.btn-ghost href="/badge" { (l.t("badge.title")) } }
                }
                a.btn.btn-ghost href="/account/payments" { (l.t("payment.all")) }
            } @else if is_staff {
                a.btn.btn-ghost href="/admin/payments" { (l.t("admin.payments")) }
            }
        }
    };
    layout::page(ctx, Head { title: l.t("payment.title"), ..Head::default() }, body)
}

fn table(l: Lang, list: &[Payment], with_user: bool) -> Markup {
    html! {
        div.table-wrap tabindex="0" role="region" aria-label=(l.t("a11y.table")) {
            table.payments {
                thead { tr {
                    th { "№" } @if with_user { th { (l.t("payment.user")) } }
                    th { (l.t("payment.what")) } th { (l.t("payment.amount")) } th { (l.t("payment.provider")) }
                    th { (l.t("payment.state")) } th { (l.t("payment.created")) }
                } }
                tbody {
                    @for p in list {
                        tr data-state=(p.state.code()) {
                            td.pay-id { a href=(format!("/payments/{}", p.public_id)) { code { (p.public_id) } } }
                            @if with_user { td data-label=(l.t("payment.user")) { (Text(&p.user_name)) } }
                            td.pay-what data-label=(l.t("payment.what")) { (Text(&what(l, p))) }
                            td.num data-label=(l.t("payment.amount")) { (Text(&money(p.amount_minor, p.currency))) }
                            td data-label=(l.t("payment.provider")) { (l.t(match p.provider { ProviderId::Manual => "payment.provider.manual", ProviderId::Click => "payment.provider.click" })) }
                            td data-label=(l.t("payment.state")) { span.pay-state data-state=(p.state.code()) { (state_label(l, p.state)) } }
                            td.nowrap data-label=(l.t("payment.created")) { (Text(&l.date(p.created_at))) }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /account/payments`.
pub fn mine(ctx: &PageCtx, list: &[Payment]) -> Markup {
    let l = ctx.lang;
    let body = html! {
        h1 { (l.t("payment.mine")) }
        @if list.is_empty() { p.empty { (l.t("payment.none")) } } @else { (table(l, list, false)) }
        p.payments-more { a.btn.btn-ghost href="/badge" { (l.t("badge.title")) } }
    };
    layout::page(ctx, Head { title: l.t("payment.mine"), ..Head::default() }, body)
}

/// `GET /admin/payments`.
pub fn ledger(
    ctx: &PageCtx,
    list: &[Payment],
    f: &ledger::Filter,
    page: i64,
    has_next: bool,
) -> Markup {
    let l = ctx.lang;
    let state = f.state.map_or("", State::code);
    let provider = f.provider.map_or("", ProviderId::code);
    let item = f.item.unwrap_or("");
    let href =
        |n: i64| format!("/admin/payments?state={state}&provider={provider}&item={item}&page={n}");
    let body = html! {
        h1 { (l.t("admin.payments")) }
        (crate::views::pages::admin::nav(l))
        form.filters-inline method="get" action="/admin/payments" {
            select name="state" aria-label=(l.t("payment.state")) {
                option value="" { (l.t("admin.any_state")) }
                @for s in [State::Pending, State::Prepared, State::Paid, State::Cancelled, State::Failed] {
                    option value=(s.code()) selected[f.state == Some(s)] { (state_label(l, s)) }
                }
            }
            select name="provider" aria-label=(l.t("payment.provider")) {
                option value="" { (l.t("admin.any_provider")) }
                @for p in [ProviderId::Manual, ProviderId::Click] {
                    option value=(p.code()) selected[f.provider == Some(p)] { (p.code()) }
                }
            }
            select name="item" aria-label=(l.t("payment.what")) {
                option value="" { (l.t("admin.any_item")) }
                option value="plan" selected[item == "plan"] { (l.t("payment.plan")) }
                option value="badge" selected[item == "badge"] { (l.t("payment.badge")) }
            }
            button.btn.btn-small type="submit" { (l.t("admin.filter")) }
        }
        @if list.is_empty() { p.empty { (l.t("payment.none")) } } @else { (table(l, list, true)) }
        @if page > 1 || has_next {
            nav.pagination {
                @if page > 1 { a.btn.btn-ghost href=(href(page - 1)) { "←" } }
                span { (page) }
                @if has_next { a.btn.btn-ghost href=(href(page + 1)) { "→" } }
            }
        }
    };
    layout::page(ctx, Head { title: l.t("admin.payments"), ..Head::default() }, body)
}
