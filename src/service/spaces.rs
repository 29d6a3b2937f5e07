//! Spaces and memberships (Ostrom's principle 1, clearly defined
//! boundaries): listing and creating spaces, joining, accepting,
//! appointing, explaining a member's standing and promoting when it is due.
//! The facts these decide on live in [`super::facts`].

use std::sync::Arc;

use serde_json::Value;

use super::facts::{Place, no_space};
use super::listing::numeric_key;
use super::retry::optimistically;
use super::{
    Actor, App, ChangesQuery, CharterOverview, JoinView, ListRequest, Listing, MemberDetailView,
    MemberView, NextStandingView, Order, ServiceError, ServiceResult, SpaceDetailView,
    SpaceSummary, SpaceView,
};
use crate::governance::charter::apply_patch;
use crate::governance::{Action, ActorFacts, Charter, Decision, MemberFacts, missing_for_next};
use crate::model::{ErrorCode, EventKind, SpaceSlug, Standing, UserId, Username};
use crate::store::{MembershipChange, NewSpace, Requires, Space, StoreError};

/// A space's title: 1 to 200 characters, no control characters.
pub(super) fn clean_title(title: &str) -> ServiceResult<String> {
    let title = title.trim();
    if title.is_empty() || title.chars().count() > 200 || title.chars().any(char::is_control) {
        return Err(ServiceError::InvalidInput(
            "title is 1 to 200 characters".to_owned(),
        ));
    }
    Ok(title.to_owned())
}

impl App {
    fn space_view(space: &Space) -> SpaceView {
        SpaceView {
            slug: space.slug.clone(),
            title: space.title.clone(),
            parent: space.parent.clone(),
        }
    }

    /// Every space `viewer` may see.
    pub fn list_spaces(
        &self,
        viewer: Option<&Actor>,
        list: ListRequest<'_>,
    ) -> ServiceResult<Listing<SpaceView>> {
        let spaces: Vec<SpaceView> = self
            .store()
            .spaces()?
            .iter()
            .filter(|space| self.can_see(viewer, &space.slug))
            .map(Self::space_view)
            .collect();
        Ok(Listing::paged(spaces, list, Order::Ascending, |s| {
            s.slug.clone()
        }))
    }

    /// The spaces `viewer` may see as a tree (each after its parent, children
    /// in slug order), with how many members each records and when a page
    /// of it last changed.
    pub fn space_directory(&self, viewer: Option<&Actor>) -> ServiceResult<Vec<SpaceSummary>> {
        let visible: Vec<Space> = self
            .store()
            .spaces()?
            .into_iter()
            .filter(|space| self.can_see(viewer, &space.slug))
            .collect();
        let mut ordered = Vec::with_capacity(visible.len());
        // A space whose parent is hidden from the viewer shows at the top.
        let roots = visible.iter().filter(|space| {
            space
                .parent
                .as_ref()
                .is_none_or(|parent| !visible.iter().any(|s| &s.slug == parent))
        });
        let mut stack: Vec<(&Space, usize)> = roots.rev().map(|space| (space, 0)).collect();
        while let Some((space, depth)) = stack.pop() {
            let changes = ChangesQuery {
                space: Some(space.slug.clone()),
                limit: Some(1),
                ..ChangesQuery::default()
            };
            ordered.push(SpaceSummary {
                space: Self::space_view(space),
                depth,
                members: self.store().members(&SpaceSlug::parse(&space.slug)?)?.len(),
                last_change: self
                    .recent_changes(viewer, &changes)?
                    .items
                    .first()
                    .map(|change| change.at),
            });
            let children = visible
                .iter()
                .filter(|child| child.parent.as_deref() == Some(space.slug.as_str()));
            stack.extend(children.rev().map(|child| (child, depth + 1)));
        }
        Ok(ordered)
    }

    /// A space's charter as it binds there, with where each rule comes
    /// from: set by the space itself, inherited, or locked by an ancestor.
    pub fn charter_overview(
        &self,
        viewer: Option<&Actor>,
        slug: &str,
    ) -> ServiceResult<CharterOverview> {
        let place = self.place(viewer, slug)?;
        Ok(CharterOverview {
            set_here: crate::governance::charter::paths_set(&place.space.charter),
            locked_above: place.parent_charter.locked_fields.clone(),
            own_patch: place.space.charter.clone(),
            charter: Arc::clone(&place.charter),
            space: Self::space_view(&place.space),
            actions: self.space_actions(viewer, &place)?,
        })
    }

    /// The charter `patch` (a `charter_change`'s merge patch) would give
    /// the space now, validated as the proposal would be; to show what a
    /// proposal changes.
    pub fn charter_with(
        &self,
        viewer: Option<&Actor>,
        slug: &str,
        patch: &Value,
    ) -> ServiceResult<Charter> {
        let place = self.place(viewer, slug)?;
        let (changed, _) =
            crate::governance::charter::change(&place.parent_charter, &place.charter, patch)
                .map_err(ServiceError::Charter)?;
        Ok(changed)
    }

    pub fn get_space(&self, viewer: Option<&Actor>, slug: &str) -> ServiceResult<SpaceDetailView> {
        let place = self.place(viewer, slug)?;
        Ok(SpaceDetailView {
            slug: place.space.slug.clone(),
            title: place.space.title.clone(),
            parent: place.space.parent.clone(),
            charter: serde_json::to_value(&*place.charter).unwrap_or_default(),
            created_at: place.space.created_at,
            actions: self.space_actions(viewer, &place)?,
        })
    }

    /// Creates a space; its creator becomes its steward. A top-level space
    /// takes an account (per the instance setting); a child space takes a
    /// steward of the parent when the parent's charter says `"subspaces":
    /// "stewards"`, otherwise a proposal.
    pub async fn create_space(
        &self,
        actor: &Actor,
        slug: &str,
        title: &str,
        parent: Option<&str>,
        charter: Option<Value>,
    ) -> ServiceResult<SpaceDetailView> {
        let slug = SpaceSlug::parse(slug)?;
        let title = clean_title(title)?;
        let patch = charter.unwrap_or_else(|| Value::Object(Default::default()));
        optimistically! {
            let anyone_may = self.config().governance.anyone_creates_spaces;
            let (parent_charter, parent_slug, based_on) = match parent {
                None => {
                    let facts = ActorFacts {
                        is_admin: actor.is_admin,
                        ..ActorFacts::default()
                    };
                    let charter = Charter::default();
                    let action = Action::CreateSpace {
                        child: false,
                        anyone_may,
                    };
                    if let Decision::Deny(denial) = self.decide_under(&facts, &charter, &action) {
                        return Err(ServiceError::Denied(denial));
                    }
                    (Arc::new(charter), None, Vec::new())
                }
                Some(parent) => {
                    let place = self.place(Some(actor), parent)?;
                    let facts = self.actor_facts(actor, &place)?;
                    let action = Action::CreateSpace {
                        child: true,
                        anyone_may,
                    };
                    if let Decision::Deny(denial) = self.decide(&facts, &place, &action) {
                        return Err(ServiceError::Denied(denial));
                    }
                    (
                        Arc::clone(&place.charter),
                        Some(place.slug.clone()),
                        place.chain.clone(),
                    )
                }
            };
            // Refused here, naming the field, if it does not resolve.
            apply_patch(&parent_charter, &patch)?;
            let new = NewSpace {
                slug: slug.clone(),
                title: title.clone(),
                parent: parent_slug,
                charter: patch.clone(),
                creator: actor.id,
                reason: String::new(),
                based_on,
            };
            let space = match self.store().create_space(new).await {
                Ok(space) => space,
                Err(StoreError::SpaceExists) => {
                    return Err(ServiceError::Conflict(
                        ErrorCode::SpaceExists,
                        format!("a space {slug} exists"),
                    ));
                }
                Err(StoreError::NotFound) => return Err(no_space(parent.unwrap_or_default())),
                // The parent's charter changed meanwhile: validate again.
                Err(StoreError::HeadMoved) => {
                    continue;
                }
                Err(error) => return Err(error.into()),
            };
            return self.get_space(Some(actor), &space.slug);
        }
    }

    /// Joins a space: at once in an open space, by request where members
    /// are accepted on approval, not at all where they are invited.
    pub async fn join_space(&self, actor: &Actor, slug: &str) -> ServiceResult<JoinView> {
        let place = self.place_to_join(actor, slug)?;
        optimistically! {
            // Read before the facts: a sanction issued after this is seen
            // by the write, which then sends us back here.
            let newest_sanction = self.store().newest_sanction(actor.id)?;
            let facts = self.actor_facts(actor, &place)?;
            if let Some(member) = self.store().member(&place.slug, actor.id)? {
                return Ok(JoinView {
                    standing: Some(member.standing),
                    requested: false,
                });
            }
            match self.decide(&facts, &place, &Action::Join) {
                Decision::Deny(denial) => return Err(ServiceError::Denied(denial)),
                Decision::Queue(_) => {
                    self.store()
                        .request_join(place.slug.clone(), actor.id, actor.username.clone())
                        .await?;
                    return Ok(JoinView {
                        standing: None,
                        requested: true,
                    });
                }
                Decision::Allow => {
                    let change = MembershipChange {
                        space: place.slug.clone(),
                        user: actor.id,
                        username: actor.username.clone(),
                        standing: Some(Standing::Newcomer),
                        actor: Some(actor.id),
                        action: EventKind::Join,
                        reason: String::new(),
                        requires: Requires::Joining { newest_sanction },
                    };
                    match self.store().change_membership(change).await {
                        Ok(_) => {
                            return Ok(JoinView {
                                standing: Some(Standing::Newcomer),
                                requested: false,
                            });
                        }
                        // Joined, or sanctioned, meanwhile: look again.
                        Err(StoreError::HeadMoved) => continue,
                        Err(error) => return Err(error.into()),
                    }
                }
            }
        }
    }

    pub(super) fn user_named(&self, name: &str) -> ServiceResult<crate::store::User> {
        let not_found = || ServiceError::NotFound(format!("no user {name:?}"));
        let username = Username::parse(name).map_err(|_| not_found())?;
        self.store().user_by_name(&username)?.ok_or_else(not_found)
    }

    /// A reviewer or steward accepts a request to join.
    pub async fn accept_member(
        &self,
        actor: &Actor,
        slug: &str,
        user: &str,
    ) -> ServiceResult<MemberView> {
        let place = self.place(Some(actor), slug)?;
        let facts = self.actor_facts(actor, &place)?;
        if let Decision::Deny(denial) = self.decide(&facts, &place, &Action::AcceptJoin) {
            return Err(ServiceError::Denied(denial));
        }
        let user = self.user_named(user)?;
        if self.store().join_request(&place.slug, user.id)?.is_none() {
            return Err(ServiceError::NotFound(format!(
                "{} has not asked to join",
                user.username
            )));
        }
        let change = MembershipChange {
            space: place.slug.clone(),
            user: user.id,
            username: user.username.clone(),
            standing: Some(Standing::Newcomer),
            actor: Some(actor.id),
            action: EventKind::JoinAccept,
            reason: String::new(),
            requires: Requires::JoinRequest,
        };
        let member = match self.store().change_membership(change).await {
            Ok(Some(member)) => member,
            Ok(None) => {
                return Err(ServiceError::Internal(
                    "an accepted member has no membership".to_owned(),
                ));
            }
            Err(StoreError::HeadMoved) => {
                return Err(ServiceError::Conflict(
                    ErrorCode::NotPending,
                    format!("{}'s request was settled meanwhile", user.username),
                ));
            }
            Err(error) => return Err(error.into()),
        };
        Ok(MemberView {
            user: user.username,
            standing: member.standing,
            since: member.since,
        })
    }

    /// A steward sets a member's standing, up to reviewer.
    pub async fn appoint(
        &self,
        actor: &Actor,
        slug: &str,
        user: &str,
        standing: Standing,
        reason: Option<String>,
    ) -> ServiceResult<MemberView> {
        let place = self.place(Some(actor), slug)?;
        let facts = self.actor_facts(actor, &place)?;
        if let Decision::Deny(denial) =
            self.decide(&facts, &place, &Action::Appoint { to: standing })
        {
            return Err(ServiceError::Denied(denial));
        }
        let user = self.user_named(user)?;
        let change = MembershipChange {
            space: place.slug.clone(),
            user: user.id,
            username: user.username.clone(),
            standing: Some(standing),
            actor: Some(actor.id),
            action: EventKind::StandingChange,
            reason: reason.unwrap_or_else(|| format!("appointed {standing}")),
            requires: Requires::Nothing,
        };
        let member = self
            .store()
            .change_membership(change)
            .await?
            .ok_or_else(|| {
                ServiceError::Internal("an appointed member has no membership".to_owned())
            })?;
        Ok(MemberView {
            user: user.username,
            standing: member.standing,
            since: member.since,
        })
    }

    /// Leaves a space: the membership recorded there ends (standing and
    /// accepted edits with it; joining again starts as a newcomer). The
    /// space's last steward stays until another is chosen, so that no
    /// space is left without anyone to look after it. Sanctions outlive
    /// the membership.
    pub async fn leave_space(&self, actor: &Actor, slug: &str) -> ServiceResult<()> {
        let place = self.place(Some(actor), slug)?;
        optimistically! {
            let Some(member) = self.store().member(&place.slug, actor.id)? else {
                return Err(ServiceError::Refused(
                    ErrorCode::NotMember,
                    format!("you are not a member recorded in {}", place.slug),
                ));
            };
            if member.standing == Standing::Steward {
                let stewards = self
                    .store()
                    .members(&place.slug)?
                    .iter()
                    .filter(|(_, m)| m.standing == Standing::Steward)
                    .count();
                if stewards <= 1 {
                    return Err(ServiceError::Conflict(
                        ErrorCode::LastSteward,
                        format!("you are the only steward of {}", place.slug),
                    ));
                }
            }
            let change = MembershipChange {
                space: place.slug.clone(),
                user: actor.id,
                username: actor.username.clone(),
                standing: None,
                actor: Some(actor.id),
                action: EventKind::Leave,
                reason: String::new(),
                requires: Requires::Standing(member.standing),
            };
            match self.store().change_membership(change).await {
                Ok(_) => return Ok(()),
                // Promoted, appointed or sanctioned meanwhile: decide again.
                Err(StoreError::HeadMoved) => continue,
                Err(error) => return Err(error.into()),
            }
        }
    }

    /// The members of a space with a standing recorded there.
    pub fn list_members(
        &self,
        viewer: Option<&Actor>,
        slug: &str,
        list: ListRequest<'_>,
    ) -> ServiceResult<Listing<MemberView>> {
        let place = self.place(viewer, slug)?;
        let members = self.store().members(&place.slug)?;
        let listing = Listing::paged(members, list, Order::Ascending, |(user, _)| {
            numeric_key(*user)
        });
        listing.try_map(|(user, member)| {
            Ok(MemberView {
                user: self.username(user)?,
                standing: member.standing,
                since: member.since,
            })
        })
    }

    /// A member's standing, the rule that gave it, and what is missing for
    /// the next.
    pub fn member_detail(
        &self,
        viewer: Option<&Actor>,
        slug: &str,
        user: &str,
    ) -> ServiceResult<MemberDetailView> {
        let place = self.place(viewer, slug)?;
        // One answer whether the user does not exist or is not a member.
        let not_found = || ServiceError::NotFound(format!("no member {user:?} in {}", place.slug));
        let user = self.user_named(user).map_err(|_| not_found())?;
        let Some((recorded_in, member)) = self.membership(user.id, &place)? else {
            return Err(not_found());
        };
        let sanctions = self.sanctions_in_force(user.id, &place)?;
        let facts = MemberFacts {
            standing: member.standing,
            since: member.since,
            accepted_edits: member.accepted_edits,
            sanctioned: !sanctions.is_empty(),
        };
        let next =
            missing_for_next(&place.charter, &facts, self.now()).map(|(standing, missing)| {
                NextStandingView {
                    standing,
                    explanation: missing.iter().map(|m| m.describe()).collect(),
                    missing,
                }
            });
        Ok(MemberDetailView {
            user: user.username,
            standing: member.standing,
            since: member.since,
            accepted_edits: member.accepted_edits,
            rule: crate::governance::standing::rule_for(member.standing).to_owned(),
            inherited_from: (recorded_in != place.space.slug).then_some(recorded_in),
            next,
            sanctions: sanctions
                .iter()
                .map(|s| self.sanction_view(s))
                .collect::<ServiceResult<_>>()?,
        })
    }

    /// Whether a sanction in force (probation, suspension, ban) holds the
    /// member's promotion back.
    fn held_back(&self, user: UserId, place: &Place) -> ServiceResult<bool> {
        Ok(!self.sanctions_in_force(user, place)?.is_empty())
    }

    /// Promotes the author if the charter's rule is now met.
    pub(super) async fn promote_if_due(&self, place: &Place, user: UserId) -> ServiceResult<bool> {
        let Some(member) = self.store().member(&place.slug, user)? else {
            return Ok(false);
        };
        let facts = MemberFacts {
            standing: member.standing,
            since: member.since,
            accepted_edits: member.accepted_edits,
            sanctioned: self.held_back(user, place)?,
        };
        if !crate::governance::promotion_due(&place.charter, &facts, self.now()) {
            return Ok(false);
        }
        let change = MembershipChange {
            space: place.slug.clone(),
            user,
            username: self.username(user)?,
            standing: Some(Standing::Contributor),
            actor: None,
            action: EventKind::Promotion,
            reason: format!(
                "{} accepted edits, member since {}",
                member.accepted_edits, member.since
            ),
            requires: Requires::Standing(member.standing),
        };
        match self.store().change_membership(change).await {
            Ok(_) => Ok(true),
            // Appointed, sanctioned or promoted meanwhile: nothing to do.
            Err(StoreError::HeadMoved) => Ok(false),
            Err(error) => Err(error.into()),
        }
    }
}
