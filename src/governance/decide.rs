//! The decision engine: given what is known of an actor, a space's charter
//! and the clock, may the action happen, wait for review, or not happen, and
//! why. A pure function: no I/O, no clock of its own; a denial is a value.

use std::time::Duration;

use super::charter::{Charter, JoinPolicy, Subspaces, Visibility};
use super::votes::rule_for;
use crate::model::{ErrorCode, ProposalKind, Standing, Timestamp};

/// A sanction in force on the actor, here or in an enclosing space.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SanctionKind {
    Warning,
    Probation,
    Suspension,
    Ban,
}

/// What is known of the actor in the space.
#[derive(Debug, Clone, Default)]
pub struct ActorFacts {
    /// Standing in the space (its own or inherited); `None`: not a member.
    pub standing: Option<Standing>,
    /// Instance administrators are exempt from rate limits, nothing more.
    pub is_admin: bool,
    pub sanctions: Vec<SanctionKind>,
    /// When the longest suspension in force ends (told to the member).
    pub suspended_until: Option<Timestamp>,
    /// When the actor's recent edits in the space were made, for rate
    /// limits (the last day's are enough).
    pub recent_edits: Vec<Timestamp>,
}

impl ActorFacts {
    fn under(&self, kind: SanctionKind) -> bool {
        self.sanctions.contains(&kind)
    }
}

/// What is known of the page an edit touches.
#[derive(Debug, Clone, Default)]
pub struct PageFacts {
    pub slug: String,
    /// A dispute locks the page to this standing while it is open.
    pub locked_to: Option<Standing>,
    /// A talk page (`Talk:X` of a page X that exists): for discussion, so
    /// members' edits publish at once (unless on probation), only members
    /// write there, and the page's protection and locks do not apply to
    /// its talk.
    pub talk: bool,
}

/// The moment and the rules an action is judged by.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub now: Timestamp,
    pub charter: &'a Charter,
    pub actor: &'a ActorFacts,
}

/// What the actor wants to do.
#[derive(Debug, Clone)]
pub enum Action<'a> {
    /// See the space and its pages.
    Read,
    /// Become a member.
    Join,
    /// Write a revision of a page (create, edit, delete, revert).
    Edit { page: &'a PageFacts, bytes: u64 },
    /// Give a page a new title: like an edit, but it cannot wait for
    /// review, so it takes the standing that publishes directly.
    Move { page: &'a PageFacts },
    /// See the review queue.
    SeeQueue,
    /// Approve or reject a pending revision.
    Review {
        /// The actor wrote the revision.
        own_revision: bool,
        /// The revision is a revert restoring a revision the actor wrote.
        restores_own_work: bool,
    },
    /// Set another member's standing directly (appointment).
    Appoint { to: Standing },
    /// Accept someone's request to join.
    AcceptJoin,
    /// Undo every edit of one member since a time, across the space.
    MassRollback,
    /// Open a proposal of this kind.
    Propose { kind: ProposalKind },
    /// Vote on an open proposal (who is eligible was fixed when it opened).
    Vote { eligible: bool },
    /// Report a revision or a member.
    Report,
    /// Sanction a member holding `target` standing here (`None`: not a
    /// member, e.g. a past contributor of an open space).
    Sanction { target: Option<Standing> },
    /// Open a dispute over a page.
    Dispute,
    /// Create a space: a child of this one (the context's charter is the
    /// parent's), or a top-level one (`anyone_may`: the instance setting
    /// `space_creation`; otherwise administrators only).
    CreateSpace { child: bool, anyone_may: bool },
    /// Appeal a sanction (only its subject does).
    Appeal { own_sanction: bool },
    /// Use one of the instance administrators' powers (`granted`: the
    /// configuration lists it).
    UseAdminPower { power: &'static str, granted: bool },
}

/// Why an edit waits for review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueReason {
    /// The author's standing is below `edit.publish_directly_min`.
    Standing,
    /// The author is on probation.
    Probation,
    /// The space accepts members on approval.
    JoinApproval,
}

/// Why an action is refused. Each reason has a stable code (`code()`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Denial {
    /// The space does not exist for the actor (members-only).
    NotVisible,
    NotMember,
    ProtectedPage {
        required: Standing,
    },
    DisputedPage {
        lock_to: Standing,
    },
    Suspended {
        until: Option<Timestamp>,
    },
    Banned,
    RateLimited {
        retry_after: Duration,
    },
    TooLarge {
        limit: u64,
    },
    /// The standing or role does not allow it.
    Forbidden {
        required: Standing,
    },
    /// The space admits members by invitation only.
    InviteOnly,
    SelfApproval,
    ConflictOfInterest,
    /// Only a passed proposal may do this.
    NeedsProposal,
    /// Not among the members who could vote when the proposal opened.
    NotEligible,
    /// Sanctioning a member of one's own standing or above.
    Outranked,
    /// Only instance administrators may.
    AdministratorsOnly,
    /// The instance's configuration does not give administrators this power.
    PowerNotGranted {
        power: &'static str,
    },
    /// Only the sanctioned member appeals their sanction.
    NotTheirs,
}

impl Denial {
    pub fn code(&self) -> ErrorCode {
        match self {
            Denial::NotVisible => ErrorCode::NotFound,
            Denial::NotMember | Denial::InviteOnly => ErrorCode::NotMember,
            Denial::ProtectedPage { .. } => ErrorCode::ProtectedPage,
            Denial::DisputedPage { .. } => ErrorCode::DisputedPage,
            Denial::Suspended { .. } => ErrorCode::Suspended,
            Denial::Banned => ErrorCode::Banned,
            Denial::RateLimited { .. } => ErrorCode::RateLimited,
            Denial::TooLarge { .. } => ErrorCode::TooLarge,
            Denial::Forbidden { .. }
            | Denial::Outranked
            | Denial::AdministratorsOnly
            | Denial::PowerNotGranted { .. }
            | Denial::NotTheirs => ErrorCode::Forbidden,
            Denial::SelfApproval => ErrorCode::SelfApproval,
            Denial::ConflictOfInterest => ErrorCode::ConflictOfInterest,
            Denial::NeedsProposal => ErrorCode::NeedsProposal,
            Denial::NotEligible => ErrorCode::NotEligible,
        }
    }

    /// A sentence for people.
    pub fn explain(&self) -> String {
        let name = |s: &Standing| format!("{s:?}").to_lowercase();
        match self {
            Denial::NotVisible => "no such space".to_owned(),
            Denial::NotMember => "only members of this space may do this".to_owned(),
            Denial::ProtectedPage { required } => {
                format!(
                    "this page is protected: editing it takes standing {}",
                    name(required)
                )
            }
            Denial::DisputedPage { lock_to } => format!(
                "this page is disputed: until the dispute is resolved, editing it takes standing {}",
                name(lock_to)
            ),
            Denial::Suspended { until: Some(until) } => {
                format!("you are suspended in this space until {until}")
            }
            Denial::Suspended { until: None } => "you are suspended in this space".to_owned(),
            Denial::Outranked => {
                "you may not sanction a member of your standing or above".to_owned()
            }
            Denial::Banned => "you are banned from this space".to_owned(),
            Denial::RateLimited { retry_after } => format!(
                "you have reached the edit rate your standing allows; retry in {} s",
                retry_after.as_secs().max(1)
            ),
            Denial::TooLarge { limit } => format!("this space's pages are at most {limit} bytes"),
            Denial::Forbidden { required } => format!("this takes standing {}", name(required)),
            Denial::InviteOnly => "this space admits members by invitation only".to_owned(),
            Denial::SelfApproval => {
                "this space's charter does not let authors approve their own revisions".to_owned()
            }
            Denial::ConflictOfInterest => {
                "you may not approve a revert that restores your own work".to_owned()
            }
            Denial::NeedsProposal => "this takes a passed proposal".to_owned(),
            Denial::NotEligible => {
                "you were not among the members eligible to vote when this proposal opened"
                    .to_owned()
            }
            Denial::AdministratorsOnly => "only instance administrators may do this".to_owned(),
            Denial::PowerNotGranted { power } => {
                format!("this instance does not give its administrators the {power} power")
            }
            Denial::NotTheirs => "only the sanctioned member appeals a sanction".to_owned(),
        }
    }
}

/// The engine's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Goes ahead (an edit is published at once).
    Allow,
    /// Goes ahead pending review (an edit waits; a join request waits).
    Queue(QueueReason),
    Deny(Denial),
}

impl Decision {
    pub fn is_allowed(&self) -> bool {
        !matches!(self, Decision::Deny(_))
    }
}

/// Decides `action` in `context`.
pub fn decide(context: &Context<'_>, action: &Action<'_>) -> Decision {
    match action {
        Action::Read => decide_read(context),
        Action::Join => decide_join(context),
        Action::Edit { page, bytes } => decide_edit(context, page, *bytes),
        Action::Move { page } => decide_move(context, page),
        Action::SeeQueue => decide_seeing_the_queue(context),
        Action::Review {
            own_revision,
            restores_own_work,
        } => decide_review(context, *own_revision, *restores_own_work),
        Action::Appoint { to } => decide_appointment(context, *to),
        Action::AcceptJoin => decide_acceptance(context),
        Action::MassRollback => decide_stewardship(context),
        Action::Propose { kind } => decide_proposal(context, *kind),
        Action::Vote { eligible } => decide_vote(context, *eligible),
        Action::Report => decide_report(context),
        Action::Sanction { target } => decide_sanction(context, *target),
        Action::Dispute => decide_dispute(context),
        Action::CreateSpace { child, anyone_may } => {
            decide_space_creation(context, *child, *anyone_may)
        }
        Action::Appeal { own_sanction } => match own_sanction {
            // Appealing is the sanctioned member's right, whatever the sanction.
            true => Decision::Allow,
            false => Decision::Deny(Denial::NotTheirs),
        },
        Action::UseAdminPower { power, granted } => match (context.actor.is_admin, granted) {
            (false, _) => Decision::Deny(Denial::AdministratorsOnly),
            (true, false) => Decision::Deny(Denial::PowerNotGranted { power }),
            (true, true) => Decision::Allow,
        },
    }
}

/// A move publishes at once or not at all: where an edit would wait for
/// review, a move is refused, naming the standing it takes.
fn decide_move(context: &Context<'_>, page: &PageFacts) -> Decision {
    match decide_edit(context, page, 0) {
        Decision::Queue(_) => Decision::Deny(Denial::Forbidden {
            required: context
                .charter
                .edit
                .publish_directly_min
                .max(Standing::Newcomer),
        }),
        decision => decision,
    }
}

/// Members see what waits for review.
fn decide_seeing_the_queue(context: &Context<'_>) -> Decision {
    match context.actor.standing {
        Some(_) => Decision::Allow,
        None => Decision::Deny(Denial::NotMember),
    }
}

/// A child space comes from a steward of the parent whose charter lets
/// stewards make them, else from a proposal; a top-level one from anyone
/// the instance lets (administrators at least).
fn decide_space_creation(context: &Context<'_>, child: bool, anyone_may: bool) -> Decision {
    if !child {
        return match anyone_may || context.actor.is_admin {
            true => Decision::Allow,
            false => Decision::Deny(Denial::AdministratorsOnly),
        };
    }
    if let Some(denial) = sanctioned(context) {
        return Decision::Deny(denial);
    }
    let by_stewards = context.charter.subspaces == Subspaces::Stewards;
    match (by_stewards, context.actor.standing) {
        (true, Some(Standing::Steward)) => Decision::Allow,
        _ => Decision::Deny(Denial::NeedsProposal),
    }
}

fn decide_read(context: &Context<'_>) -> Decision {
    match (context.charter.visibility, context.actor.standing) {
        (Visibility::Public, _) | (Visibility::Members, Some(_)) => Decision::Allow,
        (Visibility::Members, None) => Decision::Deny(Denial::NotVisible),
    }
}

fn decide_join(context: &Context<'_>) -> Decision {
    let actor = context.actor;
    if actor.under(SanctionKind::Ban) {
        return Decision::Deny(Denial::Banned);
    }
    if actor.standing.is_some() {
        return Decision::Allow;
    }
    match context.charter.join {
        JoinPolicy::Open => Decision::Allow,
        JoinPolicy::Approval => Decision::Queue(QueueReason::JoinApproval),
        JoinPolicy::Invite => Decision::Deny(Denial::InviteOnly),
    }
}

/// The standing an actor edits `page` with: members their own; in an open
/// space, anyone signed in edits as a newcomer (and joins by editing),
/// except on talk pages, which are for members.
fn editing_standing(context: &Context<'_>, page: &PageFacts) -> Option<Standing> {
    match (context.actor.standing, context.charter.join) {
        (Some(standing), _) => Some(standing),
        (None, JoinPolicy::Open) if !page.talk => Some(Standing::Newcomer),
        (None, _) => None,
    }
}

fn decide_edit(context: &Context<'_>, page: &PageFacts, bytes: u64) -> Decision {
    let (charter, actor) = (context.charter, context.actor);
    if let Some(denial) = sanctioned(context) {
        return Decision::Deny(denial);
    }
    let Some(standing) = editing_standing(context, page) else {
        return Decision::Deny(Denial::NotMember);
    };
    if bytes > charter.edit.max_page_bytes {
        return Decision::Deny(Denial::TooLarge {
            limit: charter.edit.max_page_bytes,
        });
    }
    if let Some(lock_to) = page.locked_to.filter(|_| !page.talk)
        && standing < lock_to
    {
        return Decision::Deny(Denial::DisputedPage { lock_to });
    }
    let required = match page.talk {
        true => charter.protection.default,
        false => charter
            .protection
            .pages
            .get(&page.slug)
            .copied()
            .unwrap_or(charter.protection.default),
    };
    if standing < required {
        return Decision::Deny(Denial::ProtectedPage { required });
    }
    if let Some(retry_after) = rate_limited(context, standing) {
        return Decision::Deny(Denial::RateLimited { retry_after });
    }
    if actor.under(SanctionKind::Probation) {
        return Decision::Queue(QueueReason::Probation);
    }
    if standing < charter.edit.publish_directly_min && !page.talk {
        return Decision::Queue(QueueReason::Standing);
    }
    Decision::Allow
}

/// How long until the actor may edit again, if their standing's rate is
/// used up.
fn rate_limited(context: &Context<'_>, standing: Standing) -> Option<Duration> {
    if context.actor.is_admin {
        return None;
    }
    let rate = context.charter.rate_limits.get(&standing)?;
    let window_ms = rate.per.as_millis() as i64;
    let now = context.now.millis();
    let mut within: Vec<i64> = context
        .actor
        .recent_edits
        .iter()
        .map(|t| t.millis())
        .filter(|t| now - t < window_ms)
        .collect();
    if within.len() < rate.count as usize {
        return None;
    }
    within.sort_unstable();
    // The edit that must leave the window before another fits.
    let oldest = within[within.len() - rate.count as usize];
    Some(Duration::from_millis(
        (oldest + window_ms - now).max(1) as u64
    ))
}

fn decide_review(context: &Context<'_>, own_revision: bool, restores_own_work: bool) -> Decision {
    let (charter, actor) = (context.charter, context.actor);
    if let Some(denial) = sanctioned(context) {
        return Decision::Deny(denial);
    }
    // Checked before standing: whoever asks, authors never approve their
    // own work here, and that is the reason worth telling them.
    if own_revision && !charter.edit.self_approval {
        return Decision::Deny(Denial::SelfApproval);
    }
    let required = charter.edit.review_min;
    match actor.standing {
        None => return Decision::Deny(Denial::NotMember),
        Some(standing) if standing < required => {
            return Decision::Deny(Denial::Forbidden { required });
        }
        Some(_) => {}
    }
    if restores_own_work {
        return Decision::Deny(Denial::ConflictOfInterest);
    }
    Decision::Allow
}

/// Stewards appoint up to reviewer; a steward only comes from a proposal.
fn decide_appointment(context: &Context<'_>, to: Standing) -> Decision {
    match decide_stewardship(context) {
        Decision::Allow if to == Standing::Steward => Decision::Deny(Denial::NeedsProposal),
        decision => decision,
    }
}

/// Reviewers and stewards in good standing accept join requests.
fn decide_acceptance(context: &Context<'_>) -> Decision {
    let actor = context.actor;
    if let Some(denial) = sanctioned(context) {
        return Decision::Deny(denial);
    }
    match actor.standing {
        None => Decision::Deny(Denial::NotMember),
        Some(standing) if standing < Standing::Reviewer => Decision::Deny(Denial::Forbidden {
            required: Standing::Reviewer,
        }),
        Some(_) => Decision::Allow,
    }
}

/// What only a steward in good standing does.
fn decide_stewardship(context: &Context<'_>) -> Decision {
    let actor = context.actor;
    if actor.under(SanctionKind::Suspension) || actor.under(SanctionKind::Ban) {
        return Decision::Deny(suspended(context));
    }
    match actor.standing {
        Some(Standing::Steward) => Decision::Allow,
        _ => Decision::Deny(Denial::Forbidden {
            required: Standing::Steward,
        }),
    }
}

/// Members propose what they could vote on; a child space takes a
/// contributor; an appeal is the sanctioned member's own (checked by the
/// caller), and no sanction takes it away.
fn decide_proposal(context: &Context<'_>, kind: ProposalKind) -> Decision {
    let actor = context.actor;
    // Appealing is the sanctioned member's right, whatever the sanction.
    if kind == ProposalKind::Appeal {
        return Decision::Allow;
    }
    if let Some(denial) = sanctioned(context) {
        return Decision::Deny(denial);
    }
    let required = match kind {
        ProposalKind::CreateSpace => Standing::Contributor,
        _ => rule_for(context.charter, kind).eligible_min,
    };
    match actor.standing {
        None => Decision::Deny(Denial::NotMember),
        Some(standing) if standing < required => Decision::Deny(Denial::Forbidden { required }),
        Some(_) => Decision::Allow,
    }
}

/// Suspended and banned members do not vote.
fn decide_vote(context: &Context<'_>, eligible: bool) -> Decision {
    if let Some(denial) = sanctioned(context) {
        return Decision::Deny(denial);
    }
    if !eligible {
        return Decision::Deny(Denial::NotEligible);
    }
    Decision::Allow
}

/// What a ban or a suspension in force refuses: every action of a
/// member but an appeal (and a join, which only a ban refuses).
fn sanctioned(context: &Context<'_>) -> Option<Denial> {
    let actor = context.actor;
    if actor.under(SanctionKind::Ban) {
        return Some(Denial::Banned);
    }
    actor
        .under(SanctionKind::Suspension)
        .then(|| suspended(context))
}

fn suspended(context: &Context<'_>) -> Denial {
    Denial::Suspended {
        until: context.actor.suspended_until,
    }
}

/// Members report, unless suspended or banned.
fn decide_report(context: &Context<'_>) -> Decision {
    let actor = context.actor;
    if let Some(denial) = sanctioned(context) {
        return Decision::Deny(denial);
    }
    match actor.standing {
        None => Decision::Deny(Denial::NotMember),
        Some(_) => Decision::Allow,
    }
}

/// Reviewers and stewards sanction members of a lower standing.
fn decide_sanction(context: &Context<'_>, target: Option<Standing>) -> Decision {
    let actor = context.actor;
    if let Some(denial) = sanctioned(context) {
        return Decision::Deny(denial);
    }
    let Some(standing) = actor.standing else {
        return Decision::Deny(Denial::NotMember);
    };
    if standing < Standing::Reviewer {
        return Decision::Deny(Denial::Forbidden {
            required: Standing::Reviewer,
        });
    }
    if target.is_some_and(|target| target >= standing) {
        return Decision::Deny(Denial::Outranked);
    }
    Decision::Allow
}

/// Any contributor may open a dispute.
fn decide_dispute(context: &Context<'_>) -> Decision {
    let actor = context.actor;
    if let Some(denial) = sanctioned(context) {
        return Decision::Deny(denial);
    }
    match actor.standing {
        None => Decision::Deny(Denial::NotMember),
        Some(standing) if standing < Standing::Contributor => Decision::Deny(Denial::Forbidden {
            required: Standing::Contributor,
        }),
        Some(_) => Decision::Allow,
    }
}
