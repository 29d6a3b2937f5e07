//! Every kind of bad request gets its status and problem+json code, never a
//! panic or a 500.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{TestApp, expect_problem, page_path};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_bodies() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let path = page_path("main", "Page");

    let cases: [(&[u8], &str); 6] = [
        (b"{\"markdown\": ", "malformed_json"),
        (b"not json", "malformed_json"),
        (b"", "malformed_json"),
        (b"{\"markdown\": \"caf\xe9\"}", "malformed_json"), // Latin-1, not UTF-8
        (b"{\"markdown\": 5}", "invalid_input"),
        (b"{\"summary\": \"no markdown\"}", "invalid_input"),
    ];
    for (body, code) in cases {
        let response = alice
            .request(Method::PUT, &path)
            .header("content-type", "application/json")
            .body(body.to_vec())
            .send()
            .await
            .unwrap();
        expect_problem(response, StatusCode::BAD_REQUEST, code).await;
    }
    let response = alice
        .send(
            Method::PUT,
            &path,
            json!({"markdown": "x", "base_revision": "one"}),
        )
        .await;
    let problem = expect_problem(response, StatusCode::BAD_REQUEST, "invalid_input").await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("base_revision"),
        "{problem}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_over_the_limit() {
    let app = TestApp::spawn_with(|config| config.limits.max_page_bytes = 4096).await;
    let alice = app.user("alice").await;

    // Over the page limit but within the body limit: the service refuses.
    let response = alice.put_page("main", "Big", &"é".repeat(2049), None).await;
    expect_problem(response, StatusCode::PAYLOAD_TOO_LARGE, "too_large").await;
    // Over the body limit: refused before parsing.
    let response = alice
        .put_page("main", "Big", &"a".repeat(200_000), None)
        .await;
    expect_problem(response, StatusCode::PAYLOAD_TOO_LARGE, "too_large").await;
    // Other endpoints take small bodies only.
    let response = app
        .send(
            Method::POST,
            "/api/v1/accounts",
            json!({"username": "x".repeat(100_000), "password": "p"}),
        )
        .await;
    expect_problem(response, StatusCode::PAYLOAD_TOO_LARGE, "too_large").await;
    // At the limit: fine.
    let response = alice.put_page("main", "Big", &"a".repeat(4096), None).await;
    assert_eq!(response.status(), StatusCode::CREATED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_routes_pages_and_methods() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    expect_problem(
        app.get("/api/v1/nowhere").await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    // Outside the API, browsers get a page (see `web.rs`).
    let page = app.get("/nowhere").await;
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    expect_problem(
        app.get("/api/v1/spaces/main/pages/Nothing_here").await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    expect_problem(
        app.get("/api/v1/spaces/nowhere/pages/Page").await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    alice.edit("main", "Page", "text\n", None).await;
    expect_problem(
        app.get("/api/v1/spaces/main/pages/Page/revisions/999")
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let response = alice
        .request(Method::PATCH, &page_path("main", "Page"))
        .send()
        .await
        .unwrap();
    expect_problem(
        response,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    )
    .await;
    let response = app
        .request(Method::DELETE, "/api/v1/accounts")
        .send()
        .await
        .unwrap();
    expect_problem(
        response,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stale_and_missing_bases() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let first = alice.edit("main", "Page", "one\n", None).await;

    // An existing page needs a base.
    let response = alice.put_page("main", "Page", "two\n", None).await;
    let problem = expect_problem(response, StatusCode::PRECONDITION_REQUIRED, "missing_base").await;
    assert_eq!(problem["head_revision"], first);

    // A stale base whose changes overlap the head's: 409 with markers.
    let second = alice.edit("main", "Page", "two\n", Some(first)).await;
    let response = alice.put_page("main", "Page", "three\n", Some(first)).await;
    let problem = expect_problem(response, StatusCode::CONFLICT, "edit_conflict").await;
    assert_eq!(problem["head_revision"], second);
    let merged = problem["merged"].as_str().unwrap();
    assert!(merged.contains("<<<<<<<") && merged.contains("two\n") && merged.contains("three\n"));

    // A stale If-Match is a stale base too.
    let response = alice
        .request(Method::PUT, &page_path("main", "Page"))
        .header("if-match", format!("\"{first}\""))
        .json(&json!({"markdown": "four\n"}))
        .send()
        .await
        .unwrap();
    expect_problem(response, StatusCode::CONFLICT, "edit_conflict").await;

    // A base that is not a revision of this page.
    alice.edit("main", "Other", "other\n", None).await;
    let response = alice.put_page("main", "Other", "x\n", Some(first)).await;
    expect_problem(response, StatusCode::BAD_REQUEST, "unknown_revision").await;
    let response = alice.put_page("main", "Other", "x\n", Some(10_000)).await;
    expect_problem(response, StatusCode::BAD_REQUEST, "unknown_revision").await;
    let response = app
        .get(&format!("{}/diff?from=10000", page_path("main", "Page")))
        .await;
    expect_problem(response, StatusCode::BAD_REQUEST, "unknown_revision").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_or_bad_credentials() {
    let app = TestApp::spawn().await;
    app.user("alice").await;
    let path = page_path("main", "Page");
    let response = app.send(Method::PUT, &path, json!({"markdown": "x"})).await;
    let www = response.headers().get("www-authenticate").cloned();
    expect_problem(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    assert!(www.is_some());
    let response = app
        .request(Method::PUT, &path)
        .bearer_auth("ost_s_not-a-real-token")
        .json(&json!({"markdown": "x"}))
        .send()
        .await
        .unwrap();
    expect_problem(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    let response = app
        .request(Method::PUT, &path)
        .header("authorization", "Basic YWxpY2U6eA==")
        .json(&json!({"markdown": "x"}))
        .send()
        .await
        .unwrap();
    expect_problem(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    let response = app
        .send(
            Method::POST,
            "/api/v1/sessions",
            json!({"username": "alice", "password": "wrong password"}),
        )
        .await;
    expect_problem(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    expect_problem(
        app.get("/api/v1/me").await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_titles() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let too_long = "é".repeat(128); // 256 bytes
    // ("." and "..": clients resolve them away before sending; see the unit tests.)
    for raw in ["a%2Fb", "tab%09here", "nul%00", "%20", "_", &too_long] {
        let response = alice
            .send(
                Method::PUT,
                &format!("/api/v1/spaces/main/pages/{raw}"),
                json!({"markdown": "x"}),
            )
            .await;
        expect_problem(response, StatusCode::BAD_REQUEST, "invalid_input").await;
    }
    // Bad percent-encoding of UTF-8 in the path.
    let response = alice
        .send(
            Method::PUT,
            "/api/v1/spaces/main/pages/caf%E9",
            json!({"markdown": "x"}),
        )
        .await;
    expect_problem(response, StatusCode::BAD_REQUEST, "invalid_input").await;
    let response = alice
        .send(
            Method::POST,
            &format!("{}/move", page_path("main", "Nope")),
            json!({"to": "a/b"}),
        )
        .await;
    expect_problem(response, StatusCode::BAD_REQUEST, "invalid_input").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_of_accounts() {
    let app = TestApp::spawn().await;
    app.user("Éloïse").await;
    for (username, password, code) in [
        ("ÉLOÏSE", "long enough", "username_taken"),
        ("E\u{301}loi\u{308}se", "long enough", "username_taken"),
    ] {
        let response = app
            .send(
                Method::POST,
                "/api/v1/accounts",
                json!({"username": username, "password": password}),
            )
            .await;
        expect_problem(response, StatusCode::CONFLICT, code).await;
    }
    for (username, password) in [
        ("bob", "short"),
        ("bob", &"x".repeat(1025)),
        ("a b", "long enough"),
        ("", "long enough"),
    ] {
        let response = app
            .send(
                Method::POST,
                "/api/v1/accounts",
                json!({"username": username, "password": password}),
            )
            .await;
        expect_problem(response, StatusCode::BAD_REQUEST, "invalid_input").await;
    }
}
