//! Catalog reads for the REST API: filtered lists with keyset (cursor)
//! pagination, and products by id.

use super::catalog::{cards_for, product_detail, subtree_ids};
use super::{ServiceError, ServiceResult, Shop};
use crate::model::{category, product, vendor};
use crate::views::{CategoryNode, ProductDetail, ProductList, VendorView};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

/// Most items one list request may ask for.
pub const MAX_LIMIT: u32 = 100;

/// Filters and position of a product list request, as parsed from a query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProductQuery {
    /// Only this category and those below it (slug).
    pub category: Option<String>,
    /// Only this vendor (slug).
    pub vendor: Option<String>,
    /// Items per page, 1 to [`MAX_LIMIT`].
    pub limit: u32,
    /// The opaque cursor of the previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// A cursor: the id of the last item of the previous page. Opaque to clients
/// (`p` + id in hex) so it can grow to carry sort keys later.
fn encode_cursor(last_id: i64) -> String {
    format!("p{last_id:x}")
}

fn decode_cursor(cursor: &str) -> Option<i64> {
    cursor.strip_prefix('p').and_then(|hex| i64::from_str_radix(hex, 16).ok()).filter(|id| *id > 0)
}

/// One page of products for sale, in id order, after the cursor.
///
/// # Errors
/// `Invalid` (with the field named) for a limit out of range, a malformed
/// cursor, or an unknown category or vendor; `Database` when it fails.
#[tracing::instrument(skip(shop))]
pub async fn list_products(shop: &Shop, q: &ProductQuery) -> ServiceResult<ProductList> {
    if !(1..=MAX_LIMIT).contains(&q.limit) {
        return Err(ServiceError::InvalidField {
            field: "limit",
            message: format!("must be between 1 and {MAX_LIMIT}"),
        });
    }
    let after = match &q.cursor {
        Some(c) => decode_cursor(c).ok_or(ServiceError::InvalidField {
            field: "cursor",
            message: "is not a cursor this API gave out".into(),
        })?,
        None => 0,
    };
    let mut select =
        product::Entity::find().filter(product::Column::Status.eq("active")).filter(product::Column::Id.gt(after));
    if let Some(slug) = &q.category {
        let this =
            category::Entity::find().filter(category::Column::Slug.eq(slug.as_str())).one(&shop.db).await?.ok_or(
                ServiceError::InvalidField { field: "category", message: format!("no category has the slug {slug:?}") },
            )?;
        select = select.filter(product::Column::CategoryId.is_in(subtree_ids(&shop.db, &this).await?));
    }
    if let Some(slug) = &q.vendor {
        let vendor = vendor::Entity::find().filter(vendor::Column::Slug.eq(slug.as_str())).one(&shop.db).await?.ok_or(
            ServiceError::InvalidField { field: "vendor", message: format!("no vendor has the slug {slug:?}") },
        )?;
        select = select.filter(product::Column::VendorId.eq(vendor.id));
    }
    // One extra row tells whether another page follows.
    let mut rows = select.order_by_asc(product::Column::Id).limit(u64::from(q.limit) + 1).all(&shop.db).await?;
    let more = rows.len() > q.limit as usize;
    rows.truncate(q.limit as usize);
    let next_cursor = if more { rows.last().map(|p| encode_cursor(p.id)) } else { None };
    Ok(ProductList { items: cards_for(&shop.db, rows).await?, next_cursor })
}

/// A product for sale, by id.
///
/// # Errors
/// `NotFound` when no product for sale has this id.
pub async fn product_by_id(shop: &Shop, id: i64) -> ServiceResult<ProductDetail> {
    let slug: String = product::Entity::find_by_id(id)
        .filter(product::Column::Status.eq("active"))
        .select_only()
        .column(product::Column::Slug)
        .into_tuple()
        .one(&shop.db)
        .await?
        .ok_or(ServiceError::NotFound("product"))?;
    product_detail(shop, &slug).await
}

/// The whole category tree, each level in display order.
///
/// # Errors
/// When the database fails.
pub async fn category_tree(shop: &Shop) -> ServiceResult<Vec<CategoryNode>> {
    let rows = category::Entity::find().order_by_asc(category::Column::Position).all(&shop.db).await?;
    fn children_of(parent: Option<i64>, rows: &[category::Model]) -> Vec<CategoryNode> {
        rows.iter()
            .filter(|c| c.parent_id == parent)
            .map(|c| CategoryNode {
                slug: c.slug.clone(),
                name: c.name.clone(),
                children: children_of(Some(c.id), rows),
            })
            .collect()
    }
    Ok(children_of(None, &rows))
}

/// All vendors, by name.
///
/// # Errors
/// When the database fails.
pub async fn vendors(shop: &Shop) -> ServiceResult<Vec<VendorView>> {
    let rows = vendor::Entity::find().order_by_asc(vendor::Column::Name).all(&shop.db).await?;
    Ok(rows.into_iter().map(vendor_view).collect())
}

/// One vendor by slug.
///
/// # Errors
/// `NotFound` for an unknown slug.
pub async fn vendor_by_slug(shop: &Shop, slug: &str) -> ServiceResult<VendorView> {
    vendor::Entity::find()
        .filter(vendor::Column::Slug.eq(slug))
        .one(&shop.db)
        .await?
        .map(vendor_view)
        .ok_or(ServiceError::NotFound("vendor"))
}

fn vendor_view(v: vendor::Model) -> VendorView {
    VendorView { slug: v.slug, name: v.name, description: v.description }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_anything_else() {
        assert_eq!(decode_cursor(&encode_cursor(12345)), Some(12345));
        for bad in ["", "p", "12", "pzz", "p-1", "x10"] {
            assert_eq!(decode_cursor(bad), None, "{bad:?}");
        }
    }
}
