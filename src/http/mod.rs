//! The HTTP edge: the only user of axum. Every route of the server is listed
//! in [`router`], so the URL surface reads in one place.
//!
//! Handlers are adapters: extract (rejecting bad input as problem+json), call
//! one service function, map the result. They hold no rules of their own.

mod api;
pub mod error;
pub mod extract;
pub mod openapi;

use std::any::Any;

use axum::Router;
use axum::body::Body;
use axum::extract::DefaultBodyLimit;
use axum::extract::Request;
use axum::http::{HeaderValue, Response, StatusCode, header};
use axum::middleware::{Next, from_fn, map_response};
use axum::response::IntoResponse;
use axum::routing::{get, post, put};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::csrf::CsrfLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

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

/// Builds the whole HTTP surface of an instance.
pub fn router(app: App) -> Router {
    let config = app.config().clone();

    // Requests that carry a page text may be large; everything else is small.
    let page_texts = Router::new()
        .route(
            "/api/v1/spaces/{space}/pages/{slug}",
            get(pages::get_page)
                .put(pages::put_page)
                .delete(pages::delete_page),
        )
        .route("/api/v1/render", post(links::preview))
        .layer(DefaultBodyLimit::max(config.page_body_limit()));

    let rest = Router::new()
        .route("/healthz", get(ops::healthz))
        .route("/metrics", get(ops::metrics))
        .route("/api/v1/openapi.json", get(ops::openapi_json))
        .route("/api/v1/accounts", post(accounts::register))
        .route(
            "/api/v1/sessions",
            post(accounts::log_in).delete(accounts::log_out_everywhere),
        )
        .route(
            "/api/v1/sessions/current",
            axum::routing::delete(accounts::log_out),
        )
        .route("/api/v1/me", get(accounts::me))
        .route("/api/v1/me/password", put(accounts::change_password))
        .route("/api/v1/admin/takedowns", post(admin::take_down))
        .route("/api/v1/admin/stewards", post(admin::restore_steward))
        .route(
            "/api/v1/tokens",
            get(accounts::list_tokens).post(accounts::create_token),
        )
        .route(
            "/api/v1/tokens/{name}",
            axum::routing::delete(accounts::revoke_token),
        )
        .route(
            "/api/v1/spaces",
            get(spaces::list_spaces).post(spaces::create_space),
        )
        .route("/api/v1/spaces/{space}", get(spaces::get_space))
        .route(
            "/api/v1/spaces/{space}/members",
            get(spaces::list_members).post(spaces::join),
        )
        .route(
            "/api/v1/spaces/{space}/members/{user}",
            get(spaces::member).put(spaces::appoint),
        )
        .route(
            "/api/v1/spaces/{space}/members/{user}/accept",
            post(spaces::accept),
        )
        .route(
            "/api/v1/spaces/{space}/reviews",
            get(governance::review_queue),
        )
        .route(
            "/api/v1/spaces/{space}/reviews/{revision}",
            post(governance::review),
        )
        .route(
            "/api/v1/spaces/{space}/rollbacks",
            post(governance::mass_rollback),
        )
        .route(
            "/api/v1/spaces/{space}/proposals",
            get(proposals::list).post(proposals::open),
        )
        .route("/api/v1/spaces/{space}/proposals/{id}", get(proposals::get))
        .route(
            "/api/v1/spaces/{space}/proposals/{id}/vote",
            put(proposals::vote),
        )
        .route(
            "/api/v1/spaces/{space}/pages/{slug}/disputes",
            post(disputes::open),
        )
        .route("/api/v1/spaces/{space}/disputes", get(disputes::list))
        .route(
            "/api/v1/spaces/{space}/reports",
            get(sanctions::reports).post(sanctions::report),
        )
        .route(
            "/api/v1/spaces/{space}/sanctions",
            get(sanctions::list).post(sanctions::issue),
        )
        .route(
            "/api/v1/spaces/{space}/sanctions/{id}/appeal",
            post(sanctions::appeal),
        )
        .route(
            "/api/v1/spaces/{space}/log",
            get(governance::governance_log),
        )
        .route("/api/v1/spaces/{space}/health", get(governance::health))
        .route("/api/v1/watchlist", get(governance::watchlist))
        .route(
            "/api/v1/watchlist/{space}/{slug}",
            put(governance::watch).delete(governance::unwatch),
        )
        .route("/api/v1/notifications", get(governance::notifications))
        .route("/feeds/changes.atom", get(feeds::changes_atom))
        .route("/api/v1/spaces/{space}/pages", get(pages::list_pages))
        .route(
            "/api/v1/spaces/{space}/pages/{slug}/move",
            post(pages::move_page),
        )
        .route(
            "/api/v1/spaces/{space}/pages/{slug}/revert",
            post(pages::revert_page),
        )
        .route(
            "/api/v1/spaces/{space}/pages/{slug}/revisions",
            get(pages::history),
        )
        .route(
            "/api/v1/spaces/{space}/pages/{slug}/revisions/{id}",
            get(pages::revision),
        )
        .route("/api/v1/spaces/{space}/pages/{slug}/diff", get(pages::diff))
        .route(
            "/api/v1/spaces/{space}/pages/{slug}/backlinks",
            get(links::backlinks),
        )
        .route("/api/v1/spaces/{space}/orphans", get(links::orphans))
        .route("/api/v1/spaces/{space}/wanted", get(links::wanted))
        .route("/api/v1/changes", get(changes::changes))
        .route("/api/v1/search", get(search::search))
        .route("/api/v1/suggest", get(search::suggest))
        .layer(DefaultBodyLimit::max(config.limits.max_small_body_bytes));

    Router::new()
        .merge(page_texts)
        .merge(rest)
        .fallback(unknown_route)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(
            ServiceBuilder::new()
                .layer(TraceLayer::new_for_http())
                .layer(CompressionLayer::new())
                .layer(from_fn(edge_headers))
                .layer(map_response(problem_for_bare_errors))
                .layer(CatchPanicLayer::custom(panic_problem))
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::SERVICE_UNAVAILABLE,
                    config.limits.request_timeout,
                ))
                .layer(CsrfLayer::new()),
        )
        .with_state(app)
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
    let mut response = if request.uri().to_string().len() > MAX_URI_BYTES {
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

async fn unknown_route() -> ApiError {
    ApiError::not_found("no such route")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        ErrorCode::MethodNotAllowed,
        "this route does not answer that method",
    )
}

fn panic_problem(_: Box<dyn Any + Send + 'static>) -> Response<Body> {
    tracing::error!("a request handler panicked");
    ApiError::internal().into_response()
}

/// Gives a problem+json body to error responses made below the handlers
/// (timeouts, CSRF rejections, axum's own rejections) that lack one, so a
/// client always gets the same shape.
async fn problem_for_bare_errors<B>(response: Response<B>) -> Response<Body>
where
    B: axum::body::HttpBody<Data = axum::body::Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    let response = response.map(Body::new);
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v == HeaderValue::from_static("application/problem+json"));
    if !(status.is_client_error() || status.is_server_error()) || is_problem {
        return response;
    }
    let (code, detail) = match status {
        StatusCode::FORBIDDEN => (ErrorCode::Forbidden, "cross-site request refused"),
        StatusCode::NOT_FOUND => (ErrorCode::NotFound, "not found"),
        StatusCode::METHOD_NOT_ALLOWED => (ErrorCode::MethodNotAllowed, "method not allowed"),
        StatusCode::PAYLOAD_TOO_LARGE => (ErrorCode::TooLarge, "the request body is too large"),
        StatusCode::URI_TOO_LONG => (ErrorCode::UriTooLong, "the request target is too long"),
        StatusCode::SERVICE_UNAVAILABLE => (ErrorCode::Timeout, "the request took too long"),
        s if s.is_client_error() => (ErrorCode::InvalidInput, "the request is not valid"),
        _ => (ErrorCode::Internal, "something went wrong on the server"),
    };
    let mut problem = ApiError::new(code, detail).into_response();
    for (name, value) in response.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            problem.headers_mut().insert(name.clone(), value.clone());
        }
    }
    problem
}
