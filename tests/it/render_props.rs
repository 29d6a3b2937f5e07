//! Properties of the renderer over generated Markdown-ish text (random
//! Unicode mixed with Markdown punctuation, raw HTML, wiki-link syntax,
//! front matter, tables and deep nesting): it never panics, it is
//! deterministic, and its output is always safe.

use ostrom::model::{PageSlug, SpaceSlug};
use ostrom::render::{AllExist, Dialect, LinkResolver, Rendered, render, render_dialect};
use proptest::prelude::*;

use crate::render_safety::unsafe_reason;

const CASES: u32 = 256;

/// Markdown punctuation and block markers, alone or in short runs.
const PUNCTUATION: &[&str] = &[
    "#", "# ", "## ", "###### ", "*", "**", "_", "__", "[", "]", "(", ")", "!", "![", "](", "<",
    ">", "> ", "|", "`", "``", "```", "~~~", "-", "- ", "* ", "1. ", "+ ", "~~", "\\", "&", "\n",
    "\n\n", "    ", "\t", "\r\n", "[^1]", "[^1]: ", "- [ ] ", "- [x] ", "***", "===", ":", "{{",
    "}}", "{/*id*/}", "&amp;", "&#0;", "&#x6A;", "\u{0}", "\u{feff}", "\u{202e}",
];

/// Raw HTML, hostile or not, and HTML comment delimiters.
const HTML: &[&str] = &[
    "<script>",
    "</script>",
    "<script>alert(1)</script>",
    "<a href=",
    "<a href=\"javascript:alert(1)\">",
    "</a>",
    "<img src=x onerror=alert(1)>",
    " onerror=",
    "onerror=",
    "\"",
    "'",
    "<div>",
    "</div>",
    "<details><summary>",
    "<svg onload=alert(1)>",
    "<iframe src=javascript:alert(1)>",
    "<style>",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "<Intro>",
    "</Intro>",
    "<table><tr><td>",
    "javascript:",
    "data:text/html,",
    "<https://example.org>",
    "www.example.org",
];

/// Wiki-link syntax pieces.
const WIKI: &[&str] = &[
    "[[",
    "]]",
    "|",
    "#",
    ":",
    "[[Page]]",
    "[[Page|label]]",
    "[[autre:Page]]",
    "[[Page#Section]]",
    "[[#Section]]",
    "[[a/b]]",
    "[[main:]]",
    "[[ | ]]",
    "[[Économie sociale]]",
    "[x](Autre_page)",
    "[x](./Page%20deux#s)",
];

/// Front matter and table lines.
const BLOCKS: &[&str] = &[
    "---\n",
    "---\ntitle: T\n---\n",
    "---\ntitle: [a, b]\ntags: x, y\nlang: <script>\n---\n",
    "---\n: : :\n",
    "| a | b |\n",
    "|---|:-:|\n",
    "| x | <script>alert(1)</script> |\n",
    "|",
    "```rust\n",
    "```\n",
];

fn pick(pieces: &'static [&'static str]) -> impl Strategy<Value = String> {
    proptest::sample::select(pieces).prop_map(str::to_owned)
}

/// A run of `>`, `[`, list markers… repeated up to a few hundred times.
fn deep_nesting() -> impl Strategy<Value = String> {
    let unit = pick(&[
        "> ", ">", "[", "](", "- ", "* ", "1. ", "*", "_", "`", "<div>", "[[",
    ]);
    (unit, 1..400usize).prop_map(|(unit, depth)| unit.repeat(depth))
}

/// One piece of a generated document.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "(?s).{0,12}",
        4 => pick(PUNCTUATION),
        2 => pick(HTML),
        2 => pick(WIKI),
        1 => pick(BLOCKS),
        1 => deep_nesting(),
        2 => "[a-zA-Zéèàçœ ]{1,10}",
    ]
}

/// A Markdown-ish document: up to 40 fragments end to end.
fn markdownish() -> impl Strategy<Value = String> {
    proptest::collection::vec(fragment(), 0..40).prop_map(|parts| parts.concat())
}

/// A resolver for which some pages exist and some do not, decided by the
/// slug alone, so links come out both blue and red.
struct EvenPagesExist;

impl LinkResolver for EvenPagesExist {
    fn space_exists(&self, space: &SpaceSlug) -> bool {
        space.as_str() != "absent"
    }

    fn page_exists(&self, _: &SpaceSlug, slug: &PageSlug) -> bool {
        slug.as_str().len().is_multiple_of(2)
    }
}

fn render_with(markdown: &str, resolver: &dyn LinkResolver) -> Rendered {
    render(markdown, &SpaceSlug::main(), resolver)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn rendering_never_panics(markdown in markdownish()) {
        let space = SpaceSlug::main();
        for dialect in [Dialect::WIKI, Dialect::COMMONMARK] {
            render_dialect(&markdown, &space, &EvenPagesExist, &dialect);
        }
    }

    #[test]
    fn rendering_is_deterministic(markdown in markdownish()) {
        let first = render_with(&markdown, &EvenPagesExist);
        let second = render_with(&markdown, &EvenPagesExist);
        prop_assert_eq!(first.html.as_str(), second.html.as_str());
        prop_assert_eq!(first.toc, second.toc);
        prop_assert_eq!(first.links, second.links);
        prop_assert_eq!(first.front_matter, second.front_matter);
    }

    #[test]
    fn output_is_always_safe(markdown in markdownish()) {
        for resolver in [&EvenPagesExist as &dyn LinkResolver, &AllExist] {
            let rendered = render_with(&markdown, resolver);
            let html = rendered.html.as_str();
            prop_assert_eq!(unsafe_reason(html), None, "{}", html);
        }
    }
}
