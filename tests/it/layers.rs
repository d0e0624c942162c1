//! The layers point one way (`web` → `views` → `domain` → `db`, jobs beside `web`): a module
//! naming a layer above its own fails here, with the file and line.

use std::path::Path;

/// (folder under src/, what its files may not name)
const RULES: &[(&str, &[&str])] = &[
    ("views", &["crate::web", "crate::jobs", "crate::db", "rusqlite", "axum"]),
    ("domain", &["crate::web", "crate::views", "crate::jobs", "axum", "maud"]),
    ("db", &["crate::web", "crate::views", "crate::domain", "crate::jobs", "axum", "maud"]),
    ("jobs", &["crate::web", "crate::views", "axum", "maud"]),
];

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Where `text` names a forbidden path outside comments: "file:line: name".
fn violations(file: &Path, text: &str, forbidden: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        for name in forbidden {
            // `axum` as a path root, not inside another word
            let hit = code.match_indices(name).any(|(at, _)| {
                let before = code[..at].chars().last();
                let after = code[at + name.len()..].chars().next();
                !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
                    && matches!(after, None | Some(':' | ';' | ' ' | ',' | '}' | ')'))
            });
            if hit {
                found.push(format!("{}:{}: {name}", file.display(), i + 1));
            }
        }
    }
    found
}

#[test]
fn layers_point_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    for (folder, forbidden) in RULES {
        let mut files = Vec::new();
        rust_files(&src.join(folder), &mut files);
        assert!(!files.is_empty(), "src/{folder} has no files: the rule checks nothing");
        for file in files {
            let text = std::fs::read_to_string(&file).expect("read");
            found.extend(violations(&file, &text, forbidden));
        }
    }
    assert!(found.is_empty(), "layer violations:\n{}", found.join("\n"));
}

#[test]
fn the_check_sees_a_violation() {
    let f = Path::new("x.rs");
    assert_eq!(violations(f, "use crate::web::extract::PageCtx;", &["crate::web"]).len(), 1);
    assert_eq!(violations(f, "let x = crate::web::AppState;", &["crate::web"]).len(), 1);
    assert!(violations(f, "// crate::web is named in a comment", &["crate::web"]).is_empty());
    assert!(violations(f, "use crate::webhooks::X;", &["crate::web"]).is_empty());
    assert_eq!(violations(f, "use axum::Router;", &["axum"]).len(), 1);
    assert!(violations(f, "let axum_like = 1;", &["axum"]).is_empty());
}
