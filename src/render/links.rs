//! Where links point: wiki links, relative links, and page URLs.
//!
//! A page's web URL is `/wiki/{space}/{slug}`; a missing page's link goes to
//! `/wiki/{space}/{slug}?action=edit`, where it can be created. Sections are
//! heading ids, made by the same rules as the headings' own.

use comrak::Anchorizer;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use serde::Serialize;

use super::LinkResolver;
use crate::model::{PageSlug, SpaceSlug};

/// What must be escaped in a path segment (RFC 3986 `pchar` complement).
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A page one page links to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct LinkTarget {
    pub space: SpaceSlug,
    pub slug: PageSlug,
}

/// The web URL of a page.
pub fn page_url(space: &SpaceSlug, slug: &PageSlug) -> String {
    format!(
        "/wiki/{}/{}",
        space,
        utf8_percent_encode(slug.as_str(), PATH_SEGMENT)
    )
}

/// The id a heading titled `section` gets (the first one of that title).
pub fn section_id(section: &str) -> String {
    Anchorizer::new().anchorize(section)
}

/// A resolved wiki link.
pub(crate) struct WikiLink {
    /// `None` for a link to a section of the same page (`[[#Section]]`).
    pub target: Option<LinkTarget>,
    pub section: Option<String>,
}

impl WikiLink {
    /// Parses what is inside `[[…]]` (before any `|label`). `None` if it
    /// names no valid page.
    pub(crate) fn parse(raw: &str, space: &SpaceSlug, resolver: &dyn LinkResolver) -> Option<Self> {
        let raw = raw.trim();
        let (page, section) = match raw.split_once('#') {
            Some((page, section)) => (page.trim(), Some(section.trim().to_owned())),
            None => (raw, None),
        };
        if page.is_empty() {
            return section.map(|section| WikiLink {
                target: None,
                section: Some(section),
            });
        }
        let (space, title) = match page.split_once(':') {
            Some((prefix, title)) => match SpaceSlug::parse(prefix.trim()) {
                Ok(other) if resolver.space_exists(&other) => (other, title),
                _ => (space.clone(), page),
            },
            None => (space.clone(), page),
        };
        let slug = PageSlug::parse(title).ok()?;
        Some(WikiLink {
            target: Some(LinkTarget { space, slug }),
            section,
        })
    }

    pub(crate) fn href(&self, exists: bool) -> String {
        let fragment = self
            .section
            .as_deref()
            .map(|s| format!("#{}", section_id(s)))
            .unwrap_or_default();
        match &self.target {
            None => fragment,
            Some(target) if exists => {
                format!("{}{fragment}", page_url(&target.space, &target.slug))
            }
            Some(target) => format!("{}?action=edit", page_url(&target.space, &target.slug)),
        }
    }
}

/// The page a relative Markdown link (`[text](Other_page#part)`) names, if it
/// names one: no scheme, no `/`, no query; percent-encoding decoded.
pub(crate) fn relative_page(url: &str, space: &SpaceSlug) -> Option<LinkTarget> {
    let path = url.split('#').next().unwrap_or_default();
    let path = path.strip_prefix("./").unwrap_or(path);
    if path.is_empty() || path.contains(['/', '?', '\\']) || has_scheme(path) {
        return None;
    }
    let decoded = percent_decode_str(path).decode_utf8().ok()?;
    let slug = PageSlug::parse(&decoded).ok()?;
    Some(LinkTarget {
        space: space.clone(),
        slug,
    })
}

fn has_scheme(url: &str) -> bool {
    url.split_once(':').is_some_and(|(scheme, _)| {
        let mut chars = scheme.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

/// True for links that leave the wiki (and so get `rel="nofollow …"`).
pub(crate) fn is_external(href: &str) -> bool {
    let lower = href.trim_start().to_ascii_lowercase();
    lower.starts_with("//") || (has_scheme(&lower) && !lower.starts_with("mailto:"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::AllExist;

    fn main() -> SpaceSlug {
        SpaceSlug::main()
    }

    #[test]
    fn wiki_links_resolve_to_page_urls() {
        let cases = [
            ("Économie sociale", "/wiki/main/%C3%89conomie_sociale"),
            ("Page#Une Section", "/wiki/main/Page#une-section"),
            ("autre:Page", "/wiki/autre/Page"),
            ("Note: à lire", "/wiki/main/Note%3A_%C3%A0_lire"),
            ("#Haut de page", "#haut-de-page"),
        ];
        for (raw, href) in cases {
            let link = WikiLink::parse(raw, &main(), &AllExist).unwrap();
            assert_eq!(link.href(true), href, "{raw}");
        }
        let missing = WikiLink::parse("Page#Section", &main(), &AllExist).unwrap();
        assert_eq!(missing.href(false), "/wiki/main/Page?action=edit");
        assert!(WikiLink::parse("a/b", &main(), &AllExist).is_none());
        assert!(WikiLink::parse("  ", &main(), &AllExist).is_none());
    }

    #[test]
    fn relative_links_name_pages() {
        let slug = |url| relative_page(url, &main()).map(|t| t.slug.to_string());
        assert_eq!(slug("Autre_page").as_deref(), Some("Autre_page"));
        assert_eq!(slug("./Autre%20page#x").as_deref(), Some("Autre_page"));
        assert_eq!(slug("%C3%89conomie").as_deref(), Some("Économie"));
        for url in [
            "",
            "#x",
            "/abs",
            "https://x.org",
            "mailto:a@b",
            "dir/page",
            "p?q=1",
            "javascript:alert(1)",
        ] {
            assert_eq!(slug(url), None, "{url}");
        }
    }

    #[test]
    fn external_links() {
        for href in ["https://x.org", "HTTP://x", "//cdn.example/x", "ftp://f"] {
            assert!(is_external(href), "{href}");
        }
        for href in ["/wiki/main/P", "#x", "Page", "mailto:a@b.c"] {
            assert!(!is_external(href), "{href}");
        }
    }
}
