//! `GET /images/products/{id}.svg`: the product's picture, rendered on first
//! request and kept in the object store.

use crate::art::{product_svg, product_svg_in};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use entities::catalog::ProductStatus;
use entities::model::{product, variant};
use entities::Shop;
use object_store::{path::Path as ObjectPath, ObjectStore, PutPayload};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::sync::Arc;

/// Generated art follows the product's title, which can change; a day is long
/// enough for browsers and CDNs. Uploaded renditions (issue 3) get
/// content-addressed keys and can then be cached for a year.
const CACHE_FOR_A_DAY: &str = "public, max-age=86400";

/// Serves a product picture; 404 for an unknown product or a bad name.
pub async fn product_image(
    Path(file): Path<String>,
    State(shop): State<Shop>,
    State(store): State<Arc<dyn ObjectStore>>,
) -> Response {
    let Some(id) = file.strip_suffix(".svg").and_then(|n| n.parse::<i64>().ok()).filter(|n| *n > 0) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let key = ObjectPath::from(format!("products/{id}.svg"));
    if let Ok(found) = store.get(&key).await {
        if let Ok(bytes) = found.bytes().await {
            return svg(bytes);
        }
    }
    let product = match product::Entity::find_by_id(id)
        .filter(product::Column::Status.eq(ProductStatus::Active))
        .one(&shop.db)
        .await
    {
        Ok(Some(p)) => p,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!(error = %e, "could not read product for its image");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let bytes = Bytes::from(product_svg(product.id, &product.title));
    if let Err(e) = store.put(&key, PutPayload::from_bytes(bytes.clone())).await {
        // Serving still works; the picture is rendered again next time.
        tracing::warn!(error = %e, "could not store a rendered image");
    }
    svg(bytes)
}

fn svg(bytes: Bytes) -> Response {
    ([(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, CACHE_FOR_A_DAY)], bytes).into_response()
}

/// Serves a variant's picture: the product's art in the variant's colour
/// (`Colour` option), rendered on first request and stored; 404 for an
/// unknown product or variant, or a variant of another product.
pub async fn variant_image(
    Path((product_id, file)): Path<(String, String)>,
    State(shop): State<Shop>,
    State(store): State<Arc<dyn ObjectStore>>,
) -> Response {
    let parse = |s: &str| s.parse::<i64>().ok().filter(|n| *n > 0);
    let (Some(product_id), Some(variant_id)) = (parse(&product_id), file.strip_suffix(".svg").and_then(parse)) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let key = ObjectPath::from(format!("products/{product_id}/variants/{variant_id}.svg"));
    if let Ok(found) = store.get(&key).await {
        if let Ok(bytes) = found.bytes().await {
            return svg(bytes);
        }
    }
    let found = async {
        let product = product::Entity::find_by_id(product_id)
            .filter(product::Column::Status.eq(ProductStatus::Active))
            .one(&shop.db)
            .await?;
        let variant = variant::Entity::find_by_id(variant_id)
            .filter(variant::Column::ProductId.eq(product_id))
            .one(&shop.db)
            .await?;
        Ok::<_, sea_orm::DbErr>(product.zip(variant))
    };
    let (product, variant) = match found.await {
        Ok(Some(pair)) => pair,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!(error = %e, "could not read a variant for its image");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let colour = variant
        .options
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|pair| Some((pair.get(0)?.as_str()?, pair.get(1)?.as_str()?)))
        .find(|(name, _)| name.eq_ignore_ascii_case("colour") || name.eq_ignore_ascii_case("color"))
        .map(|(_, value)| value.to_owned());
    let bytes = Bytes::from(product_svg_in(product.id, &product.title, colour.as_deref()));
    if let Err(e) = store.put(&key, PutPayload::from_bytes(bytes.clone())).await {
        tracing::warn!(error = %e, "could not store a rendered image");
    }
    svg(bytes)
}

/// Uploaded images never change under their key (a new upload gets a new
/// folder), so browsers and CDNs may keep them for a year.
const CACHE_FOREVER: &str = "public, max-age=31536000, immutable";

/// `GET /media/images/<folder>/<file>`: a processed image — its renditions
/// (`w200.webp`, `w600.webp`, `w1600.webp`) or its cleaned original. The
/// upload as sent is never served.
pub async fn media(Path(key): Path<String>, State(store): State<Arc<dyn ObjectStore>>) -> Response {
    let Some(content_type) = media_type(&key) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match store.get(&ObjectPath::from(key.as_str())).await {
        Ok(found) => match found.bytes().await {
            Ok(bytes) => {
                ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, CACHE_FOREVER)], bytes).into_response()
            }
            Err(e) => {
                tracing::error!(error = %e, %key, "could not read a stored image");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
        },
        Err(object_store::Error::NotFound { .. }) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!(error = %e, %key, "could not read a stored image");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// The content type of a servable media key, or `None` for anything else.
fn media_type(key: &str) -> Option<&'static str> {
    let (folder, file) = key.strip_prefix("images/")?.split_once('/')?;
    if folder.len() != 32 || !folder.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    match file {
        "original.jpg" => Some("image/jpeg"),
        "original.png" => Some("image/png"),
        f if f.starts_with('w') && f.ends_with(".webp") && f[1..f.len() - 5].parse::<u32>().is_ok() => {
            Some("image/webp")
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_processed_files_in_image_folders_are_served() {
        let folder = "images/0123456789abcdef0123456789abcdef";
        assert_eq!(media_type(&format!("{folder}/w600.webp")), Some("image/webp"));
        assert_eq!(media_type(&format!("{folder}/original.jpg")), Some("image/jpeg"));
        assert_eq!(media_type(&format!("{folder}/upload")), None, "the upload as sent");
        assert_eq!(media_type(&format!("{folder}/wide.webp")), None);
        assert_eq!(media_type("images/../secrets/w1.webp"), None);
        assert_eq!(media_type("products/1.svg"), None);
    }
}
