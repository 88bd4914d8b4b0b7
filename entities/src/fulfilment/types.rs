//! What shipping parcels and deciding returns take, and the units they count.

use serde::{Deserialize, Serialize};

mod status;
pub use status::*;

/// A number of units of one bought item (by SKU).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemCount {
    /// The item's SKU, as on the order.
    pub sku: String,
    /// How many.
    pub quantity: i32,
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
    #[cfg_attr(feature = "openapi", schema(max_length = 1000))]
    pub note: String,
    /// On `receive`: put the units back on sale.
    #[serde(default)]
    pub restock: bool,
    /// On `receive`: refund the units' share of what was paid.
    #[serde(default)]
    pub refund: bool,
}
