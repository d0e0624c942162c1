//! `POST /prefs`: theme, language and country, kept in cookies (no account needed); a
//! signed-in user's language is stored with the account too (their mail and notices use it).

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use cookie::Cookie;
use serde::Deserialize;

use crate::domain::geo::Country;
use crate::domain::users;
use crate::i18n::{Lang, url};
use crate::web::AppState;
use crate::web::cookies;
use crate::web::csrf::CsrfForm;
use crate::web::error::Result;
use crate::web::extract::PageCtx;
use crate::web::flash::Flash;

/// The preference form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PrefsForm {
    theme: Option<String>,
    lang: Option<String>,
    country: Option<String>,
    back: Option<String>,
}

fn set_cookie(headers: &mut HeaderMap, c: &Cookie<'static>, remove: bool) {
    let mut c = c.clone();
    if remove {
        c.make_removal();
    }
    if let Ok(v) = HeaderValue::from_str(&c.encoded().to_string()) {
        headers.append(header::SET_COOKIE, v);
    }
}

/// Only same-site paths: never an open redirect. Browsers drop tabs and newlines and read `\`
/// as `/`, so any of those (or other controls and spaces) anywhere refuses the path.
pub fn safe_back(back: Option<&str>) -> &str {
    match back {
        Some(b)
            if b.starts_with('/')
                && !b.starts_with("//")
                && !b.bytes().any(|c| c <= 0x20 || c == 0x7f || c == b'\\') =>
        {
            b
        }
        _ => "/",
    }
}

/// Stores the chosen preferences and returns to the page the form was on; a language change
/// returns to that page's URL in the chosen language (`/catalog` → `/en/catalog`).
pub async fn update(
    State(state): State<AppState>,
    ctx: PageCtx,
    CsrfForm(form): CsrfForm<PrefsForm>,
) -> Result<Response> {
    let https = state.config.server.https;
    let pref = |name: &'static str, value: &str| cookies::preference(name, value.to_owned(), https);
    let mut headers = HeaderMap::new();
    match form.theme.as_deref() {
        Some("toggle") => {
            let next = if ctx.theme.code() == "dark" { "light" } else { "dark" };
            set_cookie(&mut headers, &pref("theme", next), false)
        }
        Some(t @ ("dark" | "light")) => set_cookie(&mut headers, &pref("theme", t), false),
        _ => {}
    }
    let mut flash = None;
    let chosen = form.lang.as_deref().and_then(Lang::parse);
    if let Some(lang) = chosen {
        set_cookie(&mut headers, &pref("lang", lang.code()), false);
        flash = Some(Flash("flash.lang_saved"));
        if let Some(user) = &ctx.user {
            let id = user.id;
            state.db.run(move |conn| Ok(users::set_lang(conn, id, lang)?)).await?;
        }
    }
    if form.country.is_some() {
        flash = Some(Flash("flash.country_saved"));
    }
    match form.country.as_deref() {
        Some("all") => set_cookie(&mut headers, &pref("country", ""), true),
        Some(c) => {
            if let Some(c) = Country::parse(c) {
                set_cookie(&mut headers, &pref("country", c.code()), false)
            }
        }
        None => {}
    }
    // a country change drops a city filter carried in the return path
    let back = safe_back(form.back.as_deref());
    let back = if form.country.is_some() { back.split('?').next().unwrap_or("/") } else { back };
    let back = match chosen {
        Some(lang) => lang.href(&url::strip(back)),
        None => back.to_owned(),
    };
    Ok((headers, flash, Redirect::to(&back)).into_response())
}

#[cfg(test)]
mod tests {
    use super::safe_back;

    #[test]
    fn only_plain_same_site_paths() {
        assert_eq!(safe_back(Some("/catalog?kind=rent")), "/catalog?kind=rent");
        for evil in [
            "//evil.com",
            "/\\evil.com",
            "/\t/evil.com",
            "/\r\n/evil",
            "https://evil.com",
            "/ok\\..",
            "",
            "/a b",
        ] {
            assert_eq!(safe_back(Some(evil)), "/", "{evil:?}");
        }
        assert_eq!(safe_back(None), "/");
    }
}
