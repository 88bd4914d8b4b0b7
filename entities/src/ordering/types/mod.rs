//! Ordering's shapes, shared by the REST API, the pages (WASM included) and
//! the services.

mod cart;
mod checkout;
pub mod fraud;
mod order;
mod pricing;
mod status;

pub use cart::*;
pub use checkout::*;
pub use order::*;
pub use pricing::*;
pub use status::OrderStatus;
