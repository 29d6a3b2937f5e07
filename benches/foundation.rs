//! Load harness for the foundation (issue 2). Starts the release binary on a
//! temporary data folder and measures, over real HTTP on loopback:
//!
//! - sequential edit latency, p50/p99 (every edit acknowledged, hence flushed);
//! - edit throughput with 1, 8 and 64 concurrent writers on distinct pages,
//!   with sled flushes per second and edits per flush (group commit);
//! - anonymous HTML page views of a 5–20 KB page of the shared corpus, the
//!   same way, beside nginx serving the same bytes;
//! - page GET throughput and p99 at 32 connections (`wrk` when installed,
//!   otherwise a built-in client), and, when `nginx` is installed too, nginx
//!   serving the same bytes from a file under the same load: the ratio is
//!   the figure to watch (goal ≥ 0.5×).
//!
//! `OSTROM_BENCH_BINARY` runs the same harness against another build.
//!
//! Run with `cargo bench --bench foundation`. `OSTROM_BENCH_SECONDS` sets the
//! length of each throughput run (default 5); `OSTROM_BENCH_ONLY=writes`
//! stops after the edits (to profile or compare the write path alone).

use std::process::Command;
mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use reqwest::Client;
use serde_json::{Value, json};
use support::{Server, ms, percentile};

/// A counter from `/metrics`.
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

/// One acknowledged edit; returns the new head.
async fn edit(
    client: &Client,
    base: &str,
    token: &str,
    slug: &str,
    text: &str,
    head: Option<u64>,
) -> u64 {
    let mut body = json!({"markdown": text, "summary": "bench"});
    if let Some(head) = head {
        body["base_revision"] = json!(head);
    }
    let response = client
        .put(format!("{base}/api/v1/spaces/main/pages/{slug}"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_success(),
        "edit failed: {}",
        response.status()
    );
    let answer: Value = response.json().await.unwrap();
    answer["revision"]["id"].as_u64().unwrap()
}

/// A text no page had before: a text seen already makes the server look
/// for an edit war, which is not what an ordinary edit costs.
fn page_text(slug: &str, n: u64) -> String {
    format!(
        "# {slug}\n\nRévision {n} : une économie au service des personnes.\n\n- point un\n- point deux\n"
    )
}

async fn sequential_latency(client: &Client, base: &str, token: &str, edits: u64) {
    let mut head = None;
    let mut latencies = Vec::with_capacity(edits as usize);
    for n in 0..edits {
        let started = Instant::now();
        head = Some(
            edit(
                client,
                base,
                token,
                "Sequential",
                &page_text("Sequential", n),
                head,
            )
            .await,
        );
        latencies.push(started.elapsed());
    }
    let mean = latencies.iter().sum::<Duration>() / edits.max(1) as u32;
    latencies.sort();
    println!(
        "| sequential edits | {edits} | p50 {} | p99 {}, mean {}, max {} |",
        ms(percentile(&latencies, 50.0)),
        ms(percentile(&latencies, 99.0)),
        ms(mean),
        ms(latencies.last().copied().unwrap_or_default())
    );
}

async fn throughput(client: &Client, base: &str, token: &str, writers: usize, seconds: u64) -> f64 {
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let flushes_before = metric(client, base, "ostrom_store_flushes_total").await;
    let started = Instant::now();
    let tasks: Vec<_> = (0..writers)
        .map(|writer| {
            let (client, base, token) = (client.clone(), base.to_owned(), token.to_owned());
            let (stop, done) = (stop.clone(), done.clone());
            tokio::spawn(async move {
                let slug = format!("Writers{writers}_{writer}");
                let mut head = None;
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    head =
                        Some(edit(&client, &base, &token, &slug, &page_text(&slug, n), head).await);
                    done.fetch_add(1, Ordering::Relaxed);
                    n += 1;
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    for task in tasks {
        task.await.unwrap();
    }
    let elapsed = started.elapsed().as_secs_f64();
    let flushed = metric(client, base, "ostrom_store_flushes_total").await - flushes_before;
    let edits = done.load(Ordering::Relaxed);
    let rate = edits as f64 / elapsed;
    println!(
        "| {writers} writers | {edits} edits | {rate:.0} edits/s | {:.0} flushes/s, {:.1} edits per flush |",
        flushed as f64 / elapsed,
        edits as f64 / flushed.max(1) as f64
    );
    rate
}

fn wrk_available() -> bool {
    Command::new("wrk").arg("--version").output().is_ok()
}

/// Connections of the read runs.
const READERS: usize = 32;

/// Page reads at [`READERS`] connections with wrk: (requests/s, p99).
fn reads_with_wrk(url: &str, seconds: u64) -> Option<(f64, String)> {
    let output = Command::new("wrk")
        .args([
            "-t2",
            &format!("-c{READERS}"),
            &format!("-d{seconds}s"),
            "--latency",
            url,
        ])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    let rate = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Requests/sec:"))?
        .trim()
        .parse()
        .ok()?;
    let p99 = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("99%"))?
        .trim()
        .to_owned();
    Some((rate, p99))
}

async fn reads_with_client(client: &Client, url: &str, seconds: u64) -> (f64, String) {
    let stop = Arc::new(AtomicBool::new(false));
    let tasks: Vec<_> = (0..READERS)
        .map(|_| {
            let (client, url, stop) = (client.clone(), url.to_owned(), stop.clone());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                while !stop.load(Ordering::Relaxed) {
                    let started = Instant::now();
                    let response = client.get(&url).send().await.unwrap();
                    assert!(response.status().is_success());
                    response.bytes().await.unwrap();
                    latencies.push(started.elapsed());
                }
                latencies
            })
        })
        .collect();
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    all.sort();
    let rate = all.len() as f64 / started.elapsed().as_secs_f64();
    (rate, ms(percentile(&all, 99.0)))
}

async fn run() {
    let seconds: u64 = std::env::var("OSTROM_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path());
    let base = server.base.clone();
    let client = Client::builder()
        .pool_max_idle_per_host(256)
        .build()
        .unwrap();
    let password = "benchmark password";
    client
        .post(format!("{base}/api/v1/accounts"))
        .json(&json!({"username": "bench", "password": password}))
        .send()
        .await
        .unwrap();
    let session: Value = client
        .post(format!("{base}/api/v1/sessions"))
        .json(&json!({"username": "bench", "password": password}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = session["token"].as_str().unwrap().to_owned();

    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!(
        "ostrom foundation benchmark: {cores} cores, server and load generator on one machine\n"
    );
    println!("| measure | count | result | |\n|---|---|---|---|");
    sequential_latency(&client, &base, &token, 2000).await;
    let one = throughput(&client, &base, &token, 1, seconds).await;
    throughput(&client, &base, &token, 8, seconds).await;
    let many = throughput(&client, &base, &token, 64, seconds).await;
    println!("| 64 writers vs 1 | | {:.1}× | |", many / one);
    if std::env::var("OSTROM_BENCH_ONLY").as_deref() == Ok("writes") {
        return;
    }

    // About 11 KB of JSON, as in the issue that set the goal.
    let text =
        "Une économie au service des personnes, [[Coopérative|des coopératives]]. ".repeat(44);
    edit(&client, &base, &token, "Lecture", &text, None).await;
    // Reads are measured alone: first let the indexer finish the edits'
    // backlog, which would otherwise share the two cores with them.
    let waited = Instant::now();
    while metric(&client, &base, "ostrom_search_indexed_seq").await
        < metric(&client, &base, "ostrom_store_durable_seq").await
        && waited.elapsed() < Duration::from_secs(60)
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    println!(
        "| search index caught up after the edits | | {:.1} s | |",
        waited.elapsed().as_secs_f64()
    );
    let url = format!("{base}/api/v1/spaces/main/pages/Lecture");
    let renders_before = metric(&client, &base, "ostrom_renders_total").await;
    let (generator, (rate, p99)) = match wrk_available()
        .then(|| reads_with_wrk(&url, seconds * 2))
        .flatten()
    {
        Some(result) => ("wrk -t2 -c32", result),
        None => (
            "built-in client, 32 connections",
            reads_with_client(&client, &url, seconds * 2).await,
        ),
    };
    let renders = metric(&client, &base, "ostrom_renders_total").await - renders_before;
    let answer = client
        .get(&url)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    println!(
        "| page GET ({generator}) | {} B answer | {rate:.0} req/s | p99 {p99} |",
        answer.len()
    );
    println!("| renders during the GET run | | {renders} | every GET served from the cache |");
    let (html_rate, html_p99, html) = page_view(&client, &base, &token, seconds).await;
    drop(server);
    for (what, ours, ours_p99, body, goal) in [
        ("page GET (JSON)", rate, p99, answer.to_vec(), "≥ 0.5×"),
        (
            "page view (HTML)",
            html_rate,
            html_p99,
            html,
            "≥ 0.5×, p99 ≤ 5 ms",
        ),
    ] {
        if ours == 0.0 {
            continue;
        }
        if let Some((nginx_rate, nginx_p99)) = nginx_serving(&body, seconds * 2) {
            println!(
                "| nginx, the {what} bytes from a file (wrk -t2 -c32) | {} B | {nginx_rate:.0} req/s | p99 {nginx_p99} |",
                body.len()
            );
            println!(
                "| {what} / nginx | | {:.2}× (p99 {ours_p99}) | goal {goal} |",
                ours / nginx_rate
            );
        }
    }
}

/// The shared corpus's first French page of 5 to 20 KB, or a made-up one
/// when the corpus is absent: (its id, its text).
fn reading_page() -> (String, String) {
    let default = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    let root = std::env::var_os("OSTROM_SHARED_DATA").map_or(default, std::path::PathBuf::from);
    let corpus = root.join("pages/pages-shared.jsonl.gz");
    if let Ok(file) = std::fs::File::open(&corpus) {
        use std::io::BufRead;
        let lines = std::io::BufReader::new(flate2::read::GzDecoder::new(file)).lines();
        for line in lines.map_while(Result::ok) {
            let page: Value = serde_json::from_str(&line).unwrap_or_default();
            let bytes = page["bytes"].as_u64().unwrap_or(0);
            if page["lang"] == "fr" && (5_000..20_000).contains(&bytes) {
                let id = page["id"].as_str().unwrap_or_default().to_owned();
                return (id, page["markdown"].as_str().unwrap_or_default().to_owned());
            }
        }
    }
    println!("| (the shared corpus is absent: the HTML page is made up) | | | |");
    let text = "## Section\n\nUne économie au service des personnes, [[Coopérative]].\n\n";
    ("made-up".to_owned(), text.repeat(80))
}

/// Anonymous HTML views of a real page at 32 connections (wrk):
/// (requests/s, p99, the page's bytes).
async fn page_view(
    client: &Client,
    base: &str,
    token: &str,
    seconds: u64,
) -> (f64, String, Vec<u8>) {
    let (id, text) = reading_page();
    edit(client, base, token, "Lecture_HTML", &text, None).await;
    let url = format!("{base}/wiki/main/Lecture_HTML");
    let html = client
        .get(&url)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let Some((rate, p99)) = wrk_available()
        .then(|| reads_with_wrk(&url, seconds * 2))
        .flatten()
    else {
        println!("| page view (HTML) | wrk is not installed | | |");
        return (0.0, String::new(), html.to_vec());
    };
    println!(
        "| page view (HTML, wrk -t2 -c32), anonymous | {} B page ({id}, {} B of Markdown) | {rate:.0} req/s | p99 {p99} |",
        html.len(),
        text.len()
    );
    (rate, p99, html.to_vec())
}

/// nginx serving `body` as a static file, loaded like the page GET:
/// the ceiling for bytes over HTTP on this machine. `None` without nginx
/// or wrk.
fn nginx_serving(body: &[u8], seconds: u64) -> Option<(f64, String)> {
    let dir = tempfile::tempdir().ok()?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .ok()?
        .local_addr()
        .ok()?
        .port();
    std::fs::write(dir.path().join("page.json"), body).ok()?;
    // Workers may run as another user (nobody, when started as root).
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).ok()?;
    let root = dir.path().display();
    let config = format!(
        "daemon off; worker_processes auto; pid {root}/nginx.pid; error_log {root}/error.log;
         events {{ worker_connections 1024; }}
         http {{ access_log off; default_type application/json;
                 client_body_temp_path {root}; proxy_temp_path {root}; fastcgi_temp_path {root};
                 uwsgi_temp_path {root}; scgi_temp_path {root};
                 server {{ listen 127.0.0.1:{port}; root {root}; }} }}"
    );
    std::fs::write(dir.path().join("nginx.conf"), config).ok()?;
    let mut nginx = Command::new("nginx")
        .args(["-c", &format!("{root}/nginx.conf"), "-p", &root.to_string()])
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    std::thread::sleep(Duration::from_millis(500));
    let result = reads_with_wrk(&format!("http://127.0.0.1:{port}/page.json"), seconds);
    // TERM, not KILL: the master process stops its workers.
    let _ = Command::new("kill")
        .args(["-TERM", &nginx.id().to_string()])
        .status();
    let _ = nginx.wait();
    result
}

fn main() {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(run());
}
