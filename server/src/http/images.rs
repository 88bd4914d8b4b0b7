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
use sea_orm::EntityTrait;
use std::sync::Arc;

const CACHE_FOREVER: &str = "public, max-age=31536000, immutable";

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
    let product = match product::Entity::find_by_id(id).one(&shop.db).await {
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
    ([(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, CACHE_FOREVER)], bytes).into_response()
}
