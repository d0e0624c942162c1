//! `GET /sitemap.xml` and `GET /robots.txt`.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::domain::ads::write;
use crate::web::AppState;
use crate::web::error::Result;

/// Most URLs in one sitemap file (the protocol's limit).
const MAX_URLS: i64 = 50_000;

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The sitemap: listing pages and active ads with their last change.
pub async fn sitemap(State(state): State<AppState>) -> Result<Response> {
    let base = state.config.server.public_url.trim_end_matches('/').to_owned();
    let ads = state.db.run(move |conn| Ok(write::sitemap_ads(conn, 0, MAX_URLS - 10)?)).await?;
    let mut out = String::with_capacity(ads.len() * 120 + 1024);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for path in
        ["/", "/catalog", "/parts", "/repair", "/logistics", "/about", "/help", "/rules", "/safety"]
    {
        out.push_str(&format!("<url><loc>{}</loc></url>\n", xml_escape(&format!("{base}{path}"))));
    }
    for (id, slug, updated) in ads {
        let lastmod = time::OffsetDateTime::from_unix_timestamp(updated)
            .map(|d| format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day()))
            .unwrap_or_default();
        out.push_str(&format!(
            "<url><loc>{}</loc><lastmod>{lastmod}</lastmod></url>\n",
            xml_escape(&format!("{base}/ad/{id}-{slug}"))
        ));
    }
    out.push_str("</urlset>\n");
    Ok(([(header::CONTENT_TYPE, HeaderValue::from_static("application/xml; charset=utf-8"))], out)
        .into_response())
}

/// Crawlers may read public pages, not private ones.
pub async fn robots(State(state): State<AppState>) -> Response {
    let base = state.config.server.public_url.trim_end_matches('/');
    let body = format!(
        "User-agent: *\nDisallow: /account\nDisallow: /my/\nDisallow: /favorites\nDisallow: /admin\nDisallow: /ads/new\nDisallow: /search\nDisallow: /login\nDisallow: /signup\nDisallow: /password/\nAllow: /\n\nSitemap: {base}/sitemap.xml\n"
    );
    ([(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"))], body)
        .into_response()
}
