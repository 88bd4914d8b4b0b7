//! Why a use case did not succeed: the one error type of the services.

use crate::ports::PortError;
use sea_orm::DbErr;

/// Why a use case did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The thing asked for does not exist (or the caller may not see it).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The request is not acceptable; the message is safe to show.
    #[error("{0}")]
    Invalid(String),
    /// One input field is not acceptable; both parts are safe to show.
    #[error("{field} {message}")]
    InvalidField {
        /// The field's name as the client sent it.
        field: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// Several input fields are not acceptable: `(field, message)` pairs,
    /// both safe to show. Fields of list items are named like `variants[2].sku`.
    #[error("{}", describe_fields(.0))]
    InvalidFields(Vec<(String, String)>),
    /// The caller is known but may not do this.
    #[error("not allowed")]
    Forbidden,
    /// The caller must identify itself first.
    #[error("authentication required")]
    Unauthenticated,
    /// The request conflicts with the current state; the message is safe to show.
    #[error("{0}")]
    Conflict(String),
    /// Too many attempts in a short time; the message says when to retry.
    #[error("{0}")]
    RateLimited(String),
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[from] DbErr),
    /// A port's adapter failed (a refusal to show becomes `Conflict`).
    #[error(transparent)]
    Port(PortError),
    /// A genuine provider event of a kind the shop does not use: answered
    /// as received, nothing stored.
    #[error("ignored event kind {0}")]
    Ignored(String),
    /// Stored data could not be read back.
    #[error("corrupt data: {0}")]
    Corrupt(String),
}

impl From<PortError> for ServiceError {
    fn from(e: PortError) -> Self {
        match e {
            PortError::Declined { message, .. } => Self::Conflict(message),
            other => Self::Port(other),
        }
    }
}

fn describe_fields(errors: &[(String, String)]) -> String {
    errors.iter().map(|(field, message)| format!("{field} {message}")).collect::<Vec<_>>().join("; ")
}

/// Result of a use case.
pub type ServiceResult<T> = Result<T, ServiceError>;
