//! The `EventBus` port: in-process (embedded), Redis pub/sub, or RabbitMQ.

pub mod amqp;
pub mod memory;
pub mod redis;
