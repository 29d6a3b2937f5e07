//! What may this viewer do here: the read side of the engine. For a page,
//! or a space, each action a member might take and what [`decide`] says
//! of it now for this actor, so that clients and the web pages show the
//! right buttons (and why others are missing) without re-deriving a rule.
//! Pure, like the rest of the engine: the caller passes the facts.

use serde::Serialize;
use utoipa::ToSchema;

use super::decide::{Action, Context, Decision, PageFacts, QueueReason, decide};
use crate::model::{ProposalKind, Standing};

/// An action on a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PageAction {
    Edit,
    Delete,
    Revert,
    Move,
    Dispute,
    /// Write on the page's talk page.
    Talk,
    /// Approve or reject the page's pending revisions.
    Review,
}

/// An action in a space.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SpaceAction {
    Join,
    /// Create a page (the same rules as editing one).
    CreatePage,
    SeeQueue,
    Review,
    AcceptJoin,
    Appoint,
    MassRollback,
    Report,
    Sanction,
    ProposeCharterChange,
    ProposeRoleChange,
    CreateChildSpace,
}

/// What the engine would say of an action, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ability<A> {
    pub action: A,
    pub decision: Decision,
}

/// The facts of one page the abilities rest on.
pub struct PageScene<'a> {
    pub page: &'a PageFacts,
    /// The page's talk page, when it has one.
    pub talk: Option<&'a PageFacts>,
    /// Whether the page's newest pending revision is the actor's own.
    pub own_pending: bool,
}

/// What the actor may do on a page.
pub fn page_abilities(context: &Context<'_>, scene: &PageScene<'_>) -> Vec<Ability<PageAction>> {
    let edit = Action::Edit {
        page: scene.page,
        bytes: 0,
    };
    let mut abilities = vec![
        (PageAction::Edit, decide(context, &edit)),
        (PageAction::Delete, decide(context, &edit)),
        (PageAction::Revert, decide(context, &edit)),
        (
            PageAction::Move,
            decide(context, &Action::Move { page: scene.page }),
        ),
        (PageAction::Dispute, decide(context, &Action::Dispute)),
        (
            PageAction::Review,
            decide(
                context,
                &Action::Review {
                    own_revision: scene.own_pending,
                    restores_own_work: false,
                },
            ),
        ),
    ];
    if let Some(talk) = scene.talk {
        let talk = Action::Edit {
            page: talk,
            bytes: 0,
        };
        abilities.push((PageAction::Talk, decide(context, &talk)));
    }
    abilities
        .into_iter()
        .map(|(action, decision)| Ability { action, decision })
        .collect()
}

/// What the actor may do in a space. `anyone_creates_spaces` is the
/// instance setting (child spaces follow the charter either way).
pub fn space_abilities(context: &Context<'_>) -> Vec<Ability<SpaceAction>> {
    let new_page = PageFacts::default();
    let actions = [
        (SpaceAction::Join, Action::Join),
        (
            SpaceAction::CreatePage,
            Action::Edit {
                page: &new_page,
                bytes: 0,
            },
        ),
        (SpaceAction::SeeQueue, Action::SeeQueue),
        (
            SpaceAction::Review,
            Action::Review {
                own_revision: false,
                restores_own_work: false,
            },
        ),
        (SpaceAction::AcceptJoin, Action::AcceptJoin),
        (
            SpaceAction::Appoint,
            Action::Appoint {
                to: Standing::Contributor,
            },
        ),
        (SpaceAction::MassRollback, Action::MassRollback),
        (SpaceAction::Report, Action::Report),
        (SpaceAction::Sanction, Action::Sanction { target: None }),
        (
            SpaceAction::ProposeCharterChange,
            Action::Propose {
                kind: ProposalKind::CharterChange,
            },
        ),
        (
            SpaceAction::ProposeRoleChange,
            Action::Propose {
                kind: ProposalKind::RoleChange,
            },
        ),
        (
            SpaceAction::CreateChildSpace,
            Action::CreateSpace {
                child: true,
                anyone_may: false,
            },
        ),
    ];
    actions
        .into_iter()
        .map(|(action, asked)| Ability {
            action,
            decision: decide(context, &asked),
        })
        .collect()
}

impl QueueReason {
    /// A sentence for people.
    pub fn explain(self) -> &'static str {
        match self {
            QueueReason::Standing => {
                "edits at this standing are reviewed before they are published"
            }
            QueueReason::Probation => "on probation, every edit is reviewed before it is published",
            QueueReason::JoinApproval => {
                "this space accepts new members after a reviewer's approval"
            }
        }
    }
}
