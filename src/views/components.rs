//! Small reusable fragments: ad cards, prices, pagination.

use maud::{Markup, html};

use crate::domain::ads::{AdCard, Kind, Plan};
use crate::i18n::Lang;
use crate::views::layout;
use crate::web::assets::url;

/// The kind's label ("Аренда", "Продажа"…).
pub fn kind_label(lang: Lang, kind: Kind) -> &'static str {
    match kind {
        Kind::Rent => lang.t("kind.rent"),
        Kind::Sale => lang.t("kind.sale"),
        Kind::Service => lang.t("kind.service"),
        Kind::Parts => lang.t("kind.parts"),
    }
}

/// The URL of a stored photo.
pub fn media_url(path: &str) -> String {
    format!("/media/{path}")
}

/// An ad card for grids.
pub fn ad_card(lang: Lang, card: &AdCard, now: i64) -> Markup {
    let plan_class = card.plan.map(|p| match p {
        Plan::Gold => "plan-gold",
        Plan::Premium => "plan-premium",
        Plan::Vip => "plan-vip",
    });
    html! {
        article.card.(plan_class.unwrap_or("")) data-ad-id=(card.id) {
            a.card-link href=(card.path()) {
                div.card-photo {
                    @if let Some(photo) = &card.photo {
                        img src=(media_url(photo)) alt=(card.title) loading="lazy" width="320" height="240";
                    } @else {
                        img src=(url("placeholder.svg")) alt="" width="320" height="240";
                    }
                    @if let Some(plan) = card.plan {
                        span.plan-tag { (plan.label()) }
                    }
                    span.kind-tag { (kind_label(lang, card.kind)) }
                }
                div.card-body {
                    h3.card-title { (card.title) }
                    p.card-price {
                        (lang.price(&card.price))
                        @if let Some(usd) = lang.price_usd(&card.price) {
                            " " span.usd { (usd) }
                        }
                    }
                    p.card-meta {
                        span { (layout::country(lang, card.country)) ", " (card.city) }
                        span { (lang.ago(card.bumped_at, now)) }
                    }
                    p.card-meta {
                        @if card.seller_verified {
                            span.verified title=(lang.t("seller.verified")) { "✔ " (lang.t("seller.verified_short")) }
                        }
                        span.views aria-label=(lang.t("ad.views")) { "👁 " (card.views) }
                    }
                }
            }
        }
    }
}

/// A grid of cards, or a friendly note when there are none.
pub fn card_grid(lang: Lang, cards: &[AdCard], now: i64, empty_key: &'static str) -> Markup {
    html! {
        @if cards.is_empty() {
            p.empty { (lang.t(empty_key)) }
        } @else {
            div.grid {
                @for card in cards { (ad_card(lang, card, now)) }
            }
        }
    }
}

/// Page links; `href(n)` builds the URL of page `n`.
pub fn pagination(lang: Lang, page: i64, pages: i64, href: impl Fn(i64) -> String) -> Markup {
    if pages <= 1 {
        return html! {};
    }
    let mut shown: Vec<i64> = vec![1, pages];
    for p in (page - 2)..=(page + 2) {
        if p >= 1 && p <= pages {
            shown.push(p);
        }
    }
    shown.sort();
    shown.dedup();
    html! {
        nav.pagination aria-label=(lang.t("pagination.label")) {
            @if page > 1 { a.page rel="prev" href=(href(page - 1)) { "‹ " (lang.t("pagination.prev")) } }
            @for (i, p) in shown.iter().enumerate() {
                @if i > 0 && shown[i - 1] + 1 < *p { span.gap { "…" } }
                @if *p == page {
                    span.page.current aria-current="page" { (p) }
                } @else {
                    a.page href=(href(*p)) { (p) }
                }
            }
            @if page < pages { a.page rel="next" href=(href(page + 1)) { (lang.t("pagination.next")) " ›" } }
        }
    }
}
