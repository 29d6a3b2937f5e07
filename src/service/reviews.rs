//! The review queue (Ostrom's principle 4, monitoring by accountable
//! members): pending revisions per space, approving and rejecting them,
//! publishing them (merged onto the page if it moved on meanwhile), and
//! lazy consensus.

use std::sync::Arc;

use super::facts::Place;
use super::listing::numeric_key;
use super::retry::optimistically;
use super::{
    Actor, App, ListRequest, Listing, Order, ReviewItemView, ReviewOutcomeView, ServiceError,
    ServiceResult,
};
use crate::governance::{Action, ActorFacts, Decision};
use crate::model::{
    ErrorCode, PageSlug, RevisionId, RevisionKind, RevisionState, Standing, UserId,
};
use crate::render::Rendered;
use crate::store::{
    Link, PreparedText, Publication, Review, Revision, SanctionsSeen, StoreError, Verdict, is_live,
};

/// A reviewer's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewDecision {
    Approve,
    Reject,
}

/// Who settles a pending revision.
#[derive(Clone, Copy)]
pub(super) enum Reviewer<'a> {
    /// Lazy consensus: time, after nobody objected.
    Nobody,
    /// A steward's mass rollback (decided as a whole already).
    Steward(UserId),
    /// A member reviewing, under the engine's `action`.
    Member {
        actor: &'a Actor,
        action: &'a Action<'a>,
    },
}

/// How a pending revision would be published now, with what publishing it
/// takes care of afterwards.
struct Plan {
    publication: Publication,
    slug: PageSlug,
    was_live: bool,
    rendered: Arc<Rendered>,
    epoch: u64,
}

impl App {
    /// A pending revision of `place`, or 404.
    fn pending_revision(&self, place: &Place, id: RevisionId) -> ServiceResult<Revision> {
        let not_found = || ServiceError::NotFound(format!("{} has no revision {id}", place.slug));
        let revision = self.store().revision(id)?.ok_or_else(not_found)?;
        let page = self
            .store()
            .page_by_id(revision.page)?
            .ok_or_else(not_found)?;
        if page.space != place.slug.as_str() {
            return Err(not_found());
        }
        Ok(revision)
    }

    /// The text `revision` publishes when the page is where it is now: its
    /// own if the page has not moved on since it was written, else a
    /// three-way merge (on the CPU pool), or the conflict.
    async fn publication_text(
        &self,
        revision: &Revision,
        line: Option<RevisionId>,
    ) -> ServiceResult<Option<String>> {
        if line == revision.parent {
            return Ok(None);
        }
        let text_of = |id: Option<RevisionId>| -> ServiceResult<String> {
            match id {
                Some(id) => Ok(self.store().text(&self.load_revision(id)?)?),
                None => Ok(String::new()),
            }
        };
        let (base, head, mine) = (
            text_of(revision.parent)?,
            text_of(line)?,
            self.store().text(revision)?,
        );
        let (parent, id) = (revision.parent.unwrap_or(0), revision.id);
        let line = line.unwrap_or(0);
        let labels = [
            format!("revision {parent}"),
            format!("revision {line} (current)"),
            format!("revision {id} (pending)"),
        ];
        let merged = self
            .merge_onto((parent, base), (line, head), mine, labels)
            .await?;
        Ok(Some(merged))
    }

    /// Whether publishing `revision` onto `line` would conflict, remembered
    /// per (revision, line): the queue asks it of every pending revision,
    /// and both are immutable.
    async fn would_conflict(
        &self,
        revision: &Revision,
        line: Option<RevisionId>,
    ) -> ServiceResult<bool> {
        let key = (revision.id, line);
        if let Some(known) = self.inner.conflicts.get(&key) {
            return Ok(known);
        }
        let conflicting = match self.publication_text(revision, line).await {
            Ok(_) => false,
            Err(ServiceError::EditConflict { .. }) => true,
            Err(other) => return Err(other),
        };
        self.inner.conflicts.insert(key, conflicting);
        Ok(conflicting)
    }

    async fn plan_publication(&self, place: &Place, revision: &Revision) -> ServiceResult<Plan> {
        let page = self.store().page_by_id(revision.page)?.ok_or_else(|| {
            ServiceError::Internal(format!("the page of revision {} is gone", revision.id))
        })?;
        let merged = self.publication_text(revision, page.published).await?;
        let text = match &merged {
            Some(text) => text.clone(),
            None => self.store().text(revision)?,
        };
        let slug = PageSlug::parse(&page.slug)?;
        let (rendered, epoch) = self
            .render_fresh(&place.slug, Arc::from(text.as_str()))
            .await?;
        let links: Vec<Link> = if revision.deleted {
            Vec::new()
        } else {
            rendered
                .links
                .iter()
                .map(|t| Link {
                    space: t.space.to_string(),
                    slug: t.slug.to_string(),
                })
                .collect()
        };
        Ok(Plan {
            publication: Publication {
                line: page.published,
                merged: merged.as_deref().map(PreparedText::new),
                title: rendered
                    .front_matter
                    .title
                    .clone()
                    .unwrap_or_else(|| slug.title()),
                links,
            },
            was_live: is_live(&crate::store::PageEntry::Page(page)),
            slug,
            rendered,
            epoch,
        })
    }

    /// The pending revisions of a space, oldest first, for its members.
    /// Whether each would conflict is worked out for the page asked only.
    pub async fn review_queue(
        &self,
        viewer: Option<&Actor>,
        space: &str,
        list: ListRequest<'_>,
    ) -> ServiceResult<Listing<ReviewItemView>> {
        let place = self.place(viewer, space)?;
        let facts = match viewer {
            Some(actor) => self.actor_facts(actor, &place)?,
            None => ActorFacts::default(),
        };
        if let Decision::Deny(denial) = self.decide(&facts, &place, &Action::SeeQueue) {
            return Err(ServiceError::Denied(denial));
        }
        let reports = self.store().reports(&place.slug)?;
        let pending = self.store().pending(&place.slug)?;
        let pending = Listing::paged(pending, list, Order::Ascending, |r| numeric_key(r.id));
        let mut items = Vec::new();
        for revision in pending.items {
            let line = self
                .store()
                .page_by_id(revision.page)?
                .and_then(|p| p.published);
            let conflicting = self.would_conflict(&revision, line).await?;
            items.push(ReviewItemView {
                revision: revision.id,
                slug: revision.slug.clone(),
                author: self.username(revision.author)?,
                created_at: revision.created_at,
                summary: revision.summary.clone(),
                kind: revision.kind,
                approvals: revision.approvals.len() as u32,
                approvals_required: place.charter.edit.approvals_required,
                conflicting,
                reports: reports
                    .iter()
                    .filter(|r| r.revision == Some(revision.id))
                    .count() as u32,
            });
        }
        Ok(Listing {
            items,
            next_cursor: pending.next_cursor,
        })
    }

    /// Approves or rejects a pending revision. One rejection rejects; enough
    /// approvals publish it.
    pub async fn review(
        &self,
        actor: &Actor,
        space: &str,
        id: RevisionId,
        decision: ReviewDecision,
        comment: Option<String>,
    ) -> ServiceResult<ReviewOutcomeView> {
        let place = self.place(Some(actor), space)?;
        let comment = comment.unwrap_or_default().trim().to_owned();
        if comment.chars().count() > 1000 {
            return Err(ServiceError::InvalidInput(
                "comment is at most 1000 characters".to_owned(),
            ));
        }
        let revision = self.pending_revision(&place, id)?;
        if revision.state != RevisionState::Pending {
            return Err(ServiceError::Conflict(
                ErrorCode::NotPending,
                format!("revision {id} is {:?}, not pending", revision.state).to_lowercase(),
            ));
        }
        let restores_own_work = revision.kind == RevisionKind::Revert
            && match revision.reverted_to {
                Some(target) => self
                    .store()
                    .revision(target)?
                    .is_some_and(|t| t.author == actor.id),
                None => false,
            };
        let action = Action::Review {
            own_revision: revision.author == actor.id,
            restores_own_work,
        };
        let verdict = match decision {
            ReviewDecision::Approve => Verdict::Approve,
            ReviewDecision::Reject => Verdict::Reject,
        };
        let reviewer = Reviewer::Member {
            actor,
            action: &action,
        };
        self.settle(&place, id, reviewer, verdict, comment).await
    }

    /// Records a verdict, publishing the revision when it settles it. A
    /// member's verdict is decided by the engine at each attempt, so a
    /// sanction issued meanwhile is seen.
    pub(super) async fn settle(
        &self,
        place: &Place,
        id: RevisionId,
        by: Reviewer<'_>,
        verdict: Verdict,
        comment: String,
    ) -> ServiceResult<ReviewOutcomeView> {
        let required = place.charter.edit.approvals_required;
        let mut force_plan = false;
        optimistically! {
            let (reviewer, sanctions_seen) = match by {
                Reviewer::Nobody => (None, SanctionsSeen::NotChecked),
                Reviewer::Steward(user) => (Some(user), SanctionsSeen::NotChecked),
                Reviewer::Member { actor, action } => {
                    // Before the facts: a sanction issued after this is
                    // seen by the write, which sends us round again.
                    let seen = self.sanctions_seen(actor)?;
                    let facts = self.actor_facts(actor, place)?;
                    if let Decision::Deny(denial) = self.decide(&facts, place, action) {
                        return Err(ServiceError::Denied(denial));
                    }
                    (Some(actor.id), seen)
                }
            };
            let revision = self.pending_revision(place, id)?;
            let approvals = revision.approvals.len()
                + usize::from(reviewer.is_some_and(|r| !revision.approvals.contains(&r)));
            let settles = verdict == Verdict::NoObjection
                || (verdict == Verdict::Approve && approvals >= required as usize);
            let plan = if verdict != Verdict::Reject && (settles || force_plan) {
                Some(self.plan_publication(place, &revision).await?)
            } else {
                None
            };
            let review = Review {
                space: place.slug.clone(),
                revision: id,
                reviewer,
                verdict,
                comment: comment.clone(),
                approvals_required: required,
                publication: plan.as_ref().map(|p| p.publication.clone()),
                sanctions_seen,
            };
            match self.store().review(review).await {
                Ok(reviewed) => {
                    let published = reviewed.published.as_ref().map(|(_, shown)| shown.id);
                    if let (Some((_, shown)), Some(plan)) = (&reviewed.published, plan) {
                        self.after_publication(
                            place,
                            &plan.slug,
                            plan.was_live,
                            shown,
                            plan.rendered,
                            plan.epoch,
                        )
                        .await?;
                    }
                    return Ok(ReviewOutcomeView {
                        state: reviewed.revision.state,
                        approvals: reviewed.revision.approvals.len() as u32,
                        approvals_required: required,
                        published_revision: published,
                    });
                }
                Err(StoreError::HeadMoved | StoreError::SanctionedMeanwhile) => continue,
                Err(StoreError::NeedsPublication) => {
                    force_plan = true;
                    continue;
                }
                Err(StoreError::NotPending) => {
                    return Err(ServiceError::Conflict(
                        ErrorCode::NotPending,
                        format!("revision {id} is no longer pending"),
                    ));
                }
                Err(error) => return Err(error.into()),
            }
        }
    }

    /// Publishes the pending revisions nobody objected to within the time
    /// their space's charter gives (lazy consensus). Conflicting ones wait
    /// for a person. Returns how many were published.
    pub async fn settle_lazy_consensus(&self) -> ServiceResult<usize> {
        let mut published = 0;
        let now = self.now();
        for space in self.store().spaces()? {
            let Ok(place) = self.place_for_system(&space.slug) else {
                continue;
            };
            let Some(after) = place.charter.review.lazy_consensus_after else {
                continue;
            };
            for revision in self.store().pending(&place.slug)? {
                let due = revision.created_at.millis() + (after.seconds() as i64) * 1000;
                // A disputed page is locked: a person of the lock's standing
                // decides, not the passing of time.
                if due > now.millis() || self.store().open_dispute_of(revision.page)?.is_some() {
                    continue;
                }
                match self
                    .settle(
                        &place,
                        revision.id,
                        Reviewer::Nobody,
                        Verdict::NoObjection,
                        String::new(),
                    )
                    .await
                {
                    Ok(_) => published += 1,
                    Err(ServiceError::EditConflict { .. } | ServiceError::Conflict(..)) => {}
                    Err(error) => return Err(error),
                }
            }
        }
        Ok(published)
    }

    /// Promotes every newcomer whose promotion has become due (time passes
    /// without any edit). Returns how many were promoted.
    pub async fn promote_due_members(&self) -> ServiceResult<usize> {
        let mut promoted = 0;
        for space in self.store().spaces()? {
            let Ok(place) = self.place_for_system(&space.slug) else {
                continue;
            };
            let needed = u64::from(place.charter.promotion.accepted_edits);
            for (user, member) in self.store().members(&place.slug)? {
                // Only time is missing for those with the edits; the rest
                // are promoted, if ever, when an edit of theirs is accepted.
                if member.standing == Standing::Newcomer
                    && member.accepted_edits >= needed
                    && self.promote_if_due(&place, user).await?
                {
                    promoted += 1;
                }
            }
        }
        Ok(promoted)
    }

    /// Housekeeping the clock drives: proposals at their deadline, lazy
    /// consensus and promotions.
    pub async fn governance_tick(&self) -> ServiceResult<()> {
        self.close_due_proposals().await?;
        self.store().lift_ended_sanctions(self.now()).await?;
        self.settle_lazy_consensus().await?;
        self.promote_due_members().await?;
        Ok(())
    }
}
