//! Keeps the search index in step with the catalog.

use super::progress::Progress;
use entities::catalog::{browse, ProductStatus};
use entities::events::DomainEvent;
use entities::kernel::read_cache::{new_generation, Scope};
use entities::model::{category, product};
use entities::ports::{Cache, EventStream, SearchIndex};
use entities::ServiceResult;
use futures::StreamExt;
use sea_orm::sea_query::IntoCondition;
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect};
use std::sync::Arc;

const BATCH: u64 = 1_000;

/// Rebuilds the whole index from the database. Search keeps answering from
/// the old index until the new one is complete. Returns the document count.
///
/// # Errors
/// When the database or the index fails.
pub async fn reindex(db: &DatabaseConnection, search: &dyn SearchIndex, progress: &Progress) -> ServiceResult<usize> {
    let mut docs = Vec::new();
    let mut after = 0;
    loop {
        let batch = browse::search_documents(db, after, BATCH).await?;
        let Some(last) = batch.last() else { break };
        after = last.card.id;
        docs.extend(batch);
        progress.set(docs.len() as u64);
    }
    let count = docs.len();
    search.replace_all(docs).await?;
    progress.finish();
    Ok(count)
}

/// Number of active products, for progress totals.
///
/// # Errors
/// When the database fails.
pub async fn active_products(db: &DatabaseConnection) -> ServiceResult<u64> {
    Ok(entities::model::product::Entity::find()
        .filter(entities::model::product::Column::Status.eq(ProductStatus::Active))
        .count(db)
        .await?)
}

/// Applies catalog events from `events` to the index, then moves cached
/// search results to a new generation so none from before the change is
/// served again:
/// - `product.changed` (`{"product_id": n}`): re-indexes the product, or
///   removes it when it is gone or no longer for sale;
/// - `category.changed` (`{"path": "/3/17/"}`): re-indexes the products in
///   that category and below (names and paths are in their documents);
/// - `vendor.changed` (`{"vendor_id": n}`): re-indexes the vendor's products.
///
/// Idempotent: applying an event twice gives the same index. Subscribe
/// before the outbox relay starts so no event slips past.
pub async fn follow_events(
    mut events: EventStream,
    db: DatabaseConnection,
    search: Arc<dyn SearchIndex>,
    cache: Arc<dyn Cache>,
) {
    while let Some(event) = events.next().await {
        let result = match &event.event {
            DomainEvent::ProductChanged(p) => reindex_product(&db, search.as_ref(), p.product_id.get()).await,
            DomainEvent::CategoryChanged(c) => match category_products(&db, &c.path).await {
                Ok(condition) => reindex_where(&db, search.as_ref(), condition).await,
                Err(e) => Err(e),
            },
            DomainEvent::VendorChanged(v) => {
                let condition = product::Column::VendorId.eq(v.vendor_id.get()).into_condition();
                reindex_where(&db, search.as_ref(), condition).await
            }
            _ => continue,
        };
        match result {
            Ok(()) => new_generation(cache.as_ref(), Scope::Search, &event.id.to_string()).await,
            Err(e) => tracing::error!(error = %e, event_id = %event.id, "search index update failed"),
        }
    }
}

async fn reindex_product(db: &DatabaseConnection, search: &dyn SearchIndex, id: i64) -> ServiceResult<()> {
    let docs = browse::search_documents_where(db, product::Column::Id.eq(id).into_condition(), 0, 1).await?;
    if docs.is_empty() {
        search.remove(&[id]).await?;
    } else {
        search.upsert(docs).await?;
    }
    Ok(())
}

/// Products in the category at `path` or below.
async fn category_products(db: &DatabaseConnection, path: &str) -> ServiceResult<Condition> {
    let ids: Vec<i64> = category::Entity::find()
        .select_only()
        .column(category::Column::Id)
        .filter(category::Column::Path.starts_with(path))
        .into_tuple()
        .all(db)
        .await?;
    Ok(product::Column::CategoryId.is_in(ids).into_condition())
}

/// Re-indexes the products for sale that match `condition`, in batches.
/// (Products no longer for sale left the index with their own event.)
async fn reindex_where(db: &DatabaseConnection, search: &dyn SearchIndex, condition: Condition) -> ServiceResult<()> {
    let mut after = 0;
    loop {
        let batch = browse::search_documents_where(db, condition.clone(), after, BATCH).await?;
        let Some(last) = batch.last() else { return Ok(()) };
        after = last.card.id;
        search.upsert(batch).await?;
    }
}
