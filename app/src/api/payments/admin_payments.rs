//! Staff's payment actions: the provider events and their replay, capture,
//! bank transfers received, and refunds.

use crate::error::AppError;
use leptos::prelude::*;

/// The latest payment events with what applying them did.
#[server(prefix = "/_sf", endpoint = "admin/payment-events")]
pub async fn admin_payment_events() -> Result<Vec<entities::payments::EventRecord>, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    entities::payments::inbox::list_events(&shop, actor, 100).await.map_err(AppError::from)
}

/// Captures an order's authorized payment (Stripe's manual capture; cash
/// collected on delivery).
#[server(prefix = "/_sf", endpoint = "admin/order/capture")]
pub async fn admin_capture(id: String) -> Result<entities::ordering::OrderView, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    entities::payments::settle::capture(&shop, actor, &id, None).await.map_err(AppError::from)
}

/// Records that an order's bank transfer arrived.
#[server(prefix = "/_sf", endpoint = "admin/order/transfer-received")]
pub async fn admin_transfer_received(id: String) -> Result<entities::ordering::OrderView, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    entities::payments::settle::record_received(&shop, actor, &id).await.map_err(AppError::from)
}

/// Refunds an order in full (empty amount) or in part (`amount`, in the
/// currency's unit, e.g. `12.50`).
#[server(prefix = "/_sf", endpoint = "admin/order/refund")]
pub async fn admin_refund(
    id: String,
    amount: String,
    reason: String,
) -> Result<entities::ordering::OrderView, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    let order = entities::ordering::view::order_by_public_id(&shop, &id).await.map_err(AppError::from)?;
    let mut form = crate::api::forms::FormFields::default();
    let amount_minor = form.amount("amount", &amount, &order.currency, None, "12.50");
    form.done()?;
    entities::payments::refunds::refund(&shop, actor, &id, amount_minor, &reason, None).await.map_err(AppError::from)
}

/// Applies a payment event again (idempotent).
#[server(prefix = "/_sf", endpoint = "admin/payment-events/replay")]
pub async fn admin_replay_payment_event(id: i64) -> Result<entities::payments::EventRecord, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    entities::payments::inbox::replay(&shop, actor, id).await.map_err(AppError::from)
}
