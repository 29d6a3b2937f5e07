//! Graduated sanctions over HTTP, with a ladder of seconds: a member climbs
//! it (warning, probation, suspension, ban), each step does what the
//! charter says here and in child spaces, rights return at expiry, and an
//! appeal lifts a ban.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestApp, User, expect_problem, json_of};

async fn sanction(issuer: &User<'_>, user: &str, step: Option<&str>) -> reqwest::Response {
    let mut body = json!({ "user": user, "reason": "vandalisme répété" });
    if let Some(step) = step {
        body["step"] = json!(step);
    }
    issuer
        .send(Method::POST, "/api/v1/spaces/club/sanctions", body)
        .await
}

async fn issued(issuer: &User<'_>, user: &str) -> Value {
    let response = sanction(issuer, user, None).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    json_of(response).await
}

/// Edits `slug` in `space` as `user` and returns the status.
async fn edit(app: &TestApp, user: &User<'_>, space: &str, slug: &str) -> (StatusCode, Value) {
    let path = crate::support::page_path(space, slug);
    let head = json_of(app.get(&path).await).await["revision"]["id"].as_u64();
    let text = format!("texte {}\n", Instant::now().elapsed().as_nanos());
    let response = user.put_page(space, slug, &text, head).await;
    let status = response.status();
    (status, json_of(response).await)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_climbs_the_ladder_and_an_appeal_lifts_the_ban() {
    let app =
        TestApp::spawn_with(|config| config.governance.tick = Duration::from_millis(100)).await;
    let _admin = app.user("admin").await;
    let stella = app.user("stella").await;
    let charter = json!({
        "sanctions": { "ladder": ["warning", "probation:3s", "suspension:2s", "ban"], "decay": "1d" },
        "votes": { "appeal": { "eligible_min": "reviewer", "quorum": 0.5, "threshold": 0.5, "duration": "1h" } }
    });
    let created = stella
        .send(
            Method::POST,
            "/api/v1/spaces",
            json!({ "slug": "club", "title": "Le club", "charter": charter }),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let child = stella
        .send(
            Method::POST,
            "/api/v1/spaces",
            json!({ "slug": "jeunes", "title": "Les jeunes", "parent": "club" }),
        )
        .await;
    assert_eq!(child.status(), StatusCode::CREATED);
    let romain = app.user("romain").await;
    let rose = app.user("rose").await;
    let carl = app.user("carl").await;
    let victor = app.user("victor").await;
    for user in [&romain, &rose, &carl, &victor] {
        user.send(Method::POST, "/api/v1/spaces/club/members", json!({}))
            .await;
    }
    for (name, standing) in [
        ("romain", "reviewer"),
        ("rose", "reviewer"),
        ("carl", "contributor"),
        ("victor", "contributor"),
    ] {
        stella.appoint("club", name, standing).await;
    }
    for slug in ["Règles", "Agenda"] {
        let (status, _) = edit(&app, &stella, "club", slug).await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let (status, _) = edit(&app, &stella, "jeunes", "Sortie").await;
    assert_eq!(status, StatusCode::CREATED);

    // Carl reports Victor; reviewers see the report.
    let report = carl
        .send(
            Method::POST,
            "/api/v1/spaces/club/reports",
            json!({ "user": "victor", "reason": "il efface l'agenda" }),
        )
        .await;
    assert_eq!(report.status(), StatusCode::CREATED);
    let reports = json_of(romain.get("/api/v1/spaces/club/reports").await).await;
    assert_eq!(reports["items"][0]["user"], "victor");
    expect_problem(
        carl.get("/api/v1/spaces/club/reports").await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    // Who may sanction whom.
    expect_problem(
        sanction(&carl, "victor", None).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    expect_problem(
        sanction(&romain, "stella", None).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    expect_problem(
        sanction(&romain, "victor", Some("exile")).await,
        StatusCode::BAD_REQUEST,
        "invalid_input",
    )
    .await;

    // 1. A warning records only.
    let warning = issued(&romain, "victor").await;
    assert_eq!(
        (warning["kind"].as_str(), warning["step"].as_str()),
        (Some("warning"), Some("warning"))
    );
    assert!(warning["ends_at"].is_null());
    assert_eq!(
        edit(&app, &victor, "club", "Agenda").await.0,
        StatusCode::OK
    );

    // 2. Probation sends his edits to review, here and in the child space.
    let probation = issued(&romain, "victor").await;
    assert_eq!(probation["step"], "probation:3s");
    assert_eq!(
        edit(&app, &victor, "club", "Agenda").await.0,
        StatusCode::ACCEPTED
    );
    assert_eq!(
        edit(&app, &victor, "jeunes", "Sortie").await.0,
        StatusCode::ACCEPTED
    );
    // He sees why and until when where he looks at his standing, in the
    // child space too.
    let own = json_of(victor.get("/api/v1/spaces/jeunes/members/victor").await).await;
    assert_eq!(own["sanctions"][0]["step"], "probation:3s", "{own}");
    assert_eq!(own["sanctions"][0]["reason"], probation["reason"]);
    assert_eq!(own["sanctions"][0]["ends_at"], probation["ends_at"]);

    // 3. Heavier than the next step is refused; the next is a suspension.
    expect_problem(
        sanction(&romain, "victor", Some("ban")).await,
        StatusCode::BAD_REQUEST,
        "step_too_heavy",
    )
    .await;
    let suspension = issued(&rose, "victor").await;
    assert_eq!(suspension["step"], "suspension:2s");
    let (status, refused) = edit(&app, &victor, "club", "Agenda").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(refused["code"], "suspended");
    assert_eq!(
        refused["until"], suspension["ends_at"],
        "he is told until when: {refused}"
    );
    assert_eq!(
        edit(&app, &victor, "jeunes", "Sortie").await.1["code"],
        "suspended",
        "in the child space too"
    );
    let no_report = victor
        .send(
            Method::POST,
            "/api/v1/spaces/club/reports",
            json!({ "user": "carl", "reason": "vengeance" }),
        )
        .await;
    expect_problem(no_report, StatusCode::FORBIDDEN, "suspended").await;
    // He can see why, and until when.
    let his = json_of(
        victor
            .get("/api/v1/spaces/club/sanctions?user=victor")
            .await,
    )
    .await["items"]
        .clone();
    assert_eq!(his.as_array().unwrap().len(), 3);
    assert_eq!(his[0]["reason"], "vandalisme répété");
    assert_eq!(his[0]["active"], true);

    // At expiry his rights return by themselves.
    app.let_time_pass(Duration::from_secs(3)).await;
    let (status, _) = edit(&app, &victor, "club", "Règles").await;
    assert_eq!(status, StatusCode::OK, "his rights came back");
    let his =
        json_of(app.get("/api/v1/spaces/club/sanctions?user=victor").await).await["items"].clone();
    assert!(
        his.as_array().unwrap().iter().all(|s| s["active"] == false),
        "{his}"
    );
    let log = json_of(app.get("/api/v1/spaces/club/log?limit=500").await)
        .await
        .to_string();
    assert!(log.contains("\"sanction_lift\""), "ends are logged: {log}");

    // 4. The next step is a ban: his membership ends.
    let ban = issued(&romain, "victor").await;
    assert_eq!(ban["kind"], "ban");
    expect_problem(
        app.get("/api/v1/spaces/club/members/victor").await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_eq!(
        edit(&app, &victor, "club", "Règles").await.1["code"],
        "banned"
    );
    let rejoin = victor
        .send(Method::POST, "/api/v1/spaces/club/members", json!({}))
        .await;
    expect_problem(rejoin, StatusCode::FORBIDDEN, "banned").await;

    // 5. He appeals, once; the reviewers and the steward (not he) decide.
    let id = ban["id"].as_u64().unwrap();
    let path = format!("/api/v1/spaces/club/sanctions/{id}/appeal");
    expect_problem(
        carl.send(Method::POST, &path, json!({ "rationale": "pour lui" }))
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let appeal = victor
        .send(
            Method::POST,
            &path,
            json!({ "rationale": "je ne recommencerai pas" }),
        )
        .await;
    assert_eq!(appeal.status(), StatusCode::CREATED);
    let appeal = json_of(appeal).await;
    assert_eq!(appeal["kind"], "appeal");
    assert_eq!(appeal["eligible"], 3, "stella, romain, rose: {appeal}");
    let again = victor
        .send(Method::POST, &path, json!({ "rationale": "encore" }))
        .await;
    expect_problem(again, StatusCode::CONFLICT, "already_appealed").await;
    let proposal = appeal["id"].as_u64().unwrap();
    let vote = |user: &'static str| {
        let path = format!("/api/v1/spaces/club/proposals/{proposal}/vote");
        (user, path)
    };
    let (_, vote_path) = vote("romain");
    romain
        .send(Method::PUT, &vote_path, json!({ "choice": "yes" }))
        .await;
    let passed = json_of(
        rose.send(Method::PUT, &vote_path, json!({ "choice": "yes" }))
            .await,
    )
    .await;
    assert_eq!(passed["state"], "passed", "{passed}");
    let lifted =
        json_of(app.get("/api/v1/spaces/club/sanctions?user=victor").await).await["items"].clone();
    assert_eq!(lifted[0]["active"], false);
    assert!(
        lifted[0]["lift_reason"]
            .as_str()
            .unwrap()
            .contains("appeal"),
        "{lifted}"
    );
    let back = json_of(app.get("/api/v1/spaces/club/members/victor").await).await;
    assert_eq!(
        back["standing"], "contributor",
        "the ban's appeal gives his standing back"
    );
    assert_eq!(
        edit(&app, &victor, "club", "Règles").await.0,
        StatusCode::OK
    );

    let log = json_of(app.get("/api/v1/spaces/club/log?limit=500").await).await;
    let actions: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for action in [
        "report",
        "sanction",
        "sanction_lift",
        "appeal",
        "proposal_open",
        "vote",
        "proposal_close",
    ] {
        assert!(
            actions.contains(&action),
            "the log lacks {action}: {actions:?}"
        );
    }
    let notes = json_of(victor.get("/api/v1/notifications").await)
        .await
        .to_string();
    assert!(
        notes.contains("\"sanction\"") && notes.contains("\"sanction_lift\""),
        "{notes}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issuers_at_once_still_climb_the_ladder_one_step_each() {
    let app = TestApp::spawn().await;
    let _admin = app.user("admin").await;
    let stella = app.user("stella").await;
    let charter = json!({
        "sanctions": { "ladder": ["warning", "probation:1h", "suspension:1h", "ban"], "decay": "1d" }
    });
    stella
        .send(
            Method::POST,
            "/api/v1/spaces",
            json!({ "slug": "club", "title": "Le club", "charter": charter }),
        )
        .await;
    let romain = app.user("romain").await;
    let rose = app.user("rose").await;
    let victor = app.user("victor").await;
    for user in [&romain, &rose, &victor] {
        user.send(Method::POST, "/api/v1/spaces/club/members", json!({}))
            .await;
    }
    for name in ["romain", "rose"] {
        stella.appoint("club", name, "reviewer").await;
    }
    // Three issuers see the same history at once; each must get the next
    // rung, not all the first.
    let (a, b, c) = tokio::join!(
        sanction(&romain, "victor", None),
        sanction(&rose, "victor", None),
        sanction(&stella, "victor", None),
    );
    let mut steps = Vec::new();
    for response in [a, b, c] {
        assert_eq!(response.status(), StatusCode::CREATED);
        steps.push(json_of(response).await["step"].as_str().unwrap().to_owned());
    }
    steps.sort();
    assert_eq!(steps, ["probation:1h", "suspension:1h", "warning"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_suspended_reviewer_accepts_no_one() {
    let app = TestApp::spawn().await;
    let _admin = app.user("admin").await;
    let stella = app.user("stella").await;
    let charter = json!({
        "join": "approval",
        "sanctions": { "ladder": ["suspension:1h", "ban"], "decay": "1d" }
    });
    stella.create_space("club", None, charter).await;
    let romain = app.user("romain").await;
    stella.appoint("club", "romain", "reviewer").await;
    let hugo = app.user("hugo").await;
    let asked = hugo
        .send(Method::POST, "/api/v1/spaces/club/members", json!({}))
        .await;
    assert_eq!(asked.status(), StatusCode::ACCEPTED);
    assert_eq!(issued(&stella, "romain").await["kind"], "suspension");
    let path = "/api/v1/spaces/club/members/hugo/accept";
    let refused = romain.send(Method::POST, path, json!({})).await;
    expect_problem(refused, StatusCode::FORBIDDEN, "suspended").await;
    // Banned, then: no better.
    assert_eq!(issued(&stella, "romain").await["kind"], "ban");
    let refused = romain.send(Method::POST, path, json!({})).await;
    expect_problem(refused, StatusCode::FORBIDDEN, "banned").await;
    // The steward still can.
    let accepted = stella.send(Method::POST, path, json!({})).await;
    assert_eq!(accepted.status(), StatusCode::OK);
}
