//! Disputes over pages: opening one (by a member, or by edit-war
//! detection), at most one open per page, and resolving it (with the
//! page's rollback, when that is the outcome, in the same transaction).

use super::records::Dispute;
use super::records::entry;
use super::tx::{self, Abort, TreeId, Tx, joined_key};
use super::{Store, StoreError};
use crate::model::{DisputeState, EventKind, PageId, SpaceSlug, Standing, Timestamp, UserId};

#[derive(Debug, Clone)]
pub struct NewDispute {
    pub space: SpaceSlug,
    pub page: PageId,
    pub slug: String,
    pub reason: String,
    pub opened_by: Option<UserId>,
    pub lock_to: Standing,
}

/// Resolves an open dispute and logs it.
pub(super) fn resolve(
    tx: &Tx<'_>,
    id: u64,
    resolution: &str,
    now: Timestamp,
) -> Result<Dispute, Abort> {
    let mut dispute: Dispute = tx
        .get(TreeId::Disputes, &id.to_be_bytes())?
        .ok_or(StoreError::NotFound)?;
    if dispute.state != DisputeState::Open {
        // Another resolution got there first: the proposal is decided
        // again, and closes rejected (nothing left to resolve).
        return Err(StoreError::HeadMoved.into());
    }
    dispute.state = DisputeState::Resolved;
    dispute.resolved_at = Some(now);
    dispute.resolution = resolution.to_owned();
    tx.put(TreeId::Disputes, &id.to_be_bytes(), &dispute)?;
    tx.remove(TreeId::PageDisputes, &dispute.page.to_be_bytes())?;
    tx.append_event(
        entry(
            &dispute.space,
            EventKind::DisputeResolve,
            None,
            format!("dispute:{id}"),
            resolution,
            now,
        )
        .at_slug(dispute.slug.clone())
        .of_page(dispute.page),
    )?;
    Ok(dispute)
}

impl Store {
    /// Opens a dispute; refused if the page has an open one already.
    pub async fn open_dispute(&self, new: NewDispute) -> Result<Dispute, StoreError> {
        let now = self.now();
        self.write(0, move |tx| {
            if tx
                .get_raw(TreeId::PageDisputes, &new.page.to_be_bytes())?
                .is_some()
            {
                return Err(StoreError::AlreadyDisputed.into());
            }
            let dispute = Dispute {
                id: tx.next_id("dispute")?,
                space: new.space.to_string(),
                page: new.page,
                slug: new.slug.clone(),
                reason: new.reason.clone(),
                opened_by: new.opened_by,
                opened_at: now,
                lock_to: new.lock_to,
                state: DisputeState::Open,
                resolved_at: None,
                resolution: String::new(),
            };
            let id = dispute.id;
            tx.put(TreeId::Disputes, &id.to_be_bytes(), &dispute)?;
            tx.put_raw(
                TreeId::SpaceDisputes,
                &joined_key(&dispute.space, &id.to_be_bytes()),
                &[],
            )?;
            tx.put(TreeId::PageDisputes, &new.page.to_be_bytes(), &id)?;
            tx.append_event(
                entry(
                    &dispute.space,
                    EventKind::DisputeOpen,
                    new.opened_by,
                    format!("dispute:{id}"),
                    &new.reason,
                    now,
                )
                .at_slug(dispute.slug.clone())
                .of_page(dispute.page),
            )?;
            Ok(dispute)
        })
        .await
    }

    pub fn dispute(&self, id: u64) -> Result<Option<Dispute>, StoreError> {
        self.get(TreeId::Disputes, &id.to_be_bytes())
    }

    /// The open dispute of a page, if any.
    pub fn open_dispute_of(&self, page: PageId) -> Result<Option<Dispute>, StoreError> {
        match self.get::<u64>(TreeId::PageDisputes, &page.to_be_bytes())? {
            Some(id) => self.dispute(id),
            None => Ok(None),
        }
    }

    /// The disputes of `space`, newest first.
    pub fn disputes(&self, space: &SpaceSlug) -> Result<Vec<Dispute>, StoreError> {
        let prefix = joined_key(space.as_str(), b"");
        let mut disputes = Vec::new();
        for key in self
            .trees()
            .tree(TreeId::SpaceDisputes)
            .scan_prefix(&prefix)
            .keys()
            .rev()
        {
            let id = tx::seq_from_key(&key?[prefix.len()..]);
            disputes.extend(self.dispute(id)?);
        }
        Ok(disputes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Expected, NewRevision};

    fn edit(expected: Expected, text: &str, open_dispute: Option<u64>) -> NewRevision {
        NewRevision {
            open_dispute,
            ..NewRevision::published("Horaires", expected, 1, text).unwrap()
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_write_decided_before_a_dispute_opened_is_sent_back() {
        let store = Store::temporary().unwrap();
        let (page, first) = store
            .append_revision(edit(Expected::Absent, "lundi\n", None))
            .await
            .unwrap();
        let dispute = store
            .open_dispute(NewDispute {
                space: SpaceSlug::main(),
                page: page.id,
                slug: page.slug.clone(),
                reason: "edit war".to_owned(),
                opened_by: None,
                lock_to: Standing::Reviewer,
            })
            .await
            .unwrap();
        // Decided while the page was free: the lock must be weighed again.
        let stale = store
            .append_revision(edit(Expected::Head(first.id), "mardi\n", None))
            .await;
        assert!(matches!(stale, Err(StoreError::HeadMoved)), "{stale:?}");
        // Decided knowing the dispute: it goes through.
        store
            .append_revision(edit(Expected::Head(first.id), "mardi\n", Some(dispute.id)))
            .await
            .unwrap();
    }
}
