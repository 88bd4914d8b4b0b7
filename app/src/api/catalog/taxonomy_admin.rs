//! The catalog admin's category tree and the vendor list.

use crate::error::AppError;
use entities::catalog::VendorView;
use entities::catalog::{AdminCategory, AdminCategoryNode, CategoryPatch, NewCategory};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Every category in tree order, with counts.
#[server(prefix = "/_sf", endpoint = "admin/categories")]
pub async fn admin_categories() -> Result<Vec<AdminCategoryNode>, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    entities::catalog::taxonomy::list_categories(&shop, actor).await.map_err(AppError::from)
}

/// Creates a category.
#[server(prefix = "/_sf", endpoint = "admin/category/create", input = Json)]
pub async fn admin_create_category(category: NewCategory) -> Result<AdminCategory, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    entities::catalog::taxonomy::create_category(&shop, actor, category).await.map_err(AppError::from)
}

/// Renames, reorders or moves a category (with its subtree).
#[server(prefix = "/_sf", endpoint = "admin/category/update", input = Json)]
pub async fn admin_update_category(slug: String, patch: CategoryPatch) -> Result<AdminCategory, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    entities::catalog::taxonomy::update_category(&shop, actor, &slug, patch).await.map_err(AppError::from)
}

/// Deletes an empty category.
#[server(prefix = "/_sf", endpoint = "admin/category/delete")]
pub async fn admin_delete_category(slug: String) -> Result<(), AppError> {
    let (shop, actor) = crate::session::acting().await?;
    entities::catalog::taxonomy::delete_category(&shop, actor, &slug).await.map_err(AppError::from)
}

/// The vendors, for the editor's and the list's choices.
#[server(prefix = "/_sf", endpoint = "admin/vendors")]
pub async fn admin_vendors() -> Result<Vec<VendorView>, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    entities::kernel::access::catalog_staff(actor).map_err(AppError::from)?;
    entities::catalog::listing::vendors(&shop).await.map_err(AppError::from)
}
