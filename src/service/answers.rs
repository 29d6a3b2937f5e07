//! Answers served again as they were: a page's answer, encoded once (JSON
//! for the API; HTML for the web pages), is kept under the version of what
//! it shows and served from memory while that version holds.
//!
//! A [`PageVersion`] is made without reading the page's text or rendering
//! it: the revision shown, the epoch of its cached rendering (link colours
//! change a rendering, never a revision), the open dispute, the slug it was
//! reached by. Two equal versions show the same thing, and versions only
//! move forward, so a kept answer is never stale. Only answers that are the
//! same for every viewer are kept (anonymous readers); every answer carries
//! an ETag made from its bytes, so a validator changes whenever the bytes
//! do, whoever asks.

use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::{Actor, App, PageView, ServiceResult};
use crate::model::{PageId, RevisionId};

/// Roughly what the kept answers may hold, in bytes.
const CACHE_BYTES: u64 = 64 * 1024 * 1024;

/// An encoded answer and its strong validator.
#[derive(Debug)]
pub struct Answer {
    pub body: Arc<[u8]>,
    /// `"<revision>.<digest of the body>"`: the revision first, so that
    /// `If-Match` still names the revision edited.
    pub etag: String,
}

/// Everything a page's answer shows, as a key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct PageVersion {
    pub page: PageId,
    pub revision: RevisionId,
    pub rendering: u64,
    pub dispute: Option<u64>,
    pub redirected_from: Option<String>,
}

#[derive(Clone)]
struct AnswerWeight;

impl quick_cache::Weighter<(PageVersion, &'static str), Arc<Answer>> for AnswerWeight {
    fn weight(&self, _: &(PageVersion, &'static str), answer: &Arc<Answer>) -> u64 {
        answer.body.len() as u64 + 256
    }
}

pub(super) struct AnswerCache {
    entries: quick_cache::sync::Cache<(PageVersion, &'static str), Arc<Answer>, AnswerWeight>,
    /// The version of a page as asked (space, slug), with the store's
    /// generation it was read at: valid while no write has landed since.
    versions: quick_cache::sync::Cache<(String, String), (u64, PageVersion)>,
}

impl Default for AnswerCache {
    fn default() -> Self {
        Self {
            entries: quick_cache::sync::Cache::with_weighter(65_536, CACHE_BYTES, AnswerWeight),
            versions: quick_cache::sync::Cache::new(65_536),
        }
    }
}

/// The validator of `body`, an answer showing `revision`.
fn etag(revision: RevisionId, body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    format!("\"{revision}.{}\"", hex::encode(&digest[..9]))
}

impl App {
    /// The page's version as an anonymous reader sees it, remembered while
    /// no write lands: reading it again costs no store read while the wiki
    /// is only read. A rendering's epoch can move without a write (its
    /// cache dropped an entry), so it is checked every time.
    fn current_version(&self, space: &str, slug: &str) -> ServiceResult<Option<PageVersion>> {
        let key = (space.to_owned(), slug.to_owned());
        let generation = self.store().generation();
        if let Some((seen, version)) = self.inner.answers.versions.get(&key)
            && seen == generation
            && self.rendering_epoch(version.revision) == Some(version.rendering)
        {
            return Ok(Some(version));
        }
        let version = self.page_version(space, slug)?;
        if let Some(version) = &version
            && self.store().generation() == generation
        {
            self.inner
                .answers
                .versions
                .insert(key, (generation, version.clone()));
        }
        Ok(version)
    }

    /// The answer to a read of a page, encoded by `encode` (`format` names
    /// the encoding: `"json"`, `"html:fr"`…), from the kept answers when an
    /// anonymous reader asks for a version already encoded.
    pub async fn page_answer(
        &self,
        viewer: Option<&Actor>,
        space: &str,
        slug: &str,
        format: &'static str,
        encode: impl FnOnce(&PageView) -> ServiceResult<Vec<u8>>,
    ) -> ServiceResult<Arc<Answer>> {
        let key = match viewer {
            None => self.current_version(space, slug)?.map(|v| (v, format)),
            Some(_) => None,
        };
        if let Some(answer) = key.as_ref().and_then(|k| self.inner.answers.entries.get(k)) {
            return Ok(answer);
        }
        let view = self.read_page(viewer, space, slug).await?;
        let body = encode(&view)?;
        let answer = Arc::new(Answer {
            etag: etag(view.revision.id, &body),
            body: Arc::from(body),
        });
        // Kept under the version seen before the page was read: if it moved
        // meanwhile, that version is past and will not be asked again.
        if let Some(key) = key {
            self.inner.answers.entries.insert(key, Arc::clone(&answer));
        }
        Ok(answer)
    }
}
