//! Governance: the rules a space gives itself and the decisions they imply,
//! after Elinor Ostrom's design principles for commons (`docs/governance.md`).
//!
//! This module is pure: it does no I/O and never reads the clock (the
//! caller passes `now`). The service layer loads the facts (standing,
//! sanctions, recent edits, the charter resolved through the ancestors),
//! asks [`decide`], and writes the outcome with its log entry.
//!
//! - [`charter`]: the charter's types and defaults, merge-patch resolution
//!   through ancestors, locked fields, validation naming the field;
//! - [`decide`](mod@decide): publish, queue for review or deny (with a stable reason);
//! - [`abilities`]: what a viewer may do on a page or in a space, decided action by action;
//! - [`sanctions`]: the ladder's next step, its decay, lighter steps only;
//! - [`standing`]: promotion and what is missing for the next standing;
//! - [`votes`]: the tally of a proposal, when it passes, when it is settled.

pub mod abilities;
pub mod charter;
pub mod decide;
pub mod sanctions;
pub mod standing;
pub mod votes;

pub use abilities::{Ability, PageAction, PageScene, SpaceAction, page_abilities, space_abilities};
pub use charter::{Charter, CharterError, JoinPolicy, Span, Visibility};
pub use decide::{
    Action, ActorFacts, Context, Decision, Denial, PageFacts, QueueReason, SanctionKind, decide,
};
pub use sanctions::{StepError, step_to_issue};
pub use standing::{MemberFacts, Missing, missing_for_next, promotion_due};
pub use votes::{Bar, Tally, rule_for};

#[cfg(test)]
mod tests;
