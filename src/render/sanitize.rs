//! The allow-list sanitiser (ammonia), and `rel` on external links.
//!
//! Everything not listed here is dropped: tags (their text kept, except for
//! the content of script-like, SVG and MathML elements, dropped whole),
//! attributes (all `on*` handlers and `style` included), comments, and URLs
//! whose scheme is not on a list of navigation-only schemes (so no
//! `javascript:`, `vbscript:` or `data:`). Classes are filtered token by token.
//!
//! Ids are the renderer's own (headings, marked with [`GENERATED_ID`];
//! footnotes, `fn-…` and `fnref-…`) or get the prefix `user-content-`, so
//! that an `id` written in raw HTML can never name an element of the
//! interface around the page (DOM clobbering: `id="csrf_token"`). Images
//! load lazily and send no referrer; remote ones may become plain links.

use std::borrow::Cow;
use std::sync::LazyLock;

use ammonia::{Builder, UrlRelative};

use super::RemoteImages;
use super::links::is_external;

/// Marks the ids the renderer generates. Random for each process, so a page
/// cannot forge it, and stripped here, so no reader ever sees it.
pub(super) static GENERATED_ID: LazyLock<String> = LazyLock::new(|| {
    let mut random = [0u8; 8];
    if getrandom::fill(&mut random).is_err() {
        // No randomness: still unguessable enough from the outside.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        random = (nanos as u64 ^ u64::from(std::process::id())).to_le_bytes();
    }
    format!("ostrom-{}-", hex::encode(random))
});

/// What raw-HTML ids become.
const USER_ID_PREFIX: &str = "user-content-";

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
            "id" => Some(element_id(element, value)),
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

/// The renderer's own ids as they are; any other gets the user prefix.
fn element_id<'v>(element: &str, value: &'v str) -> Cow<'v, str> {
    if let Some(own) = value.strip_prefix(GENERATED_ID.as_str()) {
        return Cow::Owned(own.to_owned());
    }
    let footnote = match element {
        "li" => value.starts_with("fn-"),
        "a" => value.starts_with("fnref-"),
        _ => false,
    };
    if footnote {
        Cow::Borrowed(value)
    } else {
        Cow::Owned(format!("{USER_ID_PREFIX}{value}"))
    }
}

/// Sanitises `html`, marks external links and makes images polite.
pub(super) fn clean(html: &str, remote_images: RemoteImages) -> String {
    let clean = CLEANER.clean(html).to_string();
    mark_links_and_images(&clean, remote_images)
}

/// Adds `rel` to every `<a>` whose `href` leaves the wiki, and lazy loading
/// without referrer to every `<img>` (or, when remote images are not shown,
/// makes a remote image a link to it).
///
/// This runs on the sanitiser's own serialisation, whose shape is fixed:
/// a `<` outside a tag is always escaped as `&lt;`, there are no comments, and
/// every attribute value is double-quoted with `"` escaped. So a tag ends at
/// the first `>` outside quotes, and nothing is inserted but a constant or
/// an attribute value as the sanitiser wrote it.
fn mark_links_and_images(html: &str, remote_images: RemoteImages) -> String {
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    while let Some(start) = next_tag(rest) {
        out.push_str(&rest[..start]);
        let tag = &rest[start..];
        let end = tag_end(tag).unwrap_or(tag.len());
        let (open, after) = tag.split_at(end);
        if open.starts_with("<img ") {
            write_image(&mut out, open, remote_images);
        } else {
            out.push_str(open);
            if attribute(open, "href").is_some_and(is_external) {
                out.push_str(" rel=\"");
                out.push_str(EXTERNAL_REL);
                out.push('"');
            }
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Where the next `<a …>` or `<img …>` starts.
fn next_tag(html: &str) -> Option<usize> {
    html.match_indices('<')
        .map(|(at, _)| at)
        .find(|&at| html[at..].starts_with("<a ") || html[at..].starts_with("<img "))
}

/// Writes an image's opening tag (without its `>`), or a link in its place.
fn write_image(out: &mut String, open: &str, remote_images: RemoteImages) {
    let src = attribute(open, "src");
    if remote_images == RemoteImages::Link
        && let Some(src) = src.filter(|src| is_external(src))
    {
        let label = attribute(open, "alt")
            .filter(|alt| !alt.trim().is_empty())
            .unwrap_or(src);
        out.push_str("<a href=\"");
        out.push_str(src);
        out.push_str("\" rel=\"");
        out.push_str(EXTERNAL_REL);
        out.push_str("\">");
        out.push_str(label);
        // The image's own `>` follows; it closes nothing, so end the link.
        out.push_str("</a");
        return;
    }
    out.push_str(open);
    out.push_str(" loading=\"lazy\" referrerpolicy=\"no-referrer\"");
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

/// The value of `name` in an opening tag, still entity-encoded (which does
/// not matter for telling a URL's scheme, and is what text needs).
fn attribute<'t>(open_tag: &'t str, name: &str) -> Option<&'t str> {
    let needle = format!(" {name}=\"");
    let start = open_tag.find(&needle)? + needle.len();
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
            RemoteImages::Show,
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
            RemoteImages::Show,
        );
        assert_eq!(
            html,
            r#"<a href="/x" class="new">x</a><code class="language-rust">c</code>"#
        );
    }

    #[test]
    fn task_list_boxes_stay_inert() {
        let html = clean(
            r#"<input type="text" onclick="x()" checked=""><input type="checkbox">"#,
            RemoteImages::Show,
        );
        assert_eq!(
            html,
            r#"<input checked="" disabled=""><input type="checkbox" disabled="">"#
        );
    }

    #[test]
    fn raw_ids_are_prefixed_and_generated_ones_kept() {
        let html = clean(
            &format!(
                r##"<h2 id="csrf_token">a</h2><h2 id="{}titre">b</h2><li id="fn-1">c</li><a id="x" href="#fn-1">d</a>"##,
                GENERATED_ID.as_str()
            ),
            RemoteImages::Show,
        );
        assert_eq!(
            html,
            r##"<h2 id="user-content-csrf_token">a</h2><h2 id="titre">b</h2><li id="fn-1">c</li><a id="user-content-x" href="#fn-1">d</a>"##
        );
    }

    #[test]
    fn images_are_lazy_without_referrer_or_become_links() {
        let input =
            r#"<img src="https://ex.org/a.png" alt="A &amp; B"><img src="/local.png" alt="">"#;
        assert_eq!(
            clean(input, RemoteImages::Show),
            r#"<img src="https://ex.org/a.png" alt="A &amp; B" loading="lazy" referrerpolicy="no-referrer"><img src="/local.png" alt="" loading="lazy" referrerpolicy="no-referrer">"#
        );
        assert_eq!(
            clean(input, RemoteImages::Link),
            r#"<a href="https://ex.org/a.png" rel="nofollow noopener noreferrer ugc">A &amp; B</a><img src="/local.png" alt="" loading="lazy" referrerpolicy="no-referrer">"#
        );
    }
}
