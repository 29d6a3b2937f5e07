//! Spaces: creating one (its creator is steward), its charter, changes of
//! membership decided by governance, and join requests. Each change is
//! logged in the space's governance log (the event log) in the same
//! transaction; the membership records themselves live in [`super::members`].

use serde_json::Value;

use super::members::{member_key, put_member, remove_member};
use super::records::{JoinRequest, Member, Space, entry};
use super::tx::{self, Abort, TreeId, Tx, joined_key};
use super::{Store, StoreError, sanctions};
use crate::model::{EventKind, SpaceSlug, Standing, Timestamp, UserId};

/// A space about to be created.
#[derive(Debug, Clone)]
pub struct NewSpace {
    pub slug: SpaceSlug,
    pub title: String,
    pub parent: Option<SpaceSlug>,
    /// A JSON merge patch over the parent's charter (already validated).
    pub charter: Value,
    pub creator: UserId,
    pub reason: String,
    /// The spaces its charter was validated against (the parent's chain),
    /// as read: if one changed meanwhile, `HeadMoved`.
    pub based_on: Vec<Space>,
}

/// Refuses with `HeadMoved` unless each space is still as it was read: a
/// charter decision rests on its ancestors' and descendants' charters.
pub(super) fn check_unchanged(tx: &Tx<'_>, spaces: &[Space]) -> Result<(), Abort> {
    for space in spaces {
        if tx
            .get::<Space>(TreeId::Spaces, space.slug.as_bytes())?
            .as_ref()
            != Some(space)
        {
            return Err(StoreError::HeadMoved.into());
        }
    }
    Ok(())
}

/// A change of membership, logged as `action`.
#[derive(Debug, Clone)]
pub struct MembershipChange {
    pub space: SpaceSlug,
    pub user: UserId,
    /// The user's name, for the log's target.
    pub username: String,
    /// The new standing; `None` ends the membership.
    pub standing: Option<Standing>,
    pub actor: Option<UserId>,
    pub action: EventKind,
    pub reason: String,
    /// What the change was decided on, checked again where it is written:
    /// if it no longer holds, the change is refused with `HeadMoved`.
    pub requires: Requires,
}

/// The state of a membership a change was decided on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requires {
    /// Whatever it is now (appointments, proposals, admin powers).
    Nothing,
    /// The member's recorded standing here is this one: a promotion decided
    /// on `newcomer` must not undo an appointment made meanwhile.
    Standing(Standing),
    /// A join request waits and the user is not a member: two accepting at
    /// once accept once, and never over an appointment.
    JoinRequest,
    /// The user is not a member, and has had no sanction since the one
    /// named (a ban issued while they joined is seen).
    Joining { newest_sanction: Option<u64> },
}

/// Creates a space with its creator as steward, logged in its own log.
pub(super) fn create_space(tx: &Tx<'_>, new: &NewSpace, now: Timestamp) -> Result<Space, Abort> {
    let key = new.slug.as_str().as_bytes();
    if tx.get_raw(TreeId::Spaces, key)?.is_some() {
        return Err(StoreError::SpaceExists.into());
    }
    check_unchanged(tx, &new.based_on)?;
    if let Some(parent) = &new.parent {
        let parent_key = parent.as_str().as_bytes();
        let mut record: Space = tx
            .get(TreeId::Spaces, parent_key)?
            .ok_or(StoreError::NotFound)?;
        record.children += 1;
        tx.put(TreeId::Spaces, parent_key, &record)?;
    }
    let space = Space {
        slug: new.slug.to_string(),
        title: new.title.clone(),
        parent: new.parent.as_ref().map(ToString::to_string),
        charter: new.charter.clone(),
        created_at: now,
        created_by: Some(new.creator),
        children: 0,
    };
    tx.put(TreeId::Spaces, key, &space)?;
    put_member(tx, &space.slug, new.creator, Standing::Steward, now)?;
    let target = format!("space:{}", space.slug);
    tx.append_event(entry(
        &space.slug,
        EventKind::SpaceCreate,
        Some(new.creator),
        target,
        &new.reason,
        now,
    ))?;
    Ok(space)
}

/// Sets (or ends) a membership, logged as `change.action`.
pub(super) fn change_membership(
    tx: &Tx<'_>,
    change: &MembershipChange,
    now: Timestamp,
) -> Result<Option<Member>, Abort> {
    let space = change.space.as_str();
    let key = member_key(space, change.user);
    let holds = match change.requires {
        Requires::Nothing => true,
        Requires::Standing(expected) => {
            tx.get::<Member>(TreeId::Members, &key)?.map(|m| m.standing) == Some(expected)
        }
        Requires::JoinRequest => {
            tx.get_raw(TreeId::JoinRequests, &key)?.is_some()
                && tx.get_raw(TreeId::Members, &key)?.is_none()
        }
        Requires::Joining { newest_sanction } => {
            tx.get_raw(TreeId::Members, &key)?.is_none()
                && sanctions::newest_of(tx, change.user)? == newest_sanction
        }
    };
    if !holds {
        return Err(StoreError::HeadMoved.into());
    }
    let member = match change.standing {
        Some(standing) => Some(put_member(tx, space, change.user, standing, now)?),
        None => {
            remove_member(tx, space, change.user)?;
            None
        }
    };
    tx.remove(TreeId::JoinRequests, &member_key(space, change.user))?;
    let target = format!("user:{}", change.username);
    tx.append_event(
        entry(
            space,
            change.action,
            change.actor,
            target,
            &change.reason,
            now,
        )
        .about(change.user),
    )?;
    Ok(member)
}

impl Store {
    pub async fn create_space(&self, new: NewSpace) -> Result<Space, StoreError> {
        let now = self.now();
        self.write(0, move |tx| create_space(tx, &new, now)).await
    }

    /// The space and its ancestors, outermost first.
    pub fn space_chain(&self, slug: &SpaceSlug) -> Result<Vec<Space>, StoreError> {
        Ok(self.space_chain_with_digest(slug)?.0)
    }

    /// The chain of `slug` (outermost first) and the digest of the records
    /// it was read from (see [`Store::spaces_digest`]).
    pub fn space_chain_with_digest(
        &self,
        slug: &SpaceSlug,
    ) -> Result<(Vec<Space>, u64), StoreError> {
        let mut chain = Vec::new();
        let mut digest = Digest::default();
        let mut next = Some(slug.to_string());
        while let Some(current) = next {
            // A parent cycle cannot be written, but never loop on bad data.
            if chain.len() > 64 || chain.iter().any(|s: &Space| s.slug == current) {
                return Err(StoreError::Corrupt {
                    tree: TreeId::Spaces.name(),
                    detail: format!("the parents of {slug} loop"),
                });
            }
            let raw = self.trees().tree(TreeId::Spaces).get(current.as_bytes())?;
            digest.add(&current, raw.as_deref());
            let Some(raw) = raw else {
                break;
            };
            let space: Space = tx::decode(TreeId::Spaces, &raw)?;
            next = space.parent.clone();
            chain.push(space);
        }
        chain.reverse();
        Ok((chain, digest.0))
    }

    /// A digest of the records of the spaces `slugs` (innermost first, as
    /// [`Store::space_chain_with_digest`] reads them): equal digests, equal
    /// records. What caches of spaces check themselves against.
    pub fn spaces_digest<'a>(
        &self,
        slugs: impl Iterator<Item = &'a str>,
    ) -> Result<u64, StoreError> {
        let mut digest = Digest::default();
        for slug in slugs {
            let raw = self.trees().tree(TreeId::Spaces).get(slug.as_bytes())?;
            digest.add(slug, raw.as_deref());
        }
        Ok(digest.0)
    }

    /// Every member of `space` with a standing recorded there.
    pub fn members(&self, space: &SpaceSlug) -> Result<Vec<(UserId, Member)>, StoreError> {
        let prefix = joined_key(space.as_str(), b"");
        self.trees()
            .tree(TreeId::Members)
            .scan_prefix(&prefix)
            .map(|item| {
                let (key, value) = item?;
                let user = super::tx::seq_from_key(&key[prefix.len()..]);
                Ok((user, super::tx::decode(TreeId::Members, &value)?))
            })
            .collect()
    }

    /// Sets (or ends) a membership and logs it.
    pub async fn change_membership(
        &self,
        change: MembershipChange,
    ) -> Result<Option<Member>, StoreError> {
        let now = self.now();
        self.write(0, move |tx| change_membership(tx, &change, now))
            .await
    }

    /// Records a request to join `space` (idempotent) and logs it.
    pub async fn request_join(
        &self,
        space: SpaceSlug,
        user: UserId,
        username: String,
    ) -> Result<(), StoreError> {
        let now = self.now();
        self.write(0, move |tx| {
            let key = member_key(space.as_str(), user);
            if tx.get_raw(TreeId::JoinRequests, &key)?.is_some() {
                return Ok(());
            }
            tx.put(TreeId::JoinRequests, &key, &JoinRequest { at: now })?;
            let target = format!("user:{username}");
            tx.append_event(entry(
                space.as_str(),
                EventKind::JoinRequest,
                Some(user),
                target,
                "",
                now,
            ))?;
            Ok(())
        })
        .await
    }

    pub fn join_request(
        &self,
        space: &SpaceSlug,
        user: UserId,
    ) -> Result<Option<JoinRequest>, StoreError> {
        self.get(TreeId::JoinRequests, &member_key(space.as_str(), user))
    }
}

/// A running hash of space records (their slugs and raw bytes).
#[derive(Default)]
struct Digest(u64);

impl Digest {
    fn add(&mut self, slug: &str, raw: Option<&[u8]>) {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        self.0.hash(&mut hasher);
        slug.hash(&mut hasher);
        raw.hash(&mut hasher);
        self.0 = hasher.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(standing: Standing, requires: Requires) -> MembershipChange {
        MembershipChange {
            space: SpaceSlug::main(),
            user: 5,
            username: "noe".to_owned(),
            standing: Some(standing),
            actor: None,
            action: EventKind::StandingChange,
            reason: String::new(),
            requires,
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_promotion_decided_on_newcomer_does_not_undo_an_appointment() {
        let store = Store::temporary().unwrap();
        store
            .change_membership(change(Standing::Newcomer, Requires::Nothing))
            .await
            .unwrap();
        // Appointed reviewer while the clock was deciding a promotion.
        store
            .change_membership(change(Standing::Reviewer, Requires::Nothing))
            .await
            .unwrap();
        let promotion = store
            .change_membership(change(
                Standing::Contributor,
                Requires::Standing(Standing::Newcomer),
            ))
            .await;
        assert!(matches!(promotion, Err(StoreError::HeadMoved)));
        let member = store.member(&SpaceSlug::main(), 5).unwrap().unwrap();
        assert_eq!(member.standing, Standing::Reviewer);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_join_decided_before_a_ban_landed_is_decided_again() {
        let store = Store::temporary().unwrap();
        let seen = store.newest_sanction(5).unwrap();
        store
            .issue_sanction(crate::store::NewSanction {
                space: SpaceSlug::main(),
                user: 5,
                username: "noe".to_owned(),
                step: "ban".to_owned(),
                reason: "spam".to_owned(),
                issued_by: 1,
                ends_at: None,
                ends_membership: true,
                newest_seen: seen,
            })
            .await
            .unwrap();
        let join = store
            .change_membership(MembershipChange {
                action: EventKind::Join,
                ..change(
                    Standing::Newcomer,
                    Requires::Joining {
                        newest_sanction: seen,
                    },
                )
            })
            .await;
        assert!(matches!(join, Err(StoreError::HeadMoved)));
        assert!(store.member(&SpaceSlug::main(), 5).unwrap().is_none());
    }
}
