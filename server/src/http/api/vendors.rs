//! `GET /api/v1/vendors`, `GET /api/v1/vendors/{slug}` and `GET /api/v1/categories`.

use super::problem::Problem;
use axum::extract::{Path, State};
use axum::Json;
use entities::services::{catalog_api, Shop};
use entities::views::{CategoryNode, VendorView};

/// All vendors, by name.
#[utoipa::path(get, path = "/api/v1/vendors", tag = "catalog", responses((status = 200, description = "Every vendor", body = Vec<VendorView>)))]
pub async fn list(State(shop): State<Shop>) -> Result<Json<Vec<VendorView>>, Problem> {
    Ok(Json(catalog_api::vendors(&shop).await?))
}

/// One vendor.
#[utoipa::path(
    get,
    path = "/api/v1/vendors/{slug}",
    tag = "catalog",
    params(("slug" = String, Path, description = "Vendor slug")),
    responses(
        (status = 200, description = "The vendor", body = VendorView),
        (status = 404, description = "No vendor has this slug", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_one(State(shop): State<Shop>, Path(slug): Path<String>) -> Result<Json<VendorView>, Problem> {
    Ok(Json(catalog_api::vendor_by_slug(&shop, &slug).await?))
}

/// The category tree.
#[utoipa::path(get, path = "/api/v1/categories", tag = "catalog", responses((status = 200, description = "Top-level categories with their sub-categories", body = Vec<CategoryNode>)))]
pub async fn categories(State(shop): State<Shop>) -> Result<Json<Vec<CategoryNode>>, Problem> {
    Ok(Json(catalog_api::category_tree(&shop).await?))
}
