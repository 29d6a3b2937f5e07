//! Mass rollback (Ostrom's principle 4, and the first rung of principle 5):
//! a steward undoes every edit one member made in a space since a time.
//!
//! For each page the member touched, the published line is replayed from
//! the revision before their first edit in the window: their edits are
//! dropped, everyone else's later edits are applied again by three-way
//! merge. A page where another's edit no longer merges is left as it is and
//! reported. All the pages change in one transaction, logged as one
//! `mass_rollback`, or none do.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::facts::Place;
use super::retry::optimistically;
use super::{
    Actor, App, RollbackConflictView, RollbackPageView, RollbackView, ServiceError, ServiceResult,
};
use crate::diff::{Merge, MergeLabels, line_diff, merge3};
use crate::governance::{Action, Decision};
use crate::model::{
    EventKind, PageId, PageSlug, RevisionId, RevisionKind, RevisionState, Timestamp, UserId,
};
use crate::store::{
    LogEntry, NewRevision, Page, PreparedText, Revision, StoreError, Verdict, is_live,
};

/// Revisions of one page's line looked at, at most: a window reaching
/// further back than this is refused rather than read whole.
const MAX_LINE_WALK: usize = 10_000;

/// What a steward asks for.
#[derive(Debug, Clone)]
pub struct RollbackRequest {
    /// Username whose edits are undone.
    pub user: String,
    /// RFC 3339; edits at or after it are undone.
    pub since: String,
    pub dry_run: bool,
    pub reason: Option<String>,
}

/// One page's rollback, worked out against its published line.
struct PagePlan {
    page: Page,
    line: RevisionId,
    text: String,
    deleted: bool,
    /// The revision restored, when nobody else edited after the member.
    restores: Option<RevisionId>,
    kept: usize,
    diff: String,
}

enum Outcome {
    Untouched,
    Plan(Box<PagePlan>),
    Conflict(RollbackConflictView),
}

/// A page's text and whether it reads as deleted, as the replay goes.
struct Replay {
    text: String,
    deleted: bool,
}

impl App {
    /// Undoes `request.user`'s edits in `space` since `request.since`.
    pub async fn mass_rollback(
        &self,
        actor: &Actor,
        space: &str,
        request: RollbackRequest,
    ) -> ServiceResult<RollbackView> {
        let place = self.place(Some(actor), space)?;
        let facts = self.actor_facts(actor, &place)?;
        if let Decision::Deny(denial) = self.decide(&facts, &place, &Action::MassRollback) {
            return Err(ServiceError::Denied(denial));
        }
        let since = Timestamp::parse_rfc3339(&request.since).ok_or_else(|| {
            ServiceError::InvalidInput(
                "since is an RFC 3339 time (2026-11-29T10:00:00Z)".to_owned(),
            )
        })?;
        let member = self.user_named(&request.user)?;
        let reason = request.reason.clone().unwrap_or_default().trim().to_owned();
        optimistically! {
            let mut plans = Vec::new();
            let mut conflicts = Vec::new();
            for page in self.pages_edited_by(&place, member.id, since)? {
                // Replaying merges texts: CPU work, for the pool.
                let (app, user) = (self.clone(), member.id);
                let outcome = self
                    .inner
                    .cpu
                    .run(move || app.plan_page_rollback(page, user, since))
                    .await??;
                match outcome {
                    Outcome::Untouched => {}
                    Outcome::Plan(plan) => plans.push(*plan),
                    Outcome::Conflict(conflict) => conflicts.push(conflict),
                }
            }
            let pending = self.pending_by(&place, member.id, since)?;
            if request.dry_run || plans.is_empty() {
                // Nothing to write (and so nothing to log): only pending
                // revisions, if any, are rejected.
                let rejected = if request.dry_run {
                    pending.len()
                } else {
                    self.reject_pending(actor, &place, &pending).await?
                };
                return Ok(rollback_view(
                    &plans,
                    None,
                    conflicts,
                    rejected,
                    !request.dry_run,
                ));
            }
            // `None`: a page moved on while this was planned; plan again.
            if let Some(written) = self
                .apply_rollback(actor, &place, &member, since, &reason, &plans)
                .await?
            {
                let rejected = self.reject_pending(actor, &place, &pending).await?;
                return Ok(rollback_view(
                    &plans,
                    Some(&written),
                    conflicts,
                    rejected,
                    true,
                ));
            }
        }
    }

    /// The pages `user` changed in `place` at or after `since`, from the
    /// space's event index (newest first, so the walk stops at `since`).
    fn pages_edited_by(
        &self,
        place: &Place,
        user: UserId,
        since: Timestamp,
    ) -> ServiceResult<Vec<Page>> {
        let mut ids: BTreeSet<PageId> = BTreeSet::new();
        for event in self.store().space_events(&place.slug, None) {
            let event = event?;
            if event.at < since {
                break;
            }
            if event.kind.is_page_change()
                && event.kind != EventKind::Publish
                && event.actor == Some(user)
                && let Some(page) = event.page
            {
                ids.insert(page);
            }
        }
        let mut pages = Vec::new();
        for id in ids {
            if let Some(page) = self.store().page_by_id(id)? {
                pages.push(page);
            }
        }
        Ok(pages)
    }

    /// The published line of `page` from its newest revision back to the
    /// first one made before `since`, oldest first.
    fn line_since(&self, page: &Page, since: Timestamp) -> ServiceResult<Vec<Revision>> {
        let mut segment = Vec::new();
        let mut cursor = page.published;
        while let Some(id) = cursor {
            let revision = self.load_revision(id)?;
            if revision.created_at < since {
                break;
            }
            if segment.len() == MAX_LINE_WALK {
                return Err(ServiceError::InvalidInput(format!(
                    "{} has more than {MAX_LINE_WALK} revisions since then; roll back a shorter time",
                    page.slug
                )));
            }
            cursor = revision.parent;
            segment.push(revision);
        }
        segment.reverse();
        Ok(segment)
    }

    fn replay_from(&self, revision: Option<RevisionId>) -> ServiceResult<Replay> {
        Ok(match revision {
            Some(id) => {
                let revision = self.load_revision(id)?;
                Replay {
                    text: self.store().text(&revision)?,
                    deleted: revision.deleted,
                }
            }
            // Before the page existed.
            None => Replay {
                text: String::new(),
                deleted: true,
            },
        })
    }

    /// Replays `page`'s line without `user`'s edits since `since`.
    fn plan_page_rollback(
        &self,
        page: Page,
        user: UserId,
        since: Timestamp,
    ) -> ServiceResult<Outcome> {
        let Some(line) = page.published else {
            return Ok(Outcome::Untouched);
        };
        let segment = self.line_since(&page, since)?;
        let Some(first) = segment.iter().position(|r| r.author == user) else {
            return Ok(Outcome::Untouched);
        };
        let before = segment[first].parent;
        let mut replay = self.replay_from(before)?;
        let mut kept = 0;
        for later in segment[first + 1..].iter().filter(|r| r.author != user) {
            if later.kind == RevisionKind::Move {
                continue;
            }
            kept += 1;
            let parent = self.replay_from(later.parent)?;
            if later.deleted {
                replay.deleted = true;
            } else if parent.deleted || replay.deleted {
                // A restoration: it brings its own text back.
                replay = Replay {
                    text: self.store().text(later)?,
                    deleted: false,
                };
            } else {
                let labels = MergeLabels {
                    base: "before",
                    head: "rolled back",
                    mine: "later edit",
                };
                match merge3(
                    &parent.text,
                    &replay.text,
                    &self.store().text(later)?,
                    &labels,
                ) {
                    Merge::Clean(merged) => replay.text = merged,
                    Merge::Conflict(_) => {
                        return Ok(Outcome::Conflict(RollbackConflictView {
                            slug: page.slug.clone(),
                            revision: later.id,
                            reason: format!(
                                "revision {} (by someone else, after the rolled-back edits) no longer applies without them; the page is left as it is",
                                later.id
                            ),
                        }));
                    }
                }
            }
        }
        let current = self.replay_from(Some(line))?;
        if current.deleted == replay.deleted && (replay.deleted || current.text == replay.text) {
            return Ok(Outcome::Untouched);
        }
        let new_text = if replay.deleted {
            ""
        } else {
            replay.text.as_str()
        };
        let old_text = if current.deleted {
            ""
        } else {
            current.text.as_str()
        };
        let diff = line_diff(
            old_text,
            new_text,
            &format!("revision {line}"),
            "rolled back",
        )
        .unified;
        Ok(Outcome::Plan(Box::new(PagePlan {
            line,
            restores: if kept == 0 { before } else { None },
            text: replay.text,
            deleted: replay.deleted,
            kept,
            diff,
            page,
        })))
    }

    /// The pending revisions of `user` in `place` made at or after `since`.
    fn pending_by(
        &self,
        place: &Place,
        user: UserId,
        since: Timestamp,
    ) -> ServiceResult<Vec<RevisionId>> {
        Ok(self
            .store()
            .pending(&place.slug)?
            .into_iter()
            .filter(|r| r.author == user && r.created_at >= since)
            .map(|r| r.id)
            .collect())
    }

    async fn reject_pending(
        &self,
        actor: &Actor,
        place: &Place,
        pending: &[RevisionId],
    ) -> ServiceResult<usize> {
        let mut rejected = 0;
        for &id in pending {
            let comment = "rejected by a mass rollback".to_owned();
            match self
                .settle(
                    place,
                    id,
                    super::reviews::Reviewer::Steward(actor.id),
                    Verdict::Reject,
                    comment,
                )
                .await
            {
                Ok(_) => rejected += 1,
                // Someone settled it meanwhile.
                Err(ServiceError::Conflict(..)) => {}
                Err(error) => return Err(error),
            }
        }
        Ok(rejected)
    }

    /// Writes every page's rollback in one transaction, logged once;
    /// `None` when a page moved on since the plans were made.
    async fn apply_rollback(
        &self,
        actor: &Actor,
        place: &Place,
        member: &crate::store::User,
        since: Timestamp,
        reason: &str,
        plans: &[PagePlan],
    ) -> ServiceResult<Option<Vec<Revision>>> {
        let mut revisions = Vec::with_capacity(plans.len());
        let mut renderings = Vec::with_capacity(plans.len());
        for plan in plans {
            let slug = PageSlug::parse(&plan.page.slug)?;
            let text = if plan.deleted {
                String::new()
            } else {
                plan.text.clone()
            };
            let (rendered, epoch) = self
                .render_fresh(&place.slug, Arc::from(text.as_str()))
                .await?;
            revisions.push(NewRevision {
                space: place.slug.clone(),
                title: rendered
                    .front_matter
                    .title
                    .clone()
                    .unwrap_or_else(|| slug.title()),
                links: if plan.deleted {
                    Vec::new()
                } else {
                    super::edits::links_of(&rendered)
                },
                slug: slug.clone(),
                expected: crate::store::Expected::Head(plan.line),
                author: actor.id,
                summary: format!(
                    "mass rollback of {}'s edits since {}",
                    member.username, since
                ),
                kind: RevisionKind::Revert,
                state: RevisionState::Published,
                text: PreparedText::new(&text),
                deleted: plan.deleted,
                reverted_to: plan.restores,
                base: None,
                join_author: false,
                open_dispute: self.store().open_dispute_of(plan.page.id)?.map(|d| d.id),
                sanctions_seen: crate::store::SanctionsSeen::NotChecked,
            });
            renderings.push((
                slug,
                is_live(&crate::store::PageEntry::Page(plan.page.clone())),
                rendered,
                epoch,
            ));
        }
        let log = LogEntry {
            space: place.slug.clone(),
            kind: EventKind::MassRollback,
            actor: actor.id,
            subject: Some(member.id),
            target: format!("user:{}", member.username),
            reason: if reason.is_empty() {
                format!("{} pages rolled back to before {}", plans.len(), since)
            } else {
                reason.to_owned()
            },
            detail: serde_json::json!({ "since": since, "pages": plans.len() }),
        };
        let written = match self.store().append_revisions(revisions, log).await {
            Ok(written) => written,
            Err(StoreError::HeadMoved) => return Ok(None),
            Err(error) => return Err(error.into()),
        };
        let mut shown = Vec::with_capacity(written.len());
        for ((_, revision), (slug, was_live, rendered, epoch)) in
            written.into_iter().zip(renderings)
        {
            self.after_publication(place, &slug, was_live, &revision, rendered, epoch)
                .await?;
            shown.push(revision);
        }
        Ok(Some(shown))
    }
}

fn rollback_view(
    plans: &[PagePlan],
    written: Option<&[Revision]>,
    conflicts: Vec<RollbackConflictView>,
    pending_rejected: usize,
    applied: bool,
) -> RollbackView {
    let pages = plans
        .iter()
        .enumerate()
        .map(|(i, plan)| RollbackPageView {
            slug: plan.page.slug.clone(),
            from_revision: plan.line,
            to_revision: written
                .and_then(|w| w.get(i))
                .map(|r| r.id)
                .or(plan.restores),
            restores: plan.restores,
            deleted: plan.deleted,
            kept_edits: plan.kept,
            diff: plan.diff.clone(),
        })
        .collect();
    RollbackView {
        pages,
        applied,
        conflicts,
        pending_rejected,
    }
}
