//! Instance administrators hold only the powers the configuration lists:
//! a legal takedown and restoring a steward to an orphaned space, each
//! logged in the space's log. No admin path edits a charter or a vote.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{TestApp, expect_problem, json_of, page_path};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_takedown_replaces_the_text_everywhere_it_appears_and_is_logged() {
    let app = TestApp::spawn().await;
    let admin = app.user("admin").await;
    let alice = app.user("alice").await;
    admin.appoint("main", "alice", "contributor").await;
    let secret = "Appelez Jeanne au 06 12 34 56 78, téléphone confidentielqwz.\n";
    let first = alice.edit("main", "Contacts", secret, None).await;
    let second = alice
        .edit("main", "Contacts", "Plus de numéro.\n", Some(first))
        .await;
    let third = alice.edit("main", "Contacts", secret, Some(second)).await;
    app.wait_for_index().await;
    let found = json_of(app.get("/api/v1/search?q=confidentielqwz").await).await;
    assert_eq!(found["total"], 1);

    let body = json!({ "space": "main", "revision": first, "reason": "demande de la CNIL" });
    expect_problem(
        alice
            .send(Method::POST, "/api/v1/admin/takedowns", body.clone())
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let taken = json_of(
        admin
            .send(Method::POST, "/api/v1/admin/takedowns", body)
            .await,
    )
    .await;
    assert_eq!(
        taken["revisions"],
        json!([third, first]),
        "every revision with that text"
    );

    let page = json_of(app.get(&page_path("main", "Contacts")).await).await;
    let markdown = page["markdown"].as_str().unwrap();
    assert!(
        markdown.contains("taken down") && markdown.contains("CNIL"),
        "{markdown}"
    );
    assert!(!page["html"].as_str().unwrap().contains("06 12"));
    let old = json_of(
        app.get(&format!(
            "{}/revisions/{first}",
            page_path("main", "Contacts")
        ))
        .await,
    )
    .await;
    assert!(!old["markdown"].as_str().unwrap().contains("06 12"));
    let kept = json_of(
        app.get(&format!(
            "{}/revisions/{second}",
            page_path("main", "Contacts")
        ))
        .await,
    )
    .await;
    assert_eq!(kept["markdown"], "Plus de numéro.\n", "other texts stay");
    app.wait_for_index().await;
    let found = json_of(app.get("/api/v1/search?q=confidentielqwz").await).await;
    assert_eq!(found["total"], 0, "the index forgets it too: {found}");
    let log = json_of(app.get("/api/v1/spaces/main/log").await).await;
    let entry = &log["items"][0];
    assert_eq!(entry["action"], "admin_power");
    assert_eq!(entry["actor"], "admin");
    assert_eq!(entry["reason"], "demande de la CNIL");
    assert_eq!(entry["target"], format!("revision:{third}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_orphaned_space_gets_a_steward_back_and_admins_do_not_govern() {
    let app = TestApp::spawn().await;
    let admin = app.user("admin").await;
    let stella = app.user("stella").await;
    let carl = app.user("carl").await;
    let votes = json!({ "role_change": { "eligible_min": "contributor", "quorum": 0.5, "threshold": 0.5, "duration": "1h" } });
    let created = stella
        .send(
            Method::POST,
            "/api/v1/spaces",
            json!({ "slug": "atelier", "title": "Atelier", "charter": { "votes": votes } }),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    carl.send(Method::POST, "/api/v1/spaces/atelier/members", json!({}))
        .await;
    let restore = json!({ "space": "atelier", "user": "carl", "reason": "plus de steward" });
    expect_problem(
        admin
            .send(Method::POST, "/api/v1/admin/stewards", restore.clone())
            .await,
        StatusCode::CONFLICT,
        "has_stewards",
    )
    .await;

    // The only steward steps down by proposal: the space is orphaned.
    let opened = stella
        .send(
            Method::POST,
            "/api/v1/spaces/atelier/proposals",
            json!({ "kind": "role_change", "title": "Je me retire", "payload": { "user": "stella", "standing": "contributor" } }),
        )
        .await;
    let opened = json_of(opened).await;
    let id = opened["id"].as_u64().unwrap();
    let vote = format!("/api/v1/spaces/atelier/proposals/{id}/vote");
    // Administrators vote only where they are eligible members.
    expect_problem(
        admin
            .send(Method::PUT, &vote, json!({ "choice": "no" }))
            .await,
        StatusCode::FORBIDDEN,
        "not_eligible",
    )
    .await;
    let passed = json_of(
        stella
            .send(Method::PUT, &vote, json!({ "choice": "yes" }))
            .await,
    )
    .await;
    assert_eq!(passed["state"], "passed");
    // Nor do they set standings or charters.
    expect_problem(
        admin
            .send(
                Method::PUT,
                "/api/v1/spaces/atelier/members/carl",
                json!({ "standing": "steward" }),
            )
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let charter = admin
        .send(
            Method::POST,
            "/api/v1/spaces/atelier/proposals",
            json!({ "kind": "charter_change", "title": "x", "payload": { "patch": { "join": "invite" } } }),
        )
        .await;
    expect_problem(charter, StatusCode::FORBIDDEN, "not_member").await;

    let restored = json_of(
        admin
            .send(Method::POST, "/api/v1/admin/stewards", restore)
            .await,
    )
    .await;
    assert_eq!(restored["standing"], "steward");
    let carl_now = json_of(app.get("/api/v1/spaces/atelier/members/carl").await).await;
    assert_eq!(carl_now["standing"], "steward");
    let log = json_of(app.get("/api/v1/spaces/atelier/log").await).await;
    let entry = &log["items"][0];
    assert_eq!(
        (entry["action"].as_str(), entry["target"].as_str()),
        (Some("admin_power"), Some("user:carl"))
    );
    assert_eq!(entry["reason"], "plus de steward");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn powers_the_configuration_does_not_list_are_refused() {
    let app = TestApp::spawn_with(|config| config.governance.admin_powers.clear()).await;
    let admin = app.user("admin").await;
    let first = admin.edit("main", "Page", "texte\n", None).await;
    let refused = admin
        .send(
            Method::POST,
            "/api/v1/admin/takedowns",
            json!({ "space": "main", "revision": first, "reason": "essai" }),
        )
        .await;
    let problem = expect_problem(refused, StatusCode::FORBIDDEN, "forbidden").await;
    assert!(
        problem["detail"].as_str().unwrap().contains("takedown"),
        "{problem}"
    );
}
