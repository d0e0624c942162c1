//! Listing pages: the filter form, the result count, cards and pagination.

use maud::{Markup, html};

use crate::domain::ads::list::{Count, Filter, KEYSET_FROM_PAGE, Page, Sort, Terms};
use crate::domain::ads::{Section, search};
use crate::domain::geo::{Country, Currency, EQUIPMENT_TYPES, PARTS_CHIPS};
use crate::domain::ids::AdId;
use crate::domain::rates::Rates;
use crate::i18n::Lang;
use crate::views::components::{
    AlsoIn, ads_count, card_grid, count_number, kind_label, pages_nav, viewer,
};
use crate::views::ctx::PageCtx;
use crate::views::layout::{self, Head};
use crate::views::text::{Href, Text};

/// Every currency a price range may be given in, in the order of the menu.
const CURRENCIES: [Currency; 5] =
    [Currency::Kzt, Currency::Uzs, Currency::Rub, Currency::Byn, Currency::Usd];

fn title_key(section: Section) -> &'static str {
    match section {
        Section::Catalog => "listing.catalog",
        Section::Parts => "listing.parts",
        Section::Repair => "listing.repair",
    }
}

/// The URL of the same listing with another page number, in the page's language.
fn page_href(lang: Lang, section: Section, f: &Filter, page: i64) -> String {
    let qs = f.to_query(page);
    if qs.is_empty() {
        lang.href(section.path())
    } else {
        lang.href(&format!("{}?{qs}", section.path()))
    }
}

/// The next page's link, if one follows: from [`KEYSET_FROM_PAGE`] on, of the default order,
/// it says where the page starts (`after=`), so the page need not skip every row before it.
fn next_href(lang: Lang, section: Section, f: &Filter, page: &Page) -> Option<String> {
    if !page.has_next() {
        return None;
    }
    let n = page.page + 1;
    Some(match page.next_after {
        Some(after) if n >= KEYSET_FROM_PAGE => {
            lang.href(&format!("{}?{}", section.path(), f.to_query_after(n, after)))
        }
        _ => page_href(lang, section, f, n),
    })
}

/// How many filters besides the text are set: shown on a phone's folded "Фильтры" button.
fn active_filters(f: &Filter) -> usize {
    [
        f.kind.is_some(),
        f.city.is_some(),
        f.equipment_type.is_some(),
        f.brand.is_some(),
        f.price_from.is_some() || f.price_to.is_some(),
        f.sort != Sort::Fresh,
    ]
    .into_iter()
    .filter(|set| *set)
    .count()
}

/// A section's short name on the search tabs.
fn tab_key(section: Section) -> &'static str {
    match section {
        Section::Catalog => "search.tab.catalog",
        Section::Parts => "search.tab.parts",
        Section::Repair => "search.tab.repair",
    }
}

/// "Техника 4 · Запчасти 13 · Ремонт 0": the search's text and place in each section, the
/// current one marked.
pub fn section_tabs(
    lang: Lang,
    f: &Filter,
    counts: &[(Section, Count)],
    current: Option<Section>,
) -> Markup {
    html! {
        nav.section-tabs #section-tabs aria-label=(lang.t("search.sections")) {
            @for (s, n) in counts {
                a.section-tab href=(page_href(lang, *s, &search::in_section(f, *s), 1)) data-section=(s.code())
                    aria-current=[(current == Some(*s)).then_some("page")] {
                    (lang.t(tab_key(*s))) " " span.tab-count { (count_number(lang, *n)) }
                }
            }
        }
    }
}

/// What a search said about its text: the spelling it was corrected to (with a link that
/// runs it on `path`), and the words it did not search.
pub fn search_notes(lang: Lang, path: &str, f: &Filter, corrected: Option<&str>) -> Markup {
    let Some(text) = f.text.as_deref() else { return html! {} };
    let ignored = Terms::of(corrected.unwrap_or(text)).ignored;
    html! {
        @if let Some(better) = corrected {
            p.note.did-you-mean #did-you-mean {
                (lang.t("search.did_you_mean")) " "
                a href=(Href(lang, &format!("{path}?{}", Filter { text: Some(better.to_owned()), ..f.clone() }.to_query(1)))) { strong { (better) } }
            }
            p.note #corrected-note {
                (Text(&lang.tf("search.showing_corrected", &[("asked", text), ("shown", better)])))
            }
        }
        @if !ignored.is_empty() {
            p.note #ignored-words {
                (Text(&lang.tf("search.ignored", &[("words", &ignored.iter().map(|w| format!("«{w}»")).collect::<Vec<_>>().join(", "))])))
            }
        }
    }
}

/// Renders a listing page; each price is also shown in the currency the range is read in, at
/// `rates` (the cached `page` holds no one's currency).
pub fn page(
    ctx: &PageCtx,
    section: Section,
    f: &Filter,
    page: &Page,
    favorites: Option<&std::collections::HashSet<AdId>>,
    rates: Rates,
) -> Markup {
    let viewer = viewer(ctx, favorites);
    let also = AlsoIn::new(f.price_currency(), rates);
    let lang = ctx.lang;
    let t = |k| lang.t(k);
    let body = html! {
        div.listing-head {
            h1 { (t(title_key(section))) }
            p.result-count #result-count { (ads_count(lang, page.count())) }
            (crate::views::pages::searches::save_box(ctx, section, f))
        }
        @if section == Section::Parts {
            div.chips {
                @for chip in PARTS_CHIPS {
                    a.chip href=(Href(lang, &format!("/parts?{}", serde_urlencoded::to_string([("q", chip)]).unwrap_or_default()))) { (chip) }
                }
            }
        }
        div.listing {
            form.filters method="get" action=(Href(lang, section.path())) aria-label=(t("filter.label")) {
                label for="f-q" { (t("search.label")) }
                input #f-q type="search" name="q" maxlength="200" value=(f.text.as_deref().unwrap_or("")) placeholder=(t("search.placeholder"));
                // phones fold the rest behind "Фильтры" (a checkbox: no script needed), so the
                // first ad is on the first screen
                input.fold-toggle #filters-toggle type="checkbox" aria-controls="filter-more";
                label.btn.btn-ghost.filters-btn for="filters-toggle" {
                    (t("filter.more"))
                    @let active = active_filters(f);
                    @if active > 0 { " " span.badge { (active) } }
                }
                div.filter-more #filter-more {
                @if section.kinds().len() > 1 {
                    label for="f-kind" { (t("filter.kind")) }
                    select #f-kind name="kind" {
                        option value="" { (t("filter.any")) }
                        @for k in section.kinds() {
                            option value=(k.code()) selected[f.kind == Some(*k)] { (kind_label(lang, *k)) }
                        }
                    }
                }
                label for="f-country" { (t("header.country")) }
                select #f-country name="country" {
                    option value="all" { (t("country.all")) }
                    @for c in Country::ALL {
                        option value=(c.code()) selected[f.country == Some(c)] { (layout::country(lang, c)) }
                    }
                }
                // there with every country, hidden and not sent until one is chosen (app.js
                // fills it in place when the country changes)
                div.city-field #city-field hidden[f.country.is_none()] {
                    label for="f-city" { (t("filter.city")) }
                    select #f-city name="city" data-city-for="f-country" data-hide-empty disabled[f.country.is_none()] {
                        option value="" { (t("filter.all_cities")) }
                        @if let Some(country) = f.country {
                            @for c in country.cities() {
                                option value=(c) selected[f.city.as_deref() == Some(*c)] { (c) }
                            }
                            // a free "other" city from the query stays chosen
                            @if let Some(other) = f.city.as_deref().filter(|c| !country.cities().contains(c)) {
                                option value=(other) selected { (other) }
                            }
                        }
                    }
                }
                @if section != Section::Repair {
                    label for="f-type" { (t("filter.type")) }
                    select #f-type name="type" {
                        option value="" { (t("filter.any")) }
                        @for e in EQUIPMENT_TYPES {
                            option value=(e) selected[f.equipment_type.as_deref() == Some(*e)] { (e) }
                        }
                    }
                    label for="f-brand" { (t("filter.brand")) }
                    input #f-brand type="text" name="brand" maxlength="60" value=(f.brand.as_deref().unwrap_or(""));
                }
                fieldset.price-range {
                    legend { (t("filter.price")) " (" span #price-currency-code { (f.price_currency().code()) } ")" }
                    input #f-price-from type="text" inputmode="numeric" name="price_from" aria-label=(t("filter.price_from")) placeholder=(t("filter.price_from")) value=[f.price_from];
                    input #f-price-to type="text" inputmode="numeric" name="price_to" aria-label=(t("filter.price_to")) placeholder=(t("filter.price_to")) value=[f.price_to];
                    label.price-currency for="f-currency" { (t("filter.currency")) }
                    // the country's currency until the visitor picks one (app.js keeps it so)
                    select #f-currency name="currency" data-currency-for="f-country" data-chosen=[f.currency.filter(|c| *c != f.country.map(Country::currency).unwrap_or(Currency::Usd)).map(Currency::code)] {
                        @for c in CURRENCIES {
                            option value=(c.code()) selected[f.price_currency() == c] { (c.code()) " (" (c.symbol()) ")" }
                        }
                    }
                    @if section == Section::Catalog {
                        p.hint.price-hint { (t("filter.price_per_day")) }
                    }
                }
                label for="f-sort" { (t("filter.sort")) }
                select #f-sort name="sort" {
                    // a search's default order is ranked (`list::list`): best match first
                    @for (s, key) in [(Sort::Fresh, if f.text.is_some() { "sort.relevance" } else { "sort.fresh" }), (Sort::PriceAsc, "sort.price_asc"), (Sort::PriceDesc, "sort.price_desc"), (Sort::Views, "sort.views")] {
                        option value=(s.code()) selected[f.sort == s] { (t(key)) }
                    }
                }
                div.filter-actions {
                    button.btn type="submit" { (t("filter.apply")) }
                    a.btn.btn-ghost href=(Href(lang, section.path())) { (t("filter.reset")) }
                }
                }
            }
            div.results {
                @if !page.sections.is_empty() {
                    (section_tabs(lang, f, &page.sections, Some(section)))
                }
                (search_notes(lang, section.path(), f, page.corrected.as_deref()))
                // a search sorted by price or views past its capped count sorts the newest matches
                @if f.text.is_some() && f.sort != Sort::Fresh && page.capped {
                    p.note #sorted-window {
                        (lang.tf("search.sorted_window", &[("n", &lang.number(page.total))]))
                    }
                }
                @if !page.promoted.is_empty() {
                    section.promoted #promoted aria-label=(t("listing.promoted")) {
                        h2 { (t("listing.promoted")) }
                        (card_grid(lang, &page.promoted, ctx.now, "listing.empty", viewer.as_ref(), also.as_ref()))
                    }
                }
                // a promoted ad is shown once: in the strip above
                @let rest: Vec<crate::domain::ads::AdCard> = page.cards.iter().filter(|c| !page.promoted.iter().any(|p| p.id == c.id)).cloned().collect();
                @if !rest.is_empty() || page.promoted.is_empty() {
                    (card_grid(lang, &rest, ctx.now, "listing.empty", viewer.as_ref(), also.as_ref()))
                }
                (pages_nav(lang, page.page, page.pages, next_href(lang, section, f, page), |n| page_href(lang, section, f, n)))
            }
        }
        (crate::views::cities::data())
    };
    let nav = match section {
        Section::Catalog => "catalog",
        Section::Parts => "parts",
        Section::Repair => "repair",
    };
    layout::page(
        ctx,
        Head {
            title: t(title_key(section)),
            description: None,
            canonical: Some(section.path()),
            nav: Some(nav),
            extra: None,
        },
        body,
    )
}
