//! The one error type of server functions, and its mapping from service
//! errors. Internal causes are logged, never shown.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// What a server function tells the browser when it fails.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The page or record does not exist.
    #[error("We could not find that.")]
    NotFound,
    /// The input was not acceptable; the text says why.
    #[error("{0}")]
    Invalid(String),
    /// Some fields were not acceptable: each field's name (`title`,
    /// `variants[2].sku`) with what is wrong with it.
    #[error("{}", describe_fields(.0))]
    Fields(Vec<(String, String)>),
    /// Nobody is signed in, or the session has ended.
    #[error("Please sign in first.")]
    SignIn,
    /// Signed in, but this is not allowed.
    #[error("You may not do that.")]
    Forbidden,
    /// The request conflicts with the shop's state (e.g. sold out).
    #[error("{0}")]
    Conflict(String),
    /// Too many attempts; the text says when to try again.
    #[error("{0}")]
    TooMany(String),
    /// Something failed on our side; details are in the server log.
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    /// The request did not reach the function (network, encoding).
    #[error("The request failed: {0}")]
    Transport(String),
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        Self::Transport(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<entities::ServiceError> for AppError {
    fn from(e: entities::ServiceError) -> Self {
        use entities::ServiceError as E;
        match e {
            E::NotFound(_) => Self::NotFound,
            E::Invalid(message) => Self::Invalid(message),
            E::InvalidField { field, message } => Self::Fields(vec![(field.to_owned(), message)]),
            E::Conflict(message) => Self::Conflict(message),
            E::RateLimited(message) => Self::TooMany(message),
            E::InvalidFields(fields) => Self::Fields(fields),
            E::Unauthenticated => Self::SignIn,
            E::Forbidden => Self::Forbidden,
            internal => {
                tracing::error!(error = %internal, "service failed");
                Self::Internal
            }
        }
    }
}

impl AppError {
    /// Sets the HTTP status of the page being rendered to match this error.
    pub fn set_page_status(&self) {
        #[cfg(feature = "ssr")]
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(match self {
                Self::NotFound => http::StatusCode::NOT_FOUND,
                Self::Invalid(_) | Self::Fields(_) => http::StatusCode::BAD_REQUEST,
                Self::SignIn => http::StatusCode::UNAUTHORIZED,
                Self::Forbidden => http::StatusCode::FORBIDDEN,
                Self::Conflict(_) => http::StatusCode::CONFLICT,
                Self::TooMany(_) => http::StatusCode::TOO_MANY_REQUESTS,
                Self::Internal | Self::Transport(_) => http::StatusCode::INTERNAL_SERVER_ERROR,
            });
        }
    }
}

impl AppError {
    /// The message for one field (`title`, `variants[0].sku`), if it failed.
    pub fn field(&self, name: &str) -> Option<String> {
        match self {
            Self::Fields(fields) => fields.iter().find(|(f, _)| f == name).map(|(_, m)| m.clone()),
            _ => None,
        }
    }
}

fn describe_fields(fields: &[(String, String)]) -> String {
    fields.iter().map(|(field, message)| format!("{field} {message}")).collect::<Vec<_>>().join("; ")
}
