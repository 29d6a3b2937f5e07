//! What may this viewer do here: pages and spaces answer, action by
//! action, what the engine would say, with the code and rule of a refusal.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestApp, json_of, page_path};

fn decision(actions: &Value, action: &str) -> (String, Option<String>) {
    let action = &actions[action];
    (
        action["decision"]
            .as_str()
            .unwrap_or_else(|| panic!("{actions}"))
            .to_owned(),
        action["code"].as_str().map(str::to_owned),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_and_spaces_say_what_each_viewer_may_do() {
    let app = TestApp::spawn().await;
    let steward = app.user("stella").await;
    let newcomer = app.user("nina").await;
    let first = steward.edit("main", "Accueil", "Bienvenue.\n", None).await;
    let joined = newcomer
        .send(Method::POST, "/api/v1/spaces/main/members", json!({}))
        .await;
    assert_eq!(joined.status(), StatusCode::CREATED);
    let pending = newcomer
        .put_page("main", "Accueil", "Bienvenue à tous.\n", Some(first))
        .await;
    assert_eq!(pending.status(), StatusCode::ACCEPTED);

    let path = page_path("main", "Accueil");
    let anonymous = json_of(app.get(&path).await).await["actions"].clone();
    assert_eq!(
        decision(&anonymous, "edit"),
        ("deny".into(), Some("unauthenticated".into()))
    );

    let as_newcomer = json_of(newcomer.get(&path).await).await["actions"].clone();
    assert_eq!(decision(&as_newcomer, "edit").0, "queue", "{as_newcomer}");
    assert!(
        as_newcomer["edit"]["rule"]
            .as_str()
            .unwrap()
            .contains("reviewed")
    );
    assert_eq!(
        decision(&as_newcomer, "move"),
        ("deny".into(), Some("forbidden".into()))
    );
    // Their own pending revision: the charter does not let them approve it.
    assert_eq!(
        decision(&as_newcomer, "review"),
        ("deny".into(), Some("self_approval".into()))
    );
    assert_eq!(decision(&as_newcomer, "talk").0, "allow");

    let as_steward = json_of(steward.get(&path).await).await["actions"].clone();
    for action in ["edit", "move", "review", "dispute", "talk"] {
        assert_eq!(
            decision(&as_steward, action).0,
            "allow",
            "{action}: {as_steward}"
        );
    }

    let space = json_of(newcomer.get("/api/v1/spaces/main").await).await["actions"].clone();
    assert_eq!(
        decision(&space, "appoint"),
        ("deny".into(), Some("forbidden".into()))
    );
    assert_eq!(decision(&space, "see_queue").0, "allow");
    assert_eq!(decision(&space, "create_page").0, "queue");
    let space = json_of(steward.get("/api/v1/spaces/main").await).await["actions"].clone();
    assert_eq!(decision(&space, "appoint").0, "allow");
    assert_eq!(decision(&space, "mass_rollback").0, "allow");
    let space = json_of(app.get("/api/v1/spaces/main").await).await["actions"].clone();
    assert_eq!(
        decision(&space, "join"),
        ("deny".into(), Some("unauthenticated".into()))
    );
}
