//! The catalog admin's product list (every status, search, filters, sorts,
//! cursor pages) and its bulk actions.

use crate::catalog::products::category_by_slug;
use crate::catalog::products::changed;
use crate::catalog::products::refresh_price_from;
use crate::catalog::products::PRICE_MAX;
use crate::catalog::{
    AdminProductFilter, AdminProductPage, AdminProductRow, BulkAction, BulkReport, ProductStatus, BULK_MAX,
};
use crate::kernel::access::{authorize, catalog_staff, Action, Actor};
use crate::kernel::validate::Check;
use crate::model::{category, product, variant, vendor};
use crate::ServiceError;
use crate::ServiceResult;
use crate::Shop;
use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect, QueryTrait,
};
use std::collections::HashMap;

/// Products in any status for the admin list: filtered, sorted, one page
/// after the cursor, with the total that match. Vendor staff see only their
/// own vendor's products, whatever the filter says.
///
/// # Errors
/// `Unauthenticated`; `InvalidField` for an unknown status, sort, category
/// or vendor, a bad limit or a cursor of another sort.
#[tracing::instrument(skip(shop))]
pub async fn list_products(shop: &Shop, actor: Actor, f: &AdminProductFilter) -> ServiceResult<AdminProductPage> {
    use crate::catalog::listing::{in_category_and_vendor, keyset_page, ProductSort};
    catalog_staff(actor)?;
    let sort = match f.sort.as_str() {
        "" => ProductSort::Newest,
        name => ProductSort::parse(name)
            .ok_or(ServiceError::InvalidField { field: "sort", message: format!("{name:?} is not a sort") })?,
    };
    let mut select = product::Entity::find();
    if let Actor::VendorStaff { vendor_id, .. } = actor {
        select = select.filter(product::Column::VendorId.eq(vendor_id));
    }
    if let Some(status) = f.status.as_deref().filter(|s| !s.is_empty()) {
        let status = ProductStatus::parse(status).ok_or_else(|| ServiceError::InvalidField {
            field: "status",
            message: "must be active, draft or archived".into(),
        })?;
        select = select.filter(product::Column::Status.eq(status));
    }
    let non_empty = |s: &Option<String>| s.as_deref().filter(|s| !s.is_empty()).map(str::to_owned);
    let select =
        in_category_and_vendor(shop, select, non_empty(&f.category).as_deref(), non_empty(&f.vendor).as_deref())
            .await?;
    let select = select.filter(words_condition(&f.q));
    let total = select.clone().count(&shop.db).await?;
    let limit = if f.limit == 0 { 50 } else { f.limit };
    let (rows, next_cursor) = keyset_page(shop, select, sort, f.cursor.as_deref(), limit).await?;
    Ok(AdminProductPage { rows: admin_rows(&shop.db, rows).await?, total, next_cursor })
}

/// Each of up to eight words of `q` in the title, the brand or a SKU, in
/// any case. Characters that mean something to `LIKE` are dropped.
fn words_condition(q: &str) -> Condition {
    let mut all = Condition::all();
    for word in q.split_whitespace().take(8) {
        let word: String = word.chars().filter(|c| !matches!(c, '%' | '_' | '\\')).collect::<String>().to_lowercase();
        if word.is_empty() {
            continue;
        }
        let pattern = format!("%{word}%");
        let lower = |column: product::Column| Expr::expr(Func::lower(Expr::col((product::Entity, column))));
        let sku_match = variant::Entity::find()
            .select_only()
            .column(variant::Column::ProductId)
            .filter(Expr::expr(Func::lower(Expr::col((variant::Entity, variant::Column::Sku)))).like(pattern.as_str()))
            .into_query();
        all = all.add(
            Condition::any()
                .add(lower(product::Column::Title).like(pattern.as_str()))
                .add(lower(product::Column::Brand).like(pattern.as_str()))
                .add(product::Column::Id.in_subquery(sku_match)),
        );
    }
    all
}

/// The list rows of `products`: names, stock and variant counts in three
/// queries for the whole page.
async fn admin_rows<C: ConnectionTrait>(db: &C, products: Vec<product::Model>) -> ServiceResult<Vec<AdminProductRow>> {
    let ids: Vec<i64> = products.iter().map(|p| p.id).collect();
    let variants: Vec<(i64, i32, String)> = variant::Entity::find()
        .select_only()
        .columns([variant::Column::ProductId, variant::Column::Stock, variant::Column::Currency])
        .filter(variant::Column::ProductId.is_in(ids))
        .into_tuple()
        .all(db)
        .await?;
    let mut per_product: HashMap<i64, (i64, u32, String)> = HashMap::new();
    for (product_id, stock, currency) in variants {
        let entry = per_product.entry(product_id).or_insert((0, 0, currency));
        entry.0 += i64::from(Ord::max(stock, 0));
        entry.1 += 1;
    }
    let vendor_ids: Vec<i64> = products.iter().map(|p| p.vendor_id).collect();
    let category_ids: Vec<i64> = products.iter().map(|p| p.category_id).collect();
    let vendors: HashMap<i64, String> = vendor::Entity::find()
        .select_only()
        .columns([vendor::Column::Id, vendor::Column::Name])
        .filter(vendor::Column::Id.is_in(vendor_ids))
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let categories: HashMap<i64, String> = category::Entity::find()
        .select_only()
        .columns([category::Column::Id, category::Column::Name])
        .filter(category::Column::Id.is_in(category_ids))
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(products
        .into_iter()
        .map(|p| {
            let (stock, count, currency) = per_product.remove(&p.id).unwrap_or((0, 0, String::new()));
            AdminProductRow {
                id: p.id,
                vendor: vendors.get(&p.vendor_id).cloned().unwrap_or_default(),
                category: categories.get(&p.category_id).cloned().unwrap_or_default(),
                slug: p.slug,
                title: p.title,
                brand: p.brand,
                status: p.status,
                price_from_minor: p.price_from_minor,
                currency,
                stock,
                variants: count,
                updated_at: p.updated_at,
            }
        })
        .collect())
}

/// Lowest and highest price change a bulk action accepts, in hundredths of
/// a percent (−99.99 % and +1,000 %).
const BULK_PRICE_RANGE: std::ops::RangeInclusive<i32> = -9_999..=100_000;

/// Applies `action` to the products `ids`, all or none, in one transaction,
/// recording `product.changed` for each.
///
/// # Errors
/// `Unauthenticated`; `NotFound` when an id is unknown (or another
/// vendor's); `Forbidden` when vendor staff move products between
/// categories they may not use; `InvalidField` for no ids, more than
/// [`BULK_MAX`], an unknown category, a price change out of range or one
/// that would take a price past the highest accepted.
#[tracing::instrument(skip(shop, ids), fields(count = ids.len()))]
pub async fn bulk_update(shop: &Shop, actor: Actor, ids: &[i64], action: &BulkAction) -> ServiceResult<BulkReport> {
    catalog_staff(actor)?;
    let mut ids: Vec<i64> = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Err(ServiceError::InvalidField { field: "ids", message: "choose at least one product".into() });
    }
    if ids.len() > BULK_MAX {
        return Err(ServiceError::InvalidField {
            field: "ids",
            message: format!("at most {BULK_MAX} products can be changed at once"),
        });
    }
    if let BulkAction::AdjustPrice { basis_points } = action {
        if !BULK_PRICE_RANGE.contains(basis_points) || *basis_points == 0 {
            return Err(ServiceError::InvalidField {
                field: "percent",
                message: "must be a change between -99.99 % and +1000 %, not 0".into(),
            });
        }
    }
    let txn = crate::write_txn(&shop.db).await?;
    let products = product::Entity::find().filter(product::Column::Id.is_in(ids.clone())).all(&txn).await?;
    if products.len() != ids.len() {
        return Err(ServiceError::NotFound("product"));
    }
    for p in &products {
        authorize(actor, Action::EditProduct { vendor_id: p.vendor_id })?;
    }
    let now = Utc::now();
    let set = |column: product::Column, value: sea_orm::Value| {
        product::Entity::update_many()
            .col_expr(column, Expr::value(value))
            .col_expr(product::Column::UpdatedAt, Expr::value(now))
            .filter(product::Column::Id.is_in(ids.clone()))
    };
    match action {
        BulkAction::Publish => {
            set(product::Column::Status, ProductStatus::Active.into()).exec(&txn).await?;
        }
        BulkAction::Archive => {
            set(product::Column::Status, ProductStatus::Archived.into()).exec(&txn).await?;
        }
        BulkAction::Unpublish => {
            set(product::Column::Status, ProductStatus::Draft.into()).exec(&txn).await?;
        }
        BulkAction::MoveToCategory { category: slug } => {
            let mut check = Check::default();
            let Some(found) = category_by_slug(&txn, &mut check, slug).await? else {
                check.done()?;
                unreachable!("an unknown category fails the check");
            };
            set(product::Column::CategoryId, found.id.into()).exec(&txn).await?;
        }
        BulkAction::AdjustPrice { basis_points } => {
            let factor = 10_000 + i64::from(*basis_points);
            let dearest: Option<i64> = variant::Entity::find()
                .select_only()
                .column_as(variant::Column::PriceMinor.max(), "dearest")
                .filter(variant::Column::ProductId.is_in(ids.clone()))
                .into_tuple::<Option<i64>>()
                .one(&txn)
                .await?
                .flatten();
            if dearest.is_some_and(|d| (d * factor + 5_000) / 10_000 > PRICE_MAX) {
                return Err(ServiceError::InvalidField {
                    field: "percent",
                    message: format!("would take a price past the highest accepted ({PRICE_MAX} minor units)"),
                });
            }
            // Rounded half up, in the database, for every variant at once.
            variant::Entity::update_many()
                .col_expr(
                    variant::Column::PriceMinor,
                    Expr::col(variant::Column::PriceMinor).mul(factor).add(5_000).div(10_000),
                )
                .filter(variant::Column::ProductId.is_in(ids.clone()))
                .exec(&txn)
                .await?;
            for p in &products {
                refresh_price_from(&txn, p.id).await?;
            }
        }
    }
    for p in &products {
        changed(&txn, p.id, &p.slug).await?;
    }
    txn.commit().await?;
    Ok(BulkReport { changed: products.len() as u32 })
}
