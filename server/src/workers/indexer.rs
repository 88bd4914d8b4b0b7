//! Keeps the search index in step with the catalog.

use super::progress::Progress;
use entities::ports::{EventStream, SearchIndex};
use entities::services::{catalog, ServiceResult};
use futures::StreamExt;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
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
        let batch = catalog::search_documents(db, after, BATCH).await?;
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
        .filter(entities::model::product::Column::Status.eq("active"))
        .count(db)
        .await?)
}

/// Applies `product.changed` / `product.removed` events (payload
/// `{"product_id": n}`) from `events` to the index. Idempotent: applying an
/// event twice gives the same index. Subscribe before the outbox relay starts
/// so no event slips past.
pub async fn follow_events(mut events: EventStream, db: DatabaseConnection, search: Arc<dyn SearchIndex>) {
    while let Some(event) = events.next().await {
        let Some(id) = event.payload.get("product_id").and_then(serde_json::Value::as_i64) else {
            continue;
        };
        let result = match event.topic.as_str() {
            "product.changed" => match catalog::search_documents(&db, id - 1, 1).await {
                Ok(docs) if docs.first().is_some_and(|d| d.card.id == id) => {
                    search.upsert(docs).await.map_err(Into::into)
                }
                Ok(_) => search.remove(&[id]).await.map_err(Into::into),
                Err(e) => Err(e),
            },
            "product.removed" => search.remove(&[id]).await.map_err(Into::into),
            _ => continue,
        };
        if let Err(e) = result {
            tracing::error!(error = %e, event_id = %event.id, "search index update failed");
        }
    }
}
