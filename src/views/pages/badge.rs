//! The verification badge: the user's page (badge, last request, the form) and staff's queue.

use maud::{Markup, html};

use crate::domain::badges::Request;
use crate::domain::geo::Currency;
use crate::i18n::Lang;
use crate::views::components::icon;
use crate::views::ctx::PageCtx;
use crate::views::forms::{FormState, csrf, field};
use crate::views::layout::{self, Head};
use crate::views::pages::payments::money;
use crate::views::text::Text;

fn state_label(l: Lang, s: &str) -> &'static str {
    match s {
        "unpaid" => l.t("badge.state.unpaid"),
        "waiting" => l.t("badge.state.waiting"),
        "approved" => l.t("badge.state.approved"),
        "rejected" => l.t("badge.state.rejected"),
        _ => l.t("badge.state.cancelled"),
    }
}

/// `GET /badge`.
pub fn page(
    ctx: &PageCtx,
    until: Option<i64>,
    last: Option<&Request>,
    open_payment: Option<&str>,
    price: (i64, Currency),
    form: &FormState,
) -> Markup {
    let l = ctx.lang;
    let active = until.is_some_and(|u| u > ctx.now);
    let waiting = last.is_some_and(|r| r.state == "waiting");
    let company = form.value("kind") == "company";
    let body = html! {
        h1 { (l.t("badge.title")) }
        section.panel #badge-status {
            @if let (true, Some(u)) = (active, until) {
                p.verified { (icon::verified()) " " (l.t("badge.active")) " " strong { (Text(&l.date(u))) } }
            } @else {
                p { (l.t("badge.none")) }
            }
            @if let Some(r) = last {
                p #badge-request data-state=(r.state) {
                    (l.t("badge.last_request")) " " (Text(&l.date(r.created_at))) ": " strong { (state_label(l, &r.state)) }
                    @if !r.comment.is_empty() { br; (l.t("badge.comment")) ": " (Text(&r.comment)) }
                }
                @if let Some(p) = open_payment {
                    p { a.btn.btn-small #badge-payment href=(format!("/payments/{p}")) { (l.t("badge.to_payment")) } }
                }
            }
        }
        p { (l.t("badge.what")) }
        @if waiting {
            p.note { (l.t("badge.waiting_note")) }
        } @else {
            form.form.panel #badge-form method="post" action="/badge" enctype="multipart/form-data" {
                (csrf(ctx))
                fieldset {
                    legend { (l.t("badge.kind")) }
                    label.check { input type="radio" name="kind" value="individual" checked[!company]; " " (l.t("badge.individual")) }
                    label.check { input type="radio" name="kind" value="company" checked[company]; " " (l.t("badge.company")) }
                }
                (field(l, form, "full_name", "badge.full_name", "text", "name", true))
                // shown for a company only (CSS, by the checked kind)
                div.company-fields {
                    (field(l, form, "company_name", "badge.company_name", "text", "organization", false))
                    (field(l, form, "tax_id", "badge.tax_id", "text", "off", false))
                }
                div.field.has-error[form.errors.get("document").is_some()] {
                    label for="f-document" { (l.t("badge.document")) " " span.req aria-hidden="true" { "*" } }
                    input #f-document type="file" name="document" accept="image/jpeg,image/png,image/webp" required
                        aria-invalid=[form.errors.get("document").map(|_| "true")]
                        aria-describedby=(if form.errors.get("document").is_some() { "f-document-hint f-document-error" } else { "f-document-hint" });
                    p.hint #f-document-hint { (l.t("badge.document_hint")) }
                    @if let Some(e) = form.errors.get("document") { p.field-error #f-document-error data-field="document" { (l.t(e)) } }
                }
                p.badge-price { (l.t("badge.price")) " " strong { (Text(&money(price.0, price.1))) } " · " (l.t("badge.valid")) }
                button.btn type="submit" { (l.t("badge.submit")) }
            }
        }
    };
    layout::page(ctx, Head { title: l.t("badge.title"), ..Head::default() }, body)
}

/// `GET /admin/badges`.
pub fn queue(ctx: &PageCtx, list: &[Request]) -> Markup {
    let l = ctx.lang;
    let body = html! {
        h1 { (l.t("admin.badges")) }
        (crate::views::pages::admin::nav(l))
        @if list.is_empty() { p.empty { (l.t("admin.badges_empty")) } }
        @for r in list {
            article.panel.badge-request data-request=(r.id) {
                a.badge-doc-link href=(format!("/admin/badges/{}/document", r.id)) target="_blank" rel="noopener" {
                    img.badge-doc src=(format!("/admin/badges/{}/document", r.id)) alt=(l.t("badge.document")) width="240" loading="lazy";
                }
                div.badge-request-body {
                    h2 { (Text(&r.full_name)) " " span.muted { "(" (Text(&r.user_name)) ", " (Text(&l.date(r.created_at))) ")" } }
                    @if r.kind == "company" {
                        p { (l.t("badge.company")) ": " (Text(&r.company_name)) " · " (l.t("badge.tax_id")) ": " (Text(&r.tax_id)) }
                    } @else {
                        p { (l.t("badge.individual")) }
                    }
                    p { a href=(format!("/seller/{}", r.user)) { (l.t("admin.seller_page")) } }
                    form.form.decision method="post" {
                        (csrf(ctx))
                        label for=(format!("c-{}", r.id)) { (l.t("badge.comment_label")) }
                        textarea id=(format!("c-{}", r.id)) name="comment" rows="2" required minlength="3" {}
                        div.decision-buttons {
                            button.btn type="submit" formaction=(format!("/admin/badges/{}/approve", r.id)) { (l.t("badge.approve")) }
                            button.btn.btn-danger type="submit" formaction=(format!("/admin/badges/{}/reject", r.id)) { (l.t("badge.reject")) }
                        }
                    }
                }
            }
        }
    };
    layout::page(ctx, Head { title: l.t("admin.badges"), ..Head::default() }, body)
}
