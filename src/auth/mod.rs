//! Authentication primitives: the only user of argon2.
//!
//! - [`password`]: argon2id hashing and verification off the async runtime,
//!   with a dummy verification for unknown usernames so timing reveals nothing;
//! - [`token`]: 256-bit session and API tokens, of which only SHA-256 hashes are stored;
//! - [`throttle`]: counting login failures per (username, client) and per client.
//!
//! Who may do what is decided in the service layer, not here.

pub mod password;
pub mod throttle;
pub mod token;

pub use password::{Password, PasswordHasher};
pub use throttle::{Throttle, client_key};

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("password hashing failed: {0}")]
    Hashing(String),
}
