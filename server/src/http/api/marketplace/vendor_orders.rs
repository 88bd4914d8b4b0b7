//! Vendors' views of their part of orders under `/api/v1/vendor/orders`.

use crate::http::api::auth::Caller;
use crate::http::api::problem::{Path, Problem, Query};
use axum::extract::State;
use axum::Json;
use entities::marketplace::{VendorOrder, VendorOrderFilter, VendorOrderPage};
use entities::Shop;
use serde::Deserialize;

/// A vendor's parts of orders, newest first, 50 a page: vendor staff see
/// their own; admins one vendor's (`vendor`) or everyone's.
#[utoipa::path(
    get,
    path = "/api/v1/vendor/orders",
    tag = "fulfilment",
    params(VendorOrdersQuery),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "A page of sub-orders", body = VendorOrderPage),
        (status = 400, description = "Unknown status", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Nobody is signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff of a vendor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn vendor_orders(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Query(q): Query<VendorOrdersQuery>,
) -> Result<Json<VendorOrderPage>, Problem> {
    let filter = VendorOrderFilter { vendor: q.vendor, status: q.status, after: q.after };
    Ok(Json(entities::marketplace::vendor_orders::vendor_orders(&shop, actor, &filter).await?))
}

/// A vendor's part of an order: the address, its lines with what shipped
/// and came back, its parcels and returns. Not the other vendors' parts,
/// the payments or the customer's email.
#[utoipa::path(
    get,
    path = "/api/v1/vendor/orders/{id}",
    tag = "fulfilment",
    params(("id" = String, Path, description = "The order's public id"), VendorQuery),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "The part", body = VendorOrder),
        (status = 401, description = "Nobody is signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No part of the vendor in such an order", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn vendor_order(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    Query(q): Query<VendorQuery>,
) -> Result<Json<VendorOrder>, Problem> {
    Ok(Json(entities::marketplace::vendor_orders::vendor_order(&shop, actor, &id, q.vendor.as_deref()).await?))
}

/// Which sub-orders the vendor list shows.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct VendorOrdersQuery {
    /// The vendor's slug (admins; vendor staff always see their own).
    pub vendor: Option<String>,
    /// Only parts in this status.
    #[param(schema_with = crate::http::api::openapi::order_statuses)]
    pub status: Option<String>,
    /// The `next` cursor of the previous page.
    pub after: Option<i64>,
}

/// Which vendor's part an admin reads.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct VendorQuery {
    /// The vendor's slug (needed by admins).
    pub vendor: Option<String>,
}
