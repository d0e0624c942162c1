//! "My ads" (status, views, favorites, promotion, actions) and the favorites page.

use maud::{Markup, html};

use crate::domain::ads::AdCard;
use crate::domain::ads::write::MyAd;
use crate::domain::freight::Freight;
use crate::domain::ids::AdId;
use crate::views::assets::url;
use crate::views::components::{MediaUrl, card_grid, kind_label, viewer};
use crate::views::ctx::PageCtx;
use crate::views::forms::csrf;
use crate::views::layout::{self, Head};
use crate::views::pages::freight;

/// The note beside a listing that waits for the e-mail: why, and a new mail.
fn awaiting_email(ctx: &PageCtx) -> Markup {
    let l = ctx.lang;
    html! {
        span.status.awaiting-email { (l.t("my.awaiting_email")) }
        " · " a.resend-link href="/verify-email/resend?back=/my/ads" { (l.t("account.verify_resend")) }
    }
}

/// `GET /my/ads`: the user's ads, then their freight listings.
pub fn my_ads(ctx: &PageCtx, ads: &[MyAd], freight: &[Freight]) -> Markup {
    let l = ctx.lang;
    let body = html! {
        div.listing-head {
            h1 { (l.t("my.title")) }
            div.listing-head-actions {
                a.btn.btn-ghost #my-stats href="/my/stats" { (l.t("my.stats_link")) }
                a.btn #post-ad href="/ads/new" { (l.t("my.post")) }
                a.btn.btn-ghost #post-freight href="/logistics/new" { (l.t("freight.post")) }
            }
        }
        @if ads.is_empty() && freight.is_empty() {
            p.empty { (l.t("my.empty")) }
        }
        div.my-ads {
            @for ad in ads {
                @let c = &ad.card;
                @let on = c.is_active || ad.awaiting_email;
                article.my-ad.inactive[!c.is_active] data-ad-id=(c.id) {
                    // the title below links to the same page: the photo is a mouse shortcut, not a second stop
                    a.my-ad-photo href=(c.path()) aria-hidden="true" tabindex="-1" {
                        @if let Some(p) = &c.photo { img src=(MediaUrl(p)) alt="" width="160" height="120"; }
                        @else { img src=(url("placeholder.svg")) alt="" width="160" height="120"; }
                    }
                    div.my-ad-body {
                        h2 { a href=(c.path()) { (c.title) } }
                        p.muted { (kind_label(l, c.kind)) " · " (l.price(&c.price)) }
                        p.my-ad-stats {
                            @if ad.awaiting_email {
                                (awaiting_email(ctx))
                                @if ad.held { " · " span.status { (l.t("my.held")) } }
                            } @else {
                                span.status {
                                    @if ad.held { (l.t("my.held")) }
                                    @else if let Some(r) = &ad.hidden_reason { (l.t("my.hidden")) ": " (crate::views::text::Text(r)) }
                                    @else if c.is_active { (l.t("my.active")) } @else { (l.t("my.inactive")) }
                                }
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
                            form method="post" action=(format!("/ad/{}/{}", c.id, if on { "deactivate" } else { "activate" })) {
                                (csrf(ctx))
                                button.btn.btn-small.btn-ghost type="submit" { (if on { l.t("my.deactivate") } else { l.t("my.activate") }) }
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
        (my_freight(ctx, freight))
    };
    layout::page(ctx, Head { title: l.t("my.title"), ..Head::default() }, body)
}

/// The freight part of "my ads": route, date, price, status and the owner's buttons.
fn my_freight(ctx: &PageCtx, rows: &[Freight]) -> Markup {
    let l = ctx.lang;
    html! {
        @if !rows.is_empty() {
            h2.my-freight-title #my-freight-title { (l.t("freight.title")) }
            div.my-ads.my-freight {
                @for f in rows {
                    article.my-ad.inactive[!f.is_active] data-freight-id=(f.id) {
                        div.my-ad-body {
                            h2 { a href=(format!("/freight/{}", f.id)) { (f.title) } }
                            p.muted { (freight::route(l, f)) " · " (f.ship_date) " · " (l.price(&f.price)) }
                            p.my-ad-stats {
                                @if f.awaiting_email { (awaiting_email(ctx)) }
                                @else { span.status { (freight::status(l, f)) } }
                            }
                            (freight::owner_actions(ctx, f, "/my/ads"))
                        }
                    }
                }
            }
        }
    }
}

/// `GET /favorites`.
pub fn favorites(ctx: &PageCtx, cards: &[AdCard]) -> Markup {
    let l = ctx.lang;
    let all: std::collections::HashSet<AdId> = cards.iter().map(|c| c.id).collect();
    let viewer = viewer(ctx, Some(&all));
    let body = html! {
        h1 { (l.t("fav.title")) }
        (card_grid(l, cards, ctx.now, "fav.empty", viewer.as_ref(), None))
    };
    layout::page(ctx, Head { title: l.t("fav.title"), ..Head::default() }, body)
}
