//! `GET /sitemap.xml` (and its parts, `/sitemaps/{n}.xml`) and `GET /robots.txt`.
//!
//! Every page is listed once per language (`/catalog`, `/kk/catalog`, `/uz/catalog`,
//! `/en/catalog`); the pages themselves name their alternates (`hreflang`). A file holds at
//! most the protocol's 50,000 URLs: past that, `/sitemap.xml` is an index of parts.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::domain::ads::write;
use crate::i18n::Lang;
use crate::web::AppState;
use crate::web::error::{Error, Result};

/// Most URLs in one sitemap file (the protocol's limit).
const MAX_URLS: usize = 50_000;

/// Pages in one sitemap file: each is listed in every language.
const PAGES_PER_FILE: i64 = (MAX_URLS / Lang::ALL.len()) as i64;

/// The pages listed before the ads.
const FIXED: [&str; 9] =
    ["/", "/catalog", "/parts", "/repair", "/logistics", "/about", "/help", "/rules", "/safety"];

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn xml(body: String) -> Response {
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/xml; charset=utf-8"))], body)
        .into_response()
}

/// How many sitemap files `ads` active ads need (at least one).
fn parts_for(ads: i64, per_file: i64) -> i64 {
    let pages = FIXED.len() as i64 + ads;
    ((pages + per_file - 1) / per_file).max(1)
}

/// The sitemap file `n` (0: `/sitemap.xml` itself), rendered once per [`SITEMAP_TTL`]: a part
/// walks every active ad before it and the count every one, on a public URL; crawlers read it
/// hours apart.
async fn cached(state: &AppState, n: i64) -> Result<Option<std::sync::Arc<str>>> {
    if let Some(body) = state.caches.sitemap.get(&n) {
        return Ok(body);
    }
    let ads = state.db.run(|conn| Ok(write::sitemap_ad_count(conn)?)).await?;
    let parts = parts_for(ads, PAGES_PER_FILE);
    let body: Option<std::sync::Arc<str>> = match n {
        0 if parts == 1 => Some(part(state, 1, PAGES_PER_FILE).await?.into()),
        0 => Some(index(&state.site_url, parts).into()),
        n if n > parts => None,
        n => Some(part(state, n, PAGES_PER_FILE).await?.into()),
    };
    state.caches.sitemap.put(n, body.clone());
    Ok(body)
}

/// The sitemap: every page in every language when they fit one file, else an index of parts.
pub async fn sitemap(State(state): State<AppState>) -> Result<Response> {
    let body = cached(&state, 0).await?.ok_or(Error::NotFound)?;
    Ok(xml(body.to_string()))
}

/// `/sitemaps/{n}.xml`: the `n`th slice of the pages, from 1; past the last one, 404.
pub async fn sitemap_part(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response> {
    let n = file
        .strip_suffix(".xml")
        .filter(|n| n.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|n| n.parse::<i64>().ok())
        .filter(|n| *n >= 1)
        .ok_or(Error::NotFound)?;
    let body = cached(&state, n).await?.ok_or(Error::NotFound)?;
    Ok(xml(body.to_string()))
}

/// The index naming every part.
fn index(base: &str, parts: i64) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for n in 1..=parts {
        out.push_str(&format!(
            "<sitemap><loc>{}</loc></sitemap>\n",
            xml_escape(&format!("{base}/sitemaps/{n}.xml"))
        ));
    }
    out.push_str("</sitemapindex>\n");
    out
}

/// Part `n` of the pages (the fixed ones, then active ads by id), `per_file` pages in each.
async fn part(state: &AppState, n: i64, per_file: i64) -> Result<String> {
    let first = (n - 1) * per_file;
    let fixed: Vec<&str> = FIXED
        .iter()
        .skip(usize::try_from(first).unwrap_or(usize::MAX))
        .take(usize::try_from(per_file).unwrap_or(0))
        .copied()
        .collect();
    let offset = (first - FIXED.len() as i64).max(0);
    let limit = per_file - fixed.len() as i64;
    let ads = state.db.run(move |conn| Ok(write::sitemap_ads(conn, offset, limit)?)).await?;
    Ok(urlset(&state.site_url, &fixed, &ads))
}

/// A `<urlset>` of these pages, each in every language.
fn urlset(base: &str, fixed: &[&str], ads: &[(i64, String, i64)]) -> String {
    let mut out = String::with_capacity((fixed.len() + ads.len()) * 4 * 110 + 128);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    let mut entry = |path: &str, lastmod: Option<&str>| {
        for lang in Lang::ALL {
            out.push_str("<url><loc>");
            out.push_str(&xml_escape(&format!("{base}{}", lang.href(path))));
            out.push_str("</loc>");
            if let Some(day) = lastmod {
                out.push_str(&format!("<lastmod>{day}</lastmod>"));
            }
            out.push_str("</url>\n");
        }
    };
    for path in fixed {
        entry(path, None);
    }
    for (id, slug, updated) in ads {
        let lastmod = time::OffsetDateTime::from_unix_timestamp(*updated)
            .map(|d| format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day()))
            .ok();
        entry(&format!("/ad/{id}-{slug}"), lastmod.as_deref());
    }
    out.push_str("</urlset>\n");
    out
}

/// Paths crawlers are asked to leave alone (per-visitor pages), in every language.
const PRIVATE: [&str; 10] = [
    "/account",
    "/my/",
    "/favorites",
    "/admin",
    "/ads/new",
    "/search",
    "/login",
    "/signup",
    "/password/",
    "/chats",
];

/// Crawlers may read public pages, not private ones, whatever their language.
pub async fn robots(State(state): State<AppState>) -> Response {
    let mut body = String::from("User-agent: *\n");
    for lang in Lang::ALL {
        for path in PRIVATE {
            body.push_str(&format!("Disallow: {}{path}\n", lang.prefix()));
        }
    }
    body.push_str(&format!("Allow: /\n\nSitemap: {}/sitemap.xml\n", state.site_url));
    ([(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"))], body)
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_in_every_language_and_parts_past_the_limit() {
        let ads = vec![(7, "kran".to_owned(), 0)];
        let set = urlset("https://u.example", &["/", "/catalog"], &ads);
        for loc in [
            "https://u.example/",
            "https://u.example/kk/",
            "https://u.example/en/catalog",
            "https://u.example/uz/ad/7-kran",
            "https://u.example/ad/7-kran",
        ] {
            assert!(set.contains(&format!("<loc>{loc}</loc>")), "{loc} in {set}");
        }
        assert_eq!(set.matches("<url>").count(), 12, "three pages × four languages");
        assert_eq!(set.matches("<lastmod>1970-01-01</lastmod>").count(), 4);
        assert_eq!(PAGES_PER_FILE as usize * Lang::ALL.len(), MAX_URLS);
        assert_eq!(parts_for(0, PAGES_PER_FILE), 1);
        assert_eq!(parts_for(PAGES_PER_FILE - FIXED.len() as i64, PAGES_PER_FILE), 1);
        assert_eq!(parts_for(PAGES_PER_FILE - FIXED.len() as i64 + 1, PAGES_PER_FILE), 2);
        let idx = index("https://u.example", 2);
        assert!(idx.starts_with("<?xml") && idx.contains("<sitemapindex"));
        assert!(idx.contains("<loc>https://u.example/sitemaps/2.xml</loc>"));
        assert!(!idx.contains("/sitemaps/3.xml"));
    }
}
