//! Small value types every area shares: typed ids (a user's id cannot be passed where an ad's
//! is expected) and a bounded page number.

use rusqlite::types::{FromSql, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

/// An id that can come from a URL: a positive integer.
pub trait ParseId: Sized {
    /// The id in `s`, or `None` (a bad id is a missing page, never an error).
    fn parse_id(s: &str) -> Option<Self>;
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize,
            serde::Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl $name {
            /// The number (for links, logs and arithmetic).
            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl ParseId for $name {
            fn parse_id(s: &str) -> Option<Self> {
                s.parse::<i64>().ok().filter(|v| *v > 0).map(Self)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.0))
            }
        }

        impl FromSql for $name {
            fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
                i64::column_result(v).map(Self)
            }
        }
    };
}

id_type!(
    /// A user's id.
    UserId
);
id_type!(
    /// An ad's id.
    AdId
);
id_type!(
    /// A freight listing's id.
    FreightId
);
id_type!(
    /// A chat thread's id.
    ThreadId
);
id_type!(
    /// A chat message's id.
    MessageId
);
id_type!(
    /// A saved search's id.
    SearchId
);
id_type!(
    /// A rental request's id.
    RequestId
);
id_type!(
    /// A quote's id (an owner's answer to a rental request).
    QuoteId
);

/// A 1-based page number of a listing, at most [`PageNo::MAX`]: deep pages cost a scan, and
/// nobody reads page 10,001.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PageNo(u16);

impl PageNo {
    /// The first page.
    pub const FIRST: PageNo = PageNo(1);
    /// The highest page number accepted.
    pub const MAX: u16 = 10_000;

    /// A page number from a query value; `None` for anything but 1..=MAX.
    pub fn parse(s: &str) -> Option<PageNo> {
        s.trim().parse::<u16>().ok().and_then(PageNo::new)
    }

    /// A page number in range.
    pub fn new(n: u16) -> Option<PageNo> {
        (1..=Self::MAX).contains(&n).then_some(PageNo(n))
    }

    /// The number, for arithmetic and links.
    pub fn get(self) -> i64 {
        i64::from(self.0)
    }

    /// Rows to skip before this page.
    pub fn offset(self, page_size: i64) -> i64 {
        (self.get() - 1) * page_size
    }
}

impl Default for PageNo {
    fn default() -> Self {
        Self::FIRST
    }
}

/// The page of an optional query value: none or empty is the first; anything out of range is
/// the message key `error.bad_page`.
pub fn page_of(raw: Option<&str>) -> Result<PageNo, &'static str> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(PageNo::FIRST),
        Some(s) => PageNo::parse(s).ok_or("error.bad_page"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_positive_integers() {
        assert_eq!(AdId::parse_id("12"), Some(AdId(12)));
        for bad in ["0", "-3", "x", "12-slug", "", "99999999999999999999"] {
            assert_eq!(AdId::parse_id(bad), None, "{bad}");
        }
        assert_eq!(UserId(7).to_string(), "7");
    }

    #[test]
    fn pages_are_bounded() {
        assert_eq!(page_of(None), Ok(PageNo::FIRST));
        assert_eq!(page_of(Some(" ")), Ok(PageNo::FIRST));
        assert_eq!(page_of(Some("3")).map(PageNo::get), Ok(3));
        for bad in ["0", "-1", "10001", "x", "1e3", "99999999999"] {
            assert_eq!(page_of(Some(bad)), Err("error.bad_page"), "{bad}");
        }
        assert_eq!(PageNo::new(10_000).map(|p| p.offset(12)), Some(9_999 * 12));
    }
}
