//! The powers an instance administrator may hold over spaces (listed in
//! the configuration), each written with its entry in the space's log.

use super::links;
use super::records::{Event, Revision};
use super::reviews::load_page;
use super::spaces::entry;
use super::text::PreparedText;
use super::tx::TreeId;
use super::{Store, StoreError};
use crate::model::{EventKind, PageId, RevisionId, SpaceSlug, Timestamp, UserId};

/// A legal takedown: these revisions of one page get `notice` for text.
#[derive(Debug, Clone)]
pub struct Takedown {
    pub space: SpaceSlug,
    pub page: PageId,
    pub revisions: Vec<RevisionId>,
    pub notice: PreparedText,
    pub reason: String,
    pub admin: UserId,
}

impl Store {
    pub async fn take_down(&self, takedown: Takedown) -> Result<Vec<Revision>, StoreError> {
        let now = Timestamp::now();
        self.write(takedown.notice.stored_bytes(), move |tx| {
            takedown.notice.store(tx)?;
            let (key, mut page) = load_page(tx, takedown.page)?;
            let mut changed = Vec::with_capacity(takedown.revisions.len());
            for id in &takedown.revisions {
                let mut revision: Revision = tx
                    .get(TreeId::Revisions, &id.to_be_bytes())?
                    .ok_or(StoreError::NotFound)?;
                revision.text = takedown.notice.hash_hex();
                revision.bytes = takedown.notice.len();
                tx.put(TreeId::Revisions, &id.to_be_bytes(), &revision)?;
                changed.push(revision);
            }
            // The notice links nowhere.
            if page
                .published
                .is_some_and(|p| takedown.revisions.contains(&p))
            {
                links::replace_outgoing(tx, &page, &[])?;
            }
            let first = takedown.revisions.first().copied().unwrap_or_default();
            page.seq = tx.append_event(Event {
                slug: Some(page.slug.clone()),
                page: Some(page.id),
                revision: Some(first),
                detail: serde_json::json!({ "power": "takedown", "revisions": takedown.revisions }),
                ..entry(
                    takedown.space.as_str(),
                    EventKind::AdminPower,
                    Some(takedown.admin),
                    format!("revision:{first}"),
                    &takedown.reason,
                    now,
                )
            })?;
            // The search index follows the page's newest event.
            tx.put(TreeId::Pages, &key, &super::records::PageEntry::Page(page))?;
            Ok(changed)
        })
        .await
    }
}
