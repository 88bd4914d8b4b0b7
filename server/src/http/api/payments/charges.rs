//! Payments for an order: starting one at a provider, confirming and
//! settling it, PayPal's redirects, bank transfers received, captures and
//! refunds.

use crate::http::api::auth::Caller;
use crate::http::api::problem::{created, Body, Path, Problem, Query};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use entities::payments::start::PaymentProgress;
use entities::payments::start::PaymentStart;
use entities::ServiceError;
use entities::Shop;
use serde::Deserialize;

/// Which provider to pay with.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ProviderQuery {
    /// `stripe` or `test`; the shop's default (the first configured) when absent.
    pub provider: Option<String>,
}

/// Starts paying an order at a payment provider (or returns the payment
/// already started there). The answer has what the browser needs to pay
/// the provider directly — for Stripe the client secret, Stripe.js's address
/// and the publishable key; card data never passes through the shop.
#[utoipa::path(
    post,
    path = "/api/v1/orders/{id}/payments",
    tag = "payments",
    params(("id" = String, Path, description = "The order's public id"), ProviderQuery),
    responses(
        (status = 201, description = "Started", body = PaymentStart),
        (status = 400, description = "A provider the shop does not take", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No order has this id", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The order is not waiting for payment", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn start(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    Query(q): Query<ProviderQuery>,
) -> Result<Response, Problem> {
    let started = entities::payments::start::start(&shop, actor, &id, q.provider.as_deref()).await?;
    Ok(created(format!("/api/v1/orders/{id}"), started))
}

/// A payment method the browser made at the provider.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmRequest {
    /// The provider (default: the shop's default).
    pub provider: Option<String>,
    /// The provider's id of the payment method (`pm_…` from Stripe.js).
    pub payment_method: String,
}

/// Confirms an order's started payment with a payment method made in the
/// browser (Stripe.js). The answer says whether the browser must run a next
/// action (3-D Secure) with the client secret; the order is paid when the
/// provider says the payment succeeded, never on the browser's word.
#[utoipa::path(
    post,
    path = "/api/v1/orders/{id}/payments/confirm",
    tag = "payments",
    params(("id" = String, Path, description = "The order's public id")),
    request_body = ConfirmRequest,
    responses(
        (status = 200, description = "Where the payment stands, and the order", body = PaymentProgress),
        (status = 400, description = "The card was declined (the provider's message, on `payment_method`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No order has this id", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No payment was started", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn confirm(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    Body(req): Body<ConfirmRequest>,
) -> Result<Json<PaymentProgress>, Problem> {
    Ok(Json(entities::payments::start::confirm(&shop, actor, &id, req.provider.as_deref(), &req.payment_method).await?))
}

/// Asks the providers where the order's open payments stand and settles
/// what they answer: what the order page calls when the shopper comes back
/// from paying (3-D Secure done, say).
#[utoipa::path(
    post,
    path = "/api/v1/orders/{id}/payments/settle",
    tag = "payments",
    params(("id" = String, Path, description = "The order's public id")),
    responses(
        (status = 200, description = "The order as it is now", body = entities::ordering::OrderView),
        (status = 404, description = "No order has this id", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn settle(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<Json<entities::ordering::OrderView>, Problem> {
    Ok(Json(entities::payments::settle::settle(&shop, actor, &id).await?))
}

/// An amount to capture.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaptureRequest {
    /// Minor units to capture; all that was authorized when absent.
    pub amount_minor: Option<i64>,
}

/// Captures an order's authorized payment (admins; with
/// `payments.stripe.manual_capture`).
#[utoipa::path(
    post,
    path = "/api/v1/orders/{id}/capture",
    tag = "payments",
    params(("id" = String, Path, description = "The order's public id")),
    request_body = CaptureRequest,
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "Captured", body = entities::ordering::OrderView),
        (status = 401, description = "No valid admin token", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Nothing authorized to capture, or the provider refused", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn capture(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    Body(req): Body<CaptureRequest>,
) -> Result<Json<entities::ordering::OrderView>, Problem> {
    Ok(Json(entities::payments::settle::capture(&shop, actor, &id, req.amount_minor).await?))
}

/// "Pay with PayPal" on the order page (a plain form, so it works without
/// JavaScript too): starts the PayPal payment and sends the shopper to PayPal
/// to approve it; if PayPal cannot be reached, back to the order page, which
/// says so.
pub async fn paypal_start(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    match entities::payments::start::start(&shop, actor, &id, Some("paypal")).await {
        Ok(PaymentStart { redirect_url: Some(url), .. }) => Ok(axum::response::Redirect::to(&url).into_response()),
        Ok(_) | Err(ServiceError::Port(_) | ServiceError::Conflict(_)) => {
            Ok(axum::response::Redirect::to(&format!("/orders/{id}?payment_error=paypal")).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// Where PayPal sends the shopper back.
#[derive(Debug, Deserialize)]
pub struct PayPalReturn {
    /// PayPal's id of the order the shopper approved.
    pub token: String,
}

/// The shopper comes back from PayPal (`/orders/{id}/paypal-return?token=…`):
/// the shop captures the approved payment with PayPal, then shows the order.
/// A refusal (not approved) also leads back to the order, still waiting.
pub async fn paypal_return(
    State(shop): State<Shop>,
    Path(id): Path<String>,
    Query(q): Query<PayPalReturn>,
) -> Result<Response, Problem> {
    match entities::payments::settle::return_from_provider(&shop, &id, "paypal", &q.token).await {
        Ok(_) | Err(ServiceError::Conflict(_)) => {}
        Err(e) => return Err(e.into()),
    }
    Ok(axum::response::Redirect::to(&format!("/orders/{id}")).into_response())
}

/// Records that an order's bank transfer arrived (admins): the order is
/// paid, once.
#[utoipa::path(
    post,
    path = "/api/v1/orders/{id}/payments/received",
    tag = "payments",
    params(("id" = String, Path, description = "The order's public id")),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "Recorded; the order is paid", body = entities::ordering::OrderView),
        (status = 401, description = "No valid admin token", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No bank transfer is waiting", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn received(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<Json<entities::ordering::OrderView>, Problem> {
    Ok(Json(entities::payments::settle::record_received(&shop, actor, &id).await?))
}

/// A refund asked for by an admin.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefundRequest {
    /// Minor units to give back; all that is left when absent.
    pub amount_minor: Option<i64>,
    /// Why (kept in the timeline and the audit log).
    #[serde(default)]
    #[schema(max_length = 500)]
    pub reason: String,
    /// Which payment (its provider reference, as the order lists it); the
    /// one with the most left to refund when absent.
    #[serde(default)]
    pub payment: Option<String>,
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
        (status = 200, description = "Refunded; the order is refunded or partially refunded", body = entities::ordering::OrderView),
        (status = 400, description = "An amount that is not between 1 and what is left", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid admin token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such order, or no such payment of it", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Nothing was paid, another refund took what was left, or the provider refused (nothing was refunded)", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "The provider did not answer: the amount stays held and reconciliation asks again", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn refund(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    Body(req): Body<RefundRequest>,
) -> Result<Json<entities::ordering::OrderView>, Problem> {
    Ok(Json(
        entities::payments::refunds::refund(&shop, actor, &id, req.amount_minor, &req.reason, req.payment.as_deref())
            .await?,
    ))
}
