//! What accounts read and write: profiles, address books, two-factor sign-in
//! and staff, shared by the REST API, the pages (WASM included) and the
//! services.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Who is signed in, for the header and the dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountView {
    /// The sign-in email (lower case).
    pub email: String,
    /// The name shown to the shop.
    pub name: String,
    /// `customer`, `vendor`, `support` or `admin`.
    pub role: crate::kernel::Role,
    /// Whether the customer agreed to marketing email.
    pub marketing_consent: bool,
    /// When they agreed, if they did.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub marketing_consent_at: Option<DateTime<Utc>>,
    /// When the account was made.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: DateTime<Utc>,
}

/// A change of the profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProfilePatch {
    /// The name shown to the shop (1–200 characters).
    pub name: String,
    /// Agree to marketing email (`true`) or withdraw (`false`).
    pub marketing_consent: bool,
}

/// An address of the address book, as entered or changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AddressInput {
    /// The recipient's name.
    pub name: String,
    /// Street and number.
    pub line1: String,
    /// Flat, floor, company… (optional).
    #[serde(default)]
    pub line2: String,
    /// Postal code.
    pub postal_code: String,
    /// Town or city.
    pub city: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    /// A phone number for the courier (optional).
    #[serde(default)]
    pub phone: String,
    /// Make it the default shipping address.
    #[serde(default)]
    pub default_shipping: bool,
    /// Make it the default billing address.
    #[serde(default)]
    pub default_billing: bool,
}

/// An address of the address book.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AddressView {
    /// Its id.
    pub id: i64,
    /// The fields.
    #[serde(flatten)]
    pub address: AddressInput,
}

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Longest password accepted (hashing a huge one would cost the server).
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Two-factor sign-in as the account's security page shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorStatus {
    /// Whether this account may use it (staff accounts).
    pub available: bool,
    /// Whether it is on.
    pub enabled: bool,
    /// Whether the shop requires it of staff.
    pub required: bool,
    /// A set-up begun but not confirmed yet: the key to enter in an
    /// authenticator app (base32), and its `otpauth://` link.
    pub pending: Option<(String, String)>,
}

/// A staff account as the admin's staff page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffMember {
    /// The account.
    pub id: i64,
    /// Its email.
    pub email: String,
    /// Its name.
    pub name: String,
    /// `admin`, `support` or `vendor`.
    pub role: crate::kernel::Role,
    /// The vendor of vendor staff.
    pub vendor_id: Option<i64>,
    /// Whether two-factor sign-in is on.
    pub two_factor: bool,
    /// Whether the person has set a password yet (an invitation was used).
    pub active: bool,
}
