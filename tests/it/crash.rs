//! Crash safety: the real binary is killed with SIGKILL in the middle of a
//! stream of edits from several clients, then restarted on the same data.
//! Every edit that was acknowledged must be there, byte for byte.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::support::{PASSWORD, page_path};

/// The real `ostrom` binary, serving a data folder on a free port.
pub struct Binary {
    child: Child,
    pub base: String,
}

impl Binary {
    pub fn start(data: &Path) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ostrom"))
            .args(["serve", "--listen", "127.0.0.1:0", "--data"])
            .arg(data)
            .env("RUST_LOG", "warn,ostrom::cli=info")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the ostrom binary starts");
        let stderr = child.stderr.take().unwrap();
        let mut lines = BufReader::new(stderr).lines();
        let base = loop {
            let line = lines
                .next()
                .expect("the server logs its URL before exiting")
                .unwrap();
            if let Some(at) = line.find("http://") {
                let url = line[at..].split_whitespace().next().unwrap();
                break url.to_owned();
            }
        };
        // Keep draining the log so the server never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Self { child, base }
    }

    pub fn kill(mut self) {
        self.child.kill().unwrap(); // SIGKILL on Unix
        self.child.wait().unwrap();
    }

    /// Sends SIGTERM and waits for the process to exit; returns its status.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the server did not stop on SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

async fn token(client: &Client, base: &str, register: bool) -> String {
    if register {
        let response = client
            .post(format!("{base}/api/v1/accounts"))
            .json(&json!({"username": "alice", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
    }
    let session: Value = client
        .post(format!("{base}/api/v1/sessions"))
        .json(&json!({"username": "alice", "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    session["token"].as_str().unwrap().to_owned()
}

/// The text of edit `n` of writer `w`: mostly small, sometimes over sled's
/// 128 KiB blob threshold so chunking is exercised too.
fn text_of(round: usize, writer: usize, n: usize) -> String {
    let line = format!("tour {round}, écrivain {writer}, édition {n} — ça tient ?\n");
    if n % 10 == 7 {
        line.repeat(200_000 / line.len())
    } else {
        line.repeat(1 + n % 5)
    }
}

type Acked = Arc<Mutex<Vec<(String, u64, String)>>>;

/// Edits `page` in a loop until the server dies; records what was acknowledged.
async fn stream_edits(
    client: Client,
    base: String,
    token: String,
    round: usize,
    writer: usize,
    mut head: Option<u64>,
    acked: Acked,
) -> Option<u64> {
    let slug = format!("Crash_{writer}");
    for n in 0.. {
        let mut body = json!({"markdown": text_of(round, writer, n)});
        if let Some(head) = head {
            body["base_revision"] = json!(head);
        }
        let sent = client
            .put(format!("{base}{}", page_path("main", &slug)))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await;
        let Ok(response) = sent else { return head };
        if !response.status().is_success() {
            return head;
        }
        let Ok(answer) = response.json::<Value>().await else {
            return head;
        };
        let id = answer["revision"]["id"].as_u64().unwrap();
        acked
            .lock()
            .unwrap()
            .push((slug.clone(), id, text_of(round, writer, n)));
        head = Some(id);
    }
    head
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_edits_loses_no_acknowledged_revision() {
    const WRITERS: usize = 4;
    const ROUNDS: usize = 5;
    let data = tempfile::tempdir().unwrap();
    let client = Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let acked: Acked = Arc::default();
    let mut heads: Vec<Option<u64>> = vec![None; WRITERS];

    for round in 0..ROUNDS {
        let server = Binary::start(data.path());
        let token = token(&client, &server.base, round == 0).await;
        let started = Instant::now();
        let tasks: Vec<_> = (0..WRITERS)
            .map(|writer| {
                tokio::spawn(stream_edits(
                    client.clone(),
                    server.base.clone(),
                    token.clone(),
                    round,
                    writer,
                    heads[writer],
                    acked.clone(),
                ))
            })
            .collect();
        // Let a good number of edits through, then pull the plug mid-stream.
        let before = acked.lock().unwrap().len();
        while acked.lock().unwrap().len() < before + 40
            && started.elapsed() < Duration::from_secs(20)
        {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        tokio::time::sleep(Duration::from_millis(37 * (round as u64 + 1))).await;
        server.kill();
        for (writer, task) in tasks.into_iter().enumerate() {
            heads[writer] = task.await.unwrap();
        }
        // An edit in flight at the kill may have landed without its answer:
        // continue from whatever the page's head is after the restart.
        let server = Binary::start(data.path());
        for (writer, head) in heads.iter_mut().enumerate() {
            let page = client
                .get(format!(
                    "{}{}",
                    server.base,
                    page_path("main", &format!("Crash_{writer}"))
                ))
                .send()
                .await
                .unwrap();
            if page.status().is_success() {
                let page: Value = page.json().await.unwrap();
                *head = page["revision"]["id"].as_u64();
            }
        }
        server.kill();
    }

    let server = Binary::start(data.path());
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() >= ROUNDS * 40,
        "only {} edits acknowledged",
        acked.len()
    );
    for (slug, id, text) in &acked {
        let response = client
            .get(format!(
                "{}{}/revisions/{id}",
                server.base,
                page_path("main", slug)
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "acknowledged revision {id} of {slug} is lost"
        );
        let revision: Value = response.json().await.unwrap();
        assert!(
            revision["markdown"] == *text,
            "revision {id} of {slug} differs"
        );
    }
    server.kill();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_in_flight_edits_and_exits_cleanly() {
    let data = tempfile::tempdir().unwrap();
    let client = Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let server = Binary::start(data.path());
    let token = token(&client, &server.base, true).await;
    let acked: Acked = Arc::default();
    let writers: Vec<_> = (0..4)
        .map(|writer| {
            tokio::spawn(stream_edits(
                client.clone(),
                server.base.clone(),
                token.clone(),
                0,
                writer,
                None,
                acked.clone(),
            ))
        })
        .collect();
    while acked.lock().unwrap().len() < 20 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let status = tokio::task::spawn_blocking(move || server.terminate())
        .await
        .unwrap();
    assert!(status.success(), "exit status {status}");
    for writer in writers {
        writer.await.unwrap();
    }
    let server = Binary::start(data.path());
    let acked = acked.lock().unwrap().clone();
    for (slug, id, text) in &acked {
        let revision: Value = client
            .get(format!(
                "{}{}/revisions/{id}",
                server.base,
                page_path("main", slug)
            ))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(
            revision["markdown"] == *text,
            "revision {id} of {slug} differs"
        );
    }
    server.kill();
}

/// A counter from the server's `/metrics`.
async fn metric(client: &Client, base: &str, name: &str) -> u64 {
    let text = client
        .get(format!("{base}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_crash_the_index_matches_the_store() {
    let data = tempfile::tempdir().unwrap();
    let client = Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let acked: Acked = Arc::default();
    for round in 0..3 {
        let server = Binary::start(data.path());
        let token = token(&client, &server.base, round == 0).await;
        let writers: Vec<_> = (0..4)
            .map(|writer| {
                let (client, base, token, acked) = (
                    client.clone(),
                    server.base.clone(),
                    token.clone(),
                    acked.clone(),
                );
                tokio::spawn(async move {
                    // Continue from the page's head, whatever survived.
                    let page = client
                        .get(format!(
                            "{base}{}",
                            page_path("main", &format!("Crash_{writer}"))
                        ))
                        .send()
                        .await
                        .unwrap();
                    let head = if page.status().is_success() {
                        page.json::<Value>().await.unwrap()["revision"]["id"].as_u64()
                    } else {
                        None
                    };
                    stream_edits(client, base, token, round, writer, head, acked).await
                })
            })
            .collect();
        let before = acked.lock().unwrap().len();
        while acked.lock().unwrap().len() < before + 30 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        tokio::time::sleep(Duration::from_millis(13 * (round as u64 + 1))).await;
        server.kill();
        for writer in writers {
            writer.await.unwrap();
        }
    }
    // Restart, let the indexer catch up, stop cleanly, and compare.
    let server = Binary::start(data.path());
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let durable = metric(&client, &server.base, "ostrom_store_durable_seq").await;
        let indexed = metric(&client, &server.base, "ostrom_search_indexed_seq").await;
        if indexed >= durable && durable > 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the index did not catch up ({indexed} < {durable})"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let status = tokio::task::spawn_blocking(move || server.terminate())
        .await
        .unwrap();
    assert!(status.success());

    let store = ostrom::store::Store::open(&data.path().join("store")).unwrap();
    let mut published: Vec<(u64, u64)> = Vec::new();
    for id in store.page_ids().unwrap() {
        let page = store.page_by_id(id).unwrap().unwrap();
        if let Some(revision) = page.published.filter(|_| !page.deleted) {
            published.push((id, revision));
        }
    }
    published.sort_unstable();
    let (index, resume) = ostrom::search::SearchIndex::open(&data.path().join("index")).unwrap();
    assert!(matches!(resume, ostrom::search::Resume::After(_)));
    assert_eq!(
        index.indexed_revisions().unwrap(),
        published,
        "index and store disagree"
    );
    assert_eq!(published.len(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reindex_rebuilds_the_index_from_the_store() {
    let data = tempfile::tempdir().unwrap();
    let client = Client::new();
    let server = Binary::start(data.path());
    let token = token(&client, &server.base, true).await;
    for n in 0..20 {
        let response = client
            .put(format!(
                "{}{}",
                server.base,
                page_path("main", &format!("Page {n}"))
            ))
            .bearer_auth(&token)
            .json(&json!({"markdown": format!("# Page {n}\n\nRéindexation numéro {n}.\n")}))
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success());
    }
    assert!(
        tokio::task::spawn_blocking(move || server.terminate())
            .await
            .unwrap()
            .success()
    );
    std::fs::remove_dir_all(data.path().join("index")).unwrap();

    let output = Command::new(env!("CARGO_BIN_EXE_ostrom"))
        .args(["reindex", "--data"])
        .arg(data.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("indexed 20 pages"), "{stdout}");

    let (index, resume) = ostrom::search::SearchIndex::open(&data.path().join("index")).unwrap();
    assert!(matches!(resume, ostrom::search::Resume::After(_)));
    assert_eq!(index.indexed_revisions().unwrap().len(), 20);
    drop(index);
    let server = Binary::start(data.path());
    let results: Value = client
        .get(format!("{}/api/v1/search", server.base))
        .query(&[("q", "reindexation")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(results["total"], 20);
    server.kill();

    // While a server holds the data folder, reindex refuses with one line.
    let server = Binary::start(data.path());
    let output = Command::new(env!("CARGO_BIN_EXE_ostrom"))
        .args(["reindex", "--data"])
        .arg(data.path())
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("stop the server first"), "{stderr}");
    server.kill();
}
