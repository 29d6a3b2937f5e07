//! Conflict resolution over HTTP: an edit war disputes and locks a page by
//! itself (its talk page stays open), and a `dispute` proposal rolls a page
//! back and unlocks it.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestApp, User, expect_problem, json_of, page_path};

/// `forum`: stella (steward), rita and remi (reviewers), alice and bob
/// (contributors), nina (newcomer). Pending edits nobody rejects publish
/// after a second.
async fn forum(app: &TestApp) -> [User<'_>; 6] {
    let _admin = app.user("admin").await;
    let stella = app.user("stella").await;
    let charter = json!({
        "edit_war": { "reverts": 2, "window": "1h", "lock_to": "reviewer" },
        "review": { "lazy_consensus_after": "1s" },
        "votes": { "dispute": { "eligible_min": "reviewer", "quorum": 0.5, "threshold": 0.5, "duration": "1h" } }
    });
    let created = stella
        .send(
            Method::POST,
            "/api/v1/spaces",
            json!({ "slug": "forum", "title": "Forum", "charter": charter }),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let users = [
        app.user("rita").await,
        app.user("remi").await,
        app.user("alice").await,
        app.user("bob").await,
        app.user("nina").await,
    ];
    for user in &users {
        user.send(Method::POST, "/api/v1/spaces/forum/members", json!({}))
            .await;
    }
    for (name, standing) in [
        ("rita", "reviewer"),
        ("remi", "reviewer"),
        ("alice", "contributor"),
        ("bob", "contributor"),
    ] {
        stella.appoint("forum", name, standing).await;
    }
    let [rita, remi, alice, bob, nina] = users;
    [stella, rita, remi, alice, bob, nina]
}

async fn page(app: &TestApp, slug: &str) -> Value {
    json_of(app.get(&page_path("forum", slug)).await).await
}

async fn write(user: &User<'_>, slug: &str, text: &str, base: Option<u64>) -> (StatusCode, Value) {
    let response = user.put_page("forum", slug, text, base).await;
    (response.status(), json_of(response).await)
}

async fn head(app: &TestApp, slug: &str) -> u64 {
    page(app, slug).await["revision"]["id"].as_u64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_war_disputes_and_locks_the_page_by_itself() {
    let app = TestApp::spawn().await;
    let [stella, rita, _remi, alice, bob, nina] = forum(&app).await;
    let (_, first) = write(&stella, "Horaires", "Ouvert le lundi.\n", None).await;
    let first = first["revision"]["id"].as_u64().unwrap();
    let (status, _) = write(&alice, "Horaires", "Ouvert le mardi.\n", Some(first)).await;
    assert_eq!(status, StatusCode::OK);
    let mine = head(&app, "Horaires").await;
    // Bob reverts Alice; Alice puts her text back by hand: two reverts by
    // two members within the window.
    let revert = bob
        .send(
            Method::POST,
            &format!("{}/revert", page_path("forum", "Horaires")),
            json!({ "to_revision": first }),
        )
        .await;
    assert_eq!(revert.status(), StatusCode::OK);
    assert!(
        page(&app, "Horaires").await["dispute"].is_null(),
        "one revert is no war"
    );
    let (status, _) = write(
        &alice,
        "Horaires",
        "Ouvert le mardi.\n",
        Some(head(&app, "Horaires").await),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(head(&app, "Horaires").await, mine);

    let disputed = page(&app, "Horaires").await;
    let dispute = &disputed["dispute"];
    assert_eq!(dispute["lock_to"], "reviewer", "{disputed}");
    assert!(
        dispute["opened_by"].is_null(),
        "edit-war detection opened it"
    );
    assert!(
        dispute["reason"].as_str().unwrap().contains("edit war"),
        "{dispute}"
    );
    let base = head(&app, "Horaires").await;
    let (status, refused) = write(&bob, "Horaires", "Ouvert le mercredi.\n", Some(base)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(refused["code"], "disputed_page");
    assert_eq!(refused["lock_to"], "reviewer");
    let (status, _) = write(
        &rita,
        "Horaires",
        "Ouvert le lundi et le mardi.\n",
        Some(base),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "reviewers may still edit it");

    // The talk page stays open to everyone, newcomers included, at once.
    assert_eq!(disputed["talk"], "Talk:Horaires");
    let (status, talk) = write(&nina, "Talk:Horaires", "Et le week-end ?\n", None).await;
    assert_eq!(status, StatusCode::CREATED, "{talk}");
    assert_eq!(talk["revision"]["state"], "published");
    let (status, _) = write(
        &bob,
        "Talk:Horaires",
        "Et le week-end ?\n\nNon.\n",
        Some(talk["revision"]["id"].as_u64().unwrap()),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let talk_dispute = alice
        .send(
            Method::POST,
            &format!("{}/disputes", page_path("forum", "Talk:Horaires")),
            json!({ "reason": "off topic" }),
        )
        .await;
    expect_problem(talk_dispute, StatusCode::BAD_REQUEST, "invalid_input").await;

    let log = json_of(app.get("/api/v1/spaces/forum/log").await).await;
    let opened = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "dispute_open")
        .unwrap();
    assert!(opened["actor"].is_null());
    assert!(opened["target"].as_str().unwrap().starts_with("dispute:"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dispute_proposal_rolls_the_page_back_and_unlocks_it() {
    let app = TestApp::spawn().await;
    let [stella, rita, remi, alice, bob, nina] = forum(&app).await;
    let (_, first) = write(&stella, "Budget", "Dépenses : 100 €.\n", None).await;
    let first = first["revision"]["id"].as_u64().unwrap();
    write(&bob, "Budget", "Dépenses : 900 €.\n", Some(first)).await;

    let path = format!("{}/disputes", page_path("forum", "Budget"));
    expect_problem(
        nina.send(Method::POST, &path, json!({ "reason": "?" }))
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let opened = alice
        .send(
            Method::POST,
            &path,
            json!({ "reason": "le montant est faux" }),
        )
        .await;
    assert_eq!(opened.status(), StatusCode::CREATED);
    let dispute = json_of(opened).await;
    assert_eq!(dispute["state"], "open");
    assert_eq!(dispute["opened_by"], "alice");
    expect_problem(
        bob.send(Method::POST, &path, json!({ "reason": "non" }))
            .await,
        StatusCode::CONFLICT,
        "already_disputed",
    )
    .await;
    let base = head(&app, "Budget").await;
    assert_eq!(
        write(&bob, "Budget", "Dépenses : 1000 €.\n", Some(base))
            .await
            .1["code"],
        "disputed_page"
    );

    let id = dispute["id"].as_u64().unwrap();
    let proposal =
        |payload: Value| json!({ "kind": "dispute", "title": "Budget", "payload": payload });
    let missing = rita
        .send(
            Method::POST,
            "/api/v1/spaces/forum/proposals",
            proposal(json!({ "dispute": id, "outcome": "rollback" })),
        )
        .await;
    expect_problem(missing, StatusCode::BAD_REQUEST, "invalid_input").await;
    let opened = rita
        .send(
            Method::POST,
            "/api/v1/spaces/forum/proposals",
            proposal(json!({ "dispute": id, "outcome": "rollback", "revision": first })),
        )
        .await;
    assert_eq!(opened.status(), StatusCode::CREATED);
    let proposal_id = json_of(opened).await["id"].as_u64().unwrap();
    let vote = format!("/api/v1/spaces/forum/proposals/{proposal_id}/vote");
    rita.send(Method::PUT, &vote, json!({ "choice": "yes" }))
        .await;
    let passed = json_of(
        remi.send(Method::PUT, &vote, json!({ "choice": "yes" }))
            .await,
    )
    .await;
    assert_eq!(passed["state"], "passed", "{passed}");

    let now = page(&app, "Budget").await;
    assert_eq!(now["markdown"], "Dépenses : 100 €.\n", "rolled back");
    assert!(now["dispute"].is_null(), "and unlocked");
    assert_eq!(now["revision"]["kind"], "revert");
    let resolved = json_of(
        app.get("/api/v1/spaces/forum/disputes?state=resolved")
            .await,
    )
    .await["items"]
        .clone();
    assert_eq!(resolved[0]["id"], id);
    assert!(
        resolved[0]["resolution"]
            .as_str()
            .unwrap()
            .contains("back to revision"),
        "{resolved}"
    );
    let (status, _) = write(
        &bob,
        "Budget",
        "Dépenses : 120 €.\n",
        Some(head(&app, "Budget").await),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "contributors edit it again");
    // Putting the disputed text back is one revert: the resolution's
    // rollback was the community's, and does not make a war of it.
    let (status, _) = write(
        &bob,
        "Budget",
        "Dépenses : 900 €.\n",
        Some(head(&app, "Budget").await),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page(&app, "Budget").await["dispute"].is_null());
    let log = json_of(app.get("/api/v1/spaces/forum/log").await)
        .await
        .to_string();
    assert!(log.contains("dispute_resolve"), "{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_disputed_page_waits_for_people_not_for_time() {
    let app = TestApp::spawn().await;
    let [stella, rita, remi, alice, _bob, nina] = forum(&app).await;
    let (_, first) = write(&stella, "Fête", "La fête est en juin.\n", None).await;
    let first = first["revision"]["id"].as_u64().unwrap();
    let (status, pending) = write(&nina, "Fête", "La fête est en juillet.\n", Some(first)).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{pending}");
    let opened = alice
        .send(
            Method::POST,
            &format!("{}/disputes", page_path("forum", "Fête")),
            json!({ "reason": "la date n'est pas décidée" }),
        )
        .await;
    assert_eq!(opened.status(), StatusCode::CREATED);
    let dispute = json_of(opened).await["id"].as_u64().unwrap();

    // Well past lazy consensus's second, the newcomer's edit still waits.
    app.let_time_pass(Duration::from_secs(3600)).await;
    assert_eq!(
        page(&app, "Fête").await["markdown"],
        "La fête est en juin.\n"
    );
    let queue = json_of(rita.get("/api/v1/spaces/forum/reviews").await).await["items"].clone();
    assert_eq!(queue.as_array().map(Vec::len), Some(1), "{queue}");

    // Once the dispute is settled, time does its work again.
    let opened = rita
        .send(
            Method::POST,
            "/api/v1/spaces/forum/proposals",
            json!({ "kind": "dispute", "title": "Garder", "payload": { "dispute": dispute, "outcome": "keep" } }),
        )
        .await;
    let proposal = json_of(opened).await["id"].as_u64().unwrap();
    let vote = format!("/api/v1/spaces/forum/proposals/{proposal}/vote");
    rita.send(Method::PUT, &vote, json!({ "choice": "yes" }))
        .await;
    remi.send(Method::PUT, &vote, json!({ "choice": "yes" }))
        .await;
    app.let_time_pass(Duration::from_secs(2)).await;
    assert_eq!(
        page(&app, "Fête").await["markdown"],
        "La fête est en juillet.\n",
        "lazy consensus came back"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn talk_pages_are_for_members_and_need_a_subject() {
    let app = TestApp::spawn().await;
    let steward = app.user("stella").await;
    steward.edit("main", "Accueil", "Bienvenue.\n", None).await;
    let visitor = app.user("victor").await;
    // Not a member: the talk of an existing page takes joining first.
    let refused = visitor
        .put_page("main", "Talk:Accueil", "Bonjour !\n", None)
        .await;
    expect_problem(refused, StatusCode::FORBIDDEN, "not_member").await;
    let joined = visitor
        .send(Method::POST, "/api/v1/spaces/main/members", json!({}))
        .await;
    assert_eq!(joined.status(), StatusCode::CREATED);
    // A member's word on the talk page is published at once.
    let talk = visitor
        .put_page("main", "Talk:Accueil", "Bonjour !\n", None)
        .await;
    assert_eq!(talk.status(), StatusCode::CREATED);
    // With no subject it is an ordinary page: a newcomer's edit waits.
    let spam = visitor
        .put_page("main", "Talk:Achetez_ici", "Promotion !\n", None)
        .await;
    assert_eq!(spam.status(), StatusCode::ACCEPTED);
    app.wait_for_index().await;
    let search = json_of(app.get("/api/v1/search?q=promotion").await).await;
    assert_eq!(search["total"], 0, "{search}");
    let feed = app.get("/feeds/changes.atom").await.text().await.unwrap();
    assert!(!feed.contains("Achetez"), "{feed}");
}
