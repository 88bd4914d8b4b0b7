//! Fulfilment's server functions: vendors' (and admins') list of sub-orders,
//! one part with its parcels and returns, shipping, delivery and returns;
//! and the customer's request to send an item back.

use crate::error::AppError;
use entities::fulfilment::NewShipment;
use entities::marketplace::{VendorOrder, VendorOrderFilter, VendorOrderPage};
use entities::ordering::{ReturnView, ShipmentView};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// A page of the vendor's sub-orders (admins: `filter.vendor`'s, or all).
#[server(prefix = "/_sf", endpoint = "fulfilment/list", input = Json)]
pub async fn vendor_orders(filter: VendorOrderFilter) -> Result<VendorOrderPage, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    entities::marketplace::vendor_orders::vendor_orders(&shop, actor, &filter).await.map_err(AppError::from)
}

/// One vendor's part of order `id` (admins name the vendor).
#[server(prefix = "/_sf", endpoint = "fulfilment/order")]
pub async fn load_vendor_part(id: String, vendor: String) -> Result<VendorOrder, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    let vendor = Some(vendor).filter(|v| !v.trim().is_empty());
    entities::marketplace::vendor_orders::vendor_order(&shop, actor, &id, vendor.as_deref())
        .await
        .map_err(AppError::from)
}

/// Ships a parcel of order `id`.
#[server(prefix = "/_sf", endpoint = "fulfilment/ship", input = Json)]
pub async fn ship_parcel(id: String, shipment: NewShipment) -> Result<ShipmentView, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    entities::fulfilment::shipments::ship(&shop, actor, &id, shipment).await.map_err(AppError::from)
}

/// Marks a parcel of order `id` delivered.
#[server(prefix = "/_sf", endpoint = "fulfilment/delivered")]
pub async fn mark_delivered(id: String, shipment: String) -> Result<ShipmentView, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    entities::fulfilment::shipments::mark_delivered(&shop, actor, &id, &shipment).await.map_err(AppError::from)
}

/// Approves, rejects or receives a return (`restock` and `refund` are
/// checkboxes: present when ticked).
#[server(prefix = "/_sf", endpoint = "fulfilment/return")]
pub async fn decide_return(
    id: String,
    return_id: String,
    action: String,
    note: String,
    restock: Option<String>,
    refund: Option<String>,
) -> Result<ReturnView, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    let decision =
        entities::fulfilment::ReturnDecision { action, note, restock: restock.is_some(), refund: refund.is_some() };
    entities::fulfilment::returns::decide_return(&shop, actor, &id, &return_id, decision).await.map_err(AppError::from)
}

/// The customer asks to send `quantity` units of the item `sku` of order
/// `id` back, for `reason`.
#[server(prefix = "/_sf", endpoint = "orders/return")]
pub async fn request_return(
    id: String,
    sku: String,
    quantity: String,
    reason: String,
) -> Result<Vec<ReturnView>, AppError> {
    use entities::fulfilment::ItemCount;
    use entities::fulfilment::ReturnRequest;
    let (shop, actor) = crate::session::acting().await?;
    let Ok(quantity) = quantity.trim().parse::<i32>() else {
        return Err(AppError::Fields(vec![("quantity".into(), "must be a whole number".into())]));
    };
    let request = ReturnRequest { reason, lines: vec![ItemCount { sku, quantity }] };
    entities::fulfilment::returns::request_return(&shop, actor, &id, request).await.map_err(|e| {
        // One item per form: its line's errors are the form's fields.
        let e = match e {
            entities::ServiceError::InvalidFields(fields) => entities::ServiceError::InvalidFields(
                fields.into_iter().map(|(f, m)| (f.replace("lines[0].", ""), m)).collect(),
            ),
            other => other,
        };
        AppError::from(e)
    })
}
