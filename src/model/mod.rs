//! The domain vocabulary shared by every layer: timestamps, ids, standings,
//! revision states, the validated names (page slugs, space slugs,
//! usernames), and the closed table of error codes. Pure values: nothing here does I/O or reads a store.

mod code;
mod names;
mod timestamp;

pub use code::ErrorCode;
pub use names::{InvalidName, PageSlug, SpaceSlug, Username, validate_password};
pub use timestamp::{Clock, Timestamp};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Revision ids are global, allocated in increasing order, and never reused.
pub type RevisionId = u64;
/// Page ids are stable across moves: history follows the page, not its slug.
pub type PageId = u64;
/// User ids are stable; usernames are how the API names users.
pub type UserId = u64;
/// Sequence number of an entry in the append-only event log.
pub type EventSeq = u64;

/// A member's standing inside a space, in increasing order of trust.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    ToSchema,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    Newcomer,
    Contributor,
    Reviewer,
    Steward,
}

impl Standing {
    /// Its name, as in charters and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Newcomer => "newcomer",
            Standing::Contributor => "contributor",
            Standing::Reviewer => "reviewer",
            Standing::Steward => "steward",
        }
    }
}

impl std::fmt::Display for Standing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a revision stands in review. Readers only ever see `published` ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RevisionState {
    Published,
    Pending,
    Rejected,
}

/// How a revision came to be. A deletion is a revision too, so revert restores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RevisionKind {
    /// The first revision of a page.
    Create,
    /// An ordinary edit (possibly merged with concurrent edits).
    Edit,
    /// A copy of an earlier revision's text, made through revert.
    Revert,
    /// A tombstone: the page reads as deleted until a later revision.
    Delete,
    /// The page changed slug; the text is unchanged.
    Move,
}

/// What a proposal decides (collective choice).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ProposalKind {
    /// A JSON merge patch to the space's charter.
    CharterChange,
    /// A member's new standing (`steward` comes only this way).
    RoleChange,
    /// Lifting a sanction.
    Appeal,
    /// Resolving a disputed page: keep it, or roll it back.
    Dispute,
    /// A child space with its charter.
    CreateSpace,
}

/// A vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    Yes,
    No,
    Abstain,
}

/// Where a proposal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProposalState {
    Open,
    Passed,
    Rejected,
}

/// Where a dispute over a page stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DisputeState {
    Open,
    Resolved,
}

/// What an entry of the event log records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Create,
    Edit,
    Revert,
    Delete,
    Move,
    AccountCreate,
    SpaceCreate,
    /// Someone became a member (joined an open space, or by their first
    /// contribution to it).
    Join,
    /// Someone asked to join a space that admits on approval.
    JoinRequest,
    /// A reviewer or steward accepted a join request.
    JoinAccept,
    /// A member left the space.
    Leave,
    /// A steward set a member's standing.
    StandingChange,
    /// A newcomer became a contributor by the charter's rule.
    Promotion,
    ReviewApprove,
    ReviewReject,
    /// A pending revision was published (approvals, or lazy consensus).
    Publish,
    /// A steward rolled back a user's edits across a space.
    MassRollback,
    ProposalOpen,
    Vote,
    /// A proposal closed, passed or rejected.
    ProposalClose,
    /// A passed `charter_change` changed the charter.
    CharterChange,
    /// That change altered who may edit a page (or pages by default).
    ProtectionChange,
    Report,
    Sanction,
    /// A sanction ended, or an appeal lifted it.
    SanctionLift,
    /// A sanctioned member appealed (an `appeal` proposal opened).
    Appeal,
    /// A page became disputed (by a member, or by edit-war detection).
    DisputeOpen,
    /// A `dispute` proposal settled it.
    DisputeResolve,
    /// An instance administrator used one of the powers the configuration lists.
    AdminPower,
}

impl EventKind {
    pub fn of_revision(kind: RevisionKind) -> Self {
        match kind {
            RevisionKind::Create => Self::Create,
            RevisionKind::Edit => Self::Edit,
            RevisionKind::Revert => Self::Revert,
            RevisionKind::Delete => Self::Delete,
            RevisionKind::Move => Self::Move,
        }
    }

    /// True for the kinds that change a page (what "recent changes" lists).
    pub fn is_page_change(self) -> bool {
        matches!(
            self,
            Self::Create | Self::Edit | Self::Revert | Self::Delete | Self::Move | Self::Publish
        )
    }

    /// The governance log's name for this kind, if it is a governance
    /// action (a revert is a rollback there).
    pub fn governance_action(self) -> Option<&'static str> {
        Some(match self {
            Self::SpaceCreate => "space_create",
            Self::Join => "join",
            Self::JoinAccept => "join_accept",
            Self::Leave => "leave",
            Self::StandingChange => "standing_change",
            Self::Promotion => "promotion",
            Self::ReviewApprove => "review_approve",
            Self::ReviewReject => "review_reject",
            Self::Publish => "publish",
            Self::Revert => "rollback",
            Self::MassRollback => "mass_rollback",
            Self::ProposalOpen => "proposal_open",
            Self::Vote => "vote",
            Self::ProposalClose => "proposal_close",
            Self::CharterChange => "charter_change",
            Self::ProtectionChange => "protection_change",
            Self::Report => "report",
            Self::Sanction => "sanction",
            Self::SanctionLift => "sanction_lift",
            Self::Appeal => "appeal",
            Self::DisputeOpen => "dispute_open",
            Self::DisputeResolve => "dispute_resolve",
            Self::AdminPower => "admin_power",
            _ => return None,
        })
    }
}
