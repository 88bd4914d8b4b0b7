//! What placing an order takes and what a quote answers.

use crate::kernel::Address;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Placing an order from a cart. Prices and totals are never part of it:
/// the server works them out from the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PlaceOrder {
    /// The cart's token (the `bazaar_cart` cookie of the storefront).
    pub cart_id: String,
    /// Where the confirmation goes.
    pub email: String,
    /// Where the parcel goes.
    pub shipping_address: Address,
    /// The shipping method per vendor (vendor slug → method code); the
    /// cheapest where not given.
    #[serde(default)]
    pub shipping: BTreeMap<String, String>,
    /// A coupon code (any case).
    #[serde(default)]
    pub coupon: Option<String>,
    /// The billing address, when it is not the shipping address.
    #[serde(default)]
    pub billing_address: Option<Address>,
    /// The IP address the order comes from (set by the server, never read
    /// from the request's body).
    #[serde(skip)]
    pub client_ip: Option<String>,
}

/// What a shopper fills in at the storefront's checkout, step by step:
/// the form's fields (`details[email]`, `details[shipping_address][city]`,
/// `details[shipping][<vendor>]`…), without the cart and the key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckoutDetails {
    /// Where the confirmation goes.
    #[serde(default)]
    pub email: String,
    /// Where the parcel goes.
    #[serde(default)]
    pub shipping_address: Address,
    /// Whether the bill goes to another address (`billing_address`).
    #[serde(default)]
    pub separate_billing: bool,
    /// The billing address; read only with `separate_billing`.
    #[serde(default)]
    pub billing_address: Address,
    /// The shipping method per vendor (vendor slug → method code).
    #[serde(default)]
    pub shipping: BTreeMap<String, String>,
    /// A coupon code, or nothing.
    #[serde(default)]
    pub coupon: String,
}

impl CheckoutDetails {
    /// The order these details place from cart `cart_id`.
    pub fn into_order(self, cart_id: String) -> PlaceOrder {
        PlaceOrder {
            cart_id,
            email: self.email,
            shipping_address: self.shipping_address,
            shipping: self.shipping,
            coupon: Some(self.coupon).filter(|c| !c.trim().is_empty()),
            billing_address: self.separate_billing.then_some(self.billing_address),
            client_ip: None,
        }
    }
}

/// Asking what an order for a cart would cost, before placing it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct QuoteRequest {
    /// The cart's token.
    pub cart_id: String,
    /// ISO 3166-1 alpha-2 destination country.
    pub country: String,
    /// The shipping method per vendor (vendor slug → method code).
    #[serde(default)]
    pub shipping: BTreeMap<String, String>,
    /// A coupon code.
    #[serde(default)]
    pub coupon: Option<String>,
}

/// A way to ship one vendor's part, with its price for that part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShippingOption {
    /// The method's code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// What it costs for this part, in minor units.
    pub price_minor: i64,
}

/// One vendor's part of a quote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VendorQuote {
    /// The vendor's slug.
    pub vendor: String,
    /// The vendor's name.
    pub vendor_name: String,
    /// The lines' total, in minor units.
    pub subtotal_minor: i64,
    /// The lines' weight.
    pub weight_grams: i64,
    /// The ways to ship it, cheapest first.
    pub shipping_options: Vec<ShippingOption>,
    /// The chosen way.
    pub shipping_method: String,
    /// What the chosen way costs.
    pub shipping_minor: i64,
}

/// What an order for a cart costs, worked out on the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Quote {
    /// ISO 4217 currency of every amount.
    pub currency: String,
    /// One part per vendor.
    pub vendors: Vec<VendorQuote>,
    /// The lines' total.
    pub subtotal_minor: i64,
    /// Shipping over all parts.
    pub shipping_minor: i64,
    /// The coupon's discount (subtracted).
    pub discount_minor: i64,
    /// The coupon applied, if any.
    pub coupon: Option<String>,
    /// Tax: included in the total, or added to it (see `tax_included`).
    pub tax_minor: i64,
    /// The destination's tax rate in basis points.
    pub tax_rate_bps: i64,
    /// The tax's name.
    pub tax_name: String,
    /// Whether prices include tax (else it is added).
    pub tax_included: bool,
    /// What is paid.
    pub total_minor: i64,
}
