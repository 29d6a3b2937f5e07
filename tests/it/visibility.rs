//! What is hidden stays hidden: members-only spaces need a membership
//! recorded there, pending text never reaches outsiders (not even inside a
//! conflict), the link graph counts only links a reader may see, and a
//! page with pending revisions only answers outsiders exactly as a missing
//! one does.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestApp, User, expect_problem, json_of, page_path};

async fn status_and_body(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    (status, json_of(response).await)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_only_children_need_a_membership_of_their_own() {
    let app = TestApp::spawn().await;
    let steward = app.user("steward").await; // steward of main
    let member = app.user("marc").await;
    steward.appoint("main", "marc", "contributor").await;
    steward
        .create_space(
            "conseil",
            Some("main"),
            json!({"visibility": "members", "join": "invite", "sanctions": {"ladder": ["ban"]}}),
        )
        .await;
    steward
        .create_space("atelier", Some("main"), json!({}))
        .await;
    steward
        .edit("conseil", "Ordre_du_jour", "Secret.\n", None)
        .await;

    // A member of main is not a member of the members-only child.
    let read = member.get(&page_path("conseil", "Ordre_du_jour")).await;
    expect_problem(read, StatusCode::NOT_FOUND, "not_found").await;
    let write = member.put_page("conseil", "Autre", "x\n", None).await;
    expect_problem(write, StatusCode::NOT_FOUND, "not_found").await;
    let join = member
        .send(Method::POST, "/api/v1/spaces/conseil/members", json!({}))
        .await;
    expect_problem(join, StatusCode::NOT_FOUND, "not_found").await;
    // ...but standing is still inherited by a public child.
    let published = member.put_page("atelier", "Outils", "x\n", None).await;
    assert_eq!(published.status(), StatusCode::CREATED);

    // Recorded in the child, they read and write there.
    steward.appoint("conseil", "marc", "contributor").await;
    assert_eq!(
        member
            .get(&page_path("conseil", "Ordre_du_jour"))
            .await
            .status(),
        StatusCode::OK
    );
    member.edit("conseil", "Autre", "x\n", None).await;

    // A ban ends reading too.
    let banned = steward
        .send(
            Method::POST,
            "/api/v1/spaces/conseil/sanctions",
            json!({"user": "marc", "reason": "fuites", "step": "ban"}),
        )
        .await;
    assert_eq!(
        banned.status(),
        StatusCode::CREATED,
        "{}",
        banned.text().await.unwrap()
    );
    let read = member.get(&page_path("conseil", "Ordre_du_jour")).await;
    expect_problem(read, StatusCode::NOT_FOUND, "not_found").await;
    // They still hear of what was done to them.
    let notifications = json_of(member.get("/api/v1/notifications").await).await;
    assert!(
        notifications["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["space"] == "conseil" && n["target"] == "user:marc"),
        "{notifications}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_members_only_space_with_open_joins_admits_those_who_ask() {
    let app = TestApp::spawn().await;
    let steward = app.user("steward").await;
    let reader = app.user("rita").await;
    steward
        .create_space(
            "club",
            Some("main"),
            json!({"visibility": "members", "join": "open"}),
        )
        .await;
    steward.edit("club", "Accueil", "Bienvenue.\n", None).await;
    expect_problem(
        reader.get(&page_path("club", "Accueil")).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let joined = reader
        .send(Method::POST, "/api/v1/spaces/club/members", json!({}))
        .await;
    assert_eq!(joined.status(), StatusCode::CREATED);
    assert_eq!(
        reader.get(&page_path("club", "Accueil")).await.status(),
        StatusCode::OK
    );
    // Anonymous readers still see nothing.
    expect_problem(
        app.get("/api/v1/spaces/club").await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

/// In `revue` (which exists, and where newcomers' edits wait for review),
/// a page published by the steward and a pending edit of it by a
/// newcomer. Returns (published revision, pending revision).
async fn published_and_pending(steward: &User<'_>, newcomer: &User<'_>) -> (u64, u64) {
    let published = steward.edit("revue", "Charte", "un\ndeux\n", None).await;
    let joined = newcomer
        .send(Method::POST, "/api/v1/spaces/revue/members", json!({}))
        .await;
    assert!(joined.status().is_success());
    let response = newcomer
        .put_page(
            "revue",
            "Charte",
            "secret en attente\ndeux\n",
            Some(published),
        )
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let pending = json_of(response).await["revision"]["id"].as_u64().unwrap();
    (published, pending)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pending_text_never_reaches_outsiders() {
    let app = TestApp::spawn().await;
    let steward = app.user("steward").await;
    let newcomer = app.user("nina").await;
    let outsider = app.user("omar").await;
    steward.create_space("revue", None, json!({})).await;
    let (published, pending) = published_and_pending(&steward, &newcomer).await;
    steward
        .edit("revue", "Charte", "UN\ndeux\n", Some(published))
        .await;

    // Naming the pending revision as a base, a revert target or a diff end:
    // the same answer as an id that does not exist, and never its text.
    let unknown = 999_999;
    for base in [pending, unknown] {
        let response = outsider
            .put_page("revue", "Charte", "uno\ndeux\n", Some(base))
            .await;
        let problem = expect_problem(response, StatusCode::BAD_REQUEST, "unknown_revision").await;
        assert_eq!(
            problem["detail"],
            format!("revision {base} is not a revision of \"Charte\"")
        );
        assert!(!problem.to_string().contains("secret"), "{problem}");
        let response = outsider
            .send(
                Method::POST,
                &format!("{}/revert", page_path("revue", "Charte")),
                json!({"to_revision": base}),
            )
            .await;
        expect_problem(response, StatusCode::BAD_REQUEST, "unknown_revision").await;
        let diff = app
            .get(&format!("{}/diff?to={base}", page_path("revue", "Charte")))
            .await;
        expect_problem(diff, StatusCode::BAD_REQUEST, "unknown_revision").await;
    }
    // A member may build on it (and gets the conflict with its text).
    let response = newcomer
        .put_page("revue", "Charte", "autre\ndeux\n", Some(pending))
        .await;
    let problem = expect_problem(response, StatusCode::CONFLICT, "edit_conflict").await;
    assert!(
        problem["merged"]
            .as_str()
            .unwrap()
            .contains("secret en attente")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_with_pending_revisions_only_looks_missing_to_outsiders() {
    let app = TestApp::spawn().await;
    let steward = app.user("steward").await;
    let newcomer = app.user("nina").await;
    let outsider = app.user("omar").await;
    steward.create_space("revue", None, json!({})).await;
    let joined = newcomer
        .send(Method::POST, "/api/v1/spaces/revue/members", json!({}))
        .await;
    assert!(joined.status().is_success());
    let response = newcomer
        .put_page("revue", "Brouillon", "en attente\n", None)
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let pending = json_of(response).await["revision"]["id"].as_u64().unwrap();
    let routes = |slug: &str| {
        let page = page_path("revue", slug);
        [
            page.clone(),
            format!("{page}/revisions"),
            format!("{page}/revisions/{pending}"),
            format!("{page}/diff?to={pending}"),
            format!("{page}/diff"),
            format!("{page}/backlinks"),
        ]
    };
    for reader in [None, Some(&outsider)] {
        for (hidden, missing) in routes("Brouillon").iter().zip(routes("Nulle_part")) {
            let (status, body) = status_and_body(app.get_as(reader, hidden).await).await;
            let (missing_status, missing_body) =
                status_and_body(app.get_as(reader, &missing).await).await;
            assert_eq!(status, 404, "{hidden}: {body}");
            assert_eq!(
                (status, body["code"].clone()),
                (missing_status, missing_body["code"].clone())
            );
            assert_eq!(
                body["detail"].as_str().unwrap().replace("Brouillon", "X"),
                missing_body["detail"]
                    .as_str()
                    .unwrap()
                    .replace("Nulle_part", "X"),
                "{hidden}"
            );
        }
    }
    // Members see it in its history.
    let history = json_of(
        newcomer
            .get(&format!("{}/revisions", page_path("revue", "Brouillon")))
            .await,
    )
    .await;
    assert_eq!(history["items"][0]["state"], "pending");

    // Nobody and a non-member answer the same too.
    let nobody = app.get("/api/v1/spaces/revue/members/personne").await;
    let not_member = app.get("/api/v1/spaces/revue/members/omar").await;
    let (a, b) = (
        expect_problem(nobody, StatusCode::NOT_FOUND, "not_found").await,
        expect_problem(not_member, StatusCode::NOT_FOUND, "not_found").await,
    );
    assert_eq!(
        a["detail"].as_str().unwrap().replace("personne", "X"),
        b["detail"].as_str().unwrap().replace("omar", "X")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_link_graph_counts_only_links_a_reader_may_see() {
    let app = TestApp::spawn().await;
    let steward = app.user("steward").await;
    let outsider = app.user("omar").await;
    steward.edit("main", "Publique", "Une page.\n", None).await;
    steward
        .create_space("coulisses", None, json!({"visibility": "members"}))
        .await;
    steward
        .edit(
            "coulisses",
            "Notes",
            "Voir [[main:Publique]] et [[main:Projet_secret]].\n",
            None,
        )
        .await;
    for reader in [None, Some(&outsider)] {
        let wanted = json_of(app.get_as(reader, "/api/v1/spaces/main/wanted").await).await;
        assert_eq!(wanted["items"], json!([]), "{wanted}");
        let orphans = json_of(app.get_as(reader, "/api/v1/spaces/main/orphans").await).await;
        assert_eq!(orphans["items"][0]["slug"], "Publique", "{orphans}");
        let path = format!("{}/backlinks", page_path("main", "Publique"));
        let backlinks = json_of(app.get_as(reader, &path).await).await;
        assert_eq!(backlinks["items"], json!([]), "{backlinks}");
    }
    // Its members see the links.
    let wanted = json_of(steward.get("/api/v1/spaces/main/wanted").await).await;
    assert_eq!(wanted["items"][0]["slug"], "Projet_secret", "{wanted}");
    let orphans = json_of(steward.get("/api/v1/spaces/main/orphans").await).await;
    assert_eq!(orphans["items"], json!([]), "{orphans}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watchers_outside_a_space_hear_only_of_published_changes() {
    let app = TestApp::spawn().await;
    let steward = app.user("steward").await;
    let newcomer = app.user("nina").await;
    let watcher = app.user("omar").await;
    let watch = watcher
        .request(Method::PUT, "/api/v1/watchlist/revue/Charte")
        .send()
        .await
        .unwrap();
    // The space does not exist yet: nothing to watch.
    expect_problem(watch, StatusCode::NOT_FOUND, "not_found").await;
    steward.create_space("revue", None, json!({})).await;
    let watch = watcher
        .request(Method::PUT, "/api/v1/watchlist/revue/Charte")
        .send()
        .await
        .unwrap();
    assert_eq!(watch.status(), StatusCode::NO_CONTENT);
    let (published, pending) = published_and_pending(&steward, &newcomer).await;
    let notifications = json_of(watcher.get("/api/v1/notifications").await).await;
    let revisions: Vec<&Value> = notifications["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| &n["revision"])
        .collect();
    assert!(revisions.contains(&&json!(published)), "{notifications}");
    assert!(!revisions.contains(&&json!(pending)), "{notifications}");
}
