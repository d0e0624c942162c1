//! The ad form: a kind chooser, then the fields of that kind, photos included.

use std::collections::HashMap;

use maud::{Markup, html};

use crate::domain::ads::photos::FormPhoto;
use crate::domain::ads::{AdDetail, Kind};
use crate::domain::geo::{Country, EQUIPMENT_TYPES};
use crate::domain::ids::AdId;
use crate::domain::photos::MAX_PER_AD;
use crate::i18n::Lang;
use crate::views::components::{MediaUrl, kind_label};
use crate::views::ctx::PageCtx;
use crate::views::forms::{FormState, csrf, error_id, field, field_error, general_error};
use crate::views::layout::{self, Head};

/// `GET /ads/new` without a kind.
pub fn choose_kind(ctx: &PageCtx) -> Markup {
    let l = ctx.lang;
    let body = html! {
        section.auth-card {
            h1 { (l.t("adform.new_title")) }
            p.muted { (l.t("adform.choose_kind")) }
            div.kind-choice {
                @for (kind, hint) in [(Kind::Rent, "adform.hint_rent"), (Kind::Sale, "adform.hint_sale"), (Kind::Parts, "adform.hint_parts"), (Kind::Service, "adform.hint_service")] {
                    a.kind-option href=(format!("/ads/new?kind={}", kind.code())) data-kind=(kind.code()) {
                        strong { (kind_label(l, kind)) }
                        span.muted { (l.t(hint)) }
                    }
                }
            }
        }
    };
    layout::page(ctx, Head { title: l.t("adform.new_title"), ..Head::default() }, body)
}

/// The form's values from a stored ad (for editing).
pub fn values_of(ad: &AdDetail) -> HashMap<String, String> {
    let mut v = HashMap::new();
    let mut put = |k: &str, val: Option<String>| {
        if let Some(val) = val {
            v.insert(k.to_owned(), val);
        }
    };
    let c = &ad.card;
    put("title", Some(c.title.clone()));
    put("description", Some(ad.description.clone()));
    put("country", Some(c.country.code().to_owned()));
    if c.country.cities().contains(&c.city.as_str()) {
        put("city", Some(c.city.clone()));
    } else {
        put("city", Some("other".into()));
        put("city_other", Some(c.city.clone()));
    }
    put("phone", ad.phone.clone());
    put("price", c.price.minor.map(|m| (m / 100).to_string()));
    put("currency", Some(c.price.currency.code().to_owned()));
    put("price_unit", c.price.unit.map(str::to_owned));
    put("equipment_type", ad.equipment_type.clone());
    put("brand", ad.brand.clone());
    put("model", ad.model.clone());
    put("year", ad.year.map(|y| y.to_string()));
    put("with_operator", ad.with_operator.filter(|o| *o).map(|_| "1".to_owned()));
    put("min_order", ad.min_order.clone());
    put("power_hp", ad.power_hp.map(|p| p.to_string()));
    put("weight_t", ad.weight_t.map(|w| w.to_string()));
    put("condition", ad.condition.clone());
    put("engine_hours", ad.engine_hours.map(|h| h.to_string()));
    put("service_name", ad.service_name.clone());
    put("part_name", ad.part_name.clone());
    v
}

fn select(
    l: Lang,
    form: &FormState,
    name: &'static str,
    label: &'static str,
    options: &[(String, String)],
    required: bool,
) -> Markup {
    let error = form.errors.get(name);
    let id = format!("f-{name}");
    html! {
        div.field.has-error[error.is_some()] {
            label for=(id) { (l.t(label)) @if required { " " span.req aria-hidden="true" { "*" } } }
            select id=(id) name=(name) aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| error_id(name))] {
                option value="" { "—" }
                @for (value, text) in options {
                    option value=(value) selected[form.value(name) == value] { (text) }
                }
            }
            (field_error(l, name, error))
        }
    }
}

fn city_select(l: Lang, form: &FormState) -> Markup {
    let error = form.errors.get("city");
    let chosen = Country::parse(form.value("country"));
    // the chosen country's cities; every country's while none is chosen. app.js refills the
    // list in place when the country changes; without JS a changed country comes back with
    // its own cities after the server's check of the pair
    let countries: Vec<Country> = match chosen {
        Some(c) => vec![c],
        None => Country::ALL.to_vec(),
    };
    html! {
        div.field.has-error[error.is_some()] {
            label for="f-city" { (l.t("form.city")) " " span.req aria-hidden="true" { "*" } }
            select #f-city name="city" data-city-for="f-country" aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| error_id("city"))] {
                option value="" { "—" }
                @for c in &countries {
                    @if chosen.is_some() {
                        @for city in c.cities() {
                            option value=(city) selected[form.value("city") == *city] { (city) }
                        }
                    } @else {
                        optgroup label=(layout::country(l, *c)) {
                            @for city in c.cities() {
                                option value=(city) selected[form.value("city") == *city] { (city) }
                            }
                        }
                    }
                }
                option value="other" data-keep selected[form.value("city") == "other"] { (l.t("adform.other_city")) }
            }
            (field_error(l, "city", error))
        }
        (field(l, form, "city_other", "adform.city_other", "text", "address-level2", false))
    }
}

/// The form of `kind` (new when `ad` is None).
pub fn page(
    ctx: &PageCtx,
    kind: Kind,
    ad: Option<AdId>,
    form: &FormState,
    photos: &[FormPhoto],
) -> Markup {
    let l = ctx.lang;
    let machinery = matches!(kind, Kind::Rent | Kind::Sale);
    let action = match ad {
        Some(id) => format!("/ad/{id}/edit"),
        None => format!("/ads/new?kind={}", kind.code()),
    };
    let title = if ad.is_some() { l.t("adform.edit_title") } else { l.t("adform.new_title") };
    let countries: Vec<(String, String)> = Country::ALL
        .iter()
        .map(|c| (c.code().to_owned(), layout::country(l, *c).to_owned()))
        .collect();
    let currencies: Vec<(String, String)> = ["KZT", "UZS", "RUB", "BYN", "USD"]
        .iter()
        .map(|c| (c.to_string(), c.to_string()))
        .collect();
    let types: Vec<(String, String)> =
        EQUIPMENT_TYPES.iter().map(|t| (t.to_string(), t.to_string())).collect();
    let conditions: Vec<(String, String)> = [
        ("new", "condition.new"),
        ("used", "condition.used"),
        ("refurbished", "condition.refurbished"),
    ]
    .iter()
    .map(|(v, k)| (v.to_string(), l.t(k).to_owned()))
    .collect();
    let units: Vec<(String, String)> =
        [("hour", "adform.per_hour"), ("day", "adform.per_day"), ("month", "adform.per_month")]
            .iter()
            .map(|(v, k)| (v.to_string(), l.t(k).to_owned()))
            .collect();
    let body = html! {
        section.ad-form-card {
            h1 { (title) ": " (kind_label(l, kind)) }
            @if ad.is_none() { p { a href="/ads/new" { (l.t("adform.change_kind")) } } }
            (general_error(l, form))
            form.form #ad-form method="post" action=(action) enctype="multipart/form-data" novalidate {
                (csrf(ctx))
                input type="hidden" name="kind" value=(kind.code());
                fieldset {
                    legend { (l.t("adform.main")) }
                    (field(l, form, "title", "adform.title", "text", "off", true))
                    @match kind {
                        Kind::Service => (field(l, form, "service_name", "spec.service", "text", "off", true)),
                        Kind::Parts => (field(l, form, "part_name", "spec.part", "text", "off", true)),
                        _ => {}
                    }
                    @let error = form.errors.get("description");
                    div.field.has-error[error.is_some()] {
                        label for="f-description" { (l.t("ad.description")) }
                        textarea #f-description name="description" rows="6" maxlength="5000" aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| error_id("description"))] { (form.value("description")) }
                        (field_error(l, "description", error))
                    }
                }
                @if kind != Kind::Service {
                    fieldset {
                        legend { (l.t("ad.specs")) }
                        (select(l, form, "equipment_type", "spec.type", &types, machinery))
                        (field(l, form, "brand", "spec.brand", "text", "off", machinery))
                        (field(l, form, "model", "spec.model", "text", "off", false))
                        (field(l, form, "year", "spec.year", "number", "off", false))
                        @if machinery {
                            (field(l, form, "power_hp", "adform.power", "number", "off", false))
                            (field(l, form, "weight_t", "adform.weight", "text", "off", false))
                            (field(l, form, "engine_hours", "spec.hours", "number", "off", false))
                        }
                        (select(l, form, "condition", "spec.condition", &conditions, matches!(kind, Kind::Sale | Kind::Parts)))
                        @if kind == Kind::Rent {
                            div.field.check {
                                label { input type="checkbox" name="with_operator" value="1" checked[form.value("with_operator") == "1"]; " " (l.t("spec.operator")) }
                            }
                            (field(l, form, "min_order", "spec.min_order", "text", "off", false))
                        }
                    }
                }
                fieldset {
                    legend { (l.t("filter.price")) }
                    (field(l, form, "price", "adform.price", "text", "off", false))
                    p.hint { (l.t("adform.price_hint")) }
                    (select(l, form, "currency", "adform.currency", &currencies, false))
                    @if kind == Kind::Rent { (select(l, form, "price_unit", "adform.price_unit", &units, false)) }
                }
                fieldset {
                    legend { (l.t("adform.place")) }
                    (select(l, form, "country", "form.country", &countries, true))
                    (city_select(l, form))
                    (field(l, form, "phone", "form.phone", "tel", "tel", true))
                }
                (crate::views::cities::data())
                fieldset.photos-field {
                    legend { (l.t("ad.photos")) " (" span #photo-count data-existing=(photos.len()) { (photos.len()) } "/" (MAX_PER_AD) ")" }
                    @if !photos.is_empty() {
                        p.hint { (l.t("adform.photos_order")) }
                        ol.photo-list {
                            @for (i, p) in photos.iter().enumerate() {
                                li.photo-item data-token=(p.token) {
                                    input type="hidden" name="photo" value=(p.token);
                                    img src=(MediaUrl(&p.path)) alt="" width="120" height="90";
                                    label { (l.t("adform.position")) " " input.order type="number" name=(format!("order_{}", p.token)) value=(i + 1) min="1" max="99"; }
                                    label { input type="radio" name="main_photo" value=(p.token) checked[i == 0]; " " (l.t("adform.main_photo")) }
                                    label { input type="checkbox" name="remove_photo" value=(p.token); " " (l.t("adform.remove_photo")) }
                                }
                            }
                        }
                    }
                    @let error = form.errors.get("photos");
                    div.field.has-error[error.is_some()] {
                        label for="f-photos" { (l.t("adform.add_photos")) }
                        input #f-photos type="file" name="photos" accept="image/jpeg,image/png,image/webp" multiple aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| error_id("photos"))];
                        p.hint { (l.t("adform.photos_hint")) }
                        // filled by app.js with the chosen files before they are sent
                        ol.photo-list #photo-previews hidden data-max=(MAX_PER_AD) data-main-label=(l.t("adform.main_photo")) data-first-main=(if photos.is_empty() { "1" } else { "" }) {}
                        p.field-error #photo-over hidden { (l.t("photo.too_many")) }
                        (field_error(l, "photos", error))
                    }
                }
                button.btn.btn-wide type="submit" { (if ad.is_some() { l.t("adform.save") } else { l.t("adform.publish") }) }
            }
        }
    };
    layout::page(ctx, Head { title, ..Head::default() }, body)
}
