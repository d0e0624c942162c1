//! Logistics pages: the listing with route and date filters, the card, the detail, the form.

use std::collections::HashMap;

use maud::{Markup, html};

use crate::domain::freight::{BODY_TYPES, Freight, FreightFilter, FreightKind, PAGE_SIZE};
use crate::domain::geo::Country;
use crate::domain::ids::FreightId;
use crate::i18n::Lang;
use crate::views::components::{icon, pagination};
use crate::views::ctx::PageCtx;
use crate::views::forms::{FormState, csrf, error_id, field, field_error, general_error};
use crate::views::layout::{self, Head};
use crate::views::text::Href;

fn kind_label(l: Lang, k: FreightKind) -> &'static str {
    match k {
        FreightKind::Cargo => l.t("freight.cargo"),
        FreightKind::Truck => l.t("freight.truck"),
    }
}

/// "Алматы, Казахстан → Ташкент, Узбекистан".
pub fn route(l: Lang, f: &Freight) -> String {
    format!(
        "{}, {} → {}, {}",
        f.from.1,
        layout::country(l, f.from.0),
        f.to.1,
        layout::country(l, f.to.0)
    )
}

fn facts(l: Lang, f: &Freight) -> String {
    let mut parts = vec![f.body_type.clone()];
    if let Some(w) = f.weight_t {
        parts.push(format!("{w} {}", l.t("unit.t")));
    }
    if let Some(v) = f.volume_m3 {
        parts.push(format!("{v} м³"));
    }
    parts.join(" · ")
}

/// A shipping date (`2026-12-05`, as stored) written like every other date ("5 декабря 2026").
fn ship_day(l: Lang, iso: &str) -> String {
    let mut parts = iso.splitn(3, '-').map(str::parse::<i64>);
    let (Some(Ok(y)), Some(Ok(m)), Some(Ok(d))) = (parts.next(), parts.next(), parts.next()) else {
        return iso.to_owned();
    };
    let day = i32::try_from(y).ok().zip(u8::try_from(m).ok()).zip(u8::try_from(d).ok());
    let date = day.and_then(|((y, m), d)| {
        let month = time::Month::try_from(m).ok()?;
        time::Date::from_calendar_date(y, month, d).ok()
    });
    match date {
        Some(date) => l.date(date.midnight().assume_utc().unix_timestamp()),
        None => iso.to_owned(),
    }
}

fn card(l: Lang, f: &Freight) -> Markup {
    html! {
        article.card.freight-card data-freight-id=(f.id) {
            a.card-link href=(Href(l, &format!("/freight/{}", f.id))) {
                div.card-body {
                    span.freight-kind { (kind_label(l, f.kind)) }
                    h3.card-title { (f.title) }
                    p.route { (route(l, f)) }
                    p.card-meta { span { (l.t("freight.date")) ": " (ship_day(l, &f.ship_date)) } span { (facts(l, f)) } }
                    p.card-price { (crate::views::components::amount(&l.price(&f.price))) @if let Some(usd) = l.price_usd(&f.price) { " " span.usd { (usd) } } }
                }
            }
        }
    }
}

fn country_options(l: Lang, selected: Option<Country>) -> Markup {
    html! {
        option value="" { (l.t("country.all")) }
        @for c in Country::ALL { option value=(c.code()) selected[selected == Some(c)] { (layout::country(l, c)) } }
    }
}

/// `GET /logistics`.
pub fn list(ctx: &PageCtx, f: &FreightFilter, rows: &[Freight], total: i64) -> Markup {
    let l = ctx.lang;
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let href = |n: i64| l.href(&format!("/logistics?{}", f.to_query(n)));
    let body = html! {
        div.listing-head {
            h1 { (l.t("freight.title")) }
            p.result-count #result-count { (l.plural("count.ads", total)) }
            a.btn.btn-small href=(Href(l, "/logistics/new")) { "+ " (l.t("freight.post")) }
        }
        div.listing {
            form.filters method="get" action=(Href(l, "/logistics")) aria-label=(l.t("filter.label")) {
                label for="l-kind" { (l.t("filter.kind")) }
                select #l-kind name="kind" {
                    option value="" { (l.t("filter.any")) }
                    @for k in [FreightKind::Cargo, FreightKind::Truck] { option value=(k.code()) selected[f.kind == Some(k)] { (kind_label(l, k)) } }
                }
                label for="l-from-country" { (l.t("freight.from")) }
                select #l-from-country name="from_country" { (country_options(l, f.from_country)) }
                input type="text" name="from_city" aria-label=(l.t("freight.from_city")) placeholder=(l.t("freight.from_city")) value=(f.from_city.as_deref().unwrap_or(""));
                label for="l-to-country" { (l.t("freight.to")) }
                select #l-to-country name="to_country" { (country_options(l, f.to_country)) }
                input type="text" name="to_city" aria-label=(l.t("freight.to_city")) placeholder=(l.t("freight.to_city")) value=(f.to_city.as_deref().unwrap_or(""));
                label for="l-date-from" { (l.t("freight.date_from")) }
                input #l-date-from type="date" name="date_from" value=(f.date_from.as_deref().unwrap_or(""));
                label for="l-date-to" { (l.t("freight.date_to")) }
                input #l-date-to type="date" name="date_to" value=(f.date_to.as_deref().unwrap_or(""));
                div.filter-actions {
                    button.btn type="submit" { (l.t("filter.apply")) }
                    a.btn.btn-ghost href=(Href(l, "/logistics")) { (l.t("filter.reset")) }
                }
            }
            div.results {
                @if rows.is_empty() { p.empty { (l.t("listing.empty")) } }
                @else { div.grid { @for r in rows { (card(l, r)) } } }
                (pagination(l, f.page.get(), pages, href))
            }
        }
    };
    layout::page(
        ctx,
        Head {
            title: l.t("freight.title"),
            canonical: Some("/logistics"),
            nav: Some("logistics"),
            ..Head::default()
        },
        body,
    )
}

/// `GET /freight/{id}`.
pub fn show(ctx: &PageCtx, f: &Freight, is_owner: bool) -> Markup {
    let l = ctx.lang;
    let body = html! {
        nav.breadcrumbs { a href=(Href(l, "/logistics")) { (l.t("freight.title")) } " / " span { (f.title) } }
        div.ad-layout {
            section.ad-specs {
                span.freight-kind { (kind_label(l, f.kind)) }
                h1.ad-title { (f.title) }
                p.route.big { (route(l, f)) }
                dl.specs {
                    div { dt { (l.t("freight.date")) } dd { (ship_day(l, &f.ship_date)) } }
                    div { dt { (l.t("freight.body")) } dd { (f.body_type) } }
                    @if let Some(w) = f.weight_t { div { dt { (l.t("spec.weight")) } dd { (w) " " (l.t("unit.t")) } } }
                    @if let Some(v) = f.volume_m3 { div { dt { (l.t("freight.volume")) } dd { (v) " м³" } } }
                }
                @if !f.description.is_empty() { @for p in f.description.split("\n\n") { p { (p) } } }
            }
            aside.ad-side {
                p.ad-price { (l.price(&f.price)) }
                @if let Some(usd) = l.price_usd(&f.price) { p.usd { (usd) } }
                details.phone {
                    summary.btn { (icon::phone()) " " (l.t("ad.show_phone")) }
                    a.phone-number href=(format!("tel:{}", f.phone.replace(' ', ""))) { (f.phone) }
                }
                @if is_owner {
                    p.status #freight-status { (status(l, f)) }
                    (owner_actions(ctx, f, &format!("/freight/{}", f.id)))
                }
            }
        }
    };
    let canonical = format!("/freight/{}", f.id);
    layout::page(
        ctx,
        Head {
            title: &f.title,
            canonical: Some(&canonical),
            nav: Some("logistics"),
            ..Head::default()
        },
        body,
    )
}

/// Where a listing stands, as its owner reads it.
pub fn status(l: Lang, f: &Freight) -> &'static str {
    if f.awaiting_email {
        l.t("my.awaiting_email")
    } else if f.is_active {
        l.t("my.active")
    } else {
        l.t("my.inactive")
    }
}

/// The owner's buttons: edit, publish or unpublish, delete; each comes back to `back`.
pub fn owner_actions(ctx: &PageCtx, f: &Freight, back: &str) -> Markup {
    let l = ctx.lang;
    // a listing waiting for the e-mail is published as far as its owner is concerned
    let on = f.is_active || f.awaiting_email;
    html! {
        div.my-ad-actions {
            a.btn.btn-small.btn-ghost href=(format!("/freight/{}/edit", f.id)) { (l.t("my.edit")) }
            form method="post" action=(format!("/freight/{}/{}", f.id, if on { "deactivate" } else { "activate" })) {
                (csrf(ctx))
                input type="hidden" name="back" value=(back);
                button.btn.btn-small.btn-ghost type="submit" { (if on { l.t("my.deactivate") } else { l.t("my.activate") }) }
            }
            form method="post" action=(format!("/freight/{}/delete", f.id)) {
                (csrf(ctx))
                @if back != format!("/freight/{}", f.id) { input type="hidden" name="back" value=(back); }
                button.btn.btn-small.btn-danger type="submit" data-confirm=(l.t("my.freight_delete_confirm")) { (l.t("my.delete")) }
            }
        }
    }
}

/// A listing's values as the form shows them (to edit it).
pub fn values_of(f: &Freight) -> HashMap<String, String> {
    let mut v = HashMap::new();
    let mut put = |k: &str, s: String| {
        v.insert(k.to_owned(), s);
    };
    put("kind", f.kind.code().to_owned());
    put("title", f.title.clone());
    put("description", f.description.clone());
    put("from_country", f.from.0.code().to_owned());
    put("from_city", f.from.1.clone());
    put("to_country", f.to.0.code().to_owned());
    put("to_city", f.to.1.clone());
    put("ship_date", f.ship_date.clone());
    put("weight_t", f.weight_t.map(|w| w.to_string()).unwrap_or_default());
    put("volume_m3", f.volume_m3.map(|w| w.to_string()).unwrap_or_default());
    put("body_type", f.body_type.clone());
    put("price", f.price.minor.map(|m| (m / 100).to_string()).unwrap_or_default());
    put("currency", f.price.currency.code().to_owned());
    put("phone", f.phone.clone());
    v
}

/// `GET /logistics/new`, and `GET /freight/{id}/edit` when `editing`.
pub fn form(ctx: &PageCtx, form: &FormState, editing: Option<FreightId>) -> Markup {
    let l = ctx.lang;
    let select = |name: &'static str, label: &'static str, options: Vec<(String, String)>| {
        let error = form.errors.get(name);
        let id = format!("f-{name}");
        html! {
            div.field.has-error[error.is_some()] {
                label for=(id) { (l.t(label)) }
                select id=(id) name=(name) aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| error_id(name))] {
                    option value="" { "—" }
                    @for (v, t) in &options { option value=(v) selected[form.value(name) == v] { (t) } }
                }
                (field_error(l, name, error))
            }
        }
    };
    let (title, action) = match editing {
        Some(id) => (l.t("freight.edit"), format!("/freight/{id}/edit")),
        None => (l.t("freight.post"), "/logistics/new".to_owned()),
    };
    let countries: Vec<(String, String)> = Country::ALL
        .iter()
        .map(|c| (c.code().to_owned(), layout::country(l, *c).to_owned()))
        .collect();
    let body = html! {
        section.ad-form-card {
            h1 { (title) }
            (general_error(l, form))
            form.form #freight-form method="post" action=(action) {
                (csrf(ctx))
                fieldset {
                    (select("kind", "filter.kind", vec![("cargo".into(), l.t("freight.cargo").into()), ("truck".into(), l.t("freight.truck").into())]))
                    (field(l, form, "title", "adform.title", "text", "off", true))
                    div.field {
                        label for="f-description" { (l.t("ad.description")) }
                        textarea #f-description name="description" rows="4" maxlength="3000" { (form.value("description")) }
                    }
                }
                fieldset {
                    legend { (l.t("freight.route")) }
                    (select("from_country", "freight.from", countries.clone()))
                    (city_field(l, form, "from_city", "freight.from_city", "from_country"))
                    (select("to_country", "freight.to", countries.clone()))
                    (city_field(l, form, "to_city", "freight.to_city", "to_country"))
                    (field(l, form, "ship_date", "freight.date", "date", "off", true))
                }
                fieldset {
                    (select("body_type", "freight.body", BODY_TYPES.iter().map(|b| (b.to_string(), b.to_string())).collect()))
                    (field(l, form, "weight_t", "adform.weight", "text", "off", false))
                    (field(l, form, "volume_m3", "freight.volume", "text", "off", false))
                    (field(l, form, "price", "adform.price", "text", "off", false))
                    (select("currency", "adform.currency", ["KZT", "UZS", "RUB", "BYN", "USD"].iter().map(|c| (c.to_string(), c.to_string())).collect()))
                    (field(l, form, "phone", "form.phone", "tel", "tel", true))
                }
                button.btn.btn-wide type="submit" { (if editing.is_some() { l.t("adform.save") } else { l.t("adform.publish") }) }
            }
        }
        (crate::views::cities::data())
    };
    layout::page(ctx, Head { title, ..Head::default() }, body)
}

/// A free-text city with the country's cities offered as suggestions (a `datalist` that
/// app.js refills when the country select `country_field` changes).
fn city_field(
    l: Lang,
    form: &FormState,
    name: &'static str,
    label: &'static str,
    country_field: &'static str,
) -> Markup {
    let error = form.errors.get(name);
    let id = format!("f-{name}");
    let list = format!("{id}-list");
    let cities: Vec<&str> = match Country::parse(form.value(country_field)) {
        Some(c) => c.cities().to_vec(),
        None => Country::ALL.iter().flat_map(|c| c.cities().iter().copied()).collect(),
    };
    html! {
        div.field.has-error[error.is_some()] {
            label for=(id) { (l.t(label)) " " span.req aria-hidden="true" { "*" } }
            input id=(id) type="text" name=(name) value=(form.value(name)) autocomplete="off" list=(list)
                required aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| error_id(name))];
            datalist id=(list) data-city-for=(format!("f-{country_field}")) {
                @for c in cities { option value=(c) {} }
            }
            (field_error(l, name, error))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ship_day;
    use crate::i18n::Lang;

    #[test]
    fn shipping_dates_read_like_other_dates() {
        assert_eq!(ship_day(Lang::Ru, "2026-12-05"), "5 декабря 2026");
        assert_eq!(ship_day(Lang::Ru, "2026-02-30"), "2026-02-30", "no such day: shown as stored");
        assert_eq!(ship_day(Lang::Ru, "soon"), "soon");
    }
}
