//! Collective choice (Ostrom's principle 3): opening proposals, voting, and
//! closing them (at their deadline, or as soon as the outcome is settled),
//! applying what passed in the same transaction as the close.
//!
//! The charter changes through this path and no other.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;
use serde_json::Value;

use super::facts::Place;
use super::listing::numeric_key;
use super::retry::optimistically;
use super::{Actor, App, ProposalView, ServiceError, ServiceResult, VoteView};
use super::{ListRequest, Listing, Order};
use crate::governance::charter::{apply_patch, change};
use crate::governance::{Action, Bar, Charter, Decision, Tally, rule_for};
use crate::model::{
    Choice, DisputeState, ErrorCode, EventKind, PageSlug, ProposalKind, ProposalState,
    RevisionKind, RevisionState, SpaceSlug, Standing, UserId,
};
use crate::store::{
    Closing, Effect, Expected, MembershipChange, NewProposal, NewRevision, NewSpace, PreparedText,
    Proposal, Requires, Space, StoreError,
};

const MAX_TITLE_CHARS: usize = 200;

/// What a passed proposal's effect changes beyond its own records (a
/// charter or a new space needs nothing: located spaces check themselves
/// against their records).
enum Touched {
    Nothing,
    /// A page rolled back: links to it may change colour.
    Page(PageSlug),
}

fn touched_by(effect: Option<&Effect>) -> Touched {
    match effect {
        Some(Effect::ResolveDispute {
            rollback: Some(revision),
            ..
        }) => Touched::Page(revision.slug.clone()),
        _ => Touched::Nothing,
    }
}
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

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum Outcome {
    Keep,
    Rollback,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DisputePayload {
    dispute: u64,
    outcome: Outcome,
    /// For `rollback`: the revision the page goes back to.
    #[serde(default)]
    revision: Option<u64>,
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
        for space in place.membership_chain() {
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
    async fn effect_of(
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
                let descendants = self.check_descendants(place, &changed)?;
                let protection = place
                    .charter
                    .protection
                    .changes_to(&changed.protection)
                    .into_iter()
                    .map(|change| match change.page {
                        Some(slug) => (
                            format!("page:{slug}"),
                            format!("{} → {}", change.from, change.to),
                        ),
                        None => (
                            format!("space:{}", place.slug),
                            format!("default: {} → {}", change.from, change.to),
                        ),
                    })
                    .collect();
                Ok(Effect::Charter {
                    space: place.slug.clone(),
                    based_on: place.chain.iter().cloned().chain(descendants).collect(),
                    patch: stored,
                    protection,
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
                    requires: Requires::Nothing,
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
                        ErrorCode::SpaceExists,
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
                    based_on: place.chain.clone(),
                }))
            }
            ProposalKind::Appeal => {
                let AppealPayload { sanction } = payload("appeal", value)?;
                match self.store().sanction(sanction)? {
                    Some(found) if found.space == place.slug.as_str() => {
                        if found.lifted_at.is_some() {
                            return Err(ServiceError::Conflict(
                                ErrorCode::NotInForce,
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
            ProposalKind::Dispute => {
                let DisputePayload {
                    dispute,
                    outcome,
                    revision,
                } = payload("dispute", value)?;
                self.dispute_effect(place, dispute, outcome, revision, proposer)
                    .await
            }
        }
    }

    /// What resolving `dispute` with `outcome` does: closes it, and for a
    /// rollback, reverts the page to `revision` (planned against the page
    /// as it is now).
    async fn dispute_effect(
        &self,
        place: &Place,
        dispute: u64,
        outcome: Outcome,
        revision: Option<u64>,
        proposer: UserId,
    ) -> ServiceResult<Effect> {
        let found = match self.store().dispute(dispute)? {
            Some(found) if found.space == place.slug.as_str() => found,
            _ => {
                return Err(ServiceError::NotFound(format!(
                    "{} has no dispute {dispute}",
                    place.slug
                )));
            }
        };
        if found.state != DisputeState::Open {
            return Err(ServiceError::Conflict(
                ErrorCode::NotDisputed,
                format!("dispute {dispute} is resolved already"),
            ));
        }
        let page = self.store().page_by_id(found.page)?.ok_or_else(|| {
            ServiceError::NotFound(format!("the page of dispute {dispute} is gone"))
        })?;
        let (resolution, rollback) = match (outcome, revision) {
            (Outcome::Keep, None) => (format!("kept {} as it is", page.slug), None),
            (Outcome::Keep, Some(_)) => {
                return Err(ServiceError::InvalidInput(
                    "payload.revision goes with outcome rollback only".to_owned(),
                ));
            }
            (Outcome::Rollback, None) => {
                return Err(ServiceError::InvalidInput(
                    "payload.revision: a rollback names the revision to go back to".to_owned(),
                ));
            }
            (Outcome::Rollback, Some(to)) => {
                // The proposer is a member: any revision of the page.
                let target = self.readable_revision(&page, to, true)?;
                let line = page
                    .published
                    .ok_or_else(|| super::pages::page_not_found(&page.slug))?;
                let text = self.store().text(&target)?;
                let slug = PageSlug::parse(&page.slug)?;
                let (rendered, _) = self
                    .render_fresh(&place.slug, Arc::from(text.as_str()))
                    .await?;
                let revision = NewRevision {
                    space: place.slug.clone(),
                    title: rendered
                        .front_matter
                        .title
                        .clone()
                        .unwrap_or_else(|| slug.title()),
                    links: if target.deleted {
                        Vec::new()
                    } else {
                        super::edits::links_of(&rendered)
                    },
                    slug,
                    expected: Expected::Head(line),
                    // The community's decision, in the name of the proposer.
                    author: proposer,
                    summary: format!("dispute {dispute} resolved: back to revision {to}"),
                    kind: RevisionKind::Revert,
                    state: RevisionState::Published,
                    text: PreparedText::new(&text),
                    deleted: target.deleted,
                    reverted_to: Some(to),
                    base: None,
                    join_author: false,
                    // Written before the dispute is resolved, in the same
                    // transaction.
                    open_dispute: Some(dispute),
                    sanctions_seen: crate::store::SanctionsSeen::NotChecked,
                };
                (
                    format!("rolled {} back to revision {to}", page.slug),
                    Some(Box::new(revision)),
                )
            }
        };
        Ok(Effect::ResolveDispute {
            dispute,
            resolution,
            rollback,
        })
    }

    /// Refuses a charter for `place` under which one of its descendants'
    /// stored charters would no longer apply (it sets a field now locked,
    /// or becomes invalid).
    fn check_descendants(&self, place: &Place, changed: &Charter) -> ServiceResult<Vec<Space>> {
        let mut resolved: BTreeMap<String, Arc<Charter>> = BTreeMap::new();
        resolved.insert(place.space.slug.clone(), Arc::new(changed.clone()));
        let mut descendants = Vec::new();
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
            descendants.push(space);
        }
        Ok(descendants)
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
        self.effect_of(place, request.kind, &request.payload, actor.id)
            .await?;
        let rule = rule_for(&place.charter, request.kind).clone();
        // Nobody votes on their own appeal.
        let mut eligible = self.eligible_voters(place, rule.eligible_min)?;
        if request.kind == ProposalKind::Appeal {
            eligible.retain(|&voter| voter != actor.id);
        }
        if eligible.is_empty() {
            return Err(ServiceError::Conflict(
                ErrorCode::NoEligibleVoters,
                format!(
                    "nobody here holds the standing ({:?}) to vote on it",
                    rule.eligible_min
                )
                .to_lowercase(),
            ));
        }
        let closes_at = self.now().plus_seconds(rule.duration.seconds() as i64);
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
        list: ListRequest<'_>,
    ) -> ServiceResult<Listing<ProposalView>> {
        let place = self.place(viewer, space)?;
        let proposals: Vec<_> = self
            .store()
            .proposals(&place.slug)?
            .into_iter()
            .filter(|p| state.is_none_or(|s| p.state == s))
            .collect();
        Listing::paged(proposals, list, Order::Descending, |p| numeric_key(p.id))
            .try_map(|p| self.proposal_view(&p))
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
        let eligible = proposal.eligible.contains(&actor.id);
        let proposal = self
            .record_vote(actor, &place, id, eligible, choice)
            .await?;
        let proposal = if tally_of(&proposal).settled(&rule_of(&proposal)) {
            match self.close_proposal(id).await {
                Ok(proposal) => proposal,
                // The vote is on disk; a storm of votes keeps changing the
                // tally under the close, which the clock finishes within a tick.
                Err(ServiceError::Busy) => proposal,
                Err(error) => return Err(error),
            }
        } else {
            proposal
        };
        Ok(VoteView {
            state: proposal.state,
            tally: tally_of(&proposal),
        })
    }

    /// Asks the engine, then records the vote; decided again if the voter
    /// was sanctioned meanwhile.
    async fn record_vote(
        &self,
        actor: &Actor,
        place: &Place,
        id: u64,
        eligible: bool,
        choice: Choice,
    ) -> ServiceResult<Proposal> {
        optimistically! {
            let sanctions_seen = self.sanctions_seen(actor)?;
            let facts = self.actor_facts(actor, place)?;
            if let Decision::Deny(denial) = self.decide(&facts, place, &Action::Vote { eligible }) {
                return Err(ServiceError::Denied(denial));
            }
            match self
                .store()
                .vote(id, actor.id, choice, sanctions_seen)
                .await
            {
                Ok(proposal) => return Ok(proposal),
                Err(StoreError::ProposalClosed) => return Err(closed(id)),
                Err(StoreError::SanctionedMeanwhile) => continue,
                Err(error) => return Err(error.into()),
            }
        }
    }

    /// Closes a proposal if it is due (past its deadline) or settled (no
    /// remaining vote can change the outcome): passed or rejected by its
    /// tally, and if passed, applied (checked again against the space as
    /// it is now). Returns it as it ends up: still open if neither, or as
    /// it is on disk if someone else closed it first.
    pub(super) async fn close_proposal(&self, id: u64) -> ServiceResult<Proposal> {
        optimistically! {
            let proposal = self
                .store()
                .proposal(id)?
                .ok_or_else(|| ServiceError::NotFound(format!("no proposal {id}")))?;
            if proposal.state != ProposalState::Open {
                // Another request closed it; say so only once it is on disk.
                return Ok(self.store().durable_proposal(id).await?);
            }
            let due = self.now() >= proposal.closes_at;
            if !due && !tally_of(&proposal).settled(&rule_of(&proposal)) {
                return Ok(proposal);
            }
            let (passed, outcome, effect) = self.outcome_of(&proposal).await?;
            let touched = touched_by(effect.as_ref());
            let closing = Closing {
                id,
                votes: proposal.votes.clone(),
                passed,
                outcome,
                effect,
            };
            match self.store().close_proposal(closing).await {
                Ok((closed, true)) => {
                    self.after_effect(&closed, touched)?;
                    return Ok(closed);
                }
                Ok((closed, false)) => return Ok(closed),
                // A vote, the charter or the page changed under the
                // decision: decide again on fresh facts.
                Err(StoreError::HeadMoved) => {}
                Err(error) => return Err(error.into()),
            }
        }
    }

    /// Whether `proposal` passes by its tally, why, and (if it passes) its
    /// effect, checked again against the space as it is now: a passed
    /// proposal that no longer applies closes rejected, saying why.
    async fn outcome_of(
        &self,
        proposal: &Proposal,
    ) -> ServiceResult<(bool, String, Option<Effect>)> {
        let tally = tally_of(proposal);
        let passed = tally.passes(&rule_of(proposal));
        let outcome = format!(
            "{} yes, {} no, {} abstain of {} eligible (quorum {}, threshold {})",
            tally.yes, tally.no, tally.abstain, tally.eligible, proposal.quorum, proposal.threshold
        );
        if !passed {
            return Ok((false, outcome, None));
        }
        let place = self.place_for_system(&proposal.space)?;
        match self
            .effect_of(&place, proposal.kind, &proposal.payload, proposal.proposer)
            .await
        {
            Ok(effect) => Ok((true, outcome, Some(effect))),
            Err(error) => Ok((
                false,
                format!("{outcome}; passed, but cannot apply: {error}"),
                None,
            )),
        }
    }

    /// What a passed proposal's effect leaves to do outside its transaction:
    /// forget resolved charters, and renderings linking to a page that a
    /// rollback may have deleted or restored.
    fn after_effect(&self, proposal: &Proposal, touched: Touched) -> ServiceResult<()> {
        match touched {
            Touched::Nothing => {}
            Touched::Page(slug) => {
                let space = SpaceSlug::parse(&proposal.space)?;
                self.existence_changed(&space, &slug)?;
            }
        }
        Ok(())
    }

    /// Closes every open proposal past its deadline or already settled (the
    /// governance clock; after a restart too, since open proposals are
    /// stored: one settled by a vote just before a crash closes here).
    pub async fn close_due_proposals(&self) -> ServiceResult<usize> {
        let mut closed = 0;
        for id in self.store().open_proposals()? {
            // One that cannot close now (busy, or a fault) must not hold
            // back the others; the next tick tries it again.
            match self.close_proposal(id).await {
                Ok(proposal) if proposal.state != ProposalState::Open => closed += 1,
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, proposal = id, "closing a proposal failed"),
            }
        }
        Ok(closed)
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
    ServiceError::Conflict(
        ErrorCode::ProposalClosed,
        format!("proposal {id} is closed"),
    )
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
