//! Pages, revisions and the event log: the wiki's content.
//!
//! A page is keyed by (space, slug) and has a stable id; its revisions are
//! immutable and indexed by (page id, revision id), so history survives moves.
//! Writes are conditional on the head the caller read (`Expected`): if the
//! page moved on meanwhile the write is refused with `HeadMoved` and the
//! caller merges again. Nothing is ever overwritten silently.

use super::line;
use super::links;
use super::members;
use super::records::{Event, Link, Page, PageEntry, Revision};
use super::sanctions::{self, SanctionsSeen};
use super::text::{self, PreparedText};
use super::tx::{self, Abort, TreeId, Tx, joined_key, pair_key};
use super::{Store, StoreError};
use crate::model::{
    EventKind, EventSeq, PageId, PageSlug, RevisionId, RevisionKind, RevisionState, SpaceSlug,
    Timestamp, UserId,
};

/// The published line the caller's write was computed against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// No published revision at this slug (no page, a redirect left by a
    /// move, or a page with pending revisions only).
    Absent,
    /// A page whose published revision is this one.
    Head(RevisionId),
}

/// A revision about to be appended to a page (created if `expected` is `Absent`).
#[derive(Debug, Clone)]
pub struct NewRevision {
    pub space: SpaceSlug,
    pub slug: PageSlug,
    /// The page's title once this revision is published (from its front
    /// matter, else from the slug).
    pub title: String,
    /// The pages the text links to, for the link graph.
    pub links: Vec<Link>,
    pub expected: Expected,
    pub author: UserId,
    pub summary: String,
    pub kind: RevisionKind,
    pub state: RevisionState,
    pub text: PreparedText,
    pub deleted: bool,
    pub reverted_to: Option<RevisionId>,
    pub base: Option<RevisionId>,
    /// The author is not a member yet, and joins (as a newcomer) by this
    /// contribution to an open space.
    pub join_author: bool,
    /// The page's open dispute when the engine decided. A dispute opened
    /// or resolved since may change the decision (the lock), so the write
    /// is then refused with `HeadMoved` and decided again.
    pub open_dispute: Option<u64>,
    /// The author's sanctions when the engine decided.
    pub sanctions_seen: SanctionsSeen,
}

/// A governance action's entry in its space's log.
#[derive(Debug, Clone)]
pub struct LogEntry {
    pub space: SpaceSlug,
    pub kind: EventKind,
    pub actor: UserId,
    /// The member the action is about.
    pub subject: Option<UserId>,
    pub target: String,
    pub reason: String,
    pub detail: serde_json::Value,
}

/// A page changing slug. The old slug keeps a redirect to the new one.
#[derive(Debug, Clone)]
pub struct PageMove {
    pub space: SpaceSlug,
    pub from: PageSlug,
    pub to: PageSlug,
    pub expected_head: RevisionId,
    pub actor: UserId,
    pub summary: String,
    /// The page's title at its new slug.
    pub title: String,
    /// As in `NewRevision`: the page's open dispute when the move was decided.
    pub open_dispute: Option<u64>,
    /// The mover's sanctions when the move was decided.
    pub sanctions_seen: SanctionsSeen,
}

impl Store {
    pub async fn append_revision(&self, new: NewRevision) -> Result<(Page, Revision), StoreError> {
        let now = self.now();
        let weight = new.text.stored_bytes();
        self.write(weight, move |tx| append(tx, &new, now)).await
    }

    /// Appends revisions to several pages as one action (a mass rollback):
    /// all of them and the governance entry `log`, or none.
    pub async fn append_revisions(
        &self,
        revisions: Vec<NewRevision>,
        log: LogEntry,
    ) -> Result<Vec<(Page, Revision)>, StoreError> {
        let now = self.now();
        let weight = revisions.iter().map(|r| r.text.stored_bytes()).sum();
        self.write(weight, move |tx| {
            let written = revisions
                .iter()
                .map(|new| append(tx, new, now))
                .collect::<Result<Vec<_>, _>>()?;
            tx.append_event(
                super::records::entry(
                    log.space.as_str(),
                    log.kind,
                    Some(log.actor),
                    log.target.clone(),
                    &log.reason,
                    now,
                )
                .with_detail(log.detail.clone())
                .about(log.subject),
            )?;
            Ok(written)
        })
        .await
    }

    pub async fn move_page(&self, request: PageMove) -> Result<(Page, Revision), StoreError> {
        let now = self.now();
        self.write(0, move |tx| move_page(tx, &request, now)).await
    }

    pub fn page_entry(
        &self,
        space: &SpaceSlug,
        slug: &PageSlug,
    ) -> Result<Option<PageEntry>, StoreError> {
        self.get(
            TreeId::Pages,
            &line::page_key(space.as_str(), slug.as_str()),
        )
    }

    pub fn revision(&self, id: RevisionId) -> Result<Option<Revision>, StoreError> {
        self.get(TreeId::Revisions, &id.to_be_bytes())
    }

    pub fn text(&self, revision: &Revision) -> Result<String, StoreError> {
        text::read(self.trees(), &revision.text)
    }

    /// Up to `limit` revisions of a page older than `before` that `keep`
    /// accepts, newest first.
    pub fn page_history(
        &self,
        page: PageId,
        before: Option<RevisionId>,
        limit: usize,
        keep: impl Fn(&Revision) -> bool,
    ) -> Result<Vec<Revision>, StoreError> {
        let start = pair_key(page, 0);
        let end = pair_key(page, before.unwrap_or(u64::MAX));
        let mut revisions = Vec::with_capacity(limit.min(64));
        for item in self
            .trees()
            .tree(TreeId::PageRevisions)
            .range(start..end)
            .rev()
        {
            if revisions.len() == limit {
                break;
            }
            let (key, _) = item?;
            let id = tx::seq_from_key(&key[8..]);
            match self.revision(id)? {
                Some(revision) if keep(&revision) => revisions.push(revision),
                Some(_) => {}
                None => {
                    return Err(StoreError::Corrupt {
                        tree: TreeId::Revisions.name(),
                        detail: format!("revision {id} is indexed but missing"),
                    });
                }
            }
        }
        Ok(revisions)
    }

    /// Pages of `space` after the slug `after`, in slug order, that `keep`
    /// accepts, up to `limit`. Redirects are skipped.
    pub fn pages(
        &self,
        space: &SpaceSlug,
        after: Option<&str>,
        limit: usize,
        keep: impl Fn(&Page) -> bool,
    ) -> Result<Vec<Page>, StoreError> {
        let prefix = joined_key(space.as_str(), b"");
        let start = match after {
            // The smallest key greater than `after`'s.
            Some(slug) => {
                let mut key = line::page_key(space.as_str(), slug);
                key.push(0);
                key
            }
            None => prefix.clone(),
        };
        let mut pages = Vec::new();
        for item in self.trees().tree(TreeId::Pages).range(start..) {
            let (key, value) = item?;
            if !key.starts_with(&prefix) || pages.len() == limit {
                break;
            }
            if let PageEntry::Page(page) = tx::decode(TreeId::Pages, &value)?
                && keep(&page)
            {
                pages.push(page);
            }
        }
        Ok(pages)
    }

    /// The event log from oldest to newest, starting after `after`.
    pub fn events_after(
        &self,
        after: EventSeq,
    ) -> impl Iterator<Item = Result<Event, StoreError>> + use<> {
        let start = after.saturating_add(1).to_be_bytes();
        self.trees()
            .tree(TreeId::Events)
            .range(start..)
            .map(|item| {
                let (_, value) = item?;
                tx::decode(TreeId::Events, &value)
            })
    }

    /// The ids of every page, live or not, in id order.
    pub fn page_ids(&self) -> Result<Vec<PageId>, StoreError> {
        self.trees()
            .tree(TreeId::PageIds)
            .iter()
            .keys()
            .map(|key| Ok(tx::seq_from_key(&key?)))
            .collect()
    }

    /// The event log from newest to oldest, starting below `before`.
    pub fn events_before(
        &self,
        before: Option<EventSeq>,
    ) -> impl Iterator<Item = Result<Event, StoreError>> + use<> {
        let end = before.unwrap_or(u64::MAX).to_be_bytes();
        self.trees()
            .tree(TreeId::Events)
            .range(..end)
            .rev()
            .map(|item| {
                let (_, value) = item?;
                tx::decode(TreeId::Events, &value)
            })
    }
}

pub(super) fn append(
    tx: &Tx<'_>,
    new: &NewRevision,
    now: Timestamp,
) -> Result<(Page, Revision), Abort> {
    let key = line::page_key(new.space.as_str(), new.slug.as_str());
    let existing = match tx.get::<PageEntry>(TreeId::Pages, &key)? {
        Some(PageEntry::Page(page)) => Some(page),
        _ => None,
    };
    // The published line: what readers see, and what edits build on.
    let line = existing.as_ref().and_then(|page| page.published);
    let published = new.state == RevisionState::Published;
    // A pending revision waits beside the line, whatever it does meanwhile;
    // a published one must extend the line the author's edit was planned on.
    if published && new.expected != Expected::at(line) {
        return Err(StoreError::HeadMoved.into());
    }
    if let Some(page) = &existing {
        check_dispute(tx, page.id, new.open_dispute)?;
    }
    sanctions::check_seen(tx, new.author, new.sanctions_seen)?;
    let revision_id = tx.next_id("revision")?;
    let created = existing.is_none();
    let mut page = match existing {
        Some(page) => page,
        None => Page {
            id: tx.next_id("page")?,
            space: new.space.to_string(),
            slug: new.slug.to_string(),
            title: new.title.clone(),
            head: revision_id,
            published: None,
            deleted: false,
            created_at: now,
            updated_at: now,
            seq: 0,
        },
    };
    let known_text = new.text.store(tx)?;
    if new.join_author {
        members::join_by_contributing(tx, new.space.as_str(), new.author, now)?;
    }
    let revision = Revision {
        id: revision_id,
        page: page.id,
        parent: line,
        author: new.author,
        created_at: now,
        summary: new.summary.clone(),
        state: new.state,
        kind: new.kind,
        bytes: new.text.len(),
        text: new.text.hash_hex(),
        deleted: new.deleted,
        reverted_to: new.reverted_to,
        base: new.base,
        slug: page.slug.clone(),
        approvals: Vec::new(),
        published_as: None,
        known_text,
    };
    page.head = revision_id;
    if published {
        page.published = Some(revision_id);
        page.deleted = revision.deleted;
        page.updated_at = now;
        page.title = new.title.clone();
        links::replace_outgoing(tx, &page, &new.links)?;
        members::count_accepted_edit(tx, &page.space, new.author)?;
        line::note_author(tx, page.id, new.author)?;
    } else {
        line::enqueue(tx, &page.space, revision_id)?;
    }
    if created {
        links::locate(tx, &page)?;
    }
    line::put_revision(tx, &page, &revision)?;
    page.seq = tx.append_event(
        Event::new(EventKind::of_revision(revision.kind), now)
            .in_space(page.space.clone())
            .at_slug(page.slug.clone())
            .of_page(page.id)
            .of_revision(revision.id)
            .by(Some(revision.author))
            .saying(revision.summary.clone())
            .targeting(format!("page:{}", page.slug)),
    )?;
    tx.put(TreeId::Pages, &key, &PageEntry::Page(page.clone()))?;
    Ok((page, revision))
}

impl Store {
    /// Who wrote the page's published revisions, in user-id order.
    pub fn page_authors(&self, page: PageId) -> Result<Vec<UserId>, StoreError> {
        let prefix = page.to_be_bytes();
        self.trees()
            .tree(TreeId::PageAuthors)
            .scan_prefix(prefix)
            .keys()
            .map(|key| Ok(tx::seq_from_key(&key?[prefix.len()..])))
            .collect()
    }
}

impl Expected {
    /// What a write expecting the line to end at `line` expects.
    pub fn at(line: Option<RevisionId>) -> Expected {
        line.map_or(Expected::Absent, Expected::Head)
    }
}

/// Refuses a write decided under another dispute state than the page's now.
fn check_dispute(tx: &Tx<'_>, page: PageId, seen: Option<u64>) -> Result<(), Abort> {
    if tx.get::<u64>(TreeId::PageDisputes, &page.to_be_bytes())? != seen {
        return Err(StoreError::HeadMoved.into());
    }
    Ok(())
}

fn move_page(tx: &Tx<'_>, request: &PageMove, now: Timestamp) -> Result<(Page, Revision), Abort> {
    let space = request.space.as_str();
    let from_key = line::page_key(space, request.from.as_str());
    let to_key = line::page_key(space, request.to.as_str());
    let mut page = match tx.get::<PageEntry>(TreeId::Pages, &from_key)? {
        Some(PageEntry::Page(page)) if page.published == Some(request.expected_head) => page,
        _ => return Err(StoreError::HeadMoved.into()),
    };
    check_dispute(tx, page.id, request.open_dispute)?;
    sanctions::check_seen(tx, request.actor, request.sanctions_seen)?;
    if let Some(PageEntry::Page(_)) = tx.get::<PageEntry>(TreeId::Pages, &to_key)? {
        return Err(StoreError::PageExists.into());
    }
    // The move carries the text readers see, so a pending edit stays pending.
    let shown = page.published.unwrap_or(page.head);
    let Some(shown) = tx.get::<Revision>(TreeId::Revisions, &shown.to_be_bytes())? else {
        return Err(StoreError::NotFound.into());
    };
    let revision = Revision {
        id: tx.next_id("revision")?,
        page: page.id,
        parent: page.published,
        author: request.actor,
        created_at: now,
        summary: request.summary.clone(),
        state: RevisionState::Published,
        kind: RevisionKind::Move,
        bytes: shown.bytes,
        text: shown.text.clone(),
        deleted: shown.deleted,
        reverted_to: None,
        base: None,
        slug: request.to.to_string(),
        approvals: Vec::new(),
        published_as: None,
        known_text: true,
    };
    text::refer(tx, &revision.text)?;
    page.slug = request.to.to_string();
    page.title = request.title.clone();
    page.head = revision.id;
    page.published = Some(revision.id);
    page.updated_at = now;
    line::put_revision(tx, &page, &revision)?;
    links::locate(tx, &page)?;
    let redirect = PageEntry::Redirect {
        to: page.slug.clone(),
        page: page.id,
    };
    tx.put(TreeId::Pages, &from_key, &redirect)?;
    page.seq = tx.append_event(
        Event::new(EventKind::Move, now)
            .in_space(page.space.clone())
            .at_slug(request.from.to_string())
            .of_page(page.id)
            .of_revision(revision.id)
            .by(Some(request.actor))
            .saying(revision.summary.clone())
            .with_detail(serde_json::json!({ "to": page.slug }))
            .targeting(format!("page:{}", request.from)),
    )?;
    tx.put(TreeId::Pages, &to_key, &PageEntry::Page(page.clone()))?;
    Ok((page, revision))
}

impl NewRevision {
    /// A published edit of `slug` in `main`, written as is (no engine, no
    /// budget): for tests, and for tests standing in for data of the past.
    pub fn published(
        slug: &str,
        expected: Expected,
        author: UserId,
        text: &str,
    ) -> Result<Self, crate::model::InvalidName> {
        Ok(NewRevision {
            space: SpaceSlug::main(),
            slug: PageSlug::parse(slug)?,
            title: slug.to_owned(),
            links: Vec::new(),
            expected,
            author,
            summary: String::new(),
            kind: RevisionKind::Edit,
            state: RevisionState::Published,
            text: PreparedText::new(text),
            deleted: false,
            reverted_to: None,
            base: None,
            join_author: false,
            open_dispute: None,
            sanctions_seen: SanctionsSeen::NotChecked,
        })
    }
}
