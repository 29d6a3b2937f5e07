//! House rules checked on the source tree (in the spirit of rust-analyzer's
//! tidy test): every file says what it owns, and each outside library stays
//! inside the one module that owns it.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

fn source() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    rust_files(&root)
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let relative = path
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (relative, text)
        })
        .collect()
}

#[test]
fn every_file_opens_with_a_module_doc() {
    for (path, text) in source() {
        assert!(
            text.starts_with("//!"),
            "src/{path} must open with a //! module doc"
        );
    }
}

#[test]
fn each_outside_library_stays_in_its_module() {
    let owners = [
        ("sled::", "store/"),
        ("similar::", "diff.rs"),
        ("argon2::", "auth/"),
        ("axum::", "http/"),
        ("tower_http::", "http/"),
        ("comrak::", "render/"),
        ("ammonia::", "render/"),
        ("html5ever::", "render/"),
        ("yaml_rust2::", "render/"),
        ("tantivy::", "search/"),
    ];
    for (path, text) in source() {
        for (library, owner) in owners {
            let uses = text
                .lines()
                .filter(|line| !line.trim_start().starts_with("//"))
                .any(|line| line.contains(library));
            assert!(
                !uses || path.starts_with(owner),
                "src/{path} uses {library}, which only {owner} may"
            );
        }
    }
}

#[test]
fn no_unwrap_in_the_server_code() {
    // `tests.rs` files are test-only modules (declared under `#[cfg(test)]`).
    for (path, text) in source()
        .into_iter()
        .filter(|(path, _)| !path.ends_with("tests.rs"))
    {
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for (number, line) in code.lines().enumerate() {
            let line = line.trim_start();
            if line.starts_with("//") {
                continue;
            }
            assert!(
                !line.contains(".unwrap()") && !line.contains(".expect("),
                "src/{path}:{}: unwrap/expect outside tests",
                number + 1
            );
        }
    }
}

#[test]
fn every_error_code_is_documented() {
    let docs =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/api.md")).unwrap();
    for code in ostrom::model::ErrorCode::ALL {
        assert!(
            docs.contains(&format!("`{}`", code.as_str())),
            "docs/api.md does not name the error code {code}"
        );
    }
}
