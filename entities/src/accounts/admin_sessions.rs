//! The way into the admin area until accounts land (issue 4): whoever
//! presents the configured admin token gets a session, kept in the cache
//! (in-process, or Redis across nodes) for a limited time. The session's
//! random id travels in a cookie; the token itself never does.

use crate::kernel::access::Actor;
use crate::ServiceError;
use crate::ServiceResult;
use crate::Shop;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// How long an admin session lasts after sign-in.
pub const SESSION_TTL: Duration = Duration::from_secs(12 * 60 * 60);

/// The configured admin token (or none: then nobody can sign in).
#[derive(Clone, Default)]
pub struct AdminToken(Option<Arc<str>>);

impl fmt::Debug for AdminToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() { "AdminToken(configured)" } else { "AdminToken(none)" })
    }
}

impl AdminToken {
    /// Wraps the configured token.
    pub fn new(token: Option<&str>) -> Self {
        Self(token.map(Arc::from))
    }

    /// Whether a token is configured.
    pub fn is_set(&self) -> bool {
        self.0.is_some()
    }

    /// Whether `presented` is the token. Compares every byte, so response
    /// times do not reveal how much of a guess was right.
    pub fn matches(&self, presented: &str) -> bool {
        match &self.0 {
            Some(token) => {
                let (a, b) = (token.as_bytes(), presented.as_bytes());
                a.len() == b.len() && a.iter().zip(b).fold(0_u8, |acc, (x, y)| acc | (x ^ y)) == 0
            }
            None => false,
        }
    }
}

fn key(session: &str) -> String {
    format!("admin-session:{session}")
}

/// A session id is 32 lowercase hex digits; anything else is not looked up.
fn well_formed(session: &str) -> bool {
    session.len() == 32 && session.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// Opens an admin session for whoever presents the token, and returns its id.
///
/// # Errors
/// `Unauthenticated` for a wrong token (or none configured); `Port` when the
/// cache fails.
pub async fn open(shop: &Shop, token: &AdminToken, presented: &str) -> ServiceResult<String> {
    if !token.matches(presented.trim()) {
        // Slows guessing down; the token is long and random besides.
        tokio::time::sleep(Duration::from_millis(250)).await;
        return Err(ServiceError::Unauthenticated);
    }
    let id = uuid::Uuid::new_v4().simple().to_string();
    shop.cache.set(&key(&id), "admin", SESSION_TTL).await?;
    tracing::info!("admin session opened");
    Ok(id)
}

/// Who holds session `id`: an admin while it is open, else nobody.
///
/// # Errors
/// `Port` when the cache fails.
pub async fn actor(shop: &Shop, id: &str) -> ServiceResult<Actor> {
    if !well_formed(id) {
        return Ok(Actor::Anonymous);
    }
    Ok(match shop.cache.get(&key(id)).await?.as_deref() {
        Some("admin") => Actor::API_TOKEN,
        _ => Actor::Anonymous,
    })
}

/// Ends session `id`.
///
/// # Errors
/// `Port` when the cache fails.
pub async fn close(shop: &Shop, id: &str) -> ServiceResult<()> {
    if well_formed(id) {
        shop.cache.delete(&key(id)).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_match_only_exactly() {
        let token = AdminToken::new(Some("s3cret-s3cret-s3cret-s3cret-s3cret"));
        assert!(token.matches("s3cret-s3cret-s3cret-s3cret-s3cret"));
        assert!(!token.matches("s3cret-s3cret-s3cret-s3cret-s3creT"));
        assert!(!token.matches("s3cret"));
        assert!(!AdminToken::default().matches(""));
        assert_eq!(format!("{token:?}"), "AdminToken(configured)", "the token is never printed");
    }

    #[test]
    fn only_well_formed_ids_are_looked_up() {
        assert!(well_formed(&uuid::Uuid::new_v4().simple().to_string()));
        assert!(!well_formed("admin"));
        assert!(!well_formed(&"A".repeat(32)));
        assert!(!well_formed(&"g".repeat(32)));
    }
}
