//! Searching: the query language (words, "quoted phrases", `-exclusions`),
//! exact matching analysed in French and English, typo-tolerant matching
//! when exact matching finds few hits, filters, snippets, and title
//! suggestions.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, TermQuery,
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
/// Snippets look for matches within the stored excerpt (the first
/// [`EXCERPT_BYTES`] of a page), a window at a time.
const SNIPPET_SOURCE_CHARS: usize = super::EXCERPT_BYTES;
const SNIPPET_WINDOW: usize = 1_000;
const SNIPPET_OVERLAP: usize = 150;
/// Index words one stem may stand for in snippets, at most.
const PREFIX_EXPANSIONS: usize = 8;
/// How much more a match in the preferred language's fields weighs.
const PREFERRED_LANGUAGE_BOOST: Score = 1.5;

pub struct SearchRequest<'a> {
    pub query: &'a str,
    /// The spaces to search: those the reader may see (and asked for), or
    /// `None` for every space.
    pub spaces: Option<&'a [String]>,
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
    /// When nothing matched exactly but typos forgiven did: the query
    /// with each unknown word replaced by the most frequent index word
    /// near it ("did you mean").
    pub did_you_mean: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub space: String,
    pub slug: String,
    pub title: String,
}

/// What the typo-tolerant phase found, kept for the rest of the search:
/// the index words used (highlighted in snippets) and each query word's
/// near words (reused by "did you mean" instead of walking the term
/// dictionaries again).
#[derive(Default)]
struct Expansions {
    highlight: BTreeSet<String>,
    near: HashMap<String, Vec<String>>,
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

    /// Index words within the allowed edit distance of `word` (1 from 4
    /// letters, 2 from 8; swapping two adjacent letters is one edit), most
    /// frequent first. The first letter is kept: typos rarely touch it, and
    /// fixing it keeps the walk of the term dictionary short.
    fn near_words(&self, searcher: &Searcher, word: &str) -> Result<Vec<String>, SearchError> {
        let distance = match word.chars().count() {
            0..=3 => 0,
            4..=7 => 1,
            _ => 2,
        };
        let Some(first) = word.chars().next().filter(|_| distance > 0) else {
            return Ok(vec![word.to_owned()]);
        };
        let exact = Term::from_field_text(self.fields.text_folded, word);
        let automaton = FuzzyTermQuery::new(exact, distance, true).automaton()?;
        let low = first.to_string();
        let high = char::from_u32(u32::from(first) + 1)
            .map_or_else(|| "\u{10ffff}".to_owned(), String::from);
        let mut frequency: BTreeMap<String, u32> = BTreeMap::new();
        for field in [self.fields.title_folded, self.fields.text_folded] {
            for segment in searcher.segment_readers() {
                let inverted = segment.inverted_index(field)?;
                let mut stream = inverted
                    .terms()
                    .search(&automaton)
                    .ge(&low)
                    .lt(&high)
                    .into_stream()
                    .map_err(|e| SearchError::Feed(e.to_string()))?;
                while stream.advance() {
                    if let Ok(text) = std::str::from_utf8(stream.key()) {
                        *frequency.entry(text.to_owned()).or_default() += stream.value().doc_freq;
                    }
                }
            }
        }
        let mut near: Vec<(String, u32)> = frequency.into_iter().collect();
        near.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Ok(near
            .into_iter()
            .take(MAX_EXPANSIONS)
            .map(|(w, _)| w)
            .collect())
    }

    /// The clause with typos forgiven: each word stands for the index words
    /// near it, scored like any term (BM25). The words used are added to
    /// `found`, for snippets and "did you mean".
    fn fuzzy_clause(
        &self,
        searcher: &Searcher,
        clause: &Clause,
        prefer: Lang,
        found: &mut Expansions,
    ) -> Result<Option<Box<dyn Query>>, SearchError> {
        if clause.phrase {
            return self.exact_clause(clause, prefer);
        }
        let words = tokens(&mut self.analyzer(analysis::FOLDED)?, &clause.text);
        let mut per_word: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (_, word) in words.iter().filter(|(_, w)| !is_stop_word(w)) {
            let mut alternatives: Vec<Box<dyn Query>> = Vec::new();
            let near_words = self.near_words(searcher, word)?;
            for near in &near_words {
                for (field, boost) in [
                    (self.fields.title_folded, 3.0),
                    (self.fields.text_folded, 1.0),
                ] {
                    let term = Term::from_field_text(field, near);
                    let query = TermQuery::new(term, IndexRecordOption::WithFreqs);
                    alternatives.push(Box::new(BoostQuery::new(Box::new(query), boost)));
                }
                found.highlight.insert(near.clone());
            }
            found.near.insert(word.clone(), near_words);
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
        let mut filters: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if let Some(spaces) = request.spaces {
            filters.push((Occur::Must, self.spaces_filter(spaces)));
        }
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

    /// Documents of one of `spaces` (none when the list is empty).
    fn spaces_filter(&self, spaces: &[String]) -> Box<dyn Query> {
        let any: Vec<(Occur, Box<dyn Query>)> = spaces
            .iter()
            .map(|space| {
                let term = Term::from_field_text(self.fields.space, space);
                (
                    Occur::Should,
                    Box::new(TermQuery::new(term, IndexRecordOption::Basic)) as Box<dyn Query>,
                )
            })
            .collect();
        Box::new(BooleanQuery::new(any))
    }

    /// Builds the query of one matching phase, or `None` if it can match
    /// nothing (no searchable word).
    fn phase_query(
        &self,
        request: &SearchRequest<'_>,
        clauses: &[Clause],
        searcher: Option<&Searcher>,
        found: &mut Expansions,
    ) -> Result<Option<BooleanQuery>, SearchError> {
        let mut parts = self.filters(request);
        let mut positive = 0;
        for clause in clauses {
            // A lone stop word ("le", "the") says nothing about a page.
            if !clause.phrase && !clause.negated && is_stop_word(&clause.text) {
                continue;
            }
            let query = match (clause.negated, searcher) {
                (false, Some(searcher)) => {
                    self.fuzzy_clause(searcher, clause, request.prefer, found)?
                }
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
        let mut did_you_mean = None;
        let mut found = Expansions::default();
        let exact = self.phase_query(request, &clauses, None, &mut found)?;
        if let Some(exact) = &exact {
            let (top, count) = searcher.search(
                exact,
                &(TopDocs::with_limit(wanted.max(1)).order_by_score(), Count),
            )?;
            ranked.extend(top);
            total = count;
        }
        if total < FEW_HITS
            && let Some(fuzzy) = self.phase_query(request, &clauses, Some(&searcher), &mut found)?
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
            if total == 0 && fuzzy_total > 0 {
                did_you_mean = self.corrected(&searcher, &clauses, &found.near)?;
            }
            total += fuzzy_total.saturating_sub(overlap);
            ranked.extend(
                extra
                    .into_iter()
                    .map(|(score, address)| (score * scale, address)),
            );
        }
        let snippets = Snippets::new(self, &searcher, &clauses, found.highlight)?;
        let hits = ranked
            .into_iter()
            .skip(request.offset)
            .take(request.limit)
            .map(|(score, address)| self.hit(&searcher, &snippets, score, address))
            .collect::<Result<_, _>>()?;
        Ok(SearchResults {
            total,
            hits,
            did_you_mean,
        })
    }

    /// The query with each word the index does not know replaced by the
    /// most frequent index word near it; `None` if no word changed.
    fn corrected(
        &self,
        searcher: &Searcher,
        clauses: &[Clause],
        near: &HashMap<String, Vec<String>>,
    ) -> Result<Option<String>, SearchError> {
        let mut folded = self.analyzer(analysis::FOLDED)?;
        let mut changed = false;
        let mut parts = Vec::new();
        for clause in clauses {
            if clause.phrase || clause.negated {
                let quoted = if clause.phrase {
                    format!("\"{}\"", clause.text)
                } else {
                    clause.text.clone()
                };
                parts.push(if clause.negated {
                    format!("-{quoted}")
                } else {
                    quoted
                });
                continue;
            }
            for (_, word) in tokens(&mut folded, &clause.text) {
                let known = self.doc_freq(searcher, &word)? > 0;
                let replacement = match (known, near.get(&word)) {
                    (true, _) => None,
                    (false, Some(words)) => words.iter().find(|w| **w != word).cloned(),
                    (false, None) => self
                        .near_words(searcher, &word)?
                        .into_iter()
                        .find(|w| *w != word),
                };
                changed |= replacement.is_some();
                parts.push(replacement.unwrap_or(word));
            }
        }
        Ok(changed.then(|| parts.join(" ")))
    }

    /// How many documents hold `word` (folded) in their title or text.
    fn doc_freq(&self, searcher: &Searcher, word: &str) -> Result<u64, SearchError> {
        let mut count = 0;
        for field in [self.fields.title_folded, self.fields.text_folded] {
            count += searcher.doc_freq(&Term::from_field_text(field, word))?;
        }
        Ok(count)
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
        Ok(Hit {
            page: doc
                .get_first(fields.page)
                .and_then(|v| v.as_u64())
                .unwrap_or(0),
            space: text(fields.space),
            slug: text(fields.slug),
            title: text(fields.title),
            snippet: snippets.of(&doc, fields),
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
        spaces: Option<&[String]>,
        limit: usize,
    ) -> Result<Vec<Suggestion>, SearchError> {
        let searcher = self.reader.searcher();
        let words = tokens(&mut self.analyzer(analysis::FOLDED)?, prefix);
        let Some(((_, last), rest)) = words.split_last() else {
            return Ok(Vec::new());
        };
        let field = self.fields.title_folded;
        let mut parts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if let Some(spaces) = spaces {
            parts.push((Occur::Must, self.spaces_filter(spaces)));
        }
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

/// Snippets: the stored body cut around the words of the query, matched
/// as the folded analysis sees them (cheap: no stemming). Inflected forms are
/// found through the index words that begin like each word's stems, and
/// typo-tolerant hits through the words their typos stood for.
struct Snippets {
    generator: Option<SnippetGenerator>,
}

impl Snippets {
    fn new(
        index: &SearchIndex,
        searcher: &Searcher,
        clauses: &[Clause],
        mut words: BTreeSet<String>,
    ) -> Result<Self, SearchError> {
        let mut folded = index.analyzer(analysis::FOLDED)?;
        let mut stemmers = [
            index.analyzer(analysis::FRENCH)?,
            index.analyzer(analysis::ENGLISH)?,
        ];
        for clause in clauses.iter().filter(|c| !c.negated) {
            for (_, word) in tokens(&mut folded, &clause.text) {
                if is_stop_word(&word) && !clause.phrase {
                    continue;
                }
                for stemmer in &mut stemmers {
                    for (_, stem) in tokens(stemmer, &word) {
                        words.extend(index.words_starting_with(searcher, &stem)?);
                    }
                }
                words.insert(word);
            }
        }
        if words.is_empty() {
            return Ok(Snippets { generator: None });
        }
        let terms = words.into_iter().map(|word| (word, 1.0)).collect();
        let generator =
            SnippetGenerator::new(terms, folded, index.fields.text_folded, SNIPPET_CHARS);
        Ok(Snippets {
            generator: Some(generator),
        })
    }

    fn of(&self, doc: &TantivyDocument, fields: &Fields) -> String {
        let body = doc
            .get_first(fields.excerpt)
            .and_then(|v| v.as_str())
            .unwrap_or_default();
        if let Some(generator) = &self.generator {
            // Read the page a window at a time and stop at the first window
            // with a match: most pages show their words early, and a long
            // page is then not re-read whole for every hit.
            for window in windows(body) {
                let mut snippet = generator.snippet(window);
                if !snippet.highlighted().is_empty() {
                    snippet.set_snippet_prefix_postfix("<mark>", "</mark>");
                    return snippet.to_html();
                }
            }
        }
        // No word to highlight: the opening of the page, escaped.
        let opening: String = body.chars().take(SNIPPET_CHARS).collect();
        escape(&opening)
    }
}

impl SearchIndex {
    /// Up to 16 index words beginning with `stem` (at least 3 letters).
    fn words_starting_with(
        &self,
        searcher: &Searcher,
        stem: &str,
    ) -> Result<Vec<String>, SearchError> {
        if stem.chars().count() < 3 {
            return Ok(vec![stem.to_owned()]);
        }
        let mut upper = stem.as_bytes().to_vec();
        upper.push(0xff);
        let mut words = Vec::new();
        for segment in searcher.segment_readers() {
            if words.len() >= PREFIX_EXPANSIONS {
                break;
            }
            let inverted = segment.inverted_index(self.fields.text_folded)?;
            let mut stream = inverted
                .terms()
                .range()
                .ge(stem)
                .lt(&upper)
                .into_stream()
                .map_err(|e| SearchError::Feed(e.to_string()))?;
            while stream.advance() && words.len() < PREFIX_EXPANSIONS {
                if let Ok(text) = std::str::from_utf8(stream.key()) {
                    words.push(text.to_owned());
                }
            }
        }
        Ok(words)
    }
}

/// Overlapping windows of `text` (`SNIPPET_WINDOW` bytes, cut at character
/// boundaries), covering its first `SNIPPET_SOURCE_CHARS` bytes.
fn windows(text: &str) -> impl Iterator<Item = &str> {
    let limit = text.len().min(SNIPPET_SOURCE_CHARS);
    let step = SNIPPET_WINDOW - SNIPPET_OVERLAP;
    (0..limit.max(1)).step_by(step).map(move |start| {
        let floor = |mut i: usize| {
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        &text[floor(start)..floor((start + SNIPPET_WINDOW).min(text.len()))]
    })
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
    fn windows_cover_the_text_at_character_boundaries() {
        let text = "é".repeat(2_000); // 4,000 bytes
        let parts: Vec<&str> = windows(&text).collect();
        assert_eq!(parts.len(), 5);
        assert!(
            parts
                .iter()
                .all(|p| p.len() <= SNIPPET_WINDOW && !p.is_empty())
        );
        assert!(text.ends_with(parts.last().unwrap()));
        assert_eq!(windows("").count(), 1);
    }

    #[test]
    fn escapes_snippet_fallbacks() {
        assert_eq!(escape("<script>&\"'"), "&lt;script&gt;&amp;&quot;&#39;");
    }
}
