//! The use cases: every front end (the JSON API today, the web pages later)
//! calls these functions and nothing below them.
//!
//! A service function takes the acting user (or none), validates input into
//! model types, reads what it needs from the store, decides, writes through
//! the store, and returns a view. It owns authorisation: handlers never
//! decide who may do what. Errors are [`ServiceError`] values with stable
//! codes; the HTTP layer maps them to statuses in one place.

mod abilities;
mod accounts;
mod admin;
mod answers;
mod changes;
mod disputes;
mod edits;
mod error;
mod facts;
mod listing;
mod monitoring;
mod ops;
mod pages;
mod pool;
mod proposals;
mod rendering;
mod retry;
mod reviews;
mod rollbacks;
mod sanctions;
mod search;
mod spaces;
mod views;

use std::sync::Arc;

pub use accounts::{Authenticated, Registrant, Registration};
pub use answers::Answer;
pub use changes::ChangesQuery;
pub use edits::{EditRequest, WriteStatus};
pub use error::{ServiceError, ServiceResult};
pub use listing::{DEFAULT_LIMIT, ListRequest, Listing, MAX_LIMIT, Order};
pub use monitoring::{LogFilter, MAX_HEALTH_WEEKS, Preferences, UNREAD_COUNTED};
pub use ops::Metrics;
pub use proposals::ProposalRequest;
pub use reviews::ReviewDecision;
pub use rollbacks::RollbackRequest;
pub use search::{SearchQuery, StoreFeed};
pub use views::*;

use crate::auth::PasswordHasher;
use crate::config::Config;
use crate::model::{RevisionId, Timestamp, UserId};
use crate::store::Store;

/// The user on whose behalf a service function acts.
#[derive(Debug, Clone)]
pub struct Actor {
    pub id: UserId,
    pub username: String,
    pub is_admin: bool,
}

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
    answers: answers::AnswerCache,
    /// Whether a pending revision conflicts with a published line.
    conflicts: quick_cache::sync::Cache<(RevisionId, Option<RevisionId>), bool>,
    search: std::sync::OnceLock<search::Search>,
    governance: facts::GovernanceCache,
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
                answers: answers::AnswerCache::default(),
                conflicts: quick_cache::sync::Cache::new(16_384),
                search: std::sync::OnceLock::new(),
                governance: facts::GovernanceCache::default(),
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

    /// The time now, on the application's clock (the store's: records and
    /// decisions read one clock).
    pub fn now(&self) -> Timestamp {
        self.store().now()
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
