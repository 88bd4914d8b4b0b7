//! Background work: the outbox relay, the search indexer, and progress
//! reporting for long commands.

pub mod indexer;
pub mod outbox_relay;
pub mod progress;
