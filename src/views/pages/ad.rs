//! The ad page: gallery, price, the specs of its kind, seller card, phone.

use std::borrow::Cow;

use maud::{Markup, PreEscaped, html};

use std::collections::HashSet;

use crate::domain::ads::{AdCard, AdDetail, Kind};
use crate::domain::ids::AdId;
use crate::i18n::Lang;
use crate::views::assets::url;
use crate::views::components::{
    AlsoIn, MediaUrl, card_grid, favorite_button, icon, kind_label, price_also, viewer,
};
use crate::views::ctx::PageCtx;
use crate::views::layout::{self, Head};
use crate::views::text::{Href, Text};

fn specs<'a>(lang: Lang, ad: &'a AdDetail) -> Vec<(&'static str, Cow<'a, str>)> {
    fn text(v: &Option<String>) -> Option<Cow<'_, str>> {
        v.as_deref().map(Cow::Borrowed)
    }
    let t = |k| lang.t(k);
    let mut rows: Vec<(&'static str, Cow<'a, str>)> = Vec::with_capacity(12);
    let mut push = |k: &'static str, v: Option<Cow<'a, str>>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            rows.push((k, v));
        }
    };
    push("spec.kind", Some(Cow::Borrowed(kind_label(lang, ad.card.kind))));
    match ad.card.kind {
        Kind::Service => push("spec.service", text(&ad.service_name)),
        Kind::Parts => push("spec.part", text(&ad.part_name)),
        _ => {}
    }
    push("spec.type", text(&ad.equipment_type));
    push("spec.brand", text(&ad.brand));
    push("spec.model", text(&ad.model));
    if matches!(ad.card.kind, Kind::Rent | Kind::Sale) {
        push("spec.year", ad.year.map(|y| Cow::Owned(y.to_string())));
        push("spec.power", ad.power_hp.map(|p| Cow::Owned(format!("{p} {}", t("unit.hp")))));
        push("spec.weight", ad.weight_t.map(|w| Cow::Owned(format!("{w} {}", t("unit.t")))));
        push(
            "spec.hours",
            ad.engine_hours.map(|h| {
                Cow::Owned(format!("{} {}", crate::i18n::group_thousands(h), t("unit.hours")))
            }),
        );
    }
    if ad.card.kind == Kind::Rent {
        push(
            "spec.operator",
            ad.with_operator.map(|o| Cow::Borrowed(t(if o { "yes" } else { "no" }))),
        );
        push("spec.min_order", text(&ad.min_order));
    }
    push(
        "spec.condition",
        ad.condition.as_deref().map(|c| {
            Cow::Borrowed(t(match c {
                "new" => "condition.new",
                "refurbished" => "condition.refurbished",
                _ => "condition.used",
            }))
        }),
    );
    rows
}

/// schema.org data of an ad page: a Product (or Service) with its Offer.
#[derive(serde::Serialize)]
struct LdProduct<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    description: &'a str,
    url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    brand: Option<LdBrand<'a>>,
    offers: LdOffer<'a>,
}

#[derive(serde::Serialize)]
struct LdBrand<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
}

#[derive(serde::Serialize)]
struct LdOffer<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    url: &'a str,
    availability: &'static str,
    #[serde(rename = "priceCurrency")]
    price_currency: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    price: Option<String>,
}

/// The start of a description for search results and link previews (which show about this
/// much): its first 200 characters.
fn description_preview(description: &str) -> &str {
    match description.char_indices().nth(200) {
        Some((end, _)) => &description[..end],
        None => description,
    }
}

/// Open Graph tags and schema.org Product/Service data with its Offer.
fn seo_head(ad: &AdDetail, lang: Lang, base: &str) -> Markup {
    let card = &ad.card;
    let url = format!("{base}{}", lang.href(&card.path()));
    let image = ad.photos.first().map(|p| format!("{base}{}", MediaUrl(&p.path)));
    let description = description_preview(&ad.description);
    let data = LdProduct {
        context: "https://schema.org",
        kind: if card.kind == Kind::Service { "Service" } else { "Product" },
        name: &card.title,
        description,
        url: &url,
        image: image.as_deref(),
        brand: ad.brand.as_deref().map(|name| LdBrand { kind: "Brand", name }),
        offers: LdOffer {
            kind: "Offer",
            url: &url,
            availability: if card.is_active {
                "https://schema.org/InStock"
            } else {
                "https://schema.org/OutOfStock"
            },
            price_currency: card.price.currency.code(),
            price: card.price.minor.map(|minor| format!("{}.{:02}", minor / 100, minor % 100)),
        },
    };
    let mut json = serde_json::to_string(&data).unwrap_or_default();
    // "<" escaped: the JSON can never close its script element
    if json.contains('<') {
        json = json.replace('<', "\\u003c");
    }
    html! {
        meta property="og:type" content="product";
        meta property="og:title" content=(Text(&card.title));
        meta property="og:description" content=(Text(description));
        meta property="og:url" content=(Text(&url));
        @if let Some(img) = &image { meta property="og:image" content=(Text(img)); }
        script type="application/ld+json" { (PreEscaped(json)) }
    }
}

/// What the ad page shows besides the visitor's own state.
pub struct AdPage<'a> {
    /// The ad.
    pub ad: &'a AdDetail,
    /// Similar ads, shown under it.
    pub similar: &'a [AdCard],
    /// The signed-in viewer's favorites among the ad and the similar ones (None: anonymous).
    pub favorites: Option<&'a HashSet<AdId>>,
    /// The currency the visitor filtered in (`?currency=`): prices are shown in it too.
    pub also: Option<AlsoIn>,
}

/// Renders the ad page. `phone_shown`: the visitor asked for the number (the form's answer without JavaScript);
/// otherwise the page carries only the button that asks.
pub fn page(
    ctx: &PageCtx,
    shown: &AdPage<'_>,
    is_owner: bool,
    phone_shown: bool,
    base: &str,
) -> Markup {
    let ad = shown.ad;
    let viewer = viewer(ctx, shown.favorites);
    let lang = ctx.lang;
    let t = |k| Text(lang.t(k));
    let card = &ad.card;
    let path = card.path();
    // the ad's URL in the page's language
    let here = lang.href(&path);
    let body = html! {
        nav.breadcrumbs aria-label=(t("nav.breadcrumbs")) {
            a href=(Href(lang, "/")) { (t("nav.home")) } " / "
            a href=(Href(lang, card.kind.section().path())) { (Text(kind_label(lang, card.kind))) } " / "
            span { (Text(&card.title)) }
        }
        @if !card.is_active {
            @match (&ad.hidden_reason, ad.held, is_owner) {
                (None, false, true) if ad.awaiting_email => p.note.warn #awaiting-email {
                    (t("my.awaiting_email")) " · " a href=(Href(lang, "/verify-email/resend")) { (t("account.verify_resend")) }
                },
                (Some(reason), false, true) => p.note.warn #hidden-reason { (Text(&lang.tf("ad.hidden_owner", &[("reason", reason)]))) },
                (_, true, true) => p.note.warn #held { (t("ad.held_owner")) },
                _ => p.note.warn { (t(if is_owner { "ad.inactive_owner" } else { "ad.inactive_staff" })) },
            }
        }
        @if let (false, Some(other)) = (is_owner, &ad.photos_elsewhere) {
            p.note #photos-elsewhere {
                (t("ad.photos_elsewhere")) " "
                a href=(other.path()) { (Text(&other.title)) }
            }
        }
        div.ad-layout {
            section.gallery aria-label=(t("ad.photos")) {
                @if let Some(main) = ad.photos.first() {
                    img #gallery-main.gallery-main src=(MediaUrl(&main.path)) alt=(Text(&card.title)) width=(main.width) height=(main.height);
                    @if ad.photos.len() > 1 {
                        div.thumbs {
                            @for (i, p) in ad.photos.iter().enumerate() {
                                a.thumb href=(MediaUrl(&p.path)) data-full=(MediaUrl(&p.path)) aria-current=[(i == 0).then_some("true")] {
                                    img src=(MediaUrl(&p.path)) alt={ (Text(&card.title)) " — " (i + 1) } loading="lazy" width="96" height="72";
                                }
                            }
                        }
                    }
                } @else {
                    img.gallery-main src=(url("placeholder.svg")) alt="" width="640" height="480";
                }
            }
            aside.ad-side {
                h1.ad-title { (Text(&card.title)) }
                p.ad-price #ad-price { span.amount { (Text(&lang.price(&card.price))) } }
                @if let Some(usd) = lang.price_usd(&card.price) { p.usd { (Text(&usd)) } }
                @if let Some(converted) = shown.also.and_then(|a| a.price(lang, &card.price)) {
                    p.usd #price-also { (price_also(lang, &converted)) }
                }
                p.muted { (Text(layout::country(lang, card.country))) ", " (Text(&card.city)) }
                @if let Some(phone) = &ad.phone {
                    @if phone_shown || is_owner {
                        p.phone { a.phone-number href=(format!("tel:{}", phone.replace(' ', ""))) { (Text(phone)) } }
                    } @else {
                        // the number is not in the page until asked: scrapers get a button
                        // posted in the page's language: the page that comes back (no script) is in it too
                        form.phone.phone-form method="post" action=(Href(lang, &format!("/ad/{}/phone", card.id))) {
                            (crate::views::forms::csrf(ctx))
                            button.btn type="submit" { (icon::phone()) " " (t("ad.show_phone")) }
                        }
                    }
                }
                @if !is_owner && card.is_active {
                    div.ad-contact {
                        @if ctx.user.is_some() {
                            // posted in the page's language: the thread it opens is shown in it
                            form method="post" action=(Href(lang, &format!("/ad/{}/chat", card.id))) {
                                (crate::views::forms::csrf(ctx))
                                button.btn #write-seller type="submit" { (icon::chat()) " " (t("ad.write_seller")) }
                            }
                        } @else {
                            a.btn #write-seller href=(Href(lang, &crate::views::text::LoginLink(&here).to_string())) { (icon::chat()) " " (t("ad.write_seller")) }
                        }
                    }
                }
                @if let Some(s) = &ad.seller {
                    div.seller-card {
                        a href=(Href(lang, &format!("/seller/{}", s.id))) { strong { (Text(&s.name)) } }
                        @if s.verified { span.verified title=(t("seller.verified")) { " " (icon::verified()) " " (t("seller.verified_short")) } }
                        p.muted { (if s.is_company { t("seller.company") } else { t("seller.individual") }) }
                        p.muted { (t("seller.since")) " " (Text(&lang.month_year_since(s.created_at))) }
                        p.muted { (Text(&lang.plural("count.ads", s.active_ads))) }
                    }
                }
                p.muted.ad-stats {
                    span #view-count { (icon::eye()) " " (card.views) } " · "
                    (t("ad.published")) " " (Text(&lang.date(ad.created_at)))
                }
                div.ad-actions.fav-labelled {
                    (favorite_button(lang, card.id, &path, viewer.as_ref()))
                }
                (share(lang, &format!("{base}{here}"), &card.title))
                @if ctx.user.is_some() && !is_owner {
                    (crate::views::components::report_form(ctx, &format!("/ad/{}/report", card.id), &here))
                }
                @if is_owner {
                    div.owner-panel {
                        p.note { (t("ad.you_own")) }
                        a.btn.btn-small.btn-ghost #edit-ad href=(Href(lang, &format!("/ad/{}/edit", card.id))) { (t("my.edit")) }
                        a.btn.btn-small #promote-ad href=(Href(lang, &format!("/ad/{}/promote", card.id))) { (t("promote.link")) }
                        // an ad waiting for its owner's e-mail counts as published to them: the
                        // button takes it down (as in "Мои объявления")
                        @let published = card.is_active || ad.awaiting_email;
                        form method="post" action=(format!("/ad/{}/{}", card.id, if published { "deactivate" } else { "activate" })) {
                            (crate::views::forms::csrf(ctx))
                            input type="hidden" name="back" value=(Text(&here));
                            button.btn.btn-small.btn-ghost #toggle-active type="submit" { (if published { t("my.deactivate") } else { t("my.activate") }) }
                        }
                    }
                }
            }
        }
        section.ad-specs {
            h2 { (t("ad.specs")) }
            dl.specs {
                @for (k, v) in specs(lang, ad) {
                    div { dt { (t(k)) } dd { (Text(&v)) } }
                }
            }
        }
        @if !ad.description.is_empty() {
            section.ad-description {
                h2 { (t("ad.description")) }
                @for para in paragraphs(&ad.description) { p { (Text(&para)) } }
            }
        }
        @if !shown.similar.is_empty() {
            section.block.similar #similar {
                h2 { (t("ad.similar")) }
                (card_grid(lang, shown.similar, ctx.now, "home.empty", viewer.as_ref(), shown.also.as_ref()))
            }
        }
    };
    layout::page(
        ctx,
        Head {
            extra: Some(seo_head(ad, lang, base)),
            title: &card.title,
            description: Some(description_preview(&ad.description)),
            canonical: Some(&path),
            nav: Some(match card.kind.section().code() {
                "parts" => "parts",
                "repair" => "repair",
                _ => "catalog",
            }),
        },
        body,
    )
}

/// "Поделиться": copy the link (a script's button), Telegram and WhatsApp share links. Plain
/// links, no third-party script on the page.
fn share(lang: Lang, url: &str, title: &str) -> Markup {
    let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let telegram = format!("https://t.me/share/url?url={}&text={}", enc(url), enc(title));
    let whatsapp = format!("https://wa.me/?text={}", enc(&format!("{title} {url}")));
    html! {
        div.share #share {
            span.muted { (lang.t("share.label")) }
            button.btn.btn-small.btn-ghost.copy-link type="button" data-url=(url) data-done=(lang.t("share.copied")) hidden { (lang.t("share.copy")) }
            a.btn.btn-small.btn-ghost #share-telegram href=(telegram) target="_blank" rel="noopener noreferrer" { "Telegram" }
            a.btn.btn-small.btn-ghost #share-whatsapp href=(whatsapp) target="_blank" rel="noopener noreferrer" { "WhatsApp" }
        }
    }
}

/// A description's paragraphs (split at blank lines, whatever the line endings); the line
/// breaks inside one stay, shown by `white-space: pre-line`. Text only: nothing is a link.
fn paragraphs(text: &str) -> Vec<String> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = Vec::new();
    let mut para: Vec<&str> = Vec::new();
    for line in text.lines().chain([""]) {
        if line.trim().is_empty() {
            if !para.is_empty() {
                out.push(para.join("\n"));
                para.clear();
            }
        } else {
            para.push(line.trim_end());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{description_preview, paragraphs};

    #[test]
    fn paragraphs_split_at_blank_lines_and_keep_line_breaks() {
        let text = "Кран 25 т.\r\nСтрела 31 м.\r\n\r\n \r\nЗвоните: +7 701 123 45 67\n\n\nhttps://x.example";
        assert_eq!(
            paragraphs(text),
            ["Кран 25 т.\nСтрела 31 м.", "Звоните: +7 701 123 45 67", "https://x.example"]
        );
        assert!(paragraphs(" \n\r\n").is_empty());
    }

    #[test]
    fn the_preview_keeps_the_first_200_characters_whole() {
        let long = "ж".repeat(300);
        assert_eq!(description_preview(&long).chars().count(), 200);
        assert_eq!(description_preview(&long).len(), 400, "two-byte letters, none cut in half");
        assert_eq!(description_preview("Кран 25 т"), "Кран 25 т");
        assert_eq!(description_preview(""), "");
    }
}
