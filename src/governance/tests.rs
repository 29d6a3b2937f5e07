//! Table-driven tests of `decide` (every reason, standings × charters) and
//! properties: promotion never takes a right away, tightening a charter
//! never allows more, and locked fields hold in every child.

use std::time::Duration;

use proptest::prelude::*;
use serde_json::{Value, json};

use super::charter::{Charter, apply_patch};
use super::decide::{
    Action, ActorFacts, Context, Decision, Denial, PageFacts, QueueReason, SanctionKind, decide,
};
use super::standing::{MemberFacts, Missing, missing_for_next, promotion_due};
use crate::model::{ProposalKind, Standing, Timestamp};

const NOW: i64 = 1_800_000_000_000;

fn charter(patch: Value) -> Charter {
    apply_patch(&Charter::default(), &patch).unwrap()
}

fn actor(standing: Option<Standing>) -> ActorFacts {
    ActorFacts {
        standing,
        ..ActorFacts::default()
    }
}

fn page(slug: &str) -> PageFacts {
    PageFacts {
        slug: slug.to_owned(),
        locked_to: None,
        talk: slug.starts_with("Talk:"),
    }
}

fn check(charter: &Charter, actor: &ActorFacts, action: Action<'_>, expected: Decision) {
    let context = Context {
        now: Timestamp::from_millis(NOW),
        charter,
        actor,
    };
    assert_eq!(
        decide(&context, &action),
        expected,
        "{action:?} by {actor:?}"
    );
}

fn edit(page: &PageFacts) -> Action<'_> {
    Action::Edit { page, bytes: 100 }
}

use Standing::{Contributor, Newcomer, Reviewer, Steward};

#[test]
fn every_reason_to_deny() {
    let default = Charter::default();
    let home = page("Accueil");
    let cases: Vec<(&str, Charter, ActorFacts, Action<'_>, Decision)> = vec![
        (
            "members-only space, outsider",
            charter(json!({"visibility": "members"})),
            actor(None),
            Action::Read,
            Decision::Deny(Denial::NotVisible),
        ),
        (
            "approval space, outsider edits",
            charter(json!({"join": "approval"})),
            actor(None),
            edit(&home),
            Decision::Deny(Denial::NotMember),
        ),
        (
            "invite space, outsider joins",
            charter(json!({"join": "invite"})),
            actor(None),
            Action::Join,
            Decision::Deny(Denial::InviteOnly),
        ),
        (
            "protected page",
            charter(json!({"protection": {"pages": {"Accueil": "steward"}}})),
            actor(Some(Reviewer)),
            edit(&home),
            Decision::Deny(Denial::ProtectedPage { required: Steward }),
        ),
        (
            "protected by default",
            charter(json!({"protection": {"default": "contributor"}})),
            actor(Some(Newcomer)),
            edit(&home),
            Decision::Deny(Denial::ProtectedPage {
                required: Contributor,
            }),
        ),
        (
            "suspended",
            default.clone(),
            ActorFacts {
                sanctions: vec![SanctionKind::Suspension],
                ..actor(Some(Steward))
            },
            edit(&home),
            Decision::Deny(Denial::Suspended { until: None }),
        ),
        (
            "banned",
            default.clone(),
            ActorFacts {
                sanctions: vec![SanctionKind::Ban],
                ..actor(None)
            },
            edit(&home),
            Decision::Deny(Denial::Banned),
        ),
        (
            "banned cannot join",
            default.clone(),
            ActorFacts {
                sanctions: vec![SanctionKind::Ban],
                ..actor(None)
            },
            Action::Join,
            Decision::Deny(Denial::Banned),
        ),
        (
            "too large",
            charter(json!({"edit": {"max_page_bytes": 50}})),
            actor(Some(Steward)),
            edit(&home),
            Decision::Deny(Denial::TooLarge { limit: 50 }),
        ),
        (
            "review below review_min",
            default.clone(),
            actor(Some(Contributor)),
            Action::Review {
                own_revision: false,
                restores_own_work: false,
            },
            Decision::Deny(Denial::Forbidden { required: Reviewer }),
        ),
        (
            "review by outsider",
            default.clone(),
            actor(None),
            Action::Review {
                own_revision: false,
                restores_own_work: false,
            },
            Decision::Deny(Denial::NotMember),
        ),
        (
            "self approval",
            default.clone(),
            actor(Some(Reviewer)),
            Action::Review {
                own_revision: true,
                restores_own_work: false,
            },
            Decision::Deny(Denial::SelfApproval),
        ),
        (
            "conflict of interest",
            default.clone(),
            actor(Some(Steward)),
            Action::Review {
                own_revision: false,
                restores_own_work: true,
            },
            Decision::Deny(Denial::ConflictOfInterest),
        ),
        (
            "suspended reviewer",
            default.clone(),
            ActorFacts {
                sanctions: vec![SanctionKind::Suspension],
                ..actor(Some(Steward))
            },
            Action::Review {
                own_revision: false,
                restores_own_work: false,
            },
            Decision::Deny(Denial::Suspended { until: None }),
        ),
        (
            "appoint a steward",
            default.clone(),
            actor(Some(Steward)),
            Action::Appoint { to: Steward },
            Decision::Deny(Denial::NeedsProposal),
        ),
        (
            "reviewer appoints",
            default.clone(),
            actor(Some(Reviewer)),
            Action::Appoint { to: Contributor },
            Decision::Deny(Denial::Forbidden { required: Steward }),
        ),
        (
            "newcomer proposes a charter change",
            default.clone(),
            actor(Some(Newcomer)),
            Action::Propose {
                kind: ProposalKind::CharterChange,
            },
            Decision::Deny(Denial::Forbidden {
                required: Contributor,
            }),
        ),
        (
            "outsider proposes a child space",
            default.clone(),
            actor(None),
            Action::Propose {
                kind: ProposalKind::CreateSpace,
            },
            Decision::Deny(Denial::NotMember),
        ),
        (
            "banned member appeals",
            default.clone(),
            ActorFacts {
                sanctions: vec![SanctionKind::Ban],
                ..actor(None)
            },
            Action::Propose {
                kind: ProposalKind::Appeal,
            },
            Decision::Allow,
        ),
        (
            "suspended member votes, told until when",
            default.clone(),
            ActorFacts {
                sanctions: vec![SanctionKind::Suspension],
                suspended_until: Some(Timestamp::from_millis(NOW + 60_000)),
                ..actor(Some(Reviewer))
            },
            Action::Vote { eligible: true },
            Decision::Deny(Denial::Suspended {
                until: Some(Timestamp::from_millis(NOW + 60_000)),
            }),
        ),
        (
            "member not eligible when it opened",
            default.clone(),
            actor(Some(Steward)),
            Action::Vote { eligible: false },
            Decision::Deny(Denial::NotEligible),
        ),
        (
            "outsider reports",
            default.clone(),
            actor(None),
            Action::Report,
            Decision::Deny(Denial::NotMember),
        ),
        (
            "contributor sanctions",
            default.clone(),
            actor(Some(Contributor)),
            Action::Sanction {
                target: Some(Newcomer),
            },
            Decision::Deny(Denial::Forbidden { required: Reviewer }),
        ),
        (
            "reviewer sanctions a reviewer",
            default.clone(),
            actor(Some(Reviewer)),
            Action::Sanction {
                target: Some(Reviewer),
            },
            Decision::Deny(Denial::Outranked),
        ),
        (
            "steward sanctions a reviewer",
            default.clone(),
            actor(Some(Steward)),
            Action::Sanction {
                target: Some(Reviewer),
            },
            Decision::Allow,
        ),
        (
            "reviewer mass-rolls back",
            default.clone(),
            actor(Some(Reviewer)),
            Action::MassRollback,
            Decision::Deny(Denial::Forbidden { required: Steward }),
        ),
        (
            "steward mass-rolls back",
            default.clone(),
            actor(Some(Steward)),
            Action::MassRollback,
            Decision::Allow,
        ),
        (
            "suspended steward mass-rolls back",
            default.clone(),
            ActorFacts {
                sanctions: vec![SanctionKind::Suspension],
                ..actor(Some(Steward))
            },
            Action::MassRollback,
            Decision::Deny(Denial::Suspended { until: None }),
        ),
    ];
    for (name, charter, actor, action, expected) in cases {
        let context = Context {
            now: Timestamp::from_millis(NOW),
            charter: &charter,
            actor: &actor,
        };
        assert_eq!(decide(&context, &action), expected, "{name}");
    }
}

#[test]
fn talk_pages_are_for_discussion() {
    let charter = charter(json!({"protection": {"pages": {"Charte": "steward"}}}));
    let talk = PageFacts {
        slug: "Talk:Charte".to_owned(),
        locked_to: Some(Steward),
        talk: true,
    };
    // A newcomer's word on the talk page is published at once; neither the
    // page's protection nor its dispute lock applies to its talk.
    check(
        &charter,
        &actor(Some(Newcomer)),
        edit(&talk),
        Decision::Allow,
    );
    check(
        &charter,
        &actor(Some(Newcomer)),
        edit(&page("Charte")),
        Decision::Deny(Denial::ProtectedPage { required: Steward }),
    );
    let on_probation = ActorFacts {
        sanctions: vec![SanctionKind::Probation],
        ..actor(Some(Newcomer))
    };
    check(
        &charter,
        &on_probation,
        edit(&talk),
        Decision::Queue(QueueReason::Probation),
    );
    let suspended = ActorFacts {
        sanctions: vec![SanctionKind::Suspension],
        ..actor(Some(Contributor))
    };
    check(
        &charter,
        &suspended,
        edit(&talk),
        Decision::Deny(Denial::Suspended { until: None }),
    );
    // Talk is for members: joining comes first, even where joining is open.
    check(
        &charter,
        &actor(None),
        edit(&talk),
        Decision::Deny(Denial::NotMember),
    );
    let closed = self::charter(json!({"join": "approval"}));
    check(
        &closed,
        &actor(None),
        edit(&talk),
        Decision::Deny(Denial::NotMember),
    );
}

#[test]
fn disputes_lock_pages_to_a_standing() {
    let locked = PageFacts {
        slug: "Litige".to_owned(),
        locked_to: Some(Reviewer),
        talk: false,
    };
    let default = Charter::default();
    check(
        &default,
        &actor(Some(Contributor)),
        edit(&locked),
        Decision::Deny(Denial::DisputedPage { lock_to: Reviewer }),
    );
    check(
        &default,
        &actor(Some(Reviewer)),
        edit(&locked),
        Decision::Allow,
    );
}

#[test]
fn rate_limits_follow_the_standing_and_spare_administrators() {
    let recent = |n: i64| {
        (0..n)
            .map(|i| Timestamp::from_millis(NOW - 60_000 * (i + 1)))
            .collect::<Vec<_>>()
    };
    let default = Charter::default();
    let home = page("Accueil");
    let limited = ActorFacts {
        recent_edits: recent(10),
        ..actor(Some(Newcomer))
    };
    let context = Context {
        now: Timestamp::from_millis(NOW),
        charter: &default,
        actor: &limited,
    };
    match decide(&context, &edit(&home)) {
        Decision::Deny(Denial::RateLimited { retry_after }) => {
            // The oldest of the ten, 10 minutes ago, leaves the hour in 50.
            assert_eq!(retry_after, Duration::from_secs(50 * 60));
        }
        other => panic!("expected rate_limited, got {other:?}"),
    }
    check(
        &default,
        &ActorFacts {
            recent_edits: recent(9),
            ..actor(Some(Newcomer))
        },
        edit(&home),
        Decision::Queue(QueueReason::Standing),
    );
    check(
        &default,
        &ActorFacts {
            recent_edits: recent(10),
            ..actor(Some(Contributor))
        },
        edit(&home),
        Decision::Allow,
    );
    check(
        &default,
        &ActorFacts {
            recent_edits: recent(500),
            ..actor(Some(Steward))
        },
        edit(&home),
        Decision::Allow,
    );
    check(
        &default,
        &ActorFacts {
            recent_edits: recent(10),
            is_admin: true,
            ..actor(Some(Newcomer))
        },
        edit(&home),
        Decision::Queue(QueueReason::Standing),
    );
    // Edits older than the window do not count.
    let old: Vec<Timestamp> = (0..50)
        .map(|i| Timestamp::from_millis(NOW - 3_600_000 - i))
        .collect();
    check(
        &default,
        &ActorFacts {
            recent_edits: old,
            ..actor(Some(Newcomer))
        },
        edit(&home),
        Decision::Queue(QueueReason::Standing),
    );
}

#[test]
fn standings_against_publishing_thresholds() {
    let standings = [
        None,
        Some(Newcomer),
        Some(Contributor),
        Some(Reviewer),
        Some(Steward),
    ];
    let home = page("Accueil");
    for threshold in [Newcomer, Contributor, Reviewer, Steward] {
        for join in ["open", "approval"] {
            let charter =
                charter(json!({"join": join, "edit": {"publish_directly_min": threshold}}));
            for standing in standings {
                let expected = match (standing, join) {
                    (None, "approval") => Decision::Deny(Denial::NotMember),
                    (None, _) if Newcomer >= threshold => Decision::Allow,
                    (None, _) => Decision::Queue(QueueReason::Standing),
                    (Some(s), _) if s >= threshold => Decision::Allow,
                    (Some(_), _) => Decision::Queue(QueueReason::Standing),
                };
                check(&charter, &actor(standing), edit(&home), expected);
            }
        }
    }
}

#[test]
fn probation_queues_even_stewards() {
    let probation = ActorFacts {
        sanctions: vec![SanctionKind::Probation],
        ..actor(Some(Steward))
    };
    check(
        &Charter::default(),
        &probation,
        edit(&page("P")),
        Decision::Queue(QueueReason::Probation),
    );
    let warned = ActorFacts {
        sanctions: vec![SanctionKind::Warning],
        ..actor(Some(Contributor))
    };
    check(
        &Charter::default(),
        &warned,
        edit(&page("P")),
        Decision::Allow,
    );
}

#[test]
fn joining_follows_the_policy() {
    check(
        &Charter::default(),
        &actor(None),
        Action::Join,
        Decision::Allow,
    );
    check(
        &charter(json!({"join": "approval"})),
        &actor(None),
        Action::Join,
        Decision::Queue(QueueReason::JoinApproval),
    );
    check(
        &charter(json!({"join": "invite"})),
        &actor(Some(Newcomer)),
        Action::Join,
        Decision::Allow,
    );
    check(
        &charter(json!({"visibility": "members"})),
        &actor(Some(Newcomer)),
        Action::Read,
        Decision::Allow,
    );
    check(
        &Charter::default(),
        &actor(None),
        Action::Read,
        Decision::Allow,
    );
}

#[test]
fn moves_publish_at_once_or_not_at_all() {
    let default = Charter::default();
    let home = page("Accueil");
    let cases = [
        (
            actor(Some(Newcomer)),
            Decision::Deny(Denial::Forbidden {
                required: Contributor,
            }),
        ),
        (actor(Some(Contributor)), Decision::Allow),
        (
            actor(None),
            Decision::Deny(Denial::Forbidden {
                required: Contributor,
            }),
        ),
        (
            ActorFacts {
                sanctions: vec![SanctionKind::Probation],
                ..actor(Some(Steward))
            },
            Decision::Deny(Denial::Forbidden {
                required: Contributor,
            }),
        ),
    ];
    for (who, expected) in cases {
        check(&default, &who, Action::Move { page: &home }, expected);
    }
    let closed = charter(json!({"join": "approval"}));
    check(
        &closed,
        &actor(None),
        Action::Move { page: &home },
        Decision::Deny(Denial::NotMember),
    );
}

#[test]
fn spaces_powers_appeals_and_the_queue() {
    let by_stewards = charter(json!({"subspaces": "stewards"}));
    let by_vote = charter(json!({"subspaces": "vote"}));
    let child = Action::CreateSpace {
        child: true,
        anyone_may: true,
    };
    check(
        &by_stewards,
        &actor(Some(Steward)),
        child.clone(),
        Decision::Allow,
    );
    check(
        &by_stewards,
        &actor(Some(Reviewer)),
        child.clone(),
        Decision::Deny(Denial::NeedsProposal),
    );
    check(
        &by_vote,
        &actor(Some(Steward)),
        child.clone(),
        Decision::Deny(Denial::NeedsProposal),
    );
    let suspended = ActorFacts {
        sanctions: vec![SanctionKind::Suspension],
        ..actor(Some(Steward))
    };
    check(
        &by_stewards,
        &suspended,
        child,
        Decision::Deny(Denial::Suspended { until: None }),
    );
    let top = |anyone_may| Action::CreateSpace {
        child: false,
        anyone_may,
    };
    let default = Charter::default();
    let admin = ActorFacts {
        is_admin: true,
        ..actor(None)
    };
    check(&default, &actor(None), top(true), Decision::Allow);
    check(
        &default,
        &actor(None),
        top(false),
        Decision::Deny(Denial::AdministratorsOnly),
    );
    check(&default, &admin, top(false), Decision::Allow);
    let power = |granted| Action::UseAdminPower {
        power: "takedown",
        granted,
    };
    check(&default, &admin, power(true), Decision::Allow);
    check(
        &default,
        &admin,
        power(false),
        Decision::Deny(Denial::PowerNotGranted { power: "takedown" }),
    );
    check(
        &default,
        &actor(Some(Steward)),
        power(true),
        Decision::Deny(Denial::AdministratorsOnly),
    );
    let banned = ActorFacts {
        sanctions: vec![SanctionKind::Ban],
        ..actor(None)
    };
    check(
        &default,
        &banned,
        Action::Appeal { own_sanction: true },
        Decision::Allow,
    );
    check(
        &default,
        &actor(Some(Steward)),
        Action::Appeal {
            own_sanction: false,
        },
        Decision::Deny(Denial::NotTheirs),
    );
    check(
        &default,
        &actor(Some(Newcomer)),
        Action::SeeQueue,
        Decision::Allow,
    );
    check(
        &default,
        &actor(None),
        Action::SeeQueue,
        Decision::Deny(Denial::NotMember),
    );
}

#[test]
fn join_requests_are_accepted_by_reviewers_in_good_standing() {
    let default = Charter::default();
    let cases = [
        (actor(None), Decision::Deny(Denial::NotMember)),
        (
            actor(Some(Contributor)),
            Decision::Deny(Denial::Forbidden { required: Reviewer }),
        ),
        (actor(Some(Reviewer)), Decision::Allow),
        (actor(Some(Steward)), Decision::Allow),
        (
            ActorFacts {
                sanctions: vec![SanctionKind::Suspension],
                ..actor(Some(Steward))
            },
            Decision::Deny(Denial::Suspended { until: None }),
        ),
        (
            ActorFacts {
                sanctions: vec![SanctionKind::Ban],
                ..actor(Some(Reviewer))
            },
            Decision::Deny(Denial::Banned),
        ),
    ];
    for (who, expected) in cases {
        check(&default, &who, Action::AcceptJoin, expected);
    }
}

#[test]
fn reviews_by_standing() {
    let charter = charter(json!({"edit": {"review_min": "contributor", "self_approval": true}}));
    let review = |own| Action::Review {
        own_revision: own,
        restores_own_work: false,
    };
    check(
        &charter,
        &actor(Some(Newcomer)),
        review(false),
        Decision::Deny(Denial::Forbidden {
            required: Contributor,
        }),
    );
    check(
        &charter,
        &actor(Some(Contributor)),
        review(false),
        Decision::Allow,
    );
    check(
        &charter,
        &actor(Some(Contributor)),
        review(true),
        Decision::Allow,
    );
    check(
        &charter,
        &actor(Some(Steward)),
        Action::Appoint { to: Reviewer },
        Decision::Allow,
    );
}

fn member(standing: Standing, days: i64, accepted_edits: u64) -> MemberFacts {
    MemberFacts {
        standing,
        since: Timestamp::from_millis(NOW - days * 86_400_000),
        accepted_edits,
        sanctioned: false,
    }
}

#[test]
fn standing_explains_what_is_missing() {
    let default = Charter::default();
    let now = Timestamp::from_millis(NOW);
    let (next, missing) = missing_for_next(&default, &member(Newcomer, 2, 3), now).unwrap();
    assert_eq!(next, Contributor);
    assert_eq!(
        missing,
        [
            Missing::AcceptedEdits { more: 2 },
            Missing::Time { seconds: 86_400 }
        ]
    );
    assert_eq!(missing[0].describe(), "2 more accepted edits");
    assert_eq!(missing[1].describe(), "1 day more");
    assert!(!promotion_due(&default, &member(Newcomer, 2, 3), now));
    assert!(promotion_due(&default, &member(Newcomer, 3, 5), now));
    assert!(!promotion_due(
        &default,
        &MemberFacts {
            sanctioned: true,
            ..member(Newcomer, 3, 5)
        },
        now
    ));
    assert!(!promotion_due(&default, &member(Contributor, 30, 50), now));
    assert_eq!(
        missing_for_next(&default, &member(Contributor, 1, 1), now)
            .unwrap()
            .1,
        [Missing::Appointment]
    );
    assert_eq!(
        missing_for_next(&default, &member(Reviewer, 1, 1), now)
            .unwrap()
            .1,
        [Missing::Proposal]
    );
    assert!(missing_for_next(&default, &member(Steward, 1, 1), now).is_none());
}

// --- properties ---------------------------------------------------------

fn standing() -> impl Strategy<Value = Standing> {
    prop_oneof![
        Just(Newcomer),
        Just(Contributor),
        Just(Reviewer),
        Just(Steward)
    ]
}

fn any_charter() -> impl Strategy<Value = Charter> {
    (
        (standing(), standing(), standing(), standing()),
        (any::<bool>(), any::<bool>(), 0u64..400, prop_oneof![Just("open"), Just("approval"), Just("invite")]),
        (1u32..20, 1u32..200, prop_oneof![Just("m"), Just("h"), Just("d")]),
    )
        .prop_map(|((publish, review, protect, page_protect), (members, self_approval, max, join), (rate, extra, per))| {
            charter(json!({
                "visibility": if members { "members" } else { "public" },
                "join": join,
                "edit": {"publish_directly_min": publish, "review_min": review, "self_approval": self_approval, "max_page_bytes": max + 1},
                "protection": {"default": protect, "pages": {"Charte": page_protect}},
                "rate_limits": {"newcomer": format!("{rate}/{per}"), "contributor": format!("{}/{per}", rate + extra)},
            }))
        })
}

fn any_actor() -> impl Strategy<Value = ActorFacts> {
    (
        proptest::option::of(standing()),
        any::<bool>(),
        proptest::collection::vec(
            prop_oneof![
                Just(SanctionKind::Warning),
                Just(SanctionKind::Probation),
                Just(SanctionKind::Suspension),
                Just(SanctionKind::Ban)
            ],
            0..2,
        ),
        proptest::collection::vec(0i64..200_000_000, 0..40),
    )
        .prop_map(|(standing, is_admin, sanctions, ages)| ActorFacts {
            standing,
            is_admin,
            sanctions,
            suspended_until: None,
            recent_edits: ages
                .into_iter()
                .map(|age| Timestamp::from_millis(NOW - age))
                .collect(),
        })
}

#[derive(Debug, Clone)]
enum AnyAction {
    Read,
    Join,
    Edit {
        slug: &'static str,
        bytes: u64,
        locked_to: Option<Standing>,
    },
    Review {
        own: bool,
        restores: bool,
    },
    Appoint(Standing),
    AcceptJoin,
    Move(&'static str),
    SeeQueue,
    CreateSpace(bool, bool),
    Appeal(bool),
    UseAdminPower(bool),
    MassRollback,
    Propose(ProposalKind),
    Vote(bool),
    Report,
    Sanction(Option<Standing>),
}

fn any_action() -> impl Strategy<Value = AnyAction> {
    prop_oneof![
        Just(AnyAction::Read),
        Just(AnyAction::Join),
        (
            prop_oneof![Just("Charte"), Just("Accueil"), Just("Talk:Charte")],
            0u64..500,
            proptest::option::of(standing())
        )
            .prop_map(|(slug, bytes, locked_to)| AnyAction::Edit {
                slug,
                bytes,
                locked_to
            }),
        (any::<bool>(), any::<bool>())
            .prop_map(|(own, restores)| AnyAction::Review { own, restores }),
        standing().prop_map(AnyAction::Appoint),
        Just(AnyAction::AcceptJoin),
        prop_oneof![Just("Charte"), Just("Accueil"), Just("Talk:Charte")].prop_map(AnyAction::Move),
        Just(AnyAction::SeeQueue),
        (any::<bool>(), any::<bool>()).prop_map(|(c, a)| AnyAction::CreateSpace(c, a)),
        any::<bool>().prop_map(AnyAction::Appeal),
        any::<bool>().prop_map(AnyAction::UseAdminPower),
        Just(AnyAction::MassRollback),
        prop_oneof![
            Just(ProposalKind::CharterChange),
            Just(ProposalKind::RoleChange),
            Just(ProposalKind::Appeal),
            Just(ProposalKind::Dispute),
            Just(ProposalKind::CreateSpace),
        ]
        .prop_map(AnyAction::Propose),
        any::<bool>().prop_map(AnyAction::Vote),
        Just(AnyAction::Report),
        proptest::option::of(standing()).prop_map(AnyAction::Sanction),
    ]
}

fn run(charter: &Charter, actor: &ActorFacts, action: &AnyAction) -> Decision {
    let context = Context {
        now: Timestamp::from_millis(NOW),
        charter,
        actor,
    };
    match action {
        AnyAction::Read => decide(&context, &Action::Read),
        AnyAction::Join => decide(&context, &Action::Join),
        AnyAction::Edit {
            slug,
            bytes,
            locked_to,
        } => {
            let page = PageFacts {
                slug: (*slug).to_owned(),
                locked_to: *locked_to,
                talk: slug.starts_with("Talk:"),
            };
            decide(
                &context,
                &Action::Edit {
                    page: &page,
                    bytes: *bytes,
                },
            )
        }
        AnyAction::Review { own, restores } => decide(
            &context,
            &Action::Review {
                own_revision: *own,
                restores_own_work: *restores,
            },
        ),
        AnyAction::Appoint(to) => decide(&context, &Action::Appoint { to: *to }),
        AnyAction::AcceptJoin => decide(&context, &Action::AcceptJoin),
        AnyAction::Move(slug) => {
            let page = PageFacts {
                slug: (*slug).to_owned(),
                locked_to: None,
                talk: slug.starts_with("Talk:"),
            };
            decide(&context, &Action::Move { page: &page })
        }
        AnyAction::SeeQueue => decide(&context, &Action::SeeQueue),
        AnyAction::CreateSpace(child, anyone_may) => decide(
            &context,
            &Action::CreateSpace {
                child: *child,
                anyone_may: *anyone_may,
            },
        ),
        AnyAction::Appeal(own_sanction) => decide(
            &context,
            &Action::Appeal {
                own_sanction: *own_sanction,
            },
        ),
        AnyAction::UseAdminPower(granted) => decide(
            &context,
            &Action::UseAdminPower {
                power: "takedown",
                granted: *granted,
            },
        ),
        AnyAction::MassRollback => decide(&context, &Action::MassRollback),
        AnyAction::Propose(kind) => decide(&context, &Action::Propose { kind: *kind }),
        AnyAction::Vote(eligible) => decide(
            &context,
            &Action::Vote {
                eligible: *eligible,
            },
        ),
        AnyAction::Report => decide(&context, &Action::Report),
        AnyAction::Sanction(target) => decide(&context, &Action::Sanction { target: *target }),
    }
}

/// Deny < Queue < Allow.
fn rank(decision: &Decision) -> u8 {
    match decision {
        Decision::Deny(_) => 0,
        Decision::Queue(_) => 1,
        Decision::Allow => 2,
    }
}

/// One way of making a charter stricter.
fn tighten(charter: &Charter, how: u8, to: Standing) -> Charter {
    let mut strict = charter.clone();
    match how % 9 {
        0 => strict.edit.publish_directly_min = strict.edit.publish_directly_min.max(to),
        1 => strict.protection.default = strict.protection.default.max(to),
        2 => {
            let level = strict
                .protection
                .pages
                .entry("Charte".to_owned())
                .or_insert(Newcomer);
            *level = (*level).max(to);
        }
        3 => strict.edit.review_min = strict.edit.review_min.max(to),
        4 => strict.edit.max_page_bytes /= 2,
        5 => strict.edit.self_approval = false,
        6 => strict.visibility = super::Visibility::Members,
        7 => {
            strict.join = match strict.join {
                super::JoinPolicy::Open => super::JoinPolicy::Approval,
                _ => super::JoinPolicy::Invite,
            }
        }
        _ => {
            for rate in strict.rate_limits.values_mut() {
                rate.count = (rate.count / 2).max(1);
            }
        }
    }
    strict
}

proptest! {
    #[test]
    fn raising_standing_never_denies_what_was_allowed(
        charter in any_charter(),
        actor in any_actor(),
        action in any_action(),
        raise in standing(),
    ) {
        let before = run(&charter, &actor, &action);
        let higher = match actor.standing {
            None => Some(raise),
            Some(current) => Some(current.max(raise)),
        };
        let raised = ActorFacts { standing: higher, ..actor.clone() };
        let after = run(&charter, &raised, &action);
        prop_assert!(!before.is_allowed() || after.is_allowed(), "{before:?} became {after:?}");
    }

    #[test]
    fn tightening_a_charter_never_allows_more(
        charter in any_charter(),
        actor in any_actor(),
        action in any_action(),
        how in any::<u8>(),
        to in standing(),
    ) {
        let strict = tighten(&charter, how, to);
        let loose = run(&charter, &actor, &action);
        let tight = run(&strict, &actor, &action);
        prop_assert!(rank(&tight) <= rank(&loose), "tightening turned {loose:?} into {tight:?}");
    }

    #[test]
    fn a_child_cannot_loosen_a_locked_field(
        lock in prop_oneof![Just("visibility"), Just("edit"), Just("edit.approvals_required"), Just("join"), Just("protection.default")],
        approvals in 1u32..10,
        visibility in prop_oneof![Just("public"), Just("members")],
        join in prop_oneof![Just("open"), Just("approval"), Just("invite")],
    ) {
        let parent = charter(json!({"locked_fields": [lock], "edit": {"approvals_required": 3}, "visibility": "members", "join": "approval", "protection": {"default": "contributor"}}));
        let patches = [
            json!({"visibility": visibility}),
            json!({"edit": {"approvals_required": approvals}}),
            json!({"join": join}),
            json!({"protection": {"default": "newcomer"}}),
            json!({"edit": {"self_approval": true}}),
        ];
        for patch in patches {
            match apply_patch(&parent, &patch) {
                Ok(child) => {
                    // Whatever a child may set, the locked field keeps the parent's value.
                    let parent_value = serde_json::to_value(&parent).unwrap();
                    let child_value = serde_json::to_value(&child).unwrap();
                    let pointer = format!("/{}", lock.replace('.', "/"));
                    prop_assert_eq!(parent_value.pointer(&pointer), child_value.pointer(&pointer));
                    prop_assert!(child.locked_fields.iter().any(|l| l == lock));
                }
                Err(error) => prop_assert!(matches!(error, super::CharterError::Locked { .. }), "{error}"),
            }
        }
    }
}
