//! Vendors' views of their part of orders.

use serde::{Deserialize, Serialize};

/// Which sub-orders a vendor's order list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VendorOrderFilter {
    /// The vendor (its slug): admins choose one; vendor staff see their own.
    #[serde(default)]
    pub vendor: Option<String>,
    /// Only parts in this status (`paid`, `fulfilling`…).
    #[serde(default)]
    pub status: Option<String>,
    /// The page after this cursor (from the previous page).
    #[serde(default)]
    pub after: Option<i64>,
}

/// One vendor's part of an order, in the vendor's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VendorOrderRow {
    /// The order's public id.
    pub id: String,
    /// When it was placed.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub placed_at: chrono::DateTime<chrono::Utc>,
    /// The vendor's slug.
    pub vendor: String,
    /// Where this part is in its life.
    pub status: crate::ordering::OrderStatus,
    /// Whether the order is held for review (do not ship it yet).
    pub held_for_review: bool,
    /// Units bought from the vendor.
    pub units: i64,
    /// Units shipped so far.
    pub shipped: i64,
    /// The part's goods, in minor units.
    pub subtotal_minor: i64,
    /// ISO 4217 currency.
    pub currency: String,
    /// Where it goes (ISO country code).
    pub country: String,
}

/// A page of a vendor's order list, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VendorOrderPage {
    /// The sub-orders.
    pub items: Vec<VendorOrderRow>,
    /// The cursor of the next page, if there is one.
    pub next: Option<i64>,
}

/// One vendor's part of an order, as the vendor sees it: what to send
/// where, without the rest of the order or the customer's email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VendorOrder {
    /// The order's public id.
    pub id: String,
    /// When it was placed.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub placed_at: chrono::DateTime<chrono::Utc>,
    /// The order's status.
    pub order_status: crate::ordering::OrderStatus,
    /// Whether the order is held for review (do not ship it yet).
    pub held_for_review: bool,
    /// ISO 4217 currency.
    pub currency: String,
    /// Where it goes.
    pub shipping_address: crate::kernel::Address,
    /// The vendor's part: status, lines (with shipped and returned counts).
    pub part: crate::ordering::SubOrderView,
    /// The shop's commission on the part, in minor units.
    pub commission_minor: i64,
    /// The part's parcels.
    pub shipments: Vec<crate::ordering::ShipmentView>,
    /// Returns of the part.
    pub returns: Vec<crate::ordering::ReturnView>,
}
