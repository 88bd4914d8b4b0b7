//! Background work: the outbox relay, the search indexer, the cache
//! invalidator, and progress
//! reporting for long commands.

pub mod cache_invalidator;
pub mod image_processor;
pub mod indexer;
pub mod mail_sender;
pub mod outbox_relay;
pub mod payment_events;
pub mod progress;
pub mod public_only;
pub mod reservation_expiry;
pub mod view_counter;
pub mod webhook_sender;
