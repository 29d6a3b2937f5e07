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
    status: StatusCode,
    code: &'static str,
    detail: String,
    extra: Map<String, Value>,
    retry_after: Option<Duration>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status,
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
        Self::new(StatusCode::BAD_REQUEST, "malformed_json", detail)
    }

    pub fn invalid_input(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_input", detail)
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", detail)
    }

    pub fn too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("the request body is over the limit of {limit} bytes"),
        )
        .with("limit", json!(limit))
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", detail)
    }

    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "something went wrong on the server; it has been logged",
        )
    }

    pub fn code(&self) -> &'static str {
        self.code
    }
}

fn title(code: &str) -> &'static str {
    match code {
        "malformed_json" => "Malformed JSON",
        "invalid_input" => "Invalid input",
        "unknown_revision" => "Unknown revision",
        "unauthenticated" => "Authentication required",
        "forbidden" => "Forbidden",
        "not_found" => "Not found",
        "method_not_allowed" => "Method not allowed",
        "edit_conflict" => "Edit conflict",
        "username_taken" => "Username taken",
        "name_taken" => "Name taken",
        "space_exists" => "Space exists",
        "not_pending" => "Not pending",
        "locked_field" => "Locked field",
        "not_member" => "Not a member",
        "protected_page" => "Protected page",
        "disputed_page" => "Disputed page",
        "suspended" => "Suspended",
        "banned" => "Banned",
        "self_approval" => "Self-approval",
        "conflict_of_interest" => "Conflict of interest",
        "needs_proposal" => "Needs a proposal",
        "not_eligible" => "Not eligible",
        "proposal_closed" => "Proposal closed",
        "no_eligible_voters" => "No eligible voters",
        "step_too_heavy" => "Step too heavy",
        "already_appealed" => "Already appealed",
        "not_in_force" => "Not in force",
        "not_disputed" => "Not disputed",
        "already_disputed" => "Already disputed",
        "has_stewards" => "Has stewards",
        "page_exists" => "Page exists",
        "deleted" => "Page deleted",
        "too_large" => "Too large",
        "missing_base" => "Base revision required",
        "rate_limited" => "Too many requests",
        "busy" => "Busy",
        "timeout" => "Request timed out",
        "uri_too_long" => "Request target too long",
        _ => "Internal error",
    }
}

impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> Self {
        let detail = error.to_string();
        match error {
            ServiceError::InvalidInput(_) => Self::invalid_input(detail),
            ServiceError::InvalidField { field, .. } => {
                Self::invalid_input(detail).with("field", json!(field))
            }
            ServiceError::UnknownRevision(_) => {
                Self::new(StatusCode::BAD_REQUEST, "unknown_revision", detail)
            }
            ServiceError::Unauthenticated => {
                Self::new(StatusCode::UNAUTHORIZED, "unauthenticated", detail)
            }
            ServiceError::Forbidden(_) => Self::forbidden(detail),
            ServiceError::NotFound(_) => Self::not_found(detail),
            ServiceError::Deleted { revision } => {
                Self::new(StatusCode::GONE, "deleted", detail).with("revision", json!(revision))
            }
            ServiceError::EditConflict {
                base,
                head_revision,
                merged,
            } => Self::new(StatusCode::CONFLICT, "edit_conflict", detail)
                .with("base_revision", json!(base))
                .with("head_revision", json!(head_revision))
                .with("merged", json!(merged)),
            ServiceError::UsernameTaken(_) => {
                Self::new(StatusCode::CONFLICT, "username_taken", detail)
            }
            ServiceError::TokenNameTaken(_) => {
                Self::new(StatusCode::CONFLICT, "name_taken", detail)
            }
            ServiceError::PageExists(_) => Self::new(StatusCode::CONFLICT, "page_exists", detail),
            ServiceError::TooLarge { limit, .. } => {
                Self::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", detail)
                    .with("limit", json!(limit))
            }
            ServiceError::MissingBase { head_revision } => {
                Self::new(StatusCode::PRECONDITION_REQUIRED, "missing_base", detail)
                    .with("head_revision", json!(head_revision))
            }
            ServiceError::RateLimited { retry_after } => {
                Self::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", detail)
                    .retry_after(retry_after)
            }
            ServiceError::Busy | ServiceError::SanctionedMeanwhile => {
                Self::new(StatusCode::SERVICE_UNAVAILABLE, "busy", detail)
                    .retry_after(Duration::from_secs(1))
            }
            ServiceError::Denied(denial) => match denial {
                Denial::NotVisible => Self::not_found(detail),
                Denial::RateLimited { retry_after } => {
                    Self::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", detail)
                        .retry_after(retry_after)
                }
                Denial::TooLarge { limit } => {
                    Self::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", detail)
                        .with("limit", json!(limit))
                }
                Denial::ProtectedPage { required } | Denial::Forbidden { required } => {
                    Self::new(StatusCode::FORBIDDEN, denial.code(), detail)
                        .with("required", json!(required))
                }
                Denial::DisputedPage { lock_to } => {
                    Self::new(StatusCode::FORBIDDEN, denial.code(), detail)
                        .with("lock_to", json!(lock_to))
                }
                Denial::Suspended { until } => {
                    Self::new(StatusCode::FORBIDDEN, denial.code(), detail)
                        .with("until", json!(until))
                }
                other => Self::new(StatusCode::FORBIDDEN, other.code(), detail),
            },
            ServiceError::Charter(CharterError::Invalid { field, .. }) => {
                Self::invalid_input(detail).with("field", json!(field))
            }
            ServiceError::Charter(CharterError::Locked { field }) => {
                Self::new(StatusCode::BAD_REQUEST, "locked_field", detail)
                    .with("field", json!(field))
            }
            ServiceError::Conflict(code, _) => Self::new(StatusCode::CONFLICT, code, detail),
            ServiceError::Refused(code, _) => Self::new(StatusCode::BAD_REQUEST, code, detail),
            ServiceError::Internal(internal) => {
                tracing::error!(error = %internal, "internal error");
                Self::internal()
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = Map::new();
        body.insert(
            "type".to_owned(),
            json!(format!("urn:ostrom:problem:{}", self.code)),
        );
        body.insert("title".to_owned(), json!(title(self.code)));
        body.insert("status".to_owned(), json!(self.status.as_u16()));
        body.insert("detail".to_owned(), json!(self.detail));
        body.insert("code".to_owned(), json!(self.code));
        body.extend(self.extra);

        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(after) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(after.as_secs()));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"ostrom\""),
            );
        }
        let body = serde_json::to_vec(&Value::Object(body)).unwrap_or_default();
        (self.status, headers, body).into_response()
    }
}
