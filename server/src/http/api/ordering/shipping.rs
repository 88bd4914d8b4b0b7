//! Ways to ship (`/api/v1/shipping-methods`: the shop's own and vendors'
//! own, kept by admins and by each vendor's staff) and tax rates by
//! destination (`/api/v1/tax-rates`, admins).

use crate::http::api::auth::Caller;
use crate::http::api::problem::{created, Body, Key, Path, Problem};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use entities::ordering::shipping;
use entities::ordering::{ShippingMethodInput, ShippingMethodView, TaxRateInput, TaxRateView};
use entities::Shop;

/// The shipping methods the caller keeps: every one for admins (the shop's
/// own first); the shop's and their own vendor's for vendor staff.
#[utoipa::path(
    get,
    path = "/api/v1/shipping-methods",
    tag = "orders",
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "The methods", body = [ShippingMethodView]),
        (status = 401, description = "Not signed in as staff", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(State(shop): State<Shop>, Caller(actor): Caller) -> Result<Json<Vec<ShippingMethodView>>, Problem> {
    Ok(Json(shipping::methods(&shop, actor).await?))
}

/// Makes a shipping method: flat or by weight, free from a subtotal on, in
/// one currency, to some countries or everywhere. The shop's own (admins)
/// or a vendor's (vendor staff: always their own).
#[utoipa::path(
    post,
    path = "/api/v1/shipping-methods",
    tag = "orders",
    request_body = ShippingMethodInput,
    security(("admin_token" = [])),
    responses(
        (status = 201, description = "Made", body = ShippingMethodView),
        (status = 400, description = "Each bad field named; a code its owner already has", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed to keep the shop's methods", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Body(input): Body<ShippingMethodInput>,
) -> Result<Response, Problem> {
    let made = shipping::create_method(&shop, actor, input).await?;
    Ok(created(format!("/api/v1/shipping-methods/{}", made.id), made))
}

/// Replaces a shipping method (orders keep the copy they used).
#[utoipa::path(
    put,
    path = "/api/v1/shipping-methods/{id}",
    tag = "orders",
    params(("id" = i64, Path, minimum = 1, description = "The method's id")),
    request_body = ShippingMethodInput,
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "Replaced", body = ShippingMethodView),
        (status = 400, description = "Each bad field named", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such method (or another vendor's)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn replace(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path(Key(id)): Path<Key>,
    Body(input): Body<ShippingMethodInput>,
) -> Result<Json<ShippingMethodView>, Problem> {
    Ok(Json(shipping::replace_method(&shop, actor, id, input).await?))
}

/// Deletes a shipping method (orders keep the copy they used).
#[utoipa::path(
    delete,
    path = "/api/v1/shipping-methods/{id}",
    tag = "orders",
    params(("id" = i64, Path, minimum = 1, description = "The method's id")),
    security(("admin_token" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such method (or another vendor's)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path(Key(id)): Path<Key>,
) -> Result<StatusCode, Problem> {
    shipping::delete_method(&shop, actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The tax rates by destination country (admins).
#[utoipa::path(
    get,
    path = "/api/v1/tax-rates",
    tag = "orders",
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "The rates", body = [TaxRateView]),
        (status = 401, description = "No valid admin token", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn rates(State(shop): State<Shop>, Caller(actor): Caller) -> Result<Json<Vec<TaxRateView>>, Problem> {
    Ok(Json(shipping::rates(&shop, actor).await?))
}

/// Sets a destination's tax rate (made or changed; orders keep theirs).
#[utoipa::path(
    put,
    path = "/api/v1/tax-rates/{country}",
    tag = "orders",
    params(("country" = String, Path, description = "ISO 3166-1 alpha-2 code")),
    request_body = TaxRateInput,
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "Set", body = TaxRateView),
        (status = 400, description = "Bad country, rate or name", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn set_rate(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path(country): Path<String>,
    Body(input): Body<TaxRateInput>,
) -> Result<Json<TaxRateView>, Problem> {
    Ok(Json(shipping::set_rate(&shop, actor, &country, input).await?))
}

/// Removes a destination's tax rate: orders there are taxed at 0 after.
#[utoipa::path(
    delete,
    path = "/api/v1/tax-rates/{country}",
    tag = "orders",
    params(("country" = String, Path, description = "ISO 3166-1 alpha-2 code")),
    security(("admin_token" = [])),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "The country has no rate", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_rate(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path(country): Path<String>,
) -> Result<StatusCode, Problem> {
    shipping::delete_rate(&shop, actor, &country).await?;
    Ok(StatusCode::NO_CONTENT)
}
