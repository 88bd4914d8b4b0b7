//! The payment provider port: creating a payment at the provider, confirming,
//! capturing, refunding and looking it up, and reading (and verifying) the
//! events it sends back. Adapters: the built-in test provider (clearly
//! labelled, for development and tests) and Stripe; PayPal and local methods
//! come next. A shop can run several at once: [`PaymentProviders`].

use super::PortError;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

/// What a provider says happened to a payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentEventKind {
    /// The payment is under way (3-D Secure, a bank transfer…).
    Processing,
    /// The money is held on the card, to be captured later (manual capture):
    /// the order is secured and may be fulfilled.
    Authorized,
    /// The money is ours.
    Succeeded,
    /// The payment failed; the shopper may try again.
    Failed,
    /// The money went back.
    Refunded,
    /// The cardholder disputed the payment.
    DisputeOpened,
}

impl PaymentEventKind {
    /// The kind as stored.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Processing => "processing",
            Self::Authorized => "authorized",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Refunded => "refunded",
            Self::DisputeOpened => "dispute_opened",
        }
    }

    /// The kind stored as `text`.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Processing, Self::Authorized, Self::Succeeded, Self::Failed, Self::Refunded, Self::DisputeOpened]
            .into_iter()
            .find(|k| k.as_str() == text)
    }
}

/// A verified event from a provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderEvent {
    /// The provider's id of the event (delivered again on retries).
    pub event_id: String,
    /// What happened.
    pub kind: PaymentEventKind,
    /// The provider's id of the payment.
    pub provider_ref: String,
    /// The amount, in minor units.
    pub amount_minor: i64,
    /// ISO 4217 currency.
    pub currency: String,
    /// The event as received, for the record.
    pub payload: serde_json::Value,
}

/// A payment created at a provider.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreatedPayment {
    /// The provider's id of the payment.
    pub provider_ref: String,
    /// What the browser needs to finish paying with the provider (e.g. a
    /// client secret for Stripe Elements); card data never reaches us.
    pub client_secret: Option<String>,
    /// Where to send the shopper to approve the payment at the provider
    /// (PayPal), if anywhere.
    pub redirect_url: Option<String>,
}

/// An incoming event's HTTP headers, names in lower case.
pub type EventHeaders = std::collections::BTreeMap<String, String>;

/// Why an incoming event was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookRejection {
    /// The signature is missing, wrong or too old.
    #[error("the signature is missing, wrong or too old")]
    BadSignature,
    /// The body is not an event this adapter reads.
    #[error("not an event we read: {0}")]
    Malformed(String),
    /// A genuine, signed event of a kind the shop has no use for (the
    /// provider sends many): acknowledged, not stored.
    #[error("an event of a kind we do not use: {0}")]
    Ignored(String),
}

/// Where a payment stands at the provider, as it answers when asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProviderStatus {
    /// Nothing paid yet: the shopper has still to give (or give again) a
    /// way to pay.
    AwaitingShopper,
    /// The shopper must act in the browser (3-D Secure).
    RequiresAction,
    /// Under way at the provider.
    Processing,
    /// The shopper approved it at the provider; the shop must capture it
    /// (PayPal) — settling does so.
    Approved,
    /// Held, to be captured.
    Authorized,
    /// Paid.
    Succeeded,
    /// Given up (cancelled or expired at the provider).
    Canceled,
}

impl ProviderStatus {
    /// The event this status amounts to, when it settles anything.
    pub const fn event_kind(self) -> Option<PaymentEventKind> {
        match self {
            Self::Authorized => Some(PaymentEventKind::Authorized),
            Self::Succeeded => Some(PaymentEventKind::Succeeded),
            Self::Canceled => Some(PaymentEventKind::Failed),
            Self::AwaitingShopper | Self::RequiresAction | Self::Processing | Self::Approved => None,
        }
    }
}

/// What a provider says about the card behind a payment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CardSignals {
    /// The card's fingerprint (the same card, the same fingerprint).
    pub fingerprint: Option<String>,
    /// The provider's risk verdict: `normal`, `elevated`, `highest` (Stripe Radar).
    pub risk_level: Option<String>,
}

/// A payment as the provider describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentState {
    /// The provider's id of the payment.
    pub provider_ref: String,
    /// Where it stands.
    pub status: ProviderStatus,
    /// The amount, in minor units.
    pub amount_minor: i64,
    /// ISO 4217 currency, upper case.
    pub currency: String,
    /// What the browser needs for a next action (3-D Secure), if any.
    pub client_secret: Option<String>,
    /// The provider's message about the last failed attempt, for the shopper.
    pub last_error: Option<String>,
    /// Where the shopper approves it at the provider, while that is pending.
    pub redirect_url: Option<String>,
    /// The provider's answer, for the record.
    pub payload: serde_json::Value,
}

pub use crate::payments::BrowserSetup;

fn unsupported(provider: &'static str, what: &str) -> PortError {
    PortError::Declined { service: provider, message: format!("{provider} payments cannot be {what}.") }
}

/// A payment provider.
#[async_trait]
pub trait PaymentProvider: Send + Sync {
    /// The provider's name, stored with payments and events (`test`, `stripe`…).
    fn name(&self) -> &'static str;

    /// Creates a payment of `amount_minor` for order `order_id` (public id).
    ///
    /// # Errors
    /// When the provider cannot be reached or refuses.
    async fn create_payment(
        &self,
        order_id: &str,
        amount_minor: i64,
        currency: &str,
    ) -> Result<CreatedPayment, PortError>;

    /// Gives back `amount_minor` of payment `provider_ref`; answers the
    /// provider's id of the refund. The same `idempotency_key` again (a retry
    /// after a timeout) refunds nothing more.
    ///
    /// # Errors
    /// When the provider cannot be reached or refuses.
    async fn refund(&self, provider_ref: &str, amount_minor: i64, idempotency_key: &str) -> Result<String, PortError>;

    /// Verifies and reads an event the provider sent with these headers.
    ///
    /// # Errors
    /// `BadSignature` unless it is signed with our secret and recent;
    /// `Malformed` for a body this adapter does not read.
    async fn read_event(&self, headers: &EventHeaders, body: &[u8]) -> Result<ProviderEvent, WebhookRejection>;

    /// What the browser needs to pay with this provider's script, if it
    /// has one.
    fn browser_setup(&self) -> Option<BrowserSetup> {
        None
    }

    /// Confirms payment `provider_ref` with a payment method the browser
    /// created at the provider (an id such as `pm_…`, never card data).
    ///
    /// # Errors
    /// `Declined` (with the provider's message for the shopper) when the
    /// payment method is refused; `Unavailable` when the provider fails.
    async fn confirm(&self, _provider_ref: &str, _payment_method: &str) -> Result<PaymentState, PortError> {
        Err(unsupported(self.name(), "confirmed with a payment method"))
    }

    /// Captures `amount_minor` (all when `None`) of an authorized payment.
    ///
    /// # Errors
    /// `Declined` when the provider refuses; `Unavailable` when it fails.
    async fn capture(&self, _provider_ref: &str, _amount_minor: Option<i64>) -> Result<PaymentState, PortError> {
        Err(unsupported(self.name(), "captured"))
    }

    /// Asks the provider where payment `provider_ref` stands (for
    /// reconciliation). `None` for providers that cannot be asked.
    ///
    /// # Errors
    /// When the provider cannot be reached or answers badly.
    async fn lookup(&self, _provider_ref: &str) -> Result<Option<PaymentState>, PortError> {
        Ok(None)
    }

    /// Whether staff record this provider's payments by hand when the money
    /// arrives (bank transfer): nothing tells the shop by itself.
    fn records_by_hand(&self) -> bool {
        false
    }

    /// Whether choosing it confirms the order at once, the money to be
    /// collected later by capturing (cash on delivery).
    fn confirms_at_once(&self) -> bool {
        false
    }

    /// How long the order's stock is held once the shopper chose it, when
    /// longer than checkout's reservation (a bank transfer takes days).
    fn holds_stock_for(&self) -> Option<chrono::Duration> {
        None
    }

    /// What the shopper is told to do, as label and value pairs (the shop's
    /// bank account, say); the payment's reference is shown beside them.
    fn instructions(&self) -> Vec<(String, String)> {
        Vec::new()
    }

    /// What the provider knows about the card behind a confirmed payment:
    /// its fingerprint and the provider's risk verdict. Empty for providers
    /// that say nothing.
    ///
    /// # Errors
    /// When the provider cannot be asked.
    async fn card_signals(&self, _provider_ref: &str, _payment_method: &str) -> Result<CardSignals, PortError> {
        Ok(CardSignals::default())
    }

    /// For the built-in test provider only: a signed event as the provider
    /// would send it — `(signature, body)`. Real providers answer `None`.
    fn simulate_event(
        &self,
        _kind: PaymentEventKind,
        _provider_ref: &str,
        _amount_minor: i64,
        _currency: &str,
    ) -> Option<(String, Vec<u8>)> {
        None
    }
}

/// The payment providers a shop takes payments with, in the order it offers
/// them (the first is the default).
#[derive(Clone)]
pub struct PaymentProviders {
    list: Vec<std::sync::Arc<dyn PaymentProvider>>,
}

impl PaymentProviders {
    /// The providers, the default first.
    ///
    /// # Panics
    /// When `list` is empty: a shop has at least one provider.
    pub fn new(list: Vec<std::sync::Arc<dyn PaymentProvider>>) -> Self {
        assert!(!list.is_empty(), "a shop needs a payment provider");
        Self { list }
    }

    /// The provider named `name`.
    pub fn get(&self, name: &str) -> Option<&std::sync::Arc<dyn PaymentProvider>> {
        self.list.iter().find(|p| p.name() == name)
    }

    /// The default provider.
    pub fn default_provider(&self) -> &std::sync::Arc<dyn PaymentProvider> {
        &self.list[0]
    }

    /// The providers' names, the default first.
    pub fn names(&self) -> Vec<&'static str> {
        self.list.iter().map(|p| p.name()).collect()
    }
}
