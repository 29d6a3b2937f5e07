//! The review queue: pending revisions per space, the reviews they get, and
//! their publication (as written, or merged onto a page that moved on) or
//! rejection, each logged in the same transaction.

use super::members;
use super::records::entry;
use super::records::{Event, Link, Page, PageEntry, Revision};
use super::sanctions::{self, SanctionsSeen};
use super::text::PreparedText;
use super::tx::{self, Abort, TreeId, Tx, joined_key};
use super::{Store, StoreError};
use super::{line, links};
use crate::model::{
    EventKind, RevisionId, RevisionKind, RevisionState, SpaceSlug, Timestamp, UserId,
};

/// How a pending revision becomes the page's text when it is published.
#[derive(Debug, Clone)]
pub struct Publication {
    /// The published revision the plan was made against.
    pub line: Option<RevisionId>,
    /// When the page moved on since the revision was written: its text
    /// merged onto the page as it is, published as a new revision.
    pub merged: Option<PreparedText>,
    /// The page's title and links once published.
    pub title: String,
    pub links: Vec<Link>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Approve,
    Reject,
    /// Lazy consensus: nobody objected in time.
    NoObjection,
}

/// A review of a pending revision.
#[derive(Debug, Clone)]
pub struct Review {
    pub space: SpaceSlug,
    pub revision: RevisionId,
    /// `None` for lazy consensus.
    pub reviewer: Option<UserId>,
    pub verdict: Verdict,
    pub comment: String,
    pub approvals_required: u32,
    /// Needed when this review publishes the revision.
    pub publication: Option<Publication>,
    /// The reviewer's sanctions when the engine decided.
    pub sanctions_seen: SanctionsSeen,
}

/// What a review led to.
#[derive(Debug, Clone)]
pub struct Reviewed {
    pub revision: Revision,
    /// When the review published it: the page and the revision now shown.
    pub published: Option<(Page, Revision)>,
}

impl Store {
    /// The pending revisions of `space`, oldest first.
    pub fn pending(&self, space: &SpaceSlug) -> Result<Vec<Revision>, StoreError> {
        let prefix = joined_key(space.as_str(), b"");
        let mut pending = Vec::new();
        for key in self
            .trees()
            .tree(TreeId::Pending)
            .scan_prefix(&prefix)
            .keys()
        {
            let id = tx::seq_from_key(&key?[prefix.len()..]);
            if let Some(revision) = self.revision(id)? {
                pending.push(revision);
            }
        }
        Ok(pending)
    }

    /// Records a review; publishes or rejects the revision when it settles it.
    pub async fn review(&self, review: Review) -> Result<Reviewed, StoreError> {
        let now = self.now();
        let weight = review
            .publication
            .as_ref()
            .and_then(|p| p.merged.as_ref())
            .map_or(0, PreparedText::stored_bytes);
        self.write(weight, move |tx| apply_review(tx, &review, now))
            .await
    }
}

fn apply_review(tx: &Tx<'_>, review: &Review, now: Timestamp) -> Result<Reviewed, Abort> {
    if let Some(reviewer) = review.reviewer {
        sanctions::check_seen(tx, reviewer, review.sanctions_seen)?;
    }
    let mut revision = line::load_revision(tx, review.revision)?;
    if revision.state != RevisionState::Pending {
        return Err(StoreError::NotPending.into());
    }
    let space = review.space.as_str();
    let target = format!("revision:{}", revision.id);
    match review.verdict {
        Verdict::Reject => {
            revision.state = RevisionState::Rejected;
            line::dequeue(tx, space, revision.id)?;
            tx.put(TreeId::Revisions, &revision.id.to_be_bytes(), &revision)?;
            tx.append_event(
                entry(
                    space,
                    EventKind::ReviewReject,
                    review.reviewer,
                    target,
                    &review.comment,
                    now,
                )
                .of_revision(revision.id),
            )?;
            Ok(Reviewed {
                revision,
                published: None,
            })
        }
        Verdict::Approve | Verdict::NoObjection => {
            // Approving twice counts (and is logged) once.
            let new_approval = review
                .reviewer
                .is_some_and(|reviewer| !revision.approvals.contains(&reviewer));
            if let Some(reviewer) = review.reviewer.filter(|_| new_approval) {
                revision.approvals.push(reviewer);
            }
            let settled = review.verdict == Verdict::NoObjection
                || revision.approvals.len() >= review.approvals_required as usize;
            if review.verdict == Verdict::Approve && new_approval {
                tx.append_event(
                    entry(
                        space,
                        EventKind::ReviewApprove,
                        review.reviewer,
                        target.clone(),
                        &review.comment,
                        now,
                    )
                    .of_revision(revision.id),
                )?;
            }
            if !settled {
                tx.put(TreeId::Revisions, &revision.id.to_be_bytes(), &revision)?;
                return Ok(Reviewed {
                    revision,
                    published: None,
                });
            }
            let publication = review
                .publication
                .as_ref()
                .ok_or(StoreError::NeedsPublication)?;
            let published = publish(tx, space, &mut revision, publication, review.reviewer, now)?;
            Ok(Reviewed {
                revision,
                published: Some(published),
            })
        }
    }
}

/// Puts a pending revision (or its merge onto the moved page) on the
/// published line.
fn publish(
    tx: &Tx<'_>,
    space: &str,
    revision: &mut Revision,
    publication: &Publication,
    reviewer: Option<UserId>,
    now: Timestamp,
) -> Result<(Page, Revision), Abort> {
    let (key, mut page) = line::load_page(tx, revision.page)?;
    if page.published != publication.line {
        return Err(StoreError::HeadMoved.into());
    }
    let shown = match &publication.merged {
        None => {
            revision.state = RevisionState::Published;
            revision.clone()
        }
        Some(text) => {
            let known_text = text.store(tx)?;
            let merged = Revision {
                id: tx.next_id("revision")?,
                page: page.id,
                parent: page.published,
                author: revision.author,
                created_at: now,
                summary: revision.summary.clone(),
                state: RevisionState::Published,
                kind: RevisionKind::Edit,
                bytes: text.len(),
                text: text.hash_hex(),
                deleted: revision.deleted,
                reverted_to: revision.reverted_to,
                base: Some(revision.id),
                slug: page.slug.clone(),
                approvals: revision.approvals.clone(),
                published_as: None,
                known_text,
            };
            revision.state = RevisionState::Published;
            revision.published_as = Some(merged.id);
            line::put_revision(tx, &page, &merged)?;
            page.head = page.head.max(merged.id);
            merged
        }
    };
    tx.put(TreeId::Revisions, &revision.id.to_be_bytes(), &*revision)?;
    line::dequeue(tx, space, revision.id)?;
    page.published = Some(shown.id);
    page.deleted = shown.deleted;
    page.updated_at = now;
    page.title = publication.title.clone();
    links::replace_outgoing(tx, &page, &publication.links)?;
    members::count_accepted_edit(tx, space, revision.author)?;
    line::note_author(tx, page.id, revision.author)?;
    page.seq = tx.append_event(
        Event::new(EventKind::Publish, now)
            .in_space(space.to_owned())
            .at_slug(page.slug.clone())
            .of_page(page.id)
            .of_revision(shown.id)
            .by(reviewer)
            .saying(if reviewer.is_some() {
                "approved".to_owned()
            } else {
                "no objection in time (lazy consensus)".to_owned()
            })
            .with_detail(serde_json::json!({ "pending": revision.id }))
            .targeting(format!("revision:{}", revision.id)),
    )?;
    tx.put(TreeId::Pages, &key, &PageEntry::Page(page.clone()))?;
    Ok((page, shown))
}
