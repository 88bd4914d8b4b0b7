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

/// The longest signature header looked at: a timestamp and a handful of
/// signatures fit in far less (one `v1=` entry is 68 bytes).
pub const MAX_HEADER_LEN: usize = 1024;

/// The most `v1=` signatures compared: providers send one, or two while a
/// secret is being rolled.
pub const MAX_SIGNATURES: usize = 4;

/// Whether `header` signs `body` with `secret` within `tolerance_secs` of
/// `now`. The HMAC is computed once, and only when the header is short and
/// carries at most [`MAX_SIGNATURES`] signatures (a header of thousands
/// would otherwise cost a core for seconds); each comparison is in constant
/// time.
pub fn verify(secret: &[u8], header: &str, body: &[u8], now: i64, tolerance_secs: i64) -> bool {
    if header.len() > MAX_HEADER_LEN {
        return false;
    }
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
    if signatures.is_empty() || signatures.len() > MAX_SIGNATURES || (now - timestamp).abs() > tolerance_secs {
        return false;
    }
    let expected = mac(secret, timestamp, body);
    signatures.iter().any(|s| expected.clone().verify_slice(s).is_ok())
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

    #[test]
    fn a_second_signature_is_accepted_while_a_secret_rolls() {
        let new = sign(b"new", 1_000, b"{}");
        let old = sign(b"old", 1_000, b"{}");
        let both = format!("{new},{}", old.split_once(',').unwrap().1);
        assert!(verify(b"old", &both, b"{}", 1_000, 300));
        assert!(verify(b"new", &both, b"{}", 1_000, 300));
    }

    #[test]
    fn a_header_of_many_signatures_is_refused_before_any_hmac() {
        // Thousands of `v1=` entries each used to cost an HMAC over the whole
        // body: 20,000 and a 1 MB body pinned a core for 9 s.
        let body = vec![b'x'; 4096];
        let good = sign(b"s3cret", 1_000, &body);
        let junk = ",v1=".to_owned() + &"00".repeat(32);
        let padded = format!("{good}{}", junk.repeat(MAX_SIGNATURES));
        assert!(padded.len() <= MAX_HEADER_LEN, "short enough to be read");
        assert!(!verify(b"s3cret", &padded, &body, 1_000, 300), "too many signatures, even with the right one");
        let long = format!("{good}{}", junk.repeat(20_000));
        assert!(!verify(b"s3cret", &long, &body, 1_000, 300), "too long a header");
        let few = format!("{good}{}", junk.repeat(MAX_SIGNATURES - 1));
        assert!(verify(b"s3cret", &few, &body, 1_000, 300), "a few are fine");
    }
}
