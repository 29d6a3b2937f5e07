//! The store: the only module that touches sled, and the single source of truth.
//!
//! It owns the trees, the key encoding, the records' serialisation, the
//! append-only event log and the storage format version. Reads go straight to
//! sled; every write is a closure run by the one writer thread inside a
//! multi-tree transaction that also appends its event, and is acknowledged
//! only once `flush()` has returned for its batch (group commit, see
//! [`writer`]). Methods speak wiki words (`append_revision`, `move_page`);
//! keys and codecs stay private.

mod accounts;
mod admin;
mod disputes;
mod line;
mod links;
mod members;
mod pages;
mod proposals;
pub mod records;
mod reviews;
mod sanctions;
mod spaces;
mod text;
mod tx;
mod watch;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

pub use accounts::{Administrator, ApiToken, NewUser};
pub use admin::Takedown;
pub use disputes::NewDispute;
pub use links::is_live;
pub use pages::{Expected, LogEntry, NewRevision, PageMove};
pub use proposals::{Closing, Effect, NewProposal};
pub use records::*;
pub use reviews::{Publication, Review, Reviewed, Verdict};
pub use sanctions::{NewReport, NewSanction, SanctionsSeen};
pub use spaces::{MembershipChange, NewSpace, Requires};
pub use text::PreparedText;

use crate::model::{Clock, EventKind, EventSeq, RevisionKind, RevisionState, SpaceSlug, Timestamp};
use tx::{TreeId, Tx};
use writer::Writer;

/// The on-disk format this build reads and writes. Bump it with a migration.
pub const FORMAT_VERSION: u32 = 4;
const FORMAT_KEY: &[u8] = b"format_version";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("could not open the store at {path} (is another ostrom using this data folder?)")]
    Open { path: PathBuf, source: sled::Error },
    #[error(
        "the store at {path} has format version {found}, but this build of ostrom reads version {FORMAT_VERSION} only"
    )]
    UnknownFormat { path: PathBuf, found: String },
    #[error("storage error: {0}")]
    Sled(#[from] sled::Error),
    #[error("a record in {tree} could not be read: {detail}")]
    Corrupt { tree: &'static str, detail: String },
    #[error("the store is shut down")]
    Closed,
    #[error("writing to disk failed: {0}")]
    Flush(String),
    // Outcomes of conditional writes, checked inside the transaction.
    #[error("that username is taken")]
    UsernameTaken,
    #[error("that username looks like {0}'s")]
    UsernameLookalike(String),
    #[error("a token of that name exists")]
    TokenNameTaken,
    #[error("the page changed since it was read")]
    HeadMoved,
    #[error("a page exists at the destination")]
    PageExists,
    #[error("a space of that name exists")]
    SpaceExists,
    #[error("the revision is not pending review")]
    NotPending,
    #[error("this review publishes the revision, and needs its publication")]
    NeedsPublication,
    #[error("the proposal is closed")]
    ProposalClosed,
    #[error("this sanction has been appealed already")]
    AlreadyAppealed,
    #[error("the page has an open dispute already")]
    AlreadyDisputed,
    #[error("the actor was sanctioned since the action was decided")]
    SanctionedMeanwhile,
    #[error("no such record")]
    NotFound,
}

/// Counters for `/metrics` and the benchmarks.
#[derive(Debug, Default)]
pub struct StoreStats {
    pub writes: AtomicU64,
    pub batches: AtomicU64,
    pub flushes: AtomicU64,
}

/// Cheap to clone; all clones share one sled `Db` and one writer thread.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    trees: Arc<Trees>,
    writer: Writer,
    /// What records are stamped with (the application's clock).
    clock: Clock,
}

/// The sled database and its trees, shared with the writer thread.
pub(crate) struct Trees {
    db: sled::Db,
    trees: Vec<sled::Tree>,
    stats: StoreStats,
    /// The newest event sequence known to be flushed to disk.
    durable_seq: AtomicU64,
    /// Bumped by the writer after each batch lands, before anyone hears of
    /// it (see [`Store::generation`]).
    generation: AtomicU64,
}

impl Trees {
    fn tree(&self, id: TreeId) -> &sled::Tree {
        &self.trees[id as usize]
    }
}

impl Store {
    /// Opens (creating if needed) the store in `dir`, on the system clock.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        Self::open_on(dir, Clock::system())
    }

    /// Opens the store in `dir`, stamping records with `clock`.
    pub fn open_on(dir: &Path, clock: Clock) -> Result<Self, StoreError> {
        let config = sled::Config::new()
            .path(dir)
            .cache_capacity(128 * 1024 * 1024)
            // sled's own background fsync; acknowledgements rely on our flush().
            .flush_every_ms(Some(500));
        Self::from_config(config, dir, clock)
    }

    /// A real store in a temporary folder, deleted when dropped (for tests).
    pub fn temporary() -> Result<Self, StoreError> {
        let config = sled::Config::new().temporary(true);
        Self::from_config(config, Path::new("(temporary)"), Clock::system())
    }

    fn from_config(config: sled::Config, dir: &Path, clock: Clock) -> Result<Self, StoreError> {
        let db = open_waiting_for_lock(&config).map_err(|source| StoreError::Open {
            path: dir.to_owned(),
            source,
        })?;
        let trees = TreeId::ALL
            .iter()
            .map(|id| db.open_tree(id.name()))
            .collect::<Result<Vec<_>, _>>()?;
        let trees = Arc::new(Trees {
            db,
            trees,
            stats: StoreStats::default(),
            durable_seq: AtomicU64::new(0),
            generation: AtomicU64::new(0),
        });
        check_or_initialise_format(&trees, dir, clock.now())?;
        trees
            .durable_seq
            .store(tx::last_event_seq(&trees)?, Ordering::Release);
        let writer = Writer::start(Arc::clone(&trees))?;
        Ok(Self {
            inner: Arc::new(Inner {
                trees,
                writer,
                clock,
            }),
        })
    }

    /// The time now, on the application's clock.
    pub fn now(&self) -> Timestamp {
        self.inner.clock.now()
    }

    fn trees(&self) -> &Trees {
        &self.inner.trees
    }

    pub fn stats(&self) -> &StoreStats {
        &self.inner.trees.stats
    }

    /// The newest event whose transaction is on disk. Derived state (the search
    /// index) must never get ahead of it.
    pub fn durable_seq(&self) -> EventSeq {
        self.trees().durable_seq.load(Ordering::Acquire)
    }

    /// A number that moves whenever a write lands. Something read from the
    /// store between two equal readings of it saw no write land meanwhile,
    /// and stays true until the number moves (a memo of reads).
    pub fn generation(&self) -> u64 {
        self.trees().generation.load(Ordering::Acquire)
    }

    /// Stops the writer after the writes already queued, and flushes.
    pub fn shutdown(&self) -> Result<(), StoreError> {
        self.inner.writer.shutdown();
        self.trees().db.flush()?;
        Ok(())
    }

    /// Runs `apply` on the writer thread inside a transaction; resolves once
    /// it is flushed to disk. `weight` is the bytes it carries (to size batches).
    /// `apply` must refuse (return `Err`) before it writes anything, so a
    /// refused write leaves the rest of its batch untouched.
    async fn write<T, F>(&self, weight: usize, apply: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: Fn(&Tx<'_>) -> Result<T, tx::Abort> + Send + 'static,
    {
        self.inner.writer.submit(weight, apply).await
    }

    fn get<R: serde::de::DeserializeOwned>(
        &self,
        tree: TreeId,
        key: &[u8],
    ) -> Result<Option<R>, StoreError> {
        match self.trees().tree(tree).get(key)? {
            Some(bytes) => tx::decode(tree, &bytes).map(Some),
            None => Ok(None),
        }
    }

    pub fn space(&self, slug: &SpaceSlug) -> Result<Option<Space>, StoreError> {
        self.get(TreeId::Spaces, slug.as_str().as_bytes())
    }

    pub fn spaces(&self) -> Result<Vec<Space>, StoreError> {
        self.trees()
            .tree(TreeId::Spaces)
            .iter()
            .map(|item| {
                let (_, value) = item?;
                tx::decode(TreeId::Spaces, &value)
            })
            .collect()
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.writer.shutdown();
        if let Err(error) = self.trees.db.flush() {
            tracing::error!(%error, "final flush of the store failed");
        }
    }
}

/// Opens the database, waiting a little if another process (or a store just
/// dropped in this one) still holds its lock: sled releases it once its
/// background threads have stopped, which a quick restart can beat.
fn open_waiting_for_lock(config: &sled::Config) -> Result<sled::Db, sled::Error> {
    const ATTEMPTS: u32 = 120;
    let mut attempt = 0;
    loop {
        match config.open() {
            Err(sled::Error::Io(error))
                if error.to_string().contains("could not acquire lock") && attempt < ATTEMPTS =>
            {
                attempt += 1;
                std::thread::sleep(std::time::Duration::from_millis(25));
            }
            other => return other,
        }
    }
}

fn check_or_initialise_format(trees: &Trees, dir: &Path, now: Timestamp) -> Result<(), StoreError> {
    let meta = trees.tree(TreeId::Meta);
    match meta.get(FORMAT_KEY)? {
        Some(found) if found.as_ref() == FORMAT_VERSION.to_be_bytes() => Ok(()),
        Some(found) if found.as_ref() == 1u32.to_be_bytes() => upgrade(trees, 1),
        Some(found) if found.as_ref() == 2u32.to_be_bytes() => upgrade(trees, 2),
        Some(found) if found.as_ref() == 3u32.to_be_bytes() => upgrade(trees, 3),
        Some(found) => Err(StoreError::UnknownFormat {
            path: dir.to_owned(),
            found: match <[u8; 4]>::try_from(found.as_ref()) {
                Ok(bytes) => u32::from_be_bytes(bytes).to_string(),
                Err(_) => format!("{:?} (unreadable)", found.as_ref()),
            },
        }),
        None if trees.trees.iter().all(|t| t.is_empty()) => initialise(trees, now),
        None => Err(StoreError::UnknownFormat {
            path: dir.to_owned(),
            found: "(none)".to_owned(),
        }),
    }
}

/// Brings an older store to this version, one step at a time. Each step
/// builds an index from records already there, then writes its version,
/// flushing in between: interrupted, a step is simply done again (its index
/// keys are idempotent).
fn upgrade(trees: &Trees, from: u32) -> Result<(), StoreError> {
    if from < 2 {
        index_space_events(trees)?;
        set_version(trees, 2)?;
    }
    if from < 3 {
        index_revisions(trees)?;
        set_version(trees, 3)?;
    }
    if from < 4 {
        index_accounts(trees)?;
        set_version(trees, 4)?;
    }
    Ok(())
}

fn set_version(trees: &Trees, version: u32) -> Result<(), StoreError> {
    trees.db.flush()?;
    trees
        .tree(TreeId::Meta)
        .insert(FORMAT_KEY, &version.to_be_bytes())?;
    trees.db.flush()?;
    Ok(())
}

/// Version 2 indexes each space's events (its changes and governance log).
fn index_space_events(trees: &Trees) -> Result<(), StoreError> {
    let index = trees.tree(TreeId::SpaceEvents);
    for item in trees.tree(TreeId::Events).iter() {
        let (key, value) = item?;
        let event: Event = tx::decode(TreeId::Events, &value)?;
        if let Some(space) = &event.space {
            index.insert(tx::joined_key(space, &key), &[])?;
        }
    }
    Ok(())
}

/// Version 3 records who wrote each page's published revisions (so search
/// need not read a page's history to index it) and how many revisions
/// refer to each text (so a takedown can delete a text with its last).
fn index_revisions(trees: &Trees) -> Result<(), StoreError> {
    let authors = trees.tree(TreeId::PageAuthors);
    let mut refs = text::RefCounter::default();
    for item in trees.tree(TreeId::Revisions).iter() {
        let (_, value) = item?;
        let revision: Revision = tx::decode(TreeId::Revisions, &value)?;
        refs.add(&revision.text)?;
        if revision.state == RevisionState::Published && revision.kind != RevisionKind::Move {
            authors.insert(tx::pair_key(revision.page, revision.author), &[])?;
        }
    }
    refs.write(trees)
}

/// Version 4 indexes usernames by look (their confusable skeleton; of two
/// look-alikes already there, the older keeps the entry) and notes whether
/// the instance has an administrator.
fn index_accounts(trees: &Trees) -> Result<(), StoreError> {
    let skeletons = trees.tree(TreeId::UsernameSkeletons);
    for item in trees.tree(TreeId::Users).iter() {
        let (key, value) = item?;
        let user: User = tx::decode(TreeId::Users, &value)?;
        if let Ok(name) = crate::model::Username::parse(&user.username) {
            let skeleton = name.skeleton();
            if !skeletons.contains_key(skeleton.as_bytes())? {
                skeletons.insert(skeleton.as_bytes(), key.as_ref())?;
            }
        }
        if user.is_admin {
            trees
                .tree(TreeId::Meta)
                .insert(accounts::HAS_ADMINISTRATOR, &[1])?;
        }
    }
    Ok(())
}

/// A fresh store: the format version and the `main` space, in one transaction.
fn initialise(trees: &Trees, now: Timestamp) -> Result<(), StoreError> {
    tx::run(trees, |tx| {
        tx.put_raw(TreeId::Meta, FORMAT_KEY, &FORMAT_VERSION.to_be_bytes())?;
        let space = Space {
            slug: SpaceSlug::main().to_string(),
            title: "Main".to_owned(),
            parent: None,
            charter: serde_json::json!({}),
            created_at: now,
            created_by: None,
            children: 0,
        };
        tx.put(TreeId::Spaces, space.slug.as_bytes(), &space)?;
        tx.append_event(
            Event::new(EventKind::SpaceCreate, now)
                .in_space(space.slug.clone())
                .saying("instance created".to_owned())
                .targeting(format!("space:{}", space.slug)),
        )?;
        Ok(())
    })?;
    trees.db.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(tree: TreeId, key: &'static [u8]) -> impl Fn(&Tx<'_>) -> Result<(), tx::Abort> {
        move |tx| tx.put_raw(tree, key, b"v")
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_write_failing_half_way_does_not_take_its_batch_down() {
        let store = Store::temporary().unwrap();
        // Queue several writes at once so they share a batch.
        let good_before = store.write(0, put(TreeId::Meta, b"before"));
        let half_way = store.write(0, |tx: &Tx<'_>| -> Result<(), tx::Abort> {
            tx.put_raw(TreeId::Meta, b"half", b"v")?;
            Err(StoreError::NotFound.into())
        });
        let refused = store.write(0, |_: &Tx<'_>| -> Result<(), tx::Abort> {
            Err(StoreError::HeadMoved.into())
        });
        let good_after = store.write(0, put(TreeId::Meta, b"after"));
        let (a, b, c, d) = tokio::join!(good_before, half_way, refused, good_after);
        assert!(a.is_ok() && d.is_ok());
        assert!(matches!(b, Err(StoreError::NotFound)));
        assert!(matches!(c, Err(StoreError::HeadMoved)));
        let meta = store.trees().tree(TreeId::Meta);
        assert!(meta.get(b"before").unwrap().is_some());
        assert!(meta.get(b"after").unwrap().is_some());
        assert!(
            meta.get(b"half").unwrap().is_none(),
            "a half-done write must roll back"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn writes_in_one_batch_see_each_other() {
        let store = Store::temporary().unwrap();
        let first = store.write(0, put(TreeId::Meta, b"k"));
        let second = store.write(0, |tx: &Tx<'_>| -> Result<bool, tx::Abort> {
            Ok(tx.get_raw(TreeId::Meta, b"k")?.is_some())
        });
        let (first, second) = tokio::join!(first, second);
        first.unwrap();
        assert!(second.unwrap(), "the second write runs after the first");
        assert!(store.stats().flushes.load(Ordering::Relaxed) >= 1);
    }

    #[test]
    fn a_version_1_store_gets_its_space_index() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Store::open(dir.path()).unwrap();
            let trees = store.trees();
            // What version 1 had: the log without the per-space index.
            trees.tree(TreeId::SpaceEvents).clear().unwrap();
            trees
                .tree(TreeId::Meta)
                .insert(FORMAT_KEY, &1u32.to_be_bytes())
                .unwrap();
            store.shutdown().unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        let main = SpaceSlug::main();
        let events: Vec<Event> = store
            .space_events(&main, None)
            .map(Result::unwrap)
            .collect();
        assert_eq!(events.len(), 1, "main's creation is indexed again");
        assert_eq!(events[0].kind, EventKind::SpaceCreate);
        let version = store
            .trees()
            .tree(TreeId::Meta)
            .get(FORMAT_KEY)
            .unwrap()
            .unwrap();
        assert_eq!(version.as_ref(), FORMAT_VERSION.to_be_bytes());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_version_2_store_gets_its_revision_indexes() {
        let dir = tempfile::tempdir().unwrap();
        let page = {
            let store = Store::open(dir.path()).unwrap();
            let mut new =
                NewRevision::published("Accueil", Expected::Absent, 7, "Bienvenue.\n").unwrap();
            let (page, first) = store.append_revision(new.clone()).await.unwrap();
            // A pending revision's author is not (yet) an author of the page.
            new.expected = Expected::Head(first.id);
            new.author = 9;
            new.state = RevisionState::Pending;
            new.text = PreparedText::new("Bienvenue à tous.\n");
            store.append_revision(new).await.unwrap();
            assert_eq!(store.page_authors(page.id).unwrap(), vec![7]);
            // What version 2 had: no authors, no text references.
            let trees = store.trees();
            trees.tree(TreeId::PageAuthors).clear().unwrap();
            trees.tree(TreeId::TextRefs).clear().unwrap();
            trees
                .tree(TreeId::Meta)
                .insert(FORMAT_KEY, &2u32.to_be_bytes())
                .unwrap();
            store.shutdown().unwrap();
            page
        };
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.page_authors(page.id).unwrap(), vec![7]);
        for text in ["Bienvenue.\n", "Bienvenue à tous.\n"] {
            let hash = hex::decode(PreparedText::new(text).hash_hex()).unwrap();
            let refs = store.trees().tree(TreeId::TextRefs).get(hash).unwrap();
            assert_eq!(refs.as_deref(), Some(&1u64.to_be_bytes()[..]), "{text}");
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_version_3_store_gets_its_account_indexes() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Store::open(dir.path()).unwrap();
            for (name, administrator) in [("paul", Administrator::Yes), ("anne", Administrator::No)]
            {
                let new = NewUser {
                    username: crate::model::Username::parse(name).unwrap(),
                    password_hash: String::new(),
                    email: None,
                    administrator,
                };
                store.create_user(new).await.unwrap();
            }
            // What version 3 had: neither index.
            let trees = store.trees();
            trees.tree(TreeId::UsernameSkeletons).clear().unwrap();
            trees
                .tree(TreeId::Meta)
                .remove(accounts::HAS_ADMINISTRATOR)
                .unwrap();
            trees
                .tree(TreeId::Meta)
                .insert(FORMAT_KEY, &3u32.to_be_bytes())
                .unwrap();
            store.shutdown().unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        assert!(store.has_administrator().unwrap());
        let lookalike = NewUser {
            username: crate::model::Username::parse("p\u{0430}ul").unwrap(),
            password_hash: String::new(),
            email: None,
            administrator: Administrator::IfNone,
        };
        match store.create_user(lookalike).await {
            Err(StoreError::UsernameLookalike(owner)) => assert_eq!(owner, "paul"),
            other => panic!("expected a look-alike refusal, got {other:?}"),
        }
    }
}
