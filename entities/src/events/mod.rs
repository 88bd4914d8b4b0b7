//! What happened in the shop, as the outbox records it and the event bus
//! carries it, and merchants' webhooks that deliver it.

#[cfg(feature = "db")]
pub mod outbox;
#[cfg(feature = "db")]
pub mod webhooks;
