//! Text analysis for French and English, registered on every index open.
//!
//! - `ostrom_fr`: words → lower case → French stop words (elided articles
//!   and pronouns included: the tokenizer splits `l'économie` and
//!   `l’économie` at the apostrophe, and `l`, `d`, `qu`, `j`, `n`, `s`, `c`,
//!   `m`, `t` are stop words) → accents folded → French stemmer.
//! - `ostrom_en`: words → lower case → English stop words → folded → English
//!   stemmer.
//! - `ostrom_folded`: words → lower case → folded; no stemming, no stop
//!   words. Typo tolerance and title suggestions match against it.
//!
//! Folding comes *before* stemming so that a word and its unaccented
//! spelling reach the stemmer identically: "économies", "Économie" and
//! "economie" all become `econom`. Stop words are checked in both spellings.

use std::collections::HashSet;
use std::sync::LazyLock;

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    StopWordFilter, TextAnalyzer, TokenizerManager,
};

pub const FRENCH: &str = "ostrom_fr";
pub const ENGLISH: &str = "ostrom_en";
pub const FOLDED: &str = "ostrom_folded";

/// Snowball's French stop words, plus the elided forms.
const FRENCH_STOP_WORDS: &[&str] = &[
    "au", "aux", "avec", "ce", "ces", "dans", "de", "des", "du", "elle", "en", "et", "eux", "il",
    "je", "la", "le", "leur", "lui", "ma", "mais", "me", "même", "mes", "moi", "mon", "ne", "nos",
    "notre", "nous", "on", "ou", "par", "pas", "pour", "qu", "que", "qui", "sa", "se", "ses",
    "sur", "ta", "te", "tes", "toi", "ton", "tu", "un", "une", "vos", "votre", "vous", "c", "d",
    "j", "l", "à", "m", "n", "s", "t", "y", "étée", "étées", "étant", "suis", "es", "êtes", "sont",
    "serai", "seras", "sera", "serons", "serez", "seront", "serais", "serait", "serions", "seriez",
    "seraient", "étais", "était", "étions", "étiez", "étaient", "fus", "fut", "fûmes", "fûtes",
    "furent", "sois", "soit", "soyons", "soyez", "soient", "fusse", "fusses", "fussions",
    "fussiez", "fussent", "ayant", "eu", "eue", "eues", "eus", "ai", "avons", "avez", "ont",
    "aurai", "aurons", "aurez", "auront", "aurais", "aurait", "aurions", "auriez", "auraient",
    "avais", "avait", "aviez", "avaient", "eut", "eûmes", "eûtes", "eurent", "aie", "aies", "ait",
    "ayons", "ayez", "aient", "eusse", "eusses", "eût", "eussions", "eussiez", "eussent", "ceci",
    "cela", "celà", "cet", "cette", "ici", "ils", "les", "leurs", "quel", "quels", "quelle",
    "quelles", "sans", "soi", "est",
];

/// Lucene's English stop words, plus the pieces of contractions.
const ENGLISH_STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
    "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these",
    "they", "this", "to", "was", "will", "with", "s", "t", "d", "ll", "m", "re", "ve",
];

/// `word` with its accents folded (`é` → `e`, `œ` → `oe`).
pub fn fold(word: &str) -> String {
    let mut analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(AsciiFoldingFilter)
        .build();
    let mut stream = analyzer.token_stream(word);
    let mut folded = String::new();
    while let Some(token) = stream.next() {
        folded.push_str(&token.text);
    }
    folded
}

/// A stop word list in both spellings, accented and folded.
fn stop_words(words: &[&str]) -> StopWordFilter {
    StopWordFilter::remove(
        words
            .iter()
            .flat_map(|word| [(*word).to_owned(), fold(word)]),
    )
}

fn stemmed(stop: &[&str], language: Language) -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(stop_words(stop))
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(language))
        .build()
}

pub fn french() -> TextAnalyzer {
    stemmed(FRENCH_STOP_WORDS, Language::French)
}

pub fn english() -> TextAnalyzer {
    stemmed(ENGLISH_STOP_WORDS, Language::English)
}

pub fn folded() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

pub fn register(manager: &TokenizerManager) {
    manager.register(FRENCH, french());
    manager.register(ENGLISH, english());
    manager.register(FOLDED, folded());
}

/// The tokens `analyzer` makes of `text`, with their positions.
pub fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(usize, String)> {
    let mut stream = analyzer.token_stream(text);
    let mut tokens = Vec::new();
    while let Some(token) = stream.next() {
        tokens.push((token.position, token.text.clone()));
    }
    tokens
}

/// Both lists, in both spellings.
static ALL_STOP_WORDS: LazyLock<HashSet<String>> = LazyLock::new(|| {
    FRENCH_STOP_WORDS
        .iter()
        .chain(ENGLISH_STOP_WORDS)
        .flat_map(|word| [(*word).to_owned(), fold(word)])
        .collect()
});

/// True if `word` (lower case) is one of the French stop words.
pub fn is_french_stop_word(word: &str) -> bool {
    FRENCH_STOP_WORDS.contains(&word)
}

/// True if `word` (lower case) is one of the English stop words.
pub fn is_english_stop_word(word: &str) -> bool {
    ENGLISH_STOP_WORDS.contains(&word)
}

/// True if `word` is a stop word in French or English (in either spelling).
pub fn is_stop_word(word: &str) -> bool {
    let lower = word.to_lowercase();
    ALL_STOP_WORDS.contains(&lower) || ALL_STOP_WORDS.contains(&fold(&lower))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(mut analyzer: TextAnalyzer, text: &str) -> Vec<String> {
        tokens(&mut analyzer, text)
            .into_iter()
            .map(|(_, t)| t)
            .collect()
    }

    #[test]
    fn french_removes_elisions_with_both_apostrophes() {
        for text in [
            "l'économie",
            "l’économie",
            "d'économie",
            "qu'économie",
            "j'économie",
            "n'économie",
            "s'économie",
            "c'économie",
            "m'économie",
            "t'économie",
        ] {
            assert_eq!(words(french(), text), ["econom"], "{text}");
        }
    }

    #[test]
    fn french_folds_accents_and_stems() {
        let cases = [
            ("Économies", vec!["econom"]),
            ("economie", vec!["econom"]),
            ("ÉCONOMIE", vec!["econom"]),
            ("activités", vec!["activit"]),
            ("activite", vec!["activit"]),
            ("les coopératives", vec!["cooper"]),
            ("cœur", vec!["coeur"]),
            ("était été", vec!["ete"]),
            ("etait", vec![]),
        ];
        for (text, expected) in cases {
            assert_eq!(words(french(), text), expected, "{text}");
        }
    }

    #[test]
    fn english_folds_and_stems() {
        let cases = [
            ("Running runs", vec!["run", "run"]),
            ("the café's bicycles", vec!["cafe", "bicycl"]),
            ("Governance", vec!["govern"]),
        ];
        for (text, expected) in cases {
            assert_eq!(words(english(), text), expected, "{text}");
        }
    }

    #[test]
    fn folded_keeps_words_whole() {
        assert_eq!(
            words(folded(), "L’Économie sociale"),
            ["l", "economie", "sociale"]
        );
    }

    #[test]
    fn stop_words_in_either_language_and_spelling() {
        for word in ["le", "The", "était", "etait", "qu", "and"] {
            assert!(is_stop_word(word), "{word}");
        }
        for word in ["économie", "son", "commons"] {
            assert!(!is_stop_word(word), "{word}");
        }
    }
}
