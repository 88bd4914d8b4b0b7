//! Ports: what the domain needs from the outside world. Each has an embedded
//! adapter (no set-up) and a scaled one, both in the `server` crate, and one
//! contract test suite that every adapter passes.

mod cache;
mod counters;
mod event_bus;
mod mail;
mod payments;
mod search;
mod sessions;

pub use cache::Cache;
pub use counters::{Counters, Hit};
pub use event_bus::{EventBus, EventStream};
pub use mail::{MailMessage, Mailer};
pub use payments::{
    BrowserSetup, CardSignals, CreatedPayment, EventHeaders, PaymentEventKind, PaymentProvider, PaymentProviders,
    PaymentState, ProviderEvent, ProviderStatus, WebhookRejection,
};
pub use search::{
    rating_floors, FacetGroup, SearchDocument, SearchIndex, SearchPage, SearchQuery, SearchSort, OPTION_SEPARATOR,
};
pub use sessions::{SessionStore, StoredSession};

/// A port's adapter failed.
#[derive(Debug, thiserror::Error)]
pub enum PortError {
    /// The backing service could not be reached or refused the request.
    #[error("{service} is unavailable: {message}")]
    Unavailable {
        /// The adapter, e.g. "redis".
        service: &'static str,
        /// What went wrong, for the log.
        message: String,
    },
    /// The service refused for a reason the user should see (a card
    /// declined, an action the provider does not support).
    #[error("{service} declined: {message}")]
    Declined {
        /// The adapter.
        service: &'static str,
        /// The reason, fit to show.
        message: String,
    },
    /// The adapter answered with something we could not use.
    #[error("{service} returned bad data: {message}")]
    BadData {
        /// The adapter.
        service: &'static str,
        /// What went wrong, for the log.
        message: String,
    },
}

impl PortError {
    /// An `Unavailable` error from any displayable cause.
    pub fn unavailable(service: &'static str, cause: impl std::fmt::Display) -> Self {
        Self::Unavailable { service, message: cause.to_string() }
    }

    /// A `BadData` error from any displayable cause.
    pub fn bad_data(service: &'static str, cause: impl std::fmt::Display) -> Self {
        Self::BadData { service, message: cause.to_string() }
    }
}
