//! YAML front matter between `---` lines: `title`, `tags`, `lang`,
//! `summary`. Parsed leniently: a field of the wrong shape is ignored, and
//! invalid YAML yields no metadata rather than an error, so a page always
//! renders.

use serde::Serialize;
use utoipa::ToSchema;
use yaml_serde::Value;

const MAX_TITLE_CHARS: usize = 255;
const MAX_TAGS: usize = 64;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub tags: Vec<String>,
    /// A language code such as `fr` or `en`, lower-cased.
    pub lang: Option<String>,
    pub summary: Option<String>,
}

/// Parses the front matter block as comrak found it (with its `---` lines).
pub fn parse(block: &str) -> FrontMatter {
    let body: String = block
        .lines()
        .filter(|line| line.trim_end() != "---")
        .map(|line| format!("{line}\n"))
        .collect();
    let Ok(Value::Mapping(fields)) = yaml_serde::from_str::<Value>(&body) else {
        return FrontMatter::default();
    };
    let text = |key: &str| -> Option<String> {
        let value = fields.get(key)?;
        let text = match value {
            Value::String(s) => s.trim().to_owned(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => return None,
        };
        let cleaned: String = text.chars().filter(|c| !c.is_control()).collect();
        (!cleaned.is_empty()).then_some(cleaned)
    };
    let tags = match fields.get("tags") {
        Some(Value::Sequence(items)) => items
            .iter()
            .filter_map(|item| match item {
                Value::String(s) => Some(s.trim().to_owned()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect(),
        Some(Value::String(list)) => list.split(',').map(|t| t.trim().to_owned()).collect(),
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

    #[test]
    fn reads_the_four_fields() {
        let block = "---\ntitle: Économie sociale\ntags: [commun, \"économie\", commun]\nlang: FR\nsummary: Une page.\n---\n";
        let meta = parse(block);
        assert_eq!(meta.title.as_deref(), Some("Économie sociale"));
        assert_eq!(meta.tags, ["commun", "économie"]);
        assert_eq!(meta.lang.as_deref(), Some("fr"));
        assert_eq!(meta.summary.as_deref(), Some("Une page."));
    }

    #[test]
    fn is_lenient() {
        assert_eq!(parse("---\n: : :\n---\n"), FrontMatter::default());
        assert_eq!(parse("---\n- a list\n---\n"), FrontMatter::default());
        let meta =
            parse("---\ntitle: [not, text]\ntags: a, b\ndescription: D\nlang: <script>\n---\n");
        assert_eq!(meta.title, None);
        assert_eq!(meta.tags, ["a", "b"]);
        assert_eq!(meta.summary.as_deref(), Some("D"));
        assert_eq!(meta.lang, None);
    }
}
