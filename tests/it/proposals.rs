//! Collective choice over HTTP: a charter change passes and takes effect, a
//! proposal short of quorum changes nothing, a child space and a steward
//! come by proposal, and a proposal open across a restart still closes on
//! time.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestApp, User, expect_problem, json_of};

/// Votes of a few seconds, so a whole life cycle fits in a test.
fn charter(quorum: f64, threshold: f64, duration: &str) -> Value {
    let rule = json!({ "eligible_min": "contributor", "quorum": quorum, "threshold": threshold, "duration": duration });
    json!({
        "locked_fields": ["visibility"],
        "votes": {
            "charter_change": rule, "role_change": rule, "create_space": rule,
            "appeal": rule, "dispute": rule
        }
    })
}

/// `assoc`, founded by stella, with contributors carl and clea, and the
/// newcomer nico.
async fn association<'a>(app: &'a TestApp, charter: Value) -> [User<'a>; 4] {
    let _admin = app.user("admin").await;
    let stella = app.user("stella").await;
    let created = stella
        .send(
            Method::POST,
            "/api/v1/spaces",
            json!({ "slug": "assoc", "title": "L'association", "charter": charter }),
        )
        .await;
    assert_eq!(
        created.status(),
        StatusCode::CREATED,
        "{}",
        created.text().await.unwrap()
    );
    let carl = app.user("carl").await;
    let clea = app.user("clea").await;
    let nico = app.user("nico").await;
    for user in [&carl, &clea, &nico] {
        user.send(Method::POST, "/api/v1/spaces/assoc/members", json!({}))
            .await;
    }
    for name in ["carl", "clea"] {
        stella.appoint("assoc", name, "contributor").await;
    }
    [stella, carl, clea, nico]
}

async fn propose(user: &User<'_>, kind: &str, payload: Value) -> Value {
    let body = json!({ "kind": kind, "title": format!("{kind} proposal"), "rationale": "parce que", "payload": payload });
    let response = user
        .send(Method::POST, "/api/v1/spaces/assoc/proposals", body)
        .await;
    let status = response.status();
    let body = json_of(response).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

async fn vote(user: &User<'_>, id: u64, choice: &str) -> reqwest::Response {
    let path = format!("/api/v1/spaces/assoc/proposals/{id}/vote");
    user.send(Method::PUT, &path, json!({ "choice": choice }))
        .await
}

async fn proposal(app: &TestApp, id: u64) -> Value {
    json_of(
        app.get(&format!("/api/v1/spaces/assoc/proposals/{id}"))
            .await,
    )
    .await
}

async fn approvals_required(app: &TestApp) -> Value {
    json_of(app.get("/api/v1/spaces/assoc").await).await["charter"]["edit"]["approvals_required"]
        .clone()
}

/// Lets time pass until proposal `id`'s deadline, and the governance
/// clock close it.
async fn closed(app: &TestApp, id: u64) -> Value {
    let deadline = millis(&proposal(app, id).await["closes_at"]);
    let now = app.app().now().millis();
    app.let_time_pass(Duration::from_millis((deadline - now).max(0) as u64 + 1))
        .await;
    proposal(app, id).await
}

/// Waits, on the real clock, for the governance clock to close proposal
/// `id` (across a restart, where a moved clock would not survive).
async fn closed_in_real_time(app: &TestApp, id: u64) -> Value {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let proposal = proposal(app, id).await;
        if proposal["state"] != "open" {
            return proposal;
        }
        assert!(
            Instant::now() < deadline,
            "proposal {id} never closed: {proposal}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_charter_change_passes_and_takes_effect() {
    let app = TestApp::spawn().await;
    let [stella, carl, clea, nico] = association(&app, charter(0.5, 0.5, "1h")).await;
    let patch = json!({ "patch": {
        "edit": { "approvals_required": 2 },
        "protection": { "pages": { "Statuts": "reviewer" } }
    } });
    expect_problem(
        nico.send(
            Method::POST,
            "/api/v1/spaces/assoc/proposals",
            json!({ "kind": "charter_change", "title": "x", "payload": patch }),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let locked = carl
        .send(
            Method::POST,
            "/api/v1/spaces/assoc/proposals",
            json!({ "kind": "charter_change", "title": "x", "payload": { "patch": { "edit": { "approvals_required": 0 } } } }),
        )
        .await;
    let problem = expect_problem(locked, StatusCode::BAD_REQUEST, "invalid_input").await;
    assert_eq!(
        problem["field"], "edit.approvals_required",
        "validated when it opens"
    );

    let opened = propose(&carl, "charter_change", patch).await;
    assert_eq!(opened["state"], "open");
    assert_eq!(opened["eligible"], 3, "stella, carl and clea; not nico");
    let id = opened["id"].as_u64().unwrap();
    expect_problem(
        vote(&nico, id, "yes").await,
        StatusCode::FORBIDDEN,
        "not_eligible",
    )
    .await;
    let first = json_of(vote(&carl, id, "no").await).await;
    assert_eq!(first["state"], "open");
    let changed = json_of(vote(&carl, id, "yes").await).await;
    assert_eq!(
        changed["tally"],
        json!({ "yes": 1, "no": 0, "abstain": 0, "eligible": 3 }),
        "a vote can change"
    );
    assert_eq!(
        approvals_required(&app).await,
        1,
        "nothing changes while it is open"
    );
    let settled = json_of(vote(&clea, id, "yes").await).await;
    assert_eq!(
        settled["state"], "passed",
        "2 yes of 3: one more no cannot undo it, so it closes early"
    );
    assert_eq!(approvals_required(&app).await, 2, "applied at once");
    expect_problem(
        vote(&stella, id, "no").await,
        StatusCode::CONFLICT,
        "proposal_closed",
    )
    .await;
    let shown = proposal(&app, id).await;
    assert_eq!(
        shown["votes"],
        json!({ "carl": "yes", "clea": "yes" }),
        "votes are public"
    );

    let log = json_of(app.get("/api/v1/spaces/assoc/log").await).await;
    let actions: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        &actions[..6],
        [
            "protection_change",
            "charter_change",
            "proposal_close",
            "vote",
            "vote",
            "vote"
        ],
        "{log}"
    );
    assert_eq!(log["items"][0]["target"], "page:Statuts");
    assert_eq!(log["items"][0]["reason"], "newcomer → reviewer");
    assert!(actions.contains(&"proposal_open"));

    // The new rules hold: Statuts is for reviewers, and a newcomer's edit
    // now needs two approvals.
    let protected = nico
        .put_page("assoc", "Statuts", "Article 1.\n", None)
        .await;
    expect_problem(protected, StatusCode::FORBIDDEN, "protected_page").await;
    let written = nico
        .put_page("assoc", "Règlement", "Article 1.\n", None)
        .await;
    assert_eq!(written.status(), StatusCode::ACCEPTED);
    let queue = json_of(stella.get("/api/v1/spaces/assoc/reviews").await).await["items"].clone();
    assert_eq!(queue[0]["approvals_required"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proposal_short_of_quorum_changes_nothing() {
    let app = TestApp::spawn().await;
    let [_stella, carl, _clea, _nico] = association(&app, charter(0.9, 0.5, "2d")).await;
    let id = propose(
        &carl,
        "charter_change",
        json!({ "patch": { "join": "approval" } }),
    )
    .await["id"]
        .as_u64()
        .unwrap();
    vote(&carl, id, "yes").await;
    let ended = closed(&app, id).await;
    assert_eq!(ended["state"], "rejected", "{ended}");
    assert!(
        ended["outcome"].as_str().unwrap().contains("1 yes"),
        "{ended}"
    );
    let space = json_of(app.get("/api/v1/spaces/assoc").await).await;
    assert_eq!(space["charter"]["join"], "open", "the charter is untouched");
    let rejected = json_of(
        app.get("/api/v1/spaces/assoc/proposals?state=rejected")
            .await,
    )
    .await;
    assert_eq!(rejected["items"].as_array().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn child_spaces_and_stewards_come_by_proposal() {
    let app = TestApp::spawn().await;
    let [stella, carl, clea, _nico] = association(&app, charter(0.5, 0.5, "1h")).await;
    // The association's charter says subspaces take a vote.
    let id = propose(
        &carl,
        "charter_change",
        json!({ "patch": { "subspaces": "vote" } }),
    )
    .await["id"]
        .as_u64()
        .unwrap();
    vote(&carl, id, "yes").await;
    vote(&clea, id, "yes").await;
    let direct = stella
        .send(
            Method::POST,
            "/api/v1/spaces",
            json!({ "slug": "atelier", "title": "Atelier", "parent": "assoc" }),
        )
        .await;
    expect_problem(direct, StatusCode::FORBIDDEN, "needs_proposal").await;

    let locked = carl
        .send(
            Method::POST,
            "/api/v1/spaces/assoc/proposals",
            json!({ "kind": "create_space", "title": "Atelier", "payload": { "slug": "atelier", "title": "Atelier", "charter": { "visibility": "members" } } }),
        )
        .await;
    expect_problem(locked, StatusCode::BAD_REQUEST, "locked_field").await;
    let child = propose(
        &carl,
        "create_space",
        json!({ "slug": "atelier", "title": "Atelier", "charter": { "join": "approval" } }),
    )
    .await;
    let id = child["id"].as_u64().unwrap();
    vote(&stella, id, "yes").await;
    assert_eq!(
        json_of(vote(&clea, id, "yes").await).await["state"],
        "passed"
    );
    let atelier = json_of(app.get("/api/v1/spaces/atelier").await).await;
    assert_eq!(atelier["parent"], "assoc");
    assert_eq!(atelier["charter"]["join"], "approval");
    assert_eq!(atelier["charter"]["locked_fields"], json!(["visibility"]));
    let carl_there = json_of(app.get("/api/v1/spaces/atelier/members/carl").await).await;
    assert_eq!(
        carl_there["standing"], "steward",
        "who proposed it stewards it"
    );
    let child_log = json_of(app.get("/api/v1/spaces/atelier/log").await)
        .await
        .to_string();
    assert!(child_log.contains("space_create"), "{child_log}");
    // The parent's lock holds in the child, whoever asks.
    let grandchild = carl
        .send(
            Method::POST,
            "/api/v1/spaces/atelier/proposals",
            json!({ "kind": "create_space", "title": "Coin", "payload": { "slug": "coin", "title": "Coin", "charter": { "visibility": "members" } } }),
        )
        .await;
    expect_problem(grandchild, StatusCode::BAD_REQUEST, "locked_field").await;

    // A steward only by proposal.
    expect_problem(
        stella
            .send(
                Method::PUT,
                "/api/v1/spaces/assoc/members/clea",
                json!({ "standing": "steward" }),
            )
            .await,
        StatusCode::FORBIDDEN,
        "needs_proposal",
    )
    .await;
    let id = propose(
        &carl,
        "role_change",
        json!({ "user": "clea", "standing": "steward" }),
    )
    .await["id"]
        .as_u64()
        .unwrap();
    vote(&carl, id, "yes").await;
    vote(&stella, id, "yes").await;
    let clea_now = json_of(app.get("/api/v1/spaces/assoc/members/clea").await).await;
    assert_eq!(clea_now["standing"], "steward");
    let log = json_of(app.get("/api/v1/spaces/assoc/log").await)
        .await
        .to_string();
    assert!(log.contains("a role_change proposal passed"), "{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proposal_open_across_a_restart_still_closes_on_time() {
    let data = tempfile::tempdir().unwrap();
    let app = TestApp::spawn_on(data.path()).await;
    let [_stella, carl, _clea, _nico] = association(&app, charter(0.3, 0.5, "3s")).await;
    let opened = propose(
        &carl,
        "charter_change",
        json!({ "patch": { "join": "approval" } }),
    )
    .await;
    let id = opened["id"].as_u64().unwrap();
    let closes_at = opened["closes_at"].clone();
    assert_eq!(
        json_of(vote(&carl, id, "yes").await).await["state"],
        "open",
        "1 yes of 3 is not settled"
    );
    app.stop().await;

    let app = TestApp::spawn_on(data.path()).await;
    assert_eq!(proposal(&app, id).await["state"], "open");
    // The one test of a deadline on the real clock, end to end.
    let ended = closed_in_real_time(&app, id).await;
    assert_eq!(ended["state"], "passed", "{ended}");
    let late = millis(&ended["closed_at"]) - millis(&closes_at);
    assert!(
        (0..3000).contains(&late),
        "closed {late} ms after its deadline"
    );
    let space = json_of(app.get("/api/v1/spaces/assoc").await).await;
    assert_eq!(space["charter"]["join"], "approval");
    app.stop().await;
}

fn millis(value: &Value) -> i64 {
    let parsed = time::OffsetDateTime::parse(
        value.as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    (parsed.unix_timestamp_nanos() / 1_000_000) as i64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tie_is_not_a_majority() {
    // The default charter's rules, where a contributor once made themself
    // steward with one vote of two: 0.5 met the 0.5 threshold and closed it.
    let app = TestApp::spawn().await;
    let steward = app.user("stella").await; // first account: steward of main
    let carl = app.user("carl").await;
    steward.appoint("main", "carl", "contributor").await;
    let body = json!({"kind": "role_change", "title": "Moi steward",
        "payload": {"user": "carl", "standing": "steward"}});
    let opened = json_of(
        carl.send(Method::POST, "/api/v1/spaces/main/proposals", body)
            .await,
    )
    .await;
    let id = opened["id"].as_u64().unwrap();
    assert_eq!(opened["eligible"], 2, "{opened}");
    let path = format!("/api/v1/spaces/main/proposals/{id}/vote");
    let after_yes = json_of(
        carl.send(Method::PUT, &path, json!({"choice": "yes"}))
            .await,
    )
    .await;
    assert_eq!(
        after_yes["state"], "open",
        "one yes of two settles nothing: {after_yes}"
    );
    let after_no = json_of(
        steward
            .send(Method::PUT, &path, json!({"choice": "no"}))
            .await,
    )
    .await;
    assert_eq!(after_no["state"], "rejected", "1–1 is a tie: {after_no}");
    let carl_now = json_of(app.get("/api/v1/spaces/main/members/carl").await).await;
    assert_eq!(carl_now["standing"], "contributor");
}
