//! `GET /catalog`, `/parts`, `/repair`: filters, sort and pages, with bad input answered 400.

use axum::extract::State;
use maud::Markup;
use serde::Deserialize;

use crate::cache::Lookup;
use crate::domain::ads::list::{self, Filter, Sort};
use crate::domain::ads::{Kind, Section};
use crate::domain::geo::{Country, Currency, EQUIPMENT_TYPES};
use crate::views;
use crate::web::AppState;
use crate::web::error::{Error, Result};
use crate::web::extract::{PageCtx, Q};

/// Longest search text accepted.
pub const MAX_SEARCH_CHARS: usize = 200;
/// Highest page number accepted.
const MAX_PAGE: i64 = 10_000;

/// The raw query of a listing; every field is parsed by hand so that bad input gets a message.
#[derive(Debug, Deserialize, Default, Clone)]
pub struct ListQuery {
    /// Kind within the section.
    pub kind: Option<String>,
    /// Country code.
    pub country: Option<String>,
    /// City.
    pub city: Option<String>,
    /// Equipment type.
    #[serde(rename = "type")]
    pub equipment_type: Option<String>,
    /// Brand.
    pub brand: Option<String>,
    /// Lowest price, in `currency`.
    pub price_from: Option<String>,
    /// Highest price, in `currency`.
    pub price_to: Option<String>,
    /// Currency of the price range.
    pub currency: Option<String>,
    /// Search text.
    pub q: Option<String>,
    /// Sort order.
    pub sort: Option<String>,
    /// Page number.
    pub page: Option<String>,
}

fn non_empty(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

/// The country (query first, then the header's choice) and a city within it.
pub fn parse_place(
    ctx: &PageCtx,
    country: Option<&str>,
    city: Option<&str>,
) -> Result<(Option<Country>, Option<String>)> {
    let country = match country.map(str::trim) {
        Some("all") => None,
        Some(code) if !code.is_empty() => Some(
            Country::parse(code)
                .ok_or_else(|| Error::BadRequest(ctx.lang.t("error.bad_country").to_owned()))?,
        ),
        _ => ctx.country,
    };
    let city = match (country, non_empty(city)) {
        (Some(c), Some(name)) if c.cities().contains(&name) => Some(name.to_owned()),
        (_, Some(name)) if name.chars().count() > 60 => {
            return Err(Error::BadRequest(ctx.lang.t("error.bad_city").to_owned()));
        }
        // a free "other" city name is allowed when a country is chosen
        (Some(_), Some(name)) => Some(name.to_owned()),
        _ => None,
    };
    Ok((country, city))
}

fn parse_price(ctx: &PageCtx, raw: Option<&str>) -> Result<Option<i64>> {
    let Some(raw) = non_empty(raw) else { return Ok(None) };
    let cleaned: String = raw.chars().filter(|c| !c.is_whitespace() && *c != '\u{2009}').collect();
    match cleaned.parse::<i64>() {
        Ok(v) if (0..=1_000_000_000_000).contains(&v) => Ok(Some(v)),
        _ => Err(Error::BadRequest(ctx.lang.t("error.bad_price").to_owned())),
    }
}

/// Turns a listing query into a filter, or a 400 naming what is wrong.
pub fn parse_filter(
    state: &AppState,
    ctx: &PageCtx,
    section: Section,
    q: &ListQuery,
) -> Result<Filter> {
    let bad = |key: &'static str| Error::BadRequest(ctx.lang.t(key).to_owned());
    let kind = match non_empty(q.kind.as_deref()) {
        None | Some("all") => None,
        Some(k) => Some(
            Kind::parse(k)
                .filter(|k| section.kinds().contains(k))
                .ok_or_else(|| bad("error.bad_kind"))?,
        ),
    };
    let (country, city) = parse_place(ctx, q.country.as_deref(), q.city.as_deref())?;
    let equipment_type = match non_empty(q.equipment_type.as_deref()) {
        None => None,
        Some(t) => {
            let t = t.to_lowercase();
            Some(
                EQUIPMENT_TYPES
                    .iter()
                    .find(|e| **e == t)
                    .ok_or_else(|| bad("error.bad_type"))?
                    .to_string(),
            )
        }
    };
    let brand = match non_empty(q.brand.as_deref()) {
        Some(b) if b.chars().count() > 60 => return Err(bad("error.bad_brand")),
        b => b.map(str::to_owned),
    };
    let currency = match non_empty(q.currency.as_deref()) {
        None => country.map(Country::currency).unwrap_or(Currency::Usd),
        Some(c) => Currency::parse(&c.to_uppercase()).ok_or_else(|| bad("error.bad_currency"))?,
    };
    let rates = &state.config.currency;
    let to_usd = |v: i64| currency.to_usd_cents(v.saturating_mul(100), rates);
    let price_from = parse_price(ctx, q.price_from.as_deref())?.map(to_usd);
    let price_to = parse_price(ctx, q.price_to.as_deref())?.map(to_usd);
    if let (Some(a), Some(b)) = (price_from, price_to)
        && a > b
    {
        return Err(bad("error.price_range"));
    }
    let text = match non_empty(q.q.as_deref()) {
        Some(t) if t.chars().count() > MAX_SEARCH_CHARS => {
            return Err(bad("error.search_too_long"));
        }
        t => t.map(str::to_owned),
    };
    let sort = match non_empty(q.sort.as_deref()) {
        None => Sort::Fresh,
        Some(s) => Sort::parse(s).ok_or_else(|| bad("error.bad_sort"))?,
    };
    let page = match non_empty(q.page.as_deref()) {
        None => 1,
        Some(p) => p
            .parse::<i64>()
            .ok()
            .filter(|p| (1..=MAX_PAGE).contains(p))
            .ok_or_else(|| bad("error.bad_page"))?,
    };
    Ok(Filter {
        section: Some(section),
        kind,
        country,
        city,
        equipment_type,
        brand,
        price_from_usd_cents: price_from,
        price_to_usd_cents: price_to,
        text,
        owner_id: None,
        sort,
        page,
    })
}

async fn listing(state: AppState, ctx: PageCtx, section: Section, q: ListQuery) -> Result<Markup> {
    let filter = parse_filter(&state, &ctx, section, &q)?;
    let now = ctx.now;
    let key = format!("{filter:?}");
    let cached = match state.caches.listing.lookup(&key) {
        Lookup::Fresh(page) => {
            let favs = super::favorites_of(&state, &ctx, page.cards.iter().map(|c| c.id).collect())
                .await?;
            return Ok(views::pages::listing::page(
                &ctx,
                section,
                &q,
                &filter,
                &page,
                favs.as_ref(),
            ));
        }
        Lookup::Refresh(page) => Some(page),
        Lookup::Miss => None,
    };
    let loaded = {
        let filter = filter.clone();
        let counts = state.caches.counts.clone();
        state.db.run(move |conn| Ok(list::list(conn, &filter, now, Some(&counts))?)).await
    };
    let page = match (loaded, cached) {
        (Ok(page), _) => std::sync::Arc::new(page),
        // a failed refresh keeps serving what we had
        (Err(e), Some(old)) => {
            tracing::warn!(error = %e, "listing refresh failed; serving the cached page");
            old
        }
        (Err(e), None) => return Err(e.into()),
    };
    state.caches.listing.put(key, page.clone());
    let favs = super::favorites_of(&state, &ctx, page.cards.iter().map(|c| c.id).collect()).await?;
    Ok(views::pages::listing::page(&ctx, section, &q, &filter, &page, favs.as_ref()))
}

/// `/catalog`: rent and sale.
pub async fn catalog(
    State(s): State<AppState>,
    ctx: PageCtx,
    Q(q): Q<ListQuery>,
) -> Result<Markup> {
    listing(s, ctx, Section::Catalog, q).await
}

/// `/parts`.
pub async fn parts(State(s): State<AppState>, ctx: PageCtx, Q(q): Q<ListQuery>) -> Result<Markup> {
    listing(s, ctx, Section::Parts, q).await
}

/// `/repair`: services.
pub async fn repair(State(s): State<AppState>, ctx: PageCtx, Q(q): Q<ListQuery>) -> Result<Markup> {
    listing(s, ctx, Section::Repair, q).await
}
