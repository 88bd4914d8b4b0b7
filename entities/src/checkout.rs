//! What placing an order takes and what an order looks like to the people
//! it concerns — the shapes shared by the REST API, the pages (WASM
//! included) and the services.

use crate::OrderStatus;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where an order goes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Address {
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
    /// ISO 3166-1 alpha-2 country code (`NL`, `DE`, `US`…).
    pub country: String,
}

impl Address {
    /// The address as it is written on a parcel, one line each, the empty
    /// ones left out: name, street, the rest, postal code and city, country.
    pub fn lines(&self) -> Vec<String> {
        [
            self.name.trim().to_owned(),
            self.line1.trim().to_owned(),
            self.line2.trim().to_owned(),
            format!("{} {}", self.postal_code.trim(), self.city.trim()).trim().to_owned(),
            self.country.trim().to_owned(),
        ]
        .into_iter()
        .filter(|l| !l.is_empty())
        .collect()
    }
}

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

/// An order as its customer sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderView {
    /// The order's public id: its address, not guessable.
    pub id: String,
    /// Where it is in its life.
    pub status: OrderStatus,
    /// Where the confirmation went.
    pub email: String,
    /// ISO 4217 currency of every amount.
    pub currency: String,
    /// The lines' total, in minor units.
    pub subtotal_minor: i64,
    /// Shipping, in minor units.
    pub shipping_minor: i64,
    /// Tax, in minor units.
    pub tax_minor: i64,
    /// Discounts, in minor units (0 or more; subtracted).
    pub discount_minor: i64,
    /// What is paid, in minor units.
    pub total_minor: i64,
    /// Whether the prices include the tax (else it was added).
    pub tax_included: bool,
    /// The coupon used, if any.
    pub coupon: Option<String>,
    /// Whether a payment of it was disputed (the order is flagged for staff).
    pub disputed: bool,
    /// Where it goes.
    pub shipping_address: Address,
    /// Until when its stock is held while payment is awaited.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub pay_before: Option<DateTime<Utc>>,
    /// One part per vendor, each fulfilled by that vendor.
    pub sub_orders: Vec<SubOrderView>,
    /// When it was placed.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: DateTime<Utc>,
    /// Everything that happened to it, oldest first.
    pub timeline: Vec<OrderEventView>,
    /// Its payments, oldest first.
    #[serde(default)]
    pub payments: Vec<PaymentView>,
    /// Its parcels, oldest first, with their tracking numbers.
    #[serde(default)]
    pub shipments: Vec<ShipmentView>,
    /// What the customer sends (or sent) back, oldest first.
    #[serde(default)]
    pub returns: Vec<ReturnView>,
    /// What is left to pay, in minor units: the total less what gift cards,
    /// store credit and other payments already cover.
    #[serde(default)]
    pub due_minor: i64,
}

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
    pub status: String,
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

/// A parcel: some or all of one vendor's part of an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShipmentView {
    /// The shipment's id.
    pub id: String,
    /// The vendor's slug.
    pub vendor: String,
    /// Who carries it (`DHL`, `PostNL`…).
    pub carrier: String,
    /// The carrier's tracking number.
    pub tracking_number: String,
    /// Where to follow it, when the carrier has such a page.
    pub tracking_url: Option<String>,
    /// `shipped` or `delivered`.
    pub status: String,
    /// When it left.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub shipped_at: DateTime<Utc>,
    /// When it arrived.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub delivered_at: Option<DateTime<Utc>>,
    /// What is in it.
    pub lines: Vec<ItemCount>,
}

/// A number of units of one bought item (by SKU).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemCount {
    /// The item's SKU, as on the order.
    pub sku: String,
    /// How many.
    pub quantity: i32,
}

/// A return (RMA) of units of one vendor's part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReturnView {
    /// The return's id.
    pub id: String,
    /// The vendor's slug: each vendor handles its own returns.
    pub vendor: String,
    /// `requested`, `approved` (send it back), `rejected` or `received`.
    pub status: String,
    /// Why, in the customer's words.
    pub reason: String,
    /// The shop's answer.
    pub note: String,
    /// Whether the units went back on sale.
    pub restocked: bool,
    /// What was refunded for it, in minor units.
    pub refund_minor: i64,
    /// What goes back.
    pub lines: Vec<ItemCount>,
    /// When it was asked for.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: DateTime<Utc>,
}

/// A parcel a vendor (or an admin) sends.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewShipment {
    /// Who carries it, 1–60 characters.
    pub carrier: String,
    /// The carrier's tracking number: 3–100 letters, digits, spaces or `-`.
    pub tracking_number: String,
    /// An `https://` page to follow it.
    #[serde(default)]
    pub tracking_url: Option<String>,
    /// The vendor whose part ships (its slug); needed only when the order
    /// has several vendors and `lines` is empty.
    #[serde(default)]
    pub vendor: Option<String>,
    /// What is in it; empty: every unit of the vendor's part not shipped yet.
    /// All lines must be one vendor's.
    #[serde(default)]
    pub lines: Vec<ItemCount>,
}

/// A customer's request to send units back.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReturnRequest {
    /// Why, 3–1000 characters.
    pub reason: String,
    /// What goes back: units that were shipped and not returned yet.
    pub lines: Vec<ItemCount>,
}

/// Staff's answer to a return.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReturnDecision {
    /// `approve`, `reject` or `receive` (the parcel came back).
    pub action: String,
    /// A word to the customer (required to reject).
    #[serde(default)]
    pub note: String,
    /// On `receive`: put the units back on sale.
    #[serde(default)]
    pub restock: bool,
    /// On `receive`: refund the units' share of what was paid.
    #[serde(default)]
    pub refund: bool,
}

/// A payment of an order, as its customer sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentView {
    /// `stripe`, `bank_transfer`, `cash_on_delivery` or `test`.
    pub provider: String,
    /// `pending`, `authorized` (held, or promised: cash on delivery),
    /// `succeeded`, `failed` or `refunded`.
    pub status: String,
    /// The provider's id of it — for a bank transfer, the reference to
    /// quote with the transfer.
    pub reference: String,
    /// The amount, in minor units.
    pub amount_minor: i64,
    /// How much of it went back, in minor units.
    pub refunded_minor: i64,
}

/// One vendor's part of an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubOrderView {
    /// The vendor's slug.
    pub vendor: String,
    /// The vendor's name.
    pub vendor_name: String,
    /// Where this part is in its life.
    pub status: OrderStatus,
    /// This part's lines' total, in minor units.
    pub subtotal_minor: i64,
    /// How this part ships.
    pub shipping_method: String,
    /// What shipping this part costs, in minor units.
    pub shipping_minor: i64,
    /// What was bought from this vendor.
    pub lines: Vec<OrderLineView>,
}

/// A bought item, as it was when bought.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderLineView {
    /// The product's id.
    pub product_id: i64,
    /// The variant's id.
    pub variant_id: i64,
    /// Stock keeping unit.
    pub sku: String,
    /// The product's title.
    pub title: String,
    /// The variant's options.
    pub options: BTreeMap<String, String>,
    /// Price of one, in minor units.
    pub unit_price_minor: i64,
    /// How many.
    pub quantity: i32,
    /// Price × quantity, in minor units.
    pub line_total_minor: i64,
    /// How many of them have shipped.
    #[serde(default)]
    pub shipped: i32,
    /// How many of them are being or were sent back (returns not rejected).
    #[serde(default)]
    pub returned: i32,
}

/// One entry of an order's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderEventView {
    /// When.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: DateTime<Utc>,
    /// Who: `customer`, `admin`, `system`, `payment`.
    pub actor: String,
    /// What: `placed`, `status_changed`…
    pub kind: String,
    /// The status before, for a status change.
    pub from: Option<OrderStatus>,
    /// The status after, for a status change.
    pub to: Option<OrderStatus>,
    /// In words.
    pub note: String,
}

/// The shopper's cart, priced from the catalog as it is now.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartView {
    /// The lines, in the order they were added.
    pub lines: Vec<CartLineView>,
    /// Units over all lines.
    pub item_count: u32,
    /// The lines' total, in minor units (one currency per cart line).
    pub subtotal_minor: i64,
    /// ISO 4217 currency of the subtotal (of the first line; empty when empty).
    pub currency: String,
    /// Whether the lines mix currencies (then the cart cannot be ordered as one).
    pub mixed_currencies: bool,
}

/// One line of a cart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartLineView {
    /// The variant.
    pub variant_id: i64,
    /// The product's page.
    pub slug: String,
    /// The product's title.
    pub title: String,
    /// The variant's options.
    pub options: BTreeMap<String, String>,
    /// Stock keeping unit.
    pub sku: String,
    /// A picture of it.
    pub image: String,
    /// Price of one now, in minor units.
    pub unit_price_minor: i64,
    /// ISO 4217 currency.
    pub currency: String,
    /// How many.
    pub quantity: i32,
    /// Price × quantity, in minor units.
    pub line_total_minor: i64,
    /// Units available now (the shopper may not order more unless backorders are allowed).
    pub available: i32,
    /// Whether it can be ordered beyond the stock.
    pub allow_backorder: bool,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_written_line_by_line_without_empty_lines() {
        let a = Address {
            name: "Ada".into(),
            line1: "Main St 1".into(),
            line2: " ".into(),
            postal_code: "1015 CJ".into(),
            city: "Amsterdam".into(),
            country: "NL".into(),
        };
        assert_eq!(a.lines(), ["Ada", "Main St 1", "1015 CJ Amsterdam", "NL"]);
        let bare = Address { city: "Town".into(), ..Default::default() };
        assert_eq!(bare.lines(), ["Town"], "no stray space before a city without a postal code");
    }
}
