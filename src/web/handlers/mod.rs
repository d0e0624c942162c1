//! Request handlers, one file per area: GET renders a page, POST answers with 303.

pub mod account;
pub mod ad;
pub mod ad_form;
pub mod ad_manage;
pub mod admin;
pub mod auth;
pub mod badge;
pub mod chats;
pub mod freight;
pub mod home;
pub mod listing;
pub mod media;
pub mod pages;
pub mod payments;
pub mod prefs;
pub mod reports;
pub mod requests;
pub mod searches;
pub mod seller;
pub mod seo;
pub mod stats;
pub mod system;

use std::collections::HashSet;

use crate::domain::ids::AdId;
use crate::web::AppState;
use crate::web::error::Result;
use crate::web::extract::PageCtx;

/// A new form's values from the poster's profile: the phone, the country (else the visitor's
/// chosen one) and its currency, the city; under the form's own names for the place fields.
pub async fn profile_defaults(
    state: &AppState,
    ctx: &PageCtx,
    user: crate::domain::ids::UserId,
    (country_field, city_field): (&str, &str),
) -> Result<std::collections::HashMap<String, String>> {
    let account =
        state.db.run(move |conn| Ok(crate::domain::accounts::repo::get(conn, user)?)).await?;
    let mut values = std::collections::HashMap::new();
    if let Some(a) = account {
        if let Some(p) = a.profile.phone {
            values.insert("phone".to_owned(), p);
        }
        if let Some(c) = a.profile.country.or(ctx.country) {
            values.insert(country_field.to_owned(), c.code().to_owned());
            values.insert("currency".to_owned(), c.currency().code().to_owned());
        }
        if let Some(city) = a.profile.city {
            values.insert(city_field.to_owned(), city);
        }
    }
    Ok(values)
}

/// The signed-in viewer's favorites among `ids` (None for anonymous visitors).
pub async fn favorites_of(
    state: &AppState,
    ctx: &PageCtx,
    ids: Vec<AdId>,
) -> Result<Option<HashSet<AdId>>> {
    let Some(user) = ctx.user.as_ref().map(|u| u.id) else { return Ok(None) };
    let set = state
        .db
        // one indexed lookup of at most a page's ids: here, not on a request thread
        .run_here(move |conn| Ok(crate::domain::ads::favorites::favorite_ids(conn, user, &ids)?))
        .await?;
    Ok(Some(set))
}
