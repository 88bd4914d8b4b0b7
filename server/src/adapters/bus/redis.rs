//! The scaled event bus: Redis pub/sub, so events reach every node.
//!
//! Each node keeps one subscriber connection and fans its messages out to
//! local subscribers through a broadcast channel.

use crate::adapters::bus::memory::receiver_stream;
use entities::events::Envelope as Event;
use entities::ports::{EventBus, EventStream, PortError};
use fred::prelude::*;
use tokio::sync::broadcast;

const SERVICE: &str = "redis";

/// Pub/sub over Redis on one channel.
#[derive(Clone)]
pub struct RedisBus {
    publisher: Client,
    subscriber_health: fred::clients::SubscriberClient,
    local: broadcast::Sender<Event>,
    channel: String,
}

impl RedisBus {
    /// Connects a publisher and a subscriber to `url` on `channel`.
    ///
    /// # Errors
    /// When Redis cannot be reached.
    pub async fn connect(url: &str, channel: impl Into<String>) -> Result<Self, PortError> {
        let channel = channel.into();
        let publisher = crate::adapters::cache::redis::connect(url).await?;
        let subscriber = crate::adapters::cache::redis::builder(url)?
            .build_subscriber_client()
            .map_err(|e| PortError::unavailable(SERVICE, e))?;
        subscriber.init().await.map_err(|e| PortError::unavailable(SERVICE, e))?;
        let mut messages = subscriber.message_rx();
        subscriber.subscribe(channel.clone()).await.map_err(|e| PortError::unavailable(SERVICE, e))?;
        // Re-subscribes after a reconnect.
        let _resubscribe = subscriber.manage_subscriptions();
        let subscriber_health = subscriber.clone();
        let (local, _) = broadcast::channel(4096);
        let fan_out = local.clone();
        tokio::spawn(async move {
            let _keep_alive = subscriber;
            loop {
                match messages.recv().await {
                    Ok(message) => {
                        let parsed = message.value.as_str().and_then(|text| serde_json::from_str::<Event>(&text).ok());
                        match parsed {
                            Some(event) => {
                                let _ = fan_out.send(event);
                            }
                            None => tracing::warn!("ignored a message on the event channel that is not an event"),
                        }
                    }
                    Err(broadcast::error::RecvError::Lagged(n)) => {
                        tracing::warn!(skipped = n, "redis subscriber lagged")
                    }
                    Err(broadcast::error::RecvError::Closed) => break,
                }
            }
        });
        Ok(Self { publisher, subscriber_health, local, channel })
    }
}

#[async_trait::async_trait]
impl EventBus for RedisBus {
    fn name(&self) -> &'static str {
        SERVICE
    }

    async fn publish(&self, event: &Event) -> Result<(), PortError> {
        let json = serde_json::to_string(event).map_err(|e| PortError::bad_data(SERVICE, e))?;
        self.publisher
            .publish::<i64, _, _>(self.channel.clone(), json)
            .await
            .map(|_| ())
            .map_err(|e| PortError::unavailable(SERVICE, e))
    }

    async fn subscribe(&self) -> Result<EventStream, PortError> {
        Ok(receiver_stream(self.local.subscribe()))
    }

    async fn ping(&self) -> Result<(), PortError> {
        self.publisher.ping::<String>(None).await.map_err(|e| PortError::unavailable(SERVICE, e))?;
        if !self.subscriber_health.is_connected() {
            return Err(PortError::unavailable(SERVICE, "the subscriber connection is down"));
        }
        Ok(())
    }
}
