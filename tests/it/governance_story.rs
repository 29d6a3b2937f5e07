//! The governance of a neighbourhood wiki, told as a story over HTTP:
//! a steward founds `quartier`, newcomers join, their edits wait for two
//! reviewers, time and accepted work promote them, a protected page holds,
//! a vandal is rolled back without losing a neighbour's later edit, the
//! governance log tells it all, and the office's members-only space shows
//! nothing to outsiders.

use std::str::FromStr;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestApp, User, expect_problem, json_of, page_path};

/// Sends `body` and asserts the status, returning the JSON answer.
async fn expect(
    user: &User<'_>,
    method: Method,
    path: &str,
    body: Value,
    status: StatusCode,
) -> Value {
    let response = user.send(method, path, body).await;
    let got = response.status();
    let body = json_of(response).await;
    assert_eq!(got, status, "{path}: {body}");
    body
}

async fn put(
    user: &User<'_>,
    slug: &str,
    markdown: &str,
    base: Option<u64>,
) -> (StatusCode, Value) {
    let response = user.put_page("quartier", slug, markdown, base).await;
    let status = response.status();
    (status, json_of(response).await)
}

async fn head_of(app: &TestApp, space: &str, slug: &str) -> u64 {
    let page = json_of(app.get(&page_path(space, slug)).await).await;
    page["revision"]["id"]
        .as_u64()
        .unwrap_or_else(|| panic!("{slug}: {page}"))
}

async fn markdown_of(app: &TestApp, space: &str, slug: &str) -> String {
    let page = json_of(app.get(&page_path(space, slug)).await).await;
    page["markdown"]
        .as_str()
        .unwrap_or_else(|| panic!("{slug}: {page}"))
        .to_owned()
}

async fn review(reviewer: &User<'_>, revision: u64, decision: &str) -> reqwest::Response {
    let path = format!("/api/v1/spaces/quartier/reviews/{revision}");
    reviewer
        .send(
            Method::POST,
            &path,
            json!({ "decision": decision, "comment": "relu" }),
        )
        .await
}

/// A newcomer's edit, approved by both reviewers; returns the published revision.
async fn edit_through_review(
    author: &User<'_>,
    reviewers: [&User<'_>; 2],
    slug: &str,
    markdown: &str,
    base: Option<u64>,
) -> u64 {
    let (status, written) = put(author, slug, markdown, base).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{written}");
    let pending = written["revision"]["id"].as_u64().unwrap();
    let first = json_of(review(reviewers[0], pending, "approve").await).await;
    assert_eq!(first["state"], "pending", "{first}");
    let second = json_of(review(reviewers[1], pending, "approve").await).await;
    assert_eq!(second["state"], "published", "{second}");
    second["published_revision"].as_u64().unwrap()
}

async fn standing_of(app: &TestApp, user: &str) -> Value {
    json_of(
        app.get(&format!("/api/v1/spaces/quartier/members/{user}"))
            .await,
    )
    .await
}

const GARDEN: &str = "# Jardin partagé\n\nLe jardin ouvre le samedi.\n\nOn y cultive des tomates.\n\n## Arrosage\n\nChacun son tour, le soir.\n\nLe tuyau est au fond.\n\n## Outils\n\nIls sont dans la cabane.\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_neighbourhood_governs_its_wiki() {
    let app = TestApp::spawn_with(|config| {
        config.governance.tick = Duration::from_millis(100);
    })
    .await;
    let _admin = app.user("admin").await;

    // 1. Camille founds `quartier`: two approvals per edit, promotion after
    //    two accepted edits and two seconds, the charter page protected.
    let camille = app.user("camille").await;
    let charter = json!({
        "edit": { "approvals_required": 2 },
        "promotion": { "accepted_edits": 2, "min_age": "2s" },
        "protection": { "pages": { "Charte": "reviewer" } }
    });
    let space = expect(
        &camille,
        Method::POST,
        "/api/v1/spaces",
        json!({ "slug": "quartier", "title": "Notre quartier", "charter": charter }),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(space["charter"]["edit"]["approvals_required"], 2);
    assert_eq!(
        space["charter"]["edit"]["publish_directly_min"], "contributor",
        "inherited default"
    );
    assert_eq!(standing_of(&app, "camille").await["standing"], "steward");
    let bad_charter = camille
        .send(
            Method::POST,
            "/api/v1/spaces",
            json!({ "slug": "ailleurs", "title": "Ailleurs", "charter": { "promotion": { "min_age": "trois jours" } } }),
        )
        .await;
    let problem = expect_problem(bad_charter, StatusCode::BAD_REQUEST, "invalid_input").await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("promotion.min_age"),
        "{problem}"
    );

    // Two reviewers, appointed by the steward; three newcomers join.
    let rita = app.user("rita").await;
    let raphael = app.user("raphael").await;
    for reviewer in ["rita", "raphael"] {
        camille.appoint("quartier", reviewer, "reviewer").await;
    }
    let nadia = app.user("nadia").await;
    let noe = app.user("noe").await;
    let victor = app.user("victor").await;
    for newcomer in [&nadia, &noe, &victor] {
        let joined = expect(
            newcomer,
            Method::POST,
            "/api/v1/spaces/quartier/members",
            json!({}),
            StatusCode::CREATED,
        )
        .await;
        assert_eq!(joined["standing"], "newcomer");
    }
    let appointing_a_steward = camille
        .send(
            Method::PUT,
            "/api/v1/spaces/quartier/members/rita",
            json!({ "standing": "steward" }),
        )
        .await;
    expect_problem(
        appointing_a_steward,
        StatusCode::FORBIDDEN,
        "needs_proposal",
    )
    .await;
    let reviewer_appoints = rita
        .send(
            Method::PUT,
            "/api/v1/spaces/quartier/members/noe",
            json!({ "standing": "contributor" }),
        )
        .await;
    expect_problem(reviewer_appoints, StatusCode::FORBIDDEN, "forbidden").await;

    // The steward writes the charter page and the agenda; stewards publish.
    let (status, _) = put(&camille, "Charte", "# Charte\n\nOn se respecte.\n", None).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = put(
        &camille,
        "Agenda",
        "# Agenda\n\nFête des voisins en juin.\n",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);

    // 2. Nadia's first edit waits for review.
    let (status, written) = put(&nadia, "Jardin partagé", GARDEN, None).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{written}");
    assert_eq!(written["revision"]["state"], "pending");
    let pending = written["revision"]["id"].as_u64().unwrap();
    // Readers do not see it; members see it in the history, marked pending.
    assert_eq!(
        app.get(&page_path("quartier", "Jardin partagé"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let history = json_of(
        noe.get(&format!(
            "{}/revisions",
            page_path("quartier", "Jardin partagé")
        ))
        .await,
    )
    .await;
    assert_eq!(history["items"][0]["state"], "pending", "{history}");
    let queue = json_of(rita.get("/api/v1/spaces/quartier/reviews").await).await["items"].clone();
    assert_eq!(queue[0]["revision"], pending);
    assert_eq!(queue[0]["author"], "nadia");
    assert_eq!(queue[0]["approvals"], 0);
    // Nobody approves their own work; a newcomer is no reviewer.
    expect_problem(
        review(&nadia, pending, "approve").await,
        StatusCode::FORBIDDEN,
        "self_approval",
    )
    .await;
    expect_problem(
        review(&noe, pending, "approve").await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    // Two reviewers approve, and it is published.
    let first = json_of(review(&rita, pending, "approve").await).await;
    assert_eq!(
        (first["state"].as_str(), first["approvals"].as_u64()),
        (Some("pending"), Some(1))
    );
    let twice = review(&rita, pending, "approve").await;
    assert_eq!(
        twice.status(),
        StatusCode::OK,
        "approving twice counts once"
    );
    assert_eq!(json_of(twice).await["approvals"], 1);
    let second = json_of(review(&raphael, pending, "approve").await).await;
    assert_eq!(second["state"], "published", "{second}");
    assert_eq!(
        markdown_of(&app, "quartier", "Jardin partagé").await,
        GARDEN
    );
    expect_problem(
        review(&raphael, pending, "approve").await,
        StatusCode::CONFLICT,
        "not_pending",
    )
    .await;

    // A rejection settles at once.
    let (_, spam) = put(&noe, "Brouillon", "essai\n", None).await;
    let spam = spam["revision"]["id"].as_u64().unwrap();
    let rejected = json_of(review(&raphael, spam, "reject").await).await;
    assert_eq!(rejected["state"], "rejected");

    // 3. Promotion takes two accepted edits and two seconds of membership.
    let nadia_now = standing_of(&app, "nadia").await;
    assert_eq!(nadia_now["standing"], "newcomer");
    assert_eq!(nadia_now["accepted_edits"], 1);
    assert_eq!(nadia_now["next"]["standing"], "contributor", "{nadia_now}");
    let head = head_of(&app, "quartier", "Jardin partagé").await;
    let garden = GARDEN.replace("le samedi", "le samedi et le dimanche");
    edit_through_review(
        &nadia,
        [&rita, &raphael],
        "Jardin partagé",
        &garden,
        Some(head),
    )
    .await;
    // Her two seconds of membership pass, and the clock promotes her.
    app.let_time_pass(Duration::from_secs(2)).await;
    assert_eq!(standing_of(&app, "nadia").await["standing"], "contributor");
    let promoted = standing_of(&app, "nadia").await;
    assert_eq!(promoted["next"]["standing"], "reviewer");
    let joined_at = millis_of(&promoted["since"]);

    // 4. The charter page refuses a contributor's edit.
    let charter_head = head_of(&app, "quartier", "Charte").await;
    let (status, refused) = put(
        &nadia,
        "Charte",
        "# Charte\n\nNadia décide.\n",
        Some(charter_head),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(refused["code"], "protected_page", "{refused}");
    // Contributors publish directly elsewhere.
    let head = head_of(&app, "quartier", "Agenda").await;
    let (status, _) = put(
        &nadia,
        "Agenda",
        "# Agenda\n\nFête des voisins en juin.\n\nVide-grenier en mai.\n",
        Some(head),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    // Noé watches the agenda.
    let watch = noe
        .request(Method::PUT, "/api/v1/watchlist/quartier/Agenda")
        .send()
        .await
        .unwrap();
    assert_eq!(watch.status(), StatusCode::NO_CONTENT);
    let watched = json_of(noe.get("/api/v1/watchlist").await).await["items"].clone();
    assert_eq!(watched, json!([{ "space": "quartier", "slug": "Agenda" }]));

    // 5. Victor, trusted too soon, vandalises 3 pages in 5 edits.
    let vandalism_starts = now_rfc3339();
    tokio::time::sleep(Duration::from_millis(5)).await;
    camille.appoint("quartier", "victor", "contributor").await;
    let garden_before_vandal = markdown_of(&app, "quartier", "Jardin partagé").await;
    let agenda_before_vandal = markdown_of(&app, "quartier", "Agenda").await;
    let mut vandal_text = garden_before_vandal.replace(
        "Le jardin ouvre le samedi et le dimanche.",
        "ACHETEZ DES MONTRES",
    );
    let head = head_of(&app, "quartier", "Jardin partagé").await;
    let (status, _) = put(&victor, "Jardin partagé", &vandal_text, Some(head)).await;
    assert_eq!(status, StatusCode::OK);
    vandal_text = vandal_text.replace("On y cultive des tomates.", "MONTRES PAS CHERES");
    let head = head_of(&app, "quartier", "Jardin partagé").await;
    put(&victor, "Jardin partagé", &vandal_text, Some(head)).await;
    for text in ["# Agenda\n\nRIEN\n", "# Agenda\n\nRIEN DU TOUT\n"] {
        let head = head_of(&app, "quartier", "Agenda").await;
        put(&victor, "Agenda", text, Some(head)).await;
    }
    let (status, _) = put(&victor, "Montres", "Achetez !\n", None).await;
    assert_eq!(status, StatusCode::CREATED);
    let by_victor = json_of(app.get("/api/v1/changes?space=quartier&user=victor").await).await;
    assert_eq!(
        by_victor["items"].as_array().unwrap().len(),
        5,
        "{by_victor}"
    );
    let noes = json_of(noe.get("/api/v1/notifications").await).await;
    let about_agenda = noes["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["slug"] == "Agenda" && n["actor"] == "victor")
        .count();
    assert_eq!(about_agenda, 2, "the watcher hears of both edits: {noes}");
    let unwatch = noe
        .request(Method::DELETE, "/api/v1/watchlist/quartier/Agenda")
        .send()
        .await
        .unwrap();
    assert_eq!(unwatch.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        json_of(noe.get("/api/v1/watchlist").await).await["items"].clone(),
        json!([])
    );
    // Then Noé, unaware, improves the tools section of the vandalised garden page.
    camille.appoint("quartier", "noe", "contributor").await;
    let head = head_of(&app, "quartier", "Jardin partagé").await;
    let with_noe = vandal_text.replace(
        "Ils sont dans la cabane.",
        "Ils sont dans la cabane ; la clé est chez Rita.",
    );
    let (status, _) = put(&noe, "Jardin partagé", &with_noe, Some(head)).await;
    assert_eq!(status, StatusCode::OK);

    // Only a steward rolls back; a dry run changes nothing.
    let rollback = json!({ "user": "victor", "since": vandalism_starts, "dry_run": true });
    let refused = rita
        .send(
            Method::POST,
            "/api/v1/spaces/quartier/rollbacks",
            rollback.clone(),
        )
        .await;
    expect_problem(refused, StatusCode::FORBIDDEN, "forbidden").await;
    let dry = expect(
        &camille,
        Method::POST,
        "/api/v1/spaces/quartier/rollbacks",
        rollback,
        StatusCode::OK,
    )
    .await;
    assert_eq!(dry["applied"], false);
    let mut slugs: Vec<&str> = dry["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["slug"].as_str().unwrap())
        .collect();
    slugs.sort_unstable();
    assert_eq!(slugs, ["Agenda", "Jardin_partagé", "Montres"], "{dry}");
    assert!(
        dry["pages"].to_string().contains("-MONTRES PAS CHERES"),
        "the dry run shows the diffs: {dry}"
    );
    assert_eq!(
        markdown_of(&app, "quartier", "Jardin partagé").await,
        with_noe,
        "a dry run changes nothing"
    );
    // The real one removes Victor's edits and keeps Noé's.
    let done = expect(
        &camille,
        Method::POST,
        "/api/v1/spaces/quartier/rollbacks",
        json!({ "user": "victor", "since": vandalism_starts, "reason": "vandalisme" }),
        StatusCode::OK,
    )
    .await;
    assert_eq!(done["applied"], true);
    assert_eq!(done["conflicts"], json!([]));
    let garden_now = markdown_of(&app, "quartier", "Jardin partagé").await;
    assert_eq!(
        garden_now,
        garden_before_vandal.replace(
            "Ils sont dans la cabane.",
            "Ils sont dans la cabane ; la clé est chez Rita."
        ),
        "Victor's edits are gone, Noé's survives"
    );
    assert_eq!(
        markdown_of(&app, "quartier", "Agenda").await,
        agenda_before_vandal
    );
    assert_eq!(
        app.get(&page_path("quartier", "Montres")).await.status(),
        StatusCode::GONE
    );
    let again = expect(
        &camille,
        Method::POST,
        "/api/v1/spaces/quartier/rollbacks",
        json!({ "user": "victor", "since": vandalism_starts }),
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        again["pages"],
        json!([]),
        "a second rollback has nothing left to do"
    );

    // 6. The governance log tells every step, newest first.
    let log = json_of(app.get("/api/v1/spaces/quartier/log?limit=500").await).await;
    let entries: Vec<(String, String)> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_owned(),
                e["target"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("space_create", "space:quartier".to_owned()),
        ("standing_change", "user:rita".to_owned()),
        ("standing_change", "user:raphael".to_owned()),
        ("join", "user:nadia".to_owned()),
        ("join", "user:noe".to_owned()),
        ("join", "user:victor".to_owned()),
        ("review_approve", format!("revision:{pending}")),
        ("review_approve", format!("revision:{pending}")),
        ("publish", format!("revision:{pending}")),
        ("review_reject", format!("revision:{spam}")),
        ("promotion", "user:nadia".to_owned()),
        ("standing_change", "user:victor".to_owned()),
        ("mass_rollback", "user:victor".to_owned()),
    ];
    let approvals_logged = entries
        .iter()
        .filter(|(a, t)| a == "review_approve" && *t == format!("revision:{pending}"))
        .count();
    assert_eq!(approvals_logged, 2, "approving twice is logged once");
    let mut rest = entries.iter();
    for (action, target) in &expected {
        assert!(
            rest.any(|(a, t)| a == action && t == target),
            "the log lacks {action} {target} (in order): {entries:?}"
        );
    }
    let promotion = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "promotion")
        .unwrap();
    assert!(
        promotion["actor"].is_null(),
        "the charter promotes, nobody in person"
    );
    assert!(
        millis_of(&promotion["at"]) >= joined_at + 2000,
        "promotion waits for min_age: joined {joined_at}, promoted {}",
        promotion["at"]
    );
    let rollback_entry = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "mass_rollback")
        .unwrap();
    assert_eq!(rollback_entry["actor"], "camille");
    assert_eq!(rollback_entry["reason"], "vandalisme");
    let health = json_of(app.get("/api/v1/spaces/quartier/health").await).await;
    assert_eq!(health["pending"], 0);
    assert!(
        health["median_review_seconds"].as_f64().is_some(),
        "{health}"
    );
    assert!(health["revert_rate"].as_f64().unwrap() > 0.0, "{health}");

    // 7. The office's members-only space leaks nothing to outsiders.
    expect(
        &camille,
        Method::POST,
        "/api/v1/spaces",
        json!({ "slug": "bureau", "title": "Le bureau", "parent": "quartier", "charter": { "visibility": "members", "join": "invite" } }),
        StatusCode::CREATED,
    )
    .await;
    // Standing is not inherited into a members-only space: the office's
    // steward names its members.
    camille.appoint("bureau", "nadia", "contributor").await;
    let secret = "# Budget\n\nLe loyer confidentielxyz est payé. Voir [[quartier:Agenda]].\n";
    let (status, _) = put_in(&camille, "bureau", "Budget", secret).await;
    assert_eq!(status, StatusCode::CREATED);
    let olga = app.user("olga").await;
    app.wait_for_index().await;
    let outsider_paths = [
        "/api/v1/spaces/bureau".to_owned(),
        page_path("bureau", "Budget"),
        format!("{}/revisions", page_path("bureau", "Budget")),
        format!("{}/backlinks", page_path("bureau", "Budget")),
        "/api/v1/spaces/bureau/pages".to_owned(),
        "/api/v1/spaces/bureau/members".to_owned(),
        "/api/v1/spaces/bureau/log".to_owned(),
        "/api/v1/spaces/bureau/health".to_owned(),
        "/api/v1/spaces/bureau/orphans".to_owned(),
        "/api/v1/changes?space=bureau".to_owned(),
        "/api/v1/search?q=confidentielxyz&space=bureau".to_owned(),
        "/feeds/changes.atom?space=bureau".to_owned(),
    ];
    for path in &outsider_paths {
        expect_problem(app.get(path).await, StatusCode::NOT_FOUND, "not_found").await;
        expect_problem(olga.get(path).await, StatusCode::NOT_FOUND, "not_found").await;
        // Its members read it.
        assert_eq!(nadia.get(path).await.status(), StatusCode::OK, "{path}");
    }
    expect_problem(
        olga.send(Method::POST, "/api/v1/spaces/bureau/members", json!({}))
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    for reader in [None, Some(&olga)] {
        let get = |path: &'static str| app.get_as(reader, path);
        let seen = [
            json_of(get("/api/v1/spaces").await).await.to_string(),
            json_of(get("/api/v1/changes?limit=500").await)
                .await
                .to_string(),
            json_of(get("/api/v1/search?q=confidentielxyz").await)
                .await
                .to_string(),
            json_of(get("/api/v1/search?q=budget").await)
                .await
                .to_string(),
            json_of(get("/api/v1/suggest?q=Budg").await)
                .await
                .to_string(),
            json_of(get("/api/v1/spaces/quartier/pages/Agenda/backlinks").await)
                .await
                .to_string(),
            get("/feeds/changes.atom").await.text().await.unwrap(),
        ];
        for answer in &seen {
            assert!(
                !answer.contains("bureau") && !answer.contains("confidentielxyz"),
                "leak: {answer}"
            );
        }
    }
    let search = json_of(nadia.get("/api/v1/search?q=confidentielxyz").await).await;
    assert_eq!(search["total"], 1, "members find it: {search}");

    // The feed is valid Atom, and lists what was published.
    let feed = app.get("/feeds/changes.atom?space=quartier").await;
    assert_eq!(feed.status(), StatusCode::OK);
    assert!(
        feed.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/atom+xml")
    );
    let feed = atom_syndication::Feed::from_str(&feed.text().await.unwrap()).expect("valid Atom");
    assert!(
        feed.entries()
            .iter()
            .any(|e| e.title().as_str().contains("Jardin partagé"))
    );
    assert!(
        feed.entries()
            .iter()
            .all(|e| !e.title().as_str().contains("Brouillon")),
        "rejected work is not in the feed"
    );

    // Notifications: nadia hears of the reviews of her work.
    let notes = json_of(nadia.get("/api/v1/notifications").await).await;
    let kinds: Vec<&str> = notes["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"publish") && kinds.contains(&"review_approve"),
        "{notes}"
    );
    assert!(kinds.contains(&"promotion"), "{notes}");
}

async fn put_in(user: &User<'_>, space: &str, slug: &str, markdown: &str) -> (StatusCode, Value) {
    let response = user.put_page(space, slug, markdown, None).await;
    let status = response.status();
    (status, json_of(response).await)
}

fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc();
    now.format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

/// Milliseconds since the epoch of an RFC 3339 answer.
fn millis_of(value: &Value) -> i64 {
    let parsed = time::OffsetDateTime::parse(
        value.as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    (parsed.unix_timestamp_nanos() / 1_000_000) as i64
}
