//! Errors at the HTTP edge: RFC 9457 problem details (`application/problem+json`).
//!
//! This is the one place where a failure becomes a status code: service
//! errors map here by their stable `code`, and so do the HTTP layer's own
//! failures (malformed JSON, oversized bodies, unknown routes). Internal
//! errors are logged once, in full, and reach the client as a generic message.

use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Map, Value, json};
use utoipa::ToSchema;

use crate::governance::{CharterError, Denial};
use crate::model::ErrorCode;
use crate::service::ServiceError;

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the problem type: `urn:ostrom:problem:<code>`.
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable machine-readable reason (see `api.md`).
    pub code: String,
    /// For `edit_conflict` and `missing_base`: the page's head revision.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub head_revision: Option<u64>,
    /// For `edit_conflict`: the text with conflict markers (`null` for a deletion).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merged: Option<Value>,
    /// For `rate_limited` and `busy`: seconds to wait, as in `Retry-After`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

#[derive(Debug)]
pub struct ApiError {
    code: ErrorCode,
    detail: String,
    extra: Map<String, Value>,
    retry_after: Option<Duration>,
}

impl ApiError {
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self {
            code,
            detail: detail.into(),
            extra: Map::new(),
            retry_after: None,
        }
    }

    fn with(mut self, key: &str, value: Value) -> Self {
        self.extra.insert(key.to_owned(), value);
        self
    }

    fn retry_after(mut self, after: Duration) -> Self {
        // Round up: "retry in 0 seconds" would invite a hot loop.
        let seconds = after.as_secs() + u64::from(after.subsec_nanos() > 0);
        self.retry_after = Some(Duration::from_secs(seconds.max(1)));
        self.with("retry_after", json!(seconds.max(1)))
    }

    pub fn malformed_json(detail: impl Into<String>) -> Self {
        Self::new(ErrorCode::MalformedJson, detail)
    }

    pub fn invalid_input(detail: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidInput, detail)
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, detail)
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(ErrorCode::Forbidden, detail)
    }

    pub fn internal() -> Self {
        Self::new(
            ErrorCode::Internal,
            "something went wrong on the server; it has been logged",
        )
    }

    pub fn code(&self) -> ErrorCode {
        self.code
    }

    fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> Self {
        if let ServiceError::Internal(internal) = &error {
            tracing::error!(error = %internal, "internal error");
            return Self::internal();
        }
        let mut problem = Self::new(error.code(), error.to_string());
        if let Some(after) = error.retry_after() {
            problem = problem.retry_after(after);
        }
        // What each reason tells besides its detail.
        match error {
            ServiceError::InvalidField { field, .. } => problem.with("field", json!(field)),
            ServiceError::Deleted { revision } => problem.with("revision", json!(revision)),
            ServiceError::EditConflict {
                base,
                head_revision,
                merged,
            } => problem
                .with("base_revision", json!(base))
                .with("head_revision", json!(head_revision))
                .with("merged", json!(merged)),
            ServiceError::TooLarge { limit, .. } => problem.with("limit", json!(limit)),
            ServiceError::MissingBase { head_revision } => {
                problem.with("head_revision", json!(head_revision))
            }
            ServiceError::Denied(denial) => match denial {
                Denial::TooLarge { limit } => problem.with("limit", json!(limit)),
                Denial::ProtectedPage { required } | Denial::Forbidden { required } => {
                    problem.with("required", json!(required))
                }
                Denial::DisputedPage { lock_to } => problem.with("lock_to", json!(lock_to)),
                Denial::Suspended { until } => problem.with("until", json!(until)),
                _ => problem,
            },
            ServiceError::Charter(CharterError::Invalid { field, .. })
            | ServiceError::Charter(CharterError::Locked { field }) => {
                problem.with("field", json!(field))
            }
            _ => problem,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = Map::new();
        let status = self.status();
        body.insert(
            "type".to_owned(),
            json!(format!("urn:ostrom:problem:{}", self.code)),
        );
        body.insert("title".to_owned(), json!(self.code.title()));
        body.insert("status".to_owned(), json!(status.as_u16()));
        body.insert("detail".to_owned(), json!(self.detail));
        body.insert("code".to_owned(), json!(self.code.as_str()));
        body.extend(self.extra);

        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(after) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(after.as_secs()));
        }
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"ostrom\""),
            );
        }
        let body = serde_json::to_vec(&Value::Object(body)).unwrap_or_default();
        (status, headers, body).into_response()
    }
}
