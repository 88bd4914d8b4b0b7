//! Writing events into the outbox, and relaying them to the event bus.

use crate::events::{DomainEvent, Envelope, SCHEMA_VERSION};
use crate::model::outbox;
use crate::ports::EventBus;
use crate::ServiceResult;
use chrono::{Duration, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, ExprTrait, Statement};

/// How long a relay owns the events it claimed. An event it could not
/// publish is retried by any relay after this, which is also the back-off.
pub const CLAIM: Duration = Duration::seconds(30);
/// How long one publish may take before it counts as failed.
pub const PUBLISH_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// Records `event` in the same transaction as the change it describes.
///
/// # Errors
/// When the insert fails (the caller's transaction then rolls back).
pub async fn record<C: ConnectionTrait>(txn: &C, event: DomainEvent) -> ServiceResult<uuid::Uuid> {
    let event_id = uuid::Uuid::new_v4();
    let (topic, payload) = event.to_parts();
    outbox::Entity::insert(outbox::ActiveModel {
        event_id: Set(event_id),
        topic: Set(topic),
        payload: Set(payload),
        schema_version: Set(SCHEMA_VERSION as i16),
        created_at: Set(Utc::now()),
        published_at: Set(None),
        claimed_until: Set(None),
        attempts: Set(0),
        ..Default::default()
    })
    .exec(txn)
    .await?;
    Ok(event_id)
}

/// Claims up to `batch` unpublished events (oldest first) in one short
/// statement, publishes them with no transaction open, then marks the
/// published ones. Relays on many nodes never claim the same row at once
/// (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite serialises writers).
/// Delivery is at least once: consumers key on the event id. Returns how
/// many were published.
///
/// # Errors
/// When the database fails; an event the bus refuses stays unpublished and
/// is retried after [`CLAIM`].
#[tracing::instrument(skip(db, bus))]
pub async fn relay_batch(db: &DatabaseConnection, bus: &dyn EventBus, batch: u64) -> ServiceResult<usize> {
    let rows = claim(db, batch).await?;
    let mut published = Vec::with_capacity(rows.len());
    for row in rows {
        let event = match DomainEvent::from_parts(&row.topic, row.payload.clone()) {
            Ok(event) => event,
            Err(e) => {
                // Kept, not dropped: a newer build may read it.
                tracing::error!(event_id = %row.event_id, topic = %row.topic, error = %e, "an outbox event this build cannot read; will retry");
                continue;
            }
        };
        let version = u16::try_from(row.schema_version).unwrap_or(SCHEMA_VERSION);
        let envelope = Envelope { id: row.event_id, version, event };
        match tokio::time::timeout(PUBLISH_TIMEOUT, bus.publish(&envelope)).await {
            Ok(Ok(())) => published.push(row.id),
            Ok(Err(e)) => {
                tracing::warn!(event_id = %row.event_id, error = %e, "event bus refused an event; will retry")
            }
            Err(_) => tracing::warn!(event_id = %row.event_id, "publishing an event timed out; will retry"),
        }
    }
    if !published.is_empty() {
        let stmt = Query::update()
            .table(outbox::Entity)
            .value(outbox::Column::PublishedAt, Utc::now())
            .and_where(Expr::col(outbox::Column::Id).is_in(published.clone()))
            .to_owned();
        db.execute(&stmt).await?;
    }
    Ok(published.len())
}

async fn claim(db: &DatabaseConnection, batch: u64) -> ServiceResult<Vec<outbox::Model>> {
    let backend = db.get_database_backend();
    let now = Utc::now();
    let lock = if backend == DbBackend::Postgres { "FOR UPDATE SKIP LOCKED" } else { "" };
    let (p1, p2, p3) = if backend == DbBackend::Postgres { ("$1", "$2", "$3") } else { ("?", "?", "?") };
    let sql = format!(
        "UPDATE outbox SET claimed_until = {p1}, attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM outbox WHERE published_at IS NULL \
           AND (claimed_until IS NULL OR claimed_until < {p2}) ORDER BY id LIMIT {p3} {lock}) \
         RETURNING *"
    );
    let statement =
        Statement::from_sql_and_values(backend, sql, [(now + CLAIM).into(), now.into(), (batch as i64).into()]);
    let mut rows = outbox::Entity::find().from_raw_sql(statement).all(db).await?;
    rows.sort_by_key(|r| r.id);
    Ok(rows)
}
