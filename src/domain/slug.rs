//! stub
/// stub
pub fn slugify(t: &str) -> String { t.to_string() }
