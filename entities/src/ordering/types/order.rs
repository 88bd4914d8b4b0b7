//! An order as the people it concerns see it: the customer's view with its
//! payments, shipments and returns, the history, and the staff's lists.

use super::OrderStatus;
use crate::fulfilment::{ItemCount, ReturnStatus, ShipmentStatus};
use crate::kernel::Address;
use crate::payments::PaymentStatus;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One order in a customer's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderSummary {
    /// The order's public id (its page is `/orders/{id}`).
    pub id: String,
    /// Where it is in its life.
    pub status: OrderStatus,
    /// How many items.
    pub units: i64,
    /// What it cost, in minor units.
    pub total_minor: i64,
    /// ISO 4217 currency.
    pub currency: String,
    /// When it was placed.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: DateTime<Utc>,
}

/// A page of a customer's orders, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderHistory {
    /// The orders.
    pub orders: Vec<OrderSummary>,
    /// Whether older orders follow (ask with `before` = the last id).
    pub more: bool,
}

/// Which orders the admin's order list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminOrderFilter {
    /// Only orders in this status (`paid`, `pending_payment`…).
    #[serde(default)]
    pub status: Option<String>,
    /// Only orders held for review.
    #[serde(default)]
    pub held: bool,
    /// The page after this cursor (from the previous page).
    #[serde(default)]
    pub after: Option<i64>,
}

/// An order in the admin's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminOrderRow {
    /// The order's public id.
    pub id: String,
    /// When it was placed.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub placed_at: chrono::DateTime<chrono::Utc>,
    /// The customer's email.
    pub email: String,
    /// Where it is in its life.
    pub status: crate::ordering::OrderStatus,
    /// Its total, in minor units.
    pub total_minor: i64,
    /// ISO 4217 currency.
    pub currency: String,
    /// Fraud screening's score.
    pub risk_score: i32,
    /// Paid but held for review.
    pub held_for_review: bool,
}

/// A page of the admin's order list, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminOrderPage {
    /// The orders.
    pub items: Vec<AdminOrderRow>,
    /// The cursor of the next page, if there is one.
    pub next: Option<i64>,
}

/// An order's fraud screening, for staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RiskView {
    /// 0 to 100.
    pub score: i32,
    /// Why, one reason each.
    pub reasons: Vec<String>,
    /// Paid but held until released.
    pub held_for_review: bool,
    /// Where it was placed from.
    pub client_ip: Option<String>,
    /// The billing address, when one was given.
    pub billing_address: Option<crate::kernel::Address>,
}

/// An order as staff see it: what the customer sees, and its screening.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminOrder {
    /// The order.
    pub order: crate::ordering::OrderView,
    /// Its fraud screening.
    pub risk: RiskView,
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
    pub status: ShipmentStatus,
    /// When it left.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub shipped_at: DateTime<Utc>,
    /// When it arrived.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub delivered_at: Option<DateTime<Utc>>,
    /// What is in it.
    pub lines: Vec<ItemCount>,
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
    pub status: ReturnStatus,
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

/// A payment of an order, as its customer sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentView {
    /// `stripe`, `bank_transfer`, `cash_on_delivery` or `test`.
    pub provider: String,
    /// `pending`, `authorized` (held, or promised: cash on delivery),
    /// `succeeded`, `failed` or `refunded`.
    pub status: PaymentStatus,
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
