//! Error pages: 400, 403, 404, 500, in the visitor's language.

use maud::{Markup, html};

use crate::views::ctx::PageCtx;
use crate::views::layout::{self, Head};
use crate::views::text::Href;

/// Renders an error page; `message` is shown for 400s, 403s and 503s, `request_id` (for 500s) so the visitor
/// can quote it.
pub fn page(ctx: &PageCtx, status: u16, message: Option<&str>, request_id: Option<&str>) -> Markup {
    let t = |k| ctx.lang.t(k);
    let (title, text) = match status {
        413 => (t("error.400.title"), message.unwrap_or(t("error.too_large"))),
        400 | 405 | 408 | 415 | 422 => {
            (t("error.400.title"), message.unwrap_or(t("error.400.text")))
        }
        403 => (t("error.403.title"), message.unwrap_or(t("error.403.text"))),
        503 => (t("error.503.title"), message.unwrap_or(t("error.500.text"))),
        404 => (t("error.404.title"), t("error.404.text")),
        _ => (t("error.500.title"), t("error.500.text")),
    };
    let body = html! {
        section.error-page {
            p.error-code { (status) }
            h1 { (title) }
            p #error-message { (text) }
            @if let Some(id) = request_id {
                p.request-id { (t("error.request_id")) " " code #request-id { (id) } }
            }
            p { a.btn href=(Href(ctx.lang, "/")) { (t("error.home")) } " " a.btn.btn-ghost href=(Href(ctx.lang, "/catalog")) { (t("home.all_ads")) } }
        }
    };
    layout::page(ctx, Head { title, ..Head::default() }, body)
}
