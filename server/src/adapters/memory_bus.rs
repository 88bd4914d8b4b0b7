//! The embedded event bus: a tokio broadcast channel inside the process.

use entities::ports::{Event, EventBus, EventStream, PortError};
use futures::StreamExt;
use tokio::sync::broadcast;

/// In-process fan-out. A subscriber that falls more than `capacity` events
/// behind skips ahead (and the skip is logged); the outbox keeps the record.
#[derive(Clone)]
pub struct MemoryBus {
    sender: broadcast::Sender<Event>,
}

impl MemoryBus {
    /// A bus buffering up to `capacity` events per slow subscriber.
    pub fn new(capacity: usize) -> Self {
        Self { sender: broadcast::channel(capacity).0 }
    }
}

/// Turns a broadcast receiver into an event stream that logs lag.
pub(crate) fn receiver_stream(rx: broadcast::Receiver<Event>) -> EventStream {
    futures::stream::unfold(rx, |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(event) => return Some((event, rx)),
                Err(broadcast::error::RecvError::Lagged(n)) => {
                    tracing::warn!(skipped = n, "event subscriber lagged")
                }
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    })
    .boxed()
}

#[async_trait::async_trait]
impl EventBus for MemoryBus {
    fn name(&self) -> &'static str {
        "memory"
    }

    async fn publish(&self, event: &Event) -> Result<(), PortError> {
        // No subscriber is not an error: nobody is listening yet.
        let _ = self.sender.send(event.clone());
        Ok(())
    }

    async fn subscribe(&self) -> Result<EventStream, PortError> {
        Ok(receiver_stream(self.sender.subscribe()))
    }

    async fn ping(&self) -> Result<(), PortError> {
        Ok(())
    }
}
