//! The test harness: a real server on 127.0.0.1:0 with its own temporary data
//! folder, and an HTTP client that speaks to it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use ostrom::config::Config;
use ostrom::server::{RunningServer, start};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde_json::{Value, json};
use tempfile::TempDir;

/// A server running in this process over a temporary data folder.
pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    server: Option<RunningServer>,
    data: DataDir,
}

/// The data folder: owned (deleted at the end) or borrowed across restarts.
enum DataDir {
    Owned(TempDir),
    Borrowed(PathBuf),
}

impl DataDir {
    fn path(&self) -> &Path {
        match self {
            DataDir::Owned(dir) => dir.path(),
            DataDir::Borrowed(path) => path,
        }
    }
}

pub fn test_config(data: &Path) -> Config {
    let mut config = Config::new(data);
    config.listen = "127.0.0.1:0".parse().unwrap();
    // Every test's users register from this one address.
    config.login_throttle.accounts_per_hour = 100_000;
    config
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// A server whose configuration `adjust` may change first.
    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().expect("temporary folder");
        Self::start(DataDir::Owned(dir), adjust).await
    }

    /// A server over an existing data folder (to test restarts).
    pub async fn spawn_on(data: &Path) -> Self {
        Self::start(DataDir::Borrowed(data.to_owned()), |_| {}).await
    }

    async fn start(data: DataDir, adjust: impl FnOnce(&mut Config)) -> Self {
        let mut config = test_config(data.path());
        adjust(&mut config);
        let server = start(config, std::future::pending())
            .await
            .expect("server starts");
        let base = format!("http://{}", server.address);
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .expect("client");
        Self {
            base,
            client,
            server: Some(server),
            data,
        }
    }

    /// Stops the server gracefully, keeping the data folder for a restart.
    pub async fn stop(mut self) -> Option<TempDir> {
        if let Some(server) = self.server.take() {
            server.stop().await.expect("clean shutdown");
        }
        match std::mem::replace(&mut self.data, DataDir::Borrowed(PathBuf::new())) {
            DataDir::Owned(dir) => Some(dir),
            DataDir::Borrowed(_) => None,
        }
    }

    /// The application behind the server, to call services directly (for
    /// loading large corpora without HTTP overhead).
    pub fn app(&self) -> &ostrom::service::App {
        &self.server.as_ref().expect("running").app
    }

    /// Moves the instance's clock forward by `by` and runs the governance
    /// clock once: deadlines, expiries, promotions and lazy consensus come
    /// due at once, with no real waiting.
    pub async fn let_time_pass(&self, by: Duration) {
        self.app().config().clock.advance(by);
        self.app()
            .governance_tick()
            .await
            .expect("the governance clock runs");
    }

    /// Waits until everything written so far is searchable.
    pub async fn wait_for_index(&self) {
        let app = self.app();
        let deadline = std::time::Instant::now() + Duration::from_secs(120);
        while app.indexed_seq() < app.metrics().durable_seq {
            assert!(
                std::time::Instant::now() < deadline,
                "the index did not catch up"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, self.url(path))
    }

    pub async fn get(&self, path: &str) -> Response {
        self.request(Method::GET, path)
            .send()
            .await
            .expect("request")
    }

    /// GETs `path` as `reader`, or anonymously.
    pub async fn get_as(&self, reader: Option<&User<'_>>, path: &str) -> Response {
        match reader {
            Some(user) => user.get(path).await,
            None => self.get(path).await,
        }
    }

    /// Sends `body` as JSON, anonymously.
    pub async fn send(&self, method: Method, path: &str, body: Value) -> Response {
        self.request(method, path)
            .json(&body)
            .send()
            .await
            .expect("request")
    }

    /// Registers `name` with a fixed password and logs in.
    pub async fn user(&self, name: &str) -> User<'_> {
        let created = self
            .request(Method::POST, "/api/v1/accounts")
            .json(&json!({"username": name, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), StatusCode::CREATED, "register {name}");
        self.login(name).await
    }

    pub async fn login(&self, name: &str) -> User<'_> {
        let response = self
            .request(Method::POST, "/api/v1/sessions")
            .json(&json!({"username": name, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED, "log in {name}");
        let body: Value = response.json().await.unwrap();
        User {
            app: self,
            token: body["token"].as_str().unwrap().to_owned(),
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // A test that did not stop its server leaves it to the runtime's end.
        drop(self.server.take());
    }
}

pub const PASSWORD: &str = "correct horse battery";

/// An authenticated client (bearer token).
pub struct User<'a> {
    pub app: &'a TestApp,
    pub token: String,
}

impl User<'_> {
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.app.request(method, path).bearer_auth(&self.token)
    }

    /// Sends `body` as JSON with this user's token.
    pub async fn send(&self, method: Method, path: &str, body: Value) -> Response {
        self.request(method, path)
            .json(&body)
            .send()
            .await
            .expect("request")
    }

    pub async fn get(&self, path: &str) -> Response {
        self.request(Method::GET, path)
            .send()
            .await
            .expect("request")
    }

    /// PUTs a page and returns the response.
    pub async fn put_page(
        &self,
        space: &str,
        slug: &str,
        markdown: &str,
        base: Option<u64>,
    ) -> Response {
        let mut body = json!({"markdown": markdown});
        if let Some(base) = base {
            body["base_revision"] = json!(base);
        }
        self.request(Method::PUT, &page_path(space, slug))
            .json(&body)
            .send()
            .await
            .expect("request")
    }

    /// Makes a personal API token named `name`, asserting success.
    pub async fn api_token(&self, name: &str) -> String {
        let response = self
            .send(Method::POST, "/api/v1/tokens", json!({ "name": name }))
            .await;
        let body = json_of(response).await;
        body["token"]
            .as_str()
            .unwrap_or_else(|| panic!("token {name}: {body}"))
            .to_owned()
    }

    /// Creates the space `slug` (a child of `parent`, with `charter`),
    /// asserting success.
    pub async fn create_space(&self, slug: &str, parent: Option<&str>, charter: Value) {
        let body = json!({"slug": slug, "title": slug, "parent": parent, "charter": charter});
        let response = self.send(Method::POST, "/api/v1/spaces", body).await;
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        assert_eq!(status, StatusCode::CREATED, "create {slug}: {body}");
    }

    /// As a steward of `space`, sets `name`'s standing there (`contributor`,
    /// `reviewer`…), asserting success.
    pub async fn appoint(&self, space: &str, name: &str, standing: &str) {
        let path = format!("/api/v1/spaces/{space}/members/{}", encode(name));
        let response = self
            .send(Method::PUT, &path, json!({ "standing": standing }))
            .await;
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        assert_eq!(status, StatusCode::OK, "appoint {name} {standing}: {body}");
    }

    /// PUTs a page, asserts success, and returns the new revision id.
    pub async fn edit(&self, space: &str, slug: &str, markdown: &str, base: Option<u64>) -> u64 {
        let response = self.put_page(space, slug, markdown, base).await;
        let status = response.status();
        let body: Value = response.json().await.unwrap();
        assert!(
            status == StatusCode::OK || status == StatusCode::CREATED,
            "edit of {slug} was not published: {status} {body}"
        );
        body["revision"]["id"].as_u64().unwrap()
    }
}

pub fn page_path(space: &str, slug: &str) -> String {
    format!("/api/v1/spaces/{space}/pages/{}", encode(slug))
}

pub fn encode(segment: &str) -> String {
    percent_encoding::utf8_percent_encode(segment, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// The JSON body of `response`; panics with the status and text when it is not JSON.
pub async fn json_of(response: Response) -> Value {
    let status = response.status();
    let text = response.text().await.unwrap();
    serde_json::from_str(&text).unwrap_or_else(|_| panic!("{status}: {text}"))
}

/// Asserts a problem+json answer with this status and code; returns the body.
pub async fn expect_problem(response: Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(response.status(), status, "status for expected {code}");
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned());
    assert_eq!(content_type.as_deref(), Some("application/problem+json"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["status"], status.as_u16(), "{body}");
    assert!(body["type"].as_str().unwrap().ends_with(code), "{body}");
    assert!(
        body["title"].is_string() && body["detail"].is_string(),
        "{body}"
    );
    body
}

/// Where the shared test corpora live, or `None` (with a loud note) when
/// they are absent, so a test never passes silently without its data.
/// Under CI (`CI` set) an absent corpus fails the test: there, a skip
/// would be a pass that checked nothing.
pub fn shared_data(relative: &str) -> Option<PathBuf> {
    let root = std::env::var_os("OSTROM_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data"));
    let path = root.join(relative);
    if path.exists() {
        Some(path)
    } else if std::env::var_os("CI").is_some() {
        panic!(
            "{} is absent, and under CI a test that needs it must not pass without it (set OSTROM_SHARED_DATA)",
            path.display()
        );
    } else {
        // Written to the real stderr, past the test harness's capture, so
        // the skip shows even when the test passes.
        let _ = writeln!(
            std::io::stderr().lock(),
            "SKIPPED: {} is absent; this test needs the shared corpora (set OSTROM_SHARED_DATA)",
            path.display()
        );
        None
    }
}
