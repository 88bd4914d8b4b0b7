//! The catalog admin's products: the list and bulk actions, the editor with
//! variants and images, and CSV import.

use crate::error::AppError;
use entities::catalog::{
    AdminImage, AdminProduct, AdminProductFilter, AdminProductPage, AdminVariant, BulkAction, BulkReport, ImagePatch,
    ImportReport, NewProduct, NewVariant, ProductPatch, VariantPatch,
};
use leptos::prelude::*;
use leptos::server_fn::codec::{Json, MultipartData, MultipartFormData};

/// Largest CSV file the import screen takes.
pub const CSV_MAX_BYTES: usize = 50 * 1024 * 1024;

/// One page of the admin product list.
#[server(prefix = "/_sf", endpoint = "admin/products", input = Json)]
pub async fn admin_products(filter: AdminProductFilter) -> Result<AdminProductPage, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    entities::catalog::product_list::list_products(&shop, actor, &filter).await.map_err(AppError::from)
}

/// Applies one change to many products at once.
#[server(prefix = "/_sf", endpoint = "admin/bulk", input = Json)]
pub async fn admin_bulk(ids: Vec<i64>, action: BulkAction) -> Result<BulkReport, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    entities::catalog::product_list::bulk_update(&shop, actor, &ids, &action).await.map_err(AppError::from)
}

/// A product in any status, for its editor.
#[server(prefix = "/_sf", endpoint = "admin/product")]
pub async fn admin_load_product(id: i64) -> Result<AdminProduct, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    entities::catalog::products::admin_product(&shop, actor, entities::ProductId::new(id)).await.map_err(AppError::from)
}

/// Creates a product with its variants.
#[server(prefix = "/_sf", endpoint = "admin/product/create", input = Json)]
pub async fn admin_create_product(product: NewProduct) -> Result<AdminProduct, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    entities::catalog::products::create_product(&shop, actor, product).await.map_err(AppError::from)
}

/// Changes a product's own fields.
#[server(prefix = "/_sf", endpoint = "admin/product/update", input = Json)]
pub async fn admin_update_product(id: i64, patch: ProductPatch) -> Result<AdminProduct, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    entities::catalog::products::update_product(&shop, actor, entities::ProductId::new(id), patch)
        .await
        .map_err(AppError::from)
}

/// Deletes a product; one that has been ordered is archived instead. The
/// answer says which: `true` when it was archived.
#[server(prefix = "/_sf", endpoint = "admin/product/delete")]
pub async fn admin_delete_product(id: i64) -> Result<bool, AppError> {
    use entities::catalog::products::delete_product;
    use entities::catalog::products::Deletion;
    let (shop, actor) = crate::session::acting().await?;
    Ok(delete_product(&shop, actor, entities::ProductId::new(id)).await.map_err(AppError::from)? == Deletion::Archived)
}

/// Adds a variant to a product.
#[server(prefix = "/_sf", endpoint = "admin/variant/add", input = Json)]
pub async fn admin_add_variant(product_id: i64, variant: NewVariant) -> Result<AdminVariant, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    entities::catalog::variants::add_variant(&shop, actor, entities::ProductId::new(product_id), variant)
        .await
        .map_err(AppError::from)
}

/// Changes a variant.
#[server(prefix = "/_sf", endpoint = "admin/variant/update", input = Json)]
pub async fn admin_update_variant(id: i64, patch: VariantPatch) -> Result<AdminVariant, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    entities::catalog::variants::update_variant(&shop, actor, entities::VariantId::new(id), patch)
        .await
        .map_err(AppError::from)
}

/// Deletes a variant (never a product's last).
#[server(prefix = "/_sf", endpoint = "admin/variant/delete")]
pub async fn admin_delete_variant(id: i64) -> Result<(), AppError> {
    let (shop, actor) = crate::session::acting().await?;
    entities::catalog::variants::delete_variant(&shop, actor, entities::VariantId::new(id))
        .await
        .map_err(AppError::from)
}

/// A product's uploaded images with their processing status.
#[server(prefix = "/_sf", endpoint = "admin/images")]
pub async fn admin_images(product_id: i64) -> Result<Vec<AdminImage>, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    entities::catalog::images::list_images(&shop, actor, entities::ProductId::new(product_id))
        .await
        .map_err(AppError::from)
}

/// Uploads images of a product: a multipart form with `product_id`, one or
/// more `files` and optionally an `alt` text for all of them.
#[server(prefix = "/_sf", endpoint = "admin/images/upload", input = MultipartFormData)]
pub async fn admin_upload_images(data: MultipartData) -> Result<Vec<AdminImage>, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    // Only catalog staff make the server read an upload.
    entities::kernel::access::catalog_staff(actor).map_err(AppError::from)?;
    let form = crate::api::forms::read_form(
        data,
        "files",
        entities::catalog::images::MAX_FILES,
        entities::catalog::images::MAX_BYTES,
    )
    .await?;
    let product_id: i64 = form
        .text("product_id")
        .and_then(|t| t.trim().parse().ok())
        .ok_or_else(|| AppError::Fields(vec![("product_id".into(), "is missing".into())]))?;
    let alt = form.text("alt").filter(|a| !a.trim().is_empty());
    let uploads = form
        .files
        .into_iter()
        .filter(|(name, bytes)| !(name.is_empty() && bytes.is_empty()))
        .map(|(file_name, bytes)| entities::catalog::images::Upload { file_name, bytes, alt: alt.clone() })
        .collect();
    entities::catalog::images::add_images(&shop, actor, entities::ProductId::new(product_id), uploads)
        .await
        .map_err(AppError::from)
}

/// Changes an image's alt text or place in the gallery; answers the gallery.
#[server(prefix = "/_sf", endpoint = "admin/image/update", input = Json)]
pub async fn admin_update_image(id: i64, patch: ImagePatch) -> Result<Vec<AdminImage>, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    entities::catalog::images::update_image(&shop, actor, entities::ImageId::new(id), patch)
        .await
        .map_err(AppError::from)
}

/// Deletes an image and its renditions.
#[server(prefix = "/_sf", endpoint = "admin/image/delete")]
pub async fn admin_delete_image(id: i64) -> Result<(), AppError> {
    let (shop, actor) = crate::session::acting().await?;
    entities::catalog::images::delete_image(&shop, actor, entities::ImageId::new(id)).await.map_err(AppError::from)
}

/// Imports products from an uploaded CSV file (field `file`): the good rows
/// are applied, each bad one is reported with its line and reason.
#[server(prefix = "/_sf", endpoint = "admin/import", input = MultipartFormData)]
pub async fn admin_import_csv(data: MultipartData) -> Result<ImportReport, AppError> {
    let (shop, actor) = crate::session::acting().await?;
    entities::kernel::access::catalog_staff(actor).map_err(AppError::from)?;
    let form = crate::api::forms::read_form(data, "file", 1, CSV_MAX_BYTES).await?;
    let Some((_, bytes)) = form.files.into_iter().find(|(_, bytes)| !bytes.is_empty()) else {
        return Err(AppError::Fields(vec![("file".into(), "choose a CSV file".into())]));
    };
    let text =
        String::from_utf8(bytes).map_err(|_| AppError::Fields(vec![("file".into(), "is not UTF-8 text".into())]))?;
    entities::catalog::csv::import(&shop, actor, &text).await.map_err(AppError::from)
}
