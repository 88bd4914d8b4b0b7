//! Who is calling the REST API. Turns the request's credentials — the admin
//! token as a bearer token, or a session cookie — into an
//! [`Actor`]; what that actor may do is decided in `entities::kernel::access`.
//!
//! Credentials are checked before anything else of the request: [`Gate`]
//! answers 401 to an operation the OpenAPI document marks as needing them
//! when none are presented, before the path, query or body is read.

use super::super::AppState;
use axum::extract::{FromRef, FromRequestParts, MatchedPath, Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use entities::kernel::access::Actor;
use std::collections::HashSet;
use std::convert::Infallible;
use std::sync::Arc;

/// The acting party of an API request.
pub struct Caller(pub Actor);

impl<S> FromRequestParts<S> for Caller
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if let Some(Resolved(actor)) = parts.extensions.get::<Resolved>() {
            return Ok(Caller(*actor));
        }
        Ok(Caller(actor_of(&AppState::from_ref(state), parts).await))
    }
}

/// The bearer token of `headers`' `Authorization`, if any.
pub fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer ")).map(str::trim)
}

/// The caller as the [`Gate`] found it, so it is looked up once.
#[derive(Clone, Copy)]
struct Resolved(Actor);

/// The actor of `parts`' credentials: the admin token, else a session.
async fn actor_of(state: &AppState, parts: &Parts) -> Actor {
    match bearer(&parts.headers) {
        Some(token) if state.admin_token.matches(token) => Actor::API_TOKEN,
        Some(_) => Actor::Anonymous,
        // The same sessions as the pages (an account's, or the admin
        // token's), so their links (the CSV export) work; a cross-site
        // write acts as nobody.
        None => app::session::actor_of(&state.shop, parts).await,
    }
}

/// The operations that need credentials, read from the OpenAPI document
/// (those with a `security` requirement that is not the empty one), as
/// method and path template.
#[derive(Clone, Default)]
pub struct Gate(Arc<HashSet<(Method, String)>>);

impl Gate {
    /// The gate of `doc`'s operations.
    pub fn from_document(doc: &utoipa::openapi::OpenApi) -> Self {
        let mut needs = HashSet::new();
        for (path, item) in &doc.paths.paths {
            let operations = [
                (Method::GET, &item.get),
                (Method::PUT, &item.put),
                (Method::POST, &item.post),
                (Method::DELETE, &item.delete),
                (Method::PATCH, &item.patch),
            ];
            for (method, op) in operations {
                let Some(op) = op else { continue };
                let requirements = serde_json::to_value(&op.security).unwrap_or_default();
                let required = requirements.as_array().is_some_and(|all| {
                    !all.is_empty() && all.iter().all(|r| r.as_object().is_some_and(|r| !r.is_empty()))
                });
                if required {
                    needs.insert((method, path.clone()));
                }
            }
        }
        Self(Arc::new(needs))
    }

    /// Whether `method` on the route `path` needs credentials.
    pub fn needs_credentials(&self, method: &Method, path: &str) -> bool {
        let method = if method == Method::HEAD { &Method::GET } else { method };
        self.0.contains(&(method.clone(), path.to_owned()))
    }
}

/// Route middleware: a request to an operation that needs credentials and
/// presents none that work answers 401 at once, before its path, query or
/// body is read; otherwise the caller found is handed on to [`Caller`].
pub async fn authenticate_first(
    State((gate, state)): State<(Gate, AppState)>,
    request: Request,
    next: Next,
) -> Response {
    let Some(path) = request.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned()) else {
        return next.run(request).await;
    };
    if !gate.needs_credentials(request.method(), &path) {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    let actor = actor_of(&state, &parts).await;
    if actor == Actor::Anonymous {
        return super::problem::Problem::from(entities::ServiceError::Unauthenticated).into_response();
    }
    parts.extensions.insert(Resolved(actor));
    next.run(Request::from_parts(parts, body)).await
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
