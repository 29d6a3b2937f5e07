//! The service layer's errors: what went wrong, in words for people and as
//! a stable [`ErrorCode`] (with its status) for programs and pages. The
//! HTTP edge maps them to problem+json, the web pages to error pages, both
//! from [`ServiceError::code`].

use std::time::Duration;

use crate::auth::AuthError;
use crate::governance::{CharterError, Denial};
use crate::model::{ErrorCode, InvalidName, RevisionId};
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("{0}")]
    InvalidInput(String),
    /// Input refused because of one named part of it (`front_matter`…).
    #[error("{detail}")]
    InvalidField { field: &'static str, detail: String },
    #[error("{0}")]
    UnknownRevision(String),
    #[error("authentication required: no, bad or expired credentials")]
    Unauthenticated,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("this page was deleted (revision {revision}); its history and revert still work")]
    Deleted { revision: RevisionId },
    #[error("the page changed since revision {base}, and the changes overlap")]
    EditConflict {
        base: RevisionId,
        head_revision: RevisionId,
        merged: Option<String>,
    },
    /// Taken, or (`Some(owner)`) too much like `owner`'s name.
    #[error("{}", match .0 {
        None => "that username is taken".to_owned(),
        Some(owner) => format!("that username looks too much like {owner:?}, which is taken"),
    })]
    UsernameTaken(Option<String>),
    #[error("you already have a token named {0:?}")]
    TokenNameTaken(String),
    #[error("a page named {0:?} already exists")]
    PageExists(String),
    #[error("the text is {size} bytes; the limit is {limit}")]
    TooLarge { size: usize, limit: usize },
    #[error(
        "editing an existing page needs base_revision (or If-Match) naming the revision you edited"
    )]
    MissingBase { head_revision: RevisionId },
    #[error("too many attempts; retry in {} s", retry_after.as_secs().max(1))]
    RateLimited { retry_after: Duration },
    #[error("the page is being edited too busily; retry")]
    Busy,
    /// The actor was sanctioned while their action was being decided: the
    /// engine decides again (it answers `busy` only if that keeps happening).
    #[error("your standing changed while this was decided; retry")]
    SanctionedMeanwhile,
    /// The governance engine said no.
    #[error("{}", .0.explain())]
    Denied(Denial),
    /// A charter, or a patch to one, is refused.
    #[error(transparent)]
    Charter(#[from] CharterError),
    /// A conflict with its own code (`space_exists`, `not_pending`…).
    #[error("{1}")]
    Conflict(ErrorCode, String),
    /// Input refused for a reason with its own code (`step_too_heavy`).
    #[error("{1}")]
    Refused(ErrorCode, String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<InvalidName> for ServiceError {
    fn from(error: InvalidName) -> Self {
        ServiceError::InvalidInput(error.0)
    }
}

impl From<StoreError> for ServiceError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::SanctionedMeanwhile => ServiceError::SanctionedMeanwhile,
            other => ServiceError::Internal(other.to_string()),
        }
    }
}

impl From<AuthError> for ServiceError {
    fn from(error: AuthError) -> Self {
        ServiceError::Internal(error.to_string())
    }
}

pub type ServiceResult<T> = Result<T, ServiceError>;

impl ServiceError {
    /// When to try again, for the failures that pass with time (a rate
    /// limit, a busy page): what every front end tells the client.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ServiceError::RateLimited { retry_after }
            | ServiceError::Denied(Denial::RateLimited { retry_after }) => Some(*retry_after),
            ServiceError::Busy | ServiceError::SanctionedMeanwhile => Some(Duration::from_secs(1)),
            _ => None,
        }
    }

    /// The stable reason, which carries the status.
    pub fn code(&self) -> ErrorCode {
        match self {
            ServiceError::InvalidInput(_) | ServiceError::InvalidField { .. } => {
                ErrorCode::InvalidInput
            }
            ServiceError::UnknownRevision(_) => ErrorCode::UnknownRevision,
            ServiceError::Unauthenticated => ErrorCode::Unauthenticated,
            ServiceError::Forbidden(_) => ErrorCode::Forbidden,
            ServiceError::NotFound(_) => ErrorCode::NotFound,
            ServiceError::Deleted { .. } => ErrorCode::Deleted,
            ServiceError::EditConflict { .. } => ErrorCode::EditConflict,
            ServiceError::UsernameTaken(_) => ErrorCode::UsernameTaken,
            ServiceError::TokenNameTaken(_) => ErrorCode::NameTaken,
            ServiceError::PageExists(_) => ErrorCode::PageExists,
            ServiceError::TooLarge { .. } => ErrorCode::TooLarge,
            ServiceError::MissingBase { .. } => ErrorCode::MissingBase,
            ServiceError::RateLimited { .. } => ErrorCode::RateLimited,
            ServiceError::Busy | ServiceError::SanctionedMeanwhile => ErrorCode::Busy,
            ServiceError::Denied(denial) => denial.code(),
            ServiceError::Charter(CharterError::Invalid { .. }) => ErrorCode::InvalidInput,
            ServiceError::Charter(CharterError::Locked { .. }) => ErrorCode::LockedField,
            ServiceError::Conflict(code, _) | ServiceError::Refused(code, _) => *code,
            ServiceError::Internal(_) => ErrorCode::Internal,
        }
    }
}
