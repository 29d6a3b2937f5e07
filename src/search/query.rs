//! Searching: the query language (words, "quoted phrases", `-exclusions`),
//! exact matching analysed in French and English, typo-tolerant matching
//! when exact matching finds few hits, filters, snippets, and title
//! suggestions.

use std::collections::{BTreeMap, HashSet};

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, TermQuery, TermSetQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocAddress, Score, Searcher, TantivyDocument, Term};

use super::analysis::{self, is_stop_word, tokens};
use super::{Fields, Lang, SearchError, SearchIndex, normalise_keyword};
use crate::model::{PageId, Timestamp};

/// Below this many exact hits, typo-tolerant matching adds its own.
const FEW_HITS: usize = 10;
/// Index terms one misspelt word may stand for, at most.
const MAX_EXPANSIONS: usize = 24;
/// Fuzzy hits rank below exact ones: their scores are scaled down.
const FUZZY_PENALTY: Score = 0.5;
const SNIPPET_CHARS: usize = 180;
/// How much more a match in the preferred language's fields weighs.
const PREFERRED_LANGUAGE_BOOST: Score = 1.5;

pub struct SearchRequest<'a> {
    pub query: &'a str,
    /// The spaces the reader may see (and asked for).
    pub spaces: &'a [String],
    pub tag: Option<&'a str>,
    pub author: Option<&'a str>,
    pub lang: Option<Lang>,
    /// The language whose pages rank first when both match: the query's,
    /// when it shows one, else the instance's default.
    pub prefer: Lang,
    pub limit: usize,
    pub offset: usize,
}

#[derive(Debug, Clone)]
pub struct Hit {
    pub page: PageId,
    pub space: String,
    pub slug: String,
    pub title: String,
    /// HTML: escaped text with `<mark>` around matches.
    pub snippet: String,
    pub score: Score,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone)]
pub struct SearchResults {
    pub total: usize,
    pub hits: Vec<Hit>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub space: String,
    pub slug: String,
    pub title: String,
}

/// One piece of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Clause {
    text: String,
    phrase: bool,
    negated: bool,
}

/// Splits a query into words, "quoted phrases" and `-excluded` ones.
fn parse(query: &str) -> Vec<Clause> {
    let mut clauses = Vec::new();
    let mut chars = query.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let negated = c == '-';
        if negated {
            chars.next();
        }
        let phrase = chars.peek() == Some(&'"');
        let text: String = if phrase {
            chars.next();
            chars.by_ref().take_while(|c| *c != '"').collect()
        } else {
            let mut word = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                word.push(c);
                chars.next();
            }
            word
        };
        if !text.trim().is_empty() {
            clauses.push(Clause {
                text,
                phrase,
                negated,
            });
        }
    }
    clauses
}

/// The analysed fields a word is looked for in, with their boosts; those
/// of the preferred language weigh more, so that of two translations of a
/// page, the one in the reader's language comes first.
fn exact_fields(fields: &Fields, prefer: Lang) -> [(Field, &'static str, Score); 6] {
    let (french, english) = match prefer {
        Lang::Fr => (PREFERRED_LANGUAGE_BOOST, 1.0),
        Lang::En => (1.0, PREFERRED_LANGUAGE_BOOST),
    };
    [
        (fields.title_fr, analysis::FRENCH, 3.0 * french),
        (fields.headings_fr, analysis::FRENCH, 2.0 * french),
        (fields.body_fr, analysis::FRENCH, french),
        (fields.title_en, analysis::ENGLISH, 3.0 * english),
        (fields.headings_en, analysis::ENGLISH, 2.0 * english),
        (fields.body_en, analysis::ENGLISH, english),
    ]
}

/// A query matching `tokens` (from one analysis) in `field`: a term, or a
/// phrase keeping the tokens' relative positions.
fn tokens_query(field: Field, tokens: &[(usize, String)]) -> Option<Box<dyn Query>> {
    match tokens {
        [] => None,
        [(_, token)] => Some(Box::new(TermQuery::new(
            Term::from_field_text(field, token),
            IndexRecordOption::WithFreqs,
        ))),
        [(first, _), ..] => Some(Box::new(PhraseQuery::new_with_offset(
            tokens
                .iter()
                .map(|(position, token)| (position - first, Term::from_field_text(field, token)))
                .collect(),
        ))),
    }
}

fn any_of(queries: Vec<Box<dyn Query>>) -> Option<Box<dyn Query>> {
    match queries.len() {
        0 => None,
        1 => queries.into_iter().next(),
        _ => Some(Box::new(BooleanQuery::new(
            queries.into_iter().map(|q| (Occur::Should, q)).collect(),
        ))),
    }
}

impl SearchIndex {
    fn analyzer(&self, name: &str) -> Result<TextAnalyzer, SearchError> {
        self.index
            .tokenizers()
            .get(name)
            .ok_or_else(|| SearchError::Feed(format!("analyzer {name} is not registered")))
    }

    /// The clause looked for in every analysed field, boosted by field.
    fn exact_clause(
        &self,
        clause: &Clause,
        prefer: Lang,
    ) -> Result<Option<Box<dyn Query>>, SearchError> {
        let mut alternatives: Vec<Box<dyn Query>> = Vec::new();
        for (field, analyzer, boost) in exact_fields(&self.fields, prefer) {
            let analysed = tokens(&mut self.analyzer(analyzer)?, &clause.text);
            if let Some(query) = tokens_query(field, &analysed) {
                alternatives.push(Box::new(BoostQuery::new(query, boost)));
            }
        }
        Ok(any_of(alternatives))
    }

    /// Index terms of `field` within the allowed edit distance of `word`
    /// (1 from 4 letters, 2 from 8; a transposition counts as one edit).
    fn near_terms(
        &self,
        searcher: &Searcher,
        field: Field,
        word: &str,
    ) -> Result<Vec<Term>, SearchError> {
        let distance = match word.chars().count() {
            0..=3 => 0,
            4..=7 => 1,
            _ => 2,
        };
        let exact = Term::from_field_text(field, word);
        if distance == 0 {
            return Ok(vec![exact]);
        }
        let automaton = FuzzyTermQuery::new(exact, distance, true).automaton()?;
        let mut by_frequency: BTreeMap<(std::cmp::Reverse<u32>, String), ()> = BTreeMap::new();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(field)?;
            let mut stream = inverted
                .terms()
                .search(&automaton)
                .into_stream()
                .map_err(|e| SearchError::Feed(e.to_string()))?;
            while stream.advance() {
                if let Ok(text) = std::str::from_utf8(stream.key()) {
                    let key = (std::cmp::Reverse(stream.value().doc_freq), text.to_owned());
                    by_frequency.insert(key, ());
                }
            }
        }
        let mut seen = HashSet::new();
        Ok(by_frequency
            .into_keys()
            .filter(|(_, text)| seen.insert(text.clone()))
            .take(MAX_EXPANSIONS)
            .map(|(_, text)| Term::from_field_text(field, &text))
            .collect())
    }

    /// The clause with typos forgiven: each word stands for the index terms
    /// near it, scored like any term (BM25).
    fn fuzzy_clause(
        &self,
        searcher: &Searcher,
        clause: &Clause,
        prefer: Lang,
    ) -> Result<Option<Box<dyn Query>>, SearchError> {
        if clause.phrase {
            return self.exact_clause(clause, prefer);
        }
        let words = tokens(&mut self.analyzer(analysis::FOLDED)?, &clause.text);
        let mut per_word: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (_, word) in words.iter().filter(|(_, w)| !is_stop_word(w)) {
            let mut alternatives: Vec<Box<dyn Query>> = Vec::new();
            for (field, boost) in [
                (self.fields.title_folded, 3.0),
                (self.fields.text_folded, 1.0),
            ] {
                for term in self.near_terms(searcher, field, word)? {
                    let query = TermQuery::new(term, IndexRecordOption::WithFreqs);
                    alternatives.push(Box::new(BoostQuery::new(Box::new(query), boost)));
                }
            }
            match any_of(alternatives) {
                Some(query) => per_word.push((Occur::Must, query)),
                None => return Ok(None),
            }
        }
        Ok((!per_word.is_empty()).then(|| Box::new(BooleanQuery::new(per_word)) as Box<dyn Query>))
    }

    /// The filters every result must pass: visible spaces, tag, author, lang.
    fn filters(&self, request: &SearchRequest<'_>) -> Vec<(Occur, Box<dyn Query>)> {
        let fields = &self.fields;
        let spaces = request
            .spaces
            .iter()
            .map(|space| Term::from_field_text(fields.space, space));
        let mut filters: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Must, Box::new(TermSetQuery::new(spaces)))];
        let keyword = |field, value: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, &normalise_keyword(value)),
                IndexRecordOption::Basic,
            ))
        };
        if let Some(tag) = request.tag {
            filters.push((Occur::Must, keyword(fields.tags, tag)));
        }
        if let Some(author) = request.author {
            filters.push((Occur::Must, keyword(fields.authors, author)));
        }
        if let Some(lang) = request.lang {
            filters.push((Occur::Must, keyword(fields.lang, lang.code())));
        }
        filters
    }

    /// Builds the query of one matching phase, or `None` if it can match
    /// nothing (no searchable word).
    fn phase_query(
        &self,
        request: &SearchRequest<'_>,
        clauses: &[Clause],
        searcher: Option<&Searcher>,
    ) -> Result<Option<BooleanQuery>, SearchError> {
        let mut parts = self.filters(request);
        let mut positive = 0;
        for clause in clauses {
            // A lone stop word ("le", "the") says nothing about a page.
            if !clause.phrase && !clause.negated && is_stop_word(&clause.text) {
                continue;
            }
            let query = match (clause.negated, searcher) {
                (false, Some(searcher)) => self.fuzzy_clause(searcher, clause, request.prefer)?,
                _ => self.exact_clause(clause, request.prefer)?,
            };
            match (query, clause.negated) {
                (Some(query), true) => parts.push((Occur::MustNot, query)),
                (Some(query), false) => {
                    positive += 1;
                    parts.push((Occur::Must, query));
                }
                // A phrase no analysis keeps can match nothing; a lone word
                // no analysis keeps (punctuation) is no requirement.
                (None, false) if clause.phrase => return Ok(None),
                (None, _) => {}
            }
        }
        Ok((positive > 0).then(|| BooleanQuery::new(parts)))
    }

    /// Runs a search: exact matches first, then, when they are few, matches
    /// forgiving typos (ranked below).
    pub fn search(&self, request: &SearchRequest<'_>) -> Result<SearchResults, SearchError> {
        let searcher = self.reader.searcher();
        let clauses = parse(request.query);
        let wanted = request.offset + request.limit;
        let mut ranked: Vec<(Score, DocAddress)> = Vec::new();
        let mut total = 0;
        let exact = self.phase_query(request, &clauses, None)?;
        if let Some(exact) = &exact {
            let (top, count) = searcher.search(
                exact,
                &(TopDocs::with_limit(wanted.max(1)).order_by_score(), Count),
            )?;
            ranked.extend(top);
            total = count;
        }
        if total < FEW_HITS
            && let Some(fuzzy) = self.phase_query(request, &clauses, Some(&searcher))?
        {
            let already: HashSet<DocAddress> = ranked.iter().map(|(_, a)| *a).collect();
            let limit = FEW_HITS.max(wanted) + already.len();
            let (top, fuzzy_total) = searcher.search(
                &fuzzy,
                &(TopDocs::with_limit(limit).order_by_score(), Count),
            )?;
            let retrieved = top.len();
            let floor = ranked
                .iter()
                .map(|(s, _)| *s)
                .fold(Score::INFINITY, Score::min);
            let extra: Vec<(Score, DocAddress)> = top
                .into_iter()
                .filter(|(_, address)| !already.contains(address))
                .map(|(score, address)| (score * FUZZY_PENALTY, address))
                .collect();
            // Keep fuzzy hits below every exact one.
            let scale = match extra.first() {
                Some((best, _)) if floor.is_finite() && *best >= floor => floor / (best + 1.0),
                _ => 1.0,
            };
            // Every page matching either way (the exact hits usually match
            // the typo-tolerant query too).
            let overlap = retrieved - extra.len();
            total += fuzzy_total.saturating_sub(overlap);
            ranked.extend(
                extra
                    .into_iter()
                    .map(|(score, address)| (score * scale, address)),
            );
        }
        let snippets = Snippets::new(self, &searcher, &clauses)?;
        let hits = ranked
            .into_iter()
            .skip(request.offset)
            .take(request.limit)
            .map(|(score, address)| self.hit(&searcher, &snippets, score, address))
            .collect::<Result<_, _>>()?;
        Ok(SearchResults { total, hits })
    }

    fn hit(
        &self,
        searcher: &Searcher,
        snippets: &Snippets,
        score: Score,
        address: DocAddress,
    ) -> Result<Hit, SearchError> {
        let doc: TantivyDocument = searcher.doc(address)?;
        let fields = &self.fields;
        let text = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned()
        };
        let lang = Lang::parse(&text(fields.lang)).unwrap_or(Lang::Fr);
        Ok(Hit {
            page: doc
                .get_first(fields.page)
                .and_then(|v| v.as_u64())
                .unwrap_or(0),
            space: text(fields.space),
            slug: text(fields.slug),
            title: text(fields.title),
            snippet: snippets.of(&doc, lang, fields),
            score,
            updated_at: Timestamp::from_millis(
                doc.get_first(fields.updated)
                    .and_then(|v| v.as_i64())
                    .unwrap_or(0),
            ),
        })
    }

    /// Titles starting like `prefix` (the last word may be partial),
    /// forgiving a typo in words of 4 letters or more.
    pub fn suggest(
        &self,
        prefix: &str,
        spaces: &[String],
        limit: usize,
    ) -> Result<Vec<Suggestion>, SearchError> {
        let searcher = self.reader.searcher();
        let words = tokens(&mut self.analyzer(analysis::FOLDED)?, prefix);
        let Some(((_, last), rest)) = words.split_last() else {
            return Ok(Vec::new());
        };
        let field = self.fields.title_folded;
        let spaces = spaces
            .iter()
            .map(|s| Term::from_field_text(self.fields.space, s));
        let mut parts: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Must, Box::new(TermSetQuery::new(spaces)))];
        for (_, word) in rest {
            let distance = if word.chars().count() >= 4 { 1 } else { 0 };
            let term = Term::from_field_text(field, word);
            parts.push((
                Occur::Must,
                Box::new(FuzzyTermQuery::new(term, distance, true)),
            ));
        }
        let distance = if last.chars().count() >= 4 { 1 } else { 0 };
        let term = Term::from_field_text(field, last);
        parts.push((
            Occur::Must,
            Box::new(FuzzyTermQuery::new_prefix(term, distance, true)),
        ));
        let query = BooleanQuery::new(parts);
        let top = searcher.search(&query, &TopDocs::with_limit(200).order_by_score())?;
        let folded_prefix: String = words
            .iter()
            .map(|(_, w)| w.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let mut suggestions = Vec::with_capacity(top.len());
        for (_, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let text = |field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned()
            };
            suggestions.push(Suggestion {
                space: text(self.fields.space),
                slug: text(self.fields.slug),
                title: text(self.fields.title),
            });
        }
        // Titles that really start with what was typed first, then shorter ones.
        let mut folded = self.analyzer(analysis::FOLDED)?;
        suggestions.sort_by_cached_key(|s| {
            let title: Vec<String> = tokens(&mut folded, &s.title)
                .into_iter()
                .map(|(_, w)| w)
                .collect();
            (
                !title.join(" ").starts_with(&folded_prefix),
                s.title.chars().count(),
                s.title.clone(),
            )
        });
        suggestions.truncate(limit);
        Ok(suggestions)
    }
}

/// Snippet makers, one per language field, built from the words of the
/// query as each analysis sees them (fuzzy queries give no snippets).
struct Snippets {
    french: Option<SnippetGenerator>,
    english: Option<SnippetGenerator>,
}

impl Snippets {
    fn new(
        index: &SearchIndex,
        searcher: &Searcher,
        clauses: &[Clause],
    ) -> Result<Self, SearchError> {
        let words: Vec<&Clause> = clauses.iter().filter(|c| !c.negated).collect();
        let make =
            |field: Field, analyzer: &str| -> Result<Option<SnippetGenerator>, SearchError> {
                let mut analyzer = index.analyzer(analyzer)?;
                let terms: Vec<Box<dyn Query>> = words
                    .iter()
                    .flat_map(|clause| tokens(&mut analyzer, &clause.text))
                    .map(|(_, token)| {
                        Box::new(TermQuery::new(
                            Term::from_field_text(field, &token),
                            IndexRecordOption::WithFreqs,
                        )) as Box<dyn Query>
                    })
                    .collect();
                let Some(query) = any_of(terms) else {
                    return Ok(None);
                };
                let mut generator = SnippetGenerator::create(searcher, &*query, field)?;
                generator.set_max_num_chars(SNIPPET_CHARS);
                Ok(Some(generator))
            };
        Ok(Snippets {
            french: make(index.fields.body_fr, analysis::FRENCH)?,
            english: make(index.fields.body_en, analysis::ENGLISH)?,
        })
    }

    fn of(&self, doc: &TantivyDocument, lang: Lang, fields: &Fields) -> String {
        let (generator, field) = match lang {
            Lang::Fr => (&self.french, fields.body_fr),
            Lang::En => (&self.english, fields.body_en),
        };
        if let Some(generator) = generator {
            let mut snippet = generator.snippet_from_doc(doc);
            if !snippet.highlighted().is_empty() {
                snippet.set_snippet_prefix_postfix("<mark>", "</mark>");
                return snippet.to_html();
            }
        }
        // No word to highlight: the opening of the page, escaped.
        let body = doc
            .get_first(field)
            .and_then(|v| v.as_str())
            .unwrap_or_default();
        let opening: String = body.chars().take(SNIPPET_CHARS).collect();
        escape(&opening)
    }
}

fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '&' => escaped.push_str("&amp;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            _ => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clause(text: &str, phrase: bool, negated: bool) -> Clause {
        Clause {
            text: text.to_owned(),
            phrase,
            negated,
        }
    }

    #[test]
    fn parses_words_phrases_and_exclusions() {
        assert_eq!(
            parse(r#"économie "sociale et solidaire" -marché -"bien public" l'État"#),
            [
                clause("économie", false, false),
                clause("sociale et solidaire", true, false),
                clause("marché", false, true),
                clause("bien public", true, true),
                clause("l'État", false, false),
            ]
        );
        assert_eq!(
            parse("  \"unterminated phrase"),
            [clause("unterminated phrase", true, false)]
        );
        assert_eq!(parse("- \"\" -"), []);
    }

    #[test]
    fn escapes_snippet_fallbacks() {
        assert_eq!(escape("<script>&\"'"), "&lt;script&gt;&amp;&quot;&#39;");
    }
}
