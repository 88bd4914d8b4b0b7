//! The one error type of server functions. A service error becomes one
//! through the table in `entities::kernel` (`ServiceError::public`), which
//! the REST API answers from too; the HTTP status follows from the variant
//! ([`AppError::status`]), set on every server function's error response by
//! the server in one place. Internal causes are logged, never shown.

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
    /// A service the shop relies on (a payment provider, say) did not
    /// answer; nothing was lost.
    #[error("A service the shop relies on did not answer. Please try again in a moment.")]
    Unavailable,
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
    /// By the status of the one table; its message where it is safe to show.
    fn from(e: entities::ServiceError) -> Self {
        let public = e.public();
        match public.status {
            404 => Self::NotFound,
            400 if !public.fields.is_empty() => Self::Fields(public.fields),
            400 => Self::Invalid(public.detail),
            401 => Self::SignIn,
            403 => Self::Forbidden,
            409 => Self::Conflict(public.detail),
            429 => Self::TooMany(public.detail),
            502 => Self::Unavailable,
            _ => Self::Internal,
        }
    }
}

impl AppError {
    /// The HTTP status of this error: a server function's error response
    /// gets it from the server (`server::http`), a page that shows the
    /// error from [`AppError::set_page_status`].
    pub fn status(&self) -> u16 {
        match self {
            Self::NotFound => 404,
            Self::Invalid(_) | Self::Fields(_) => 400,
            Self::SignIn => 401,
            Self::Forbidden => 403,
            Self::Conflict(_) => 409,
            Self::TooMany(_) => 429,
            Self::Unavailable => 502,
            Self::Internal | Self::Transport(_) => 500,
        }
    }

    /// Sets the HTTP status of the page being rendered to match this error
    /// (pages showing an error; server functions need not).
    pub fn set_page_status(&self) {
        #[cfg(feature = "ssr")]
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            if let Ok(status) = http::StatusCode::from_u16(self.status()) {
                response.set_status(status);
            }
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

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use entities::ports::PortError;
    use entities::ServiceError;

    #[test]
    fn server_functions_answer_the_status_the_rest_api_does() {
        let errors = || {
            vec![
                ServiceError::NotFound("order"),
                ServiceError::Invalid("no".into()),
                ServiceError::InvalidField { field: "email", message: "is not an email".into() },
                ServiceError::InvalidFields(vec![("a".into(), "b".into())]),
                ServiceError::Forbidden,
                ServiceError::Unauthenticated,
                ServiceError::Conflict("sold out".into()),
                ServiceError::RateLimited("wait".into()),
                ServiceError::Port(PortError::unavailable("stripe", "down")),
                ServiceError::Corrupt("x".into()),
            ]
        };
        for (e, same) in errors().into_iter().zip(errors()) {
            let table = same.public().status;
            assert_eq!(AppError::from(e).status(), table);
        }
    }
}
