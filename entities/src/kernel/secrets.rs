//! Random secrets (tokens, session ids, gift-card codes' salts) and how they
//! are kept: only as digests, never as they were handed out.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};

/// A new random secret: 32 bytes from the OS, as 64 hex digits.
pub fn random_secret() -> String {
    let mut bytes = [0_u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

/// Bytes as lower-case hex digits.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 of a secret, as stored (tokens and session ids are stored
/// only this way).
pub fn digest(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// Whether `secret` has the shape of one we made (64 lower-case hex digits).
pub fn well_formed(secret: &str) -> bool {
    secret.len() == 64 && secret.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_random_hex_and_stored_only_as_digests() {
        let a = random_secret();
        let b = random_secret();
        assert_ne!(a, b);
        assert!(well_formed(&a));
        assert_eq!(digest(&a).len(), 64);
        assert_ne!(digest(&a), a);
        assert!(!well_formed(&a.to_uppercase()));
        assert!(!well_formed("abc"));
    }
}
