//! Products and their variants under `/api/v1/products` and `/api/v1/variants`.

use crate::http::api::auth::Caller;
use crate::http::api::problem::{created, Body, Path, Problem, Query, RawBody};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use entities::catalog::listing::{ProductQuery, ProductSort};
use entities::catalog::AdminProduct;
use entities::catalog::AdminVariant;
use entities::catalog::NewProduct;
use entities::catalog::NewVariant;
use entities::catalog::ProductPatch;
use entities::catalog::VariantPatch;
use entities::catalog::{ProductCard, ProductDetail, ProductList, ProductRecommendations};
use entities::Shop;
use entities::{ProductId, VariantId};
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
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    limit: Option<String>,
    /// The `next_cursor` of the previous page (of the same sort).
    cursor: Option<String>,
    /// `id` (default), `price` (cheapest first), `-price`, `newest` or `rating` (best first).
    #[param(schema_with = crate::http::api::openapi::product_sorts)]
    sort: Option<String>,
}

fn product_id(text: &str) -> Result<ProductId, Problem> {
    text.parse::<ProductId>().map_err(|_| Problem::invalid_field("id", "must be a positive whole number"))
}

fn variant_id(text: &str) -> Result<i64, Problem> {
    text.parse::<VariantId>()
        .map(VariantId::get)
        .map_err(|_| Problem::invalid_field("id", "must be a positive whole number"))
}

/// Lists products for sale, filtered by `category` (slug, with its
/// sub-categories) and `vendor` (slug), in the order of `sort`, `limit` per
/// page (1–100, default 24), continuing after `cursor` (the previous page's
/// `next_cursor`).
#[utoipa::path(
    get,
    path = "/api/v1/products",
    tag = "catalog",
    params(ListParams),
    responses(
        (status = 200, description = "One page of products", body = ProductList),
        (status = 400, description = "A bad filter, sort, limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(State(shop): State<Shop>, Query(params): Query<ListParams>) -> Result<Json<ProductList>, Problem> {
    let limit = match params.limit.as_deref() {
        None => DEFAULT_LIMIT,
        Some(text) => text.parse().map_err(|_| Problem::invalid_field("limit", "must be a whole number"))?,
    };
    let sort = match params.sort.as_deref() {
        None => ProductSort::default(),
        Some(name) => ProductSort::parse(name).ok_or_else(|| {
            let names: Vec<&str> = ProductSort::NAMES.iter().map(|(n, _)| *n).collect();
            Problem::invalid_field("sort", format!("must be one of {}", names.join(", ")))
        })?,
    };
    let query = ProductQuery { category: params.category, vendor: params.vendor, limit, cursor: params.cursor, sort };
    Ok(Json(entities::catalog::listing::list_products(&shop, &query).await?))
}

/// One product for sale with its variants.
#[utoipa::path(
    get,
    path = "/api/v1/products/{id}",
    tag = "catalog",
    params(("id" = i64, Path, minimum = 1, description = "Product id")),
    responses(
        (status = 200, description = "The product", body = ProductDetail),
        (status = 400, description = "The id is not a positive whole number", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No product for sale has this id", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_one(State(shop): State<Shop>, Path(id): Path<String>) -> Result<Json<ProductDetail>, Problem> {
    Ok(Json(entities::catalog::listing::product_by_id(&shop, product_id(&id)?).await?))
}

/// A product in any status (draft and archived included), as its admin or
/// vendor edits it.
#[utoipa::path(
    get,
    path = "/api/v1/products/{id}/edit",
    tag = "catalog admin",
    params(("id" = i64, Path, minimum = 1, description = "Product id")),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "The product", body = AdminProduct),
        (status = 401, description = "No valid admin token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No product has this id", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_for_edit(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<Json<AdminProduct>, Problem> {
    Ok(Json(entities::catalog::products::admin_product(&shop, actor, product_id(&id)?).await?))
}

/// Creates a product with its variants (status `draft` unless given).
#[utoipa::path(
    post,
    path = "/api/v1/products",
    tag = "catalog admin",
    request_body = NewProduct,
    security(("admin_token" = [])),
    responses(
        (status = 201, description = "The new product; `Location` has its address", body = AdminProduct),
        (status = 400, description = "Fields are not acceptable (each one is listed)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid admin token", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Body(new): Body<NewProduct>,
) -> Result<Response, Problem> {
    let product = entities::catalog::products::create_product(&shop, actor, new).await?;
    Ok(created(format!("/api/v1/products/{}", product.id), product))
}

/// Changes a product: title, description, brand, attributes, status,
/// featured flag, category, or (admins) vendor.
#[utoipa::path(
    patch,
    path = "/api/v1/products/{id}",
    tag = "catalog admin",
    params(("id" = i64, Path, minimum = 1, description = "Product id")),
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
    Body(patch): Body<ProductPatch>,
) -> Result<Json<AdminProduct>, Problem> {
    Ok(Json(entities::catalog::products::update_product(&shop, actor, product_id(&id)?, patch).await?))
}

/// Deletes a product with its variants and images (and the cart lines that
/// hold it). A product that has been ordered is archived instead — off the
/// shop, kept for its orders — and answered with its new state.
#[utoipa::path(
    delete,
    path = "/api/v1/products/{id}",
    tag = "catalog admin",
    params(("id" = i64, Path, minimum = 1, description = "Product id")),
    security(("admin_token" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 200, description = "Archived instead, because orders name it", body = AdminProduct),
        (status = 401, description = "No valid admin token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No product has this id", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let id = product_id(&id)?;
    Ok(match entities::catalog::products::delete_product(&shop, actor, id).await? {
        entities::catalog::products::Deletion::Deleted => StatusCode::NO_CONTENT.into_response(),
        entities::catalog::products::Deletion::Archived => {
            Json(entities::catalog::products::admin_product(&shop, actor, id).await?).into_response()
        }
    })
}

/// Adds a variant to a product.
#[utoipa::path(
    post,
    path = "/api/v1/products/{id}/variants",
    tag = "catalog admin",
    params(("id" = i64, Path, minimum = 1, description = "Product id")),
    request_body = NewVariant,
    security(("admin_token" = [])),
    responses(
        (status = 201, description = "The new variant", body = AdminVariant),
        (status = 400, description = "Fields are not acceptable", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid admin token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No product has this id", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn add_variant(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    Body(new): Body<NewVariant>,
) -> Result<Response, Problem> {
    let variant = entities::catalog::variants::add_variant(&shop, actor, product_id(&id)?, new).await?;
    Ok(created(format!("/api/v1/variants/{}", variant.id), variant))
}

/// Changes a variant: SKU, options, price, stock, backorders.
#[utoipa::path(
    patch,
    path = "/api/v1/variants/{id}",
    tag = "catalog admin",
    params(("id" = i64, Path, minimum = 1, description = "Variant id")),
    request_body = VariantPatch,
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "The variant after the change", body = AdminVariant),
        (status = 400, description = "A field is not acceptable", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid admin token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No variant has this id", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_variant(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    Body(patch): Body<VariantPatch>,
) -> Result<Json<AdminVariant>, Problem> {
    Ok(Json(
        entities::catalog::variants::update_variant(&shop, actor, entities::VariantId::new(variant_id(&id)?), patch)
            .await?,
    ))
}

/// Deletes a variant (never a product's last one).
#[utoipa::path(
    delete,
    path = "/api/v1/variants/{id}",
    tag = "catalog admin",
    params(("id" = i64, Path, minimum = 1, description = "Variant id")),
    security(("admin_token" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No valid admin token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No variant has this id", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "It is the product's only variant", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_variant(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    entities::catalog::variants::delete_variant(&shop, actor, entities::VariantId::new(variant_id(&id)?)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// "Frequently bought together" (from carts until orders exist) and
/// "similar" (category, brand, attributes, price) for a product for sale.
#[utoipa::path(
    get,
    path = "/api/v1/products/{id}/recommendations",
    tag = "catalog",
    params(("id" = i64, Path, minimum = 1, description = "Product id")),
    responses(
        (status = 200, description = "Up to 6 of each", body = ProductRecommendations),
        (status = 404, description = "No product for sale has this id", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn recommendations(
    State(shop): State<Shop>,
    Path(id): Path<String>,
) -> Result<Json<ProductRecommendations>, Problem> {
    Ok(Json(entities::catalog::recommend::for_product(&shop, product_id(&id)?).await?))
}

/// The most viewed products over the last two days, most first (up to 24).
#[utoipa::path(
    get,
    path = "/api/v1/trending",
    tag = "catalog",
    responses((status = 200, description = "Trending products", body = Vec<ProductCard>))
)]
pub async fn trending(State(shop): State<Shop>) -> Result<Json<Vec<ProductCard>>, Problem> {
    Ok(Json(entities::catalog::recommend::trending(&shop, 24).await?))
}

/// Every product (any status) as CSV, one row per variant, in the columns
/// the import takes. Admins only.
#[utoipa::path(
    get,
    path = "/api/v1/products/export.csv",
    tag = "catalog admin",
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "The catalog as CSV", content_type = "text/csv", body = String),
        (status = 401, description = "No valid admin token", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn export_csv(State(shop): State<Shop>, Caller(actor): Caller) -> Result<Response, Problem> {
    use axum::response::IntoResponse;
    let csv = entities::catalog::csv::export(&shop, actor).await?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (axum::http::header::CONTENT_DISPOSITION, "attachment; filename=\"products.csv\""),
        ],
        csv,
    )
        .into_response())
}

/// Creates and updates products from CSV (the export's columns; see
/// docs/API.md). Rows with `product_id` update that product (a variant by
/// its SKU, or a new variant); rows without it create products, grouped by
/// `slug` (or `title`). A bad row is listed with its line and reason and
/// skipped; the good rows are applied.
#[utoipa::path(
    post,
    path = "/api/v1/products/import",
    tag = "catalog admin",
    request_body(content = String, content_type = "text/csv"),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "What was applied, and each row that was not", body = entities::catalog::ImportReport),
        (status = 400, description = "Not CSV with a known header", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid admin token", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn import_csv(
    State(shop): State<Shop>,
    Caller(actor): Caller,
    request: axum::extract::Request,
) -> Result<Json<entities::catalog::ImportReport>, Problem> {
    // Who may, before a byte of the body is read.
    entities::kernel::access::catalog_staff(actor)?;
    let RawBody(body) = <RawBody as axum::extract::FromRequest<()>>::from_request(request, &()).await?;
    let text = std::str::from_utf8(&body).map_err(|_| Problem::invalid_field("body", "is not UTF-8 text"))?;
    Ok(Json(entities::catalog::csv::import(&shop, actor, text).await?))
}
