//! `GET /images/products/{id}.svg`: the product's picture, rendered on first
//! request and kept in the object store.

use crate::art::{product_svg, product_svg_in};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use entities::model::{product, variant};
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
        let product =
            product::Entity::find_by_id(product_id).filter(product::Column::Status.eq("active")).one(&shop.db).await?;
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
