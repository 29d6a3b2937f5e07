//! Accounts and sessions: the first administrator, throttled logins, cookie
//! sessions with CSRF protection, logout, API tokens, the operator's CLI.

use std::io::Write;
use std::process::{Command, Stdio};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{PASSWORD, TestApp, expect_problem, page_path};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_account_administers_the_instance() {
    let app = TestApp::spawn().await;
    let first = app.user("Première").await;
    let second = app.user("second").await;
    let me: Value = first.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["username"], "Première");
    assert_eq!(me["is_admin"], true);
    assert_eq!(
        me["memberships"],
        json!([{"space": "main", "standing": "steward"}])
    );
    let me: Value = second.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["is_admin"], false);
    assert_eq!(me["memberships"], json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usernames_log_in_case_insensitively() {
    let app = TestApp::spawn().await;
    app.user("Éloïse").await;
    let response = app
        .send(
            Method::POST,
            "/api/v1/sessions",
            json!({"username": "E\u{301}LOI\u{308}SE", "password": PASSWORD}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let session: Value = response.json().await.unwrap();
    assert_eq!(session["user"], "Éloïse", "users are named by username");
}

/// A login attempt as if from `client`, through a trusted proxy.
async fn log_in_from(
    app: &TestApp,
    client: &str,
    username: &str,
    password: &str,
) -> reqwest::Response {
    app.request(Method::POST, "/api/v1/sessions")
        .header("x-forwarded-for", client)
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap()
}

fn behind_a_proxy(config: &mut ostrom::config::Config) {
    config.trusted_proxies = vec!["127.0.0.0/8".parse().unwrap()];
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_logins_are_throttled_per_name_and_client() {
    let app = TestApp::spawn_with(|config| {
        behind_a_proxy(config);
        config.login_throttle.failures_per_name_and_client = 3;
        config.login_throttle.failures_per_client = 1000;
    })
    .await;
    app.user("alice").await;
    for _ in 0..3 {
        let response = log_in_from(&app, "198.51.100.1", "alice", "not the password").await;
        expect_problem(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    }
    // From there, even the right password waits now...
    let response = log_in_from(&app, "198.51.100.1", "ALICE", PASSWORD).await;
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after > 0 && retry_after <= 15 * 60);
    expect_problem(response, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    // ...but the owner, elsewhere, is not locked out.
    let response = log_in_from(&app, "203.0.113.5", "alice", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::CREATED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_logins_are_throttled_per_client() {
    let app = TestApp::spawn_with(|config| {
        behind_a_proxy(config);
        config.login_throttle.failures_per_name_and_client = 1000;
        config.login_throttle.failures_per_client = 4;
    })
    .await;
    // Two addresses of one IPv6 /64 are one client.
    for attempt in 0..4 {
        let client = format!("2001:db8:1:2::{}", attempt + 1);
        let name = format!("nobody{attempt}");
        let response = log_in_from(&app, &client, &name, "whatever you like").await;
        expect_problem(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    }
    let response = log_in_from(
        &app,
        "2001:db8:1:2::ff",
        "someone-else",
        "whatever you like",
    )
    .await;
    assert!(response.headers().contains_key("retry-after"));
    expect_problem(response, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    let elsewhere = log_in_from(&app, "2001:db8:1:3::1", "someone-else", "whatever you like").await;
    expect_problem(elsewhere, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarded_headers_count_only_from_trusted_proxies() {
    let app = TestApp::spawn_with(|config| {
        config.login_throttle.failures_per_client = 2;
    })
    .await;
    // Not behind a trusted proxy: claiming another address changes nothing.
    for client in ["198.51.100.1", "198.51.100.2"] {
        let response = log_in_from(&app, client, "nobody", "whatever you like").await;
        expect_problem(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    }
    let response = log_in_from(&app, "198.51.100.3", "nobody", "whatever you like").await;
    expect_problem(response, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn account_creation_is_throttled_per_client() {
    let app = TestApp::spawn_with(|config| {
        behind_a_proxy(config);
        config.login_throttle.accounts_per_hour = 3;
    })
    .await;
    let register = |client: &'static str, name: String| {
        app.request(Method::POST, "/api/v1/accounts")
            .header("x-forwarded-for", client)
            .json(&json!({"username": name, "password": PASSWORD}))
            .send()
    };
    for n in 0..3 {
        let response = register("198.51.100.1", format!("user{n}")).await.unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
    }
    let refused = register("198.51.100.1", "user3".to_owned()).await.unwrap();
    assert!(refused.headers().contains_key("retry-after"));
    expect_problem(refused, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    let elsewhere = register("203.0.113.5", "user3".to_owned()).await.unwrap();
    assert_eq!(elsewhere.status(), StatusCode::CREATED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cookie_sessions_need_the_csrf_token_to_write() {
    let app = TestApp::spawn().await;
    app.user("alice").await;
    let response = app
        .send(
            Method::POST,
            "/api/v1/sessions",
            json!({"username": "alice", "password": PASSWORD}),
        )
        .await;
    let set_cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    let cookie = set_cookie.split(';').next().unwrap().to_owned();
    let session: Value = response.json().await.unwrap();
    let csrf = session["csrf_token"].as_str().unwrap().to_owned();

    // Reading with the cookie works.
    let me = app
        .request(Method::GET, "/api/v1/me")
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::OK);

    // Writing with the cookie alone is refused; with the token it works.
    let put = |csrf: Option<&str>| {
        let mut request = app
            .request(Method::PUT, &page_path("main", "Page"))
            .header("cookie", &cookie)
            .json(&json!({"markdown": "hello\n"}));
        if let Some(csrf) = csrf {
            request = request.header("x-csrf-token", csrf);
        }
        request.send()
    };
    expect_problem(put(None).await.unwrap(), StatusCode::FORBIDDEN, "forbidden").await;
    expect_problem(
        put(Some("wrong")).await.unwrap(),
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    assert_eq!(
        put(Some(&csrf)).await.unwrap().status(),
        StatusCode::CREATED
    );

    // A cross-site request is refused whatever it carries.
    let response = app
        .request(Method::PUT, &page_path("main", "Page"))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .header("sec-fetch-site", "cross-site")
        .header("origin", "https://evil.example")
        .json(&json!({"markdown": "pwned\n", "base_revision": 1}))
        .send()
        .await
        .unwrap();
    expect_problem(response, StatusCode::FORBIDDEN, "forbidden").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logging_out_revokes_the_session() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let other_session = app.login("alice").await;
    let response = alice
        .request(Method::DELETE, "/api/v1/sessions/current")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert!(
        response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    let response = alice.get("/api/v1/me").await;
    expect_problem(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    // Only that session: the other one still works.
    let response = other_session.get("/api/v1/me").await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_expire() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let response = alice.get("/api/v1/me").await;
    assert_eq!(response.status(), StatusCode::OK);
    // Sessions last 30 days.
    app.let_time_pass(std::time::Duration::from_secs(29 * 86_400))
        .await;
    assert_eq!(alice.get("/api/v1/me").await.status(), StatusCode::OK);
    app.let_time_pass(std::time::Duration::from_secs(86_400 + 1))
        .await;
    let response = alice.get("/api/v1/me").await;
    expect_problem(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn personal_api_tokens() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let response = alice
        .send(Method::POST, "/api/v1/tokens", json!({"name": "mon robot"}))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let token: Value = response.json().await.unwrap();
    let bot_token = token["token"].as_str().unwrap().to_owned();
    assert_eq!(token["name"], "mon robot");

    let response = alice
        .send(Method::POST, "/api/v1/tokens", json!({"name": "mon robot"}))
        .await;
    expect_problem(response, StatusCode::CONFLICT, "name_taken").await;

    // The token edits, with no CSRF token needed.
    let response = app
        .request(Method::PUT, &page_path("main", "Par le robot"))
        .bearer_auth(&bot_token)
        .json(&json!({"markdown": "bip\n"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);

    let tokens: Value = alice.get("/api/v1/tokens").await.json().await.unwrap();
    let tokens = &tokens["items"];
    assert_eq!(tokens[0]["name"], "mon robot");
    assert_eq!(tokens[0]["expires_at"], Value::Null);
    assert!(tokens[0]["created_at"].is_string() && tokens[0].get("token").is_none());
    let response = alice
        .request(Method::DELETE, "/api/v1/tokens/mon%20robot")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let response = app
        .request(Method::GET, "/api/v1/me")
        .bearer_auth(&bot_token)
        .send()
        .await
        .unwrap();
    expect_problem(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operators_create_users_from_the_cli() {
    let data = tempfile::tempdir().unwrap();
    let create = |name: &str, password: &str, admin: bool| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_ostrom"));
        command
            .args(["admin", "create-user", name, "--data"])
            .arg(data.path());
        if admin {
            command.arg("--admin");
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        child.wait_with_output().unwrap()
    };
    let output = create("root", PASSWORD, false);
    assert!(output.status.success(), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stdout).contains("administrator"));
    let output = create("moderator", PASSWORD, true);
    assert!(output.status.success(), "{output:?}");
    // Bad input: one line on stderr, non-zero exit.
    let output = create("ROOT", PASSWORD, false);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("username is taken"), "{stderr}");
    let output = create("shorty", "short", false);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("8 to 1024"));

    let app = TestApp::spawn_on(data.path()).await;
    let moderator = app.login("moderator").await;
    let me: Value = moderator.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["is_admin"], true);
    app.stop().await;
}
