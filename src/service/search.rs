//! Search and suggestions, restricted to what the reader may see, and the
//! store-side feed of the search indexer (what each page's document holds).

use std::collections::HashSet;
use std::sync::Arc;

use super::{Actor, App, PageRefView, SearchHitView, SearchView, ServiceError, ServiceResult};
use super::{ListRequest, Listing};
use crate::model::{EventSeq, PageId};
use crate::render::plain_text;
use crate::search::{
    DocState, Feed, IndexDoc, Indexer, Lang, SearchIndex, SearchRequest, detect, query_language,
};
use crate::store::Store;

const MAX_SEARCH_RESULTS: usize = 100;
const SUGGESTIONS: usize = 10;
/// Language detection reads the opening of a page, no more.
const DETECT_CHARS: usize = 4000;

/// The index and its indexer, once the server has opened them.
pub(super) struct Search {
    pub index: SearchIndex,
    pub indexer: Arc<Indexer>,
}

pub struct SearchQuery {
    pub q: String,
    pub space: Option<String>,
    pub tag: Option<String>,
    pub author: Option<String>,
    pub lang: Option<String>,
    pub limit: Option<usize>,
    pub offset: Option<usize>,
}

impl App {
    fn search_index(&self) -> ServiceResult<&SearchIndex> {
        self.inner
            .search
            .get()
            .map(|search| &search.index)
            .ok_or_else(|| ServiceError::Internal("the search index is not open".to_owned()))
    }

    /// Attaches the search index and its running indexer.
    pub fn attach_search(&self, index: SearchIndex, indexer: Arc<Indexer>) {
        let _ = self.inner.search.set(Search { index, indexer });
    }

    /// The last event whose effects are searchable (0 without an index).
    pub fn indexed_seq(&self) -> EventSeq {
        self.inner
            .search
            .get()
            .map_or(0, |s| s.indexer.indexed_seq())
    }

    /// The spaces a search by `viewer` may cover: `asked` alone when given
    /// (404 when the viewer may not read it), else every space the viewer
    /// may read; `None` when that is every space (no filter needed).
    fn searchable_spaces(
        &self,
        viewer: Option<&Actor>,
        asked: Option<&str>,
    ) -> ServiceResult<Option<Vec<String>>> {
        if let Some(slug) = asked {
            return Ok(Some(vec![self.place(viewer, slug)?.slug.to_string()]));
        }
        let spaces = self.store().spaces()?;
        let visible: Vec<String> = spaces
            .iter()
            .filter(|space| self.can_see(viewer, &space.slug))
            .map(|space| space.slug.clone())
            .collect();
        Ok((visible.len() < spaces.len()).then_some(visible))
    }

    pub async fn search(
        &self,
        viewer: Option<&Actor>,
        query: SearchQuery,
    ) -> ServiceResult<SearchView> {
        let q = query.q.trim().to_owned();
        if q.is_empty() || q.chars().count() > 500 {
            return Err(ServiceError::InvalidInput(
                "q is 1 to 500 characters".to_owned(),
            ));
        }
        let limit = match query.limit {
            None => 20,
            Some(n @ 1..=MAX_SEARCH_RESULTS) => n,
            Some(_) => {
                return Err(ServiceError::InvalidInput(format!(
                    "limit is between 1 and {MAX_SEARCH_RESULTS}"
                )));
            }
        };
        let offset = query.offset.unwrap_or(0);
        if offset > 10_000 {
            return Err(ServiceError::InvalidInput(
                "offset is at most 10000".to_owned(),
            ));
        }
        let lang = match query.lang.as_deref() {
            Some(code) => Some(
                Lang::parse(code)
                    .ok_or_else(|| ServiceError::InvalidInput("lang is fr or en".to_owned()))?,
            ),
            None => None,
        };
        let spaces = self.searchable_spaces(viewer, query.space.as_deref())?;
        let prefer = query_language(&q).unwrap_or(self.config().default_lang);
        let index = self.search_index()?.clone();
        let results = tokio::task::spawn_blocking(move || {
            index.search(&SearchRequest {
                query: &q,
                spaces: spaces.as_deref(),
                tag: query.tag.as_deref(),
                author: query.author.as_deref(),
                lang,
                prefer,
                limit,
                offset,
            })
        })
        .await
        .map_err(|e| ServiceError::Internal(e.to_string()))?
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
        Ok(SearchView {
            total: results.total,
            did_you_mean: results.did_you_mean,
            hits: results
                .hits
                .into_iter()
                .map(|hit| SearchHitView {
                    space: hit.space,
                    slug: hit.slug,
                    title: hit.title,
                    snippet: hit.snippet,
                    score: hit.score,
                    updated_at: hit.updated_at,
                })
                .collect(),
        })
    }

    pub async fn suggest(
        &self,
        viewer: Option<&Actor>,
        q: &str,
        space: Option<&str>,
        limit: Option<usize>,
    ) -> ServiceResult<Listing<PageRefView>> {
        // A limit like any list's, of which ten suggestions at most.
        let limit = ListRequest::new(None, limit.or(Some(SUGGESTIONS)))?
            .limit
            .min(SUGGESTIONS);
        let q = q.trim().to_owned();
        if q.chars().count() > 200 {
            return Err(ServiceError::InvalidInput(
                "q is at most 200 characters".to_owned(),
            ));
        }
        let spaces = self.searchable_spaces(viewer, space)?;
        let index = self.search_index()?.clone();
        let suggestions =
            tokio::task::spawn_blocking(move || index.suggest(&q, spaces.as_deref(), limit))
                .await
                .map_err(|e| ServiceError::Internal(e.to_string()))?
                .map_err(|e| ServiceError::Internal(e.to_string()))?;
        // Suggestions are a short list: one page, never a next one.
        Ok(Listing {
            items: suggestions
                .into_iter()
                .map(|s| PageRefView {
                    space: s.space,
                    slug: s.slug,
                    title: s.title,
                })
                .collect(),
            next_cursor: None,
        })
    }
}

/// What the indexer reads: durable events and pages as they are on disk.
pub struct StoreFeed {
    store: Store,
    default_lang: Lang,
}

impl StoreFeed {
    pub fn new(store: Store, default_lang: Lang) -> Self {
        Self {
            store,
            default_lang,
        }
    }

    fn document_of(&self, page: PageId, durable: EventSeq) -> ServiceResult<DocState> {
        let Some(page) = self.store.page_by_id(page)? else {
            return Ok(DocState::Absent);
        };
        if page.seq > durable {
            return Ok(DocState::NotYetDurable);
        }
        let Some(published) = page.published.filter(|_| !page.deleted) else {
            return Ok(DocState::Absent);
        };
        let Some(revision) = self.store.revision(published)? else {
            return Ok(DocState::Absent);
        };
        let plain = plain_text(&self.store.text(&revision)?);
        let opening: String = plain.body.chars().take(DETECT_CHARS).collect();
        let lang = plain
            .front_matter
            .lang
            .as_deref()
            .and_then(Lang::parse)
            .or_else(|| detect(&format!("{} {opening}", page.title)))
            .unwrap_or(self.default_lang);
        let mut authors = Vec::new();
        for author in self.store.page_authors(page.id)? {
            if let Some(user) = self.store.user(author)? {
                authors.push(user.username);
            }
        }
        Ok(DocState::Index(Box::new(IndexDoc {
            page: page.id,
            revision: published,
            space: page.space,
            slug: page.slug,
            title: page.title,
            headings: plain.headings,
            body: plain.body,
            tags: plain.front_matter.tags,
            authors,
            lang,
            updated_at: page.updated_at,
        })))
    }
}

impl Feed for StoreFeed {
    fn durable_seq(&self) -> EventSeq {
        self.store.durable_seq()
    }

    fn pages_changed_after(
        &self,
        seq: EventSeq,
        limit: usize,
    ) -> Result<(Vec<PageId>, EventSeq), String> {
        let durable = self.store.durable_seq();
        let mut pages = Vec::new();
        let mut seen = HashSet::new();
        let mut last = seq;
        for event in self.store.events_after(seq).take(limit) {
            let event = event.map_err(|e| e.to_string())?;
            if event.seq > durable {
                break;
            }
            last = event.seq;
            if let Some(page) = event.page
                && seen.insert(page)
            {
                pages.push(page);
            }
        }
        Ok((pages, last))
    }

    fn all_pages(&self) -> Result<Vec<PageId>, String> {
        self.store.page_ids().map_err(|e| e.to_string())
    }

    fn document(&self, page: PageId, durable: EventSeq) -> Result<DocState, String> {
        self.document_of(page, durable).map_err(|e| e.to_string())
    }
}
