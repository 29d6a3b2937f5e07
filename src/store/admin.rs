//! The powers an instance administrator may hold over spaces (listed in
//! the configuration), each written with its entry in the space's log.

use super::line::load_page;
use super::links;
use super::records::Revision;
use super::records::entry;
use super::text::{self, PreparedText};
use super::tx::TreeId;
use super::{Store, StoreError};
use crate::model::{EventKind, PageId, RevisionId, SpaceSlug, UserId};

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
        let now = self.now();
        self.write(takedown.notice.stored_bytes(), move |tx| {
            let (key, mut page) = load_page(tx, takedown.page)?;
            let mut changed = Vec::with_capacity(takedown.revisions.len());
            for id in &takedown.revisions {
                let mut revision: Revision = tx
                    .get(TreeId::Revisions, &id.to_be_bytes())?
                    .ok_or(StoreError::NotFound)?;
                // The text leaves the disk with its last reference.
                text::release(tx, &revision.text)?;
                takedown.notice.store(tx)?;
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
            page.seq = tx.append_event(
                entry(
                    takedown.space.as_str(),
                    EventKind::AdminPower,
                    Some(takedown.admin),
                    format!("revision:{first}"),
                    &takedown.reason,
                    now,
                )
                .at_slug(page.slug.clone())
                .of_page(page.id)
                .of_revision(first)
                .with_detail(
                    serde_json::json!({ "power": "takedown", "revisions": takedown.revisions }),
                ),
            )?;
            // The search index follows the page's newest event.
            tx.put(TreeId::Pages, &key, &super::records::PageEntry::Page(page))?;
            Ok(changed)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Expected, NewRevision, Page};

    fn write(slug: &str, expected: Expected, text: &str) -> NewRevision {
        NewRevision::published(slug, expected, 1, text).unwrap()
    }

    fn takedown(page: &Page, revisions: Vec<RevisionId>) -> Takedown {
        Takedown {
            space: SpaceSlug::main(),
            page: page.id,
            revisions,
            notice: PreparedText::new("*Taken down.*\n"),
            reason: "court order".to_owned(),
            admin: 1,
        }
    }

    fn on_disk(store: &Store, text: &str) -> bool {
        let hash = PreparedText::new(text).hash_hex();
        let key = hex::decode(hash).unwrap();
        store
            .trees()
            .tree(TreeId::Texts)
            .get(key)
            .unwrap()
            .is_some()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_text_leaves_the_disk_with_its_last_revision() {
        let store = Store::temporary().unwrap();
        let secret = "Le numéro privé de quelqu'un.\n";
        let (a, a1) = store
            .append_revision(write("A", Expected::Absent, secret))
            .await
            .unwrap();
        let (_, a2) = store
            .append_revision(write("A", Expected::Head(a1.id), "Rien.\n"))
            .await
            .unwrap();
        // A revert brings the same text back: a second reference on A.
        let (_, a3) = store
            .append_revision(write("A", Expected::Head(a2.id), secret))
            .await
            .unwrap();
        // Page B holds the same text, which the takedown does not name.
        let (b, b1) = store
            .append_revision(write("B", Expected::Absent, secret))
            .await
            .unwrap();

        store
            .take_down(takedown(&a, vec![a1.id, a3.id]))
            .await
            .unwrap();
        assert!(on_disk(&store, secret), "B still refers to it");
        let kept = store.revision(b1.id).unwrap().unwrap();
        assert_eq!(store.text(&kept).unwrap(), secret);

        store.take_down(takedown(&b, vec![b1.id])).await.unwrap();
        assert!(!on_disk(&store, secret), "gone with its last reference");
        let notice = store.revision(b1.id).unwrap().unwrap();
        assert_eq!(store.text(&notice).unwrap(), "*Taken down.*\n");
        let other = store.revision(a2.id).unwrap().unwrap();
        assert_eq!(store.text(&other).unwrap(), "Rien.\n");
    }
}
