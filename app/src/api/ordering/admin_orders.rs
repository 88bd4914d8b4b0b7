//! The admin's orders: the list, one order with its screening, and release
//! after a fraud review.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// A page of orders for staff.
#[server(prefix = "/_sf", endpoint = "admin/orders", input = Json)]
pub async fn admin_orders(
    filter: entities::ordering::AdminOrderFilter,
) -> Result<entities::ordering::AdminOrderPage, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    entities::ordering::order_lists::admin_list(&shop, actor, &filter).await.map_err(AppError::from)
}

/// An order with its fraud screening, for staff.
#[server(prefix = "/_sf", endpoint = "admin/order")]
pub async fn admin_order(id: String) -> Result<entities::ordering::AdminOrder, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    entities::ordering::order_lists::admin_order(&shop, actor, &id).await.map_err(AppError::from)
}

/// Releases an order held for review.
#[server(prefix = "/_sf", endpoint = "admin/order/release")]
pub async fn admin_release_review(id: String) -> Result<entities::ordering::RiskView, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    entities::ordering::life::release_review(&shop, actor, &id).await.map_err(AppError::from)
}
