//! Text spliced into HTML, escaped by copying whole runs of safe bytes.
//!
//! maud 0.27 escapes a `&str` or `String` by pushing it into the page one byte at a time; on the
//! ad page (4 KB of titles, descriptions, URLs and messages) that was a tenth of the request's
//! CPU. Wrapping a hot splice as `(Text(s))` gives the same output through [`escape_into`],
//! which copies everything between special characters at once. (An upstream pull request,
//! lambda-fairy/maud#502, does the same inside maud; until it lands, this is the fast path.)

use maud::Render;

/// A string rendered with HTML escaping: `&`, `<`, `>` and `"`, exactly as maud escapes.
#[derive(Debug, Clone, Copy)]
pub struct Text<'a>(pub &'a str);

impl Render for Text<'_> {
    fn render_to(&self, buffer: &mut String) {
        escape_into(self.0, buffer);
    }
}

/// `/login?next=<path>`: the sign-in URL that comes back to `path`, for links (written straight
/// into the page) and redirects (`Display`). Form-urlencoded output is only letters, digits and
/// `*-._+%`: nothing HTML escapes.
#[derive(Debug, Clone, Copy)]
pub struct LoginLink<'a>(pub &'a str);

impl Render for LoginLink<'_> {
    fn render_to(&self, buffer: &mut String) {
        buffer.push_str("/login?next=");
        buffer.extend(form_urlencoded::byte_serialize(self.0.as_bytes()));
    }
}

impl std::fmt::Display for LoginLink<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("/login?next=")?;
        form_urlencoded::byte_serialize(self.0.as_bytes()).try_for_each(|part| f.write_str(part))
    }
}

/// A site path among a language's URLs (`/catalog` → `/en/catalog`, see
/// [`Lang::href`](crate::i18n::Lang::href)), escaped when spliced into a page.
#[derive(Debug, Clone, Copy)]
pub struct Href<'a>(pub crate::i18n::Lang, pub &'a str);

impl Render for Href<'_> {
    fn render_to(&self, buffer: &mut String) {
        buffer.push_str(self.0.prefix());
        if !self.1.starts_with('/') {
            buffer.push('/');
        }
        escape_into(self.1, buffer);
    }
}

/// Appends `s` to `out` with `&`, `<`, `>` and `"` escaped.
pub fn escape_into(s: &str, out: &mut String) {
    let bytes = s.as_bytes();
    let mut safe_from = 0;
    let mut i = 0;
    while i < bytes.len() {
        // eight bytes at a time while none needs escaping
        if let Some(word) = bytes.get(i..i + 8).and_then(|w| <[u8; 8]>::try_from(w).ok())
            && !word_needs_escape(u64::from_le_bytes(word))
        {
            i += 8;
            continue;
        }
        let entity = match bytes[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => {
                i += 1;
                continue;
            }
        };
        // the four are ASCII, so `i` is always on a character boundary
        out.push_str(&s[safe_from..i]);
        out.push_str(entity);
        i += 1;
        safe_from = i;
    }
    out.push_str(&s[safe_from..]);
}

/// Whether any byte of `word` is one of the four, by the classic "has a zero byte" test
/// applied to `word` XOR each of them (exact: no false answers either way).
fn word_needs_escape(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let has = |b: u8| {
        let x = word ^ (ONES * u64::from(b));
        x.wrapping_sub(ONES) & !x & HIGHS
    };
    has(b'&') | has(b'<') | has(b'>') | has(b'"') != 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use maud::html;

    /// What maud itself makes of `s`.
    fn maud_escaped(s: &str) -> String {
        html! { (s) }.into_string()
    }

    #[test]
    fn escapes_exactly_as_maud_does() {
        let samples = [
            "",
            "Продам погрузчик JCB 155 2009 года",
            "<script>alert(\"x\")</script>",
            "a & b > c < d \"e\" 'f'",
            "&&&<<<>>>\"\"\"",
            "ends with &",
            "<starts",
            "mixed ё<ж>&\"ß\" 漢字 🚜",
            "already &amp; escaped",
            // specials at, before and after the 8-byte word edges
            "0123456&01234567<",
            "01234567\"0123456>",
            "\u{7f}\u{80}ÿ&\u{1}\u{0}%'=?;:",
            "длинный текст без специальных символов, больше нескольких блоков по 16 байт",
        ];
        for s in samples {
            let mut out = String::new();
            escape_into(s, &mut out);
            assert_eq!(out, maud_escaped(s), "for {s:?}");
            assert_eq!(html! { (Text(s)) }.into_string(), maud_escaped(s), "for {s:?}");
        }
    }

    #[test]
    fn finds_every_special_at_every_place_in_a_word() {
        for filler in ['a', 'ж'] {
            for special in ['&', '<', '>', '"'] {
                for at in 0..20 {
                    let s: String =
                        (0..20).map(|i| if i == at { special } else { filler }).collect();
                    let mut out = String::new();
                    escape_into(&s, &mut out);
                    assert_eq!(out, maud_escaped(&s), "{special} at {at} among {filler}");
                }
            }
        }
        // every byte value next to its neighbours, nothing else changed
        let all: String = (0u8..=127).map(char::from).collect();
        let mut out = String::new();
        escape_into(&all, &mut out);
        assert_eq!(out, maud_escaped(&all));
    }

    #[test]
    fn login_links_encode_the_way_back() {
        let link = |path| html! { a href=(LoginLink(path)) {} }.into_string();
        assert_eq!(link("/ad/12-kran"), r#"<a href="/login?next=%2Fad%2F12-kran"></a>"#);
        // the same as serde_urlencoded, which the rest of the site uses for query strings
        let path = "/catalog?q=кран & \"JCB\"<x>&page=2";
        let expected = serde_urlencoded::to_string([("next", path)]).expect("encode");
        assert_eq!(link(path), format!(r#"<a href="/login?{expected}"></a>"#));
        // the redirect to sign in uses the same URL
        assert_eq!(LoginLink(path).to_string(), format!("/login?{expected}"));
    }

    #[test]
    fn hrefs_carry_the_language_and_escape() {
        use crate::i18n::Lang;
        let link = |lang, path| html! { a href=(Href(lang, path)) {} }.into_string();
        assert_eq!(link(Lang::Kk, "/?a=1&b=2"), r#"<a href="/kk/?a=1&amp;b=2"></a>"#);
        assert_eq!(link(Lang::Ru, "/catalog"), r#"<a href="/catalog"></a>"#);
        assert_eq!(link(Lang::En, "/"), r#"<a href="/en/"></a>"#);
    }

    #[test]
    fn appends_to_what_is_there() {
        let mut out = String::from("<p>");
        escape_into("1 < 2", &mut out);
        assert_eq!(out, "<p>1 &lt; 2");
    }

    #[test]
    fn escapes_inside_attributes_too() {
        let page = html! { img alt=(Text("say \"hi\" & <go>")); }.into_string();
        assert_eq!(page, r#"<img alt="say &quot;hi&quot; &amp; &lt;go&gt;">"#);
    }
}
