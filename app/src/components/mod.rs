//! Presentational components.

pub mod cart_badge;
pub mod layout;
pub mod pagination;
pub mod product_card;
