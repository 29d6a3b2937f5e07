//! Search over HTTP: accents optional, both languages, phrases and
//! exclusions, filters, typo tolerance, snippets escaped, suggestions, and
//! freshness (an edit is searchable within a second of its 2xx).

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestApp, User, expect_problem, page_path};

async fn search(app: &TestApp, query: &[(&str, &str)]) -> Value {
    let response = app
        .client
        .get(app.url("/api/v1/search"))
        .query(query)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{query:?}");
    response.json().await.unwrap()
}

fn slugs(results: &Value) -> Vec<String> {
    results["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["slug"].as_str().unwrap().to_owned())
        .collect()
}

async fn wiki(app: &TestApp) -> User<'_> {
    let alice = app.user("alice").await;
    let pages = [
        (
            "Économie_sociale",
            "# Économie sociale\n\nL’économie sociale et solidaire regroupe les coopératives, les mutuelles et les associations.\n",
        ),
        (
            "Commons",
            "---\ntags: [Governance, ostrom]\n---\n# Commons\n\nElinor Ostrom studied how communities govern shared resources such as fisheries and pastures.\n",
        ),
        (
            "Coopératives",
            "---\ntags: [économie]\nlang: fr\n---\n# Les coopératives\n\nUne coopérative appartient à ses membres, qui votent selon le principe une personne, une voix.\n",
        ),
        (
            "Mutuelles",
            "# Mutuelles\n\nLes mutuelles d'assurance sont des sociétés de personnes à but non lucratif.\n",
        ),
        (
            "Script",
            "# Balises\n\nLa balise `<script>` exécute du code ; `<b>` met en gras.\n",
        ),
    ];
    for (slug, markdown) in pages {
        alice.edit("main", slug, markdown, None).await;
    }
    app.wait_for_index().await;
    alice
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accents_are_optional_and_both_languages_match() {
    let app = TestApp::spawn().await;
    wiki(&app).await;
    for query in [
        "économie",
        "economie",
        "Économies",
        "ECONOMIE",
        "l'économie",
        "l’economie",
    ] {
        let results = search(&app, &[("q", query)]).await;
        assert_eq!(slugs(&results)[0], "Économie_sociale", "{query}");
    }
    for query in ["governing", "fishery", "pasture"] {
        assert_eq!(
            slugs(&search(&app, &[("q", query)]).await),
            ["Commons"],
            "{query}"
        );
    }
    // The title weighs more than the body.
    let results = search(&app, &[("q", "coopératives")]).await;
    assert_eq!(slugs(&results)[0], "Coopératives");
    assert_eq!(results["total"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn phrases_exclusions_and_filters() {
    let app = TestApp::spawn().await;
    wiki(&app).await;
    assert_eq!(
        slugs(&search(&app, &[("q", "\"shared resources\"")]).await),
        ["Commons"]
    );
    assert_eq!(
        slugs(&search(&app, &[("q", "\"resources shared\"")]).await),
        Vec::<String>::new()
    );
    let results = search(&app, &[("q", "coopératives -mutuelles")]).await;
    assert_eq!(slugs(&results), ["Coopératives"]);
    assert_eq!(
        slugs(&search(&app, &[("q", "ostrom"), ("tag", "governance")]).await),
        ["Commons"]
    );
    assert_eq!(
        slugs(&search(&app, &[("q", "membres"), ("tag", "économie")]).await),
        ["Coopératives"]
    );
    assert_eq!(
        slugs(&search(&app, &[("q", "ostrom"), ("tag", "autre")]).await),
        Vec::<String>::new()
    );
    assert_eq!(
        search(&app, &[("q", "coopératives"), ("author", "ALICE")]).await["total"],
        2
    );
    assert_eq!(
        search(&app, &[("q", "coopératives"), ("author", "bob")]).await["total"],
        0
    );
    assert_eq!(
        slugs(&search(&app, &[("q", "communities"), ("lang", "en")]).await),
        ["Commons"]
    );
    assert_eq!(
        search(&app, &[("q", "communities"), ("lang", "fr")]).await["total"],
        0
    );
    assert_eq!(
        search(&app, &[("q", "communities"), ("space", "main")]).await["total"],
        1
    );
    let response = app
        .client
        .get(app.url("/api/v1/search"))
        .query(&[("q", "x"), ("space", "secret")])
        .send()
        .await
        .unwrap();
    expect_problem(response, StatusCode::NOT_FOUND, "not_found").await;
    for bad in [
        vec![("q", "")],
        vec![("q", "x"), ("limit", "0")],
        vec![("q", "x"), ("lang", "de")],
    ] {
        let response = app
            .client
            .get(app.url("/api/v1/search"))
            .query(&bad)
            .send()
            .await
            .unwrap();
        expect_problem(response, StatusCode::BAD_REQUEST, "invalid_input").await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typos_are_forgiven_below_exact_matches() {
    let app = TestApp::spawn().await;
    wiki(&app).await;
    // One transposition in a word of 4 letters or more.
    for query in ["ecnomie", "cooépratives", "fisheires", "mutuelels"] {
        assert!(
            !slugs(&search(&app, &[("q", query)]).await).is_empty(),
            "{query}"
        );
    }
    // Short words must match exactly.
    assert_eq!(search(&app, &[("q", "vioxs")]).await["total"], 0);
    // An exact match outranks a near one.
    let results = search(&app, &[("q", "mutuelles")]).await;
    assert_eq!(slugs(&results)[0], "Mutuelles");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snippets_mark_matches_and_escape_the_rest() {
    let app = TestApp::spawn().await;
    wiki(&app).await;
    let results = search(&app, &[("q", "balise")]).await;
    let snippet = results["hits"][0]["snippet"].as_str().unwrap();
    assert!(snippet.contains("<mark>balise</mark>"), "{snippet}");
    assert!(snippet.contains("&lt;script&gt;"), "{snippet}");
    assert!(
        !snippet.contains("<script>") && !snippet.contains("<b>"),
        "{snippet}"
    );
    let hit = &results["hits"][0];
    assert_eq!(hit["space"], "main");
    assert_eq!(hit["title"], "Script");
    assert!(hit["score"].as_f64().unwrap() > 0.0);
    assert!(hit["updated_at"].as_str().unwrap().ends_with('Z'));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suggestions_complete_titles_despite_typos() {
    let app = TestApp::spawn().await;
    wiki(&app).await;
    let suggest = |q: &'static str| {
        let request = app
            .client
            .get(app.url("/api/v1/suggest"))
            .query(&[("q", q)])
            .send();
        async move { request.await.unwrap().json::<Value>().await.unwrap() }
    };
    let titles = |v: Value| -> Vec<String> {
        assert_eq!(v["next_cursor"], Value::Null, "suggestions are one page");
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["title"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(titles(suggest("eco").await), ["Économie sociale"]);
    assert_eq!(titles(suggest("Écono").await), ["Économie sociale"]);
    assert_eq!(titles(suggest("comons").await), ["Commons"]);
    assert_eq!(titles(suggest("coop").await), ["Coopératives"]);
    assert_eq!(titles(suggest("economie soc").await), ["Économie sociale"]);
    assert_eq!(titles(suggest("ecnomie").await), ["Économie sociale"]);
    assert_eq!(titles(suggest("zzz").await), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_is_searchable_within_a_second() {
    let app = TestApp::spawn().await;
    let alice = wiki(&app).await;
    let mut base = None;
    for round in 0..5 {
        let word = format!("Zorglub{round}tique");
        let text = format!("# Fraîcheur\n\nUn mot nouveau : {word}.\n");
        base = Some(alice.edit("main", "Fraîcheur", &text, base).await);
        let acknowledged = Instant::now();
        loop {
            if slugs(&search(&app, &[("q", &word)]).await) == ["Fraîcheur"] {
                break;
            }
            assert!(
                acknowledged.elapsed() < Duration::from_secs(1),
                "{word} not searchable within 1 s"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
    // Deleted pages leave the index.
    let response = alice
        .send(
            Method::DELETE,
            &page_path("main", "Fraîcheur"),
            json!({"base_revision": base}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    app.wait_for_index().await;
    assert_eq!(search(&app, &[("q", "Zorglub4tique")]).await["total"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_or_outdated_index_is_rebuilt_on_start() {
    let data = tempfile::tempdir().unwrap();
    let app = TestApp::spawn_on(data.path()).await;
    wiki(&app).await;
    app.stop().await;

    // Missing: rebuilt.
    std::fs::remove_dir_all(data.path().join("index")).unwrap();
    let app = TestApp::spawn_on(data.path()).await;
    app.wait_for_index().await;
    assert_eq!(
        slugs(&search(&app, &[("q", "fisheries")]).await),
        ["Commons"]
    );
    app.stop().await;

    // Written by another schema version: wiped and rebuilt.
    let meta = data.path().join("index/meta.json");
    let text = std::fs::read_to_string(&meta).unwrap();
    let outdated = text.replace(
        &format!("\\\"schema\\\":{}", ostrom::search::SCHEMA_VERSION),
        "\\\"schema\\\":0",
    );
    assert_ne!(text, outdated, "the payload records the schema version");
    std::fs::write(&meta, outdated).unwrap();
    let app = TestApp::spawn_on(data.path()).await;
    app.wait_for_index().await;
    assert_eq!(search(&app, &[("q", "coopératives")]).await["total"], 2);
    app.stop().await;
}
