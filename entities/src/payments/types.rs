//! Payment options, provider events and gift cards as the API and the pages
//! see them, and where payments, refunds and gift cards stand (`status`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

mod status;
pub use status::*;

/// A gift card (or store credit) to issue.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewGiftCard {
    /// Its value, in minor units (1 to 1,000,000,00).
    pub amount_minor: i64,
    /// ISO 4217 currency.
    pub currency: String,
    /// Store credit of the account with this email (it is emailed the
    /// code); absent: a gift card whose code is in the answer.
    #[serde(default)]
    pub customer_email: Option<String>,
    /// When it stops being accepted.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub expires_at: Option<DateTime<Utc>>,
    /// For staff.
    #[serde(default)]
    pub note: String,
}

/// A gift card as issued: the only time its code is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssuedGiftCard {
    /// The code (`XXXX-XXXX-XXXX-XXXX`); only its hash is kept.
    pub code: String,
    /// The card as staff see it.
    pub card: GiftCardView,
}

/// A gift card or store credit, as staff (or its owner) see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GiftCardView {
    /// The card's id.
    pub id: i64,
    /// The code's last four characters.
    pub last4: String,
    /// `gift_card` or `store_credit`.
    pub kind: String,
    /// ISO 4217 currency.
    pub currency: String,
    /// What it was worth, in minor units.
    pub initial_minor: i64,
    /// What is left, in minor units.
    pub balance_minor: i64,
    /// `active` or `disabled`.
    pub status: GiftCardStatus,
    /// When it stops being accepted.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub expires_at: Option<DateTime<Utc>>,
    /// For staff.
    pub note: String,
    /// When it was issued.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: DateTime<Utc>,
}

/// What a gift card holds, for whoever has its code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GiftCardBalance {
    /// The code's last four characters.
    pub last4: String,
    /// What is left, in minor units.
    pub balance_minor: i64,
    /// ISO 4217 currency.
    pub currency: String,
    /// When it stops being accepted.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub expires_at: Option<DateTime<Utc>>,
}

/// Paying part (or all) of an order with a gift card's code, or with the
/// signed-in customer's store credit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Redeem {
    /// The gift card's code; absent: the customer's store credit.
    #[serde(default)]
    pub code: Option<String>,
}

/// A stored payment event, for the admins' list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventRecord {
    /// Our id (for replay).
    pub id: i64,
    /// The provider.
    pub provider: String,
    /// The provider's event id.
    pub event_id: String,
    /// What happened: `succeeded`, `failed`…
    pub kind: String,
    /// The provider's payment id.
    pub provider_ref: String,
    /// When it arrived.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub received_at: DateTime<Utc>,
    /// When it was applied, if it was.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub processed_at: Option<DateTime<Utc>>,
    /// What applying it did.
    pub outcome: Option<String>,
    /// How many times it was tried.
    pub attempts: i32,
    /// Why the last try failed.
    pub last_error: Option<String>,
}

/// What the browser needs to pay with a provider's own script (card data
/// goes from the browser to the provider only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BrowserSetup {
    /// The provider's script (Stripe.js).
    pub script_url: String,
    /// The publishable key the script is started with.
    pub publishable_key: String,
}

/// The ways the shop takes payment, for the order page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentOptions {
    /// Cards through Stripe, when configured.
    pub stripe: Option<BrowserSetup>,
    /// PayPal, when configured.
    #[serde(default)]
    pub paypal: bool,
    /// Local methods (bank transfer, cash on delivery), in the shop's order.
    pub local: Vec<LocalMethod>,
    /// The built-in test provider (no money moves), unless turned off.
    pub test: bool,
}

/// A local payment method the shop offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LocalMethod {
    /// `bank_transfer` or `cash_on_delivery`.
    pub provider: String,
    /// What the shopper is told to do: label and value pairs.
    pub instructions: Vec<(String, String)>,
}
