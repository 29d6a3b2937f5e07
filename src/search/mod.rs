//! Full-text search: the only module that uses tantivy.
//!
//! One document per page, built from its published revision only (the
//! service decides what that is and hands over an [`IndexDoc`]). Title,
//! headings and body are analysed in the page's language (`*_fr` or `*_en`
//! fields, French or English stemming) and, for typo tolerance and title
//! suggestions, in a language-neutral folded form. Queries are analysed both
//! ways, so a page is found whichever language the query is in.
//!
//! The index is derived: the [`indexer`] thread tails the store's event log,
//! commits in small batches with the last indexed event sequence as the
//! commit payload, and resumes from it. A missing index, or one of another
//! schema version, is rebuilt from scratch.

pub mod analysis;
mod indexer;
mod lang;
mod query;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyDocument, Term};

pub use indexer::{DocState, Feed, Indexer, rebuild};
pub use lang::{Lang, detect, query_language};
pub use query::{Hit, SearchRequest, SearchResults, Suggestion};

use crate::model::{EventSeq, PageId, RevisionId, Timestamp};

/// Bump when the schema or the analysis changes: the index is then rebuilt.
/// (2: the body is indexed only; snippets read a stored excerpt.)
pub const SCHEMA_VERSION: u32 = 2;

/// How much of a page's body is stored for snippets: they look for
/// matches in its opening only, and a hit then reads no more than this.
pub const EXCERPT_BYTES: usize = 20_000;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("search index folder {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("search index feed: {0}")]
    Feed(String),
}

/// A page as the index sees it.
#[derive(Debug, Clone)]
pub struct IndexDoc {
    pub page: PageId,
    pub revision: RevisionId,
    pub space: String,
    pub slug: String,
    pub title: String,
    pub headings: Vec<String>,
    pub body: String,
    pub tags: Vec<String>,
    /// Usernames of everyone who wrote a revision of the page.
    pub authors: Vec<String>,
    pub lang: Lang,
    pub updated_at: Timestamp,
}

/// What the commit payload records.
#[derive(Debug, Serialize, Deserialize)]
struct Payload {
    schema: u32,
    seq: EventSeq,
}

/// The fields of the schema.
#[derive(Debug, Clone, Copy)]
struct Fields {
    page: Field,
    revision: Field,
    space: Field,
    slug: Field,
    title: Field,
    title_fr: Field,
    title_en: Field,
    headings_fr: Field,
    headings_en: Field,
    body_fr: Field,
    body_en: Field,
    /// The body's first [`EXCERPT_BYTES`], stored for snippets.
    excerpt: Field,
    title_folded: Field,
    text_folded: Field,
    tags: Field,
    authors: Field,
    lang: Field,
    updated: Field,
}

fn text(tokenizer: &str, positions: bool, stored: bool) -> TextOptions {
    let record = if positions {
        IndexRecordOption::WithFreqsAndPositions
    } else {
        IndexRecordOption::WithFreqs
    };
    let options = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(record),
    );
    if stored {
        options.set_stored()
    } else {
        options
    }
}

fn schema() -> (Schema, Fields) {
    use analysis::{ENGLISH, FOLDED, FRENCH};
    let mut builder = Schema::builder();
    let fields = Fields {
        page: builder.add_u64_field("page", INDEXED | STORED | FAST),
        revision: builder.add_u64_field("revision", STORED),
        space: builder.add_text_field("space", STRING | STORED),
        slug: builder.add_text_field("slug", STRING | STORED),
        title: builder.add_text_field("title", STORED),
        title_fr: builder.add_text_field("title_fr", text(FRENCH, true, false)),
        title_en: builder.add_text_field("title_en", text(ENGLISH, true, false)),
        headings_fr: builder.add_text_field("headings_fr", text(FRENCH, true, false)),
        headings_en: builder.add_text_field("headings_en", text(ENGLISH, true, false)),
        body_fr: builder.add_text_field("body_fr", text(FRENCH, true, false)),
        body_en: builder.add_text_field("body_en", text(ENGLISH, true, false)),
        excerpt: builder.add_text_field("excerpt", STORED),
        title_folded: builder.add_text_field("title_folded", text(FOLDED, true, false)),
        text_folded: builder.add_text_field("text_folded", text(FOLDED, false, false)),
        tags: builder.add_text_field("tags", STRING | STORED),
        authors: builder.add_text_field("authors", STRING),
        lang: builder.add_text_field("lang", STRING | STORED),
        updated: builder.add_i64_field("updated", STORED | FAST),
    };
    (builder.build(), fields)
}

/// The first `bytes` of `text`, cut at a character boundary.
fn opening(text: &str, bytes: usize) -> &str {
    let mut end = bytes.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Tags and usernames compare case-insensitively.
pub fn normalise_keyword(keyword: &str) -> String {
    keyword.trim().to_lowercase()
}

impl Fields {
    fn document(&self, doc: &IndexDoc) -> TantivyDocument {
        let mut document = TantivyDocument::default();
        document.add_u64(self.page, doc.page);
        document.add_u64(self.revision, doc.revision);
        document.add_text(self.space, &doc.space);
        document.add_text(self.slug, &doc.slug);
        document.add_text(self.title, &doc.title);
        let (title, headings, body) = match doc.lang {
            Lang::Fr => (self.title_fr, self.headings_fr, self.body_fr),
            Lang::En => (self.title_en, self.headings_en, self.body_en),
        };
        document.add_text(title, &doc.title);
        for heading in &doc.headings {
            document.add_text(headings, heading);
            document.add_text(self.text_folded, heading);
        }
        document.add_text(body, &doc.body);
        document.add_text(self.excerpt, opening(&doc.body, EXCERPT_BYTES));
        document.add_text(self.title_folded, &doc.title);
        document.add_text(self.text_folded, &doc.body);
        for tag in &doc.tags {
            document.add_text(self.tags, normalise_keyword(tag));
        }
        for author in &doc.authors {
            document.add_text(self.authors, normalise_keyword(author));
        }
        document.add_text(self.lang, doc.lang.code());
        document.add_i64(self.updated, doc.updated_at.millis());
        document
    }

    fn page_term(&self, page: PageId) -> Term {
        Term::from_field_u64(self.page, page)
    }
}

/// The reading side of the index, shared by every request.
#[derive(Clone)]
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    dir: PathBuf,
}

/// How an opened index relates to the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resume {
    /// Go on from after this event.
    After(EventSeq),
    /// Empty (new, or wiped for a new schema): build from every page.
    Rebuild,
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it (or wiping one of another schema
    /// version) as needed.
    pub fn open(dir: &Path) -> Result<(SearchIndex, Resume), SearchError> {
        let io = |source| SearchError::Io {
            path: dir.to_owned(),
            source,
        };
        let (schema, fields) = schema();
        let existing = dir.join("meta.json").exists();
        let (index, resume) = match existing.then(|| Index::open_in_dir(dir)).transpose() {
            Ok(Some(index)) => match read_payload(&index)? {
                Some(payload) if payload.schema == SCHEMA_VERSION && index.schema() == schema => {
                    (index, Resume::After(payload.seq))
                }
                _ => (recreate(dir, &schema).map_err(io)??, Resume::Rebuild),
            },
            // Unreadable: derived data, so rebuild it.
            Ok(None) | Err(_) => (recreate(dir, &schema).map_err(io)??, Resume::Rebuild),
        };
        analysis::register(index.tokenizers());
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok((
            SearchIndex {
                index,
                reader,
                fields,
                dir: dir.to_owned(),
            },
            resume,
        ))
    }

    /// The page → revision pairs in the index (to check it against the store).
    pub fn indexed_revisions(&self) -> Result<Vec<(PageId, RevisionId)>, SearchError> {
        let searcher = self.reader.searcher();
        let mut pairs = Vec::new();
        for segment in searcher.segment_readers() {
            let store = segment
                .get_store_reader(1)
                .map_err(|e| SearchError::Feed(e.to_string()))?;
            for doc_id in segment.doc_ids_alive() {
                let doc: TantivyDocument = store.get(doc_id)?;
                let number = |field| doc.get_first(field).and_then(|v| v.as_u64()).unwrap_or(0);
                pairs.push((number(self.fields.page), number(self.fields.revision)));
            }
        }
        pairs.sort_unstable();
        Ok(pairs)
    }

    /// The event sequence the index has committed up to.
    pub fn committed_seq(&self) -> Result<Option<EventSeq>, SearchError> {
        Ok(read_payload(&self.index)?.map(|p| p.seq))
    }

    /// Size of the index folder in bytes.
    pub fn size_on_disk(&self) -> u64 {
        std::fs::read_dir(&self.dir)
            .map(|entries| {
                entries
                    .filter_map(|entry| entry.ok()?.metadata().ok())
                    .map(|meta| meta.len())
                    .sum()
            })
            .unwrap_or(0)
    }
}

fn read_payload(index: &Index) -> Result<Option<Payload>, SearchError> {
    let metas = index.load_metas()?;
    Ok(metas
        .payload
        .as_deref()
        .and_then(|text| serde_json::from_str(text).ok()))
}

/// An empty index in `dir`, after removing whatever was there.
fn recreate(dir: &Path, schema: &Schema) -> std::io::Result<Result<Index, SearchError>> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir)?;
    Ok(Index::create_in_dir(dir, schema.clone()).map_err(SearchError::from))
}
