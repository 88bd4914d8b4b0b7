//! The data of each event. Field names and types are the payload merchants'
//! webhooks receive (docs/EVENTS.md): change them only with a new schema
//! version.

use crate::kernel::{CategoryId, ImageId, OrderId, ProductId, VariantId, VendorId};
use crate::ordering::OrderStatus;
use serde::{Deserialize, Serialize};

/// A variant put in a cart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CartItemAdded {
    /// The variant.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub variant_id: VariantId,
    /// How many were added.
    pub quantity: i32,
}

/// A variant's available stock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StockLevel {
    /// The variant.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub variant_id: VariantId,
    /// Units available now (on hand less reserved).
    pub available: i32,
}

/// A product that changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProductChanged {
    /// The product.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub product_id: ProductId,
    /// Its slug (its page is `/p/<slug>`).
    pub slug: String,
}

/// An uploaded image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImageUploaded {
    /// The image.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub image_id: ImageId,
    /// Its product.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub product_id: ProductId,
}

/// A category that changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryChanged {
    /// The category.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub category_id: CategoryId,
    /// Its place in the tree: the ids from the top (`/3/17/`).
    pub path: String,
}

/// A vendor that changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VendorChanged {
    /// The vendor.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub vendor_id: VendorId,
}

/// An order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderRef {
    /// The order's key in the shop.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub order_id: OrderId,
    /// The order's public id (its page is `/orders/<public_id>`).
    pub public_id: uuid::Uuid,
}

/// An order that moved to the status the event is named after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderMoved {
    /// The order's key in the shop.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub order_id: OrderId,
    /// The order's public id.
    pub public_id: uuid::Uuid,
    /// The status it left.
    pub from: OrderStatus,
}

/// An order held for a fraud review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderHeld {
    /// The order's key in the shop.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub order_id: OrderId,
    /// The order's public id.
    pub public_id: uuid::Uuid,
    /// Its fraud screening's score (0–100).
    pub risk_score: i32,
}

/// A parcel shipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShipmentCreated {
    /// The order's key in the shop.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub order_id: OrderId,
    /// The order's public id.
    pub public_id: uuid::Uuid,
    /// The shipment's public id.
    pub shipment: uuid::Uuid,
    /// The carrier, as the vendor named it.
    pub carrier: String,
    /// The carrier's tracking number.
    pub tracking_number: String,
    /// The carrier's tracking page, when the shop knows the carrier.
    pub tracking_url: Option<String>,
    /// Units in the parcel.
    pub units: i32,
}

/// A parcel that arrived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShipmentDelivered {
    /// The order's key in the shop.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub order_id: OrderId,
    /// The order's public id.
    pub public_id: uuid::Uuid,
    /// The shipment's public id.
    pub shipment: uuid::Uuid,
}

/// A return that was asked for or moved on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReturnChanged {
    /// The order's key in the shop.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub order_id: OrderId,
    /// The order's public id.
    pub public_id: uuid::Uuid,
    /// The return's public id.
    #[serde(rename = "return")]
    pub return_id: uuid::Uuid,
    /// Units in the return.
    pub units: i32,
}
