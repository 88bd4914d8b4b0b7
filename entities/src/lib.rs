//! Bazaar's domain core.
//!
//! The plain types (`domain`, `views`) compile everywhere, WASM included. The
//! database models, ports and services sit behind the `db` feature.

pub mod account;
pub mod admin;
pub mod checkout;
pub mod domain;
pub mod fraud;
pub mod review;
pub mod views;

#[cfg(feature = "db")]
pub mod model;
#[cfg(feature = "db")]
pub mod ports;
#[cfg(feature = "db")]
pub mod services;

pub use domain::*;
