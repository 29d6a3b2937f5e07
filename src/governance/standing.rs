//! Standing: what a member holds, what rule gave it, and what is missing
//! for the next (the Discourse trust-level idea). Promotion from newcomer
//! to contributor is automatic; reviewer is an appointment by a steward;
//! steward comes only from a passed `role_change` proposal.

use serde::Serialize;
use utoipa::ToSchema;

use super::charter::Charter;
use crate::model::{Standing, Timestamp};

/// What is known of a membership.
#[derive(Debug, Clone)]
pub struct MemberFacts {
    pub standing: Standing,
    pub since: Timestamp,
    pub accepted_edits: u64,
    /// Under a sanction now (which holds promotion back).
    pub sanctioned: bool,
}

/// Something a member lacks for the next standing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Missing {
    /// More published edits in the space.
    AcceptedEdits { more: u64 },
    /// More time as a member, in seconds.
    Time { seconds: u64 },
    /// The sanction in force must end first.
    NoSanction,
    /// A steward appoints reviewers.
    Appointment,
    /// A passed `role_change` proposal.
    Proposal,
}

impl Missing {
    /// "2 more accepted edits", "1 more day"…
    pub fn describe(&self) -> String {
        match self {
            Missing::AcceptedEdits { more } => {
                format!(
                    "{more} more accepted edit{}",
                    if *more == 1 { "" } else { "s" }
                )
            }
            Missing::Time { seconds } => format!("{} more", human_span(*seconds)),
            Missing::NoSanction => "no sanction in force".to_owned(),
            Missing::Appointment => "appointment by a steward".to_owned(),
            Missing::Proposal => "a passed role_change proposal".to_owned(),
        }
    }
}

fn human_span(seconds: u64) -> String {
    let (count, unit) = match seconds {
        s if s >= 86_400 => (s.div_ceil(86_400), "day"),
        s if s >= 3600 => (s.div_ceil(3600), "hour"),
        s if s >= 60 => (s.div_ceil(60), "minute"),
        s => (s.max(1), "second"),
    };
    format!("{count} {unit}{}", if count == 1 { "" } else { "s" })
}

/// The standing above `standing`, if any.
pub fn next_standing(standing: Standing) -> Option<Standing> {
    match standing {
        Standing::Newcomer => Some(Standing::Contributor),
        Standing::Contributor => Some(Standing::Reviewer),
        Standing::Reviewer => Some(Standing::Steward),
        Standing::Steward => None,
    }
}

/// What stands between a member and their next standing (empty: nothing,
/// the promotion is due).
pub fn missing_for_next(
    charter: &Charter,
    member: &MemberFacts,
    now: Timestamp,
) -> Option<(Standing, Vec<Missing>)> {
    let next = next_standing(member.standing)?;
    let missing = match member.standing {
        Standing::Newcomer => {
            let mut missing = Vec::new();
            let needed = u64::from(charter.promotion.accepted_edits);
            if member.accepted_edits < needed {
                missing.push(Missing::AcceptedEdits {
                    more: needed - member.accepted_edits,
                });
            }
            let age_ms = now.millis().saturating_sub(member.since.millis()).max(0) as u64;
            let min_ms = charter.promotion.min_age.seconds() * 1000;
            if age_ms < min_ms {
                missing.push(Missing::Time {
                    seconds: (min_ms - age_ms).div_ceil(1000),
                });
            }
            if member.sanctioned {
                missing.push(Missing::NoSanction);
            }
            missing
        }
        Standing::Contributor => vec![Missing::Appointment],
        _ => vec![Missing::Proposal],
    };
    Some((next, missing))
}

/// Whether a newcomer's promotion to contributor is due now.
pub fn promotion_due(charter: &Charter, member: &MemberFacts, now: Timestamp) -> bool {
    member.standing == Standing::Newcomer
        && missing_for_next(charter, member, now).is_some_and(|(_, missing)| missing.is_empty())
}

/// The rule that gives a standing, in words.
pub fn rule_for(standing: Standing) -> &'static str {
    match standing {
        Standing::Newcomer => "joined the space (or contributed to it while it is open)",
        Standing::Contributor => "promoted after enough accepted edits and time as a member",
        Standing::Reviewer => "appointed by a steward",
        Standing::Steward => "created the space, or granted by a passed role_change proposal",
    }
}
