//! Orders under `/api/v1/orders`: placing one from a cart (idempotent),
//! reading it by its public id, cancelling it, and moving it through
//! fulfilment (admins).

use crate::http::api::auth::Caller;
use crate::http::api::problem::{created, Body, Path, Problem};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use entities::ordering::OrderStatus;
use entities::ordering::{OrderView, PlaceOrder, Quote, QuoteRequest};
use entities::Shop;
use serde::Deserialize;

/// The header that makes placing an order safe to retry.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// Places an order for what a cart holds. Prices and totals are worked out
/// on the server from the catalog; stock is reserved for 15 minutes while
/// payment is awaited. Send an `Idempotency-Key` header (a UUID will do):
/// a retry with the same key returns the same order, never a second one.
#[utoipa::path(
    post,
    path = "/api/v1/orders",
    tag = "orders",
    params(("Idempotency-Key" = String, Header, description = "8–100 letters, digits, '-' or '_'; the same for every retry", min_length = 8, max_length = 100, pattern = "^[A-Za-z0-9_-]{8,100}$")),
    request_body = PlaceOrder,
    responses(
        (status = 201, description = "Placed", body = OrderView),
        (status = 200, description = "Placed before with this key: the same order", body = OrderView),
        (status = 400, description = "Bad email, address, key or cart", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Refused by fraud screening (`fraud.block_score`); the shopper should contact the shop", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Sold out or short (nothing is reserved), or the key belongs to another cart", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many orders of this email or address wait for payment (`fraud.unpaid_per_email`, `fraud.unpaid_per_ip`), or too many requests", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn place(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    headers: HeaderMap,
    peer: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    Body(mut input): Body<PlaceOrder>,
) -> Result<Response, Problem> {
    input.client_ip = peer.map(|p| crate::http::client_ip(&shop, p.0 .0.ip(), &headers).to_string());
    let key = headers
        .get(IDEMPOTENCY_KEY)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| Problem::invalid_field("Idempotency-Key", "header is required (a UUID will do)"))?;
    let (order, fresh) = entities::ordering::placing::place_order(&shop, actor, key, input).await?;
    Ok(if fresh {
        created(format!("/api/v1/orders/{}", order.id), order)
    } else {
        let mut response = Json(order).into_response();
        response.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
        response
    })
}

/// An order by its public id (the id is the key: keep it private). An order
/// placed while signed in is shown only to its customer (the session
/// cookie) and to staff; to anyone else it does not exist.
#[utoipa::path(
    get,
    path = "/api/v1/orders/{id}",
    tag = "orders",
    params(("id" = String, Path, description = "The order's public id")),
    responses(
        (status = 200, description = "The order with its sub-orders, lines and timeline", body = OrderView),
        (status = 404, description = "No order has this id", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_one(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<Json<OrderView>, Problem> {
    Ok(Json(entities::ordering::view::order_for(&shop, actor, &id).await?))
}

/// A new status for an order.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    /// `fulfilling`, `shipped`, `delivered` or `cancelled`.
    pub status: OrderStatus,
}

/// Moves an order on: `cancelled` by whoever holds its id while it is
/// unpaid (its stock goes back on sale); `fulfilling`, `shipped`,
/// `delivered` (or `cancelled`) by an admin. Moves its life does not allow
/// are refused with 409.
#[utoipa::path(
    post,
    path = "/api/v1/orders/{id}/status",
    tag = "orders",
    params(("id" = String, Path, description = "The order's public id")),
    request_body = StatusChange,
    responses(
        (status = 200, description = "Moved (or already there)", body = OrderView),
        (status = 401, description = "Only admins move orders through fulfilment", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A signed-in account that is not an admin moves it through fulfilment", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No order has this id", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not allowed from the order's status", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn change_status(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    Body(change): Body<StatusChange>,
) -> Result<Json<OrderView>, Problem> {
    Ok(Json(entities::ordering::life::change_status(&shop, actor, &id, change.status).await?))
}

/// What an order for a cart would cost to a country, with a shipping
/// method per vendor (the cheapest where not chosen) and a coupon: the same
/// arithmetic as placing it; nothing is held or redeemed.
#[utoipa::path(
    post,
    path = "/api/v1/checkout/quote",
    tag = "orders",
    request_body = QuoteRequest,
    responses(
        (status = 200, description = "Subtotal, shipping options per vendor, discount, tax and total", body = Quote),
        (status = 400, description = "Bad cart, country or coupon; nothing ships there", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn quote(State(shop): State<Shop>, Body(req): Body<QuoteRequest>) -> Result<Json<Quote>, Problem> {
    Ok(Json(entities::ordering::quote::quote(&shop, &req).await?))
}

/// An order's fraud screening (staff): score, reasons, whether it is held,
/// where it was placed from and its billing address.
#[utoipa::path(
    get,
    path = "/api/v1/orders/{id}/risk",
    tag = "orders",
    params(("id" = String, Path, description = "The order's public id")),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "The screening", body = entities::ordering::RiskView),
        (status = 401, description = "No valid admin token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No order has this id", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn risk(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<Json<entities::ordering::RiskView>, Problem> {
    Ok(Json(entities::ordering::order_lists::risk_of(&shop, actor, &id).await?))
}

/// Releases an order held for review (staff), so it can be fulfilled.
#[utoipa::path(
    post,
    path = "/api/v1/orders/{id}/review/release",
    tag = "orders",
    params(("id" = String, Path, description = "The order's public id")),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "Released", body = entities::ordering::RiskView),
        (status = 401, description = "No valid admin token", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The order is not held", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn release(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<Json<entities::ordering::RiskView>, Problem> {
    Ok(Json(entities::ordering::life::release_review(&shop, actor, &id).await?))
}
