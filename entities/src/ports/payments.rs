//! The payment provider port: creating a payment at the provider, and
//! reading (and verifying) the events it sends back. Adapters: the built-in
//! test provider (clearly labelled, for development and tests); Stripe,
//! PayPal and local methods come next.

use super::PortError;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

/// What a provider says happened to a payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentEventKind {
    /// The payment is under way (3-D Secure, a bank transfer…).
    Processing,
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
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Refunded => "refunded",
            Self::DisputeOpened => "dispute_opened",
        }
    }

    /// The kind stored as `text`.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Processing, Self::Succeeded, Self::Failed, Self::Refunded, Self::DisputeOpened]
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedPayment {
    /// The provider's id of the payment.
    pub provider_ref: String,
    /// What the browser needs to finish paying with the provider (e.g. a
    /// client secret for Stripe Elements); card data never reaches us.
    pub client_secret: Option<String>,
}

/// Why an incoming event was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookRejection {
    /// The signature is missing, wrong or too old.
    #[error("the signature is missing, wrong or too old")]
    BadSignature,
    /// The body is not an event this adapter reads.
    #[error("not an event we read: {0}")]
    Malformed(String),
}

/// A payment provider.
#[async_trait]
pub trait PaymentProvider: Send + Sync {
    /// The provider's name, stored with payments and events (`test`, `stripe`…).
    fn name(&self) -> &'static str;

    /// The HTTP header its events carry their signature in.
    fn signature_header(&self) -> &'static str;

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
    /// provider's id of the refund.
    ///
    /// # Errors
    /// When the provider cannot be reached or refuses.
    async fn refund(&self, provider_ref: &str, amount_minor: i64) -> Result<String, PortError>;

    /// Verifies and reads an event the provider sent (`signature` is the
    /// provider's signature header).
    ///
    /// # Errors
    /// `BadSignature` unless it is signed with our secret and recent;
    /// `Malformed` for a body this adapter does not read.
    fn read_event(&self, signature: Option<&str>, body: &[u8]) -> Result<ProviderEvent, WebhookRejection>;

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
