//! Plain text of a page, for the search index: headings and body as words,
//! with no Markdown syntax, no HTML (raw HTML and comments dropped), and the
//! front matter read rather than shown.

use comrak::nodes::NodeValue;
use comrak::{Arena, parse_document};

use super::markdown::options;
use super::{Dialect, FrontMatter, front_matter};

/// What the search index needs of a page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlainText {
    /// The text of each heading, in order.
    pub headings: Vec<String>,
    /// Everything else: paragraphs, lists, tables, code, alt texts.
    pub body: String,
    pub front_matter: FrontMatter,
}

/// Extracts the plain text of `markdown` (a wiki page).
pub fn plain_text(markdown: &str) -> PlainText {
    let arena = Arena::new();
    let options = options(&Dialect::WIKI);
    let root = parse_document(&arena, markdown, &options);
    let mut plain = PlainText::default();
    // Inline `<script>…</script>` leaves its code as text nodes: skip them.
    let mut in_script = false;
    for node in root.descendants() {
        let value = &node.data().value;
        if let NodeValue::HtmlInline(html) = value {
            let tag = html.trim_start_matches('<').to_ascii_lowercase();
            if tag.starts_with("script") || tag.starts_with("style") {
                in_script = true;
            } else if tag.starts_with("/script") || tag.starts_with("/style") {
                in_script = false;
            }
            continue;
        }
        if matches!(
            value,
            NodeValue::Paragraph
                | NodeValue::Heading(_)
                | NodeValue::Item(_)
                | NodeValue::TableCell
        ) {
            in_script = false;
        }
        if in_script {
            continue;
        }
        match value {
            NodeValue::FrontMatter(block) => {
                plain.front_matter = front_matter::parse(block).unwrap_or_default();
            }
            NodeValue::Heading(_) => plain.headings.push(node.collect_text()),
            NodeValue::Text(text) if !inside_heading(node) => plain.body.push_str(text),
            NodeValue::Code(code) if !inside_heading(node) => plain.body.push_str(&code.literal),
            NodeValue::CodeBlock(block) => {
                plain.body.push_str(&block.literal);
                plain.body.push('\n');
            }
            NodeValue::SoftBreak | NodeValue::LineBreak => plain.body.push(' '),
            NodeValue::Paragraph | NodeValue::Item(_) | NodeValue::TableCell
                if !plain.body.ends_with('\n') && !plain.body.is_empty() =>
            {
                plain.body.push('\n');
            }
            _ => {}
        }
    }
    plain.body = plain.body.trim().to_owned();
    plain
}

fn inside_heading<'a>(node: &'a comrak::nodes::AstNode<'a>) -> bool {
    node.ancestors()
        .skip(1)
        .any(|ancestor| matches!(ancestor.data().value, NodeValue::Heading(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_words_and_drops_syntax_html_and_comments() {
        let markdown = "---\ntitle: T\nlang: fr\n---\n# Économie *sociale*\n\nUn **texte** avec [un lien](x) et `du code`.<script>alert(1)</script>\n\n<!-- English original -->\n<div class=\"x\">balise</div>\n\n```sh\ntar -xvf archive.tar\n```\n\n| a | b |\n|---|---|\n| c | d |\n";
        let plain = plain_text(markdown);
        assert_eq!(plain.headings, ["Économie sociale"]);
        assert!(
            plain.body.contains("Un texte avec un lien et du code"),
            "{}",
            plain.body
        );
        assert!(plain.body.contains("tar -xvf archive.tar"));
        assert!(!plain.body.contains("English original"));
        assert!(!plain.body.contains("alert"));
        assert!(
            !plain.body.contains('<') && !plain.body.contains('*') && !plain.body.contains("---")
        );
        assert!(
            !plain.body.contains("Économie"),
            "headings stay out of the body"
        );
        assert_eq!(plain.front_matter.lang.as_deref(), Some("fr"));
    }
}
