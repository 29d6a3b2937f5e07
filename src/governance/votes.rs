//! Collective choice (Ostrom's principle 3): who votes on what, the tally,
//! when a proposal passes, and when it is settled before its deadline.
//!
//! A proposal passes when `(yes + no + abstain) / eligible ≥ quorum` and
//! `yes / (yes + no) > threshold`: a share strictly above the threshold,
//! so a tie is not a majority (1 yes and 1 no do not pass at 0.5). A
//! threshold of 1 asks for unanimity: every decided vote yes. It is
//! *settled* when no way the members who have not voted yet could vote (or
//! not vote) changes that outcome: then it closes early.

use serde::Serialize;
use utoipa::ToSchema;

use super::charter::{Charter, VoteRule};
use crate::model::{Choice, ProposalKind};

/// Shares are compared with this slack, so that 3 votes of 10 meet a
/// quorum of 0.3 despite `0.3 * 10.0 > 3.0` in floating point.
const EPSILON: f64 = 1e-9;

/// What passes a proposal: the charter's quorum and threshold when it
/// opened.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bar {
    pub quorum: f64,
    pub threshold: f64,
}

impl From<&VoteRule> for Bar {
    fn from(rule: &VoteRule) -> Self {
        Bar {
            quorum: rule.quorum,
            threshold: rule.threshold,
        }
    }
}

/// The votes cast so far, and how many may vote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct Tally {
    pub yes: u32,
    pub no: u32,
    pub abstain: u32,
    /// Members eligible when the proposal opened.
    pub eligible: u32,
}

impl Tally {
    pub fn of(choices: impl IntoIterator<Item = Choice>, eligible: u32) -> Tally {
        let mut tally = Tally {
            eligible,
            ..Tally::default()
        };
        for choice in choices {
            match choice {
                Choice::Yes => tally.yes += 1,
                Choice::No => tally.no += 1,
                Choice::Abstain => tally.abstain += 1,
            }
        }
        tally
    }

    fn cast(&self) -> u32 {
        self.yes + self.no + self.abstain
    }

    /// Eligible members who have not voted.
    pub fn remaining(&self) -> u32 {
        self.eligible.saturating_sub(self.cast())
    }

    pub fn quorum_met(&self, rule: &Bar) -> bool {
        self.eligible > 0
            && f64::from(self.cast()) / f64::from(self.eligible) >= rule.quorum - EPSILON
    }

    /// Whether the yes share of the decided votes is strictly above the
    /// threshold (all of them, for a threshold of 1). Without a decided
    /// vote, nothing passes.
    pub fn threshold_met(&self, rule: &Bar) -> bool {
        let decided = self.yes + self.no;
        if decided == 0 {
            return false;
        }
        let share = f64::from(self.yes) / f64::from(decided);
        if rule.threshold >= 1.0 - EPSILON {
            return self.no == 0;
        }
        share > rule.threshold + EPSILON
    }

    /// Whether the proposal passes if it closes now.
    pub fn passes(&self, rule: &Bar) -> bool {
        self.quorum_met(rule) && self.threshold_met(rule)
    }

    /// Whether the outcome can no longer change, whatever the remaining
    /// members do. The best case for passing is every remaining member
    /// voting yes (most turnout, most yes); the best case for failing is
    /// either nobody else voting (least turnout) or every remaining member
    /// voting no (least yes).
    pub fn settled(&self, rule: &Bar) -> bool {
        let remaining = self.remaining();
        let could_pass = Tally {
            yes: self.yes + remaining,
            ..*self
        }
        .passes(rule);
        let could_fail = !self.passes(rule)
            || !Tally {
                no: self.no + remaining,
                ..*self
            }
            .passes(rule);
        !(could_pass && could_fail)
    }
}

/// The charter's rule for a kind of proposal.
pub fn rule_for(charter: &Charter, kind: ProposalKind) -> &VoteRule {
    let votes = &charter.votes;
    match kind {
        ProposalKind::CharterChange => &votes.charter_change,
        ProposalKind::RoleChange => &votes.role_change,
        ProposalKind::Appeal => &votes.appeal,
        ProposalKind::Dispute => &votes.dispute,
        ProposalKind::CreateSpace => &votes.create_space,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn rule(quorum: f64, threshold: f64) -> Bar {
        Bar { quorum, threshold }
    }

    fn tally(yes: u32, no: u32, abstain: u32, eligible: u32) -> Tally {
        Tally {
            yes,
            no,
            abstain,
            eligible,
        }
    }

    #[test]
    fn quorum_counts_abstentions_and_threshold_ignores_them() {
        let rule = rule(0.3, 0.5);
        assert!(tally(2, 0, 1, 10).passes(&rule), "3 of 10 meet 0.3 exactly");
        assert!(!tally(2, 0, 0, 10).passes(&rule), "2 of 10 do not");
        assert!(
            tally(1, 0, 5, 10).passes(&rule),
            "abstentions count for quorum only"
        );
        assert!(
            !tally(0, 0, 6, 10).passes(&rule),
            "nothing but abstentions passes nothing"
        );
        assert!(
            !tally(1, 2, 0, 10).passes(&rule),
            "1 yes of 3 is under half"
        );
        let two_thirds = self::rule(0.2, 0.66);
        assert!(tally(2, 1, 0, 10).passes(&two_thirds));
        assert!(!tally(1, 1, 0, 10).passes(&two_thirds));
        assert!(
            !tally(0, 0, 0, 0).passes(&two_thirds),
            "nobody eligible: nothing passes"
        );
    }

    #[test]
    fn a_tie_is_not_a_majority() {
        let half = rule(0.5, 0.5);
        assert!(!tally(1, 1, 0, 2).passes(&half), "1–1 at 0.5");
        assert!(!tally(2, 2, 0, 4).passes(&half), "2–2 at 0.5");
        assert!(tally(3, 2, 0, 5).passes(&half), "3–2 at 0.5");
        assert!(
            !tally(2, 1, 0, 3).passes(&rule(0.5, 2.0 / 3.0)),
            "exactly two thirds"
        );
        assert!(tally(3, 1, 0, 4).passes(&rule(0.5, 2.0 / 3.0)));
        assert!(
            tally(1, 0, 0, 2).passes(&rule(0.0, 0.0)),
            "above zero: one yes"
        );
        assert!(!tally(0, 1, 0, 2).passes(&rule(0.0, 0.0)));
        let unanimity = rule(0.5, 1.0);
        assert!(tally(2, 0, 1, 3).passes(&unanimity));
        assert!(!tally(5, 1, 0, 6).passes(&unanimity));
    }

    #[test]
    fn settles_early_only_when_the_rest_cannot_change_it() {
        let rule = rule(0.5, 0.5);
        // The finding: 1 yes of 2 eligible passes if the other stays
        // silent, but their no would make a tie, which rejects: it stays
        // open until its deadline.
        assert!(
            !tally(1, 0, 0, 2).settled(&rule),
            "1 yes of 2 can still tie"
        );
        assert!(
            !tally(1, 0, 0, 4).settled(&rule),
            "others may still vote no"
        );
        assert!(
            tally(3, 0, 0, 4).settled(&rule),
            "3 yes of 4: one no cannot undo it"
        );
        assert!(
            tally(0, 3, 0, 4).settled(&rule),
            "3 no of 4: it cannot pass"
        );
        assert!(
            !tally(2, 0, 0, 4).settled(&rule),
            "2 no to come make it 2–2, which rejects"
        );
        assert!(
            tally(3, 0, 0, 5).settled(&rule),
            "2 no to come make it 3–2, which still passes"
        );
        assert!(tally(2, 2, 0, 4).settled(&rule), "everyone voted");
        assert!(!tally(2, 2, 0, 4).passes(&rule), "and a tie rejects");
    }

    /// Every way the remaining members could still vote: yes, no, abstain
    /// or not at all.
    fn outcomes(t: Tally, rule: &Bar) -> (bool, bool) {
        let remaining = t.remaining();
        let (mut pass, mut fail) = (false, false);
        for yes in 0..=remaining {
            for no in 0..=remaining - yes {
                for abstain in 0..=remaining - yes - no {
                    let end = tally(t.yes + yes, t.no + no, t.abstain + abstain, t.eligible);
                    if end.passes(rule) {
                        pass = true;
                    } else {
                        fail = true;
                    }
                }
            }
        }
        (pass, fail)
    }

    proptest! {
        #[test]
        fn early_close_matches_the_brute_force_oracle(
            (eligible, cast) in (0u32..14).prop_flat_map(|eligible| {
                (Just(eligible), (0..=eligible).prop_flat_map(move |yes| {
                    (Just(yes), 0..=eligible - yes).prop_flat_map(move |(yes, no)| {
                        (Just(yes), Just(no), 0..=eligible - yes - no)
                    })
                }))
            }),
            quorum in prop_oneof![Just(0.0), Just(0.1), Just(0.2), Just(0.3), Just(0.5), Just(1.0), 0.0f64..=1.0],
            threshold in prop_oneof![Just(0.0), Just(0.5), Just(0.66), Just(1.0), 0.0f64..=1.0],
        ) {
            let (yes, no, abstain) = cast;
            let rule = rule(quorum, threshold);
            let t = tally(yes, no, abstain, eligible);
            let (could_pass, could_fail) = outcomes(t, &rule);
            prop_assert_eq!(t.settled(&rule), !(could_pass && could_fail), "{:?}", t);
            if t.settled(&rule) {
                prop_assert_eq!(t.passes(&rule), could_pass, "a settled outcome is the one it closes with");
            }
        }
    }
}
