//! Small reusable fragments: ad cards, prices, pagination.

use maud::{Markup, html};

use crate::domain::ads::list::Count;
use crate::domain::ads::{AdCard, Kind, Plan, Price};
use crate::domain::geo::Currency;
use crate::domain::ids::AdId;
use crate::domain::rates::Rates;
use crate::i18n::Lang;
use crate::views::assets::url;
use crate::views::layout;
use crate::views::text::{Href, LoginLink};

/// The kind's label ("Аренда", "Продажа"…).
pub fn kind_label(lang: Lang, kind: Kind) -> &'static str {
    match kind {
        Kind::Rent => lang.t("kind.rent"),
        Kind::Sale => lang.t("kind.sale"),
        Kind::Service => lang.t("kind.service"),
        Kind::Parts => lang.t("kind.parts"),
    }
}

/// The URL of a stored photo (`path` under the uploads folder): escaped when spliced into a
/// page, plain through `Display`.
pub struct MediaUrl<'a>(pub &'a str);

const MEDIA_PREFIX: &str = "/media/";

impl maud::Render for MediaUrl<'_> {
    fn render_to(&self, buffer: &mut String) {
        buffer.push_str(MEDIA_PREFIX);
        crate::views::text::escape_into(self.0, buffer);
    }
}

impl std::fmt::Display for MediaUrl<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{MEDIA_PREFIX}{}", self.0)
    }
}

/// The viewer of a page, if signed in and their favorites are known.
pub fn viewer<'a>(
    ctx: &'a crate::views::ctx::PageCtx,
    favorites: Option<&'a std::collections::HashSet<AdId>>,
) -> Option<Viewer<'a>> {
    match (&ctx.user, favorites) {
        (Some(_), Some(favorites)) => {
            Some(Viewer { csrf: &ctx.csrf, favorites, back: ctx.here().into() })
        }
        _ => None,
    }
}

/// A signed-in viewer of cards: their favorites and the token their forms carry.
pub struct Viewer<'a> {
    /// CSRF token.
    pub csrf: &'a str,
    /// Favorited ad ids among those shown.
    pub favorites: &'a std::collections::HashSet<AdId>,
    /// Where the no-JS form comes back to (the page's own URL, language prefix and all).
    pub back: std::borrow::Cow<'a, str>,
}

/// Stands for the form token in blocks rendered once for every signed-in visitor: no token
/// (URL-safe base64) and no escaped text can contain it.
pub const TOKEN_SLOT: &str = "\u{1}token\u{1}";

/// A block rendered once for every signed-in visitor with [`TOKEN_SLOT`] and every heart off,
/// and where those slots are: found once when the block is cached, so making it a viewer's is
/// copying the pieces between them, whatever the number of favorites.
#[derive(Debug)]
pub struct SlottedHtml {
    html: String,
    slots: Vec<(usize, Slot)>,
}

/// A place in a [`SlottedHtml`] that differs per viewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// The form token (replaces [`TOKEN_SLOT`]).
    Token,
    /// A heart's `aria-pressed="false"`, on for the viewer's favorites.
    Heart(AdId),
}

const HEART_FORM: &str = "action=\"/ad/";
const HEART_OFF: &str = "aria-pressed=\"false\"";
const HEART_ON: &str = "aria-pressed=\"true\"";

impl SlottedHtml {
    /// Finds the slots of a block rendered with [`TOKEN_SLOT`] and every heart off.
    pub fn new(html: String) -> Self {
        let mut slots: Vec<(usize, Slot)> =
            html.match_indices(TOKEN_SLOT).map(|(at, _)| (at, Slot::Token)).collect();
        let mut from = 0;
        while let Some(found) = html[from..].find(HEART_FORM) {
            let at = from + found;
            let tail = &html[at + HEART_FORM.len()..];
            let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
            let id = tail[..digits].parse::<i64>().ok();
            let is_heart = tail[digits..].starts_with("/favorite\"");
            // the form's button is the next pressed-state after its action
            match (id, is_heart, html[at..].find(HEART_OFF)) {
                (Some(id), true, Some(p)) => {
                    slots.push((at + p, Slot::Heart(AdId(id))));
                    from = at + p + HEART_OFF.len();
                }
                _ => from = at + HEART_FORM.len(),
            }
        }
        slots.sort_by_key(|(at, _)| *at);
        Self { html, slots }
    }

    /// The block for this viewer: their token in every form, their favorites' hearts on.
    pub fn fill(&self, csrf: &str, favorites: &std::collections::HashSet<AdId>) -> String {
        let mut out = String::with_capacity(self.html.len() + self.slots.len() * 40);
        let mut last = 0;
        for (at, slot) in &self.slots {
            out.push_str(&self.html[last..*at]);
            let (text, len) = match slot {
                Slot::Token => (csrf, TOKEN_SLOT.len()),
                Slot::Heart(id) if favorites.contains(id) => (HEART_ON, HEART_OFF.len()),
                Slot::Heart(_) => (HEART_OFF, HEART_OFF.len()),
            };
            out.push_str(text);
            last = at + len;
        }
        out.push_str(&self.html[last..]);
        out
    }
}

/// A block rendered with [`TOKEN_SLOT`] and every heart off, made this viewer's (see
/// [`SlottedHtml`], which keeps the slots found for blocks used again).
pub fn fill_viewer_slots(
    html: &str,
    csrf: &str,
    favorites: &std::collections::HashSet<AdId>,
) -> String {
    SlottedHtml::new(html.to_owned()).fill(csrf, favorites)
}

/// The heart on a card or ad page: a form for a signed-in viewer (a script sends it without a
/// reload), a sign-in link for others (so cached pages carry nobody's token). `ad_path` is the
/// ad's path without a language prefix.
pub fn favorite_button(
    lang: Lang,
    ad_id: AdId,
    ad_path: &str,
    viewer: Option<&Viewer<'_>>,
) -> Markup {
    match viewer {
        Some(v) => {
            let on = v.favorites.contains(&ad_id);
            html! {
                form.fav-form method="post" action=(format!("/ad/{ad_id}/favorite")) {
                    (crate::views::forms::CsrfField(v.csrf))
                    input type="hidden" name="back" value=(v.back.as_ref());
                    button.fav-btn type="submit" aria-pressed=(if on { "true" } else { "false" })
                        title=(lang.t("fav.toggle")) aria-label=(lang.t("fav.toggle")) { (icon::heart()) (fav_state_labels(lang)) }
                }
            }
        }
        None => html! {
            a.fav-btn href=(Href(lang, &LoginLink(&lang.href(ad_path)).to_string()))
                title=(lang.t("fav.sign_in")) aria-label=(lang.t("fav.sign_in")) { (icon::heart()) (fav_state_labels(lang)) }
        },
    }
}

/// The heart's visible words, both written: CSS shows the one its `aria-pressed` state reads
/// (`.fav-labelled`, the ad page), so cached pages and the script flip it with the heart.
fn fav_state_labels(lang: Lang) -> Markup {
    html! {
        span.fav-word.fav-off aria-hidden="true" { (lang.t("fav.toggle")) }
        span.fav-word.fav-on aria-hidden="true" { (lang.t("fav.added")) }
    }
}

/// The currency a visitor filters prices in, with the rates in use: cards and the ad page show
/// each price converted into it too ("≈ 1 200 000 сум"), at render time, so no cached page
/// holds one visitor's currency.
#[derive(Debug, Clone, Copy)]
pub struct AlsoIn {
    /// The visitor's currency.
    pub currency: Currency,
    /// The rates in use.
    pub rates: Rates,
}

impl AlsoIn {
    /// Prices in `currency` too; None for the dollar, which every price shows already.
    pub fn new(currency: Currency, rates: Rates) -> Option<Self> {
        (currency != Currency::Usd).then_some(Self { currency, rates })
    }

    /// "≈ 1 200 000 сум" for a price in another currency than the visitor's.
    pub fn price(&self, lang: Lang, p: &Price) -> Option<String> {
        lang.price_in(p, self.currency, &self.rates)
    }

    /// The ad's address carrying the currency, so its page shows the price in it too.
    pub fn ad_path(&self, card: &AdCard) -> String {
        format!("{}?currency={}", card.path(), self.currency.code())
    }
}

/// A price's amount ("34 500 000 сум/месяц"), its number and its currency each kept on one
/// line: a narrow card breaks between them, where the whole on one line overflowed a card of
/// the two-column grid at 390 px. (The ad page's own line is wide: one piece of text there.)
pub fn amount(text: &str) -> Markup {
    html! {
        span.amount {
            @match text.split_once(' ') {
                Some((number, unit)) => { span { (number) } " " span { (unit) } }
                None => (text),
            }
        }
    }
}

/// "≈ 1 200 000 сум", marked up as a converted price.
pub fn price_also(lang: Lang, converted: &str) -> Markup {
    html! { span.also-in title=(lang.t("price.in_chosen")) { (converted) } }
}

/// An ad card for grids; `also`: the visitor's currency, when the price is shown in it too.
pub fn ad_card(
    lang: Lang,
    card: &AdCard,
    now: i64,
    viewer: Option<&Viewer<'_>>,
    also: Option<&AlsoIn>,
) -> Markup {
    let converted = also.and_then(|a| a.price(lang, &card.price).map(|text| (text, a)));
    // the ad's page shows the converted price too
    let href = converted.as_ref().map_or_else(|| card.path(), |(_, a)| a.ad_path(card));
    let plan_class = card.plan.map(|p| match p {
        Plan::Gold => "plan-gold",
        Plan::Premium => "plan-premium",
        Plan::Vip => "plan-vip",
    });
    html! {
        article.card.(plan_class.unwrap_or("")) data-ad-id=(card.id) {
            (favorite_button(lang, card.id, &card.path(), viewer))
            a.card-link href=(Href(lang, &href)) {
                div.card-photo {
                    @if let Some(photo) = &card.photo {
                        img src=(MediaUrl(photo)) alt=(card.title) loading="lazy" width="320" height="240";
                    } @else {
                        img src=(url("placeholder.svg")) alt="" width="320" height="240";
                    }
                    @if let Some(plan) = card.plan {
                        span.plan-tag { (plan.label()) }
                    }
                    span.kind-tag { (kind_label(lang, card.kind)) }
                    // only an owner ever gets an unpublished ad's card (favorites, my ads)
                    @if !card.is_active {
                        span.inactive-tag { (lang.t("my.inactive")) }
                    }
                }
                div.card-body {
                    h3.card-title { (card.title) }
                    p.card-price {
                        (amount(&lang.price(&card.price)))
                        @if let Some(usd) = lang.price_usd(&card.price) {
                            " " span.usd { (usd) }
                        }
                        @if let Some((text, _)) = &converted {
                            " " (price_also(lang, text))
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
    also: Option<&AlsoIn>,
) -> Markup {
    html! {
        @if cards.is_empty() {
            p.empty { (lang.t(empty_key)) }
        } @else {
            div.grid {
                @for card in cards { (ad_card(lang, card, now, viewer, also)) }
            }
        }
    }
}

/// "Пожаловаться": a folded form posting a reason and a comment to `action`, coming back to
/// `back`.
pub fn report_form(ctx: &crate::views::ctx::PageCtx, action: &str, back: &str) -> Markup {
    let l = ctx.lang;
    html! {
        details.report-box {
            summary { (l.t("report.title")) }
            form.form method="post" action=(action) {
                (crate::views::forms::csrf(ctx))
                input type="hidden" name="back" value=(crate::views::text::Text(back));
                label for="report-reason" { (l.t("report.reason")) }
                select #report-reason name="reason" {
                    @for (r, key) in [("spam", "report.spam"), ("fraud", "report.fraud"), ("abuse", "report.abuse"), ("prohibited", "report.prohibited"), ("other", "report.other")] {
                        option value=(r) { (l.t(key)) }
                    }
                }
                label for="report-comment" { (l.t("report.comment")) }
                input #report-comment type="text" name="comment" maxlength="1000";
                button.btn.btn-small.btn-ghost type="submit" { (l.t("report.send")) }
            }
        }
    }
}

/// Page links; `href(n)` builds the URL of page `n`.
pub fn pagination(lang: Lang, page: i64, pages: i64, href: impl Fn(i64) -> String) -> Markup {
    let next = (page < pages).then(|| href(page + 1));
    pages_nav(lang, page, pages, next, href)
}

/// Page links around `page` up to `last` (the last page counted; the current one when it is
/// beyond), and "next" to `next` when there is one: a capped count knows neither how many
/// pages there are nor whether a page past the cap is the last, and a deep page's next link
/// says where it starts rather than its number, so the listing gives it.
pub fn pages_nav(
    lang: Lang,
    page: i64,
    last: i64,
    next: Option<String>,
    href: impl Fn(i64) -> String,
) -> Markup {
    let last = last.max(page);
    if last <= 1 && next.is_none() {
        return html! {};
    }
    let mut shown: Vec<i64> = vec![1, last];
    for p in (page - 2)..=(page + 2) {
        if p >= 1 && p <= last {
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
            @if let Some(next) = next { a.page rel="next" href=(next) { (lang.t("pagination.next")) " ›" } }
        }
    }
}

/// "1 234 объявления", or "10 000+ объявлений" for a count stopped at its cap.
pub fn ads_count(lang: Lang, c: Count) -> String {
    if c.capped {
        lang.tf("count.ads_capped", &[("n", &lang.number(c.shown))])
    } else {
        lang.plural("count.ads", c.shown)
    }
}

/// A bare count: "1 234", or "10 000+" for one stopped at its cap.
pub fn count_number(lang: Lang, c: Count) -> String {
    let n = lang.number(c.shown);
    if c.capped { format!("{n}+") } else { n }
}

/// Small icons (fixed markup of ours, never user text), so no emoji font is needed. Each is a
/// CSS mask (`.icon-*` in app.css, drawn in the text colour): the page carries a short empty
/// span instead of the path data, and the stylesheet is cached.
pub mod icon {
    use maud::PreEscaped;

    /// A ready piece of markup.
    pub type Icon = PreEscaped<&'static str>;

    /// One function per icon, each an empty span with its mask class.
    macro_rules! icons {
        ($($(#[doc = $doc:literal])* $name:ident,)*) => {
            $(
                $(#[doc = $doc])*
                pub fn $name() -> Icon {
                    PreEscaped(concat!(
                        r#"<span class="icon icon-"#,
                        stringify!($name),
                        r#"" aria-hidden="true"></span>"#
                    ))
                }
            )*

            /// Every icon, for the check that the stylesheet draws each one.
            #[cfg(test)]
            pub(super) const ALL: &[fn() -> Icon] = &[$($name),*];
        };
    }

    icons! {
        /// An eye (views).
        eye,
        /// A handset (phone).
        phone,
        /// A flame (hot offers).
        flame,
        /// A star (popular).
        star,
        /// A heart (favorites).
        heart,
        /// A check mark in a circle (verified).
        verified,
        /// A speech bubble (messages).
        chat,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_icon_has_its_mask_in_the_stylesheet() {
        let css = include_str!("../../assets/app.css");
        assert_eq!(icon::eye().0, r#"<span class="icon icon-eye" aria-hidden="true"></span>"#);
        assert_eq!(icon::ALL.len(), 7);
        for markup in icon::ALL.iter().map(|f| f()) {
            let class = markup.0.split("icon icon-").nth(1).and_then(|s| s.split('"').next());
            let class = class.expect("an icon-* class");
            let rule = format!(".icon-{class} {{ --icon: url(\"data:image/svg+xml,");
            assert!(css.contains(&rule), "no mask for icon-{class} in app.css");
        }
    }

    #[test]
    fn viewer_slots_take_the_token_and_turn_on_only_the_viewers_hearts() {
        let none = std::collections::HashSet::new();
        let slot = Viewer { csrf: TOKEN_SLOT, favorites: &none, back: "/".into() };
        let html: String = [1, 2, 1]
            .iter()
            .map(|id| favorite_button(Lang::Ru, AdId(*id), "/ad/x", Some(&slot)).into_string())
            .collect();
        let favs: std::collections::HashSet<AdId> = [AdId(1)].into();
        let out = fill_viewer_slots(&html, "tok_EN-1", &favs);
        assert!(!out.contains(TOKEN_SLOT) && out.matches("tok_EN-1").count() == 3);
        let pressed: Vec<&str> = out.split("aria-pressed=\"").skip(1).map(|s| &s[..4]).collect();
        assert_eq!(pressed, ["true", "fals", "true"], "ad 1 twice on, ad 2 off");
        let real: std::collections::HashSet<AdId> = [AdId(1)].into();
        let direct: String = [1, 2, 1]
            .iter()
            .map(|id| {
                let v = Viewer { csrf: "tok_EN-1", favorites: &real, back: "/".into() };
                favorite_button(Lang::Ru, AdId(*id), "/ad/x", Some(&v)).into_string()
            })
            .collect();
        assert_eq!(out, direct, "the same as rendering for the viewer");
    }
}
