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

#[test]
fn contract_covers_every_route_with_errors() {
    let document: Value = serde_json::from_str(&committed()).unwrap();
    assert!(document["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = document["paths"].as_object().unwrap();
    for path in [
        "/api/v1/accounts",
        "/api/v1/sessions",
        "/api/v1/sessions/current",
        "/api/v1/me",
        "/api/v1/tokens",
        "/api/v1/spaces/{space}/pages",
        "/api/v1/spaces/{space}/pages/{slug}",
        "/api/v1/spaces/{space}/pages/{slug}/move",
        "/api/v1/spaces/{space}/pages/{slug}/revert",
        "/api/v1/spaces/{space}/pages/{slug}/revisions",
        "/api/v1/spaces/{space}/pages/{slug}/revisions/{id}",
        "/api/v1/spaces/{space}/pages/{slug}/diff",
        "/api/v1/changes",
        "/api/v1/openapi.json",
        "/healthz",
    ] {
        assert!(
            paths.contains_key(path),
            "{path} is missing from the contract"
        );
    }
    let put = &paths["/api/v1/spaces/{space}/pages/{slug}"]["put"]["responses"];
    for status in ["200", "201", "202", "400", "401", "409", "413", "428"] {
        assert!(put.get(status).is_some(), "PUT page lacks {status}");
    }
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
