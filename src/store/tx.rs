//! The trees, their key encoding, and the transaction helper every write goes
//! through. Numeric keys are big-endian so that sled's byte order is numeric
//! order. Transaction closures may be re-run by sled: they read exact keys
//! only, never scan, and do nothing but reads and writes.

use std::cell::Cell;
use std::collections::BTreeSet;

use serde::Serialize;
use serde::de::DeserializeOwned;
use sled::transaction::{ConflictableTransactionError, TransactionError, TransactionalTree};
use sled::{IVec, Transactional};

use super::records::{Event, Revision};
use super::{StoreError, Trees};
use crate::model::{EventKind, EventSeq, UserId};

/// Every tree of the store. The discriminant indexes `Trees::trees`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TreeId {
    /// Format version and id counters.
    Meta,
    /// user id → User.
    Users,
    /// username key (NFC, lower case) → user id.
    Usernames,
    /// confusable skeleton of a username key → user id: look-alikes.
    UsernameSkeletons,
    /// SHA-256 of a token → Credential.
    Credentials,
    /// user id ++ token name → SHA-256 of the token.
    UserTokens,
    /// space slug → Space.
    Spaces,
    /// space ++ 0 ++ user id → Member.
    Members,
    /// user id ++ space → (): the spaces a user belongs to.
    UserSpaces,
    /// space ++ 0 ++ page slug → PageEntry.
    Pages,
    /// page id ++ revision id → (): a page's history in order.
    PageRevisions,
    /// revision id → Revision.
    Revisions,
    /// text hash → TextHeader; text hash ++ chunk index → chunk bytes.
    Texts,
    /// event seq → Event: the append-only log.
    Events,
    /// page id → PageLocation: where a page lives now.
    PageIds,
    /// page id → the wiki links of its published revision (Vec<Link>).
    LinksOut,
    /// target space ++ 0 ++ target slug ++ 0 ++ source page id → ().
    LinksIn,
    /// space ++ 0 ++ user id → JoinRequest.
    JoinRequests,
    /// space ++ 0 ++ revision id → (): the review queue.
    Pending,
    /// space ++ 0 ++ event seq → (): each space's events (its changes and
    /// its governance log).
    SpaceEvents,
    /// user id ++ space ++ 0 ++ page slug → (): what a user watches.
    Watchlist,
    /// space ++ 0 ++ page slug → Vec<UserId>: who watches a page.
    Watchers,
    /// user id ++ event seq → (): the events that concern a user.
    Notifications,
    /// proposal id → Proposal.
    Proposals,
    /// space ++ 0 ++ proposal id → ().
    SpaceProposals,
    /// closing time (ms) ++ proposal id → (): open proposals by deadline.
    ProposalDeadlines,
    /// sanction id → Sanction.
    Sanctions,
    /// space ++ 0 ++ sanction id → ().
    SpaceSanctions,
    /// user id ++ sanction id → ().
    UserSanctions,
    /// end time (ms) ++ sanction id → (): sanctions to lift, by end.
    SanctionEnds,
    /// report id → Report.
    Reports,
    /// space ++ 0 ++ report id → ().
    SpaceReports,
    /// dispute id → Dispute.
    Disputes,
    /// space ++ 0 ++ dispute id → ().
    SpaceDisputes,
    /// page id → the id of its open dispute.
    PageDisputes,
    /// page id ++ user id → (): who wrote a published revision of a page
    /// (search's `author:` filter).
    PageAuthors,
    /// text hash → u64: how many revisions refer to the text (a takedown
    /// deletes a text with its last reference).
    TextRefs,
}

impl TreeId {
    pub(crate) const ALL: [TreeId; 37] = [
        TreeId::Meta,
        TreeId::Users,
        TreeId::Usernames,
        TreeId::UsernameSkeletons,
        TreeId::Credentials,
        TreeId::UserTokens,
        TreeId::Spaces,
        TreeId::Members,
        TreeId::UserSpaces,
        TreeId::Pages,
        TreeId::PageRevisions,
        TreeId::Revisions,
        TreeId::Texts,
        TreeId::Events,
        TreeId::PageIds,
        TreeId::LinksOut,
        TreeId::LinksIn,
        TreeId::JoinRequests,
        TreeId::Pending,
        TreeId::SpaceEvents,
        TreeId::Watchlist,
        TreeId::Watchers,
        TreeId::Notifications,
        TreeId::Proposals,
        TreeId::SpaceProposals,
        TreeId::ProposalDeadlines,
        TreeId::Sanctions,
        TreeId::SpaceSanctions,
        TreeId::UserSanctions,
        TreeId::SanctionEnds,
        TreeId::Reports,
        TreeId::SpaceReports,
        TreeId::Disputes,
        TreeId::SpaceDisputes,
        TreeId::PageDisputes,
        TreeId::PageAuthors,
        TreeId::TextRefs,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            TreeId::Meta => "meta",
            TreeId::Users => "users",
            TreeId::Usernames => "usernames",
            TreeId::UsernameSkeletons => "username_skeletons",
            TreeId::Credentials => "credentials",
            TreeId::UserTokens => "user_tokens",
            TreeId::Spaces => "spaces",
            TreeId::Members => "members",
            TreeId::UserSpaces => "user_spaces",
            TreeId::Pages => "pages",
            TreeId::PageRevisions => "page_revisions",
            TreeId::Revisions => "revisions",
            TreeId::Texts => "texts",
            TreeId::Events => "events",
            TreeId::PageIds => "page_ids",
            TreeId::LinksOut => "links_out",
            TreeId::LinksIn => "links_in",
            TreeId::JoinRequests => "join_requests",
            TreeId::Pending => "pending",
            TreeId::SpaceEvents => "space_events",
            TreeId::Watchlist => "watchlist",
            TreeId::Watchers => "watchers",
            TreeId::Notifications => "notifications",
            TreeId::Proposals => "proposals",
            TreeId::SpaceProposals => "space_proposals",
            TreeId::ProposalDeadlines => "proposal_deadlines",
            TreeId::Sanctions => "sanctions",
            TreeId::SpaceSanctions => "space_sanctions",
            TreeId::UserSanctions => "user_sanctions",
            TreeId::SanctionEnds => "sanction_ends",
            TreeId::Reports => "reports",
            TreeId::SpaceReports => "space_reports",
            TreeId::Disputes => "disputes",
            TreeId::SpaceDisputes => "space_disputes",
            TreeId::PageDisputes => "page_disputes",
            TreeId::PageAuthors => "page_authors",
            TreeId::TextRefs => "text_refs",
        }
    }
}

/// The error type inside a transaction closure.
pub(crate) type Abort = ConflictableTransactionError<StoreError>;

impl From<StoreError> for Abort {
    fn from(error: StoreError) -> Self {
        ConflictableTransactionError::Abort(error)
    }
}

/// Runs `apply` as one transaction over every tree.
pub(crate) fn run<T>(
    trees: &Trees,
    apply: impl Fn(&Tx<'_>) -> Result<T, Abort>,
) -> Result<T, StoreError> {
    trees.trees[..]
        .transaction(|view: &Vec<TransactionalTree>| {
            apply(&Tx {
                view,
                wrote: Cell::new(false),
            })
        })
        .map_err(|error| match error {
            TransactionError::Abort(error) => error,
            TransactionError::Storage(error) => StoreError::Sled(error),
        })
}

pub(crate) fn encode<R: Serialize>(record: &R) -> Vec<u8> {
    // Serialising our own record types to JSON cannot fail: no maps with
    // non-string keys, no failing Serialize impls.
    serde_json::to_vec(record).unwrap_or_default()
}

pub(crate) fn decode<R: DeserializeOwned>(tree: TreeId, bytes: &[u8]) -> Result<R, StoreError> {
    serde_json::from_slice(bytes).map_err(|error| StoreError::Corrupt {
        tree: tree.name(),
        detail: error.to_string(),
    })
}

pub(crate) fn user_key(user: UserId) -> [u8; 8] {
    user.to_be_bytes()
}

/// `prefix ++ 0 ++ suffix`: the separator keeps `ab`+`c` apart from `a`+`bc`.
pub(crate) fn joined_key(prefix: &str, suffix: &[u8]) -> Vec<u8> {
    let mut key = Vec::with_capacity(prefix.len() + 1 + suffix.len());
    key.extend_from_slice(prefix.as_bytes());
    key.push(0);
    key.extend_from_slice(suffix);
    key
}

pub(crate) fn pair_key(first: u64, second: u64) -> [u8; 16] {
    let mut key = [0u8; 16];
    key[..8].copy_from_slice(&first.to_be_bytes());
    key[8..].copy_from_slice(&second.to_be_bytes());
    key
}

pub(crate) fn last_event_seq(trees: &Trees) -> Result<EventSeq, StoreError> {
    Ok(match trees.tree(TreeId::Events).last()? {
        Some((key, _)) => seq_from_key(&key),
        None => 0,
    })
}

pub(crate) fn seq_from_key(key: &[u8]) -> EventSeq {
    <[u8; 8]>::try_from(key)
        .map(u64::from_be_bytes)
        .unwrap_or(0)
}

/// A transaction in progress, with typed access to the trees.
pub(crate) struct Tx<'a> {
    view: &'a [TransactionalTree],
    /// Whether the current write has written anything yet (see `writer`).
    wrote: Cell<bool>,
}

impl Tx<'_> {
    fn tree(&self, id: TreeId) -> &TransactionalTree {
        &self.view[id as usize]
    }

    /// Marks the start of one write of a batch.
    pub(crate) fn start_write(&self) {
        self.wrote.set(false);
    }

    /// True once the current write has put or removed a key.
    pub(crate) fn wrote(&self) -> bool {
        self.wrote.get()
    }

    pub(crate) fn get_raw(&self, tree: TreeId, key: &[u8]) -> Result<Option<IVec>, Abort> {
        Ok(self.tree(tree).get(key)?)
    }

    pub(crate) fn get<R: DeserializeOwned>(
        &self,
        tree: TreeId,
        key: &[u8],
    ) -> Result<Option<R>, Abort> {
        match self.get_raw(tree, key)? {
            Some(bytes) => Ok(Some(decode(tree, &bytes)?)),
            None => Ok(None),
        }
    }

    pub(crate) fn put<R: Serialize>(
        &self,
        tree: TreeId,
        key: &[u8],
        record: &R,
    ) -> Result<(), Abort> {
        self.put_raw(tree, key, &encode(record))
    }

    pub(crate) fn put_raw(&self, tree: TreeId, key: &[u8], value: &[u8]) -> Result<(), Abort> {
        self.wrote.set(true);
        self.tree(tree).insert(key, value)?;
        Ok(())
    }

    pub(crate) fn remove(&self, tree: TreeId, key: &[u8]) -> Result<(), Abort> {
        self.wrote.set(true);
        self.tree(tree).remove(key)?;
        Ok(())
    }

    /// Allocates the next value of a named counter (1, 2, 3…).
    pub(crate) fn next_id(&self, counter: &str) -> Result<u64, Abort> {
        let key = format!("next/{counter}");
        let next = match self.get_raw(TreeId::Meta, key.as_bytes())? {
            Some(bytes) => <[u8; 8]>::try_from(bytes.as_ref())
                .map(u64::from_be_bytes)
                .map_err(|_| StoreError::Corrupt {
                    tree: "meta",
                    detail: format!("counter {counter} is not 8 bytes"),
                })?,
            None => 1,
        };
        self.put_raw(TreeId::Meta, key.as_bytes(), &(next + 1).to_be_bytes())?;
        Ok(next)
    }

    /// Appends `event` to the log with the next sequence number.
    /// Appends `event` to the log, indexes it under its space, and notifies
    /// the users it concerns, all in this transaction.
    pub(crate) fn append_event(&self, mut event: Event) -> Result<EventSeq, Abort> {
        event.seq = self.next_id("event")?;
        self.put(TreeId::Events, &event.seq.to_be_bytes(), &event)?;
        if let Some(space) = &event.space {
            self.put_raw(
                TreeId::SpaceEvents,
                &joined_key(space, &event.seq.to_be_bytes()),
                &[],
            )?;
        }
        for user in self.concerned(&event)? {
            self.put_raw(TreeId::Notifications, &pair_key(user, event.seq), &[])?;
        }
        Ok(event.seq)
    }

    /// Who is notified of `event`: the watchers of a changed page, the
    /// author of a reviewed revision, the member a governance action is
    /// about; never the actor themselves.
    fn concerned(&self, event: &Event) -> Result<BTreeSet<UserId>, Abort> {
        let mut users = BTreeSet::new();
        if event.kind.is_page_change()
            && let (Some(space), Some(slug)) = (&event.space, &event.slug)
        {
            let watchers: Option<Vec<UserId>> =
                self.get(TreeId::Watchers, &joined_key(space, slug.as_bytes()))?;
            users.extend(watchers.unwrap_or_default());
        }
        if matches!(
            event.kind,
            EventKind::Publish | EventKind::ReviewApprove | EventKind::ReviewReject
        ) && let Some(id) = event.revision
            && let Some(revision) = self.get::<Revision>(TreeId::Revisions, &id.to_be_bytes())?
        {
            users.insert(revision.author);
        }
        users.extend(event.subject);
        if let Some(actor) = event.actor {
            users.remove(&actor);
        }
        Ok(users)
    }
}
