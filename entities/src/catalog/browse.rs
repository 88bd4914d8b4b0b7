//! Reading the catalog: the home page, category listings, product pages and
//! the documents the search index is built from.

use crate::catalog::{
    CategoryLink, CategoryPage, ImageStatus, ProductCard, ProductDetail, ProductImage, ProductStatus, Rating,
    VariantView,
};
use crate::kernel::json::pairs;
use crate::kernel::read_cache::{cached_in, Scope};
use crate::kernel::{Currency, Money};
use crate::model::{category, product, product_image, variant, vendor};
use crate::ports::SearchDocument;
use crate::ServiceError;
use crate::ServiceResult;
use crate::Shop;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;

/// Products per category page.
pub const PAGE_SIZE: u64 = 24;

/// The featured products for the home page (cached, see `read_cache`).
///
/// # Errors
/// When the database fails (a failing cache is logged and skipped).
#[tracing::instrument(skip(shop))]
pub async fn featured_products(shop: &Shop, limit: u64) -> ServiceResult<Vec<ProductCard>> {
    cached_in(shop.cache.as_ref(), Scope::Catalog, &format!("featured:{limit}"), async {
        let products = product::Entity::find()
            .filter(product::Column::Featured.eq(true))
            .filter(product::Column::Status.eq(ProductStatus::Active))
            .order_by_asc(product::Column::Id)
            .limit(limit)
            .all(&shop.db)
            .await?;
        cards_for(&shop.db, products).await
    })
    .await
}

/// The top-level categories, in display order.
///
/// # Errors
/// When the database fails.
pub async fn top_categories(shop: &Shop) -> ServiceResult<Vec<CategoryLink>> {
    cached_in(shop.cache.as_ref(), Scope::Catalog, "top-categories", async {
        let rows = category::Entity::find()
            .filter(category::Column::ParentId.is_null())
            .order_by_asc(category::Column::Position)
            .order_by_asc(category::Column::Id)
            .all(&shop.db)
            .await?;
        Ok(rows.into_iter().map(link).collect())
    })
    .await
}

/// One page of a category: its products and those of every category below it
/// (cached, see `read_cache`).
///
/// # Errors
/// `NotFound` when no category has this slug; `Database` when the database fails.
#[tracing::instrument(skip(shop))]
pub async fn category_page(shop: &Shop, slug: &str, page: u32) -> ServiceResult<CategoryPage> {
    cached_in(
        shop.cache.as_ref(),
        Scope::Catalog,
        &format!("category:{slug}:{page}"),
        load_category_page(shop, slug, page),
    )
    .await
}

/// Ids of `category` and every category below it (its materialised path is a
/// prefix of theirs).
///
/// # Errors
/// When the database fails.
pub async fn subtree_ids<C: ConnectionTrait>(db: &C, category: &category::Model) -> ServiceResult<Vec<i64>> {
    Ok(category::Entity::find()
        .select_only()
        .column(category::Column::Id)
        .filter(category::Column::Path.starts_with(category.path.as_str()))
        .into_tuple()
        .all(db)
        .await?)
}

async fn load_category_page(shop: &Shop, slug: &str, page: u32) -> ServiceResult<CategoryPage> {
    let db = &shop.db;
    let this = category::Entity::find()
        .filter(category::Column::Slug.eq(slug))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("category"))?;
    let subtree = subtree_ids(db, &this).await?;
    let children = category::Entity::find()
        .filter(category::Column::ParentId.eq(this.id))
        .order_by_asc(category::Column::Position)
        .order_by_asc(category::Column::Id)
        .all(db)
        .await?;
    let listing = product::Entity::find()
        .filter(product::Column::CategoryId.is_in(subtree))
        .filter(product::Column::Status.eq(ProductStatus::Active));
    let total_products = listing.clone().count(db).await?;
    let total_pages = total_products.div_ceil(PAGE_SIZE).max(1) as u32;
    let page = page.clamp(1, total_pages);
    let products = listing
        .order_by_asc(product::Column::Id)
        .offset(u64::from(page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
        .all(db)
        .await?;
    Ok(CategoryPage {
        breadcrumbs: breadcrumbs(db, &this.path).await?,
        category: link(this),
        children: children.into_iter().map(link).collect(),
        products: cards_for(db, products).await?,
        page,
        total_pages,
        total_products,
    })
}

/// Everything on a product page (cached, see `read_cache`).
///
/// # Errors
/// `NotFound` when no active product has this slug.
#[tracing::instrument(skip(shop))]
pub async fn product_detail(shop: &Shop, slug: &str) -> ServiceResult<ProductDetail> {
    cached_in(shop.cache.as_ref(), Scope::Catalog, &format!("product:{slug}"), load_product_detail(shop, slug)).await
}

async fn load_product_detail(shop: &Shop, slug: &str) -> ServiceResult<ProductDetail> {
    let db = &shop.db;
    let product = product::Entity::find()
        .filter(product::Column::Slug.eq(slug))
        .filter(product::Column::Status.eq(ProductStatus::Active))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("product"))?;
    let vendor = vendor::Entity::find_by_id(product.vendor_id)
        .one(db)
        .await?
        .ok_or_else(|| ServiceError::Corrupt(format!("product {} has no vendor", product.id)))?;
    let category = category::Entity::find_by_id(product.category_id)
        .one(db)
        .await?
        .ok_or_else(|| ServiceError::Corrupt(format!("product {} has no category", product.id)))?;
    let variants = variant::Entity::find()
        .filter(variant::Column::ProductId.eq(product.id))
        .order_by_asc(variant::Column::Position)
        .order_by_asc(variant::Column::Id)
        .all(db)
        .await?;
    let variants = variants.iter().map(variant_view).collect::<ServiceResult<Vec<_>>>()?;
    let uploads = product_image::Entity::find()
        .filter(product_image::Column::ProductId.eq(product.id))
        .filter(product_image::Column::Kind.eq("upload"))
        .filter(product_image::Column::Status.ne(ImageStatus::Failed))
        .order_by_asc(product_image::Column::Position)
        .order_by_asc(product_image::Column::Id)
        .all(db)
        .await?;
    let first_ready = uploads.iter().find(|i| i.status == ImageStatus::Ready).map(|i| i.object_key.clone());
    let card = card(&product, &vendor.name, &variants, first_ready)?;
    let images = uploads
        .into_iter()
        .map(|i| ProductImage {
            id: i.id,
            alt: i.alt,
            folder: (i.status == ImageStatus::Ready).then_some(i.object_key),
        })
        .collect();
    Ok(ProductDetail {
        card,
        description: product.description,
        vendor_slug: vendor.slug,
        breadcrumbs: breadcrumbs(db, &category.path).await?,
        attributes: pairs(&product.attributes),
        variants,
        images,
    })
}

/// Search documents for products with ids in `after_id+1 ..`, at most `limit`,
/// in id order, for building the index in batches. Archived and draft
/// products are left out.
///
/// # Errors
/// When the database fails.
pub async fn search_documents<C: ConnectionTrait>(
    db: &C,
    after_id: i64,
    limit: u64,
) -> ServiceResult<Vec<SearchDocument>> {
    search_documents_where(db, Condition::all(), after_id, limit).await
}

/// [`search_documents`] of the products that also match `condition`.
///
/// # Errors
/// When the database fails.
pub async fn search_documents_where<C: ConnectionTrait>(
    db: &C,
    condition: Condition,
    after_id: i64,
    limit: u64,
) -> ServiceResult<Vec<SearchDocument>> {
    let products = product::Entity::find()
        .filter(condition)
        .filter(product::Column::Id.gt(after_id))
        .filter(product::Column::Status.eq(ProductStatus::Active))
        .order_by_asc(product::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let categories: HashMap<i64, category::Model> =
        category::Entity::find().all(db).await?.into_iter().map(|c| (c.id, c)).collect();
    let vendors: HashMap<i64, vendor::Model> =
        vendor::Entity::find().all(db).await?.into_iter().map(|v| (v.id, v)).collect();
    let mut variants = variants_by_product(db, products.iter().map(|p| p.id).collect()).await?;
    let mut folders = first_images(db, products.iter().map(|p| p.id).collect()).await?;
    let mut docs = Vec::with_capacity(products.len());
    for p in products {
        let vendor = vendors
            .get(&p.vendor_id)
            .ok_or_else(|| ServiceError::Corrupt(format!("product {} has no vendor", p.id)))?;
        let vs = variants.remove(&p.id).unwrap_or_default();
        let views = vs.iter().map(variant_view).collect::<ServiceResult<Vec<_>>>()?;
        let path: Vec<&category::Model> = path_ids(
            &categories
                .get(&p.category_id)
                .ok_or_else(|| ServiceError::Corrupt(format!("product {} has no category", p.id)))?
                .path,
        )
        .filter_map(|id| categories.get(&id))
        .collect();
        let mut attribute_values: Vec<String> = pairs(&p.attributes).into_iter().map(|(_, v)| v).collect();
        let mut options: Vec<(String, String)> = Vec::new();
        for v in &views {
            attribute_values.extend(v.options.iter().map(|(_, value)| value.clone()));
            for pair in &v.options {
                if !options.contains(pair) {
                    options.push(pair.clone());
                }
            }
        }
        attribute_values.sort();
        attribute_values.dedup();
        docs.push(SearchDocument {
            card: card(&p, &vendor.name, &views, folders.remove(&p.id))?,
            description: p.description,
            vendor_slug: vendor.slug.clone(),
            category_path: path.iter().map(|c| c.slug.clone()).collect(),
            category_names: path.iter().map(|c| c.name.clone()).collect(),
            attribute_values,
            options,
            created_micros: p.created_at.timestamp_micros(),
        });
    }
    Ok(docs)
}

/// Cards for products, with vendor names, lowest prices and stock, in the
/// order given.
///
/// # Errors
/// When the database fails or a product's data is inconsistent.
pub async fn cards_for<C: ConnectionTrait>(db: &C, products: Vec<product::Model>) -> ServiceResult<Vec<ProductCard>> {
    if products.is_empty() {
        return Ok(Vec::new());
    }
    let vendor_ids: Vec<i64> = products.iter().map(|p| p.vendor_id).collect();
    let vendors: HashMap<i64, String> = vendor::Entity::find()
        .filter(vendor::Column::Id.is_in(vendor_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|v| (v.id, v.name))
        .collect();
    let mut variants = variants_by_product(db, products.iter().map(|p| p.id).collect()).await?;
    let mut folders = first_images(db, products.iter().map(|p| p.id).collect()).await?;
    products
        .iter()
        .map(|p| {
            let views = variants
                .remove(&p.id)
                .unwrap_or_default()
                .iter()
                .map(variant_view)
                .collect::<ServiceResult<Vec<_>>>()?;
            let vendor = vendors.get(&p.vendor_id).map(String::as_str).unwrap_or_default();
            card(p, vendor, &views, folders.remove(&p.id))
        })
        .collect()
}

/// The folder of each product's first processed upload, if it has one.
async fn first_images<C: ConnectionTrait>(db: &C, product_ids: Vec<i64>) -> ServiceResult<HashMap<i64, String>> {
    let mut first: HashMap<i64, String> = HashMap::new();
    for chunk in product_ids.chunks(500) {
        let rows: Vec<(i64, String)> = product_image::Entity::find()
            .select_only()
            .column(product_image::Column::ProductId)
            .column(product_image::Column::ObjectKey)
            .filter(product_image::Column::ProductId.is_in(chunk.to_vec()))
            .filter(product_image::Column::Kind.eq("upload"))
            .filter(product_image::Column::Status.eq(ImageStatus::Ready))
            .order_by_desc(product_image::Column::Position)
            .order_by_desc(product_image::Column::Id)
            .into_tuple()
            .all(db)
            .await?;
        // Ordered last to first, so the first image is inserted last and wins.
        for (product_id, folder) in rows {
            first.insert(product_id, folder);
        }
    }
    Ok(first)
}

async fn variants_by_product<C: ConnectionTrait>(
    db: &C,
    product_ids: Vec<i64>,
) -> ServiceResult<HashMap<i64, Vec<variant::Model>>> {
    let mut by_product: HashMap<i64, Vec<variant::Model>> = HashMap::new();
    for chunk in product_ids.chunks(500) {
        let rows = variant::Entity::find()
            .filter(variant::Column::ProductId.is_in(chunk.to_vec()))
            .order_by_asc(variant::Column::Position)
            .order_by_asc(variant::Column::Id)
            .all(db)
            .await?;
        for v in rows {
            by_product.entry(v.product_id).or_default().push(v);
        }
    }
    Ok(by_product)
}

fn card(
    p: &product::Model,
    vendor_name: &str,
    variants: &[VariantView],
    image_folder: Option<String>,
) -> ServiceResult<ProductCard> {
    let cheapest = variants
        .iter()
        .map(|v| v.price)
        .min_by_key(|m| m.minor())
        .ok_or_else(|| ServiceError::Corrupt(format!("product {} has no variants", p.id)))?;
    Ok(ProductCard {
        id: p.id,
        slug: p.slug.clone(),
        title: p.title.clone(),
        brand: p.brand.clone(),
        vendor_name: vendor_name.to_owned(),
        price_from: cheapest,
        in_stock: variants.iter().any(VariantView::available),
        rating: (p.rating_count > 0).then(|| Rating {
            average_centi: u16::try_from(p.rating_centi).unwrap_or_default(),
            count: u32::try_from(p.rating_count).unwrap_or_default(),
        }),
        image_folder,
    })
}

fn variant_view(v: &variant::Model) -> ServiceResult<VariantView> {
    let currency: Currency = v.currency.parse().map_err(|e| ServiceError::Corrupt(format!("variant {}: {e}", v.id)))?;
    Ok(VariantView {
        id: v.id,
        sku: v.sku.clone(),
        options: pairs(&v.options),
        price: Money::from_minor(v.price_minor, currency),
        stock: v.stock,
        allow_backorder: v.allow_backorder,
    })
}

fn path_ids(path: &str) -> impl Iterator<Item = i64> + '_ {
    path.split('/').filter_map(|s| s.parse().ok())
}

async fn breadcrumbs<C: ConnectionTrait>(db: &C, path: &str) -> ServiceResult<Vec<CategoryLink>> {
    let ids: Vec<i64> = path_ids(path).collect();
    let mut found: HashMap<i64, category::Model> = category::Entity::find()
        .filter(category::Column::Id.is_in(ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    Ok(ids.iter().filter_map(|id| found.remove(id)).map(link).collect())
}

fn link(c: category::Model) -> CategoryLink {
    CategoryLink { slug: c.slug, name: c.name }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_read_both_json_shapes() {
        let arr = serde_json::json!([["Size", "M"], ["Colour", "Red"]]);
        assert_eq!(pairs(&arr), vec![("Size".into(), "M".into()), ("Colour".into(), "Red".into())]);
        let obj = serde_json::json!({"Material": "Wool"});
        assert_eq!(pairs(&obj), vec![("Material".into(), "Wool".into())]);
        assert!(pairs(&serde_json::json!(3)).is_empty());
    }

    #[test]
    fn category_paths_yield_ids_root_first() {
        assert_eq!(path_ids("/3/17/42/").collect::<Vec<_>>(), vec![3, 17, 42]);
    }
}
