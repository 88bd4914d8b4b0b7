//! Writing events into the outbox, and relaying them to the event bus.

use super::{ServiceError, ServiceResult};
use crate::model::outbox;
use crate::ports::{Event, EventBus};
use chrono::Utc;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::ExprTrait;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
};

/// Records an event in the same transaction as the change it describes.
///
/// # Errors
/// When the insert fails (the caller's transaction then rolls back).
pub async fn record<C: ConnectionTrait>(txn: &C, topic: &str, payload: serde_json::Value) -> ServiceResult<uuid::Uuid> {
    let event_id = uuid::Uuid::new_v4();
    outbox::Entity::insert(outbox::ActiveModel {
        event_id: Set(event_id),
        topic: Set(topic.to_owned()),
        payload: Set(payload),
        created_at: Set(Utc::now()),
        published_at: Set(None),
        attempts: Set(0),
        ..Default::default()
    })
    .exec(txn)
    .await?;
    Ok(event_id)
}

/// Publishes up to `batch` unpublished events, oldest first, and marks them
/// published. On PostgreSQL the rows are claimed with `FOR UPDATE SKIP
/// LOCKED`, so relays on many nodes share the work without sending an event
/// twice in the normal case; delivery is at least once, and consumers key on
/// the event id. Returns how many were published.
///
/// # Errors
/// When the database fails; an event the bus refuses stays unpublished
/// (with its attempt counted) and is retried on the next call.
#[tracing::instrument(skip(db, bus))]
pub async fn relay_batch(db: &DatabaseConnection, bus: &dyn EventBus, batch: u64) -> ServiceResult<usize> {
    let txn = db.begin().await?;
    let mut select = outbox::Entity::find()
        .filter(outbox::Column::PublishedAt.is_null())
        .order_by_asc(outbox::Column::Id)
        .limit(batch);
    if db.get_database_backend() == DbBackend::Postgres {
        select = select
            .lock_with_behavior(sea_orm::sea_query::LockType::Update, sea_orm::sea_query::LockBehavior::SkipLocked);
    }
    let rows = select.all(&txn).await?;
    let mut published = Vec::with_capacity(rows.len());
    let mut failed = Vec::new();
    for row in rows {
        let event = Event { id: row.event_id, topic: row.topic.clone(), payload: row.payload.clone() };
        match bus.publish(&event).await {
            Ok(()) => published.push(row.id),
            Err(e) => {
                tracing::warn!(event_id = %row.event_id, error = %e, "event bus refused an event; will retry");
                failed.push(row.id);
            }
        }
    }
    if !published.is_empty() {
        let stmt = Query::update()
            .table(outbox::Entity)
            .value(outbox::Column::PublishedAt, Utc::now())
            .and_where(Expr::col(outbox::Column::Id).is_in(published.clone()))
            .to_owned();
        txn.execute(&stmt).await?;
    }
    if !failed.is_empty() {
        let stmt = Query::update()
            .table(outbox::Entity)
            .value(outbox::Column::Attempts, Expr::col(outbox::Column::Attempts).add(1))
            .and_where(Expr::col(outbox::Column::Id).is_in(failed))
            .to_owned();
        txn.execute(&stmt).await?;
    }
    txn.commit().await.map_err(ServiceError::from)?;
    Ok(published.len())
}
