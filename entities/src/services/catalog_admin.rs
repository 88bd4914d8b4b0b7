//! Changing the catalog. Every change records `product.changed` in the
//! outbox in the same transaction; the search indexer and the cache
//! invalidator follow it (server workers), never the request itself.

use super::access::{authorize, Action, Actor};
use super::{outbox, ServiceError, ServiceResult, Shop};
use crate::model::product;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, TransactionTrait};
use serde::{Deserialize, Serialize};

/// Changes to a product; absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProductPatch {
    /// New title, 1–300 characters.
    pub title: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New brand, 1–120 characters.
    pub brand: Option<String>,
    /// `active`, `draft` or `archived`.
    pub status: Option<String>,
    /// Whether the home page features it.
    pub featured: Option<bool>,
}

/// A product as an admin sees it, whatever its status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminProduct {
    /// Database id.
    pub id: i64,
    /// URL slug.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Brand.
    pub brand: String,
    /// `active`, `draft` or `archived`.
    pub status: String,
    /// Featured on the home page.
    pub featured: bool,
}

fn text(field: &'static str, value: Option<String>, max: usize) -> ServiceResult<Option<String>> {
    match value.map(|v| v.trim().to_owned()) {
        Some(v) if v.is_empty() => Err(ServiceError::InvalidField { field, message: "must not be empty".into() }),
        Some(v) if v.chars().count() > max => {
            Err(ServiceError::InvalidField { field, message: format!("must be at most {max} characters") })
        }
        other => Ok(other),
    }
}

/// Applies `patch` to product `id`.
///
/// # Errors
/// `Unauthenticated` unless an admin acts, `InvalidField` for a bad value,
/// `NotFound` for an unknown product.
#[tracing::instrument(skip(shop, patch))]
pub async fn update_product(shop: &Shop, actor: Actor, id: i64, patch: ProductPatch) -> ServiceResult<AdminProduct> {
    authorize(actor, Action::EditProduct)?;
    let title = text("title", patch.title, 300)?;
    let brand = text("brand", patch.brand, 120)?;
    if let Some(status) = &patch.status {
        if !["active", "draft", "archived"].contains(&status.as_str()) {
            return Err(ServiceError::InvalidField {
                field: "status",
                message: "must be active, draft or archived".into(),
            });
        }
    }
    let txn = shop.db.begin().await?;
    let current = product::Entity::find_by_id(id).one(&txn).await?.ok_or(ServiceError::NotFound("product"))?;
    let old_slug = current.slug.clone();
    let mut row: product::ActiveModel = current.into();
    if let Some(v) = title {
        row.title = Set(v);
    }
    if let Some(v) = patch.description {
        row.description = Set(v);
    }
    if let Some(v) = brand {
        row.brand = Set(v);
    }
    if let Some(v) = patch.status {
        row.status = Set(v);
    }
    if let Some(v) = patch.featured {
        row.featured = Set(v);
    }
    row.updated_at = Set(Utc::now());
    let saved = row.update(&txn).await?;
    // Consumers of this event re-index the product and drop its cached page.
    outbox::record(&txn, "product.changed", serde_json::json!({ "product_id": id, "slug": old_slug })).await?;
    txn.commit().await?;
    Ok(AdminProduct {
        id: saved.id,
        slug: saved.slug,
        title: saved.title,
        description: saved.description,
        brand: saved.brand,
        status: saved.status,
        featured: saved.featured,
    })
}
