//! Operations: liveness, metrics, the OpenAPI document.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;

use crate::http::openapi;
use crate::service::App;

#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "Serving", body = String, content_type = "text/plain")))]
pub async fn healthz() -> &'static str {
    "ok\n"
}

#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text format", body = String, content_type = "text/plain")))]
pub async fn metrics(State(app): State<App>) -> impl IntoResponse {
    let m = app.metrics();
    let counters = [
        (
            "ostrom_store_writes_total",
            "counter",
            "Writes applied by the store's writer thread.",
            m.writes,
        ),
        (
            "ostrom_store_batches_total",
            "counter",
            "Group-commit batches (one flush each).",
            m.batches,
        ),
        (
            "ostrom_store_flushes_total",
            "counter",
            "Calls to sled's flush().",
            m.flushes,
        ),
        (
            "ostrom_store_durable_seq",
            "gauge",
            "Newest event sequence known to be on disk.",
            m.durable_seq,
        ),
        (
            "ostrom_search_indexed_seq",
            "gauge",
            "Newest event whose effects are searchable.",
            m.indexed_seq,
        ),
        (
            "ostrom_renders_total",
            "counter",
            "Markdown renderings made (cache misses, writes, previews).",
            m.renders,
        ),
    ];
    let text: String = counters
        .iter()
        .map(|(name, kind, help, value)| {
            format!("# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}\n")
        })
        .collect();
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text)
}

#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "operations",
    responses((status = 200, description = "This document (OpenAPI 3.1)", body = Object)))]
pub async fn openapi_json() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        openapi::document_json(),
    )
}
