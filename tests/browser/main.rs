//! The web interface in a real browser: Debian's Chromium, driven through
//! chromium-driver (WebDriver) by fantoccini, against the real server.
//!
//! One story, in one browser session (two cores do not run two browsers
//! well): a reader lands on the home page, searches with a typo and without
//! accents, opens the result, follows a red link, registers, creates the
//! page with live preview, edits it while someone else edits it too and
//! resolves the conflict, compares two revisions, watches the page and sees
//! the notification, and switches to English. Every main screen is checked
//! by axe-core (WCAG 2.x A and AA: no violation) and by the Nu HTML Checker
//! (no error), and photographed, on a desktop and a 360 px phone, into
//! `target/screenshots/`.
//!
//! Needs `chromium`, `chromium-driver`, Java, and `npm ci --ignore-scripts`
//! in `tests/browser` (axe-core, vnu-jar): `.ci/run` installs them. Without
//! them the test says SKIPPED loudly, and fails under CI.

#[allow(dead_code)]
#[path = "../it/support.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use support::{PASSWORD, TestApp};

const FLAGS: [&str; 9] = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

fn tools_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/node_modules")
}

/// What the story needs, or why it cannot run here.
fn missing_tools() -> Option<String> {
    let axe = tools_dir().join("axe-core/axe.min.js");
    let vnu = tools_dir().join("vnu-jar/build/dist/vnu.jar");
    for (what, path) in [
        ("chromium", PathBuf::from("/usr/bin/chromium")),
        ("chromedriver", PathBuf::from("/usr/bin/chromedriver")),
        ("axe-core (npm ci --ignore-scripts in tests/browser)", axe),
        ("vnu-jar (npm ci --ignore-scripts in tests/browser)", vnu),
    ] {
        if !path.exists() {
            return Some(format!("{what} is not installed ({})", path.display()));
        }
    }
    if Command::new("java").arg("-version").output().is_err() {
        return Some("java is not installed".to_owned());
    }
    None
}

/// chromedriver on a free port, stopped when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let child = Command::new("/usr/bin/chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not listen");
            std::thread::sleep(Duration::from_millis(50));
        }
        Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn browser(driver: &Driver, profile: &Path) -> Client {
    let mut args: Vec<String> = FLAGS.iter().map(|f| (*f).to_owned()).collect();
    args.push(format!("--user-data-dir={}", profile.display()));
    args.push("--window-size=1280,900".to_owned());
    args.push("--lang=fr-FR".to_owned());
    let capabilities = json!({
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": args,
            "prefs": {"intl.accept_languages": "fr-FR,fr"},
        }
    });
    let Value::Object(capabilities) = capabilities else {
        unreachable!()
    };
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .expect("a Chromium session")
}

/// The screens checked and photographed.
struct Album {
    dir: PathBuf,
    sources: Vec<(String, String)>,
    axe: String,
}

impl Album {
    fn new() -> Self {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        let axe = std::fs::read_to_string(tools_dir().join("axe-core/axe.min.js")).unwrap();
        Album {
            dir,
            sources: Vec::new(),
            axe,
        }
    }

    /// Checks the screen now shown (axe: no WCAG A/AA violation), keeps its
    /// HTML for the validator, and photographs it.
    async fn check(&mut self, client: &Client, name: &str) {
        client.execute(&self.axe, vec![]).await.expect("axe loads");
        let result = client
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
                   axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})
                      .then(r => done(r.violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))))
                      .catch(e => done([{id: 'axe-error', help: String(e), nodes: []}]));"#,
                vec![],
            )
            .await
            .expect("axe runs");
        let violations = result.as_array().cloned().unwrap_or_default();
        assert!(
            violations.is_empty(),
            "{name}: accessibility violations: {}",
            serde_json::to_string_pretty(&violations).unwrap()
        );
        let source = client.source().await.unwrap();
        assert!(!source.contains('⟦'), "{name}: a message id shows");
        self.sources.push((name.to_owned(), source));
        self.photograph(client, name).await;
    }

    async fn photograph(&self, client: &Client, name: &str) {
        let png = client.screenshot().await.unwrap();
        std::fs::write(self.dir.join(format!("{name}.png")), png).unwrap();
    }

    /// The Nu HTML Checker over every screen kept: no error.
    fn validate(&self) {
        let folder = tempfile::tempdir().unwrap();
        let mut files = Vec::new();
        for (name, source) in &self.sources {
            let path = folder.path().join(format!("{name}.html"));
            // What the browser serialises lost the doctype's line; the
            // checker needs it.
            let html = if source.starts_with("<!DOCTYPE") {
                source.clone()
            } else {
                format!("<!DOCTYPE html>\n{source}")
            };
            std::fs::write(&path, html).unwrap();
            files.push(path);
        }
        let vnu = tools_dir().join("vnu-jar/build/dist/vnu.jar");
        let output = Command::new("java")
            .arg("-jar")
            .arg(vnu)
            .args(["--format", "json", "--errors-only"])
            .args(&files)
            .output()
            .expect("the Nu HTML Checker runs");
        let report: Value = serde_json::from_slice(&output.stderr)
            .or_else(|_| serde_json::from_slice(&output.stdout))
            .unwrap_or_else(|_| panic!("vnu said: {}", String::from_utf8_lossy(&output.stderr)));
        let errors: Vec<&Value> = report["messages"]
            .as_array()
            .map(|m| m.iter().filter(|m| m["type"] == "error").collect())
            .unwrap_or_default();
        assert!(
            errors.is_empty(),
            "invalid HTML: {}",
            serde_json::to_string_pretty(&errors).unwrap()
        );
    }
}

async fn wait_for(client: &Client, css: &str) -> fantoccini::elements::Element {
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
}

async fn text_of(client: &Client, css: &str) -> String {
    wait_for(client, css).await.text().await.unwrap()
}

async fn type_into(client: &Client, css: &str, text: &str) {
    let field = wait_for(client, css).await;
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

async fn click(client: &Client, css: &str) {
    wait_for(client, css).await.click().await.unwrap();
}

/// Presses and releases `key`, as a person at the keyboard would.
async fn press(client: &Client, key: char) {
    use fantoccini::actions::{InputSource, KeyAction, KeyActions};
    let actions = KeyActions::new("keyboard".to_owned())
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    client.perform_actions(actions).await.unwrap();
}

async fn path_of(client: &Client) -> String {
    let url = client.current_url().await.unwrap();
    let mut path = url.path().to_owned();
    if let Some(query) = url.query() {
        path.push('?');
        path.push_str(query);
    }
    path
}

/// The screen shown does not scroll sideways.
async fn fits(client: &Client, name: &str) {
    let overflow: Value = client
        .execute(
            "return document.documentElement.scrollWidth > window.innerWidth;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(overflow, json!(false), "{name} scrolls sideways at 360 px");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_becomes_a_contributor_in_the_browser() {
    if let Some(why) = missing_tools() {
        assert!(
            std::env::var_os("CI").is_none(),
            "the browser test cannot run under CI: {why}"
        );
        eprintln!("SKIPPED: the browser test: {why}");
        return;
    }
    let app = TestApp::spawn().await;
    let camille = app.user("camille").await;
    camille
        .edit(
            "main",
            "Économie sociale",
            "---\ntags: [économie]\n---\n# Économie sociale\n\n## Principes\n\nUne économie au service des personnes, faite de [[Coopérative|coopératives]] et de mutuelles.\n\n## Histoire\n\nDes mutuelles du XIXe siècle aux sociétés coopératives.\n",
            None,
        )
        .await;
    camille
        .edit(
            "main",
            "Communs",
            "# Communs\n\nDes ressources gouvernées ensemble, selon Elinor Ostrom.\n",
            None,
        )
        .await;
    app.wait_for_index().await;

    let driver = Driver::start();
    let profile = tempfile::tempdir().unwrap();
    let client = browser(&driver, profile.path()).await;
    let mut album = Album::new();
    let at = |path: &str| app.url(path);

    // A reader lands on the home page, in French.
    client.goto(&at("/")).await.unwrap();
    assert_eq!(text_of(&client, "h1").await, "Bienvenue sur Ostrom");
    album.check(&client, "home").await;

    // Suggestions while typing: an ARIA combobox.
    type_into(&client, "#search-input", "Comm").await;
    wait_for(&client, "#search-input[aria-expanded=true]").await;
    assert_eq!(
        text_of(&client, "#search-input-suggestions li").await,
        "Communs"
    );
    // Searches with a typo and without accents.
    type_into(&client, "#search-input", "economie mutuels").await;
    click(&client, ".site-header .search-form button").await;
    wait_for(&client, ".results").await;
    assert_eq!(text_of(&client, ".results h2").await, "Économie sociale");
    album.check(&client, "search").await;

    // Opens the result, and follows the red link.
    click(&client, ".results h2 a").await;
    assert_eq!(text_of(&client, "h1").await, "Économie sociale");
    album.check(&client, "page").await;
    click(&client, ".content a.new").await;
    assert!(path_of(&client).await.starts_with("/login?return="));
    album.check(&client, "login").await;

    // Registers (the steward then trusts her as a contributor), and comes
    // back to the red link.
    click(&client, "main a[href='/register']").await;
    type_into(&client, "#username", "amina").await;
    type_into(&client, "#password", PASSWORD).await;
    album.check(&client, "register").await;
    click(&client, ".form-page button[type=submit]").await;
    wait_for(&client, ".personal .me").await;
    // Logs out, and in again (as a password manager would fill the form).
    click(&client, ".personal form button").await;
    click(&client, ".personal a[href^='/login']").await;
    type_into(&client, "#username", "amina").await;
    type_into(&client, "#password", PASSWORD).await;
    click(&client, ".form-page button[type=submit]").await;
    wait_for(&client, ".personal .me").await;
    camille.appoint("main", "amina", "contributor").await;
    client
        .goto(&at("/wiki/main/Coop%C3%A9rative?action=edit"))
        .await
        .unwrap();
    assert_eq!(
        text_of(&client, "h1").await,
        "Création de «\u{202f}Coopérative\u{202f}»"
    );
    // Live preview as she types.
    type_into(
        &client,
        "#markdown",
        "# Coopérative\n\nUne entreprise détenue par ses **membres**.\n\nUne personne, une voix.\n",
    )
    .await;
    wait_for(&client, "[data-live-preview]:not([hidden]) strong").await;
    album.check(&client, "edit").await;
    click(&client, "button[value=save]").await;
    wait_for(&client, ".page h1").await;
    assert_eq!(path_of(&client).await, "/wiki/main/Coop%C3%A9rative");

    // She edits it while camille edits the same line: the conflict screen
    // keeps her text, she merges, and publishes.
    client
        .goto(&at("/wiki/main/Coop%C3%A9rative?action=edit"))
        .await
        .unwrap();
    wait_for(&client, "#markdown").await;
    camille
        .edit(
            "main",
            "Coopérative",
            "# Coopérative\n\nUne entreprise détenue par ses **membres**.\n\nUne personne, une voix, quelle que soit sa part.\n",
            Some(
                app.get("/api/v1/spaces/main/pages/Coop%C3%A9rative")
                    .await
                    .json::<Value>()
                    .await
                    .unwrap()["revision"]["id"]
                    .as_u64()
                    .unwrap(),
            ),
        )
        .await;
    type_into(
        &client,
        "#markdown",
        "# Coopérative\n\nUne entreprise détenue par ses **membres**.\n\nUne personne, une voix : la démocratie.\n",
    )
    .await;
    click(&client, "button[value=save]").await;
    assert_eq!(text_of(&client, "h1").await, "Conflit de modification");
    let kept = wait_for(&client, "#markdown")
        .await
        .prop("value")
        .await
        .unwrap();
    assert!(kept.unwrap_or_default().contains("la démocratie"));
    album.check(&client, "conflict").await;
    type_into(
        &client,
        "#markdown",
        "# Coopérative\n\nUne entreprise détenue par ses **membres**.\n\nUne personne, une voix, quelle que soit sa part : la démocratie.\n",
    )
    .await;
    click(&client, "button[value=save]").await;
    wait_for(&client, ".page").await;
    assert!(
        client
            .source()
            .await
            .unwrap()
            .contains("quelle que soit sa part : la démocratie")
    );

    // Compares two revisions from the history.
    client
        .goto(&at("/wiki/main/Coop%C3%A9rative?action=history"))
        .await
        .unwrap();
    album.check(&client, "history").await;
    click(&client, ".history tbody tr:last-child input[name=from]").await;
    click(&client, ".history-form button[type=submit]").await;
    wait_for(&client, ".diff").await;
    assert!(!text_of(&client, ".diff ins").await.is_empty());
    album.check(&client, "diff").await;

    // Watches the page, and hears of camille's next edit.
    client
        .goto(&at("/wiki/main/Coop%C3%A9rative"))
        .await
        .unwrap();
    click(&client, ".watch-form button").await;
    wait_for(&client, ".watch-form input[value=unwatch]").await;
    let head = app
        .get("/api/v1/spaces/main/pages/Coop%C3%A9rative")
        .await
        .json::<Value>()
        .await
        .unwrap()["revision"]["id"]
        .as_u64()
        .unwrap();
    camille
        .edit(
            "main",
            "Coopérative",
            "# Coopérative\n\nRéécrite par camille.\n",
            Some(head),
        )
        .await;
    client.goto(&at("/")).await.unwrap();
    // Her promotion and camille's edit.
    assert_eq!(text_of(&client, ".personal .count").await, "2");
    click(&client, ".personal a[href='/me#notifications']").await;
    assert!(
        text_of(&client, ".notifications li.unread")
            .await
            .contains("Coopérative")
    );
    album.check(&client, "me").await;

    // Spaces: she creates one from the directory, sees its home, its
    // charter in words, and her standing explained.
    client.goto(&at("/spaces")).await.unwrap();
    album.check(&client, "spaces").await;
    type_into(&client, "#space-title", "Données ouvertes").await;
    type_into(&client, "#space-slug", "donnees-ouvertes").await;
    click(&client, ".stacked-form button[type=submit]").await;
    wait_for(&client, ".space-home").await;
    assert_eq!(path_of(&client).await, "/spaces/donnees-ouvertes");
    assert!(
        text_of(&client, ".membership p")
            .await
            .contains("intendant")
    );
    album.check(&client, "space").await;
    // She proposes that edits there need two approvals, and votes.
    client
        .goto(&at("/spaces/donnees-ouvertes/proposals/new"))
        .await
        .unwrap();
    type_into(&client, "#proposal-title", "Deux relectures").await;
    type_into(&client, "input[name='edit.approvals_required']", "2").await;
    album.check(&client, "charter-form").await;
    click(&client, ".stacked-form button[type=submit]").await;
    wait_for(&client, ".proposal-page").await;
    assert!(
        text_of(&client, ".rule-changes ins")
            .await
            .contains("2 approbations")
    );
    album.check(&client, "proposal").await;
    click(&client, ".vote-form input[value=yes]").await;
    click(&client, ".vote-form button[type=submit]").await;
    wait_for(&client, ".proposal-page").await;
    assert!(text_of(&client, ".facts").await.contains("adoptée"));
    client.goto(&at("/spaces/main/charter")).await.unwrap();
    assert!(
        text_of(&client, "#rule-promotion")
            .await
            .contains("5 modifications acceptées")
    );
    album.check(&client, "charter").await;
    client
        .goto(&at("/spaces/main/members/amina"))
        .await
        .unwrap();
    wait_for(&client, ".member-page").await;
    album.check(&client, "member").await;

    // The review queue, from the keyboard: a newcomer's edit waits; she,
    // now a reviewer, moves to it with j and approves it with a.
    let bruno = app.user("bruno").await;
    let queued = bruno
        .put_page(
            "main",
            "Communs",
            "# Communs\n\nDes ressources gouvernées ensemble, selon Elinor Ostrom (1990).\n",
            Some(2),
        )
        .await;
    assert_eq!(queued.status().as_u16(), 202);
    camille.appoint("main", "amina", "reviewer").await;
    client.goto(&at("/spaces/main/reviews")).await.unwrap();
    wait_for(&client, ".review-item ins").await;
    album.check(&client, "reviews").await;
    press(&client, 'j').await;
    press(&client, 'a').await;
    wait_for(&client, ".review-queue .notice").await;
    assert!(
        text_of(&client, ".review-queue .notice")
            .await
            .contains("publiée")
    );

    // She disputes a page from its tools, and goes to settle it.
    client
        .goto(&at("/wiki/main/Communs?action=info"))
        .await
        .unwrap();
    type_into(&client, "#dispute-reason", "La date de 1990 est contestée.").await;
    click(&client, "#dispute + form button[type=submit]").await;
    wait_for(&client, ".notice.dispute").await;
    click(&client, ".notice.dispute a[href^='/spaces/']").await;
    wait_for(&client, ".dispute-page").await;
    album.check(&client, "dispute").await;

    // A steward's mass rollback starts with a dry run.
    client
        .goto(&at("/spaces/donnees-ouvertes/rollback"))
        .await
        .unwrap();
    type_into(&client, "#rollback-user", "bruno").await;
    client
        .execute(
            "document.getElementById('rollback-since').value = '2026-01-01T00:00';",
            vec![],
        )
        .await
        .unwrap();
    type_into(&client, "#rollback-reason", "vérification").await;
    click(&client, ".rollback-page button[value=preview]").await;
    wait_for(&client, "#result-heading").await;
    album.check(&client, "rollback").await;

    // What happened, in the log and on the dashboard.
    client.goto(&at("/spaces/main/log")).await.unwrap();
    wait_for(&client, ".log-table").await;
    album.check(&client, "log").await;
    client.goto(&at("/spaces/main/health")).await.unwrap();
    wait_for(&client, "figure.chart svg").await;
    album.check(&client, "health").await;

    // Recent changes, and an error page.
    client.goto(&at("/changes")).await.unwrap();
    album.check(&client, "changes").await;
    client.goto(&at("/nulle-part")).await.unwrap();
    assert_eq!(text_of(&client, "h1").await, "Page introuvable");
    album.check(&client, "not-found").await;

    // Switches to English.
    client
        .goto(&at("/wiki/main/%C3%89conomie_sociale"))
        .await
        .unwrap();
    click(&client, ".language-switch button[value=en]").await;
    wait_for(&client, "html[lang=en]").await;
    assert_eq!(
        text_of(&client, ".page-tabs a[aria-current=page]").await,
        "Read"
    );
    album.check(&client, "page-en").await;

    // The phone: 360 px wide.
    client.set_window_size(360, 800).await.unwrap();
    client
        .goto(&at("/wiki/main/%C3%89conomie_sociale?uselang=fr"))
        .await
        .unwrap();
    wait_for(&client, ".page").await;
    fits(&client, "page").await;
    album.check(&client, "page-phone").await;
    for (name, path) in [
        ("search-phone", "/search?q=mutuelles&fulltext=1"),
        (
            "history-phone",
            "/wiki/main/Coop%C3%A9rative?action=history",
        ),
        ("diff-phone", "/wiki/main/Coop%C3%A9rative/diff?view=side"),
        ("changes-phone", "/changes"),
        ("charter-phone", "/spaces/main/charter"),
        ("space-phone", "/spaces/donnees-ouvertes"),
    ] {
        client.goto(&at(path)).await.unwrap();
        wait_for(&client, "main h1").await;
        fits(&client, name).await;
        album.check(&client, name).await;
    }

    // The administrator's page, as camille (the instance's first account).
    client.set_window_size(1280, 800).await.unwrap();
    click(&client, ".personal form button").await;
    client.goto(&at("/login")).await.unwrap();
    type_into(&client, "#username", "camille").await;
    type_into(&client, "#password", PASSWORD).await;
    click(&client, ".form-page button[type=submit]").await;
    wait_for(&client, ".personal .me").await;
    client.goto(&at("/admin")).await.unwrap();
    wait_for(&client, ".admin-page").await;
    album.check(&client, "admin").await;

    client.close().await.unwrap();
    album.validate();
}
