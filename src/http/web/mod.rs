//! The web interface: HTML pages for readers and contributors, in French
//! and English, that work without JavaScript. Templates (askama, compiled
//! and auto-escaping), static assets and message files live in `frontend/`
//! and are compiled into the binary.
//!
//! Handlers here are adapters like the API's: they read the visit (who,
//! which language), call the same service functions, and fill a template.
//! What a viewer may do comes from the service's `actions`, never from a
//! rule written in a template. Errors become HTML pages in the visitor's
//! language; `/api/...` keeps problem+json.

mod account;
mod admin;
mod assets;
mod charter_form;
mod charter_words;
mod chrome;
mod edit;
mod errors;
mod health;
mod history;
mod people;
mod proposals;
mod read;
mod reviews;
mod rollback;
mod sanctions;
mod search;
mod spaces;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::i18n::Locale;
use crate::service::App;

pub use chrome::{Chrome, Visit};
pub use errors::{WebError, bare_error_page, is_api_path, not_found_page};

/// Every route of the web interface.
pub fn routes() -> Router<App> {
    Router::new()
        .route("/", get(read::home))
        .route("/wiki/{space}/{slug}", get(read::page).post(edit::submit))
        .route("/wiki/{space}/{slug}/diff", get(history::diff))
        .route("/search", get(search::search))
        .route("/suggest", get(search::suggest))
        .route("/login", get(account::login_form).post(account::log_in))
        .route(
            "/register",
            get(account::register_form).post(account::register),
        )
        .route("/logout", post(account::log_out))
        .route("/language", post(account::language))
        .route("/changes", get(people::changes))
        .route("/me", get(people::me).post(people::me_submit))
        .route("/admin", get(admin::page).post(admin::use_power))
        .route("/spaces", get(spaces::directory).post(spaces::create))
        .route("/spaces/{space}", get(spaces::home).post(spaces::submit))
        .route("/spaces/{space}/charter", get(spaces::charter))
        .route("/spaces/{space}/health", get(health::dashboard))
        .route("/spaces/{space}/log", get(health::log))
        .route(
            "/spaces/{space}/rollback",
            get(rollback::form).post(rollback::submit),
        )
        .route(
            "/spaces/{space}/disputes/{id}",
            get(proposals::dispute).post(proposals::settle),
        )
        .route("/spaces/{space}/sanctions", get(sanctions::record))
        .route("/spaces/{space}/proposals", get(proposals::list))
        .route(
            "/spaces/{space}/proposals/new",
            get(charter_form::charter_form).post(charter_form::propose_charter_change),
        )
        .route(
            "/spaces/{space}/proposals/{id}",
            get(proposals::show).post(proposals::vote),
        )
        .route(
            "/spaces/{space}/reviews",
            get(reviews::queue).post(reviews::review),
        )
        .route(
            "/spaces/{space}/members/{user}",
            get(spaces::member).post(spaces::member_submit),
        )
        .route("/assets/{name}", get(assets::asset))
}

/// What a web page may load and do: its own scripts and styles only (no
/// inline ones), images from anywhere https (pages may show remote
/// images), forms posted back here, never framed.
const PAGE_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' https: data:; connect-src 'self'; form-action 'self'; \
     frame-ancestors 'none'; base-uri 'none'";

/// An HTML answer in `locale`: a template's output, or a plain 500 page
/// if the template failed (it cannot, short of a bug: it is compiled).
pub(crate) fn html_response(
    locale: Locale,
    status: StatusCode,
    rendered: askama::Result<String>,
) -> Response {
    match rendered {
        Ok(html) => html_bytes_response(locale, status, Body::from(html)),
        Err(error) => {
            tracing::error!(%error, "a page template failed");
            html_bytes_response(
                locale,
                StatusCode::INTERNAL_SERVER_ERROR,
                Body::from("<!DOCTYPE html><title>Ostrom</title><p>Internal error.</p>"),
            )
        }
    }
}

pub(crate) fn html_bytes_response(locale: Locale, status: StatusCode, body: Body) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(locale.code()),
    );
    // The language follows these; the session cookie decides the rest.
    headers.insert(
        header::VARY,
        HeaderValue::from_static("Accept-Language, Cookie"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(PAGE_POLICY),
    );
    response
}
