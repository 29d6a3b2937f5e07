//! Markdown to safe HTML: the only module that uses comrak and ammonia.
//!
//! `render` parses a page (GFM: tables, strikethrough, autolinks, task lists,
//! footnotes; YAML front matter), resolves wiki links (`[[Page]]`,
//! `[[Page|label]]`, `[[space:Page]]`, `[[Page#Section]]`) and relative
//! links against the wiki through a [`LinkResolver`], gives headings stable
//! Unicode-aware ids and a table of contents, then passes the HTML through an
//! explicit allow-list sanitiser. The result is [`Html`]: the only HTML a
//! template may emit unescaped. It holds no script, no event handler, no
//! `javascript:`/`vbscript:`/`data:` URL and no comment, whatever the input.
//!
//! Rendering depends on the text, its space, and which linked pages exist
//! (red or blue links); nothing else. It does no I/O of its own.

mod front_matter;
mod links;
mod markdown;
mod plain;
mod sanitize;

use serde::Serialize;
use utoipa::ToSchema;

pub use front_matter::FrontMatter;
pub use links::{LinkTarget, page_url};
pub use plain::{PlainText, plain_text};

use crate::model::{PageSlug, SpaceSlug};

/// Sanitised HTML, safe to embed in a page as is. Only this module makes one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Html(String);

impl Html {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl utoipa::PartialSchema for Html {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some("Sanitised HTML rendered from the page's Markdown"))
            .into()
    }
}

impl utoipa::ToSchema for Html {}

/// One heading of the page, for its table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct TocEntry {
    pub level: u8,
    /// The heading's `id`: link to it with `#id`.
    pub id: String,
    pub text: String,
}

/// Everything rendering a page yields.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub html: Html,
    pub toc: Vec<TocEntry>,
    pub front_matter: FrontMatter,
    /// The wiki pages this page links to (wiki links and relative links),
    /// each once, in order.
    pub links: Vec<LinkTarget>,
}

/// What rendering needs to know about the wiki: which spaces and pages exist.
pub trait LinkResolver {
    fn space_exists(&self, space: &SpaceSlug) -> bool;
    /// Whether a link to this page is blue (the page exists) or red.
    fn page_exists(&self, space: &SpaceSlug, slug: &PageSlug) -> bool;
}

/// The Markdown syntax understood. Pages use [`Dialect::WIKI`]; the others
/// exist so the conformance tests can run each spec suite with the syntax it
/// defines, through the same formatter and sanitiser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    pub table: bool,
    pub strikethrough: bool,
    /// Bare URLs and `www.` addresses become links (GFM).
    pub autolink: bool,
    pub tasklist: bool,
    pub footnotes: bool,
    /// YAML between `---` lines at the top is metadata, not text.
    pub front_matter: bool,
    /// `[[Page]]`, `[[Page|label]]`, `[[space:Page]]`, `[[Page#Section]]`.
    pub wikilinks: bool,
    /// Curly quotes and dashes from straight ones. Off for pages: it would
    /// change what contributors typed (and French quotes are « »).
    pub smart: bool,
}

impl Dialect {
    /// What wiki pages are written in: GFM, front matter and wiki links.
    pub const WIKI: Dialect = Dialect {
        table: true,
        strikethrough: true,
        autolink: true,
        tasklist: true,
        footnotes: true,
        front_matter: true,
        wikilinks: true,
        smart: false,
    };

    /// Plain CommonMark.
    pub const COMMONMARK: Dialect = Dialect {
        table: false,
        strikethrough: false,
        autolink: false,
        tasklist: false,
        footnotes: false,
        front_matter: false,
        wikilinks: false,
        smart: false,
    };
}

/// Renders `markdown`, a page of `space`.
pub fn render(markdown: &str, space: &SpaceSlug, resolver: &dyn LinkResolver) -> Rendered {
    render_dialect(markdown, space, resolver, &Dialect::WIKI)
}

/// Renders `markdown` written in `dialect`.
pub fn render_dialect(
    markdown: &str,
    space: &SpaceSlug,
    resolver: &dyn LinkResolver,
    dialect: &Dialect,
) -> Rendered {
    let unsafe_output = markdown::to_html(markdown, space, resolver, dialect);
    Rendered {
        html: Html(sanitize::clean(&unsafe_output.html)),
        toc: unsafe_output.toc,
        front_matter: unsafe_output.front_matter,
        links: unsafe_output.links,
    }
}

/// A resolver for which every page and space exists (for previews of
/// Markdown out of any wiki, and for conformance tests).
pub struct AllExist;

impl LinkResolver for AllExist {
    fn space_exists(&self, _: &SpaceSlug) -> bool {
        true
    }

    fn page_exists(&self, _: &SpaceSlug, _: &PageSlug) -> bool {
        true
    }
}
