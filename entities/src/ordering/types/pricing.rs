//! Coupons, shipping methods and tax rates as staff keep them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A coupon as staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CouponView {
    /// Database id.
    pub id: i64,
    /// The code shoppers type (any case).
    pub code: String,
    /// `percent`, `fixed` or `free_shipping`.
    pub kind: String,
    /// Basis points of the subtotal (`percent`: 1000 is 10 %) or minor units
    /// off (`fixed`); 0 for `free_shipping`.
    pub value: i64,
    /// The currency of a `fixed` coupon.
    pub currency: Option<String>,
    /// The subtotal it applies from, in minor units.
    pub min_spend_minor: i64,
    /// How many orders may use it in all (none: no limit).
    pub max_uses: Option<i32>,
    /// How many orders one email may use it for (none: no limit).
    pub max_uses_per_customer: Option<i32>,
    /// How many orders used it.
    pub used_count: i32,
    /// From when it works.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub starts_at: Option<DateTime<Utc>>,
    /// Until when it works.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub ends_at: Option<DateTime<Utc>>,
    /// Whether it works at all (switched off by staff otherwise).
    pub active: bool,
    /// When it was made.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: DateTime<Utc>,
}

/// A new coupon.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewCoupon {
    /// 3–40 of `A–Z 0–9 - _` (stored upper-case).
    pub code: String,
    /// `percent`, `fixed` or `free_shipping`.
    pub kind: String,
    /// `percent`: basis points, 1–10,000 (1000 is 10 %); `fixed`: minor
    /// units off, 1 or more; `free_shipping`: leave out.
    #[serde(default)]
    pub value: i64,
    /// Required for `fixed`.
    #[serde(default)]
    pub currency: Option<String>,
    /// The subtotal it applies from, in minor units.
    #[serde(default)]
    pub min_spend_minor: i64,
    /// How many orders may use it in all.
    #[serde(default)]
    pub max_uses: Option<i32>,
    /// How many orders one email may use it for.
    #[serde(default)]
    pub max_uses_per_customer: Option<i32>,
    /// From when it works (default: now).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub starts_at: Option<DateTime<Utc>>,
    /// Until when it works (default: no end).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub ends_at: Option<DateTime<Utc>>,
}

/// Changes to a coupon; absent fields stay. Its code, kind and value stay
/// as orders used them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CouponPatch {
    /// Switch it off (or on again).
    #[serde(default)]
    pub active: Option<bool>,
    /// A new total limit (not below what was used).
    #[serde(default)]
    pub max_uses: Option<i32>,
    /// A new end (in the future).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub ends_at: Option<DateTime<Utc>>,
}

/// A way to ship, as staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShippingMethodView {
    /// Database id.
    pub id: i64,
    /// The vendor's slug whose method it is; none: the shop's own, used by
    /// every vendor without methods of its own.
    pub vendor: Option<String>,
    /// What a shopper's choice names (unique among its owner's methods).
    pub code: String,
    /// What shoppers read.
    pub name: String,
    /// `flat`, or `weight` (base plus a price per started kilogram).
    pub kind: String,
    /// The base price, in minor units.
    pub base_minor: i64,
    /// Per started kilogram (`weight`), in minor units.
    pub per_kg_minor: i64,
    /// Free from this subtotal of the vendor's part on.
    pub free_over_minor: Option<i64>,
    /// The currency of the prices (it ships orders in that currency).
    pub currency: String,
    /// The countries it ships to (empty: everywhere).
    pub countries: Vec<String>,
    /// Its place in the list (smaller first).
    pub position: i32,
}

/// A way to ship, made or replaced.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ShippingMethodInput {
    /// The vendor's slug (admins; vendor staff always make their own
    /// vendor's); none: the shop's own.
    #[serde(default)]
    pub vendor: Option<String>,
    /// 1–40 of `a–z 0–9 - _` (stored lower-case).
    pub code: String,
    /// 1–100 characters.
    pub name: String,
    /// `flat` or `weight`.
    pub kind: String,
    /// The base price, in minor units, 0 or more.
    pub base_minor: i64,
    /// Per started kilogram (`weight` only), 0 or more.
    #[serde(default)]
    pub per_kg_minor: i64,
    /// Free from this subtotal on (none: never free).
    #[serde(default)]
    pub free_over_minor: Option<i64>,
    /// ISO 4217 currency of the prices.
    pub currency: String,
    /// ISO 3166-1 alpha-2 codes it ships to (empty: everywhere).
    #[serde(default)]
    pub countries: Vec<String>,
    /// Its place in the list.
    #[serde(default)]
    pub position: i32,
}

/// A destination's tax rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaxRateView {
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    /// The rate in basis points (2100 is 21 %).
    pub rate_bps: i32,
    /// What the order calls it ("Dutch VAT").
    pub name: String,
}

/// A destination's tax rate, set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TaxRateInput {
    /// The rate in basis points, 0–10,000.
    pub rate_bps: i32,
    /// What the order calls it, 1–100 characters.
    pub name: String,
}
