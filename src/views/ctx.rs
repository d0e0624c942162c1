//! What every page knows about its visitor (language, theme, user, form token), as plain data:
//! the web layer fills it from the request, views only read it.

use crate::domain::geo::Country;
use crate::domain::users::SessionUser;
use crate::i18n::Lang;

/// Light or dark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    /// Dark (default, like the original).
    Dark,
    /// Light.
    Light,
}

impl Theme {
    /// The code used in the cookie and in `data-theme`.
    pub fn code(self) -> &'static str {
        match self {
            Theme::Dark => "dark",
            Theme::Light => "light",
        }
    }
}

/// Everything a page needs to know about its visitor.
#[derive(Debug, Clone)]
pub struct PageCtx {
    /// UI language.
    pub lang: Lang,
    /// Colour theme.
    pub theme: Theme,
    /// The country chosen in the header, if any.
    pub country: Option<Country>,
    /// The signed-in user.
    pub user: Option<SessionUser>,
    /// Unread messages of the signed-in user.
    pub unread: u32,
    /// The request's path and query, without a language prefix (see [`PageCtx::here`]).
    pub path: String,
    /// Unix seconds at the start of the request.
    pub now: i64,
    /// A one-time message left by the previous action (PRG), already translated.
    pub flash: Option<&'static str>,
    /// The CSRF token every form of this page carries.
    pub csrf: String,
    /// The site's public address without a trailing slash (absolute links: canonical,
    /// hreflang).
    pub site: std::sync::Arc<str>,
}

impl PageCtx {
    /// `path` among the URLs of the page's language: `/catalog` → `/en/catalog` on an English
    /// page, unchanged on a Russian one.
    pub fn href(&self, path: &str) -> String {
        self.lang.href(path)
    }

    /// This page's own path and query in its language's URL: where forms come back to (`back`)
    /// and where signing in returns.
    pub fn here(&self) -> String {
        self.lang.href(&self.path)
    }
}
