//! The embedded event bus: in-process fan-out, one bounded queue per
//! subscriber. Publishing waits while a subscriber's queue is full, so a
//! slow subscriber slows the outbox relay down (the outbox rows keep the
//! events meanwhile) instead of losing events; a subscriber that went away
//! is forgotten.

use entities::events::Envelope as Event;
use entities::ports::{EventBus, EventStream, PortError};
use futures::StreamExt;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::{broadcast, mpsc};

/// In-process fan-out to every subscriber, each event once, in order.
#[derive(Clone)]
pub struct MemoryBus {
    subscribers: Arc<Mutex<Vec<mpsc::Sender<Event>>>>,
    capacity: usize,
}

impl MemoryBus {
    /// A bus queueing up to `capacity` events per subscriber before
    /// publishing waits for it.
    pub fn new(capacity: usize) -> Self {
        Self { subscribers: Arc::default(), capacity: capacity.max(1) }
    }

    fn senders(&self) -> std::sync::MutexGuard<'_, Vec<mpsc::Sender<Event>>> {
        self.subscribers.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Turns a broadcast receiver (the Redis bus's local fan-out) into an
/// event stream that logs lag.
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
        let senders = self.senders().clone();
        let mut any_gone = false;
        for sender in &senders {
            // Waits while this subscriber's queue is full.
            any_gone |= sender.send(event.clone()).await.is_err();
        }
        if any_gone {
            self.senders().retain(|s| !s.is_closed());
        }
        Ok(())
    }

    async fn subscribe(&self) -> Result<EventStream, PortError> {
        let (sender, receiver) = mpsc::channel(self.capacity);
        self.senders().push(sender);
        Ok(futures::stream::unfold(receiver, |mut rx| async move { rx.recv().await.map(|event| (event, rx)) }).boxed())
    }

    async fn ping(&self) -> Result<(), PortError> {
        Ok(())
    }
}
