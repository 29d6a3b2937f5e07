//! Ostrom: a knowledge-commons wiki server.
//!
//! sled holds the ground truth (pages, every revision, accounts, the event log);
//! everything else is derived from it. See `docs/architecture.md` for the map.
//! Each module owns one concern and one outside library:
//!
//! - [`model`]: domain vocabulary (timestamps, slugs, usernames, standings); no I/O.
//! - [`store`]: the only user of sled; records, key encoding, the event log, group commit.
//! - [`diff`]: the only user of similar; three-way merges and line diffs, each with a deadline.
//! - [`governance`]: the charter and the pure decision engine; no I/O.
//! - [`auth`]: the only user of argon2; password hashing, tokens, login throttling.
//! - [`service`]: the use cases (register, log in, edit, revert, move…), shared by every front end.
//! - [`http`]: the only user of axum; routes, extractors, problem+json errors, the OpenAPI contract,
//!   and the web interface (`http::web`: askama templates from `frontend/`, HTML errors).
//! - [`i18n`]: the interface's words in French and English (Fluent), numbers and dates per language.
//! - [`server`]: wiring: open the store, serve HTTP, shut down cleanly.

pub mod auth;
pub mod config;
pub mod diff;
pub mod governance;
pub mod http;
pub mod i18n;
pub mod model;
pub mod render;
pub mod search;
pub mod server;
pub mod service;
pub mod store;
