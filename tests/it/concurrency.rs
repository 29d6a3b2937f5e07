//! Fifty contributors edit one page from the same base at once. Each answer
//! is either a success (merged three-way) or 409, never a lost update.

use std::collections::BTreeSet;

use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::Value;

use crate::support::{TestApp, page_path};

/// 150 lines; writer `i` rewrites line `3 * i`, so edits are apart.
fn base_text() -> String {
    (0..150).map(|n| format!("ligne {n}\n")).collect()
}

fn edited_by(writer: usize) -> String {
    let mut lines: Vec<String> = (0..150).map(|n| format!("ligne {n}\n")).collect();
    lines[3 * writer] = format!("ligne {} écrite par {writer}\n", 3 * writer);
    lines.concat()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_edits_from_one_base() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let base = alice.edit("main", "Commun", &base_text(), None).await;

    let edits = (0..50).map(|writer| {
        let alice = &alice;
        async move {
            let response = alice
                .put_page("main", "Commun", &edited_by(writer), Some(base))
                .await;
            let status = response.status();
            let body: Value = response.json().await.unwrap();
            (writer, status, body)
        }
    });
    let outcomes = join_all(edits).await;

    let mut acknowledged = BTreeSet::new();
    let mut landed_writers = Vec::new();
    for (writer, status, body) in &outcomes {
        match *status {
            s if s.is_success() => {
                acknowledged.insert(body["revision"]["id"].as_u64().unwrap());
                landed_writers.push(*writer);
            }
            StatusCode::CONFLICT => assert_eq!(body["code"], "edit_conflict"),
            other => panic!("writer {writer}: unexpected {other} {body}"),
        }
    }
    assert!(
        acknowledged.len() > 1,
        "merging should let several edits land"
    );

    let history: Value = app
        .get(&format!(
            "{}/revisions?limit=500",
            page_path("main", "Commun")
        ))
        .await
        .json()
        .await
        .unwrap();
    let in_history: BTreeSet<u64> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_u64().unwrap())
        .collect();
    assert!(acknowledged.is_subset(&in_history));
    assert_eq!(in_history.len(), acknowledged.len() + 1);

    // Every acknowledged edit is in the final text: nothing was overwritten.
    let page: Value = app
        .get(&page_path("main", "Commun"))
        .await
        .json()
        .await
        .unwrap();
    let text = page["markdown"].as_str().unwrap();
    for writer in landed_writers {
        assert!(
            text.contains(&format!("écrite par {writer}\n")),
            "writer {writer} lost"
        );
    }
}
