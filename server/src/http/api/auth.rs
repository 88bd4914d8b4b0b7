//! Who is calling the REST API. Turns the request's credentials — the admin
//! token as a bearer token, or a session cookie — into an
//! [`Actor`]; what that actor may do is decided in `entities::kernel::access`.

use super::super::AppState;
use axum::extract::{FromRef, FromRequestParts};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use entities::kernel::access::Actor;
use std::convert::Infallible;

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
            Some(token) if state.admin_token.matches(token) => Actor::API_TOKEN,
            Some(_) => Actor::Anonymous,
            // The same sessions as the pages (an account's, or the admin
            // token's), so their links (the CSV export) work; a cross-site
            // write acts as nobody.
            None => app::session::actor_of(&state.shop, parts).await,
        }))
    }
}

/// The signed-in account of an API request (the session cookie); without
/// one the request answers 401.
pub struct SignedIn(pub entities::accounts::sign_in::SessionUser);

impl<S> FromRequestParts<S> for SignedIn
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = super::problem::Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        app::session::user(&state.shop, parts)
            .await
            .map(SignedIn)
            .ok_or_else(|| entities::ServiceError::Unauthenticated.into())
    }
}
