//! A restart on the same data folder keeps pages, history and sessions.

use reqwest::Method;
use serde_json::Value;

use crate::support::{TestApp, page_path};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_history_and_sessions_survive_a_restart() {
    let data = tempfile::tempdir().unwrap();
    let (token, revisions) = {
        let app = TestApp::spawn_on(data.path()).await;
        let alice = app.user("alice").await;
        let mut revisions = Vec::new();
        let mut head = None;
        for n in 0..5 {
            let text = format!("# Révision {n}\n\nÀ bientôt.\n");
            let id = alice.edit("main", "Journal", &text, head).await;
            revisions.push((id, text));
            head = Some(id);
        }
        alice.edit("main", "Autre page", "autre\n", None).await;
        let token = alice.token.clone();
        app.stop().await;
        (token, revisions)
    };

    let app = TestApp::spawn_on(data.path()).await;
    let page: Value = app
        .get(&page_path("main", "Journal"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["markdown"], revisions.last().unwrap().1);
    for (id, text) in &revisions {
        let revision: Value = app
            .get(&format!("{}/revisions/{id}", page_path("main", "Journal")))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(revision["markdown"], *text);
    }
    let listing: Value = app
        .get("/api/v1/spaces/main/pages")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listing["items"].as_array().unwrap().len(), 2);

    // The session is stored, so it still works; ids keep increasing.
    let response = app
        .request(Method::GET, "/api/v1/me")
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let alice = crate::support::User { app: &app, token };
    let head = revisions.last().unwrap().0;
    let next = alice
        .edit("main", "Journal", "après redémarrage\n", Some(head))
        .await;
    assert!(next > head + 1);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_of_an_unknown_format_is_refused() {
    let data = tempfile::tempdir().unwrap();
    TestApp::spawn_on(data.path()).await.stop().await;
    // Forge a store from the future.
    {
        let db = sled::open(data.path().join("store")).unwrap();
        db.open_tree("meta")
            .unwrap()
            .insert("format_version", &99u32.to_be_bytes())
            .unwrap();
        db.flush().unwrap();
    }
    let config = crate::support::test_config(data.path());
    let error = match ostrom::server::start(config, std::future::pending()).await {
        Ok(_) => panic!("a store of format 99 must be refused"),
        Err(error) => error.to_string(),
    };
    assert!(error.contains("format version 99"), "{error}");
    assert!(
        error.contains(&format!("reads version {}", ostrom::store::FORMAT_VERSION)),
        "{error}"
    );
}
