//! Search benchmark: starts the release binary on temporary data folders and
//! measures, over real HTTP on loopback:
//!
//! - loading `OSTROM_BENCH_PAGES` pages (default 50,000: the 7,133 shared pages,
//!   then copies with slug `<id>-<k>` and a title of their own) with 64
//!   concurrent writers, until the search index has caught up;
//! - search latency for 2,000 deterministic queries drawn from the corpus
//!   (titles, title + word, body words, phrases; French and English; ~20% with
//!   a typo): each once on 1 connection, then round-robin on 16 connections
//!   for `OSTROM_BENCH_SECONDS` (default 10); the same on the first 1,000 pages;
//! - the web interface's search page (`/search`, HTML) for the same queries,
//!   on 1 connection, at the full size;
//! - `ostrom reindex` in pages/s, and the index size against the Markdown.
//!
//! Run with `cargo bench --bench search`. The corpus is read from
//! `../shared/data`, or the folder `OSTROM_SHARED_DATA` names; without it the
//! benchmark says so and exits successfully.

mod support;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::Client;
use serde::Deserialize;
use serde_json::{Value, json};
use support::Server;

const CORPUS: &str = "pages/pages-shared.jsonl.gz";
const WRITERS: usize = 64;
const QUERIES: usize = 2_000;
const READERS: usize = 16;
const SMALL: usize = 1_000;
const INDEX_DEADLINE: Duration = Duration::from_secs(1800);

#[derive(Deserialize)]
struct Page {
    id: String,
    lang: String,
    title: String,
    markdown: String,
}

/// splitmix64: the query list is the same on every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let z = (self.0 ^ (self.0 >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        let z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) % n.max(1) as u64) as usize
    }
}

struct Stats {
    p50: f64,
    p99: f64,
    rate: f64,
}

impl Stats {
    fn new(mut latencies: Vec<Duration>, elapsed: Duration) -> Self {
        latencies.sort();
        let at = |p: f64| {
            let rank = (p * latencies.len() as f64).ceil() as usize;
            latencies[rank.clamp(1, latencies.len()) - 1].as_secs_f64() * 1e3
        };
        let rate = latencies.len() as f64 / elapsed.as_secs_f64();
        let (p50, p99) = (at(0.5), at(0.99));
        Self { p50, p99, rate }
    }

    fn show(&self) -> String {
        let Self { p50, p99, rate } = self;
        format!("p50 {p50:.2} ms, p99 {p99:.2} ms, {rate:.0} req/s")
    }
}

/// "met", or by how much `value` misses its bound.
fn verdict(value: f64, bound: f64, at_most: bool, unit: &str) -> String {
    if (at_most && value <= bound) || (!at_most && value >= bound) {
        return "met".to_owned();
    }
    let (by, times) = ((value - bound).abs(), value / bound);
    format!("**missed** by {by:.2} {unit} ({times:.2}×)")
}

fn env_number(name: &str, default: usize) -> usize {
    let value = std::env::var(name).ok();
    value.and_then(|s| s.parse().ok()).unwrap_or(default)
}

/// Copy `k` of `page`: copy 0 is the page itself; later ones get the slug
/// `<id>-<k>` and, unless the page has front matter, the title `<title> (<k>)`.
fn copy(page: &Page, k: usize) -> (String, String) {
    let (slug, text) = (page.id.replace('/', "-"), page.markdown.clone());
    let title = serde_json::to_string(&format!("{} ({k})", page.title)).unwrap();
    match k {
        0 => (slug, text),
        _ if text.starts_with("---\n") => (format!("{slug}-{k}"), text),
        _ => (
            format!("{slug}-{k}"),
            format!("---\ntitle: {title}\n---\n{text}"),
        ),
    }
}

/// A plain word, without the punctuation around it.
fn word(token: &str) -> Option<&str> {
    let w = token.trim_matches(|c| ".,;:!?()*_\"«»".contains(c));
    (!w.is_empty() && w.chars().all(char::is_alphabetic)).then_some(w)
}

/// The body's lines as tokens, `Some` for plain words (front matter left out).
fn tokens(markdown: &str) -> Vec<Vec<Option<&str>>> {
    let body = (markdown.strip_prefix("---\n"))
        .and_then(|rest| rest.split_once("\n---\n"))
        .map_or(markdown, |(_, body)| body);
    let line = |line| str::split_whitespace(line).map(word).collect();
    body.lines().map(line).collect()
}

/// Swaps two adjacent letters (not the first) of one word of 5+ letters.
fn typo(query: &str, rng: &mut Rng) -> Option<String> {
    let mut words: Vec<Vec<char>> = query.split(' ').map(|w| w.chars().collect()).collect();
    let long: Vec<usize> = (0..words.len()).filter(|&i| words[i].len() >= 5).collect();
    let chosen = &mut words[*long.get(rng.below(long.len()))?];
    let spots: Vec<usize> = (1..chosen.len() - 1)
        .filter(|&i| chosen[i] != chosen[i + 1] && chosen[i + 1].is_alphabetic())
        .collect();
    let at = *spots.get(rng.below(spots.len()))?;
    chosen.swap(at, at + 1);
    let words: Vec<String> = words.iter().map(|w| w.iter().collect()).collect();
    Some(words.join(" "))
}

/// Two or three adjacent plain words of a line, quoted.
fn phrase(lines: &[Vec<Option<&str>>], rng: &mut Rng) -> Option<String> {
    let line = lines.get(rng.below(lines.len()))?;
    let len = 2 + rng.below(2);
    let start = rng.below(line.len().saturating_sub(len) + 1);
    let words: Option<Vec<&str>> = line.get(start..start + len)?.iter().copied().collect();
    Some(format!("\"{}\"", words?.join(" ")))
}

/// About 30% French: titles, title + body word, two body words, phrases;
/// ~20% with a typo. Returns the list and (French, typos, phrases).
fn queries(corpus: &[Page]) -> (Vec<String>, [usize; 3]) {
    let (fr, en): (Vec<&Page>, Vec<&Page>) = corpus.iter().partition(|p| p.lang == "fr");
    let (mut rng, mut list, mut mix) = (Rng(2024), Vec::new(), [0; 3]);
    while list.len() < QUERIES {
        let pages = if rng.below(10) < 3 { &fr } else { &en };
        let page = pages[rng.below(pages.len())];
        let title: Vec<String> = (page.title.split_whitespace())
            .map(|w| w.replace('"', "").trim_start_matches('-').to_owned())
            .collect();
        let lines = tokens(&page.markdown);
        let words = lines.iter().flatten().flatten();
        let body: Vec<&str> = words.filter(|w| w.chars().count() >= 4).copied().collect();
        let pick = |rng: &mut Rng| body.get(rng.below(body.len())).copied().unwrap_or_default();
        let (long, short) = (&title[..title.len().min(6)], &title[..title.len().min(3)]);
        let query = match rng.below(100) {
            0..35 => long.join(" "),
            35..55 => format!("{} {}", short.join(" "), pick(&mut rng)),
            55..90 => format!("{} {}", pick(&mut rng), pick(&mut rng)),
            _ => phrase(&lines, &mut rng).unwrap_or_default(),
        };
        let mut query = query.split_whitespace().collect::<Vec<_>>().join(" ");
        if !query.chars().any(char::is_alphabetic) {
            continue;
        }
        if query.starts_with('"') {
            mix[2] += 1;
        } else if rng.below(100) < 22
            && let Some(misspelt) = typo(&query, &mut rng)
        {
            query = misspelt;
            mix[1] += 1;
        }
        mix[0] += usize::from(page.lang == "fr");
        list.push(query);
    }
    (list, mix)
}

async fn put(client: &Client, base: &str, token: &str, slug: &str, text: &str) {
    let slug = utf8_percent_encode(slug, NON_ALPHANUMERIC);
    let url = format!("{base}/api/v1/spaces/main/pages/{slug}");
    let body = json!({"markdown": text, "summary": "bench"});
    let response = client.put(url).bearer_auth(token).json(&body).send();
    let response = response.await.unwrap();
    let status = response.status();
    let detail = response.text().await.unwrap_or_default();
    assert!(status.is_success(), "writing {slug}: {status} {detail}");
}

/// Loads `count` pages with WRITERS concurrent writers (page `i` is copy
/// `i / corpus.len()` of corpus page `i % corpus.len()`), until the search
/// index has caught up: (Markdown bytes, seconds until acknowledged, until
/// every durable event is searchable).
async fn populate(client: &Client, base: &str, corpus: &[Page], count: usize) -> (usize, f64, f64) {
    let account = json!({"username": "bench", "password": "benchmark password"});
    let accounts = format!("{base}/api/v1/accounts");
    client.post(accounts).json(&account).send().await.unwrap();
    let sessions = format!("{base}/api/v1/sessions");
    let session = client.post(sessions).json(&account).send().await.unwrap();
    let session: Value = session.json().await.unwrap();
    let token = session["token"].as_str().unwrap();
    let started = Instant::now();
    let sizes: Vec<usize> = futures_util::stream::iter(0..count)
        .map(|i| async move {
            let (slug, text) = copy(&corpus[i % corpus.len()], i / corpus.len());
            put(client, base, token, &slug, &text).await;
            text.len()
        })
        .buffer_unordered(WRITERS)
        .collect()
        .await;
    let acknowledged = started.elapsed().as_secs_f64();
    let gauge = |text: &str, name: &str| -> u64 {
        let mut lines = text.lines();
        let value = lines.find_map(|l| l.strip_prefix(name)?.strip_prefix(' '));
        value.and_then(|n| n.trim().parse().ok()).unwrap_or(0)
    };
    loop {
        let metrics = client.get(format!("{base}/metrics")).send().await.unwrap();
        let text = metrics.text().await.unwrap();
        let durable = gauge(&text, "ostrom_store_durable_seq");
        if durable > 0 && gauge(&text, "ostrom_search_indexed_seq") >= durable {
            break;
        }
        assert!(started.elapsed() < INDEX_DEADLINE, "the index is behind");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let indexed = started.elapsed().as_secs_f64();
    (sizes.iter().sum(), acknowledged, indexed)
}

/// Where a search is asked: the JSON API, or the web interface's page.
#[derive(Clone, Copy, PartialEq)]
enum Front {
    Api,
    Page,
}

/// One search: its latency and its `total` (the API's; 1 for a page).
async fn search(client: &Client, base: &str, q: &str, front: Front) -> (Duration, u64) {
    let started = Instant::now();
    let request = match front {
        Front::Api => client
            .get(format!("{base}/api/v1/search"))
            .query(&[("q", q), ("limit", "10")]),
        Front::Page => client
            .get(format!("{base}/search"))
            .query(&[("q", q), ("fulltext", "1")]),
    };
    let response = request.send().await.unwrap();
    let status = response.status();
    let body = response.bytes().await.unwrap();
    let elapsed = started.elapsed();
    assert!(status.is_success(), "search {q:?}: {status}");
    if front == Front::Page {
        return (elapsed, 1);
    }
    let answer: Value = serde_json::from_slice(&body).unwrap();
    (elapsed, answer["total"].as_u64().unwrap_or(0))
}

/// One pass through the list on one connection (`secs` = 0), or READERS
/// connections taking the next query in turn for `secs`: (stats, found).
async fn measure(
    client: &Client,
    base: &str,
    list: &Arc<[String]>,
    secs: u64,
    front: Front,
) -> (Stats, usize) {
    let next = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let tasks: Vec<_> = (0..if secs == 0 { 1 } else { READERS })
        .map(|_| {
            let (client, base, list) = (client.clone(), base.to_owned(), list.clone());
            let (next, stop) = (next.clone(), stop.clone());
            tokio::spawn(async move {
                let mut answers = Vec::new();
                while !stop.load(Ordering::Relaxed) {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if secs == 0 && i >= list.len() {
                        break;
                    }
                    answers.push(search(&client, &base, &list[i % list.len()], front).await);
                }
                answers
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(secs)).await;
    stop.store(secs > 0, Ordering::Relaxed);
    let mut answers = Vec::new();
    for task in tasks {
        answers.extend(task.await.unwrap());
    }
    let found = answers.iter().filter(|(_, total)| *total > 0).count();
    let latencies = answers.into_iter().map(|(latency, _)| latency).collect();
    (Stats::new(latencies, started.elapsed()), found)
}

/// `ostrom reindex` on a stopped server's folder: (its line and wall time,
/// the pages/s it reports).
fn reindex(data: &Path) -> (String, f64) {
    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_ostrom"))
        .args(["reindex", "--data"])
        .arg(data)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run ostrom reindex");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "reindex failed: {stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut lines = stdout.lines();
    let line = lines.find(|l| l.starts_with("indexed ")).unwrap();
    let rate = line.split_once('(').map_or("", |(_, r)| r);
    let rate = rate.split(' ').next().and_then(|n| n.parse().ok());
    let wall = started.elapsed().as_secs_f64();
    (
        format!("{line} ({wall:.1} s for the process)"),
        rate.unwrap_or(0.0),
    )
}

/// Bytes of the files under `path`.
fn size_on_disk(path: &Path) -> u64 {
    let entries = std::fs::read_dir(path).into_iter().flatten().flatten();
    let size = |entry: std::fs::DirEntry| match entry.metadata() {
        Ok(meta) if meta.is_dir() => size_on_disk(&entry.path()),
        Ok(meta) => meta.len(),
        Err(_) => 0,
    };
    entries.map(size).sum()
}

async fn run() {
    let default = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    let root = std::env::var_os("OSTROM_SHARED_DATA");
    let path = root.map_or(default, PathBuf::from).join(CORPUS);
    let Ok(file) = std::fs::File::open(&path) else {
        let path = path.display();
        println!("search benchmark skipped: {path} is absent (set OSTROM_SHARED_DATA)");
        return;
    };
    let lines = BufReader::new(flate2::read::GzDecoder::new(file)).lines();
    let parse = |line: std::io::Result<String>| serde_json::from_str(&line.unwrap()).unwrap();
    let corpus: Vec<Page> = lines.map(parse).collect();
    let count = env_number("OSTROM_BENCH_PAGES", 50_000);
    let secs = env_number("OSTROM_BENCH_SECONDS", 10) as u64;
    let (queries, [french, typos, phrases]) = queries(&corpus);
    let n = queries.len();
    let queries: Arc<[String]> = queries.into();
    let client = Client::builder().pool_max_idle_per_host(256).build();
    let client = client.unwrap();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!("ostrom search benchmark: {cores} cores, server and load generator on one machine\n");
    println!("| measure | data | result | target |\n|---|---|---|---|");
    println!("| queries | | {n}: {french} French, {typos} with a typo, {phrases} phrases | |");

    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path());
    let (bytes, _, indexed) = populate(&client, &server.base, &corpus, SMALL).await;
    let (small, found) = measure(&client, &server.base, &queries, 0, Front::Api).await;
    server.stop();
    drop(data);
    let size = format!("{SMALL} pages, {:.1} MB", bytes as f64 / 1e6);
    let result = small.show();
    println!("| load, {WRITERS} writers | {size} | indexed in {indexed:.1} s | |");
    let p50 = verdict(small.p50, 1.0, true, "ms");
    let p99 = verdict(small.p99, 3.0, true, "ms");
    let target = format!("p50 ≤ 1 ms: {p50}; p99 ≤ 3 ms: {p99}");
    println!("| search, 1 connection | {SMALL} pages | {result}; {found} found | {target} |");

    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path());
    let (bytes, acked, indexed) = populate(&client, &server.base, &corpus, count).await;
    let mb = bytes as f64 / 1e6;
    let rates = (count as f64 / acked, count as f64 / indexed);
    let load = format!("acknowledged in {acked:.1} s ({:.0} pages/s)", rates.0);
    let load = format!("{load}, indexed in {indexed:.1} s ({:.0} pages/s)", rates.1);
    println!("| corpus | {count} pages | {mb:.1} MB of Markdown | |");
    println!("| load, {WRITERS} writers | {count} pages | {load} | |");
    let (one, found) = measure(&client, &server.base, &queries, 0, Front::Api).await;
    let result = one.show();
    println!("| search, 1 connection | {count} pages | {result}; {found} found | |");
    let (page, _) = measure(&client, &server.base, &queries, 0, Front::Page).await;
    let (result, p50) = (page.show(), verdict(page.p50, 2.0, true, "ms"));
    println!("| search page (HTML), 1 connection | {count} pages | {result} | p50 ≤ 2 ms: {p50} |");
    let (many, _) = measure(&client, &server.base, &queries, secs, Front::Api).await;
    let (result, p99) = (many.show(), verdict(many.p99, 20.0, true, "ms"));
    let measure = format!("search, {READERS} connections, {secs} s");
    println!("| {measure} | {count} pages | {result} | p99 ≤ 20 ms: {p99} |");
    server.stop();
    let live = size_on_disk(&data.path().join("index"));
    let (line, rate) = reindex(data.path());
    let rebuilt = size_on_disk(&data.path().join("index"));
    let met = verdict(rate, 2000.0, false, "pages/s");
    println!("| ostrom reindex | {count} pages | {line} | ≥ 2,000 pages/s: {met} |");
    for (when, size) in [("after the live load", live), ("after reindex", rebuilt)] {
        let (index, ratio) = (size as f64 / 1e6, size as f64 / bytes as f64);
        println!("| index, {when} | {count} pages | {index:.1} MB, {ratio:.2}× the Markdown | |");
    }
}

fn main() {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(run());
}
