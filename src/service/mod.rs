//! The use cases: every front end (the JSON API today, the web pages later)
//! calls these functions and nothing below them.
//!
//! A service function takes the acting user (or none), validates input into
//! model types, reads what it needs from the store, decides, writes through
//! the store, and returns a view. It owns authorisation: handlers never
//! decide who may do what. Errors are [`ServiceError`] values with stable
//! codes; the HTTP layer maps them to statuses in one place.

mod accounts;
mod admin;
mod changes;
mod disputes;
mod edits;
mod monitoring;
mod ops;
mod pages;
mod pool;
mod proposals;
mod rendering;
mod reviews;
mod rollbacks;
mod sanctions;
mod search;
mod spaces;
mod views;

use std::sync::Arc;
use std::time::Duration;

pub use accounts::{Authenticated, Registrant, Registration};
pub use changes::ChangesQuery;
pub use edits::{EditRequest, WriteStatus};
pub use ops::Metrics;
pub use proposals::ProposalRequest;
pub use reviews::ReviewDecision;
pub use rollbacks::RollbackRequest;
pub use search::{SearchQuery, StoreFeed};
pub use views::*;

use crate::auth::{AuthError, PasswordHasher};
use crate::config::Config;
use crate::governance::{CharterError, Denial};
use crate::model::{InvalidName, RevisionId, UserId};
use crate::store::{Store, StoreError};

/// The user on whose behalf a service function acts.
#[derive(Debug, Clone)]
pub struct Actor {
    pub id: UserId,
    pub username: String,
    pub is_admin: bool,
}

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
    Conflict(&'static str, String),
    /// Input refused for a reason with its own code (`step_too_heavy`).
    #[error("{1}")]
    Refused(&'static str, String),
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

/// The application: the store, the configuration and the shared machinery
/// every use case needs. Cheap to clone.
#[derive(Clone)]
pub struct App {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    config: Config,
    hasher: PasswordHasher,
    accounts: accounts::AccountGuards,
    renders: rendering::RenderCache,
    cpu: pool::CpuPool,
    /// Whether a pending revision conflicts with a published line.
    conflicts: quick_cache::sync::Cache<(RevisionId, Option<RevisionId>), bool>,
    search: std::sync::OnceLock<search::Search>,
    governance: spaces::GovernanceCache,
}

impl App {
    pub fn new(store: Store, config: Config) -> Self {
        Self {
            inner: Arc::new(Inner {
                accounts: accounts::AccountGuards::new(&config, &store),
                store,
                hasher: PasswordHasher::default(),
                renders: rendering::RenderCache::new(config.limits.previews_per_minute),
                cpu: pool::CpuPool::for_this_machine(),
                conflicts: quick_cache::sync::Cache::new(16_384),
                search: std::sync::OnceLock::new(),
                governance: spaces::GovernanceCache::default(),
                config,
            }),
        }
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The username of `id`, for views. A missing user (never deleted today)
    /// shows as `#id` rather than failing the whole page.
    fn username(&self, id: UserId) -> ServiceResult<String> {
        Ok(match self.store().user(id)? {
            Some(user) => user.username,
            None => format!("#{id}"),
        })
    }
}

/// `?limit=`: default 50, at most 500.
pub fn page_size(limit: Option<usize>) -> ServiceResult<usize> {
    match limit {
        None => Ok(50),
        Some(n @ 1..=500) => Ok(n),
        Some(_) => Err(ServiceError::InvalidInput(
            "limit is between 1 and 500".to_owned(),
        )),
    }
}

/// Cursors are opaque to clients; inside they are a number or a slug.
fn numeric_cursor(cursor: Option<&str>) -> ServiceResult<Option<u64>> {
    cursor
        .map(|text| {
            text.parse::<u64>()
                .map_err(|_| ServiceError::InvalidInput("cursor is not valid".to_owned()))
        })
        .transpose()
}
