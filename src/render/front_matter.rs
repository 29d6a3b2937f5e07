//! YAML front matter between `---` lines: `title`, `tags`, `lang`,
//! `summary`.
//!
//! Only plain YAML is read: anchors, aliases and merge keys are refused, so a
//! few kilobytes can never expand into gigabytes (the "billion laughs"), and
//! the block is at most [`MAX_FRONT_MATTER_BYTES`]. A refused block is
//! reported to the writer; a page already stored with one renders it as
//! text. Otherwise parsing is lenient: a field of the wrong shape is ignored,
//! and YAML that does not parse yields no metadata, so a page always renders.

use serde::Serialize;
use utoipa::ToSchema;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// The largest front matter block accepted, `---` lines included.
pub const MAX_FRONT_MATTER_BYTES: usize = 8 * 1024;
const MAX_TITLE_CHARS: usize = 255;
const MAX_TAGS: usize = 64;
/// YAML nested deeper than this is not metadata of ours: ignored.
const MAX_YAML_DEPTH: usize = 16;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub tags: Vec<String>,
    /// A language code such as `fr` or `en`, lower-cased.
    pub lang: Option<String>,
    pub summary: Option<String>,
}

/// Why a front matter block is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrontMatterRefusal {
    #[error("front matter is at most {MAX_FRONT_MATTER_BYTES} bytes (this one has {0})")]
    TooLarge(usize),
    #[error(
        "front matter may not use YAML anchors, aliases or merge keys (`&name`, `*name`, `<<`)"
    )]
    References,
}

/// A YAML value as far as front matter needs one.
#[derive(Debug)]
enum Node {
    Scalar(String),
    Sequence(Vec<Node>),
    Mapping(Vec<(Node, Node)>),
}

/// Builds the first document's tree from parser events, refusing any
/// anchor, alias or merge key (so nothing is ever expanded).
#[derive(Default)]
struct TreeBuilder {
    /// Open collections, innermost last.
    open: Vec<Node>,
    /// A mapping's key waiting for its value.
    pending_keys: Vec<Option<Node>>,
    root: Option<Node>,
    refused: bool,
    too_deep: bool,
}

impl TreeBuilder {
    fn add(&mut self, node: Node) {
        match self.open.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some(Node::Sequence(items)) => items.push(node),
            Some(Node::Mapping(entries)) => {
                let slot = self.pending_keys.last_mut();
                match slot {
                    Some(key @ None) => *key = Some(node),
                    Some(key) => {
                        if let Some(key) = key.take() {
                            entries.push((key, node));
                        }
                    }
                    None => {}
                }
            }
            Some(Node::Scalar(_)) => {}
        }
    }

    fn open(&mut self, node: Node) {
        if self.open.len() >= MAX_YAML_DEPTH {
            self.too_deep = true;
            return;
        }
        if matches!(node, Node::Mapping(_)) {
            self.pending_keys.push(None);
        }
        self.open.push(node);
    }

    fn close(&mut self) {
        if let Some(node) = self.open.pop() {
            if matches!(node, Node::Mapping(_)) {
                self.pending_keys.pop();
            }
            self.add(node);
        }
    }
}

impl MarkedEventReceiver for TreeBuilder {
    fn on_event(&mut self, event: Event, _: Marker) {
        if self.refused || self.too_deep {
            return;
        }
        match event {
            Event::Alias(_) => self.refused = true,
            Event::Scalar(_, _, anchor, _)
            | Event::SequenceStart(anchor, _)
            | Event::MappingStart(anchor, _)
                if anchor != 0 =>
            {
                self.refused = true;
            }
            Event::Scalar(text, TScalarStyle::Plain, _, _) if text == "<<" => self.refused = true,
            Event::Scalar(text, ..) => self.add(Node::Scalar(text)),
            Event::SequenceStart(..) => self.open(Node::Sequence(Vec::new())),
            Event::MappingStart(..) => self.open(Node::Mapping(Vec::new())),
            Event::SequenceEnd | Event::MappingEnd => self.close(),
            Event::Nothing
            | Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart
            | Event::DocumentEnd => {}
        }
    }
}

/// Parses the front matter block as comrak found it (with its `---` lines).
pub fn parse(block: &str) -> Result<FrontMatter, FrontMatterRefusal> {
    if block.len() > MAX_FRONT_MATTER_BYTES {
        return Err(FrontMatterRefusal::TooLarge(block.len()));
    }
    let body: String = block
        .lines()
        .filter(|line| line.trim_end() != "---")
        .map(|line| format!("{line}\n"))
        .collect();
    let mut builder = TreeBuilder::default();
    // A syntax error leaves what was read before it, which leniency keeps;
    // but an alias naming no anchor is still an alias.
    let parsed = Parser::new_from_str(&body).load(&mut builder, false);
    let unknown_anchor = parsed.is_err_and(|error| error.info().contains("anchor"));
    if builder.refused || unknown_anchor {
        return Err(FrontMatterRefusal::References);
    }
    Ok(match builder.root {
        Some(Node::Mapping(fields)) if !builder.too_deep => read_fields(&fields),
        _ => FrontMatter::default(),
    })
}

fn read_fields(fields: &[(Node, Node)]) -> FrontMatter {
    let field = |name: &str| {
        fields.iter().find_map(|(key, value)| match key {
            Node::Scalar(key) if key == name => Some(value),
            _ => None,
        })
    };
    let text = |name: &str| -> Option<String> {
        let Some(Node::Scalar(value)) = field(name) else {
            return None;
        };
        let cleaned: String = value.trim().chars().filter(|c| !c.is_control()).collect();
        (!cleaned.is_empty()).then_some(cleaned)
    };
    let tags: Vec<String> = match field("tags") {
        Some(Node::Sequence(items)) => items
            .iter()
            .filter_map(|item| match item {
                Node::Scalar(tag) => Some(tag.trim().to_owned()),
                _ => None,
            })
            .collect(),
        Some(Node::Scalar(list)) => list.split(',').map(|t| t.trim().to_owned()).collect(),
        _ => Vec::new(),
    };
    let mut seen = std::collections::BTreeSet::new();
    let mut tags: Vec<String> = tags
        .into_iter()
        .filter(|t| !t.is_empty() && seen.insert(t.clone()))
        .collect();
    tags.truncate(MAX_TAGS);
    let lang = text("lang")
        .map(|l| l.to_lowercase())
        .filter(|l| l.len() <= 35 && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    FrontMatter {
        title: text("title").map(|t| t.chars().take(MAX_TITLE_CHARS).collect()),
        tags,
        lang,
        summary: text("summary").or_else(|| text("description")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lenient(block: &str) -> FrontMatter {
        parse(block).expect("accepted")
    }

    #[test]
    fn reads_the_four_fields() {
        let block = "---\ntitle: Économie sociale\ntags: [commun, \"économie\", commun]\nlang: FR\nsummary: Une page.\n---\n";
        let meta = lenient(block);
        assert_eq!(meta.title.as_deref(), Some("Économie sociale"));
        assert_eq!(meta.tags, ["commun", "économie"]);
        assert_eq!(meta.lang.as_deref(), Some("fr"));
        assert_eq!(meta.summary.as_deref(), Some("Une page."));
        let numbers = lenient("---\ntitle: 1984\ntags:\n  - 2\n  - deux\n---\n");
        assert_eq!(numbers.title.as_deref(), Some("1984"));
        assert_eq!(numbers.tags, ["2", "deux"]);
    }

    #[test]
    fn is_lenient() {
        assert_eq!(lenient("---\n: : :\n---\n"), FrontMatter::default());
        assert_eq!(lenient("---\n- a list\n---\n"), FrontMatter::default());
        assert_eq!(
            lenient("---\ntitle: [unclosed\n---\n"),
            FrontMatter::default()
        );
        let meta =
            lenient("---\ntitle: [not, text]\ntags: a, b\ndescription: D\nlang: <script>\n---\n");
        assert_eq!(meta.title, None);
        assert_eq!(meta.tags, ["a", "b"]);
        assert_eq!(meta.summary.as_deref(), Some("D"));
        assert_eq!(meta.lang, None);
        let deep = format!(
            "---\ntitle: T\nx: {}{}\n---\n",
            "[".repeat(40),
            "]".repeat(40)
        );
        assert_eq!(lenient(&deep), FrontMatter::default());
        assert_eq!(
            lenient("---\ntitle: Tom & Jerry *2*\n---\n")
                .title
                .as_deref(),
            Some("Tom & Jerry *2*")
        );
    }

    #[test]
    fn refuses_references_and_size() {
        for block in [
            "---\na: &a [x, x]\nb: [*a, *a]\n---\n",
            "---\ntitle: &t T\n---\n",
            "---\nbase: {x: 1}\nother:\n  <<: {x: 2}\n---\n",
            "---\ntags: *nothing\n---\n",
        ] {
            assert_eq!(parse(block), Err(FrontMatterRefusal::References), "{block}");
        }
        let big = format!("---\ntitle: {}\n---\n", "x".repeat(MAX_FRONT_MATTER_BYTES));
        assert!(matches!(parse(&big), Err(FrontMatterRefusal::TooLarge(_))));
        assert!(
            parse("---\ntitle: \"<<\"\n---\n").is_ok(),
            "a quoted << is text"
        );
    }
}
