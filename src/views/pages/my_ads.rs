//! "My ads" (status, views, favorites, promotion, actions) and the favorites page.

use maud::{Markup, html};

use crate::domain::ads::AdCard;
use crate::domain::ads::write::MyAd;
use crate::domain::ids::AdId;
use crate::views::assets::url;
use crate::views::components::{MediaUrl, card_grid, kind_label, viewer};
use crate::views::ctx::PageCtx;
use crate::views::forms::csrf;
use crate::views::layout::{self, Head};

/// `GET /my/ads`.
pub fn my_ads(ctx: &PageCtx, ads: &[MyAd]) -> Markup {
    let l = ctx.lang;
    let body = html! {
        div.listing-head {
            h1 { (l.t("my.title")) }
            a.btn.btn-ghost #my-stats href="/my/stats" { (l.t("my.stats_link")) }
            a.btn #post-ad href="/ads/new" { (l.t("my.post")) }
        }
        @if ads.is_empty() {
            p.empty { (l.t("my.empty")) }
        }
        div.my-ads {
            @for ad in ads {
                @let c = &ad.card;
                article.my-ad.inactive[!c.is_active] data-ad-id=(c.id) {
                    a.my-ad-photo href=(c.path()) {
                        @if let Some(p) = &c.photo { img src=(MediaUrl(p)) alt="" width="160" height="120"; }
                        @else { img src=(url("placeholder.svg")) alt="" width="160" height="120"; }
                    }
                    div.my-ad-body {
                        h2 { a href=(c.path()) { (c.title) } }
                        p.muted { (kind_label(l, c.kind)) " · " (l.price(&c.price)) }
                        p.my-ad-stats {
                            span.status {
                                @if ad.held { (l.t("my.held")) }
                                @else if let Some(r) = &ad.hidden_reason { (l.t("my.hidden")) ": " (crate::views::text::Text(r)) }
                                @else if c.is_active { (l.t("my.active")) } @else { (l.t("my.inactive")) }
                            }
                            " · " span.views { (l.t("ad.views")) ": " (c.views) }
                            " · " span.favs { (l.t("my.favorites")) ": " (ad.favorites) }
                            @if let (Some(plan), Some(until)) = (c.plan, ad.plan_until) {
                                " · " span.plan { (plan.label()) " " (l.t("my.until")) " " (l.date(until)) }
                            }
                        }
                        div.my-ad-actions {
                            a.btn.btn-small.btn-ghost href=(format!("/ad/{}/edit", c.id)) { (l.t("my.edit")) }
                            a.btn.btn-small.btn-ghost href=(format!("/ad/{}/promote", c.id)) { (l.t("promote.link")) }
                            form method="post" action=(format!("/ad/{}/{}", c.id, if c.is_active { "deactivate" } else { "activate" })) {
                                (csrf(ctx))
                                button.btn.btn-small.btn-ghost type="submit" { (if c.is_active { l.t("my.deactivate") } else { l.t("my.activate") }) }
                            }
                            form method="post" action=(format!("/ad/{}/delete", c.id)) {
                                (csrf(ctx))
                                button.btn.btn-small.btn-danger type="submit" data-confirm=(l.t("my.delete_confirm")) { (l.t("my.delete")) }
                            }
                        }
                    }
                }
            }
        }
    };
    layout::page(ctx, Head { title: l.t("my.title"), ..Head::default() }, body)
}

/// `GET /favorites`.
pub fn favorites(ctx: &PageCtx, cards: &[AdCard]) -> Markup {
    let l = ctx.lang;
    let all: std::collections::HashSet<AdId> = cards.iter().map(|c| c.id).collect();
    let viewer = viewer(ctx, Some(&all));
    let body = html! {
        h1 { (l.t("fav.title")) }
        (card_grid(l, cards, ctx.now, "fav.empty", viewer.as_ref()))
    };
    layout::page(ctx, Head { title: l.t("fav.title"), ..Head::default() }, body)
}
