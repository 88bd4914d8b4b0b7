//! `GET /images/products/{id}.svg`: the product's picture, rendered on first
//! request and kept in the object store.

use crate::art::product_svg;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use entities::model::product;
use entities::services::Shop;
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
    let product = match product::Entity::find_by_id(id).filter(product::Column::Status.eq("active")).one(&shop.db).await
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
