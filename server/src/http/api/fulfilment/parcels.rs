//! Fulfilment under `/api/v1/orders/{id}/shipments` and `…/returns`, and
//! vendors' own sub-orders under `/api/v1/vendor/orders`: vendor staff ship
//! and handle returns of their part; admins of any part; customers ask for
//! returns.

use crate::http::api::auth::Caller;
use crate::http::api::problem::{created, Body, Path, Problem};
use axum::extract::State;
use axum::response::Response;
use axum::Json;
use entities::fulfilment::{NewShipment, ReturnDecision, ReturnRequest};
use entities::ordering::{ReturnView, ShipmentView};
use entities::Shop;

/// Ships units of an order: one parcel of one vendor's part, with its
/// carrier and tracking number (a tracking page is filled in for DHL, UPS,
/// FedEx, USPS, PostNL and DPD). Without `lines`, every unit of the part not
/// shipped yet. The part becomes `fulfilling` or `shipped`, the order
/// follows its parts, and the customer is emailed the tracking number.
#[utoipa::path(
    post,
    path = "/api/v1/orders/{id}/shipments",
    tag = "fulfilment",
    params(("id" = String, Path, description = "The order's public id")),
    request_body = NewShipment,
    security(("admin_token" = [])),
    responses(
        (status = 201, description = "Shipped", body = ShipmentView),
        (status = 400, description = "Bad carrier, tracking number or URL; unknown SKU; more units than are left; lines of two vendors", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Nobody is signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Customers and support do not ship", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No order has this id (or no part of the caller's vendor)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Unpaid, cancelled, refunded or held for review; nothing left to ship", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn ship(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    Body(input): Body<NewShipment>,
) -> Result<Response, Problem> {
    let shipment = entities::fulfilment::shipments::ship(&shop, actor, &id, input).await?;
    Ok(created(format!("/api/v1/orders/{id}"), shipment))
}

/// Marks a parcel delivered; the part and the order become `delivered`
/// when every unit arrived. Safe to repeat.
#[utoipa::path(
    post,
    path = "/api/v1/orders/{id}/shipments/{shipment}/delivered",
    tag = "fulfilment",
    params(("id" = String, Path, description = "The order's public id"), ("shipment" = String, Path, description = "The shipment's id")),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "Delivered", body = ShipmentView),
        (status = 401, description = "Nobody is signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such order or shipment (or another vendor's)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delivered(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path((id, shipment)): Path<(String, String)>,
) -> Result<Json<ShipmentView>, Problem> {
    Ok(Json(entities::fulfilment::shipments::mark_delivered(&shop, actor, &id, &shipment).await?))
}

/// Asks to send units back (the order's customer, whoever holds a guest
/// order's id, or staff): units that shipped, within 30 days of their
/// parcel, not sent back already. One return is made per vendor.
#[utoipa::path(
    post,
    path = "/api/v1/orders/{id}/returns",
    tag = "fulfilment",
    params(("id" = String, Path, description = "The order's public id")),
    request_body = ReturnRequest,
    responses(
        (status = 201, description = "Asked for: one return per vendor", body = [ReturnView]),
        (status = 400, description = "Short reason; unknown SKU; more units than shipped and not yet returned", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No order has this id", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The 30 days have passed", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn request_return(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    Body(request): Body<ReturnRequest>,
) -> Result<Response, Problem> {
    let made = entities::fulfilment::returns::request_return(&shop, actor, &id, request).await?;
    Ok(created(format!("/api/v1/orders/{id}"), made))
}

/// Staff handle a return: `approve`, `reject` (with a note) or `receive`
/// (with `restock`: the units go back on sale; with `refund`: their share of
/// what was paid goes back through the order's payment).
#[utoipa::path(
    post,
    path = "/api/v1/orders/{id}/returns/{return_id}/decision",
    tag = "fulfilment",
    params(("id" = String, Path, description = "The order's public id"), ("return_id" = String, Path, description = "The return's id")),
    request_body = ReturnDecision,
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "Done", body = ReturnView),
        (status = 400, description = "Unknown action; a rejection without a note", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Nobody is signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such order or return (or another vendor's)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not allowed from the return's status", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "Received, but the payment provider refused the refund", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn decide(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path((id, return_id)): Path<(String, String)>,
    Body(decision): Body<ReturnDecision>,
) -> Result<Json<ReturnView>, Problem> {
    Ok(Json(entities::fulfilment::returns::decide_return(&shop, actor, &id, &return_id, decision).await?))
}
