//! The message catalog against the code: every key the code names exists in `ru.txt`, so no
//! page shows a bare key (`Lang::t` falls back to the key itself, silently), and every key of
//! `ru.txt` is named by the code, so no catalog carries text nobody reads. (That the other three
//! catalogs hold exactly Russian's keys is the unit test in `src/i18n/mod.rs`.)

use std::path::{Path, PathBuf};

use uzmat::i18n::Lang;

/// Files whose dotted literals are not message keys: the settings of `uzmat.toml`
/// (`auth.session_days`) share prefixes with the catalog.
const NOT_MESSAGES: [&str; 1] = ["src/config.rs"];

/// Endings of file names, which look like keys (`photo.jpg`).
const FILE_ENDINGS: [&str; 12] =
    ["css", "js", "svg", "png", "jpg", "jpeg", "webp", "txt", "toml", "rs", "sql", "eml"];

/// Functions whose string argument is always a key, whatever its prefix.
const KEY_CALLS: [&str; 4] = ["t(", "tf(", "plural(", "lookup("];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `area.name` or `area.name.more`: lowercase words joined by dots.
fn looks_like_key(s: &str) -> bool {
    let mut parts = s.split('.');
    let first = parts.next().unwrap_or("");
    !first.is_empty()
        && first.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
        && s.contains('.')
        && parts.all(|p| {
            !p.is_empty()
                && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        })
}

/// Every `"…"` literal made of key characters, with the code just before it. Scans for quotes
/// rather than lexing Rust: a key has no quote or escape inside, so a closing quote followed by
/// key characters and another quote does not occur in code that compiles.
fn literals(code: &str) -> Vec<(&str, &str)> {
    let bytes = code.as_bytes();
    let is_key_byte =
        |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.';
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(at) = code[i..].find('"').map(|p| p + i) {
        let start = at + 1;
        let end = start + bytes[start..].iter().take_while(|b| is_key_byte(**b)).count();
        if end < bytes.len() && bytes[end] == b'"' && end > start {
            out.push((&code[start..end], &code[..at]));
            i = end + 1;
        } else {
            i = start;
        }
    }
    out
}

/// Whether the literal is the argument of one of [`KEY_CALLS`] (`lang.t("…")`, `t("…")`).
fn is_key_call(before: &str) -> bool {
    let before = before.trim_end();
    KEY_CALLS.iter().any(|call| {
        before
            .strip_suffix(call)
            .is_some_and(|rest| !rest.ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_'))
    })
}

/// Whether `b` is `a` with one letter changed, added, dropped, or swapped with its neighbour:
/// `from.bad_email` is a mistyped `form.` key, not a setting or a file.
fn one_edit_apart(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let same = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[same..], &b[same..]);
    match (a.len(), b.len()) {
        (0, 0) => false,
        (x, y) if x == y => {
            a[1..] == b[1..] || (x >= 2 && a[0] == b[1] && a[1] == b[0] && a[2..] == b[2..])
        }
        (x, y) if x == y + 1 => a[1..] == *b,
        (x, y) if y == x + 1 => b[1..] == *a,
        _ => false,
    }
}

/// Whether a literal's first word marks it as a key: a catalog area, or one typo away from
/// one (areas of four letters or more: `a.id` in SQL is not a mistyped `ad.` key).
fn key_prefix(prefix: &str, areas: &[&str]) -> bool {
    areas.contains(&prefix) || areas.iter().any(|a| a.len() >= 4 && one_edit_apart(a, prefix))
}

/// A key, or the stem of a plural key (`count.ads` → `count.ads.one`, `.few`, `.many`).
fn in_catalog(key: &str) -> bool {
    Lang::Ru.lookup(key).is_some()
        || ["one", "few", "many"].iter().all(|f| Lang::Ru.lookup(&format!("{key}.{f}")).is_some())
}

#[test]
fn every_key_the_code_names_is_in_ru_txt() {
    let catalog = std::fs::read_to_string(root().join("src/i18n/ru.txt")).expect("ru.txt");
    // a dotted literal is taken for a key when it starts like one: `a.id` in SQL does not
    let mut prefixes: Vec<&str> = catalog
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_once(" = ")?.0.trim().split('.').next())
        .collect();
    prefixes.sort_unstable();
    prefixes.dedup();
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let (mut checked, mut missing) = (0, Vec::new());
    for file in &files {
        let code = std::fs::read_to_string(file).expect("source file");
        let rel = file.strip_prefix(root()).unwrap_or(file).to_string_lossy().replace('\\', "/");
        for (lit, before) in literals(&code) {
            if !looks_like_key(lit) {
                continue;
            }
            let prefix = lit.split('.').next().unwrap_or("");
            let ending = lit.rsplit('.').next().unwrap_or("");
            let by_shape = key_prefix(prefix, &prefixes)
                && !FILE_ENDINGS.contains(&ending)
                && !NOT_MESSAGES.contains(&rel.as_str());
            if !(by_shape || is_key_call(before)) {
                continue;
            }
            checked += 1;
            if !in_catalog(lit) {
                let line = before.matches('\n').count() + 1;
                missing.push(format!("{rel}:{line}: \"{lit}\""));
            }
        }
    }
    // guards the scan itself: a broken scan would find nothing and pass
    assert!(checked > 100, "only {checked} keys found under src/: is the scan broken?");
    assert!(missing.is_empty(), "keys missing from src/i18n/ru.txt:\n{}", missing.join("\n"));
}

#[test]
fn the_scan_finds_keys_and_skips_what_is_not_one() {
    let code =
        "lang.t(\"home.title\"); t(\n  \"x.y\"); Text(\"a.b\"); \"app.css\"; \"a\"; \"kind.\"";
    let found: Vec<_> = literals(code).into_iter().filter(|(l, _)| looks_like_key(l)).collect();
    let names: Vec<&str> = found.iter().map(|(l, _)| *l).collect();
    assert_eq!(names, ["home.title", "x.y", "a.b", "app.css"]);
    let calls: Vec<bool> = found.iter().map(|(_, before)| is_key_call(before)).collect();
    assert_eq!(calls, [true, true, false, false]);
    let areas = ["form", "ad", "flash"];
    assert!(key_prefix("form", &areas) && key_prefix("from", &areas) && key_prefix("flsh", &areas));
    assert!(!key_prefix("a", &areas) && !key_prefix("app", &areas) && !key_prefix("jobs", &areas));
    assert!(in_catalog("count.ads"), "plural stems count");
    assert!(!in_catalog("home.no_such_key"));
}

/// The text of every string literal in `code` (escapes left as written): enough to find the
/// keys code names whole (`"home.title"`) and the stems it completes at run time
/// (`format!("kind.{}", …)`).
fn string_literals(code: &str) -> Vec<&str> {
    let bytes = code.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'"' && (i == 0 || bytes[i - 1] != b'\'') {
            let start = i + 1;
            let mut j = start;
            while j < bytes.len() && bytes[j] != b'"' {
                j += if bytes[j] == b'\\' { 2 } else { 1 };
            }
            out.push(&code[start..j.min(bytes.len())]);
            i = j + 1;
        } else {
            i += 1;
        }
    }
    out
}

#[test]
fn every_key_in_ru_txt_is_named_by_the_code() {
    let catalog = std::fs::read_to_string(root().join("src/i18n/ru.txt")).expect("ru.txt");
    let keys: Vec<&str> = catalog
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| Some(l.split_once(" = ")?.0.trim()))
        .collect();
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let sources: Vec<String> =
        files.iter().map(|f| std::fs::read_to_string(f).expect("source")).collect();
    let (mut whole, mut stems) = (std::collections::HashSet::new(), Vec::new());
    for code in &sources {
        for lit in string_literals(code) {
            // a stem: a format string's text up to its first placeholder (`"kind.{}"`); a
            // literal merely ending in a dot is a filter (`k.starts_with("flash.")`), not a key
            let stem = lit.split('{').next().unwrap_or("");
            if lit.contains('{') && stem.ends_with('.') && stem.len() > 2 {
                stems.push(stem);
            }
            whole.insert(lit);
        }
    }
    let named = |key: &str| {
        let plural_stem = ["one", "few", "many"]
            .iter()
            .find_map(|f| key.strip_suffix(&format!(".{f}")))
            .filter(|stem| whole.contains(stem));
        whole.contains(key) || plural_stem.is_some() || stems.iter().any(|s| key.starts_with(s))
    };
    // guards the scan: the catalog's keys are found by it, not all assumed
    assert!(
        keys.len() > 500 && whole.len() > 1000,
        "{} keys, {} literals",
        keys.len(),
        whole.len()
    );
    let unused: Vec<&str> = keys.iter().copied().filter(|k| !named(k)).collect();
    assert!(
        unused.is_empty(),
        "{} keys in src/i18n/ru.txt that no code names (remove them from every catalog):\n{}",
        unused.len(),
        unused.join("\n")
    );
}
