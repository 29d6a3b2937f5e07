//! Graduated sanctions and reports (Ostrom's principle 5): members report
//! revisions or members; reviewers and stewards issue the ladder's next
//! step (or a lighter one); the engine enforces what is in force, here and
//! in child spaces; sanctions lift at their end or by a passed appeal.

use super::facts::Place;
use super::listing::numeric_key;
use super::retry::optimistically;
use super::{
    Actor, App, ProposalRequest, ProposalView, ReportView, SanctionView, ServiceError,
    ServiceResult,
};
use super::{ListRequest, Listing, Order};
use crate::governance::charter::Step;
use crate::governance::{Action, Decision, SanctionKind, StepError, step_to_issue};
use crate::model::{ErrorCode, ProposalKind, RevisionId, Timestamp, UserId};
use crate::store::{NewReport, NewSanction, Sanction, Space, StoreError};

const MAX_REASON_CHARS: usize = 2000;

/// A governance reason (reports, sanctions, disputes, admin powers):
/// trimmed, 1 to 2000 characters.
pub(super) fn clean_reason(reason: &str) -> ServiceResult<String> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
        return Err(ServiceError::InvalidInput(format!(
            "reason is 1 to {MAX_REASON_CHARS} characters"
        )));
    }
    Ok(reason.to_owned())
}

/// Whether a sanction has effects now. A warning records only, so it
/// never does; the others until they end or are lifted.
pub(super) fn in_force(sanction: &Sanction, now: Timestamp) -> bool {
    kind_of(sanction) != SanctionKind::Warning
        && sanction.lifted_at.is_none()
        && sanction.ends_at.is_none_or(|ends| now < ends)
}

fn kind_of(sanction: &Sanction) -> SanctionKind {
    Step::parse(&sanction.step).map_or(SanctionKind::Warning, Step::kind)
}

impl App {
    /// The sanctions of `user` in force in `place`: issued there or in an
    /// enclosing space.
    pub(super) fn sanctions_in_force(
        &self,
        user: UserId,
        place: &Place,
    ) -> ServiceResult<Vec<Sanction>> {
        let now = self.now();
        Ok(self
            .store()
            .sanctions_of(user)?
            .into_iter()
            .filter(|s| in_force(s, now) && place.chain.iter().any(|space| space.slug == s.space))
            .collect())
    }

    /// Whether a ban issued in one of `spaces` is in force on `user`.
    pub(super) fn banned_in(&self, user: UserId, spaces: &[Space]) -> ServiceResult<bool> {
        let now = self.now();
        Ok(self.store().sanctions_of(user)?.iter().any(|sanction| {
            in_force(sanction, now)
                && kind_of(sanction) == SanctionKind::Ban
                && spaces.iter().any(|space| space.slug == sanction.space)
        }))
    }

    /// What the engine needs of `user`'s sanctions in `place`: their kinds,
    /// and when the longest suspension ends.
    pub(super) fn sanction_facts(
        &self,
        user: UserId,
        place: &Place,
    ) -> ServiceResult<(Vec<SanctionKind>, Option<Timestamp>)> {
        let sanctions = self.sanctions_in_force(user, place)?;
        let until = sanctions
            .iter()
            .filter(|s| kind_of(s) == SanctionKind::Suspension)
            .filter_map(|s| s.ends_at)
            .max();
        Ok((sanctions.iter().map(kind_of).collect(), until))
    }

    /// A member reports a revision or a member of the space.
    pub async fn report(
        &self,
        actor: &Actor,
        space: &str,
        user: Option<&str>,
        revision: Option<RevisionId>,
        reason: &str,
    ) -> ServiceResult<ReportView> {
        let place = self.place(Some(actor), space)?;
        let facts = self.actor_facts(actor, &place)?;
        if let Decision::Deny(denial) = self.decide(&facts, &place, &Action::Report) {
            return Err(ServiceError::Denied(denial));
        }
        let reason = clean_reason(reason)?;
        if user.is_none() && revision.is_none() {
            return Err(ServiceError::InvalidInput(
                "a report names a user, a revision, or both".to_owned(),
            ));
        }
        let user = user.map(|name| self.user_named(name)).transpose()?;
        if let Some(id) = revision {
            let in_space = self
                .store()
                .revision(id)?
                .and_then(|r| self.store().page_by_id(r.page).ok().flatten())
                .is_some_and(|page| page.space == place.slug.as_str());
            if !in_space {
                return Err(ServiceError::NotFound(format!(
                    "{} has no revision {id}",
                    place.slug
                )));
            }
        }
        let report = self
            .store()
            .report(NewReport {
                space: place.slug.clone(),
                reporter: actor.id,
                user: user.map(|u| (u.id, u.username)),
                revision,
                reason,
            })
            .await?;
        self.report_view(&report)
    }

    /// The reports of a space, newest first (for its reviewers and stewards).
    pub fn reports(
        &self,
        actor: &Actor,
        space: &str,
        list: ListRequest<'_>,
    ) -> ServiceResult<Listing<ReportView>> {
        let place = self.place(Some(actor), space)?;
        let facts = self.actor_facts(actor, &place)?;
        if let Decision::Deny(denial) =
            self.decide(&facts, &place, &Action::Sanction { target: None })
        {
            return Err(ServiceError::Denied(denial));
        }
        let reports = self.store().reports(&place.slug)?;
        Listing::paged(reports, list, Order::Descending, |r| numeric_key(r.id))
            .try_map(|r| self.report_view(&r))
    }

    fn report_view(&self, report: &crate::store::Report) -> ServiceResult<ReportView> {
        Ok(ReportView {
            id: report.id,
            reporter: self.username(report.reporter)?,
            user: report.user.map(|u| self.username(u)).transpose()?,
            revision: report.revision,
            reason: report.reason.clone(),
            at: report.at,
        })
    }

    /// The sanction ladder of the space and the rung the charter would
    /// issue to `user` next (lighter ones may be chosen, heavier ones not).
    pub fn next_sanction(
        &self,
        viewer: Option<&Actor>,
        space: &str,
        user: &str,
    ) -> ServiceResult<(Vec<crate::governance::charter::Step>, usize)> {
        let place = self.place(viewer, space)?;
        let target = self.user_named(user)?;
        let earlier: Vec<Timestamp> = self
            .store()
            .sanctions_of(target.id)?
            .iter()
            .filter(|s| s.space == place.slug.as_str() && !s.lifted_by_appeal)
            .map(|s| s.starts_at)
            .collect();
        let next = crate::governance::sanctions::next_rung(&place.charter, &earlier, self.now());
        Ok((place.charter.sanctions.ladder.clone(), next))
    }

    /// Issues the ladder's next step to `user` (or the lighter `step` the
    /// issuer chose).
    pub async fn issue_sanction(
        &self,
        actor: &Actor,
        space: &str,
        user: &str,
        reason: &str,
        step: Option<&str>,
    ) -> ServiceResult<SanctionView> {
        let place = self.place(Some(actor), space)?;
        let target = self.user_named(user)?;
        if target.id == actor.id {
            return Err(ServiceError::InvalidInput(
                "you cannot sanction yourself".to_owned(),
            ));
        }
        let facts = self.actor_facts(actor, &place)?;
        let standing = self.membership(target.id, &place)?.map(|(_, m)| m.standing);
        if let Decision::Deny(denial) =
            self.decide(&facts, &place, &Action::Sanction { target: standing })
        {
            return Err(ServiceError::Denied(denial));
        }
        let reason = clean_reason(reason)?;
        optimistically! {
            let newest_seen = self.store().newest_sanction(target.id)?;
            let now = self.now();
            // Sanctions lifted by an appeal do not count: they were found wrong.
            let earlier: Vec<Timestamp> = self
                .store()
                .sanctions_of(target.id)?
                .iter()
                .filter(|s| s.space == place.slug.as_str() && !s.lifted_by_appeal)
                .map(|s| s.starts_at)
                .collect();
            let step =
                step_to_issue(&place.charter, &earlier, now, step).map_err(
                    |error| match error {
                        StepError::TooHeavy { .. } => {
                            ServiceError::Refused(ErrorCode::StepTooHeavy, error.to_string())
                        }
                        StepError::NotOnLadder(..) => ServiceError::InvalidInput(error.to_string()),
                    },
                )?;
            let issued = self
                .store()
                .issue_sanction(NewSanction {
                    space: place.slug.clone(),
                    user: target.id,
                    username: target.username.clone(),
                    step: step.to_string(),
                    reason: reason.clone(),
                    issued_by: actor.id,
                    ends_at: step.lasts().map(|seconds| now.plus_seconds(seconds as i64)),
                    ends_membership: step == Step::Ban,
                    newest_seen,
                })
                .await;
            match issued {
                Ok(sanction) => return self.sanction_view(&sanction),
                // Someone sanctioned them meanwhile: the next step moved on.
                Err(StoreError::HeadMoved) => continue,
                Err(error) => return Err(error.into()),
            }
        }
    }

    /// The sanctions issued in a space, newest first; the public record.
    pub fn list_sanctions(
        &self,
        viewer: Option<&Actor>,
        space: &str,
        user: Option<&str>,
        list: ListRequest<'_>,
    ) -> ServiceResult<Listing<SanctionView>> {
        let place = self.place(viewer, space)?;
        let user = match user {
            Some(name) => Some(self.user_named(name)?.id),
            None => None,
        };
        let sanctions: Vec<_> = self
            .store()
            .space_sanctions(&place.slug)?
            .into_iter()
            .filter(|s| user.is_none_or(|u| s.user == u))
            .collect();
        Listing::paged(sanctions, list, Order::Descending, |s| numeric_key(s.id))
            .try_map(|s| self.sanction_view(&s))
    }

    /// The sanctioned member appeals, once: an `appeal` proposal decided by
    /// the charter's voters for appeals (never the appellant).
    pub async fn appeal(
        &self,
        actor: &Actor,
        space: &str,
        id: u64,
        rationale: &str,
    ) -> ServiceResult<ProposalView> {
        let place = self.place(Some(actor), space)?;
        let sanction = match self.store().sanction(id)? {
            Some(sanction) if sanction.space == place.slug.as_str() => sanction,
            _ => {
                return Err(ServiceError::NotFound(format!(
                    "{} has no sanction {id}",
                    place.slug
                )));
            }
        };
        let facts = self.actor_facts(actor, &place)?;
        let own_sanction = sanction.user == actor.id;
        if let Decision::Deny(denial) =
            self.decide(&facts, &place, &Action::Appeal { own_sanction })
        {
            return Err(ServiceError::Denied(denial));
        }
        if sanction.appeal.is_some() {
            return Err(already_appealed(id));
        }
        let standing_record =
            kind_of(&sanction) == SanctionKind::Warning && sanction.lifted_at.is_none();
        if !in_force(&sanction, self.now()) && !standing_record {
            return Err(ServiceError::Conflict(
                ErrorCode::NotInForce,
                format!("sanction {id} is no longer in force"),
            ));
        }
        let facts = self.actor_facts(actor, &place)?;
        let action = Action::Propose {
            kind: ProposalKind::Appeal,
        };
        if let Decision::Deny(denial) = self.decide(&facts, &place, &action) {
            return Err(ServiceError::Denied(denial));
        }
        let request = ProposalRequest {
            kind: ProposalKind::Appeal,
            title: format!("Appeal of sanction {id} ({})", sanction.step),
            rationale: Some(clean_reason(rationale)?),
            payload: serde_json::json!({ "sanction": id }),
        };
        self.open_checked(actor, &place, request, Some(id)).await
    }

    pub(super) fn sanction_view(&self, sanction: &Sanction) -> ServiceResult<SanctionView> {
        let step = Step::parse(&sanction.step);
        Ok(SanctionView {
            id: sanction.id,
            user: self.username(sanction.user)?,
            kind: match step.map(Step::kind) {
                Some(SanctionKind::Probation) => "probation",
                Some(SanctionKind::Suspension) => "suspension",
                Some(SanctionKind::Ban) => "ban",
                _ => "warning",
            }
            .to_owned(),
            step: sanction.step.clone(),
            reason: sanction.reason.clone(),
            issued_by: self.username(sanction.issued_by)?,
            starts_at: sanction.starts_at,
            ends_at: sanction.ends_at,
            active: in_force(sanction, self.now()),
            lifted_at: sanction.lifted_at,
            lift_reason: (!sanction.lift_reason.is_empty()).then(|| sanction.lift_reason.clone()),
            appeal: sanction.appeal,
        })
    }
}

pub(super) fn already_appealed(id: u64) -> ServiceError {
    ServiceError::Conflict(
        ErrorCode::AlreadyAppealed,
        format!("sanction {id} has been appealed already"),
    )
}
