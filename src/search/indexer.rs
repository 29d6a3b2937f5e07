//! The indexer: one thread owning the only `IndexWriter`, tailing the event
//! log and committing in small batches.
//!
//! It reads events only up to the store's durable sequence, and indexes a
//! page's state only once the event that produced it is on disk, so the
//! index never runs ahead of what survives a crash. Each commit records the
//! last event indexed in its payload (`prepare_commit` + `set_payload`: a
//! plain `commit()` would reset it); on start the indexer resumes from there.
//! An update is `delete_term(page)` + `add_document` in one commit, so a page
//! is never there twice, and a crash between commits just replays the events
//! since the last one.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tantivy::{IndexWriter, TantivyDocument};

use super::{IndexDoc, Payload, Resume, SCHEMA_VERSION, SearchError, SearchIndex};
use crate::model::{EventSeq, PageId};

/// Between two commits once the indexer has caught up (an edit is
/// searchable within about this, well under the promised second).
const COMMIT_EVERY: Duration = Duration::from_millis(100);
/// Between two commits while edits keep coming faster than it indexes:
/// each commit makes a segment to write and later merge, so under load
/// fewer, larger ones cost less, still well under the promised second.
const COMMIT_EVERY_UNDER_LOAD: Duration = Duration::from_millis(400);
/// How often to look for new durable events when idle.
const POLL_EVERY: Duration = Duration::from_millis(10);
const EVENTS_PER_ROUND: usize = 1024;
const WRITER_MEMORY: usize = 128 * 1024 * 1024;

/// What the index needs from the store (implemented by the service layer).
pub trait Feed: Send + 'static {
    /// The newest event known to be on disk.
    fn durable_seq(&self) -> EventSeq;
    /// The pages touched by durable events after `seq` (each once, at most
    /// `limit` events read), and the last event read.
    fn pages_changed_after(
        &self,
        seq: EventSeq,
        limit: usize,
    ) -> Result<(Vec<PageId>, EventSeq), String>;
    /// Every page that may need indexing.
    fn all_pages(&self) -> Result<Vec<PageId>, String>;
    /// How `page` should be indexed now, given what is on disk.
    fn document(&self, page: PageId, durable: EventSeq) -> Result<DocState, String>;
}

pub enum DocState {
    Index(Box<IndexDoc>),
    /// Not searchable (deleted, never published, gone).
    Absent,
    /// Its newest state is not on disk yet; its event will come round.
    NotYetDurable,
}

pub struct Indexer {
    stop: Arc<AtomicBool>,
    indexed: Arc<AtomicU64>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

fn writer(index: &SearchIndex) -> Result<IndexWriter<TantivyDocument>, SearchError> {
    Ok(index.index.writer_with_num_threads(1, WRITER_MEMORY)?)
}

/// The index writer, waiting for it while another holds the index (a
/// process that was stopping as this one started, a rebuild): without it
/// the index would silently fall behind. `None` only when stopping.
fn writer_when_free(
    index: &SearchIndex,
    stop: &AtomicBool,
) -> Option<IndexWriter<TantivyDocument>> {
    let mut said = false;
    loop {
        match writer(index) {
            Ok(writer) => return Some(writer),
            Err(error) if !said => {
                tracing::warn!(%error, "the search indexer waits for the index writer");
                said = true;
            }
            Err(_) => {}
        }
        if stop.load(Ordering::Acquire) {
            return None;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn commit(
    writer: &mut IndexWriter<TantivyDocument>,
    index: &SearchIndex,
    seq: EventSeq,
) -> Result<(), SearchError> {
    let payload = serde_json::to_string(&Payload {
        schema: SCHEMA_VERSION,
        seq,
    })
    .unwrap_or_default();
    let mut prepared = writer.prepare_commit()?;
    prepared.set_payload(&payload);
    prepared.commit()?;
    index.reader.reload()?;
    Ok(())
}

fn apply(
    writer: &IndexWriter<TantivyDocument>,
    index: &SearchIndex,
    feed: &dyn Feed,
    page: PageId,
    durable: EventSeq,
) -> Result<(), SearchError> {
    match feed.document(page, durable).map_err(SearchError::Feed)? {
        DocState::Index(doc) => {
            writer.delete_term(index.fields.page_term(page));
            writer.add_document(index.fields.document(&doc))?;
        }
        DocState::Absent => {
            writer.delete_term(index.fields.page_term(page));
        }
        DocState::NotYetDurable => {}
    }
    Ok(())
}

/// Builds the index from every page, replacing what it held. `progress` is
/// told (done, total) as it goes. Returns how many pages were looked at.
pub fn rebuild(
    index: &SearchIndex,
    feed: &dyn Feed,
    progress: &dyn Fn(usize, usize),
) -> Result<usize, SearchError> {
    let mut writer = writer(index)?;
    writer.delete_all_documents()?;
    // Events after this one are replayed by the indexer afterwards.
    let durable = feed.durable_seq();
    let pages = feed.all_pages().map_err(SearchError::Feed)?;
    for (done, page) in pages.iter().enumerate() {
        apply(&writer, index, feed, *page, durable)?;
        if done % 256 == 0 {
            progress(done, pages.len());
        }
    }
    progress(pages.len(), pages.len());
    commit(&mut writer, index, durable)?;
    writer.wait_merging_threads()?;
    Ok(pages.len())
}

impl Indexer {
    /// Starts the indexer thread: a full build first if the index asks for
    /// it, then tailing the event log.
    pub fn spawn(
        index: &SearchIndex,
        resume: Resume,
        feed: Box<dyn Feed>,
    ) -> Result<Indexer, SearchError> {
        let stop = Arc::new(AtomicBool::new(false));
        let indexed = Arc::new(AtomicU64::new(0));
        let (index, published) = (index.clone(), indexed.clone());
        let stopping = stop.clone();
        let thread = std::thread::Builder::new()
            .name("ostrom-indexer".to_owned())
            .spawn(move || {
                // Build first (in the background: the server answers meanwhile).
                let start = match resume {
                    Resume::After(seq) => seq,
                    Resume::Rebuild => {
                        let started = Instant::now();
                        match rebuild(&index, feed.as_ref(), &|_, _| {}) {
                            Ok(pages) => tracing::info!(
                                pages,
                                seconds = started.elapsed().as_secs_f64(),
                                "search index built"
                            ),
                            Err(error) => {
                                tracing::error!(%error, "building the search index failed")
                            }
                        }
                        index.committed_seq().ok().flatten().unwrap_or(0)
                    }
                };
                published.store(start, Ordering::Release);
                let Some(writer) = writer_when_free(&index, &stopping) else {
                    return;
                };
                let mut worker = Worker {
                    index,
                    writer: Some(writer),
                    feed,
                    committed: start,
                    indexed: published,
                };
                worker.run(&stopping);
            })
            .map_err(|error| SearchError::Feed(format!("could not start the indexer: {error}")))?;
        Ok(Indexer {
            stop,
            indexed,
            thread: Mutex::new(Some(thread)),
        })
    }

    /// The last event whose effects are searchable.
    pub fn indexed_seq(&self) -> EventSeq {
        self.indexed.load(Ordering::Acquire)
    }

    /// Commits what is pending and stops the thread. Idempotent.
    pub fn stop(&self) {
        self.stop.store(true, Ordering::Release);
        let handle = match self.thread.lock() {
            Ok(mut slot) => slot.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        };
        if let Some(handle) = handle {
            let _ = handle.join();
        }
    }
}

impl Drop for Indexer {
    fn drop(&mut self) {
        self.stop();
    }
}

struct Worker {
    index: SearchIndex,
    /// `Option` so that stopping can consume it (`wait_merging_threads`).
    writer: Option<IndexWriter<TantivyDocument>>,
    feed: Box<dyn Feed>,
    committed: EventSeq,
    indexed: Arc<AtomicU64>,
}

impl Worker {
    fn run(&mut self, stop: &AtomicBool) {
        let mut pending = self.committed;
        let mut last_commit = Instant::now();
        loop {
            let stopping = stop.load(Ordering::Acquire);
            let durable = self.feed.durable_seq();
            let mut outcome = Ok(());
            if durable > pending {
                outcome = self
                    .index_round(pending, durable)
                    .map(|last| pending = last);
            }
            let dirty = pending > self.committed;
            let behind = pending < self.feed.durable_seq();
            let due = if behind {
                COMMIT_EVERY_UNDER_LOAD
            } else {
                COMMIT_EVERY
            };
            if outcome.is_ok() && dirty && (stopping || last_commit.elapsed() >= due) {
                outcome = self.commit(pending);
                last_commit = Instant::now();
            }
            if let Err(error) = outcome {
                // The writer may be dead (a disk error): start over from
                // the last commit with a new one, after a pause.
                tracing::error!(%error, "indexing failed; retrying from the last commit");
                pending = self.committed;
                drop(self.writer.take());
                if stopping {
                    break;
                }
                std::thread::sleep(Duration::from_secs(1));
                self.writer = writer(&self.index)
                    .inspect_err(|error| tracing::error!(%error, "no index writer"))
                    .ok();
                continue;
            }
            if stopping {
                break;
            }
            if pending >= self.feed.durable_seq() {
                std::thread::sleep(POLL_EVERY);
            }
        }
        if let Some(writer) = self.writer.take()
            && let Err(error) = writer.wait_merging_threads()
        {
            tracing::warn!(%error, "waiting for index merges failed");
        }
    }

    fn commit(&mut self, seq: EventSeq) -> Result<(), SearchError> {
        let writer = self
            .writer
            .as_mut()
            .ok_or_else(|| SearchError::Feed("no index writer".to_owned()))?;
        commit(writer, &self.index, seq)?;
        self.committed = seq;
        self.indexed.store(seq, Ordering::Release);
        Ok(())
    }

    /// Indexes the pages of the next durable events; returns the last read.
    fn index_round(&mut self, after: EventSeq, durable: EventSeq) -> Result<EventSeq, SearchError> {
        let (pages, last) = self
            .feed
            .pages_changed_after(after, EVENTS_PER_ROUND)
            .map_err(SearchError::Feed)?;
        let writer = self
            .writer
            .as_ref()
            .ok_or_else(|| SearchError::Feed("no index writer".to_owned()))?;
        for page in pages {
            apply(writer, &self.index, self.feed.as_ref(), page, durable)?;
        }
        Ok(last.max(after))
    }
}
