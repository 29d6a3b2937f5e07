//! The facts the governance engine decides on, as a request meets them: a
//! space located with its ancestors and their resolved charters, who may
//! see it, the membership that applies to a user there (inherited through
//! public spaces), the actor's standing, sanctions and recent edits; and
//! the one door to the engine, [`App::decide`]. Every use case asks here.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, RwLock};

use super::{Actor, App, ServiceError, ServiceResult};
use crate::governance::charter::apply_patch;
use crate::governance::{Action, ActorFacts, Charter, Context, Decision, Visibility, decide};
use crate::model::{RevisionState, SpaceSlug, Timestamp, UserId};
use crate::store::{Member, Space};

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
    pub(super) fn sees(&self, space: &str, state: Option<RevisionState>) -> bool {
        match self.of(space) {
            None => false,
            Some(member) => member || state.is_none_or(|s| s == RevisionState::Published),
        }
    }
}

pub(super) fn no_space(slug: &str) -> ServiceError {
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

    /// The space `actor` asks to join: one they may see, or a members-only
    /// space inside one they may see whose own join policy takes requests
    /// (open, or on approval). An invitation-only members-only space stays
    /// absent.
    pub(super) fn place_to_join(&self, actor: &Actor, slug: &str) -> ServiceResult<Arc<Place>> {
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

    /// The spaces only members may read (themselves, or inside one).
    pub(super) fn members_only_spaces(&self) -> ServiceResult<HashSet<String>> {
        let mut hidden = HashSet::new();
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
        decide(&self.context(facts, charter), action)
    }

    /// What the engine is asked under: `facts` and `charter`, now.
    pub(super) fn context<'a>(&self, facts: &'a ActorFacts, charter: &'a Charter) -> Context<'a> {
        Context {
            now: self.now(),
            charter,
            actor: facts,
        }
    }
}
