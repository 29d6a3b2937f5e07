//! Static assets (`frontend/static`), compiled into the binary and served
//! under URLs that carry a hash of their bytes (`ostrom.1a2b3c4d5e6f.css`):
//! such a URL never changes meaning, so browsers and caches keep it for a
//! year without asking again; a new build gives new URLs.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rust_embed::Embed;

#[derive(Embed)]
#[folder = "frontend/static/"]
struct Static;

/// name → (hash, hashed URL).
static TABLE: LazyLock<BTreeMap<String, (String, String)>> = LazyLock::new(|| {
    Static::iter()
        .filter_map(|name| {
            let file = Static::get(&name)?;
            let hash = hex::encode(&file.metadata.sha256_hash()[..6]);
            let (stem, ext) = name.rsplit_once('.')?;
            let url = format!("/assets/{stem}.{hash}.{ext}");
            Some((name.into_owned(), (hash, url)))
        })
        .collect()
});

/// The hashed URL of the asset `name` (`ostrom.css`).
pub fn url(name: &str) -> &'static str {
    TABLE.get(name).map_or("", |(_, url)| url.as_str())
}

/// Serves `stem.hash.ext` (immutable when the hash is the current one),
/// or `stem.ext` (revalidated each time).
pub async fn asset(Path(requested): Path<String>, headers: HeaderMap) -> Response {
    let (name, asked_hash) = split_hash(&requested);
    let (Some(file), Some((hash, _))) = (Static::get(&name), TABLE.get(&name)) else {
        return super::not_found_page(&headers);
    };
    let etag = format!("\"{hash}\"");
    let cache = if asked_hash.as_deref() == Some(hash.as_str()) {
        "public, max-age=31536000, immutable"
    } else {
        "public, no-cache"
    };
    let mut response_headers = HeaderMap::new();
    response_headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        response_headers.insert(header::ETAG, value);
    }
    response_headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(&name)),
    );
    let unchanged = crate::http::extract::not_modified(&headers, &etag);
    if unchanged {
        return (StatusCode::NOT_MODIFIED, response_headers).into_response();
    }
    (response_headers, file.data.into_owned()).into_response()
}

/// `ostrom.1a2b3c4d5e6f.css` → (`ostrom.css`, the hash); `ostrom.css` → itself.
fn split_hash(requested: &str) -> (String, Option<String>) {
    let parts: Vec<&str> = requested.split('.').collect();
    if let [stem @ .., hash, ext] = parts.as_slice()
        && !stem.is_empty()
        && hash.len() == 12
        && hash.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return (
            format!("{}.{ext}", stem.join(".")),
            Some((*hash).to_owned()),
        );
    }
    (requested.to_owned(), None)
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_map_back_to_files() {
        assert_eq!(
            split_hash("ostrom.0123456789ab.css"),
            ("ostrom.css".to_owned(), Some("0123456789ab".to_owned()))
        );
        assert_eq!(split_hash("ostrom.css"), ("ostrom.css".to_owned(), None));
        assert_eq!(split_hash("a.b.css"), ("a.b.css".to_owned(), None));
        let css = url("ostrom.css");
        assert!(
            css.starts_with("/assets/ostrom.") && css.ends_with(".css"),
            "{css}"
        );
    }
}
