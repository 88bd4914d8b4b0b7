use super::PortError;
use futures::stream::BoxStream;
use serde::{Deserialize, Serialize};

/// A domain event as it travels over the bus. `id` is the outbox event id,
/// so consumers can ignore a second delivery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Unique id of the event (from the outbox row).
    pub id: uuid::Uuid,
    /// What happened, e.g. `cart.item_added`.
    pub topic: String,
    /// The event's data.
    pub payload: serde_json::Value,
}

/// A live feed of events from the moment of subscription.
pub type EventStream = BoxStream<'static, Event>;

/// Publish/subscribe fan-out: every subscriber on every node sees every event
/// published after it subscribed.
#[async_trait::async_trait]
pub trait EventBus: Send + Sync {
    /// The adapter's name, for health reports.
    fn name(&self) -> &'static str;

    /// Publishes one event to all current subscribers.
    ///
    /// # Errors
    /// When the backing service fails.
    async fn publish(&self, event: &Event) -> Result<(), PortError>;

    /// Subscribes to all events published from now on.
    ///
    /// # Errors
    /// When the backing service fails.
    async fn subscribe(&self) -> Result<EventStream, PortError>;

    /// Checks that the backing service answers.
    ///
    /// # Errors
    /// When it does not.
    async fn ping(&self) -> Result<(), PortError>;
}
