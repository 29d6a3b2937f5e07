//! The OpenAPI 3.1 contract, generated from the route list and the
//! handlers' annotations; the problems each route may answer are derived.
//! `schema/openapi.json` is this document; a test fails when they differ.
//! Regenerate with `cargo run -- openapi > schema/openapi.json`.

use std::collections::BTreeMap;
use std::sync::LazyLock;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};

use utoipa::openapi::path::{Operation, ParameterIn, PathItem};
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::{Content, OpenApi, Ref, RefOr};
use utoipa::{Modify, OpenApi as _};

use crate::model::ErrorCode;

use super::error::Problem;

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Ostrom",
        description = "A knowledge-commons wiki: versioned Markdown pages governed by their community.",
        license(name = "AGPL-3.0-or-later")
    ),
    components(schemas(Problem)),
    modifiers(&Security),
    tags(
        (name = "accounts", description = "Accounts, sessions and API tokens"),
        (name = "pages", description = "Versioned pages"),
        (name = "changes", description = "Recent changes, from the event log"),
        (name = "search", description = "Full-text search and title suggestions"),
        (name = "spaces", description = "Spaces and their members"),
        (name = "governance", description = "Review, rollback, the governance log, health, watchlists and notifications"),
        (name = "operations", description = "Health, metrics, this contract, and administrators' powers"),
    )
)]
struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                super::extract::SESSION_COOKIE,
                "The session cookie set at login; unsafe requests must also send X-CSRF-Token.",
            ))),
        );
    }
}

/// What the document says besides its paths; [`super::routes`] adds those.
pub(super) fn base() -> OpenApi {
    ApiDoc::openapi()
}

/// The whole contract: every route of the router, with the problems each
/// may answer.
pub fn document() -> OpenApi {
    let mut document = super::routes(0, 0).into_openapi();
    for item in document.paths.paths.values_mut() {
        for operation in operations(item) {
            describe_problems(operation);
        }
    }
    document
}

/// The document as committed in `schema/openapi.json`, made once.
pub fn document_json() -> &'static str {
    static JSON: LazyLock<String> = LazyLock::new(|| {
        let mut json = document().to_pretty_json().unwrap_or_default();
        json.push('\n');
        json
    });
    &JSON
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.patch,
    ]
    .into_iter()
    .filter_map(Option::as_mut)
}

/// The extension in which a handler names the error codes its own logic may
/// answer; the ones that follow from its shape are derived here.
const OWN_ERRORS: &str = "x-errors";

/// Adds the problem+json responses of an operation, grouped by status, from
/// what it takes (parameters, a body, credentials) and the codes its handler
/// names. Statuses a handler documents itself (a 429 with `Retry-After`)
/// are left as written. Every operation may also answer the codes of
/// [`ANYWHERE`], documented once as its `default` response.
fn describe_problems(operation: &mut Operation) {
    let mut codes = derived_codes(operation);
    if let Some(extensions) = operation.extensions.as_mut()
        && let Some(named) = extensions.remove(OWN_ERRORS)
    {
        codes.extend(serde_json::from_value::<Vec<ErrorCode>>(named).unwrap_or_default());
    }
    if operation
        .extensions
        .as_ref()
        .is_some_and(|extensions| extensions.is_empty())
    {
        operation.extensions = None;
    }
    let mut by_status: BTreeMap<u16, Vec<ErrorCode>> = BTreeMap::new();
    for code in codes {
        let group = by_status.entry(code.status()).or_default();
        if !group.contains(&code) {
            group.push(code);
        }
    }
    let responses = &mut operation.responses.responses;
    for (status, codes) in by_status {
        responses
            .entry(status.to_string())
            .or_insert_with(|| problem_response(&codes));
    }
    responses.insert("default".to_owned(), problem_response(ANYWHERE));
}

/// What any route may answer, whatever it does.
const ANYWHERE: &[ErrorCode] = &[
    ErrorCode::UriTooLong,
    ErrorCode::Internal,
    ErrorCode::Busy,
    ErrorCode::Timeout,
];

/// The codes that follow from an operation's shape: parameters can be
/// invalid, path parameters name things that may not exist, a body can be
/// malformed or too large, and credentials can be missing.
fn derived_codes(operation: &Operation) -> Vec<ErrorCode> {
    let parameters = operation.parameters.as_deref().unwrap_or_default();
    let in_path = parameters.iter().any(|parameter| {
        matches!(parameter, RefOr::T(parameter) if parameter.parameter_in == ParameterIn::Path)
    });
    let has_body = operation.request_body.is_some();
    let secured = operation.security.is_some();
    let mut codes = Vec::new();
    if has_body {
        codes.push(ErrorCode::MalformedJson);
    }
    if has_body || !parameters.is_empty() {
        codes.push(ErrorCode::InvalidInput);
    }
    if secured {
        codes.push(ErrorCode::Unauthenticated);
    }
    if in_path {
        codes.push(ErrorCode::NotFound);
    }
    if has_body {
        codes.push(ErrorCode::TooLarge);
    }
    codes
}

fn problem_response(codes: &[ErrorCode]) -> RefOr<Response> {
    let description = codes
        .iter()
        .map(|code| format!("`{code}`: {}", code.meaning()))
        .collect::<Vec<_>>()
        .join("; ");
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            Content::new(Some(Ref::from_schema_name("Problem"))),
        )
        .build()
        .into()
}
