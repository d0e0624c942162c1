//! `/search`: one text across every section, counted per section, each section's first cards
//! with a link on to its full listing.

use maud::{Markup, html};

use crate::domain::ads::list::Filter;
use crate::domain::ads::search::{self, Everywhere};
use crate::domain::ids::AdId;
use crate::views::components::{ads_count, card_grid, count_number, viewer};
use crate::views::ctx::PageCtx;
use crate::views::layout::{self, Head};
use crate::views::pages::listing::{search_notes, section_tabs};
use crate::views::text::{Href, Text};

/// Cards shown per section before its "all N" link.
pub const CARDS_PER_SECTION: usize = 8;

fn section_title(section: crate::domain::ads::Section) -> &'static str {
    match section {
        crate::domain::ads::Section::Catalog => "listing.catalog",
        crate::domain::ads::Section::Parts => "listing.parts",
        crate::domain::ads::Section::Repair => "listing.repair",
    }
}

/// Renders the search page.
pub fn search_page(
    ctx: &PageCtx,
    f: &Filter,
    found: &Everywhere,
    favorites: Option<&std::collections::HashSet<AdId>>,
) -> Markup {
    let viewer = viewer(ctx, favorites);
    let lang = ctx.lang;
    let t = |k| lang.t(k);
    let text = f.text.as_deref().unwrap_or("");
    // links into each section carry the text the results are for
    let shown = Filter { text: found.corrected.clone().or_else(|| f.text.clone()), ..f.clone() };
    let counts: Vec<_> = found.sections.iter().map(|(s, p)| (*s, p.count())).collect();
    let body = html! {
        div.listing-head {
            h1 {
                @if text.is_empty() { (t("search.title")) } @else { (Text(&lang.tf("search.title_for", &[("q", text)]))) }
            }
            p.result-count #result-count { (ads_count(lang, found.total())) }
        }
        form.search-form.search-page-form method="get" action=(Href(lang, "/search")) role="search" {
            label.visually-hidden for="search-q" { (t("search.label")) }
            input #search-q type="search" name="q" maxlength="200" value=(text) placeholder=(t("search.placeholder"));
            @if f.any_country { input type="hidden" name="country" value="all"; }
            button.btn type="submit" { (t("search.button")) }
        }
        (section_tabs(lang, &shown, &counts, None))
        (search_notes(lang, "/search", f, found.corrected.as_deref()))
        @if found.total().shown == 0 {
            p.empty { (t("listing.empty")) }
        }
        @for (section, page) in &found.sections {
            @if page.total > 0 {
                @let all = search::in_section(&shown, *section);
                @let qs = all.to_query(1);
                @let href = if qs.is_empty() { lang.href(section.path()) } else { lang.href(&format!("{}?{qs}", section.path())) };
                section.block.search-section data-section=(section.code()) {
                    h2 { a href=(href) { (t(section_title(*section))) } " " span.muted { (count_number(lang, page.count())) } }
                    @let cards: Vec<_> = page.cards.iter().take(CARDS_PER_SECTION).cloned().collect();
                    (card_grid(lang, &cards, ctx.now, "listing.empty", viewer.as_ref(), None))
                    @if page.total > cards.len() as i64 {
                        p.more { a.btn.btn-ghost href=(href) { (Text(&lang.tf("search.all_in_section", &[("n", &count_number(lang, page.count()))]))) " →" } }
                    }
                }
            }
        }
    };
    layout::page(
        ctx,
        Head {
            title: t("search.title"),
            description: None,
            canonical: None,
            nav: None,
            extra: None,
        },
        body,
    )
}
