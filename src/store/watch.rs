//! Watchlists and notifications. A watch is kept twice (the user's list, and
//! the page's watchers read inside transactions); notifications are keys
//! (user, event seq) written with the event they point to, so a user is
//! notified of exactly the events that happened.

use super::records::Event;
use super::tx::{self, Abort, TreeId, Tx, joined_key, pair_key, user_key};
use super::{Store, StoreError};
use crate::model::{EventSeq, PageSlug, SpaceSlug, UserId};

fn watchlist_key(user: UserId, space: &str, slug: &str) -> Vec<u8> {
    let mut key = user_key(user).to_vec();
    key.extend_from_slice(&joined_key(space, slug.as_bytes()));
    key
}

fn set_watch(tx: &Tx<'_>, user: UserId, space: &str, slug: &str, on: bool) -> Result<(), Abort> {
    let page = joined_key(space, slug.as_bytes());
    let mut watchers: Vec<UserId> = tx.get(TreeId::Watchers, &page)?.unwrap_or_default();
    watchers.retain(|&w| w != user);
    if on {
        watchers.push(user);
        tx.put_raw(TreeId::Watchlist, &watchlist_key(user, space, slug), &[])?;
    } else {
        tx.remove(TreeId::Watchlist, &watchlist_key(user, space, slug))?;
    }
    if watchers.is_empty() {
        tx.remove(TreeId::Watchers, &page)
    } else {
        tx.put(TreeId::Watchers, &page, &watchers)
    }
}

impl Store {
    /// Starts (`on`) or stops watching a page. Idempotent.
    pub async fn watch(
        &self,
        user: UserId,
        space: SpaceSlug,
        slug: PageSlug,
        on: bool,
    ) -> Result<(), StoreError> {
        self.write(0, move |tx| {
            set_watch(tx, user, space.as_str(), slug.as_str(), on)
        })
        .await
    }

    /// Whether `user` watches the page `slug` of `space`.
    pub fn watches(&self, user: UserId, space: &str, slug: &str) -> Result<bool, StoreError> {
        Ok(self
            .trees()
            .tree(TreeId::Watchlist)
            .contains_key(watchlist_key(user, space, slug))?)
    }

    /// The pages `user` watches, as (space, slug), in order.
    pub fn watchlist(&self, user: UserId) -> Result<Vec<(String, String)>, StoreError> {
        let prefix = user_key(user);
        let mut pages = Vec::new();
        for key in self
            .trees()
            .tree(TreeId::Watchlist)
            .scan_prefix(prefix)
            .keys()
        {
            let key = key?;
            let rest = &key[prefix.len()..];
            if let Some(split) = rest.iter().position(|&b| b == 0) {
                pages.push((
                    String::from_utf8_lossy(&rest[..split]).into_owned(),
                    String::from_utf8_lossy(&rest[split + 1..]).into_owned(),
                ));
            }
        }
        Ok(pages)
    }

    /// The events that concern `user`, newest first, below `before`.
    pub fn notifications(
        &self,
        user: UserId,
        before: Option<EventSeq>,
    ) -> impl Iterator<Item = Result<Event, StoreError>> + use<'_> {
        let start = pair_key(user, 0);
        let end = pair_key(user, before.unwrap_or(u64::MAX));
        self.trees()
            .tree(TreeId::Notifications)
            .range(start..end)
            .rev()
            .map(move |item| {
                let (key, _) = item?;
                let seq = tx::seq_from_key(&key[8..]);
                self.event(seq)?.ok_or_else(|| StoreError::Corrupt {
                    tree: TreeId::Notifications.name(),
                    detail: format!("event {seq} is notified but missing"),
                })
            })
    }

    /// One event of the log.
    pub fn event(&self, seq: EventSeq) -> Result<Option<Event>, StoreError> {
        self.get(TreeId::Events, &seq.to_be_bytes())
    }

    /// The events of `space`, newest first, below `before`.
    pub fn space_events(
        &self,
        space: &SpaceSlug,
        before: Option<EventSeq>,
    ) -> impl Iterator<Item = Result<Event, StoreError>> + use<'_> {
        let prefix = joined_key(space.as_str(), b"");
        let start = joined_key(space.as_str(), &0u64.to_be_bytes());
        let end = joined_key(space.as_str(), &before.unwrap_or(u64::MAX).to_be_bytes());
        self.trees()
            .tree(TreeId::SpaceEvents)
            .range(start..end)
            .rev()
            .map(move |item| {
                let (key, _) = item?;
                let seq = tx::seq_from_key(&key[prefix.len()..]);
                self.event(seq)?.ok_or_else(|| StoreError::Corrupt {
                    tree: TreeId::SpaceEvents.name(),
                    detail: format!("event {seq} is indexed but missing"),
                })
            })
    }
}
