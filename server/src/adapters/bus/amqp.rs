//! The event bus on RabbitMQ (AMQP 0-9-1, lapin): one durable fan-out
//! exchange; each subscriber gets its own exclusive queue bound to it, so
//! every subscriber on every node sees every event published after it
//! subscribed. Publishing waits for the broker's confirm, so the outbox
//! relay marks an event published only once RabbitMQ has it.

use async_trait::async_trait;
use entities::events::Envelope as Event;
use entities::ports::{EventBus, EventStream, PortError};
use futures::StreamExt;
use lapin::options::{
    BasicConsumeOptions, BasicPublishOptions, ConfirmSelectOptions, ExchangeDeclareOptions, QueueBindOptions,
    QueueDeclareOptions,
};
use lapin::publisher_confirm::Confirmation;
use lapin::types::FieldTable;
use lapin::{BasicProperties, Channel, Connection, ConnectionProperties, ExchangeKind};

const SERVICE: &str = "rabbitmq";

fn unavailable(e: impl std::fmt::Display) -> PortError {
    PortError::unavailable(SERVICE, e)
}

/// The bus on one RabbitMQ connection.
pub struct AmqpBus {
    connection: Connection,
    publisher: Channel,
    exchange: String,
}

impl AmqpBus {
    /// Connects to `url` and declares the fan-out `exchange`.
    ///
    /// # Errors
    /// When RabbitMQ cannot be reached or refuses.
    pub async fn connect(url: &str, exchange: &str) -> Result<Self, PortError> {
        let properties = ConnectionProperties::default().with_connection_name("bazaar".into());
        let connection = Connection::connect(url, properties).await.map_err(unavailable)?;
        let publisher = connection.create_channel().await.map_err(unavailable)?;
        publisher
            .exchange_declare(
                exchange,
                ExchangeKind::Fanout,
                ExchangeDeclareOptions { durable: true, ..Default::default() },
                FieldTable::default(),
            )
            .await
            .map_err(unavailable)?;
        publisher.confirm_select(ConfirmSelectOptions::default()).await.map_err(unavailable)?;
        Ok(Self { connection, publisher, exchange: exchange.to_owned() })
    }
}

#[async_trait]
impl EventBus for AmqpBus {
    fn name(&self) -> &'static str {
        SERVICE
    }

    async fn publish(&self, event: &Event) -> Result<(), PortError> {
        let payload =
            serde_json::to_vec(event).map_err(|e| PortError::BadData { service: SERVICE, message: e.to_string() })?;
        let properties = BasicProperties::default()
            .with_content_type("application/json".into())
            .with_message_id(event.id.to_string().into())
            .with_delivery_mode(2);
        let confirm = self
            .publisher
            .basic_publish(&self.exchange, "", BasicPublishOptions::default(), &payload, properties)
            .await
            .map_err(unavailable)?
            .await
            .map_err(unavailable)?;
        match confirm {
            Confirmation::Nack(_) => Err(unavailable("the broker refused the event")),
            _ => Ok(()),
        }
    }

    async fn subscribe(&self) -> Result<EventStream, PortError> {
        let channel = self.connection.create_channel().await.map_err(unavailable)?;
        let queue = channel
            .queue_declare(
                "",
                QueueDeclareOptions { exclusive: true, auto_delete: true, ..Default::default() },
                FieldTable::default(),
            )
            .await
            .map_err(unavailable)?;
        channel
            .queue_bind(queue.name().as_str(), &self.exchange, "", QueueBindOptions::default(), FieldTable::default())
            .await
            .map_err(unavailable)?;
        let consumer = channel
            .basic_consume(
                queue.name().as_str(),
                "",
                BasicConsumeOptions { no_ack: true, ..Default::default() },
                FieldTable::default(),
            )
            .await
            .map_err(unavailable)?;
        // The stream keeps its channel open for as long as it lives.
        let stream = consumer.filter_map(move |delivery| {
            let _channel = &channel;
            let event = match delivery {
                Ok(d) => serde_json::from_slice::<Event>(&d.data)
                    .inspect_err(|e| tracing::warn!(error = %e, "unreadable event on the bus; skipped"))
                    .ok(),
                Err(e) => {
                    tracing::warn!(error = %e, "the bus's consumer failed");
                    None
                }
            };
            std::future::ready(event)
        });
        Ok(stream.boxed())
    }

    async fn ping(&self) -> Result<(), PortError> {
        if self.connection.status().connected() {
            Ok(())
        } else {
            Err(unavailable("the connection is closed"))
        }
    }
}
