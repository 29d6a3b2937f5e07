//! Reports and sanctions: issuing one (a ban ends the membership in the
//! same transaction), lifting one (at its end, or by a passed appeal, which
//! gives a banned member their standing back), and the indexes that find a
//! member's sanctions and the ones due to end.

use super::members;
use super::records::entry;
use super::records::{Member, Report, Sanction};
use super::tx::{self, Abort, TreeId, Tx, joined_key, pair_key};
use super::{Store, StoreError};
use crate::model::{EventKind, RevisionId, SpaceSlug, Standing, Timestamp, UserId};

/// A sanction about to be issued (its step chosen by the service).
#[derive(Debug, Clone)]
pub struct NewSanction {
    pub space: SpaceSlug,
    pub user: UserId,
    pub username: String,
    pub step: String,
    pub reason: String,
    pub issued_by: UserId,
    pub ends_at: Option<Timestamp>,
    /// A ban: the membership ends now (and comes back if an appeal passes).
    pub ends_membership: bool,
    /// The user's newest sanction when the step was chosen: if another was
    /// issued meanwhile, the step is refused with `HeadMoved` and chosen
    /// again, so two issuers at once still climb the ladder.
    pub newest_seen: Option<u64>,
}

/// Meta key holding the id of `user`'s newest sanction (any space).
fn newest_key(user: UserId) -> Vec<u8> {
    let mut key = b"newest_sanction/".to_vec();
    key.extend_from_slice(&user.to_be_bytes());
    key
}

/// The sanctions an actor's action was decided under, checked again where
/// it is written: a suspension issued while an edit or a vote was being
/// decided sends it back to be decided again (`SanctionedMeanwhile`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SanctionsSeen {
    /// A write of the community's own (a rollback, a passed proposal).
    NotChecked,
    /// The id of the actor's newest sanction when it was decided.
    Newest(Option<u64>),
}

/// Refuses with `SanctionedMeanwhile` if `user` was sanctioned since `seen`.
pub(super) fn check_seen(tx: &Tx<'_>, user: UserId, seen: SanctionsSeen) -> Result<(), Abort> {
    match seen {
        SanctionsSeen::Newest(newest) if newest_of(tx, user)? != newest => {
            Err(StoreError::SanctionedMeanwhile.into())
        }
        _ => Ok(()),
    }
}

/// The id of `user`'s newest sanction, read inside a transaction.
pub(super) fn newest_of(tx: &Tx<'_>, user: UserId) -> Result<Option<u64>, Abort> {
    tx.get::<u64>(TreeId::Meta, &newest_key(user))
}

#[derive(Debug, Clone)]
pub struct NewReport {
    pub space: SpaceSlug,
    pub reporter: UserId,
    pub user: Option<(UserId, String)>,
    pub revision: Option<RevisionId>,
    pub reason: String,
}

fn end_key(at: Timestamp, id: u64) -> [u8; 16] {
    pair_key(at.millis().max(0) as u64, id)
}

fn load(tx: &Tx<'_>, id: u64) -> Result<Sanction, Abort> {
    tx.get(TreeId::Sanctions, &id.to_be_bytes())?
        .ok_or_else(|| StoreError::NotFound.into())
}

/// Lifts a sanction (idempotent); a passed appeal of a ban (`restore`)
/// gives the member their standing back.
pub(super) fn lift(
    tx: &Tx<'_>,
    id: u64,
    reason: &str,
    by_appeal: bool,
    now: Timestamp,
) -> Result<Option<Sanction>, Abort> {
    let mut sanction = load(tx, id)?;
    if sanction.lifted_at.is_some() {
        // An appeal decided on a sanction in force is decided again (and
        // closes rejected: nothing left to lift); the clock just moves on.
        return match by_appeal {
            true => Err(StoreError::HeadMoved.into()),
            false => Ok(None),
        };
    }
    sanction.lifted_at = Some(now);
    sanction.lift_reason = reason.to_owned();
    sanction.lifted_by_appeal = by_appeal;
    if let Some(ends) = sanction.ends_at {
        tx.remove(TreeId::SanctionEnds, &end_key(ends, id))?;
    }
    if by_appeal && let Some(standing) = sanction.previous_standing {
        members::put_member(tx, &sanction.space, sanction.user, standing, now)?;
    }
    tx.put(TreeId::Sanctions, &id.to_be_bytes(), &sanction)?;
    tx.append_event(
        entry(
            &sanction.space,
            EventKind::SanctionLift,
            None,
            format!("sanction:{id}"),
            reason,
            now,
        )
        .about(sanction.user),
    )?;
    Ok(Some(sanction))
}

/// Marks `sanction` as appealed by proposal `proposal` (once only).
pub(super) fn mark_appealed(tx: &Tx<'_>, id: u64, proposal: u64) -> Result<(), Abort> {
    let mut sanction = load(tx, id)?;
    if sanction.appeal.is_some() {
        return Err(StoreError::AlreadyAppealed.into());
    }
    sanction.appeal = Some(proposal);
    tx.put(TreeId::Sanctions, &id.to_be_bytes(), &sanction)
}

impl Store {
    /// The id of `user`'s newest sanction, to issue the next against.
    pub fn newest_sanction(&self, user: UserId) -> Result<Option<u64>, StoreError> {
        self.get(TreeId::Meta, &newest_key(user))
    }

    pub async fn issue_sanction(&self, new: NewSanction) -> Result<Sanction, StoreError> {
        let now = self.now();
        self.write(0, move |tx| {
            let newest = newest_key(new.user);
            if newest_of(tx, new.user)? != new.newest_seen {
                return Err(StoreError::HeadMoved.into());
            }
            let space = new.space.as_str();
            let previous_standing: Option<Standing> = if new.ends_membership {
                let member: Option<Member> =
                    tx.get(TreeId::Members, &members::member_key(space, new.user))?;
                members::remove_member(tx, space, new.user)?;
                member.map(|m| m.standing)
            } else {
                None
            };
            let sanction = Sanction {
                id: tx.next_id("sanction")?,
                space: space.to_owned(),
                user: new.user,
                step: new.step.clone(),
                reason: new.reason.clone(),
                issued_by: new.issued_by,
                starts_at: now,
                ends_at: new.ends_at,
                lifted_at: None,
                lift_reason: String::new(),
                appeal: None,
                previous_standing,
                lifted_by_appeal: false,
            };
            let id = sanction.id;
            tx.put(TreeId::Meta, &newest, &id)?;
            tx.put(TreeId::Sanctions, &id.to_be_bytes(), &sanction)?;
            tx.put_raw(
                TreeId::SpaceSanctions,
                &joined_key(space, &id.to_be_bytes()),
                &[],
            )?;
            tx.put_raw(TreeId::UserSanctions, &pair_key(new.user, id), &[])?;
            if let Some(ends) = new.ends_at {
                tx.put_raw(TreeId::SanctionEnds, &end_key(ends, id), &[])?;
            }
            tx.append_event(
                entry(
                    space,
                    EventKind::Sanction,
                    Some(new.issued_by),
                    format!("sanction:{id}"),
                    &new.reason,
                    now,
                )
                .with_detail(serde_json::json!({ "step": new.step, "user": new.username }))
                .about(new.user),
            )?;
            Ok(sanction)
        })
        .await
    }

    /// Lifts every sanction whose end has come; returns how many.
    pub async fn lift_ended_sanctions(&self, now: Timestamp) -> Result<usize, StoreError> {
        let end = pair_key(now.millis().max(0) as u64, u64::MAX);
        let due: Vec<u64> = self
            .trees()
            .tree(TreeId::SanctionEnds)
            .range(..=end)
            .keys()
            .map(|key| Ok(tx::seq_from_key(&key?[8..])))
            .collect::<Result<_, StoreError>>()?;
        for &id in &due {
            self.write(0, move |tx| lift(tx, id, "its time is over", false, now))
                .await?;
        }
        Ok(due.len())
    }

    pub fn sanction(&self, id: u64) -> Result<Option<Sanction>, StoreError> {
        self.get(TreeId::Sanctions, &id.to_be_bytes())
    }

    /// Every sanction `user` ever received, in every space, oldest first.
    pub fn sanctions_of(&self, user: UserId) -> Result<Vec<Sanction>, StoreError> {
        let prefix = user.to_be_bytes();
        let mut sanctions = Vec::new();
        for key in self
            .trees()
            .tree(TreeId::UserSanctions)
            .scan_prefix(prefix)
            .keys()
        {
            let id = tx::seq_from_key(&key?[8..]);
            sanctions.extend(self.sanction(id)?);
        }
        Ok(sanctions)
    }

    /// The sanctions issued in `space`, newest first.
    pub fn space_sanctions(&self, space: &SpaceSlug) -> Result<Vec<Sanction>, StoreError> {
        let prefix = joined_key(space.as_str(), b"");
        let mut sanctions = Vec::new();
        for key in self
            .trees()
            .tree(TreeId::SpaceSanctions)
            .scan_prefix(&prefix)
            .keys()
            .rev()
        {
            let id = tx::seq_from_key(&key?[prefix.len()..]);
            sanctions.extend(self.sanction(id)?);
        }
        Ok(sanctions)
    }

    pub async fn report(&self, new: NewReport) -> Result<Report, StoreError> {
        let now = self.now();
        self.write(0, move |tx| {
            let report = Report {
                id: tx.next_id("report")?,
                space: new.space.to_string(),
                reporter: new.reporter,
                user: new.user.as_ref().map(|(id, _)| *id),
                revision: new.revision,
                reason: new.reason.clone(),
                at: now,
            };
            tx.put(TreeId::Reports, &report.id.to_be_bytes(), &report)?;
            tx.put_raw(
                TreeId::SpaceReports,
                &joined_key(&report.space, &report.id.to_be_bytes()),
                &[],
            )?;
            let target = match (&new.user, new.revision) {
                (_, Some(revision)) => format!("revision:{revision}"),
                (Some((_, name)), None) => format!("user:{name}"),
                (None, None) => format!("space:{}", report.space),
            };
            tx.append_event(
                entry(
                    &report.space,
                    EventKind::Report,
                    Some(new.reporter),
                    target,
                    &new.reason,
                    now,
                )
                .of_revision(new.revision),
            )?;
            Ok(report)
        })
        .await
    }

    /// The reports made in `space`, newest first.
    pub fn reports(&self, space: &SpaceSlug) -> Result<Vec<Report>, StoreError> {
        let prefix = joined_key(space.as_str(), b"");
        let mut reports = Vec::new();
        for key in self
            .trees()
            .tree(TreeId::SpaceReports)
            .scan_prefix(&prefix)
            .keys()
            .rev()
        {
            let id = tx::seq_from_key(&key?[prefix.len()..]);
            reports.extend(self.get::<Report>(TreeId::Reports, &id.to_be_bytes())?);
        }
        Ok(reports)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Expected, NewRevision};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_edit_decided_before_a_suspension_landed_is_decided_again() {
        let store = Store::temporary().unwrap();
        let seen = SanctionsSeen::Newest(store.newest_sanction(5).unwrap());
        store
            .issue_sanction(NewSanction {
                space: SpaceSlug::main(),
                user: 5,
                username: "noe".to_owned(),
                step: "suspension:1d".to_owned(),
                reason: "edit war".to_owned(),
                issued_by: 1,
                ends_at: Some(store.now().plus_seconds(86_400)),
                ends_membership: false,
                newest_seen: None,
            })
            .await
            .unwrap();
        let edit = NewRevision {
            sanctions_seen: seen,
            ..NewRevision::published("Agenda", Expected::Absent, 5, "Réunion lundi.\n").unwrap()
        };
        let refused = store.append_revision(edit.clone()).await;
        assert!(
            matches!(refused, Err(StoreError::SanctionedMeanwhile)),
            "{refused:?}"
        );
        let fresh = SanctionsSeen::Newest(store.newest_sanction(5).unwrap());
        store
            .append_revision(NewRevision {
                sanctions_seen: fresh,
                ..edit
            })
            .await
            .unwrap();
    }
}
