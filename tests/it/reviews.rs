//! Governance rules one at a time over HTTP: merging approved revisions
//! onto a page that moved on, conflicts, lazy consensus, join policies,
//! charters refused, rates and sizes, reverts of one's own work.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestApp, User, expect_problem, json_of, page_path};

/// A space `lieu` with `charter`, founded by `steward`.
async fn found(steward: &User<'_>, charter: Value) {
    let response = steward
        .send(
            Method::POST,
            "/api/v1/spaces",
            json!({ "slug": "lieu", "title": "Un lieu", "charter": charter }),
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::CREATED,
        "{}",
        response.text().await.unwrap()
    );
}

async fn join(user: &User<'_>) -> reqwest::Response {
    user.send(Method::POST, "/api/v1/spaces/lieu/members", json!({}))
        .await
}

async fn write(
    user: &User<'_>,
    slug: &str,
    markdown: &str,
    base: Option<u64>,
) -> (StatusCode, Value) {
    let response = user.put_page("lieu", slug, markdown, base).await;
    (response.status(), json_of(response).await)
}

async fn pending_edit(user: &User<'_>, slug: &str, markdown: &str, base: Option<u64>) -> u64 {
    let (status, body) = write(user, slug, markdown, base).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    body["revision"]["id"].as_u64().unwrap()
}

async fn review(reviewer: &User<'_>, revision: u64, decision: &str) -> reqwest::Response {
    let path = format!("/api/v1/spaces/lieu/reviews/{revision}");
    reviewer
        .send(Method::POST, &path, json!({ "decision": decision }))
        .await
}

async fn page(app: &TestApp, slug: &str) -> Value {
    json_of(app.get(&page_path("lieu", slug)).await).await
}

/// A steward, a reviewer and a newcomer in `lieu`.
async fn cast<'a>(app: &'a TestApp, charter: Value) -> (User<'a>, User<'a>, User<'a>) {
    let _admin = app.user("admin").await;
    let steward = app.user("stella").await;
    found(&steward, charter).await;
    let reviewer = app.user("romain").await;
    steward.appoint("lieu", "romain", "reviewer").await;
    let newcomer = app.user("nina").await;
    assert!(join(&newcomer).await.status().is_success());
    (steward, reviewer, newcomer)
}

const TEXT: &str = "un\n\ndeux\n\ntrois\n\nquatre\n\ncinq\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_approved_revision_merges_onto_a_page_that_moved_on() {
    let app = TestApp::spawn().await;
    let (steward, reviewer, newcomer) = cast(&app, json!({})).await;
    let (_, created) = write(&steward, "Notes", TEXT, None).await;
    let base = created["revision"]["id"].as_u64().unwrap();

    let mine = pending_edit(
        &newcomer,
        "Notes",
        &TEXT.replace("un\n", "UN\n"),
        Some(base),
    )
    .await;
    let (status, moved) = write(&steward, "Notes", &TEXT.replace("cinq", "CINQ"), Some(base)).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the line moves on beside the pending edit"
    );
    assert_eq!(
        page(&app, "Notes").await["markdown"],
        TEXT.replace("cinq", "CINQ")
    );

    let queue = json_of(reviewer.get("/api/v1/spaces/lieu/reviews").await).await["items"].clone();
    assert_eq!(queue[0]["conflicting"], false, "{queue}");
    let outcome = json_of(review(&reviewer, mine, "approve").await).await;
    assert_eq!(outcome["state"], "published");
    let shown = outcome["published_revision"].as_u64().unwrap();
    assert_ne!(shown, mine, "merged: a new revision on the line");
    assert!(shown > moved["revision"]["id"].as_u64().unwrap());
    let now = page(&app, "Notes").await;
    assert_eq!(now["markdown"], "UN\n\ndeux\n\ntrois\n\nquatre\n\nCINQ\n");
    assert_eq!(now["revision"]["id"], shown);
    assert_eq!(
        now["revision"]["author"], "nina",
        "the merge is the author's work"
    );

    // The newcomer and the steward change the same line: a conflict.
    let head = shown;
    let clash = pending_edit(
        &newcomer,
        "Notes",
        &now["markdown"].as_str().unwrap().replace("trois", "3"),
        Some(head),
    )
    .await;
    write(
        &steward,
        "Notes",
        &now["markdown"].as_str().unwrap().replace("trois", "III"),
        Some(head),
    )
    .await;
    let queue = json_of(reviewer.get("/api/v1/spaces/lieu/reviews").await).await["items"].clone();
    assert_eq!(queue[0]["revision"], clash);
    assert_eq!(queue[0]["conflicting"], true, "{queue}");
    let refused = expect_problem(
        review(&reviewer, clash, "approve").await,
        StatusCode::CONFLICT,
        "edit_conflict",
    )
    .await;
    assert!(
        refused["merged"].as_str().unwrap().contains("<<<<<<<"),
        "{refused}"
    );
    let rejected = json_of(review(&reviewer, clash, "reject").await).await;
    assert_eq!(rejected["state"], "rejected");
    let history = json_of(
        newcomer
            .get(&format!("{}/revisions", page_path("lieu", "Notes")))
            .await,
    )
    .await;
    let states: Vec<&str> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["state"].as_str().unwrap())
        .collect();
    assert!(
        states.contains(&"rejected"),
        "members see rejected work: {states:?}"
    );
    let public = json_of(
        app.get(&format!("{}/revisions", page_path("lieu", "Notes")))
            .await,
    )
    .await;
    assert!(
        public["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["state"] == "published"),
        "readers see published revisions only: {public}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lazy_consensus_publishes_what_nobody_objected_to() {
    let app = TestApp::spawn().await;
    let (_, _, newcomer) = cast(&app, json!({ "review": { "lazy_consensus_after": "2d" } })).await;
    let pending = pending_edit(&newcomer, "Idée", "Une idée.\n", None).await;
    app.let_time_pass(Duration::from_secs(86_400)).await;
    assert_eq!(
        app.get(&page_path("lieu", "Idée")).await.status(),
        StatusCode::NOT_FOUND,
        "a day in, nobody objected yet"
    );
    app.let_time_pass(Duration::from_secs(86_400 + 1)).await;
    assert_eq!(
        app.get(&page_path("lieu", "Idée")).await.status(),
        StatusCode::OK,
        "lazy consensus published it"
    );
    let log = json_of(app.get("/api/v1/spaces/lieu/log").await).await;
    let publish = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "publish" && e["target"] == format!("revision:{pending}"))
        .unwrap_or_else(|| panic!("{log}"));
    assert!(publish["actor"].is_null());
    assert!(
        publish["reason"]
            .as_str()
            .unwrap()
            .contains("lazy consensus")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn join_policies_admit_at_once_on_approval_or_by_invitation() {
    let app = TestApp::spawn().await;
    let (steward, reviewer, _) = cast(&app, json!({ "join": "approval" })).await;
    let _ = steward;
    let hopeful = app.user("hugo").await;
    let asked = join(&hopeful).await;
    assert_eq!(asked.status(), StatusCode::ACCEPTED);
    assert_eq!(
        json_of(asked).await,
        json!({ "standing": null, "requested": true })
    );
    let (status, body) = write(&hopeful, "Page", "texte\n", None).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("not_member"))
    );
    let stranger = app.user("sam").await;
    let path = "/api/v1/spaces/lieu/members/sam/accept";
    expect_problem(
        reviewer.send(Method::POST, path, json!({})).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let path = "/api/v1/spaces/lieu/members/hugo/accept";
    expect_problem(
        stranger.send(Method::POST, path, json!({})).await,
        StatusCode::FORBIDDEN,
        "not_member",
    )
    .await;
    let accepted = json_of(reviewer.send(Method::POST, path, json!({})).await).await;
    assert_eq!(accepted["standing"], "newcomer");
    let (status, _) = write(&hopeful, "Page", "texte\n", None).await;
    assert_eq!(
        status,
        StatusCode::ACCEPTED,
        "a newcomer's edit waits for review"
    );
    let log = json_of(app.get("/api/v1/spaces/lieu/log").await)
        .await
        .to_string();
    assert!(
        log.contains("join_accept") && log.contains("user:hugo"),
        "{log}"
    );

    let closed = app.user("clara").await;
    let created = closed
        .send(
            Method::POST,
            "/api/v1/spaces",
            json!({ "slug": "club", "title": "Club", "charter": { "join": "invite" } }),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let refused = hopeful
        .send(Method::POST, "/api/v1/spaces/club/members", json!({}))
        .await;
    expect_problem(refused, StatusCode::FORBIDDEN, "not_member").await;
    let refused = hopeful.put_page("club", "Page", "texte\n", None).await;
    expect_problem(refused, StatusCode::FORBIDDEN, "not_member").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spaces_refuse_bad_charters_locked_fields_and_uninvited_children() {
    let app = TestApp::spawn().await;
    let (steward, reviewer, _) = cast(
        &app,
        json!({ "locked_fields": ["visibility", "edit.approvals_required"] }),
    )
    .await;
    let child = |charter: Value| json!({ "slug": "enfant", "title": "Enfant", "parent": "lieu", "charter": charter });
    let locked = steward
        .send(
            Method::POST,
            "/api/v1/spaces",
            child(json!({ "visibility": "members" })),
        )
        .await;
    let problem = expect_problem(locked, StatusCode::BAD_REQUEST, "locked_field").await;
    assert!(
        problem["detail"].as_str().unwrap().contains("visibility"),
        "{problem}"
    );
    let locked = steward
        .send(
            Method::POST,
            "/api/v1/spaces",
            child(json!({ "edit": { "approvals_required": 0 } })),
        )
        .await;
    expect_problem(locked, StatusCode::BAD_REQUEST, "locked_field").await;
    let invalid = steward
        .send(
            Method::POST,
            "/api/v1/spaces",
            child(json!({ "rate_limits": { "newcomer": "lots" } })),
        )
        .await;
    let problem = expect_problem(invalid, StatusCode::BAD_REQUEST, "invalid_input").await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("rate_limits.newcomer"),
        "{problem}"
    );
    let not_steward = reviewer
        .send(Method::POST, "/api/v1/spaces", child(json!({})))
        .await;
    expect_problem(not_steward, StatusCode::FORBIDDEN, "needs_proposal").await;
    let created = json_of(
        steward
            .send(
                Method::POST,
                "/api/v1/spaces",
                child(json!({ "join": "approval" })),
            )
            .await,
    )
    .await;
    assert_eq!(created["parent"], "lieu");
    assert_eq!(created["charter"]["join"], "approval");
    assert_eq!(
        created["charter"]["locked_fields"],
        json!(["visibility", "edit.approvals_required"])
    );
    let again = steward
        .send(Method::POST, "/api/v1/spaces", child(json!({})))
        .await;
    expect_problem(again, StatusCode::CONFLICT, "space_exists").await;
    let bad_slug = steward
        .send(
            Method::POST,
            "/api/v1/spaces",
            json!({ "slug": "a/b", "title": "x" }),
        )
        .await;
    expect_problem(bad_slug, StatusCode::BAD_REQUEST, "invalid_input").await;
    let orphan = steward
        .send(
            Method::POST,
            "/api/v1/spaces",
            json!({ "slug": "x", "title": "x", "parent": "nowhere" }),
        )
        .await;
    expect_problem(orphan, StatusCode::NOT_FOUND, "not_found").await;
    let anonymous = app
        .send(
            Method::POST,
            "/api/v1/spaces",
            json!({ "slug": "y", "title": "y" }),
        )
        .await;
    expect_problem(anonymous, StatusCode::UNAUTHORIZED, "unauthenticated").await;

    // The child's members are the parent's (inherited standing).
    let member = json_of(app.get("/api/v1/spaces/enfant/members/romain").await).await;
    assert_eq!(member["standing"], "reviewer");
    assert_eq!(member["inherited_from"], "lieu");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_charter_sets_rates_and_sizes() {
    let app = TestApp::spawn().await;
    let charter =
        json!({ "rate_limits": { "newcomer": "2/h" }, "edit": { "max_page_bytes": 100 } });
    let (_, _, newcomer) = cast(&app, charter).await;
    pending_edit(&newcomer, "Un", "1\n", None).await;
    pending_edit(&newcomer, "Deux", "2\n", None).await;
    let third = newcomer.put_page("lieu", "Trois", "3\n", None).await;
    let retry_after: u64 = third.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((3000..=3600).contains(&retry_after), "{retry_after}");
    expect_problem(third, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    let large = app.user("lara").await;
    join(&large).await;
    let refused = large.put_page("lieu", "Long", &"x".repeat(101), None).await;
    expect_problem(refused, StatusCode::PAYLOAD_TOO_LARGE, "too_large").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revert_is_an_edit_and_nobody_approves_the_return_of_their_own_work() {
    let app = TestApp::spawn().await;
    let (steward, reviewer, newcomer) = cast(&app, json!({})).await;
    let (_, first) = write(&reviewer, "Règles", "Version de Romain.\n", None).await;
    let first = first["revision"]["id"].as_u64().unwrap();
    let (_, second) = write(&steward, "Règles", "Version de Stella.\n", Some(first)).await;
    assert_eq!(second["revision"]["state"], "published");
    let revert = newcomer
        .send(
            Method::POST,
            &format!("{}/revert", page_path("lieu", "Règles")),
            json!({ "to_revision": first }),
        )
        .await;
    assert_eq!(
        revert.status(),
        StatusCode::ACCEPTED,
        "a newcomer's revert waits like an edit"
    );
    let revert = json_of(revert).await["revision"]["id"].as_u64().unwrap();
    expect_problem(
        review(&reviewer, revert, "approve").await,
        StatusCode::FORBIDDEN,
        "conflict_of_interest",
    )
    .await;
    let approved = json_of(review(&steward, revert, "approve").await).await;
    assert_eq!(approved["state"], "published");
    assert_eq!(
        page(&app, "Règles").await["markdown"],
        "Version de Romain.\n"
    );
    let log = json_of(app.get("/api/v1/spaces/lieu/log").await)
        .await
        .to_string();
    assert!(log.contains("\"publish\""), "{log}");
}
