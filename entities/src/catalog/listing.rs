//! Catalog reads for the REST API: filtered lists with keyset (cursor)
//! pagination, and products by id.

use crate::catalog::browse::{cards_for, product_detail, subtree_ids};
use crate::catalog::{CategoryNode, ProductDetail, ProductList, ProductStatus, VendorView};
use crate::kernel::ProductId;
use crate::model::{category, product, vendor};
use crate::ServiceError;
use crate::ServiceResult;
use crate::Shop;
use chrono::{TimeZone, Utc};
use sea_orm::{ColumnTrait, Condition, EntityTrait, Order, QueryFilter, QueryOrder, QuerySelect, Select};

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
    /// The order of the list.
    pub sort: ProductSort,
}

/// The orders a product list can be in. Ties are broken by id, in the same
/// direction, so every order is total and pages never overlap or skip.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ProductSort {
    /// Oldest id first (the default).
    #[default]
    Id,
    /// Cheapest first (by the cheapest variant).
    PriceAsc,
    /// Dearest first.
    PriceDesc,
    /// Newest first.
    Newest,
    /// Best rated first; unrated products last.
    Rating,
}

impl ProductSort {
    /// Every sort with its name in the query string.
    pub const NAMES: [(&'static str, ProductSort); 5] = [
        ("id", Self::Id),
        ("price", Self::PriceAsc),
        ("-price", Self::PriceDesc),
        ("newest", Self::Newest),
        ("rating", Self::Rating),
    ];

    /// The sort named `name` in a query string.
    pub fn parse(name: &str) -> Option<Self> {
        Self::NAMES.iter().find(|(n, _)| *n == name).map(|(_, sort)| *sort)
    }

    /// The letter that starts this sort's cursors.
    const fn tag(self) -> char {
        match self {
            Self::Id => 'p',
            Self::PriceAsc => 'a',
            Self::PriceDesc => 'd',
            Self::Newest => 'n',
            Self::Rating => 'r',
        }
    }

    pub(crate) const fn column(self) -> product::Column {
        match self {
            Self::Id => product::Column::Id,
            Self::PriceAsc | Self::PriceDesc => product::Column::PriceFromMinor,
            Self::Newest => product::Column::CreatedAt,
            Self::Rating => product::Column::RatingCenti,
        }
    }

    pub(crate) const fn order(self) -> Order {
        match self {
            Self::Id | Self::PriceAsc => Order::Asc,
            Self::PriceDesc | Self::Newest | Self::Rating => Order::Desc,
        }
    }

    /// The sort key of a row, as an integer.
    pub(crate) fn key_of(self, p: &product::Model) -> i64 {
        match self {
            Self::Id => p.id,
            Self::PriceAsc | Self::PriceDesc => p.price_from_minor,
            Self::Newest => p.created_at.timestamp_micros(),
            Self::Rating => i64::from(p.rating_centi),
        }
    }

    /// The sort key as a database value.
    fn key_value(self, key: i64) -> Option<sea_orm::Value> {
        match self {
            Self::Newest => Utc.timestamp_micros(key).single().map(Into::into),
            Self::Rating => i32::try_from(key).ok().map(Into::into),
            _ => Some(key.into()),
        }
    }
}

/// Where a page ends: the last row's sort key and id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cursor {
    pub(crate) key: i64,
    pub(crate) id: i64,
}

/// Cursors are opaque to clients: the sort's letter, then the key and the id
/// in hex (`p` + id alone for the id order). A cursor names its sort, so one
/// given out for another sort is refused instead of giving a wrong page.
pub(crate) fn encode_cursor(sort: ProductSort, at: Cursor) -> String {
    match sort {
        ProductSort::Id => format!("p{:x}", at.id),
        _ => format!("{}{:x}.{:x}", sort.tag(), at.key as u64, at.id),
    }
}

pub(crate) fn decode_cursor(sort: ProductSort, cursor: &str) -> Option<Cursor> {
    let rest = cursor.strip_prefix(sort.tag())?;
    let hex = |s: &str| u64::from_str_radix(s, 16).ok().map(|n| n as i64);
    let at = match sort {
        ProductSort::Id => {
            let id = hex(rest)?;
            Cursor { key: id, id }
        }
        _ => {
            let (key, id) = rest.split_once('.')?;
            Cursor { key: hex(key)?, id: hex(id)? }
        }
    };
    (at.id > 0).then_some(at)
}

/// Rows strictly after `at` in the order of `sort`.
pub(crate) fn after(sort: ProductSort, at: Cursor) -> Option<Condition> {
    let column = sort.column();
    let key = sort.key_value(at.key)?;
    Some(match sort.order() {
        Order::Asc => Condition::any()
            .add(column.gt(key.clone()))
            .add(Condition::all().add(column.eq(key)).add(product::Column::Id.gt(at.id))),
        _ => Condition::any()
            .add(column.lt(key.clone()))
            .add(Condition::all().add(column.eq(key)).add(product::Column::Id.lt(at.id))),
    })
}

/// One page of products for sale, in id order, after the cursor.
///
/// # Errors
/// `Invalid` (with the field named) for a limit out of range, a malformed
/// cursor, or an unknown category or vendor; `Database` when it fails.
#[tracing::instrument(skip(shop))]
pub async fn list_products(shop: &Shop, q: &ProductQuery) -> ServiceResult<ProductList> {
    let select = product::Entity::find().filter(product::Column::Status.eq(ProductStatus::Active));
    let select = in_category_and_vendor(shop, select, q.category.as_deref(), q.vendor.as_deref()).await?;
    let (rows, next_cursor) = keyset_page(shop, select, q.sort, q.cursor.as_deref(), q.limit).await?;
    Ok(ProductList { items: cards_for(&shop.db, rows).await?, next_cursor })
}

/// Narrows `select` to a category's subtree and to a vendor (by slug).
///
/// # Errors
/// `InvalidField` naming an unknown category or vendor.
pub(crate) async fn in_category_and_vendor(
    shop: &Shop,
    mut select: Select<product::Entity>,
    category: Option<&str>,
    vendor: Option<&str>,
) -> ServiceResult<Select<product::Entity>> {
    if let Some(slug) = category {
        let this = category::Entity::find().filter(category::Column::Slug.eq(slug)).one(&shop.db).await?.ok_or(
            ServiceError::InvalidField { field: "category", message: format!("no category has the slug {slug:?}") },
        )?;
        select = select.filter(product::Column::CategoryId.is_in(subtree_ids(&shop.db, &this).await?));
    }
    if let Some(slug) = vendor {
        let vendor = vendor::Entity::find().filter(vendor::Column::Slug.eq(slug)).one(&shop.db).await?.ok_or(
            ServiceError::InvalidField { field: "vendor", message: format!("no vendor has the slug {slug:?}") },
        )?;
        select = select.filter(product::Column::VendorId.eq(vendor.id));
    }
    Ok(select)
}

/// The page of `select` in the order of `sort` after `cursor`, and the
/// cursor of the page after it.
///
/// # Errors
/// `InvalidField` for a limit out of range or a cursor of another sort.
pub(crate) async fn keyset_page(
    shop: &Shop,
    mut select: Select<product::Entity>,
    sort: ProductSort,
    cursor: Option<&str>,
    limit: u32,
) -> ServiceResult<(Vec<product::Model>, Option<String>)> {
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ServiceError::InvalidField {
            field: "limit",
            message: format!("must be between 1 and {MAX_LIMIT}"),
        });
    }
    if let Some(c) = cursor {
        let bad = || ServiceError::InvalidField {
            field: "cursor",
            message: "is not a cursor this API gave out for this sort".into(),
        };
        let at = decode_cursor(sort, c).ok_or_else(bad)?;
        select = select.filter(after(sort, at).ok_or_else(bad)?);
    }
    if sort != ProductSort::Id {
        select = select.order_by(sort.column(), sort.order());
    }
    // One extra row tells whether another page follows.
    let mut rows = select.order_by(product::Column::Id, sort.order()).limit(u64::from(limit) + 1).all(&shop.db).await?;
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let next =
        if more { rows.last().map(|p| encode_cursor(sort, Cursor { key: sort.key_of(p), id: p.id })) } else { None };
    Ok((rows, next))
}

/// A product for sale, by id.
///
/// # Errors
/// `NotFound` when no product for sale has this id.
pub async fn product_by_id(shop: &Shop, id: ProductId) -> ServiceResult<ProductDetail> {
    let id = id.get();
    let slug: String = product::Entity::find_by_id(id)
        .filter(product::Column::Status.eq(ProductStatus::Active))
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
    let rows = category::Entity::find()
        .order_by_asc(category::Column::Position)
        .order_by_asc(category::Column::Id)
        .all(&shop.db)
        .await?;
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
        let at = Cursor { key: 1_767_225_600_000_000, id: 12345 };
        for (_, sort) in ProductSort::NAMES {
            let at = if sort == ProductSort::Id { Cursor { key: at.id, id: at.id } } else { at };
            assert_eq!(decode_cursor(sort, &encode_cursor(sort, at)), Some(at), "{sort:?}");
        }
        assert_eq!(encode_cursor(ProductSort::Id, Cursor { key: 255, id: 255 }), "pff", "old cursors stay valid");
        for bad in ["", "p", "12", "pzz", "p-1", "x10", "p0"] {
            assert_eq!(decode_cursor(ProductSort::Id, bad), None, "{bad:?}");
        }
        let price = encode_cursor(ProductSort::PriceAsc, at);
        assert_eq!(decode_cursor(ProductSort::PriceDesc, &price), None, "a cursor is bound to its sort");
        assert_eq!(decode_cursor(ProductSort::PriceAsc, "a10"), None);
    }

    #[test]
    fn sorts_parse_by_name() {
        assert_eq!(ProductSort::parse("-price"), Some(ProductSort::PriceDesc));
        assert_eq!(ProductSort::parse("cheapest"), None);
    }
}
