//! Drops cached reads that catalog events make stale. A read after a write
//! is therefore old for at most the outbox relay's delay (normally well
//! under a second), and never longer than the read cache's TTL (30 s) if
//! the event is late.

use entities::ports::{Cache, EventStream};
use entities::services::read_cache::{invalidate, product_key};
use futures::StreamExt;
use std::sync::Arc;

/// Applies `product.changed` / `product.removed` events (payload with the
/// product's `slug`) to the cache. Idempotent: dropping twice is harmless.
pub async fn follow_events(mut events: EventStream, cache: Arc<dyn Cache>) {
    while let Some(event) = events.next().await {
        if !matches!(event.topic.as_str(), "product.changed" | "product.removed") {
            continue;
        }
        if let Some(slug) = event.payload.get("slug").and_then(serde_json::Value::as_str) {
            invalidate(cache.as_ref(), &product_key(slug)).await;
        }
    }
}
