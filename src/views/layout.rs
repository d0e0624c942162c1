//! The page frame: head, header (navigation, country, theme, language, user), footer.

use maud::{DOCTYPE, Markup, html};

use crate::domain::geo::Country;
use crate::i18n::Lang;
use crate::views::assets::url;
use crate::views::ctx::PageCtx;
use crate::views::text::{Href, LoginLink, Text};

/// What a page says about itself in `<head>`.
#[derive(Default)]
pub struct Head<'a> {
    /// `<title>` (the site name is appended).
    pub title: &'a str,
    /// Meta description.
    pub description: Option<&'a str>,
    /// Canonical path.
    pub canonical: Option<&'a str>,
    /// Which top-level section to highlight.
    pub nav: Option<&'a str>,
    /// More `<head>` content (Open Graph, structured data).
    pub extra: Option<Markup>,
}

fn country_name(lang: Lang, c: Country) -> &'static str {
    match c {
        Country::Kz => lang.t("country.kz"),
        Country::Uz => lang.t("country.uz"),
        Country::Ru => lang.t("country.ru"),
        Country::By => lang.t("country.by"),
    }
}

/// The country's name in the visitor's language.
pub fn country(lang: Lang, c: Country) -> &'static str {
    country_name(lang, c)
}

/// Whether the sign-in link should bring the visitor back here: not from the home page, nor
/// from the sign-in, sign-up and password pages themselves.
fn login_comes_back(ctx: &PageCtx) -> bool {
    let auth_page = ["/login", "/signup", "/password/"].iter().any(|p| ctx.path.starts_with(p));
    !auth_page && ctx.path != "/"
}

/// A public page's canonical URL (in its own language) and its alternates in every language,
/// `x-default` being the Russian one at the root: absolute URLs, as search engines want them.
/// `path` is the page's path without a language prefix.
fn languages(ctx: &PageCtx, path: &str) -> Markup {
    let url = |lang: Lang| format!("{}{}", ctx.site, lang.href(path));
    html! {
        link rel="canonical" href=(Text(&url(ctx.lang)));
        @for l in Lang::ALL {
            link rel="alternate" hreflang=(l.code()) href=(Text(&url(l)));
        }
        link rel="alternate" hreflang="x-default" href=(Text(&url(Lang::Ru)));
    }
}

/// Wraps a page body in the site's frame.
pub fn page(ctx: &PageCtx, head: Head<'_>, body: Markup) -> Markup {
    let t = |k| Text(ctx.lang.t(k));
    let here = ctx.here();
    html! {
        (DOCTYPE)
        html lang=(ctx.lang.code()) data-theme=(ctx.theme.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (Text(head.title)) " — Uzmat" }
                @if let Some(d) = head.description { meta name="description" content=(Text(d)); }
                @if let Some(c) = head.canonical { (languages(ctx, c)) }
                meta name="color-scheme" content="dark light";
                link rel="icon" href=(url("favicon.svg")) type="image/svg+xml";
                link rel="stylesheet" href=(url("app.css"));
                script src=(url("app.js")) defer {}
                // the live socket: new messages and the unread badge on every signed-in page
                @if ctx.user.is_some() { script src=(url("chat.js")) defer {} }
                @if let Some(extra) = head.extra { (extra) }
            }
            body {
                // the first Tab stop of every page: past the header to the page's own content
                a.skip-link href="#main" { (t("a11y.skip_to_content")) }
                header.site-header {
                    div.wrap.header-row {
                        a.logo href=(Href(ctx.lang, "/")) aria-label="Uzmat" {
                            img src=(url("logo.svg")) alt="" width="32" height="32";
                            span { "Uzmat" }
                        }
                        // phones fold the navigation and settings behind a menu button (a checkbox,
                        // so it works without JavaScript); wider screens show them in the row
                        input.fold-toggle #menu-toggle type="checkbox" aria-controls="site-menu" aria-label=(t("header.menu_button"));
                        label.menu-btn for="menu-toggle" aria-hidden="true" title=(t("header.menu_button")) { span.burger {} }
                        div.header-menu #site-menu {
                            nav.main-nav aria-label=(t("nav.label")) {
                                a href=(Href(ctx.lang, "/catalog")) aria-current=[(head.nav == Some("catalog")).then_some("page")] { (t("nav.ads")) }
                                a href=(Href(ctx.lang, "/parts")) aria-current=[(head.nav == Some("parts")).then_some("page")] { (t("nav.parts")) }
                                a href=(Href(ctx.lang, "/repair")) aria-current=[(head.nav == Some("repair")).then_some("page")] { (t("nav.repair")) }
                                a href=(Href(ctx.lang, "/logistics")) aria-current=[(head.nav == Some("logistics")).then_some("page")] { (t("nav.logistics")) }
                            }
                            div.header-tools {
                                form.country-form method="post" action="/prefs" {
                                    input type="hidden" name="back" value=(here);
                                    (crate::views::forms::csrf(ctx))
                                    label.visually-hidden for="country-select" { (t("header.country")) }
                                    select #country-select name="country" data-autosubmit {
                                        option value="all" selected[ctx.country.is_none()] { (t("country.all")) }
                                        @for c in Country::ALL {
                                            option value=(c.code()) selected[ctx.country == Some(c)] { (Text(country_name(ctx.lang, c))) }
                                        }
                                    }
                                    noscript { button.btn.btn-small type="submit" { (t("header.apply")) } }
                                }
                                form method="post" action="/prefs" {
                                    input type="hidden" name="back" value=(here);
                                    (crate::views::forms::csrf(ctx))
                                    button.icon-btn #theme-toggle type="submit" name="theme" value="toggle" title=(t("header.theme")) aria-label=(t("header.theme")) {
                                        span.theme-icon aria-hidden="true" {}
                                    }
                                }
                                form.lang-form method="post" action="/prefs" role="group" aria-label=(t("header.language")) {
                                    input type="hidden" name="back" value=(here);
                                    (crate::views::forms::csrf(ctx))
                                    @for l in Lang::ALL {
                                        button.lang-btn type="submit" name="lang" value=(l.code()) aria-pressed=(if l == ctx.lang { "true" } else { "false" }) title=(Text(l.name())) { (l.code().to_uppercase()) }
                                    }
                                }
                                @if ctx.user.is_none() {
                                    @if login_comes_back(ctx) {
                                        a.btn.btn-small.btn-ghost #login-link href=(Href(ctx.lang, &LoginLink(&here).to_string())) { (t("header.login")) }
                                    } @else {
                                        a.btn.btn-small.btn-ghost #login-link href=(Href(ctx.lang, "/login")) { (t("header.login")) }
                                    }
                                    a.btn.btn-small #signup-link href=(Href(ctx.lang, "/signup")) { (t("header.signup")) }
                                }
                            }
                        }
                        div.header-quick {
                            a.btn.btn-small #post-ad-link href=(Href(ctx.lang, "/ads/new")) aria-label=(t("header.post_ad")) {
                                "+ " span.post-label.post-long { (t("header.post_ad")) } span.post-label.post-short { (t("header.post_ad_short")) }
                            }
                            @if let Some(user) = &ctx.user {
                                a.chats-link #chats-link href=(Href(ctx.lang, "/chats")) title=(t("menu.chats")) {
                                    (crate::views::components::icon::chat())
                                    span.visually-hidden { (t("menu.chats")) }
                                    // always there (hidden at zero) so the live socket can set it
                                    span.badge #unread-badge aria-label=(t("header.unread")) hidden[ctx.unread == 0] { (ctx.unread) }
                                }
                                details.user-menu {
                                    summary title=(t("header.menu")) {
                                        @if let Some(a) = &user.avatar {
                                            img.avatar src=(format!("/media/{a}")) alt="" width="30" height="30";
                                        } @else {
                                            span.avatar aria-hidden="true" { (user.name.chars().next().unwrap_or('?')) }
                                        }
                                        span.user-name { (Text(&user.name)) }
                                    }
                                    div.menu {
                                        a href=(Href(ctx.lang, "/chats")) { (t("menu.chats")) }
                                        a href=(Href(ctx.lang, "/my/ads")) { (t("menu.my_ads")) }
                                        a href=(Href(ctx.lang, "/my/stats")) { (t("menu.stats")) }
                                        a href=(Href(ctx.lang, "/favorites")) { (t("menu.favorites")) }
                                        a href=(Href(ctx.lang, "/my/searches")) { (t("menu.my_searches")) }
                                        a href=(Href(ctx.lang, "/requests")) { (t("menu.requests")) }
                                        a href=(Href(ctx.lang, "/account")) { (t("menu.account")) }
                                        a href=(Href(ctx.lang, "/account/payments")) { (t("menu.payments")) }
                                        a href=(Href(ctx.lang, "/badge")) { (t("menu.badge")) }
                                        a href=(ctx.href(&format!("/seller/{}", user.id))) { (t("menu.public_page")) }
                                        a href=(Href(ctx.lang, "/account/password")) { (t("menu.password")) }
                                        @if user.is_staff { a href=(Href(ctx.lang, "/admin")) { (t("menu.admin")) } }
                                        form method="post" action="/logout" {
                                            (crate::views::forms::csrf(ctx))
                                            button.linkish #logout type="submit" { (t("menu.logout")) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                // focusable from the skip link only (not a Tab stop of its own)
                main.wrap #main tabindex="-1" {
                    @if let Some(user) = &ctx.user {
                        @if !user.email_verified {
                            p.note.verify-banner {
                                (t("account.verify_banner")) " "
                                a #verify-resend href="/verify-email/resend" { (t("account.verify_resend")) }
                            }
                        }
                    }
                    @if let Some(flash) = ctx.flash {
                        p.flash role="status" { (Text(flash)) }
                    }
                    (body)
                }
                footer.site-footer {
                    div.wrap.footer-row {
                        div {
                            strong { "Uzmat" }
                            p.muted { (t("footer.tagline")) }
                        }
                        nav aria-label=(t("footer.nav")) {
                            a href=(Href(ctx.lang, "/about")) { (t("page.about.title")) }
                            a href=(Href(ctx.lang, "/help")) { (t("page.help.title")) }
                            a href=(Href(ctx.lang, "/rules")) { (t("page.rules.title")) }
                            a href=(Href(ctx.lang, "/safety")) { (t("page.safety.title")) }
                            a href=(Href(ctx.lang, "/privacy")) { (t("page.privacy.title")) }
                            a href=(Href(ctx.lang, "/terms")) { (t("page.terms.title")) }
                        }
                    }
                }
            }
        }
    }
}
