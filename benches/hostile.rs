//! What the worst accepted input costs (the budgets of `docs/rendering.md`):
//!
//! - render: for each kind of hostile page, the largest one the budget
//!   accepts (found by bisection on its size), rendered five times;
//! - diff: two wholly different 1 MiB revisions of short lines;
//! - merge: three wholly different 1 MiB texts (base, head, mine);
//! - `/healthz` latency (p50/p99/max) on the release binary while 8 of these
//!   requests run at once, in a loop (previews of the worst page, diffs of
//!   the different revisions, stale edits merged three-way).
//!
//! Targets: each under 1 s; `/healthz` p99 under 50 ms.
//! Run with `cargo bench --bench hostile` (`OSTROM_BENCH_SECONDS`, default
//! 10, sets the length of the load run).

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ostrom::diff::{MergeLabels, line_diff, merge3};
use ostrom::model::SpaceSlug;
use ostrom::render::{AllExist, render};
use reqwest::Client;
use serde_json::{Value, json};
use support::{Server, ms};

const MIB: usize = 1024 * 1024;
const REPEATS: usize = 5;

/// Hostile page shapes: one unit, repeated.
fn shapes() -> Vec<(&'static str, String, String)> {
    let nested = |open: &str, close: &str| format!("{}x{}\n\n", open.repeat(63), close.repeat(63));
    vec![
        (
            "table cells",
            "|a|b|c|d|\n|-|-|-|-|\n".into(),
            "|x|y|z|w|\n".into(),
        ),
        ("headings", String::new(), "# a\n".into()),
        ("emphasis", String::new(), "*a* ".into()),
        ("wiki links", String::new(), "[[a]] ".into()),
        ("autolinks", String::new(), "http://a.b ".into()),
        ("paragraphs", String::new(), "x\n\n".into()),
        (
            "block quotes 63 deep",
            String::new(),
            format!("{} x\n\n", "> ".repeat(63)),
        ),
        ("divs 63 deep", String::new(), nested("<div>", "</div>")),
        (
            "lists 31 deep (with items, 63)",
            String::new(),
            (0..31)
                .map(|i| format!("{}- x\n", "  ".repeat(i)))
                .collect(),
        ),
        (
            "raw bold 63 deep",
            String::new(),
            nested("<b title=\"t\">", "</b>"),
        ),
        ("footnotes", String::new(), String::new()),
    ]
}

fn page(head: &str, unit: &str, count: usize, name: &str) -> String {
    if name == "footnotes" {
        let refs: String = (0..count).map(|i| format!("[^{i}] ")).collect();
        let notes: String = (0..count).map(|i| format!("[^{i}]: x\n")).collect();
        return format!("{refs}\n\n{notes}");
    }
    format!("{head}{}", unit.repeat(count))
}

fn accepted(markdown: &str) -> bool {
    markdown.len() <= MIB
        && render(markdown, &SpaceSlug::main(), &AllExist)
            .refusal
            .is_none()
}

/// The most repeats of the unit that the budget accepts.
fn largest_accepted(name: &str, head: &str, unit: &str) -> usize {
    let unit_len = if unit.is_empty() { 12 } else { unit.len() };
    let (mut good, mut bad) = (0, MIB / unit_len + 1);
    while bad - good > 1.max(bad / 200) {
        let middle = (good + bad) / 2;
        if accepted(&page(head, unit, middle, name)) {
            good = middle;
        } else {
            bad = middle;
        }
    }
    good
}

fn timed<T>(job: impl Fn() -> T) -> Duration {
    let mut times: Vec<Duration> = (0..REPEATS)
        .map(|_| {
            let started = Instant::now();
            std::hint::black_box(job());
            started.elapsed()
        })
        .collect();
    times.sort();
    times[REPEATS - 1]
}

fn short_lines(seed: &str, bytes: usize) -> String {
    (0..)
        .map(|i| format!("{seed}{}\n", i % 10))
        .take(bytes / 3)
        .collect()
}

/// Renders, diffs and merges in process; returns the worst page.
fn costs() -> String {
    println!("| input | size | worst of {REPEATS} |\n|---|---|---|");
    let mut worst = (Duration::ZERO, String::new());
    for (name, head, unit) in shapes() {
        let count = largest_accepted(name, &head, &unit);
        let markdown = page(&head, &unit, count, name);
        let took = timed(|| render(&markdown, &SpaceSlug::main(), &AllExist));
        println!(
            "| render: {name} | {} KB | {} |",
            markdown.len() / 1024,
            ms(took)
        );
        if took > worst.0 {
            worst = (took, markdown);
        }
    }
    let (old, new) = (short_lines("a", MIB), short_lines("b", MIB));
    let took = timed(|| line_diff(&old, &new, "old", "new"));
    println!(
        "| diff: wholly different revisions | 1024 KB each | {} |",
        ms(took)
    );
    let mine = short_lines("c", MIB);
    let labels = MergeLabels {
        base: "base",
        head: "head",
        mine: "mine",
    };
    let took = timed(|| merge3(&old, &new, &mine, &labels));
    println!(
        "| merge: three wholly different texts | 1024 KB each | {} |",
        ms(took)
    );
    worst.1
}

async fn put(client: &Client, base: &str, token: &str, slug: &str, body: Value) -> Value {
    client
        .put(format!("{base}/api/v1/spaces/main/pages/{slug}"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn under_load(worst_page: String, seconds: u64) {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path());
    let base = server.base.clone();
    let client = Client::builder()
        .pool_max_idle_per_host(64)
        .build()
        .unwrap();
    let credentials = json!({"username": "bench", "password": "benchmark password"});
    client
        .post(format!("{base}/api/v1/accounts"))
        .json(&credentials)
        .send()
        .await
        .unwrap();
    let session: Value = client
        .post(format!("{base}/api/v1/sessions"))
        .json(&credentials)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = session["token"].as_str().unwrap().to_owned();
    let first = put(
        &client,
        &base,
        &token,
        "Grande",
        json!({"markdown": short_lines("a", MIB)}),
    )
    .await;
    let first = first["revision"]["id"].as_u64().unwrap();
    put(
        &client,
        &base,
        &token,
        "Grande",
        json!({"markdown": short_lines("b", MIB), "base_revision": first}),
    )
    .await;

    let stop = Arc::new(AtomicBool::new(false));
    let served = Arc::new(AtomicUsize::new(0));
    let worst_page = Arc::new(worst_page);
    let stale = Arc::new(short_lines("c", MIB));
    let load: Vec<_> = (0..8)
        .map(|n| {
            let (client, base, token) = (client.clone(), base.clone(), token.clone());
            let (stop, served) = (Arc::clone(&stop), Arc::clone(&served));
            let (worst_page, stale) = (Arc::clone(&worst_page), Arc::clone(&stale));
            tokio::spawn(async move {
                let mut turn = n;
                while !stop.load(Ordering::Relaxed) {
                    let request = match turn % 3 {
                        0 => client
                            .post(format!("{base}/api/v1/render"))
                            .json(&json!({"markdown": *worst_page})),
                        1 => client.get(format!(
                            "{base}/api/v1/spaces/main/pages/Grande/diff?from={first}&to={}",
                            first + 1
                        )),
                        _ => client
                            .put(format!("{base}/api/v1/spaces/main/pages/Grande"))
                            .json(&json!({"markdown": *stale, "base_revision": first})),
                    };
                    let status = request.bearer_auth(&token).send().await.unwrap().status();
                    assert!(!status.is_server_error(), "{status}");
                    served.fetch_add(1, Ordering::Relaxed);
                    turn += 1;
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut latencies = Vec::new();
    let until = Instant::now() + Duration::from_secs(seconds);
    while Instant::now() < until {
        let started = Instant::now();
        let status = client
            .get(format!("{base}/healthz"))
            .send()
            .await
            .unwrap()
            .status();
        assert!(status.is_success());
        latencies.push(started.elapsed());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stop.store(true, Ordering::Relaxed);
    for task in load {
        task.await.unwrap();
    }
    latencies.sort();
    let at = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    println!(
        "| /healthz under 8 hostile requests at once ({} served in {seconds} s) | {} checks | p50 {}, p99 {}, max {} |",
        served.load(Ordering::Relaxed),
        latencies.len(),
        ms(at(0.5)),
        ms(at(0.99)),
        ms(latencies[latencies.len() - 1]),
    );
}

fn main() {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!("ostrom hostile-input benchmark: {cores} cores\n");
    let worst = costs();
    let seconds = std::env::var("OSTROM_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(under_load(worst, seconds));
}
