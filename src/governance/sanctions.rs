//! Graduated sanctions (Ostrom's principle 5): the next step of the ladder
//! for a member, given their sanctions within the charter's `decay`, and
//! the issuer's right to choose a lighter step, never a heavier one.

use super::charter::{Charter, Step};
use super::decide::SanctionKind;
use crate::model::Timestamp;

/// Why a chosen step is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StepError {
    #[error("{0:?} is not a step of this space's ladder ({1})")]
    NotOnLadder(String, String),
    #[error("{chosen} is heavier than the ladder's next step for this member, {next}")]
    TooHeavy { chosen: String, next: String },
}

impl Step {
    pub fn kind(self) -> SanctionKind {
        match self {
            Step::Warning => SanctionKind::Warning,
            Step::Probation(_) => SanctionKind::Probation,
            Step::Suspension(_) => SanctionKind::Suspension,
            Step::Ban => SanctionKind::Ban,
        }
    }

    /// How long it lasts; `None` for a warning (nothing to lift) and a ban
    /// (until an appeal lifts it).
    pub fn lasts(self) -> Option<u64> {
        match self {
            Step::Probation(span) | Step::Suspension(span) => Some(span.seconds()),
            Step::Warning | Step::Ban => None,
        }
    }
}

/// The index in the ladder of the next step for a member whose earlier
/// sanctions in the space started at `earlier`: one rung per sanction
/// still within `decay`, the last rung repeating.
pub fn next_rung(charter: &Charter, earlier: &[Timestamp], now: Timestamp) -> usize {
    let decay_ms = (charter.sanctions.decay.seconds() as i64).saturating_mul(1000);
    let recent = earlier
        .iter()
        .filter(|at| now.millis() - at.millis() < decay_ms)
        .count();
    recent.min(charter.sanctions.ladder.len().saturating_sub(1))
}

/// The step to issue: the ladder's next, or `chosen` when it is on the
/// ladder and no heavier than the next.
pub fn step_to_issue(
    charter: &Charter,
    earlier: &[Timestamp],
    now: Timestamp,
    chosen: Option<&str>,
) -> Result<Step, StepError> {
    let ladder = &charter.sanctions.ladder;
    let next = next_rung(charter, earlier, now);
    // A validated charter's ladder is never empty.
    let next_step = ladder.get(next).copied().unwrap_or(Step::Warning);
    let Some(chosen) = chosen else {
        return Ok(next_step);
    };
    let rung = Step::parse(chosen)
        .and_then(|step| ladder.iter().position(|s| *s == step))
        .ok_or_else(|| {
            let rungs: Vec<String> = ladder.iter().map(ToString::to_string).collect();
            StepError::NotOnLadder(chosen.to_owned(), rungs.join(", "))
        })?;
    let step = ladder[rung];
    if rung > next {
        return Err(StepError::TooHeavy {
            chosen: step.to_string(),
            next: next_step.to_string(),
        });
    }
    Ok(step)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::governance::charter::apply_patch;

    const NOW: i64 = 1_800_000_000_000;
    const DAY: i64 = 86_400_000;

    fn ladder(decay: &str) -> Charter {
        apply_patch(
            &Charter::default(),
            &json!({"sanctions": {"ladder": ["warning", "probation:7d", "suspension:1d", "ban"], "decay": decay}}),
        )
        .unwrap()
    }

    fn days_ago(days: &[i64]) -> Vec<Timestamp> {
        days.iter()
            .map(|d| Timestamp::from_millis(NOW - d * DAY))
            .collect()
    }

    #[test]
    fn each_recent_sanction_climbs_one_rung_and_the_last_repeats() {
        let charter = ladder("180d");
        let now = Timestamp::from_millis(NOW);
        let next = |earlier: &[i64]| {
            step_to_issue(&charter, &days_ago(earlier), now, None)
                .unwrap()
                .to_string()
        };
        assert_eq!(next(&[]), "warning");
        assert_eq!(next(&[10]), "probation:7d");
        assert_eq!(next(&[10, 5]), "suspension:1d");
        assert_eq!(next(&[10, 5, 1]), "ban");
        assert_eq!(next(&[10, 5, 1, 0]), "ban", "the last rung repeats");
    }

    #[test]
    fn sanctions_older_than_the_decay_are_forgotten() {
        let charter = ladder("30d");
        let now = Timestamp::from_millis(NOW);
        let next = |earlier: &[i64]| {
            step_to_issue(&charter, &days_ago(earlier), now, None)
                .unwrap()
                .to_string()
        };
        assert_eq!(next(&[40, 35]), "warning", "both decayed");
        assert_eq!(next(&[40, 20]), "probation:7d", "one decayed");
        assert_eq!(next(&[29, 20]), "suspension:1d");
    }

    #[test]
    fn the_issuer_may_choose_lighter_never_heavier() {
        let charter = ladder("180d");
        let now = Timestamp::from_millis(NOW);
        let earlier = days_ago(&[3, 2]);
        let chosen = |step: &str| step_to_issue(&charter, &earlier, now, Some(step));
        assert_eq!(chosen("warning"), Ok(Step::Warning));
        assert_eq!(chosen("probation:7d").unwrap().to_string(), "probation:7d");
        assert_eq!(
            chosen("suspension:1d").unwrap().to_string(),
            "suspension:1d"
        );
        assert!(matches!(chosen("ban"), Err(StepError::TooHeavy { .. })));
        assert!(
            matches!(chosen("probation:3d"), Err(StepError::NotOnLadder(..))),
            "not a rung"
        );
        assert!(matches!(chosen("exile"), Err(StepError::NotOnLadder(..))));
    }

    #[test]
    fn steps_say_what_they_do_and_how_long() {
        assert_eq!(
            Step::parse("probation:7d").unwrap().lasts(),
            Some(7 * 86_400)
        );
        assert_eq!(
            Step::parse("suspension:90s").unwrap().kind(),
            SanctionKind::Suspension
        );
        assert_eq!(Step::Warning.lasts(), None);
        assert_eq!(Step::Ban.lasts(), None);
    }
}
