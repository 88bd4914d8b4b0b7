//! Adapters: implementations of the domain's ports. Each port has an
//! embedded adapter (no set-up) and a scaled one chosen by configuration.

pub mod amqp_bus;
pub mod db_sessions;
pub mod file_mailer;
pub mod local_payments;
pub mod meili_search;
pub mod memory_bus;
pub mod memory_cache;
pub mod paypal_payments;
pub mod redis_bus;
pub mod redis_cache;
pub mod redis_sessions;
pub mod smtp_mailer;
pub mod stripe_payments;
pub mod tantivy_search;
pub mod test_payments;
