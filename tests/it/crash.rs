//! Crash safety: the real binary is killed with SIGKILL in the middle of a
//! stream of edits from several clients, then restarted on the same data.
//! Every edit that was acknowledged must be there, byte for byte.

use std::collections::HashMap;
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
        // Keep draining the log so the server never blocks on a full pipe,
        // and show its warnings and errors (they explain a failure).
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                if line.contains("WARN") || line.contains("ERROR") {
                    eprintln!("server: {line}");
                }
            }
        });
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

// Reviews under SIGKILL. A review is one store transaction: its log entry,
// the revision's new state, the review queue and, when it publishes, the
// page (merged onto it if it moved on). Killed mid-burst, each review must
// be there whole or not at all.

const SPACE: &str = "revues";
const REVIEWERS: [&str; 2] = ["rita", "raphael"];
const NEWCOMERS: [&str; 3] = ["nadia", "noe", "victor"];
/// Every page gets one pending revision per paragraph, all written against
/// the same head: publishing any but the first merges onto a page that
/// moved on, and since each changes its own paragraph, the merge is clean.
const PAGES: usize = 6;
const PARAGRAPHS: usize = 8;
const APPROVALS_REQUIRED: usize = 2;

type Tokens = HashMap<&'static str, String>;

/// Sends `request`; returns the status and the JSON answer.
async fn answer(request: reqwest::RequestBuilder) -> (StatusCode, Value) {
    let response = request.send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or_else(|_| panic!("{status}: {text}"));
    (status, body)
}

/// Logs everyone in (registering them first if asked): the steward (the
/// first account, so the administrator), the reviewers and the newcomers.
async fn sessions(client: &Client, base: &str, register: bool) -> Tokens {
    let mut tokens = Tokens::new();
    for name in ["alice"].into_iter().chain(REVIEWERS).chain(NEWCOMERS) {
        let account = json!({"username": name, "password": PASSWORD});
        if register {
            let request = client.post(format!("{base}/api/v1/accounts"));
            let (status, body) = answer(request.json(&account)).await;
            assert_eq!(status, StatusCode::CREATED, "register {name}: {body}");
        }
        let request = client.post(format!("{base}/api/v1/sessions"));
        let (status, body) = answer(request.json(&account)).await;
        assert_eq!(status, StatusCode::CREATED, "log in {name}: {body}");
        tokens.insert(name, body["token"].as_str().unwrap().to_owned());
    }
    tokens
}

/// The pages' first text: one paragraph per pending revision to come.
fn first_text(page: usize) -> String {
    let mut text = format!("# Revue {page}\n\n");
    for paragraph in 0..PARAGRAPHS {
        text += &format!("Paragraphe {paragraph} : texte d'origine, à relire.\n\n");
    }
    text
}

/// Founds the space: two approvals per pending revision, and no rate
/// limits (the merge patch removes both default entries; removing only the
/// newcomers' would leave contributors limited above an unlimited standing,
/// which the charter refuses). Two reviewers, three newcomers, and the
/// pages, published by the steward.
async fn found_review_space(client: &Client, base: &str) -> Tokens {
    let tokens = sessions(client, base, true).await;
    let alice = &tokens["alice"];
    let charter = json!({
        "edit": {"approvals_required": APPROVALS_REQUIRED},
        "rate_limits": {"newcomer": null, "contributor": null}
    });
    let request = client.post(format!("{base}/api/v1/spaces"));
    let space = json!({"slug": SPACE, "title": "Revues", "charter": charter});
    let (status, body) = answer(request.bearer_auth(alice).json(&space)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    for reviewer in REVIEWERS {
        let request = client.put(format!("{base}/api/v1/spaces/{SPACE}/members/{reviewer}"));
        let standing = json!({"standing": "reviewer"});
        let (status, body) = answer(request.bearer_auth(alice).json(&standing)).await;
        assert_eq!(status, StatusCode::OK, "appoint {reviewer}: {body}");
    }
    for newcomer in NEWCOMERS {
        let request = client.post(format!("{base}/api/v1/spaces/{SPACE}/members"));
        let (status, body) = answer(request.bearer_auth(&tokens[newcomer]).json(&json!({}))).await;
        assert_eq!(status, StatusCode::CREATED, "{newcomer} joins: {body}");
        assert_eq!(body["standing"], "newcomer");
    }
    for page in 0..PAGES {
        let request = client.put(format!("{base}{}", page_path(SPACE, &slug_of(page))));
        let text = json!({"markdown": first_text(page)});
        let (status, body) = answer(request.bearer_auth(alice).json(&text)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    tokens
}

fn slug_of(page: usize) -> String {
    format!("Revue_{page}")
}

/// A newcomer's pending revision, and the paragraph it rewrites (unique to
/// it, so the page shows whether it was published).
struct Proposal {
    id: u64,
    slug: String,
    line: String,
}

/// The newcomers rewrite every paragraph of every page, one pending
/// revision each, all based on the page's current head.
async fn propose(client: &Client, base: &str, tokens: &Tokens, round: usize) -> Vec<Proposal> {
    let mut proposals = Vec::new();
    for page in 0..PAGES {
        let slug = slug_of(page);
        let url = format!("{base}{}", page_path(SPACE, &slug));
        let (status, current) = answer(client.get(&url)).await;
        assert_eq!(status, StatusCode::OK, "{current}");
        let head = current["revision"]["id"].as_u64().unwrap();
        let markdown = current["markdown"].as_str().unwrap();
        for paragraph in 0..PARAGRAPHS {
            let author = NEWCOMERS[(page + paragraph) % NEWCOMERS.len()];
            let line =
                format!("Paragraphe {paragraph} : tour {round}, réécrit par {author} — ça passe ?");
            let prefix = format!("Paragraphe {paragraph} :");
            let text: String = markdown
                .lines()
                .map(|l| if l.starts_with(&prefix) { &line } else { l })
                .map(|l| format!("{l}\n"))
                .collect();
            let edit = json!({"markdown": text, "base_revision": head});
            let request = client.put(&url).bearer_auth(&tokens[author]).json(&edit);
            let (status, written) = answer(request).await;
            assert_eq!(status, StatusCode::ACCEPTED, "{written}");
            assert_eq!(written["revision"]["state"], "pending", "{written}");
            let id = written["revision"]["id"].as_u64().unwrap();
            proposals.push(Proposal {
                id,
                slug: slug.clone(),
                line,
            });
        }
    }
    proposals
}

/// What `reviewer` will do: approve most revisions; for every fifth, one
/// of the two rejects while the other approves, so the two decisions race.
/// Both walk the round's shuffled order, the second two steps behind, so
/// revisions get published (often onto a page that moved on) all through
/// the burst, and both reviewers sometimes settle one at the same moment.
fn review_jobs(count: usize, reviewer: usize, round: usize) -> Vec<(usize, &'static str)> {
    let mut order: Vec<usize> = (0..count).collect();
    // A small linear congruential generator: varied, yet reproducible.
    let mut seed = (round as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    for n in (1..order.len()).rev() {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        order.swap(n, (seed >> 33) as usize % (n + 1));
    }
    // Jobs are popped from the end: rotating left puts this reviewer behind.
    order.rotate_left(2 * reviewer);
    order
        .into_iter()
        .map(|n| {
            let rejects = n % 5 == 2 && (n / 5) % 2 == reviewer;
            (n, if rejects { "reject" } else { "approve" })
        })
        .collect()
}

/// A review the server answered before it was killed.
struct Answered {
    proposal: usize,
    reviewer: usize,
    decision: &'static str,
    status: StatusCode,
    body: Value,
}

type Jobs = Arc<Mutex<Vec<(usize, &'static str)>>>;
type Answers = Arc<Mutex<Vec<Answered>>>;

/// Takes reviews from `jobs` until they run out or the server dies; keeps
/// every answer. A review whose answer was lost may or may not be there.
async fn review_stream(
    client: Client,
    base: String,
    token: String,
    reviewer: usize,
    ids: Arc<Vec<u64>>,
    jobs: Jobs,
    answers: Answers,
) {
    loop {
        let Some((proposal, decision)) = jobs.lock().unwrap().pop() else {
            return;
        };
        let sent = client
            .post(format!(
                "{base}/api/v1/spaces/{SPACE}/reviews/{}",
                ids[proposal]
            ))
            .bearer_auth(&token)
            .json(&json!({"decision": decision, "comment": "relu avant la panne"}))
            .send()
            .await;
        let Ok(response) = sent else { return };
        let status = response.status();
        let Ok(body) = response.json::<Value>().await else {
            return;
        };
        answers.lock().unwrap().push(Answered {
            proposal,
            reviewer,
            decision,
            status,
            body,
        });
    }
}

/// What the server says about a round's revisions.
struct Audit {
    /// Each proposal's state.
    states: Vec<String>,
    /// The review queue: pending revision → its approvals.
    queue: HashMap<u64, u64>,
    /// Revision → the (action, actor) of the log entries targeting it.
    log: HashMap<u64, Vec<(String, String)>>,
}

impl Audit {
    fn count(&self, id: u64, action: &str) -> usize {
        self.entries(id).filter(|(a, _)| a == action).count()
    }

    fn entries(&self, id: u64) -> impl Iterator<Item = &(String, String)> {
        self.log.get(&id).into_iter().flatten()
    }

    /// Whether the log has `actor`'s `action` on revision `id`.
    fn has(&self, id: u64, action: &str, actor: &str) -> bool {
        self.entries(id).any(|(a, who)| a == action && who == actor)
    }
}

async fn audit(client: &Client, base: &str, token: &str, proposals: &[Proposal]) -> Audit {
    let mut states = Vec::new();
    for proposal in proposals {
        let url = format!(
            "{base}{}/revisions/{}",
            page_path(SPACE, &proposal.slug),
            proposal.id
        );
        let (status, revision) = answer(client.get(url).bearer_auth(token)).await;
        assert_eq!(
            status,
            StatusCode::OK,
            "revision {}: {revision}",
            proposal.id
        );
        states.push(revision["state"].as_str().unwrap().to_owned());
    }
    let request = client.get(format!("{base}/api/v1/spaces/{SPACE}/reviews"));
    let (status, items) = answer(request.bearer_auth(token)).await;
    assert_eq!(status, StatusCode::OK, "{items}");
    let mut queue = HashMap::new();
    for item in items["items"].as_array().unwrap() {
        assert_eq!(item["approvals_required"], APPROVALS_REQUIRED, "{item}");
        assert_eq!(item["conflicting"], false, "every merge is clean: {item}");
        let approvals = item["approvals"].as_u64().unwrap();
        queue.insert(item["revision"].as_u64().unwrap(), approvals);
    }
    let mut log: HashMap<u64, Vec<(String, String)>> = HashMap::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut request = client
            .get(format!("{base}/api/v1/spaces/{SPACE}/log"))
            .bearer_auth(token)
            .query(&[("limit", "500")]);
        if let Some(cursor) = &cursor {
            request = request.query(&[("cursor", cursor)]);
        }
        let (status, page) = answer(request).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        for entry in page["items"].as_array().unwrap() {
            let target = entry["target"].as_str().unwrap();
            if let Some(id) = target.strip_prefix("revision:") {
                log.entry(id.parse().unwrap()).or_default().push((
                    entry["action"].as_str().unwrap().to_owned(),
                    entry["actor"].as_str().unwrap_or_default().to_owned(),
                ));
            }
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    Audit { states, queue, log }
}

/// Before the kill, the server answered only 200, or `not_pending` to an
/// approval that came after the other reviewer's rejection.
fn assert_answers_sound(answers: &[Answered]) {
    for a in answers {
        let late_approval = a.status == StatusCode::CONFLICT
            && a.body["code"] == "not_pending"
            && a.decision == "approve";
        assert!(
            a.status == StatusCode::OK || late_approval,
            "{} of proposal {} by {} answered {}: {}",
            a.decision,
            a.proposal,
            REVIEWERS[a.reviewer],
            a.status,
            a.body
        );
    }
}

/// Every acknowledged review is there after the restart.
async fn assert_acknowledged(
    client: &Client,
    base: &str,
    token: &str,
    proposals: &[Proposal],
    answers: &[Answered],
    audit: &Audit,
) {
    for a in answers {
        let Proposal { id, slug, .. } = &proposals[a.proposal];
        let state = audit.states[a.proposal].as_str();
        let reviewer = REVIEWERS[a.reviewer];
        if a.status == StatusCode::CONFLICT {
            assert_eq!(state, "rejected", "{reviewer} was told {id} is settled");
            continue;
        }
        if a.decision == "reject" {
            assert_eq!(a.body["state"], "rejected", "{}", a.body);
            assert_eq!(state, "rejected", "acknowledged rejection of {id} lost");
            assert!(audit.has(*id, "review_reject", reviewer), "{id}");
            continue;
        }
        assert!(
            audit.has(*id, "review_approve", reviewer),
            "{reviewer}'s acknowledged approval of {id} is not in the log: {:?}",
            audit.log.get(id)
        );
        if a.body["state"] == "published" {
            assert_eq!(state, "published", "acknowledged publication of {id} lost");
            // What was published is there: the revision itself, or its
            // merge onto the page as it had become.
            let shown = a.body["published_revision"].as_u64().unwrap();
            let url = format!("{base}{}/revisions/{shown}", page_path(SPACE, slug));
            let (status, revision) = answer(client.get(url).bearer_auth(token)).await;
            assert_eq!(status, StatusCode::OK, "{revision}");
            assert_eq!(revision["state"], "published", "{revision}");
            if shown != *id {
                assert_eq!(revision["base"], *id, "{revision}");
            }
        } else {
            assert_eq!(a.body["state"], "pending", "{}", a.body);
        }
    }
}

/// Every revision is whole: in exactly one state, and the queue, the log
/// and the page all agree with it.
async fn assert_whole(client: &Client, base: &str, proposals: &[Proposal], audit: &Audit) {
    for (proposal, state) in proposals.iter().zip(&audit.states) {
        let id = proposal.id;
        let approvals = audit.count(id, "review_approve");
        let context = format!(
            "revision {id} is {state}; its log: {:?}",
            audit.log.get(&id)
        );
        assert!(approvals <= APPROVALS_REQUIRED, "{context}");
        assert_eq!(
            audit.queue.contains_key(&id),
            state == "pending",
            "{context}"
        );
        let publishes = audit.count(id, "publish");
        assert_eq!(publishes, usize::from(state == "published"), "{context}");
        let rejects = audit.count(id, "review_reject");
        assert_eq!(rejects, usize::from(state == "rejected"), "{context}");
        match state.as_str() {
            "pending" => assert_eq!(approvals as u64, audit.queue[&id], "{context}"),
            "published" => assert_eq!(approvals, APPROVALS_REQUIRED, "{context}"),
            "rejected" => assert!(approvals < APPROVALS_REQUIRED, "{context}"),
            _ => panic!("{context}"),
        }
    }
    // The pages hold the paragraph of every published revision, merged,
    // and that of no other.
    for page in 0..PAGES {
        let slug = slug_of(page);
        let (status, current) =
            answer(client.get(format!("{base}{}", page_path(SPACE, &slug)))).await;
        assert_eq!(status, StatusCode::OK, "{current}");
        let markdown = current["markdown"].as_str().unwrap();
        for (proposal, state) in proposals.iter().zip(&audit.states) {
            if proposal.slug == slug {
                assert_eq!(
                    markdown.contains(&proposal.line),
                    state == "published",
                    "revision {} is {state}; {slug} reads:\n{markdown}",
                    proposal.id
                );
            }
        }
    }
}

/// Approves what is still pending, by the reviewers who have not yet (one
/// approving twice would log twice), and checks that the last publishes.
async fn finish_reviews(
    client: &Client,
    base: &str,
    tokens: &Tokens,
    proposals: &[Proposal],
    audit: &Audit,
) {
    for (proposal, state) in proposals.iter().zip(&audit.states) {
        if state != "pending" {
            continue;
        }
        let missing: Vec<&str> = REVIEWERS
            .into_iter()
            .filter(|r| !audit.has(proposal.id, "review_approve", r))
            .collect();
        for (n, reviewer) in missing.iter().enumerate() {
            let request = client
                .post(format!(
                    "{base}/api/v1/spaces/{SPACE}/reviews/{}",
                    proposal.id
                ))
                .bearer_auth(&tokens[reviewer])
                .json(&json!({"decision": "approve", "comment": "relu après la panne"}));
            let (status, outcome) = answer(request).await;
            assert_eq!(status, StatusCode::OK, "{outcome}");
            let last = n + 1 == missing.len();
            let expected = if last { "published" } else { "pending" };
            assert_eq!(outcome["state"], expected, "{outcome}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_reviews_leaves_each_review_whole_or_absent() {
    const ROUNDS: usize = 3;
    const WORKERS_PER_REVIEWER: usize = 3;
    let data = tempfile::tempdir().unwrap();
    let client = Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let mut server = Binary::start(data.path());
    let mut tokens = found_review_space(&client, &server.base).await;

    for round in 0..ROUNDS {
        let proposals = propose(&client, &server.base, &tokens, round).await;
        let ids: Arc<Vec<u64>> = Arc::new(proposals.iter().map(|p| p.id).collect());
        let answers: Answers = Arc::default();
        let mut total = 0;
        let mut workers = Vec::new();
        for reviewer in 0..REVIEWERS.len() {
            let jobs = review_jobs(proposals.len(), reviewer, round);
            total += jobs.len();
            let jobs: Jobs = Arc::new(Mutex::new(jobs));
            for _ in 0..WORKERS_PER_REVIEWER {
                workers.push(tokio::spawn(review_stream(
                    client.clone(),
                    server.base.clone(),
                    tokens[REVIEWERS[reviewer]].clone(),
                    reviewer,
                    ids.clone(),
                    jobs.clone(),
                    answers.clone(),
                )));
            }
        }
        // Let some reviews through (more each round), then pull the plug
        // while the rest are in flight.
        let enough = 12 + 20 * round;
        let started = Instant::now();
        while answers.lock().unwrap().len() < enough && started.elapsed() < Duration::from_secs(20)
        {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tokio::time::sleep(Duration::from_millis(3 * round as u64)).await;
        server.kill();
        for worker in workers {
            worker.await.unwrap();
        }
        let answers = std::mem::take(&mut *answers.lock().unwrap());
        assert!(
            answers.len() >= enough && answers.len() < total,
            "the kill did not land mid-burst: {} of {total} reviews answered",
            answers.len()
        );
        assert_answers_sound(&answers);

        server = Binary::start(data.path());
        tokens = sessions(&client, &server.base, false).await;
        let base = server.base.as_str();
        let token = tokens["alice"].as_str();
        let after_crash = audit(&client, base, token, &proposals).await;
        assert_acknowledged(&client, base, token, &proposals, &answers, &after_crash).await;
        assert_whole(&client, base, &proposals, &after_crash).await;

        // The restarted server takes reviews again and settles the rest.
        finish_reviews(&client, base, &tokens, &proposals, &after_crash).await;
        let settled = audit(&client, base, token, &proposals).await;
        assert!(settled.queue.is_empty(), "{:?}", settled.queue);
        assert_whole(&client, base, &proposals, &settled).await;
    }
    server.kill();
}
