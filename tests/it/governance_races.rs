//! Governance requests raced over HTTP, each race repeated on fresh pages,
//! members or spaces so that interleavings vary, and the invariants checked
//! afterwards (every violation of every round is reported together, with
//! the JSON that shows it):
//!
//! 1. contributors edit a page while another opens a dispute: no
//!    contributor's revision is published after the dispute opened (by
//!    `created_at`, and by event order), and every write answers 200, 201,
//!    202, 403 `disputed_page` or 409 `edit_conflict`;
//! 2. a `keep` and a `rollback` proposal for the same dispute pass at once:
//!    exactly one resolves it, the other closes rejected saying it cannot
//!    apply, the page is rolled back exactly when the rollback passed, and
//!    the log has one `dispute_resolve`;
//! 3. an appeal is voted through right around its probation's expiry: the
//!    sanction is lifted once (one `sanction_lift`), ends up not in force,
//!    the appeal closes, and it passed only if it is what lifted it;
//! 4. three reviewers approve and a fourth rejects one pending revision at
//!    once (two approvals required): it ends published or rejected, never
//!    both, with one `publish` if published, distinct approvers, and the
//!    page showing its text;
//! 5. two reviewers accept a join request while the steward appoints the
//!    same user reviewer: one membership, the appointed standing, at most
//!    one `join_accept`, never after the appointment;
//! 6. a parent's `charter_change` locking `edit.approvals_required` and a
//!    child's setting it pass at once: at most one applies, the other
//!    closes rejected saying why, and the child's charter still resolves
//!    without setting a field its parent locks.
//!
//! Nowhere may a request answer 500.

use std::collections::BTreeSet;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures_util::future::join_all;
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestApp, User, json_of, page_path};

/// Rates no race here comes near: the races are about order, not volume.
fn generous_rates() -> Value {
    json!({ "newcomer": "10000/h", "contributor": "100000/h" })
}

/// The status and body of an answer (the text as a JSON string when it is
/// not JSON, so a 500's body still shows).
async fn answer(response: Response) -> (StatusCode, Value) {
    let status = response.status();
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, body)
}

/// Every broken invariant of every round, reported together at the end.
#[derive(Default)]
struct Violations(Vec<String>);

impl Violations {
    fn check(&mut self, holds: bool, what: impl FnOnce() -> String) {
        if !holds {
            self.0.push(what());
        }
    }

    fn assert_none(self, race: &str) {
        assert!(
            self.0.is_empty(),
            "{race}: {} violation(s):\n- {}",
            self.0.len(),
            self.0.join("\n- ")
        );
    }
}

/// Creates the space `slug` with `charter`, `steward` founding it.
async fn found(steward: &User<'_>, slug: &str, parent: Option<&str>, charter: Value) {
    let mut body = json!({ "slug": slug, "title": slug, "charter": charter });
    if let Some(parent) = parent {
        body["parent"] = json!(parent);
    }
    let (status, created) = answer(steward.send(Method::POST, "/api/v1/spaces", body).await).await;
    assert_eq!(status, StatusCode::CREATED, "found {slug}: {created}");
}

/// Registers each named user, has them join `space` and has the steward
/// appoint them (`newcomer`: left as they join).
async fn enrol<'a>(
    app: &'a TestApp,
    steward: &User<'_>,
    space: &str,
    cast: &[(&str, &str)],
) -> Vec<User<'a>> {
    let mut users = Vec::new();
    for &(name, standing) in cast {
        let user = app.user(name).await;
        let path = format!("/api/v1/spaces/{space}/members");
        let (status, joined) = answer(user.send(Method::POST, &path, json!({})).await).await;
        assert!(status.is_success(), "{name} joins {space}: {joined}");
        if standing != "newcomer" {
            steward.appoint(space, name, standing).await;
        }
        users.push(user);
    }
    users
}

/// A space's whole governance log, oldest first.
async fn log_of(app: &TestApp, space: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/api/v1/spaces/{space}/log?limit=500");
        if let Some(cursor) = &cursor {
            path.push_str(&format!("&cursor={cursor}"));
        }
        let page = json_of(app.get(&path).await).await;
        items.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    items.reverse();
    items
}

/// The entries of `log` with this action and target.
fn entries<'a>(log: &'a [Value], action: &str, target: &str) -> Vec<&'a Value> {
    log.iter()
        .filter(|e| e["action"] == action && e["target"] == target)
        .collect()
}

fn now_millis() -> i64 {
    let since = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    since.as_millis() as i64
}

/// Log entries as a JSON array, for messages.
fn show(entries: &[&Value]) -> String {
    Value::Array(entries.iter().map(|&e| e.clone()).collect()).to_string()
}

/// An answer, for messages.
fn said((status, body): &(StatusCode, Value)) -> String {
    format!("{status} {body}")
}

fn millis(value: &Value) -> i64 {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("not a time: {value}"));
    let parsed = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| panic!("not an RFC 3339 time: {value}"));
    (parsed.unix_timestamp_nanos() / 1_000_000) as i64
}

async fn propose(user: &User<'_>, space: &str, kind: &str, payload: Value) -> u64 {
    let body = json!({ "kind": kind, "title": format!("{kind} proposal"), "payload": payload });
    let path = format!("/api/v1/spaces/{space}/proposals");
    let (status, opened) = answer(user.send(Method::POST, &path, body).await).await;
    assert_eq!(status, StatusCode::CREATED, "{opened}");
    opened["id"].as_u64().unwrap()
}

async fn vote(user: &User<'_>, space: &str, id: u64, choice: &str) -> (StatusCode, Value) {
    let path = format!("/api/v1/spaces/{space}/proposals/{id}/vote");
    answer(
        user.send(Method::PUT, &path, json!({ "choice": choice }))
            .await,
    )
    .await
}

/// The proposal once closed (or as it is after 10 s, still open).
async fn closed_proposal(app: &TestApp, space: &str, id: u64) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let proposal = json_of(
            app.get(&format!("/api/v1/spaces/{space}/proposals/{id}"))
                .await,
        )
        .await;
        if proposal["state"] != "open" || Instant::now() > deadline {
            return proposal;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A vote's answer is 200, or 409 `proposal_closed` when another vote
/// closed it first.
fn vote_answered(status: StatusCode, body: &Value) -> bool {
    status == StatusCode::OK
        || (status == StatusCode::CONFLICT && body["code"] == "proposal_closed")
}

// ---------------------------------------------------------------------------
// 1. Edits vs a dispute opening

const EDITORS: [&str; 3] = ["alice", "bob", "carl"];
/// Writes one editor tries in a round at most (the lock stops it first).
const MAX_WRITES: usize = 40;

/// Edits `slug` as `name` again and again, each time on the head it has
/// just read (so a 409 is followed by a fresh read), until the dispute
/// locks it out; returns every answer.
async fn edit_until_locked(
    user: &User<'_>,
    name: &str,
    slug: &str,
    round: usize,
) -> Vec<(StatusCode, Value)> {
    let mut answers = Vec::new();
    for n in 0..MAX_WRITES {
        let page = json_of(user.get(&page_path("forum", slug)).await).await;
        let head = page["revision"]["id"].as_u64().unwrap();
        let text = page["markdown"].as_str().unwrap();
        // Everyone rewrites the first line: stale bases conflict.
        let rest = text.split_once('\n').map_or("", |(_, rest)| rest);
        let mine = format!("{name} écrit {n} (tour {round})\n{rest}");
        let (status, body) = answer(user.put_page("forum", slug, &mine, Some(head)).await).await;
        let go_on = status.is_success() || status == StatusCode::CONFLICT;
        answers.push((status, body));
        if !go_on {
            break;
        }
    }
    answers
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edits_racing_a_dispute_never_land_after_it_opened() {
    let app = TestApp::spawn().await;
    let _admin = app.user("admin").await;
    let stella = app.user("stella").await;
    let charter = json!({
        "edit_war": { "lock_to": "reviewer" },
        "rate_limits": generous_rates()
    });
    found(&stella, "forum", None, charter).await;
    let cast: Vec<(&str, &str)> = EDITORS
        .iter()
        .map(|&name| (name, "contributor"))
        .chain([("dave", "contributor")])
        .collect();
    let mut users = enrol(&app, &stella, "forum", &cast).await;
    let dave = users.pop().unwrap();
    let editors = users;

    let mut violations = Violations::default();
    let mut refused = 0;
    for round in 0..15 {
        let slug = format!("Horaires_{round}");
        let text: String = (0..6).map(|n| format!("ligne {n}\n")).collect();
        stella.edit("forum", &slug, &text, None).await;
        let disputes = format!("{}/disputes", page_path("forum", &slug));
        let editing = join_all(
            editors
                .iter()
                .zip(EDITORS)
                .map(|(user, name)| edit_until_locked(user, name, &slug, round)),
        );
        let disputing = async {
            tokio::time::sleep(Duration::from_millis((round % 5) as u64 * 4)).await;
            answer(
                dave.send(
                    Method::POST,
                    &disputes,
                    json!({ "reason": "on se dispute" }),
                )
                .await,
            )
            .await
        };
        let (writes, (status, opened)) = tokio::join!(editing, disputing);

        for (status, body) in writes.iter().flatten() {
            let allowed = match *status {
                StatusCode::OK | StatusCode::CREATED | StatusCode::ACCEPTED => true,
                StatusCode::FORBIDDEN => body["code"] == "disputed_page",
                StatusCode::CONFLICT => body["code"] == "edit_conflict",
                _ => false,
            };
            violations.check(allowed, || {
                format!("round {round}: a write answered {status}: {body}")
            });
            if body["code"] == "disputed_page" {
                refused += 1;
            }
        }
        violations.check(status == StatusCode::CREATED, || {
            format!("round {round}: opening the dispute answered {status}: {opened}")
        });
        if status != StatusCode::CREATED {
            continue;
        }

        let page = json_of(app.get(&page_path("forum", &slug)).await).await;
        let dispute = &page["dispute"];
        violations.check(dispute["id"] == opened["id"], || {
            format!("round {round}: the page does not show the dispute {opened}: {page}")
        });
        if dispute.is_null() {
            continue;
        }
        let opened_at = millis(&dispute["opened_at"]);
        let history = json_of(
            app.get(&format!(
                "{}/revisions?limit=500",
                page_path("forum", &slug)
            ))
            .await,
        )
        .await;
        for revision in history["items"].as_array().unwrap() {
            let by_editor = EDITORS.iter().any(|&name| revision["author"] == name);
            let late =
                revision["state"] == "published" && millis(&revision["created_at"]) > opened_at;
            violations.check(!(by_editor && late), || {
                format!(
                    "round {round}: a contributor's revision was published after the dispute \
                     opened: {revision}; dispute: {dispute}"
                )
            });
        }
        // The order the writes were applied in: nothing of the editors'
        // after the dispute's event.
        let log = log_of(&app, "forum").await;
        let target = format!("dispute:{}", opened["id"]);
        let opening = entries(&log, "dispute_open", &target);
        violations.check(opening.len() == 1, || {
            format!("round {round}: {} dispute_open for {target}", opening.len())
        });
        if let Some(opening) = opening.first() {
            let since = format!(
                "/api/v1/changes?space=forum&since={}&limit=500",
                opening["seq"]
            );
            let later = json_of(app.get(&since).await).await;
            for change in later["items"].as_array().unwrap() {
                let by_editor = EDITORS.iter().any(|&name| change["actor"] == name);
                violations.check(!(by_editor && change["slug"] == slug.as_str()), || {
                    format!(
                        "round {round}: a contributor's change came after the dispute \
                         opened ({opening}): {change}"
                    )
                });
            }
        }
    }
    violations.assert_none("edits vs a dispute");
    assert!(refused > 0, "the dispute never locked an editor out");
}

// ---------------------------------------------------------------------------
// 2. Two `dispute` proposals for the same dispute

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_resolutions_of_one_dispute_apply_once() {
    let app =
        TestApp::spawn_with(|config| config.governance.tick = Duration::from_millis(100)).await;
    let _admin = app.user("admin").await;
    let stella = app.user("stella").await;
    let rule =
        json!({ "eligible_min": "reviewer", "quorum": 0.5, "threshold": 0.5, "duration": "1h" });
    let charter = json!({
        "edit_war": { "lock_to": "reviewer" },
        "votes": { "dispute": rule },
        "rate_limits": generous_rates()
    });
    found(&stella, "forum", None, charter).await;
    let cast = [
        ("rita", "reviewer"),
        ("remi", "reviewer"),
        ("alice", "contributor"),
    ];
    let [rita, remi, alice]: [User<'_>; 3] = enrol(&app, &stella, "forum", &cast)
        .await
        .try_into()
        .ok()
        .unwrap();

    // Each round disputes a few pages, then settles both proposals of
    // every one of them at once.
    let mut violations = Violations::default();
    for round in 0..12u64 {
        let mut cases = Vec::new();
        for case in 0..3u64 {
            let slug = format!("Budget_{round}_{case}");
            let before = format!("Dépenses : {round}{case}00 €.\n");
            let after = format!("Dépenses : {round}{case}99 €.\n");
            let first = stella.edit("forum", &slug, &before, None).await;
            alice.edit("forum", &slug, &after, Some(first)).await;
            let path = format!("{}/disputes", page_path("forum", &slug));
            let (status, dispute) = answer(
                alice
                    .send(Method::POST, &path, json!({ "reason": "le montant" }))
                    .await,
            )
            .await;
            assert_eq!(status, StatusCode::CREATED, "{dispute}");
            let dispute = dispute["id"].as_u64().unwrap();
            let keep = propose(
                &rita,
                "forum",
                "dispute",
                json!({ "dispute": dispute, "outcome": "keep" }),
            )
            .await;
            let back = propose(
                &rita,
                "forum",
                "dispute",
                json!({ "dispute": dispute, "outcome": "rollback", "revision": first }),
            )
            .await;
            // One yes of three eligible settles nothing; a second settles each.
            for id in [keep, back] {
                let (status, body) = vote(&rita, "forum", id, "yes").await;
                assert_eq!(
                    (status, &body["state"]),
                    (StatusCode::OK, &json!("open")),
                    "{body}"
                );
            }
            cases.push((case, slug, before, after, dispute, keep, back));
        }
        let decide = |&(case, _, _, _, _, keep, back): &(u64, _, _, _, _, u64, u64)| {
            let (keeper, roller) = if (round + case) % 2 == 0 {
                (&stella, &remi)
            } else {
                (&remi, &stella)
            };
            // A `keep` closes faster than a rollback (which renders the
            // old text first), so its deciding vote comes 0 or 1 ms later.
            let late_keep = async move {
                tokio::time::sleep(Duration::from_millis((round + case / 2) % 2)).await;
                vote(keeper, "forum", keep, "yes").await
            };
            async move { tokio::join!(late_keep, vote(roller, "forum", back, "yes")) }
        };
        let decided = join_all(cases.iter().map(decide)).await;
        // Both closed (by a vote or, failing that, by the clock) before the
        // log is read.
        let mut closed = Vec::new();
        for (_, _, _, _, _, keep, back) in &cases {
            closed.push((
                closed_proposal(&app, "forum", *keep).await,
                closed_proposal(&app, "forum", *back).await,
            ));
        }
        let log = log_of(&app, "forum").await;

        for ((case, (kept, rolled)), (keep, back)) in cases.into_iter().zip(decided).zip(closed) {
            let (_, slug, before, after, dispute, _, _) = case;
            let at = format!("round {round}, {slug}");
            for (which, (status, body)) in [("keep", &kept), ("rollback", &rolled)] {
                violations.check(vote_answered(*status, body), || {
                    format!("{at}: the deciding vote on {which} answered {status}: {body}")
                });
            }
            let passed = [&keep, &back]
                .iter()
                .filter(|p| p["state"] == "passed")
                .count();
            violations.check(passed == 1, || {
                format!("{at}: {passed} passed: keep {keep}; rollback {back}")
            });
            for proposal in [&keep, &back] {
                let fine = proposal["state"] == "passed"
                    || (proposal["state"] == "rejected"
                        && proposal["outcome"]
                            .as_str()
                            .is_some_and(|o| o.contains("cannot apply")));
                violations.check(fine, || {
                    format!("{at}: neither passed nor refused saying why: {proposal}")
                });
            }
            let rolled_back = back["state"] == "passed";
            let page = json_of(app.get(&page_path("forum", &slug)).await).await;
            let expected = if rolled_back { &before } else { &after };
            violations.check(page["markdown"] == expected.as_str(), || {
                format!(
                    "{at}: rolled back: {rolled_back}, yet the page is {page}; keep {keep}; \
                     rollback {back}"
                )
            });
            violations.check(page["dispute"].is_null(), || {
                format!("{at}: still disputed: {page}")
            });
            let resolved = entries(&log, "dispute_resolve", &format!("dispute:{dispute}"));
            violations.check(resolved.len() == 1, || {
                format!(
                    "{at}: {} dispute_resolve for dispute {dispute}: {}",
                    resolved.len(),
                    show(&resolved)
                )
            });
        }
    }
    violations.assert_none("two dispute proposals");
}

// ---------------------------------------------------------------------------
// 3. Appeal vs expiry

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_appeal_voted_at_expiry_lifts_the_sanction_once() {
    let app =
        TestApp::spawn_with(|config| config.governance.tick = Duration::from_millis(100)).await;
    let _admin = app.user("admin").await;
    let stella = app.user("stella").await;
    let rule =
        json!({ "eligible_min": "reviewer", "quorum": 0.5, "threshold": 0.5, "duration": "1h" });
    let charter = json!({
        "sanctions": { "ladder": ["probation:1s", "ban"], "decay": "1d" },
        "votes": { "appeal": rule }
    });
    found(&stella, "club", None, charter).await;
    let reviewers = enrol(
        &app,
        &stella,
        "club",
        &[("rita", "reviewer"), ("remi", "reviewer")],
    )
    .await;
    const ROUNDS: usize = 16;
    let names: Vec<String> = (0..ROUNDS).map(|n| format!("membre{n}")).collect();
    let cast: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "contributor")).collect();
    let members = enrol(&app, &stella, "club", &cast).await;

    // Each member is put on probation for a second and appeals at once;
    // the two reviewers vote yes together from 100 ms before its end to
    // 125 ms after (the clock lifts it within 100 ms of its end), 15 ms
    // apart from one member to the next.
    let round = |n: usize| {
        let (member, name, reviewers, stella) = (&members[n], &names[n], &reviewers, &stella);
        async move {
            let (status, sanction) = answer(
                stella
                    .send(
                        Method::POST,
                        "/api/v1/spaces/club/sanctions",
                        json!({ "user": name, "reason": "trop vite" }),
                    )
                    .await,
            )
            .await;
            assert_eq!(status, StatusCode::CREATED, "{sanction}");
            assert_eq!(sanction["step"], "probation:1s", "{sanction}");
            let id = sanction["id"].as_u64().unwrap();
            let path = format!("/api/v1/spaces/club/sanctions/{id}/appeal");
            let (status, appeal) = answer(
                member
                    .send(Method::POST, &path, json!({ "rationale": "erreur" }))
                    .await,
            )
            .await;
            assert_eq!(status, StatusCode::CREATED, "{appeal}");
            let proposal = appeal["id"].as_u64().unwrap();
            let vote_at = millis(&sanction["ends_at"]) - 100 + 15 * n as i64;
            let wait = vote_at - now_millis();
            tokio::time::sleep(Duration::from_millis(wait.max(0) as u64)).await;
            let (a, b) = tokio::join!(
                vote(&reviewers[0], "club", proposal, "yes"),
                vote(&reviewers[1], "club", proposal, "yes")
            );
            (id, proposal, [a, b])
        }
    };
    let rounds = join_all((0..ROUNDS).map(round)).await;

    // Every probation is over: wait (a few ticks at most) until each is
    // lifted and each appeal closed, then read the log.
    let mut settled = Vec::new();
    for (n, (sanction, proposal, _)) in rounds.iter().enumerate() {
        let path = format!("/api/v1/spaces/club/sanctions?user={}", names[n]);
        let deadline = Instant::now() + Duration::from_secs(5);
        let record = loop {
            let listed = json_of(app.get(&path).await).await;
            let record = listed["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["id"] == *sanction)
                .cloned()
                .unwrap_or_else(|| panic!("sanction {sanction} is not listed: {listed}"));
            if !record["lifted_at"].is_null() || Instant::now() > deadline {
                break record;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        settled.push((record, closed_proposal(&app, "club", *proposal).await));
    }
    let log = log_of(&app, "club").await;

    let mut violations = Violations::default();
    for (n, ((sanction, proposal, votes), (record, closed))) in
        rounds.into_iter().zip(settled).enumerate()
    {
        for (status, body) in &votes {
            violations.check(vote_answered(*status, body), || {
                format!("member {n}: a vote on appeal {proposal} answered {status}: {body}")
            });
        }
        let proposal = closed;
        let lifts = entries(&log, "sanction_lift", &format!("sanction:{sanction}"));
        violations.check(lifts.len() == 1, || {
            format!(
                "member {n}: {} sanction_lift entries for {record}: {}",
                lifts.len(),
                show(&lifts)
            )
        });
        violations.check(
            record["active"] == false && !record["lifted_at"].is_null(),
            || format!("member {n}: the sanction is still in force: {record}"),
        );
        violations.check(proposal["state"] != "open", || {
            format!("member {n}: the appeal never closed: {proposal}")
        });
        // Passed: the appeal is what lifted it. Rejected: it says it could
        // not apply (both reviewers voted yes).
        let by_appeal = record["lift_reason"]
            .as_str()
            .is_some_and(|r| r.contains("appeal"));
        let consistent = match proposal["state"].as_str() {
            Some("passed") => by_appeal,
            Some("rejected") => {
                !by_appeal
                    && proposal["outcome"]
                        .as_str()
                        .is_some_and(|o| o.contains("cannot apply"))
            }
            _ => true,
        };
        violations.check(consistent, || {
            format!("member {n}: the appeal {proposal} disagrees with the sanction {record}")
        });
    }
    violations.assert_none("appeal vs expiry");
}

// ---------------------------------------------------------------------------
// 4. Approvals at once

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approvals_and_a_rejection_at_once_settle_a_revision_once() {
    let app = TestApp::spawn().await;
    let _admin = app.user("admin").await;
    let stella = app.user("stella").await;
    let charter = json!({
        "edit": { "approvals_required": 2 },
        "rate_limits": generous_rates(),
        "promotion": { "accepted_edits": 1000 }
    });
    found(&stella, "lieu", None, charter).await;
    let cast = [
        ("rita", "reviewer"),
        ("remi", "reviewer"),
        ("rose", "reviewer"),
        ("nina", "newcomer"),
    ];
    let [rita, remi, rose, nina]: [User<'_>; 4] = enrol(&app, &stella, "lieu", &cast)
        .await
        .try_into()
        .ok()
        .unwrap();
    let review = |reviewer: &User<'_>, revision: u64, decision: &'static str, delay: u64| {
        let path = format!("/api/v1/spaces/lieu/reviews/{revision}");
        let request = reviewer
            .request(Method::POST, &path)
            .json(&json!({ "decision": decision }));
        async move {
            tokio::time::sleep(Duration::from_millis(delay)).await;
            answer(request.send().await.unwrap()).await
        }
    };

    let mut violations = Violations::default();
    for round in 0..20u64 {
        let slug = format!("Note_{round}");
        let base = format!("Texte de base {round}.\n");
        let proposed = format!("Texte de Nina {round}.\n");
        let first = stella.edit("lieu", &slug, &base, None).await;
        let (status, pending) =
            answer(nina.put_page("lieu", &slug, &proposed, Some(first)).await).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{pending}");
        let revision = pending["revision"]["id"].as_u64().unwrap();
        // The rejection comes 0 to 3 ms late, so both ends happen.
        let (a, b, c, r) = tokio::join!(
            review(&rita, revision, "approve", 0),
            review(&remi, revision, "approve", 0),
            review(&rose, revision, "approve", 0),
            review(&stella, revision, "reject", round % 4),
        );
        let approvals = [("rita", &a), ("remi", &b), ("rose", &c)];
        for (who, (status, body)) in approvals.iter().chain([&("stella", &r)]) {
            let allowed = *status == StatusCode::OK
                || (*status == StatusCode::CONFLICT && body["code"] == "not_pending");
            violations.check(allowed, || {
                format!("round {round}: {who}'s review of {revision} answered {status}: {body}")
            });
        }

        let shown = json_of(
            nina.get(&format!(
                "{}/revisions/{revision}",
                page_path("lieu", &slug)
            ))
            .await,
        )
        .await;
        let state = shown["state"].as_str().unwrap_or_default().to_owned();
        violations.check(state == "published" || state == "rejected", || {
            format!("round {round}: revision {revision} ended {shown}")
        });
        let published = state == "published";
        let told_published = approvals
            .iter()
            .any(|(_, (s, body))| *s == StatusCode::OK && body["state"] == "published");
        let told_rejected = r.0 == StatusCode::OK && r.1["state"] == "rejected";
        violations.check(
            told_published == published && told_rejected != published,
            || {
                format!(
                    "round {round}: revision {revision} is {state}, but the answers were \
                 {}, {}, {} and the rejection {}",
                    said(&a),
                    said(&b),
                    said(&c),
                    said(&r)
                )
            },
        );

        for (who, (status, body)) in &approvals {
            let counted = body["approvals"].as_u64().unwrap_or_default();
            violations.check(*status != StatusCode::OK || counted <= 2, || {
                format!("round {round}: {who} was told of {counted} approvals: {body}")
            });
        }

        let log = log_of(&app, "lieu").await;
        let target = format!("revision:{revision}");
        let publishes = entries(&log, "publish", &target);
        let rejections = entries(&log, "review_reject", &target);
        let approved = entries(&log, "review_approve", &target);
        let approvers: BTreeSet<String> = approved.iter().map(|e| e["actor"].to_string()).collect();
        violations.check(approvers.len() == approved.len(), || {
            format!(
                "round {round}: the approvals of {revision} repeat a reviewer: {}",
                show(&approved)
            )
        });
        let settled = [publishes.clone(), rejections.clone()].concat();
        let page = json_of(app.get(&page_path("lieu", &slug)).await).await;
        if published {
            violations.check(publishes.len() == 1 && rejections.is_empty(), || {
                format!("round {round}: published {revision} has {}", show(&settled))
            });
            violations.check(approved.len() == 2, || {
                format!(
                    "round {round}: published {revision} with approvals {}",
                    show(&approved)
                )
            });
            violations.check(page["markdown"] == proposed.as_str(), || {
                format!("round {round}: {revision} is published but the page is {page}")
            });
        } else {
            violations.check(publishes.is_empty() && rejections.len() == 1, || {
                format!("round {round}: rejected {revision} has {}", show(&settled))
            });
            violations.check(approved.len() < 2, || {
                format!(
                    "round {round}: rejected {revision} had approvals {}",
                    show(&approved)
                )
            });
            violations.check(page["markdown"] == base.as_str(), || {
                format!("round {round}: {revision} is rejected but the page is {page}")
            });
        }
    }
    violations.assert_none("approvals at once");
}

// ---------------------------------------------------------------------------
// 5. Joins and appointment at once

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accepting_a_join_while_appointing_keeps_one_membership() {
    let app = TestApp::spawn().await;
    let _admin = app.user("admin").await;
    let stella = app.user("stella").await;
    found(&stella, "club", None, json!({ "join": "approval" })).await;
    // The reviewers ask too, and are appointed (which admits them).
    let mut reviewers = Vec::new();
    for name in ["rita", "remi"] {
        let user = app.user(name).await;
        let (status, asked) = answer(
            user.send(Method::POST, "/api/v1/spaces/club/members", json!({}))
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{asked}");
        stella.appoint("club", name, "reviewer").await;
        reviewers.push(user);
    }

    let mut violations = Violations::default();
    for round in 0..15u64 {
        let name = format!("candidat{round}");
        let hopeful = app.user(&name).await;
        let (status, asked) = answer(
            hopeful
                .send(Method::POST, "/api/v1/spaces/club/members", json!({}))
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{asked}");
        let accept_path = format!("/api/v1/spaces/club/members/{name}/accept");
        let accept = |user: &User<'_>, delay: u64| {
            let request = user.request(Method::POST, &accept_path).json(&json!({}));
            async move {
                tokio::time::sleep(Duration::from_millis(delay)).await;
                answer(request.send().await.unwrap()).await
            }
        };
        let member_path = format!("/api/v1/spaces/club/members/{name}");
        let appoint = async {
            tokio::time::sleep(Duration::from_millis(round % 3)).await;
            answer(
                stella
                    .send(Method::PUT, &member_path, json!({ "standing": "reviewer" }))
                    .await,
            )
            .await
        };
        let (a, b, appointed) = tokio::join!(
            accept(&reviewers[0], 0),
            accept(&reviewers[1], round % 2),
            appoint
        );
        for (status, body) in [&a, &b] {
            // Accepted; or settled by the other accept or the appointment,
            // seen before (no request: 404) or in the write (409).
            let allowed = *status == StatusCode::OK
                || (*status == StatusCode::NOT_FOUND && body["code"] == "not_found")
                || (*status == StatusCode::CONFLICT && body["code"] == "not_pending");
            violations.check(allowed, || {
                format!("round {round}: accepting {name} answered {status}: {body}")
            });
        }
        violations.check(appointed.0 == StatusCode::OK, || {
            format!(
                "round {round}: appointing {name} answered {}",
                said(&appointed)
            )
        });

        let listed = json_of(app.get("/api/v1/spaces/club/members").await).await["items"].clone();
        let rows: Vec<&Value> = listed
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["user"] == name.as_str())
            .collect();
        violations.check(rows.len() == 1, || {
            format!(
                "round {round}: {name} is listed {} times: {listed}",
                rows.len()
            )
        });
        let detail = json_of(app.get(&member_path).await).await;
        violations.check(detail["standing"] == "reviewer", || {
            format!(
                "round {round}: the steward's appointment answered {}, yet {name} is {detail}; \
                 the accepts answered {} and {}",
                said(&appointed),
                said(&a),
                said(&b)
            )
        });
        if let Some(row) = rows.first() {
            violations.check(row["standing"] == detail["standing"], || {
                format!("round {round}: listed as {row}, detailed as {detail}")
            });
        }
        let log = log_of(&app, "club").await;
        let about: Vec<&Value> = log
            .iter()
            .filter(|e| e["target"] == format!("user:{name}"))
            .collect();
        let accepts = entries(&log, "join_accept", &format!("user:{name}"));
        violations.check(accepts.len() <= 1, || {
            format!(
                "round {round}: {} join_accept for {name}: {}",
                accepts.len(),
                show(&about)
            )
        });
        let appointed_at = about
            .iter()
            .find(|e| e["action"] == "standing_change")
            .map(|e| e["seq"].as_u64().unwrap());
        let late = accepts
            .iter()
            .any(|e| appointed_at.is_some_and(|at| e["seq"].as_u64().unwrap() > at));
        violations.check(!late, || {
            format!(
                "round {round}: {name} was accepted after being appointed: {}",
                show(&about)
            )
        });
    }
    violations.assert_none("joins and appointment");
}

// ---------------------------------------------------------------------------
// 6. Charter changes in parent and child at once

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lock_above_and_a_setting_below_never_both_apply() {
    let app = TestApp::spawn().await;
    let _admin = app.user("admin").await;
    let stella = app.user("stella").await;
    // Stella alone decides charter changes, so her one yes settles each.
    let rule =
        json!({ "eligible_min": "steward", "quorum": 0.5, "threshold": 0.5, "duration": "1h" });
    const FIELD: &str = "edit.approvals_required";

    let mut violations = Violations::default();
    for round in 0..15u64 {
        let (parent, child) = (format!("parent{round}"), format!("enfant{round}"));
        found(
            &stella,
            &parent,
            None,
            json!({ "votes": { "charter_change": rule } }),
        )
        .await;
        found(&stella, &child, Some(&parent), json!({})).await;
        let lock = propose(
            &stella,
            &parent,
            "charter_change",
            json!({ "patch": { "locked_fields": [FIELD] } }),
        )
        .await;
        let set = propose(
            &stella,
            &child,
            "charter_change",
            json!({ "patch": { "edit": { "approvals_required": 2 } } }),
        )
        .await;
        let delayed = |delay: u64, space: &str, id: u64| {
            let path = format!("/api/v1/spaces/{space}/proposals/{id}/vote");
            let request = stella
                .request(Method::PUT, &path)
                .json(&json!({ "choice": "yes" }));
            async move {
                tokio::time::sleep(Duration::from_millis(delay)).await;
                answer(request.send().await.unwrap()).await
            }
        };
        let (locked, sets) = tokio::join!(
            delayed(round % 2, &parent, lock),
            delayed((round + 1) % 3, &child, set)
        );
        for (which, (status, body)) in [("lock", &locked), ("setting", &sets)] {
            violations.check(*status == StatusCode::OK, || {
                format!("round {round}: the vote on the {which} answered {status}: {body}")
            });
        }

        // A space whose charter no longer resolves cannot show its
        // proposals: the vote's answer then says how it closed.
        let lock = closed_proposal(&app, &parent, lock).await;
        let set = closed_proposal(&app, &child, set).await;
        let state_of = |proposal: &Value, (_, voted): &(StatusCode, Value)| {
            let state = &proposal["state"];
            if state.is_null() {
                voted["state"].clone()
            } else {
                state.clone()
            }
        };
        let (lock_state, set_state) = (state_of(&lock, &locked), state_of(&set, &sets));
        violations.check(!(lock_state == "passed" && set_state == "passed"), || {
            format!(
                "round {round}: both passed: lock {lock} (vote: {}); setting {set} (vote: {})",
                said(&locked),
                said(&sets)
            )
        });
        for (proposal, state) in [(&lock, &lock_state), (&set, &set_state)] {
            let fine = *state == "passed"
                || (*state == "rejected"
                    && proposal["outcome"]
                        .as_str()
                        .is_some_and(|o| o.contains("cannot apply")));
            violations.check(fine, || {
                format!("round {round}: neither passed nor refused saying why: {proposal}")
            });
        }

        let (status, above) = answer(app.get(&format!("/api/v1/spaces/{parent}")).await).await;
        violations.check(status == StatusCode::OK, || {
            format!("round {round}: GET {parent} answered {status}: {above}")
        });
        let locks = above["charter"]["locked_fields"]
            .as_array()
            .is_some_and(|fields| fields.iter().any(|f| f == FIELD));
        violations.check(locks == (lock_state == "passed"), || {
            format!("round {round}: the lock {lock_state}, yet the parent is {above}")
        });
        let (status, below) = answer(app.get(&format!("/api/v1/spaces/{child}")).await).await;
        violations.check(status == StatusCode::OK, || {
            format!(
                "round {round}: GET {child} answered {status}: {below}; the parent's lock \
                 {lock_state} (its locked_fields: {}), the child's setting {set_state} \
                 (vote: {})",
                above["charter"]["locked_fields"],
                said(&sets)
            )
        });
        if status == StatusCode::OK {
            let value = &below["charter"]["edit"]["approvals_required"];
            let expected = if set_state == "passed" { 2 } else { 1 };
            violations.check(*value == expected, || {
                format!("round {round}: the setting {set_state}, yet the child is {below}")
            });
            violations.check(
                !locks || *value == above["charter"]["edit"]["approvals_required"],
                || format!("round {round}: the child sets {FIELD}, locked above: {below}"),
            );
        }
    }
    violations.assert_none("charter changes in parent and child");
}
