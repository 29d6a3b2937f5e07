//! Bearer tokens: 256 random bits, shown once, stored only as SHA-256.
//!
//! A plain hash (not argon2) is right here: the token already has 256 bits
//! of entropy, so there is nothing to brute-force, and lookups stay O(1).

use sha2::{Digest, Sha256};

use super::AuthError;

/// A freshly made token and the hash under which it is stored.
pub struct NewToken {
    pub token: String,
    pub hash: [u8; 32],
}

/// Makes a token with a readable prefix (`ost_s_` for sessions, `ost_t_` for
/// API tokens) so that secret scanners and people can tell what leaked.
pub fn generate(prefix: &str) -> Result<NewToken, AuthError> {
    let mut random = [0u8; 32];
    getrandom::fill(&mut random).map_err(|error| AuthError::Hashing(error.to_string()))?;
    let token = format!("{prefix}{}", hex::encode(random));
    let hash = hash(&token);
    Ok(NewToken { token, hash })
}

pub fn hash(token: &str) -> [u8; 32] {
    let mut hash = [0u8; 32];
    hash.copy_from_slice(&Sha256::digest(token.as_bytes()));
    hash
}

/// A random value for CSRF tokens and the like (128 bits, hex).
pub fn random_hex() -> Result<String, AuthError> {
    let mut random = [0u8; 16];
    getrandom::fill(&mut random).map_err(|error| AuthError::Hashing(error.to_string()))?;
    Ok(hex::encode(random))
}

/// Whether a secret presented equals the one expected, in a time that
/// does not tell how much of it matched (the comparison is of hashes).
pub fn same_secret(expected: &str, presented: &str) -> bool {
    let (a, b) = (hash(expected), hash(presented));
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = generate("ost_s_").unwrap();
        let b = generate("ost_s_").unwrap();
        assert_ne!(a.token, b.token);
        assert_eq!(a.token.len(), "ost_s_".len() + 64);
        assert_eq!(hash(&a.token), a.hash);
    }
}
