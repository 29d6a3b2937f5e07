//! The web interface without JavaScript, as a browser that does not run
//! scripts would use it: forms and links over HTTP, with its cookies.
//! (The same flows with scripts run in Chromium: `tests/browser`.)

use reqwest::redirect::Policy;
use reqwest::{Method, StatusCode};
use scraper::{Html, Selector};

use crate::support::{PASSWORD, TestApp};

/// A browser without scripts: keeps cookies, follows no redirect by itself
/// (the tests check where each one goes).
struct Browser<'a> {
    app: &'a TestApp,
    client: reqwest::Client,
    language: &'static str,
}

struct Page {
    status: StatusCode,
    location: Option<String>,
    headers: reqwest::header::HeaderMap,
    html: Html,
    text: String,
}

impl Page {
    fn select(&self, css: &str) -> Vec<scraper::ElementRef<'_>> {
        let selector = Selector::parse(css).unwrap();
        self.html.select(&selector).collect()
    }

    fn texts(&self, css: &str) -> Vec<String> {
        self.select(css)
            .iter()
            .map(|e| e.text().collect::<String>().trim().to_owned())
            .collect()
    }

    fn attr(&self, css: &str, name: &str) -> Option<String> {
        self.select(css)
            .first()
            .and_then(|e| e.value().attr(name))
            .map(str::to_owned)
    }

    /// The value of the form field `name` (input or textarea).
    fn field(&self, name: &str) -> String {
        let css = format!("[name=\"{name}\"]");
        let element = *self
            .select(&css)
            .first()
            .unwrap_or_else(|| panic!("no field {name}"));
        match element.value().name() {
            "textarea" => element.text().collect(),
            _ => element.value().attr("value").unwrap_or_default().to_owned(),
        }
    }

    fn title(&self) -> String {
        self.texts("h1").first().cloned().unwrap_or_default()
    }
}

impl<'a> Browser<'a> {
    fn new(app: &'a TestApp, language: &'static str) -> Self {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .unwrap();
        Browser {
            app,
            client,
            language,
        }
    }

    async fn open(&self, response: reqwest::Response) -> Page {
        let status = response.status();
        let headers = response.headers().clone();
        let location = headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let text = response.text().await.unwrap();
        // No page ever shows a message id in place of its words.
        assert!(!text.contains('⟦'), "a message is missing:\n{text}");
        Page {
            status,
            location,
            headers,
            html: Html::parse_document(&text),
            text,
        }
    }

    async fn get(&self, path: &str) -> Page {
        let response = self
            .client
            .get(self.app.url(path))
            .header("accept-language", self.language)
            .send()
            .await
            .unwrap();
        self.open(response).await
    }

    /// Follows redirects from `path` to the page they end on.
    async fn visit(&self, path: &str) -> Page {
        let mut page = self.get(path).await;
        let mut hops = 0;
        while let Some(location) = page.location.clone() {
            hops += 1;
            assert!(hops < 5, "redirect loop at {path}");
            page = self.get(&location).await;
        }
        page
    }

    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let response = self
            .client
            .request(Method::POST, self.app.url(path))
            .header("accept-language", self.language)
            .form(fields)
            .send()
            .await
            .unwrap();
        self.open(response).await
    }

    async fn register_and_log_in(&self, name: &str) {
        let page = self
            .post("/register", &[("username", name), ("password", PASSWORD)])
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text);
        let home = self.visit("/").await;
        assert!(home.text.contains(name), "logged in as {name}");
    }

    async fn submit(&self, url: &str, form: &Page, markdown: &str, step: &str) -> Page {
        let (csrf, base) = (form.field("csrf"), form.field("base"));
        self.post(
            url,
            &[
                ("csrf", csrf.as_str()),
                ("action", "edit"),
                ("base", base.as_str()),
                ("markdown", markdown),
                ("summary", "par le navigateur"),
                ("do", step),
            ],
        )
        .await
    }
}

async fn wiki_with_a_page() -> TestApp {
    let app = TestApp::spawn().await;
    let founder = app.user("camille").await;
    founder
        .edit(
            "main",
            "Économie sociale",
            "# Économie sociale\n\n## Principes\n\nUne économie au service des personnes. Voir [[Coopérative]].\n\n## Histoire\n\nDes mutuelles du XIXe siècle.\n",
            None,
        )
        .await;
    app
}

#[tokio::test]
async fn a_reader_reads_a_page_in_french_and_in_english() {
    let app = wiki_with_a_page().await;
    let french = Browser::new(&app, "fr-FR,fr;q=0.9");
    let page = french.get("/wiki/main/%C3%89conomie_sociale").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.attr("html", "lang").as_deref(), Some("fr"));
    assert_eq!(page.headers["content-language"], "fr");
    assert!(
        page.headers["vary"]
            .to_str()
            .unwrap()
            .contains("Accept-Language")
    );
    assert_eq!(page.title(), "Économie sociale");
    // The text's own `# Économie sociale` is the one heading of the page.
    assert_eq!(page.texts("h1"), ["Économie sociale"]);
    assert_eq!(page.texts(".toc a"), ["Principes", "Histoire"]);
    assert!(
        page.texts(".page-tabs a")
            .contains(&"Historique".to_owned())
    );
    assert!(page.text.contains("Une économie au service des personnes"));
    // The red link leads to creating the page.
    let red = page.attr(".content a.new", "href").unwrap();
    assert!(red.ends_with("?action=edit"), "{red}");
    // The article keeps its own language, whatever the interface's.
    let english = Browser::new(&app, "en-GB,en;q=0.8");
    let page = english.get("/wiki/main/%C3%89conomie_sociale").await;
    assert_eq!(page.attr("html", "lang").as_deref(), Some("en"));
    assert_eq!(page.attr("article", "lang").as_deref(), Some("fr"));
    assert!(page.texts(".page-tabs a").contains(&"History".to_owned()));
    // Validators: the same page answers 304 to its ETag.
    let etag = page.headers["etag"].to_str().unwrap().to_owned();
    let again = app
        .client
        .get(app.url("/wiki/main/%C3%89conomie_sociale"))
        .header("accept-language", "en")
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    // Scripts and styles come from this site only, under hashed URLs.
    let policy = page.headers["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("script-src 'self'") && policy.contains("frame-ancestors 'none'"));
    let css = page.attr("link[rel=stylesheet]", "href").unwrap();
    let asset = app.get(&css).await;
    assert_eq!(asset.status(), StatusCode::OK);
    assert!(
        asset.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
}

#[tokio::test]
async fn the_language_is_chosen_by_uselang_then_the_switch_then_the_browser() {
    let app = wiki_with_a_page().await;
    let browser = Browser::new(&app, "en");
    assert_eq!(
        browser.get("/").await.attr("html", "lang").as_deref(),
        Some("en")
    );
    let asked = browser.get("/?uselang=fr").await;
    assert_eq!(asked.attr("html", "lang").as_deref(), Some("fr"));
    // The switch is a form: it sets a cookie and comes back.
    let switched = browser
        .post(
            "/language",
            &[("lang", "fr"), ("return", "/search?q=x&uselang=en")],
        )
        .await;
    assert_eq!(switched.status, StatusCode::SEE_OTHER);
    assert_eq!(switched.location.as_deref(), Some("/search?q=x"));
    let page = browser.get("/search?q=x").await;
    assert_eq!(page.attr("html", "lang").as_deref(), Some("fr"));
    assert_eq!(page.title(), "Recherche");
    // A return address elsewhere is refused: it goes home.
    let away = browser
        .post(
            "/language",
            &[("lang", "en"), ("return", "//evil.example/")],
        )
        .await;
    assert_eq!(away.location.as_deref(), Some("/"));
}

#[tokio::test]
async fn search_finds_without_accents_and_with_typos_and_jumps_to_titles() {
    let app = wiki_with_a_page().await;
    app.wait_for_index().await;
    let browser = Browser::new(&app, "fr");
    let results = browser.get("/search?q=mutuelles+siecle").await;
    assert_eq!(results.status, StatusCode::OK);
    assert_eq!(results.texts(".results h2"), ["Économie sociale"]);
    assert_eq!(results.texts(".search-total"), ["1 page trouvée"]);
    assert!(
        results
            .texts(".snippet mark")
            .iter()
            .any(|m| m == "mutuelles")
    );
    // The search box keeps the query.
    assert_eq!(
        results.attr("#search-input", "value").as_deref(),
        Some("mutuelles siecle")
    );
    let typo = browser.get("/search?q=mutuelels&fulltext=1").await;
    assert_eq!(typo.texts(".results h2"), ["Économie sociale"]);
    // Nothing matched as typed: the page offers the words it knows.
    assert_eq!(typo.texts(".did-you-mean a"), ["mutuelles"]);
    assert_eq!(
        typo.texts(".did-you-mean").concat(),
        "Vouliez-vous dire mutuelles\u{202f}?"
    );
    assert!(results.select(".did-you-mean").is_empty());
    // A query that is a title, accents and case aside, opens the page.
    let jump = browser.get("/search?q=economie+SOCIALE").await;
    assert_eq!(jump.status, StatusCode::SEE_OTHER);
    assert_eq!(
        jump.location.as_deref(),
        Some("/wiki/main/%C3%89conomie_sociale")
    );
    let nothing = browser.get("/search?q=zzzzqqq").await;
    assert_eq!(nothing.texts(".search-total"), ["0 page trouvée"]);
    let english = Browser::new(&app, "en");
    assert_eq!(
        english
            .get("/search?q=zzzzqqq")
            .await
            .texts(".search-total"),
        ["0 pages found"]
    );
    // Suggestions while typing (for the search box's script).
    let suggestions: serde_json::Value = app.get("/suggest?q=econ").await.json().await.unwrap();
    assert_eq!(suggestions[0]["title"], "Économie sociale");
}

#[tokio::test]
async fn a_contributor_creates_a_page_from_a_red_link_with_a_preview() {
    let app = wiki_with_a_page().await;
    let browser = Browser::new(&app, "fr");
    // Anonymous: the red link asks to log in first, and comes back.
    let missing = browser.get("/wiki/main/Coop%C3%A9rative").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.text.contains("Se connecter pour créer cette page"));
    let edit = browser.get("/wiki/main/Coop%C3%A9rative?action=edit").await;
    assert_eq!(edit.status, StatusCode::SEE_OTHER);
    assert!(edit.location.unwrap().starts_with("/login?return="));
    browser.register_and_log_in("amina").await;
    let form = browser.get("/wiki/main/Coop%C3%A9rative?action=edit").await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(form.title(), "Création de «\u{202f}Coopérative\u{202f}»");
    assert_eq!(form.field("base"), "");
    let text = "Une **coopérative** appartient à ses membres.\n";
    let preview = browser
        .submit("/wiki/main/Coop%C3%A9rative", &form, text, "preview")
        .await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(
        preview.select(".preview strong").len() == 1,
        "{}",
        preview.text
    );
    assert_eq!(preview.field("markdown"), text, "the text is kept");
    let saved = browser
        .submit("/wiki/main/Coop%C3%A9rative", &preview, text, "save")
        .await;
    // A newcomer's page waits for review under the default charter, or is
    // published: either way the visitor is told, and nothing is lost.
    match saved.status {
        StatusCode::SEE_OTHER => {
            let page = browser.visit(saved.location.as_deref().unwrap()).await;
            assert!(page.text.contains("appartient à ses membres"));
        }
        StatusCode::ACCEPTED => assert_eq!(saved.title(), "Modification en attente de relecture"),
        other => panic!("unexpected {other}: {}", saved.text),
    }
    // The red link of the first page turned blue once the page exists.
    let first = browser.get("/wiki/main/%C3%89conomie_sociale").await;
    if saved.status == StatusCode::SEE_OTHER {
        assert!(first.select(".content a.new").is_empty());
    }
}

#[tokio::test]
async fn an_edit_shows_its_changes_and_is_saved() {
    let app = wiki_with_a_page().await;
    let browser = Browser::new(&app, "en");
    let page = browser
        .post(
            "/login",
            &[
                ("username", "camille"),
                ("password", PASSWORD),
                ("return", "/wiki/main/%C3%89conomie_sociale"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        page.location.as_deref(),
        Some("/wiki/main/%C3%89conomie_sociale")
    );
    let form = browser
        .get("/wiki/main/%C3%89conomie_sociale?action=edit")
        .await;
    let old = form.field("markdown");
    let new = old.replace(
        "au service des personnes",
        "au service de toutes les personnes",
    );
    let changes = browser
        .submit("/wiki/main/%C3%89conomie_sociale", &form, &new, "diff")
        .await;
    assert_eq!(changes.status, StatusCode::OK);
    assert_eq!(changes.texts(".changes ins"), ["de toutes les"]);
    assert_eq!(changes.texts(".changes del"), ["des"]);
    let saved = browser
        .submit("/wiki/main/%C3%89conomie_sociale", &changes, &new, "save")
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    let read = browser.visit("/wiki/main/%C3%89conomie_sociale").await;
    assert!(read.text.contains("au service de toutes les personnes"));
    // History lists both, newest first, with two radio columns.
    let history = browser
        .get("/wiki/main/%C3%89conomie_sociale?action=history")
        .await;
    assert_eq!(history.select("input[name=from]").len(), 2);
    assert_eq!(
        history.attr("input[name=to][checked]", "value").as_deref(),
        Some("2")
    );
    assert_eq!(
        history
            .attr("input[name=from][checked]", "value")
            .as_deref(),
        Some("1")
    );
    let diff = browser
        .get("/wiki/main/%C3%89conomie_sociale/diff?from=1&to=2")
        .await;
    assert_eq!(diff.status, StatusCode::OK);
    assert_eq!(diff.texts(".diff ins"), ["de toutes les"]);
    assert_eq!(diff.texts(".diff del"), ["des"]);
    let inline = browser
        .get("/wiki/main/%C3%89conomie_sociale/diff?from=1&to=2&view=inline")
        .await;
    assert_eq!(inline.select(".diff-inline tr.inserted").len(), 1);
    // Logging out ends the session: the edit form asks to log in again.
    let csrf = read.field("csrf");
    let out = browser.post("/logout", &[("csrf", csrf.as_str())]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let form = browser
        .get("/wiki/main/%C3%89conomie_sociale?action=edit")
        .await;
    assert_eq!(form.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_conflicting_edit_keeps_the_visitors_text() {
    let app = wiki_with_a_page().await;
    let camille = app.login("camille").await;
    let browser = Browser::new(&app, "fr");
    browser
        .post("/login", &[("username", "camille"), ("password", PASSWORD)])
        .await;
    let form = browser
        .get("/wiki/main/%C3%89conomie_sociale?action=edit")
        .await;
    let original = form.field("markdown");
    // Meanwhile, someone changes the same line.
    camille
        .edit(
            "main",
            "Économie sociale",
            &original.replace(
                "Des mutuelles du XIXe siècle.",
                "Des coopératives ouvrières.",
            ),
            Some(1),
        )
        .await;
    let mine = original.replace(
        "Des mutuelles du XIXe siècle.",
        "Des mutuelles et des associations.",
    );
    let conflict = browser
        .submit("/wiki/main/%C3%89conomie_sociale", &form, &mine, "save")
        .await;
    assert_eq!(conflict.status, StatusCode::CONFLICT);
    assert_eq!(conflict.title(), "Conflit de modification");
    assert_eq!(
        conflict.field("markdown"),
        mine,
        "the visitor's text is kept"
    );
    assert_eq!(
        conflict.field("base"),
        "2",
        "now based on the current revision"
    );
    assert!(
        conflict
            .texts("#current")
            .concat()
            .contains("Des coopératives ouvrières.")
    );
    assert!(!conflict.select(".diff ins").is_empty());
    // Resolving and saving again publishes.
    let resolved = mine.replace(
        "Des mutuelles et des associations.",
        "Des mutuelles, des coopératives ouvrières et des associations.",
    );
    let saved = browser
        .submit(
            "/wiki/main/%C3%89conomie_sociale",
            &conflict,
            &resolved,
            "save",
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
}

#[tokio::test]
async fn forms_need_the_session_and_its_token() {
    let app = wiki_with_a_page().await;
    let browser = Browser::new(&app, "fr");
    let anonymous = browser
        .post(
            "/wiki/main/%C3%89conomie_sociale",
            &[("action", "edit"), ("markdown", "x")],
        )
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(anonymous.title(), "Connexion nécessaire");
    browser
        .post("/login", &[("username", "camille"), ("password", PASSWORD)])
        .await;
    let forged = browser
        .post(
            "/wiki/main/%C3%89conomie_sociale",
            &[
                ("csrf", "forged"),
                ("action", "edit"),
                ("markdown", "x"),
                ("base", "1"),
            ],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let wrong = browser
        .post(
            "/login",
            &[("username", "camille"), ("password", "wrong password")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(
        wrong
            .text
            .contains("Nom d’utilisateur ou mot de passe incorrect.")
    );
    assert_eq!(wrong.field("username"), "camille");
    // Failing again and again: 429, saying when to try again.
    let mut last = wrong;
    for _ in 0..10 {
        last = browser
            .post(
                "/login",
                &[("username", "camille"), ("password", "wrong password")],
            )
            .await;
        if last.status == StatusCode::TOO_MANY_REQUESTS {
            break;
        }
    }
    assert_eq!(last.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        last.texts(".error-summary")
            .concat()
            .starts_with("Réessayez dans")
    );
}

#[tokio::test]
async fn errors_are_pages_in_the_visitors_language_and_the_api_keeps_problems() {
    let app = wiki_with_a_page().await;
    let french = Browser::new(&app, "fr");
    let english = Browser::new(&app, "en");
    for (path, status, fr, en) in [
        (
            "/nowhere",
            StatusCode::NOT_FOUND,
            "Page introuvable",
            "Not found",
        ),
        (
            "/wiki/nospace/X",
            StatusCode::NOT_FOUND,
            "Page introuvable",
            "Not found",
        ),
        (
            "/wiki/main/%C3%89conomie_sociale?action=bogus",
            StatusCode::BAD_REQUEST,
            "Saisie invalide",
            "Invalid input",
        ),
        (
            "/wiki/main/%C3%89conomie_sociale/diff?to=99",
            StatusCode::BAD_REQUEST,
            "Révision inconnue",
            "Unknown revision",
        ),
    ] {
        let page = french.get(path).await;
        assert_eq!(page.status, status, "{path}");
        assert_eq!(page.title(), fr, "{path}");
        assert!(
            page.headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        assert_eq!(english.get(path).await.title(), en, "{path}");
    }
    let problem = app.get("/api/v1/nowhere").await;
    assert_eq!(
        problem.headers()["content-type"],
        "application/problem+json"
    );
    // A deleted page says so (410) and offers its history.
    let camille = app.login("camille").await;
    let deleted = camille
        .request(
            Method::DELETE,
            "/api/v1/spaces/main/pages/%C3%89conomie_sociale",
        )
        .header("if-match", "\"1\"")
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::OK);
    let gone = french.get("/wiki/main/%C3%89conomie_sociale").await;
    assert_eq!(gone.status, StatusCode::GONE);
    assert!(
        gone.attr(".way-on a", "href")
            .unwrap()
            .ends_with("?action=history")
    );
}

#[test]
fn every_message_a_template_names_exists_in_both_languages() {
    use ostrom::i18n::Locale;
    let mut named = std::collections::BTreeSet::new();
    for folder in ["frontend/templates", "src/http/web"] {
        for entry in std::fs::read_dir(folder).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for call in ["t(\"", "t1(\"", "tn(\"", "t_with(\n        \"", "t_with(\""] {
                for (at, _) in text.match_indices(call) {
                    // A method call (`chrome.t(`), not `get(` or `text(`.
                    if at == 0 || text.as_bytes()[at - 1] != b'.' {
                        continue;
                    }
                    let rest = &text[at + call.len()..];
                    let id: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')
                        .collect();
                    if !id.is_empty() && rest[id.len()..].starts_with('"') {
                        named.insert(id);
                    }
                }
            }
        }
    }
    for code in ostrom::model::ErrorCode::ALL {
        let id = code.as_str().replace('_', "-");
        named.insert(format!("error-{id}"));
        named.insert(format!("error-{id}-help"));
    }
    assert!(named.len() > 100, "{}", named.len());
    for locale in Locale::ALL {
        let ids = locale.message_ids();
        let missing: Vec<_> = named.iter().filter(|id| !ids.contains(id)).collect();
        assert!(missing.is_empty(), "{} lacks {missing:?}", locale.code());
    }
}

#[tokio::test]
async fn a_watcher_is_notified_and_the_header_counts_what_is_unread() {
    let app = wiki_with_a_page().await;
    let amina = Browser::new(&app, "fr");
    amina.register_and_log_in("amina").await;
    let page = amina.get("/wiki/main/%C3%89conomie_sociale").await;
    let csrf = page.field("csrf");
    let watched = amina
        .post(
            "/wiki/main/%C3%89conomie_sociale",
            &[("csrf", csrf.as_str()), ("action", "watch")],
        )
        .await;
    assert_eq!(watched.status, StatusCode::SEE_OTHER);
    let page = amina.get("/wiki/main/%C3%89conomie_sociale").await;
    assert_eq!(
        page.texts(".watch-form button"),
        ["Ne plus suivre cette page"]
    );
    // Someone else edits the page.
    let camille = app.login("camille").await;
    camille
        .edit("main", "Économie sociale", "Réécrite.\n", Some(1))
        .await;
    let page = amina.get("/").await;
    assert_eq!(page.texts(".personal .count"), ["1"]);
    let me = amina.get("/me").await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.select(".notifications li.unread").len(), 1);
    assert!(me.texts(".notifications li").concat().contains("camille"));
    assert_eq!(me.texts("#watchlist + ul a"), ["Économie sociale"]);
    // Seen once, no longer counted.
    assert!(amina.get("/").await.select(".personal .count").is_empty());
}

#[tokio::test]
async fn the_account_remembers_its_language_tokens_and_password() {
    let app = wiki_with_a_page().await;
    let browser = Browser::new(&app, "fr");
    browser.register_and_log_in("amina").await;
    let home = browser.get("/").await;
    let csrf = home.field("csrf");
    browser
        .post(
            "/language",
            &[("lang", "en"), ("return", "/"), ("csrf", csrf.as_str())],
        )
        .await;
    // Another browser that asks for French: the account's choice wins.
    let other = Browser::new(&app, "fr");
    other
        .post("/login", &[("username", "amina"), ("password", PASSWORD)])
        .await;
    assert_eq!(
        other.get("/").await.attr("html", "lang").as_deref(),
        Some("en")
    );
    // API tokens: shown once, listed, revoked.
    let created = other
        .post(
            "/me",
            &[
                ("csrf", csrf_of(&other).await.as_str()),
                ("action", "token"),
                ("name", "robot"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let token = created.texts("code.token").concat();
    assert!(token.len() > 20);
    let me = app
        .client
        .get(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    let revoked = other
        .post(
            "/me",
            &[
                ("csrf", csrf_of(&other).await.as_str()),
                ("action", "revoke"),
                ("name", "robot"),
            ],
        )
        .await;
    assert_eq!(revoked.status, StatusCode::OK);
    assert!(revoked.select(".tokens li").is_empty());
    // A password change keeps this browser logged in and ends the other.
    let changed = other
        .post(
            "/me",
            &[
                ("csrf", csrf_of(&other).await.as_str()),
                ("action", "password"),
                ("current_password", PASSWORD),
                ("new_password", "un tout nouveau mot de passe"),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.text);
    assert_eq!(other.get("/me").await.status, StatusCode::OK);
    assert_eq!(browser.get("/me").await.status, StatusCode::SEE_OTHER);
}

async fn csrf_of(browser: &Browser<'_>) -> String {
    browser.get("/me").await.field("csrf")
}

#[tokio::test]
async fn pages_are_reverted_moved_and_deleted_with_forms() {
    let app = wiki_with_a_page().await;
    let camille = app.login("camille").await;
    camille
        .edit("main", "Économie sociale", "Vandalisme.\n", Some(1))
        .await;
    let browser = Browser::new(&app, "en");
    browser
        .post("/login", &[("username", "camille"), ("password", PASSWORD)])
        .await;
    // Restore revision 1 from its diff.
    let diff = browser
        .get("/wiki/main/%C3%89conomie_sociale/diff?to=1")
        .await;
    assert_eq!(diff.texts(".revert-form button"), ["Restore revision 1"]);
    let reverted = browser
        .post(
            "/wiki/main/%C3%89conomie_sociale",
            &[
                ("csrf", diff.field("csrf").as_str()),
                ("action", "revert"),
                ("revision", "1"),
                ("summary", "vandalism"),
            ],
        )
        .await;
    assert_eq!(reverted.status, StatusCode::SEE_OTHER);
    let page = browser.visit("/wiki/main/%C3%89conomie_sociale").await;
    assert!(page.text.contains("Des mutuelles du XIXe siècle."));
    // Rename it from its information page; the old title redirects.
    let info = browser
        .get("/wiki/main/%C3%89conomie_sociale?action=info")
        .await;
    let moved = browser
        .post(
            "/wiki/main/%C3%89conomie_sociale",
            &[
                ("csrf", info.field("csrf").as_str()),
                ("action", "move"),
                ("to", "Économie solidaire"),
            ],
        )
        .await;
    assert_eq!(
        moved.location.as_deref(),
        Some("/wiki/main/%C3%89conomie_solidaire")
    );
    let old = browser.get("/wiki/main/%C3%89conomie_sociale").await;
    assert!(old.texts(".redirect").concat().contains("Économie_sociale"));
    // Delete it: 410, its history remains.
    let info = browser
        .get("/wiki/main/%C3%89conomie_solidaire?action=info")
        .await;
    let base = info
        .attr("#delete + form input[name=base]", "value")
        .unwrap();
    let deleted = browser
        .post(
            "/wiki/main/%C3%89conomie_solidaire",
            &[
                ("csrf", info.field("csrf").as_str()),
                ("action", "delete"),
                ("base", base.as_str()),
            ],
        )
        .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    assert_eq!(
        browser
            .get("/wiki/main/%C3%89conomie_solidaire")
            .await
            .status,
        StatusCode::GONE
    );
    // Recent changes list all of it, and a user's contributions.
    let changes = browser.get("/changes?user=camille").await;
    assert_eq!(changes.title(), "Contributions of camille");
    let kinds = changes.texts(".changes-table td:nth-child(3)");
    for kind in ["deleted", "renamed", "reverted", "edited", "created"] {
        assert!(kinds.iter().any(|k| k == kind), "{kind} in {kinds:?}");
    }
}

#[tokio::test]
async fn styles_and_scripts_stay_small_and_cacheable() {
    let app = TestApp::spawn().await;
    let home = Browser::new(&app, "fr").get("/").await;
    let mut total = 0;
    for url in [
        home.attr("link[rel=stylesheet]", "href").unwrap(),
        home.attr("script[type=module]", "src").unwrap(),
    ] {
        let response = app
            .client
            .get(app.url(&url))
            .header("accept-encoding", "gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{url}");
        assert_eq!(response.headers()["content-encoding"], "gzip", "{url}");
        let etag = response.headers()["etag"].to_str().unwrap().to_owned();
        total += response.bytes().await.unwrap().len();
        // Asked again with its validator: nothing to send.
        let again = app
            .client
            .get(app.url(&url))
            .header("if-none-match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{url}");
    }
    assert!(total < 40 * 1024, "CSS and JS are {total} bytes compressed");
}

#[tokio::test]
async fn a_permalink_shows_an_old_revision_and_says_so() {
    let app = wiki_with_a_page().await;
    let camille = app.login("camille").await;
    camille
        .edit("main", "Économie sociale", "Tout autre texte.\n", Some(1))
        .await;
    let browser = Browser::new(&app, "fr");
    let old = browser
        .get("/wiki/main/%C3%89conomie_sociale?revision=1")
        .await;
    assert_eq!(old.status, StatusCode::OK);
    assert!(old.text.contains("Des mutuelles du XIXe siècle."));
    assert!(
        old.texts(".notice")
            .concat()
            .contains("Révision 1 de la page")
    );
    let current = browser.get("/wiki/main/%C3%89conomie_sociale").await;
    assert_eq!(
        current
            .attr(".page-tools a[href$='?revision=2']", "href")
            .as_deref(),
        Some("/wiki/main/%C3%89conomie_sociale?revision=2")
    );
    assert_eq!(
        browser
            .get("/wiki/main/%C3%89conomie_sociale?revision=99")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn spaces_are_created_joined_explained_and_left_from_the_browser() {
    let app = wiki_with_a_page().await;
    let camille = Browser::new(&app, "fr");
    camille.register_and_log_in("camille2").await;
    let directory = camille.get("/spaces").await;
    assert_eq!(directory.status, StatusCode::OK);
    assert!(
        directory
            .texts(".spaces-table th .meta")
            .concat()
            .contains("main")
    );
    let csrf = directory.field("csrf");
    let created = camille
        .post(
            "/spaces",
            &[
                ("csrf", csrf.as_str()),
                ("title", "Données ouvertes"),
                ("slug", "donnees-ouvertes"),
                ("parent", ""),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text);
    assert_eq!(
        created.location.as_deref(),
        Some("/spaces/donnees-ouvertes")
    );
    let home = camille.get("/spaces/donnees-ouvertes").await;
    assert!(home.title().starts_with("Données ouvertes"));
    assert!(home.text.contains("Vous êtes membre : intendant."));
    // The same slug again: the form says why, in words.
    let again = camille
        .post(
            "/spaces",
            &[
                ("csrf", csrf.as_str()),
                ("title", "Encore"),
                ("slug", "donnees-ouvertes"),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(
        again
            .texts(".error-summary")
            .concat()
            .contains("L’espace existe")
    );
    assert_eq!(again.field("title"), "Encore");
    // The space's home page describes it: its first paragraph shows on the
    // space's home.
    let edit = camille
        .get("/wiki/donnees-ouvertes/Accueil?action=edit")
        .await;
    let saved = camille
        .submit(
            "/wiki/donnees-ouvertes/Accueil",
            &edit,
            "# Accueil\n\nLes données publiques de la ville, ouvertes à tous.\n\n## Jeux\n\nBudget, transports.\n",
            "save",
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    let home = camille.get("/spaces/donnees-ouvertes").await;
    assert_eq!(
        home.texts(".space-home .lead"),
        ["Les données publiques de la ville, ouvertes à tous."]
    );

    // Her standing says how she came by it.
    let founder = camille
        .get("/spaces/donnees-ouvertes/members/camille2")
        .await;
    assert!(
        founder
            .texts(".facts dd")
            .concat()
            .contains("Création de l’espace, le ")
    );

    // A newcomer, in English, joins from the space's home.
    let amina = Browser::new(&app, "en");
    amina.register_and_log_in("amina").await;
    let home = amina.get("/spaces/donnees-ouvertes").await;
    assert_eq!(home.texts(".membership button"), ["Join this space"]);
    let csrf = home.field("csrf");
    let joined = amina
        .post(
            "/spaces/donnees-ouvertes",
            &[("csrf", csrf.as_str()), ("action", "join")],
        )
        .await;
    assert_eq!(joined.status, StatusCode::SEE_OTHER, "{}", joined.text);
    let home = amina.get("/spaces/donnees-ouvertes").await;
    assert!(home.text.contains("You are a member: newcomer."));
    assert_eq!(home.texts("#members-heading"), ["2 members"]);

    // Her standing, explained: what gave it and what the next one takes.
    let member = amina.get("/spaces/donnees-ouvertes/members/amina").await;
    assert_eq!(member.status, StatusCode::OK);
    assert_eq!(member.texts("#next-heading"), ["Next: contributor"]);
    let missing = member.texts(".member-page ul li").concat();
    assert!(missing.contains("5 more accepted edits"), "{missing}");
    assert!(missing.contains("3 more days as a member"), "{missing}");
    assert_eq!(member.attr("#progress-1", "max").as_deref(), Some("5"));
    assert!(
        member.select("#appoint-heading").is_empty(),
        "only stewards appoint"
    );

    // The steward appoints her reviewer from the same page.
    let member = camille.get("/spaces/donnees-ouvertes/members/amina").await;
    assert_eq!(member.texts("#appoint-heading"), ["Nommer"]);
    let csrf = member.field("csrf");
    let appointed = camille
        .post(
            "/spaces/donnees-ouvertes/members/amina",
            &[
                ("csrf", csrf.as_str()),
                ("standing", "reviewer"),
                ("reason", "relit beaucoup"),
            ],
        )
        .await;
    assert_eq!(appointed.status, StatusCode::OK, "{}", appointed.text);
    assert_eq!(
        appointed.texts(".member-page .notice"),
        ["Nouveau statut : relecteur. La nomination est inscrite au journal public."]
    );
    let member = amina.get("/spaces/donnees-ouvertes/members/amina").await;
    assert!(
        member
            .texts(".facts dd strong")
            .contains(&"reviewer".to_owned())
    );
    // Steward takes a vote: the refusal is shown in words.
    let refused = camille
        .post(
            "/spaces/donnees-ouvertes/members/amina",
            &[("csrf", csrf.as_str()), ("standing", "steward")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let problem = refused.texts(".error-summary").concat();
    assert!(problem.contains("Proposition nécessaire"), "{problem}");

    // She leaves; the only steward may not.
    let csrf = amina.get("/spaces/donnees-ouvertes").await.field("csrf");
    let left = amina
        .post(
            "/spaces/donnees-ouvertes",
            &[("csrf", csrf.as_str()), ("action", "leave")],
        )
        .await;
    assert_eq!(left.status, StatusCode::OK, "{}", left.text);
    assert!(left.text.contains("You left the space."));
    assert_eq!(left.texts(".membership button"), ["Join this space"]);
    let csrf = camille.get("/spaces/donnees-ouvertes").await.field("csrf");
    let stays = camille
        .post(
            "/spaces/donnees-ouvertes",
            &[("csrf", csrf.as_str()), ("action", "leave")],
        )
        .await;
    assert_eq!(stays.status, StatusCode::CONFLICT);
    assert!(
        stays
            .texts(".error-summary")
            .concat()
            .contains("Dernier intendant")
    );
    // The directory shows the tree with its counts.
    let directory = amina.get("/spaces").await;
    let rows = directory.texts(".spaces-table tbody tr").concat();
    assert!(
        rows.contains("Données ouvertes") && rows.contains("1 member"),
        "{rows}"
    );
}

#[tokio::test]
async fn a_charter_reads_in_words_with_what_is_inherited_and_locked() {
    let app = TestApp::spawn().await;
    let steward = app.user("camille").await;
    steward
        .create_space(
            "reseau",
            None,
            serde_json::json!({"locked_fields": ["sanctions"], "subspaces": "stewards"}),
        )
        .await;
    steward
        .create_space(
            "lyon",
            Some("reseau"),
            serde_json::json!({"edit": {"approvals_required": 2}}),
        )
        .await;
    let reader = Browser::new(&app, "fr");
    let charter = reader.get("/spaces/lyon/charter").await;
    assert_eq!(charter.status, StatusCode::OK);
    let rule = |id: &str| {
        charter
            .texts(&format!("#rule-{}", id.replace('.', "\\.")))
            .concat()
    };
    assert!(
        rule("edit.approvals_required").contains("publiée après 2 approbations")
            && rule("edit.approvals_required").contains("fixée par cet espace"),
        "{}",
        rule("edit.approvals_required")
    );
    assert!(rule("promotion").contains(
        "Un nouveau membre devient contributeur après 5 modifications acceptées et 3 jours d’ancienneté."
    ));
    assert!(rule("promotion").contains("héritée"));
    assert!(rule("sanctions.ladder").contains("verrouillée par un espace englobant"));
    assert!(rule("votes.charter_change").contains("20 %"));
    let english = Browser::new(&app, "en");
    let charter = english.get("/spaces/lyon/charter").await;
    assert!(charter.text.contains(
        "A newcomer becomes a contributor after 5 accepted edits and 3 days as a member."
    ));
    assert!(
        charter
            .text
            .contains("Sanctions, from the lightest: warning → probation (7 days")
    );
    // The locks the parent sets for its children.
    let parent = english.get("/spaces/reseau/charter").await;
    assert_eq!(parent.texts("#charter-locks + ul code"), ["sanctions"]);
    // The API: members leave by themselves only.
    let amina = app.user("amina").await;
    amina
        .send(
            Method::POST,
            "/api/v1/spaces/lyon/members",
            serde_json::json!({}),
        )
        .await;
    let response = steward
        .send(
            Method::DELETE,
            "/api/v1/spaces/lyon/members/amina",
            serde_json::json!({}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = amina
        .send(
            Method::DELETE,
            "/api/v1/spaces/lyon/members/amina",
            serde_json::json!({}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let response = amina
        .send(
            Method::DELETE,
            "/api/v1/spaces/lyon/members/amina",
            serde_json::json!({}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_review_queue_approves_and_rejects_with_reasons_in_words() {
    let app = TestApp::spawn().await;
    let steward = app.user("camille").await;
    steward
        .create_space(
            "quartier",
            None,
            serde_json::json!({"edit": {"approvals_required": 2}}),
        )
        .await;
    steward
        .edit("quartier", "Jardins", "# Jardins\n\nUn jardin.\n", None)
        .await;
    let newcomer = app.user("amina").await;
    newcomer
        .send(
            Method::POST,
            "/api/v1/spaces/quartier/members",
            serde_json::json!({}),
        )
        .await;
    let queued = newcomer
        .put_page(
            "quartier",
            "Jardins",
            "# Jardins\n\nUn jardin partagé, ouvert le mardi.\n",
            Some(1),
        )
        .await;
    assert_eq!(queued.status(), StatusCode::ACCEPTED);
    let reviewer = app.user("bruno").await;
    reviewer
        .send(
            Method::POST,
            "/api/v1/spaces/quartier/members",
            serde_json::json!({}),
        )
        .await;
    steward.appoint("quartier", "bruno", "reviewer").await;

    // The author sees her edit waiting, and no form to approve it.
    let author = Browser::new(&app, "fr");
    let logged = author
        .post("/login", &[("username", "amina"), ("password", PASSWORD)])
        .await;
    assert_eq!(logged.status, StatusCode::SEE_OTHER);
    let queue = author.get("/spaces/quartier/reviews").await;
    assert_eq!(queue.status, StatusCode::OK);
    assert_eq!(queue.select(".review-item").len(), 1);
    assert!(
        queue
            .texts(".review-item .help")
            .concat()
            .contains("Votre propre modification")
    );
    assert!(queue.select(".review-form").is_empty());
    // Posting anyway: refused, in words.
    let csrf = author.get("/me").await.field("csrf");
    let revision = queue
        .attr(".review-item", "id")
        .unwrap()
        .replace("revision-", "");
    let own = author
        .post(
            "/spaces/quartier/reviews",
            &[
                ("csrf", csrf.as_str()),
                ("revision", revision.as_str()),
                ("decision", "approve"),
            ],
        )
        .await;
    assert_eq!(own.status, StatusCode::FORBIDDEN);
    assert!(
        own.texts(".error-summary")
            .concat()
            .contains("Auto-approbation")
    );

    // The steward sees the diff inline, the author's standing and the count.
    let camille = Browser::new(&app, "fr");
    let logged = camille
        .post("/login", &[("username", "camille"), ("password", PASSWORD)])
        .await;
    assert_eq!(logged.status, StatusCode::SEE_OTHER);
    let queue = camille.get("/spaces/quartier/reviews").await;
    let item = queue.texts(".review-item").concat();
    assert!(
        item.contains("amina") && item.contains("nouveau membre"),
        "{item}"
    );
    assert!(queue.texts(".review-item ins").concat().contains("partagé"));
    assert_eq!(
        queue.attr(".approvals progress", "max").as_deref(),
        Some("2")
    );
    let csrf = queue.field("csrf");
    let approved = camille
        .post(
            "/spaces/quartier/reviews",
            &[
                ("csrf", csrf.as_str()),
                ("revision", revision.as_str()),
                ("decision", "approve"),
                ("comment", "Très bien"),
            ],
        )
        .await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.text);
    assert!(approved.texts(".notice").concat().contains("1 sur 2"));
    // The second approval publishes it.
    let bruno = Browser::new(&app, "en");
    bruno
        .post("/login", &[("username", "bruno"), ("password", PASSWORD)])
        .await;
    let queue = bruno.get("/spaces/quartier/reviews").await;
    let csrf = queue.field("csrf");
    let published = bruno
        .post(
            "/spaces/quartier/reviews",
            &[
                ("csrf", csrf.as_str()),
                ("revision", revision.as_str()),
                ("decision", "approve"),
            ],
        )
        .await;
    assert!(
        published
            .texts(".notice")
            .concat()
            .contains("Approved and published.")
    );
    assert!(published.text.contains("Nothing waits for review."));
    let page = bruno.get("/wiki/quartier/Jardins").await;
    assert!(page.text.contains("ouvert le mardi"));

    // A rejection with its reason; settled revisions answer in words.
    let head = crate::support::json_of(app.get("/api/v1/spaces/quartier/pages/Jardins").await)
        .await["revision"]["id"]
        .as_u64();
    let again = newcomer
        .put_page("quartier", "Jardins", "# Jardins\n\nPublicité.\n", head)
        .await;
    assert_eq!(again.status(), StatusCode::ACCEPTED);
    let queue = bruno.get("/spaces/quartier/reviews").await;
    let revision = queue
        .attr(".review-item", "id")
        .unwrap()
        .replace("revision-", "");
    let rejected = bruno
        .post(
            "/spaces/quartier/reviews",
            &[
                ("csrf", csrf.as_str()),
                ("revision", revision.as_str()),
                ("decision", "reject"),
                ("comment", "Advertising"),
            ],
        )
        .await;
    assert!(rejected.texts(".notice").concat().contains("Rejected"));
    let late = camille
        .post(
            "/spaces/quartier/reviews",
            &[
                ("csrf", camille.get("/me").await.field("csrf").as_str()),
                ("revision", revision.as_str()),
                ("decision", "approve"),
            ],
        )
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    // A reader who is not a member is told in words, not shown the queue.
    let reader = Browser::new(&app, "en");
    let closed = reader.get("/spaces/quartier/reviews").await;
    assert_eq!(closed.status, StatusCode::FORBIDDEN);
    // The space's home links to the queue for members.
    let home = camille.get("/spaces/quartier").await;
    assert!(
        home.attr("a[href='/spaces/quartier/reviews']", "href")
            .is_some()
    );
}

#[tokio::test]
async fn members_change_their_charter_by_a_vote_in_the_browser() {
    let app = TestApp::spawn().await;
    let steward = app.user("camille").await;
    steward
        .create_space(
            "reseau",
            None,
            serde_json::json!({"locked_fields": ["join"]}),
        )
        .await;
    steward
        .create_space("quartier", Some("reseau"), serde_json::json!({}))
        .await;
    for name in ["amina", "bruno"] {
        let member = app.user(name).await;
        member
            .send(
                Method::POST,
                "/api/v1/spaces/quartier/members",
                serde_json::json!({}),
            )
            .await;
        steward.appoint("quartier", name, "contributor").await;
    }
    let camille = Browser::new(&app, "fr");
    let logged = camille
        .post("/login", &[("username", "camille"), ("password", PASSWORD)])
        .await;
    assert_eq!(logged.status, StatusCode::SEE_OTHER);
    let charter = camille.get("/spaces/quartier/charter").await;
    assert_eq!(
        charter.attr("a.button", "href").as_deref(),
        Some("/spaces/quartier/proposals/new")
    );
    let form = camille.get("/spaces/quartier/proposals/new").await;
    assert_eq!(form.status, StatusCode::OK);
    // The field the parent locked cannot be edited.
    let join = form.select("select[name=join]");
    assert!(join[0].value().attr("disabled").is_some());
    let csrf = form.field("csrf");
    // An invalid value is explained next to its field.
    let invalid = camille
        .post(
            "/spaces/quartier/proposals/new",
            &[
                ("csrf", csrf.as_str()),
                ("title", "Deux relectures"),
                ("edit.approvals_required", "0"),
            ],
        )
        .await;
    assert_eq!(invalid.status, StatusCode::BAD_REQUEST, "{}", invalid.text);
    assert!(!invalid.texts(".field-error").concat().is_empty());
    assert_eq!(
        invalid
            .attr("input[name='edit.approvals_required']", "aria-invalid")
            .as_deref(),
        Some("true")
    );
    assert_eq!(invalid.field("title"), "Deux relectures");
    // A locked field changed anyway: refused in words, next to it.
    let locked = camille
        .post(
            "/spaces/quartier/proposals/new",
            &[
                ("csrf", csrf.as_str()),
                ("title", "Rien"),
                ("join", "invite"),
            ],
        )
        .await;
    assert_eq!(locked.status, StatusCode::BAD_REQUEST);
    assert!(
        locked
            .texts(".error-summary")
            .concat()
            .contains("Règle verrouillée")
    );
    assert!(
        locked
            .texts(".field-error")
            .concat()
            .contains("Verrouillée par un espace englobant")
    );
    let opened = camille
        .post(
            "/spaces/quartier/proposals/new",
            &[
                ("csrf", csrf.as_str()),
                ("title", "Deux relectures"),
                ("rationale", "Plus de regards sur chaque modification."),
                ("edit.approvals_required", "2"),
            ],
        )
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.text);
    let url = opened.location.clone().unwrap();
    let proposal = camille.get(&url).await;
    assert_eq!(proposal.title(), "Deux relectures");
    assert!(
        proposal
            .texts(".rule-changes del")
            .concat()
            .contains("après une approbation")
    );
    assert!(
        proposal
            .texts(".rule-changes ins")
            .concat()
            .contains("après 2 approbations")
    );
    assert!(proposal.text.contains("3 membres peuvent voter"));
    assert_eq!(proposal.select("svg.tally-bar rect").len(), 4);
    // She votes, then changes her mind, then back.
    let csrf = proposal.field("csrf");
    for choice in ["no", "yes"] {
        let voted = camille
            .post(&url, &[("csrf", csrf.as_str()), ("choice", choice)])
            .await;
        assert_eq!(voted.status, StatusCode::SEE_OTHER, "{}", voted.text);
    }
    let proposal = camille.get(&url).await;
    assert!(
        proposal
            .texts(".vote-form legend")
            .concat()
            .contains("Votre vote : oui")
    );
    // The others vote in English; the vote settles and the charter changes.
    let amina = Browser::new(&app, "en");
    amina
        .post("/login", &[("username", "amina"), ("password", PASSWORD)])
        .await;
    let csrf = amina.get(&url).await.field("csrf");
    amina
        .post(&url, &[("csrf", csrf.as_str()), ("choice", "yes")])
        .await;
    let bruno = Browser::new(&app, "en");
    bruno
        .post("/login", &[("username", "bruno"), ("password", PASSWORD)])
        .await;
    let csrf = bruno.get(&url).await.field("csrf");
    bruno
        .post(&url, &[("csrf", csrf.as_str()), ("choice", "abstain")])
        .await;
    let closed = bruno.get(&url).await;
    assert!(
        closed.texts(".facts dd strong").concat().contains("passed"),
        "{}",
        closed.text
    );
    assert!(closed.select(".vote-form").is_empty());
    let late = bruno
        .post(&url, &[("csrf", csrf.as_str()), ("choice", "no")])
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert!(
        late.texts(".error-summary")
            .concat()
            .contains("Proposal closed")
    );
    let charter = bruno.get("/spaces/quartier/charter").await;
    assert!(
        charter
            .texts("#rule-edit\\.approvals_required")
            .concat()
            .contains("after 2 approvals")
    );
    let list = bruno.get("/spaces/quartier/proposals?state=passed").await;
    assert_eq!(
        list.texts(".proposals-table tbody td a"),
        ["Deux relectures"]
    );
}

#[tokio::test]
async fn the_log_and_the_health_dashboard_show_what_happened() {
    let app = TestApp::spawn().await;
    let steward = app.user("camille").await;
    steward
        .create_space("quartier", None, serde_json::json!({}))
        .await;
    steward
        .edit("quartier", "Jardins", "# Jardins\n\nUn jardin.\n", None)
        .await;
    let amina = app.user("amina").await;
    amina
        .send(
            Method::POST,
            "/api/v1/spaces/quartier/members",
            serde_json::json!({}),
        )
        .await;
    let queued = amina
        .put_page(
            "quartier",
            "Jardins",
            "# Jardins\n\nUn jardin partagé.\n",
            Some(1),
        )
        .await;
    assert_eq!(queued.status(), StatusCode::ACCEPTED);
    let pending = crate::support::json_of(queued).await["revision"]["id"]
        .as_u64()
        .unwrap();
    let approved = steward
        .send(
            Method::POST,
            &format!("/api/v1/spaces/quartier/reviews/{pending}"),
            serde_json::json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(approved.status(), StatusCode::OK);
    steward.appoint("quartier", "amina", "contributor").await;

    // The API answers week by week when asked.
    let health =
        crate::support::json_of(app.get("/api/v1/spaces/quartier/health?weeks=12").await).await;
    let weeks = health["weeks"].as_array().unwrap();
    assert_eq!(weeks.len(), 12);
    let this_week = &weeks[11];
    assert_eq!(this_week["reviewed"], 1);
    assert_eq!(this_week["newcomers"], 1);
    assert_eq!(this_week["newcomers_retained"], 1);
    assert_eq!(this_week["active_contributors"], 2);
    assert!(
        app.get("/api/v1/spaces/quartier/health")
            .await
            .text()
            .await
            .unwrap()
            .find("weeks")
            .is_none()
    );
    for bad in ["0", "53", "x"] {
        let response = app
            .get(&format!("/api/v1/spaces/quartier/health?weeks={bad}"))
            .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "weeks={bad}");
    }

    // The dashboard: charts with their words and numbers.
    let reader = Browser::new(&app, "fr");
    let page = reader.get("/spaces/quartier/health").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.select("figure.chart").len(), 5);
    assert_eq!(page.select("figure.chart svg[role=img]").len(), 5);
    assert_eq!(page.select("figure.chart tbody tr").len(), 5 * 12);
    let summaries = page.texts("figure.chart .help").concat();
    assert!(summaries.contains("Cette semaine : 1"), "{summaries}");
    assert!(page.texts(".facts dd").contains(&"0".to_owned()));

    // The log, filtered by action and by member, linked to what it concerns.
    let log = reader.get("/spaces/quartier/log").await;
    let actions = log.texts(".log-table tbody td:nth-child(2)");
    assert!(
        actions.contains(&"relecture : approuvée".to_owned()),
        "{actions:?}"
    );
    assert!(
        actions.contains(&"changement de statut".to_owned()),
        "{actions:?}"
    );
    let standing = reader
        .get("/spaces/quartier/log?action=standing_change")
        .await;
    assert_eq!(
        standing.texts(".log-table tbody td:nth-child(2)"),
        ["changement de statut"]
    );
    assert_eq!(
        standing
            .attr(".log-table tbody td:nth-child(4) a", "href")
            .as_deref(),
        Some("/spaces/quartier/members/amina")
    );
    let by_amina = reader.get("/spaces/quartier/log?user=amina").await;
    let rows = by_amina.texts(".log-table tbody tr");
    assert!(
        !rows.is_empty() && rows.iter().all(|row| row.contains("amina")),
        "{rows:?}"
    );
    let api =
        crate::support::json_of(app.get("/api/v1/spaces/quartier/log?action=join").await).await;
    assert_eq!(api["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn notifications_lead_where_the_member_can_act() {
    let app = TestApp::spawn().await;
    let steward = app.user("camille").await;
    steward
        .create_space("quartier", None, serde_json::json!({}))
        .await;
    steward
        .edit("quartier", "Jardins", "# Jardins\n\nUn jardin.\n", None)
        .await;
    let amina = app.user("amina").await;
    let queued = amina
        .put_page(
            "quartier",
            "Jardins",
            "# Jardins\n\nUn jardin partagé.\n",
            Some(1),
        )
        .await;
    let pending = crate::support::json_of(queued).await["revision"]["id"]
        .as_u64()
        .unwrap();
    steward
        .send(
            Method::POST,
            &format!("/api/v1/spaces/quartier/reviews/{pending}"),
            serde_json::json!({"decision": "approve"}),
        )
        .await;
    let sanctioned = steward
        .send(
            Method::POST,
            "/api/v1/spaces/quartier/sanctions",
            serde_json::json!({"user": "amina", "reason": "liens publicitaires"}),
        )
        .await;
    assert_eq!(sanctioned.status(), StatusCode::CREATED);
    let browser = Browser::new(&app, "fr");
    browser
        .post("/login", &[("username", "amina"), ("password", PASSWORD)])
        .await;
    let me = browser.get("/me").await;
    let links: Vec<String> = me
        .select(".notifications li a")
        .iter()
        .filter_map(|a| a.value().attr("href").map(str::to_owned))
        .collect();
    assert!(
        links.contains(&"/wiki/quartier/Jardins".to_owned()),
        "{links:?}"
    );
    assert!(
        links.contains(&"/spaces/quartier/members/amina".to_owned()),
        "{links:?}"
    );
    // A probation is in force: she sees why and until when, and appeals.
    let probation = steward
        .send(
            Method::POST,
            "/api/v1/spaces/quartier/sanctions",
            serde_json::json!({"user": "amina", "reason": "récidive"}),
        )
        .await;
    assert_eq!(probation.status(), StatusCode::CREATED);
    let page = browser.get("/spaces/quartier/members/amina").await;
    let sanctions = page.texts("#sanctions-heading + ul li").concat();
    assert!(
        sanctions.contains("mise à l’épreuve (7 jours") && sanctions.contains("récidive"),
        "{sanctions}"
    );
    let csrf = page.field("csrf");
    let sanction = page
        .attr(".appeal-form input[name=sanction]", "value")
        .unwrap();
    let appealed = browser
        .post(
            "/spaces/quartier/members/amina",
            &[
                ("csrf", csrf.as_str()),
                ("action", "appeal"),
                ("sanction", sanction.as_str()),
                ("reason", "Les liens étaient des sources."),
            ],
        )
        .await;
    assert_eq!(appealed.status, StatusCode::SEE_OTHER, "{}", appealed.text);
    let proposal = browser.get(appealed.location.as_deref().unwrap()).await;
    assert!(
        proposal
            .texts(".facts dd")
            .concat()
            .contains("Faire appel d’une sanction")
    );
    let page = browser.get("/spaces/quartier/members/amina").await;
    assert!(page.select(".appeal-form").is_empty());
    assert!(page.text.contains("appel en cours"));
}

#[tokio::test]
async fn a_steward_rolls_back_a_vandal_after_a_dry_run() {
    let app = TestApp::spawn().await;
    let steward = app.user("camille").await;
    steward
        .create_space("quartier", None, serde_json::json!({}))
        .await;
    for slug in ["Jardins", "Marché"] {
        steward
            .edit(
                "quartier",
                slug,
                &format!("# {slug}\n\nTexte d’origine.\n"),
                None,
            )
            .await;
    }
    let vandal = app.user("vandale").await;
    vandal
        .send(
            Method::POST,
            "/api/v1/spaces/quartier/members",
            serde_json::json!({}),
        )
        .await;
    steward.appoint("quartier", "vandale", "contributor").await;
    for (slug, base) in [("Jardins", 1), ("Marché", 2)] {
        vandal
            .edit("quartier", slug, "Achetez nos montres !\n", Some(base))
            .await;
    }
    let camille = Browser::new(&app, "fr");
    camille
        .post("/login", &[("username", "camille"), ("password", PASSWORD)])
        .await;
    let home = camille.get("/spaces/quartier").await;
    assert!(
        home.attr("a[href='/spaces/quartier/rollback']", "href")
            .is_some()
    );
    let form = camille.get("/spaces/quartier/rollback").await;
    let csrf = form.field("csrf");
    let fields = |step: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("user", "vandale".to_owned()),
            ("since", "2000-01-01T00:00".to_owned()),
            ("reason", "publicité".to_owned()),
            ("step", step.to_owned()),
        ]
    };
    let preview_fields = fields("preview");
    let preview_pairs: Vec<(&str, &str)> = preview_fields
        .iter()
        .map(|(k, v)| (*k, v.as_str()))
        .collect();
    let dry_run = camille
        .post("/spaces/quartier/rollback", &preview_pairs)
        .await;
    assert_eq!(dry_run.status, StatusCode::OK, "{}", dry_run.text);
    assert_eq!(
        dry_run.texts("#result-heading"),
        ["Ce que l’annulation ferait"]
    );
    assert_eq!(dry_run.select(".rollback-result h3").len(), 2);
    assert!(
        dry_run
            .texts(".unified")
            .concat()
            .contains("Texte d’origine")
    );
    // Nothing changed yet.
    let page = camille.get("/wiki/quartier/Jardins").await;
    assert!(page.text.contains("Achetez nos montres"));
    let apply_fields = fields("apply");
    let apply_pairs: Vec<(&str, &str)> =
        apply_fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let applied = camille
        .post("/spaces/quartier/rollback", &apply_pairs)
        .await;
    assert_eq!(applied.texts("#result-heading"), ["Annulation faite"]);
    for slug in ["Jardins", "March%C3%A9"] {
        let page = camille.get(&format!("/wiki/quartier/{slug}")).await;
        assert!(page.text.contains("Texte d’origine"), "{slug}");
    }
    // Not a steward: refused in words.
    let other = Browser::new(&app, "en");
    other
        .post("/login", &[("username", "vandale"), ("password", PASSWORD)])
        .await;
    let csrf = other.get("/me").await.field("csrf");
    let refused = other
        .post(
            "/spaces/quartier/rollback",
            &[
                ("csrf", csrf.as_str()),
                ("user", "camille"),
                ("since", "2000-01-01T00:00"),
                ("reason", "revanche"),
                ("step", "preview"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(!refused.texts(".error-summary").concat().is_empty());
}

#[tokio::test]
async fn members_report_and_stewards_sanction_along_the_ladder() {
    let app = TestApp::spawn().await;
    let steward = app.user("camille").await;
    steward
        .create_space("quartier", None, serde_json::json!({}))
        .await;
    for name in ["amina", "bruno"] {
        let member = app.user(name).await;
        member
            .send(
                Method::POST,
                "/api/v1/spaces/quartier/members",
                serde_json::json!({}),
            )
            .await;
    }
    // A member reports another.
    let bruno = Browser::new(&app, "en");
    bruno
        .post("/login", &[("username", "bruno"), ("password", PASSWORD)])
        .await;
    let page = bruno.get("/spaces/quartier/members/amina").await;
    assert!(
        page.select(".sanction-form").is_empty(),
        "newcomers do not sanction"
    );
    let csrf = page.field("csrf");
    let reported = bruno
        .post(
            "/spaces/quartier/members/amina",
            &[
                ("csrf", csrf.as_str()),
                ("action", "report"),
                ("reason", "spam links"),
            ],
        )
        .await;
    assert_eq!(reported.status, StatusCode::OK, "{}", reported.text);
    assert!(
        reported
            .texts(".notice")
            .concat()
            .contains("Your report is recorded")
    );
    // The steward sees the ladder: the next step checked, heavier ones closed.
    let camille = Browser::new(&app, "fr");
    camille
        .post("/login", &[("username", "camille"), ("password", PASSWORD)])
        .await;
    let page = camille.get("/spaces/quartier/members/amina").await;
    assert_eq!(
        page.attr(".sanction-form input[checked]", "value")
            .as_deref(),
        Some("warning")
    );
    assert_eq!(page.select(".sanction-form input[disabled]").len(), 5);
    let csrf = page.field("csrf");
    let heavier = camille
        .post(
            "/spaces/quartier/members/amina",
            &[
                ("csrf", csrf.as_str()),
                ("action", "sanction"),
                ("step", "ban"),
                ("reason", "spam"),
            ],
        )
        .await;
    assert_eq!(heavier.status, StatusCode::BAD_REQUEST);
    assert!(!heavier.texts(".error-summary").concat().is_empty());
    let issued = camille
        .post(
            "/spaces/quartier/members/amina",
            &[
                ("csrf", csrf.as_str()),
                ("action", "sanction"),
                ("step", "warning"),
                ("reason", "spam"),
            ],
        )
        .await;
    assert_eq!(issued.status, StatusCode::OK, "{}", issued.text);
    assert!(
        issued
            .texts(".notice")
            .concat()
            .contains("La sanction est prononcée")
    );
    assert_eq!(
        issued
            .attr(".sanction-form input[checked]", "value")
            .as_deref(),
        Some("probation:7d")
    );
    let log = camille.get("/spaces/quartier/log?action=sanction").await;
    assert_eq!(log.select(".log-table tbody tr").len(), 1);
    // Up the ladder to a suspension: her edits are refused, in words.
    for step in ["probation:7d", "suspension:1d"] {
        let issued = camille
            .post(
                "/spaces/quartier/members/amina",
                &[
                    ("csrf", csrf.as_str()),
                    ("action", "sanction"),
                    ("step", step),
                    ("reason", "encore"),
                ],
            )
            .await;
        assert_eq!(issued.status, StatusCode::OK, "{step}: {}", issued.text);
    }
    // The public record, newest first, in words; readable by anyone.
    let record = Browser::new(&app, "en")
        .get("/spaces/quartier/sanctions")
        .await;
    assert_eq!(record.status, StatusCode::OK);
    let rows = record.texts(".sanctions-table tbody tr");
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(
        rows[0].contains("suspension") && rows[0].contains("in force"),
        "{rows:?}"
    );
    assert!(
        rows[2].contains("warning") && rows[2].contains("on record"),
        "{rows:?}"
    );
    let amina = Browser::new(&app, "fr");
    amina
        .post("/login", &[("username", "amina"), ("password", PASSWORD)])
        .await;
    // The edit tab already says why, before any typing.
    let refused = amina.get("/wiki/quartier/Jardins?action=edit").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text);
    assert!(refused.text.contains("Compte suspendu"), "{}", refused.text);
    // Sent anyway, the edit is refused the same way.
    let csrf = amina.get("/me").await.field("csrf");
    let sent = amina
        .post(
            "/wiki/quartier/Jardins",
            &[
                ("csrf", csrf.as_str()),
                ("action", "edit"),
                ("markdown", "Pub.\n"),
                ("do", "save"),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::FORBIDDEN);
    assert!(sent.text.contains("Compte suspendu"));
}

#[tokio::test]
async fn a_page_is_disputed_and_settled_by_a_vote_in_the_browser() {
    let app = TestApp::spawn().await;
    let steward = app.user("camille").await;
    steward
        .create_space("quartier", None, serde_json::json!({}))
        .await;
    let first = steward
        .edit("quartier", "Marché", "# Marché\n\nLe mardi matin.\n", None)
        .await;
    steward
        .edit(
            "quartier",
            "Marché",
            "# Marché\n\nLe jeudi soir.\n",
            Some(first),
        )
        .await;
    let reviewer = app.user("bruno").await;
    reviewer
        .send(
            Method::POST,
            "/api/v1/spaces/quartier/members",
            serde_json::json!({}),
        )
        .await;
    steward.appoint("quartier", "bruno", "reviewer").await;
    let bruno = Browser::new(&app, "fr");
    bruno
        .post("/login", &[("username", "bruno"), ("password", PASSWORD)])
        .await;
    let info = bruno.get("/wiki/quartier/March%C3%A9?action=info").await;
    assert_eq!(info.texts("#dispute"), ["Contester cette page"]);
    let csrf = info.field("csrf");
    let opened = bruno
        .post(
            "/wiki/quartier/March%C3%A9",
            &[
                ("csrf", csrf.as_str()),
                ("action", "dispute"),
                ("summary", "Le marché est le mardi."),
            ],
        )
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.text);
    let page = bruno.get("/wiki/quartier/March%C3%A9").await;
    assert!(
        page.texts(".dispute")
            .concat()
            .contains("Cette page est en litige.")
    );
    let settle = page.attr(".dispute a[href^='/spaces/']", "href").unwrap();
    let form = bruno.get(&settle).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.texts(".facts")
            .concat()
            .contains("Le marché est le mardi.")
    );
    let csrf = form.field("csrf");
    let first = first.to_string();
    let proposed = bruno
        .post(
            &settle,
            &[
                ("csrf", csrf.as_str()),
                ("title", "Revenir au mardi"),
                ("outcome", "rollback"),
                ("revision", first.as_str()),
            ],
        )
        .await;
    assert_eq!(proposed.status, StatusCode::SEE_OTHER, "{}", proposed.text);
    let url = proposed.location.unwrap();
    let proposal = bruno.get(&url).await;
    assert!(
        proposal
            .text
            .contains(&format!("Ramener la page à la révision {first}"))
    );
    assert!(proposal.texts(".diff ins").concat().contains("mardi"));
    assert!(proposal.texts(".diff del").concat().contains("jeudi"));
    // Both who may vote say yes: the page goes back.
    let csrf = proposal.field("csrf");
    bruno
        .post(&url, &[("csrf", csrf.as_str()), ("choice", "yes")])
        .await;
    let camille = Browser::new(&app, "fr");
    camille
        .post("/login", &[("username", "camille"), ("password", PASSWORD)])
        .await;
    let csrf = camille.get(&url).await.field("csrf");
    camille
        .post(&url, &[("csrf", csrf.as_str()), ("choice", "yes")])
        .await;
    let settled = camille.get(&url).await;
    assert!(
        settled
            .texts(".facts dd strong")
            .concat()
            .contains("adoptée"),
        "{}",
        settled.text
    );
    let page = camille.get("/wiki/quartier/March%C3%A9").await;
    assert!(page.text.contains("Le mardi matin."));
    assert!(page.select(".dispute").is_empty());
}

#[tokio::test]
async fn stewards_and_spaces_inside_come_by_a_vote_from_where_they_belong() {
    let app = TestApp::spawn().await;
    let steward = app.user("camille").await;
    steward
        .create_space("reseau", None, serde_json::json!({"subspaces": "vote"}))
        .await;
    let amina = app.user("amina").await;
    amina
        .send(
            Method::POST,
            "/api/v1/spaces/reseau/members",
            serde_json::json!({}),
        )
        .await;
    steward.appoint("reseau", "amina", "reviewer").await;
    let camille = Browser::new(&app, "fr");
    camille
        .post("/login", &[("username", "camille"), ("password", PASSWORD)])
        .await;
    // A steward comes by a role change proposal, from the member's page.
    let page = camille.get("/spaces/reseau/members/amina").await;
    assert_eq!(
        page.texts("#role-heading"),
        ["Proposer un nouveau statut (par un vote)"]
    );
    let csrf = page.field("csrf");
    let proposed = camille
        .post(
            "/spaces/reseau/members/amina",
            &[
                ("csrf", csrf.as_str()),
                ("action", "propose_role"),
                ("standing", "steward"),
                ("reason", "Elle anime le réseau."),
            ],
        )
        .await;
    assert_eq!(proposed.status, StatusCode::SEE_OTHER, "{}", proposed.text);
    let proposal = camille.get(proposed.location.as_deref().unwrap()).await;
    assert!(
        proposal.text.contains("amina deviendrait intendant"),
        "{}",
        proposal.text
    );
    // A space inside, where the charter says it takes a vote.
    let home = camille.get("/spaces/reseau").await;
    assert!(
        home.text
            .contains("les espaces intérieurs sont créés par un vote")
    );
    let csrf = home.field("csrf");
    let child = camille
        .post(
            "/spaces",
            &[
                ("csrf", csrf.as_str()),
                ("title", "Lyon"),
                ("slug", "lyon"),
                ("parent", "reseau"),
            ],
        )
        .await;
    assert_eq!(child.status, StatusCode::SEE_OTHER, "{}", child.text);
    let proposal = camille.get(child.location.as_deref().unwrap()).await;
    assert_eq!(proposal.title(), "Créer l’espace «\u{202f}Lyon\u{202f}»");
    assert!(
        proposal
            .text
            .contains("Un espace «\u{202f}lyon\u{202f}» serait créé")
    );
}

#[tokio::test]
async fn administrators_use_only_their_granted_powers_with_a_reason() {
    let app = TestApp::spawn().await;
    let admin = app.user("admin").await;
    let revision = admin
        .edit(
            "main",
            "Plainte",
            "# Plainte\n\nTexte diffamatoire.\n",
            None,
        )
        .await;
    let browser = Browser::new(&app, "fr");
    browser
        .post("/login", &[("username", "admin"), ("password", PASSWORD)])
        .await;
    let page = browser.get("/admin").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.select(".admin-page li code").len(), 2);
    let csrf = page.field("csrf");
    let revision = revision.to_string();
    let done = browser
        .post(
            "/admin",
            &[
                ("csrf", csrf.as_str()),
                ("power", "takedown"),
                ("space", "main"),
                ("revision", revision.as_str()),
                ("reason", "décision de justice"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    assert!(
        done.texts(".notice")
            .concat()
            .contains("Une révision retirée")
    );
    let log = browser.get("/spaces/main/log?action=admin_power").await;
    assert!(
        log.texts(".log-table")
            .concat()
            .contains("décision de justice")
    );
    // Restoring a steward where one exists: refused, in words.
    let refused = browser
        .post(
            "/admin",
            &[
                ("csrf", csrf.as_str()),
                ("power", "restore-stewardship"),
                ("space", "main"),
                ("user", "admin"),
                ("reason", "essai"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(!refused.texts(".error-summary").concat().is_empty());
    // Others have no such page.
    let other = Browser::new(&app, "en");
    other.register_and_log_in("amina").await;
    assert_eq!(other.get("/admin").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn members_who_do_not_review_report_a_waiting_revision() {
    let app = TestApp::spawn().await;
    let steward = app.user("camille").await;
    steward
        .create_space("quartier", None, serde_json::json!({}))
        .await;
    steward
        .edit("quartier", "Jardins", "# Jardins\n\nUn jardin.\n", None)
        .await;
    for name in ["amina", "chloe"] {
        let member = app.user(name).await;
        member
            .send(
                Method::POST,
                "/api/v1/spaces/quartier/members",
                serde_json::json!({}),
            )
            .await;
    }
    let amina = app.login("amina").await;
    let queued = amina
        .put_page(
            "quartier",
            "Jardins",
            "# Jardins\n\nAchetez des montres.\n",
            Some(1),
        )
        .await;
    assert_eq!(queued.status(), StatusCode::ACCEPTED);
    let chloe = Browser::new(&app, "fr");
    chloe
        .post("/login", &[("username", "chloe"), ("password", PASSWORD)])
        .await;
    let queue = chloe.get("/spaces/quartier/reviews").await;
    assert!(queue.select("button[value=approve]").is_empty());
    let csrf = queue.field("csrf");
    let revision = queue.field("revision");
    let reported = chloe
        .post(
            "/spaces/quartier/reviews",
            &[
                ("csrf", csrf.as_str()),
                ("revision", revision.as_str()),
                ("decision", "report"),
                ("comment", "publicité"),
            ],
        )
        .await;
    assert_eq!(reported.status, StatusCode::OK, "{}", reported.text);
    assert!(
        reported
            .texts(".notice")
            .concat()
            .contains("Votre signalement est enregistré")
    );
    assert!(
        reported
            .texts(".review-item .notice")
            .concat()
            .contains("1 signalement vise cette révision")
    );
}

#[tokio::test]
async fn a_space_starts_with_its_first_rules_and_every_rule_can_be_proposed() {
    let app = wiki_with_a_page().await;
    let sofia = Browser::new(&app, "fr");
    sofia.register_and_log_in("sofia").await;
    let directory = sofia.get("/spaces").await;
    let csrf = directory.field("csrf");
    // Not a number: said in words, the form keeps what was typed.
    let refused = sofia
        .post(
            "/spaces",
            &[
                ("csrf", csrf.as_str()),
                ("title", "Tiers-lieux"),
                ("slug", "tiers-lieux"),
                ("approvals", "deux"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.text);
    assert!(!refused.texts(".error-summary").concat().is_empty());
    assert_eq!(refused.field("approvals"), "deux");
    let created = sofia
        .post(
            "/spaces",
            &[
                ("csrf", csrf.as_str()),
                ("title", "Tiers-lieux"),
                ("slug", "tiers-lieux"),
                ("join", "approval"),
                ("approvals", "2"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text);
    let charter = sofia.get("/spaces/tiers-lieux/charter").await;
    let text = charter.texts("#rule-edit\\.approvals_required").concat();
    assert!(text.contains("2 approbations"), "{text}");
    assert!(text.contains("fixée par cet espace"), "{text}");

    // The form covers every rule, grouped: votes, limits, the ladder.
    let form = sofia
        .get("/spaces/tiers-lieux/proposals/new?protect=Accueil")
        .await;
    assert_eq!(form.status, StatusCode::OK);
    let legends = form.texts("fieldset legend");
    for legend in [
        "Vote sur un litige",
        "Limites de modifications",
        "Sanctions graduées",
    ] {
        assert!(legends.iter().any(|l| l == legend), "{legends:?}");
    }
    assert_eq!(form.field("votes.dispute.quorum"), "30");
    let english = Browser::new(&app, "en");
    english.register_and_log_in("sam").await;
    let in_english = english.get("/spaces/tiers-lieux/proposals/new").await;
    assert!(
        in_english
            .texts("fieldset legend")
            .iter()
            .any(|l| l == "Vote on a dispute")
    );
    assert_eq!(form.field("rate_limits.newcomer"), "10/h");
    assert_eq!(
        form.select("select[name='protection.pages.Accueil']").len(),
        1
    );
    let csrf = form.field("csrf");
    let opened = sofia
        .post(
            "/spaces/tiers-lieux/proposals/new",
            &[
                ("csrf", csrf.as_str()),
                ("title", "Des règles plus douces"),
                ("votes.dispute.quorum", "50 %"),
                ("rate_limits.newcomer", "20/h"),
                ("rate_limits.contributor", "120/h"),
                ("sanctions.ladder", "warning, suspension:1d,ban"),
                ("protection.pages.Accueil", "reviewer"),
            ],
        )
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.text);
    let url = opened.location.unwrap();
    let id = url.rsplit('/').next().unwrap();
    let api = app
        .get(&format!("/api/v1/spaces/tiers-lieux/proposals/{id}"))
        .await;
    let proposal = crate::support::json_of(api).await;
    assert_eq!(
        proposal["payload"]["patch"],
        serde_json::json!({
            "votes": {"dispute": {"quorum": 0.5}},
            "rate_limits": {"newcomer": "20/h"},
            "sanctions": {"ladder": ["warning", "suspension:1d", "ban"]},
            "protection": {"pages": {"Accueil": "reviewer"}},
        })
    );
    // A ladder the engine refuses is explained next to its field.
    let invalid = sofia
        .post(
            "/spaces/tiers-lieux/proposals/new",
            &[
                ("csrf", csrf.as_str()),
                ("title", "Une échelle étrange"),
                ("sanctions.ladder", "warning, pilori"),
            ],
        )
        .await;
    assert_eq!(invalid.status, StatusCode::BAD_REQUEST, "{}", invalid.text);
    assert_eq!(
        invalid
            .attr("input[name='sanctions.ladder']", "aria-invalid")
            .as_deref(),
        Some("true")
    );
    assert_eq!(invalid.field("sanctions.ladder"), "warning, pilori");
    assert!(
        invalid
            .texts(".field-error")
            .concat()
            .contains("Au moins un échelon parmi warning")
    );
    // Taking the newcomers' limit away while contributors keep theirs: the
    // rule is explained in place.
    let unlimited = sofia
        .post(
            "/spaces/tiers-lieux/proposals/new",
            &[
                ("csrf", csrf.as_str()),
                ("title", "Sans limite"),
                ("rate_limits.newcomer", ""),
            ],
        )
        .await;
    assert_eq!(unlimited.status, StatusCode::BAD_REQUEST);
    assert!(
        unlimited
            .texts(".field-error")
            .concat()
            .contains("un statut sans limite")
    );

    // A page's tools say who may edit it, and lead to protecting it.
    let info = sofia
        .get("/wiki/main/%C3%89conomie_sociale?action=info")
        .await;
    assert!(
        info.texts("#protection + p")
            .concat()
            .contains("demande le statut")
    );
    assert_eq!(
        info.attr("a[href*='protect=']", "href").as_deref(),
        Some("/spaces/main/proposals/new?protect=%C3%89conomie_sociale")
    );
}
