//! Recommendations: "frequently bought together", "similar products" and
//! "trending".
//!
//! - **Together** comes from carts until orders exist (issue 5): products
//!   that shoppers put in the same cart as this one, by the number of carts.
//! - **Similar** comes from content: the same category (then its parent's
//!   subtree), ranked by shared brand and attribute values and closeness of
//!   price.
//! - **Trending** comes from product-page views, counted per product and hour
//!   (no visitor is stored). A request only bumps a counter in memory; the
//!   view counter worker adds the tallies to the database every few seconds,
//!   so counting is incremental and costs a request nothing measurable.
//!
//! All three are served through the read cache (30 s).

use crate::catalog::browse::cards_for;
use crate::catalog::{ProductCard, ProductRecommendations, ProductStatus};
use crate::kernel::read_cache::{cached_in, Scope};
use crate::kernel::{ProductId, UserId};
use crate::model::{cart_item, category, product, product_view_count, variant};
use crate::ServiceError;
use crate::ServiceResult;
use crate::Shop;
use chrono::{DateTime, Duration, DurationRound, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, JoinType, OnConflict, Order, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Products shown per recommendation row.
pub const SHOWN: usize = 6;
/// How far back views count for "trending".
const TRENDING_HOURS: i64 = 48;
/// How many same-category products "similar" ranks.
const CANDIDATES: u64 = 80;

/// Views not yet written, per product. Cheap to clone; `record` only takes a
/// short lock.
#[derive(Clone, Default)]
pub struct ViewCounter(Arc<Mutex<HashMap<i64, i64>>>);

impl ViewCounter {
    /// Counts one view of `product_id`.
    pub fn record(&self, product_id: i64) {
        *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).entry(product_id).or_default() += 1;
    }

    /// Takes the tallies counted so far, leaving none.
    pub fn take(&self) -> HashMap<i64, i64> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
    }
}

/// Adds `tallies` to the hour of `now`, one statement per product.
///
/// # Errors
/// When the database fails (the caller keeps the tallies for the next try).
pub async fn write_views(
    db: &DatabaseConnection,
    tallies: &HashMap<i64, i64>,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let hour = now.duration_trunc(Duration::hours(1)).map_err(|e| ServiceError::Corrupt(e.to_string()))?;
    for (product_id, views) in tallies {
        let row = product_view_count::ActiveModel {
            product_id: sea_orm::ActiveValue::Set(*product_id),
            hour: sea_orm::ActiveValue::Set(hour),
            views: sea_orm::ActiveValue::Set(*views),
        };
        product_view_count::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([product_view_count::Column::ProductId, product_view_count::Column::Hour])
                    .value(
                        product_view_count::Column::Views,
                        Expr::col((product_view_count::Entity, product_view_count::Column::Views))
                            .add(Expr::cust("excluded.views")),
                    )
                    .to_owned(),
            )
            .exec(db)
            .await?;
    }
    Ok(())
}

/// The most viewed products for sale over the last two days, most first.
///
/// # Errors
/// When the database fails.
#[tracing::instrument(skip(shop))]
pub async fn trending(shop: &Shop, limit: usize) -> ServiceResult<Vec<ProductCard>> {
    cached_in(shop.cache.as_ref(), Scope::Catalog, &format!("trending:{limit}"), async {
        let since = Utc::now() - Duration::hours(TRENDING_HOURS);
        // Ordered by the sum without selecting it: PostgreSQL sums BIGINTs into NUMERIC.
        let ids: Vec<i64> = product_view_count::Entity::find()
            .select_only()
            .column(product_view_count::Column::ProductId)
            .filter(product_view_count::Column::Hour.gte(since))
            .group_by(product_view_count::Column::ProductId)
            .order_by_desc(product_view_count::Column::Views.sum())
            .order_by_asc(product_view_count::Column::ProductId)
            .limit(limit as u64 * 2)
            .into_tuple()
            .all(&shop.db)
            .await?;
        in_order(&shop.db, &ids, limit).await
    })
    .await
}

/// "Frequently bought together" and "similar products" for product `id`.
///
/// # Errors
/// `NotFound` when no product for sale has this id.
#[tracing::instrument(skip(shop))]
pub async fn for_product(shop: &Shop, id: ProductId) -> ServiceResult<ProductRecommendations> {
    let id = id.get();
    cached_in(
        shop.cache.as_ref(),
        Scope::Catalog,
        &format!("recommendations:{id}"),
        Box::pin(async {
            let this = product::Entity::find_by_id(id)
                .filter(product::Column::Status.eq(ProductStatus::Active))
                .one(&shop.db)
                .await?
                .ok_or(ServiceError::NotFound("product"))?;
            let together = in_order(&shop.db, &bought_together(&shop.db, id).await?, SHOWN).await?;
            let similar = in_order(&shop.db, &similar(&shop.db, &this).await?, SHOWN).await?;
            Ok(ProductRecommendations { together, similar })
        }),
    )
    .await
}

/// "Recommended for you" on the customer's dashboard: products bought
/// together with, or similar to, what account `user_id` ordered or saved
/// lately (newest first), leaving out those; trending products when there
/// is nothing to go on yet.
///
/// # Errors
/// When the database fails.
pub async fn for_customer(shop: &Shop, user_id: UserId) -> ServiceResult<Vec<ProductCard>> {
    let user_id = user_id.get();
    use crate::model::{order, order_line, wishlist_item};
    let orders: Vec<i64> = order::Entity::find()
        .select_only()
        .column(order::Column::Id)
        .filter(order::Column::UserId.eq(user_id))
        .order_by_desc(order::Column::Id)
        .limit(10)
        .into_tuple()
        .all(&shop.db)
        .await?;
    let mut seeds: Vec<i64> = order_line::Entity::find()
        .select_only()
        .column(order_line::Column::ProductId)
        .filter(order_line::Column::OrderId.is_in(orders))
        .order_by_desc(order_line::Column::Id)
        .into_tuple()
        .all(&shop.db)
        .await?;
    let saved: Vec<i64> = wishlist_item::Entity::find()
        .select_only()
        .column(wishlist_item::Column::ProductId)
        .filter(wishlist_item::Column::UserId.eq(user_id))
        .order_by_desc(wishlist_item::Column::Id)
        .limit(20)
        .into_tuple()
        .all(&shop.db)
        .await?;
    seeds.extend(saved);
    let mut known = std::collections::HashSet::new();
    seeds.retain(|id| known.insert(*id));
    if seeds.is_empty() {
        return trending(shop, SHOWN).await;
    }
    // Round-robin over the three newest seeds' rows, so one purchase does
    // not fill the list.
    let mut rows = Vec::new();
    for seed in seeds.iter().take(3) {
        match for_product(shop, crate::kernel::ProductId::new(*seed)).await {
            Ok(r) => rows.push(r.together.into_iter().chain(r.similar).collect::<Vec<_>>()),
            Err(ServiceError::NotFound(_)) => {}
            Err(e) => return Err(e),
        }
    }
    let mut picked: Vec<ProductCard> = Vec::new();
    let longest = rows.iter().map(Vec::len).max().unwrap_or(0);
    for i in 0..longest {
        for row in &rows {
            if let Some(card) = row.get(i) {
                if picked.len() < SHOWN && !known.contains(&card.id) && !picked.iter().any(|c| c.id == card.id) {
                    picked.push(card.clone());
                }
            }
        }
    }
    if picked.is_empty() {
        return trending(shop, SHOWN).await;
    }
    Ok(picked)
}

/// Cards of the products for sale among `ids`, in that order, at most `limit`.
async fn in_order<C: ConnectionTrait>(db: &C, ids: &[i64], limit: usize) -> ServiceResult<Vec<ProductCard>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut rows = product::Entity::find()
        .filter(product::Column::Id.is_in(ids.to_vec()))
        .filter(product::Column::Status.eq(ProductStatus::Active))
        .all(db)
        .await?;
    rows.sort_by_key(|p| ids.iter().position(|id| *id == p.id));
    rows.truncate(limit);
    cards_for(db, rows).await
}

/// Products that share carts with `id`, by the number of carts.
async fn bought_together<C: ConnectionTrait>(db: &C, id: i64) -> ServiceResult<Vec<i64>> {
    let (ci1, v1, ci2, v2) = (Alias::new("ci1"), Alias::new("v1"), Alias::new("ci2"), Alias::new("v2"));
    let query = Query::select()
        .expr_as(Expr::col((v2.clone(), variant::Column::ProductId)), Alias::new("related"))
        .expr_as(Expr::cust("COUNT(DISTINCT ci1.cart_id)"), Alias::new("carts"))
        .from_as(cart_item::Entity, ci1.clone())
        .join_as(
            JoinType::InnerJoin,
            variant::Entity,
            v1.clone(),
            Expr::col((v1.clone(), variant::Column::Id)).equals((ci1.clone(), cart_item::Column::VariantId)),
        )
        .join_as(
            JoinType::InnerJoin,
            cart_item::Entity,
            ci2.clone(),
            Expr::col((ci2.clone(), cart_item::Column::CartId)).equals((ci1.clone(), cart_item::Column::CartId)),
        )
        .join_as(
            JoinType::InnerJoin,
            variant::Entity,
            v2.clone(),
            Expr::col((v2.clone(), variant::Column::Id)).equals((ci2, cart_item::Column::VariantId)),
        )
        .and_where(Expr::col((v1, variant::Column::ProductId)).eq(id))
        .and_where(Expr::col((v2.clone(), variant::Column::ProductId)).ne(id))
        .group_by_col((v2, variant::Column::ProductId))
        .order_by(Alias::new("carts"), Order::Desc)
        .order_by(Alias::new("related"), Order::Asc)
        .limit(SHOWN as u64 * 2)
        .to_owned();
    let rows = db.query_all(&query).await?;
    rows.iter().map(|row| Ok(row.try_get::<i64>("", "related")?)).collect()
}

/// Products like `this`: same category first (then the parent's subtree),
/// ranked by shared brand and attribute values, then closeness of price.
async fn similar<C: ConnectionTrait>(db: &C, this: &product::Model) -> ServiceResult<Vec<i64>> {
    let mut candidates = product::Entity::find()
        .filter(product::Column::CategoryId.eq(this.category_id))
        .filter(product::Column::Status.eq(ProductStatus::Active))
        .filter(product::Column::Id.ne(this.id))
        .order_by_asc(product::Column::Id)
        .limit(CANDIDATES)
        .all(db)
        .await?;
    if candidates.len() < SHOWN {
        if let Some(parent) = category::Entity::find_by_id(this.category_id).one(db).await?.and_then(|c| c.parent_id) {
            if let Some(parent) = category::Entity::find_by_id(parent).one(db).await? {
                let subtree = crate::catalog::browse::subtree_ids(db, &parent).await?;
                candidates.extend(
                    product::Entity::find()
                        .filter(product::Column::CategoryId.is_in(subtree))
                        .filter(product::Column::CategoryId.ne(this.category_id))
                        .filter(product::Column::Status.eq(ProductStatus::Active))
                        .order_by_asc(product::Column::Id)
                        .limit(CANDIDATES)
                        .all(db)
                        .await?,
                );
            }
        }
    }
    let mut scored: Vec<(f64, i64)> = candidates.iter().map(|c| (similarity(this, c), c.id)).collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    Ok(scored.into_iter().map(|(_, id)| id).collect())
}

/// How alike two products are: 3 for the same brand, 5 for the same
/// category, 1 per shared attribute value, less the price gap (0 when equal,
/// 1 for a factor of e).
fn similarity(a: &product::Model, b: &product::Model) -> f64 {
    let values = |p: &product::Model| -> Vec<String> {
        crate::kernel::json::pairs(&p.attributes).into_iter().map(|(_, v)| v).collect()
    };
    let shared = values(a).iter().filter(|v| values(b).contains(v)).count() as f64;
    let brand = if a.brand == b.brand { 3.0 } else { 0.0 };
    let category = if a.category_id == b.category_id { 5.0 } else { 0.0 };
    let price = |p: &product::Model| Ord::max(p.price_from_minor, 1) as f64;
    let price_gap = (price(a) / price(b)).ln().abs();
    category + brand + shared - price_gap.min(3.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn product(id: i64, category: i64, brand: &str, price: i64, attributes: serde_json::Value) -> product::Model {
        product::Model {
            id,
            vendor_id: 1,
            category_id: category,
            slug: format!("p{id}"),
            title: format!("P{id}"),
            description: String::new(),
            brand: brand.to_owned(),
            attributes,
            status: ProductStatus::Active,
            featured: false,
            price_from_minor: price,
            rating_centi: 0,
            rating_count: 0,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn similarity_prefers_category_then_brand_and_attributes_then_price() {
        let this = product(1, 7, "Aster", 5_000, serde_json::json!({"Material": "Wool", "Fit": "Slim"}));
        let twin = product(2, 7, "Aster", 5_000, serde_json::json!({"Material": "Wool", "Fit": "Slim"}));
        let same_brand = product(3, 7, "Aster", 5_000, serde_json::json!({}));
        let cousin = product(4, 8, "Aster", 5_000, serde_json::json!({"Material": "Wool", "Fit": "Slim"}));
        let dear = product(5, 7, "Aster", 50_000, serde_json::json!({"Material": "Wool", "Fit": "Slim"}));
        let score = |other: &product::Model| similarity(&this, other);
        assert!(score(&twin) > score(&same_brand));
        assert!(score(&same_brand) > score(&cousin), "the category counts most");
        assert!(score(&twin) > score(&dear), "closer in price ranks higher");
    }

    #[test]
    fn view_tallies_add_up_and_are_taken_once() {
        let counter = ViewCounter::default();
        counter.record(3);
        counter.record(3);
        counter.record(9);
        assert_eq!(counter.take(), HashMap::from([(3, 2), (9, 1)]));
        assert!(counter.take().is_empty());
    }
}
