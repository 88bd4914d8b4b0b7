//! What happened in the shop: the [`DomainEvent`]s a use case writes to the
//! outbox in its own transaction, which the relay then publishes on the
//! event bus in an [`Envelope`], and merchants' webhooks deliver. Every event
//! and its payload is listed in docs/EVENTS.md.
//!
//! On the wire an event is its type name and its data,
//! `{"type": "order.paid", "data": {…}}`, and the envelope adds the event's
//! id and the schema version of its data. The outbox keeps the type name
//! (`topic`), the data (`payload`) and the version in their own columns.

pub mod outbox;
mod payloads;
pub mod webhooks;

pub use payloads::*;

use crate::ordering::OrderStatus;
use serde::{Deserialize, Serialize};

/// The version of the events' data this build writes. A change that a
/// consumer could not read as before (a field removed, renamed or retyped)
/// raises it; added optional fields do not.
pub const SCHEMA_VERSION: u16 = 1;

/// What happened: one variant per kind of event the outbox carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", content = "data")]
pub enum DomainEvent {
    /// A shopper put a variant in a cart.
    #[serde(rename = "cart.item_added")]
    CartItemAdded(CartItemAdded),
    /// A variant's available stock changed (a reservation, its release, a
    /// restock or a staff edit; selling reserved units leaves it as it was).
    #[serde(rename = "stock.changed")]
    StockChanged(StockLevel),
    /// A variant's available stock fell to the low-stock mark or below.
    #[serde(rename = "stock.low")]
    StockLow(StockLevel),
    /// A product or one of its variants was made, changed or removed.
    #[serde(rename = "product.changed")]
    ProductChanged(ProductChanged),
    /// An image was uploaded and waits for its renditions.
    #[serde(rename = "image.uploaded")]
    ImageUploaded(ImageUploaded),
    /// A category was made, renamed, moved or removed.
    #[serde(rename = "category.changed")]
    CategoryChanged(CategoryChanged),
    /// A vendor was made, changed or removed.
    #[serde(rename = "vendor.changed")]
    VendorChanged(VendorChanged),
    /// An order was placed; its stock is reserved until it is paid.
    #[serde(rename = "order.placed")]
    OrderPlaced(OrderRef),
    /// An order was paid in full.
    #[serde(rename = "order.paid")]
    OrderPaid(OrderMoved),
    /// An order's picking and packing began (or a part shipped).
    #[serde(rename = "order.fulfilling")]
    OrderFulfilling(OrderMoved),
    /// Every part of an order was handed to a carrier.
    #[serde(rename = "order.shipped")]
    OrderShipped(OrderMoved),
    /// Every parcel of an order arrived.
    #[serde(rename = "order.delivered")]
    OrderDelivered(OrderMoved),
    /// An order was cancelled (unpaid in time, by the customer or the shop).
    #[serde(rename = "order.cancelled")]
    OrderCancelled(OrderMoved),
    /// All of an order's payment went back.
    #[serde(rename = "order.refunded")]
    OrderRefunded(OrderMoved),
    /// Part of an order's payment went back.
    #[serde(rename = "order.partially_refunded")]
    OrderPartiallyRefunded(OrderMoved),
    /// An order is held for staff before it may be fulfilled: paid with a
    /// fraud score at the review mark, captured for less than asked, or its
    /// card authorization lost.
    #[serde(rename = "order.held_for_review")]
    OrderHeldForReview(OrderHeld),
    /// The card authorization of a paid order was cancelled or expired
    /// before it was captured: the order is paid on paper only.
    #[serde(rename = "order.payment_lost")]
    OrderPaymentLost(OrderRef),
    /// The payer disputed a payment of an order with their bank.
    #[serde(rename = "order.disputed")]
    OrderDisputed(OrderRef),
    /// A vendor shipped a parcel of an order.
    #[serde(rename = "shipment.created")]
    ShipmentCreated(ShipmentCreated),
    /// A parcel arrived.
    #[serde(rename = "shipment.delivered")]
    ShipmentDelivered(ShipmentDelivered),
    /// A customer asked to return items.
    #[serde(rename = "return.requested")]
    ReturnRequested(ReturnChanged),
    /// A return was accepted: the items may be sent back.
    #[serde(rename = "return.approved")]
    ReturnApproved(ReturnChanged),
    /// A return was refused.
    #[serde(rename = "return.rejected")]
    ReturnRejected(ReturnChanged),
    /// Returned items arrived (back on sale when they can be sold again).
    #[serde(rename = "return.received")]
    ReturnReceived(ReturnChanged),
}

impl DomainEvent {
    /// The event an order's move to `to` writes.
    pub fn order_moved(to: OrderStatus, moved: OrderMoved) -> Option<Self> {
        Some(match to {
            OrderStatus::PendingPayment => return None,
            OrderStatus::Paid => Self::OrderPaid(moved),
            OrderStatus::Fulfilling => Self::OrderFulfilling(moved),
            OrderStatus::Shipped => Self::OrderShipped(moved),
            OrderStatus::Delivered => Self::OrderDelivered(moved),
            OrderStatus::Cancelled => Self::OrderCancelled(moved),
            OrderStatus::Refunded => Self::OrderRefunded(moved),
            OrderStatus::PartiallyRefunded => Self::OrderPartiallyRefunded(moved),
        })
    }

    /// The event's type name (`order.paid`) and its data, as the outbox
    /// keeps them and webhooks send them.
    pub fn to_parts(&self) -> (String, serde_json::Value) {
        // Every variant serializes to `{"type": …, "data": {…}}`.
        let mut whole = match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(whole)) => whole,
            _ => serde_json::Map::new(),
        };
        let kind = whole.remove("type").and_then(|t| t.as_str().map(str::to_owned)).unwrap_or_default();
        (kind, whole.remove("data").unwrap_or_default())
    }

    /// The event of type `kind` with `data`, as the outbox keeps them.
    ///
    /// # Errors
    /// When the type is unknown or the data does not fit it.
    pub fn from_parts(kind: &str, data: serde_json::Value) -> Result<Self, serde_json::Error> {
        serde_json::from_value(serde_json::json!({ "type": kind, "data": data }))
    }

    /// The event's type name (`order.paid`).
    pub fn kind(&self) -> String {
        self.to_parts().0
    }

    /// Whether the event changes what catalog pages and search show.
    pub fn changes_catalog(&self) -> bool {
        matches!(self, Self::ProductChanged(_) | Self::CategoryChanged(_) | Self::VendorChanged(_))
    }
}

/// An event as it travels over the bus: its id (the outbox's, so consumers
/// can ignore a second delivery), the version of its data, and the event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    /// Unique id of the event.
    pub id: uuid::Uuid,
    /// The schema version its data was written with.
    pub version: u16,
    /// What happened.
    #[serde(flatten)]
    pub event: DomainEvent,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::{OrderId, VariantId};

    #[test]
    fn an_event_is_its_type_name_and_its_data() {
        let event = DomainEvent::StockChanged(StockLevel { variant_id: VariantId::new(7), available: 3 });
        let (kind, data) = event.to_parts();
        assert_eq!(kind, "stock.changed");
        assert_eq!(data, serde_json::json!({ "variant_id": 7, "available": 3 }));
        assert_eq!(DomainEvent::from_parts(&kind, data).unwrap(), event);
        assert!(DomainEvent::from_parts("stock.teleported", serde_json::json!({})).is_err());
    }

    #[test]
    fn every_move_but_back_to_pending_has_its_event() {
        let moved = OrderMoved { order_id: OrderId::new(1), public_id: uuid::Uuid::nil(), from: OrderStatus::Paid };
        for to in OrderStatus::ALL {
            let event = DomainEvent::order_moved(to, moved.clone());
            match to {
                OrderStatus::PendingPayment => assert_eq!(event, None),
                _ => assert_eq!(event.unwrap().kind(), format!("order.{}", to.as_str())),
            }
        }
    }

    #[test]
    fn an_envelope_carries_id_version_type_and_data_side_by_side() {
        let envelope = Envelope {
            id: uuid::Uuid::nil(),
            version: SCHEMA_VERSION,
            event: DomainEvent::VendorChanged(VendorChanged { vendor_id: crate::VendorId::new(4) }),
        };
        let json = serde_json::to_value(&envelope).unwrap();
        assert_eq!(json["type"], "vendor.changed");
        assert_eq!(json["data"]["vendor_id"], 4);
        assert_eq!(json["version"], 1);
        assert_eq!(serde_json::from_value::<Envelope>(json).unwrap(), envelope);
    }
}
