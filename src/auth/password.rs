//! argon2id password hashing with OWASP's parameters (m = 19 MiB, t = 2, p = 1).
//!
//! Hashing takes ~14 ms of CPU: it runs on tokio's blocking pool, behind a
//! semaphore of one permit per core so a burst of logins cannot starve the
//! blocking pool or the machine.

use std::fmt;
use std::sync::Arc;

use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::{OnceCell, Semaphore};

use super::AuthError;

/// A password in memory: never printed, never logged.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub fn new(text: String) -> Self {
        Self(text)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

fn argon2() -> Result<Argon2<'static>, AuthError> {
    // OWASP's recommendation, spelled out rather than trusting a default.
    let params = Params::new(19 * 1024, 2, 1, None)
        .map_err(|error| AuthError::Hashing(error.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

#[derive(Clone)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
    /// A hash of a random password, verified against when the username is
    /// unknown so that a miss costs as much as a wrong password.
    dummy: Arc<OnceCell<String>>,
}

impl Default for PasswordHasher {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self {
            permits: Arc::new(Semaphore::new(cores)),
            dummy: Arc::new(OnceCell::new()),
        }
    }
}

impl PasswordHasher {
    /// Hashes `password` into a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`).
    pub async fn hash(&self, password: &Password) -> Result<String, AuthError> {
        let password = password.clone();
        self.blocking(move || {
            argon2()?
                .hash_password(password.expose().as_bytes())
                .map(|hash| hash.to_string())
                .map_err(|error| AuthError::Hashing(error.to_string()))
        })
        .await
    }

    /// True if `password` matches `stored`. With no stored hash (unknown
    /// user), verifies against the dummy hash and answers false.
    pub async fn verify(
        &self,
        password: &Password,
        stored: Option<String>,
    ) -> Result<bool, AuthError> {
        let (phc, known) = match stored {
            Some(phc) => (phc, true),
            None => (self.dummy_hash().await?, false),
        };
        let password = password.clone();
        let matches = self
            .blocking(move || {
                // Verification uses the parameters recorded in the PHC string.
                Ok(argon2()?
                    .verify_password(password.expose().as_bytes(), phc.as_str())
                    .is_ok())
            })
            .await?;
        Ok(matches && known)
    }

    async fn dummy_hash(&self) -> Result<String, AuthError> {
        self.dummy
            .get_or_try_init(|| async {
                let mut random = [0u8; 32];
                getrandom::fill(&mut random)
                    .map_err(|error| AuthError::Hashing(error.to_string()))?;
                self.hash(&Password::new(hex::encode(random))).await
            })
            .await
            .cloned()
    }

    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, AuthError> + Send + 'static,
    ) -> Result<T, AuthError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|error| AuthError::Hashing(error.to_string()))?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|error| AuthError::Hashing(error.to_string()))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_with_argon2id_and_owasp_parameters() {
        let hasher = PasswordHasher::default();
        let password = Password::new("correct horse battery staple".to_owned());
        let hash = hasher.hash(&password).await.unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(hasher.verify(&password, Some(hash.clone())).await.unwrap());
        let wrong = Password::new("incorrect horse".to_owned());
        assert!(!hasher.verify(&wrong, Some(hash)).await.unwrap());
        assert!(!hasher.verify(&password, None).await.unwrap());
    }

    #[test]
    fn passwords_do_not_print() {
        let password = Password::new("hunter22".to_owned());
        assert!(!format!("{password:?}").contains("hunter22"));
    }
}
