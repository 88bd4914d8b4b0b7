//! Moves events from the outbox table to the event bus.

use entities::events::outbox;
use entities::ports::EventBus;
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use std::time::Duration;

/// Relays outbox events every `interval` (the first time one `interval`
/// after starting) until the task is dropped. A batch that fills up is
/// followed at once by the next.
pub async fn run(db: DatabaseConnection, bus: Arc<dyn EventBus>, interval: Duration) {
    const BATCH: u64 = 200;
    loop {
        tokio::time::sleep(interval).await;
        loop {
            match outbox::relay_batch(&db, bus.as_ref(), BATCH).await {
                Ok(n) if n as u64 == BATCH => continue,
                Ok(_) => break,
                Err(e) => {
                    tracing::error!(error = %e, "outbox relay failed; retrying");
                    break;
                }
            }
        }
    }
}
