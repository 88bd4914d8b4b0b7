//! Moves cached catalog reads to a new generation when the catalog changes
//! (see `entities::kernel::read_cache`). A read after a write is
//! therefore old for at most the outbox relay's delay (normally well under
//! a second), and never longer than the read cache's TTL (30 s) if the event
//! is late. Search results move on in the indexer instead, once the index
//! has the change.

use entities::kernel::read_cache::{new_generation, Scope};
use entities::ports::{Cache, EventStream};
use futures::StreamExt;
use std::sync::Arc;

/// Applies catalog events to the cache. Idempotent: the generation is the
/// event id, so a second delivery sets the same value.
pub async fn follow_events(mut events: EventStream, cache: Arc<dyn Cache>) {
    while let Some(event) = events.next().await {
        if event.event.changes_catalog() {
            new_generation(cache.as_ref(), Scope::Catalog, &event.id.to_string()).await;
        }
    }
}
