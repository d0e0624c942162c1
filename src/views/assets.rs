//! CSS, JS and icons embedded in the binary, named by a hash of their content so pages can
//! link them for immutable caching (`web::assets` serves them).

use std::collections::HashMap;
use std::hash::Hasher;
use std::sync::OnceLock;

struct Asset {
    name: &'static str,
    body: &'static [u8],
    mime: &'static str,
}

/// An embedded file of `assets/` and its type.
macro_rules! asset {
    ($name:literal, $mime:literal) => {
        Asset { name: $name, body: include_bytes!(concat!("../../assets/", $name)), mime: $mime }
    };
}

const ASSETS: &[Asset] = &[
    asset!("app.css", "text/css; charset=utf-8"),
    asset!("app.js", "text/javascript; charset=utf-8"),
    asset!("chat.js", "text/javascript; charset=utf-8"),
    asset!("logo.svg", "image/svg+xml"),
    asset!("favicon.svg", "image/svg+xml"),
    asset!("placeholder.svg", "image/svg+xml"),
];

struct Index {
    /// name → hashed file name
    urls: HashMap<&'static str, String>,
    /// hashed file name → asset
    files: HashMap<String, &'static Asset>,
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut urls = HashMap::new();
        let mut files = HashMap::new();
        for a in ASSETS {
            // FNV-1a: a stable content hash, enough to bust caches
            let mut h = FnvHasher(0xcbf2_9ce4_8422_2325);
            h.write(a.body);
            let (stem, ext) = a.name.rsplit_once('.').unwrap_or((a.name, ""));
            let hashed = format!("{stem}.{:012x}.{ext}", h.finish() & 0xffff_ffff_ffff);
            urls.insert(a.name, format!("/assets/{hashed}"));
            files.insert(hashed, a);
        }
        Index { urls, files }
    })
}

struct FnvHasher(u64);

impl Hasher for FnvHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// The hashed URL of an embedded asset, e.g. `url("app.css")`.
pub fn url(name: &str) -> &'static str {
    index().urls.get(name).map(String::as_str).unwrap_or("/assets/missing")
}

/// The body and type of an asset by its hashed file name.
pub fn file(hashed: &str) -> Option<(&'static [u8], &'static str)> {
    index().files.get(hashed).map(|a| (a.body, a.mime))
}
