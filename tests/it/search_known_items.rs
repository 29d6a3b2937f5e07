//! Known-item search over the whole shared corpus (7,133 real pages, French
//! and English), over HTTP. For 240 pages, half French, a query made of the
//! page's title and its most distinctive word is run as typed, without
//! accents, and with two adjacent letters swapped; the page must come in the
//! top ten (success@10 targets 0.95, 0.90 and 0.85).

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::time::Instant;

use futures_util::StreamExt;
use futures_util::stream;
use ostrom::search::analysis::{fold, is_stop_word};
use ostrom::service::EditRequest;
use serde::Deserialize;
use serde_json::Value;

use crate::support::TestApp;

#[derive(Deserialize, Clone)]
struct CorpusPage {
    id: String,
    lang: String,
    title: String,
    markdown: String,
}

fn slug_of(id: &str) -> String {
    id.replace('/', "-")
}

/// The page as imported: its natural title given in front matter unless
/// it has a front matter already.
fn imported_markdown(page: &CorpusPage) -> String {
    if page.markdown.starts_with("---\n") {
        page.markdown.clone()
    } else {
        let title = serde_json::to_string(&page.title).unwrap();
        format!("---\ntitle: {title}\n---\n{}", page.markdown)
    }
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphabetic())
        .filter(|w| (6..=14).contains(&w.chars().count()))
        .map(|w| fold(&w.to_lowercase()))
        .filter(|w| !is_stop_word(w))
        .collect()
}

/// The targets: a spread of each source and language.
fn targets(pages: &[CorpusPage]) -> Vec<&CorpusPage> {
    let mut chosen = Vec::new();
    for (prefix, count) in [
        ("tldr/fr/", 70),
        ("tldr/en/", 70),
        ("react/fr/", 30),
        ("react/en/", 30),
        ("rust-book/fr/", 20),
        ("rust-book/en/", 20),
    ] {
        let pool: Vec<&CorpusPage> = pages.iter().filter(|p| p.id.starts_with(prefix)).collect();
        let step = (pool.len() / count).max(1);
        chosen.extend(pool.into_iter().step_by(step).take(count));
    }
    chosen
}

/// Title plus the page's rarest word (seen in at least two pages of the corpus).
fn query_for(page: &CorpusPage, frequency: &HashMap<String, usize>) -> String {
    let title_words: Vec<String> = words(&page.title);
    let rarest = words(&page.markdown)
        .into_iter()
        .filter(|w| !title_words.contains(w))
        .filter(|w| frequency.get(w).is_some_and(|n| *n >= 2))
        .min_by_key(|w| (frequency[w], w.clone()));
    match rarest {
        Some(word) => format!("{} {word}", page.title),
        None => page.title.clone(),
    }
}

/// The query with two adjacent letters of its longest word swapped.
fn with_typo(query: &str) -> String {
    let longest = query
        .split_whitespace()
        .filter(|w| w.chars().all(char::is_alphabetic))
        .max_by_key(|w| w.chars().count())
        .unwrap_or_default();
    let letters: Vec<char> = longest.chars().collect();
    if letters.len() < 4 {
        return query.to_owned();
    }
    let mut swapped = letters.clone();
    let middle = letters.len() / 2;
    swapped.swap(middle - 1, middle);
    let typo: String = swapped.into_iter().collect();
    query.replacen(longest, &typo, 1)
}

fn without_accents(query: &str) -> String {
    query
        .split(' ')
        .map(|w| {
            if w.chars().all(char::is_alphanumeric) {
                fold(w)
            } else {
                w.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

async fn rank_of(app: &TestApp, query: &str, slug: &str) -> Option<usize> {
    let results: Value = app
        .client
        .get(app.url("/api/v1/search"))
        .query(&[("q", query), ("limit", "10")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    results["hits"]
        .as_array()
        .unwrap()
        .iter()
        .position(|hit| hit["slug"] == slug)
        .map(|i| i + 1)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn known_items_are_found_with_accents_without_and_with_a_typo() {
    let Some(path) = crate::support::shared_data("pages/pages-shared.jsonl.gz") else {
        return;
    };
    let file = std::fs::File::open(path).unwrap();
    let pages: Vec<CorpusPage> = BufReader::new(flate2::read::GzDecoder::new(file))
        .lines()
        .map(|line| serde_json::from_str(&line.unwrap()).unwrap())
        .collect();
    let mut frequency: HashMap<String, usize> = HashMap::new();
    for page in &pages {
        let mut distinct = words(&page.markdown);
        distinct.sort();
        distinct.dedup();
        for word in distinct {
            *frequency.entry(word).or_default() += 1;
        }
    }

    let app = TestApp::spawn().await;
    let admin = app.user("importer").await;
    let actor = app.app().authenticate(&admin.token).unwrap().unwrap().actor;
    let started = Instant::now();
    stream::iter(&pages)
        .for_each_concurrent(16, |page| {
            let (app, actor) = (app.app(), &actor);
            async move {
                let edit = EditRequest {
                    markdown: imported_markdown(page),
                    summary: Some("import".to_owned()),
                    base: None,
                };
                app.save_page(actor, "main", &slug_of(&page.id), edit)
                    .await
                    .unwrap();
            }
        })
        .await;
    app.wait_for_index().await;
    let loaded = started.elapsed();

    let targets = targets(&pages);
    let mut tally: HashMap<(&str, &str), (usize, usize, usize)> = HashMap::new();
    for page in &targets {
        let query = query_for(page, &frequency);
        let slug = slug_of(&page.id);
        for (variant, text) in [
            ("accents", query.clone()),
            ("no accents", without_accents(&query)),
            ("typo", with_typo(&query)),
        ] {
            let rank = rank_of(&app, &text, &slug).await;
            let entry = tally.entry((variant, page.lang.as_str())).or_default();
            entry.0 += 1;
            entry.1 += usize::from(rank == Some(1));
            entry.2 += usize::from(rank.is_some());
        }
    }

    let mut report = format!(
        "known-item search over {} pages (loaded and indexed in {:.1} s), {} queries:\n",
        pages.len(),
        loaded.as_secs_f64(),
        targets.len()
    );
    let mut at_ten = HashMap::new();
    for variant in ["accents", "no accents", "typo"] {
        let (mut n, mut one, mut ten) = (0, 0, 0);
        for lang in ["fr", "en"] {
            let (count, first, top) = tally.get(&(variant, lang)).copied().unwrap_or_default();
            report.push_str(&format!(
                "  {variant:10} {lang}: success@1 {:.3}  success@10 {:.3}  ({count} queries)\n",
                first as f64 / count as f64,
                top as f64 / count as f64
            ));
            (n, one, ten) = (n + count, one + first, ten + top);
        }
        report.push_str(&format!(
            "  {variant:10} all: success@1 {:.3}  success@10 {:.3}\n",
            one as f64 / n as f64,
            ten as f64 / n as f64
        ));
        at_ten.insert(variant, ten as f64 / n as f64);
    }
    let _ = write!(std::io::stderr().lock(), "{report}");
    let french = targets.iter().filter(|p| p.lang == "fr").count();
    assert!(
        targets.len() >= 200 && french * 2 >= targets.len() - 10,
        "{report}"
    );
    assert!(at_ten["accents"] >= 0.95, "{report}");
    assert!(at_ten["no accents"] >= 0.90, "{report}");
    assert!(at_ten["typo"] >= 0.85, "{report}");
}
