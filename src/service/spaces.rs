//! Spaces and memberships (Ostrom's principle 1, clearly defined
//! boundaries): creating spaces, joining, accepting, appointing, explaining
//! standing; and the facts the governance engine decides on: charters
//! resolved through ancestors, effective standing, who may see what.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, RwLock};

use serde_json::Value;

use super::listing::numeric_key;
use super::retry::optimistically;
use super::{
    Actor, App, JoinView, ListRequest, Listing, MemberDetailView, MemberView, NextStandingView,
    Order, ServiceError, ServiceResult, SpaceDetailView, SpaceView,
};
use crate::governance::charter::apply_patch;
use crate::governance::{
    Action, ActorFacts, Charter, Context, Decision, MemberFacts, Visibility, decide,
    missing_for_next,
};
use crate::model::{ErrorCode, EventKind, SpaceSlug, Standing, Timestamp, UserId, Username};
use crate::store::{Member, MembershipChange, NewSpace, Requires, Space, StoreError};

/// How many of a user's recent edits per space are remembered (for rate
/// limits; more than any sane limit an hour).
const RECENT_EDITS_KEPT: usize = 1000;
const DAY_MS: i64 = 86_400_000;

/// A space as a request meets it: its record, its ancestors, its charter.
#[derive(Debug, Clone)]
pub(super) struct Place {
    pub slug: SpaceSlug,
    pub space: Space,
    /// The space and its ancestors, outermost first.
    pub chain: Vec<Space>,
    pub charter: Arc<Charter>,
    /// The resolved charter of the parent (the instance default for a
    /// top-level space): what this space's stored patch applies over.
    pub parent_charter: Arc<Charter>,
    /// Whether each space of the chain is members-only.
    pub members_only: Vec<bool>,
}

impl Place {
    /// The spaces whose memberships count here, outermost first: this
    /// space and its ancestors, up to the innermost members-only one.
    /// Standing is inherited down through public spaces, never into a
    /// members-only space from outside it.
    pub(super) fn membership_chain(&self) -> &[Space] {
        let from = self.members_only.iter().rposition(|&m| m).unwrap_or(0);
        &self.chain[from..]
    }
}

/// A space with its chain and what is resolved of it, and the digest of
/// the space records it was made from.
pub(super) struct Located {
    place: Arc<Place>,
    digest: u64,
}

/// Per-process memory of the governance layer: located spaces, and each
/// user's recent edits per space (for rate limits).
#[derive(Default)]
pub(super) struct GovernanceCache {
    /// Each space as located: its record, its chain and their charters,
    /// read on every request. An entry checks itself against the records
    /// of its chain (a digest of their bytes, one read each), so a charter
    /// change is seen by the very next request, with nothing to invalidate
    /// and no window where a reader could see the change elsewhere first.
    located: RwLock<HashMap<String, Arc<Located>>>,
    recent_edits: Mutex<HashMap<(String, UserId), VecDeque<Timestamp>>>,
}

impl GovernanceCache {
    pub(super) fn note_edit(&self, space: &str, user: UserId, at: Timestamp) {
        let Ok(mut recent) = self.recent_edits.lock() else {
            return;
        };
        let edits = recent.entry((space.to_owned(), user)).or_default();
        edits.push_back(at);
        while edits.len() > RECENT_EDITS_KEPT
            || edits
                .front()
                .is_some_and(|t| at.millis() - t.millis() > DAY_MS)
        {
            edits.pop_front();
        }
    }

    fn recent_edits(&self, space: &str, user: UserId) -> Vec<Timestamp> {
        self.recent_edits
            .lock()
            .ok()
            .and_then(|recent| {
                recent
                    .get(&(space.to_owned(), user))
                    .map(|e| e.iter().copied().collect())
            })
            .unwrap_or_default()
    }
}

/// What one viewer may see, remembered for the length of a request that
/// looks at many spaces (recent changes, backlinks, feeds).
pub(super) struct Sight<'a> {
    app: &'a App,
    viewer: Option<&'a Actor>,
    seen: std::cell::RefCell<HashMap<String, Option<bool>>>,
}

impl<'a> Sight<'a> {
    pub(super) fn new(app: &'a App, viewer: Option<&'a Actor>) -> Self {
        Sight {
            app,
            viewer,
            seen: Default::default(),
        }
    }

    /// `None` when `space` is hidden from the viewer; otherwise whether the
    /// viewer is a member there (members see pending and rejected work).
    pub(super) fn of(&self, space: &str) -> Option<bool> {
        if let Some(known) = self.seen.borrow().get(space) {
            return *known;
        }
        let sight = self.app.place(self.viewer, space).ok().map(|place| {
            self.viewer
                .and_then(|actor| self.app.membership(actor.id, &place).ok().flatten())
                .is_some()
        });
        self.seen.borrow_mut().insert(space.to_owned(), sight);
        sight
    }

    /// Whether the viewer may see a revision in `state` of `space`.
    pub(super) fn sees(&self, space: &str, state: Option<crate::model::RevisionState>) -> bool {
        match self.of(space) {
            None => false,
            Some(member) => {
                member || state.is_none_or(|s| s == crate::model::RevisionState::Published)
            }
        }
    }
}

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

fn no_space(slug: &str) -> ServiceError {
    ServiceError::NotFound(format!("no space {slug:?}"))
}

impl App {
    /// The resolved charter of each space of `chain` (outermost first).
    fn charters(chain: &[Space]) -> ServiceResult<Vec<Arc<Charter>>> {
        let mut resolved: Vec<Arc<Charter>> = Vec::with_capacity(chain.len());
        for space in chain {
            let parent = resolved
                .last()
                .map_or_else(|| Arc::new(Charter::default()), Arc::clone);
            let charter = apply_patch(&parent, &space.charter).map_err(|error| {
                ServiceError::Internal(format!(
                    "the stored charter of {} is invalid: {error}",
                    space.slug
                ))
            })?;
            resolved.push(Arc::new(charter));
        }
        Ok(resolved)
    }

    /// The membership that applies to `user` in `place`: their own there,
    /// else the nearest ancestor's through public spaces (see
    /// [`Place::membership_chain`]).
    pub(super) fn membership(
        &self,
        user: UserId,
        place: &Place,
    ) -> ServiceResult<Option<(String, Member)>> {
        for space in place.membership_chain().iter().rev() {
            let slug = SpaceSlug::parse(&space.slug)?;
            if let Some(member) = self.store().member(&slug, user)? {
                return Ok(Some((space.slug.clone(), member)));
            }
        }
        Ok(None)
    }

    /// Whether `viewer` may read the members-only space `space`, which
    /// encloses `chain`'s last space (or is it): only with a membership
    /// recorded there, and no ban in force there or above.
    fn reads_members_only(
        &self,
        viewer: Option<&Actor>,
        space: &Space,
        chain: &[Space],
    ) -> ServiceResult<bool> {
        let Some(actor) = viewer else {
            return Ok(false);
        };
        if self
            .store()
            .member(&SpaceSlug::parse(&space.slug)?, actor.id)?
            .is_none()
        {
            return Ok(false);
        }
        Ok(!self.banned_in(actor.id, chain)?)
    }

    /// The space named `slug` as `viewer` meets it; 404 when it does not
    /// exist or `viewer` may not see it: a members-only space, or one
    /// inside a members-only space, for anyone without a membership
    /// recorded in that members-only space (or banned from it).
    pub(super) fn place(&self, viewer: Option<&Actor>, slug: &str) -> ServiceResult<Arc<Place>> {
        let located = self.locate(slug)?;
        let place = &located.place;
        for (depth, members_only) in place.members_only.iter().enumerate() {
            if *members_only
                && !self.reads_members_only(viewer, &place.chain[depth], &place.chain[..=depth])?
            {
                return Err(no_space(slug));
            }
        }
        Ok(Arc::clone(place))
    }

    /// The space named `slug` for the system's own work (lazy consensus,
    /// promotions): no viewer, so no visibility check.
    pub(super) fn place_for_system(&self, slug: &str) -> ServiceResult<Arc<Place>> {
        Ok(Arc::clone(&self.locate(slug)?.place))
    }

    /// The space named `slug` with its chain and their charters resolved
    /// (cached: every request locates a space).
    fn locate(&self, slug: &str) -> ServiceResult<Arc<Located>> {
        let cache = &self.inner.governance.located;
        if let Some(found) = cache.read().ok().and_then(|c| c.get(slug).cloned()) {
            let innermost_first = found.place.chain.iter().rev().map(|s| s.slug.as_str());
            if self.store().spaces_digest(innermost_first)? == found.digest {
                return Ok(found);
            }
        }
        let parsed = SpaceSlug::parse(slug).map_err(|_| no_space(slug))?;
        let (chain, digest) = self.store().space_chain_with_digest(&parsed)?;
        let Some(space) = chain.last().cloned() else {
            return Err(no_space(slug));
        };
        let charters = Self::charters(&chain)?;
        let charter = charters
            .last()
            .map_or_else(|| Arc::new(Charter::default()), Arc::clone);
        let parent_charter = match charters.len() {
            0 | 1 => Arc::new(Charter::default()),
            n => Arc::clone(&charters[n - 2]),
        };
        let located = Arc::new(Located {
            place: Arc::new(Place {
                slug: parsed,
                space,
                chain,
                charter,
                parent_charter,
                members_only: charters
                    .iter()
                    .map(|c| c.visibility == Visibility::Members)
                    .collect(),
            }),
            digest,
        });
        if let Ok(mut cache) = cache.write() {
            cache.insert(slug.to_owned(), Arc::clone(&located));
        }
        Ok(located)
    }

    /// The spaces only members may read (themselves, or inside one).
    pub(super) fn members_only_spaces(&self) -> ServiceResult<std::collections::HashSet<String>> {
        let mut hidden = std::collections::HashSet::new();
        for space in self.store().spaces()? {
            if self.locate(&space.slug)?.place.members_only.contains(&true) {
                hidden.insert(space.slug);
            }
        }
        Ok(hidden)
    }

    /// Whether `viewer` may see the space `slug` (for filtering lists).
    pub(super) fn can_see(&self, viewer: Option<&Actor>, slug: &str) -> bool {
        self.place(viewer, slug).is_ok()
    }

    /// What the engine needs to know of `actor` in `place`.
    pub(super) fn actor_facts(&self, actor: &Actor, place: &Place) -> ServiceResult<ActorFacts> {
        let (sanctions, suspended_until) = self.sanction_facts(actor.id, place)?;
        Ok(ActorFacts {
            standing: self.membership(actor.id, place)?.map(|(_, m)| m.standing),
            is_admin: actor.is_admin,
            sanctions,
            suspended_until,
            recent_edits: self
                .inner
                .governance
                .recent_edits(place.slug.as_str(), actor.id),
        })
    }

    pub(super) fn decide(
        &self,
        facts: &ActorFacts,
        place: &Place,
        action: &Action<'_>,
    ) -> Decision {
        self.decide_under(facts, &place.charter, action)
    }

    /// Asks the engine under `charter` (the instance's default one for
    /// what happens outside any space).
    pub(super) fn decide_under(
        &self,
        facts: &ActorFacts,
        charter: &Charter,
        action: &Action<'_>,
    ) -> Decision {
        let context = Context {
            now: self.now(),
            charter,
            actor: facts,
        };
        decide(&context, action)
    }

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

    /// The space `actor` asks to join: one they may see, or a members-only
    /// space inside one they may see whose own join policy takes requests
    /// (open, or on approval). An invitation-only members-only space stays
    /// absent.
    fn place_to_join(&self, actor: &Actor, slug: &str) -> ServiceResult<Arc<Place>> {
        if let Ok(place) = self.place(Some(actor), slug) {
            return Ok(place);
        }
        let place = Arc::clone(&self.locate(slug)?.place);
        let parent_visible = match &place.space.parent {
            Some(parent) => self.place(Some(actor), parent).is_ok(),
            None => true,
        };
        let admits_requests = place.members_only.last() == Some(&true)
            && place.charter.join != crate::governance::JoinPolicy::Invite;
        if parent_visible && admits_requests {
            Ok(place)
        } else {
            Err(no_space(slug))
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
