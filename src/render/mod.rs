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
//!
//! One render has a budget, so that no page can make it slow: elements
//! (block quotes, lists, emphasis, raw HTML…) nest at most [`MAX_NESTING`]
//! deep, a page makes at most [`MAX_ELEMENTS`] elements and
//! [`MAX_HTML_BYTES`] of HTML, front matter is
//! plain YAML of at most [`MAX_FRONT_MATTER_BYTES`]. A page over budget
//! still renders, cut (deeper elements flattened, the rest after the byte
//! budget dropped, refused front matter shown as text), and says why in
//! [`Rendered::refusal`], which writers refuse.

mod front_matter;
mod links;
mod markdown;
mod plain;
mod raw_html;
mod sanitize;

use serde::Serialize;
use utoipa::ToSchema;

pub use front_matter::{FrontMatter, FrontMatterRefusal, MAX_FRONT_MATTER_BYTES};
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

impl std::fmt::Display for Html {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Templates write sanitised HTML as it is; everything else they escape.
impl askama::filters::HtmlSafe for Html {}

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

/// How deep elements may nest: block quotes, lists and their items,
/// emphasis, links, tables and raw HTML elements, counted together.
pub const MAX_NESTING: usize = 64;
/// The most HTML one page may render to.
pub const MAX_HTML_BYTES: usize = 4 * 1024 * 1024;
/// The most elements one page may render to (paragraphs, links, table
/// cells, emphasis, raw HTML tags…): what rendering costs grows with them.
pub const MAX_ELEMENTS: usize = 100_000;

/// Why a page went over its rendering budget.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("{0}")]
    FrontMatter(FrontMatterRefusal),
    #[error(
        "elements nest too deep at line {line}: block quotes, lists, emphasis and HTML elements nest at most {MAX_NESTING} deep"
    )]
    TooDeep { line: usize },
    #[error(
        "the page is too large to render: at most {MAX_ELEMENTS} elements (paragraphs, links, table cells, emphasis…) and {MAX_HTML_BYTES} bytes of HTML"
    )]
    TooLarge,
}

impl Refusal {
    /// The part of the page at fault, as named to writers.
    pub fn field(&self) -> &'static str {
        match self {
            Refusal::FrontMatter(_) => "front_matter",
            Refusal::TooDeep { .. } | Refusal::TooLarge => "markdown",
        }
    }
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
    /// Set when the page went over its budget and was cut to fit.
    pub refusal: Option<Refusal>,
}

/// Whether images from other sites show in pages, or become links to them
/// (an instance setting: showing one tells its site who reads the page).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RemoteImages {
    #[default]
    Show,
    Link,
}

/// What rendering needs to know about the wiki: which spaces and pages
/// exist, and how the instance shows remote images.
pub trait LinkResolver {
    fn space_exists(&self, space: &SpaceSlug) -> bool;
    /// Whether a link to this page is blue (the page exists) or red.
    fn page_exists(&self, space: &SpaceSlug, slug: &PageSlug) -> bool;
    fn remote_images(&self) -> RemoteImages {
        RemoteImages::Show
    }
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
        html: Html(sanitize::clean(
            &unsafe_output.html,
            resolver.remote_images(),
        )),
        toc: unsafe_output.toc,
        front_matter: unsafe_output.front_matter,
        links: unsafe_output.links,
        refusal: unsafe_output.refusal,
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
