//! The line of a page: where a page and its revisions are kept, the
//! pending queue a revision waits in for review, and the authors of its
//! published revisions. Pages, reviews and takedowns all write a page's line
//! through these helpers, so its keys are encoded in one place.

use super::StoreError;
use super::records::{Page, PageEntry, PageLocation, Revision};
use super::tx::{Abort, TreeId, Tx, joined_key, pair_key};
use crate::model::{PageId, RevisionId, UserId};

pub(super) fn page_key(space: &str, slug: &str) -> Vec<u8> {
    joined_key(space, slug.as_bytes())
}

pub(super) fn put_revision(tx: &Tx<'_>, page: &Page, revision: &Revision) -> Result<(), Abort> {
    tx.put(TreeId::Revisions, &revision.id.to_be_bytes(), revision)?;
    tx.put_raw(TreeId::PageRevisions, &pair_key(page.id, revision.id), &[])
}

/// Records `author` among the writers of the page's published revisions.
pub(super) fn note_author(tx: &Tx<'_>, page: PageId, author: UserId) -> Result<(), Abort> {
    let key = pair_key(page, author);
    // Most edits are by someone who wrote the page before: a read costs
    // less than a write the flush must carry.
    if tx.get_raw(TreeId::PageAuthors, &key)?.is_some() {
        return Ok(());
    }
    tx.put_raw(TreeId::PageAuthors, &key, &[])
}

pub(super) fn load_page(tx: &Tx<'_>, id: PageId) -> Result<(Vec<u8>, Page), Abort> {
    let location: PageLocation = tx
        .get(TreeId::PageIds, &id.to_be_bytes())?
        .ok_or(StoreError::NotFound)?;
    let key = page_key(&location.space, &location.slug);
    match tx.get::<PageEntry>(TreeId::Pages, &key)? {
        Some(PageEntry::Page(page)) => Ok((key, page)),
        _ => Err(StoreError::NotFound.into()),
    }
}

pub(super) fn load_revision(tx: &Tx<'_>, id: RevisionId) -> Result<Revision, Abort> {
    tx.get::<Revision>(TreeId::Revisions, &id.to_be_bytes())?
        .ok_or_else(|| StoreError::NotFound.into())
}

pub(super) fn pending_key(space: &str, revision: RevisionId) -> Vec<u8> {
    joined_key(space, &revision.to_be_bytes())
}

pub(super) fn enqueue(tx: &Tx<'_>, space: &str, revision: RevisionId) -> Result<(), Abort> {
    tx.put_raw(TreeId::Pending, &pending_key(space, revision), &[])
}

/// Takes a revision out of the review queue (published or rejected).
pub(super) fn dequeue(tx: &Tx<'_>, space: &str, revision: RevisionId) -> Result<(), Abort> {
    tx.remove(TreeId::Pending, &pending_key(space, revision))
}
