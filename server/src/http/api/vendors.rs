//! `GET /api/v1/vendors`, `GET /api/v1/vendors/{slug}` and `GET /api/v1/categories`.

use super::problem::Problem;
use axum::extract::{Path, State};
use axum::Json;
use entities::services::{catalog_api, Shop};
use entities::views::{CategoryNode, VendorView};

/// All vendors, by name.
pub async fn list(State(shop): State<Shop>) -> Result<Json<Vec<VendorView>>, Problem> {
    Ok(Json(catalog_api::vendors(&shop).await?))
}

/// One vendor.
pub async fn get_one(State(shop): State<Shop>, Path(slug): Path<String>) -> Result<Json<VendorView>, Problem> {
    Ok(Json(catalog_api::vendor_by_slug(&shop, &slug).await?))
}

/// The category tree.
pub async fn categories(State(shop): State<Shop>) -> Result<Json<Vec<CategoryNode>>, Problem> {
    Ok(Json(catalog_api::category_tree(&shop).await?))
}
