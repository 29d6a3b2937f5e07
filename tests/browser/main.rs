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
use reqwest::Method;
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

/// Waits until the element at `css` says `text` (a page loaded after a
/// form's redirect).
async fn wait_for_text(client: &Client, css: &str, text: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Ok(element) = client.find(Locator::Css(css)).await
            && element.text().await.is_ok_and(|t| t.contains(text))
        {
            return;
        }
        if Instant::now() > deadline {
            let shown = match client.find(Locator::Css("main")).await {
                Ok(main) => main.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            panic!("{css} never said {text:?}; the page said: {shown}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The text of the element at `css`, read again if the page changed
/// between finding it and reading it (a stale element).
async fn text_of(client: &Client, css: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match wait_for(client, css).await.text().await {
            Ok(text) => return text,
            Err(error) if Instant::now() > deadline => panic!("{css}: {error}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

async fn type_into(client: &Client, css: &str, text: &str) {
    let field = wait_for(client, css).await;
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// Clicks the element at `css`, found again if the page changed between
/// finding it and clicking it (a stale element is not clicked).
async fn click(client: &Client, css: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match wait_for(client, css).await.click().await {
            Ok(()) => return,
            Err(error) if Instant::now() > deadline => panic!("{css}: {error}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
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

/// One browser at a time: two cores do not run two Chromiums well.
static ONE_BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Whether the story can run here; says SKIPPED loudly when not, and fails
/// under CI.
fn tools_present() -> bool {
    let Some(why) = missing_tools() else {
        return true;
    };
    assert!(
        std::env::var_os("CI").is_none(),
        "the browser test cannot run under CI: {why}"
    );
    eprintln!("SKIPPED: the browser test: {why}");
    false
}

/// Logs `name` in through the login form.
async fn log_in(client: &Client, app: &TestApp, name: &str) {
    client.goto(&app.url("/login")).await.unwrap();
    type_into(client, "#username", name).await;
    type_into(client, "#password", PASSWORD).await;
    click(client, ".form-page button[type=submit]").await;
    wait_for(client, ".personal .me").await;
}

/// Logs out with the header's button.
async fn log_out(client: &Client) {
    click(client, ".personal form button").await;
    wait_for(client, ".personal a[href^='/login']").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_becomes_a_contributor_in_the_browser() {
    if !tools_present() {
        return;
    }
    let _browser = ONE_BROWSER.lock().await;
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
    ] {
        client.goto(&at(path)).await.unwrap();
        wait_for(&client, "main h1").await;
        fits(&client, name).await;
        album.check(&client, name).await;
    }

    client.close().await.unwrap();
    album.validate();
}

/// `voter` votes yes on proposal `id` of the story's space, through the API.
async fn vote_yes(voter: &support::User<'_>, id: &str) {
    let voted = voter
        .send(
            Method::PUT,
            &format!("/api/v1/spaces/tiers-lieux/proposals/{id}/vote"),
            json!({"choice": "yes"}),
        )
        .await;
    assert!(voted.status().is_success());
}

/// The governance story of issue 13, in French: a steward creates a space
/// whose edits need two approvals; a newcomer joins and edits, and waits
/// for review; two reviewers approve from the queue; the newcomer is
/// promoted and sees why; members pass a charter change by vote; a page is
/// disputed and settled by a vote; a vandal is sanctioned and rolled back
/// after a dry run; the log and the health dashboard show it all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_commons_governs_itself_in_the_browser() {
    if !tools_present() {
        return;
    }
    let _browser = ONE_BROWSER.lock().await;
    let app = TestApp::spawn().await;
    // camille, the instance's first account, is its administrator.
    let camille = app.user("camille").await;
    let sofia = app.user("sofia").await;
    let nadia = app.user("nadia").await;
    let lea = app.user("lea").await;
    let marc = app.user("marc").await;
    let victor = app.user("victor").await;
    let _ = (&camille, &nadia);

    let driver = Driver::start();
    let profile = tempfile::tempdir().unwrap();
    let client = browser(&driver, profile.path()).await;
    let mut album = Album::new();
    let at = |path: &str| app.url(path);
    let space = "/spaces/tiers-lieux";

    // The steward creates the space: two approvals publish a newcomer's
    // edit, one accepted edit (and the default time) makes a contributor.
    log_in(&client, &app, "sofia").await;
    client.goto(&at("/spaces")).await.unwrap();
    type_into(&client, "#space-title", "Tiers-lieux").await;
    type_into(&client, "#space-slug", "tiers-lieux").await;
    type_into(&client, "#space-approvals", "2").await;
    type_into(&client, "#space-promotion", "1").await;
    album.check(&client, "spaces").await;
    click(&client, ".stacked-form button[type=submit]").await;
    wait_for(&client, ".space-home").await;
    assert_eq!(path_of(&client).await, space);
    assert!(
        text_of(&client, ".membership p")
            .await
            .contains("intendant")
    );
    client.goto(&at(&format!("{space}/charter"))).await.unwrap();
    let rule = text_of(&client, "[id='rule-edit.approvals_required']").await;
    assert!(rule.contains("après 2 approbations"), "{rule}");
    album.check(&client, "charter").await;

    // Members arrive; the steward makes two of them reviewers from their
    // pages, and trusts victor as a contributor.
    for member in [&lea, &marc, &victor] {
        let joined = member
            .send(
                Method::POST,
                "/api/v1/spaces/tiers-lieux/members",
                json!({}),
            )
            .await;
        assert!(joined.status().is_success());
    }
    for reviewer in ["lea", "marc"] {
        client
            .goto(&at(&format!("{space}/members/{reviewer}")))
            .await
            .unwrap();
        click(&client, "input[name=standing][value=reviewer]").await;
        type_into(&client, "#appoint-reason", "relit depuis longtemps").await;
        click(&client, "#appoint-reason ~ button[type=submit]").await;
        wait_for_text(&client, ".facts dd strong", "relecteur").await;
        let why = text_of(&client, ".facts").await;
        assert!(
            why.contains("Nomination au statut relecteur par sofia")
                && why.contains("relit depuis longtemps"),
            "{why}"
        );
    }
    sofia.appoint("tiers-lieux", "victor", "contributor").await;
    log_out(&client).await;

    // A newcomer joins and edits: her edit waits for review.
    log_in(&client, &app, "nadia").await;
    client.goto(&at(space)).await.unwrap();
    click(&client, ".membership button[value=join]").await;
    wait_for(&client, ".membership button[value=leave]").await;
    client
        .goto(&at("/wiki/tiers-lieux/Atelier_v%C3%A9lo?action=edit"))
        .await
        .unwrap();
    type_into(
        &client,
        "#markdown",
        "# Atelier vélo\n\nOn répare ensemble, le samedi matin.\n",
    )
    .await;
    click(&client, "button[value=save]").await;
    assert_eq!(
        text_of(&client, "main h1").await,
        "Modification en attente de relecture"
    );
    album.check(&client, "queued").await;
    log_out(&client).await;

    // Two reviewers approve it from the queue: lea from the keyboard.
    log_in(&client, &app, "lea").await;
    client.goto(&at(&format!("{space}/reviews"))).await.unwrap();
    wait_for(&client, ".review-item ins").await;
    assert!(
        text_of(&client, ".review-item")
            .await
            .contains("nouveau membre")
    );
    album.check(&client, "reviews").await;
    press(&client, 'j').await;
    press(&client, 'a').await;
    wait_for(&client, ".review-queue .notice").await;
    assert!(
        text_of(&client, ".review-queue .notice")
            .await
            .contains("1 sur 2")
    );
    log_out(&client).await;
    log_in(&client, &app, "marc").await;
    client.goto(&at(&format!("{space}/reviews"))).await.unwrap();
    click(&client, ".review-form button[value=approve]").await;
    wait_for(&client, ".review-queue .notice").await;
    assert!(
        text_of(&client, ".review-queue .notice")
            .await
            .contains("publiée")
    );
    log_out(&client).await;

    // Time passes: the newcomer is promoted, and sees why.
    app.let_time_pass(Duration::from_secs(4 * 86_400)).await;
    log_in(&client, &app, "nadia").await;
    client
        .goto(&at(&format!("{space}/members/nadia")))
        .await
        .unwrap();
    wait_for(&client, ".member-page").await;
    assert_eq!(text_of(&client, ".facts dd strong").await, "contributeur");
    let why = text_of(&client, ".facts").await;
    assert!(why.contains("1 modification"), "{why}");
    assert!(why.contains("Promotion le"), "{why}");
    album.check(&client, "member").await;

    // She proposes a change of the charter; the members pass it by vote.
    client
        .goto(&at(&format!("{space}/proposals/new")))
        .await
        .unwrap();
    type_into(&client, "#proposal-title", "Plus de souffle aux nouveaux").await;
    type_into(&client, "input[name='rate_limits.newcomer']", "20/h").await;
    album.check(&client, "charter-form").await;
    click(&client, ".stacked-form button[type=submit]").await;
    wait_for(&client, ".proposal-page").await;
    assert!(text_of(&client, ".rule-changes ins").await.contains("20"));
    click(&client, ".vote-form input[value=yes]").await;
    click(&client, ".vote-form button[type=submit]").await;
    wait_for(&client, ".proposal-page").await;
    let proposal = path_of(&client).await;
    let id = proposal.rsplit('/').next().unwrap().to_owned();
    for voter in [&lea, &marc] {
        vote_yes(voter, &id).await;
    }
    client.goto(&at(&proposal)).await.unwrap();
    album.check(&client, "proposal").await;
    vote_yes(&sofia, &id).await;
    client.goto(&at(&proposal)).await.unwrap();
    assert!(text_of(&client, ".facts").await.contains("adoptée"));
    client.goto(&at(&format!("{space}/charter"))).await.unwrap();
    assert!(
        text_of(&client, "[id='rule-rate_limits.newcomer']")
            .await
            .contains("20")
    );

    // She disputes a page from its tools; the reviewers settle it by vote.
    client
        .goto(&at("/wiki/tiers-lieux/Atelier_v%C3%A9lo?action=info"))
        .await
        .unwrap();
    type_into(
        &client,
        "#dispute-reason",
        "Le samedi ne convient pas à tous.",
    )
    .await;
    click(&client, "#dispute + form button[type=submit]").await;
    wait_for(&client, ".notice.dispute").await;
    log_out(&client).await;
    log_in(&client, &app, "lea").await;
    client
        .goto(&at("/wiki/tiers-lieux/Atelier_v%C3%A9lo"))
        .await
        .unwrap();
    click(&client, ".notice.dispute a[href^='/spaces/']").await;
    wait_for(&client, ".dispute-page").await;
    type_into(&client, "#settle-title", "Garder la page").await;
    album.check(&client, "dispute").await;
    click(&client, ".dispute-page button[type=submit]").await;
    wait_for(&client, ".proposal-page").await;
    click(&client, ".vote-form input[value=yes]").await;
    click(&client, ".vote-form button[type=submit]").await;
    wait_for(&client, ".proposal-page").await;
    let settle = path_of(&client).await;
    let id = settle.rsplit('/').next().unwrap().to_owned();
    vote_yes(&marc, &id).await;
    client.goto(&at(&settle)).await.unwrap();
    assert!(text_of(&client, ".facts").await.contains("adoptée"));
    client
        .goto(&at("/wiki/tiers-lieux/Atelier_v%C3%A9lo"))
        .await
        .unwrap();
    wait_for(&client, ".page").await;
    assert!(
        client
            .find_all(Locator::Css(".notice.dispute"))
            .await
            .unwrap()
            .is_empty(),
        "the settled dispute's banner is gone"
    );
    log_out(&client).await;

    // A vandal strikes two pages.
    let head = |slug: &'static str| {
        let app = &app;
        async move {
            app.get(&format!("/api/v1/spaces/tiers-lieux/pages/{slug}"))
                .await
                .json::<Value>()
                .await
                .unwrap()["revision"]["id"]
                .as_u64()
                .unwrap()
        }
    };
    sofia
        .edit(
            "tiers-lieux",
            "Charte du lieu",
            "# Charte du lieu\n\nChacun range ce qu’il utilise.\n",
            None,
        )
        .await;
    let base = head("Atelier_v%C3%A9lo").await;
    victor
        .edit(
            "tiers-lieux",
            "Atelier vélo",
            "# Atelier vélo\n\nFERMÉ !!!\n",
            Some(base),
        )
        .await;
    let base = head("Charte_du_lieu").await;
    victor
        .edit(
            "tiers-lieux",
            "Charte du lieu",
            "# Charte du lieu\n\nn’importe quoi\n",
            Some(base),
        )
        .await;

    // The steward sanctions him along the ladder, then rolls his edits
    // back after a dry run.
    log_in(&client, &app, "sofia").await;
    client
        .goto(&at(&format!("{space}/members/victor")))
        .await
        .unwrap();
    let proposed = wait_for(&client, ".sanction-form input[name=step]:checked")
        .await
        .attr("value")
        .await
        .unwrap();
    assert_eq!(proposed.as_deref(), Some("warning"));
    type_into(&client, "#sanction-reason", "Vandalisme de deux pages").await;
    click(&client, ".sanction-form button[type=submit]").await;
    wait_for_text(&client, ".member-page .notice", "prononcée").await;
    // The warning is on record; the ladder now proposes the next step.
    let next = wait_for(&client, ".sanction-form input[name=step]:checked")
        .await
        .attr("value")
        .await
        .unwrap();
    assert_eq!(next.as_deref(), Some("probation:7d"));
    client
        .goto(&at(&format!("{space}/sanctions")))
        .await
        .unwrap();
    assert!(
        text_of(&client, ".sanctions-table")
            .await
            .contains("Vandalisme de deux pages")
    );
    album.check(&client, "sanctions").await;
    client
        .goto(&at(&format!("{space}/rollback")))
        .await
        .unwrap();
    type_into(&client, "#rollback-user", "victor").await;
    client
        .execute(
            "document.getElementById('rollback-since').value = '2020-01-01T00:00';",
            vec![],
        )
        .await
        .unwrap();
    type_into(&client, "#rollback-reason", "vandalisme").await;
    click(&client, ".rollback-page button[value=preview]").await;
    wait_for(&client, "#result-heading").await;
    assert_eq!(
        client
            .find_all(Locator::Css(".rollback-result h3"))
            .await
            .unwrap()
            .len(),
        2
    );
    album.check(&client, "rollback").await;
    click(&client, ".rollback-page button[value=apply]").await;
    wait_for(&client, ".rollback-result").await;
    let page = app
        .get("/api/v1/spaces/tiers-lieux/pages/Atelier_v%C3%A9lo")
        .await
        .json::<Value>()
        .await
        .unwrap();
    assert!(
        page["markdown"]
            .as_str()
            .unwrap_or_default()
            .contains("le samedi matin"),
        "{page}"
    );

    // The log and the dashboard show it all.
    client.goto(&at(&format!("{space}/log"))).await.unwrap();
    let log = text_of(&client, ".log-table").await;
    for what in ["victor", "nadia", "Plus de souffle aux nouveaux"] {
        assert!(log.contains(what), "the log lacks {what}: {log}");
    }
    album.check(&client, "log").await;
    client.goto(&at(&format!("{space}/health"))).await.unwrap();
    wait_for(&client, "figure.chart svg").await;
    album.check(&client, "health").await;

    // On a phone.
    client.set_window_size(360, 800).await.unwrap();
    for (name, path) in [
        ("charter-phone", format!("{space}/charter")),
        ("space-phone", space.to_owned()),
        ("health-phone", format!("{space}/health")),
    ] {
        client.goto(&at(&path)).await.unwrap();
        wait_for(&client, "main h1").await;
        fits(&client, name).await;
        album.check(&client, name).await;
    }

    // The administrator's page, as camille.
    client.set_window_size(1280, 800).await.unwrap();
    log_out(&client).await;
    log_in(&client, &app, "camille").await;
    client.goto(&at("/admin")).await.unwrap();
    wait_for(&client, ".admin-page").await;
    album.check(&client, "admin").await;

    client.close().await.unwrap();
    album.validate();
}
