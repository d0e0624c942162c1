//! Text from outside is checked once, at the edge: query strings and form fields (urlencoded
//! and multipart) with control characters are refused before any handler sees them.

use super::error::Error;

/// Message key of the refusal.
pub const CONTROL_CHARS: &str = "error.control_chars";

/// Whether `s` holds a control character nobody types: NUL, escape, DEL, the C1 range. Tabs
/// and line breaks are text (a description has paragraphs).
pub fn has_control(s: &str) -> bool {
    s.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

/// Refuses a field name or value with a control character (400 with a clear message).
pub fn check(s: &str) -> Result<(), Error> {
    if has_control(s) { Err(Error::BadRequest(CONTROL_CHARS.into())) } else { Ok(()) }
}

/// Refuses a query string any of whose decoded names or values holds a control character.
pub fn check_query(query: Option<&str>) -> Result<(), Error> {
    let Some(query) = query else { return Ok(()) };
    // the common query has nothing encoded and nothing odd: no decoding needed
    if !query.contains('%') && !query.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return Ok(());
    }
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        check(&k)?;
        check(&v)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_refused_text_is_not() {
        assert!(has_control("abc\0"));
        assert!(has_control("a\u{1b}[31m"));
        assert!(has_control("\u{7f}"));
        assert!(has_control("\u{85}"));
        assert!(!has_control("экскаватор Hitachi -- 🚜 مرحبا\tи\r\nещё"));
        assert!(check_query(Some("q=abc%00")).is_err());
        assert!(check_query(Some("q%00=1")).is_err());
        assert!(check_query(Some("q=%D1%8D%D0%BA&page=2")).is_ok());
        assert!(check_query(Some("q=a+b")).is_ok());
        assert!(check_query(None).is_ok());
    }
}
