//! Rendering over HTTP: pages carry their HTML and front matter, wiki links
//! turn red or blue as pages come and go (with no stale cache), the link
//! graph answers backlinks, orphans and wanted pages, previews store nothing
//! and are rate-limited, and a cached page is not rendered again.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestApp, expect_problem, page_path};

async fn page(app: &TestApp, slug: &str) -> Value {
    let response = app.get(&page_path("main", slug)).await;
    assert_eq!(response.status(), StatusCode::OK, "GET {slug}");
    response.json().await.unwrap()
}

async fn renders(app: &TestApp) -> u64 {
    let metrics = app.get("/metrics").await.text().await.unwrap();
    metrics
        .lines()
        .find_map(|line| line.strip_prefix("ostrom_renders_total "))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_carry_html_toc_and_front_matter() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let markdown = "---\ntitle: L'économie sociale et solidaire\ntags: [économie, commun]\nlang: fr\nsummary: Une introduction.\n---\n# Définition\n\nVoir [[Coopérative]].\n\n## Histoire\n\n<script>alert(1)</script>\n";
    alice.edit("main", "ESS", markdown, None).await;
    let page = page(&app, "ESS").await;
    assert_eq!(page["title"], "L'économie sociale et solidaire");
    assert_eq!(page["tags"], json!(["économie", "commun"]));
    assert_eq!(page["lang"], "fr");
    assert_eq!(page["summary"], "Une introduction.");
    assert_eq!(page["markdown"], markdown);
    let html = page["html"].as_str().unwrap();
    assert!(
        html.contains("<h1 id=\"définition\">Définition</h1>"),
        "{html}"
    );
    assert!(
        !html.contains("<script") && !html.contains("title:"),
        "{html}"
    );
    assert_eq!(
        page["toc"],
        json!([
            {"level": 1, "id": "définition", "text": "Définition"},
            {"level": 2, "id": "histoire", "text": "Histoire"}
        ])
    );
    // The title shows in the page list too.
    let listing: Value = app
        .get("/api/v1/spaces/main/pages")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        listing["items"][0]["title"],
        "L'économie sociale et solidaire"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn links_turn_blue_and_red_with_no_stale_cache() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    alice
        .edit(
            "main",
            "Accueil",
            "Voir [[Coopérative]] et [la charte](Charte).\n",
            None,
        )
        .await;
    let html = page(&app, "Accueil").await["html"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        html.contains("href=\"/wiki/main/Coop%C3%A9rative?action=edit\" class=\"wikilink new\""),
        "{html}"
    );
    assert!(html.contains("href=\"Charte\" class=\"new\""), "{html}");

    // Creating the target turns the link blue at once.
    let created = alice
        .edit("main", "Coopérative", "Une coopérative.\n", None)
        .await;
    let html = page(&app, "Accueil").await["html"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        html.contains("href=\"/wiki/main/Coop%C3%A9rative\" class=\"wikilink\""),
        "{html}"
    );

    // Deleting it turns it red again; restoring it, blue.
    let response = alice
        .send(
            Method::DELETE,
            &page_path("main", "Coopérative"),
            json!({"base_revision": created}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = page(&app, "Accueil").await["html"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(html.contains("class=\"wikilink new\""), "{html}");
    let response = alice
        .send(
            Method::POST,
            &format!("{}/revert", page_path("main", "Coopérative")),
            json!({"to_revision": created}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = page(&app, "Accueil").await["html"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(!html.contains("class=\"wikilink new\""), "{html}");

    // Moving a page onto the linked title turns that link blue.
    alice.edit("main", "Brouillon", "La charte.\n", None).await;
    let response = alice
        .send(
            Method::POST,
            &format!("{}/move", page_path("main", "Brouillon")),
            json!({"to": "Charte"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = page(&app, "Accueil").await["html"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(html.contains("href=\"Charte\">"), "{html}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cached_page_is_not_rendered_again() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    alice
        .edit("main", "Page", "# Titre\n\nTexte.\n", None)
        .await;
    let first = page(&app, "Page").await;
    let before = renders(&app).await;
    for _ in 0..5 {
        let again = page(&app, "Page").await;
        assert_eq!(again["html"], first["html"]);
    }
    assert_eq!(renders(&app).await, before, "a cached GET rendered again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_link_graph_answers_backlinks_orphans_and_wanted() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    alice
        .edit("main", "A", "[[B]] [[C]] [[Manquante]]\n", None)
        .await;
    let b = alice
        .edit(
            "main",
            "B",
            "[[C]] [[Manquante]] [[Autre manquante]]\n",
            None,
        )
        .await;
    alice.edit("main", "C", "[[C]] (moi-même)\n", None).await;
    alice
        .edit("main", "Seule", "Personne ne me cite.\n", None)
        .await;

    let backlinks: Value = app
        .get(&format!("{}/backlinks", page_path("main", "C")))
        .await
        .json()
        .await
        .unwrap();
    let slugs: Vec<&str> = backlinks["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, ["A", "B", "C"]);

    let orphans: Value = app
        .get("/api/v1/spaces/main/orphans")
        .await
        .json()
        .await
        .unwrap();
    let slugs: Vec<&str> = orphans["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, ["A", "Seule"], "no other page links to A or Seule");

    let wanted: Value = app
        .get("/api/v1/spaces/main/wanted")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        wanted["items"],
        json!([
            {"slug": "Manquante", "title": "Manquante", "links": 2},
            {"slug": "Autre_manquante", "title": "Autre manquante", "links": 1}
        ])
    );

    // An edit removing links updates the graph.
    alice.edit("main", "B", "Plus de liens.\n", Some(b)).await;
    let wanted: Value = app
        .get("/api/v1/spaces/main/wanted")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        wanted["items"],
        json!([{"slug": "Manquante", "title": "Manquante", "links": 1}])
    );
    let backlinks: Value = app
        .get(&format!("{}/backlinks", page_path("main", "B")))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(backlinks["items"].as_array().unwrap().len(), 1);
}

async fn preview(who: &crate::support::User<'_>) -> reqwest::Response {
    let body = json!({"markdown": "# Aperçu\n\n[[Nulle part]]"});
    who.send(Method::POST, "/api/v1/render", body).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn previews_store_nothing_and_are_rate_limited() {
    let app = TestApp::spawn_with(|config| config.limits.previews_per_minute = 3).await;
    let admin = app.user("admin").await; // the first account
    let bob = app.user("bob").await;
    for _ in 0..3 {
        let response = preview(&bob).await;
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        assert!(
            body["html"]
                .as_str()
                .unwrap()
                .contains("<h1 id=\"aperçu\">")
        );
        assert!(
            body["html"]
                .as_str()
                .unwrap()
                .contains("class=\"wikilink new\"")
        );
    }
    let limited = preview(&bob).await;
    assert!(limited.headers().contains_key("retry-after"));
    expect_problem(limited, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    // Administrators are exempt; anonymous callers count per address.
    for _ in 0..5 {
        assert_eq!(preview(&admin).await.status(), StatusCode::OK);
    }
    let anonymous = app
        .send(Method::POST, "/api/v1/render", json!({"markdown": "x"}))
        .await;
    assert_eq!(anonymous.status(), StatusCode::OK);
    // Nothing was stored.
    let listing: Value = app
        .get("/api/v1/spaces/main/pages")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listing["items"], json!([]));
    let response = admin
        .send(
            Method::POST,
            "/api/v1/render",
            json!({"markdown": "x", "space": "nowhere"}),
        )
        .await;
    expect_problem(response, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn previews_have_a_size_limit() {
    let app = TestApp::spawn_with(|config| config.limits.max_page_bytes = 1000).await;
    let alice = app.user("alice").await;
    let response = alice
        .send(
            Method::POST,
            "/api/v1/render",
            json!({"markdown": "x".repeat(1001)}),
        )
        .await;
    expect_problem(response, StatusCode::PAYLOAD_TOO_LARGE, "too_large").await;
}
