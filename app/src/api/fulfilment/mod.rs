//! Fulfilment: vendors' parts of orders, parcels, delivery and returns.

pub mod parcels;
