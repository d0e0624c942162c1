//! Listing pages: the filter form, the result count, cards and pagination.

use maud::{Markup, html};

use crate::domain::ads::Section;
use crate::domain::ads::list::{Filter, Page, Sort};
use crate::domain::geo::{Country, EQUIPMENT_TYPES, PARTS_CHIPS};
use crate::domain::ids::AdId;
use crate::views::components::{card_grid, kind_label, pagination, viewer};
use crate::views::ctx::PageCtx;
use crate::views::layout::{self, Head};

fn title_key(section: Section) -> &'static str {
    match section {
        Section::Catalog => "listing.catalog",
        Section::Parts => "listing.parts",
        Section::Repair => "listing.repair",
    }
}

/// The URL of the same listing with another page number.
fn page_href(section: Section, f: &Filter, page: i64) -> String {
    let qs = f.to_query(page);
    if qs.is_empty() { section.path().to_owned() } else { format!("{}?{qs}", section.path()) }
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

/// Renders a listing page.
pub fn page(
    ctx: &PageCtx,
    section: Section,
    f: &Filter,
    page: &Page,
    favorites: Option<&std::collections::HashSet<AdId>>,
) -> Markup {
    let viewer = viewer(ctx, favorites);
    let lang = ctx.lang;
    let t = |k| lang.t(k);
    let body = html! {
        div.listing-head {
            h1 { (t(title_key(section))) }
            p.result-count #result-count { (lang.plural("count.ads", page.total)) }
        }
        @if section == Section::Parts {
            div.chips {
                @for chip in PARTS_CHIPS {
                    a.chip href=(format!("/parts?{}", serde_urlencoded::to_string([("q", chip)]).unwrap_or_default())) { (chip) }
                }
            }
        }
        div.listing {
            form.filters method="get" action=(section.path()) aria-label=(t("filter.label")) {
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
                @if let Some(country) = f.country {
                    label for="f-city" { (t("filter.city")) }
                    select #f-city name="city" {
                        option value="" { (t("filter.all_cities")) }
                        @for c in country.cities() {
                            option value=(c) selected[f.city.as_deref() == Some(*c)] { (c) }
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
                    legend { (t("filter.price")) " (" (f.price_currency().code()) ")" }
                    input type="text" inputmode="numeric" name="price_from" aria-label=(t("filter.price_from")) placeholder=(t("filter.price_from")) value=[f.price_from];
                    input type="text" inputmode="numeric" name="price_to" aria-label=(t("filter.price_to")) placeholder=(t("filter.price_to")) value=[f.price_to];
                }
                label for="f-sort" { (t("filter.sort")) }
                select #f-sort name="sort" {
                    @for (s, key) in [(Sort::Fresh, "sort.fresh"), (Sort::PriceAsc, "sort.price_asc"), (Sort::PriceDesc, "sort.price_desc"), (Sort::Views, "sort.views")] {
                        option value=(s.code()) selected[f.sort == s] { (t(key)) }
                    }
                }
                div.filter-actions {
                    button.btn type="submit" { (t("filter.apply")) }
                    a.btn.btn-ghost href=(section.path()) { (t("filter.reset")) }
                }
                }
            }
            div.results {
                @if f.text.as_deref().is_some_and(|s| s.chars().filter(|c| !c.is_whitespace()).count() < 3) {
                    p.note { (t("search.too_short")) }
                }
                @if !page.promoted.is_empty() {
                    section.promoted #promoted aria-label=(t("listing.promoted")) {
                        h2 { (t("listing.promoted")) }
                        (card_grid(lang, &page.promoted, ctx.now, "listing.empty", viewer.as_ref()))
                    }
                }
                // a promoted ad is shown once: in the strip above
                @let rest: Vec<crate::domain::ads::AdCard> = page.cards.iter().filter(|c| !page.promoted.iter().any(|p| p.id == c.id)).cloned().collect();
                @if !rest.is_empty() || page.promoted.is_empty() {
                    (card_grid(lang, &rest, ctx.now, "listing.empty", viewer.as_ref()))
                }
                (pagination(lang, page.page, page.pages, |n| page_href(section, f, n)))
            }
        }
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
