//! The OpenAPI 3.1 contract, generated from the handlers' annotations.
//! `schema/openapi.json` is this document; a test fails when they differ.
//! Regenerate with `cargo run -- openapi > schema/openapi.json`.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::api::{
    accounts, admin, changes, disputes, feeds, governance, links, ops, pages, proposals, sanctions,
    search, spaces,
};
use super::error::Problem;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Ostrom",
        description = "A knowledge-commons wiki: versioned Markdown pages governed by their community.",
        license(name = "AGPL-3.0-or-later")
    ),
    paths(
        ops::healthz,
        ops::metrics,
        ops::openapi_json,
        accounts::register,
        accounts::log_in,
        accounts::log_out,
        accounts::log_out_everywhere,
        accounts::me,
        accounts::change_password,
        accounts::create_token,
        accounts::list_tokens,
        accounts::revoke_token,
        spaces::list_spaces,
        spaces::create_space,
        spaces::get_space,
        spaces::join,
        spaces::list_members,
        spaces::member,
        spaces::appoint,
        spaces::accept,
        pages::list_pages,
        pages::get_page,
        pages::put_page,
        pages::delete_page,
        pages::move_page,
        pages::revert_page,
        pages::history,
        pages::revision,
        pages::diff,
        links::backlinks,
        links::orphans,
        links::wanted,
        links::preview,
        changes::changes,
        feeds::changes_atom,
        governance::review_queue,
        governance::review,
        governance::mass_rollback,
        governance::governance_log,
        proposals::list,
        proposals::open,
        proposals::get,
        proposals::vote,
        sanctions::report,
        sanctions::reports,
        sanctions::issue,
        sanctions::list,
        sanctions::appeal,
        disputes::open,
        disputes::list,
        admin::take_down,
        admin::restore_steward,
        governance::health,
        governance::watch,
        governance::unwatch,
        governance::watchlist,
        governance::notifications,
        search::search,
        search::suggest,
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
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
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

pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The document as committed in `schema/openapi.json`.
pub fn document_json() -> String {
    let mut json = document().to_pretty_json().unwrap_or_default();
    json.push('\n');
    json
}
