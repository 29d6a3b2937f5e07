//! The committed contract (`schema/openapi.json`) is what the code generates,
//! and the server serves it. Regenerate with:
//! `cargo run -- openapi > schema/openapi.json`

use serde_json::Value;

use crate::support::TestApp;

fn committed() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema/openapi.json");
    std::fs::read_to_string(path).expect("schema/openapi.json exists")
}

#[test]
fn committed_contract_matches_the_code() {
    let generated = ostrom::http::openapi::document_json();
    assert!(
        committed() == generated,
        "schema/openapi.json is out of date: run `cargo run -- openapi > schema/openapi.json` and review the change"
    );
}

/// Every operation of the document is a route of the server, answers as the
/// document says when called without credentials, and documents its
/// problems. (The router and the document are built from one list; this
/// catches a handler annotated with a path it is not mounted on.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_documented_route_is_served_as_documented() {
    let app = TestApp::spawn().await;
    let document: Value = serde_json::from_str(&committed()).unwrap();
    assert!(document["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = document["paths"].as_object().unwrap();
    assert!(paths.len() >= 48, "only {} paths", paths.len());
    let mut checked = 0;
    for (path, item) in paths {
        for (method, operation) in item.as_object().unwrap() {
            let Ok(method) = method.to_uppercase().parse::<reqwest::Method>() else {
                continue;
            };
            let responses = operation["responses"].as_object().unwrap();
            assert!(
                responses.contains_key("default"),
                "{method} {path} documents no default problem"
            );
            let url = with_dummy_parameters(path);
            let mut request = app.request(method.clone(), &url);
            if operation.get("requestBody").is_some() {
                request = request
                    .header("content-type", "application/json")
                    .body("{}");
            }
            let response = request.send().await.unwrap();
            let status = response.status();
            let body = response.text().await.unwrap_or_default();
            let detail = serde_json::from_str::<Value>(&body)
                .ok()
                .and_then(|problem| problem["detail"].as_str().map(str::to_owned));
            assert!(
                detail.as_deref() != Some("no such route") && status != 405,
                "{method} {path} ({url}) is documented but not routed: {status} {body}"
            );
            let secured = operation.get("security").is_some();
            if secured {
                assert_eq!(status, 401, "{method} {path} is secured: {body}");
            } else {
                assert_ne!(
                    status, 401,
                    "{method} {path} asks for credentials undocumented: {body}"
                );
            }
            assert!(
                responses.contains_key(status.as_str()),
                "{method} {path} answered {status}, not documented: {body}"
            );
            if status.is_client_error() {
                assert!(
                    responses[status.as_str()]["content"]["application/problem+json"].is_object(),
                    "{method} {path}: {status} is not documented as a problem"
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 59, "only {checked} operations checked");
}

/// `path` with its `{parameters}` filled: numbers where ids are expected.
fn with_dummy_parameters(path: &str) -> String {
    let mut url = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').unwrap() + open;
        url.push_str(&rest[..open]);
        url.push_str(match &rest[open + 1..close] {
            "id" | "revision" => "1",
            _ => "x",
        });
        rest = &rest[close + 1..];
    }
    url.push_str(rest);
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_serves_the_contract() {
    let app = TestApp::spawn().await;
    let served = app.get("/api/v1/openapi.json").await.text().await.unwrap();
    assert_eq!(served, committed());
}

#[test]
fn committed_charter_schema_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema/charter.schema.json");
    let committed = std::fs::read_to_string(path).expect("schema/charter.schema.json exists");
    assert!(
        committed == ostrom::governance::charter::json_schema_text(),
        "schema/charter.schema.json is out of date: run `cargo run -- charter-schema > schema/charter.schema.json`"
    );
    // Every field is documented.
    let schema: Value = serde_json::from_str(&committed).unwrap();
    fn undocumented(value: &Value, path: &str, out: &mut Vec<String>) {
        if let Some(properties) = value.get("properties").and_then(Value::as_object) {
            for (name, property) in properties {
                if property.get("description").is_none() {
                    out.push(format!("{path}.{name}"));
                }
            }
        }
        if let Some(defs) = value.get("$defs").and_then(Value::as_object) {
            for (name, def) in defs {
                undocumented(def, name, out);
            }
        }
    }
    let mut missing = Vec::new();
    undocumented(&schema, "charter", &mut missing);
    assert!(
        missing.is_empty(),
        "undocumented charter fields: {missing:?}"
    );
}
