//! Conflict resolution (Ostrom's principle 6): disputes over pages, opened
//! by a contributor or by edit-war detection, locking the page to the
//! charter's `edit_war.lock_to` until a `dispute` proposal keeps it or
//! rolls it back.

use std::collections::BTreeSet;

use super::facts::Place;
use super::listing::numeric_key;
use super::{Actor, App, DisputeView, ServiceError, ServiceResult};
use super::{ListRequest, Listing, Order};
use crate::governance::{Action, Decision};
use crate::model::{DisputeState, ErrorCode, PageId, PageSlug, RevisionKind, RevisionState};
use crate::store::{Dispute, NewDispute, Page, StoreError};

/// Published revisions of a page looked at when counting reverts, newest
/// first. It bounds the work a revert costs on a long history; a war is a
/// handful of reverts of recent versions, well within it.
const EDIT_WAR_HISTORY: usize = 200;

impl App {
    /// A contributor disputes a page: it is locked until a `dispute`
    /// proposal resolves it.
    pub async fn open_dispute(
        &self,
        actor: &Actor,
        space: &str,
        slug: &str,
        reason: &str,
    ) -> ServiceResult<DisputeView> {
        let (place, slug) = self.page_address(Some(actor), space, slug)?;
        let facts = self.actor_facts(actor, &place)?;
        if let Decision::Deny(denial) = self.decide(&facts, &place, &Action::Dispute) {
            return Err(ServiceError::Denied(denial));
        }
        let reason = super::sanctions::clean_reason(reason)?;
        if slug.is_talk() {
            return Err(ServiceError::InvalidInput(format!(
                "{slug} is a talk page, where disagreements are discussed: dispute the page itself"
            )));
        }
        let page = self.require_page(&place.slug, &slug)?.page;
        if page.published.is_none() {
            return Err(super::pages::page_not_found(slug.as_str()));
        }
        let dispute = self
            .dispute_page(&place, &page, reason, Some(actor.id))
            .await?;
        self.dispute_view(&dispute)
    }

    async fn dispute_page(
        &self,
        place: &Place,
        page: &Page,
        reason: String,
        by: Option<u64>,
    ) -> ServiceResult<Dispute> {
        let new = NewDispute {
            space: place.slug.clone(),
            page: page.id,
            slug: page.slug.clone(),
            reason,
            opened_by: by,
            lock_to: place.charter.edit_war.lock_to,
        };
        match self.store().open_dispute(new).await {
            Ok(dispute) => Ok(dispute),
            Err(StoreError::AlreadyDisputed) => Err(ServiceError::Conflict(
                ErrorCode::AlreadyDisputed,
                format!("{} has an open dispute already", page.slug),
            )),
            Err(error) => Err(error.into()),
        }
    }

    /// The disputes of a space, newest first, optionally in one state.
    pub fn list_disputes(
        &self,
        viewer: Option<&Actor>,
        space: &str,
        state: Option<DisputeState>,
        list: ListRequest<'_>,
    ) -> ServiceResult<Listing<DisputeView>> {
        let place = self.place(viewer, space)?;
        let disputes: Vec<_> = self
            .store()
            .disputes(&place.slug)?
            .into_iter()
            .filter(|d| state.is_none_or(|s| d.state == s))
            .collect();
        Listing::paged(disputes, list, Order::Descending, |d| numeric_key(d.id))
            .try_map(|d| self.dispute_view(&d))
    }

    /// One dispute of a space, for those who may see the space.
    pub fn get_dispute(
        &self,
        viewer: Option<&Actor>,
        space: &str,
        id: u64,
    ) -> ServiceResult<DisputeView> {
        let place = self.place(viewer, space)?;
        match self.store().dispute(id)? {
            Some(dispute) if dispute.space == place.slug.as_str() => self.dispute_view(&dispute),
            _ => Err(ServiceError::NotFound(format!(
                "{} has no dispute {id}",
                place.slug
            ))),
        }
    }

    pub(super) fn dispute_view(&self, dispute: &Dispute) -> ServiceResult<DisputeView> {
        Ok(DisputeView {
            id: dispute.id,
            slug: dispute.slug.clone(),
            reason: dispute.reason.clone(),
            state: dispute.state,
            opened_by: dispute.opened_by.map(|u| self.username(u)).transpose()?,
            opened_at: dispute.opened_at,
            lock_to: dispute.lock_to,
            resolved_at: dispute.resolved_at,
            resolution: (!dispute.resolution.is_empty()).then(|| dispute.resolution.clone()),
        })
    }

    /// After a publication on `page`: if the charter's `edit_war.reverts`
    /// reverts happened within `edit_war.window`, by two users or more,
    /// the page becomes disputed and locked. A revert is a revision made
    /// through revert (or a rollback), or any edit whose text is an earlier
    /// revision's. Only reverts since the page's last dispute was resolved
    /// count.
    pub(super) async fn detect_edit_war(&self, place: &Place, page: PageId) -> ServiceResult<()> {
        let rule = &place.charter.edit_war;
        let Some(page) = self.store().page_by_id(page)? else {
            return Ok(());
        };
        // Talk pages are where the argument goes; they are never locked.
        if page.slug.starts_with(PageSlug::TALK_PREFIX) {
            return Ok(());
        }
        if self.store().open_dispute_of(page.id)?.is_some() {
            return Ok(());
        }
        // Reverts a resolved dispute settled (its own rollback included)
        // do not count again.
        let settled = self
            .store()
            .disputes(&place.slug)?
            .iter()
            .filter(|d| d.page == page.id)
            .filter_map(|d| d.resolved_at)
            .map(|at| at.millis() + 1)
            .max()
            .unwrap_or(i64::MIN);
        let since = (self.now().millis() - (rule.window.seconds() as i64).saturating_mul(1000))
            .max(settled);
        // Oldest first, published only: the line readers saw.
        let mut history = self
            .store()
            .page_history(page.id, None, EDIT_WAR_HISTORY, |r| {
                r.state == RevisionState::Published
            })?;
        history.reverse();
        let mut seen_texts = BTreeSet::new();
        let mut reverts = 0u32;
        let mut reverters = BTreeSet::new();
        for revision in &history {
            let is_revert = revision.kind == RevisionKind::Revert
                || (revision.kind == RevisionKind::Edit && seen_texts.contains(&revision.text));
            if is_revert && revision.created_at.millis() >= since {
                reverts += 1;
                reverters.insert(revision.author);
            }
            if revision.kind != RevisionKind::Move {
                seen_texts.insert(revision.text.clone());
            }
        }
        if reverts < rule.reverts || reverters.len() < 2 {
            return Ok(());
        }
        let reason = format!(
            "edit war: {reverts} reverts by {} members within {}",
            reverters.len(),
            rule.window
        );
        match self.dispute_page(place, &page, reason, None).await {
            Ok(_) | Err(ServiceError::Conflict(..)) => Ok(()),
            Err(error) => Err(error),
        }
    }
}
