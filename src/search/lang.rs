//! Which language a page is in, when its front matter does not say:
//! detection between French and English only (whatlang), trusted when it
//! is reliable.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use whatlang::{Detector, Lang as Detected};

/// The languages the index analyses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Fr,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// Reads a language code (`fr`, `FR`, `fr-CA`, `en-GB`…).
    pub fn parse(code: &str) -> Option<Lang> {
        let primary = code.split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "fr" | "fra" | "fre" | "french" | "français" => Some(Lang::Fr),
            "en" | "eng" | "english" | "anglais" => Some(Lang::En),
            _ => None,
        }
    }
}

/// The language of `text`, if detection is confident.
pub fn detect(text: &str) -> Option<Lang> {
    let detector = Detector::with_allowlist(vec![Detected::Fra, Detected::Eng]);
    let info = detector.detect(text)?;
    if !info.is_reliable() && info.confidence() < 0.5 {
        return None;
    }
    match info.lang() {
        Detected::Fra => Some(Lang::Fr),
        Detected::Eng => Some(Lang::En),
        _ => None,
    }
}

/// The language a query shows, if any: French or English stop words (those
/// not shared), or French accents.
pub fn query_language(query: &str) -> Option<Lang> {
    let (mut french, mut english) = (0, 0);
    for word in query
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
    {
        let lower = word.to_lowercase();
        let in_french = super::analysis::is_french_stop_word(&lower);
        let in_english = super::analysis::is_english_stop_word(&lower);
        if (in_french && !in_english) || lower.contains(FRENCH_LETTERS) {
            french += 1;
        } else if in_english && !in_french {
            english += 1;
        }
    }
    match french.cmp(&english) {
        std::cmp::Ordering::Greater => Some(Lang::Fr),
        std::cmp::Ordering::Less => Some(Lang::En),
        std::cmp::Ordering::Equal => None,
    }
}

const FRENCH_LETTERS: &[char] = &[
    'à', 'â', 'ç', 'é', 'è', 'ê', 'ë', 'î', 'ï', 'ô', 'û', 'ù', 'ü', 'ÿ', 'œ', 'æ',
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_french_and_english() {
        assert_eq!(
            detect("Archiver et extraire des fichiers, avec la compression gzip ou bzip2."),
            Some(Lang::Fr)
        );
        assert_eq!(
            detect("Archive and extract files, with gzip or bzip2 compression."),
            Some(Lang::En)
        );
    }

    #[test]
    fn reads_the_language_of_queries() {
        assert_eq!(query_language("les coopératives"), Some(Lang::Fr));
        assert_eq!(query_language("économie"), Some(Lang::Fr));
        assert_eq!(query_language("the commons"), Some(Lang::En));
        assert_eq!(query_language("tar gzip"), None);
    }

    #[test]
    fn parses_codes() {
        assert_eq!(Lang::parse("fr-CA"), Some(Lang::Fr));
        assert_eq!(Lang::parse("EN"), Some(Lang::En));
        assert_eq!(Lang::parse("de"), None);
    }
}
