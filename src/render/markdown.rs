//! Markdown to (not yet sanitised) HTML with comrak, through a formatter that
//! takes over headings (stable ids, table of contents), wiki links and
//! relative links (red or blue, collected for the link graph).

use std::collections::BTreeSet;
use std::fmt::{self, Write};

use comrak::html::{ChildRendering, Context, format_document_with_formatter, format_node_default};
use comrak::nodes::{NodeHeading, NodeLink, NodeValue};
use comrak::options::Plugins;
use comrak::{Arena, Node, Options, parse_document};

use super::links::{LinkTarget, WikiLink, relative_page};
use super::{Dialect, FrontMatter, LinkResolver, TocEntry, front_matter};
use crate::model::SpaceSlug;

pub(super) struct Unsanitised {
    pub html: String,
    pub toc: Vec<TocEntry>,
    pub front_matter: FrontMatter,
    pub links: Vec<LinkTarget>,
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
    seen: BTreeSet<LinkTarget>,
}

impl State<'_> {
    /// Records a link to `target` and says whether it exists.
    fn link_to(&mut self, target: &LinkTarget) -> bool {
        if self.seen.insert(target.clone()) {
            self.links.push(target.clone());
        }
        self.resolver.page_exists(&target.space, &target.slug)
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
        .unwrap_or_default();
    let state = State {
        space,
        resolver,
        toc: Vec::new(),
        links: Vec::new(),
        seen: BTreeSet::new(),
    };
    let mut html = String::with_capacity(markdown.len() + markdown.len() / 2);
    let plugins = Plugins::default();
    // Writing to a String cannot fail; on the impossible error the partial
    // output is still sanitised downstream.
    let state =
        format_document_with_formatter(root, &options, &mut html, &plugins, format_node, state);
    let (toc, links) = state.map(|s| (s.toc, s.links)).unwrap_or_default();
    Unsanitised {
        html,
        toc,
        front_matter,
        links,
    }
}

fn format_node<'r>(
    context: &mut Context<'_, '_, State<'r>>,
    node: Node<'_>,
    entering: bool,
) -> Result<ChildRendering, fmt::Error> {
    let value = node.data().value.clone();
    match value {
        NodeValue::Heading(heading) => format_heading(context, node, entering, heading),
        NodeValue::WikiLink(link) => format_wiki_link(context, entering, &link.url),
        NodeValue::Link(link) => format_link(context, entering, &link),
        _ => format_node_default(context, node, entering),
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
        write!(context, "<h{} id=\"", heading.level)?;
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
