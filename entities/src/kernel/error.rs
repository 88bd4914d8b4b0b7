//! Why a use case did not succeed — the one error type of the services —
//! and the one table that says how each kind is told to the outside world
//! ([`ServiceError::public`]): the HTTP status, the problem type, the title
//! and the message. The REST API (problem details) and the server functions
//! both answer from it; internal causes are logged here, never shown.

use crate::ports::PortError;
use sea_orm::DbErr;
use std::panic::Location;

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
    /// The database failed, in the operation at `at` (the `?` that
    /// returned it, so the log says which query of which use case).
    #[error("database error at {at}: {source}")]
    Database {
        /// What the database said.
        source: DbErr,
        /// Where in our code it happened.
        at: &'static Location<'static>,
    },
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

impl From<DbErr> for ServiceError {
    #[track_caller]
    fn from(source: DbErr) -> Self {
        Self::Database { source, at: Location::caller() }
    }
}

impl From<PortError> for ServiceError {
    fn from(e: PortError) -> Self {
        match e {
            PortError::Declined { message, .. } => Self::Conflict(message),
            other => Self::Port(other),
        }
    }
}

impl From<crate::kernel::MoneyError> for ServiceError {
    /// Amounts too large to add up are the request's fault (huge
    /// quantities); a currency that does not parse, or two currencies in one
    /// sum, are stored data that should never be (currencies are checked
    /// when written).
    fn from(e: crate::kernel::MoneyError) -> Self {
        match e {
            crate::kernel::MoneyError::Overflow => Self::Invalid("The amount is too large.".into()),
            other => Self::Corrupt(other.to_string()),
        }
    }
}

fn describe_fields(errors: &[(String, String)]) -> String {
    errors.iter().map(|(field, message)| format!("{field} {message}")).collect::<Vec<_>>().join("; ")
}

/// Result of a use case.
pub type ServiceResult<T> = Result<T, ServiceError>;

/// How a failure is told to the caller: the same for the REST API and the
/// server functions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Public {
    /// The HTTP status.
    pub status: u16,
    /// The problem type, a slug (`/problems/<kind>` in the REST API).
    pub kind: &'static str,
    /// A short, stable summary of the kind.
    pub title: &'static str,
    /// What went wrong with this request, safe to show.
    pub detail: String,
    /// Per-field messages: `(field, message)`.
    pub fields: Vec<(String, String)>,
}

impl Public {
    fn new(status: u16, kind: &'static str, title: &'static str, detail: impl Into<String>) -> Self {
        Self { status, kind, title, detail: detail.into(), fields: Vec::new() }
    }
}

/// The detail of a failure of ours: nothing of the cause is shown.
pub const INTERNAL_DETAIL: &str = "Something went wrong on our side; it has been logged.";
/// The detail of a service the shop relies on failing.
pub const UPSTREAM_DETAIL: &str = "A service the shop relies on (the payment provider, say) did not answer or \
     answered badly; nothing was lost: try again in a moment.";

impl ServiceError {
    /// The table: how this error is told to the caller. Internal causes
    /// (database, corrupt data, a service that failed) are logged here with
    /// their cause and where it happened, and never shown.
    pub fn public(self) -> Public {
        match self {
            Self::NotFound(what) => Public::new(404, "not-found", "Not found", format!("No {what} with that id.")),
            Self::InvalidField { field, message } => {
                let mut public = Public::new(400, "validation", "Invalid request", format!("{field} {message}"));
                public.fields.push((field.to_owned(), message));
                public
            }
            Self::InvalidFields(fields) => {
                let mut public = Public::new(
                    400,
                    "validation",
                    "Invalid request",
                    format!("{} field(s) are not acceptable.", fields.len()),
                );
                public.fields = fields;
                public
            }
            Self::Invalid(message) => Public::new(400, "invalid", "Invalid request", message),
            Self::Forbidden => Public::new(403, "forbidden", "Forbidden", "You may not do this."),
            Self::Unauthenticated => Public::new(
                401,
                "unauthenticated",
                "Authentication required",
                "Sign in (the session cookie), or send an admin token as `Authorization: Bearer <token>`.",
            ),
            Self::Conflict(message) => Public::new(409, "conflict", "Conflict", message),
            Self::RateLimited(message) => Public::new(429, "rate-limited", "Too many requests", message),
            Self::Port(port) => {
                tracing::warn!(error = %port, "a service the shop relies on failed");
                Public::new(502, "upstream", "A service did not answer", UPSTREAM_DETAIL)
            }
            internal => {
                tracing::error!(error = %internal, "a request failed");
                Public::new(500, "internal", "Internal error", INTERNAL_DETAIL)
            }
        }
    }

    /// Whether the error is ours (database, corrupt data, a provider event
    /// we ignore) rather than the caller's or a service's.
    pub fn is_internal(&self) -> bool {
        matches!(self, Self::Database { .. } | Self::Corrupt(_) | Self::Ignored(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(e: ServiceError) -> u16 {
        e.public().status
    }

    #[test]
    fn each_kind_has_one_status() {
        assert_eq!(status(ServiceError::NotFound("order")), 404);
        assert_eq!(status(ServiceError::Invalid("no".into())), 400);
        assert_eq!(status(ServiceError::InvalidField { field: "email", message: "bad".into() }), 400);
        assert_eq!(status(ServiceError::InvalidFields(vec![])), 400);
        assert_eq!(status(ServiceError::Forbidden), 403);
        assert_eq!(status(ServiceError::Unauthenticated), 401);
        assert_eq!(status(ServiceError::Conflict("sold out".into())), 409);
        assert_eq!(status(ServiceError::RateLimited("wait".into())), 429);
        assert_eq!(status(ServiceError::Port(PortError::unavailable("stripe", "down"))), 502);
        assert_eq!(status(ServiceError::Corrupt("x".into())), 500);
        assert_eq!(status(DbErr::Custom("boom".into()).into()), 500);
    }

    #[test]
    fn internal_causes_are_not_shown_but_say_where_they_happened() {
        let e: ServiceError = DbErr::Custom("password=hunter2".into()).into();
        assert!(e.to_string().contains("kernel/error.rs"), "the log says where: {e}");
        let public = e.public();
        assert!(!public.detail.contains("hunter2"));
        assert_eq!(public.detail, INTERNAL_DETAIL);
    }

    #[test]
    fn field_errors_name_their_fields() {
        let public = ServiceError::InvalidField { field: "email", message: "is not an email".into() }.public();
        assert_eq!(public.fields, [("email".to_owned(), "is not an email".to_owned())]);
        assert_eq!(public.detail, "email is not an email");
    }
}
