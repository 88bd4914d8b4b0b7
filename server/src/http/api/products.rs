//! `GET /api/v1/products` and `GET /api/v1/products/{id}`.

use super::auth::Caller;
use super::problem::Problem;
use axum::extract::{Path, Query, State};
use axum::Json;
use entities::services::catalog_admin::{self, AdminProduct, ProductPatch};
use entities::services::catalog_api::{self, ProductQuery};
use entities::services::Shop;
use entities::views::{ProductDetail, ProductList};
use entities::ProductId;
use serde::Deserialize;

/// Items per page when `limit` is not given.
const DEFAULT_LIMIT: u32 = 24;

/// The query string of a product list, as text: parsed here so a bad value
/// gets a field error in the problem shape, not a bare rejection.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Only this category and the categories below it (slug).
    category: Option<String>,
    /// Only this vendor's products (slug).
    vendor: Option<String>,
    /// Products per page, 1 to 100 (default 24).
    #[param(value_type = Option<u32>)]
    limit: Option<String>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// Lists products for sale in id order, filtered by `category` (slug, with
/// its sub-categories) and `vendor` (slug), `limit` per page (1–100,
/// default 24), continuing after `cursor` (the previous page's `next_cursor`).
#[utoipa::path(
    get,
    path = "/api/v1/products",
    tag = "catalog",
    params(ListParams),
    responses(
        (status = 200, description = "One page of products", body = ProductList),
        (status = 400, description = "A bad filter, limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(State(shop): State<Shop>, Query(params): Query<ListParams>) -> Result<Json<ProductList>, Problem> {
    let limit = match params.limit.as_deref() {
        None => DEFAULT_LIMIT,
        Some(text) => text.parse().map_err(|_| Problem::invalid_field("limit", "must be a whole number"))?,
    };
    let query = ProductQuery { category: params.category, vendor: params.vendor, limit, cursor: params.cursor };
    Ok(Json(catalog_api::list_products(&shop, &query).await?))
}

/// One product for sale with its variants.
#[utoipa::path(
    get,
    path = "/api/v1/products/{id}",
    tag = "catalog",
    params(("id" = i64, Path, description = "Product id")),
    responses(
        (status = 200, description = "The product", body = ProductDetail),
        (status = 400, description = "The id is not a positive whole number", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No product for sale has this id", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_one(State(shop): State<Shop>, Path(id): Path<String>) -> Result<Json<ProductDetail>, Problem> {
    let id: ProductId = id.parse().map_err(|_| Problem::invalid_field("id", "must be a positive whole number"))?;
    Ok(Json(catalog_api::product_by_id(&shop, id.get()).await?))
}

/// Changes a product's title, description, brand, status or featured flag.
/// Admins only (`Authorization: Bearer <api.admin_token>`).
#[utoipa::path(
    patch,
    path = "/api/v1/products/{id}",
    tag = "catalog",
    params(("id" = i64, Path, description = "Product id")),
    request_body = ProductPatch,
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "The product after the change", body = AdminProduct),
        (status = 400, description = "A field is not acceptable", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid admin token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No product has this id", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    body: Result<Json<ProductPatch>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<AdminProduct>, Problem> {
    let id: ProductId = id.parse().map_err(|_| Problem::invalid_field("id", "must be a positive whole number"))?;
    let Json(patch) = body.map_err(|e| Problem::invalid_field("body", e.body_text()))?;
    Ok(Json(catalog_admin::update_product(&shop, actor, id.get(), patch).await?))
}
