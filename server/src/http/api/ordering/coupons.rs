//! Coupons under `/api/v1/coupons` (admins): made, listed, switched off and
//! on, their total limit and end moved. Shoppers use them at checkout
//! (`coupon` of a quote or an order).

use crate::http::api::auth::Caller;
use crate::http::api::problem::{created, Body, Key, Path, Problem};
use axum::extract::State;
use axum::response::Response;
use axum::Json;
use entities::ordering::coupons;
use entities::ordering::{CouponPatch, CouponView, NewCoupon};
use entities::Shop;

/// Makes a coupon: `percent` (basis points of the subtotal), `fixed`
/// (minor units off, in one currency) or `free_shipping`; with a minimum
/// spend, a total and a per-customer limit, a start and an end.
#[utoipa::path(
    post,
    path = "/api/v1/coupons",
    tag = "orders",
    request_body = NewCoupon,
    security(("admin_token" = [])),
    responses(
        (status = 201, description = "Made", body = CouponView),
        (status = 400, description = "Bad or taken code, kind, value, currency, limits or dates; each named", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid admin token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Body(input): Body<NewCoupon>,
) -> Result<Response, Problem> {
    let made = coupons::create(&shop, actor, input).await?;
    Ok(created(format!("/api/v1/coupons/{}", made.id), made))
}

/// Every coupon, newest first, with how often it was used.
#[utoipa::path(
    get,
    path = "/api/v1/coupons",
    tag = "orders",
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "The coupons", body = [CouponView]),
        (status = 401, description = "No valid admin token", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(State(shop): State<Shop>, Caller(actor): Caller) -> Result<Json<Vec<CouponView>>, Problem> {
    Ok(Json(coupons::list(&shop, actor).await?))
}

/// Switches a coupon off or on, or moves its total limit or its end.
#[utoipa::path(
    patch,
    path = "/api/v1/coupons/{id}",
    tag = "orders",
    params(("id" = i64, Path, minimum = 1, description = "The coupon's id")),
    request_body = CouponPatch,
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "Changed", body = CouponView),
        (status = 400, description = "A limit below what was used, or an end in the past", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such coupon", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path(Key(id)): Path<Key>,
    Body(patch): Body<CouponPatch>,
) -> Result<Json<CouponView>, Problem> {
    Ok(Json(coupons::update(&shop, actor, id, patch).await?))
}
