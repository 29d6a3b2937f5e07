//! Instance administrators' powers over spaces: only those the
//! configuration lists (by default, a legal takedown of a revision's text,
//! and restoring a steward to a space that has none), each logged in the
//! space's governance log with its reason. None edits a charter or a vote.

use super::sanctions::clean_reason;
use super::{Actor, App, MemberView, ServiceError, ServiceResult};
use crate::config::AdminPower;
use crate::governance::{Action, ActorFacts, Charter, Decision};
use crate::model::{ErrorCode, EventKind, PageSlug, RevisionId, SpaceSlug, Standing};
use crate::store::{MembershipChange, PreparedText, Requires, Takedown};

impl App {
    /// The powers the configuration grants the instance's administrators,
    /// for an administrator to see (others are refused).
    pub fn admin_powers(&self, actor: &Actor) -> ServiceResult<Vec<AdminPower>> {
        if !actor.is_admin {
            return Err(ServiceError::Refused(
                ErrorCode::Forbidden,
                "only the instance's administrators hold powers".to_owned(),
            ));
        }
        Ok(self.config().governance.admin_powers.clone())
    }

    fn check_power(&self, actor: &Actor, power: AdminPower) -> ServiceResult<()> {
        let facts = ActorFacts {
            is_admin: actor.is_admin,
            ..ActorFacts::default()
        };
        let granted = self.config().governance.admin_powers.contains(&power);
        let action = Action::UseAdminPower {
            power: power.name(),
            granted,
        };
        match self.decide_under(&facts, &Charter::default(), &action) {
            Decision::Deny(denial) => Err(ServiceError::Denied(denial)),
            _ => Ok(()),
        }
    }

    /// Takes down the text of `revision` (and of every revision of its page
    /// with the same text): it reads as a notice from now on. Returns the
    /// revisions taken down.
    pub async fn take_down(
        &self,
        actor: &Actor,
        space: &str,
        revision: RevisionId,
        reason: &str,
    ) -> ServiceResult<Vec<RevisionId>> {
        self.check_power(actor, AdminPower::Takedown)?;
        let reason = clean_reason(reason)?;
        // Legal requests reach members-only spaces too.
        let place = self.place_for_system(space)?;
        let not_found =
            || ServiceError::NotFound(format!("{} has no revision {revision}", place.slug));
        let target = self.store().revision(revision)?.ok_or_else(not_found)?;
        let page = self
            .store()
            .page_by_id(target.page)?
            .ok_or_else(not_found)?;
        if page.space != place.slug.as_str() {
            return Err(not_found());
        }
        let same_text: Vec<RevisionId> = self
            .store()
            .page_history(page.id, None, usize::MAX, |r| r.text == target.text)?
            .into_iter()
            .map(|r| r.id)
            .collect();
        let notice = format!(
            "*This text was taken down by the administrators of this instance: {}*\n",
            reason.replace(['*', '\n'], " ")
        );
        self.store()
            .take_down(Takedown {
                space: place.slug.clone(),
                page: page.id,
                revisions: same_text.clone(),
                notice: PreparedText::new(&notice),
                reason,
                admin: actor.id,
            })
            .await?;
        self.forget_renderings(&same_text);
        if let Ok(slug) = PageSlug::parse(&page.slug) {
            // Its links are gone: pages it linked to may now be orphans.
            self.existence_changed(&place.slug, &slug)?;
        }
        Ok(same_text)
    }

    /// Makes `user` steward of a space with no steward left (recorded or
    /// inherited).
    pub async fn restore_steward(
        &self,
        actor: &Actor,
        space: &str,
        user: &str,
        reason: &str,
    ) -> ServiceResult<MemberView> {
        self.check_power(actor, AdminPower::RestoreStewardship)?;
        let reason = clean_reason(reason)?;
        let place = self.place_for_system(space)?;
        for space in place.membership_chain() {
            let has_steward = self
                .store()
                .members(&SpaceSlug::parse(&space.slug)?)?
                .iter()
                .any(|(_, member)| member.standing == Standing::Steward);
            if has_steward {
                return Err(ServiceError::Conflict(
                    ErrorCode::HasStewards,
                    format!(
                        "{} has a steward (in {}); stewards come by proposal",
                        place.slug, space.slug
                    ),
                ));
            }
        }
        let user = self.user_named(user)?;
        let change = MembershipChange {
            space: place.slug.clone(),
            user: user.id,
            username: user.username.clone(),
            standing: Some(Standing::Steward),
            actor: Some(actor.id),
            action: EventKind::AdminPower,
            reason,
            requires: Requires::Nothing,
        };
        let member = self
            .store()
            .change_membership(change)
            .await?
            .ok_or_else(|| {
                ServiceError::Internal("a restored steward has no membership".to_owned())
            })?;
        Ok(MemberView {
            user: user.username,
            standing: member.standing,
            since: member.since,
        })
    }
}
