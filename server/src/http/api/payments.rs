//! Payments: starting one for an order, the provider's webhook, and the
//! admins' list of received events with replay.

use super::auth::Caller;
use super::problem::{created, Body, Problem};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Json;
use entities::services::payments::{self, EventRecord, PaymentStart, Receipt};
use entities::services::Shop;
use serde::Deserialize;

/// Starts paying an order at the shop's payment provider (or returns the
/// payment already started). The answer has what the browser needs to pay
/// the provider directly; card data never passes through the shop.
#[utoipa::path(
    post,
    path = "/api/v1/orders/{id}/payments",
    tag = "payments",
    params(("id" = String, Path, description = "The order's public id")),
    responses(
        (status = 201, description = "Started", body = PaymentStart),
        (status = 404, description = "No order has this id", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The order is not waiting for payment", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn start(State(shop): State<Shop>, Path(id): Path<String>) -> Result<Response, Problem> {
    let started = payments::start(&shop, &id).await?;
    Ok(created(format!("/api/v1/orders/{id}"), started))
}

/// The payment provider's webhook. The event is verified by its signature,
/// stored before it is processed, and applied once however often it is
/// delivered; the answer is 200 as soon as it is stored.
#[utoipa::path(
    post,
    path = "/api/v1/webhooks/payments",
    tag = "payments",
    request_body(content = String, content_type = "application/json", description = "The provider's event, as it signed it"),
    responses(
        (status = 200, description = "Stored (and applied, or queued for retry)", body = Receipt),
        (status = 400, description = "Bad signature or body; nothing stored", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn webhook(State(shop): State<Shop>, headers: HeaderMap, body: Bytes) -> Result<Json<Receipt>, Problem> {
    let signature = headers.get(shop.payments.signature_header()).and_then(|v| v.to_str().ok());
    let receipt = payments::store(&shop, signature, &body).await?;
    // Stored: from here a crash loses nothing (the retry worker applies it).
    crate::crash::point("after-storing-payment-event");
    if !receipt.duplicate {
        payments::apply_stored(&shop, receipt.id).await;
    }
    Ok(Json(receipt))
}

/// A refund asked for by an admin.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefundRequest {
    /// Minor units to give back; all that is left when absent.
    pub amount_minor: Option<i64>,
    /// Why (kept in the timeline and the audit log).
    #[serde(default)]
    pub reason: String,
}

/// Refunds an order's payment in full or in part (admins). Recorded before
/// the provider is asked, so refunds can never together exceed the payment.
#[utoipa::path(
    post,
    path = "/api/v1/orders/{id}/refunds",
    tag = "payments",
    params(("id" = String, Path, description = "The order's public id")),
    request_body = RefundRequest,
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "Refunded; the order is refunded or partially refunded", body = entities::checkout::OrderView),
        (status = 400, description = "An amount that is not between 1 and what is left", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid admin token", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Nothing was paid, or another refund took what was left", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn refund(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    Body(req): Body<RefundRequest>,
) -> Result<Json<entities::checkout::OrderView>, Problem> {
    Ok(Json(payments::refund(&shop, actor, &id, req.amount_minor, &req.reason).await?))
}

/// How many events to list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct EventsQuery {
    /// 1 to 200 (default 50).
    pub limit: Option<u64>,
}

/// The latest payment events received, newest first (admins).
#[utoipa::path(
    get,
    path = "/api/v1/payments/events",
    tag = "payments",
    params(EventsQuery),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "The events with what applying them did", body = Vec<EventRecord>),
        (status = 401, description = "No valid admin token", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn events(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Query(q): Query<EventsQuery>,
) -> Result<Json<Vec<EventRecord>>, Problem> {
    Ok(Json(payments::list_events(&shop, actor, q.limit.unwrap_or(50)).await?))
}

/// Applies a received event again (admins): safe, as applying is idempotent.
#[utoipa::path(
    post,
    path = "/api/v1/payments/events/{id}/replay",
    tag = "payments",
    params(("id" = i64, Path, description = "The stored event's id")),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "Applied again", body = EventRecord),
        (status = 401, description = "No valid admin token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No event has this id", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn replay(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path(id): Path<i64>,
) -> Result<Json<EventRecord>, Problem> {
    Ok(Json(payments::replay(&shop, actor, id).await?))
}
