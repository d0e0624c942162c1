//! Static pages and the 404 fallback.

use maud::Markup;

use crate::views::pages::static_pages::{self, StaticPage};
use crate::web::error::Error;
use crate::web::extract::PageCtx;

/// `GET /about`.
pub async fn about(ctx: PageCtx) -> Markup {
    static_pages::page(&ctx, StaticPage::About)
}
/// `GET /help`.
pub async fn help(ctx: PageCtx) -> Markup {
    static_pages::page(&ctx, StaticPage::Help)
}
/// `GET /rules`.
pub async fn rules(ctx: PageCtx) -> Markup {
    static_pages::page(&ctx, StaticPage::Rules)
}
/// `GET /safety`.
pub async fn safety(ctx: PageCtx) -> Markup {
    static_pages::page(&ctx, StaticPage::Safety)
}
/// `GET /privacy`.
pub async fn privacy(ctx: PageCtx) -> Markup {
    static_pages::page(&ctx, StaticPage::Privacy)
}
/// `GET /terms`.
pub async fn terms(ctx: PageCtx) -> Markup {
    static_pages::page(&ctx, StaticPage::Terms)
}

/// Any unknown path.
pub async fn not_found() -> Error {
    Error::NotFound
}
