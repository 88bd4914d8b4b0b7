use super::PortError;
use crate::events::Envelope;
use futures::stream::BoxStream;

/// A live feed of events from the moment of subscription.
pub type EventStream = BoxStream<'static, Envelope>;

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
    async fn publish(&self, event: &Envelope) -> Result<(), PortError>;

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
