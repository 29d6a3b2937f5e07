//! Every list pages the same way: each route of the OpenAPI document whose
//! answer is a `Listing` is walked one item at a time, following
//! `next_cursor` to the end, and must give the same items as one big page.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestApp, User, json_of};

/// A space with two or more of everything a list shows.
async fn a_busy_space(app: &TestApp) -> User<'_> {
    let stella = app.user("stella").await; // steward of main, administrator
    let charter = json!({
        "sanctions": { "ladder": ["warning", "ban"], "decay": "1d" },
        "votes": { "charter_change": { "eligible_min": "newcomer", "quorum": 1.0, "threshold": 0.5, "duration": "30d" } }
    });
    stella.create_space("club", None, charter).await;
    stella
        .create_space("atelier", Some("club"), json!({}))
        .await;
    let mut members = Vec::new();
    for name in ["ana", "bob", "carl"] {
        let member = app.user(name).await;
        let joined = member
            .send(Method::POST, "/api/v1/spaces/club/members", json!({}))
            .await;
        assert_eq!(joined.status(), StatusCode::CREATED);
        members.push(member);
    }
    for slug in ["Accueil", "Agenda"] {
        let watched = stella
            .request(Method::PUT, &format!("/api/v1/watchlist/club/{slug}"))
            .send()
            .await
            .unwrap();
        assert_eq!(watched.status(), StatusCode::NO_CONTENT);
    }
    let first = stella
        .edit(
            "club",
            "Accueil",
            "Voir [[Agenda]], [[Budget]], [[Manquante]].\n",
            None,
        )
        .await;
    let second = stella
        .edit(
            "club",
            "Accueil",
            "Voir [[Agenda]], [[Budget]], [[Manquante]], [[Absente]].\n",
            Some(first),
        )
        .await;
    stella
        .edit("club", "Agenda", "Voir [[Budget]].\n", None)
        .await;
    stella.edit("club", "Budget", "Chiffres.\n", None).await;
    stella.edit("club", "Zeta", "Seule.\n", None).await;
    // Newcomers' edits wait for review (and tell the watcher).
    for (member, text) in members.iter().zip(["Bonjour.\n", "Salut.\n"]) {
        let response = member.put_page("club", "Accueil", text, Some(second)).await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);
    }
    for title in ["Une", "Deux"] {
        let body = json!({"kind": "charter_change", "title": title,
            "payload": {"patch": {"edit": {"approvals_required": 2}}}});
        let opened = stella
            .send(Method::POST, "/api/v1/spaces/club/proposals", body)
            .await;
        assert_eq!(opened.status(), StatusCode::CREATED);
    }
    for name in ["ana", "bob"] {
        let reported = stella
            .send(
                Method::POST,
                "/api/v1/spaces/club/reports",
                json!({"user": name, "reason": "bruit"}),
            )
            .await;
        assert_eq!(reported.status(), StatusCode::CREATED);
        let sanctioned = stella
            .send(
                Method::POST,
                "/api/v1/spaces/club/sanctions",
                json!({"user": name, "reason": "bruit"}),
            )
            .await;
        assert_eq!(sanctioned.status(), StatusCode::CREATED);
    }
    for slug in ["Agenda", "Budget"] {
        let path = format!("/api/v1/spaces/club/pages/{slug}/disputes");
        let disputed = stella
            .send(Method::POST, &path, json!({"reason": "faux"}))
            .await;
        assert_eq!(disputed.status(), StatusCode::CREATED);
    }
    for name in ["robot", "script"] {
        stella.api_token(name).await;
    }
    app.wait_for_index().await;
    stella
}

/// A concrete URL for a path of the document.
fn concrete(path: &str) -> String {
    let slug = if path.ends_with("/backlinks") {
        "Budget"
    } else {
        "Accueil"
    };
    let path = path.replace("{space}", "club").replace("{slug}", slug);
    if path == "/api/v1/suggest" {
        format!("{path}?q=a&")
    } else {
        format!("{path}?")
    }
}

async fn get(who: &User<'_>, url: &str) -> Value {
    let response = who.get(url).await;
    assert_eq!(response.status(), StatusCode::OK, "{url}");
    json_of(response).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_list_pages_with_cursors_to_the_end() {
    let app = TestApp::spawn().await;
    let stella = a_busy_space(&app).await;
    let document = get(&stella, "/api/v1/openapi.json").await;
    let mut walked = Vec::new();
    for (path, operations) in document["paths"].as_object().unwrap() {
        let schema =
            &operations["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"];
        if !schema.as_str().is_some_and(|s| s.contains("/Listing_")) {
            continue;
        }
        let base = concrete(path);
        let whole = get(&stella, &format!("{base}limit=500")).await;
        if path == "/api/v1/suggest" {
            // A short list of one page: the limit cuts it, no cursor follows.
            let first = get(&stella, &format!("{base}limit=1")).await;
            assert_eq!(
                first["items"],
                json!(whole["items"].as_array().unwrap()[..1])
            );
            assert_eq!(first["next_cursor"], Value::Null);
            walked.push(path.clone());
            continue;
        }
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..200 {
            let mut url = format!("{base}limit=1");
            if let Some(cursor) = &cursor {
                url.push_str("&cursor=");
                url.push_str(&crate::support::encode(cursor));
            }
            let page = get(&stella, &url).await;
            let on_page = page["items"].as_array().unwrap();
            assert!(on_page.len() <= 1, "{url}: {page}");
            items.extend(on_page.iter().cloned());
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break,
            }
            assert!(!on_page.is_empty(), "{url}: an empty page before the end");
        }
        assert_eq!(json!(items), whole["items"], "{path}: walked one by one");
        assert_eq!(whole["next_cursor"], Value::Null, "{path}");
        assert!(
            items.len() >= 2,
            "{path} has {} items: set it up better",
            items.len()
        );
        walked.push(path.clone());
    }
    assert!(walked.len() >= 18, "{walked:?}");
    for listed in [
        "/api/v1/spaces",
        "/api/v1/spaces/{space}/members",
        "/api/v1/spaces/{space}/reviews",
        "/api/v1/spaces/{space}/proposals",
        "/api/v1/spaces/{space}/reports",
        "/api/v1/spaces/{space}/sanctions",
        "/api/v1/spaces/{space}/disputes",
        "/api/v1/suggest",
        "/api/v1/tokens",
        "/api/v1/watchlist",
    ] {
        assert!(
            walked.iter().any(|p| p == listed),
            "{listed} was not walked"
        );
    }
    // A limit out of range is refused, the same everywhere.
    for path in &walked {
        let url = format!("{}limit=0", concrete(path));
        let response = stella.get(&url).await;
        crate::support::expect_problem(response, StatusCode::BAD_REQUEST, "invalid_input").await;
    }
}
