//! Fulfilment: parcels shipped with tracking, delivery, and returns.

mod types;
pub use types::*;

#[cfg(feature = "db")]
pub mod returns;
#[cfg(feature = "db")]
pub mod shipments;
