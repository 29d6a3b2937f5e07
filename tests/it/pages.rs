//! Pages over HTTP: titles and slugs, delete and restore, moves, history and
//! list pagination, ETags, recent changes.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestApp, expect_problem, page_path};

async fn json_of(response: reqwest::Response) -> Value {
    response.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn titles_normalise_to_one_page_per_nfc_slug() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let response = alice
        .put_page("main", "Économie sociale", "accentué\n", None)
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(json_of(response).await["slug"], "Économie_sociale");

    // Without the accent it is another page.
    let response = alice
        .put_page("main", "Economie_sociale", "sans accent\n", None)
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);

    // NFD spelling, raw or percent-encoded, finds the NFC page.
    for path in [
        page_path("main", "E\u{301}conomie_sociale"),
        "/api/v1/spaces/main/pages/E%CC%81conomie%20sociale".to_owned(),
    ] {
        let page = json_of(app.get(&path).await).await;
        assert_eq!(page["markdown"], "accentué\n", "{path}");
        assert_eq!(page["slug"], "Économie_sociale");
    }
    let listing = json_of(app.get("/api/v1/spaces/main/pages").await).await;
    let slugs: Vec<&str> = listing["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, ["Economie_sociale", "Économie_sociale"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deletion_is_a_revision_that_revert_restores() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let first = alice.edit("main", "Page", "contenu\n", None).await;
    let response = alice
        .send(
            Method::DELETE,
            &page_path("main", "Page"),
            json!({"base_revision": first, "summary": "doublon"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let deleted = json_of(response).await["revision"]["id"].as_u64().unwrap();

    let problem = expect_problem(
        app.get(&page_path("main", "Page")).await,
        StatusCode::GONE,
        "deleted",
    )
    .await;
    assert_eq!(problem["revision"], deleted);
    // Deleting again: still gone.
    let response = alice
        .request(Method::DELETE, &page_path("main", "Page"))
        .header("if-match", format!("\"{deleted}\""))
        .send()
        .await
        .unwrap();
    expect_problem(response, StatusCode::GONE, "deleted").await;
    // History still answers, and the page is out of the list.
    let history = json_of(
        app.get(&format!("{}/revisions", page_path("main", "Page")))
            .await,
    )
    .await;
    assert_eq!(history["items"][0]["kind"], "delete");
    assert_eq!(history["items"][0]["summary"], "doublon");
    let listing = json_of(app.get("/api/v1/spaces/main/pages").await).await;
    assert_eq!(listing["items"], json!([]));

    let response = alice
        .request(
            Method::POST,
            &format!("{}/revert", page_path("main", "Page")),
        )
        .json(&json!({"to_revision": first}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let page = json_of(app.get(&page_path("main", "Page")).await).await;
    assert_eq!(page["markdown"], "contenu\n");
    assert_eq!(page["revision"]["reverted_to"], first);

    // A deletion with a stale base is a conflict, not a silent loss.
    let head = page["revision"]["id"].as_u64().unwrap();
    alice
        .edit("main", "Page", "contenu modifié\n", Some(head))
        .await;
    let response = alice
        .send(
            Method::DELETE,
            &page_path("main", "Page"),
            json!({"base_revision": head}),
        )
        .await;
    expect_problem(response, StatusCode::CONFLICT, "edit_conflict").await;
    let response = alice
        .request(Method::DELETE, &page_path("main", "Page"))
        .send()
        .await
        .unwrap();
    expect_problem(response, StatusCode::PRECONDITION_REQUIRED, "missing_base").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moves_leave_a_redirect() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let first = alice.edit("main", "Ancien titre", "texte\n", None).await;
    let response = alice
        .request(
            Method::POST,
            &format!("{}/move", page_path("main", "Ancien_titre")),
        )
        .json(&json!({"to": "Nouveau titre"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let moved = json_of(response).await;
    assert_eq!(moved["slug"], "Nouveau_titre");
    assert_eq!(moved["revision"]["kind"], "move");

    let page = json_of(app.get(&page_path("main", "Ancien_titre")).await).await;
    assert_eq!(page["redirected_from"], "Ancien_titre");
    assert_eq!(page["slug"], "Nouveau_titre");
    assert_eq!(page["title"], "Nouveau titre");
    assert_eq!(page["markdown"], "texte\n");
    let page = json_of(app.get(&page_path("main", "Nouveau_titre")).await).await;
    assert!(page.get("redirected_from").is_none());

    // History follows the page.
    let history = json_of(
        app.get(&format!("{}/revisions", page_path("main", "Nouveau_titre")))
            .await,
    )
    .await;
    assert_eq!(history["items"].as_array().unwrap().len(), 2);
    assert_eq!(history["items"][1]["id"], first);

    // An edit with a base through the old slug lands on the page.
    let head = page["revision"]["id"].as_u64().unwrap();
    let response = alice
        .put_page("main", "Ancien_titre", "texte revu\n", Some(head))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(json_of(response).await["slug"], "Nouveau_titre");

    // Moving onto an existing page is refused.
    alice.edit("main", "Occupé", "déjà là\n", None).await;
    let response = alice
        .request(
            Method::POST,
            &format!("{}/move", page_path("main", "Nouveau_titre")),
        )
        .json(&json!({"to": "Occupé"}))
        .send()
        .await
        .unwrap();
    expect_problem(response, StatusCode::CONFLICT, "page_exists").await;

    // The old slug is free for a new page.
    let response = alice
        .put_page("main", "Ancien_titre", "une autre page\n", None)
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let page = json_of(app.get(&page_path("main", "Ancien_titre")).await).await;
    assert_eq!(page["markdown"], "une autre page\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_and_lists_paginate_with_cursors() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let mut head = None;
    let mut ids = Vec::new();
    for n in 0..7 {
        let id = alice
            .edit("main", "Page", &format!("version {n}\n"), head)
            .await;
        ids.push(id);
        head = Some(id);
    }
    ids.reverse();
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("{}/revisions?limit=3", page_path("main", "Page"));
        if let Some(cursor) = &cursor {
            path.push_str(&format!("&cursor={cursor}"));
        }
        let listing = json_of(app.get(&path).await).await;
        seen.extend(
            listing["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_u64().unwrap()),
        );
        match listing["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, ids);

    for n in 0..5 {
        alice.edit("main", &format!("P{n}"), "x\n", None).await;
    }
    let first = json_of(app.get("/api/v1/spaces/main/pages?limit=4").await).await;
    let next = first["next_cursor"].as_str().unwrap();
    let second = json_of(
        app.get(&format!("/api/v1/spaces/main/pages?limit=4&cursor={next}"))
            .await,
    )
    .await;
    let slugs: Vec<&str> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["items"].as_array().unwrap())
        .map(|p| p["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, ["P0", "P1", "P2", "P3", "P4", "Page"]);
    for bad in ["limit=0", "limit=501", "limit=abc", "cursor=xyz"] {
        let response = app
            .get(&format!("{}/revisions?{bad}", page_path("main", "Page")))
            .await;
        expect_problem(response, StatusCode::BAD_REQUEST, "invalid_input").await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn etags_and_conditional_requests() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let first = alice.edit("main", "Page", "un\n", None).await;
    let response = app.get(&page_path("main", "Page")).await;
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    assert!(etag.starts_with(&format!("\"{first}.")), "{etag}");
    let response = app
        .request(Method::GET, &page_path("main", "Page"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
    // If-Match names the base.
    let response = alice
        .request(Method::PUT, &page_path("main", "Page"))
        .header("if-match", &etag)
        .json(&json!({"markdown": "deux\n"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let response = app
        .request(Method::GET, &page_path("main", "Page"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_etag_changes_when_a_red_link_turns_blue() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    alice
        .edit("main", "Source", "Voir [[Cible]].\n", None)
        .await;
    let before = app.get(&page_path("main", "Source")).await;
    let etag = before.headers()["etag"].to_str().unwrap().to_owned();
    let html = json_of(before).await["html"].as_str().unwrap().to_owned();
    assert!(html.contains("wikilink new"), "{html}");
    // Asked again, the same bytes: the same validator, and 304.
    let again = app.get(&page_path("main", "Source")).await;
    assert_eq!(again.headers()["etag"], etag.as_str());
    alice.edit("main", "Cible", "Me voici.\n", None).await;
    // The revision is the same, the html is not: the old ETag gets 200.
    let response = app
        .request(Method::GET, &page_path("main", "Source"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let new_etag = response.headers()["etag"].to_str().unwrap().to_owned();
    assert_ne!(new_etag, etag);
    let html = json_of(response).await["html"].as_str().unwrap().to_owned();
    assert!(!html.contains("wikilink new"), "{html}");
    // The new ETag still names the revision for If-Match.
    let page = json_of(app.get(&page_path("main", "Source")).await).await;
    let edited = alice
        .request(Method::PUT, &page_path("main", "Source"))
        .header("if-match", &new_etag)
        .json(&json!({"markdown": "Voir [[Cible]] encore.\n"}))
        .send()
        .await
        .unwrap();
    assert_eq!(edited.status(), StatusCode::OK);
    assert_eq!(
        json_of(edited).await["revision"]["parent"],
        page["revision"]["id"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_op_edits_are_revisions_too() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let first = alice.edit("main", "Page", "même texte\n", None).await;
    let second = alice
        .edit("main", "Page", "même texte\n", Some(first))
        .await;
    assert!(second > first);
    let diff = json_of(
        app.get(&format!("{}/diff", page_path("main", "Page")))
            .await,
    )
    .await;
    assert_eq!(diff["from"], first);
    assert_eq!(diff["to"], second);
    assert_eq!(diff["hunks"], json!([]));
    let revision = json_of(
        app.get(&format!("{}/revisions/{second}", page_path("main", "Page")))
            .await,
    )
    .await;
    assert_eq!(revision["markdown"], "même texte\n");
    assert_eq!(revision["bytes"], "même texte\n".len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recent_changes_filter_and_paginate() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    alice.appoint("main", "bob", "contributor").await;
    let a = alice.edit("main", "A", "a\n", None).await;
    let b = bob.edit("main", "B", "b\n", None).await;
    alice.edit("main", "A", "a2\n", Some(a)).await;
    bob.edit("main", "B", "b2\n", Some(b)).await;

    let by_bob = json_of(app.get("/api/v1/changes?user=BOB").await).await;
    let items = by_bob["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert!(
        items
            .iter()
            .all(|c| c["actor"] == "bob" && c["slug"] == "B")
    );
    assert_eq!(items[0]["kind"], "edit");
    assert_eq!(items[1]["kind"], "create");

    let all = json_of(app.get("/api/v1/changes?limit=3").await).await;
    assert_eq!(all["items"].as_array().unwrap().len(), 3);
    let cursor = all["next_cursor"].as_str().unwrap();
    let rest = json_of(
        app.get(&format!("/api/v1/changes?limit=3&cursor={cursor}"))
            .await,
    )
    .await;
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);
    assert_eq!(rest["next_cursor"], Value::Null);

    let newest_seq = all["items"][0]["seq"].as_u64().unwrap();
    let since = json_of(
        app.get(&format!("/api/v1/changes?since={}", newest_seq - 1))
            .await,
    )
    .await;
    assert_eq!(since["items"].as_array().unwrap().len(), 1);
    let published = json_of(app.get("/api/v1/changes?state=published&space=main").await).await;
    assert_eq!(published["items"].as_array().unwrap().len(), 4);
    let pending = json_of(app.get("/api/v1/changes?state=pending").await).await;
    assert_eq!(pending["items"], json!([]));
    expect_problem(
        app.get("/api/v1/changes?space=nowhere").await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    expect_problem(
        app.get("/api/v1/changes?since=yesterday").await,
        StatusCode::BAD_REQUEST,
        "invalid_input",
    )
    .await;
    expect_problem(
        app.get("/api/v1/changes?state=lost").await,
        StatusCode::BAD_REQUEST,
        "invalid_input",
    )
    .await;
}
