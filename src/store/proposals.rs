//! Proposals and votes: opening, voting, and closing with the passed
//! proposal's effect applied in the same transaction as its close, so a
//! charter change, a new standing or a new space is there exactly when the
//! proposal says it passed.

use std::collections::BTreeMap;

use serde_json::Value;

use super::pages::{self, NewRevision};
use super::records::entry;
use super::records::{Proposal, Space};
use super::sanctions::SanctionsSeen;
use super::spaces::{self, MembershipChange, NewSpace};
use super::tx::{self, Abort, TreeId, Tx, joined_key, pair_key};
use super::{Store, StoreError};
use super::{disputes, sanctions};
use crate::model::{Choice, EventKind, ProposalKind, ProposalState, SpaceSlug, Timestamp, UserId};

/// A proposal about to open.
#[derive(Debug, Clone)]
pub struct NewProposal {
    pub space: SpaceSlug,
    pub kind: ProposalKind,
    pub title: String,
    pub rationale: String,
    pub payload: Value,
    pub proposer: UserId,
    pub closes_at: Timestamp,
    pub eligible: Vec<UserId>,
    pub quorum: f64,
    pub threshold: f64,
    /// The sanction an `appeal` appeals (each is appealed once).
    pub appeal_of: Option<u64>,
}

/// What a passed proposal does, applied with its close.
#[derive(Debug, Clone)]
pub enum Effect {
    /// The space's stored charter (a merge patch over its parent's) becomes this.
    Charter {
        space: SpaceSlug,
        /// The spaces the change was computed and validated over (the
        /// space's chain and its descendants), as read: if one changed
        /// meanwhile (a charter, a child born), `HeadMoved`, and again.
        based_on: Vec<Space>,
        patch: Value,
        /// The protections it changes, each logged as `protection_change`:
        /// (target, reason), e.g. (`page:Charte`, `reviewer → steward`).
        protection: Vec<(String, String)>,
    },
    Standing(MembershipChange),
    CreateSpace(NewSpace),
    /// A passed appeal lifts the sanction (a ban's standing comes back).
    LiftSanction {
        sanction: u64,
    },
    /// A passed `dispute` resolves it, rolling the page back if so decided.
    ResolveDispute {
        dispute: u64,
        resolution: String,
        rollback: Option<Box<NewRevision>>,
    },
}

/// A proposal closing, passed or not.
#[derive(Debug, Clone)]
pub struct Closing {
    pub id: u64,
    /// The votes the outcome was decided on: if they changed meanwhile, the
    /// close is refused with `HeadMoved` and decided again.
    pub votes: BTreeMap<UserId, Choice>,
    pub passed: bool,
    /// Why, in words (the tally, or why a passed proposal could not apply).
    pub outcome: String,
    pub effect: Option<Effect>,
}

fn space_key(space: &str, id: u64) -> Vec<u8> {
    joined_key(space, &id.to_be_bytes())
}

fn deadline_key(at: Timestamp, id: u64) -> [u8; 16] {
    pair_key(at.millis().max(0) as u64, id)
}

fn load(tx: &Tx<'_>, id: u64) -> Result<Proposal, Abort> {
    tx.get(TreeId::Proposals, &id.to_be_bytes())?
        .ok_or_else(|| StoreError::NotFound.into())
}

fn target(id: u64) -> String {
    format!("proposal:{id}")
}

impl Store {
    pub async fn open_proposal(&self, new: NewProposal) -> Result<Proposal, StoreError> {
        let now = self.now();
        self.write(0, move |tx| {
            let proposal = Proposal {
                id: tx.next_id("proposal")?,
                space: new.space.to_string(),
                kind: new.kind,
                title: new.title.clone(),
                rationale: new.rationale.clone(),
                payload: new.payload.clone(),
                proposer: new.proposer,
                opened_at: now,
                closes_at: new.closes_at,
                state: ProposalState::Open,
                eligible: new.eligible.clone(),
                votes: BTreeMap::new(),
                quorum: new.quorum,
                threshold: new.threshold,
                closed_at: None,
                outcome: String::new(),
            };
            tx.put(TreeId::Proposals, &proposal.id.to_be_bytes(), &proposal)?;
            tx.put_raw(
                TreeId::SpaceProposals,
                &space_key(&proposal.space, proposal.id),
                &[],
            )?;
            tx.put_raw(
                TreeId::ProposalDeadlines,
                &deadline_key(proposal.closes_at, proposal.id),
                &[],
            )?;
            tx.append_event(entry(
                &proposal.space,
                EventKind::ProposalOpen,
                Some(proposal.proposer),
                target(proposal.id),
                &proposal.title,
                now,
            ))?;
            if let Some(sanction) = new.appeal_of {
                sanctions::mark_appealed(tx, sanction, proposal.id)?;
                tx.append_event(entry(
                    &proposal.space,
                    EventKind::Appeal,
                    Some(proposal.proposer),
                    format!("sanction:{sanction}"),
                    &proposal.rationale,
                    now,
                ))?;
            }
            Ok(proposal)
        })
        .await
    }

    /// Records (or changes) `voter`'s vote; refused once the proposal
    /// closed, and sent back (`HeadMoved`) if the voter was sanctioned
    /// since the vote was decided.
    pub async fn vote(
        &self,
        id: u64,
        voter: UserId,
        choice: Choice,
        sanctions_seen: SanctionsSeen,
    ) -> Result<Proposal, StoreError> {
        let now = self.now();
        self.write(0, move |tx| {
            sanctions::check_seen(tx, voter, sanctions_seen)?;
            let mut proposal = load(tx, id)?;
            if proposal.state != ProposalState::Open || now >= proposal.closes_at {
                return Err(StoreError::ProposalClosed.into());
            }
            proposal.votes.insert(voter, choice);
            tx.put(TreeId::Proposals, &id.to_be_bytes(), &proposal)?;
            let choice = match choice {
                Choice::Yes => "yes",
                Choice::No => "no",
                Choice::Abstain => "abstain",
            };
            tx.append_event(entry(
                &proposal.space,
                EventKind::Vote,
                Some(voter),
                target(id),
                choice,
                now,
            ))?;
            Ok(proposal)
        })
        .await
    }

    /// Closes an open proposal and applies its effect, all or nothing, and
    /// says whether this call closed it. One closed already is answered as
    /// it is (durably: the answer waits for the flush, like any write's).
    pub async fn close_proposal(&self, closing: Closing) -> Result<(Proposal, bool), StoreError> {
        let now = self.now();
        self.write(0, move |tx| {
            let mut proposal = load(tx, closing.id)?;
            if proposal.state != ProposalState::Open {
                return Ok((proposal, false));
            }
            if proposal.votes != closing.votes {
                return Err(StoreError::HeadMoved.into());
            }
            proposal.state = if closing.passed {
                ProposalState::Passed
            } else {
                ProposalState::Rejected
            };
            proposal.closed_at = Some(now);
            proposal.outcome = closing.outcome.clone();
            tx.put(TreeId::Proposals, &proposal.id.to_be_bytes(), &proposal)?;
            tx.remove(
                TreeId::ProposalDeadlines,
                &deadline_key(proposal.closes_at, proposal.id),
            )?;
            tx.append_event(
                entry(
                    &proposal.space,
                    EventKind::ProposalClose,
                    None,
                    target(proposal.id),
                    &proposal.outcome,
                    now,
                )
                .with_detail(serde_json::json!({ "passed": closing.passed })),
            )?;
            if let Some(effect) = &closing.effect {
                apply(tx, effect, &proposal, now)?;
            }
            Ok((proposal, true))
        })
        .await
    }

    /// The proposal as last written; it may not be on disk yet.
    pub fn proposal(&self, id: u64) -> Result<Option<Proposal>, StoreError> {
        self.get(TreeId::Proposals, &id.to_be_bytes())
    }

    /// The proposal as it is on disk: read through the writer, answered
    /// after the flush, so what it says survives a crash.
    pub async fn durable_proposal(&self, id: u64) -> Result<Proposal, StoreError> {
        self.write(0, move |tx| load(tx, id)).await
    }

    /// The proposals of `space`, newest first.
    pub fn proposals(&self, space: &SpaceSlug) -> Result<Vec<Proposal>, StoreError> {
        let prefix = joined_key(space.as_str(), b"");
        let mut proposals = Vec::new();
        for key in self
            .trees()
            .tree(TreeId::SpaceProposals)
            .scan_prefix(&prefix)
            .keys()
            .rev()
        {
            let id = tx::seq_from_key(&key?[prefix.len()..]);
            if let Some(proposal) = self.proposal(id)? {
                proposals.push(proposal);
            }
        }
        Ok(proposals)
    }

    /// Every open proposal, soonest deadline first.
    pub fn open_proposals(&self) -> Result<Vec<u64>, StoreError> {
        self.trees()
            .tree(TreeId::ProposalDeadlines)
            .iter()
            .keys()
            .map(|key| Ok(tx::seq_from_key(&key?[8..])))
            .collect()
    }
}

fn apply(tx: &Tx<'_>, effect: &Effect, proposal: &Proposal, now: Timestamp) -> Result<(), Abort> {
    match effect {
        Effect::Charter {
            space,
            based_on,
            patch,
            protection,
        } => {
            spaces::check_unchanged(tx, based_on)?;
            let key = space.as_str().as_bytes();
            let mut record: Space = tx.get(TreeId::Spaces, key)?.ok_or(StoreError::NotFound)?;
            record.charter = patch.clone();
            tx.put(TreeId::Spaces, key, &record)?;
            tx.append_event(
                entry(
                    space.as_str(),
                    EventKind::CharterChange,
                    None,
                    format!("space:{space}"),
                    &format!("proposal {} passed", proposal.id),
                    now,
                )
                .with_detail(patch.clone()),
            )?;
            for (target, reason) in protection {
                tx.append_event(entry(
                    space.as_str(),
                    EventKind::ProtectionChange,
                    None,
                    target.clone(),
                    reason,
                    now,
                ))?;
            }
        }
        Effect::Standing(change) => {
            spaces::change_membership(tx, change, now)?;
        }
        Effect::CreateSpace(new) => {
            spaces::create_space(tx, new, now)?;
        }
        Effect::ResolveDispute {
            dispute,
            resolution,
            rollback,
        } => {
            if let Some(revision) = rollback {
                pages::append(tx, revision, now)?;
            }
            disputes::resolve(tx, *dispute, resolution, now)?;
        }
        Effect::LiftSanction { sanction } => {
            let reason = format!("appeal (proposal {}) passed", proposal.id);
            sanctions::lift(tx, *sanction, &reason, true, now)?;
        }
    }
    Ok(())
}
