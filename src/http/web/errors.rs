//! Failures as pages: the reason in the visitor's language (from the
//! error's code), what to do next, and the status the API would answer.

use askama::Template;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::chrome::{Chrome, Visit, choose_locale};
use super::html_response;
use crate::i18n::Locale;
use crate::model::ErrorCode;
use crate::service::{ServiceError, ServiceResult};

/// A failed page view, rendered as an HTML page (boxed: results carry it
/// on every path of a handler).
pub struct WebError(Box<Failure>);

struct Failure {
    chrome: Chrome,
    code: ErrorCode,
    detail: String,
    retry_after: Option<u64>,
}

impl WebError {
    pub fn new(visit: &Visit, error: ServiceError) -> Self {
        Self::from_parts(visit.chrome(""), error)
    }

    fn from_parts(chrome: Chrome, error: ServiceError) -> Self {
        if let ServiceError::Internal(internal) = &error {
            tracing::error!(error = %internal, "internal error");
        }
        let code = error.code();
        // Rounded up, as the API's `Retry-After`: never "retry in 0 s".
        let retry_after = error
            .retry_after()
            .map(|after| (after.as_secs() + u64::from(after.subsec_nanos() > 0)).max(1));
        let detail = match code {
            ErrorCode::Internal => String::new(),
            _ => error.to_string(),
        };
        Self(Box::new(Failure {
            chrome,
            code,
            detail,
            retry_after,
        }))
    }

    /// A failure with its own code and an English detail.
    pub fn coded(visit: &Visit, code: ErrorCode, detail: impl Into<String>) -> Self {
        Self(Box::new(Failure {
            chrome: visit.chrome(""),
            code,
            detail: detail.into(),
            retry_after: None,
        }))
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    chrome: &'a Chrome,
    code: &'a str,
    help: String,
    status: u16,
    detail: &'a str,
    retry_after: Option<u64>,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let mut failure = *self.0;
        let code_id = failure.code.as_str().replace('_', "-");
        failure.chrome.title = failure.chrome.t(&format!("error-{code_id}"));
        let page = ErrorPage {
            chrome: &failure.chrome,
            code: failure.code.as_str(),
            help: failure.chrome.t(&format!("error-{code_id}-help")),
            status: failure.code.status(),
            detail: &failure.detail,
            retry_after: failure.retry_after,
        };
        let status = StatusCode::from_u16(failure.code.status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = html_response(failure.chrome.locale, status, page.render());
        if let Some(seconds) = failure.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// A refusal shown on the form that was refused (a save, a login, a
/// setting): its title and help in the visitor's language, from the code,
/// and the detail the service gave (in English; empty for internal errors).
pub struct Refusal {
    pub title: String,
    pub help: String,
    pub detail: String,
    pub status: StatusCode,
}

impl Refusal {
    pub fn of(locale: Locale, error: &ServiceError) -> Self {
        let code = error.code();
        let id = code.as_str().replace('_', "-");
        Refusal {
            title: locale.t(&format!("error-{id}")),
            help: locale.t(&format!("error-{id}-help")),
            detail: match error {
                ServiceError::Internal(_) => String::new(),
                other => other.to_string(),
            },
            status: StatusCode::from_u16(code.status()).unwrap_or(StatusCode::BAD_REQUEST),
        }
    }

    /// A refusal to show above a form, in one line with its status; an
    /// internal failure becomes the error page instead.
    pub fn shown(visit: &Visit, error: ServiceError) -> Result<(String, StatusCode), WebError> {
        if let ServiceError::Internal(_) = error {
            return Err(WebError::new(visit, error));
        }
        let refusal = Refusal::of(visit.locale, &error);
        Ok((refusal.sentence(), refusal.status))
    }

    /// The refusal in one line, for forms that show a sentence.
    pub fn sentence(&self) -> String {
        match self.detail.is_empty() {
            true => format!("{} — {}", self.title, self.help),
            false => format!("{} — {} ({})", self.title, self.help, self.detail),
        }
    }
}

/// Turns a service failure into an error page.
pub trait OrPage<T> {
    fn or_page(self, visit: &Visit) -> Result<T, WebError>;
}

impl<T> OrPage<T> for ServiceResult<T> {
    fn or_page(self, visit: &Visit) -> Result<T, WebError> {
        self.map_err(|error| WebError::new(visit, error))
    }
}

/// Whether a path belongs to the JSON API (problem+json errors) rather
/// than to the web pages (HTML errors).
pub fn is_api_path(path: &str) -> bool {
    path.starts_with("/api/")
        || path.starts_with("/feeds/")
        || path == "/healthz"
        || path == "/metrics"
}

fn anonymous_chrome(locale: Locale, here: &str) -> Chrome {
    Chrome {
        locale,
        title: String::new(),
        user: None,
        csrf: String::new(),
        here: here.to_owned(),
        query: String::new(),
        unread: 0,
    }
}

/// The page for an error made below the handlers (a timeout, a refused
/// cross-site form, an unknown route), in the language the request asks.
pub fn bare_error_page(headers: &HeaderMap, query: Option<&str>, code: ErrorCode) -> Response {
    let chrome = anonymous_chrome(choose_locale(query, None, headers), "/");
    let detail = code.title().to_owned();
    WebError(Box::new(Failure {
        chrome,
        code,
        detail,
        retry_after: None,
    }))
    .into_response()
}

/// 404 for a path that names nothing.
pub fn not_found_page(headers: &HeaderMap) -> Response {
    bare_error_page(headers, None, ErrorCode::NotFound)
}
