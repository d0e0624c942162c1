//! Languages in URLs: Russian at the root, the others under `/kk`, `/uz`, `/en`. One place
//! knows the prefixes: links are written through [`Lang::href`] (or `views::text::Href` in a page), and the edge
//! (`web::languages`) splits a request's path with [`split`].

use super::Lang;

impl Lang {
    /// The path prefix of the language's URLs: `""` for Russian (the root), `/kk`, `/uz`, `/en`.
    pub fn prefix(self) -> &'static str {
        match self {
            Lang::Ru => "",
            Lang::Kk => "/kk",
            Lang::Uz => "/uz",
            Lang::En => "/en",
        }
    }

    /// `path` (a site path starting with `/`, maybe with a query) among this language's URLs:
    /// `/catalog` → `/en/catalog`, `/` → `/en/`, `/?country=kz` → `/en/?country=kz`.
    pub fn href(self, path: &str) -> String {
        let mut out = String::with_capacity(path.len() + 3);
        out.push_str(self.prefix());
        if !path.starts_with('/') {
            out.push('/');
        }
        out.push_str(path);
        out
    }
}

/// The language a path's first segment names, and the path without it: `/en/catalog` →
/// `(En, "/catalog")`, `/kk` → `(Kk, "/")`, `/ru/ad/1` → `(Ru, "/ad/1")`. `None` for a path
/// without a language segment (`/catalog`, `/english`, `/EN/x`: prefixes are lower case).
/// `path` is a path without its query.
pub fn split(path: &str) -> Option<(Lang, &str)> {
    let rest = path.strip_prefix('/')?;
    let (segment, tail) = rest.find('/').map_or((rest, ""), |at| rest.split_at(at));
    let lang = match segment {
        "ru" => Lang::Ru,
        "kk" => Lang::Kk,
        "uz" => Lang::Uz,
        "en" => Lang::En,
        _ => return None,
    };
    // `/ru//evil.com` is no language path: its tail would leave as `//evil.com`, which a
    // browser reads as another site (an open redirect through the 301 or a `back`)
    if tail.starts_with("//") || tail.starts_with("/\\") {
        return None;
    }
    Some((lang, if tail.is_empty() { "/" } else { tail }))
}

/// A site path with its query, without its language segment: `/en/catalog?x` → `/catalog?x`,
/// `/en?x` → `/?x`, `/catalog` → `/catalog`.
pub fn strip(path_and_query: &str) -> String {
    let (path, query) = match path_and_query.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path_and_query, None),
    };
    let path = split(path).map_or(path, |(_, rest)| rest);
    match query {
        Some(q) => format!("{path}?{q}"),
        None => path.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_split_and_join() {
        assert_eq!(split("/en/catalog"), Some((Lang::En, "/catalog")));
        assert_eq!(split("/kk"), Some((Lang::Kk, "/")));
        assert_eq!(split("/uz/"), Some((Lang::Uz, "/")));
        assert_eq!(split("/ru/ad/1-x"), Some((Lang::Ru, "/ad/1-x")));
        assert_eq!(split("/ru//evil.example"), None, "another site, not a path");
        assert_eq!(split("/en/\\evil.example"), None);
        for plain in ["/", "/catalog", "/english", "/EN/x", "/enx/y", "", "en/x"] {
            assert_eq!(split(plain), None, "{plain}");
        }
        assert_eq!(Lang::En.href("/"), "/en/");
        assert_eq!(Lang::En.href("/catalog?page=2"), "/en/catalog?page=2");
        assert_eq!(Lang::Ru.href("/catalog"), "/catalog");
        assert_eq!(strip("/en/catalog?x=1"), "/catalog?x=1");
        assert_eq!(strip("/en?x=1"), "/?x=1");
        assert_eq!(strip("/en"), "/");
        assert_eq!(strip("/catalog?lang=/en/"), "/catalog?lang=/en/");
        for lang in Lang::ALL {
            for path in ["/", "/catalog?q=a", "/ad/1-x"] {
                assert_eq!(strip(&lang.href(path)), path, "{lang:?} {path}");
            }
        }
    }
}
