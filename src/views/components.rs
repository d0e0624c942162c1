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

/// [`media_url`] written straight into the page, without a string of its own.
pub struct MediaUrl<'a>(pub &'a str);

impl maud::Render for MediaUrl<'_> {
    fn render_to(&self, buffer: &mut String) {
        buffer.push_str("/media/");
        crate::views::text::escape_into(self.0, buffer);
    }
}

/// The viewer of a page, if signed in and their favorites are known.
pub fn viewer<'a>(
    ctx: &'a crate::web::extract::PageCtx,
    favorites: Option<&'a std::collections::HashSet<i64>>,
) -> Option<Viewer<'a>> {
    match (&ctx.user, favorites) {
        (Some(_), Some(favorites)) => Some(Viewer { csrf: &ctx.csrf, favorites, back: &ctx.path }),
        _ => None,
    }
}

/// A signed-in viewer of cards: their favorites and the token their forms carry.
pub struct Viewer<'a> {
    /// CSRF token.
    pub csrf: &'a str,
    /// Favorited ad ids among those shown.
    pub favorites: &'a std::collections::HashSet<i64>,
    /// Where the no-JS form comes back to.
    pub back: &'a str,
}

/// The heart on a card or ad page: a form for a signed-in viewer (a script sends it without a
/// reload), a sign-in link for others (so cached pages carry nobody's token).
pub fn favorite_button(
    lang: Lang,
    ad_id: i64,
    ad_path: &str,
    viewer: Option<&Viewer<'_>>,
) -> Markup {
    match viewer {
        Some(v) => {
            let on = v.favorites.contains(&ad_id);
            html! {
                form.fav-form method="post" action=(format!("/ad/{ad_id}/favorite")) {
                    input type="hidden" name="csrf_token" value=(v.csrf);
                    input type="hidden" name="back" value=(v.back);
                    button.fav-btn type="submit" aria-pressed=(if on { "true" } else { "false" })
                        title=(lang.t("fav.toggle")) aria-label=(lang.t("fav.toggle")) { (icon::heart()) }
                }
            }
        }
        None => html! {
            a.fav-btn href=(format!("/login?{}", serde_urlencoded::to_string([("next", ad_path)]).unwrap_or_default()))
                title=(lang.t("fav.sign_in")) aria-label=(lang.t("fav.sign_in")) aria-pressed="false" { (icon::heart()) }
        },
    }
}

/// An ad card for grids.
pub fn ad_card(lang: Lang, card: &AdCard, now: i64, viewer: Option<&Viewer<'_>>) -> Markup {
    let plan_class = card.plan.map(|p| match p {
        Plan::Gold => "plan-gold",
        Plan::Premium => "plan-premium",
        Plan::Vip => "plan-vip",
    });
    html! {
        article.card.(plan_class.unwrap_or("")) data-ad-id=(card.id) {
            (favorite_button(lang, card.id, &card.path(), viewer))
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
                            span.verified title=(lang.t("seller.verified")) { (icon::verified()) " " (lang.t("seller.verified_short")) }
                        }
                        span.views aria-label=(lang.t("ad.views")) { (icon::eye()) " " (card.views) }
                    }
                }
            }
        }
    }
}

/// A grid of cards, or a friendly note when there are none.
pub fn card_grid(
    lang: Lang,
    cards: &[AdCard],
    now: i64,
    empty_key: &'static str,
    viewer: Option<&Viewer<'_>>,
) -> Markup {
    html! {
        @if cards.is_empty() {
            p.empty { (lang.t(empty_key)) }
        } @else {
            div.grid {
                @for card in cards { (ad_card(lang, card, now, viewer)) }
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

/// Small inline icons (fixed markup of ours, never user text), so no emoji font is needed.
pub mod icon {
    use maud::{Markup, PreEscaped};

    fn svg(path: &str) -> Markup {
        PreEscaped(format!(
            "<svg class=\"icon\" viewBox=\"0 0 24 24\" width=\"16\" height=\"16\" aria-hidden=\"true\" focusable=\"false\"><path fill=\"currentColor\" d=\"{path}\"/></svg>"
        ))
    }

    /// An eye (views).
    pub fn eye() -> Markup {
        svg(
            "M12 5C6.5 5 2.7 9.1 1.5 12c1.2 2.9 5 7 10.5 7s9.3-4.1 10.5-7C21.3 9.1 17.5 5 12 5zm0 11.5A4.5 4.5 0 1 1 12 7.5a4.5 4.5 0 0 1 0 9zm0-2.5a2 2 0 1 0 0-4 2 2 0 0 0 0 4z",
        )
    }

    /// A handset (phone).
    pub fn phone() -> Markup {
        svg(
            "M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2c.3-.3.7-.4 1-.2 1.1.4 2.3.6 3.6.6.6 0 1 .4 1 1V20c0 .6-.4 1-1 1A17 17 0 0 1 3 4c0-.6.4-1 1-1h3.5c.6 0 1 .4 1 1 0 1.3.2 2.5.6 3.6.1.3 0 .7-.2 1l-2.3 2.2z",
        )
    }

    /// A flame (hot offers).
    pub fn flame() -> Markup {
        svg(
            "M13.5 1s.7 2.6.7 4.7c0 2-1.3 3.6-3.3 3.6S7.5 7.7 7.5 5.7V5C5.3 7.5 4 10.9 4 14.5 4 18.6 7.6 22 12 22s8-3.4 8-7.5c0-5.4-2.6-10.2-6.5-13.5zM11.7 19c-1.8 0-3.2-1.4-3.2-3.1 0-1.6 1-2.7 2.8-3.1 1.8-.4 3.6-1.2 4.6-2.6.4 1.3.6 2.6.6 4 0 2.6-2.1 4.8-4.8 4.8z",
        )
    }

    /// A star (popular).
    pub fn star() -> Markup {
        svg("M12 17.3l6.2 3.7-1.6-7L22 9.2l-7.2-.6L12 2 9.2 8.6 2 9.2 7.4 14l-1.6 7z")
    }

    /// A heart (favorites).
    pub fn heart() -> Markup {
        svg(
            "M12 21s-7.5-4.6-10-9.2C.4 8.6 2.3 4.5 6.2 4.5c2.3 0 3.8 1.3 4.8 2.8 1-1.5 2.5-2.8 4.8-2.8 3.9 0 5.8 4.1 4.2 7.3C19.5 16.4 12 21 12 21z",
        )
    }

    /// A check mark in a circle (verified).
    pub fn verified() -> Markup {
        svg(
            "M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm-1.5 14.5-4-4 1.4-1.4 2.6 2.6 5.6-5.6 1.4 1.4-7 7z",
        )
    }
}
