//! Rental requests: the list with its filter, the form, a request's page (its quotes for the
//! author, the quote form for an owner with a matching ad), and `/my/requests`.

use maud::{Markup, html};

use crate::domain::ads::Price;
use crate::domain::geo::{Country, Currency, EQUIPMENT_TYPES};
use crate::domain::ids::AdId;
use crate::domain::requests::{
    MAX_TEXT, PAGE_SIZE, QUOTE_UNITS, Quote, QuoteStatus, Request, RequestFilter, Status, day_of,
};
use crate::i18n::Lang;
use crate::views::components::pagination;
use crate::views::ctx::PageCtx;
use crate::views::forms::{FormState, csrf, error_id, field, field_error, general_error};
use crate::views::layout::{self, Head};
use crate::views::text::LoginLink;

const CURRENCIES: [&str; 5] = ["KZT", "UZS", "RUB", "BYN", "USD"];

/// A `YYYY-MM-DD` day written like every other date ("5 мая 2030").
fn day(l: Lang, iso: &str) -> String {
    let mut parts = iso.splitn(3, '-').map(str::parse::<i64>);
    let (Some(Ok(y)), Some(Ok(m)), Some(Ok(d))) = (parts.next(), parts.next(), parts.next()) else {
        return iso.to_owned();
    };
    let date = i32::try_from(y).ok().zip(u8::try_from(m).ok()).zip(u8::try_from(d).ok()).and_then(
        |((y, m), d)| time::Date::from_calendar_date(y, time::Month::try_from(m).ok()?, d).ok(),
    );
    date.map_or_else(|| iso.to_owned(), |d| l.date(d.midnight().assume_utc().unix_timestamp()))
}

fn money(l: Lang, minor: i64, currency: Currency) -> String {
    l.price(&Price { minor: Some(minor), currency, unit: None, usd_cents: None })
}

fn heading(l: Lang, r: &Request) -> String {
    let text = l.tf("requests.heading", &[("type", &r.equipment_type), ("city", &r.city)]);
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn status_label(l: Lang, r: &Request, today: &str) -> &'static str {
    match r.status {
        Status::Accepted => l.t("requests.status.accepted"),
        Status::Closed => l.t("requests.status.closed"),
        Status::Open if r.is_open(today) => l.t("requests.status.open"),
        Status::Open => l.t("requests.status.closed"),
    }
}

fn unit_label(l: Lang, unit: &str) -> &'static str {
    match unit {
        "hour" => l.t("requests.unit.hour"),
        "day" => l.t("requests.unit.day"),
        "month" => l.t("requests.unit.month"),
        _ => l.t("requests.unit.total"),
    }
}

/// When, for how long, for how much: one line of a card.
fn facts(l: Lang, r: &Request) -> String {
    let mut parts = vec![
        format!("{} {}", l.t("requests.from"), day(l, &r.start_date)),
        l.plural("count.days", r.days),
    ];
    if let Some((minor, c)) = r.budget {
        parts.push(format!("{} {}", l.t("requests.budget_upto"), money(l, minor, c)));
    }
    parts.join(" · ")
}

fn card(l: Lang, r: &Request, now: i64) -> Markup {
    html! {
        article.card.request-card data-request-id=(r.id) {
            a.card-link href=(format!("/requests/{}", r.id)) {
                div.card-body {
                    h3.card-title { (heading(l, r)) }
                    p.route { (r.city) ", " (layout::country(l, r.country)) }
                    p.card-meta { span { (facts(l, r)) } }
                    p.card-meta { span.quotes-count { (l.plural("count.quotes", r.quotes)) } span { (l.ago(r.created_at, now)) } }
                }
            }
        }
    }
}

/// `GET /requests`.
pub fn list(ctx: &PageCtx, f: &RequestFilter, rows: &[Request], total: i64) -> Markup {
    let l = ctx.lang;
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let body = html! {
        div.listing-head {
            h1 { (l.t("requests.title")) }
            p.result-count #result-count { (l.plural("count.requests", total)) }
            div.my-ad-actions {
                a.btn.btn-small #new-request href="/requests/new" { "+ " (l.t("requests.post")) }
                @if ctx.user.is_some() { a.btn.btn-small.btn-ghost href="/my/requests" { (l.t("requests.for_you")) } }
            }
        }
        p.muted { (l.t("requests.intro")) }
        div.listing {
            form.filters method="get" action="/requests" aria-label=(l.t("filter.label")) {
                label for="r-type" { (l.t("filter.type")) }
                select #r-type name="type" {
                    option value="" { (l.t("filter.any")) }
                    @for e in EQUIPMENT_TYPES { option value=(e) selected[f.equipment_type.as_deref() == Some(*e)] { (e) } }
                }
                label for="r-country" { (l.t("header.country")) }
                select #r-country name="country" {
                    option value="" { (l.t("country.all")) }
                    @for c in Country::ALL { option value=(c.code()) selected[f.country == Some(c)] { (layout::country(l, c)) } }
                }
                div.filter-actions {
                    button.btn type="submit" { (l.t("filter.apply")) }
                    a.btn.btn-ghost href="/requests" { (l.t("filter.reset")) }
                }
            }
            div.results {
                @if rows.is_empty() { p.empty { (l.t("requests.empty")) } }
                @else { div.grid.requests-grid { @for r in rows { (card(l, r, ctx.now)) } } }
                (pagination(l, f.page.get(), pages, |n| format!("/requests?{}", f.to_query(n))))
            }
        }
    };
    layout::page(
        ctx,
        Head { title: l.t("requests.title"), canonical: Some("/requests"), ..Head::default() },
        body,
    )
}

fn select(
    l: Lang,
    form: &FormState,
    name: &'static str,
    label: &'static str,
    options: &[(String, String)],
) -> Markup {
    let error = form.errors.get(name);
    let id = format!("f-{name}");
    html! {
        div.field.has-error[error.is_some()] {
            label for=(id) { (l.t(label)) }
            select id=(id) name=(name) aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| error_id(name))] {
                option value="" { "—" }
                @for (v, t) in options { option value=(v) selected[form.value(name) == v] { (t) } }
            }
            (field_error(l, name, error))
        }
    }
}

fn textarea(l: Lang, form: &FormState, name: &'static str, label: &'static str) -> Markup {
    let error = form.errors.get(name);
    let id = format!("f-{name}");
    html! {
        div.field.has-error[error.is_some()] {
            label for=(id) { (l.t(label)) }
            textarea id=(id) name=(name) rows="4" maxlength=(MAX_TEXT) aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| error_id(name))] { (form.value(name)) }
            (field_error(l, name, error))
        }
    }
}

fn currencies() -> Vec<(String, String)> {
    CURRENCIES.iter().map(|c| (c.to_string(), c.to_string())).collect()
}

/// `GET /requests/new`.
pub fn form(ctx: &PageCtx, form: &FormState) -> Markup {
    let l = ctx.lang;
    let types: Vec<(String, String)> =
        EQUIPMENT_TYPES.iter().map(|e| (e.to_string(), e.to_string())).collect();
    let countries: Vec<(String, String)> = Country::ALL
        .iter()
        .map(|c| (c.code().to_owned(), layout::country(l, *c).to_owned()))
        .collect();
    let cities: Vec<&str> = match Country::parse(form.value("country")) {
        Some(c) => c.cities().to_vec(),
        None => Country::ALL.iter().flat_map(|c| c.cities().iter().copied()).collect(),
    };
    let body = html! {
        section.ad-form-card {
            h1 { (l.t("requests.post")) }
            p.muted { (l.t("requests.form_intro")) }
            (general_error(l, form))
            form.form #request-form method="post" action="/requests/new" {
                (csrf(ctx))
                fieldset {
                    (select(l, form, "equipment_type", "filter.type", &types))
                    (select(l, form, "country", "form.country", &countries))
                    @let error = form.errors.get("city");
                    div.field.has-error[error.is_some()] {
                        label for="f-city" { (l.t("form.city")) }
                        input #f-city type="text" name="city" value=(form.value("city")) list="f-city-list" autocomplete="off" required aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| error_id("city"))];
                        datalist #f-city-list data-city-for="f-country" { @for c in cities { option value=(c) {} } }
                        (field_error(l, "city", error))
                    }
                    (field(l, form, "start_date", "requests.start_date", "date", "off", true))
                    (field(l, form, "days", "requests.days", "number", "off", true))
                }
                fieldset {
                    (field(l, form, "budget", "requests.budget", "text", "off", false))
                    (select(l, form, "currency", "adform.currency", &currencies()))
                    (textarea(l, form, "body", "requests.body"))
                    (field(l, form, "phone", "form.phone", "tel", "tel", false))
                }
                button.btn.btn-wide #post-request type="submit" { (l.t("requests.publish")) }
            }
        }
        (crate::views::cities::data())
    };
    layout::page(ctx, Head { title: l.t("requests.post"), ..Head::default() }, body)
}

fn quote_card(ctx: &PageCtx, q: &Quote, may_accept: bool) -> Markup {
    let l = ctx.lang;
    html! {
        article.quote.accepted[q.status == QuoteStatus::Accepted] data-quote-id=(q.id) {
            p.quote-price { strong { (money(l, q.price_minor, q.currency)) } " " (unit_label(l, &q.unit)) }
            p.muted { (q.owner_name) " · " a href=(format!("/ad/{}", q.ad_id)) { (q.ad_title) } }
            p { (l.t("requests.available")) ": " (q.available) }
            @if !q.note.is_empty() { p.quote-note { (q.note) } }
            div.my-ad-actions {
                span.quote-status { (l.t(match q.status {
                    QuoteStatus::Open => "requests.quote.open",
                    QuoteStatus::Accepted => "requests.quote.accepted",
                    QuoteStatus::Declined => "requests.quote.declined",
                })) }
                a.btn.btn-small.btn-ghost href=(format!("/chats/{}", q.thread_id)) { (l.t("requests.to_chat")) }
                @if may_accept && q.status == QuoteStatus::Open {
                    form method="post" action=(format!("/quotes/{}/accept", q.id)) {
                        (csrf(ctx))
                        button.btn.btn-small.accept-btn type="submit" data-confirm=(l.t("requests.accept_confirm")) { (l.t("requests.accept")) }
                    }
                }
            }
        }
    }
}

/// `GET /requests/{id}`.
pub fn show(
    ctx: &PageCtx,
    r: &Request,
    quotes: &[Quote],
    quote_with: Option<&(AdId, String)>,
    quote_form: &FormState,
) -> Markup {
    let l = ctx.lang;
    let today = day_of(ctx.now);
    let open = r.is_open(&today);
    let is_author = ctx.user.as_ref().map(|u| u.id) == Some(r.user_id);
    // the requester's phone is for those who may answer: its author, an owner with a matching
    // ad, or one who has quoted (the only quotes a non-author is shown are their own); never
    // to visitors and robots, never once the request is closed
    let phone_shown = open && (is_author || quote_with.is_some() || !quotes.is_empty());
    let units: Vec<(String, String)> =
        QUOTE_UNITS.iter().map(|u| (u.to_string(), unit_label(l, u).to_owned())).collect();
    let body = html! {
        nav.breadcrumbs { a href="/requests" { (l.t("requests.title")) } " / " span { (heading(l, r)) } }
        div.ad-layout.request-layout {
            section.ad-specs {
                span.freight-kind.request-status { (status_label(l, r, &today)) }
                h1.ad-title { (heading(l, r)) }
                dl.specs {
                    div { dt { (l.t("form.city")) } dd { (r.city) ", " (layout::country(l, r.country)) } }
                    div { dt { (l.t("requests.start_date")) } dd { (day(l, &r.start_date)) } }
                    div { dt { (l.t("requests.days")) } dd { (r.days) } }
                    div { dt { (l.t("requests.budget")) } dd { @if let Some((m, c)) = r.budget { (money(l, m, c)) } @else { (l.t("price.negotiable")) } } }
                    @if let Some(p) = r.phone.as_ref().filter(|_| phone_shown) { div { dt { (l.t("form.phone")) } dd { a href=(format!("tel:{}", p.replace(' ', ""))) { (p) } } } }
                    div { dt { (l.t("requests.author")) } dd { (r.author) } }
                }
                @for p in r.body.split("\n\n") { p.request-body { (p) } }
            }
            aside.ad-side.request-side {
                @if is_author {
                    h2 { (l.t("requests.quotes")) " (" (quotes.len()) ")" }
                    @if quotes.is_empty() { p.muted #no-quotes { (l.t("requests.no_quotes")) } }
                    @for q in quotes { (quote_card(ctx, q, open)) }
                    @if r.status == Status::Open {
                        div.my-ad-actions {
                            @if open {
                                form method="post" action=(format!("/requests/{}/close", r.id)) {
                                    (csrf(ctx))
                                    button.btn.btn-small.btn-ghost #close-request type="submit" { (l.t("requests.close")) }
                                }
                            }
                            form method="post" action=(format!("/requests/{}/delete", r.id)) {
                                (csrf(ctx))
                                button.btn.btn-small.btn-danger #delete-request type="submit" data-confirm=(l.t("requests.delete_confirm")) { (l.t("my.delete")) }
                            }
                        }
                    }
                } @else if let Some(q) = quotes.first() {
                    h2 { (l.t("requests.your_quote")) }
                    (quote_card(ctx, q, false))
                } @else if !open {
                    p.note { (l.t("requests.closed_note")) }
                } @else if let Some((_, title)) = quote_with {
                    h2 { (l.t("requests.make_quote")) }
                    p.muted { (l.tf("requests.quote_with", &[("ad", title)])) }
                    (general_error(l, quote_form))
                    form.form #quote-form method="post" action=(format!("/requests/{}/quote", r.id)) {
                        (csrf(ctx))
                        (field(l, quote_form, "price", "requests.price", "text", "off", true))
                        (select(l, quote_form, "currency", "adform.currency", &currencies()))
                        (select(l, quote_form, "unit", "requests.unit", &units))
                        (field(l, quote_form, "available", "requests.available", "text", "off", true))
                        (textarea(l, quote_form, "note", "requests.note"))
                        button.btn.btn-wide #send-quote type="submit" { (l.t("requests.send_quote")) }
                    }
                } @else if ctx.user.is_some() {
                    p.note #cannot-quote { (l.tf("requests.owners_only", &[("type", &r.equipment_type), ("country", layout::country(l, r.country))])) }
                } @else {
                    a.btn #quote-login href=(LoginLink(&ctx.here())) { (l.t("requests.sign_in_to_quote")) }
                }
            }
        }
    };
    let canonical = format!("/requests/{}", r.id);
    let title = heading(l, r);
    layout::page(ctx, Head { title: &title, canonical: Some(&canonical), ..Head::default() }, body)
}

/// `GET /my/requests`.
pub fn mine(ctx: &PageCtx, for_you: &[Request], own: &[Request]) -> Markup {
    let l = ctx.lang;
    let today = day_of(ctx.now);
    let body = html! {
        div.listing-head {
            h1 { (l.t("requests.for_you")) }
            a.btn.btn-small href="/requests/new" { "+ " (l.t("requests.post")) }
        }
        section #for-you {
            @if for_you.is_empty() { p.empty { (l.t("requests.for_you_empty")) } }
            @else { div.grid.requests-grid { @for r in for_you { (card(l, r, ctx.now)) } } }
        }
        h2 { (l.t("requests.mine")) }
        section #own-requests {
            @if own.is_empty() { p.empty { (l.t("requests.mine_empty")) } }
            @else {
                div.saved-searches {
                    @for r in own {
                        article.saved-search data-request-id=(r.id) {
                            h2 { a href=(format!("/requests/{}", r.id)) { (heading(l, r)) } }
                            p.saved-search-meta { span.status { (status_label(l, r, &today)) } " · " (facts(l, r)) " · " (l.plural("count.quotes", r.quotes)) }
                        }
                    }
                }
            }
        }
    };
    layout::page(ctx, Head { title: l.t("requests.for_you"), ..Head::default() }, body)
}
