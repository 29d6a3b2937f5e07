//! The allow-list sanitiser (ammonia), and `rel` on external links.
//!
//! Everything not listed here is dropped: tags (their text kept, except for
//! the content of script-like, SVG and MathML elements, dropped whole),
//! attributes (all `on*` handlers and `style` included), comments, and URLs
//! whose scheme is not on a list of navigation-only schemes (so no
//! `javascript:`, `vbscript:` or `data:`). Classes are filtered token by token.

use std::borrow::Cow;
use std::sync::LazyLock;

use ammonia::{Builder, UrlRelative};

use super::links::is_external;

/// The `rel` of links that leave the wiki: no endorsement, no opener, no
/// referrer, user-generated.
pub const EXTERNAL_REL: &str = "nofollow noopener noreferrer ugc";

const TAGS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "bdi",
    "bdo",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "input",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "rp",
    "rt",
    "ruby",
    "s",
    "samp",
    "section",
    "small",
    "span",
    "strike",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
    "var",
    "wbr",
];

const URL_SCHEMES: &[&str] = &[
    "http", "https", "mailto", "tel", "ftp", "ftps", "sftp", "irc", "ircs", "xmpp", "news", "nntp",
    "geo", "magnet",
];

/// Elements dropped with everything inside them.
const DROPPED_WHOLE: &[&str] = &[
    "script", "style", "template", "iframe", "object", "embed", "noscript", "noembed", "noframes",
    "textarea", "title", "xmp", "svg", "math", "select", "option", "button", "form", "frameset",
    "frame", "applet", "audio", "video", "canvas",
];

static CLEANER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut builder = Builder::empty();
    // Start from nothing: `empty()` only empties the tags and keeps ammonia's
    // default attributes (`cite`, …), which are not ours to allow.
    builder
        .tags(TAGS.iter().copied().collect())
        .clean_content_tags(DROPPED_WHOLE.iter().copied().collect())
        .generic_attributes(["title", "lang", "dir"].into_iter().collect())
        .generic_attribute_prefixes(Default::default())
        .tag_attributes(Default::default())
        .tag_attribute_values(Default::default())
        .set_tag_attribute_values(Default::default())
        .allowed_classes(Default::default());
    builder
        .add_tag_attributes(
            "a",
            [
                "href",
                "class",
                "id",
                "aria-label",
                "data-footnote-ref",
                "data-footnote-backref",
                "data-footnote-backref-idx",
            ],
        )
        .add_tag_attributes("img", ["src", "alt", "width", "height"])
        .add_tag_attributes("code", ["class"])
        .add_tag_attributes("sup", ["class"])
        .add_tag_attributes("section", ["class", "data-footnotes"])
        .add_tag_attributes("li", ["id"])
        .add_tag_attributes("ol", ["start"])
        .add_tag_attributes("td", ["align", "colspan", "rowspan"])
        .add_tag_attributes("th", ["align", "colspan", "rowspan"])
        .add_tag_attributes("details", ["open"])
        .add_tag_attributes("time", ["datetime"])
        .add_tag_attributes("input", ["checked"])
        .add_tag_attribute_values("input", "type", ["checkbox"])
        // One forced attribute only: ammonia keeps them in a HashMap, and two
        // would come out in an order that changes from run to run.
        .set_tag_attribute_value("input", "disabled", "");
    for heading in ["h1", "h2", "h3", "h4", "h5", "h6"] {
        builder.add_tag_attributes(heading, ["id"]);
    }
    builder
        // Schemes that only ever navigate; script-capable ones (javascript:,
        // vbscript:, data:…) are absent.
        .url_schemes(URL_SCHEMES.iter().copied().collect())
        .url_relative(UrlRelative::PassThrough)
        .link_rel(None)
        .strip_comments(true)
        .attribute_filter(|element, attribute, value| match attribute {
            "class" => allowed_classes(element, value),
            _ => Some(Cow::Borrowed(value)),
        });
    builder
});

/// Keeps the class tokens the renderer itself writes, drops the rest.
fn allowed_classes<'v>(element: &str, value: &'v str) -> Option<Cow<'v, str>> {
    let allowed = |token: &str| match element {
        "a" => matches!(token, "new" | "wikilink" | "footnote-backref"),
        // Whatever the info string said: a class cannot run anything.
        "code" => token
            .strip_prefix("language-")
            .is_some_and(|lang| !lang.is_empty()),
        "sup" => token == "footnote-ref",
        "section" => token == "footnotes",
        _ => false,
    };
    let kept: Vec<&str> = value
        .split_ascii_whitespace()
        .filter(|t| allowed(t))
        .collect();
    (!kept.is_empty()).then(|| Cow::Owned(kept.join(" ")))
}

/// Sanitises `html` and marks external links.
pub(super) fn clean(html: &str) -> String {
    let clean = CLEANER.clean(html).to_string();
    mark_external_links(&clean)
}

/// Adds `rel` to every `<a>` whose `href` leaves the wiki.
///
/// This runs on the sanitiser's own serialisation, whose shape is fixed:
/// a `<` outside a tag is always escaped as `&lt;`, there are no comments, and
/// every attribute value is double-quoted with `"` escaped. So a tag ends at
/// the first `>` outside quotes, and nothing is inserted but a constant.
fn mark_external_links(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    while let Some(start) = rest.find("<a ") {
        out.push_str(&rest[..start]);
        let tag = &rest[start..];
        let end = tag_end(tag).unwrap_or(tag.len());
        let (open, after) = tag.split_at(end);
        out.push_str(open);
        if href(open).is_some_and(is_external) {
            out.push_str(" rel=\"");
            out.push_str(EXTERNAL_REL);
            out.push('"');
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// The index of the `>` closing the tag `tag` starts with.
fn tag_end(tag: &str) -> Option<usize> {
    let mut quoted = false;
    tag.char_indices().find_map(|(i, c)| match c {
        '"' => {
            quoted = !quoted;
            None
        }
        '>' if !quoted => Some(i),
        _ => None,
    })
}

/// The value of `href` in an opening tag (still entity-encoded, which does
/// not matter for telling its scheme).
fn href(open_tag: &str) -> Option<&str> {
    let start = open_tag.find(" href=\"")? + " href=\"".len();
    let len = open_tag[start..].find('"')?;
    Some(&open_tag[start..start + len])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn external_links_get_rel_and_internal_ones_do_not() {
        let html = clean(
            r#"<a href="https://ex.org/?a=1&amp;b=2" title="x > y">out</a> <a href="/wiki/main/P">in</a> <a href="Page">rel</a>"#,
        );
        assert_eq!(
            html,
            r#"<a href="https://ex.org/?a=1&amp;b=2" title="x &gt; y" rel="nofollow noopener noreferrer ugc">out</a> <a href="/wiki/main/P">in</a> <a href="Page">rel</a>"#
        );
    }

    #[test]
    fn user_supplied_rel_and_classes_are_dropped() {
        let html = clean(
            r#"<a href="/x" rel="opener" class="new evil">x</a><code class="language-rust x">c</code>"#,
        );
        assert_eq!(
            html,
            r#"<a href="/x" class="new">x</a><code class="language-rust">c</code>"#
        );
    }

    #[test]
    fn task_list_boxes_stay_inert() {
        let html = clean(r#"<input type="text" onclick="x()" checked=""><input type="checkbox">"#);
        assert_eq!(
            html,
            r#"<input checked="" disabled=""><input type="checkbox" disabled="">"#
        );
    }
}
