//! Collective choice (Ostrom's principle 3): opening proposals, voting, and
//! closing them (at their deadline, or as soon as the outcome is settled),
//! applying what passed in the same transaction as the close.
//!
//! The charter changes through this path and no other.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;
use serde_json::Value;

use super::spaces::Place;
use super::{Actor, App, ProposalView, ServiceError, ServiceResult, VoteView};
use crate::governance::charter::{apply_patch, change};
use crate::governance::{Action, Bar, Charter, Decision, Tally, rule_for};
use crate::model::{
    Choice, EventKind, ProposalKind, ProposalState, SpaceSlug, Standing, Timestamp, UserId,
};
use crate::store::{
    Closing, Effect, MembershipChange, NewProposal, NewSpace, Proposal, StoreError,
};

const MAX_TITLE_CHARS: usize = 200;
const MAX_RATIONALE_CHARS: usize = 10_000;

/// What a member proposes.
#[derive(Debug, Clone)]
pub struct ProposalRequest {
    pub kind: ProposalKind,
    pub title: String,
    pub rationale: Option<String>,
    pub payload: Value,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CharterPayload {
    patch: Value,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RolePayload {
    user: String,
    standing: Standing,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AppealPayload {
    sanction: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SpacePayload {
    slug: String,
    title: String,
    #[serde(default)]
    charter: Option<Value>,
}

fn payload<T: for<'de> Deserialize<'de>>(kind: &str, value: &Value) -> ServiceResult<T> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        ServiceError::InvalidInput(format!(
            "payload.{} is not valid for a {kind} proposal: {}",
            error.path(),
            error.inner()
        ))
    })
}

fn charter_error(error: crate::governance::CharterError) -> ServiceError {
    ServiceError::Charter(error)
}

impl App {
    /// The members who may vote on a proposal of `kind` in `place` now:
    /// their standing there (recorded, or inherited from the nearest
    /// enclosing space) is at least the charter's `eligible_min`.
    fn eligible_voters(&self, place: &Place, min: Standing) -> ServiceResult<Vec<UserId>> {
        let mut standing: BTreeMap<UserId, Standing> = BTreeMap::new();
        for space in &place.chain {
            for (user, member) in self.store().members(&SpaceSlug::parse(&space.slug)?)? {
                standing.insert(user, member.standing);
            }
        }
        Ok(standing
            .into_iter()
            .filter(|(_, s)| *s >= min)
            .map(|(user, _)| user)
            .collect())
    }

    /// Checks a proposal's payload against the space as it is now, and
    /// works out what passing it would do.
    fn effect_of(
        &self,
        place: &Place,
        kind: ProposalKind,
        value: &Value,
        proposer: UserId,
    ) -> ServiceResult<Effect> {
        match kind {
            ProposalKind::CharterChange => {
                let CharterPayload { patch } = payload("charter_change", value)?;
                let (changed, stored) =
                    change(&place.parent_charter, &place.charter, &patch).map_err(charter_error)?;
                self.check_descendants(place, &changed)?;
                Ok(Effect::Charter {
                    space: place.slug.clone(),
                    patch: stored,
                })
            }
            ProposalKind::RoleChange => {
                let RolePayload { user, standing } = payload("role_change", value)?;
                let user = self.user_named(&user)?;
                Ok(Effect::Standing(MembershipChange {
                    space: place.slug.clone(),
                    user: user.id,
                    username: user.username,
                    standing: Some(standing),
                    actor: None,
                    action: EventKind::StandingChange,
                    reason: "a role_change proposal passed".to_owned(),
                }))
            }
            ProposalKind::CreateSpace => {
                let SpacePayload {
                    slug,
                    title,
                    charter,
                } = payload("create_space", value)?;
                let slug = SpaceSlug::parse(&slug)?;
                let title = super::spaces::clean_title(&title)?;
                let charter = charter.unwrap_or_else(|| Value::Object(Default::default()));
                apply_patch(&place.charter, &charter).map_err(charter_error)?;
                if self.store().space(&slug)?.is_some() {
                    return Err(ServiceError::Conflict(
                        "space_exists",
                        format!("a space {slug} exists"),
                    ));
                }
                Ok(Effect::CreateSpace(NewSpace {
                    slug,
                    title,
                    parent: Some(place.slug.clone()),
                    charter,
                    creator: proposer,
                    reason: "a create_space proposal passed".to_owned(),
                }))
            }
            ProposalKind::Appeal => {
                let AppealPayload { sanction } = payload("appeal", value)?;
                match self.store().sanction(sanction)? {
                    Some(found) if found.space == place.slug.as_str() => {
                        if found.lifted_at.is_some() {
                            return Err(ServiceError::Conflict(
                                "not_in_force",
                                format!("sanction {sanction} was lifted already"),
                            ));
                        }
                        Ok(Effect::LiftSanction { sanction })
                    }
                    _ => Err(ServiceError::NotFound(format!(
                        "{} has no sanction {sanction}",
                        place.slug
                    ))),
                }
            }
            ProposalKind::Dispute => Err(ServiceError::InvalidInput(format!(
                "{} proposals are opened from the dispute they concern",
                kind_name(kind)
            ))),
        }
    }

    /// Refuses a charter for `place` under which one of its descendants'
    /// stored charters would no longer apply (it sets a field now locked,
    /// or becomes invalid).
    fn check_descendants(&self, place: &Place, changed: &Charter) -> ServiceResult<()> {
        let mut resolved: BTreeMap<String, Arc<Charter>> = BTreeMap::new();
        resolved.insert(place.space.slug.clone(), Arc::new(changed.clone()));
        let mut spaces = self.store().spaces()?;
        // Parents before children: a child's depth is its chain's length.
        spaces.sort_by_cached_key(|space| {
            SpaceSlug::parse(&space.slug)
                .ok()
                .and_then(|slug| self.store().space_chain(&slug).ok())
                .map_or(0, |chain| chain.len())
        });
        for space in spaces {
            let Some(parent) = space.parent.as_ref().and_then(|p| resolved.get(p)).cloned() else {
                continue;
            };
            let charter = apply_patch(&parent, &space.charter).map_err(|error| {
                ServiceError::InvalidInput(format!(
                    "this change would break the charter of the child space {}: {error}",
                    space.slug
                ))
            })?;
            resolved.insert(space.slug.clone(), Arc::new(charter));
        }
        Ok(())
    }

    /// Opens a proposal; the members eligible to vote are fixed now.
    pub async fn open_proposal(
        &self,
        actor: &Actor,
        space: &str,
        request: ProposalRequest,
    ) -> ServiceResult<ProposalView> {
        if request.kind == ProposalKind::Appeal {
            return Err(ServiceError::InvalidInput(
                "an appeal is opened by the sanctioned member: POST .../sanctions/{id}/appeal"
                    .to_owned(),
            ));
        }
        let place = self.place(Some(actor), space)?;
        let facts = self.actor_facts(actor, &place)?;
        if let Decision::Deny(denial) =
            self.decide(&facts, &place, &Action::Propose { kind: request.kind })
        {
            return Err(ServiceError::Denied(denial));
        }
        self.open_checked(actor, &place, request, None).await
    }

    /// Opens a proposal the engine (or the sanction it appeals) allowed.
    pub(super) async fn open_checked(
        &self,
        actor: &Actor,
        place: &Place,
        request: ProposalRequest,
        appeal_of: Option<u64>,
    ) -> ServiceResult<ProposalView> {
        let title = request.title.trim().to_owned();
        if title.is_empty()
            || title.chars().count() > MAX_TITLE_CHARS
            || title.chars().any(char::is_control)
        {
            return Err(ServiceError::InvalidInput(format!(
                "title is 1 to {MAX_TITLE_CHARS} characters"
            )));
        }
        let rationale = request.rationale.unwrap_or_default().trim().to_owned();
        if rationale.chars().count() > MAX_RATIONALE_CHARS {
            return Err(ServiceError::InvalidInput(format!(
                "rationale is at most {MAX_RATIONALE_CHARS} characters"
            )));
        }
        self.effect_of(place, request.kind, &request.payload, actor.id)?;
        let rule = rule_for(&place.charter, request.kind).clone();
        // Nobody votes on their own appeal.
        let mut eligible = self.eligible_voters(place, rule.eligible_min)?;
        if request.kind == ProposalKind::Appeal {
            eligible.retain(|&voter| voter != actor.id);
        }
        if eligible.is_empty() {
            return Err(ServiceError::Conflict(
                "no_eligible_voters",
                format!(
                    "nobody here holds the standing ({:?}) to vote on it",
                    rule.eligible_min
                )
                .to_lowercase(),
            ));
        }
        let closes_at = Timestamp::now().plus_seconds(rule.duration.seconds() as i64);
        let opened = self
            .store()
            .open_proposal(NewProposal {
                space: place.slug.clone(),
                kind: request.kind,
                title,
                rationale,
                payload: request.payload,
                proposer: actor.id,
                closes_at,
                eligible,
                quorum: rule.quorum,
                threshold: rule.threshold,
                appeal_of,
            })
            .await;
        match opened {
            Ok(proposal) => self.proposal_view(&proposal),
            Err(StoreError::AlreadyAppealed) => Err(super::sanctions::already_appealed(
                appeal_of.unwrap_or_default(),
            )),
            Err(error) => Err(error.into()),
        }
    }

    fn proposal_in(&self, place: &Place, id: u64) -> ServiceResult<Proposal> {
        match self.store().proposal(id)? {
            Some(proposal) if proposal.space == place.slug.as_str() => Ok(proposal),
            _ => Err(ServiceError::NotFound(format!(
                "{} has no proposal {id}",
                place.slug
            ))),
        }
    }

    pub fn get_proposal(
        &self,
        viewer: Option<&Actor>,
        space: &str,
        id: u64,
    ) -> ServiceResult<ProposalView> {
        let place = self.place(viewer, space)?;
        self.proposal_view(&self.proposal_in(&place, id)?)
    }

    /// The proposals of a space, newest first, optionally in one state.
    pub fn list_proposals(
        &self,
        viewer: Option<&Actor>,
        space: &str,
        state: Option<ProposalState>,
    ) -> ServiceResult<Vec<ProposalView>> {
        let place = self.place(viewer, space)?;
        self.store()
            .proposals(&place.slug)?
            .iter()
            .filter(|p| state.is_none_or(|s| p.state == s))
            .map(|p| self.proposal_view(p))
            .collect()
    }

    /// Casts or changes a vote; closes the proposal at once if that
    /// settles it.
    pub async fn vote(
        &self,
        actor: &Actor,
        space: &str,
        id: u64,
        choice: Choice,
    ) -> ServiceResult<VoteView> {
        let place = self.place(Some(actor), space)?;
        let proposal = self.proposal_in(&place, id)?;
        let facts = self.actor_facts(actor, &place)?;
        let eligible = proposal.eligible.contains(&actor.id);
        if let Decision::Deny(denial) = self.decide(&facts, &place, &Action::Vote { eligible }) {
            return Err(ServiceError::Denied(denial));
        }
        let proposal = match self.store().vote(id, actor.id, choice).await {
            Ok(proposal) => proposal,
            Err(StoreError::ProposalClosed) => return Err(closed(id)),
            Err(error) => return Err(error.into()),
        };
        let proposal = if tally_of(&proposal).settled(&rule_of(&proposal)) {
            self.close_proposal(id).await?
        } else {
            proposal
        };
        Ok(VoteView {
            state: proposal.state,
            tally: tally_of(&proposal),
        })
    }

    /// Closes a proposal: passed or rejected by its tally, and if passed,
    /// applied (checked again against the space as it is now). Returns it
    /// as it ends up (as it is, if someone else closed it first).
    pub(super) async fn close_proposal(&self, id: u64) -> ServiceResult<Proposal> {
        let proposal = self
            .store()
            .proposal(id)?
            .ok_or_else(|| ServiceError::NotFound(format!("no proposal {id}")))?;
        if proposal.state != ProposalState::Open {
            return Ok(proposal);
        }
        let tally = tally_of(&proposal);
        let mut passed = tally.passes(&rule_of(&proposal));
        let mut outcome = format!(
            "{} yes, {} no, {} abstain of {} eligible (quorum {}, threshold {})",
            tally.yes, tally.no, tally.abstain, tally.eligible, proposal.quorum, proposal.threshold
        );
        let mut effect = None;
        if passed {
            let place = self.place_for_system(&proposal.space)?;
            match self.effect_of(&place, proposal.kind, &proposal.payload, proposal.proposer) {
                Ok(applies) => effect = Some(applies),
                Err(error) => {
                    passed = false;
                    outcome = format!("{outcome}; passed, but cannot apply: {error}");
                }
            }
        }
        let changes_spaces = matches!(
            effect,
            Some(Effect::Charter { .. } | Effect::CreateSpace(_))
        );
        match self
            .store()
            .close_proposal(Closing {
                id,
                passed,
                outcome,
                effect,
            })
            .await
        {
            Ok(closed) => {
                if changes_spaces {
                    self.inner.governance.charters_changed();
                }
                Ok(closed)
            }
            Err(StoreError::ProposalClosed) => Ok(self.store().proposal(id)?.unwrap_or(proposal)),
            Err(error) => Err(error.into()),
        }
    }

    /// Closes every open proposal whose deadline has passed (the governance
    /// clock; after a restart too, since deadlines are stored).
    pub async fn close_due_proposals(&self) -> ServiceResult<usize> {
        let due = self.store().proposals_due(Timestamp::now())?;
        for &id in &due {
            self.close_proposal(id).await?;
        }
        Ok(due.len())
    }

    fn proposal_view(&self, proposal: &Proposal) -> ServiceResult<ProposalView> {
        let votes = proposal
            .votes
            .iter()
            .map(|(user, choice)| Ok((self.username(*user)?, *choice)))
            .collect::<ServiceResult<BTreeMap<String, Choice>>>()?;
        Ok(ProposalView {
            id: proposal.id,
            kind: proposal.kind,
            title: proposal.title.clone(),
            rationale: proposal.rationale.clone(),
            payload: proposal.payload.clone(),
            proposer: self.username(proposal.proposer)?,
            state: proposal.state,
            tally: tally_of(proposal),
            eligible: proposal.eligible.len() as u32,
            quorum: proposal.quorum,
            threshold: proposal.threshold,
            opened_at: proposal.opened_at,
            closes_at: proposal.closes_at,
            closed_at: proposal.closed_at,
            outcome: proposal.outcome.clone(),
            votes,
        })
    }
}

fn closed(id: u64) -> ServiceError {
    ServiceError::Conflict("proposal_closed", format!("proposal {id} is closed"))
}

fn tally_of(proposal: &Proposal) -> Tally {
    Tally::of(
        proposal.votes.values().copied(),
        proposal.eligible.len() as u32,
    )
}

/// The bar a proposal was opened under (the charter may change meanwhile).
fn rule_of(proposal: &Proposal) -> Bar {
    Bar {
        quorum: proposal.quorum,
        threshold: proposal.threshold,
    }
}

fn kind_name(kind: ProposalKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}
