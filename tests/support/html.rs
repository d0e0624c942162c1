//! HTML asserted through CSS selectors (`scraper`), not by slicing markup: a page is parsed the
//! way a browser would, and elements are copied out with their attributes and text.

use scraper::{ElementRef, Html, Selector};

use super::Resp;

/// An element copied out of a page: its attributes and text.
#[derive(Debug, Clone)]
pub struct El {
    /// Attributes in document order, entities decoded.
    pub attrs: Vec<(String, String)>,
    /// Its text, entities decoded, runs of ASCII whitespace made one space (thin spaces kept).
    pub text: String,
    /// Its markup, for failure messages.
    pub html: String,
}

impl El {
    fn of(e: ElementRef<'_>) -> Self {
        let text = e.text().collect::<String>();
        El {
            attrs: e.value().attrs().map(|(k, v)| (k.to_owned(), v.to_owned())).collect(),
            text: text.split_ascii_whitespace().collect::<Vec<_>>().join(" "),
            html: e.html(),
        }
    }

    /// An attribute's value.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// A parsed document.
pub struct Page(Html);

fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("bad CSS selector {css:?}: {e:?}"))
}

impl Page {
    /// Parses a document (a whole raw HTTP answer parses too: its head becomes text).
    pub fn parse(html: &str) -> Self {
        Page(Html::parse_document(html))
    }

    /// Every element matching `css`, in document order.
    pub fn select(&self, css: &str) -> Vec<El> {
        self.0.select(&selector(css)).map(El::of).collect()
    }

    /// The one element matching `css`; panics when there are none or several.
    #[track_caller]
    pub fn one(&self, css: &str) -> El {
        let mut found = self.select(css);
        match found.len() {
            1 => found.remove(0),
            n => {
                let html: Vec<&str> = found.iter().map(|e| e.html.as_str()).collect();
                panic!("{n} elements match {css:?}, not one: {html:?}")
            }
        }
    }

    /// The first element matching `css`.
    pub fn first(&self, css: &str) -> Option<El> {
        self.0.select(&selector(css)).next().map(El::of)
    }

    /// How many elements match `css`.
    pub fn count(&self, css: &str) -> usize {
        self.0.select(&selector(css)).count()
    }

    /// The values of `attr` on the elements matching `css`.
    pub fn attrs(&self, css: &str, attr: &str) -> Vec<String> {
        self.0.select(&selector(css)).filter_map(|e| e.attr(attr)).map(str::to_owned).collect()
    }

    /// How many text nodes contain `needle` (entities decoded), and how many attribute values.
    pub fn occurrences(&self, needle: &str) -> (usize, usize) {
        let texts = self.0.root_element().text().filter(|t| t.contains(needle)).count();
        let attrs = self
            .0
            .select(&selector("*"))
            .flat_map(|e| e.value().attrs().map(|(_, v)| v))
            .filter(|v| v.contains(needle))
            .count();
        (texts, attrs)
    }

    /// Each element matching `css` as a page of its own, to query inside one of several.
    pub fn within(&self, css: &str) -> Vec<Page> {
        self.0.select(&selector(css)).map(|e| Page(Html::parse_fragment(&e.html()))).collect()
    }

    /// `data-ad-id` of the cards inside the one element matching `scope`, in document order;
    /// panics when `scope` is not on the page (a renamed block must not read as an empty one).
    #[track_caller]
    pub fn ad_ids_in(&self, scope: &str) -> Vec<i64> {
        let n = self.count(scope);
        assert_eq!(n, 1, "{n} elements match {scope:?}, not one");
        ids(self.attrs(&format!("{scope} [data-ad-id]"), "data-ad-id"))
    }

    /// `data-ad-id` of every card on the page, in document order.
    pub fn ad_ids(&self) -> Vec<i64> {
        ids(self.attrs("[data-ad-id]", "data-ad-id"))
    }

    /// The first form's CSRF token.
    pub fn csrf_token(&self) -> Option<String> {
        self.first("input[name=csrf_token]")?.attr("value").map(str::to_owned)
    }
}

fn ids(values: Vec<String>) -> Vec<i64> {
    values
        .iter()
        .map(|v| v.parse().unwrap_or_else(|_| panic!("id {v:?} is not a number")))
        .collect()
}

impl Resp {
    /// The body parsed as an HTML document.
    pub fn html(&self) -> Page {
        Page::parse(&self.body)
    }

    /// Whether the answer is an HTML page.
    pub fn is_html(&self) -> bool {
        self.header("content-type").is_some_and(|t| t.starts_with("text/html"))
    }

    /// Every element matching `css`.
    pub fn select(&self, css: &str) -> Vec<El> {
        self.html().select(css)
    }

    /// The one element matching `css`; panics when there are none or several.
    #[track_caller]
    pub fn one(&self, css: &str) -> El {
        self.html().one(css)
    }

    /// How many elements match `css`.
    pub fn count(&self, css: &str) -> usize {
        self.html().count(css)
    }

    /// `data-ad-id` values in document order inside the one element matching `scope`.
    #[track_caller]
    pub fn ad_ids_in(&self, scope: &str) -> Vec<i64> {
        self.html().ad_ids_in(scope)
    }

    /// All `data-ad-id` values in document order.
    pub fn ad_ids(&self) -> Vec<i64> {
        self.html().ad_ids()
    }
}
