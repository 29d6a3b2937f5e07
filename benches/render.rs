//! Rendering benchmark over the shared corpus (7,133 real Markdown pages):
//!
//! - throughput: every page rendered, single-threaded, over several passes,
//!   in MB/s of Markdown input and pages/s;
//! - latency of the largest pages: the 1% largest (at least 50) each
//!   rendered 20 times, with p50/p99/max.
//!
//! Parsing, formatting and sanitising are measured together: the public API
//! does not separate them.
//!
//! Run with `cargo bench --bench render`. The corpus is read from
//! `../shared/data` next to the crate, or from the folder `OSTROM_SHARED_DATA`
//! names; without it the benchmark says so and exits successfully.

mod support;

use std::hint::black_box;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::time::Instant;

use ostrom::model::SpaceSlug;
use ostrom::render::{AllExist, render};
use serde::Deserialize;
use support::{ms, percentile};

const CORPUS: &str = "pages/pages-shared.jsonl.gz";
const THROUGHPUT_PASSES: usize = 3;
const LATENCY_REPEATS: usize = 20;
const MIN_LARGEST_PAGES: usize = 50;

#[derive(Deserialize)]
struct Page {
    id: String,
    markdown: String,
}

fn corpus_path() -> PathBuf {
    let root = std::env::var_os("OSTROM_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data"));
    root.join(CORPUS)
}

fn load(path: &PathBuf) -> Vec<Page> {
    let file = std::fs::File::open(path).expect("open the corpus");
    BufReader::new(flate2::read::GzDecoder::new(file))
        .lines()
        .map(|line| serde_json::from_str(&line.expect("read a line")).expect("a page"))
        .collect()
}

fn render_all(pages: &[Page], space: &SpaceSlug) -> usize {
    pages
        .iter()
        .map(|page| {
            black_box(render(black_box(&page.markdown), space, &AllExist))
                .html
                .len()
        })
        .sum()
}

fn kb(bytes: usize) -> String {
    format!("{:.1} KB", bytes as f64 / 1024.0)
}

fn main() {
    let path = corpus_path();
    if !path.exists() {
        println!(
            "render benchmark skipped: {} is absent (set OSTROM_SHARED_DATA to the shared data folder)",
            path.display()
        );
        return;
    }
    let pages = load(&path);
    let space = SpaceSlug::main();
    let input_bytes: usize = pages.iter().map(|p| p.markdown.len()).sum();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());

    // Warm-up: one pass, not measured.
    let output_bytes = render_all(&pages, &space);

    let started = Instant::now();
    for _ in 0..THROUGHPUT_PASSES {
        black_box(render_all(&pages, &space));
    }
    let elapsed = started.elapsed().as_secs_f64();
    let megabytes = (input_bytes * THROUGHPUT_PASSES) as f64 / 1e6;
    let rendered_pages = (pages.len() * THROUGHPUT_PASSES) as f64;

    let mut by_size: Vec<&Page> = pages.iter().collect();
    by_size.sort_by_key(|page| std::cmp::Reverse(page.markdown.len()));
    let largest = &by_size[..(pages.len() / 100).max(MIN_LARGEST_PAGES).min(pages.len())];
    let mut timings = Vec::with_capacity(largest.len() * LATENCY_REPEATS);
    for page in largest {
        for _ in 0..LATENCY_REPEATS {
            let started = Instant::now();
            black_box(render(black_box(&page.markdown), &space, &AllExist));
            timings.push(started.elapsed());
        }
    }
    timings.sort();
    let smallest_of_largest = largest.last().map_or(0, |p| p.markdown.len());

    println!("# Rendering benchmark\n");
    println!(
        "{} pages, {:.1} MB of Markdown in, {:.1} MB of HTML out; single-threaded on a machine with {cores} cores.\n",
        pages.len(),
        input_bytes as f64 / 1e6,
        output_bytes as f64 / 1e6
    );
    println!("| measure | value |");
    println!("| --- | --- |");
    println!(
        "| throughput ({THROUGHPUT_PASSES} passes over the corpus) | {:.1} MB/s, {:.0} pages/s |",
        megabytes / elapsed,
        rendered_pages / elapsed
    );
    println!(
        "| largest pages | {} pages, {} to {} (largest: {}) |",
        largest.len(),
        kb(smallest_of_largest),
        kb(largest[0].markdown.len()),
        largest[0].id
    );
    println!(
        "| latency of the largest pages ({LATENCY_REPEATS} renders each) | p50 {}, p99 {}, max {} |",
        ms(percentile(&timings, 50.0)),
        ms(percentile(&timings, 99.0)),
        ms(timings.last().copied().unwrap_or_default())
    );
}
