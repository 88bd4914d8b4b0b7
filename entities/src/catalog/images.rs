//! Uploading product images. The request only checks the files, stores each
//! upload as it came and records an `image.uploaded` event with the image
//! row; the image processor (a server worker) makes the renditions off the
//! request path, and the product page shows a placeholder until then.

use crate::catalog::{AdminImage, ImagePatch, ImageStatus};
use crate::events::{DomainEvent, ImageUploaded};
use crate::kernel::{ImageId, ProductId};

use crate::catalog::products::changed;
use crate::catalog::{rendition_url, RENDITION_WIDTHS};
use crate::events::outbox;
use crate::kernel::access::{authorize, catalog_staff, Action, Actor};
use crate::kernel::validate::Check;
use crate::model::{product, product_image};
use crate::write_txn;
use crate::ServiceError;
use crate::ServiceResult;
use crate::Shop;
use object_store::path::Path as ObjectPath;
use object_store::PutPayload;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
};

/// Largest file accepted, in bytes.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;
/// Most files in one upload.
pub const MAX_FILES: usize = 8;
/// Most uploaded images one product may have.
pub const MAX_PER_PRODUCT: u64 = 12;
const ALT_MAX: usize = 300;

/// Image formats accepted, told by their bytes, never by a file's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    /// JPEG.
    Jpeg,
    /// PNG.
    Png,
    /// GIF (its first frame is used).
    Gif,
    /// WebP.
    Webp,
}

/// The format of `bytes` by their signature, or `None` when they are not
/// an image we take.
pub fn sniff(bytes: &[u8]) -> Option<ImageFormat> {
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => Some(ImageFormat::Jpeg),
        [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some(ImageFormat::Png),
        [b'G', b'I', b'F', b'8', b'7' | b'9', b'a', ..] => Some(ImageFormat::Gif),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some(ImageFormat::Webp),
        _ => None,
    }
}

/// One file of an upload.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The name the client gave (only for messages).
    pub file_name: String,
    /// The file.
    pub bytes: Vec<u8>,
    /// Text for screen readers; the product's title when absent.
    pub alt: Option<String>,
}

impl From<product_image::Model> for AdminImage {
    fn from(row: product_image::Model) -> Self {
        let renditions = if row.status == ImageStatus::Ready {
            RENDITION_WIDTHS.iter().map(|w| rendition_url(&row.object_key, *w)).collect()
        } else {
            Vec::new()
        };
        AdminImage {
            id: row.id,
            status: row.status,
            alt: row.alt,
            position: row.position,
            renditions,
            error: row.error,
        }
    }
}

/// Where an upload waits for the processor, inside the image's folder.
pub fn upload_key(folder: &str) -> ObjectPath {
    ObjectPath::from(format!("{folder}/upload"))
}

/// Adds images to product `product_id`.
///
/// # Errors
/// `NotFound` for an unknown product (or another vendor's); `InvalidFields`
/// naming each file that is empty, too large, or not an image by its bytes,
/// or when the product would have more than [`MAX_PER_PRODUCT`] images;
/// `Port` when the object store fails.
/// Whether `actor` may add images to product `product_id`: asked before an
/// upload's body is read, so nobody else can make the server read one.
///
/// # Errors
/// `Unauthenticated`, `Forbidden`, or `NotFound` for an unknown product (or
/// another vendor's).
pub async fn may_add_images(shop: &Shop, actor: Actor, product_id: ProductId) -> ServiceResult<()> {
    catalog_staff(actor)?;
    let product =
        product::Entity::find_by_id(product_id.get()).one(&shop.db).await?.ok_or(ServiceError::NotFound("product"))?;
    authorize(actor, Action::EditProduct { vendor_id: product.vendor_id })
}

#[tracing::instrument(skip(shop, uploads), fields(files = uploads.len()))]
pub async fn add_images(
    shop: &Shop,
    actor: Actor,
    product_id: ProductId,
    uploads: Vec<Upload>,
) -> ServiceResult<Vec<AdminImage>> {
    let product_id = product_id.get();
    catalog_staff(actor)?;
    let product =
        product::Entity::find_by_id(product_id).one(&shop.db).await?.ok_or(ServiceError::NotFound("product"))?;
    authorize(actor, Action::EditProduct { vendor_id: product.vendor_id })?;
    let mut check = Check::default();
    if uploads.is_empty() {
        check.fail("files", "must hold at least one image");
    }
    if uploads.len() > MAX_FILES {
        check.fail("files", format!("at most {MAX_FILES} files at once"));
    }
    let existing = product_image::Entity::find()
        .filter(product_image::Column::ProductId.eq(product_id))
        .filter(product_image::Column::Kind.eq("upload"))
        .count(&shop.db)
        .await?;
    if existing + uploads.len() as u64 > MAX_PER_PRODUCT {
        check.fail("files", format!("a product has at most {MAX_PER_PRODUCT} images; it has {existing}"));
    }
    for (i, upload) in uploads.iter().enumerate() {
        let field = format!("files[{i}]");
        if upload.bytes.is_empty() {
            check.fail(field, format!("{} is empty", upload.file_name));
        } else if upload.bytes.len() > MAX_BYTES {
            check.fail(field, format!("{} is larger than {} MB", upload.file_name, MAX_BYTES / (1024 * 1024)));
        } else if sniff(&upload.bytes).is_none() {
            check.fail(field, format!("{} is not a JPEG, PNG, GIF or WebP image", upload.file_name));
        }
        if let Some(alt) = &upload.alt {
            check.long_text(format!("files[{i}].alt"), alt, ALT_MAX);
        }
    }
    check.done()?;

    // The uploads go to the store first: a failed transaction leaves an
    // orphan file behind, never a row without its file.
    let mut folders = Vec::with_capacity(uploads.len());
    for upload in &uploads {
        let folder = format!("images/{}", uuid::Uuid::new_v4().simple());
        shop.objects
            .put(&upload_key(&folder), PutPayload::from(upload.bytes.clone()))
            .await
            .map_err(|e| crate::ports::PortError::unavailable("object store", e))?;
        folders.push(folder);
    }
    let txn = write_txn(&shop.db).await?;
    let mut created = Vec::with_capacity(uploads.len());
    for (n, (upload, folder)) in uploads.into_iter().zip(folders).enumerate() {
        let alt =
            upload.alt.map(|a| a.trim().to_owned()).filter(|a| !a.is_empty()).unwrap_or_else(|| product.title.clone());
        let row = product_image::ActiveModel {
            product_id: Set(product_id),
            position: Set((existing as usize + n) as i32),
            object_key: Set(folder),
            alt: Set(alt),
            status: Set(ImageStatus::Pending),
            kind: Set("upload".to_owned()),
            width: Set(None),
            height: Set(None),
            error: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let uploaded = ImageUploaded { image_id: ImageId::new(row.id), product_id: ProductId::new(product_id) };
        outbox::record(&txn, DomainEvent::ImageUploaded(uploaded)).await?;
        created.push(AdminImage::from(row));
    }
    // The page shows the placeholder at once.
    changed(&txn, product_id, &product.slug).await?;
    txn.commit().await?;
    Ok(created)
}

/// The images of a product, as its editor sees them.
///
/// # Errors
/// `NotFound` for an unknown product (or another vendor's).
pub async fn list_images(shop: &Shop, actor: Actor, product_id: ProductId) -> ServiceResult<Vec<AdminImage>> {
    let product_id = product_id.get();
    catalog_staff(actor)?;
    let product =
        product::Entity::find_by_id(product_id).one(&shop.db).await?.ok_or(ServiceError::NotFound("product"))?;
    authorize(actor, Action::EditProduct { vendor_id: product.vendor_id })?;
    let rows = product_image::Entity::find()
        .filter(product_image::Column::ProductId.eq(product_id))
        .filter(product_image::Column::Kind.eq("upload"))
        .all(&shop.db)
        .await?;
    let mut images: Vec<AdminImage> = rows.into_iter().map(AdminImage::from).collect();
    images.sort_by_key(|i| (i.position, i.id));
    Ok(images)
}

/// Uploaded image `image_id` and its product, when `actor` may change them;
/// another vendor's image is `NotFound`, like an unknown one.
async fn editable_image<C: ConnectionTrait>(
    txn: &C,
    actor: Actor,
    image_id: i64,
) -> ServiceResult<(product_image::Model, product::Model)> {
    let image = product_image::Entity::find_by_id(image_id)
        .filter(product_image::Column::Kind.eq("upload"))
        .one(txn)
        .await?
        .ok_or(ServiceError::NotFound("image"))?;
    let product =
        product::Entity::find_by_id(image.product_id).one(txn).await?.ok_or(ServiceError::NotFound("image"))?;
    authorize(actor, Action::EditProduct { vendor_id: product.vendor_id }).map_err(|e| match e {
        ServiceError::NotFound(_) => ServiceError::NotFound("image"),
        other => other,
    })?;
    Ok((image, product))
}

/// Changes an image's alt text or moves it in the gallery.
///
/// # Errors
/// `NotFound` for an unknown image (or another vendor's); `InvalidFields`.
#[tracing::instrument(skip(shop, patch))]
pub async fn update_image(
    shop: &Shop,
    actor: Actor,
    image_id: ImageId,
    patch: ImagePatch,
) -> ServiceResult<Vec<AdminImage>> {
    let image_id = image_id.get();
    catalog_staff(actor)?;
    let mut check = Check::default();
    let alt = patch.alt.as_deref().map(|a| check.text("alt", a, ALT_MAX));
    if patch.position.is_some_and(|p| p < 0) {
        check.fail("position", "must be 0 or more");
    }
    check.done()?;
    let txn = write_txn(&shop.db).await?;
    let (_, product) = editable_image(&txn, actor, image_id).await?;
    let mut gallery = product_image::Entity::find()
        .filter(product_image::Column::ProductId.eq(product.id))
        .filter(product_image::Column::Kind.eq("upload"))
        .all(&txn)
        .await?;
    gallery.sort_by_key(|i| (i.position, i.id));
    let from = gallery.iter().position(|i| i.id == image_id).unwrap_or_default();
    let moved = gallery.remove(from);
    let to = patch.position.map_or(from, |p| (p as usize).min(gallery.len()));
    gallery.insert(to, moved);
    for (position, row) in gallery.into_iter().enumerate() {
        let new_alt = if row.id == image_id { alt.clone() } else { None };
        if row.position != position as i32 || new_alt.is_some() {
            let mut active: product_image::ActiveModel = row.into();
            active.position = Set(position as i32);
            if let Some(a) = new_alt {
                active.alt = Set(a);
            }
            active.update(&txn).await?;
        }
    }
    changed(&txn, product.id, &product.slug).await?;
    txn.commit().await?;
    list_images(shop, actor, crate::kernel::ProductId::new(product.id)).await
}

/// Deletes an uploaded image; its files are removed from the store.
///
/// # Errors
/// `NotFound` for an unknown image (or another vendor's).
#[tracing::instrument(skip(shop))]
pub async fn delete_image(shop: &Shop, actor: Actor, image_id: ImageId) -> ServiceResult<()> {
    let image_id = image_id.get();
    catalog_staff(actor)?;
    let txn = write_txn(&shop.db).await?;
    let (image, product) = editable_image(&txn, actor, image_id).await?;
    product_image::Entity::delete_by_id(image_id).exec(&txn).await?;
    changed(&txn, product.id, &product.slug).await?;
    txn.commit().await?;
    // Files of a deleted image are only garbage now; a failure is logged.
    let mut keys = vec![upload_key(&image.object_key)];
    keys.extend(RENDITION_WIDTHS.iter().map(|w| ObjectPath::from(format!("{}/w{w}.webp", image.object_key))));
    for ext in ["jpg", "png"] {
        keys.push(ObjectPath::from(format!("{}/original.{ext}", image.object_key)));
    }
    for key in keys {
        if let Err(e) = shop.objects.delete(&key).await {
            if !matches!(e, object_store::Error::NotFound { .. }) {
                tracing::warn!(error = %e, %key, "could not delete an image file");
            }
        }
    }
    Ok(())
}

/// Marks image `image_id` processed (or failed) and tells the product's
/// readers. Called by the image processor.
///
/// # Errors
/// When the database fails.
pub async fn finish_processing(
    shop: &Shop,
    image_id: ImageId,
    outcome: Result<(u32, u32), String>,
) -> ServiceResult<()> {
    let image_id = image_id.get();
    let txn = write_txn(&shop.db).await?;
    let Some(image) = product_image::Entity::find_by_id(image_id).one(&txn).await? else {
        return Ok(()); // Deleted meanwhile.
    };
    let product_id = image.product_id;
    let mut row: product_image::ActiveModel = image.into();
    match outcome {
        Ok((width, height)) => {
            row.status = Set(ImageStatus::Ready);
            row.width = Set(i32::try_from(width).ok());
            row.height = Set(i32::try_from(height).ok());
            row.error = Set(None);
        }
        Err(reason) => {
            row.status = Set(ImageStatus::Failed);
            row.error = Set(Some(reason.chars().take(300).collect()));
        }
    }
    row.update(&txn).await?;
    if let Some(product) = product::Entity::find_by_id(product_id).one(&txn).await? {
        changed(&txn, product.id, &product.slug).await?;
    }
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_by_their_bytes() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), Some(ImageFormat::Jpeg));
        assert_eq!(sniff(b"\\x89PNG\\r\\n\\x1a\\n....".as_slice()), None, "escaped text is not a PNG");
        assert_eq!(sniff(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0]), Some(ImageFormat::Png));
        assert_eq!(sniff(b"GIF89a...."), Some(ImageFormat::Gif));
        assert_eq!(sniff(b"RIFF\x10\x00\x00\x00WEBPVP8 "), Some(ImageFormat::Webp));
        assert_eq!(sniff(b"<svg xmlns=...>"), None);
        assert_eq!(sniff(b"%PDF-1.7"), None);
        assert_eq!(sniff(b""), None);
    }
}
