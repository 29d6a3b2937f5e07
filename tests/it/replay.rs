//! Real histories: hundreds of tldr pages replayed revision by revision
//! through the API (see ../shared/data/README.md). Afterwards every page has
//! the source's number of revisions, each byte-identical, and each diff's
//! hunks, applied to the older text, give the newer one.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};

use futures_util::StreamExt;
use futures_util::stream;
use serde::Deserialize;
use serde_json::Value;

use crate::support::{TestApp, User, page_path};

#[derive(Deserialize)]
struct HistoryPage {
    id: String,
    revision_count: usize,
    revisions: Vec<SourceRevision>,
}

#[derive(Deserialize)]
struct SourceRevision {
    contributor: String,
    message: String,
    markdown: String,
}

const MIN_PAGES: usize = 520;
const CONTRIBUTOR_ACCOUNTS: usize = 12;

/// A spread of pages: every 12th, plus every page with a no-op revision.
fn sample() -> Option<Vec<HistoryPage>> {
    let path = crate::support::shared_data("pages/page-history-shared.jsonl.gz")?;
    let file = std::fs::File::open(path).unwrap();
    let reader = BufReader::new(flate2::read::GzDecoder::new(file));
    let mut pages = Vec::new();
    for (index, line) in reader.lines().enumerate() {
        let page: HistoryPage = serde_json::from_str(&line.unwrap()).unwrap();
        let has_no_op = page
            .revisions
            .windows(2)
            .any(|pair| pair[0].markdown == pair[1].markdown);
        if index % 12 == 0 || has_no_op {
            pages.push(page);
        }
    }
    assert!(
        pages.len() >= MIN_PAGES,
        "only {} pages sampled",
        pages.len()
    );
    Some(pages)
}

fn slug_of(id: &str) -> String {
    id.replace('/', "-")
}

/// Applies the API's structured hunks to `old` (unified-diff line numbers).
fn apply(old: &str, hunks: &[Value]) -> String {
    let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
    let mut out = String::new();
    let mut next = 0;
    for hunk in hunks {
        let start = hunk["old_start"].as_u64().unwrap() as usize;
        let first = if hunk["old_lines"] == 0 {
            start
        } else {
            start - 1
        };
        out.extend(old_lines[next..first].iter().copied());
        next = first;
        for line in hunk["lines"].as_array().unwrap() {
            let text = line["text"].as_str().unwrap();
            match line["op"].as_str().unwrap() {
                "context" => {
                    assert_eq!(old_lines[next], text);
                    out.push_str(text);
                    next += 1;
                }
                "delete" => {
                    assert_eq!(old_lines[next], text);
                    next += 1;
                }
                "insert" => out.push_str(text),
                op => panic!("unknown op {op}"),
            }
        }
    }
    out.extend(old_lines[next..].iter().copied());
    out
}

async fn replay_page(users: &HashMap<usize, User<'_>>, page: &HistoryPage) -> Vec<u64> {
    let slug = slug_of(&page.id);
    let mut head = None;
    let mut ids = Vec::new();
    for revision in &page.revisions {
        let account =
            revision.contributor.bytes().map(usize::from).sum::<usize>() % CONTRIBUTOR_ACCOUNTS;
        let user = &users[&account];
        let mut body =
            serde_json::json!({"markdown": revision.markdown, "summary": revision.message});
        if let Some(head) = head {
            body["base_revision"] = serde_json::json!(head);
        }
        let response = user
            .request(reqwest::Method::PUT, &page_path("main", &slug))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let answer: Value = response.json().await.unwrap();
        assert!(status.is_success(), "{slug}: {status} {answer}");
        let id = answer["revision"]["id"].as_u64().unwrap();
        ids.push(id);
        head = Some(id);
    }
    ids
}

async fn check_page(app: &TestApp, page: &HistoryPage, ids: &[u64]) {
    let path = page_path("main", &slug_of(&page.id));
    let history: Value = app
        .get(&format!("{path}/revisions?limit=500"))
        .await
        .json()
        .await
        .unwrap();
    let listed: Vec<u64> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .map(|r| r["id"].as_u64().unwrap())
        .collect();
    assert_eq!(listed.len(), page.revision_count, "{}", page.id);
    assert_eq!(listed, ids);
    for (index, (id, source)) in ids.iter().zip(&page.revisions).enumerate() {
        let revision: Value = app
            .get(&format!("{path}/revisions/{id}"))
            .await
            .json()
            .await
            .unwrap();
        assert!(
            revision["markdown"] == source.markdown,
            "{} revision {index}",
            page.id
        );
        assert_eq!(revision["summary"], source.message.trim());
        if index > 0 {
            let diff: Value = app
                .get(&format!("{path}/diff?from={}&to={id}", ids[index - 1]))
                .await
                .json()
                .await
                .unwrap();
            let older = &page.revisions[index - 1].markdown;
            let applied = apply(older, diff["hunks"].as_array().unwrap());
            assert!(
                applied == source.markdown,
                "{}: diff {index} does not apply",
                page.id
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replaying_real_histories_keeps_every_revision() {
    let Some(pages) = sample() else { return };
    let app = TestApp::spawn().await;
    let mut users = HashMap::new();
    for account in 0..CONTRIBUTOR_ACCOUNTS {
        users.insert(account, app.user(&format!("contributor-{account}")).await);
    }
    // The first account is main's steward. The others are appointed
    // reviewers, whose edits publish at once and are not rate-limited:
    // this test replays histories, not governance.
    for account in 1..CONTRIBUTOR_ACCOUNTS {
        users[&0]
            .appoint("main", &format!("contributor-{account}"), "reviewer")
            .await;
    }
    let replayed: Vec<Vec<u64>> = stream::iter(&pages)
        .map(|page| replay_page(&users, page))
        .buffered(8)
        .collect()
        .await;
    let revisions: usize = replayed.iter().map(Vec::len).sum();
    eprintln!("replayed {} pages, {revisions} revisions", pages.len());
    stream::iter(pages.iter().zip(&replayed))
        .for_each_concurrent(8, |(page, ids)| check_page(&app, page, ids))
        .await;
    app.stop().await;
}
