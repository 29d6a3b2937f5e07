//! The HTTP edge: the only user of axum. Every route of the server is listed
//! once, in [`routes`], which builds both the router and the OpenAPI
//! document, so the URL surface reads in one place and the contract cannot
//! forget a route.
//!
//! Handlers are adapters: extract (rejecting bad input as problem+json), call
//! one service function, map the result. They hold no rules of their own.

mod api;
pub mod error;
pub mod extract;
pub mod openapi;
pub mod web;

use std::any::Any;

use axum::Router;
use axum::body::Body;
use axum::extract::DefaultBodyLimit;
use axum::extract::Request;
use axum::http::{HeaderValue, Response, StatusCode, header};
use axum::middleware::{Next, from_fn};
use axum::response::IntoResponse;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::csrf::CsrfLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::model::ErrorCode;
use crate::service::App;
use api::{
    accounts, admin, changes, disputes, feeds, governance, links, ops, pages, proposals, sanctions,
    search, spaces,
};
use error::ApiError;

/// Serves `app` on `listener` until `shutdown` resolves, then lets requests
/// in flight finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: App,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let service = router(app).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown)
        .await
}

/// Builds the whole HTTP surface of an instance: the routes of [`routes`],
/// then what every answer goes through.
pub fn router(app: App) -> Router {
    let config = app.config().clone();
    let (routes, _) =
        routes(config.page_body_limit(), config.limits.max_small_body_bytes).split_for_parts();
    // A form sends the page's text percent-encoded: up to three bytes each.
    let web_body_limit = config.page_body_limit().saturating_mul(3) + 64 * 1024;
    routes
        .merge(web::routes().layer(DefaultBodyLimit::max(web_body_limit)))
        .fallback(unknown_route)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(
            ServiceBuilder::new()
                .layer(TraceLayer::new_for_http())
                .layer(CompressionLayer::new())
                .layer(from_fn(edge_headers))
                .layer(from_fn(page_for_bare_errors))
                .layer(CatchPanicLayer::custom(panic_problem))
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::SERVICE_UNAVAILABLE,
                    config.limits.request_timeout,
                ))
                .layer(CsrfLayer::new()),
        )
        .with_state(app)
}

/// Every route of the server, each with its place in the OpenAPI document:
/// the router and the contract are built from this one list. Requests that
/// carry a page text may be as large as `page_body_limit`; every other body
/// is held to `small_body_limit`.
pub(crate) fn routes(page_body_limit: usize, small_body_limit: usize) -> OpenApiRouter<App> {
    let page_texts = OpenApiRouter::new()
        .routes(routes!(
            pages::get_page,
            pages::put_page,
            pages::delete_page
        ))
        .routes(routes!(links::preview))
        .layer(DefaultBodyLimit::max(page_body_limit));

    let rest = OpenApiRouter::new()
        .routes(routes!(ops::healthz))
        .routes(routes!(ops::metrics))
        .routes(routes!(ops::openapi_json))
        .routes(routes!(accounts::register))
        .routes(routes!(accounts::log_in, accounts::log_out_everywhere))
        .routes(routes!(accounts::log_out))
        .routes(routes!(accounts::me))
        .routes(routes!(accounts::change_password))
        .routes(routes!(accounts::list_tokens, accounts::create_token))
        .routes(routes!(accounts::revoke_token))
        .routes(routes!(spaces::list_spaces, spaces::create_space))
        .routes(routes!(spaces::get_space))
        .routes(routes!(spaces::list_members, spaces::join))
        .routes(routes!(spaces::member, spaces::appoint, spaces::leave))
        .routes(routes!(spaces::accept))
        .routes(routes!(pages::list_pages))
        .routes(routes!(pages::move_page))
        .routes(routes!(pages::revert_page))
        .routes(routes!(pages::history))
        .routes(routes!(pages::revision))
        .routes(routes!(pages::diff))
        .routes(routes!(links::backlinks))
        .routes(routes!(links::orphans))
        .routes(routes!(links::wanted))
        .routes(routes!(changes::changes))
        .routes(routes!(feeds::changes_atom))
        .routes(routes!(governance::review_queue))
        .routes(routes!(governance::review))
        .routes(routes!(governance::mass_rollback))
        .routes(routes!(governance::governance_log))
        .routes(routes!(governance::health))
        .routes(routes!(proposals::list, proposals::open))
        .routes(routes!(proposals::get))
        .routes(routes!(proposals::vote))
        .routes(routes!(sanctions::reports, sanctions::report))
        .routes(routes!(sanctions::list, sanctions::issue))
        .routes(routes!(sanctions::appeal))
        .routes(routes!(disputes::open))
        .routes(routes!(disputes::list))
        .routes(routes!(governance::watchlist))
        .routes(routes!(governance::watch, governance::unwatch))
        .routes(routes!(governance::notifications))
        .routes(routes!(admin::take_down))
        .routes(routes!(admin::restore_steward))
        .routes(routes!(search::search))
        .routes(routes!(search::suggest))
        .layer(DefaultBodyLimit::max(small_body_limit));

    OpenApiRouter::with_openapi(openapi::base())
        .merge(page_texts)
        .merge(rest)
}

/// The longest request target (path and query) answered; longer ones get
/// 414. (Past 64 KiB the HTTP library refuses a request before any of this
/// code sees it, with a bare 414 of its own.)
pub const MAX_URI_BYTES: usize = 8 * 1024;

/// What every answer carries: no content sniffing, no referrer sent to
/// other sites, a content security policy under which nothing runs, loads
/// or frames the answer (JSON, feeds, errors; pages that need more set
/// their own), and `Cache-Control: private` for answers to requests that
/// carry credentials, so no shared cache keeps them. Over-long targets are
/// refused here, as problems like every other error.
async fn edge_headers(request: Request, next: Next) -> Response<Body> {
    let credentials = extract::carries_credentials(request.headers());
    let mut response = if target_length(request.uri()) > MAX_URI_BYTES {
        ApiError::new(
            ErrorCode::UriTooLong,
            format!("the request target is over {MAX_URI_BYTES} bytes"),
        )
        .into_response()
    } else {
        next.run(request).await
    };
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers
        .entry(header::REFERRER_POLICY)
        .or_insert(HeaderValue::from_static("same-origin"));
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(
            "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
        ));
    let no_store = headers
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("no-store"));
    if credentials && !no_store {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private"));
    }
    response
}

/// The length of the request target as sent, without copying it.
fn target_length(uri: &axum::http::Uri) -> usize {
    match uri.path_and_query() {
        Some(target) if uri.authority().is_none() => target.as_str().len(),
        _ => uri.to_string().len(),
    }
}

async fn unknown_route(request: Request) -> Response<Body> {
    if web::is_api_path(request.uri().path()) {
        ApiError::not_found("no such route").into_response()
    } else {
        web::not_found_page(request.headers())
    }
}

async fn method_not_allowed(request: Request) -> Response<Body> {
    if web::is_api_path(request.uri().path()) {
        ApiError::new(
            ErrorCode::MethodNotAllowed,
            "this route does not answer that method",
        )
        .into_response()
    } else {
        web::bare_error_page(request.headers(), None, ErrorCode::MethodNotAllowed)
    }
}

fn panic_problem(_: Box<dyn Any + Send + 'static>) -> Response<Body> {
    tracing::error!("a request handler panicked");
    ApiError::internal().into_response()
}

/// Gives a body to error responses made below the handlers (timeouts,
/// CSRF rejections, axum's own rejections) that lack one: problem+json for
/// the API, an HTML page in the visitor's language for the web pages.
async fn page_for_bare_errors(request: Request, next: Next) -> Response<Body> {
    let api = web::is_api_path(request.uri().path());
    let headers = request.headers().clone();
    let query = request.uri().query().map(str::to_owned);
    let response = next.run(request).await;
    let status = response.status();
    let has_body_of_its_own = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| {
            v == HeaderValue::from_static("application/problem+json")
                || v.to_str().is_ok_and(|v| v.starts_with("text/html"))
        });
    if !(status.is_client_error() || status.is_server_error()) || has_body_of_its_own {
        return response;
    }
    if api {
        problem_for_bare_errors(response)
    } else {
        let mut page = web::bare_error_page(&headers, query.as_deref(), bare_error_code(status).0);
        *page.status_mut() = status;
        page
    }
}

fn bare_error_code(status: StatusCode) -> (ErrorCode, &'static str) {
    match status {
        StatusCode::FORBIDDEN => (ErrorCode::Forbidden, "cross-site request refused"),
        StatusCode::NOT_FOUND => (ErrorCode::NotFound, "not found"),
        StatusCode::METHOD_NOT_ALLOWED => (ErrorCode::MethodNotAllowed, "method not allowed"),
        StatusCode::PAYLOAD_TOO_LARGE => (ErrorCode::TooLarge, "the request body is too large"),
        StatusCode::URI_TOO_LONG => (ErrorCode::UriTooLong, "the request target is too long"),
        StatusCode::SERVICE_UNAVAILABLE => (ErrorCode::Timeout, "the request took too long"),
        s if s.is_client_error() => (ErrorCode::InvalidInput, "the request is not valid"),
        _ => (ErrorCode::Internal, "something went wrong on the server"),
    }
}

/// A problem+json body for an API error response that lacks one, so a
/// client always gets the same shape.
fn problem_for_bare_errors(response: Response<Body>) -> Response<Body> {
    let (code, detail) = bare_error_code(response.status());
    let mut problem = ApiError::new(code, detail).into_response();
    for (name, value) in response.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            problem.headers_mut().insert(name.clone(), value.clone());
        }
    }
    problem
}
