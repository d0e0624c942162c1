//! The home page: search, chips, hot offers, popular, fresh.

use maud::{Markup, html};

use crate::domain::ads::home::{Home, Place};
use crate::domain::geo::HOME_CHIPS;
use crate::i18n::Lang;
use crate::views::components::{Viewer, card_grid, icon};
use crate::views::ctx::PageCtx;
use crate::views::layout::{self, Head};
use crate::views::text::Href;

/// Renders the home page around its blocks (see [`blocks`]).
pub fn page(ctx: &PageCtx, place: &Place, blocks: Markup) -> Markup {
    let lang = ctx.lang;
    let t = |k| lang.t(k);
    let title = match place.country {
        Some(c) => format!("{} — {}", t("home.title"), layout::country(lang, c)),
        None => t("home.title").to_owned(),
    };
    layout::page(
        ctx,
        Head {
            title: &title,
            description: Some(t("home.subtitle")),
            canonical: Some("/"),
            nav: None,
            extra: None,
        },
        blocks,
    )
}

/// The home page's content: the same for every visitor of a place and language, so it is
/// rendered once per cache period (`server.page_cache_ms`).
pub fn blocks(
    lang: Lang,
    now: i64,
    place: &Place,
    home: &Home,
    viewer: Option<&Viewer<'_>>,
) -> Markup {
    let t = |k| lang.t(k);
    html! {
        section.hero {
            h1 { (t("home.title")) }
            p.muted { (t("home.subtitle")) }
            form.search-form method="get" action=(Href(lang, "/search")) role="search" {
                label.visually-hidden for="home-q" { (t("search.label")) }
                input #home-q type="search" name="q" maxlength="200" placeholder=(t("search.placeholder"));
                button.btn type="submit" { (t("search.button")) }
            }
            div.chips {
                @for chip in HOME_CHIPS {
                    a.chip href=(Href(lang, &format!("/catalog?{}", serde_urlencoded::to_string([("q", chip)]).unwrap_or_default()))) { (chip) }
                }
            }
            @if let Some(country) = place.country {
                form.city-form method="get" action=(Href(lang, "/")) {
                    input type="hidden" name="country" value=(country.code());
                    label for="home-city" { (t("filter.city")) }
                    select #home-city name="city" data-autosubmit {
                        option value="" { (t("filter.all_cities")) }
                        @for c in country.cities() {
                            option value=(c) selected[place.city.as_deref() == Some(*c)] { (c) }
                        }
                    }
                    noscript { button.btn.btn-small type="submit" { (t("header.apply")) } }
                }
            }
        }
        section.block #hot {
            h2 { (icon::flame()) " " (t("home.hot")) }
            (card_grid(lang, &home.hot, now, "home.empty", viewer, None))
        }
        @if !home.popular.is_empty() {
            section.block #popular {
                h2 { (icon::star()) " " (t("home.popular")) }
                (card_grid(lang, &home.popular, now, "home.empty", viewer, None))
            }
        }
        section.block #fresh {
            div.block-head {
                h2 { (t("home.fresh")) }
                a href=(Href(lang, "/catalog")) { (t("home.all_ads")) " →" }
            }
            (card_grid(lang, &home.fresh, now, "home.empty", viewer, None))
        }
    }
}
