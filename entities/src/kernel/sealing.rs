//! Secrets kept in the database (TOTP seeds) are sealed with the shop's
//! secret key: AES-256-GCM with a fresh random nonce per value, stored as
//! `v1:<hex nonce><hex ciphertext>`. A database dump alone does not give
//! them away; the key lives in configuration (`BAZAAR_SECRET_KEY`) or,
//! on a single machine, in `<data_dir>/secret.key`.

use crate::kernel::secrets::hex;
use crate::ServiceError;
use crate::ServiceResult;
use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use std::fmt;
use std::sync::Arc;

/// The shop's secret key (32 bytes). Cheap to clone; never printed.
#[derive(Clone)]
pub struct SecretKey(Arc<[u8; 32]>);

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(…)")
    }
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| text.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok())).collect()
}

impl SecretKey {
    /// A new random key.
    pub fn generate() -> Self {
        let mut bytes = [0_u8; 32];
        OsRng.fill_bytes(&mut bytes);
        Self(Arc::new(bytes))
    }

    /// A key written as 64 hexadecimal digits.
    ///
    /// # Errors
    /// A message when it is not 64 hex digits.
    pub fn parse(text: &str) -> Result<Self, String> {
        let bytes = unhex(text.trim()).ok_or("must be 64 hexadecimal digits (32 bytes)")?;
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| "must be 64 hexadecimal digits (32 bytes)")?;
        Ok(Self(Arc::new(bytes)))
    }

    /// The key as 64 hex digits (to write it to its file).
    pub fn to_hex(&self) -> String {
        hex(self.0.as_ref())
    }

    fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(self.0.as_ref()))
    }

    /// Seals `plain`.
    ///
    /// # Errors
    /// `Corrupt` if encryption fails (it does not for these sizes).
    pub fn seal(&self, plain: &[u8]) -> ServiceResult<String> {
        let mut nonce = [0_u8; 12];
        OsRng.fill_bytes(&mut nonce);
        let sealed = self
            .cipher()
            .encrypt(Nonce::from_slice(&nonce), plain)
            .map_err(|_| ServiceError::Corrupt("sealing failed".into()))?;
        Ok(format!("v1:{}{}", hex(&nonce), hex(&sealed)))
    }

    /// Opens a value sealed with this key.
    ///
    /// # Errors
    /// `Corrupt` when it was sealed with another key, or changed.
    pub fn open(&self, sealed: &str) -> ServiceResult<Vec<u8>> {
        let bytes = sealed
            .strip_prefix("v1:")
            .and_then(unhex)
            .filter(|b| b.len() > 12)
            .ok_or_else(|| ServiceError::Corrupt("not a sealed value".into()))?;
        let (nonce, body) = bytes.split_at(12);
        self.cipher()
            .decrypt(Nonce::from_slice(nonce), body)
            .map_err(|_| ServiceError::Corrupt("sealed with another key, or altered".into()))
    }
}

impl SecretKey {
    /// Seals a text secret.
    ///
    /// # Errors
    /// As [`SecretKey::seal`].
    pub fn seal_text(&self, plain: &str) -> ServiceResult<String> {
        self.seal(plain.as_bytes())
    }

    /// Opens a text secret; a value stored before sealing began (no `v1:`
    /// prefix) is returned as it is.
    ///
    /// # Errors
    /// `Corrupt` when a sealed value does not open or is not UTF-8.
    pub fn open_text(&self, stored: &str) -> ServiceResult<String> {
        if !stored.starts_with("v1:") {
            return Ok(stored.to_owned());
        }
        String::from_utf8(self.open(stored)?).map_err(|_| ServiceError::Corrupt("sealed text is not UTF-8".into()))
    }
}

impl Default for SecretKey {
    fn default() -> Self {
        Self::generate()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_with_their_key_only() {
        let key = SecretKey::generate();
        let sealed = key.seal(b"totp seed").unwrap();
        assert!(sealed.starts_with("v1:") && !sealed.contains("totp"));
        assert_ne!(sealed, key.seal(b"totp seed").unwrap(), "a fresh nonce each time");
        assert_eq!(key.open(&sealed).unwrap(), b"totp seed");
        assert!(SecretKey::generate().open(&sealed).is_err(), "another key");
        let mut altered = sealed.clone();
        altered.replace_range(sealed.len() - 2.., if sealed.ends_with("00") { "01" } else { "00" });
        assert!(key.open(&altered).is_err(), "a changed byte");
        assert!(key.open("plain").is_err());
        let again = SecretKey::parse(&key.to_hex()).unwrap();
        assert_eq!(again.open(&sealed).unwrap(), b"totp seed");
        assert!(SecretKey::parse("abc").is_err());
        let text = key.seal_text("whsec_123").unwrap();
        assert_eq!(key.open_text(&text).unwrap(), "whsec_123");
        assert_eq!(key.open_text("whsec_legacy").unwrap(), "whsec_legacy", "stored before sealing");
        assert_eq!(format!("{key:?}"), "SecretKey(…)");
    }
}
