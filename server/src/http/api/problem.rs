//! RFC 9457 problem details: the one shape of every API error, and the one
//! place where a service error becomes an HTTP status and a public message.

use axum::extract::{FromRequest, Request};
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
    fn new(status: StatusCode, slug: &str, title: &'static str, detail: impl Into<String>) -> Self {
        Self {
            kind: format!("/problems/{slug}"),
            title,
            status: status.as_u16(),
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    /// 404: the thing does not exist (or the caller may not see it).
    pub fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", "Not found", format!("No {what} with that id."))
    }

    /// 400: one field is not acceptable.
    pub fn invalid_field(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut problem =
            Self::new(StatusCode::BAD_REQUEST, "validation", "Invalid request", format!("{field} {message}"));
        problem.errors.push(FieldError { field: field.to_owned(), message });
        problem
    }
}

impl From<ServiceError> for Problem {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::NotFound(what) => Self::not_found(what),
            ServiceError::InvalidField { field, message } => Self::invalid_field(field, message),
            ServiceError::InvalidFields(fields) => {
                let mut problem = Self::new(
                    StatusCode::BAD_REQUEST,
                    "validation",
                    "Invalid request",
                    format!("{} field(s) are not acceptable.", fields.len()),
                );
                problem.errors = fields.into_iter().map(|(field, message)| FieldError { field, message }).collect();
                problem
            }
            ServiceError::Forbidden => {
                Self::new(StatusCode::FORBIDDEN, "forbidden", "Forbidden", "You may not do this.")
            }
            ServiceError::Invalid(message) => Self::new(StatusCode::BAD_REQUEST, "invalid", "Invalid request", message),
            ServiceError::Conflict(message) => Self::new(StatusCode::CONFLICT, "conflict", "Conflict", message),
            ServiceError::RateLimited(message) => {
                Self::new(StatusCode::TOO_MANY_REQUESTS, "rate-limited", "Too many requests", message)
            }
            ServiceError::Unauthenticated => Self::new(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "Authentication required",
                "Sign in (the session cookie), or send an admin token as `Authorization: Bearer <token>`.",
            ),
            ServiceError::Port(port) => {
                tracing::warn!(error = %port, "a service the shop relies on failed");
                Self::new(
                    StatusCode::BAD_GATEWAY,
                    "upstream",
                    "A service did not answer",
                    "A service the shop relies on (the payment provider, say) did not answer or answered badly; \
                     nothing was lost: try again in a moment.",
                )
            }
            internal => {
                tracing::error!(error = %internal, "API request failed");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "Internal error",
                    "Something went wrong on our side; it has been logged.",
                )
            }
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
    Problem::new(StatusCode::NOT_FOUND, "not-found", "Not found", "No such API route.")
}

/// A JSON request body whose rejection (not JSON, wrong shape, unknown
/// field) is a problem naming the `body` field, like every other API error.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(Self(value)),
            Err(e) => Err(Problem::invalid_field("body", e.body_text())),
        }
    }
}

/// `201 Created` with the new record and its address.
pub fn created<T: Serialize>(location: String, value: T) -> Response {
    (StatusCode::CREATED, [(header::LOCATION, location)], Json(value)).into_response()
}
