//! A seller's public page.

use maud::{Markup, html};

use crate::domain::ads::list::Page;
use crate::domain::ids::AdId;
use crate::domain::users::Seller;
use crate::views::components::{card_grid, icon, pagination, viewer};
use crate::views::ctx::PageCtx;
use crate::views::layout::{self, Head};

/// Renders the seller page.
pub fn page(
    ctx: &PageCtx,
    seller: &Seller,
    ads: &Page,
    favorites: Option<&std::collections::HashSet<AdId>>,
) -> Markup {
    let viewer = viewer(ctx, favorites);
    let lang = ctx.lang;
    let t = |k| lang.t(k);
    let body = html! {
        section.seller-head {
            h1 { (seller.name) @if seller.verified { span.verified title=(t("seller.verified")) { " " (icon::verified()) } } }
            p.muted {
                (if seller.is_company { t("seller.company") } else { t("seller.individual") })
                @if let Some(city) = &seller.city { " · " (city) }
                " · " (t("seller.since")) " " (lang.month_year_since(seller.created_at))
            }
            p { (lang.plural("count.ads", ads.total)) }
            @if ctx.user.as_ref().is_some_and(|u| u.id != seller.id) {
                (crate::views::components::report_form(ctx, &format!("/users/{}/report", seller.id), &ctx.here()))
            }
        }
        (card_grid(lang, &ads.cards, ctx.now, "seller.empty", viewer.as_ref(), None))
        (pagination(lang, ads.page, ads.pages, |n| lang.href(&format!("/seller/{}?page={n}", seller.id))))
    };
    let canonical = format!("/seller/{}", seller.id);
    layout::page(
        ctx,
        Head {
            title: &seller.name,
            description: None,
            canonical: Some(&canonical),
            nav: None,
            extra: None,
        },
        body,
    )
}
