//! Signatures of webhook bodies, as payment providers make them and as we
//! make them for merchants: HMAC-SHA256 over `"<timestamp>.<body>"`, sent as
//! `t=<unix seconds>,v1=<hex>`.

use hmac::{Hmac, Mac};
use sha2::Sha256;

fn mac(secret: &[u8], timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The signature header value for `body` signed with `secret` at `timestamp`.
pub fn sign(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    let digest = mac(secret, timestamp, body).finalize().into_bytes();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("t={timestamp},v1={hex}")
}

/// Whether `header` signs `body` with `secret` within `tolerance_secs` of
/// `now`. Compares in constant time.
pub fn verify(secret: &[u8], header: &str, body: &[u8], now: i64, tolerance_secs: i64) -> bool {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", v)) => signatures.extend(unhex(v)),
            _ => {}
        }
    }
    let Some(timestamp) = timestamp else { return false };
    (now - timestamp).abs() <= tolerance_secs
        && signatures.iter().any(|s| mac(secret, timestamp, body).verify_slice(s).is_ok())
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_only_with_its_secret_body_and_time() {
        let header = sign(b"s3cret", 1_000, b"{\"a\":1}");
        assert!(verify(b"s3cret", &header, b"{\"a\":1}", 1_010, 300));
        assert!(!verify(b"other", &header, b"{\"a\":1}", 1_010, 300));
        assert!(!verify(b"s3cret", &header, b"{\"a\":2}", 1_010, 300));
        assert!(!verify(b"s3cret", &header, b"{\"a\":1}", 2_000, 300), "too old");
        assert!(!verify(b"s3cret", "v1=00", b"{\"a\":1}", 1_010, 300), "no timestamp");
    }
}
