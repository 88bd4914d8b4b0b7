//! Bazaar's domain core, one folder per bounded context (see
//! docs/DEVELOPING.md, "Where things are").
//!
//! Each context holds its types, which compile everywhere (WASM included),
//! and its use cases, which sit behind the `db` feature with the SeaORM
//! models (`model`), the ports and the [`Shop`] they act on. `kernel` is the
//! shared core (money, ids, errors, access, validation, audit, sealing);
//! `events` is the outbox and what it carries.

pub mod accounts;
pub mod catalog;
#[cfg(feature = "db")]
pub mod events;
pub mod fulfilment;
pub mod kernel;
pub mod marketplace;
pub mod ordering;
pub mod payments;

#[cfg(feature = "db")]
pub mod model;
#[cfg(feature = "db")]
pub mod notifications;
#[cfg(feature = "db")]
pub mod ports;
#[cfg(feature = "db")]
mod shop;

#[cfg(feature = "db")]
pub use kernel::{write_txn, ServiceError, ServiceResult};
pub use kernel::{CategoryId, ImageId, OrderId, ProductId, UserId, VariantId, VendorId};
pub use kernel::{Currency, Email, Money, MoneyError, ParseError, Sku, Slug};
#[cfg(feature = "db")]
pub use shop::{Shop, ShopSettings};
