//! Payments: starting and settling them with providers, the provider-event
//! inbox, refunds, disputes, gift cards and store credit.

mod types;
pub use types::*;

#[cfg(feature = "db")]
pub mod audit_log;
#[cfg(feature = "db")]
pub mod gift_cards;
#[cfg(feature = "db")]
pub mod inbox;
#[cfg(feature = "db")]
pub mod refunds;
#[cfg(feature = "db")]
pub mod settle;
#[cfg(feature = "db")]
pub mod start;
