//! CommonMark and GFM conformance of the renderer, over every example in
//! ../shared/data/commonmark/.
//!
//! Examples without raw HTML (or `javascript:`) must render as the reference
//! after normalisation: both sides are parsed as HTML and re-serialised with
//! attributes sorted and runs of whitespace collapsed (outside `<pre>`), and
//! the two things Ostrom adds by design are set aside: heading `id`s and
//! `rel` on external links. Examples with raw HTML must come out safe.

use std::collections::BTreeMap;
use std::io::Write;

use ostrom::model::SpaceSlug;
use ostrom::render::{AllExist, Dialect, render, render_dialect};
use scraper::{Html, Node};
use serde::Deserialize;

use crate::render_safety::assert_safe;

#[derive(Deserialize)]
struct Example {
    example: u32,
    section: String,
    markdown: String,
    html: String,
    /// For GFM extension examples: the extensions they are run with
    /// (`disabled` marks the ones cmark-gfm itself skips).
    #[serde(default)]
    extensions: Vec<String>,
}

/// The syntax each suite defines for an example, as cmark-gfm's own spec
/// runner uses it: core examples plain, extension examples with theirs.
fn dialect_for(file: &str, example: &Example) -> Dialect {
    let mut dialect = Dialect::COMMONMARK;
    match file {
        "cmark-gfm-smart_punct.json" => dialect.smart = true,
        "cmark-gfm-extensions.json" | "cmark-gfm-regression.json" => {
            dialect.table = true;
            dialect.strikethrough = true;
            dialect.autolink = true;
            dialect.tasklist = true;
            dialect.footnotes = true;
        }
        _ => {
            // GFM marks extension examples by section name, and some also by field.
            let by_section = match example.section.as_str() {
                "Tables (extension)" => Some("table"),
                "Strikethrough (extension)" => Some("strikethrough"),
                "Autolinks (extension)" => Some("autolink"),
                "Task list items (extension)" => Some("tasklist"),
                _ => None,
            };
            for extension in example
                .extensions
                .iter()
                .map(String::as_str)
                .chain(by_section)
            {
                match extension {
                    "table" => dialect.table = true,
                    "strikethrough" => dialect.strikethrough = true,
                    "autolink" => dialect.autolink = true,
                    "tasklist" => dialect.tasklist = true,
                    "footnotes" => dialect.footnotes = true,
                    _ => {} // tagfilter: its examples are raw HTML, checked for safety
                }
            }
        }
    }
    dialect
}

const FILES: &[&str] = &[
    "commonmark-spec-0.31.2.json",
    "gfm-spec-0.29.json",
    "cmark-gfm-extensions.json",
    "cmark-gfm-regression.json",
    "cmark-gfm-smart_punct.json",
];

/// Examples whose output differs from the reference, and why. The test fails
/// on any other difference, so this list stays true.
const KNOWN_EXCEPTIONS: &[(&str, u32, &str)] = &[
    (CM, 598, SCHEME),
    (CM, 599, SCHEME),
    (CM, 601, SCHEME),
    (GFM, 606, SCHEME),
    (GFM, 607, SCHEME),
    (GFM, 609, SCHEME),
    (
        EXT,
        19,
        "comrak does not autolink a URL whose host is an emoji (http://🍄.ga/)",
    ),
    (
        EXT,
        20,
        "the reference output is a placeholder (<IGNORE>): the test only checks for a crash",
    ),
    (EXT, 23, FOOTNOTES),
    (REGRESSION, 13, FOOTNOTES),
];
const CM: &str = "commonmark-spec-0.31.2.json";
const GFM: &str = "gfm-spec-0.29.json";
const EXT: &str = "cmark-gfm-extensions.json";
const REGRESSION: &str = "cmark-gfm-regression.json";
const SCHEME: &str = "the sanitiser keeps only navigation schemes (http, https, mailto, tel, ftp, irc, …): a link to an unknown scheme loses its href";
const FOOTNOTES: &str = "the reference uses cmark-gfm's old footnote markup (fn1); comrak writes today's GFM markup (fn-1, data-footnote-ref)";

fn has_raw_html(markdown: &str) -> bool {
    let bytes = markdown.as_bytes();
    let tag_like = bytes.windows(2).enumerate().any(|(i, pair)| {
        pair[0] == b'<'
            && (pair[1].is_ascii_alphabetic() || matches!(pair[1], b'/' | b'!' | b'?'))
            && {
                // Not an autolink: a tag name ends at whitespace, '/' or '>'.
                let rest = &markdown[i + 1..];
                let name_end = rest
                    .find(|c: char| {
                        !(c.is_ascii_alphanumeric() || c == '-' || c == '/' || c == '!' || c == '?')
                    })
                    .unwrap_or(rest.len());
                rest[name_end..].chars().next().is_none_or(|c| {
                    c.is_whitespace() || c == '>' || c == '/' || c == '-' || c == '['
                })
            }
    });
    let lower = markdown.to_ascii_lowercase();
    tag_like
        || lower.contains("javascript:")
        || lower.contains("vbscript:")
        || lower.contains("data:")
}

/// Canonical form of an HTML fragment (see the module doc).
pub fn canonical(html: &str) -> String {
    let fragment = Html::parse_fragment(html);
    let mut out = String::new();
    for child in fragment.root_element().children() {
        write_node(child, false, &mut out);
    }
    out.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("> <", "><")
}

fn write_node(node: ego_tree::NodeRef<'_, Node>, in_pre: bool, out: &mut String) {
    match node.value() {
        Node::Text(text) => {
            let text = text
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            if in_pre {
                out.push_str(&text.replace(' ', "\u{a0}").replace('\n', "\u{a0}\u{2424}"));
            } else {
                out.push_str(&text);
            }
        }
        Node::Element(element) => {
            let name = element.name();
            let mut attributes: Vec<(&str, &str)> = element
                .attrs()
                .filter(|(attribute, _)| {
                    !(*attribute == "rel" && name == "a"
                        || matches!(*attribute, "loading" | "referrerpolicy") && name == "img"
                        || *attribute == "id"
                            && matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6"))
                })
                .collect();
            attributes.sort();
            out.push('<');
            out.push_str(name);
            for (attribute, value) in attributes {
                out.push_str(&format!(
                    " {attribute}=\"{}\"",
                    value.replace('"', "&quot;")
                ));
            }
            out.push('>');
            for child in node.children() {
                write_node(child, in_pre || name == "pre", out);
            }
            out.push_str(&format!("</{name}>"));
        }
        _ => {}
    }
}

#[test]
fn commonmark_and_gfm_conformance() {
    let Some(dir) = crate::support::shared_data("commonmark") else {
        return;
    };
    let space = SpaceSlug::main();
    let mut exact = 0;
    let mut passed = 0;
    let mut safety_only = 0;
    let mut passed_as_wiki = 0;
    let mut failures: BTreeMap<(String, u32), (String, String, String)> = BTreeMap::new();
    for file in FILES {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let examples: Vec<Example> = serde_json::from_str(&text).unwrap();
        for example in examples
            .iter()
            .filter(|e| !e.extensions.iter().any(|x| x == "disabled"))
        {
            let context = format!("{file} #{}", example.example);
            // The wiki dialect too must be safe on every example.
            let as_wiki = render(&example.markdown, &space, &AllExist);
            assert_safe(as_wiki.html.as_str(), &context);
            let dialect = dialect_for(file, example);
            let rendered = render_dialect(&example.markdown, &space, &AllExist, &dialect);
            assert_safe(rendered.html.as_str(), &context);
            if has_raw_html(&example.markdown) {
                safety_only += 1;
                continue;
            }
            exact += 1;
            let ours = canonical(rendered.html.as_str());
            let reference = canonical(&example.html);
            passed_as_wiki += usize::from(canonical(as_wiki.html.as_str()) == reference);
            if ours == reference {
                passed += 1;
            } else {
                failures.insert(
                    (file.to_string(), example.example),
                    (example.section.clone(), reference, ours),
                );
            }
        }
    }
    let rate = passed as f64 / exact as f64;
    let _ = writeln!(
        std::io::stderr().lock(),
        "conformance: {passed}/{exact} exact ({:.2} %), {safety_only} raw-HTML examples checked for safety only; \
         {passed_as_wiki}/{exact} with the wiki dialect (front matter, wiki links and autolinks on everywhere)",
        rate * 100.0
    );
    let known: BTreeMap<(String, u32), &str> = KNOWN_EXCEPTIONS
        .iter()
        .map(|(file, n, why)| ((file.to_string(), *n), *why))
        .collect();
    let unexpected: Vec<String> = failures
        .iter()
        .filter(|(key, _)| !known.contains_key(*key))
        .map(|((file, n), (section, reference, ours))| {
            format!("{file} #{n} ({section})\n  expected: {reference}\n  got:      {ours}")
        })
        .collect();
    assert!(
        unexpected.is_empty(),
        "{} unexpected differences:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
    assert!(rate >= 0.98, "only {passed}/{exact} examples match");
}
