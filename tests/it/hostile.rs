//! Hostile input: what one request can make the server do is bounded.
//! Front matter bombs, deep nesting, huge diffs and stale merges are
//! refused with a clear 4xx or answered correctly, and meanwhile `/healthz`
//! and ordinary page reads keep answering.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ostrom::diff::{Hunk, apply_hunks};
use ostrom::model::RevisionKind;
use ostrom::store::{Expected, NewRevision};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestApp, User, expect_problem, json_of, page_path};

/// Ten kilobytes of YAML whose aliases would expand to billions of nodes.
fn yaml_bomb() -> String {
    let mut yaml = String::from("---\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..12 {
        let previous = format!("*a{}", level - 1);
        let items = vec![previous; 40].join(", ");
        yaml.push_str(&format!("a{level}: &a{level} [{items}]\n"));
    }
    yaml.push_str("---\n# Page\n");
    yaml
}

/// The hostile pages of the issue that filed this, and the field blamed.
fn hostile_pages() -> Vec<(&'static str, String, &'static str)> {
    let distinct_bold: String = (0..10_000).map(|i| format!("<b title=\"{i}\">")).collect();
    vec![
        ("front matter bomb", yaml_bomb(), "front_matter"),
        ("nested divs", "<div>".repeat(50_000), "markdown"),
        (
            "nested quotes",
            format!("{} x\n", ">".repeat(50_000)),
            "markdown",
        ),
        ("distinct bold", distinct_bold, "markdown"),
        (
            "nested lists",
            (0..70)
                .map(|depth| format!("{}- x\n", "  ".repeat(depth)))
                .collect(),
            "markdown",
        ),
    ]
}

async fn preview(who: &User<'_>, markdown: &str) -> reqwest::Response {
    who.send(
        Method::POST,
        "/api/v1/render",
        json!({ "markdown": markdown }),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_over_the_rendering_budget_are_refused_naming_why() {
    let app = TestApp::spawn().await;
    let admin = app.user("admin").await; // exempt from the preview rate
    for (name, markdown, field) in hostile_pages() {
        for response in [
            preview(&admin, &markdown).await,
            admin.put_page("main", "Hostile", &markdown, None).await,
        ] {
            let problem = expect_problem(response, StatusCode::BAD_REQUEST, "invalid_input").await;
            assert_eq!(problem["field"], field, "{name}: {problem}");
        }
    }
    let problem = expect_problem(
        preview(&admin, &"<div>".repeat(100)).await,
        StatusCode::BAD_REQUEST,
        "invalid_input",
    )
    .await;
    assert!(
        problem["detail"].as_str().unwrap().contains("line 1")
            && problem["detail"].as_str().unwrap().contains("64 deep"),
        "{problem}"
    );
    // Small front matter with references is refused too; plain YAML is fine.
    let anchored = "---\ntitle: &t Titre\n---\ntexte\n";
    let problem = expect_problem(
        preview(&admin, anchored).await,
        StatusCode::BAD_REQUEST,
        "invalid_input",
    )
    .await;
    assert_eq!(problem["field"], "front_matter");
    let plain = json_of(preview(&admin, "---\ntitle: Titre\n---\ntexte\n").await).await;
    assert_eq!(plain["front_matter"]["title"], "Titre");
    // At the limit of nesting, a page is fine.
    let deep_enough = format!("{} x\n", "> ".repeat(60));
    assert_eq!(
        admin
            .put_page("main", "Profond", &deep_enough, None)
            .await
            .status(),
        StatusCode::CREATED
    );
    // Nothing hostile was stored.
    let hostile = app.get(&page_path("main", "Hostile")).await;
    expect_problem(hostile, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_stored_with_a_bomb_shows_it_as_text() {
    let app = TestApp::spawn().await;
    let admin = app.user("admin").await;
    admin.edit("main", "Avant", "rien\n", None).await;
    // Written before the budget existed: straight into the store.
    let legacy = format!("{}\n{}", yaml_bomb(), "<div>".repeat(20_000));
    let revision = NewRevision {
        kind: RevisionKind::Create,
        ..NewRevision::published("Ancienne", Expected::Absent, 1, &legacy).unwrap()
    };
    app.app().store().append_revision(revision).await.unwrap();
    let started = Instant::now();
    let page = json_of(app.get(&page_path("main", "Ancienne")).await).await;
    let html = page["html"].as_str().unwrap();
    assert!(html.contains("<pre><code>---\na0: &amp;a0"), "{html}");
    assert!(html.len() < 100_000, "the aliases were never expanded");
    assert_eq!(page["title"], "Ancienne");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "reading it took {:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn previews_are_limited_to_thirty_a_minute_per_client() {
    let app = TestApp::spawn().await;
    let admin = app.user("admin").await;
    let bob = app.user("bob").await;
    for _ in 0..30 {
        assert_eq!(preview(&bob, "x").await.status(), StatusCode::OK);
    }
    let limited = preview(&bob, "x").await;
    assert!(limited.headers().contains_key("retry-after"));
    expect_problem(limited, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    for _ in 0..40 {
        assert_eq!(preview(&admin, "x").await.status(), StatusCode::OK);
    }
}

fn short_lines(seed: &str, count: usize) -> String {
    (0..count).map(|i| format!("{seed}{}\n", i % 7)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diffs_of_large_different_revisions_are_correct() {
    let app = TestApp::spawn().await;
    let admin = app.user("admin").await;
    let (old, new) = (short_lines("a", 40_000), short_lines("b", 40_000));
    let first = admin.edit("main", "Grande", &old, None).await;
    let second = admin.edit("main", "Grande", &new, Some(first)).await;
    let path = format!(
        "{}/diff?from={first}&to={second}",
        page_path("main", "Grande")
    );
    let diff = json_of(app.get(&path).await).await;
    let hunks: Vec<Hunk> = diff["hunks"]
        .as_array()
        .unwrap()
        .iter()
        .map(hunk_of)
        .collect();
    assert_eq!(apply_hunks(&old, &hunks).as_deref(), Some(new.as_str()));
}

fn hunk_of(value: &Value) -> Hunk {
    let lines = value["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|line| ostrom::diff::HunkLine {
            op: match line["op"].as_str().unwrap() {
                "context" => ostrom::diff::LineOp::Context,
                "delete" => ostrom::diff::LineOp::Delete,
                _ => ostrom::diff::LineOp::Insert,
            },
            text: line["text"].as_str().unwrap().to_owned(),
        })
        .collect();
    let number = |key: &str| value[key].as_u64().unwrap() as usize;
    Hunk {
        old_start: number("old_start"),
        old_lines: number("old_lines"),
        new_start: number("new_start"),
        new_lines: number("new_lines"),
        lines,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stale_edits_are_decided_before_they_are_merged() {
    let app = TestApp::spawn().await;
    let steward = app.user("steward").await;
    let outsider = app.user("outsider").await;
    steward
        .create_space("ferme", None, json!({"join": "invite"}))
        .await;
    let first = steward.edit("ferme", "Plan", "un\ndeux\n", None).await;
    steward
        .edit("ferme", "Plan", "UN\ndeux\n", Some(first))
        .await;
    // Overlapping with the head: a member would get 409 with the merged
    // text; an outsider gets the engine's answer, and no text at all.
    let response = outsider
        .put_page("ferme", "Plan", "uno\ndeux\n", Some(first))
        .await;
    let problem = expect_problem(response, StatusCode::FORBIDDEN, "not_member").await;
    assert!(problem.get("merged").is_none(), "{problem}");
}

/// Sends one hostile request after another until `stop`; returns the
/// statuses seen.
async fn abuse(app: Arc<TestApp>, token: String, round: usize, stop: Arc<AtomicBool>) -> Vec<u16> {
    let pages = hostile_pages();
    let mut statuses = Vec::new();
    let mut turn = round;
    while !stop.load(Ordering::Relaxed) {
        let request = match turn % 3 {
            0 => {
                let (_, markdown, _) = &pages[turn % pages.len()];
                app.request(Method::POST, "/api/v1/render")
                    .bearer_auth(&token)
                    .json(&json!({ "markdown": markdown }))
            }
            1 => app.request(
                Method::GET,
                &format!("{}/diff?from=1&to=2", page_path("main", "Grande")),
            ),
            _ => app
                .request(Method::PUT, &page_path("main", "Grande"))
                .bearer_auth(&token)
                .json(&json!({"markdown": short_lines("c", 40_000), "base_revision": 1})),
        };
        statuses.push(request.send().await.expect("an answer").status().as_u16());
        turn += 1;
    }
    statuses
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_keeps_answering_while_it_is_abused() {
    let app = Arc::new(TestApp::spawn().await);
    let admin = app.user("admin").await;
    let first = admin
        .edit("main", "Grande", &short_lines("a", 40_000), None)
        .await;
    admin
        .edit("main", "Grande", &short_lines("b", 40_000), Some(first))
        .await;
    admin.edit("main", "Accueil", "Bienvenue.\n", None).await;
    let stop = Arc::new(AtomicBool::new(false));
    let attackers: Vec<_> = (0..8)
        .map(|round| {
            tokio::spawn(abuse(
                Arc::clone(&app),
                admin.token.clone(),
                round,
                Arc::clone(&stop),
            ))
        })
        .collect();
    let mut slowest = Duration::ZERO;
    let watch_until = Instant::now() + Duration::from_secs(8);
    while Instant::now() < watch_until {
        for path in ["/healthz", &page_path("main", "Accueil")] {
            let started = Instant::now();
            let response = app.get(path).await;
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            slowest = slowest.max(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.store(true, Ordering::Relaxed);
    let mut statuses = Vec::new();
    for attacker in attackers {
        statuses.extend(attacker.await.unwrap());
    }
    assert!(!statuses.is_empty());
    for status in &statuses {
        assert!(
            matches!(status, 200 | 400 | 409 | 429),
            "a hostile request got {status}"
        );
    }
    eprintln!(
        "abuse: {} hostile requests, slowest health check or read {slowest:?}",
        statuses.len()
    );
    // Each answer waits for at most a round of the CPU pool, never for the
    // whole burst (without the pool, a worker stalled for seconds).
    assert!(
        slowest < Duration::from_millis(1500),
        "the slowest health check or page read took {slowest:?}"
    );
}

/// Markdown made of generated hostile parts: nesting of every kind,
/// alias structures, long lines.
fn hostile_markdown() -> impl Strategy<Value = String> {
    let opener = proptest::sample::select(vec![
        "> ",
        "- ",
        "1. ",
        "* ",
        "<div>",
        "<b title=\"t\">",
        "<span>",
        "<li>",
        "<td>",
        "**",
        "[",
    ]);
    let nesting =
        (opener, 1usize..400).prop_map(|(unit, depth)| format!("{}x\n\n", unit.repeat(depth)));
    let aliases = (1usize..30).prop_map(|width| {
        let mut yaml = String::from("---\nbase: &b [x, y]\n");
        for level in 0..6 {
            yaml.push_str(&format!("l{level}: {}\n", vec!["*b"; width].join(", ")));
        }
        yaml + "---\n"
    });
    let long_line = (1usize..200_000).prop_map(|length| format!("{}\n", "é".repeat(length / 2)));
    let parts = proptest::collection::vec(
        proptest::prop_oneof![nesting, long_line, "[a-z <>*#`|\\-\n]{0,200}"],
        1..6,
    );
    (proptest::option::of(aliases), parts)
        .prop_map(|(front_matter, parts)| front_matter.unwrap_or_default() + &parts.concat())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_hostile_pages_get_a_clear_answer() {
    let app = TestApp::spawn().await;
    let admin = app.user("admin").await;
    let mut runner = TestRunner::deterministic();
    let strategy = hostile_markdown();
    for case in 0..40 {
        let markdown = strategy.new_tree(&mut runner).unwrap().current();
        let slug = format!("Cas_{case}");
        for response in [
            preview(&admin, &markdown).await,
            admin.put_page("main", &slug, &markdown, None).await,
        ] {
            let status = response.status();
            let body = json_of(response).await;
            match status.as_u16() {
                200 => assert!(body["html"].is_string(), "{body}"),
                201 => assert!(body["revision"]["id"].is_u64(), "{body}"),
                400 => assert_eq!(body["code"], "invalid_input", "{body}"),
                other => panic!("case {case} got {other}: {body}"),
            }
        }
        assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
    }
}
