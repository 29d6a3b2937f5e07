//! The README's curl walkthrough, step by step: register, log in, create a
//! page, edit it, read its history and a diff, revert.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readme_walkthrough() {
    let app = TestApp::spawn().await;

    // Register: the first account is the instance's administrator.
    let response = app
        .send(
            Method::POST,
            "/api/v1/accounts",
            json!({"username": "camille", "password": "un mot de passe"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let account: Value = response.json().await.unwrap();
    assert_eq!(account["username"], "camille");
    assert_eq!(account["is_admin"], true);

    // Log in: a bearer token and a session cookie.
    let response = app
        .send(
            Method::POST,
            "/api/v1/sessions",
            json!({"username": "camille", "password": "un mot de passe"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let session: Value = response.json().await.unwrap();
    let token = session["token"].as_str().unwrap().to_owned();

    // Create a page.
    let page = "/api/v1/spaces/main/pages/Économie_sociale";
    let first = "# Économie sociale\n\nUne économie au service des personnes.\n";
    let response = app
        .request(Method::PUT, page)
        .bearer_auth(&token)
        .json(&json!({"markdown": first, "summary": "première version"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers()["etag"], "\"1\"");
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["revision"]["id"], 1);
    assert_eq!(created["revision"]["state"], "published");

    // Edit it, naming the revision edited.
    let second =
        "# Économie sociale\n\nUne économie au service des personnes et des territoires.\n";
    let response = app
        .request(Method::PUT, page)
        .bearer_auth(&token)
        .json(&json!({"markdown": second, "summary": "territoires", "base_revision": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let edited: Value = response.json().await.unwrap();
    assert_eq!(edited["revision"]["id"], 2);

    // Read it back.
    let current: Value = app.get(page).await.json().await.unwrap();
    assert_eq!(current["markdown"], second);
    assert_eq!(current["title"], "Économie sociale");
    assert_eq!(current["revision"]["author"], "camille");

    // History, newest first.
    let history: Value = app
        .get(&format!("{page}/revisions"))
        .await
        .json()
        .await
        .unwrap();
    let ids: Vec<u64> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, [2, 1]);
    assert_eq!(history["items"][0]["summary"], "territoires");
    assert_eq!(history["items"][0]["parent"], 1);

    // The diff between them.
    let diff: Value = app
        .get(&format!("{page}/diff?from=1&to=2"))
        .await
        .json()
        .await
        .unwrap();
    let unified = diff["unified"].as_str().unwrap();
    assert!(
        unified.contains("-Une économie au service des personnes.\n"),
        "{unified}"
    );
    assert!(unified.contains("+Une économie au service des personnes et des territoires.\n"));
    assert_eq!(diff["hunks"].as_array().unwrap().len(), 1);

    // Revert to the first revision: a new revision with the old text.
    let response = app
        .request(Method::POST, &format!("{page}/revert"))
        .bearer_auth(&token)
        .json(&json!({"to_revision": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let reverted: Value = response.json().await.unwrap();
    assert_eq!(reverted["revision"]["id"], 3);
    assert_eq!(reverted["revision"]["kind"], "revert");
    let current: Value = app.get(page).await.json().await.unwrap();
    assert_eq!(current["markdown"], first);

    // Recent changes show all three, newest first.
    let changes: Value = app
        .get("/api/v1/changes?space=main")
        .await
        .json()
        .await
        .unwrap();
    let kinds: Vec<&str> = changes["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["revert", "edit", "create"]);
    app.stop().await;
}
