//! Accounts and the edge: passwords change and sessions end everywhere,
//! API tokens expire, names cannot impersonate, cookies carry sessions
//! only, every answer carries the security headers, links come from the
//! configured URL, and an instance reachable from outside is founded only
//! with its setup code.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{PASSWORD, TestApp, expect_problem, json_of, page_path};

async fn me_with(app: &TestApp, token: &str) -> StatusCode {
    app.request(Method::GET, "/api/v1/me")
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
}

async fn log_in(app: &TestApp, name: &str, password: &str) -> reqwest::Response {
    app.send(
        Method::POST,
        "/api/v1/sessions",
        json!({"username": name, "password": password}),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_change_ends_every_other_session() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let laptop = app.login("alice").await;
    let robot = alice.api_token("robot").await;

    let wrong = alice
        .send(
            Method::PUT,
            "/api/v1/me/password",
            json!({"current_password": "not it at all", "new_password": "un nouveau secret"}),
        )
        .await;
    expect_problem(wrong, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    let changed = alice
        .send(
            Method::PUT,
            "/api/v1/me/password",
            json!({"current_password": PASSWORD, "new_password": "un nouveau secret"}),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    assert!(
        changed.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("HttpOnly")
    );
    let session = json_of(changed).await;
    let fresh = session["token"].as_str().unwrap();

    assert_eq!(me_with(&app, &alice.token).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me_with(&app, &laptop.token).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me_with(&app, fresh).await, StatusCode::OK);
    assert_eq!(
        me_with(&app, &robot).await,
        StatusCode::OK,
        "API tokens stay"
    );
    let old = log_in(&app, "alice", PASSWORD).await;
    expect_problem(old, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    assert_eq!(
        log_in(&app, "alice", "un nouveau secret").await.status(),
        StatusCode::CREATED
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logging_out_everywhere_ends_every_session() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let phone = app.login("alice").await;
    let robot = alice.api_token("robot").await;
    let response = phone
        .request(Method::DELETE, "/api/v1/sessions")
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
    assert_eq!(me_with(&app, &alice.token).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me_with(&app, &phone.token).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me_with(&app, &robot).await, StatusCode::OK);
    // The hourly purge forgets the ended sessions.
    app.app().maintain().await.unwrap();
    assert_eq!(me_with(&app, &alice.token).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me_with(&app, &robot).await, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_tokens_may_expire() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let past = alice
        .send(
            Method::POST,
            "/api/v1/tokens",
            json!({"name": "vieux", "expires_at": "2020-01-01T00:00:00Z"}),
        )
        .await;
    expect_problem(past, StatusCode::BAD_REQUEST, "invalid_input").await;
    let soon = (time::OffsetDateTime::now_utc() + time::Duration::hours(1))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let token = json_of(
        alice
            .send(
                Method::POST,
                "/api/v1/tokens",
                json!({"name": "court", "expires_at": soon}),
            )
            .await,
    )
    .await;
    assert!(token["expires_at"].is_string(), "{token}");
    let secret = token["token"].as_str().unwrap();
    assert_eq!(me_with(&app, secret).await, StatusCode::OK);
    let listed = json_of(alice.get("/api/v1/tokens").await).await["items"].clone();
    assert_eq!(listed[0]["expires_at"], token["expires_at"]);
    app.let_time_pass(Duration::from_secs(3601)).await;
    assert_eq!(me_with(&app, secret).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_cannot_impersonate() {
    let app = TestApp::spawn().await;
    app.user("paul").await;
    for (impostor, status, code) in [
        ("p\u{0430}ul", StatusCode::CONFLICT, "username_taken"), // Cyrillic а
        ("PAUL", StatusCode::CONFLICT, "username_taken"),
        ("pau\u{200B}l", StatusCode::BAD_REQUEST, "invalid_input"),
        ("\u{202E}luap", StatusCode::BAD_REQUEST, "invalid_input"),
    ] {
        let response = app
            .send(
                Method::POST,
                "/api/v1/accounts",
                json!({"username": impostor, "password": PASSWORD}),
            )
            .await;
        let problem = expect_problem(response, status, code).await;
        if status == StatusCode::CONFLICT {
            assert!(problem["detail"].as_str().unwrap().contains("taken"));
        }
    }
    let lookalike = app
        .send(
            Method::POST,
            "/api/v1/accounts",
            json!({"username": "rnarie", "password": PASSWORD}),
        )
        .await;
    assert_eq!(lookalike.status(), StatusCode::CREATED, "no marie yet");
    let marie = app
        .send(
            Method::POST,
            "/api/v1/accounts",
            json!({"username": "marie", "password": PASSWORD}),
        )
        .await;
    let problem = expect_problem(marie, StatusCode::CONFLICT, "username_taken").await;
    assert!(
        problem["detail"].as_str().unwrap().contains("rnarie"),
        "{problem}"
    );
    // Titles too refuse what hides or reorders text.
    let writer = app.login("paul").await;
    let bidi = writer
        .put_page("main", "Ac\u{202E}cueil", "x\n", None)
        .await;
    expect_problem(bidi, StatusCode::BAD_REQUEST, "invalid_input").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cookies_carry_sessions_and_only_under_their_name() {
    let app = TestApp::spawn_with(|config| config.sessions.secure_cookie = true).await;
    let alice = app.user("alice").await;
    let response = log_in(&app, "alice", PASSWORD).await;
    let set_cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(set_cookie.starts_with("__Host-ostrom_session=") && set_cookie.contains("; Secure"));
    let token = json_of(response).await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let me = |cookie: String| {
        app.request(Method::GET, "/api/v1/me")
            .header("cookie", cookie)
            .send()
    };
    let secure = me(format!("__Host-ostrom_session={token}")).await.unwrap();
    assert_eq!(secure.status(), StatusCode::OK);
    // On an https instance the plain name (settable over http, or by a
    // sibling domain) is not read.
    let plain = me(format!("ostrom_session={token}")).await.unwrap();
    expect_problem(plain, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    // An API token is no session: not in a cookie, whose CSRF check it would skip.
    let robot = alice.api_token("robot").await;
    let smuggled = app
        .request(Method::PUT, &page_path("main", "Cible"))
        .header("cookie", format!("__Host-ostrom_session={robot}"))
        .json(&json!({"markdown": "x\n"}))
        .send()
        .await
        .unwrap();
    expect_problem(smuggled, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_carries_the_security_headers() {
    let app = TestApp::spawn_with(|config| {
        config.public_url = Some("https://wiki.example.org/".parse().unwrap());
    })
    .await;
    let alice = app.user("alice").await;
    alice.edit("main", "Accueil", "Bienvenue.\n", None).await;
    let long = format!("/api/v1/search?q={}", "a".repeat(9000));
    let responses = [
        app.get("/healthz").await,
        app.get("/feeds/changes.atom").await,
        app.get("/nowhere").await,
        app.get(&long).await,
        alice.get("/api/v1/me").await,
    ];
    for response in &responses {
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["referrer-policy"], "same-origin");
        let policy = headers["content-security-policy"].to_str().unwrap();
        assert!(policy.contains("frame-ancestors 'none'") && policy.contains("default-src 'none'"));
    }
    let [_, _, _, long, me] = responses;
    expect_problem(long, StatusCode::URI_TOO_LONG, "uri_too_long").await;
    assert_eq!(me.headers()["cache-control"], "private");
    // Feed links come from the public URL, never from the Host header.
    let feed = app
        .request(Method::GET, "/feeds/changes.atom")
        .header("host", "evil.example")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(feed.contains("https://wiki.example.org/"), "{feed}");
    assert!(!feed.contains("evil.example"), "{feed}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raw_ids_are_prefixed_and_images_are_polite() {
    let app = TestApp::spawn_with(|config| {
        config.remote_images = ostrom::render::RemoteImages::Link;
    })
    .await;
    let alice = app.user("alice").await;
    let markdown = "## Économie sociale\n\nVoir[^1].\n\n<h3 id=\"csrf_token\">Piège</h3>\n\n<a id=\"x\" href=\"#économie-sociale\">haut</a>\n\n![Plan](https://cartes.example/plan.png) ![Local](/fichiers/plan.png)\n\n[^1]: Une note.\n";
    alice.edit("main", "Ids", markdown, None).await;
    let page = json_of(app.get(&page_path("main", "Ids")).await).await;
    let html = page["html"].as_str().unwrap();
    assert!(html.contains("<h2 id=\"économie-sociale\">"), "{html}");
    assert!(html.contains("id=\"user-content-csrf_token\""), "{html}");
    assert!(html.contains("id=\"user-content-x\""), "{html}");
    assert!(
        html.contains("href=\"#fn-1\"") && html.contains("id=\"fn-1\""),
        "{html}"
    );
    assert!(!html.contains("ostrom-"), "the marker never shows: {html}");
    assert!(
        html.contains("<a href=\"https://cartes.example/plan.png\" rel=\"nofollow noopener noreferrer ugc\">Plan</a>"),
        "{html}"
    );
    assert!(
        html.contains("src=\"/fichiers/plan.png\"")
            && html.contains("loading=\"lazy\" referrerpolicy=\"no-referrer\""),
        "{html}"
    );
    assert_eq!(page["toc"][0]["id"], "économie-sociale");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn beyond_loopback_the_first_administrator_needs_the_setup_code() {
    let app = TestApp::spawn_with(|config| config.listen = "0.0.0.0:0".parse().unwrap()).await;
    let code = app
        .app()
        .setup_code()
        .expect("a code while there is no administrator");
    let register = |name: &str, setup_code: Option<&str>| {
        app.send(
            Method::POST,
            "/api/v1/accounts",
            json!({"username": name, "password": PASSWORD, "setup_code": setup_code}),
        )
    };
    let first = json_of(register("premier", None).await).await;
    assert_eq!(
        first["is_admin"], false,
        "whoever comes first is not enough"
    );
    let guess = json_of(register("devin", Some("0000")).await).await;
    assert_eq!(guess["is_admin"], false);
    let founder = json_of(register("fondatrice", Some(&code)).await).await;
    assert_eq!(founder["is_admin"], true);
    let members = json_of(app.get("/api/v1/spaces/main/members/fondatrice").await).await;
    assert_eq!(members["standing"], "steward");
    let nobody_else: Value = json_of(app.get("/api/v1/spaces/main/members/premier").await).await;
    assert_eq!(nobody_else["code"], "not_found");
    // Used once: gone.
    assert_eq!(app.app().setup_code(), None);
    let again = json_of(register("second", Some(&code)).await).await;
    assert_eq!(again["is_admin"], false);
}
