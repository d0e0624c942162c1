//! About, help, rules, safety, privacy, terms: text from the message catalog.

use maud::{Markup, html};

use crate::views::ctx::PageCtx;
use crate::views::layout::{self, Head};

/// The static pages.
#[derive(Debug, Clone, Copy)]
pub enum StaticPage {
    /// `/about`.
    About,
    /// `/help`.
    Help,
    /// `/rules`.
    Rules,
    /// `/safety`.
    Safety,
    /// `/privacy`.
    Privacy,
    /// `/terms`.
    Terms,
}

impl StaticPage {
    fn keys(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Self::About => ("page.about.title", "page.about.body", "/about"),
            Self::Help => ("page.help.title", "page.help.body", "/help"),
            Self::Rules => ("page.rules.title", "page.rules.body", "/rules"),
            Self::Safety => ("page.safety.title", "page.safety.body", "/safety"),
            Self::Privacy => ("page.privacy.title", "page.privacy.body", "/privacy"),
            Self::Terms => ("page.terms.title", "page.terms.body", "/terms"),
        }
    }
}

/// Renders a static page; paragraphs in the catalog are separated by ` | `.
pub fn page(ctx: &PageCtx, which: StaticPage) -> Markup {
    let (title, body_key, path) = which.keys();
    let title = ctx.lang.t(title);
    let body = html! {
        article.prose {
            h1 { (title) }
            @for para in ctx.lang.t(body_key).split(" | ") { p { (para) } }
        }
    };
    layout::page(
        ctx,
        Head { title, description: None, canonical: Some(path), nav: None, extra: None },
        body,
    )
}
