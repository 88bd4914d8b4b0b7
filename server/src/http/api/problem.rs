//! RFC 9457 problem details: the one shape of every API error. A service
//! error's status and public message come from the one table in
//! `entities::kernel` ([`ServiceError::public`]), shared with the server
//! functions.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use entities::ServiceError;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// A field that failed validation.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct FieldError {
    /// The field as the client named it.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

/// An API error as sent to the client (RFC 9457).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short, stable summary of the kind.
    pub title: &'static str,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong with this request.
    pub detail: String,
    /// Per-field messages for validation errors.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

impl Problem {
    /// 404: the thing does not exist (or the caller may not see it).
    pub fn not_found(what: &'static str) -> Self {
        ServiceError::NotFound(what).into()
    }

    /// 413: the body is larger than the route takes.
    pub fn too_large(detail: impl Into<String>) -> Self {
        Self::plain(413, "/problems/too-large", "Payload too large", detail)
    }

    /// 503: the server is too busy for this request now.
    pub fn busy(detail: impl Into<String>) -> Self {
        Self::plain(503, "/problems/busy", "Busy", detail)
    }

    /// 408: the request was not answered within the server's time limit.
    pub fn timeout(detail: impl Into<String>) -> Self {
        Self::plain(408, "/problems/timeout", "Request timeout", detail)
    }

    fn plain(status: u16, kind: &str, title: &'static str, detail: impl Into<String>) -> Self {
        Self { kind: kind.to_owned(), title, status, detail: detail.into(), errors: Vec::new() }
    }

    /// `self` with `detail` in place of the table's words.
    pub fn saying(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }

    /// The answer, with `Retry-After` telling when to try again (at least
    /// one second).
    pub fn retry_after(self, wait: std::time::Duration) -> Response {
        let mut response = self.into_response();
        response.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from(wait.as_secs().max(1)));
        response
    }

    /// 400: one field is not acceptable.
    pub fn invalid_field(field: &'static str, message: impl Into<String>) -> Self {
        ServiceError::InvalidField { field, message: message.into() }.into()
    }
}

impl From<ServiceError> for Problem {
    /// The status, type and message come from the one table
    /// ([`ServiceError::public`]), which server functions answer from too.
    fn from(e: ServiceError) -> Self {
        let public = e.public();
        Self {
            kind: format!("/problems/{}", public.kind),
            title: public.title,
            status: public.status,
            detail: public.detail,
            errors: public.fields.into_iter().map(|(field, message)| FieldError { field, message }).collect(),
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, [(header::CONTENT_TYPE, "application/problem+json")], Json(self)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// Any `/api/v1` path that is not a route.
pub async fn no_such_route() -> Problem {
    let mut problem = Problem::not_found("route");
    problem.detail = "No such API route.".to_owned();
    problem
}

/// A JSON request body whose rejection (not JSON, wrong shape, unknown
/// field) is a problem naming the `body` field, like every other API error.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(Self(value)),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(Problem::too_large(e.body_text())),
            Err(e) => Err(Problem::invalid_field("body", e.body_text())),
        }
    }
}

/// `201 Created` with the new record and its address.
pub fn created<T: Serialize>(location: String, value: T) -> Response {
    (StatusCode::CREATED, [(header::LOCATION, location)], Json(value)).into_response()
}

/// A path parameter whose rejection (`/products/abc`, an id out of range) is
/// a problem naming the parameter, like every other API error; used in place
/// of axum's `Path`.
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Self(value)),
            // A route whose parameters do not fit its handler is our bug.
            Err(e) if e.status().is_server_error() => {
                tracing::error!(error = %e.body_text(), "a route's path parameters do not fit its handler");
                Err(ServiceError::Corrupt("path parameters".into()).into())
            }
            Err(e) => Err(Problem::invalid_field("path", e.body_text())),
        }
    }
}

/// A `multipart/form-data` body whose rejection (another content type, no
/// boundary) is a problem naming the `body`; used in place of axum's.
pub struct Multipart(pub axum::extract::Multipart);

impl<S: Send + Sync> FromRequest<S> for Multipart {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Multipart::from_request(req, state)
            .await
            .map(Self)
            .map_err(|e| Problem::invalid_field("body", e.body_text()))
    }
}

/// A raw request body (a CSV file, a provider's signed event) whose
/// rejection is a problem: 413 past the route's limit, else 400 naming the
/// `body`; used in place of axum's `Bytes`.
pub struct RawBody(pub axum::body::Bytes);

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::body::Bytes::from_request(req, state).await {
            Ok(bytes) => Ok(Self(bytes)),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(Problem::too_large(e.body_text())),
            Err(e) => Err(Problem::invalid_field("body", e.body_text())),
        }
    }
}

/// A query string whose rejection (a number that is not one, an unknown
/// value) is a problem naming the parameter; used in place of axum's `Query`.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Self(value)),
            Err(e) => Err(Problem::invalid_field("query", e.body_text())),
        }
    }
}

/// A record's key in a path: a whole number from 1. Anything else is
/// refused with 400 naming the path, as the document's `minimum` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key(pub i64);

impl<'de> serde::Deserialize<'de> for Key {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match i64::deserialize(deserializer)? {
            key if key >= 1 => Ok(Self(key)),
            key => Err(serde::de::Error::custom(format!("{key} is not a key: keys are whole numbers from 1"))),
        }
    }
}
