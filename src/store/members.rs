//! Memberships: who is a member of which space, with what standing, and
//! the index from a user to their spaces. Spaces, sanctions, pages and
//! reviews change memberships through these helpers, inside their own
//! transactions.

use super::records::{Member, User, entry};
use super::tx::{Abort, TreeId, Tx, joined_key, user_key};
use crate::model::{EventKind, Standing, Timestamp, UserId};

pub(super) fn member_key(space: &str, user: UserId) -> Vec<u8> {
    joined_key(space, &user_key(user))
}

fn index_key(space: &str, user: UserId) -> Vec<u8> {
    let mut key = user_key(user).to_vec();
    key.extend_from_slice(space.as_bytes());
    key
}

/// Makes `user` a member of `space` with `standing`, keeping when they
/// joined and what they did if they were one already.
pub(super) fn put_member(
    tx: &Tx<'_>,
    space: &str,
    user: UserId,
    standing: Standing,
    now: Timestamp,
) -> Result<Member, Abort> {
    let key = member_key(space, user);
    let member = match tx.get::<Member>(TreeId::Members, &key)? {
        Some(existing) => Member {
            standing,
            ..existing
        },
        None => Member {
            standing,
            since: now,
            accepted_edits: 0,
        },
    };
    tx.put(TreeId::Members, &key, &member)?;
    tx.put_raw(TreeId::UserSpaces, &index_key(space, user), &[])?;
    Ok(member)
}

pub(super) fn remove_member(tx: &Tx<'_>, space: &str, user: UserId) -> Result<(), Abort> {
    tx.remove(TreeId::Members, &member_key(space, user))?;
    tx.remove(TreeId::UserSpaces, &index_key(space, user))
}

/// Makes `user` a newcomer of the open `space` they are contributing to,
/// unless they are a member already.
pub(super) fn join_by_contributing(
    tx: &Tx<'_>,
    space: &str,
    user: UserId,
    now: Timestamp,
) -> Result<(), Abort> {
    if tx
        .get_raw(TreeId::Members, &member_key(space, user))?
        .is_some()
    {
        return Ok(());
    }
    put_member(tx, space, user, Standing::Newcomer, now)?;
    let username = tx
        .get::<User>(TreeId::Users, &user_key(user))?
        .map_or_else(|| format!("#{user}"), |u| u.username);
    let target = format!("user:{username}");
    tx.append_event(entry(
        space,
        EventKind::Join,
        Some(user),
        target,
        "first contribution",
        now,
    ))?;
    Ok(())
}

/// Counts one more published edit of `user` in `space`, if a member there.
pub(super) fn count_accepted_edit(tx: &Tx<'_>, space: &str, user: UserId) -> Result<(), Abort> {
    let key = member_key(space, user);
    if let Some(mut member) = tx.get::<Member>(TreeId::Members, &key)? {
        member.accepted_edits += 1;
        tx.put(TreeId::Members, &key, &member)?;
    }
    Ok(())
}
