//! Who is calling the REST API. Turns the request's credentials into an
//! [`Actor`]; what that actor may do is decided in `entities::services::access`.

use super::super::AppState;
use axum::extract::{FromRef, FromRequestParts};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use entities::services::access::Actor;
use secrecy::{ExposeSecret, SecretString};
use std::convert::Infallible;
use std::sync::Arc;

/// The configured admin token (or none).
#[derive(Clone, Default)]
pub struct AdminToken(Option<Arc<SecretString>>);

impl AdminToken {
    /// Wraps the configured token.
    pub fn new(token: Option<SecretString>) -> Self {
        Self(token.map(Arc::new))
    }

    fn matches(&self, presented: &str) -> bool {
        match &self.0 {
            Some(token) => constant_time_eq(token.expose_secret().as_bytes(), presented.as_bytes()),
            None => false,
        }
    }
}

/// Compares without stopping at the first difference, so response times do
/// not reveal how much of a guess was right.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0_u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The acting party of an API request.
pub struct Caller(pub Actor);

impl<S> FromRequestParts<S> for Caller
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let bearer = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        Ok(Caller(match bearer {
            Some(token) if state.admin_token.matches(token) => Actor::Admin,
            _ => Actor::Anonymous,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_match_only_exactly() {
        let token = AdminToken::new(Some(SecretString::from("s3cret-s3cret-s3cret-s3cret-s3cret")));
        assert!(token.matches("s3cret-s3cret-s3cret-s3cret-s3cret"));
        assert!(!token.matches("s3cret-s3cret-s3cret-s3cret-s3creT"));
        assert!(!token.matches("s3cret"));
        assert!(!AdminToken::default().matches(""));
    }
}
