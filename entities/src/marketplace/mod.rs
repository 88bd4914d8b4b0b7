//! The marketplace: vendors and their part of orders.

mod types;
pub use types::*;

#[cfg(feature = "db")]
pub mod vendor_orders;
#[cfg(feature = "db")]
pub mod vendors;
