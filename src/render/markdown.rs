//! Markdown to (not yet sanitised) HTML with comrak, through a formatter that
//! takes over headings (stable ids, table of contents), wiki links and
//! relative links (red or blue, collected for the link graph), raw HTML
//! (balanced and bounded, see `raw_html`), and keeps the page within the
//! rendering budget: elements nested at most [`MAX_NESTING`] deep (deeper
//! ones are flattened), at most [`MAX_ELEMENTS`] elements and
//! [`MAX_HTML_BYTES`] written (the rest is cut), front matter only plain
//! YAML. What was cut is reported as a [`Refusal`].

use std::collections::HashMap;
use std::fmt::{self, Write};

use comrak::html::{ChildRendering, Context, format_document_with_formatter, format_node_default};
use comrak::nodes::{NodeHeading, NodeLink, NodeValue};
use comrak::options::Plugins;
use comrak::{Arena, Node, Options, parse_document};

use super::links::{LinkTarget, WikiLink, relative_page};
use super::raw_html::RawHtml;
use super::sanitize::GENERATED_ID;
use super::{
    Dialect, FrontMatter, LinkResolver, MAX_ELEMENTS, MAX_HTML_BYTES, MAX_NESTING, Refusal,
    TocEntry, front_matter,
};
use crate::model::SpaceSlug;

pub(super) struct Unsanitised {
    pub html: String,
    pub toc: Vec<TocEntry>,
    pub front_matter: FrontMatter,
    pub links: Vec<LinkTarget>,
    pub refusal: Option<Refusal>,
}

pub(super) fn options(dialect: &Dialect) -> Options<'static> {
    let mut options = Options::default();
    let extension = &mut options.extension;
    extension.strikethrough = dialect.strikethrough;
    extension.table = dialect.table;
    extension.autolink = dialect.autolink;
    extension.tasklist = dialect.tasklist;
    extension.footnotes = dialect.footnotes;
    if dialect.front_matter {
        extension.front_matter_delimiter = Some("---".to_owned());
    }
    // `[[Page title|label]]`: the page first, as in MediaWiki.
    extension.wikilinks_title_after_pipe = dialect.wikilinks;
    options.parse.smart = dialect.smart;
    // Raw HTML reaches the sanitiser, which keeps what is safe (tables,
    // <details>, images…) and drops the rest, comments included.
    options.render.r#unsafe = true;
    options
}

/// State carried through one render.
struct State<'r> {
    space: &'r SpaceSlug,
    resolver: &'r dyn LinkResolver,
    toc: Vec<TocEntry>,
    links: Vec<LinkTarget>,
    /// Each linked page once, with whether it exists.
    seen: HashMap<LinkTarget, bool>,
    raw: RawHtml,
    /// For each Markdown element entered and not yet left: whether its
    /// tags were written (elements past the nesting budget are not).
    open: Vec<bool>,
    /// Markdown elements written and open now.
    depth: usize,
    /// Nodes and raw tags written so far.
    elements: usize,
    refusal: Option<Refusal>,
}

impl State<'_> {
    /// Records a link to `target` and says whether it exists.
    fn link_to(&mut self, target: &LinkTarget) -> bool {
        if let Some(exists) = self.seen.get(target) {
            return *exists;
        }
        let exists = self.resolver.page_exists(&target.space, &target.slug);
        self.seen.insert(target.clone(), exists);
        self.links.push(target.clone());
        exists
    }

    /// Keeps the first reason the page was cut.
    fn refuse(&mut self, refusal: Refusal) {
        self.refusal.get_or_insert(refusal);
    }

    /// How many more elements may open here.
    fn room(&self) -> usize {
        MAX_NESTING.saturating_sub(self.depth)
    }
}

/// The output, cut at [`MAX_HTML_BYTES`]: comrak stops at the first refused write.
struct Bounded<'o> {
    html: &'o mut String,
}

impl Write for Bounded<'_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        if self.html.len() + text.len() > MAX_HTML_BYTES {
            return Err(fmt::Error);
        }
        self.html.push_str(text);
        Ok(())
    }
}

pub(super) fn to_html(
    markdown: &str,
    space: &SpaceSlug,
    resolver: &dyn LinkResolver,
    dialect: &Dialect,
) -> Unsanitised {
    let arena = Arena::new();
    let options = options(dialect);
    let root = parse_document(&arena, markdown, &options);
    let front_matter = root
        .children()
        .find_map(|node| match &node.data().value {
            NodeValue::FrontMatter(block) => Some(front_matter::parse(block)),
            _ => None,
        })
        .unwrap_or(Ok(FrontMatter::default()));
    let state = State {
        space,
        resolver,
        toc: Vec::new(),
        links: Vec::new(),
        seen: HashMap::new(),
        raw: RawHtml::default(),
        open: Vec::new(),
        depth: 0,
        elements: 0,
        refusal: front_matter
            .as_ref()
            .err()
            .cloned()
            .map(Refusal::FrontMatter),
    };
    let mut html = String::with_capacity(markdown.len() + markdown.len() / 2);
    let mut output = Bounded { html: &mut html };
    let plugins = Plugins::default();
    let state =
        format_document_with_formatter(root, &options, &mut output, &plugins, format_node, state);
    let (toc, links, refusal) = match state {
        Ok(mut state) => {
            html.push_str(&state.raw.finish());
            (state.toc, state.links, state.refusal)
        }
        // Only the budget makes formatting fail: what was written is kept, cut.
        Err(_) => (Vec::new(), Vec::new(), Some(Refusal::TooLarge)),
    };
    Unsanitised {
        html,
        toc,
        front_matter: front_matter.unwrap_or_default(),
        links,
        refusal,
    }
}

fn format_node<'r>(
    context: &mut Context<'_, '_, State<'r>>,
    node: Node<'_>,
    entering: bool,
) -> Result<ChildRendering, fmt::Error> {
    let value = &node.data().value;
    // Text and line ends are not elements; the document is not nested in.
    let element = !matches!(
        value,
        NodeValue::Text(_) | NodeValue::SoftBreak | NodeValue::Document
    );
    if entering && element {
        context.user.elements += 1;
        if context.user.elements > MAX_ELEMENTS {
            return Err(fmt::Error);
        }
    }
    if node.first_child().is_none() || matches!(value, NodeValue::Document) {
        return format_leaf(context, node, entering);
    }
    // An element: within the nesting budget it is written, past it only
    // its content is; raw HTML opened inside it closes with it.
    let written = if entering {
        let written = context.user.room() > context.user.raw.depth();
        if written {
            context.user.depth += 1;
        } else {
            let line = node.data().sourcepos.start.line;
            context.user.refuse(Refusal::TooDeep { line });
        }
        context.user.open.push(written);
        context.user.raw.enter_block();
        written
    } else {
        let closing = context.user.raw.leave_block();
        context.write_str(&closing)?;
        let written = context.user.open.pop().unwrap_or(false);
        if written {
            context.user.depth -= 1;
        }
        written
    };
    if !written {
        return Ok(ChildRendering::HTML);
    }
    let value = node.data().value.clone();
    match value {
        NodeValue::Heading(heading) => format_heading(context, node, entering, heading),
        NodeValue::WikiLink(link) => format_wiki_link(context, entering, &link.url),
        NodeValue::Link(link) => format_link(context, entering, &link),
        _ => format_node_default(context, node, entering),
    }
}

/// A node without children, or the document itself: raw HTML goes through
/// `raw_html`, front matter is either metadata (not shown) or, when
/// refused, shown as text.
fn format_leaf(
    context: &mut Context<'_, '_, State<'_>>,
    node: Node<'_>,
    entering: bool,
) -> Result<ChildRendering, fmt::Error> {
    match &node.data().value {
        NodeValue::HtmlBlock(block) if entering => {
            let room = context.user.room();
            let html = context.user.raw.fragment(&block.literal, room);
            note_raw_depth(context, node);
            context.cr()?;
            context.write_str(&html)?;
            context.cr()?;
            Ok(ChildRendering::HTML)
        }
        NodeValue::HtmlInline(literal) if entering => {
            let room = context.user.room();
            let html = context.user.raw.fragment(literal, room);
            note_raw_depth(context, node);
            context.write_str(&html)?;
            Ok(ChildRendering::HTML)
        }
        NodeValue::FrontMatter(block) if entering => {
            if front_matter::parse(block).is_err() {
                context.write_str("<pre><code>")?;
                context.escape(block)?;
                context.write_str("</code></pre>\n")?;
            }
            Ok(ChildRendering::HTML)
        }
        NodeValue::WikiLink(link) => format_wiki_link(context, entering, &link.url),
        NodeValue::Link(link) => format_link(context, entering, &link.clone()),
        NodeValue::HtmlBlock(_) | NodeValue::HtmlInline(_) | NodeValue::FrontMatter(_) => {
            Ok(ChildRendering::HTML)
        }
        _ => format_node_default(context, node, entering),
    }
}

/// Counts the raw tags just written, and notes whether some were dropped
/// for nesting too deep.
fn note_raw_depth(context: &mut Context<'_, '_, State<'_>>, node: Node<'_>) {
    context.user.elements += std::mem::take(&mut context.user.raw.tags);
    if std::mem::take(&mut context.user.raw.too_deep) {
        let line = node.data().sourcepos.start.line;
        context.user.refuse(Refusal::TooDeep { line });
    }
}

/// `<h2 id="économie-sociale">`: ids are GitHub's (lower case, Unicode
/// letters kept, spaces as `-`, made unique with `-1`, `-2`…).
fn format_heading(
    context: &mut Context<'_, '_, State<'_>>,
    node: Node<'_>,
    entering: bool,
    heading: NodeHeading,
) -> Result<ChildRendering, fmt::Error> {
    if entering {
        let text = node.collect_text();
        let id = context.anchorizer.anchorize(&text);
        context.cr()?;
        // Marked as ours, so the sanitiser keeps it as is (ids written in
        // raw HTML get a prefix instead).
        write!(
            context,
            "<h{} id=\"{}",
            heading.level,
            GENERATED_ID.as_str()
        )?;
        context.escape(&id)?;
        context.write_str("\">")?;
        context.user.toc.push(TocEntry {
            level: heading.level,
            id,
            text,
        });
    } else {
        write!(context, "</h{}>", heading.level)?;
        context.lf()?;
    }
    Ok(ChildRendering::HTML)
}

fn format_wiki_link(
    context: &mut Context<'_, '_, State<'_>>,
    entering: bool,
    raw: &str,
) -> Result<ChildRendering, fmt::Error> {
    let parsed = WikiLink::parse(raw, context.user.space, context.user.resolver);
    let Some(link) = parsed else {
        // Names no page (e.g. it holds a '/'): show the label as text.
        return Ok(ChildRendering::HTML);
    };
    if !entering {
        return context.write_str("</a>").map(|()| ChildRendering::HTML);
    }
    let exists = match &link.target {
        Some(target) => context.user.link_to(target),
        None => true,
    };
    context.write_str("<a href=\"")?;
    context.escape_href(&link.href(exists))?;
    context.write_str(if exists {
        "\" class=\"wikilink\""
    } else {
        "\" class=\"wikilink new\""
    })?;
    if let Some(target) = &link.target {
        context.write_str(" title=\"")?;
        context.escape(&target.slug.title())?;
        context.write_str("\"")?;
    }
    context.write_str(">")?;
    Ok(ChildRendering::HTML)
}

/// Ordinary links, as comrak writes them; a relative link naming a page
/// joins the link graph and is marked `new` when the page is missing.
fn format_link(
    context: &mut Context<'_, '_, State<'_>>,
    entering: bool,
    link: &NodeLink,
) -> Result<ChildRendering, fmt::Error> {
    if !entering {
        return context.write_str("</a>").map(|()| ChildRendering::HTML);
    }
    let missing = match relative_page(&link.url, context.user.space) {
        Some(target) => !context.user.link_to(&target),
        None => false,
    };
    context.write_str("<a href=\"")?;
    context.escape_href(&link.url)?;
    context.write_str("\"")?;
    if !link.title.is_empty() {
        context.write_str(" title=\"")?;
        context.escape(&link.title)?;
        context.write_str("\"")?;
    }
    if missing {
        context.write_str(" class=\"new\"")?;
    }
    context.write_str(">")?;
    Ok(ChildRendering::HTML)
}
